"""Virtual private gateways and customer gateways through boto3, strictly checked: attach and
detach with their rules, route propagation and routes to an attached gateway, customer gateways
(identical parameters give back the same one), and the empty answers of what cannot exist here
(VPN connections, carrier gateways, client VPN endpoints, ...)."""

from helpers import aws_error, new_vpc, tag_spec, tags_of


def test_virtual_private_gateways(aws):
    ec2 = aws("ec2")
    vpc, other = new_vpc(ec2, "10.0.0.0/16"), new_vpc(ec2, "10.1.0.0/16")
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010,
                                 TagSpecifications=tag_spec("vpn-gateway", Name="dc"))["VpnGateway"]
    gw = vgw["VpnGatewayId"]
    assert vgw["State"] == "available" and vgw["AmazonSideAsn"] == 65010 and tags_of(vgw) == {"Name": "dc"}
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    with aws_error("Gateway.NotAttached"):
        ec2.enable_vgw_route_propagation(GatewayId=gw, RouteTableId=rtb)
    with aws_error("InvalidParameterValue"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=gw)
    assert ec2.attach_vpn_gateway(VpnGatewayId=gw, VpcId=vpc)["VpcAttachment"] == {"VpcId": vpc, "State": "attaching"}
    with aws_error("Resource.AlreadyAssociated"):
        ec2.attach_vpn_gateway(VpnGatewayId=gw, VpcId=other)
    second = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    with aws_error("InvalidParameterValue"):
        ec2.attach_vpn_gateway(VpnGatewayId=second, VpcId=vpc)
    [seen] = ec2.describe_vpn_gateways(VpnGatewayIds=[gw])["VpnGateways"]
    assert seen["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]

    ec2.enable_vgw_route_propagation(GatewayId=gw, RouteTableId=rtb)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=gw)
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"]
    assert table["PropagatingVgws"] == [{"GatewayId": gw}]
    [route] = [r for r in table["Routes"] if r.get("GatewayId") == gw]
    assert route["State"] == "active"
    with aws_error("IncorrectState"):
        ec2.delete_vpn_gateway(VpnGatewayId=gw)
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)

    ec2.detach_vpn_gateway(VpnGatewayId=gw, VpcId=vpc)
    [seen] = ec2.describe_vpn_gateways(Filters=[{"Name": "attachment.state", "Values": ["detached"]}])["VpnGateways"]
    assert seen["VpnGatewayId"] == gw
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"]
    assert table["PropagatingVgws"] == []
    assert [r["State"] for r in table["Routes"] if r.get("GatewayId") == gw] == ["blackhole"]
    with aws_error("InvalidVpnGatewayAttachment.NotFound"):
        ec2.detach_vpn_gateway(VpnGatewayId=gw, VpcId=vpc)
    ec2.delete_vpn_gateway(VpnGatewayId=gw)
    with aws_error("InvalidVpnGatewayID.NotFound"):
        ec2.describe_vpn_gateways(VpnGatewayIds=[gw])
    with aws_error("InvalidParameterValue"):
        ec2.create_vpn_gateway(Type="ipsec.2")


def test_customer_gateways(aws):
    ec2 = aws("ec2")
    made = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65000, IpAddress="203.0.113.12",
                                       DeviceName="edge-1")["CustomerGateway"]
    assert made["State"] == "available" and made["BgpAsn"] == "65000" and made["IpAddress"] == "203.0.113.12"
    same = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65000, IpAddress="203.0.113.12")["CustomerGateway"]
    assert same["CustomerGatewayId"] == made["CustomerGatewayId"]
    big = ec2.create_customer_gateway(Type="ipsec.1", BgpAsnExtended=4200000001, IpAddress="203.0.113.13")["CustomerGateway"]
    assert big["BgpAsnExtended"] == "4200000001" and "BgpAsn" not in big
    found = ec2.describe_customer_gateways(Filters=[{"Name": "bgp-asn", "Values": ["65000"]}])["CustomerGateways"]
    assert [g["CustomerGatewayId"] for g in found] == [made["CustomerGatewayId"]]
    with aws_error("InvalidParameterValue"):
        ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65000, IpAddress="not-an-ip")
    ec2.delete_customer_gateway(CustomerGatewayId=made["CustomerGatewayId"])
    with aws_error("InvalidCustomerGatewayID.NotFound"):
        ec2.describe_customer_gateways(CustomerGatewayIds=[made["CustomerGatewayId"]])


def test_what_cannot_exist_here_is_listed_empty(aws):
    ec2 = aws("ec2")
    assert ec2.describe_vpn_connections()["VpnConnections"] == []
    assert ec2.describe_carrier_gateways()["CarrierGateways"] == []
    assert ec2.describe_transit_gateway_peering_attachments()["TransitGatewayPeeringAttachments"] == []
    assert ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"] == []
    assert ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"] == []
    assert ec2.describe_local_gateway_route_tables()["LocalGatewayRouteTables"] == []
    with aws_error("InvalidVpnConnectionID.NotFound"):
        ec2.describe_vpn_connections(VpnConnectionIds=["vpn-0123456789abcdef0"])
    with aws_error("NotImplemented", status=501):
        ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId="cgw-0123456789abcdef0",
                                  VpnGatewayId="vgw-0123456789abcdef0")
