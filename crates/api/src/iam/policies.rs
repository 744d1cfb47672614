//! Customer-managed policies and their versions; AWS-managed ones are read-only.

use super::{page, policy_out, tags_in, url_encode, version_out};
use crate::{domain_error, Ctx, Services};
use cloud::{Error, IamCommand, Outcome};
use wire::iam as w;
use wire::{ApiError, DateTime};

pub(super) fn create_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreatePolicyRequest,
) -> Result<w::CreatePolicyResponse, ApiError> {
    let outcome = s.iam(
        ctx,
        IamCommand::CreatePolicy {
            name: input.policy_name,
            path: input.path,
            document: input.policy_document,
            description: input.description,
            tags: tags_in(input.tags),
        },
    )?;
    let Outcome::Id(arn) = outcome else {
        return Err(domain_error(Error::new("ServiceFailure", "no policy")));
    };
    let policy = s.read(|c| Ok(policy_out(c, c.managed_policy(&arn)?)))?;
    Ok(w::CreatePolicyResponse {
        policy: Some(policy),
    })
}

pub(super) fn get_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetPolicyRequest,
) -> Result<w::GetPolicyResponse, ApiError> {
    let _ = ctx;
    let policy = s.read(|c| Ok(policy_out(c, c.managed_policy(&input.policy_arn)?)))?;
    Ok(w::GetPolicyResponse {
        policy: Some(policy),
    })
}

pub(super) fn delete_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeletePolicyRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeletePolicy {
            arn: input.policy_arn,
        },
    )
    .map(|_| ())
}

pub(super) fn list_policies(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListPoliciesRequest,
) -> Result<w::ListPoliciesResponse, ApiError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let scope = input.scope.unwrap_or_else(|| "All".into());
    let only_attached = input.only_attached.unwrap_or(false);
    let policies = s.read(|c| {
        let mut out = Vec::new();
        if scope == "All" || scope == "AWS" {
            for name in policy::managed::names() {
                let arn = format!("arn:aws:iam::aws:policy/{name}");
                let attached = c
                    .iam
                    .roles
                    .values()
                    .filter(|r| r.account == ctx.account && r.attached_policies.contains(&arn))
                    .count()
                    + c.iam
                        .users
                        .values()
                        .filter(|u| u.account == ctx.account && u.attached_policies.contains(&arn))
                        .count();
                if (only_attached && attached == 0) || !"/".starts_with(&prefix) {
                    continue;
                }
                out.push(w::Policy {
                    policy_name: Some(name.to_string()),
                    policy_id: Some(policy::managed::id(name)),
                    arn: Some(arn),
                    path: Some("/".into()),
                    default_version_id: Some("v1".into()),
                    attachment_count: Some(attached as i32),
                    permissions_boundary_usage_count: Some(0),
                    is_attachable: Some(true),
                    description: None,
                    create_date: Some(DateTime(0)),
                    update_date: Some(DateTime(0)),
                    tags: None,
                });
            }
        }
        if scope == "All" || scope == "Local" {
            for p in c.iam.policies.values() {
                if p.account != ctx.account || !p.path.starts_with(&prefix) {
                    continue;
                }
                if only_attached && c.attachment_count(&p.arn()) == 0 {
                    continue;
                }
                out.push(policy_out(c, p));
            }
        }
        Ok(out)
    })?;
    let (policies, is_truncated, marker) =
        page(policies, input.max_items, input.marker.as_deref())?;
    Ok(w::ListPoliciesResponse {
        policies: Some(policies),
        is_truncated,
        marker,
    })
}

pub(super) fn create_policy_version(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreatePolicyVersionRequest,
) -> Result<w::CreatePolicyVersionResponse, ApiError> {
    let arn = input.policy_arn.clone();
    let outcome = s.iam(
        ctx,
        IamCommand::CreatePolicyVersion {
            arn: input.policy_arn,
            document: input.policy_document,
            set_default: input.set_as_default.unwrap_or(false),
        },
    )?;
    let Outcome::Id(version) = outcome else {
        return Err(domain_error(Error::new("ServiceFailure", "no version")));
    };
    let out = s.read(|c| {
        let p = c.managed_policy(&arn)?;
        let v = p
            .versions
            .iter()
            .find(|v| v.id == version)
            .ok_or_else(|| cloud::iam_policies::no_such_version(&arn, &version))?;
        Ok(version_out(p, v, false))
    })?;
    Ok(w::CreatePolicyVersionResponse {
        policy_version: Some(out),
    })
}

