//! IAM: the generated trait's methods hand each operation to its area's handler (roles,
//! users, managed policies, groups, instance profiles, account reports, the simulator); the
//! shapes and helpers they share live here.

mod details;
mod groups;
mod policies;
mod profiles;
mod roles;
mod simulate;
mod users;

use crate::{domain_error, paginate, Ctx, Services};
use cloud::iam::{Role, User};
use cloud::{Command, Error, IamCommand, Outcome, Tag};
use wire::iam as w;
use wire::{ApiError, DateTime};

/// IAM returns policy documents percent-encoded (RFC 3986: only unreserved characters kept).
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A page of an IAM list: items, IsTruncated, Marker.
pub(crate) type IamPage<T> = (Vec<T>, Option<bool>, Option<String>);

pub(crate) fn page<T>(
    items: Vec<T>,
    max: Option<i32>,
    marker: Option<&str>,
) -> Result<IamPage<T>, ApiError> {
    let (items, next) = paginate(
        items,
        max.or(Some(100)),
        marker,
        (1, 1000),
        |_| Error::new("ValidationError", "Invalid Marker."),
        |m| {
            Error::new("ValidationError", format!("1 validation error detected: Value '{m}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"))
        },
    )?;
    Ok((items, Some(next.is_some()), next))
}

pub(crate) fn tags_in(tags: Option<Vec<w::Tag>>) -> Vec<Tag> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

pub(crate) fn tags_out(tags: &[Tag]) -> Vec<w::Tag> {
    tags.iter()
        .map(|t| w::Tag {
            key: t.key.clone(),
            value: t.value.clone(),
        })
        .collect()
}

pub(crate) fn policy_out(c: &cloud::Cloud, p: &cloud::iam_policies::ManagedPolicy) -> w::Policy {
    let arn = p.arn();
    w::Policy {
        policy_name: Some(p.name.clone()),
        policy_id: Some(p.id.clone()),
        attachment_count: Some(c.attachment_count(&arn) as i32),
        arn: Some(arn),
        path: Some(p.path.clone()),
        default_version_id: Some(p.default_version.clone()),
        permissions_boundary_usage_count: Some(c.boundary_usage_count(&p.arn()) as i32),
        is_attachable: Some(true),
        description: p.description.clone(),
        create_date: Some(DateTime(p.created)),
        update_date: Some(DateTime(p.updated)),
        tags: (!p.tags.is_empty()).then(|| tags_out(&p.tags)),
    }
}

pub(crate) fn version_out(
    p: &cloud::iam_policies::ManagedPolicy,
    v: &cloud::iam_policies::PolicyVersion,
    with_document: bool,
) -> w::PolicyVersion {
    w::PolicyVersion {
        document: with_document.then(|| url_encode(&v.document)),
        version_id: Some(v.id.clone()),
        is_default_version: Some(v.id == p.default_version),
        create_date: Some(DateTime(v.created)),
    }
}

pub(crate) fn role_out(r: &Role, full: bool) -> w::Role {
    w::Role {
        path: r.path.clone(),
        role_name: r.name.clone(),
        role_id: r.id.clone(),
        arn: r.arn(),
        create_date: DateTime(r.created),
        assume_role_policy_document: Some(url_encode(&r.trust_policy)),
        description: r.description.clone(),
        max_session_duration: Some(r.max_session_seconds as i32),
        permissions_boundary: boundary_out(r.permissions_boundary.as_deref()),
        tags: (!r.tags.is_empty()).then(|| tags_out(&r.tags)),
        role_last_used: full.then_some(w::RoleLastUsed {
            last_used_date: None,
            region: None,
        }),
    }
}

pub(crate) fn user_out(u: &User) -> w::User {
    w::User {
        path: u.path.clone(),
        user_name: u.name.clone(),
        user_id: u.id.clone(),
        arn: u.arn(),
        create_date: DateTime(u.created),
        password_last_used: None,
        permissions_boundary: boundary_out(u.permissions_boundary.as_deref()),
        tags: (!u.tags.is_empty()).then(|| tags_out(&u.tags)),
    }
}

pub(crate) fn boundary_out(arn: Option<&str>) -> Option<w::AttachedPermissionsBoundary> {
    arn.map(|arn| w::AttachedPermissionsBoundary {
        permissions_boundary_type: Some("Policy".into()),
        permissions_boundary_arn: Some(arn.to_string()),
    })
}

/// Attached managed policies as IAM lists them, only those under `prefix`.
pub(crate) fn attached_out(
    attached: &std::collections::BTreeSet<String>,
    prefix: &str,
) -> Vec<w::AttachedPolicy> {
    attached
        .iter()
        .filter(|arn| prefix == "/" || arn.contains(&format!("policy{prefix}")))
        .map(|arn| w::AttachedPolicy {
            policy_name: Some(policy_name(arn)),
            policy_arn: Some(arn.clone()),
        })
        .collect()
}

