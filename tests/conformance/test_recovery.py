"""What a start does with the log it finds: it replays what was acknowledged whatever today's
flags say, cuts off only a torn last write, stops on any other damage without touching the file,
and `ramparts fsck --salvage` is the operator's explicit way past it.

Each test runs its own ramparts on its own data directory."""

import hashlib
import json
import struct
import subprocess
import threading
import urllib.request
import zlib

import boto3
import botocore.config
import botocore.exceptions
import pytest

from ramparts_server import BINARY, Server
from strict import check_body

ACCOUNT = "111111111111"
CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                connect_timeout=5, read_timeout=30, max_pool_connections=8)
DEFAULT_GROUPS = 2500
DEFAULT_VPCS = 5


class Strict:
    def __init__(self):
        self.findings = []

    def hook(self, http_response, parsed, model, **_):
        if http_response.status_code < 300:
            self.findings += check_body(model.service_model.service_name, model.name, http_response.content)


STRICT = Strict()


@pytest.fixture(autouse=True)
def strict_bodies():
    STRICT.findings.clear()
    yield
    assert STRICT.findings == [], STRICT.findings[:5]


def ec2(server):
    c = boto3.client("ec2", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=ACCOUNT,
                     aws_secret_access_key="secret", config=CONFIG)
    c.meta.events.register("after-call", STRICT.hook)
    return c


def health(server):
    with urllib.request.urlopen(server.url + "/_ramparts/health", timeout=5) as r:
        return json.loads(r.read())


def post_snapshot(server):
    req = urllib.request.Request(server.url + "/_ramparts/snapshot", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200


def log_file(server):
    return server.data_dir / "commands.log"


def frames(data):
    """(offset, length) of every frame of an intact log."""
    at, out = 0, []
    while at < len(data):
        n, crc = struct.unpack_from("<II", data, at)
        assert zlib.crc32(data[at + 8:at + 8 + n]) == crc, f"bad frame at {at}"
        out.append((at, 8 + n))
        at += 8 + n
    return out


def seq_of(data, frame):
    at, length = frame
    record = json.loads(data[at + 8:at + length])
    kind, body = next(iter(record.items()))
    return body.get("seq") or 0


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args, timeout=30):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def serve_once(server):
    """Start ramparts on the server's data directory expecting it to refuse: (exit code, stderr)."""
    done = run("serve", "--listen", "127.0.0.1:0", "--data-dir", str(server.data_dir))
    return done.returncode, done.stderr


