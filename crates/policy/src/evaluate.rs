//! AWS's policy evaluation logic, as the IAM User Guide documents it:
//!
//! 1. an explicit deny in any applicable policy denies;
//! 2. every level of the organization (root, each OU, the account) must allow, by SCP for the
//!    principal's account and by RCP for the resource's account, where they apply;
//! 3. within one account, a resource-based policy that names the principal itself allows (one
//!    that names a role still answers to its boundary and session policies); otherwise the
//!    identity-based policies must allow, within the permissions boundary and session policies;
//! 4. across accounts, both the principal's side (as in 3, without the resource policy) and the
//!    resource's account (its resource-based policy, naming the principal or its account) must
//!    allow;
//! 5. an account's root user is allowed everything in its own account, bounded only by SCPs.

use crate::context::Context;
use crate::document::{Document, Effect, Principals};

/// The kind of caller, as far as evaluation cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Root,
    User,
    /// A session of a role (`arn:aws:sts::…:assumed-role/…`); `role_arn` is the role's ARN.
    RoleSession,
    /// An AWS service acting itself (`ram.amazonaws.com`).
    Service,
}

#[derive(Debug, Clone, Copy)]
pub struct Principal<'a> {
    pub kind: PrincipalKind,
    /// The caller's ARN (root, user, assumed-role session) or the service's name.
    pub arn: &'a str,
    pub account: &'a str,
    /// For a role session, the role's ARN.
    pub role_arn: Option<&'a str>,
}

/// A policy with the name it is reported under (a managed policy's ARN, an inline policy's
/// name, an SCP's id).
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub id: &'a str,
    pub document: &'a Document,
}

/// Every policy that applies to one request.
#[derive(Debug, Default, Clone)]
pub struct PolicySet<'a> {
    /// The principal's identity-based policies (a user's groups' too).
    pub identity: Vec<Named<'a>>,
    pub boundary: Option<Named<'a>>,
    /// Session policies; `None` when the session was created without any.
    pub session: Option<Vec<Named<'a>>>,
    /// SCPs per level from the root to the principal's account; empty when none apply (no
    /// organization, the management account, a service-linked role).
    pub scps: Vec<Vec<Named<'a>>>,
    /// RCPs per level for the resource's account, where they apply.
    pub rcps: Vec<Vec<Named<'a>>>,
    /// The resource's own policy (a trust policy, a RAM share's grant).
    pub resource: Vec<Named<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: Principal<'a>,
    /// `service:Action`.
    pub action: &'a str,
    /// An ARN, or `*` for actions without resource-level permissions.
    pub resource: &'a str,
    /// The account that owns the resource; `None` for `*` (the principal's own account).
    pub resource_account: Option<&'a str>,
    pub context: &'a Context,
}

/// Where a statement or a decision comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Identity,
    Boundary,
    Session,
    Scp,
    Rcp,
    Resource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    /// No applicable statement allows (an implicit deny).
    NotAllowed,
}

/// A statement that applied to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'a> {
    pub layer: Layer,
    pub policy: &'a str,
    pub statement: usize,
    pub sid: Option<&'a str>,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation<'a> {
    pub decision: Decision,
    /// For a denial, the layer that decided it.
    pub layer: Option<Layer>,
    pub matched: Vec<Matched<'a>>,
    /// Condition keys (lowercased) that statements asked for and the request did not carry.
    pub missing: Vec<String>,
}

impl Evaluation<'_> {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }

    /// How AWS words the reason in an AccessDenied message ("… because no identity-based
    /// policy allows the ec2:X action").
    pub fn reason(&self, action: &str) -> String {
        let (article, kind) = match self.layer {
            Some(Layer::Identity) | None => ("an", "identity-based policy"),
            Some(Layer::Boundary) => ("a", "permissions boundary"),
            Some(Layer::Session) => ("a", "session policy"),
            Some(Layer::Scp) => ("a", "service control policy"),
            Some(Layer::Rcp) => ("a", "resource control policy"),
            Some(Layer::Resource) => ("a", "resource-based policy"),
        };
        match self.decision {
            Decision::ExplicitlyDenied => format!("with an explicit deny in {article} {kind}"),
            _ => format!("because no {kind} allows the {action} action"),
        }
    }
}

/// How a resource-based statement names the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Named_ {
    /// The caller's account: its own IAM decides.
    Account,
    /// The role the caller's session belongs to.
    Role,
    /// The caller itself (user, session, root, service, or anyone).
    Itself,
}

fn names(p: &Principals, caller: &Principal<'_>) -> Option<Named_> {
    let account_root = |v: &str| {
        v == caller.account
            || v.strip_prefix("arn:aws:iam::")
                .and_then(|r| r.strip_suffix(":root"))
                == Some(caller.account)
    };
    let mut best = None;
    if p.anyone {
        best = Some(Named_::Itself);
    }
    for v in &p.aws {
        let n = if v == caller.arn {
            Named_::Itself
        } else if Some(v.as_str()) == caller.role_arn {
            Named_::Role
        } else if account_root(v) {
            if caller.kind == PrincipalKind::Root {
                Named_::Itself
            } else {
                Named_::Account
            }
        } else {
            continue;
        };
        best = best.max(Some(n));
    }
    if caller.kind == PrincipalKind::Service && p.service.iter().any(|s| s == caller.arn) {
        best = Some(Named_::Itself);
    }
    best
}

