//! Route lookups: a VPC route table's and a transit gateway route table's best route for an
//! address (longest prefix; on a tie a CIDR route beats a prefix-list one, and a static
//! transit-gateway route beats a propagated one).

use cloud::insights::{RouteHit, TgwRouteHit};
use cloud::model::RouteTable;
use cloud::routes::{Destination, Target};
use cloud::transit_routes::TgwRouteView;
use cloud::Cloud;
use ipnet::{IpNet, Ipv4Net};
use std::net::Ipv4Addr;

/// Where a VPC route sends a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Local,
    Target(Target),
}

#[derive(Debug, Clone)]
pub struct VpcRoute {
    pub next: Next,
    pub active: bool,
    pub hit: RouteHit,
}

fn target_member(t: &Target) -> &'static str {
    match t {
        Target::Gateway(_) | Target::Endpoint(_) => "gatewayId",
        Target::EgressOnly(_) => "egressOnlyInternetGatewayId",
        Target::Interface(_) => "networkInterfaceId",
        Target::Peering(_) => "vpcPeeringConnectionId",
        Target::Instance(_) => "instanceId",
        Target::Nat(_) => "natGatewayId",
        Target::TransitGateway(_) => "transitGatewayId",
    }
}

/// The table's best route to `to`, its local routes included.
pub fn vpc_route(cloud: &Cloud, table: &RouteTable, to: Ipv4Addr) -> Option<VpcRoute> {
    // (prefix length, CIDR beats list, candidate)
    let mut best: Option<(u8, bool, VpcRoute)> = None;
    let mut offer = |len: u8, cidr: bool, make: &dyn Fn() -> VpcRoute| {
        let better = match &best {
            None => true,
            Some((l, c, _)) => (len, cidr) > (*l, *c),
        };
        if better {
            best = Some((len, cidr, make()));
        }
    };
    if let Some(vpc) = cloud.vpcs.get(&table.vpc_id) {
        // A local route pointed at an appliance is one of the table's routes instead.
        let kept = |b: &&Ipv4Net| {
            !table
                .routes
                .iter()
                .any(|r| r.destination == Destination::Cidr(IpNet::V4(**b)))
        };
        for block in vpc.ipv4_blocks().filter(|b| b.contains(&to)).filter(kept) {
            offer(block.prefix_len(), true, &|| VpcRoute {
                next: Next::Local,
                active: true,
                hit: RouteHit {
                    destination_cidr: Some(block.to_string()),
                    destination_prefix_list: None,
                    target_member: "gatewayId".into(),
                    target: "local".into(),
                    origin: "createroutetable".into(),
                    state: "active".into(),
                },
            });
        }
    }
    for route in &table.routes {
        let (len, cidr) = match &route.destination {
            Destination::Cidr(IpNet::V4(net)) if net.contains(&to) => (net.prefix_len(), true),
            Destination::PrefixList(id) => {
                let Some(len) = cloud.prefix_lists.get(id).and_then(|pl| {
                    pl.entries()
                        .iter()
                        .filter_map(|e| match e.cidr {
                            IpNet::V4(n) if n.contains(&to) => Some(n.prefix_len()),
                            _ => None,
                        })
                        .max()
                }) else {
                    continue;
                };
                (len, false)
            }
            _ => continue,
        };
        offer(len, cidr, &|| {
            let state = route.state(cloud, &table.vpc_id);
            VpcRoute {
                next: Next::Target(route.target.clone()),
                active: state == "active",
                hit: RouteHit {
                    destination_cidr: route.destination.cidr().map(|c| c.to_string()),
                    destination_prefix_list: match &route.destination {
                        Destination::PrefixList(id) => Some(id.clone()),
                        Destination::Cidr(_) => None,
                    },
                    target_member: target_member(&route.target).into(),
                    target: route.target.id().to_string(),
                    origin: "createroute".into(),
                    state: state.into(),
                },
            }
        });
    }
    best.map(|(_, _, r)| r)
}

/// A transit gateway table's best route to `to`.
pub fn tgw_route<'a>(routes: &'a [TgwRouteView<'a>], to: Ipv4Addr) -> Option<&'a TgwRouteView<'a>> {
    let host = IpNet::V4(Ipv4Net::from(to));
    routes
        .iter()
        .filter(|r| r.destination.contains(&host))
        .max_by_key(|r| (r.destination.prefix_len(), !r.propagated))
}

pub fn tgw_hit(r: &TgwRouteView<'_>) -> TgwRouteHit {
    let resource = r.attachment.map(|a| a.resource_from(r.tgw_id));
    TgwRouteHit {
        destination_cidr: r.destination.to_string(),
        state: r.state.to_string(),
        origin: if r.propagated { "propagated" } else { "static" }.into(),
        attachment_id: r.attachment.map(|a| a.id.clone()),
        resource_id: resource.map(|x| x.1.to_string()),
        resource_type: resource.map(|x| x.0.to_string()),
    }
}
