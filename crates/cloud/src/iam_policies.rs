//! Customer-managed IAM policies: named documents of an account with up to five versions, one
//! of them the default (the one that counts when the policy is attached).

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Tag};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const MAX_VERSIONS: usize = 5;
/// AWS's quota on a managed policy's document, white space excluded.
const MAX_SIZE: usize = 6144;

/// Who uses a managed policy in one account.
#[derive(Debug, Default)]
pub struct PolicyUsers<'a> {
    pub groups: Vec<&'a crate::iam_groups::Group>,
    pub users: Vec<&'a crate::iam::User>,
    pub roles: Vec<&'a crate::iam::Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub id: String,
    pub description: Option<String>,
    pub created: Millis,
    pub updated: Millis,
    pub versions: Vec<PolicyVersion>,
    pub default_version: String,
    /// The number the next version gets (`v2`, `v3`… never reused).
    pub next_version: u32,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: String,
    pub document: String,
    pub created: Millis,
}

impl ManagedPolicy {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:policy{}{}",
            self.account, self.path, self.name
        )
    }

    /// The document that counts: the default version's.
    pub fn document(&self) -> &str {
        self.versions
            .iter()
            .find(|v| v.id == self.default_version)
            .map_or("", |v| v.document.as_str())
    }
}

fn no_such_policy(arn: &str) -> Error {
    Error::new(
        "NoSuchEntity",
        format!("Policy {arn} does not exist or is not attachable."),
    )
}

fn check_document(text: &str) -> Result<()> {
    let size = text.chars().filter(|c| !c.is_whitespace()).count();
    if size > MAX_SIZE {
        return Err(Error::new(
            "LimitExceeded",
            format!("Cannot exceed quota for PolicySize: {MAX_SIZE}"),
        ));
    }
    policy::Document::parse_as(text, policy::Kind::Identity)
        .map(|_| ())
        .map_err(|e| Error::new("MalformedPolicyDocument", e))
}

impl Cloud {
    pub fn managed_policy(&self, arn: &str) -> Result<&ManagedPolicy> {
        self.iam
            .policies
            .get(arn)
            .ok_or_else(|| no_such_policy(arn))
    }

    fn managed_policy_mut(&mut self, account: &str, arn: &str) -> Result<&mut ManagedPolicy> {
        match self.iam.policies.get_mut(arn) {
            Some(p) if p.account == account => Ok(p),
            _ => Err(no_such_policy(arn)),
        }
    }

