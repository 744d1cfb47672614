//! VPCs, their attributes and CIDR blocks, and the route tables and network ACLs they come with.

use super::*;
use cloud::cidr_blocks::CidrCommand;

pub(super) fn create_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateVpcRequest,
) -> Result<w::CreateVpcResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.ipv6_cidr_block.is_some()
        || input.ipv6_pool.is_some()
        || input.ipv6_ipam_pool_id.is_some()
    {
        return Err(ApiError::not_implemented(
            "ec2",
            "CreateVpc with an IPv6 block of your own or from IPAM",
        ));
    }
    let amazon_ipv6 = input.amazon_provided_ipv6_cidr_block == Some(true);
    if amazon_ipv6 {
        border_group(ctx, input.ipv6_cidr_block_network_border_group.as_deref())?;
    }
    let cidr = input
        .cidr_block
        .ok_or_else(|| err(cloud::Error::missing("CidrBlock")))?;
    let cidr = cloud::rules::cidr4(&cidr).map_err(|_| {
        invalid(format!(
            "Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    let tags = tag_specs(input.tag_specifications, "vpc")?;
    let command = Command::CreateVpc {
        cidr,
        instance_tenancy: input.instance_tenancy,
        tags,
        amazon_ipv6,
    };
    s.mutate(ctx, command, |c, o| {
        let v = &c.vpcs[outcome_id(o)];
        let mut out = vpc_out(c, v);
        // As AWS answers it: the block is still being associated.
        out.ipv6_cidr_block_association_set = v
            .ipv6
            .as_ref()
            .map(|b| vec![vpc_ipv6_out(v, b, "associating")]);
        w::CreateVpcResult { vpc: Some(out) }
    })
}

pub(super) fn create_default_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateDefaultVpcRequest,
) -> Result<w::CreateDefaultVpcResult, ApiError> {
    dry_run(input.dry_run)?;
    s.mutate(ctx, Command::CreateDefaultVpc, |c, o| {
        w::CreateDefaultVpcResult {
            vpc: Some(vpc_out(c, &c.vpcs[outcome_id(o)])),
        }
    })
}

pub(super) fn describe_vpcs(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcsRequest,
) -> Result<w::DescribeVpcsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.vpc_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (vpcs, next) = c.describe_vpcs(who, &ids, &filters, &page)?;
        Ok(w::DescribeVpcsResult {
            vpcs: Some(vpcs.into_iter().map(|v| vpc_for(c, who, v)).collect()),
            next_token: next,
        })
    })
}

pub(super) fn delete_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteVpcRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    s.mutate(
        ctx,
        Command::DeleteVpc {
            vpc_id: input.vpc_id,
        },
        |_, _| (),
    )
}

pub(super) fn describe_vpc_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcAttributeRequest,
) -> Result<w::DescribeVpcAttributeResult, ApiError> {
    dry_run(input.dry_run)?;
    s.query(ctx, |c, who| {
        let v = c.visible_vpc(who, &input.vpc_id)?;
        let value = |b: bool| Some(w::AttributeBooleanValue { value: Some(b) });
        let mut out = w::DescribeVpcAttributeResult {
            vpc_id: Some(v.id.clone()),
            ..Default::default()
        };
        match input.attribute.as_str() {
            "enableDnsSupport" => out.enable_dns_support = value(v.enable_dns_support),
            "enableDnsHostnames" => out.enable_dns_hostnames = value(v.enable_dns_hostnames),
            "enableNetworkAddressUsageMetrics" => {
                out.enable_network_address_usage_metrics =
                    value(v.enable_network_address_usage_metrics)
            }
            other => {
                return Err(cloud::Error::invalid_value(format!(
                    "Value ({other}) for parameter attribute is invalid. Unknown attribute."
                )))
            }
        }
        Ok(out)
    })
}

pub(super) fn modify_vpc_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyVpcAttributeRequest,
) -> Result<(), ApiError> {
    let changes = [
        (
            VpcAttribute::EnableDnsSupport,
            bool_attr(input.enable_dns_support),
        ),
        (
            VpcAttribute::EnableDnsHostnames,
            bool_attr(input.enable_dns_hostnames),
        ),
        (
            VpcAttribute::EnableNetworkAddressUsageMetrics,
            bool_attr(input.enable_network_address_usage_metrics),
        ),
    ];
    let set: Vec<(VpcAttribute, bool)> = changes
        .into_iter()
        .filter_map(|(a, v)| v.map(|v| (a, v)))
        .collect();
    let [(attribute, value)] = set[..] else {
        return Err(invalid(
            "Exactly one attribute must be specified: enableDnsSupport, enableDnsHostnames or enableNetworkAddressUsageMetrics.",
        ));
    };
    let command = Command::ModifyVpcAttribute {
        vpc_id: input.vpc_id,
        attribute,
        value,
    };
    s.mutate(ctx, command, |_, _| ())
}

