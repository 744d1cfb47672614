"""Network ACLs through boto3, strictly checked: the default ACL as AWS builds it (and as it
follows an IPv6 block), custom ACLs with only the `*` rules, entries created, replaced and
deleted with their checks and quotas, subnets moved between ACLs, every filter, and what the
participants of a shared VPC see and may not do."""

from helpers import aws_error, new_members, new_subnet, new_vpc, tag_spec, tags_of


def acl_of(ec2, acl_id):
    return ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]


def default_acl(ec2, vpc):
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                               {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    return acl


def rules(acl):
    return [(e["Egress"], e["RuleNumber"], e["RuleAction"], e.get("CidrBlock") or e.get("Ipv6CidrBlock"))
            for e in acl["Entries"]]


def test_the_default_acl_allows_all_and_follows_the_vpc(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    acl = default_acl(ec2, vpc)
    assert acl["IsDefault"] is True and acl["OwnerId"] == "111111111111"
    assert rules(acl) == [(True, 100, "allow", "0.0.0.0/0"), (True, 32767, "deny", "0.0.0.0/0"),
                          (False, 100, "allow", "0.0.0.0/0"), (False, 32767, "deny", "0.0.0.0/0")]
    [assoc] = acl["Associations"]
    assert assoc["SubnetId"] == subnet and assoc["NetworkAclAssociationId"].startswith("aclassoc-")
    # An IPv6 block brings its allow and deny rules while the ACL is unchanged.
    ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    acl = default_acl(ec2, vpc)
    assert [(e, n, a) for e, n, a, _ in rules(acl)] == [
        (True, 100, "allow"), (True, 101, "allow"), (True, 32767, "deny"), (True, 32768, "deny"),
        (False, 100, "allow"), (False, 101, "allow"), (False, 32767, "deny"), (False, 32768, "deny")]
    with aws_error("InvalidParameterValue", message=f"cannot delete default network ACL {acl['NetworkAclId']}"):
        ec2.delete_network_acl(NetworkAclId=acl["NetworkAclId"])
    # Terraform's aws_default_network_acl removes the entries and writes its own.
    for egress in (True, False):
        for n in (100, 101):
            ec2.delete_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=n, Egress=egress)
    assert [n for _, n, _, _ in rules(default_acl(ec2, vpc))] == [32767, 32768, 32767, 32768]


def test_custom_acl_entries_and_their_checks(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    made = ec2.create_network_acl(VpcId=vpc, ClientToken="t1",
                                  TagSpecifications=tag_spec("network-acl", Tier="private"))
    acl = made["NetworkAcl"]
    acl_id = acl["NetworkAclId"]
    assert made["ClientToken"] == "t1" and acl["IsDefault"] is False and acl["Associations"] == []
    assert rules(acl) == [(True, 32767, "deny", "0.0.0.0/0"), (False, 32767, "deny", "0.0.0.0/0")]
    assert tags_of(acl) == {"Tier": "private"}

    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="10.0.0.7/16", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=110, Protocol="udp", RuleAction="deny",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 53, "To": 53})
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=120, Protocol="1", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": -1, "Code": -1})
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=True, Ipv6CidrBlock="::/0", PortRange={"From": 1, "To": 2})
    entries = {(e["Egress"], e["RuleNumber"]): e for e in acl_of(ec2, acl_id)["Entries"]}
    https = entries[(False, 100)]
    assert https["CidrBlock"] == "10.0.0.0/16" and https["Protocol"] == "6"
    assert https["PortRange"] == {"From": 443, "To": 443}
    assert entries[(False, 110)]["Protocol"] == "17" and entries[(False, 110)]["RuleAction"] == "deny"
    assert entries[(False, 120)]["IcmpTypeCode"] == {"Type": -1, "Code": -1}
    assert "PortRange" not in entries[(True, 100)]  # all protocols: no ports
    assert entries[(True, 100)]["Ipv6CidrBlock"] == "::/0"

    with aws_error("NetworkAclEntryAlreadyExists"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("MissingParameter"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=130, Protocol="6", RuleAction="allow",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("MissingParameter"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=130, Protocol="1", RuleAction="allow",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("InvalidParameterValue"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=32767, Protocol="-1", RuleAction="allow",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("InvalidParameterValue"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=130, Protocol="-1", RuleAction="maybe",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("InvalidParameterCombination"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=130, Protocol="-1", RuleAction="allow",
                                     Egress=False)

    ec2.replace_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="6", RuleAction="deny",
                                  Egress=False, CidrBlock="192.168.0.0/16", PortRange={"From": 22, "To": 22})
    replaced = {(e["Egress"], e["RuleNumber"]): e for e in acl_of(ec2, acl_id)["Entries"]}[(False, 100)]
    assert replaced["RuleAction"] == "deny" and replaced["CidrBlock"] == "192.168.0.0/16"
    with aws_error("InvalidNetworkAclEntry.NotFound"):
        ec2.replace_network_acl_entry(NetworkAclId=acl_id, RuleNumber=200, Protocol="-1", RuleAction="deny",
                                      Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("InvalidNetworkAclEntry.NotFound"):
        ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=200, Egress=False)
    with aws_error("InvalidParameterValue"):
        ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=32767, Egress=False)
    ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=110, Egress=False)

    # Twenty rules per direction and family, the `*` rule included.
    for n in range(1, 18):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=1000 + n, Protocol="-1",
                                     RuleAction="allow", Egress=False, CidrBlock=f"10.{n}.0.0/16")
    with aws_error("NetworkAclEntryLimitExceeded"):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=2000, Protocol="-1",
                                     RuleAction="allow", Egress=False, CidrBlock="10.200.0.0/16")
    # The other direction and family have their own.
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=2000, Protocol="-1",
                                 RuleAction="allow", Egress=False, Ipv6CidrBlock="2600::/32")
    with aws_error("InvalidNetworkAclID.NotFound", message="The networkAcl ID 'acl-0123456789abcdef0' does not exist"):
        ec2.describe_network_acls(NetworkAclIds=["acl-0123456789abcdef0"])


