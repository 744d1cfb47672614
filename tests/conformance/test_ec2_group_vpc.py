"""Security-group VPC associations (spec §2.10) and GetSecurityGroupsForVpc: a group owner makes
its group usable in another VPC of its own or one shared with it; the record is `associated` at
once and gone once disassociated (what Terraform waits for)."""

import pytest

from helpers import ACCOUNT_A, ACCOUNT_B, aws_error, fake_id, network, new_sg, new_vpc


def associations(ec2, **filters):
    kwargs = {"Filters": [{"Name": k.replace("_", "-"), "Values": [v]} for k, v in filters.items()]}
    return ec2.describe_security_group_vpc_associations(**kwargs)["SecurityGroupVpcAssociations"]


@pytest.fixture
def ec2(aws):
    return aws("ec2", ACCOUNT_A)


@pytest.fixture
def two_vpcs(ec2):
    """A group in its home VPC, and a second VPC with a subnet."""
    home = new_vpc(ec2, "10.0.0.0/16")
    other, subnet = network(ec2, "10.1.0.0/16", "10.1.1.0/24")
    sg = new_sg(ec2, home, "app")
    return home, other, subnet, sg


def test_associate_describe_disassociate(ec2, two_vpcs):
    home, other, _, sg = two_vpcs
    assert ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)["State"] == "associating"
    [a] = associations(ec2, group_id=sg)
    assert a == {
        "GroupId": sg,
        "VpcId": other,
        "VpcOwnerId": ACCOUNT_A,
        "State": "associated",
        "GroupOwnerId": ACCOUNT_A,
    }
    assert associations(ec2, vpc_id=other, state="associated") == [a]
    assert associations(ec2, vpc_id=home) == []
    assert associations(ec2, group_owner_id=ACCOUNT_B) == []
    assert ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=other)["State"] == "disassociating"
    assert associations(ec2) == []


def test_associated_group_goes_on_interfaces_of_the_other_vpc(ec2, two_vpcs):
    _, other, subnet, sg = two_vpcs
    with aws_error("InvalidParameter", message="belong to different networks"):
        ec2.create_network_interface(SubnetId=subnet, Groups=[sg])
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[sg])["NetworkInterface"]
    assert [g["GroupId"] for g in eni["Groups"]] == [sg]
    # While an interface there carries it, the association and the group both stay.
    with aws_error("DependencyViolation"):
        ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=other)
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=other)
    with aws_error("InvalidParameter"):
        ec2.create_network_interface(SubnetId=subnet, Groups=[sg])


def test_associated_group_may_be_referenced_in_rules_of_the_other_vpc(ec2, two_vpcs):
    _, other, _, sg = two_vpcs
    local = new_sg(ec2, other, "local")
    permission = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": sg}]}]
    with aws_error("InvalidGroup.NotFound"):
        ec2.authorize_security_group_ingress(GroupId=local, IpPermissions=permission)
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    ec2.authorize_security_group_ingress(GroupId=local, IpPermissions=permission)


def test_group_and_vpc_with_an_association_cannot_be_deleted(ec2, two_vpcs):
    _, other, subnet, sg = two_vpcs
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    with aws_error("DependencyViolation"):
        ec2.delete_security_group(GroupId=sg)
    ec2.delete_subnet(SubnetId=subnet)
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=other)
    ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=other)
    ec2.delete_security_group(GroupId=sg)
    ec2.delete_vpc(VpcId=other)


def test_refusals(ec2, two_vpcs):
    home, other, _, sg = two_vpcs
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [home]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    in_default_vpc = new_sg(ec2, None, "in-default")
    with aws_error("InvalidParameterValue", message="default"):
        ec2.associate_security_group_vpc(GroupId=default_sg, VpcId=other)
    with aws_error("InvalidParameterValue", message="default"):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=default_vpc)
    with aws_error("InvalidParameterValue", message="default"):
        ec2.associate_security_group_vpc(GroupId=in_default_vpc, VpcId=other)
    with aws_error("InvalidParameterValue", message="already associated"):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=home)
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    with aws_error("InvalidParameterValue", message="already associated"):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=fake_id("vpc"))
    with aws_error("InvalidGroup.NotFound"):
        ec2.associate_security_group_vpc(GroupId=fake_id("sg"), VpcId=other)
    with aws_error("InvalidGroupId.Malformed"):
        ec2.associate_security_group_vpc(GroupId="nope", VpcId=other)
    with aws_error("InvalidParameterValue", message="not associated"):
        ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=home)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.disassociate_security_group_vpc(GroupId=sg, VpcId=fake_id("vpc"))
    with aws_error("DryRunOperation", status=412):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=other, DryRun=True)
    with aws_error("InvalidParameterValue", message="filter"):
        ec2.describe_security_group_vpc_associations(Filters=[{"Name": "bogus", "Values": ["x"]}])


