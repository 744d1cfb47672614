//! The hand-written runtime under the generated codecs: value types, the query-parameter tree,
//! JSON and XML helpers, and the four protocols' envelopes.

use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

// ------------------------------------------------------------------------------ values

/// A point in time, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub i64);

impl DateTime {
    /// ISO-8601 with milliseconds, as the XML protocols write it.
    pub fn iso(self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let dt = time::OffsetDateTime::from_unix_timestamp(secs)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            millis
        )
    }

    /// Seconds since the epoch, as the JSON protocols write it.
    pub fn epoch_seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub fn parse(text: &str) -> Option<DateTime> {
        if let Ok(secs) = text.parse::<f64>() {
            return Some(DateTime((secs * 1000.0) as i64));
        }
        let dt = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .ok()?;
        Some(DateTime((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }
}

/// Binary data, carried as its base64 text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub String);

// ------------------------------------------------------------------------------ errors

/// Why a request could not be decoded; `path` names the offending parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub missing: bool,
    pub detail: String,
    path: Vec<String>,
}

impl DecodeError {
    pub fn missing() -> Self {
        DecodeError {
            missing: true,
            detail: String::new(),
            path: Vec::new(),
        }
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        DecodeError {
            missing: false,
            detail: detail.into(),
            path: Vec::new(),
        }
    }

    fn within(mut self, key: &str) -> Self {
        self.path.push(key.to_string());
        self
    }

    /// The parameter's wire path, outermost first (`IpPermissions.1.FromPort`).
    pub fn path(&self) -> String {
        let parts: Vec<&str> = self.path.iter().rev().map(String::as_str).collect();
        parts.join(".")
    }
}

/// An error as AWS reports it: a code, a message, an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Cow<'static, str>,
    pub message: String,
    pub status: u16,
    /// Organizations' `Reason` member on constraint and input errors.
    pub reason: Option<String>,
}

impl ApiError {
    pub fn new(
        code: impl Into<Cow<'static, str>>,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
            status,
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn not_implemented(service: &str, op: &str) -> Self {
        ApiError::new(
            "NotImplemented",
            501,
            format!("ramparts does not implement {service}:{op} yet."),
        )
    }
}

/// The error each service answers for a request that does not decode.
pub fn decode_error(service: &str, e: DecodeError) -> ApiError {
    let path = e.path();
    match (service, e.missing) {
        ("ec2", true) => ApiError::new(
            "MissingParameter",
            400,
            format!("The request must contain the parameter {path}"),
        ),
        ("ec2", false) => ApiError::new(
            "InvalidParameterValue",
            400,
            format!("Invalid value for parameter {path}: {}", e.detail),
        ),
        ("ram", true) => ApiError::new(
            "MissingRequiredParameterException",
            400,
            format!("The request is missing the required parameter {path}."),
        ),
        ("ram", false) => ApiError::new(
            "InvalidParameterException",
            400,
            format!("The parameter {path} is not valid: {}", e.detail),
        ),
        ("organizations", missing) => ApiError::new(
            "InvalidInputException",
            400,
            if missing {
                format!("You provided a value that does not match the required pattern: {path} is required.")
            } else {
                format!("You provided a value that is not valid for {path}: {}", e.detail)
            },
        )
        .with_reason("INVALID_INPUT"),
        (_, true) => ApiError::new(
            "ValidationError",
            400,
            format!("1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"),
        ),
        (_, false) => ApiError::new(
            "ValidationError",
            400,
            format!("1 validation error detected: Value at '{path}' is not valid: {}", e.detail),
        ),
    }
}

// ------------------------------------------------------------------------------ query input

/// Form parameters of the ec2 and query protocols as a tree: `A.1.B=x` becomes
/// `A → 1 → B = x`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QueryNode {
    pub value: Option<String>,
    pub children: BTreeMap<String, QueryNode>,
}

/// Bounds that keep a hostile body from costing more than a large honest one.
pub const MAX_PARAMS: usize = 20_000;
pub const MAX_KEY_LEN: usize = 512;
pub const MAX_DEPTH: usize = 12;

