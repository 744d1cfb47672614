//! The ramparts domain: the state of a multi-account cloud and the rules that change it.
//!
//! Every change is a [`Command`] in an [`Envelope`] (who, where, when). [`Cloud::execute`]
//! validates it completely before it changes anything, so a refused command leaves no trace,
//! and is deterministic given the seed and sequence number, so a replayed log rebuilds the
//! same cloud. Who may see and use what is decided in [`visibility`] alone.

pub mod access;
pub mod acls;
pub mod addresses;
pub mod block_public_access;
pub mod cidr_blocks;
pub mod dhcp;
pub mod endpoints;
pub mod error;
pub mod filter;
pub mod flow_logs;
pub mod gateways;
pub mod iam;
pub mod iam_boundaries;
pub mod iam_groups;
pub mod iam_policies;
pub mod iam_profiles;
pub mod ids;
pub mod insights;
pub mod model;
pub mod nat;
pub mod org;
pub mod org_policies;
pub mod ram;
pub mod regions;
pub mod routes;
pub mod rules;
pub mod sts;
pub mod transit;
pub mod transit_attachments;
pub mod transit_peering;
pub mod transit_routes;
pub mod visibility;
pub mod vpn;

mod eni;
mod group;
mod group_names;
mod group_vpc;
mod ipv6;
mod pairs;
mod peering;
mod prefix_list;
mod subnet;
mod tags;
mod vpc;

pub use eni::private_dns_name;
pub use eni::{EniChange, Ipv6Request, LaunchInterface, LaunchSpec};
pub use error::{Error, Result};
pub use group::{GroupRef, Permission, RuleRevoke};
pub use group_vpc::{GroupVpcAssociation, ASSOCIATION_FILTERS};
pub use iam::{IamCommand, Identity, NewRole};
pub use ids::Ids;
pub use ipv6::AMAZON_POOL;
pub use model::*;
pub use org::OrgCommand;
pub use peering::{
    GroupReference, PeeringRequest, PeeringSide, PeeringState, StaleRule, VpcPeering,
};
pub use prefix_list::{
    prefix_entry_cidr, NewPrefixList, PrefixList, PrefixListChange, PrefixListEntry,
};
pub use ram::RamCommand;
pub use rules::RuleSpec;
pub use subnet::NewSubnet;
pub use tags::{resource_type, validate_tags, TagEntry};
pub use visibility::Caller;

use filter::Filter;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap};

/// Adjustable quotas, per account and Region unless said otherwise.
///
/// They are admission control for new requests, never part of the state: what the log holds
/// was admitted under the quotas of its day and is replayed under [`Limits::unbounded`], and a
/// lowered quota only refuses new creations above it (as on AWS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub vpcs_per_region: usize,
    pub subnets_per_vpc: usize,
    pub groups_per_region: usize,
    /// Per direction and IP family.
    pub rules_per_group: usize,
    pub groups_per_interface: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            vpcs_per_region: 5,
            subnets_per_vpc: 200,
            groups_per_region: 2500,
            rules_per_group: 60,
            groups_per_interface: 5,
        }
    }
}

impl Limits {
    /// No quota at all: for replaying what was already admitted.
    pub fn unbounded() -> Limits {
        Limits {
            vpcs_per_region: usize::MAX,
            subnets_per_vpc: usize::MAX,
            groups_per_region: usize::MAX,
            rules_per_group: usize::MAX,
            groups_per_interface: usize::MAX,
        }
    }
}

