//! Permissions boundaries: the one managed policy a user or role may carry that caps what its
//! identity-based policies grant. Set at creation or later, removed, and counted per policy so
//! a policy in use as a boundary cannot be deleted.

use crate::error::{Error, Result};
use crate::{Cloud, Outcome};
use serde::{Deserialize, Serialize};

/// The identity a boundary is put on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bounded {
    Role(String),
    User(String),
}

impl Cloud {
    /// A boundary must be a managed policy the account can attach: AWS's or its own.
    pub(crate) fn check_boundary_arn(&self, account: &str, arn: &str) -> Result<()> {
        let aws = policy::managed::document(arn).is_some();
        let own = self
            .iam
            .policies
            .get(arn)
            .is_some_and(|p| p.account == account);
        if aws || own {
            return Ok(());
        }
        if !arn.starts_with("arn:aws:iam::") || !arn.contains(":policy/") {
            return Err(Error::new(
                "InvalidInput",
                format!("ARN {arn} is not valid."),
            ));
        }
        Err(Error::new(
            "NoSuchEntity",
            format!("Scope ARN: {arn} does not exist or is not attachable."),
        ))
    }

    fn boundary_slot(&mut self, account: &str, entity: &Bounded) -> Result<&mut Option<String>> {
        Ok(match entity {
            Bounded::Role(name) => &mut self.changeable_role(account, name)?.permissions_boundary,
            Bounded::User(name) => &mut self.user_mut(account, name)?.permissions_boundary,
        })
    }

    pub(crate) fn put_boundary(
        &mut self,
        account: &str,
        entity: &Bounded,
        arn: &str,
    ) -> Result<Outcome> {
        self.check_boundary_arn(account, arn)?;
        *self.boundary_slot(account, entity)? = Some(arn.to_string());
        Ok(Outcome::Done)
    }

    /// Removing a boundary that is not there succeeds, as removing nothing (UNSURE: AWS
    /// documents no error for it).
    pub(crate) fn delete_boundary(&mut self, account: &str, entity: &Bounded) -> Result<Outcome> {
        *self.boundary_slot(account, entity)? = None;
        Ok(Outcome::Done)
    }

    /// How many users and roles use a managed policy as their permissions boundary.
    pub fn boundary_usage_count(&self, arn: &str) -> usize {
        let roles = self
            .iam
            .roles
            .values()
            .filter(|r| r.permissions_boundary.as_deref() == Some(arn))
            .count();
        let users = self
            .iam
            .users
            .values()
            .filter(|u| u.permissions_boundary.as_deref() == Some(arn))
            .count();
        roles + users
    }
}
