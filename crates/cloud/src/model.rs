//! The objects of the cloud. Every resource records its owner account and Region; ids are
//! globally unique, so the maps in [`crate::Cloud`] are keyed by id alone.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

pub type AccountId = String;
pub type Region = String;

/// Short text kept inline (up to 24 bytes without a heap allocation): the ids, names, owner
/// and Region of security groups and rules, which come by the hundred thousand — a heap
/// allocation for each of their strings doubled their footprint.
pub type Id = compact_str::CompactString;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub cidr: Ipv4Net,
    pub cidr_association_id: String,
    pub is_default: bool,
    pub instance_tenancy: String,
    pub dhcp_options_id: String,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub enable_network_address_usage_metrics: bool,
    pub default_group_id: String,
    pub main_route_table_id: String,
    pub default_acl_id: String,
    pub tags: Vec<Tag>,
    /// The Amazon-provided IPv6 block, when one is associated.
    #[serde(default)]
    pub ipv6: Option<Ipv6Block>,
    /// IPv4 blocks beside the primary one (`cidr`).
    #[serde(default)]
    pub secondary_cidrs: Vec<crate::cidr_blocks::CidrAssociation>,
}

/// An IPv6 CIDR block associated with a VPC (an Amazon-provided /56) or a subnet (a /64 of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6Block {
    pub association_id: String,
    pub cidr: Ipv6Net,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    /// None for an IPv6-only subnet.
    pub cidr: Option<Ipv4Net>,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_address_on_creation: bool,
    pub enable_dns64: bool,
    pub enable_resource_name_dns_a_record: bool,
    pub hostname_type: String,
    #[serde(default)]
    pub enable_resource_name_dns_aaaa_record: bool,
    /// Host addresses in use by ENIs, for allocation and the available-address count.
    pub used: BTreeSet<Ipv4Addr>,
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub ipv6: Option<Ipv6Block>,
}

impl Subnet {
    /// AWS reserves the network address, the next three and the broadcast address.
    pub fn available_ip_count(&self) -> i64 {
        let Some(cidr) = self.cidr else { return 0 };
        let total = 1i64 << (32 - cidr.prefix_len());
        total - 5 - self.used.len() as i64
    }

    /// Whether the subnet has no IPv4 range (its resources have IPv6 addresses only).
    pub fn ipv6_native(&self) -> bool {
        self.cidr.is_none()
    }
}

/// Where a rule lets traffic come from (ingress) or go to (egress): exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Peer {
    Cidr4(Ipv4Net),
    Cidr6(Ipv6Net),
    PrefixList(Id),
    /// Boxed: group peers are the rarer kind, and inline they would triple every rule's peer.
    Group(Box<GroupPeer>),
}

/// A security group a rule refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupPeer {
    pub group_id: Id,
    /// Owner of the referenced group.
    pub user_id: Id,
    pub vpc_peering_connection_id: Option<Id>,
}

impl Peer {
    pub fn group(group_id: Id, user_id: Id, vpc_peering_connection_id: Option<Id>) -> Peer {
        Peer::Group(Box::new(GroupPeer {
            group_id,
            user_id,
            vpc_peering_connection_id,
        }))
    }

    /// The referenced group, for a group peer.
    pub fn group_peer(&self) -> Option<&GroupPeer> {
        match self {
            Peer::Group(g) => Some(g),
            _ => None,
        }
    }
}

/// One rule: a direction, a protocol, a port range and a single peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: Id,
    pub egress: bool,
    /// `-1`, `tcp`, `udp`, `icmp`, `icmpv6`, or another protocol number as text.
    pub protocol: Id,
    /// Absent for protocols without ports (`-1`, and numbers other than tcp/udp/icmp).
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: Option<String>,
    pub tags: Vec<Tag>,
}

impl Rule {
    /// What makes two rules the same rule: everything but the id, description and tags.
    pub fn same_as(&self, other: &Rule) -> bool {
        self.egress == other.egress
            && self.protocol == other.protocol
            && self.from_port == other.from_port
            && self.to_port == other.to_port
            && self.peer == other.peer
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: Id,
    pub owner: Id,
    pub region: Id,
    pub vpc_id: Id,
    pub name: Id,
    pub description: Id,
    #[serde(deserialize_with = "exact")]
    pub ingress: Vec<Rule>,
    #[serde(deserialize_with = "exact")]
    pub egress: Vec<Rule>,
    #[serde(deserialize_with = "exact")]
    pub tags: Vec<Tag>,
}

/// A list read back at its exact length. Reading grows a list step by step; the slack left in
/// each of thousands of groups would outweigh the rules themselves.
fn exact<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let grown = Vec::<T>::deserialize(d)?;
    let mut fitted = Vec::with_capacity(grown.len());
    fitted.extend(grown);
    Ok(fitted)
}

impl SecurityGroup {
    pub fn is_default(&self) -> bool {
        self.name == "default"
    }

    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.ingress.iter().chain(self.egress.iter())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub instance_id: String,
    pub instance_owner: AccountId,
    pub device_index: i32,
    pub attached_at: Millis,
    pub delete_on_termination: bool,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub description: String,
    pub private_ip: Ipv4Addr,
    pub secondary_ips: Vec<Ipv4Addr>,
    pub mac: String,
    pub groups: Vec<String>,
    pub source_dest_check: bool,
    pub interface_type: String,
    pub requester_managed: bool,
    pub attachment: Option<Attachment>,
    pub tags: Vec<Tag>,
    /// From the subnet's IPv6 block.
    #[serde(default)]
    pub ipv6_addresses: Vec<Ipv6Addr>,
    /// The public address AWS gave the primary private address at launch (not an Elastic IP;
    /// an Elastic IP mapped there takes its place).
    #[serde(default)]
    pub public_ip: Option<std::net::Ipv4Addr>,
}

impl NetworkInterface {
    pub fn status(&self) -> &'static str {
        if self.attachment.is_some() {
            "in-use"
        } else {
            "available"
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    pub fn code(self) -> i32 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub reservation_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub private_ip: Ipv4Addr,
    pub network_interface_ids: Vec<String>,
    pub state: InstanceState,
    pub launched_at: Millis,
    pub ami_launch_index: i32,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    /// The VPC's main association when this is its main table; empty otherwise.
    pub main_association_id: String,
    pub tags: Vec<Tag>,
    /// Routes besides the VPC's local ones (which follow its blocks and are not stored).
    #[serde(default)]
    pub routes: Vec<crate::routes::Route>,
    #[serde(default)]
    pub associations: Vec<crate::routes::SubnetAssociation>,
    /// Edge associations: internet or virtual private gateways whose inbound traffic this
    /// table routes.
    #[serde(default)]
    pub gateway_associations: Vec<crate::routes::GatewayAssociation>,
    /// Virtual private gateways whose routes this table propagates.
    #[serde(default)]
    pub propagating_vgws: Vec<String>,
}

impl RouteTable {
    pub fn routes_to_prefix_list(&self, id: &str) -> bool {
        self.routes
            .iter()
            .any(|r| matches!(&r.destination, crate::routes::Destination::PrefixList(p) if p == id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    pub tags: Vec<Tag>,
    /// Its numbered entries; `None` while a default ACL keeps AWS's (see `acls`).
    #[serde(default)]
    pub entries: Option<Vec<crate::acls::AclEntry>>,
    /// Subnets moved onto it (a default ACL also holds the VPC's other subnets implicitly).
    #[serde(default)]
    pub associations: Vec<crate::acls::AclAssociation>,
}