def test_subnets_move_between_acls(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc, "10.0.1.0/24")
    other_vpc = new_vpc(ec2, "10.1.0.0/16")
    default = default_acl(ec2, vpc)
    custom = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    foreign = ec2.create_network_acl(VpcId=other_vpc)["NetworkAcl"]["NetworkAclId"]
    [assoc] = default["Associations"]
    new_assoc = ec2.replace_network_acl_association(
        AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=custom)["NewAssociationId"]
    assert new_assoc != assoc["NetworkAclAssociationId"]
    assert default_acl(ec2, vpc)["Associations"] == []
    assert acl_of(ec2, custom)["Associations"] == [
        {"NetworkAclAssociationId": new_assoc, "NetworkAclId": custom, "SubnetId": subnet}]
    found = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    assert [a["NetworkAclId"] for a in found["NetworkAcls"]] == [custom]
    with aws_error("DependencyViolation", message=f"The networkAcl '{custom}' has dependencies"):
        ec2.delete_network_acl(NetworkAclId=custom)
    with aws_error("InvalidAssociationID.NotFound"):
        ec2.replace_network_acl_association(AssociationId=new_assoc, NetworkAclId=foreign)
    with aws_error("DependencyViolation"):
        ec2.delete_vpc(VpcId=other_vpc)
    back = ec2.replace_network_acl_association(AssociationId=new_assoc,
                                               NetworkAclId=default["NetworkAclId"])["NewAssociationId"]
    assert [a["NetworkAclAssociationId"] for a in default_acl(ec2, vpc)["Associations"]] == [back]
    ec2.delete_network_acl(NetworkAclId=custom)
    # A deleted subnet leaves its ACL.
    moved = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.replace_network_acl_association(AssociationId=back, NetworkAclId=moved)
    ec2.delete_subnet(SubnetId=subnet)
    assert acl_of(ec2, moved)["Associations"] == []


def test_filters(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    acl = ec2.create_network_acl(VpcId=vpc, TagSpecifications=tag_spec("network-acl", k="v"))["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=7, Protocol="6", RuleAction="allow",
                                 Egress=True, CidrBlock="172.16.0.0/12", PortRange={"From": 80, "To": 8080})

    def ids(*filters):
        return [a["NetworkAclId"] for a in ec2.describe_network_acls(
            Filters=[{"Name": n, "Values": [v]} for n, v in filters])["NetworkAcls"]]

    assert ids(("vpc-id", vpc), ("default", "false")) == [acl]
    assert ids(("entry.rule-number", "7")) == [acl]
    assert ids(("entry.cidr", "172.16.0.0/12"), ("entry.egress", "true")) == [acl]
    assert ids(("entry.port-range.from", "80"), ("entry.port-range.to", "8080")) == [acl]
    assert ids(("entry.protocol", "6"), ("entry.rule-action", "allow")) == [acl]
    assert ids(("tag:k", "v")) == [acl] and ids(("tag-key", "k")) == [acl]
    assert ids(("network-acl-id", acl), ("owner-id", "111111111111")) == [acl]
    assert ids(("entry.rule-number", "8")) == []
    with aws_error("InvalidParameterValue"):
        ids(("entry.bogus", "1"))


def test_participants_see_the_shared_vpc_s_acls_but_cannot_change_them(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    owner, participant = new_members(org, "network", "app")
    aws("ram").enable_sharing_with_aws_organization()
    eo, ep = aws("ec2", owner), aws("ec2", participant)
    vpc = new_vpc(eo)
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    aws("ram", owner).create_resource_share(name="net", resourceArns=[subnet["SubnetArn"]], principals=[participant])
    acl = default_acl(ep, vpc)
    assert acl["OwnerId"] == owner
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=1, Protocol="-1",
                                    RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0")
    with aws_error("UnauthorizedOperation", status=403):
        ep.create_network_acl(VpcId=vpc)
    with aws_error("InvalidNetworkAclID.NotFound"):
        aws("ec2", "999999999999").describe_network_acls(NetworkAclIds=[acl["NetworkAclId"]])
