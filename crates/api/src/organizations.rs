//! Organizations: structure (root, OUs, accounts), account creation, trusted services, tags.

use crate::{domain_error, paginate, Ctx, Services};
use cloud::org::{account_not_found, Member, Organization};
use cloud::{Cloud, Command, Error, OrgCommand, Outcome, Tag};
use wire::organizations as w;
use wire::{ApiError, DateTime};

fn page<T>(
    items: Vec<T>,
    max: Option<i32>,
    token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    paginate(
        items,
        max,
        token,
        (1, 20),
        |_| {
            Error::new(
                "InvalidInputException",
                "You specified an invalid value for nextToken.",
            )
            .with_reason("INVALID_PAGINATION_TOKEN")
        },
        |_| {
            Error::new(
                "InvalidInputException",
                "You provided a value for MaxResults that is out of range (1-20).",
            )
            .with_reason("MAX_VALUE_EXCEEDED")
        },
    )
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

fn organization_out(o: &Organization) -> w::Organization {
    w::Organization {
        id: Some(o.id.clone()),
        arn: Some(o.arn()),
        feature_set: Some(o.feature_set.clone()),
        master_account_arn: Some(o.account_arn(&o.master)),
        master_account_id: Some(o.master.clone()),
        master_account_email: Some(o.master_email.clone()),
        available_policy_types: Some(vec![]),
    }
}

fn account_out(o: &Organization, m: &Member) -> w::Account {
    let state = match m.status.as_str() {
        "SUSPENDED" => "SUSPENDED",
        "PENDING_CLOSURE" => "PENDING_CLOSURE",
        _ => "ACTIVE",
    };
    w::Account {
        id: Some(m.id.clone()),
        arn: Some(o.account_arn(&m.id)),
        email: Some(m.email.clone()),
        name: Some(m.name.clone()),
        status: Some(m.status.clone()),
        state: Some(state.into()),
        paths: None,
        joined_method: Some(m.joined_method.clone()),
        joined_timestamp: Some(DateTime(m.joined)),
    }
}

fn unit_out(o: &Organization, id: &str) -> Option<w::OrganizationalUnit> {
    let u = o.units.get(id)?;
    Some(w::OrganizationalUnit {
        id: Some(u.id.clone()),
        arn: Some(o.unit_arn(&u.id)),
        name: Some(u.name.clone()),
        path: None,
    })
}

fn request_out(r: &cloud::org::AccountRequest) -> w::CreateAccountStatus {
    w::CreateAccountStatus {
        id: Some(r.id.clone()),
        account_name: Some(r.account_name.clone()),
        state: Some(r.state.clone()),
        requested_timestamp: Some(DateTime(r.requested)),
        completed_timestamp: r.completed.map(DateTime),
        account_id: r.account_id.clone(),
        gov_cloud_account_id: None,
        failure_reason: r.failure_reason.clone(),
    }
}

fn parent_not_found() -> Error {
    Error::new(
        "ParentNotFoundException",
        "We can't find a root or OU with the ParentId that you specified.",
    )
}

fn check_parent(o: &Organization, id: &str) -> Result<(), Error> {
    if o.has_parent(id) {
        Ok(())
    } else {
        Err(parent_not_found())
    }
}

fn root_out(o: &Organization) -> w::Root {
    w::Root {
        id: Some(o.root_id.clone()),
        arn: Some(o.root_arn()),
        name: Some("Root".into()),
        policy_types: Some(
            o.policy_types
                .iter()
                .map(|t| w::PolicyTypeSummary {
                    r#type: Some(t.clone()),
                    status: Some("ENABLED".into()),
                })
                .collect(),
        ),
    }
}

fn policy_summary(o: &Organization, p: &cloud::org_policies::PolicyView<'_>) -> w::PolicySummary {
    w::PolicySummary {
        id: Some(p.id.to_string()),
        arn: Some(o.policy_arn(p.id, p.kind)),
        name: Some(p.name.to_string()),
        description: Some(p.description.to_string()),
        r#type: Some(p.kind.to_string()),
        aws_managed: Some(p.aws_managed),
    }
}

fn policy_out(o: &Organization, id: &str) -> Result<w::Policy, Error> {
    let p = o.policy(id).ok_or_else(|| {
        Error::new(
            "PolicyNotFoundException",
            "We can't find a policy with the PolicyId that you specified.",
        )
    })?;
    Ok(w::Policy {
        policy_summary: Some(policy_summary(o, &p)),
        content: Some(p.content.to_string()),
    })
}

fn target_out(o: &Organization, target: &str) -> w::PolicyTargetSummary {
    let (kind, name, arn) = if target == o.root_id {
        ("ROOT", "Root".to_string(), o.root_arn())
    } else if let Some(u) = o.units.get(target) {
        ("ORGANIZATIONAL_UNIT", u.name.clone(), o.unit_arn(target))
    } else {
        let name = o
            .accounts
            .get(target)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        ("ACCOUNT", name, o.account_arn(target))
    };
    w::PolicyTargetSummary {
        target_id: Some(target.to_string()),
        arn: Some(arn),
        name: Some(name),
        r#type: Some(kind.into()),
    }
}

fn check_filter(filter: &str) -> Result<(), Error> {
    if filter == cloud::org_policies::SCP || filter == cloud::org_policies::RCP {
        Ok(())
    } else {
        Err(
            Error::new("InvalidInputException", format!("Invalid Filter: {filter}"))
                .with_reason("INVALID_ENUM"),
        )
    }
}

impl Services {
    fn org(&self, ctx: &mut Ctx, command: OrgCommand) -> Result<Outcome, ApiError> {
        self.apply(ctx, Command::Org(command), |_, o| o.clone())
    }

    fn managed<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&Cloud, &Organization) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        self.read(|c| f(c, c.managed_org(&ctx.account)?))
    }
}

