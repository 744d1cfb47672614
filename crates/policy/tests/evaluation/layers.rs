//! Boundaries, session policies, SCP and RCP levels, resource-based and cross-account grants.

use crate::case::*;
use policy::{Layer, Principal, PrincipalKind};

// ------------------------------------------------------------------------ boundaries, sessions

pub(crate) fn boundaries_and_sessions() -> Vec<Case> {
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

pub(crate) fn organizations() -> Vec<Case> {
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

pub(crate) fn resource_policies() -> Vec<Case> {
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
