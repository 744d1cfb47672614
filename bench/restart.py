#!/usr/bin/env python3
"""Restart cost of a durable ramparts: N groups of three rules, then the log size and RSS, a
restart that replays the whole log, a snapshot (`POST /_ramparts/snapshot`), and a restart from it.

    python3 bench/restart.py [N=10000]

Needs target/release/ramparts and ../shared/bench/loadgen.py; all traffic stays on 127.0.0.1.
"""
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the side-by-side harness: process control and loadgen)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    tmp = Path(tempfile.mkdtemp(prefix="ramparts-restart-"))
    data, log = tmp / "data", tmp / "data" / "commands.log"
    server = run.ramparts(data_dir=data)
    ids = tmp / "ids.txt"
    run.setup_groups(server, n, ids)
    run.loadgen(server.url, "authorize-ingress", "--ids-file", ids, "-n", 2 * n, "-d", 3600, "-c", 4,
                label="restart")
    print(f"{n} groups x 3 rules: log {log.stat().st_size / 2**20:.1f} MiB, RSS {server.rss()} MiB")
    server.stop()

    started = time.monotonic()
    server = run.ramparts(data_dir=data)
    print(f"restart replaying the log: {time.monotonic() - started:.3f} s to healthy, RSS {server.rss()} MiB")
    started = time.monotonic()
    req = urllib.request.Request(server.url + "/_ramparts/snapshot", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=60).read()
    print(f"snapshot: {time.monotonic() - started:.3f} s, {log.stat().st_size / 2**20:.1f} MiB, "
          f"RSS after {server.rss()} MiB")
    server.stop()

    started = time.monotonic()
    server = run.ramparts(data_dir=data)
    print(f"restart from the snapshot: {time.monotonic() - started:.3f} s to healthy, RSS {server.rss()} MiB")
    server.stop()


if __name__ == "__main__":
    main()
