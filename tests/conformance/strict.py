"""A strict, botocore-model-driven checker for AWS response bodies.

Why it exists: botocore's response parsers are forgiving.  They look up the names the model
expects and silently ignore everything else, so an emulator that writes ``<vpcID>`` instead of
``<vpcId>``, ``<member>`` instead of ``<item>``, ``True`` instead of ``true`` or a timestamp as an
ISO string in a JSON protocol still "works" in a quick boto3 test, and then breaks a stricter
client (the Go SDK behind Terraform, the Rust SDK) or loses data without anybody noticing.

This module walks the response *as sent* and explains every element / key it finds with the
service model.  Anything that cannot be explained is reported.

    check_body("ec2", "DescribeVpcs", raw_bytes)  ->  ["/DescribeVpcsResponse/vpcSet/item[0]: ...", ...]

An empty list means the body is clean.  Only success bodies are checked (errors have their own
envelopes).  Protocols: ``ec2``, ``query``, ``json`` and ``rest-json``.

What is reported
  * XML root element other than ``<{Operation}>Response``, or a wrong XML namespace.
  * ec2: a missing / repeated ``<requestId>``; for operations without a modelled output, anything
    except ``<requestId>`` and ``<return>``.
  * query: a missing / misnamed ``<{Operation}Result>`` wrapper, a missing or malformed
    ``<ResponseMetadata><RequestId>``, anything else beside them.
  * Element or key names that no model member maps to (with a "did you mean" hint when only the
    letter case differs, or when a close spelling exists).
  * List items with the wrong tag (``item`` for ec2, ``member`` for query by default).
  * Map entries that are not ``<entry><key/><value/></entry>`` (names from the model).
  * A non-list element that occurs twice in the same parent (botocore would turn it into a list).
  * Text where a structure or list is expected, child elements where a scalar is expected.
  * Scalar literals botocore would misread: booleans other than ``true``/``false``, integers that
    are not plain decimal integers or overflow their width, floats that do not parse, timestamps
    in the wrong format (ISO-8601 in XML, epoch seconds in JSON unless the model says otherwise),
    blobs that are not base64.
  * Enum values that the model does not list.
  * Required members that are absent.
  * JSON: wrong JSON types, ``null`` values, more or fewer than one member of a tagged union.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import math
import re
import xml.etree.ElementTree as ET
from functools import lru_cache

import botocore.session

__all__ = ["check_body"]

SUPPORTED_PROTOCOLS = ("ec2", "query", "json", "rest-json")

_ISO8601 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$"
)
_RFC822 = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} GMT$"
)
_DECIMAL_INT = re.compile(r"^-?\d+$")
_INT_BOUNDS = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
_NON_FINITE = {"NaN", "Infinity", "-Infinity"}

# Values AWS answers that botocore's model does not list. Each entry names its evidence.
MODEL_ERRATA = {
    # IAM returns "Policy" for a user's or role's boundary (the API reference: "can only have a
    # value of Policy"; awsdocs/iam-user-guide#82 shows a real GetRole); the model's enum says
    # PermissionsBoundaryPolicy.
    ("PermissionsBoundaryAttachmentType", "Policy"),
    # EC2 reports an attached internet gateway's attachment as "available" (the
    # InternetGatewayAttachment member documentation, the aws CLI's examples, and the Terraform
    # provider's attach waiter all say so); the shared AttachmentStatus enum does not list it.
    ("AttachmentStatus", "available"),
    # A NAT gateway's interface is of type "nat_gateway" on the wire (the aws CLI's examples, and
    # the interface-type filter's documented values); the model's enum spells it natGateway.
    ("NetworkInterfaceType", "nat_gateway"),
    # Gateway and interface endpoints report their state in lower case (the aws CLI's examples,
    # the Terraform provider's waiters); the model's State enum is capitalised.
    ("State", "pending"),
    ("State", "available"),
}


@lru_cache(maxsize=None)
def _service(service_name):
    return botocore.session.get_session().get_service_model(service_name)


def check_body(service, operation, body_bytes) -> list[str]:
    """Return every problem found in a success response body (empty list = clean)."""
    model = _service(service)
    protocol = model.protocol
    op = model.operation_model(operation)
    if isinstance(body_bytes, str):
        body_bytes = body_bytes.encode("utf-8")
    if protocol in ("ec2", "query"):
        walker = _XmlWalker(model, op, protocol)
    elif protocol in ("json", "rest-json"):
        walker = _JsonWalker(model, op, protocol)
    else:
        return [f"protocol {protocol!r} is not supported by the strict checker"]
    walker.run(body_bytes)
    return walker.problems


# --------------------------------------------------------------------------------------------
# shared helpers


def _suggest(name, candidates):
    """Hint for an unknown name: same name in another letter case, else a close spelling."""
    folded = [c for c in candidates if c.lower() == name.lower()]
    if folded:
        return folded[0]
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return close[0] if close else None


def _body_members(shape):
    """Members of a structure that travel in the body (not headers, status code, URI, query)."""
    return {
        name: member
        for name, member in shape.members.items()
        if not member.serialization.get("location") and not member.serialization.get("eventheader")
    }


class _Walker:
    def __init__(self, model, op, protocol):
        self.model = model
        self.op = op
        self.protocol = protocol
        self.problems: list[str] = []

    def report(self, path, message):
        self.problems.append(f"{path}: {message}")

    # Scalars arrive as text (XML) or as decoded JSON values.  Each checker returns nothing and
    # reports through `self.report`.
    def check_enum(self, shape, value, path):
        allowed = shape.enum
        if (shape.name, value) in MODEL_ERRATA:
            return
        if allowed and isinstance(value, str) and value not in allowed:
            shown = ", ".join(allowed[:12]) + (", …" if len(allowed) > 12 else "")
            self.report(path, f"value {value!r} is not in enum {shape.name} ({shown})")

    def timestamp_format(self, shape, default):
        return shape.serialization.get("timestampFormat") or default

    def check_timestamp_text(self, shape, text, path, fmt):
        if fmt == "iso8601":
            if not _ISO8601.match(text):
                self.report(path, f"timestamp {text!r} is not ISO-8601 (e.g. 2024-05-01T12:00:00.000Z)")
        elif fmt == "rfc822":
            if not _RFC822.match(text):
                self.report(path, f"timestamp {text!r} is not RFC-822 (e.g. Wed, 01 May 2024 12:00:00 GMT)")
        elif fmt == "unixTimestamp":
            try:
                float(text)
            except ValueError:
                self.report(path, f"timestamp {text!r} is not epoch seconds")

    def check_base64(self, text, path):
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            self.report(path, f"blob {text[:40]!r} is not valid base64")


# --------------------------------------------------------------------------------------------
# XML protocols: ec2 and query


def _local(tag):
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def _namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else None


def _xml_member_name(member_name, shape):
    """The element name botocore looks for (see BaseXMLResponseParser._member_key_name)."""
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        item_name = shape.member.serialization.get("name")
        if item_name:
            return item_name
    return shape.serialization.get("name") or member_name


def _is_flattened(shape):
    return shape.type_name in ("list", "map") and bool(shape.serialization.get("flattened"))


class _XmlWalker(_Walker):
    def run(self, body):
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            self.report("/", f"body is not well-formed XML ({exc})")
            return
        want_root = f"{self.op.name}Response"
        root_name = _local(root.tag)
        if root_name != want_root:
            self.report("/", f"root element is <{root_name}>, expected <{want_root}>")
        path = f"/{root_name}"
        self.check_namespace(root, path)
        self.check_attributes(root, path)
        if self.protocol == "ec2":
            self.ec2_envelope(root, path)
        else:
            self.query_envelope(root, path)

    def check_namespace(self, root, path):
        expected = self.model.metadata.get("xmlNamespace")
        if self.protocol == "ec2" and not expected:
            expected = f"http://ec2.amazonaws.com/doc/{self.model.api_version}/"
        got = _namespace(root.tag)
        if expected and got is not None and got.rstrip("/") != expected.rstrip("/"):
            self.report(path, f"xmlns is {got!r}, expected {expected!r}")

    def check_attributes(self, node, path):
        for attr in node.attrib:
            self.report(path, f"unexpected XML attribute {_local(attr)!r}")

    # --- envelopes

    def ec2_envelope(self, root, path):
        request_ids = [c for c in root if _local(c.tag) == "requestId"]
        if not request_ids:
            self.report(path, "missing <requestId>")
        elif len(request_ids) > 1:
            self.report(path, "<requestId> occurs more than once")
        for rid in request_ids:
            if len(rid) or not (rid.text or "").strip():
                self.report(f"{path}/requestId", "requestId must be non-empty text")
        output = self.op.output_shape
        if output is None:
            # AWS answers operations without a modelled output with <return>true</return>.
            seen_return = False
            for child in root:
                name = _local(child.tag)
                if name == "requestId":
                    continue
                if name == "return" and not seen_return:
                    seen_return = True
                    if child.text not in ("true", "false") or len(child):
                        self.report(f"{path}/return", f"bad boolean literal {child.text!r}")
                    continue
                self.report(path, f"unexpected element <{name}> (operation has no modelled output)")
            return
        self.structure(output, root, path, allowed_extra={"requestId"})

    def query_envelope(self, root, path):
        output = self.op.output_shape
        wrapper = output.serialization.get("resultWrapper") if output is not None else None
        counts = {}
        for child in root:
            counts[_local(child.tag)] = counts.get(_local(child.tag), 0) + 1
        for name, n in counts.items():
            if name not in {"ResponseMetadata", wrapper} - {None}:
                hint = _suggest(name, [w for w in (wrapper, "ResponseMetadata") if w])
                extra = f" (did you mean <{hint}>?)" if hint else ""
                self.report(path, f"unexpected element <{name}>{extra}")
            elif n > 1:
                self.report(path, f"<{name}> occurs {n} times")
        # ResponseMetadata/RequestId
        meta = next((c for c in root if _local(c.tag) == "ResponseMetadata"), None)
        if meta is None:
            self.report(path, "missing <ResponseMetadata>")
        else:
            mpath = f"{path}/ResponseMetadata"
            names = [_local(c.tag) for c in meta]
            if names.count("RequestId") != 1:
                self.report(mpath, "expected exactly one <RequestId>")
            for c in meta:
                if _local(c.tag) != "RequestId":
                    self.report(mpath, f"unexpected element <{_local(c.tag)}>")
                elif len(c) or not (c.text or "").strip():
                    self.report(f"{mpath}/RequestId", "RequestId must be non-empty text")
        if output is None:
            return
        if wrapper is None:
            # No wrapper in the model: members sit directly under the root.
            self.structure(output, root, path, allowed_extra={"ResponseMetadata"})
            return
        result = next((c for c in root if _local(c.tag) == wrapper), None)
        if result is None:
            self.report(path, f"missing result wrapper <{wrapper}>")
            return
        self.structure(output, result, f"{path}/{wrapper}")

    # --- shapes

    def value(self, shape, node, path):
        kind = shape.type_name
        self.check_attributes(node, path)
        if kind == "structure":
            self.structure(shape, node, path)
        elif kind == "list":
            self.list(shape, [c for c in node], path, node)
        elif kind == "map":
            self.map(shape, [c for c in node], path, node)
        else:
            if len(node):
                self.report(path, f"{kind} value has child elements <{_local(node[0].tag)}>…")
                return
            self.scalar(shape, node.text or "", path)

    def no_text(self, node, path, what):
        if node is not None and (node.text or "").strip():
            self.report(path, f"unexpected text {node.text.strip()[:40]!r} inside {what}")
        for child in list(node) if node is not None else []:
            if (child.tail or "").strip():
                self.report(path, f"unexpected text {child.tail.strip()[:40]!r} inside {what}")

    def structure(self, shape, node, path, allowed_extra=frozenset()):
        self.no_text(node, path, f"structure {shape.name}")
        if shape.is_document_type:
            return
        members = _body_members(shape)
        by_element = {}
        for member_name, member in members.items():
            if member.serialization.get("xmlAttribute"):
                continue
            by_element[_xml_member_name(member_name, member)] = (member_name, member)
        grouped: dict[str, list] = {}
        for child in node:
            name = _local(child.tag)
            if name in allowed_extra:
                continue
            if name not in by_element:
                hint = _suggest(name, by_element)
                extra = f" (did you mean <{hint}>?)" if hint else ""
                self.report(path, f"unknown element <{name}> in {shape.name}{extra}")
                continue
            grouped.setdefault(name, []).append(child)
        present_members = set()
        for name, nodes in grouped.items():
            member_name, member = by_element[name]
            present_members.add(member_name)
            child_path = f"{path}/{name}"
            if _is_flattened(member):
                if member.type_name == "list":
                    self.list(member, nodes, child_path, None)
                else:
                    self.map(member, nodes, child_path, None)
                continue
            if len(nodes) > 1:
                self.report(path, f"<{name}> occurs {len(nodes)} times but {member_name} is not a list")
            for n in nodes:
                self.value(member, n, child_path)
        if shape.metadata.get("union") and len(present_members) != 1:
            self.report(path, f"union {shape.name} must have exactly one member, has {len(present_members)}")
        for required in shape.required_members:
            if required in members and required not in present_members:
                element = _xml_member_name(required, members[required])
                self.report(path, f"missing required <{element}> ({shape.name}.{required})")

    def list(self, shape, items, path, wrapper):
        if wrapper is not None:
            self.no_text(wrapper, path, f"list {shape.name}")
        member = shape.member
        flattened = _is_flattened(shape)
        expected_tag = member.serialization.get("name") or "member"
        for index, item in enumerate(items):
            item_tag = _local(item.tag)
            item_path = f"{path}[{index}]" if flattened else f"{path}/{item_tag}[{index}]"
            if not flattened and item_tag != expected_tag:
                self.report(path, f"list item <{item_tag}>, expected <{expected_tag}>")
            self.value(member, item, item_path)

    def map(self, shape, entries, path, wrapper):
        if wrapper is not None:
            self.no_text(wrapper, path, f"map {shape.name}")
        key_tag = shape.key.serialization.get("name") or "key"
        value_tag = shape.value.serialization.get("name") or "value"
        flattened = _is_flattened(shape)
        seen_keys = set()
        for index, entry in enumerate(entries):
            entry_path = f"{path}[{index}]" if flattened else f"{path}/entry[{index}]"
            if not flattened and _local(entry.tag) != "entry":
                self.report(path, f"map entry <{_local(entry.tag)}>, expected <entry>")
            self.no_text(entry, entry_path, "map entry")
            names = [_local(c.tag) for c in entry]
            for c in entry:
                name = _local(c.tag)
                if name == key_tag:
                    self.value(shape.key, c, f"{entry_path}/{key_tag}")
                    if c.text in seen_keys:
                        self.report(entry_path, f"duplicate map key {c.text!r}")
                    seen_keys.add(c.text)
                elif name == value_tag:
                    self.value(shape.value, c, f"{entry_path}/{value_tag}")
                else:
                    self.report(entry_path, f"map entry child <{name}>, expected <{key_tag}>/<{value_tag}>")
            if names.count(key_tag) != 1 or names.count(value_tag) != 1:
                self.report(entry_path, f"map entry needs exactly one <{key_tag}> and one <{value_tag}>")

    def scalar(self, shape, text, path):
        kind = shape.type_name
        if kind in ("string", "character"):
            self.check_enum(shape, text, path)
        elif kind == "boolean":
            if text not in ("true", "false"):
                self.report(path, f"bad boolean literal {text!r} (only 'true' or 'false')")
        elif kind in _INT_BOUNDS:
            if not _DECIMAL_INT.match(text):
                self.report(path, f"bad {kind} literal {text!r}")
            else:
                low, high = _INT_BOUNDS[kind]
                if not low <= int(text) <= high:
                    self.report(path, f"{kind} {text} out of range")
        elif kind in ("float", "double"):
            if text not in _NON_FINITE:
                try:
                    if not math.isfinite(float(text)) or text.strip() != text or not text:
                        raise ValueError
                except ValueError:
                    self.report(path, f"bad {kind} literal {text!r}")
        elif kind == "timestamp":
            self.check_timestamp_text(shape, text, path, self.timestamp_format(shape, "iso8601"))
        elif kind == "blob":
            self.check_base64(text, path)
        else:
            self.report(path, f"cannot check shape type {kind!r}")


# --------------------------------------------------------------------------------------------
# JSON protocols: json and rest-json


class _JsonWalker(_Walker):
    def run(self, body):
        output = self.op.output_shape
        text = body.decode("utf-8", errors="replace")
        if output is None:
            if text.strip() not in ("", "{}"):
                self.report("$", "operation has no modelled output but the body is not empty")
            return
        target = output
        if self.protocol == "rest-json":
            payload = output.serialization.get("payload")
            if payload:
                target = output.members[payload]
                if target.type_name in ("blob", "string") or target.serialization.get("eventstream"):
                    return  # raw payload, not JSON
        elif not _body_members(output) and not text.strip():
            return
        if not text.strip():
            if self.protocol == "json" or _body_members(target):
                self.report("$", "empty body, expected a JSON object")
            return
        try:
            doc = json.loads(text, parse_constant=lambda c: {"__bad_constant__": c})
        except json.JSONDecodeError as exc:
            self.report("$", f"body is not valid JSON ({exc})")
            return
        self.value(target, doc, "$")

    def value(self, shape, v, path):
        if v is None:
            self.report(path, "null value (omit the member instead)")
            return
        kind = shape.type_name
        if kind == "structure":
            self.structure(shape, v, path)
        elif kind == "list":
            if not isinstance(v, list):
                self.report(path, f"expected a JSON array for {shape.name}, got {type(v).__name__}")
                return
            for i, item in enumerate(v):
                self.value(shape.member, item, f"{path}[{i}]")
        elif kind == "map":
            if not isinstance(v, dict):
                self.report(path, f"expected a JSON object (map {shape.name}), got {type(v).__name__}")
                return
            for key, item in v.items():
                self.check_enum(shape.key, key, f"{path} key")
                self.value(shape.value, item, f"{path}[{key!r}]")
        else:
            self.scalar(shape, v, path)

    def structure(self, shape, v, path):
        if shape.is_document_type:
            return
        if not isinstance(v, dict):
            self.report(path, f"expected a JSON object for {shape.name}, got {type(v).__name__}")
            return
        members = _body_members(shape)
        by_key = {m.serialization.get("name") or name: (name, m) for name, m in members.items()}
        present = set()
        for key, item in v.items():
            if key not in by_key:
                hint = _suggest(key, by_key)
                extra = f" (did you mean {hint!r}?)" if hint else ""
                self.report(path, f"unknown key {key!r} in {shape.name}{extra}")
                continue
            name, member = by_key[key]
            if item is not None:
                present.add(name)
            self.value(member, item, f"{path}.{key}")
        if shape.metadata.get("union") and len(present) != 1:
            self.report(path, f"union {shape.name} must have exactly one member, has {len(present)}")
        for required in shape.required_members:
            if required in members and required not in present:
                key = members[required].serialization.get("name") or required
                self.report(path, f"missing required key {key!r} ({shape.name}.{required})")

    def scalar(self, shape, v, path):
        kind = shape.type_name
        if isinstance(v, dict) and "__bad_constant__" in v:
            v = v["__bad_constant__"]
            if kind not in ("float", "double"):
                self.report(path, f"bare {v} is not valid for {kind}")
            else:
                self.report(path, f"bare {v} is not JSON; send the string {v!r}")
            return
        if kind in ("string", "character"):
            if not isinstance(v, str):
                self.report(path, f"expected a JSON string, got {type(v).__name__} {v!r}")
            else:
                self.check_enum(shape, v, path)
        elif kind == "boolean":
            if not isinstance(v, bool):
                self.report(path, f"expected JSON true/false, got {type(v).__name__} {v!r}")
        elif kind in _INT_BOUNDS:
            if isinstance(v, bool) or not isinstance(v, int):
                self.report(path, f"expected a JSON integer for {kind}, got {type(v).__name__} {v!r}")
            else:
                low, high = _INT_BOUNDS[kind]
                if not low <= v <= high:
                    self.report(path, f"{kind} {v} out of range")
        elif kind in ("float", "double"):
            ok = (isinstance(v, (int, float)) and not isinstance(v, bool)) or v in _NON_FINITE
            if not ok:
                self.report(path, f"expected a JSON number for {kind}, got {type(v).__name__} {v!r}")
        elif kind == "timestamp":
            fmt = self.timestamp_format(shape, "unixTimestamp")
            if fmt == "unixTimestamp":
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    self.report(path, f"timestamp {v!r} must be a JSON number of epoch seconds")
            elif not isinstance(v, str):
                self.report(path, f"timestamp {v!r} must be a {fmt} string")
            else:
                self.check_timestamp_text(shape, v, path, fmt)
        elif kind == "blob":
            if not isinstance(v, str):
                self.report(path, f"blob must be a base64 string, got {type(v).__name__}")
            else:
                self.check_base64(v, path)
        else:
            self.report(path, f"cannot check shape type {kind!r}")
