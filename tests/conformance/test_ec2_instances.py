"""Instances (the minimal networking view): RunInstances creates a primary ENI with the right
groups, DescribeInstances, TerminateInstances, state codes and parameter combinations."""

import pytest

from helpers import (
    ACCOUNT_A,
    aws_error,
    default_sg,
    default_vpc,
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

AMI = "ami-0abcdef1234567890"
STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def net(ec2):
    vpc = new_vpc(ec2, "10.0.0.0/16")
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    return vpc, subnet, new_sg(ec2, vpc, "app")


def run(ec2, **kwargs):
    kwargs.setdefault("ImageId", AMI)
    kwargs.setdefault("MinCount", 1)
    kwargs.setdefault("MaxCount", 1)
    return ec2.run_instances(**kwargs)


def instance(ec2, instance_id):
    [res] = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    [i] = res["Instances"]
    return i


def assert_state(state, *allowed):
    assert state["Name"] in allowed, state
    assert state["Code"] & 0xFF == STATE_CODES[state["Name"]], state


def test_run_instances_in_subnet_with_groups(ec2, net):
    vpc, subnet, group = net
    out = run(ec2, InstanceType="t3.micro", SubnetId=subnet, SecurityGroupIds=[group],
              TagSpecifications=tag_spec("instance", Name="web-1"))
    assert is_id("r", out["ReservationId"])
    assert out["OwnerId"] == ACCOUNT_A
    [i] = out["Instances"]
    assert is_id("i", i["InstanceId"])
    assert i["ImageId"] == AMI and i["InstanceType"] == "t3.micro"
    assert_state(i["State"], "pending", "running")
    assert i["SubnetId"] == subnet and i["VpcId"] == vpc
    assert i["PrivateIpAddress"] == "10.0.1.4"
    assert i["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    assert i["SecurityGroups"] == [{"GroupId": group, "GroupName": "app"}]
    assert tags_of(i) == {"Name": "web-1"}
    [nic] = i["NetworkInterfaces"]
    assert is_id("eni", nic["NetworkInterfaceId"])
    assert nic["SubnetId"] == subnet and nic["PrivateIpAddress"] == "10.0.1.4"
    assert nic["Groups"] == [{"GroupId": group, "GroupName": "app"}]
    assert nic["Attachment"]["DeviceIndex"] == 0
    assert nic["Attachment"]["DeleteOnTermination"] is True
    assert nic["Attachment"]["Status"] in ("attaching", "attached")
    assert is_id("eni-attach", nic["Attachment"]["AttachmentId"])

    d = instance(ec2, i["InstanceId"])
    assert_state(d["State"], "pending", "running")
    assert d["Placement"]["AvailabilityZone"] == ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]

    # the primary interface is a real ENI, in use, attached to the instance
    [e] = ec2.describe_network_interfaces(NetworkInterfaceIds=[nic["NetworkInterfaceId"]])["NetworkInterfaces"]
    assert e["Status"] == "in-use"
    assert e["Attachment"]["InstanceId"] == i["InstanceId"]
    assert e["Attachment"]["DeviceIndex"] == 0
    found = ec2.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": [i["InstanceId"]]}])["NetworkInterfaces"]
    assert ids(found, "NetworkInterfaceId") == [nic["NetworkInterfaceId"]]
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"] == 250


def test_run_several_instances(ec2, net):
    _, subnet, _ = net
    out = run(ec2, SubnetId=subnet, MinCount=2, MaxCount=2)
    ips = sorted(i["PrivateIpAddress"] for i in out["Instances"])
    assert ips == ["10.0.1.4", "10.0.1.5"]
    assert sorted(i["AmiLaunchIndex"] for i in out["Instances"]) == [0, 1]
    assert len({i["InstanceId"] for i in out["Instances"]}) == 2
    [res] = ec2.describe_instances(Filters=[{"Name": "reservation-id", "Values": [out["ReservationId"]]}])["Reservations"]
    assert len(res["Instances"]) == 2


def test_run_without_subnet_uses_default_vpc(ec2):
    vpc = default_vpc(ec2)["VpcId"]
    [i] = run(ec2)["Instances"]
    assert i["VpcId"] == vpc
    subnet = ec2.describe_subnets(SubnetIds=[i["SubnetId"]])["Subnets"][0]
    assert subnet["DefaultForAz"] is True
    assert in_cidr(i["PrivateIpAddress"], subnet["CidrBlock"])
    assert [g["GroupId"] for g in i["SecurityGroups"]] == [default_sg(ec2, vpc)["GroupId"]]


def test_run_with_group_names_in_default_vpc(ec2):
    gid = new_sg(ec2, None, "by-name")
    [i] = run(ec2, SecurityGroups=["by-name"])["Instances"]
    assert i["SecurityGroups"] == [{"GroupId": gid, "GroupName": "by-name"}]


def test_run_with_network_interface_spec(ec2, net):
    _, subnet, group = net
    [i] = run(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group], "Description": "primary"}])["Instances"]
    assert i["SubnetId"] == subnet
    assert [g["GroupId"] for g in i["SecurityGroups"]] == [group]
    assert i["NetworkInterfaces"][0]["Attachment"]["DeviceIndex"] == 0


