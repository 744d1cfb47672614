"""Route tables through boto3, strictly checked: the default VPC's route to its gateway, custom
tables, routes to gateways, egress-only gateways, interfaces and peerings with AWS's errors,
blackholes, subnet and main associations, filters, and what participants may do."""

from helpers import aws_error, new_members, new_vpc, tag_spec, tags_of

A = "111111111111"


def table(ec2, rtb):
    [t] = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"]
    return t


def routes(t):
    return [(r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock"),
             r.get("GatewayId") or r.get("EgressOnlyInternetGatewayId") or r.get("NetworkInterfaceId")
             or r.get("VpcPeeringConnectionId"), r["State"], r["Origin"]) for r in t["Routes"]]


def test_the_default_vpc_routes_to_its_gateway(aws):
    ec2 = aws("ec2")
    [default] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    [main] = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]},
                                                {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    [gw] = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [default["VpcId"]]}])["InternetGateways"]
    assert routes(main) == [("172.31.0.0/16", "local", "active", "CreateRouteTable"),
                            ("0.0.0.0/0", gw["InternetGatewayId"], "active", "CreateRoute")]
    found = ec2.describe_route_tables(
        Filters=[{"Name": "route.gateway-id", "Values": [gw["InternetGatewayId"]]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [main["RouteTableId"]]


def test_custom_tables_routes_and_blackholes(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    v6 = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    made = ec2.create_route_table(VpcId=vpc, TagSpecifications=tag_spec("route-table", Name="public"))["RouteTable"]
    rtb = made["RouteTableId"]
    assert rtb.startswith("rtb-") and made["Associations"] == [] and tags_of(made) == {"Name": "public"}
    assert routes(made) == [("10.0.0.0/16", "local", "active", "CreateRouteTable"),
                            (v6, "local", "active", "CreateRouteTable")]

    gw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    # A gateway not attached to this VPC is another network's.
    with aws_error("InvalidParameterValue", message="belong to different networks"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)
    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    assert ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)["Return"] is True
    with aws_error("RouteAlreadyExists", message="The route identified by 0.0.0.0/0 already exists."):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)
    with aws_error("InvalidParameterValue", message="equal to or more specific than"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.0.5.0/24", GatewayId=gw)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    with aws_error("InvalidParameterValue"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.0.2.0/24", EgressOnlyInternetGatewayId=eigw)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.0.2.0/24", NetworkInterfaceId=eni)
    with aws_error("InvalidParameterCombination"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="198.51.100.0/24")
    with aws_error("InvalidRouteTableID.NotFound"):
        ec2.create_route(RouteTableId="rtb-0123456789abcdef0", DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)

    assert routes(table(ec2, rtb))[2:] == [
        ("0.0.0.0/0", gw, "active", "CreateRoute"),
        ("::/0", eigw, "active", "CreateRoute"),
        ("192.0.2.0/24", eni, "active", "CreateRoute"),
    ]
    # Replace, then break the targets: the routes stay, as blackholes.
    ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="192.0.2.0/24", GatewayId=gw)
    with aws_error("InvalidParameterValue", message="Use CreateRoute instead."):
        ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="203.0.113.0/24", GatewayId=gw)
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    states = {d: s for d, _, s, _ in routes(table(ec2, rtb))}
    assert states["0.0.0.0/0"] == "blackhole" and states["192.0.2.0/24"] == "blackhole" and states["::/0"] == "active"
    found = ec2.describe_route_tables(Filters=[{"Name": "route.destination-cidr-block", "Values": ["192.0.2.0/24"]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [rtb]

    ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    with aws_error("InvalidRoute.NotFound"):
        ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_route_table(RouteTableId=rtb)
    with aws_error("InvalidRouteTableID.NotFound"):
        ec2.describe_route_tables(RouteTableIds=[rtb])


def test_subnet_and_main_associations(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    [main] = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    [main_assoc] = main["Associations"]
    assert main_assoc["Main"] is True
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    other = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]

    answer = ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    assoc = answer["AssociationId"]
    assert assoc.startswith("rtbassoc-") and answer["AssociationState"] == {"State": "associated"}
    with aws_error("Resource.AlreadyAssociated"):
        ec2.associate_route_table(RouteTableId=other, SubnetId=subnet)
    [a] = table(ec2, rtb)["Associations"]
    assert (a["SubnetId"], a["Main"], a["RouteTableAssociationId"]) == (subnet, False, assoc)
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [rtb]
    with aws_error("DependencyViolation"):
        ec2.delete_route_table(RouteTableId=rtb)

    moved = ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=other)["NewAssociationId"]
    assert moved != assoc and table(ec2, rtb)["Associations"] == []
    assert [x["SubnetId"] for x in table(ec2, other)["Associations"]] == [subnet]
    with aws_error("InvalidAssociationID.NotFound"):
        ec2.disassociate_route_table(AssociationId=assoc)
    ec2.disassociate_route_table(AssociationId=moved)
    with aws_error("InvalidParameterValue"):
        ec2.disassociate_route_table(AssociationId=main_assoc["RouteTableAssociationId"])

    # The main association moves too, and the old main table becomes deletable.
    new_main = ec2.replace_route_table_association(
        AssociationId=main_assoc["RouteTableAssociationId"], RouteTableId=rtb)["NewAssociationId"]
    mains = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                               {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert [(t["RouteTableId"], t["Associations"][0]["RouteTableAssociationId"]) for t in mains] == [(rtb, new_main)]
    ec2.delete_route_table(RouteTableId=main["RouteTableId"])
    # A deleted subnet takes its association with it.
    ec2.associate_route_table(RouteTableId=other, SubnetId=subnet)
    ec2.delete_subnet(SubnetId=subnet)
    assert table(ec2, other)["Associations"] == []


def test_participants_read_the_shared_vpc_s_tables_but_cannot_change_them(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo, "10.0.0.0/16")
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    rtb = eo.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    eo.associate_route_table(RouteTableId=rtb, SubnetId=subnet["SubnetId"])
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])

    assert table(ep, rtb)["OwnerId"] == owner
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NetworkInterfaceId="eni-0123456789abcdef0")
    with aws_error("UnauthorizedOperation", status=403):
        ep.delete_route_table(RouteTableId=rtb)
    with aws_error("InvalidVpcID.NotFound"):
        aws("ec2", "999999999999").create_route_table(VpcId=vpc)


