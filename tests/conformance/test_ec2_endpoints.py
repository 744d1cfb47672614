"""VPC endpoints through boto3, strictly checked: gateway endpoints and the prefix-list routes
they add, interface endpoints and their requester-managed interfaces (in shared subnets too),
modify and delete, policies, the services of a Region, filters and refusals."""

import json

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of

S3 = "com.amazonaws.us-east-1.s3"


def test_gateway_endpoints_add_prefix_list_routes(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    other = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    [pl] = ec2.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"]
    assert pl["PrefixListId"].startswith("pl-") and pl["Cidrs"]
    made = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[rtb], ClientToken="e1",
                                   TagSpecifications=tag_spec("vpc-endpoint", Name="s3"))
    ep = made["VpcEndpoint"]
    vpce = ep["VpcEndpointId"]
    assert ep["VpcEndpointType"] == "Gateway" and ep["State"] == "available" and made["ClientToken"] == "e1"
    assert ep["RouteTableIds"] == [rtb] and tags_of(ep) == {"Name": "s3"}
    assert json.loads(ep["PolicyDocument"])["Statement"][0]["Effect"] == "Allow"
    [route] = [r for r in ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
               if "DestinationPrefixListId" in r]
    assert route == {"DestinationPrefixListId": pl["PrefixListId"], "GatewayId": vpce,
                     "Origin": "CreateRoute", "State": "active"}
    found = ec2.describe_route_tables(Filters=[{"Name": "route.destination-prefix-list-id",
                                                "Values": [pl["PrefixListId"]]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [rtb]
    with aws_error("RouteAlreadyExists"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[rtb])

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, AddRouteTableIds=[other], RemoveRouteTableIds=[rtb],
                            PolicyDocument=policy)
    [seen] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
    assert seen["RouteTableIds"] == [other] and json.loads(seen["PolicyDocument"]) == json.loads(policy)
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, ResetPolicy=True)
    assert "s3:GetObject" not in ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]["PolicyDocument"]
    with aws_error("InvalidPolicyDocument"):
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument="{not json")
    with aws_error("InvalidParameter"):
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, AddSubnetIds=["subnet-0123456789abcdef0"])
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)

    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce, "vpce-0123456789abcdef0"])
    assert out["Unsuccessful"] == [{"Error": {"Code": "InvalidVpcEndpointId.NotFound",
                                              "Message": "The VpcEndpoint Id 'vpce-0123456789abcdef0' does not exist"},
                                    "ResourceId": "vpce-0123456789abcdef0"}]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    routes = ec2.describe_route_tables(RouteTableIds=[other])["RouteTables"][0]["Routes"]
    assert all("DestinationPrefixListId" not in r for r in routes)


def test_interface_endpoints_put_an_interface_in_each_subnet(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    a = new_subnet(ec2, vpc, "10.0.1.0/24", AvailabilityZone="us-east-1a")
    b = new_subnet(ec2, vpc, "10.0.2.0/24", AvailabilityZone="us-east-1b")
    a2 = new_subnet(ec2, vpc, "10.0.3.0/24", AvailabilityZone="us-east-1a")
    sg = ec2.create_security_group(VpcId=vpc, GroupName="endpoints", Description="e")["GroupId"]
    made = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.ssm",
                                   SubnetIds=[a, b], SecurityGroupIds=[sg])["VpcEndpoint"]
    vpce = made["VpcEndpointId"]
    assert made["State"] == "pending" and made["PrivateDnsEnabled"] is True
    [seen] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
    assert seen["State"] == "available" and sorted(seen["SubnetIds"]) == sorted([a, b])
    assert seen["Groups"] == [{"GroupId": sg, "GroupName": "endpoints"}]
    names = [d["DnsName"] for d in seen["DnsEntries"]]
    assert names[0].startswith(f"{vpce}-") and "ssm.us-east-1.amazonaws.com" in names
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=seen["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert {e["SubnetId"] for e in enis} == {a, b}
    assert all(e["InterfaceType"] == "vpc_endpoint" and e["RequesterManaged"] for e in enis)
    assert all(e["Description"] == f"VPC Endpoint Interface {vpce}" for e in enis)
    assert all([g["GroupId"] for g in e["Groups"]] == [sg] for e in enis)

    with aws_error("InvalidParameter"):
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, AddSubnetIds=[a2])  # a zone taken
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, RemoveSubnetIds=[a], AddSubnetIds=[a2],
                            AddSecurityGroupIds=[default_sg], RemoveSecurityGroupIds=[sg])
    [seen] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
    assert sorted(seen["SubnetIds"]) == sorted([b, a2])
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=seen["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert all([g["GroupId"] for g in e["Groups"]] == [default_sg] for e in enis)
    with aws_error("DependencyViolation"):
        ec2.delete_subnet(SubnetId=b)
    ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce])
    ec2.delete_subnet(SubnetId=b)


