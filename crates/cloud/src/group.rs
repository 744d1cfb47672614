//! Security groups and their rules.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::model::*;
use crate::rules::{self, RuleSpec};
use crate::{Caller, Cloud, Ids, Outcome, Page, Paged};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

/// How a request names a group: by id anywhere, by name only in the default VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupRef {
    Id(String),
    Name(String),
}

/// What to revoke: rules by id, or rules matching these definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleRevoke {
    Ids(Vec<String>),
    Matching(Vec<RuleSpec>),
}

impl RuleSpec {
    pub fn into_rule(self, id: String, egress: bool, tags: Vec<Tag>) -> Rule {
        Rule {
            id: id.into(),
            egress,
            protocol: self.protocol.into(),
            from_port: self.from_port,
            to_port: self.to_port,
            peer: self.peer,
            description: self.description,
            tags,
        }
    }

    /// Whether an existing rule is this one (descriptions do not count; a group peer given
    /// without an owner matches whoever owns the group).
    pub fn matches(&self, r: &Rule) -> bool {
        let peer = match (&self.peer, &r.peer) {
            (Peer::Group(a), Peer::Group(b)) => {
                a.group_id == b.group_id && (a.user_id.is_empty() || a.user_id == b.user_id)
            }
            (a, b) => a == b,
        };
        peer && self.protocol == r.protocol
            && self.from_port == r.from_port
            && self.to_port == r.to_port
    }
}

impl SecurityGroup {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:security-group/{}",
            self.region, self.owner, self.id
        )
    }

    /// Rules of one direction grouped as `IpPermission`s: one per (protocol, ports), in order
    /// of first appearance.
    pub fn permissions(&self, egress: bool) -> Vec<Permission<'_>> {
        let rules = if egress { &self.egress } else { &self.ingress };
        let mut out: Vec<Permission> = Vec::new();
        for r in rules {
            match out.iter_mut().find(|p| {
                p.protocol == r.protocol && p.from_port == r.from_port && p.to_port == r.to_port
            }) {
                Some(p) => p.rules.push(r),
                None => out.push(Permission {
                    protocol: &r.protocol,
                    from_port: r.from_port,
                    to_port: r.to_port,
                    rules: vec![r],
                }),
            }
        }
        out
    }

    fn rule_values(&self, egress: bool, what: &str) -> Vec<String> {
        let rules = if egress { &self.egress } else { &self.ingress };
        rules
            .iter()
            .filter_map(|r| match (what, &r.peer) {
                ("cidr", Peer::Cidr4(n)) => Some(n.to_string()),
                ("ipv6-cidr", Peer::Cidr6(n)) => Some(n.to_string()),
                ("prefix-list-id", Peer::PrefixList(p)) => Some(p.to_string()),
                ("group-id", Peer::Group(g)) => Some(g.group_id.to_string()),
                ("user-id", Peer::Group(g)) => Some(g.user_id.to_string()),
                ("protocol", _) => Some(r.protocol.to_string()),
                ("from-port", _) => r.from_port.map(|p| p.to_string()),
                ("to-port", _) => r.to_port.map(|p| p.to_string()),
                _ => None,
            })
            .collect()
    }
}

/// One `IpPermission`: a protocol and port range with every peer that has a rule for it.
pub struct Permission<'a> {
    pub protocol: &'a str,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub rules: Vec<&'a Rule>,
}

const RULE_FIELDS: &[&str] = &[
    "cidr",
    "from-port",
    "group-id",
    "group-name",
    "ipv6-cidr",
    "prefix-list-id",
    "protocol",
    "to-port",
    "user-id",
];

impl Filterable for SecurityGroup {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        if let Some(what) = name.strip_prefix("egress.ip-permission.") {
            return RULE_FIELDS
                .contains(&what)
                .then(|| self.rule_values(true, what));
        }
        if let Some(what) = name.strip_prefix("ip-permission.") {
            return RULE_FIELDS
                .contains(&what)
                .then(|| self.rule_values(false, what));
        }
        Some(match name {
            "group-id" => vec![self.id.to_string()],
            "group-name" => vec![self.name.to_string()],
            "description" => vec![self.description.to_string()],
            "owner-id" => vec![self.owner.to_string()],
            "vpc-id" => vec![self.vpc_id.to_string()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn group_filter_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "group-id",
        "group-name",
        "description",
        "owner-id",
        "vpc-id",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in RULE_FIELDS {
        names.push(format!("ip-permission.{f}"));
        names.push(format!("egress.ip-permission.{f}"));
    }
    names
}

pub const RULE_FILTERS: &[&str] = &["group-id", "security-group-rule-id"];

fn check_name(what: &str, value: &str) -> Result<()> {
    let ok_chars = value
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(ch));
    if value.is_empty() || value.chars().count() > 255 || !ok_chars {
        return Err(Error::invalid_value(format!(
            "Value ({value}) for parameter {what} is invalid. Character sets beyond ASCII are not supported; up to 255 characters from a-zA-Z0-9 ._-:/()#,@[]+=&;{{}}!$* are allowed."
        )));
    }
    Ok(())
}

pub(crate) const ANY_IPV4: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::UNSPECIFIED, 0);
pub(crate) const ANY_IPV6: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::UNSPECIFIED, 0);