/// An inline policy of a user, group or role (`kind`), or IAM's NoSuchEntity naming it.
pub(crate) fn inline_document(
    policies: &std::collections::BTreeMap<String, String>,
    kind: &str,
    name: &str,
) -> Result<String, Error> {
    policies.get(name).cloned().ok_or_else(|| {
        Error::new(
            "NoSuchEntity",
            format!("The {kind} policy with name {name} cannot be found."),
        )
    })
}

pub(crate) fn policy_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

impl Services {
    pub(crate) fn iam(&self, ctx: &mut Ctx, command: IamCommand) -> Result<Outcome, ApiError> {
        self.apply(ctx, Command::Iam(command), |_, o| o.clone())
    }

    /// The user a request names, or the calling user when it names none.
    pub(crate) fn user_name(&self, ctx: &Ctx, given: Option<String>) -> Result<String, ApiError> {
        if let Some(name) = given {
            return Ok(name);
        }
        match ctx.principal.arn.split_once(":user/") {
            Some((_, path_and_name)) => Ok(path_and_name
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()),
            None => Err(domain_error(Error::new(
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            ))),
        }
    }
}

impl w::Api for Services {
    type Ctx = Ctx;

    fn authorize(&self, ctx: &mut Ctx, call: w::Call<'_>) -> Result<(), ApiError> {
        // GetSessionToken credentials without MFA do not reach IAM (UNSURE: the code AWS
        // answers with).
        if ctx.principal.user_session {
            return Err(ApiError::new(
                "InvalidClientTokenId",
                403,
                "The security token included in the request is invalid: credentials from GetSessionToken without MFA cannot call IAM.",
            ));
        }
        self.authorize_call(ctx, crate::authorize::Service::Iam, |r| r.iam(call))
    }

