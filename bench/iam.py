#!/usr/bin/env python3
"""What enforcing IAM costs: the guide's filter and describe-by-id as an account's root key and as
a role session holding exactly the guide's policy, on one ramparts under `--iam enforce`, in one
run, interleaved round by round so the machine's drift touches both alike.

    python3 bench/iam.py [--groups 2000] [--seconds 4] [--rounds 3]

Needs target/release/ramparts and ../shared/bench/loadgen.py. The role session's requests carry
its X-Amz-Security-Token (loadgen signs with the key and secret; the token header is added to each
prebuilt request). Prints the medians per measure and the session/root ratio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
import botocore.config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import LOADGEN, RAMPARTS, free_port, wait_http  # noqa: E402

ACCOUNT = "111111111111"
GUIDE_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow",
    "Action": ["ec2:DescribeSecurityGroups", "ec2:ModifyNetworkInterfaceAttribute"],
    "Resource": "*"}]}

# Runs loadgen with the session token header added to every prebuilt request.
SHIM = """
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("loadgen", sys.argv.pop(1))
lg = importlib.util.module_from_spec(spec); spec.loader.exec_module(lg)
token = os.environ.get("BENCH_SESSION_TOKEN")
if token:
    plain = lg.build_request
    def with_token(host, body, args, amzdate):
        raw = plain(host, body, args, amzdate)
        head, _, rest = raw.partition(b"\\r\\n")
        return head + b"\\r\\nX-Amz-Security-Token: " + token.encode() + b"\\r\\n" + rest
    lg.build_request = with_token
lg.main()
"""


def client(url, service, key, secret, token=None):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def setup(url, groups, workdir):
    ec2 = client(url, "ec2", ACCOUNT, "x")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids = [ec2.create_security_group(GroupName=f"g{i}", Description="bench", VpcId=vpc)["GroupId"]
           for i in range(groups)]
    ids = ids[:200]  # loadgen spreads its requests over these
    ids_file = workdir / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    iam = client(url, "iam", ACCOUNT, "x")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="attacher", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="attacher", PolicyName="guide", PolicyDocument=json.dumps(GUIDE_POLICY))
    iam.create_user(UserName="dev")
    iam.put_user_policy(UserName="dev", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}]}))
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    sts = client(url, "sts", key["AccessKeyId"], key["SecretAccessKey"])
    creds = sts.assume_role(RoleArn=role, RoleSessionName="bench", DurationSeconds=3600)["Credentials"]
    return ids_file, creds


def load(url, op, ids_file, concurrency, seconds, key, secret, token=None):
    procs = 2 if concurrency > 1 else 1
    env = dict(os.environ, BENCH_SESSION_TOKEN=token or "")
    out = subprocess.run(
        [sys.executable, "-c", SHIM, str(LOADGEN), "--url", url, "--op", op, "--ids-file", str(ids_file),
         "-c", str(concurrency), "--procs", str(procs), "-n", "200000", "-d", str(seconds),
         "--warmup", "200", "--access-key", key, "--secret-key", secret, "--seed", "7"],
        capture_output=True, text=True, env=env, timeout=seconds * 10 + 60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["non200"]:
        raise SystemExit(f"{op} as {key}: {result['non200']} failed requests: {result['status']}")
    return result["ok_rps"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(RAMPARTS), "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}",
                                   "--iam", "enforce", "--groups-per-region", "2000000"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, RUST_LOG="warn"))
        try:
            wait_http(f"{url}/_ramparts/health")
            ids_file, creds = setup(url, args.groups, workdir)
            rows = []
            for op in ("describe-filter", "describe-ids"):
                for c in (1, 8):
                    root, session = [], []
                    for _ in range(args.rounds):
                        root.append(load(url, op, ids_file, c, args.seconds, ACCOUNT, "x"))
                        session.append(load(url, op, ids_file, c, args.seconds, creds["AccessKeyId"],
                                            creds["SecretAccessKey"], creds["SessionToken"]))
                    r, s = statistics.median(root), statistics.median(session)
                    rows.append((op, c, r, s, s / r))
                    print(f"{op} c={c}: root {r:,.0f} req/s, session {s:,.0f} req/s, ratio {s / r:.2f}",
                          file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("| measure | root key req/s | role session req/s | session/root |")
    print("|---|---|---|---|")
    for op, c, r, s, ratio in rows:
        name = "guide's filter" if op == "describe-filter" else "by id"
        print(f"| {name}, c={c} | {r:,.0f} | {s:,.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
