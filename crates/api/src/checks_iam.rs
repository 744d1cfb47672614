//! What each IAM request asks IAM itself: its action on the user, group, role, policy or
//! instance profile it names, under that entity's ARN (the path included when the entity
//! exists), with the keys IAM documents for it: `iam:PermissionsBoundary`, `iam:PolicyARN`,
//! `iam:PassedToService`, `iam:AWSServiceName`, the entity's tags and the request's tags. An
//! operation that names no entity is authorized on `*`.

use crate::authorize::Check;
use crate::checks::Resources;
use cloud::Tag;
use wire::iam::{Call, Tag as WireTag};

/// The entity a request names.
enum Entity<'a> {
    Role(&'a str, Option<&'a str>),
    User(&'a str, Option<&'a str>),
    Group(&'a str),
    Profile(&'a str, Option<&'a str>),
    Policy(String),
    Arn(&'a str),
    Any,
}

fn tag_keys(tags: &[WireTag]) -> Vec<(String, Vec<String>)> {
    let mut keys: Vec<(String, Vec<String>)> = tags
        .iter()
        .map(|t| (format!("aws:RequestTag/{}", t.key), vec![t.value.clone()]))
        .collect();
    if !tags.is_empty() {
        keys.push((
            "aws:TagKeys".into(),
            tags.iter().map(|t| t.key.clone()).collect(),
        ));
    }
    keys
}

fn resource_tags(tags: &[Tag]) -> impl Iterator<Item = (String, Vec<String>)> + '_ {
    tags.iter().flat_map(|t| {
        [
            (format!("aws:ResourceTag/{}", t.key), vec![t.value.clone()]),
            (format!("iam:ResourceTag/{}", t.key), vec![t.value.clone()]),
        ]
    })
}

