//! Elastic IP addresses: allocate, associate, disassociate, release, describe.

use super::*;
use cloud::addresses::{AddressCommand, AddressView};

fn command(s: &Services, ctx: &mut Ctx, command: AddressCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Address(command), |_, o| o.clone())
}

/// VPC addresses are named by allocation id; a public IP alone is the EC2-Classic way.
fn allocation_id(
    id: Option<String>,
    public_ip: Option<String>,
    doing: &str,
) -> Result<String, ApiError> {
    match (id, public_ip) {
        (Some(id), _) => Ok(id),
        (None, Some(_)) => Err(err(cloud::Error::invalid_value(format!(
            "You must specify an allocation id when {doing} a VPC elastic IP address"
        )))),
        (None, None) => Err(err(cloud::Error::missing("AllocationId"))),
    }
}

fn address_out(c: &Cloud, v: &AddressView<'_>) -> w::Address {
    let a = v.address;
    let interface = v
        .association
        .and_then(|x| c.interfaces.get(&x.interface_id));
    w::Address {
        allocation_id: owned(&a.allocation_id),
        association_id: v.association.map(|x| x.id.clone()),
        domain: owned("vpc"),
        network_interface_id: v.association.map(|x| x.interface_id.clone()),
        network_interface_owner_id: v.interface_owner.clone(),
        private_ip_address: v.association.map(|x| x.private_ip.to_string()),
        tags: tags_out(&a.tags),
        public_ipv4_pool: owned("amazon"),
        network_border_group: owned(&a.region),
        subnet_id: interface.map(|e| e.subnet_id.clone()),
        instance_id: v.instance_id.clone(),
        public_ip: Some(a.public_ip.to_string()),
        ..Default::default()
    }
}

pub(super) fn allocate_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AllocateAddressRequest,
) -> Result<w::AllocateAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.domain.as_deref() == Some("standard") {
        return Err(err(cloud::Error::invalid_value(
            "EC2-Classic addresses are no longer available; use the vpc domain.",
        )));
    }
    if input.address.is_some()
        || input.customer_owned_ipv4_pool.is_some()
        || input.ipam_pool_id.is_some()
        || input
            .public_ipv4_pool
            .as_deref()
            .is_some_and(|p| p != "amazon")
    {
        return Err(ApiError::not_implemented(
            "ec2",
            "AllocateAddress from your own address pools",
        ));
    }
    if let Some(group) = &input.network_border_group {
        if *group != ctx.region {
            return Err(err(cloud::Error::invalid_value(format!(
                "Invalid network border group {group} for this Region."
            ))));
        }
    }
    let tags = tag_specs(input.tag_specifications, "elastic-ip")?;
    s.mutate(
        ctx,
        Command::Address(AddressCommand::Allocate { tags }),
        |c, o| {
            let a = &c.addresses[outcome_id(o)];
            w::AllocateAddressResult {
                allocation_id: owned(&a.allocation_id),
                public_ipv4_pool: owned("amazon"),
                network_border_group: owned(&a.region),
                domain: owned("vpc"),
                public_ip: Some(a.public_ip.to_string()),
                ..Default::default()
            }
        },
    )
}

pub(super) fn associate_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateAddressRequest,
) -> Result<w::AssociateAddressResult, ApiError> {
    dry_run(input.dry_run)?;
    let allocation_id = allocation_id(input.allocation_id, input.public_ip, "mapping")?;
    let target = input
        .network_interface_id
        .or(input.instance_id)
        .ok_or_else(|| err(cloud::Error::missing("InstanceId or NetworkInterfaceId")))?;
    let private_ip = parse_ip(input.private_ip_address)?;
    let outcome = command(
        s,
        ctx,
        AddressCommand::Associate {
            allocation_id,
            target,
            private_ip,
            allow_reassociation: input.allow_reassociation != Some(false),
        },
    )?;
    Ok(w::AssociateAddressResult {
        association_id: Some(outcome_id(&outcome).to_string()),
    })
}

pub(super) fn disassociate_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateAddressRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let association_id = input
        .association_id
        .ok_or_else(|| err(cloud::Error::missing("AssociationId")))?;
    command(s, ctx, AddressCommand::Disassociate { association_id }).map(|_| ())
}

pub(super) fn release_address(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReleaseAddressRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let allocation_id = allocation_id(input.allocation_id, input.public_ip, "releasing")?;
    command(s, ctx, AddressCommand::Release { allocation_id }).map(|_| ())
}

pub(super) fn describe_addresses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeAddressesRequest,
) -> Result<w::DescribeAddressesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let ids = input.allocation_ids.unwrap_or_default();
    let ips = input.public_ips.unwrap_or_default();
    s.query(ctx, |c, who| {
        let found = c.describe_addresses(who, &ids, &ips, &filters)?;
        Ok(w::DescribeAddressesResult {
            addresses: Some(found.iter().map(|v| address_out(c, v)).collect()),
        })
    })
}

/// Reverse DNS of the account's addresses: none is ever set here (there is no DNS), so each
/// address is listed without a PTR record.
pub(super) fn describe_addresses_attribute(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeAddressesAttributeRequest,
) -> Result<w::DescribeAddressesAttributeResult, ApiError> {
    dry_run(input.dry_run)?;
    match input.attribute.as_deref() {
        None | Some("domain-name") => {}
        Some(other) => {
            return Err(invalid(format!(
                "Value ({other}) for parameter attribute is invalid. Valid values: domain-name"
            )))
        }
    }
    let page = page(input.max_results, input.next_token, (1, 1000))?;
    let ids = input.allocation_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let found = c.describe_addresses(who, &ids, &[], &[])?;
        let (found, next) = page.apply_owned(found, |v| &v.address.allocation_id)?;
        Ok(w::DescribeAddressesAttributeResult {
            addresses: Some(
                found
                    .iter()
                    .map(|v| w::AddressAttribute {
                        public_ip: Some(v.address.public_ip.to_string()),
                        allocation_id: owned(&v.address.allocation_id),
                        ..Default::default()
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}
