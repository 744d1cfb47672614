//! Internet gateways and egress-only internet gateways: an account's way out of a VPC. An
//! internet gateway is created on its own and attached to one VPC at a time, a VPC has at most
//! one; an egress-only gateway (IPv6, outbound only) is created attached and stays so. The
//! participants of a shared VPC see its internet gateway but not its egress-only gateway.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

/// AWS's default quotas: gateways of each kind per account and Region.
pub const INTERNET_GATEWAYS_PER_REGION: usize = 5;
pub const EGRESS_ONLY_GATEWAYS_PER_REGION: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    /// The VPC it is attached to (AWS reports the attachment as `available`).
    pub vpc_id: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressOnlyGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GatewayCommand {
    CreateInternetGateway { tags: Vec<Tag> },
    AttachInternetGateway { gateway_id: String, vpc_id: String },
    DetachInternetGateway { gateway_id: String, vpc_id: String },
    DeleteInternetGateway { gateway_id: String },
    CreateEgressOnly { vpc_id: String, tags: Vec<Tag> },
    DeleteEgressOnly { gateway_id: String },
}

pub const INTERNET_GATEWAY_FILTERS: &[&str] = &[
    "attachment.state",
    "attachment.vpc-id",
    "internet-gateway-id",
    "owner-id",
];

pub const EGRESS_ONLY_GATEWAY_FILTERS: &[&str] = &[];

