//! One path analysis: from an interface, an instance or an internet gateway to an interface,
//! an instance, an internet gateway or an address, on one protocol and a set of ports.
//!
//! The packet leaves through the source's groups (egress) and its subnet's ACL, follows its
//! subnet's route table (within the VPC, over a peering, through transit gateways, out of an
//! internet gateway directly or through a NAT gateway), enters through the destination
//! subnet's ACL and the destination's groups (ingress). Groups are stateful, so the reply
//! needs only the ACLs (stateless) and the routes back. A path is found when some wanted
//! destination port gets there and some wanted source port gets back.
//!
//! UNSURE: the internet, when a path names no address in it, is analysed as one public
//! address (`INTERNET_PROBE`); ACLs of transit-gateway attachment subnets are not evaluated;
//! a NAT gateway's source-port remapping is not modelled.

use crate::filters::{group_ports, AclCheck, Remote};
use crate::ports::PortSet;
use crate::refs;
use crate::routing::{self, Next};
use cloud::insights::{Explanation, Findings, Header, Hop, Ref};
use cloud::model::{NetworkInterface, RouteTable, Subnet};
use cloud::routes::Target;
use cloud::transit::TgwAttachment;
use cloud::Cloud;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    pub fn number(self) -> &'static str {
        match self {
            Protocol::Tcp => "6",
            Protocol::Udp => "17",
        }
    }

    pub fn parse(text: &str) -> Option<Protocol> {
        match text.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Some(Protocol::Tcp),
            "udp" | "17" => Some(Protocol::Udp),
            _ => None,
        }
    }
}

/// What to analyse.
#[derive(Debug, Clone)]
pub struct Query {
    /// An `eni-`, `i-` or `igw-` id.
    pub source: String,
    pub destination: Option<String>,
    pub source_ip: Option<Ipv4Addr>,
    pub destination_ip: Option<Ipv4Addr>,
    pub protocol: Protocol,
    pub source_ports: PortSet,
    pub destination_ports: PortSet,
}

/// The address standing for the internet when a path names none there.
pub const INTERNET_PROBE: Ipv4Addr = Ipv4Addr::new(8, 8, 8, 8);

/// Analyse one path in the cloud's current state.
pub fn analyze(cloud: &Cloud, q: &Query) -> Findings {
    walk(cloud, q, false)
}

/// Narrow an answer to the components a path must (`through`) and must not (`avoiding`)
/// traverse, named by ARN: a path found that breaks either is not found, with the component
/// named. (The analysis finds one path per question, so there is no other one to try.)
pub fn through_components(mut f: Findings, through: &[String], avoiding: &[String]) -> Findings {
    if !f.path_found {
        return f;
    }
    let traversed: Vec<&Ref> = f
        .forward
        .iter()
        .chain(f.back.iter())
        .flat_map(|h| [&h.component, &h.vpc, &h.subnet, &h.transit_gateway])
        .filter_map(|r| r.as_ref())
        .collect();
    let seen = |arn: &str| traversed.iter().any(|r| r.arn == arn);
    let broken = through
        .iter()
        .find(|arn| !seen(arn))
        .map(|arn| (arn, "COMPONENT_FILTER_RESTRICTION"))
        .or_else(|| {
            avoiding
                .iter()
                .find(|arn| seen(arn))
                .map(|arn| (arn, "COMPONENT_FILTER_RESTRICTION_REMOVED_COMPONENT"))
        });
    if let Some((arn, code)) = broken {
        f.path_found = false;
        f.explanations = vec![Explanation {
            component: Some(Ref {
                id: arn.rsplit('/').next().unwrap_or(arn).to_string(),
                arn: arn.clone(),
            }),
            ..explain(code)
        }];
    }
    f
}

/// The same answer without ARNs (components named by id only): for matrices of many pairs.
pub fn analyze_by_id(cloud: &Cloud, q: &Query) -> Findings {
    walk(cloud, q, true)
}

fn walk(cloud: &Cloud, q: &Query, ids_only: bool) -> Findings {
    let mut w = Walk {
        c: cloud,
        q,
        ids_only,
        forward: Vec::new(),
        back: Vec::new(),
        why: Vec::new(),
    };
    let found = w.run().is_some();
    Findings {
        path_found: found,
        forward: w.forward,
        back: w.back,
        explanations: w.why,
    }
}