/// The resources one account owns in one Region, in id order (the describe order).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Scope {
    pub opened: bool,
    pub default_vpc: Option<String>,
    /// AWS's DHCP options set for the Region, which new VPCs get.
    #[serde(default)]
    pub default_dhcp: Option<String>,
    pub vpcs: BTreeSet<Id>,
    pub subnets: BTreeSet<Id>,
    pub groups: BTreeSet<Id>,
    pub interfaces: BTreeSet<Id>,
    pub instances: BTreeSet<Id>,
    pub prefix_lists: BTreeSet<Id>,
    #[serde(default)]
    pub transit_gateways: BTreeSet<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VpcAttribute {
    EnableDnsSupport,
    EnableDnsHostnames,
    EnableNetworkAddressUsageMetrics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubnetAttribute {
    MapPublicIpOnLaunch,
    AssignIpv6AddressOnCreation,
    EnableDns64,
    EnableResourceNameDnsARecordOnLaunch,
    EnableResourceNameDnsAaaaRecordOnLaunch,
}

/// A change to the cloud, as logged. Values are already canonical (see [`rules`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// First use of a Region by an account: creates its default VPC.
    OpenRegion,
    CreateVpc {
        cidr: ipnet::Ipv4Net,
        instance_tenancy: Option<String>,
        tags: Vec<Tag>,
        /// Also associate an Amazon-provided IPv6 block.
        #[serde(default)]
        amazon_ipv6: bool,
    },
    CreateDefaultVpc,
    DeleteVpc {
        vpc_id: String,
    },
    ModifyVpcAttribute {
        vpc_id: String,
        attribute: VpcAttribute,
        value: bool,
    },
    CreateSubnet(NewSubnet),
    AssociateVpcIpv6 {
        vpc_id: String,
    },
    DisassociateVpcIpv6 {
        association_id: String,
    },
    AssociateSubnetIpv6 {
        subnet_id: String,
        cidr: ipnet::Ipv6Net,
    },
    DisassociateSubnetIpv6 {
        association_id: String,
    },
    DeleteSubnet {
        subnet_id: String,
    },
    ModifySubnetAttribute {
        subnet_id: String,
        attribute: SubnetAttribute,
        value: bool,
    },
    CreateSecurityGroup {
        name: String,
        description: String,
        vpc_id: Option<String>,
        tags: Vec<Tag>,
    },
    DeleteSecurityGroup {
        group: GroupRef,
    },
    AssociateSecurityGroupVpc {
        group_id: String,
        vpc_id: String,
    },
    DisassociateSecurityGroupVpc {
        group_id: String,
        vpc_id: String,
    },
    AuthorizeRules {
        group: GroupRef,
        egress: bool,
        rules: Vec<RuleSpec>,
        tags: Vec<Tag>,
    },
    RevokeRules {
        group: GroupRef,
        egress: bool,
        revoke: RuleRevoke,
    },
    ModifyRules {
        group_id: String,
        changes: Vec<(String, RuleSpec)>,
    },
    UpdateRuleDescriptions {
        group: GroupRef,
        egress: bool,
        by_id: Vec<(String, Option<String>)>,
        by_rule: Vec<RuleSpec>,
    },
    CreateTags {
        resources: Vec<String>,
        tags: Vec<Tag>,
    },
    DeleteTags {
        resources: Vec<String>,
        tags: Vec<(String, Option<String>)>,
    },
    CreateNetworkInterface {
        subnet_id: String,
        groups: Vec<String>,
        description: Option<String>,
        private_ip: Option<std::net::Ipv4Addr>,
        /// Secondary addresses: these exact ones, then `secondary_count` more picked freely.
        #[serde(default)]
        secondary_ips: Vec<std::net::Ipv4Addr>,
        #[serde(default)]
        secondary_count: usize,
        interface_type: Option<String>,
        tags: Vec<Tag>,
        #[serde(default)]
        ipv6: Ipv6Request,
    },
    AssignIpv6Addresses {
        interface_id: String,
        request: Ipv6Request,
    },
    /// Secondary private addresses: these exact ones, then `count` more picked freely.
    AssignPrivateIps {
        interface_id: String,
        addresses: Vec<std::net::Ipv4Addr>,
        count: usize,
    },
    UnassignPrivateIps {
        interface_id: String,
        addresses: Vec<std::net::Ipv4Addr>,
    },
    UnassignIpv6Addresses {
        interface_id: String,
        addresses: Vec<std::net::Ipv6Addr>,
    },
    ModifyNetworkInterface {
        interface_id: String,
        change: EniChange,
    },
    DeleteNetworkInterface {
        interface_id: String,
    },
    RunInstances(LaunchSpec),
    TerminateInstances {
        instance_ids: Vec<String>,
    },
    CreateManagedPrefixList(NewPrefixList),
    ModifyManagedPrefixList {
        prefix_list_id: String,
        change: PrefixListChange,
    },
    DeleteManagedPrefixList {
        prefix_list_id: String,
    },
    CreateVpcPeeringConnection(PeeringRequest),
    AnswerVpcPeeringConnection {
        peering_id: String,
        accept: bool,
    },
    DeleteVpcPeeringConnection {
        peering_id: String,
    },
    Gateway(gateways::GatewayCommand),
    Route(routes::RouteCommand),
    Address(addresses::AddressCommand),
    Nat(nat::NatCommand),
    Acl(acls::AclCommand),
    Dhcp(dhcp::DhcpCommand),
    Endpoint(endpoints::EndpointCommand),
    Cidr(cidr_blocks::CidrCommand),
    Transit(transit::TransitCommand),
    Insights(insights::InsightsCommand),
    FlowLog(flow_logs::FlowLogCommand),
    Vpn(vpn::VpnCommand),
    BlockPublicAccess(block_public_access::BpaCommand),
    /// How instances launched in a subnet are named: `ip-name` or `resource-name`.
    SetSubnetHostnameType {
        subnet_id: String,
        hostname_type: String,
    },
    ModifyPeeringOptions {
        peering_id: String,
        requester_dns: Option<bool>,
        accepter_dns: Option<bool>,
    },
    Org(OrgCommand),
    Iam(IamCommand),
    Ram(RamCommand),
}

