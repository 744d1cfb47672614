//! RAM: resource shares, associations, invitations and permissions. Reads go through the
//! cloud's view of who a share reaches, the same one EC2's visibility uses.

use crate::{domain_error, paginate, Ctx, Services};
use cloud::ram::{
    self as r, parse_resource_arn, permission_arn, permission_by_arn, resource_type, Association,
    Invitation, Share, RESOURCE_TYPES,
};
use cloud::{Cloud, Command, Error, Outcome, RamCommand, Tag};
use wire::ram as w;
use wire::{ApiError, DateTime};

const PAGE_BOUNDS: (i32, i32) = (1, 500);

fn invalid(message: impl Into<String>) -> ApiError {
    domain_error(Error::new("InvalidParameterException", message))
}

fn page<T>(
    items: Vec<T>,
    max: Option<i32>,
    token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    paginate(
        items,
        max,
        token,
        PAGE_BOUNDS,
        |t| {
            Error::new(
                "InvalidNextTokenException",
                format!("The specified value for NextToken ({t}) is not valid."),
            )
        },
        |m| {
            Error::new(
                "InvalidParameterException",
                format!("The value {m} for maxResults is not valid; it must be between 1 and 500."),
            )
        },
    )
}

fn tags_in(tags: Option<Vec<w::Tag>>) -> Result<Vec<Tag>, ApiError> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| {
            Ok(Tag {
                key: t.key.ok_or_else(|| {
                    domain_error(Error::new(
                        "MissingRequiredParameterException",
                        "A tag key is required.",
                    ))
                })?,
                value: t.value.unwrap_or_default(),
            })
        })
        .collect()
}

fn tags_out(tags: &[Tag]) -> Vec<w::Tag> {
    tags.iter()
        .map(|t| w::Tag {
            key: Some(t.key.clone()),
            value: Some(t.value.clone()),
        })
        .collect()
}

fn share_out(s: &Share) -> w::ResourceShare {
    w::ResourceShare {
        resource_share_arn: Some(s.arn.clone()),
        name: Some(s.name.clone()),
        owning_account_id: Some(s.owner.clone()),
        allow_external_principals: Some(s.allow_external),
        status: Some(s.status.clone()),
        status_message: None,
        tags: Some(tags_out(&s.tags)),
        creation_time: Some(DateTime(s.created)),
        last_updated_time: Some(DateTime(s.updated)),
        feature_set: Some("STANDARD".into()),
        resource_share_configuration: None,
    }
}

fn association_out(
    s: &Share,
    a: &Association,
    status: Option<&str>,
) -> w::ResourceShareAssociation {
    w::ResourceShareAssociation {
        resource_share_arn: Some(s.arn.clone()),
        resource_share_name: Some(s.name.clone()),
        associated_entity: Some(a.entity.clone()),
        association_type: Some(a.kind.as_str().into()),
        status: Some(status.unwrap_or(&a.status).to_string()),
        status_message: a.message.clone(),
        creation_time: Some(DateTime(a.created)),
        last_updated_time: Some(DateTime(a.updated)),
        external: Some(a.external),
    }
}

fn invitation_out(c: &Cloud, i: &Invitation, now: i64) -> w::ResourceShareInvitation {
    w::ResourceShareInvitation {
        resource_share_invitation_arn: Some(i.arn.clone()),
        resource_share_name: c.ram.shares.get(&i.share_arn).map(|s| s.name.clone()),
        resource_share_arn: Some(i.share_arn.clone()),
        sender_account_id: Some(i.sender.clone()),
        receiver_account_id: Some(i.receiver.clone()),
        invitation_timestamp: Some(DateTime(i.at)),
        status: Some(i.status_at(now).to_string()),
        resource_share_associations: None,
        receiver_arn: None,
    }
}

fn resource_out(s: &Share, a: &Association) -> Option<w::Resource> {
    let arn = parse_resource_arn(&a.entity).ok()?;
    Some(w::Resource {
        arn: Some(a.entity.clone()),
        r#type: Some(arn.kind.name.to_string()),
        resource_share_arn: Some(s.arn.clone()),
        resource_group_arn: None,
        status: Some("AVAILABLE".into()),
        status_message: None,
        creation_time: Some(DateTime(a.created)),
        last_updated_time: Some(DateTime(a.updated)),
        resource_region_scope: Some("REGIONAL".into()),
    })
}

