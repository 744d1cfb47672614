//! IAM policy documents: parse them, and decide whether a statement set allows an action for
//! a principal on a resource. Explicit deny beats allow; no match is an implicit deny.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a statement names: `"*"`, or principals of some kinds (`AWS`, `Service`, `Federated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    Anyone,
    Of(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub principals: Option<Principals>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub statements: Vec<Statement>,
}

/// How a document answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    NotAllowed,
}

/// The names under which a caller may appear in a `Principal` element: its own ARN, its
/// account's root ARN, the bare account id and, for a role session, the role's ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub names: Vec<String>,
}

impl Document {
    pub fn parse(text: &str) -> Result<Document, String> {
        let v: Value =
            serde_json::from_str(text).map_err(|_| "Syntax errors in policy.".to_string())?;
        let Value::Object(top) = &v else {
            return Err("Syntax errors in policy.".into());
        };
        let statements = match top.get("Statement") {
            Some(Value::Array(items)) => items.iter().map(statement).collect::<Result<_, _>>()?,
            Some(item @ Value::Object(_)) => vec![statement(item)?],
            _ => return Err("Missing required field Statement".into()),
        };
        Ok(Document { statements })
    }

    /// A resource-side decision (trust policies): does any statement naming this caller allow
    /// the action, and does none deny it?
    pub fn decide_for(&self, caller: &Caller, action: &str) -> Decision {
        self.decide(|s| {
            s.principals
                .as_ref()
                .is_some_and(|p| p.names_any(&caller.names))
                && s.matches_action(action)
        })
    }

    fn decide(&self, applies: impl Fn(&Statement) -> bool) -> Decision {
        let mut allowed = false;
        for s in self.statements.iter().filter(|s| applies(s)) {
            match s.effect {
                Effect::Deny => return Decision::ExplicitlyDenied,
                Effect::Allow => allowed = true,
            }
        }
        if allowed {
            Decision::Allowed
        } else {
            Decision::NotAllowed
        }
    }
}

impl Statement {
    pub fn matches_action(&self, action: &str) -> bool {
        if !self.not_actions.is_empty() {
            return !self.not_actions.iter().any(|p| glob(p, action, true));
        }
        self.actions.iter().any(|p| glob(p, action, true))
    }
}

impl Principals {
    fn names_any(&self, names: &[String]) -> bool {
        match self {
            Principals::Anyone => true,
            Principals::Of(list) => list.iter().any(|(kind, value)| {
                kind == "AWS" && (value == "*" || names.iter().any(|n| n == value))
            }),
        }
    }
}

fn statement(v: &Value) -> Result<Statement, String> {
    let Value::Object(m) = v else {
        return Err("Syntax errors in policy.".into());
    };
    let effect = match m.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err("Missing required field Effect".into()),
    };
    let actions = strings(m.get("Action"))?;
    let not_actions = strings(m.get("NotAction"))?;
    if actions.is_empty() && not_actions.is_empty() {
        return Err("Missing required field Action".into());
    }
    let principals = match m.get("Principal") {
        None => None,
        Some(Value::String(s)) if s == "*" => Some(Principals::Anyone),
        Some(Value::Object(kinds)) => {
            let mut list = Vec::new();
            for (kind, values) in kinds {
                for value in strings(Some(values))? {
                    list.push((kind.clone(), value));
                }
            }
            Some(Principals::Of(list))
        }
        Some(_) => return Err("Invalid principal in policy".into()),
    };
    Ok(Statement {
        sid: m.get("Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        actions,
        not_actions,
        resources: strings(m.get("Resource"))?,
        not_resources: strings(m.get("NotResource"))?,
        principals,
    })
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "Syntax errors in policy.".to_string())
            })
            .collect(),
        Some(_) => Err("Syntax errors in policy.".into()),
    }
}

/// IAM wildcard matching: `*` any run, `?` any one character.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;

    fn caller(names: &[&str]) -> Caller {
        Caller {
            names: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn globs() {
        assert!(glob("ec2:Describe*", "ec2:describesubnets", true));
        assert!(glob("*", "anything", true));
        assert!(glob("s?s:*", "sts:AssumeRole", true));
        assert!(!glob("ec2:Describe*", "ec2:CreateVpc", true));
        assert!(!glob("Abc", "abc", false));
    }

    #[test]
    fn trust_policy_names_the_account_root() {
        let d = Document::parse(TRUST).unwrap();
        let inside = caller(&[
            "arn:aws:iam::111111111111:user/ops",
            "arn:aws:iam::111111111111:root",
            "111111111111",
        ]);
        let outside = caller(&["arn:aws:iam::222222222222:root", "222222222222"]);
        assert_eq!(d.decide_for(&inside, "sts:AssumeRole"), Decision::Allowed);
        assert_eq!(
            d.decide_for(&outside, "sts:AssumeRole"),
            Decision::NotAllowed
        );
        assert_eq!(
            d.decide_for(&inside, "sts:TagSession"),
            Decision::NotAllowed
        );
    }

    #[test]
    fn deny_wins_and_bad_documents_are_refused() {
        let d = Document::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},
                {"Effect":"Deny","Principal":{"AWS":["9"]},"NotAction":"iam:*"}]}"#,
        )
        .unwrap();
        assert_eq!(
            d.decide_for(&caller(&["9"]), "sts:AssumeRole"),
            Decision::ExplicitlyDenied
        );
        assert_eq!(
            d.decide_for(&caller(&["8"]), "sts:AssumeRole"),
            Decision::Allowed
        );
        assert!(Document::parse("{").is_err());
        assert!(Document::parse(r#"{"Statement":[{"Action":"*"}]}"#).is_err());
    }
}