/// A rule for all traffic from or to `peer`: what groups start with.
pub(crate) fn allow_all(peer: Peer, egress: bool, id: String) -> Rule {
    RuleSpec {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer,
        description: None,
    }
    .into_rule(id, egress, vec![])
}

fn duplicate(spec: &RuleSpec, egress: bool) -> Error {
    Error::new(
        "InvalidPermission.Duplicate",
        format!(
            "the specified rule \"{}\" already exists",
            rules::describe(spec, egress)
        ),
    )
}

impl Cloud {
    /// The group `owner` has under this name (case-insensitively) in the VPC.
    pub fn group_named(&self, owner: &str, vpc_id: &str, name: &str) -> Option<&SecurityGroup> {
        self.group_names.find(&self.groups, owner, vpc_id, name)
    }

    pub(crate) fn insert_group(&mut self, g: SecurityGroup) {
        for r in g.rules() {
            self.rule_index.insert(r.id.clone(), g.id.clone());
        }
        self.scope_mut(&g.owner, &g.region)
            .groups
            .insert(g.id.clone());
        self.note_guest(&g.owner, &g.vpc_id, &g.id, |s| &mut s.groups, true);
        let id = g.id.clone();
        self.groups.insert(id.clone(), Box::new(g));
        self.group_names.insert(&self.groups, &self.groups[&id]);
    }

    pub(crate) fn remove_group(&mut self, id: &str) {
        if let Some(g) = self.groups.remove(id) {
            for r in g.rules() {
                self.rule_index.remove(r.id.as_str());
            }
            self.group_names.remove(&g);
            self.scope_mut(&g.owner, &g.region).groups.remove(id);
            self.note_guest(&g.owner, &g.vpc_id, id, |s| &mut s.groups, false);
        }
    }

