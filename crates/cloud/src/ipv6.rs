//! IPv6: one Amazon-provided /56 per VPC, /64s of it for subnets, and addresses from a subnet's
//! block for the interfaces in it.
//!
//! Only the VPC's owner associates or ends blocks; participants of a shared subnet see its block
//! through the subnet itself, and their interfaces take addresses from it. Associations are
//! answered as made at once (`associated`).

use crate::error::{Error, Result};
use crate::group::{allow_all, ANY_IPV4, ANY_IPV6};
use crate::model::*;
use crate::{Caller, Cloud, Ids, Ipv6Request, Outcome};
use ipnet::Ipv6Net;
use std::collections::BTreeSet;
use std::net::Ipv6Addr;

/// Most IPv6 addresses one interface may have (as for IPv4, the smallest types allow fewer).
const MAX_IPV6_ADDRESSES: usize = 50;

/// Amazon's blocks come from its own space; the first two groups are the same for every VPC.
const AMAZON_PREFIX: [u16; 2] = [0x2600, 0x1f18];

/// The pool AWS names for the blocks it hands out itself.
pub const AMAZON_POOL: &str = "Amazon";

/// The `ipv6-cidr-block-association.*` filters of VPCs and subnets: a block, if there is one,
/// is associated and Amazon's.
pub(crate) fn ipv6_filter_values(block: &Option<Ipv6Block>, name: &str) -> Option<Vec<String>> {
    let value: fn(&Ipv6Block) -> String = match name {
        "ipv6-cidr-block-association.ipv6-cidr-block" => |b| b.cidr.to_string(),
        "ipv6-cidr-block-association.association-id" => |b| b.association_id.clone(),
        "ipv6-cidr-block-association.state" => |_| "associated".into(),
        "ipv6-cidr-block-association.ipv6-pool" => |_| AMAZON_POOL.into(),
        _ => return None,
    };
    Some(block.iter().map(value).collect())
}

/// The part of an address inside its /64.
fn host_of(a: Ipv6Addr) -> u64 {
    u128::from(a) as u64
}

/// AWS keeps the first four addresses of a subnet's IPv6 block and the last one.
fn reserved(host: u64) -> bool {
    host < 4 || host == u64::MAX
}

fn range_error(cidr: Ipv6Net) -> Error {
    Error::new(
        "InvalidSubnet.Range",
        format!("The IPv6 CIDR '{cidr}' is invalid."),
    )
}

impl Cloud {
    /// A /56 no other VPC holds, from the command's ids (so replay draws the same one).
    pub(crate) fn new_vpc_ipv6_block(&self, ids: &mut Ids) -> Ipv6Block {
        let taken = |cidr: &Ipv6Net| {
            self.vpcs
                .values()
                .any(|v| v.ipv6.as_ref().is_some_and(|b| b.cidr == *cidr))
        };
        let cidr = loop {
            let bits = u32::from_str_radix(&ids.hex(6), 16).expect("hex digits");
            let [_, a, b, c] = bits.to_be_bytes();
            let addr = Ipv6Addr::new(
                AMAZON_PREFIX[0],
                AMAZON_PREFIX[1],
                u16::from_be_bytes([a, b]),
                u16::from(c) << 8,
                0,
                0,
                0,
                0,
            );
            let cidr = Ipv6Net::new_assert(addr, 56);
            if !taken(&cidr) {
                break cidr;
            }
        };
        Ipv6Block {
            association_id: ids.id("vpc-cidr-assoc"),
            cidr,
        }
    }

    /// A subnet's block: a /64 inside its VPC's block, overlapping no other subnet's.
    pub(crate) fn check_subnet_ipv6(&self, vpc: &Vpc, cidr: Ipv6Net) -> Result<()> {
        if cidr.prefix_len() != 64 || cidr.trunc() != cidr {
            return Err(Error::invalid_value(format!(
                "invalid value for parameter ipv6-cidr-block: {cidr}"
            )));
        }
        if !vpc.ipv6.as_ref().is_some_and(|b| b.cidr.contains(&cidr)) {
            return Err(range_error(cidr));
        }
        let overlaps = self
            .subnets
            .values()
            .filter(|s| s.vpc_id == vpc.id)
            .filter_map(|s| s.ipv6.as_ref())
            .any(|b| b.cidr.contains(&cidr) || cidr.contains(&b.cidr));
        if overlaps {
            return Err(Error::new(
                "InvalidSubnet.Conflict",
                format!("The IPv6 CIDR '{cidr}' conflicts with another subnet"),
            ));
        }
        Ok(())
    }

