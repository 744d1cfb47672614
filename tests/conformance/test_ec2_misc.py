"""Zones, Regions, the main route table and default network ACL of each VPC, tags
(CreateTags / DeleteTags / DescribeTags / TagSpecifications) and DryRun across operations."""

import re

import pytest

from helpers import (
    aws_error,
    collect_pages,
    default_sg,
    fake_id,
    ids,
    is_id,
    new_sg,
    new_subnet,
    new_vpc,
    tag_spec,
    tags_of,
    tcp,
)


@pytest.fixture
def ec2(aws):
    return aws("ec2")


# ------------------------------------------------------------------ zones and Regions


def test_describe_availability_zones(ec2):
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert len(zones) >= 3
    names = [z["ZoneName"] for z in zones]
    assert len(set(names)) == len(names)
    assert len({z["ZoneId"] for z in zones}) == len(zones)
    for z in zones:
        assert re.fullmatch(r"us-east-1[a-z]", z["ZoneName"])
        assert re.fullmatch(r"use1-az\d+", z["ZoneId"])
        assert z["RegionName"] == "us-east-1"
        assert z["State"] == "available"
        assert z["ZoneType"] == "availability-zone"
    assert "us-east-1a" in names
    [c] = ec2.describe_availability_zones(ZoneNames=["us-east-1c"])["AvailabilityZones"]
    assert c["ZoneName"] == "us-east-1c"
    by_filter = ec2.describe_availability_zones(Filters=[{"Name": "zone-id", "Values": [c["ZoneId"]]}])["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_filter] == ["us-east-1c"]


def test_zones_follow_the_region_of_the_request(aws):
    zones = aws("ec2", region="eu-west-1").describe_availability_zones()["AvailabilityZones"]
    assert zones and all(z["ZoneName"].startswith("eu-west-1") and z["RegionName"] == "eu-west-1" for z in zones)
    assert all(re.fullmatch(r"euw1-az\d+", z["ZoneId"]) for z in zones)


def test_unknown_zone(ec2):
    with aws_error("InvalidParameterValue"):
        ec2.describe_availability_zones(ZoneNames=["us-east-1z"])


def test_describe_regions(ec2):
    regions = {r["RegionName"]: r for r in ec2.describe_regions()["Regions"]}
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= set(regions)
    assert regions["us-west-2"]["Endpoint"] == "ec2.us-west-2.amazonaws.com"
    assert regions["us-east-1"]["OptInStatus"] in ("opt-in-not-required", "opted-in")
    [one] = ec2.describe_regions(RegionNames=["eu-west-1"])["Regions"]
    assert one["RegionName"] == "eu-west-1"
    filtered = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["us-*"]}])["Regions"]
    assert {r["RegionName"] for r in filtered} >= {"us-east-1", "us-west-2"}
    assert all(r["RegionName"].startswith("us-") for r in filtered)


# ------------------------------------------------------------------ route tables and ACLs


def test_main_route_table_of_each_vpc(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    assert len(tables) == 1
    [rt] = tables
    assert is_id("rtb", rt["RouteTableId"])
    assert rt["VpcId"] == vpc
    [assoc] = rt["Associations"]
    assert assoc["Main"] is True and assoc["RouteTableId"] == rt["RouteTableId"]
    local = [r for r in rt["Routes"] if r.get("GatewayId") == "local"]
    assert [r["DestinationCidrBlock"] for r in local] == ["10.0.0.0/16"]
    assert local[0]["State"] == "active"
    assert ids(ec2.describe_route_tables(RouteTableIds=[rt["RouteTableId"]])["RouteTables"], "RouteTableId") == [rt["RouteTableId"]]
    other = new_vpc(ec2, "10.1.0.0/16")
    [rt2] = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [other]}])["RouteTables"]
    assert rt2["RouteTableId"] != rt["RouteTableId"]