    /// The account's groups, users and roles that use a managed policy: attached (as a
    /// permissions policy) when `attached`, as a permissions boundary when `boundary`.
    pub fn entities_for_policy(
        &self,
        account: &str,
        arn: &str,
        attached: bool,
        boundary: bool,
    ) -> PolicyUsers<'_> {
        let uses = |on: &BTreeSet<String>, bound: Option<&str>| {
            (attached && on.contains(arn)) || (boundary && bound == Some(arn))
        };
        PolicyUsers {
            groups: self
                .iam
                .groups
                .values()
                .filter(|g| g.account == account && uses(&g.attached_policies, None))
                .collect(),
            users: self
                .iam
                .users
                .values()
                .filter(|u| {
                    u.account == account
                        && uses(&u.attached_policies, u.permissions_boundary.as_deref())
                })
                .collect(),
            roles: self
                .iam
                .roles
                .values()
                .filter(|r| {
                    r.account == account
                        && uses(&r.attached_policies, r.permissions_boundary.as_deref())
                })
                .collect(),
        }
    }

    /// Roles, users and groups the policy is attached to.
    pub fn attachment_count(&self, arn: &str) -> usize {
        let roles = self
            .iam
            .roles
            .values()
            .filter(|r| r.attached_policies.contains(arn))
            .count();
        let users = self
            .iam
            .users
            .values()
            .filter(|u| u.attached_policies.contains(arn))
            .count();
        let groups = self
            .iam
            .groups
            .values()
            .filter(|g| g.attached_policies.contains(arn))
            .count();
        roles + users + groups
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_managed_policy(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        name: &str,
        path: Option<&str>,
        document: &str,
        description: Option<&str>,
        tags: &[Tag],
    ) -> Result<Outcome> {
        crate::iam::validate_name("policyName", name, 128)?;
        let path = path.unwrap_or("/");
        crate::iam::validate_path(path)?;
        if !self.replaying {
            check_document(document)?;
        }
        if self
            .iam
            .policies
            .values()
            .any(|p| p.account == account && p.name.eq_ignore_ascii_case(name))
        {
            return Err(Error::new(
                "EntityAlreadyExists",
                format!("A policy called {name} already exists. Duplicate names are not allowed."),
            ));
        }
        let policy = ManagedPolicy {
            account: account.to_string(),
            name: name.to_string(),
            path: path.to_string(),
            id: format!("ANPA{}", ids.hex(17).to_uppercase()),
            description: description.map(str::to_string),
            created: at,
            updated: at,
            versions: vec![PolicyVersion {
                id: "v1".into(),
                document: document.to_string(),
                created: at,
            }],
            default_version: "v1".into(),
            next_version: 2,
            tags: tags.to_vec(),
        };
        let arn = policy.arn();
        self.iam.policies.insert(arn.clone(), policy);
        Ok(Outcome::Id(arn))
    }

    pub(crate) fn delete_managed_policy(&mut self, account: &str, arn: &str) -> Result<Outcome> {
        let p = self.managed_policy_mut(account, arn)?;
        if p.versions.len() > 1 {
            return Err(Error::new(
                "DeleteConflict",
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            ));
        }
        if self.attachment_count(arn) > 0 || self.boundary_usage_count(arn) > 0 {
            return Err(Error::new(
                "DeleteConflict",
                "Cannot delete a policy attached to entities.",
            ));
        }
        self.iam.policies.remove(arn);
        Ok(Outcome::Done)
    }

    pub(crate) fn create_policy_version(
        &mut self,
        account: &str,
        at: Millis,
        arn: &str,
        document: &str,
        set_default: bool,
    ) -> Result<Outcome> {
        let replaying = self.replaying;
        let p = self.managed_policy_mut(account, arn)?;
        if !replaying {
            check_document(document)?;
        }
        if p.versions.len() >= MAX_VERSIONS {
            return Err(Error::new(
                "LimitExceeded",
                format!("A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."),
            ));
        }
        let id = format!("v{}", p.next_version);
        p.next_version += 1;
        p.versions.push(PolicyVersion {
            id: id.clone(),
            document: document.to_string(),
            created: at,
        });
        if set_default {
            p.default_version = id.clone();
        }
        p.updated = at;
        Ok(Outcome::Id(id))
    }

    pub(crate) fn delete_policy_version(
        &mut self,
        account: &str,
        arn: &str,
        version: &str,
    ) -> Result<Outcome> {
        let p = self.managed_policy_mut(account, arn)?;
        if p.default_version == version {
            return Err(Error::new(
                "DeleteConflict",
                "Cannot delete the default version of a policy.",
            ));
        }
        let before = p.versions.len();
        p.versions.retain(|v| v.id != version);
        if p.versions.len() == before {
            return Err(no_such_version(arn, version));
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn set_default_policy_version(
        &mut self,
        account: &str,
        at: Millis,
        arn: &str,
        version: &str,
    ) -> Result<Outcome> {
        let p = self.managed_policy_mut(account, arn)?;
        if !p.versions.iter().any(|v| v.id == version) {
            return Err(no_such_version(arn, version));
        }
        p.default_version = version.to_string();
        p.updated = at;
        Ok(Outcome::Done)
    }
}

pub fn no_such_version(arn: &str, version: &str) -> Error {
    Error::new(
        "NoSuchEntity",
        format!("Policy {arn} version {version} does not exist or is not attachable."),
    )
}
