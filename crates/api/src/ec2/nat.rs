//! NAT gateways: create (public or private), delete, describe.

use super::*;
use cloud::nat::{NatCommand, NatGateway, NewNatGateway};
use wire::DateTime;

/// A gateway as AWS shows it in `state`; its addresses while it has them.
fn nat_gateway_out(c: &Cloud, g: &NatGateway, state: &str) -> w::NatGateway {
    let interface = g.interface_id.clone();
    let addresses = g
        .private_ips
        .iter()
        .enumerate()
        .map(|(i, ip)| {
            let allocation = g.allocation_at(i);
            let public_ip = allocation
                .and_then(|a| c.addresses.get(&a.allocation_id))
                .map(|a| a.public_ip.to_string());
            w::NatGatewayAddress {
                allocation_id: allocation.map(|a| a.allocation_id.clone()),
                association_id: allocation.and_then(|a| {
                    g.deleted_at
                        .is_none()
                        .then(|| a.association_id.clone())
                        .flatten()
                }),
                network_interface_id: interface.clone(),
                private_ip: Some(ip.to_string()),
                public_ip,
                is_primary: Some(i == 0),
                status: owned("succeeded"),
                ..Default::default()
            }
        })
        .collect::<Vec<_>>();
    // A public gateway that failed still lists the allocation it was given.
    let addresses = if addresses.is_empty() {
        g.allocations
            .iter()
            .map(|a| w::NatGatewayAddress {
                allocation_id: owned(&a.allocation_id),
                ..Default::default()
            })
            .collect()
    } else {
        addresses
    };
    w::NatGateway {
        create_time: Some(DateTime(g.created_at)),
        delete_time: g.deleted_at.map(DateTime),
        failure_code: g.failure.as_ref().map(|(code, _)| code.clone()),
        failure_message: g.failure.as_ref().map(|(_, m)| m.clone()),
        nat_gateway_addresses: Some(addresses),
        nat_gateway_id: owned(&g.id),
        state: owned(state),
        subnet_id: owned(&g.subnet_id),
        vpc_id: owned(&g.vpc_id),
        tags: tags_out(&g.tags),
        connectivity_type: owned(if g.public { "public" } else { "private" }),
        availability_mode: owned("zonal"),
        ..Default::default()
    }
}

pub(super) fn create_nat_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateNatGatewayRequest,
) -> Result<w::CreateNatGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "natgateway")?;
    if input.availability_mode.as_deref() == Some("regional")
        || input.availability_zone_addresses.is_some()
        || input.vpc_id.is_some()
    {
        return Err(ApiError::not_implemented("ec2", "regional NAT gateways"));
    }
    let public = match input.connectivity_type.as_deref() {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            return Err(invalid(format!(
                "Value ({other}) for parameter connectivityType is invalid. Valid values are public and private."
            )))
        }
    };
    let subnet_id = input
        .subnet_id
        .ok_or_else(|| err(cloud::Error::missing("SubnetId")))?;
    let new = NewNatGateway {
        subnet_id,
        public,
        allocation_id: input.allocation_id,
        secondary_allocation_ids: input.secondary_allocation_ids.unwrap_or_default(),
        private_ip: input.private_ip_address.as_deref().map(ipv4).transpose()?,
        secondary_private_ips: private_ips(input.secondary_private_ip_addresses)?,
        secondary_private_ip_count: count_param(
            input.secondary_private_ip_address_count,
            "secondaryPrivateIpAddressCount",
        )?
        .unwrap_or(0),
        client_token: input.client_token.clone(),
        tags,
    };
    let client_token = input.client_token;
    s.mutate(ctx, Command::Nat(NatCommand::Create(new)), |c, o| {
        let g = &c.nat_gateways[outcome_id(o)];
        let mut out = nat_gateway_out(
            c,
            g,
            if g.failure.is_some() {
                "failed"
            } else {
                "pending"
            },
        );
        // Freshly made, its addresses are still being set up.
        if let Some(addresses) = out.nat_gateway_addresses.as_mut() {
            for a in addresses.iter_mut() {
                a.status = None;
                a.association_id = None;
                a.public_ip = None;
                a.private_ip = None;
                a.network_interface_id = None;
                a.is_primary = None;
            }
            addresses.retain(|a| a.allocation_id.is_some());
        }
        w::CreateNatGatewayResult {
            client_token,
            nat_gateway: Some(out),
        }
    })
}

pub(super) fn delete_nat_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNatGatewayRequest,
) -> Result<w::DeleteNatGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let nat_gateway_id = input.nat_gateway_id;
    s.mutate(
        ctx,
        Command::Nat(NatCommand::Delete {
            nat_gateway_id: nat_gateway_id.clone(),
        }),
        |_, _| w::DeleteNatGatewayResult {
            nat_gateway_id: Some(nat_gateway_id),
        },
    )
}