impl QueryNode {
    /// Build the tree from decoded `key=value` pairs.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    ) -> Result<QueryNode, DecodeError> {
        let mut root = QueryNode::default();
        for (count, (key, value)) in pairs.into_iter().enumerate() {
            if count >= MAX_PARAMS {
                return Err(DecodeError::invalid(format!(
                    "too many parameters (at most {MAX_PARAMS})"
                )));
            }
            if key.len() > MAX_KEY_LEN {
                return Err(DecodeError::invalid("parameter name too long"));
            }
            let mut node = &mut root;
            for (depth, part) in key.split('.').enumerate() {
                if depth >= MAX_DEPTH {
                    return Err(DecodeError::invalid("parameter nested too deeply"));
                }
                node = node.children.entry(part.to_string()).or_default();
            }
            node.value = Some(value.into_owned());
        }
        Ok(root)
    }

    pub fn get(&self, key: &str) -> Option<&QueryNode> {
        self.children.get(key)
    }

    /// Children whose keys are list indexes, in index order. Indexes start at 1; order is
    /// what counts, so a sparse list (`.1`, `.7`) is two items.
    fn indexed(&self) -> Result<Vec<&QueryNode>, DecodeError> {
        let mut items = Vec::with_capacity(self.children.len());
        for (k, v) in &self.children {
            match k.parse::<u64>() {
                Ok(i) if i >= 1 && !k.starts_with('+') => items.push((i, v)),
                _ => {
                    return Err(DecodeError::invalid(format!("'{k}' is not a list index")).within(k))
                }
            }
        }
        items.sort_by_key(|(i, _)| *i);
        Ok(items.into_iter().map(|(_, v)| v).collect())
    }
}

/// Scalars as they appear in query strings and form bodies.
pub trait FromScalar: Sized {
    fn from_text(text: &str) -> Result<Self, DecodeError>;
}

impl FromScalar for String {
    fn from_text(text: &str) -> Result<Self, DecodeError> {
        Ok(text.to_string())
    }
}

macro_rules! number_scalar {
    ($($t:ty),*) => {$(
        impl FromScalar for $t {
            fn from_text(text: &str) -> Result<Self, DecodeError> {
                text.trim().parse::<$t>().map_err(|_| DecodeError::invalid(format!("'{text}' is not a valid number")))
            }
        }
    )*};
}
number_scalar!(i32, i64, f64);

impl FromScalar for bool {
    fn from_text(text: &str) -> Result<Self, DecodeError> {
        match text.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(DecodeError::invalid(format!("'{text}' is not a boolean"))),
        }
    }
}

impl FromScalar for DateTime {
    fn from_text(text: &str) -> Result<Self, DecodeError> {
        DateTime::parse(text)
            .ok_or_else(|| DecodeError::invalid(format!("'{text}' is not a timestamp")))
    }
}

impl FromScalar for Blob {
    fn from_text(text: &str) -> Result<Self, DecodeError> {
        Ok(Blob(text.to_string()))
    }
}

pub fn query_scalar<T: FromScalar>(n: &QueryNode) -> Result<T, DecodeError> {
    match &n.value {
        Some(v) => T::from_text(v),
        None => Err(DecodeError::invalid("expected a value, found a structure")),
    }
}

pub fn query_opt<T>(
    n: &QueryNode,
    key: &str,
    decode: impl Fn(&QueryNode) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    match n.children.get(key) {
        None => Ok(None),
        Some(child) => decode(child).map(Some).map_err(|e| e.within(key)),
    }
}

pub fn query_req<T>(
    n: &QueryNode,
    key: &str,
    decode: impl Fn(&QueryNode) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    query_opt(n, key, decode)?.ok_or_else(|| DecodeError::missing().within(key))
}

/// A list: `Key.N` (`item` = None, ec2 and flattened lists) or `Key.member.N`.
pub fn query_list<T>(
    n: &QueryNode,
    item: Option<&str>,
    decode: impl Fn(&QueryNode) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let holder = match item {
        None => n,
        Some(name) => match n.children.get(name) {
            Some(h) => h,
            // `Key=` with no members is how botocore sends an empty list.
            None if n.children.is_empty() => return Ok(Vec::new()),
            None => {
                return Err(DecodeError::invalid(format!(
                    "expected '{name}' list items"
                )));
            }
        },
    };
    let mut out = Vec::new();
    for (i, child) in holder.indexed()?.into_iter().enumerate() {
        out.push(decode(child).map_err(|e| e.within(&(i + 1).to_string()))?);
    }
    Ok(out)
}

pub fn query_map<K, V>(
    n: &QueryNode,
    key_name: &str,
    value_name: &str,
    key: impl Fn(&QueryNode) -> Result<K, DecodeError>,
    value: impl Fn(&QueryNode) -> Result<V, DecodeError>,
) -> Result<Vec<(K, V)>, DecodeError> {
    let Some(entries) = n.children.get("entry") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.indexed()? {
        out.push((
            query_req(entry, key_name, &key)?,
            query_req(entry, value_name, &value)?,
        ));
    }
    Ok(out)
}

