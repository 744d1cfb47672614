"""End-to-end: the real Terraform CLI + hashicorp/aws 5.100.0 provider against a ramparts process.

Runs `terraform init`, `apply`, a `plan -detailed-exitcode` that must report no drift, verifies the
result independently through boto3, then `destroy` and checks that nothing but the default VPC's
resources is left.

The test skips only when the terraform binary or the offline provider mirror is missing; every
other problem is a failure. Each terraform command writes a TF_LOG=DEBUG log next to its working
directory (the path is part of any failure message), and the ramparts log (RUST_LOG=info, one line
per request) is appended to failure messages too.
"""

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "conformance"))
from ramparts_server import Server  # noqa: E402  (the one way every suite starts ramparts)
ACCOUNT = "111111111111"
REGION = "us-east-1"
PROVIDER_VERSION = "5.100.0"
TF_TIMEOUT = 600  # seconds per terraform command; a hang is a failure, not a wait


# --------------------------------------------------------------------------------------------
# Environment discovery


def find_terraform():
    return os.environ.get("TERRAFORM_BIN") or shutil.which("terraform")


def find_provider_mirror():
    """Return the filesystem-mirror root that holds hashicorp/aws PROVIDER_VERSION, or None."""
    rel = Path("registry.terraform.io/hashicorp/aws") / PROVIDER_VERSION
    candidates = [os.environ.get("TF_PROVIDER_MIRROR"), "/opt/tf-plugins"]
    for c in candidates:
        if c and (Path(c) / rel).is_dir() and any((Path(c) / rel).glob("*/terraform-provider-aws*")):
            return Path(c)
    return None


# --------------------------------------------------------------------------------------------
# Terraform runner