    handlers! {
        roles::create_role(CreateRoleRequest) -> w::CreateRoleResponse;
        roles::get_role(GetRoleRequest) -> w::GetRoleResponse;
        policies::create_policy(CreatePolicyRequest) -> w::CreatePolicyResponse;
        policies::get_policy(GetPolicyRequest) -> w::GetPolicyResponse;
        policies::delete_policy(DeletePolicyRequest) -> ();
        policies::list_policies(ListPoliciesRequest) -> w::ListPoliciesResponse;
        policies::create_policy_version(CreatePolicyVersionRequest) -> w::CreatePolicyVersionResponse;
        policies::get_policy_version(GetPolicyVersionRequest) -> w::GetPolicyVersionResponse;
        policies::delete_policy_version(DeletePolicyVersionRequest) -> ();
        policies::set_default_policy_version(SetDefaultPolicyVersionRequest) -> ();
        policies::list_policy_versions(ListPolicyVersionsRequest) -> w::ListPolicyVersionsResponse;
        groups::create_group(CreateGroupRequest) -> w::CreateGroupResponse;
        groups::get_group(GetGroupRequest) -> w::GetGroupResponse;
        groups::list_groups_for_user(ListGroupsForUserRequest) -> w::ListGroupsForUserResponse;
        groups::delete_group(DeleteGroupRequest) -> ();
        groups::add_user_to_group(AddUserToGroupRequest) -> ();
        groups::remove_user_from_group(RemoveUserFromGroupRequest) -> ();
        groups::put_group_policy(PutGroupPolicyRequest) -> ();
        groups::attach_group_policy(AttachGroupPolicyRequest) -> ();
        groups::detach_group_policy(DetachGroupPolicyRequest) -> ();
        roles::list_roles(ListRolesRequest) -> w::ListRolesResponse;
        roles::delete_role(DeleteRoleRequest) -> ();
        roles::update_role(UpdateRoleRequest) -> w::UpdateRoleResponse;
        roles::update_assume_role_policy(UpdateAssumeRolePolicyRequest) -> ();
        roles::tag_role(TagRoleRequest) -> ();
        roles::untag_role(UntagRoleRequest) -> ();
        roles::list_role_tags(ListRoleTagsRequest) -> w::ListRoleTagsResponse;
        roles::put_role_policy(PutRolePolicyRequest) -> ();
        roles::get_role_policy(GetRolePolicyRequest) -> w::GetRolePolicyResponse;
        roles::delete_role_policy(DeleteRolePolicyRequest) -> ();
        roles::list_role_policies(ListRolePoliciesRequest) -> w::ListRolePoliciesResponse;
        roles::attach_role_policy(AttachRolePolicyRequest) -> ();
        roles::detach_role_policy(DetachRolePolicyRequest) -> ();
        roles::list_attached_role_policies(ListAttachedRolePoliciesRequest) -> w::ListAttachedRolePoliciesResponse;
        profiles::list_instance_profiles_for_role(ListInstanceProfilesForRoleRequest) -> w::ListInstanceProfilesForRoleResponse;
        roles::create_service_linked_role(CreateServiceLinkedRoleRequest) -> w::CreateServiceLinkedRoleResponse;
        roles::delete_service_linked_role(DeleteServiceLinkedRoleRequest) -> w::DeleteServiceLinkedRoleResponse;
        roles::get_service_linked_role_deletion_status(GetServiceLinkedRoleDeletionStatusRequest) -> w::GetServiceLinkedRoleDeletionStatusResponse;
        users::create_user(CreateUserRequest) -> w::CreateUserResponse;
        users::get_user(GetUserRequest) -> w::GetUserResponse;
        users::list_users(ListUsersRequest) -> w::ListUsersResponse;
        users::delete_user(DeleteUserRequest) -> ();
        users::put_user_policy(PutUserPolicyRequest) -> ();
        users::delete_user_policy(DeleteUserPolicyRequest) -> ();
        users::attach_user_policy(AttachUserPolicyRequest) -> ();
        users::detach_user_policy(DetachUserPolicyRequest) -> ();
        users::create_access_key(CreateAccessKeyRequest) -> w::CreateAccessKeyResponse;
        users::list_access_keys(ListAccessKeysRequest) -> w::ListAccessKeysResponse;
        users::update_access_key(UpdateAccessKeyRequest) -> ();
        users::delete_access_key(DeleteAccessKeyRequest) -> ();
        roles::put_role_permissions_boundary(PutRolePermissionsBoundaryRequest) -> ();
        roles::delete_role_permissions_boundary(DeleteRolePermissionsBoundaryRequest) -> ();
        users::put_user_permissions_boundary(PutUserPermissionsBoundaryRequest) -> ();
        users::delete_user_permissions_boundary(DeleteUserPermissionsBoundaryRequest) -> ();
        users::get_user_policy(GetUserPolicyRequest) -> w::GetUserPolicyResponse;
        users::list_user_policies(ListUserPoliciesRequest) -> w::ListUserPoliciesResponse;
        users::list_attached_user_policies(ListAttachedUserPoliciesRequest) -> w::ListAttachedUserPoliciesResponse;
        users::tag_user(TagUserRequest) -> ();
        users::untag_user(UntagUserRequest) -> ();
        users::list_user_tags(ListUserTagsRequest) -> w::ListUserTagsResponse;
        users::get_access_key_last_used(GetAccessKeyLastUsedRequest) -> w::GetAccessKeyLastUsedResponse;
        groups::list_groups(ListGroupsRequest) -> w::ListGroupsResponse;
        groups::get_group_policy(GetGroupPolicyRequest) -> w::GetGroupPolicyResponse;
        groups::delete_group_policy(DeleteGroupPolicyRequest) -> ();
        groups::list_group_policies(ListGroupPoliciesRequest) -> w::ListGroupPoliciesResponse;
        groups::list_attached_group_policies(ListAttachedGroupPoliciesRequest) -> w::ListAttachedGroupPoliciesResponse;
        profiles::create_instance_profile(CreateInstanceProfileRequest) -> w::CreateInstanceProfileResponse;
        profiles::get_instance_profile(GetInstanceProfileRequest) -> w::GetInstanceProfileResponse;
        profiles::delete_instance_profile(DeleteInstanceProfileRequest) -> ();
        profiles::add_role_to_instance_profile(AddRoleToInstanceProfileRequest) -> ();
        profiles::remove_role_from_instance_profile(RemoveRoleFromInstanceProfileRequest) -> ();
        profiles::list_instance_profiles(ListInstanceProfilesRequest) -> w::ListInstanceProfilesResponse;
        profiles::tag_instance_profile(TagInstanceProfileRequest) -> ();
        profiles::untag_instance_profile(UntagInstanceProfileRequest) -> ();
        profiles::list_instance_profile_tags(ListInstanceProfileTagsRequest) -> w::ListInstanceProfileTagsResponse;
        policies::list_entities_for_policy(ListEntitiesForPolicyRequest) -> w::ListEntitiesForPolicyResponse;
        details::get_account_authorization_details(GetAccountAuthorizationDetailsRequest) -> w::GetAccountAuthorizationDetailsResponse;
        simulate::simulate_principal_policy(SimulatePrincipalPolicyRequest) -> w::SimulatePolicyResponse;
        simulate::simulate_custom_policy(SimulateCustomPolicyRequest) -> w::SimulatePolicyResponse;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policy_documents_are_percent_encoded_without_plus() {
        assert_eq!(super::url_encode(r#"{"A": 1}"#), "%7B%22A%22%3A%201%7D");
    }
}
