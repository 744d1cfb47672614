//! DHCP options sets: create, associate with a VPC, delete, describe.

use super::*;
use cloud::dhcp::{DhcpCommand, DhcpOptions};

fn dhcp_options_out(d: &DhcpOptions) -> w::DhcpOptions {
    w::DhcpOptions {
        owner_id: owned(&d.owner),
        tags: tags_out(&d.tags),
        dhcp_options_id: owned(&d.id),
        dhcp_configurations: Some(
            d.configuration
                .iter()
                .map(|(key, values)| w::DhcpConfiguration {
                    key: Some(key.clone()),
                    values: Some(
                        values
                            .iter()
                            .map(|v| w::AttributeValue {
                                value: Some(v.clone()),
                            })
                            .collect(),
                    ),
                })
                .collect(),
        ),
    }
}

pub(super) fn create_dhcp_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateDhcpOptionsRequest,
) -> Result<w::CreateDhcpOptionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "dhcp-options")?;
    let configuration = input
        .dhcp_configurations
        .into_iter()
        .map(|c| {
            let key = c
                .key
                .ok_or_else(|| err(cloud::Error::missing("DhcpConfiguration.Key")))?;
            Ok((key, c.values.unwrap_or_default()))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    s.mutate(
        ctx,
        Command::Dhcp(DhcpCommand::Create {
            configuration,
            tags,
        }),
        |c, o| w::CreateDhcpOptionsResult {
            dhcp_options: Some(dhcp_options_out(&c.dhcp_options[outcome_id(o)])),
        },
    )
}

pub(super) fn associate_dhcp_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateDhcpOptionsRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let (dhcp_options_id, vpc_id) = (input.dhcp_options_id, input.vpc_id);
    s.mutate(
        ctx,
        Command::Dhcp(DhcpCommand::Associate {
            dhcp_options_id,
            vpc_id,
        }),
        |_, _| (),
    )
}

pub(super) fn delete_dhcp_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteDhcpOptionsRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let dhcp_options_id = input.dhcp_options_id;
    s.mutate(
        ctx,
        Command::Dhcp(DhcpCommand::Delete { dhcp_options_id }),
        |_, _| (),
    )
}

pub(super) fn describe_dhcp_options(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeDhcpOptionsRequest,
) -> Result<w::DescribeDhcpOptionsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.dhcp_options_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_dhcp_options(who, &ids, &filters, &page)?;
        Ok(w::DescribeDhcpOptionsResult {
            dhcp_options: Some(found.into_iter().map(dhcp_options_out).collect()),
            next_token: next,
        })
    })
}
