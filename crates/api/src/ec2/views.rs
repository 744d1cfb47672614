//! Domain objects as EC2 shows them.

use super::convert::{owned, tags_out};
use cloud::{
    private_dns_name, Caller, Cloud, Instance, Ipv6Block, NetworkInterface, PeeringSide,
    RouteTable, StaleRule, Subnet, Vpc, VpcPeering, AMAZON_POOL,
};
use wire::ec2 as w;
use wire::DateTime;

/// A VPC's IPv6 association; `state` is `associated` once made, the transition word in the
/// answer to the call that starts or ends it.
pub fn vpc_ipv6_out(v: &Vpc, b: &Ipv6Block, state: &str) -> w::VpcIpv6CidrBlockAssociation {
    w::VpcIpv6CidrBlockAssociation {
        association_id: owned(&b.association_id),
        ipv6_cidr_block: Some(b.cidr.to_string()),
        ipv6_cidr_block_state: Some(w::VpcCidrBlockState {
            state: owned(state),
            status_message: None,
        }),
        network_border_group: owned(&v.region),
        ipv6_pool: owned(AMAZON_POOL),
        ipv6_address_attribute: owned("public"),
        ip_source: owned("amazon"),
    }
}

pub fn subnet_ipv6_out(b: &Ipv6Block, state: &str) -> w::SubnetIpv6CidrBlockAssociation {
    w::SubnetIpv6CidrBlockAssociation {
        association_id: owned(&b.association_id),
        ipv6_cidr_block: Some(b.cidr.to_string()),
        ipv6_cidr_block_state: Some(w::SubnetCidrBlockState {
            state: owned(state),
            status_message: None,
        }),
        ipv6_address_attribute: owned("public"),
        ip_source: owned("amazon"),
    }
}

pub fn vpc_out(c: &Cloud, v: &Vpc) -> w::Vpc {
    w::Vpc {
        owner_id: owned(&v.owner),
        instance_tenancy: owned(&v.instance_tenancy),
        ipv6_cidr_block_association_set: v
            .ipv6
            .as_ref()
            .map(|b| vec![vpc_ipv6_out(v, b, "associated")]),
        cidr_block_association_set: Some(
            std::iter::once((&v.cidr_association_id, &v.cidr))
                .chain(
                    v.secondary_cidrs
                        .iter()
                        .map(|b| (&b.association_id, &b.cidr)),
                )
                .map(|(id, cidr)| w::VpcCidrBlockAssociation {
                    association_id: owned(id),
                    cidr_block: Some(cidr.to_string()),
                    cidr_block_state: Some(w::VpcCidrBlockState {
                        state: owned("associated"),
                        status_message: None,
                    }),
                })
                .collect(),
        ),
        is_default: Some(v.is_default),
        tags: tags_out(&v.tags),
        block_public_access_states: Some(w::BlockPublicAccessStates {
            internet_gateway_block_mode: owned(
                c.bpa_effective_mode(&v.owner, &v.region, &v.id, None),
            ),
        }),
        vpc_id: owned(&v.id),
        state: owned("available"),
        cidr_block: Some(v.cidr.to_string()),
        dhcp_options_id: owned(&v.dhcp_options_id),
        encryption_control: None,
    }
}

/// A VPC as this caller sees it: tags are the owner's own and are not shown to others.
pub fn vpc_for(c: &Cloud, who: &Caller, v: &Vpc) -> w::Vpc {
    let mut out = vpc_out(c, v);
    if who.account != v.owner {
        out.tags = Some(vec![]);
    }
    out
}

pub fn subnet_out(c: &Cloud, s: &Subnet) -> w::Subnet {
    w::Subnet {
        availability_zone_id: owned(&s.availability_zone_id),
        map_customer_owned_ip_on_launch: Some(false),
        owner_id: owned(&s.owner),
        assign_ipv6_address_on_creation: Some(s.assign_ipv6_address_on_creation),
        ipv6_cidr_block_association_set: Some(
            s.ipv6
                .iter()
                .map(|b| subnet_ipv6_out(b, "associated"))
                .collect(),
        ),
        tags: tags_out(&s.tags),
        subnet_arn: Some(s.arn()),
        enable_dns64: Some(s.enable_dns64),
        ipv6_native: Some(s.ipv6_native()),
        private_dns_name_options_on_launch: Some(w::PrivateDnsNameOptionsOnLaunch {
            hostname_type: owned(&s.hostname_type),
            enable_resource_name_dns_a_record: Some(s.enable_resource_name_dns_a_record),
            enable_resource_name_dns_aaaa_record: Some(s.enable_resource_name_dns_aaaa_record),
        }),
        block_public_access_states: Some(w::BlockPublicAccessStates {
            internet_gateway_block_mode: owned(c.bpa_effective_mode(
                &s.owner,
                &s.region,
                &s.vpc_id,
                Some(&s.id),
            )),
        }),
        subnet_id: owned(&s.id),
        state: owned("available"),
        vpc_id: owned(&s.vpc_id),
        cidr_block: s.cidr.map(|c| c.to_string()),
        available_ip_address_count: Some(s.available_ip_count() as i32),
        availability_zone: owned(&s.availability_zone),
        default_for_az: Some(s.default_for_az),
        map_public_ip_on_launch: Some(s.map_public_ip_on_launch),
        ..Default::default()
    }
}

