"""Security groups: create (names, duplicates, reserved, default VPC), delete (default group,
in-use, referenced), describe (ids, names, every documented filter, wildcards, pagination) and the
default group every VPC gets."""

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
    rules_of,
    sg,
    tag_spec,
    tags_of,
    tcp,
)

S3_PREFIX_LIST = "pl-63a5400a"  # com.amazonaws.us-east-1.s3


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def vpc(ec2):
    return new_vpc(ec2, "10.0.0.0/16")


def all_egress():
    return {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}


def test_create_security_group_shape(ec2, vpc):
    out = ec2.create_security_group(
        GroupName="web", Description="web tier", VpcId=vpc, TagSpecifications=tag_spec("security-group", Name="web", env="prod")
    )
    gid = out["GroupId"]
    assert is_id("sg", gid)
    assert out["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:security-group/{gid}"
    assert tags_of(out) == {"Name": "web", "env": "prod"}
    g = sg(ec2, gid)
    assert g["GroupName"] == "web"
    assert g["Description"] == "web tier"
    assert g["VpcId"] == vpc
    assert g["OwnerId"] == ACCOUNT_A
    assert g["SecurityGroupArn"] == out["SecurityGroupArn"]
    assert tags_of(g) == {"Name": "web", "env": "prod"}
    # a new group: no inbound rules, one all-traffic outbound rule, ports omitted for -1
    assert g["IpPermissions"] == []
    assert g["IpPermissionsEgress"] == [all_egress()]
    [rule] = rules_of(ec2, gid)
    assert rule["IsEgress"] is True and rule["CidrIpv4"] == "0.0.0.0/0" and is_id("sgr", rule["SecurityGroupRuleId"])


def test_create_security_group_without_vpc_goes_to_default_vpc(ec2):
    gid = new_sg(ec2, None, "legacy")
    assert sg(ec2, gid)["VpcId"] == default_vpc(ec2)["VpcId"]
    # groups of the default VPC can be addressed by name
    [g] = ec2.describe_security_groups(GroupNames=["legacy"])["SecurityGroups"]
    assert g["GroupId"] == gid


def test_duplicate_name_in_same_vpc(ec2, vpc):
    new_sg(ec2, vpc, "web")
    with aws_error("InvalidGroup.Duplicate", message="web"):
        new_sg(ec2, vpc, "web")
    with aws_error("InvalidGroup.Duplicate"):  # names are case-insensitive
        new_sg(ec2, vpc, "WEB")
    assert len(ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]) == 2  # web + default


def test_same_name_in_other_vpc_is_fine(ec2, vpc):
    other = new_vpc(ec2, "10.1.0.0/16")
    a = new_sg(ec2, vpc, "web")
    b = new_sg(ec2, other, "web")
    c = new_sg(ec2, None, "web")
    assert len({a, b, c}) == 3


def test_reserved_and_invalid_names(ec2, vpc):
    with aws_error("InvalidGroup.Reserved"):
        new_sg(ec2, vpc, "default")
    with aws_error("InvalidParameterValue", message="sg-"):
        new_sg(ec2, vpc, "sg-web")


def test_create_in_unknown_vpc(ec2):
    with aws_error("InvalidVpcID.NotFound"):
        new_sg(ec2, fake_id("vpc"), "web")


def test_delete_security_group(ec2, vpc):
    gid = new_sg(ec2, vpc, "web")
    out = ec2.delete_security_group(GroupId=gid)
    assert out.get("Return", True) is True
    with aws_error("InvalidGroup.NotFound"):
        ec2.describe_security_groups(GroupIds=[gid])
    with aws_error("InvalidGroup.NotFound"):
        ec2.delete_security_group(GroupId=gid)
    new_sg(ec2, vpc, "web")  # the name is free again


def test_delete_by_name_in_default_vpc(ec2):
    gid = new_sg(ec2, None, "old-style")
    ec2.delete_security_group(GroupName="old-style")
    with aws_error("InvalidGroup.NotFound"):
        ec2.describe_security_groups(GroupIds=[gid])


def test_delete_unknown_group(ec2):
    with aws_error("InvalidGroup.NotFound"):
        ec2.delete_security_group(GroupId=fake_id("sg"))


