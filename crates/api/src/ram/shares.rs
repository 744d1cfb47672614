//! Resource shares: create, update, delete, their resources and principals, tags, policies,
//! and sharing with the organization.

use super::*;

pub(super) fn create_resource_share(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateResourceShareRequest,
) -> Result<w::CreateResourceShareResponse, ApiError> {
    if input.sources.as_ref().is_some_and(|s| !s.is_empty()) {
        return Err(ApiError::not_implemented(
            "ram",
            "CreateResourceShare with sources",
        ));
    }
    let command = RamCommand::CreateShare {
        name: input.name,
        resources: input.resource_arns.unwrap_or_default(),
        principals: input.principals.unwrap_or_default(),
        tags: tags_in(input.tags)?,
        allow_external: input.allow_external_principals.unwrap_or(true),
        permissions: input.permission_arns.unwrap_or_default(),
        client_token: input.client_token.clone(),
    };
    let (outcome, _) = s.ram(ctx, command)?;
    let Outcome::Id(arn) = outcome else {
        return Err(domain_error(Error::new(
            "ServerInternalException",
            "no share",
        )));
    };
    let share = s.read(|c| c.share(&arn).map(share_out))?;
    Ok(w::CreateResourceShareResponse {
        resource_share: Some(share),
        client_token: input.client_token,
    })
}

pub(super) fn update_resource_share(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateResourceShareRequest,
) -> Result<w::UpdateResourceShareResponse, ApiError> {
    let arn = input.resource_share_arn.clone();
    s.ram(
        ctx,
        RamCommand::UpdateShare {
            share: input.resource_share_arn,
            name: input.name,
            allow_external: input.allow_external_principals,
            client_token: input.client_token.clone(),
        },
    )?;
    let share = s.read(|c| c.share(&arn).map(share_out))?;
    Ok(w::UpdateResourceShareResponse {
        resource_share: Some(share),
        client_token: input.client_token,
    })
}

pub(super) fn delete_resource_share(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteResourceShareRequest,
) -> Result<w::DeleteResourceShareResponse, ApiError> {
    s.ram(
        ctx,
        RamCommand::DeleteShare {
            share: input.resource_share_arn,
            client_token: input.client_token.clone(),
        },
    )?;
    Ok(w::DeleteResourceShareResponse {
        return_value: Some(true),
        client_token: input.client_token,
    })
}

pub(super) fn associate_resource_share(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateResourceShareRequest,
) -> Result<w::AssociateResourceShareResponse, ApiError> {
    let members = Members {
        share: input.resource_share_arn,
        resources: input.resource_arns.unwrap_or_default(),
        principals: input.principals.unwrap_or_default(),
        sources: input.sources.unwrap_or_default(),
        client_token: input.client_token.clone(),
    };
    Ok(w::AssociateResourceShareResponse {
        resource_share_associations: Some(s.change_members(ctx, members, true)?),
        client_token: input.client_token,
    })
}

pub(super) fn disassociate_resource_share(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateResourceShareRequest,
) -> Result<w::DisassociateResourceShareResponse, ApiError> {
    let members = Members {
        share: input.resource_share_arn,
        resources: input.resource_arns.unwrap_or_default(),
        principals: input.principals.unwrap_or_default(),
        sources: input.sources.unwrap_or_default(),
        client_token: input.client_token.clone(),
    };
    Ok(w::DisassociateResourceShareResponse {
        resource_share_associations: Some(s.change_members(ctx, members, false)?),
        client_token: input.client_token,
    })
}

