//! Route tables: custom tables beside each VPC's main one, their routes and their subnet
//! associations. A VPC's local routes are not stored: they follow its blocks. A route whose
//! target is gone (a deleted or detached gateway, a deleted interface, a peering no longer
//! active) is a `blackhole`, as AWS reports it.

use crate::error::{Error, Result};
use crate::ids::Ids;
use crate::model::{RouteTable, Tag};
use crate::prefix_list::AWS_OWNER;
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// AWS's default quotas: custom route tables per VPC, routes per table (non-propagated).
pub const ROUTE_TABLES_PER_VPC: usize = 200;
pub const ROUTES_PER_TABLE: usize = 50;

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// An internet gateway (`GatewayId`).
    Gateway(String),
    EgressOnly(String),
    Interface(String),
    Peering(String),
    /// An instance (its one interface carries the traffic).
    Instance(String),
    Nat(String),
    /// Only Gateway Load Balancer endpoints can be targets, and ramparts has none: kept so
    /// that naming one is refused as AWS refuses it.
    Endpoint(String),
    TransitGateway(String),
}

impl Target {
    pub fn id(&self) -> &str {
        match self {
            Target::Gateway(id)
            | Target::EgressOnly(id)
            | Target::Interface(id)
            | Target::Peering(id)
            | Target::Instance(id)
            | Target::Nat(id)
            | Target::Endpoint(id)
            | Target::TransitGateway(id) => id,
        }
    }
}

/// Where a route applies: a CIDR, or every entry of a customer-managed prefix list.
/// Untagged so that a stored route reads back from the CIDR or the list id alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Destination {
    Cidr(IpNet),
    PrefixList(String),
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Cidr(c) => c.fmt(f),
            Destination::PrefixList(id) => f.write_str(id),
        }
    }
}

impl Destination {
    pub fn cidr(&self) -> Option<IpNet> {
        match self {
            Destination::Cidr(c) => Some(*c),
            Destination::PrefixList(_) => None,
        }
    }

    /// The member naming this destination in requests and filters.
    fn kind(&self) -> &'static str {
        match self {
            Destination::Cidr(IpNet::V4(_)) => "destination-cidr-block",
            Destination::Cidr(IpNet::V6(_)) => "destination-ipv6-cidr-block",
            Destination::PrefixList(_) => "destination-prefix-list-id",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub destination: Destination,
    pub target: Target,
}

/// A subnet's explicit association with a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetAssociation {
    pub id: String,
    pub subnet_id: String,
}

/// A gateway's edge association with a table (a gateway route table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayAssociation {
    pub id: String,
    pub gateway_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteCommand {
    CreateTable {
        vpc_id: String,
        tags: Vec<Tag>,
    },
    DeleteTable {
        table_id: String,
    },
    /// Create (`replace` false) or replace (true) the route to `destination`.
    PutRoute {
        table_id: String,
        route: Route,
        replace: bool,
    },
    DeleteRoute {
        table_id: String,
        destination: Destination,
    },
    /// Point a VPC block's local route back at `local` (ReplaceRoute with LocalTarget).
    RestoreLocal {
        table_id: String,
        destination: Destination,
    },
    Associate {
        table_id: String,
        subnet_id: String,
    },
    /// Associate an internet or virtual private gateway with the table (an edge association).
    AssociateGateway {
        table_id: String,
        gateway_id: String,
    },
    Disassociate {
        association_id: String,
    },
    /// Move an association (a subnet's, or the VPC's main one) to another table.
    ReplaceAssociation {
        association_id: String,
        table_id: String,
    },
}

pub const ROUTE_TABLE_FILTERS: &[&str] = &[
    "association.gateway-id",
    "association.main",
    "association.route-table-association-id",
    "association.route-table-id",
    "association.subnet-id",
    "owner-id",
    "route-table-id",
    "route.destination-cidr-block",
    "route.destination-ipv6-cidr-block",
    "route.destination-prefix-list-id",
    "route.egress-only-internet-gateway-id",
    "route.gateway-id",
    "route.instance-id",
    "route.nat-gateway-id",
    "route.network-interface-id",
    "route.origin",
    "route.state",
    "route.transit-gateway-id",
    "route.vpc-peering-connection-id",
    "vpc-id",
];

