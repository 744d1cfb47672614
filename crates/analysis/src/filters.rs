//! What a security group or a network ACL lets through, as the ports left of a wanted set.
//! Groups allow the union of their matching rules; an ACL decides each port by its
//! lowest-numbered matching entry.

use crate::ports::PortSet;
use crate::reach::Protocol;
use cloud::acls::AclEntry;
use cloud::insights::{AclRuleHit, GroupRuleHit};
use cloud::model::{NetworkInterface, Peer, Rule};
use cloud::Cloud;
use ipnet::IpNet;
use std::net::Ipv4Addr;

/// The other end of a packet as a group rule sees it: its address, and the interface holding
/// it when group references can name it (same VPC, a peering, a gateway that keeps them).
#[derive(Clone, Copy)]
pub struct Remote<'a> {
    pub address: Ipv4Addr,
    pub interface: Option<&'a NetworkInterface>,
}

fn rule_ports(rule: &Rule, p: Protocol) -> Option<PortSet> {
    let proto = rule.protocol.as_str();
    if proto == "-1" {
        return Some(PortSet::all());
    }
    if proto != p.name() && proto != p.number() {
        return None;
    }
    Some(match (rule.from_port, rule.to_port) {
        (Some(from), Some(to)) if from >= 0 && to >= 0 => PortSet::range(
            u16::try_from(from).unwrap_or(u16::MAX),
            u16::try_from(to).unwrap_or(u16::MAX),
        ),
        _ => PortSet::all(),
    })
}

fn peer_matches(cloud: &Cloud, peer: &Peer, remote: Remote<'_>) -> bool {
    match peer {
        Peer::Cidr4(net) => net.contains(&remote.address),
        Peer::Cidr6(_) => false,
        Peer::PrefixList(id) => cloud.prefix_lists.get(id.as_str()).is_some_and(|pl| {
            pl.entries()
                .iter()
                .any(|e| matches!(e.cidr, IpNet::V4(n) if n.contains(&remote.address)))
        }),
        Peer::Group(g) => remote
            .interface
            .is_some_and(|e| e.groups.iter().any(|x| *x == *g.group_id)),
    }
}

fn protocol_name(proto: &str) -> String {
    match proto {
        "-1" => "all".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        other => other.into(),
    }
}

/// The ports of `wanted` the groups allow in one direction, and the rule that allows the first.
pub fn group_ports(
    cloud: &Cloud,
    groups: &[String],
    egress: bool,
    p: Protocol,
    remote: Remote<'_>,
    wanted: &PortSet,
) -> (PortSet, Option<GroupRuleHit>) {
    let mut allowed = PortSet::empty();
    let mut matching: Vec<(&str, &Rule, PortSet)> = Vec::new();
    for g in groups.iter().filter_map(|id| cloud.groups.get(id.as_str())) {
        let rules = if egress { &g.egress } else { &g.ingress };
        for rule in rules {
            let Some(ports) = rule_ports(rule, p) else {
                continue;
            };
            if peer_matches(cloud, &rule.peer, remote) {
                allowed = allowed.union(&ports);
                matching.push((&g.id, rule, ports));
            }
        }
    }
    let allowed = allowed.intersect(wanted);
    let hit = allowed.first().and_then(|port| {
        let (group, rule, _) = matching.iter().find(|(_, _, ports)| ports.contains(port))?;
        let (cidr, prefix_list, referenced_group) = match &rule.peer {
            Peer::Cidr4(n) => (Some(n.to_string()), None, None),
            Peer::Cidr6(n) => (Some(n.to_string()), None, None),
            Peer::PrefixList(id) => (None, Some(id.to_string()), None),
            Peer::Group(g) => (None, None, Some(g.group_id.to_string())),
        };
        Some(GroupRuleHit {
            group_id: group.to_string(),
            direction: if egress { "egress" } else { "ingress" }.into(),
            cidr,
            prefix_list,
            referenced_group,
            ports: match (rule.from_port, rule.to_port) {
                (Some(a), Some(b)) if rule.protocol != "-1" => Some((a, b)),
                _ => None,
            },
            protocol: protocol_name(&rule.protocol),
        })
    });
    (allowed, hit)
}

/// One direction of a subnet's ACL for a remote address: its matching entries in rule order.
pub struct AclCheck {
    pub acl_id: String,
    entries: Vec<(AclEntry, PortSet)>,
}

impl AclCheck {
    pub fn of(
        cloud: &Cloud,
        subnet_id: &str,
        egress: bool,
        p: Protocol,
        remote: Ipv4Addr,
    ) -> Option<AclCheck> {
        let (acl, _) = cloud.acl_of_subnet(subnet_id)?;
        let entries = cloud
            .acl_rules(acl)
            .into_iter()
            .filter(|e| e.egress == egress)
            .filter(|e| matches!(e.cidr, IpNet::V4(n) if n.contains(&remote)))
            .filter(|e| e.protocol == "-1" || e.protocol == p.number())
            .map(|e| {
                let ports = match e.ports {
                    Some((a, b)) if e.protocol != "-1" => PortSet::range(
                        u16::try_from(a).unwrap_or(0),
                        u16::try_from(b).unwrap_or(u16::MAX),
                    ),
                    _ => PortSet::all(),
                };
                (e, ports)
            })
            .collect();
        Some(AclCheck {
            acl_id: acl.id.clone(),
            entries,
        })
    }

    /// The ports of `wanted` the ACL allows.
    pub fn allowed(&self, wanted: &PortSet) -> PortSet {
        let mut remaining = wanted.clone();
        let mut allowed = PortSet::empty();
        for (e, ports) in &self.entries {
            let decided = remaining.intersect(ports);
            if e.allow {
                allowed = allowed.union(&decided);
            }
            remaining = remaining.minus(ports);
            if remaining.is_empty() {
                break;
            }
        }
        allowed
    }

    /// The entry deciding one port.
    pub fn rule_for(&self, port: u16) -> Option<AclRuleHit> {
        let (e, _) = self
            .entries
            .iter()
            .find(|(_, ports)| ports.contains(port))?;
        Some(AclRuleHit {
            cidr: e.cidr.to_string(),
            egress: e.egress,
            ports: e.ports.filter(|_| e.protocol != "-1"),
            protocol: protocol_name(&e.protocol),
            allow: e.allow,
            rule_number: e.rule_number,
        })
    }
}
