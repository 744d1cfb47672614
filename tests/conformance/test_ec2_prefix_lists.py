"""Customer-managed prefix lists: versioned entries, their use as a rule peer (weighing their
maximum size against the rule quota), tags, and sharing through RAM, also outside an
organization (the one shareable type here that allows it)."""

import pytest

from helpers import ACCOUNT_A, ACCOUNT_B, aws_error, fake_id, new_sg, new_vpc, tag_spec


@pytest.fixture
def ec2(aws):
    return aws("ec2", ACCOUNT_A)


def new_list(ec2, name="office", max_entries=5, cidrs=("10.1.0.0/16",), family="IPv4", **kwargs):
    entries = [{"Cidr": c, "Description": f"net {c}"} for c in cidrs]
    return ec2.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=max_entries, AddressFamily=family, Entries=entries, **kwargs
    )["PrefixList"]


def customer_lists(ec2):
    """The lists an account sees besides AWS's own."""
    return [p for p in ec2.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] != "AWS"]


def entries(ec2, pl_id, **kwargs):
    return [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, **kwargs)["Entries"]]


def test_create_and_describe(ec2):
    pl = new_list(ec2, cidrs=("10.1.0.0/16", "192.168.7.9/24"), TagSpecifications=tag_spec("prefix-list", team="net"))
    assert pl["PrefixListId"].startswith("pl-") and len(pl["PrefixListId"]) == 20
    assert pl["AddressFamily"] == "IPv4" and pl["State"] == "create-complete"
    assert pl["Version"] == 1 and pl["MaxEntries"] == 5 and pl["OwnerId"] == ACCOUNT_A
    assert pl["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:prefix-list/{pl['PrefixListId']}"
    assert pl["Tags"] == [{"Key": "team", "Value": "net"}]
    [seen] = ec2.describe_managed_prefix_lists(PrefixListIds=[pl["PrefixListId"]])["PrefixLists"]
    assert seen == pl
    assert ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["off*"]}])["PrefixLists"] == [pl]
    assert ec2.describe_managed_prefix_lists(Filters=[{"Name": "tag:team", "Values": ["other"]}])["PrefixLists"] == []
    # Entries come back canonical (host bits cleared), with their descriptions.
    out = ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])["Entries"]
    assert out == [
        {"Cidr": "10.1.0.0/16", "Description": "net 10.1.0.0/16"},
        {"Cidr": "192.168.7.0/24", "Description": "net 192.168.7.9/24"},
    ]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["prefix-list"]}])["Tags"]
    assert tags == [{"Key": "team", "Value": "net", "ResourceId": pl["PrefixListId"], "ResourceType": "prefix-list"}]


def test_versions(ec2):
    pl_id = new_list(ec2)["PrefixListId"]
    out = ec2.modify_managed_prefix_list(
        PrefixListId=pl_id, CurrentVersion=1, AddEntries=[{"Cidr": "10.2.0.0/16"}], RemoveEntries=[{"Cidr": "10.1.0.0/16"}]
    )["PrefixList"]
    assert out["Version"] == 2 and out["State"] == "modify-complete"
    assert entries(ec2, pl_id) == ["10.2.0.0/16"]
    assert entries(ec2, pl_id, TargetVersion=1) == ["10.1.0.0/16"]
    # Renaming and resizing make no new version.
    out = ec2.modify_managed_prefix_list(PrefixListId=pl_id, PrefixListName="renamed")["PrefixList"]
    assert (out["Version"], out["PrefixListName"]) == (2, "renamed")
    out = ec2.modify_managed_prefix_list(PrefixListId=pl_id, MaxEntries=8)["PrefixList"]
    assert (out["Version"], out["MaxEntries"]) == (2, 8)
    # Removal before addition: one request replaces a description.
    ec2.modify_managed_prefix_list(
        PrefixListId=pl_id,
        RemoveEntries=[{"Cidr": "10.2.0.0/16"}],
        AddEntries=[{"Cidr": "10.2.0.0/16", "Description": "new"}],
    )
    assert ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"] == [{"Cidr": "10.2.0.0/16", "Description": "new"}]
    with aws_error("PrefixListVersionMismatch"):
        ec2.modify_managed_prefix_list(PrefixListId=pl_id, CurrentVersion=1, AddEntries=[{"Cidr": "10.3.0.0/16"}])
    with aws_error("InvalidParameterValue"):
        ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, TargetVersion=9)