pub(crate) fn explain(code: &str) -> Explanation {
    Explanation {
        code: code.to_string(),
        ..Explanation::default()
    }
}

pub(crate) fn host(a: Ipv4Addr) -> String {
    format!("{a}/32")
}

fn ranges(p: &PortSet) -> Vec<(i32, i32)> {
    p.ranges()
        .iter()
        .map(|&(a, b)| (i32::from(a), i32::from(b)))
        .collect()
}

/// Private, shared and reserved ranges: never reached through an internet gateway.
pub(crate) fn is_public(a: Ipv4Addr) -> bool {
    let o = a.octets();
    !(a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (64..128).contains(&o[1]))
        || o[0] >= 240)
}

/// How the packet crosses from the source's VPC to where it is going.
enum Leg<'a> {
    Local,
    Peering {
        id: String,
        peer_vpc: String,
    },
    Transit {
        tgw: String,
        /// The VPC attachment the packet arrives at.
        arrival: &'a TgwAttachment,
        hops: Vec<Hop>,
    },
    Internet {
        igw: String,
    },
    Nat {
        nat: String,
        subnet: &'a Subnet,
        igw: String,
        public_ip: Option<Ipv4Addr>,
        route: Box<Hop>,
    },
}

impl Leg<'_> {
    fn destination_vpc(&self, source_vpc: &str) -> Option<String> {
        match self {
            Leg::Local => Some(source_vpc.to_string()),
            Leg::Peering { peer_vpc, .. } => Some(peer_vpc.clone()),
            Leg::Transit { arrival, .. } => Some(arrival.vpc_id.clone()),
            Leg::Internet { .. } | Leg::Nat { .. } => None,
        }
    }
}

pub(crate) struct Walk<'a> {
    pub(crate) c: &'a Cloud,
    pub(crate) q: &'a Query,
    /// Components without their ARNs (looking owners up and formatting costs most of a pair).
    ids_only: bool,
    pub(crate) forward: Vec<Hop>,
    pub(crate) back: Vec<Hop>,
    pub(crate) why: Vec<Explanation>,
}

impl<'a> Walk<'a> {
    pub(crate) fn r(&self, id: &str) -> Ref {
        if self.ids_only {
            return Ref {
                id: id.to_string(),
                arn: String::new(),
            };
        }
        refs::of(self.c, id)
    }

    pub(crate) fn fail(&mut self, e: Explanation) -> Option<()> {
        self.why.push(e);
        None
    }

    pub(crate) fn header(&self, s: &str, d: &str, sp: &PortSet, dp: &PortSet) -> Header {
        Header {
            sources: vec![s.to_string()],
            destinations: vec![d.to_string()],
            source_ports: ranges(sp),
            destination_ports: ranges(dp),
            protocol: self.q.protocol.number().to_string(),
        }
    }

