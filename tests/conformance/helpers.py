"""Small helpers shared by the boto3 conformance tests (no fixtures here; see conftest.py)."""

import contextlib
import ipaddress
import re
import secrets

import pytest
from botocore.exceptions import ClientError

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"

ID_RE = {
    prefix: re.compile(rf"^{prefix}-[0-9a-f]{{17}}$")
    for prefix in ("vpc", "subnet", "sg", "sgr", "eni", "i", "r", "rtb", "acl", "dopt", "vpc-cidr-assoc", "eni-attach", "rtbassoc", "aclassoc")
}


def is_id(prefix, value):
    return bool(ID_RE[prefix].match(value or ""))


def fake_id(prefix):
    """A well-formed id that (with overwhelming probability) names nothing."""
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


@contextlib.contextmanager
def aws_error(code, status=400, message=None):
    """Expect a ClientError with this exact code and HTTP status (and optionally a message part)."""
    with pytest.raises(ClientError) as info:
        yield info
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    if message is not None:
        assert message in response["Error"]["Message"], response


def error_of(call, *args, **kwargs):
    """Run a call that must fail; return (code, status, message)."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    r = info.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message", "")


def tags_of(obj):
    return {t["Key"]: t["Value"] for t in obj.get("Tags", [])}


def tag_spec(resource_type, **tags):
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def new_vpc(ec2, cidr="10.0.0.0/16", **tags):
    kwargs = {"CidrBlock": cidr}
    if tags:
        kwargs["TagSpecifications"] = tag_spec("vpc", **tags)
    return ec2.create_vpc(**kwargs)["Vpc"]["VpcId"]


def new_subnet(ec2, vpc_id, cidr, **kwargs):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, **kwargs)["Subnet"]["SubnetId"]


def new_sg(ec2, vpc_id, name, description="test group", **tags):
    kwargs = {"GroupName": name, "Description": description}
    if vpc_id is not None:
        kwargs["VpcId"] = vpc_id
    if tags:
        kwargs["TagSpecifications"] = tag_spec("security-group", **tags)
    return ec2.create_security_group(**kwargs)["GroupId"]


def network(ec2, cidr="10.0.0.0/16", subnet_cidr="10.0.1.0/24"):
    """VPC + one subnet; returns (vpc_id, subnet_id)."""
    vpc = new_vpc(ec2, cidr)
    return vpc, new_subnet(ec2, vpc, subnet_cidr)


def default_sg(ec2, vpc_id):
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    assert len(groups) == 1, groups
    return groups[0]


def default_vpc(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def sg(ec2, group_id):
    groups = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert len(groups) == 1
    return groups[0]


def rules_of(ec2, group_id):
    return ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]


def ids(items, key):
    return sorted(item[key] for item in items)


def collect_pages(call, key, page_size, **kwargs):
    """Follow NextToken by hand; return (pages, all items).  Fails on an endless loop."""
    pages, items, token = [], [], None
    for _ in range(100):
        args = dict(kwargs, MaxResults=page_size)
        if token:
            args["NextToken"] = token
        page = call(**args)
        pages.append(page[key])
        items.extend(page[key])
        token = page.get("NextToken")
        if not token:
            return pages, items
    raise AssertionError("pagination never ended")


def in_cidr(ip, cidr):
    return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr)


def tcp(port, *cidrs, to_port=None, descriptions=None):
    """An IpPermission for tcp `port` (or range) from the given IPv4 CIDRs."""
    ranges = []
    for i, c in enumerate(cidrs):
        r = {"CidrIp": c}
        if descriptions:
            r["Description"] = descriptions[i]
        ranges.append(r)
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port if to_port is None else to_port, "IpRanges": ranges}


def new_members(org, *names):
    """Create member accounts in the caller's organization; their ids, in order."""
    ids = []
    for name in names:
        req = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        status = org.describe_create_account_status(CreateAccountRequestId=req["Id"])["CreateAccountStatus"]
        ids.append(status["AccountId"])
    return ids
