"""Isolation: two accounts never see or touch each other's resources, and two Regions of one
account are separate clouds."""

import pytest

from helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    aws_error,
    default_sg,
    default_vpc,
    ids,
    new_sg,
    new_subnet,
    new_vpc,
    tcp,
)


@pytest.fixture
def a(aws):
    return aws("ec2", ACCOUNT_A)


@pytest.fixture
def b(aws):
    return aws("ec2", ACCOUNT_B)


@pytest.fixture
def world_a(a):
    """Account A's resources in us-east-1."""
    vpc = new_vpc(a, "10.0.0.0/16", Name="a-vpc")
    subnet = new_subnet(a, vpc, "10.0.1.0/24")
    group = new_sg(a, vpc, "a-app", Name="a-app")
    a.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, "10.0.0.0/16")])
    eni = a.create_network_interface(SubnetId=subnet, Groups=[group])["NetworkInterface"]["NetworkInterfaceId"]
    [inst] = a.run_instances(ImageId="ami-0abcdef1234567890", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"]
    rule = [r for r in a.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"] if not r["IsEgress"]][0]
    return {"vpc": vpc, "subnet": subnet, "group": group, "eni": eni, "instance": inst["InstanceId"],
            "rule": rule["SecurityGroupRuleId"], "default_sg": default_sg(a, vpc)["GroupId"]}


def snapshot(ec2, w):
    """What account A sees of its own world (to prove B changed nothing)."""
    g = ec2.describe_security_groups(GroupIds=[w["group"]])["SecurityGroups"][0]
    e = ec2.describe_network_interfaces(NetworkInterfaceIds=[w["eni"]])["NetworkInterfaces"][0]
    v = ec2.describe_vpcs(VpcIds=[w["vpc"]])["Vpcs"][0]
    return {
        "vpc_tags": v["Tags"], "subnet": ec2.describe_subnets(SubnetIds=[w["subnet"]])["Subnets"][0]["SubnetId"],
        "ingress": g["IpPermissions"], "egress": g["IpPermissionsEgress"], "group_tags": g["Tags"],
        "eni_groups": e["Groups"], "eni_desc": e.get("Description"),
        "instance": ec2.describe_instances(InstanceIds=[w["instance"]])["Reservations"][0]["Instances"][0]["State"]["Name"],
    }


def test_describe_by_id_across_accounts_is_not_found(b, world_a):
    w = world_a
    with aws_error("InvalidVpcID.NotFound"):
        b.describe_vpcs(VpcIds=[w["vpc"]])
    with aws_error("InvalidSubnetID.NotFound"):
        b.describe_subnets(SubnetIds=[w["subnet"]])
    with aws_error("InvalidGroup.NotFound"):
        b.describe_security_groups(GroupIds=[w["group"]])
    with aws_error("InvalidGroup.NotFound"):
        b.describe_security_groups(GroupIds=[w["default_sg"]])
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        b.describe_network_interfaces(NetworkInterfaceIds=[w["eni"]])
    with aws_error("InvalidInstanceID.NotFound"):
        b.describe_instances(InstanceIds=[w["instance"]])
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        b.describe_security_group_rules(SecurityGroupRuleIds=[w["rule"]])
    with aws_error("InvalidVpcID.NotFound"):
        b.describe_vpc_attribute(VpcId=w["vpc"], Attribute="enableDnsSupport")


def test_listing_and_filters_across_accounts_return_nothing(b, world_a):
    w = world_a
    assert w["vpc"] not in ids(b.describe_vpcs()["Vpcs"], "VpcId")
    assert b.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["Vpcs"] == []
    assert b.describe_vpcs(Filters=[{"Name": "owner-id", "Values": [ACCOUNT_A]}])["Vpcs"] == []
    assert b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a-vpc"]}])["Vpcs"] == []
    assert b.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["Subnets"] == []
    assert w["subnet"] not in ids(b.describe_subnets()["Subnets"], "SubnetId")
    assert b.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["SecurityGroups"] == []
    assert b.describe_security_groups(Filters=[{"Name": "group-id", "Values": [w["group"]]}])["SecurityGroups"] == []
    assert b.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["a-app"]}])["SecurityGroups"] == []
    assert b.describe_security_groups(Filters=[{"Name": "owner-id", "Values": [ACCOUNT_A]}])["SecurityGroups"] == []
    assert b.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [w["group"]]}])["SecurityGroupRules"] == []
    assert b.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["NetworkInterfaces"] == []
    assert b.describe_network_interfaces()["NetworkInterfaces"] == []
    assert b.describe_instances()["Reservations"] == []
    assert b.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["RouteTables"] == []
    assert b.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]}])["NetworkAcls"] == []
    assert b.describe_tags(Filters=[{"Name": "resource-id", "Values": [w["vpc"], w["group"]]}])["Tags"] == []
    assert all(g["OwnerId"] == ACCOUNT_B for g in b.describe_security_groups()["SecurityGroups"])


