//! Policy documents, read strictly: anything the evaluator would not understand is refused
//! when the policy is written (MalformedPolicyDocument naming the problem), never skipped.

use crate::condition::{parse_block, Condition};
use crate::context::Context;
use crate::glob::{glob, resource_like};
use crate::template::Template;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// What a document is for: which elements it must and must not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Attached to a user, group or role; also permissions boundaries, session policies, SCPs
    /// and RCPs. No `Principal`.
    Identity,
    /// On a resource, including a role's trust policy: names its principals.
    Resource,
    /// Either (for code that only checks a document is well formed).
    Any,
}

/// `Action`/`NotAction` and `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub enum Patterns<T> {
    In(Vec<T>),
    NotIn(Vec<T>),
}

/// Who a statement of a resource-based policy names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principals {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"*"` or `{"AWS": "*"}`.
    pub anyone: bool,
    pub aws: Vec<String>,
    pub service: Vec<String>,
    pub federated: Vec<String>,
    pub canonical_user: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principals: Option<Principals>,
    /// Lowercased: actions match case-insensitively.
    pub actions: Patterns<String>,
    /// None: the resource the policy is attached to (trust policies, most resource policies).
    pub resources: Option<Patterns<Template>>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// "2012-10-17" or "2008-10-17"; only the former has policy variables.
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

const SYNTAX: &str = "Syntax errors in policy.";

impl Document {
    /// Read any well-formed policy.
    pub fn parse(text: &str) -> Result<Document, String> {
        Document::parse_as(text, Kind::Any)
    }

    pub fn parse_as(text: &str, kind: Kind) -> Result<Document, String> {
        let v: Value = serde_json::from_str(text).map_err(|_| SYNTAX.to_string())?;
        let Value::Object(top) = &v else {
            return Err(SYNTAX.into());
        };
        for key in top.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(format!("{SYNTAX} Unknown element {key}"));
            }
        }
        let version = match top.get("Version") {
            None => None,
            Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
            Some(_) => return Err("The policy failed legacy parsing".into()),
        };
        let variables = version.as_deref() == Some("2012-10-17");
        let id = match top.get("Id") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(SYNTAX.into()),
        };
        let statements = match top.get("Statement") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|s| statement(s, kind, variables))
                .collect::<Result<_, _>>()?,
            Some(item @ Value::Object(_)) => vec![statement(item, kind, variables)?],
            Some(Value::Array(_)) => {
                return Err("Policy document must contain at least one statement".into())
            }
            _ => return Err("Missing required field Statement".into()),
        };
        Ok(Document {
            version,
            id,
            statements,
        })
    }
}

fn statement(v: &Value, kind: Kind, variables: bool) -> Result<Statement, String> {
    let Value::Object(m) = v else {
        return Err(SYNTAX.into());
    };
    for key in m.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(format!("{SYNTAX} Unknown element {key} in a statement"));
        }
    }
    let effect = match m.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(_) => return Err("Invalid effect: the Effect of a statement is Allow or Deny".into()),
        None => return Err("Missing required field Effect".into()),
    };
    let sid = match m.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(SYNTAX.into()),
    };
    let principals = principals(m)?;
    match (kind, &principals) {
        (Kind::Identity, Some(_)) => {
            return Err("Policy document should not specify a principal.".into())
        }
        (Kind::Resource, None) => return Err("Missing required field Principal".into()),
        _ => {}
    }
    let actions = match (list(m, "Action")?, list(m, "NotAction")?) {
        (Some(_), Some(_)) => {
            return Err("A statement may have Action or NotAction, not both".into())
        }
        (None, None) => return Err("Policy statement must contain actions.".into()),
        (Some(a), None) => Patterns::In(actions(a)?),
        (None, Some(a)) => Patterns::NotIn(actions(a)?),
    };
    let template = |s: String| -> Result<Template, String> {
        if s != "*" && !s.starts_with("arn:") && !s.contains("${") {
            return Err(format!("Resource {s} must be in ARN format or \"*\"."));
        }
        if variables {
            Template::parse(&s)
        } else {
            Ok(Template::literal(&s))
        }
    };
    let resources = match (list(m, "Resource")?, list(m, "NotResource")?) {
        (Some(_), Some(_)) => {
            return Err("A statement may have Resource or NotResource, not both".into())
        }
        (None, None) if kind == Kind::Identity => {
            return Err("Policy statement must contain resources.".into())
        }
        (None, None) => None,
        (Some(r), None) => Some(Patterns::In(
            r.into_iter().map(template).collect::<Result<_, _>>()?,
        )),
        (None, Some(r)) => Some(Patterns::NotIn(
            r.into_iter().map(template).collect::<Result<_, _>>()?,
        )),
    };
    let conditions = match m.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_block(c, variables)?,
    };
    Ok(Statement {
        sid,
        effect,
        principals,
        actions,
        resources,
        conditions,
    })
}

