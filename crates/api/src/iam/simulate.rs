//! The policy simulator: `SimulatePrincipalPolicy` and `SimulateCustomPolicy` run the same
//! evaluator as every request, on the policies given or found, and say which statements
//! decided and which context keys were missing.

use super::page;
use crate::{domain_error, Ctx, Services};
use cloud::access::{PolicySource, SourcePolicy};
use cloud::Error;
use policy::{Context, Decision, Document, Kind, Layer, Named, PolicySet, Principal};
use policy::{Evaluation, PrincipalKind};
use wire::iam as w;
use wire::ApiError;

/// One policy of a simulation: where it came from, its text and its parsed document.
struct Source {
    id: String,
    kind: &'static str,
    text: String,
    document: Document,
}

/// Everything a simulation needs besides the actions and resources.
struct Simulation {
    caller_arn: String,
    caller_kind: PrincipalKind,
    caller_account: String,
    identity: Vec<Source>,
    boundary: Option<Source>,
    scps: Vec<Vec<Document>>,
    resource_policy: Option<Source>,
    resource_owner: Option<String>,
    context: Context,
}

/// The policies of a simulation: identity, boundary, SCP levels, resource policy.
type Parts = (
    Vec<Source>,
    Option<Source>,
    Vec<Vec<Document>>,
    Option<Source>,
);

impl Simulation {
    fn new(
        ctx: &Ctx,
        caller_arn: String,
        (identity, boundary, scps, resource_policy): Parts,
        resource_owner: Option<String>,
        context: Context,
    ) -> Result<Simulation, ApiError> {
        Ok(Simulation {
            caller_kind: caller_kind(&caller_arn)?,
            caller_account: account_of_arn(&caller_arn)
                .unwrap_or(&ctx.account)
                .to_string(),
            caller_arn,
            identity,
            boundary,
            scps,
            resource_policy,
            resource_owner,
            context,
        })
    }

    /// The simulation's answer: a page of results, one per action.
    fn answer(
        &self,
        actions: &[String],
        resources: &[String],
        max_items: Option<i32>,
        marker: Option<&str>,
    ) -> Result<w::SimulatePolicyResponse, ApiError> {
        respond(run(self, actions, resources)?, max_items, marker)
    }

    /// A condition key as the policies spell it (the evaluator compares keys in lower case).
    fn spelling(&self, lowercase: &str) -> String {
        let sources = self
            .identity
            .iter()
            .chain(self.boundary.iter())
            .chain(self.resource_policy.iter());
        for source in sources {
            if let Some(at) = source.text.to_ascii_lowercase().find(lowercase) {
                if let Some(found) = source.text.get(at..at + lowercase.len()) {
                    return found.to_string();
                }
            }
        }
        lowercase.to_string()
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    domain_error(Error::new("InvalidInput", message))
}

fn parsed(id: String, kind: &'static str, text: String, as_kind: Kind) -> Result<Source, ApiError> {
    let document = Document::parse_as(&text, as_kind)
        .map_err(|e| invalid(format!("Policy {id} is not valid: {e}")))?;
    Ok(Source {
        id,
        kind,
        text,
        document,
    })
}

fn input_list(
    list: Option<Vec<String>>,
    name: &str,
    as_kind: Kind,
) -> Result<Vec<Source>, ApiError> {
    list.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, text)| parsed(format!("{name}.{}", i + 1), "none", text, as_kind))
        .collect()
}

fn context_of(entries: Option<Vec<w::ContextEntry>>) -> Result<Context, ApiError> {
    let mut context = Context::new();
    for entry in entries.unwrap_or_default() {
        let Some(key) = entry.context_key_name else {
            return Err(invalid("ContextKeyName is required in each context entry."));
        };
        context.set_all(&key, entry.context_key_values.unwrap_or_default());
    }
    Ok(context)
}

fn account_of_arn(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::ExplicitlyDenied => "explicitDeny",
        Decision::NotAllowed => "implicitDeny",
    }
}

