//! Customer-managed prefix lists: named, versioned sets of CIDRs that security-group rules
//! reference as one peer, and that RAM can share (even outside an organization).
//!
//! Every change of entries makes a new version and the old ones stay readable, as
//! GetManagedPrefixListEntries with a TargetVersion expects. Renaming or resizing does not.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::model::*;
use crate::routes::Destination;
use crate::{Caller, Cloud, Ids, Outcome, Page, Paged};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// AWS's limits: entries per request, and the largest list.
const ENTRIES_PER_REQUEST: usize = 100;
const MAX_ENTRIES: i32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixListEntry {
    pub cidr: IpNet,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub name: String,
    pub ipv6: bool,
    pub max_entries: i32,
    /// Entries of every version, oldest first: version `n` is `versions[n - 1]`.
    pub versions: Vec<Vec<PrefixListEntry>>,
    /// Whether the list has been modified since it was created (its state says so).
    pub modified: bool,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

impl PrefixList {
    pub fn version(&self) -> i64 {
        self.versions.len() as i64
    }

    pub fn entries(&self) -> &[PrefixListEntry] {
        self.versions.last().map_or(&[], Vec::as_slice)
    }

    pub fn address_family(&self) -> &'static str {
        if self.ipv6 {
            "IPv6"
        } else {
            "IPv4"
        }
    }

    pub fn state(&self) -> &'static str {
        if self.modified {
            "modify-complete"
        } else {
            "create-complete"
        }
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:prefix-list/{}",
            self.region, self.owner, self.id
        )
    }
}

/// What a CreateManagedPrefixList asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPrefixList {
    pub name: String,
    pub ipv6: bool,
    pub max_entries: i32,
    pub entries: Vec<PrefixListEntry>,
    pub tags: Vec<Tag>,
    pub client_token: Option<String>,
}

/// What a ModifyManagedPrefixList asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrefixListChange {
    pub current_version: Option<i64>,
    pub name: Option<String>,
    pub add: Vec<PrefixListEntry>,
    pub remove: Vec<IpNet>,
    pub max_entries: Option<i32>,
}

/// The owner AWS-managed lists show.
pub const AWS_OWNER: &str = "AWS";

/// The lists AWS publishes in every Region for its gateway-endpoint services, with their real
/// ids and (for us-east-1, the only Region whose ranges are built in) their address ranges.
fn aws_managed_lists(region: &str) -> Vec<PrefixList> {
    let known: &[(&str, &str, &[&str])] = match region {
        "us-east-1" => &[
            (
                "s3",
                "pl-63a5400a",
                &[
                    "3.5.0.0/19",
                    "16.182.0.0/16",
                    "52.216.0.0/15",
                    "54.231.0.0/16",
                ],
            ),
            (
                "dynamodb",
                "pl-02cd2c6b",
                &["3.218.180.0/22", "52.94.0.0/22"],
            ),
        ],
        _ => &[("s3", "", &[]), ("dynamodb", "", &[])],
    };
    known
        .iter()
        .map(|(service, id, cidrs)| {
            let id = if id.is_empty() {
                // Stable per Region and service, in AWS's short form.
                let digest = Sha256::digest(format!("{region}/{service}"));
                format!("pl-{}", &hex::encode(digest)[..8])
            } else {
                id.to_string()
            };
            let entries: Vec<PrefixListEntry> = cidrs
                .iter()
                .map(|c| PrefixListEntry {
                    cidr: c.parse().expect("constant CIDR"),
                    description: None,
                })
                .collect();
            PrefixList {
                id,
                owner: AWS_OWNER.into(),
                region: region.into(),
                name: format!("com.amazonaws.{region}.{service}"),
                ipv6: false,
                max_entries: entries.len().max(1) as i32,
                versions: vec![entries],
                modified: false,
                client_token: None,
                tags: vec![],
            }
        })
        .collect()
}

pub const PREFIX_LIST_FILTERS: &[&str] = &["owner-id", "prefix-list-id", "prefix-list-name"];

pub fn prefix_list_not_found(id: &str) -> Error {
    Error::new(
        "InvalidPrefixListID.NotFound",
        format!("The prefix list ID '{id}' does not exist"),
    )
}