fn actions(items: Vec<String>) -> Result<Vec<String>, String> {
    items
        .into_iter()
        .map(|a| {
            let ok = a == "*"
                || a.split_once(':').is_some_and(|(service, name)| {
                    !service.is_empty()
                        && !name.is_empty()
                        && service
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if ok {
                Ok(a.to_ascii_lowercase())
            } else {
                Err(format!(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. ({a})"
                ))
            }
        })
        .collect()
}

fn principals(m: &Map<String, Value>) -> Result<Option<Principals>, String> {
    let (value, negated) = match (m.get("Principal"), m.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err("A statement may have Principal or NotPrincipal, not both".into())
        }
        (Some(p), None) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return Ok(None),
    };
    let mut out = Principals {
        negated,
        ..Principals::default()
    };
    match value {
        Value::String(s) if s == "*" => out.anyone = true,
        Value::Object(kinds) => {
            for (kind, values) in kinds {
                let values =
                    strings(values).ok_or_else(|| "Invalid principal in policy".to_string())?;
                let slot = match kind.as_str() {
                    "AWS" => &mut out.aws,
                    "Service" => &mut out.service,
                    "Federated" => &mut out.federated,
                    "CanonicalUser" => &mut out.canonical_user,
                    _ => return Err(format!("Invalid principal in policy: unknown kind {kind}")),
                };
                for v in values {
                    if v == "*" && kind == "AWS" {
                        out.anyone = true;
                    } else if v.contains('*') || v.contains('?') {
                        return Err(format!(
                            "Invalid principal in policy: \"{kind}\":\"{v}\" (wildcards are not allowed)"
                        ));
                    } else if kind == "AWS" && !is_aws_principal(&v) {
                        return Err(format!("Invalid principal in policy: \"AWS\":\"{v}\""));
                    } else {
                        slot.push(v);
                    }
                }
            }
        }
        _ => return Err("Invalid principal in policy".into()),
    }
    Ok(Some(out))
}

fn is_aws_principal(v: &str) -> bool {
    (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()))
        || v.starts_with("arn:aws:iam::")
        || v.starts_with("arn:aws:sts::")
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

fn list(m: &Map<String, Value>, key: &str) -> Result<Option<Vec<String>>, String> {
    match m.get(key) {
        None => Ok(None),
        Some(v) => match strings(v) {
            Some(items) if !items.is_empty() => Ok(Some(items)),
            Some(_) => Err(format!("{SYNTAX} {key} must not be empty")),
            None => Err(format!(
                "{SYNTAX} {key} must be a string or a list of strings"
            )),
        },
    }
}

impl Statement {
    pub fn matches_action(&self, action: &str) -> bool {
        match &self.actions {
            Patterns::In(p) => p.iter().any(|p| glob(p, action, true)),
            Patterns::NotIn(p) => !p.iter().any(|p| glob(p, action, true)),
        }
    }

    pub fn matches_resource(
        &self,
        resource: &str,
        context: &Context,
        missing: &mut Vec<String>,
    ) -> bool {
        let hit = |patterns: &[Template], missing: &mut Vec<String>| {
            patterns.iter().any(|t| {
                t.resolve(context, missing)
                    .is_some_and(|p| resource_like(&p, resource))
            })
        };
        match &self.resources {
            None => true,
            Some(Patterns::In(p)) => hit(p, missing),
            Some(Patterns::NotIn(p)) => !hit(p, missing),
        }
    }

    /// Whether every condition holds. `thorough` evaluates them all even after one fails, so
    /// that every missing key is reported (the simulator's MissingContextValues).
    pub fn conditions_hold(
        &self,
        context: &Context,
        missing: &mut Vec<String>,
        thorough: bool,
    ) -> bool {
        if !thorough {
            return self.conditions.iter().all(|c| c.holds(context, missing));
        }
        let mut all = true;
        for c in &self.conditions {
            all &= c.holds(context, missing);
        }
        all
    }
}
