"""NAT gateways through boto3, strictly checked: public and private gateways, their
requester-managed interface and Elastic IP, the states Terraform and botocore's waiters read,
the failures AWS reports after the fact, routes to them turning blackhole, the zone quota,
filters and tags, and what the participants of a shared VPC see."""

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of


def public_network(ec2, cidr="10.0.0.0/16", subnet_cidr="10.0.1.0/24", gateway=True):
    vpc = new_vpc(ec2, cidr)
    subnet = new_subnet(ec2, vpc, subnet_cidr)
    if gateway:
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    return vpc, subnet


def test_a_public_gateway_maps_its_address_through_a_managed_interface(aws):
    ec2 = aws("ec2")
    vpc, subnet = public_network(ec2)
    alloc = ec2.allocate_address(Domain="vpc")
    made = ec2.create_nat_gateway(
        SubnetId=subnet, AllocationId=alloc["AllocationId"], ClientToken="nat-1",
        TagSpecifications=tag_spec("natgateway", Name="egress"))
    nat = made["NatGateway"]
    assert made["ClientToken"] == "nat-1"
    assert nat["State"] == "pending" and nat["ConnectivityType"] == "public"
    assert nat["NatGatewayAddresses"] == [{"AllocationId": alloc["AllocationId"]}]
    nat_id = nat["NatGatewayId"]
    assert nat_id.startswith("nat-") and tags_of(nat) == {"Name": "egress"}
    # The same client token gives back the same gateway.
    again = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc["AllocationId"], ClientToken="nat-1")
    assert again["NatGateway"]["NatGatewayId"] == nat_id

    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat_id], WaiterConfig={"Delay": 1})
    [seen] = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
    assert seen["State"] == "available" and seen["VpcId"] == vpc and seen["SubnetId"] == subnet
    [address] = seen["NatGatewayAddresses"]
    assert address["PublicIp"] == alloc["PublicIp"] and address["IsPrimary"] is True
    assert address["Status"] == "succeeded" and address["AssociationId"].startswith("eipassoc-")
    eni_id = address["NetworkInterfaceId"]

    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    assert eni["InterfaceType"] == "nat_gateway" and eni["RequesterManaged"] is True
    assert eni["Description"] == f"Interface for NAT Gateway {nat_id}"
    assert eni["PrivateIpAddress"] == address["PrivateIp"] and eni["Groups"] == []
    assert eni["Status"] == "in-use" and eni["SourceDestCheck"] is False
    assert eni["Attachment"]["AttachmentId"].startswith("ela-attach-")
    assert "InstanceId" not in eni["Attachment"]
    assert eni["Association"]["PublicIp"] == alloc["PublicIp"]
    [addr] = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"]
    assert addr["NetworkInterfaceId"] == eni_id and addr["PrivateIpAddress"] == address["PrivateIp"]
    subnet_seen = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    assert subnet_seen["AvailableIpAddressCount"] == 256 - 5 - 1

    # AWS manages the interface and the mapping, not the account.
    with aws_error("OperationNotPermitted"):
        ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    with aws_error("OperationNotPermitted"):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Description={"Value": "x"})
    with aws_error("AuthFailure", status=401):
        ec2.release_address(AllocationId=alloc["AllocationId"])
    with aws_error("DependencyViolation"):
        ec2.delete_subnet(SubnetId=subnet)

    # Routes to it; deleted, they turn blackhole and the address stays allocated, unmapped.
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id)
    with aws_error("InvalidParameterValue"):
        ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="2600::/64", NatGatewayId=nat_id)
    by_nat = ec2.describe_route_tables(Filters=[{"Name": "route.nat-gateway-id", "Values": [nat_id]}])
    assert [t["RouteTableId"] for t in by_nat["RouteTables"]] == [rtb]

    assert ec2.delete_nat_gateway(NatGatewayId=nat_id)["NatGatewayId"] == nat_id
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[nat_id], WaiterConfig={"Delay": 1})
    [gone] = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
    assert gone["State"] == "deleted" and "DeleteTime" in gone
    [route] = [r for r in ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
               if r.get("NatGatewayId") == nat_id]
    assert route["State"] == "blackhole"
    [addr] = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"]
    assert "AssociationId" not in addr
    with aws_error("InvalidNetworkInterfaceID.NotFound"):
        ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])
    with aws_error("InvalidNatGatewayID.NotFound"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.9.0.0/16", NatGatewayId=nat_id)
    ec2.release_address(AllocationId=alloc["AllocationId"])
    ec2.delete_subnet(SubnetId=subnet)


def test_a_private_gateway_has_no_public_address(aws):
    ec2 = aws("ec2")
    vpc, subnet = public_network(ec2, gateway=False)
    nat = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private",
                                 PrivateIpAddress="10.0.1.50", SecondaryPrivateIpAddressCount=2)["NatGateway"]
    assert nat["ConnectivityType"] == "private" and nat["NatGatewayAddresses"] == []
    [seen] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    addresses = seen["NatGatewayAddresses"]
    assert [a["PrivateIp"] for a in addresses][0] == "10.0.1.50" and len(addresses) == 3
    assert all("PublicIp" not in a and "AllocationId" not in a for a in addresses)
    with aws_error("InvalidParameterValue"):
        ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private",
                               AllocationId=ec2.allocate_address()["AllocationId"])
    with aws_error("MissingParameter"):
        ec2.create_nat_gateway(SubnetId=subnet)


