"""SigV4 signatures of the keys ramparts issues (IAM user keys, role sessions) are checked with
their secret, with each service's own refusal (spec §1.2); 12-digit root keys have no secret
here and are taken as they are."""

import boto3
import botocore.config
import pytest

from helpers import ACCOUNT_A, aws_error

CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.fixture
def user_key(aws):
    iam = aws("iam", ACCOUNT_A)
    iam.create_user(UserName="signer")
    iam.attach_user_policy(UserName="signer", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName="signer")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def client(server, service, key_id, secret, token=None, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=CONFIG,
    )


def test_the_right_secret_is_accepted_everywhere(server, user_key):
    key_id, secret = user_key
    assert client(server, "sts", key_id, secret).get_caller_identity()["Arn"].endswith(":user/signer")
    client(server, "ec2", key_id, secret).describe_vpcs()
    client(server, "iam", key_id, secret).list_users()
    client(server, "ram", key_id, secret).get_resource_shares(resourceOwner="SELF")


@pytest.mark.parametrize(
    "service, call, code, status",
    [
        ("sts", lambda c: c.get_caller_identity(), "SignatureDoesNotMatch", 403),
        ("iam", lambda c: c.list_users(), "SignatureDoesNotMatch", 403),
        ("ec2", lambda c: c.describe_vpcs(), "AuthFailure", 401),
        ("ram", lambda c: c.get_resource_shares(resourceOwner="SELF"), "InvalidSignatureException", 403),
        ("organizations", lambda c: c.describe_organization(), "InvalidSignatureException", 403),
    ],
)
def test_a_wrong_secret_is_refused(server, user_key, service, call, code, status):
    key_id, _ = user_key
    with aws_error(code, status=status):
        call(client(server, service, key_id, "not-the-secret"))


def test_role_sessions_are_checked_too(aws, server, user_key):
    key_id, secret = user_key
    iam = aws("iam", ACCOUNT_A)
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}' % ACCOUNT_A
    role = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust)["Role"]
    creds = client(server, "sts", key_id, secret).assume_role(RoleArn=role["Arn"], RoleSessionName="session")["Credentials"]
    ok = client(server, "sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert ":assumed-role/worker/session" in ok.get_caller_identity()["Arn"]
    bad = client(server, "sts", creds["AccessKeyId"], "wrong", creds["SessionToken"])
    with aws_error("SignatureDoesNotMatch", status=403):
        bad.get_caller_identity()


def test_root_keys_take_any_secret(server):
    for secret in ("one", "two"):
        assert client(server, "sts", ACCOUNT_A, secret).get_caller_identity()["Account"] == ACCOUNT_A
