//! VPC peering connections (spec §2.9): requested by the owner of one VPC, accepted or
//! rejected by the owner of the other, possibly in another account or Region. An active,
//! same-Region peering lets rules of one VPC reference groups of the other.
//!
//! Ended connections (deleted, rejected, failed, expired) stay listable, as in AWS, and no
//! longer count as the one connection a pair of VPCs may have.

use crate::error::{Error, Result};
use crate::filter::{self, Filter};
use crate::model::*;
use crate::{Caller, Cloud, Ids, Outcome, Page, Paged};
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A request not accepted within a week expires.
const EXPIRY: Millis = 7 * 24 * 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PeeringState {
    PendingAcceptance,
    Active,
    Rejected,
    Deleted,
    Failed,
}

/// One side of a peering connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeeringSide {
    pub owner: AccountId,
    pub vpc_id: String,
    pub region: Region,
    /// The VPC's range when it exists.
    pub cidr: Option<Ipv4Net>,
    /// Whether this side's VPC resolves the other side's private DNS names.
    #[serde(default)]
    pub allow_remote_dns: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcPeering {
    pub id: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
    pub state: PeeringState,
    /// Who made the last change (accepted, rejected, deleted), for the status message.
    pub changed_by: AccountId,
    pub created_at: Millis,
    /// Tags are each account's own: neither side sees the other's.
    pub tags: BTreeMap<AccountId, Vec<Tag>>,
}

impl VpcPeering {
    /// The status code at `now` (a pending request expires on its own).
    pub fn status_at(&self, now: Millis) -> &'static str {
        match self.state {
            PeeringState::PendingAcceptance if now >= self.expires_at() => "expired",
            PeeringState::PendingAcceptance => "pending-acceptance",
            PeeringState::Active => "active",
            PeeringState::Rejected => "rejected",
            PeeringState::Deleted => "deleted",
            PeeringState::Failed => "failed",
        }
    }

    pub fn message_at(&self, now: Millis) -> String {
        match self.status_at(now) {
            "pending-acceptance" => format!("Pending Acceptance by {}", self.accepter.owner),
            "active" => "Active".into(),
            "rejected" => format!("Rejected by {}", self.changed_by),
            "deleted" => format!("Deleted by {}", self.changed_by),
            "failed" => {
                "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range".into()
            }
            _ => "Expired".into(),
        }
    }

    pub fn expires_at(&self) -> Millis {
        self.created_at + EXPIRY
    }

    fn live_at(&self, now: Millis) -> bool {
        matches!(self.status_at(now), "pending-acceptance" | "active")
    }

    fn links(&self, a: &str, b: &str) -> bool {
        (self.requester.vpc_id == a && self.accepter.vpc_id == b)
            || (self.requester.vpc_id == b && self.accepter.vpc_id == a)
    }

    /// The side the caller stands on, if any.
    fn side_of(&self, c: &Caller) -> Option<&PeeringSide> {
        [&self.requester, &self.accepter]
            .into_iter()
            .find(|s| s.owner == c.account && s.region == c.region)
    }

    pub fn tags_of(&self, account: &str) -> &[Tag] {
        self.tags.get(account).map_or(&[], Vec::as_slice)
    }
}

/// What a CreateVpcPeeringConnection asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeeringRequest {
    pub vpc_id: String,
    pub peer_vpc_id: String,
    pub peer_owner: Option<String>,
    pub peer_region: Option<String>,
    pub tags: Vec<Tag>,
}

pub const PEERING_FILTERS: &[&str] = &[
    "accepter-vpc-info.cidr-block",
    "accepter-vpc-info.owner-id",
    "accepter-vpc-info.vpc-id",
    "expiration-time",
    "requester-vpc-info.cidr-block",
    "requester-vpc-info.owner-id",
    "requester-vpc-info.vpc-id",
    "status-code",
    "status-message",
    "vpc-peering-connection-id",
];

pub fn peering_not_found(id: &str) -> Error {
    Error::new(
        "InvalidVpcPeeringConnectionID.NotFound",
        format!("The vpcPeeringConnection ID '{id}' does not exist"),
    )
}

fn side_values(side: &PeeringSide, what: &str) -> Option<String> {
    Some(match what {
        "cidr-block" => side.cidr?.to_string(),
        "owner-id" => side.owner.clone(),
        "vpc-id" => side.vpc_id.clone(),
        _ => return None,
    })
}

