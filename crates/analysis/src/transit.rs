//! The transit-gateway leg of a path: from the source VPC's attachment through the
//! gateways' tables (and at most one peering between gateways) to the attachment of the VPC
//! the address is routed to.

use crate::reach::{explain, Walk};
use crate::routing;
use cloud::insights::{Explanation, Hop};
use cloud::model::NetworkInterface;
use cloud::transit::TgwAttachment;
use std::net::Ipv4Addr;

impl<'a> Walk<'a> {
    /// Through transit gateways from an attachment to the VPC attachment the address is
    /// routed to (crossing at most one peering between gateways).
    pub(crate) fn through_transit(
        &self,
        tgw: &str,
        from: &'a TgwAttachment,
        to: Ipv4Addr,
    ) -> Result<(&'a TgwAttachment, Vec<Hop>), Box<Explanation>> {
        let c = self.c;
        let mut hops = vec![Hop {
            component: Some(self.r(&from.id)),
            transit_gateway: Some(self.r(tgw)),
            ..Hop::default()
        }];
        let (mut gateway, mut at) = (tgw.to_string(), from);
        for _ in 0..3 {
            let table = c.association_of(&gateway, &at.id).ok_or_else(|| {
                Box::new(Explanation {
                    tgw_attachment: Some(self.r(&at.id)),
                    transit_gateway: Some(self.r(&gateway)),
                    ..explain("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION")
                })
            })?;
            let routes = c.tgw_routes(table);
            let Some(route) = routing::tgw_route(&routes, to) else {
                return Err(Box::new(Explanation {
                    transit_gateway: Some(self.r(&gateway)),
                    tgw_route_table: Some(self.r(&table.id)),
                    address: Some(to.to_string()),
                    ..explain("TGW_RTB_CANNOT_ROUTE")
                }));
            };
            let hit = routing::tgw_hit(route);
            hops.push(Hop {
                component: Some(self.r(&gateway)),
                transit_gateway: Some(self.r(&gateway)),
                tgw_route: Some(hit.clone()),
                ..Hop::default()
            });
            let next = route.attachment.filter(|_| route.state == "active");
            let Some(next) = next else {
                return Err(Box::new(Explanation {
                    transit_gateway: Some(self.r(&gateway)),
                    tgw_route_table: Some(self.r(&table.id)),
                    tgw_route: Some(hit),
                    ..explain("TGW_RTB_BAD_STATE_ROUTE")
                }));
            };
            let next = c
                .tgw_attachments
                .get(&next.id)
                .expect("a route's attachment");
            hops.push(Hop {
                component: Some(self.r(&next.id)),
                transit_gateway: Some(self.r(&gateway)),
                ..Hop::default()
            });
            match &next.peer {
                None => return Ok((next, hops)),
                Some(peer) => {
                    // Over the peering to the gateway at its other end.
                    gateway = if peer.tgw_id == gateway {
                        next.tgw_id.clone()
                    } else {
                        peer.tgw_id.clone()
                    };
                    at = next;
                }
            }
        }
        Err(Box::new(explain("TGW_RTB_CANNOT_ROUTE")))
    }

    /// A VPC attachment carries traffic only to zones where it has a subnet.
    pub(crate) fn transit_zone(
        &mut self,
        arrival: &TgwAttachment,
        e: &NetworkInterface,
    ) -> Option<()> {
        let in_zone = arrival.subnets.iter().any(|x| {
            self.c
                .subnets
                .get(&x.subnet_id)
                .is_some_and(|s| s.availability_zone == e.availability_zone)
        });
        if in_zone {
            Some(())
        } else {
            self.fail(Explanation {
                tgw_attachment: Some(self.r(&arrival.id)),
                availability_zones: vec![e.availability_zone.clone()],
                ..explain("TGW_ATTACH_VPC_AZ_RESTRICTION")
            })
        }
    }

    /// Group references survive a transit gateway only where it and both attachments keep
    /// them.
    pub(crate) fn transit_keeps_references(
        &self,
        tgw: &str,
        src: &NetworkInterface,
        arrival: &TgwAttachment,
    ) -> bool {
        let gateway = self
            .c
            .transit_gateways
            .get(tgw)
            .is_some_and(|g| g.options.security_group_referencing_support);
        let departure = self.c.tgw_attachments.values().any(|a| {
            a.tgw_id == tgw
                && a.vpc_id == src.vpc_id
                && a.options.security_group_referencing_support
        });
        gateway && departure && arrival.options.security_group_referencing_support
    }
}
