//! AWS RAM: resource shares, their resource and principal associations, invitations for
//! principals outside the organization, and the managed permissions of each shareable type.
//! What a share *grants* is worked out in [`crate::visibility`]; this module keeps the
//! records and enforces RAM's own rules.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Region, Tag};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const HOUR: Millis = 3_600_000;

/// A shareable resource type: its RAM name, the ARN resource kind, its default permission, and
/// whether it can only be shared inside an organization.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub name: &'static str,
    pub arn_kind: &'static str,
    pub permission: &'static str,
    pub org_only: bool,
    pub actions: &'static [&'static str],
}

pub const RESOURCE_TYPES: &[ResourceType] = &[
    ResourceType {
        name: "ec2:PrefixList",
        arn_kind: "prefix-list",
        permission: "AWSRAMDefaultPermissionPrefixList",
        org_only: false,
        actions: &[
            "ec2:CreateRoute",
            "ec2:ReplaceRoute",
            "ec2:DescribeManagedPrefixLists",
            "ec2:GetManagedPrefixListEntries",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupEgress",
        ],
    },
    ResourceType {
        name: "ec2:SecurityGroup",
        arn_kind: "security-group",
        permission: "AWSRAMDefaultPermissionSecurityGroup",
        org_only: true,
        actions: &[
            "ec2:DescribeSecurityGroups",
            "ec2:CreateNetworkInterface",
            "ec2:ModifyNetworkInterfaceAttribute",
            "ec2:RunInstances",
            "ec2:AttachNetworkInterface",
        ],
    },
    ResourceType {
        name: "ec2:TransitGateway",
        arn_kind: "transit-gateway",
        permission: "AWSRAMDefaultPermissionTransitGateway",
        org_only: false,
        actions: &[
            "ec2:DescribeTransitGateways",
            "ec2:CreateTransitGatewayVpcAttachment",
            "ec2:CreateTransitGatewayPeeringAttachment",
            "ec2:CreateTransitGatewayConnect",
            "ec2:CreateVpnConnection",
        ],
    },
    ResourceType {
        name: "ec2:Subnet",
        arn_kind: "subnet",
        permission: "AWSRAMDefaultPermissionSubnet",
        org_only: true,
        actions: &[
            "ec2:RunInstances",
            "ec2:CreateNetworkInterface",
            "ec2:DescribeSubnets",
        ],
    },
];

pub fn permission_arn(name: &str) -> String {
    format!("arn:aws:ram::aws:permission/{name}")
}

pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(name))
}

pub fn permission_by_arn(arn: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES
        .iter()
        .find(|t| permission_arn(t.permission) == arn)
}

/// The parts of an EC2 resource ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ec2Arn {
    pub region: Region,
    pub account: AccountId,
    pub kind: &'static ResourceType,
    pub id: String,
}

