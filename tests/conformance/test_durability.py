"""Durability of the command log: what was acknowledged survives a graceful stop, a kill -9 under
load, a torn tail, and a reset is itself durable.

Each test runs its own ramparts on its own data directory (`Server(tmp_path, ephemeral=False)`)."""

import json
import random
import struct
import threading
import urllib.request
import zlib

import boto3
import botocore.config
import botocore.exceptions
import pytest

from ramparts_server import Server

ACCOUNTS = ("111111111111", "222222222222")
REGIONS = ("us-east-1", "eu-west-1")
CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                connect_timeout=5, read_timeout=30, max_pool_connections=4)
TRANSPORT_ERRORS = (botocore.exceptions.HTTPClientError, botocore.exceptions.ConnectionError)


def ec2_client(server, account=ACCOUNTS[0], region=REGIONS[0]):
    return boto3.client("ec2", endpoint_url=server.url, region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="secret", config=CONFIG)


def durable_server(tmp_path):
    return Server(tmp_path, ephemeral=False).start()


def log_path(server):
    return server.data_dir / "commands.log"


def everything(client, op, key, **kwargs):
    if client.can_paginate(op):
        return [item for page in client.get_paginator(op).paginate(**kwargs) for item in page[key]]
    return getattr(client, op)(**kwargs)[key]


SNAPSHOT = [
    # (operation, result key, sort key)
    ("describe_vpcs", "Vpcs", lambda v: v["VpcId"]),
    ("describe_subnets", "Subnets", lambda s: s["SubnetId"]),
    ("describe_security_groups", "SecurityGroups", lambda g: g["GroupId"]),
    ("describe_security_group_rules", "SecurityGroupRules", lambda r: r["SecurityGroupRuleId"]),
    ("describe_network_interfaces", "NetworkInterfaces", lambda e: e["NetworkInterfaceId"]),
    ("describe_tags", "Tags", lambda t: (t["ResourceId"], t["Key"])),
]


def snapshot(server, accounts=ACCOUNTS, regions=REGIONS):
    """The full describe output of every resource kind, per account and Region."""
    out = {}
    for account in accounts:
        for region in regions:
            c = ec2_client(server, account, region)
            out[(account, region)] = {key: sorted(everything(c, op, key), key=order)
                                      for op, key, order in SNAPSHOT}
    return out


def created_ids(snap):
    """Ids of what the tests created (not the lazily made default VPC, subnets and groups)."""
    ids = set()
    for state in snap.values():
        ids |= {v["VpcId"] for v in state["Vpcs"] if not v["IsDefault"]}
        ids |= {s["SubnetId"] for s in state["Subnets"] if not s.get("DefaultForAz")}
        groups = {g["GroupId"] for g in state["SecurityGroups"] if g["GroupName"] != "default"}
        ids |= groups | {r["SecurityGroupRuleId"] for r in state["SecurityGroupRules"] if r["GroupId"] in groups}
        ids |= {e["NetworkInterfaceId"] for e in state["NetworkInterfaces"]}
    return ids


def all_ids(snap):
    ids = set()
    for state in snap.values():
        ids |= {v["VpcId"] for v in state["Vpcs"]} | {s["SubnetId"] for s in state["Subnets"]}
        ids |= {g["GroupId"] for g in state["SecurityGroups"]}
        ids |= {r["SecurityGroupRuleId"] for r in state["SecurityGroupRules"]}
        ids |= {e["NetworkInterfaceId"] for e in state["NetworkInterfaces"]}
    return ids


def tags(kind, **kv):
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in kv.items()]}]


