#!/usr/bin/env python3
"""DescribeRouteTables and DescribeNetworkAcls with a filter, in an account with 200 route tables
of 50 routes (and as many ACLs with their entries), against the bare limit: a no-work server on
the same HTTP stack answering the very bytes ramparts answered. One run, interleaved round by
round, c=1.

    python3 bench/network.py [--seconds 4] [--rounds 3] [--routes 50] [--acl-entries 10]

Needs target/release/ramparts, target/release/bare and ../shared/bench/loadgen.py. Prints the
medians and the ramparts/bare ratio for each.
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import json
import urllib.parse
from pathlib import Path

import boto3
import botocore.config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import BARE, LOADGEN, RAMPARTS, free_port, wait_http  # noqa: E402

ACCOUNT = "111111111111"
V = "Version=2016-11-15"

# Runs loadgen with its request bodies replaced by the ones in BENCH_BODIES (one per line).
SHIM = """
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("loadgen", sys.argv.pop(1))
lg = importlib.util.module_from_spec(spec); spec.loader.exec_module(lg)
lines = [l for l in open(os.environ["BENCH_BODIES"]).read().splitlines() if l]
lg.bodies = lambda args, n: [lines[i % len(lines)] for i in range(n)]
lg.main()
"""


def setup(url, routes, acl_entries):
    ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ACCOUNT,
                       aws_secret_access_key="x", config=botocore.config.Config(retries={"max_attempts": 1}))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    tables, acls = [], []
    for t in range(199):  # with the main table, the quota of 200
        rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for r in range(routes):
            ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=f"172.{16 + r // 4}.{(r % 4) * 64}.0/18",
                             GatewayId=igw)
        tables.append(rtb)
        acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for e in range(acl_entries):
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100 + e, Protocol="6", RuleAction="allow",
                                         Egress=e % 2 == 0, CidrBlock=f"10.{e}.0.0/16",
                                         PortRange={"From": 443, "To": 443})
        acls.append(acl)
    return tables, acls


def load(url, bodies, seconds):
    out = subprocess.run(
        [sys.executable, "-c", SHIM, str(LOADGEN), "--url", url, "--op", "describe-all", "-c", "1",
         "--procs", "1", "-n", "200000", "-d", str(seconds), "--warmup", "200", "--access-key", ACCOUNT,
         "--secret-key", "x", "--seed", "7"],
        capture_output=True, text=True, env=dict(os.environ, BENCH_BODIES=str(bodies)),
        timeout=seconds * 10 + 60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["non200"]:
        raise SystemExit(f"{bodies}: {result['non200']} failed requests: {result['status']}")
    return result["ok_rps"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--routes", type=int, default=50)
    ap.add_argument("--acl-entries", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(RAMPARTS), "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, RUST_LOG="warn"))
        bares = []
        try:
            wait_http(f"{url}/_ramparts/health")
            tables, acls = setup(url, args.routes, args.acl_entries)
            rnd = random.Random(7)
            cases = {
                "DescribeRouteTables, route-table-id filter": [
                    f"Action=DescribeRouteTables&Filter.1.Name=route-table-id&Filter.1.Value.1={rnd.choice(tables)}&{V}"
                    for _ in range(200)],
                "DescribeNetworkAcls, network-acl-id filter": [
                    f"Action=DescribeNetworkAcls&Filter.1.Name=network-acl-id&Filter.1.Value.1={rnd.choice(acls)}&{V}"
                    for _ in range(200)],
            }
            rows = []
            for name, bodies in cases.items():
                body_file = work / f"{len(rows)}.bodies"
                body_file.write_text("\n".join(bodies) + "\n")
                # The bare server answers what ramparts answers to the first request.
                ec2_action = dict(urllib.parse.parse_qsl(bodies[0]))
                answer = subprocess.run(
                    ["curl", "-s", url, "-H", "Content-Type: application/x-www-form-urlencoded",
                     "-H", f"Authorization: AWS4-HMAC-SHA256 Credential={ACCOUNT}/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
                     "--data", bodies[0]], capture_output=True, text=True, check=True).stdout
                assert ec2_action["Action"] in answer, answer[:300]
                answer_file = work / f"{len(rows)}.xml"
                answer_file.write_text(answer)
                bare_port = free_port()
                b = subprocess.Popen([str(BARE), str(bare_port), "0", str(answer_file)])
                bares.append(b)
                bare_url = f"http://127.0.0.1:{bare_port}"
                wait_http(bare_url)
                ours, limit = [], []
                for _ in range(args.rounds):
                    ours.append(load(url, body_file, args.seconds))
                    limit.append(load(bare_url, body_file, args.seconds))
                o, l = statistics.median(ours), statistics.median(limit)
                rows.append((name, len(answer), o, l, o / l))
                print(f"{name}: ramparts {o:,.0f} req/s, bare {l:,.0f} req/s, ratio {o / l:.2f}", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=10)
            for b in bares:
                b.terminate()
    print("| measure (c=1) | response bytes | ramparts req/s | bare req/s | ramparts/bare |")
    print("|---|---|---|---|---|")
    for name, size, o, l, ratio in rows:
        print(f"| {name} | {size:,} | {o:,.0f} | {l:,.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
