//! Wire shapes to domain values and back, for EC2.

use crate::Ctx;
use cloud::filter::Filter;
use cloud::{
    Cloud, GroupPeer, GroupVpcAssociation, Page, Peer, PrefixList, PrefixListEntry, Rule, RuleSpec,
    SecurityGroup, Tag,
};
use wire::ec2 as w;
use wire::ApiError;

pub fn err(e: cloud::Error) -> ApiError {
    let status = e.status();
    ApiError::new(e.code, status, e.message)
}

pub fn invalid(message: impl Into<String>) -> ApiError {
    err(cloud::Error::invalid_value(message))
}

/// DryRun: answer whether the call would have been allowed, and do nothing.
pub fn dry_run(flag: Option<bool>) -> Result<(), ApiError> {
    if flag == Some(true) {
        return Err(ApiError::new(
            "DryRunOperation",
            412,
            "Request would have succeeded, but DryRun flag is set.",
        ));
    }
    Ok(())
}

pub fn filters(raw: Option<Vec<w::Filter>>) -> Result<Vec<Filter>, ApiError> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|f| {
            let name = f
                .name
                .ok_or_else(|| err(cloud::Error::missing("Filter.Name")))?;
            Ok(Filter {
                name,
                values: f.values.unwrap_or_default(),
            })
        })
        .collect()
}

/// Paging inputs, with the MaxResults bounds of the operation.
pub fn page(
    max_results: Option<i32>,
    next_token: Option<String>,
    bounds: (i32, i32),
) -> Result<Page, ApiError> {
    if let Some(m) = max_results {
        if m < bounds.0 || m > bounds.1 {
            return Err(invalid(format!(
                "Value ( {m} ) for parameter maxResults is invalid. Expecting a value between {} and {}.",
                bounds.0, bounds.1
            )));
        }
    }
    Ok(Page {
        max_results: max_results.map(|m| m as usize),
        next_token: next_token.filter(|t| !t.is_empty()),
    })
}

pub fn tags_in(raw: Vec<w::Tag>) -> Result<Vec<Tag>, ApiError> {
    raw.into_iter()
        .map(|t| {
            Ok(Tag {
                key: t.key.ok_or_else(|| err(cloud::Error::missing("Tag.Key")))?,
                value: t.value.unwrap_or_default(),
            })
        })
        .collect()
}

/// The tags a TagSpecification list gives a resource of this type.
pub fn tag_specs(
    specs: Option<Vec<w::TagSpecification>>,
    resource_type: &str,
) -> Result<Vec<Tag>, ApiError> {
    let mut out = Vec::new();
    for spec in specs.unwrap_or_default() {
        let rt = spec.resource_type.unwrap_or_default();
        if rt != resource_type {
            return Err(invalid(format!(
                "'{rt}' is not a valid taggable resource type for this operation."
            )));
        }
        out.extend(tags_in(spec.tags.unwrap_or_default())?);
    }
    cloud::validate_tags(&out).map_err(err)?;
    Ok(out)
}

pub fn tags_out(tags: &[Tag]) -> Option<Vec<w::Tag>> {
    Some(
        tags.iter()
            .map(|t| w::Tag {
                key: Some(t.key.clone()),
                value: Some(t.value.clone()),
            })
            .collect(),
    )
}

/// Tags for CreateX responses: the element is left out when there are none.
pub fn tags_out_if_any(tags: &[Tag]) -> Option<Vec<w::Tag>> {
    if tags.is_empty() {
        None
    } else {
        tags_out(tags)
    }
}

pub fn owned(s: &str) -> Option<String> {
    Some(s.to_string())
}

// ------------------------------------------------------------------------- rules

