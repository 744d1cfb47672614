//! Groups: named sets of users, their membership and their inline and attached policies.

use super::{attached_out, inline_document, page, url_encode, user_out};
use crate::{domain_error, Ctx, Services};
use cloud::iam_groups::{Group, GroupCommand};
use cloud::{Command, IamCommand};
use wire::iam as w;
use wire::{ApiError, DateTime};

fn group_out(g: &Group) -> w::Group {
    w::Group {
        path: g.path.clone(),
        group_name: g.name.clone(),
        group_id: g.id.clone(),
        arn: g.arn(),
        create_date: DateTime(g.created),
    }
}

fn command(s: &Services, ctx: &mut Ctx, command: GroupCommand) -> Result<(), ApiError> {
    let (_, ticket) = s
        .engine
        .write(
            &ctx.account,
            &ctx.region,
            Command::Iam(IamCommand::Group(command)),
            |_, _| (),
        )
        .map_err(domain_error)?;
    ctx.tickets.push(ticket);
    Ok(())
}

pub(super) fn create_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateGroupRequest,
) -> Result<w::CreateGroupResponse, ApiError> {
    let name = input.group_name.clone();
    command(
        s,
        ctx,
        GroupCommand::Create {
            name: input.group_name,
            path: input.path,
        },
    )?;
    let group = s.read(|c| c.group(&ctx.account, &name).map(group_out))?;
    Ok(w::CreateGroupResponse { group })
}

pub(super) fn get_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetGroupRequest,
) -> Result<w::GetGroupResponse, ApiError> {
    let (group, users) = s.read(|c| {
        let g = c.group(&ctx.account, &input.group_name)?;
        let users = g
            .members
            .iter()
            .filter_map(|m| c.user(&ctx.account, m).ok())
            .map(user_out)
            .collect::<Vec<_>>();
        Ok((group_out(g), users))
    })?;
    let (users, is_truncated, marker) = page(users, input.max_items, input.marker.as_deref())?;
    Ok(w::GetGroupResponse {
        group,
        users,
        is_truncated,
        marker,
    })
}

pub(super) fn list_groups(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListGroupsRequest,
) -> Result<w::ListGroupsResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let groups = s.read(|c| {
        Ok(c.iam
            .groups
            .values()
            .filter(|g| g.account == ctx.account && g.path.starts_with(&prefix))
            .map(group_out)
            .collect::<Vec<_>>())
    })?;
    let (groups, is_truncated, marker) = page(groups, input.max_items, input.marker.as_deref())?;
    Ok(w::ListGroupsResponse {
        groups,
        is_truncated,
        marker,
    })
}

pub(super) fn list_groups_for_user(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListGroupsForUserRequest,
) -> Result<w::ListGroupsForUserResponse, ApiError> {
    let groups = s.read(|c| {
        c.user(&ctx.account, &input.user_name)?;
        Ok(c.groups_of_user(&ctx.account, &input.user_name)
            .into_iter()
            .map(group_out)
            .collect::<Vec<_>>())
    })?;
    let (groups, is_truncated, marker) = page(groups, input.max_items, input.marker.as_deref())?;
    Ok(w::ListGroupsForUserResponse {
        groups,
        is_truncated,
        marker,
    })
}

pub(super) fn delete_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteGroupRequest,
) -> Result<(), ApiError> {
    let name = input.group_name;
    command(s, ctx, GroupCommand::Delete { name })
}

pub(super) fn add_user_to_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AddUserToGroupRequest,
) -> Result<(), ApiError> {
    let (group, user) = (input.group_name, input.user_name);
    command(s, ctx, GroupCommand::AddUser { group, user })
}

pub(super) fn remove_user_from_group(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RemoveUserFromGroupRequest,
) -> Result<(), ApiError> {
    let (group, user) = (input.group_name, input.user_name);
    command(s, ctx, GroupCommand::RemoveUser { group, user })
}

pub(super) fn put_group_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::PutGroupPolicyRequest,
) -> Result<(), ApiError> {
    command(
        s,
        ctx,
        GroupCommand::PutPolicy {
            group: input.group_name,
            name: input.policy_name,
            document: input.policy_document,
        },
    )
}

pub(super) fn get_group_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetGroupPolicyRequest,
) -> Result<w::GetGroupPolicyResponse, ApiError> {
    let (group, doc) = s.read(|c| {
        let g = c.group(&ctx.account, &input.group_name)?;
        let doc = inline_document(&g.inline_policies, "group", &input.policy_name)?;
        Ok((g.name.clone(), doc))
    })?;
    Ok(w::GetGroupPolicyResponse {
        group_name: group,
        policy_name: input.policy_name,
        policy_document: url_encode(&doc),
    })
}

pub(super) fn delete_group_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteGroupPolicyRequest,
) -> Result<(), ApiError> {
    let (group, name) = (input.group_name, input.policy_name);
    command(s, ctx, GroupCommand::DeletePolicy { group, name })
}

pub(super) fn list_group_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListGroupPoliciesRequest,
) -> Result<w::ListGroupPoliciesResponse, ApiError> {
    let names = s.read(|c| {
        c.group(&ctx.account, &input.group_name)
            .map(|g| g.inline_policies.keys().cloned().collect::<Vec<_>>())
    })?;
    let (policy_names, is_truncated, marker) =
        page(names, input.max_items, input.marker.as_deref())?;
    Ok(w::ListGroupPoliciesResponse {
        policy_names,
        is_truncated,
        marker,
    })
}

pub(super) fn attach_group_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AttachGroupPolicyRequest,
) -> Result<(), ApiError> {
    let (group, arn) = (input.group_name, input.policy_arn);
    command(s, ctx, GroupCommand::AttachPolicy { group, arn })
}

pub(super) fn detach_group_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DetachGroupPolicyRequest,
) -> Result<(), ApiError> {
    let (group, arn) = (input.group_name, input.policy_arn);
    command(s, ctx, GroupCommand::DetachPolicy { group, arn })
}

pub(super) fn list_attached_group_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListAttachedGroupPoliciesRequest,
) -> Result<w::ListAttachedGroupPoliciesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let attached = s.read(|c| {
        c.group(&ctx.account, &input.group_name)
            .map(|g| attached_out(&g.attached_policies, &prefix))
    })?;
    let (attached, is_truncated, marker) =
        page(attached, input.max_items, input.marker.as_deref())?;
    Ok(w::ListAttachedGroupPoliciesResponse {
        attached_policies: Some(attached),
        is_truncated,
        marker,
    })
}
