"""Transit gateways through boto3, strictly checked: gateways and their options, VPC
attachments with their interfaces, default association and propagation, route tables with
static, blackhole and propagated routes, SearchTransitGatewayRoutes, VPC routes to a gateway,
and the hub shared through RAM: participants attach their own VPCs (accepted by the owner
unless auto-accept is on), outsiders cannot, participants cannot touch the owner's tables."""

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of


def tgw(ec2, **options):
    made = ec2.create_transit_gateway(Description="hub", Options=options,
                                      TagSpecifications=tag_spec("transit-gateway", Name="hub"))
    return made["TransitGateway"]


def attach(ec2, gw, vpc, *subnets, **kw):
    return ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=gw, VpcId=vpc, SubnetIds=list(subnets), **kw)["TransitGatewayVpcAttachment"]


def routes(ec2, table, **filters):
    f = [{"Name": k.replace("_", "-").replace("--", "."), "Values": [v]} for k, v in filters.items()]
    return ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table,
                                             Filters=f or [{"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]


def test_a_gateway_with_aws_defaults(aws):
    ec2 = aws("ec2")
    gw = tgw(ec2)
    assert gw["State"] == "pending" and gw["OwnerId"] == "111111111111" and tags_of(gw) == {"Name": "hub"}
    assert gw["TransitGatewayArn"] == f"arn:aws:ec2:us-east-1:111111111111:transit-gateway/{gw['TransitGatewayId']}"
    o = gw["Options"]
    assert o["AmazonSideAsn"] == 64512 and o["AutoAcceptSharedAttachments"] == "disable"
    assert o["DefaultRouteTableAssociation"] == "enable" and o["DefaultRouteTablePropagation"] == "enable"
    assert o["VpnEcmpSupport"] == "enable" and o["DnsSupport"] == "enable" and o["MulticastSupport"] == "disable"
    assert o["AssociationDefaultRouteTableId"] == o["PropagationDefaultRouteTableId"]
    [table] = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    assert table["TransitGatewayRouteTableId"] == o["AssociationDefaultRouteTableId"]
    assert table["DefaultAssociationRouteTable"] is True and table["State"] == "available"
    [seen] = ec2.describe_transit_gateways(TransitGatewayIds=[gw["TransitGatewayId"]])["TransitGateways"]
    assert seen["State"] == "available"

    plain = tgw(ec2, DefaultRouteTableAssociation="disable", DefaultRouteTablePropagation="disable",
                AmazonSideAsn=64600, TransitGatewayCidrBlocks=["10.99.0.0/24"])
    assert "AssociationDefaultRouteTableId" not in plain["Options"]
    assert plain["Options"]["TransitGatewayCidrBlocks"] == ["10.99.0.0/24"]
    with aws_error("InvalidParameterValue"):
        tgw(ec2, AmazonSideAsn=100)
    modified = ec2.modify_transit_gateway(TransitGatewayId=plain["TransitGatewayId"], Description="edge",
                                          Options={"AutoAcceptSharedAttachments": "enable"})["TransitGateway"]
    assert modified["State"] == "modifying" and modified["Options"]["AutoAcceptSharedAttachments"] == "enable"
    found = ec2.describe_transit_gateways(Filters=[{"Name": "options.auto-accept-shared-attachments",
                                                    "Values": ["enable"]}])["TransitGateways"]
    assert [g["Description"] for g in found] == ["edge"]
    with aws_error("InvalidTransitGatewayID.NotFound"):
        ec2.describe_transit_gateways(TransitGatewayIds=["tgw-0123456789abcdef0"])
    for _ in range(3):
        tgw(ec2)
    with aws_error("TransitGatewayLimitExceeded"):
        tgw(ec2)


def test_attachments_routes_and_the_vpc_side(aws):
    ec2 = aws("ec2")
    gw = tgw(ec2)
    gw_id, default_table = gw["TransitGatewayId"], gw["Options"]["AssociationDefaultRouteTableId"]
    vpc = new_vpc(ec2, "10.0.0.0/16")
    a = new_subnet(ec2, vpc, "10.0.1.0/24", AvailabilityZone="us-east-1a")
    b = new_subnet(ec2, vpc, "10.0.2.0/24", AvailabilityZone="us-east-1b")
    a2 = new_subnet(ec2, vpc, "10.0.3.0/24", AvailabilityZone="us-east-1a")
    with aws_error("DuplicateSubnetsInSameZone"):
        attach(ec2, gw_id, vpc, a, a2)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    with aws_error("InvalidTransitGatewayID.NotFound"):  # not attached yet
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.8.0.0/16", TransitGatewayId=gw_id)

    att = attach(ec2, gw_id, vpc, a, b, Options={"ApplianceModeSupport": "enable"},
                 TagSpecifications=tag_spec("transit-gateway-attachment", Name="spoke"))
    att_id = att["TransitGatewayAttachmentId"]
    assert att["State"] == "pending" and att["VpcOwnerId"] == "111111111111"
    assert att["Options"] == {"DnsSupport": "enable", "SecurityGroupReferencingSupport": "enable",
                              "Ipv6Support": "disable", "ApplianceModeSupport": "enable"}
    with aws_error("DuplicateTransitGatewayAttachment"):
        attach(ec2, gw_id, vpc, a)
    [seen] = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])["TransitGatewayVpcAttachments"]
    assert seen["State"] == "available" and sorted(seen["SubnetIds"]) == sorted([a, b])
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]
    assert len(enis) == 2 and all(e["InterfaceType"] == "transit_gateway" and e["RequesterManaged"] for e in enis)
    assert all(e["Description"] == f"Network Interface for Transit Gateway Attachment {att_id}" for e in enis)

    # The default table holds it and learns the VPC's block.
    [generic] = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])["TransitGatewayAttachments"]
    assert generic["Association"] == {"TransitGatewayRouteTableId": default_table, "State": "associated"}
    assert generic["ResourceType"] == "vpc" and generic["ResourceId"] == vpc
    [assoc] = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=default_table)["Associations"]
    assert assoc == {"TransitGatewayAttachmentId": att_id, "ResourceId": vpc, "ResourceType": "vpc", "State": "associated"}
    [learned] = routes(ec2, default_table, type="propagated")
    assert learned["DestinationCidrBlock"] == "10.0.0.0/16" and learned["State"] == "active"
    assert learned["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] == att_id

    # Static and blackhole routes; a static route beats a propagated one.
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=default_table, DestinationCidrBlock="0.0.0.0/0",
                                     TransitGatewayAttachmentId=att_id)
    hole = ec2.create_transit_gateway_route(TransitGatewayRouteTableId=default_table,
                                            DestinationCidrBlock="192.168.0.0/16", Blackhole=True)["Route"]
    assert hole["State"] == "blackhole" and hole["TransitGatewayAttachments"] == []
    with aws_error("RouteAlreadyExists"):
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=default_table, DestinationCidrBlock="0.0.0.0/0",
                                         Blackhole=True)
    assert [r["DestinationCidrBlock"] for r in routes(ec2, default_table, type="static")] == ["0.0.0.0/0", "192.168.0.0/16"]
    [exact] = routes(ec2, default_table, **{"route-search.exact-match": "192.168.0.0/16"})
    assert exact["Type"] == "static"
    [longest] = routes(ec2, default_table, **{"route-search.longest-prefix-match": "10.0.5.9/32"})
    assert longest["DestinationCidrBlock"] == "10.0.0.0/16"
    with aws_error("MissingParameter"):
        ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=default_table, Filters=[])

    # A second table; associations are one per attachment.
    other = ec2.create_transit_gateway_route_table(TransitGatewayId=gw_id)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    with aws_error("Resource.AlreadyAssociated"):
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att_id)
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=default_table, TransitGatewayAttachmentId=att_id)
    moved = ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=other,
                                                      TransitGatewayAttachmentId=att_id)["Association"]
    assert moved["State"] == "associating" and moved["ResourceId"] == vpc
    with aws_error("InvalidAssociation.NotFound"):
        ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=default_table,
                                                     TransitGatewayAttachmentId=att_id)
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att_id)
    with aws_error("TransitGatewayRouteTablePropagation.Duplicate"):
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att_id)
    ec2.disable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att_id)
    with aws_error("TransitGatewayRouteTablePropagation.NotFound"):
        ec2.disable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att_id)
    with aws_error("IncorrectState"):
        ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=other)

    # The VPC's side: a route to the gateway.
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.8.0.0/16", TransitGatewayId=gw_id)
    [r] = [r for r in ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
           if r.get("TransitGatewayId") == gw_id]
    assert r["State"] == "active"
    found = ec2.describe_route_tables(Filters=[{"Name": "route.transit-gateway-id", "Values": [gw_id]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [rtb]

    # Deleting: the gateway waits for its attachments; a deleted attachment stays described.
    with aws_error("IncorrectState"):
        ec2.delete_transit_gateway(TransitGatewayId=gw_id)
    gone = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)["TransitGatewayVpcAttachment"]
    assert gone["State"] == "deleting"
    [seen] = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])["TransitGatewayVpcAttachments"]
    assert seen["State"] == "deleted"
    assert ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"] == []
    [r] = [r for r in ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
           if r.get("TransitGatewayId") == gw_id]
    assert r["State"] == "blackhole"
    [static] = routes(ec2, default_table, **{"route-search.exact-match": "0.0.0.0/0"})
    assert static["State"] == "blackhole"
    ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="10.8.0.0/16")
    ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=other)
    assert ec2.delete_transit_gateway(TransitGatewayId=gw_id)["TransitGateway"]["State"] == "deleting"
    with aws_error("InvalidTransitGatewayID.NotFound"):
        ec2.describe_transit_gateways(TransitGatewayIds=[gw_id])
    with aws_error("InvalidRouteTableID.NotFound"):
        ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[default_table])


