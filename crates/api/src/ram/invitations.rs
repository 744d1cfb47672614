//! Invitations to shares from outside the organization: list, accept, reject.

use super::*;

pub(super) fn get_resource_share_invitations(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetResourceShareInvitationsRequest,
) -> Result<w::GetResourceShareInvitationsResponse, ApiError> {
    let now = s.engine.time();
    let items = s.read(|c| {
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

pub(super) fn accept_resource_share_invitation(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AcceptResourceShareInvitationRequest,
) -> Result<w::AcceptResourceShareInvitationResponse, ApiError> {
    let arn = input.resource_share_invitation_arn.clone();
    let (_, now) = s.ram(
        ctx,
        RamCommand::AcceptInvitation {
            invitation: input.resource_share_invitation_arn,
            client_token: input.client_token.clone(),
        },
    )?;
    let invitation = s.read(|c| {
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

pub(super) fn reject_resource_share_invitation(
    s: &Services,
    ctx: &mut Ctx,
    input: w::RejectResourceShareInvitationRequest,
) -> Result<w::RejectResourceShareInvitationResponse, ApiError> {
    let arn = input.resource_share_invitation_arn.clone();
    let (_, now) = s.ram(
        ctx,
        RamCommand::RejectInvitation {
            invitation: input.resource_share_invitation_arn,
            client_token: input.client_token.clone(),
        },
    )?;
    let invitation = s.read(|c| {
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

pub(super) fn list_pending_invitation_resources(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListPendingInvitationResourcesRequest,
) -> Result<w::ListPendingInvitationResourcesResponse, ApiError> {
    let now = s.engine.time();
    let arn = input.resource_share_invitation_arn.clone();
    let items = s.read(|c| {
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
                format!("The invitation {arn} has already been accepted; it is no longer pending."),
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