def test_default_network_acl_of_each_vpc(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    [acl] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    assert is_id("acl", acl["NetworkAclId"])
    assert acl["IsDefault"] is True and acl["VpcId"] == vpc
    entries = {(e["Egress"], e["RuleNumber"]): e for e in acl["Entries"]}
    for egress in (False, True):
        allow, deny = entries[(egress, 100)], entries[(egress, 32767)]
        assert (allow["RuleAction"], allow["Protocol"], allow["CidrBlock"]) == ("allow", "-1", "0.0.0.0/0")
        assert (deny["RuleAction"], deny["Protocol"], deny["CidrBlock"]) == ("deny", "-1", "0.0.0.0/0")


def test_route_table_and_acl_go_with_the_vpc(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"] == []
    assert ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"] == []


# ------------------------------------------------------------------ tags


@pytest.fixture
def tagged(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    group = new_sg(ec2, vpc, "app")
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.create_tags(Resources=[vpc, subnet, group, eni], Tags=[{"Key": "env", "Value": "prod"}])
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "main"}])
    return {"vpc": vpc, "subnet": subnet, "security-group": group, "network-interface": eni}


def tag_rows(ec2, *filters):
    out = ec2.describe_tags(Filters=[{"Name": n, "Values": v} for n, v in filters])["Tags"]
    return sorted((t["ResourceId"], t["ResourceType"], t["Key"], t["Value"]) for t in out)


def test_create_tags_and_describe_tags(ec2, tagged):
    everything = tag_rows(ec2)
    expected = sorted([(rid, rtype, "env", "prod") for rtype, rid in tagged.items()] + [(tagged["vpc"], "vpc", "Name", "main")])
    assert everything == expected
    assert tag_rows(ec2, ("resource-id", [tagged["vpc"]])) == sorted([(tagged["vpc"], "vpc", "Name", "main"), (tagged["vpc"], "vpc", "env", "prod")])
    assert tag_rows(ec2, ("resource-type", ["security-group"])) == [(tagged["security-group"], "security-group", "env", "prod")]
    assert tag_rows(ec2, ("resource-type", ["network-interface"])) == [(tagged["network-interface"], "network-interface", "env", "prod")]
    assert tag_rows(ec2, ("key", ["Name"])) == [(tagged["vpc"], "vpc", "Name", "main")]
    assert tag_rows(ec2, ("value", ["ma*"])) == [(tagged["vpc"], "vpc", "Name", "main")]
    assert len(tag_rows(ec2, ("key", ["env"]), ("resource-type", ["vpc", "subnet"]))) == 2
    # tags show up on the resources themselves
    assert tags_of(ec2.describe_vpcs(VpcIds=[tagged["vpc"]])["Vpcs"][0]) == {"env": "prod", "Name": "main"}
    assert tags_of(ec2.describe_subnets(SubnetIds=[tagged["subnet"]])["Subnets"][0]) == {"env": "prod"}
    assert tags_of(ec2.describe_security_groups(GroupIds=[tagged["security-group"]])["SecurityGroups"][0]) == {"env": "prod"}
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[tagged["network-interface"]])["NetworkInterfaces"][0]
    assert tags_of({"Tags": eni["TagSet"]}) == {"env": "prod"}


def test_create_tags_overwrites_value(ec2, tagged):
    ec2.create_tags(Resources=[tagged["vpc"]], Tags=[{"Key": "env", "Value": "dev"}])
    assert tags_of(ec2.describe_vpcs(VpcIds=[tagged["vpc"]])["Vpcs"][0]) == {"env": "dev", "Name": "main"}


def test_delete_tags(ec2, tagged):
    vpc = tagged["vpc"]
    # key + wrong value: nothing happens
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "env", "Value": "dev"}])
    assert tags_of(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]) == {"env": "prod", "Name": "main"}
    # key without value: deleted whatever the value
    ec2.delete_tags(Resources=[vpc, tagged["subnet"]], Tags=[{"Key": "env"}])
    assert tags_of(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]) == {"Name": "main"}
    assert tags_of(ec2.describe_subnets(SubnetIds=[tagged["subnet"]])["Subnets"][0]) == {}
    # key + right value
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "main"}])
    assert tags_of(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]) == {}
    # no tags at all: every tag of the resource goes
    ec2.delete_tags(Resources=[tagged["security-group"]])
    assert tag_rows(ec2, ("resource-id", [tagged["security-group"]])) == []
    assert tag_rows(ec2, ("resource-id", [tagged["network-interface"]])) == [(tagged["network-interface"], "network-interface", "env", "prod")]


def test_describe_tags_pagination(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(12)])
    pages, items = collect_pages(ec2.describe_tags, "Tags", 5, Filters=[{"Name": "resource-id", "Values": [vpc]}])
    assert len(pages) >= 3 and all(len(p) <= 5 for p in pages)
    assert sorted(t["Key"] for t in items) == sorted(f"k{i}" for i in range(12))


