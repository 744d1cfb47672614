//! What IAM needs from the state to decide a request: the policies of a principal, and of an
//! EC2 resource its owner, its VPC, its tags and what its owner grants through RAM. The
//! decision itself is `policy::evaluate`'s; this module only looks things up.

use crate::iam::Identity;
use crate::model::Tag;
use crate::visibility::Caller;
use crate::Cloud;

/// A principal's policies as text, each under the id it is reported by.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PrincipalPolicies<'a> {
    pub identity: Vec<(&'a str, &'a str)>,
    /// The permissions boundary (its ARN and document), if the principal has one.
    pub boundary: Option<(&'a str, &'a str)>,
    pub tags: &'a [Tag],
    /// The principal's user name (users only), for `aws:username`.
    pub user_name: Option<&'a str>,
}

/// An EC2 resource as authorization sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFacts<'a> {
    pub owner: &'a str,
    pub vpc_id: Option<&'a str>,
    pub tags: &'a [Tag],
}

impl Cloud {
    /// The identity-based policies of an issued principal: a user's inline and attached
    /// policies, or a role session's role's. `None` for roots and unknown ARNs.
    pub fn policies_of(&self, identity: &Identity) -> Option<PrincipalPolicies<'_>> {
        match identity {
            Identity::Root { .. } => None,
            Identity::User { account, name, .. } => {
                let user = self.user(account, name).ok()?;
                let mut identity = self.collect(&user.inline_policies, &user.attached_policies);
                for group in self.groups_of_user(account, name) {
                    identity.extend(self.collect(&group.inline_policies, &group.attached_policies));
                }
                Some(PrincipalPolicies {
                    identity,
                    boundary: self.boundary_of(user.permissions_boundary.as_deref()),
                    tags: &user.tags,
                    user_name: Some(&user.name),
                })
            }
            Identity::Session {
                account, role_name, ..
            } => {
                let role = self.role(account, role_name).ok()?;
                Some(PrincipalPolicies {
                    identity: self.collect(&role.inline_policies, &role.attached_policies),
                    boundary: self.boundary_of(role.permissions_boundary.as_deref()),
                    tags: &role.tags,
                    user_name: None,
                })
            }
        }
    }

    /// The session policies of a role session by its access key: `None` when it was created
    /// without any (then nothing bounds it beyond its role).
    pub fn session_policies(&self, key_id: &str) -> Option<Vec<(&str, &str)>> {
        let s = self.iam.sessions.get(key_id)?;
        if s.policy.is_none() && s.policy_arns.is_empty() {
            return None;
        }
        let mut out: Vec<(&str, &str)> = s
            .policy
            .as_deref()
            .map(|text| ("session policy", text))
            .into_iter()
            .collect();
        for arn in &s.policy_arns {
            if let Some(text) = self.managed_document(arn) {
                out.push((arn.as_str(), text));
            }
        }
        Some(out)
    }

    /// A managed policy's document: AWS's (as ramparts carries it) or the default version of a
    /// customer-managed one.
    pub fn managed_document(&self, arn: &str) -> Option<&str> {
        policy::managed::document(arn).or_else(|| self.iam.policies.get(arn).map(|p| p.document()))
    }

    /// A boundary whose document ramparts does not carry reads as empty text, which does not
    /// parse: the caller then denies everything, as a boundary that grants nothing would.
    fn boundary_of<'a>(&'a self, arn: Option<&'a str>) -> Option<(&'a str, &'a str)> {
        let arn = arn?;
        Some((arn, self.managed_document(arn).unwrap_or("")))
    }

    fn collect<'a>(
        &'a self,
        inline: &'a std::collections::BTreeMap<String, String>,
        attached: &'a std::collections::BTreeSet<String>,
    ) -> Vec<(&'a str, &'a str)> {
        let mut out: Vec<(&str, &str)> = inline
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        // An attached AWS-managed policy whose statements ramparts does not carry grants nothing.
        for arn in attached {
            if let Some(text) = self.managed_document(arn) {
                out.push((arn.as_str(), text));
            }
        }
        out
    }

    /// Who owns an EC2 resource of this id, in which VPC, with which tags, as far as `c` may
    /// see it. Ids the caller cannot see are `None`, like ids that do not exist: the request is
    /// then authorized under the caller's own account, and the operation answers that the id
    /// does not exist (an unseen resource is never revealed by a refusal).
    pub fn resource_facts(&self, c: &Caller, id: &str) -> Option<ResourceFacts<'_>> {
        let (kind, _) = id.rsplit_once('-')?;
        Some(match kind {
            "fl" => {
                let f = self.visible_flow_log(c, id).ok()?;
                ResourceFacts {
                    owner: &f.owner,
                    vpc_id: None,
                    tags: &f.tags,
                }
            }
            "tgw" => {
                let g = self.visible_transit_gateway(c, id).ok()?;
                ResourceFacts {
                    owner: &g.owner,
                    vpc_id: None,
                    tags: &g.tags,
                }
            }
            "tgw-attach" => {
                let a = self
                    .tgw_attachments
                    .get(id)
                    .filter(|a| self.sees_attachment(c, a))?;
                ResourceFacts {
                    owner: &a.owner,
                    vpc_id: Some(&a.vpc_id),
                    tags: &a.tags,
                }
            }
            "nip" => {
                let p = self.insights_path(c, id).ok()?;
                ResourceFacts {
                    owner: &p.owner,
                    vpc_id: None,
                    tags: &p.tags,
                }
            }
            "nia" => {
                let a = self.insights_analysis(c, id).ok()?;
                ResourceFacts {
                    owner: &a.owner,
                    vpc_id: None,
                    tags: &a.tags,
                }
            }
            "tgw-rtb" => {
                let t = self.visible_tgw_route_table(c, id).ok()?;
                ResourceFacts {
                    owner: &t.owner,
                    vpc_id: None,
                    tags: &t.tags,
                }
            }
            "sg" => {
                let g = self.groups.get(id).filter(|g| self.sees_group(c, g))?;
                ResourceFacts {
                    owner: &g.owner,
                    vpc_id: Some(&g.vpc_id),
                    tags: &g.tags,
                }
            }
            "subnet" => {
                let s = self.subnets.get(id).filter(|s| self.sees_subnet(c, s))?;
                ResourceFacts {
                    owner: &s.owner,
                    vpc_id: Some(&s.vpc_id),
                    tags: &s.tags,
                }
            }
            "vpc" => {
                let v = self.vpcs.get(id).filter(|v| self.sees_vpc(c, v))?;
                ResourceFacts {
                    owner: &v.owner,
                    vpc_id: Some(&v.id),
                    tags: &v.tags,
                }
            }
            "eni" => {
                let e = self
                    .interfaces
                    .get(id)
                    .filter(|e| self.sees_interface(c, e))?;
                ResourceFacts {
                    owner: &e.owner,
                    vpc_id: Some(&e.vpc_id),
                    tags: &e.tags,
                }
            }
            "i" => {
                let i = self
                    .instances
                    .get(id)
                    .filter(|i| self.sees_instance(c, i))?;
                ResourceFacts {
                    owner: &i.owner,
                    vpc_id: Some(&i.vpc_id),
                    tags: &i.tags,
                }
            }
            "pl" => {
                let p = self
                    .prefix_lists
                    .get(id)
                    .filter(|p| self.sees_prefix_list(c, p))?;
                ResourceFacts {
                    owner: &p.owner,
                    vpc_id: None,
                    tags: &p.tags,
                }
            }
            "pcx" => {
                let p = self
                    .peerings
                    .get(id)
                    .filter(|p| p.requester.owner == c.account || p.accepter.owner == c.account)?;
                ResourceFacts {
                    owner: &p.requester.owner,
                    vpc_id: Some(&p.requester.vpc_id),
                    tags: &[],
                }
            }
            "igw" => {
                let g = self
                    .internet_gateways
                    .get(id)
                    .filter(|g| self.sees_internet_gateway(c, g))?;
                ResourceFacts {
                    owner: &g.owner,
                    vpc_id: g.vpc_id.as_deref(),
                    tags: &g.tags,
                }
            }
            "eigw" => {
                let g = self
                    .egress_only_gateways
                    .get(id)
                    .filter(|g| self.sees_egress_only_gateway(c, g))?;
                ResourceFacts {
                    owner: &g.owner,
                    vpc_id: Some(&g.vpc_id),
                    tags: &g.tags,
                }
            }
            "nat" => {
                let g = self.visible_nat_gateway(c, id).ok()?;
                ResourceFacts {
                    owner: &g.owner,
                    vpc_id: Some(&g.vpc_id),
                    tags: &g.tags,
                }
            }
            "dopt" => {
                let d = self.visible_dhcp_options(c, id).ok()?;
                ResourceFacts {
                    owner: &d.owner,
                    vpc_id: None,
                    tags: &d.tags,
                }
            }
            "vpce" => {
                let e = self.visible_endpoint(c, id).ok()?;
                ResourceFacts {
                    owner: &e.owner,
                    vpc_id: Some(&e.vpc_id),
                    tags: &e.tags,
                }
            }
            "rtb" => {
                let t = self
                    .route_tables
                    .get(id)
                    .filter(|t| self.sees_route_table(c, t))?;
                ResourceFacts {
                    owner: &t.owner,
                    vpc_id: Some(&t.vpc_id),
                    tags: &t.tags,
                }
            }
            "acl" => {
                let a = self
                    .network_acls
                    .get(id)
                    .filter(|a| self.sees_network_acl(c, a))?;
                ResourceFacts {
                    owner: &a.owner,
                    vpc_id: Some(&a.vpc_id),
                    tags: &a.tags,
                }
            }
            "eipalloc" => {
                let a = self
                    .addresses
                    .get(id)
                    .filter(|a| a.owner == c.account && a.region == c.region)?;
                ResourceFacts {
                    owner: &a.owner,
                    vpc_id: None,
                    tags: &a.tags,
                }
            }
            _ => return None,
        })
    }
}

