"""Property: on random multi-account topologies (accounts of one organization, VPCs with a
subnet shared through RAM, groups whose rules name CIDRs and other groups, ACL entries in
rule order, custom route tables, peerings with and without their routes), what ramparts'
analyzer answers for every ordered pair of interfaces, both protocols and sampled ports is
what a brute-force evaluator says. The evaluator is written here, independently: it reads
the state through the describe APIs and sends single packets — one destination port, every
source port that can make a difference — through groups, ACLs and route tables."""

import ipaddress
import json
import random
import urllib.error
import urllib.parse
import urllib.request

import pytest

from helpers import new_members

M = "111111111111"
PORT_RANGES = [(22, 22), (443, 443), (1000, 2000), (0, 65535), (1024, 65535)]
SAMPLED_PORTS = [22, 443, 1500, 8080]


def build(aws, seed):
    """A random topology; returns the clients of the accounts involved."""
    rnd = random.Random(seed)
    org = aws("organizations", M)
    org.create_organization(FeatureSet="ALL")
    a, b = new_members(org, "alpha", "beta")
    aws("ram", M).enable_sharing_with_aws_organization()
    ec2 = {a: aws("ec2", a), b: aws("ec2", b)}
    owners = [a, a, b]
    vpcs, subnets, groups = [], [], []
    for n, owner in enumerate(owners):
        e = ec2[owner]
        cidr = f"10.{10 + n}.0.0/16"
        vpc = e.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        vpcs.append({"id": vpc, "owner": owner, "cidr": cidr})
        for k in (1, 2):
            sub_cidr = f"10.{10 + n}.{k}.0/24"
            s = e.create_subnet(VpcId=vpc, CidrBlock=sub_cidr)["Subnet"]["SubnetId"]
            subnets.append({"id": s, "vpc": vpc, "owner": owner, "cidr": sub_cidr, "n": n})
        for k in (1, 2):
            g = e.create_security_group(GroupName=f"g{n}{k}", Description="g", VpcId=vpc)["GroupId"]
            groups.append({"id": g, "vpc": vpc, "owner": owner, "n": n})
    # The first VPC's first subnet is shared with beta, which puts a group and an interface there.
    aws("ram", a).create_resource_share(
        name="net", principals=[b], resourceArns=[f"arn:aws:ec2:us-east-1:{a}:subnet/{subnets[0]['id']}"])
    g = ec2[b].create_security_group(GroupName="guest", Description="g", VpcId=vpcs[0]["id"])["GroupId"]
    groups.append({"id": g, "vpc": vpcs[0]["id"], "owner": b, "n": 0})

    # Peerings, each with routes in none, one or both directions.
    peerings = []
    for x, y in [(0, 1), (0, 2), (1, 2)]:
        if rnd.random() < 0.3:
            continue
        vx, vy = vpcs[x], vpcs[y]
        pcx = ec2[vx["owner"]].create_vpc_peering_connection(
            VpcId=vx["id"], PeerVpcId=vy["id"], PeerOwnerId=vy["owner"])["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2[vy["owner"]].accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        peerings.append((x, y, pcx))

    # Route tables: some subnets get their own; peer routes land on random tables.
    tables = {}
    for v in vpcs:
        e = ec2[v["owner"]]
        [main] = e.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v["id"]]}])["RouteTables"]
        tables[v["id"]] = [main["RouteTableId"]]
    for s in subnets:
        if rnd.random() < 0.4:
            e = ec2[s["owner"]]
            t = e.create_route_table(VpcId=s["vpc"])["RouteTable"]["RouteTableId"]
            e.associate_route_table(RouteTableId=t, SubnetId=s["id"])
            tables[s["vpc"]].append(t)
    for x, y, pcx in peerings:
        for here, there in ((x, y), (y, x)):
            v = vpcs[here]
            for t in tables[v["id"]]:
                if rnd.random() < 0.7:
                    wide = rnd.random() < 0.3
                    dest = vpcs[there]["cidr"] if not wide else f"10.{10 + there}.0.0/17"
                    ec2[v["owner"]].create_route(RouteTableId=t, DestinationCidrBlock=dest, VpcPeeringConnectionId=pcx)

    # Group rules: CIDRs or other groups (in the VPC or a peered one), random protocols and ports.
    def peer_groups(g):
        n = g["n"]
        near = [o for o in groups if o["vpc"] == g["vpc"]]
        far = [(o, pcx) for (x, y, pcx) in peerings for o in groups
               if (x == n and o["n"] == y) or (y == n and o["n"] == x)]
        return near, far

    for g in groups:
        e = ec2[g["owner"]]
        if rnd.random() < 0.35:
            e.revoke_security_group_egress(GroupId=g["id"], IpPermissions=[
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        for egress in (False, True):
            for _ in range(rnd.randint(0, 3)):
                proto = rnd.choice(["tcp", "udp", "-1"])
                perm = {"IpProtocol": proto}
                if proto != "-1":
                    lo, hi = rnd.choice(PORT_RANGES)
                    perm.update(FromPort=lo, ToPort=hi)
                near, far = peer_groups(g)
                kind = rnd.random()
                if kind < 0.25 and near:
                    other = rnd.choice(near)
                    perm["UserIdGroupPairs"] = [{"GroupId": other["id"], "UserId": other["owner"]}]
                elif kind < 0.4 and far:
                    other, pcx = rnd.choice(far)
                    perm["UserIdGroupPairs"] = [{"GroupId": other["id"], "UserId": other["owner"],
                                                 "VpcPeeringConnectionId": pcx}]
                else:
                    cidr = rnd.choice(["0.0.0.0/0", "10.0.0.0/8", rnd.choice(vpcs)["cidr"], rnd.choice(subnets)["cidr"]])
                    perm["IpRanges"] = [{"CidrIp": cidr}]
                call = e.authorize_security_group_egress if egress else e.authorize_security_group_ingress
                try:
                    call(GroupId=g["id"], IpPermissions=[perm])
                except e.exceptions.ClientError:
                    pass  # a duplicate, or a reference AWS refuses: the topology simply lacks it

    # ACLs: numbered entries on the default ACL, and sometimes a custom ACL on a subnet.
    for v in vpcs:
        e = ec2[v["owner"]]
        [acl] = e.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [v["id"]]},
                                                 {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
        targets = [acl["NetworkAclId"]]
        for s in [s for s in subnets if s["vpc"] == v["id"]]:
            if rnd.random() < 0.3:
                custom = e.create_network_acl(VpcId=v["id"])["NetworkAcl"]["NetworkAclId"]
                [assoc] = [x for x in e.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s["id"]]}])[
                    "NetworkAcls"][0]["Associations"] if x["SubnetId"] == s["id"]]
                e.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=custom)
                targets.append(custom)
        for acl_id in targets:
            numbers = rnd.sample(range(10, 100, 5), rnd.randint(0, 5))
            for number in numbers:
                proto = rnd.choice(["6", "17", "-1"])
                entry = dict(NetworkAclId=acl_id, RuleNumber=number, Protocol=proto,
                             RuleAction=rnd.choice(["allow", "deny"]), Egress=rnd.random() < 0.5,
                             CidrBlock=rnd.choice(["0.0.0.0/0", "10.0.0.0/8", rnd.choice(subnets)["cidr"]]))
                if proto != "-1":
                    lo, hi = rnd.choice(PORT_RANGES)
                    entry["PortRange"] = {"From": lo, "To": hi}
                e.create_network_acl_entry(**entry)

    # Interfaces: one per subnet by its owner, and beta's in the shared subnet.
    for s in subnets:
        own = [g["id"] for g in groups if g["vpc"] == s["vpc"] and g["owner"] == s["owner"]]
        ec2[s["owner"]].create_network_interface(SubnetId=s["id"], Groups=rnd.sample(own, rnd.randint(1, len(own))))
    guest = [g["id"] for g in groups if g["owner"] == b and g["vpc"] == vpcs[0]["id"]]
    ec2[b].create_network_interface(SubnetId=subnets[0]["id"], Groups=guest)
    return list(ec2.values())


