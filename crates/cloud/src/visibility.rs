//! Who sees and may use what. Every describe, lookup and permission check in the domain asks
//! here, so the rules of ownership (and, later, sharing) live in one place.
//!
//! Today's rules: a resource is visible to its owner, in its own Region only; only the owner
//! may change it. An id the caller may not see is reported exactly like an id that does not
//! exist, as AWS does, so nothing leaks across accounts.

use crate::error::{Error, Result};
use crate::model::*;
use crate::Cloud;

/// The account and Region a request acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: AccountId,
    pub region: Region,
}

impl Caller {
    pub fn new(account: &str, region: &str) -> Self {
        Caller {
            account: account.to_string(),
            region: region.to_string(),
        }
    }

    fn owns(&self, owner: &str, region: &str) -> bool {
        self.account == owner && self.region == region
    }
}

impl Cloud {
    pub fn sees_vpc(&self, c: &Caller, v: &Vpc) -> bool {
        c.owns(&v.owner, &v.region)
    }

    pub fn sees_subnet(&self, c: &Caller, s: &Subnet) -> bool {
        c.owns(&s.owner, &s.region)
    }

    pub fn sees_group(&self, c: &Caller, g: &SecurityGroup) -> bool {
        c.owns(&g.owner, &g.region)
    }

    pub fn sees_interface(&self, c: &Caller, e: &NetworkInterface) -> bool {
        c.owns(&e.owner, &e.region)
    }

    pub fn sees_instance(&self, c: &Caller, i: &Instance) -> bool {
        c.owns(&i.owner, &i.region)
    }

    pub fn sees_route_table(&self, c: &Caller, r: &RouteTable) -> bool {
        c.owns(&r.owner, &r.region)
    }

    pub fn sees_network_acl(&self, c: &Caller, a: &NetworkAcl) -> bool {
        c.owns(&a.owner, &a.region)
    }

    /// Whether the caller may put its own ENIs and instances in this subnet.
    pub fn may_launch_into(&self, c: &Caller, s: &Subnet) -> bool {
        self.sees_subnet(c, s)
    }

    /// Whether the caller may create its own security groups in this VPC.
    pub fn may_create_group_in(&self, c: &Caller, v: &Vpc) -> bool {
        self.sees_vpc(c, v)
    }

    /// Whether the caller may attach this group to an interface of its own in `vpc_id`.
    pub fn may_attach_group(&self, c: &Caller, g: &SecurityGroup) -> bool {
        self.sees_group(c, g)
    }

    /// Whether the caller may change (rules, tags, delete) a resource with this owner.
    pub fn may_modify(&self, c: &Caller, owner: &str, region: &str) -> bool {
        c.owns(owner, region)
    }

    // ------------------------------------------------------------ lookups by id

    pub fn visible_vpc(&self, c: &Caller, id: &str) -> Result<&Vpc> {
        self.vpcs
            .get(id)
            .filter(|v| self.sees_vpc(c, v))
            .ok_or_else(|| Error::vpc_not_found(id))
    }

    pub fn visible_subnet(&self, c: &Caller, id: &str) -> Result<&Subnet> {
        self.subnets
            .get(id)
            .filter(|s| self.sees_subnet(c, s))
            .ok_or_else(|| Error::subnet_not_found(id))
    }

    pub fn visible_group(&self, c: &Caller, id: &str) -> Result<&SecurityGroup> {
        if !id.starts_with("sg-") {
            return Err(Error::malformed("InvalidGroupId.Malformed", id, "sg"));
        }
        self.groups
            .get(id)
            .filter(|g| self.sees_group(c, g))
            .ok_or_else(|| Error::group_not_found(id))
    }

    pub fn visible_interface(&self, c: &Caller, id: &str) -> Result<&NetworkInterface> {
        self.interfaces
            .get(id)
            .filter(|e| self.sees_interface(c, e))
            .ok_or_else(|| Error::eni_not_found(id))
    }

    pub fn visible_instance(&self, c: &Caller, id: &str) -> Result<&Instance> {
        self.instances
            .get(id)
            .filter(|i| self.sees_instance(c, i))
            .ok_or_else(|| Error::instance_not_found(id))
    }

    /// A VPC the caller owns (for changes): invisible ones are not found, visible but foreign
    /// ones are unauthorized.
    pub fn owned_vpc(&self, c: &Caller, id: &str) -> Result<&Vpc> {
        let v = self.visible_vpc(c, id)?;
        if self.may_modify(c, &v.owner, &v.region) {
            Ok(v)
        } else {
            Err(Error::unauthorized())
        }
    }

    pub fn owned_subnet(&self, c: &Caller, id: &str) -> Result<&Subnet> {
        let s = self.visible_subnet(c, id)?;
        if self.may_modify(c, &s.owner, &s.region) {
            Ok(s)
        } else {
            Err(Error::unauthorized())
        }
    }

    pub fn owned_group(&self, c: &Caller, id: &str) -> Result<&SecurityGroup> {
        let g = self.visible_group(c, id)?;
        if self.may_modify(c, &g.owner, &g.region) {
            Ok(g)
        } else {
            Err(Error::unauthorized())
        }
    }

    pub fn owned_interface(&self, c: &Caller, id: &str) -> Result<&NetworkInterface> {
        let e = self.visible_interface(c, id)?;
        if self.may_modify(c, &e.owner, &e.region) {
            Ok(e)
        } else {
            Err(Error::unauthorized())
        }
    }
}