/// What the generated `dispatch` of an ec2 or query service reads.
pub struct QueryRequest<'a> {
    pub params: &'a QueryNode,
    pub request_id: &'a str,
}

// ------------------------------------------------------------------------------ JSON input

/// What the generated `dispatch` of a json or rest-json service reads.
pub struct JsonRequest<'a> {
    pub body: &'a Value,
    pub query: &'a [(String, String)],
    pub request_id: &'a str,
}

pub trait FromJsonScalar: Sized {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError>;
}

impl FromJsonScalar for String {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| DecodeError::invalid("expected a string"))
    }
}

impl FromJsonScalar for i32 {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        v.as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| DecodeError::invalid("expected an integer"))
    }
}

impl FromJsonScalar for i64 {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        v.as_i64()
            .ok_or_else(|| DecodeError::invalid("expected an integer"))
    }
}

impl FromJsonScalar for f64 {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        v.as_f64()
            .ok_or_else(|| DecodeError::invalid("expected a number"))
    }
}

impl FromJsonScalar for bool {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        v.as_bool()
            .ok_or_else(|| DecodeError::invalid("expected a boolean"))
    }
}

impl FromJsonScalar for DateTime {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        match v {
            Value::Number(n) => n
                .as_f64()
                .map(|s| DateTime((s * 1000.0) as i64))
                .ok_or_else(|| DecodeError::invalid("expected a timestamp")),
            Value::String(s) => DateTime::from_text(s),
            _ => Err(DecodeError::invalid("expected a timestamp")),
        }
    }
}

impl FromJsonScalar for Blob {
    fn from_json_value(v: &Value) -> Result<Self, DecodeError> {
        String::from_json_value(v).map(Blob)
    }
}

pub fn json_object(v: &Value) -> Result<&Map<String, Value>, DecodeError> {
    v.as_object()
        .ok_or_else(|| DecodeError::invalid("expected a JSON object"))
}

pub fn json_scalar<T: FromJsonScalar>(v: &Value) -> Result<T, DecodeError> {
    T::from_json_value(v)
}

pub fn json_opt<T>(
    v: &Value,
    key: &str,
    decode: impl Fn(&Value) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(child) => decode(child).map(Some).map_err(|e| e.within(key)),
    }
}

pub fn json_req<T>(
    v: &Value,
    key: &str,
    decode: impl Fn(&Value) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    json_opt(v, key, decode)?.ok_or_else(|| DecodeError::missing().within(key))
}

pub fn json_list<T>(
    v: &Value,
    decode: impl Fn(&Value) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let items = v
        .as_array()
        .ok_or_else(|| DecodeError::invalid("expected a JSON array"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, x)| decode(x).map_err(|e| e.within(&i.to_string())))
        .collect()
}

pub fn json_map<V>(
    v: &Value,
    decode: impl Fn(&Value) -> Result<V, DecodeError>,
) -> Result<Vec<(String, V)>, DecodeError> {
    json_object(v)?
        .iter()
        .map(|(k, x)| Ok((k.clone(), decode(x).map_err(|e| e.within(k))?)))
        .collect()
}

pub fn json_query_opt<T: FromScalar>(
    q: &[(String, String)],
    key: &str,
) -> Result<Option<T>, DecodeError> {
    match q.iter().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, v)) => T::from_text(v).map(Some).map_err(|e| e.within(key)),
    }
}

pub fn json_query_req<T: FromScalar>(q: &[(String, String)], key: &str) -> Result<T, DecodeError> {
    json_query_opt(q, key)?.ok_or_else(|| DecodeError::missing().within(key))
}

// ------------------------------------------------------------------------------ JSON output

pub trait ToJsonScalar {
    fn to_json_value(&self) -> Value;
}

