//! Every condition operator and set qualifier, IfExists, Null, variables and escapes.

use crate::case::*;
use policy::Layer;

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

pub(crate) fn operators() -> Vec<Case> {
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

pub(crate) fn condition_structure() -> Vec<Case> {
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
