//! AWS Organizations: organizations, their root, organizational units and member accounts,
//! the services trusted to act in them, and RAM's switch for sharing inside them.
//! Organizations is global: the Region of a request does not matter here.

use crate::error::{Error, Result};
use crate::iam::{NewRole, ADMINISTRATOR_ACCESS};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Tag};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const RAM_SERVICE: &str = "ram.amazonaws.com";
const MAX_UNIT_DEPTH: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub master: AccountId,
    pub master_email: String,
    pub feature_set: String,
    pub root_id: String,
    pub root_tags: Vec<Tag>,
    pub accounts: BTreeMap<AccountId, Member>,
    pub units: BTreeMap<String, Unit>,
    pub requests: BTreeMap<String, AccountRequest>,
    /// Service principal → when its trusted access was enabled.
    pub services: BTreeMap<String, Millis>,
    /// RAM's EnableSharingWithAwsOrganization has run (and trusted access is still on).
    pub ram_sharing: bool,
    /// Authorization policy types enabled on the root (`org_policies`).
    #[serde(default)]
    pub policy_types: BTreeSet<String>,
    /// The organization's own SCPs and RCPs by id (AWS's are not stored).
    #[serde(default)]
    pub policies: BTreeMap<String, crate::org_policies::OrgPolicy>,
    /// Root, OU or account id → ids of the policies attached to it.
    #[serde(default)]
    pub attachments: BTreeMap<String, BTreeSet<String>>,
}

