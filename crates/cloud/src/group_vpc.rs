//! Security-group VPC associations (spec §2.10): a group owner makes its group usable in
//! another VPC of the same Region that it owns or that is shared with it.
//!
//! AWS reports `associating` and then `associated`; Terraform waits for `associated` and,
//! on removal, for the record to disappear. So an association is `associated` as soon as
//! it is acknowledged and is gone as soon as it is disassociated.

use crate::error::{Error, Result};
use crate::filter::{self, Filter};
use crate::model::*;
use crate::{Caller, Cloud, Outcome, Page, Paged};

/// One association as a describe shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVpcAssociation {
    pub group_id: String,
    pub group_owner: AccountId,
    pub vpc_id: String,
    pub vpc_owner: AccountId,
    /// `group/vpc`: the paging order.
    key: String,
}

pub const ASSOCIATION_FILTERS: &[&str] = &[
    "group-id",
    "group-owner-id",
    "state",
    "vpc-id",
    "vpc-owner-id",
];

/// Same condition and message for both sides: AWS documents no distinct code (UNSURE).
fn not_with_default(what: &str, id: &str) -> Error {
    Error::invalid_value(format!(
        "You cannot use security group VPC associations with the default {what} ({id})."
    ))
}

impl Cloud {
    /// Whether interfaces in this VPC may carry the group: its own VPC, or one it is
    /// associated with.
    pub fn group_usable_in(&self, g: &SecurityGroup, vpc_id: &str) -> bool {
        g.vpc_id == vpc_id
            || self
                .group_vpcs
                .contains(&(g.id.to_string(), vpc_id.to_string()))
    }

    /// The VPCs a group is associated with, besides its own.
    pub fn associated_vpcs<'a>(&'a self, group_id: &'a str) -> impl Iterator<Item = &'a str> {
        self.group_vpcs
            .range((group_id.to_string(), String::new())..)
            .take_while(move |(g, _)| g == group_id)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn associate_group_vpc(
        &mut self,
        c: &Caller,
        group_id: &str,
        vpc_id: &str,
    ) -> Result<Outcome> {
        let g = self.owned_group(c, group_id)?;
        if g.is_default() {
            return Err(not_with_default("security group", group_id));
        }
        let home = &self.vpcs[g.vpc_id.as_str()];
        if home.is_default {
            return Err(not_with_default("VPC", &home.id));
        }
        let target = self.visible_vpc(c, vpc_id)?;
        if target.is_default {
            return Err(not_with_default("VPC", vpc_id));
        }
        if self.group_usable_in(g, vpc_id) {
            return Err(Error::invalid_value(format!(
                "The security group {group_id} is already associated with {vpc_id}."
            )));
        }
        self.group_vpcs
            .insert((group_id.to_string(), vpc_id.to_string()));
        Ok(Outcome::Done)
    }

    pub(crate) fn disassociate_group_vpc(
        &mut self,
        c: &Caller,
        group_id: &str,
        vpc_id: &str,
    ) -> Result<Outcome> {
        let g = self.owned_group(c, group_id)?;
        let key = (g.id.to_string(), vpc_id.to_string());
        if !self.group_vpcs.contains(&key) {
            if !self.vpcs.contains_key(vpc_id) {
                return Err(Error::vpc_not_found(vpc_id));
            }
            return Err(Error::invalid_value(format!(
                "The security group {group_id} is not associated with {vpc_id}."
            )));
        }
        let in_use = self
            .interfaces
            .values()
            .any(|e| e.vpc_id == vpc_id && e.groups.iter().any(|x| *x == g.id));
        if in_use {
            return Err(Error::dependency(format!(
                "The security group {group_id} is in use by network interfaces in {vpc_id}."
            )));
        }
        self.group_vpcs.remove(&key);
        Ok(Outcome::Done)
    }

    /// Associations the caller sees: those of its groups, and those into its VPCs.
    pub fn describe_group_vpc_associations(
        &self,
        c: &Caller,
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<GroupVpcAssociation>> {
        filter::validate(filters, ASSOCIATION_FILTERS)?;
        let seen: Vec<GroupVpcAssociation> = self
            .group_vpcs
            .iter()
            .filter_map(|(group_id, vpc_id)| {
                let g = self.groups.get(group_id.as_str())?;
                let v = self.vpcs.get(vpc_id)?;
                let mine = g.owner == c.account || v.owner == c.account;
                (mine && g.region == c.region).then(|| GroupVpcAssociation {
                    group_id: g.id.to_string(),
                    group_owner: g.owner.to_string(),
                    vpc_id: v.id.clone(),
                    vpc_owner: v.owner.clone(),
                    key: format!("{}/{}", g.id, v.id),
                })
            })
            .filter(|a| {
                filter::matches_with(&[], filters, |name| {
                    Some(vec![match name {
                        "group-id" => a.group_id.clone(),
                        "group-owner-id" => a.group_owner.clone(),
                        "vpc-id" => a.vpc_id.clone(),
                        "vpc-owner-id" => a.vpc_owner.clone(),
                        "state" => "associated".to_string(),
                        _ => return None,
                    }])
                })
            })
            .collect();
        page.apply_owned(seen, |a| &a.key)
    }

    /// The groups the caller may put on its interfaces in this VPC: its own groups of the
    /// VPC or associated with it, and groups shared with it there.
    pub fn groups_for_vpc(
        &self,
        c: &Caller,
        vpc_id: &str,
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&SecurityGroup>> {
        const KNOWN: &[&str] = &[
            "group-id",
            "description",
            "group-name",
            "owner-id",
            "primary-vpc-id",
        ];
        filter::validate(filters, KNOWN)?;
        self.visible_vpc(c, vpc_id)?;
        let usable = self
            .candidates(c, |s| &s.groups, &self.groups, None)
            .into_iter()
            .filter(|g| self.may_attach_group(c, g) && self.group_usable_in(g, vpc_id))
            .filter(|g| {
                filter::matches_with(&g.tags, filters, |name| {
                    Some(vec![match name {
                        "group-id" => g.id.to_string(),
                        "description" => g.description.to_string(),
                        "group-name" => g.name.to_string(),
                        "owner-id" => g.owner.to_string(),
                        "primary-vpc-id" => g.vpc_id.to_string(),
                        _ => return None,
                    }])
                })
            });
        page.apply(usable, |g| &g.id)
    }
}
