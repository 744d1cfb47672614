//! Per-operation handlers for every service: wire inputs in, domain calls, wire outputs out.
//! Nothing here sees HTTP; the server hands over decoded requests through the generated
//! `dispatch` functions and waits on [`Ctx::tickets`] before it answers.

pub mod engine;

mod ec2;
mod iam;
mod organizations;
mod ram;
mod sts;

pub use cloud::Limits;
pub use engine::{Engine, EngineConfig, EngineError};

use std::sync::Arc;
use store::Ticket;

/// Who is calling, as the server authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

impl Principal {
    pub fn root(account: &str) -> Principal {
        Principal {
            account: account.to_string(),
            arn: format!("arn:aws:iam::{account}:root"),
            user_id: account.to_string(),
        }
    }
}

/// One request's context; handlers add the durability tickets of what they changed.
pub struct Ctx {
    pub account: String,
    pub region: String,
    pub principal: Principal,
    pub request_id: String,
    pub tickets: Vec<Ticket>,
}

impl Ctx {
    pub fn new(principal: Principal, region: &str, request_id: &str) -> Ctx {
        Ctx {
            account: principal.account.clone(),
            region: region.to_string(),
            principal,
            request_id: request_id.to_string(),
            tickets: Vec::new(),
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
}

impl Services {
    pub fn new(engine: Arc<Engine>) -> Services {
        Services { engine }
    }
}
