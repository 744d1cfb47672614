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
