"""Hostile input over raw HTTP: ramparts must never answer 5xx (other than 501 NotImplemented for
an operation the service models), never reset or hang a connection, and frame every refusal in the
error envelope of the protocol the request was routed to (spec §1.1–§1.6).

Everything is deterministic: one seeded generator, a fixed request count, socket timeouts."""

import http.client
import json
import random
import socket
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import defaultdict

import botocore.session
import pytest

from conftest import Server

SEED = 20261128
FUZZ_REQUESTS = 4000
TIMEOUT = 15  # seconds per request; a timeout counts as a hang

EC2_VERSION, IAM_VERSION, STS_VERSION = "2016-11-15", "2010-05-08", "2011-06-15"
ORG_PREFIX = "AWSOrganizationsV20161128"
NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
ACCOUNT = "111111111111"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
MAX_BODY = 4 << 20

_MODELS = botocore.session.get_session()
OPS = {s: set(_MODELS.get_service_model(s).operation_names) for s in ("ec2", "iam", "sts", "organizations", "ram")}
RAM_ROUTES = {}
for _op in sorted(OPS["ram"]):
    _http = _MODELS.get_service_model("ram").operation_model(_op).http
    RAM_ROUTES[(_http["method"], _http["requestUri"].split("?")[0])] = _op


def authorization(service, account=ACCOUNT, region="us-east-1"):
    return (
        f"AWS4-HMAC-SHA256 Credential={account}/20261128/{region}/{service}/aws4_request, "
        f"SignedHeaders=content-type;host;x-amz-date, Signature={SIGNATURE}"
    )


# ------------------------------------------------------------------------------------ oracle

def _form_pairs(raw: bytes):
    return urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                  errors="replace") if raw else []


def _form(raw: bytes):
    """(key, value) pairs decoded the way a form decoder does (lossy UTF-8)."""
    # parse_qsl on latin-1 text would decode %xx as UTF-8 but raw high bytes as latin-1; the
    # routing keys we care about (Action, Version) are ASCII, so that difference does not matter.
    return _form_pairs(raw)


def signing_service(headers):
    """The credential-scope service of a well-formed SigV4 Authorization header, else None."""
    value = headers.get("Authorization")
    if not isinstance(value, str) or not value.startswith("AWS4-HMAC-SHA256"):
        return None
    parts = {}
    for part in value[len("AWS4-HMAC-SHA256"):].split(","):
        part = part.strip()
        for name in ("Credential=", "SignedHeaders=", "Signature="):
            if part.startswith(name):
                parts[name] = part[len(name):]
    if len(parts) != 3:
        return None
    scope = parts["Credential="].split("/")
    if len(scope) != 5:
        return None
    akid, _date, region, service, term = scope
    if not (akid and len(akid) <= 128 and akid.isascii() and akid.isalnum()):
        return None
    if not (region and len(region) <= 32 and all(c.islower() or c.isdigit() or c == "-" for c in region)
            and region.isascii()):
        return None
    if term != "aws4_request" or service not in ("ec2", "iam", "sts", "ram", "organizations"):
        return None
    return service


def route(method, path, headers, body, with_body=True):
    """Which protocol's envelope the answer must use (spec §1.1); None = not identifiable."""
    target = headers.get("X-Amz-Target")
    if isinstance(target, str) and target.startswith(ORG_PREFIX):
        return "organizations"
    bare, _, query = path.partition("?")
    if (method, bare) in RAM_ROUTES:
        return "ram"
    signed = signing_service(headers)
    if signed:
        return signed
    version = None
    if with_body:
        version = next((v for k, v in _form(body) if k == "Version"), None)
    if version is None:
        version = next((v for k, v in _form(query.encode()) if k == "Version"), None)
    return {EC2_VERSION: "ec2", IAM_VERSION: "iam", STS_VERSION: "sts"}.get(version)


def operation(service, method, path, headers, body):
    """The operation name the request asks for, as the service would read it."""
    if service == "organizations":
        target = headers.get("X-Amz-Target", "")
        return target[len(ORG_PREFIX) + 1:] if target.startswith(ORG_PREFIX + ".") else ""
    if service == "ram":
        return RAM_ROUTES.get((method, path.partition("?")[0]))
    source = body if body else path.partition("?")[2].encode()
    actions = [v for k, v in _form(source) if k == "Action"]
    return actions[-1] if actions else None


def _local(tag):
    return tag.split("}", 1)[-1]