pub(super) fn describe_nat_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNatGatewaysRequest,
) -> Result<w::DescribeNatGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filter)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.nat_gateway_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (gateways, next) = c.describe_nat_gateways(who, &ids, &filters, &page, now)?;
        Ok(w::DescribeNatGatewaysResult {
            nat_gateways: Some(
                gateways
                    .iter()
                    .map(|v| nat_gateway_out(c, v.gateway, v.state))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

/// The gateway's addresses among `ips`, each with the transitional status AWS reports first.
fn changed_addresses(
    c: &Cloud,
    id: &str,
    ips: &[std::net::Ipv4Addr],
    status: &str,
) -> Vec<w::NatGatewayAddress> {
    let Some(g) = c.nat_gateways.get(id) else {
        return Vec::new();
    };
    ips.iter()
        .map(|ip| {
            let index = g.private_ips.iter().position(|p| p == ip);
            let allocation = index.and_then(|i| g.allocation_at(i));
            w::NatGatewayAddress {
                allocation_id: allocation.map(|a| a.allocation_id.clone()),
                association_id: allocation.and_then(|a| a.association_id.clone()),
                network_interface_id: g.interface_id.clone(),
                private_ip: Some(ip.to_string()),
                public_ip: allocation
                    .and_then(|a| c.addresses.get(&a.allocation_id))
                    .map(|a| a.public_ip.to_string()),
                is_primary: Some(false),
                status: owned(status),
                ..Default::default()
            }
        })
        .collect()
}

fn nat_command(s: &Services, ctx: &mut Ctx, command: NatCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Nat(command), |_, o| o.clone())
}

fn added_ips(o: &Outcome) -> Vec<std::net::Ipv4Addr> {
    match o {
        Outcome::PrivateIps(ips) => ips.clone(),
        _ => Vec::new(),
    }
}

pub(super) fn assign_private_nat_gateway_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssignPrivateNatGatewayAddressRequest,
) -> Result<w::AssignPrivateNatGatewayAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    let nat_gateway_id = input.nat_gateway_id;
    let command = NatCommand::AssignPrivate {
        nat_gateway_id: nat_gateway_id.clone(),
        private_ips: private_ips(input.private_ip_addresses)?,
        count: count_param(input.private_ip_address_count, "privateIpAddressCount")?.unwrap_or(0),
    };
    let added = added_ips(&nat_command(s, ctx, command)?);
    let addresses = s.query(ctx, |c, _| {
        Ok(changed_addresses(c, &nat_gateway_id, &added, "assigning"))
    })?;
    Ok(w::AssignPrivateNatGatewayAddressResult {
        nat_gateway_id: Some(nat_gateway_id),
        nat_gateway_addresses: Some(addresses),
    })
}

pub(super) fn unassign_private_nat_gateway_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UnassignPrivateNatGatewayAddressRequest,
) -> Result<w::UnassignPrivateNatGatewayAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    let nat_gateway_id = input.nat_gateway_id;
    let ips = private_ips(Some(input.private_ip_addresses))?;
    let addresses = ips
        .iter()
        .map(|ip| w::NatGatewayAddress {
            private_ip: Some(ip.to_string()),
            is_primary: Some(false),
            status: owned("unassigning"),
            ..Default::default()
        })
        .collect();
    let command = NatCommand::UnassignPrivate {
        nat_gateway_id: nat_gateway_id.clone(),
        private_ips: ips,
    };
    nat_command(s, ctx, command)?;
    Ok(w::UnassignPrivateNatGatewayAddressResult {
        nat_gateway_id: Some(nat_gateway_id),
        nat_gateway_addresses: Some(addresses),
    })
}

pub(super) fn associate_nat_gateway_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateNatGatewayAddressRequest,
) -> Result<w::AssociateNatGatewayAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.availability_zone.is_some() || input.availability_zone_id.is_some() {
        return Err(ApiError::not_implemented("ec2", "regional NAT gateways"));
    }
    let nat_gateway_id = input.nat_gateway_id;
    let command = NatCommand::AssociateAddresses {
        nat_gateway_id: nat_gateway_id.clone(),
        allocation_ids: input.allocation_ids,
        private_ips: private_ips(input.private_ip_addresses)?,
    };
    let added = added_ips(&nat_command(s, ctx, command)?);
    let addresses = s.query(ctx, |c, _| {
        Ok(changed_addresses(c, &nat_gateway_id, &added, "associating"))
    })?;
    Ok(w::AssociateNatGatewayAddressResult {
        nat_gateway_id: Some(nat_gateway_id),
        nat_gateway_addresses: Some(addresses),
    })
}

pub(super) fn disassociate_nat_gateway_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateNatGatewayAddressRequest,
) -> Result<w::DisassociateNatGatewayAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    let nat_gateway_id = input.nat_gateway_id;
    let association_ids = input.association_ids;
    let before = s.query(ctx, |c, _| {
        let g = c.nat_gateways.get(&nat_gateway_id);
        Ok(g.map(|g| {
            g.allocations
                .iter()
                .filter(|a| {
                    a.association_id
                        .as_ref()
                        .is_some_and(|x| association_ids.contains(x))
                })
                .map(|a| w::NatGatewayAddress {
                    allocation_id: Some(a.allocation_id.clone()),
                    association_id: a.association_id.clone(),
                    private_ip: a.private_ip.map(|ip| ip.to_string()),
                    is_primary: Some(false),
                    status: owned("disassociating"),
                    ..Default::default()
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default())
    })?;
    let command = NatCommand::DisassociateAddresses {
        nat_gateway_id: nat_gateway_id.clone(),
        association_ids,
    };
    nat_command(s, ctx, command)?;
    Ok(w::DisassociateNatGatewayAddressResult {
        nat_gateway_id: Some(nat_gateway_id),
        nat_gateway_addresses: Some(before),
    })
}
