//! Who sees and may use what. Every describe, lookup and permission check in the domain asks
//! here, so the rules of ownership and sharing live in one place.
//!
//! The rules (spec §3): a resource is visible to its owner, in its own Region only. A RAM
//! share that is active, with the resource and a principal reaching the account both
//! associated, grants more: a shared subnet (and so its VPC) to launch into and create groups
//! in, a shared security group to describe and attach. The owner of a VPC sees, read-only,
//! the groups, interfaces and instances other accounts put in it. Only the owner changes a
//! resource. An id the caller may not see is reported exactly like an id that does not
//! exist, as AWS does, so nothing leaks across accounts.
//!
//! What shares grant is recomputed whenever a share, an organization or its membership
//! changes ([`Cloud::sharing_changed`]), so every check here is a lookup.

use crate::error::{Error, Result};
use crate::model::*;
use crate::ram::{parse_principal, parse_resource_arn, PrincipalRef, Share};
use crate::{Cloud, Scope};
use std::collections::BTreeSet;
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
}

impl Cloud {
    /// What shares grant the caller in its Region, beyond what it owns.
    pub(crate) fn granted(&self, c: &Caller) -> Option<&Scope> {
        self.granted.get(&c.account)?.get(&c.region)
    }

    /// What other accounts put in the caller's VPCs in its Region.
    pub(crate) fn guests(&self, c: &Caller) -> Option<&Scope> {
        self.guests.get(&c.account)?.get(&c.region)
    }

    fn owns_vpc_of(&self, c: &Caller, vpc_id: &str) -> bool {
        self.vpcs.get(vpc_id).is_some_and(|v| v.owner == c.account)
    }

    pub fn sees_vpc(&self, c: &Caller, v: &Vpc) -> bool {
        c.region == v.region
            && (c.account == v.owner
                || self
                    .granted(c)
                    .is_some_and(|g| g.vpcs.contains(v.id.as_str())))
    }

    pub fn sees_subnet(&self, c: &Caller, s: &Subnet) -> bool {
        c.region == s.region
            && (c.account == s.owner
                || self
                    .granted(c)
                    .is_some_and(|g| g.subnets.contains(s.id.as_str())))
    }

    pub fn sees_group(&self, c: &Caller, g: &SecurityGroup) -> bool {
        c.region == g.region
            && (c.account == g.owner
                || self
                    .granted(c)
                    .is_some_and(|x| x.groups.contains(g.id.as_str()))
                || self.owns_vpc_of(c, &g.vpc_id))
    }

    pub fn sees_prefix_list(&self, c: &Caller, p: &crate::PrefixList) -> bool {
        c.region == p.region
            && (c.account == p.owner
                || p.owner == crate::prefix_list::AWS_OWNER
                || self
                    .granted(c)
                    .is_some_and(|g| g.prefix_lists.contains(p.id.as_str())))
    }

    pub fn sees_interface(&self, c: &Caller, e: &NetworkInterface) -> bool {
        c.region == e.region && (c.account == e.owner || self.owns_vpc_of(c, &e.vpc_id))
    }

    pub fn sees_instance(&self, c: &Caller, i: &Instance) -> bool {
        c.region == i.region && (c.account == i.owner || self.owns_vpc_of(c, &i.vpc_id))
    }

    pub fn sees_route_table(&self, c: &Caller, r: &RouteTable) -> bool {
        c.region == r.region
            && (c.account == r.owner
                || self
                    .vpcs
                    .get(&r.vpc_id)
                    .is_some_and(|v| self.sees_vpc(c, v)))
    }

    pub fn sees_network_acl(&self, c: &Caller, a: &NetworkAcl) -> bool {
        c.region == a.region
            && (c.account == a.owner
                || self
                    .vpcs
                    .get(&a.vpc_id)
                    .is_some_and(|v| self.sees_vpc(c, v)))
    }

    /// Whether the caller may put its own ENIs and instances in this subnet.
    pub fn may_launch_into(&self, c: &Caller, s: &Subnet) -> bool {
        self.sees_subnet(c, s)
    }

    /// Whether the caller may create its own security groups in this VPC.
    pub fn may_create_group_in(&self, c: &Caller, v: &Vpc) -> bool {
        self.sees_vpc(c, v)
    }

    /// Whether the caller may newly attach this group to an interface of its own: its own
    /// groups, and groups shared with it now. (Groups an interface already carries stay on
    /// it after a share ends; that is the caller's business, see `eni`.)
    pub fn may_attach_group(&self, c: &Caller, g: &SecurityGroup) -> bool {
        c.region == g.region
            && (c.account == g.owner
                || self
                    .granted(c)
                    .is_some_and(|x| x.groups.contains(g.id.as_str())))
    }

