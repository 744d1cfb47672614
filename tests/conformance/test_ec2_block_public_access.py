"""VPC Block Public Access through boto3, strictly checked: the account's Regional options,
exclusions on VPCs and subnets with their modes and states, and the effective mode every VPC and
subnet reports, participants' view of a shared subnet included."""

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of


def mode_of(ec2, vpc=None, subnet=None):
    if subnet:
        return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["BlockPublicAccessStates"]["InternetGatewayBlockMode"]
    return ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["BlockPublicAccessStates"]["InternetGatewayBlockMode"]


def test_options_exclusions_and_effective_modes(aws):
    ec2 = aws("ec2")
    vpc, other = new_vpc(ec2, "10.0.0.0/16"), new_vpc(ec2, "10.1.0.0/16")
    subnet = new_subnet(ec2, other, "10.1.1.0/24")
    opts = ec2.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]
    assert opts["State"] == "default-state" and opts["InternetGatewayBlockMode"] == "off"
    assert opts["AwsAccountId"] == "111111111111" and opts["AwsRegion"] == "us-east-1"
    changed = ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    assert changed["VpcBlockPublicAccessOptions"]["State"] == "update-in-progress"
    opts = ec2.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]
    assert opts["State"] == "update-complete" and opts["InternetGatewayBlockMode"] == "block-bidirectional"
    assert mode_of(ec2, vpc) == "block-bidirectional" and mode_of(ec2, subnet=subnet) == "block-bidirectional"

    made = ec2.create_vpc_block_public_access_exclusion(
        VpcId=vpc, InternetGatewayExclusionMode="allow-bidirectional",
        TagSpecifications=tag_spec("vpc-block-public-access-exclusion", Name="edge"))["VpcBlockPublicAccessExclusion"]
    ex = made["ExclusionId"]
    assert ex.startswith("vpcbpa-exclude-") and made["State"] == "create-in-progress" and tags_of(made) == {"Name": "edge"}
    assert made["ResourceArn"] == f"arn:aws:ec2:us-east-1:111111111111:vpc/{vpc}"
    sub_ex = ec2.create_vpc_block_public_access_exclusion(
        SubnetId=subnet, InternetGatewayExclusionMode="allow-egress")["VpcBlockPublicAccessExclusion"]["ExclusionId"]
    assert mode_of(ec2, vpc) == "off"
    assert mode_of(ec2, subnet=subnet) == "block-ingress" and mode_of(ec2, other) == "block-bidirectional"
    with aws_error("InvalidParameterValue"):
        ec2.create_vpc_block_public_access_exclusion(VpcId=vpc, InternetGatewayExclusionMode="allow-egress")
    with aws_error("InvalidParameterCombination"):
        ec2.create_vpc_block_public_access_exclusion(VpcId=vpc, SubnetId=subnet, InternetGatewayExclusionMode="allow-egress")
    with aws_error("InvalidParameterValue"):
        ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-everything")

    ec2.modify_vpc_block_public_access_exclusion(ExclusionId=ex, InternetGatewayExclusionMode="allow-egress")
    [seen] = ec2.describe_vpc_block_public_access_exclusions(ExclusionIds=[ex])["VpcBlockPublicAccessExclusions"]
    assert seen["State"] == "update-complete" and seen["InternetGatewayExclusionMode"] == "allow-egress"
    assert mode_of(ec2, vpc) == "block-ingress"
    found = ec2.describe_vpc_block_public_access_exclusions(
        Filters=[{"Name": "internet-gateway-exclusion-mode", "Values": ["allow-egress"]}])["VpcBlockPublicAccessExclusions"]
    assert sorted(e["ExclusionId"] for e in found) == sorted([ex, sub_ex])

    gone = ec2.delete_vpc_block_public_access_exclusion(ExclusionId=ex)["VpcBlockPublicAccessExclusion"]
    assert gone["State"] == "delete-in-progress"
    [seen] = ec2.describe_vpc_block_public_access_exclusions(ExclusionIds=[ex])["VpcBlockPublicAccessExclusions"]
    assert seen["State"] == "delete-complete" and "DeletionTimestamp" in seen
    assert mode_of(ec2, vpc) == "block-bidirectional"
    with aws_error("InvalidVpcBlockPublicAccessExclusionId.NotFound"):
        ec2.describe_vpc_block_public_access_exclusions(ExclusionIds=["vpcbpa-exclude-0123456789abcdef0"])


def test_the_owner_s_setting_governs_its_shared_subnets(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo)
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])
    eo.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    assert mode_of(ep, subnet=subnet["SubnetId"]) == "block-ingress"
    # The participant's own setting is its own, and does not reach the owner's VPC.
    ep.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    assert mode_of(ep, subnet=subnet["SubnetId"]) == "block-ingress"
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_vpc_block_public_access_exclusion(SubnetId=subnet["SubnetId"], InternetGatewayExclusionMode="allow-egress")
