//! Reachability Analyzer's records: network insights paths (the question: from where to where,
//! on which protocol and port) and analyses (the answer found when one started). Finding the
//! answer is the `analysis` crate's job; an analysis is recorded here with what it found, so
//! that a replayed log gives the same answers whatever changed since.
//!
//! UNSURE: an analysis is `running` in the start answer and `succeeded` from the next read.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

/// A component of a path: its id and ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    pub id: String,
    pub arn: String,
}

/// The addresses and ports a packet may carry at a hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub sources: Vec<String>,
    pub destinations: Vec<String>,
    pub source_ports: Vec<(i32, i32)>,
    pub destination_ports: Vec<(i32, i32)>,
    /// The IANA number as text (`6`, `17`).
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclRuleHit {
    pub cidr: String,
    pub egress: bool,
    pub ports: Option<(i32, i32)>,
    /// As AWS shows it: a name (`tcp`, `udp`, `all`).
    pub protocol: String,
    pub allow: bool,
    pub rule_number: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRuleHit {
    pub group_id: String,
    /// `ingress` or `egress`.
    pub direction: String,
    pub cidr: Option<String>,
    pub prefix_list: Option<String>,
    pub referenced_group: Option<String>,
    pub ports: Option<(i32, i32)>,
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteHit {
    pub destination_cidr: Option<String>,
    pub destination_prefix_list: Option<String>,
    /// The member naming the target (`gatewayId`, `natGatewayId`, …) and the target's id.
    pub target_member: String,
    pub target: String,
    pub origin: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRouteHit {
    pub destination_cidr: String,
    pub state: String,
    /// `static` or `propagated`.
    pub origin: String,
    pub attachment_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_type: Option<String>,
}

/// One hop of a path, with what decided it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub component: Option<Ref>,
    pub vpc: Option<Ref>,
    pub subnet: Option<Ref>,
    pub source_vpc: Option<Ref>,
    pub destination_vpc: Option<Ref>,
    pub transit_gateway: Option<Ref>,
    pub acl_rule: Option<AclRuleHit>,
    pub group_rule: Option<GroupRuleHit>,
    pub route: Option<RouteHit>,
    pub tgw_route: Option<TgwRouteHit>,
    pub outbound: Option<Header>,
    pub inbound: Option<Header>,
}

/// Why a path is not found (or what changed a packet), with the members its code needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub code: String,
    pub direction: Option<String>,
    pub component: Option<Ref>,
    pub network_interface: Option<Ref>,
    pub security_groups: Vec<Ref>,
    pub acl: Option<Ref>,
    pub acl_rule: Option<AclRuleHit>,
    pub route_table: Option<Ref>,
    pub route: Option<RouteHit>,
    pub vpc: Option<Ref>,
    pub subnet: Option<Ref>,
    pub source_vpc: Option<Ref>,
    pub destination_vpc: Option<Ref>,
    pub peering: Option<Ref>,
    pub transit_gateway: Option<Ref>,
    pub tgw_route_table: Option<Ref>,
    pub tgw_route: Option<TgwRouteHit>,
    pub tgw_attachment: Option<Ref>,
    pub internet_gateway: Option<Ref>,
    pub nat_gateway: Option<Ref>,
    pub address: Option<String>,
    pub availability_zones: Vec<String>,
    pub packet_field: Option<String>,
    pub port_ranges: Vec<(i32, i32)>,
}

/// What an analysis found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub path_found: bool,
    pub forward: Vec<Hop>,
    pub back: Vec<Hop>,
    pub explanations: Vec<Explanation>,
}