def test_default_group_cannot_be_deleted(ec2, vpc):
    gid = default_sg(ec2, vpc)["GroupId"]
    with aws_error("CannotDelete"):
        ec2.delete_security_group(GroupId=gid)
    assert sg(ec2, gid)["GroupName"] == "default"


def test_delete_group_used_by_interface(ec2, vpc):
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    gid = new_sg(ec2, vpc, "app")
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[gid])["NetworkInterface"]["NetworkInterfaceId"]
    with aws_error("DependencyViolation"):
        ec2.delete_security_group(GroupId=gid)
    assert sg(ec2, gid)["GroupName"] == "app"
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_security_group(GroupId=gid)


def test_delete_group_referenced_by_another_group(ec2, vpc):
    target = new_sg(ec2, vpc, "db")
    source = new_sg(ec2, vpc, "app")
    ec2.authorize_security_group_ingress(
        GroupId=target, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": source}]}]
    )
    with aws_error("DependencyViolation"):
        ec2.delete_security_group(GroupId=source)
    ec2.revoke_security_group_ingress(
        GroupId=target, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": source}]}]
    )
    ec2.delete_security_group(GroupId=source)


# ------------------------------------------------------------------ describe by id / name


def test_describe_by_ids(ec2, vpc):
    a = new_sg(ec2, vpc, "a")
    b = new_sg(ec2, vpc, "b")
    assert ids(ec2.describe_security_groups(GroupIds=[a, b])["SecurityGroups"], "GroupId") == sorted([a, b])
    missing = fake_id("sg")
    with aws_error("InvalidGroup.NotFound", message=missing):
        ec2.describe_security_groups(GroupIds=[a, missing])


def test_describe_malformed_id(ec2):
    with aws_error("InvalidGroupId.Malformed"):
        ec2.describe_security_groups(GroupIds=["not-a-group"])


def test_describe_by_name_only_in_default_vpc(ec2, vpc):
    new_sg(ec2, vpc, "only-in-custom-vpc")
    with aws_error("InvalidGroup.NotFound"):
        ec2.describe_security_groups(GroupNames=["only-in-custom-vpc"])


# ------------------------------------------------------------------ filters


