"""Elastic IP addresses through boto3, strictly checked: allocate, associate to an interface or an
instance, reassociate, disassociate, release, the quota of five, the gateway they need, the
public address on the interface and the instance, and detaching a gateway while one is mapped."""

import ipaddress

from helpers import aws_error, new_vpc, tag_spec, tags_of

A = "111111111111"


def public_network(ec2, cidr="10.0.0.0/16"):
    """A VPC with a gateway attached and a subnet: where public addresses can be mapped."""
    vpc = new_vpc(ec2, cidr)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    gw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]
    return vpc, gw, subnet


def test_allocate_describe_release_and_the_quota(aws):
    ec2 = aws("ec2")
    first = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", Name="edge"))
    assert first["AllocationId"].startswith("eipalloc-") and first["Domain"] == "vpc"
    assert first["PublicIpv4Pool"] == "amazon" and first["NetworkBorderGroup"] == "us-east-1"
    assert ipaddress.ip_address(first["PublicIp"]) in ipaddress.ip_network("198.18.0.0/15")
    more = [ec2.allocate_address()["AllocationId"] for _ in range(4)]
    with aws_error("AddressLimitExceeded", message="The maximum number of addresses has been reached."):
        ec2.allocate_address()
    addresses = ec2.describe_addresses()["Addresses"]
    assert len(addresses) == 5 and len({a["PublicIp"] for a in addresses}) == 5
    [mine] = ec2.describe_addresses(AllocationIds=[first["AllocationId"]])["Addresses"]
    assert (mine["PublicIp"], tags_of(mine)) == (first["PublicIp"], {"Name": "edge"})
    assert [a["AllocationId"] for a in ec2.describe_addresses(PublicIps=[first["PublicIp"]])["Addresses"]] == [
        first["AllocationId"]]
    by_tag = ec2.describe_addresses(Filters=[{"Name": "tag:Name", "Values": ["edge"]}])["Addresses"]
    assert [a["AllocationId"] for a in by_tag] == [first["AllocationId"]]
    # Another account sees none of them.
    with aws_error("InvalidAllocationID.NotFound"):
        aws("ec2", "222222222222").describe_addresses(AllocationIds=[first["AllocationId"]])

    ec2.release_address(AllocationId=more[0])
    with aws_error("InvalidAllocationID.NotFound"):
        ec2.release_address(AllocationId=more[0])
    with aws_error("InvalidParameterValue", message="You must specify an allocation id"):
        ec2.release_address(PublicIp=first["PublicIp"])
    with aws_error("InvalidAddress.NotFound"):
        ec2.describe_addresses(PublicIps=["192.0.2.1"])
    ec2.allocate_address()


def test_associate_to_an_interface_and_see_it_there(aws):
    ec2 = aws("ec2")
    vpc, gw, subnet = public_network(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=1)["NetworkInterface"]
    eni_id, primary = eni["NetworkInterfaceId"], eni["PrivateIpAddress"]
    secondary = [p["PrivateIpAddress"] for p in eni["PrivateIpAddresses"] if not p["Primary"]][0]
    alloc = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=alloc["AllocationId"], NetworkInterfaceId=eni_id)["AssociationId"]
    assert assoc.startswith("eipassoc-")

    [seen] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    public = seen["Association"]
    assert (public["PublicIp"], public["AllocationId"], public["AssociationId"], public["IpOwnerId"]) == (
        alloc["PublicIp"], alloc["AllocationId"], assoc, A)
    assert public["PublicDnsName"] == f"ec2-{alloc['PublicIp'].replace('.', '-')}.compute-1.amazonaws.com"
    [p] = [x for x in seen["PrivateIpAddresses"] if x["Primary"]]
    assert p["Association"]["PublicIp"] == alloc["PublicIp"]
    [address] = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"]
    assert (address["AssociationId"], address["NetworkInterfaceId"], address["PrivateIpAddress"],
            address["NetworkInterfaceOwnerId"], address["SubnetId"]) == (assoc, eni_id, primary, A, subnet)
    found = ec2.describe_addresses(Filters=[{"Name": "network-interface-id", "Values": [eni_id]}])["Addresses"]
    assert [a["AllocationId"] for a in found] == [alloc["AllocationId"]]

    # The gateway stays while a public address is mapped into its VPC.
    with aws_error("DependencyViolation", message="has some mapped public address(es)"):
        ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    with aws_error("InvalidIPAddress.InUse"):
        ec2.release_address(AllocationId=alloc["AllocationId"])

    # Moving it to the secondary address is a new association; refusing reassociation refuses.
    with aws_error("Resource.AlreadyAssociated"):
        ec2.associate_address(AllocationId=alloc["AllocationId"], NetworkInterfaceId=eni_id,
                              PrivateIpAddress=secondary, AllowReassociation=False)
    moved = ec2.associate_address(AllocationId=alloc["AllocationId"], NetworkInterfaceId=eni_id,
                                  PrivateIpAddress=secondary)["AssociationId"]
    assert moved != assoc
    [address] = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"]
    assert address["PrivateIpAddress"] == secondary
    with aws_error("InvalidAssociationID.NotFound"):
        ec2.disassociate_address(AssociationId=assoc)
    ec2.disassociate_address(AssociationId=moved)
    [address] = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"]
    assert "AssociationId" not in address
    ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    ec2.release_address(AllocationId=alloc["AllocationId"])