def populate(server, k, account, region):
    """VPC, subnets, groups with rules and tags (some changed, some revoked or deleted), ENIs."""
    c = ec2_client(server, account, region)
    made = {}
    vpc = c.create_vpc(CidrBlock=f"10.{k}.0.0/16", TagSpecifications=tags("vpc", Name=f"vpc-{k}", env="test"))
    vpc_id = made["vpc"] = vpc["Vpc"]["VpcId"]
    c.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnet_a = c.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{k}.1.0/24", AvailabilityZone=region + "a",
                               TagSpecifications=tags("subnet", Name="a"))["Subnet"]["SubnetId"]
    made["subnet_b"] = c.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{k}.2.0/24", AvailabilityZone=region + "b",
                                       TagSpecifications=tags("subnet", Name="b", tier="db"))["Subnet"]["SubnetId"]
    made["subnet_a"] = subnet_a
    web = made["web"] = c.create_security_group(
        GroupName="web", Description="web tier", VpcId=vpc_id,
        TagSpecifications=tags("security-group", Name="web", app="shop"))["GroupId"]
    db = made["db"] = c.create_security_group(
        GroupName="db", Description="db tier", VpcId=vpc_id,
        TagSpecifications=tags("security-group", Name="db", drop="me"))["GroupId"]
    r = c.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ])["SecurityGroupRules"]
    https = next(x["SecurityGroupRuleId"] for x in r if x["FromPort"] == 443)
    http80 = next(x["SecurityGroupRuleId"] for x in r if x["FromPort"] == 80)
    pg = c.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": web, "Description": "from web"}]}])["SecurityGroupRules"][0]
    c.authorize_security_group_egress(GroupId=db, IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    c.revoke_security_group_ingress(GroupId=web, SecurityGroupRuleIds=[http80])
    c.update_security_group_rule_descriptions_ingress(
        GroupId=web, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": https, "Description": "changed"}])
    c.modify_security_group_rules(GroupId=db, SecurityGroupRules=[{
        "SecurityGroupRuleId": pg["SecurityGroupRuleId"],
        "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 5433, "ToPort": 5433,
                              "ReferencedGroupId": web, "Description": "moved"}}])
    c.create_tags(Resources=[web, vpc_id], Tags=[{"Key": "owner", "Value": f"team-{k}"}])
    c.delete_tags(Resources=[db], Tags=[{"Key": "drop"}])
    temp = made["deleted_group"] = c.create_security_group(GroupName="temp", Description="t", VpcId=vpc_id)["GroupId"]
    c.delete_security_group(GroupId=temp)
    eni = made["eni"] = c.create_network_interface(
        SubnetId=subnet_a, Groups=[web, db], Description="app",
        TagSpecifications=tags("network-interface", Name="app"))["NetworkInterface"]["NetworkInterfaceId"]
    c.modify_network_interface_attribute(NetworkInterfaceId=eni, Description={"Value": "app, changed"})
    gone = made["deleted_eni"] = c.create_network_interface(SubnetId=made["subnet_b"])["NetworkInterface"][
        "NetworkInterfaceId"]
    c.delete_network_interface(NetworkInterfaceId=gone)
    return made


def populate_all(server):
    made = {}
    for i, account in enumerate(ACCOUNTS):
        for j, region in enumerate(REGIONS):
            made[(account, region)] = populate(server, 10 + 2 * i + j, account, region)
    return made


def test_graceful_restart_describes_everything_identically(tmp_path):
    srv = durable_server(tmp_path)
    try:
        made = populate_all(srv)
        before = snapshot(srv)
        # The scenario really produced what it claims, so comparing snapshots means something.
        for key, ids in made.items():
            state = before[key]
            groups = {g["GroupId"]: g for g in state["SecurityGroups"]}
            assert ids["web"] in groups and ids["db"] in groups and ids["deleted_group"] not in groups
            assert [e["NetworkInterfaceId"] for e in state["NetworkInterfaces"]] == [ids["eni"]]
            assert {"owner", "Name", "app"} <= {t["Key"] for t in groups[ids["web"]]["Tags"]}
            assert "drop" not in {t["Key"] for t in groups[ids["db"]].get("Tags", [])}
            assert len([r for r in state["SecurityGroupRules"] if r["GroupId"] == ids["web"]
                        and not r["IsEgress"]]) == 1
        srv.stop()
        assert srv.proc.returncode == 0, srv.log.read_text()[-2000:]

        srv.start()
        after = snapshot(srv)
        assert after == before

        # New ids after the restart do not collide with replayed ones, and writes made after a
        # replay are appended where the next replay finds them.
        c = ec2_client(srv, ACCOUNTS[1], REGIONS[1])
        new = c.create_security_group(GroupName="after-restart", Description="x",
                                      VpcId=made[(ACCOUNTS[1], REGIONS[1])]["vpc"])["GroupId"]
        assert new not in all_ids(before)
        srv.stop()
        srv.start()
        again = snapshot(srv)
        groups = {g["GroupId"] for g in again[(ACCOUNTS[1], REGIONS[1])]["SecurityGroups"]}
        assert new in groups
        again[(ACCOUNTS[1], REGIONS[1])]["SecurityGroups"] = [
            g for g in again[(ACCOUNTS[1], REGIONS[1])]["SecurityGroups"] if g["GroupId"] != new]
        again[(ACCOUNTS[1], REGIONS[1])]["SecurityGroupRules"] = [
            r for r in again[(ACCOUNTS[1], REGIONS[1])]["SecurityGroupRules"] if r["GroupId"] != new]
        assert again == before
    finally:
        if srv.proc.poll() is None:
            srv.kill()


# ------------------------------------------------------------------------------ kill -9 under load

THREADS = 8
ITERATIONS = 100          # per thread and round: the loop ends by itself even if the kill never came
KILL_AFTER = 200          # acknowledged writes per round before the kill


class Load:
    """Threads creating groups and authorizing rules; only answers with HTTP 200 are recorded."""

    def __init__(self, server, vpc, tag):
        self.server, self.vpc, self.tag = server, vpc, tag
        self.lock = threading.Lock()
        self.acked = 0
        self.enough = threading.Event()
        self.groups = {}       # group id -> name
        self.rules = {}        # rule id -> (group id, port)
        self.unexpected = []   # API errors: nothing in this load should be refused

    def ack(self):
        with self.lock:
            self.acked += 1
            if self.acked >= KILL_AFTER:
                self.enough.set()

    def worker(self, t, c):
        for i in range(ITERATIONS):
            name = f"{self.tag}-t{t}-{i}"
            port = 1000 + t * ITERATIONS + i
            try:
                group = c.create_security_group(GroupName=name, Description="load", VpcId=self.vpc)["GroupId"]
                with self.lock:
                    self.groups[group] = name
                self.ack()
                rules = c.authorize_security_group_ingress(GroupId=group, IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                     "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": name}]}])["SecurityGroupRules"]
                with self.lock:
                    for r in rules:
                        self.rules[r["SecurityGroupRuleId"]] = (group, port)
                self.ack()
            except TRANSPORT_ERRORS:
                return  # the server is gone; whatever was in flight is unacknowledged
            except botocore.exceptions.ClientError as e:
                with self.lock:
                    self.unexpected.append(f"{name}: {e}")
                return

    def run_and_kill(self):
        # boto3's default session is not safe for creating clients concurrently: make them here.
        clients = [ec2_client(self.server) for _ in range(THREADS)]
        threads = [threading.Thread(target=self.worker, args=(t, clients[t]), daemon=True)
                   for t in range(THREADS)]
        for th in threads:
            th.start()
        reached = self.enough.wait(timeout=120)
        self.server.kill()  # SIGKILL while the other threads still have requests in flight
        for th in threads:
            th.join(timeout=60)
        assert not any(th.is_alive() for th in threads), "load threads did not stop"
        assert reached, f"only {self.acked} writes were acknowledged before the deadline"
        assert self.unexpected == [], self.unexpected[:5]


