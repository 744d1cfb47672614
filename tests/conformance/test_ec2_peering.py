"""VPC peering across accounts and Regions (spec §2.9), group references across an active
peering, and what becomes stale when the peering or the referenced group goes away."""

import pytest

from helpers import ACCOUNT_A, ACCOUNT_B, aws_error, fake_id, new_sg, new_vpc, tag_spec


@pytest.fixture
def a(aws):
    return aws("ec2", ACCOUNT_A)


@pytest.fixture
def b(aws):
    return aws("ec2", ACCOUNT_B)


def status(ec2, pcx):
    [p] = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"]
    return p["Status"]["Code"]


def peer(a, b, a_vpc, b_vpc, **kwargs):
    return a.create_vpc_peering_connection(VpcId=a_vpc, PeerVpcId=b_vpc, PeerOwnerId=ACCOUNT_B, **kwargs)[
        "VpcPeeringConnection"
    ]


def test_request_accept_delete_across_accounts(a, b):
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b, "10.2.0.0/16")
    p = peer(a, b, a_vpc, b_vpc, TagSpecifications=tag_spec("vpc-peering-connection", Name="a-to-b"))
    pcx = p["VpcPeeringConnectionId"]
    assert pcx.startswith("pcx-")
    assert p["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {ACCOUNT_B}"}
    assert p["RequesterVpcInfo"]["OwnerId"] == ACCOUNT_A and p["RequesterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    assert p["AccepterVpcInfo"]["OwnerId"] == ACCOUNT_B and p["AccepterVpcInfo"]["VpcId"] == b_vpc
    assert p["AccepterVpcInfo"]["Region"] == "us-east-1"
    assert "ExpirationTime" in p
    assert p["Tags"] == [{"Key": "Name", "Value": "a-to-b"}]
    # Both sides see it; tags are each side's own.
    [seen] = b.describe_vpc_peering_connections()["VpcPeeringConnections"]
    assert seen["VpcPeeringConnectionId"] == pcx and seen["Tags"] == []
    with aws_error("OperationNotPermitted"):
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    accepted = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "active"
    assert status(a, pcx) == "active"
    with aws_error("InvalidStateTransition"):
        b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with aws_error("VpcPeeringConnectionAlreadyExists"):
        peer(a, b, a_vpc, b_vpc)
    filters = [{"Name": "status-code", "Values": ["active"]}, {"Name": "accepter-vpc-info.owner-id", "Values": [ACCOUNT_B]}]
    assert len(a.describe_vpc_peering_connections(Filters=filters)["VpcPeeringConnections"]) == 1
    assert b.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert status(a, pcx) == "deleted"
    # An ended connection no longer blocks a new one.
    assert peer(a, b, a_vpc, b_vpc)["Status"]["Code"] == "pending-acceptance"


def test_reject_and_who_may_answer(aws, a, b):
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b, "10.2.0.0/16")
    pcx = peer(a, b, a_vpc, b_vpc)["VpcPeeringConnectionId"]
    with aws_error("InvalidVpcPeeringConnectionID.NotFound"):
        aws("ec2", "999999999999").accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with aws_error("OperationNotPermitted"):
        a.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    # The accepter cannot delete a request it has not answered; the requester can.
    with aws_error("InvalidStateTransition"):
        b.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert b.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    [p] = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"]
    assert p["Status"] == {"Code": "rejected", "Message": f"Rejected by {ACCOUNT_B}"}
    with aws_error("InvalidStateTransition"):
        b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)


def test_failed_requests(a, b):
    a_vpc = new_vpc(a, "10.1.0.0/16")
    overlapping = new_vpc(b, "10.1.128.0/17")
    assert peer(a, b, a_vpc, overlapping)["Status"]["Code"] == "failed"
    assert peer(a, b, a_vpc, fake_id("vpc"))["Status"]["Code"] == "failed"
    with aws_error("InvalidParameterValue"):
        a.create_vpc_peering_connection(VpcId=a_vpc, PeerVpcId=a_vpc)
    with aws_error("InvalidVpcID.NotFound"):
        b.create_vpc_peering_connection(VpcId=a_vpc, PeerVpcId=overlapping)
    with aws_error("InvalidVpcPeeringConnectionID.NotFound"):
        a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[fake_id("pcx")])
    with aws_error("InvalidVpcPeeringConnectionId.Malformed"):
        a.delete_vpc_peering_connection(VpcPeeringConnectionId="nope")


