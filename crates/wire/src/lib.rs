//! AWS wire shapes and codecs for ec2, query (IAM, STS), json (Organizations) and rest-json (RAM).
//!
//! `gen/` is written by `cargo xtask codegen` from the trimmed botocore models in `models/`;
//! `rt` is the small hand-written runtime it calls. Nothing here knows about HTTP servers or the
//! ramparts domain.

pub mod gen;
pub mod rt;

pub use gen::{ec2, iam, organizations, ram, sts};
pub use rt::{ApiError, DateTime, DecodeError, QueryNode};
