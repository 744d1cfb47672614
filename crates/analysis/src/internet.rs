//! The internet legs of a path: out of an internet gateway (directly, or through a NAT
//! gateway's address) and in from one to an interface's public address, with Block Public
//! Access applied both ways.

use crate::filters::Remote;
use crate::ports::PortSet;
use crate::reach::{explain, host, is_public, Walk, INTERNET_PROBE};
use crate::routing::{self, Next};
use cloud::insights::{Explanation, Hop};
use cloud::model::{NetworkInterface, Subnet};
use cloud::routes::Target;
use std::net::Ipv4Addr;

impl<'a> Walk<'a> {
    /// Block Public Access of a VPC and subnet, in one direction.
    pub(crate) fn blocked(&self, subnet: &Subnet, inbound: bool) -> bool {
        let vpc = self.c.vpcs.get(&subnet.vpc_id);
        let Some(vpc) = vpc else { return false };
        match self
            .c
            .bpa_effective_mode(&vpc.owner, &vpc.region, &vpc.id, Some(&subnet.id))
        {
            "block-bidirectional" => true,
            "block-ingress" => inbound,
            _ => false,
        }
    }

    /// Out of an internet gateway: it must be attached, the address public, and Block Public
    /// Access must let it out.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn out_to_internet(
        &mut self,
        igw: &str,
        subnet: &Subnet,
        public: Ipv4Addr,
        private: Ipv4Addr,
        d: Ipv4Addr,
        sp: &PortSet,
        dp: &PortSet,
    ) -> Option<()> {
        if !is_public(d) {
            return self.fail(Explanation {
                internet_gateway: Some(self.r(igw)),
                address: Some(d.to_string()),
                ..explain("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS")
            });
        }
        if self.blocked(subnet, false) {
            return self.fail(Explanation {
                vpc: Some(self.r(&subnet.vpc_id)),
                subnet: Some(self.r(&subnet.id)),
                internet_gateway: Some(self.r(igw)),
                ..explain("VPC_BLOCK_PUBLIC_ACCESS_ENABLED")
            });
        }
        self.forward.push(Hop {
            component: Some(self.r(igw)),
            vpc: Some(self.r(&subnet.vpc_id)),
            inbound: Some(self.header(&host(private), &host(d), sp, dp)),
            outbound: Some(self.header(&host(public), &host(d), sp, dp)),
            ..Hop::default()
        });
        Some(())
    }

    /// The reply from the internet to an interface with a public address.
    pub(crate) fn back_from_internet(
        &mut self,
        igw: &str,
        src: &NetworkInterface,
        src_subnet: &Subnet,
        d: Ipv4Addr,
        sp: PortSet,
    ) -> Option<()> {
        let s = self.q.source_ip.unwrap_or(src.private_ip);
        self.back.push(Hop {
            component: Some(self.r(igw)),
            vpc: Some(self.r(&src.vpc_id)),
            ..Hop::default()
        });
        let sp = self.acl(src_subnet, false, d, &sp, true)?;
        self.arrive_back(src, s, d, &sp)
    }

    /// From an internet gateway to an interface's public address.
    pub(crate) fn inbound(&mut self, igw: &str) -> Option<()> {
        let (c, q) = (self.c, self.q);
        let Some(gw) = c.internet_gateways.get(igw) else {
            return self.fail(Explanation {
                component: Some(self.r(igw)),
                ..explain("UNKNOWN_RESOURCE")
            });
        };
        let Some(dst) = q.destination.as_deref().and_then(|id| self.interface(id)) else {
            return self.fail(explain("NO_SOURCE_OR_DESTINATION"));
        };
        let s = q.source_ip.unwrap_or(INTERNET_PROBE);
        let private = dst.private_ip;
        let Some(public) = self.public_ip(dst, private) else {
            return self.fail(Explanation {
                internet_gateway: Some(self.r(igw)),
                network_interface: Some(self.r(&dst.id)),
                ..explain("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS")
            });
        };
        if q.destination_ip
            .is_some_and(|d| d != public && d != private)
        {
            return self.fail(Explanation {
                network_interface: Some(self.r(&dst.id)),
                address: q.destination_ip.map(|d| d.to_string()),
                packet_field: Some("destination-address".into()),
                ..explain("ENI_ADDRESS_RESTRICTION")
            });
        }
        let (sp, dp) = (q.source_ports.clone(), q.destination_ports.clone());
        if gw.vpc_id.as_deref() != Some(dst.vpc_id.as_str()) {
            return self.fail(Explanation {
                internet_gateway: Some(self.r(igw)),
                vpc: Some(self.r(&dst.vpc_id)),
                ..explain("DISCONNECTED_VPCS")
            });
        }
        let subnet = c.subnets.get(&dst.subnet_id)?;
        if !is_public(s) {
            return self.fail(Explanation {
                internet_gateway: Some(self.r(igw)),
                address: Some(s.to_string()),
                ..explain("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS")
            });
        }
        self.forward.push(Hop {
            component: Some(self.r(igw)),
            vpc: Some(self.r(&dst.vpc_id)),
            outbound: Some(self.header(&host(s), &host(public), &sp, &dp)),
            inbound: Some(self.header(&host(s), &host(private), &sp, &dp)),
            ..Hop::default()
        });
        if self.blocked(subnet, true) {
            return self.fail(Explanation {
                vpc: Some(self.r(&subnet.vpc_id)),
                subnet: Some(self.r(&subnet.id)),
                internet_gateway: Some(self.r(igw)),
                ..explain("VPC_BLOCK_PUBLIC_ACCESS_ENABLED")
            });
        }
        let dp = self.acl(subnet, false, s, &dp, false)?;
        let remote = Remote {
            address: s,
            interface: None,
        };
        let dp = self.groups(dst, false, remote, &dp)?;
        let end = q.destination.clone().unwrap_or_default();
        self.forward.push(Hop {
            component: Some(self.r(&end)),
            vpc: Some(self.r(&dst.vpc_id)),
            subnet: Some(self.r(&dst.subnet_id)),
            inbound: Some(self.header(&host(s), &host(private), &sp, &dp)),
            ..Hop::default()
        });
        // The reply: out through the subnet's ACL, routed back to this gateway.
        self.back.push(Hop {
            component: Some(self.r(&end)),
            vpc: Some(self.r(&dst.vpc_id)),
            subnet: Some(self.r(&dst.subnet_id)),
            outbound: Some(self.header(&host(private), &host(s), &dp, &sp)),
            ..Hop::default()
        });
        let sp = self.acl(subnet, true, s, &sp, true)?;
        let table = self.table_of(subnet);
        let route = table.and_then(|t| routing::vpc_route(c, t, s));
        let back = route
            .as_ref()
            .is_some_and(|r| r.active && r.next == Next::Target(Target::Gateway(igw.to_string())));
        if let (Some(t), Some(r)) = (table, route.as_ref()) {
            self.back.push(Hop {
                component: Some(self.r(&t.id)),
                vpc: Some(self.r(&dst.vpc_id)),
                route: Some(r.hit.clone()),
                ..Hop::default()
            });
        }
        if !back {
            return self.fail(Explanation {
                route_table: table.map(|t| self.r(&t.id)),
                vpc: Some(self.r(&dst.vpc_id)),
                subnet: Some(self.r(&subnet.id)),
                address: Some(s.to_string()),
                ..explain("NO_ROUTE_TO_DESTINATION")
            });
        }
        self.back.push(Hop {
            component: Some(self.r(igw)),
            vpc: Some(self.r(&dst.vpc_id)),
            outbound: Some(self.header(&host(public), &host(s), &dp, &sp)),
            ..Hop::default()
        });
        Some(())
    }
}
