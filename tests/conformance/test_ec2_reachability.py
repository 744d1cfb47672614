"""Reachability Analyzer through boto3, strictly checked: network insights paths and analyses,
each scenario written from AWS's documentation with the explanation code AWS gives — groups
both ways (stateful), ACLs both ways (stateless, rule order), routes (longest prefix,
blackholes), peering, transit gateways, internet and NAT gateways, Block Public Access, shared
subnets and referenced groups across accounts."""

import pytest

from helpers import aws_error, new_members, new_sg, tag_spec, tags_of, tcp

M = "111111111111"


def analyse(ec2, source, destination=None, port=443, protocol="tcp", **kw):
    """Create a path, start an analysis, and return the analysis as DescribeNetworkInsightsAnalyses gives it."""
    args = {"Source": source, "Protocol": protocol, **kw}
    if destination:
        args["Destination"] = destination
    if port is not None:
        args["DestinationPort"] = port
    path = ec2.create_network_insights_path(**args)["NetworkInsightsPath"]["NetworkInsightsPathId"]
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path)["NetworkInsightsAnalysis"]
    assert started["Status"] == "running" and started["NetworkInsightsPathId"] == path
    [done] = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"]
    assert done["Status"] == "succeeded"
    return done


def codes(a):
    return [e["ExplanationCode"] for e in a["Explanations"]]


def kinds(a, which="ForwardPathComponents"):
    return [c["Component"]["Id"].rsplit("-", 1)[0] for c in a[which]]


def eni(ec2, subnet, *groups, **kw):
    args = {"SubnetId": subnet, **kw}
    if groups:
        args["Groups"] = list(groups)
    return ec2.create_network_interface(**args)["NetworkInterface"]["NetworkInterfaceId"]