def test_tag_unknown_resource(ec2):
    with aws_error("InvalidVpcID.NotFound"):
        ec2.create_tags(Resources=[fake_id("vpc")], Tags=[{"Key": "a", "Value": "b"}])
    with aws_error("InvalidGroup.NotFound"):
        ec2.create_tags(Resources=[fake_id("sg")], Tags=[{"Key": "a", "Value": "b"}])
    with aws_error("InvalidSubnetID.NotFound"):
        ec2.create_tags(Resources=[fake_id("subnet")], Tags=[{"Key": "a", "Value": "b"}])


def test_tag_rules_and_limits(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    with aws_error("InvalidParameterValue"):
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "aws:reserved", "Value": "x"}])
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with aws_error("TagLimitExceeded"):
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "one-too-many", "Value": "v"}])


def test_tag_security_group_rule(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    group = new_sg(ec2, vpc, "app")
    [rule] = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])["SecurityGroupRules"]
    rid = rule["SecurityGroupRuleId"]
    ec2.create_tags(Resources=[rid], Tags=[{"Key": "purpose", "Value": "ssh"}])
    assert tag_rows(ec2, ("resource-id", [rid])) == [(rid, "security-group-rule", "purpose", "ssh")]
    found = ec2.describe_security_group_rules(Filters=[{"Name": "tag:purpose", "Values": ["ssh"]}])["SecurityGroupRules"]
    assert [r["SecurityGroupRuleId"] for r in found] == [rid]


@pytest.mark.parametrize(
    "call",
    [
        lambda ec2, vpc: ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=tag_spec("subnet", a="b")),
        lambda ec2, vpc: ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=tag_spec("vpc", a="b")),
        lambda ec2, vpc: ec2.create_security_group(GroupName="x", Description="x", VpcId=vpc, TagSpecifications=tag_spec("instance", a="b")),
    ],
    ids=["vpc-as-subnet", "subnet-as-vpc", "sg-as-instance"],
)
def test_tag_specification_with_wrong_resource_type(ec2, call):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    before = tag_rows(ec2)
    with aws_error("InvalidParameterValue", message="not a valid taggable resource type"):
        call(ec2, vpc)
    assert tag_rows(ec2) == before
    assert len(ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]) == 1
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []
    assert [g["GroupName"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]] == ["default"]


# ------------------------------------------------------------------ DryRun across operations


def test_dry_run_is_412_for_every_kind_of_call(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    group = new_sg(ec2, vpc, "app")
    calls = [
        lambda: ec2.describe_security_groups(DryRun=True),
        lambda: ec2.describe_subnets(DryRun=True),
        lambda: ec2.describe_network_interfaces(DryRun=True),
        lambda: ec2.describe_availability_zones(DryRun=True),
        lambda: ec2.create_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "b"}], DryRun=True),
        lambda: ec2.delete_security_group(GroupId=group, DryRun=True),
        lambda: ec2.delete_subnet(SubnetId=subnet, DryRun=True),
        lambda: ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], DryRun=True),
        lambda: ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")], DryRun=True),
        lambda: ec2.create_network_interface(SubnetId=subnet, DryRun=True),
    ]
    for call in calls:
        with aws_error("DryRunOperation", status=412, message="Request would have succeeded, but DryRun flag is set."):
            call()
    # nothing changed
    assert tags_of(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]) == {}
    assert ids(ec2.describe_subnets(SubnetIds=[subnet])["Subnets"], "SubnetId") == [subnet]
    g = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert len(g["IpPermissionsEgress"]) == 1 and g["IpPermissions"] == []
    assert ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"] == []
    assert default_sg(ec2, vpc)["GroupName"] == "default"



# ------------------------------------------------------------------ pagination tokens


@pytest.mark.parametrize("op", ["describe_vpcs", "describe_subnets", "describe_security_groups", "describe_tags",
                                "describe_network_interfaces", "describe_security_group_rules"])
def test_bogus_next_token_is_rejected(ec2, op):
    new_vpc(ec2, "10.0.0.0/16")
    with aws_error("InvalidParameterValue"):
        getattr(ec2, op)(MaxResults=5, NextToken="not-a-token-ramparts-issued")
