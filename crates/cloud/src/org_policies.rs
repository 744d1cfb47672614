//! Organizations' authorization policies: service control policies (SCPs), which bound what
//! the principals of member accounts may do, and resource control policies (RCPs), which bound
//! what may be done to member accounts' resources. A policy type is enabled on the root; from
//! then on every root, OU and account has at least one policy of it (AWS's `FullAWSAccess`
//! or `RCPFullAWSAccess` by default), and a request must be allowed at every level from the
//! root down to the account. The management account is never bound.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::Tag;
use crate::org::{constraint, OrgCommand, Organization};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const SCP: &str = "SERVICE_CONTROL_POLICY";
pub const RCP: &str = "RESOURCE_CONTROL_POLICY";
const TYPES: &[&str] = &[SCP, RCP];

/// Most policies of one type attached to one target, and the longest document.
const MAX_ATTACHED: usize = 5;
const MAX_CONTENT: usize = 5120;
const MAX_POLICIES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub content: String,
    pub tags: Vec<Tag>,
}

/// AWS's own policy of each type: present in every organization, attached by default.
pub struct AwsManaged {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    pub content: &'static str,
}

pub const AWS_MANAGED: &[AwsManaged] = &[
    AwsManaged {
        id: "p-FullAWSAccess",
        name: "FullAWSAccess",
        kind: SCP,
        description: "Allows access to every operation",
        content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    AwsManaged {
        id: "p-RCPFullAWSAccess",
        name: "RCPFullAWSAccess",
        kind: RCP,
        description: "Allows access to every resource",
        content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
    },
];

/// A policy as the API shows it, AWS's or the organization's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub content: &'a str,
    pub aws_managed: bool,
}

impl Organization {
    pub fn policy(&self, id: &str) -> Option<PolicyView<'_>> {
        if let Some(m) = AWS_MANAGED.iter().find(|m| m.id == id) {
            return Some(PolicyView {
                id: m.id,
                name: m.name,
                description: m.description,
                kind: m.kind,
                content: m.content,
                aws_managed: true,
            });
        }
        self.policies.get(id).map(|p| PolicyView {
            id: &p.id,
            name: &p.name,
            description: &p.description,
            kind: &p.kind,
            content: &p.content,
            aws_managed: false,
        })
    }

    /// Every policy of a type, AWS's first.
    pub fn policies_of_type(&self, kind: &str) -> Vec<PolicyView<'_>> {
        AWS_MANAGED
            .iter()
            .filter(|m| m.kind == kind)
            .filter_map(|m| self.policy(m.id))
            .chain(
                self.policies
                    .values()
                    .filter(|p| p.kind == kind)
                    .filter_map(|p| self.policy(&p.id)),
            )
            .collect()
    }

    pub fn policy_arn(&self, id: &str, kind: &str) -> String {
        let kind = kind.to_ascii_lowercase();
        if AWS_MANAGED.iter().any(|m| m.id == id) {
            format!("arn:aws:organizations::aws:policy/{kind}/{id}")
        } else {
            format!(
                "arn:aws:organizations::{}:policy/{}/{kind}/{id}",
                self.master, self.id
            )
        }
    }

    pub fn type_enabled(&self, kind: &str) -> bool {
        self.policy_types.contains(kind)
    }

    /// Whether `target` is the root, an OU or an account of the organization.
    pub fn has_target(&self, target: &str) -> bool {
        self.has_parent(target) || self.accounts.contains_key(target)
    }

    /// Policies of a type attached to one target.
    pub fn attached(&self, target: &str, kind: &str) -> Vec<PolicyView<'_>> {
        self.attachments
            .get(target)
            .into_iter()
            .flatten()
            .filter_map(|id| self.policy(id))
            .filter(|p| p.kind == kind)
            .collect()
    }

    /// Targets a policy is attached to.
    pub fn targets_of(&self, policy: &str) -> Vec<&str> {
        self.attachments
            .iter()
            .filter(|(_, ids)| ids.contains(policy))
            .map(|(t, _)| t.as_str())
            .collect()
    }

    /// The levels that bind `account` for a policy type: the root, each OU from the top, the
    /// account; each level's policies as (id, content). None when nothing of that type binds it
    /// (the type is off, or it is the management account).
    pub fn levels(&self, account: &str, kind: &str) -> Option<Vec<Vec<(&str, &str)>>> {
        if !self.type_enabled(kind) || account == self.master {
            return None;
        }
        let member = self.accounts.get(account)?;
        let mut targets: Vec<&str> = vec![self.root_id.as_str()];
        targets.extend(self.ancestors(&member.parent));
        targets.push(account);
        Some(
            targets
                .into_iter()
                .map(|t| {
                    self.attached(t, kind)
                        .into_iter()
                        .map(|p| (p.id, p.content))
                        .collect()
                })
                .collect(),
        )
    }

    /// A new root, OU or account gets AWS's policy of every enabled type.
    pub(crate) fn attach_defaults(&mut self, target: &str) {
        for m in AWS_MANAGED {
            if self.policy_types.contains(m.kind) {
                self.attachments
                    .entry(target.to_string())
                    .or_default()
                    .insert(m.id.to_string());
            }
        }
    }

    /// A target that leaves the organization takes its attachments with it.
    pub(crate) fn forget_target(&mut self, target: &str) {
        self.attachments.remove(target);
    }
}