def envelope(service, body: bytes):
    """(error code, problems) for an error body that must be `service`'s error envelope."""
    if service == "ec2":
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return None, [f"ec2 error body is not well-formed XML: {e}"]
        code = root.findtext("./Errors/Error/Code")
        problems = []
        if root.tag != "Response":
            problems.append(f"ec2 error root is <{root.tag}>, not <Response>")
        if not code:
            problems.append("ec2 error has no Response/Errors/Error/Code")
        if root.find("./Errors/Error/Message") is None:
            problems.append("ec2 error has no Message")
        if not root.findtext("./RequestID"):
            problems.append("ec2 error has no RequestID")
        return code, problems
    if service in ("iam", "sts"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return None, [f"{service} error body is not well-formed XML: {e}"]
        ns = NAMESPACES[service]
        q = lambda path: "/".join(f"{{{ns}}}{p}" for p in path.split("/"))  # noqa: E731
        problems = []
        if root.tag != f"{{{ns}}}ErrorResponse":
            problems.append(f"{service} error root is <{root.tag}>, not <ErrorResponse xmlns={ns}>")
        code = root.findtext("./" + q("Error/Code"))
        if not code:
            problems.append(f"{service} error has no ErrorResponse/Error/Code")
        if root.findtext("./" + q("Error/Type")) not in ("Sender", "Receiver"):
            problems.append(f"{service} error Type is not Sender/Receiver")
        if not root.findtext("./" + q("RequestId")):
            problems.append(f"{service} error has no RequestId")
        return code, problems
    # awsJson1_1 (Organizations) and restJson1 (RAM)
    try:
        doc = json.loads(body)
    except ValueError as e:
        return None, [f"{service} error body is not JSON: {e}"]
    if not isinstance(doc, dict) or not isinstance(doc.get("__type"), str) or not doc["__type"]:
        return None, [f"{service} error body has no __type"]
    member = "Message" if service == "organizations" else "message"
    problems = [] if isinstance(doc.get(member), str) else [f"{service} error has no '{member}' member"]
    return doc["__type"], problems


def any_envelope(body):
    """For a request no service can be read from: any protocol's error envelope will do."""
    results = [envelope(s, body) for s in ("ec2", "iam", "sts", "organizations", "ram")]
    for code, problems in results:
        if not problems:
            return code, []
    return None, ["error body is no protocol's error envelope"]


def well_formed_success(service, body):
    try:
        if service in ("ec2", "iam", "sts"):
            root = ET.fromstring(body)
            if not _local(root.tag).endswith("Response"):
                return [f"{service} success root <{root.tag}> is not <...Response>"]
        elif service in ("organizations", "ram"):
            if not isinstance(json.loads(body), dict):
                return [f"{service} success body is not a JSON object"]
    except (ET.ParseError, ValueError) as e:
        return [f"{service} success body is not well-formed: {e}"]
    return []


def judge(method, path, headers, body, status, rbody, oversize=False):
    """Problems with one exchange, each a short category string."""
    service = route(method, path, headers, body, with_body=not oversize)
    if status >= 500 and status != 501:
        return [f"HTTP {status}"]
    if status < 200 or (300 <= status < 400):
        return [f"unexpected HTTP {status}"]
    if method == "HEAD":
        return []
    if status == 200:
        return well_formed_success(service, rbody) if service else []
    code, problems = envelope(service, rbody) if service else any_envelope(rbody)
    if status == 501:
        if code != "NotImplemented":
            problems.append(f"501 with code {code!r}, not NotImplemented")
        op = operation(service, method, path, headers, body) if service else None
        if service is None or op not in OPS.get(service, ()):
            problems.append(f"501 for an operation the {service} model does not have: {op!r}")
    return problems


# ------------------------------------------------------------------------------------ client

class Raw:
    """One keep-alive connection to 127.0.0.1 that reconnects after the server closes it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def send(self, method, path, headers, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
            data = r.read()
        except BaseException:
            self.close()
            raise
        if r.will_close:
            self.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def raw_exchange(port, data: bytes, timeout=TIMEOUT):
    """Send raw bytes, half-close, read until the server closes. Returns what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before reading everything we send
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break  # after an early answer to a body it did not read, a reset is fair
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(raw: bytes):
    if not raw.startswith(b"HTTP/1."):
        return None
    return int(raw.split(b" ", 2)[1])


def body_of(raw: bytes):
    head, _, body = raw.partition(b"\r\n\r\n")
    return body


def alive(server):
    with urllib.request.urlopen(server.url + "/_ramparts/health", timeout=5) as r:
        return r.status == 200


# ------------------------------------------------------------------------------------ fixture

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("hostile")).start()
    yield s
    running = s.proc.poll() is None
    if running:
        s.stop()
    assert running, f"ramparts died during the hostile tests: {s.log.read_text()[-3000:]}"
    assert "panicked" not in s.log.read_text(), s.log.read_text()[-3000:]


def ec2(port, body: bytes, auth="ec2", extra=None):
    headers = {"Content-Type": FORM}
    if auth:
        headers["Authorization"] = authorization(auth)
    headers.update(extra or {})
    return Raw(port).send("POST", "/", headers, body)


def make_fixtures(port):
    """A VPC, subnet, security group and ENI to aim valid-looking requests at."""
    c = Raw(port)
    h = {"Content-Type": FORM, "Authorization": authorization("ec2")}

    def call(params):
        status, _, body = c.send("POST", "/", h, urllib.parse.urlencode(params).encode())
        assert status == 200, body
        return ET.fromstring(body)

    ns = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
    vpc = call({"Action": "CreateVpc", "Version": EC2_VERSION, "CidrBlock": "10.9.0.0/16"}).findtext(f".//{ns}vpcId")
    subnet = call({"Action": "CreateSubnet", "Version": EC2_VERSION, "VpcId": vpc,
                   "CidrBlock": "10.9.1.0/24"}).findtext(f".//{ns}subnetId")
    sg = call({"Action": "CreateSecurityGroup", "Version": EC2_VERSION, "GroupName": "fuzz-target",
               "GroupDescription": "fuzz", "VpcId": vpc}).findtext(f".//{ns}groupId")
    rule = call({"Action": "AuthorizeSecurityGroupIngress", "Version": EC2_VERSION, "GroupId": sg,
                 "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "443",
                 "IpPermissions.1.ToPort": "443", "IpPermissions.1.IpRanges.1.CidrIp": "10.0.0.0/8"}
                ).findtext(f".//{ns}securityGroupRuleId")
    eni = call({"Action": "CreateNetworkInterface", "Version": EC2_VERSION, "SubnetId": subnet,
                "SecurityGroupId.1": sg}).findtext(f".//{ns}networkInterfaceId")
    c.close()
    assert all((vpc, subnet, sg, rule, eni))
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "rule": rule, "eni": eni}


# ------------------------------------------------------------------------------------ targeted