fn no_table(id: &str) -> Error {
    Error::new(
        "InvalidRouteTableID.NotFound",
        format!("The routeTable ID '{id}' does not exist"),
    )
}

fn no_association(id: &str) -> Error {
    Error::new(
        "InvalidAssociationID.NotFound",
        format!("The association ID '{id}' does not exist"),
    )
}

fn no_route(table: &str, destination: &Destination) -> Error {
    Error::new(
        "InvalidRoute.NotFound",
        format!(
            "no route with {} {destination} in route table {table}",
            destination.kind()
        ),
    )
}

fn already_associated(table_id: &str) -> Error {
    Error::new(
        "Resource.AlreadyAssociated",
        format!("the specified association for route table {table_id} conflicts with an existing association"),
    )
}

impl Route {
    /// `active`, or `blackhole` when the target no longer carries traffic from this VPC.
    pub fn state(&self, cloud: &Cloud, vpc_id: &str) -> &'static str {
        let live = match &self.target {
            Target::Gateway(id) if id.starts_with("vgw-") => cloud
                .vpn_gateways
                .get(id)
                .is_some_and(|g| g.attached_vpc() == Some(vpc_id)),
            Target::Gateway(id) => cloud
                .internet_gateways
                .get(id)
                .is_some_and(|g| g.vpc_id.as_deref() == Some(vpc_id)),
            Target::EgressOnly(id) => cloud.egress_only_gateways.contains_key(id),
            Target::Interface(id) => cloud.interfaces.contains_key(id),
            Target::Peering(id) => cloud
                .peerings
                .get(id)
                .is_some_and(|p| p.state == crate::peering::PeeringState::Active),
            Target::Instance(id) => cloud
                .instances
                .get(id)
                .is_some_and(|i| i.state == crate::model::InstanceState::Running),
            Target::Nat(id) => cloud.nat_gateways.get(id).is_some_and(|g| g.is_available()),
            Target::Endpoint(id) => cloud.endpoints.contains_key(id),
            Target::TransitGateway(id) => cloud.vpc_attached_to(id, vpc_id),
        };
        if live {
            "active"
        } else {
            "blackhole"
        }
    }
}

