//! Transit gateway peering: one account's gateway asks to peer with another gateway, in any
//! Region and any account; the accepter's side answers. A peering is one attachment that both
//! ends see, each from its own side, and route over with static routes only.
//!
//! UNSURE: a request naming a gateway that does not exist (in that account and Region) is
//! refused at once; AWS accepts it and lets the attachment fail.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{Millis, Tag};
use crate::tags::validate_tags;
use crate::transit::{AttachmentState, PeerGateway, TgwAttachment, VpcAttachmentOptions};
use crate::visibility::Caller;
use crate::{Cloud, Outcome};

/// AWS's default quotas: peerings per gateway, and pending ones.
pub const PEERINGS_PER_TRANSIT_GATEWAY: usize = 50;
pub const PENDING_PEERINGS_PER_TRANSIT_GATEWAY: usize = 10;

impl Cloud {
    pub(crate) fn peer_transit_gateways(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        tgw_id: &str,
        peer: PeerGateway,
        tags: &[Tag],
    ) -> Result<Outcome> {
        validate_tags(tags)?;
        self.owned_transit_gateway(c, tgw_id)?;
        if !crate::regions::is_known(&peer.region) {
            return Err(Error::invalid_value(format!(
                "Value ({}) for parameter PeerRegion is invalid.",
                peer.region
            )));
        }
        if peer.tgw_id == tgw_id {
            return Err(Error::invalid_value(
                "A transit gateway cannot peer with itself.",
            ));
        }
        let exists = self
            .transit_gateways
            .get(&peer.tgw_id)
            .is_some_and(|g| g.owner == peer.owner && g.region == peer.region);
        if !exists {
            return Err(Error::new(
                "InvalidTransitGatewayID.NotFound",
                format!(
                    "Transit Gateway {} was deleted or does not exist.",
                    peer.tgw_id
                ),
            ));
        }
        let live: Vec<&TgwAttachment> = self
            .tgw_attachments
            .values()
            .filter(|a| a.is_peering() && !a.state.is_final())
            .collect();
        let on = |g: &str| -> Vec<&TgwAttachment> {
            live.iter().copied().filter(|a| a.on_gateway(g)).collect()
        };
        if on(tgw_id).iter().any(|a| a.on_gateway(&peer.tgw_id)) {
            return Err(Error::new(
                "DuplicateTransitGatewayAttachment",
                format!(
                    "{tgw_id} already has a peering attachment with {}.",
                    peer.tgw_id
                ),
            ));
        }
        for g in [tgw_id, peer.tgw_id.as_str()] {
            let (all, pending) = on(g).iter().fold((0, 0), |(n, p), a| {
                (
                    n + 1,
                    p + usize::from(a.state == AttachmentState::PendingAcceptance),
                )
            });
            if all >= PEERINGS_PER_TRANSIT_GATEWAY
                || pending >= PENDING_PEERINGS_PER_TRANSIT_GATEWAY
            {
                return Err(Error::new(
                    "TransitGatewayAttachmentLimitExceeded",
                    format!("{g} has reached its limit of peering attachments."),
                ));
            }
        }
        let id = ids.id("tgw-attach");
        self.tgw_attachments.insert(
            id.clone(),
            TgwAttachment {
                id: id.clone(),
                tgw_id: tgw_id.to_string(),
                tgw_owner: c.account.clone(),
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: String::new(),
                subnets: Vec::new(),
                options: VpcAttachmentOptions::default(),
                state: AttachmentState::PendingAcceptance,
                state_since: at,
                created_at: at,
                tags: tags.to_vec(),
                accepter_tags: Vec::new(),
                peer: Some(peer),
            },
        );
        Ok(Outcome::Id(id))
    }
}
