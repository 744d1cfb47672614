"""Network interfaces: create (address allocation, groups, limits), describe (ids, filters),
ModifyNetworkInterfaceAttribute and delete."""

import re

import pytest

from helpers import (
    ACCOUNT_A,
    aws_error,
    collect_pages,
    default_sg,
    fake_id,
    ids,
    in_cidr,
    is_id,
    new_sg,
    new_subnet,
    new_vpc,
    tag_spec,
    tags_of,
)


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def net(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24", AvailabilityZone="us-east-1b")
    return vpc, subnet


def eni(ec2, eni_id):
    [e] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    return e


def create(ec2, subnet, **kwargs):
    return ec2.create_network_interface(SubnetId=subnet, **kwargs)["NetworkInterface"]


def group_ids(e):
    return sorted(g["GroupId"] for g in e["Groups"])


def test_create_network_interface_shape(ec2, net):
    vpc, subnet = net
    zones = {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    e = create(ec2, subnet, Description="primary", TagSpecifications=tag_spec("network-interface", Name="eni-a"))
    assert is_id("eni", e["NetworkInterfaceId"])
    assert e["SubnetId"] == subnet and e["VpcId"] == vpc
    assert e["AvailabilityZone"] == "us-east-1b"
    assert e["AvailabilityZoneId"] == zones["us-east-1b"]
    assert e["OwnerId"] == ACCOUNT_A
    assert e["Description"] == "primary"
    assert e["Status"] == "available"
    assert e["InterfaceType"] == "interface"
    assert e["RequesterManaged"] is False
    assert e["SourceDestCheck"] is True
    assert re.fullmatch(r"02(:[0-9a-f]{2}){5}", e["MacAddress"])
    assert e["PrivateIpAddress"] == "10.0.1.4"
    assert e["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    assert e["PrivateIpAddresses"] == [{"Primary": True, "PrivateIpAddress": "10.0.1.4", "PrivateDnsName": "ip-10-0-1-4.ec2.internal"}]
    assert tags_of({"Tags": e["TagSet"]}) == {"Name": "eni-a"}
    # without explicit groups the VPC's default group is used
    assert e["Groups"] == [{"GroupId": default_sg(ec2, vpc)["GroupId"], "GroupName": "default"}]
    d = eni(ec2, e["NetworkInterfaceId"])
    assert {k: d[k] for k in ("SubnetId", "VpcId", "PrivateIpAddress", "MacAddress", "Status", "Groups")} == {
        k: e[k] for k in ("SubnetId", "VpcId", "PrivateIpAddress", "MacAddress", "Status", "Groups")
    }


def test_private_dns_name_outside_us_east_1(aws):
    ec2 = aws("ec2", region="eu-west-1")
    vpc = new_vpc(ec2, "10.20.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.20.5.0/24")
    e = create(ec2, subnet)
    assert e["PrivateIpAddress"] == "10.20.5.4"
    assert e["PrivateDnsName"] == "ip-10-20-5-4.eu-west-1.compute.internal"
    assert e["AvailabilityZone"].startswith("eu-west-1")


def test_addresses_are_allocated_from_dot_four_upward(ec2, net):
    _, subnet = net
    made = [create(ec2, subnet) for _ in range(3)]
    assert [e["PrivateIpAddress"] for e in made] == ["10.0.1.4", "10.0.1.5", "10.0.1.6"]
    ec2.delete_network_interface(NetworkInterfaceId=made[1]["NetworkInterfaceId"])
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.1.5"  # first free one
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.1.7"


def test_explicit_private_address(ec2, net):
    _, subnet = net
    e = create(ec2, subnet, PrivateIpAddress="10.0.1.100")
    assert e["PrivateIpAddress"] == "10.0.1.100"
    with aws_error("InvalidIPAddress.InUse"):
        create(ec2, subnet, PrivateIpAddress="10.0.1.100")
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.1.4"


@pytest.mark.parametrize("ip", ["10.0.2.9", "10.0.1.0", "10.0.1.1", "10.0.1.3", "10.0.1.255"])
def test_explicit_address_outside_usable_range(ec2, net, ip):
    _, subnet = net
    with aws_error("InvalidParameterValue"):
        create(ec2, subnet, PrivateIpAddress=ip)


def test_create_with_groups(ec2, net):
    vpc, subnet = net
    a, b = new_sg(ec2, vpc, "a"), new_sg(ec2, vpc, "b")
    e = create(ec2, subnet, Groups=[a, b])
    assert sorted((g["GroupId"], g["GroupName"]) for g in e["Groups"]) == sorted([(a, "a"), (b, "b")])
    assert group_ids(eni(ec2, e["NetworkInterfaceId"])) == sorted([a, b])


def test_group_from_another_vpc(ec2, net):
    _, subnet = net
    elsewhere = new_sg(ec2, new_vpc(ec2, "10.1.0.0/16"), "elsewhere")
    with aws_error("InvalidParameter", message="belong to different networks"):
        create(ec2, subnet, Groups=[elsewhere])
    assert ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"] == []


def test_five_groups_fit_six_do_not(ec2, net):
    vpc, subnet = net
    groups = [new_sg(ec2, vpc, f"g{i}") for i in range(6)]
    e = create(ec2, subnet, Groups=groups[:5])
    assert len(e["Groups"]) == 5
    with aws_error("SecurityGroupsPerInterfaceLimitExceeded"):
        create(ec2, subnet, Groups=groups)


def test_create_with_unknown_group_or_subnet(ec2, net):
    _, subnet = net
    with aws_error("InvalidGroup.NotFound"):
        create(ec2, subnet, Groups=[fake_id("sg")])
    with aws_error("InvalidSubnetID.NotFound"):
        create(ec2, fake_id("subnet"))


# ------------------------------------------------------------------ describe


def test_describe_unknown_interface(ec2, net):
    _, subnet = net
    real = create(ec2, subnet)["NetworkInterfaceId"]
    missing = fake_id("eni")
    with aws_error("InvalidNetworkInterfaceID.NotFound", message=missing):
        ec2.describe_network_interfaces(NetworkInterfaceIds=[real, missing])


def test_describe_filters(ec2, net):
    vpc, subnet = net
    subnet2 = new_subnet(ec2, vpc, "10.0.2.0/24")
    other_vpc = new_vpc(ec2, "10.1.0.0/16")
    other_subnet = new_subnet(ec2, other_vpc, "10.1.1.0/24")
    web, db = new_sg(ec2, vpc, "web"), new_sg(ec2, vpc, "db")
    a = create(ec2, subnet, Groups=[web], Description="web server", TagSpecifications=tag_spec("network-interface", role="web"))
    b = create(ec2, subnet2, Groups=[web, db], Description="db server", TagSpecifications=tag_spec("network-interface", role="db"))
    c = create(ec2, other_subnet, Description="elsewhere")
    A, B, C = (x["NetworkInterfaceId"] for x in (a, b, c))

    def find(*filters):
        out = ec2.describe_network_interfaces(Filters=[{"Name": n, "Values": v} for n, v in filters])["NetworkInterfaces"]
        return ids(out, "NetworkInterfaceId")

    assert find(("vpc-id", [vpc])) == sorted([A, B])
    assert find(("subnet-id", [subnet2, other_subnet])) == sorted([B, C])
    assert find(("group-id", [web])) == sorted([A, B])
    assert find(("group-id", [db])) == [B]
    assert find(("group-name", ["db"])) == [B]
    assert find(("network-interface-id", [A, C])) == sorted([A, C])
    assert find(("description", ["web server"])) == [A]
    assert find(("description", ["* server"])) == sorted([A, B])
    assert find(("private-ip-address", [b["PrivateIpAddress"]]), ("vpc-id", [vpc])) == [B]
    assert find(("addresses.private-ip-address", [c["PrivateIpAddress"]]), ("vpc-id", [other_vpc])) == [C]
    assert find(("status", ["available"])) == sorted([A, B, C])
    assert find(("status", ["in-use"])) == []
    assert find(("owner-id", [ACCOUNT_A])) == sorted([A, B, C])
    assert find(("interface-type", ["interface"])) == sorted([A, B, C])
    assert find(("requester-managed", ["false"])) == sorted([A, B, C])
    assert find(("availability-zone", [a["AvailabilityZone"]]), ("vpc-id", [vpc])) == sorted(
        x for x, z in ((A, a["AvailabilityZone"]), (B, b["AvailabilityZone"])) if z == a["AvailabilityZone"])
    assert find(("tag:role", ["db"])) == [B]
    assert find(("tag-key", ["role"])) == sorted([A, B])
    assert find(("vpc-id", [vpc]), ("group-id", [db]), ("tag:role", ["web"])) == []


def test_describe_pagination(ec2, net):
    _, subnet = net
    made = [create(ec2, subnet)["NetworkInterfaceId"] for _ in range(7)]
    pages, items = collect_pages(ec2.describe_network_interfaces, "NetworkInterfaces", 5)
    assert len(pages) >= 2 and all(len(p) <= 5 for p in pages)
    assert ids(items, "NetworkInterfaceId") == sorted(made)


# ------------------------------------------------------------------ modify


def test_modify_groups_replaces_the_set(ec2, net):
    vpc, subnet = net
    a, b, c = (new_sg(ec2, vpc, n) for n in "abc")
    e = create(ec2, subnet, Groups=[a, b])["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Groups=[c])
    assert group_ids(eni(ec2, e)) == [c]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Groups=[a, c])
    assert group_ids(eni(ec2, e)) == sorted([a, c])
    # b is free now, a is not
    ec2.delete_security_group(GroupId=b)
    with aws_error("DependencyViolation"):
        ec2.delete_security_group(GroupId=a)


def test_modify_groups_checks(ec2, net):
    vpc, subnet = net
    e = create(ec2, subnet)["NetworkInterfaceId"]
    before = group_ids(eni(ec2, e))
    elsewhere = new_sg(ec2, new_vpc(ec2, "10.1.0.0/16"), "elsewhere")
    with aws_error("InvalidParameter", message="belong to different networks"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Groups=[elsewhere])
    six = [new_sg(ec2, vpc, f"g{i}") for i in range(6)]
    with aws_error("SecurityGroupsPerInterfaceLimitExceeded"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Groups=six)
    with aws_error("InvalidGroup.NotFound"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Groups=[fake_id("sg")])
    assert group_ids(eni(ec2, e)) == before


def test_modify_description_and_source_dest_check(ec2, net):
    _, subnet = net
    e = create(ec2, subnet, Description="before")["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=e, Description={"Value": "after"})
    assert eni(ec2, e)["Description"] == "after"
    ec2.modify_network_interface_attribute(NetworkInterfaceId=e, SourceDestCheck={"Value": False})
    d = eni(ec2, e)
    assert d["SourceDestCheck"] is False
    assert d["Description"] == "after"
    attr = ec2.describe_network_interface_attribute(NetworkInterfaceId=e, Attribute="sourceDestCheck")
    assert attr["SourceDestCheck"]["Value"] is False


def test_modify_unknown_interface(ec2):
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=fake_id("eni"), Description={"Value": "x"})


# ------------------------------------------------------------------ delete


def test_delete_network_interface(ec2, net):
    _, subnet = net
    e = create(ec2, subnet)["NetworkInterfaceId"]
    ec2.delete_network_interface(NetworkInterfaceId=e)
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        ec2.describe_network_interfaces(NetworkInterfaceIds=[e])
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        ec2.delete_network_interface(NetworkInterfaceId=e)


def test_dry_run_create_interface(ec2, net):
    _, subnet = net
    with aws_error("DryRunOperation", status=412):
        create(ec2, subnet, DryRun=True)
    assert ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"] == []
    assert in_cidr(create(ec2, subnet)["PrivateIpAddress"], "10.0.1.0/24")


# ------------------------------------------------------------------ secondary private addresses


def _addresses(eni):
    return [(a["PrivateIpAddress"], a["Primary"]) for a in eni["PrivateIpAddresses"]]


def test_secondary_address_count_allocates_in_order_and_frees_on_delete(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    eni = ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=2)["NetworkInterface"]
    assert _addresses(eni) == [("10.0.1.4", True), ("10.0.1.5", False), ("10.0.1.6", False)]
    assert eni["PrivateIpAddress"] == "10.0.1.4"
    count = lambda: ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]  # noqa: E731
    assert count() == 251 - 3
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert count() == 251


def test_explicit_primary_and_secondary_addresses(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    eni = ec2.create_network_interface(
        SubnetId=subnet,
        PrivateIpAddresses=[
            {"PrivateIpAddress": "10.0.1.50", "Primary": True},
            {"PrivateIpAddress": "10.0.1.51", "Primary": False},
        ],
    )["NetworkInterface"]
    assert _addresses(eni) == [("10.0.1.50", True), ("10.0.1.51", False)]
    found = ec2.describe_network_interfaces(
        Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.1.51"]}]
    )["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni["NetworkInterfaceId"]]
    none = ec2.describe_network_interfaces(
        Filters=[{"Name": "private-ip-address", "Values": ["10.0.1.51"]}]
    )["NetworkInterfaces"]
    assert none == []
    with aws_error("InvalidIPAddress.InUse"):
        ec2.create_network_interface(
            SubnetId=subnet, PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.51", "Primary": True}]
        )
    # A refused create takes nothing: .52 is still free for the next one.
    with aws_error("InvalidIPAddress.InUse"):
        ec2.create_network_interface(
            SubnetId=subnet,
            PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.52", "Primary": True}, {"PrivateIpAddress": "10.0.1.50"}],
        )
    again = ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.1.52")["NetworkInterface"]
    assert again["PrivateIpAddress"] == "10.0.1.52"


def secondaries(ec2, eni_id):
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    return sorted(a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"] if not a["Primary"])


def test_assign_and_unassign_secondary_addresses(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    primary = eni["PrivateIpAddress"]
    eni_id = eni["NetworkInterfaceId"]

    made = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, SecondaryPrivateIpAddressCount=2)
    picked = sorted(a["PrivateIpAddress"] for a in made["AssignedPrivateIpAddresses"])
    assert made["NetworkInterfaceId"] == eni_id and len(picked) == 2 and primary not in picked
    exact = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.200"])
    assert [a["PrivateIpAddress"] for a in exact["AssignedPrivateIpAddresses"]] == ["10.0.1.200"]
    assert secondaries(ec2, eni_id) == sorted(picked + ["10.0.1.200"])

    other = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    with aws_error("InvalidIPAddress.InUse"):
        ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.200"])
    with aws_error("InvalidParameterValue"):
        ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.2.5"])

    ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.200"])
    assert secondaries(ec2, eni_id) == picked
    with aws_error("InvalidParameterValue"):
        ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=[primary])
    # The freed address is free for anyone in the subnet again.
    again = ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.200"])
    assert [a["PrivateIpAddress"] for a in again["AssignedPrivateIpAddresses"]] == ["10.0.1.200"]
    [s] = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"]
    assert s["AvailableIpAddressCount"] == 251 - 2 - 2 - 1


def test_another_account_cannot_change_an_interfaces_addresses(aws, ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    eni = ec2.create_network_interface(SubnetId=new_subnet(ec2, vpc, "10.0.1.0/24"))["NetworkInterface"]
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        aws("ec2", "222222222222").assign_private_ip_addresses(
            NetworkInterfaceId=eni["NetworkInterfaceId"], SecondaryPrivateIpAddressCount=1)


def test_the_first_listed_address_is_primary_when_none_is_marked(ec2, net):
    _, subnet = net
    eni = ec2.create_network_interface(SubnetId=subnet, PrivateIpAddresses=[
        {"PrivateIpAddress": "10.0.1.20"}, {"PrivateIpAddress": "10.0.1.21"}])["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.0.1.20"
    assert [(a["PrivateIpAddress"], a["Primary"]) for a in eni["PrivateIpAddresses"]] == [
        ("10.0.1.20", True), ("10.0.1.21", False)]
