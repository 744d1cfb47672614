//! VPC peering connections.

use super::*;

pub(super) fn create_vpc_peering_connection(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateVpcPeeringConnectionRequest,
) -> Result<w::CreateVpcPeeringConnectionResult, ApiError> {
    dry_run(input.dry_run)?;
    let peer_vpc_id = input
        .peer_vpc_id
        .ok_or_else(|| err(cloud::Error::missing("PeerVpcId")))?;
    let command = Command::CreateVpcPeeringConnection(cloud::PeeringRequest {
        vpc_id: input.vpc_id,
        peer_vpc_id,
        peer_owner: input.peer_owner_id,
        peer_region: input.peer_region,
        tags: tag_specs(input.tag_specifications, "vpc-peering-connection")?,
    });
    let who = ctx.caller();
    let now = s.engine.time();
    s.mutate(ctx, command, |c, o| w::CreateVpcPeeringConnectionResult {
        vpc_peering_connection: Some(peering_out(&who, &c.peerings[outcome_id(o)], now)),
    })
}

pub(super) fn accept_vpc_peering_connection(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AcceptVpcPeeringConnectionRequest,
) -> Result<w::AcceptVpcPeeringConnectionResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::AnswerVpcPeeringConnection {
        peering_id: input.vpc_peering_connection_id,
        accept: true,
    };
    let who = ctx.caller();
    let now = s.engine.time();
    s.mutate(ctx, command, |c, o| w::AcceptVpcPeeringConnectionResult {
        vpc_peering_connection: Some(peering_out(&who, &c.peerings[outcome_id(o)], now)),
    })
}

pub(super) fn reject_vpc_peering_connection(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RejectVpcPeeringConnectionRequest,
) -> Result<w::RejectVpcPeeringConnectionResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::AnswerVpcPeeringConnection {
        peering_id: input.vpc_peering_connection_id,
        accept: false,
    };
    s.mutate(ctx, command, |_, _| w::RejectVpcPeeringConnectionResult {
        r#return: Some(true),
    })
}

pub(super) fn delete_vpc_peering_connection(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteVpcPeeringConnectionRequest,
) -> Result<w::DeleteVpcPeeringConnectionResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::DeleteVpcPeeringConnection {
        peering_id: input.vpc_peering_connection_id,
    };
    s.mutate(ctx, command, |_, _| w::DeleteVpcPeeringConnectionResult {
        r#return: Some(true),
    })
}

pub(super) fn describe_vpc_peering_connections(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcPeeringConnectionsRequest,
) -> Result<w::DescribeVpcPeeringConnectionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.vpc_peering_connection_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_peerings(who, now, &ids, &filters, &page)?;
        Ok(w::DescribeVpcPeeringConnectionsResult {
            vpc_peering_connections: Some(
                found
                    .into_iter()
                    .map(|p| peering_out(who, p, now))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

/// Only the DNS option is live: the ClassicLink ones went with EC2-Classic.
fn dns_option(o: Option<w::PeeringConnectionOptionsRequest>) -> Result<Option<bool>, ApiError> {
    let Some(o) = o else { return Ok(None) };
    if o.allow_egress_from_local_classic_link_to_remote_vpc == Some(true)
        || o.allow_egress_from_local_vpc_to_remote_classic_link == Some(true)
    {
        return Err(err(cloud::Error::new(
            "OperationNotPermitted",
            "ClassicLink is no longer available; its peering options cannot be enabled.",
        )));
    }
    Ok(o.allow_dns_resolution_from_remote_vpc)
}

pub(super) fn modify_vpc_peering_connection_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyVpcPeeringConnectionOptionsRequest,
) -> Result<w::ModifyVpcPeeringConnectionOptionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let requester_dns = dns_option(input.requester_peering_connection_options)?;
    let accepter_dns = dns_option(input.accepter_peering_connection_options)?;
    let peering_id = input.vpc_peering_connection_id;
    let command = Command::ModifyPeeringOptions {
        peering_id: peering_id.clone(),
        requester_dns,
        accepter_dns,
    };
    s.mutate(ctx, command, |c, _| {
        let p = &c.peerings[&peering_id];
        let out = |changed: Option<bool>, dns: bool| {
            changed.map(|_| w::PeeringConnectionOptions {
                allow_dns_resolution_from_remote_vpc: Some(dns),
                allow_egress_from_local_classic_link_to_remote_vpc: Some(false),
                allow_egress_from_local_vpc_to_remote_classic_link: Some(false),
            })
        };
        w::ModifyVpcPeeringConnectionOptionsResult {
            accepter_peering_connection_options: out(accepter_dns, p.accepter.allow_remote_dns),
            requester_peering_connection_options: out(requester_dns, p.requester.allow_remote_dns),
        }
    })
}
