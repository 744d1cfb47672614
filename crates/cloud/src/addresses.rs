//! Elastic IP addresses: public IPv4 addresses an account allocates, associates with one of
//! its interfaces (or an instance's primary one), moves and releases. An address can only be
//! mapped into a VPC that has an internet gateway, and a gateway cannot be detached while
//! addresses are mapped into its VPC.
//!
//! UNSURE: AWS's public addresses are its own; ramparts allocates them from 198.18.0.0/15 (the
//! benchmarking range, never routed on the internet), unique across the cloud.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// AWS's default quota: Elastic IP addresses per account and Region.
pub const ADDRESSES_PER_REGION: usize = 5;
const POOL_START: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const POOL_SIZE: u32 = 1 << 17;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAssociation {
    pub id: String,
    pub interface_id: String,
    pub private_ip: Ipv4Addr,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub allocation_id: String,
    pub public_ip: Ipv4Addr,
    pub owner: AccountId,
    pub region: Region,
    pub association: Option<AddressAssociation>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressCommand {
    Allocate {
        tags: Vec<Tag>,
    },
    Associate {
        allocation_id: String,
        /// An interface, or an instance (its primary interface).
        target: String,
        private_ip: Option<Ipv4Addr>,
        allow_reassociation: bool,
    },
    Disassociate {
        association_id: String,
    },
    Release {
        allocation_id: String,
    },
}

pub const ADDRESS_FILTERS: &[&str] = &[
    "allocation-id",
    "association-id",
    "domain",
    "instance-id",
    "network-border-group",
    "network-interface-id",
    "network-interface-owner-id",
    "private-ip-address",
    "public-ip",
];

impl Address {
    /// The association, if its interface still exists (an interface deleted with an address
    /// on it takes the association with it).
    pub fn live_association<'a>(&'a self, cloud: &Cloud) -> Option<&'a AddressAssociation> {
        self.association
            .as_ref()
            .filter(|a| cloud.interfaces.contains_key(&a.interface_id))
    }
}

/// An address with what its association points at, for filters and views.
pub struct AddressView<'a> {
    pub address: &'a Address,
    pub association: Option<&'a AddressAssociation>,
    pub instance_id: Option<String>,
    pub interface_owner: Option<String>,
}