/// The statements that decided: the denying ones for an explicit deny, the allowing ones for
/// an allow, none for an implicit deny.
fn matched_out(sim: &Simulation, e: &Evaluation<'_>) -> Vec<w::Statement> {
    let effect = match e.decision {
        Decision::Allowed => policy::Effect::Allow,
        Decision::ExplicitlyDenied => policy::Effect::Deny,
        Decision::NotAllowed => return Vec::new(),
    };
    let sources = sim
        .identity
        .iter()
        .chain(sim.boundary.iter())
        .chain(sim.resource_policy.iter());
    let by_id: Vec<&Source> = sources.collect();
    e.matched
        .iter()
        .filter(|m| m.effect == effect && m.layer != Layer::Scp)
        .map(|m| {
            let source = by_id.iter().find(|s| s.id == m.policy);
            let span = source.and_then(|s| policy::position::statement_span(&s.text, m.statement));
            let position = |(line, column): (u32, u32)| w::Position {
                line: Some(line as i32),
                column: Some(column as i32),
            };
            w::Statement {
                source_policy_id: Some(m.policy.to_string()),
                source_policy_type: Some(source.map_or("none", |s| s.kind).to_string()),
                start_position: span.map(|(start, _)| position(start)),
                end_position: span.map(|(_, end)| position(end)),
            }
        })
        .collect()
}

struct Outcome {
    decision: Decision,
    matched: Vec<w::Statement>,
    missing: Vec<String>,
    organizations: Option<w::OrganizationsDecisionDetail>,
    boundary: Option<w::PermissionsBoundaryDecisionDetail>,
}

fn simulate_one(sim: &Simulation, action: &str, resource: &str) -> Outcome {
    fn named(s: &Source) -> Named<'_> {
        Named {
            id: s.id.as_str(),
            document: &s.document,
        }
    }
    let resource_account = if resource == "*" {
        sim.resource_owner.as_deref()
    } else {
        sim.resource_owner.as_deref().or(account_of_arn(resource))
    };
    let mut context = sim.context.clone();
    if let Some(owner) = resource_account {
        context.set("aws:ResourceAccount", owner);
    }
    let set = PolicySet {
        identity: sim.identity.iter().map(named).collect(),
        boundary: sim.boundary.as_ref().map(named),
        scps: sim
            .scps
            .iter()
            .map(|level| {
                level
                    .iter()
                    .map(|d| Named {
                        id: "organization policy",
                        document: d,
                    })
                    .collect()
            })
            .collect(),
        resource: sim
            .resource_policy
            .as_ref()
            .map(named)
            .into_iter()
            .collect(),
        ..PolicySet::default()
    };
    let request = policy::Request {
        principal: Principal {
            kind: sim.caller_kind,
            arn: &sim.caller_arn,
            account: &sim.caller_account,
            role_arn: (sim.caller_kind == PrincipalKind::RoleSession)
                .then_some(sim.caller_arn.as_str()),
        },
        action,
        resource,
        resource_account,
        context: &context,
    };
    let e = policy::evaluate(&request, &set, true);
    let denied_by = |layer| !e.allowed() && e.layer == Some(layer);
    let mut missing: Vec<String> = Vec::new();
    for key in &e.missing {
        let key = sim.spelling(key);
        if !missing.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            missing.push(key);
        }
    }
    Outcome {
        decision: e.decision,
        matched: matched_out(sim, &e),
        missing,
        organizations: (!sim.scps.is_empty()).then(|| w::OrganizationsDecisionDetail {
            allowed_by_organizations: Some(!denied_by(Layer::Scp)),
        }),
        boundary: sim
            .boundary
            .as_ref()
            .map(|_| w::PermissionsBoundaryDecisionDetail {
                allowed_by_permissions_boundary: Some(!denied_by(Layer::Boundary)),
            }),
    }
}

