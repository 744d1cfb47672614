//! IAM: roles (ordinary and service-linked) with their inline and attached policies, users
//! and their access keys. Evaluating policies on every call is not done yet.

use crate::{domain_error, paginate, Ctx, Services};
use cloud::iam::{Role, User};
use cloud::iam_groups::GroupCommand;
use cloud::{Command, Error, IamCommand, NewRole, Outcome, Tag};
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

fn tags_in(tags: Option<Vec<w::Tag>>) -> Vec<Tag> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

fn tags_out(tags: &[Tag]) -> Vec<w::Tag> {
    tags.iter()
        .map(|t| w::Tag {
            key: t.key.clone(),
            value: t.value.clone(),
        })
        .collect()
}

fn policy_out(c: &cloud::Cloud, p: &cloud::iam_policies::ManagedPolicy) -> w::Policy {
    let arn = p.arn();
    w::Policy {
        policy_name: Some(p.name.clone()),
        policy_id: Some(p.id.clone()),
        attachment_count: Some(c.attachment_count(&arn) as i32),
        arn: Some(arn),
        path: Some(p.path.clone()),
        default_version_id: Some(p.default_version.clone()),
        permissions_boundary_usage_count: Some(0),
        is_attachable: Some(true),
        description: p.description.clone(),
        create_date: Some(DateTime(p.created)),
        update_date: Some(DateTime(p.updated)),
        tags: (!p.tags.is_empty()).then(|| tags_out(&p.tags)),
    }
}