TARGETED = [
    # (name, auth service or None, body, expected status, expected code)
    ("ec2 without Authorization", None, b"Action=DescribeVpcs&Version=2016-11-15", 401, "AuthFailure"),
    ("unknown ec2 action", "ec2", b"Action=DescribeUnicorns&Version=2016-11-15", 400, "InvalidAction"),
    ("MaxResults=abc", "ec2", b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=abc", 400,
     "InvalidParameterValue"),
    ("MaxResults below 5", "ec2", b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=4", 400,
     "InvalidParameterValue"),
    ("unknown filter name", "ec2",
     b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=bogus&Filter.1.Value.1=x", 400,
     "InvalidParameterValue"),
    ("DryRun on a describe", "ec2", b"Action=DescribeVpcs&Version=2016-11-15&DryRun=true", 412,
     "DryRunOperation"),
    ("DryRun not a boolean", "ec2", b"Action=DescribeVpcs&Version=2016-11-15&DryRun=maybe", 400,
     "InvalidParameterValue"),
    ("list index 0", "ec2", b"Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.0=sg-1", 400,
     "InvalidParameterValue"),
    ("list index -1", "ec2", b"Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.-1=sg-1", 400,
     "InvalidParameterValue"),
    ("list index beyond u64", "ec2",
     b"Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.18446744073709551616=sg-1", 400,
     "InvalidParameterValue"),
    ("missing Action", "ec2", b"Version=2016-11-15", 400, None),
    ("malformed group id", "ec2", b"Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=nope", 400,
     None),
    ("iam without Authorization", None, b"Action=ListRoles&Version=2010-05-08", 403, None),
    ("sts without Authorization", None, b"Action=GetCallerIdentity&Version=2011-06-15", 403, None),
    # An echoed control character must not make the error body ill-formed XML.
    ("control character echoed in an error", "ec2", b"Action=Bogus%01&Version=2016-11-15", 400,
     "InvalidAction"),
    ("NUL echoed in a filter error", "ec2",
     b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=a%00b&Filter.1.Value.1=x", 400,
     "InvalidParameterValue"),
]


@pytest.mark.parametrize("name,auth,body,status,code", TARGETED, ids=[t[0] for t in TARGETED])
def test_targeted_query_protocol(hostile, name, auth, body, status, code):
    got, headers, rbody = ec2(hostile.port, body, auth=auth)
    service = route("POST", "/", {"Authorization": authorization(auth)} if auth else {}, body)
    assert got == status, rbody
    found, problems = envelope(service, rbody)
    assert problems == [], (problems, rbody)
    if code:
        assert found == code, rbody


JSON_TARGETED = [
    # (name, method, path, target, body, status, code)
    ("organizations invalid JSON", "POST", "/", "ListRoots", b'{"MaxResults": ', 400, "SerializationException"),
    ("organizations array body", "POST", "/", "ListRoots", b"[1, 2]", 400, "SerializationException"),
    ("organizations deep array", "POST", "/", "ListRoots", b"[" * 100_000, 400, "SerializationException"),
    ("organizations unknown operation", "POST", "/", "ListUnicorns", b"{}", 400, "UnknownOperationException"),
    ("organizations wrong member type", "POST", "/", "DescribeAccount", b'{"AccountId": 5}', 400, None),
    ("ram invalid JSON", "POST", "/getresourceshares", None, b'{"resourceOwner": SELF}', 400, None),
    ("ram deep array", "POST", "/createresourceshare", None, b"[" * 100_000, 400, None),
    ("ram array body", "POST", "/getresourceshares", None, b"[]", 400, None),
]


@pytest.mark.parametrize("name,method,path,target,body,status,code", JSON_TARGETED,
                         ids=[t[0] for t in JSON_TARGETED])
def test_targeted_json_protocols(hostile, name, method, path, target, body, status, code):
    service = "organizations" if target else "ram"
    headers = {"Authorization": authorization(service)}
    if target:
        headers["X-Amz-Target"] = f"{ORG_PREFIX}.{target}"
        headers["Content-Type"] = "application/x-amz-json-1.1"
    else:
        headers["Content-Type"] = "application/json"
    got, rheaders, rbody = Raw(hostile.port).send(method, path, headers, body)
    assert got == status, rbody
    found, problems = envelope(service, rbody)
    assert problems == [], (problems, rbody)
    if code:
        assert found == code, rbody


def test_unimplemented_operations_answer_501_not_implemented(hostile):
    """An operation the service models but ramparts lacks: 501 in the protocol's envelope (or an
    answer, once it is implemented) — never the 'unknown operation' error."""
    cases = [
        ("ec2", "POST", "/", {"Content-Type": FORM}, b"Action=DescribeImages&Version=2016-11-15"),
        ("organizations", "POST", "/", {"X-Amz-Target": f"{ORG_PREFIX}.ListHandshakesForAccount",
                                         "Content-Type": "application/x-amz-json-1.1"}, b"{}"),
        ("ram", "POST", "/listpermissionversions", {"Content-Type": "application/json"},
         b'{"permissionArn": "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionSubnet"}'),
    ]
    for service, method, path, headers, body in cases:
        headers = dict(headers, Authorization=authorization(service))
        status, _, rbody = Raw(hostile.port).send(method, path, headers, body)
        assert status in (200, 501), (service, status, rbody)
        if status == 501:
            code, problems = envelope(service, rbody)
            assert problems == [] and code == "NotImplemented", (service, rbody)