def test_across_regions(aws, a):
    b_west = aws("ec2", ACCOUNT_B, "us-west-2")
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b_west, "10.2.0.0/16")
    pcx = peer(a, b_west, a_vpc, b_vpc, PeerRegion="us-west-2")["VpcPeeringConnectionId"]
    # The accepter answers in its own Region.
    with aws_error("InvalidVpcPeeringConnectionID.NotFound"):
        aws("ec2", ACCOUNT_B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    b_west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(a, pcx) == "active"
    # Group references need a same-Region peering.
    a_sg, b_sg = new_sg(a, a_vpc, "a"), new_sg(b_west, b_vpc, "b")
    with aws_error("InvalidGroup.NotFound"):
        a.authorize_security_group_ingress(
            GroupId=a_sg,
            IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": b_sg, "UserId": ACCOUNT_B}]}],
        )


def test_references_across_a_peering_and_staleness(a, b):
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b, "10.2.0.0/16")
    a_sg, b_sg = new_sg(a, a_vpc, "a"), new_sg(b, b_vpc, "b")
    ref = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": b_sg, "UserId": ACCOUNT_B}]}]
    with aws_error("InvalidGroup.NotFound"):
        a.authorize_security_group_ingress(GroupId=a_sg, IpPermissions=ref)
    pcx = peer(a, b, a_vpc, b_vpc)["VpcPeeringConnectionId"]
    with aws_error("InvalidGroup.NotFound"):
        a.authorize_security_group_ingress(GroupId=a_sg, IpPermissions=ref)
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    rule = a.authorize_security_group_ingress(GroupId=a_sg, IpPermissions=ref)["SecurityGroupRules"][0]
    assert rule["ReferencedGroupInfo"]["GroupId"] == b_sg
    assert rule["ReferencedGroupInfo"]["UserId"] == ACCOUNT_B
    assert rule["ReferencedGroupInfo"]["VpcPeeringConnectionId"] == pcx
    [g] = a.describe_security_groups(GroupIds=[a_sg])["SecurityGroups"]
    [pair] = g["IpPermissions"][0]["UserIdGroupPairs"]
    assert (pair["GroupId"], pair["UserId"], pair["VpcPeeringConnectionId"]) == (b_sg, ACCOUNT_B, pcx)
    assert a.describe_stale_security_groups(VpcId=a_vpc)["StaleSecurityGroupSet"] == []
    refs = b.describe_security_group_references(GroupId=[b_sg])["SecurityGroupReferenceSet"]
    assert refs == [{"GroupId": b_sg, "ReferencingVpcId": a_vpc, "VpcPeeringConnectionId": pcx}]

    # The peering goes: the rule stays, now stale.
    a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    [stale] = a.describe_stale_security_groups(VpcId=a_vpc)["StaleSecurityGroupSet"]
    assert (stale["GroupId"], stale["GroupName"], stale["VpcId"]) == (a_sg, "a", a_vpc)
    assert stale["StaleIpPermissionsEgress"] == []
    [perm] = stale["StaleIpPermissions"]
    assert (perm["IpProtocol"], perm["FromPort"], perm["ToPort"]) == ("tcp", 5432, 5432)
    assert perm["UserIdGroupPairs"] == [
        {"UserId": ACCOUNT_B, "GroupId": b_sg, "VpcId": b_vpc, "VpcPeeringConnectionId": pcx, "PeeringStatus": "deleted"}
    ]
    assert b.describe_security_group_references(GroupId=[b_sg])["SecurityGroupReferenceSet"] == []
    # A new peering between the same VPCs makes it current again.
    pcx2 = peer(a, b, a_vpc, b_vpc)["VpcPeeringConnectionId"]
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx2)
    assert a.describe_stale_security_groups(VpcId=a_vpc)["StaleSecurityGroupSet"] == []
    # The referenced group may be deleted (the reference is in another VPC); the rule is stale.
    b.delete_security_group(GroupId=b_sg)
    [stale] = a.describe_stale_security_groups(VpcId=a_vpc)["StaleSecurityGroupSet"]
    assert stale["GroupId"] == a_sg
    with aws_error("InvalidVpcID.NotFound"):
        b.describe_stale_security_groups(VpcId=a_vpc)
    with aws_error("InvalidGroup.NotFound"):
        a.describe_security_group_references(GroupId=[b_sg])


def test_deleting_a_vpc_ends_its_peerings(a, b):
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b, "10.2.0.0/16")
    pcx = peer(a, b, a_vpc, b_vpc)["VpcPeeringConnectionId"]
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    a.delete_vpc(VpcId=a_vpc)
    assert status(b, pcx) == "deleted"


def test_peering_tags(a, b):
    a_vpc, b_vpc = new_vpc(a, "10.1.0.0/16"), new_vpc(b, "10.2.0.0/16")
    pcx = peer(a, b, a_vpc, b_vpc)["VpcPeeringConnectionId"]
    b.create_tags(Resources=[pcx], Tags=[{"Key": "side", "Value": "b"}])
    a.create_tags(Resources=[pcx], Tags=[{"Key": "side", "Value": "a"}])
    [pa] = a.describe_vpc_peering_connections(Filters=[{"Name": "tag:side", "Values": ["a"]}])["VpcPeeringConnections"]
    assert pa["Tags"] == [{"Key": "side", "Value": "a"}]
    assert b.describe_vpc_peering_connections(Filters=[{"Name": "tag:side", "Values": ["a"]}])["VpcPeeringConnections"] == []
    tags = b.describe_tags(Filters=[{"Name": "resource-id", "Values": [pcx]}])["Tags"]
    assert tags == [{"Key": "side", "Value": "b", "ResourceId": pcx, "ResourceType": "vpc-peering-connection"}]


def test_each_side_sets_its_own_dns_option(a, b):
    pcx = peer(a, b, new_vpc(a, "10.0.0.0/16"), new_vpc(b, "10.1.0.0/16"))["VpcPeeringConnectionId"]
    with aws_error("InvalidStateTransition"):
        a.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    out = a.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert out["RequesterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert "AccepterPeeringConnectionOptions" not in out
    with aws_error("OperationNotPermitted"):
        a.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    with aws_error("OperationNotPermitted"):
        b.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx,
            AccepterPeeringConnectionOptions={"AllowEgressFromLocalClassicLinkToRemoteVpc": True})
    [seen] = b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"]
    assert seen["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert seen["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
