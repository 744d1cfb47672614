//! VPC Block Public Access: the account's Regional options and its exclusions.

use super::*;
use cloud::block_public_access::{BpaCommand, BpaExclusion};
use wire::DateTime;

fn options_out(c: &Cloud, who: &Caller, state: Option<&str>) -> w::VpcBlockPublicAccessOptions {
    let set = c.bpa_options_of(who);
    w::VpcBlockPublicAccessOptions {
        aws_account_id: owned(&who.account),
        aws_region: owned(&who.region),
        state: owned(state.unwrap_or(if set.is_some() {
            "update-complete"
        } else {
            "default-state"
        })),
        internet_gateway_block_mode: owned(c.bpa_mode(&who.account, &who.region)),
        reason: None,
        last_update_timestamp: set.map(|o| DateTime(o.updated_at)),
        managed_by: owned("account"),
        exclusions_allowed: owned("allowed"),
    }
}

fn exclusion_out(e: &BpaExclusion, state: Option<&str>) -> w::VpcBlockPublicAccessExclusion {
    w::VpcBlockPublicAccessExclusion {
        exclusion_id: owned(&e.id),
        internet_gateway_exclusion_mode: owned(&e.mode),
        resource_arn: Some(e.resource_arn()),
        state: owned(state.unwrap_or(e.state())),
        reason: None,
        creation_timestamp: Some(DateTime(e.created_at)),
        last_update_timestamp: Some(DateTime(e.updated_at)),
        deletion_timestamp: e.deleted_at.map(DateTime),
        tags: tags_out(&e.tags),
    }
}

pub(super) fn modify_vpc_block_public_access_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyVpcBlockPublicAccessOptionsRequest,
) -> Result<w::ModifyVpcBlockPublicAccessOptionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let mode = input.internet_gateway_block_mode;
    let who = ctx.caller();
    s.mutate(
        ctx,
        Command::BlockPublicAccess(BpaCommand::SetMode { mode }),
        |c, _| w::ModifyVpcBlockPublicAccessOptionsResult {
            vpc_block_public_access_options: Some(options_out(c, &who, Some("update-in-progress"))),
        },
    )
}

pub(super) fn describe_vpc_block_public_access_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcBlockPublicAccessOptionsRequest,
) -> Result<w::DescribeVpcBlockPublicAccessOptionsResult, ApiError> {
    dry_run(input.dry_run)?;
    s.query(ctx, |c, who| {
        Ok(w::DescribeVpcBlockPublicAccessOptionsResult {
            vpc_block_public_access_options: Some(options_out(c, who, None)),
        })
    })
}

pub(super) fn create_vpc_block_public_access_exclusion(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateVpcBlockPublicAccessExclusionRequest,
) -> Result<w::CreateVpcBlockPublicAccessExclusionResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(
        input.tag_specifications,
        "vpc-block-public-access-exclusion",
    )?;
    let resource_id = match (input.subnet_id, input.vpc_id) {
        (Some(id), None) | (None, Some(id)) => id,
        _ => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "Specify exactly one of SubnetId and VpcId.",
            )))
        }
    };
    let command = BpaCommand::CreateExclusion {
        resource_id,
        mode: input.internet_gateway_exclusion_mode,
        tags,
    };
    s.mutate(ctx, Command::BlockPublicAccess(command), |c, o| {
        w::CreateVpcBlockPublicAccessExclusionResult {
            vpc_block_public_access_exclusion: Some(exclusion_out(
                &c.bpa_exclusions[outcome_id(o)],
                Some("create-in-progress"),
            )),
        }
    })
}

pub(super) fn modify_vpc_block_public_access_exclusion(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyVpcBlockPublicAccessExclusionRequest,
) -> Result<w::ModifyVpcBlockPublicAccessExclusionResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = BpaCommand::ModifyExclusion {
        exclusion_id: input.exclusion_id,
        mode: input.internet_gateway_exclusion_mode,
    };
    s.mutate(ctx, Command::BlockPublicAccess(command), |c, o| {
        w::ModifyVpcBlockPublicAccessExclusionResult {
            vpc_block_public_access_exclusion: Some(exclusion_out(
                &c.bpa_exclusions[outcome_id(o)],
                Some("update-in-progress"),
            )),
        }
    })
}

pub(super) fn delete_vpc_block_public_access_exclusion(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteVpcBlockPublicAccessExclusionRequest,
) -> Result<w::DeleteVpcBlockPublicAccessExclusionResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = BpaCommand::DeleteExclusion {
        exclusion_id: input.exclusion_id,
    };
    s.mutate(ctx, Command::BlockPublicAccess(command), |c, o| {
        w::DeleteVpcBlockPublicAccessExclusionResult {
            vpc_block_public_access_exclusion: Some(exclusion_out(
                &c.bpa_exclusions[outcome_id(o)],
                Some("delete-in-progress"),
            )),
        }
    })
}

pub(super) fn describe_vpc_block_public_access_exclusions(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcBlockPublicAccessExclusionsRequest,
) -> Result<w::DescribeVpcBlockPublicAccessExclusionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.exclusion_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_bpa_exclusions(who, &ids, &filters, &page, now)?;
        Ok(w::DescribeVpcBlockPublicAccessExclusionsResult {
            vpc_block_public_access_exclusions: Some(
                found.into_iter().map(|e| exclusion_out(e, None)).collect(),
            ),
            next_token: next,
        })
    })
}
