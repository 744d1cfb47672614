"""IAM's entities beyond the basics, through boto3 with strict model checks: permissions boundaries
(stored, enforced, counted, guarding deletion, and the iam:PermissionsBoundary key), instance
profiles with their one role, users' and groups' policy listings and tags, ListEntitiesForPolicy
and GetAccountAuthorizationDetails."""

import json


from helpers import aws_error

A = "111111111111"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"


def trust(account=A):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})


def allow(actions, resource="*", condition=None):
    statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_keys(iam, name, policy=None):
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    return iam.create_access_key(UserName=name)["AccessKey"]


# ---------------------------------------------------------------- permissions boundaries


def test_a_boundary_caps_what_the_role_policies_grant(aws, client_for):
    iam = aws("iam")
    iam.create_role(RoleName="capped", AssumeRolePolicyDocument=trust(), PermissionsBoundary=EC2_READ)
    iam.attach_role_policy(RoleName="capped", PolicyArn=ADMIN)
    role = iam.get_role(RoleName="capped")["Role"]
    assert role["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": EC2_READ}

    ops = user_keys(iam, "ops", allow("sts:AssumeRole"))
    creds = client_for("sts", ops).assume_role(RoleArn=role["Arn"], RoleSessionName="capped")["Credentials"]
    ec2 = client_for("ec2", creds)
    ec2.describe_vpcs()  # within the boundary and granted
    with aws_error("UnauthorizedOperation", 403) as e:
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    message = e.value.response["Error"]["Message"]
    assert "ec2:CreateVpc" in message and "permissions boundary" in message, message

    # Lifting the boundary restores what the role's own policies grant.
    iam.delete_role_permissions_boundary(RoleName="capped")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="capped")["Role"]
    ec2.create_vpc(CidrBlock="10.9.0.0/16")


def test_user_boundaries_usage_counts_and_deletion(aws):
    iam = aws("iam")
    arn = iam.create_policy(PolicyName="bound", PolicyDocument=allow("ec2:Describe*"))["Policy"]["Arn"]
    iam.create_user(UserName="dev", PermissionsBoundary=arn)
    assert iam.get_user(UserName="dev")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust())
    iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=arn)
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (policy["PermissionsBoundaryUsageCount"], policy["AttachmentCount"]) == (2, 0)

    with aws_error("DeleteConflict", 409):
        iam.delete_policy(PolicyArn=arn)

    used = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in used["PolicyUsers"]] == ["dev"]
    assert [r["RoleName"] for r in used["PolicyRoles"]] == ["r"]
    attached = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
    assert attached["PolicyUsers"] == attached["PolicyRoles"] == attached["PolicyGroups"] == []

    iam.delete_user_permissions_boundary(UserName="dev")
    iam.delete_role_permissions_boundary(RoleName="r")
    iam.delete_policy(PolicyArn=arn)


def test_a_boundary_must_be_an_attachable_policy(aws):
    iam = aws("iam")
    missing = f"arn:aws:iam::{A}:policy/nope"
    with aws_error("NoSuchEntity", 404):
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(), PermissionsBoundary=missing)
    with aws_error("NoSuchEntity", 404):
        iam.get_role(RoleName="r")
    iam.create_user(UserName="u")
    with aws_error("NoSuchEntity", 404):
        iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=missing)
    other = aws("iam", "222222222222").create_policy(PolicyName="theirs", PolicyDocument=allow("s3:*"))
    with aws_error("NoSuchEntity", 404):
        iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=other["Policy"]["Arn"])


