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
