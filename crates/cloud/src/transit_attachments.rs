//! Transit gateway attachments: a VPC's (an interface in one subnet per zone) or a peering
//! between two gateways, with their states, options and the side each account sees.

use crate::model::{AccountId, Millis, Region, Tag};
use crate::transit::ATTACHMENT_LINGER_MS;
use crate::visibility::Caller;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentState {
    PendingAcceptance,
    Available,
    Rejected,
    Deleted,
}

impl AttachmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentState::PendingAcceptance => "pendingAcceptance",
            AttachmentState::Available => "available",
            AttachmentState::Rejected => "rejected",
            AttachmentState::Deleted => "deleted",
        }
    }

    pub(crate) fn is_final(self) -> bool {
        matches!(self, AttachmentState::Rejected | AttachmentState::Deleted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcAttachmentOptions {
    pub dns_support: bool,
    pub security_group_referencing_support: bool,
    pub ipv6_support: bool,
    pub appliance_mode_support: bool,
}

impl Default for VpcAttachmentOptions {
    fn default() -> Self {
        VpcAttachmentOptions {
            dns_support: true,
            security_group_referencing_support: true,
            ipv6_support: false,
            appliance_mode_support: false,
        }
    }
}

/// Options a request sets; `None` keeps the current (or default) value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcAttachmentOptionChange {
    pub dns_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub ipv6_support: Option<bool>,
    pub appliance_mode_support: Option<bool>,
}

impl VpcAttachmentOptions {
    pub(crate) fn apply(&mut self, c: &VpcAttachmentOptionChange) {
        let set = |v: &mut bool, x: Option<bool>| {
            if let Some(x) = x {
                *v = x;
            }
        };
        set(&mut self.dns_support, c.dns_support);
        set(
            &mut self.security_group_referencing_support,
            c.security_group_referencing_support,
        );
        set(&mut self.ipv6_support, c.ipv6_support);
        set(&mut self.appliance_mode_support, c.appliance_mode_support);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentSubnet {
    pub subnet_id: String,
    pub interface_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwAttachment {
    pub id: String,
    pub tgw_id: String,
    pub tgw_owner: AccountId,
    /// The account that made the attachment (the VPC's owner).
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    pub subnets: Vec<AttachmentSubnet>,
    pub options: VpcAttachmentOptions,
    pub state: AttachmentState,
    pub state_since: Millis,
    pub created_at: Millis,
    /// The maker's tags; the gateway's owner, when another account, keeps its own.
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub accepter_tags: Vec<Tag>,
    /// For a peering attachment, the accepter's gateway (`vpc_id` and `subnets` are then
    /// empty); `None` for a VPC attachment.
    #[serde(default)]
    pub peer: Option<PeerGateway>,
}

/// The gateway at the far end of a peering attachment, in its Region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerGateway {
    pub tgw_id: String,
    pub owner: AccountId,
    pub region: Region,
    /// The request's `DynamicRouting` option, when it named one (only `disable` is taken).
    #[serde(default)]
    pub dynamic_routing: Option<bool>,
}

/// Which attachments a describe lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Vpc,
    Peering,
    Any,
}

impl TgwAttachment {
    /// The tags an account sees on the attachment: its own side's.
    pub fn tags_of(&self, account: &str) -> &[Tag] {
        if account == self.owner {
            &self.tags
        } else {
            &self.accepter_tags
        }
    }

    pub fn is_available(&self) -> bool {
        self.state == AttachmentState::Available
    }

    pub fn is_peering(&self) -> bool {
        self.peer.is_some()
    }

    /// Whether the attachment connects this gateway (a peering connects two).
    pub fn on_gateway(&self, tgw_id: &str) -> bool {
        self.tgw_id == tgw_id || self.peer.as_ref().is_some_and(|p| p.tgw_id == tgw_id)
    }

    /// Whether the caller is the accepter's side of a peering attachment (for a requester and
    /// accepter in one account and Region, the requester's side wins).
    fn seen_from_accepter(&self, c: &Caller) -> bool {
        self.peer.as_ref().is_some_and(|p| {
            c.account == p.owner
                && c.region == p.region
                && !(c.account == self.owner && c.region == self.region)
        })
    }

    /// The gateway on the caller's side: its id and owner.
    pub fn local_gateway(&self, c: &Caller) -> (&str, &str) {
        match &self.peer {
            Some(p) if self.seen_from_accepter(c) => (&p.tgw_id, &p.owner),
            _ => (&self.tgw_id, &self.tgw_owner),
        }
    }

    /// What the attachment leads to from the caller's side: its type, id and owner (a VPC,
    /// or the gateway at the other end of a peering).
    pub fn resource(&self, c: &Caller) -> (&'static str, &str, &str) {
        self.resource_from(self.local_gateway(c).0)
    }

    /// What the attachment leads to from one of its gateways.
    pub fn resource_from(&self, tgw_id: &str) -> (&'static str, &str, &str) {
        match &self.peer {
            None => ("vpc", &self.vpc_id, &self.owner),
            Some(p) if p.tgw_id == tgw_id => ("peering", &self.tgw_id, &self.tgw_owner),
            Some(p) => ("peering", &p.tgw_id, &p.owner),
        }
    }

    /// Whether the caller answers this attachment: the gateway's owner for a VPC attachment,
    /// the accepter's side for a peering.
    pub(crate) fn answered_by(&self, c: &Caller) -> bool {
        match &self.peer {
            None => c.account == self.tgw_owner,
            Some(p) => c.account == p.owner && c.region == p.region,
        }
    }

    /// Whether it is still described at `now`.
    pub fn described_at(&self, now: Millis) -> bool {
        !self.state.is_final() || now < self.state_since + ATTACHMENT_LINGER_MS
    }
}
