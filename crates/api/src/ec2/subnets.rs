//! Subnets and their IPv6 blocks.

use super::*;

pub(super) fn associate_subnet_cidr_block(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateSubnetCidrBlockRequest,
) -> Result<w::AssociateSubnetCidrBlockResult, ApiError> {
    if input.ipv6_ipam_pool_id.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "AssociateSubnetCidrBlock from IPAM",
        ));
    }
    let cidr = input
        .ipv6_cidr_block
        .as_deref()
        .ok_or_else(|| err(cloud::Error::missing("Ipv6CidrBlock")))
        .and_then(ipv6_cidr)?;
    let command = Command::AssociateSubnetIpv6 {
        subnet_id: input.subnet_id,
        cidr,
    };
    s.mutate(ctx, command, |_, o| {
        let made = ipv6_outcome(o);
        w::AssociateSubnetCidrBlockResult {
            subnet_id: made.map(|(subnet, _)| subnet.to_string()),
            ipv6_cidr_block_association: made.map(|(_, b)| subnet_ipv6_out(b, "associating")),
        }
    })
}

pub(super) fn disassociate_subnet_cidr_block(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateSubnetCidrBlockRequest,
) -> Result<w::DisassociateSubnetCidrBlockResult, ApiError> {
    let command = Command::DisassociateSubnetIpv6 {
        association_id: input.association_id,
    };
    s.mutate(ctx, command, |_, o| {
        let ended = ipv6_outcome(o);
        w::DisassociateSubnetCidrBlockResult {
            subnet_id: ended.map(|(subnet, _)| subnet.to_string()),
            ipv6_cidr_block_association: ended.map(|(_, b)| subnet_ipv6_out(b, "disassociating")),
        }
    })
}

// ------------------------------------------------------------------------- subnets

pub(super) fn create_subnet(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateSubnetRequest,
) -> Result<w::CreateSubnetResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.ipv6_ipam_pool_id.is_some() || input.ipv4_ipam_pool_id.is_some() {
        return Err(ApiError::not_implemented("ec2", "CreateSubnet from IPAM"));
    }
    let ipv6_cidr = input
        .ipv6_cidr_block
        .as_deref()
        .map(ipv6_cidr)
        .transpose()?;
    let native = input.ipv6_native == Some(true);
    let cidr = match (input.cidr_block, native) {
        (Some(_), true) => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "An IPv6-only subnet cannot have an IPv4 CIDR block.",
            )))
        }
        (None, true) => None,
        (None, false) => return Err(err(cloud::Error::missing("CidrBlock"))),
        (Some(cidr), false) => {
            let net = cidr.parse::<ipnet::Ipv4Net>().map_err(|_| {
                invalid(format!(
                    "Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
                ))
            })?;
            // AWS keeps the network address of a CIDR given with host bits set.
            Some(net.trunc())
        }
    };
    let command = Command::CreateSubnet(cloud::NewSubnet {
        vpc_id: input.vpc_id,
        cidr,
        availability_zone: input.availability_zone,
        availability_zone_id: input.availability_zone_id,
        tags: tag_specs(input.tag_specifications, "subnet")?,
        ipv6_cidr,
    });
    s.mutate(ctx, command, |c, o| w::CreateSubnetResult {
        subnet: Some(subnet_out(c, &c.subnets[outcome_id(o)])),
    })
}

pub(super) fn describe_subnets(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeSubnetsRequest,
) -> Result<w::DescribeSubnetsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.subnet_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (subnets, next) = c.describe_subnets(who, &ids, &filters, &page)?;
        Ok(w::DescribeSubnetsResult {
            subnets: Some(subnets.into_iter().map(|s| subnet_for(c, who, s)).collect()),
            next_token: next,
        })
    })
}

pub(super) fn delete_subnet(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteSubnetRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    s.mutate(
        ctx,
        Command::DeleteSubnet {
            subnet_id: input.subnet_id,
        },
        |_, _| (),
    )
}

pub(super) fn modify_subnet_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifySubnetAttributeRequest,
) -> Result<(), ApiError> {
    // Customer-owned addresses and LNIs exist only on Outposts, which ramparts has none of.
    if input.map_customer_owned_ip_on_launch.is_some() || input.customer_owned_ipv4_pool.is_some() {
        return Err(invalid(format!(
            "Subnet {} is not in an Outpost; customer-owned IP addresses apply only to Outpost subnets.",
            input.subnet_id
        )));
    }
    if input.enable_lni_at_device_index.is_some() || input.disable_lni_at_device_index.is_some() {
        return Err(invalid(format!(
            "Subnet {} is not in an Outpost; local network interfaces apply only to Outpost subnets.",
            input.subnet_id
        )));
    }
    let changes = [
        (
            SubnetAttribute::MapPublicIpOnLaunch,
            bool_attr(input.map_public_ip_on_launch),
        ),
        (
            SubnetAttribute::AssignIpv6AddressOnCreation,
            bool_attr(input.assign_ipv6_address_on_creation),
        ),
        (SubnetAttribute::EnableDns64, bool_attr(input.enable_dns64)),
        (
            SubnetAttribute::EnableResourceNameDnsARecordOnLaunch,
            bool_attr(input.enable_resource_name_dns_a_record_on_launch),
        ),
        (
            SubnetAttribute::EnableResourceNameDnsAaaaRecordOnLaunch,
            bool_attr(input.enable_resource_name_dns_aaaa_record_on_launch),
        ),
    ];
    let set: Vec<(SubnetAttribute, bool)> = changes
        .into_iter()
        .filter_map(|(a, v)| v.map(|v| (a, v)))
        .collect();
    let named = set.len() + usize::from(input.private_dns_hostname_type_on_launch.is_some());
    if named > 1 {
        return Err(err(cloud::Error::new(
            "InvalidParameterCombination",
            "Only one attribute can be modified at a time.",
        )));
    }
    if let Some(hostname_type) = input.private_dns_hostname_type_on_launch {
        let command = Command::SetSubnetHostnameType {
            subnet_id: input.subnet_id.clone(),
            hostname_type,
        };
        s.mutate(ctx, command, |_, _| ())?;
    } else if set.is_empty() {
        return Err(err(cloud::Error::missing("MapPublicIpOnLaunch")));
    }
    for (attribute, value) in set {
        let command = Command::ModifySubnetAttribute {
            subnet_id: input.subnet_id.clone(),
            attribute,
            value,
        };
        s.mutate(ctx, command, |_, _| ())?;
    }
    Ok(())
}

// ------------------------------------------------------------------------- groups