@pytest.fixture
def groups(ec2, vpc):
    """Three groups with rules that every rule filter can tell apart."""
    other_vpc = new_vpc(ec2, "10.1.0.0/16")
    web = new_sg(ec2, vpc, "web-prod", "public web tier", Name="web", env="prod")
    app = new_sg(ec2, vpc, "app-prod", "application tier", env="prod")
    ops = new_sg(ec2, other_vpc, "ops", "operations", Name="ops")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[tcp(443, "0.0.0.0/0"), tcp(80, "10.0.0.0/16")])
    ec2.authorize_security_group_ingress(
        GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]}]
    )
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8090, "UserIdGroupPairs": [{"GroupId": web}]},
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]},
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=ops, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": S3_PREFIX_LIST}]}]
    )
    ec2.revoke_security_group_egress(GroupId=ops, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(
        GroupId=ops,
        IpPermissions=[
            tcp(22, "192.168.0.0/24"),
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": S3_PREFIX_LIST}]},
        ],
    )
    ec2.authorize_security_group_egress(
        GroupId=app, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": web}]}]
    )
    return {"vpc": vpc, "other_vpc": other_vpc, "web": web, "app": app, "ops": ops,
            "default": default_sg(ec2, vpc)["GroupId"], "other_default": default_sg(ec2, other_vpc)["GroupId"]}


def find(ec2, *filters):
    out = ec2.describe_security_groups(Filters=[{"Name": n, "Values": v} for n, v in filters])["SecurityGroups"]
    return ids(out, "GroupId")


def test_filter_identity_fields(ec2, groups):
    g = groups
    mine = ("vpc-id", [g["vpc"], g["other_vpc"]])
    assert find(ec2, ("group-id", [g["web"], g["ops"]])) == sorted([g["web"], g["ops"]])
    assert find(ec2, ("group-name", ["web-prod"])) == [g["web"]]
    assert find(ec2, ("group-name", ["*-prod"])) == sorted([g["web"], g["app"]])
    assert find(ec2, ("group-name", ["o?s"])) == [g["ops"]]
    assert find(ec2, mine, ("group-name", ["default"])) == sorted([g["default"], g["other_default"]])
    assert find(ec2, ("description", ["application tier"])) == [g["app"]]
    assert find(ec2, ("description", ["*tier"])) == sorted([g["web"], g["app"]])
    assert find(ec2, ("vpc-id", [g["other_vpc"]])) == sorted([g["ops"], g["other_default"]])
    assert find(ec2, mine, ("owner-id", [ACCOUNT_A])) == sorted(g[k] for k in ("web", "app", "ops", "default", "other_default"))
    assert find(ec2, ("owner-id", ["999999999999"])) == []


def test_filter_tags(ec2, groups):
    g = groups
    assert find(ec2, ("tag:env", ["prod"])) == sorted([g["web"], g["app"]])
    assert find(ec2, ("tag:Name", ["web", "ops"])) == sorted([g["web"], g["ops"]])
    assert find(ec2, ("tag:Name", ["w*"])) == [g["web"]]
    assert find(ec2, ("tag-key", ["Name"])) == sorted([g["web"], g["ops"]])
    assert find(ec2, ("tag-key", ["env"]), ("tag:Name", ["web"])) == [g["web"]]
    assert find(ec2, ("tag:env", ["dev"])) == []


def test_filter_ingress_rules(ec2, groups):
    g = groups
    assert find(ec2, ("ip-permission.cidr", ["0.0.0.0/0"])) == [g["web"]]
    assert find(ec2, ("ip-permission.cidr", ["10.0.0.0/16"])) == sorted([g["web"], g["app"]])
    assert find(ec2, ("ip-permission.cidr", ["10.0.*"])) == sorted([g["web"], g["app"]])
    assert find(ec2, ("ip-permission.ipv6-cidr", ["2001:db8::/32"])) == [g["web"]]
    assert find(ec2, ("ip-permission.from-port", ["8080"])) == [g["app"]]
    assert find(ec2, ("ip-permission.to-port", ["8090"])) == [g["app"]]
    assert find(ec2, ("ip-permission.from-port", ["443"])) == sorted([g["web"], g["ops"]])
    assert find(ec2, ("ip-permission.protocol", ["udp"])) == [g["app"]]
    assert find(ec2, ("ip-permission.group-id", [g["web"]])) == [g["app"]]
    assert find(ec2, ("ip-permission.prefix-list-id", [S3_PREFIX_LIST])) == [g["ops"]]
    # the default groups reference themselves
    assert find(ec2, ("ip-permission.group-id", [g["default"]])) == [g["default"]]
    mine = ("vpc-id", [g["vpc"], g["other_vpc"]])
    assert find(ec2, mine, ("ip-permission.user-id", [ACCOUNT_A])) == sorted([g["app"], g["default"], g["other_default"]])
    assert find(ec2, mine, ("ip-permission.protocol", ["-1"])) == sorted([g["default"], g["other_default"]])
    # two rule filters may be satisfied by different rules of the same group
    assert find(ec2, ("ip-permission.cidr", ["0.0.0.0/0"]), ("ip-permission.from-port", ["80"])) == [g["web"]]
    assert find(ec2, ("ip-permission.cidr", ["172.16.0.0/12"])) == []



def test_filter_ingress_group_name(ec2):
    # rules in the default VPC may name their source group
    source = new_sg(ec2, None, "lb")
    target = new_sg(ec2, None, "backend")
    ec2.authorize_security_group_ingress(
        GroupId=target, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": source}]}]
    )
    assert find(ec2, ("ip-permission.group-name", ["lb"])) == [target]
    assert find(ec2, ("ip-permission.group-name", ["nobody"])) == []


def test_filter_egress_rules(ec2, groups):
    g = groups
    mine = ("vpc-id", [g["vpc"], g["other_vpc"]])
    everyone_but_ops = sorted(g[k] for k in ("web", "app", "default", "other_default"))
    assert find(ec2, mine, ("egress.ip-permission.cidr", ["0.0.0.0/0"])) == everyone_but_ops
    assert find(ec2, ("egress.ip-permission.cidr", ["192.168.0.0/24"])) == [g["ops"]]
    assert find(ec2, ("egress.ip-permission.ipv6-cidr", ["::/0"])) == [g["ops"]]
    assert find(ec2, ("egress.ip-permission.prefix-list-id", [S3_PREFIX_LIST])) == [g["ops"]]
    assert find(ec2, ("egress.ip-permission.from-port", ["22"])) == [g["ops"]]
    assert find(ec2, ("egress.ip-permission.to-port", ["5432"])) == [g["app"]]
    assert find(ec2, mine, ("egress.ip-permission.protocol", ["tcp"])) == sorted([g["app"], g["ops"]])
    assert find(ec2, mine, ("egress.ip-permission.protocol", ["-1"])) == everyone_but_ops
    assert find(ec2, ("egress.ip-permission.group-id", [g["web"]])) == [g["app"]]
    assert find(ec2, mine, ("egress.ip-permission.user-id", [ACCOUNT_A])) == [g["app"]]
    # ingress and egress filters are not confused
    assert find(ec2, ("ip-permission.cidr", ["192.168.0.0/24"])) == []
    assert find(ec2, ("egress.ip-permission.from-port", ["8080"])) == []



def test_filter_egress_group_name(ec2):
    dest = new_sg(ec2, None, "cache")
    src = new_sg(ec2, None, "worker")
    ec2.authorize_security_group_egress(
        GroupId=src, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "UserIdGroupPairs": [{"GroupId": dest}]}]
    )
    assert find(ec2, ("egress.ip-permission.group-name", ["cache"])) == [src]


