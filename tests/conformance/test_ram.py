"""AWS RAM through boto3 (spec §4, with §3 for what a share grants in EC2): resource shares and
their resource and principal associations, organization sharing versus invitations, managed
permissions, tags, resource policies and client-token idempotency.  Every success body is
strictly checked against the botocore model (conftest).

Cast: M (111111111111) manages an organization with all features and RAM sharing enabled;
O ("network") and P ("app") are member accounts it created; O owns a VPC with a subnet and a
security group "app".  X (999999999999) is outside any organization; B (222222222222) too."""

import json
import re
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from helpers import ACCOUNT_A, ACCOUNT_B, aws_error, default_sg, default_vpc, error_of, new_sg, new_subnet, new_vpc

M = ACCOUNT_A
X = "999999999999"
REGION = "us-east-1"

SHARE_ARN = re.compile(r"^arn:aws:ram:us-east-1:(\d{12}):resource-share/[0-9a-f-]{36}$")
INVITATION_ARN = re.compile(r"^arn:aws:ram:us-east-1:(\d{12}):resource-share-invitation/[0-9a-f-]{36}$")
SUBNET_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionSubnet"
GROUP_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionSecurityGroup"


def arn(account, kind, id_, region=REGION):
    return f"arn:aws:ec2:{region}:{account}:{kind}/{id_}"


def member(org, name):
    req = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    return org.describe_create_account_status(CreateAccountRequestId=req["Id"])["CreateAccountStatus"]["AccountId"]


@pytest.fixture
def world(aws):
    org = aws("organizations", M)
    made = org.create_organization(FeatureSet="ALL")["Organization"]
    o, p = member(org, "network"), member(org, "app")
    aws("ram", M).enable_sharing_with_aws_organization()
    eo = aws("ec2", o)
    vpc = new_vpc(eo, "10.0.0.0/16")
    subnet = new_subnet(eo, vpc, "10.0.1.0/24")
    group = new_sg(eo, vpc, "app")
    return SimpleNamespace(
        aws=aws, org=org, org_id=made["Id"], org_arn=made["Arn"], root=org.list_roots()["Roots"][0]["Id"],
        O=o, P=p, ro=aws("ram", o), rp=aws("ram", p), rx=aws("ram", X), eo=eo, ep=aws("ec2", p),
        vpc=vpc, subnet=subnet, group=group,
        subnet_arn=arn(o, "subnet", subnet), group_arn=arn(o, "security-group", group),
    )


def share(ram, name="share", **kwargs):
    return ram.create_resource_share(name=name, **kwargs)["resourceShare"]["resourceShareArn"]


def associations(ram, share_arn, kind):
    """{entity: association} of one share, as its owner reads them."""
    out = ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn])
    return {a["associatedEntity"]: a for a in out["resourceShareAssociations"]}


def statuses(ram, share_arn, kind):
    return {e: a["status"] for e, a in associations(ram, share_arn, kind).items()}


def sees_subnet(ec2, subnet_id):
    try:
        ec2.describe_subnets(SubnetIds=[subnet_id])
        return True
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidSubnetID.NotFound", e.response
        return False


def modeled(client, operation):
    """The error codes the botocore model lists for an operation."""
    return {e.name for e in client.meta.service_model.operation_model(operation).error_shapes}


def outsider_invitation(w, **kwargs):
    """O shares (no resources) with X, which gets a PENDING invitation; (share ARN, invitation ARN)."""
    share_arn = share(w.ro, "partners", principals=[X], allowExternalPrincipals=True, **kwargs)
    [inv] = w.rx.get_resource_share_invitations(resourceShareArns=[share_arn])["resourceShareInvitations"]
    return share_arn, inv["resourceShareInvitationArn"]


# ---------------------------------------------------------------- sharing with the organization


def test_enable_sharing_creates_the_role_and_trusted_access(aws):
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    iam = aws("iam", M)
    with aws_error("NoSuchEntity", status=404):
        iam.get_role(RoleName="AWSServiceRoleForResourceAccessManager")
    assert org.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    assert aws("ram", M).enable_sharing_with_aws_organization()["returnValue"] is True
    role = iam.get_role(RoleName="AWSServiceRoleForResourceAccessManager")["Role"]
    assert role["Path"] == "/aws-service-role/ram.amazonaws.com/"
    assert role["Arn"] == f"arn:aws:iam::{M}:role/aws-service-role/ram.amazonaws.com/AWSServiceRoleForResourceAccessManager"
    enabled = org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [p["ServicePrincipal"] for p in enabled] == ["ram.amazonaws.com"]
    # enabling again is harmless
    assert aws("ram", M).enable_sharing_with_aws_organization()["returnValue"] is True
    assert len(org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]) == 1


def test_enable_sharing_only_by_a_management_account_with_all_features(aws):
    with aws_error("OperationNotPermittedException"):
        aws("ram", X).enable_sharing_with_aws_organization()
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    with aws_error("OperationNotPermittedException"):
        aws("ram", member(org, "member")).enable_sharing_with_aws_organization()
    aws("organizations", ACCOUNT_B).create_organization(FeatureSet="CONSOLIDATED_BILLING")
    with aws_error("OperationNotPermittedException"):
        aws("ram", ACCOUNT_B).enable_sharing_with_aws_organization()


def test_trusted_access_alone_does_not_enable_sharing(aws):
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    o, p = member(org, "network"), member(org, "app")
    org.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    eo = aws("ec2", o)
    subnet = new_subnet(eo, new_vpc(eo), "10.0.1.0/24")
    with aws_error("OperationNotPermittedException"):
        share(aws("ram", o), resourceArns=[arn(o, "subnet", subnet)], principals=[p])
    with aws_error("NoSuchEntity", status=404):
        aws("iam", M).get_role(RoleName="AWSServiceRoleForResourceAccessManager")