impl Resources<'_> {
    pub fn iam(&self, call: Call<'_>) -> Vec<Check> {
        let action = format!("iam:{}", call.operation());
        let mut keys: Vec<(String, Vec<String>)> = Vec::new();
        let caller_user = self
            .ctx
            .principal
            .arn
            .split_once(":user/")
            .map(|(_, path_and_name)| path_and_name.rsplit('/').next().unwrap_or_default());
        let user_or_caller = |given: &Option<String>| -> Option<String> {
            given.clone().or(caller_user.map(str::to_string))
        };
        let owned_user;
        let entity = match call {
            Call::CreateRole(i) => {
                keys.extend(tag_keys(i.tags.as_deref().unwrap_or_default()));
                if let Some(b) = &i.permissions_boundary {
                    keys.push(("iam:PermissionsBoundary".into(), vec![b.clone()]));
                }
                Entity::Role(&i.role_name, i.path.as_deref())
            }
            Call::GetRole(i) => Entity::Role(&i.role_name, None),
            Call::DeleteRole(i) => Entity::Role(&i.role_name, None),
            Call::UpdateRole(i) => Entity::Role(&i.role_name, None),
            Call::UpdateAssumeRolePolicy(i) => Entity::Role(&i.role_name, None),
            Call::TagRole(i) => {
                keys.extend(tag_keys(&i.tags));
                Entity::Role(&i.role_name, None)
            }
            Call::UntagRole(i) => {
                keys.push(("aws:TagKeys".into(), i.tag_keys.clone()));
                Entity::Role(&i.role_name, None)
            }
            Call::ListRoleTags(i) => Entity::Role(&i.role_name, None),
            Call::PutRolePolicy(i) => Entity::Role(&i.role_name, None),
            Call::GetRolePolicy(i) => Entity::Role(&i.role_name, None),
            Call::DeleteRolePolicy(i) => Entity::Role(&i.role_name, None),
            Call::ListRolePolicies(i) => Entity::Role(&i.role_name, None),
            Call::AttachRolePolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::Role(&i.role_name, None)
            }
            Call::DetachRolePolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::Role(&i.role_name, None)
            }
            Call::ListAttachedRolePolicies(i) => Entity::Role(&i.role_name, None),
            Call::ListInstanceProfilesForRole(i) => Entity::Role(&i.role_name, None),
            Call::DeleteServiceLinkedRole(i) => Entity::Role(&i.role_name, None),
            Call::PutRolePermissionsBoundary(i) => {
                keys.push((
                    "iam:PermissionsBoundary".into(),
                    vec![i.permissions_boundary.clone()],
                ));
                Entity::Role(&i.role_name, None)
            }
            Call::DeleteRolePermissionsBoundary(i) => Entity::Role(&i.role_name, None),
            Call::CreateServiceLinkedRole(i) => {
                keys.push((
                    "iam:AWSServiceName".into(),
                    vec![i.aws_service_name.clone()],
                ));
                let name = cloud::iam::service_linked_role_name(&i.aws_service_name);
                let path = format!("/aws-service-role/{}/", i.aws_service_name);
                return vec![Check {
                    resource: format!("arn:aws:iam::{}:role{path}{name}", self.ctx.account),
                    keys,
                    ..Check::on_any(action)
                }];
            }
            Call::CreateUser(i) => {
                keys.extend(tag_keys(i.tags.as_deref().unwrap_or_default()));
                if let Some(b) = &i.permissions_boundary {
                    keys.push(("iam:PermissionsBoundary".into(), vec![b.clone()]));
                }
                Entity::User(&i.user_name, i.path.as_deref())
            }
            Call::GetUser(i) => {
                owned_user = user_or_caller(&i.user_name);
                owned_user
                    .as_deref()
                    .map_or(Entity::Any, |u| Entity::User(u, None))
            }
            Call::CreateAccessKey(i) => {
                owned_user = user_or_caller(&i.user_name);
                owned_user
                    .as_deref()
                    .map_or(Entity::Any, |u| Entity::User(u, None))
            }
            Call::ListAccessKeys(i) => {
                owned_user = user_or_caller(&i.user_name);
                owned_user
                    .as_deref()
                    .map_or(Entity::Any, |u| Entity::User(u, None))
            }
            Call::UpdateAccessKey(i) => {
                owned_user = user_or_caller(&i.user_name);
                owned_user
                    .as_deref()
                    .map_or(Entity::Any, |u| Entity::User(u, None))
            }
            Call::DeleteAccessKey(i) => {
                owned_user = user_or_caller(&i.user_name);
                owned_user
                    .as_deref()
                    .map_or(Entity::Any, |u| Entity::User(u, None))
            }
            Call::DeleteUser(i) => Entity::User(&i.user_name, None),
            Call::TagUser(i) => {
                keys.extend(tag_keys(&i.tags));
                Entity::User(&i.user_name, None)
            }
            Call::UntagUser(i) => {
                keys.push(("aws:TagKeys".into(), i.tag_keys.clone()));
                Entity::User(&i.user_name, None)
            }
            Call::ListUserTags(i) => Entity::User(&i.user_name, None),
            Call::PutUserPolicy(i) => Entity::User(&i.user_name, None),
            Call::GetUserPolicy(i) => Entity::User(&i.user_name, None),
            Call::DeleteUserPolicy(i) => Entity::User(&i.user_name, None),
            Call::ListUserPolicies(i) => Entity::User(&i.user_name, None),
            Call::AttachUserPolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::User(&i.user_name, None)
            }
            Call::DetachUserPolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::User(&i.user_name, None)
            }
            Call::ListAttachedUserPolicies(i) => Entity::User(&i.user_name, None),
            Call::ListGroupsForUser(i) => Entity::User(&i.user_name, None),
            Call::PutUserPermissionsBoundary(i) => {
                keys.push((
                    "iam:PermissionsBoundary".into(),
                    vec![i.permissions_boundary.clone()],
                ));
                Entity::User(&i.user_name, None)
            }
            Call::DeleteUserPermissionsBoundary(i) => Entity::User(&i.user_name, None),
            Call::CreateGroup(i) => Entity::Group(&i.group_name),
            Call::GetGroup(i) => Entity::Group(&i.group_name),
            Call::DeleteGroup(i) => Entity::Group(&i.group_name),
            Call::AddUserToGroup(i) => Entity::Group(&i.group_name),
            Call::RemoveUserFromGroup(i) => Entity::Group(&i.group_name),
            Call::PutGroupPolicy(i) => Entity::Group(&i.group_name),
            Call::GetGroupPolicy(i) => Entity::Group(&i.group_name),
            Call::DeleteGroupPolicy(i) => Entity::Group(&i.group_name),
            Call::ListGroupPolicies(i) => Entity::Group(&i.group_name),
            Call::AttachGroupPolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::Group(&i.group_name)
            }
            Call::DetachGroupPolicy(i) => {
                keys.push(("iam:PolicyARN".into(), vec![i.policy_arn.clone()]));
                Entity::Group(&i.group_name)
            }
            Call::ListAttachedGroupPolicies(i) => Entity::Group(&i.group_name),
            Call::CreatePolicy(i) => {
                keys.extend(tag_keys(i.tags.as_deref().unwrap_or_default()));
                let path = i.path.as_deref().unwrap_or("/");
                Entity::Policy(format!(
                    "arn:aws:iam::{}:policy{path}{}",
                    self.ctx.account, i.policy_name
                ))
            }
            Call::GetPolicy(i) => Entity::Arn(&i.policy_arn),
            Call::DeletePolicy(i) => Entity::Arn(&i.policy_arn),
            Call::CreatePolicyVersion(i) => Entity::Arn(&i.policy_arn),
            Call::GetPolicyVersion(i) => Entity::Arn(&i.policy_arn),
            Call::DeletePolicyVersion(i) => Entity::Arn(&i.policy_arn),
            Call::SetDefaultPolicyVersion(i) => Entity::Arn(&i.policy_arn),
            Call::ListPolicyVersions(i) => Entity::Arn(&i.policy_arn),
            Call::ListEntitiesForPolicy(i) => Entity::Arn(&i.policy_arn),
            Call::SimulatePrincipalPolicy(i) => Entity::Arn(&i.policy_source_arn),
            Call::CreateInstanceProfile(i) => {
                keys.extend(tag_keys(i.tags.as_deref().unwrap_or_default()));
                Entity::Profile(&i.instance_profile_name, i.path.as_deref())
            }
            Call::GetInstanceProfile(i) => Entity::Profile(&i.instance_profile_name, None),
            Call::DeleteInstanceProfile(i) => Entity::Profile(&i.instance_profile_name, None),
            Call::RemoveRoleFromInstanceProfile(i) => {
                Entity::Profile(&i.instance_profile_name, None)
            }
            Call::TagInstanceProfile(i) => {
                keys.extend(tag_keys(&i.tags));
                Entity::Profile(&i.instance_profile_name, None)
            }
            Call::UntagInstanceProfile(i) => {
                keys.push(("aws:TagKeys".into(), i.tag_keys.clone()));
                Entity::Profile(&i.instance_profile_name, None)
            }
            Call::ListInstanceProfileTags(i) => Entity::Profile(&i.instance_profile_name, None),
            Call::AddRoleToInstanceProfile(i) => {
                // Putting a role in a profile passes it to EC2: iam:PassRole on the role too.
                let profile = self.check(
                    &action,
                    Entity::Profile(&i.instance_profile_name, None),
                    Vec::new(),
                );
                let pass = self.check(
                    "iam:PassRole",
                    Entity::Role(&i.role_name, None),
                    vec![(
                        "iam:PassedToService".into(),
                        vec!["ec2.amazonaws.com".into()],
                    )],
                );
                return vec![profile, pass];
            }
            _ => Entity::Any,
        };
        vec![self.check(&action, entity, keys)]
    }

    fn check(
        &self,
        action: &str,
        entity: Entity<'_>,
        mut keys: Vec<(String, Vec<String>)>,
    ) -> Check {
        let account = &self.ctx.account;
        let resource = match entity {
            Entity::Any => "*".to_string(),
            Entity::Arn(arn) => arn.to_string(),
            Entity::Policy(arn) => arn,
            Entity::Role(name, path) => match self.cloud.role(account, name) {
                Ok(role) => {
                    keys.extend(resource_tags(&role.tags));
                    if let Some(b) = &role.permissions_boundary {
                        if !keys.iter().any(|(k, _)| k == "iam:PermissionsBoundary") {
                            keys.push(("iam:PermissionsBoundary".into(), vec![b.clone()]));
                        }
                    }
                    role.arn()
                }
                Err(_) => format!("arn:aws:iam::{account}:role{}{name}", path.unwrap_or("/")),
            },
            Entity::User(name, path) => match self.cloud.user(account, name) {
                Ok(user) => {
                    keys.extend(resource_tags(&user.tags));
                    if let Some(b) = &user.permissions_boundary {
                        if !keys.iter().any(|(k, _)| k == "iam:PermissionsBoundary") {
                            keys.push(("iam:PermissionsBoundary".into(), vec![b.clone()]));
                        }
                    }
                    user.arn()
                }
                Err(_) => format!("arn:aws:iam::{account}:user{}{name}", path.unwrap_or("/")),
            },
            Entity::Group(name) => match self.cloud.group(account, name) {
                Ok(group) => group.arn(),
                Err(_) => format!("arn:aws:iam::{account}:group/{name}"),
            },
            Entity::Profile(name, path) => match self.cloud.instance_profile(account, name) {
                Ok(profile) => {
                    keys.extend(resource_tags(&profile.tags));
                    profile.arn()
                }
                Err(_) => format!(
                    "arn:aws:iam::{account}:instance-profile{}{name}",
                    path.unwrap_or("/")
                ),
            },
        };
        Check {
            resource,
            keys,
            ..Check::on_any(action)
        }
    }
}
