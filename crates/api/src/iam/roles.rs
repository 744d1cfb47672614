//! Roles: ordinary and service-linked, their trust, tags, inline and attached policies.

use super::{attached_out, inline_document, page, role_out, tags_in, tags_out, url_encode};
use crate::{domain_error, Ctx, Services};
use cloud::iam_boundaries::Bounded;
use cloud::{Error, IamCommand, NewRole, Outcome};
use wire::iam as w;
use wire::ApiError;

pub(super) fn create_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateRoleRequest,
) -> Result<w::CreateRoleResponse, ApiError> {
    let name = input.role_name.clone();
    s.iam(
        ctx,
        IamCommand::CreateRole(NewRole {
            name: input.role_name,
            path: input.path,
            trust_policy: input.assume_role_policy_document,
            description: input.description,
            max_session_seconds: input.max_session_duration.map(i64::from),
            tags: tags_in(input.tags),
            permissions_boundary: input.permissions_boundary,
        }),
    )?;
    let role = s.read(|c| c.role(&ctx.account, &name).map(|r| role_out(r, false)))?;
    Ok(w::CreateRoleResponse { role })
}

pub(super) fn get_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetRoleRequest,
) -> Result<w::GetRoleResponse, ApiError> {
    let role = s.read(|c| {
        c.role(&ctx.account, &input.role_name)
            .map(|r| role_out(r, true))
    })?;
    Ok(w::GetRoleResponse { role })
}

pub(super) fn list_roles(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListRolesRequest,
) -> Result<w::ListRolesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let roles = s.read(|c| {
        Ok(c.iam
            .roles
            .values()
            .filter(|r| r.account == ctx.account && r.path.starts_with(&prefix))
            .map(|r| role_out(r, false))
            .collect::<Vec<_>>())
    })?;
    let (roles, is_truncated, marker) = page(roles, input.max_items, input.marker.as_deref())?;
    Ok(w::ListRolesResponse {
        roles,
        is_truncated,
        marker,
    })
}

pub(super) fn delete_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteRoleRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeleteRole {
            name: input.role_name,
        },
    )
    .map(|_| ())
}

pub(super) fn update_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateRoleRequest,
) -> Result<w::UpdateRoleResponse, ApiError> {
    s.iam(
        ctx,
        IamCommand::UpdateRole {
            name: input.role_name,
            description: input.description,
            max_session_seconds: input.max_session_duration.map(i64::from),
        },
    )?;
    Ok(w::UpdateRoleResponse {})
}

pub(super) fn update_assume_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateAssumeRolePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::UpdateAssumeRolePolicy {
            name: input.role_name,
            document: input.policy_document,
        },
    )
    .map(|_| ())
}

pub(super) fn tag_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::TagRoleRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::TagRole {
            name: input.role_name,
            tags: tags_in(Some(input.tags)),
        },
    )
    .map(|_| ())
}

pub(super) fn untag_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UntagRoleRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::UntagRole {
            name: input.role_name,
            keys: input.tag_keys,
        },
    )
    .map(|_| ())
}

pub(super) fn list_role_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListRoleTagsRequest,
) -> Result<w::ListRoleTagsResponse, ApiError> {
    let tags = s.read(|c| {
        c.role(&ctx.account, &input.role_name)
            .map(|r| tags_out(&r.tags))
    })?;
    let (tags, is_truncated, marker) = page(tags, input.max_items, input.marker.as_deref())?;
    Ok(w::ListRoleTagsResponse {
        tags,
        is_truncated,
        marker,
    })
}

pub(super) fn put_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::PutRolePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::PutRolePolicy {
            role: input.role_name,
            name: input.policy_name,
            document: input.policy_document,
        },
    )
    .map(|_| ())
}

pub(super) fn get_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetRolePolicyRequest,
) -> Result<w::GetRolePolicyResponse, ApiError> {
    let (role, doc) = s.read(|c| {
        let r = c.role(&ctx.account, &input.role_name)?;
        let doc = inline_document(&r.inline_policies, "role", &input.policy_name)?;
        Ok((r.name.clone(), doc))
    })?;
    Ok(w::GetRolePolicyResponse {
        role_name: role,
        policy_name: input.policy_name,
        policy_document: url_encode(&doc),
    })
}