def test_disabling_trusted_access_stops_new_organization_shares(world):
    w = world
    w.org.disable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    with aws_error("OperationNotPermittedException"):
        share(w.ro, resourceArns=[w.subnet_arn], principals=[w.P])


# ---------------------------------------------------------------- create, update, delete


def test_create_share_inside_the_organization_associates_at_once(world):
    w = world
    out = w.ro.create_resource_share(
        name="app-network", resourceArns=[w.subnet_arn, w.group_arn], principals=[w.P],
        allowExternalPrincipals=False, tags=[{"key": "team", "value": "net"}],
    )
    s = out["resourceShare"]
    assert SHARE_ARN.match(s["resourceShareArn"]).group(1) == w.O
    assert (s["name"], s["owningAccountId"], s["status"]) == ("app-network", w.O, "ACTIVE")
    assert s["allowExternalPrincipals"] is False and s["featureSet"] == "STANDARD"
    assert s["tags"] == [{"key": "team", "value": "net"}]
    assert s["creationTime"] <= s["lastUpdatedTime"]
    assert statuses(w.ro, s["resourceShareArn"], "RESOURCE") == {w.subnet_arn: "ASSOCIATED", w.group_arn: "ASSOCIATED"}
    [principal] = associations(w.ro, s["resourceShareArn"], "PRINCIPAL").values()
    assert (principal["associatedEntity"], principal["status"], principal["external"]) == (w.P, "ASSOCIATED", False)
    assert principal["resourceShareName"] == "app-network" and principal["associationType"] == "PRINCIPAL"
    # no invitation inside an organization with sharing enabled; P uses the share at once
    assert w.rp.get_resource_share_invitations()["resourceShareInvitations"] == []
    assert [x["resourceShareArn"] for x in w.rp.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]] == [s["resourceShareArn"]]
    assert w.ep.describe_subnets(SubnetIds=[w.subnet])["Subnets"][0]["OwnerId"] == w.O
    assert w.ep.describe_security_groups(GroupIds=[w.group])["SecurityGroups"][0]["OwnerId"] == w.O


def test_create_share_defaults(world):
    w = world
    s = w.ro.create_resource_share(name="empty")["resourceShare"]
    # allowExternalPrincipals defaults to true (spec §4.1)
    assert s["allowExternalPrincipals"] is True and s["status"] == "ACTIVE"
    assert associations(w.ro, s["resourceShareArn"], "RESOURCE") == {}
    assert associations(w.ro, s["resourceShareArn"], "PRINCIPAL") == {}


def test_update_resource_share(world):
    w = world
    share_arn = share(w.ro, "before", allowExternalPrincipals=False)
    out = w.ro.update_resource_share(resourceShareArn=share_arn, name="after", allowExternalPrincipals=True, clientToken="upd-1")
    assert out["clientToken"] == "upd-1"
    s = out["resourceShare"]
    assert (s["resourceShareArn"], s["name"], s["allowExternalPrincipals"]) == (share_arn, "after", True)
    [listed] = w.ro.get_resource_shares(resourceOwner="SELF", resourceShareArns=[share_arn])["resourceShares"]
    assert (listed["name"], listed["allowExternalPrincipals"]) == ("after", True)
    # someone else's share, or none at all, is unknown
    with aws_error("UnknownResourceException"):
        w.rp.update_resource_share(resourceShareArn=share_arn, name="mine")
    with aws_error("UnknownResourceException"):
        w.ro.update_resource_share(resourceShareArn=share_arn.replace(share_arn[-12:], "000000000000"), name="x")


