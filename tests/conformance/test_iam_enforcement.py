"""IAM enforced on issued principals (users, role sessions), through boto3: the guide's step 2 —
an application account's role holding exactly `ec2:DescribeSecurityGroups` and
`ec2:ModifyNetworkInterfaceAttribute` may describe the network account's shared group and attach
it, and nothing more; refusals name the action, the resource and the reason, and decode."""

import json

import boto3
import botocore.config
import pytest

from helpers import aws_error, new_members, new_sg, new_vpc

M = "111111111111"
GUIDE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": ["ec2:DescribeSecurityGroups", "ec2:ModifyNetworkInterfaceAttribute"],
        "Resource": "*",
    }],
}
CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})


def arn(account, kind, id_):
    return f"arn:aws:ec2:us-east-1:{account}:{kind}/{id_}"


def user_with_keys(iam, name, policy=None):
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return iam.create_access_key(UserName=name)["AccessKey"]


def allow(actions, resource="*"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}


@pytest.fixture
def guide(aws, client_for):
    """M's organization with O (network) and P (app); O shares a subnet and a group with P. In P
    a developer user may assume `attacher`, a role holding exactly the guide's policy."""
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    o, p = new_members(org, "network", "app")
    aws("ram", M).enable_sharing_with_aws_organization()
    eo = aws("ec2", o)
    vpc = new_vpc(eo, "10.0.0.0/16")
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    shared = new_sg(eo, vpc, "app")
    aws("ram", o).create_resource_share(
        name="net", resourceArns=[arn(o, "subnet", subnet), arn(o, "security-group", shared)], principals=[p])

    # P's root sets up the role and the developer, then makes an interface in the shared subnet.
    iam_p = aws("iam", p)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{p}:root"}, "Action": "sts:AssumeRole"}]}
    role_arn = iam_p.create_role(RoleName="attacher", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam_p.put_role_policy(RoleName="attacher", PolicyName="guide", PolicyDocument=json.dumps(GUIDE_POLICY))
    dev = user_with_keys(iam_p, "dev", allow("sts:AssumeRole", role_arn))
    ep = aws("ec2", p)
    mine = new_sg(ep, vpc, "mine")
    eni = ep.create_network_interface(SubnetId=subnet, Groups=[mine])["NetworkInterface"]["NetworkInterfaceId"]

    session = client_for("sts", dev).assume_role(RoleArn=role_arn, RoleSessionName="deploy")["Credentials"]
    return {"O": o, "P": p, "vpc": vpc, "subnet": subnet, "shared": shared, "mine": mine, "eni": eni,
            "role_arn": role_arn, "dev": dev, "session": session, "ep_root": ep, "iam_p": iam_p}


def test_the_guide_s_role_describes_and_attaches_the_shared_group(guide, client_for):
    ec2 = client_for("ec2", guide["session"])
    groups = ec2.describe_security_groups(GroupIds=[guide["shared"]])["SecurityGroups"]
    assert [(g["GroupId"], g["OwnerId"]) for g in groups] == [(guide["shared"], guide["O"])]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["shared"], guide["mine"]])
    eni = guide["ep_root"].describe_network_interfaces(NetworkInterfaceIds=[guide["eni"]])["NetworkInterfaces"][0]
    assert sorted(g["GroupId"] for g in eni["Groups"]) == sorted([guide["shared"], guide["mine"]])
    # A dry run of what the role may do says so.
    with aws_error("DryRunOperation", status=412):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["shared"]], DryRun=True)


