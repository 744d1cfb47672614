"""VPCs: create / describe (ids, filters, pagination) / delete / attributes, the lazily created
default VPC, the VPC quota and DryRun."""

import pytest

from helpers import (
    ACCOUNT_A,
    aws_error,
    collect_pages,
    default_sg,
    default_vpc,
    fake_id,
    ids,
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


def test_create_vpc_returns_a_complete_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=tag_spec("vpc", Name="main", team="net"))["Vpc"]
    assert is_id("vpc", vpc["VpcId"])
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["State"] in ("pending", "available")
    assert vpc["OwnerId"] == ACCOUNT_A
    assert vpc["IsDefault"] is False
    assert vpc["InstanceTenancy"] == "default"
    assert vpc["DhcpOptionsId"].startswith("dopt-")
    [assoc] = vpc["CidrBlockAssociationSet"]
    assert assoc["CidrBlock"] == "10.0.0.0/16"
    assert is_id("vpc-cidr-assoc", assoc["AssociationId"])
    assert assoc["CidrBlockState"]["State"] == "associated"
    assert tags_of(vpc) == {"Name": "main", "team": "net"}

    [described] = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"]
    assert described["State"] == "available"
    assert described["CidrBlock"] == "10.0.0.0/16"
    assert tags_of(described) == {"Name": "main", "team": "net"}
    assert described["CidrBlockAssociationSet"][0]["AssociationId"] == assoc["AssociationId"]


def test_every_vpc_gets_distinct_id(ec2):
    a = new_vpc(ec2, "10.0.0.0/16")
    b = new_vpc(ec2, "10.0.0.0/16")  # overlapping VPCs are allowed
    assert a != b
    assert {a, b} <= {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}


@pytest.mark.parametrize("cidr", ["10.0.0.0/15", "10.0.0.0/29", "10.0.0.0/8"])
def test_create_vpc_rejects_out_of_range_prefix(ec2, cidr):
    with aws_error("InvalidVpc.Range"):
        ec2.create_vpc(CidrBlock=cidr)


def test_describe_vpcs_by_id(ec2):
    a = new_vpc(ec2, "10.0.0.0/16")
    b = new_vpc(ec2, "10.1.0.0/16")
    assert ids(ec2.describe_vpcs(VpcIds=[a, b])["Vpcs"], "VpcId") == sorted([a, b])
    assert ids(ec2.describe_vpcs(VpcIds=[b])["Vpcs"], "VpcId") == [b]


def test_describe_vpcs_unknown_id_fails_whole_call(ec2):
    a = new_vpc(ec2)
    missing = fake_id("vpc")
    with aws_error("InvalidVpcID.NotFound", message=missing):
        ec2.describe_vpcs(VpcIds=[a, missing])


def test_describe_vpcs_filters(ec2):
    web = new_vpc(ec2, "10.0.0.0/16", Name="web-prod", env="prod")
    db = new_vpc(ec2, "10.1.0.0/16", Name="db-prod", env="prod")
    dev = new_vpc(ec2, "192.168.0.0/20", Name="web-dev")
    default = default_vpc(ec2)["VpcId"]

    def find(*filters):
        return ids(ec2.describe_vpcs(Filters=[{"Name": n, "Values": v} for n, v in filters])["Vpcs"], "VpcId")

    assert find(("vpc-id", [web, dev])) == sorted([web, dev])
    assert find(("cidr", ["10.1.0.0/16"])) == [db]
    assert find(("cidr-block-association.cidr-block", ["192.168.0.0/20"])) == [dev]
    assert find(("tag:Name", ["web-prod"])) == [web]
    assert find(("tag:Name", ["web-*"])) == sorted([web, dev])
    assert find(("tag:Name", ["??-prod"])) == [db]
    assert find(("tag-key", ["env"])) == sorted([web, db])
    assert find(("tag:env", ["prod"]), ("tag:Name", ["web-*"])) == [web]  # filters AND
    assert find(("tag:Name", ["db-prod", "web-dev"])) == sorted([db, dev])  # values OR
    assert find(("is-default", ["true"])) == [default]
    assert find(("is-default", ["false"])) == sorted([web, db, dev])
    assert find(("owner-id", [ACCOUNT_A]), ("is-default", ["false"])) == sorted([web, db, dev])
    assert find(("owner-id", ["999999999999"])) == []
    assert find(("state", ["available"]), ("tag-key", ["Name"])) == sorted([web, db, dev])
    assert find(("tag:Name", ["nothing"])) == []


def test_describe_vpcs_unknown_filter(ec2):
    with aws_error("InvalidParameterValue"):
        ec2.describe_vpcs(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])


def test_describe_vpcs_pagination(ec2):
    created = [new_vpc(ec2, f"10.{i}.0.0/16") for i in range(4)]
    everything = ids(ec2.describe_vpcs()["Vpcs"], "VpcId")
    assert len(everything) == 5 and set(created) < set(everything)  # 4 + default VPC

    pages, items = collect_pages(ec2.describe_vpcs, "Vpcs", 5)
    assert all(len(p) <= 5 for p in pages)
    assert ids(items, "VpcId") == everything  # each exactly once

    first = ec2.describe_vpcs(MaxResults=5, Filters=[{"Name": "is-default", "Values": ["false"]}])
    assert ids(first["Vpcs"], "VpcId") == sorted(created)

    via_paginator = [v["VpcId"] for page in ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}) for v in page["Vpcs"]]
    assert sorted(via_paginator) == everything


