//! Security groups: create, delete, describe, VPC associations, stale and referencing groups.

use super::*;

pub(super) fn create_security_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateSecurityGroupRequest,
) -> Result<w::CreateSecurityGroupResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "security-group")?;
    if input.description.is_empty() {
        return Err(err(cloud::Error::missing("GroupDescription")));
    }
    let command = Command::CreateSecurityGroup {
        name: input.group_name,
        description: input.description,
        vpc_id: input.vpc_id,
        tags,
    };
    s.mutate(ctx, command, |c, o| {
        let g = &c.groups[outcome_id(o)];
        w::CreateSecurityGroupResult {
            group_id: Some(g.id.to_string()),
            tags: tags_out_if_any(&g.tags),
            security_group_arn: Some(g.arn()),
        }
    })
}

pub(super) fn delete_security_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteSecurityGroupRequest,
) -> Result<w::DeleteSecurityGroupResult, ApiError> {
    dry_run(input.dry_run)?;
    let group = group_ref(input.group_id, input.group_name)?;
    s.mutate(ctx, Command::DeleteSecurityGroup { group }, |_, o| {
        w::DeleteSecurityGroupResult {
            r#return: Some(true),
            group_id: Some(outcome_id(o).to_string()),
        }
    })
}

pub(super) fn describe_security_groups(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeSecurityGroupsRequest,
) -> Result<w::DescribeSecurityGroupsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.group_ids.unwrap_or_default();
    let names = input.group_names.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (groups, next) = c.describe_groups(who, &ids, &names, &filters, &page)?;
        Ok(w::DescribeSecurityGroupsResult {
            security_groups: Some(groups.into_iter().map(group_out).collect()),
            next_token: next,
        })
    })
}

pub(super) fn get_security_groups_for_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetSecurityGroupsForVpcRequest,
) -> Result<w::GetSecurityGroupsForVpcResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    s.query(ctx, |c, who| {
        let (groups, next) = c.groups_for_vpc(who, &input.vpc_id, &filters, &page)?;
        Ok(w::GetSecurityGroupsForVpcResult {
            security_group_for_vpcs: Some(groups.into_iter().map(group_for_vpc_out).collect()),
            next_token: next,
        })
    })
}

pub(super) fn associate_security_group_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateSecurityGroupVpcRequest,
) -> Result<w::AssociateSecurityGroupVpcResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::AssociateSecurityGroupVpc {
        group_id: input.group_id,
        vpc_id: input.vpc_id,
    };
    s.mutate(ctx, command, |_, _| w::AssociateSecurityGroupVpcResult {
        state: owned("associating"),
    })
}

pub(super) fn disassociate_security_group_vpc(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateSecurityGroupVpcRequest,
) -> Result<w::DisassociateSecurityGroupVpcResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::DisassociateSecurityGroupVpc {
        group_id: input.group_id,
        vpc_id: input.vpc_id,
    };
    s.mutate(ctx, command, |_, _| w::DisassociateSecurityGroupVpcResult {
        state: owned("disassociating"),
    })
}

pub(super) fn describe_security_group_vpc_associations(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeSecurityGroupVpcAssociationsRequest,
) -> Result<w::DescribeSecurityGroupVpcAssociationsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    s.query(ctx, |c, who| {
        let (items, next) = c.describe_group_vpc_associations(who, &filters, &page)?;
        Ok(w::DescribeSecurityGroupVpcAssociationsResult {
            security_group_vpc_associations: Some(
                items.iter().map(group_vpc_association_out).collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn describe_stale_security_groups(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeStaleSecurityGroupsRequest,
) -> Result<w::DescribeStaleSecurityGroupsResult, ApiError> {
    dry_run(input.dry_run)?;
    let page = page(input.max_results, input.next_token, (5, 255))?;
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (groups, next) = c.stale_groups(who, &input.vpc_id, now, &page)?;
        Ok(w::DescribeStaleSecurityGroupsResult {
            stale_security_group_set: Some(
                groups
                    .into_iter()
                    .map(|(g, stale)| {
                        let side = |egress: bool| {
                            stale
                                .iter()
                                .filter(|s| s.rule.egress == egress)
                                .map(stale_permission_out)
                                .collect()
                        };
                        w::StaleSecurityGroup {
                            description: owned(&g.description),
                            group_id: owned(&g.id),
                            group_name: owned(&g.name),
                            stale_ip_permissions: Some(side(false)),
                            stale_ip_permissions_egress: Some(side(true)),
                            vpc_id: owned(&g.vpc_id),
                        }
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn describe_security_group_references(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeSecurityGroupReferencesRequest,
) -> Result<w::DescribeSecurityGroupReferencesResult, ApiError> {
    dry_run(input.dry_run)?;
    s.query(ctx, |c, who| {
        let refs = c.group_references(who, &input.group_id)?;
        Ok(w::DescribeSecurityGroupReferencesResult {
            security_group_reference_set: Some(
                refs.into_iter()
                    .map(|r| w::SecurityGroupReference {
                        group_id: Some(r.group_id),
                        referencing_vpc_id: Some(r.referencing_vpc_id),
                        vpc_peering_connection_id: Some(r.vpc_peering_connection_id),
                        transit_gateway_id: None,
                    })
                    .collect(),
            ),
        })
    })
}
