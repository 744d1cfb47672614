//! Network ACLs: stateless, numbered allow/deny rules on a subnet's traffic, one ACL per
//! subnet. Each VPC has a default ACL (allow all, then deny all); custom ACLs start with only
//! the deny-all `*` rules. The `*` rules (32767 for IPv4, 32768 for IPv6) are AWS's and are
//! computed on read, never stored, like a route table's local routes.
//!
//! A default ACL whose rules were never changed keeps AWS's defaults as they follow the VPC
//! (an IPv6 block added later brings its allow rule); the first change writes them down.
//! A subnet never moved stays on its VPC's default ACL through an implicit association whose
//! id derives from the subnet's.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{NetworkAcl, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// AWS's default quotas: ACLs per VPC, and rules per ACL in each direction for each address
/// family, the `*` rule included.
pub const NETWORK_ACLS_PER_VPC: usize = 200;
pub const ACL_RULES_PER_DIRECTION: usize = 20;
pub const LAST_RULE_NUMBER: i32 = 32766;
const STAR_V4: i32 = 32767;
const STAR_V6: i32 = 32768;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// An IANA protocol number as text, or `-1` for all.
    pub protocol: String,
    pub allow: bool,
    pub cidr: IpNet,
    /// ICMP type and code (protocols 1 and 58), `-1` meaning all.
    pub icmp: Option<(i32, i32)>,
    /// TCP and UDP only.
    pub ports: Option<(i32, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclAssociation {
    pub id: String,
    pub subnet_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AclCommand {
    Create {
        vpc_id: String,
        tags: Vec<Tag>,
    },
    Delete {
        acl_id: String,
    },
    /// Create (`replace` false) or replace (true) the entry with this number and direction.
    PutEntry {
        acl_id: String,
        entry: AclEntry,
        replace: bool,
    },
    DeleteEntry {
        acl_id: String,
        rule_number: i32,
        egress: bool,
    },
    ReplaceAssociation {
        association_id: String,
        acl_id: String,
    },
}

pub const NETWORK_ACL_FILTERS: &[&str] = &[
    "association.association-id",
    "association.network-acl-id",
    "association.subnet-id",
    "default",
    "entry.cidr",
    "entry.icmp.code",
    "entry.icmp.type",
    "entry.ipv6-cidr",
    "entry.port-range.from",
    "entry.port-range.to",
    "entry.protocol",
    "entry.rule-action",
    "entry.egress",
    "entry.rule-number",
    "network-acl-id",
    "owner-id",
    "vpc-id",
];

/// An ACL as DescribeNetworkAcls shows it: its entries with AWS's own, its subnets with the
/// implicit ones.
pub struct AclView<'a> {
    pub acl: &'a NetworkAcl,
    pub is_default: bool,
    /// Egress first, then ingress, each by rule number (AWS's order).
    pub entries: Vec<AclEntry>,
    pub associations: Vec<AclAssociation>,
}

impl Filterable for AclView<'_> {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let each = |f: &dyn Fn(&AclEntry) -> Option<String>| -> Vec<String> {
            self.entries.iter().filter_map(f).collect()
        };
        Some(match name {
            "association.association-id" => {
                self.associations.iter().map(|a| a.id.clone()).collect()
            }
            "association.network-acl-id" => self
                .associations
                .iter()
                .map(|_| self.acl.id.clone())
                .collect(),
            "association.subnet-id" => self
                .associations
                .iter()
                .map(|a| a.subnet_id.clone())
                .collect(),
            "default" => vec![self.is_default.to_string()],
            "entry.cidr" => each(&|e| matches!(e.cidr, IpNet::V4(_)).then(|| e.cidr.to_string())),
            "entry.ipv6-cidr" => {
                each(&|e| matches!(e.cidr, IpNet::V6(_)).then(|| e.cidr.to_string()))
            }
            "entry.icmp.code" => each(&|e| e.icmp.map(|(_, code)| code.to_string())),
            "entry.icmp.type" => each(&|e| e.icmp.map(|(t, _)| t.to_string())),
            "entry.port-range.from" => each(&|e| e.ports.map(|(from, _)| from.to_string())),
            "entry.port-range.to" => each(&|e| e.ports.map(|(_, to)| to.to_string())),
            "entry.protocol" => each(&|e| Some(e.protocol.clone())),
            "entry.rule-action" => each(&|e| Some(action(e.allow).into())),
            "entry.egress" => each(&|e| Some(e.egress.to_string())),
            "entry.rule-number" => each(&|e| Some(e.rule_number.to_string())),
            "network-acl-id" => vec![self.acl.id.clone()],
            "owner-id" => vec![self.acl.owner.clone()],
            "vpc-id" => vec![self.acl.vpc_id.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.acl.tags
    }
}

impl AclEntry {
    /// An entry as a request gives it, checked and made canonical: the protocol as its
    /// number, ports kept only for TCP and UDP, ICMP type and code only for ICMP.
    pub fn new(
        rule_number: i32,
        egress: bool,
        protocol: &str,
        action: &str,
        cidr: IpNet,
        icmp: Option<(Option<i32>, Option<i32>)>,
        ports: Option<(Option<i32>, Option<i32>)>,
    ) -> Result<AclEntry> {
        let protocol = match protocol.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => "-1".to_string(),
            "tcp" => "6".into(),
            "udp" => "17".into(),
            "icmp" => "1".into(),
            "icmpv6" => "58".into(),
            n => match n.parse::<u8>() {
                Ok(n) => n.to_string(),
                Err(_) => {
                    return Err(Error::invalid_value(format!(
                        "Invalid value '{protocol}' for IP protocol. Unknown protocol."
                    )))
                }
            },
        };
        let allow = match action.trim().to_ascii_lowercase().as_str() {
            "allow" => true,
            "deny" => false,
            _ => {
                return Err(Error::invalid_value(format!(
                    "Value ({action}) for parameter ruleAction is invalid. Valid values are allow and deny."
                )))
            }
        };
        let ports = match protocol.as_str() {
            "6" | "17" => {
                let (Some(from), Some(to)) = ports.unwrap_or((None, None)) else {
                    return Err(Error::missing("PortRange"));
                };
                if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                    return Err(Error::invalid_value(format!(
                        "Invalid port range {from}-{to}: ports run from 0 to 65535, the first not above the last."
                    )));
                }
                Some((from, to))
            }
            _ => None,
        };
        let needs_icmp = protocol == "1" || (protocol == "58" && matches!(cidr, IpNet::V6(_)));
        let icmp = if needs_icmp {
            let (Some(t), Some(code)) = icmp.unwrap_or((None, None)) else {
                return Err(Error::missing("Icmp"));
            };
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&code) {
                return Err(Error::invalid_value(format!(
                    "Invalid ICMP type {t} or code {code}."
                )));
            }
            Some((t, code))
        } else {
            None
        };
        Ok(AclEntry {
            rule_number,
            egress,
            protocol,
            allow,
            cidr,
            icmp,
            ports,
        })
    }
}

