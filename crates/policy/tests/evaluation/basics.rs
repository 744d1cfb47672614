//! Deny over allow, action and resource wildcards, Not*, roots.

use crate::case::*;
use policy::Layer;

pub(crate) fn basics() -> Vec<Case> {
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