impl Cloud {
    /// A table's values for one DescribeRouteTables filter, its computed routes (local and
    /// gateway endpoints) included.
    pub(crate) fn route_table_values(&self, t: &RouteTable, name: &str) -> Option<Vec<String>> {
        let targets = |pick: fn(&Target) -> Option<&String>| -> Vec<String> {
            t.routes
                .iter()
                .filter_map(|r| pick(&r.target).cloned())
                .collect()
        };
        let endpoints = || self.endpoint_routes(&t.id);
        let vpc = self.vpcs.get(&t.vpc_id);
        let main = !t.main_association_id.is_empty();
        let associated = main || !t.associations.is_empty() || !t.gateway_associations.is_empty();
        Some(match name {
            "route-table-id" => vec![t.id.clone()],
            "vpc-id" => vec![t.vpc_id.clone()],
            "owner-id" => vec![t.owner.clone()],
            "association.main" => {
                let mut v = Vec::new();
                if main {
                    v.push("true".to_string());
                }
                if !t.associations.is_empty() || !t.gateway_associations.is_empty() {
                    v.push("false".to_string());
                }
                v
            }
            "association.route-table-association-id" => main
                .then(|| t.main_association_id.clone())
                .into_iter()
                .chain(t.associations.iter().map(|a| a.id.clone()))
                .chain(t.gateway_associations.iter().map(|a| a.id.clone()))
                .collect(),
            "association.route-table-id" => {
                if associated {
                    vec![t.id.clone()]
                } else {
                    vec![]
                }
            }
            "association.subnet-id" => t.associations.iter().map(|a| a.subnet_id.clone()).collect(),
            "association.gateway-id" => t
                .gateway_associations
                .iter()
                .map(|a| a.gateway_id.clone())
                .collect(),
            "route.destination-cidr-block" => vpc
                .into_iter()
                .flat_map(|v| v.ipv4_blocks().map(|b| b.to_string()))
                .chain(
                    t.routes
                        .iter()
                        .filter(|r| matches!(r.destination, Destination::Cidr(IpNet::V4(_))))
                        .map(|r| r.destination.to_string()),
                )
                .collect(),
            "route.destination-ipv6-cidr-block" => vpc
                .and_then(|v| v.ipv6.as_ref())
                .map(|b| b.cidr.to_string())
                .into_iter()
                .chain(
                    t.routes
                        .iter()
                        .filter(|r| matches!(r.destination, Destination::Cidr(IpNet::V6(_))))
                        .map(|r| r.destination.to_string()),
                )
                .collect(),
            "route.destination-prefix-list-id" => t
                .routes
                .iter()
                .filter_map(|r| match &r.destination {
                    Destination::PrefixList(id) => Some(id.clone()),
                    Destination::Cidr(_) => None,
                })
                .chain(endpoints().into_iter().map(|(_, pl)| pl))
                .collect(),
            "route.gateway-id" => std::iter::once("local".to_string())
                .chain(targets(|t| match t {
                    Target::Gateway(id) => Some(id),
                    _ => None,
                }))
                .chain(endpoints().into_iter().map(|(e, _)| e.id.clone()))
                .collect(),
            "route.egress-only-internet-gateway-id" => targets(|t| match t {
                Target::EgressOnly(id) => Some(id),
                _ => None,
            }),
            "route.vpc-peering-connection-id" => targets(|t| match t {
                Target::Peering(id) => Some(id),
                _ => None,
            }),
            "route.network-interface-id" => targets(|t| match t {
                Target::Interface(id) => Some(id),
                _ => None,
            }),
            "route.instance-id" => targets(|t| match t {
                Target::Instance(id) => Some(id),
                _ => None,
            }),
            "route.nat-gateway-id" => targets(|t| match t {
                Target::Nat(id) => Some(id),
                _ => None,
            }),
            "route.transit-gateway-id" => targets(|t| match t {
                Target::TransitGateway(id) => Some(id),
                _ => None,
            }),
            "route.origin" => {
                let mut v = vec!["CreateRouteTable".to_string()];
                if !t.routes.is_empty() || !endpoints().is_empty() {
                    v.push("CreateRoute".into());
                }
                v
            }
            "route.state" => std::iter::once("active".to_string())
                .chain(
                    t.routes
                        .iter()
                        .map(|r| r.state(self, &t.vpc_id).to_string()),
                )
                .collect(),
            _ => return None,
        })
    }

    /// The table that routes a subnet: its explicit association, or its VPC's main table.
    pub fn table_of_subnet(&self, subnet_id: &str, vpc_id: &str) -> Option<&RouteTable> {
        self.route_tables
            .values()
            .find(|t| t.associations.iter().any(|a| a.subnet_id == subnet_id))
            .or_else(|| {
                let main = &self.vpcs.get(vpc_id)?.main_route_table_id;
                self.route_tables.get(main)
            })
    }

    fn owned_table(&self, c: &Caller, id: &str) -> Result<&RouteTable> {
        let t = self
            .route_tables
            .get(id)
            .filter(|t| self.sees_route_table(c, t))
            .ok_or_else(|| no_table(id))?;
        if t.owner != c.account {
            return Err(Error::unauthorized());
        }
        Ok(t)
    }

    /// The table holding an association id (main or subnet), if the caller sees it.
    fn table_of_association(&self, c: &Caller, association_id: &str) -> Result<&RouteTable> {
        self.route_tables
            .values()
            .filter(|t| self.sees_route_table(c, t))
            .find(|t| {
                t.main_association_id == association_id
                    || t.associations.iter().any(|a| a.id == association_id)
                    || t.gateway_associations
                        .iter()
                        .any(|a| a.id == association_id)
            })
            .ok_or_else(|| no_association(association_id))
    }