/// One result per action; with resources named, one resource-specific result per resource and
/// the most restrictive decision on top.
fn run(
    sim: &Simulation,
    actions: &[String],
    resources: &[String],
) -> Result<Vec<w::EvaluationResult>, ApiError> {
    if actions.is_empty() {
        return Err(invalid("ActionNames must name at least one action."));
    }
    if let Some(bad) = actions.iter().find(|a| {
        a.split_once(':')
            .is_none_or(|(s, n)| s.is_empty() || n.is_empty())
    }) {
        return Err(invalid(format!(
            "Action name {bad} is not valid: it must be service:Action."
        )));
    }
    let mut out = Vec::with_capacity(actions.len());
    for action in actions {
        if resources.is_empty() {
            let o = simulate_one(sim, action, "*");
            out.push(w::EvaluationResult {
                eval_action_name: action.clone(),
                eval_resource_name: Some("*".into()),
                eval_decision: decision_name(o.decision).into(),
                matched_statements: Some(o.matched),
                missing_context_values: Some(o.missing),
                organizations_decision_detail: o.organizations,
                permissions_boundary_decision_detail: o.boundary,
                eval_decision_details: None,
                resource_specific_results: None,
            });
            continue;
        }
        let outcomes: Vec<(String, Outcome)> = resources
            .iter()
            .map(|r| (r.clone(), simulate_one(sim, action, r)))
            .collect();
        let rank = |d: Decision| match d {
            Decision::ExplicitlyDenied => 2,
            Decision::NotAllowed => 1,
            Decision::Allowed => 0,
        };
        let worst = outcomes
            .iter()
            .max_by_key(|(_, o)| rank(o.decision))
            .map(|(_, o)| o.decision)
            .unwrap_or(Decision::NotAllowed);
        let mut matched = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        for (_, o) in &outcomes {
            if o.decision == worst {
                matched.extend(o.matched.iter().cloned());
            }
            for k in &o.missing {
                if !missing.contains(k) {
                    missing.push(k.clone());
                }
            }
        }
        let organizations = outcomes
            .iter()
            .find_map(|(_, o)| o.organizations.clone())
            .map(|_| w::OrganizationsDecisionDetail {
                allowed_by_organizations: Some(outcomes.iter().all(|(_, o)| {
                    o.organizations
                        .as_ref()
                        .and_then(|d| d.allowed_by_organizations)
                        .unwrap_or(true)
                })),
            });
        let boundary = outcomes
            .iter()
            .find_map(|(_, o)| o.boundary.clone())
            .map(|_| w::PermissionsBoundaryDecisionDetail {
                allowed_by_permissions_boundary: Some(outcomes.iter().all(|(_, o)| {
                    o.boundary
                        .as_ref()
                        .and_then(|d| d.allowed_by_permissions_boundary)
                        .unwrap_or(true)
                })),
            });
        out.push(w::EvaluationResult {
            eval_action_name: action.clone(),
            eval_resource_name: (resources.len() == 1).then(|| resources[0].clone()),
            eval_decision: decision_name(worst).into(),
            matched_statements: Some(matched),
            missing_context_values: Some(missing),
            organizations_decision_detail: organizations,
            permissions_boundary_decision_detail: boundary,
            eval_decision_details: None,
            resource_specific_results: Some(
                outcomes
                    .into_iter()
                    .map(|(resource, o)| w::ResourceSpecificResult {
                        eval_resource_name: resource,
                        eval_resource_decision: decision_name(o.decision).into(),
                        matched_statements: Some(o.matched),
                        missing_context_values: Some(o.missing),
                        eval_decision_details: None,
                        permissions_boundary_decision_detail: o.boundary,
                    })
                    .collect(),
            ),
        });
    }
    Ok(out)
}

fn respond(
    results: Vec<w::EvaluationResult>,
    max_items: Option<i32>,
    marker: Option<&str>,
) -> Result<w::SimulatePolicyResponse, ApiError> {
    let (results, is_truncated, marker) = page(results, max_items, marker)?;
    Ok(w::SimulatePolicyResponse {
        evaluation_results: Some(results),
        is_truncated,
        marker,
    })
}

fn resource_policy(text: Option<String>) -> Result<Option<Source>, ApiError> {
    text.map(|t| parsed("ResourcePolicy".into(), "resource", t, Kind::Resource))
        .transpose()
}

fn caller_kind(arn: &str) -> Result<PrincipalKind, ApiError> {
    if arn.contains(":user/") {
        Ok(PrincipalKind::User)
    } else if arn.contains(":role/") || arn.contains(":assumed-role/") {
        Ok(PrincipalKind::RoleSession)
    } else if arn.ends_with(":root") {
        Ok(PrincipalKind::Root)
    } else {
        Err(invalid(format!("Invalid CallerArn: {arn}.")))
    }
}

