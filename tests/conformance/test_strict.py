"""Unit tests for the strict checker itself: hand-made good bodies must pass, and each kind of
mistake an emulator can make must be reported.  No server needed."""

import botocore.session
import pytest
from botocore.parsers import create_parser

from strict import check_body

NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'
RID = "<requestId>6b2c1e42-0000-4000-8000-000000000001</requestId>"


def ec2_body(op, inner, root=None, ns=NS, rid=RID):
    root = root or f"{op}Response"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} {ns}>{rid}{inner}</{root}>'.encode()


SG_ITEM = (
    "<item><ownerId>111111111111</ownerId><groupName>web</groupName>"
    "<groupId>sg-0123456789abcdef0</groupId><groupDescription>web tier</groupDescription>"
    "<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>"
    "<groups/><ipRanges><item><cidrIp>10.0.0.0/16</cidrIp><description>vpc</description></item></ipRanges>"
    "<ipv6Ranges/><prefixListIds/></item></ipPermissions>"
    "<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/>"
    "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>"
    "</ipPermissionsEgress><vpcId>vpc-0123456789abcdef0</vpcId>"
    "<securityGroupArn>arn:aws:ec2:us-east-1:111111111111:security-group/sg-0123456789abcdef0</securityGroupArn>"
    "<tagSet><item><key>Name</key><value>web</value></item></tagSet></item>"
)
GOOD_SGS = ec2_body("DescribeSecurityGroups", f"<securityGroupInfo>{SG_ITEM}</securityGroupInfo>")

VPC_ITEM = (
    "<item><vpcId>vpc-0123456789abcdef0</vpcId><ownerId>111111111111</ownerId><state>available</state>"
    "<cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault><instanceTenancy>default</instanceTenancy>"
    "<dhcpOptionsId>dopt-0123456789abcdef0</dhcpOptionsId><tagSet/></item>"
)


def one(problems, *needles):
    """Exactly one problem, containing every needle."""
    assert len(problems) == 1, problems
    for needle in needles:
        assert needle in problems[0], problems
    return problems[0]


def botocore_parse(service, op, body, status=200):
    model = botocore.session.get_session().get_service_model(service)
    parser = create_parser(model.protocol)
    return parser.parse(
        {"body": body, "headers": {}, "status_code": status},
        model.operation_model(op).output_shape,
    )


# ---------------------------------------------------------------- ec2: clean bodies


def test_ec2_good_describe_security_groups():
    assert check_body("ec2", "DescribeSecurityGroups", GOOD_SGS) == []


def test_ec2_good_describe_vpcs_with_token_and_empty_lists():
    body = ec2_body("DescribeVpcs", f"<vpcSet>{VPC_ITEM}</vpcSet><nextToken>abc</nextToken>")
    assert check_body("ec2", "DescribeVpcs", body) == []
    assert check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", "<vpcSet/>")) == []


def test_ec2_good_operation_without_output():
    assert check_body("ec2", "DeleteVpc", ec2_body("DeleteVpc", "<return>true</return>")) == []
    assert check_body("ec2", "CreateTags", ec2_body("CreateTags", "")) == []


def test_ec2_good_timestamp_and_nested_struct():
    body = ec2_body(
        "CreateNetworkInterface",
        "<networkInterface><networkInterfaceId>eni-0123456789abcdef0</networkInterfaceId>"
        "<attachment><attachTime>2024-05-01T12:00:00.000Z</attachTime><deviceIndex>0</deviceIndex>"
        "<status>attached</status></attachment><status>in-use</status></networkInterface>",
    )
    assert check_body("ec2", "CreateNetworkInterface", body) == []


# ---------------------------------------------------------------- ec2: mistakes


def test_ec2_wrong_root_element():
    body = ec2_body("DescribeVpcs", "<vpcSet/>", root="DescribeVpcsResult")
    one(check_body("ec2", "DescribeVpcs", body), "root element is <DescribeVpcsResult>", "<DescribeVpcsResponse>")


def test_ec2_unknown_element_with_case_hint_and_botocore_drops_it():
    body = ec2_body("DescribeVpcs", f"<vpcSet>{VPC_ITEM.replace('vpcId>', 'vpcID>')}</vpcSet>")
    one(check_body("ec2", "DescribeVpcs", body), "unknown element <vpcID>", "did you mean <vpcId>?")
    # ...which is exactly the mistake botocore hides:
    parsed = botocore_parse("ec2", "DescribeVpcs", body)
    assert "VpcId" not in parsed["Vpcs"][0]