def test_the_hub_shared_through_ram(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    network, app = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    en, ea = aws("ec2", network), aws("ec2", app)
    gw = tgw(en)
    gw_id, table = gw["TransitGatewayId"], gw["Options"]["AssociationDefaultRouteTableId"]
    app_vpc = new_vpc(ea, "10.1.0.0/16")
    app_subnet = new_subnet(ea, app_vpc, "10.1.1.0/24")

    # Before the share the app account sees nothing.
    with aws_error("InvalidTransitGatewayID.NotFound"):
        attach(ea, gw_id, app_vpc, app_subnet)
    share = aws("ram", network).create_resource_share(
        name="hub", resourceArns=[gw["TransitGatewayArn"]], principals=[app])["resourceShare"]
    [seen] = ea.describe_transit_gateways(TransitGatewayIds=[gw_id])["TransitGateways"]
    assert seen["OwnerId"] == network and seen.get("Tags", []) == []

    att = attach(ea, gw_id, app_vpc, app_subnet)
    att_id = att["TransitGatewayAttachmentId"]
    assert att["State"] == "pendingAcceptance"
    [pending] = en.describe_transit_gateway_attachments(
        Filters=[{"Name": "state", "Values": ["pendingAcceptance"]}])["TransitGatewayAttachments"]
    assert pending["ResourceOwnerId"] == app and pending["TransitGatewayOwnerId"] == network
    with aws_error("UnauthorizedOperation", status=403):
        ea.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
    accepted = en.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)["TransitGatewayVpcAttachment"]
    assert accepted["State"] == "pending"
    with aws_error("IncorrectState"):
        en.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
    assert [r["DestinationCidrBlock"] for r in routes(en, table, type="propagated")] == ["10.1.0.0/16"]

    # The participant routes its VPC to the hub but cannot touch the owner's tables.
    app_rtb = ea.create_route_table(VpcId=app_vpc)["RouteTable"]["RouteTableId"]
    ea.create_route(RouteTableId=app_rtb, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=gw_id)
    with aws_error("InvalidRouteTableID.NotFound"):
        ea.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                                        TransitGatewayAttachmentId=att_id)
    with aws_error("InvalidRouteTableID.NotFound"):
        ea.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)
    with aws_error("UnauthorizedOperation", status=403):
        ea.delete_transit_gateway(TransitGatewayId=gw_id)

    # An outsider cannot attach.
    outsider = aws("ec2", "999999999999")
    out_vpc = new_vpc(outsider, "10.2.0.0/16")
    out_subnet = new_subnet(outsider, out_vpc, "10.2.1.0/24")
    with aws_error("InvalidTransitGatewayID.NotFound"):
        attach(outsider, gw_id, out_vpc, out_subnet)

    # With auto-accept on, a second participant VPC is available at once; rejection ends one.
    en.modify_transit_gateway(TransitGatewayId=gw_id, Options={"AutoAcceptSharedAttachments": "enable"})
    second_vpc = new_vpc(ea, "10.3.0.0/16")
    second = attach(ea, gw_id, second_vpc, new_subnet(ea, second_vpc, "10.3.1.0/24"))
    assert second["State"] == "pending"
    en.modify_transit_gateway(TransitGatewayId=gw_id, Options={"AutoAcceptSharedAttachments": "disable"})
    third_vpc = new_vpc(ea, "10.4.0.0/16")
    third = attach(ea, gw_id, third_vpc, new_subnet(ea, third_vpc, "10.4.1.0/24"))["TransitGatewayAttachmentId"]
    rejected = en.reject_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=third)["TransitGatewayVpcAttachment"]
    assert rejected["State"] == "rejecting"
    [r] = ea.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[third])["TransitGatewayVpcAttachments"]
    assert r["State"] == "rejected"

    # When the share ends the attachment keeps working; the gateway is no longer seen.
    aws("ram", network).delete_resource_share(resourceShareArn=share["resourceShareArn"])
    with aws_error("InvalidTransitGatewayID.NotFound"):
        ea.describe_transit_gateways(TransitGatewayIds=[gw_id])
    [still] = ea.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])["TransitGatewayVpcAttachments"]
    assert still["State"] == "available"
    en.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)


