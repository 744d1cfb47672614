//! Managed permissions: the resource types, the permissions, and which a share uses.

use super::*;

pub(super) fn list_resource_types(
    _: &Services,
    _ctx: &mut Ctx,
    input: w::ListResourceTypesRequest,
) -> Result<w::ListResourceTypesResponse, ApiError> {
    if let Some(scope) = input.resource_region_scope.as_deref() {
        if !matches!(scope, "ALL" | "REGIONAL" | "GLOBAL") {
            return Err(invalid(format!(
                "The resourceRegionScope value {scope} is not valid. Valid values are ALL, REGIONAL and GLOBAL."
            )));
        }
    }
    let items: Vec<w::ServiceNameAndResourceType> =
        if input.resource_region_scope.as_deref() == Some("GLOBAL") {
            vec![]
        } else {
            RESOURCE_TYPES
                .iter()
                .map(|t| w::ServiceNameAndResourceType {
                    resource_type: Some(t.name.into()),
                    service_name: Some("ec2".into()),
                    resource_region_scope: Some("REGIONAL".into()),
                })
                .collect()
        };
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::ListResourceTypesResponse {
        resource_types: Some(items),
        next_token: next,
    })
}

pub(super) fn list_permissions(
    _: &Services,
    _ctx: &mut Ctx,
    input: w::ListPermissionsRequest,
) -> Result<w::ListPermissionsResponse, ApiError> {
    if let Some(t) = &input.resource_type {
        if resource_type(t).is_none() {
            return Err(domain_error(Error::new(
                "InvalidParameterException",
                format!("The specified resource type {t} is not valid."),
            )));
        }
    }
    let customer_only = input.permission_type.as_deref() == Some("CUSTOMER_MANAGED");
    let items: Vec<_> = RESOURCE_TYPES
        .iter()
        .filter(|_| !customer_only)
        .filter(|t| {
            input
                .resource_type
                .as_ref()
                .is_none_or(|x| x.eq_ignore_ascii_case(t.name))
        })
        .map(|t| permission_summary(t, PERMISSIONS_CREATED))
        .collect();
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::ListPermissionsResponse {
        permissions: Some(items),
        next_token: next,
    })
}

pub(super) fn get_permission(
    _: &Services,
    _ctx: &mut Ctx,
    input: w::GetPermissionRequest,
) -> Result<w::GetPermissionResponse, ApiError> {
    if !input.permission_arn.starts_with("arn:aws:ram:") {
        return Err(domain_error(Error::new(
            "MalformedArnException",
            format!(
                "The specified permission ARN {} is not valid.",
                input.permission_arn
            ),
        )));
    }
    let t = permission_by_arn(&input.permission_arn).ok_or_else(|| {
        domain_error(Error::new(
            "UnknownResourceException",
            format!("Permission {} could not be found.", input.permission_arn),
        ))
    })?;
    if input.permission_version.is_some_and(|v| v != 1) {
        return Err(invalid("The permission has only version 1."));
    }
    Ok(w::GetPermissionResponse {
        permission: Some(w::ResourceSharePermissionDetail {
            arn: Some(permission_arn(t.permission)),
            version: Some("1".into()),
            default_version: Some(true),
            name: Some(t.permission.into()),
            resource_type: Some(t.name.into()),
            permission: Some(permission_text(t)),
            creation_time: Some(DateTime(PERMISSIONS_CREATED)),
            last_updated_time: Some(DateTime(PERMISSIONS_CREATED)),
            is_resource_type_default: Some(true),
            permission_type: Some("AWS_MANAGED".into()),
            feature_set: Some("STANDARD".into()),
            status: Some("ATTACHABLE".into()),
            tags: None,
        }),
    })
}

pub(super) fn list_resource_share_permissions(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListResourceSharePermissionsRequest,
) -> Result<w::ListResourceSharePermissionsResponse, ApiError> {
    let arn = input.resource_share_arn.clone();
    let items = s.read(|c| {
        let s = c.share(&arn)?;
        let visible =
            s.region == ctx.region && (s.owner == ctx.account || c.share_reaches(s, &ctx.account));
        if !visible {
            return Err(r::share_not_found(&arn));
        }
        Ok(s.permissions_in_force()
            .iter()
            .filter_map(|p| permission_by_arn(p))
            .map(|t| permission_summary(t, PERMISSIONS_CREATED))
            .collect::<Vec<_>>())
    })?;
    let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
    Ok(w::ListResourceSharePermissionsResponse {
        permissions: Some(items),
        next_token: next,
    })
}

pub(super) fn associate_resource_share_permission(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateResourceSharePermissionRequest,
) -> Result<w::AssociateResourceSharePermissionResponse, ApiError> {
    if input.permission_version.is_some_and(|v| v != 1) {
        return Err(invalid("The permission has only version 1."));
    }
    s.ram(
        ctx,
        RamCommand::AssociatePermission {
            share: input.resource_share_arn,
            permission: input.permission_arn,
            replace: input.replace.unwrap_or(false),
        },
    )?;
    Ok(w::AssociateResourceSharePermissionResponse {
        return_value: Some(true),
        client_token: input.client_token,
    })
}

pub(super) fn disassociate_resource_share_permission(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateResourceSharePermissionRequest,
) -> Result<w::DisassociateResourceSharePermissionResponse, ApiError> {
    s.ram(
        ctx,
        RamCommand::DisassociatePermission {
            share: input.resource_share_arn,
            permission: input.permission_arn,
        },
    )?;
    Ok(w::DisassociateResourceSharePermissionResponse {
        return_value: Some(true),
        client_token: input.client_token,
    })
}
