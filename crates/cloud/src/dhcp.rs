//! DHCP options sets: what a VPC's instances learn from DHCP (domain name, name and time
//! servers). Sets are immutable; a VPC changes options by associating another set, or
//! `default` for none. Each account has a default set per Region, which every new VPC gets.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    /// Option name → its values, in the order given.
    pub configuration: Vec<(String, Vec<String>)>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DhcpCommand {
    Create {
        configuration: Vec<(String, Vec<String>)>,
        tags: Vec<Tag>,
    },
    /// `dhcp_options_id` `default` means no options.
    Associate {
        dhcp_options_id: String,
        vpc_id: String,
    },
    Delete {
        dhcp_options_id: String,
    },
}

pub const DHCP_OPTIONS_FILTERS: &[&str] = &["dhcp-options-id", "key", "value", "owner-id"];

impl Filterable for DhcpOptions {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "dhcp-options-id" => vec![self.id.clone()],
            "key" => self.configuration.iter().map(|(k, _)| k.clone()).collect(),
            "value" => self
                .configuration
                .iter()
                .flat_map(|(_, v)| v.iter().cloned())
                .collect(),
            "owner-id" => vec![self.owner.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

/// The domain name AWS's default set gives in a Region.
pub fn regional_domain(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".into()
    } else {
        format!("{region}.compute.internal")
    }
}

fn no_dhcp_options(id: &str) -> Error {
    Error::new(
        "InvalidDhcpOptionID.NotFound",
        format!("The dhcpOption ID '{id}' does not exist"),
    )
}

/// Check one option against what AWS accepts for it.
fn check_option(key: &str, values: &[String]) -> Result<()> {
    let invalid = |why: &str| {
        Error::invalid_value(format!(
            "Value ({}) for parameter value is invalid. {why}",
            values.join(", ")
        ))
    };
    let addresses = |most: usize| -> Result<()> {
        if values.len() > most {
            return Err(invalid(&format!("At most {most} servers may be given.")));
        }
        if values.iter().any(|v| v.parse::<IpAddr>().is_err()) {
            return Err(invalid("Each value must be an IP address."));
        }
        Ok(())
    };
    if values.is_empty() {
        return Err(Error::missing("DhcpConfiguration.Value"));
    }
    match key {
        "domain-name" => {
            if values.len() > 1 && values.iter().any(|v| v.contains(' ')) {
                return Err(invalid(
                    "Give several domain names as one space-separated value.",
                ));
            }
        }
        "domain-name-servers" => {
            let amazon = values.iter().any(|v| v == "AmazonProvidedDNS");
            if !amazon {
                addresses(4)?;
            } else if values.len() > 4 {
                return Err(invalid("At most 4 servers may be given."));
            }
        }
        "ntp-servers" => addresses(8)?,
        "netbios-name-servers" => addresses(4)?,
        "netbios-node-type" => {
            if values.len() != 1 || !matches!(values[0].as_str(), "1" | "2" | "4" | "8") {
                return Err(invalid("The NetBIOS node type must be 1, 2, 4 or 8."));
            }
        }
        "ipv6-address-preferred-lease-time" => {
            let seconds = values[0].parse::<u64>().ok();
            if values.len() != 1 || !seconds.is_some_and(|s| (140..=2_147_483_647).contains(&s)) {
                return Err(invalid(
                    "The preferred lease time must be between 140 and 2147483647 seconds.",
                ));
            }
        }
        other => {
            return Err(Error::invalid_value(format!(
            "Value ({other}) for parameter name is invalid. Unrecognized DHCP option name: {other}"
        )))
        }
    }
    Ok(())
}

impl Cloud {
    /// The owner sees its sets; a participant sees the set of a VPC shared with it.
    pub fn sees_dhcp_options(&self, c: &Caller, d: &DhcpOptions) -> bool {
        c.region == d.region
            && (c.account == d.owner
                || self
                    .vpcs
                    .values()
                    .any(|v| v.dhcp_options_id == d.id && self.sees_vpc(c, v)))
    }

