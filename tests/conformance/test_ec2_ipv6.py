"""IPv6: an Amazon-provided /56 per VPC (at creation or associated later), /64 subnet blocks
inside it, the default egress over IPv6, the filters, and AWS's refusals."""

import ipaddress

import pytest

from helpers import aws_error, default_sg, new_sg, new_vpc, rules_of
from test_ec2_sharing import world  # noqa: F401  (fixture: a subnet of O shared with P)


@pytest.fixture
def ec2(aws):
    return aws("ec2")


def vpc_of(ec2, vpc_id):
    [v] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    return v


def subnet_of(ec2, subnet_id):
    [s] = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    return s


def dual_stack_vpc(ec2, cidr="10.0.0.0/16"):
    vpc = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = vpc_of(ec2, vpc["VpcId"])["Ipv6CidrBlockAssociationSet"][0]
    return vpc["VpcId"], ipaddress.IPv6Network(block["Ipv6CidrBlock"])


def nth_64(block, n):
    return str(list(block.subnets(new_prefix=64))[n])


def egress_peers(ec2, group_id):
    return sorted(r.get("CidrIpv4") or r.get("CidrIpv6") for r in rules_of(ec2, group_id) if r["IsEgress"])


def test_create_vpc_with_amazon_ipv6(ec2):
    created = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    [pending] = created["Ipv6CidrBlockAssociationSet"]
    assert pending["AssociationId"].startswith("vpc-cidr-assoc-")
    assert pending["Ipv6CidrBlockState"]["State"] == "associating"
    assert pending["Ipv6Pool"] == "Amazon" and pending["NetworkBorderGroup"] == "us-east-1"

    [assoc] = vpc_of(ec2, created["VpcId"])["Ipv6CidrBlockAssociationSet"]
    assert assoc["AssociationId"] == pending["AssociationId"]
    assert assoc["Ipv6CidrBlockState"]["State"] == "associated"
    block = ipaddress.IPv6Network(assoc["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and block.network_address.exploded.startswith("2600:1f18:")
    assert assoc["Ipv6CidrBlock"] == str(block)  # canonical, compressed form


def test_blocks_differ_between_vpcs_and_plain_vpcs_have_none(ec2):
    a = dual_stack_vpc(ec2, "10.0.0.0/16")[1]
    b = dual_stack_vpc(ec2, "10.1.0.0/16")[1]
    assert not a.overlaps(b)
    plain = new_vpc(ec2, "10.2.0.0/16")
    assert "Ipv6CidrBlockAssociationSet" not in vpc_of(ec2, plain) or \
        vpc_of(ec2, plain)["Ipv6CidrBlockAssociationSet"] == []


def test_groups_of_a_dual_stack_vpc_reach_out_over_both_families(ec2):
    vpc, _ = dual_stack_vpc(ec2)
    assert egress_peers(ec2, default_sg(ec2, vpc)["GroupId"]) == ["0.0.0.0/0", "::/0"]
    assert egress_peers(ec2, new_sg(ec2, vpc, "web")) == ["0.0.0.0/0", "::/0"]
    plain = new_vpc(ec2, "10.1.0.0/16")
    assert egress_peers(ec2, new_sg(ec2, plain, "web")) == ["0.0.0.0/0"]


def test_associate_and_disassociate_a_vpc_block(ec2):
    vpc = new_vpc(ec2)
    made = ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    assert made["VpcId"] == vpc
    assoc = made["Ipv6CidrBlockAssociation"]
    assert assoc["Ipv6CidrBlockState"]["State"] == "associating"
    [seen] = vpc_of(ec2, vpc)["Ipv6CidrBlockAssociationSet"]
    assert seen["AssociationId"] == assoc["AssociationId"] and seen["Ipv6CidrBlockState"]["State"] == "associated"
    # An untouched default group gains IPv6 egress.
    assert egress_peers(ec2, default_sg(ec2, vpc)["GroupId"]) == ["0.0.0.0/0", "::/0"]

    with aws_error("CidrLimitExceeded"):
        ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)

    ended = ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    assert ended["VpcId"] == vpc
    assert ended["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    assert vpc_of(ec2, vpc).get("Ipv6CidrBlockAssociationSet", []) == []
    with aws_error("InvalidVpcCidrBlockAssociationID.NotFound"):
        ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])


def test_the_primary_ipv4_block_cannot_be_disassociated(ec2):
    vpc = new_vpc(ec2)
    primary = vpc_of(ec2, vpc)["CidrBlockAssociationSet"][0]["AssociationId"]
    with aws_error("OperationNotPermitted"):
        ec2.disassociate_vpc_cidr_block(AssociationId=primary)


def test_a_changed_default_group_gets_no_ipv6_egress(ec2):
    vpc = new_vpc(ec2)
    group = default_sg(ec2, vpc)["GroupId"]
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    assert "::/0" not in egress_peers(ec2, group)