/// Expand `IpPermission`s into one canonical rule spec per source. Group sources given by
/// name are looked up in the caller's default VPC.
pub fn rule_specs(
    cloud: &Cloud,
    ctx: &Ctx,
    perms: Vec<w::IpPermission>,
) -> Result<Vec<RuleSpec>, ApiError> {
    let mut out = Vec::new();
    for p in perms {
        let raw_protocol = p
            .ip_protocol
            .ok_or_else(|| err(cloud::Error::missing("IpPermissions.IpProtocol")))?;
        let protocol = cloud::rules::protocol(&raw_protocol).map_err(err)?;
        let (from_port, to_port) =
            cloud::rules::ports(&protocol, p.from_port, p.to_port).map_err(err)?;
        let spec = |peer: Peer, description: Option<String>| RuleSpec {
            protocol: protocol.clone(),
            from_port,
            to_port,
            peer,
            description,
        };
        let before = out.len();
        for r in p.ip_ranges.unwrap_or_default() {
            let cidr = r
                .cidr_ip
                .ok_or_else(|| err(cloud::Error::missing("IpRanges.CidrIp")))?;
            let net = cloud::rules::cidr4(&cidr).map_err(err)?;
            out.push(spec(Peer::Cidr4(net), r.description));
        }
        for r in p.ipv6_ranges.unwrap_or_default() {
            let cidr = r
                .cidr_ipv6
                .ok_or_else(|| err(cloud::Error::missing("Ipv6Ranges.CidrIpv6")))?;
            let net = cloud::rules::cidr6(&cidr).map_err(err)?;
            out.push(spec(Peer::Cidr6(net), r.description));
        }
        for r in p.prefix_list_ids.unwrap_or_default() {
            let id = r
                .prefix_list_id
                .ok_or_else(|| err(cloud::Error::missing("PrefixListIds.PrefixListId")))?;
            out.push(spec(Peer::PrefixList(id.into()), r.description));
        }
        for pair in p.user_id_group_pairs.unwrap_or_default() {
            let group_id = match (pair.group_id, pair.group_name) {
                (Some(id), _) => id.into(),
                (None, Some(name)) => cloud
                    .resolve_group(&ctx.caller(), &cloud::GroupRef::Name(name))
                    .map_err(err)?
                    .id
                    .clone(),
                (None, None) => return Err(err(cloud::Error::missing("Groups.GroupId"))),
            };
            out.push(spec(
                Peer::group(
                    group_id,
                    pair.user_id.unwrap_or_default().into(),
                    pair.vpc_peering_connection_id.map(Into::into),
                ),
                pair.description,
            ));
        }
        if out.len() == before {
            return Err(invalid(
                "The request must contain at least one CIDR, IPv6 CIDR, prefix list or security group source or destination per permission.",
            ));
        }
    }
    Ok(out)
}

/// The legacy flat parameters of Authorize/RevokeSecurityGroupIngress as one permission.
pub fn legacy_permission(
    protocol: Option<String>,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr: Option<String>,
    source_name: Option<String>,
    source_owner: Option<String>,
) -> Option<w::IpPermission> {
    if protocol.is_none() && cidr.is_none() && source_name.is_none() {
        return None;
    }
    let mut p = w::IpPermission {
        ip_protocol: Some(protocol.unwrap_or_else(|| "-1".into())),
        from_port,
        to_port,
        ..Default::default()
    };
    if let Some(c) = cidr {
        p.ip_ranges = Some(vec![w::IpRange {
            cidr_ip: Some(c),
            description: None,
        }]);
    }
    if source_name.is_some() {
        p.user_id_group_pairs = Some(vec![w::UserIdGroupPair {
            group_name: source_name,
            user_id: source_owner,
            ..Default::default()
        }]);
    }
    Some(p)
}

/// `IpPermission`s of one direction, as DescribeSecurityGroups shows them.
pub fn permissions_out(g: &SecurityGroup, egress: bool) -> Vec<w::IpPermission> {
    g.permissions(egress)
        .into_iter()
        .map(|p| {
            let mut out = w::IpPermission {
                ip_protocol: owned(p.protocol),
                from_port: p.from_port,
                to_port: p.to_port,
                user_id_group_pairs: Some(vec![]),
                ip_ranges: Some(vec![]),
                ipv6_ranges: Some(vec![]),
                prefix_list_ids: Some(vec![]),
            };
            for r in p.rules {
                let description = r.description.clone();
                match &r.peer {
                    Peer::Cidr4(n) => out.ip_ranges.get_or_insert_default().push(w::IpRange {
                        cidr_ip: Some(n.to_string()),
                        description,
                    }),
                    Peer::Cidr6(n) => out.ipv6_ranges.get_or_insert_default().push(w::Ipv6Range {
                        cidr_ipv6: Some(n.to_string()),
                        description,
                    }),
                    Peer::PrefixList(id) => {
                        out.prefix_list_ids
                            .get_or_insert_default()
                            .push(w::PrefixListId {
                                prefix_list_id: Some(id.to_string()),
                                description,
                            })
                    }
                    Peer::Group(g) => {
                        out.user_id_group_pairs
                            .get_or_insert_default()
                            .push(w::UserIdGroupPair {
                                description,
                                user_id: Some(g.user_id.to_string()),
                                group_id: Some(g.group_id.to_string()),
                                vpc_peering_connection_id: g
                                    .vpc_peering_connection_id
                                    .as_ref()
                                    .map(ToString::to_string),
                                peering_status: g
                                    .vpc_peering_connection_id
                                    .as_ref()
                                    .map(|_| "active".to_string()),
                                ..Default::default()
                            })
                    }
                }
            }
            out
        })
        .collect()
}

pub fn group_out(g: &SecurityGroup) -> w::SecurityGroup {
    w::SecurityGroup {
        group_id: owned(&g.id),
        ip_permissions_egress: Some(permissions_out(g, true)),
        tags: tags_out(&g.tags),
        vpc_id: owned(&g.vpc_id),
        security_group_arn: Some(g.arn()),
        owner_id: owned(&g.owner),
        group_name: owned(&g.name),
        description: owned(&g.description),
        ip_permissions: Some(permissions_out(g, false)),
    }
}