def test_ec2_unknown_element_close_spelling_hint():
    body = ec2_body("DescribeVpcs", f"<vpcSet>{VPC_ITEM.replace('cidrBlock>', 'cidrBlok>')}</vpcSet>")
    one(check_body("ec2", "DescribeVpcs", body), "<cidrBlok>", "did you mean <cidrBlock>?")


def test_ec2_member_name_instead_of_location_name():
    body = ec2_body("DescribeSecurityGroups", f"<SecurityGroups>{SG_ITEM}</SecurityGroups>")
    problem = one(check_body("ec2", "DescribeSecurityGroups", body), "unknown element <SecurityGroups>")
    assert botocore_parse("ec2", "DescribeSecurityGroups", body).get("SecurityGroups") is None, problem


def test_ec2_wrong_list_item_tag():
    body = ec2_body("DescribeVpcs", f"<vpcSet>{VPC_ITEM.replace('<item>', '<member>').replace('</item>', '</member>')}</vpcSet>")
    one(check_body("ec2", "DescribeVpcs", body), "list item <member>, expected <item>")


def test_ec2_bad_boolean_integer_timestamp_literals():
    bad = SG_ITEM.replace("<fromPort>443</fromPort>", "<fromPort>443.0</fromPort>")
    problems = check_body("ec2", "DescribeSecurityGroups", ec2_body("DescribeSecurityGroups", f"<securityGroupInfo>{bad}</securityGroupInfo>"))
    one(problems, "fromPort", "bad integer literal '443.0'")

    vpc = VPC_ITEM.replace("<isDefault>false</isDefault>", "<isDefault>False</isDefault>")
    body = ec2_body("DescribeVpcs", f"<vpcSet>{vpc}</vpcSet>")
    one(check_body("ec2", "DescribeVpcs", body), "isDefault", "bad boolean literal 'False'")
    # botocore reads anything but 'true' as False without complaint
    vpc_true = VPC_ITEM.replace("<isDefault>false</isDefault>", "<isDefault>True</isDefault>")
    assert botocore_parse("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcSet>{vpc_true}</vpcSet>"))["Vpcs"][0]["IsDefault"] is False

    body = ec2_body(
        "CreateNetworkInterface",
        "<networkInterface><attachment><attachTime>2024/05/01 12:00</attachTime></attachment></networkInterface>",
    )
    one(check_body("ec2", "CreateNetworkInterface", body), "attachTime", "not ISO-8601")


def test_ec2_integer_overflow():
    bad = SG_ITEM.replace("<toPort>443</toPort>", "<toPort>4294967296</toPort>")
    body = ec2_body("DescribeSecurityGroups", f"<securityGroupInfo>{bad}</securityGroupInfo>")
    one(check_body("ec2", "DescribeSecurityGroups", body), "out of range")