/// What RAM lets `c` do with another account's resource: the actions of the managed
/// permission of every active share that reaches it. Shared subnets also make their VPC usable
/// for what participants do there (create groups and interfaces, launch instances).
pub fn ram_grant(
    cloud: &Cloud,
    c: &Caller,
    kind: &str,
    id: &str,
) -> Option<&'static [&'static str]> {
    let granted = cloud.granted(c)?;
    let shared = match kind {
        "security-group" => granted.groups.contains(id),
        "subnet" => granted.subnets.contains(id),
        "prefix-list" => granted.prefix_lists.contains(id),
        "transit-gateway" => granted.transit_gateways.contains(id),
        "vpc" => {
            return granted.vpcs.contains(id).then_some(&[
                "ec2:CreateSecurityGroup",
                "ec2:CreateNetworkInterface",
                "ec2:RunInstances",
                "ec2:AssociateSecurityGroupVpc",
                "ec2:DescribeVpcs",
            ]);
        }
        _ => false,
    };
    if !shared {
        return None;
    }
    crate::ram::RESOURCE_TYPES
        .iter()
        .find(|t| t.arn_kind == kind)
        .map(|t| t.actions)
}

/// One policy the simulator evaluates, with the type it reports it as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcePolicy<'a> {
    /// An inline policy's name or a managed policy's ARN.
    pub id: &'a str,
    /// `user`, `group`, `role`, `aws-managed` or `user-managed`, as the simulator says.
    pub kind: &'static str,
    pub text: &'a str,
}

