"""Runs the AWS CLI v1 walkthrough of the guide (tests/cli/walkthrough.sh) against the session
server."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "cli" / "walkthrough.sh"


def run_walkthrough(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(["bash", str(SCRIPT), url], capture_output=True, text=True, env=env, timeout=300)


def test_cli_is_available():
    if shutil.which("aws") is None:
        pytest.fail("the AWS CLI v1 (`pip install awscli`) is needed for the walkthrough")
    out = subprocess.run(["aws", "--version"], capture_output=True, text=True)
    assert (out.stdout + out.stderr).startswith("aws-cli/1."), out


def test_cli_walkthrough(server):
    server.reset()
    result = run_walkthrough(server.url)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert result.stdout.rstrip().endswith("walkthrough OK"), report
    assert "ok - step 4: with its tcp/443 rule from 10.0.0.0/16" in result.stdout, report


def test_walkthrough_refuses_non_local_endpoints():
    result = run_walkthrough("https://ec2.us-east-1.amazonaws.com")
    assert result.returncode == 2
    assert "non-local" in result.stderr


SHARING = Path(__file__).resolve().parents[1] / "cli" / "sharing.sh"


def test_cli_sharing_scenario(server):
    """Spec §7 end to end with the AWS CLI: management, network, app and outsider accounts."""
    server.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(["bash", str(SHARING), server.url], capture_output=True, text=True, env=env, timeout=600)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert result.stdout.rstrip().endswith("sharing scenario OK"), report
    assert "ok - guide step 4 in P: the shared group, owned by O, with its rule" in result.stdout, report
    assert result.stdout.count("ok - refused:") >= 25, report


TRANSIT = Path(__file__).resolve().parents[1] / "cli" / "transit.sh"


def test_cli_transit_gateway_scenario(server):
    """The transit-gateway hub shared through RAM across the guide's four accounts."""
    server.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(["bash", str(TRANSIT), server.url], capture_output=True, text=True, env=env, timeout=600)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert result.stdout.rstrip().endswith("transit scenario OK"), report
    assert result.stdout.count("ok - refused:") >= 14, report


REACH = Path(__file__).resolve().parents[1] / "cli" / "reach.sh"


def test_cli_reachability_scenario(server):
    """Reachability Analyzer through the aws CLI, and the same questions to `ramparts reach`."""
    from ramparts_server import BINARY
    server.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(["bash", str(REACH), server.url, str(BINARY)], capture_output=True, text=True, env=env,
                            timeout=300)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, report
    assert result.stdout.rstrip().endswith("reach scenario OK"), report
    assert result.stdout.count("ok - refused:") == 2, report


COLLECT = Path(__file__).resolve().parents[2] / "scripts" / "collect-aws.sh"


def test_the_collector_reads_every_account_of_an_organization(server, aws, tmp_path):
    """scripts/collect-aws.sh, run with each account's credentials against ramparts: every
    command it runs answers, and what it writes is what the APIs say."""
    import json
    from helpers import new_members
    org = aws("organizations", "111111111111")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    unit = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    network, app = new_members(org, "network", "app")
    org.move_account(AccountId=app, SourceParentId=root, DestinationParentId=unit)
    aws("ram", "111111111111").enable_sharing_with_aws_organization()
    eo = aws("ec2", network)
    vpc = eo.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = eo.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    aws("ram", network).create_resource_share(name="net", principals=[app],
                                              resourceArns=[f"arn:aws:ec2:us-east-1:{network}:subnet/{subnet}"])
    out = tmp_path / "collected"
    for account in ("111111111111", network, app):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=account, AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL=server.url, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        done = subprocess.run(["bash", str(COLLECT), str(out)], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"collected {account} into {out}/{account}"
    read = lambda *p: json.loads(out.joinpath(*p).read_text())  # noqa: E731
    assert vpc in [v["VpcId"] for v in read(network, "us-east-1", "ec2-describe-vpcs.json")["Vpcs"]]
    # The participant sees the shared subnet, and the share from the other side.
    assert [s["SubnetId"] for s in read(app, "us-east-1", "ec2-describe-subnets.json")["Subnets"]
            if s["OwnerId"] == network] == [subnet]
    assert [s["name"] for s in read(app, "us-east-1", "ram-get-resource-shares-other-accounts.json")["resourceShares"]] == ["net"]
    assert [p["id"] for p in read(network, "us-east-1", "ram-list-principals.json")["principals"]] == [app]
    # The organization from its management account only, OUs walked from the root.
    assert {a["Id"] for a in read("111111111111", "organizations-list-accounts.json")["Accounts"]} == {
        "111111111111", network, app}
    assert [u["Id"] for u in read("111111111111", f"organizations-list-organizational-units-for-parent-{root}.json")[
        "OrganizationalUnits"]] == [unit]
    assert not (out / network / "organizations-list-accounts.json").exists()
    assert "RoleDetailList" in read(network, "iam-get-account-authorization-details.json")
    files = sorted(p.name for p in (out / network / "us-east-1").iterdir())
    assert len(files) == 20 and "ec2-describe-transit-gateway-peering-attachments.json" in files