def test_delete_vpc(ec2):
    vpc = new_vpc(ec2)
    sg_id = default_sg(ec2, vpc)["GroupId"]
    ec2.delete_vpc(VpcId=vpc)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.describe_vpcs(VpcIds=[vpc])
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"] == []
    # the default security group went with it
    with aws_error("InvalidGroup.NotFound"):
        ec2.describe_security_groups(GroupIds=[sg_id])
    with aws_error("InvalidVpcID.NotFound"):
        ec2.delete_vpc(VpcId=vpc)


def test_delete_vpc_with_subnet_is_dependency_violation(ec2):
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)
    assert ids(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"], "VpcId") == [vpc]
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def test_delete_vpc_with_security_group_is_dependency_violation(ec2):
    vpc = new_vpc(ec2)
    group = new_sg(ec2, vpc, "app")
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)


def test_delete_unknown_vpc(ec2):
    with aws_error("InvalidVpcID.NotFound"):
        ec2.delete_vpc(VpcId=fake_id("vpc"))


def test_vpc_attributes_defaults_and_modify(ec2):
    vpc = new_vpc(ec2)

    def attr(name):
        out = ec2.describe_vpc_attribute(VpcId=vpc, Attribute=name)
        assert out["VpcId"] == vpc
        key = name[0].upper() + name[1:]
        return out[key]["Value"]

    assert attr("enableDnsSupport") is True
    assert attr("enableDnsHostnames") is False
    assert attr("enableNetworkAddressUsageMetrics") is False

    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert attr("enableDnsHostnames") is True
    assert attr("enableDnsSupport") is True
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    assert attr("enableDnsHostnames") is False
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    assert attr("enableDnsSupport") is False
    assert attr("enableDnsHostnames") is False
    ec2.modify_vpc_attribute(VpcId=vpc, EnableNetworkAddressUsageMetrics={"Value": True})
    assert attr("enableNetworkAddressUsageMetrics") is True


def test_vpc_attribute_of_unknown_vpc(ec2):
    with aws_error("InvalidVpcID.NotFound"):
        ec2.describe_vpc_attribute(VpcId=fake_id("vpc"), Attribute="enableDnsSupport")
    with aws_error("InvalidVpcID.NotFound"):
        ec2.modify_vpc_attribute(VpcId=fake_id("vpc"), EnableDnsSupport={"Value": True})


# ------------------------------------------------------------------ default VPC


def test_default_vpc_is_created_lazily_and_stable(ec2):
    vpc = default_vpc(ec2)
    assert vpc["CidrBlock"] == "172.31.0.0/16"
    assert vpc["IsDefault"] is True
    assert vpc["OwnerId"] == ACCOUNT_A
    assert vpc["State"] == "available"
    assert default_vpc(ec2)["VpcId"] == vpc["VpcId"]
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True


def test_default_vpc_has_one_default_subnet_per_zone(ec2):
    vpc = default_vpc(ec2)["VpcId"]
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == sorted(z["ZoneName"] for z in zones)
    zone_ids = {z["ZoneName"]: z["ZoneId"] for z in zones}
    expected_cidrs = {f"172.31.{16 * i}.0/20" for i in range(len(zones))}
    assert {s["CidrBlock"] for s in subnets} == expected_cidrs
    for s in subnets:
        assert s["DefaultForAz"] is True
        assert s["MapPublicIpOnLaunch"] is True
        assert s["AvailableIpAddressCount"] == 4096 - 5
        assert s["AvailabilityZoneId"] == zone_ids[s["AvailabilityZone"]]
    default_for_az = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert ids(default_for_az, "SubnetId") == ids(subnets, "SubnetId")


def test_default_vpc_has_default_security_group(ec2):
    vpc = default_vpc(ec2)["VpcId"]
    group = default_sg(ec2, vpc)
    assert group["Description"] == "default VPC security group"
    assert group["OwnerId"] == ACCOUNT_A
    # by name without a VPC id resolves in the default VPC
    [by_name] = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert by_name["GroupId"] == group["GroupId"]


def test_default_vpc_exists_once_per_region(aws):
    east = default_vpc(aws("ec2", region="us-east-1"))
    west = default_vpc(aws("ec2", region="us-west-2"))
    assert east["VpcId"] != west["VpcId"]
    assert west["CidrBlock"] == "172.31.0.0/16"


# ------------------------------------------------------------------ quota and DryRun


def test_vpc_quota_is_five_per_region_including_default(aws):
    ec2 = aws("ec2")
    for i in range(4):
        new_vpc(ec2, f"10.{i}.0.0/16")
    with aws_error("VpcLimitExceeded"):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert len(vpcs) == 5 and sum(v["IsDefault"] for v in vpcs) == 1
    # another Region has its own quota
    new_vpc(aws("ec2", region="eu-west-1"), "10.9.0.0/16")
    # deleting one frees a slot
    ec2.delete_vpc(VpcId=next(v["VpcId"] for v in vpcs if not v["IsDefault"]))
    new_vpc(ec2, "10.9.0.0/16")


def test_dry_run_create_vpc(ec2):
    before = ids(ec2.describe_vpcs()["Vpcs"], "VpcId")
    with aws_error("DryRunOperation", status=412, message="DryRun flag is set"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    assert ids(ec2.describe_vpcs()["Vpcs"], "VpcId") == before


def test_dry_run_describe_and_delete(ec2):
    vpc = new_vpc(ec2)
    with aws_error("DryRunOperation", status=412):
        ec2.describe_vpcs(DryRun=True)
    with aws_error("DryRunOperation", status=412):
        ec2.delete_vpc(VpcId=vpc, DryRun=True)
    assert ids(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"], "VpcId") == [vpc]
