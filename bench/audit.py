#!/usr/bin/env python3
"""The full audit of an organization: N accounts (default 100) of G security groups each
(default 100, so 10,000 groups), some open to the internet, some referencing others, one
share per account. Timed through GET /_ramparts/audit (JSON), the HTTP round trip included.

    python3 bench/audit.py [--accounts 100] [--groups 100] [--rounds 3]

Needs target/release/ramparts. Target: <= 1 s.
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import botocore.config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import RAMPARTS, free_port, wait_http  # noqa: E402

CONFIG = botocore.config.Config(retries={"max_attempts": 1}, max_pool_connections=4)


def account(url, n, groups, seed):
    rnd = random.Random(seed)
    acct = f"{100000000000 + n:012d}"
    ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=acct,
                       aws_secret_access_key="x", config=CONFIG)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    made = []
    for g in range(groups - 2):  # with the two default groups
        gid = ec2.create_security_group(GroupName=f"app-{g}", Description="bench", VpcId=vpc)["GroupId"]
        kind = rnd.random()
        if kind < 0.1:
            perm = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        elif kind < 0.4 and made:
            perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": rnd.choice(made)}]}
        else:
            perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[perm])
        made.append(gid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([str(RAMPARTS), "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "log", "w"),
                                env={"RUST_LOG": "warn", "PATH": "/usr/bin:/bin"})
        try:
            wait_http(url + "/_ramparts/health")
            t0 = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda n: account(url, n, args.groups, n), range(args.accounts)))
            print(f"built {args.accounts} accounts x {args.groups} groups in {time.perf_counter() - t0:.1f} s")
            times, count = [], 0
            for _ in range(args.rounds):
                t = time.perf_counter()
                with urllib.request.urlopen(f"{url}/_ramparts/audit?format=json", timeout=600) as r:
                    count = len(json.load(r)["findings"])
                times.append(time.perf_counter() - t)
            print(f"audit: median {statistics.median(times):.3f} s over {args.rounds} runs, {count} findings "
                  f"(target <= 1 s)")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