def test_failures_are_reported_on_the_gateway_as_aws_does(aws):
    ec2 = aws("ec2")
    vpc, subnet = public_network(ec2, gateway=False)
    alloc = ec2.allocate_address()["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]
    assert nat["State"] == "failed"
    [seen] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert seen["State"] == "failed" and seen["FailureCode"] == "Gateway.NotAttached"
    assert seen["FailureMessage"] == f"Network {vpc} has no Internet gateway attached"
    # A failed gateway holds nothing: the subnet can go once it is deleted.
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    # Ids that do not exist at all are refused at once.
    with aws_error("InvalidAllocationID.NotFound"):
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId="eipalloc-0123456789abcdef0")
    with aws_error("InvalidSubnetID.NotFound"):
        ec2.create_nat_gateway(SubnetId="subnet-0123456789abcdef0", ConnectivityType="private")
    with aws_error("NatGatewayNotFound", message="NAT gateway nat-0123456789abcdef0 was not found"):
        ec2.describe_nat_gateways(NatGatewayIds=["nat-0123456789abcdef0"])
    with aws_error("NatGatewayNotFound"):
        ec2.delete_nat_gateway(NatGatewayId="nat-0123456789abcdef0")


def test_five_per_zone_filters_and_paging(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    a = new_subnet(ec2, vpc, "10.0.1.0/24", AvailabilityZone="us-east-1a")
    b = new_subnet(ec2, vpc, "10.0.2.0/24", AvailabilityZone="us-east-1b")
    made = [ec2.create_nat_gateway(SubnetId=a, ConnectivityType="private",
                                   TagSpecifications=tag_spec("natgateway", n=str(i)))["NatGateway"]["NatGatewayId"]
            for i in range(5)]
    with aws_error("NatGatewayLimitExceeded"):
        ec2.create_nat_gateway(SubnetId=a, ConnectivityType="private")
    other = ec2.create_nat_gateway(SubnetId=b, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    ec2.delete_nat_gateway(NatGatewayId=made[0])
    ec2.create_nat_gateway(SubnetId=a, ConnectivityType="private")

    def ids(**kw):
        return sorted(g["NatGatewayId"] for g in ec2.describe_nat_gateways(**kw)["NatGateways"])

    assert ids(Filter=[{"Name": "subnet-id", "Values": [b]}]) == [other]
    assert ids(Filter=[{"Name": "state", "Values": ["deleted"]}]) == [made[0]]
    assert ids(Filter=[{"Name": "tag:n", "Values": ["1", "2"]}]) == sorted(made[1:3])
    assert len(ids(Filter=[{"Name": "vpc-id", "Values": [vpc]}])) == 7
    pages = list(ec2.get_paginator("describe_nat_gateways").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["NatGateways"]) for p in pages] == [5, 2]
    with aws_error("InvalidParameterValue"):
        ec2.describe_nat_gateways(Filter=[{"Name": "bogus", "Values": ["x"]}])


def test_participants_cannot_see_or_make_gateways_in_the_shared_vpc(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc, subnet = public_network(eo)
    arn = eo.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["SubnetArn"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[arn], principals=[participant])
    nat = eo.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    with aws_error("NatGatewayNotFound"):
        ep.describe_nat_gateways(NatGatewayIds=[nat])
    assert ep.describe_nat_gateways()["NatGateways"] == []
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")


def test_secondary_addresses(aws):
    ec2 = aws("ec2")
    vpc, subnet = public_network(ec2)
    private = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    out = ec2.assign_private_nat_gateway_address(NatGatewayId=private, PrivateIpAddresses=["10.0.1.100"],
                                                 PrivateIpAddressCount=1)
    assert [(a["PrivateIp"], a["Status"]) for a in out["NatGatewayAddresses"]][0] == ("10.0.1.100", "assigning")
    [g] = ec2.describe_nat_gateways(NatGatewayIds=[private])["NatGateways"]
    assert len(g["NatGatewayAddresses"]) == 3 and all(a["Status"] == "succeeded" for a in g["NatGatewayAddresses"])
    primary = [a["PrivateIp"] for a in g["NatGatewayAddresses"] if a["IsPrimary"]][0]
    with aws_error("InvalidParameterValue"):
        ec2.unassign_private_nat_gateway_address(NatGatewayId=private, PrivateIpAddresses=[primary])
    ec2.unassign_private_nat_gateway_address(NatGatewayId=private, PrivateIpAddresses=["10.0.1.100"])
    [g] = ec2.describe_nat_gateways(NatGatewayIds=[private])["NatGateways"]
    assert "10.0.1.100" not in [a["PrivateIp"] for a in g["NatGatewayAddresses"]]
    with aws_error("InvalidParameterValue"):
        ec2.associate_nat_gateway_address(NatGatewayId=private, AllocationIds=[ec2.allocate_address()["AllocationId"]])

    first, second, third = (ec2.allocate_address() for _ in range(3))
    public = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=first["AllocationId"])["NatGateway"]["NatGatewayId"]
    out = ec2.associate_nat_gateway_address(NatGatewayId=public, AllocationIds=[second["AllocationId"]])
    [added] = out["NatGatewayAddresses"]
    assert added["Status"] == "associating" and added["PublicIp"] == second["PublicIp"]
    with aws_error("NatGatewayAddressLimitExceeded"):
        ec2.associate_nat_gateway_address(NatGatewayId=public, AllocationIds=[third["AllocationId"]])
    [g] = ec2.describe_nat_gateways(NatGatewayIds=[public])["NatGateways"]
    assert sorted(a["PublicIp"] for a in g["NatGatewayAddresses"]) == sorted([first["PublicIp"], second["PublicIp"]])
    primary_assoc = [a["AssociationId"] for a in g["NatGatewayAddresses"] if a["IsPrimary"]][0]
    with aws_error("InvalidParameterValue"):
        ec2.disassociate_nat_gateway_address(NatGatewayId=public, AssociationIds=[primary_assoc])
    ec2.disassociate_nat_gateway_address(NatGatewayId=public, AssociationIds=[added["AssociationId"]])
    [addr] = ec2.describe_addresses(AllocationIds=[second["AllocationId"]])["Addresses"]
    assert "AssociationId" not in addr
    ec2.release_address(AllocationId=second["AllocationId"])
