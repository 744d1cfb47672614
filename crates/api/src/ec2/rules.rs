//! Security group rules: authorize, revoke, describe, modify, descriptions.

use super::*;

pub(super) fn authorize_security_group_ingress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AuthorizeSecurityGroupIngressRequest,
) -> Result<w::AuthorizeSecurityGroupIngressResult, ApiError> {
    dry_run(input.dry_run)?;
    let group = group_ref(input.group_id, input.group_name)?;
    let mut perms = input.ip_permissions.unwrap_or_default();
    perms.extend(legacy_permission(
        input.ip_protocol,
        input.from_port,
        input.to_port,
        input.cidr_ip,
        input.source_security_group_name,
        input.source_security_group_owner_id,
    ));
    let rules = s.rule_specs(ctx, perms)?;
    let tags = tag_specs(input.tag_specifications, "security-group-rule")?;
    let command = Command::AuthorizeRules {
        group,
        egress: false,
        rules,
        tags,
    };
    s.mutate(ctx, command, |c, o| {
        w::AuthorizeSecurityGroupIngressResult {
            r#return: Some(true),
            security_group_rules: Some(new_rules_out(c, o)),
        }
    })
}

pub(super) fn authorize_security_group_egress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AuthorizeSecurityGroupEgressRequest,
) -> Result<w::AuthorizeSecurityGroupEgressResult, ApiError> {
    dry_run(input.dry_run)?;
    no_legacy_egress(
        &input.ip_protocol,
        &input.cidr_ip,
        &input.source_security_group_name,
    )?;
    let rules = s.rule_specs(ctx, input.ip_permissions.unwrap_or_default())?;
    let tags = tag_specs(input.tag_specifications, "security-group-rule")?;
    let command = Command::AuthorizeRules {
        group: GroupRef::Id(input.group_id),
        egress: true,
        rules,
        tags,
    };
    s.mutate(ctx, command, |c, o| w::AuthorizeSecurityGroupEgressResult {
        r#return: Some(true),
        security_group_rules: Some(new_rules_out(c, o)),
    })
}

pub(super) fn revoke_security_group_ingress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RevokeSecurityGroupIngressRequest,
) -> Result<w::RevokeSecurityGroupIngressResult, ApiError> {
    dry_run(input.dry_run)?;
    let group = group_ref(input.group_id, input.group_name)?;
    let mut perms = input.ip_permissions.unwrap_or_default();
    perms.extend(legacy_permission(
        input.ip_protocol,
        input.from_port,
        input.to_port,
        input.cidr_ip,
        input.source_security_group_name,
        input.source_security_group_owner_id,
    ));
    let revoke = s.revoke_spec(ctx, input.security_group_rule_ids, perms)?;
    let command = Command::RevokeRules {
        group,
        egress: false,
        revoke,
    };
    s.mutate(ctx, command, |c, o| {
        let (revoked, unknown) = revoked_rules_out(c, o);
        w::RevokeSecurityGroupIngressResult {
            r#return: Some(true),
            unknown_ip_permissions: unknown,
            revoked_security_group_rules: Some(revoked),
        }
    })
}

pub(super) fn revoke_security_group_egress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RevokeSecurityGroupEgressRequest,
) -> Result<w::RevokeSecurityGroupEgressResult, ApiError> {
    dry_run(input.dry_run)?;
    no_legacy_egress(
        &input.ip_protocol,
        &input.cidr_ip,
        &input.source_security_group_name,
    )?;
    let revoke = s.revoke_spec(
        ctx,
        input.security_group_rule_ids,
        input.ip_permissions.unwrap_or_default(),
    )?;
    let command = Command::RevokeRules {
        group: GroupRef::Id(input.group_id),
        egress: true,
        revoke,
    };
    s.mutate(ctx, command, |c, o| {
        let (revoked, unknown) = revoked_rules_out(c, o);
        w::RevokeSecurityGroupEgressResult {
            r#return: Some(true),
            unknown_ip_permissions: unknown,
            revoked_security_group_rules: Some(revoked),
        }
    })
}