pub fn prefix_list_out(p: &PrefixList) -> w::ManagedPrefixList {
    w::ManagedPrefixList {
        prefix_list_id: owned(&p.id),
        address_family: owned(p.address_family()),
        state: owned(p.state()),
        prefix_list_arn: Some(p.arn()),
        prefix_list_name: owned(&p.name),
        max_entries: Some(p.max_entries),
        version: Some(p.version()),
        tags: tags_out(&p.tags),
        owner_id: owned(&p.owner),
        ..Default::default()
    }
}

pub fn prefix_entries_in(
    raw: Option<Vec<w::AddPrefixListEntry>>,
) -> Result<Vec<PrefixListEntry>, ApiError> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|e| {
            Ok(PrefixListEntry {
                cidr: cloud::prefix_entry_cidr(&e.cidr).map_err(err)?,
                description: e.description,
            })
        })
        .collect()
}

pub fn group_for_vpc_out(g: &SecurityGroup) -> w::SecurityGroupForVpc {
    w::SecurityGroupForVpc {
        description: owned(&g.description),
        group_name: owned(&g.name),
        owner_id: owned(&g.owner),
        group_id: owned(&g.id),
        tags: tags_out(&g.tags),
        primary_vpc_id: owned(&g.vpc_id),
    }
}

pub fn group_vpc_association_out(a: &GroupVpcAssociation) -> w::SecurityGroupVpcAssociation {
    w::SecurityGroupVpcAssociation {
        group_id: owned(&a.group_id),
        vpc_id: owned(&a.vpc_id),
        vpc_owner_id: owned(&a.vpc_owner),
        state: owned("associated"),
        state_reason: None,
        group_owner_id: owned(&a.group_owner),
    }
}

/// One rule as DescribeSecurityGroupRules and Authorize* show it: port-less rules say -1/-1.
pub fn rule_out(g: &SecurityGroup, r: &Rule) -> w::SecurityGroupRule {
    let mut out = w::SecurityGroupRule {
        security_group_rule_id: owned(&r.id),
        group_id: owned(&g.id),
        group_owner_id: owned(&g.owner),
        is_egress: Some(r.egress),
        ip_protocol: owned(&r.protocol),
        from_port: Some(r.from_port.unwrap_or(-1)),
        to_port: Some(r.to_port.unwrap_or(-1)),
        description: r.description.clone(),
        tags: tags_out(&r.tags),
        security_group_rule_arn: Some(format!(
            "arn:aws:ec2:{}:{}:security-group-rule/{}",
            g.region, g.owner, r.id
        )),
        ..Default::default()
    };
    match &r.peer {
        Peer::Cidr4(n) => out.cidr_ipv4 = Some(n.to_string()),
        Peer::Cidr6(n) => out.cidr_ipv6 = Some(n.to_string()),
        Peer::PrefixList(p) => out.prefix_list_id = Some(p.to_string()),
        Peer::Group(g) => {
            let GroupPeer {
                group_id,
                user_id,
                vpc_peering_connection_id,
            } = &**g;
            out.referenced_group_info = Some(w::ReferencedSecurityGroup {
                group_id: Some(group_id.to_string()),
                user_id: Some(user_id.to_string()),
                vpc_peering_connection_id: vpc_peering_connection_id
                    .as_ref()
                    .map(ToString::to_string),
                peering_status: vpc_peering_connection_id.as_ref().map(|_| "active".into()),
                vpc_id: None,
            })
        }
    }
    out
}

pub fn revoked_out(g: &SecurityGroup, r: &Rule) -> w::RevokedSecurityGroupRule {
    let full = rule_out(g, r);
    w::RevokedSecurityGroupRule {
        security_group_rule_id: full.security_group_rule_id,
        group_id: full.group_id,
        is_egress: full.is_egress,
        ip_protocol: full.ip_protocol,
        from_port: full.from_port,
        to_port: full.to_port,
        cidr_ipv4: full.cidr_ipv4,
        cidr_ipv6: full.cidr_ipv6,
        prefix_list_id: full.prefix_list_id,
        referenced_group_id: full.referenced_group_info.and_then(|g| g.group_id),
        description: full.description,
    }
}

/// A rule spec rendered back as an `IpPermission` (RevokeSecurityGroupIngress's unknown set).
pub fn spec_out(s: &RuleSpec) -> w::IpPermission {
    let rule = s.clone().into_rule(String::new(), false, vec![]);
    let g = SecurityGroup {
        id: Default::default(),
        owner: Default::default(),
        region: Default::default(),
        vpc_id: Default::default(),
        name: Default::default(),
        description: Default::default(),
        ingress: vec![rule],
        egress: vec![],
        tags: vec![],
    };
    permissions_out(&g, false)
        .into_iter()
        .next()
        .unwrap_or_default()
}