def test_another_account_neither_sees_nor_uses_them(aws, ec2, two_vpcs):
    _, other, _, sg = two_vpcs
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    b = aws("ec2", ACCOUNT_B)
    b_vpc = new_vpc(b, "10.0.0.0/16")
    assert associations(b) == []
    with aws_error("InvalidGroup.NotFound"):
        b.associate_security_group_vpc(GroupId=sg, VpcId=b_vpc)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.associate_security_group_vpc(GroupId=sg, VpcId=b_vpc)
    with aws_error("InvalidGroup.NotFound"):
        b.disassociate_security_group_vpc(GroupId=sg, VpcId=other)
    assert len(associations(ec2)) == 1


def test_associations_are_regional(aws, ec2, two_vpcs):
    _, other, _, sg = two_vpcs
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    west = aws("ec2", ACCOUNT_A, "us-west-2")
    assert associations(west) == []
    with aws_error("InvalidGroup.NotFound"):
        west.disassociate_security_group_vpc(GroupId=sg, VpcId=other)


def test_describe_pages(ec2):
    vpcs = [new_vpc(ec2, f"10.{i}.0.0/16") for i in range(4)]
    groups = [new_sg(ec2, vpcs[0], f"g{i}") for i in range(3)]
    for g in groups:
        for v in vpcs[1:]:
            ec2.associate_security_group_vpc(GroupId=g, VpcId=v)
    seen, token = [], None
    while True:
        kwargs = {"MaxResults": 5} | ({"NextToken": token} if token else {})
        out = ec2.describe_security_group_vpc_associations(**kwargs)
        assert len(out["SecurityGroupVpcAssociations"]) <= 5
        seen += [(a["GroupId"], a["VpcId"]) for a in out["SecurityGroupVpcAssociations"]]
        token = out.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted((g, v) for g in groups for v in vpcs[1:])
    with aws_error("InvalidParameterValue", message="NextToken"):
        ec2.describe_security_group_vpc_associations(MaxResults=5, NextToken="not-a-token")


def test_get_security_groups_for_vpc(ec2, two_vpcs):
    home, other, _, sg = two_vpcs
    local = new_sg(ec2, other, "local", description="lives here", team="blue")

    def usable(vpc, *filters):
        out = ec2.get_security_groups_for_vpc(VpcId=vpc, Filters=list(filters))["SecurityGroupForVpcs"]
        return sorted(g["GroupId"] for g in out)

    other_groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [other]}])["SecurityGroups"]
    assert usable(other) == sorted(g["GroupId"] for g in other_groups)
    assert sg not in usable(other)
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    assert sg in usable(other)
    [item] = [g for g in ec2.get_security_groups_for_vpc(VpcId=other)["SecurityGroupForVpcs"] if g["GroupId"] == sg]
    assert item == {
        "Description": "test group",
        "GroupName": "app",
        "OwnerId": ACCOUNT_A,
        "GroupId": sg,
        "Tags": [],
        "PrimaryVpcId": home,
    }
    assert usable(other, {"Name": "primary-vpc-id", "Values": [home]}) == [sg]
    assert usable(other, {"Name": "group-name", "Values": ["loc*"]}) == [local]
    assert usable(other, {"Name": "tag:team", "Values": ["blue"]}) == [local]
    assert usable(other, {"Name": "owner-id", "Values": [ACCOUNT_B]}) == []
    with aws_error("InvalidVpcID.NotFound"):
        ec2.get_security_groups_for_vpc(VpcId=fake_id("vpc"))
    with aws_error("InvalidParameterValue"):
        ec2.get_security_groups_for_vpc(VpcId=other, Filters=[{"Name": "vpc-id", "Values": [other]}])


def test_only_the_associated_vpc_gains_the_group(ec2, two_vpcs):
    """A third VPC the group is not associated with still refuses it."""
    _, other, _, sg = two_vpcs
    third, subnet = network(ec2, "10.2.0.0/16", "10.2.1.0/24")
    ec2.associate_security_group_vpc(GroupId=sg, VpcId=other)
    with aws_error("InvalidParameter", message="belong to different networks"):
        ec2.create_network_interface(SubnetId=subnet, Groups=[sg])
    assert associations(ec2, vpc_id=third) == []
