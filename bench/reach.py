#!/usr/bin/env python3
"""Reachability at scale: one path analysis, and the all-pairs matrix, in an account of N
interfaces (default 1,000) behind 200 groups holding 10,000 rules, across 10 subnets with
their ACL entries. Timed through GET /_ramparts/reach (the HTTP round trip included; a
single question is timed as the median of many).

    python3 bench/reach.py [--interfaces 1000] [--groups 200] [--rules-per-group 50] [--paths 200] [--open]

Needs target/release/ramparts. Prints the figures the issue sets targets for: one path
(<= 5 ms) and the matrix (<= 1 s).
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
import botocore.config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import RAMPARTS, free_port, wait_http  # noqa: E402

ACCOUNT = "111111111111"


def build(url, interfaces, groups, rules_per_group, rnd, open_all=False):
    ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ACCOUNT,
                       aws_secret_access_key="x", config=botocore.config.Config(retries={"max_attempts": 1}))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{4 * k}.0/22")["Subnet"]["SubnetId"] for k in range(10)]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    for n in range(10):
        ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=10 + n, Protocol="6",
                                     RuleAction="deny" if n % 3 == 0 else "allow", Egress=n % 2 == 0,
                                     CidrBlock=f"10.0.{4 * n}.0/22", PortRange={"From": 1000 + n, "To": 2000 + n})
    group_ids = []
    for g in range(groups):
        gid = ec2.create_security_group(GroupName=f"g{g}", Description="bench", VpcId=vpc)["GroupId"]
        perms = []
        if open_all:
            # The worst case for the matrix: every group admits every interface of the VPC.
            perms.append({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]})
        for r in range(rules_per_group - int(open_all)):
            port = rnd.choice([22, 80, 443, 5432, 8080]) + r * 7
            if rnd.random() < 0.2 and group_ids:
                perms.append({"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                              "UserIdGroupPairs": [{"GroupId": rnd.choice(group_ids)}]})
            else:
                perms.append({"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                              "IpRanges": [{"CidrIp": f"10.0.{rnd.randrange(40)}.0/24"}]})
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
        group_ids.append(gid)
    enis = []
    for i in range(interfaces):
        enis.append(ec2.create_network_interface(SubnetId=subnets[i % 10], Groups=rnd.sample(group_ids, rnd.randint(1, 3)))[
            "NetworkInterface"]["NetworkInterfaceId"])
    return vpc, enis


def reach(url, **params):
    with urllib.request.urlopen(f"{url}/_ramparts/reach?{urllib.parse.urlencode(params)}", timeout=600) as r:
        return json.load(r)["results"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interfaces", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=200)
    ap.add_argument("--rules-per-group", type=int, default=50)
    ap.add_argument("--paths", type=int, default=200)
    ap.add_argument("--open", action="store_true", help="every group admits the whole VPC on every port")
    args = ap.parse_args()
    rnd = random.Random(7)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([str(RAMPARTS), "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}",
                                 "--groups-per-region", "10000"],
                                stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "log", "w"),
                                env={"RUST_LOG": "warn", "PATH": "/usr/bin:/bin"})
        try:
            wait_http(url + "/_ramparts/health")
            t0 = time.perf_counter()
            vpc, enis = build(url, args.interfaces, args.groups, args.rules_per_group, rnd, args.open)
            print(f"built {len(enis)} interfaces, {args.groups * args.rules_per_group} rules in "
                  f"{time.perf_counter() - t0:.1f} s")
            times = []
            for _ in range(args.paths):
                a, b = rnd.sample(enis, 2)
                t = time.perf_counter()
                reach(url, source=a, destination=b, protocol="tcp", port=rnd.choice([22, 443, 8080]))
                times.append((time.perf_counter() - t) * 1000)
            print(f"one path: median {statistics.median(times):.2f} ms, p90 "
                  f"{statistics.quantiles(times, n=10)[-1]:.2f} ms (target <= 5 ms)")
            t = time.perf_counter()
            pairs = reach(url, all=vpc, protocol="tcp", port=443)
            took = time.perf_counter() - t
            print(f"matrix: {len(pairs)} pairs in {took:.2f} s, {sum(p['reachable'] for p in pairs)} reachable "
                  f"(target <= 1 s)")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