impl w::Api for Services {
    type Ctx = Ctx;

    fn authorize(&self, ctx: &mut Ctx, call: w::Call<'_>) -> Result<(), ApiError> {
        self.authorize_call(ctx, crate::authorize::Service::Organizations, |_| {
            vec![crate::authorize::Check::on_any(format!(
                "organizations:{}",
                call.operation()
            ))]
        })
    }

    fn create_organization(
        &self,
        ctx: &mut Ctx,
        input: w::CreateOrganizationRequest,
    ) -> Result<w::CreateOrganizationResponse, ApiError> {
        let feature_set = input.feature_set.unwrap_or_else(|| "ALL".into());
        self.org(
            ctx,
            OrgCommand::CreateOrganization {
                feature_set,
                email: None,
                name: None,
            },
        )?;
        let org = self.read(|c| c.member_org(&ctx.account).map(organization_out))?;
        Ok(w::CreateOrganizationResponse {
            organization: Some(org),
        })
    }

    fn describe_organization(
        &self,
        ctx: &mut Ctx,
    ) -> Result<w::DescribeOrganizationResponse, ApiError> {
        let org = self.read(|c| c.member_org(&ctx.account).map(organization_out))?;
        Ok(w::DescribeOrganizationResponse {
            organization: Some(org),
        })
    }

    fn delete_organization(&self, ctx: &mut Ctx) -> Result<(), ApiError> {
        self.org(ctx, OrgCommand::DeleteOrganization).map(|_| ())
    }

    fn leave_organization(&self, ctx: &mut Ctx) -> Result<(), ApiError> {
        self.org(ctx, OrgCommand::LeaveOrganization).map(|_| ())
    }