    fn check_target(&self, c: &Caller, table: &RouteTable, route: &Route) -> Result<()> {
        let vpc = self
            .vpcs
            .get(&table.vpc_id)
            .ok_or_else(|| no_table(&table.id))?;
        let (local, ipv6) = match &route.destination {
            Destination::Cidr(IpNet::V4(d)) => (vpc.holds_v4(d), false),
            Destination::Cidr(IpNet::V6(d)) => {
                (vpc.ipv6.as_ref().is_some_and(|b| b.cidr.contains(d)), true)
            }
            Destination::PrefixList(id) => {
                let pl = self.visible_prefix_list(c, id)?;
                // UNSURE: AWS documents routes to customer-managed lists only; its wording for
                // an AWS-managed one is ours.
                if pl.owner == AWS_OWNER {
                    return Err(Error::invalid_value(format!(
                        "The prefix list {id} is AWS-managed. Routes can reference only customer-managed prefix lists."
                    )));
                }
                (false, pl.ipv6)
            }
        };
        if !table.gateway_associations.is_empty() {
            self.check_gateway_route(table, route)?;
        }
        let different = || {
            Error::invalid_value(format!(
                "route table {} and network gateway {} belong to different networks",
                table.id,
                route.target.id()
            ))
        };
        match &route.target {
            Target::Gateway(id) if id.starts_with("vgw-") => {
                let g = self.visible_vpn_gateway(c, id)?;
                if g.attached_vpc() != Some(table.vpc_id.as_str()) {
                    return Err(different());
                }
            }
            Target::Gateway(id) => {
                let g = self.visible_internet_gateway(c, id)?;
                if g.vpc_id.as_deref() != Some(table.vpc_id.as_str()) {
                    return Err(different());
                }
            }
            Target::EgressOnly(id) => {
                let g = self.visible_egress_only_gateway(c, id)?;
                if g.vpc_id != table.vpc_id {
                    return Err(different());
                }
                if !ipv6 {
                    return Err(Error::invalid_value(
                        "An egress-only internet gateway can only be the target of IPv6 routes.",
                    ));
                }
            }
            Target::Interface(id) => {
                let e = self.visible_interface(c, id)?;
                if e.vpc_id != table.vpc_id {
                    return Err(Error::invalid_value(format!(
                        "Route table {} and interface {id} belong to different networks",
                        table.id
                    )));
                }
            }
            Target::Peering(id) => {
                self.visible_peering(c, id)?;
            }
            Target::Instance(id) => {
                let i = self.visible_instance(c, id)?;
                if i.vpc_id != table.vpc_id {
                    return Err(different());
                }
                if i.network_interface_ids.len() != 1 {
                    return Err(Error::invalid_value(format!(
                        "Instance {id} has multiple network interfaces; name the interface instead."
                    )));
                }
            }
            Target::Nat(id) => {
                let g = self
                    .nat_gateways
                    .get(id)
                    .filter(|g| self.sees_nat_gateway(c, g) && g.is_available())
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidNatGatewayID.NotFound",
                            format!("The natGateway ID '{id}' does not exist"),
                        )
                    })?;
                if g.vpc_id != table.vpc_id {
                    return Err(different());
                }
                let nat64: IpNet = "64:ff9b::/96".parse().expect("constant CIDR");
                if ipv6 && route.destination != Destination::Cidr(nat64) {
                    return Err(Error::invalid_value(
                        "A NAT gateway can only be the target of IPv4 routes and of 64:ff9b::/96.",
                    ));
                }
            }
            Target::TransitGateway(id) => {
                // AWS answers this until the VPC's attachment to the gateway is available.
                if self.visible_transit_gateway(c, id).is_err()
                    || !self.vpc_attached_to(id, &table.vpc_id)
                {
                    return Err(Error::new(
                        "InvalidTransitGatewayID.NotFound",
                        format!("The transitGateway ID '{id}' does not exist."),
                    ));
                }
            }
            Target::Endpoint(id) => {
                self.visible_endpoint(c, id)?;
                return Err(Error::invalid_value(format!(
                    "Route target {id} is not a Gateway Load Balancer endpoint."
                )));
            }
        }
        let middlebox = matches!(
            route.target,
            Target::Interface(_) | Target::Instance(_) | Target::Nat(_)
        );
        if local && !middlebox {
            return Err(Error::invalid_value(format!(
                "The destination CIDR block {} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.",
                route.destination
            )));
        }
        Ok(())
    }

    /// A gateway route table routes what enters through its gateway: only to a whole subnet
    /// of the VPC, through an interface (a middlebox appliance).
    fn check_gateway_route(&self, table: &RouteTable, route: &Route) -> Result<()> {
        let whole_subnet = route.destination.cidr().is_some_and(|d| {
            self.subnets.values().any(|s| {
                s.vpc_id == table.vpc_id
                    && (s.cidr.map(IpNet::V4) == Some(d)
                        || s.ipv6.as_ref().is_some_and(|b| IpNet::V6(b.cidr) == d))
            })
        });
        // UNSURE: AWS's wording for a route a gateway route table cannot hold is ours.
        if !whole_subnet || !matches!(route.target, Target::Interface(_)) {
            return Err(Error::invalid_value(format!(
                "Route table {} is associated with a gateway: its routes must send a whole subnet's CIDR of the VPC to a network interface.",
                table.id
            )));
        }
        Ok(())
    }

    /// How much of the route quota of each family (IPv4, IPv6) a table's routes use: one per
    /// CIDR route, and a prefix list as many as its maximum size.
    pub(crate) fn route_weight(&self, routes: &[Route]) -> (usize, usize) {
        routes
            .iter()
            .fold((0, 0), |(v4, v6), r| match &r.destination {
                Destination::Cidr(IpNet::V4(_)) => (v4 + 1, v6),
                Destination::Cidr(IpNet::V6(_)) => (v4, v6 + 1),
                Destination::PrefixList(id) => match self.prefix_lists.get(id) {
                    Some(pl) if pl.ipv6 => (v4, v6 + pl.max_entries as usize),
                    Some(pl) => (v4 + pl.max_entries as usize, v6),
                    None => (v4, v6),
                },
            })
    }

    /// Whether a destination is exactly one of the table's VPC blocks: its local route.
    pub fn is_local_route(&self, table: &RouteTable, destination: &Destination) -> bool {
        let Some(vpc) = self.vpcs.get(&table.vpc_id) else {
            return false;
        };
        match destination.cidr() {
            Some(IpNet::V4(d)) => vpc.ipv4_blocks().any(|b| *b == d),
            Some(IpNet::V6(d)) => vpc.ipv6.as_ref().is_some_and(|b| b.cidr == d),
            None => false,
        }
    }

    pub(crate) fn route_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        command: &RouteCommand,
    ) -> Result<Outcome> {
        match command {
            RouteCommand::CreateTable { vpc_id, tags } => {
                validate_tags(tags)?;
                let vpc = self.owned_vpc(c, vpc_id)?.id.clone();
                let held = self
                    .route_tables
                    .values()
                    .filter(|t| t.vpc_id == vpc)
                    .count();
                if held >= ROUTE_TABLES_PER_VPC {
                    return Err(Error::new(
                        "RouteTableLimitExceeded",
                        format!("The maximum number of route tables for {vpc} has been reached."),
                    ));
                }
                let id = ids.id("rtb");
                self.route_tables.insert(
                    id.clone(),
                    RouteTable {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        vpc_id: vpc,
                        main_association_id: String::new(),
                        tags: tags.clone(),
                        routes: Vec::new(),
                        associations: Vec::new(),
                        gateway_associations: Vec::new(),
                        propagating_vgws: Vec::new(),
                    },
                );
                Ok(Outcome::Id(id))
            }
            RouteCommand::DeleteTable { table_id } => {
                let t = self.owned_table(c, table_id)?;
                if !t.main_association_id.is_empty()
                    || !t.associations.is_empty()
                    || !t.gateway_associations.is_empty()
                {
                    return Err(Error::dependency(format!(
                        "The routeTable '{table_id}' has dependencies and cannot be deleted."
                    )));
                }
                self.route_tables.remove(table_id);
                self.forget_route_table_endpoints(table_id);
                Ok(Outcome::Done)
            }
            RouteCommand::PutRoute {
                table_id,
                route,
                replace,
            } => {
                let t = self.owned_table(c, table_id)?;
                self.check_target(c, t, route)?;
                let existing = t
                    .routes
                    .iter()
                    .position(|r| r.destination == route.destination);
                // A VPC block's local route exists already; it may be pointed at an appliance.
                let local = self.is_local_route(t, &route.destination);
                if local && !*replace {
                    return Err(Error::new(
                        "RouteAlreadyExists",
                        format!(
                            "The route identified by {} already exists.",
                            route.destination
                        ),
                    ));
                }
                if local && !matches!(route.target, Target::Interface(_)) {
                    return Err(Error::invalid_value(format!(
                        "The local route {} can target only a network interface or a Gateway Load Balancer endpoint.",
                        route.destination
                    )));
                }
                match (existing, replace) {
                    (None, true) if local => {}
                    (Some(_), false) => {
                        return Err(Error::new(
                            "RouteAlreadyExists",
                            format!(
                                "The route identified by {} already exists.",
                                route.destination
                            ),
                        ))
                    }
                    (None, true) => {
                        return Err(Error::invalid_value(format!(
                            "There is no route defined for '{}' in the route table. Use CreateRoute instead.",
                            route.destination
                        )))
                    }
                    _ => {}
                }
                let mut after = t.routes.clone();
                match existing {
                    Some(i) => after[i] = route.clone(),
                    None => after.push(route.clone()),
                }
                let (v4, v6) = self.route_weight(&after);
                if v4.max(v6) > ROUTES_PER_TABLE {
                    return Err(Error::new(
                        "RouteLimitExceeded",
                        format!("The maximum number of routes in {table_id} has been reached."),
                    ));
                }
                let t = self.route_tables.get_mut(table_id).expect("seen above");
                match existing {
                    Some(i) => t.routes[i] = route.clone(),
                    None => t.routes.push(route.clone()),
                }
                Ok(Outcome::Done)
            }
            RouteCommand::DeleteRoute {
                table_id,
                destination,
            } => {
                let t = self.owned_table(c, table_id)?;
                if self.is_local_route(t, destination) {
                    return Err(Error::invalid_value(format!(
                        "cannot remove local route {destination} in route table {table_id}"
                    )));
                }
                let Some(i) = t.routes.iter().position(|r| r.destination == *destination) else {
                    return Err(no_route(table_id, destination));
                };
                self.route_tables
                    .get_mut(table_id)
                    .expect("seen above")
                    .routes
                    .remove(i);
                Ok(Outcome::Done)
            }
            RouteCommand::RestoreLocal {
                table_id,
                destination,
            } => {
                let t = self.owned_table(c, table_id)?;
                if !self.is_local_route(t, destination) {
                    return Err(Error::invalid_value(format!(
                        "The destination {destination} is not a CIDR block of the VPC: only its local route can target local."
                    )));
                }
                self.route_tables
                    .get_mut(table_id)
                    .expect("seen above")
                    .routes
                    .retain(|r| r.destination != *destination);
                Ok(Outcome::Done)
            }
            RouteCommand::Associate {
                table_id,
                subnet_id,
            } => {
                let t = self.owned_table(c, table_id)?;
                let subnet = self.owned_subnet(c, subnet_id)?;
                if subnet.vpc_id != t.vpc_id {
                    return Err(Error::invalid_value(format!(
                        "Route table {table_id} and subnet {subnet_id} belong to different networks"
                    )));
                }
                if self
                    .route_tables
                    .values()
                    .any(|other| other.associations.iter().any(|a| a.subnet_id == *subnet_id))
                {
                    return Err(already_associated(table_id));
                }
                let id = ids.id("rtbassoc");
                self.route_tables
                    .get_mut(table_id)
                    .expect("seen above")
                    .associations
                    .push(SubnetAssociation {
                        id: id.clone(),
                        subnet_id: subnet_id.clone(),
                    });
                Ok(Outcome::Id(id))
            }
            RouteCommand::AssociateGateway {
                table_id,
                gateway_id,
            } => {
                let t = self.owned_table(c, table_id)?;
                let attached = if gateway_id.starts_with("vgw-") {
                    self.visible_vpn_gateway(c, gateway_id)?
                        .attached_vpc()
                        .map(str::to_string)
                } else {
                    self.visible_internet_gateway(c, gateway_id)?.vpc_id.clone()
                };
                if attached.as_deref() != Some(t.vpc_id.as_str()) {
                    return Err(Error::invalid_value(format!(
                        "Route table {table_id} and gateway {gateway_id} belong to different networks"
                    )));
                }
                if self.route_tables.values().any(|other| {
                    other
                        .gateway_associations
                        .iter()
                        .any(|a| a.gateway_id == *gateway_id)
                }) {
                    return Err(already_associated(table_id));
                }
                for route in &t.routes {
                    self.check_gateway_route(t, route)?;
                }
                let id = ids.id("rtbassoc");
                self.route_tables
                    .get_mut(table_id)
                    .expect("seen above")
                    .gateway_associations
                    .push(GatewayAssociation {
                        id: id.clone(),
                        gateway_id: gateway_id.clone(),
                    });
                Ok(Outcome::Id(id))
            }
            RouteCommand::Disassociate { association_id } => {
                let t = self.table_of_association(c, association_id)?;
                if t.owner != c.account {
                    return Err(Error::unauthorized());
                }
                if t.main_association_id == *association_id {
                    return Err(Error::invalid_value(format!(
                        "cannot disassociate the main route table association {association_id}"
                    )));
                }
                let id = t.id.clone();
                let t = self.route_tables.get_mut(&id).expect("seen above");
                t.associations.retain(|a| a.id != *association_id);
                t.gateway_associations.retain(|a| a.id != *association_id);
                Ok(Outcome::Done)
            }
            RouteCommand::ReplaceAssociation {
                association_id,
                table_id,
            } => {
                let from = self.table_of_association(c, association_id)?;
                if from.owner != c.account {
                    return Err(Error::unauthorized());
                }
                let to = self.owned_table(c, table_id)?;
                if to.vpc_id != from.vpc_id {
                    return Err(Error::invalid_value(format!(
                        "Route table {table_id} belongs to a different network"
                    )));
                }
                let (from_id, main) =
                    (from.id.clone(), from.main_association_id == *association_id);
                let gateway_at = from
                    .gateway_associations
                    .iter()
                    .position(|a| a.id == *association_id);
                if gateway_at.is_some() {
                    for route in &to.routes {
                        self.check_gateway_route(to, route)?;
                    }
                }
                let new_id = ids.id("rtbassoc");
                if main {
                    self.route_tables
                        .get_mut(&from_id)
                        .expect("seen above")
                        .main_association_id = String::new();
                    let to = self.route_tables.get_mut(table_id).expect("seen above");
                    to.main_association_id = new_id.clone();
                    let vpc_id = to.vpc_id.clone();
                    if let Some(v) = self.vpcs.get_mut(&vpc_id) {
                        v.main_route_table_id = table_id.clone();
                    }
                } else if let Some(at) = gateway_at {
                    let from = self.route_tables.get_mut(&from_id).expect("seen above");
                    let gateway_id = from.gateway_associations.remove(at).gateway_id;
                    self.route_tables
                        .get_mut(table_id)
                        .expect("seen above")
                        .gateway_associations
                        .push(GatewayAssociation {
                            id: new_id.clone(),
                            gateway_id,
                        });
                } else {
                    let from = self.route_tables.get_mut(&from_id).expect("seen above");
                    let at = from
                        .associations
                        .iter()
                        .position(|a| a.id == *association_id)
                        .expect("found above");
                    let subnet_id = from.associations.remove(at).subnet_id;
                    self.route_tables
                        .get_mut(table_id)
                        .expect("seen above")
                        .associations
                        .push(SubnetAssociation {
                            id: new_id.clone(),
                            subnet_id,
                        });
                }
                Ok(Outcome::Id(new_id))
            }
        }
    }
}
