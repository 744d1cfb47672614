//! Internet gateways and egress-only internet gateways.

use super::convert::{dry_run, filters, page, tag_specs, tags_out};
use super::{outcome_id, DESCRIBE_BOUNDS};
use crate::{Ctx, Services};
use cloud::gateways::{EgressOnlyGateway, GatewayCommand, InternetGateway};
use cloud::{Caller, Command};
use wire::ec2 as w;
use wire::ApiError;

/// A participant of a shared VPC sees its internet gateway, but not the owner's tags on it.
fn internet_gateway_out(who: &Caller, g: &InternetGateway) -> w::InternetGateway {
    w::InternetGateway {
        attachments: Some(
            g.vpc_id
                .iter()
                .map(|vpc| w::InternetGatewayAttachment {
                    state: Some("available".into()),
                    vpc_id: Some(vpc.clone()),
                })
                .collect(),
        ),
        internet_gateway_id: Some(g.id.clone()),
        owner_id: Some(g.owner.clone()),
        tags: if g.owner == who.account {
            tags_out(&g.tags)
        } else {
            Some(Vec::new())
        },
    }
}

fn egress_only_gateway_out(g: &EgressOnlyGateway) -> w::EgressOnlyInternetGateway {
    w::EgressOnlyInternetGateway {
        attachments: Some(vec![w::InternetGatewayAttachment {
            state: Some("attached".into()),
            vpc_id: Some(g.vpc_id.clone()),
        }]),
        egress_only_internet_gateway_id: Some(g.id.clone()),
        tags: tags_out(&g.tags),
    }
}

fn command(s: &Services, ctx: &mut Ctx, command: GatewayCommand) -> Result<(), ApiError> {
    s.mutate(ctx, Command::Gateway(command), |_, _| ())
}

pub(super) fn create_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateInternetGatewayRequest,
) -> Result<w::CreateInternetGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "internet-gateway")?;
    let who = ctx.caller();
    s.mutate(
        ctx,
        Command::Gateway(GatewayCommand::CreateInternetGateway { tags }),
        |c, o| w::CreateInternetGatewayResult {
            internet_gateway: Some(internet_gateway_out(
                &who,
                &c.internet_gateways[outcome_id(o)],
            )),
        },
    )
}

pub(super) fn attach_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AttachInternetGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let (gateway_id, vpc_id) = (input.internet_gateway_id, input.vpc_id);
    command(
        s,
        ctx,
        GatewayCommand::AttachInternetGateway { gateway_id, vpc_id },
    )
}

pub(super) fn detach_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DetachInternetGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let (gateway_id, vpc_id) = (input.internet_gateway_id, input.vpc_id);
    command(
        s,
        ctx,
        GatewayCommand::DetachInternetGateway { gateway_id, vpc_id },
    )
}

pub(super) fn delete_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteInternetGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let gateway_id = input.internet_gateway_id;
    command(s, ctx, GatewayCommand::DeleteInternetGateway { gateway_id })
}

pub(super) fn describe_internet_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeInternetGatewaysRequest,
) -> Result<w::DescribeInternetGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.internet_gateway_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (gateways, next) = c.describe_internet_gateways(who, &ids, &filters, &page)?;
        Ok(w::DescribeInternetGatewaysResult {
            internet_gateways: Some(
                gateways
                    .into_iter()
                    .map(|g| internet_gateway_out(who, g))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn create_egress_only_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateEgressOnlyInternetGatewayRequest,
) -> Result<w::CreateEgressOnlyInternetGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "egress-only-internet-gateway")?;
    let vpc_id = input.vpc_id;
    let client_token = input.client_token;
    s.mutate(
        ctx,
        Command::Gateway(GatewayCommand::CreateEgressOnly { vpc_id, tags }),
        |c, o| w::CreateEgressOnlyInternetGatewayResult {
            client_token,
            egress_only_internet_gateway: Some(egress_only_gateway_out(
                &c.egress_only_gateways[outcome_id(o)],
            )),
        },
    )
}

pub(super) fn delete_egress_only_internet_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteEgressOnlyInternetGatewayRequest,
) -> Result<w::DeleteEgressOnlyInternetGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let gateway_id = input.egress_only_internet_gateway_id;
    command(s, ctx, GatewayCommand::DeleteEgressOnly { gateway_id })?;
    Ok(w::DeleteEgressOnlyInternetGatewayResult {
        return_code: Some(true),
    })
}

pub(super) fn describe_egress_only_internet_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeEgressOnlyInternetGatewaysRequest,
) -> Result<w::DescribeEgressOnlyInternetGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (5, 255))?;
    let ids = input.egress_only_internet_gateway_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (gateways, next) = c.describe_egress_only_gateways(who, &ids, &filters, &page)?;
        Ok(w::DescribeEgressOnlyInternetGatewaysResult {
            egress_only_internet_gateways: Some(
                gateways.into_iter().map(egress_only_gateway_out).collect(),
            ),
            next_token: next,
        })
    })
}