@pytest.mark.parametrize("kind", ["ec2", "iam", "organizations", "ram", "unsigned"])
def test_body_over_the_limit_is_refused(hostile, kind):
    """5 MB is over the limit: a 4xx (413) in the envelope the headers route to, and no reset
    before the answer. Sent with a raw socket since the server may answer before reading it all."""
    body = b"Action=DescribeVpcs&Version=2016-11-15&X=" + b"a" * (5 << 20)
    path, headers = "/", {"Content-Type": FORM}
    if kind in ("ec2", "iam"):
        headers["Authorization"] = authorization(kind)
    elif kind == "organizations":
        headers.update({"X-Amz-Target": f"{ORG_PREFIX}.ListRoots", "Authorization": authorization(kind)})
    elif kind == "ram":
        path = "/createresourceshare"
        headers["Authorization"] = authorization(kind)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{hostile.port}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "Connection: close\r\n\r\n"
    raw = raw_exchange(hostile.port, head.encode() + body)
    status = status_of(raw)
    assert status is not None, f"no HTTP answer at all: {raw[:200]!r}"
    assert 400 <= status < 500, raw[:500]
    problems = judge("POST", path, headers, body, status, body_of(raw), oversize=True)
    assert problems == [], (problems, raw[:500])
    assert alive(hostile)


RAW_HTTP = [
    b"GARBAGE\r\n\r\n",
    bytes(range(256)) * 8,
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=Describe",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nAuthorization: "
    + authorization("ec2").encode() + b"\r\n\r\n" + b"".join(b"100000\r\n" + b"a" * 0x100000 + b"\r\n"
                                                           for _ in range(5)) + b"0\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00" * 64,
    b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 \xff\xfe\x00\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"\r\n\r\n\r\n",
    b"GET /?Action=DescribeVpcs&Version=2016-11-15 HTTP/1.0\r\n\r\n",
]


def test_malformed_http_framing(hostile):
    """Broken HTTP itself: answered (never 5xx) or closed, never hung; the server stays up."""
    for data in RAW_HTTP:
        try:
            raw = raw_exchange(hostile.port, data, timeout=10)
        except socket.timeout:
            pytest.fail(f"hung on raw request {data[:120]!r}")
        status = status_of(raw)
        assert status is None or status < 500, (data[:120], raw[:300])
        assert alive(hostile), data[:120]


# ------------------------------------------------------------------------------------ fuzz

NASTY_VALUES = [
    b"%zz", b"%", b"%4", b"%%41", b"%ff%fe%fd", b"\xff\xfe", b"\xc0\xaf", b"%C0%AF", b"%ED%A0%80",
    b"%00", b"%01abc", b"%1b%5b31m", b"", b"+++", b"-1", b"0", b"99999999999999999999", b"abc",
    b"1.5", b"1e3", b"NaN", b"-0", b"0x10", b"%2B1", b"%201", b"9223372036854775808",
    b"-9223372036854775809", b"2147483648", b"true", b"TRUE", b"null", b"%3Cscript%3E", b"%5D%5D%3E",
    b"%26amp%3B", b"%27%20OR%201%3D1", b"sg-", b"sg-zzzz", b"vpc-" + b"f" * 1000, b"10.0.0.0%2F33",
    b"%3A%3A%2F0", b"256.1.1.1%2F8", b"%2F", b"0.0.0.0%2F0", b"%F0%9F%92%A5" * 50, b"%E2%80%AE",
    b"tag%3Aname", b"*", b"%3F%3F%3F", b"arn%3Aaws%3Aec2", b"eyJhIjoxfQ%3D%3D", b"%7B%7D",
]
ABSURD_INDEXES = [b"99999999999", b"0", b"-1", b"18446744073709551616", b"+1", b"01", b"", b"%201",
                  b"1.5", b"a", b"4294967296", b"99999999999999999999999999", b"%00"]
UNKNOWN_ACTIONS = [b"DescribeUnicorns", b"", b"describevpcs", b"%20DescribeVpcs", b"Describe%00Vpcs",
                   b"DescribeImages", b"RunScheduledInstances", b"ListRoles", b"AssumeRole",
                   b"A" * 5000, b"%ff%fe", b"Action"]