def create_groups(server, vpc, count, threads=4):
    """Create `count` groups concurrently; every one must be acknowledged."""
    names = [f"g{i}" for i in range(count)]
    made, errors = [], []

    def work(part):
        c = ec2(server)
        for name in part:
            try:
                made.append(c.create_security_group(GroupName=name, Description="q", VpcId=vpc)["GroupId"])
            except botocore.exceptions.ClientError as e:
                errors.append(e)
                return

    workers = [threading.Thread(target=work, args=(names[t::threads],)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert not any(w.is_alive() for w in workers)
    assert errors == [], errors[:3]
    return made


def refused(call, code):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call()
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# ------------------------------------------------------------------ replay under today's flags


@pytest.mark.parametrize("through_snapshot", [False, True], ids=["log", "snapshot"])
def test_groups_admitted_under_a_raised_quota_survive_a_restart_without_it(tmp_path, through_snapshot):
    srv = Server(tmp_path, ephemeral=False, extra=["--groups-per-region", "2600"]).start()
    try:
        c = ec2(srv)
        vpc = c.describe_vpcs()["Vpcs"][0]["VpcId"]
        # With the default VPC's own group, one more than the default quota allows.
        made = create_groups(srv, vpc, DEFAULT_GROUPS)
        if through_snapshot:
            post_snapshot(srv)
        before = sorted(g["GroupId"] for g in c.get_paginator("describe_security_groups").paginate().build_full_result()["SecurityGroups"])
        assert len(before) == DEFAULT_GROUPS + 1 and set(made) <= set(before)
        srv.stop()

        srv.extra = []  # the README's plain command
        srv.start()
        assert health(srv)["process"]["quotas"]["groups_per_region"] == DEFAULT_GROUPS
        c = ec2(srv)
        after = sorted(g["GroupId"] for g in c.get_paginator("describe_security_groups").paginate().build_full_result()["SecurityGroups"])
        assert after == before
        refused(lambda: c.create_security_group(GroupName="one-more", Description="q", VpcId=vpc),
                "SecurityGroupLimitExceeded")
        # Deleting brings the count under the quota only once it is below it.
        c.delete_security_group(GroupId=made[0])
        refused(lambda: c.create_security_group(GroupName="one-more", Description="q", VpcId=vpc),
                "SecurityGroupLimitExceeded")
        c.delete_security_group(GroupId=made[1])
        c.create_security_group(GroupName="one-more", Description="q", VpcId=vpc)
    finally:
        srv.stop()


@pytest.mark.parametrize("through_snapshot", [False, True], ids=["log", "snapshot"])
def test_vpcs_admitted_under_a_raised_quota_survive_a_restart_under_a_lower_one(tmp_path, through_snapshot):
    srv = Server(tmp_path, ephemeral=False, extra=["--vpcs-per-region", "9"]).start()
    try:
        c = ec2(srv)
        made = [c.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"] for n in range(1, 9)]
        refused(lambda: c.create_vpc(CidrBlock="10.99.0.0/16"), "VpcLimitExceeded")
        if through_snapshot:
            post_snapshot(srv)
        before = sorted(v["VpcId"] for v in c.describe_vpcs()["Vpcs"])
        srv.stop()

        for extra in ([], ["--vpcs-per-region", "2"]):
            srv.extra = extra
            srv.start()
            c = ec2(srv)
            assert sorted(v["VpcId"] for v in c.describe_vpcs()["Vpcs"]) == before
            assert set(made) <= set(before) and len(before) == 9 > DEFAULT_VPCS
            refused(lambda: c.create_vpc(CidrBlock="10.99.0.0/16"), "VpcLimitExceeded")
            srv.stop()
    finally:
        srv.stop()


def test_the_seed_and_its_clock_are_the_directory_s_own(tmp_path):
    srv = Server(tmp_path, ephemeral=False, extra=["--seed", "7"]).start()
    try:
        c = ec2(srv)
        vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        first = c.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
        stored = health(srv)["state"]
        assert (stored["seed"], stored["clock"]) == (7, "fixed")
        srv.stop()

        srv.extra = ["--seed", "8"]  # ignored: ids and times go on from the directory's own
        srv.start()
        assert health(srv)["state"]["seed"] == 7
        c = ec2(srv)
        second = c.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
        assert second != first
        srv.stop()
        srv.extra = []
        srv.start()
        rules = ec2(srv).describe_security_group_rules()["SecurityGroupRules"]
        assert {r["GroupId"] for r in rules} >= {first, second}
        assert health(srv)["state"]["clock"] == "fixed"
    finally:
        srv.stop()


# ------------------------------------------------------------------ damage is never cut silently


@pytest.fixture(scope="module")
def damaged_source(tmp_path_factory):
    """A log of 300 groups, made once and copied by each damage test."""
    tmp = tmp_path_factory.mktemp("source")
    srv = Server(tmp, ephemeral=False).start()
    try:
        c = ec2(srv)
        vpc = c.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        groups = create_groups(srv, vpc, 300, threads=1)
    finally:
        srv.stop()
    return log_file(srv).read_bytes(), groups


def with_log(tmp_path, data):
    srv = Server(tmp_path, ephemeral=False)
    srv.data_dir.mkdir(parents=True)
    log_file(srv).write_bytes(data)
    return srv


@pytest.mark.parametrize("which", ["first", "middle", "last but one"])
def test_a_flipped_byte_stops_the_start_and_leaves_the_file_as_it_was(tmp_path, damaged_source, which):
    data, _ = damaged_source
    fr = frames(data)
    index = {"first": 0, "middle": len(fr) // 2, "last but one": len(fr) - 2}[which]
    at, length = fr[index]
    damaged = bytearray(data)
    damaged[at + length // 2] ^= 0x10
    srv = with_log(tmp_path, bytes(damaged))
    digest = sha(log_file(srv))

    code, stderr = serve_once(srv)
    assert code != 0
    assert str(log_file(srv)) in stderr and f"byte {at}" in stderr, stderr
    if index > 0:
        assert f"sequence number {seq_of(data, fr[index - 1])}" in stderr, stderr
    assert "ramparts fsck" in stderr and "--salvage" in stderr, stderr
    assert sha(log_file(srv)) == digest, "the damaged log was changed"
    assert sorted(p.name for p in srv.data_dir.iterdir()) == ["commands.log", "lock"]


def test_a_torn_last_write_is_cut_at_every_offset(tmp_path, damaged_source):
    data, groups = damaged_source
    last_at, _ = frames(data)[-1]
    for cut in range(last_at + 1, len(data)):
        srv = with_log(tmp_path / str(cut), data[:cut])
        report = run("fsck", "--data-dir", str(srv.data_dir))
        assert report.returncode == 0 and "torn last write" in report.stdout, (cut, report.stdout)
        assert log_file(srv).read_bytes() == data[:cut], "fsck changed the log"
    # The start itself, at the first, a middle and the last offset of the last write.
    for cut in (last_at + 1, (last_at + len(data)) // 2, len(data) - 1):
        srv = with_log(tmp_path / f"start-{cut}", data[:cut])
        srv.start()
        try:
            seen = {g["GroupId"] for g in ec2(srv).get_paginator("describe_security_groups").paginate()
                    .build_full_result()["SecurityGroups"]}
            assert set(groups[:-1]) <= seen and groups[-1] not in seen
        finally:
            srv.stop()
        assert log_file(srv).read_bytes() == data[:last_at]


def test_fsck_salvage_keeps_the_original_and_recovers_the_intact_prefix(tmp_path, damaged_source):
    data, groups = damaged_source
    fr = frames(data)
    index = len(fr) // 3
    at, length = fr[index]
    damaged = bytearray(data)
    damaged[at + 3] ^= 0x01  # the frame's length: the parse loses its footing there
    srv = with_log(tmp_path, bytes(damaged))
    digest = sha(log_file(srv))

    check = run("fsck", "--data-dir", str(srv.data_dir))
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"damaged at byte {at}" in check.stdout and f"{len(fr) - index} from the damage on" in check.stdout
    assert sha(log_file(srv)) == digest

    salvage = run("fsck", "--data-dir", str(srv.data_dir), "--salvage")
    assert salvage.returncode == 0, salvage.stdout + salvage.stderr
    kept = srv.data_dir / "commands.log.damaged-1"
    assert str(kept) in salvage.stdout and sha(kept) == digest
    assert log_file(srv).read_bytes() == data[:at]
    assert f"through sequence number {seq_of(data, fr[index - 1])}" in salvage.stdout

    srv.start()
    try:
        seen = {g["GroupId"] for g in ec2(srv).get_paginator("describe_security_groups").paginate()
                .build_full_result()["SecurityGroups"]}
        # Records are the genesis, the default VPC, the VPC, then one group each.
        recovered = index - 3
        assert set(groups[:recovered]) <= seen and not set(groups[recovered:]) & seen
    finally:
        srv.stop()
    again = run("fsck", "--data-dir", str(srv.data_dir), "--salvage")
    assert again.returncode == 2 and "nothing to salvage" in again.stderr


def test_one_ramparts_per_data_directory(tmp_path):
    srv = Server(tmp_path, ephemeral=False).start()
    try:
        code, stderr = serve_once(srv)
        assert code != 0 and "in use by another ramparts" in stderr, stderr
        busy = run("fsck", "--data-dir", str(srv.data_dir))
        assert busy.returncode == 2 and "in use" in busy.stderr
    finally:
        srv.stop()
    assert run("fsck", "--data-dir", str(srv.data_dir)).returncode == 0


ORG = """
[organization]
management_account = "{mgmt}"

[[organization.accounts]]
id = "{member}"
name = "member"
email = "member-{member}@example.com"
"""


def org_accounts(server, mgmt):
    org = boto3.client("organizations", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    org.meta.events.register("after-call", STRICT.hook)
    return sorted(a["Id"] for a in org.list_accounts()["Accounts"])


def test_a_declaration_that_contradicts_the_state_does_not_hide_it(tmp_path):
    first = tmp_path / "first.toml"
    first.write_text(ORG.format(mgmt="111111111111", member="222222222222"))
    srv = Server(tmp_path, ephemeral=False, extra=["--config", str(first)]).start()
    try:
        assert health(srv)["process"]["organization_declared"] is True
        vpc = ec2(srv).create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
        srv.stop()
        # The same declaration again changes nothing; one that makes the member a management
        # account contradicts the state, which is served as it is.
        contradicting = tmp_path / "second.toml"
        contradicting.write_text(ORG.format(mgmt="222222222222", member="444444444444"))
        for config in (first, contradicting):
            srv.extra = ["--config", str(config)]
            srv.start()
            assert org_accounts(srv, "111111111111") == ["111111111111", "222222222222"]
            assert vpc in {v["VpcId"] for v in ec2(srv).describe_vpcs()["Vpcs"]}
            srv.stop()
        assert "contradicts the state" in srv.log.read_text()
    finally:
        srv.stop()
