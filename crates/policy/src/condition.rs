//! The `Condition` element: every operator IAM documents, `…IfExists`, `Null`, and the
//! `ForAnyValue:`/`ForAllValues:` set qualifiers.
//!
//! Blocks AND together, keys within an operator AND, values of one key OR. A negated
//! operator (`StringNotEquals`, `NotIpAddress`…) holds when no request value matches any of
//! the policy's values, and so also when the key is absent.

use crate::context::Context;
use crate::glob::{arn_like, glob, unescaped};
use crate::template::Template;
use serde_json::Value;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    Arn,
    Null,
}

/// One operator: its kind, whether it is the negated form, its qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    kind: Kind,
    negated: bool,
    if_exists: bool,
    set: Option<SetQualifier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

impl Operator {
    fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = match name.split_once(':') {
            Some(("ForAnyValue", rest)) => (Some(SetQualifier::ForAnyValue), rest),
            Some(("ForAllValues", rest)) => (Some(SetQualifier::ForAllValues), rest),
            Some(_) => return None,
            None => (None, name),
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let (kind, negated) = match base {
            "StringEquals" => (Kind::StringEquals, false),
            "StringNotEquals" => (Kind::StringEquals, true),
            "StringEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, true),
            "StringLike" => (Kind::StringLike, false),
            "StringNotLike" => (Kind::StringLike, true),
            "NumericEquals" => (Kind::NumericEquals, false),
            "NumericNotEquals" => (Kind::NumericEquals, true),
            "NumericLessThan" => (Kind::NumericLessThan, false),
            "NumericLessThanEquals" => (Kind::NumericLessThanEquals, false),
            "NumericGreaterThan" => (Kind::NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (Kind::NumericGreaterThanEquals, false),
            "DateEquals" => (Kind::DateEquals, false),
            "DateNotEquals" => (Kind::DateEquals, true),
            "DateLessThan" => (Kind::DateLessThan, false),
            "DateLessThanEquals" => (Kind::DateLessThanEquals, false),
            "DateGreaterThan" => (Kind::DateGreaterThan, false),
            "DateGreaterThanEquals" => (Kind::DateGreaterThanEquals, false),
            "Bool" => (Kind::Bool, false),
            "BinaryEquals" => (Kind::BinaryEquals, false),
            "IpAddress" => (Kind::IpAddress, false),
            "NotIpAddress" => (Kind::IpAddress, true),
            "ArnEquals" | "ArnLike" => (Kind::Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Kind::Arn, true),
            "Null" if !if_exists => (Kind::Null, false),
            _ => return None,
        };
        Some(Operator {
            kind,
            negated,
            if_exists,
            set,
        })
    }
}

/// A policy value, checked for its operator's type when the policy was read.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Text(Template),
    Number(f64),
    /// Seconds since the epoch.
    Date(f64),
    Flag(bool),
    Network(ipnet::IpNet),
}

/// One key under one operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator and key as written, for explanations.
    pub operator: String,
    pub key: String,
    op: Operator,
    lowercase_key: String,
    values: Vec<Operand>,
}

/// Read a statement's `Condition` element.
pub fn parse_block(v: &Value, variables: bool) -> Result<Vec<Condition>, String> {
    let Value::Object(ops) = v else {
        return Err("Syntax errors in policy: Condition must be an object".into());
    };
    let mut out = Vec::new();
    for (name, keys) in ops {
        let op = Operator::parse(name).ok_or_else(|| format!("Invalid Condition type : {name}"))?;
        let Value::Object(keys) = keys else {
            return Err(format!(
                "Syntax errors in policy: the {name} condition must map keys to values"
            ));
        };
        for (key, values) in keys {
            if !key.contains(':') {
                return Err(format!(
                    "Condition key {key} must be prefaced by a vendor, e.g. aws:, ec2:"
                ));
            }
            let list: Vec<&Value> = match values {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            if list.is_empty() {
                return Err(format!("The {name} condition on {key} has no values"));
            }
            let values = list
                .into_iter()
                .map(|v| operand(op.kind, name, key, v, variables))
                .collect::<Result<_, _>>()?;
            out.push(Condition {
                operator: name.clone(),
                key: key.clone(),
                op,
                lowercase_key: key.to_ascii_lowercase(),
                values,
            });
        }
    }
    Ok(out)
}

fn operand(kind: Kind, op: &str, key: &str, v: &Value, variables: bool) -> Result<Operand, String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(format!(
                "Syntax errors in policy: the values of {op} on {key} must be strings"
            ))
        }
    };
    let bad = |what: &str| format!("The {op} condition on {key} needs {what}, not '{text}'");
    let template = || {
        if variables {
            Template::parse(&text)
        } else {
            Ok(Template::literal(&text))
        }
    };
    Ok(match kind {
        Kind::StringEquals
        | Kind::StringEqualsIgnoreCase
        | Kind::StringLike
        | Kind::BinaryEquals
        | Kind::Arn => Operand::Text(template()?),
        Kind::NumericEquals
        | Kind::NumericLessThan
        | Kind::NumericLessThanEquals
        | Kind::NumericGreaterThan
        | Kind::NumericGreaterThanEquals => {
            Operand::Number(number(&text).ok_or_else(|| bad("a number"))?)
        }
        Kind::DateEquals
        | Kind::DateLessThan
        | Kind::DateLessThanEquals
        | Kind::DateGreaterThan
        | Kind::DateGreaterThanEquals => {
            Operand::Date(date(&text).ok_or_else(|| bad("a date (ISO 8601 or epoch seconds)"))?)
        }
        Kind::Bool | Kind::Null => Operand::Flag(flag(&text).ok_or_else(|| bad("true or false"))?),
        Kind::IpAddress => {
            Operand::Network(network(&text).ok_or_else(|| bad("an IP address or CIDR block"))?)
        }
    })
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn flag(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn network(s: &str) -> Option<ipnet::IpNet> {
    s.parse::<ipnet::IpNet>()
        .map(|n| n.trunc())
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(ipnet::IpNet::from))
}