def test_delegated_role_creation_requires_the_boundary(aws, client_for):
    """The standard delegation guard: iam:CreateRole only with a given boundary."""
    iam = aws("iam")
    bound = iam.create_policy(PolicyName="bound", PolicyDocument=allow("ec2:Describe*"))["Policy"]["Arn"]
    creator = user_keys(iam, "creator", allow(
        "iam:CreateRole", condition={"StringEquals": {"iam:PermissionsBoundary": bound}}))
    mine = client_for("iam", creator)
    with aws_error("AccessDenied", 403) as e:
        mine.create_role(RoleName="free", AssumeRolePolicyDocument=trust())
    assert f"arn:aws:iam::{A}:role/free" in e.value.response["Error"]["Message"]
    mine.create_role(RoleName="bounded", AssumeRolePolicyDocument=trust(), PermissionsBoundary=bound)
    assert iam.get_role(RoleName="bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == bound


# ---------------------------------------------------------------- instance profiles


def test_instance_profiles_hold_one_role(aws):
    iam = aws("iam")
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust())
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=trust())
    profile = iam.create_instance_profile(InstanceProfileName="web", Path="/app/",
                                          Tags=[{"Key": "team", "Value": "web"}])["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{A}:instance-profile/app/web"
    assert profile["InstanceProfileId"].startswith("AIPA") and profile["Roles"] == []
    with aws_error("EntityAlreadyExists", 409):
        iam.create_instance_profile(InstanceProfileName="WEB")

    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    with aws_error("LimitExceeded", 409):
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="other")
    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["web"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="web")["InstanceProfiles"]] == ["web"]
    assert iam.list_instance_profiles_for_role(RoleName="other")["InstanceProfiles"] == []
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]] == ["web"]
    assert iam.list_instance_profiles(PathPrefix="/other/")["InstanceProfiles"] == []

    with aws_error("DeleteConflict", 409):
        iam.delete_role(RoleName="web")
    with aws_error("DeleteConflict", 409):
        iam.delete_instance_profile(InstanceProfileName="web")

    iam.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "env", "Value": "dev"}])
    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["team"])
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [{"Key": "env", "Value": "dev"}]

    with aws_error("NoSuchEntity", 404):
        iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="other")
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="web")
    iam.delete_instance_profile(InstanceProfileName="web")
    iam.delete_role(RoleName="web")
    with aws_error("NoSuchEntity", 404):
        iam.get_instance_profile(InstanceProfileName="web")


def test_putting_a_role_in_a_profile_passes_it(aws, client_for):
    iam = aws("iam")
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust())
    iam.create_instance_profile(InstanceProfileName="web")
    builder = user_keys(iam, "builder", allow("iam:AddRoleToInstanceProfile"))
    with aws_error("AccessDenied", 403) as e:
        client_for("iam", builder).add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    assert "iam:PassRole" in e.value.response["Error"]["Message"]
    iam.put_user_policy(UserName="builder", PolicyName="pass", PolicyDocument=allow(
        "iam:PassRole", f"arn:aws:iam::{A}:role/web",
        {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}))
    client_for("iam", builder).add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")


# ---------------------------------------------------------------- users, groups, listings


