"""The server's own surface: health, reset (ours and moto's), the default account for keys that
are not account ids, deterministic ids with --seed, and --help."""

import json
import subprocess
import urllib.request

import boto3
import pytest

from ramparts_server import BINARY, Server


def client(server, key, service="ec2"):
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key="x")


@pytest.fixture
def own_server(tmp_path, request):
    servers = []

    def start(*extra):
        s = Server(tmp_path / f"s{len(servers)}", extra=extra)
        s.tmp.mkdir(parents=True, exist_ok=True)
        servers.append(s.start())
        return s

    yield start
    for s in servers:
        s.stop()


def post(url):
    req = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, json.loads(r.read())


def test_health_reports_version_uptime_and_store(own_server):
    s = own_server()
    with urllib.request.urlopen(s.url + "/_ramparts/health", timeout=5) as r:
        body = json.loads(r.read())
        assert r.status == 200
    assert body["status"] == "ok"
    assert body["store"] == "memory"
    assert body["version"]
    assert body["uptime_seconds"] >= 0


@pytest.mark.parametrize("path", ["/_ramparts/reset", "/moto-api/reset"])
def test_reset_forgets_everything(own_server, path):
    s = own_server()
    ec2 = client(s, "111111111111")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    status, _ = post(s.url + path)
    assert status == 200
    remaining = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    assert vpc not in remaining
    assert len(remaining) == 1  # only the default VPC, created afresh


def test_keys_that_are_not_account_ids_act_in_the_default_account(own_server):
    s = own_server("--default-account", "999988887777")
    me = client(s, "AKIAIOSFODNN7EXAMPLE", "sts").get_caller_identity()
    assert me["Account"] == "999988887777"
    vpc = client(s, "AKIAOTHERKEY0000000").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == "999988887777"
    seen = [v["VpcId"] for v in client(s, "999988887777").describe_vpcs()["Vpcs"]]
    assert vpc["VpcId"] in seen


def test_the_same_seed_gives_the_same_ids(own_server):
    def ids_of(server):
        ec2 = client(server, "111111111111")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        sg = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
        return vpc, sg

    first = ids_of(own_server("--seed", "42"))
    assert ids_of(own_server("--seed", "42")) == first
    assert ids_of(own_server("--seed", "43")) != first


def test_help_explains_every_flag():
    out = subprocess.run([str(BINARY), "serve", "--help"], capture_output=True, text=True, check=True).stdout
    for flag in ["--listen", "--data-dir", "--ephemeral", "--default-account", "--seed",
                 "--vpcs-per-region", "--groups-per-region"]:
        assert flag in out, flag


def test_a_bad_default_account_is_refused():
    r = subprocess.run([str(BINARY), "serve", "--default-account", "12345"], capture_output=True, text=True)
    assert r.returncode != 0
    assert "12 digits" in r.stderr
