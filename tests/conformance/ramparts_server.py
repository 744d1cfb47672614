"""A real ramparts process on a free loopback port, for every Python suite (conformance,
durability, Terraform)."""

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("RAMPARTS_BIN", ROOT / "target" / "release" / "ramparts"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ramparts process; `start`/`kill`/`stop` let durability tests restart it on the
    same data directory."""

    def __init__(self, tmp: Path, ephemeral=True, extra=(), log_level="warn"):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tmp / "data"
        self.ephemeral = ephemeral
        self.extra = list(extra)
        self.log_level = log_level
        self.proc = None
        self.log = tmp / "ramparts.log"

    def start(self):
        if not BINARY.exists():
            raise RuntimeError(f"ramparts binary not found at {BINARY}")
        args = [str(BINARY), "serve", "--listen", f"127.0.0.1:{self.port}"]
        args += ["--ephemeral"] if self.ephemeral else ["--data-dir", str(self.data_dir)]
        args += self.extra
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", self.log_level))
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
                time.sleep(0.02)  # readiness poll of a freshly spawned process
        raise RuntimeError("ramparts did not become healthy")

    def kill(self):
        """kill -9: no chance to flush anything."""
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        """Graceful: SIGTERM, then wait (SIGKILL if it does not exit)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def reset(self):
        req = urllib.request.Request(self.url + "/_ramparts/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    def requests(self):
        """(service, operation, status) for every request line of an info-level log."""
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.log.read_text(errors="replace"))
        pat = re.compile(r'service="?(\w+)"?\s+operation=(\w+).*?status=(\d+)')
        return [(m[1], m[2], int(m[3])) for m in pat.finditer(text)]

    def log_tail(self, lines=80):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no ramparts log)"
