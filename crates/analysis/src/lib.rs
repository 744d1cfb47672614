//! Insight over a cloud's state, read from `cloud` and never changing it: who can reach what
//! across accounts (`reach`, the way AWS's Reachability Analyzer answers), hop by hop, with
//! AWS's explanation codes when a path is not found; and what breaks the organization's rules
//! (`audit`, rendered by `audit_report` as a table, JSON or SARIF).

pub mod audit;
pub mod audit_report;
mod filters;
mod internet;
pub mod matrix;
pub mod ports;
pub mod reach;
mod refs;
pub mod report;
mod routing;
mod transit;

pub use reach::{analyze, Protocol, Query};
