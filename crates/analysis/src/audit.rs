//! Audit: a rule set run over every account's state — network exposure, sharing hygiene, IAM
//! grants that reach shared resources, and the organization's naming and tagging conventions.
//! Each finding names its rule, severity, account, resource ARN, the evidence (the rule,
//! share or statement) and what to do about it.

use cloud::model::{Peer, Rule as GroupRule, SecurityGroup};
use cloud::{Cloud, Millis};
use policy::{Document, Effect, Patterns};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(text))
    }
}

/// One rule of the set.
#[derive(Debug)]
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub remediation: &'static str,
}

pub const CHECKS: &[Check] = &[
    Check { id: "NET-001", severity: Severity::High, title: "Ingress from anywhere to every port",
        remediation: "Replace the 0.0.0.0/0 or ::/0 rule with the CIDRs, prefix lists or groups that need access, on the ports they need." },
    Check { id: "NET-002", severity: Severity::High, title: "Ingress from anywhere to a sensitive port",
        remediation: "Reach administration and database ports through a bastion, Session Manager or a VPN; allow only known sources." },
    Check { id: "NET-003", severity: Severity::Medium, title: "Default security group has rules",
        remediation: "Remove every rule of the VPC's default group and attach purpose-built groups instead." },
    Check { id: "NET-004", severity: Severity::Low, title: "Security group is unused",
        remediation: "Delete groups no interface uses, or record why they are kept." },
    Check { id: "NET-005", severity: Severity::Medium, title: "Rule refers to a group that no longer exists or is unreachable",
        remediation: "Remove stale references (deleted groups, peerings no longer active) with RevokeSecurityGroupIngress/Egress." },
    Check { id: "NET-006", severity: Severity::Low, title: "Security group is near its rule quota",
        remediation: "Consolidate rules with prefix lists or group references before the quota blocks a change." },
    Check { id: "RAM-001", severity: Severity::Medium, title: "Resource share allows external principals",
        remediation: "Set allowExternalPrincipals to false unless sharing outside the organization is intended." },
    Check { id: "RAM-002", severity: Severity::High, title: "Resource shared outside the organization",
        remediation: "Disassociate principals outside the organization, or move them into it." },
    Check { id: "RAM-003", severity: Severity::High, title: "Resource shared with an account outside the trusted list",
        remediation: "Share only with the accounts the platform team trusts (trusted_accounts in the audit settings)." },
    Check { id: "RAM-004", severity: Severity::Low, title: "Resource share has no principals or no resources",
        remediation: "Delete shares that share nothing, or add what they were meant to share." },
    Check { id: "RAM-005", severity: Severity::Low, title: "Resource share invitation pending too long",
        remediation: "Have the receiving account accept or reject it, or disassociate the principal." },
    Check { id: "RAM-006", severity: Severity::Low, title: "Shared security group nobody uses",
        remediation: "Stop sharing groups the participants do not attach, so fewer accounts depend on them." },
    Check { id: "RAM-007", severity: Severity::Info, title: "Shared security group in use by other accounts",
        remediation: "Inventory: changing this group changes these accounts' traffic; review with them." },
    Check { id: "RAM-008", severity: Severity::Low, title: "Participant's group in a shared VPC the VPC owner cannot change",
        remediation: "Review participants' groups with them: the owner of the VPC cannot modify or delete them." },
    Check { id: "IAM-001", severity: Severity::High, title: "Policy grants ec2:*, ram:* or * on every resource",
        remediation: "Grant the actions the principal needs, on the resources it needs." },
    Check { id: "IAM-002", severity: Severity::Medium, title: "Principal may change or re-share shared security groups",
        remediation: "Limit security-group changes and RAM associations to the network team's roles." },
    Check { id: "IAM-003", severity: Severity::High, title: "Role trusted by an account outside the organization",
        remediation: "Trust only accounts of the organization, or add an ExternalId condition for third parties." },
    Check { id: "CONV-001", severity: Severity::Low, title: "Name does not follow the naming convention",
        remediation: "Rename the resource (or its Name tag) to match the convention." },
    Check { id: "CONV-002", severity: Severity::Low, title: "Required tag missing",
        remediation: "Add the tags the convention requires." },
];