def test_delete_share_leaves_it_listable_as_deleted(world):
    w = world
    share_arn = share(w.ro, "doomed", resourceArns=[w.subnet_arn], principals=[w.P])
    assert sees_subnet(w.ep, w.subnet)
    out = w.ro.delete_resource_share(resourceShareArn=share_arn, clientToken="del-1")
    assert out["returnValue"] is True and out["clientToken"] == "del-1"
    deleted = w.ro.get_resource_shares(resourceOwner="SELF", resourceShareStatus="DELETED")["resourceShares"]
    assert [(s["resourceShareArn"], s["status"]) for s in deleted] == [(share_arn, "DELETED")]
    assert w.ro.get_resource_shares(resourceOwner="SELF", resourceShareStatus="ACTIVE")["resourceShares"] == []
    assert set(statuses(w.ro, share_arn, "RESOURCE").values()) == {"DISASSOCIATED"}
    assert set(statuses(w.ro, share_arn, "PRINCIPAL").values()) == {"DISASSOCIATED"}
    assert not sees_subnet(w.ep, w.subnet)
    assert w.rp.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    # a deleted share takes no new members
    with aws_error("InvalidStateTransitionException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, principals=[w.P])
    with aws_error("UnknownResourceException"):
        w.rp.delete_resource_share(resourceShareArn=share(w.ro, "other"))


def test_malformed_arns_are_malformed(world):
    w = world
    with aws_error("MalformedArnException"):
        w.ro.delete_resource_share(resourceShareArn="not-an-arn")
    with aws_error("MalformedArnException"):
        w.ro.update_resource_share(resourceShareArn="not-an-arn", name="x")
    with aws_error("MalformedArnException"):
        w.ro.get_permission(permissionArn="not-an-arn")
    with aws_error("MalformedArnException"):
        w.ro.get_resource_shares(resourceOwner="SELF", resourceShareArns=["not-an-arn"])


def test_deleted_share_refusals_are_modeled(world):
    w = world
    share_arn = share(w.ro, "doomed")
    w.ro.delete_resource_share(resourceShareArn=share_arn)
    # deleting again is refused with the transition error, which DeleteResourceShare does model
    with aws_error("InvalidStateTransitionException"):
        w.ro.delete_resource_share(resourceShareArn=share_arn)
    code, _, _ = error_of(w.ro.update_resource_share, resourceShareArn=share_arn, name="revived")
    assert code in modeled(w.ro, "UpdateResourceShare"), code
    code, _, _ = error_of(w.ro.associate_resource_share_permission, resourceShareArn=share_arn, permissionArn=GROUP_PERMISSION)
    assert code in modeled(w.ro, "AssociateResourceSharePermission"), code


def test_client_token_makes_create_idempotent(world):
    w = world
    request = dict(name="app-network", resourceArns=[w.subnet_arn], principals=[w.P], allowExternalPrincipals=False)
    first = w.ro.create_resource_share(clientToken="token-1", **request)
    again = w.ro.create_resource_share(clientToken="token-1", **request)
    assert first["clientToken"] == again["clientToken"] == "token-1"
    assert again["resourceShare"]["resourceShareArn"] == first["resourceShare"]["resourceShareArn"]
    assert len(w.ro.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1
    with aws_error("IdempotentParameterMismatchException"):
        w.ro.create_resource_share(clientToken="token-1", **dict(request, name="other"))
    # a token belongs to its caller: another account may use the same one
    share(w.rp, "p-share", clientToken="token-1")
    assert len(w.ro.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1


# ---------------------------------------------------------------- associations


def test_associate_and_disassociate_resources_and_principals(world):
    w = world
    share_arn = share(w.ro, "grow")
    out = w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=[w.subnet_arn], principals=[w.P], clientToken="a-1")
    assert out["clientToken"] == "a-1"
    # the call reports the transition under way, reads show where it ended
    assert {a["associatedEntity"]: a["status"] for a in out["resourceShareAssociations"]} == {w.subnet_arn: "ASSOCIATING", w.P: "ASSOCIATING"}
    assert statuses(w.ro, share_arn, "RESOURCE") == {w.subnet_arn: "ASSOCIATED"}
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {w.P: "ASSOCIATED"}
    assert sees_subnet(w.ep, w.subnet)
    out = w.ro.disassociate_resource_share(resourceShareArn=share_arn, resourceArns=[w.subnet_arn])
    assert [(a["associatedEntity"], a["status"]) for a in out["resourceShareAssociations"]] == [(w.subnet_arn, "DISASSOCIATING")]
    # a disassociated entry stays listable
    assert statuses(w.ro, share_arn, "RESOURCE") == {w.subnet_arn: "DISASSOCIATED"}
    assert not sees_subnet(w.ep, w.subnet)
    w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=[w.subnet_arn])
    assert statuses(w.ro, share_arn, "RESOURCE") == {w.subnet_arn: "ASSOCIATED"}
    assert sees_subnet(w.ep, w.subnet)
    w.ro.disassociate_resource_share(resourceShareArn=share_arn, principals=[w.P])
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {w.P: "DISASSOCIATED"}
    assert not sees_subnet(w.ep, w.subnet)


def test_associate_refusals(world):
    w = world
    share_arn = share(w.ro, "target")
    missing = share_arn[:-12] + "000000000000"
    p_subnet = new_subnet(w.ep, new_vpc(w.ep, "10.5.0.0/16"), "10.5.1.0/24")
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share(resourceShareArn=missing, principals=[w.P])
    # another account's share is as unknown as a missing one
    with aws_error("UnknownResourceException"):
        w.rp.associate_resource_share(resourceShareArn=share_arn, principals=[w.O])
    # a resource of another account, and one that does not exist
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=[arn(w.P, "subnet", p_subnet)])
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=[arn(w.O, "subnet", "subnet-0123456789abcdef0")])
    with aws_error("MalformedArnException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=["not-an-arn"])
    # a resource of another Region: shares are regional
    with aws_error("InvalidParameterException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, resourceArns=[arn(w.O, "subnet", w.subnet, "us-west-2")])
    with aws_error("InvalidParameterException"):
        w.ro.associate_resource_share(resourceShareArn=share_arn, principals=["not-a-principal"])
    code, _, _ = error_of(w.ro.associate_resource_share, resourceShareArn=share_arn, resourceArns=[arn(w.O, "vpc", w.vpc)])
    assert code in ("InvalidParameterException", "MalformedArnException")
    # nothing of the refused requests stuck
    assert associations(w.ro, share_arn, "RESOURCE") == {}
    assert associations(w.ro, share_arn, "PRINCIPAL") == {}


def test_empty_association_requests_fail_with_modeled_errors(world):
    w = world
    share_arn = share(w.ro, "target")
    for op, call in [("AssociateResourceShare", w.ro.associate_resource_share),
                     ("DisassociateResourceShare", w.ro.disassociate_resource_share)]:
        code, _, _ = error_of(call, resourceShareArn=share_arn)
        assert code in modeled(w.ro, op), code


def test_disassociate_refusals(world):
    w = world
    share_arn = share(w.ro, "s", resourceArns=[w.subnet_arn], principals=[w.P])
    with aws_error("UnknownResourceException"):
        w.ro.disassociate_resource_share(resourceShareArn=share_arn, resourceArns=[w.group_arn])
    with aws_error("UnknownResourceException"):
        w.ro.disassociate_resource_share(resourceShareArn=share_arn, principals=[M])
    # P received the share inside the organization: it cannot leave it (spec §4.4)
    with aws_error("OperationNotPermittedException"):
        w.rp.disassociate_resource_share(resourceShareArn=share_arn, principals=[w.P])
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {w.P: "ASSOCIATED"}


def test_default_security_group_association_fails_with_a_reason(world):
    w = world
    default = default_sg(w.eo, w.vpc)["GroupId"]
    default_arn = arn(w.O, "security-group", default)
    share_arn = share(w.ro, "defaults", resourceArns=[default_arn, w.group_arn], principals=[w.P])
    found = associations(w.ro, share_arn, "RESOURCE")
    assert found[default_arn]["status"] == "FAILED"
    assert "default security group" in found[default_arn]["statusMessage"]
    assert found[w.group_arn]["status"] == "ASSOCIATED" and "statusMessage" not in found[w.group_arn]
    listed = w.rp.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert [r["arn"] for r in listed] == [w.group_arn]
    with aws_error("InvalidGroup.NotFound"):
        w.ep.describe_security_groups(GroupIds=[default])


def test_default_vpc_resources_association_fails_with_a_reason(world):
    w = world
    vpc = default_vpc(w.eo)["VpcId"]
    group = new_sg(w.eo, vpc, "in-default-vpc")
    subnet = w.eo.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    group_arn, subnet_arn = arn(w.O, "security-group", group), arn(w.O, "subnet", subnet)
    share_arn = share(w.ro, "default-vpc", resourceArns=[group_arn, subnet_arn], principals=[w.P])
    found = associations(w.ro, share_arn, "RESOURCE")
    assert {e: a["status"] for e, a in found.items()} == {group_arn: "FAILED", subnet_arn: "FAILED"}
    assert all("default VPC" in a["statusMessage"] for a in found.values())
    assert not sees_subnet(w.ep, subnet)
    with aws_error("InvalidGroup.NotFound"):
        w.ep.describe_security_groups(GroupIds=[group])


def test_security_group_cannot_reach_outside_the_organization(world):
    w = world
    # org-only resource types refuse outside principals synchronously
    with aws_error("OperationNotPermittedException"):
        share(w.ro, "leak", resourceArns=[w.group_arn], principals=[X], allowExternalPrincipals=True)
    assert w.ro.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []
    group_share = share(w.ro, "groups", resourceArns=[w.group_arn], allowExternalPrincipals=True)
    with aws_error("OperationNotPermittedException"):
        w.ro.associate_resource_share(resourceShareArn=group_share, principals=[X])
    # and a share that already reaches an outsider takes no org-only resources
    outside, _ = outsider_invitation(w)
    with aws_error("OperationNotPermittedException"):
        w.ro.associate_resource_share(resourceShareArn=outside, resourceArns=[w.subnet_arn])
    assert associations(w.ro, outside, "RESOURCE") == {}
    with aws_error("InvalidGroup.NotFound"):
        w.aws("ec2", X).describe_security_groups(GroupIds=[w.group])


def test_security_group_share_without_an_organization_fails(aws):
    eb = aws("ec2", ACCOUNT_B)
    group_arn = arn(ACCOUNT_B, "security-group", new_sg(eb, new_vpc(eb), "lonely"))
    rb = aws("ram", ACCOUNT_B)
    share_arn = share(rb, "lonely", resourceArns=[group_arn])
    [assoc] = associations(rb, share_arn, "RESOURCE").values()
    assert assoc["status"] == "FAILED"
    assert "Organization" in assoc["statusMessage"]


def test_principal_kinds(world):
    w = world
    subnets = share(w.ro, "subnets", resourceArns=[w.subnet_arn])
    groups = share(w.ro, "groups", resourceArns=[w.group_arn])
    # subnets go to accounts, OUs or the organization only; no service principals for org-only types
    with aws_error("InvalidParameterException"):
        w.ro.associate_resource_share(resourceShareArn=subnets, principals=[f"arn:aws:iam::{w.P}:role/app"])
    with aws_error("InvalidParameterException"):
        w.ro.associate_resource_share(resourceShareArn=groups, principals=["ec2.amazonaws.com"])
    unknown_ou = f"arn:aws:organizations::{M}:ou/{w.org_id}/ou-{w.root[2:]}-zzzzzzzz"
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share(resourceShareArn=subnets, principals=[unknown_ou])
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share(resourceShareArn=subnets, principals=[f"arn:aws:organizations::{M}:organization/o-zzzzzzzzzz"])
    w.ro.associate_resource_share(resourceShareArn=subnets, principals=[w.org_arn])
    assert statuses(w.ro, subnets, "PRINCIPAL") == {w.org_arn: "ASSOCIATED"}
    # an outsider needs allowExternalPrincipals, even on a share of no org-only resource
    closed = share(w.ro, "closed", allowExternalPrincipals=False)
    with aws_error("OperationNotPermittedException"):
        w.ro.associate_resource_share(resourceShareArn=closed, principals=[X])
    assert associations(w.ro, closed, "PRINCIPAL") == {}


# ---------------------------------------------------------------- invitations, outside the organization


def test_invitation_accepted(world):
    w = world
    share_arn = share(w.ro, "partners", principals=[X], allowExternalPrincipals=True)
    [assoc] = associations(w.ro, share_arn, "PRINCIPAL").values()
    assert (assoc["associatedEntity"], assoc["status"], assoc["external"]) == (X, "ASSOCIATING", True)
    [inv] = w.rx.get_resource_share_invitations()["resourceShareInvitations"]
    assert INVITATION_ARN.match(inv["resourceShareInvitationArn"]).group(1) == w.O
    assert (inv["status"], inv["senderAccountId"], inv["receiverAccountId"]) == ("PENDING", w.O, X)
    assert (inv["resourceShareArn"], inv["resourceShareName"]) == (share_arn, "partners")
    inv_arn = inv["resourceShareInvitationArn"]
    assert w.rx.get_resource_share_invitations(resourceShareInvitationArns=[inv_arn])["resourceShareInvitations"] == [inv]
    assert w.rx.get_resource_share_invitations(resourceShareArns=[share_arn])["resourceShareInvitations"] == [inv]
    # invitations are the receiver's: the sender and the rest of the organization see none
    assert w.ro.get_resource_share_invitations()["resourceShareInvitations"] == []
    assert w.rx.list_pending_invitation_resources(resourceShareInvitationArn=inv_arn)["resources"] == []
    out = w.rx.accept_resource_share_invitation(resourceShareInvitationArn=inv_arn, clientToken="acc-1")
    assert out["clientToken"] == "acc-1"
    assert (out["resourceShareInvitation"]["resourceShareInvitationArn"], out["resourceShareInvitation"]["status"]) == (inv_arn, "ACCEPTED")
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {X: "ASSOCIATED"}
    [seen] = w.rx.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert (seen["resourceShareArn"], seen["owningAccountId"]) == (share_arn, w.O)
    [sender] = w.rx.list_principals(resourceOwner="OTHER-ACCOUNTS")["principals"]
    assert (sender["id"], sender["resourceShareArn"], sender["external"]) == (w.O, share_arn, True)
    with aws_error("ResourceShareInvitationAlreadyAcceptedException"):
        w.rx.accept_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    with aws_error("ResourceShareInvitationAlreadyAcceptedException"):
        w.rx.reject_resource_share_invitation(resourceShareInvitationArn=inv_arn)


def test_invitation_rejected(world):
    w = world
    share_arn, inv_arn = outsider_invitation(w)
    out = w.rx.reject_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    assert out["resourceShareInvitation"]["status"] == "REJECTED"
    [listed] = w.rx.get_resource_share_invitations(resourceShareInvitationArns=[inv_arn])["resourceShareInvitations"]
    assert listed["status"] == "REJECTED"
    # spec §4.4 leaves DISASSOCIATED or FAILED open for a refused principal
    assert statuses(w.ro, share_arn, "PRINCIPAL")[X] in ("DISASSOCIATED", "FAILED")
    assert w.rx.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    with aws_error("ResourceShareInvitationAlreadyRejectedException"):
        w.rx.accept_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    with aws_error("ResourceShareInvitationAlreadyRejectedException"):
        w.rx.reject_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    with aws_error("ResourceShareInvitationAlreadyRejectedException"):
        w.rx.list_pending_invitation_resources(resourceShareInvitationArn=inv_arn)
    # associating the outsider again sends a fresh invitation
    w.ro.associate_resource_share(resourceShareArn=share_arn, principals=[X])
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {X: "ASSOCIATING"}
    invitations = w.rx.get_resource_share_invitations(resourceShareArns=[share_arn])["resourceShareInvitations"]
    assert sorted((i["resourceShareInvitationArn"] == inv_arn, i["status"]) for i in invitations) == [(False, "PENDING"), (True, "REJECTED")]


def test_invitation_refusals(world):
    w = world
    _, inv_arn = outsider_invitation(w)
    # only the receiver can see or answer it
    for call in (w.rp.accept_resource_share_invitation, w.ro.reject_resource_share_invitation,
                 w.rp.list_pending_invitation_resources):
        with aws_error("ResourceShareInvitationArnNotFoundException"):
            call(resourceShareInvitationArn=inv_arn)
    with aws_error("ResourceShareInvitationArnNotFoundException"):
        w.rp.get_resource_share_invitations(resourceShareInvitationArns=[inv_arn])
    unknown = inv_arn[:-12] + "000000000000"
    with aws_error("ResourceShareInvitationArnNotFoundException"):
        w.rx.accept_resource_share_invitation(resourceShareInvitationArn=unknown)
    for call in (w.rx.accept_resource_share_invitation, w.rx.reject_resource_share_invitation):
        with aws_error("MalformedArnException"):
            call(resourceShareInvitationArn="not-an-arn")
    [inv] = w.rx.get_resource_share_invitations()["resourceShareInvitations"]
    assert inv["status"] == "PENDING"


def test_pending_invitation_resources_after_acceptance(world):
    w = world
    _, inv_arn = outsider_invitation(w)
    w.rx.accept_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    try:
        w.rx.list_pending_invitation_resources(resourceShareInvitationArn=inv_arn)
    except ClientError as e:
        assert e.response["Error"]["Code"] in modeled(w.rx, "ListPendingInvitationResources"), e.response


def test_invitations_max_results_out_of_range(world):
    with aws_error("InvalidMaxResultsException"):
        world.rx.get_resource_share_invitations(maxResults=501)


def test_outsider_leaves_a_share(world):
    w = world
    share_arn, inv_arn = outsider_invitation(w)
    w.rx.accept_resource_share_invitation(resourceShareInvitationArn=inv_arn)
    out = w.rx.disassociate_resource_share(resourceShareArn=share_arn, principals=[X])
    assert [(a["associatedEntity"], a["status"]) for a in out["resourceShareAssociations"]] == [(X, "DISASSOCIATING")]
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {X: "DISASSOCIATED"}
    assert w.rx.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []


# ---------------------------------------------------------------- reading shares and associations


def test_get_resource_shares_filters(world):
    w = world
    subnets = share(w.ro, "subnets", resourceArns=[w.subnet_arn], tags=[{"key": "env", "value": "prod"}])
    groups = share(w.ro, "groups", resourceArns=[w.group_arn], tags=[{"key": "env", "value": "dev"}])
    gone = share(w.ro, "gone", tags=[{"key": "team", "value": "net"}])
    w.ro.delete_resource_share(resourceShareArn=gone)

    def names(**kwargs):
        return sorted(s["name"] for s in w.ro.get_resource_shares(resourceOwner="SELF", **kwargs)["resourceShares"])

    assert names() == ["gone", "groups", "subnets"]
    assert names(resourceShareArns=[subnets, groups]) == ["groups", "subnets"]
    assert names(name="groups") == ["groups"]
    assert names(resourceShareStatus="ACTIVE") == ["groups", "subnets"]
    assert names(resourceShareStatus="DELETED") == ["gone"]
    assert names(tagFilters=[{"tagKey": "env"}]) == ["groups", "subnets"]
    assert names(tagFilters=[{"tagKey": "env", "tagValues": ["prod"]}]) == ["subnets"]
    assert names(tagFilters=[{"tagKey": "env", "tagValues": ["test"]}]) == []
    assert names(permissionArn=SUBNET_PERMISSION) == ["subnets"]
    assert names(permissionArn=GROUP_PERMISSION) == ["groups"]
    with aws_error("UnknownResourceException"):
        w.ro.get_resource_shares(resourceOwner="SELF", permissionArn="arn:aws:ram::aws:permission/AWSRAMDefaultPermissionNothing")
    with aws_error("InvalidParameterException"):
        w.ro.get_resource_shares(resourceOwner="EVERYONE")


def test_get_resource_shares_pagination(world):
    w = world
    made = {share(w.ro, f"s{i}") for i in range(5)}
    pages, seen, token = [], set(), None
    while True:
        kwargs = {"resourceOwner": "SELF", "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        out = w.ro.get_resource_shares(**kwargs)
        pages.append(len(out["resourceShares"]))
        seen |= {s["resourceShareArn"] for s in out["resourceShares"]}
        token = out.get("nextToken")
        if not token:
            break
    assert pages == [2, 2, 1] and seen == made
    with aws_error("InvalidNextTokenException"):
        w.ro.get_resource_shares(resourceOwner="SELF", nextToken="not-a-token")
    with aws_error("InvalidParameterException"):
        w.ro.get_resource_shares(resourceOwner="SELF", maxResults=501)


def test_get_resource_share_associations_filters(world):
    w = world
    a = share(w.ro, "a", resourceArns=[w.subnet_arn, w.group_arn], principals=[w.P])
    b = share(w.ro, "b", resourceArns=[w.subnet_arn], principals=[w.org_arn])
    w.ro.disassociate_resource_share(resourceShareArn=a, resourceArns=[w.group_arn])

    def found(**kwargs):
        out = w.ro.get_resource_share_associations(**kwargs)["resourceShareAssociations"]
        return sorted((x["resourceShareName"], x["associatedEntity"], x["status"]) for x in out)

    assert found(associationType="RESOURCE", resourceArn=w.subnet_arn) == [("a", w.subnet_arn, "ASSOCIATED"), ("b", w.subnet_arn, "ASSOCIATED")]
    assert found(associationType="RESOURCE", associationStatus="DISASSOCIATED") == [("a", w.group_arn, "DISASSOCIATED")]
    assert found(associationType="RESOURCE", resourceShareArns=[b]) == [("b", w.subnet_arn, "ASSOCIATED")]
    assert found(associationType="PRINCIPAL", principal=w.P) == [("a", w.P, "ASSOCIATED")]
    assert found(associationType="PRINCIPAL") == [("a", w.P, "ASSOCIATED"), ("b", w.org_arn, "ASSOCIATED")]
    with aws_error("InvalidParameterException"):
        w.ro.get_resource_share_associations(associationType="PRINCIPAL", resourceArn=w.subnet_arn)
    with aws_error("InvalidParameterException"):
        w.ro.get_resource_share_associations(associationType="RESOURCE", principal=w.P)
    # associations are the owner's view: a recipient lists none
    assert w.rp.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"] == []


def test_list_resources_and_principals_both_ways(world):
    w = world
    share_arn = share(w.ro, "net", resourceArns=[w.subnet_arn, w.group_arn], principals=[w.P])
    share(w.ro, "unused", resourceArns=[w.subnet_arn])
    mine = w.ro.list_resources(resourceOwner="SELF")["resources"]
    assert sorted((r["arn"], r["type"]) for r in mine if r["resourceShareArn"] == share_arn) == sorted(
        [(w.subnet_arn, "ec2:Subnet"), (w.group_arn, "ec2:SecurityGroup")])
    assert all(r["status"] == "AVAILABLE" and r["resourceRegionScope"] == "REGIONAL" for r in mine)
    assert {r["resourceShareArn"] for r in w.ro.list_resources(resourceOwner="SELF", principal=w.P)["resources"]} == {share_arn}
    assert [r["arn"] for r in w.ro.list_resources(resourceOwner="SELF", resourceType="ec2:SecurityGroup")["resources"]] == [w.group_arn]
    assert len(w.ro.list_resources(resourceOwner="SELF", resourceArns=[w.subnet_arn])["resources"]) == 2
    theirs = w.rp.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert sorted(r["type"] for r in theirs) == ["ec2:SecurityGroup", "ec2:Subnet"]
    assert [r["arn"] for r in w.rp.list_resources(resourceOwner="OTHER-ACCOUNTS", resourceType="ec2:Subnet")["resources"]] == [w.subnet_arn]
    [p] = w.ro.list_principals(resourceOwner="SELF")["principals"]
    assert (p["id"], p["resourceShareArn"], p["external"]) == (w.P, share_arn, False)
    [o] = w.rp.list_principals(resourceOwner="OTHER-ACCOUNTS")["principals"]
    assert (o["id"], o["resourceShareArn"], o["external"]) == (w.O, share_arn, False)
    assert w.ro.list_principals(resourceOwner="SELF", resourceArn=w.group_arn)["principals"] == [p]
    assert w.ro.list_principals(resourceOwner="SELF", principals=[X])["principals"] == []
    # the outsider sees none of it
    assert w.rx.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    assert w.rx.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    with aws_error("InvalidParameterException"):
        w.rp.list_resources(resourceOwner="OTHER-ACCOUNTS", principal=w.O)
    with aws_error("InvalidResourceTypeException"):
        w.ro.list_resources(resourceOwner="SELF", resourceType="ec2:Teleporter")


def test_list_principals_unknown_resource_type(world):
    code, _, _ = error_of(world.ro.list_principals, resourceOwner="SELF", resourceType="ec2:Teleporter")
    assert code in modeled(world.ro, "ListPrincipals"), code


def test_shares_are_regional(world):
    w = world
    share_arn = share(w.ro, "east", resourceArns=[w.subnet_arn], principals=[w.P])
    west_o, west_p = w.aws("ram", w.O, "us-west-2"), w.aws("ram", w.P, "us-west-2")
    assert west_o.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []
    assert west_p.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    assert west_p.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    with aws_error("UnknownResourceException"):
        west_o.delete_resource_share(resourceShareArn=share_arn)
    with aws_error("InvalidParameterException"):
        share(west_o, "west", resourceArns=[w.subnet_arn])
    assert not sees_subnet(w.aws("ec2", w.P, "us-west-2"), w.subnet)


# ---------------------------------------------------------------- managed permissions


def test_list_resource_types(world):
    types = world.ro.list_resource_types()["resourceTypes"]
    for t in ("ec2:Subnet", "ec2:SecurityGroup"):
        assert {"resourceType": t, "serviceName": "ec2", "resourceRegionScope": "REGIONAL"} in types
    regional = world.ro.list_resource_types(resourceRegionScope="REGIONAL")["resourceTypes"]
    assert sorted(x["resourceType"] for x in regional) == sorted(x["resourceType"] for x in types)


def test_list_and_get_permissions(world):
    ram = world.ro
    arns = {p["arn"] for p in ram.list_permissions()["permissions"]}
    assert {SUBNET_PERMISSION, GROUP_PERMISSION} <= arns
    # resourceType matches case-insensitively
    [subnet] = ram.list_permissions(resourceType="ec2:subnet")["permissions"]
    assert (subnet["arn"], subnet["name"], subnet["resourceType"]) == (SUBNET_PERMISSION, "AWSRAMDefaultPermissionSubnet", "ec2:Subnet")
    assert (subnet["permissionType"], subnet["isResourceTypeDefault"], subnet["defaultVersion"]) == ("AWS_MANAGED", True, True)
    assert ram.list_permissions(permissionType="CUSTOMER_MANAGED")["permissions"] == []
    assert {p["arn"] for p in ram.list_permissions(permissionType="AWS_MANAGED")["permissions"]} == arns
    detail = ram.get_permission(permissionArn=GROUP_PERMISSION)["permission"]
    assert (detail["arn"], detail["resourceType"], detail["version"]) == (GROUP_PERMISSION, "ec2:SecurityGroup", "1")
    policy = json.loads(detail["permission"])
    assert policy["Effect"] == "Allow" and "ec2:DescribeSecurityGroups" in policy["Action"]
    assert ram.get_permission(permissionArn=GROUP_PERMISSION, permissionVersion=1)["permission"]["arn"] == GROUP_PERMISSION
    with aws_error("UnknownResourceException"):
        ram.get_permission(permissionArn="arn:aws:ram::aws:permission/AWSRAMDefaultPermissionNothing")
    with aws_error("InvalidParameterException"):
        ram.list_permissions(resourceType="ec2:Teleporter")


def test_resource_share_permissions(world):
    w = world
    share_arn = share(w.ro, "net", resourceArns=[w.subnet_arn], principals=[w.P])

    def attached(ram):
        return sorted(p["arn"] for p in ram.list_resource_share_permissions(resourceShareArn=share_arn)["permissions"])

    assert attached(w.ro) == [SUBNET_PERMISSION]
    # the recipient may read the permissions of a share that reaches it, the outsider may not
    assert attached(w.rp) == [SUBNET_PERMISSION]
    with aws_error("UnknownResourceException"):
        w.rx.list_resource_share_permissions(resourceShareArn=share_arn)
    out = w.ro.associate_resource_share_permission(resourceShareArn=share_arn, permissionArn=GROUP_PERMISSION, clientToken="perm-1")
    assert out["returnValue"] is True and out["clientToken"] == "perm-1"
    assert attached(w.ro) == sorted([SUBNET_PERMISSION, GROUP_PERMISSION])
    # a permission still used by the share's resources stays
    with aws_error("OperationNotPermittedException"):
        w.ro.disassociate_resource_share_permission(resourceShareArn=share_arn, permissionArn=SUBNET_PERMISSION)
    assert w.ro.disassociate_resource_share_permission(resourceShareArn=share_arn, permissionArn=GROUP_PERMISSION)["returnValue"] is True
    assert attached(w.ro) == [SUBNET_PERMISSION]
    nothing = "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionNothing"
    with aws_error("UnknownResourceException"):
        w.ro.associate_resource_share_permission(resourceShareArn=share_arn, permissionArn=nothing)
    with aws_error("UnknownResourceException"):
        share(w.ro, "bad-permission", permissionArns=[nothing])
    # a permission chosen at creation is in force before any resource of its type
    chosen = share(w.ro, "chosen", permissionArns=[GROUP_PERMISSION])
    assert [p["arn"] for p in w.ro.list_resource_share_permissions(resourceShareArn=chosen)["permissions"]] == [GROUP_PERMISSION]
    with aws_error("UnknownResourceException"):
        w.rp.associate_resource_share_permission(resourceShareArn=share_arn, permissionArn=GROUP_PERMISSION)


# ---------------------------------------------------------------- tags


def test_tag_and_untag_a_share(world):
    w = world
    share_arn = share(w.ro, "tagged", tags=[{"key": "env", "value": "dev"}])
    out = w.ro.tag_resource(resourceShareArn=share_arn, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "net"}])
    assert set(out) == {"ResponseMetadata"}

    def tags():
        [s] = w.ro.get_resource_shares(resourceOwner="SELF", resourceShareArns=[share_arn])["resourceShares"]
        return {t["key"]: t["value"] for t in s["tags"]}

    assert tags() == {"env": "prod", "team": "net"}
    w.ro.untag_resource(resourceShareArn=share_arn, tagKeys=["env", "absent"])
    assert tags() == {"team": "net"}
    with aws_error("UnknownResourceException"):
        w.rp.tag_resource(resourceShareArn=share_arn, tags=[{"key": "k", "value": "v"}])
    with aws_error("UnknownResourceException"):
        w.rp.untag_resource(resourceShareArn=share_arn, tagKeys=["team"])
    # exactly one of resourceShareArn and resourceArn
    with aws_error("InvalidParameterException"):
        w.ro.tag_resource(tags=[{"key": "k", "value": "v"}])
    with aws_error("InvalidParameterException"):
        w.ro.tag_resource(resourceShareArn=share_arn, resourceArn=GROUP_PERMISSION, tags=[{"key": "k", "value": "v"}])
    with aws_error("TagLimitExceededException"):
        w.ro.tag_resource(resourceShareArn=share_arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
    assert tags() == {"team": "net"}


def test_reserved_tag_keys_fail_with_modeled_errors(world):
    w = world
    code, _, _ = error_of(w.ro.create_resource_share, name="t", tags=[{"key": "aws:owner", "value": "me"}])
    assert code in modeled(w.ro, "CreateResourceShare"), code
    share_arn = share(w.ro, "t")
    code, _, _ = error_of(w.ro.tag_resource, resourceShareArn=share_arn, tags=[{"key": "aws:owner", "value": "me"}])
    assert code in modeled(w.ro, "TagResource"), code


# ---------------------------------------------------------------- resource policies


def test_get_resource_policies(world):
    w = world
    share(w.ro, "net", resourceArns=[w.subnet_arn], principals=[w.P])
    [policy] = w.ro.get_resource_policies(resourceArns=[w.subnet_arn])["policies"]
    [statement] = json.loads(policy)["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == w.subnet_arn
    assert f"arn:aws:iam::{w.P}:root" in statement["Principal"]["AWS"]
    assert w.ro.get_resource_policies(resourceArns=[w.subnet_arn], principal=w.P)["policies"] == [policy]
    assert w.ro.get_resource_policies(resourceArns=[w.subnet_arn], principal=X)["policies"] == []
    # an unshared resource has no RAM policy
    assert w.ro.get_resource_policies(resourceArns=[w.group_arn])["policies"] == []
    with aws_error("MalformedArnException"):
        w.ro.get_resource_policies(resourceArns=["not-an-arn"])


# ---------------------------------------------------------------- organization principals follow membership


def test_ou_principal_follows_move_account(world):
    w = world
    ou = w.org.create_organizational_unit(ParentId=w.root, Name="workloads")["OrganizationalUnit"]
    w.org.move_account(AccountId=w.P, SourceParentId=w.root, DestinationParentId=ou["Id"])
    share_arn = share(w.ro, "to-ou", resourceArns=[w.subnet_arn], principals=[ou["Arn"]])
    assert statuses(w.ro, share_arn, "PRINCIPAL") == {ou["Arn"]: "ASSOCIATED"}
    assert sees_subnet(w.ep, w.subnet)
    w.org.move_account(AccountId=w.P, SourceParentId=ou["Id"], DestinationParentId=w.root)
    assert not sees_subnet(w.ep, w.subnet)
    assert w.rp.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    # a nested OU is inside the shared one
    inner = w.org.create_organizational_unit(ParentId=ou["Id"], Name="inner")["OrganizationalUnit"]["Id"]
    w.org.move_account(AccountId=w.P, SourceParentId=w.root, DestinationParentId=inner)
    assert sees_subnet(w.ep, w.subnet)
    assert [s["resourceShareArn"] for s in w.rp.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]] == [share_arn]


def test_organization_principal_reaches_members_while_they_stay(world):
    w = world
    share(w.ro, "to-org", resourceArns=[w.subnet_arn], principals=[w.org_arn])
    assert sees_subnet(w.ep, w.subnet)
    later = member(w.org, "later")
    assert sees_subnet(w.aws("ec2", later), w.subnet)
    w.org.remove_account_from_organization(AccountId=w.P)
    assert not sees_subnet(w.ep, w.subnet)
    w.org.close_account(AccountId=later)
    assert not sees_subnet(w.aws("ec2", later), w.subnet)
    assert not sees_subnet(w.aws("ec2", X), w.subnet)


def test_account_principal_loses_access_on_leaving_the_organization(world):
    w = world
    share(w.ro, "to-p", resourceArns=[w.subnet_arn, w.group_arn], principals=[w.P])
    assert sees_subnet(w.ep, w.subnet)
    w.aws("organizations", w.P).leave_organization()
    assert not sees_subnet(w.ep, w.subnet)
    with aws_error("InvalidGroup.NotFound"):
        w.ep.describe_security_groups(GroupIds=[w.group])


def test_fidelity_of_inputs(aws):
    ram = aws("ram", ACCOUNT_B)
    with aws_error("InvalidParameterException"):
        ram.list_resource_types(resourceRegionScope="EVERYWHERE")
    with aws_error("OperationNotPermittedException", message="Unable to enable sharing with AWS Organizations."):
        ram.enable_sharing_with_aws_organization()
