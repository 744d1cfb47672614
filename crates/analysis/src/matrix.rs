//! Every ordered pair of interfaces in a VPC or an account. Most pairs of a real matrix are
//! refused by a group, so each interface's group rules are first compiled down to those of the
//! protocol and ports asked about; a pair that no rule could admit (even supposing group
//! references carry, their most permissive case) is not reachable without further work. The
//! other pairs get the full analysis, on as many threads as there are cores.

use crate::ports::PortSet;
use crate::reach::{analyze_by_id, Protocol, Query};
use cloud::insights::Findings;
use cloud::model::{NetworkInterface, Peer};
use cloud::Cloud;
use ipnet::{IpNet, Ipv4Net};

/// What a compiled rule admits.
enum Admits {
    Net(Ipv4Net),
    Nets(Vec<Ipv4Net>),
    Group(String),
}

/// An interface's rules, one direction, narrowed to the question's protocol and ports.
struct Rules(Vec<Admits>);

impl Rules {
    fn compile(
        cloud: &Cloud,
        e: &NetworkInterface,
        egress: bool,
        p: Protocol,
        ports: &PortSet,
    ) -> Rules {
        let mut out = Vec::new();
        for g in e
            .groups
            .iter()
            .filter_map(|id| cloud.groups.get(id.as_str()))
        {
            for r in if egress { &g.egress } else { &g.ingress } {
                let proto = r.protocol.as_str();
                let covers = if proto == "-1" {
                    true
                } else if proto == p.name() || proto == p.number() {
                    match (r.from_port, r.to_port) {
                        (Some(a), Some(b)) if a >= 0 && b >= 0 => !ports
                            .intersect(&PortSet::range(
                                u16::try_from(a).unwrap_or(u16::MAX),
                                u16::try_from(b).unwrap_or(u16::MAX),
                            ))
                            .is_empty(),
                        _ => true,
                    }
                } else {
                    false
                };
                if !covers {
                    continue;
                }
                out.push(match &r.peer {
                    Peer::Cidr4(n) => Admits::Net(*n),
                    Peer::Cidr6(_) => continue,
                    Peer::PrefixList(id) => Admits::Nets(
                        cloud
                            .prefix_lists
                            .get(id.as_str())
                            .map(|pl| {
                                pl.entries()
                                    .iter()
                                    .filter_map(|x| match x.cidr {
                                        IpNet::V4(n) => Some(n),
                                        IpNet::V6(_) => None,
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ),
                    Peer::Group(g) => Admits::Group(g.group_id.to_string()),
                });
            }
        }
        Rules(out)
    }

    /// Whether any rule could admit the other end.
    fn could_admit(&self, other: &NetworkInterface) -> bool {
        let a = other.private_ip;
        self.0.iter().any(|r| match r {
            Admits::Net(n) => n.contains(&a),
            Admits::Nets(ns) => ns.iter().any(|n| n.contains(&a)),
            Admits::Group(g) => other.groups.iter().any(|x| x == g),
        })
    }
}

/// The pairs of a scope: how many there are, and those found reachable, each with its
/// analysis.
pub struct Matrix {
    pub pairs: usize,
    pub found: Vec<(Query, Findings)>,
}

/// Every ordered pair of distinct interfaces in a VPC (`vpc-…`) or an account (its 12
/// digits), analysed on one protocol and set of ports.
pub fn matrix(cloud: &Cloud, scope: &str, protocol: Protocol, ports: &PortSet) -> Matrix {
    let mut members: Vec<&NetworkInterface> = cloud
        .interfaces
        .values()
        .filter(|e| e.vpc_id == scope || e.owner == scope)
        .collect();
    members.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let compiled: Vec<(Rules, Rules)> = members
        .iter()
        .map(|e| {
            (
                Rules::compile(cloud, e, true, protocol, ports),
                Rules::compile(cloud, e, false, protocol, ports),
            )
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let chunk = members.len().div_ceil(threads).max(1);
    let found: Vec<(Query, Findings)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..members.len())
            .step_by(chunk)
            .map(|start| {
                let (members, compiled) = (&members, &compiled);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for i in start..(start + chunk).min(members.len()) {
                        for (j, dst) in members.iter().enumerate() {
                            if i == j
                                || !compiled[i].0.could_admit(dst)
                                || !compiled[j].1.could_admit(members[i])
                            {
                                continue;
                            }
                            let q = Query {
                                source: members[i].id.clone(),
                                destination: Some(dst.id.clone()),
                                source_ip: None,
                                destination_ip: None,
                                protocol,
                                source_ports: PortSet::all(),
                                destination_ports: ports.clone(),
                            };
                            let f = analyze_by_id(cloud, &q);
                            if f.path_found {
                                out.push((q, f));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a matrix worker"))
            .collect()
    });
    Matrix {
        pairs: members.len() * members.len().saturating_sub(1),
        found,
    }
}
