//! Subnets: CIDR rules, zones, attributes and private-address allocation.

use crate::error::{Error, Result};
use crate::filter::{Filter, Filterable};
use crate::ipv6::ipv6_filter_values;
use crate::model::*;
use crate::{regions, Caller, Cloud, Ids, Listed, Outcome, Page, Paged, Scope, SubnetAttribute};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::net::Ipv4Addr;

/// What CreateSubnet asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSubnet {
    pub vpc_id: String,
    /// None for an IPv6-only subnet.
    pub cidr: Option<Ipv4Net>,
    pub availability_zone: Option<String>,
    pub availability_zone_id: Option<String>,
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub ipv6_cidr: Option<Ipv6Net>,
}

impl Subnet {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            self.region, self.owner, self.id
        )
    }
}

impl Filterable for Subnet {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "subnet-id" => vec![self.id.clone()],
            "subnet-arn" => vec![self.arn()],
            "vpc-id" => vec![self.vpc_id.clone()],
            "owner-id" => vec![self.owner.clone()],
            "state" => vec!["available".into()],
            "cidr-block" | "cidr" | "cidrBlock" => {
                self.cidr.iter().map(|c| c.to_string()).collect()
            }
            "availability-zone" | "availabilityZone" => vec![self.availability_zone.clone()],
            "availability-zone-id" | "availabilityZoneId" => {
                vec![self.availability_zone_id.clone()]
            }
            "available-ip-address-count" => vec![self.available_ip_count().to_string()],
            "default-for-az" | "defaultForAz" => vec![self.default_for_az.to_string()],
            "map-public-ip-on-launch" => vec![self.map_public_ip_on_launch.to_string()],
            "ipv6-native" => vec![self.ipv6_native().to_string()],
            "enable-dns64" => vec![self.enable_dns64.to_string()],
            _ => return ipv6_filter_values(&self.ipv6, name),
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

impl Listed for Subnet {
    const ID_FILTER: &'static str = "subnet-id";
    fn id(&self) -> &String {
        &self.id
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
    fn all(cloud: &Cloud) -> &HashMap<String, Self> {
        &cloud.subnets
    }
    fn owned_by(scope: &Scope) -> &BTreeSet<Id> {
        &scope.subnets
    }
    fn visible<'a>(cloud: &'a Cloud, c: &Caller, id: &str) -> Result<&'a Self> {
        cloud.visible_subnet(c, id)
    }
    fn seen_by(cloud: &Cloud, c: &Caller, x: &Self) -> bool {
        cloud.sees_subnet(c, x)
    }
    fn values(_: &Cloud, x: &Self, filter: &str) -> Option<Vec<String>> {
        x.filter_values(filter)
    }
}

pub const SUBNET_FILTERS: &[&str] = &[
    "subnet-id",
    "subnet-arn",
    "vpc-id",
    "owner-id",
    "state",
    "cidr-block",
    "cidr",
    "cidrBlock",
    "availability-zone",
    "availabilityZone",
    "availability-zone-id",
    "availabilityZoneId",
    "available-ip-address-count",
    "default-for-az",
    "defaultForAz",
    "map-public-ip-on-launch",
    "ipv6-native",
    "enable-dns64",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
];

