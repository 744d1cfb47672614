//! Secondary IPv4 blocks of a VPC: up to four more beside the primary, each /16 to /28, none
//! overlapping another, and within what AWS allows beside the primary's range. Subnets may use
//! any block; a block in use by a subnet cannot be removed, nor can the primary. Each block has
//! its local route in every table of the VPC (computed, like all local routes).

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::Vpc;
use crate::visibility::Caller;
use crate::{Cloud, Outcome};
use ipnet::{IpNet, Ipv4Net};
use serde::{Deserialize, Serialize};

/// AWS's default quota: IPv4 blocks per VPC, the primary included.
pub const IPV4_BLOCKS_PER_VPC: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrAssociation {
    pub association_id: String,
    pub cidr: Ipv4Net,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CidrCommand {
    Associate { vpc_id: String, cidr: Ipv4Net },
    Disassociate { association_id: String },
}

fn net(s: &str) -> Ipv4Net {
    s.parse().expect("constant CIDR")
}

/// The private ranges whose mixing AWS restricts.
fn restricted_ranges() -> [Ipv4Net; 4] {
    [
        net("10.0.0.0/8"),
        net("172.16.0.0/12"),
        net("192.168.0.0/16"),
        net("198.19.0.0/16"),
    ]
}

/// Ranges no VPC block may touch.
fn reserved_ranges() -> [Ipv4Net; 5] {
    [
        net("0.0.0.0/8"),
        net("127.0.0.0/8"),
        net("169.254.0.0/16"),
        net("224.0.0.0/4"),
        net("240.0.0.0/4"),
    ]
}

fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether AWS allows `added` beside a VPC whose primary block is `primary`: a block may not
/// come from another of the restricted private ranges than the primary's (with 172.31.0.0/16
/// kept for default VPCs beside a 172.16.0.0/12 primary).
pub fn allowed_beside(primary: &Ipv4Net, added: &Ipv4Net) -> std::result::Result<(), Ipv4Net> {
    if let Some(r) = reserved_ranges().into_iter().find(|r| overlaps(r, added)) {
        return Err(r);
    }
    let home = restricted_ranges()
        .into_iter()
        .find(|r| r.contains(&primary.network()));
    for range in restricted_ranges() {
        if Some(range) != home && overlaps(&range, added) {
            return Err(range);
        }
    }
    if home == Some(net("172.16.0.0/12")) && overlaps(&net("172.31.0.0/16"), added) {
        return Err(net("172.31.0.0/16"));
    }
    Ok(())
}

impl Vpc {
    /// Its IPv4 blocks, the primary first.
    pub fn ipv4_blocks(&self) -> impl Iterator<Item = &Ipv4Net> {
        std::iter::once(&self.cidr).chain(self.secondary_cidrs.iter().map(|b| &b.cidr))
    }

    /// Whether one of its IPv4 blocks holds `cidr` whole.
    pub fn holds_v4(&self, cidr: &Ipv4Net) -> bool {
        self.ipv4_blocks().any(|b| b.contains(cidr))
    }
}

impl Cloud {
    pub(crate) fn cidr_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &CidrCommand,
    ) -> Result<Outcome> {
        match command {
            CidrCommand::Associate { vpc_id, cidr } => {
                let vpc = self.owned_vpc(c, vpc_id)?;
                if !(16..=28).contains(&cidr.prefix_len()) {
                    return Err(Error::new(
                        "InvalidVpc.Range",
                        format!("The CIDR '{cidr}' is invalid."),
                    ));
                }
                if let Some(existing) = vpc.ipv4_blocks().find(|b| overlaps(b, cidr)) {
                    return Err(Error::new(
                        "InvalidVpc.Range",
                        format!("The CIDR '{cidr}' conflicts with the CIDR block {existing} of {vpc_id}."),
                    ));
                }
                if let Err(range) = allowed_beside(&vpc.cidr, cidr) {
                    return Err(Error::new(
                        "InvalidVpc.Range",
                        format!("The CIDR '{cidr}' is restricted: it may not be added to a VPC whose primary CIDR block is {} ({range}).", vpc.cidr),
                    ));
                }
                if vpc.ipv4_blocks().count() >= IPV4_BLOCKS_PER_VPC {
                    return Err(Error::new(
                        "CidrLimitExceeded",
                        format!("This network '{vpc_id}' has met its maximum number of allowed CIDRs: {IPV4_BLOCKS_PER_VPC}"),
                    ));
                }
                // A route more specific than the new block would be shadowed by its local route.
                let shadowed = self
                    .route_tables
                    .values()
                    .filter(|t| t.vpc_id == *vpc_id)
                    .flat_map(|t| &t.routes)
                    .find(
                        |r| matches!(r.destination.cidr(), Some(IpNet::V4(d)) if cidr.contains(&d)),
                    );
                if let Some(r) = shadowed {
                    return Err(Error::new(
                        "InvalidVpc.Range",
                        format!(
                            "The CIDR '{cidr}' contains the destination {} of an existing route.",
                            r.destination
                        ),
                    ));
                }
                let association_id = ids.id("vpc-cidr-assoc");
                self.vpcs
                    .get_mut(vpc_id)
                    .expect("seen")
                    .secondary_cidrs
                    .push(CidrAssociation {
                        association_id: association_id.clone(),
                        cidr: *cidr,
                    });
                Ok(Outcome::Ipv4 {
                    vpc_id: vpc_id.clone(),
                    association_id,
                    cidr: *cidr,
                })
            }
            CidrCommand::Disassociate { association_id } => {
                let vpc = self
                    .vpcs
                    .values()
                    .filter(|v| self.sees_vpc(c, v))
                    .find(|v| {
                        v.cidr_association_id == *association_id
                            || v.secondary_cidrs
                                .iter()
                                .any(|b| b.association_id == *association_id)
                    })
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidVpcCidrBlockAssociationID.NotFound",
                            format!("The vpc CIDR block association ID '{association_id}' does not exist"),
                        )
                    })?;
                let vpc = self.owned_vpc(c, &vpc.id)?;
                if vpc.cidr_association_id == *association_id {
                    return Err(Error::new(
                        "OperationNotPermitted",
                        format!("The vpc CIDR block with association ID {association_id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC."),
                    ));
                }
                let block = vpc
                    .secondary_cidrs
                    .iter()
                    .find(|b| b.association_id == *association_id)
                    .expect("found above")
                    .cidr;
                let in_use = self
                    .subnets
                    .values()
                    .any(|s| s.vpc_id == vpc.id && s.cidr.is_some_and(|c| block.contains(&c)));
                if in_use {
                    return Err(Error::new(
                        "InvalidCidrBlock.InUse",
                        format!(
                            "The vpc {} currently has a subnet within CIDR block {block}",
                            vpc.id
                        ),
                    ));
                }
                let vpc_id = vpc.id.clone();
                self.vpcs
                    .get_mut(&vpc_id)
                    .expect("seen")
                    .secondary_cidrs
                    .retain(|b| b.association_id != *association_id);
                Ok(Outcome::Ipv4 {
                    vpc_id,
                    association_id: association_id.clone(),
                    cidr: block,
                })
            }
        }
    }
}