def ec2_templates(f):
    t = []
    add = lambda action, *pairs: t.append(("ec2", [("Action", action), ("Version", EC2_VERSION)] + list(pairs)))  # noqa: E731
    add("DescribeVpcs", ("VpcId.1", f["vpc"]), ("Filter.1.Name", "cidr"), ("Filter.1.Value.1", "10.9.0.0/16"),
        ("MaxResults", "5"))
    add("DescribeSubnets", ("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", f["vpc"]))
    add("DescribeSecurityGroups", ("GroupId.1", f["sg"]), ("Filter.1.Name", "group-name"),
        ("Filter.1.Value.1", "fuzz*"))
    add("DescribeSecurityGroupRules", ("Filter.1.Name", "group-id"), ("Filter.1.Value.1", f["sg"]),
        ("MaxResults", "10"), ("NextToken", "abc"))
    add("CreateSecurityGroup", ("GroupName", "fz"), ("GroupDescription", "d"), ("VpcId", f["vpc"]),
        ("TagSpecification.1.ResourceType", "security-group"), ("TagSpecification.1.Tag.1.Key", "k"),
        ("TagSpecification.1.Tag.1.Value", "v"))
    add("AuthorizeSecurityGroupIngress", ("GroupId", f["sg"]), ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "22"), ("IpPermissions.1.ToPort", "22"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "192.168.0.0/16"), ("IpPermissions.1.IpRanges.1.Description", "d"))
    add("AuthorizeSecurityGroupEgress", ("GroupId", f["sg"]), ("IpPermissions.1.IpProtocol", "-1"),
        ("IpPermissions.1.Groups.1.GroupId", f["sg"]), ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"))
    add("RevokeSecurityGroupIngress", ("GroupId", f["sg"]), ("SecurityGroupRuleId.1", "sgr-0123456789abcdef0"))
    add("ModifySecurityGroupRules", ("GroupId", f["sg"]), ("SecurityGroupRule.1.SecurityGroupRuleId", f["rule"]),
        ("SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "tcp"),
        ("SecurityGroupRule.1.SecurityGroupRule.FromPort", "443"),
        ("SecurityGroupRule.1.SecurityGroupRule.ToPort", "443"),
        ("SecurityGroupRule.1.SecurityGroupRule.CidrIpv4", "10.0.0.0/8"))
    add("UpdateSecurityGroupRuleDescriptionsIngress", ("GroupId", f["sg"]),
        ("SecurityGroupRuleDescription.1.SecurityGroupRuleId", f["rule"]),
        ("SecurityGroupRuleDescription.1.Description", "new"))
    add("CreateTags", ("ResourceId.1", f["sg"]), ("Tag.1.Key", "k"), ("Tag.1.Value", "v"))
    add("DeleteTags", ("ResourceId.1", f["sg"]), ("Tag.1.Key", "gone"))
    add("DescribeTags", ("Filter.1.Name", "resource-id"), ("Filter.1.Value.1", f["sg"]))
    add("CreateVpc", ("CidrBlock", "10.20.0.0/16"))
    add("CreateSubnet", ("VpcId", f["vpc"]), ("CidrBlock", "10.9.200.0/24"), ("AvailabilityZone", "us-east-1a"))
    add("CreateNetworkInterface", ("SubnetId", f["subnet"]), ("SecurityGroupId.1", f["sg"]), ("Description", "d"))
    add("DescribeNetworkInterfaces", ("Filter.1.Name", "group-id"), ("Filter.1.Value.1", f["sg"]))
    add("ModifyNetworkInterfaceAttribute", ("NetworkInterfaceId", f["eni"]), ("Description.Value", "x"))
    add("DescribeNetworkInterfaceAttribute", ("NetworkInterfaceId", f["eni"]), ("Attribute", "description"))
    add("DeleteSecurityGroup", ("GroupId", "sg-0123456789abcdef0"))
    add("RunInstances", ("ImageId", "ami-12345678"), ("MinCount", "1"), ("MaxCount", "1"),
        ("SubnetId", f["subnet"]), ("SecurityGroupId.1", f["sg"]))
    add("DescribeInstances", ("InstanceId.1", "i-0123456789abcdef0"))
    add("TerminateInstances", ("InstanceId.1", "i-0123456789abcdef0"))
    add("DescribeStaleSecurityGroups", ("VpcId", f["vpc"]), ("MaxResults", "5"))
    add("DescribeSecurityGroupReferences", ("GroupId.1", f["sg"]))
    add("CreateVpcPeeringConnection", ("VpcId", f["vpc"]), ("PeerVpcId", "vpc-0123456789abcdef0"),
        ("PeerOwnerId", "222222222222"))
    add("CreateManagedPrefixList", ("PrefixListName", "pl"), ("MaxEntries", "5"), ("AddressFamily", "IPv4"),
        ("Entry.1.Cidr", "10.0.0.0/8"))
    add("AssociateSecurityGroupVpc", ("GroupId", f["sg"]), ("VpcId", "vpc-0123456789abcdef0"))
    add("GetSecurityGroupsForVpc", ("VpcId", f["vpc"]), ("MaxResults", "5"))
    add("DescribeAvailabilityZones", ("ZoneName.1", "us-east-1a"))
    add("DescribeRegions", ("RegionName.1", "us-east-1"))
    add("DescribeAccountAttributes", ("AttributeName.1", "supported-platforms"))
    add("ModifyVpcAttribute", ("VpcId", f["vpc"]), ("EnableDnsHostnames.Value", "true"))
    add("DescribeImages", ("Owner.1", "self"))
    t.append(("iam", [("Action", "ListRoles"), ("Version", IAM_VERSION), ("MaxItems", "5")]))
    t.append(("iam", [("Action", "GetRole"), ("Version", IAM_VERSION), ("RoleName", "r")]))
    t.append(("iam", [("Action", "CreateRole"), ("Version", IAM_VERSION), ("RoleName", "r"),
                      ("AssumeRolePolicyDocument", '{"Version":"2012-10-17","Statement":[]}'),
                      ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v")]))
    t.append(("sts", [("Action", "GetCallerIdentity"), ("Version", STS_VERSION)]))
    t.append(("sts", [("Action", "AssumeRole"), ("Version", STS_VERSION),
                      ("RoleArn", "arn:aws:iam::222222222222:role/r"), ("RoleSessionName", "s")]))
    return t


def encode_pairs(pairs):
    return b"&".join(_b(k) if v is None else _b(k) + b"=" + _b(v) for k, v in pairs)


def _b(x):
    return x if isinstance(x, bytes) else urllib.parse.quote(x, safe="").encode()


def mutate_pairs(rng, pairs):
    """One (sometimes two) hostile edits of a parameter list. Keys and values become raw wire
    bytes (already percent-encoded where they were text)."""
    pairs = [(_b(k), v if v is None else _b(v)) for k, v in pairs]
    choice = rng.randrange(16)
    if choice == 0:  # a nasty value for some parameter
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], rng.choice(NASTY_VALUES))
    elif choice == 1:  # absurd list index in an existing key
        idx = [i for i, (k, _) in enumerate(pairs) if any(p.isdigit() for p in k.split(b"."))]
        if idx:
            i = rng.choice(idx)
            parts = pairs[i][0].split(b".")
            digits = [j for j, p in enumerate(parts) if p.isdigit()]
            parts[rng.choice(digits)] = rng.choice(ABSURD_INDEXES)
            pairs[i] = (b".".join(parts), pairs[i][1])
        else:
            pairs.append((b"GroupId." + rng.choice(ABSURD_INDEXES), b"sg-1"))
    elif choice == 2:  # absurd lists added
        n = rng.choice(ABSURD_INDEXES)
        pairs += [(b"Filter." + n + b".Name", b"vpc-id"), (b"Filter." + n + b".Value." + n, b"x"),
                  (b"GroupId." + n, b"sg-1"), (b"IpPermissions." + n + b".IpProtocol", b"tcp")]
    elif choice == 3:  # very deep or very long keys
        depth = rng.choice([10, 11, 12, 13, 50, 500, 5000])
        prefix = rng.choice([b"Filter", b"IpPermissions", b"TagSpecification", b"X"])
        pairs.append((prefix + b".1" * depth, b"x"))
        if rng.random() < 0.3:
            pairs.append((b"K" * rng.choice([511, 512, 513, 10_000, 200_000]), b"v"))
    elif choice == 4:  # thousands of parameters
        n = rng.choice([1000, 5000, 19_999, 20_001, 30_000])
        kind = rng.randrange(4)
        if kind == 0:
            pairs += [(b"GroupId.%d" % i, b"sg-%017x" % i) for i in range(1, n + 1)]
        elif kind == 1:
            pairs += [(b"Filter.%d.Name" % i, b"vpc-id") for i in range(1, n + 1)]
        elif kind == 2:
            pairs += [(b"Filter.1.Value.%d" % i, b"v%d" % i) for i in range(1, n + 1)]
        else:
            pairs += [(b"P%d" % i, b"") for i in range(n)]
    elif choice == 5:  # huge value
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], b"a" * rng.choice([100_000, 1_000_000, 3_000_000]))
    elif choice == 6:  # no Action / no Version
        drop = rng.choice([(b"Action",), (b"Version",), (b"Action", b"Version")])
        pairs = [(k, v) for k, v in pairs if k not in drop]
    elif choice == 7:  # unknown action
        pairs = [(k, rng.choice(UNKNOWN_ACTIONS) if k == b"Action" else v) for k, v in pairs]
    elif choice == 8:  # wrong types
        key = rng.choice([b"MaxResults", b"DryRun", b"IpPermissions.1.FromPort", b"MinCount", b"MaxEntries",
                          b"EnableDnsHostnames.Value", b"MaxItems", b"DurationSeconds"])
        pairs.append((key, rng.choice([b"abc", b"-5", b"1.5", b"99999999999999999999", b"", b"%00",
                                       b"yes", b"1e10"])))
    elif choice == 9:  # duplicate a parameter with another value
        i = rng.randrange(len(pairs))
        pairs.insert(rng.randrange(len(pairs) + 1), (pairs[i][0], rng.choice(NASTY_VALUES)))
    elif choice == 10:  # bare keys and empty pieces
        pairs.insert(rng.randrange(len(pairs) + 1),
                     (rng.choice([b"", b"=", b"==", b"&&", b"Action", b"%"]), None))
    elif choice == 11:  # invalid UTF-8 / control bytes / stray dots in keys
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0] + rng.choice([b"\xff", b"%ff", b"%00", b"%zz", b".", b"..", b"%2E"]),
                    pairs[i][1])
    elif choice == 12:  # wrong API version
        pairs = [(k, rng.choice([b"2016-11-16", b"", b"2010-05-08", b"x" * 100]) if k == b"Version" else v)
                 for k, v in pairs]
    elif choice == 13:
        rng.shuffle(pairs)
    elif choice == 14:  # control characters (that may get echoed in messages)
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], b"x%" + rng.choice([b"00", b"01", b"07", b"0b", b"1b", b"1f", b"7f"]) + b"y")
    else:  # two mutations
        pairs = mutate_pairs(rng, mutate_pairs(rng, pairs))
    return pairs


