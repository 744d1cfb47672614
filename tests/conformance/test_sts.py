"""STS GetCallerIdentity: the 12-digit access key id is the root user of that account, in any
Region."""

import pytest

from helpers import ACCOUNT_A, ACCOUNT_B


@pytest.mark.parametrize("account", [ACCOUNT_A, ACCOUNT_B, "123456789012"])
def test_get_caller_identity_is_account_root(aws, account):
    out = aws("sts", account).get_caller_identity()
    assert out["Account"] == account
    assert out["Arn"] == f"arn:aws:iam::{account}:root"
    assert out["UserId"] == account
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2"])
def test_get_caller_identity_in_any_region(aws, region):
    out = aws("sts", ACCOUNT_A, region).get_caller_identity()
    assert (out["Account"], out["Arn"]) == (ACCOUNT_A, f"arn:aws:iam::{ACCOUNT_A}:root")


def test_request_ids_are_unique(aws):
    sts = aws("sts")
    seen = {sts.get_caller_identity()["ResponseMetadata"]["RequestId"] for _ in range(5)}
    assert len(seen) == 5