def test_mutations_across_accounts_are_not_found(a, b, world_a):
    w = world_a
    before = snapshot(a, w)
    with aws_error("InvalidVpcID.NotFound"):
        b.delete_vpc(VpcId=w["vpc"])
    with aws_error("InvalidVpcID.NotFound"):
        b.modify_vpc_attribute(VpcId=w["vpc"], EnableDnsHostnames={"Value": True})
    with aws_error("InvalidSubnetID.NotFound"):
        b.delete_subnet(SubnetId=w["subnet"])
    with aws_error("InvalidSubnetID.NotFound"):
        b.modify_subnet_attribute(SubnetId=w["subnet"], MapPublicIpOnLaunch={"Value": True})
    with aws_error("InvalidGroup.NotFound"):
        b.delete_security_group(GroupId=w["group"])
    with aws_error("InvalidGroup.NotFound"):
        b.authorize_security_group_ingress(GroupId=w["group"], IpPermissions=[tcp(22, "0.0.0.0/0")])
    with aws_error("InvalidGroup.NotFound"):
        b.authorize_security_group_egress(GroupId=w["group"], IpPermissions=[tcp(22, "0.0.0.0/0")])
    with aws_error("InvalidGroup.NotFound"):
        b.revoke_security_group_ingress(GroupId=w["group"], IpPermissions=[tcp(443, "10.0.0.0/16")])
    with aws_error("InvalidGroup.NotFound"):
        b.revoke_security_group_egress(GroupId=w["group"], IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        b.delete_network_interface(NetworkInterfaceId=w["eni"])
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        b.modify_network_interface_attribute(NetworkInterfaceId=w["eni"], Description={"Value": "mine now"})
    with aws_error("InvalidInstanceID.NotFound"):
        b.terminate_instances(InstanceIds=[w["instance"]])
    with aws_error("InvalidVpcID.NotFound"):
        b.create_tags(Resources=[w["vpc"]], Tags=[{"Key": "owned", "Value": "b"}])
    with aws_error("InvalidGroup.NotFound"):
        b.create_tags(Resources=[w["group"]], Tags=[{"Key": "owned", "Value": "b"}])
    assert snapshot(a, w) == before


def test_building_into_another_accounts_network_is_not_found(b, world_a):
    w = world_a
    with aws_error("InvalidVpcID.NotFound"):
        b.create_subnet(VpcId=w["vpc"], CidrBlock="10.0.9.0/24")
    with aws_error("InvalidVpcID.NotFound"):
        new_sg(b, w["vpc"], "intruder")
    with aws_error("InvalidSubnetID.NotFound"):
        b.create_network_interface(SubnetId=w["subnet"])
    with aws_error("InvalidSubnetID.NotFound"):
        b.run_instances(ImageId="ami-0abcdef1234567890", MinCount=1, MaxCount=1, SubnetId=w["subnet"])
    # B's own interface cannot wear A's group, nor can B's group reference it
    b_vpc = new_vpc(b, "10.0.0.0/16")
    b_subnet = new_subnet(b, b_vpc, "10.0.1.0/24")
    with aws_error("InvalidGroup.NotFound"):
        b.create_network_interface(SubnetId=b_subnet, Groups=[w["group"]])
    b_eni = b.create_network_interface(SubnetId=b_subnet)["NetworkInterface"]["NetworkInterfaceId"]
    with aws_error("InvalidGroup.NotFound"):
        b.modify_network_interface_attribute(NetworkInterfaceId=b_eni, Groups=[w["group"]])
    b_group = new_sg(b, b_vpc, "b-app")
    with aws_error("InvalidGroup.NotFound"):
        b.authorize_security_group_ingress(
            GroupId=b_group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": w["group"]}]}]
        )


def test_same_names_and_ranges_in_two_accounts(a, b, world_a):
    w = world_a
    b_vpc = new_vpc(b, "10.0.0.0/16", Name="a-vpc")
    b_subnet = new_subnet(b, b_vpc, "10.0.1.0/24")
    b_group = new_sg(b, b_vpc, "a-app")
    b_eni = b.create_network_interface(SubnetId=b_subnet, Groups=[b_group])["NetworkInterface"]
    assert b_vpc != w["vpc"] and b_subnet != w["subnet"] and b_group != w["group"]
    # address allocation is per subnet, not shared with A's identical range (A used .4 and .5)
    assert b_eni["PrivateIpAddress"] == "10.0.1.4"
    assert b_eni["OwnerId"] == ACCOUNT_B
    assert a.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["a-app"]}])["SecurityGroups"][0]["GroupId"] == w["group"]
    assert b.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["a-app"]}])["SecurityGroups"][0]["GroupId"] == b_group
    assert b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a-vpc"]}])["Vpcs"][0]["OwnerId"] == ACCOUNT_B