def test_entries_page_in_order(ec2):
    cidrs = [f"10.{i}.0.0/16" for i in range(12)]
    pl_id = new_list(ec2, max_entries=20, cidrs=cidrs)["PrefixListId"]
    seen, token = [], None
    while True:
        out = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, MaxResults=5, **({"NextToken": token} if token else {}))
        seen += [e["Cidr"] for e in out["Entries"]]
        token = out.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(cidrs) and len(seen) == len(set(seen))


def test_refusals(ec2):
    pl_id = new_list(ec2, max_entries=2)["PrefixListId"]
    with aws_error("InvalidParameterValue", message="com.amazonaws"):
        new_list(ec2, name="com.amazonaws.mine")
    with aws_error("InvalidParameterValue"):
        new_list(ec2, max_entries=1001)
    with aws_error("InvalidParameterValue"):
        new_list(ec2, family="IPv5")
    with aws_error("InvalidParameterValue"):
        new_list(ec2, cidrs=("2001:db8::/32",))
    with aws_error("InvalidParameterValue"):
        new_list(ec2, cidrs=("10.0.0.0/33",))
    with aws_error("InvalidParameterValue"):
        new_list(ec2, max_entries=1, cidrs=("10.1.0.0/16", "10.2.0.0/16"))
    with aws_error("InvalidParameterValue"):
        new_list(ec2, cidrs=("10.1.0.0/16", "10.1.0.0/16"))
    with aws_error("InvalidParameterValue", message="exceed"):
        ec2.modify_managed_prefix_list(PrefixListId=pl_id, AddEntries=[{"Cidr": "10.2.0.0/16"}, {"Cidr": "10.3.0.0/16"}])
    with aws_error("InvalidParameterCombination"):
        ec2.modify_managed_prefix_list(PrefixListId=pl_id, MaxEntries=4, AddEntries=[{"Cidr": "10.2.0.0/16"}])
    with aws_error("InvalidParameterValue"):
        ec2.modify_managed_prefix_list(PrefixListId=pl_id, RemoveEntries=[{"Cidr": "10.9.0.0/16"}])
    with aws_error("InvalidPrefixListID.NotFound"):
        ec2.describe_managed_prefix_lists(PrefixListIds=[fake_id("pl")])
    with aws_error("InvalidPrefixListId.Malformed"):
        ec2.get_managed_prefix_list_entries(PrefixListId="nope")
    with aws_error("InvalidPrefixListID.NotFound"):
        ec2.delete_managed_prefix_list(PrefixListId=fake_id("pl"))
    with aws_error("DryRunOperation", status=412):
        ec2.delete_managed_prefix_list(PrefixListId=pl_id, DryRun=True)


def test_idempotent_create(ec2):
    a = new_list(ec2, ClientToken="tok-1")
    b = new_list(ec2, ClientToken="tok-1")
    assert a["PrefixListId"] == b["PrefixListId"]
    assert len(customer_lists(ec2)) == 1
    with aws_error("IdempotentParameterMismatch"):
        new_list(ec2, name="other", ClientToken="tok-1")


def test_rules_reference_a_list_and_weigh_its_size(ec2):
    vpc = new_vpc(ec2)
    sg = new_sg(ec2, vpc, "web")
    pl_id = new_list(ec2, max_entries=50)["PrefixListId"]
    perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": pl_id, "Description": "office"}]}
    rule = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[perm])["SecurityGroupRules"][0]
    assert rule["PrefixListId"] == pl_id
    [g] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    assert g["IpPermissions"][0]["PrefixListIds"] == [{"PrefixListId": pl_id, "Description": "office"}]
    # 50 for the list + 10 more reach the quota of 60; the 11th rule exceeds it.
    for port in range(10):
        ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=port, ToPort=port, CidrIp="10.0.0.0/8")
    with aws_error("RulesPerSecurityGroupLimitExceeded"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=99, ToPort=99, CidrIp="10.0.0.0/8")
    with aws_error("RulesPerSecurityGroupLimitExceeded"):
        ec2.modify_managed_prefix_list(PrefixListId=pl_id, MaxEntries=51)
    with aws_error("DependencyViolation"):
        ec2.delete_managed_prefix_list(PrefixListId=pl_id)
    ec2.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    out = ec2.delete_managed_prefix_list(PrefixListId=pl_id)["PrefixList"]
    assert out["State"] == "delete-in-progress" and out["PrefixListId"] == pl_id
    with aws_error("InvalidPrefixListID.NotFound"):
        ec2.describe_managed_prefix_lists(PrefixListIds=[pl_id])
    with aws_error("InvalidPrefixListID.NotFound"):
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[perm])


