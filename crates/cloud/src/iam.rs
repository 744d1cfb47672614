//! IAM identities as objects: roles (ordinary and service-linked), users and their access
//! keys, and the role sessions STS hands out. IAM is global: these ignore the Region.
//! Policies are stored and attached here; `access` hands them to the authorization step, which
//! evaluates them for every request.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Tag};
use crate::sts::AssumeRequest;
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub id: String,
    pub trust_policy: String,
    pub description: Option<String>,
    pub max_session_seconds: i64,
    pub created: Millis,
    pub tags: Vec<Tag>,
    pub inline_policies: BTreeMap<String, String>,
    pub attached_policies: BTreeSet<String>,
    /// The service that owns a service-linked role; such roles are not changed by users.
    pub linked_service: Option<String>,
    /// The managed policy that bounds what the role's own policies can grant.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
}

impl Role {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:role{}{}",
            self.account, self.path, self.name
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub id: String,
    pub created: Millis,
    pub tags: Vec<Tag>,
    pub inline_policies: BTreeMap<String, String>,
    pub attached_policies: BTreeSet<String>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
}

impl User {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:user{}{}",
            self.account, self.path, self.name
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
    pub account: AccountId,
    pub user: String,
    pub active: bool,
    pub created: Millis,
}

/// Temporary credentials from AssumeRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub key_id: String,
    pub secret: String,
    pub token: String,
    pub account: AccountId,
    pub role_name: String,
    pub role_id: String,
    pub session_name: String,
    pub expires: Millis,
    /// Session policies passed to AssumeRole: they bound what the session may do.
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub policy_arns: Vec<String>,
    /// Set for GetSessionToken's sessions: the user they speak for (no role then).
    #[serde(default)]
    pub user: Option<String>,
    /// Session tags: they override the role's tags as `aws:PrincipalTag/…`.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Tag keys that follow the session into the sessions it assumes (role chaining).
    #[serde(default)]
    pub transitive_tag_keys: Vec<String>,
    #[serde(default)]
    pub source_identity: Option<String>,
}

/// Who a set of credentials speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Identity {
    Root {
        account: AccountId,
    },
    User {
        account: AccountId,
        name: String,
        path: String,
        id: String,
    },
    Session {
        account: AccountId,
        role_name: String,
        role_path: String,
        role_id: String,
        session_name: String,
        expires: Millis,
    },
}

impl Identity {
    pub fn account(&self) -> &str {
        match self {
            Identity::Root { account }
            | Identity::User { account, .. }
            | Identity::Session { account, .. } => account,
        }
    }

    pub fn arn(&self) -> String {
        match self {
            Identity::Root { account } => format!("arn:aws:iam::{account}:root"),
            Identity::User {
                account,
                name,
                path,
                ..
            } => format!("arn:aws:iam::{account}:user{path}{name}"),
            Identity::Session {
                account,
                role_name,
                session_name,
                ..
            } => format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"),
        }
    }

    pub fn user_id(&self) -> String {
        match self {
            Identity::Root { account } => account.clone(),
            Identity::User { id, .. } => id.clone(),
            Identity::Session {
                role_id,
                session_name,
                ..
            } => format!("{role_id}:{session_name}"),
        }
    }