def test_unknown_filter_is_rejected(ec2):
    with aws_error("InvalidParameterValue"):
        ec2.describe_security_groups(Filters=[{"Name": "ip-permission.colour", "Values": ["red"]}])


def test_pagination(ec2, vpc):
    created = [new_sg(ec2, vpc, f"g{i}") for i in range(11)]
    everything = sorted(created + [default_sg(ec2, vpc)["GroupId"]])
    flt = [{"Name": "vpc-id", "Values": [vpc]}]
    pages, items = collect_pages(ec2.describe_security_groups, "SecurityGroups", 5, Filters=flt)
    assert [len(p) for p in pages[:2]] == [5, 5]
    assert all(len(p) <= 5 for p in pages)
    assert ids(items, "GroupId") == everything
    paged = [g["GroupId"] for page in ec2.get_paginator("describe_security_groups").paginate(
        Filters=flt, PaginationConfig={"PageSize": 6}) for g in page["SecurityGroups"]]
    assert sorted(paged) == everything


# ------------------------------------------------------------------ default group of every VPC


def test_default_group_rules(ec2, vpc):
    g = default_sg(ec2, vpc)
    assert is_id("sg", g["GroupId"])
    assert g["Description"] == "default VPC security group"
    assert g["OwnerId"] == ACCOUNT_A
    assert g["VpcId"] == vpc
    assert g["IpPermissions"] == [
        {"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
         "UserIdGroupPairs": [{"UserId": ACCOUNT_A, "GroupId": g["GroupId"]}]}
    ]
    assert g["IpPermissionsEgress"] == [all_egress()]
    rules = rules_of(ec2, g["GroupId"])
    assert len(rules) == 2
    ingress = next(r for r in rules if not r["IsEgress"])
    assert ingress["ReferencedGroupInfo"]["GroupId"] == g["GroupId"]
    assert ingress["ReferencedGroupInfo"]["UserId"] == ACCOUNT_A
    assert (ingress["IpProtocol"], ingress["FromPort"], ingress["ToPort"]) == ("-1", -1, -1)


def test_each_vpc_has_its_own_default_group(ec2):
    a, b = new_vpc(ec2, "10.0.0.0/16"), new_vpc(ec2, "10.1.0.0/16")
    ga, gb = default_sg(ec2, a), default_sg(ec2, b)
    assert ga["GroupId"] != gb["GroupId"]
    assert gb["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == gb["GroupId"]


def test_default_group_rules_are_editable(ec2, vpc):
    gid = default_sg(ec2, vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[tcp(22, "10.0.0.0/8")])
    g = sg(ec2, gid)
    assert g["IpPermissionsEgress"] == []
    assert len(g["IpPermissions"]) == 2


def test_dry_run_create_security_group(ec2, vpc):
    with aws_error("DryRunOperation", status=412):
        ec2.create_security_group(GroupName="x", Description="x", VpcId=vpc, DryRun=True)
    assert find(ec2, ("group-name", ["x"])) == []


def test_an_empty_description_is_a_missing_parameter(ec2, vpc):
    with aws_error("MissingParameter"):
        ec2.create_security_group(VpcId=vpc, GroupName="nodesc", Description="")