/// Who asked, where and when: the context every command runs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub account: AccountId,
    pub region: Region,
    /// Milliseconds since the epoch, chosen before the command is logged.
    pub at: Millis,
    pub command: Command,
}

/// What a command made or changed, for the response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Done,
    Id(String),
    Rules(Vec<Rule>),
    Revoked {
        group_id: String,
        rules: Vec<Rule>,
        unknown: Vec<RuleSpec>,
    },
    Reservation(String),
    Terminated(Vec<(String, InstanceState, InstanceState)>),
    /// IPv6 addresses given to or taken from an interface.
    Ipv6Addresses(Vec<std::net::Ipv6Addr>),
    /// Private IPv4 addresses given to an interface.
    PrivateIps(Vec<std::net::Ipv4Addr>),
    /// A VPC's IPv4 block association made or ended.
    Ipv4 {
        vpc_id: String,
        association_id: String,
        cidr: ipnet::Ipv4Net,
    },
    /// What a batch made, and what it could not do: (resource id, error code, message).
    Batch {
        made: Vec<String>,
        failed: Vec<(String, String, String)>,
    },
    /// What a batch could not do: (resource id, error code, message).
    Unsuccessful(Vec<(String, String, String)>),
    /// A CIDR block association made or ended: the VPC or subnet, the association, the block.
    Ipv6 {
        resource_id: String,
        association: Ipv6Block,
    },
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Cloud {
    /// From the command line, not the snapshot: see [`Cloud::restored`].
    #[serde(skip)]
    pub limits: Limits,
    pub vpcs: HashMap<String, Vpc>,
    pub subnets: HashMap<String, Subnet>,
    /// Boxed so the table's spare slots cost a pointer each, not a whole group.
    pub groups: HashMap<Id, Box<SecurityGroup>>,
    pub interfaces: HashMap<String, NetworkInterface>,
    pub instances: HashMap<String, Instance>,
    pub route_tables: HashMap<String, RouteTable>,
    pub network_acls: HashMap<String, NetworkAcl>,
    pub prefix_lists: HashMap<String, PrefixList>,
    pub peerings: HashMap<String, VpcPeering>,
    #[serde(default)]
    pub internet_gateways: HashMap<String, gateways::InternetGateway>,
    #[serde(default)]
    pub egress_only_gateways: HashMap<String, gateways::EgressOnlyGateway>,
    #[serde(default)]
    pub addresses: HashMap<String, addresses::Address>,
    #[serde(default)]
    pub nat_gateways: HashMap<String, nat::NatGateway>,
    #[serde(default)]
    pub dhcp_options: HashMap<String, dhcp::DhcpOptions>,
    #[serde(default)]
    pub endpoints: HashMap<String, endpoints::VpcEndpoint>,
    #[serde(default)]
    pub flow_logs: HashMap<String, flow_logs::FlowLog>,
    #[serde(default)]
    pub vpn_gateways: HashMap<String, vpn::VpnGateway>,
    /// Account → Region → its Block Public Access setting, once changed.
    #[serde(default)]
    pub bpa_options: HashMap<AccountId, HashMap<Region, block_public_access::BpaOptions>>,
    #[serde(default)]
    pub bpa_exclusions: HashMap<String, block_public_access::BpaExclusion>,
    #[serde(default)]
    pub customer_gateways: HashMap<String, vpn::CustomerGateway>,
    #[serde(default)]
    pub transit_gateways: HashMap<String, transit::TransitGateway>,
    #[serde(default)]
    pub tgw_attachments: HashMap<String, transit::TgwAttachment>,
    #[serde(default)]
    pub tgw_route_tables: HashMap<String, transit_routes::TgwRouteTable>,
    #[serde(default)]
    pub insights_paths: HashMap<String, insights::InsightsPath>,
    #[serde(default)]
    pub insights_analyses: HashMap<String, insights::InsightsAnalysis>,
    /// Rule id → the id of the group that holds it.
    pub rule_index: HashMap<Id, Id>,
    #[serde(skip)]
    group_names: group_names::GroupNames,
    /// Set while a log is replayed: decisions about who may do what (trust policies) were
    /// made when each command was accepted and are not made again.
    #[serde(skip)]
    pub replaying: bool,
    /// (group, VPC) for every security-group VPC association.
    group_vpcs: BTreeSet<(String, String)>,
    /// Account → Region → what it owns there.
    scopes: HashMap<AccountId, HashMap<Region, Scope>>,
    /// Account → Region → what RAM shares grant it there (derived; see `visibility`).
    granted: HashMap<AccountId, HashMap<Region, Scope>>,
    /// VPC owner → Region → other accounts' groups, interfaces and instances in its VPCs.
    guests: HashMap<AccountId, HashMap<Region, Scope>>,
    pub orgs: org::Organizations,
    pub iam: iam::Iam,
    pub ram: ram::Ram,
}