impl Cloud {
    pub fn sees_peering(&self, c: &Caller, p: &VpcPeering) -> bool {
        p.side_of(c).is_some()
    }

    pub fn visible_peering(&self, c: &Caller, id: &str) -> Result<&VpcPeering> {
        if !id.starts_with("pcx-") {
            return Err(Error::malformed(
                "InvalidVpcPeeringConnectionId.Malformed",
                id,
                "pcx",
            ));
        }
        self.peerings
            .get(id)
            .filter(|p| self.sees_peering(c, p))
            .ok_or_else(|| peering_not_found(id))
    }

    /// The active peering between two VPCs of one Region, if there is one. (Only pending
    /// requests depend on the time; an active connection stays active until deleted.)
    pub fn active_peering(&self, a: &str, b: &str) -> Option<&VpcPeering> {
        self.peerings.values().find(|p| {
            p.links(a, b)
                && p.state == PeeringState::Active
                && p.requester.region == p.accepter.region
        })
    }

    pub(crate) fn create_peering(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        request: &PeeringRequest,
    ) -> Result<Outcome> {
        let PeeringRequest {
            vpc_id,
            peer_vpc_id,
            peer_owner,
            peer_region,
            tags,
        } = request;
        let vpc = self.owned_vpc(c, vpc_id)?;
        if !peer_vpc_id.starts_with("vpc-") {
            return Err(Error::malformed(
                "InvalidVpcID.Malformed",
                peer_vpc_id,
                "vpc",
            ));
        }
        let peer_owner = peer_owner.clone().unwrap_or_else(|| c.account.clone());
        let peer_region = peer_region.clone().unwrap_or_else(|| c.region.clone());
        if !crate::regions::is_known(&peer_region) {
            return Err(Error::invalid_value(format!(
                "The value '{peer_region}' for parameter PeerRegion is invalid."
            )));
        }
        if peer_vpc_id == vpc_id {
            return Err(Error::invalid_value("A VPC cannot be peered with itself."));
        }
        let exists = self
            .peerings
            .values()
            .any(|p| p.live_at(at) && p.links(vpc_id, peer_vpc_id));
        if exists {
            return Err(Error::new(
                "VpcPeeringConnectionAlreadyExists",
                format!(
                    "A VPC peering connection between {vpc_id} and {peer_vpc_id} already exists."
                ),
            ));
        }
        // A peer that is not there, or ranges that overlap, make a failed connection rather
        // than an error: the requester cannot know the other account's VPCs.
        let peer = self
            .vpcs
            .get(peer_vpc_id)
            .filter(|v| v.owner == peer_owner && v.region == peer_region);
        let overlaps = peer.is_some_and(|p| {
            p.cidr.contains(&vpc.cidr.network()) || vpc.cidr.contains(&p.cidr.network())
        });
        let state = if peer.is_none() || overlaps {
            PeeringState::Failed
        } else {
            PeeringState::PendingAcceptance
        };
        let id = ids.id("pcx");
        let peering = VpcPeering {
            id: id.clone(),
            requester: PeeringSide {
                owner: c.account.clone(),
                vpc_id: vpc.id.clone(),
                region: c.region.clone(),
                cidr: Some(vpc.cidr),
                allow_remote_dns: false,
            },
            accepter: PeeringSide {
                owner: peer_owner,
                vpc_id: peer_vpc_id.to_string(),
                region: peer_region,
                cidr: peer.map(|p| p.cidr),
                allow_remote_dns: false,
            },
            state,
            changed_by: c.account.clone(),
            created_at: at,
            tags: if tags.is_empty() {
                BTreeMap::new()
            } else {
                BTreeMap::from([(c.account.clone(), tags.to_vec())])
            },
        };
        self.peerings.insert(id.clone(), peering);
        Ok(Outcome::Id(id))
    }

    fn invalid_transition(p: &VpcPeering, at: Millis, to: &str) -> Error {
        Error::new(
            "InvalidStateTransition",
            format!(
                "Invalid state transition for pcx {}, attempted to transition from {} to {to}",
                p.id,
                p.status_at(at)
            ),
        )
    }

