//! NAT gateways: a subnet's way for private addresses to reach out. A public gateway maps an
//! Elastic IP (so its VPC needs an internet gateway), a private one translates to its own
//! private address only. Each puts a requester-managed interface in its subnet, which uses an
//! address there and which the account sees but cannot change.
//!
//! AWS reports some failures after the fact: the create call succeeds and the gateway turns
//! `failed` with a failure code (no internet gateway, an address already in use). A failed or
//! deleted gateway stays described for an hour, then is gone, as AWS does.
//!
//! UNSURE: the gateway is `pending` in the create response and `available` from the next read
//! on; deletion is immediate (`deleted` from the next read on, never `deleting`).

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Attachment, Millis, NetworkInterface, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// AWS's default quota: NAT gateways per Availability Zone (pending and available ones count).
pub const NAT_GATEWAYS_PER_ZONE: usize = 5;
/// How long a deleted or failed gateway stays described.
pub const NAT_LINGER_MS: Millis = 60 * 60 * 1000;
/// A NAT gateway holds at most eight private addresses (a primary and seven secondary).
pub const NAT_ADDRESSES: usize = 8;
/// Elastic IPs per public gateway, AWS's default quota.
pub const NAT_ELASTIC_IPS: usize = 2;
/// UNSURE: the AWS-owned account named as the requester of NAT gateway interfaces.
pub const NAT_REQUESTER: &str = "amazon-aws";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    pub subnet_id: String,
    pub public: bool,
    /// The requester-managed interface (none once deleted, or when creation failed).
    pub interface_id: Option<String>,
    /// Its private addresses, the primary first (kept after deletion, as AWS shows them).
    pub private_ips: Vec<Ipv4Addr>,
    /// The Elastic IPs asked for, the primary first, each with its association while mapped.
    pub allocations: Vec<NatAllocation>,
    pub failure: Option<(String, String)>,
    pub created_at: Millis,
    pub deleted_at: Option<Millis>,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatAllocation {
    pub allocation_id: String,
    pub association_id: Option<String>,
    /// The private address it maps (older records: the address at the same position).
    #[serde(default)]
    pub private_ip: Option<Ipv4Addr>,
}