def test_each_account_has_its_own_default_vpc(a, b):
    va, vb = default_vpc(a), default_vpc(b)
    assert va["VpcId"] != vb["VpcId"]
    assert (va["OwnerId"], vb["OwnerId"]) == (ACCOUNT_A, ACCOUNT_B)
    assert default_sg(a, va["VpcId"])["GroupId"] != default_sg(b, vb["VpcId"])["GroupId"]
    ga = new_sg(a, None, "same")
    gb = new_sg(b, None, "same")
    assert a.describe_security_groups(GroupNames=["same"])["SecurityGroups"][0]["GroupId"] == ga
    assert b.describe_security_groups(GroupNames=["same"])["SecurityGroups"][0]["GroupId"] == gb


def test_quotas_are_per_account(a, b):
    for i in range(4):
        new_vpc(a, f"10.{i}.0.0/16")
    with aws_error("VpcLimitExceeded"):
        new_vpc(a, "10.9.0.0/16")
    new_vpc(b, "10.9.0.0/16")


def test_regions_of_one_account_are_separate(aws):
    east = aws("ec2", ACCOUNT_A, "us-east-1")
    west = aws("ec2", ACCOUNT_A, "us-west-2")
    vpc = new_vpc(east, "10.0.0.0/16")
    subnet = new_subnet(east, vpc, "10.0.1.0/24")
    group = new_sg(east, vpc, "east-app")
    eni = east.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    with aws_error("InvalidVpcID.NotFound"):
        west.describe_vpcs(VpcIds=[vpc])
    with aws_error("InvalidSubnetID.NotFound"):
        west.describe_subnets(SubnetIds=[subnet])
    with aws_error("InvalidGroup.NotFound"):
        west.describe_security_groups(GroupIds=[group])
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        west.describe_network_interfaces(NetworkInterfaceIds=[eni])
    with aws_error("InvalidVpcID.NotFound"):
        west.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")
    with aws_error("InvalidVpcID.NotFound"):
        west.delete_vpc(VpcId=vpc)
    with aws_error("InvalidGroup.NotFound"):
        west.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "0.0.0.0/0")])
    assert west.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"] == []
    assert west.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["east-app"]}])["SecurityGroups"] == []
    assert west.describe_network_interfaces()["NetworkInterfaces"] == []
    assert default_vpc(east)["VpcId"] != default_vpc(west)["VpcId"]
    # each Region has its own VPC quota
    for i in range(4):
        new_vpc(west, f"10.{i}.0.0/16")
    assert len(east.describe_vpcs()["Vpcs"]) == 2
    # the east resources are untouched
    assert ids(east.describe_vpcs(VpcIds=[vpc])["Vpcs"], "VpcId") == [vpc]