impl Cloud {
    pub(crate) fn insert_subnet(&mut self, s: Subnet) {
        self.scope_mut(&s.owner, &s.region)
            .subnets
            .insert(s.id.as_str().into());
        self.subnets.insert(s.id.clone(), s);
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_subnet(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        new: &NewSubnet,
    ) -> Result<Outcome> {
        let (vpc_id, cidr) = (new.vpc_id.as_str(), new.cidr);
        let vpc = self.owned_vpc(c, vpc_id)?;
        let siblings: Vec<&Subnet> = self
            .subnets
            .values()
            .filter(|s| s.vpc_id == vpc_id)
            .collect();
        match cidr {
            Some(cidr) => {
                if !(16..=28).contains(&cidr.prefix_len()) || !vpc.holds_v4(&cidr) {
                    return Err(Error::new(
                        "InvalidSubnet.Range",
                        format!("The CIDR '{cidr}' is invalid."),
                    ));
                }
                let overlaps = |s: &&&Subnet| {
                    s.cidr
                        .is_some_and(|x| x.contains(&cidr) || cidr.contains(&x))
                };
                if siblings.iter().any(|s| overlaps(&s)) {
                    return Err(Error::new(
                        "InvalidSubnet.Conflict",
                        format!("The CIDR '{cidr}' conflicts with another subnet"),
                    ));
                }
            }
            // An IPv6-only subnet needs its IPv6 block.
            None if new.ipv6_cidr.is_none() => {
                return Err(Error::new(
                    "InvalidParameterCombination",
                    "An IPv6-only subnet must be created with an IPv6 CIDR block.",
                ))
            }
            None => {}
        }
        if siblings.len() >= self.limits.subnets_per_vpc {
            return Err(Error::new(
                "SubnetLimitExceeded",
                "The maximum number of subnets has been reached.",
            ));
        }
        if let Some(block) = new.ipv6_cidr {
            self.check_subnet_ipv6(vpc, block)?;
        }
        let (zone, zone_id) = match (
            new.availability_zone.as_deref(),
            new.availability_zone_id.as_deref(),
        ) {
            (None, None) => regions::zones(&c.region)
                .into_iter()
                .next()
                .expect("every Region has zones"),
            (name, id) => regions::zone(&c.region, name, id).ok_or_else(|| {
                Error::invalid_value(format!(
                    "Value ({}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.",
                    name.or(id).unwrap_or_default(),
                    regions::zones(&c.region)
                        .into_iter()
                        .map(|(n, _)| n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        };
        let id = ids.id("subnet");
        let ipv6 = new.ipv6_cidr.map(|cidr| Ipv6Block {
            association_id: ids.id("subnet-cidr-assoc"),
            cidr,
        });
        self.insert_subnet(Subnet {
            id: id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            vpc_id: vpc_id.to_string(),
            cidr,
            availability_zone: zone,
            availability_zone_id: zone_id,
            default_for_az: false,
            map_public_ip_on_launch: false,
            // AWS's settings for an IPv6-only subnet: addresses from its block at launch, DNS64
            // on, names from the resource (an IPv4 name would have no address).
            assign_ipv6_address_on_creation: cidr.is_none(),
            enable_dns64: cidr.is_none(),
            enable_resource_name_dns_a_record: false,
            hostname_type: if cidr.is_none() {
                "resource-name"
            } else {
                "ip-name"
            }
            .into(),
            enable_resource_name_dns_aaaa_record: false,
            used: Default::default(),
            tags: new.tags.to_vec(),
            ipv6,
        });
        Ok(Outcome::Id(id))
    }

    pub(crate) fn delete_subnet(&mut self, c: &Caller, id: &str) -> Result<Outcome> {
        let s = self.owned_subnet(c, id)?;
        if self.interfaces.values().any(|e| e.subnet_id == id) {
            return Err(Error::dependency(format!(
                "The subnet '{id}' has dependencies and cannot be deleted."
            )));
        }
        let (owner, region) = (s.owner.clone(), s.region.clone());
        for t in self.route_tables.values_mut() {
            t.associations.retain(|a| a.subnet_id != id);
        }
        self.forget_subnet_acl(id);
        self.subnets.remove(id);
        self.scope_mut(&owner, &region).subnets.remove(id);
        Ok(Outcome::Done)
    }

    pub(crate) fn modify_subnet_attribute(
        &mut self,
        c: &Caller,
        id: &str,
        attribute: SubnetAttribute,
        value: bool,
    ) -> Result<Outcome> {
        self.owned_subnet(c, id)?;
        let s = self.subnets.get_mut(id).expect("checked above");
        // UNSURE: AWS's wording for what an IPv6-only subnet cannot have is ours.
        let ipv4_only_setting = match attribute {
            SubnetAttribute::MapPublicIpOnLaunch
            | SubnetAttribute::EnableResourceNameDnsARecordOnLaunch => value,
            SubnetAttribute::AssignIpv6AddressOnCreation => !value,
            _ => false,
        };
        if s.ipv6_native() && ipv4_only_setting {
            return Err(Error::invalid_value(format!(
                "Invalid value for subnet {id}: an IPv6-only subnet has no IPv4 addresses to give, and always gives IPv6 addresses at launch."
            )));
        }
        match attribute {
            SubnetAttribute::MapPublicIpOnLaunch => s.map_public_ip_on_launch = value,
            SubnetAttribute::AssignIpv6AddressOnCreation => {
                if value && s.ipv6.is_none() {
                    return Err(Error::invalid_value(format!(
                        "Invalid value for subnet {id}: the subnet has no IPv6 CIDR block."
                    )));
                }
                s.assign_ipv6_address_on_creation = value
            }
            SubnetAttribute::EnableDns64 => s.enable_dns64 = value,
            SubnetAttribute::EnableResourceNameDnsARecordOnLaunch => {
                s.enable_resource_name_dns_a_record = value
            }
            SubnetAttribute::EnableResourceNameDnsAaaaRecordOnLaunch => {
                if value && s.ipv6.is_none() {
                    return Err(Error::invalid_value(format!(
                        "Invalid value for subnet {id}: AAAA records need an IPv6 CIDR block on the subnet."
                    )));
                }
                s.enable_resource_name_dns_aaaa_record = value
            }
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn set_subnet_hostname_type(
        &mut self,
        c: &Caller,
        id: &str,
        hostname_type: &str,
    ) -> Result<Outcome> {
        let native = self.owned_subnet(c, id)?.ipv6_native();
        if native && hostname_type == "ip-name" {
            return Err(Error::invalid_value(format!(
                "Invalid value for subnet {id}: an IPv6-only subnet names its resources by their ids (resource-name)."
            )));
        }
        if !matches!(hostname_type, "ip-name" | "resource-name") {
            return Err(Error::invalid_value(format!(
                "Value ({hostname_type}) for parameter privateDnsHostnameTypeOnLaunch is invalid. Valid values: ip-name, resource-name"
            )));
        }
        self.subnets
            .get_mut(id)
            .expect("checked above")
            .hostname_type = hostname_type.to_string();
        Ok(Outcome::Done)
    }

    /// Pick (or check) a private address in the subnet: the first free one from the fifth
    /// address on, since AWS reserves the first four and the last.
    pub(crate) fn pick_address(&self, s: &Subnet, wanted: Option<Ipv4Addr>) -> Result<Ipv4Addr> {
        // UNSURE: interfaces without an IPv4 address are not modelled; AWS gives them IPv6
        // addresses only.
        let Some(cidr) = s.cidr else {
            return Err(Error::new(
                "InvalidParameterCombination",
                format!(
                    "Subnet {} is IPv6-only: interfaces there, with IPv6 addresses only, are not supported by ramparts.",
                    s.id
                ),
            ));
        };
        let first = u32::from(cidr.network()) + 4;
        let last = u32::from(cidr.broadcast()) - 1;
        if let Some(ip) = wanted {
            let n = u32::from(ip);
            if !cidr.contains(&ip) || n < first || n > last {
                return Err(Error::invalid_value(format!(
                    "Address {ip} does not fall within the subnet's address range"
                )));
            }
            if s.used.contains(&ip) {
                return Err(Error::new(
                    "InvalidIPAddress.InUse",
                    format!("Address {ip} is in use."),
                ));
            }
            return Ok(ip);
        }
        (first..=last)
            .map(Ipv4Addr::from)
            .find(|ip| !s.used.contains(ip))
            .ok_or_else(|| {
                Error::new(
                    "InsufficientFreeAddressesInSubnet",
                    format!("There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.", s.id),
                )
            })
    }

    /// These exact addresses, then `count` more, each checked against `probe` (a scratch copy
    /// of the subnet) and marked used in it, so nothing changes until all are found.
    pub(crate) fn pick_addresses(
        &self,
        probe: &mut Subnet,
        wanted: &[Ipv4Addr],
        count: usize,
    ) -> Result<Vec<Ipv4Addr>> {
        let mut picked = Vec::with_capacity(wanted.len() + count);
        for want in wanted
            .iter()
            .copied()
            .map(Some)
            .chain(std::iter::repeat_n(None, count))
        {
            let ip = self.pick_address(probe, want)?;
            probe.used.insert(ip);
            picked.push(ip);
        }
        Ok(picked)
    }

    pub fn describe_subnets(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&Subnet>> {
        self.describe(c, ids, filters, SUBNET_FILTERS, page)
    }
}
