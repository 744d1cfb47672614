//! Virtual private gateways and customer gateways: the two ends of a site-to-site VPN, without
//! the tunnels (there are no VPN connections here). A virtual private gateway attaches to one
//! VPC at a time and a VPC has at most one; route tables may propagate its routes (none are
//! learned without connections) and may route to it while it is attached.
//!
//! UNSURE: a detached gateway keeps its attachment listed as `detached`; a deleted gateway or
//! customer gateway is gone at once.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};

/// AWS's default quotas.
pub const VPN_GATEWAYS_PER_REGION: usize = 5;
pub const CUSTOMER_GATEWAYS_PER_REGION: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgwAttachment {
    pub vpc_id: String,
    pub attached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub amazon_side_asn: i64,
    pub availability_zone: Option<String>,
    pub attachment: Option<VgwAttachment>,
    pub tags: Vec<Tag>,
}

impl VpnGateway {
    pub fn attached_vpc(&self) -> Option<&str> {
        self.attachment
            .as_ref()
            .filter(|a| a.attached)
            .map(|a| a.vpc_id.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub bgp_asn: i64,
    pub ip_address: Option<String>,
    pub certificate_arn: Option<String>,
    pub device_name: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomerGateway {
    pub bgp_asn: i64,
    pub ip_address: Option<String>,
    pub certificate_arn: Option<String>,
    pub device_name: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VpnCommand {
    CreateVpnGateway {
        amazon_side_asn: Option<i64>,
        availability_zone: Option<String>,
        tags: Vec<Tag>,
    },
    Attach {
        gateway_id: String,
        vpc_id: String,
    },
    Detach {
        gateway_id: String,
        vpc_id: String,
    },
    DeleteVpnGateway {
        gateway_id: String,
    },
    /// Route propagation from a virtual private gateway into a route table.
    Propagation {
        gateway_id: String,
        table_id: String,
        enable: bool,
    },
    CreateCustomerGateway(NewCustomerGateway),
    DeleteCustomerGateway {
        gateway_id: String,
    },
}

pub const VPN_GATEWAY_FILTERS: &[&str] = &[
    "amazon-side-asn",
    "attachment.state",
    "attachment.vpc-id",
    "availability-zone",
    "state",
    "type",
    "vpn-gateway-id",
];

pub const CUSTOMER_GATEWAY_FILTERS: &[&str] = &[
    "bgp-asn",
    "customer-gateway-id",
    "ip-address",
    "state",
    "type",
];

impl Filterable for VpnGateway {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let a = self.attachment.as_ref();
        Some(match name {
            "amazon-side-asn" => vec![self.amazon_side_asn.to_string()],
            "attachment.state" => a
                .map(|a| if a.attached { "attached" } else { "detached" }.to_string())
                .into_iter()
                .collect(),
            "attachment.vpc-id" => a.map(|a| a.vpc_id.clone()).into_iter().collect(),
            "availability-zone" => self.availability_zone.iter().cloned().collect(),
            "state" => vec!["available".into()],
            "type" => vec!["ipsec.1".into()],
            "vpn-gateway-id" => vec![self.id.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

impl Filterable for CustomerGateway {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "bgp-asn" => vec![self.bgp_asn.to_string()],
            "customer-gateway-id" => vec![self.id.clone()],
            "ip-address" => self.ip_address.iter().cloned().collect(),
            "state" => vec!["available".into()],
            "type" => vec!["ipsec.1".into()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn no_vpn_gateway(id: &str) -> Error {
    Error::new(
        "InvalidVpnGatewayID.NotFound",
        format!("The virtual private gateway ID '{id}' does not exist"),
    )
}

fn no_customer_gateway(id: &str) -> Error {
    Error::new(
        "InvalidCustomerGatewayID.NotFound",
        format!("The customerGateway ID '{id}' does not exist"),
    )
}

impl Cloud {
    pub fn visible_vpn_gateway(&self, c: &Caller, id: &str) -> Result<&VpnGateway> {
        self.vpn_gateways
            .get(id)
            .filter(|g| g.owner == c.account && g.region == c.region)
            .ok_or_else(|| no_vpn_gateway(id))
    }

    pub fn visible_customer_gateway(&self, c: &Caller, id: &str) -> Result<&CustomerGateway> {
        self.customer_gateways
            .get(id)
            .filter(|g| g.owner == c.account && g.region == c.region)
            .ok_or_else(|| no_customer_gateway(id))
    }

    pub(crate) fn vpn_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &VpnCommand,
    ) -> Result<Outcome> {
        match command {
            VpnCommand::CreateVpnGateway {
                amazon_side_asn,
                availability_zone,
                tags,
            } => {
                validate_tags(tags)?;
                let asn = amazon_side_asn.unwrap_or(64512);
                let private = (64512..=65534).contains(&asn)
                    || (4_200_000_000..=4_294_967_294).contains(&asn);
                if !private {
                    return Err(Error::invalid_value(format!(
                        "Amazon side ASN {asn} is invalid: use 64512-65534 or 4200000000-4294967294."
                    )));
                }
                if let Some(zone) = availability_zone {
                    if !crate::regions::zones(&c.region)
                        .iter()
                        .any(|(z, _)| z == zone)
                    {
                        return Err(Error::invalid_value(format!(
                            "Value ({zone}) for parameter availabilityZone is invalid."
                        )));
                    }
                }
                let held = self
                    .vpn_gateways
                    .values()
                    .filter(|g| g.owner == c.account && g.region == c.region)
                    .count();
                if held >= VPN_GATEWAYS_PER_REGION {
                    return Err(Error::new(
                        "VpnGatewayLimitExceeded",
                        "The maximum number of virtual private gateways has been reached.",
                    ));
                }
                let id = ids.id("vgw");
                self.vpn_gateways.insert(
                    id.clone(),
                    VpnGateway {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        amazon_side_asn: asn,
                        availability_zone: availability_zone.clone(),
                        attachment: None,
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            VpnCommand::Attach { gateway_id, vpc_id } => {
                let g = self.visible_vpn_gateway(c, gateway_id)?;
                self.owned_vpc(c, vpc_id)?;
                if let Some(other) = g.attached_vpc() {
                    return Err(Error::new(
                        "Resource.AlreadyAssociated",
                        format!("resource {gateway_id} is already attached to network {other}"),
                    ));
                }
                if self
                    .vpn_gateways
                    .values()
                    .any(|x| x.attached_vpc() == Some(vpc_id.as_str()))
                {
                    return Err(Error::invalid_value(format!(
                        "Network {vpc_id} already has a virtual private gateway attached"
                    )));
                }
                self.vpn_gateways
                    .get_mut(gateway_id)
                    .expect("seen")
                    .attachment = Some(VgwAttachment {
                    vpc_id: vpc_id.clone(),
                    attached: true,
                });
                Ok(Outcome::Done)
            }
            VpnCommand::Detach { gateway_id, vpc_id } => {
                let g = self.visible_vpn_gateway(c, gateway_id)?;
                self.visible_vpc(c, vpc_id)?;
                if g.attached_vpc() != Some(vpc_id.as_str()) {
                    return Err(Error::new(
                        "InvalidVpnGatewayAttachment.NotFound",
                        format!("The attachment with vpn gateway ID '{gateway_id}' and vpc ID '{vpc_id}' does not exist"),
                    ));
                }
                self.vpn_gateways
                    .get_mut(gateway_id)
                    .expect("seen")
                    .attachment = Some(VgwAttachment {
                    vpc_id: vpc_id.clone(),
                    attached: false,
                });
                for t in self.route_tables.values_mut() {
                    if t.vpc_id == *vpc_id {
                        t.propagating_vgws.retain(|v| v != gateway_id);
                    }
                }
                Ok(Outcome::Done)
            }
            VpnCommand::DeleteVpnGateway { gateway_id } => {
                let g = self.visible_vpn_gateway(c, gateway_id)?;
                if let Some(vpc) = g.attached_vpc() {
                    return Err(Error::new(
                        "IncorrectState",
                        format!("The virtual private gateway {gateway_id} is attached to {vpc}; detach it first."),
                    ));
                }
                self.vpn_gateways.remove(gateway_id);
                Ok(Outcome::Done)
            }
            VpnCommand::Propagation {
                gateway_id,
                table_id,
                enable,
            } => {
                let g = self.visible_vpn_gateway(c, gateway_id)?;
                let t = self
                    .route_tables
                    .get(table_id)
                    .filter(|t| self.sees_route_table(c, t))
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidRouteTableID.NotFound",
                            format!("The routeTable ID '{table_id}' does not exist"),
                        )
                    })?;
                if t.owner != c.account {
                    return Err(Error::unauthorized());
                }
                if *enable && g.attached_vpc() != Some(t.vpc_id.as_str()) {
                    return Err(Error::new(
                        "Gateway.NotAttached",
                        format!(
                            "resource {gateway_id} is not attached to network {}",
                            t.vpc_id
                        ),
                    ));
                }
                let t = self.route_tables.get_mut(table_id).expect("seen");
                t.propagating_vgws.retain(|v| v != gateway_id);
                if *enable {
                    t.propagating_vgws.push(gateway_id.clone());
                }
                Ok(Outcome::Done)
            }
            VpnCommand::CreateCustomerGateway(new) => {
                validate_tags(&new.tags)?;
                if !(1..=4_294_967_294).contains(&new.bgp_asn) {
                    return Err(Error::invalid_value(format!(
                        "Value ({}) for parameter bgpAsn is invalid.",
                        new.bgp_asn
                    )));
                }
                if let Some(ip) = &new.ip_address {
                    if ip.parse::<std::net::Ipv4Addr>().is_err() {
                        return Err(Error::invalid_value(format!(
                            "Value ({ip}) for parameter ipAddress is invalid."
                        )));
                    }
                }
                if new.ip_address.is_none() && new.certificate_arn.is_none() {
                    return Err(Error::missing("IpAddress"));
                }
                // Identical parameters give back the same gateway.
                let same = self.customer_gateways.values().find(|g| {
                    g.owner == c.account
                        && g.region == c.region
                        && g.bgp_asn == new.bgp_asn
                        && g.ip_address == new.ip_address
                        && g.certificate_arn == new.certificate_arn
                });
                if let Some(g) = same {
                    return Ok(Outcome::Id(g.id.clone()));
                }
                let held = self
                    .customer_gateways
                    .values()
                    .filter(|g| g.owner == c.account && g.region == c.region)
                    .count();
                if held >= CUSTOMER_GATEWAYS_PER_REGION {
                    return Err(Error::new(
                        "CustomerGatewayLimitExceeded",
                        "The maximum number of customer gateways has been reached.",
                    ));
                }
                let id = ids.id("cgw");
                self.customer_gateways.insert(
                    id.clone(),
                    CustomerGateway {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        bgp_asn: new.bgp_asn,
                        ip_address: new.ip_address.clone(),
                        certificate_arn: new.certificate_arn.clone(),
                        device_name: new.device_name.clone(),
                        tags: new.tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            VpnCommand::DeleteCustomerGateway { gateway_id } => {
                self.visible_customer_gateway(c, gateway_id)?;
                self.customer_gateways.remove(gateway_id);
                Ok(Outcome::Done)
            }
        }
    }

    /// The account's virtual private gateways (no paging, as DescribeVpnGateways).
    pub fn describe_vpn_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
    ) -> Result<Vec<&VpnGateway>> {
        filter::validate(filters, VPN_GATEWAY_FILTERS)?;
        for id in ids {
            self.visible_vpn_gateway(c, id)?;
        }
        Ok(owned_matching(c, &self.vpn_gateways, ids, filters, |g| {
            (&g.owner, &g.region)
        }))
    }

    pub fn describe_customer_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
    ) -> Result<Vec<&CustomerGateway>> {
        filter::validate(filters, CUSTOMER_GATEWAY_FILTERS)?;
        for id in ids {
            self.visible_customer_gateway(c, id)?;
        }
        Ok(owned_matching(
            c,
            &self.customer_gateways,
            ids,
            filters,
            |g| (&g.owner, &g.region),
        ))
    }
}

/// The caller's own objects in its Region, by id (all when none are named), matching every
/// filter, in id order.
fn owned_matching<'a, T: Filterable>(
    c: &Caller,
    all: &'a std::collections::HashMap<String, T>,
    ids: &[String],
    filters: &[Filter],
    place: impl Fn(&T) -> (&AccountId, &Region),
) -> Vec<&'a T> {
    let mut found: Vec<(&String, &T)> = all
        .iter()
        .filter(|(_, x)| place(x) == (&c.account, &c.region))
        .filter(|(id, _)| ids.is_empty() || ids.contains(id))
        .filter(|(_, x)| filter::matches(*x, filters))
        .collect();
    found.sort_by(|a, b| a.0.cmp(b.0));
    found.into_iter().map(|(_, x)| x).collect()
}
