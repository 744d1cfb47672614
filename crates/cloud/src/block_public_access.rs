//! VPC Block Public Access: an account's Regional switch that blocks traffic through internet
//! gateways (both ways, or inbound only), and exclusions that exempt a VPC or a subnet. The
//! owner's setting governs its VPCs, participants' resources in shared subnets included. What
//! it blocks shows on every VPC and subnet (`blockPublicAccessStates`); the traffic it blocks is
//! for reachability analysis to honour.
//!
//! UNSURE: changes complete at once (`update-complete`, `create-complete`, `delete-complete`);
//! a deleted exclusion stays described for an hour.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

/// AWS's quota of exclusions per account and Region.
pub const EXCLUSIONS_PER_REGION: usize = 50;
const DELETED_LINGER_MS: Millis = 60 * 60 * 1000;

/// An account's setting in a Region; absent means AWS's default (`off`, never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BpaOptions {
    pub mode: String,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BpaExclusion {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    /// A VPC or a subnet of the owner's.
    pub resource_id: String,
    pub mode: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub deleted_at: Option<Millis>,
    pub tags: Vec<Tag>,
}

impl BpaExclusion {
    pub fn resource_arn(&self) -> String {
        let kind = if self.resource_id.starts_with("subnet-") {
            "subnet"
        } else {
            "vpc"
        };
        format!(
            "arn:aws:ec2:{}:{}:{kind}/{}",
            self.region, self.owner, self.resource_id
        )
    }