pub fn subnet_for(c: &Cloud, who: &Caller, s: &Subnet) -> w::Subnet {
    let mut out = subnet_out(c, s);
    if who.account != s.owner {
        out.tags = Some(vec![]);
    }
    out
}

fn group_ids(c: &Cloud, ids: &[String]) -> Vec<w::GroupIdentifier> {
    ids.iter()
        .map(|id| w::GroupIdentifier {
            group_id: Some(id.clone()),
            group_name: c.groups.get(id.as_str()).map(|g| g.name.to_string()),
        })
        .collect()
}

/// The public side of a private address: the Elastic IP mapped to it, else (for the primary
/// address) the public address given at launch.
fn public_of(
    c: &Cloud,
    e: &NetworkInterface,
    ip: std::net::Ipv4Addr,
) -> Option<w::NetworkInterfaceAssociation> {
    let Some(a) = c.address_on(&e.id, ip) else {
        let public = e.public_ip.filter(|_| ip == e.private_ip)?;
        return Some(w::NetworkInterfaceAssociation {
            ip_owner_id: owned("amazon"),
            public_dns_name: public_dns_name(c, e, public),
            public_ip: Some(public.to_string()),
            ..Default::default()
        });
    };
    let live = a.live_association(c)?;
    Some(w::NetworkInterfaceAssociation {
        allocation_id: owned(&a.allocation_id),
        association_id: owned(&live.id),
        ip_owner_id: owned(&a.owner),
        public_dns_name: public_dns_name(c, e, a.public_ip),
        public_ip: Some(a.public_ip.to_string()),
        ..Default::default()
    })
}

/// A public address's DNS name, where the VPC gives public hostnames.
fn public_dns_name(c: &Cloud, e: &NetworkInterface, ip: std::net::Ipv4Addr) -> Option<String> {
    let v = c.vpcs.get(&e.vpc_id)?;
    if !(v.enable_dns_hostnames && v.enable_dns_support) {
        return Some(String::new());
    }
    let dashed = ip.to_string().replace('.', "-");
    Some(if e.region == "us-east-1" {
        format!("ec2-{dashed}.compute-1.amazonaws.com")
    } else {
        format!("ec2-{dashed}.{}.compute.amazonaws.com", e.region)
    })
}

pub fn interface_out(c: &Cloud, e: &NetworkInterface) -> w::NetworkInterface {
    let dns = private_dns_name(&e.region, e.private_ip);
    w::NetworkInterface {
        association: public_of(c, e, e.private_ip),
        attachment: e
            .attachment
            .as_ref()
            .map(|a| w::NetworkInterfaceAttachment {
                attach_time: Some(DateTime(a.attached_at)),
                attachment_id: owned(&a.id),
                delete_on_termination: Some(a.delete_on_termination),
                device_index: Some(a.device_index),
                network_card_index: Some(0),
                instance_id: (!a.instance_id.is_empty()).then(|| a.instance_id.clone()),
                instance_owner_id: owned(&a.instance_owner),
                status: owned(&a.status),
                ..Default::default()
            }),
        availability_zone: owned(&e.availability_zone),
        availability_zone_id: owned(&e.availability_zone_id),
        description: owned(&e.description),
        groups: Some(group_ids(c, &e.groups)),
        interface_type: owned(&e.interface_type),
        ipv6_addresses: Some(
            e.ipv6_addresses
                .iter()
                .map(|a| w::NetworkInterfaceIpv6Address {
                    ipv6_address: Some(a.to_string()),
                    is_primary_ipv6: Some(false),
                    public_ipv6_dns_name: None,
                })
                .collect(),
        ),
        mac_address: owned(&e.mac),
        network_interface_id: owned(&e.id),
        owner_id: owned(&e.owner),
        private_dns_name: Some(dns),
        private_ip_address: Some(e.private_ip.to_string()),
        private_ip_addresses: Some(
            std::iter::once(&e.private_ip)
                .chain(&e.secondary_ips)
                .enumerate()
                .map(|(i, ip)| w::NetworkInterfacePrivateIpAddress {
                    association: public_of(c, e, *ip),
                    primary: Some(i == 0),
                    private_dns_name: Some(private_dns_name(&e.region, *ip)),
                    private_ip_address: Some(ip.to_string()),
                })
                .collect(),
        ),
        requester_managed: Some(e.requester_managed),
        requester_id: e
            .requester_managed
            .then(|| cloud::nat::NAT_REQUESTER.to_string()),
        source_dest_check: Some(e.source_dest_check),
        status: owned(e.status()),
        subnet_id: owned(&e.subnet_id),
        tag_set: tags_out(&e.tags),
        vpc_id: owned(&e.vpc_id),
        ..Default::default()
    }
}