impl NatGateway {
    /// The state at `now`, or `None` once it is no longer described.
    pub fn state_at(&self, now: Millis) -> Option<&'static str> {
        let (state, since) = match (self.deleted_at, &self.failure) {
            (Some(at), _) => ("deleted", at),
            (None, Some(_)) => ("failed", self.created_at),
            (None, None) => return Some("available"),
        };
        (now < since + NAT_LINGER_MS).then_some(state)
    }

    /// Whether routes to it carry traffic.
    pub fn is_available(&self) -> bool {
        self.deleted_at.is_none() && self.failure.is_none()
    }

    /// The Elastic IP mapped to the private address at `index` of `private_ips`.
    pub fn allocation_at(&self, index: usize) -> Option<&NatAllocation> {
        let ip = self.private_ips.get(index)?;
        self.allocations
            .iter()
            .enumerate()
            .find(|(i, a)| a.private_ip.map_or(*i == index, |p| p == *ip))
            .map(|(_, a)| a)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNatGateway {
    pub subnet_id: String,
    pub public: bool,
    pub allocation_id: Option<String>,
    pub secondary_allocation_ids: Vec<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub secondary_private_ips: Vec<Ipv4Addr>,
    pub secondary_private_ip_count: usize,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NatCommand {
    Create(NewNatGateway),
    Delete {
        nat_gateway_id: String,
    },
    /// More private addresses for a private gateway: these, then `count` more.
    AssignPrivate {
        nat_gateway_id: String,
        private_ips: Vec<Ipv4Addr>,
        count: usize,
    },
    UnassignPrivate {
        nat_gateway_id: String,
        private_ips: Vec<Ipv4Addr>,
    },
    /// More Elastic IPs for a public gateway, each on a new private address (these, if given).
    AssociateAddresses {
        nat_gateway_id: String,
        allocation_ids: Vec<String>,
        private_ips: Vec<Ipv4Addr>,
    },
    DisassociateAddresses {
        nat_gateway_id: String,
        association_ids: Vec<String>,
    },
}

pub const NAT_GATEWAY_FILTERS: &[&str] = &["nat-gateway-id", "state", "subnet-id", "vpc-id"];

/// A gateway as a describe at `now` sees it.
pub struct NatView<'a> {
    pub gateway: &'a NatGateway,
    pub state: &'static str,
}

impl Filterable for NatView<'_> {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let g = self.gateway;
        Some(match name {
            "nat-gateway-id" => vec![g.id.clone()],
            "state" => vec![self.state.into()],
            "subnet-id" => vec![g.subnet_id.clone()],
            "vpc-id" => vec![g.vpc_id.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.gateway.tags
    }
}

fn no_nat_gateway(id: &str) -> Error {
    Error::new(
        "NatGatewayNotFound",
        format!("NAT gateway {id} was not found"),
    )
}

impl Cloud {
    /// Only the owner sees its NAT gateways, even in a shared VPC.
    pub fn sees_nat_gateway(&self, c: &Caller, g: &NatGateway) -> bool {
        c.region == g.region && c.account == g.owner
    }

    /// A gateway the caller sees, deleted ones still on record included.
    pub fn visible_nat_gateway(&self, c: &Caller, id: &str) -> Result<&NatGateway> {
        self.nat_gateways
            .get(id)
            .filter(|g| self.sees_nat_gateway(c, g))
            .ok_or_else(|| no_nat_gateway(id))
    }

    /// The Availability Zone's gateways that count against its quota.
    fn nat_gateways_in_zone(&self, c: &Caller, zone: &str) -> usize {
        self.nat_gateways
            .values()
            .filter(|g| g.owner == c.account && g.region == c.region && g.is_available())
            .filter(|g| {
                self.subnets
                    .get(&g.subnet_id)
                    .is_some_and(|s| s.availability_zone == zone)
            })
            .count()
    }

    /// Why a public gateway would fail after creation, as AWS reports it.
    fn nat_failure(&self, vpc_id: &str, allocations: &[String]) -> Option<(String, String)> {
        let has_gateway = self
            .internet_gateways
            .values()
            .any(|g| g.vpc_id.as_deref() == Some(vpc_id));
        if !has_gateway {
            return Some((
                "Gateway.NotAttached".into(),
                format!("Network {vpc_id} has no Internet gateway attached"),
            ));
        }
        allocations.iter().find_map(|id| {
            let a = self.addresses.get(id)?;
            a.live_association(self).map(|_| {
                (
                    "Resource.AlreadyAssociated".into(),
                    format!("Elastic IP address {id} is already associated"),
                )
            })
        })
    }

    pub(crate) fn nat_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &NatCommand,
    ) -> Result<Outcome> {
        match command {
            NatCommand::Create(new) => self.create_nat_gateway(c, ids, at, new),
            NatCommand::AssignPrivate {
                nat_gateway_id,
                private_ips,
                count,
            } => {
                let g = self.working_nat_gateway(c, nat_gateway_id)?;
                if g.public {
                    return Err(Error::invalid_value(
                        "A public NAT gateway gets secondary private addresses with AssociateNatGatewayAddress.",
                    ));
                }
                let added = self.add_nat_addresses(nat_gateway_id, private_ips, *count)?;
                Ok(Outcome::PrivateIps(added))
            }
            NatCommand::UnassignPrivate {
                nat_gateway_id,
                private_ips,
            } => {
                let g = self.working_nat_gateway(c, nat_gateway_id)?;
                for ip in private_ips {
                    let at = g.private_ips.iter().position(|p| p == ip);
                    match at {
                        None => {
                            return Err(Error::invalid_value(format!(
                                "The address {ip} is not assigned to {nat_gateway_id}."
                            )))
                        }
                        Some(0) => {
                            return Err(Error::invalid_value(format!(
                                "The primary address {ip} of {nat_gateway_id} cannot be unassigned."
                            )))
                        }
                        Some(i) if g.allocation_at(i).is_some() => {
                            return Err(Error::invalid_value(format!(
                                "The address {ip} has an Elastic IP; disassociate it first."
                            )))
                        }
                        Some(_) => {}
                    }
                }
                let (eni, subnet) = (g.interface_id.clone(), g.subnet_id.clone());
                if let Some(e) = eni.and_then(|e| self.interfaces.get_mut(&e)) {
                    e.secondary_ips.retain(|p| !private_ips.contains(p));
                }
                if let Some(s) = self.subnets.get_mut(&subnet) {
                    for ip in private_ips {
                        s.used.remove(ip);
                    }
                }
                self.nat_gateways
                    .get_mut(nat_gateway_id)
                    .expect("seen")
                    .private_ips
                    .retain(|p| !private_ips.contains(p));
                Ok(Outcome::PrivateIps(private_ips.clone()))
            }
            NatCommand::AssociateAddresses {
                nat_gateway_id,
                allocation_ids,
                private_ips,
            } => self.associate_nat_addresses(c, ids, nat_gateway_id, allocation_ids, private_ips),
            NatCommand::DisassociateAddresses {
                nat_gateway_id,
                association_ids,
            } => {
                let g = self.working_nat_gateway(c, nat_gateway_id)?;
                for id in association_ids {
                    let at = g
                        .allocations
                        .iter()
                        .position(|a| a.association_id.as_ref() == Some(id));
                    match at {
                        None => {
                            return Err(Error::new(
                                "InvalidAssociationID.NotFound",
                                format!("The association ID '{id}' does not exist"),
                            ))
                        }
                        Some(0) => {
                            return Err(Error::invalid_value(format!(
                            "The primary Elastic IP of {nat_gateway_id} cannot be disassociated."
                        )))
                        }
                        Some(_) => {}
                    }
                }
                for a in self.addresses.values_mut() {
                    if a.association
                        .as_ref()
                        .is_some_and(|x| association_ids.contains(&x.id))
                    {
                        a.association = None;
                    }
                }
                self.nat_gateways
                    .get_mut(nat_gateway_id)
                    .expect("seen")
                    .allocations
                    .retain(|a| {
                        !a.association_id
                            .as_ref()
                            .is_some_and(|x| association_ids.contains(x))
                    });
                Ok(Outcome::Id(nat_gateway_id.clone()))
            }
            NatCommand::Delete { nat_gateway_id } => {
                let g = self.visible_nat_gateway(c, nat_gateway_id)?;
                if g.state_at(at).is_none() {
                    return Err(no_nat_gateway(nat_gateway_id));
                }
                if g.deleted_at.is_some() {
                    return Ok(Outcome::Id(nat_gateway_id.clone()));
                }
                let interface = g.interface_id.clone();
                let associations: Vec<String> = g
                    .allocations
                    .iter()
                    .filter_map(|a| a.association_id.clone())
                    .collect();
                // Its addresses stay allocated to the account, only unmapped.
                for a in self.addresses.values_mut() {
                    if a.association
                        .as_ref()
                        .is_some_and(|x| associations.contains(&x.id))
                    {
                        a.association = None;
                    }
                }
                if let Some(eni) = &interface {
                    self.remove_interface(eni);
                }
                let g = self.nat_gateways.get_mut(nat_gateway_id).expect("seen");
                g.deleted_at = Some(at);
                g.interface_id = None;
                Ok(Outcome::Id(nat_gateway_id.clone()))
            }
        }
    }

    /// A gateway of the caller's that is available (its addresses can change).
    fn working_nat_gateway(&self, c: &Caller, id: &str) -> Result<&NatGateway> {
        let g = self.visible_nat_gateway(c, id)?;
        if !g.is_available() {
            return Err(Error::new(
                "InvalidNatGatewayID.NotFound",
                format!("The natGateway ID '{id}' does not exist"),
            ));
        }
        Ok(g)
    }

    /// New secondary private addresses on a gateway's interface: these, then `count` more.
    fn add_nat_addresses(
        &mut self,
        nat_gateway_id: &str,
        wanted: &[Ipv4Addr],
        count: usize,
    ) -> Result<Vec<Ipv4Addr>> {
        let g = &self.nat_gateways[nat_gateway_id];
        if wanted.is_empty() && count == 0 {
            return Err(Error::missing(
                "PrivateIpAddresses or PrivateIpAddressCount",
            ));
        }
        if g.private_ips.len() + wanted.len() + count > NAT_ADDRESSES {
            return Err(Error::invalid_value(format!(
                "A NAT gateway can have at most {NAT_ADDRESSES} private IPv4 addresses."
            )));
        }
        let (eni, subnet) = (g.interface_id.clone(), g.subnet_id.clone());
        let mut probe = self.subnets[&subnet].clone();
        let added = self.pick_addresses(&mut probe, wanted, count)?;
        if let Some(s) = self.subnets.get_mut(&subnet) {
            s.used.extend(added.iter().copied());
        }
        if let Some(e) = eni.and_then(|e| self.interfaces.get_mut(&e)) {
            e.secondary_ips.extend(added.iter().copied());
        }
        self.nat_gateways
            .get_mut(nat_gateway_id)
            .expect("seen")
            .private_ips
            .extend(added.iter().copied());
        Ok(added)
    }

    fn associate_nat_addresses(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        nat_gateway_id: &str,
        allocation_ids: &[String],
        private_ips: &[Ipv4Addr],
    ) -> Result<Outcome> {
        let g = self.working_nat_gateway(c, nat_gateway_id)?;
        if !g.public {
            return Err(Error::invalid_value(
                "A private NAT gateway does not take Elastic IPs.",
            ));
        }
        if allocation_ids.is_empty() {
            return Err(Error::missing("AllocationIds"));
        }
        if !private_ips.is_empty() && private_ips.len() != allocation_ids.len() {
            return Err(Error::invalid_value(
                "Give one private address per allocation, or none.",
            ));
        }
        if g.allocations.len() + allocation_ids.len() > NAT_ELASTIC_IPS {
            return Err(Error::new(
                "NatGatewayAddressLimitExceeded",
                format!(
                    "A NAT gateway can have at most {NAT_ELASTIC_IPS} Elastic IP addresses by default."
                ),
            ));
        }
        for id in allocation_ids {
            let a = self
                .addresses
                .get(id)
                .filter(|a| a.owner == c.account && a.region == c.region)
                .ok_or_else(|| {
                    Error::new(
                        "InvalidAllocationID.NotFound",
                        format!("The allocation ID '{id}' does not exist"),
                    )
                })?;
            if a.live_association(self).is_some() {
                return Err(Error::new(
                    "Resource.AlreadyAssociated",
                    format!("Elastic IP address {id} is already associated"),
                ));
            }
        }
        let eni = g.interface_id.clone().unwrap_or_default();
        let count = if private_ips.is_empty() {
            allocation_ids.len()
        } else {
            0
        };
        let added = self.add_nat_addresses(nat_gateway_id, private_ips, count)?;
        for (allocation_id, ip) in allocation_ids.iter().zip(&added) {
            let association = ids.id("eipassoc");
            if let Some(a) = self.addresses.get_mut(allocation_id) {
                a.association = Some(crate::addresses::AddressAssociation {
                    id: association.clone(),
                    interface_id: eni.clone(),
                    private_ip: *ip,
                });
            }
            self.nat_gateways
                .get_mut(nat_gateway_id)
                .expect("seen")
                .allocations
                .push(NatAllocation {
                    allocation_id: allocation_id.clone(),
                    association_id: Some(association),
                    private_ip: Some(*ip),
                });
        }
        Ok(Outcome::PrivateIps(added))
    }

    fn create_nat_gateway(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        new: &NewNatGateway,
    ) -> Result<Outcome> {
        validate_tags(&new.tags)?;
        if let Some(token) = &new.client_token {
            let earlier = self.nat_gateways.values().find(|g| {
                g.owner == c.account
                    && g.region == c.region
                    && g.client_token.as_ref() == Some(token)
            });
            if let Some(g) = earlier {
                return Ok(Outcome::Id(g.id.clone()));
            }
        }
        let subnet = self.owned_subnet(c, &new.subnet_id)?.clone();
        let mut allocations: Vec<String> = Vec::new();
        if new.public {
            let Some(primary) = &new.allocation_id else {
                return Err(Error::missing("AllocationId"));
            };
            allocations.push(primary.clone());
            allocations.extend(new.secondary_allocation_ids.iter().cloned());
            if !new.secondary_private_ips.is_empty() || new.secondary_private_ip_count > 0 {
                return Err(Error::invalid_value(
                    "Secondary private IPv4 addresses of a public NAT gateway are given with SecondaryAllocationIds.",
                ));
            }
        } else if new.allocation_id.is_some() || !new.secondary_allocation_ids.is_empty() {
            return Err(Error::invalid_value(
                "A private NAT gateway does not take an Elastic IP allocation.",
            ));
        }
        if allocations.len() > NAT_ELASTIC_IPS {
            return Err(Error::new(
                "NatGatewayAddressLimitExceeded",
                format!(
                    "A NAT gateway can have at most {NAT_ELASTIC_IPS} Elastic IP addresses by default."
                ),
            ));
        }
        let mut unique = allocations.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != allocations.len() {
            return Err(Error::invalid_value(
                "The same allocation ID is given more than once.",
            ));
        }
        for id in &allocations {
            let a = self
                .addresses
                .get(id)
                .filter(|a| a.owner == c.account && a.region == c.region);
            if a.is_none() {
                return Err(Error::new(
                    "InvalidAllocationID.NotFound",
                    format!("The allocation ID '{id}' does not exist"),
                ));
            }
        }
        let extra = new.secondary_private_ips.len()
            + new.secondary_private_ip_count
            + allocations.len().saturating_sub(1);
        if 1 + extra > NAT_ADDRESSES {
            return Err(Error::invalid_value(format!(
                "A NAT gateway can have at most {NAT_ADDRESSES} private IPv4 addresses."
            )));
        }
        if self.nat_gateways_in_zone(c, &subnet.availability_zone) >= NAT_GATEWAYS_PER_ZONE {
            return Err(Error::new(
                "NatGatewayLimitExceeded",
                format!(
                    "Performing this operation would exceed the limit of {NAT_GATEWAYS_PER_ZONE} NAT gateways"
                ),
            ));
        }
        let failure = if new.public {
            self.nat_failure(&subnet.vpc_id, &allocations)
        } else {
            None
        };
        // Every address is checked against a scratch copy before anything changes.
        let mut probe = subnet.clone();
        let (private_ips, failure) = if failure.is_some() {
            (Vec::new(), failure)
        } else {
            match self.pick_address(&probe, new.private_ip) {
                Ok(primary) => {
                    probe.used.insert(primary);
                    let secondary_count =
                        new.secondary_private_ip_count + allocations.len().saturating_sub(1);
                    let secondary = self.pick_addresses(
                        &mut probe,
                        &new.secondary_private_ips,
                        secondary_count,
                    )?;
                    (std::iter::once(primary).chain(secondary).collect(), None)
                }
                Err(e) if e.code == "InsufficientFreeAddressesInSubnet" => (
                    Vec::new(),
                    Some((
                        e.code.to_string(),
                        "Subnet has insufficient free addresses to create this NAT gateway".into(),
                    )),
                ),
                Err(e) => return Err(e),
            }
        };
        let id = ids.id("nat");
        let mut gateway = NatGateway {
            id: id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            vpc_id: subnet.vpc_id.clone(),
            subnet_id: subnet.id.clone(),
            public: new.public,
            interface_id: None,
            private_ips: private_ips.clone(),
            allocations: allocations
                .iter()
                .zip(private_ips.iter().map(Some).chain(std::iter::repeat(None)))
                .map(|(a, ip)| NatAllocation {
                    allocation_id: a.clone(),
                    association_id: None,
                    private_ip: ip.copied(),
                })
                .collect(),
            failure,
            created_at: at,
            deleted_at: None,
            client_token: new.client_token.clone(),
            tags: new.tags.clone(),
        };
        if gateway.failure.is_none() {
            let eni_id = ids.id("eni");
            let eni = NetworkInterface {
                id: eni_id.clone(),
                owner: c.account.clone(),
                region: c.region.clone(),
                subnet_id: subnet.id.clone(),
                vpc_id: subnet.vpc_id.clone(),
                availability_zone: subnet.availability_zone.clone(),
                availability_zone_id: subnet.availability_zone_id.clone(),
                description: format!("Interface for NAT Gateway {id}"),
                private_ip: private_ips[0],
                secondary_ips: private_ips[1..].to_vec(),
                mac: ids.mac(),
                groups: Vec::new(),
                source_dest_check: false,
                interface_type: "nat_gateway".into(),
                requester_managed: true,
                attachment: Some(Attachment {
                    id: ids.id("ela-attach"),
                    instance_id: String::new(),
                    instance_owner: NAT_REQUESTER.into(),
                    device_index: 1,
                    attached_at: at,
                    delete_on_termination: false,
                    status: "attached".into(),
                }),
                tags: Vec::new(),
                ipv6_addresses: Vec::new(),
                public_ip: None,
            };
            self.insert_interface(eni);
            for (slot, ip) in gateway.allocations.iter_mut().zip(&private_ips) {
                let association = ids.id("eipassoc");
                if let Some(a) = self.addresses.get_mut(&slot.allocation_id) {
                    a.association = Some(crate::addresses::AddressAssociation {
                        id: association.clone(),
                        interface_id: eni_id.clone(),
                        private_ip: *ip,
                    });
                }
                slot.association_id = Some(association);
            }
            gateway.interface_id = Some(eni_id);
        }
        self.nat_gateways.insert(id.clone(), gateway);
        Ok(Outcome::Id(id))
    }

    pub fn describe_nat_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
        now: Millis,
    ) -> Result<Paged<NatView<'_>>> {
        filter::validate(filters, NAT_GATEWAY_FILTERS)?;
        let view = |g: &'_ NatGateway| g.state_at(now);
        for id in ids {
            let g = self.visible_nat_gateway(c, id)?;
            if view(g).is_none() {
                return Err(no_nat_gateway(id));
            }
        }
        let mut found: Vec<NatView<'_>> = self
            .nat_gateways
            .values()
            .filter(|g| self.sees_nat_gateway(c, g))
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .filter_map(|g| {
                Some(NatView {
                    gateway: g,
                    state: view(g)?,
                })
            })
            .filter(|v| filter::matches(v, filters))
            .collect();
        found.sort_by(|a, b| a.gateway.id.cmp(&b.gateway.id));
        page.apply_owned(found, |v| &v.gateway.id)
    }
}