    pub fn state(&self) -> &'static str {
        if self.deleted_at.is_some() {
            "delete-complete"
        } else if self.updated_at > self.created_at {
            "update-complete"
        } else {
            "create-complete"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BpaCommand {
    SetMode {
        mode: String,
    },
    CreateExclusion {
        resource_id: String,
        mode: String,
        tags: Vec<Tag>,
    },
    ModifyExclusion {
        exclusion_id: String,
        mode: String,
    },
    DeleteExclusion {
        exclusion_id: String,
    },
}

pub const EXCLUSION_FILTERS: &[&str] =
    &["resource-arn", "internet-gateway-exclusion-mode", "state"];

impl Filterable for BpaExclusion {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "resource-arn" => vec![self.resource_arn()],
            "internet-gateway-exclusion-mode" => vec![self.mode.clone()],
            "state" => vec![self.state().into()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn check_mode(mode: &str) -> Result<()> {
    match mode {
        "off" | "block-bidirectional" | "block-ingress" => Ok(()),
        _ => Err(Error::invalid_value(format!(
            "Value ({mode}) for parameter internetGatewayBlockMode is invalid. Valid values: off, block-bidirectional, block-ingress"
        ))),
    }
}

fn check_exclusion_mode(mode: &str) -> Result<()> {
    match mode {
        "allow-bidirectional" | "allow-egress" => Ok(()),
        _ => Err(Error::invalid_value(format!(
            "Value ({mode}) for parameter internetGatewayExclusionMode is invalid. Valid values: allow-bidirectional, allow-egress"
        ))),
    }
}

fn no_exclusion(id: &str) -> Error {
    Error::new(
        "InvalidVpcBlockPublicAccessExclusionId.NotFound",
        format!("The exclusion ID '{id}' does not exist"),
    )
}

impl Cloud {
    /// The account's mode in the Region (`off` until changed).
    pub fn bpa_mode(&self, account: &str, region: &str) -> &str {
        self.bpa_options
            .get(account)
            .and_then(|r| r.get(region))
            .map_or("off", |o| o.mode.as_str())
    }

    pub fn bpa_options_of(&self, c: &Caller) -> Option<&BpaOptions> {
        self.bpa_options.get(&c.account)?.get(&c.region)
    }

    /// What blocks a VPC's or subnet's internet traffic: its owner's mode, unless an exclusion
    /// on it (or on a subnet's VPC) lets it through.
    pub fn bpa_effective_mode(
        &self,
        owner: &str,
        region: &str,
        vpc_id: &str,
        subnet_id: Option<&str>,
    ) -> &str {
        let mode = self.bpa_mode(owner, region);
        if mode == "off" {
            return "off";
        }
        let excluded = self.bpa_exclusions.values().find(|e| {
            e.deleted_at.is_none()
                && e.owner == owner
                && (e.resource_id == vpc_id || Some(e.resource_id.as_str()) == subnet_id)
        });
        match excluded.map(|e| e.mode.as_str()) {
            Some("allow-bidirectional") => "off",
            // allow-egress only matters under block-bidirectional: it leaves inbound blocked.
            Some(_) if mode == "block-bidirectional" => "block-ingress",
            _ => mode,
        }
    }

    fn own_exclusion(&self, c: &Caller, id: &str, now: Millis) -> Result<&BpaExclusion> {
        self.bpa_exclusions
            .get(id)
            .filter(|e| e.owner == c.account && e.region == c.region)
            .filter(|e| e.deleted_at.is_none_or(|at| now < at + DELETED_LINGER_MS))
            .ok_or_else(|| no_exclusion(id))
    }

    pub(crate) fn bpa_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &BpaCommand,
    ) -> Result<Outcome> {
        match command {
            BpaCommand::SetMode { mode } => {
                check_mode(mode)?;
                self.bpa_options
                    .entry(c.account.clone())
                    .or_default()
                    .insert(
                        c.region.clone(),
                        BpaOptions {
                            mode: mode.clone(),
                            updated_at: at,
                        },
                    );
                Ok(Outcome::Done)
            }
            BpaCommand::CreateExclusion {
                resource_id,
                mode,
                tags,
            } => {
                validate_tags(tags)?;
                check_exclusion_mode(mode)?;
                if resource_id.starts_with("subnet-") {
                    self.owned_subnet(c, resource_id)?;
                } else {
                    self.owned_vpc(c, resource_id)?;
                }
                let live: Vec<&BpaExclusion> = self
                    .bpa_exclusions
                    .values()
                    .filter(|e| {
                        e.owner == c.account && e.region == c.region && e.deleted_at.is_none()
                    })
                    .collect();
                if live.iter().any(|e| e.resource_id == *resource_id) {
                    return Err(Error::invalid_value(format!(
                        "An exclusion for {resource_id} already exists."
                    )));
                }
                if live.len() >= EXCLUSIONS_PER_REGION {
                    return Err(Error::new(
                        "VpcBlockPublicAccessExclusionLimitExceeded",
                        format!("An account can have at most {EXCLUSIONS_PER_REGION} exclusions in a Region."),
                    ));
                }
                let id = ids.id("vpcbpa-exclude");
                self.bpa_exclusions.insert(
                    id.clone(),
                    BpaExclusion {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        resource_id: resource_id.clone(),
                        mode: mode.clone(),
                        created_at: at,
                        updated_at: at,
                        deleted_at: None,
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            BpaCommand::ModifyExclusion { exclusion_id, mode } => {
                check_exclusion_mode(mode)?;
                let e = self.own_exclusion(c, exclusion_id, at)?;
                if e.deleted_at.is_some() {
                    return Err(Error::new(
                        "IncorrectState",
                        format!("The exclusion {exclusion_id} is deleted."),
                    ));
                }
                let e = self.bpa_exclusions.get_mut(exclusion_id).expect("seen");
                e.mode = mode.clone();
                e.updated_at = at.max(e.created_at + 1);
                Ok(Outcome::Id(exclusion_id.clone()))
            }
            BpaCommand::DeleteExclusion { exclusion_id } => {
                let e = self.own_exclusion(c, exclusion_id, at)?;
                if e.deleted_at.is_none() {
                    self.bpa_exclusions
                        .get_mut(exclusion_id)
                        .expect("seen")
                        .deleted_at = Some(at);
                }
                Ok(Outcome::Id(exclusion_id.clone()))
            }
        }
    }

    pub fn describe_bpa_exclusions(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
        now: Millis,
    ) -> Result<Paged<&BpaExclusion>> {
        filter::validate(filters, EXCLUSION_FILTERS)?;
        for id in ids {
            self.own_exclusion(c, id, now)?;
        }
        let mut found: Vec<&BpaExclusion> = self
            .bpa_exclusions
            .values()
            .filter(|e| e.owner == c.account && e.region == c.region)
            .filter(|e| e.deleted_at.is_none_or(|at| now < at + DELETED_LINGER_MS))
            .filter(|e| ids.is_empty() || ids.contains(&e.id))
            .filter(|e| filter::matches(*e, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |e| &e.id)
    }
}