    pub fn visible_dhcp_options(&self, c: &Caller, id: &str) -> Result<&DhcpOptions> {
        self.dhcp_options
            .get(id)
            .filter(|d| self.sees_dhcp_options(c, d))
            .ok_or_else(|| no_dhcp_options(id))
    }

    fn owned_dhcp_options(&self, c: &Caller, id: &str) -> Result<&DhcpOptions> {
        let d = self.visible_dhcp_options(c, id)?;
        if d.owner != c.account {
            return Err(Error::unauthorized());
        }
        Ok(d)
    }

    /// AWS's default set for the Region, made when the account first uses it.
    pub(crate) fn create_default_dhcp_options(&mut self, c: &Caller, ids: &mut Ids) -> String {
        let id = ids.id("dopt");
        self.dhcp_options.insert(
            id.clone(),
            DhcpOptions {
                id: id.clone(),
                owner: c.account.clone(),
                region: c.region.clone(),
                configuration: vec![
                    ("domain-name".into(), vec![regional_domain(&c.region)]),
                    (
                        "domain-name-servers".into(),
                        vec!["AmazonProvidedDNS".into()],
                    ),
                ],
                tags: Vec::new(),
            },
        );
        self.scope_mut(&c.account, &c.region).default_dhcp = Some(id.clone());
        id
    }

    /// The set a new VPC gets: the Region's default one while it exists, else none.
    pub(crate) fn dhcp_options_for_new_vpc(&self, c: &Caller) -> String {
        self.scope(&c.account, &c.region)
            .and_then(|s| s.default_dhcp.clone())
            .filter(|id| self.dhcp_options.contains_key(id))
            .unwrap_or_else(|| "default".into())
    }

    pub(crate) fn dhcp_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &DhcpCommand,
    ) -> Result<Outcome> {
        match command {
            DhcpCommand::Create {
                configuration,
                tags,
            } => {
                validate_tags(tags)?;
                if configuration.is_empty() {
                    return Err(Error::missing("DhcpConfiguration"));
                }
                for (i, (key, values)) in configuration.iter().enumerate() {
                    if configuration[..i].iter().any(|(k, _)| k == key) {
                        return Err(Error::invalid_value(format!(
                            "Value ({key}) for parameter name is invalid. Duplicate DHCP option name."
                        )));
                    }
                    check_option(key, values)?;
                }
                let id = ids.id("dopt");
                self.dhcp_options.insert(
                    id.clone(),
                    DhcpOptions {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        configuration: configuration.clone(),
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            DhcpCommand::Associate {
                dhcp_options_id,
                vpc_id,
            } => {
                if dhcp_options_id != "default" {
                    self.owned_dhcp_options(c, dhcp_options_id)?;
                }
                self.owned_vpc(c, vpc_id)?;
                self.vpcs.get_mut(vpc_id).expect("seen").dhcp_options_id = dhcp_options_id.clone();
                Ok(Outcome::Done)
            }
            DhcpCommand::Delete { dhcp_options_id } => {
                self.owned_dhcp_options(c, dhcp_options_id)?;
                if self
                    .vpcs
                    .values()
                    .any(|v| v.dhcp_options_id == *dhcp_options_id)
                {
                    return Err(Error::dependency(format!(
                        "The dhcpOptions '{dhcp_options_id}' has dependencies and cannot be deleted."
                    )));
                }
                self.dhcp_options.remove(dhcp_options_id);
                Ok(Outcome::Done)
            }
        }
    }

    pub fn describe_dhcp_options(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&DhcpOptions>> {
        filter::validate(filters, DHCP_OPTIONS_FILTERS)?;
        for id in ids {
            self.visible_dhcp_options(c, id)?;
        }
        let mut found: Vec<&DhcpOptions> = self
            .dhcp_options
            .values()
            .filter(|d| d.region == c.region)
            .filter(|d| ids.is_empty() || ids.contains(&d.id))
            .filter(|d| self.sees_dhcp_options(c, d))
            .filter(|d| filter::matches(*d, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |d| &d.id)
    }
}