def verify_acknowledged(server, loads):
    c = ec2_client(server)
    groups = {g["GroupId"]: g for g in everything(c, "describe_security_groups", "SecurityGroups")}
    rules = {r["SecurityGroupRuleId"]: r for r in everything(c, "describe_security_group_rules",
                                                             "SecurityGroupRules")}
    lost_groups, lost_rules = [], []
    for load in loads:
        for gid, name in load.groups.items():
            if gid not in groups or groups[gid]["GroupName"] != name:
                lost_groups.append((gid, name))
        for rid, (gid, port) in load.rules.items():
            r = rules.get(rid)
            if r is None or r["GroupId"] != gid or r["FromPort"] != port or r["IsEgress"]:
                lost_rules.append((rid, gid, port))
    assert lost_groups == [] and lost_rules == [], (
        f"acknowledged but lost after kill -9: {len(lost_groups)} groups {lost_groups[:5]}, "
        f"{len(lost_rules)} rules {lost_rules[:5]}")
    # Every group that exists has the rules the load gave it, or none (never a rule without a group).
    for rid, r in rules.items():
        assert r["GroupId"] in groups, rid


def test_kill_9_under_load_loses_no_acknowledged_write(tmp_path):
    srv = durable_server(tmp_path)
    try:
        vpc = ec2_client(srv).create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
        loads = []
        for round_ in range(2):  # the second round appends to a log that was recovered after a kill
            load = Load(srv, vpc, f"r{round_}")
            load.run_and_kill()
            loads.append(load)
            assert srv.proc.returncode == -9
            srv.start()
            verify_acknowledged(srv, loads)
            assert vpc in {v["VpcId"] for v in everything(ec2_client(srv), "describe_vpcs", "Vpcs")}
        assert sum(len(x.groups) for x in loads) >= KILL_AFTER
    finally:
        if srv.proc.poll() is None:
            srv.kill()