pub fn action(allow: bool) -> &'static str {
    if allow {
        "allow"
    } else {
        "deny"
    }
}

fn no_acl(id: &str) -> Error {
    Error::new(
        "InvalidNetworkAclID.NotFound",
        format!("The networkAcl ID '{id}' does not exist"),
    )
}

fn no_entry(acl_id: &str, rule_number: i32, egress: bool) -> Error {
    Error::new(
        "InvalidNetworkAclEntry.NotFound",
        format!(
            "The network acl entry identified by {rule_number} ({}) does not exist in {acl_id}",
            if egress { "egress" } else { "ingress" }
        ),
    )
}

fn allow_all(rule_number: i32, egress: bool, cidr: IpNet) -> AclEntry {
    AclEntry {
        rule_number,
        egress,
        protocol: "-1".into(),
        allow: true,
        cidr,
        icmp: None,
        ports: None,
    }
}

fn any_v4() -> IpNet {
    "0.0.0.0/0".parse().expect("constant CIDR")
}

fn any_v6() -> IpNet {
    "::/0".parse().expect("constant CIDR")
}

/// The implicit association of a subnet never moved off its VPC's default ACL.
fn implicit_association(subnet_id: &str) -> String {
    format!(
        "aclassoc-{}",
        subnet_id.strip_prefix("subnet-").unwrap_or(subnet_id)
    )
}

