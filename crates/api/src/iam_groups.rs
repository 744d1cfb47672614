//! IAM's group operations: what the generated trait methods in `iam` hand over.

use crate::iam::{page, user_out};
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

impl Services {
    pub(crate) fn group_command(
        &self,
        ctx: &mut Ctx,
        command: GroupCommand,
    ) -> Result<(), ApiError> {
        let (_, ticket) = self
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

    pub(crate) fn created_group(
        &self,
        ctx: &mut Ctx,
        input: w::CreateGroupRequest,
    ) -> Result<w::CreateGroupResponse, ApiError> {
        let name = input.group_name.clone();
        self.group_command(
            ctx,
            GroupCommand::Create {
                name: input.group_name,
                path: input.path,
            },
        )?;
        let group = self.read(|c| c.group(&ctx.account, &name).map(group_out))?;
        Ok(w::CreateGroupResponse { group })
    }

    pub(crate) fn group_with_users(
        &self,
        ctx: &Ctx,
        input: w::GetGroupRequest,
    ) -> Result<w::GetGroupResponse, ApiError> {
        let (group, users) = self.read(|c| {
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

    pub(crate) fn groups_for_user(
        &self,
        ctx: &Ctx,
        input: w::ListGroupsForUserRequest,
    ) -> Result<w::ListGroupsForUserResponse, ApiError> {
        let groups = self.read(|c| {
            c.user(&ctx.account, &input.user_name)?;
            Ok(c.groups_of_user(&ctx.account, &input.user_name)
                .into_iter()
                .map(group_out)
                .collect::<Vec<_>>())
        })?;
        let (groups, is_truncated, marker) =
            page(groups, input.max_items, input.marker.as_deref())?;
        Ok(w::ListGroupsForUserResponse {
            groups,
            is_truncated,
            marker,
        })
    }
}
