//! GetAccountAuthorizationDetails: every user, group, role and managed policy of the account
//! with their policies in one answer, the snapshot audit tools collect.

use super::profiles::profile_out;
use super::{attached_out, boundary_out, page, tags_out, url_encode};
use crate::{domain_error, Ctx, Services};
use cloud::{Cloud, Error};
use std::collections::BTreeMap;
use wire::iam as w;
use wire::{ApiError, DateTime};

const FILTERS: [&str; 5] = [
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

enum Detail {
    User(w::UserDetail),
    Group(w::GroupDetail),
    Role(w::RoleDetail),
    Policy(w::ManagedPolicyDetail),
}

fn inline_out(policies: &BTreeMap<String, String>) -> Vec<w::PolicyDetail> {
    policies
        .iter()
        .map(|(name, doc)| w::PolicyDetail {
            policy_name: Some(name.clone()),
            policy_document: Some(url_encode(doc)),
        })
        .collect()
}

fn version_detail(id: &str, document: &str, default: bool, created: i64) -> w::PolicyVersion {
    w::PolicyVersion {
        document: Some(url_encode(document)),
        version_id: Some(id.to_string()),
        is_default_version: Some(default),
        create_date: Some(DateTime(created)),
    }
}

/// The account's AWS-managed policies in use: those attached to one of its entities.
fn aws_policies_in_use(c: &Cloud, account: &str) -> Vec<w::ManagedPolicyDetail> {
    policy::managed::names()
        .filter_map(|name| {
            let arn = format!("arn:aws:iam::aws:policy/{name}");
            let used = c.entities_for_policy(account, &arn, true, true);
            let attached = used.groups.len() + used.users.len() + used.roles.len();
            if attached == 0 {
                return None;
            }
            let document = policy::managed::document(&arn)?;
            Some(w::ManagedPolicyDetail {
                policy_name: Some(name.to_string()),
                policy_id: Some(policy::managed::id(name)),
                path: Some("/".into()),
                default_version_id: Some("v1".into()),
                attachment_count: Some(attached as i32),
                permissions_boundary_usage_count: Some(0),
                is_attachable: Some(true),
                description: None,
                create_date: Some(DateTime(0)),
                update_date: Some(DateTime(0)),
                policy_version_list: Some(vec![version_detail("v1", document, true, 0)]),
                arn: Some(arn),
            })
        })
        .collect()
}

fn details(c: &Cloud, account: &str, wanted: &dyn Fn(&str) -> bool) -> Vec<Detail> {
    let mut out = Vec::new();
    if wanted("User") {
        for u in c.iam.users.values().filter(|u| u.account == account) {
            out.push(Detail::User(w::UserDetail {
                path: Some(u.path.clone()),
                user_name: Some(u.name.clone()),
                user_id: Some(u.id.clone()),
                arn: Some(u.arn()),
                create_date: Some(DateTime(u.created)),
                user_policy_list: Some(inline_out(&u.inline_policies)),
                group_list: Some(
                    c.groups_of_user(account, &u.name)
                        .iter()
                        .map(|g| g.name.clone())
                        .collect(),
                ),
                attached_managed_policies: Some(attached_out(&u.attached_policies, "/")),
                permissions_boundary: boundary_out(u.permissions_boundary.as_deref()),
                tags: Some(tags_out(&u.tags)),
            }));
        }
    }
    if wanted("Group") {
        for g in c.iam.groups.values().filter(|g| g.account == account) {
            out.push(Detail::Group(w::GroupDetail {
                path: Some(g.path.clone()),
                group_name: Some(g.name.clone()),
                group_id: Some(g.id.clone()),
                arn: Some(g.arn()),
                create_date: Some(DateTime(g.created)),
                group_policy_list: Some(inline_out(&g.inline_policies)),
                attached_managed_policies: Some(attached_out(&g.attached_policies, "/")),
            }));
        }
    }
    if wanted("Role") {
        for r in c.iam.roles.values().filter(|r| r.account == account) {
            out.push(Detail::Role(w::RoleDetail {
                path: Some(r.path.clone()),
                role_name: Some(r.name.clone()),
                role_id: Some(r.id.clone()),
                arn: Some(r.arn()),
                create_date: Some(DateTime(r.created)),
                assume_role_policy_document: Some(url_encode(&r.trust_policy)),
                instance_profile_list: Some(
                    c.profiles_of_role(account, &r.name)
                        .into_iter()
                        .map(|p| profile_out(c, p))
                        .collect(),
                ),
                role_policy_list: Some(inline_out(&r.inline_policies)),
                attached_managed_policies: Some(attached_out(&r.attached_policies, "/")),
                permissions_boundary: boundary_out(r.permissions_boundary.as_deref()),
                tags: Some(tags_out(&r.tags)),
                role_last_used: Some(w::RoleLastUsed {
                    last_used_date: None,
                    region: None,
                }),
            }));
        }
    }
    if wanted("LocalManagedPolicy") {
        for p in c.iam.policies.values().filter(|p| p.account == account) {
            let arn = p.arn();
            out.push(Detail::Policy(w::ManagedPolicyDetail {
                policy_name: Some(p.name.clone()),
                policy_id: Some(p.id.clone()),
                path: Some(p.path.clone()),
                default_version_id: Some(p.default_version.clone()),
                attachment_count: Some(c.attachment_count(&arn) as i32),
                permissions_boundary_usage_count: Some(c.boundary_usage_count(&arn) as i32),
                is_attachable: Some(true),
                description: p.description.clone(),
                create_date: Some(DateTime(p.created)),
                update_date: Some(DateTime(p.updated)),
                policy_version_list: Some(
                    p.versions
                        .iter()
                        .map(|v| {
                            version_detail(&v.id, &v.document, v.id == p.default_version, v.created)
                        })
                        .collect(),
                ),
                arn: Some(arn),
            }));
        }
    }
    if wanted("AWSManagedPolicy") {
        out.extend(
            aws_policies_in_use(c, account)
                .into_iter()
                .map(Detail::Policy),
        );
    }
    out
}

pub(super) fn get_account_authorization_details(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetAccountAuthorizationDetailsRequest,
) -> Result<w::GetAccountAuthorizationDetailsResponse, ApiError> {
    let filter = input.filter.unwrap_or_default();
    if let Some(bad) = filter.iter().find(|f| !FILTERS.contains(&f.as_str())) {
        return Err(domain_error(Error::new(
            "ValidationError",
            format!("1 validation error detected: Value '[{bad}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]]"),
        )));
    }
    let wanted = |kind: &str| filter.is_empty() || filter.iter().any(|f| f == kind);
    let all = s.read(|c| Ok(details(c, &ctx.account, &wanted)))?;
    let (items, is_truncated, marker) = page(all, input.max_items, input.marker.as_deref())?;
    let mut out = w::GetAccountAuthorizationDetailsResponse {
        user_detail_list: Some(Vec::new()),
        group_detail_list: Some(Vec::new()),
        role_detail_list: Some(Vec::new()),
        policies: Some(Vec::new()),
        is_truncated,
        marker,
    };
    for item in items {
        match item {
            Detail::User(u) => out.user_detail_list.get_or_insert_default().push(u),
            Detail::Group(g) => out.group_detail_list.get_or_insert_default().push(g),
            Detail::Role(r) => out.role_detail_list.get_or_insert_default().push(r),
            Detail::Policy(p) => out.policies.get_or_insert_default().push(p),
        }
    }
    Ok(out)
}