impl Cloud {
    fn acl_is_default(&self, a: &NetworkAcl) -> bool {
        self.vpcs
            .get(&a.vpc_id)
            .is_some_and(|v| v.default_acl_id == a.id)
    }

    fn vpc_has_ipv6(&self, vpc_id: &str) -> bool {
        self.vpcs.get(vpc_id).is_some_and(|v| v.ipv6.is_some())
    }

    /// The ACL's own entries: stored, or AWS's defaults while a default ACL is unchanged.
    fn acl_entries(&self, a: &NetworkAcl) -> Vec<AclEntry> {
        if let Some(entries) = &a.entries {
            return entries.clone();
        }
        if !self.acl_is_default(a) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for egress in [true, false] {
            out.push(allow_all(100, egress, any_v4()));
            if self.vpc_has_ipv6(&a.vpc_id) {
                out.push(allow_all(101, egress, any_v6()));
            }
        }
        out
    }

    /// An ACL's subnets: its explicit associations, and for a default ACL the VPC's subnets
    /// that have none.
    fn acl_associations(&self, a: &NetworkAcl) -> Vec<AclAssociation> {
        let mut out = a.associations.clone();
        if self.acl_is_default(a) {
            // The VPC's subnets moved onto some ACL, gathered once.
            let moved: std::collections::HashSet<&str> = self
                .network_acls
                .values()
                .filter(|x| x.vpc_id == a.vpc_id)
                .flat_map(|x| x.associations.iter().map(|s| s.subnet_id.as_str()))
                .collect();
            let explicit = |subnet: &str| moved.contains(subnet);
            let subnets = self
                .scope(&a.owner, &a.region)
                .map(|s| &s.subnets)
                .into_iter()
                .flatten()
                .filter_map(|id| self.subnets.get(id.as_str()))
                .filter(|s| s.vpc_id == a.vpc_id && !explicit(&s.id));
            out.extend(subnets.map(|s| AclAssociation {
                id: implicit_association(&s.id),
                subnet_id: s.id.clone(),
            }));
        }
        out.sort_by(|x, y| x.subnet_id.cmp(&y.subnet_id));
        out
    }

