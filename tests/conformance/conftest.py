"""Shared fixtures: a real ramparts process on a loopback port, boto3 clients per account and
Region, and a strict model check on every response body those clients receive."""

import boto3
import botocore.config
import pytest

from strict import check_body

from ramparts_server import BINARY, ROOT, Server, free_port  # noqa: F401 (re-exported for tests)


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


@pytest.fixture
def client_for(server, strict):
    """`client_for("ec2", credentials)` → a boto3 client signing with issued credentials (an
    access key and secret, and a session token when there is one), strictly checked."""
    config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})

    def make(service, creds):
        client = boto3.client(
            service,
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds.get("SessionToken"),
            config=config,
        )
        client.meta.events.register("after-call", strict.hook)
        return client

    return make