AUTH_VARIANTS = [
    # (weight, builder(service) -> header value or None)
    (60, lambda s: authorization(s)),
    (4, lambda s: None),
    (3, lambda s: "Bearer abc"),
    (3, lambda s: "AWS4-HMAC-SHA256"),
    (3, lambda s: f"AWS4-HMAC-SHA256 Credential={ACCOUNT}/20261128/us-east-1/{s}/aws4_request"),
    (3, lambda s: f"AWS4-HMAC-SHA256 Credential={ACCOUNT}/us-east-1/{s}/aws4_request, SignedHeaders=host, Signature=00"),
    (3, lambda s: authorization(s, account="AKIAIOSFODNN7EXAMPLE")),
    (3, lambda s: authorization(s, account="999999999999", region="eu-west-1")),
    (2, lambda s: authorization(s, account="0" * 129)),
    (2, lambda s: authorization(s, region="US-EAST-1")),
    (2, lambda s: authorization(s, region="x" * 40)),
    (2, lambda s: authorization("s3")),
    (2, lambda s: authorization(s).replace("aws4_request", "aws5_request")),
    (2, lambda s: "AWS4-HMAC-SHA256 Credential=" + "/" * 5000 + ", SignedHeaders=, Signature="),
    (2, lambda s: authorization(s) + ", Credential=x"),
    (2, lambda s: "AWS4-HMAC-SHA256 " + "," * 10_000),
    (2, lambda s: b"AWS4-HMAC-SHA256 Credential=\xff\xfe/20261128/us-east-1/ec2/aws4_request, SignedHeaders=x, Signature=y"),
    (1, lambda s: "A" * 60_000),
]
_AUTH_WEIGHTS = [w for w, _ in AUTH_VARIANTS]

CONTENT_TYPES = [FORM] * 12 + [None, "application/json", "text/plain", "multipart/form-data; boundary=x",
                               "application/x-www-form-urlencoded; charset=latin-1", "\u00e9/\u00e9"]


def choose_auth(rng, service):
    builder = rng.choices(AUTH_VARIANTS, weights=_AUTH_WEIGHTS)[0][1]
    return builder(service)


