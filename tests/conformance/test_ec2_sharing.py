"""What sharing does in EC2, through boto3 (spec §3): an organization with RAM sharing, a network
account O that shares a subnet and a security group with an application account P."""

import pytest

from helpers import aws_error, new_members, new_sg, new_vpc

M = "111111111111"


def arn(region, account, kind, id_):
    return f"arn:aws:ec2:{region}:{account}:{kind}/{id_}"


@pytest.fixture
def world(aws):
    """M's organization (sharing on) with members O and P; O's VPC with a shared and an
    unshared subnet, and its group `app` shared with P."""
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    o, p = new_members(org, "network", "app")
    aws("ram", M).enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", o), aws("ec2", p)
    vpc = new_vpc(eo, "10.0.0.0/16")
    shared = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eo.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")
    app = new_sg(eo, vpc, "app")
    unshared = new_sg(eo, vpc, "private")
    aws("ram", o).create_resource_share(
        name="net",
        resourceArns=[arn("us-east-1", o, "subnet", shared), arn("us-east-1", o, "security-group", app)],
        principals=[p],
        allowExternalPrincipals=False,
    )
    return {"O": o, "P": p, "eo": eo, "ep": ep, "vpc": vpc, "subnet": shared, "app": app, "unshared": unshared}


def test_participant_associates_its_own_group_with_the_shared_vpc(world):
    ep, eo = world["ep"], world["eo"]
    home = new_vpc(ep, "10.9.0.0/16")
    mine = new_sg(ep, home, "mine")
    ep.associate_security_group_vpc(GroupId=mine, VpcId=world["vpc"])
    expected = {
        "GroupId": mine,
        "VpcId": world["vpc"],
        "VpcOwnerId": world["O"],
        "State": "associated",
        "GroupOwnerId": world["P"],
    }
    # Both the group's owner and the VPC's owner see the association.
    assert ep.describe_security_group_vpc_associations()["SecurityGroupVpcAssociations"] == [expected]
    assert eo.describe_security_group_vpc_associations()["SecurityGroupVpcAssociations"] == [expected]
    eni = ep.create_network_interface(SubnetId=world["subnet"], Groups=[mine, world["app"]])["NetworkInterface"]
    assert sorted(g["GroupId"] for g in eni["Groups"]) == sorted([mine, world["app"]])
    # The VPC owner cannot undo the participant's association: the group is not its own.
    with aws_error("InvalidGroup.NotFound"):
        eo.disassociate_security_group_vpc(GroupId=mine, VpcId=world["vpc"])


def test_participant_cannot_associate_a_shared_group(world):
    ep = world["ep"]
    home = new_vpc(ep, "10.9.0.0/16")
    with aws_error("UnauthorizedOperation", status=403):
        ep.associate_security_group_vpc(GroupId=world["app"], VpcId=home)
    with aws_error("InvalidGroup.NotFound"):
        ep.associate_security_group_vpc(GroupId=world["unshared"], VpcId=home)


def test_owner_cannot_associate_into_a_participants_vpc(world):
    home = new_vpc(world["ep"], "10.9.0.0/16")
    with aws_error("InvalidVpcID.NotFound"):
        world["eo"].associate_security_group_vpc(GroupId=world["app"], VpcId=home)


def test_groups_for_the_shared_vpc(world):
    ep, eo = world["ep"], world["eo"]
    own = new_sg(ep, world["vpc"], "p-own")
    seen = ep.get_security_groups_for_vpc(VpcId=world["vpc"])["SecurityGroupForVpcs"]
    assert sorted((g["GroupId"], g["OwnerId"]) for g in seen) == sorted([(own, world["P"]), (world["app"], world["O"])])
    # The owner can attach its own groups there, not the participant's.
    seen = {g["GroupId"] for g in eo.get_security_groups_for_vpc(VpcId=world["vpc"])["SecurityGroupForVpcs"]}
    assert world["app"] in seen and world["unshared"] in seen and own not in seen


def test_shared_vpc_is_invisible_to_outsiders_and_in_other_regions(aws, world):
    with aws_error("InvalidVpcID.NotFound"):
        aws("ec2", "999999999999").get_security_groups_for_vpc(VpcId=world["vpc"])
    with aws_error("InvalidVpcID.NotFound"):
        aws("ec2", world["P"], "us-west-2").get_security_groups_for_vpc(VpcId=world["vpc"])