class State:
    """What the describe APIs say, from every account's point of view, merged."""

    def __init__(self, clients):
        self.enis, self.groups, self.acls, self.tables, self.peerings, self.vpcs, self.subnets = {}, {}, {}, {}, {}, {}, {}
        for e in clients:
            for x in e.describe_network_interfaces()["NetworkInterfaces"]:
                self.enis[x["NetworkInterfaceId"]] = x
            for x in e.describe_security_groups()["SecurityGroups"]:
                self.groups[x["GroupId"]] = x
            for x in e.describe_network_acls()["NetworkAcls"]:
                self.acls[x["NetworkAclId"]] = x
            for x in e.describe_route_tables()["RouteTables"]:
                self.tables[x["RouteTableId"]] = x
            for x in e.describe_vpc_peering_connections()["VpcPeeringConnections"]:
                self.peerings[x["VpcPeeringConnectionId"]] = x
            for x in e.describe_vpcs()["Vpcs"]:
                self.vpcs[x["VpcId"]] = x
            for x in e.describe_subnets()["Subnets"]:
                self.subnets[x["SubnetId"]] = x

    def table_of(self, subnet_id):
        vpc = self.subnets[subnet_id]["VpcId"]
        for t in self.tables.values():
            if any(a.get("SubnetId") == subnet_id for a in t["Associations"]):
                return t
        return next(t for t in self.tables.values() if t["VpcId"] == vpc and any(a.get("Main") for a in t["Associations"]))

    def acl_of(self, subnet_id):
        return next(a for a in self.acls.values() if any(x["SubnetId"] == subnet_id for x in a["Associations"]))


