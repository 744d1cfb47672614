//! IAM groups: named sets of an account's users whose policies (inline and attached) every
//! member carries as its own identity-based policies.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{AccountId, Millis};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub id: String,
    pub created: Millis,
    /// Lower-cased user names (IAM names are unique regardless of case).
    pub members: BTreeSet<String>,
    pub inline_policies: BTreeMap<String, String>,
    pub attached_policies: BTreeSet<String>,
}

impl Group {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:group{}{}",
            self.account, self.path, self.name
        )
    }
}

/// A change to an account's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupCommand {
    Create {
        name: String,
        path: Option<String>,
    },
    Delete {
        name: String,
    },
    AddUser {
        group: String,
        user: String,
    },
    RemoveUser {
        group: String,
        user: String,
    },
    PutPolicy {
        group: String,
        name: String,
        document: String,
    },
    DeletePolicy {
        group: String,
        name: String,
    },
    AttachPolicy {
        group: String,
        arn: String,
    },
    DetachPolicy {
        group: String,
        arn: String,
    },
}

fn key(account: &str, name: &str) -> (AccountId, String) {
    (account.to_string(), name.to_lowercase())
}

impl Cloud {
    pub fn group(&self, account: &str, name: &str) -> Result<&Group> {
        self.iam.groups.get(&key(account, name)).ok_or_else(|| {
            Error::new(
                "NoSuchEntity",
                format!("The group with name {name} cannot be found."),
            )
        })
    }

    fn group_mut(&mut self, account: &str, name: &str) -> Result<&mut Group> {
        self.group(account, name)?;
        Ok(self
            .iam
            .groups
            .get_mut(&key(account, name))
            .expect("found above"))
    }

    /// The groups a user is a member of.
    pub fn groups_of_user(&self, account: &str, user: &str) -> Vec<&Group> {
        let user = user.to_lowercase();
        self.iam
            .groups
            .values()
            .filter(|g| g.account == account && g.members.contains(&user))
            .collect()
    }

    pub(crate) fn group_execute(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        command: &GroupCommand,
    ) -> Result<Outcome> {
        match command {
            GroupCommand::Create { name, path } => {
                crate::iam::validate_name("groupName", name, 128)?;
                let path = path.clone().unwrap_or_else(|| "/".into());
                crate::iam::validate_path(&path)?;
                if self.group(account, name).is_ok() {
                    return Err(Error::new(
                        "EntityAlreadyExists",
                        format!("Group with name {name} already exists."),
                    ));
                }
                let group = Group {
                    account: account.to_string(),
                    name: name.clone(),
                    path,
                    id: format!("AGPA{}", ids.hex(17).to_uppercase()),
                    created: at,
                    members: BTreeSet::new(),
                    inline_policies: BTreeMap::new(),
                    attached_policies: BTreeSet::new(),
                };
                self.iam.groups.insert(key(account, name), group);
                Ok(Outcome::Done)
            }
            GroupCommand::Delete { name } => {
                let g = self.group(account, name)?;
                if !g.members.is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must remove users from group first.",
                    ));
                }
                if !g.inline_policies.is_empty() || !g.attached_policies.is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must delete policies first.",
                    ));
                }
                self.iam.groups.remove(&key(account, name));
                Ok(Outcome::Done)
            }
            GroupCommand::AddUser { group, user } => {
                let user = self.user(account, user)?.name.to_lowercase();
                self.group_mut(account, group)?.members.insert(user);
                Ok(Outcome::Done)
            }
            GroupCommand::RemoveUser { group, user } => {
                let user = self.user(account, user)?.name.to_lowercase();
                if !self.group_mut(account, group)?.members.remove(&user) {
                    return Err(Error::new(
                        "NoSuchEntity",
                        format!("User {user} is not in group {group}."),
                    ));
                }
                Ok(Outcome::Done)
            }
            GroupCommand::PutPolicy {
                group,
                name,
                document,
            } => {
                crate::iam::validate_name("policyName", name, 128)?;
                if !self.replaying {
                    crate::iam::validate_document(document)?;
                }
                self.group_mut(account, group)?
                    .inline_policies
                    .insert(name.clone(), document.clone());
                Ok(Outcome::Done)
            }
            GroupCommand::DeletePolicy { group, name } => {
                if self
                    .group_mut(account, group)?
                    .inline_policies
                    .remove(name)
                    .is_none()
                {
                    return Err(Error::new(
                        "NoSuchEntity",
                        format!("The group policy with name {name} cannot be found."),
                    ));
                }
                Ok(Outcome::Done)
            }
            GroupCommand::AttachPolicy { group, arn } => {
                self.check_policy_arn(account, arn)?;
                self.group_mut(account, group)?
                    .attached_policies
                    .insert(arn.clone());
                Ok(Outcome::Done)
            }
            GroupCommand::DetachPolicy { group, arn } => {
                if !self
                    .group_mut(account, group)?
                    .attached_policies
                    .remove(arn)
                {
                    return Err(Error::new(
                        "NoSuchEntity",
                        format!("Policy {arn} was not found."),
                    ));
                }
                Ok(Outcome::Done)
            }
        }
    }
}