impl Filterable for AddressView<'_> {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let a = self.association;
        Some(match name {
            "allocation-id" => vec![self.address.allocation_id.clone()],
            "association-id" => a.map(|a| a.id.clone()).into_iter().collect(),
            "domain" => vec!["vpc".into()],
            "instance-id" => self.instance_id.iter().cloned().collect(),
            "network-border-group" => vec![self.address.region.clone()],
            "network-interface-id" => a.map(|a| a.interface_id.clone()).into_iter().collect(),
            "network-interface-owner-id" => self.interface_owner.iter().cloned().collect(),
            "private-ip-address" => a.map(|a| a.private_ip.to_string()).into_iter().collect(),
            "public-ip" => vec![self.address.public_ip.to_string()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.address.tags
    }
}

fn no_allocation(id: &str) -> Error {
    Error::new(
        "InvalidAllocationID.NotFound",
        format!("The allocation ID '{id}' does not exist"),
    )
}

impl Cloud {
    pub fn address_view<'a>(&'a self, address: &'a Address) -> AddressView<'a> {
        let association = address.live_association(self);
        let interface = association.and_then(|a| self.interfaces.get(&a.interface_id));
        AddressView {
            address,
            association,
            instance_id: interface
                .and_then(|e| e.attachment.as_ref())
                .map(|a| a.instance_id.clone()),
            interface_owner: interface.map(|e| e.owner.clone()),
        }
    }

    /// The address mapped to an interface's private address, if any.
    pub fn address_on(&self, interface_id: &str, private_ip: Ipv4Addr) -> Option<&Address> {
        self.addresses.values().find(|a| {
            a.live_association(self)
                .is_some_and(|x| x.interface_id == interface_id && x.private_ip == private_ip)
        })
    }

    /// Whether any address is mapped to an interface in this VPC.
    pub(crate) fn vpc_has_public_addresses(&self, vpc_id: &str) -> bool {
        self.addresses.values().any(|a| {
            a.live_association(self)
                .and_then(|x| self.interfaces.get(&x.interface_id))
                .is_some_and(|e| e.vpc_id == vpc_id)
        })
    }

    /// A public address nobody holds (neither an Elastic IP nor one given at launch), looked
    /// for from `hint` on so that addresses spread over the pool.
    pub(crate) fn free_public_ip(&self, hint: u32) -> Option<Ipv4Addr> {
        let taken: std::collections::HashSet<Ipv4Addr> = self
            .addresses
            .values()
            .map(|a| a.public_ip)
            .chain(self.interfaces.values().filter_map(|e| e.public_ip))
            .collect();
        let start = hint % POOL_SIZE;
        (0..POOL_SIZE)
            .map(|i| Ipv4Addr::from(POOL_START + (start + i) % POOL_SIZE))
            .find(|ip| !taken.contains(ip))
    }

    /// An address a NAT gateway holds is AWS's to unmap (AWS answers as below).
    fn check_not_service_managed(&self, allocation_id: &str) -> Result<()> {
        let managed = self
            .addresses
            .get(allocation_id)
            .and_then(|a| a.live_association(self))
            .and_then(|x| self.interfaces.get(&x.interface_id))
            .is_some_and(|e| e.requester_managed);
        if managed {
            return Err(Error::new(
                "AuthFailure",
                "You do not have permission to access the specified resource.",
            ));
        }
        Ok(())
    }

    fn own_address(&self, c: &Caller, id: &str) -> Result<&Address> {
        self.addresses
            .get(id)
            .filter(|a| a.owner == c.account && a.region == c.region)
            .ok_or_else(|| no_allocation(id))
    }

    pub(crate) fn address_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &AddressCommand,
    ) -> Result<Outcome> {
        match command {
            AddressCommand::Allocate { tags } => {
                validate_tags(tags)?;
                let held = self
                    .addresses
                    .values()
                    .filter(|a| a.owner == c.account && a.region == c.region)
                    .count();
                if held >= ADDRESSES_PER_REGION {
                    return Err(Error::new(
                        "AddressLimitExceeded",
                        "The maximum number of addresses has been reached.",
                    ));
                }
                let start = u32::from_str_radix(&ids.hex(8), 16).unwrap_or(0);
                let public_ip = self.free_public_ip(start).ok_or_else(|| {
                    Error::new(
                        "AddressLimitExceeded",
                        "The maximum number of addresses has been reached.",
                    )
                })?;
                let id = ids.id("eipalloc");
                self.addresses.insert(
                    id.clone(),
                    Address {
                        allocation_id: id.clone(),
                        public_ip,
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        association: None,
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            AddressCommand::Associate {
                allocation_id,
                target,
                private_ip,
                allow_reassociation,
            } => {
                let address = self.own_address(c, allocation_id)?;
                let interface_id = if target.starts_with("i-") {
                    let i = self.visible_instance(c, target)?;
                    i.network_interface_ids.first().cloned().ok_or_else(|| {
                        Error::invalid_value("The instance has no network interface.")
                    })?
                } else {
                    target.clone()
                };
                let e = self.visible_interface(c, &interface_id)?;
                if e.owner != c.account {
                    return Err(Error::unauthorized());
                }
                let private_ip = private_ip.unwrap_or(e.private_ip);
                if private_ip != e.private_ip && !e.secondary_ips.contains(&private_ip) {
                    return Err(Error::invalid_value(format!(
                        "The specified private IP address {private_ip} is not assigned to interface {interface_id}"
                    )));
                }
                let has_gateway = self
                    .internet_gateways
                    .values()
                    .any(|g| g.vpc_id.as_deref() == Some(e.vpc_id.as_str()));
                if !has_gateway {
                    return Err(Error::new(
                        "Gateway.NotAttached",
                        format!(
                            "Network {} is not attached to any internet gateway",
                            e.vpc_id
                        ),
                    ));
                }
                if address.live_association(self).is_some() && !allow_reassociation {
                    return Err(Error::new(
                        "Resource.AlreadyAssociated",
                        format!(
                            "resource {allocation_id} is already associated with associate-id {}",
                            address
                                .association
                                .as_ref()
                                .map(|a| a.id.as_str())
                                .unwrap_or_default()
                        ),
                    ));
                }
                // Another address on the same private address gives way.
                let displaced = self
                    .address_on(&interface_id, private_ip)
                    .map(|a| a.allocation_id.clone());
                if let Some(other) = displaced {
                    self.addresses
                        .get_mut(&other)
                        .expect("found above")
                        .association = None;
                }
                let id = ids.id("eipassoc");
                self.addresses
                    .get_mut(allocation_id)
                    .expect("found above")
                    .association = Some(AddressAssociation {
                    id: id.clone(),
                    interface_id,
                    private_ip,
                });
                Ok(Outcome::Id(id))
            }
            AddressCommand::Disassociate { association_id } => {
                let found = self
                    .addresses
                    .values()
                    .find(|a| {
                        a.owner == c.account
                            && a.region == c.region
                            && a.live_association(self)
                                .is_some_and(|x| x.id == *association_id)
                    })
                    .map(|a| a.allocation_id.clone())
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidAssociationID.NotFound",
                            format!("The association ID '{association_id}' does not exist"),
                        )
                    })?;
                self.check_not_service_managed(&found)?;
                self.addresses
                    .get_mut(&found)
                    .expect("found above")
                    .association = None;
                Ok(Outcome::Done)
            }
            AddressCommand::Release { allocation_id } => {
                let address = self.own_address(c, allocation_id)?;
                self.check_not_service_managed(allocation_id)?;
                if address.live_association(self).is_some() {
                    return Err(Error::new(
                        "InvalidIPAddress.InUse",
                        format!("Address {allocation_id} is in use."),
                    ));
                }
                self.addresses.remove(allocation_id);
                Ok(Outcome::Done)
            }
        }
    }

    /// The account's addresses in the Region, as DescribeAddresses lists them (no paging).
    pub fn describe_addresses(
        &self,
        c: &Caller,
        allocation_ids: &[String],
        public_ips: &[String],
        filters: &[Filter],
    ) -> Result<Vec<AddressView<'_>>> {
        filter::validate(filters, ADDRESS_FILTERS)?;
        for id in allocation_ids {
            self.own_address(c, id)?;
        }
        let mine = |a: &&Address| a.owner == c.account && a.region == c.region;
        for ip in public_ips {
            if !self
                .addresses
                .values()
                .filter(mine)
                .any(|a| a.public_ip.to_string() == *ip)
            {
                return Err(Error::new(
                    "InvalidAddress.NotFound",
                    format!("Address '{ip}' not found."),
                ));
            }
        }
        let mut found: Vec<AddressView<'_>> = self
            .addresses
            .values()
            .filter(mine)
            .filter(|a| allocation_ids.is_empty() || allocation_ids.contains(&a.allocation_id))
            .filter(|a| public_ips.is_empty() || public_ips.contains(&a.public_ip.to_string()))
            .map(|a| self.address_view(a))
            .filter(|v| filter::matches(v, filters))
            .collect();
        found.sort_by(|a, b| a.address.allocation_id.cmp(&b.address.allocation_id));
        Ok(found)
    }
}