def test_peering_between_regions_and_accounts(aws):
    """A hub in us-east-1 peers with another account's hub in eu-west-1: the accepter answers,
    both ends see the one attachment from their side and route over it statically."""
    east, west = aws("ec2"), aws("ec2", "222222222222", "eu-west-1")
    g1 = tgw(east)["TransitGatewayId"]
    g2 = tgw(west)["TransitGatewayId"]
    ask = dict(TransitGatewayId=g1, PeerTransitGatewayId=g2, PeerAccountId="222222222222", PeerRegion="eu-west-1")
    with aws_error("InvalidTransitGatewayID.NotFound"):
        east.create_transit_gateway_peering_attachment(**{**ask, "PeerRegion": "us-west-2"})
    with aws_error("InvalidParameterValue"):
        east.create_transit_gateway_peering_attachment(**{**ask, "PeerRegion": "mars-north-1"})
    made = east.create_transit_gateway_peering_attachment(
        **ask, TagSpecifications=tag_spec("transit-gateway-attachment", Name="east-west"))["TransitGatewayPeeringAttachment"]
    pid = made["TransitGatewayAttachmentId"]
    assert made["State"] == "initiatingRequest" and tags_of(made) == {"Name": "east-west"}
    assert made["RequesterTgwInfo"] == {"TransitGatewayId": g1, "OwnerId": "111111111111", "Region": "us-east-1"}
    assert made["AccepterTgwInfo"] == {"TransitGatewayId": g2, "OwnerId": "222222222222", "Region": "eu-west-1"}
    with aws_error("DuplicateTransitGatewayAttachment"):
        east.create_transit_gateway_peering_attachment(**ask)

    # The accepter sees it pending, without the requester's tags; the requester cannot accept.
    [seen] = west.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[pid])[
        "TransitGatewayPeeringAttachments"]
    assert seen["State"] == "pendingAcceptance" and seen["Status"]["Code"] == "pendingAcceptance"
    assert seen["Tags"] == []
    with aws_error("UnauthorizedOperation", 403):
        east.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)
    with aws_error("InvalidTransitGatewayAttachmentID.NotFound"):
        west.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=pid)
    # Neither Region's other accounts see it.
    assert aws("ec2", "333333333333", "eu-west-1").describe_transit_gateway_peering_attachments()[
        "TransitGatewayPeeringAttachments"] == []
    assert west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)[
        "TransitGatewayPeeringAttachment"]["State"] == "pending"

    # Each end lists it as a peering leading to the other gateway; the VPC list leaves it out.
    [from_east] = east.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[pid])["TransitGatewayAttachments"]
    assert (from_east["TransitGatewayId"], from_east["ResourceType"], from_east["ResourceId"],
            from_east["ResourceOwnerId"], from_east["State"]) == (g1, "peering", g2, "222222222222", "available")
    [from_west] = west.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["peering"]}])["TransitGatewayAttachments"]
    assert (from_west["TransitGatewayId"], from_west["ResourceId"]) == (g2, g1)
    assert east.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"] == []
    remote = east.describe_transit_gateway_peering_attachments(
        Filters=[{"Name": "remote-owner-id", "Values": ["222222222222"]}])["TransitGatewayPeeringAttachments"]
    assert [p["TransitGatewayAttachmentId"] for p in remote] == [pid]

    # Static routes only, on each end's own table; no propagation.
    t1 = east.describe_transit_gateways(TransitGatewayIds=[g1])["TransitGateways"][0]["Options"]["AssociationDefaultRouteTableId"]
    t2 = west.describe_transit_gateways(TransitGatewayIds=[g2])["TransitGateways"][0]["Options"]["AssociationDefaultRouteTableId"]
    assert "Association" not in from_east
    with aws_error("InvalidParameterValue", message="peering"):
        east.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=t1, TransitGatewayAttachmentId=pid)
    east.associate_transit_gateway_route_table(TransitGatewayRouteTableId=t1, TransitGatewayAttachmentId=pid)
    west.associate_transit_gateway_route_table(TransitGatewayRouteTableId=t2, TransitGatewayAttachmentId=pid)
    east.create_transit_gateway_route(TransitGatewayRouteTableId=t1, DestinationCidrBlock="10.200.0.0/16",
                                      TransitGatewayAttachmentId=pid)
    [route] = routes(east, t1)
    assert route["TransitGatewayAttachments"] == [
        {"ResourceId": g2, "TransitGatewayAttachmentId": pid, "ResourceType": "peering"}]
    [assoc] = west.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=t2)["Associations"]
    assert (assoc["ResourceId"], assoc["ResourceType"]) == (g1, "peering")

    # Neither gateway can go while the peering lives; either end may delete it.
    with aws_error("IncorrectState"):
        west.delete_transit_gateway(TransitGatewayId=g2)
    assert west.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)[
        "TransitGatewayPeeringAttachment"]["State"] == "deleting"
    [gone] = east.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[pid])[
        "TransitGatewayPeeringAttachments"]
    assert gone["State"] == "deleted"
    assert routes(east, t1)[0]["State"] == "blackhole"
    east.delete_transit_gateway_route(TransitGatewayRouteTableId=t1, DestinationCidrBlock="10.200.0.0/16")
    west.delete_transit_gateway(TransitGatewayId=g2)


def test_a_rejected_peering_ends(aws):
    east, west = aws("ec2"), aws("ec2", "111111111111", "us-west-2")
    g1, g2 = tgw(east)["TransitGatewayId"], tgw(west)["TransitGatewayId"]
    pid = east.create_transit_gateway_peering_attachment(
        TransitGatewayId=g1, PeerTransitGatewayId=g2, PeerAccountId="111111111111",
        PeerRegion="us-west-2")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    assert west.reject_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)[
        "TransitGatewayPeeringAttachment"]["State"] == "rejecting"
    [seen] = east.describe_transit_gateway_peering_attachments(
        Filters=[{"Name": "state", "Values": ["rejected"]}])["TransitGatewayPeeringAttachments"]
    assert seen["TransitGatewayAttachmentId"] == pid
    with aws_error("IncorrectState"):
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)
    east.delete_transit_gateway(TransitGatewayId=g1)