fn permission_summary(t: &r::ResourceType, at: i64) -> w::ResourceSharePermissionSummary {
    w::ResourceSharePermissionSummary {
        arn: Some(permission_arn(t.permission)),
        version: Some("1".into()),
        default_version: Some(true),
        name: Some(t.permission.into()),
        resource_type: Some(t.name.into()),
        status: Some("ATTACHABLE".into()),
        creation_time: Some(DateTime(at)),
        last_updated_time: Some(DateTime(at)),
        is_resource_type_default: Some(true),
        permission_type: Some("AWS_MANAGED".into()),
        feature_set: Some("STANDARD".into()),
        tags: None,
    }
}

/// The policy template of a managed permission, as RAM shows it.
fn permission_text(t: &r::ResourceType) -> String {
    serde_json::json!({ "Effect": "Allow", "Action": t.actions }).to_string()
}

/// When ramparts' managed permissions came to be: a fixed date, so answers are stable.
const PERMISSIONS_CREATED: i64 = 1_640_995_200_000;

fn owner_filter(raw: &str) -> Result<bool, ApiError> {
    match raw {
        "SELF" => Ok(true),
        "OTHER-ACCOUNTS" => Ok(false),
        other => Err(invalid(format!(
            "The value {other} for resourceOwner is not valid; use SELF or OTHER-ACCOUNTS."
        ))),
    }
}

/// The shares a caller may list: its own (SELF) or those reaching it (OTHER-ACCOUNTS), in
/// the caller's Region, in ARN order.
fn listed_shares<'a>(c: &'a Cloud, ctx: &Ctx, own: bool) -> Vec<&'a Share> {
    c.ram
        .shares
        .values()
        .filter(|s| s.region == ctx.region)
        .filter(|s| {
            if own {
                s.owner == ctx.account
            } else {
                c.share_reaches(s, &ctx.account)
            }
        })
        .collect()
}

/// What an Associate/DisassociateResourceShare request names.
struct Members {
    share: String,
    resources: Vec<String>,
    principals: Vec<String>,
    sources: Vec<String>,
    client_token: Option<String>,
}

impl Services {
    fn ram(&self, ctx: &mut Ctx, command: RamCommand) -> Result<(Outcome, i64), ApiError> {
        let now = self.engine.time();
        self.apply(ctx, Command::Ram(command), |_, o| (o.clone(), now))
    }

    /// Associate or disassociate resources and principals; answers the associations the call
    /// touched. The call reports the transition under way (ASSOCIATING, DISASSOCIATING);
    /// reads show where it ended.
    fn change_members(
        &self,
        ctx: &mut Ctx,
        m: Members,
        associate: bool,
    ) -> Result<Vec<w::ResourceShareAssociation>, ApiError> {
        let (op, settled, under_way) = if associate {
            ("AssociateResourceShare", "ASSOCIATED", "ASSOCIATING")
        } else {
            (
                "DisassociateResourceShare",
                "DISASSOCIATED",
                "DISASSOCIATING",
            )
        };
        if !m.sources.is_empty() {
            return Err(ApiError::not_implemented(
                "ram",
                &format!("{op} with sources"),
            ));
        }
        let mut entities = m.resources.clone();
        entities.extend(m.principals.iter().cloned());
        let share = m.share.clone();
        let command = if associate {
            RamCommand::Associate {
                share: m.share,
                resources: m.resources,
                principals: m.principals,
                client_token: m.client_token,
            }
        } else {
            RamCommand::Disassociate {
                share: m.share,
                resources: m.resources,
                principals: m.principals,
                client_token: m.client_token,
            }
        };
        self.ram(ctx, command)?;
        self.read(|c| {
            let s = c.share(&share)?;
            Ok(entities
                .iter()
                .filter_map(|e| s.resources.get(e).or_else(|| s.principals.get(e)))
                .map(|a| association_out(s, a, (a.status == settled).then_some(under_way)))
                .collect())
        })
    }
}

impl w::Api for Services {
    type Ctx = Ctx;

    fn authorize(&self, ctx: &mut Ctx, call: w::Call<'_>) -> Result<(), ApiError> {
        self.authorize_call(ctx, crate::authorize::Service::Ram, |r| r.ram(call))
    }

    fn create_resource_share(
        &self,
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
        let (outcome, _) = self.ram(ctx, command)?;
        let Outcome::Id(arn) = outcome else {
            return Err(domain_error(Error::new(
                "ServerInternalException",
                "no share",
            )));
        };
        let share = self.read(|c| c.share(&arn).map(share_out))?;
        Ok(w::CreateResourceShareResponse {
            resource_share: Some(share),
            client_token: input.client_token,
        })
    }

