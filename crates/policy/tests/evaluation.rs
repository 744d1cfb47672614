//! The evaluation table: cases written from the IAM User Guide's policy evaluation logic,
//! condition operators, policy variables and element references. Each row is one request
//! against one set of policies and the decision AWS documents for it.

use policy::{
    evaluate, Context, Decision, Document, Kind, Layer, Named, PolicySet, Principal, PrincipalKind,
    Request,
};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::111111111111:role/app";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/app/s1";
const ROOT: &str = "arn:aws:iam::111111111111:root";
const OTHER_ROLE: &str = "arn:aws:iam::222222222222:role/ops";
const OTHER_SESSION: &str = "arn:aws:sts::222222222222:assumed-role/ops/s2";
const SG: &str = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1";
const OTHER_SG: &str = "arn:aws:ec2:us-east-1:222222222222:security-group/sg-9";

fn user() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::User,
        arn: ALICE,
        account: "111111111111",
        role_arn: None,
    }
}

fn session() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::RoleSession,
        arn: SESSION,
        account: "111111111111",
        role_arn: Some(ROLE),
    }
}

fn root() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::Root,
        arn: ROOT,
        account: "111111111111",
        role_arn: None,
    }
}

fn other_session() -> Principal<'static> {
    Principal {
        kind: PrincipalKind::RoleSession,
        arn: OTHER_SESSION,
        account: "222222222222",
        role_arn: Some(OTHER_ROLE),
    }
}

/// A policy of these statements (JSON objects, comma-separated).
fn doc(statements: &str, kind: Kind) -> Document {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    Document::parse_as(&text, kind).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

fn deny(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}"#)
}

fn allow_if(action: &str, resource: &str, condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}","Condition":{condition}}}"#
    )
}