def test_an_address_needs_a_gateway_and_follows_an_instance(aws):
    ec2 = aws("ec2")
    bare = new_vpc(ec2, "10.5.0.0/16")
    bare_subnet = ec2.create_subnet(VpcId=bare, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=bare_subnet)["NetworkInterface"]["NetworkInterfaceId"]
    alloc = ec2.allocate_address()["AllocationId"]
    with aws_error("Gateway.NotAttached", message=f"Network {bare} is not attached to any internet gateway"):
        ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)

    _, _, subnet = public_network(ec2)
    [instance] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"]
    ec2.associate_address(AllocationId=alloc, InstanceId=instance["InstanceId"])
    [reservation] = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    [seen] = reservation["Instances"]
    [address] = ec2.describe_addresses(AllocationIds=[alloc])["Addresses"]
    assert seen["PublicIpAddress"] == address["PublicIp"]
    assert seen["NetworkInterfaces"][0]["Association"]["PublicIp"] == address["PublicIp"]
    assert address["InstanceId"] == instance["InstanceId"]
    found = ec2.describe_addresses(Filters=[{"Name": "instance-id", "Values": [instance["InstanceId"]]}])["Addresses"]
    assert [a["AllocationId"] for a in found] == [alloc]
    # A second address on the same private address takes its place.
    other = ec2.allocate_address()["AllocationId"]
    ec2.associate_address(AllocationId=other, InstanceId=instance["InstanceId"])
    [first] = ec2.describe_addresses(AllocationIds=[alloc])["Addresses"]
    assert "AssociationId" not in first


def test_public_addresses_given_at_launch(aws):
    ec2 = aws("ec2")
    [default_subnet] = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                                     {"Name": "availability-zone", "Values": ["us-east-1a"]}])["Subnets"]
    assert default_subnet["MapPublicIpOnLaunch"] is True
    [i] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                            SubnetId=default_subnet["SubnetId"])["Instances"]
    [seen] = ec2.describe_instances(InstanceIds=[i["InstanceId"]])["Reservations"][0]["Instances"]
    public = seen["PublicIpAddress"]
    assert public.startswith("198.1") and seen["PublicDnsName"].startswith("ec2-")
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[seen["NetworkInterfaces"][0]["NetworkInterfaceId"]])["NetworkInterfaces"]
    assert eni["Association"]["PublicIp"] == public and eni["Association"]["IpOwnerId"] == "amazon"
    assert "AllocationId" not in eni["Association"]
    # Not an Elastic IP: DescribeAddresses does not list it.
    assert ec2.describe_addresses()["Addresses"] == []
    # An Elastic IP on the primary address takes its place.
    alloc = ec2.allocate_address()
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=i["InstanceId"])
    [seen] = ec2.describe_instances(InstanceIds=[i["InstanceId"]])["Reservations"][0]["Instances"]
    assert seen["PublicIpAddress"] == alloc["PublicIp"] != public

    # A subnet that does not map them gives none, unless the launch asks.
    vpc = new_vpc(ec2)
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    [plain] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=private)["Instances"]
    assert "PublicIpAddress" not in ec2.describe_instances(InstanceIds=[plain["InstanceId"]])["Reservations"][0]["Instances"][0]
    [asked] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": private, "AssociatePublicIpAddress": True}])["Instances"]
    got = ec2.describe_instances(InstanceIds=[asked["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert got["PublicIpAddress"] not in (public, alloc["PublicIp"])