impl Cloud {
    pub fn new(limits: Limits) -> Self {
        Cloud {
            limits,
            ..Cloud::default()
        }
    }

    /// A cloud read back from a snapshot, with what a snapshot leaves out put back: the limits
    /// (they come from the command line) and the group-name index.
    pub fn restored(mut self, limits: Limits) -> Cloud {
        self.limits = limits;
        for g in self.groups.values() {
            self.group_names.insert(&self.groups, g);
        }
        self
    }

    pub fn scope(&self, account: &str, region: &str) -> Option<&Scope> {
        self.scopes.get(account)?.get(region)
    }

    pub(crate) fn scope_mut(&mut self, account: &str, region: &str) -> &mut Scope {
        self.scopes
            .entry(account.to_string())
            .or_default()
            .entry(region.to_string())
            .or_default()
    }

    pub fn region_opened(&self, account: &str, region: &str) -> bool {
        self.scope(account, region).is_some_and(|s| s.opened)
    }

    /// Apply one command. On error nothing has changed.
    pub fn execute(&mut self, env: &Envelope, ids: &mut Ids) -> Result<Outcome> {
        let caller = Caller::new(&env.account, &env.region);
        let at = env.at;
        match &env.command {
            Command::OpenRegion => self.open_region(&caller, ids),
            Command::CreateVpc {
                cidr,
                instance_tenancy,
                tags,
                amazon_ipv6,
            } => self.create_vpc(
                &caller,
                ids,
                *cidr,
                instance_tenancy.clone(),
                tags,
                *amazon_ipv6,
            ),
            Command::CreateDefaultVpc => self.create_default_vpc(&caller, ids),
            Command::DeleteVpc { vpc_id } => self.delete_vpc(&caller, vpc_id),
            Command::ModifyVpcAttribute {
                vpc_id,
                attribute,
                value,
            } => self.modify_vpc_attribute(&caller, vpc_id, *attribute, *value),
            Command::CreateSubnet(new) => self.create_subnet(&caller, ids, new),
            Command::AssociateVpcIpv6 { vpc_id } => self.associate_vpc_ipv6(&caller, ids, vpc_id),
            Command::DisassociateVpcIpv6 { association_id } => {
                self.disassociate_vpc_ipv6(&caller, association_id)
            }
            Command::AssociateSubnetIpv6 { subnet_id, cidr } => {
                self.associate_subnet_ipv6(&caller, ids, subnet_id, *cidr)
            }
            Command::DisassociateSubnetIpv6 { association_id } => {
                self.disassociate_subnet_ipv6(&caller, association_id)
            }
            Command::DeleteSubnet { subnet_id } => self.delete_subnet(&caller, subnet_id),
            Command::ModifySubnetAttribute {
                subnet_id,
                attribute,
                value,
            } => self.modify_subnet_attribute(&caller, subnet_id, *attribute, *value),
            Command::CreateSecurityGroup {
                name,
                description,
                vpc_id,
                tags,
            } => self.create_group(&caller, ids, name, description, vpc_id.as_deref(), tags),
            Command::DeleteSecurityGroup { group } => self.delete_group(&caller, group),
            Command::AssociateSecurityGroupVpc { group_id, vpc_id } => {
                self.associate_group_vpc(&caller, group_id, vpc_id)
            }
            Command::DisassociateSecurityGroupVpc { group_id, vpc_id } => {
                self.disassociate_group_vpc(&caller, group_id, vpc_id)
            }
            Command::AuthorizeRules {
                group,
                egress,
                rules,
                tags,
            } => self.authorize(&caller, ids, group, *egress, rules, tags),
            Command::RevokeRules {
                group,
                egress,
                revoke,
            } => self.revoke(&caller, group, *egress, revoke),
            Command::ModifyRules { group_id, changes } => {
                self.modify_rules(&caller, group_id, changes)
            }
            Command::UpdateRuleDescriptions {
                group,
                egress,
                by_id,
                by_rule,
            } => self.update_rule_descriptions(&caller, group, *egress, by_id, by_rule),
            Command::CreateTags { resources, tags } => self.create_tags(&caller, resources, tags),
            Command::DeleteTags { resources, tags } => self.delete_tags(&caller, resources, tags),
            Command::CreateNetworkInterface {
                subnet_id,
                groups,
                description,
                private_ip,
                secondary_ips,
                secondary_count,
                interface_type,
                tags,
                ipv6,
            } => self.create_interface(
                &caller,
                ids,
                eni::NewInterface {
                    subnet_id,
                    groups,
                    description: description.clone(),
                    private_ip: *private_ip,
                    secondary_ips,
                    secondary_count: *secondary_count,
                    interface_type: interface_type.clone(),
                    tags,
                    ipv6,
                },
            ),
            Command::AssignIpv6Addresses {
                interface_id,
                request,
            } => self.assign_ipv6(&caller, ids, interface_id, request),
            Command::UnassignIpv6Addresses {
                interface_id,
                addresses,
            } => self.unassign_ipv6(&caller, interface_id, addresses),
            Command::AssignPrivateIps {
                interface_id,
                addresses,
                count,
            } => self.assign_private_ips(&caller, interface_id, addresses, *count),
            Command::UnassignPrivateIps {
                interface_id,
                addresses,
            } => self.unassign_private_ips(&caller, interface_id, addresses),
            Command::ModifyNetworkInterface {
                interface_id,
                change,
            } => self.modify_interface(&caller, interface_id, change),
            Command::DeleteNetworkInterface { interface_id } => {
                self.delete_interface(&caller, interface_id)
            }
            Command::RunInstances(spec) => self.run_instances(&caller, ids, at, spec),
            Command::TerminateInstances { instance_ids } => {
                self.terminate_instances(&caller, instance_ids)
            }
            Command::CreateManagedPrefixList(new) => self.create_prefix_list(&caller, ids, new),
            Command::ModifyManagedPrefixList {
                prefix_list_id,
                change,
            } => self.modify_prefix_list(&caller, prefix_list_id, change),
            Command::DeleteManagedPrefixList { prefix_list_id } => {
                self.delete_prefix_list(&caller, prefix_list_id)
            }
            Command::CreateVpcPeeringConnection(request) => {
                self.create_peering(&caller, ids, at, request)
            }
            Command::AnswerVpcPeeringConnection { peering_id, accept } => {
                self.answer_peering(&caller, at, peering_id, *accept)
            }
            Command::DeleteVpcPeeringConnection { peering_id } => {
                self.delete_peering(&caller, at, peering_id)
            }
            Command::Gateway(command) => self.gateway_execute(&caller, ids, command),
            Command::Route(command) => self.route_execute(&caller, ids, command),
            Command::Address(command) => self.address_execute(&caller, ids, command),
            Command::Nat(command) => self.nat_execute(&caller, ids, at, command),
            Command::Acl(command) => self.acl_execute(&caller, ids, command),
            Command::Dhcp(command) => self.dhcp_execute(&caller, ids, command),
            Command::Endpoint(command) => self.endpoint_execute(&caller, ids, at, command),
            Command::Cidr(command) => self.cidr_execute(&caller, ids, command),
            Command::Transit(command) => self.transit_execute(&caller, ids, at, command),
            Command::Insights(command) => self.insights_execute(&caller, ids, at, command),
            Command::FlowLog(command) => self.flow_log_execute(&caller, ids, at, command),
            Command::Vpn(command) => self.vpn_execute(&caller, ids, command),
            Command::BlockPublicAccess(command) => self.bpa_execute(&caller, ids, at, command),
            Command::SetSubnetHostnameType {
                subnet_id,
                hostname_type,
            } => self.set_subnet_hostname_type(&caller, subnet_id, hostname_type),
            Command::ModifyPeeringOptions {
                peering_id,
                requester_dns,
                accepter_dns,
            } => {
                self.modify_peering_options(&caller, at, peering_id, *requester_dns, *accepter_dns)
            }
            Command::Org(command) => self.org_execute(&env.account, ids, at, command),
            Command::Iam(command) => self.iam_execute(&env.account, ids, at, command),
            Command::Ram(command) => self.ram_execute(&env.account, &env.region, ids, at, command),
        }
    }
}