class Terraform:
    def __init__(self, binary, mirror: Path, workdir: Path, server: Server):
        self.binary = binary
        self.workdir = workdir
        self.server = server
        self.logdir = workdir / "tf-logs"
        self.logdir.mkdir()
        cli_config = workdir / "terraformrc"
        cli_config.write_text(
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f'    path    = "{mirror}"\n'
            '    include = ["registry.terraform.io/hashicorp/*"]\n'
            "  }\n"
            "  direct {\n"
            '    exclude = ["registry.terraform.io/hashicorp/*"]\n'
            "  }\n"
            "}\n"
        )
        self.env = {
            k: v
            for k, v in os.environ.items()
            # Never let the caller's AWS/TF settings leak into the run.
            if not k.startswith(("AWS_", "TF_")) and k not in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
        }
        self.env.update(
            TF_CLI_CONFIG_FILE=str(cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            TF_DATA_DIR=str(workdir / ".terraform"),
            TF_VAR_endpoint=server.url,
            CHECKPOINT_DISABLE="1",
            TF_LOG="DEBUG",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
            # Keep the provider's SDK from looking for credentials/config anywhere else.
            AWS_CONFIG_FILE=str(workdir / "aws-config-none"),
            AWS_SHARED_CREDENTIALS_FILE=str(workdir / "aws-credentials-none"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        self.step = 0

    def converge(self, *extra):
        """`apply`, then a `plan -detailed-exitcode` that must find nothing to change (2 = drift)."""
        self.run("apply", "-auto-approve", "-no-color", "-input=false", *extra)
        plan = self.run("plan", "-detailed-exitcode", "-no-color", "-input=false", *extra, ok_codes=(0, 2))
        assert plan.returncode == 0, f"plan after apply shows drift:\n{plan.stdout}"

    def run(self, *args, ok_codes=(0,)):
        self.step += 1
        log_path = self.logdir / f"{self.step:02d}-{args[0]}.log"
        env = dict(self.env, TF_LOG_PATH=str(log_path))
        cmd = [self.binary, *args]
        try:
            p = subprocess.run(
                cmd, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=TF_TIMEOUT
            )
        except subprocess.TimeoutExpired as e:
            pytest.fail(
                f"`terraform {' '.join(args)}` timed out after {TF_TIMEOUT}s\n"
                f"stdout:\n{e.stdout}\nstderr:\n{e.stderr}\n"
                f"TF debug log: {log_path}\nramparts log ({self.server.log}):\n{self.server.log_tail()}"
            )
        if p.returncode not in ok_codes:
            pytest.fail(
                f"`terraform {' '.join(args)}` exited {p.returncode} (expected {ok_codes})\n"
                f"--- stdout ---\n{p.stdout[-12000:]}\n--- stderr ---\n{p.stderr[-12000:]}\n"
                f"TF debug log: {log_path}\n"
                f"--- ramparts log tail ({self.server.log}) ---\n{self.server.log_tail()}"
            )
        return p

    def outputs(self):
        p = self.run("output", "-json")
        return {k: v["value"] for k, v in json.loads(p.stdout).items()}


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def terraform_bin():
    tf = find_terraform()
    if not tf:
        pytest.skip("terraform binary not found on PATH")
    return tf


@pytest.fixture(scope="module")
def provider_mirror():
    mirror = find_provider_mirror()
    if mirror is None:
        pytest.skip(f"hashicorp/aws {PROVIDER_VERSION} filesystem mirror not found (set TF_PROVIDER_MIRROR)")
    return mirror


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path, log_level="info").start()
    yield s
    s.stop()


@pytest.fixture
def ec2(server):
    return boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="x",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


# --------------------------------------------------------------------------------------------
# Helpers


def assert_no_server_errors(server):
    """Terraform swallows some failures (best-effort reads); ramparts must not have needed that:
    no EC2/STS request may have hit a server-side error or an unimplemented operation. Returns
    the operations seen. (iam:GetUser is exempt: the provider tries it first and falls back to
    sts:GetCallerIdentity.)"""
    reqs = server.requests()
    assert any(op == "CreateVpc" for _, op, _ in reqs), f"cannot parse request lines in {server.log}"
    server_errors = [r for r in reqs if r[2] >= 500 and r[0] in ("ec2", "sts")]
    assert server_errors == [], f"5xx answers during the run: {server_errors}"
    return {op for _, op, _ in reqs}


def tags_of(obj):
    # Most EC2 shapes call the member "Tags"; NetworkInterface calls it "TagSet".
    return {t["Key"]: t["Value"] for t in obj.get("Tags", obj.get("TagSet", []))}


def not_found(call, code, **kwargs):
    """Assert that `call(**kwargs)` fails with `code` (a *.NotFound id lookup)."""
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        call(**kwargs)
    assert ei.value.response["Error"]["Code"] == code, ei.value.response


def snapshot(ec2):
    """Everything the account currently has in the Region (default VPC included)."""
    vpcs = ec2.describe_vpcs()["Vpcs"]
    return {
        "vpcs": vpcs,
        "subnets": ec2.describe_subnets()["Subnets"],
        "sgs": ec2.describe_security_groups()["SecurityGroups"],
        "enis": ec2.describe_network_interfaces()["NetworkInterfaces"],
        "route_tables": ec2.describe_route_tables()["RouteTables"],
        "acls": ec2.describe_network_acls()["NetworkAcls"],
    }


# --------------------------------------------------------------------------------------------
# The test


def test_basic_apply_plan_destroy(terraform_bin, provider_mirror, server, ec2, tmp_path):
    workdir = tmp_path / "basic"
    shutil.copytree(HERE / "basic", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    tf = Terraform(terraform_bin, provider_mirror, workdir, server)

    before = snapshot(ec2)
    assert all(v["IsDefault"] for v in before["vpcs"]), f"fresh server has non-default VPCs: {before['vpcs']}"

    tf.run("init", "-no-color", "-input=false")
    tf.converge()

    out = tf.outputs()
    vpc_id, sub_a, sub_b = out["vpc_id"], out["subnet_a_id"], out["subnet_b_id"]
    web, app, eni_id = out["web_sg_id"], out["app_sg_id"], out["eni_id"]
    rule_https, rule_ref, rule_egress = out["app_https_rule_id"], out["app_from_web_rule_id"], out["app_egress_rule_id"]

    # --- VPC ---
    [vpc] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert vpc["CidrBlock"] == "10.20.0.0/16"
    assert vpc["OwnerId"] == ACCOUNT
    assert vpc["IsDefault"] is False
    assert vpc["State"] == "available"
    assert tags_of(vpc) == {"Name": "ramparts-tf-basic", "Env": "test"}
    attr = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    assert attr["EnableDnsHostnames"]["Value"] is True
    attr = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")
    assert attr["EnableDnsSupport"]["Value"] is True
    # The VPC's implicit companions, which aws_vpc reads back as default_* / main_route_table_id.
    [default_sg] = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    [main_rt] = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    [default_acl] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    state = json.loads(tf.run("show", "-json", "-no-color").stdout)
    vpc_state = next(
        r["values"] for r in state["values"]["root_module"]["resources"] if r["address"] == "aws_vpc.main"
    )
    assert vpc_state["default_security_group_id"] == default_sg["GroupId"]
    assert vpc_state["main_route_table_id"] == main_rt["RouteTableId"]
    assert vpc_state["default_network_acl_id"] == default_acl["NetworkAclId"]

    # --- Gateways ---
    [gw] = ec2.describe_internet_gateways(InternetGatewayIds=[out["igw_id"]])["InternetGateways"]
    assert gw["Attachments"] == [{"State": "available", "VpcId": vpc_id}]
    assert tags_of(gw) == {"Name": "ramparts-tf-igw"}
    assert out["igw_arn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/{out['igw_id']}"
    [eigw] = ec2.describe_egress_only_internet_gateways(
        EgressOnlyInternetGatewayIds=[out["eigw_id"]])["EgressOnlyInternetGateways"]
    assert eigw["Attachments"] == [{"State": "attached", "VpcId": vpc_id}]

    # --- Route table: a route to the gateway, subnet a associated ---
    [rtb] = ec2.describe_route_tables(RouteTableIds=[out["public_rtb_id"]])["RouteTables"]
    assert [(r.get("DestinationCidrBlock"), r.get("GatewayId"), r["State"]) for r in rtb["Routes"]] == [
        ("10.20.0.0/16", "local", "active"), ("0.0.0.0/0", out["igw_id"], "active")]
    assert [(a["SubnetId"], a["RouteTableAssociationId"]) for a in rtb["Associations"]] == [
        (sub_a, out["public_assoc_id"])]
    assert tags_of(rtb) == {"Name": "ramparts-tf-public"}

    # --- Subnets ---
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=[sub_a, sub_b])["Subnets"]}
    assert set(subnets) == {sub_a, sub_b}
    assert subnets[sub_a]["CidrBlock"] == "10.20.1.0/24"
    assert subnets[sub_a]["AvailabilityZone"] == "us-east-1a"
    assert subnets[sub_b]["CidrBlock"] == "10.20.2.0/24"
    assert subnets[sub_b]["AvailabilityZone"] == "us-east-1b"
    for s in subnets.values():
        assert s["VpcId"] == vpc_id
        assert s["OwnerId"] == ACCOUNT
    assert tags_of(subnets[sub_a]) == {"Name": "ramparts-tf-a"}
    assert tags_of(subnets[sub_b]) == {"Name": "ramparts-tf-b"}
    vpc_subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert {s["SubnetId"] for s in vpc_subnets} == {sub_a, sub_b}

    # --- Security groups ---
    groups = {g["GroupId"]: g for g in ec2.describe_security_groups(GroupIds=[web, app])["SecurityGroups"]}
    assert set(groups) == {web, app}
    g_web, g_app = groups[web], groups[app]

    assert g_web["GroupName"] == "ramparts-tf-web"
    assert g_web["Description"] == "web tier"
    assert g_web["VpcId"] == vpc_id
    assert g_web["OwnerId"] == ACCOUNT
    assert tags_of(g_web) == {"Name": "ramparts-tf-web", "Tier": "web"}
    assert g_web["IpPermissions"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "10.20.0.0/16", "Description": "ssh from the vpc"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    assert g_web["IpPermissionsEgress"] == [
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]

    assert g_app["GroupName"] == "ramparts-tf-app"
    assert g_app["Description"] == "app tier"
    assert g_app["VpcId"] == vpc_id
    assert tags_of(g_app) == {"Name": "ramparts-tf-app", "Tier": "app"}
    ingress = sorted(g_app["IpPermissions"], key=lambda p: p.get("FromPort", -1))
    assert ingress == [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "https from anywhere in 10/8"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        },
        {
            "IpProtocol": "tcp",
            "FromPort": 8080,
            "ToPort": 8080,
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [
                {"UserId": ACCOUNT, "GroupId": web, "Description": "app port from the web tier"}
            ],
        },
    ]
    # Terraform revoked the implicit allow-all egress at create time and re-added it as a
    # standalone rule, so exactly one egress rule exists and it is the managed one.
    assert g_app["IpPermissionsEgress"] == [
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]

    # --- Security group rules (the standalone resources) ---
    rules = {
        r["SecurityGroupRuleId"]: r
        for r in ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_https, rule_ref, rule_egress])[
            "SecurityGroupRules"
        ]
    }
    assert set(rules) == {rule_https, rule_ref, rule_egress}
    r = rules[rule_https]
    assert (r["GroupId"], r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"]) == (
        app, False, "tcp", 443, 443, "10.0.0.0/8"
    )
    assert r["Description"] == "https from anywhere in 10/8"
    assert tags_of(r) == {"Name": "app-https"}
    r = rules[rule_ref]
    assert (r["GroupId"], r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"]) == (app, False, "tcp", 8080, 8080)
    assert r["ReferencedGroupInfo"]["GroupId"] == web
    assert "CidrIpv4" not in r
    r = rules[rule_egress]
    assert (r["GroupId"], r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"]) == (
        app, True, "-1", -1, -1, "0.0.0.0/0"
    )
    app_rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [app]}])["SecurityGroupRules"]
    assert {r["SecurityGroupRuleId"] for r in app_rules} == {rule_https, rule_ref, rule_egress}

    # --- Network interface ---
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    assert eni["SubnetId"] == sub_a
    assert eni["VpcId"] == vpc_id
    assert eni["AvailabilityZone"] == "us-east-1a"
    assert eni["OwnerId"] == ACCOUNT
    assert eni["Description"] == "ramparts tf eni"
    assert eni["Status"] == "available"
    assert {g["GroupId"] for g in eni["Groups"]} == {web, app}
    assert tags_of(eni) == {"Name": "ramparts-tf-eni"}
    assert eni["PrivateIpAddress"] == out["eni_private_ip"]
    assert eni["PrivateIpAddress"].startswith("10.20.1.")
    by_group = ec2.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [app]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in by_group] == [eni_id]
    multi = ec2.describe_network_interfaces(NetworkInterfaceIds=[out["multi_eni_id"]])["NetworkInterfaces"][0]
    addresses = multi["PrivateIpAddresses"]
    assert len(addresses) == 3 and [a["Primary"] for a in addresses].count(True) == 1
    assert all(a["PrivateIpAddress"].startswith("10.20.2.") for a in addresses)

    # --- Data sources ---
    assert out["data_app_sg_arn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{app}"
    assert out["data_app_sg_name"] == "ramparts-tf-app"
    assert out["data_tier_sg_ids"] == sorted([web, app])

    # --- Destroy: everything Terraform made is gone; only the default VPC (and its defaults) remain ---
    tf.run("destroy", "-auto-approve", "-no-color", "-input=false")

    not_found(ec2.describe_vpcs, "InvalidVpcID.NotFound", VpcIds=[vpc_id])
    not_found(ec2.describe_internet_gateways, "InvalidInternetGatewayID.NotFound", InternetGatewayIds=[out["igw_id"]])
    not_found(ec2.describe_route_tables, "InvalidRouteTableID.NotFound", RouteTableIds=[out["public_rtb_id"]])
    not_found(ec2.describe_subnets, "InvalidSubnetID.NotFound", SubnetIds=[sub_a])
    not_found(ec2.describe_subnets, "InvalidSubnetID.NotFound", SubnetIds=[sub_b])
    not_found(ec2.describe_security_groups, "InvalidGroup.NotFound", GroupIds=[web])
    not_found(ec2.describe_security_groups, "InvalidGroup.NotFound", GroupIds=[app])
    not_found(ec2.describe_network_interfaces, "InvalidNetworkInterfaceID.NotFound", NetworkInterfaceIds=[eni_id])
    not_found(
        ec2.describe_security_group_rules,
        "InvalidSecurityGroupRuleId.NotFound",
        SecurityGroupRuleIds=[rule_https],
    )

    assert_no_server_errors(server)

    after = snapshot(ec2)
    assert len(after["vpcs"]) == 1 and after["vpcs"][0]["IsDefault"] is True, after["vpcs"]
    default_vpc = after["vpcs"][0]["VpcId"]
    assert {v["VpcId"] for v in before["vpcs"]} <= {default_vpc}
    assert all(s["VpcId"] == default_vpc and s["DefaultForAz"] for s in after["subnets"]), after["subnets"]
    assert [(g["VpcId"], g["GroupName"]) for g in after["sgs"]] == [(default_vpc, "default")], after["sgs"]
    assert after["enis"] == []
    assert all(rt["VpcId"] == default_vpc for rt in after["route_tables"]), after["route_tables"]
    assert all(acl["VpcId"] == default_vpc for acl in after["acls"]), after["acls"]
    assert ec2.describe_tags()["Tags"] == []


# --------------------------------------------------------------------------------------------
# IPv6: a generated /56 for the VPC, a /64 of it for a subnet, moved by a second apply


def test_ipv6_apply_plan_move_destroy(terraform_bin, provider_mirror, server, ec2, tmp_path):
    workdir = tmp_path / "ipv6"
    shutil.copytree(HERE / "ipv6", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    tf = Terraform(terraform_bin, provider_mirror, workdir, server)
    tf.run("init", "-no-color", "-input=false")
    tf.converge()

    out = tf.outputs()
    [vpc] = ec2.describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"]
    [block] = vpc["Ipv6CidrBlockAssociationSet"]
    assert block["Ipv6CidrBlock"] == out["vpc_ipv6_cidr_block"] and block["Ipv6Pool"] == "Amazon"
    assert block["AssociationId"] == out["vpc_ipv6_association_id"]
    [native] = ec2.describe_subnets(SubnetIds=[out["native_subnet_id"]])["Subnets"]
    assert native["Ipv6Native"] is True and "CidrBlock" not in native and native["EnableDns64"] is True
    [subnet] = ec2.describe_subnets(SubnetIds=[out["subnet_id"]])["Subnets"]
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == out["subnet_ipv6_cidr_block"]
    vpc_block = ipaddress.IPv6Network(out["vpc_ipv6_cidr_block"])
    assert ipaddress.IPv6Network(out["subnet_ipv6_cidr_block"]) == list(vpc_block.subnets(new_prefix=64))[1]
    [web] = ec2.describe_security_groups(GroupIds=[out["web_sg_id"]])["SecurityGroups"]
    assert [r["CidrIpv6"] for r in web["IpPermissions"][0]["Ipv6Ranges"]] == [out["vpc_ipv6_cidr_block"]]
    assert web["IpPermissionsEgress"][0]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[out["eni_id"]])["NetworkInterfaces"]
    addresses = sorted(a["Ipv6Address"] for a in eni["Ipv6Addresses"])
    assert addresses == out["eni_ipv6_addresses"] and len(addresses) == 2
    hosts_block = list(vpc_block.subnets(new_prefix=64))[10]
    assert all(ipaddress.IPv6Address(a) in hosts_block for a in addresses)

    # Moving the subnet to another /64 disassociates the old block and associates the new one.
    tf.converge("-var", "subnet_block=2")
    [subnet] = ec2.describe_subnets(SubnetIds=[out["subnet_id"]])["Subnets"]
    assert [a["Ipv6CidrBlock"] for a in subnet["Ipv6CidrBlockAssociationSet"]] == [
        str(list(vpc_block.subnets(new_prefix=64))[2])]

    tf.run("destroy", "-auto-approve", "-no-color", "-input=false", "-var", "subnet_block=2")
    not_found(ec2.describe_vpcs, "InvalidVpcID.NotFound", VpcIds=[out["vpc_id"]])
    ops = assert_no_server_errors(server)
    assert {"DisassociateSubnetCidrBlock", "AssociateSubnetCidrBlock"} <= ops, sorted(ops)


# --------------------------------------------------------------------------------------------
# A three-tier VPC as the public VPC modules build one


def test_three_tier_vpc_apply_plan_destroy(terraform_bin, provider_mirror, server, ec2, tmp_path):
    workdir = tmp_path / "three_tier"
    shutil.copytree(HERE / "three_tier", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    tf = Terraform(terraform_bin, provider_mirror, workdir, server)
    tf.run("init", "-no-color", "-input=false")
    tf.converge()
    out = tf.outputs()
    vpc_id = out["vpc_id"]

    [vpc] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert sorted(b["CidrBlock"] for b in vpc["CidrBlockAssociationSet"]) == ["10.40.0.0/16", "100.64.0.0/16"]
    assert vpc["DhcpOptionsId"] == out["dhcp_options_id"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len(subnets) == 9
    assert {s["AvailabilityZone"] for s in subnets} == {"us-east-1a", "us-east-1b", "us-east-1c"}

    # Each zone's private table sends the world to that zone's NAT gateway, which is available
    # in that zone's public subnet with its Elastic IP.
    nats = {g["NatGatewayId"]: g for g in ec2.describe_nat_gateways(NatGatewayIds=out["nat_gateways"])["NatGateways"]}
    assert all(g["State"] == "available" for g in nats.values())
    assert sorted(g["NatGatewayAddresses"][0]["PublicIp"] for g in nats.values()) == sorted(out["nat_public_ips"])
    for rtb_id, nat_id, public in zip(out["private_route_tables"], out["nat_gateways"], out["public_subnets"]):
        [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
        [default_route] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert default_route["NatGatewayId"] == nat_id and default_route["State"] == "active"
        assert nats[nat_id]["SubnetId"] == public
        # The S3 endpoint's route, and the local routes of both blocks.
        assert {r.get("DestinationPrefixListId") for r in table["Routes"]} >= {out["s3_prefix_list"]}
        local = sorted(r["DestinationCidrBlock"] for r in table["Routes"] if r.get("GatewayId") == "local")
        assert local == ["10.40.0.0/16", "100.64.0.0/16"]

    # The public ACL holds the public subnets, with its rules and AWS's own.
    [acl] = ec2.describe_network_acls(NetworkAclIds=[out["public_acl"]])["NetworkAcls"]
    assert sorted(a["SubnetId"] for a in acl["Associations"]) == sorted(out["public_subnets"])
    assert sorted((e["Egress"], e["RuleNumber"]) for e in acl["Entries"]) == [
        (False, 100), (False, 110), (False, 32767), (True, 100), (True, 32767)]

    [sts] = ec2.describe_vpc_endpoints(VpcEndpointIds=[out["sts_endpoint"]])["VpcEndpoints"]
    assert sorted(sts["SubnetIds"]) == sorted(out["private_subnets"]) and len(sts["NetworkInterfaceIds"]) == 3

    tf.run("destroy", "-auto-approve", "-no-color", "-input=false")
    not_found(ec2.describe_vpcs, "InvalidVpcID.NotFound", VpcIds=[vpc_id])
    gone = ec2.describe_nat_gateways(NatGatewayIds=out["nat_gateways"])["NatGateways"]
    assert {g["State"] for g in gone} == {"deleted"}
    assert ec2.describe_addresses()["Addresses"] == []
    ops = assert_no_server_errors(server)
    assert {"CreateNatGateway", "ReplaceNetworkAclAssociation", "CreateVpcEndpoint",
            "AssociateVpcCidrBlock", "AssociateDhcpOptions"} <= ops, sorted(ops)


# --------------------------------------------------------------------------------------------
# Sharing across accounts: four provider aliases, an organization declared up front


def client(server, service, account, region=REGION):
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


NETWORK, APP, OUTSIDER = "222222222222", "333333333333", "444444444444"


def test_sharing_apply_plan_destroy(terraform_bin, provider_mirror, tmp_path):
    workdir = tmp_path / "sharing"
    shutil.copytree(HERE / "sharing", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    server = Server(tmp_path, log_level="info", extra=("--config", str(workdir / "organization.toml"))).start()
    try:
        run_sharing(terraform_bin, provider_mirror, workdir, server)
    finally:
        server.stop()


def run_sharing(terraform_bin, provider_mirror, workdir, server):
    tf = Terraform(terraform_bin, provider_mirror, workdir, server)
    tf.run("init", "-no-color", "-input=false")
    tf.converge()
    out = tf.outputs()

    net, app, outsider = (client(server, "ec2", a) for a in (NETWORK, APP, OUTSIDER))
    # Reachability Analyzer, driven by Terraform: the shared group admits 443 within the VPC.
    assert out["https_path_found"] is True and out["https_analysis_status"] == "succeeded"
    # Organization sharing as Terraform turned it on.
    services = client(server, "organizations", ACCOUNT).list_aws_service_access_for_organization()
    assert "ram.amazonaws.com" in [s["ServicePrincipal"] for s in services["EnabledServicePrincipals"]]

    # The app account sees the shared subnet and group (owner: network), and uses both.
    assert out["shared_sg_arn"] == f"arn:aws:ec2:{REGION}:{NETWORK}:security-group/{out['app_sg_id']}"
    assert out["shared_sg_vpc"] == out["vpc_id"]
    [subnet] = app.describe_subnets(SubnetIds=[out["subnet_id"]])["Subnets"]
    assert subnet["OwnerId"] == NETWORK
    [g] = app.describe_security_groups(Filters=[{"Name": "group-id", "Values": [out["app_sg_id"]]}])["SecurityGroups"]
    assert g["OwnerId"] == NETWORK and g["IpPermissions"][0]["FromPort"] == 443
    [eni] = app.describe_network_interfaces(NetworkInterfaceIds=[out["eni_id"]])["NetworkInterfaces"]
    assert eni["OwnerId"] == APP == out["eni_owner"]
    assert {x["GroupId"] for x in eni["Groups"]} == {out["app_sg_id"], out["own_sg_id"]}
    # The network account sees the app account's interface and group in its VPC, read-only.
    [seen] = net.describe_network_interfaces(NetworkInterfaceIds=[out["eni_id"]])["NetworkInterfaces"]
    assert seen["OwnerId"] == APP
    with pytest.raises(botocore.exceptions.ClientError) as e:
        net.delete_security_group(GroupId=out["own_sg_id"])
    assert e.value.response["Error"]["Code"] == "UnauthorizedOperation"
    # The group is also usable in the network account's second VPC.
    [assoc] = net.describe_security_group_vpc_associations(
        Filters=[{"Name": "group-id", "Values": [out["app_sg_id"]]}]
    )["SecurityGroupVpcAssociations"]
    assert (assoc["VpcId"], assoc["State"]) == (out["second_vpc_id"], "associated")

    # The outsider accepted the prefix-list share and admits it in its own group.
    assert out["accepter_status"] == "ACTIVE"  # the share's status, as the provider reads it
    # (besides AWS's own S3 and DynamoDB lists, which every account sees)
    [pl] = [p for p in outsider.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] != "AWS"]
    assert (pl["PrefixListId"], pl["OwnerId"]) == (out["prefix_list_id"], NETWORK)
    rules = outsider.describe_security_group_rules(
        Filters=[{"Name": "tag-key", "Values": ["*"]}]
    )["SecurityGroupRules"]
    assert rules == []
    ingress = [
        r
        for r in outsider.describe_security_group_rules()["SecurityGroupRules"]
        if not r["IsEgress"] and r.get("PrefixListId") == out["prefix_list_id"]
    ]
    assert len(ingress) == 1
    # ...but not the subnet or group, which are shared only inside the organization.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        outsider.describe_security_groups(GroupIds=[out["app_sg_id"]])
    assert e.value.response["Error"]["Code"] == "InvalidGroup.NotFound"

    # The peering, accepted by the outsider, carries cross-account group references.
    assert out["peering_status"] == "active"
    [pcx] = net.describe_vpc_peering_connections(VpcPeeringConnectionIds=[out["peering_id"]])["VpcPeeringConnections"]
    assert (pcx["Status"]["Code"], pcx["AccepterVpcInfo"]["OwnerId"]) == ("active", OUTSIDER)
    # Routes through the peering both ways, and each side's DNS option.
    for who, table in ((net, out["second_rtb_id"]), (outsider, out["outsider_rtb_id"])):
        [t] = who.describe_route_tables(RouteTableIds=[table])["RouteTables"]
        [r] = [r for r in t["Routes"] if r.get("VpcPeeringConnectionId") == out["peering_id"]]
        assert r["State"] == "active", r
    assert pcx["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert pcx["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    for group in (out["outsider_sg_id"], out["outsider_inline_sg_id"]):
        [g] = outsider.describe_security_groups(GroupIds=[group])["SecurityGroups"]
        pairs = [p for perm in g["IpPermissions"] for p in perm["UserIdGroupPairs"]]
        assert [(p["UserId"], p["GroupId"]) for p in pairs] == [(NETWORK, out["second_sg_id"])]
        assert pairs[0]["VpcPeeringConnectionId"] == out["peering_id"]

    tf.run("destroy", "-auto-approve", "-no-color", "-input=false")
    for account in (NETWORK, APP, OUTSIDER):
        ec2 = client(server, "ec2", account)
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] in ([], [True])
        assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
        assert [p for p in ec2.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] != "AWS"] == []
    shares = client(server, "ram", NETWORK).get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert {s["status"] for s in shares} <= {"DELETED"}
    services = client(server, "organizations", ACCOUNT).list_aws_service_access_for_organization()
    assert "ram.amazonaws.com" not in [s["ServicePrincipal"] for s in services["EnabledServicePrincipals"]]
    server_errors = [r for r in server.requests() if r[2] >= 500]
    assert server_errors == [], f"5xx answers during the run: {server_errors}"


# --------------------------------------------------------------------------------------------
# The landing-zone pattern under IAM enforcement: providers assume OrganizationAccountAccessRole,
# the app team works through a least-privilege role the same configuration creates


ENCODED = re.compile(r"Encoded authorization failure message: ([A-Za-z0-9_\-]+)")


def found_after(ec2, table):
    return ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]


def test_transit_gateway_hub_apply_plan_destroy(terraform_bin, provider_mirror, tmp_path):
    workdir = tmp_path / "transit_hub"
    shutil.copytree(HERE / "transit_hub", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    server = Server(tmp_path, log_level="info", extra=("--config", str(workdir / "organization.toml"))).start()
    try:
        tf = Terraform(terraform_bin, provider_mirror, workdir, server)
        tf.run("init", "-no-color", "-input=false")
        tf.converge()
        out = tf.outputs()
        net, app = client(server, "ec2", NETWORK), client(server, "ec2", APP)

        # The app account sees the shared hub and its own attachment, accepted by the owner.
        [hub] = app.describe_transit_gateways(TransitGatewayIds=[out["tgw_id"]])["TransitGateways"]
        assert hub["OwnerId"] == NETWORK
        [att] = app.describe_transit_gateway_vpc_attachments(
            TransitGatewayAttachmentIds=[out["app_attachment"]])["TransitGatewayVpcAttachments"]
        assert att["State"] == "available" and att["VpcOwnerId"] == APP
        # The owner's table holds both spokes, learns the app VPC, and has its static routes.
        table = out["spokes_table"]
        assoc = net.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)["Associations"]
        assert sorted(a["TransitGatewayAttachmentId"] for a in assoc) == sorted(
            [out["app_attachment"], out["shared_attachment"], out["peering_attachment"]])
        found = net.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]
        assert sorted((r["DestinationCidrBlock"], r["Type"], r["State"]) for r in found) == [
            ("10.0.0.0/16", "static", "active"), ("10.1.0.0/16", "propagated", "active"),
            ("10.128.0.0/9", "static", "active"), ("192.168.0.0/16", "static", "blackhole")]
        [route] = [r for r in app.describe_route_tables(RouteTableIds=[out["app_route_table"]])["RouteTables"][0]["Routes"]
                   if r.get("TransitGatewayId") == out["tgw_id"]]
        assert route["State"] == "active"
        # The participant cannot change the owner's routes.
        with pytest.raises(botocore.exceptions.ClientError) as e:
            app.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                                             TransitGatewayAttachmentId=out["app_attachment"])
        assert e.value.response["Error"]["Code"] == "InvalidRouteTableID.NotFound"
        # The peering: available, routed statically on both ends, seen from each side.
        west = client(server, "ec2", NETWORK, region="us-west-2")
        [peering] = west.describe_transit_gateway_peering_attachments(
            TransitGatewayAttachmentIds=[out["peering_attachment"]])["TransitGatewayPeeringAttachments"]
        assert peering["State"] == "available" and peering["AccepterTgwInfo"]["TransitGatewayId"] == out["west_tgw_id"]
        [to_west] = [r for r in found_after(net, table) if r["DestinationCidrBlock"] == "10.128.0.0/9"]
        assert to_west["TransitGatewayAttachments"][0]["ResourceType"] == "peering"
        # The edge table routes the gateway's inbound traffic through the appliance.
        [edge] = net.describe_route_tables(
            Filters=[{"Name": "association.gateway-id", "Values": [out["igw_id"]]}])["RouteTables"]
        assert edge["RouteTableId"] == out["edge_table"]

        tf.run("destroy", "-auto-approve", "-no-color", "-input=false")
        not_found(net.describe_transit_gateways, "InvalidTransitGatewayID.NotFound", TransitGatewayIds=[out["tgw_id"]])
        not_found(app.describe_vpcs, "InvalidVpcID.NotFound", VpcIds=[out["app_vpc"]])
        ops = assert_no_server_errors(server)
        assert {"AcceptTransitGatewayVpcAttachment", "EnableTransitGatewayRouteTablePropagation",
                "SearchTransitGatewayRoutes", "AcceptTransitGatewayPeeringAttachment"} <= ops, sorted(ops)
    finally:
        server.stop()