/// An entry's CIDR, truncated to its network like every other CIDR here. Whether it is of
/// the list's family is the list's business.
pub fn prefix_entry_cidr(raw: &str) -> Result<IpNet> {
    raw.trim()
        .parse::<IpNet>()
        .map(|n| n.trunc())
        .map_err(|_| Error::invalid_value(format!("The CIDR '{raw}' is invalid.")))
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 255 {
        return Err(Error::invalid_value(
            "The prefix list name must be between 1 and 255 characters.",
        ));
    }
    if name.to_ascii_lowercase().starts_with("com.amazonaws") {
        return Err(Error::invalid_value(
            "The prefix list name cannot start with 'com.amazonaws'.",
        ));
    }
    Ok(())
}

fn check_max_entries(max: i32) -> Result<()> {
    if !(1..=MAX_ENTRIES).contains(&max) {
        return Err(Error::invalid_value(format!(
            "The maximum number of entries ({max}) must be between 1 and {MAX_ENTRIES}."
        )));
    }
    Ok(())
}

fn check_request_size(n: usize) -> Result<()> {
    if n > ENTRIES_PER_REQUEST {
        return Err(Error::invalid_value(format!(
            "The number of entries per request cannot exceeds limit ({ENTRIES_PER_REQUEST})."
        )));
    }
    Ok(())
}

fn too_many(max: i32) -> Error {
    Error::invalid_value(format!(
        "The prefix list would exceed its maximum number of entries ({max})."
    ))
}

/// The entries with each added CIDR set (a CIDR given twice in one request is an error).
fn with_added(
    mut entries: Vec<PrefixListEntry>,
    add: &[PrefixListEntry],
) -> Result<Vec<PrefixListEntry>> {
    for (i, e) in add.iter().enumerate() {
        if add[..i].iter().any(|x| x.cidr == e.cidr) {
            return Err(Error::invalid_value(format!(
                "The CIDR '{}' is specified more than once in the request.",
                e.cidr
            )));
        }
        match entries.iter_mut().find(|x| x.cidr == e.cidr) {
            Some(x) => x.description = e.description.clone(),
            None => entries.push(e.clone()),
        }
    }
    entries.sort_by_key(|a| a.cidr);
    Ok(entries)
}

impl Filterable for PrefixList {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(vec![match name {
            "owner-id" => self.owner.clone(),
            "prefix-list-id" => self.id.clone(),
            "prefix-list-name" => self.name.clone(),
            _ => return None,
        }])
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

impl Cloud {
    /// Make AWS's own lists of a Region exist, the first time any account uses it.
    pub(crate) fn publish_aws_prefix_lists(&mut self, region: &str) {
        for pl in aws_managed_lists(region) {
            self.scope_mut(AWS_OWNER, region)
                .prefix_lists
                .insert(pl.id.as_str().into());
            self.prefix_lists.entry(pl.id.clone()).or_insert(pl);
        }
    }

    pub(crate) fn create_prefix_list(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        new: &NewPrefixList,
    ) -> Result<Outcome> {
        let NewPrefixList {
            name,
            ipv6,
            max_entries,
            entries,
            tags,
            client_token,
        } = new;
        let (ipv6, max_entries) = (*ipv6, *max_entries);
        if let Some(token) = client_token {
            let earlier = self
                .scope(&c.account, &c.region)
                .into_iter()
                .flat_map(|s| &s.prefix_lists)
                .filter_map(|id| self.prefix_lists.get(id.as_str()))
                .find(|p| p.client_token.as_ref() == Some(token));
            if let Some(p) = earlier {
                if p.name != *name || p.ipv6 != ipv6 || p.max_entries != max_entries {
                    return Err(Error::new(
                        "IdempotentParameterMismatch",
                        format!("The client token {token} was used for a different request."),
                    ));
                }
                return Ok(Outcome::Id(p.id.clone()));
            }
        }
        check_name(name)?;
        check_max_entries(max_entries)?;
        check_request_size(entries.len())?;
        if entries
            .iter()
            .any(|e| matches!(e.cidr, IpNet::V6(_)) != ipv6)
        {
            return Err(Error::invalid_value(
                "The CIDRs do not match the address family of the prefix list.",
            ));
        }
        let entries = with_added(vec![], entries)?;
        if entries.len() > max_entries as usize {
            return Err(too_many(max_entries));
        }
        let id = ids.id("pl");
        self.scope_mut(&c.account, &c.region)
            .prefix_lists
            .insert(id.as_str().into());
        self.prefix_lists.insert(
            id.clone(),
            PrefixList {
                id: id.clone(),
                owner: c.account.clone(),
                region: c.region.clone(),
                name: name.to_string(),
                ipv6,
                max_entries,
                versions: vec![entries],
                modified: false,
                client_token: client_token.clone(),
                tags: tags.to_vec(),
            },
        );
        Ok(Outcome::Id(id))
    }