pub(super) fn get_policy_version(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetPolicyVersionRequest,
) -> Result<w::GetPolicyVersionResponse, ApiError> {
    let _ = ctx;
    if let Some(text) = policy::managed::document(&input.policy_arn) {
        if input.version_id != "v1" {
            return Err(domain_error(cloud::iam_policies::no_such_version(
                &input.policy_arn,
                &input.version_id,
            )));
        }
        return Ok(w::GetPolicyVersionResponse {
            policy_version: Some(w::PolicyVersion {
                document: Some(url_encode(text)),
                version_id: Some("v1".into()),
                is_default_version: Some(true),
                create_date: Some(DateTime(0)),
            }),
        });
    }
    let out = s.read(|c| {
        let p = c.managed_policy(&input.policy_arn)?;
        let v = p
            .versions
            .iter()
            .find(|v| v.id == input.version_id)
            .ok_or_else(|| {
                cloud::iam_policies::no_such_version(&input.policy_arn, &input.version_id)
            })?;
        Ok(version_out(p, v, true))
    })?;
    Ok(w::GetPolicyVersionResponse {
        policy_version: Some(out),
    })
}

pub(super) fn delete_policy_version(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeletePolicyVersionRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::DeletePolicyVersion {
            arn: input.policy_arn,
            version: input.version_id,
        },
    )
    .map(|_| ())
}

pub(super) fn set_default_policy_version(
    s: &Services,
    ctx: &mut Ctx,
    input: w::SetDefaultPolicyVersionRequest,
) -> Result<(), ApiError> {
    s.iam(
        ctx,
        IamCommand::SetDefaultPolicyVersion {
            arn: input.policy_arn,
            version: input.version_id,
        },
    )
    .map(|_| ())
}

pub(super) fn list_policy_versions(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListPolicyVersionsRequest,
) -> Result<w::ListPolicyVersionsResponse, ApiError> {
    let _ = ctx;
    let versions = s.read(|c| {
        let p = c.managed_policy(&input.policy_arn)?;
        Ok(p.versions
            .iter()
            .map(|v| version_out(p, v, false))
            .collect::<Vec<_>>())
    })?;
    let (versions, is_truncated, marker) =
        page(versions, input.max_items, input.marker.as_deref())?;
    Ok(w::ListPolicyVersionsResponse {
        versions: Some(versions),
        is_truncated,
        marker,
    })
}

/// Whether a managed policy exists as the caller sees it: AWS's, or one of its account's.
fn known_policy(c: &cloud::Cloud, account: &str, arn: &str) -> Result<(), Error> {
    if policy::managed::document(arn).is_some() {
        return Ok(());
    }
    match c.managed_policy(arn) {
        Ok(p) if p.account == account => Ok(()),
        _ => Err(Error::new(
            "NoSuchEntity",
            format!("Policy {arn} was not found."),
        )),
    }
}

pub(super) fn list_entities_for_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ListEntitiesForPolicyRequest,
) -> Result<w::ListEntitiesForPolicyResponse, ApiError> {
    enum Entity {
        Group(w::PolicyGroup),
        User(w::PolicyUser),
        Role(w::PolicyRole),
    }
    let (attached, boundary) = match input.policy_usage_filter.as_deref() {
        None => (true, true),
        Some("PermissionsPolicy") => (true, false),
        Some("PermissionsBoundary") => (false, true),
        Some(other) => {
            return Err(domain_error(Error::new(
                "ValidationError",
                format!("1 validation error detected: Value '{other}' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]"),
            )))
        }
    };
    let wanted = |kind: &str| input.entity_filter.as_deref().is_none_or(|f| f == kind);
    let prefix = input.path_prefix.clone().unwrap_or_else(|| "/".into());
    let entities = s.read(|c| {
        known_policy(c, &ctx.account, &input.policy_arn)?;
        let users = c.entities_for_policy(&ctx.account, &input.policy_arn, attached, boundary);
        let mut out = Vec::new();
        if wanted("Group") {
            out.extend(
                users
                    .groups
                    .iter()
                    .filter(|g| g.path.starts_with(&prefix))
                    .map(|g| {
                        Entity::Group(w::PolicyGroup {
                            group_name: Some(g.name.clone()),
                            group_id: Some(g.id.clone()),
                        })
                    }),
            );
        }
        if wanted("User") {
            out.extend(
                users
                    .users
                    .iter()
                    .filter(|u| u.path.starts_with(&prefix))
                    .map(|u| {
                        Entity::User(w::PolicyUser {
                            user_name: Some(u.name.clone()),
                            user_id: Some(u.id.clone()),
                        })
                    }),
            );
        }
        if wanted("Role") {
            out.extend(
                users
                    .roles
                    .iter()
                    .filter(|r| r.path.starts_with(&prefix))
                    .map(|r| {
                        Entity::Role(w::PolicyRole {
                            role_name: Some(r.name.clone()),
                            role_id: Some(r.id.clone()),
                        })
                    }),
            );
        }
        Ok(out)
    })?;
    let (entities, is_truncated, marker) =
        page(entities, input.max_items, input.marker.as_deref())?;
    let (mut groups, mut users, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    for e in entities {
        match e {
            Entity::Group(g) => groups.push(g),
            Entity::User(u) => users.push(u),
            Entity::Role(r) => roles.push(r),
        }
    }
    Ok(w::ListEntitiesForPolicyResponse {
        policy_groups: Some(groups),
        policy_users: Some(users),
        policy_roles: Some(roles),
        is_truncated,
        marker,
    })
}