fn check(id: &str) -> &'static Check {
    CHECKS.iter().find(|c| c.id == id).expect("a known check")
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static Check,
    pub account: String,
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    pub evidence: String,
}

/// A naming and tagging convention for one resource type (`security-group`, `vpc`, `subnet`,
/// `resource-share`): a name pattern (`*` and `?` wildcards) and the tags it must carry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convention {
    pub resource: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// What the audit is told beyond the state: from a TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Accounts shares may reach; empty means any account of the organization.
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
    #[serde(default = "default_pending_days")]
    pub pending_invitation_days: u64,
    #[serde(default, rename = "convention")]
    pub conventions: Vec<Convention>,
    /// Set by the caller: the audit's clock.
    #[serde(skip)]
    pub now: Millis,
}

fn default_pending_days() -> u64 {
    7
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            trusted_accounts: Vec::new(),
            pending_invitation_days: default_pending_days(),
            conventions: Vec::new(),
            now: 0,
        }
    }
}

impl Settings {
    pub fn from_toml(text: &str) -> Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.to_string())?;
        const KINDS: &[&str] = &["security-group", "vpc", "subnet", "resource-share"];
        if let Some(c) = s
            .conventions
            .iter()
            .find(|c| !KINDS.contains(&c.resource.as_str()))
        {
            return Err(format!(
                "convention for {:?}: resource must be one of {}",
                c.resource,
                KINDS.join(", ")
            ));
        }
        Ok(s)
    }
}