def test_other_accounts_and_regions_do_not_see_it(aws, ec2):
    pl_id = new_list(ec2)["PrefixListId"]
    b = aws("ec2", ACCOUNT_B)
    west = aws("ec2", ACCOUNT_A, "us-west-2")
    for other in (b, west):
        assert customer_lists(other) == []
        with aws_error("InvalidPrefixListID.NotFound"):
            other.get_managed_prefix_list_entries(PrefixListId=pl_id)
    with aws_error("InvalidPrefixListID.NotFound"):
        b.modify_managed_prefix_list(PrefixListId=pl_id, PrefixListName="x")
    sg = new_sg(b, new_vpc(b), "b")
    with aws_error("InvalidPrefixListID.NotFound"):
        b.authorize_security_group_ingress(
            GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": pl_id}]}]
        )


def test_shared_outside_an_organization_after_accepting(aws, ec2):
    pl = new_list(ec2)
    share = aws("ram", ACCOUNT_A).create_resource_share(
        name="office", resourceArns=[pl["PrefixListArn"]], principals=[ACCOUNT_B], allowExternalPrincipals=True
    )["resourceShare"]
    b, bram = aws("ec2", ACCOUNT_B), aws("ram", ACCOUNT_B)
    # Pending invitation: nothing granted yet.
    assert customer_lists(b) == []
    [inv] = bram.get_resource_share_invitations()["resourceShareInvitations"]
    assert inv["status"] == "PENDING" and inv["resourceShareArn"] == share["resourceShareArn"]
    bram.accept_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    [seen] = customer_lists(b)
    assert seen["PrefixListId"] == pl["PrefixListId"] and seen["OwnerId"] == ACCOUNT_A
    assert entries(b, pl["PrefixListId"]) == ["10.1.0.0/16"]
    sg = new_sg(b, new_vpc(b), "uses-shared-list")
    b.authorize_security_group_ingress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": pl["PrefixListId"]}]}]
    )
    # Read-only for the participant.
    with aws_error("UnauthorizedOperation", status=403):
        b.modify_managed_prefix_list(PrefixListId=pl["PrefixListId"], PrefixListName="mine")
    with aws_error("UnauthorizedOperation", status=403):
        b.delete_managed_prefix_list(PrefixListId=pl["PrefixListId"])
    with aws_error("UnauthorizedOperation", status=403):
        b.create_tags(Resources=[pl["PrefixListId"]], Tags=[{"Key": "k", "Value": "v"}])
    # The owner's changes are seen at once; unsharing takes the list away again.
    ec2.modify_managed_prefix_list(PrefixListId=pl["PrefixListId"], AddEntries=[{"Cidr": "10.9.0.0/16"}])
    assert entries(b, pl["PrefixListId"]) == ["10.1.0.0/16", "10.9.0.0/16"]
    aws("ram", ACCOUNT_A).delete_resource_share(resourceShareArn=share["resourceShareArn"])
    assert customer_lists(b) == []


def test_aws_managed_lists_are_everyones_and_read_only(aws, ec2):
    by_name = {p["PrefixListName"]: p for p in ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "owner-id", "Values": ["AWS"]}])["PrefixLists"]}
    s3 = by_name["com.amazonaws.us-east-1.s3"]
    assert s3["PrefixListId"] == "pl-63a5400a" and "com.amazonaws.us-east-1.dynamodb" in by_name
    assert entries(ec2, s3["PrefixListId"])
    west = aws("ec2", ACCOUNT_B, "us-west-2")
    names = {p["PrefixListName"] for p in west.describe_managed_prefix_lists()["PrefixLists"]}
    assert names == {"com.amazonaws.us-west-2.s3", "com.amazonaws.us-west-2.dynamodb"}
    with aws_error("UnauthorizedOperation", status=403):
        ec2.modify_managed_prefix_list(PrefixListId=s3["PrefixListId"], PrefixListName="mine")
    with aws_error("UnauthorizedOperation", status=403):
        ec2.delete_managed_prefix_list(PrefixListId=s3["PrefixListId"])
    sg = new_sg(ec2, new_vpc(ec2), "to-s3")
    ec2.authorize_security_group_egress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3["PrefixListId"]}]}]
    )