    /// An instance's primary interface, or the interface itself.
    pub(crate) fn interface(&self, id: &str) -> Option<&'a NetworkInterface> {
        if id.starts_with("i-") {
            let i = self.c.instances.get(id)?;
            return self.c.interfaces.get(i.network_interface_ids.first()?);
        }
        self.c.interfaces.get(id)
    }

    /// The public address mapped to an interface's private one: an Elastic IP, or the one
    /// given at launch.
    pub(crate) fn public_ip(&self, e: &NetworkInterface, private: Ipv4Addr) -> Option<Ipv4Addr> {
        self.c
            .addresses
            .values()
            .find(|a| {
                a.association
                    .as_ref()
                    .is_some_and(|x| x.interface_id == e.id && x.private_ip == private)
            })
            .map(|a| a.public_ip)
            .or(e.public_ip.filter(|_| private == e.private_ip))
    }

    pub(crate) fn holds(&self, e: &NetworkInterface, a: Ipv4Addr) -> bool {
        e.private_ip == a || e.secondary_ips.contains(&a)
    }

    pub(crate) fn subnet_of(&self, vpc_id: &str, a: Ipv4Addr) -> Option<&'a Subnet> {
        self.c
            .subnets
            .values()
            .find(|s| s.vpc_id == vpc_id && s.cidr.is_some_and(|c| c.contains(&a)))
    }

    pub(crate) fn interface_at(&self, vpc_id: &str, a: Ipv4Addr) -> Option<&'a NetworkInterface> {
        self.c
            .interfaces
            .values()
            .find(|e| e.vpc_id == vpc_id && self.holds(e, a))
    }

    pub(crate) fn table_of(&self, subnet: &Subnet) -> Option<&'a RouteTable> {
        self.c.table_of_subnet(&subnet.id, &subnet.vpc_id)
    }

    fn run(&mut self) -> Option<()> {
        let q = self.q;
        if q.source.starts_with("igw-") {
            return self.inbound(&q.source);
        }
        let Some(src) = self.interface(&q.source) else {
            return self.fail(Explanation {
                component: Some(self.r(&q.source)),
                ..explain("UNSUPPORTED_COMPONENT")
            });
        };
        self.outbound(src)
    }

    /// From an interface: out through its groups and subnet, across, and in at the other end.
    fn outbound(&mut self, src: &'a NetworkInterface) -> Option<()> {
        let (c, q) = (self.c, self.q);
        let s = q.source_ip.unwrap_or(src.private_ip);
        let src_subnet = c.subnets.get(&src.subnet_id)?;
        if !self.holds(src, s) {
            return self.fail(Explanation {
                network_interface: Some(self.r(&src.id)),
                address: Some(s.to_string()),
                packet_field: Some("source-address".into()),
                ..explain("ENI_ADDRESS_RESTRICTION")
            });
        }
        // Where to: an interface (or instance), an internet gateway, or an address.
        let mut dst_eni: Option<&'a NetworkInterface> = None;
        let mut dst_igw: Option<String> = None;
        let d = match q.destination.as_deref() {
            Some(id) if id.starts_with("igw-") => {
                dst_igw = Some(id.to_string());
                q.destination_ip.unwrap_or(INTERNET_PROBE)
            }
            Some(id) => {
                let Some(e) = self.interface(id) else {
                    return self.fail(Explanation {
                        component: Some(self.r(id)),
                        ..explain("UNSUPPORTED_COMPONENT")
                    });
                };
                dst_eni = Some(e);
                let d = q.destination_ip.unwrap_or(e.private_ip);
                if !self.holds(e, d) {
                    return self.fail(Explanation {
                        network_interface: Some(self.r(&e.id)),
                        address: Some(d.to_string()),
                        packet_field: Some("destination-address".into()),
                        ..explain("ENI_ADDRESS_RESTRICTION")
                    });
                }
                d
            }
            None => match q.destination_ip {
                Some(d) => d,
                None => return self.fail(explain("NO_SOURCE_OR_DESTINATION")),
            },
        };
        let (sp, dp) = (q.source_ports.clone(), q.destination_ports.clone());
        self.forward.push(Hop {
            component: Some(self.r(q.source.as_str())),
            vpc: Some(self.r(&src.vpc_id)),
            subnet: Some(self.r(&src.subnet_id)),
            outbound: Some(self.header(&host(s), &host(d), &sp, &dp)),
            ..Hop::default()
        });

        // The route first (silently): it decides whether group references carry across.
        let Some(table) = self.table_of(src_subnet) else {
            return self.fail(Explanation {
                subnet: Some(self.r(&src.subnet_id)),
                vpc: Some(self.r(&src.vpc_id)),
                ..explain("NO_ROUTE_TO_DESTINATION")
            });
        };
        let route = routing::vpc_route(c, table, d);
        let leg = route.as_ref().map(|r| self.leg(src, src_subnet, r, d));
        let dst_vpc = match &leg {
            Some(Ok(l)) => l.destination_vpc(&src.vpc_id),
            _ => None,
        };
        if dst_eni.is_none() {
            dst_eni = dst_vpc.as_deref().and_then(|v| self.interface_at(v, d));
        }
        let keeps_references = match &leg {
            Some(Ok(Leg::Local)) | Some(Ok(Leg::Peering { .. })) => true,
            Some(Ok(Leg::Transit { tgw, arrival, .. })) => {
                self.transit_keeps_references(tgw, src, arrival)
            }
            _ => false,
        };
        let remote = Remote {
            address: d,
            interface: dst_eni.filter(|_| keeps_references),
        };

        // Out through the source's groups.
        let dp = self.groups(src, true, remote, &dp)?;

        // The destination's subnet, when the packet ends in one.
        let dst_subnet: Option<&'a Subnet> = match (&dst_vpc, dst_eni) {
            (Some(_), Some(e)) => c.subnets.get(&e.subnet_id),
            (Some(v), None) => self.subnet_of(v, d),
            _ => None,
        };
        let crosses = dst_subnet.is_none_or(|x| x.id != src_subnet.id);

        // Out through the source subnet's ACL.
        let dp = if crosses {
            self.acl(src_subnet, true, d, &dp, false)?
        } else {
            dp
        };

        // The route, and what it leads through.
        let Some(route) = route else {
            return self.fail(Explanation {
                route_table: Some(self.r(&table.id)),
                vpc: Some(self.r(&src.vpc_id)),
                subnet: Some(self.r(&src.subnet_id)),
                address: Some(d.to_string()),
                ..explain("NO_ROUTE_TO_DESTINATION")
            });
        };
        self.forward.push(Hop {
            component: Some(self.r(&table.id)),
            vpc: Some(self.r(&src.vpc_id)),
            route: Some(route.hit.clone()),
            ..Hop::default()
        });
        if !route.active {
            return self.fail(Explanation {
                route_table: Some(self.r(&table.id)),
                route: Some(route.hit),
                vpc: Some(self.r(&src.vpc_id)),
                ..explain("BAD_STATE_ROUTE")
            });
        }
        let leg = match leg.expect("a route gives a leg") {
            Ok(l) => l,
            Err(e) => return self.fail(*e),
        };

        match leg {
            Leg::Internet { igw } => {
                if dst_igw.as_ref().is_some_and(|g| *g != igw) {
                    return self.fail(Explanation {
                        route_table: Some(self.r(&table.id)),
                        address: Some(d.to_string()),
                        ..explain("NO_ROUTE_TO_DESTINATION")
                    });
                }
                let Some(public) = self.public_ip(src, s) else {
                    return self.fail(Explanation {
                        internet_gateway: Some(self.r(&igw)),
                        network_interface: Some(self.r(&src.id)),
                        ..explain("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
                    });
                };
                self.out_to_internet(&igw, src_subnet, public, s, d, &sp, &dp)?;
                self.back_from_internet(&igw, src, src_subnet, d, sp)
            }
            Leg::Nat {
                nat,
                subnet,
                igw,
                public_ip,
                route,
            } => {
                if dst_igw.as_ref().is_some_and(|g| *g != igw) {
                    return self.fail(Explanation {
                        route_table: Some(self.r(&table.id)),
                        address: Some(d.to_string()),
                        ..explain("NO_ROUTE_TO_DESTINATION")
                    });
                }
                let crosses_nat = subnet.id != src_subnet.id;
                let dp = if crosses_nat {
                    self.acl(subnet, false, s, &dp, false)?
                } else {
                    dp
                };
                self.forward.push(Hop {
                    component: Some(self.r(&nat)),
                    vpc: Some(self.r(&subnet.vpc_id)),
                    subnet: Some(self.r(&subnet.id)),
                    ..Hop::default()
                });
                let dp = self.acl(subnet, true, d, &dp, false)?;
                self.forward.push(*route);
                let public = public_ip?;
                self.out_to_internet(&igw, subnet, public, public, d, &sp, &dp)?;
                // Back: into the NAT's subnet from the internet, out to the source's subnet.
                self.back.push(Hop {
                    component: Some(self.r(&igw)),
                    inbound: Some(self.header(&host(d), &host(public), &dp, &sp)),
                    ..Hop::default()
                });
                let sp = self.acl(subnet, false, d, &sp, true)?;
                self.back.push(Hop {
                    component: Some(self.r(&nat)),
                    ..Hop::default()
                });
                let sp = if crosses_nat {
                    let sp = self.acl(subnet, true, s, &sp, true)?;
                    self.acl(src_subnet, false, d, &sp, true)?
                } else {
                    sp
                };
                self.arrive_back(src, s, d, &sp)
            }
            Leg::Local | Leg::Peering { .. } | Leg::Transit { .. } => {
                if dst_igw.is_some() {
                    return self.fail(Explanation {
                        route_table: Some(self.r(&table.id)),
                        address: Some(d.to_string()),
                        ..explain("NO_ROUTE_TO_DESTINATION")
                    });
                }
                let dst_vpc = dst_vpc.expect("a VPC leg ends in a VPC");
                if let Leg::Peering { id, .. } = &leg {
                    self.forward.push(Hop {
                        component: Some(self.r(id)),
                        source_vpc: Some(self.r(&src.vpc_id)),
                        destination_vpc: Some(self.r(&dst_vpc)),
                        ..Hop::default()
                    });
                }
                if let Leg::Transit { hops, .. } = &leg {
                    self.forward.extend(hops.iter().cloned());
                }
                let Some(dst_subnet) = dst_subnet else {
                    return self.fail(Explanation {
                        vpc: Some(self.r(&dst_vpc)),
                        address: Some(d.to_string()),
                        ..explain("NO_POSSIBLE_DESTINATION")
                    });
                };
                if let (Leg::Transit { arrival, .. }, Some(e)) = (&leg, dst_eni) {
                    self.transit_zone(arrival, e)?;
                }
                if let Some(e) = dst_eni {
                    if e.vpc_id != dst_vpc {
                        return self.fail(Explanation {
                            vpc: Some(self.r(&dst_vpc)),
                            network_interface: Some(self.r(&e.id)),
                            address: Some(d.to_string()),
                            ..explain("NO_ROUTE_TO_DESTINATION")
                        });
                    }
                }
                let dp = if crosses {
                    self.acl(dst_subnet, false, s, &dp, false)?
                } else {
                    dp
                };
                let src_remote = Remote {
                    address: s,
                    interface: Some(src).filter(|_| keeps_references),
                };
                let dp = match dst_eni {
                    Some(e) => self.groups(e, false, src_remote, &dp)?,
                    None => dp,
                };
                let end = q
                    .destination
                    .clone()
                    .or_else(|| dst_eni.map(|e| e.id.clone()));
                self.forward.push(Hop {
                    component: end.as_deref().map(|id| self.r(id)),
                    vpc: Some(self.r(&dst_subnet.vpc_id)),
                    subnet: Some(self.r(&dst_subnet.id)),
                    inbound: Some(self.header(&host(s), &host(d), &sp, &dp)),
                    ..Hop::default()
                });
                self.back_within(
                    &leg,
                    src,
                    src_subnet,
                    dst_subnet,
                    end.as_deref(),
                    s,
                    d,
                    &sp,
                    &dp,
                    crosses,
                )
            }
        }
    }

    /// How a route leaves the source VPC, or why it cannot.
    fn leg(
        &self,
        src: &NetworkInterface,
        src_subnet: &'a Subnet,
        route: &routing::VpcRoute,
        d: Ipv4Addr,
    ) -> Result<Leg<'a>, Box<Explanation>> {
        let c = self.c;
        let target = match &route.next {
            Next::Local => return Ok(Leg::Local),
            Next::Target(t) => t,
        };
        match target {
            Target::Peering(id) => {
                let p = c
                    .peerings
                    .get(id)
                    .ok_or_else(|| Box::new(explain("BAD_STATE_ROUTE")))?;
                let peer_vpc = if p.requester.vpc_id == src.vpc_id {
                    &p.accepter.vpc_id
                } else {
                    &p.requester.vpc_id
                };
                let holds = c.vpcs.get(peer_vpc).is_some_and(|v| v.holds_v4(&d.into()));
                if !holds {
                    return Err(Box::new(Explanation {
                        peering: Some(self.r(id)),
                        destination_vpc: Some(self.r(peer_vpc)),
                        address: Some(d.to_string()),
                        ..explain("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")
                    }));
                }
                Ok(Leg::Peering {
                    id: id.clone(),
                    peer_vpc: peer_vpc.clone(),
                })
            }
            Target::Gateway(id) if id.starts_with("igw-") => Ok(Leg::Internet { igw: id.clone() }),
            Target::Nat(id) => {
                let nat = c
                    .nat_gateways
                    .get(id)
                    .ok_or_else(|| Box::new(explain("BAD_STATE_ROUTE")))?;
                let subnet = c
                    .subnets
                    .get(&nat.subnet_id)
                    .ok_or_else(|| Box::new(explain("BAD_STATE")))?;
                let table = self.table_of(subnet);
                let onward = table.and_then(|t| routing::vpc_route(c, t, d));
                let igw = match onward.as_ref().map(|r| (&r.next, r.active)) {
                    Some((Next::Target(Target::Gateway(g)), true))
                        if g.starts_with("igw-") && nat.public =>
                    {
                        g.clone()
                    }
                    _ => {
                        return Err(Box::new(Explanation {
                            route_table: table.map(|t| self.r(&t.id)),
                            nat_gateway: Some(self.r(id)),
                            address: Some(d.to_string()),
                            ..explain("NO_ROUTE_TO_DESTINATION")
                        }))
                    }
                };
                let route = onward.expect("matched above");
                let public_ip = nat
                    .allocations
                    .first()
                    .and_then(|a| c.addresses.get(&a.allocation_id))
                    .map(|a| a.public_ip);
                let _ = src_subnet;
                Ok(Leg::Nat {
                    nat: id.clone(),
                    subnet,
                    igw,
                    public_ip,
                    route: Box::new(Hop {
                        component: table.map(|t| self.r(&t.id)),
                        vpc: Some(self.r(&subnet.vpc_id)),
                        route: Some(route.hit),
                        ..Hop::default()
                    }),
                })
            }
            Target::TransitGateway(tgw) => {
                let from = c
                    .tgw_attachments
                    .values()
                    .find(|a| {
                        a.tgw_id == *tgw
                            && a.vpc_id == src.vpc_id
                            && !a.is_peering()
                            && a.is_available()
                    })
                    .ok_or_else(|| {
                        Box::new(Explanation {
                            transit_gateway: Some(self.r(tgw)),
                            ..explain("BAD_STATE_ATTACHMENT")
                        })
                    })?;
                let in_zone = from.subnets.iter().any(|x| {
                    c.subnets
                        .get(&x.subnet_id)
                        .is_some_and(|s| s.availability_zone == src.availability_zone)
                });
                if !in_zone {
                    return Err(Box::new(Explanation {
                        tgw_attachment: Some(self.r(&from.id)),
                        availability_zones: vec![src.availability_zone.clone()],
                        ..explain("TGW_ATTACH_VPC_AZ_RESTRICTION")
                    }));
                }
                let (arrival, hops) = self.through_transit(tgw, from, d)?;
                Ok(Leg::Transit {
                    tgw: tgw.clone(),
                    arrival,
                    hops,
                })
            }
            other => Err(Box::new(Explanation {
                route_table: None,
                component: Some(self.r(other.id())),
                ..explain("UNSUPPORTED_COMPONENT")
            })),
        }
    }

    /// One direction of an interface's groups for the ports left; records the hop with the
    /// rule that admits the first, or why nothing passes.
    pub(crate) fn groups(
        &mut self,
        e: &NetworkInterface,
        egress: bool,
        remote: Remote<'_>,
        ports: &PortSet,
    ) -> Option<PortSet> {
        let (allowed, hit) = group_ports(self.c, &e.groups, egress, self.q.protocol, remote, ports);
        if allowed.is_empty() {
            self.fail(Explanation {
                direction: Some(if egress { "egress" } else { "ingress" }.into()),
                network_interface: Some(self.r(&e.id)),
                security_groups: e.groups.iter().map(|g| self.r(g)).collect(),
                vpc: Some(self.r(&e.vpc_id)),
                subnet: Some(self.r(&e.subnet_id)),
                ..explain("ENI_SG_RULES_MISMATCH")
            });
            return None;
        }
        self.forward.push(Hop {
            component: hit.as_ref().map(|h| self.r(&h.group_id)),
            group_rule: hit,
            ..Hop::default()
        });
        Some(allowed)
    }

    /// One direction of a subnet's ACL for the ports left; records the hop, or why it stops.
    /// `reply` says the hop belongs to the return path.
    pub(crate) fn acl(
        &mut self,
        subnet: &Subnet,
        egress: bool,
        remote: Ipv4Addr,
        ports: &PortSet,
        reply: bool,
    ) -> Option<PortSet> {
        let check = AclCheck::of(self.c, &subnet.id, egress, self.q.protocol, remote)?;
        let allowed = check.allowed(ports);
        let port = allowed.first().or(ports.first())?;
        let rule = check.rule_for(port);
        if allowed.is_empty() {
            self.fail(Explanation {
                direction: Some(if egress { "egress" } else { "ingress" }.into()),
                acl: Some(self.r(&check.acl_id)),
                acl_rule: rule,
                subnet: Some(self.r(&subnet.id)),
                vpc: Some(self.r(&subnet.vpc_id)),
                ..explain("SUBNET_ACL_RESTRICTION")
            });
            return None;
        }
        let hop = Hop {
            component: Some(self.r(&check.acl_id)),
            subnet: Some(self.r(&subnet.id)),
            acl_rule: rule,
            ..Hop::default()
        };
        if reply {
            self.back.push(hop);
        } else {
            self.forward.push(hop);
        }
        Some(allowed)
    }

    pub(crate) fn arrive_back(
        &mut self,
        src: &NetworkInterface,
        s: Ipv4Addr,
        d: Ipv4Addr,
        sp: &PortSet,
    ) -> Option<()> {
        self.back.push(Hop {
            component: Some(self.r(&self.q.source)),
            vpc: Some(self.r(&src.vpc_id)),
            subnet: Some(self.r(&src.subnet_id)),
            inbound: Some(self.header(&host(d), &host(s), &self.q.destination_ports, sp)),
            ..Hop::default()
        });
        Some(())
    }

    /// The reply within the VPC, over the peering or through the transit gateways it came by.
    #[allow(clippy::too_many_arguments)]
    fn back_within(
        &mut self,
        leg: &Leg<'a>,
        src: &NetworkInterface,
        src_subnet: &Subnet,
        dst_subnet: &'a Subnet,
        end: Option<&str>,
        s: Ipv4Addr,
        d: Ipv4Addr,
        sp: &PortSet,
        dp: &PortSet,
        crosses: bool,
    ) -> Option<()> {
        let c = self.c;
        self.back.push(Hop {
            component: end.map(|id| self.r(id)),
            vpc: Some(self.r(&dst_subnet.vpc_id)),
            subnet: Some(self.r(&dst_subnet.id)),
            outbound: Some(self.header(&host(d), &host(s), dp, sp)),
            ..Hop::default()
        });
        let sp = if crosses {
            self.acl(dst_subnet, true, s, sp, true)?
        } else {
            sp.clone()
        };
        if !matches!(leg, Leg::Local) {
            let table = self.table_of(dst_subnet);
            let route = table.and_then(|t| routing::vpc_route(c, t, s));
            let back_ok = match (leg, route.as_ref()) {
                (Leg::Peering { id, .. }, Some(r)) => {
                    r.active && r.next == Next::Target(Target::Peering(id.clone()))
                }
                (Leg::Transit { arrival, .. }, Some(r)) => {
                    r.active
                        && r.next == Next::Target(Target::TransitGateway(arrival.tgw_id.clone()))
                        && self
                            .through_transit(&arrival.tgw_id, arrival, s)
                            .is_ok_and(|(a, _)| a.vpc_id == src.vpc_id)
                }
                _ => false,
            };
            if let (Some(t), Some(r)) = (table, route.as_ref()) {
                self.back.push(Hop {
                    component: Some(self.r(&t.id)),
                    vpc: Some(self.r(&dst_subnet.vpc_id)),
                    route: Some(r.hit.clone()),
                    ..Hop::default()
                });
            }
            if !back_ok {
                return self.fail(Explanation {
                    route_table: table.map(|t| self.r(&t.id)),
                    vpc: Some(self.r(&dst_subnet.vpc_id)),
                    subnet: Some(self.r(&dst_subnet.id)),
                    address: Some(s.to_string()),
                    ..explain("NO_ROUTE_TO_DESTINATION")
                });
            }
        }
        let sp = if crosses {
            self.acl(src_subnet, false, d, &sp, true)?
        } else {
            sp
        };
        self.arrive_back(src, s, d, &sp)
    }
}