    /// The group a request names, as the caller sees it.
    pub fn resolve_group(&self, c: &Caller, group: &GroupRef) -> Result<&SecurityGroup> {
        match group {
            GroupRef::Id(id) => self.visible_group(c, id),
            GroupRef::Name(name) => {
                let Some(vpc) = self.default_vpc(c) else {
                    return Err(Error::group_not_found(name));
                };
                self.group_named(&c.account, &vpc.id, name)
                    .filter(|g| g.name == *name)
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidGroup.NotFound",
                            format!(
                                "The security group '{name}' does not exist in default VPC '{}'",
                                vpc.id
                            ),
                        )
                    })
            }
        }
    }

    fn owned_group_ref(&self, c: &Caller, group: &GroupRef) -> Result<&SecurityGroup> {
        let g = self.resolve_group(c, group)?;
        if self.may_modify(c, &g.owner, &g.region) {
            Ok(g)
        } else {
            Err(Error::unauthorized())
        }
    }

    pub(crate) fn create_group(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        name: &str,
        description: &str,
        vpc_id: Option<&str>,
        tags: &[Tag],
    ) -> Result<Outcome> {
        check_name("GroupName", name)?;
        check_name("GroupDescription", description)?;
        if name.to_ascii_lowercase().starts_with("sg-") {
            return Err(Error::invalid_value(
                "Group names may not be in the format sg-*.",
            ));
        }
        if name.eq_ignore_ascii_case("default") {
            return Err(Error::new(
                "InvalidGroup.Reserved",
                "The security group 'default' is reserved",
            ));
        }
        let vpc = match vpc_id {
            Some(id) => self.visible_vpc(c, id)?,
            None => self
                .default_vpc(c)
                .ok_or_else(|| Error::new("VPCIdNotSpecified", "No default VPC for this user"))?,
        };
        if !self.may_create_group_in(c, vpc) {
            return Err(Error::vpc_not_found(&vpc.id));
        }
        let vpc_id = vpc.id.clone();
        let scope_groups = self
            .scope(&c.account, &c.region)
            .map_or(0, |s| s.groups.len());
        if self.group_named(&c.account, &vpc_id, name).is_some() {
            return Err(Error::new(
                "InvalidGroup.Duplicate",
                format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
            ));
        }
        if scope_groups >= self.limits.groups_per_region {
            return Err(Error::new(
                "SecurityGroupLimitExceeded",
                "You have reached the maximum number of security groups allowed.",
            ));
        }
        let id = ids.id("sg");
        let mut egress = vec![allow_all(Peer::Cidr4(ANY_IPV4), true, ids.id("sgr"))];
        if self
            .vpcs
            .get(vpc_id.as_str())
            .is_some_and(|v| v.ipv6.is_some())
        {
            egress.push(allow_all(Peer::Cidr6(ANY_IPV6), true, ids.id("sgr")));
        }
        self.insert_group(SecurityGroup {
            id: id.as_str().into(),
            owner: c.account.as_str().into(),
            region: c.region.as_str().into(),
            vpc_id: vpc_id.into(),
            name: name.into(),
            description: description.into(),
            ingress: vec![],
            egress,
            tags: tags.to_vec(),
        });
        Ok(Outcome::Id(id))
    }

    pub(crate) fn delete_group(&mut self, c: &Caller, group: &GroupRef) -> Result<Outcome> {
        let g = self.owned_group_ref(c, group)?;
        let id = g.id.to_string();
        if g.is_default() {
            return Err(Error::new(
                "CannotDelete",
                format!(
                    "the specified group: \"{id}\" name: \"default\" cannot be deleted by a user"
                ),
            ));
        }
        if self.associated_vpcs(&id).next().is_some() {
            return Err(Error::dependency(format!(
                "resource {id} has a dependent object: it is associated with another VPC"
            )));
        }
        if self.interfaces.values().any(|e| e.groups.contains(&id)) {
            return Err(Error::dependency(format!(
                "resource {id} has a dependent object"
            )));
        }
        let referenced = self.groups.values().any(|other| {
            other.id != id
                && other.vpc_id == g.vpc_id
                && other
                    .rules()
                    .any(|r| r.peer.group_peer().is_some_and(|p| p.group_id == id))
        });
        if referenced {
            return Err(Error::dependency(format!(
                "resource {id} has a dependent object"
            )));
        }
        self.remove_group(&id);
        Ok(Outcome::Id(id))
    }

    /// Check a rule's peer against the group it goes in, filling in the owner of a referenced
    /// group. A referenced group must be usable in the same VPC, or live in a VPC peered with
    /// it (actively, in the same Region); then the rule records the peering.
    fn settle_peer(&self, c: &Caller, home: &SecurityGroup, spec: &RuleSpec) -> Result<RuleSpec> {
        let mut spec = spec.clone();
        if let Peer::Group(peer) = &mut spec.peer {
            let GroupPeer {
                group_id,
                user_id,
                vpc_peering_connection_id,
            } = &mut **peer;
            let target = self
                .groups
                .get(group_id.as_str())
                .filter(|t| t.region == c.region)
                .filter(|t| user_id.is_empty() || *user_id == t.owner)
                .ok_or_else(|| Error::group_not_found(group_id))?;
            let here = self.group_usable_in(target, &home.vpc_id)
                && (target.owner == c.account
                    || self.sees_vpc(c, &self.vpcs[target.vpc_id.as_str()]));
            let peering = self.active_peering(&home.vpc_id, &target.vpc_id);
            if !here && peering.is_none() {
                return Err(Error::group_not_found(group_id));
            }
            *user_id = target.owner.clone();
            *vpc_peering_connection_id = if here {
                None
            } else {
                peering.map(|p| p.id.as_str().into())
            };
        }
        if let Peer::PrefixList(id) = &spec.peer {
            self.visible_prefix_list(c, id)?;
        }
        Ok(spec)
    }

    fn check_rule_quota(&self, rules: &[Rule], adding: &[RuleSpec]) -> Result<()> {
        for v6 in [false, true] {
            let have = self.rule_weight(rules, v6);
            let add: usize = adding.iter().map(|s| self.peer_weight(&s.peer, v6)).sum();
            if have + add > self.limits.rules_per_group {
                return Err(Error::new(
                    "RulesPerSecurityGroupLimitExceeded",
                    "The maximum number of rules per security group has been reached.",
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn authorize(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        group: &GroupRef,
        egress: bool,
        specs: &[RuleSpec],
        tags: &[Tag],
    ) -> Result<Outcome> {
        let g = self.owned_group_ref(c, group)?;
        let existing = if egress { &g.egress } else { &g.ingress };
        let mut settled: Vec<RuleSpec> = Vec::with_capacity(specs.len());
        for spec in specs {
            let spec = self.settle_peer(c, g, spec)?;
            if existing.iter().any(|r| spec.matches(r))
                || settled.iter().any(|s| {
                    s.protocol == spec.protocol
                        && s.from_port == spec.from_port
                        && s.to_port == spec.to_port
                        && s.peer == spec.peer
                })
            {
                return Err(duplicate(&spec, egress));
            }
            settled.push(spec);
        }
        self.check_rule_quota(existing, &settled)?;
        let gid = g.id.clone();
        let new: Vec<Rule> = settled
            .into_iter()
            .map(|s| s.into_rule(ids.id("sgr"), egress, tags.to_vec()))
            .collect();
        for r in &new {
            self.rule_index.insert(r.id.clone(), gid.clone());
        }
        let g = self.groups.get_mut(&gid).expect("checked above");
        let list = if egress {
            &mut g.egress
        } else {
            &mut g.ingress
        };
        list.extend(new.iter().cloned());
        // Groups are many and their rule lists short: keep no spare capacity.
        list.shrink_to_fit();
        Ok(Outcome::Rules(new))
    }

    pub(crate) fn revoke(
        &mut self,
        c: &Caller,
        group: &GroupRef,
        egress: bool,
        revoke: &RuleRevoke,
    ) -> Result<Outcome> {
        let g = self.owned_group_ref(c, group)?;
        let rules = if egress { &g.egress } else { &g.ingress };
        let in_default_vpc = self
            .vpcs
            .get(g.vpc_id.as_str())
            .is_some_and(|v| v.is_default);
        let mut doomed: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        match revoke {
            RuleRevoke::Ids(rule_ids) => {
                for id in rule_ids {
                    if !rules.iter().any(|r| r.id == *id) {
                        return Err(Error::rule_not_found(id));
                    }
                    doomed.push(id.clone());
                }
            }
            RuleRevoke::Matching(specs) => {
                for spec in specs {
                    match rules.iter().find(|r| spec.matches(r)) {
                        Some(r) => doomed.push(r.id.to_string()),
                        None if in_default_vpc => unknown.push(spec.clone()),
                        None => {
                            return Err(Error::new(
                                "InvalidPermission.NotFound",
                                "The specified rule does not exist in this security group.",
                            ))
                        }
                    }
                }
            }
        }
        let gid = g.id.to_string();
        let g = self.groups.get_mut(gid.as_str()).expect("checked above");
        let list = if egress {
            &mut g.egress
        } else {
            &mut g.ingress
        };
        let (gone, kept): (Vec<Rule>, Vec<Rule>) = list
            .drain(..)
            .partition(|r| doomed.iter().any(|d| *d == r.id));
        *list = kept;
        for r in &gone {
            self.rule_index.remove(r.id.as_str());
        }
        Ok(Outcome::Revoked {
            group_id: gid,
            rules: gone,
            unknown,
        })
    }

    pub(crate) fn modify_rules(
        &mut self,
        c: &Caller,
        group_id: &str,
        changes: &[(String, RuleSpec)],
    ) -> Result<Outcome> {
        let g = self.owned_group(c, group_id)?;
        let mut settled = Vec::new();
        for (rule_id, spec) in changes {
            let Some(rule) = g.rules().find(|r| r.id == *rule_id) else {
                return Err(Error::rule_not_found(rule_id));
            };
            let spec = self.settle_peer(c, g, spec)?;
            let siblings = if rule.egress { &g.egress } else { &g.ingress };
            if siblings.iter().any(|r| r.id != *rule_id && spec.matches(r)) {
                return Err(duplicate(&spec, rule.egress));
            }
            settled.push((rule_id.clone(), spec));
        }
        let g = self.groups.get_mut(group_id).expect("checked above");
        for (rule_id, spec) in settled {
            for r in g.ingress.iter_mut().chain(g.egress.iter_mut()) {
                if r.id == rule_id {
                    r.protocol = spec.protocol.as_str().into();
                    r.from_port = spec.from_port;
                    r.to_port = spec.to_port;
                    r.peer = spec.peer.clone();
                    r.description = spec.description.clone();
                }
            }
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn update_rule_descriptions(
        &mut self,
        c: &Caller,
        group: &GroupRef,
        egress: bool,
        by_id: &[(String, Option<String>)],
        by_rule: &[RuleSpec],
    ) -> Result<Outcome> {
        let g = self.owned_group_ref(c, group)?;
        let rules = if egress { &g.egress } else { &g.ingress };
        let mut updates: Vec<(String, Option<String>)> = Vec::new();
        for (id, description) in by_id {
            if !rules.iter().any(|r| r.id == *id) {
                return Err(Error::rule_not_found(id));
            }
            updates.push((id.clone(), description.clone()));
        }
        for spec in by_rule {
            let r = rules.iter().find(|r| spec.matches(r)).ok_or_else(|| {
                Error::new(
                    "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.",
                )
            })?;
            updates.push((r.id.to_string(), spec.description.clone()));
        }
        let gid = g.id.clone();
        let g = self.groups.get_mut(&gid).expect("checked above");
        for (id, description) in updates {
            if let Some(r) = g
                .ingress
                .iter_mut()
                .chain(g.egress.iter_mut())
                .find(|r| r.id == id)
            {
                r.description = description;
            }
        }
        Ok(Outcome::Done)
    }

    pub fn describe_groups(
        &self,
        c: &Caller,
        ids: &[String],
        names: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&SecurityGroup>> {
        let known = group_filter_names();
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        filter::validate(filters, &known)?;
        let mut found: Vec<&SecurityGroup> = Vec::new();
        for id in ids {
            found.push(self.visible_group(c, id)?);
        }
        for name in names {
            found.push(self.resolve_group(c, &GroupRef::Name(name.clone()))?);
        }
        if ids.is_empty() && names.is_empty() {
            found = self.candidates(
                c,
                |s| &s.groups,
                &self.groups,
                filter::exact_ids(filters, "group-id"),
            );
        } else {
            found.sort_by(|a, b| a.id.cmp(&b.id));
            found.dedup_by(|a, b| a.id == b.id);
        }
        let found = found.into_iter().filter(|g| {
            self.sees_group(c, g)
                && filter::matches_with(&g.tags, filters, |name| self.group_values(g, name))
        });
        page.apply(found, |g| &g.id)
    }

    /// Filter values of a group; names of referenced groups need the other groups.
    fn group_values(&self, g: &SecurityGroup, name: &str) -> Option<Vec<String>> {
        let egress = match name {
            "ip-permission.group-name" => false,
            "egress.ip-permission.group-name" => true,
            _ => return g.filter_values(name),
        };
        Some(
            g.rule_values(egress, "group-id")
                .iter()
                .filter_map(|id| self.groups.get(id.as_str()))
                .map(|other| other.name.to_string())
                .collect(),
        )
    }

    /// Rules, each with its group, in (group, rule) order.
    pub fn describe_rules(
        &self,
        c: &Caller,
        rule_ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<(&SecurityGroup, &Rule)>> {
        filter::validate(filters, RULE_FILTERS)?;
        for f in filters.iter().filter(|f| f.name == "group-id") {
            if let Some(bad) = f.values.iter().find(|v| !v.starts_with("sg-")) {
                return Err(Error::malformed("InvalidGroupId.Malformed", bad, "sg"));
            }
        }
        let mut pairs: Vec<(&SecurityGroup, &Rule)> = Vec::new();
        if !rule_ids.is_empty() {
            for id in rule_ids {
                let g = self
                    .rule_index
                    .get(id.as_str())
                    .and_then(|gid| self.groups.get(gid))
                    .filter(|g| self.sees_group(c, g))
                    .ok_or_else(|| Error::rule_not_found(id))?;
                let r = g.rules().find(|r| r.id == *id).expect("indexed rule");
                pairs.push((g, r));
            }
        } else {
            let groups = self.candidates(
                c,
                |s| &s.groups,
                &self.groups,
                filter::exact_ids(filters, "group-id"),
            );
            for g in groups.into_iter().filter(|g| self.sees_group(c, g)) {
                pairs.extend(g.rules().map(|r| (g, r)));
            }
        }
        pairs.retain(|(g, r)| {
            filters.iter().all(|f| {
                let values: Vec<String> = if let Some(key) = f.name.strip_prefix("tag:") {
                    r.tags
                        .iter()
                        .filter(|t| t.key == key)
                        .map(|t| t.value.clone())
                        .collect()
                } else {
                    match f.name.as_str() {
                        "group-id" => vec![g.id.to_string()],
                        "security-group-rule-id" => vec![r.id.to_string()],
                        "tag-key" => r.tags.iter().map(|t| t.key.clone()).collect(),
                        "tag-value" => r.tags.iter().map(|t| t.value.clone()).collect(),
                        _ => vec![],
                    }
                };
                values
                    .iter()
                    .any(|v| f.values.iter().any(|p| filter::wildcard(p, v)))
            })
        });
        pairs.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        let (page_items, next) = page.apply(pairs.iter(), |(_, r)| &r.id)?;
        Ok((page_items.into_iter().copied().collect(), next))
    }
}