    /// The names a `Principal` element may use for this identity.
    pub(crate) fn principal_names(&self) -> Vec<String> {
        let account = self.account();
        let mut names = vec![
            self.arn(),
            format!("arn:aws:iam::{account}:root"),
            account.to_string(),
        ];
        if let Identity::Session {
            role_name,
            role_path,
            ..
        } = self
        {
            names.push(format!("arn:aws:iam::{account}:role{role_path}{role_name}"));
        }
        names
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRole {
    pub name: String,
    pub path: Option<String>,
    pub trust_policy: String,
    pub description: Option<String>,
    pub max_session_seconds: Option<i64>,
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum IamCommand {
    CreateRole(NewRole),
    DeleteRole {
        name: String,
    },
    UpdateRole {
        name: String,
        description: Option<String>,
        max_session_seconds: Option<i64>,
    },
    UpdateAssumeRolePolicy {
        name: String,
        document: String,
    },
    TagRole {
        name: String,
        tags: Vec<Tag>,
    },
    UntagRole {
        name: String,
        keys: Vec<String>,
    },
    PutRolePolicy {
        role: String,
        name: String,
        document: String,
    },
    DeleteRolePolicy {
        role: String,
        name: String,
    },
    AttachRolePolicy {
        role: String,
        arn: String,
    },
    DetachRolePolicy {
        role: String,
        arn: String,
    },
    CreateServiceLinkedRole {
        service: String,
        description: Option<String>,
        suffix: Option<String>,
    },
    DeleteServiceLinkedRole {
        name: String,
    },
    CreateUser {
        name: String,
        path: Option<String>,
        tags: Vec<Tag>,
        #[serde(default)]
        permissions_boundary: Option<String>,
    },
    DeleteUser {
        name: String,
    },
    TagUser {
        name: String,
        tags: Vec<Tag>,
    },
    UntagUser {
        name: String,
        keys: Vec<String>,
    },
    PutPermissionsBoundary {
        entity: crate::iam_boundaries::Bounded,
        arn: String,
    },
    DeletePermissionsBoundary {
        entity: crate::iam_boundaries::Bounded,
    },
    Profile(crate::iam_profiles::ProfileCommand),
    PutUserPolicy {
        user: String,
        name: String,
        document: String,
    },
    DeleteUserPolicy {
        user: String,
        name: String,
    },
    AttachUserPolicy {
        user: String,
        arn: String,
    },
    DetachUserPolicy {
        user: String,
        arn: String,
    },
    CreateAccessKey {
        user: String,
    },
    UpdateAccessKey {
        user: String,
        key_id: String,
        active: bool,
    },
    DeleteAccessKey {
        user: String,
        key_id: String,
    },
    Group(crate::iam_groups::GroupCommand),
    CreatePolicy {
        name: String,
        path: Option<String>,
        document: String,
        description: Option<String>,
        tags: Vec<Tag>,
    },
    DeletePolicy {
        arn: String,
    },
    CreatePolicyVersion {
        arn: String,
        document: String,
        set_default: bool,
    },
    DeletePolicyVersion {
        arn: String,
        version: String,
    },
    SetDefaultPolicyVersion {
        arn: String,
        version: String,
    },
    /// STS AssumeRole by `caller` (its ARN as authenticated).
    AssumeRole {
        caller: String,
        role_arn: String,
        session_name: String,
        duration_seconds: Option<i64>,
        /// What the caller passed as `ExternalId`, for the trust policy's conditions.
        #[serde(default)]
        external_id: Option<String>,
        /// Session policies (`Policy`, `PolicyArns`).
        #[serde(default)]
        policy: Option<String>,
        #[serde(default)]
        policy_arns: Vec<String>,
        #[serde(default)]
        tags: Vec<Tag>,
        #[serde(default)]
        transitive_tag_keys: Vec<String>,
        #[serde(default)]
        source_identity: Option<String>,
        /// The caller's access key, when it is a session (role chaining carries from it).
        #[serde(default)]
        caller_key: Option<String>,
    },
    /// STS GetSessionToken by an IAM user (its ARN as authenticated).
    GetSessionToken {
        caller: String,
        duration_seconds: Option<i64>,
    },
}

/// Every account's IAM objects and the credentials issued for them.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Iam {
    /// (account, lower-cased name): IAM names are unique regardless of case.
    #[serde(with = "crate::pairs")]
    pub roles: BTreeMap<(AccountId, String), Role>,
    #[serde(with = "crate::pairs")]
    pub users: BTreeMap<(AccountId, String), User>,
    pub keys: HashMap<String, AccessKey>,
    pub sessions: HashMap<String, Session>,
    /// Customer-managed policies by ARN.
    #[serde(default)]
    pub policies: BTreeMap<String, crate::iam_policies::ManagedPolicy>,
    #[serde(default, with = "crate::pairs")]
    pub groups: BTreeMap<(AccountId, String), crate::iam_groups::Group>,
    #[serde(default, with = "crate::pairs")]
    pub instance_profiles: BTreeMap<(AccountId, String), crate::iam_profiles::InstanceProfile>,
}

pub(crate) fn key(account: &str, name: &str) -> (AccountId, String) {
    (account.to_string(), name.to_lowercase())
}

pub(crate) fn no_role(name: &str) -> Error {
    Error::new(
        "NoSuchEntity",
        format!("The role with name {name} cannot be found."),
    )
}

fn no_user(name: &str) -> Error {
    Error::new(
        "NoSuchEntity",
        format!("The user with name {name} cannot be found."),
    )
}

pub(crate) fn validate_name(kind: &str, name: &str, max: usize) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            "ValidationError",
            format!("1 validation error detected: Value '{name}' at '{kind}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
        ))
    }
}