/// One page of a describe and the token for the next, if any.
pub type Paged<T> = (Vec<T>, Option<String>);

/// Paging of a describe: items come in id order; the token is the last id handed out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub max_results: Option<usize>,
    pub next_token: Option<String>,
}

impl Page {
    /// Tokens are the hex of the last key handed out: opaque, XML-safe, and checkable.
    fn cursor(&self) -> Result<Option<String>> {
        let Some(token) = &self.next_token else {
            return Ok(None);
        };
        hex::decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(|| {
                Error::invalid_value(format!(
                    "Value ({token}) for parameter NextToken is invalid. The token is invalid."
                ))
            })
    }

    pub fn apply<'a, T: 'a>(
        &self,
        items: impl Iterator<Item = &'a T>,
        id: impl Fn(&T) -> &str,
    ) -> Result<Paged<&'a T>> {
        let cursor = self.cursor()?;
        let mut items = items.skip_while(|x| cursor.as_ref().is_some_and(|c| id(x) <= c.as_str()));
        let Some(max) = self.max_results else {
            return Ok((items.collect(), None));
        };
        let page: Vec<&T> = items.by_ref().take(max).collect();
        let next = match (items.next(), page.last()) {
            (Some(_), Some(last)) => Some(hex::encode(id(last))),
            _ => None,
        };
        Ok((page, next))
    }
}

