"""Security group rules: authorize / revoke (by permission and by id), normalisation (protocols,
canonical CIDRs, -1 ports), duplicates, Terraform's default-egress revoke, the per-direction rule
quota, DescribeSecurityGroupRules, ModifySecurityGroupRules and the description updates."""

import pytest

from helpers import (
    ACCOUNT_A,
    aws_error,
    collect_pages,
    fake_id,
    ids,
    is_id,
    new_sg,
    new_vpc,
    rules_of,
    sg,
    tag_spec,
    tags_of,
    tcp,
)


@pytest.fixture
def ec2(aws):
    return aws("ec2")


@pytest.fixture
def vpc(ec2):
    return new_vpc(ec2, "10.0.0.0/16")


@pytest.fixture
def group(ec2, vpc):
    return new_sg(ec2, vpc, "app")


def ingress(ec2, gid):
    return sg(ec2, gid)["IpPermissions"]


def egress(ec2, gid):
    return sg(ec2, gid)["IpPermissionsEgress"]


def rule(ec2, rule_id):
    [r] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    return r


# ------------------------------------------------------------------ authorize


def test_authorize_ingress_returns_the_new_rule(ec2, group):
    out = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, "10.0.0.0/16", descriptions=["vpc"])])
    assert out["Return"] is True
    [r] = out["SecurityGroupRules"]
    assert is_id("sgr", r["SecurityGroupRuleId"])
    assert r["GroupId"] == group
    assert r["GroupOwnerId"] == ACCOUNT_A
    assert r["IsEgress"] is False
    assert (r["IpProtocol"], r["FromPort"], r["ToPort"]) == ("tcp", 443, 443)
    assert r["CidrIpv4"] == "10.0.0.0/16"
    assert r["Description"] == "vpc"
    assert r["SecurityGroupRuleArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:security-group-rule/{r['SecurityGroupRuleId']}"
    assert ingress(ec2, group) == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "vpc"}],
         "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
    ]
    described = rule(ec2, r["SecurityGroupRuleId"])
    assert {k: described[k] for k in ("GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort", "CidrIpv4", "Description")} == {
        "GroupId": group, "IsEgress": False, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv4": "10.0.0.0/16", "Description": "vpc"}


def test_one_rule_per_source_grouped_in_describe(ec2, group):
    out = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "10.0.0.0/16"}, {"CidrIp": "192.168.0.0/24"}],
             "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]}
        ],
    )
    rules = out["SecurityGroupRules"]
    assert len(rules) == 3 and len({r["SecurityGroupRuleId"] for r in rules}) == 3
    assert sorted(r.get("CidrIpv4") or r.get("CidrIpv6") for r in rules) == ["10.0.0.0/16", "192.168.0.0/24", "2001:db8::/32"]
    [perm] = ingress(ec2, group)
    assert sorted(x["CidrIp"] for x in perm["IpRanges"]) == ["10.0.0.0/16", "192.168.0.0/24"]
    assert perm["Ipv6Ranges"] == [{"CidrIpv6": "2001:db8::/32"}]
    # a second authorize for the same port joins the same IpPermission
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "172.16.0.0/12")])
    [perm] = ingress(ec2, group)
    assert len(perm["IpRanges"]) == 3


@pytest.mark.parametrize("given,stored", [("6", "tcp"), ("17", "udp"), ("TCP", "tcp"), ("tcp", "tcp")])
def test_protocol_numbers_and_names_are_normalised(ec2, group, given, stored):
    out = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": given, "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    assert out["SecurityGroupRules"][0]["IpProtocol"] == stored
    assert ingress(ec2, group)[0]["IpProtocol"] == stored


def test_icmp_and_other_protocols(ec2, group):
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "1", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "172.16.0.0/12"}]},
            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "192.168.0.0/16"}]},
        ],
    )
    perms = {(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")): p for p in ingress(ec2, group)}
    assert ("icmp", 8, 0) in perms and ("icmp", -1, -1) in perms
    assert "50" in {p[0] for p in perms}


def test_all_traffic_ports_are_omitted_in_describe_but_minus_one_in_rules(ec2, group):
    out = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    [perm] = ingress(ec2, group)
    assert perm["IpProtocol"] == "-1"
    assert "FromPort" not in perm and "ToPort" not in perm
    r = rule(ec2, out["SecurityGroupRules"][0]["SecurityGroupRuleId"])
    assert (r["IpProtocol"], r["FromPort"], r["ToPort"]) == ("-1", -1, -1)
    [eg] = [x for x in rules_of(ec2, group) if x["IsEgress"]]
    assert (eg["IpProtocol"], eg["FromPort"], eg["ToPort"], eg["CidrIpv4"]) == ("-1", -1, -1, "0.0.0.0/0")


def test_cidr_is_canonicalised(ec2, group):
    out = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.18/18")])
    assert out["SecurityGroupRules"][0]["CidrIpv4"] == "100.68.0.0/18"
    assert ingress(ec2, group)[0]["IpRanges"] == [{"CidrIp": "100.68.0.0/18"}]
    out6 = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "2001:db8::1/32"}]}]
    )
    assert out6["SecurityGroupRules"][0]["CidrIpv6"] == "2001:db8::/32"