def test_subnet_blocks(ec2):
    vpc, block = dual_stack_vpc(ec2)
    first = nth_64(block, 1)
    s = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=first)["Subnet"]
    [assoc] = s["Ipv6CidrBlockAssociationSet"]
    assert assoc["Ipv6CidrBlock"] == first and assoc["AssociationId"].startswith("subnet-cidr-assoc-")
    assert subnet_of(ec2, s["SubnetId"])["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"]["State"] == "associated"

    with aws_error("InvalidSubnet.Conflict"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=first)
    with aws_error("InvalidParameterValue"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=f"{block.network_address}/60")
    with aws_error("InvalidSubnet.Range"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock="2001:db8::/64")
    plain = new_vpc(ec2, "10.1.0.0/16")
    with aws_error("InvalidSubnet.Range"):
        ec2.create_subnet(VpcId=plain, CidrBlock="10.1.1.0/24", Ipv6CidrBlock=first)

    # A block in use keeps the VPC's block; the subnet's own block comes and goes.
    vpc_assoc = vpc_of(ec2, vpc)["Ipv6CidrBlockAssociationSet"][0]["AssociationId"]
    with aws_error("InvalidCidrBlock.InUse"):
        ec2.disassociate_vpc_cidr_block(AssociationId=vpc_assoc)
    ended = ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert ended["SubnetId"] == s["SubnetId"]
    assert ended["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    assert subnet_of(ec2, s["SubnetId"])["Ipv6CidrBlockAssociationSet"] == []
    with aws_error("InvalidSubnetCidrBlockAssociationID.NotFound"):
        ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])

    second = nth_64(block, 2)
    made = ec2.associate_subnet_cidr_block(SubnetId=s["SubnetId"], Ipv6CidrBlock=second)
    assert made["SubnetId"] == s["SubnetId"] and made["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == second
    with aws_error("InvalidParameterValue"):
        ec2.associate_subnet_cidr_block(SubnetId=s["SubnetId"], Ipv6CidrBlock=nth_64(block, 3))
    ec2.modify_subnet_attribute(SubnetId=s["SubnetId"], AssignIpv6AddressOnCreation={"Value": True})
    with aws_error("InvalidCidrBlock.InUse"):
        ec2.disassociate_subnet_cidr_block(AssociationId=made["Ipv6CidrBlockAssociation"]["AssociationId"])


def test_ipv6_filters(ec2):
    vpc, block = dual_stack_vpc(ec2)
    new_vpc(ec2, "10.1.0.0/16")
    assoc = vpc_of(ec2, vpc)["Ipv6CidrBlockAssociationSet"][0]["AssociationId"]
    for name, value in [("ipv6-cidr-block-association.ipv6-cidr-block", str(block)),
                        ("ipv6-cidr-block-association.association-id", assoc),
                        ("ipv6-cidr-block-association.ipv6-pool", "Amazon"),
                        ("ipv6-cidr-block-association.state", "associated")]:
        found = ec2.describe_vpcs(Filters=[{"Name": name, "Values": [value]}])["Vpcs"]
        assert [v["VpcId"] for v in found] == [vpc], name
    s = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=nth_64(block, 0))["Subnet"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")
    subnet_assoc = s["Ipv6CidrBlockAssociationSet"][0]["AssociationId"]
    for name, value in [("ipv6-cidr-block-association.ipv6-cidr-block", nth_64(block, 0)),
                        ("ipv6-cidr-block-association.association-id", subnet_assoc),
                        ("ipv6-cidr-block-association.state", "associated")]:
        found = ec2.describe_subnets(Filters=[{"Name": name, "Values": [value]}])["Subnets"]
        assert [x["SubnetId"] for x in found] == [s["SubnetId"]], name


def test_only_the_owner_changes_blocks_and_participants_see_them(aws, world):  # noqa: F811
    eo, ep = world["eo"], world["ep"]
    made = eo.associate_vpc_cidr_block(VpcId=world["vpc"], AmazonProvidedIpv6CidrBlock=True)
    block = ipaddress.IPv6Network(made["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"])
    # The participant sees the VPC through its shared subnet, but may not change it.
    with aws_error("UnauthorizedOperation", 403):
        ep.associate_vpc_cidr_block(VpcId=world["vpc"], AmazonProvidedIpv6CidrBlock=True)
    with aws_error("UnauthorizedOperation", 403):
        ep.disassociate_vpc_cidr_block(AssociationId=made["Ipv6CidrBlockAssociation"]["AssociationId"])
    with aws_error("UnauthorizedOperation", 403):
        ep.associate_subnet_cidr_block(SubnetId=world["subnet"], Ipv6CidrBlock=nth_64(block, 0))

    subnet_block = eo.associate_subnet_cidr_block(SubnetId=world["subnet"], Ipv6CidrBlock=nth_64(block, 0))
    [seen] = ep.describe_subnets(SubnetIds=[world["subnet"]])["Subnets"]
    assert seen["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == nth_64(block, 0)
    with aws_error("UnauthorizedOperation", 403):
        ep.disassociate_subnet_cidr_block(AssociationId=subnet_block["Ipv6CidrBlockAssociation"]["AssociationId"])
    # An outsider learns nothing: for it the association does not exist.
    with aws_error("InvalidVpcCidrBlockAssociationID.NotFound"):
        aws("ec2", "999999999999").disassociate_vpc_cidr_block(
            AssociationId=made["Ipv6CidrBlockAssociation"]["AssociationId"])


def test_ipv6_from_pools_of_your_own_is_not_implemented(ec2):
    with aws_error("NotImplemented", 501):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6CidrBlock="2001:db8::/56", Ipv6Pool="ipv6pool-ec2-0123456789abcdef0")


def test_unknown_border_group_is_refused(ec2):
    with aws_error("InvalidParameterValue"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                       Ipv6CidrBlockNetworkBorderGroup="eu-west-1")


def dual_stack_subnet(ec2):
    vpc, block = dual_stack_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=nth_64(block, 0))["Subnet"]
    return subnet["SubnetId"], ipaddress.IPv6Network(nth_64(block, 0))


