//! Users: their policies, tags and access keys.

use super::{attached_out, inline_document, page, tags_in, tags_out, url_encode, user_out};
use crate::{domain_error, Ctx, Services};
use cloud::iam_boundaries::Bounded;
use cloud::{Error, IamCommand, Outcome};
use wire::iam as w;
use wire::{ApiError, DateTime};

pub(super) fn create_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateUserRequest,
) -> Result<w::CreateUserResponse, ApiError> {
    let name = input.user_name.clone();
    s.iam(
        ctx,
        IamCommand::CreateUser {
            name: input.user_name,
            path: input.path,
            tags: tags_in(input.tags),
            permissions_boundary: input.permissions_boundary,
        },
    )?;
    let user = s.read(|c| c.user(&ctx.account, &name).map(user_out))?;
    Ok(w::CreateUserResponse { user: Some(user) })
}

pub(super) fn get_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetUserRequest,
) -> Result<w::GetUserResponse, ApiError> {
    let name = s.user_name(ctx, input.user_name)?;
    let user = s.read(|c| c.user(&ctx.account, &name).map(user_out))?;
    Ok(w::GetUserResponse { user })
}

pub(super) fn list_users(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListUsersRequest,
) -> Result<w::ListUsersResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let users = s.read(|c| {
        Ok(c.iam
            .users
            .values()
            .filter(|u| u.account == ctx.account && u.path.starts_with(&prefix))
            .map(user_out)
            .collect::<Vec<_>>())
    })?;
    let (users, is_truncated, marker) = page(users, input.max_items, input.marker.as_deref())?;
    Ok(w::ListUsersResponse {
        users,
        is_truncated,
        marker,
    })
}

pub(super) fn delete_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteUserRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeleteUser {
            name: input.user_name,
        },
    )
    .map(|_| ())
}

pub(super) fn put_user_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::PutUserPolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::PutUserPolicy {
            user: input.user_name,
            name: input.policy_name,
            document: input.policy_document,
        },
    )
    .map(|_| ())
}

pub(super) fn delete_user_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteUserPolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeleteUserPolicy {
            user: input.user_name,
            name: input.policy_name,
        },
    )
    .map(|_| ())
}

pub(super) fn attach_user_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AttachUserPolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::AttachUserPolicy {
            user: input.user_name,
            arn: input.policy_arn,
        },
    )
    .map(|_| ())
}

pub(super) fn detach_user_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DetachUserPolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DetachUserPolicy {
            user: input.user_name,
            arn: input.policy_arn,
        },
    )
    .map(|_| ())
}

pub(super) fn create_access_key(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateAccessKeyRequest,
) -> Result<w::CreateAccessKeyResponse, ApiError> {
    let user = s.user_name(ctx, input.user_name)?;
    let outcome = s.iam(ctx, IamCommand::CreateAccessKey { user })?;
    let Outcome::Id(id) = outcome else {
        return Err(domain_error(Error::new("ServiceFailure", "no key")));
    };
    let key = s.read(|c| {
        let k = c
            .iam
            .keys
            .get(&id)
            .ok_or_else(|| Error::new("ServiceFailure", "no key"))?;
        Ok(w::AccessKey {
            user_name: k.user.clone(),
            access_key_id: k.id.clone(),
            status: "Active".into(),
            secret_access_key: k.secret.clone(),
            create_date: Some(DateTime(k.created)),
        })
    })?;
    Ok(w::CreateAccessKeyResponse { access_key: key })
}

pub(super) fn list_access_keys(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListAccessKeysRequest,
) -> Result<w::ListAccessKeysResponse, ApiError> {
    let user = s.user_name(ctx, input.user_name)?;
    let keys = s.read(|c| {
        let name = c.user(&ctx.account, &user)?.name.clone();
        let mut keys: Vec<_> = c
            .iam
            .keys
            .values()
            .filter(|k| k.account == ctx.account && k.user == name)
            .collect();
        keys.sort_by_key(|k| (k.created, k.id.clone()));
        Ok(keys
            .into_iter()
            .map(|k| w::AccessKeyMetadata {
                user_name: Some(k.user.clone()),
                access_key_id: Some(k.id.clone()),
                status: Some(if k.active { "Active" } else { "Inactive" }.into()),
                create_date: Some(DateTime(k.created)),
            })
            .collect::<Vec<_>>())
    })?;
    let (access_key_metadata, is_truncated, marker) =
        page(keys, input.max_items, input.marker.as_deref())?;
    Ok(w::ListAccessKeysResponse {
        access_key_metadata,
        is_truncated,
        marker,
    })
}

