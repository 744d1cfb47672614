//! The evaluation table: cases written from the IAM User Guide's policy evaluation logic,
//! condition operators, policy variables and element references. Each row is one request
//! against one set of policies and the decision AWS documents for it.

mod basics;
mod case;
mod conditions;
mod layers;

use case::*;
use policy::{evaluate, Context, Decision, Document, Kind, Named, PolicySet, Request};

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
    let mut all = basics::basics();
    all.extend(conditions::operators());
    all.extend(conditions::condition_structure());
    all.extend(layers::boundaries_and_sessions());
    all.extend(layers::organizations());
    all.extend(layers::resource_policies());
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
