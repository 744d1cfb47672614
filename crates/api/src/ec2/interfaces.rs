//! Network interfaces and their private and IPv6 addresses.

use super::*;

pub(super) fn create_network_interface(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateNetworkInterfaceRequest,
) -> Result<w::CreateNetworkInterfaceResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.ipv4_prefixes.is_some()
        || input.ipv4_prefix_count.is_some()
        || input.ipv6_prefixes.is_some()
        || input.ipv6_prefix_count.is_some()
        || input.enable_primary_ipv6 == Some(true)
    {
        return Err(ApiError::not_implemented(
            "ec2",
            "CreateNetworkInterface with prefixes or a primary IPv6 address",
        ));
    }
    let ipv6 = ipv6_request(
        input
            .ipv6_addresses
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.ipv6_address)
            .collect(),
        input.ipv6_address_count,
    )?;
    let mut private_ip = parse_ip(input.private_ip_address)?;
    let mut secondary_ips = Vec::new();
    for spec in input.private_ip_addresses.unwrap_or_default() {
        let ip = parse_ip(spec.private_ip_address)?
            .ok_or_else(|| err(cloud::Error::missing("PrivateIpAddresses.PrivateIpAddress")))?;
        if spec.primary == Some(true) {
            if private_ip.is_some_and(|p| p != ip) {
                return Err(err(cloud::Error::new(
                    "InvalidParameterCombination",
                    "The primary private IP address is specified twice with different values.",
                )));
            }
            private_ip = Some(ip);
        } else if private_ip != Some(ip) {
            secondary_ips.push(ip);
        }
    }
    // None marked primary: EC2 makes the first one listed the primary.
    if private_ip.is_none() && !secondary_ips.is_empty() {
        private_ip = Some(secondary_ips.remove(0));
    }
    let secondary_count = count_param(
        input.secondary_private_ip_address_count,
        "secondaryPrivateIpAddressCount",
    )?
    .unwrap_or(0);
    let command = Command::CreateNetworkInterface {
        subnet_id: input.subnet_id,
        groups: input.groups.unwrap_or_default(),
        description: input.description,
        private_ip,
        secondary_ips,
        secondary_count,
        interface_type: input.interface_type,
        tags: tag_specs(input.tag_specifications, "network-interface")?,
        ipv6,
    };
    let client_token = input.client_token;
    s.mutate(ctx, command, |c, o| w::CreateNetworkInterfaceResult {
        network_interface: Some(interface_out(c, &c.interfaces[outcome_id(o)])),
        client_token,
    })
}

pub(super) fn assign_private_ip_addresses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssignPrivateIpAddressesRequest,
) -> Result<w::AssignPrivateIpAddressesResult, ApiError> {
    if input.ipv4_prefixes.is_some() || input.ipv4_prefix_count.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "AssignPrivateIpAddresses with prefixes",
        ));
    }
    if input.allow_reassignment == Some(true) {
        return Err(ApiError::not_implemented(
            "ec2",
            "AssignPrivateIpAddresses moving addresses from other interfaces",
        ));
    }
    let addresses = private_ips(input.private_ip_addresses)?;
    let count = count_param(
        input.secondary_private_ip_address_count,
        "secondaryPrivateIpAddressCount",
    )?
    .unwrap_or(0);
    let interface_id = input.network_interface_id;
    let command = Command::AssignPrivateIps {
        interface_id: interface_id.clone(),
        addresses,
        count,
    };
    s.mutate(ctx, command, |_, o| w::AssignPrivateIpAddressesResult {
        network_interface_id: Some(interface_id),
        assigned_private_ip_addresses: Some(match o {
            Outcome::PrivateIps(ips) => ips
                .iter()
                .map(|ip| w::AssignedPrivateIpAddress {
                    private_ip_address: Some(ip.to_string()),
                })
                .collect(),
            _ => vec![],
        }),
        assigned_ipv4_prefixes: None,
    })
}

pub(super) fn unassign_private_ip_addresses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UnassignPrivateIpAddressesRequest,
) -> Result<(), ApiError> {
    if input.ipv4_prefixes.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "UnassignPrivateIpAddresses with prefixes",
        ));
    }
    let command = Command::UnassignPrivateIps {
        interface_id: input.network_interface_id,
        addresses: private_ips(input.private_ip_addresses)?,
    };
    s.mutate(ctx, command, |_, _| ())
}