impl Filterable for InternetGateway {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "attachment.state" => self.vpc_id.iter().map(|_| "available".into()).collect(),
            "attachment.vpc-id" => self.vpc_id.iter().cloned().collect(),
            "internet-gateway-id" => vec![self.id.clone()],
            "owner-id" => vec![self.owner.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

impl Filterable for EgressOnlyGateway {
    fn filter_values(&self, _name: &str) -> Option<Vec<String>> {
        None
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn no_internet_gateway(id: &str) -> Error {
    Error::new(
        "InvalidInternetGatewayID.NotFound",
        format!("The internetGateway ID '{id}' does not exist"),
    )
}

fn no_egress_only_gateway(id: &str) -> Error {
    Error::new(
        "InvalidEgressOnlyInternetGatewayId.NotFound",
        format!("The egressOnlyInternetGateway ID '{id}' does not exist"),
    )
}

impl Cloud {
    pub fn sees_internet_gateway(&self, c: &Caller, g: &InternetGateway) -> bool {
        c.region == g.region
            && (c.account == g.owner
                || g.vpc_id
                    .as_deref()
                    .and_then(|v| self.vpcs.get(v))
                    .is_some_and(|v| self.sees_vpc(c, v)))
    }

    /// Only the owner sees an egress-only gateway, even in a shared VPC.
    pub fn sees_egress_only_gateway(&self, c: &Caller, g: &EgressOnlyGateway) -> bool {
        c.region == g.region && c.account == g.owner
    }

    pub fn visible_internet_gateway(&self, c: &Caller, id: &str) -> Result<&InternetGateway> {
        self.internet_gateways
            .get(id)
            .filter(|g| self.sees_internet_gateway(c, g))
            .ok_or_else(|| no_internet_gateway(id))
    }

    pub fn visible_egress_only_gateway(&self, c: &Caller, id: &str) -> Result<&EgressOnlyGateway> {
        self.egress_only_gateways
            .get(id)
            .filter(|g| self.sees_egress_only_gateway(c, g))
            .ok_or_else(|| no_egress_only_gateway(id))
    }

    /// A gateway the caller may change: its own. A participant that sees one gets
    /// UnauthorizedOperation.
    fn owned_internet_gateway(&self, c: &Caller, id: &str) -> Result<&InternetGateway> {
        let g = self.visible_internet_gateway(c, id)?;
        if g.owner != c.account {
            return Err(Error::unauthorized());
        }
        Ok(g)
    }

    /// Whether a VPC has a gateway of any kind attached (it then cannot be deleted).
    pub(crate) fn vpc_has_gateways(&self, vpc_id: &str) -> bool {
        self.internet_gateways
            .values()
            .any(|g| g.vpc_id.as_deref() == Some(vpc_id))
            || self
                .egress_only_gateways
                .values()
                .any(|g| g.vpc_id == vpc_id)
            || self
                .vpn_gateways
                .values()
                .any(|g| g.attached_vpc() == Some(vpc_id))
    }

    pub(crate) fn gateway_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &GatewayCommand,
    ) -> Result<Outcome> {
        match command {
            GatewayCommand::CreateInternetGateway { tags } => {
                validate_tags(tags)?;
                let held = self
                    .internet_gateways
                    .values()
                    .filter(|g| g.owner == c.account && g.region == c.region)
                    .count();
                if held >= INTERNET_GATEWAYS_PER_REGION {
                    return Err(Error::new(
                        "InternetGatewayLimitExceeded",
                        "The maximum number of internet gateways has been reached.",
                    ));
                }
                let id = ids.id("igw");
                self.internet_gateways.insert(
                    id.clone(),
                    InternetGateway {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        vpc_id: None,
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            GatewayCommand::AttachInternetGateway { gateway_id, vpc_id } => {
                let g = self.owned_internet_gateway(c, gateway_id)?;
                let vpc = self.owned_vpc(c, vpc_id)?;
                if let Some(attached) = &g.vpc_id {
                    return Err(Error::new(
                        "Resource.AlreadyAssociated",
                        format!("resource {gateway_id} is already attached to network {attached}"),
                    ));
                }
                if self
                    .internet_gateways
                    .values()
                    .any(|other| other.vpc_id.as_deref() == Some(vpc.id.as_str()))
                {
                    return Err(Error::invalid_value(format!(
                        "Network {vpc_id} already has an internet gateway attached"
                    )));
                }
                let vpc_id = vpc.id.clone();
                self.internet_gateways
                    .get_mut(gateway_id)
                    .expect("seen above")
                    .vpc_id = Some(vpc_id);
                Ok(Outcome::Done)
            }
            GatewayCommand::DetachInternetGateway { gateway_id, vpc_id } => {
                let g = self.owned_internet_gateway(c, gateway_id)?;
                if g.vpc_id.as_deref() != Some(vpc_id.as_str()) {
                    // An unknown VPC is reported as such before the attachment.
                    self.visible_vpc(c, vpc_id)?;
                    return Err(Error::new(
                        "Gateway.NotAttached",
                        format!("resource {gateway_id} is not attached to network {vpc_id}"),
                    ));
                }
                if self.vpc_has_public_addresses(vpc_id) {
                    return Err(Error::dependency(format!(
                        "Network {vpc_id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."
                    )));
                }
                self.internet_gateways
                    .get_mut(gateway_id)
                    .expect("seen above")
                    .vpc_id = None;
                Ok(Outcome::Done)
            }
            GatewayCommand::DeleteInternetGateway { gateway_id } => {
                if self.owned_internet_gateway(c, gateway_id)?.vpc_id.is_some() {
                    return Err(Error::dependency(format!(
                        "The internetGateway '{gateway_id}' has dependencies and cannot be deleted."
                    )));
                }
                self.internet_gateways.remove(gateway_id);
                Ok(Outcome::Done)
            }
            GatewayCommand::CreateEgressOnly { vpc_id, tags } => {
                validate_tags(tags)?;
                let vpc = self.owned_vpc(c, vpc_id)?.id.clone();
                let held = self
                    .egress_only_gateways
                    .values()
                    .filter(|g| g.owner == c.account && g.region == c.region)
                    .count();
                if held >= EGRESS_ONLY_GATEWAYS_PER_REGION {
                    return Err(Error::new(
                        "EgressOnlyInternetGatewayLimitExceeded",
                        "The maximum number of egress-only internet gateways has been reached.",
                    ));
                }
                if self.egress_only_gateways.values().any(|g| g.vpc_id == vpc) {
                    return Err(Error::invalid_value(format!(
                        "Network {vpc} already has an egress-only internet gateway attached"
                    )));
                }
                let id = ids.id("eigw");
                self.egress_only_gateways.insert(
                    id.clone(),
                    EgressOnlyGateway {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        vpc_id: vpc,
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            GatewayCommand::DeleteEgressOnly { gateway_id } => {
                self.visible_egress_only_gateway(c, gateway_id)?;
                self.egress_only_gateways.remove(gateway_id);
                Ok(Outcome::Done)
            }
        }
    }

    pub fn describe_internet_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&InternetGateway>> {
        filter::validate(filters, INTERNET_GATEWAY_FILTERS)?;
        for id in ids {
            self.visible_internet_gateway(c, id)?;
        }
        let mut found: Vec<&InternetGateway> = self
            .internet_gateways
            .values()
            .filter(|g| self.sees_internet_gateway(c, g))
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .filter(|g| filter::matches(*g, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |g| &g.id)
    }

    pub fn describe_egress_only_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&EgressOnlyGateway>> {
        filter::validate(filters, EGRESS_ONLY_GATEWAY_FILTERS)?;
        for id in ids {
            self.visible_egress_only_gateway(c, id)?;
        }
        let mut found: Vec<&EgressOnlyGateway> = self
            .egress_only_gateways
            .values()
            .filter(|g| self.sees_egress_only_gateway(c, g))
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .filter(|g| filter::matches(*g, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |g| &g.id)
    }
}
