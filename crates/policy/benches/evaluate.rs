//! Decisions per second for a ten-statement policy with conditions: the authorization step runs
//! the evaluator on every request of an issued principal.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use policy::{
    evaluate, Context, Document, Kind, Named, PolicySet, Principal, PrincipalKind, Request,
};
use std::hint::black_box;

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Describe","Effect":"Allow","Action":["ec2:Describe*","ec2:GetSecurityGroupsForVpc"],"Resource":"*"},
  {"Sid":"OwnRegion","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},
  {"Sid":"Attach","Effect":"Allow","Action":"ec2:ModifyNetworkInterfaceAttribute","Resource":["arn:aws:ec2:*:111111111111:network-interface/*","arn:aws:ec2:*:222222222222:security-group/*"]},
  {"Sid":"Tagged","Effect":"Allow","Action":["ec2:AuthorizeSecurityGroupIngress","ec2:RevokeSecurityGroupIngress"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},
  {"Sid":"Create","Effect":"Allow","Action":"ec2:CreateSecurityGroup","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Name","team"]},"Null":{"aws:RequestTag/team":"false"}}},
  {"Sid":"Vpc","Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"ArnLike":{"ec2:Vpc":"arn:aws:ec2:*:222222222222:vpc/*"}}},
  {"Sid":"Ram","Effect":"Allow","Action":["ram:Get*","ram:List*"],"Resource":"*"},
  {"Sid":"Time","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"Bool":{"aws:SecureTransport":"false"}}},
  {"Sid":"NoDelete","Effect":"Deny","Action":"ec2:Delete*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}},
  {"Sid":"Net","Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}
]}"#;

fn bench(c: &mut Criterion) {
    let document = Document::parse_as(POLICY, Kind::Identity).expect("valid");
    let set = PolicySet {
        identity: vec![Named {
            id: "p",
            document: &document,
        }],
        ..PolicySet::default()
    };
    let context = Context::new()
        .with("aws:RequestedRegion", "us-east-1")
        .with("aws:PrincipalArn", "arn:aws:iam::111111111111:role/app")
        .with("aws:PrincipalTag/team", "red")
        .with("aws:ResourceTag/team", "red")
        .with("aws:SecureTransport", "false")
        .with("aws:CurrentTime", "2026-12-02T10:00:00Z")
        .with("aws:SourceIp", "127.0.0.1")
        .with("ec2:Vpc", "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-1");
    let principal = Principal {
        kind: PrincipalKind::RoleSession,
        arn: "arn:aws:sts::111111111111:assumed-role/app/s",
        account: "111111111111",
        role_arn: Some("arn:aws:iam::111111111111:role/app"),
    };
    let requests = [
        ("ec2:DescribeSecurityGroups", "*"),
        (
            "ec2:ModifyNetworkInterfaceAttribute",
            "arn:aws:ec2:us-east-1:222222222222:security-group/sg-1",
        ),
        (
            "ec2:AuthorizeSecurityGroupIngress",
            "arn:aws:ec2:us-east-1:111111111111:security-group/sg-2",
        ),
        (
            "ec2:DeleteSecurityGroup",
            "arn:aws:ec2:us-east-1:111111111111:security-group/sg-2",
        ),
    ];
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("ten statements with conditions", |b| {
        b.iter(|| {
            for (action, resource) in requests {
                let request = Request {
                    principal,
                    action,
                    resource,
                    resource_account: None,
                    context: &context,
                };
                black_box(evaluate(black_box(&request), &set, false).decision);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