/// Ports whose exposure to the internet is a finding of its own.
const SENSITIVE_PORTS: &[(u16, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (135, "RPC"),
    (139, "NetBIOS"),
    (445, "SMB"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (5432, "PostgreSQL"),
    (5601, "Kibana"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

fn describe_rule(r: &GroupRule) -> String {
    let ports = match (r.from_port, r.to_port) {
        _ if r.protocol == "-1" => "all traffic".to_string(),
        (Some(a), Some(b)) if a == b => format!("{} {a}", r.protocol),
        (Some(a), Some(b)) => format!("{} {a}-{b}", r.protocol),
        _ => r.protocol.to_string(),
    };
    let peer = match &r.peer {
        Peer::Cidr4(n) => n.to_string(),
        Peer::Cidr6(n) => n.to_string(),
        Peer::PrefixList(id) => id.to_string(),
        Peer::Group(g) => format!("{}/{}", g.user_id, g.group_id),
    };
    let way = if r.egress {
        "egress to"
    } else {
        "ingress from"
    };
    format!("{} ({ports} {way} {peer})", r.id)
}

fn is_anywhere(p: &Peer) -> bool {
    match p {
        Peer::Cidr4(n) => n.prefix_len() == 0,
        Peer::Cidr6(n) => n.prefix_len() == 0,
        _ => false,
    }
}

fn covers(r: &GroupRule, port: u16) -> bool {
    r.protocol == "-1"
        || ((r.protocol == "tcp" || r.protocol == "udp" || r.protocol == "6" || r.protocol == "17")
            && r.from_port.is_some_and(|a| a <= i32::from(port))
            && r.to_port.is_some_and(|b| i32::from(port) <= b))
}

/// A resource a naming convention applies to.
struct Named {
    kind: &'static str,
    owner: String,
    region: String,
    name: Option<String>,
    tags: Vec<String>,
    arn: String,
}

struct Audit<'a> {
    c: &'a Cloud,
    s: &'a Settings,
    out: Vec<Finding>,
}

impl Audit<'_> {
    fn add(
        &mut self,
        id: &str,
        account: &str,
        region: Option<&str>,
        resource: String,
        message: String,
        evidence: String,
    ) {
        self.out.push(Finding {
            check: check(id),
            account: account.to_string(),
            region: region.map(str::to_string),
            resource,
            message,
            evidence,
        });
    }

    fn network(&mut self) {
        let c = self.c;
        let used: BTreeSet<&str> = c
            .interfaces
            .values()
            .flat_map(|e| e.groups.iter().map(String::as_str))
            .collect();
        let mut groups: Vec<&SecurityGroup> = c.groups.values().map(|g| &**g).collect();
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        for g in groups {
            let arn = format!(
                "arn:aws:ec2:{}:{}:security-group/{}",
                g.region, g.owner, g.id
            );
            let region = Some(g.region.as_str());
            for r in &g.ingress {
                if !is_anywhere(&r.peer) {
                    continue;
                }
                let all_ports = r.protocol == "-1"
                    || (r.from_port == Some(0) && r.to_port == Some(65535))
                    || (r.from_port.is_none() && r.to_port.is_none());
                if all_ports {
                    self.add(
                        "NET-001",
                        &g.owner,
                        region,
                        arn.clone(),
                        format!("{} ({}) admits every port from anywhere", g.id, g.name),
                        describe_rule(r),
                    );
                    continue;
                }
                for (port, what) in SENSITIVE_PORTS.iter().filter(|(p, _)| covers(r, *p)) {
                    self.add(
                        "NET-002",
                        &g.owner,
                        region,
                        arn.clone(),
                        format!(
                            "{} ({}) admits {what} (port {port}) from anywhere",
                            g.id, g.name
                        ),
                        describe_rule(r),
                    );
                }
            }
            if g.is_default() && (!g.ingress.is_empty() || !g.egress.is_empty()) {
                self.add(
                    "NET-003",
                    &g.owner,
                    region,
                    arn.clone(),
                    format!(
                        "default group {} of {} has {} ingress and {} egress rules",
                        g.id,
                        g.vpc_id,
                        g.ingress.len(),
                        g.egress.len()
                    ),
                    g.rules().map(describe_rule).collect::<Vec<_>>().join("; "),
                );
            }
            if !g.is_default() && !used.contains(g.id.as_str()) {
                self.add(
                    "NET-004",
                    &g.owner,
                    region,
                    arn.clone(),
                    format!("{} ({}) is attached to no network interface", g.id, g.name),
                    String::new(),
                );
            }
            for r in g.rules() {
                if let Peer::Group(p) = &r.peer {
                    let gone = !c.groups.contains_key(p.group_id.as_str());
                    let dead_peering = p.vpc_peering_connection_id.as_ref().is_some_and(|pcx| {
                        c.peerings
                            .get(pcx.as_str())
                            .is_none_or(|x| x.state != cloud::PeeringState::Active)
                    });
                    if gone || dead_peering {
                        self.add(
                            "NET-005",
                            &g.owner,
                            region,
                            arn.clone(),
                            format!(
                                "{} refers to {} which {}",
                                g.id,
                                p.group_id,
                                if gone {
                                    "no longer exists"
                                } else {
                                    "is behind a peering that is no longer active"
                                }
                            ),
                            describe_rule(r),
                        );
                    }
                }
            }
            let quota = c.limits.rules_per_group;
            for (rules, way) in [(&g.ingress, "ingress"), (&g.egress, "egress")] {
                if quota > 0 && rules.len() * 10 >= quota * 8 {
                    self.add(
                        "NET-006",
                        &g.owner,
                        region,
                        arn.clone(),
                        format!(
                            "{} has {} {way} rules of the {quota} allowed",
                            g.id,
                            rules.len()
                        ),
                        String::new(),
                    );
                }
            }
        }
    }

    fn sharing(&mut self) {
        let c = self.c;
        let day: Millis = 24 * 60 * 60 * 1000;
        for share in c.ram.shares.values().filter(|s| s.active()) {
            let region = Some(share.region.as_str());
            let org = c.organization_of(&share.owner);
            let live = |a: &&cloud::ram::Association| {
                a.status == "ASSOCIATED" || a.status == "ASSOCIATING"
            };
            if share.allow_external {
                self.add(
                    "RAM-001",
                    &share.owner,
                    region,
                    share.arn.clone(),
                    format!(
                        "share {} allows principals outside the organization",
                        share.name
                    ),
                    "allowExternalPrincipals: true".into(),
                );
            }
            for p in share.principals.values().filter(live) {
                let account = p
                    .entity
                    .chars()
                    .all(|ch| ch.is_ascii_digit())
                    .then_some(p.entity.as_str());
                let Some(account) = account else { continue };
                let inside = org.is_some_and(|o| o.accounts.contains_key(account));
                if !inside {
                    self.add(
                        "RAM-002",
                        &share.owner,
                        region,
                        share.arn.clone(),
                        format!(
                            "share {} reaches account {account}, outside the organization",
                            share.name
                        ),
                        format!("principal {account} ({})", p.status),
                    );
                }
                if !self.s.trusted_accounts.is_empty()
                    && !self.s.trusted_accounts.iter().any(|t| t == account)
                {
                    self.add(
                        "RAM-003",
                        &share.owner,
                        region,
                        share.arn.clone(),
                        format!(
                            "share {} reaches account {account}, not in the trusted list",
                            share.name
                        ),
                        format!("principal {account}"),
                    );
                }
            }
            let principals = share.principals.values().filter(live).count();
            let resources = share.resources.values().filter(live).count();
            if principals == 0 || resources == 0 {
                self.add(
                    "RAM-004",
                    &share.owner,
                    region,
                    share.arn.clone(),
                    format!(
                        "share {} has {principals} principals and {resources} resources",
                        share.name
                    ),
                    String::new(),
                );
            }
            // Shared groups: who uses them.
            for r in share.resources.values().filter(live) {
                let Some(group_id) = r.entity.rsplit_once("security-group/").map(|x| x.1) else {
                    continue;
                };
                let users: BTreeSet<&str> = c
                    .interfaces
                    .values()
                    .filter(|e| e.owner != share.owner && e.groups.iter().any(|g| g == group_id))
                    .map(|e| e.owner.as_str())
                    .collect();
                if users.is_empty() {
                    self.add(
                        "RAM-006",
                        &share.owner,
                        region,
                        r.entity.clone(),
                        format!(
                            "{group_id} is shared by {} and attached by no other account",
                            share.name
                        ),
                        String::new(),
                    );
                } else {
                    self.add(
                        "RAM-007",
                        &share.owner,
                        region,
                        r.entity.clone(),
                        format!(
                            "{group_id} is used by {}",
                            users.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                        format!("share {}", share.name),
                    );
                }
            }
        }
        let limit = self.s.pending_invitation_days as Millis * day;
        for inv in c.ram.invitations.values() {
            if inv.status_at(self.s.now) == "PENDING" && self.s.now.saturating_sub(inv.at) >= limit
            {
                self.add(
                    "RAM-005",
                    &inv.sender,
                    Some(&inv.region),
                    inv.share_arn.clone(),
                    format!(
                        "invitation to {} pending for {} days",
                        inv.receiver,
                        (self.s.now - inv.at) / day
                    ),
                    inv.arn.clone(),
                );
            }
        }
        // Participants' groups in shared VPCs.
        let mut groups: Vec<&SecurityGroup> = c.groups.values().map(|g| &**g).collect();
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        for g in groups {
            let Some(vpc) = c.vpcs.get(g.vpc_id.as_str()) else {
                continue;
            };
            if vpc.owner != g.owner {
                self.add(
                    "RAM-008",
                    &g.owner,
                    Some(&g.region),
                    format!(
                        "arn:aws:ec2:{}:{}:security-group/{}",
                        g.region, g.owner, g.id
                    ),
                    format!(
                        "{} belongs to {} in {}'s VPC {}",
                        g.id, g.owner, vpc.owner, vpc.id
                    ),
                    String::new(),
                );
            }
        }
    }

    fn iam(&mut self) {
        let c = self.c;
        // Every identity policy, with who holds it.
        let mut documents: Vec<(String, String, String)> = Vec::new(); // (account, holder ARN, text)
        for r in c.iam.roles.values() {
            for (name, text) in &r.inline_policies {
                documents.push((
                    r.account.clone(),
                    format!("{} (inline {name})", r.arn()),
                    text.clone(),
                ));
            }
        }
        for u in c.iam.users.values() {
            for (name, text) in &u.inline_policies {
                documents.push((
                    u.account.clone(),
                    format!("{} (inline {name})", u.arn()),
                    text.clone(),
                ));
            }
        }
        for g in c.iam.groups.values() {
            for (name, text) in &g.inline_policies {
                documents.push((
                    g.account.clone(),
                    format!("{} (inline {name})", g.arn()),
                    text.clone(),
                ));
            }
        }
        for (arn, p) in &c.iam.policies {
            documents.push((p.account.clone(), arn.clone(), p.document().to_string()));
        }
        for (account, holder, text) in documents {
            let Ok(doc) = Document::parse(&text) else {
                continue;
            };
            for st in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
                let Patterns::In(actions) = &st.actions else {
                    continue;
                };
                let on_everything = match &st.resources {
                    Some(Patterns::In(r)) => r.iter().any(|t| t.raw() == "*"),
                    _ => false,
                };
                if !on_everything {
                    continue;
                }
                let broad: Vec<&String> = actions
                    .iter()
                    .filter(|a| ["*", "ec2:*", "ram:*"].contains(&a.as_str()))
                    .collect();
                let sid = st
                    .sid
                    .clone()
                    .map(|s| format!("statement {s}: "))
                    .unwrap_or_default();
                if !broad.is_empty() {
                    self.add(
                        "IAM-001",
                        &account,
                        None,
                        holder.clone(),
                        format!(
                            "{holder} allows {} on *",
                            broad
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        format!("{sid}Allow {} on *", actions.join(", ")),
                    );
                    continue;
                }
                const SHARING: &[&str] = &[
                    "ec2:authorizesecuritygroupingress",
                    "ec2:revokesecuritygroupingress",
                    "ec2:modifysecuritygrouprules",
                    "ec2:deletesecuritygroup",
                    "ram:associateresourceshare",
                ];
                let reach: Vec<&str> = SHARING
                    .iter()
                    .copied()
                    .filter(|action| actions.iter().any(|p| policy::glob(p, action, true)))
                    .collect();
                let owns_shared = c
                    .ram
                    .shares
                    .values()
                    .any(|s| s.active() && s.owner == account);
                if !reach.is_empty() && owns_shared {
                    self.add(
                        "IAM-002",
                        &account,
                        None,
                        holder.clone(),
                        format!(
                            "{holder} may {} on any resource, shared groups included",
                            reach.join(", ")
                        ),
                        format!("{sid}Allow {} on *", actions.join(", ")),
                    );
                }
            }
        }
        for r in c.iam.roles.values().filter(|r| r.linked_service.is_none()) {
            let Ok(doc) = Document::parse(&r.trust_policy) else {
                continue;
            };
            let org = c.organization_of(&r.account);
            for st in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
                let Some(p) = &st.principals else { continue };
                let mut outsiders: Vec<String> = Vec::new();
                if p.anyone {
                    outsiders.push("*".into());
                }
                for entry in &p.aws {
                    let account = if entry.chars().all(|ch| ch.is_ascii_digit()) {
                        entry.as_str()
                    } else {
                        entry.split(':').nth(4).unwrap_or_default()
                    };
                    let inside = account == r.account
                        || org.is_some_and(|o| o.accounts.contains_key(account));
                    if !inside {
                        outsiders.push(entry.clone());
                    }
                }
                if !outsiders.is_empty() {
                    self.add(
                        "IAM-003",
                        &r.account,
                        None,
                        r.arn(),
                        format!("role {} may be assumed by {}", r.name, outsiders.join(", ")),
                        format!("trust policy principals: {}", p.aws.join(", ")),
                    );
                }
            }
        }
    }

    fn conventions(&mut self) {
        let c = self.c;
        let name_tag = |tags: &[cloud::Tag]| {
            tags.iter()
                .find(|t| t.key == "Name")
                .map(|t| t.value.clone())
        };
        let mut items: Vec<Named> = Vec::new();
        for g in c.groups.values() {
            if g.is_default() {
                continue;
            }
            items.push(Named {
                kind: "security-group",
                owner: g.owner.to_string(),
                region: g.region.to_string(),
                name: Some(g.name.to_string()),
                tags: g.tags.iter().map(|t| t.key.clone()).collect(),
                arn: format!(
                    "arn:aws:ec2:{}:{}:security-group/{}",
                    g.region, g.owner, g.id
                ),
            });
        }
        for v in c.vpcs.values().filter(|v| !v.is_default) {
            items.push(Named {
                kind: "vpc",
                owner: v.owner.clone(),
                region: v.region.clone(),
                name: name_tag(&v.tags),
                tags: v.tags.iter().map(|t| t.key.clone()).collect(),
                arn: format!("arn:aws:ec2:{}:{}:vpc/{}", v.region, v.owner, v.id),
            });
        }
        for s in c.subnets.values().filter(|s| !s.default_for_az) {
            items.push(Named {
                kind: "subnet",
                owner: s.owner.clone(),
                region: s.region.clone(),
                name: name_tag(&s.tags),
                tags: s.tags.iter().map(|t| t.key.clone()).collect(),
                arn: s.arn(),
            });
        }
        for s in c.ram.shares.values().filter(|s| s.active()) {
            items.push(Named {
                kind: "resource-share",
                owner: s.owner.clone(),
                region: s.region.clone(),
                name: Some(s.name.clone()),
                tags: s.tags.iter().map(|t| t.key.clone()).collect(),
                arn: s.arn.clone(),
            });
        }
        items.sort_by(|a, b| a.arn.cmp(&b.arn));
        let conventions = self.s.conventions.clone();
        for Named {
            kind,
            owner,
            region,
            name,
            tags,
            arn,
        } in items
        {
            for conv in conventions.iter().filter(|x| x.resource == kind) {
                if let Some(pattern) = &conv.name {
                    let fits = name
                        .as_deref()
                        .is_some_and(|n| policy::glob(pattern, n, false));
                    if !fits {
                        self.add(
                            "CONV-001",
                            &owner,
                            Some(&region),
                            arn.clone(),
                            format!(
                                "{kind} named {:?} does not match {pattern:?}",
                                name.clone().unwrap_or_default()
                            ),
                            format!("convention for {kind}: name {pattern:?}"),
                        );
                    }
                }
                let missing: BTreeMap<&str, ()> = conv
                    .tags
                    .iter()
                    .filter(|t| !tags.contains(t))
                    .map(|t| (t.as_str(), ()))
                    .collect();
                if !missing.is_empty() {
                    self.add(
                        "CONV-002",
                        &owner,
                        Some(&region),
                        arn.clone(),
                        format!(
                            "{kind} lacks tags {}",
                            missing.keys().copied().collect::<Vec<_>>().join(", ")
                        ),
                        format!("convention for {kind}: tags {}", conv.tags.join(", ")),
                    );
                }
            }
        }
    }
}

/// Run every check over the whole state, worst findings first.
pub fn audit(cloud: &Cloud, settings: &Settings) -> Vec<Finding> {
    let mut a = Audit {
        c: cloud,
        s: settings,
        out: Vec::new(),
    };
    a.network();
    a.sharing();
    a.iam();
    a.conventions();
    let mut out = a.out;
    out.sort_by(|x, y| {
        y.check
            .severity
            .cmp(&x.check.severity)
            .then(x.check.id.cmp(y.check.id))
            .then(x.resource.cmp(&y.resource))
    });
    out
}
