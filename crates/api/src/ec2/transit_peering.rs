//! Transit gateway peering attachments: requested by one gateway's owner, answered by the
//! other's, described from either end.

use super::*;
use cloud::transit::{enable, AttachmentKind, TgwAttachment, TransitCommand};
use wire::DateTime;

fn peering_out(a: &TgwAttachment, state: &str) -> w::TransitGatewayPeeringAttachment {
    let peer = a.peer.as_ref().expect("a peering attachment");
    let info = |tgw: &str, owner: &str, region: &str| {
        Some(w::PeeringTgwInfo {
            transit_gateway_id: owned(tgw),
            core_network_id: None,
            owner_id: owned(owner),
            region: owned(region),
        })
    };
    // UNSURE: the status message's wording for each state is ours.
    let message = match state {
        "pendingAcceptance" => format!("Pending Acceptance by {}", peer.owner),
        "available" => "Available".to_string(),
        other => {
            let mut m = other.to_string();
            m[..1].make_ascii_uppercase();
            m
        }
    };
    w::TransitGatewayPeeringAttachment {
        transit_gateway_attachment_id: owned(&a.id),
        accepter_transit_gateway_attachment_id: None,
        requester_tgw_info: info(&a.tgw_id, &a.tgw_owner, &a.region),
        accepter_tgw_info: info(&peer.tgw_id, &peer.owner, &peer.region),
        // UNSURE: the options are answered only when the request set them (Terraform plans
        // a replacement otherwise).
        options: peer
            .dynamic_routing
            .map(|on| w::TransitGatewayPeeringAttachmentOptions {
                dynamic_routing: owned(enable(on)),
            }),
        status: Some(w::PeeringAttachmentStatus {
            code: owned(state),
            message: Some(message),
        }),
        state: owned(state),
        creation_time: Some(DateTime(a.created_at)),
        tags: None,
    }
}

/// The attachment as the caller sees it: with its own side's tags.
fn peering_seen(
    who: &Caller,
    a: &TgwAttachment,
    state: &str,
) -> w::TransitGatewayPeeringAttachment {
    w::TransitGatewayPeeringAttachment {
        tags: tags_out(a.tags_of(&who.account)),
        ..peering_out(a, state)
    }
}

pub(super) fn create_transit_gateway_peering_attachment(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTransitGatewayPeeringAttachmentRequest,
) -> Result<w::CreateTransitGatewayPeeringAttachmentResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "transit-gateway-attachment")?;
    let dynamic_routing = input.options.and_then(|o| o.dynamic_routing);
    match dynamic_routing.as_deref() {
        None | Some("disable") => {}
        // UNSURE: AWS offers dynamic routing on peerings with Cloud WAN only.
        Some("enable") => {
            return Err(invalid(
                "Dynamic routing is not supported on transit gateway peering attachments.",
            ))
        }
        Some(other) => {
            return Err(invalid(format!(
                "Value ({other}) for parameter DynamicRouting is invalid. Valid values: enable, disable."
            )))
        }
    }
    let who = ctx.caller();
    let command = TransitCommand::Peer {
        tgw_id: input.transit_gateway_id,
        peer_tgw_id: input.peer_transit_gateway_id,
        peer_account: input.peer_account_id,
        peer_region: input.peer_region,
        dynamic_routing: dynamic_routing.map(|_| false),
        tags,
    };
    s.mutate(ctx, Command::Transit(command), |c, o| {
        let a = &c.tgw_attachments[outcome_id(o)];
        w::CreateTransitGatewayPeeringAttachmentResult {
            transit_gateway_peering_attachment: Some(peering_seen(&who, a, "initiatingRequest")),
        }
    })
}

macro_rules! peering_change {
    ($name:ident, $request:ident, $result:ident, $make:expr, $state:expr) => {
        pub(super) fn $name(
            s: &Services,
            ctx: &mut Ctx,
            input: w::$request,
        ) -> Result<w::$result, ApiError> {
            dry_run(input.dry_run)?;
            let who = ctx.caller();
            let attachment_id = input.transit_gateway_attachment_id;
            s.mutate(ctx, Command::Transit($make(attachment_id)), |c, o| {
                let a = &c.tgw_attachments[outcome_id(o)];
                w::$result {
                    transit_gateway_peering_attachment: Some(peering_seen(&who, a, $state)),
                }
            })
        }
    };
}

peering_change!(
    accept_transit_gateway_peering_attachment,
    AcceptTransitGatewayPeeringAttachmentRequest,
    AcceptTransitGatewayPeeringAttachmentResult,
    |attachment_id| TransitCommand::Answer {
        attachment_id,
        accept: true,
        peering: true,
    },
    "pending"
);
peering_change!(
    reject_transit_gateway_peering_attachment,
    RejectTransitGatewayPeeringAttachmentRequest,
    RejectTransitGatewayPeeringAttachmentResult,
    |attachment_id| TransitCommand::Answer {
        attachment_id,
        accept: false,
        peering: true,
    },
    "rejecting"
);
peering_change!(
    delete_transit_gateway_peering_attachment,
    DeleteTransitGatewayPeeringAttachmentRequest,
    DeleteTransitGatewayPeeringAttachmentResult,
    |attachment_id| TransitCommand::DeleteAttachment {
        attachment_id,
        peering: true,
    },
    "deleting"
);

pub(super) fn describe_transit_gateway_peering_attachments(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTransitGatewayPeeringAttachmentsRequest,
) -> Result<w::DescribeTransitGatewayPeeringAttachmentsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.transit_gateway_attachment_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (found, next) =
            c.describe_attachments(who, &ids, &filters, &page, now, AttachmentKind::Peering)?;
        Ok(w::DescribeTransitGatewayPeeringAttachmentsResult {
            transit_gateway_peering_attachments: Some(
                found
                    .into_iter()
                    .map(|a| peering_seen(who, a, a.state.as_str()))
                    .collect(),
            ),
            next_token: next,
        })
    })
}