pub fn instance_out(c: &Cloud, i: &Instance) -> w::Instance {
    let enis: Vec<&NetworkInterface> = i
        .network_interface_ids
        .iter()
        .filter_map(|id| c.interfaces.get(id))
        .collect();
    let groups: Vec<String> = enis.first().map(|e| e.groups.clone()).unwrap_or_default();
    let terminated = i.state == cloud::InstanceState::Terminated;
    let dns = private_dns_name(&i.region, i.private_ip);
    let public = enis.first().and_then(|e| public_of(c, e, e.private_ip));
    let instance_association = |e: &NetworkInterface| {
        public_of(c, e, e.private_ip).map(|p| w::InstanceNetworkInterfaceAssociation {
            ip_owner_id: p.ip_owner_id,
            public_dns_name: p.public_dns_name,
            public_ip: p.public_ip,
            ..Default::default()
        })
    };
    w::Instance {
        architecture: owned("x86_64"),
        block_device_mappings: Some(vec![]),
        client_token: i.client_token.clone().or_else(|| Some(String::new())),
        ebs_optimized: Some(false),
        ena_support: Some(true),
        hypervisor: owned("xen"),
        network_interfaces: Some(
            enis.iter()
                .map(|e| w::InstanceNetworkInterface {
                    attachment: e.attachment.as_ref().map(|a| {
                        w::InstanceNetworkInterfaceAttachment {
                            attach_time: Some(DateTime(a.attached_at)),
                            attachment_id: owned(&a.id),
                            delete_on_termination: Some(a.delete_on_termination),
                            device_index: Some(a.device_index),
                            status: owned(&a.status),
                            network_card_index: Some(0),
                            ..Default::default()
                        }
                    }),
                    description: owned(&e.description),
                    groups: Some(group_ids(c, &e.groups)),
                    ipv6_addresses: Some(
                        e.ipv6_addresses
                            .iter()
                            .map(|a| w::InstanceIpv6Address {
                                ipv6_address: Some(a.to_string()),
                                is_primary_ipv6: Some(false),
                            })
                            .collect(),
                    ),
                    mac_address: owned(&e.mac),
                    network_interface_id: owned(&e.id),
                    owner_id: owned(&e.owner),
                    private_dns_name: Some(private_dns_name(&e.region, e.private_ip)),
                    private_ip_address: Some(e.private_ip.to_string()),
                    association: instance_association(e),
                    private_ip_addresses: Some(vec![w::InstancePrivateIpAddress {
                        association: instance_association(e),
                        primary: Some(true),
                        private_dns_name: Some(private_dns_name(&e.region, e.private_ip)),
                        private_ip_address: Some(e.private_ip.to_string()),
                    }]),
                    source_dest_check: Some(e.source_dest_check),
                    status: owned(e.status()),
                    subnet_id: owned(&e.subnet_id),
                    vpc_id: owned(&e.vpc_id),
                    interface_type: owned(&e.interface_type),
                    ..Default::default()
                })
                .collect(),
        ),
        root_device_name: owned("/dev/xvda"),
        root_device_type: owned("ebs"),
        security_groups: Some(group_ids(c, &groups)),
        source_dest_check: Some(enis.first().is_none_or(|e| e.source_dest_check)),
        tags: tags_out(&i.tags),
        virtualization_type: owned("hvm"),
        instance_id: owned(&i.id),
        image_id: owned(&i.image_id),
        state: Some(w::InstanceState {
            code: Some(i.state.code()),
            name: owned(i.state.name()),
        }),
        private_dns_name: Some(if terminated { String::new() } else { dns }),
        public_dns_name: Some(
            public
                .as_ref()
                .and_then(|p| p.public_dns_name.clone())
                .unwrap_or_default(),
        ),
        public_ip_address: public.as_ref().and_then(|p| p.public_ip.clone()),
        state_transition_reason: Some(String::new()),
        ami_launch_index: Some(i.ami_launch_index),
        product_codes: Some(vec![]),
        instance_type: owned(&i.instance_type),
        launch_time: Some(DateTime(i.launched_at)),
        placement: Some(w::Placement {
            availability_zone: owned(&i.availability_zone),
            group_name: Some(String::new()),
            tenancy: owned("default"),
            ..Default::default()
        }),
        monitoring: Some(w::Monitoring {
            state: owned("disabled"),
        }),
        subnet_id: (!terminated).then(|| i.subnet_id.clone()),
        vpc_id: (!terminated).then(|| i.vpc_id.clone()),
        private_ip_address: (!terminated).then(|| i.private_ip.to_string()),
        ..Default::default()
    }
}