def test_duplicates_canonical_and_not(ec2, group):
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.18/18")])
    with aws_error("InvalidPermission.Duplicate"):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.0/18")])
    with aws_error("InvalidPermission.Duplicate"):  # non-canonical spelling of the same network
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.63.255/18")])
    with aws_error("InvalidPermission.Duplicate"):  # a different description does not make it new
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.0/18", descriptions=["other"])])
    assert len(rules_of(ec2, group)) == 2  # the rule + default egress


def test_duplicate_makes_the_whole_call_fail(ec2, group):
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])
    with aws_error("InvalidPermission.Duplicate"):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(80, "10.0.0.0/8"), tcp(22, "10.0.0.0/8")])
    assert [p["FromPort"] for p in ingress(ec2, group)] == [22]


def test_egress_duplicate_of_default_rule(ec2, group):
    with aws_error("InvalidPermission.Duplicate"):
        ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def test_group_reference_rules(ec2, vpc, group):
    source = new_sg(ec2, vpc, "lb")
    out = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": source, "Description": "from lb"}]}]
    )
    [r] = out["SecurityGroupRules"]
    assert r["ReferencedGroupInfo"]["GroupId"] == source
    assert r["ReferencedGroupInfo"]["UserId"] == ACCOUNT_A
    [perm] = ingress(ec2, group)
    [pair] = perm["UserIdGroupPairs"]
    assert (pair["GroupId"], pair["UserId"], pair["Description"]) == (source, ACCOUNT_A, "from lb")
    with aws_error("InvalidPermission.Duplicate"):
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": source, "UserId": ACCOUNT_A}]}]
        )


def test_reference_to_unknown_group(ec2, group):
    with aws_error("InvalidGroup.NotFound"):
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": fake_id("sg")}]}]
        )


def test_authorize_on_unknown_group(ec2):
    with aws_error("InvalidGroup.NotFound"):
        ec2.authorize_security_group_ingress(GroupId=fake_id("sg"), IpPermissions=[tcp(22, "10.0.0.0/8")])
    with aws_error("InvalidGroup.NotFound"):
        ec2.authorize_security_group_egress(GroupId=fake_id("sg"), IpPermissions=[tcp(22, "10.0.0.0/8")])


@pytest.mark.parametrize(
    "perm",
    [
        {"IpProtocol": "tcp", "FromPort": 30, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 70000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "udp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "bogus", "FromPort": 1, "ToPort": 1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "IpRanges": [{"CidrIp": "10.0.0.0/33"}]},
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "IpRanges": [{"CidrIp": "not-a-cidr"}]},
    ],
    ids=["from>to", "port>65535", "udp-without-ports", "bad-protocol", "prefix-33", "garbage-cidr"],
)
def test_invalid_permissions(ec2, group, perm):
    with aws_error("InvalidParameterValue"):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[perm])
    assert ingress(ec2, group) == []


def test_tag_specifications_on_rules(ec2, group):
    out = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[tcp(443, "10.0.0.0/8")], TagSpecifications=tag_spec("security-group-rule", Name="https")
    )
    [r] = out["SecurityGroupRules"]
    assert tags_of(r) == {"Name": "https"}
    assert tags_of(rule(ec2, r["SecurityGroupRuleId"])) == {"Name": "https"}
    found = ec2.describe_security_group_rules(Filters=[{"Name": "tag:Name", "Values": ["https"]}])["SecurityGroupRules"]
    assert ids(found, "SecurityGroupRuleId") == [r["SecurityGroupRuleId"]]


# ------------------------------------------------------------------ revoke


def test_revoke_by_permission(ec2, group):
    rid = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(80, "10.0.0.0/8")])["SecurityGroupRules"]
    out = ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert out["Return"] is True
    [revoked] = out["RevokedSecurityGroupRules"]
    assert revoked["SecurityGroupRuleId"] == next(r["SecurityGroupRuleId"] for r in rid if r["FromPort"] == 22)
    assert revoked["IsEgress"] is False and revoked["CidrIpv4"] == "10.0.0.0/8"
    assert out.get("UnknownIpPermissions", []) == []
    assert [p["FromPort"] for p in ingress(ec2, group)] == [80]


def test_revoke_matches_canonical_cidr_and_ignores_description(ec2, group):
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.0/18", descriptions=["ssh"])])
    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "100.68.0.18/18")])
    assert ingress(ec2, group) == []


