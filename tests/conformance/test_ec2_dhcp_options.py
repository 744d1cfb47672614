"""DHCP options sets through boto3, strictly checked: the Region's default set that every VPC
gets (found the way Terraform's aws_default_vpc_dhcp_options finds it), custom sets and their
checks, associating (also `default`), the dependency on delete, filters and sharing."""

from helpers import aws_error, new_members, new_vpc, tag_spec, tags_of


def config(d):
    return {c["Key"]: [v["Value"] for v in c["Values"]] for c in d["DhcpConfigurations"]}


def test_every_vpc_gets_the_region_s_default_set(aws):
    ec2 = aws("ec2")
    [default_vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    vpc = new_vpc(ec2)
    mine = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
    assert mine["DhcpOptionsId"] == default_vpc["DhcpOptionsId"]
    # Terraform's search: four filters, ANDed, exactly one match.
    [found] = ec2.describe_dhcp_options(Filters=[
        {"Name": "key", "Values": ["domain-name"]}, {"Name": "value", "Values": ["ec2.internal"]},
        {"Name": "key", "Values": ["domain-name-servers"]}, {"Name": "value", "Values": ["AmazonProvidedDNS"]},
    ])["DhcpOptions"]
    assert found["DhcpOptionsId"] == mine["DhcpOptionsId"] and found["OwnerId"] == "111111111111"
    assert config(found) == {"domain-name": ["ec2.internal"], "domain-name-servers": ["AmazonProvidedDNS"]}
    west = aws("ec2", region="eu-west-1").describe_dhcp_options()["DhcpOptions"]
    assert [config(d)["domain-name"] for d in west] == [["eu-west-1.compute.internal"]]


def test_create_associate_delete(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    made = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["corp.example"]},
        {"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.0.3"]},
        {"Key": "ntp-servers", "Values": ["169.254.169.123"]},
        {"Key": "netbios-node-type", "Values": ["2"]},
    ], TagSpecifications=tag_spec("dhcp-options", Name="corp"))["DhcpOptions"]
    dopt = made["DhcpOptionsId"]
    assert dopt.startswith("dopt-") and tags_of(made) == {"Name": "corp"}
    assert config(made)["domain-name-servers"] == ["10.0.0.2", "10.0.0.3"]
    ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == dopt
    with aws_error("DependencyViolation", message=f"The dhcpOptions '{dopt}' has dependencies and cannot be deleted."):
        ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == "default"
    ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    with aws_error("InvalidDhcpOptionID.NotFound"):
        ec2.describe_dhcp_options(DhcpOptionsIds=[dopt])
    with aws_error("InvalidDhcpOptionID.NotFound"):
        ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc)


def test_options_are_checked(aws):
    ec2 = aws("ec2")
    for bad in (
        [{"Key": "bogus", "Values": ["x"]}],
        [{"Key": "netbios-node-type", "Values": ["3"]}],
        [{"Key": "domain-name-servers", "Values": ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]}],
        [{"Key": "ntp-servers", "Values": ["not-an-address"]}],
        [{"Key": "domain-name", "Values": ["a"]}, {"Key": "domain-name", "Values": ["b"]}],
    ):
        with aws_error("InvalidParameterValue"):
            ec2.create_dhcp_options(DhcpConfigurations=bad)


def test_participants_see_the_shared_vpc_s_set(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo)
    dopt = eo.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name", "Values": ["corp"]}])["DhcpOptions"]["DhcpOptionsId"]
    eo.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc)
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    with aws_error("InvalidDhcpOptionID.NotFound"):
        ep.describe_dhcp_options(DhcpOptionsIds=[dopt])
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])
    [seen] = ep.describe_dhcp_options(DhcpOptionsIds=[dopt])["DhcpOptions"]
    assert seen["OwnerId"] == owner
    with aws_error("UnauthorizedOperation", status=403):
        ep.delete_dhcp_options(DhcpOptionsId=dopt)