def test_refusals(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    with aws_error("InvalidServiceName", message="The Vpc Endpoint Service 'com.amazonaws.us-east-1.nope' does not exist"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.nope")
    with aws_error("InvalidParameter"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.ssm")  # Gateway by default
    with aws_error("InvalidParameter", message="Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints."):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, SubnetIds=[subnet])
    with aws_error("InvalidParameter", message="Route table IDs are only supported for Gateway type VPC Endpoints."):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, VpcEndpointType="Interface",
                                RouteTableIds=["rtb-0123456789abcdef0"], SubnetIds=[subnet])
    with aws_error("InvalidParameter"):  # private DNS needs DNS hostnames on
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.sts",
                                VpcEndpointType="Interface", SubnetIds=[subnet])
    with aws_error("InvalidPolicyDocument"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, PolicyDocument="[]")
    with aws_error("InvalidVpcEndpointId.NotFound"):
        ec2.describe_vpc_endpoints(VpcEndpointIds=["vpce-0123456789abcdef0"])
    # The interface endpoint the guide's landing zone uses, without private DNS.
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.sts", VpcEndpointType="Interface",
                            SubnetIds=[subnet], PrivateDnsEnabled=False)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    gw = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[rtb])["VpcEndpoint"]["VpcEndpointId"]
    with aws_error("InvalidParameterValue"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.9.0.0/16", VpcEndpointId=gw)
    kinds = {e["VpcEndpointType"] for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]}
    assert kinds == {"Gateway", "Interface"}
    [only] = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-type", "Values": ["Gateway"]}])["VpcEndpoints"]
    assert only["VpcEndpointId"] == gw


def test_the_services_of_a_region(aws):
    ec2 = aws("ec2")
    out = ec2.describe_vpc_endpoint_services()
    assert S3 in out["ServiceNames"] and "com.amazonaws.us-east-1.dynamodb" in out["ServiceNames"]
    s3 = [d for d in out["ServiceDetails"] if d["ServiceName"] == S3]
    assert sorted(t["ServiceType"] for d in s3 for t in d["ServiceType"]) == ["Gateway", "Interface"]
    gateways = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    assert sorted(gateways["ServiceNames"]) == ["com.amazonaws.us-east-1.dynamodb", S3]
    assert all(d["Owner"] == "amazon" for d in gateways["ServiceDetails"])
    with aws_error("InvalidServiceName"):
        ec2.describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.nope"])


def test_participants_neither_see_nor_make_the_owner_s_endpoints(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo)
    eo.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])
    made = eo.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.kms",
                                  SubnetIds=[subnet["SubnetId"]])["VpcEndpoint"]["VpcEndpointId"]
    assert ep.describe_vpc_endpoints()["VpcEndpoints"] == []
    with aws_error("InvalidVpcEndpointId.NotFound"):
        ep.describe_vpc_endpoints(VpcEndpointIds=[made])
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.kms",
                               SubnetIds=[subnet["SubnetId"]])