pub fn parse_resource_arn(arn: &str) -> Result<Ec2Arn> {
    let malformed = || {
        Error::new(
            "MalformedArnException",
            format!("The specified resource ARN {arn} is not valid. Verify the ARN and try again."),
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_word, partition, service, region, account, resource] = parts[..] else {
        return Err(malformed());
    };
    if arn_word != "arn" || partition != "aws" || service.is_empty() {
        return Err(malformed());
    }
    let (kind, id) = resource.split_once('/').ok_or_else(malformed)?;
    let kind = RESOURCE_TYPES
        .iter()
        .find(|t| service == "ec2" && t.arn_kind == kind)
        .ok_or_else(|| {
            Error::new(
                "InvalidParameterException",
                format!("The resource type of {arn} cannot be shared through ramparts' RAM (shareable: ec2:Subnet, ec2:SecurityGroup, ec2:PrefixList, ec2:TransitGateway)."),
            )
        })?;
    Ok(Ec2Arn {
        region: region.to_string(),
        account: account.to_string(),
        kind,
        id: id.to_string(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssociationType {
    Principal,
    Resource,
}

impl AssociationType {
    pub fn as_str(self) -> &'static str {
        match self {
            AssociationType::Principal => "PRINCIPAL",
            AssociationType::Resource => "RESOURCE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub entity: String,
    pub kind: AssociationType,
    /// ASSOCIATING (waiting for an invitation), ASSOCIATED, FAILED or DISASSOCIATED.
    pub status: String,
    pub message: Option<String>,
    pub created: Millis,
    pub updated: Millis,
    pub external: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub arn: String,
    pub name: String,
    pub owner: AccountId,
    pub region: Region,
    pub allow_external: bool,
    /// ACTIVE or DELETED.
    pub status: String,
    pub tags: Vec<Tag>,
    pub created: Millis,
    pub updated: Millis,
    /// Resource type → permission, where the owner chose one; else the type's default.
    pub permissions: BTreeMap<String, String>,
    pub resources: BTreeMap<String, Association>,
    pub principals: BTreeMap<String, Association>,
}

impl Share {
    pub fn active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// The permission ARNs in force for the resource types in the share.
    pub fn permissions_in_force(&self) -> Vec<String> {
        let mut types: Vec<&str> = self
            .resources
            .keys()
            .filter_map(|arn| parse_resource_arn(arn).ok())
            .map(|a| a.kind.name)
            .collect();
        types.extend(self.permissions.keys().map(String::as_str));
        types.sort_unstable();
        types.dedup();
        types
            .into_iter()
            .filter_map(resource_type)
            .map(|t| {
                self.permissions
                    .get(t.name)
                    .cloned()
                    .unwrap_or_else(|| permission_arn(t.permission))
            })
            .collect()
    }

    fn has_org_only_resources(&self) -> bool {
        self.resources.iter().any(|(arn, a)| {
            a.status != "DISASSOCIATED" && parse_resource_arn(arn).is_ok_and(|x| x.kind.org_only)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub arn: String,
    pub share_arn: String,
    pub sender: AccountId,
    pub receiver: AccountId,
    pub region: Region,
    /// PENDING, ACCEPTED or REJECTED; EXPIRED is worked out from `expires` when read.
    pub status: String,
    pub at: Millis,
    pub expires: Millis,
}

impl Invitation {
    pub fn status_at(&self, now: Millis) -> &str {
        if self.status == "PENDING" && now >= self.expires {
            "EXPIRED"
        } else {
            &self.status
        }
    }

    /// Refuse, with RAM's error, anything but a pending invitation.
    pub fn check_pending(&self, now: Millis) -> Result<()> {
        let arn = &self.arn;
        match self.status_at(now) {
            "ACCEPTED" => Err(Error::new(
                "ResourceShareInvitationAlreadyAcceptedException",
                format!("The invitation {arn} has already been accepted."),
            )),
            "REJECTED" => Err(Error::new(
                "ResourceShareInvitationAlreadyRejectedException",
                format!("The invitation {arn} has already been rejected."),
            )),
            "EXPIRED" => Err(Error::new(
                "ResourceShareInvitationExpiredException",
                format!("The invitation {arn} has expired."),
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RamCommand {
    CreateShare {
        name: String,
        resources: Vec<String>,
        principals: Vec<String>,
        tags: Vec<Tag>,
        allow_external: bool,
        permissions: Vec<String>,
        client_token: Option<String>,
    },
    UpdateShare {
        share: String,
        name: Option<String>,
        allow_external: Option<bool>,
        client_token: Option<String>,
    },
    DeleteShare {
        share: String,
        client_token: Option<String>,
    },
    Associate {
        share: String,
        resources: Vec<String>,
        principals: Vec<String>,
        client_token: Option<String>,
    },
    Disassociate {
        share: String,
        resources: Vec<String>,
        principals: Vec<String>,
        client_token: Option<String>,
    },
    AcceptInvitation {
        invitation: String,
        client_token: Option<String>,
    },
    RejectInvitation {
        invitation: String,
        client_token: Option<String>,
    },
    AssociatePermission {
        share: String,
        permission: String,
        replace: bool,
    },
    DisassociatePermission {
        share: String,
        permission: String,
    },
    TagShare {
        share: String,
        tags: Vec<Tag>,
    },
    UntagShare {
        share: String,
        keys: Vec<String>,
    },
}

impl RamCommand {
    fn client_token(&self) -> Option<&str> {
        match self {
            RamCommand::CreateShare { client_token, .. }
            | RamCommand::UpdateShare { client_token, .. }
            | RamCommand::DeleteShare { client_token, .. }
            | RamCommand::Associate { client_token, .. }
            | RamCommand::Disassociate { client_token, .. }
            | RamCommand::AcceptInvitation { client_token, .. }
            | RamCommand::RejectInvitation { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Ram {
    pub shares: BTreeMap<String, Share>,
    pub invitations: BTreeMap<String, Invitation>,
    /// (account, client token) → the request it first came with and what that returned.
    #[serde(with = "crate::pairs")]
    tokens: BTreeMap<(AccountId, String), (String, Outcome)>,
}

pub fn share_not_found(arn: &str) -> Error {
    Error::new(
        "UnknownResourceException",
        format!("ResourceShare {arn} could not be found."),
    )
}

fn not_permitted(message: impl Into<String>) -> Error {
    Error::new("OperationNotPermittedException", message)
}

fn org_only_message() -> &'static str {
    "The resource you are attempting to share can only be shared within your AWS Organization. This error may also occur if you have not enabled sharing with your AWS organization, or that onboarding process is still in progress."
}

/// What a principal string names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalRef {
    Account(AccountId),
    Organization(String),
    Unit {
        org: String,
        unit: String,
    },
    /// An IAM role or user, in an account.
    Identity(AccountId),
    Service(String),
}

pub fn parse_principal(p: &str) -> Result<PrincipalRef> {
    let malformed = || {
        Error::new(
            "InvalidParameterException",
            format!("Principal ID {p} is malformed. Verify the ID and try again."),
        )
    };
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(PrincipalRef::Account(p.to_string()));
    }
    if let Some(rest) = p.strip_prefix("arn:aws:organizations::") {
        let (_, resource) = rest.split_once(':').ok_or_else(malformed)?;
        let parts: Vec<&str> = resource.split('/').collect();
        return match parts[..] {
            ["organization", org] => Ok(PrincipalRef::Organization(org.to_string())),
            ["ou", org, unit] => Ok(PrincipalRef::Unit {
                org: org.to_string(),
                unit: unit.to_string(),
            }),
            _ => Err(malformed()),
        };
    }
    if let Some(rest) = p.strip_prefix("arn:aws:iam::") {
        let (account, resource) = rest.split_once(':').ok_or_else(malformed)?;
        let ok_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if ok_account && (resource.starts_with("role/") || resource.starts_with("user/")) {
            return Ok(PrincipalRef::Identity(account.to_string()));
        }
        return Err(malformed());
    }
    if p.ends_with(".amazonaws.com") && !p.contains('/') {
        return Ok(PrincipalRef::Service(p.to_string()));
    }
    Err(malformed())
}

impl Cloud {
    pub fn share(&self, arn: &str) -> Result<&Share> {
        check_share_arn(arn)?;
        self.ram.shares.get(arn).ok_or_else(|| share_not_found(arn))
    }

    /// A share the caller owns, in the caller's Region.
    fn owned_share(&self, account: &str, region: &str, arn: &str) -> Result<&Share> {
        let s = self.share(arn)?;
        if s.owner != account || s.region != region {
            return Err(share_not_found(arn));
        }
        Ok(s)
    }

    fn owned_share_mut(&mut self, account: &str, region: &str, arn: &str) -> Result<&mut Share> {
        self.owned_share(account, region, arn)?;
        Ok(self.ram.shares.get_mut(arn).expect("checked"))
    }

    pub(crate) fn ram_execute(
        &mut self,
        account: &str,
        region: &str,
        ids: &mut Ids,
        at: Millis,
        command: &RamCommand,
    ) -> Result<Outcome> {
        let fingerprint = format!("{command:?}");
        let token_key = command
            .client_token()
            .map(|t| (account.to_string(), t.to_string()));
        if let Some(k) = &token_key {
            if let Some((seen, outcome)) = self.ram.tokens.get(k) {
                if *seen == fingerprint {
                    return Ok(outcome.clone());
                }
                return Err(Error::new(
                    "IdempotentParameterMismatchException",
                    format!(
                        "The client token {} was already used with different parameters.",
                        k.1
                    ),
                ));
            }
        }
        let outcome = self.ram_apply(account, region, ids, at, command)?;
        if let Some(k) = token_key {
            self.ram.tokens.insert(k, (fingerprint, outcome.clone()));
        }
        self.sharing_changed();
        Ok(outcome)
    }

    fn ram_apply(
        &mut self,
        account: &str,
        region: &str,
        ids: &mut Ids,
        at: Millis,
        command: &RamCommand,
    ) -> Result<Outcome> {
        match command {
            RamCommand::CreateShare {
                name,
                resources,
                principals,
                tags,
                allow_external,
                permissions,
                ..
            } => {
                validate_share_name(name)?;
                validate_ram_tags(tags)?;
                let mut chosen = BTreeMap::new();
                for p in permissions {
                    let t = permission_by_arn(p).ok_or_else(|| unknown_permission(p))?;
                    chosen.insert(t.name.to_string(), p.clone());
                }
                let arn = format!(
                    "arn:aws:ram:{region}:{account}:resource-share/{}",
                    ids.uuid()
                );
                let share = Share {
                    arn: arn.clone(),
                    name: name.clone(),
                    owner: account.to_string(),
                    region: region.to_string(),
                    allow_external: *allow_external,
                    status: "ACTIVE".into(),
                    tags: tags.clone(),
                    created: at,
                    updated: at,
                    permissions: chosen,
                    resources: BTreeMap::new(),
                    principals: BTreeMap::new(),
                };
                self.ram.shares.insert(arn.clone(), share);
                // Validation of the members may refuse the whole request: then no share.
                if let Err(e) =
                    self.associate(account, region, ids, at, &arn, resources, principals)
                {
                    self.ram.shares.remove(&arn);
                    return Err(e);
                }
                Ok(Outcome::Id(arn))
            }
            RamCommand::UpdateShare {
                share,
                name,
                allow_external,
                ..
            } => {
                let s = self.owned_share(account, region, share)?;
                if !s.active() {
                    return Err(deleted_share(share));
                }
                if let Some(n) = name {
                    validate_share_name(n)?;
                }
                if *allow_external == Some(false)
                    && s.principals
                        .values()
                        .any(|p| p.external && p.status != "DISASSOCIATED")
                {
                    return Err(not_permitted(
                        "The resource share has principals outside your organization; remove them before turning off allowExternalPrincipals.",
                    ));
                }
                let s = self.owned_share_mut(account, region, share)?;
                if let Some(n) = name {
                    s.name = n.clone();
                }
                if let Some(x) = allow_external {
                    s.allow_external = *x;
                }
                s.updated = at;
                Ok(Outcome::Id(share.clone()))
            }
            RamCommand::DeleteShare { share, .. } => {
                let s = self.owned_share_mut(account, region, share)?;
                if !s.active() {
                    return Err(invalid_transition(share));
                }
                s.status = "DELETED".into();
                s.updated = at;
                for a in s.resources.values_mut().chain(s.principals.values_mut()) {
                    if a.status != "DISASSOCIATED" {
                        a.status = "DISASSOCIATED".into();
                        a.updated = at;
                    }
                }
                Ok(Outcome::Done)
            }
            RamCommand::Associate {
                share,
                resources,
                principals,
                ..
            } => {
                if resources.is_empty() && principals.is_empty() {
                    return Err(nothing_named());
                }
                let s = self.owned_share(account, region, share)?;
                if !s.active() {
                    return Err(invalid_transition(share));
                }
                self.associate(account, region, ids, at, share, resources, principals)?;
                Ok(Outcome::Id(share.clone()))
            }
            RamCommand::Disassociate {
                share,
                resources,
                principals,
                ..
            } => {
                if resources.is_empty() && principals.is_empty() {
                    return Err(nothing_named());
                }
                let s = self.share(share)?;
                if s.owner != account {
                    return self.leave_share(account, region, at, share, resources, principals);
                }
                self.owned_share(account, region, share)?;
                if !s.active() {
                    return Err(invalid_transition(share));
                }
                for r in resources {
                    parse_resource_arn(r)?;
                    if !s.resources.contains_key(r) {
                        return Err(Error::new(
                            "UnknownResourceException",
                            format!("The resource {r} is not associated with the resource share."),
                        ));
                    }
                }
                for p in principals {
                    parse_principal(p)?;
                    if !s.principals.contains_key(p) {
                        return Err(Error::new(
                            "UnknownResourceException",
                            format!("The principal {p} is not associated with the resource share."),
                        ));
                    }
                }
                let s = self.owned_share_mut(account, region, share)?;
                for entity in resources.iter().chain(principals) {
                    let assoc = if s.resources.contains_key(entity) {
                        s.resources.get_mut(entity)
                    } else {
                        s.principals.get_mut(entity)
                    };
                    if let Some(a) = assoc {
                        a.status = "DISASSOCIATED".into();
                        a.message = None;
                        a.updated = at;
                    }
                }
                s.updated = at;
                Ok(Outcome::Id(share.clone()))
            }
            RamCommand::AcceptInvitation { invitation, .. }
            | RamCommand::RejectInvitation { invitation, .. } => {
                let accept = matches!(command, RamCommand::AcceptInvitation { .. });
                self.answer_invitation(account, at, invitation, accept)
            }
            RamCommand::AssociatePermission {
                share,
                permission,
                replace,
            } => {
                let t =
                    permission_by_arn(permission).ok_or_else(|| unknown_permission(permission))?;
                let s = self.owned_share(account, region, share)?;
                if !s.active() {
                    return Err(deleted_share(share));
                }
                if let Some(current) = s.permissions.get(t.name) {
                    if current != permission && !replace {
                        return Err(Error::new(
                            "InvalidParameterException",
                            format!("The resource share already has a permission for {}; set replace to true to replace it.", t.name),
                        ));
                    }
                }
                let s = self.owned_share_mut(account, region, share)?;
                s.permissions.insert(t.name.to_string(), permission.clone());
                s.updated = at;
                Ok(Outcome::Done)
            }
            RamCommand::DisassociatePermission { share, permission } => {
                let t =
                    permission_by_arn(permission).ok_or_else(|| unknown_permission(permission))?;
                let s = self.owned_share(account, region, share)?;
                let in_use = s.resources.iter().any(|(arn, a)| {
                    a.status == "ASSOCIATED"
                        && parse_resource_arn(arn).is_ok_and(|x| x.kind.name == t.name)
                });
                if in_use {
                    return Err(not_permitted(format!(
                        "The permission {permission} is in use by resources of type {} in the share.",
                        t.name
                    )));
                }
                let s = self.owned_share_mut(account, region, share)?;
                s.permissions.remove(t.name);
                s.updated = at;
                Ok(Outcome::Done)
            }
            RamCommand::TagShare { share, tags } => {
                validate_ram_tags(tags)?;
                let s = self.owned_share_mut(account, region, share)?;
                let mut merged = s.tags.clone();
                crate::tags::merge_tags(&mut merged, tags);
                if merged.len() > 50 {
                    return Err(Error::new(
                        "TagLimitExceededException",
                        "This request would exceed the limit of 50 tags per resource share.",
                    ));
                }
                s.tags = merged;
                Ok(Outcome::Done)
            }
            RamCommand::UntagShare { share, keys } => {
                let s = self.owned_share_mut(account, region, share)?;
                s.tags.retain(|t| !keys.contains(&t.key));
                Ok(Outcome::Done)
            }
        }
    }

    /// Add resources and principals to a share the caller owns. Everything is checked
    /// before anything is added; rule violations particular to a security group leave its
    /// association FAILED with the reason, as RAM reports them.
    #[allow(clippy::too_many_arguments)]
    fn associate(
        &mut self,
        account: &str,
        region: &str,
        ids: &mut Ids,
        at: Millis,
        share: &str,
        resources: &[String],
        principals: &[String],
    ) -> Result<()> {
        let s = self.share(share)?.clone();
        let org = self.organization_of(account).cloned();
        let sharing = org.as_ref().is_some_and(|o| o.sharing_enabled());
        let mut new_resources = Vec::new();
        for r in resources {
            let arn = parse_resource_arn(r)?;
            if arn.region != region {
                return Err(Error::new(
                    "InvalidParameterException",
                    format!("The resource {r} is in Region {}; a resource share in {region} can only include resources of its own Region.", arn.region),
                ));
            }
            if arn.account != account || !self.resource_exists(&arn) {
                return Err(Error::new(
                    "UnknownResourceException",
                    format!("The resource {r} could not be found, or you are not its owner."),
                ));
            }
            new_resources.push((r.clone(), arn));
        }
        let org_only =
            s.has_org_only_resources() || new_resources.iter().any(|(_, a)| a.kind.org_only);
        let has_subnets = new_resources
            .iter()
            .any(|(_, a)| a.kind.name == "ec2:Subnet")
            || s.resources
                .iter()
                .any(|(arn, a)| a.status != "DISASSOCIATED" && arn.contains(":subnet/"));
        let mut new_principals = Vec::new();
        for p in principals {
            let parsed = parse_principal(p)?;
            let internal = match &parsed {
                PrincipalRef::Account(a) => {
                    if a == account {
                        return Err(Error::new(
                            "InvalidParameterException",
                            format!("The principal {a} is the owner of the resource share; you cannot share with yourself."),
                        ));
                    }
                    org.as_ref().is_some_and(|o| o.accounts.contains_key(a)) && sharing
                }
                PrincipalRef::Organization(id) => {
                    let Some(o) = org.as_ref().filter(|o| o.id == *id) else {
                        return Err(Error::new(
                            "UnknownResourceException",
                            format!("Organization {id} could not be found."),
                        ));
                    };
                    if !o.sharing_enabled() {
                        return Err(not_permitted(org_only_message()));
                    }
                    true
                }
                PrincipalRef::Unit { org: id, unit } => {
                    let Some(o) = org
                        .as_ref()
                        .filter(|o| o.id == *id && o.units.contains_key(unit))
                    else {
                        return Err(Error::new(
                            "UnknownResourceException",
                            format!("OrganizationalUnit {unit} could not be found."),
                        ));
                    };
                    if !o.sharing_enabled() {
                        return Err(not_permitted(org_only_message()));
                    }
                    true
                }
                PrincipalRef::Identity(a) => {
                    if has_subnets {
                        return Err(Error::new(
                            "InvalidParameterException",
                            "Subnets can only be shared with AWS accounts, organizational units or the organization, not with IAM roles or users.",
                        ));
                    }
                    org.as_ref().is_some_and(|o| o.accounts.contains_key(a)) && sharing
                }
                PrincipalRef::Service(_) => {
                    if org_only {
                        return Err(Error::new(
                            "InvalidParameterException",
                            "Subnets and security groups cannot be shared with service principals.",
                        ));
                    }
                    true
                }
            };
            if !internal {
                if org_only {
                    return Err(not_permitted(org_only_message()));
                }
                if !s.allow_external {
                    return Err(not_permitted(format!(
                        "The resource share {share} does not allow principals outside your organization (allowExternalPrincipals is false)."
                    )));
                }
            }
            new_principals.push((p.clone(), parsed, internal));
        }
        // Org-only resources added to a share that already reaches outsiders.
        if new_resources.iter().any(|(_, a)| a.kind.org_only)
            && (s
                .principals
                .values()
                .any(|p| p.external && p.status != "DISASSOCIATED")
                || !sharing && s.principals.values().any(|p| p.status != "DISASSOCIATED"))
        {
            return Err(not_permitted(org_only_message()));
        }
        let invitation_ttl = if org_only
            || s.resources.keys().any(|r| r.contains(":prefix-list/"))
            || new_resources
                .iter()
                .any(|(_, a)| a.kind.name == "ec2:PrefixList")
        {
            7 * 24 * HOUR
        } else {
            12 * HOUR
        };
        let mut failures = Vec::new();
        for (r, arn) in &new_resources {
            failures.push((r.clone(), self.share_refusal(account, arn)));
        }
        let mut invitations = Vec::new();
        let s = self.ram.shares.get_mut(share).expect("checked");
        for (r, failure) in failures {
            let (status, message) = match failure {
                Some(m) => ("FAILED", Some(m)),
                None => ("ASSOCIATED", None),
            };
            let a = s.resources.entry(r.clone()).or_insert_with(|| Association {
                entity: r.clone(),
                kind: AssociationType::Resource,
                status: String::new(),
                message: None,
                created: at,
                updated: at,
                external: false,
            });
            if a.status != "ASSOCIATED" {
                a.status = status.into();
                a.message = message;
                a.updated = at;
            }
        }
        for (p, parsed, internal) in new_principals {
            let a = s
                .principals
                .entry(p.clone())
                .or_insert_with(|| Association {
                    entity: p.clone(),
                    kind: AssociationType::Principal,
                    status: String::new(),
                    message: None,
                    created: at,
                    updated: at,
                    external: !internal,
                });
            if a.status == "ASSOCIATED" || a.status == "ASSOCIATING" {
                continue;
            }
            a.external = !internal;
            a.updated = at;
            if internal {
                a.status = "ASSOCIATED".into();
            } else {
                a.status = "ASSOCIATING".into();
                if let PrincipalRef::Account(receiver) = parsed {
                    invitations.push(receiver);
                }
            }
            a.message = None;
        }
        s.updated = at;
        for receiver in invitations {
            let arn = format!(
                "arn:aws:ram:{region}:{account}:resource-share-invitation/{}",
                ids.uuid()
            );
            self.ram.invitations.insert(
                arn.clone(),
                Invitation {
                    arn,
                    share_arn: share.to_string(),
                    sender: account.to_string(),
                    receiver,
                    region: region.to_string(),
                    status: "PENDING".into(),
                    at,
                    expires: at + invitation_ttl,
                },
            );
        }
        Ok(())
    }

    fn resource_exists(&self, arn: &Ec2Arn) -> bool {
        match arn.kind.name {
            "ec2:Subnet" => self
                .subnets
                .get(&arn.id)
                .is_some_and(|s| s.owner == arn.account && s.region == arn.region),
            "ec2:SecurityGroup" => self
                .groups
                .get(arn.id.as_str())
                .is_some_and(|g| g.owner == arn.account && g.region == arn.region),
            "ec2:PrefixList" => self
                .prefix_lists
                .get(&arn.id)
                .is_some_and(|p| p.owner == arn.account && p.region == arn.region),
            "ec2:TransitGateway" => self
                .transit_gateways
                .get(&arn.id)
                .is_some_and(|g| g.owner == arn.account && g.region == arn.region),
            _ => false,
        }
    }

    /// Why RAM would fail to share this (existing, owned) resource, if it would.
    fn share_refusal(&self, account: &str, arn: &Ec2Arn) -> Option<String> {
        let in_org_with_sharing = self
            .organization_of(account)
            .is_some_and(|o| o.sharing_enabled());
        match arn.kind.name {
            "ec2:Subnet" => {
                let s = &self.subnets[&arn.id];
                let vpc = self.vpcs.get(&s.vpc_id)?;
                if vpc.is_default {
                    return Some(format!("Subnet {} belongs to a default VPC; subnets of a default VPC cannot be shared.", s.id));
                }
                None
            }
            "ec2:SecurityGroup" => {
                let g = &self.groups[arn.id.as_str()];
                let vpc = self.vpcs.get(g.vpc_id.as_str())?;
                if !in_org_with_sharing {
                    return Some("Security groups can only be shared within an AWS Organization that has sharing with AWS RAM enabled.".into());
                }
                if vpc.default_group_id == g.id {
                    return Some(format!("Security group {} is the default security group of {}; default security groups cannot be shared.", g.id, vpc.id));
                }
                if vpc.is_default {
                    return Some(format!("Security group {} belongs to the default VPC {}; groups of a default VPC cannot be shared.", g.id, vpc.id));
                }
                if vpc.owner != account {
                    return Some(format!("Security group {} belongs to VPC {}, which account {account} does not own; only the owner of both the group and its VPC can share it.", g.id, vpc.id));
                }
                None
            }
            _ => None,
        }
    }

    /// A principal leaving a share it received from outside its organization.
    fn leave_share(
        &mut self,
        account: &str,
        region: &str,
        at: Millis,
        share: &str,
        resources: &[String],
        principals: &[String],
    ) -> Result<Outcome> {
        let s = self.share(share)?;
        let me = account.to_string();
        let mine = s.principals.get(&me);
        if s.region != region
            || mine.is_none()
            || !resources.is_empty()
            || principals != [me.clone()]
        {
            return Err(share_not_found(share));
        }
        if !mine.is_some_and(|a| a.external) {
            return Err(not_permitted(
                "You cannot leave a resource share that was shared with you from within your organization.",
            ));
        }
        let s = self.ram.shares.get_mut(share).expect("checked");
        if let Some(a) = s.principals.get_mut(&me) {
            a.status = "DISASSOCIATED".into();
            a.updated = at;
        }
        Ok(Outcome::Id(share.to_string()))
    }

    fn answer_invitation(
        &mut self,
        account: &str,
        at: Millis,
        arn: &str,
        accept: bool,
    ) -> Result<Outcome> {
        if !arn.starts_with("arn:aws:ram:") || !arn.contains(":resource-share-invitation/") {
            return Err(Error::new(
                "MalformedArnException",
                format!("The specified resource share invitation ARN {arn} is not valid."),
            ));
        }
        let inv = self
            .ram
            .invitations
            .get(arn)
            .filter(|i| i.receiver == account)
            .ok_or_else(|| {
                Error::new(
                    "ResourceShareInvitationArnNotFoundException",
                    format!("ResourceShareInvitation {arn} could not be found."),
                )
            })?;
        inv.check_pending(at)?;
        let share_arn = inv.share_arn.clone();
        let inv = self.ram.invitations.get_mut(arn).expect("checked");
        inv.status = if accept { "ACCEPTED" } else { "REJECTED" }.into();
        if let Some(s) = self.ram.shares.get_mut(&share_arn) {
            if let Some(a) = s.principals.get_mut(account) {
                if a.status == "ASSOCIATING" {
                    a.status = if accept {
                        "ASSOCIATED"
                    } else {
                        "DISASSOCIATED"
                    }
                    .into();
                    a.updated = at;
                }
            }
        }
        Ok(Outcome::Id(arn.to_string()))
    }
}

fn validate_share_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 255 {
        return Err(Error::new(
            "InvalidParameterException",
            "The resource share name must have 1 to 255 characters.",
        ));
    }
    Ok(())
}

fn nothing_named() -> Error {
    Error::new(
        "InvalidParameterException",
        "You must specify at least one of resourceArns, principals or sources.",
    )
}

fn unknown_permission(arn: &str) -> Error {
    Error::new(
        "UnknownResourceException",
        format!("Permission {arn} could not be found."),
    )
}

/// For the operations whose model has no InvalidStateTransitionException.
fn deleted_share(share: &str) -> Error {
    not_permitted(format!(
        "The resource share {share} has been deleted; it can no longer be changed."
    ))
}

/// RAM's answer to tags EC2's rules refuse (its models have no InvalidParameterValue).
pub(crate) fn validate_ram_tags(tags: &[Tag]) -> Result<()> {
    crate::tags::validate_tags(tags).map_err(|e| Error::new("InvalidParameterException", e.message))
}

/// A share ARN must look like one before it is looked up.
pub fn check_share_arn(arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = matches!(
        parts[..],
        ["arn", "aws", "ram", region, account, resource]
            if !region.is_empty()
                && account.len() == 12
                && resource.strip_prefix("resource-share/").is_some_and(|id| !id.is_empty())
    );
    if well_formed {
        Ok(())
    } else {
        Err(Error::new(
            "MalformedArnException",
            format!("The specified resource share ARN {arn} is not valid. Verify the ARN and try again."),
        ))
    }
}

fn invalid_transition(share: &str) -> Error {
    Error::new(
        "InvalidStateTransitionException",
        format!("The resource share {share} is not in a state that allows this operation (it has been deleted)."),
    )
}
