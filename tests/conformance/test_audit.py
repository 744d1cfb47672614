"""`ramparts audit` over a seeded organization holding one instance of each finding, and over
a clean one holding none; the table, JSON and SARIF outputs; `--fail-on` as a CI gate."""

import json
import subprocess
from pathlib import Path

import jsonschema

from helpers import new_members, new_sg, tcp
from ramparts_server import BINARY

M = "111111111111"
OUTSIDER = "999999999999"


def run_audit(server, *args, settings=None, tmp_path=None):
    extra = []
    if settings is not None:
        path = tmp_path / "audit.toml"
        path.write_text(settings)
        extra = ["--settings", str(path)]
    done = subprocess.run([str(BINARY), "audit", "--endpoint", server.url, *extra, *args],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def quiet_default_groups(aws, *accounts):
    """Strip every default group of its rules (the clean state CIS asks for)."""
    for account in accounts:
        ec2 = aws("ec2", account)
        for g in ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]:
            if g["OwnerId"] != account:
                continue
            if g["IpPermissions"]:
                ec2.revoke_security_group_ingress(GroupId=g["GroupId"], IpPermissions=g["IpPermissions"])
            if g["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(GroupId=g["GroupId"], IpPermissions=g["IpPermissionsEgress"])


def organization(aws):
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    o, p = new_members(org, "network", "app")
    aws("ram", M).enable_sharing_with_aws_organization()
    eo = aws("ec2", o)
    vpc = eo.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return org, o, p, eo, vpc, subnet


SETTINGS = """
trusted_accounts = ["{p}"]
pending_invitation_days = 0

[[convention]]
resource = "security-group"
name = "net-*"
tags = ["Owner"]
"""


def test_each_finding_once_and_a_clean_organization(aws, server, tmp_path):
    org, o, p, eo, vpc, subnet = organization(aws)
    ep = aws("ec2", p)
    ram = aws("ram", o)
    tags = [{"ResourceType": "security-group", "Tags": [{"Key": "Owner", "Value": "net"}]}]

    def group(name, ec2=eo, in_vpc=vpc):
        return ec2.create_security_group(GroupName=name, Description="d", VpcId=in_vpc, TagSpecifications=tags)["GroupId"]

    open_all = group("net-open-all")
    eo.authorize_security_group_ingress(GroupId=open_all, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ssh = group("net-ssh")
    eo.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[tcp(22, "0.0.0.0/0")])
    crowded = group("net-crowded")
    eo.authorize_security_group_ingress(GroupId=crowded, IpPermissions=[tcp(1000 + n, "10.0.0.0/8") for n in range(50)])
    # A reference over a peering that is then deleted goes stale.
    other = eo.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    far = group("net-far", in_vpc=other)
    pcx = eo.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=other)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    eo.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    stale = group("net-stale")
    eo.authorize_security_group_ingress(GroupId=stale, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "UserIdGroupPairs": [{"GroupId": far, "UserId": o, "VpcPeeringConnectionId": pcx}]}])
    eo.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    shared_used = group("net-shared-used")
    shared_idle = group("net-shared-idle")
    arn = lambda kind, id_: f"arn:aws:ec2:us-east-1:{o}:{kind}/{id_}"  # noqa: E731
    ram.create_resource_share(name="net", principals=[p], resourceArns=[
        arn("subnet", subnet), arn("security-group", shared_used), arn("security-group", shared_idle)])
    office = eo.create_managed_prefix_list(PrefixListName="office", AddressFamily="IPv4", MaxEntries=5)[
        "PrefixList"]["PrefixListArn"]
    ram.create_resource_share(name="partners", principals=[OUTSIDER], allowExternalPrincipals=True,
                              resourceArns=[office])
    ram.create_resource_share(name="empty")
    guest = ep.create_security_group(GroupName="net-guest", Description="d", VpcId=vpc, TagSpecifications=tags)["GroupId"]
    for g in (open_all, ssh, crowded, stale, far):
        eo.create_network_interface(SubnetId=subnet if g != far else eo.create_subnet(
            VpcId=other, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"], Groups=[g])
    ep.create_network_interface(SubnetId=subnet, Groups=[shared_used, guest])
    group("misnamed")  # breaks the convention's name, and is unused
    eo.create_security_group(GroupName="net-untagged", Description="d", VpcId=vpc)
    iam = aws("iam", o)
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDER}:root"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="ops", PolicyName="all-ec2", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}))
    iam.create_policy(PolicyName="sg-editor", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Edit", "Effect": "Allow", "Action": ["ec2:AuthorizeSecurityGroup*"], "Resource": "*"}]}))

    code, out, _ = run_audit(server, "--format", "json", settings=SETTINGS.format(p=p), tmp_path=tmp_path)
    assert code == 0
    findings = json.loads(out)["findings"]
    by_rule = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    expected = {"NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "NET-006", "RAM-001", "RAM-002", "RAM-003",
                "RAM-004", "RAM-005", "RAM-006", "RAM-007", "RAM-008", "IAM-001", "IAM-002", "IAM-003",
                "CONV-001", "CONV-002"}
    assert set(by_rule) == expected, sorted(set(by_rule) ^ expected)
    [f] = by_rule["NET-001"]
    assert f["resource"] == arn("security-group", open_all) and f["severity"] == "high" and f["account"] == o
    assert f["evidence"].endswith("(all traffic ingress from 0.0.0.0/0)") and f["remediation"]
    assert [x["resource"] for x in by_rule["NET-002"]] == [arn("security-group", ssh)]
    assert "SSH (port 22)" in by_rule["NET-002"][0]["message"]
    assert [x["resource"] for x in by_rule["NET-005"]] == [arn("security-group", stale)]
    assert [x["resource"] for x in by_rule["NET-006"]] == [arn("security-group", crowded)]
    assert [x["resource"] for x in by_rule["RAM-006"]] == [arn("security-group", shared_idle)]
    assert by_rule["RAM-007"][0]["message"] == f"{shared_used} is used by {p}"
    assert [x["resource"] for x in by_rule["RAM-008"]] == [f"arn:aws:ec2:us-east-1:{p}:security-group/{guest}"]
    assert {x["message"].split(" ")[1] for x in by_rule["RAM-004"]} == {"empty"}
    assert all(OUTSIDER in x["message"] for x in by_rule["RAM-002"] + by_rule["RAM-003"])
    assert [x["resource"] for x in by_rule["IAM-003"]] == [f"arn:aws:iam::{o}:role/ops"]
    assert "ec2:*" in by_rule["IAM-001"][0]["message"]
    assert by_rule["IAM-002"][0]["resource"] == f"arn:aws:iam::{o}:policy/sg-editor"
    assert by_rule["IAM-002"][0]["evidence"].startswith("statement Edit: ")
    assert any("misnamed" in x["message"] for x in by_rule["CONV-001"])
    assert any(x["resource"].endswith("/" + g) for x in by_rule["CONV-002"] for g in
               [eo.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["net-untagged"]}])["SecurityGroups"][0]["GroupId"]])

    # The gate, the table, and SARIF.
    code, _, _ = run_audit(server, "--fail-on", "high", settings=SETTINGS.format(p=p), tmp_path=tmp_path)
    assert code == 1
    code, table, _ = run_audit(server, settings=SETTINGS.format(p=p), tmp_path=tmp_path)
    assert code == 0 and table.splitlines()[0].split() == ["SEVERITY", "RULE", "ACCOUNT", "FINDING"]
    assert table.splitlines()[-1].startswith(f"{len(findings)} findings: 0 critical, ")
    code, raw, _ = run_audit(server, "--format", "sarif", settings=SETTINGS.format(p=p), tmp_path=tmp_path)
    sarif = json.loads(raw)
    # Valid against the SARIF 2.1.0 schema (scripts/test fetches it from Microsoft's SARIF SDK).
    schema_file = Path(__file__).resolve().parents[2] / "target" / "sarif-2.1.0.json"
    assert schema_file.exists(), "the SARIF schema is missing: run scripts/test, which fetches it"
    schema = json.loads(schema_file.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "ramparts" and len(rules) == len({r["id"] for r in rules})
    assert len(run["results"]) == len(findings)
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"] and r["level"] in ("error", "warning", "note")
        assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("arn:aws:")
        assert r["message"]["text"]
    code, _, err = run_audit(server, "--fail-on", "severe")
    assert code == 2 and "severity" in err
    code, _, err = run_audit(server, settings="[[convention]]\nresource = \"bucket\"\n", tmp_path=tmp_path)
    assert code == 2 and "resource must be one of" in err


def test_a_clean_organization_has_no_findings(aws, server, tmp_path):
    org, o, p, eo, vpc, subnet = organization(aws)
    ep = aws("ec2", p)
    tags = [{"ResourceType": "security-group", "Tags": [{"Key": "Owner", "Value": "net"}]}]
    web = eo.create_security_group(GroupName="net-web", Description="d", VpcId=vpc, TagSpecifications=tags)["GroupId"]
    eo.authorize_security_group_ingress(GroupId=web, IpPermissions=[tcp(443, "10.0.0.0/16")])
    # RAM's default allows external principals: a clean share says it does not.
    aws("ram", o).create_resource_share(name="net", principals=[p], allowExternalPrincipals=False, resourceArns=[
        f"arn:aws:ec2:us-east-1:{o}:subnet/{subnet}", f"arn:aws:ec2:us-east-1:{o}:security-group/{web}"])
    ep.create_network_interface(SubnetId=subnet, Groups=[web])
    eo.create_network_interface(SubnetId=subnet, Groups=[web])
    quiet_default_groups(aws, M, o, p)
    code, out, _ = run_audit(server, "--format", "json", "--fail-on", "low",
                             settings=SETTINGS.format(p=p), tmp_path=tmp_path)
    findings = json.loads(out)["findings"]
    # The shared group's inventory is information, not a problem.
    assert [f["rule"] for f in findings] == ["RAM-007"] and code == 0
