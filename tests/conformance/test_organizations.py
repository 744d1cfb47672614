"""AWS Organizations through boto3 (spec §5, §6.5): the organization, its root, OUs and member
accounts, account creation and closure, trusted service access and tags, with the error each
refusal must carry.  Every success body is strictly checked against the botocore model
(conftest), so these tests also pin the wire shape of every operation.

Accounts: M (111111111111) creates the organization; members are created through CreateAccount
and get random ids; B (222222222222) and X (999999999999) start outside any organization."""

import json
import re

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from helpers import ACCOUNT_A, ACCOUNT_B, aws_error, error_of, new_vpc

M = ACCOUNT_A
X = "999999999999"

ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
CAR_ID = re.compile(r"^car-[a-z0-9]{8,32}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")


@pytest.fixture
def org(aws):
    """M's organizations client, with an organization of all features."""
    client = aws("organizations", M)
    client.create_organization(FeatureSet="ALL")
    return client


def root_of(org):
    [root] = org.list_roots()["Roots"]
    return root["Id"]


def new_account(org, name, **kwargs):
    """CreateAccount, then the request's final status; returns the new account id."""
    req = org.create_account(Email=f"{name}@example.com", AccountName=name, **kwargs)["CreateAccountStatus"]
    status = org.describe_create_account_status(CreateAccountRequestId=req["Id"])["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED", status
    return status["AccountId"]


def reason_of(call, *args, **kwargs):
    """(code, Reason) of a call that must fail: Organizations puts the reason beside Message."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]["Code"], info.value.response.get("Reason")


def client_with(server, strict, service, key, secret, token=None):
    """A client with explicit credentials (IAM user keys, assumed-role sessions), still
    strictly checked."""
    client = boto3.client(
        service,
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    client.meta.events.register("after-call", strict.hook)
    return client


# ---------------------------------------------------------------- the organization


def test_create_organization_makes_the_caller_its_management_account(aws):
    org = aws("organizations", M)
    made = org.create_organization()["Organization"]
    assert ORG_ID.match(made["Id"]), made
    # FeatureSet defaults to ALL; every ARN names the management account
    assert made["FeatureSet"] == "ALL"
    assert made["Arn"] == f"arn:aws:organizations::{M}:organization/{made['Id']}"
    assert made["MasterAccountId"] == M
    assert made["MasterAccountArn"] == f"arn:aws:organizations::{M}:account/{made['Id']}/{M}"
    assert made["MasterAccountEmail"]
    assert org.describe_organization()["Organization"] == made
    [root] = org.list_roots()["Roots"]
    assert ROOT_ID.match(root["Id"]) and root["Name"] == "Root"
    assert root["Arn"] == f"arn:aws:organizations::{M}:root/{made['Id']}/{root['Id']}"
    [me] = org.list_accounts()["Accounts"]
    assert (me["Id"], me["Status"]) == (M, "ACTIVE")
    assert me["Arn"] == made["MasterAccountArn"]
    assert org.list_parents(ChildId=M)["Parents"] == [{"Id": root["Id"], "Type": "ROOT"}]


def test_one_organization_per_account(aws, org):
    with aws_error("AlreadyInOrganizationException"):
        org.create_organization(FeatureSet="ALL")
    member = new_account(org, "member")
    with aws_error("AlreadyInOrganizationException"):
        aws("organizations", member).create_organization()


def test_consolidated_billing_and_unknown_feature_sets(aws):
    made = aws("organizations", ACCOUNT_B).create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]
    assert made["FeatureSet"] == "CONSOLIDATED_BILLING"
    with aws_error("InvalidInputException"):
        aws("organizations", X).create_organization(FeatureSet="EVERYTHING")
    with aws_error("AWSOrganizationsNotInUseException"):
        aws("organizations", X).describe_organization()


def test_outsider_is_not_in_an_organization(aws, org):
    x = aws("organizations", X)
    for call, kwargs in [
        (x.describe_organization, {}),
        (x.list_accounts, {}),
        (x.list_roots, {}),
        (x.create_account, {"Email": "x@example.com", "AccountName": "x"}),
        (x.leave_organization, {}),
        (x.delete_organization, {}),
        (x.list_aws_service_access_for_organization, {}),
    ]:
        with aws_error("AWSOrganizationsNotInUseException"):
            call(**kwargs)


def test_members_describe_the_organization_but_cannot_manage_it(aws, org):
    member = new_account(org, "member")
    root = root_of(org)
    mo = aws("organizations", member)
    assert mo.describe_organization()["Organization"]["Id"] == org.describe_organization()["Organization"]["Id"]
    for call, kwargs in [
        (mo.list_accounts, {}),
        (mo.list_roots, {}),
        (mo.describe_account, {"AccountId": M}),
        (mo.create_account, {"Email": "y@example.com", "AccountName": "y"}),
        (mo.create_organizational_unit, {"ParentId": root, "Name": "mine"}),
        (mo.move_account, {"AccountId": member, "SourceParentId": root, "DestinationParentId": root}),
        (mo.enable_aws_service_access, {"ServicePrincipal": "ram.amazonaws.com"}),
        (mo.tag_resource, {"ResourceId": member, "Tags": [{"Key": "k", "Value": "v"}]}),
        (mo.delete_organization, {}),
    ]:
        with aws_error("AccessDeniedException"):
            call(**kwargs)


def test_delete_organization_only_when_empty(aws, org):
    first = org.describe_organization()["Organization"]["Id"]
    member = new_account(org, "member")
    with aws_error("OrganizationNotEmptyException"):
        org.delete_organization()
    org.remove_account_from_organization(AccountId=member)
    org.delete_organization()
    with aws_error("AWSOrganizationsNotInUseException"):
        org.describe_organization()
    # the former management account is free to found a new organization
    again = org.create_organization()["Organization"]["Id"]
    assert again != first


def test_delete_organization_with_only_empty_units(org):
    org.create_organizational_unit(ParentId=root_of(org), Name="leftover")
    org.delete_organization()
    with aws_error("AWSOrganizationsNotInUseException"):
        org.describe_organization()


# ---------------------------------------------------------------- accounts


def test_create_account_succeeds_and_joins_under_the_root(org):
    root = root_of(org)
    org_id = org.describe_organization()["Organization"]["Id"]
    req = org.create_account(Email="net@example.com", AccountName="network")["CreateAccountStatus"]
    assert CAR_ID.match(req["Id"]), req
    assert req["AccountName"] == "network"
    assert req["State"] in ("IN_PROGRESS", "SUCCEEDED")
    status = org.describe_create_account_status(CreateAccountRequestId=req["Id"])["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED"
    assert ACCOUNT_ID.match(status["AccountId"]) and status["AccountId"] != M
    assert status["CompletedTimestamp"] >= status["RequestedTimestamp"]
    new = status["AccountId"]
    account = org.describe_account(AccountId=new)["Account"]
    assert account["Arn"] == f"arn:aws:organizations::{M}:account/{org_id}/{new}"
    assert (account["Name"], account["Email"]) == ("network", "net@example.com")
    assert (account["Status"], account["JoinedMethod"]) == ("ACTIVE", "CREATED")
    assert sorted(a["Id"] for a in org.list_accounts()["Accounts"]) == sorted([M, new])
    assert org.list_parents(ChildId=new)["Parents"] == [{"Id": root, "Type": "ROOT"}]


def test_create_account_answers_in_progress(org):
    req = org.create_account(Email="net@example.com", AccountName="network")["CreateAccountStatus"]
    assert req["State"] == "IN_PROGRESS"
    assert "AccountId" not in req


def test_create_account_with_a_taken_email_fails(org):
    ok = org.create_account(Email="dup@example.com", AccountName="first")["CreateAccountStatus"]["Id"]
    bad = org.create_account(Email="DUP@example.com", AccountName="second")["CreateAccountStatus"]["Id"]
    status = org.describe_create_account_status(CreateAccountRequestId=bad)["CreateAccountStatus"]
    assert status["State"] == "FAILED"
    assert status["FailureReason"] == "EMAIL_ALREADY_EXISTS"
    assert "AccountId" not in status
    assert len(org.list_accounts()["Accounts"]) == 2
    listed = org.list_create_account_status()["CreateAccountStatuses"]
    assert sorted(s["Id"] for s in listed) == sorted([ok, bad])
    failed = org.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
    assert [s["Id"] for s in failed] == [bad]
    succeeded = org.list_create_account_status(States=["SUCCEEDED"])["CreateAccountStatuses"]
    assert [s["Id"] for s in succeeded] == [ok]
    assert org.list_create_account_status(States=["IN_PROGRESS"])["CreateAccountStatuses"] == []
    with aws_error("CreateAccountStatusNotFoundException"):
        org.describe_create_account_status(CreateAccountRequestId="car-0123456789")


def test_create_account_input_is_validated(org):
    code, _ = reason_of(org.create_account, Email="not-an-email", AccountName="bad")
    assert code in ("InvalidInputException", "ConstraintViolationException")
    with aws_error("InvalidInputException"):
        org.create_account(Email="long@example.com", AccountName="n" * 51)
    with aws_error("InvalidInputException"):
        org.create_organizational_unit(ParentId=root_of(org), Name="n" * 129)
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == [M]


def test_too_long_names_reason(org):
    assert reason_of(org.create_account, Email="long@example.com", AccountName="n" * 51) == (
        "InvalidInputException", "MAX_LENGTH_EXCEEDED")
    assert reason_of(org.create_organizational_unit, ParentId=root_of(org), Name="n" * 129) == (
        "InvalidInputException", "MAX_LENGTH_EXCEEDED")


def test_invalid_email_is_invalid_input(org):
    assert reason_of(org.create_account, Email="not-an-email", AccountName="bad") == (
        "InvalidInputException", "INVALID_EMAIL_ADDRESS_TARGET")


def test_new_account_gets_organization_account_access_role(aws, org):
    member = new_account(org, "member")
    role = aws("iam", member).get_role(RoleName="OrganizationAccountAccessRole")["Role"]
    assert role["Arn"] == f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    # botocore hands the URL-encoded trust policy back as a dict
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    [statement] = trust["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{M}:root"}
    attached = aws("iam", member).list_attached_role_policies(RoleName="OrganizationAccountAccessRole")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    # the management account gets no such role
    with aws_error("NoSuchEntity", status=404):
        aws("iam", M).get_role(RoleName="OrganizationAccountAccessRole")
    # RoleName chooses the role's name
    custom = new_account(org, "custom", RoleName="Bootstrap")
    assert aws("iam", custom).get_role(RoleName="Bootstrap")["Role"]["RoleName"] == "Bootstrap"
    with aws_error("NoSuchEntity", status=404):
        aws("iam", custom).get_role(RoleName="OrganizationAccountAccessRole")


def test_management_user_assumes_the_role_into_a_member(aws, server, strict, org):
    member = new_account(org, "member")
    role_arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    # roots may not assume roles (spec §6.2), so the bootstrap goes through an IAM user
    with aws_error("AccessDenied", status=403):
        aws("sts", M).assume_role(RoleArn=role_arn, RoleSessionName="root-try")
    iam = aws("iam", M)
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    ops = client_with(server, strict, "sts", key["AccessKeyId"], key["SecretAccessKey"])
    out = ops.assume_role(RoleArn=role_arn, RoleSessionName="bootstrap")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/bootstrap"
    session = dict(key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    me = client_with(server, strict, "sts", **session).get_caller_identity()
    assert me["Account"] == member
    assert me["Arn"] == f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/bootstrap"
    assert me["UserId"].startswith("AROA") and me["UserId"].endswith(":bootstrap")
    # the session acts in the member account: what it builds belongs to the member
    ec2 = client_with(server, strict, "ec2", **session)
    vpc = new_vpc(ec2, "10.0.0.0/16")
    assert aws("ec2", member).describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["OwnerId"] == member
    # an IAM user of an account outside the organization is not trusted by the role
    xiam = aws("iam", X)
    xiam.create_user(UserName="intruder")
    xiam.attach_user_policy(UserName="intruder", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    xkey = xiam.create_access_key(UserName="intruder")["AccessKey"]
    with aws_error("AccessDenied", status=403):
        client_with(server, strict, "sts", xkey["AccessKeyId"], xkey["SecretAccessKey"]).assume_role(
            RoleArn=role_arn, RoleSessionName="nope")


def test_describe_account_not_found(aws, org):
    with aws_error("AccountNotFoundException"):
        org.describe_account(AccountId="123456789012")
    # an account of another organization is just as unknown
    aws("organizations", ACCOUNT_B).create_organization()
    with aws_error("AccountNotFoundException"):
        org.describe_account(AccountId=ACCOUNT_B)


def test_list_accounts_pages_of_at_most_twenty(org):
    members = [new_account(org, f"member{i}") for i in range(4)]
    pages, seen, token = [], [], None
    while True:
        kwargs = {"MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        out = org.list_accounts(**kwargs)
        pages.append(len(out["Accounts"]))
        seen += [a["Id"] for a in out["Accounts"]]
        token = out.get("NextToken")
        if not token:
            break
    assert pages == [2, 2, 1]
    assert sorted(seen) == sorted(members + [M])
    with aws_error("InvalidInputException"):
        org.list_accounts(MaxResults=21)
    with aws_error("InvalidInputException"):
        org.list_accounts(NextToken="not-a-token")


def test_pagination_error_reasons(org):
    assert reason_of(org.list_accounts, MaxResults=21) == ("InvalidInputException", "MAX_VALUE_EXCEEDED")
    assert reason_of(org.list_accounts, NextToken="not-a-token") == ("InvalidInputException", "INVALID_PAGINATION_TOKEN")


def test_close_account(aws, org):
    member = new_account(org, "member")
    org.close_account(AccountId=member)
    closed = org.describe_account(AccountId=member)["Account"]
    # AWS reports PENDING_CLOSURE while it works, then SUSPENDED
    assert closed["Status"] in ("PENDING_CLOSURE", "SUSPENDED")
    with aws_error("AccountAlreadyClosedException"):
        org.close_account(AccountId=member)
    with aws_error("AccountNotFoundException"):
        org.close_account(AccountId="123456789012")
    with aws_error("ConstraintViolationException"):
        org.close_account(AccountId=M)
    assert org.describe_account(AccountId=M)["Account"]["Status"] == "ACTIVE"


def test_closing_the_management_account_reason(org):
    assert reason_of(org.close_account, AccountId=M) == ("ConstraintViolationException", "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")


def test_remove_account_from_organization(aws, org):
    member = new_account(org, "member")
    org.remove_account_from_organization(AccountId=member)
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == [M]
    with aws_error("AccountNotFoundException"):
        org.describe_account(AccountId=member)
    with aws_error("AccountNotFoundException"):
        org.remove_account_from_organization(AccountId=member)
    with aws_error("AWSOrganizationsNotInUseException"):
        aws("organizations", member).describe_organization()
    # a standalone account again, it may found its own organization
    aws("organizations", member).create_organization()


def test_member_leaves_organization(aws, org):
    member = new_account(org, "member")
    aws("organizations", member).leave_organization()
    with aws_error("AWSOrganizationsNotInUseException"):
        aws("organizations", member).describe_organization()
    with aws_error("AWSOrganizationsNotInUseException"):
        aws("organizations", member).leave_organization()
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == [M]


def test_management_account_cannot_leave(org):
    with aws_error("MasterCannotLeaveOrganizationException"):
        org.leave_organization()
    with aws_error("MasterCannotLeaveOrganizationException"):
        org.remove_account_from_organization(AccountId=M)


def test_management_account_stays_when_refused(org):
    """Whatever the code, refusing the management account's departure changes nothing."""
    for call, kwargs in [(org.leave_organization, {}), (org.remove_account_from_organization, {"AccountId": M})]:
        code, _, _ = error_of(call, **kwargs)
        assert code in ("MasterCannotLeaveOrganizationException", "ConstraintViolationException")
    assert org.describe_organization()["Organization"]["MasterAccountId"] == M


# ---------------------------------------------------------------- organizational units


def test_organizational_unit_lifecycle(org):
    root = root_of(org)
    org_id = org.describe_organization()["Organization"]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]
    # the four characters after "ou-" are the root's suffix
    assert re.match(rf"^ou-{root[2:]}-[a-z0-9]{{8,32}}$", ou["Id"]), ou
    assert ou["Arn"] == f"arn:aws:organizations::{M}:ou/{org_id}/{ou['Id']}"
    assert ou["Name"] == "workloads"
    assert org.describe_organizational_unit(OrganizationalUnitId=ou["Id"])["OrganizationalUnit"] == ou
    renamed = org.update_organizational_unit(OrganizationalUnitId=ou["Id"], Name="apps")["OrganizationalUnit"]
    assert (renamed["Id"], renamed["Name"]) == (ou["Id"], "apps")
    child = org.create_organizational_unit(ParentId=ou["Id"], Name="prod")["OrganizationalUnit"]
    assert [u["Id"] for u in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]] == [ou["Id"]]
    assert [u["Name"] for u in org.list_organizational_units_for_parent(ParentId=ou["Id"])["OrganizationalUnits"]] == ["prod"]
    assert org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")["Children"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org.list_children(ParentId=root, ChildType="ACCOUNT")["Children"] == [{"Id": M, "Type": "ACCOUNT"}]
    assert org.list_parents(ChildId=ou["Id"])["Parents"] == [{"Id": root, "Type": "ROOT"}]
    assert org.list_parents(ChildId=child["Id"])["Parents"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    org.delete_organizational_unit(OrganizationalUnitId=child["Id"])
    org.delete_organizational_unit(OrganizationalUnitId=ou["Id"])
    assert org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"] == []
    for call, kwargs in [
        (org.describe_organizational_unit, {"OrganizationalUnitId": ou["Id"]}),
        (org.update_organizational_unit, {"OrganizationalUnitId": ou["Id"], "Name": "x"}),
        (org.delete_organizational_unit, {"OrganizationalUnitId": ou["Id"]}),
    ]:
        with aws_error("OrganizationalUnitNotFoundException"):
            call(**kwargs)


def test_organizational_unit_names_and_parents(org):
    root = root_of(org)
    a = org.create_organizational_unit(ParentId=root, Name="a")["OrganizationalUnit"]["Id"]
    org.create_organizational_unit(ParentId=root, Name="b")
    with aws_error("DuplicateOrganizationalUnitException"):
        org.create_organizational_unit(ParentId=root, Name="a")
    with aws_error("DuplicateOrganizationalUnitException"):
        org.update_organizational_unit(OrganizationalUnitId=a, Name="b")
    # the same name under another parent is fine
    org.create_organizational_unit(ParentId=a, Name="a")
    missing = f"ou-{root[2:]}-zzzzzzzz"
    with aws_error("ParentNotFoundException"):
        org.create_organizational_unit(ParentId=missing, Name="c")
    for call, kwargs in [
        (org.list_organizational_units_for_parent, {"ParentId": missing}),
        (org.list_accounts_for_parent, {"ParentId": missing}),
        (org.list_children, {"ParentId": missing, "ChildType": "ACCOUNT"}),
    ]:
        with aws_error("ParentNotFoundException"):
            call(**kwargs)
    with aws_error("ChildNotFoundException"):
        org.list_parents(ChildId="123456789012")


def test_organizational_units_nest_five_deep(org):
    parent = root_of(org)
    for depth in range(5):
        parent = org.create_organizational_unit(ParentId=parent, Name=f"level{depth}")["OrganizationalUnit"]["Id"]
    code, reason = reason_of(org.create_organizational_unit, ParentId=parent, Name="too-deep")
    assert (code, reason) == ("ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED")


def test_only_empty_organizational_units_are_deleted(org):
    root = root_of(org)
    ou = org.create_organizational_unit(ParentId=root, Name="busy")["OrganizationalUnit"]["Id"]
    member = new_account(org, "member")
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    with aws_error("OrganizationalUnitNotEmptyException"):
        org.delete_organizational_unit(OrganizationalUnitId=ou)
    org.move_account(AccountId=member, SourceParentId=ou, DestinationParentId=root)
    inner = org.create_organizational_unit(ParentId=ou, Name="inner")["OrganizationalUnit"]["Id"]
    with aws_error("OrganizationalUnitNotEmptyException"):
        org.delete_organizational_unit(OrganizationalUnitId=ou)
    org.delete_organizational_unit(OrganizationalUnitId=inner)
    org.delete_organizational_unit(OrganizationalUnitId=ou)


def test_move_account(org):
    root = root_of(org)
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    member = new_account(org, "member")
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    assert org.list_parents(ChildId=member)["Parents"] == [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}]
    assert [a["Id"] for a in org.list_accounts_for_parent(ParentId=ou)["Accounts"]] == [member]
    assert [a["Id"] for a in org.list_accounts_for_parent(ParentId=root)["Accounts"]] == [M]
    assert org.list_children(ParentId=ou, ChildType="ACCOUNT")["Children"] == [{"Id": member, "Type": "ACCOUNT"}]
    missing = f"ou-{root[2:]}-zzzzzzzz"
    with aws_error("DuplicateAccountException"):
        org.move_account(AccountId=member, SourceParentId=ou, DestinationParentId=ou)
    with aws_error("SourceParentNotFoundException"):
        org.move_account(AccountId=member, SourceParentId=missing, DestinationParentId=root)
    with aws_error("DestinationParentNotFoundException"):
        org.move_account(AccountId=member, SourceParentId=ou, DestinationParentId=missing)
    with aws_error("AccountNotFoundException"):
        org.move_account(AccountId="123456789012", SourceParentId=root, DestinationParentId=ou)
    assert org.list_parents(ChildId=member)["Parents"] == [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}]