pub(super) fn describe_security_group_rules(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeSecurityGroupRulesRequest,
) -> Result<w::DescribeSecurityGroupRulesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.security_group_rule_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (rules, next) = c.describe_rules(who, &ids, &filters, &page)?;
        Ok(w::DescribeSecurityGroupRulesResult {
            security_group_rules: Some(rules.into_iter().map(|(g, r)| rule_out(g, r)).collect()),
            next_token: next,
        })
    })
}

pub(super) fn modify_security_group_rules(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifySecurityGroupRulesRequest,
) -> Result<w::ModifySecurityGroupRulesResult, ApiError> {
    dry_run(input.dry_run)?;
    let mut changes = Vec::new();
    for u in input.security_group_rules {
        let r = u
            .security_group_rule
            .ok_or_else(|| err(cloud::Error::missing("SecurityGroupRule")))?;
        if r.ip_protocol.is_none() {
            return Err(invalid("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."));
        }
        let perm = w::IpPermission {
            ip_protocol: r.ip_protocol,
            from_port: r.from_port,
            to_port: r.to_port,
            ip_ranges: r.cidr_ipv4.map(|c| {
                vec![w::IpRange {
                    cidr_ip: Some(c),
                    description: r.description.clone(),
                }]
            }),
            ipv6_ranges: r.cidr_ipv6.map(|c| {
                vec![w::Ipv6Range {
                    cidr_ipv6: Some(c),
                    description: r.description.clone(),
                }]
            }),
            prefix_list_ids: r.prefix_list_id.map(|p| {
                vec![w::PrefixListId {
                    prefix_list_id: Some(p),
                    description: r.description.clone(),
                }]
            }),
            user_id_group_pairs: r.referenced_group_id.map(|g| {
                vec![w::UserIdGroupPair {
                    group_id: Some(g),
                    description: r.description.clone(),
                    ..Default::default()
                }]
            }),
        };
        let mut specs = s.rule_specs(ctx, vec![perm])?;
        if specs.len() != 1 {
            return Err(invalid(
                "Each security group rule must have exactly one source or destination.",
            ));
        }
        changes.push((u.security_group_rule_id, specs.remove(0)));
    }
    let command = Command::ModifyRules {
        group_id: input.group_id,
        changes,
    };
    s.mutate(ctx, command, |_, _| w::ModifySecurityGroupRulesResult {
        r#return: Some(true),
    })
}

pub(super) fn update_security_group_rule_descriptions_ingress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateSecurityGroupRuleDescriptionsIngressRequest,
) -> Result<w::UpdateSecurityGroupRuleDescriptionsIngressResult, ApiError> {
    dry_run(input.dry_run)?;
    let group = group_ref(input.group_id, input.group_name)?;
    let command = s.description_update(
        ctx,
        group,
        false,
        input.security_group_rule_descriptions,
        input.ip_permissions,
    )?;
    s.mutate(ctx, command, |_, _| {
        w::UpdateSecurityGroupRuleDescriptionsIngressResult {
            r#return: Some(true),
        }
    })
}

pub(super) fn update_security_group_rule_descriptions_egress(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateSecurityGroupRuleDescriptionsEgressRequest,
) -> Result<w::UpdateSecurityGroupRuleDescriptionsEgressResult, ApiError> {
    dry_run(input.dry_run)?;
    let group = group_ref(input.group_id, input.group_name)?;
    let command = s.description_update(
        ctx,
        group,
        true,
        input.security_group_rule_descriptions,
        input.ip_permissions,
    )?;
    s.mutate(ctx, command, |_, _| {
        w::UpdateSecurityGroupRuleDescriptionsEgressResult {
            r#return: Some(true),
        }
    })
}

// ------------------------------------------------------------------------- tags