pub(crate) fn validate_path(path: &str) -> Result<()> {
    if path.starts_with('/') && path.ends_with('/') && path.len() <= 512 {
        Ok(())
    } else {
        Err(Error::new(
            "ValidationError",
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
        ))
    }
}

pub(crate) fn validate_document(text: &str) -> Result<()> {
    policy::Document::parse(text)
        .map(|_| ())
        .map_err(|m| Error::new("MalformedPolicyDocument", m))
}

/// `AWSServiceRoleFor…` names of the service-linked roles ramparts knows by service.
pub fn service_linked_role_name(service: &str) -> String {
    match service {
        "ram.amazonaws.com" => "AWSServiceRoleForResourceAccessManager".into(),
        "organizations.amazonaws.com" => "AWSServiceRoleForOrganizations".into(),
        "elasticloadbalancing.amazonaws.com" => "AWSServiceRoleForElasticLoadBalancing".into(),
        "autoscaling.amazonaws.com" => "AWSServiceRoleForAutoScaling".into(),
        "ecs.amazonaws.com" => "AWSServiceRoleForECS".into(),
        other => {
            let head = other.split('.').next().unwrap_or(other);
            let mut name = String::from("AWSServiceRoleFor");
            let mut chars = head.chars();
            if let Some(first) = chars.next() {
                name.extend(first.to_uppercase());
                name.push_str(chars.as_str());
            }
            name
        }
    }
}

impl Cloud {
    pub fn role(&self, account: &str, name: &str) -> Result<&Role> {
        self.iam
            .roles
            .get(&key(account, name))
            .ok_or_else(|| no_role(name))
    }

    pub fn user(&self, account: &str, name: &str) -> Result<&User> {
        self.iam
            .users
            .get(&key(account, name))
            .ok_or_else(|| no_user(name))
    }

    /// Who an access key id issued by ramparts speaks for, with its secret and, for a
    /// session, its token.
    pub fn identity_of_key(&self, key_id: &str) -> Option<(Identity, &str, Option<&str>)> {
        if let Some(k) = self.iam.keys.get(key_id) {
            let u = self.iam.users.get(&key(&k.account, &k.user))?;
            if !k.active {
                return None;
            }
            let identity = Identity::User {
                account: u.account.clone(),
                name: u.name.clone(),
                path: u.path.clone(),
                id: u.id.clone(),
            };
            return Some((identity, &k.secret, None));
        }
        let s = self.iam.sessions.get(key_id)?;
        if let Some(name) = &s.user {
            let u = self.iam.users.get(&key(&s.account, name))?;
            let identity = Identity::User {
                account: u.account.clone(),
                name: u.name.clone(),
                path: u.path.clone(),
                id: u.id.clone(),
            };
            return Some((identity, &s.secret, Some(&s.token)));
        }
        let role = self.iam.roles.get(&key(&s.account, &s.role_name));
        let identity = Identity::Session {
            account: s.account.clone(),
            role_name: s.role_name.clone(),
            role_path: role.map(|r| r.path.clone()).unwrap_or_else(|| "/".into()),
            role_id: s.role_id.clone(),
            session_name: s.session_name.clone(),
            expires: s.expires,
        };
        Some((identity, &s.secret, Some(&s.token)))
    }

    pub(crate) fn create_role(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        new: &NewRole,
        linked_service: Option<&str>,
    ) -> Result<Outcome> {
        validate_name("roleName", &new.name, 64)?;
        let path = new.path.clone().unwrap_or_else(|| "/".into());
        validate_path(&path)?;
        validate_document(&new.trust_policy)?;
        let max = new.max_session_seconds.unwrap_or(3600);
        if !(3600..=43200).contains(&max) {
            return Err(Error::new(
                "ValidationError",
                format!("The requested MaxSessionDuration {max} is invalid: it must be between 3600 and 43200 seconds."),
            ));
        }
        crate::tags::validate_tags(&new.tags)?;
        if let Some(arn) = &new.permissions_boundary {
            self.check_boundary_arn(account, arn)?;
        }
        let k = key(account, &new.name);
        if self.iam.roles.contains_key(&k) {
            return Err(Error::new(
                "EntityAlreadyExists",
                format!("Role with name {} already exists.", new.name),
            ));
        }
        let role = Role {
            account: account.to_string(),
            name: new.name.clone(),
            path,
            id: format!("AROA{}", ids.hex(17).to_uppercase()),
            trust_policy: new.trust_policy.clone(),
            description: new.description.clone(),
            max_session_seconds: max,
            created: at,
            tags: new.tags.clone(),
            inline_policies: BTreeMap::new(),
            attached_policies: BTreeSet::new(),
            linked_service: linked_service.map(str::to_string),
            permissions_boundary: new.permissions_boundary.clone(),
        };
        self.iam.roles.insert(k, role);
        Ok(Outcome::Id(new.name.clone()))
    }