// ------------------------------------------------------------------------- CIDR blocks

pub(super) fn associate_vpc_cidr_block(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateVpcCidrBlockRequest,
) -> Result<w::AssociateVpcCidrBlockResult, ApiError> {
    if let Some(block) = &input.cidr_block {
        if input.amazon_provided_ipv6_cidr_block == Some(true) {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "An IPv4 CIDR block and an Amazon-provided IPv6 CIDR block cannot be requested together.",
            )));
        }
        let cidr = cloud::rules::cidr4(block).map_err(|_| {
            invalid(format!(
                "Value ({block}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
            ))
        })?;
        let command = Command::Cidr(CidrCommand::Associate {
            vpc_id: input.vpc_id,
            cidr,
        });
        return s.mutate(ctx, command, |_, o| ipv4_association_out(o, "associating"));
    }
    if input.amazon_provided_ipv6_cidr_block != Some(true) {
        return Err(ApiError::not_implemented(
            "ec2",
            "AssociateVpcCidrBlock from IPAM pools or BYOIP IPv6 pools",
        ));
    }
    border_group(ctx, input.ipv6_cidr_block_network_border_group.as_deref())?;
    let command = Command::AssociateVpcIpv6 {
        vpc_id: input.vpc_id,
    };
    s.mutate(ctx, command, |c, o| {
        let made = ipv6_outcome(o);
        w::AssociateVpcCidrBlockResult {
            vpc_id: made.map(|(vpc, _)| vpc.to_string()),
            ipv6_cidr_block_association: made
                .map(|(vpc, b)| vpc_ipv6_out(&c.vpcs[vpc], b, "associating")),
            cidr_block_association: None,
        }
    })
}

fn ipv4_association_out(o: &Outcome, state: &str) -> w::AssociateVpcCidrBlockResult {
    match o {
        Outcome::Ipv4 {
            vpc_id,
            association_id,
            cidr,
        } => w::AssociateVpcCidrBlockResult {
            vpc_id: Some(vpc_id.clone()),
            cidr_block_association: Some(w::VpcCidrBlockAssociation {
                association_id: Some(association_id.clone()),
                cidr_block: Some(cidr.to_string()),
                cidr_block_state: Some(w::VpcCidrBlockState {
                    state: owned(state),
                    status_message: None,
                }),
            }),
            ipv6_cidr_block_association: None,
        },
        _ => w::AssociateVpcCidrBlockResult::default(),
    }
}

pub(super) fn disassociate_vpc_cidr_block(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateVpcCidrBlockRequest,
) -> Result<w::DisassociateVpcCidrBlockResult, ApiError> {
    let association_id = input.association_id;
    let ipv4 = s.query(ctx, |c, who| {
        Ok(c.vpcs.values().any(|v| {
            v.region == who.region
                && (v.cidr_association_id == association_id
                    || v.secondary_cidrs
                        .iter()
                        .any(|b| b.association_id == association_id))
        }))
    })?;
    if ipv4 {
        let command = Command::Cidr(CidrCommand::Disassociate { association_id });
        return s.mutate(ctx, command, |_, o| {
            let out = ipv4_association_out(o, "disassociating");
            w::DisassociateVpcCidrBlockResult {
                vpc_id: out.vpc_id,
                cidr_block_association: out.cidr_block_association,
                ipv6_cidr_block_association: None,
            }
        });
    }
    let command = Command::DisassociateVpcIpv6 { association_id };
    s.mutate(ctx, command, |c, o| {
        let ended = ipv6_outcome(o);
        w::DisassociateVpcCidrBlockResult {
            vpc_id: ended.map(|(vpc, _)| vpc.to_string()),
            ipv6_cidr_block_association: ended
                .map(|(vpc, b)| vpc_ipv6_out(&c.vpcs[vpc], b, "disassociating")),
            cidr_block_association: None,
        }
    })
}

pub(super) fn describe_route_tables(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeRouteTablesRequest,
) -> Result<w::DescribeRouteTablesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (5, 100))?;
    let ids = input.route_table_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (tables, next) = c.describe_route_tables(who, &ids, &filters, &page)?;
        Ok(w::DescribeRouteTablesResult {
            route_tables: Some(tables.into_iter().map(|r| route_table_out(c, r)).collect()),
            next_token: next,
        })
    })
}