impl Page {
    /// [`Page::apply`] for items a describe builds itself rather than borrows from the cloud:
    /// the page is taken out of `items` (ids unique, in order).
    pub fn apply_owned<T>(&self, items: Vec<T>, id: impl Fn(&T) -> &str) -> Result<Paged<T>> {
        let (first, count, next) = {
            let (page, next) = self.apply(items.iter(), &id)?;
            (page.first().map(|x| id(x).to_string()), page.len(), next)
        };
        let out = items
            .into_iter()
            .skip_while(|x| Some(id(x)) != first.as_deref())
            .take(count)
            .collect();
        Ok((out, next))
    }
}

/// What a describe needs to know about one kind of resource.
pub(crate) trait Listed: Sized {
    /// The filter that names ids exactly: answered by lookup instead of a scan.
    const ID_FILTER: &'static str;
    fn id(&self) -> &String;
    fn tags(&self) -> &[Tag];
    fn all(cloud: &Cloud) -> &HashMap<String, Self>;
    fn owned_by(scope: &Scope) -> &BTreeSet<Id>;
    fn visible<'a>(cloud: &'a Cloud, c: &Caller, id: &str) -> Result<&'a Self>;
    fn seen_by(cloud: &Cloud, c: &Caller, x: &Self) -> bool;
    fn values(cloud: &Cloud, x: &Self, filter: &str) -> Option<Vec<String>>;
}