pub(super) fn assign_ipv6_addresses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssignIpv6AddressesRequest,
) -> Result<w::AssignIpv6AddressesResult, ApiError> {
    if input.ipv6_prefixes.is_some() || input.ipv6_prefix_count.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "AssignIpv6Addresses with prefixes",
        ));
    }
    let request = ipv6_request(
        input
            .ipv6_addresses
            .unwrap_or_default()
            .into_iter()
            .map(Some)
            .collect(),
        input.ipv6_address_count,
    )?;
    let interface_id = input.network_interface_id;
    let command = Command::AssignIpv6Addresses {
        interface_id: interface_id.clone(),
        request,
    };
    s.mutate(ctx, command, |_, o| w::AssignIpv6AddressesResult {
        assigned_ipv6_addresses: Some(addresses_of(o)),
        assigned_ipv6_prefixes: None,
        network_interface_id: Some(interface_id),
    })
}

pub(super) fn unassign_ipv6_addresses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UnassignIpv6AddressesRequest,
) -> Result<w::UnassignIpv6AddressesResult, ApiError> {
    if input.ipv6_prefixes.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "UnassignIpv6Addresses with prefixes",
        ));
    }
    let addresses = input
        .ipv6_addresses
        .unwrap_or_default()
        .iter()
        .map(|a| ipv6_address(a))
        .collect::<Result<Vec<_>, _>>()?;
    if addresses.is_empty() {
        return Err(err(cloud::Error::missing("Ipv6Addresses")));
    }
    let interface_id = input.network_interface_id;
    let command = Command::UnassignIpv6Addresses {
        interface_id: interface_id.clone(),
        addresses,
    };
    s.mutate(ctx, command, |_, o| w::UnassignIpv6AddressesResult {
        network_interface_id: Some(interface_id),
        unassigned_ipv6_addresses: Some(addresses_of(o)),
        unassigned_ipv6_prefixes: None,
    })
}

pub(super) fn describe_network_interfaces(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNetworkInterfacesRequest,
) -> Result<w::DescribeNetworkInterfacesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.network_interface_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (enis, next) = c.describe_interfaces(who, &ids, &filters, &page)?;
        Ok(w::DescribeNetworkInterfacesResult {
            network_interfaces: Some(enis.into_iter().map(|e| interface_out(c, e)).collect()),
            next_token: next,
        })
    })
}

pub(super) fn describe_network_interface_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNetworkInterfaceAttributeRequest,
) -> Result<w::DescribeNetworkInterfaceAttributeResult, ApiError> {
    dry_run(input.dry_run)?;
    s.query(ctx, |c, who| {
        let e = c.visible_interface(who, &input.network_interface_id)?;
        let full = interface_out(c, e);
        let mut out = w::DescribeNetworkInterfaceAttributeResult {
            network_interface_id: Some(e.id.clone()),
            ..Default::default()
        };
        match input.attribute.as_deref() {
            Some("description") => {
                out.description = Some(w::AttributeValue {
                    value: Some(e.description.clone()),
                })
            }
            Some("groupSet") => out.groups = full.groups,
            Some("sourceDestCheck") => {
                out.source_dest_check = Some(w::AttributeBooleanValue {
                    value: Some(e.source_dest_check),
                })
            }
            Some("attachment") => out.attachment = full.attachment,
            other => {
                return Err(cloud::Error::invalid_value(format!(
                    "Value ({}) for parameter attribute is invalid.",
                    other.unwrap_or_default()
                )))
            }
        }
        Ok(out)
    })
}

pub(super) fn modify_network_interface_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyNetworkInterfaceAttributeRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let mut changes = Vec::new();
    if let Some(groups) = input.groups {
        changes.push(EniChange::Groups(groups));
    }
    if let Some(d) = input.description {
        changes.push(EniChange::Description(d.value.unwrap_or_default()));
    }
    if let Some(v) = bool_attr(input.source_dest_check) {
        changes.push(EniChange::SourceDestCheck(v));
    }
    if let Some(a) = input.attachment {
        changes.push(EniChange::DeleteOnTermination {
            attachment_id: a
                .attachment_id
                .ok_or_else(|| err(cloud::Error::missing("Attachment.AttachmentId")))?,
            value: a.delete_on_termination.unwrap_or(false),
        });
    }
    let change = match changes.len() {
        1 => changes.remove(0),
        0 => return Err(err(cloud::Error::missing("SecurityGroupId"))),
        _ => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "Only one attribute can be modified at a time.",
            )))
        }
    };
    let command = Command::ModifyNetworkInterface {
        interface_id: input.network_interface_id,
        change,
    };
    s.mutate(ctx, command, |_, _| ())
}

pub(super) fn delete_network_interface(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNetworkInterfaceRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::DeleteNetworkInterface {
        interface_id: input.network_interface_id,
    };
    s.mutate(ctx, command, |_, _| ())
}

// ------------------------------------------------------------------------- instances