def test_everything_beyond_the_guide_s_policy_is_refused_and_explained(guide, client_for, aws):
    ec2 = client_for("ec2", guide["session"])
    session_arn = f"arn:aws:sts::{guide['P']}:assumed-role/attacher/deploy"
    with aws_error("UnauthorizedOperation", status=403) as refused:
        ec2.create_security_group(GroupName="x", Description="x", VpcId=guide["vpc"])
    message = refused.value.response["Error"]["Message"]
    assert message.startswith("You are not authorized to perform this operation. ")
    assert f"User: {session_arn} is not authorized to perform: ec2:CreateSecurityGroup on resource: " \
           f"arn:aws:ec2:us-east-1:{guide['P']}:security-group/* because no identity-based policy allows " \
           "the ec2:CreateSecurityGroup action" in message
    encoded = message.split("Encoded authorization failure message: ")[1]

    # Decoding needs sts:DecodeAuthorizationMessage, which the role lacks; P's root has it.
    with aws_error("AccessDenied", status=403):
        client_for("sts", guide["session"]).decode_authorization_message(EncodedMessage=encoded)
    decoded = json.loads(aws("sts", guide["P"]).decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "ec2:CreateSecurityGroup"
    assert decoded["context"]["principal"]["arn"] == session_arn
    keys = {c["key"] for c in decoded["context"]["conditions"]["items"]}
    assert {"aws:principalarn", "aws:requestedregion"} <= keys
    with aws_error("InvalidAuthorizationMessageException"):
        aws("sts", guide["P"]).decode_authorization_message(EncodedMessage="not-a-message")

    # Changing the shared group: the role lacks the action, and the owner's share does not grant it.
    with aws_error("UnauthorizedOperation", status=403,
                   message=f"on resource: arn:aws:ec2:us-east-1:{guide['O']}:security-group/{guide['shared']}"):
        ec2.authorize_security_group_ingress(GroupId=guide["shared"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    with aws_error("UnauthorizedOperation", status=403):
        ec2.delete_security_group(GroupId=guide["mine"])
    with aws_error("UnauthorizedOperation", status=403):
        ec2.describe_vpcs()
    # A dry run of what the role may not do is refused the same way.
    with aws_error("UnauthorizedOperation", status=403):
        ec2.create_security_group(GroupName="x", Description="x", VpcId=guide["vpc"], DryRun=True)
    # Sharing through RAM and changing IAM are refused in those services' words.
    with aws_error("AccessDeniedException", status=403, message="ram:CreateResourceShare"):
        client_for("ram", guide["session"]).create_resource_share(name="mine")
    with aws_error("AccessDenied", status=403, message="iam:CreateUser"):
        client_for("iam", guide["session"]).create_user(UserName="sneaky")
    # Who am I is never refused.
    assert client_for("sts", guide["session"]).get_caller_identity()["Arn"] == session_arn


def test_a_role_scoped_to_its_own_account_cannot_attach_the_owner_s_group(guide, client_for):
    scoped = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:DescribeSecurityGroups", "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:ModifyNetworkInterfaceAttribute",
         "Resource": f"arn:aws:ec2:*:{guide['P']}:*"}]}
    guide["iam_p"].put_role_policy(RoleName="attacher", PolicyName="guide", PolicyDocument=json.dumps(scoped))
    ec2 = client_for("ec2", guide["session"])
    # Its own group on its own interface is fine; the network account's group is not.
    ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["mine"]])
    with aws_error("UnauthorizedOperation", status=403,
                   message=f"on resource: arn:aws:ec2:us-east-1:{guide['O']}:security-group/{guide['shared']}"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["shared"]])


def test_an_explicit_deny_wins_and_says_so(guide, client_for):
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ec2:ModifyNetworkInterfaceAttribute", "Resource": "*",
         "Condition": {"StringEquals": {"ec2:SecurityGroupID": guide["shared"]}}}]}
    guide["iam_p"].put_role_policy(RoleName="attacher", PolicyName="no-shared", PolicyDocument=json.dumps(deny))
    ec2 = client_for("ec2", guide["session"])
    ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["mine"]])
    with aws_error("UnauthorizedOperation", status=403, message="with an explicit deny in an identity-based policy"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["shared"]])


def test_an_untrusted_account_cannot_assume_the_role(guide, aws, client_for):
    outsider = "999999999999"
    keys = user_with_keys(aws("iam", outsider), "intruder", allow("sts:AssumeRole"))
    with aws_error("AccessDenied", status=403, message=guide["role_arn"]):
        client_for("sts", keys).assume_role(RoleArn=guide["role_arn"], RoleSessionName="xx")
    # In its own account, a user without the identity permission cannot either: the trust policy
    # names the account, which leaves the decision to the account's own policies.
    bare = user_with_keys(guide["iam_p"], "bare")
    with aws_error("AccessDenied", status=403):
        client_for("sts", bare).assume_role(RoleArn=guide["role_arn"], RoleSessionName="xx")