fn grant(principal: &str, action: &str, effect: &str) -> String {
    format!(r#"{{"Effect":"{effect}","Principal":{principal},"Action":"{action}"}}"#)
}

/// One row: policies by layer, a request, the expected decision.
struct Case {
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

fn case(name: impl Into<String>) -> Case {
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
    fn identity(mut self, statements: &str) -> Case {
        self.identity.push(doc(statements, Kind::Identity));
        self
    }
    fn boundary(mut self, statements: &str) -> Case {
        self.boundary = Some(doc(statements, Kind::Identity));
        self
    }
    fn session_policy(mut self, statements: &str) -> Case {
        self.session
            .get_or_insert_with(Vec::new)
            .push(doc(statements, Kind::Identity));
        self
    }
    fn scp_level(mut self, statements: &[&str]) -> Case {
        self.scps
            .push(statements.iter().map(|s| doc(s, Kind::Identity)).collect());
        self
    }
    fn rcp_level(mut self, statements: &[&str]) -> Case {
        self.rcps
            .push(statements.iter().map(|s| doc(s, Kind::Identity)).collect());
        self
    }
    fn resource_policy(mut self, statements: &str) -> Case {
        self.resource.push(doc(statements, Kind::Resource));
        self
    }
    fn by(mut self, p: Principal<'static>) -> Case {
        self.principal = p;
        self
    }
    fn action(mut self, a: &str) -> Case {
        self.action = a.into();
        self
    }
    fn on(mut self, arn: &str) -> Case {
        self.arn = arn.into();
        self.resource_account = arn
            .split(':')
            .nth(4)
            .map(str::to_string)
            .filter(|a| !a.is_empty());
        self
    }
    fn with(mut self, key: &str, value: &str) -> Case {
        self.context.set(key, value);
        self
    }
    fn with_all(mut self, key: &str, values: &[&str]) -> Case {
        self.context.set_all(key, values.iter().copied());
        self
    }
    fn allowed(mut self) -> Case {
        self.expect = Decision::Allowed;
        self
    }
    fn denied(mut self, layer: Layer) -> Case {
        self.expect = Decision::ExplicitlyDenied;
        self.layer = Some(layer);
        self
    }
    fn not_allowed(mut self, layer: Layer) -> Case {
        self.expect = Decision::NotAllowed;
        self.layer = Some(layer);
        self
    }

    fn check(&self) -> Result<(), String> {
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

fn run(cases: Vec<Case>) -> usize {
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

// ------------------------------------------------------------------------ deny, allow, wildcards

fn basics() -> Vec<Case> {
    let sg = SG;
    vec![
        case("nothing allows: implicit deny").not_allowed(Layer::Identity),
        case("an allow allows").identity(&allow("ec2:DescribeSecurityGroups", "*")),
        case("deny beats allow")
            .identity(&allow("ec2:*", "*"))
            .identity(&deny("ec2:DescribeSecurityGroups", "*"))
            .denied(Layer::Identity),
        case("deny in the same policy beats allow")
            .identity(&format!("{},{}", allow("*", "*"), deny("ec2:Describe*", "*")))
            .denied(Layer::Identity),
        case("a deny for another action does not apply")
            .identity(&format!("{},{}", allow("*", "*"), deny("ec2:Create*", "*"))),
        case("action wildcard *").identity(&allow("*", "*")),
        case("action wildcard service:*").identity(&allow("ec2:*", "*")),
        case("action prefix wildcard").identity(&allow("ec2:Describe*", "*")),
        case("action ? wildcard").identity(&allow("ec2:DescribeSecurityGroup?", "*")),
        case("action ? needs exactly one character")
            .identity(&allow("ec2:DescribeSecurityGroups?", "*"))
            .not_allowed(Layer::Identity),
        case("actions are case-insensitive").identity(&allow("EC2:describesecuritygroups", "*")),
        case("another service does not match")
            .identity(&allow("ram:*", "*"))
            .not_allowed(Layer::Identity),
        case("an action list").identity(
            r#"{"Effect":"Allow","Action":["ram:GetResourceShares","ec2:DescribeSecurityGroups"],"Resource":"*"}"#,
        ),
        case("NotAction allows everything else").identity(
            r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
        ),
        case("NotAction leaves the listed action out")
            .identity(r#"{"Effect":"Allow","NotAction":"ec2:Describe*","Resource":"*"}"#)
            .not_allowed(Layer::Identity),
        case("Deny with NotAction denies the rest")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}"#)
            .denied(Layer::Identity),
        case("Deny with NotAction spares the listed")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","NotAction":"ec2:*","Resource":"*"}"#),
        case("resource * covers an ARN")
            .action("ec2:AuthorizeSecurityGroupIngress")
            .on(sg)
            .identity(&allow("ec2:AuthorizeSecurityGroupIngress", "*")),
        case("an exact ARN")
            .action("ec2:AuthorizeSecurityGroupIngress")
            .on(sg)
            .identity(&allow("ec2:AuthorizeSecurityGroupIngress", sg)),
        case("another ARN does not match")
            .action("ec2:AuthorizeSecurityGroupIngress")
            .on(sg)
            .identity(&allow(
                "ec2:AuthorizeSecurityGroupIngress",
                "arn:aws:ec2:us-east-1:111111111111:security-group/sg-2",
            ))
            .not_allowed(Layer::Identity),
        case("ARN wildcard in the resource id")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:us-east-1:111111111111:security-group/*")),
        case("ARN wildcard in Region and account")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:*:*:security-group/*")),
        case("ARN ? in the Region")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:us-east-?:111111111111:security-group/sg-1")),
        case("ARN of another resource type")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:*:*:subnet/*"))
            .not_allowed(Layer::Identity),
        case("ARNs are case-sensitive")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:us-east-1:111111111111:Security-Group/sg-1"))
            .not_allowed(Layer::Identity),
        case("a star that ends a part reaches across the colons after it")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:*:security-group/*")),
        case("a star inside a part stays within it")
            .on(sg)
            .identity(&allow("ec2:*", "arn:aws:ec2:us*1:security-group/sg-1"))
            .not_allowed(Layer::Identity),
        case("a statement with only specific ARNs does not grant *")
            .identity(&allow("ec2:DescribeSecurityGroups", sg))
            .not_allowed(Layer::Identity),
        case("NotResource allows other resources")
            .on(sg)
            .identity(r#"{"Effect":"Allow","Action":"ec2:*","NotResource":"arn:aws:ec2:*:*:subnet/*"}"#),
        case("NotResource leaves the listed out")
            .on(sg)
            .identity(r#"{"Effect":"Allow","Action":"ec2:*","NotResource":"arn:aws:ec2:*:*:security-group/*"}"#)
            .not_allowed(Layer::Identity),
        case("Deny with NotResource protects everything else")
            .on(sg)
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","NotResource":"arn:aws:ec2:*:*:subnet/*"}"#)
            .denied(Layer::Identity),
        case("a resource list")
            .on(sg)
            .identity(&format!(
                r#"{{"Effect":"Allow","Action":"ec2:*","Resource":["arn:aws:ec2:*:*:vpc/*","{sg}"]}}"#
            )),
        case("deny on the resource beats allow on *")
            .on(sg)
            .identity(&allow("ec2:*", "*"))
            .identity(&deny("ec2:*", sg))
            .denied(Layer::Identity),
        case("several policies: one allow is enough")
            .identity(&allow("ram:*", "*"))
            .identity(&allow("ec2:Describe*", "*")),
        case("the root user needs no policy").by(root()),
        case("the root user on its own account's resource").by(root()).on(sg),
        case("the root user and a deny in its identity policies (it has none that bind it)")
            .by(root())
            .identity(&deny("*", "*")),
        case("a role session needs an identity allow")
            .by(session())
            .not_allowed(Layer::Identity),
        case("a role session with an allow").by(session()).identity(&allow("ec2:*", "*")),
    ]
}

// ------------------------------------------------------------------------ condition operators

/// (operator, context value(s) or None for absent, policy values, expected)
type Row = (
    &'static str,
    Option<&'static [&'static str]>,
    &'static [&'static str],
    bool,
);

const OPERATORS: &[Row] = &[
    ("StringEquals", Some(&["red"]), &["red"], true),
    ("StringEquals", Some(&["red"]), &["blue", "red"], true),
    ("StringEquals", Some(&["red"]), &["Red"], false),
    ("StringEquals", Some(&["red"]), &["blue"], false),
    ("StringEquals", None, &["red"], false),
    ("StringNotEquals", Some(&["red"]), &["blue"], true),
    ("StringNotEquals", Some(&["red"]), &["red"], false),
    ("StringNotEquals", Some(&["red"]), &["blue", "red"], false),
    ("StringNotEquals", None, &["red"], true),
    ("StringEqualsIgnoreCase", Some(&["Red"]), &["RED"], true),
    ("StringEqualsIgnoreCase", Some(&["Red"]), &["blue"], false),
    ("StringEqualsIgnoreCase", None, &["red"], false),
    ("StringNotEqualsIgnoreCase", Some(&["Red"]), &["RED"], false),
    ("StringNotEqualsIgnoreCase", Some(&["Red"]), &["blue"], true),
    ("StringNotEqualsIgnoreCase", None, &["red"], true),
    ("StringLike", Some(&["team-red"]), &["team-*"], true),
    ("StringLike", Some(&["team-red"]), &["team-???"], true),
    ("StringLike", Some(&["team-red"]), &["team-??"], false),
    ("StringLike", Some(&["team-red"]), &["Team-*"], false),
    ("StringLike", Some(&["x"]), &["*"], true),
    ("StringLike", None, &["*"], false),
    ("StringNotLike", Some(&["team-red"]), &["ops-*"], true),
    ("StringNotLike", Some(&["team-red"]), &["team-*"], false),
    ("StringNotLike", None, &["team-*"], true),
    ("StringEqualsIfExists", None, &["red"], true),
    ("StringEqualsIfExists", Some(&["red"]), &["red"], true),
    ("StringEqualsIfExists", Some(&["blue"]), &["red"], false),
    ("StringNotEqualsIfExists", None, &["red"], true),
    ("StringNotEqualsIfExists", Some(&["red"]), &["red"], false),
    ("StringLikeIfExists", Some(&["team-red"]), &["ops-*"], false),
    ("StringLikeIfExists", None, &["ops-*"], true),
    ("NumericEquals", Some(&["10"]), &["10"], true),
    ("NumericEquals", Some(&["10"]), &["10.0"], true),
    ("NumericEquals", Some(&["10"]), &["11"], false),
    ("NumericEquals", Some(&["ten"]), &["10"], false),
    ("NumericEquals", None, &["10"], false),
    ("NumericNotEquals", Some(&["10"]), &["11"], true),
    ("NumericNotEquals", Some(&["10"]), &["10"], false),
    ("NumericNotEquals", None, &["10"], true),
    ("NumericLessThan", Some(&["9"]), &["10"], true),
    ("NumericLessThan", Some(&["10"]), &["10"], false),
    ("NumericLessThan", Some(&["-1"]), &["0"], true),
    ("NumericLessThanEquals", Some(&["10"]), &["10"], true),
    ("NumericLessThanEquals", Some(&["11"]), &["10"], false),
    ("NumericGreaterThan", Some(&["11"]), &["10"], true),
    ("NumericGreaterThan", Some(&["10"]), &["10"], false),
    ("NumericGreaterThanEquals", Some(&["10"]), &["10"], true),
    ("NumericGreaterThanEquals", Some(&["9.5"]), &["10"], false),
    ("NumericGreaterThanEquals", None, &["10"], false),
    ("NumericLessThanIfExists", None, &["10"], true),
    ("NumericLessThanIfExists", Some(&["20"]), &["10"], false),
    (
        "DateEquals",
        Some(&["2026-01-01T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateEquals",
        Some(&["2026-01-01T00:00:00Z"]),
        &["1767225600"],
        true,
    ),
    (
        "DateEquals",
        Some(&["2026-01-01T00:00:00Z"]),
        &["2026-01-01"],
        true,
    ),
    (
        "DateEquals",
        Some(&["2026-01-01T00:00:01Z"]),
        &["2026-01-01T00:00:00Z"],
        false,
    ),
    (
        "DateNotEquals",
        Some(&["2026-01-01T00:00:01Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    ("DateNotEquals", None, &["2026-01-01T00:00:00Z"], true),
    (
        "DateLessThan",
        Some(&["2025-12-31T23:59:59Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateLessThan",
        Some(&["2026-01-01T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        false,
    ),
    (
        "DateLessThan",
        Some(&["2026-06-01T12:00:00+02:00"]),
        &["2026-06-01T11:00:00Z"],
        true,
    ),
    (
        "DateLessThanEquals",
        Some(&["2026-01-01T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateGreaterThan",
        Some(&["2026-01-02T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateGreaterThan",
        Some(&["2025-01-02T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        false,
    ),
    (
        "DateGreaterThanEquals",
        Some(&["2026-01-01T00:00:00Z"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    ("DateGreaterThan", None, &["2026-01-01T00:00:00Z"], false),
    (
        "DateGreaterThanIfExists",
        None,
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateLessThan",
        Some(&["not a date"]),
        &["2026-01-01T00:00:00Z"],
        false,
    ),
    ("Bool", Some(&["true"]), &["true"], true),
    ("Bool", Some(&["false"]), &["true"], false),
    ("Bool", Some(&["TRUE"]), &["true"], true),
    ("Bool", None, &["true"], false),
    ("Bool", None, &["false"], false),
    ("BoolIfExists", None, &["false"], true),
    ("BoolIfExists", Some(&["true"]), &["false"], false),
    ("BinaryEquals", Some(&["QmluYXJ5"]), &["QmluYXJ5"], true),
    ("BinaryEquals", Some(&["QmluYXJ5"]), &["qmluyxj5"], false),
    ("BinaryEquals", None, &["QmluYXJ5"], false),
    (
        "IpAddress",
        Some(&["203.0.113.7"]),
        &["203.0.113.0/24"],
        true,
    ),
    (
        "IpAddress",
        Some(&["203.0.114.7"]),
        &["203.0.113.0/24"],
        false,
    ),
    ("IpAddress", Some(&["203.0.113.7"]), &["203.0.113.7"], true),
    (
        "IpAddress",
        Some(&["203.0.113.7"]),
        &["198.51.100.0/24", "203.0.113.0/24"],
        true,
    ),
    (
        "IpAddress",
        Some(&["2001:db8::1"]),
        &["2001:db8::/32"],
        true,
    ),
    (
        "IpAddress",
        Some(&["2001:db9::1"]),
        &["2001:db8::/32"],
        false,
    ),
    ("IpAddress", Some(&["not an ip"]), &["0.0.0.0/0"], false),
    ("IpAddress", None, &["0.0.0.0/0"], false),
    (
        "NotIpAddress",
        Some(&["203.0.113.7"]),
        &["10.0.0.0/8"],
        true,
    ),
    ("NotIpAddress", Some(&["10.1.2.3"]), &["10.0.0.0/8"], false),
    ("NotIpAddress", None, &["10.0.0.0/8"], true),
    ("IpAddressIfExists", None, &["10.0.0.0/8"], true),
    ("ArnEquals", Some(&[SG]), &[SG], true),
    (
        "ArnEquals",
        Some(&[SG]),
        &["arn:aws:ec2:*:111111111111:security-group/*"],
        true,
    ),
    (
        "ArnLike",
        Some(&[SG]),
        &["arn:aws:ec2:*:*:security-group/sg-?"],
        true,
    ),
    ("ArnLike", Some(&[SG]), &["arn:aws:ec2:*:*:subnet/*"], false),
    (
        "ArnLike",
        Some(&[SG]),
        &["arn:aws:ec2:*:security-group/*"],
        false,
    ),
    ("ArnLike", None, &["arn:aws:ec2:*:*:*"], false),
    (
        "ArnNotEquals",
        Some(&[SG]),
        &["arn:aws:ec2:*:*:subnet/*"],
        true,
    ),
    (
        "ArnNotLike",
        Some(&[SG]),
        &["arn:aws:ec2:*:*:security-group/*"],
        false,
    ),
    (
        "ArnNotLike",
        None,
        &["arn:aws:ec2:*:*:security-group/*"],
        true,
    ),
    ("ArnLikeIfExists", None, &["arn:aws:ec2:*:*:*"], true),
    ("Null", None, &["true"], true),
    ("Null", Some(&["x"]), &["true"], false),
    ("Null", Some(&["x"]), &["false"], true),
    ("Null", None, &["false"], false),
    ("Null", Some(&[]), &["true"], true),
    // Multivalued keys.
    (
        "ForAnyValue:StringEquals",
        Some(&["a", "b"]),
        &["b", "c"],
        true,
    ),
    ("ForAnyValue:StringEquals", Some(&["a", "b"]), &["c"], false),
    ("ForAnyValue:StringEquals", None, &["a"], false),
    ("ForAnyValue:StringEquals", Some(&[]), &["a"], false),
    (
        "ForAnyValue:StringLike",
        Some(&["env", "team"]),
        &["te*"],
        true,
    ),
    (
        "ForAnyValue:StringNotEquals",
        Some(&["a", "b"]),
        &["a"],
        true,
    ),
    ("ForAnyValue:StringNotEquals", Some(&["a"]), &["a"], false),
    ("ForAnyValue:StringEqualsIfExists", None, &["a"], true),
    (
        "ForAllValues:StringEquals",
        Some(&["a", "b"]),
        &["a", "b", "c"],
        true,
    ),
    (
        "ForAllValues:StringEquals",
        Some(&["a", "d"]),
        &["a", "b", "c"],
        false,
    ),
    ("ForAllValues:StringEquals", None, &["a"], true),
    ("ForAllValues:StringEquals", Some(&[]), &["a"], true),
    (
        "ForAllValues:StringLike",
        Some(&["team", "tier"]),
        &["t*"],
        true,
    ),
    (
        "ForAllValues:StringLike",
        Some(&["team", "env"]),
        &["t*"],
        false,
    ),
    (
        "ForAllValues:StringNotEquals",
        Some(&["a", "b"]),
        &["c"],
        true,
    ),
    (
        "ForAllValues:StringNotEquals",
        Some(&["a", "c"]),
        &["c"],
        false,
    ),
    (
        "ForAllValues:StringNotLike",
        Some(&["x", "y"]),
        &["a*"],
        true,
    ),
    (
        "ForAllValues:NumericLessThan",
        Some(&["1", "2"]),
        &["3"],
        true,
    ),
    (
        "ForAnyValue:NumericGreaterThan",
        Some(&["1", "5"]),
        &["3"],
        true,
    ),
    (
        "ForAllValues:IpAddress",
        Some(&["10.0.0.1", "10.0.0.2"]),
        &["10.0.0.0/8"],
        true,
    ),
    (
        "ForAnyValue:ArnLike",
        Some(&[SG, "arn:aws:ec2:us-east-1:1:vpc/v"]),
        &["arn:aws:ec2:*:*:vpc/*"],
        true,
    ),
    // More of each family, with their absent-key and qualifier rules.
    ("StringEquals", Some(&[""]), &[""], true),
    ("StringEquals", Some(&["a b"]), &["a b"], true),
    ("StringEquals", Some(&["é"]), &["é"], true),
    ("StringEqualsIgnoreCase", Some(&["ÉCOLE"]), &["école"], true),
    ("StringLike", Some(&["a*b"]), &["a${*}b"], true),
    ("StringLike", Some(&["axb"]), &["a${*}b"], false),
    ("StringLike", Some(&["prod-eu-1"]), &["*-eu-*"], true),
    ("StringLike", Some(&["dev"]), &["prod*", "stage*"], false),
    ("StringNotLike", Some(&["dev"]), &["prod*", "stage*"], true),
    ("StringNotEqualsIfExists", Some(&["blue"]), &["red"], true),
    (
        "StringNotLikeIfExists",
        Some(&["team-red"]),
        &["team-*"],
        false,
    ),
    ("StringEqualsIgnoreCaseIfExists", None, &["x"], true),
    ("NumericEquals", Some(&["1e1"]), &["10"], true),
    ("NumericEquals", Some(&["-0"]), &["0"], true),
    ("NumericLessThan", Some(&["3600"]), &["43200"], true),
    ("NumericGreaterThan", Some(&["ten"]), &["1"], false),
    ("NumericNotEqualsIfExists", None, &["1"], true),
    (
        "NumericGreaterThanEqualsIfExists",
        Some(&["1"]),
        &["2"],
        false,
    ),
    (
        "DateGreaterThan",
        Some(&["1767225601"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateLessThanEquals",
        Some(&["2026-01-01"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateNotEqualsIfExists",
        None,
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    (
        "DateEquals",
        Some(&["2026-01-01T01:00:00+01:00"]),
        &["2026-01-01T00:00:00Z"],
        true,
    ),
    ("Bool", Some(&["yes"]), &["true"], false),
    ("Bool", Some(&["false"]), &["false"], true),
    (
        "IpAddress",
        Some(&["10.1.2.3"]),
        &["10.0.0.0/8", "192.168.0.0/16"],
        true,
    ),
    (
        "IpAddress",
        Some(&["192.168.1.1"]),
        &["192.168.1.1/32"],
        true,
    ),
    ("IpAddress", Some(&["::1"]), &["127.0.0.0/8"], false),
    (
        "NotIpAddress",
        Some(&["2001:db8::5"]),
        &["2001:db8::/32"],
        false,
    ),
    ("NotIpAddressIfExists", None, &["10.0.0.0/8"], true),
    (
        "ArnLike",
        Some(&["arn:aws:iam::111111111111:role/admin-ops"]),
        &["arn:aws:iam::*:role/admin-*"],
        true,
    ),
    (
        "ArnLike",
        Some(&["arn:aws:iam::111111111111:role/dev"]),
        &["arn:aws:iam::*:role/admin-*"],
        false,
    ),
    (
        "ArnEquals",
        Some(&["arn:aws:iam::111111111111:root"]),
        &["arn:aws:iam::111111111111:root"],
        true,
    ),
    (
        "ArnNotLikeIfExists",
        Some(&[SG]),
        &["arn:aws:ec2:*:*:subnet/*"],
        true,
    ),
    (
        "ForAllValues:StringEqualsIgnoreCase",
        Some(&["NAME", "Env"]),
        &["name", "env"],
        true,
    ),
    ("ForAllValues:StringLike", None, &["x*"], true),
    ("ForAnyValue:StringLike", None, &["x*"], false),
    (
        "ForAnyValue:StringNotLike",
        Some(&["xa", "yb"]),
        &["x*"],
        true,
    ),
    (
        "ForAnyValue:StringNotLike",
        Some(&["xa", "xb"]),
        &["x*"],
        false,
    ),
    ("ForAllValues:StringEqualsIfExists", None, &["a"], true),
    (
        "ForAnyValue:IpAddress",
        Some(&["8.8.8.8", "10.0.0.1"]),
        &["10.0.0.0/8"],
        true,
    ),
    (
        "ForAllValues:IpAddress",
        Some(&["8.8.8.8", "10.0.0.1"]),
        &["10.0.0.0/8"],
        false,
    ),
    // A single-valued operator on a multivalued key: any value matching is enough.
    ("StringEquals", Some(&["a", "b"]), &["b"], true),
    ("StringNotEquals", Some(&["a", "b"]), &["b"], false),
];

fn operators() -> Vec<Case> {
    OPERATORS
        .iter()
        .map(|(op, context, values, holds)| {
            let list = values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(",");
            let condition = format!(r#"{{"{op}":{{"test:Key":[{list}]}}}}"#);
            let mut c = case(format!("{op} {context:?} against {values:?}"))
                .identity(&allow_if("ec2:*", "*", &condition));
            if let Some(vs) = context {
                c = c.with_all("test:key", vs);
            }
            if *holds {
                c.allowed()
            } else {
                c.not_allowed(Layer::Identity)
            }
        })
        .collect()
}

fn condition_structure() -> Vec<Case> {
    let two_ops =
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}}"#;
    let two_keys =
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red","aws:RequestedRegion":"us-east-1"}}"#;
    vec![
        case("two operators: both hold")
            .identity(&allow_if("ec2:*", "*", two_ops))
            .with("aws:PrincipalTag/team", "red")
            .with("aws:SecureTransport", "true"),
        case("two operators: one fails")
            .identity(&allow_if("ec2:*", "*", two_ops))
            .with("aws:PrincipalTag/team", "red")
            .with("aws:SecureTransport", "false")
            .not_allowed(Layer::Identity),
        case("two keys under one operator: both hold")
            .identity(&allow_if("ec2:*", "*", two_keys))
            .with("aws:PrincipalTag/team", "red")
            .with("aws:RequestedRegion", "us-east-1"),
        case("two keys under one operator: one fails")
            .identity(&allow_if("ec2:*", "*", two_keys))
            .with("aws:PrincipalTag/team", "red")
            .with("aws:RequestedRegion", "eu-west-1")
            .not_allowed(Layer::Identity),
        case("condition key names are case-insensitive")
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"AWS:REQUESTEDREGION":"us-east-1"}}"#))
            .with("aws:RequestedRegion", "us-east-1"),
        case("a deny with a condition that holds")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}"#)
            .with("aws:RequestedRegion", "ap-south-1")
            .denied(Layer::Identity),
        case("a deny with a condition that does not hold")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}"#)
            .with("aws:RequestedRegion", "eu-west-1"),
        case("a deny on a missing tag (Null true)")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"ec2:CreateSecurityGroup","Resource":"*","Condition":{"Null":{"aws:RequestTag/cost-center":"true"}}}"#)
            .action("ec2:CreateSecurityGroup")
            .denied(Layer::Identity),
        case("the tag is there: no deny")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"ec2:CreateSecurityGroup","Resource":"*","Condition":{"Null":{"aws:RequestTag/cost-center":"true"}}}"#)
            .action("ec2:CreateSecurityGroup")
            .with("aws:RequestTag/cost-center", "42"),
        case("only allowed tag keys (ForAllValues)")
            .identity(&allow_if("ec2:CreateTags", "*", r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Name","env"]}}"#))
            .action("ec2:CreateTags")
            .with_all("aws:TagKeys", &["Name", "env"]),
        case("a tag key outside the allowed set")
            .identity(&allow_if("ec2:CreateTags", "*", r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Name","env"]}}"#))
            .action("ec2:CreateTags")
            .with_all("aws:TagKeys", &["Name", "owner"])
            .not_allowed(Layer::Identity),
        case("tag keys: ForAllValues without any key is vacuously true")
            .identity(&allow_if("ec2:CreateTags", "*", r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["Name"]}}"#))
            .action("ec2:CreateTags"),
        case("the resource's tag matches the principal's tag")
            .on(SG)
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#))
            .with("aws:ResourceTag/team", "red")
            .with("aws:PrincipalTag/team", "red"),
        case("the resource's tag differs from the principal's tag")
            .on(SG)
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#))
            .with("aws:ResourceTag/team", "blue")
            .with("aws:PrincipalTag/team", "red")
            .not_allowed(Layer::Identity),
        case("a variable with no value matches nothing")
            .on(SG)
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#))
            .with("aws:ResourceTag/team", "red")
            .not_allowed(Layer::Identity),
        case("a variable's default is used when the key is missing")
            .on(SG)
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'shared'}"}}"#))
            .with("aws:ResourceTag/team", "shared"),
        case("a variable in the resource")
            .action("iam:CreateAccessKey")
            .on(ALICE)
            .identity(&allow("iam:*AccessKey*", "arn:aws:iam::111111111111:user/${aws:username}"))
            .with("aws:username", "alice"),
        case("a variable in the resource for another user")
            .action("iam:CreateAccessKey")
            .on("arn:aws:iam::111111111111:user/bob")
            .identity(&allow("iam:*AccessKey*", "arn:aws:iam::111111111111:user/${aws:username}"))
            .with("aws:username", "alice")
            .not_allowed(Layer::Identity),
        case("a variable in the resource without a value")
            .action("iam:CreateAccessKey")
            .on(ALICE)
            .identity(&allow("iam:*AccessKey*", "arn:aws:iam::111111111111:user/${aws:username}"))
            .not_allowed(Layer::Identity),
        case("${*} is a literal star, not a wildcard")
            .on(SG)
            .identity(&allow("ec2:*", "arn:aws:ec2:us-east-1:111111111111:security-group/${*}"))
            .not_allowed(Layer::Identity),
        case("a StringLike pattern from a variable")
            .identity(&allow_if("ec2:*", "*", r#"{"StringLike":{"aws:userid":"*:${aws:username}"}}"#))
            .with("aws:userid", "AROAEXAMPLE:alice")
            .with("aws:username", "alice"),
        case("the principal's organization")
            .identity(&allow_if("ec2:*", "*", r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#))
            .with("aws:PrincipalOrgID", "o-abc"),
        case("organization paths with ForAnyValue:StringLike")
            .identity(&allow_if("ec2:*", "*", r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-1/ou-1/*"}}"#))
            .with_all("aws:PrincipalOrgPaths", &["o-abc/r-1/ou-1/ou-2/"]),
        case("organization paths of another OU")
            .identity(&allow_if("ec2:*", "*", r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-1/ou-1/*"}}"#))
            .with_all("aws:PrincipalOrgPaths", &["o-abc/r-1/ou-9/"])
            .not_allowed(Layer::Identity),
        case("a time window: inside")
            .identity(&allow_if("ec2:*", "*", r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}"#))
            .with("aws:CurrentTime", "2026-12-02T10:00:00Z"),
        case("a time window: after it")
            .identity(&allow_if("ec2:*", "*", r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-06-01T00:00:00Z"}}"#))
            .with("aws:CurrentTime", "2026-12-02T10:00:00Z")
            .not_allowed(Layer::Identity),
        case("epoch time compared as a number")
            .identity(&allow_if("ec2:*", "*", r#"{"NumericLessThan":{"aws:EpochTime":"1800000000"}}"#))
            .with("aws:EpochTime", "1796205600"),
        case("the VPC of the request (ec2:Vpc)")
            .action("ec2:RunInstances")
            .on(SG)
            .identity(&allow_if("ec2:RunInstances", "arn:aws:ec2:*:*:security-group/*", r#"{"ArnEquals":{"ec2:Vpc":"arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1"}}"#))
            .with("ec2:Vpc", "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1"),
        case("another VPC")
            .action("ec2:RunInstances")
            .on(SG)
            .identity(&allow_if("ec2:RunInstances", "arn:aws:ec2:*:*:security-group/*", r#"{"ArnEquals":{"ec2:Vpc":"arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1"}}"#))
            .with("ec2:Vpc", "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-2")
            .not_allowed(Layer::Identity),
        case("only on creation (ec2:CreateAction)")
            .action("ec2:CreateTags")
            .identity(&allow_if("ec2:CreateTags", "*", r#"{"StringEquals":{"ec2:CreateAction":["CreateSecurityGroup","RunInstances"]}}"#))
            .with("ec2:CreateAction", "CreateSecurityGroup"),
        case("tagging outside creation")
            .action("ec2:CreateTags")
            .identity(&allow_if("ec2:CreateTags", "*", r#"{"StringEquals":{"ec2:CreateAction":["CreateSecurityGroup","RunInstances"]}}"#))
            .not_allowed(Layer::Identity),
        case("called via a service")
            .identity(&allow_if("ec2:*", "*", r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"cloudformation.amazonaws.com"}}"#))
            .with_all("aws:CalledVia", &["cloudformation.amazonaws.com"]),
        case("MFA required and absent (BoolIfExists false pattern)")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#)
            .denied(Layer::Identity),
        case("MFA required and present")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#)
            .with("aws:MultiFactorAuthPresent", "true"),
        case("a source IP range")
            .identity(&allow_if("ec2:*", "*", r#"{"IpAddress":{"aws:SourceIp":["127.0.0.0/8"]}}"#))
            .with("aws:SourceIp", "127.0.0.1"),
        case("a deny outside a source IP range")
            .identity(&allow("*", "*"))
            .identity(r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}"#)
            .with("aws:SourceIp", "127.0.0.1")
            .denied(Layer::Identity),
    ]
}

// ------------------------------------------------------------------------ boundaries, sessions

fn boundaries_and_sessions() -> Vec<Case> {
    vec![
        case("a boundary that allows")
            .identity(&allow("ec2:*", "*"))
            .boundary(&allow("ec2:Describe*", "*")),
        case("a boundary that does not allow")
            .identity(&allow("ec2:*", "*"))
            .boundary(&allow("ram:*", "*"))
            .not_allowed(Layer::Boundary),
        case("a boundary alone grants nothing")
            .boundary(&allow("*", "*"))
            .not_allowed(Layer::Identity),
        case("a deny in the boundary")
            .identity(&allow("*", "*"))
            .boundary(&format!("{},{}", allow("*", "*"), deny("ec2:*", "*")))
            .denied(Layer::Boundary),
        case("the intersection: identity lacks it")
            .identity(&allow("ram:*", "*"))
            .boundary(&allow("ec2:*", "*"))
            .not_allowed(Layer::Identity),
        case("a session policy within the role's permissions")
            .by(session())
            .identity(&allow("ec2:*", "*"))
            .session_policy(&allow("ec2:Describe*", "*")),
        case("a session policy that does not allow")
            .by(session())
            .identity(&allow("ec2:*", "*"))
            .session_policy(&allow("ram:*", "*"))
            .not_allowed(Layer::Session),
        case("a session policy does not add to the role")
            .by(session())
            .identity(&allow("ram:*", "*"))
            .session_policy(&allow("*", "*"))
            .not_allowed(Layer::Identity),
        case("several session policies: one allow is enough")
            .by(session())
            .identity(&allow("*", "*"))
            .session_policy(&allow("ram:*", "*"))
            .session_policy(&allow("ec2:Describe*", "*")),
        case("a deny in a session policy")
            .by(session())
            .identity(&allow("*", "*"))
            .session_policy(&format!(
                "{},{}",
                allow("*", "*"),
                deny("ec2:Describe*", "*")
            ))
            .denied(Layer::Session),
        case("role, boundary and session all allow")
            .by(session())
            .identity(&allow("ec2:*", "*"))
            .boundary(&allow("ec2:*", "*"))
            .session_policy(&allow("ec2:*", "*")),
        case("role and session allow, boundary does not")
            .by(session())
            .identity(&allow("ec2:*", "*"))
            .boundary(&allow("ram:*", "*"))
            .session_policy(&allow("ec2:*", "*"))
            .not_allowed(Layer::Boundary),
        case("a boundary with a condition")
            .identity(&allow("ec2:*", "*"))
            .boundary(&allow_if(
                "ec2:*",
                "*",
                r#"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
            ))
            .with("aws:RequestedRegion", "eu-west-1")
            .not_allowed(Layer::Boundary),
    ]
}

// ------------------------------------------------------------------------ organizations

fn organizations() -> Vec<Case> {
    let full = allow("*", "*");
    let ec2_only = allow("ec2:*", "*");
    let deny_ram = deny("ram:*", "*");
    vec![
        case("FullAWSAccess at every level")
            .identity(&allow("ec2:*", "*"))
            .scp_level(&[&full])
            .scp_level(&[&full])
            .scp_level(&[&full]),
        case("an SCP grants nothing by itself")
            .scp_level(&[&full])
            .not_allowed(Layer::Identity),
        case("one level without an allow")
            .identity(&allow("ec2:*", "*"))
            .scp_level(&[&full])
            .scp_level(&[&allow("ram:*", "*")])
            .scp_level(&[&full])
            .not_allowed(Layer::Scp),
        case("every level must allow: the account's own level lacks it")
            .identity(&allow("ec2:*", "*"))
            .scp_level(&[&full])
            .scp_level(&[&full])
            .scp_level(&[&allow("iam:*", "*")])
            .not_allowed(Layer::Scp),
        case("allow lists at each level that all cover the action")
            .identity(&allow("*", "*"))
            .scp_level(&[&full])
            .scp_level(&[&ec2_only])
            .scp_level(&[&allow("ec2:Describe*", "*")]),
        case("a deny at the root reaches every account")
            .identity(&allow("*", "*"))
            .action("ram:CreateResourceShare")
            .scp_level(&[&full, &deny_ram])
            .scp_level(&[&full])
            .denied(Layer::Scp),
        case("a deny in a nested OU")
            .identity(&allow("*", "*"))
            .action("ram:CreateResourceShare")
            .scp_level(&[&full])
            .scp_level(&[&full])
            .scp_level(&[&full, &deny_ram])
            .scp_level(&[&full])
            .denied(Layer::Scp),
        case("an SCP binds a member account's root")
            .by(root())
            .action("ram:CreateResourceShare")
            .scp_level(&[&full, &deny_ram])
            .denied(Layer::Scp),
        case("an SCP without an allow binds the root too")
            .by(root())
            .action("ram:CreateResourceShare")
            .scp_level(&[&ec2_only])
            .not_allowed(Layer::Scp),
        case("the root within its SCPs")
            .by(root())
            .scp_level(&[&ec2_only]),
        case("an SCP deny with a Region condition")
            .identity(&allow("*", "*"))
            .scp_level(&[&full, r#"{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}"#])
            .with("aws:RequestedRegion", "eu-west-1")
            .denied(Layer::Scp),
        case("the same SCP in the allowed Region")
            .identity(&allow("*", "*"))
            .scp_level(&[&full, r#"{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}"#])
            .with("aws:RequestedRegion", "us-east-1"),
        case("no SCP levels: nothing from Organizations applies")
            .identity(&allow("ec2:*", "*")),
        case("an SCP allow does not beat an identity deny")
            .identity(&allow("*", "*"))
            .identity(&deny("ec2:*", "*"))
            .scp_level(&[&full])
            .denied(Layer::Identity),
        case("an RCP that allows")
            .by(other_session())
            .action("sts:AssumeRole")
            .on(ROLE)
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&grant(r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "sts:AssumeRole", "Allow"))
            .rcp_level(&[&full]),
        case("an RCP deny on the resource's account")
            .by(other_session())
            .action("sts:AssumeRole")
            .on(ROLE)
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&grant(r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "sts:AssumeRole", "Allow"))
            .rcp_level(&[&full, r#"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}"#])
            .with("aws:PrincipalOrgID", "o-other")
            .denied(Layer::Rcp),
        case("an RCP level without an allow")
            .by(other_session())
            .action("sts:AssumeRole")
            .on(ROLE)
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&grant(r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "sts:AssumeRole", "Allow"))
            .rcp_level(&[&allow("s3:*", "*")])
            .not_allowed(Layer::Rcp),
    ]
}

// ------------------------------------------------------------------------ resource-based, cross-account

fn resource_policies() -> Vec<Case> {
    let to = |who: &str| grant(&format!(r#"{{"AWS":"{who}"}}"#), "sts:AssumeRole", "Allow");
    let assume = |c: Case| c.action("sts:AssumeRole").on(ROLE);
    vec![
        // Same account.
        assume(case("same account: a grant to the user itself suffices"))
            .resource_policy(&to(ALICE)),
        assume(case("same account: a grant to the user outweighs an implicit deny in its boundary"))
            .resource_policy(&to(ALICE))
            .boundary(&allow("ec2:*", "*")),
        assume(case("same account: a grant to the account needs the identity policy"))
            .resource_policy(&to("arn:aws:iam::111111111111:root"))
            .not_allowed(Layer::Identity),
        assume(case("same account: a grant to the account id needs the identity policy"))
            .resource_policy(&to("111111111111"))
            .not_allowed(Layer::Identity),
        assume(case("same account: account grant plus identity allow"))
            .resource_policy(&to("111111111111"))
            .identity(&allow("sts:AssumeRole", "*")),
        assume(case("same account: identity allow without any resource grant"))
            .identity(&allow("sts:AssumeRole", "*")),
        assume(case("same account: a grant to the session itself"))
            .by(session())
            .resource_policy(&to(SESSION)),
        assume(case("same account: a grant to the session is not limited by its session policy"))
            .by(session())
            .resource_policy(&to(SESSION))
            .session_policy(&allow("ec2:*", "*")),
        assume(case("same account: a grant to the role"))
            .by(session())
            .resource_policy(&to(ROLE)),
        assume(case("same account: a grant to the role is limited by the boundary"))
            .by(session())
            .resource_policy(&to(ROLE))
            .boundary(&allow("ec2:*", "*"))
            .not_allowed(Layer::Boundary),
        assume(case("same account: a grant to the role is limited by the session policy"))
            .by(session())
            .resource_policy(&to(ROLE))
            .session_policy(&allow("ec2:*", "*"))
            .not_allowed(Layer::Session),
        assume(case("same account: an explicit deny in the identity policy beats the grant"))
            .resource_policy(&to(ALICE))
            .identity(&deny("sts:*", "*"))
            .denied(Layer::Identity),
        assume(case("same account: a deny in the resource policy"))
            .identity(&allow("*", "*"))
            .resource_policy(&grant(&format!(r#"{{"AWS":"{ALICE}"}}"#), "sts:AssumeRole", "Deny"))
            .denied(Layer::Resource),
        assume(case("same account: a deny in the resource policy binds the root"))
            .by(root())
            .resource_policy(&grant(r#""*""#, "sts:AssumeRole", "Deny"))
            .denied(Layer::Resource),
        assume(case("same account: a grant to someone else"))
            .resource_policy(&to("arn:aws:iam::111111111111:user/bob"))
            .not_allowed(Layer::Identity),
        assume(case("same account: Principal * grants"))
            .resource_policy(&grant(r#""*""#, "sts:AssumeRole", "Allow")),
        assume(case("same account: a grant for another action"))
            .resource_policy(&grant(&format!(r#"{{"AWS":"{ALICE}"}}"#), "sts:TagSession", "Allow"))
            .not_allowed(Layer::Identity),
        assume(case("same account: a grant with a condition that holds"))
            .resource_policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"x-1"}}}}}}"#))
            .with("sts:ExternalId", "x-1"),
        assume(case("same account: a grant with a condition that fails"))
            .resource_policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"x-1"}}}}}}"#))
            .not_allowed(Layer::Identity),
        // Cross account.
        assume(case("cross account: both sides allow"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", ROLE))
            .resource_policy(&to("arn:aws:iam::222222222222:root")),
        assume(case("cross account: the resource side names the role"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&to(OTHER_ROLE)),
        assume(case("cross account: the resource side names the session"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&to(OTHER_SESSION)),
        assume(case("cross account: without the caller's identity allow"))
            .by(other_session())
            .resource_policy(&to("arn:aws:iam::222222222222:root"))
            .not_allowed(Layer::Identity),
        assume(case("cross account: without a resource grant"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .not_allowed(Layer::Resource),
        assume(case("cross account: the grant names a third account"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .resource_policy(&to("arn:aws:iam::333333333333:root"))
            .not_allowed(Layer::Resource),
        assume(case("cross account: the caller's boundary bounds it"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .boundary(&allow("ec2:*", "*"))
            .resource_policy(&to(OTHER_SESSION))
            .not_allowed(Layer::Boundary),
        assume(case("cross account: the caller's SCP bounds it"))
            .by(other_session())
            .identity(&allow("sts:AssumeRole", "*"))
            .scp_level(&[&deny("sts:*", "*"), &allow("*", "*")])
            .resource_policy(&to(OTHER_SESSION))
            .denied(Layer::Scp),
        assume(case("cross account: a root needs the resource side"))
            .by(Principal {
                kind: PrincipalKind::Root,
                arn: "arn:aws:iam::222222222222:root",
                account: "222222222222",
                role_arn: None,
            })
            .not_allowed(Layer::Resource),
        assume(case("cross account: a root with the resource side"))
            .by(Principal {
                kind: PrincipalKind::Root,
                arn: "arn:aws:iam::222222222222:root",
                account: "222222222222",
                role_arn: None,
            })
            .resource_policy(&to("222222222222")),
        case("cross account: a shared group's owner grants the action (a RAM share)")
            .by(other_session())
            .action("ec2:ModifyNetworkInterfaceAttribute")
            .on(SG)
            .identity(&allow("ec2:ModifyNetworkInterfaceAttribute", "*"))
            .resource_policy(r#"{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["ec2:ModifyNetworkInterfaceAttribute","ec2:RunInstances"]}"#),
        case("cross account: the RAM grant does not cover changing rules")
            .by(other_session())
            .action("ec2:AuthorizeSecurityGroupIngress")
            .on(SG)
            .identity(&allow("ec2:*", "*"))
            .resource_policy(r#"{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["ec2:ModifyNetworkInterfaceAttribute","ec2:RunInstances"]}"#)
            .not_allowed(Layer::Resource),
        case("cross account: a policy scoped to its own account's ARNs does not reach the owner's group")
            .by(other_session())
            .action("ec2:ModifyNetworkInterfaceAttribute")
            .on(SG)
            .identity(&allow("ec2:ModifyNetworkInterfaceAttribute", "arn:aws:ec2:*:222222222222:*"))
            .resource_policy(r#"{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"ec2:ModifyNetworkInterfaceAttribute"}"#)
            .not_allowed(Layer::Identity),
        case("own account's resource is same-account even with a resource policy present")
            .by(other_session())
            .action("ec2:ModifyNetworkInterfaceAttribute")
            .on(OTHER_SG)
            .identity(&allow("ec2:*", "arn:aws:ec2:*:222222222222:*")),
        // NotPrincipal.
        assume(case("NotPrincipal deny spares the listed user and account"))
            .identity(&allow("*", "*"))
            .resource_policy(&format!(r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":["{ALICE}","111111111111"]}},"Action":"*"}}"#)),
        assume(case("NotPrincipal deny listing only the user still denies"))
            .identity(&allow("*", "*"))
            .resource_policy(&format!(r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":["{ALICE}"]}},"Action":"*"}}"#))
            .denied(Layer::Resource),
        assume(case("NotPrincipal deny reaches others"))
            .identity(&allow("*", "*"))
            .resource_policy(r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:user/bob","111111111111"]},"Action":"*"}"#)
            .denied(Layer::Resource),
        assume(case("NotPrincipal deny spares a root listed by its account"))
            .by(root())
            .resource_policy(r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"*"}"#),
        assume(case("a service principal grant does not name a user"))
            .resource_policy(&grant(r#"{"Service":"ec2.amazonaws.com"}"#, "sts:AssumeRole", "Allow"))
            .not_allowed(Layer::Identity),
        assume(case("a service principal is named by its grant"))
            .by(Principal {
                kind: PrincipalKind::Service,
                arn: "ec2.amazonaws.com",
                account: "111111111111",
                role_arn: None,
            })
            .resource_policy(&grant(r#"{"Service":"ec2.amazonaws.com"}"#, "sts:AssumeRole", "Allow")),
    ]
}

// ------------------------------------------------------------------------ documents refused

#[test]
fn documents_the_evaluator_would_not_understand_are_refused() {
    let refused = [
        "",
        "[]",
        r#"{"Statement":[]}"#,
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2013-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Extra":1}"#,
        r#"{"Statement":{"Effect":"allow","Action":"*","Resource":"*"}}"#,
        r#"{"Statement":{"Action":"*","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"ec2","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"sg-1"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"y"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"aws:x":"ten"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:x":"true"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:x":"y"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"nokey":"y"}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:x":[]}}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":"StringEquals"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","NotPrincipal":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":{"AWS":"arn:aws:iam::*:root"}}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":{"Robot":"x"}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::1:user/${aws:username, nobody}"}}"#,
    ];
    for text in refused {
        assert!(Document::parse(text).is_err(), "accepted: {text}");
    }
    let identity_with_principal =
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}}"#;
    assert_eq!(
        Document::parse_as(identity_with_principal, Kind::Identity).unwrap_err(),
        "Policy document should not specify a principal."
    );
    let resource_without_principal = r#"{"Statement":{"Effect":"Allow","Action":"*"}}"#;
    assert!(Document::parse_as(resource_without_principal, Kind::Resource).is_err());
    let identity_without_resource = r#"{"Statement":{"Effect":"Allow","Action":"*"}}"#;
    assert!(Document::parse_as(identity_without_resource, Kind::Identity).is_err());
    // Version 2008-10-17 has no variables: `${…}` is text.
    let old = Document::parse(
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::1:user/${aws:username}"}}"#,
    )
    .unwrap();
    let mut missing = Vec::new();
    assert!(old.statements[0].matches_resource(
        "arn:aws:iam::1:user/${aws:username}",
        &Context::new().with("aws:username", "alice"),
        &mut missing
    ));
}

#[test]
fn the_evaluation_table() {
    let mut all = basics();
    all.extend(operators());
    all.extend(condition_structure());
    all.extend(boundaries_and_sessions());
    all.extend(organizations());
    all.extend(resource_policies());
    let count = run(all);
    assert!(count >= 300, "only {count} cases");
}

#[test]
fn the_simulator_learns_every_missing_key() {
    let d = doc(
        &allow_if(
            "ec2:*",
            "*",
            r#"{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}}"#,
        ),
        Kind::Identity,
    );
    let set = PolicySet {
        identity: vec![Named {
            id: "p",
            document: &d,
        }],
        ..PolicySet::default()
    };
    let context = Context::new();
    let request = Request {
        principal: user(),
        action: "ec2:DescribeVpcs",
        resource: "*",
        resource_account: None,
        context: &context,
    };
    let quick = evaluate(&request, &set, false);
    let thorough = evaluate(&request, &set, true);
    assert_eq!(quick.decision, Decision::NotAllowed);
    assert_eq!(quick.missing.len(), 1);
    let mut keys = thorough.missing.clone();
    keys.sort();
    assert_eq!(keys, ["aws:principaltag/team", "aws:securetransport"]);
    assert_eq!(
        thorough.reason("ec2:DescribeVpcs"),
        "because no identity-based policy allows the ec2:DescribeVpcs action"
    );
}

#[test]
fn escaped_wildcards_are_literal() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:us-east-1:1:security-group/${*}","Condition":{"StringEquals":{"aws:ResourceTag/x":"a${?}"}}}"#,
        Kind::Identity,
    );
    let s = &d.statements[0];
    let ctx = Context::new().with("aws:ResourceTag/x", "a?");
    let mut missing = Vec::new();
    assert!(s.matches_resource(
        "arn:aws:ec2:us-east-1:1:security-group/*",
        &ctx,
        &mut missing
    ));
    assert!(!s.matches_resource(
        "arn:aws:ec2:us-east-1:1:security-group/sg-1",
        &ctx,
        &mut missing
    ));
    assert!(s.conditions_hold(&ctx, &mut missing, false));
    let other = Context::new().with("aws:ResourceTag/x", "ab");
    assert!(!s.conditions_hold(&other, &mut missing, false));
}