def test_invalid_parameter_combinations(ec2, net):
    _, subnet, group = net
    with aws_error("InvalidParameterCombination"):
        run(ec2, SubnetId=subnet, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet}])
    with aws_error("InvalidParameterCombination"):
        run(ec2, SubnetId=subnet, SecurityGroups=["app"])
    assert ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"] == []


def test_run_with_group_of_other_vpc(ec2, net):
    _, subnet, _ = net
    elsewhere = new_sg(ec2, new_vpc(ec2, "10.1.0.0/16"), "elsewhere")
    with aws_error("InvalidParameter", message="belong to different networks"):
        run(ec2, SubnetId=subnet, SecurityGroupIds=[elsewhere])


def test_run_with_unknown_subnet_or_group(ec2, net):
    _, subnet, _ = net
    with aws_error("InvalidSubnetID.NotFound"):
        run(ec2, SubnetId=fake_id("subnet"))
    with aws_error("InvalidGroup.NotFound"):
        run(ec2, SubnetId=subnet, SecurityGroupIds=[fake_id("sg")])


def test_describe_instances_filters(ec2, net):
    vpc, subnet, group = net
    other_subnet = new_subnet(ec2, vpc, "10.0.2.0/24")
    [a] = run(ec2, SubnetId=subnet, SecurityGroupIds=[group], TagSpecifications=tag_spec("instance", Name="a"))["Instances"]
    [b] = run(ec2, SubnetId=other_subnet, TagSpecifications=tag_spec("instance", Name="b"))["Instances"]
    A, B = a["InstanceId"], b["InstanceId"]

    def find(*filters):
        res = ec2.describe_instances(Filters=[{"Name": n, "Values": v} for n, v in filters])["Reservations"]
        return sorted(i["InstanceId"] for r in res for i in r["Instances"])

    assert find(("vpc-id", [vpc])) == sorted([A, B])
    assert find(("subnet-id", [other_subnet])) == [B]
    assert find(("instance-id", [A])) == [A]
    assert find(("instance.group-id", [group])) == [A]
    assert find(("network-interface.group-id", [group])) == [A]
    assert find(("tag:Name", ["b"])) == [B]
    assert find(("instance-state-name", ["pending", "running"]), ("vpc-id", [vpc])) == sorted([A, B])
    assert find(("instance-state-name", ["stopped"])) == []
    assert find(("private-ip-address", [a["PrivateIpAddress"]]), ("vpc-id", [vpc])) == [A]


def test_describe_unknown_instance(ec2):
    with aws_error("InvalidInstanceID.NotFound"):
        ec2.describe_instances(InstanceIds=[fake_id("i")])


def test_terminate_instances(ec2, net):
    _, subnet, group = net
    [i] = run(ec2, SubnetId=subnet, SecurityGroupIds=[group])["Instances"]
    eni = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
    with aws_error("DependencyViolation"):
        ec2.delete_security_group(GroupId=group)
    out = ec2.terminate_instances(InstanceIds=[i["InstanceId"]])
    [t] = out["TerminatingInstances"]
    assert t["InstanceId"] == i["InstanceId"]
    assert_state(t["CurrentState"], "shutting-down", "terminated")
    assert_state(t["PreviousState"], "pending", "running")
    # still describable, now terminated (or on its way)
    assert_state(instance(ec2, i["InstanceId"])["State"], "shutting-down", "terminated")
    # the primary ENI (DeleteOnTermination) is gone, and with it the group's last user
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])
    ec2.delete_security_group(GroupId=group)
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"] == 251


def test_terminate_unknown_instance(ec2):
    with aws_error("InvalidInstanceID.NotFound"):
        ec2.terminate_instances(InstanceIds=[fake_id("i")])


def test_attached_primary_interface_cannot_be_deleted(ec2, net):
    _, subnet, _ = net
    [i] = run(ec2, SubnetId=subnet)["Instances"]
    eni = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
    with aws_error("InvalidParameterValue", message="currently in use"):
        ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Status"] == "in-use"


def test_attached_primary_interface_is_kept_on_delete_attempt(ec2, net):
    _, subnet, _ = net
    [i] = run(ec2, SubnetId=subnet)["Instances"]
    eni = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
    with pytest.raises(Exception) as info:
        ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Status"] == "in-use"


def test_subnet_with_instance_cannot_be_deleted(ec2, net):
    _, subnet, _ = net
    [i] = run(ec2, SubnetId=subnet)["Instances"]
    with aws_error("DependencyViolation"):
        ec2.delete_subnet(SubnetId=subnet)
    ec2.terminate_instances(InstanceIds=[i["InstanceId"]])
    ec2.delete_subnet(SubnetId=subnet)


def test_dry_run_run_instances(ec2, net):
    _, subnet, _ = net
    with aws_error("DryRunOperation", status=412):
        run(ec2, SubnetId=subnet, DryRun=True)
    assert ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"] == []
