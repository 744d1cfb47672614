//! Ids to `Ref`s (id and ARN) for the components a path names.

use cloud::insights::Ref;
use cloud::Cloud;

/// The component's id and ARN (the ARN empty for something the state no longer holds).
pub fn of(c: &Cloud, id: &str) -> Ref {
    Ref {
        id: id.to_string(),
        arn: c.arn_of(id).unwrap_or_default(),
    }
}
