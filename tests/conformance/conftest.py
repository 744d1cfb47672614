"""Shared fixtures: a real ramparts process on a loopback port, boto3 clients per account and
Region, and a strict model check on every response body those clients receive."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import pytest

from strict import check_body

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("RAMPARTS_BIN", ROOT / "target" / "release" / "ramparts"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ramparts process; `start`/`kill`/`stop` let durability tests restart it."""

    def __init__(self, tmp: Path, ephemeral=True, extra=()):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tmp / "data"
        self.ephemeral = ephemeral
        self.extra = list(extra)
        self.proc = None
        self.log = tmp / "ramparts.log"

    def start(self):
        args = [str(BINARY), "serve", "--listen", f"127.0.0.1:{self.port}"]
        args += ["--ephemeral"] if self.ephemeral else ["--data-dir", str(self.data_dir)]
        args += self.extra
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.log, "ab"), env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ramparts exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/_ramparts/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("ramparts did not become healthy")

    def kill(self):
        """kill -9: no chance to flush anything."""
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        """Graceful: SIGTERM, then wait."""
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def reset(self):
        req = urllib.request.Request(self.url + "/_ramparts/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("ramparts")).start()
    yield s
    s.stop()


class StrictRecorder:
    """Collects strict-check findings for every successful response of every client."""

    def __init__(self):
        self.findings = []

    def hook(self, http_response, parsed, model, **_):
        if http_response.status_code >= 300:
            return
        service = model.service_model.service_name
        problems = check_body(service, model.name, http_response.content)
        self.findings.extend(f"{service}.{model.name}: {p}" for p in problems)


@pytest.fixture
def strict():
    return StrictRecorder()


@pytest.fixture
def aws(server, strict):
    """`aws("ec2", "111111111111")` → a boto3 client acting as that account's root.

    State is wiped before each test; every response body is strictly checked and any finding
    fails the test."""
    server.reset()
    config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})

    def make(service, account="111111111111", region="us-east-1"):
        client = boto3.client(
            service,
            endpoint_url=server.url,
            region_name=region,
            aws_access_key_id=account,
            aws_secret_access_key="secret",
            config=config,
        )
        client.meta.events.register("after-call", strict.hook)
        return client

    yield make
    assert strict.findings == [], "strict model check:\n" + "\n".join(strict.findings)
