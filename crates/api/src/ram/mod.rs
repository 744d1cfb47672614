//! RAM: resource shares, associations, invitations and permissions. Reads go through the
//! cloud's view of who a share reaches, the same one EC2's visibility uses.

mod invitations;
mod permissions;
mod shares;

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

    handlers! {
        shares::create_resource_share(CreateResourceShareRequest) -> w::CreateResourceShareResponse;
        shares::update_resource_share(UpdateResourceShareRequest) -> w::UpdateResourceShareResponse;
        shares::delete_resource_share(DeleteResourceShareRequest) -> w::DeleteResourceShareResponse;
        shares::associate_resource_share(AssociateResourceShareRequest) -> w::AssociateResourceShareResponse;
        shares::disassociate_resource_share(DisassociateResourceShareRequest) -> w::DisassociateResourceShareResponse;
        shares::get_resource_shares(GetResourceSharesRequest) -> w::GetResourceSharesResponse;
        shares::get_resource_share_associations(GetResourceShareAssociationsRequest) -> w::GetResourceShareAssociationsResponse;
        invitations::get_resource_share_invitations(GetResourceShareInvitationsRequest) -> w::GetResourceShareInvitationsResponse;
        invitations::accept_resource_share_invitation(AcceptResourceShareInvitationRequest) -> w::AcceptResourceShareInvitationResponse;
        invitations::reject_resource_share_invitation(RejectResourceShareInvitationRequest) -> w::RejectResourceShareInvitationResponse;
        invitations::list_pending_invitation_resources(ListPendingInvitationResourcesRequest) -> w::ListPendingInvitationResourcesResponse;
        shares::list_resources(ListResourcesRequest) -> w::ListResourcesResponse;
        shares::list_principals(ListPrincipalsRequest) -> w::ListPrincipalsResponse;
        permissions::list_resource_types(ListResourceTypesRequest) -> w::ListResourceTypesResponse;
        permissions::list_permissions(ListPermissionsRequest) -> w::ListPermissionsResponse;
        permissions::get_permission(GetPermissionRequest) -> w::GetPermissionResponse;
        permissions::list_resource_share_permissions(ListResourceSharePermissionsRequest) -> w::ListResourceSharePermissionsResponse;
        permissions::associate_resource_share_permission(AssociateResourceSharePermissionRequest) -> w::AssociateResourceSharePermissionResponse;
        permissions::disassociate_resource_share_permission(DisassociateResourceSharePermissionRequest) -> w::DisassociateResourceSharePermissionResponse;
        shares::enable_sharing_with_aws_organization(EnableSharingWithAwsOrganizationRequest) -> w::EnableSharingWithAwsOrganizationResponse;
        shares::tag_resource(TagResourceRequest) -> w::TagResourceResponse;
        shares::untag_resource(UntagResourceRequest) -> w::UntagResourceResponse;
        shares::get_resource_policies(GetResourcePoliciesRequest) -> w::GetResourcePoliciesResponse;
    }
}
