//! Instance profiles: the containers that pass a role to EC2 instances. A profile holds at
//! most one role, and neither a profile with a role nor a role in a profile can be deleted.

use crate::error::{Error, Result};
use crate::iam::{key, no_role, validate_name, validate_path};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Tag};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceProfile {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub id: String,
    pub created: Millis,
    /// Lower-cased role names: at most one (IAM's quota of roles per profile).
    pub roles: Vec<String>,
    pub tags: Vec<Tag>,
}

impl InstanceProfile {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:instance-profile{}{}",
            self.account, self.path, self.name
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileCommand {
    Create {
        name: String,
        path: Option<String>,
        tags: Vec<Tag>,
    },
    Delete {
        name: String,
    },
    AddRole {
        profile: String,
        role: String,
    },
    RemoveRole {
        profile: String,
        role: String,
    },
    Tag {
        name: String,
        tags: Vec<Tag>,
    },
    Untag {
        name: String,
        keys: Vec<String>,
    },
}

fn no_profile(name: &str) -> Error {
    Error::new(
        "NoSuchEntity",
        format!("Instance Profile {name} cannot be found."),
    )
}

impl Cloud {
    pub fn instance_profile(&self, account: &str, name: &str) -> Result<&InstanceProfile> {
        self.iam
            .instance_profiles
            .get(&key(account, name))
            .ok_or_else(|| no_profile(name))
    }

    fn instance_profile_mut(&mut self, account: &str, name: &str) -> Result<&mut InstanceProfile> {
        self.iam
            .instance_profiles
            .get_mut(&key(account, name))
            .ok_or_else(|| no_profile(name))
    }

    /// The profiles that hold a role, in name order.
    pub fn profiles_of_role(&self, account: &str, role: &str) -> Vec<&InstanceProfile> {
        let role = role.to_lowercase();
        self.iam
            .instance_profiles
            .values()
            .filter(|p| p.account == account && p.roles.contains(&role))
            .collect()
    }

    pub(crate) fn profile_execute(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        command: &ProfileCommand,
    ) -> Result<Outcome> {
        match command {
            ProfileCommand::Create { name, path, tags } => {
                validate_name("instanceProfileName", name, 128)?;
                let path = path.clone().unwrap_or_else(|| "/".into());
                validate_path(&path)?;
                crate::tags::merge_iam_tags(&mut Vec::new(), tags)?;
                if self.instance_profile(account, name).is_ok() {
                    return Err(Error::new(
                        "EntityAlreadyExists",
                        format!("Instance Profile {name} already exists."),
                    ));
                }
                let profile = InstanceProfile {
                    account: account.to_string(),
                    name: name.clone(),
                    path,
                    id: format!("AIPA{}", ids.hex(17).to_uppercase()),
                    created: at,
                    roles: Vec::new(),
                    tags: tags.clone(),
                };
                self.iam
                    .instance_profiles
                    .insert(key(account, name), profile);
                Ok(Outcome::Id(name.clone()))
            }
            ProfileCommand::Delete { name } => {
                if !self.instance_profile(account, name)?.roles.is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must remove roles from instance profile first.",
                    ));
                }
                self.iam.instance_profiles.remove(&key(account, name));
                Ok(Outcome::Done)
            }
            ProfileCommand::AddRole { profile, role } => {
                let role = self.role(account, role)?.name.to_lowercase();
                let p = self.instance_profile_mut(account, profile)?;
                if !p.roles.is_empty() {
                    return Err(Error::new(
                        "LimitExceeded",
                        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
                    ));
                }
                p.roles.push(role);
                Ok(Outcome::Done)
            }
            ProfileCommand::RemoveRole { profile, role } => {
                self.role(account, role)?;
                let p = self.instance_profile_mut(account, profile)?;
                let lower = role.to_lowercase();
                if !p.roles.contains(&lower) {
                    return Err(no_role(role));
                }
                p.roles.retain(|r| *r != lower);
                Ok(Outcome::Done)
            }
            ProfileCommand::Tag { name, tags } => {
                let p = self.instance_profile_mut(account, name)?;
                crate::tags::merge_iam_tags(&mut p.tags, tags)?;
                Ok(Outcome::Done)
            }
            ProfileCommand::Untag { name, keys } => {
                self.instance_profile_mut(account, name)?
                    .tags
                    .retain(|t| !keys.contains(&t.key));
                Ok(Outcome::Done)
            }
        }
    }
}