pub(super) fn update_access_key(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UpdateAccessKeyRequest,
) -> Result<(), ApiError> {
    let user = s.user_name(ctx, input.user_name)?;
    let active = match input.status.as_str() {
        "Active" => true,
        "Inactive" => false,
        other => {
            return Err(domain_error(Error::new(
                "ValidationError",
                format!("1 validation error detected: Value '{other}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"),
            )))
        }
    };
    s.iam(
        ctx,
        IamCommand::UpdateAccessKey {
            user,
            key_id: input.access_key_id,
            active,
        },
    )
    .map(|_| ())
}

pub(super) fn delete_access_key(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteAccessKeyRequest,
) -> Result<(), ApiError> {
    let user = s.user_name(ctx, input.user_name)?;
    s.iam(
        ctx,
        IamCommand::DeleteAccessKey {
            user,
            key_id: input.access_key_id,
        },
    )
    .map(|_| ())
}

pub(super) fn put_user_permissions_boundary(
    s: &Services,
    ctx: &mut Ctx,
    input: w::PutUserPermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    let entity = Bounded::User(input.user_name);
    s.iam(
        ctx,
        IamCommand::PutPermissionsBoundary {
            entity,
            arn: input.permissions_boundary,
        },
    )
    .map(|_| ())
}

pub(super) fn delete_user_permissions_boundary(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteUserPermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    let entity = Bounded::User(input.user_name);
    s.iam(ctx, IamCommand::DeletePermissionsBoundary { entity })
        .map(|_| ())
}

pub(super) fn get_user_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetUserPolicyRequest,
) -> Result<w::GetUserPolicyResponse, ApiError> {
    let (user, doc) = s.read(|c| {
        let u = c.user(&ctx.account, &input.user_name)?;
        let doc = inline_document(&u.inline_policies, "user", &input.policy_name)?;
        Ok((u.name.clone(), doc))
    })?;
    Ok(w::GetUserPolicyResponse {
        user_name: user,
        policy_name: input.policy_name,
        policy_document: url_encode(&doc),
    })
}

pub(super) fn list_user_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListUserPoliciesRequest,
) -> Result<w::ListUserPoliciesResponse, ApiError> {
    let names = s.read(|c| {
        c.user(&ctx.account, &input.user_name)
            .map(|u| u.inline_policies.keys().cloned().collect::<Vec<_>>())
    })?;
    let (policy_names, is_truncated, marker) =
        page(names, input.max_items, input.marker.as_deref())?;
    Ok(w::ListUserPoliciesResponse {
        policy_names,
        is_truncated,
        marker,
    })
}

pub(super) fn list_attached_user_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListAttachedUserPoliciesRequest,
) -> Result<w::ListAttachedUserPoliciesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let attached = s.read(|c| {
        c.user(&ctx.account, &input.user_name)
            .map(|u| attached_out(&u.attached_policies, &prefix))
    })?;
    let (attached, is_truncated, marker) =
        page(attached, input.max_items, input.marker.as_deref())?;
    Ok(w::ListAttachedUserPoliciesResponse {
        attached_policies: Some(attached),
        is_truncated,
        marker,
    })
}

pub(super) fn tag_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::TagUserRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::TagUser {
            name: input.user_name,
            tags: tags_in(Some(input.tags)),
        },
    )
    .map(|_| ())
}

pub(super) fn untag_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UntagUserRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::UntagUser {
            name: input.user_name,
            keys: input.tag_keys,
        },
    )
    .map(|_| ())
}

pub(super) fn list_user_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListUserTagsRequest,
) -> Result<w::ListUserTagsResponse, ApiError> {
    let tags = s.read(|c| {
        c.user(&ctx.account, &input.user_name)
            .map(|u| tags_out(&u.tags))
    })?;
    let (tags, is_truncated, marker) = page(tags, input.max_items, input.marker.as_deref())?;
    Ok(w::ListUserTagsResponse {
        tags,
        is_truncated,
        marker,
    })
}

pub(super) fn get_access_key_last_used(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetAccessKeyLastUsedRequest,
) -> Result<w::GetAccessKeyLastUsedResponse, ApiError> {
    // ramparts does not record key use: AWS's answer for a key never used ("N/A").
    let user = s.read(|c| {
        c.iam
            .keys
            .get(&input.access_key_id)
            .filter(|k| k.account == ctx.account)
            .map(|k| k.user.clone())
            .ok_or_else(|| {
                Error::new(
                    "AccessDenied",
                    "The specified access key is not valid for this account.",
                )
            })
    })?;
    Ok(w::GetAccessKeyLastUsedResponse {
        user_name: Some(user),
        access_key_last_used: Some(w::AccessKeyLastUsed {
            last_used_date: None,
            service_name: "N/A".into(),
            region: "N/A".into(),
        }),
    })
}