    fn update_resource_share(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateResourceShareRequest,
    ) -> Result<w::UpdateResourceShareResponse, ApiError> {
        let arn = input.resource_share_arn.clone();
        self.ram(
            ctx,
            RamCommand::UpdateShare {
                share: input.resource_share_arn,
                name: input.name,
                allow_external: input.allow_external_principals,
                client_token: input.client_token.clone(),
            },
        )?;
        let share = self.read(|c| c.share(&arn).map(share_out))?;
        Ok(w::UpdateResourceShareResponse {
            resource_share: Some(share),
            client_token: input.client_token,
        })
    }

    fn delete_resource_share(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteResourceShareRequest,
    ) -> Result<w::DeleteResourceShareResponse, ApiError> {
        self.ram(
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

    fn associate_resource_share(
        &self,
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
            resource_share_associations: Some(self.change_members(ctx, members, true)?),
            client_token: input.client_token,
        })
    }

    fn disassociate_resource_share(
        &self,
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
            resource_share_associations: Some(self.change_members(ctx, members, false)?),
            client_token: input.client_token,
        })
    }

    fn get_resource_shares(
        &self,
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
        let items = self.read(|c| {
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

    fn get_resource_share_associations(
        &self,
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
        let items = self.read(|c| {
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

    fn get_resource_share_invitations(
        &self,
        ctx: &mut Ctx,
        input: w::GetResourceShareInvitationsRequest,
    ) -> Result<w::GetResourceShareInvitationsResponse, ApiError> {
        let now = self.engine.time();
        let items = self.read(|c| {
            for arn in input.resource_share_invitation_arns.iter().flatten() {
                let mine = c
                    .ram
                    .invitations
                    .get(arn)
                    .is_some_and(|i| i.receiver == ctx.account);
                if !mine {
                    return Err(Error::new(
                        "ResourceShareInvitationArnNotFoundException",
                        format!("ResourceShareInvitation {arn} could not be found."),
                    ));
                }
            }
            Ok(c.ram
                .invitations
                .values()
                .filter(|i| i.receiver == ctx.account && i.region == ctx.region)
                .filter(|i| {
                    input
                        .resource_share_invitation_arns
                        .as_ref()
                        .is_none_or(|a| a.is_empty() || a.contains(&i.arn))
                })
                .filter(|i| {
                    input
                        .resource_share_arns
                        .as_ref()
                        .is_none_or(|a| a.is_empty() || a.contains(&i.share_arn))
                })
                .map(|i| invitation_out(c, i, now))
                .collect::<Vec<_>>())
        })?;
        // The one RAM operation whose model has its own error for this.
        if input.max_results.is_some_and(|m| !(1..=500).contains(&m)) {
            return Err(domain_error(Error::new(
                "InvalidMaxResultsException",
                "The value for maxResults must be between 1 and 500.",
            )));
        }
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::GetResourceShareInvitationsResponse {
            resource_share_invitations: Some(items),
            next_token: next,
        })
    }

    fn accept_resource_share_invitation(
        &self,
        ctx: &mut Ctx,
        input: w::AcceptResourceShareInvitationRequest,
    ) -> Result<w::AcceptResourceShareInvitationResponse, ApiError> {
        let arn = input.resource_share_invitation_arn.clone();
        let (_, now) = self.ram(
            ctx,
            RamCommand::AcceptInvitation {
                invitation: input.resource_share_invitation_arn,
                client_token: input.client_token.clone(),
            },
        )?;
        let invitation = self.read(|c| {
            Ok(c.ram
                .invitations
                .get(&arn)
                .map(|i| invitation_out(c, i, now)))
        })?;
        Ok(w::AcceptResourceShareInvitationResponse {
            resource_share_invitation: invitation,
            client_token: input.client_token,
        })
    }

    fn reject_resource_share_invitation(
        &self,
        ctx: &mut Ctx,
        input: w::RejectResourceShareInvitationRequest,
    ) -> Result<w::RejectResourceShareInvitationResponse, ApiError> {
        let arn = input.resource_share_invitation_arn.clone();
        let (_, now) = self.ram(
            ctx,
            RamCommand::RejectInvitation {
                invitation: input.resource_share_invitation_arn,
                client_token: input.client_token.clone(),
            },
        )?;
        let invitation = self.read(|c| {
            Ok(c.ram
                .invitations
                .get(&arn)
                .map(|i| invitation_out(c, i, now)))
        })?;
        Ok(w::RejectResourceShareInvitationResponse {
            resource_share_invitation: invitation,
            client_token: input.client_token,
        })
    }

    fn list_pending_invitation_resources(
        &self,
        ctx: &mut Ctx,
        input: w::ListPendingInvitationResourcesRequest,
    ) -> Result<w::ListPendingInvitationResourcesResponse, ApiError> {
        let now = self.engine.time();
        let arn = input.resource_share_invitation_arn.clone();
        let items = self.read(|c| {
            let inv = c
                .ram
                .invitations
                .get(&arn)
                .filter(|i| i.receiver == ctx.account)
                .ok_or_else(|| {
                    Error::new(
                        "ResourceShareInvitationArnNotFoundException",
                        format!("ResourceShareInvitation {arn} could not be found."),
                    )
                })?;
            // Its model knows the rejected and expired refusals, not the accepted one.
            if inv.status_at(now) == "ACCEPTED" {
                return Err(Error::new(
                    "InvalidParameterException",
                    format!(
                        "The invitation {arn} has already been accepted; it is no longer pending."
                    ),
                ));
            }
            inv.check_pending(now)?;
            let s = c.share(&inv.share_arn)?;
            Ok(s.resources
                .values()
                .filter(|a| a.status == "ASSOCIATED")
                .filter_map(|a| resource_out(s, a))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListPendingInvitationResourcesResponse {
            resources: Some(items),
            next_token: next,
        })
    }

    fn list_resources(
        &self,
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
        let items = self.read(|c| {
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

    fn list_principals(
        &self,
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
        let items = self.read(|c| {
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
                    let has = s.resources.values().filter(|a| holds(a)).any(|a| {
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

    fn list_resource_types(
        &self,
        _ctx: &mut Ctx,
        input: w::ListResourceTypesRequest,
    ) -> Result<w::ListResourceTypesResponse, ApiError> {
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

    fn list_permissions(
        &self,
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

    fn get_permission(
        &self,
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

    fn list_resource_share_permissions(
        &self,
        ctx: &mut Ctx,
        input: w::ListResourceSharePermissionsRequest,
    ) -> Result<w::ListResourceSharePermissionsResponse, ApiError> {
        let arn = input.resource_share_arn.clone();
        let items = self.read(|c| {
            let s = c.share(&arn)?;
            let visible = s.region == ctx.region
                && (s.owner == ctx.account || c.share_reaches(s, &ctx.account));
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

    fn associate_resource_share_permission(
        &self,
        ctx: &mut Ctx,
        input: w::AssociateResourceSharePermissionRequest,
    ) -> Result<w::AssociateResourceSharePermissionResponse, ApiError> {
        if input.permission_version.is_some_and(|v| v != 1) {
            return Err(invalid("The permission has only version 1."));
        }
        self.ram(
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

    fn disassociate_resource_share_permission(
        &self,
        ctx: &mut Ctx,
        input: w::DisassociateResourceSharePermissionRequest,
    ) -> Result<w::DisassociateResourceSharePermissionResponse, ApiError> {
        self.ram(
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

    fn enable_sharing_with_aws_organization(
        &self,
        ctx: &mut Ctx,
        _input: w::EnableSharingWithAwsOrganizationRequest,
    ) -> Result<w::EnableSharingWithAwsOrganizationResponse, ApiError> {
        self.apply(
            ctx,
            Command::Org(cloud::OrgCommand::EnableRamSharing),
            |_, _| (),
        )?;
        Ok(w::EnableSharingWithAwsOrganizationResponse {
            return_value: Some(true),
        })
    }

    fn tag_resource(
        &self,
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
        self.ram(
            ctx,
            RamCommand::TagShare {
                share,
                tags: tags_in(Some(input.tags))?,
            },
        )?;
        Ok(w::TagResourceResponse {})
    }

    fn untag_resource(
        &self,
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
        self.ram(
            ctx,
            RamCommand::UntagShare {
                share,
                keys: input.tag_keys,
            },
        )?;
        Ok(w::UntagResourceResponse {})
    }

    fn get_resource_policies(
        &self,
        ctx: &mut Ctx,
        input: w::GetResourcePoliciesRequest,
    ) -> Result<w::GetResourcePoliciesResponse, ApiError> {
        for arn in &input.resource_arns {
            parse_resource_arn(arn).map_err(domain_error)?;
        }
        let items = self.read(|c| {
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
}