pub fn reservation_out(c: &Cloud, instances: &[&Instance]) -> w::Reservation {
    let first = instances.first();
    w::Reservation {
        reservation_id: first.map(|i| i.reservation_id.clone()),
        owner_id: first.map(|i| i.owner.clone()),
        requester_id: None,
        groups: Some(vec![]),
        instances: Some(instances.iter().map(|i| instance_out(c, i)).collect()),
    }
}

pub fn route_table_out(c: &Cloud, r: &RouteTable) -> w::RouteTable {
    use cloud::routes::{Destination, Target};
    let associated = || {
        Some(w::RouteTableAssociationState {
            state: owned("associated"),
            status_message: None,
        })
    };
    let mut associations = Vec::new();
    if !r.main_association_id.is_empty() {
        associations.push(w::RouteTableAssociation {
            main: Some(true),
            route_table_association_id: owned(&r.main_association_id),
            route_table_id: owned(&r.id),
            association_state: associated(),
            ..Default::default()
        });
    }
    for a in &r.associations {
        associations.push(w::RouteTableAssociation {
            main: Some(false),
            route_table_association_id: owned(&a.id),
            route_table_id: owned(&r.id),
            subnet_id: owned(&a.subnet_id),
            association_state: associated(),
            ..Default::default()
        });
    }
    for a in &r.gateway_associations {
        associations.push(w::RouteTableAssociation {
            main: Some(false),
            route_table_association_id: owned(&a.id),
            route_table_id: owned(&r.id),
            gateway_id: owned(&a.gateway_id),
            association_state: associated(),
            ..Default::default()
        });
    }
    // The VPC's local routes first (its IPv4 block, then its IPv6 block), then the others.
    let mut routes = Vec::new();
    // A local route pointed at an appliance shows its target in the local route's place.
    let retargeted = |net: ipnet::IpNet| {
        r.routes
            .iter()
            .find(|x| x.destination == Destination::Cidr(net))
            .map(|x| x.target.id().to_string())
    };
    if let Some(v) = c.vpcs.get(&r.vpc_id) {
        for block in v.ipv4_blocks() {
            let eni = retargeted(ipnet::IpNet::V4(*block));
            routes.push(w::Route {
                destination_cidr_block: Some(block.to_string()),
                gateway_id: owned("local").filter(|_| eni.is_none()),
                network_interface_id: eni,
                origin: owned("CreateRouteTable"),
                state: owned("active"),
                ..Default::default()
            });
        }
        if let Some(b) = &v.ipv6 {
            let eni = retargeted(ipnet::IpNet::V6(b.cidr));
            routes.push(w::Route {
                destination_ipv6_cidr_block: Some(b.cidr.to_string()),
                gateway_id: owned("local").filter(|_| eni.is_none()),
                network_interface_id: eni,
                origin: owned("CreateRouteTable"),
                state: owned("active"),
                ..Default::default()
            });
        }
    }
    for route in r
        .routes
        .iter()
        .filter(|x| !c.is_local_route(r, &x.destination))
    {
        let mut out = w::Route {
            origin: owned("CreateRoute"),
            state: owned(route.state(c, &r.vpc_id)),
            ..Default::default()
        };
        match &route.destination {
            Destination::Cidr(ipnet::IpNet::V4(d)) => {
                out.destination_cidr_block = Some(d.to_string())
            }
            Destination::Cidr(ipnet::IpNet::V6(d)) => {
                out.destination_ipv6_cidr_block = Some(d.to_string())
            }
            Destination::PrefixList(id) => out.destination_prefix_list_id = owned(id),
        }
        match &route.target {
            Target::Gateway(id) => out.gateway_id = owned(id),
            Target::EgressOnly(id) => out.egress_only_internet_gateway_id = owned(id),
            Target::Peering(id) => out.vpc_peering_connection_id = owned(id),
            Target::Interface(id) => {
                out.network_interface_id = owned(id);
                // An instance's interface names the instance too.
                if let Some(a) = c.interfaces.get(id).and_then(|e| e.attachment.as_ref()) {
                    if !a.instance_id.is_empty() {
                        out.instance_id = owned(&a.instance_id);
                        out.instance_owner_id = owned(&a.instance_owner);
                    }
                }
            }
            Target::Instance(id) => {
                out.instance_id = owned(id);
                if let Some(i) = c.instances.get(id) {
                    out.instance_owner_id = owned(&i.owner);
                    out.network_interface_id = i.network_interface_ids.first().cloned();
                }
            }
            Target::Nat(id) => out.nat_gateway_id = owned(id),
            Target::Endpoint(id) => out.gateway_id = owned(id),
            Target::TransitGateway(id) => out.transit_gateway_id = owned(id),
        }
        routes.push(out);
    }
    // Routes AWS adds for the gateway endpoints that use this table.
    for (endpoint, prefix_list) in c.endpoint_routes(&r.id) {
        routes.push(w::Route {
            destination_prefix_list_id: Some(prefix_list),
            gateway_id: owned(&endpoint.id),
            origin: owned("CreateRoute"),
            state: owned("active"),
            ..Default::default()
        });
    }
    w::RouteTable {
        associations: Some(associations),
        propagating_vgws: Some(
            r.propagating_vgws
                .iter()
                .map(|g| w::PropagatingVgw {
                    gateway_id: Some(g.clone()),
                })
                .collect(),
        ),
        route_table_id: owned(&r.id),
        routes: Some(routes),
        tags: tags_out(&r.tags),
        vpc_id: owned(&r.vpc_id),
        owner_id: owned(&r.owner),
    }
}