    /// Accept or reject: only the accepter's owner, in the accepter's Region, while pending.
    /// A deleted VPC takes its connections with it.
    pub(crate) fn end_peerings_of(&mut self, vpc_id: &str, by: &str) {
        for p in self.peerings.values_mut() {
            let live = matches!(
                p.state,
                PeeringState::PendingAcceptance | PeeringState::Active
            );
            if live && (p.requester.vpc_id == vpc_id || p.accepter.vpc_id == vpc_id) {
                p.state = PeeringState::Deleted;
                p.changed_by = by.to_string();
            }
        }
    }

    pub(crate) fn answer_peering(
        &mut self,
        c: &Caller,
        at: Millis,
        id: &str,
        accept: bool,
    ) -> Result<Outcome> {
        let p = self.visible_peering(c, id)?;
        if p.accepter.owner != c.account || p.accepter.region != c.region {
            return Err(Error::new(
                "OperationNotPermitted",
                format!(
                    "User {} cannot {} peering {id}",
                    c.account,
                    if accept { "accept" } else { "reject" }
                ),
            ));
        }
        if p.status_at(at) != "pending-acceptance" {
            return Err(Self::invalid_transition(
                p,
                at,
                if accept { "active" } else { "rejected" },
            ));
        }
        let p = self.peerings.get_mut(id).expect("checked above");
        p.state = if accept {
            PeeringState::Active
        } else {
            PeeringState::Rejected
        };
        p.changed_by = c.account.clone();
        Ok(Outcome::Id(id.to_string()))
    }

    /// Peering options of an active peering: each side sets its own.
    pub(crate) fn modify_peering_options(
        &mut self,
        c: &Caller,
        at: Millis,
        id: &str,
        requester_dns: Option<bool>,
        accepter_dns: Option<bool>,
    ) -> Result<Outcome> {
        let p = self.visible_peering(c, id)?;
        if p.status_at(at) != "active" {
            return Err(Error::new(
                "InvalidStateTransition",
                format!("Peering {id} is not active; its options cannot be modified."),
            ));
        }
        let not_yours = |side: &str| {
            Error::new(
                "OperationNotPermitted",
                format!(
                    "User {} cannot modify the {side} peering options of {id}.",
                    c.account
                ),
            )
        };
        if requester_dns.is_some() && p.requester.owner != c.account {
            return Err(not_yours("requester"));
        }
        if accepter_dns.is_some() && p.accepter.owner != c.account {
            return Err(not_yours("accepter"));
        }
        let p = self.peerings.get_mut(id).expect("checked above");
        if let Some(v) = requester_dns {
            p.requester.allow_remote_dns = v;
        }
        if let Some(v) = accepter_dns {
            p.accepter.allow_remote_dns = v;
        }
        Ok(Outcome::Id(id.to_string()))
    }

    /// Delete: either side, while pending (the requester) or active (both).
    pub(crate) fn delete_peering(&mut self, c: &Caller, at: Millis, id: &str) -> Result<Outcome> {
        let p = self.visible_peering(c, id)?;
        let status = p.status_at(at);
        let allowed = status == "active"
            || (status == "pending-acceptance" && p.requester.owner == c.account);
        if !allowed {
            return Err(Self::invalid_transition(p, at, "deleted"));
        }
        let p = self.peerings.get_mut(id).expect("checked above");
        p.state = PeeringState::Deleted;
        p.changed_by = c.account.clone();
        Ok(Outcome::Id(id.to_string()))
    }

    pub fn describe_peerings(
        &self,
        c: &Caller,
        now: Millis,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&VpcPeering>> {
        filter::validate(filters, PEERING_FILTERS)?;
        let mut found: Vec<&VpcPeering> = if ids.is_empty() {
            self.peerings
                .values()
                .filter(|p| self.sees_peering(c, p))
                .collect()
        } else {
            ids.iter()
                .map(|id| self.visible_peering(c, id))
                .collect::<Result<_>>()?
        };
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found.dedup_by(|a, b| a.id == b.id);
        let found = found.into_iter().filter(|p| {
            filter::matches_with(p.tags_of(&c.account), filters, |name| {
                if let Some(what) = name.strip_prefix("accepter-vpc-info.") {
                    return Some(side_values(&p.accepter, what).into_iter().collect());
                }
                if let Some(what) = name.strip_prefix("requester-vpc-info.") {
                    return Some(side_values(&p.requester, what).into_iter().collect());
                }
                Some(vec![match name {
                    "status-code" => p.status_at(now).to_string(),
                    "status-message" => p.message_at(now),
                    "vpc-peering-connection-id" => p.id.clone(),
                    "expiration-time" => p.expires_at().to_string(),
                    _ => return None,
                }])
            })
        });
        page.apply(found, |p| &p.id)
    }
}

/// A rule whose referenced group is no longer reachable, with where that group was.
pub struct StaleRule<'a> {
    pub rule: &'a Rule,
    /// The referenced group's VPC, when known.
    pub vpc_id: Option<String>,
    pub peering_status: Option<&'static str>,
}

