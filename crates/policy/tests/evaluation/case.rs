//! The table's machinery: principals, policy builders, and a case with its expected decision.

use policy::{
    evaluate, Context, Decision, Document, Kind, Layer, Named, PolicySet, Principal, PrincipalKind,
    Request,
};

pub(crate) const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
pub(crate) const ROLE: &str = "arn:aws:iam::111111111111:role/app";
pub(crate) const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/app/s1";
pub(crate) const ROOT: &str = "arn:aws:iam::111111111111:root";
pub(crate) const OTHER_ROLE: &str = "arn:aws:iam::222222222222:role/ops";
pub(crate) const OTHER_SESSION: &str = "arn:aws:sts::222222222222:assumed-role/ops/s2";
pub(crate) const SG: &str = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1";
pub(crate) const OTHER_SG: &str = "arn:aws:ec2:us-east-1:222222222222:security-group/sg-9";

pub(crate) fn user() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::User,
        arn: ALICE,
        account: "111111111111",
        role_arn: None,
    }
}

pub(crate) fn session() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::RoleSession,
        arn: SESSION,
        account: "111111111111",
        role_arn: Some(ROLE),
    }
}

pub(crate) fn root() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::Root,
        arn: ROOT,
        account: "111111111111",
        role_arn: None,
    }
}

pub(crate) fn other_session() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::RoleSession,
        arn: OTHER_SESSION,
        account: "222222222222",
        role_arn: Some(OTHER_ROLE),
    }
}

/// A policy of these statements (JSON objects, comma-separated).
pub(crate) fn doc(statements: &str, kind: Kind) -> Document {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    Document::parse_as(&text, kind).unwrap_or_else(|e| panic!("{e}: {text}"))
}

pub(crate) fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

pub(crate) fn deny(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}"#)
}

pub(crate) fn allow_if(action: &str, resource: &str, condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}","Condition":{condition}}}"#
    )
}

pub(crate) fn grant(principal: &str, action: &str, effect: &str) -> String {
    format!(r#"{{"Effect":"{effect}","Principal":{principal},"Action":"{action}"}}"#)
}

/// One row: policies by layer, a request, the expected decision.
pub(crate) struct Case {
    name: String,
    identity: Vec<Document>,
    boundary: Option<Document>,
    session: Option<Vec<Document>>,
    scps: Vec<Vec<Document>>,
    rcps: Vec<Vec<Document>>,
    resource: Vec<Document>,
    principal: Principal<'static>,
    action: String,
    arn: String,
    resource_account: Option<String>,
    context: Context,
    expect: Decision,
    layer: Option<Layer>,
}

pub(crate) fn case(name: impl Into<String>) -> Case {
    Case {
        name: name.into(),
        identity: Vec::new(),
        boundary: None,
        session: None,
        scps: Vec::new(),
        rcps: Vec::new(),
        resource: Vec::new(),
        principal: user(),
        action: "ec2:DescribeSecurityGroups".into(),
        arn: "*".into(),
        resource_account: None,
        context: Context::new(),
        expect: Decision::Allowed,
        layer: None,
    }
}

impl Case {
    pub(crate) fn identity(mut self, statements: &str) -> Case {
        self.identity.push(doc(statements, Kind::Identity));
        self
    }
    pub(crate) fn boundary(mut self, statements: &str) -> Case {
        self.boundary = Some(doc(statements, Kind::Identity));
        self
    }
    pub(crate) fn session_policy(mut self, statements: &str) -> Case {
        self.session
            .get_or_insert_with(Vec::new)
            .push(doc(statements, Kind::Identity));
        self
    }
    pub(crate) fn scp_level(mut self, statements: &[&str]) -> Case {
        self.scps
            .push(statements.iter().map(|s| doc(s, Kind::Identity)).collect());
        self
    }
    pub(crate) fn rcp_level(mut self, statements: &[&str]) -> Case {
        self.rcps
            .push(statements.iter().map(|s| doc(s, Kind::Identity)).collect());
        self
    }
    pub(crate) fn resource_policy(mut self, statements: &str) -> Case {
        self.resource.push(doc(statements, Kind::Resource));
        self
    }
    pub(crate) fn by(mut self, p: Principal<'static>) -> Case {
        self.principal = p;
        self
    }
    pub(crate) fn action(mut self, a: &str) -> Case {
        self.action = a.into();
        self
    }
    pub(crate) fn on(mut self, arn: &str) -> Case {
        self.arn = arn.into();
        self.resource_account = arn
            .split(':')
            .nth(4)
            .map(str::to_string)
            .filter(|a| !a.is_empty());
        self
    }
    pub(crate) fn with(mut self, key: &str, value: &str) -> Case {
        self.context.set(key, value);
        self
    }
    pub(crate) fn with_all(mut self, key: &str, values: &[&str]) -> Case {
        self.context.set_all(key, values.iter().copied());
        self
    }
    pub(crate) fn allowed(mut self) -> Case {
        self.expect = Decision::Allowed;
        self
    }
    pub(crate) fn denied(mut self, layer: Layer) -> Case {
        self.expect = Decision::ExplicitlyDenied;
        self.layer = Some(layer);
        self
    }
    pub(crate) fn not_allowed(mut self, layer: Layer) -> Case {
        self.expect = Decision::NotAllowed;
        self.layer = Some(layer);
        self
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        fn named(docs: &[Document]) -> Vec<Named<'_>> {
            docs.iter()
                .map(|d| Named {
                    id: "p",
                    document: d,
                })
                .collect()
        }
        let set = PolicySet {
            identity: named(&self.identity),
            boundary: self.boundary.as_ref().map(|d| Named {
                id: "boundary",
                document: d,
            }),
            session: self.session.as_deref().map(named),
            scps: self.scps.iter().map(|l| named(l)).collect(),
            rcps: self.rcps.iter().map(|l| named(l)).collect(),
            resource: named(&self.resource),
        };
        let request = Request {
            principal: self.principal,
            action: &self.action,
            resource: &self.arn,
            resource_account: self.resource_account.as_deref(),
            context: &self.context,
        };
        for thorough in [false, true] {
            let got = evaluate(&request, &set, thorough);
            let layer_ok = self.expect == Decision::Allowed || got.layer == self.layer;
            if got.decision != self.expect || !layer_ok {
                return Err(format!(
                    "{}: expected {:?} ({:?}), got {:?} ({:?})",
                    self.name, self.expect, self.layer, got.decision, got.layer
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn run(cases: Vec<Case>) -> usize {
    let failures: Vec<String> = cases.iter().filter_map(|c| c.check().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}