fn peering_side_out(side: &PeeringSide) -> w::VpcPeeringConnectionVpcInfo {
    w::VpcPeeringConnectionVpcInfo {
        cidr_block: side.cidr.map(|c| c.to_string()),
        cidr_block_set: side.cidr.map(|c| {
            vec![w::CidrBlock {
                cidr_block: Some(c.to_string()),
            }]
        }),
        owner_id: owned(&side.owner),
        peering_options: side
            .cidr
            .map(|_| w::VpcPeeringConnectionOptionsDescription {
                allow_dns_resolution_from_remote_vpc: Some(side.allow_remote_dns),
                allow_egress_from_local_classic_link_to_remote_vpc: Some(false),
                allow_egress_from_local_vpc_to_remote_classic_link: Some(false),
            }),
        vpc_id: owned(&side.vpc_id),
        region: owned(&side.region),
        ipv6_cidr_block_set: None,
    }
}

/// A peering connection as one of its sides sees it at `now`: with that side's tags only.
pub fn peering_out(who: &Caller, p: &VpcPeering, now: i64) -> w::VpcPeeringConnection {
    let status = p.status_at(now);
    w::VpcPeeringConnection {
        accepter_vpc_info: Some(peering_side_out(&p.accepter)),
        expiration_time: (status == "pending-acceptance").then(|| DateTime(p.expires_at())),
        requester_vpc_info: Some(peering_side_out(&p.requester)),
        status: Some(w::VpcPeeringConnectionStateReason {
            code: owned(status),
            message: Some(p.message_at(now)),
        }),
        tags: tags_out(p.tags_of(&who.account)),
        vpc_peering_connection_id: owned(&p.id),
    }
}

pub fn stale_permission_out(s: &StaleRule) -> w::StaleIpPermission {
    let r = s.rule;
    let mut out = w::StaleIpPermission {
        from_port: r.from_port,
        ip_protocol: owned(&r.protocol),
        to_port: r.to_port,
        ..Default::default()
    };
    if let Some(cloud::model::GroupPeer {
        group_id,
        user_id,
        vpc_peering_connection_id,
    }) = r.peer.group_peer()
    {
        out.user_id_group_pairs = Some(vec![w::UserIdGroupPair {
            description: r.description.clone(),
            user_id: owned(user_id),
            group_id: owned(group_id),
            vpc_id: s.vpc_id.clone(),
            vpc_peering_connection_id: vpc_peering_connection_id.as_ref().map(ToString::to_string),
            peering_status: s.peering_status.map(str::to_string),
            group_name: None,
        }]);
    }
    out
}