def ipv6_of(eni):
    return [a["Ipv6Address"] for a in eni["Ipv6Addresses"]]


def test_interfaces_take_ipv6_addresses_from_their_subnet(ec2):
    subnet, block = dual_stack_subnet(ec2)
    plain = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    assert plain["Ipv6Addresses"] == []

    two = ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=2)["NetworkInterface"]
    got = ipv6_of(two)
    assert len(got) == 2 and len(set(got)) == 2
    assert all(ipaddress.IPv6Address(a) in block for a in got)
    assert all(a["IsPrimaryIpv6"] is False for a in two["Ipv6Addresses"])

    chosen = str(block.network_address + 0x10)
    exact = ec2.create_network_interface(SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": chosen}])["NetworkInterface"]
    assert ipv6_of(exact) == [chosen]
    with aws_error("InvalidIPAddress.InUse"):
        ec2.create_network_interface(SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": chosen}])
    with aws_error("InvalidParameterValue"):
        ec2.create_network_interface(SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": "2001:db8::1"}])
    for reserved in (block.network_address + 3, block.broadcast_address):  # AWS keeps these
        with aws_error("InvalidParameterValue"):
            ec2.create_network_interface(SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": str(reserved)}])
    with aws_error("InvalidParameterCombination"):
        ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=1,
                                     Ipv6Addresses=[{"Ipv6Address": str(block.network_address + 0x11)}])

    found = ec2.describe_network_interfaces(Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [chosen]}])
    assert [e["NetworkInterfaceId"] for e in found["NetworkInterfaces"]] == [exact["NetworkInterfaceId"]]


def test_a_subnet_without_a_block_gives_no_ipv6(ec2):
    vpc = new_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    with aws_error("InvalidParameterValue"):
        ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=1)


def test_assign_on_creation_gives_each_new_interface_one_address(ec2):
    subnet, block = dual_stack_subnet(ec2)
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    assert len(ipv6_of(eni)) == 1 and ipaddress.IPv6Address(ipv6_of(eni)[0]) in block
    none = ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=0)["NetworkInterface"]
    assert ipv6_of(none) == []
    [instance] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"]
    [attached] = instance["NetworkInterfaces"]
    assert len(attached["Ipv6Addresses"]) == 1


def test_assign_and_unassign_addresses(ec2):
    subnet, block = dual_stack_subnet(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    made = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=2)
    assert made["NetworkInterfaceId"] == eni and len(made["AssignedIpv6Addresses"]) == 2
    chosen = str(block.network_address + 0x20)
    more = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[chosen])
    assert more["AssignedIpv6Addresses"] == [chosen]
    [now] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    assert sorted(ipv6_of(now)) == sorted(made["AssignedIpv6Addresses"] + [chosen])

    # The subnet's block cannot go while interfaces hold addresses from it.
    [s] = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"]
    with aws_error("InvalidCidrBlock.InUse"):
        ec2.disassociate_subnet_cidr_block(AssociationId=s["Ipv6CidrBlockAssociationSet"][0]["AssociationId"])

    gone = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[chosen])
    assert gone["UnassignedIpv6Addresses"] == [chosen]
    with aws_error("InvalidParameterValue"):
        ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[chosen])
    [now] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    assert sorted(ipv6_of(now)) == sorted(made["AssignedIpv6Addresses"])
    # An address freed by one interface can go to another.
    other = ec2.create_network_interface(SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": chosen}])["NetworkInterface"]
    assert ipv6_of(other) == [chosen]