/// The policies of a user, group or role named by ARN (`SimulatePrincipalPolicy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource<'a> {
    pub account: &'a str,
    pub policies: Vec<SourcePolicy<'a>>,
    /// The permissions boundary's ARN and document (users and roles).
    pub boundary: Option<(&'a str, &'a str)>,
}

impl Cloud {
    fn sources<'a>(
        &'a self,
        kind: &'static str,
        inline: &'a std::collections::BTreeMap<String, String>,
        attached: &'a std::collections::BTreeSet<String>,
    ) -> Vec<SourcePolicy<'a>> {
        let mut out: Vec<SourcePolicy<'a>> = inline
            .iter()
            .map(|(id, text)| SourcePolicy { id, kind, text })
            .collect();
        for arn in attached {
            if let Some(text) = self.managed_document(arn) {
                let kind = if arn.starts_with("arn:aws:iam::aws:") {
                    "aws-managed"
                } else {
                    "user-managed"
                };
                out.push(SourcePolicy {
                    id: arn,
                    kind,
                    text,
                });
            }
        }
        out
    }

    /// What the simulator evaluates for `arn`: a user (with its groups' policies), a group or
    /// a role.
    pub fn policy_source(&self, arn: &str) -> crate::error::Result<PolicySource<'_>> {
        let invalid = || {
            crate::error::Error::new(
                "InvalidInput",
                format!("Invalid ARN: {arn}. The policy source must be a user, group or role."),
            )
        };
        let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
        let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
        let (kind, path_and_name) = resource.split_once('/').ok_or_else(invalid)?;
        let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
        match kind {
            "user" => {
                let user = self.user(account, name)?;
                let mut policies =
                    self.sources("user", &user.inline_policies, &user.attached_policies);
                for group in self.groups_of_user(account, name) {
                    policies.extend(self.sources(
                        "group",
                        &group.inline_policies,
                        &group.attached_policies,
                    ));
                }
                Ok(PolicySource {
                    account: &user.account,
                    policies,
                    boundary: self.boundary_of(user.permissions_boundary.as_deref()),
                })
            }
            "group" => {
                let group = self.group(account, name)?;
                Ok(PolicySource {
                    account: &group.account,
                    policies: self.sources(
                        "group",
                        &group.inline_policies,
                        &group.attached_policies,
                    ),
                    boundary: None,
                })
            }
            "role" => {
                let role = self.role(account, name)?;
                Ok(PolicySource {
                    account: &role.account,
                    policies: self.sources("role", &role.inline_policies, &role.attached_policies),
                    boundary: self.boundary_of(role.permissions_boundary.as_deref()),
                })
            }
            _ => Err(invalid()),
        }
    }
}