impl Organization {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:organization/{}",
            self.master, self.id
        )
    }

    pub fn root_arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:root/{}/{}",
            self.master, self.id, self.root_id
        )
    }

    pub fn unit_arn(&self, unit_id: &str) -> String {
        format!(
            "arn:aws:organizations::{}:ou/{}/{unit_id}",
            self.master, self.id
        )
    }

    pub fn account_arn(&self, account: &str) -> String {
        format!(
            "arn:aws:organizations::{}:account/{}/{account}",
            self.master, self.id
        )
    }

    /// Whether `parent` is the root or one of the units.
    pub fn has_parent(&self, parent: &str) -> bool {
        parent == self.root_id || self.units.contains_key(parent)
    }

    /// The chain of units from the root down to `parent` (exclusive of the root).
    pub fn ancestors(&self, parent: &str) -> Vec<&str> {
        let mut chain = Vec::new();
        let mut at = parent;
        while let Some(u) = self.units.get(at) {
            chain.push(u.id.as_str());
            at = &u.parent;
        }
        chain.reverse();
        chain
    }

    /// Whether the account sits in `unit_id` or anywhere below it.
    pub fn account_under(&self, account: &str, unit_id: &str) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|m| self.ancestors(&m.parent).contains(&unit_id))
    }

    pub fn sharing_enabled(&self) -> bool {
        self.ram_sharing && self.services.contains_key(RAM_SERVICE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: AccountId,
    pub name: String,
    pub email: String,
    /// ACTIVE, SUSPENDED or PENDING_CLOSURE.
    pub status: String,
    /// INVITED or CREATED.
    pub joined_method: String,
    pub joined: Millis,
    pub parent: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub parent: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRequest {
    pub id: String,
    pub account_name: String,
    pub state: String,
    pub requested: Millis,
    pub completed: Option<Millis>,
    pub account_id: Option<AccountId>,
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrgCommand {
    CreateOrganization {
        feature_set: String,
        /// Declared in the configuration file; otherwise made up from the account id.
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        name: Option<String>,
    },
    DeleteOrganization,
    CreateAccount {
        email: String,
        name: String,
        role_name: Option<String>,
        tags: Vec<Tag>,
        /// A fixed id, from the configuration file.
        #[serde(default)]
        account_id: Option<AccountId>,
        #[serde(default)]
        parent: Option<String>,
    },
    CloseAccount {
        account_id: AccountId,
    },
    RemoveAccount {
        account_id: AccountId,
    },
    LeaveOrganization,
    MoveAccount {
        account_id: AccountId,
        source: String,
        destination: String,
    },
    CreateUnit {
        parent: String,
        name: String,
        tags: Vec<Tag>,
    },
    UpdateUnit {
        unit_id: String,
        name: Option<String>,
    },
    DeleteUnit {
        unit_id: String,
    },
    EnableServiceAccess {
        principal: String,
    },
    DisableServiceAccess {
        principal: String,
    },
    TagResource {
        resource_id: String,
        tags: Vec<Tag>,
    },
    UntagResource {
        resource_id: String,
        keys: Vec<String>,
    },
    /// RAM's EnableSharingWithAwsOrganization.
    EnableRamSharing,
    EnablePolicyType {
        root_id: String,
        kind: String,
    },
    DisablePolicyType {
        root_id: String,
        kind: String,
    },
    CreatePolicy {
        name: String,
        description: String,
        content: String,
        kind: String,
        tags: Vec<Tag>,
    },
    UpdatePolicy {
        policy_id: String,
        name: Option<String>,
        description: Option<String>,
        content: Option<String>,
    },
    DeletePolicy {
        policy_id: String,
    },
    AttachPolicy {
        policy_id: String,
        target_id: String,
    },
    DetachPolicy {
        policy_id: String,
        target_id: String,
    },
}

/// Every organization, and which one each account belongs to.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Organizations {
    pub orgs: BTreeMap<String, Organization>,
    pub member_of: HashMap<AccountId, String>,
}

fn master_cannot_leave() -> Error {
    Error::new(
        "MasterCannotLeaveOrganizationException",
        "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization.",
    )
}

/// Names with Organizations' length reasons.
pub(crate) fn check_length(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(invalid_input(
            "MIN_LENGTH_EXCEEDED",
            &format!("The {what} must not be empty."),
        ));
    }
    if value.chars().count() > max {
        return Err(invalid_input(
            "MAX_LENGTH_EXCEEDED",
            &format!("The {what} must have at most {max} characters."),
        ));
    }
    Ok(())
}

/// Tags under Organizations' rules: the reserved `aws:` prefix has its own reason.
pub(crate) fn validate_org_tags(tags: &[Tag]) -> Result<()> {
    if tags
        .iter()
        .any(|t| t.key.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(invalid_input(
            "INVALID_SYSTEM_TAGS_PARAMETER",
            "Tag keys starting with 'aws:' are reserved for AWS use.",
        ));
    }
    crate::tags::validate_tags(tags).map_err(|e| invalid_input("INVALID_INPUT", &e.message))
}

pub fn not_in_use() -> Error {
    Error::new(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

pub fn access_denied() -> Error {
    Error::new(
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
}

pub fn account_not_found() -> Error {
    Error::new(
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
}

pub(crate) fn constraint(reason: &'static str, message: &str) -> Error {
    Error::new("ConstraintViolationException", message).with_reason(reason)
}

fn invalid_input(reason: &'static str, message: &str) -> Error {
    Error::new("InvalidInputException", message).with_reason(reason)
}

impl Cloud {
    /// The organization an account belongs to.
    pub fn organization_of(&self, account: &str) -> Option<&Organization> {
        self.orgs
            .member_of
            .get(account)
            .and_then(|id| self.orgs.orgs.get(id))
    }

    /// `aws:PrincipalOrgPaths` of a member: `o-…/r-…/ou-…/` down to the account's parent.
    pub fn org_path_of(&self, account: &str) -> Option<String> {
        let org = self.organization_of(account)?;
        let mut chain = Vec::new();
        let mut at = org.accounts.get(account)?.parent.clone();
        // OUs nest at most five deep; the bound keeps a damaged state from looping.
        for _ in 0..8 {
            chain.push(at.clone());
            match org.units.get(&at) {
                Some(unit) => at = unit.parent.clone(),
                None => break,
            }
        }
        chain.reverse();
        Some(format!("{}/{}/", org.id, chain.join("/")))
    }

    /// The caller's organization, for any member.
    pub fn member_org(&self, account: &str) -> Result<&Organization> {
        self.organization_of(account).ok_or_else(not_in_use)
    }

    /// The caller's organization, for its management account only.
    pub fn managed_org(&self, account: &str) -> Result<&Organization> {
        let org = self.member_org(account)?;
        if org.master != account {
            return Err(access_denied());
        }
        Ok(org)
    }

    pub(crate) fn managed_org_mut(&mut self, account: &str) -> Result<&mut Organization> {
        let id = self.managed_org(account)?.id.clone();
        Ok(self.orgs.orgs.get_mut(&id).expect("indexed"))
    }

    pub(crate) fn org_execute(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        command: &OrgCommand,
    ) -> Result<Outcome> {
        match command {
            OrgCommand::EnablePolicyType { .. }
            | OrgCommand::DisablePolicyType { .. }
            | OrgCommand::CreatePolicy { .. }
            | OrgCommand::UpdatePolicy { .. }
            | OrgCommand::DeletePolicy { .. }
            | OrgCommand::AttachPolicy { .. }
            | OrgCommand::DetachPolicy { .. } => self.org_policy_execute(account, ids, command),
            OrgCommand::CreateOrganization {
                feature_set,
                email,
                name,
            } => {
                if self.orgs.member_of.contains_key(account) {
                    return Err(Error::new(
                        "AlreadyInOrganizationException",
                        "The provided account is already a member of an organization.",
                    ));
                }
                if feature_set != "ALL" && feature_set != "CONSOLIDATED_BILLING" {
                    return Err(invalid_input("INVALID_ENUM", "Invalid FeatureSet."));
                }
                let id = format!("o-{}", ids.hex(10));
                let root_id = format!("r-{}", ids.hex(4));
                let email = email
                    .clone()
                    .unwrap_or_else(|| format!("{account}@ramparts.invalid"));
                let master = Member {
                    id: account.to_string(),
                    name: name.clone().unwrap_or_else(|| "management".into()),
                    email: email.clone(),
                    status: "ACTIVE".into(),
                    joined_method: "INVITED".into(),
                    joined: at,
                    parent: root_id.clone(),
                    tags: Vec::new(),
                };
                let org = Organization {
                    id: id.clone(),
                    master: account.to_string(),
                    master_email: email,
                    feature_set: feature_set.clone(),
                    root_id,
                    root_tags: Vec::new(),
                    accounts: BTreeMap::from([(account.to_string(), master)]),
                    units: BTreeMap::new(),
                    requests: BTreeMap::new(),
                    services: BTreeMap::new(),
                    ram_sharing: false,
                    policy_types: BTreeSet::new(),
                    policies: BTreeMap::new(),
                    attachments: BTreeMap::new(),
                };
                self.orgs.orgs.insert(id.clone(), org);
                self.orgs.member_of.insert(account.to_string(), id.clone());
                self.sharing_changed();
                Ok(Outcome::Id(id))
            }
            OrgCommand::DeleteOrganization => {
                let org = self.managed_org(account)?;
                if org.accounts.len() > 1 {
                    return Err(Error::new(
                        "OrganizationNotEmptyException",
                        "To delete an organization you must first remove all member accounts (except the master).",
                    ));
                }
                let id = org.id.clone();
                self.orgs.orgs.remove(&id);
                self.orgs.member_of.remove(account);
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::CreateAccount {
                email,
                name,
                role_name,
                tags,
                account_id,
                parent,
            } => self.create_account(
                account,
                ids,
                at,
                email,
                name,
                role_name.as_deref(),
                tags,
                account_id.as_deref(),
                parent.as_deref(),
            ),
            OrgCommand::CloseAccount { account_id } => {
                let org = self.managed_org(account)?;
                let member = org.accounts.get(account_id).ok_or_else(account_not_found)?;
                if account_id == account {
                    return Err(constraint(
                        "CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
                        "You cannot close the management account of an organization.",
                    ));
                }
                if member.status != "ACTIVE" {
                    return Err(Error::new(
                        "AccountAlreadyClosedException",
                        "You attempted to close an account that is already closed.",
                    ));
                }
                let org = self.managed_org_mut(account)?;
                org.accounts.get_mut(account_id).expect("checked").status = "SUSPENDED".into();
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::RemoveAccount { account_id } => {
                let org = self.managed_org(account)?;
                if !org.accounts.contains_key(account_id) {
                    return Err(account_not_found());
                }
                if account_id == account {
                    return Err(master_cannot_leave());
                }
                let org = self.managed_org_mut(account)?;
                org.accounts.remove(account_id);
                org.forget_target(account_id);
                self.orgs.member_of.remove(account_id);
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::LeaveOrganization => {
                let org = self.member_org(account)?;
                if org.master == account {
                    return Err(master_cannot_leave());
                }
                let id = org.id.clone();
                self.orgs
                    .orgs
                    .get_mut(&id)
                    .expect("indexed")
                    .accounts
                    .remove(account);
                self.orgs
                    .orgs
                    .get_mut(&id)
                    .expect("indexed")
                    .forget_target(account);
                self.orgs.member_of.remove(account);
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::MoveAccount {
                account_id,
                source,
                destination,
            } => {
                let org = self.managed_org(account)?;
                let member = org.accounts.get(account_id).ok_or_else(account_not_found)?;
                if !org.has_parent(source) {
                    return Err(Error::new(
                        "SourceParentNotFoundException",
                        "We can't find a source root or OU with the ParentId that you specified.",
                    ));
                }
                if !org.has_parent(destination) {
                    return Err(Error::new(
                        "DestinationParentNotFoundException",
                        "We can't find a destination root or OU with the ParentId that you specified.",
                    ));
                }
                if member.parent != *source {
                    return Err(Error::new(
                        "AccountNotFoundException",
                        format!("The account {account_id} is not in the source parent {source}."),
                    ));
                }
                if member.parent == *destination {
                    return Err(Error::new(
                        "DuplicateAccountException",
                        "That account is already present in the specified destination.",
                    ));
                }
                let org = self.managed_org_mut(account)?;
                org.accounts.get_mut(account_id).expect("checked").parent = destination.clone();
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::CreateUnit { parent, name, tags } => {
                let org = self.managed_org(account)?;
                if !org.has_parent(parent) {
                    return Err(Error::new(
                        "ParentNotFoundException",
                        "We can't find a root or OU with the ParentId that you specified.",
                    ));
                }
                check_length("organizational unit name", name, 128)?;
                if org
                    .units
                    .values()
                    .any(|u| u.parent == *parent && u.name == *name)
                {
                    return Err(Error::new(
                        "DuplicateOrganizationalUnitException",
                        "An OU with the same name already exists.",
                    ));
                }
                if org.ancestors(parent).len() >= MAX_UNIT_DEPTH {
                    return Err(constraint(
                        "OU_DEPTH_LIMIT_EXCEEDED",
                        "You attempted to create an OU tree that is too many levels deep.",
                    ));
                }
                validate_org_tags(tags)?;
                let suffix = org.root_id.trim_start_matches("r-").to_string();
                let id = format!("ou-{suffix}-{}", ids.hex(8));
                let unit = Unit {
                    id: id.clone(),
                    name: name.clone(),
                    parent: parent.clone(),
                    tags: tags.clone(),
                };
                self.managed_org_mut(account)?
                    .units
                    .insert(id.clone(), unit);
                self.managed_org_mut(account)?.attach_defaults(&id);
                Ok(Outcome::Id(id))
            }
            OrgCommand::UpdateUnit { unit_id, name } => {
                let org = self.managed_org(account)?;
                let unit = org
                    .units
                    .get(unit_id)
                    .ok_or_else(|| unit_not_found(unit_id))?;
                if let Some(n) = name {
                    if org
                        .units
                        .values()
                        .any(|u| u.parent == unit.parent && u.name == *n && u.id != *unit_id)
                    {
                        return Err(Error::new(
                            "DuplicateOrganizationalUnitException",
                            "An OU with the same name already exists.",
                        ));
                    }
                    let org = self.managed_org_mut(account)?;
                    org.units.get_mut(unit_id).expect("checked").name = n.clone();
                }
                Ok(Outcome::Id(unit_id.clone()))
            }
            OrgCommand::DeleteUnit { unit_id } => {
                let org = self.managed_org(account)?;
                if !org.units.contains_key(unit_id) {
                    return Err(unit_not_found(unit_id));
                }
                let busy = org.units.values().any(|u| u.parent == *unit_id)
                    || org.accounts.values().any(|a| a.parent == *unit_id);
                if busy {
                    return Err(Error::new(
                        "OrganizationalUnitNotEmptyException",
                        "The specified OU is not empty. Move all accounts to another root or OU and delete all child OUs, then try the operation again.",
                    ));
                }
                let org = self.managed_org_mut(account)?;
                org.units.remove(unit_id);
                org.forget_target(unit_id);
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::EnableServiceAccess { principal } => {
                let org = self.managed_org_mut(account)?;
                if org.feature_set != "ALL" {
                    return Err(constraint(
                        "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                        "Trusted access needs an organization with all features enabled.",
                    ));
                }
                org.services.entry(principal.clone()).or_insert(at);
                Ok(Outcome::Done)
            }
            OrgCommand::DisableServiceAccess { principal } => {
                let org = self.managed_org_mut(account)?;
                org.services.remove(principal);
                if principal == RAM_SERVICE {
                    org.ram_sharing = false;
                }
                self.sharing_changed();
                Ok(Outcome::Done)
            }
            OrgCommand::TagResource { resource_id, tags } => {
                validate_org_tags(tags)?;
                let target = self.org_tags_mut(account, resource_id)?;
                crate::tags::merge_tags(target, tags);
                Ok(Outcome::Done)
            }
            OrgCommand::UntagResource { resource_id, keys } => {
                self.org_tags_mut(account, resource_id)?
                    .retain(|t| !keys.contains(&t.key));
                Ok(Outcome::Done)
            }
            OrgCommand::EnableRamSharing => {
                // UNSURE: AWS's words when the account is in no organization.
                let org = self.member_org(account).map_err(|_| {
                    Error::new(
                        "OperationNotPermittedException",
                        "Unable to enable sharing with AWS Organizations. Received AccessDeniedException from AWSOrganizations with the following error message: Your account is not a member of an organization.",
                    )
                })?;
                if org.master != account || org.feature_set != "ALL" {
                    return Err(ram_not_permitted());
                }
                let role = crate::iam::service_linked_role_name(RAM_SERVICE);
                if self.role(account, &role).is_err() {
                    self.create_service_linked_role(account, ids, at, RAM_SERVICE, &role, &None)?;
                }
                let org = self.managed_org_mut(account)?;
                org.services.entry(RAM_SERVICE.to_string()).or_insert(at);
                org.ram_sharing = true;
                self.sharing_changed();
                Ok(Outcome::Done)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create_account(
        &mut self,
        account: &str,
        ids: &mut Ids,
        at: Millis,
        email: &str,
        name: &str,
        role_name: Option<&str>,
        tags: &[Tag],
        fixed_id: Option<&str>,
        parent: Option<&str>,
    ) -> Result<Outcome> {
        let org = self.managed_org(account)?;
        if !(6..=64).contains(&email.len()) || !email.contains('@') {
            return Err(invalid_input(
                "INVALID_EMAIL_ADDRESS_TARGET",
                "You provided an email address that isn't valid.",
            ));
        }
        check_length("account name", name, 50)?;
        validate_org_tags(tags)?;
        let parent = parent.unwrap_or(&org.root_id).to_string();
        if !org.has_parent(&parent) {
            return Err(Error::new(
                "ParentNotFoundException",
                "We can't find a root or OU with the ParentId that you specified.",
            ));
        }
        let request_id = format!("car-{}", ids.hex(10));
        let taken = self
            .orgs
            .orgs
            .values()
            .flat_map(|o| o.accounts.values())
            .any(|m| m.email.eq_ignore_ascii_case(email));
        let new_id = match fixed_id {
            Some(id) => id.to_string(),
            None => loop {
                let id = ids.digits(12);
                if !self.orgs.member_of.contains_key(&id) {
                    break id;
                }
            },
        };
        if fixed_id.is_some() && self.orgs.member_of.contains_key(&new_id) {
            return Err(Error::new(
                "DuplicateAccountException",
                format!("The account {new_id} is already a member of an organization."),
            ));
        }
        let org_id = org.id.clone();
        let master = org.master.clone();
        let mut request = AccountRequest {
            id: request_id.clone(),
            account_name: name.to_string(),
            state: "SUCCEEDED".into(),
            requested: at,
            completed: Some(at),
            account_id: Some(new_id.clone()),
            failure_reason: None,
        };
        if taken {
            request.state = "FAILED".into();
            request.account_id = None;
            request.failure_reason = Some("EMAIL_ALREADY_EXISTS".into());
        } else {
            let role = role_name.unwrap_or("OrganizationAccountAccessRole");
            let trust = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{master}:root"}},"Action":"sts:AssumeRole"}}]}}"#
            );
            let new_role = NewRole {
                name: role.to_string(),
                path: None,
                trust_policy: trust,
                description: None,
                max_session_seconds: None,
                tags: Vec::new(),
                permissions_boundary: None,
            };
            if self.role(&new_id, role).is_err() {
                self.create_role(&new_id, ids, at, &new_role, None)?;
                let key = (new_id.clone(), role.to_lowercase());
                if let Some(r) = self.iam.roles.get_mut(&key) {
                    r.attached_policies.insert(ADMINISTRATOR_ACCESS.to_string());
                }
            }
            let member = Member {
                id: new_id.clone(),
                name: name.to_string(),
                email: email.to_string(),
                status: "ACTIVE".into(),
                joined_method: "CREATED".into(),
                joined: at,
                parent,
                tags: tags.to_vec(),
            };
            let org = self.orgs.orgs.get_mut(&org_id).expect("indexed");
            org.accounts.insert(new_id.clone(), member);
            org.attach_defaults(&new_id);
            self.orgs.member_of.insert(new_id, org_id.clone());
        }
        let org = self.orgs.orgs.get_mut(&org_id).expect("indexed");
        org.requests.insert(request_id.clone(), request);
        self.sharing_changed();
        Ok(Outcome::Id(request_id))
    }

    fn org_tags_mut(&mut self, account: &str, resource_id: &str) -> Result<&mut Vec<Tag>> {
        let org = self.managed_org_mut(account)?;
        if resource_id == org.root_id {
            return Ok(&mut org.root_tags);
        }
        if let Some(u) = org.units.get_mut(resource_id) {
            return Ok(&mut u.tags);
        }
        if let Some(a) = org.accounts.get_mut(resource_id) {
            return Ok(&mut a.tags);
        }
        Err(Error::new(
            "TargetNotFoundException",
            format!("We can't find a target with the TargetId {resource_id}."),
        ))
    }
}

fn unit_not_found(id: &str) -> Error {
    Error::new(
        "OrganizationalUnitNotFoundException",
        format!("We can't find an OU with the OrganizationalUnitId {id}."),
    )
}

pub fn ram_not_permitted() -> Error {
    Error::new(
        "OperationNotPermittedException",
        "Sharing with your organization can only be enabled by the management account of an organization with all features enabled.",
    )
}