    fn create_account(
        &self,
        ctx: &mut Ctx,
        input: w::CreateAccountRequest,
    ) -> Result<w::CreateAccountResponse, ApiError> {
        let outcome = self.org(
            ctx,
            OrgCommand::CreateAccount {
                email: input.email,
                name: input.account_name,
                role_name: input.role_name,
                tags: tags_in(input.tags),
                account_id: None,
                parent: None,
            },
        )?;
        let Outcome::Id(id) = outcome else {
            return Err(domain_error(Error::new(
                "ServiceException",
                "no request id",
            )));
        };
        // AWS answers while the account is being made; DescribeCreateAccountStatus tells how
        // it ended (here: at once).
        let status = self.managed(ctx, |_, o| {
            Ok(o.requests.get(&id).map(|r| w::CreateAccountStatus {
                state: Some("IN_PROGRESS".into()),
                completed_timestamp: None,
                account_id: None,
                failure_reason: None,
                ..request_out(r)
            }))
        })?;
        Ok(w::CreateAccountResponse {
            create_account_status: status,
        })
    }

    fn describe_create_account_status(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeCreateAccountStatusRequest,
    ) -> Result<w::DescribeCreateAccountStatusResponse, ApiError> {
        let id = input.create_account_request_id;
        let status = self.managed(ctx, |_, o| {
            o.requests.get(&id).map(request_out).ok_or_else(|| {
                Error::new(
                    "CreateAccountStatusNotFoundException",
                    format!("We can't find a create account request with the CreateAccountRequestId {id}."),
                )
            })
        })?;
        Ok(w::DescribeCreateAccountStatusResponse {
            create_account_status: Some(status),
        })
    }

