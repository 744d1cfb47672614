//! The authorization step of the pipeline (route → authenticate → decode → authorize →
//! execute): every request of an issued principal (an IAM user, a role session) is decided by
//! `policy::evaluate` before its operation runs, here and nowhere else. Each service's
//! `authorize` turns its decoded request into [`Check`]s (`checks` module); this module
//! gathers the policies and the request context, asks the evaluator, and words the refusal
//! the way the service does.
//!
//! An account's root (12-digit access keys, `--default-account`) is allowed everything in
//! its own account: the zero-setup path.

use crate::{Ctx, Services};
use base64::Engine as _;
use cloud::iam::Identity;
use parking_lot::Mutex;
use policy::{Context, Decision, Document, Evaluation, Kind, Named, PolicySet, Principal};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use wire::ApiError;

/// `--iam`: how requests of issued principals are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuse what AWS would refuse (the default).
    Enforce,
    /// Decide, log every would-be refusal with its reason, and allow.
    Soft,
    /// Allow everything.
    Off,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "enforce" => Ok(Mode::Enforce),
            "soft" => Ok(Mode::Soft),
            "off" => Ok(Mode::Off),
            _ => Err("one of enforce, soft, off".into()),
        }
    }
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Soft => "soft",
            Mode::Off => "off",
        }
    }
}

/// The services, as far as how they word a refusal goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Ec2,
    Iam,
    Sts,
    Ram,
    Organizations,
}

/// One thing a request does that IAM decides: an action on a resource.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Check {
    pub action: String,
    /// An ARN, or `*`.
    pub resource: String,
    /// The account that owns the resource, when it is not the caller's.
    pub owner: Option<String>,
    /// The resource's own policy: a role's trust policy, or what a RAM share grants (as the
    /// actions it allows the caller's account).
    pub resource_policy: Option<ResourcePolicy>,
    /// Context keys of this resource (`aws:ResourceTag/…`, `ec2:Vpc`…).
    pub keys: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResourcePolicy {
    Text(String),
    Grant(&'static [&'static str]),
}

impl Check {
    pub fn on_any(action: impl Into<String>) -> Check {
        Check {
            action: action.into(),
            resource: "*".into(),
            owner: None,
            resource_policy: None,
            keys: Vec::new(),
        }
    }
}

/// Policies parsed once and kept by their text: a request evaluates them, never re-reads them.
pub struct Authorizer {
    mode: Mode,
    parsed: Mutex<HashMap<String, Arc<Document>>>,
    prepared: Mutex<HashMap<String, Arc<Prepared>>>,
}

/// A principal's policies, parsed, and the context keys all its requests share.
pub(crate) struct Prepared {
    /// The state's version these were read from.
    version: u64,
    base: Arc<Context>,
    identity: Vec<(String, Arc<Document>)>,
    boundary: Option<(String, Arc<Document>)>,
    session: Option<Vec<(String, Arc<Document>)>>,
    scps: Levels,
    role_arn: Option<String>,
    kind: policy::PrincipalKind,
    /// The Region and address the base context names (`aws:RequestedRegion`, `ec2:Region`,
    /// `aws:SourceIp`).
    region: String,
    source_ip: Option<std::net::IpAddr>,
    /// The base with the time keys of the current second.
    timed: Mutex<Option<(i64, Arc<Context>)>>,
}

impl Prepared {
    /// The shared context with `aws:CurrentTime` and `aws:EpochTime` of this second.
    fn at(&self, now: i64) -> Arc<Context> {
        let second = now.div_euclid(1000);
        let mut timed = self.timed.lock();
        if let Some((at, context)) = timed.as_ref() {
            if *at == second {
                return context.clone();
            }
        }
        let mut context = Context::over(self.base.clone());
        context
            .set("aws:CurrentTime", iso8601(now))
            .set("aws:EpochTime", second.to_string());
        let context = Arc::new(context);
        *timed = Some((second, context.clone()));
        context
    }
}

const CACHE_LIMIT: usize = 4096;

