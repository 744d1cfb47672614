"""Subnets: create (ranges, conflicts, zones), describe (ids, filters, pagination), delete,
ModifySubnetAttribute and the available-address arithmetic."""

import pytest

from helpers import (
    ACCOUNT_A,
    aws_error,
    collect_pages,
    fake_id,
    ids,
    is_id,
    new_subnet,
    new_vpc,
    tag_spec,
    tags_of,
)


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def vpc(ec2):
    return new_vpc(ec2, "10.0.0.0/16")


def zone_map(ec2):
    return {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}


def subnet(ec2, subnet_id):
    [s] = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    return s


def test_create_subnet_shape(ec2, vpc):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=tag_spec("subnet", Name="a"))["Subnet"]
    assert is_id("subnet", s["SubnetId"])
    assert s["VpcId"] == vpc
    assert s["CidrBlock"] == "10.0.1.0/24"
    assert s["State"] in ("pending", "available")
    assert s["OwnerId"] == ACCOUNT_A
    assert s["SubnetArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:subnet/{s['SubnetId']}"
    assert s["DefaultForAz"] is False
    assert s["MapPublicIpOnLaunch"] is False
    assert s["AvailableIpAddressCount"] == 256 - 5
    zones = zone_map(ec2)
    assert s["AvailabilityZone"] in zones
    assert s["AvailabilityZoneId"] == zones[s["AvailabilityZone"]]
    assert tags_of(s) == {"Name": "a"}
    d = subnet(ec2, s["SubnetId"])
    assert d["State"] == "available"
    assert {k: d[k] for k in ("VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "SubnetArn")} == {
        k: s[k] for k in ("VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "SubnetArn")
    }


@pytest.mark.parametrize("cidr,count", [("10.0.0.0/16", 65536 - 5), ("10.0.8.0/21", 2048 - 5), ("10.0.1.0/24", 251), ("10.0.1.16/28", 11)])
def test_available_ip_address_count(ec2, vpc, cidr, count):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]
    assert s["AvailableIpAddressCount"] == count
    assert subnet(ec2, s["SubnetId"])["AvailableIpAddressCount"] == count


def test_available_ip_address_count_drops_with_each_interface(ec2, vpc):
    sid = new_subnet(ec2, vpc, "10.0.1.0/28")
    enis = [ec2.create_network_interface(SubnetId=sid)["NetworkInterface"]["NetworkInterfaceId"] for _ in range(3)]
    assert subnet(ec2, sid)["AvailableIpAddressCount"] == 16 - 5 - 3
    ec2.delete_network_interface(NetworkInterfaceId=enis[1])
    assert subnet(ec2, sid)["AvailableIpAddressCount"] == 16 - 5 - 2


def test_create_subnet_in_zone_by_name_and_by_id(ec2, vpc):
    zones = zone_map(ec2)
    by_name = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1c")["Subnet"]
    assert by_name["AvailabilityZone"] == "us-east-1c"
    assert by_name["AvailabilityZoneId"] == zones["us-east-1c"]
    zone_id = zones["us-east-1d"]
    by_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZoneId=zone_id)["Subnet"]
    assert by_id["AvailabilityZoneId"] == zone_id
    assert by_id["AvailabilityZone"] == "us-east-1d"


def test_create_subnet_in_unknown_zone(ec2, vpc):
    with aws_error("InvalidParameterValue", message="us-east-1z"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1z")
    # a zone of another Region is just as unknown
    with aws_error("InvalidParameterValue"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2a")


@pytest.mark.parametrize(
    "cidr",
    [
        "10.1.0.0/24",  # outside the VPC
        "10.0.0.0/15",  # larger than the VPC
        "10.0.1.0/29",  # smaller than /28
        "10.0.1.0/30",
        "192.168.0.0/24",
    ],
)
def test_create_subnet_range_errors(ec2, vpc, cidr):
    with aws_error("InvalidSubnet.Range"):
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []


@pytest.mark.parametrize("cidr", ["10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/16", "10.0.0.0/20", "10.0.1.240/28"])
def test_create_subnet_conflicts(ec2, vpc, cidr):
    existing = new_subnet(ec2, vpc, "10.0.1.0/24")
    with aws_error("InvalidSubnet.Conflict", message=cidr):
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)
    assert ids(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"], "SubnetId") == [existing]


def test_adjacent_subnets_do_not_conflict(ec2, vpc):
    new_subnet(ec2, vpc, "10.0.1.0/25")
    new_subnet(ec2, vpc, "10.0.1.128/25")
    new_subnet(ec2, vpc, "10.0.0.240/28")
    assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 3


def test_same_cidr_in_two_vpcs_is_fine(ec2, vpc):
    other = new_vpc(ec2, "10.0.0.0/16")
    a = new_subnet(ec2, vpc, "10.0.1.0/24")
    b = new_subnet(ec2, other, "10.0.1.0/24")
    assert a != b


def test_create_subnet_in_unknown_vpc(ec2):
    with aws_error("InvalidVpcID.NotFound"):
        ec2.create_subnet(VpcId=fake_id("vpc"), CidrBlock="10.0.1.0/24")


def test_describe_subnets_by_id_and_unknown_id(ec2, vpc):
    a = new_subnet(ec2, vpc, "10.0.1.0/24")
    b = new_subnet(ec2, vpc, "10.0.2.0/24")
    assert ids(ec2.describe_subnets(SubnetIds=[a, b])["Subnets"], "SubnetId") == sorted([a, b])
    missing = fake_id("subnet")
    with aws_error("InvalidSubnetID.NotFound", message=missing):
        ec2.describe_subnets(SubnetIds=[a, missing])


def test_describe_subnets_filters(ec2, vpc):
    zones = zone_map(ec2)
    a = new_subnet(ec2, vpc, "10.0.1.0/24", AvailabilityZone="us-east-1a", TagSpecifications=tag_spec("subnet", Name="app-a", tier="app"))
    b = new_subnet(ec2, vpc, "10.0.2.0/24", AvailabilityZone="us-east-1b", TagSpecifications=tag_spec("subnet", Name="app-b", tier="app"))
    c = new_subnet(ec2, vpc, "10.0.3.0/28", AvailabilityZone="us-east-1b", TagSpecifications=tag_spec("subnet", Name="db"))
    ec2.modify_subnet_attribute(SubnetId=c, MapPublicIpOnLaunch={"Value": True})
    arn_c = subnet(ec2, c)["SubnetArn"]

    def find(*filters):
        return ids(ec2.describe_subnets(Filters=[{"Name": n, "Values": v} for n, v in filters])["Subnets"], "SubnetId")

    mine = ("vpc-id", [vpc])
    assert find(mine) == sorted([a, b, c])
    assert find(("subnet-id", [a, c])) == sorted([a, c])
    assert find(mine, ("cidr-block", ["10.0.2.0/24"])) == [b]
    assert find(mine, ("cidr-block", ["10.0.2.0/24", "10.0.3.0/28"])) == sorted([b, c])
    assert find(mine, ("availability-zone", ["us-east-1b"])) == sorted([b, c])
    assert find(mine, ("availability-zone-id", [zones["us-east-1a"]])) == [a]
    assert find(mine, ("tag:tier", ["app"])) == sorted([a, b])
    assert find(mine, ("tag:Name", ["app-*"])) == sorted([a, b])
    assert find(mine, ("tag-key", ["Name"])) == sorted([a, b, c])
    assert find(mine, ("tag-key", ["tier"]), ("availability-zone", ["us-east-1b"])) == [b]
    assert find(mine, ("default-for-az", ["false"])) == sorted([a, b, c])
    assert find(mine, ("default-for-az", ["true"])) == []
    assert find(mine, ("map-public-ip-on-launch", ["true"])) == [c]
    assert find(mine, ("available-ip-address-count", ["11"])) == [c]
    assert find(mine, ("state", ["available"])) == sorted([a, b, c])
    assert find(mine, ("owner-id", [ACCOUNT_A])) == sorted([a, b, c])
    assert find(("subnet-arn", [arn_c])) == [c]
    assert find(mine, ("tag:Name", ["nope"])) == []


def test_describe_subnets_pagination(ec2, vpc):
    created = [new_subnet(ec2, vpc, f"10.0.{i}.0/24") for i in range(7)]
    pages, items = collect_pages(ec2.describe_subnets, "Subnets", 5, Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert len(pages) >= 2
    assert all(len(p) <= 5 for p in pages)
    assert len(pages[0]) == 5
    assert ids(items, "SubnetId") == sorted(created)


def test_delete_subnet(ec2, vpc):
    sid = new_subnet(ec2, vpc, "10.0.1.0/24")
    ec2.delete_subnet(SubnetId=sid)
    with aws_error("InvalidSubnetID.NotFound"):
        ec2.describe_subnets(SubnetIds=[sid])
    with aws_error("InvalidSubnetID.NotFound"):
        ec2.delete_subnet(SubnetId=sid)
    # its range is free again
    new_subnet(ec2, vpc, "10.0.1.0/24")


def test_delete_subnet_with_interface_is_dependency_violation(ec2, vpc):
    sid = new_subnet(ec2, vpc, "10.0.1.0/24")
    eni = ec2.create_network_interface(SubnetId=sid)["NetworkInterface"]["NetworkInterfaceId"]
    with aws_error("DependencyViolation"):
        ec2.delete_subnet(SubnetId=sid)
    assert ids(ec2.describe_subnets(SubnetIds=[sid])["Subnets"], "SubnetId") == [sid]
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_subnet(SubnetId=sid)


def test_modify_subnet_attribute(ec2, vpc):
    sid = new_subnet(ec2, vpc, "10.0.1.0/24")
    ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    assert subnet(ec2, sid)["MapPublicIpOnLaunch"] is True
    ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": False})
    assert subnet(ec2, sid)["MapPublicIpOnLaunch"] is False
    with aws_error("InvalidSubnetID.NotFound"):
        ec2.modify_subnet_attribute(SubnetId=fake_id("subnet"), MapPublicIpOnLaunch={"Value": True})


def test_dry_run_create_subnet(ec2, vpc):
    with aws_error("DryRunOperation", status=412):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", DryRun=True)
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []


def test_every_subnet_attribute(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, PrivateDnsHostnameTypeOnLaunch="resource-name")
    ec2.modify_subnet_attribute(SubnetId=subnet, EnableResourceNameDnsARecordOnLaunch={"Value": True})
    with aws_error("InvalidParameterValue"):  # no IPv6 block on the subnet yet
        ec2.modify_subnet_attribute(SubnetId=subnet, EnableResourceNameDnsAAAARecordOnLaunch={"Value": True})
    with aws_error("InvalidParameterValue"):
        ec2.modify_subnet_attribute(SubnetId=subnet, PrivateDnsHostnameTypeOnLaunch="fancy-name")
    with aws_error("InvalidParameterValue"):  # no Outposts here
        ec2.modify_subnet_attribute(SubnetId=subnet, MapCustomerOwnedIpOnLaunch={"Value": True})
    with aws_error("InvalidParameterCombination"):
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True}, EnableDns64={"Value": True})
    [s] = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"]
    assert s["PrivateDnsNameOptionsOnLaunch"] == {"HostnameType": "resource-name", "EnableResourceNameDnsARecord": True,
                                                  "EnableResourceNameDnsAAAARecord": False}


def test_ipv6_only_subnets(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    first = block.replace("::/56", "::/64")
    with aws_error("InvalidParameterCombination"):
        ec2.create_subnet(VpcId=vpc, Ipv6Native=True, CidrBlock="10.40.1.0/24", Ipv6CidrBlock=first)
    with aws_error("InvalidParameterCombination"):
        ec2.create_subnet(VpcId=vpc, Ipv6Native=True)
    s = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=first)["Subnet"]
    assert s["Ipv6Native"] is True and "CidrBlock" not in s and s["AvailableIpAddressCount"] == 0
    assert s["AssignIpv6AddressOnCreation"] is True and s["EnableDns64"] is True
    assert s["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
    sid = s["SubnetId"]
    found = ec2.describe_subnets(Filters=[{"Name": "ipv6-native", "Values": ["true"]}])["Subnets"]
    assert [x["SubnetId"] for x in found] == [sid]
    assert [x["SubnetId"] for x in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "enable-dns64", "Values": ["true"]}])["Subnets"]] == [sid]
    # What an IPv6-only subnet cannot be given.
    with aws_error("InvalidParameterValue"):
        ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    with aws_error("InvalidParameterValue"):
        ec2.modify_subnet_attribute(SubnetId=sid, AssignIpv6AddressOnCreation={"Value": False})
    with aws_error("InvalidParameterValue"):
        ec2.modify_subnet_attribute(SubnetId=sid, PrivateDnsHostnameTypeOnLaunch="ip-name")
    ec2.modify_subnet_attribute(SubnetId=sid, EnableResourceNameDnsAAAARecordOnLaunch={"Value": True})
    with aws_error("InvalidParameterValue"):
        ec2.disassociate_subnet_cidr_block(AssociationId=s["Ipv6CidrBlockAssociationSet"][0]["AssociationId"])
    # Interfaces with IPv6 addresses only are not modelled: refused, never half made.
    with aws_error("InvalidParameterCombination"):
        ec2.create_network_interface(SubnetId=sid)
    # A dual-stack subnet beside it still works, and the IPv6-only one deletes cleanly.
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]
    assert dual["Ipv6Native"] is False and dual["CidrBlock"] == "10.40.1.0/24"
    ec2.delete_subnet(SubnetId=sid)
