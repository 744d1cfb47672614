"""Secondary IPv4 blocks through boto3, strictly checked: AWS's table of allowed and
restricted ranges, overlaps, the limit of five, subnets in any block, local routes for each
block, and disassociation refused while subnets use a block or for the primary."""

import pytest

from helpers import aws_error, new_subnet, new_vpc


def blocks(ec2, vpc):
    [v] = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
    return [(b["CidrBlock"], b["CidrBlockState"]["State"]) for b in v["CidrBlockAssociationSet"]]


def test_associate_use_and_disassociate(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    made = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    assert made["VpcId"] == vpc
    assoc = made["CidrBlockAssociation"]
    assert assoc["CidrBlock"] == "10.1.0.0/16" and assoc["CidrBlockState"]["State"] == "associating"
    assert blocks(ec2, vpc) == [("10.0.0.0/16", "associated"), ("10.1.0.0/16", "associated")]
    found = ec2.describe_vpcs(Filters=[{"Name": "cidr-block-association.cidr-block", "Values": ["10.1.0.0/16"]}])
    assert [v["VpcId"] for v in found["Vpcs"]] == [vpc]

    subnet = new_subnet(ec2, vpc, "10.1.5.0/24")
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    local = sorted(r["DestinationCidrBlock"] for r in rtb["Routes"] if r.get("GatewayId") == "local")
    assert local == ["10.0.0.0/16", "10.1.0.0/16"]

    with aws_error("InvalidCidrBlock.InUse"):
        ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    primary = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlockAssociationSet"][0]["AssociationId"]
    with aws_error("OperationNotPermitted"):
        ec2.disassociate_vpc_cidr_block(AssociationId=primary)
    ec2.delete_subnet(SubnetId=subnet)
    gone = ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    assert gone["CidrBlockAssociation"]["CidrBlockState"]["State"] == "disassociating"
    assert blocks(ec2, vpc) == [("10.0.0.0/16", "associated")]
    with aws_error("InvalidVpcCidrBlockAssociationID.NotFound"):
        ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])


@pytest.mark.parametrize("primary, added, ok", [
    ("10.0.0.0/16", "100.64.0.0/16", True),
    ("10.0.0.0/16", "172.16.0.0/16", False),
    ("10.0.0.0/16", "192.168.0.0/16", False),
    ("10.0.0.0/16", "198.19.0.0/16", False),
    ("172.16.0.0/16", "172.17.0.0/16", True),
    ("172.16.0.0/16", "172.31.0.0/16", False),
    ("192.168.0.0/16", "10.0.0.0/16", False),
    ("100.64.0.0/16", "52.10.0.0/16", True),
    ("10.0.0.0/16", "169.254.0.0/16", False),
])
def test_aws_table_of_allowed_ranges(aws, primary, added, ok):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, primary)
    if ok:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=added)
    else:
        with aws_error("InvalidVpc.Range"):
            ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=added)


def test_overlaps_sizes_and_the_limit(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    for bad in ("10.0.128.0/17", "10.0.0.0/8", "10.2.0.0/29", "10.2.0.0/15"):
        with aws_error("InvalidVpc.Range"):
            ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=bad)
    with aws_error("InvalidParameterValue", message="This is not a valid CIDR block."):
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="1000.1.0.0/20")
    for n in range(1, 5):
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{n}.0.0/16")
    with aws_error("CidrLimitExceeded"):
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.9.0.0/16")


def test_fidelity_of_vpc_and_subnet_inputs(aws):
    ec2 = aws("ec2")
    # The older filter name is accepted.
    [default] = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    assert default["IsDefault"] is True
    with aws_error("DefaultVpcAlreadyExists", message="A Default VPC already exists for this account in this region."):
        ec2.create_default_vpc()
    with aws_error("InvalidParameterValue",
                   message="Value (1000.1.0.0/20) for parameter cidrBlock is invalid. This is not a valid CIDR block."):
        ec2.create_vpc(CidrBlock="1000.1.0.0/20")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    # Host bits are cleared, as the API reference says.
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.7/24")["Subnet"]
    assert subnet["CidrBlock"] == "10.0.1.0/24"