fn not_found() -> Error {
    Error::new(
        "PolicyNotFoundException",
        "We can't find a policy with the PolicyId that you specified.",
    )
}

fn target_not_found() -> Error {
    Error::new(
        "TargetNotFoundException",
        "We can't find a root, OU, account, or email that you specified.",
    )
}

fn not_enabled() -> Error {
    Error::new(
        "PolicyTypeNotEnabledException",
        "This operation can be performed only for enabled policy types.",
    )
}

/// The policy and target of an attach or detach, and the target's policies of that type.
fn attachment<'o>(
    org: &'o Organization,
    policy_id: &str,
    target_id: &str,
) -> Result<(PolicyView<'o>, Vec<PolicyView<'o>>)> {
    let policy = org.policy(policy_id).ok_or_else(not_found)?;
    if !org.has_target(target_id) {
        return Err(target_not_found());
    }
    let attached = org.attached(target_id, policy.kind);
    Ok((policy, attached))
}

fn check_type(kind: &str) -> Result<()> {
    if TYPES.contains(&kind) {
        Ok(())
    } else if [
        "TAG_POLICY",
        "BACKUP_POLICY",
        "AISERVICES_OPT_OUT_POLICY",
        "CHATBOT_POLICY",
        "DECLARATIVE_POLICY_EC2",
    ]
    .contains(&kind)
    {
        Err(Error::new(
            "PolicyTypeNotAvailableForOrganizationException",
            format!("ramparts does not model {kind} policies."),
        ))
    } else {
        Err(Error::new(
            "InvalidInputException",
            format!("Invalid PolicyType: {kind}"),
        )
        .with_reason("INVALID_ENUM"))
    }
}

/// The document must be a policy the evaluator understands, of the type's form.
fn check_content(kind: &str, content: &str) -> Result<()> {
    if content.len() > MAX_CONTENT {
        return Err(constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to create a policy that is larger than the maximum size.",
        ));
    }
    let form = if kind == RCP {
        policy::Kind::Resource
    } else {
        policy::Kind::Identity
    };
    policy::Document::parse_as(content, form)
        .map(|_| ())
        .map_err(|e| {
            Error::new(
                "MalformedPolicyDocumentException",
                format!("The provided policy document doesn't meet the requirements of the specified policy type: {e}"),
            )
        })
}

