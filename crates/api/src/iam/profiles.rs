//! Instance profiles: create, read, delete, their one role, their tags.

use super::{page, role_out, tags_in, tags_out};
use crate::{Ctx, Services};
use cloud::iam_profiles::{InstanceProfile, ProfileCommand};
use cloud::{Cloud, IamCommand};
use wire::iam as w;
use wire::{ApiError, DateTime};

pub(super) fn profile_out(c: &Cloud, p: &InstanceProfile) -> w::InstanceProfile {
    w::InstanceProfile {
        path: p.path.clone(),
        instance_profile_name: p.name.clone(),
        instance_profile_id: p.id.clone(),
        arn: p.arn(),
        create_date: DateTime(p.created),
        roles: p
            .roles
            .iter()
            .filter_map(|r| c.role(&p.account, r).ok())
            .map(|r| role_out(r, false))
            .collect(),
        tags: (!p.tags.is_empty()).then(|| tags_out(&p.tags)),
    }
}

fn command(s: &Services, ctx: &mut Ctx, command: ProfileCommand) -> Result<(), ApiError> {
    s.iam(ctx, IamCommand::Profile(command)).map(|_| ())
}

pub(super) fn create_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateInstanceProfileRequest,
) -> Result<w::CreateInstanceProfileResponse, ApiError> {
    let name = input.instance_profile_name.clone();
    command(
        s,
        ctx,
        ProfileCommand::Create {
            name: input.instance_profile_name,
            path: input.path,
            tags: tags_in(input.tags),
        },
    )?;
    let instance_profile =
        s.read(|c| Ok(profile_out(c, c.instance_profile(&ctx.account, &name)?)))?;
    Ok(w::CreateInstanceProfileResponse { instance_profile })
}

pub(super) fn get_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetInstanceProfileRequest,
) -> Result<w::GetInstanceProfileResponse, ApiError> {
    let name = input.instance_profile_name;
    let instance_profile =
        s.read(|c| Ok(profile_out(c, c.instance_profile(&ctx.account, &name)?)))?;
    Ok(w::GetInstanceProfileResponse { instance_profile })
}

pub(super) fn delete_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteInstanceProfileRequest,
) -> Result<(), ApiError> {
    let name = input.instance_profile_name;
    command(s, ctx, ProfileCommand::Delete { name })
}

pub(super) fn add_role_to_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AddRoleToInstanceProfileRequest,
) -> Result<(), ApiError> {
    let (profile, role) = (input.instance_profile_name, input.role_name);
    command(s, ctx, ProfileCommand::AddRole { profile, role })
}

pub(super) fn remove_role_from_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RemoveRoleFromInstanceProfileRequest,
) -> Result<(), ApiError> {
    let (profile, role) = (input.instance_profile_name, input.role_name);
    command(s, ctx, ProfileCommand::RemoveRole { profile, role })
}

pub(super) fn list_instance_profiles(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListInstanceProfilesRequest,
) -> Result<w::ListInstanceProfilesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let profiles = s.read(|c| {
        Ok(c.iam
            .instance_profiles
            .values()
            .filter(|p| p.account == ctx.account && p.path.starts_with(&prefix))
            .map(|p| profile_out(c, p))
            .collect::<Vec<_>>())
    })?;
    let (instance_profiles, is_truncated, marker) =
        page(profiles, input.max_items, input.marker.as_deref())?;
    Ok(w::ListInstanceProfilesResponse {
        instance_profiles,
        is_truncated,
        marker,
    })
}

pub(super) fn list_instance_profiles_for_role(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListInstanceProfilesForRoleRequest,
) -> Result<w::ListInstanceProfilesForRoleResponse, ApiError> {
    let profiles = s.read(|c| {
        c.role(&ctx.account, &input.role_name)?;
        Ok(c.profiles_of_role(&ctx.account, &input.role_name)
            .into_iter()
            .map(|p| profile_out(c, p))
            .collect::<Vec<_>>())
    })?;
    let (instance_profiles, is_truncated, marker) =
        page(profiles, input.max_items, input.marker.as_deref())?;
    Ok(w::ListInstanceProfilesForRoleResponse {
        instance_profiles,
        is_truncated,
        marker,
    })
}

pub(super) fn tag_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::TagInstanceProfileRequest,
) -> Result<(), ApiError> {
    let (name, tags) = (input.instance_profile_name, tags_in(Some(input.tags)));
    command(s, ctx, ProfileCommand::Tag { name, tags })
}

pub(super) fn untag_instance_profile(
    s: &Services,
    ctx: &mut Ctx,
    input: w::UntagInstanceProfileRequest,
) -> Result<(), ApiError> {
    let (name, keys) = (input.instance_profile_name, input.tag_keys);
    command(s, ctx, ProfileCommand::Untag { name, keys })
}

pub(super) fn list_instance_profile_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListInstanceProfileTagsRequest,
) -> Result<w::ListInstanceProfileTagsResponse, ApiError> {
    let name = input.instance_profile_name;
    let tags = s.read(|c| {
        c.instance_profile(&ctx.account, &name)
            .map(|p| tags_out(&p.tags))
    })?;
    let (tags, is_truncated, marker) = page(tags, input.max_items, input.marker.as_deref())?;
    Ok(w::ListInstanceProfileTagsResponse {
        tags,
        is_truncated,
        marker,
    })
}