def ip(x):
    return ipaddress.ip_address(x)


def in_net(addr, cidr):
    return ip(addr) in ipaddress.ip_network(cidr)


def group_allows(st, eni, egress, proto, port, remote_ip, remote_eni):
    for g in eni["Groups"]:
        sg = st.groups[g["GroupId"]]
        for perm in sg["IpPermissionsEgress" if egress else "IpPermissions"]:
            p = perm["IpProtocol"]
            if p != "-1" and p != proto:
                continue
            if p != "-1" and not (perm["FromPort"] <= port <= perm["ToPort"]):
                continue
            if any(in_net(remote_ip, r["CidrIp"]) for r in perm.get("IpRanges", [])):
                return True
            if remote_eni and any(pair["GroupId"] in [x["GroupId"] for x in remote_eni["Groups"]]
                                  for pair in perm.get("UserIdGroupPairs", [])):
                return True
    return False


def acl_allows(st, subnet_id, egress, proto, port, remote_ip):
    number = {"tcp": "6", "udp": "17"}[proto]
    for e in sorted(st.acl_of(subnet_id)["Entries"], key=lambda e: e["RuleNumber"]):
        if e["Egress"] != egress or "CidrBlock" not in e or not in_net(remote_ip, e["CidrBlock"]):
            continue
        if e["Protocol"] not in ("-1", number):
            continue
        if e["Protocol"] != "-1" and "PortRange" in e and not (e["PortRange"]["From"] <= port <= e["PortRange"]["To"]):
            continue
        return e["RuleAction"] == "allow"
    return False


def route(st, subnet_id, to_ip):
    """The target of the best route (longest prefix) and whether it is active."""
    best = None
    for r in st.table_of(subnet_id)["Routes"]:
        cidr = r.get("DestinationCidrBlock")
        if not cidr or not in_net(to_ip, cidr):
            continue
        length = ipaddress.ip_network(cidr).prefixlen
        if best is None or length > best[0]:
            best = (length, r.get("GatewayId") or r.get("VpcPeeringConnectionId"), r["State"] == "active")
    return best[1:] if best else (None, False)


def reachable(st, src, dst, proto, dport, sport):
    s_ip, d_ip = src["PrivateIpAddress"], dst["PrivateIpAddress"]
    s_sub, d_sub = src["SubnetId"], dst["SubnetId"]
    target, active = route(st, s_sub, d_ip)
    if target is None or not active:
        return False
    if target == "local":
        if dst["VpcId"] != src["VpcId"]:
            return False
    else:
        pcx = st.peerings[target]
        ends = {pcx["RequesterVpcInfo"]["VpcId"], pcx["AccepterVpcInfo"]["VpcId"]}
        if dst["VpcId"] not in ends or dst["VpcId"] == src["VpcId"]:
            return False
        if not in_net(d_ip, st.vpcs[dst["VpcId"]]["CidrBlock"]):
            return False
        back, back_active = route(st, d_sub, s_ip)
        if back != target or not back_active:
            return False
    crosses = s_sub != d_sub
    return (group_allows(st, src, True, proto, dport, d_ip, dst)
            and (not crosses or acl_allows(st, s_sub, True, proto, dport, d_ip))
            and (not crosses or acl_allows(st, d_sub, False, proto, dport, s_ip))
            and group_allows(st, dst, False, proto, dport, s_ip, src)
            and (not crosses or acl_allows(st, d_sub, True, proto, sport, s_ip))
            and (not crosses or acl_allows(st, s_sub, False, proto, sport, d_ip)))