/// Addresses and ports a path narrows its packets to, at its source or destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathFilter {
    pub source_address: Option<String>,
    pub source_ports: Option<(i32, i32)>,
    pub destination_address: Option<String>,
    pub destination_ports: Option<(i32, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightsPath {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub created_at: Millis,
    /// As given (an id or an ARN), and resolved.
    pub source: String,
    pub source_id: String,
    pub source_arn: String,
    pub destination: Option<String>,
    pub destination_id: Option<String>,
    pub destination_arn: Option<String>,
    pub source_ip: Option<String>,
    pub destination_ip: Option<String>,
    /// `tcp` or `udp`.
    pub protocol: String,
    pub destination_port: Option<i32>,
    pub filter_at_source: Option<PathFilter>,
    pub filter_at_destination: Option<PathFilter>,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

impl InsightsPath {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:network-insights-path/{}",
            self.region, self.owner, self.id
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightsAnalysis {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub path_id: String,
    pub started_at: Millis,
    pub additional_accounts: Vec<String>,
    pub filter_in: Vec<String>,
    pub filter_out: Vec<String>,
    pub findings: Findings,
    pub tags: Vec<Tag>,
}

impl InsightsAnalysis {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:network-insights-analysis/{}",
            self.region, self.owner, self.id
        )
    }
}

/// A path as a request gives it, its source and destination already resolved by the caller
/// (see `Cloud::insights_resource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathSpec {
    pub source: String,
    pub destination: Option<String>,
    pub source_ip: Option<String>,
    pub destination_ip: Option<String>,
    pub protocol: String,
    pub destination_port: Option<i32>,
    pub filter_at_source: Option<PathFilter>,
    pub filter_at_destination: Option<PathFilter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InsightsCommand {
    CreatePath {
        spec: PathSpec,
        client_token: Option<String>,
        tags: Vec<Tag>,
    },
    DeletePath {
        path_id: String,
    },
    /// An analysis, with what the analyzer found when it started.
    RecordAnalysis {
        path_id: String,
        additional_accounts: Vec<String>,
        filter_in: Vec<String>,
        filter_out: Vec<String>,
        findings: Findings,
        tags: Vec<Tag>,
    },
    DeleteAnalysis {
        analysis_id: String,
    },
}

pub const PATH_FILTERS: &[&str] = &[
    "destination",
    "filter-at-source.source-address",
    "filter-at-source.destination-address",
    "filter-at-destination.source-address",
    "filter-at-destination.destination-address",
    "protocol",
    "source",
];

pub const ANALYSIS_FILTERS: &[&str] = &["path-found", "status"];

/// The kinds of resource a path may start or end at (their ARN resource types).
const PATH_ENDS: &[&str] = &[
    "network-interface",
    "instance",
    "internet-gateway",
    "transit-gateway-attachment",
    "transit-gateway",
    "vpc-peering-connection",
    "vpc-endpoint",
    "vpn-gateway",
    "natgateway",
];

impl Filterable for InsightsPath {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let f = |f: &Option<PathFilter>, pick: fn(&PathFilter) -> &Option<String>| {
            f.as_ref()
                .and_then(|f| pick(f).clone())
                .into_iter()
                .collect()
        };
        Some(match name {
            "source" => vec![self.source_id.clone(), self.source_arn.clone()],
            "destination" => self
                .destination_id
                .iter()
                .chain(self.destination_arn.iter())
                .cloned()
                .collect(),
            "protocol" => vec![self.protocol.clone()],
            "filter-at-source.source-address" => f(&self.filter_at_source, |f| &f.source_address),
            "filter-at-source.destination-address" => {
                f(&self.filter_at_source, |f| &f.destination_address)
            }
            "filter-at-destination.source-address" => {
                f(&self.filter_at_destination, |f| &f.source_address)
            }
            "filter-at-destination.destination-address" => {
                f(&self.filter_at_destination, |f| &f.destination_address)
            }
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

impl Filterable for InsightsAnalysis {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "path-found" => vec![self.findings.path_found.to_string()],
            "status" => vec!["succeeded".into()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

pub fn no_path(id: &str) -> Error {
    Error::new(
        "InvalidNetworkInsightsPathId.NotFound",
        format!("The NetworkInsightsPath ID '{id}' does not exist"),
    )
}

pub fn no_analysis(id: &str) -> Error {
    Error::new(
        "InvalidNetworkInsightsAnalysisId.NotFound",
        format!("The NetworkInsightsAnalysis ID '{id}' does not exist"),
    )
}

/// The owner and Region an ARN names, and the id it ends with.
fn split_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    Some((region, account, resource.rsplit('/').next()?))
}

/// Organizations' trusted-access principal for Reachability Analyzer.
pub const REACHABILITY_SERVICE: &str = "reachabilityanalyzer.networkinsights.amazonaws.com";

impl Cloud {
    /// The owner and Region of an EC2 networking resource, found by its id.
    pub fn owner_and_region(&self, id: &str) -> Option<(&str, &str)> {
        fn of<'a>(owner: &'a str, region: &'a str) -> Option<(&'a str, &'a str)> {
            Some((owner, region))
        }
        match crate::tags::resource_type(id)? {
            "network-interface" => self
                .interfaces
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "instance" => self.instances.get(id).and_then(|x| of(&x.owner, &x.region)),
            "internet-gateway" => self
                .internet_gateways
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "transit-gateway-attachment" => self
                .tgw_attachments
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "transit-gateway-route-table" => self
                .tgw_route_tables
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "transit-gateway" => self
                .transit_gateways
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "vpc-peering-connection" => self
                .peerings
                .get(id)
                .and_then(|x| of(&x.requester.owner, &x.requester.region)),
            "vpc-endpoint" => self.endpoints.get(id).and_then(|x| of(&x.owner, &x.region)),
            "vpn-gateway" => self
                .vpn_gateways
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "natgateway" => self
                .nat_gateways
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "vpc" => self.vpcs.get(id).and_then(|x| of(&x.owner, &x.region)),
            "subnet" => self.subnets.get(id).and_then(|x| of(&x.owner, &x.region)),
            "security-group" => self.groups.get(id).and_then(|x| of(&x.owner, &x.region)),
            "network-acl" => self
                .network_acls
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "route-table" => self
                .route_tables
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            "prefix-list" => self
                .prefix_lists
                .get(id)
                .and_then(|x| of(&x.owner, &x.region)),
            _ => None,
        }
    }

    /// An EC2 networking resource's ARN, found by its id.
    pub fn arn_of(&self, id: &str) -> Option<String> {
        let (owner, region) = self.owner_and_region(id)?;
        let kind = crate::tags::resource_type(id)?;
        Some(format!("arn:aws:ec2:{region}:{owner}:{kind}/{id}"))
    }

    /// The owner and Region of a resource a path may name, while it exists.
    fn insights_owner(&self, id: &str, now: Millis) -> Option<(&str, &str)> {
        let kind = crate::tags::resource_type(id).filter(|k| PATH_ENDS.contains(k))?;
        let gone = match kind {
            "transit-gateway-attachment" => self
                .tgw_attachments
                .get(id)
                .is_some_and(|a| !a.described_at(now)),
            "natgateway" => self
                .nat_gateways
                .get(id)
                .is_some_and(|g| g.deleted_at.is_some()),
            _ => false,
        };
        if gone {
            return None;
        }
        self.owner_and_region(id)
    }

    /// Whether the caller may analyse another account's resources: it manages the account's
    /// organization and has given Reachability Analyzer trusted access there.
    /// UNSURE: AWS also needs a role in each member (deployed by StackSets); not modelled.
    pub fn analyses_for(&self, c: &Caller, account: &str) -> bool {
        account == c.account
            || self.organization_of(account).is_some_and(|o| {
                o.master == c.account && o.services.contains_key(REACHABILITY_SERVICE)
            })
    }

    /// A path's end as a request names it (an id, or an ARN for another account's resource):
    /// its id and ARN, if the caller may analyse it.
    pub fn insights_resource(
        &self,
        c: &Caller,
        given: &str,
        now: Millis,
    ) -> Option<(String, String)> {
        let (id, named_owner) = match given.strip_prefix("arn:") {
            Some(_) => {
                let (region, account, id) = split_arn(given)?;
                if region != c.region {
                    return None;
                }
                (id, Some(account))
            }
            None => (given, None),
        };
        let (owner, region) = self.insights_owner(id, now)?;
        if region != c.region || named_owner.is_some_and(|o| o != owner) {
            return None;
        }
        let visible = match crate::tags::resource_type(id)? {
            "network-interface" => self.visible_interface(c, id).is_ok(),
            "instance" => self.visible_instance(c, id).is_ok(),
            "internet-gateway" => self.visible_internet_gateway(c, id).is_ok(),
            "transit-gateway-attachment" => self.visible_attachment(c, id, now).is_ok(),
            "transit-gateway" => self.visible_transit_gateway(c, id).is_ok(),
            "vpc-peering-connection" => self.visible_peering(c, id).is_ok(),
            "vpc-endpoint" => self.visible_endpoint(c, id).is_ok(),
            "vpn-gateway" => self.visible_vpn_gateway(c, id).is_ok(),
            _ => owner == c.account,
        };
        if !(visible || self.analyses_for(c, owner)) {
            return None;
        }
        Some((id.to_string(), self.arn_of(id)?))
    }

    fn visible_path(&self, c: &Caller, id: &str) -> Result<&InsightsPath> {
        self.insights_paths
            .get(id)
            .filter(|p| p.owner == c.account && p.region == c.region)
            .ok_or_else(|| no_path(id))
    }

    fn visible_analysis(&self, c: &Caller, id: &str) -> Result<&InsightsAnalysis> {
        self.insights_analyses
            .get(id)
            .filter(|a| a.owner == c.account && a.region == c.region)
            .ok_or_else(|| no_analysis(id))
    }

    pub fn insights_path(&self, c: &Caller, id: &str) -> Result<&InsightsPath> {
        self.visible_path(c, id)
    }

    pub fn insights_analysis(&self, c: &Caller, id: &str) -> Result<&InsightsAnalysis> {
        self.visible_analysis(c, id)
    }

    pub(crate) fn insights_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &InsightsCommand,
    ) -> Result<Outcome> {
        match command {
            InsightsCommand::CreatePath {
                spec,
                client_token,
                tags,
            } => {
                validate_tags(tags)?;
                if let Some(token) = client_token {
                    let earlier = self.insights_paths.values().find(|p| {
                        p.owner == c.account
                            && p.region == c.region
                            && p.client_token.as_deref() == Some(token)
                    });
                    if let Some(p) = earlier {
                        let same = p.source == spec.source
                            && p.destination == spec.destination
                            && p.protocol == spec.protocol
                            && p.destination_port == spec.destination_port;
                        return if same {
                            Ok(Outcome::Id(p.id.clone()))
                        } else {
                            Err(Error::new(
                                "IdempotentParameterMismatch",
                                "The client token was already used with different parameters.",
                            ))
                        };
                    }
                }
                let (source_id, source_arn) =
                    self.insights_resource(c, &spec.source, at).ok_or_else(|| {
                        Error::invalid_value(format!(
                            "The source {} does not exist or cannot be analysed from this account.",
                            spec.source
                        ))
                    })?;
                let destination = match &spec.destination {
                    Some(d) => Some(self.insights_resource(c, d, at).ok_or_else(|| {
                        Error::new(
                            "NetworkInsightsDestination.NotFound",
                            format!("The destination {d} does not exist or cannot be analysed from this account."),
                        )
                    })?),
                    None => None,
                };
                let id = ids.id("nip");
                self.insights_paths.insert(
                    id.clone(),
                    InsightsPath {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        created_at: at,
                        source: spec.source.clone(),
                        source_id,
                        source_arn,
                        destination: spec.destination.clone(),
                        destination_id: destination.as_ref().map(|d| d.0.clone()),
                        destination_arn: destination.map(|d| d.1),
                        source_ip: spec.source_ip.clone(),
                        destination_ip: spec.destination_ip.clone(),
                        protocol: spec.protocol.clone(),
                        destination_port: spec.destination_port,
                        filter_at_source: spec.filter_at_source.clone(),
                        filter_at_destination: spec.filter_at_destination.clone(),
                        client_token: client_token.clone(),
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            InsightsCommand::DeletePath { path_id } => {
                self.visible_path(c, path_id)?;
                if self
                    .insights_analyses
                    .values()
                    .any(|a| a.path_id == *path_id)
                {
                    return Err(Error::new(
                        "AnalysisExistsForNetworkInsightsPath",
                        format!(
                            "The NetworkInsightsPath {path_id} has analyses; delete them first."
                        ),
                    ));
                }
                self.insights_paths.remove(path_id);
                Ok(Outcome::Id(path_id.clone()))
            }
            InsightsCommand::RecordAnalysis {
                path_id,
                additional_accounts,
                filter_in,
                filter_out,
                findings,
                tags,
            } => {
                validate_tags(tags)?;
                self.visible_path(c, path_id)?;
                let id = ids.id("nia");
                self.insights_analyses.insert(
                    id.clone(),
                    InsightsAnalysis {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        path_id: path_id.clone(),
                        started_at: at,
                        additional_accounts: additional_accounts.clone(),
                        filter_in: filter_in.clone(),
                        filter_out: filter_out.clone(),
                        findings: findings.clone(),
                        tags: tags.clone(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            InsightsCommand::DeleteAnalysis { analysis_id } => {
                self.visible_analysis(c, analysis_id)?;
                self.insights_analyses.remove(analysis_id);
                Ok(Outcome::Id(analysis_id.clone()))
            }
        }
    }

    pub fn describe_insights_paths(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&InsightsPath>> {
        filter::validate(filters, PATH_FILTERS)?;
        for id in ids {
            self.visible_path(c, id)?;
        }
        let mut found: Vec<&InsightsPath> = self
            .insights_paths
            .values()
            .filter(|p| p.owner == c.account && p.region == c.region)
            .filter(|p| ids.is_empty() || ids.contains(&p.id))
            .filter(|p| filter::matches(*p, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |p| &p.id)
    }

    /// Analyses, by id or by path, started within the window given.
    pub fn describe_insights_analyses(
        &self,
        c: &Caller,
        ids: &[String],
        path_id: Option<&str>,
        window: (Option<Millis>, Option<Millis>),
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&InsightsAnalysis>> {
        filter::validate(filters, ANALYSIS_FILTERS)?;
        for id in ids {
            self.visible_analysis(c, id)?;
        }
        let mut found: Vec<&InsightsAnalysis> = self
            .insights_analyses
            .values()
            .filter(|a| a.owner == c.account && a.region == c.region)
            .filter(|a| ids.is_empty() || ids.contains(&a.id))
            .filter(|a| path_id.is_none_or(|p| a.path_id == p))
            .filter(|a| window.0.is_none_or(|t| a.started_at >= t))
            .filter(|a| window.1.is_none_or(|t| a.started_at <= t))
            .filter(|a| filter::matches(*a, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |a| &a.id)
    }
}