pub(super) fn get_resource_shares(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetResourceSharesRequest,
) -> Result<w::GetResourceSharesResponse, ApiError> {
    let own = owner_filter(&input.resource_owner)?;
    if let Some(p) = &input.permission_arn {
        if permission_by_arn(p).is_none() {
            return Err(domain_error(Error::new(
                "UnknownResourceException",
                format!("Permission {p} could not be found."),
            )));
        }
    }
    for arn in input.resource_share_arns.iter().flatten() {
        cloud::ram::check_share_arn(arn).map_err(domain_error)?;
    }
    let items = s.read(|c| {
        Ok(listed_shares(c, ctx, own)
            .into_iter()
            .filter(|s| {
                input
                    .resource_share_arns
                    .as_ref()
                    .is_none_or(|arns| arns.contains(&s.arn))
            })
            .filter(|s| {
                input
                    .resource_share_status
                    .as_ref()
                    .is_none_or(|x| *x == s.status)
            })
            .filter(|s| input.name.as_ref().is_none_or(|x| *x == s.name))
            .filter(|s| {
                input
                    .permission_arn
                    .as_ref()
                    .is_none_or(|p| s.permissions_in_force().contains(p))
            })
            .filter(|s| {
                input.tag_filters.iter().flatten().all(|f| {
                    s.tags.iter().any(|t| {
                        f.tag_key.as_ref().is_none_or(|k| *k == t.key)
                            && f.tag_values
                                .as_ref()
                                .is_none_or(|vs| vs.is_empty() || vs.contains(&t.value))
                    })
                })
            })
            .map(share_out)
            .collect::<Vec<_>>())
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::GetResourceSharesResponse {
        resource_shares: Some(items),
        next_token: next,
    })
}

pub(super) fn get_resource_share_associations(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetResourceShareAssociationsRequest,
) -> Result<w::GetResourceShareAssociationsResponse, ApiError> {
    let principal_kind = match input.association_type.as_str() {
        "PRINCIPAL" => true,
        "RESOURCE" => false,
        "SOURCE" => {
            return Ok(w::GetResourceShareAssociationsResponse {
                resource_share_associations: Some(vec![]),
                next_token: None,
            })
        }
        other => {
            return Err(invalid(format!(
                "The value {other} for associationType is not valid; use PRINCIPAL, RESOURCE or SOURCE."
            )))
        }
    };
    if principal_kind && input.resource_arn.is_some() {
        return Err(invalid(
            "You cannot specify a resourceArn when associationType is PRINCIPAL.",
        ));
    }
    if !principal_kind && input.principal.is_some() {
        return Err(invalid(
            "You cannot specify a principal when associationType is RESOURCE.",
        ));
    }
    let items = s.read(|c| {
        let mut out = Vec::new();
        for s in listed_shares(c, ctx, true) {
            if input
                .resource_share_arns
                .as_ref()
                .is_some_and(|a| !a.contains(&s.arn))
            {
                continue;
            }
            let list = if principal_kind {
                &s.principals
            } else {
                &s.resources
            };
            for a in list.values() {
                let wanted = input.resource_arn.as_ref().is_none_or(|x| *x == a.entity)
                    && input.principal.as_ref().is_none_or(|x| *x == a.entity)
                    && input
                        .association_status
                        .as_ref()
                        .is_none_or(|x| *x == a.status);
                if wanted {
                    out.push(association_out(s, a, None));
                }
            }
        }
        Ok(out)
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::GetResourceShareAssociationsResponse {
        resource_share_associations: Some(items),
        next_token: next,
    })
}

pub(super) fn list_resources(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListResourcesRequest,
) -> Result<w::ListResourcesResponse, ApiError> {
    let own = owner_filter(&input.resource_owner)?;
    if !own && input.principal.is_some() {
        return Err(invalid(
            "You cannot specify a principal when resourceOwner is OTHER-ACCOUNTS.",
        ));
    }
    let wanted_type = match &input.resource_type {
        Some(t) => Some(resource_type(t).ok_or_else(|| {
            domain_error(Error::new(
                "InvalidResourceTypeException",
                format!("The specified resource type {t} is not valid."),
            ))
        })?),
        None => None,
    };
    if input.resource_region_scope.as_deref() == Some("GLOBAL") {
        return Ok(w::ListResourcesResponse {
            resources: Some(vec![]),
            next_token: None,
        });
    }
    let items = s.read(|c| {
        let mut out = Vec::new();
        for s in listed_shares(c, ctx, own)
            .into_iter()
            .filter(|s| s.active())
        {
            if input
                .resource_share_arns
                .as_ref()
                .is_some_and(|a| !a.is_empty() && !a.contains(&s.arn))
            {
                continue;
            }
            if let Some(p) = &input.principal {
                if s.principals.get(p).is_none_or(|a| a.status != "ASSOCIATED") {
                    continue;
                }
            }
            for a in s.resources.values().filter(|a| a.status == "ASSOCIATED") {
                if input
                    .resource_arns
                    .as_ref()
                    .is_some_and(|x| !x.is_empty() && !x.contains(&a.entity))
                {
                    continue;
                }
                let Some(item) = resource_out(s, a) else {
                    continue;
                };
                if wanted_type.is_some_and(|t| item.r#type.as_deref() != Some(t.name)) {
                    continue;
                }
                out.push(item);
            }
        }
        Ok(out)
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::ListResourcesResponse {
        resources: Some(items),
        next_token: next,
    })
}

pub(super) fn list_principals(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListPrincipalsRequest,
) -> Result<w::ListPrincipalsResponse, ApiError> {
    let own = owner_filter(&input.resource_owner)?;
    let wanted_type = match &input.resource_type {
        Some(t) => Some(resource_type(t).ok_or_else(|| {
            domain_error(Error::new(
                "InvalidParameterException",
                format!("The specified resource type {t} is not valid."),
            ))
        })?),
        None => None,
    };
    let items = s.read(|c| {
        let mut out = Vec::new();
        for s in listed_shares(c, ctx, own)
            .into_iter()
            .filter(|s| s.active())
        {
            if input
                .resource_share_arns
                .as_ref()
                .is_some_and(|a| !a.is_empty() && !a.contains(&s.arn))
            {
                continue;
            }
            let holds = |a: &Association| a.status == "ASSOCIATED";
            if let Some(arn) = &input.resource_arn {
                if !s.resources.get(arn).is_some_and(holds) {
                    continue;
                }
            }
            if let Some(t) = wanted_type {
                let has =
                    s.resources.values().filter(|a| holds(a)).any(|a| {
                        parse_resource_arn(&a.entity).is_ok_and(|x| x.kind.name == t.name)
                    });
                if !has {
                    continue;
                }
            }
            if own {
                for a in s
                    .principals
                    .values()
                    .filter(|a| a.status == "ASSOCIATED" || a.status == "ASSOCIATING")
                {
                    if input
                        .principals
                        .as_ref()
                        .is_some_and(|p| !p.is_empty() && !p.contains(&a.entity))
                    {
                        continue;
                    }
                    out.push(w::Principal {
                        id: Some(a.entity.clone()),
                        resource_share_arn: Some(s.arn.clone()),
                        creation_time: Some(DateTime(a.created)),
                        last_updated_time: Some(DateTime(a.updated)),
                        external: Some(a.external),
                    });
                }
            } else {
                if input
                    .principals
                    .as_ref()
                    .is_some_and(|p| !p.is_empty() && !p.contains(&s.owner))
                {
                    continue;
                }
                out.push(w::Principal {
                    id: Some(s.owner.clone()),
                    resource_share_arn: Some(s.arn.clone()),
                    creation_time: Some(DateTime(s.created)),
                    last_updated_time: Some(DateTime(s.updated)),
                    external: Some(
                        c.organization_of(&s.owner).map(|o| &o.id)
                            != c.organization_of(&ctx.account).map(|o| &o.id),
                    ),
                });
            }
        }
        Ok(out)
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::ListPrincipalsResponse {
        principals: Some(items),
        next_token: next,
    })
}

pub(super) fn tag_resource(
    s: &Services,
    ctx: &mut Ctx,
    input: w::TagResourceRequest,
) -> Result<w::TagResourceResponse, ApiError> {
    let share = match (input.resource_share_arn, input.resource_arn) {
        (Some(s), None) => s,
        (None, Some(_)) => {
            return Err(ApiError::not_implemented(
                "ram",
                "TagResource on a permission",
            ))
        }
        _ => {
            return Err(invalid(
                "Specify exactly one of resourceShareArn and resourceArn.",
            ))
        }
    };
    s.ram(
        ctx,
        RamCommand::TagShare {
            share,
            tags: tags_in(Some(input.tags))?,
        },
    )?;
    Ok(w::TagResourceResponse {})
}

pub(super) fn untag_resource(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UntagResourceRequest,
) -> Result<w::UntagResourceResponse, ApiError> {
    let share = match (input.resource_share_arn, input.resource_arn) {
        (Some(s), None) => s,
        (None, Some(_)) => {
            return Err(ApiError::not_implemented(
                "ram",
                "UntagResource on a permission",
            ))
        }
        _ => {
            return Err(invalid(
                "Specify exactly one of resourceShareArn and resourceArn.",
            ))
        }
    };
    s.ram(
        ctx,
        RamCommand::UntagShare {
            share,
            keys: input.tag_keys,
        },
    )?;
    Ok(w::UntagResourceResponse {})
}

pub(super) fn get_resource_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetResourcePoliciesRequest,
) -> Result<w::GetResourcePoliciesResponse, ApiError> {
    for arn in &input.resource_arns {
        parse_resource_arn(arn).map_err(domain_error)?;
    }
    let items = s.read(|c| {
        let mut out = Vec::new();
        for arn in &input.resource_arns {
            let mut accounts = std::collections::BTreeSet::new();
            let mut actions: &[&str] = &[];
            for s in listed_shares(c, ctx, true)
                .into_iter()
                .filter(|s| s.active())
            {
                if s.resources
                    .get(arn)
                    .is_some_and(|a| a.status == "ASSOCIATED")
                {
                    accounts.extend(c.accounts_reached(s));
                    actions = parse_resource_arn(arn)
                        .map(|x| x.kind.actions)
                        .unwrap_or(&[]);
                }
            }
            if let Some(p) = &input.principal {
                accounts.retain(|a| a == p);
            }
            if accounts.is_empty() {
                continue;
            }
            let principals: Vec<String> = accounts
                .iter()
                .map(|a| format!("arn:aws:iam::{a}:root"))
                .collect();
            out.push(
                serde_json::json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "AWS": principals },
                        "Action": actions,
                        "Resource": arn,
                    }]
                })
                .to_string(),
            );
        }
        Ok(out)
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::GetResourcePoliciesResponse {
        policies: Some(items),
        next_token: next,
    })
}

pub(super) fn enable_sharing_with_aws_organization(
    s: &Services,
    ctx: &mut Ctx,
    _input: w::EnableSharingWithAwsOrganizationRequest,
) -> Result<w::EnableSharingWithAwsOrganizationResponse, ApiError> {
    s.apply(
        ctx,
        Command::Org(cloud::OrgCommand::EnableRamSharing),
        |_, _| (),
    )?;
    Ok(w::EnableSharingWithAwsOrganizationResponse {
        return_value: Some(true),
    })
}