    /// A role the caller may change: not service-linked.
    pub(crate) fn changeable_role(&mut self, account: &str, name: &str) -> Result<&mut Role> {
        let role = self
            .iam
            .roles
            .get_mut(&key(account, name))
            .ok_or_else(|| no_role(name))?;
        if role.linked_service.is_some() {
            return Err(Error::new(
                "UnmodifiableEntity",
                format!("Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"),
            ));
        }
        Ok(role)
    }

    pub(crate) fn user_mut(&mut self, account: &str, name: &str) -> Result<&mut User> {
        self.iam
            .users
            .get_mut(&key(account, name))
            .ok_or_else(|| no_user(name))
    }

    pub(crate) fn iam_execute(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        command: &IamCommand,
    ) -> Result<Outcome> {
        match command {
            IamCommand::CreateRole(new) => self.create_role(account, ids, at, new, None),
            IamCommand::DeleteRole { name } => {
                let role = self.changeable_role(account, name)?;
                if !role.inline_policies.is_empty() || !role.attached_policies.is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must detach all policies first.",
                    ));
                }
                if !self.profiles_of_role(account, name).is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must remove roles from instance profile first.",
                    ));
                }
                self.iam.roles.remove(&key(account, name));
                Ok(Outcome::Done)
            }
            IamCommand::UpdateRole {
                name,
                description,
                max_session_seconds,
            } => {
                let role = self.changeable_role(account, name)?;
                if let Some(d) = description {
                    role.description = Some(d.clone());
                }
                if let Some(m) = max_session_seconds {
                    if !(3600..=43200).contains(m) {
                        return Err(Error::new(
                            "ValidationError",
                            "MaxSessionDuration must be between 3600 and 43200 seconds.",
                        ));
                    }
                    role.max_session_seconds = *m;
                }
                Ok(Outcome::Done)
            }
            IamCommand::UpdateAssumeRolePolicy { name, document } => {
                validate_document(document)?;
                self.changeable_role(account, name)?.trust_policy = document.clone();
                Ok(Outcome::Done)
            }
            IamCommand::TagRole { name, tags } => {
                let role = self.changeable_role(account, name)?;
                crate::tags::merge_iam_tags(&mut role.tags, tags)?;
                Ok(Outcome::Done)
            }
            IamCommand::UntagRole { name, keys } => {
                let role = self.changeable_role(account, name)?;
                role.tags.retain(|t| !keys.contains(&t.key));
                Ok(Outcome::Done)
            }
            IamCommand::PutRolePolicy {
                role,
                name,
                document,
            } => {
                validate_name("policyName", name, 128)?;
                validate_document(document)?;
                let role = self.changeable_role(account, role)?;
                role.inline_policies.insert(name.clone(), document.clone());
                Ok(Outcome::Done)
            }
            IamCommand::DeleteRolePolicy { role, name } => {
                let role = self.changeable_role(account, role)?;
                role.inline_policies.remove(name).ok_or_else(|| {
                    Error::new(
                        "NoSuchEntity",
                        format!("The role policy with name {name} cannot be found."),
                    )
                })?;
                Ok(Outcome::Done)
            }
            IamCommand::AttachRolePolicy { role, arn } => {
                self.check_policy_arn(account, arn)?;
                self.changeable_role(account, role)?
                    .attached_policies
                    .insert(arn.clone());
                Ok(Outcome::Done)
            }
            IamCommand::DetachRolePolicy { role, arn } => {
                if !self
                    .changeable_role(account, role)?
                    .attached_policies
                    .remove(arn)
                {
                    return Err(not_attached(arn));
                }
                Ok(Outcome::Done)
            }
            IamCommand::CreateServiceLinkedRole {
                service,
                description,
                suffix,
            } => {
                if !service.ends_with(".amazonaws.com") {
                    return Err(Error::new(
                        "InvalidInput",
                        format!("Service principal {service} is not a valid AWS service."),
                    ));
                }
                let mut name = service_linked_role_name(service);
                if let Some(s) = suffix {
                    name = format!("{name}_{s}");
                }
                self.create_service_linked_role(account, ids, at, service, &name, description)
            }
            IamCommand::DeleteServiceLinkedRole { name } => {
                let role = self.role(account, name)?;
                if role.linked_service.is_none() {
                    return Err(Error::new(
                        "InvalidInput",
                        format!("Role {name} is not a service-linked role."),
                    ));
                }
                let service = role.linked_service.clone().unwrap_or_default();
                self.iam.roles.remove(&key(account, name));
                Ok(Outcome::Id(format!(
                    "task/aws-service-role/{service}/{name}/{}",
                    ids.uuid()
                )))
            }
            IamCommand::CreateUser {
                name,
                path,
                tags,
                permissions_boundary,
            } => {
                validate_name("userName", name, 64)?;
                let path = path.clone().unwrap_or_else(|| "/".into());
                validate_path(&path)?;
                crate::tags::validate_tags(tags)?;
                if let Some(arn) = permissions_boundary {
                    self.check_boundary_arn(account, arn)?;
                }
                let k = key(account, name);
                if self.iam.users.contains_key(&k) {
                    return Err(Error::new(
                        "EntityAlreadyExists",
                        format!("User with name {name} already exists."),
                    ));
                }
                let user = User {
                    account: account.to_string(),
                    name: name.clone(),
                    path,
                    id: format!("AIDA{}", ids.hex(17).to_uppercase()),
                    created: at,
                    tags: tags.clone(),
                    inline_policies: BTreeMap::new(),
                    attached_policies: BTreeSet::new(),
                    permissions_boundary: permissions_boundary.clone(),
                };
                self.iam.users.insert(k, user);
                Ok(Outcome::Id(name.clone()))
            }
            IamCommand::DeleteUser { name } => {
                if !self.groups_of_user(account, name).is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must remove user from all groups first.",
                    ));
                }
                let user = self.user(account, name)?;
                if !user.inline_policies.is_empty() || !user.attached_policies.is_empty() {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must detach all policies first.",
                    ));
                }
                if self
                    .iam
                    .keys
                    .values()
                    .any(|k| k.account == account && k.user.eq_ignore_ascii_case(name))
                {
                    return Err(Error::new(
                        "DeleteConflict",
                        "Cannot delete entity, must delete access keys first.",
                    ));
                }
                self.iam.users.remove(&key(account, name));
                Ok(Outcome::Done)
            }
            IamCommand::TagUser { name, tags } => {
                crate::tags::merge_iam_tags(&mut self.user_mut(account, name)?.tags, tags)?;
                Ok(Outcome::Done)
            }
            IamCommand::UntagUser { name, keys } => {
                self.user_mut(account, name)?
                    .tags
                    .retain(|t| !keys.contains(&t.key));
                Ok(Outcome::Done)
            }
            IamCommand::PutPermissionsBoundary { entity, arn } => {
                self.put_boundary(account, entity, arn)
            }
            IamCommand::DeletePermissionsBoundary { entity } => {
                self.delete_boundary(account, entity)
            }
            IamCommand::Profile(command) => self.profile_execute(account, ids, at, command),
            IamCommand::PutUserPolicy {
                user,
                name,
                document,
            } => {
                validate_name("policyName", name, 128)?;
                validate_document(document)?;
                self.user_mut(account, user)?
                    .inline_policies
                    .insert(name.clone(), document.clone());
                Ok(Outcome::Done)
            }
            IamCommand::DeleteUserPolicy { user, name } => {
                self.user_mut(account, user)?
                    .inline_policies
                    .remove(name)
                    .ok_or_else(|| {
                        Error::new(
                            "NoSuchEntity",
                            format!("The user policy with name {name} cannot be found."),
                        )
                    })?;
                Ok(Outcome::Done)
            }
            IamCommand::AttachUserPolicy { user, arn } => {
                self.check_policy_arn(account, arn)?;
                self.user_mut(account, user)?
                    .attached_policies
                    .insert(arn.clone());
                Ok(Outcome::Done)
            }
            IamCommand::DetachUserPolicy { user, arn } => {
                if !self.user_mut(account, user)?.attached_policies.remove(arn) {
                    return Err(not_attached(arn));
                }
                Ok(Outcome::Done)
            }
            IamCommand::CreateAccessKey { user } => {
                let name = self.user(account, user)?.name.clone();
                let held = self
                    .iam
                    .keys
                    .values()
                    .filter(|k| k.account == account && k.user == name)
                    .count();
                if held >= 2 {
                    return Err(Error::new(
                        "LimitExceeded",
                        "Cannot exceed quota for AccessKeysPerUser: 2",
                    ));
                }
                let id = format!("AKIA{}", ids.hex(16).to_uppercase());
                let k = AccessKey {
                    id: id.clone(),
                    secret: ids.secret(),
                    account: account.to_string(),
                    user: name,
                    active: true,
                    created: at,
                };
                self.iam.keys.insert(id.clone(), k);
                Ok(Outcome::Id(id))
            }
            IamCommand::UpdateAccessKey {
                user,
                key_id,
                active,
            } => {
                self.access_key_mut(account, user, key_id)?.active = *active;
                Ok(Outcome::Done)
            }
            IamCommand::DeleteAccessKey { user, key_id } => {
                self.access_key_mut(account, user, key_id)?;
                self.iam.keys.remove(key_id);
                Ok(Outcome::Done)
            }
            IamCommand::Group(command) => self.group_execute(account, ids, at, command),
            IamCommand::CreatePolicy {
                name,
                path,
                document,
                description,
                tags,
            } => self.create_managed_policy(
                account,
                ids,
                at,
                name,
                path.as_deref(),
                document,
                description.as_deref(),
                tags,
            ),
            IamCommand::DeletePolicy { arn } => self.delete_managed_policy(account, arn),
            IamCommand::CreatePolicyVersion {
                arn,
                document,
                set_default,
            } => self.create_policy_version(account, at, arn, document, *set_default),
            IamCommand::DeletePolicyVersion { arn, version } => {
                self.delete_policy_version(account, arn, version)
            }
            IamCommand::SetDefaultPolicyVersion { arn, version } => {
                self.set_default_policy_version(account, at, arn, version)
            }
            IamCommand::AssumeRole {
                caller,
                role_arn,
                session_name,
                duration_seconds,
                external_id,
                policy,
                policy_arns,
                tags,
                transitive_tag_keys,
                source_identity,
                caller_key,
            } => self.assume_role(
                ids,
                at,
                AssumeRequest {
                    caller_arn: caller,
                    role_arn,
                    session_name,
                    external_id: external_id.as_deref(),
                    policy: policy.as_deref(),
                    policy_arns,
                    tags,
                    transitive_tag_keys,
                    source_identity: source_identity.as_deref(),
                    caller_key: caller_key.as_deref(),
                },
                *duration_seconds,
            ),
            IamCommand::GetSessionToken {
                caller,
                duration_seconds,
            } => self.session_token(ids, at, caller, *duration_seconds),
        }
    }

    pub(crate) fn create_service_linked_role(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        service: &str,
        name: &str,
        description: &Option<String>,
    ) -> Result<Outcome> {
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
        );
        let new = NewRole {
            name: name.to_string(),
            path: Some(format!("/aws-service-role/{service}/")),
            trust_policy: trust,
            description: description.clone(),
            max_session_seconds: None,
            tags: Vec::new(),
            permissions_boundary: None,
        };
        self.create_role(account, ids, at, &new, Some(service))
    }

    fn access_key_mut(
        &mut self,
        account: &str,
        user: &str,
        key_id: &str,
    ) -> Result<&mut AccessKey> {
        let name = self.user(account, user)?.name.clone();
        self.iam
            .keys
            .get_mut(key_id)
            .filter(|k| k.account == account && k.user == name)
            .ok_or_else(|| {
                Error::new(
                    "NoSuchEntity",
                    format!("The Access Key with id {key_id} cannot be found."),
                )
            })
    }
}

impl Cloud {
    /// An attachable policy: AWS's, or a customer-managed one of the same account.
    pub(crate) fn check_policy_arn(&self, account: &str, arn: &str) -> Result<()> {
        if arn.starts_with("arn:aws:iam::aws:policy/")
            || self
                .iam
                .policies
                .get(arn)
                .is_some_and(|p| p.account == account)
        {
            return Ok(());
        }
        Err(Error::new(
            "NoSuchEntity",
            format!("Policy {arn} does not exist or is not attachable."),
        ))
    }
}

fn not_attached(arn: &str) -> Error {
    Error::new("NoSuchEntity", format!("Policy {arn} was not found."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_linked_names() {
        assert_eq!(
            service_linked_role_name("ram.amazonaws.com"),
            "AWSServiceRoleForResourceAccessManager"
        );
        assert_eq!(
            service_linked_role_name("foo.amazonaws.com"),
            "AWSServiceRoleForFoo"
        );
    }
}