# ---------------------------------------------------------------- trusted access


def test_enable_and_disable_aws_service_access(org):
    assert org.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    org.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    org.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    org.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    enabled = org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert sorted(p["ServicePrincipal"] for p in enabled) == ["config.amazonaws.com", "ram.amazonaws.com"]
    assert all(p["DateEnabled"] for p in enabled)
    org.disable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    enabled = org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [p["ServicePrincipal"] for p in enabled] == ["ram.amazonaws.com"]
    with aws_error("InvalidInputException"):
        org.enable_aws_service_access(ServicePrincipal="not a principal")


def test_trusted_access_needs_all_features(aws):
    billing = aws("organizations", ACCOUNT_B)
    billing.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    assert reason_of(billing.enable_aws_service_access, ServicePrincipal="ram.amazonaws.com") == (
        "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE")


def test_unrecognized_service_principal_reason(org):
    assert reason_of(org.enable_aws_service_access, ServicePrincipal="not a principal") == (
        "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")


# ---------------------------------------------------------------- tags


def test_tags_on_accounts_units_and_the_root(org):
    root = root_of(org)
    member = new_account(org, "member", Tags=[{"Key": "team", "Value": "net"}])
    ou = org.create_organizational_unit(ParentId=root, Name="tagged", Tags=[{"Key": "tier", "Value": "1"}])["OrganizationalUnit"]["Id"]
    assert org.list_tags_for_resource(ResourceId=member)["Tags"] == [{"Key": "team", "Value": "net"}]
    assert org.list_tags_for_resource(ResourceId=ou)["Tags"] == [{"Key": "tier", "Value": "1"}]
    assert org.list_tags_for_resource(ResourceId=root)["Tags"] == []
    org.tag_resource(ResourceId=member, Tags=[{"Key": "team", "Value": "app"}, {"Key": "env", "Value": "prod"}])
    org.tag_resource(ResourceId=root, Tags=[{"Key": "scope", "Value": "all"}])
    tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=member)["Tags"]}
    assert tags == {"team": "app", "env": "prod"}
    org.untag_resource(ResourceId=member, TagKeys=["team", "absent"])
    assert org.list_tags_for_resource(ResourceId=member)["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert org.list_tags_for_resource(ResourceId=root)["Tags"] == [{"Key": "scope", "Value": "all"}]
    for call, kwargs in [
        (org.tag_resource, {"ResourceId": "123456789012", "Tags": [{"Key": "k", "Value": "v"}]}),
        (org.untag_resource, {"ResourceId": "123456789012", "TagKeys": ["k"]}),
        (org.list_tags_for_resource, {"ResourceId": "123456789012"}),
    ]:
        with aws_error("TargetNotFoundException"):
            call(**kwargs)


def test_reserved_tag_keys_are_invalid_input(org):
    reserved = [{"Key": "aws:owner", "Value": "me"}]
    assert reason_of(org.tag_resource, ResourceId=M, Tags=reserved) == ("InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
    assert reason_of(org.create_account, Email="t@example.com", AccountName="t", Tags=reserved) == (
        "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
    assert reason_of(org.create_organizational_unit, ParentId=root_of(org), Name="t", Tags=reserved) == (
        "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")


def test_inputs_are_checked_as_the_model_and_aws_check_them(org):
    # A resource id that fails the model's pattern, before any lookup.
    for call, kwargs in (
        (org.tag_resource, {"ResourceId": "not-an-id", "Tags": [{"Key": "k", "Value": "v"}]}),
        (org.untag_resource, {"ResourceId": "12345", "TagKeys": ["k"]}),
        (org.list_tags_for_resource, {"ResourceId": "ou-x"}),
    ):
        assert reason_of(call, **kwargs) == ("InvalidInputException", "INVALID_PATTERN")
    # A well-formed principal that is no AWS service is still unrecognized.
    assert reason_of(org.enable_aws_service_access, ServicePrincipal="nothing.amazonaws.com") == (
        "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
    assert reason_of(org.disable_aws_service_access, ServicePrincipal="nothing.amazonaws.com") == (
        "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
    root = org.list_roots()["Roots"][0]["Id"]
    assert reason_of(org.list_children, ParentId=root, ChildType="BOTH") == ("InvalidInputException", "INVALID_ENUM")
    with aws_error("AccountNotFoundException", message="You specified an account that doesn't exist."):
        org.describe_account(AccountId="123456789012")