def query_request(rng, templates):
    service, pairs = rng.choice(templates)
    pairs = mutate_pairs(rng, pairs) if rng.random() < 0.9 else pairs
    body = encode_pairs(pairs)
    r = rng.random()
    if r < 0.03:
        body = b""
    elif r < 0.07:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
    elif r < 0.10:
        body = body[: rng.randrange(len(body) + 1)]
    elif r < 0.12:
        body = json.dumps({"Action": "DescribeVpcs", "Version": EC2_VERSION}).encode()
    headers = {}
    auth = choose_auth(rng, service)
    if auth is not None:
        headers["Authorization"] = auth
    ct = rng.choice(CONTENT_TYPES)
    if ct is not None:
        headers["Content-Type"] = ct.encode("utf-8") if not ct.isascii() else ct
    method, path = "POST", "/"
    if rng.random() < 0.08 and len(body) < 6000 and all(0x21 <= b < 0x7F and b != 0x23 for b in body):
        method, path, body = rng.choice(["GET", "POST"]), "/?" + body.decode(), b""
    return method, path, headers, body


ORG_BODIES = [b"{}", b'{"AccountId": "111111111111"}', b'{"MaxResults": 5}', b'{"NextToken": "x"}',
              b'{"Email": "a@example.com", "AccountName": "x"}', b'{"ParentId": "r-abcd", "MaxResults": 20}',
              b'{"PolicyId": "p-12345678", "TargetId": "111111111111"}']
RAM_BODIES = [b"{}", b'{"name": "share", "resourceArns": ["arn:aws:ec2:us-east-1:111111111111:subnet/subnet-1"], '
              b'"principals": ["222222222222"], "allowExternalPrincipals": true, '
              b'"tags": [{"key": "k", "value": "v"}]}', b'{"resourceOwner": "SELF", "maxResults": 5}',
              b'{"resourceShareArn": "arn:aws:ram:us-east-1:111111111111:resource-share/x"}']


def json_mutation(rng, body):
    choice = rng.randrange(24)
    if choice == 0:
        return body[: rng.randrange(len(body))]  # truncated: invalid JSON
    if choice == 1:
        return rng.choice([b"[]", b"[1,2]", b'"str"', b"1", b"null", b"true", b"-0"])
    if choice == 2:
        return b"[" * rng.choice([129, 1000, 100_000])
    if choice == 3:
        return b'{"a":' * rng.choice([129, 1000, 100_000])
    if choice == 4:
        n = rng.choice([10, 100, 127, 200])
        return b"[" * n + b"]" * n
    if choice == 5:
        n = rng.choice([10, 100, 126, 200])
        return b'{"a":' * n + b"1" + b"}" * n
    if choice == 6:
        return b'{"a": "' + b"x" * rng.choice([100_000, 3_000_000]) + b'"}'
    if choice == 7:
        n = rng.choice([1000, 100_000])
        return b"{" + b",".join(b'"k%d": %d' % (i, i) for i in range(n)) + b"}"
    if choice == 8:
        return rng.choice([b'{"MaxResults": 1e999999}', b'{"maxResults": 123456789012345678901234567890}',
                           b'{"MaxResults": -1}', b'{"maxResults": 1.5}', b'{"MaxResults": "abc"}',
                           b'{"maxResults": 0}', b'{"MaxResults": 1e308}', b'{"maxResults": -9223372036854775809}'])
    if choice == 9:
        return b'{"AccountId": "1", "AccountId": "2", "name": "a", "name": "b"}'
    if choice == 10:
        return rng.choice([b'{"AccountId": "\\ud800"}', b'{"name": "\\udfff\\ud800"}', b'{"name": "\\u0000"}',
                           b'{"name": "\\uZZZZ"}'])
    if choice == 11:
        return b'{"AccountId": "\xff\xfe"}'
    if choice == 12:
        return b"{\x00}"
    if choice == 13:
        return b"\xef\xbb\xbf" + body
    if choice == 14:
        return body + rng.choice([b" x", b"{}", b"]", b"\x00"])
    if choice == 15:
        return rng.choice([b"", b"   \n\t", b"\n"])
    if choice == 16:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    if choice == 17:
        return rng.choice([b'{"AccountId": ["x"]}', b'{"AccountId": null}', b'{"AccountId": {"a": 1}}',
                           b'{"Tags": [{"Key": 1}]}', b'{"Tags": "x"}', b'{"tags": [null]}',
                           b'{"resourceArns": "x"}', b'{"principals": [1, 2]}', b'{"name": 5}',
                           b'{"allowExternalPrincipals": "yes"}', b'{"resourceArns": [' + b'"a",' * 5000 + b'"a"]}'])
    if choice == 18:
        return b'{"a":' + b"[" * 200 + b"]" * 200 + b"}"
    if choice == 19:
        return b'{"name": "' + b"\\\\" * 50_000 + b'"}'
    if choice == 20:
        return rng.choice([b"{'a': 1}", b"{a: 1}", b'{"a": 1,}', b'{"a" 1}', b"{,}", b"NaN", b"Infinity"])
    return body


def org_request(rng):
    ops = sorted(OPS["organizations"])
    target = rng.choices(
        [f"{ORG_PREFIX}.{rng.choice(ops)}", f"{ORG_PREFIX}.ListRoots", f"{ORG_PREFIX}.Bogus", ORG_PREFIX,
         f"{ORG_PREFIX}.", f"{ORG_PREFIX}..ListRoots", f"{ORG_PREFIX}.ListRoots.Extra",
         f"{ORG_PREFIX}X.ListRoots", f"{ORG_PREFIX}." + "A" * 5000, f"{ORG_PREFIX}.%00",
         f"{ORG_PREFIX}.listroots"],
        weights=[30, 15, 3, 2, 2, 2, 2, 2, 1, 1, 2])[0]
    body = rng.choice(ORG_BODIES)
    if rng.random() < 0.8:
        body = json_mutation(rng, body)
    headers = {"X-Amz-Target": target,
               "Content-Type": rng.choice(["application/x-amz-json-1.1"] * 5 + ["application/json", "text/plain"])}
    auth = choose_auth(rng, "organizations")
    if auth is not None:
        headers["Authorization"] = auth
    method = rng.choices(["POST", "GET", "PUT"], weights=[18, 1, 1])[0]
    path = rng.choices(["/", "/x", "/?a=%zz"], weights=[18, 1, 1])[0]
    return method, path, headers, body