def test_routes_to_customer_managed_prefix_lists(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.4.0.0/16")
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    gw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    pl = ec2.create_managed_prefix_list(PrefixListName="partners", AddressFamily="IPv4", MaxEntries=10,
                                        Entries=[{"Cidr": "198.51.100.0/24"}])["PrefixList"]["PrefixListId"]
    ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=pl, GatewayId=gw)
    with aws_error("RouteAlreadyExists"):
        ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=pl, GatewayId=gw)
    [route] = [r for r in table(ec2, rtb)["Routes"] if r.get("DestinationPrefixListId")]
    assert route == {"DestinationPrefixListId": pl, "GatewayId": gw, "Origin": "CreateRoute", "State": "active"}
    found = ec2.describe_route_tables(Filters=[{"Name": "route.destination-prefix-list-id", "Values": [pl]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [rtb]

    # An AWS-managed list cannot be a route's destination; an unknown one is not found.
    [s3] = ec2.describe_prefix_lists(Filters=[{"Name": "prefix-list-name",
                                               "Values": ["com.amazonaws.us-east-1.s3"]}])["PrefixLists"]
    with aws_error("InvalidParameterValue", message="AWS-managed"):
        ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=s3["PrefixListId"], GatewayId=gw)
    with aws_error("InvalidPrefixListID.NotFound"):
        ec2.create_route(RouteTableId=rtb, DestinationPrefixListId="pl-0123456789abcdef0", GatewayId=gw)

    # The list counts its maximum size against the table's 50 IPv4 routes, resizing included.
    big = ec2.create_managed_prefix_list(PrefixListName="big", AddressFamily="IPv4",
                                         MaxEntries=41)["PrefixList"]["PrefixListId"]
    with aws_error("RouteLimitExceeded"):
        ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=big, GatewayId=gw)
    with aws_error("RouteLimitExceeded"):
        ec2.modify_managed_prefix_list(PrefixListId=pl, MaxEntries=51)
    ec2.replace_route(RouteTableId=rtb, DestinationPrefixListId=pl, NetworkInterfaceId=ec2.create_network_interface(
        SubnetId=ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"])

    # A referenced list cannot be deleted; once the route goes, it can.
    with aws_error("DependencyViolation"):
        ec2.delete_managed_prefix_list(PrefixListId=pl)
    ec2.delete_route(RouteTableId=rtb, DestinationPrefixListId=pl)
    with aws_error("InvalidRoute.NotFound", message="destination-prefix-list-id"):
        ec2.delete_route(RouteTableId=rtb, DestinationPrefixListId=pl)
    ec2.delete_managed_prefix_list(PrefixListId=pl)


def test_gateway_route_tables(aws):
    """An edge association: the internet gateway's inbound traffic goes through an appliance."""
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.5.0.0/16")
    app = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    appliance = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.2.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=appliance)["NetworkInterface"]["NetworkInterfaceId"]
    gw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    edge = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    with aws_error("InvalidParameterValue", message="different networks"):
        ec2.associate_route_table(RouteTableId=edge, GatewayId=gw)
    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    made = ec2.associate_route_table(RouteTableId=edge, GatewayId=gw)
    assoc = made["AssociationId"]
    assert made["AssociationState"] == {"State": "associated"}
    with aws_error("Resource.AlreadyAssociated"):
        ec2.associate_route_table(RouteTableId=edge, GatewayId=gw)
    with aws_error("InvalidParameterCombination"):
        ec2.associate_route_table(RouteTableId=edge, GatewayId=gw, SubnetId=app)

    # Only whole subnets, through an interface.
    ec2.create_route(RouteTableId=edge, DestinationCidrBlock="10.5.1.0/24", NetworkInterfaceId=eni)
    with aws_error("InvalidParameterValue", message="associated with a gateway"):
        ec2.create_route(RouteTableId=edge, DestinationCidrBlock="10.5.1.0/25", NetworkInterfaceId=eni)
    with aws_error("InvalidParameterValue", message="associated with a gateway"):
        ec2.create_route(RouteTableId=edge, DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)

    [t] = ec2.describe_route_tables(Filters=[{"Name": "association.gateway-id", "Values": [gw]}])["RouteTables"]
    assert t["RouteTableId"] == edge
    assert t["Associations"] == [{"Main": False, "RouteTableAssociationId": assoc, "RouteTableId": edge,
                                  "GatewayId": gw, "AssociationState": {"State": "associated"}}]
    found = ec2.describe_route_tables(Filters=[{"Name": "association.route-table-association-id", "Values": [assoc]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [edge]

    # A table with other routes cannot take the association; one with fitting routes can.
    other = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=other, DestinationCidrBlock="0.0.0.0/0", GatewayId=gw)
    with aws_error("InvalidParameterValue", message="associated with a gateway"):
        ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=other)
    ec2.delete_route(RouteTableId=other, DestinationCidrBlock="0.0.0.0/0")
    moved = ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=other)["NewAssociationId"]
    assert [a["GatewayId"] for a in table(ec2, other)["Associations"]] == [gw]
    with aws_error("DependencyViolation"):
        ec2.delete_route_table(RouteTableId=other)
    ec2.disassociate_route_table(AssociationId=moved)
    assert table(ec2, other)["Associations"] == []
    ec2.delete_route_table(RouteTableId=other)


def test_the_local_route_through_an_appliance_and_back(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.6.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    gw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    with aws_error("RouteAlreadyExists"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.6.0.0/16", NetworkInterfaceId=eni)
    with aws_error("InvalidParameterValue"):
        ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="10.6.0.0/16", GatewayId=gw)
    with aws_error("InvalidParameterValue", message="cannot remove local route"):
        ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="10.6.0.0/16")
    ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="10.6.0.0/16", NetworkInterfaceId=eni)
    [local] = table(ec2, rtb)["Routes"]
    assert local == {"DestinationCidrBlock": "10.6.0.0/16", "NetworkInterfaceId": eni, "Origin": "CreateRouteTable",
                     "State": "active"}
    ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="10.6.0.0/16", LocalTarget=True)
    [local] = table(ec2, rtb)["Routes"]
    assert local["GatewayId"] == "local" and "NetworkInterfaceId" not in local
    with aws_error("InvalidParameterValue"):
        ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="192.0.2.0/24", LocalTarget=True)