    /// Whether the caller may change (rules, tags, delete) a resource with this owner.
    pub fn may_modify(&self, c: &Caller, owner: &str, region: &str) -> bool {
        c.account == owner && c.region == region
    }

    // ------------------------------------------------------------ sharing

    /// Work out again what every share grants to every account. Called after anything that
    /// can change it: a RAM change, an organization change, an account moving.
    pub(crate) fn sharing_changed(&mut self) {
        let mut granted: std::collections::HashMap<
            AccountId,
            std::collections::HashMap<Region, Scope>,
        > = Default::default();
        for share in self.ram.shares.values().filter(|s| s.active()) {
            let accounts = self.accounts_reached(share);
            if accounts.is_empty() {
                continue;
            }
            for (arn, a) in &share.resources {
                if a.status != "ASSOCIATED" {
                    continue;
                }
                let Ok(r) = parse_resource_arn(arn) else {
                    continue;
                };
                for account in &accounts {
                    let scope = granted
                        .entry(account.clone())
                        .or_default()
                        .entry(share.region.clone())
                        .or_default();
                    match r.kind.name {
                        "ec2:Subnet" => {
                            if let Some(s) = self.subnets.get(&r.id) {
                                scope.subnets.insert(s.id.as_str().into());
                                scope.vpcs.insert(s.vpc_id.as_str().into());
                            }
                        }
                        "ec2:SecurityGroup" if self.groups.contains_key(r.id.as_str()) => {
                            scope.groups.insert(r.id.as_str().into());
                        }
                        "ec2:PrefixList" if self.prefix_lists.contains_key(&r.id) => {
                            scope.prefix_lists.insert(r.id.as_str().into());
                        }
                        "ec2:TransitGateway" if self.transit_gateways.contains_key(&r.id) => {
                            scope.transit_gateways.insert(r.id.as_str().into());
                        }
                        _ => {}
                    }
                }
            }
        }
        self.granted = granted;
    }

    /// The accounts a share reaches now: principals associated, expanded through the
    /// organization as it is today, less the owner.
    pub fn accounts_reached(&self, share: &Share) -> BTreeSet<AccountId> {
        let org = self
            .organization_of(&share.owner)
            .filter(|o| o.sharing_enabled());
        let active_member = |a: &str| {
            org.and_then(|o| o.accounts.get(a))
                .is_some_and(|m| m.status == "ACTIVE")
        };
        let mut out = BTreeSet::new();
        for p in share
            .principals
            .values()
            .filter(|p| p.status == "ASSOCIATED")
        {
            match parse_principal(&p.entity) {
                Ok(PrincipalRef::Account(a)) => {
                    if p.external || active_member(&a) {
                        out.insert(a);
                    }
                }
                Ok(PrincipalRef::Identity(a)) => {
                    if active_member(&a) {
                        out.insert(a);
                    }
                }
                Ok(PrincipalRef::Organization(id)) => {
                    if let Some(o) = org.filter(|o| o.id == id) {
                        out.extend(o.accounts.keys().filter(|a| active_member(a)).cloned());
                    }
                }
                Ok(PrincipalRef::Unit { org: id, unit }) => {
                    if let Some(o) = org.filter(|o| o.id == id) {
                        out.extend(
                            o.accounts
                                .keys()
                                .filter(|a| active_member(a) && o.account_under(a, &unit))
                                .cloned(),
                        );
                    }
                }
                Ok(PrincipalRef::Service(_)) | Err(_) => {}
            }
        }
        out.remove(&share.owner);
        out
    }

    /// Whether a share reaches this account now.
    pub fn share_reaches(&self, share: &Share, account: &str) -> bool {
        share.active() && self.accounts_reached(share).contains(account)
    }

    /// Record a resource of `owner` in someone else's VPC, so the VPC's owner finds it.
    pub(crate) fn note_guest(
        &mut self,
        owner: &str,
        vpc_id: &str,
        id: &str,
        field: fn(&mut Scope) -> &mut BTreeSet<Id>,
        present: bool,
    ) {
        let Some(vpc) = self.vpcs.get(vpc_id) else {
            return;
        };
        if vpc.owner == owner {
            return;
        }
        let scope = self
            .guests
            .entry(vpc.owner.clone())
            .or_default()
            .entry(vpc.region.clone())
            .or_default();
        if present {
            field(scope).insert(id.into());
        } else {
            field(scope).remove(id);
        }
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
            .map(Box::as_ref)
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
        // UNSURE: the code AWS gives for changing an interface a service manages.
        if e.requester_managed {
            return Err(Error::new(
                "OperationNotPermitted",
                format!("The network interface {id} is managed by an AWS service and cannot be changed."),
            ));
        }
        if self.may_modify(c, &e.owner, &e.region) {
            Ok(e)
        } else {
            Err(Error::unauthorized())
        }
    }
}
