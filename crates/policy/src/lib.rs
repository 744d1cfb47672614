//! IAM policies: documents read strictly, and AWS's evaluation logic as one pure function.
//!
//! - [`Document`]: parse and validate (`MalformedPolicyDocument` messages name the problem).
//! - [`Context`]: a request's condition keys.
//! - [`evaluate`]: explicit deny, SCP and RCP levels, resource-based policies, identity
//!   policies, permissions boundaries and session policies, same-account and cross-account.
//!
//! The crate knows nothing of HTTP, of the cloud's state or of where policies are kept: the
//! caller gathers the [`PolicySet`] and the [`Context`] for each request.

pub mod catalog;
mod condition;
mod context;
mod document;
mod evaluate;
mod glob;
pub mod managed;
pub mod position;
mod template;

pub use condition::Condition;
pub use context::Context;
pub use document::{Document, Effect, Kind, Patterns, Principals, Statement};
pub use evaluate::{
    evaluate, Decision, Evaluation, Layer, Matched, Named, PolicySet, Principal, PrincipalKind,
    Request,
};
pub use glob::{arn_like, glob, resource_like};

/// The names under which a caller may appear in a trust policy's `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub names: Vec<String>,
}

impl Document {
    /// A trust-policy decision: does a statement naming this caller (by any of its names)
    /// allow the action under these conditions, and does none deny it?
    pub fn decide_for(&self, caller: &Caller, action: &str, context: &Context) -> Decision {
        let mut allowed = false;
        let mut missing = Vec::new();
        for s in &self.statements {
            let named = s.principals.as_ref().is_some_and(|p| {
                let listed = p.anyone || p.aws.iter().any(|v| caller.names.contains(v));
                listed != p.negated
            });
            if named && s.matches_action(action) && s.conditions_hold(context, &mut missing, false)
            {
                match s.effect {
                    Effect::Deny => return Decision::ExplicitlyDenied,
                    Effect::Allow => allowed = true,
                }
            }
        }
        if allowed {
            Decision::Allowed
        } else {
            Decision::NotAllowed
        }
    }
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
    fn trust_policy_names_the_account_root() {
        let d = Document::parse(TRUST).unwrap();
        let none = Context::new();
        let inside = caller(&[
            "arn:aws:iam::111111111111:user/ops",
            "arn:aws:iam::111111111111:root",
            "111111111111",
        ]);
        let outside = caller(&["arn:aws:iam::222222222222:root", "222222222222"]);
        assert_eq!(
            d.decide_for(&inside, "sts:AssumeRole", &none),
            Decision::Allowed
        );
        assert_eq!(
            d.decide_for(&outside, "sts:AssumeRole", &none),
            Decision::NotAllowed
        );
        assert_eq!(
            d.decide_for(&inside, "sts:TagSession", &none),
            Decision::NotAllowed
        );
    }

    #[test]
    fn deny_wins_and_bad_documents_are_refused() {
        let d = Document::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},
                {"Effect":"Deny","Principal":{"AWS":["999999999999"]},"NotAction":"iam:*"}]}"#,
        )
        .unwrap();
        let none = Context::new();
        assert_eq!(
            d.decide_for(&caller(&["999999999999"]), "sts:AssumeRole", &none),
            Decision::ExplicitlyDenied
        );
        assert_eq!(
            d.decide_for(&caller(&["888888888888"]), "sts:AssumeRole", &none),
            Decision::Allowed
        );
        assert!(Document::parse("{").is_err());
        assert!(Document::parse(r#"{"Statement":[{"Action":"*"}]}"#).is_err());
    }
}
