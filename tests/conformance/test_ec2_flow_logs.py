"""Flow logs through boto3, strictly checked: VPC, subnet and interface flow logs to CloudWatch
Logs, S3 and Firehose with their settings checked and kept, per-resource failures (duplicates,
unknown or foreign resources), deletion, filters, and the participant's own interfaces."""

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of

ROLE = "arn:aws:iam::111111111111:role/flow-logs"


def test_create_describe_delete(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    made = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc, "vpc-0123456789abcdef0"], TrafficType="ALL",
                                LogGroupName="vpc-flows", DeliverLogsPermissionArn=ROLE, ClientToken="c1",
                                TagSpecifications=tag_spec("vpc-flow-log", Name="vpc"))
    assert made["ClientToken"] == "c1" and len(made["FlowLogIds"]) == 1
    [failure] = made["Unsuccessful"]
    assert failure["ResourceId"] == "vpc-0123456789abcdef0"
    assert failure["Error"]["Code"] == "InvalidVpcID.NotFound"
    fl = made["FlowLogIds"][0]
    [seen] = ec2.describe_flow_logs(FlowLogIds=[fl])["FlowLogs"]
    assert seen["ResourceId"] == vpc and seen["TrafficType"] == "ALL" and seen["LogGroupName"] == "vpc-flows"
    assert seen["FlowLogStatus"] == "ACTIVE" and seen["DeliverLogsStatus"] == "SUCCESS"
    assert seen["LogDestinationType"] == "cloud-watch-logs" and seen["MaxAggregationInterval"] == 600
    assert seen["LogFormat"].startswith("${version} ${account-id} ${interface-id}") and tags_of(seen) == {"Name": "vpc"}
    again = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                 LogGroupName="vpc-flows", DeliverLogsPermissionArn=ROLE)
    assert again["FlowLogIds"] == [] and again["Unsuccessful"][0]["Error"]["Code"] == "FlowLogAlreadyExists"

    s3 = ec2.create_flow_logs(ResourceType="Subnet", ResourceIds=[subnet], TrafficType="REJECT",
                              LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-bucket/prefix",
                              MaxAggregationInterval=60, LogFormat="${srcaddr} ${dstaddr} ${action}",
                              DestinationOptions={"FileFormat": "parquet", "PerHourPartition": True})["FlowLogIds"][0]
    [seen] = ec2.describe_flow_logs(Filter=[{"Name": "log-destination-type", "Values": ["s3"]}])["FlowLogs"]
    assert seen["FlowLogId"] == s3 and seen["MaxAggregationInterval"] == 60 and "LogGroupName" not in seen
    assert seen["DestinationOptions"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": False,
                                          "PerHourPartition": True}
    assert [f["FlowLogId"] for f in ec2.describe_flow_logs(
        Filter=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]] == [fl]

    out = ec2.delete_flow_logs(FlowLogIds=[fl, "fl-0123456789abcdef0"])
    assert [u["ResourceId"] for u in out["Unsuccessful"]] == ["fl-0123456789abcdef0"]
    assert [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]] == [s3]
    # A flow log goes with its resource.
    ec2.delete_subnet(SubnetId=subnet)
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_settings_are_checked(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    base = {"ResourceType": "VPC", "ResourceIds": [vpc]}
    for bad, code in (
        ({"TrafficType": "ALL", "LogGroupName": "g"}, "MissingParameter"),  # no delivery role
        ({"LogGroupName": "g", "DeliverLogsPermissionArn": ROLE}, "MissingParameter"),  # no traffic type
        ({"TrafficType": "SOME", "LogGroupName": "g", "DeliverLogsPermissionArn": ROLE}, "InvalidParameterValue"),
        ({"TrafficType": "ALL", "LogDestinationType": "s3", "LogDestination": "bucket"}, "InvalidParameterValue"),
        ({"TrafficType": "ALL", "LogGroupName": "g", "DeliverLogsPermissionArn": ROLE,
          "MaxAggregationInterval": 30}, "InvalidParameterValue"),
        ({"TrafficType": "ALL", "LogDestinationType": "kinesis-data-firehose",
          "LogDestination": "arn:aws:firehose:eu-west-1:111111111111:deliverystream/x"}, "InvalidParameterValue"),
    ):
        with aws_error(code):
            ec2.create_flow_logs(**base, **bad)
    ok = ec2.create_flow_logs(**base, TrafficType="ACCEPT", LogDestinationType="kinesis-data-firehose",
                              LogDestination="arn:aws:firehose:us-east-1:111111111111:deliverystream/x")
    assert len(ok["FlowLogIds"]) == 1


def test_participants_log_only_their_own_interfaces(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo)
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])
    group = ep.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    mine = ep.create_network_interface(SubnetId=subnet["SubnetId"], Groups=[group])["NetworkInterface"]["NetworkInterfaceId"]
    theirs = eo.create_network_interface(SubnetId=subnet["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    out = ep.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[mine, theirs], TrafficType="ALL",
                              LogDestinationType="s3", LogDestination="arn:aws:s3:::app-flows")
    assert len(out["FlowLogIds"]) == 1 and [u["ResourceId"] for u in out["Unsuccessful"]] == [theirs]
    denied = ep.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination="arn:aws:s3:::app-flows")
    assert denied["Unsuccessful"][0]["Error"]["Code"] == "UnauthorizedOperation"
    # Each side sees only its own.
    assert eo.describe_flow_logs()["FlowLogs"] == []
    assert len(ep.describe_flow_logs()["FlowLogs"]) == 1