impl ToJsonScalar for String {
    fn to_json_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJsonScalar for i32 {
    fn to_json_value(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJsonScalar for i64 {
    fn to_json_value(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJsonScalar for f64 {
    fn to_json_value(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJsonScalar for bool {
    fn to_json_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJsonScalar for DateTime {
    fn to_json_value(&self) -> Value {
        Value::from(self.epoch_seconds())
    }
}

impl ToJsonScalar for Blob {
    fn to_json_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

pub fn json_encode<T: ?Sized>(v: &T, f: impl Fn(&T) -> Value) -> Value {
    f(v)
}

pub fn json_encode_scalar<T: ToJsonScalar>(v: &T) -> Value {
    v.to_json_value()
}

pub fn json_encode_list<T>(v: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(v.iter().map(f).collect())
}

pub fn json_encode_map<K: ToString, V>(v: &[(K, V)], f: impl Fn(&V) -> Value) -> Value {
    Value::Object(v.iter().map(|(k, x)| (k.to_string(), f(x))).collect())
}

// ------------------------------------------------------------------------------ XML output

pub trait XmlScalar {
    fn write_text(&self, out: &mut String);
}

/// Characters XML 1.0 cannot carry at all, escaped or not.
fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Escape text for XML; characters XML forbids (client input can contain them) become U+FFFD
/// so that every body stays well-formed. Most text needs neither, and is copied as it is.
fn write_xml_text(text: &str, out: &mut String) {
    let plain = text
        .bytes()
        .all(|b| b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xEF));
    if plain {
        out.push_str(text);
    } else if text.chars().any(forbidden_in_xml) {
        let clean: String = text
            .chars()
            .map(|c| if forbidden_in_xml(c) { '\u{fffd}' } else { c })
            .collect();
        out.push_str(&quick_xml::escape::escape(clean.as_str()));
    } else {
        out.push_str(&quick_xml::escape::escape(text));
    }
}

impl XmlScalar for String {
    fn write_text(&self, out: &mut String) {
        write_xml_text(self, out);
    }
}

impl XmlScalar for str {
    fn write_text(&self, out: &mut String) {
        write_xml_text(self, out);
    }
}

macro_rules! display_scalar {
    ($($t:ty),*) => {$(
        impl XmlScalar for $t {
            fn write_text(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_scalar!(i32, i64, f64, bool);

impl XmlScalar for DateTime {
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.iso());
    }
}

impl XmlScalar for Blob {
    fn write_text(&self, out: &mut String) {
        write_xml_text(&self.0, out);
    }
}

/// Appends XML to one buffer; element names come from the model, so they need no escaping.
#[derive(Default)]
pub struct XmlWriter {
    pub buf: String,
}

impl XmlWriter {
    fn open(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
    }

    fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    pub fn scalar<T: XmlScalar + ?Sized>(&mut self, v: &T) {
        v.write_text(&mut self.buf);
    }

    pub fn field<T: ?Sized>(&mut self, name: &str, v: &T, f: impl Fn(&mut XmlWriter, &T)) {
        self.open(name);
        f(self, v);
        self.close(name);
    }

    /// A wrapped list: `<name><item>…</item></name>` (the wrapper is written by `field`).
    pub fn list<T>(&mut self, items: &[T], item: &str, f: impl Fn(&mut XmlWriter, &T)) {
        for x in items {
            self.field(item, x, &f);
        }
    }

    /// A flattened list: the items repeat under the member's own name.
    pub fn flat<T>(&mut self, name: &str, items: &[T], f: impl Fn(&mut XmlWriter, &T)) {
        self.list(items, name, f);
    }

    pub fn map<K, V>(
        &mut self,
        entries: &[(K, V)],
        key_name: &str,
        value_name: &str,
        k: impl Fn(&mut XmlWriter, &K),
        v: impl Fn(&mut XmlWriter, &V),
    ) {
        for (key, value) in entries {
            self.open("entry");
            self.field(key_name, key, &k);
            self.field(value_name, value, &v);
            self.close("entry");
        }
    }
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// `<OpResponse xmlns=…><requestId>…</requestId>…</OpResponse>`, the ec2 protocol's success body.
pub fn ec2_response(op: &str, request_id: &str, body: impl FnOnce(&mut XmlWriter)) -> String {
    let mut w = XmlWriter {
        buf: String::with_capacity(512),
    };
    w.buf.push_str(XML_DECL);
    let _ = write!(
        w.buf,
        "<{op}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>{request_id}</requestId>"
    );
    body(&mut w);
    let _ = write!(w.buf, "</{op}Response>");
    w.buf
}

/// The query protocol's success body, with the result wrapper and response metadata.
pub fn query_response(
    op: &str,
    namespace: &str,
    result_wrapper: Option<&str>,
    request_id: &str,
    body: impl FnOnce(&mut XmlWriter),
) -> String {
    let mut w = XmlWriter::default();
    let _ = write!(w.buf, "<{op}Response xmlns=\"{namespace}\">");
    if let Some(wrapper) = result_wrapper {
        w.open(wrapper);
        body(&mut w);
        w.close(wrapper);
    }
    let _ = write!(
        w.buf,
        "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{op}Response>"
    );
    w.buf
}

/// The ec2 protocol's error body.
pub fn ec2_error(e: &ApiError, request_id: &str) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(XML_DECL);
    out.push_str("<Response><Errors><Error><Code>");
    e.code.write_text(&mut out);
    out.push_str("</Code><Message>");
    e.message.write_text(&mut out);
    let _ = write!(
        out,
        "</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
    );
    out
}

/// The query protocol's error body.
pub fn query_error(e: &ApiError, namespace: &str, request_id: &str) -> String {
    let kind = if e.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{kind}</Type><Code>"
    );
    e.code.write_text(&mut out);
    out.push_str("</Code><Message>");
    e.message.write_text(&mut out);
    let _ = write!(
        out,
        "</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    );
    out
}

/// The json and rest-json error body. Organizations spells the member `Message`, RAM `message`.
pub fn json_error(e: &ApiError, capital_message: bool) -> String {
    let mut o = Map::new();
    o.insert("__type".into(), Value::String(e.code.to_string()));
    let key = if capital_message {
        "Message"
    } else {
        "message"
    };
    o.insert(key.into(), Value::String(e.message.clone()));
    if let Some(r) = &e.reason {
        o.insert("Reason".into(), Value::String(r.clone()));
    }
    Value::Object(o).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(body: &str) -> QueryNode {
        QueryNode::from_pairs(form_urlencoded::parse(body.as_bytes())).unwrap()
    }

    #[test]
    fn lists_follow_index_order_not_text_order() {
        let n = tree("GroupId.10=c&GroupId.2=b&GroupId.1=a");
        let ids: Vec<String> = query_list(n.get("GroupId").unwrap(), None, query_scalar).unwrap();
        assert_eq!(ids, ["a", "b", "c"]);
    }

    #[test]
    fn absurd_and_bad_indexes() {
        let n = tree("Filter.99999999999.Name=x");
        let f = n.get("Filter").unwrap();
        assert_eq!(f.indexed().unwrap().len(), 1);
        let n = tree("Filter.x.Name=x");
        assert!(n.get("Filter").unwrap().indexed().is_err());
        let n = tree("Filter.0.Name=x");
        assert!(n.get("Filter").unwrap().indexed().is_err());
    }

    #[test]
    fn missing_parameter_path_is_outermost_first() {
        let n = tree("IpPermissions.1.FromPort=x");
        let err = query_opt(&n, "IpPermissions", |n| {
            query_list(n, None, |n| query_req::<i32>(n, "FromPort", query_scalar))
        })
        .unwrap_err();
        assert_eq!(err.path(), "IpPermissions.1.FromPort");
        assert!(!err.missing);
    }

    #[test]
    fn query_protocol_empty_list() {
        let n = tree("Tags=");
        let tags: Option<Vec<String>> =
            query_opt(&n, "Tags", |n| query_list(n, Some("member"), query_scalar)).unwrap();
        assert_eq!(tags, Some(vec![]));
    }

    #[test]
    fn timestamps_render_both_ways() {
        let t = DateTime(1_730_000_000_123);
        assert_eq!(t.iso(), "2024-10-27T03:33:20.123Z");
        assert_eq!(t.epoch_seconds(), 1_730_000_000.123);
        assert_eq!(DateTime::parse("2024-10-27T03:33:20.123Z"), Some(t));
    }

    #[test]
    fn xml_text_is_escaped() {
        let e = ApiError::new("X", 400, "a <b> & 'c'");
        assert!(ec2_error(&e, "r").contains("a &lt;b&gt; &amp; &apos;c&apos;"));
    }

    #[test]
    fn control_characters_never_break_xml() {
        let e = ApiError::new("X", 400, "bad \u{1}action\u{0}");
        let body = ec2_error(&e, "r");
        assert!(body.contains("bad \u{fffd}action\u{fffd}"));
        assert!(!body.chars().any(forbidden_in_xml));
    }

    #[test]
    fn too_deep_and_too_long_keys_are_refused() {
        let deep = (0..20).map(|_| "a").collect::<Vec<_>>().join(".") + "=1";
        assert!(QueryNode::from_pairs(form_urlencoded::parse(deep.as_bytes())).is_err());
        let long = "a".repeat(MAX_KEY_LEN + 1) + "=1";
        assert!(QueryNode::from_pairs(form_urlencoded::parse(long.as_bytes())).is_err());
    }
}