pub(super) fn simulate_principal_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::SimulatePrincipalPolicyRequest,
) -> Result<w::SimulatePolicyResponse, ApiError> {
    let source_arn = input.policy_source_arn.clone();
    let found = s.read(|c| {
        let source: PolicySource<'_> = c.policy_source(&source_arn)?;
        if source.account != ctx.account {
            return Err(Error::new(
                "NoSuchEntity",
                format!("The policy source {source_arn} cannot be found."),
            ));
        }
        let own = |p: &SourcePolicy<'_>| (p.id.to_string(), p.kind, p.text.to_string());
        let policies: Vec<_> = source.policies.iter().map(own).collect();
        let boundary = source
            .boundary
            .map(|(arn, text)| (arn.to_string(), text.to_string()));
        let org = c.organization_of(&ctx.account);
        let scps: Vec<Vec<String>> = org
            .and_then(|o| o.levels(&ctx.account, cloud::org_policies::SCP))
            .unwrap_or_default()
            .into_iter()
            .map(|level| level.into_iter().map(|(_, t)| t.to_string()).collect())
            .collect();
        Ok((policies, boundary, scps))
    })?;
    let (policies, stored_boundary, scp_texts) = found;
    let mut identity = Vec::new();
    for (id, kind, text) in policies {
        identity.push(parsed(id, kind, text, Kind::Identity)?);
    }
    identity.extend(input_list(
        input.policy_input_list,
        "PolicyInputList",
        Kind::Identity,
    )?);
    let given = input_list(
        input.permissions_boundary_policy_input_list,
        "PermissionsBoundaryPolicyInputList",
        Kind::Identity,
    )?;
    let boundary = match given.into_iter().next() {
        Some(b) => Some(b),
        None => stored_boundary
            .map(|(arn, text)| parsed(arn, "aws-managed", text, Kind::Identity))
            .transpose()?,
    };
    let mut scps = Vec::new();
    for level in scp_texts {
        let docs: Result<Vec<Document>, _> = level
            .iter()
            .map(|t| Document::parse_as(t, Kind::Identity))
            .collect();
        scps.push(docs.map_err(invalid)?);
    }
    let resource_policy = resource_policy(input.resource_policy)?;
    let caller_arn = match input.caller_arn {
        Some(arn) => arn,
        None if source_arn.contains(":user/") => source_arn.clone(),
        None if resource_policy.is_some() => {
            return Err(invalid(
                "CallerArn is required when a ResourcePolicy is given and the policy source is not a user.",
            ))
        }
        None => source_arn.clone(),
    };
    let context = context_of(input.context_entries)?;
    let parts = (identity, boundary, scps, resource_policy);
    Simulation::new(ctx, caller_arn, parts, input.resource_owner, context)?.answer(
        &input.action_names,
        &input.resource_arns.unwrap_or_default(),
        input.max_items,
        input.marker.as_deref(),
    )
}

pub(super) fn simulate_custom_policy(
    s: &Services,
    ctx: &mut Ctx,
    input: w::SimulateCustomPolicyRequest,
) -> Result<w::SimulatePolicyResponse, ApiError> {
    let _ = s;
    let identity = input_list(
        Some(input.policy_input_list),
        "PolicyInputList",
        Kind::Identity,
    )?;
    let boundary = input_list(
        input.permissions_boundary_policy_input_list,
        "PermissionsBoundaryPolicyInputList",
        Kind::Identity,
    )?
    .into_iter()
    .next();
    let resource_policy = resource_policy(input.resource_policy)?;
    // Without a caller, the simulated principal is a user of the calling account.
    let caller_arn = input
        .caller_arn
        .unwrap_or_else(|| format!("arn:aws:iam::{}:user/simulated", ctx.account));
    let context = context_of(input.context_entries)?;
    let parts = (identity, boundary, Vec::new(), resource_policy);
    Simulation::new(ctx, caller_arn, parts, input.resource_owner, context)?.answer(
        &input.action_names,
        &input.resource_arns.unwrap_or_default(),
        input.max_items,
        input.marker.as_deref(),
    )
}
