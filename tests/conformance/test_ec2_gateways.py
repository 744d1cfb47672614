"""Internet gateways and egress-only internet gateways through boto3, strictly checked: the default
VPC's gateway, one gateway per VPC, attach/detach/delete rules and their errors, the Region quota,
filters, tags, and what the participants of a shared VPC see."""

import pytest

from helpers import aws_error, new_members, new_vpc, tag_spec, tags_of

A = "111111111111"


def igw(ec2, **tags):
    spec = {"TagSpecifications": tag_spec("internet-gateway", **tags)} if tags else {}
    return ec2.create_internet_gateway(**spec)["InternetGateway"]["InternetGatewayId"]


def test_the_default_vpc_has_its_gateway_attached(aws):
    ec2 = aws("ec2")
    [default] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    [gw] = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [default["VpcId"]]}])["InternetGateways"]
    assert gw["InternetGatewayId"].startswith("igw-") and gw["OwnerId"] == A
    assert gw["Attachments"] == [{"State": "available", "VpcId": default["VpcId"]}]
    # The default VPC cannot be deleted while its gateway is attached.
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=default["VpcId"])


def test_attach_detach_delete_and_their_refusals(aws):
    ec2 = aws("ec2")
    vpc, other = new_vpc(ec2, "10.0.0.0/16"), new_vpc(ec2, "10.1.0.0/16")
    gw = igw(ec2, Name="edge")
    [created] = ec2.describe_internet_gateways(InternetGatewayIds=[gw])["InternetGateways"]
    assert created["Attachments"] == [] and tags_of(created) == {"Name": "edge"}

    ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    [attached] = ec2.describe_internet_gateways(InternetGatewayIds=[gw])["InternetGateways"]
    assert attached["Attachments"] == [{"State": "available", "VpcId": vpc}]
    with aws_error("Resource.AlreadyAssociated", message=f"resource {gw} is already attached to network {vpc}"):
        ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=other)
    second = igw(ec2)
    with aws_error("InvalidParameterValue", message=f"Network {vpc} already has an internet gateway attached"):
        ec2.attach_internet_gateway(InternetGatewayId=second, VpcId=vpc)
    with aws_error("DependencyViolation", message=f"The internetGateway '{gw}' has dependencies"):
        ec2.delete_internet_gateway(InternetGatewayId=gw)
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)
    with aws_error("Gateway.NotAttached"):
        ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId=other)
    with aws_error("InvalidVpcID.NotFound"):
        ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId="vpc-0123456789abcdef0")

    ec2.detach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    ec2.attach_internet_gateway(InternetGatewayId=second, VpcId=vpc)
    ec2.detach_internet_gateway(InternetGatewayId=second, VpcId=vpc)
    for g in (gw, second):
        ec2.delete_internet_gateway(InternetGatewayId=g)
    ec2.delete_vpc(VpcId=vpc)
    with aws_error("InvalidInternetGatewayID.NotFound", message=f"'{gw}' does not exist"):
        ec2.describe_internet_gateways(InternetGatewayIds=[gw])
    with aws_error("InvalidInternetGatewayID.NotFound"):
        ec2.attach_internet_gateway(InternetGatewayId=gw, VpcId=other)
    with aws_error("DryRunOperation", status=412):
        ec2.create_internet_gateway(DryRun=True)


def test_five_per_region_the_default_one_included(aws):
    ec2 = aws("ec2")
    made = [igw(ec2) for _ in range(4)]
    with aws_error("InternetGatewayLimitExceeded"):
        igw(ec2)
    # Per account and Region.
    aws("ec2", region="eu-west-1").create_internet_gateway()
    ec2.delete_internet_gateway(InternetGatewayId=made[0])
    igw(ec2)


def test_filters_and_tags(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    web, spare = igw(ec2, tier="web"), igw(ec2, tier="spare")
    ec2.attach_internet_gateway(InternetGatewayId=web, VpcId=vpc)

    def ids(*filters):
        found = ec2.describe_internet_gateways(Filters=list(filters))["InternetGateways"]
        return sorted(g["InternetGatewayId"] for g in found)

    assert ids({"Name": "attachment.vpc-id", "Values": [vpc]}) == [web]
    assert spare not in ids({"Name": "attachment.state", "Values": ["available"]})
    assert ids({"Name": "tag:tier", "Values": ["spare"]}) == [spare]
    assert ids({"Name": "internet-gateway-id", "Values": [web, spare]}) == sorted([web, spare])
    assert len(ids({"Name": "owner-id", "Values": [A]})) == 3  # the default VPC's too
    with aws_error("InvalidParameterValue"):
        ids({"Name": "attachment.colour", "Values": ["x"]})

    ec2.create_tags(Resources=[spare], Tags=[{"Key": "Name", "Value": "later"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["internet-gateway"]}])["Tags"]
    assert {(t["ResourceId"], t["Key"]) for t in tags} == {(web, "tier"), (spare, "tier"), (spare, "Name")}

    # Paged.
    first = ec2.describe_internet_gateways(MaxResults=5)
    assert len(first["InternetGateways"]) == 3 and "NextToken" not in first


def test_egress_only_gateways(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2, "10.0.0.0/16")
    made = ec2.create_egress_only_internet_gateway(
        VpcId=vpc, ClientToken="once",
        TagSpecifications=tag_spec("egress-only-internet-gateway", Name="v6-out"))
    assert made["ClientToken"] == "once"
    gw = made["EgressOnlyInternetGateway"]
    assert gw["Attachments"] == [{"State": "attached", "VpcId": vpc}]
    assert tags_of(gw) == {"Name": "v6-out"}
    eigw = gw["EgressOnlyInternetGatewayId"]
    assert eigw.startswith("eigw-")
    [seen] = ec2.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[eigw])["EgressOnlyInternetGateways"]
    assert seen == gw
    with aws_error("InvalidParameterValue"):
        ec2.create_egress_only_internet_gateway(VpcId=vpc)
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=vpc)
    assert ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw)["ReturnCode"] is True
    with aws_error("InvalidEgressOnlyInternetGatewayId.NotFound"):
        ec2.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[eigw])
    with aws_error("InvalidVpcID.NotFound"):
        ec2.create_egress_only_internet_gateway(VpcId="vpc-0123456789abcdef0")
    ec2.delete_vpc(VpcId=vpc)


def test_participants_see_the_shared_vpc_s_gateway_but_cannot_touch_it(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo, "10.0.0.0/16")
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    gw = igw(eo, Name="owner-only")
    eo.attach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    eigw = eo.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])

    [seen] = ep.describe_internet_gateways(InternetGatewayIds=[gw])["InternetGateways"]
    assert seen["OwnerId"] == owner and seen["Attachments"] == [{"State": "available", "VpcId": vpc}]
    assert seen.get("Tags", []) == []  # the owner's tags are the owner's
    with aws_error("UnauthorizedOperation", status=403):
        ep.detach_internet_gateway(InternetGatewayId=gw, VpcId=vpc)
    with aws_error("UnauthorizedOperation", status=403):
        ep.delete_internet_gateway(InternetGatewayId=gw)
    with aws_error("InvalidEgressOnlyInternetGatewayId.NotFound"):
        ep.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[eigw])
    assert ep.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"] == []
    # An outsider sees neither.
    with aws_error("InvalidInternetGatewayID.NotFound"):
        aws("ec2", "999999999999").describe_internet_gateways(InternetGatewayIds=[gw])