/// Whether a `NotPrincipal` leaves the caller out: its own ARN is listed, and (unless it is the
/// root) its account too, since the account is evaluated as a principal of every request.
fn excluded(p: &Principals, caller: &Principal<'_>) -> bool {
    let listed = |v: &str| p.aws.iter().any(|a| a == v);
    let own = listed(caller.arn)
        || (caller.kind == PrincipalKind::Service && p.service.iter().any(|s| s == caller.arn));
    let root = format!("arn:aws:iam::{}:root", caller.account);
    let account = listed(caller.account) || listed(&root);
    match caller.kind {
        PrincipalKind::Root => account,
        _ => own && account,
    }
}

struct Walk<'r, 'a> {
    request: &'r Request<'a>,
    matched: Vec<Matched<'a>>,
    missing: Vec<String>,
    thorough: bool,
}

/// What one layer's policies say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Verdict {
    allow: bool,
    deny: bool,
    /// For resource-based policies: how the strongest allowing statement names the caller.
    grant: Option<Named_>,
}

impl<'a> Walk<'_, 'a> {
    fn layer(&mut self, layer: Layer, policies: &[Named<'a>]) -> Verdict {
        let mut verdict = Verdict::default();
        let r = self.request;
        for named in policies {
            for (index, s) in named.document.statements.iter().enumerate() {
                let grant = match &s.principals {
                    None => None,
                    Some(p) if p.negated => {
                        if excluded(p, &r.principal) {
                            continue;
                        }
                        Some(Named_::Itself)
                    }
                    Some(p) => match names(p, &r.principal) {
                        None => continue,
                        named => named,
                    },
                };
                if !s.matches_action(r.action)
                    || !s.matches_resource(r.resource, r.context, &mut self.missing)
                    || !s.conditions_hold(r.context, &mut self.missing, self.thorough)
                {
                    continue;
                }
                self.matched.push(Matched {
                    layer,
                    policy: named.id,
                    statement: index,
                    sid: s.sid.as_deref(),
                    effect: s.effect,
                });
                match s.effect {
                    Effect::Deny => verdict.deny = true,
                    Effect::Allow => {
                        verdict.allow = true;
                        verdict.grant = verdict.grant.max(grant);
                    }
                }
            }
        }
        verdict
    }

    /// Every level must allow; a deny at any level is reported as such.
    fn levels(&mut self, layer: Layer, levels: &[Vec<Named<'a>>]) -> Verdict {
        let mut out = Verdict {
            allow: true,
            ..Verdict::default()
        };
        for level in levels {
            let v = self.layer(layer, level);
            out.deny |= v.deny;
            out.allow &= v.allow;
        }
        out
    }
}

/// Decide one request. `thorough` evaluates every condition even once the answer is known,
/// so that every missing context key is reported (for the policy simulator).
pub fn evaluate<'a>(request: &Request<'a>, set: &PolicySet<'a>, thorough: bool) -> Evaluation<'a> {
    let mut walk = Walk {
        request,
        matched: Vec::new(),
        missing: Vec::new(),
        thorough,
    };
    let principal = request.principal;
    let is_root = principal.kind == PrincipalKind::Root;
    let identity = walk.layer(Layer::Identity, &set.identity);
    let boundary = set.boundary.map(|b| walk.layer(Layer::Boundary, &[b]));
    let session = set.session.as_ref().map(|s| walk.layer(Layer::Session, s));
    let scp = walk.levels(Layer::Scp, &set.scps);
    let rcp = walk.levels(Layer::Rcp, &set.rcps);
    let resource = walk.layer(Layer::Resource, &set.resource);

    let deny = |layer| (Decision::ExplicitlyDenied, Some(layer));
    let not_allowed = |layer| (Decision::NotAllowed, Some(layer));
    let (decision, layer) = if scp.deny {
        deny(Layer::Scp)
    } else if rcp.deny {
        deny(Layer::Rcp)
    } else if resource.deny {
        deny(Layer::Resource)
    } else if identity.deny && !is_root {
        deny(Layer::Identity)
    } else if boundary.is_some_and(|b| b.deny) {
        deny(Layer::Boundary)
    } else if session.is_some_and(|s| s.deny) {
        deny(Layer::Session)
    } else if !scp.allow {
        not_allowed(Layer::Scp)
    } else if !rcp.allow {
        not_allowed(Layer::Rcp)
    } else {
        let same_account = request
            .resource_account
            .is_none_or(|a| a == principal.account);
        let within_boundary = boundary.is_none_or(|b| b.allow);
        let within_session = session.is_none_or(|s| s.allow);
        // The principal's own side: what its account lets it do.
        let own_side = if is_root || principal.kind == PrincipalKind::Service {
            Ok(())
        } else if !identity.allow {
            Err(Layer::Identity)
        } else if !within_boundary {
            Err(Layer::Boundary)
        } else if !within_session {
            Err(Layer::Session)
        } else {
            Ok(())
        };
        let granted = resource.allow.then_some(resource.grant).flatten();
        if same_account {
            match (granted, own_side) {
                (_, Ok(())) => (Decision::Allowed, None),
                // A grant to the user or the session itself stands on its own.
                (Some(Named_::Itself), _) => (Decision::Allowed, None),
                // A grant to the role still answers to the session's boundary and policies.
                (Some(Named_::Role), _) if within_boundary && within_session => {
                    (Decision::Allowed, None)
                }
                (Some(Named_::Role), Err(Layer::Identity)) => not_allowed(if within_boundary {
                    Layer::Session
                } else {
                    Layer::Boundary
                }),
                (_, Err(layer)) => not_allowed(layer),
            }
        } else {
            match own_side {
                Err(layer) => not_allowed(layer),
                Ok(()) if granted.is_some() => (Decision::Allowed, None),
                Ok(()) => not_allowed(Layer::Resource),
            }
        }
    };
    Evaluation {
        decision,
        layer,
        matched: walk.matched,
        missing: walk.missing,
    }
}