impl Cloud {
    /// The one shape of every describe: explicit ids must all be visible (else the kind's
    /// not-found error); otherwise the caller's resources, narrowed by an exact id filter when
    /// there is one. Then visibility, filters and paging, in id order.
    pub(crate) fn describe<T: Listed>(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        known_filters: &[&str],
        page: &Page,
    ) -> Result<Paged<&T>> {
        filter::validate(filters, known_filters)?;
        let found: Vec<&T> = if ids.is_empty() {
            self.candidates(
                c,
                T::owned_by,
                T::all(self),
                filter::exact_ids(filters, T::ID_FILTER),
            )
        } else {
            let mut v = ids
                .iter()
                .map(|id| T::visible(self, c, id))
                .collect::<Result<Vec<_>>>()?;
            v.sort_by(|a, b| a.id().cmp(b.id()));
            v.dedup_by(|a, b| a.id() == b.id());
            v
        };
        let found = found.into_iter().filter(|x| {
            T::seen_by(self, c, x)
                && filter::matches_with(x.tags(), filters, |name| T::values(self, x, name))
        });
        page.apply(found, |x| x.id())
    }

    /// What a describe without explicit ids starts from, in id order: the objects named by an
    /// exact id filter when there is one (an index lookup), else everything in the caller's
    /// scope. Visibility and the remaining filters are applied by the caller.
    pub(crate) fn candidates<'a, K, V, T: 'a>(
        &'a self,
        c: &Caller,
        field: impl Fn(&Scope) -> &BTreeSet<Id>,
        map: &'a HashMap<K, V>,
        exact: Option<Vec<&str>>,
    ) -> Vec<&'a T>
    where
        K: Borrow<str> + std::hash::Hash + Eq,
        V: Borrow<T>,
    {
        let get = |id: &str| map.get(id).map(Borrow::borrow);
        match exact {
            Some(mut ids) => {
                ids.sort_unstable();
                ids.dedup();
                ids.into_iter().filter_map(get).collect()
            }
            None => {
                let own = self.scope(&c.account, &c.region).map(&field);
                let extra: Vec<&BTreeSet<Id>> = [self.granted(c), self.guests(c)]
                    .into_iter()
                    .flatten()
                    .map(&field)
                    .filter(|s| !s.is_empty())
                    .collect();
                if extra.is_empty() {
                    return own
                        .map(|s| s.iter().filter_map(|id| get(id)).collect())
                        .unwrap_or_default();
                }
                let mut ids: Vec<&Id> = own.into_iter().chain(extra).flatten().collect();
                ids.sort_unstable();
                ids.dedup();
                ids.into_iter().filter_map(|id| get(id)).collect()
            }
        }
    }
}