    pub fn acl_view<'a>(&self, a: &'a NetworkAcl) -> AclView<'a> {
        AclView {
            acl: a,
            is_default: self.acl_is_default(a),
            entries: self.acl_rules(a),
            associations: self.acl_associations(a),
        }
    }

    /// Every rule of an ACL, its `*` rules included, in AWS's order (egress first, then
    /// ingress, each by rule number).
    pub fn acl_rules(&self, a: &NetworkAcl) -> Vec<AclEntry> {
        let mut entries = self.acl_entries(a);
        for egress in [true, false] {
            entries.push(AclEntry {
                allow: false,
                ..allow_all(STAR_V4, egress, any_v4())
            });
            if self.vpc_has_ipv6(&a.vpc_id) {
                entries.push(AclEntry {
                    allow: false,
                    ..allow_all(STAR_V6, egress, any_v6())
                });
            }
        }
        entries.sort_by_key(|e| (!e.egress, e.rule_number));
        entries
    }

    /// The ACL a subnet is on, with its association id.
    pub fn acl_of_subnet(&self, subnet_id: &str) -> Option<(&NetworkAcl, String)> {
        let subnet = self.subnets.get(subnet_id)?;
        let explicit = self.network_acls.values().find_map(|a| {
            a.associations
                .iter()
                .find(|s| s.subnet_id == subnet_id)
                .map(|s| (a, s.id.clone()))
        });
        explicit.or_else(|| {
            let vpc = self.vpcs.get(&subnet.vpc_id)?;
            let acl = self.network_acls.get(&vpc.default_acl_id)?;
            Some((acl, implicit_association(subnet_id)))
        })
    }

    fn owned_acl(&self, c: &Caller, id: &str) -> Result<&NetworkAcl> {
        let a = self
            .network_acls
            .get(id)
            .filter(|a| self.sees_network_acl(c, a))
            .ok_or_else(|| no_acl(id))?;
        if a.owner != c.account {
            return Err(Error::unauthorized());
        }
        Ok(a)
    }

    /// A subnet leaves its explicit ACL association when it is deleted.
    pub(crate) fn forget_subnet_acl(&mut self, subnet_id: &str) {
        for a in self.network_acls.values_mut() {
            a.associations.retain(|s| s.subnet_id != subnet_id);
        }
    }

    /// Whether the VPC has ACLs besides its default one (it then cannot be deleted).
    pub(crate) fn vpc_has_custom_acls(&self, vpc_id: &str, default_acl: &str) -> bool {
        self.network_acls
            .values()
            .any(|a| a.vpc_id == vpc_id && a.id != default_acl)
    }

    fn check_entry(&self, acl: &NetworkAcl, entry: &AclEntry, replace: bool) -> Result<()> {
        if !(1..=LAST_RULE_NUMBER).contains(&entry.rule_number) {
            return Err(Error::invalid_value(format!(
                "Value ({}) for parameter ruleNumber is invalid. Rule numbers must be between 1 and {LAST_RULE_NUMBER}.",
                entry.rule_number
            )));
        }
        let entries = self.acl_entries(acl);
        let existing = entries
            .iter()
            .any(|e| e.rule_number == entry.rule_number && e.egress == entry.egress);
        match (existing, replace) {
            (true, false) => {
                return Err(Error::new(
                    "NetworkAclEntryAlreadyExists",
                    format!(
                        "The network acl entry identified by {} already exists.",
                        entry.rule_number
                    ),
                ))
            }
            (false, true) => return Err(no_entry(&acl.id, entry.rule_number, entry.egress)),
            _ => {}
        }
        let family = |e: &AclEntry| matches!(e.cidr, IpNet::V4(_));
        let same_kind = entries
            .iter()
            .filter(|e| e.egress == entry.egress && family(e) == family(entry))
            .filter(|e| !(replace && e.rule_number == entry.rule_number))
            .count();
        // The `*` rule counts against the quota.
        if same_kind + 1 + 1 > ACL_RULES_PER_DIRECTION {
            return Err(Error::new(
                "NetworkAclEntryLimitExceeded",
                format!(
                    "The maximum number of network acl entries in {} has been reached.",
                    acl.id
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn acl_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &AclCommand,
    ) -> Result<Outcome> {
        match command {
            AclCommand::Create { vpc_id, tags } => {
                validate_tags(tags)?;
                let vpc = self.owned_vpc(c, vpc_id)?.id.clone();
                let held = self
                    .network_acls
                    .values()
                    .filter(|a| a.vpc_id == vpc)
                    .count();
                if held >= NETWORK_ACLS_PER_VPC {
                    return Err(Error::new(
                        "NetworkAclLimitExceeded",
                        format!("The maximum number of network ACLs for {vpc} has been reached."),
                    ));
                }
                let id = ids.id("acl");
                self.network_acls.insert(
                    id.clone(),
                    NetworkAcl {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        vpc_id: vpc,
                        tags: tags.clone(),
                        entries: Some(Vec::new()),
                        associations: Vec::new(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            AclCommand::Delete { acl_id } => {
                let a = self.owned_acl(c, acl_id)?;
                if self.acl_is_default(a) {
                    return Err(Error::invalid_value(format!(
                        "cannot delete default network ACL {acl_id}"
                    )));
                }
                if !a.associations.is_empty() {
                    return Err(Error::dependency(format!(
                        "The networkAcl '{acl_id}' has dependencies and cannot be deleted."
                    )));
                }
                self.network_acls.remove(acl_id);
                Ok(Outcome::Done)
            }
            AclCommand::PutEntry {
                acl_id,
                entry,
                replace,
            } => {
                let a = self.owned_acl(c, acl_id)?;
                self.check_entry(a, entry, *replace)?;
                let mut entries = self.acl_entries(a);
                entries
                    .retain(|e| !(e.rule_number == entry.rule_number && e.egress == entry.egress));
                entries.push(entry.clone());
                entries.sort_by_key(|e| (!e.egress, e.rule_number));
                self.network_acls.get_mut(acl_id).expect("seen").entries = Some(entries);
                Ok(Outcome::Done)
            }
            AclCommand::DeleteEntry {
                acl_id,
                rule_number,
                egress,
            } => {
                let a = self.owned_acl(c, acl_id)?;
                if *rule_number > LAST_RULE_NUMBER {
                    return Err(Error::invalid_value(format!(
                        "The network acl entry identified by {rule_number} is a default entry and cannot be deleted."
                    )));
                }
                let mut entries = self.acl_entries(a);
                let before = entries.len();
                entries.retain(|e| !(e.rule_number == *rule_number && e.egress == *egress));
                if entries.len() == before {
                    return Err(no_entry(acl_id, *rule_number, *egress));
                }
                self.network_acls.get_mut(acl_id).expect("seen").entries = Some(entries);
                Ok(Outcome::Done)
            }
            AclCommand::ReplaceAssociation {
                association_id,
                acl_id,
            } => {
                let to = self.owned_acl(c, acl_id)?;
                let subnet_id = self
                    .network_acls
                    .values()
                    .filter(|a| a.vpc_id == to.vpc_id)
                    .find_map(|a| {
                        self.acl_associations(a)
                            .into_iter()
                            .find(|s| s.id == *association_id)
                    })
                    .map(|s| s.subnet_id)
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidAssociationID.NotFound",
                            format!("The association ID '{association_id}' does not exist"),
                        )
                    })?;
                let new_id = ids.id("aclassoc");
                self.forget_subnet_acl(&subnet_id);
                self.network_acls
                    .get_mut(acl_id)
                    .expect("seen")
                    .associations
                    .push(AclAssociation {
                        id: new_id.clone(),
                        subnet_id,
                    });
                Ok(Outcome::Id(new_id))
            }
        }
    }

    pub fn describe_network_acls(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<AclView<'_>>> {
        filter::validate(filters, NETWORK_ACL_FILTERS)?;
        for id in ids {
            self.network_acls
                .get(id)
                .filter(|a| self.sees_network_acl(c, a))
                .ok_or_else(|| no_acl(id))?;
        }
        // Exact ids narrow the candidates before any view is built.
        let vpc_filter = filter::exact_ids(filters, "vpc-id");
        let named = filter::exact_ids(filters, "network-acl-id")
            .or_else(|| (!ids.is_empty()).then(|| ids.iter().map(String::as_str).collect()));
        let candidates: Vec<&NetworkAcl> = match named {
            Some(mut names) => {
                names.sort_unstable();
                names.dedup();
                names
                    .into_iter()
                    .filter_map(|id| self.network_acls.get(id))
                    .collect()
            }
            None => self.network_acls.values().collect(),
        };
        let mut found: Vec<AclView<'_>> = candidates
            .into_iter()
            .filter(|a| ids.is_empty() || ids.contains(&a.id))
            .filter(|a| {
                vpc_filter
                    .as_ref()
                    .is_none_or(|v| v.contains(&a.vpc_id.as_str()))
            })
            .filter(|a| self.sees_network_acl(c, a))
            .map(|a| self.acl_view(a))
            .filter(|v| filter::matches(v, filters))
            .collect();
        found.sort_by(|a, b| a.acl.id.cmp(&b.acl.id));
        page.apply_owned(found, |v| &v.acl.id)
    }
}