def source_ports(st):
    """Every source port that can change an ACL's decision: each rule's bounds and their neighbours."""
    ports = {0, 65535}
    for acl in st.acls.values():
        for e in acl["Entries"]:
            if "PortRange" in e:
                for p in (e["PortRange"]["From"], e["PortRange"]["To"]):
                    ports.update(x for x in (p - 1, p, p + 1) if 0 <= x <= 65535)
    return sorted(ports)


def ask(server, src, dst, proto, port):
    query = urllib.parse.urlencode({"source": src, "destination": dst, "protocol": proto, "port": port})
    with urllib.request.urlopen(f"{server.url}/_ramparts/reach?{query}", timeout=10) as r:
        [answer] = json.load(r)["results"]
    return answer


@pytest.mark.parametrize("seed", range(24))
def test_the_analyzer_agrees_with_a_brute_force_evaluator(aws, server, seed):
    clients = build(aws, seed)
    st = State(clients)
    sports = source_ports(st)
    enis = sorted(st.enis.values(), key=lambda e: e["NetworkInterfaceId"])
    assert len(enis) == 7
    disagreements, found = [], 0
    for src in enis:
        for dst in enis:
            if src is dst:
                continue
            for proto in ("tcp", "udp"):
                for port in SAMPLED_PORTS:
                    expected = any(reachable(st, src, dst, proto, port, sp) for sp in sports)
                    answer = ask(server, src["NetworkInterfaceId"], dst["NetworkInterfaceId"], proto, port)
                    found += expected
                    if answer["reachable"] != expected:
                        disagreements.append((answer["line"], expected))
    assert disagreements == [], f"seed {seed}: " + "\n".join(f"{l} (brute force: {e})" for l, e in disagreements[:10])
    # The matrix of each account finds exactly the pairs the brute force finds.
    for account in {e["OwnerId"] for e in enis}:
        query = urllib.parse.urlencode({"all": account, "protocol": "tcp", "port": 443})
        with urllib.request.urlopen(f"{server.url}/_ramparts/reach?{query}", timeout=30) as r:
            matrix = json.load(r)
        members = [e for e in enis if e["OwnerId"] == account]
        expected = {(a["NetworkInterfaceId"], b["NetworkInterfaceId"]) for a in members for b in members
                    if a is not b and any(reachable(st, a, b, "tcp", 443, sp) for sp in sports)}
        assert {(x["source"], x["destination"]) for x in matrix["results"]} == expected
        assert matrix["pairs"] == len(members) * (len(members) - 1) and matrix["reachable"] == len(expected)
    # Not all-or-nothing: every topology leaves some pairs unreachable (most leave some reachable).
    assert found < len(enis) * (len(enis) - 1) * 2 * len(SAMPLED_PORTS)


@pytest.mark.parametrize("query", [
    "source=eni-0123456789abcdef0&destination=eni-0123456789abcdef1&port=443",
    "source=%00%ff&destination=&protocol=tcp",
    "source=igw-1&destination_ip=not-an-ip",
    "source=eni-1&destination=eni-2&port=70000",
    "source=eni-1&destination=eni-2&port=9-3",
    "source=eni-1&destination=eni-2&protocol=icmp",
    "all=&port=all",
    "all=vpc-0123456789abcdef0&protocol=udp&port=53",
    "",
])
def test_reach_endpoint_answers_bad_questions_without_failing(server, query):
    """Unknown ids, bad addresses, ports and protocols: a 200 with the explanation, or a 400
    naming the problem; never a 5xx."""
    try:
        with urllib.request.urlopen(f"{server.url}/_ramparts/reach?{query}", timeout=10) as r:
            status, body = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        status, body = e.code, json.load(e)
    assert status in (200, 400), (status, body)
    assert ("results" in body) if status == 200 else ("error" in body)


@pytest.mark.parametrize("body", [b"not = [toml", b"[[convention]]\nresource = 3\n", b"\xff\xfe", b"unknown_key = 1\n"])
def test_audit_endpoint_refuses_bad_settings(server, body):
    req = urllib.request.Request(f"{server.url}/_ramparts/audit", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400 and "audit settings" in json.load(e.value)["error"]