/// ISO 8601 (a date, or a date and time with a zone) or seconds since the epoch.
pub(crate) fn date(s: &str) -> Option<f64> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp_nanos() as f64 / 1e9);
    }
    let day =
        time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(day.midnight().assume_utc().unix_timestamp() as f64)
}

impl Condition {
    /// Whether the condition holds for this request. Keys it asked for and did not find are
    /// added to `missing`.
    pub fn holds(&self, context: &Context, missing: &mut Vec<String>) -> bool {
        let values = context.get(&self.lowercase_key);
        if self.op.kind == Kind::Null {
            let absent = values.is_none_or(<[String]>::is_empty);
            return self
                .values
                .iter()
                .any(|v| matches!(v, Operand::Flag(want) if *want == absent));
        }
        let values = match values {
            Some(v) if !v.is_empty() => v,
            _ => {
                if !missing.contains(&self.lowercase_key) {
                    missing.push(self.lowercase_key.clone());
                }
                return self.op.if_exists
                    || match self.op.set {
                        Some(SetQualifier::ForAllValues) => true,
                        Some(SetQualifier::ForAnyValue) => false,
                        None => self.op.negated,
                    };
            }
        };
        let hit = |v: &String| self.matches(v, context, missing);
        match (self.op.set, self.op.negated) {
            (None | Some(SetQualifier::ForAnyValue), false) => values.iter().any(hit),
            (None, true) => !values.iter().any(hit),
            (Some(SetQualifier::ForAllValues), false) => values.iter().all(hit),
            (Some(SetQualifier::ForAllValues), true) => !values.iter().any(hit),
            (Some(SetQualifier::ForAnyValue), true) => !values.iter().all(hit),
        }
    }

    /// Whether one request value matches any of the policy's values (the positive form).
    fn matches(&self, value: &str, context: &Context, missing: &mut Vec<String>) -> bool {
        let kind = self.op.kind;
        self.values.iter().any(|operand| match operand {
            Operand::Text(t) => {
                let Some(want) = t.resolve(context, missing) else {
                    return false;
                };
                match kind {
                    Kind::StringEquals | Kind::BinaryEquals => value == unescaped(&want),
                    Kind::StringEqualsIgnoreCase => {
                        let want = unescaped(&want);
                        value.eq_ignore_ascii_case(&want)
                            || (!value.is_ascii() && value.to_lowercase() == want.to_lowercase())
                    }
                    Kind::StringLike => glob(&want, value, false),
                    _ => arn_like(&want, value),
                }
            }
            Operand::Number(want) => number(value).is_some_and(|n| match kind {
                Kind::NumericEquals => n == *want,
                Kind::NumericLessThan => n < *want,
                Kind::NumericLessThanEquals => n <= *want,
                Kind::NumericGreaterThan => n > *want,
                _ => n >= *want,
            }),
            Operand::Date(want) => date(value).is_some_and(|d| match kind {
                Kind::DateEquals => d == *want,
                Kind::DateLessThan => d < *want,
                Kind::DateLessThanEquals => d <= *want,
                Kind::DateGreaterThan => d > *want,
                _ => d >= *want,
            }),
            Operand::Flag(want) => flag(value) == Some(*want),
            Operand::Network(net) => value.parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip)),
        })
    }
}