def test_a_user_with_a_managed_policy(guide, client_for):
    guide["iam_p"].create_user(UserName="reader")
    guide["iam_p"].attach_user_policy(UserName="reader", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
    keys = guide["iam_p"].create_access_key(UserName="reader")["AccessKey"]
    ec2 = client_for("ec2", keys)
    assert ec2.describe_vpcs()["Vpcs"]
    with aws_error("UnauthorizedOperation", status=403):
        ec2.create_vpc(CidrBlock="10.50.0.0/16")


def test_soft_mode_allows_and_logs_what_it_would_refuse(tmp_path):
    from ramparts_server import Server
    srv = Server(tmp_path, extra=["--iam", "soft"], log_level="info").start()
    try:
        root = dict(endpoint_url=srv.url, region_name="us-east-1", aws_secret_access_key="s", config=CONFIG)
        iam = boto3.client("iam", aws_access_key_id=M, **root)
        keys = user_with_keys(iam, "dev")
        ec2 = boto3.client("ec2", aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                           endpoint_url=srv.url, region_name="us-east-1", config=CONFIG)
        assert ec2.describe_vpcs()["Vpcs"]
        assert "would be denied" in srv.log.read_text() and "ec2:DescribeVpcs" in srv.log.read_text()
    finally:
        srv.stop()


# ------------------------------------------------------------------ service control policies

def scp(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_an_scp_from_the_management_account_binds_a_member_s_root(guide, aws):
    org = aws("organizations", M)
    root_id = org.list_roots()["Roots"][0]["Id"]
    root = org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert root["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    # FullAWSAccess is attached everywhere: nothing changes yet.
    attached = org.list_policies_for_target(TargetId=guide["P"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [(p["Id"], p["AwsManaged"]) for p in attached] == [("p-FullAWSAccess", True)]
    ep = aws("ec2", guide["P"])
    ep.create_vpc(CidrBlock="10.60.0.0/16")

    no_vpcs = org.create_policy(
        Name="no-new-vpcs", Description="networking is the network account's", Type="SERVICE_CONTROL_POLICY",
        Content=scp([{"Effect": "Deny", "Action": ["ec2:CreateVpc", "ec2:DeleteVpc"], "Resource": "*"}]))["Policy"]
    pid = no_vpcs["PolicySummary"]["Id"]
    assert no_vpcs["PolicySummary"]["Arn"].endswith(f"/service_control_policy/{pid}")
    org.attach_policy(PolicyId=pid, TargetId=guide["P"])
    with aws_error("UnauthorizedOperation", status=403,
                   message="ec2:CreateVpc on resource: arn:aws:ec2:us-east-1:" + guide["P"] + ":vpc/* with an explicit deny in a service control policy"):
        ep.create_vpc(CidrBlock="10.61.0.0/16")
    # Role sessions in P are bound too; O and the management account are not.
    aws("ec2", guide["O"]).create_vpc(CidrBlock="10.62.0.0/16")
    aws("ec2", M).create_vpc(CidrBlock="10.64.0.0/16")
    targets = org.list_targets_for_policy(PolicyId=pid)["Targets"]
    assert [(t["TargetId"], t["Type"]) for t in targets] == [(guide["P"], "ACCOUNT")]
    with aws_error("DuplicatePolicyAttachmentException"):
        org.attach_policy(PolicyId=pid, TargetId=guide["P"])
    with aws_error("PolicyInUseException"):
        org.delete_policy(PolicyId=pid)

    # An allow list in place of FullAWSAccess: what it does not name is refused implicitly.
    only_describe = org.create_policy(
        Name="describe-only", Description="", Type="SERVICE_CONTROL_POLICY",
        Content=scp([{"Effect": "Allow", "Action": ["ec2:Describe*", "sts:*"], "Resource": "*"}]))["Policy"]["PolicySummary"]["Id"]
    org.detach_policy(PolicyId=pid, TargetId=guide["P"])
    org.attach_policy(PolicyId=only_describe, TargetId=guide["P"])
    org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=guide["P"])
    assert ep.describe_vpcs()["Vpcs"]
    with aws_error("UnauthorizedOperation", status=403, message="because no service control policy allows the ec2:CreateSecurityGroup action"):
        ep.create_security_group(GroupName="x", Description="x", VpcId=guide["vpc"])
    with aws_error("ConstraintViolationException") as e:
        org.detach_policy(PolicyId=only_describe, TargetId=guide["P"])
    assert e.value.response["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"

    # Turning SCPs off lifts every one of them.
    org.disable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    ep.create_security_group(GroupName="x", Description="x", VpcId=guide["vpc"])
    assert org.list_roots()["Roots"][0]["PolicyTypes"] == []
    org.delete_policy(PolicyId=pid)


def test_organization_policies_answer_as_aws_does(aws):
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    listed = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [p["Name"] for p in listed] == ["FullAWSAccess"]
    full = org.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]
    assert json.loads(full["Content"])["Statement"][0]["Action"] == "*"
    with aws_error("PolicyTypeNotEnabledException"):
        org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=root_id)
    with aws_error("MalformedPolicyDocumentException"):
        org.create_policy(Name="bad", Description="", Type="SERVICE_CONTROL_POLICY", Content="{")
    with aws_error("InvalidInputException"):
        org.list_policies(Filter="NOT_A_TYPE")
    p = org.create_policy(Name="deny-ram", Description="d", Type="SERVICE_CONTROL_POLICY",
                          Content=scp([{"Effect": "Deny", "Action": "ram:*", "Resource": "*"}]))["Policy"]["PolicySummary"]
    with aws_error("DuplicatePolicyException"):
        org.create_policy(Name="deny-ram", Description="d", Type="SERVICE_CONTROL_POLICY",
                          Content=scp([{"Effect": "Deny", "Action": "ram:*", "Resource": "*"}]))
    updated = org.update_policy(PolicyId=p["Id"], Description="no RAM")["Policy"]["PolicySummary"]
    assert updated["Description"] == "no RAM" and updated["Name"] == "deny-ram"
    org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    with aws_error("PolicyTypeAlreadyEnabledException"):
        org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    ou = org.create_organizational_unit(ParentId=root_id, Name="apps")["OrganizationalUnit"]["Id"]
    # A new OU starts with FullAWSAccess.
    assert [x["Id"] for x in org.list_policies_for_target(TargetId=ou, Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["p-FullAWSAccess"]
    org.attach_policy(PolicyId=p["Id"], TargetId=ou)
    assert {t["Type"] for t in org.list_targets_for_policy(PolicyId="p-FullAWSAccess")["Targets"]} == {"ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"}
    with aws_error("TargetNotFoundException"):
        org.attach_policy(PolicyId=p["Id"], TargetId="ou-zzzz-zzzzzzzz")
    with aws_error("PolicyNotFoundException"):
        org.describe_policy(PolicyId="p-00000000")
    org.detach_policy(PolicyId=p["Id"], TargetId=ou)
    with aws_error("PolicyNotAttachedException"):
        org.detach_policy(PolicyId=p["Id"], TargetId=ou)
    org.delete_policy(PolicyId=p["Id"])


def test_session_policies_bound_a_role_session(guide, client_for):
    narrow = json.dumps(allow("ec2:DescribeSecurityGroups"))
    sts = client_for("sts", guide["dev"])
    answer = sts.assume_role(RoleArn=guide["role_arn"], RoleSessionName="narrow", Policy=narrow)
    assert 0 < answer["PackedPolicySize"] <= 100
    ec2 = client_for("ec2", answer["Credentials"])
    assert ec2.describe_security_groups(GroupIds=[guide["shared"]])["SecurityGroups"]
    with aws_error("UnauthorizedOperation", status=403,
                   message="because no session policy allows the ec2:ModifyNetworkInterfaceAttribute action"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=guide["eni"], Groups=[guide["shared"]])
    # A session policy never adds to the role: here it allows everything, the role still does not.
    wide = client_for("ec2", sts.assume_role(
        RoleArn=guide["role_arn"], RoleSessionName="wide",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}])["Credentials"])
    with aws_error("UnauthorizedOperation", status=403, message="because no identity-based policy allows"):
        wide.create_security_group(GroupName="x", Description="x", VpcId=guide["vpc"])
    with aws_error("MalformedPolicyDocument"):
        sts.assume_role(RoleArn=guide["role_arn"], RoleSessionName="bad", Policy='{"Statement":[{"Effect":"Allow"}]}')
    with aws_error("PackedPolicyTooLarge"):
        sts.assume_role(RoleArn=guide["role_arn"], RoleSessionName="big",
                        Policy=json.dumps(allow([f"ec2:Describe{i:04d}" for i in range(120)])))


def test_customer_managed_policies_and_their_versions_decide(guide, client_for):
    iam = guide["iam_p"]
    describe_only = json.dumps(allow("ec2:DescribeSecurityGroups"))
    created = iam.create_policy(PolicyName="sg-reader", PolicyDocument=describe_only, Description="read groups")["Policy"]
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{guide['P']}:policy/sg-reader"
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["PolicyId"][:4]) == ("v1", 0, "ANPA")
    with aws_error("EntityAlreadyExists", status=409):
        iam.create_policy(PolicyName="sg-reader", PolicyDocument=describe_only)
    with aws_error("MalformedPolicyDocument"):
        iam.create_policy(PolicyName="broken", PolicyDocument='{"Statement":[{"Effect":"Allow","Action":"*"}]}')

    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{guide['P']}:root"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="reader", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]] == ["sg-reader"]
    iam.put_user_policy(UserName="dev", PolicyName="assume-reader", PolicyDocument=json.dumps(
        allow("sts:AssumeRole", f"arn:aws:iam::{guide['P']}:role/reader")))
    creds = client_for("sts", guide["dev"]).assume_role(
        RoleArn=f"arn:aws:iam::{guide['P']}:role/reader", RoleSessionName="r1")["Credentials"]
    ec2 = client_for("ec2", creds)
    assert ec2.describe_security_groups(GroupIds=[guide["shared"]])["SecurityGroups"]
    with aws_error("UnauthorizedOperation", status=403):
        ec2.describe_vpcs()

    # A new default version changes what the role may do at once; the old one stays listed.
    both = json.dumps(allow(["ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"]))
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=both, SetAsDefault=True)["PolicyVersion"]
    assert (v2["VersionId"], v2["IsDefaultVersion"]) == ("v2", True)
    assert ec2.describe_vpcs()["Vpcs"]
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v1", False), ("v2", True)]
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"] == json.loads(both)
    with aws_error("DeleteConflict", status=409):
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    with aws_error("UnauthorizedOperation", status=403):
        ec2.describe_vpcs()
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=describe_only)
    with aws_error("LimitExceeded", status=409):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=describe_only)

    with aws_error("DeleteConflict", status=409):
        iam.delete_policy(PolicyArn=arn)
    for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not v["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
    with aws_error("DeleteConflict", status=409):
        iam.delete_policy(PolicyArn=arn)  # still attached
    iam.detach_role_policy(RoleName="reader", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    with aws_error("NoSuchEntity", status=404):
        iam.get_policy(PolicyArn=arn)
    with aws_error("NoSuchEntity", status=404):
        iam.attach_role_policy(RoleName="reader", PolicyArn=arn)
    aws_listed = iam.list_policies(Scope="AWS")["Policies"]
    assert "AdministratorAccess" in {p["PolicyName"] for p in aws_listed}


def test_a_group_s_policies_are_its_members_policies(guide, client_for):
    iam = guide["iam_p"]
    group = iam.create_group(GroupName="net-readers")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{guide['P']}:group/net-readers" and group["GroupId"].startswith("AGPA")
    with aws_error("EntityAlreadyExists", status=409):
        iam.create_group(GroupName="NET-readers")
    keys = user_with_keys(iam, "alice")
    ec2 = client_for("ec2", keys)
    with aws_error("UnauthorizedOperation", status=403):
        ec2.describe_vpcs()
    iam.add_user_to_group(GroupName="net-readers", UserName="alice")
    iam.attach_group_policy(GroupName="net-readers", PolicyArn="arn:aws:iam::aws:policy/AmazonVPCReadOnlyAccess")
    assert ec2.describe_vpcs()["Vpcs"]
    iam.put_group_policy(GroupName="net-readers", PolicyName="no-vpcs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:DescribeVpcs", "Resource": "*"}]}))
    with aws_error("UnauthorizedOperation", status=403, message="with an explicit deny in an identity-based policy"):
        ec2.describe_vpcs()
    got = iam.get_group(GroupName="net-readers")
    assert [u["UserName"] for u in got["Users"]] == ["alice"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["net-readers"]
    with aws_error("DeleteConflict", status=409):
        iam.delete_group(GroupName="net-readers")
    iam.delete_access_key(UserName="alice", AccessKeyId=keys["AccessKeyId"])
    with aws_error("DeleteConflict", status=409):
        iam.delete_user(UserName="alice")
    iam.remove_user_from_group(GroupName="net-readers", UserName="alice")
    with aws_error("NoSuchEntity", status=404):
        iam.remove_user_from_group(GroupName="net-readers", UserName="alice")
    with aws_error("NoSuchEntity", status=404):
        iam.get_group(GroupName="nobody")


def test_sharing_a_group_needs_the_ec2_resource_policy_permissions(guide, aws, client_for):
    iam_o = aws("iam", guide["O"])
    keys = user_with_keys(iam_o, "sharer", allow("ram:*"))
    ram = client_for("ram", keys)
    group_arn = arn(guide["O"], "security-group", new_sg(aws("ec2", guide["O"]), guide["vpc"], "web"))
    with aws_error("AccessDeniedException", status=403,
                   message=f"ec2:PutResourcePolicy on resource: {group_arn}"):
        ram.create_resource_share(name="web", resourceArns=[group_arn], principals=[guide["P"]])
    # A share of something else needs only RAM's own permission.
    share = ram.create_resource_share(name="empty")["resourceShare"]["resourceShareArn"]
    iam_o.put_user_policy(UserName="sharer", PolicyName="put", PolicyDocument=json.dumps(
        allow(["ram:*", "ec2:PutResourcePolicy"])))
    ram.associate_resource_share(resourceShareArn=share, resourceArns=[group_arn], principals=[guide["P"]])
    with aws_error("AccessDeniedException", status=403, message="ec2:DeleteResourcePolicy"):
        ram.disassociate_resource_share(resourceShareArn=share, resourceArns=[group_arn])
    iam_o.put_user_policy(UserName="sharer", PolicyName="put", PolicyDocument=json.dumps(
        allow(["ram:*", "ec2:PutResourcePolicy", "ec2:DeleteResourcePolicy"])))
    ram.disassociate_resource_share(resourceShareArn=share, resourceArns=[group_arn])
    ram.delete_resource_share(resourceShareArn=share)


def test_tags_at_creation_are_request_tags_and_need_create_tags(aws, client_for):
    """AWS's tag-on-create authorization: the create action sees aws:RequestTag/aws:TagKeys, and
    the tags themselves need ec2:CreateTags on the new resource with ec2:CreateAction."""
    iam = aws("iam", M)
    only_tagged = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "ec2:CreateVpc", "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestTag/team": "net"},
                      "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}]}
    keys = user_with_keys(iam, "builder", only_tagged)
    ec2 = client_for("ec2", keys)
    team = [{"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": "net"}]}]

    with aws_error("UnauthorizedOperation", status=403, message="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.1.0.0/16")
    with aws_error("UnauthorizedOperation", status=403, message="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.1.0.0/16",
                       TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": "app"}]}])
    # The right tag, but no permission to tag.
    with aws_error("UnauthorizedOperation", status=403, message="ec2:CreateTags"):
        ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=team)

    iam.put_user_policy(UserName="builder", PolicyName="tag-on-create", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "arn:aws:ec2:*:*:vpc/*",
            "Condition": {"StringEquals": {"ec2:CreateAction": "CreateVpc"}}}]}))
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=team)["Vpc"]["VpcId"]
    # Tagging afterwards is not a create action.
    with aws_error("UnauthorizedOperation", status=403, message="ec2:CreateTags"):
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "team", "Value": "net"}])


def test_the_source_address_is_aws_source_ip(aws, client_for):
    iam = aws("iam", M)
    keys = user_with_keys(iam, "local", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
        {"Effect": "Allow", "Action": "ec2:DescribeSubnets", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})
    ec2 = client_for("ec2", keys)
    ec2.describe_vpcs()  # this test talks to 127.0.0.1
    with aws_error("UnauthorizedOperation", status=403, message="ec2:DescribeSubnets"):
        ec2.describe_subnets()
