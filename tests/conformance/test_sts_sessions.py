"""STS beyond plain AssumeRole, through boto3: session tags (sts:TagSession, aws:PrincipalTag,
transitive tags through role chaining), SourceIdentity (sts:SetSourceIdentity, aws:SourceIdentity,
kept through chaining), GetSessionToken for IAM users, and GetAccessKeyInfo."""

import json

import pytest

from helpers import aws_error

A = "111111111111"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(*actions, principal=f"arn:aws:iam::{A}:root"):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions)})


@pytest.fixture
def ops(aws):
    """An admin IAM user of account A, and A's IAM client."""
    iam = aws("iam")
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    return iam, iam.create_access_key(UserName="ops")["AccessKey"]


def test_session_tags_need_tag_session_and_become_principal_tags(ops, client_for):
    iam, keys = ops
    # Describe only when the session carries team=web.
    by_team = doc({"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*",
                   "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}}})
    plain = iam.create_role(RoleName="plain", AssumeRolePolicyDocument=trust("sts:AssumeRole"))["Role"]["Arn"]
    tagged = iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust("sts:AssumeRole", "sts:TagSession"),
                             Tags=[{"Key": "team", "Value": "db"}])["Role"]["Arn"]
    for role in ("plain", "tagged"):
        iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=by_team)
    sts = client_for("sts", keys)

    with aws_error("AccessDenied", 403) as e:
        sts.assume_role(RoleArn=plain, RoleSessionName="web", Tags=[{"Key": "team", "Value": "web"}])
    assert "sts:TagSession" in e.value.response["Error"]["Message"]

    # The role's own tag says db: without session tags the condition fails.
    untagged = sts.assume_role(RoleArn=tagged, RoleSessionName="none")["Credentials"]
    with aws_error("UnauthorizedOperation", 403):
        client_for("ec2", untagged).describe_vpcs()
    # A session tag overrides the role's tag of the same key.
    web = sts.assume_role(RoleArn=tagged, RoleSessionName="web", Tags=[{"Key": "team", "Value": "web"}])["Credentials"]
    client_for("ec2", web).describe_vpcs()

    with aws_error("InvalidParameterValue", 400):
        sts.assume_role(RoleArn=tagged, RoleSessionName="dup",
                        Tags=[{"Key": "team", "Value": "a"}, {"Key": "TEAM", "Value": "b"}])
    with aws_error("InvalidParameterValue", 400):
        sts.assume_role(RoleArn=tagged, RoleSessionName="tt", Tags=[{"Key": "a", "Value": "b"}],
                        TransitiveTagKeys=["missing"])


def test_transitive_tags_follow_role_chaining(ops, client_for):
    iam, keys = ops
    first = iam.create_role(RoleName="first", AssumeRolePolicyDocument=trust("sts:AssumeRole", "sts:TagSession"))
    iam.put_role_policy(RoleName="first", PolicyName="chain", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}))
    second_trust = trust("sts:AssumeRole", "sts:TagSession", principal=first["Role"]["Arn"])
    second = iam.create_role(RoleName="second", AssumeRolePolicyDocument=second_trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="second", PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/project": "blue"}}}))
    s1 = client_for("sts", keys).assume_role(
        RoleArn=first["Role"]["Arn"], RoleSessionName="one",
        Tags=[{"Key": "project", "Value": "blue"}, {"Key": "scratch", "Value": "x"}],
        TransitiveTagKeys=["project"])["Credentials"]
    s2 = client_for("sts", s1).assume_role(RoleArn=second, RoleSessionName="two")["Credentials"]
    client_for("ec2", s2).describe_vpcs()  # project=blue came along
    # A transitive tag cannot be overridden further down the chain.
    with aws_error("InvalidParameterValue", 400):
        client_for("sts", s1).assume_role(RoleArn=second, RoleSessionName="two",
                                       Tags=[{"Key": "project", "Value": "red"}])


def test_source_identity_is_set_once_and_kept(ops, client_for):
    iam, keys = ops
    open_role = iam.create_role(RoleName="open", AssumeRolePolicyDocument=trust("sts:AssumeRole"))["Role"]["Arn"]
    audited = iam.create_role(RoleName="audited", AssumeRolePolicyDocument=trust(
        "sts:AssumeRole", "sts:SetSourceIdentity"))["Role"]["Arn"]
    iam.put_role_policy(RoleName="audited", PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceIdentity": "alice"}}}))
    sts = client_for("sts", keys)
    with aws_error("AccessDenied", 403) as e:
        sts.assume_role(RoleArn=open_role, RoleSessionName="aa", SourceIdentity="alice")
    assert "sts:SetSourceIdentity" in e.value.response["Error"]["Message"]

    answer = sts.assume_role(RoleArn=audited, RoleSessionName="alice", SourceIdentity="alice")
    assert answer["SourceIdentity"] == "alice"
    client_for("ec2", answer["Credentials"]).describe_vpcs()

    # Chained: the identity is carried, and cannot be changed.
    iam.update_assume_role_policy(RoleName="audited", PolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{A}:root", audited]},
         "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}))
    chained = client_for("sts", answer["Credentials"])
    again = chained.assume_role(RoleArn=audited, RoleSessionName="again")
    assert again["SourceIdentity"] == "alice"
    with aws_error("InvalidParameterValue", 400):
        chained.assume_role(RoleArn=audited, RoleSessionName="again", SourceIdentity="bob")


def test_get_session_token_speaks_for_the_user(ops, client_for, aws):
    iam, keys = ops
    token = client_for("sts", keys).get_session_token(DurationSeconds=900)["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA") and token["SessionToken"]
    me = client_for("sts", token).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{A}:user/ops"
    client_for("ec2", token).describe_vpcs()  # the user's own permissions
    with aws_error("InvalidClientTokenId", 403):
        client_for("iam", token).list_users()
    with aws_error("AccessDenied", 403):
        client_for("sts", token).get_session_token()
    with aws_error("ValidationError", 400):
        client_for("sts", keys).get_session_token(DurationSeconds=129601)
    # A role session cannot call it.
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust("sts:AssumeRole"))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    session = client_for("sts", keys).assume_role(RoleArn=role, RoleSessionName="s1")["Credentials"]
    with aws_error("AccessDenied", 403):
        client_for("sts", session).get_session_token()
    # Roots here hold no secret to derive a session from.
    with aws_error("AccessDenied", 403):
        aws("sts").get_session_token()


def test_get_access_key_info(ops, client_for, aws):
    iam, keys = ops
    sts = aws("sts", "222222222222")
    assert sts.get_access_key_info(AccessKeyId=keys["AccessKeyId"])["Account"] == A
    token = client_for("sts", keys).get_session_token()["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=token["AccessKeyId"])["Account"] == A
    with aws_error("InvalidParameterValue", 400):
        sts.get_access_key_info(AccessKeyId="AKIAABCDEFABCDEFABCD")
