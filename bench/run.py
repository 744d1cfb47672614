#!/usr/bin/env python3
"""Side-by-side benchmark: ramparts, moto_server and a bare HTTP server (the physical limit),
driven by the same clients in one run on this machine.

    python3 bench/run.py [--groups 10000] [--seconds 10] [--out bench/results.json]

Needs: target/release/ramparts and target/release/bare (cargo build --release -p ramparts -p bare),
moto_server, wrk, and ../shared/bench/{loadgen,startup}.py. Every load is bounded by count and
time; all traffic stays on 127.0.0.1. Prints a Markdown table of figures and ratios.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAMPARTS_SHARED", ROOT.parent / "shared")) / "bench"
LOADGEN = SHARED / "loadgen.py"
STARTUP = SHARED / "startup.py"
RAMPARTS = ROOT / "target" / "release" / "ramparts"
BARE = ROOT / "target" / "release" / "bare"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def wait_http(url, deadline_s=60):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} never answered")


class Proc:
    def __init__(self, name, args, port, env=None):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, **(env or {})))
        wait_http(self.url + "/")

    def rss(self):
        return rss_mib(self.p.pid)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def ramparts(extra=(), data_dir=None):
    port = free_port()
    store = ["--data-dir", str(data_dir)] if data_dir else ["--ephemeral"]
    return Proc("ramparts", [str(RAMPARTS), "serve", "--listen", f"127.0.0.1:{port}",
                             "--groups-per-region", "2000000", *store, *extra], port,
                env={"RUST_LOG": "warn"})


def moto():
    port = free_port()
    return Proc("moto", ["moto_server", "-H", "127.0.0.1", "-p", str(port)], port)


def bare(groups=1):
    port = free_port()
    return Proc("bare", [str(BARE), str(port), str(groups)], port)


def loadgen(url, op, *args, label=""):
    cmd = [sys.executable, str(LOADGEN), "--url", url, "--op", op, "--sign", "fake", "--label", label, *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else {"raw": out.stdout.strip()}


def setup_groups(server, n, save):
    vpc = loadgen(server.url, "create-vpc", label=server.name)
    vpc_id = vpc.get("vpc_id") or vpc.get("raw", "").split()[-1]
    loadgen(server.url, "create-sg", "--vpc-id", vpc_id, "-n", n, "-d", 3600, "-c", 4,
            "--save-ids", save, label=server.name)
    return vpc_id


WRK_LUA = """
wrk.method = "POST"
wrk.body = "Action=DescribeSecurityGroups&Version=2016-11-15"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.headers["X-Amz-Date"] = "20261128T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
"""


def wrk(url, seconds, conns=8, threads=2):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{max(1, int(seconds))}s", "--timeout", "30s",
                          "-s", f.name, url + "/"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def startup(cmd_for_port, runs=5):
    port = free_port()
    out = subprocess.run([sys.executable, str(STARTUP), "--url", f"http://127.0.0.1:{port}", "--runs", str(runs),
                          "--sign", "fake", "--", *cmd_for_port(port)], capture_output=True, text=True, check=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    a = ap.parse_args()
    for tool in ("moto_server", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is required")
    n, secs = a.groups, a.seconds
    big_n = 200_000  # loadgen builds every request up front; the duration bounds the run
    res = {"groups": n, "seconds": secs, "machine": os.uname().nodename, "cores": os.cpu_count()}
    tmp = Path(tempfile.mkdtemp(prefix="ramparts-bench-"))

    # ---------------------------------------------------------------- reads, 10k groups
    r, m, b = ramparts(), moto(), bare()
    res["rss_idle_mib"] = {"ramparts": r.rss(), "moto": m.rss(), "bare": b.rss()}
    ids = {}
    for s in (r, m):
        ids[s.name] = tmp / f"{s.name}-ids.txt"
        setup_groups(s, n, ids[s.name])
    ids["bare"] = ids["ramparts"]
    for op in ("describe-filter", "describe-ids"):
        res[op + "_c1"] = {s.name: loadgen(s.url, op, "--ids-file", ids[s.name], "-c", 1, "-n", big_n, "-d", secs,
                                             "--warmup", 200, label=s.name) for s in (b, r, m)}
    res["describe-ids_c8"] = {s.name: loadgen(s.url, "describe-ids", "--ids-file", ids[s.name], "-c", 8, "--procs", 2,
                                              "-n", big_n, "-d", secs, "--warmup", 200, label=s.name) for s in (b, r)}
    res["describe-all_wrk"] = {"ramparts": wrk(r.url, secs), "moto": wrk(m.url, secs, conns=2, threads=1)}
    b.stop()
    b = bare(groups=n)
    res["describe-all_wrk"]["bare"] = wrk(b.url, secs)
    for s in (r, m, b):
        s.stop()

    # ---------------------------------------------------------------- RSS with rules
    r = ramparts()
    rss_ids = tmp / "rss-ids.txt"
    setup_groups(r, n, rss_ids)
    loadgen(r.url, "authorize-ingress", "--ids-file", rss_ids, "-n", 2 * n, "-d", 3600, "-c", 4, label="rss")
    res["rss_10k_groups_3_rules_mib"] = {"ramparts": r.rss()}
    r.stop()

    # ---------------------------------------------------------------- durable writes, c=8
    r = ramparts(data_dir=tmp / "durable")
    m = moto()
    res["durable_writes_c8"] = {}
    for s in (r, m):
        vpc = loadgen(s.url, "create-vpc", label=s.name)
        vpc_id = vpc.get("vpc_id") or vpc.get("raw", "").split()[-1]
        save = tmp / f"w-{s.name}.txt"
        create = loadgen(s.url, "create-sg", "--vpc-id", vpc_id, "-c", 8, "--procs", 2, "-n", big_n, "-d", secs,
                         "--save-ids", save, label=s.name)
        auth = loadgen(s.url, "authorize-ingress", "--ids-file", save, "-c", 8, "--procs", 2, "-n", big_n, "-d", secs,
                       label=s.name)
        res["durable_writes_c8"][s.name] = {"create-sg": create, "authorize-ingress": auth}
    r.stop()
    m.stop()

    # ---------------------------------------------------------------- start-up
    res["startup"] = {
        "ramparts": startup(lambda p: [str(RAMPARTS), "serve", "--ephemeral", "--listen", f"127.0.0.1:{p}"]),
        "bare": startup(lambda p: [str(BARE), str(p)]),
        "moto": startup(lambda p: ["moto_server", "-H", "127.0.0.1", "-p", str(p)], runs=3),
    }
    Path(a.out).write_text(json.dumps(res, indent=2))
    print(report(res))


def rps(x):
    return x.get("ok_rps") or x.get("rps") or 0


def report(res):
    rows = []
    def ratio(a, b):
        return f"{a / b:.2f}" if b else "n/a"
    for key, title in (("describe-filter_c1", "guide's filter, c=1"), ("describe-ids_c1", "by id, c=1"),
                       ("describe-ids_c8", "by id, c=8 (2 procs)")):
        d = res[key]
        r_, b_ = rps(d["ramparts"]), rps(d["bare"])
        m_ = rps(d["moto"]) if "moto" in d else None
        rows.append(f"| {title} | {r_:.0f} | {b_:.0f} | {m_:.0f} | {ratio(r_, b_)} | {ratio(r_, m_) if m_ else 'n/a'} |"
                    if m_ is not None else f"| {title} | {r_:.0f} | {b_:.0f} | – | {ratio(r_, b_)} | – |")
    d = res["describe-all_wrk"]
    rows.append(f"| describe all {res['groups']} (wrk) | {d['ramparts']['rps']:.1f} | {d['bare']['rps']:.1f} | "
                f"{d['moto']['rps']:.2f} | {ratio(d['ramparts']['rps'], d['bare']['rps'])} | "
                f"{ratio(d['ramparts']['rps'], d['moto']['rps'])} |")
    w = res["durable_writes_c8"]
    for op in ("create-sg", "authorize-ingress"):
        r_, m_ = rps(w["ramparts"][op]), rps(w["moto"][op])
        rows.append(f"| durable {op}, c=8 (moto in memory) | {r_:.0f} | – | {m_:.0f} | – | {ratio(r_, m_)} |")
    head = ("| measure | ramparts req/s | bare req/s | moto req/s | ramparts/bare | ramparts/moto |\n"
            "|---|---|---|---|---|---|")
    s = res["startup"]
    def med(x, k):
        return x.get(k) or x.get(f"{k}_median") or x
    extra = [
        "",
        f"start-up to first DescribeSecurityGroups (median ms): ramparts {json.dumps(s['ramparts'].get('summary', s['ramparts']))}",
        f"bare: {json.dumps(s['bare'].get('summary', s['bare']))}",
        f"moto: {json.dumps(s['moto'].get('summary', s['moto']))}",
        f"idle RSS MiB: {res['rss_idle_mib']}",
        f"RSS with {res['groups']} groups x 3 rules, MiB: {res['rss_10k_groups_3_rules_mib']}",
    ]
    return "\n".join([head, *rows, *extra])


if __name__ == "__main__":
    main()