impl Cloud {
    pub(crate) fn org_policy_execute(
        &mut self,
        account: &str,
        ids: &mut Ids,
        command: &OrgCommand,
    ) -> Result<Outcome> {
        let org = self.managed_org(account)?;
        match command {
            OrgCommand::EnablePolicyType { root_id, kind } => {
                check_type(kind)?;
                if *root_id != org.root_id {
                    return Err(Error::new(
                        "RootNotFoundException",
                        "We can't find a root with the RootId that you specified.",
                    ));
                }
                if org.feature_set != "ALL" {
                    return Err(Error::new(
                        "PolicyTypeNotAvailableForOrganizationException",
                        "You can't use the specified policy type with the feature set currently enabled for this organization.",
                    ));
                }
                if org.type_enabled(kind) {
                    return Err(Error::new(
                        "PolicyTypeAlreadyEnabledException",
                        "The specified policy type is already enabled.",
                    ));
                }
                let targets: Vec<String> = std::iter::once(org.root_id.clone())
                    .chain(org.units.keys().cloned())
                    .chain(org.accounts.keys().cloned())
                    .collect();
                let org = self.managed_org_mut(account)?;
                org.policy_types.insert(kind.clone());
                for t in targets {
                    org.attach_defaults(&t);
                }
                Ok(Outcome::Done)
            }
            OrgCommand::DisablePolicyType { root_id, kind } => {
                check_type(kind)?;
                if *root_id != org.root_id {
                    return Err(Error::new(
                        "RootNotFoundException",
                        "We can't find a root with the RootId that you specified.",
                    ));
                }
                if !org.type_enabled(kind) {
                    return Err(not_enabled());
                }
                let of_type: BTreeSet<String> = org
                    .policies_of_type(kind)
                    .into_iter()
                    .map(|p| p.id.to_string())
                    .collect();
                let org = self.managed_org_mut(account)?;
                org.policy_types.remove(kind);
                for ids in org.attachments.values_mut() {
                    ids.retain(|id| !of_type.contains(id));
                }
                org.attachments.retain(|_, ids| !ids.is_empty());
                Ok(Outcome::Done)
            }
            OrgCommand::CreatePolicy {
                name,
                description,
                content,
                kind,
                tags,
            } => {
                check_type(kind)?;
                crate::org::check_length("policy name", name, 128)?;
                check_content(kind, content)?;
                if org.policies.len() >= MAX_POLICIES {
                    return Err(constraint(
                        "POLICY_NUMBER_LIMIT_EXCEEDED",
                        "You attempted to exceed the number of policies that you can have in an organization.",
                    ));
                }
                if org.policies_of_type(kind).iter().any(|p| p.name == name) {
                    return Err(Error::new(
                        "DuplicatePolicyException",
                        "A policy with the same name already exists.",
                    ));
                }
                crate::org::validate_org_tags(tags)?;
                let id = format!("p-{}", ids.hex(8));
                let policy = OrgPolicy {
                    id: id.clone(),
                    name: name.clone(),
                    description: description.clone(),
                    kind: kind.clone(),
                    content: content.clone(),
                    tags: tags.clone(),
                };
                self.managed_org_mut(account)?
                    .policies
                    .insert(id.clone(), policy);
                Ok(Outcome::Id(id))
            }
            OrgCommand::UpdatePolicy {
                policy_id,
                name,
                description,
                content,
            } => {
                let existing = org.policy(policy_id).ok_or_else(not_found)?;
                if existing.aws_managed {
                    return Err(Error::new(
                        "AccessDeniedException",
                        "AWS managed policies can't be changed.",
                    ));
                }
                let kind = existing.kind.to_string();
                if let Some(content) = content {
                    check_content(&kind, content)?;
                }
                if let Some(name) = name {
                    crate::org::check_length("policy name", name, 128)?;
                    if org
                        .policies_of_type(&kind)
                        .iter()
                        .any(|p| p.name == name && p.id != policy_id)
                    {
                        return Err(Error::new(
                            "DuplicatePolicyException",
                            "A policy with the same name already exists.",
                        ));
                    }
                }
                let p = self
                    .managed_org_mut(account)?
                    .policies
                    .get_mut(policy_id)
                    .expect("found above");
                if let Some(name) = name {
                    p.name = name.clone();
                }
                if let Some(description) = description {
                    p.description = description.clone();
                }
                if let Some(content) = content {
                    p.content = content.clone();
                }
                Ok(Outcome::Done)
            }
            OrgCommand::DeletePolicy { policy_id } => {
                let existing = org.policy(policy_id).ok_or_else(not_found)?;
                if existing.aws_managed {
                    return Err(Error::new(
                        "AccessDeniedException",
                        "AWS managed policies can't be deleted.",
                    ));
                }
                if !org.targets_of(policy_id).is_empty() {
                    return Err(Error::new(
                        "PolicyInUseException",
                        "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
                    ));
                }
                self.managed_org_mut(account)?.policies.remove(policy_id);
                Ok(Outcome::Done)
            }
            OrgCommand::AttachPolicy {
                policy_id,
                target_id,
            } => {
                let (policy, attached) = attachment(org, policy_id, target_id)?;
                if !org.type_enabled(policy.kind) {
                    return Err(not_enabled());
                }
                if attached.iter().any(|p| p.id == policy_id) {
                    return Err(Error::new(
                        "DuplicatePolicyAttachmentException",
                        "The selected policy is already attached to the specified target.",
                    ));
                }
                if attached.len() >= MAX_ATTACHED {
                    return Err(constraint(
                        "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                        "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.",
                    ));
                }
                self.managed_org_mut(account)?
                    .attachments
                    .entry(target_id.clone())
                    .or_default()
                    .insert(policy_id.clone());
                Ok(Outcome::Done)
            }
            OrgCommand::DetachPolicy {
                policy_id,
                target_id,
            } => {
                let (policy, attached) = attachment(org, policy_id, target_id)?;
                if !attached.iter().any(|p| p.id == policy_id) {
                    return Err(Error::new(
                        "PolicyNotAttachedException",
                        "The policy isn't attached to the specified target in the specified root.",
                    ));
                }
                if attached.len() == 1 && org.type_enabled(policy.kind) {
                    return Err(constraint(
                        "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                        "You attempted to detach a policy from an entity that would leave the entity with fewer than the minimum number of policies of that type required.",
                    ));
                }
                let org = self.managed_org_mut(account)?;
                if let Some(ids) = org.attachments.get_mut(target_id) {
                    ids.remove(policy_id);
                }
                Ok(Outcome::Done)
            }
            _ => unreachable!("only policy commands come here"),
        }
    }
}