impl Authorizer {
    pub fn new(mode: Mode) -> Authorizer {
        Authorizer {
            mode,
            parsed: Mutex::new(HashMap::new()),
            prepared: Mutex::new(HashMap::new()),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// A policy that allows nothing.
    fn nothing(&self) -> Arc<Document> {
        Arc::new(Document {
            version: Some("2012-10-17".into()),
            id: None,
            statements: Vec::new(),
        })
    }

    fn document(&self, text: &str, kind: Kind) -> Result<Arc<Document>, String> {
        if let Some(d) = self.parsed.lock().get(text) {
            return Ok(d.clone());
        }
        let d = Arc::new(Document::parse_as(text, kind)?);
        let mut cache = self.parsed.lock();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(text.to_string(), d.clone());
        Ok(d)
    }
}

/// What an encoded authorization failure message holds (`sts:DecodeAuthorizationMessage`).
fn failure_message(
    principal: &crate::Principal,
    check: &Check,
    evaluation: &Evaluation<'_>,
    context: &Context,
) -> String {
    let items = |v: Vec<serde_json::Value>| serde_json::json!({ "items": v });
    let value = |s: &str| serde_json::json!({ "value": s });
    let matched: Vec<serde_json::Value> = evaluation
        .matched
        .iter()
        .filter(|m| m.effect == policy::Effect::Deny)
        .map(|m| {
            serde_json::json!({
                "statementId": m.sid.unwrap_or(""),
                "effect": "DENY",
                "principals": items(vec![value(&principal.user_id)]),
                "principalGroups": items(vec![]),
                "actions": items(vec![value(&check.action)]),
                "resources": items(vec![value(&check.resource)]),
                "conditions": items(vec![]),
            })
        })
        .collect();
    let mut conditions: Vec<(&str, &[String])> = context.iter().collect();
    conditions.sort();
    let conditions: Vec<serde_json::Value> = conditions
        .into_iter()
        .map(|(k, vs)| {
            serde_json::json!({
                "key": k,
                "values": items(vs.iter().map(|v| value(v)).collect()),
            })
        })
        .collect();
    let decoded = serde_json::json!({
        "allowed": false,
        "explicitDeny": evaluation.decision == Decision::ExplicitlyDenied,
        "matchedStatements": items(matched),
        "failures": items(vec![]),
        "context": {
            "principal": { "id": principal.user_id, "arn": principal.arn },
            "action": check.action,
            "resource": check.resource,
            "conditions": items(conditions),
        },
    });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(decoded.to_string())
}

type Levels = Vec<Vec<(&'static str, Arc<Document>)>>;

fn named_levels(levels: &Levels) -> Vec<Vec<Named<'_>>> {
    levels
        .iter()
        .map(|l| l.iter().map(|(id, d)| Named { id, document: d }).collect())
        .collect()
}

/// Sessions of service-linked roles: SCPs do not bind them.
fn is_service_linked(cloud: &cloud::Cloud, identity: &Identity) -> bool {
    match identity {
        Identity::Session {
            account, role_name, ..
        } => cloud
            .role(account, role_name)
            .is_ok_and(|r| r.linked_service.is_some()),
        _ => false,
    }
}

/// The JSON an encoded authorization failure message stands for; `None` for anything else.
pub fn decode_failure_message(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded.trim())
        .ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("allowed")?;
    value.get("context")?;
    Some(value.to_string())
}

fn refusal(
    service: Service,
    principal: &crate::Principal,
    check: &Check,
    evaluation: &Evaluation<'_>,
    context: &Context,
) -> ApiError {
    let on = if check.resource == "*" {
        String::new()
    } else {
        format!(" on resource: {}", check.resource)
    };
    let sentence = format!(
        "User: {} is not authorized to perform: {}{on} {}",
        principal.arn,
        check.action,
        evaluation.reason(&check.action)
    );
    match service {
        Service::Ec2 => ApiError::new(
            "UnauthorizedOperation",
            403,
            format!(
                "You are not authorized to perform this operation. {sentence}. Encoded authorization failure message: {}",
                failure_message(principal, check, evaluation, context)
            ),
        ),
        Service::Iam | Service::Sts => ApiError::new("AccessDenied", 403, sentence),
        Service::Ram => ApiError::new("AccessDeniedException", 403, sentence),
        Service::Organizations => ApiError::new("AccessDeniedException", 400, sentence),
    }
}

impl Services {
    /// The authorization step of one request. `--iam off` passes at once, and so does an
    /// account's root unless its organization's SCPs bind it; for anyone else `checks` says
    /// what the request does and the evaluator decides, under the state's read lock (the
    /// policies are evaluated where they are kept, never copied).
    pub(crate) fn authorize_call(
        &self,
        ctx: &Ctx,
        service: Service,
        checks: impl FnOnce(&crate::checks::Resources<'_>) -> Vec<Check>,
    ) -> Result<(), ApiError> {
        if self.iam.mode() == Mode::Off {
            return Ok(());
        }
        let identity = ctx.principal.identity.as_ref();
        self.engine.read_versioned(|cloud, version| {
            let org = cloud.organization_of(&ctx.account);
            let scps_bind = org.is_some_and(|o| {
                o.type_enabled(cloud::org_policies::SCP) && o.master != ctx.account
            }) && !identity.is_some_and(|i| is_service_linked(cloud, i));
            if identity.is_none() && !scps_bind {
                return Ok(());
            }
            let checks = checks(&crate::checks::Resources { cloud, ctx });
            let prepared = self.prepared(cloud, version, ctx, identity, scps_bind);
            self.decide(cloud, ctx, service, &prepared, &checks)
        })
    }

    /// What every request of this principal shares, as of this version of the state: kept
    /// per access key (or root account) until the state moves.
    fn prepared(
        &self,
        cloud: &cloud::Cloud,
        version: u64,
        ctx: &Ctx,
        identity: Option<&Identity>,
        scps_bind: bool,
    ) -> Arc<Prepared> {
        // Borrowed for the lookup every request makes; owned only when a miss inserts.
        let key: Cow<'_, str> = match &ctx.principal.key_id {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(format!("root:{}", ctx.account)),
        };
        if let Some(p) = self.iam.prepared.lock().get(&*key) {
            if p.version == version && p.region == ctx.region && p.source_ip == ctx.source_ip {
                return p.clone();
            }
        }
        let root = Identity::Root {
            account: ctx.account.clone(),
        };
        let identity = identity.unwrap_or(&root);
        let policies = cloud.policies_of(identity).unwrap_or_default();
        let mut base = self.request_context(cloud, ctx, identity, &policies);
        // The Region, and the caller's own account as the resource's, are the same for every
        // request until the Region changes (which rebuilds this).
        base.set("aws:RequestedRegion", ctx.region.as_str())
            .set("ec2:Region", ctx.region.as_str())
            .set("aws:ResourceAccount", ctx.account.as_str());
        if let Some(ip) = ctx.source_ip {
            base.set("aws:SourceIp", ip.to_string());
        }
        if let Some(o) = cloud.organization_of(&ctx.account) {
            base.set("aws:ResourceOrgID", o.id.as_str());
        }
        let mut identity_docs = Vec::with_capacity(policies.identity.len());
        for (id, text) in &policies.identity {
            match self.iam.document(text, Kind::Identity) {
                Ok(d) => identity_docs.push((id.to_string(), d)),
                // A stored policy ramparts cannot read would be skipped silently otherwise:
                // refuse, and say why in the log.
                Err(e) => {
                    tracing::warn!(policy = %id, error = %e, "a policy of the caller cannot be evaluated; denying");
                    identity_docs.clear();
                    break;
                }
            }
        }
        // A boundary ramparts cannot read bounds everything: it allows nothing.
        let boundary = policies.boundary.map(|(id, text)| {
            let parsed = self.iam.document(text, Kind::Identity).unwrap_or_else(|e| {
                tracing::warn!(policy = %id, error = %e, "the caller's permissions boundary cannot be evaluated; denying");
                self.iam.nothing()
            });
            (id.to_string(), parsed)
        });
        let session = ctx
            .principal
            .key_id
            .as_deref()
            .and_then(|key| cloud.session_policies(key))
            .map(|texts| {
                texts
                    .into_iter()
                    .filter_map(|(id, text)| {
                        Some((
                            id.to_string(),
                            self.iam.document(text, Kind::Identity).ok()?,
                        ))
                    })
                    .collect()
            });
        let org = cloud.organization_of(&ctx.account);
        let scps = self.level_documents(
            scps_bind
                .then(|| org.and_then(|o| o.levels(&ctx.account, cloud::org_policies::SCP)))
                .flatten(),
            Kind::Identity,
        );
        let role_arn = match identity {
            Identity::Session {
                account,
                role_name,
                role_path,
                ..
            } => Some(format!("arn:aws:iam::{account}:role{role_path}{role_name}")),
            _ => None,
        };
        let kind = match identity {
            Identity::Root { .. } => policy::PrincipalKind::Root,
            Identity::User { .. } => policy::PrincipalKind::User,
            Identity::Session { .. } => policy::PrincipalKind::RoleSession,
        };
        let prepared = Arc::new(Prepared {
            version,
            base: Arc::new(base),
            identity: identity_docs,
            boundary,
            session,
            scps,
            role_arn,
            kind,
            region: ctx.region.clone(),
            source_ip: ctx.source_ip,
            timed: Mutex::new(None),
        });
        let mut cache = self.iam.prepared.lock();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key.into_owned(), prepared.clone());
        prepared
    }