@pytest.fixture
def net(aws):
    """One VPC, two subnets in two zones, a `web` group open on 443 to the VPC and a `client`
    group; clients in subnet a, a web server in subnet b."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    web = new_sg(ec2, vpc, "web")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[tcp(443, "10.0.0.0/16")])
    client = new_sg(ec2, vpc, "client")
    return {"ec2": ec2, "vpc": vpc, "a": a, "b": b, "web": web, "client": client,
            "src": eni(ec2, a, client), "dst": eni(ec2, b, web), "near": eni(ec2, a, web)}


def test_within_a_subnet_groups_decide(net):
    ec2 = net["ec2"]
    found = analyse(ec2, net["src"], net["near"])
    assert found["NetworkPathFound"] is True and found["Explanations"] == []
    # No ACL inside a subnet: the interface, its group, the route, the other group, the interface.
    assert kinds(found) == ["eni", "sg", "rtb", "sg", "eni"]
    [ingress] = [c for c in found["ForwardPathComponents"] if c.get("SecurityGroupRule", {}).get("Direction") == "ingress"]
    assert ingress["SecurityGroupRule"] == {"Cidr": "10.0.0.0/16", "Direction": "ingress", "SecurityGroupId": net["web"],
                                            "PortRange": {"From": 443, "To": 443}, "Protocol": "tcp"}
    first = found["ForwardPathComponents"][0]
    assert first["SequenceNumber"] == 1 and first["OutboundHeader"]["Protocol"] == "6"
    assert first["OutboundHeader"]["DestinationPortRanges"] == [{"From": 443, "To": 443}]
    assert kinds(found, "ReturnPathComponents")[0] == "eni"
    blocked = analyse(ec2, net["src"], net["near"], port=22)
    assert blocked["NetworkPathFound"] is False and codes(blocked) == ["ENI_SG_RULES_MISMATCH"]
    [why] = blocked["Explanations"]
    assert why["Direction"] == "ingress" and why["NetworkInterface"]["Id"] == net["near"]
    assert [g["Id"] for g in why["SecurityGroups"]] == [net["web"]]
    assert why["Vpc"]["Id"] == net["vpc"] and why["Subnet"]["Id"] == net["a"]


def test_across_subnets_the_default_acl_allows(net):
    found = analyse(net["ec2"], net["src"], net["dst"])
    assert found["NetworkPathFound"] is True
    assert kinds(found) == ["eni", "sg", "acl", "rtb", "acl", "sg", "eni"]
    [acl_out] = [c for c in found["ForwardPathComponents"] if "AclRule" in c][:1]
    assert acl_out["AclRule"] == {"Cidr": "0.0.0.0/0", "Egress": True, "Protocol": "all", "RuleAction": "allow",
                                  "RuleNumber": 100}
    [route] = [c["RouteTableRoute"] for c in found["ForwardPathComponents"] if "RouteTableRoute" in c]
    assert route == {"DestinationCidr": "10.0.0.0/16", "GatewayId": "local", "Origin": "createroutetable",
                     "State": "active"}
    assert kinds(found, "ReturnPathComponents") == ["eni", "acl", "acl", "eni"]


def test_egress_rules_of_the_source_group(net):
    ec2 = net["ec2"]
    ec2.revoke_security_group_egress(GroupId=net["client"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    a = analyse(ec2, net["src"], net["dst"])
    assert codes(a) == ["ENI_SG_RULES_MISMATCH"] and a["Explanations"][0]["Direction"] == "egress"
    ec2.authorize_security_group_egress(GroupId=net["client"], IpPermissions=[tcp(443, "10.0.2.0/24")])
    assert analyse(ec2, net["src"], net["dst"])["NetworkPathFound"] is True
    assert codes(analyse(ec2, net["src"], net["dst"], port=80)) == ["ENI_SG_RULES_MISMATCH"]


def test_a_group_reference_admits_its_members_only(net):
    ec2 = net["ec2"]
    db = new_sg(ec2, net["vpc"], "db")
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": net["web"]}]}])
    server = eni(ec2, net["b"], db)
    found = analyse(ec2, net["near"], server, port=5432)
    assert found["NetworkPathFound"] is True
    [rule] = [c["SecurityGroupRule"] for c in found["ForwardPathComponents"]
              if c.get("SecurityGroupRule", {}).get("Direction") == "ingress"]
    assert rule["SecurityGroupId"] == db and "Cidr" not in rule
    assert codes(analyse(ec2, net["src"], server, port=5432)) == ["ENI_SG_RULES_MISMATCH"]


def test_an_acl_deny_before_the_allow(net):
    ec2 = net["ec2"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkAcls"]
    ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Protocol="6", RuleAction="deny",
                                 Egress=False, CidrBlock="10.0.1.0/24", PortRange={"From": 443, "To": 443})
    a = analyse(ec2, net["src"], net["dst"])
    assert codes(a) == ["SUBNET_ACL_RESTRICTION"]
    [why] = a["Explanations"]
    assert why["Direction"] == "ingress" and why["Acl"]["Id"] == acl["NetworkAclId"]
    assert why["AclRule"]["RuleNumber"] == 50 and why["AclRule"]["RuleAction"] == "deny"
    # Other ports still pass that ACL (the group then decides), and the same subnet skips it.
    assert codes(analyse(ec2, net["src"], net["dst"], port=80)) == ["ENI_SG_RULES_MISMATCH"]
    assert analyse(ec2, net["src"], net["near"])["NetworkPathFound"] is True


def test_acls_are_stateless_the_reply_needs_its_own_rule(net):
    ec2 = net["ec2"]
    vpc, a, b = net["vpc"], net["a"], net["b"]
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                     Egress=egress, CidrBlock="10.0.0.0/16", PortRange={"From": 443, "To": 443})
    [assoc] = [x for x in ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [b]}])[
        "NetworkAcls"][0]["Associations"] if x["SubnetId"] == b]
    ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)
    # In on 443 passes; the reply to a client's ephemeral port does not (source port 443
    # itself would come back: the path holds for some packet, as the analyzer asks).
    ephemeral = {"SourcePortRange": {"FromPort": 1024, "ToPort": 65535},
                 "DestinationPortRange": {"FromPort": 443, "ToPort": 443}}
    assert analyse(ec2, net["src"], net["dst"])["NetworkPathFound"] is True
    blocked = analyse(ec2, net["src"], net["dst"], port=None, FilterAtSource=ephemeral)
    assert blocked["NetworkPathFound"] is False and codes(blocked) == ["SUBNET_ACL_RESTRICTION"]
    [why] = blocked["Explanations"]
    assert why["Direction"] == "egress" and why["Acl"]["Id"] == acl and why["AclRule"]["RuleNumber"] == 32767
    assert blocked["ForwardPathComponents"][-1]["Component"]["Id"] == net["dst"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="6", RuleAction="allow", Egress=True,
                                 CidrBlock="10.0.0.0/16", PortRange={"From": 1024, "To": 65535})
    found = analyse(ec2, net["src"], net["dst"], port=None, FilterAtSource=ephemeral)
    assert found["NetworkPathFound"] is True
    reply = [c for c in found["ReturnPathComponents"] if "AclRule" in c]
    assert reply[0]["AclRule"]["RuleNumber"] == 110
    # Narrowed to a source port neither rule lets back, the path is not found.
    narrowed = analyse(ec2, net["src"], net["dst"], port=None, FilterAtSource={
        "SourcePortRange": {"FromPort": 80, "ToPort": 80}, "DestinationPortRange": {"FromPort": 443, "ToPort": 443}})
    assert codes(narrowed) == ["SUBNET_ACL_RESTRICTION"]


def test_peering_needs_routes_both_ways(aws):
    ec2 = aws("ec2")
    v1 = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    v2 = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    s1 = ec2.create_subnet(VpcId=v1, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    s2 = ec2.create_subnet(VpcId=v2, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    g1, g2 = new_sg(ec2, v1, "client"), new_sg(ec2, v2, "server")
    src, dst = eni(ec2, s1, g1), eni(ec2, s2, g2)
    pcx = ec2.create_vpc_peering_connection(VpcId=v1, PeerVpcId=v2)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.authorize_security_group_ingress(GroupId=g2, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": g1}]}])
    t1 = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v1]}])["RouteTables"][0]["RouteTableId"]
    t2 = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v2]}])["RouteTables"][0]["RouteTableId"]

    a = analyse(ec2, src, dst)
    assert codes(a) == ["NO_ROUTE_TO_DESTINATION"] and a["Explanations"][0]["RouteTable"]["Id"] == t1
    ec2.create_route(RouteTableId=t1, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    back = analyse(ec2, src, dst)
    assert codes(back) == ["NO_ROUTE_TO_DESTINATION"] and back["Explanations"][0]["RouteTable"]["Id"] == t2
    ec2.create_route(RouteTableId=t2, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    found = analyse(ec2, src, dst)
    assert found["NetworkPathFound"] is True and "pcx" in kinds(found)
    [hop] = [c for c in found["ForwardPathComponents"] if c["Component"]["Id"] == pcx]
    assert hop["SourceVpc"]["Id"] == v1 and hop["DestinationVpc"]["Id"] == v2
    # A route wider than the peer VPC sends other addresses to a peering that cannot carry them.
    ec2.replace_route(RouteTableId=t1, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=t1, DestinationCidrBlock="10.0.0.0/8", VpcPeeringConnectionId=pcx)
    wide = analyse(ec2, src, None, DestinationIp="10.9.0.1")
    assert codes(wide) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    # Deleting the peering leaves blackholes.
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    gone = analyse(ec2, src, dst)
    assert codes(gone) == ["BAD_STATE_ROUTE"]
    assert gone["Explanations"][0]["RouteTableRoute"]["State"] == "blackhole"


def test_to_the_internet_needs_a_public_address(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    src = eni(ec2, subnet)
    assert codes(analyse(ec2, src, igw)) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    assert codes(analyse(ec2, src, igw)) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=src)
    found = analyse(ec2, src, igw)
    assert found["NetworkPathFound"] is True and kinds(found)[-1] == "igw"
    gateway = found["ForwardPathComponents"][-1]
    assert gateway["OutboundHeader"]["SourceAddresses"] == [eip["PublicIp"] + "/32"]
    assert analyse(ec2, src, None, DestinationIp="1.1.1.1")["NetworkPathFound"] is True
    # Private destinations are not reached through the gateway.
    assert codes(analyse(ec2, src, None, DestinationIp="192.168.0.1")) == [
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]

    # In from the internet: the group and the route back decide.
    web = new_sg(ec2, vpc, "web")
    ec2.modify_network_interface_attribute(NetworkInterfaceId=src, Groups=[web])
    assert codes(analyse(ec2, igw, src)) == ["ENI_SG_RULES_MISMATCH"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[tcp(443, "0.0.0.0/0")])
    inbound = analyse(ec2, igw, src)
    assert inbound["NetworkPathFound"] is True and kinds(inbound)[0] == "igw"
    assert inbound["ForwardPathComponents"][0]["InboundHeader"]["DestinationAddresses"] == [
        ec2.describe_network_interfaces(NetworkInterfaceIds=[src])["NetworkInterfaces"][0]["PrivateIpAddress"] + "/32"]
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    assert codes(analyse(ec2, igw, src)) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    # Block Public Access stops both directions.
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    assert codes(analyse(ec2, src, igw)) == ["VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    assert codes(analyse(ec2, igw, src)) == ["VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    assert analyse(ec2, src, igw)["NetworkPathFound"] is True
    assert codes(analyse(ec2, igw, src)) == ["VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    ec2.create_vpc_block_public_access_exclusion(SubnetId=subnet, InternetGatewayExclusionMode="allow-bidirectional")
    assert analyse(ec2, igw, src)["NetworkPathFound"] is True


def test_private_subnets_reach_out_through_a_nat_gateway(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.0.0/24")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    inner = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=inner, SubnetId=private)
    src = eni(ec2, private)
    assert codes(analyse(ec2, src, None, DestinationIp="1.1.1.1")) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.create_route(RouteTableId=inner, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    found = analyse(ec2, src, None, DestinationIp="1.1.1.1")
    assert found["NetworkPathFound"] is True
    assert ["eni", "sg", "acl", "rtb", "acl", "nat", "acl", "rtb", "igw"] == kinds(found)
    assert found["ForwardPathComponents"][-1]["OutboundHeader"]["SourceAddresses"] == [eip["PublicIp"] + "/32"]


def hub(ec2):
    """Two VPCs attached to one transit gateway without default tables; its table returned."""
    tgw = ec2.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable",
                                              "DefaultRouteTablePropagation": "disable"})["TransitGateway"]["TransitGatewayId"]
    out = {"tgw": tgw}
    for n in (5, 6):
        vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        group = new_sg(ec2, vpc, f"g{n}")
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, "10.0.0.0/8")])
        out[n] = {"vpc": vpc, "subnet": subnet, "att": att, "eni": eni(ec2, subnet, group)}
    out["table"] = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"]
    return out


def test_through_a_transit_gateway(aws):
    ec2 = aws("ec2")
    h = hub(ec2)
    src, dst = h[5]["eni"], h[6]["eni"]
    assert codes(analyse(ec2, src, dst)) == ["TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"]
    for n in (5, 6):
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=h["table"],
                                                  TransitGatewayAttachmentId=h[n]["att"])
    assert codes(analyse(ec2, src, dst)) == ["TGW_RTB_CANNOT_ROUTE"]
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=h["table"],
                                                       TransitGatewayAttachmentId=h[6]["att"])
    # There, but no way back to 10.5.0.0/16 in the gateway's table.
    assert codes(analyse(ec2, src, dst)) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=h["table"],
                                                       TransitGatewayAttachmentId=h[5]["att"])
    found = analyse(ec2, src, dst)
    assert found["NetworkPathFound"] is True
    hops = [c for c in found["ForwardPathComponents"] if "TransitGatewayRouteTableRoute" in c]
    assert hops[0]["TransitGatewayRouteTableRoute"] == {
        "DestinationCidr": "10.6.0.0/16", "State": "active", "RouteOrigin": "propagated",
        "AttachmentId": h[6]["att"], "ResourceId": h[6]["vpc"], "ResourceType": "vpc"}
    # A blackhole route in the gateway wins for its more specific range.
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=h["table"], DestinationCidrBlock="10.6.1.0/24",
                                     Blackhole=True)
    assert codes(analyse(ec2, src, dst)) == ["TGW_RTB_BAD_STATE_ROUTE"]


def test_an_attachment_carries_only_its_zones(aws):
    ec2 = aws("ec2")
    h = hub(ec2)
    for n in (5, 6):
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=h["table"],
                                                  TransitGatewayAttachmentId=h[n]["att"])
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=h["table"],
                                                           TransitGatewayAttachmentId=h[n]["att"])
    far = ec2.create_subnet(VpcId=h[6]["vpc"], CidrBlock="10.6.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    target = eni(ec2, far)
    a = analyse(ec2, h[5]["eni"], target)
    assert codes(a) == ["TGW_ATTACH_VPC_AZ_RESTRICTION"]
    assert a["Explanations"][0]["TransitGatewayAttachment"]["Id"] == h[6]["att"]


def test_shared_subnet_participants_across_accounts(aws):
    """The guide's shape: the network account shares a subnet; the app account's interface there
    reaches the owner's server, allowed by a rule naming the app account's group."""
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    o, p = new_members(org, "network", "app")
    aws("ram", M).enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", o), aws("ec2", p)
    vpc = eo.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    shared = eo.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    servers = eo.create_subnet(VpcId=vpc, CidrBlock="10.7.2.0/24")["Subnet"]["SubnetId"]
    aws("ram", o).create_resource_share(name="net", principals=[p],
                                        resourceArns=[f"arn:aws:ec2:us-east-1:{o}:subnet/{shared}"])
    app = new_sg(ep, vpc, "app")
    client = eni(ep, shared, app)
    db = new_sg(eo, vpc, "db")
    eo.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app, "UserId": p}]}])
    server = eni(eo, servers, db)
    server_ip = eo.describe_network_interfaces(NetworkInterfaceIds=[server])["NetworkInterfaces"][0]["PrivateIpAddress"]
    # The participant analyses from its interface to the owner's address.
    a = analyse(ep, client, None, port=5432, DestinationIp=server_ip)
    assert a["NetworkPathFound"] is True
    # The owner's interface is not the participant's to name; the management account, with
    # trusted access, may name both by ARN.
    with aws_error("NetworkInsightsDestination.NotFound"):
        ep.create_network_insights_path(Source=client, Destination=server, Protocol="tcp")
    mgmt = aws("ec2", M)
    client_arn = f"arn:aws:ec2:us-east-1:{p}:network-interface/{client}"
    server_arn = f"arn:aws:ec2:us-east-1:{o}:network-interface/{server}"
    with aws_error("InvalidParameterValue"):
        mgmt.create_network_insights_path(Source=client_arn, Destination=server_arn, Protocol="tcp")
    org.enable_aws_service_access(ServicePrincipal="reachabilityanalyzer.networkinsights.amazonaws.com")
    found = analyse(mgmt, client_arn, server_arn, port=5432)
    assert found["NetworkPathFound"] is True
    assert codes(analyse(mgmt, client_arn, server_arn, port=22)) == ["ENI_SG_RULES_MISMATCH"]


def test_paths_and_analyses_lifecycle(net):
    ec2 = net["ec2"]
    made = ec2.create_network_insights_path(Source=net["src"], Destination=net["dst"], Protocol="TCP",
                                            DestinationPort=443,
                                            TagSpecifications=tag_spec("network-insights-path", Name="web"))[
        "NetworkInsightsPath"]
    path = made["NetworkInsightsPathId"]
    assert path.startswith("nip-") and made["Protocol"] == "tcp" and tags_of(made) == {"Name": "web"}
    assert made["SourceArn"] == f"arn:aws:ec2:us-east-1:{M}:network-interface/{net['src']}"
    assert made["NetworkInsightsPathArn"] == f"arn:aws:ec2:us-east-1:{M}:network-insights-path/{path}"
    found = ec2.describe_network_insights_paths(Filters=[{"Name": "destination", "Values": [net["dst"]]}])
    assert [p["NetworkInsightsPathId"] for p in found["NetworkInsightsPaths"]] == [path]
    assert ec2.describe_network_insights_paths(Filters=[{"Name": "protocol", "Values": ["udp"]}])[
        "NetworkInsightsPaths"] == []
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path,
                                                  TagSpecifications=tag_spec("network-insights-analysis", Run="1"))
    nia = started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    by_path = ec2.describe_network_insights_analyses(NetworkInsightsPathId=path)["NetworkInsightsAnalyses"]
    assert [a["NetworkInsightsAnalysisId"] for a in by_path] == [nia]
    assert ec2.describe_network_insights_analyses(Filters=[{"Name": "path-found", "Values": ["false"]}])[
        "NetworkInsightsAnalyses"] == []
    with aws_error("AnalysisExistsForNetworkInsightsPath"):
        ec2.delete_network_insights_path(NetworkInsightsPathId=path)
    assert ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=nia)["NetworkInsightsAnalysisId"] == nia
    assert ec2.delete_network_insights_path(NetworkInsightsPathId=path)["NetworkInsightsPathId"] == path
    with aws_error("InvalidNetworkInsightsPathId.NotFound"):
        ec2.start_network_insights_analysis(NetworkInsightsPathId=path)
    with aws_error("InvalidNetworkInsightsAnalysisId.NotFound"):
        ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[nia])

    # Bad input: AWS's refusals.
    with aws_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source=net["src"], Destination=net["dst"], Protocol="icmp")
    with aws_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source=net["src"], Destination=net["dst"], Protocol="tcp", SourceIp="10.0.1.9",
                                         FilterAtSource={"SourceAddress": "10.0.1.9"})
    with aws_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source=net["src"], Protocol="tcp", DestinationIp="2001:db8::1")
    with aws_error("MissingParameter"):
        ec2.create_network_insights_path(Source=net["src"], Protocol="tcp")
    with aws_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source="eni-0123456789abcdef0", Destination=net["dst"], Protocol="tcp")
    # A source address the interface does not hold.
    a = analyse(ec2, net["src"], net["dst"], SourceIp="10.0.1.250")
    assert codes(a) == ["ENI_ADDRESS_RESTRICTION"]


def reach(server, *args):
    from ramparts_server import BINARY
    import subprocess
    done = subprocess.run([str(BINARY), "reach", "--endpoint", server.url, *args],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip().splitlines(), done.stderr


def test_ramparts_reach_answers_in_one_line(net, server):
    ec2 = net["ec2"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkAcls"]
    [rtb] = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["RouteTables"]
    code, lines, _ = reach(server, net["src"], net["dst"], "tcp/443")
    assert code == 0
    assert lines == [f"{net['src']} -> {net['dst']} tcp/443: reachable via {net['client']}, "
                     f"{acl['NetworkAclId']}, {rtb['RouteTableId']}, {acl['NetworkAclId']}, {net['web']}"]
    code, lines, _ = reach(server, net["src"], net["dst"], "tcp/22")
    assert code == 1
    assert lines == [f"{net['src']} -> {net['dst']} tcp/22: not reachable: ENI_SG_RULES_MISMATCH at {net['dst']} (ingress)"]
    dst_ip = ec2.describe_network_interfaces(NetworkInterfaceIds=[net["dst"]])["NetworkInterfaces"][0]["PrivateIpAddress"]
    code, lines, _ = reach(server, net["src"], dst_ip, "tcp/443")
    assert code == 0 and lines[0].startswith(f"{net['src']} -> {dst_ip} tcp/443: reachable")
    # The matrix of the VPC: three interfaces, six ordered pairs; only the web group admits 443.
    code, lines, _ = reach(server, "--all", net["vpc"], "tcp/443")
    assert code == 0 and lines[-1] == "4 of 6 pairs reachable"
    reachable = sorted(l.split(" ")[2] for l in lines[:-1])
    assert all(": reachable via" in l for l in lines[:-1])
    assert reachable == sorted([net["dst"], net["dst"], net["near"], net["near"]])
    code, _, err = reach(server, net["src"])
    assert code == 2 and "SOURCE DESTINATION" in err
    code, _, err = reach(server, net["src"], net["dst"], "icmp/8")
    assert code == 2 and "protocol" in err


def test_instances_udp_and_prefix_lists(net):
    ec2 = net["ec2"]
    dns = new_sg(ec2, net["vpc"], "dns")
    ec2.authorize_security_group_ingress(GroupId=dns, IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])
    [server] = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=net["b"],
                                 SecurityGroupIds=[dns])["Instances"]
    found = analyse(ec2, net["src"], server["InstanceId"], port=53, protocol="udp")
    assert found["NetworkPathFound"] is True
    assert found["ForwardPathComponents"][-1]["Component"]["Id"] == server["InstanceId"]
    assert found["ForwardPathComponents"][0]["OutboundHeader"]["Protocol"] == "17"
    assert codes(analyse(ec2, net["src"], server["InstanceId"], port=53, protocol="tcp")) == ["ENI_SG_RULES_MISMATCH"]
    # A prefix list in a rule admits the addresses it lists.
    pl = ec2.create_managed_prefix_list(PrefixListName="clients", AddressFamily="IPv4", MaxEntries=5,
                                        Entries=[{"Cidr": "10.0.1.0/24"}])["PrefixList"]["PrefixListId"]
    admin = new_sg(ec2, net["vpc"], "admin")
    ec2.authorize_security_group_ingress(GroupId=admin, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": pl}]}])
    box = eni(ec2, net["b"], admin)
    a = analyse(ec2, net["src"], box, port=22)
    assert a["NetworkPathFound"] is True
    [rule] = [c["SecurityGroupRule"] for c in a["ForwardPathComponents"]
              if c.get("SecurityGroupRule", {}).get("Direction") == "ingress"]
    assert rule["PrefixListId"] == pl
    assert codes(analyse(ec2, box, net["dst"], port=22)) == ["ENI_SG_RULES_MISMATCH"]
    # An address of the VPC with nothing behind it is reached at its subnet.
    assert analyse(ec2, net["src"], None, port=80, DestinationIp="10.0.2.200")["NetworkPathFound"] is True
    assert codes(analyse(ec2, net["src"], None, port=80, DestinationIp="10.0.200.9")) == ["NO_POSSIBLE_DESTINATION"]


def test_through_peered_transit_gateways(aws):
    """Two hubs peered (within one Region here), each with a VPC; static routes on both."""
    ec2 = aws("ec2")
    hubs = []
    for n in (7, 8):
        tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        table = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["Options"][
            "AssociationDefaultRouteTableId"]
        rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        group = new_sg(ec2, vpc, f"g{n}")
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, "10.0.0.0/8")])
        hubs.append({"tgw": tgw, "vpc": vpc, "att": att, "table": table, "eni": eni(ec2, subnet, group)})
    east, west = hubs
    pcx = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=east["tgw"], PeerTransitGatewayId=west["tgw"], PeerAccountId=M,
        PeerRegion="us-east-1")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pcx)
    assert codes(analyse(ec2, east["eni"], west["eni"])) == ["TGW_RTB_CANNOT_ROUTE"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=east["table"], DestinationCidrBlock="10.8.0.0/16",
                                     TransitGatewayAttachmentId=pcx)
    assert codes(analyse(ec2, east["eni"], west["eni"])) == ["TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=west["table"], TransitGatewayAttachmentId=pcx)
    # It arrives (the west table learns its own VPC), but west has no way back to 10.7.0.0/16.
    back = analyse(ec2, east["eni"], west["eni"])
    assert codes(back) == ["NO_ROUTE_TO_DESTINATION"] and back["Explanations"][0]["Vpc"]["Id"] == west["vpc"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=west["table"], DestinationCidrBlock="10.7.0.0/16",
                                     TransitGatewayAttachmentId=pcx)
    # Forward now arrives; the reply needs the east table to hold the peering as well.
    assert codes(analyse(ec2, east["eni"], west["eni"])) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=east["table"], TransitGatewayAttachmentId=pcx)
    found = analyse(ec2, east["eni"], west["eni"])
    assert found["NetworkPathFound"] is True
    gateways = [c["Component"]["Id"] for c in found["ForwardPathComponents"] if "TransitGatewayRouteTableRoute" in c]
    assert gateways == [east["tgw"], west["tgw"]]


def test_a_nat_gateway_without_a_way_out(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    inner = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=inner, SubnetId=private)
    ec2.create_route(RouteTableId=inner, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    a = analyse(ec2, eni(ec2, private), None, DestinationIp="1.1.1.1")
    assert codes(a) == ["NO_ROUTE_TO_DESTINATION"] and a["Explanations"][0]["NatGateway"]["Id"] == nat


def test_paths_carry_tags(net):
    ec2 = net["ec2"]
    path = ec2.create_network_insights_path(Source=net["src"], Destination=net["dst"], Protocol="tcp")[
        "NetworkInsightsPath"]["NetworkInsightsPathId"]
    ec2.create_tags(Resources=[path], Tags=[{"Key": "team", "Value": "net"}])
    [p] = ec2.describe_network_insights_paths(Filters=[{"Name": "tag:team", "Values": ["net"]}])["NetworkInsightsPaths"]
    assert p["NetworkInsightsPathId"] == path and tags_of(p) == {"team": "net"}
    seen = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["network-insights-path"]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in seen] == [(path, "team")]
    ec2.delete_tags(Resources=[path], Tags=[{"Key": "team"}])
    assert tags_of(ec2.describe_network_insights_paths(NetworkInsightsPathIds=[path])["NetworkInsightsPaths"][0]) == {}


def test_component_filters(net):
    ec2 = net["ec2"]
    path = ec2.create_network_insights_path(Source=net["src"], Destination=net["dst"], Protocol="tcp",
                                            DestinationPort=443)["NetworkInsightsPath"]["NetworkInsightsPathId"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkAcls"]
    acl_arn = f"arn:aws:ec2:us-east-1:{M}:network-acl/{acl['NetworkAclId']}"
    other = new_sg(ec2, net["vpc"], "other")
    other_arn = f"arn:aws:ec2:us-east-1:{M}:security-group/{other}"

    def run(**filters):
        nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=path, **filters)[
            "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
        [a] = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[nia])["NetworkInsightsAnalyses"]
        return a

    through = run(FilterInArns=[acl_arn])
    assert through["NetworkPathFound"] is True and through["FilterInArns"] == [acl_arn]
    missed = run(FilterInArns=[other_arn])
    assert codes(missed) == ["COMPONENT_FILTER_RESTRICTION"] and missed["Explanations"][0]["Component"]["Arn"] == other_arn
    avoided = run(FilterOutArns=[acl_arn])
    assert codes(avoided) == ["COMPONENT_FILTER_RESTRICTION_REMOVED_COMPONENT"]
    assert run(FilterOutArns=[other_arn])["NetworkPathFound"] is True
    with aws_error("InvalidParameterValue"):
        ec2.start_network_insights_analysis(NetworkInsightsPathId=path, FilterInArns=[other])