def ram_request(rng):
    (method, path) = rng.choice(sorted(RAM_ROUTES))
    if method == "DELETE" or rng.random() < 0.2:
        path += "?" + rng.choice(["resourceShareArn=arn%3Aaws%3Aram%3Aus-east-1%3A111111111111%3Aresource-share%2Fx",
                                  "resourceShareArn=%zz&clientToken=%", "permissionArn=&permissionVersion=abc",
                                  "permissionVersion=99999999999999999999", "resourceShareArn=" + "a" * 10_000,
                                  "a=1&a=2&a=3", "%ff%fe=%00", "&&&="])
    if rng.random() < 0.05:
        method = rng.choice(["GET", "PUT", "PATCH", "DELETE", "POST"])
    if rng.random() < 0.05:
        path = path.upper() if rng.random() < 0.5 else path + "/"
    body = rng.choice(RAM_BODIES)
    if rng.random() < 0.8:
        body = json_mutation(rng, body)
    headers = {"Content-Type": rng.choice(["application/json"] * 5 + [None, "text/plain"])}
    if headers["Content-Type"] is None:
        del headers["Content-Type"]
    auth = choose_auth(rng, "ram")
    if auth is not None:
        headers["Authorization"] = auth
    return method, path, headers, body


ODD_PATHS = ["/", "//", "/%00", "/%zz", "/..%2F..%2Fetc%2Fpasswd", "/a/b/c?x=%", "/" + "a" * 10_000,
             "/createresourceshare/", "/CREATERESOURCESHARE", "/?Action=DescribeVpcs&Version=2016-11-15",
             "/?Action=DescribeVpcs", "/?Version=2010-05-08", "/_ramparts/nope", "/_ramparts",
             "/%E2%80%AE", "/?X-Amz-Credential=111111111111%2F20261128%2Fus-east-1%2Fec2%2Faws4_request"
             "&Action=DescribeVpcs&Version=2016-11-15", "/?X-Amz-Credential=%zz&Action=DescribeVpcs",
             "/index.html", "/favicon.ico", "/ /", "/?" + "&".join(f"p{i}=v" for i in range(3000))]


def odd_request(rng):
    method = rng.choice(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST", "TRACE", "FOO"])
    path = urllib.parse.quote(rng.choice(ODD_PATHS), safe="/?&=%.:")
    headers = {}
    svc = rng.choice(["ec2", "iam", "sts", "ram", "organizations", None])
    if svc:
        auth = choose_auth(rng, svc)
        if auth is not None:
            headers["Authorization"] = auth
    body = rng.choice([b"", b"", b"Action=DescribeVpcs&Version=2016-11-15", b"{}", b"\x00\xff"])
    return method, path, headers, body


def describe(body: bytes, limit=400):
    return repr(body[:limit]) + (f"... ({len(body)} bytes)" if len(body) > limit else "")


def test_fuzz_every_protocol(hostile):
    port = hostile.port
    fixtures = make_fixtures(port)
    templates = ec2_templates(fixtures)
    rng = random.Random(SEED)
    client = Raw(port)
    failures = defaultdict(list)
    statuses = defaultdict(int)
    started = time.monotonic()
    for n in range(FUZZ_REQUESTS):
        kind = rng.choices(["query", "org", "ram", "odd"], weights=[55, 18, 18, 9])[0]
        method, path, headers, body = {"query": lambda: query_request(rng, templates),
                                       "org": lambda: org_request(rng), "ram": lambda: ram_request(rng),
                                       "odd": lambda: odd_request(rng)}[kind]()
        try:
            status, rheaders, rbody = client.send(method, path, headers, body)
        except (OSError, http.client.HTTPException) as e:
            failures[f"connection: {type(e).__name__}"].append((n, method, path, headers, body, None, repr(e)))
            if sum(len(v) for v in failures.values()) > 20 or not alive(hostile):
                break
            continue
        statuses[status] += 1
        for problem in judge(method, path, headers, body, status, rbody):
            failures[problem.split(":")[0]].append((n, method, path, headers, body, status, rbody))
    elapsed = time.monotonic() - started
    client.close()

    # The server is alive and still answers a valid request, with the state it had.
    assert alive(hostile)
    status, _, rbody = ec2(port, b"Action=DescribeVpcs&Version=2016-11-15&VpcId.1=" + fixtures["vpc"].encode())
    assert status == 200 and fixtures["vpc"].encode() in rbody, rbody

    if failures:
        report = [f"{sum(len(v) for v in failures.values())} bad exchanges of {FUZZ_REQUESTS} "
                  f"(seed {SEED}, {elapsed:.1f}s, statuses {dict(statuses)}):"]
        for problem, cases in sorted(failures.items(), key=lambda kv: -len(kv[1])):
            report.append(f"== {problem}: {len(cases)}x")
            for n, method, path, headers, body, status, rbody in cases[:3]:
                report.append(f"  #{n} {method} {path[:200]} headers={ {k: (v[:150] if v else v) for k, v in headers.items()} }")
                report.append(f"     body={describe(body)}")
                report.append(f"     -> {status} {describe(rbody if isinstance(rbody, bytes) else str(rbody).encode())}")
        pytest.fail("\n".join(report))
    # Enough variety actually reached the services (guards against a generator that only makes noise).
    assert statuses[200] > 100 and sum(v for k, v in statuses.items() if 400 <= k < 500) > 1000, dict(statuses)