    /// Decide every check of one request; the first refused one is the answer.
    fn decide(
        &self,
        cloud: &cloud::Cloud,
        ctx: &Ctx,
        service: Service,
        prepared: &Prepared,
        checks: &[Check],
    ) -> Result<(), ApiError> {
        let mode = self.iam.mode();
        let timed = prepared.at(self.engine.time());
        let principal = Principal {
            kind: prepared.kind,
            arn: &ctx.principal.arn,
            account: &ctx.principal.account,
            role_arn: prepared.role_arn.as_deref(),
        };
        for check in checks {
            // A check on the caller's own account with no keys of its own (every Describe) is
            // decided on the shared context as it is.
            let own = check.owner.is_none() && check.keys.is_empty();
            let resource_account = check.owner.as_deref().unwrap_or(&ctx.account);
            let context: Cow<'_, Context> = if own {
                Cow::Borrowed(&*timed)
            } else {
                let mut context = Context::over(timed.clone());
                context.set("aws:ResourceAccount", resource_account);
                if let Some(o) = cloud.organization_of(resource_account) {
                    context.set("aws:ResourceOrgID", o.id.as_str());
                }
                for (key, values) in &check.keys {
                    context.set_all(key, values.iter().cloned());
                }
                Cow::Owned(context)
            };
            // RCPs bound what is done to a member account's resources, for the services that
            // support them (STS among ours).
            let rcp_docs = if check.action.starts_with("sts:") {
                self.level_documents(
                    cloud
                        .organization_of(resource_account)
                        .and_then(|o| o.levels(resource_account, cloud::org_policies::RCP)),
                    Kind::Resource,
                )
            } else {
                Vec::new()
            };
            let resource_doc = match &check.resource_policy {
                None => None,
                Some(ResourcePolicy::Text(text)) => self.iam.document(text, Kind::Resource).ok(),
                Some(ResourcePolicy::Grant(actions)) => {
                    let text = serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": { "AWS": ctx.principal.account },
                            "Action": actions,
                        }],
                    })
                    .to_string();
                    self.iam.document(&text, Kind::Resource).ok()
                }
            };
            let set = PolicySet {
                identity: prepared
                    .identity
                    .iter()
                    .map(|(id, d)| Named { id, document: d })
                    .collect(),
                session: prepared.session.as_ref().map(|docs| {
                    docs.iter()
                        .map(|(id, d)| Named { id, document: d })
                        .collect()
                }),
                boundary: prepared
                    .boundary
                    .as_ref()
                    .map(|(id, d)| Named { id, document: d }),
                scps: named_levels(&prepared.scps),
                rcps: named_levels(&rcp_docs),
                resource: resource_doc
                    .iter()
                    .map(|d| Named {
                        id: "resource",
                        document: d,
                    })
                    .collect(),
            };
            let request = policy::Request {
                principal,
                action: &check.action,
                resource: &check.resource,
                resource_account: check.owner.as_deref(),
                context: &context,
            };
            let evaluation = policy::evaluate(&request, &set, false);
            if evaluation.allowed() {
                continue;
            }
            let soft = mode == Mode::Soft;
            tracing::info!(
                principal = %ctx.principal.arn,
                action = %check.action,
                resource = %check.resource,
                reason = %evaluation.reason(&check.action),
                "{}",
                if soft { "would be denied (--iam soft)" } else { "denied" }
            );
            if !soft {
                return Err(refusal(
                    service,
                    &ctx.principal,
                    check,
                    &evaluation,
                    &context,
                ));
            }
        }
        Ok(())
    }

    /// Parsed documents of each level (root, OUs, account) of an organization policy type.
    /// A level's policy that does not parse counts as absent: the level then allows nothing.
    fn level_documents(&self, levels: Option<Vec<Vec<(&str, &str)>>>, kind: Kind) -> Levels {
        levels
            .into_iter()
            .flatten()
            .map(|level| {
                level
                    .into_iter()
                    .filter_map(|(_, text)| self.iam.document(text, kind).ok())
                    .map(|d| ("organization policy", d))
                    .collect()
            })
            .collect()
    }

    /// The keys every request of this principal carries, but for the Region and the time.
    fn request_context(
        &self,
        cloud: &cloud::Cloud,
        ctx: &Ctx,
        identity: &Identity,
        policies: &cloud::access::PrincipalPolicies<'_>,
    ) -> Context {
        let mut c = Context::new();
        let principal_arn = match identity {
            Identity::Session {
                account,
                role_name,
                role_path,
                ..
            } => format!("arn:aws:iam::{account}:role{role_path}{role_name}"),
            _ => ctx.principal.arn.clone(),
        };
        c.set("aws:PrincipalArn", principal_arn)
            .set("aws:PrincipalAccount", ctx.principal.account.as_str())
            .set(
                "aws:PrincipalType",
                match identity {
                    Identity::Root { .. } => "Account",
                    Identity::User { .. } => "User",
                    Identity::Session { .. } => "AssumedRole",
                },
            )
            .set("aws:userid", ctx.principal.user_id.as_str())
            .set("aws:SecureTransport", "false")
            .set("aws:ViaAWSService", "false")
            .set("aws:PrincipalIsAWSService", "false");
        if matches!(identity, Identity::Session { .. }) {
            c.set("aws:MultiFactorAuthPresent", "false");
        }
        if let Some(name) = policies.user_name {
            c.set("aws:username", name);
        }
        for tag in policies.tags {
            c.set(&format!("aws:PrincipalTag/{}", tag.key), tag.value.as_str());
        }
        // A session's own tags win over its role's; its source identity follows it.
        if let Some(session) = ctx
            .principal
            .key_id
            .as_deref()
            .and_then(|k| cloud.session(k))
        {
            for tag in &session.tags {
                c.set(&format!("aws:PrincipalTag/{}", tag.key), tag.value.as_str());
            }
            if let Some(id) = &session.source_identity {
                c.set("aws:SourceIdentity", id.as_str());
            }
        }
        if let Some(org) = cloud.organization_of(&ctx.principal.account) {
            c.set("aws:PrincipalOrgID", org.id.as_str());
            if let Some(path) = cloud.org_path_of(&ctx.principal.account) {
                c.set_all("aws:PrincipalOrgPaths", [path]);
            }
        }
        c
    }
}

fn iso8601(millis: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(millis / 1000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}