def test_revoke_by_rule_id(ec2, group):
    [r] = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])["SecurityGroupRules"]
    [eg] = [x for x in rules_of(ec2, group) if x["IsEgress"]]
    out = ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[r["SecurityGroupRuleId"]])
    assert out["Return"] is True
    assert ingress(ec2, group) == []
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.describe_security_group_rules(SecurityGroupRuleIds=[r["SecurityGroupRuleId"]])
    ec2.revoke_security_group_egress(GroupId=group, SecurityGroupRuleIds=[eg["SecurityGroupRuleId"]])
    assert egress(ec2, group) == []


def test_revoke_unknown_rule_id(ec2, group):
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[fake_id("sgr")])


def test_revoke_rule_id_of_other_direction_or_group_fails(ec2, vpc, group):
    [eg] = rules_of(ec2, group)
    assert eg["IsEgress"] is True
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[eg["SecurityGroupRuleId"]])
    other = new_sg(ec2, vpc, "other")
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.revoke_security_group_egress(GroupId=other, SecurityGroupRuleIds=[eg["SecurityGroupRuleId"]])
    assert len(egress(ec2, group)) == 1 and len(egress(ec2, other)) == 1


def test_revoke_missing_permission_is_not_found_and_atomic(ec2, group):
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])
    with aws_error("InvalidPermission.NotFound"):
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(23, "10.0.0.0/8")])
    with aws_error("InvalidPermission.NotFound"):
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8")])
    assert [p["FromPort"] for p in ingress(ec2, group)] == [22]


def test_terraform_default_egress_revoke(ec2, group):
    """What the Terraform provider does right after CreateSecurityGroup."""
    out = ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    assert out["Return"] is True
    assert len(out["RevokedSecurityGroupRules"]) == 1
    assert egress(ec2, group) == []
    # the IPv6 twin does not exist in an IPv4-only VPC; Terraform tolerates exactly these answers
    with pytest.raises(Exception) as info:
        ec2.revoke_security_group_egress(
            GroupId=group, IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
        )
    err = info.value.response["Error"]
    assert err["Code"] == "InvalidPermission.NotFound" or (
        err["Code"] == "InvalidParameterValue" and "remote-ipv6-range" in err["Message"]
    ), err
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_authorize_and_revoke_egress(ec2, group):
    out = ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[tcp(5432, "10.0.2.0/24")])
    [r] = out["SecurityGroupRules"]
    assert r["IsEgress"] is True
    assert sorted(p["IpProtocol"] for p in egress(ec2, group)) == ["-1", "tcp"]
    ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[tcp(5432, "10.0.2.0/24")])
    assert [p["IpProtocol"] for p in egress(ec2, group)] == ["-1"]
    with aws_error("InvalidPermission.NotFound"):
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[tcp(5432, "10.0.2.0/24")])


# ------------------------------------------------------------------ quota


def test_sixty_ingress_rules_per_group(ec2, group):
    cidrs = [f"10.{i}.0.0/16" for i in range(60)]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, *cidrs[:30])])
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, *cidrs[30:])])
    with aws_error("RulesPerSecurityGroupLimitExceeded"):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, "192.168.0.0/24")])
    assert len([r for r in rules_of(ec2, group) if not r["IsEgress"]]) == 60
    # egress is counted separately (the default egress rule + 59 more)
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[tcp(443, *cidrs[:59])])
    with aws_error("RulesPerSecurityGroupLimitExceeded"):
        ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[tcp(443, "192.168.0.0/24")])
    # and IPv6 rules have their own 60
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]}]
    )


def test_rule_quota_is_checked_atomically(ec2, group):
    too_many = [f"10.{i}.0.0/16" for i in range(61)]
    with aws_error("RulesPerSecurityGroupLimitExceeded"):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, *too_many)])
    assert ingress(ec2, group) == []


# ------------------------------------------------------------------ DescribeSecurityGroupRules


def test_describe_security_group_rules_filters_and_ids(ec2, vpc, group):
    other = new_sg(ec2, vpc, "other")
    mine = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(80, "10.0.0.0/8")])["SecurityGroupRules"]
    ec2.authorize_security_group_ingress(GroupId=other, IpPermissions=[tcp(22, "10.0.0.0/8")])
    by_group = rules_of(ec2, group)
    assert len(by_group) == 3 and {r["GroupId"] for r in by_group} == {group}
    wanted = [mine[0]["SecurityGroupRuleId"]]
    assert ids(ec2.describe_security_group_rules(SecurityGroupRuleIds=wanted)["SecurityGroupRules"], "SecurityGroupRuleId") == wanted
    by_filter = ec2.describe_security_group_rules(Filters=[{"Name": "security-group-rule-id", "Values": wanted}])["SecurityGroupRules"]
    assert ids(by_filter, "SecurityGroupRuleId") == wanted
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.describe_security_group_rules(SecurityGroupRuleIds=[fake_id("sgr")])