    pub(crate) fn modify_prefix_list(
        &mut self,
        c: &Caller,
        id: &str,
        change: &PrefixListChange,
    ) -> Result<Outcome> {
        let pl = self.owned_prefix_list(c, id)?;
        if let Some(v) = change.current_version {
            if v != pl.version() {
                return Err(Error::new(
                    "PrefixListVersionMismatch",
                    "The prefix list has the incorrect version number.",
                ));
            }
        }
        let changes_entries = !change.add.is_empty() || !change.remove.is_empty();
        if changes_entries && change.max_entries.is_some() {
            return Err(Error::new(
                "InvalidParameterCombination",
                "You cannot modify the entries and the maximum entries for the prefix list in the same request.",
            ));
        }
        if let Some(name) = &change.name {
            check_name(name)?;
        }
        check_request_size(change.add.len() + change.remove.len())?;
        if change
            .add
            .iter()
            .map(|e| &e.cidr)
            .chain(&change.remove)
            .any(|n| matches!(n, IpNet::V6(_)) != pl.ipv6)
        {
            return Err(Error::invalid_value(
                "The CIDRs do not match the address family of the prefix list.",
            ));
        }
        // Removals first, so one request can replace an entry's description.
        let mut entries = pl.entries().to_vec();
        for cidr in &change.remove {
            let before = entries.len();
            entries.retain(|e| e.cidr != *cidr);
            if entries.len() == before {
                return Err(Error::invalid_value(format!(
                    "The CIDR '{cidr}' is not an entry of prefix list {id}."
                )));
            }
        }
        let entries = with_added(entries, &change.add)?;
        let max = change.max_entries.unwrap_or(pl.max_entries);
        check_max_entries(max)?;
        if entries.len() > max as usize {
            return Err(too_many(max));
        }
        if change.max_entries.is_some_and(|m| m > pl.max_entries) {
            self.check_prefix_list_growth(pl, max)?;
        }
        let pl = self.prefix_lists.get_mut(id).expect("checked above");
        if let Some(name) = &change.name {
            pl.name = name.clone();
        }
        pl.max_entries = max;
        if changes_entries {
            pl.versions.push(entries);
        }
        pl.modified = true;
        Ok(Outcome::Id(id.to_string()))
    }