pub(super) fn delete_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteRolePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeleteRolePolicy {
            role: input.role_name,
            name: input.policy_name,
        },
    )
    .map(|_| ())
}

pub(super) fn list_role_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListRolePoliciesRequest,
) -> Result<w::ListRolePoliciesResponse, ApiError> {
    let names = s.read(|c| {
        c.role(&ctx.account, &input.role_name)
            .map(|r| r.inline_policies.keys().cloned().collect::<Vec<_>>())
    })?;
    let (policy_names, is_truncated, marker) =
        page(names, input.max_items, input.marker.as_deref())?;
    Ok(w::ListRolePoliciesResponse {
        policy_names,
        is_truncated,
        marker,
    })
}

pub(super) fn attach_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AttachRolePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::AttachRolePolicy {
            role: input.role_name,
            arn: input.policy_arn,
        },
    )
    .map(|_| ())
}

pub(super) fn detach_role_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DetachRolePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DetachRolePolicy {
            role: input.role_name,
            arn: input.policy_arn,
        },
    )
    .map(|_| ())
}

pub(super) fn list_attached_role_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListAttachedRolePoliciesRequest,
) -> Result<w::ListAttachedRolePoliciesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let attached = s.read(|c| {
        c.role(&ctx.account, &input.role_name)
            .map(|r| attached_out(&r.attached_policies, &prefix))
    })?;
    let (attached, is_truncated, marker) =
        page(attached, input.max_items, input.marker.as_deref())?;
    Ok(w::ListAttachedRolePoliciesResponse {
        attached_policies: Some(attached),
        is_truncated,
        marker,
    })
}

pub(super) fn create_service_linked_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateServiceLinkedRoleRequest,
) -> Result<w::CreateServiceLinkedRoleResponse, ApiError> {
    let outcome = s.iam(
        ctx,
        IamCommand::CreateServiceLinkedRole {
            service: input.aws_service_name,
            description: input.description,
            suffix: input.custom_suffix,
        },
    )?;
    let Outcome::Id(name) = outcome else {
        return Err(domain_error(Error::new("ServiceFailure", "no role")));
    };
    let role = s.read(|c| c.role(&ctx.account, &name).map(|r| role_out(r, false)))?;
    Ok(w::CreateServiceLinkedRoleResponse { role: Some(role) })
}

pub(super) fn delete_service_linked_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteServiceLinkedRoleRequest,
) -> Result<w::DeleteServiceLinkedRoleResponse, ApiError> {
    let outcome = s.iam(
        ctx,
        IamCommand::DeleteServiceLinkedRole {
            name: input.role_name,
        },
    )?;
    let Outcome::Id(task) = outcome else {
        return Err(domain_error(Error::new("ServiceFailure", "no task")));
    };
    Ok(w::DeleteServiceLinkedRoleResponse {
        deletion_task_id: task,
    })
}

pub(super) fn get_service_linked_role_deletion_status(
    _: &Services,
    ctx: &mut Ctx,
    input: w::GetServiceLinkedRoleDeletionStatusRequest,
) -> Result<w::GetServiceLinkedRoleDeletionStatusResponse, ApiError> {
    // Deletion happens at once, so every well-formed task of this account has succeeded.
    let valid = input.deletion_task_id.starts_with("task/aws-service-role/");
    if !valid {
        return Err(domain_error(Error::new(
            "NoSuchEntity",
            format!(
                "The deletion task {} cannot be found.",
                input.deletion_task_id
            ),
        )));
    }
    let _ = ctx;
    Ok(w::GetServiceLinkedRoleDeletionStatusResponse {
        status: "SUCCEEDED".into(),
        reason: None,
    })
}

pub(super) fn put_role_permissions_boundary(
    s: &Services,
    ctx: &mut Ctx,
    input: w::PutRolePermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    let entity = Bounded::Role(input.role_name);
    s.iam(
        ctx,
        IamCommand::PutPermissionsBoundary {
            entity,
            arn: input.permissions_boundary,
        },
    )
    .map(|_| ())
}

pub(super) fn delete_role_permissions_boundary(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteRolePermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    let entity = Bounded::Role(input.role_name);
    s.iam(ctx, IamCommand::DeletePermissionsBoundary { entity })
        .map(|_| ())
}