def test_landing_zone_least_privilege(terraform_bin, provider_mirror, tmp_path):
    workdir = tmp_path / "landing_zone"
    shutil.copytree(HERE / "landing_zone", workdir, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    server = Server(tmp_path, log_level="info", extra=("--config", str(workdir / "organization.toml"))).start()
    try:
        run_landing_zone(terraform_bin, provider_mirror, workdir, server)
    finally:
        server.stop()


def run_landing_zone(terraform_bin, provider_mirror, workdir, server):
    # Roots may not assume roles: the platform team works as an IAM user of the management account.
    iam = client(server, "iam", ACCOUNT)
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    tf = Terraform(terraform_bin, provider_mirror, workdir, server)
    tf.env.update(TF_VAR_ops_access_key=key["AccessKeyId"], TF_VAR_ops_secret_key=key["SecretAccessKey"])

    tf.run("init", "-no-color", "-input=false")
    tf.converge()
    out = tf.outputs()

    # The providers held only ops's keys, so all of this was made through assumed roles.
    app = client(server, "ec2", APP)
    [eni] = app.describe_network_interfaces(NetworkInterfaceIds=[out["eni_id"]])["NetworkInterfaces"]
    assert {g["GroupId"] for g in eni["Groups"]} == {out["group_id"], out["own_group_id"]}, eni["Groups"]
    [group] = app.describe_security_groups(GroupIds=[out["group_id"]])["SecurityGroups"]
    assert group["OwnerId"] == NETWORK
    assert out["role_arn"] == f"arn:aws:iam::{APP}:role/app-team"
    [policy] = client(server, "iam", APP).list_role_policies(RoleName="app-team")["PolicyNames"]
    assert policy == "use-shared-groups"

    # A plan that needs more than the role allows fails, and its message decodes to the reason.
    plan = tf.run("plan", "-no-color", "-input=false", "-var", "exceed=true", ok_codes=(1,))
    err = plan.stderr.replace("\n", " ")
    assert "UnauthorizedOperation" in err, plan.stderr
    assert "ec2:DescribeVpcs" in err and "app-team" in err, plan.stderr
    encoded = ENCODED.search(err)
    assert encoded, plan.stderr
    decoded = client(server, "sts", APP).decode_authorization_message(EncodedMessage=encoded.group(1))
    message = json.loads(decoded["DecodedMessage"])
    assert message["allowed"] is False and message["explicitDeny"] is False, message
    assert message["context"]["action"] == "ec2:DescribeVpcs", message
    assert message["context"]["principal"]["arn"] == f"arn:aws:sts::{APP}:assumed-role/app-team/app-team"

    tf.run("destroy", "-auto-approve", "-no-color", "-input=false")
    for account in (NETWORK, APP):
        ec2 = client(server, "ec2", account)
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] in ([], [True])
        assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    not_found(client(server, "iam", APP).get_role, "NoSuchEntity", RoleName="app-team")
    server_errors = [r for r in server.requests() if r[2] >= 500]
    assert server_errors == [], f"5xx answers during the run: {server_errors}"