def test_user_policies_and_tags(aws):
    iam = aws("iam")
    iam.create_user(UserName="dev", Tags=[{"Key": "team", "Value": "a"}])
    iam.put_user_policy(UserName="dev", PolicyName="inline", PolicyDocument=allow("ec2:Describe*"))
    iam.attach_user_policy(UserName="dev", PolicyArn=EC2_READ)
    got = iam.get_user_policy(UserName="dev", PolicyName="inline")
    # boto3 undoes IAM's URL-encoding and parses the JSON.
    assert got["PolicyDocument"] == json.loads(allow("ec2:Describe*"))
    assert iam.list_user_policies(UserName="dev")["PolicyNames"] == ["inline"]
    assert iam.list_attached_user_policies(UserName="dev")["AttachedPolicies"] == [
        {"PolicyName": "AmazonEC2ReadOnlyAccess", "PolicyArn": EC2_READ}]
    with aws_error("NoSuchEntity", 404):
        iam.get_user_policy(UserName="dev", PolicyName="other")

    iam.tag_user(UserName="dev", Tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "x"}])
    assert {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="dev")["Tags"]} == {"team": "b", "env": "x"}
    iam.untag_user(UserName="dev", TagKeys=["env"])
    assert iam.list_user_tags(UserName="dev")["Tags"] == [{"Key": "team", "Value": "b"}]
    with aws_error("LimitExceeded", 409):
        iam.tag_user(UserName="dev", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert len(iam.list_user_tags(UserName="dev")["Tags"]) == 1  # nothing applied

    key = iam.create_access_key(UserName="dev")["AccessKey"]["AccessKeyId"]
    last = iam.get_access_key_last_used(AccessKeyId=key)
    assert last["UserName"] == "dev" and last["AccessKeyLastUsed"]["ServiceName"] == "N/A"


def test_group_policies_and_listing(aws):
    iam = aws("iam")
    iam.create_group(GroupName="devs", Path="/eng/")
    iam.create_group(GroupName="ops")
    iam.put_group_policy(GroupName="devs", PolicyName="read", PolicyDocument=allow("ec2:Describe*"))
    iam.attach_group_policy(GroupName="devs", PolicyArn=EC2_READ)
    assert iam.list_group_policies(GroupName="devs")["PolicyNames"] == ["read"]
    assert iam.get_group_policy(GroupName="devs", PolicyName="read")["GroupName"] == "devs"
    assert [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="devs")["AttachedPolicies"]] == [EC2_READ]
    assert sorted(g["GroupName"] for g in iam.list_groups()["Groups"]) == ["devs", "ops"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/eng/")["Groups"]] == ["devs"]
    iam.delete_group_policy(GroupName="devs", PolicyName="read")
    with aws_error("NoSuchEntity", 404):
        iam.delete_group_policy(GroupName="devs", PolicyName="read")
    used = iam.list_entities_for_policy(PolicyArn=EC2_READ, EntityFilter="Group")
    assert [g["GroupName"] for g in used["PolicyGroups"]] == ["devs"]


def test_account_authorization_details(aws):
    iam = aws("iam")
    local = iam.create_policy(PolicyName="local", PolicyDocument=allow("ec2:Describe*"))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=local, PolicyDocument=allow("ec2:*"), SetAsDefault=True)
    iam.create_user(UserName="dev", PermissionsBoundary=local)
    iam.put_user_policy(UserName="dev", PolicyName="inline", PolicyDocument=allow("sts:*"))
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="dev")
    iam.attach_group_policy(GroupName="devs", PolicyArn=EC2_READ)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="app", PolicyArn=local)
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    # Another account's entities never show.
    aws("iam", "222222222222").create_user(UserName="stranger")

    d = iam.get_account_authorization_details()
    [user] = d["UserDetailList"]
    assert (user["UserName"], user["GroupList"]) == ("dev", ["devs"])
    assert [p["PolicyName"] for p in user["UserPolicyList"]] == ["inline"]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == local
    [group] = d["GroupDetailList"]
    assert group["AttachedManagedPolicies"] == [{"PolicyName": "AmazonEC2ReadOnlyAccess", "PolicyArn": EC2_READ}]
    [role] = d["RoleDetailList"]
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["app"]
    assert role["AttachedManagedPolicies"] == [{"PolicyName": "local", "PolicyArn": local}]
    policies = {p["Arn"]: p for p in d["Policies"]}
    assert set(policies) == {local, EC2_READ}
    versions = policies[local]["PolicyVersionList"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v1", False), ("v2", True)]
    assert policies[local]["PermissionsBoundaryUsageCount"] == 1 and policies[local]["AttachmentCount"] == 1

    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert (len(only_roles["RoleDetailList"]), only_roles["UserDetailList"], only_roles["Policies"]) == (1, [], [])
    with aws_error("ValidationError", 400):
        iam.get_account_authorization_details(Filter=["Robots"])

    # Paged: every entity once across the pages.
    seen, marker = [], None
    while True:
        kwargs = {"MaxItems": 2, **({"Marker": marker} if marker else {})}
        page = iam.get_account_authorization_details(**kwargs)
        seen += [u["UserName"] for u in page["UserDetailList"]] + [g["GroupName"] for g in page["GroupDetailList"]]
        seen += [r["RoleName"] for r in page["RoleDetailList"]] + [p["Arn"] for p in page["Policies"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert sorted(seen) == sorted(["dev", "devs", "app", local, EC2_READ])