    fn list_create_account_status(
        &self,
        ctx: &mut Ctx,
        input: w::ListCreateAccountStatusRequest,
    ) -> Result<w::ListCreateAccountStatusResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            Ok(o.requests
                .values()
                .filter(|r| {
                    input
                        .states
                        .as_ref()
                        .is_none_or(|s| s.is_empty() || s.contains(&r.state))
                })
                .map(request_out)
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListCreateAccountStatusResponse {
            create_account_statuses: Some(items),
            next_token: next,
        })
    }

    fn describe_account(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeAccountRequest,
    ) -> Result<w::DescribeAccountResponse, ApiError> {
        let id = input.account_id;
        let account = self.managed(ctx, |_, o| {
            o.accounts
                .get(&id)
                .map(|m| account_out(o, m))
                .ok_or_else(account_not_found)
        })?;
        Ok(w::DescribeAccountResponse {
            account: Some(account),
        })
    }

    fn list_accounts(
        &self,
        ctx: &mut Ctx,
        input: w::ListAccountsRequest,
    ) -> Result<w::ListAccountsResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            Ok(o.accounts
                .values()
                .map(|m| account_out(o, m))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListAccountsResponse {
            accounts: Some(items),
            next_token: next,
        })
    }

    fn list_accounts_for_parent(
        &self,
        ctx: &mut Ctx,
        input: w::ListAccountsForParentRequest,
    ) -> Result<w::ListAccountsForParentResponse, ApiError> {
        let parent = input.parent_id;
        let items = self.managed(ctx, |_, o| {
            check_parent(o, &parent)?;
            Ok(o.accounts
                .values()
                .filter(|m| m.parent == parent)
                .map(|m| account_out(o, m))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListAccountsForParentResponse {
            accounts: Some(items),
            next_token: next,
        })
    }

    fn enable_policy_type(
        &self,
        ctx: &mut Ctx,
        input: w::EnablePolicyTypeRequest,
    ) -> Result<w::EnablePolicyTypeResponse, ApiError> {
        self.org(
            ctx,
            OrgCommand::EnablePolicyType {
                root_id: input.root_id,
                kind: input.policy_type,
            },
        )?;
        let root = self.managed(ctx, |_, o| Ok(root_out(o)))?;
        Ok(w::EnablePolicyTypeResponse { root: Some(root) })
    }

    fn disable_policy_type(
        &self,
        ctx: &mut Ctx,
        input: w::DisablePolicyTypeRequest,
    ) -> Result<w::DisablePolicyTypeResponse, ApiError> {
        self.org(
            ctx,
            OrgCommand::DisablePolicyType {
                root_id: input.root_id,
                kind: input.policy_type,
            },
        )?;
        let root = self.managed(ctx, |_, o| Ok(root_out(o)))?;
        Ok(w::DisablePolicyTypeResponse { root: Some(root) })
    }

    fn create_policy(
        &self,
        ctx: &mut Ctx,
        input: w::CreatePolicyRequest,
    ) -> Result<w::CreatePolicyResponse, ApiError> {
        let outcome = self.org(
            ctx,
            OrgCommand::CreatePolicy {
                name: input.name,
                description: input.description,
                content: input.content,
                kind: input.r#type,
                tags: tags_in(input.tags),
            },
        )?;
        let Outcome::Id(id) = outcome else {
            return Err(domain_error(Error::new("ServiceException", "no policy id")));
        };
        let policy = self.managed(ctx, |_, o| policy_out(o, &id))?;
        Ok(w::CreatePolicyResponse {
            policy: Some(policy),
        })
    }

    fn describe_policy(
        &self,
        ctx: &mut Ctx,
        input: w::DescribePolicyRequest,
    ) -> Result<w::DescribePolicyResponse, ApiError> {
        let policy = self.managed(ctx, |_, o| policy_out(o, &input.policy_id))?;
        Ok(w::DescribePolicyResponse {
            policy: Some(policy),
        })
    }

    fn update_policy(
        &self,
        ctx: &mut Ctx,
        input: w::UpdatePolicyRequest,
    ) -> Result<w::UpdatePolicyResponse, ApiError> {
        let id = input.policy_id.clone();
        self.org(
            ctx,
            OrgCommand::UpdatePolicy {
                policy_id: input.policy_id,
                name: input.name,
                description: input.description,
                content: input.content,
            },
        )?;
        let policy = self.managed(ctx, |_, o| policy_out(o, &id))?;
        Ok(w::UpdatePolicyResponse {
            policy: Some(policy),
        })
    }

    fn delete_policy(&self, ctx: &mut Ctx, input: w::DeletePolicyRequest) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::DeletePolicy {
                policy_id: input.policy_id,
            },
        )?;
        Ok(())
    }

    fn list_policies(
        &self,
        ctx: &mut Ctx,
        input: w::ListPoliciesRequest,
    ) -> Result<w::ListPoliciesResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            check_filter(&input.filter)?;
            Ok(o.policies_of_type(&input.filter)
                .iter()
                .map(|p| policy_summary(o, p))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListPoliciesResponse {
            policies: Some(items),
            next_token: next,
        })
    }

    fn attach_policy(&self, ctx: &mut Ctx, input: w::AttachPolicyRequest) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::AttachPolicy {
                policy_id: input.policy_id,
                target_id: input.target_id,
            },
        )?;
        Ok(())
    }

    fn detach_policy(&self, ctx: &mut Ctx, input: w::DetachPolicyRequest) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::DetachPolicy {
                policy_id: input.policy_id,
                target_id: input.target_id,
            },
        )?;
        Ok(())
    }

    fn list_policies_for_target(
        &self,
        ctx: &mut Ctx,
        input: w::ListPoliciesForTargetRequest,
    ) -> Result<w::ListPoliciesForTargetResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            check_filter(&input.filter)?;
            if !o.has_target(&input.target_id) {
                return Err(Error::new(
                    "TargetNotFoundException",
                    "We can't find a root, OU, account, or email that you specified.",
                ));
            }
            Ok(o.attached(&input.target_id, &input.filter)
                .iter()
                .map(|p| policy_summary(o, p))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListPoliciesForTargetResponse {
            policies: Some(items),
            next_token: next,
        })
    }

    fn list_targets_for_policy(
        &self,
        ctx: &mut Ctx,
        input: w::ListTargetsForPolicyRequest,
    ) -> Result<w::ListTargetsForPolicyResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            o.policy(&input.policy_id).ok_or_else(|| {
                Error::new(
                    "PolicyNotFoundException",
                    "We can't find a policy with the PolicyId that you specified.",
                )
            })?;
            Ok(o.targets_of(&input.policy_id)
                .into_iter()
                .map(|t| target_out(o, t))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListTargetsForPolicyResponse {
            targets: Some(items),
            next_token: next,
        })
    }

    fn list_roots(
        &self,
        ctx: &mut Ctx,
        input: w::ListRootsRequest,
    ) -> Result<w::ListRootsResponse, ApiError> {
        let items = self.managed(ctx, |_, o| Ok(vec![root_out(o)]))?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListRootsResponse {
            roots: Some(items),
            next_token: next,
        })
    }

    fn create_organizational_unit(
        &self,
        ctx: &mut Ctx,
        input: w::CreateOrganizationalUnitRequest,
    ) -> Result<w::CreateOrganizationalUnitResponse, ApiError> {
        let outcome = self.org(
            ctx,
            OrgCommand::CreateUnit {
                parent: input.parent_id,
                name: input.name,
                tags: tags_in(input.tags),
            },
        )?;
        let Outcome::Id(id) = outcome else {
            return Err(domain_error(Error::new("ServiceException", "no unit id")));
        };
        let unit = self.managed(ctx, |_, o| Ok(unit_out(o, &id)))?;
        Ok(w::CreateOrganizationalUnitResponse {
            organizational_unit: unit,
        })
    }

    fn describe_organizational_unit(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeOrganizationalUnitRequest,
    ) -> Result<w::DescribeOrganizationalUnitResponse, ApiError> {
        let id = input.organizational_unit_id;
        let unit = self.managed(ctx, |_, o| {
            unit_out(o, &id).ok_or_else(|| {
                Error::new(
                    "OrganizationalUnitNotFoundException",
                    format!("We can't find an OU with the OrganizationalUnitId {id}."),
                )
            })
        })?;
        Ok(w::DescribeOrganizationalUnitResponse {
            organizational_unit: Some(unit),
        })
    }

    fn update_organizational_unit(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateOrganizationalUnitRequest,
    ) -> Result<w::UpdateOrganizationalUnitResponse, ApiError> {
        let id = input.organizational_unit_id.clone();
        self.org(
            ctx,
            OrgCommand::UpdateUnit {
                unit_id: input.organizational_unit_id,
                name: input.name,
            },
        )?;
        let unit = self.managed(ctx, |_, o| Ok(unit_out(o, &id)))?;
        Ok(w::UpdateOrganizationalUnitResponse {
            organizational_unit: unit,
        })
    }

    fn delete_organizational_unit(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteOrganizationalUnitRequest,
    ) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::DeleteUnit {
                unit_id: input.organizational_unit_id,
            },
        )
        .map(|_| ())
    }

    fn list_organizational_units_for_parent(
        &self,
        ctx: &mut Ctx,
        input: w::ListOrganizationalUnitsForParentRequest,
    ) -> Result<w::ListOrganizationalUnitsForParentResponse, ApiError> {
        let parent = input.parent_id;
        let items = self.managed(ctx, |_, o| {
            check_parent(o, &parent)?;
            Ok(o.units
                .values()
                .filter(|u| u.parent == parent)
                .filter_map(|u| unit_out(o, &u.id))
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListOrganizationalUnitsForParentResponse {
            organizational_units: Some(items),
            next_token: next,
        })
    }

    fn list_children(
        &self,
        ctx: &mut Ctx,
        input: w::ListChildrenRequest,
    ) -> Result<w::ListChildrenResponse, ApiError> {
        let parent = input.parent_id;
        let kind = input.child_type;
        if !matches!(kind.as_str(), "ACCOUNT" | "ORGANIZATIONAL_UNIT") {
            return Err(domain_error(
                Error::new(
                    "InvalidInputException",
                    "You provided a value that does not match the required pattern.",
                )
                .with_reason("INVALID_ENUM"),
            ));
        }
        let items = self.managed(ctx, |_, o| {
            check_parent(o, &parent)?;
            let children: Vec<w::Child> = match kind.as_str() {
                "ACCOUNT" => o
                    .accounts
                    .values()
                    .filter(|m| m.parent == parent)
                    .map(|m| w::Child {
                        id: Some(m.id.clone()),
                        r#type: Some("ACCOUNT".into()),
                    })
                    .collect(),
                "ORGANIZATIONAL_UNIT" => o
                    .units
                    .values()
                    .filter(|u| u.parent == parent)
                    .map(|u| w::Child {
                        id: Some(u.id.clone()),
                        r#type: Some("ORGANIZATIONAL_UNIT".into()),
                    })
                    .collect(),
                _ => {
                    return Err(Error::new(
                        "InvalidInputException",
                        "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.",
                    )
                    .with_reason("INVALID_ENUM"))
                }
            };
            Ok(children)
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListChildrenResponse {
            children: Some(items),
            next_token: next,
        })
    }

    fn list_parents(
        &self,
        ctx: &mut Ctx,
        input: w::ListParentsRequest,
    ) -> Result<w::ListParentsResponse, ApiError> {
        let child = input.child_id;
        let items = self.managed(ctx, |_, o| {
            let parent = o
                .accounts
                .get(&child)
                .map(|m| m.parent.clone())
                .or_else(|| o.units.get(&child).map(|u| u.parent.clone()))
                .ok_or_else(|| {
                    Error::new(
                        "ChildNotFoundException",
                        format!("We can't find an organizational unit (OU) or AWS account with the ChildId {child}."),
                    )
                })?;
            let kind = if parent == o.root_id {
                "ROOT"
            } else {
                "ORGANIZATIONAL_UNIT"
            };
            Ok(vec![w::Parent {
                id: Some(parent),
                r#type: Some(kind.into()),
            }])
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListParentsResponse {
            parents: Some(items),
            next_token: next,
        })
    }

    fn move_account(&self, ctx: &mut Ctx, input: w::MoveAccountRequest) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::MoveAccount {
                account_id: input.account_id,
                source: input.source_parent_id,
                destination: input.destination_parent_id,
            },
        )
        .map(|_| ())
    }

    fn remove_account_from_organization(
        &self,
        ctx: &mut Ctx,
        input: w::RemoveAccountFromOrganizationRequest,
    ) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::RemoveAccount {
                account_id: input.account_id,
            },
        )
        .map(|_| ())
    }

    fn close_account(&self, ctx: &mut Ctx, input: w::CloseAccountRequest) -> Result<(), ApiError> {
        self.org(
            ctx,
            OrgCommand::CloseAccount {
                account_id: input.account_id,
            },
        )
        .map(|_| ())
    }

    fn enable_aws_service_access(
        &self,
        ctx: &mut Ctx,
        input: w::EnableAWSServiceAccessRequest,
    ) -> Result<(), ApiError> {
        check_service_principal(&input.service_principal)?;
        self.org(
            ctx,
            OrgCommand::EnableServiceAccess {
                principal: input.service_principal,
            },
        )
        .map(|_| ())
    }

    fn disable_aws_service_access(
        &self,
        ctx: &mut Ctx,
        input: w::DisableAWSServiceAccessRequest,
    ) -> Result<(), ApiError> {
        check_service_principal(&input.service_principal)?;
        self.org(
            ctx,
            OrgCommand::DisableServiceAccess {
                principal: input.service_principal,
            },
        )
        .map(|_| ())
    }

    fn list_aws_service_access_for_organization(
        &self,
        ctx: &mut Ctx,
        input: w::ListAWSServiceAccessForOrganizationRequest,
    ) -> Result<w::ListAWSServiceAccessForOrganizationResponse, ApiError> {
        let items = self.managed(ctx, |_, o| {
            Ok(o.services
                .iter()
                .map(|(p, at)| w::EnabledServicePrincipal {
                    service_principal: Some(p.clone()),
                    date_enabled: Some(DateTime(*at)),
                })
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(items, input.max_results, input.next_token.as_deref())?;
        Ok(w::ListAWSServiceAccessForOrganizationResponse {
            enabled_service_principals: Some(items),
            next_token: next,
        })
    }

    fn tag_resource(&self, ctx: &mut Ctx, input: w::TagResourceRequest) -> Result<(), ApiError> {
        check_taggable_id(&input.resource_id)?;
        self.org(
            ctx,
            OrgCommand::TagResource {
                resource_id: input.resource_id,
                tags: tags_in(Some(input.tags)),
            },
        )
        .map(|_| ())
    }

    fn untag_resource(
        &self,
        ctx: &mut Ctx,
        input: w::UntagResourceRequest,
    ) -> Result<(), ApiError> {
        check_taggable_id(&input.resource_id)?;
        self.org(
            ctx,
            OrgCommand::UntagResource {
                resource_id: input.resource_id,
                keys: input.tag_keys,
            },
        )
        .map(|_| ())
    }

    fn list_tags_for_resource(
        &self,
        ctx: &mut Ctx,
        input: w::ListTagsForResourceRequest,
    ) -> Result<w::ListTagsForResourceResponse, ApiError> {
        let id = input.resource_id;
        check_taggable_id(&id)?;
        let tags = self.managed(ctx, |_, o| {
            let tags = if id == o.root_id {
                &o.root_tags
            } else if let Some(u) = o.units.get(&id) {
                &u.tags
            } else if let Some(a) = o.accounts.get(&id) {
                &a.tags
            } else {
                return Err(Error::new(
                    "TargetNotFoundException",
                    format!("We can't find a target with the TargetId {id}."),
                ));
            };
            Ok(tags
                .iter()
                .map(|t| w::Tag {
                    key: t.key.clone(),
                    value: t.value.clone(),
                })
                .collect::<Vec<_>>())
        })?;
        let (items, next) = page(tags, None, input.next_token.as_deref())?;
        Ok(w::ListTagsForResourceResponse {
            tags: Some(items),
            next_token: next,
        })
    }
}

/// What Organizations tags: a root, an account, an OU or a policy, by the model's pattern.
fn check_taggable_id(id: &str) -> Result<(), ApiError> {
    let lower_alnum = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let word = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let valid = if let Some(rest) = id.strip_prefix("r-") {
        (4..=32).contains(&rest.len()) && lower_alnum(rest)
    } else if let Some(rest) = id.strip_prefix("ou-") {
        rest.split_once('-').is_some_and(|(root, unit)| {
            (4..=32).contains(&root.len())
                && lower_alnum(root)
                && (8..=32).contains(&unit.len())
                && lower_alnum(unit)
        })
    } else if let Some(rest) = id.strip_prefix("p-") {
        (8..=128).contains(&rest.len()) && word(rest)
    } else if let Some(rest) = id.strip_prefix("rp-") {
        (4..=128).contains(&rest.len()) && word(rest)
    } else {
        id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
    };
    if valid {
        Ok(())
    } else {
        Err(domain_error(
            Error::new(
                "InvalidInputException",
                "You provided a value that does not match the required pattern.",
            )
            .with_reason("INVALID_PATTERN"),
        ))
    }
}

/// Service principals that integrate with Organizations (trusted access).
const KNOWN_SERVICE_PRINCIPALS: &[&str] = &[
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "auditmanager.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "compute-optimizer.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "controltower.amazonaws.com",
    "detective.amazonaws.com",
    "ds.amazonaws.com",
    "fms.amazonaws.com",
    "guardduty.amazonaws.com",
    "health.amazonaws.com",
    "inspector2.amazonaws.com",
    "ipam.amazonaws.com",
    "license-manager.amazonaws.com",
    "macie.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "reachabilityanalyzer.networkinsights.amazonaws.com",
    "securityhub.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "ssm.amazonaws.com",
    "sso.amazonaws.com",
    "storage-lens.s3.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
];

fn check_service_principal(p: &str) -> Result<(), ApiError> {
    if KNOWN_SERVICE_PRINCIPALS.contains(&p) {
        Ok(())
    } else {
        Err(domain_error(
            Error::new(
                "InvalidInputException",
                format!("You specified an invalid service principal: {p}."),
            )
            .with_reason("UNRECOGNIZED_SERVICE_PRINCIPAL"),
        ))
    }
}