def test_describe_security_group_rules_pagination(ec2, group):
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(443, *[f"10.{i}.0.0/16" for i in range(11)])])
    pages, items = collect_pages(ec2.describe_security_group_rules, "SecurityGroupRules", 5, Filters=[{"Name": "group-id", "Values": [group]}])
    assert len(pages) >= 3 and all(len(p) <= 5 for p in pages)
    assert len(items) == 12 and len({r["SecurityGroupRuleId"] for r in items}) == 12


# ------------------------------------------------------------------ ModifySecurityGroupRules


def test_modify_security_group_rules(ec2, group):
    [r] = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")])["SecurityGroupRules"]
    rid = r["SecurityGroupRuleId"]
    out = ec2.modify_security_group_rules(
        GroupId=group,
        SecurityGroupRules=[{"SecurityGroupRuleId": rid, "SecurityGroupRule": {
            "IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2223, "CidrIpv4": "192.168.1.0/24", "Description": "moved"}}],
    )
    assert out["Return"] is True
    after = rule(ec2, rid)
    assert (after["FromPort"], after["ToPort"], after["CidrIpv4"], after["Description"]) == (2222, 2223, "192.168.1.0/24", "moved")
    [perm] = ingress(ec2, group)
    assert (perm["FromPort"], perm["ToPort"], perm["IpRanges"]) == (2222, 2223, [{"CidrIp": "192.168.1.0/24", "Description": "moved"}])


def test_modify_unknown_rule(ec2, vpc, group):
    other_rule = rules_of(ec2, new_sg(ec2, vpc, "other"))[0]["SecurityGroupRuleId"]
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):  # a rule of another group
        ec2.modify_security_group_rules(
            GroupId=group,
            SecurityGroupRules=[{"SecurityGroupRuleId": other_rule, "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIpv4": "10.0.0.0/8"}}],
        )
    with aws_error("InvalidSecurityGroupRuleId.NotFound"):
        ec2.modify_security_group_rules(
            GroupId=group,
            SecurityGroupRules=[{"SecurityGroupRuleId": fake_id("sgr"), "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIpv4": "10.0.0.0/8"}}],
        )


# ------------------------------------------------------------------ description updates


def test_update_descriptions_ingress_by_rule_id(ec2, group):
    [r] = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", descriptions=["old"])])["SecurityGroupRules"]
    out = ec2.update_security_group_rule_descriptions_ingress(
        GroupId=group, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": r["SecurityGroupRuleId"], "Description": "new"}]
    )
    assert out["Return"] is True
    assert rule(ec2, r["SecurityGroupRuleId"])["Description"] == "new"
    assert ingress(ec2, group)[0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "new"}]


def test_update_descriptions_ingress_by_permission(ec2, group):
    [r] = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", descriptions=["old"])])["SecurityGroupRules"]
    ec2.update_security_group_rule_descriptions_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", descriptions=["by perm"])])
    after = rule(ec2, r["SecurityGroupRuleId"])
    assert after["Description"] == "by perm"
    assert (after["FromPort"], after["CidrIpv4"]) == (22, "10.0.0.0/8")


def test_update_descriptions_egress(ec2, group):
    [eg] = rules_of(ec2, group)
    ec2.update_security_group_rule_descriptions_egress(
        GroupId=group, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": eg["SecurityGroupRuleId"], "Description": "anywhere"}]
    )
    assert egress(ec2, group)[0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "anywhere"}]
    ec2.update_security_group_rule_descriptions_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "everywhere"}]}]
    )
    assert rule(ec2, eg["SecurityGroupRuleId"])["Description"] == "everywhere"


def test_update_description_of_missing_rule(ec2, group):
    with aws_error("InvalidPermission.NotFound"):
        ec2.update_security_group_rule_descriptions_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", descriptions=["x"])])
    with aws_error("InvalidPermission.NotFound"):
        ec2.update_security_group_rule_descriptions_egress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", descriptions=["x"])])


def test_dry_run_authorize(ec2, group):
    with aws_error("DryRunOperation", status=412):
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8")], DryRun=True)
    assert ingress(ec2, group) == []


def test_malformed_group_filter_and_missing_protocol(aws):
    ec2 = aws("ec2")
    vpc = new_vpc(ec2)
    with aws_error("InvalidGroupId.Malformed"):
        ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": ["nope"]}])
    group = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="d")["GroupId"]
    [rule] = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2,
                                       "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])["SecurityGroupRules"]
    with aws_error("InvalidParameterValue", message="Invalid value 'null' for protocol"):
        ec2.modify_security_group_rules(GroupId=group, SecurityGroupRules=[{
            "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
            "SecurityGroupRule": {"CidrIpv4": "10.0.0.0/8", "FromPort": 1, "ToPort": 2}}])