def test_ec2_enum_value_not_in_model():
    vpc = VPC_ITEM.replace("<state>available</state>", "<state>active</state>")
    one(check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcSet>{vpc}</vpcSet>")), "'active'", "VpcState")


def test_ec2_duplicate_non_list_element():
    vpc = VPC_ITEM.replace("<ownerId>111111111111</ownerId>", "<ownerId>1</ownerId><ownerId>2</ownerId>")
    one(check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcSet>{vpc}</vpcSet>")), "<ownerId> occurs 2 times")


def test_ec2_scalar_with_children_and_struct_with_text():
    vpc = VPC_ITEM.replace("<cidrBlock>10.0.0.0/16</cidrBlock>", "<cidrBlock><item>10.0.0.0/16</item></cidrBlock>")
    one(check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcSet>{vpc}</vpcSet>")), "child elements")
    body = ec2_body("DescribeVpcs", "<vpcSet>vpc-1</vpcSet>")
    one(check_body("ec2", "DescribeVpcs", body), "unexpected text 'vpc-1'")


def test_ec2_missing_and_duplicate_request_id():
    problems = check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", "<vpcSet/>", rid=""))
    one(problems, "missing <requestId>")
    problems = check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", RID + "<vpcSet/>"))
    one(problems, "<requestId> occurs more than once")


def test_ec2_output_less_operation_with_extra_element():
    body = ec2_body("DeleteVpc", "<return>true</return><vpcId>vpc-1</vpcId>")
    one(check_body("ec2", "DeleteVpc", body), "unexpected element <vpcId>")
    one(check_body("ec2", "DeleteVpc", ec2_body("DeleteVpc", "<return>yes</return>")), "bad boolean literal 'yes'")


def test_ec2_wrong_namespace_and_bad_xml():
    one(check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", "<vpcSet/>", ns='xmlns="urn:nope"')), "xmlns")
    one(check_body("ec2", "DescribeVpcs", b"<DescribeVpcsResponse><vpcSet></DescribeVpcsResponse>"), "not well-formed")


def test_ec2_several_mistakes_are_all_reported():
    vpc = VPC_ITEM.replace("vpcId>", "VpcId>").replace("<isDefault>false", "<isDefault>0")
    problems = check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcList>{vpc}</vpcList>"))
    assert len(problems) == 1 and "<vpcList>" in problems[0]  # unknown subtree is not descended into
    problems = check_body("ec2", "DescribeVpcs", ec2_body("DescribeVpcs", f"<vpcSet>{vpc}</vpcSet>"))
    assert len(problems) == 2, problems


# ---------------------------------------------------------------- query (STS / IAM)

STS_NS = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'
META = "<ResponseMetadata><RequestId>c6104cbe-0000-4000-8000-000000000002</RequestId></ResponseMetadata>"
GCI = (
    "<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId>"
    "<Account>111111111111</Account></GetCallerIdentityResult>"
)


def sts_body(inner, root="GetCallerIdentityResponse"):
    return f"<{root} {STS_NS}>{inner}</{root}>".encode()


def test_query_good_body():
    assert check_body("sts", "GetCallerIdentity", sts_body(GCI + META)) == []


def test_query_missing_or_misnamed_result_wrapper():
    inner = GCI.replace("GetCallerIdentityResult", "GetCallerIdentityResponse2")
    problems = check_body("sts", "GetCallerIdentity", sts_body(inner + META))
    assert any("missing result wrapper <GetCallerIdentityResult>" in p for p in problems), problems
    assert any("unexpected element <GetCallerIdentityResponse2>" in p for p in problems), problems
    # members directly under the root (no wrapper) is a classic emulator mistake
    bare = GCI.replace("<GetCallerIdentityResult>", "").replace("</GetCallerIdentityResult>", "")
    problems = check_body("sts", "GetCallerIdentity", sts_body(bare + META))
    assert any("missing result wrapper" in p for p in problems), problems
    assert botocore_parse("sts", "GetCallerIdentity", sts_body(GCI + META))["Account"] == "111111111111"


def test_query_response_metadata():
    one(check_body("sts", "GetCallerIdentity", sts_body(GCI)), "missing <ResponseMetadata>")
    bad_meta = "<ResponseMetadata><requestId>x</requestId></ResponseMetadata>"
    problems = check_body("sts", "GetCallerIdentity", sts_body(GCI + bad_meta))
    assert any("exactly one <RequestId>" in p for p in problems), problems


def test_query_unknown_member_and_list_item_tag():
    inner = GCI.replace("<Account>", "<account>").replace("</Account>", "</account>")
    one(check_body("sts", "GetCallerIdentity", sts_body(inner + META)), "<account>", "did you mean <Account>?")

    role = (
        "<{t}><Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLE</RoleId>"
        "<Arn>arn:aws:iam::111111111111:role/r</Arn><CreateDate>2024-05-01T12:00:00Z</CreateDate></{t}>"
    )
    iam_ns = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'

    def list_roles(item_tag):
        inner = f"<ListRolesResult><IsTruncated>false</IsTruncated><Roles>{role.format(t=item_tag)}</Roles></ListRolesResult>"
        return f"<ListRolesResponse {iam_ns}>{inner}{META}</ListRolesResponse>".encode()

    assert check_body("iam", "ListRoles", list_roles("member")) == []
    one(check_body("iam", "ListRoles", list_roles("item")), "list item <item>, expected <member>")


def test_query_missing_required_member():
    iam_ns = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'
    inner = "<ListRolesResult><IsTruncated>false</IsTruncated><Roles><member><RoleName>r</RoleName></member></Roles></ListRolesResult>"
    problems = check_body("iam", "ListRoles", f"<ListRolesResponse {iam_ns}>{inner}{META}</ListRolesResponse>".encode())
    assert len(problems) == 4, problems  # Path, RoleId, Arn, CreateDate
    assert all("missing required" in p for p in problems)


def test_query_map_entries():
    iam_ns = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'

    def summary(entries):
        inner = f"<GetAccountSummaryResult><SummaryMap>{entries}</SummaryMap></GetAccountSummaryResult>"
        return f"<GetAccountSummaryResponse {iam_ns}>{inner}{META}</GetAccountSummaryResponse>".encode()

    good = "<entry><key>Users</key><value>3</value></entry><entry><key>Groups</key><value>1</value></entry>"
    assert check_body("iam", "GetAccountSummary", summary(good)) == []
    one(check_body("iam", "GetAccountSummary", summary("<item><key>Users</key><value>3</value></item>")), "map entry <item>")
    problems = check_body("iam", "GetAccountSummary", summary("<entry><key>Users</key><val>3</val></entry>"))
    assert any("map entry child <val>" in p for p in problems), problems
    assert any("exactly one <key> and one <value>" in p for p in problems), problems
    one(check_body("iam", "GetAccountSummary", summary("<entry><key>Bogus</key><value>3</value></entry>")), "'Bogus'", "enum")


# ---------------------------------------------------------------- json (Organizations)

ORG = {
    "Organization": {
        "Id": "o-abcdefghij",
        "Arn": "arn:aws:organizations::111111111111:organization/o-abcdefghij",
        "FeatureSet": "ALL",
        "MasterAccountId": "111111111111",
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }
}


def org_body(mutate=None):
    import copy
    import json

    doc = copy.deepcopy(ORG)
    if mutate:
        mutate(doc["Organization"])
    return json.dumps(doc).encode()


def test_json_good_body():
    assert check_body("organizations", "DescribeOrganization", org_body()) == []


def test_json_unknown_key_wrong_type_null_enum():
    one(check_body("organizations", "DescribeOrganization", org_body(lambda o: o.update(id=o.pop("Id")))), "unknown key 'id'", "did you mean 'Id'?")
    one(check_body("organizations", "DescribeOrganization", org_body(lambda o: o.update(AvailablePolicyTypes={}))), "expected a JSON array")
    one(check_body("organizations", "DescribeOrganization", org_body(lambda o: o.update(MasterAccountId=None))), "null value")
    one(check_body("organizations", "DescribeOrganization", org_body(lambda o: o.update(FeatureSet="EVERYTHING"))), "'EVERYTHING'")
    one(check_body("organizations", "DescribeOrganization", org_body(lambda o: o.update(Id=12))), "expected a JSON string")


def test_json_timestamps_must_be_epoch_numbers():
    import json

    good = {"CreateAccountStatus": {"Id": "car-1a2b3c4d5e", "State": "IN_PROGRESS", "RequestedTimestamp": 1730000000.5}}
    assert check_body("organizations", "CreateAccount", json.dumps(good).encode()) == []
    good["CreateAccountStatus"]["RequestedTimestamp"] = "2024-10-27T03:33:20Z"
    one(check_body("organizations", "CreateAccount", json.dumps(good).encode()), "RequestedTimestamp", "epoch seconds")
    good["CreateAccountStatus"]["RequestedTimestamp"] = True
    one(check_body("organizations", "CreateAccount", json.dumps(good).encode()), "epoch seconds")


def test_json_not_json_at_all():
    one(check_body("organizations", "DescribeOrganization", b"<xml/>"), "not valid JSON")


# ---------------------------------------------------------------- rest-json (RAM)

SHARE = (
    '{"resourceShare":{"resourceShareArn":"arn:aws:ram:us-east-1:111111111111:resource-share/4476c27d",'
    '"name":"sg-share","owningAccountId":"111111111111","allowExternalPrincipals":false,"status":"ACTIVE",'
    '"creationTime":1730000000.123,"lastUpdatedTime":1730000000,"featureSet":"STANDARD","tags":[]}}'
)


def test_rest_json_good_body():
    assert check_body("ram", "CreateResourceShare", SHARE.encode()) == []


def test_rest_json_mistakes():
    body = SHARE.replace('"resourceShareArn"', '"ResourceShareArn"')
    one(check_body("ram", "CreateResourceShare", body.encode()), "'ResourceShareArn'", "did you mean 'resourceShareArn'?")
    body = SHARE.replace("1730000000.123", '"2024-10-27T03:33:20.123Z"')
    one(check_body("ram", "CreateResourceShare", body.encode()), "creationTime", "epoch seconds")
    body = SHARE.replace('"allowExternalPrincipals":false', '"allowExternalPrincipals":"false"')
    one(check_body("ram", "CreateResourceShare", body.encode()), "allowExternalPrincipals", "true/false")
    body = SHARE.replace('"tags":[]', '"tags":[{"Key":"a","value":"b"}]')
    one(check_body("ram", "CreateResourceShare", body.encode()), "'Key'", "did you mean 'key'?")
    body = SHARE.replace('"status":"ACTIVE"', '"status":"active"')
    one(check_body("ram", "CreateResourceShare", body.encode()), "'active'")


@pytest.mark.parametrize("service,op", [("ec2", "DescribeVpcs"), ("sts", "GetCallerIdentity")])
def test_every_problem_names_a_path(service, op):
    problems = check_body(service, op, b"<Wrong/>")
    assert problems and all(p.startswith("/") for p in problems)