    pub(crate) fn associate_vpc_ipv6(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        vpc_id: &str,
    ) -> Result<Outcome> {
        let vpc = self.owned_vpc(c, vpc_id)?;
        if vpc.ipv6.is_some() {
            return Err(Error::new(
                "CidrLimitExceeded",
                format!("This network '{vpc_id}' has met its maximum number of allowed CIDRs: 1"),
            ));
        }
        let default_group = vpc.default_group_id.clone();
        let block = self.new_vpc_ipv6_block(ids);
        // The default group gains IPv6 egress, unless its egress was changed from the start.
        if let Some(g) = self.groups.get_mut(default_group.as_str()) {
            let untouched = matches!(&g.egress[..], [r] if r.protocol == "-1" && r.peer == Peer::Cidr4(ANY_IPV4));
            if untouched {
                g.egress
                    .push(allow_all(Peer::Cidr6(ANY_IPV6), true, ids.id("sgr")));
                let rule = g.egress.last().expect("just pushed").id.clone();
                self.rule_index.insert(rule, default_group.as_str().into());
            }
        }
        self.vpcs.get_mut(vpc_id).expect("checked above").ipv6 = Some(block.clone());
        Ok(Outcome::Ipv6 {
            resource_id: vpc_id.to_string(),
            association: block,
        })
    }

    pub(crate) fn disassociate_vpc_ipv6(
        &mut self,
        c: &Caller,
        association_id: &str,
    ) -> Result<Outcome> {
        let not_found = || {
            Error::new(
                "InvalidVpcCidrBlockAssociationID.NotFound",
                format!("The vpc CIDR block association ID '{association_id}' does not exist"),
            )
        };
        let vpc = self
            .vpcs
            .values()
            .find(|v| {
                v.ipv6
                    .as_ref()
                    .is_some_and(|b| b.association_id == association_id)
                    || v.cidr_association_id == association_id
            })
            .filter(|v| self.sees_vpc(c, v))
            .ok_or_else(not_found)?;
        let vpc = self.owned_vpc(c, &vpc.id)?;
        let Some(block) = vpc
            .ipv6
            .clone()
            .filter(|b| b.association_id == association_id)
        else {
            return Err(Error::new(
                "OperationNotPermitted",
                format!(
                    "The vpc CIDR block with association ID {association_id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC"
                ),
            ));
        };
        if self
            .subnets
            .values()
            .any(|s| s.vpc_id == vpc.id && s.ipv6.is_some())
        {
            return Err(Error::new(
                "InvalidCidrBlock.InUse",
                format!(
                    "The vpc {} currently has a subnet within CIDR block {}",
                    vpc.id, block.cidr
                ),
            ));
        }
        let vpc_id = vpc.id.clone();
        self.vpcs.get_mut(&vpc_id).expect("found above").ipv6 = None;
        Ok(Outcome::Ipv6 {
            resource_id: vpc_id,
            association: block,
        })
    }

    pub(crate) fn associate_subnet_ipv6(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        subnet_id: &str,
        cidr: Ipv6Net,
    ) -> Result<Outcome> {
        let subnet = self.owned_subnet(c, subnet_id)?;
        if let Some(b) = &subnet.ipv6 {
            return Err(Error::invalid_value(format!(
                "The subnet '{subnet_id}' already has the IPv6 CIDR block {} associated",
                b.cidr
            )));
        }
        self.check_subnet_ipv6(&self.vpcs[&subnet.vpc_id], cidr)?;
        let block = Ipv6Block {
            association_id: ids.id("subnet-cidr-assoc"),
            cidr,
        };
        self.subnets.get_mut(subnet_id).expect("checked above").ipv6 = Some(block.clone());
        Ok(Outcome::Ipv6 {
            resource_id: subnet_id.to_string(),
            association: block,
        })
    }

    pub(crate) fn disassociate_subnet_ipv6(
        &mut self,
        c: &Caller,
        association_id: &str,
    ) -> Result<Outcome> {
        let subnet = self
            .subnets
            .values()
            .find(|s| {
                s.ipv6
                    .as_ref()
                    .is_some_and(|b| b.association_id == association_id)
            })
            .filter(|s| self.sees_subnet(c, s))
            .ok_or_else(|| {
                Error::new(
                    "InvalidSubnetCidrBlockAssociationID.NotFound",
                    format!(
                        "The subnet CIDR block association ID '{association_id}' does not exist"
                    ),
                )
            })?;
        let subnet = self.owned_subnet(c, &subnet.id)?;
        if subnet.ipv6_native() {
            return Err(Error::new(
                "InvalidParameterValue",
                format!(
                    "The IPv6 CIDR block of IPv6-only subnet {} cannot be disassociated.",
                    subnet.id
                ),
            ));
        }
        if self
            .interfaces
            .values()
            .any(|e| e.subnet_id == subnet.id && !e.ipv6_addresses.is_empty())
        {
            return Err(Error::new(
                "InvalidCidrBlock.InUse",
                format!(
                    "The subnet IPv6 CIDR block with association ID {association_id} may not be disassociated, because network interfaces in the subnet still have IPv6 addresses from it."
                ),
            ));
        }
        if subnet.assign_ipv6_address_on_creation {
            return Err(Error::new(
                "InvalidCidrBlock.InUse",
                format!(
                    "The subnet IPv6 CIDR block with association ID {association_id} may not be disassociated, because its subnet has assign-ipv6-address-on-creation set to true."
                ),
            ));
        }
        let subnet_id = subnet.id.clone();
        let block = self
            .subnets
            .get_mut(&subnet_id)
            .and_then(|s| s.ipv6.take())
            .expect("found above");
        Ok(Outcome::Ipv6 {
            resource_id: subnet_id,
            association: block,
        })
    }

