//! Per-operation handlers for every service: wire inputs in, domain calls, wire outputs out.
//! Nothing here sees HTTP; the server hands over decoded requests through the generated
//! `dispatch` functions and waits on [`Ctx::tickets`] before it answers.

/// Inside a generated `Api` impl: one trait method per operation, each handing over to its
/// area's handler (`area::op(services, ctx, input)`).
macro_rules! handlers {
    ($($area:ident::$op:ident($($input:ident)?) -> $output:ty;)*) => {
        $(
            fn $op(&self, ctx: &mut Ctx $(, input: w::$input)?) -> Result<$output, ApiError> {
                $area::$op(self, ctx $(, handlers!(@arg input $input))?)
            }
        )*
    };
    (@arg $v:ident $_t:ident) => { $v };
}

pub mod authorize;
mod checks;
mod checks_iam;
pub mod config;
pub mod engine;
pub mod fsck;

mod ec2;
mod iam;
mod organizations;
mod ram;
mod sts;

pub use cloud::Limits;
pub use engine::{Engine, EngineConfig, EngineError};

use std::collections::HashMap;
use std::sync::Arc;
use store::Ticket;

/// Who is calling, as the server authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account: String,
    pub arn: String,
    pub user_id: String,
    /// The IAM user or role session behind keys ramparts issued; `None` for an account's root.
    pub identity: Option<cloud::iam::Identity>,
    /// The issued access key the request was signed with.
    pub key_id: Option<String>,
    /// The key is a user's GetSessionToken credentials (which IAM and most of STS refuse).
    pub user_session: bool,
}

impl Principal {
    pub fn root(account: &str) -> Principal {
        Principal {
            account: account.to_string(),
            arn: format!("arn:aws:iam::{account}:root"),
            user_id: account.to_string(),
            identity: None,
            key_id: None,
            user_session: false,
        }
    }
}

/// One request's context; handlers add the durability tickets of what they changed.
pub struct Ctx {
    pub account: String,
    pub region: String,
    pub principal: Arc<Principal>,
    pub request_id: String,
    pub tickets: Vec<Ticket>,
    /// The address the request came from (`aws:SourceIp`).
    pub source_ip: Option<std::net::IpAddr>,
}

impl Ctx {
    pub fn new(principal: Arc<Principal>, region: &str, request_id: &str) -> Ctx {
        Ctx {
            account: principal.account.clone(),
            region: region.to_string(),
            principal,
            request_id: request_id.to_string(),
            tickets: Vec::new(),
            source_ip: None,
        }
    }

    pub fn caller(&self) -> cloud::Caller {
        cloud::Caller::new(&self.account, &self.region)
    }
}

/// Implements every service's generated `Api` trait over one engine.
#[derive(Clone)]
pub struct Services {
    pub engine: Arc<Engine>,
    /// The organization the cloud starts with (and returns to on reset).
    declared: Option<Arc<config::Config>>,
    iam: Arc<authorize::Authorizer>,
    /// Issued keys as last resolved, by key id, with the state version they were read at.
    issued: Arc<parking_lot::Mutex<HashMap<String, Arc<sts::Issued>>>>,
}

impl Services {
    pub fn new(engine: Arc<Engine>) -> Services {
        Services {
            engine,
            declared: None,
            iam: Arc::new(authorize::Authorizer::new(authorize::Mode::Enforce)),
            issued: Arc::default(),
        }
    }

    /// How IAM is applied to issued principals (`--iam`).
    pub fn with_iam(mut self, mode: authorize::Mode) -> Services {
        self.iam = Arc::new(authorize::Authorizer::new(mode));
        self
    }

    pub fn iam_mode(&self) -> authorize::Mode {
        self.iam.mode()
    }

    /// Start from a declared organization: applied now, and again after every reset. The
    /// declaration stays even when applying it now fails (say, it contradicts the state).
    pub fn with_declared(
        mut self,
        config: config::Config,
    ) -> (Services, Result<Vec<Ticket>, String>) {
        let applied = self.engine.declare(&config);
        self.declared = Some(Arc::new(config));
        (self, applied)
    }

    /// Whether `--config` declared an organization for this process to start (and reset) with.
    pub fn declares_organization(&self) -> bool {
        self.declared
            .as_ref()
            .is_some_and(|c| c.organization.is_some())
    }

    /// Forget everything, then rebuild what the configuration declares.
    pub fn reset(&self) -> Vec<Ticket> {
        let mut tickets = vec![self.engine.reset()];
        if let Some(config) = &self.declared {
            match self.engine.declare(config) {
                Ok(more) => tickets.extend(more),
                Err(e) => {
                    tracing::error!(error = %e, "the declared organization could not be rebuilt")
                }
            }
        }
        tickets
    }

    /// Run a command as the caller (no Region is opened: for the global and RAM services).
    fn apply<T>(
        &self,
        ctx: &mut Ctx,
        command: cloud::Command,
        view: impl FnOnce(&cloud::Cloud, &cloud::Outcome) -> T,
    ) -> Result<T, wire::ApiError> {
        let (out, ticket) = self
            .engine
            .write(&ctx.account, &ctx.region, command, view)
            .map_err(domain_error)?;
        ctx.tickets.push(ticket);
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&cloud::Cloud) -> Result<T, cloud::Error>,
    ) -> Result<T, wire::ApiError> {
        self.engine.read(f).map_err(domain_error)
    }
}

/// A domain refusal in the wire's terms.
pub(crate) fn domain_error(e: cloud::Error) -> wire::ApiError {
    let status = e.status();
    let out = wire::ApiError::new(e.code, status, e.message);
    match e.reason {
        Some(r) => out.with_reason(r),
        None => out,
    }
}

/// One page of an already ordered list; the token is the hex of the next offset.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
    bounds: (i32, i32),
    bad_token: impl Fn(&str) -> cloud::Error,
    bad_max: impl Fn(i32) -> cloud::Error,
) -> Result<(Vec<T>, Option<String>), wire::ApiError> {
    let start = match next_token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => hex::decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("offset:").map(str::to_string))
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| domain_error(bad_token(t)))?,
    };
    let max = match max_results {
        None => bounds.1 as usize,
        Some(m) if m < bounds.0 || m > bounds.1 => return Err(domain_error(bad_max(m))),
        Some(m) => m as usize,
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let end = start + page.len();
    let next = (end < total).then(|| hex::encode(format!("offset:{end}")));
    Ok((page, next))
}