/// A group that references another VPC's group, across a peering, as EC2 reports it.
pub struct GroupReference {
    pub group_id: String,
    pub referencing_vpc_id: String,
    pub vpc_peering_connection_id: String,
}

impl Cloud {
    /// The rules of a group that reference a group no longer usable from its VPC: deleted,
    /// behind a peering that is no longer active, or no longer VPC-associated.
    pub fn stale_rules<'a>(&'a self, g: &'a SecurityGroup, now: Millis) -> Vec<StaleRule<'a>> {
        g.rules()
            .filter_map(|r| {
                let GroupPeer {
                    group_id,
                    vpc_peering_connection_id,
                    ..
                } = r.peer.group_peer()?;
                let target = self.groups.get(group_id);
                match vpc_peering_connection_id {
                    Some(pcx) => {
                        let peering = self.peerings.get(pcx.as_str());
                        let other = peering.map(|p| {
                            if p.requester.vpc_id == g.vpc_id {
                                p.accepter.vpc_id.clone()
                            } else {
                                p.requester.vpc_id.clone()
                            }
                        });
                        let live = target
                            .is_some_and(|t| self.active_peering(&g.vpc_id, &t.vpc_id).is_some());
                        (!live).then(|| StaleRule {
                            rule: r,
                            vpc_id: other,
                            peering_status: peering.map(|p| p.status_at(now)),
                        })
                    }
                    None => {
                        let live = target.is_some_and(|t| self.group_usable_in(t, &g.vpc_id));
                        (!live).then(|| StaleRule {
                            rule: r,
                            vpc_id: target.map(|t| t.vpc_id.to_string()),
                            peering_status: None,
                        })
                    }
                }
            })
            .collect()
    }

    /// DescribeStaleSecurityGroups: the caller's groups in a VPC it sees that have stale rules.
    pub fn stale_groups(
        &self,
        c: &Caller,
        vpc_id: &str,
        now: Millis,
        page: &Page,
    ) -> Result<Paged<(&SecurityGroup, Vec<StaleRule<'_>>)>> {
        self.visible_vpc(c, vpc_id)?;
        let own = self
            .scope(&c.account, &c.region)
            .into_iter()
            .flat_map(|s| &s.groups)
            .filter_map(|id| self.groups.get(id.as_str()))
            .map(Box::as_ref)
            .filter(|g| g.vpc_id == vpc_id);
        let stale: Vec<(&SecurityGroup, Vec<StaleRule>)> = own
            .map(|g| (g, self.stale_rules(g, now)))
            .filter(|(_, rules)| !rules.is_empty())
            .collect();
        page.apply_owned(stale, |(g, _)| &g.id)
    }

    /// DescribeSecurityGroupReferences: for each of the caller's groups, the peered VPCs whose
    /// rules reference it across an active peering.
    pub fn group_references(&self, c: &Caller, ids: &[String]) -> Result<Vec<GroupReference>> {
        let mut out = Vec::new();
        for id in ids {
            let g = self.owned_group(c, id)?;
            let mut seen = std::collections::BTreeSet::new();
            for other in self.groups.values().filter(|o| o.vpc_id != g.vpc_id) {
                for r in other.rules() {
                    if let Some(GroupPeer {
                        group_id,
                        vpc_peering_connection_id: Some(_),
                        ..
                    }) = r.peer.group_peer()
                    {
                        if *group_id != g.id {
                            continue;
                        }
                        if let Some(p) = self.active_peering(&g.vpc_id, &other.vpc_id) {
                            if seen.insert(other.vpc_id.clone()) {
                                out.push(GroupReference {
                                    group_id: g.id.to_string(),
                                    referencing_vpc_id: other.vpc_id.to_string(),
                                    vpc_peering_connection_id: p.id.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}