    /// Addresses for an interface in `subnet`: the ones asked for, then as many more as the
    /// request (or, without a count, the subnet) wants, drawn from the subnet's block. `have`
    /// are the interface's own addresses already.
    pub(crate) fn pick_ipv6(
        &self,
        ids: &mut Ids,
        subnet: &Subnet,
        request: &Ipv6Request,
        have: &[Ipv6Addr],
    ) -> Result<Vec<Ipv6Addr>> {
        let count = request.count.unwrap_or(usize::from(
            have.is_empty()
                && request.addresses.is_empty()
                && subnet.assign_ipv6_address_on_creation,
        ));
        if request.addresses.is_empty() && count == 0 {
            return Ok(vec![]);
        }
        let Some(block) = &subnet.ipv6 else {
            return Err(Error::invalid_value(format!(
                "The subnet '{}' has no IPv6 CIDR block to take addresses from.",
                subnet.id
            )));
        };
        if have.len() + request.addresses.len() + count > MAX_IPV6_ADDRESSES {
            return Err(Error::invalid_value(format!(
                "Number of IPv6 addresses exceeds the limit of {MAX_IPV6_ADDRESSES} for a network interface."
            )));
        }
        let mut taken: BTreeSet<Ipv6Addr> = self
            .interfaces
            .values()
            .filter(|e| e.subnet_id == subnet.id)
            .flat_map(|e| e.ipv6_addresses.iter().copied())
            .collect();
        let mut out = Vec::new();
        for &a in &request.addresses {
            if !block.cidr.contains(&a) || reserved(host_of(a)) {
                return Err(Error::invalid_value(format!(
                    "Address {a} does not fall within the subnet's IPv6 address range {}.",
                    block.cidr
                )));
            }
            if !taken.insert(a) {
                return Err(Error::new(
                    "InvalidIPAddress.InUse",
                    format!("Address {a} is in use."),
                ));
            }
            out.push(a);
        }
        while out.len() < request.addresses.len() + count {
            let host = u64::from_str_radix(&ids.hex(16), 16).expect("hex digits");
            let a = Ipv6Addr::from(u128::from(block.cidr.network()) | u128::from(host));
            if !reserved(host) && taken.insert(a) {
                out.push(a);
            }
        }
        Ok(out)
    }

    pub(crate) fn assign_ipv6(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        interface_id: &str,
        request: &Ipv6Request,
    ) -> Result<Outcome> {
        let eni = self.owned_interface(c, interface_id)?;
        if request.addresses.is_empty() && request.count.unwrap_or(0) == 0 {
            return Err(Error::missing("Ipv6Addresses or Ipv6AddressCount"));
        }
        let subnet = &self.subnets[&eni.subnet_id];
        let added = self.pick_ipv6(ids, subnet, request, &eni.ipv6_addresses)?;
        self.interfaces
            .get_mut(interface_id)
            .expect("checked above")
            .ipv6_addresses
            .extend(added.iter().copied());
        Ok(Outcome::Ipv6Addresses(added))
    }

    pub(crate) fn unassign_ipv6(
        &mut self,
        c: &Caller,
        interface_id: &str,
        addresses: &[Ipv6Addr],
    ) -> Result<Outcome> {
        let eni = self.owned_interface(c, interface_id)?;
        if let Some(a) = addresses.iter().find(|a| !eni.ipv6_addresses.contains(a)) {
            return Err(Error::invalid_value(format!(
                "The IPv6 address {a} is not assigned to network interface {interface_id}."
            )));
        }
        self.interfaces
            .get_mut(interface_id)
            .expect("checked above")
            .ipv6_addresses
            .retain(|a| !addresses.contains(a));
        Ok(Outcome::Ipv6Addresses(addresses.to_vec()))
    }
}