fn version_out(
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

fn role_out(r: &Role, full: bool) -> w::Role {
    w::Role {
        path: r.path.clone(),
        role_name: r.name.clone(),
        role_id: r.id.clone(),
        arn: r.arn(),
        create_date: DateTime(r.created),
        assume_role_policy_document: Some(url_encode(&r.trust_policy)),
        description: r.description.clone(),
        max_session_duration: Some(r.max_session_seconds as i32),
        permissions_boundary: None,
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
        permissions_boundary: None,
        tags: (!u.tags.is_empty()).then(|| tags_out(&u.tags)),
    }
}

fn policy_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

impl Services {
    fn iam(&self, ctx: &mut Ctx, command: IamCommand) -> Result<Outcome, ApiError> {
        self.apply(ctx, Command::Iam(command), |_, o| o.clone())
    }

    /// The user a request names, or the calling user when it names none.
    fn user_name(&self, ctx: &Ctx, given: Option<String>) -> Result<String, ApiError> {
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
        self.authorize_call(ctx, crate::authorize::Service::Iam, |_| {
            vec![crate::authorize::Check::on_any(format!(
                "iam:{}",
                call.operation()
            ))]
        })
    }

    fn create_role(
        &self,
        ctx: &mut Ctx,
        input: w::CreateRoleRequest,
    ) -> Result<w::CreateRoleResponse, ApiError> {
        if input.permissions_boundary.is_some() {
            return Err(ApiError::not_implemented(
                "iam",
                "CreateRole with a permissions boundary",
            ));
        }
        let name = input.role_name.clone();
        self.iam(
            ctx,
            IamCommand::CreateRole(NewRole {
                name: input.role_name,
                path: input.path,
                trust_policy: input.assume_role_policy_document,
                description: input.description,
                max_session_seconds: input.max_session_duration.map(i64::from),
                tags: tags_in(input.tags),
            }),
        )?;
        let role = self.read(|c| c.role(&ctx.account, &name).map(|r| role_out(r, false)))?;
        Ok(w::CreateRoleResponse { role })
    }

    fn get_role(
        &self,
        ctx: &mut Ctx,
        input: w::GetRoleRequest,
    ) -> Result<w::GetRoleResponse, ApiError> {
        let role = self.read(|c| {
            c.role(&ctx.account, &input.role_name)
                .map(|r| role_out(r, true))
        })?;
        Ok(w::GetRoleResponse { role })
    }

    fn create_policy(
        &self,
        ctx: &mut Ctx,
        input: w::CreatePolicyRequest,
    ) -> Result<w::CreatePolicyResponse, ApiError> {
        let outcome = self.iam(
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
        let policy = self.read(|c| Ok(policy_out(c, c.managed_policy(&arn)?)))?;
        Ok(w::CreatePolicyResponse {
            policy: Some(policy),
        })
    }

    fn get_policy(
        &self,
        ctx: &mut Ctx,
        input: w::GetPolicyRequest,
    ) -> Result<w::GetPolicyResponse, ApiError> {
        let _ = ctx;
        let policy = self.read(|c| Ok(policy_out(c, c.managed_policy(&input.policy_arn)?)))?;
        Ok(w::GetPolicyResponse {
            policy: Some(policy),
        })
    }

    fn delete_policy(&self, ctx: &mut Ctx, input: w::DeletePolicyRequest) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeletePolicy {
                arn: input.policy_arn,
            },
        )
        .map(|_| ())
    }

    fn list_policies(
        &self,
        ctx: &mut Ctx,
        input: w::ListPoliciesRequest,
    ) -> Result<w::ListPoliciesResponse, ApiError> {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
        let scope = input.scope.unwrap_or_else(|| "All".into());
        let only_attached = input.only_attached.unwrap_or(false);
        let policies = self.read(|c| {
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
                            .filter(|u| {
                                u.account == ctx.account && u.attached_policies.contains(&arn)
                            })
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

    fn create_policy_version(
        &self,
        ctx: &mut Ctx,
        input: w::CreatePolicyVersionRequest,
    ) -> Result<w::CreatePolicyVersionResponse, ApiError> {
        let arn = input.policy_arn.clone();
        let outcome = self.iam(
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
        let out = self.read(|c| {
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

    fn get_policy_version(
        &self,
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
        let out = self.read(|c| {
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

    fn delete_policy_version(
        &self,
        ctx: &mut Ctx,
        input: w::DeletePolicyVersionRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeletePolicyVersion {
                arn: input.policy_arn,
                version: input.version_id,
            },
        )
        .map(|_| ())
    }

    fn set_default_policy_version(
        &self,
        ctx: &mut Ctx,
        input: w::SetDefaultPolicyVersionRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::SetDefaultPolicyVersion {
                arn: input.policy_arn,
                version: input.version_id,
            },
        )
        .map(|_| ())
    }

    fn list_policy_versions(
        &self,
        ctx: &mut Ctx,
        input: w::ListPolicyVersionsRequest,
    ) -> Result<w::ListPolicyVersionsResponse, ApiError> {
        let _ = ctx;
        let versions = self.read(|c| {
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

    fn create_group(
        &self,
        ctx: &mut Ctx,
        input: w::CreateGroupRequest,
    ) -> Result<w::CreateGroupResponse, ApiError> {
        self.created_group(ctx, input)
    }

    fn get_group(
        &self,
        ctx: &mut Ctx,
        input: w::GetGroupRequest,
    ) -> Result<w::GetGroupResponse, ApiError> {
        self.group_with_users(ctx, input)
    }

    fn list_groups_for_user(
        &self,
        ctx: &mut Ctx,
        input: w::ListGroupsForUserRequest,
    ) -> Result<w::ListGroupsForUserResponse, ApiError> {
        self.groups_for_user(ctx, input)
    }

    fn delete_group(&self, ctx: &mut Ctx, input: w::DeleteGroupRequest) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::Delete {
                name: input.group_name,
            },
        )
    }

    fn add_user_to_group(
        &self,
        ctx: &mut Ctx,
        input: w::AddUserToGroupRequest,
    ) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::AddUser {
                group: input.group_name,
                user: input.user_name,
            },
        )
    }

    fn remove_user_from_group(
        &self,
        ctx: &mut Ctx,
        input: w::RemoveUserFromGroupRequest,
    ) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::RemoveUser {
                group: input.group_name,
                user: input.user_name,
            },
        )
    }

    fn put_group_policy(
        &self,
        ctx: &mut Ctx,
        input: w::PutGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::PutPolicy {
                group: input.group_name,
                name: input.policy_name,
                document: input.policy_document,
            },
        )
    }

    fn attach_group_policy(
        &self,
        ctx: &mut Ctx,
        input: w::AttachGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::AttachPolicy {
                group: input.group_name,
                arn: input.policy_arn,
            },
        )
    }

    fn detach_group_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DetachGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        self.group_command(
            ctx,
            GroupCommand::DetachPolicy {
                group: input.group_name,
                arn: input.policy_arn,
            },
        )
    }

    fn list_roles(
        &self,
        ctx: &mut Ctx,
        input: w::ListRolesRequest,
    ) -> Result<w::ListRolesResponse, ApiError> {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
        let roles = self.read(|c| {
            Ok(c.iam
                .roles
                .values()
                .filter(|r| r.account == ctx.account && r.path.starts_with(&prefix))
                .map(|r| role_out(r, false))
                .collect::<Vec<_>>())
        })?;
        let (roles, is_truncated, marker) = page(roles, input.max_items, input.marker.as_deref())?;
        Ok(w::ListRolesResponse {
            roles,
            is_truncated,
            marker,
        })
    }

    fn delete_role(&self, ctx: &mut Ctx, input: w::DeleteRoleRequest) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeleteRole {
                name: input.role_name,
            },
        )
        .map(|_| ())
    }

    fn update_role(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateRoleRequest,
    ) -> Result<w::UpdateRoleResponse, ApiError> {
        self.iam(
            ctx,
            IamCommand::UpdateRole {
                name: input.role_name,
                description: input.description,
                max_session_seconds: input.max_session_duration.map(i64::from),
            },
        )?;
        Ok(w::UpdateRoleResponse {})
    }

    fn update_assume_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateAssumeRolePolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::UpdateAssumeRolePolicy {
                name: input.role_name,
                document: input.policy_document,
            },
        )
        .map(|_| ())
    }

    fn tag_role(&self, ctx: &mut Ctx, input: w::TagRoleRequest) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::TagRole {
                name: input.role_name,
                tags: tags_in(Some(input.tags)),
            },
        )
        .map(|_| ())
    }

    fn untag_role(&self, ctx: &mut Ctx, input: w::UntagRoleRequest) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::UntagRole {
                name: input.role_name,
                keys: input.tag_keys,
            },
        )
        .map(|_| ())
    }

    fn list_role_tags(
        &self,
        ctx: &mut Ctx,
        input: w::ListRoleTagsRequest,
    ) -> Result<w::ListRoleTagsResponse, ApiError> {
        let tags = self.read(|c| {
            c.role(&ctx.account, &input.role_name)
                .map(|r| tags_out(&r.tags))
        })?;
        let (tags, is_truncated, marker) = page(tags, input.max_items, input.marker.as_deref())?;
        Ok(w::ListRoleTagsResponse {
            tags,
            is_truncated,
            marker,
        })
    }

    fn put_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::PutRolePolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::PutRolePolicy {
                role: input.role_name,
                name: input.policy_name,
                document: input.policy_document,
            },
        )
        .map(|_| ())
    }

    fn get_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::GetRolePolicyRequest,
    ) -> Result<w::GetRolePolicyResponse, ApiError> {
        let (role, doc) = self.read(|c| {
            let r = c.role(&ctx.account, &input.role_name)?;
            let doc = r.inline_policies.get(&input.policy_name).ok_or_else(|| {
                Error::new(
                    "NoSuchEntity",
                    format!(
                        "The role policy with name {} cannot be found.",
                        input.policy_name
                    ),
                )
            })?;
            Ok((r.name.clone(), doc.clone()))
        })?;
        Ok(w::GetRolePolicyResponse {
            role_name: role,
            policy_name: input.policy_name,
            policy_document: url_encode(&doc),
        })
    }

    fn delete_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteRolePolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeleteRolePolicy {
                role: input.role_name,
                name: input.policy_name,
            },
        )
        .map(|_| ())
    }

    fn list_role_policies(
        &self,
        ctx: &mut Ctx,
        input: w::ListRolePoliciesRequest,
    ) -> Result<w::ListRolePoliciesResponse, ApiError> {
        let names = self.read(|c| {
            c.role(&ctx.account, &input.role_name)
                .map(|r| r.inline_policies.keys().cloned().collect::<Vec<_>>())
        })?;
        let (policy_names, is_truncated, marker) =
            page(names, input.max_items, input.marker.as_deref())?;
        Ok(w::ListRolePoliciesResponse {
            policy_names,
            is_truncated,
            marker,
        })
    }

    fn attach_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::AttachRolePolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::AttachRolePolicy {
                role: input.role_name,
                arn: input.policy_arn,
            },
        )
        .map(|_| ())
    }

    fn detach_role_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DetachRolePolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DetachRolePolicy {
                role: input.role_name,
                arn: input.policy_arn,
            },
        )
        .map(|_| ())
    }

    fn list_attached_role_policies(
        &self,
        ctx: &mut Ctx,
        input: w::ListAttachedRolePoliciesRequest,
    ) -> Result<w::ListAttachedRolePoliciesResponse, ApiError> {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
        let attached = self.read(|c| {
            c.role(&ctx.account, &input.role_name).map(|r| {
                r.attached_policies
                    .iter()
                    .filter(|arn| prefix == "/" || arn.contains(&format!("policy{prefix}")))
                    .map(|arn| w::AttachedPolicy {
                        policy_name: Some(policy_name(arn)),
                        policy_arn: Some(arn.clone()),
                    })
                    .collect::<Vec<_>>()
            })
        })?;
        let (attached, is_truncated, marker) =
            page(attached, input.max_items, input.marker.as_deref())?;
        Ok(w::ListAttachedRolePoliciesResponse {
            attached_policies: Some(attached),
            is_truncated,
            marker,
        })
    }

    fn list_instance_profiles_for_role(
        &self,
        ctx: &mut Ctx,
        input: w::ListInstanceProfilesForRoleRequest,
    ) -> Result<w::ListInstanceProfilesForRoleResponse, ApiError> {
        // ramparts has no instance profiles: a role's list is empty (Terraform reads it).
        self.read(|c| c.role(&ctx.account, &input.role_name).map(|_| ()))?;
        Ok(w::ListInstanceProfilesForRoleResponse {
            instance_profiles: vec![],
            is_truncated: Some(false),
            marker: None,
        })
    }

    fn create_service_linked_role(
        &self,
        ctx: &mut Ctx,
        input: w::CreateServiceLinkedRoleRequest,
    ) -> Result<w::CreateServiceLinkedRoleResponse, ApiError> {
        let outcome = self.iam(
            ctx,
            IamCommand::CreateServiceLinkedRole {
                service: input.aws_service_name,
                description: input.description,
                suffix: input.custom_suffix,
            },
        )?;
        let Outcome::Id(name) = outcome else {
            return Err(domain_error(Error::new("ServiceFailure", "no role")));
        };
        let role = self.read(|c| c.role(&ctx.account, &name).map(|r| role_out(r, false)))?;
        Ok(w::CreateServiceLinkedRoleResponse { role: Some(role) })
    }

    fn delete_service_linked_role(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteServiceLinkedRoleRequest,
    ) -> Result<w::DeleteServiceLinkedRoleResponse, ApiError> {
        let outcome = self.iam(
            ctx,
            IamCommand::DeleteServiceLinkedRole {
                name: input.role_name,
            },
        )?;
        let Outcome::Id(task) = outcome else {
            return Err(domain_error(Error::new("ServiceFailure", "no task")));
        };
        Ok(w::DeleteServiceLinkedRoleResponse {
            deletion_task_id: task,
        })
    }

    fn get_service_linked_role_deletion_status(
        &self,
        ctx: &mut Ctx,
        input: w::GetServiceLinkedRoleDeletionStatusRequest,
    ) -> Result<w::GetServiceLinkedRoleDeletionStatusResponse, ApiError> {
        // Deletion happens at once, so every well-formed task of this account has succeeded.
        let valid = input.deletion_task_id.starts_with("task/aws-service-role/");
        if !valid {
            return Err(domain_error(Error::new(
                "NoSuchEntity",
                format!(
                    "The deletion task {} cannot be found.",
                    input.deletion_task_id
                ),
            )));
        }
        let _ = ctx;
        Ok(w::GetServiceLinkedRoleDeletionStatusResponse {
            status: "SUCCEEDED".into(),
            reason: None,
        })
    }

    fn create_user(
        &self,
        ctx: &mut Ctx,
        input: w::CreateUserRequest,
    ) -> Result<w::CreateUserResponse, ApiError> {
        if input.permissions_boundary.is_some() {
            return Err(ApiError::not_implemented(
                "iam",
                "CreateUser with a permissions boundary",
            ));
        }
        let name = input.user_name.clone();
        self.iam(
            ctx,
            IamCommand::CreateUser {
                name: input.user_name,
                path: input.path,
                tags: tags_in(input.tags),
            },
        )?;
        let user = self.read(|c| c.user(&ctx.account, &name).map(user_out))?;
        Ok(w::CreateUserResponse { user: Some(user) })
    }

    fn get_user(
        &self,
        ctx: &mut Ctx,
        input: w::GetUserRequest,
    ) -> Result<w::GetUserResponse, ApiError> {
        let name = self.user_name(ctx, input.user_name)?;
        let user = self.read(|c| c.user(&ctx.account, &name).map(user_out))?;
        Ok(w::GetUserResponse { user })
    }

    fn list_users(
        &self,
        ctx: &mut Ctx,
        input: w::ListUsersRequest,
    ) -> Result<w::ListUsersResponse, ApiError> {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
        let users = self.read(|c| {
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

    fn delete_user(&self, ctx: &mut Ctx, input: w::DeleteUserRequest) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeleteUser {
                name: input.user_name,
            },
        )
        .map(|_| ())
    }

    fn put_user_policy(
        &self,
        ctx: &mut Ctx,
        input: w::PutUserPolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::PutUserPolicy {
                user: input.user_name,
                name: input.policy_name,
                document: input.policy_document,
            },
        )
        .map(|_| ())
    }

    fn delete_user_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteUserPolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DeleteUserPolicy {
                user: input.user_name,
                name: input.policy_name,
            },
        )
        .map(|_| ())
    }

    fn attach_user_policy(
        &self,
        ctx: &mut Ctx,
        input: w::AttachUserPolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::AttachUserPolicy {
                user: input.user_name,
                arn: input.policy_arn,
            },
        )
        .map(|_| ())
    }

    fn detach_user_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DetachUserPolicyRequest,
    ) -> Result<(), ApiError> {
        self.iam(
            ctx,
            IamCommand::DetachUserPolicy {
                user: input.user_name,
                arn: input.policy_arn,
            },
        )
        .map(|_| ())
    }

    fn create_access_key(
        &self,
        ctx: &mut Ctx,
        input: w::CreateAccessKeyRequest,
    ) -> Result<w::CreateAccessKeyResponse, ApiError> {
        let user = self.user_name(ctx, input.user_name)?;
        let outcome = self.iam(ctx, IamCommand::CreateAccessKey { user })?;
        let Outcome::Id(id) = outcome else {
            return Err(domain_error(Error::new("ServiceFailure", "no key")));
        };
        let key = self.read(|c| {
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

    fn list_access_keys(
        &self,
        ctx: &mut Ctx,
        input: w::ListAccessKeysRequest,
    ) -> Result<w::ListAccessKeysResponse, ApiError> {
        let user = self.user_name(ctx, input.user_name)?;
        let keys = self.read(|c| {
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

    fn update_access_key(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateAccessKeyRequest,
    ) -> Result<(), ApiError> {
        let user = self.user_name(ctx, input.user_name)?;
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
        self.iam(
            ctx,
            IamCommand::UpdateAccessKey {
                user,
                key_id: input.access_key_id,
                active,
            },
        )
        .map(|_| ())
    }

    fn delete_access_key(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteAccessKeyRequest,
    ) -> Result<(), ApiError> {
        let user = self.user_name(ctx, input.user_name)?;
        self.iam(
            ctx,
            IamCommand::DeleteAccessKey {
                user,
                key_id: input.access_key_id,
            },
        )
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policy_documents_are_percent_encoded_without_plus() {
        assert_eq!(super::url_encode(r#"{"A": 1}"#), "%7B%22A%22%3A%201%7D");
    }
}
