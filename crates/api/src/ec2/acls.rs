//! Network ACLs: create and delete, their entries, subnets moved between them, describe.

use super::*;
use cloud::acls::{action, AclCommand, AclEntry, AclView};
use ipnet::IpNet;

fn command(s: &Services, ctx: &mut Ctx, command: AclCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Acl(command), |_, o| o.clone())
}

pub(super) fn network_acl_out(v: &AclView<'_>) -> w::NetworkAcl {
    let a = v.acl;
    w::NetworkAcl {
        associations: Some(
            v.associations
                .iter()
                .map(|s| w::NetworkAclAssociation {
                    network_acl_association_id: owned(&s.id),
                    network_acl_id: owned(&a.id),
                    subnet_id: owned(&s.subnet_id),
                })
                .collect(),
        ),
        entries: Some(v.entries.iter().map(entry_out).collect()),
        is_default: Some(v.is_default),
        network_acl_id: owned(&a.id),
        tags: tags_out(&a.tags),
        vpc_id: owned(&a.vpc_id),
        owner_id: owned(&a.owner),
    }
}

fn entry_out(e: &AclEntry) -> w::NetworkAclEntry {
    let (v4, v6) = match e.cidr {
        IpNet::V4(c) => (Some(c.to_string()), None),
        IpNet::V6(c) => (None, Some(c.to_string())),
    };
    w::NetworkAclEntry {
        cidr_block: v4,
        ipv6_cidr_block: v6,
        egress: Some(e.egress),
        icmp_type_code: e.icmp.map(|(t, code)| w::IcmpTypeCode {
            code: Some(code),
            r#type: Some(t),
        }),
        port_range: e.ports.map(|(from, to)| w::PortRange {
            from: Some(from),
            to: Some(to),
        }),
        protocol: owned(&e.protocol),
        rule_action: owned(action(e.allow)),
        rule_number: Some(e.rule_number),
    }
}

/// The entry a CreateNetworkAclEntry or ReplaceNetworkAclEntry request describes (their
/// members are the same).
macro_rules! entry_of {
    ($input:ident) => {{
        let cidr = match (&$input.cidr_block, &$input.ipv6_cidr_block) {
            (Some(c), None) => IpNet::V4(cloud::rules::cidr4(c).map_err(err)?),
            (None, Some(c)) => IpNet::V6(cloud::rules::cidr6(c).map_err(err)?),
            _ => {
                return Err(err(cloud::Error::new(
                    "InvalidParameterCombination",
                    "Exactly one of CidrBlock and Ipv6CidrBlock must be specified.",
                )))
            }
        };
        AclEntry::new(
            $input.rule_number,
            $input.egress,
            &$input.protocol,
            &$input.rule_action,
            cidr,
            $input.icmp_type_code.map(|i| (i.r#type, i.code)),
            $input.port_range.map(|p| (p.from, p.to)),
        )
        .map_err(err)?
    }};
}

pub(super) fn create_network_acl(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateNetworkAclRequest,
) -> Result<w::CreateNetworkAclResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "network-acl")?;
    let vpc_id = input.vpc_id;
    let client_token = input.client_token;
    s.mutate(
        ctx,
        Command::Acl(AclCommand::Create { vpc_id, tags }),
        |c, o| w::CreateNetworkAclResult {
            network_acl: Some(network_acl_out(&c.acl_view(&c.network_acls[outcome_id(o)]))),
            client_token,
        },
    )
}

pub(super) fn delete_network_acl(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNetworkAclRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let acl_id = input.network_acl_id;
    command(s, ctx, AclCommand::Delete { acl_id })?;
    Ok(())
}

pub(super) fn create_network_acl_entry(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateNetworkAclEntryRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let entry = entry_of!(input);
    let acl_id = input.network_acl_id;
    command(
        s,
        ctx,
        AclCommand::PutEntry {
            acl_id,
            entry,
            replace: false,
        },
    )?;
    Ok(())
}

pub(super) fn replace_network_acl_entry(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReplaceNetworkAclEntryRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let entry = entry_of!(input);
    let acl_id = input.network_acl_id;
    command(
        s,
        ctx,
        AclCommand::PutEntry {
            acl_id,
            entry,
            replace: true,
        },
    )?;
    Ok(())
}

pub(super) fn delete_network_acl_entry(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNetworkAclEntryRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let (acl_id, rule_number, egress) = (input.network_acl_id, input.rule_number, input.egress);
    command(
        s,
        ctx,
        AclCommand::DeleteEntry {
            acl_id,
            rule_number,
            egress,
        },
    )?;
    Ok(())
}

pub(super) fn replace_network_acl_association(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReplaceNetworkAclAssociationRequest,
) -> Result<w::ReplaceNetworkAclAssociationResult, ApiError> {
    dry_run(input.dry_run)?;
    let (association_id, acl_id) = (input.association_id, input.network_acl_id);
    let o = command(
        s,
        ctx,
        AclCommand::ReplaceAssociation {
            association_id,
            acl_id,
        },
    )?;
    Ok(w::ReplaceNetworkAclAssociationResult {
        new_association_id: owned(outcome_id(&o)),
    })
}

pub(super) fn describe_network_acls(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNetworkAclsRequest,
) -> Result<w::DescribeNetworkAclsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.network_acl_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (acls, next) = c.describe_network_acls(who, &ids, &filters, &page)?;
        Ok(w::DescribeNetworkAclsResult {
            network_acls: Some(acls.iter().map(network_acl_out).collect()),
            next_token: next,
        })
    })
}