    /// A referenced list counts its maximum size against each referencing group's rule quota,
    /// so growing it must keep every such group within the quota.
    fn check_prefix_list_growth(&self, pl: &PrefixList, max: i32) -> Result<()> {
        for g in self.groups.values() {
            for egress in [false, true] {
                let rules = if egress { &g.egress } else { &g.ingress };
                let uses = rules
                    .iter()
                    .filter(|r| matches!(&r.peer, Peer::PrefixList(p) if *p == pl.id))
                    .count();
                if uses == 0 {
                    continue;
                }
                let weight = self.rule_weight(rules, pl.ipv6)
                    + uses * (max as usize - pl.max_entries as usize);
                if weight > self.limits.rules_per_group {
                    return Err(Error::new(
                        "RulesPerSecurityGroupLimitExceeded",
                        format!(
                            "Resizing prefix list {} would exceed the rules quota of security group {}.",
                            pl.id, g.id
                        ),
                    ));
                }
            }
        }
        // A route table counts the list's maximum size against its route quota the same way.
        let grown = (max as usize).saturating_sub(pl.max_entries as usize);
        for t in self.route_tables.values() {
            let uses = t
                .routes
                .iter()
                .filter(|r| matches!(&r.destination, Destination::PrefixList(p) if *p == pl.id))
                .count();
            let (v4, v6) = self.route_weight(&t.routes);
            let used = if pl.ipv6 { v6 } else { v4 };
            if uses > 0 && used + uses * grown > crate::routes::ROUTES_PER_TABLE {
                return Err(Error::new(
                    "RouteLimitExceeded",
                    format!(
                        "Resizing prefix list {} would exceed the route quota of route table {}.",
                        pl.id, t.id
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn delete_prefix_list(&mut self, c: &Caller, id: &str) -> Result<Outcome> {
        let pl = self.owned_prefix_list(c, id)?;
        let referenced = self.groups.values().any(|g| {
            g.rules()
                .any(|r| matches!(&r.peer, Peer::PrefixList(p) if p == id))
        });
        if referenced {
            return Err(Error::dependency(format!(
                "The prefix list {id} is referenced by security group rules."
            )));
        }
        if let Some(t) = self
            .route_tables
            .values()
            .find(|t| t.routes_to_prefix_list(id))
        {
            return Err(Error::dependency(format!(
                "The prefix list {id} is referenced by route table {}.",
                t.id
            )));
        }
        let (owner, region) = (pl.owner.clone(), pl.region.clone());
        self.prefix_lists.remove(id);
        self.scope_mut(&owner, &region).prefix_lists.remove(id);
        Ok(Outcome::Id(id.to_string()))
    }

    pub fn visible_prefix_list(&self, c: &Caller, id: &str) -> Result<&PrefixList> {
        if !id.starts_with("pl-") {
            return Err(Error::malformed("InvalidPrefixListId.Malformed", id, "pl"));
        }
        self.prefix_lists
            .get(id)
            .filter(|p| self.sees_prefix_list(c, p))
            .ok_or_else(|| prefix_list_not_found(id))
    }

    fn owned_prefix_list(&self, c: &Caller, id: &str) -> Result<&PrefixList> {
        let p = self.visible_prefix_list(c, id)?;
        if self.may_modify(c, &p.owner, &p.region) {
            Ok(p)
        } else {
            Err(Error::unauthorized())
        }
    }

    pub fn describe_prefix_lists(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&PrefixList>> {
        filter::validate(filters, PREFIX_LIST_FILTERS)?;
        let mut found: Vec<&PrefixList> = if ids.is_empty() {
            let mut v = self.candidates(
                c,
                |s| &s.prefix_lists,
                &self.prefix_lists,
                filter::exact_ids(filters, "prefix-list-id"),
            );
            v.extend(
                self.scope(AWS_OWNER, &c.region)
                    .into_iter()
                    .flat_map(|s| &s.prefix_lists)
                    .filter_map(|id| self.prefix_lists.get(id.as_str())),
            );
            v
        } else {
            ids.iter()
                .map(|id| self.visible_prefix_list(c, id))
                .collect::<Result<_>>()?
        };
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found.dedup_by(|a, b| a.id == b.id);
        let found = found
            .into_iter()
            .filter(|p| self.sees_prefix_list(c, p) && filter::matches(*p, filters));
        page.apply(found, |p| &p.id)
    }

    /// The entries of one version (the current one by default), in CIDR order.
    pub fn prefix_list_entries(
        &self,
        c: &Caller,
        id: &str,
        version: Option<i64>,
        page: &Page,
    ) -> Result<(Vec<&PrefixListEntry>, Option<String>)> {
        let pl = self.visible_prefix_list(c, id)?;
        let v = version.unwrap_or(pl.version());
        if v < 1 || v > pl.version() {
            return Err(Error::invalid_value(format!(
                "The target version {v} of prefix list {id} does not exist."
            )));
        }
        let entries = &pl.versions[v as usize - 1];
        // Paging needs the order of the token, the CIDR's text.
        let mut keyed: Vec<(String, &PrefixListEntry)> =
            entries.iter().map(|e| (e.cidr.to_string(), e)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let (items, next) = page.apply(keyed.iter(), |(k, _)| k)?;
        Ok((items.into_iter().map(|(_, e)| *e).collect(), next))
    }

    /// How many rules a rule list counts for against the quota of one IP family: one per
    /// rule, and a prefix list as many as its maximum size.
    pub(crate) fn rule_weight(&self, rules: &[Rule], ipv6: bool) -> usize {
        rules.iter().map(|r| self.peer_weight(&r.peer, ipv6)).sum()
    }

    pub(crate) fn peer_weight(&self, peer: &Peer, ipv6: bool) -> usize {
        match peer {
            Peer::Cidr6(_) => usize::from(ipv6),
            Peer::PrefixList(id) => match self.prefix_lists.get(id.as_str()) {
                Some(pl) if pl.ipv6 == ipv6 => pl.max_entries as usize,
                Some(_) => 0,
                None => usize::from(!ipv6),
            },
            _ => usize::from(!ipv6),
        }
    }
}