# ------------------------------------------------------------------------------ torn tail


def _frame(payload: bytes, crc=None):
    return struct.pack("<II", len(payload), zlib.crc32(payload) if crc is None else crc) + payload


def garbage(kind, log: bytes):
    rng = random.Random(kind)
    if kind == "random bytes":
        return bytes(rng.randrange(256) for _ in range(997))
    if kind == "frame header only":
        return struct.pack("<II", 1000, 0xDEADBEEF)
    if kind == "length beyond the file":
        return struct.pack("<II", 50_000, 0) + b'{"Command":' + b"x" * 100
    if kind == "absurd length":
        return struct.pack("<II", 0xFFFFFFFF, 0) + b"\x00" * 64
    if kind == "bad checksum":
        return _frame(b'{"Command":{"seq":999999}}', crc=12345)
    if kind == "half of a real record":
        # The last record of the log, written again but cut in the middle (a torn write).
        at, last = 0, None
        while at + 8 <= len(log):
            (n,) = struct.unpack_from("<I", log, at)
            last = log[at:at + 8 + n]
            at += 8 + n
        return last[: len(last) // 2]
    raise AssertionError(kind)


GARBAGE = ["random bytes", "frame header only", "length beyond the file", "absurd length", "bad checksum",
           "half of a real record"]


@pytest.mark.parametrize("kind", GARBAGE)
def test_torn_tail_is_cut_off_and_nothing_before_it_is_lost(tmp_path, kind):
    srv = durable_server(tmp_path)
    try:
        populate(srv, 30, ACCOUNTS[0], REGIONS[0])
        before = snapshot(srv, ACCOUNTS[:1], REGIONS[:1])
        srv.stop()
        path = log_path(srv)
        intact = path.read_bytes()
        with open(path, "ab") as f:
            f.write(garbage(kind, intact))

        srv.start()
        assert path.read_bytes() == intact, "the torn tail was not cut off at start"
        assert snapshot(srv, ACCOUNTS[:1], REGIONS[:1]) == before

        # A write after the recovery lands behind the intact prefix and survives the next start.
        vpc = before[(ACCOUNTS[0], REGIONS[0])]["Vpcs"][0]["VpcId"]
        new = ec2_client(srv).create_security_group(GroupName="after-tear", Description="x", VpcId=vpc)["GroupId"]
        srv.kill()
        srv.start()
        groups = {g["GroupId"] for g in everything(ec2_client(srv), "describe_security_groups", "SecurityGroups")}
        assert new in groups
        assert {g["GroupId"] for g in before[(ACCOUNTS[0], REGIONS[0])]["SecurityGroups"]} <= groups
    finally:
        if srv.proc.poll() is None:
            srv.kill()


# ------------------------------------------------------------------------------ reset


def post_reset(server):
    req = urllib.request.Request(server.url + "/_ramparts/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def assert_fresh(state, reference):
    """Only what an untouched account gets lazily: the default VPC, its subnets and group."""
    assert all(v["IsDefault"] for v in state["Vpcs"]), state["Vpcs"]
    assert all(s.get("DefaultForAz") for s in state["Subnets"]), state["Subnets"]
    assert [g["GroupName"] for g in state["SecurityGroups"]] == ["default"] * len(state["SecurityGroups"])
    assert state["NetworkInterfaces"] == [] and state["Tags"] == []
    for key in state:
        assert len(state[key]) == len(reference[key]), key


def test_reset_is_durable(tmp_path):
    srv = durable_server(tmp_path)
    try:
        made = populate_all(srv)
        old_ids = created_ids(snapshot(srv))
        assert all(m["web"] in old_ids and m["eni"] in old_ids for m in made.values())
        post_reset(srv)
        srv.kill()  # the reset was acknowledged: it must survive even a kill -9

        srv.start()
        after = snapshot(srv)
        untouched = snapshot(srv, ("333333333333",), REGIONS)
        for (account, region), state in after.items():
            assert_fresh(state, untouched[("333333333333", region)])
        assert all_ids(after).isdisjoint(old_ids)

        # Writes after a reset replay on top of the reset, not on top of what came before it.
        vpc = after[(ACCOUNTS[0], REGIONS[0])]["Vpcs"][0]["VpcId"]
        new = ec2_client(srv).create_security_group(GroupName="post-reset", Description="x", VpcId=vpc)["GroupId"]
        srv.kill()
        srv.start()
        again = snapshot(srv)
        names = {g["GroupName"] for g in again[(ACCOUNTS[0], REGIONS[0])]["SecurityGroups"]}
        assert names == {"default", "post-reset"}
        assert new in all_ids(again)
        assert all_ids(again).isdisjoint(old_ids)
        assert again[(ACCOUNTS[0], REGIONS[0])]["Vpcs"] == after[(ACCOUNTS[0], REGIONS[0])]["Vpcs"]
    finally:
        if srv.proc.poll() is None:
            srv.kill()


# ------------------------------------------------------------------------------ snapshots


def records(path):
    """The JSON records of a log file, in order (the frames are checked like the server does)."""
    data, at, out = path.read_bytes(), 0, []
    while at + 8 <= len(data):
        n, crc = struct.unpack_from("<II", data, at)
        payload = data[at + 8:at + 8 + n]
        assert len(payload) == n and zlib.crc32(payload) == crc, f"bad frame at {at}"
        out.append(json.loads(payload))
        at += 8 + n
    assert at == len(data)
    return out


def post_snapshot(server):
    req = urllib.request.Request(server.url + "/_ramparts/snapshot", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return json.loads(r.read())


def share_and_organize(server):
    """State beyond EC2 that a snapshot must carry too: an organization, a RAM share, an IAM user."""
    mgmt = ACCOUNTS[0]
    org = boto3.client("organizations", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="apps")["OrganizationalUnit"]["Id"]
    request = org.create_account(Email="app@example.com", AccountName="app")["CreateAccountStatus"]["Id"]
    member = org.describe_create_account_status(CreateAccountRequestId=request)["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    ram = boto3.client("ram", endpoint_url=server.url, region_name=REGIONS[0],
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    ram.enable_sharing_with_aws_organization()
    c = ec2_client(server)
    vpc = c.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnet = c.create_subnet(VpcId=vpc, CidrBlock="10.90.1.0/24")["Subnet"]["SubnetId"]
    arn = f"arn:aws:ec2:{REGIONS[0]}:{mgmt}:subnet/{subnet}"
    ram.create_resource_share(name="net", resourceArns=[arn], principals=[member])
    iam = boto3.client("iam", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    iam.create_user(UserName="deployer")
    return member, subnet


def beyond_ec2(server, member, subnet):
    mgmt = ACCOUNTS[0]
    org = boto3.client("organizations", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    ram = boto3.client("ram", endpoint_url=server.url, region_name=REGIONS[0],
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    iam = boto3.client("iam", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=mgmt, aws_secret_access_key="s", config=CONFIG)
    seen_by_member = ec2_client(server, member).describe_subnets(SubnetIds=[subnet])["Subnets"]
    return {
        "accounts": sorted((a["Id"], a["Name"]) for a in org.list_accounts()["Accounts"]),
        "shares": [(s["name"], s["status"]) for s in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]],
        "users": [u["UserName"] for u in iam.list_users()["Users"]],
        "member_sees_subnet": [s["SubnetId"] for s in seen_by_member],
    }


def test_snapshot_replaces_the_log_and_a_restart_from_it_loses_nothing(tmp_path):
    srv = durable_server(tmp_path)
    try:
        populate_all(srv)
        member, subnet = share_and_organize(srv)
        before, extra = snapshot(srv), beyond_ec2(srv, member, subnet)
        assert extra["member_sees_subnet"] == [subnet] and extra["users"] == ["deployer"]
        assert len(records(log_path(srv))) > 50

        seq = post_snapshot(srv)["seq"]
        kinds = [next(iter(r)) for r in records(log_path(srv))]
        assert kinds == ["Snapshot"], kinds
        assert records(log_path(srv))[0]["Snapshot"]["seq"] == seq > 0

        # Writes after the snapshot go behind it; then kill -9.
        c = ec2_client(srv)
        vpc = before[(ACCOUNTS[0], REGIONS[0])]["Vpcs"][0]["VpcId"]
        late = c.create_security_group(GroupName="late", Description="x", VpcId=vpc)["GroupId"]
        srv.kill()
        assert [next(iter(r)) for r in records(log_path(srv))] == ["Snapshot", "Command"]

        srv.start()
        after = snapshot(srv)
        key = (ACCOUNTS[0], REGIONS[0])
        assert late in {g["GroupId"] for g in after[key]["SecurityGroups"]}
        after[key]["SecurityGroups"] = [g for g in after[key]["SecurityGroups"] if g["GroupId"] != late]
        after[key]["SecurityGroupRules"] = [r for r in after[key]["SecurityGroupRules"] if r["GroupId"] != late]
        assert after == before
        assert beyond_ec2(srv, member, subnet) == extra
        # Indexes rebuilt from the snapshot still answer: names stay unique, ids stay fresh.
        with pytest.raises(botocore.exceptions.ClientError) as e:
            ec2_client(srv).create_security_group(GroupName="late", Description="x", VpcId=vpc)
        assert e.value.response["Error"]["Code"] == "InvalidGroup.Duplicate"
        fresh = ec2_client(srv).create_security_group(GroupName="fresh", Description="x", VpcId=vpc)["GroupId"]
        assert fresh not in all_ids(before) | {late}
    finally:
        if srv.proc.poll() is None:
            srv.kill()


def test_the_log_is_compacted_by_itself_once_it_outgrows_its_snapshot(tmp_path):
    srv = Server(tmp_path, ephemeral=False, extra=["--compact-log-at", "8K"]).start()
    try:
        populate_all(srv)
        logged = records(log_path(srv))
        assert next(iter(logged[0])) == "Snapshot", "no compaction happened"
        snapshot_size = len(json.dumps(logged[0]))
        # What follows the snapshot is less than the bound that would have compacted it again.
        tail = sum(len(json.dumps(r)) for r in logged[1:])
        assert tail < max(8 * 1024, snapshot_size) * 1.1
        before = snapshot(srv)
        srv.kill()
        srv.start()
        assert snapshot(srv) == before
    finally:
        if srv.proc.poll() is None:
            srv.kill()


def test_reset_leaves_a_log_of_one_record(tmp_path):
    srv = durable_server(tmp_path)
    try:
        populate(srv, 40, ACCOUNTS[0], REGIONS[0])
        post_reset(srv)
        assert [next(iter(r)) for r in records(log_path(srv))] == ["Genesis"]
    finally:
        if srv.proc.poll() is None:
            srv.kill()
