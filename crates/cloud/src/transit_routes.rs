//! A transit gateway's route tables: which attachments each table routes for (associations,
//! one table per attachment), which attachments announce their VPC's blocks into it
//! (propagations), and its static and blackhole routes. Propagated routes are computed from the
//! attachments, never stored; a static route for the same destination wins over them. Only the
//! gateway's owner sees or changes its tables.

use crate::error::{Error, Result};
use crate::filter::{self, Filter};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Region, Tag};
use crate::tags::validate_tags;
use crate::transit::{incorrect_state, no_attachment, TgwAttachment};
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// AWS's default quotas.
pub const ROUTE_TABLES_PER_TRANSIT_GATEWAY: usize = 20;
pub const STATIC_ROUTES_PER_TRANSIT_GATEWAY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwStaticRoute {
    pub destination: IpNet,
    /// `None` for a blackhole route.
    pub attachment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    pub id: String,
    pub tgw_id: String,
    pub owner: AccountId,
    pub region: Region,
    pub created_at: Millis,
    pub tags: Vec<Tag>,
    pub associations: Vec<String>,
    pub propagations: Vec<String>,
    pub routes: Vec<TgwStaticRoute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TgwRouteCommand {
    CreateTable {
        tgw_id: String,
        tags: Vec<Tag>,
    },
    DeleteTable {
        table_id: String,
    },
    Associate {
        table_id: String,
        attachment_id: String,
    },
    Disassociate {
        table_id: String,
        attachment_id: String,
    },
    EnablePropagation {
        table_id: String,
        attachment_id: String,
    },
    DisablePropagation {
        table_id: String,
        attachment_id: String,
    },
    /// Create (`replace` false) or replace (true) the static route to `destination`.
    PutRoute {
        table_id: String,
        route: TgwStaticRoute,
        replace: bool,
    },
    DeleteRoute {
        table_id: String,
        destination: IpNet,
    },
}

/// A route as a table shows it: static or propagated, with the attachment it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwRouteView<'a> {
    /// The gateway whose table holds the route (a peering is seen from this end).
    pub tgw_id: &'a str,
    pub destination: IpNet,
    pub attachment: Option<&'a TgwAttachment>,
    pub propagated: bool,
    pub state: &'static str,
}

pub const ROUTE_TABLE_FILTERS: &[&str] = &[
    "default-association-route-table",
    "default-propagation-route-table",
    "state",
    "transit-gateway-id",
    "transit-gateway-route-table-id",
];

pub const TABLE_ATTACHMENT_FILTERS: &[&str] = &[
    "resource-id",
    "resource-type",
    "transit-gateway-attachment-id",
];

pub const SEARCH_FILTERS: &[&str] = &[
    "attachment.transit-gateway-attachment-id",
    "attachment.resource-id",
    "attachment.resource-type",
    "prefix-list-id",
    "route-search.exact-match",
    "route-search.longest-prefix-match",
    "route-search.subnet-of-match",
    "route-search.supernet-of-match",
    "state",
    "type",
];

pub(crate) fn no_route_table(id: &str) -> Error {
    Error::new(
        "InvalidRouteTableID.NotFound",
        format!("Transit Gateway Route Table {id} was deleted or does not exist."),
    )
}

fn no_route(table: &str, destination: &IpNet) -> Error {
    Error::new(
        "InvalidRoute.NotFound",
        format!("No route with destination-cidr-block {destination} in Transit Gateway Route Table {table}."),
    )
}

impl Cloud {
    pub fn sees_tgw_route_table(&self, c: &Caller, t: &TgwRouteTable) -> bool {
        c.region == t.region && c.account == t.owner
    }

    pub fn visible_tgw_route_table(&self, c: &Caller, id: &str) -> Result<&TgwRouteTable> {
        self.tgw_route_tables
            .get(id)
            .filter(|t| self.sees_tgw_route_table(c, t))
            .ok_or_else(|| no_route_table(id))
    }

    pub(crate) fn insert_tgw_route_table(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        tgw_id: &str,
        tags: Vec<Tag>,
    ) -> String {
        let id = ids.id("tgw-rtb");
        self.tgw_route_tables.insert(
            id.clone(),
            TgwRouteTable {
                id: id.clone(),
                tgw_id: tgw_id.to_string(),
                owner: c.account.clone(),
                region: c.region.clone(),
                created_at: at,
                tags,
                associations: Vec::new(),
                propagations: Vec::new(),
                routes: Vec::new(),
            },
        );
        id
    }

    /// An available attachment of the table's gateway, for associations and propagations.
    fn table_attachment(
        &self,
        c: &Caller,
        table: &TgwRouteTable,
        attachment_id: &str,
        now: Millis,
    ) -> Result<&TgwAttachment> {
        let a = self.visible_attachment(c, attachment_id, now)?;
        if !a.on_gateway(&table.tgw_id) {
            return Err(Error::invalid_value(format!(
                "Transit Gateway Attachment {attachment_id} does not belong to {}.",
                table.tgw_id
            )));
        }
        if !a.is_available() {
            return Err(incorrect_state(format!(
                "Transit Gateway Attachment {attachment_id} is in an invalid state: {}.",
                a.state.as_str()
            )));
        }
        Ok(a)
    }

    /// The routes of a table: static ones, then the propagated blocks of its propagating
    /// attachments that no static route already covers.
    pub fn tgw_routes<'a>(&'a self, t: &'a TgwRouteTable) -> Vec<TgwRouteView<'a>> {
        let mut out: Vec<TgwRouteView<'a>> = t
            .routes
            .iter()
            .map(|r| {
                let attachment = r
                    .attachment_id
                    .as_ref()
                    .and_then(|id| self.tgw_attachments.get(id));
                let live = attachment.is_some_and(|a| a.is_available());
                TgwRouteView {
                    tgw_id: &t.tgw_id,
                    destination: r.destination,
                    attachment,
                    propagated: false,
                    state: if live { "active" } else { "blackhole" },
                }
            })
            .collect();
        for a in t
            .propagations
            .iter()
            .filter_map(|id| self.tgw_attachments.get(id))
            .filter(|a| a.is_available())
        {
            let Some(vpc) = self.vpcs.get(&a.vpc_id) else {
                continue;
            };
            let mut blocks: Vec<IpNet> = vpc.ipv4_blocks().map(|b| IpNet::V4(*b)).collect();
            if a.options.ipv6_support {
                blocks.extend(vpc.ipv6.as_ref().map(|b| IpNet::V6(b.cidr)));
            }
            for destination in blocks {
                if out.iter().any(|r| r.destination == destination) {
                    continue;
                }
                out.push(TgwRouteView {
                    tgw_id: &t.tgw_id,
                    destination,
                    attachment: Some(a),
                    propagated: true,
                    state: "active",
                });
            }
        }
        out.sort_by_key(|r| r.destination);
        out
    }

    pub(crate) fn tgw_route_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &TgwRouteCommand,
    ) -> Result<Outcome> {
        match command {
            TgwRouteCommand::CreateTable { tgw_id, tags } => {
                validate_tags(tags)?;
                self.owned_transit_gateway(c, tgw_id)?;
                let held = self
                    .tgw_route_tables
                    .values()
                    .filter(|t| t.tgw_id == *tgw_id)
                    .count();
                if held >= ROUTE_TABLES_PER_TRANSIT_GATEWAY {
                    return Err(Error::new(
                        "TransitGatewayRouteTableLimitExceeded",
                        format!(
                            "{tgw_id} has {ROUTE_TABLES_PER_TRANSIT_GATEWAY} route tables already."
                        ),
                    ));
                }
                Ok(Outcome::Id(self.insert_tgw_route_table(
                    c,
                    ids,
                    at,
                    tgw_id,
                    tags.clone(),
                )))
            }
            TgwRouteCommand::DeleteTable { table_id } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                if !t.associations.is_empty() {
                    return Err(incorrect_state(format!(
                        "{table_id} has associated attachments: {}.",
                        t.associations.join(", ")
                    )));
                }
                let is_default = self.transit_gateways.get(&t.tgw_id).is_some_and(|g| {
                    g.association_default_table.as_ref() == Some(table_id)
                        || g.propagation_default_table.as_ref() == Some(table_id)
                });
                if is_default {
                    return Err(incorrect_state(format!(
                        "{table_id} is a default route table of {}; choose another default first.",
                        t.tgw_id
                    )));
                }
                self.tgw_route_tables.remove(table_id);
                Ok(Outcome::Id(table_id.clone()))
            }
            TgwRouteCommand::Associate {
                table_id,
                attachment_id,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                self.table_attachment(c, t, attachment_id, at)?;
                if self.association_of(&t.tgw_id, attachment_id).is_some() {
                    return Err(Error::new(
                        "Resource.AlreadyAssociated",
                        format!("Transit Gateway Attachment {attachment_id} is already associated to a route table."),
                    ));
                }
                self.tgw_route_tables
                    .get_mut(table_id)
                    .expect("seen")
                    .associations
                    .push(attachment_id.clone());
                Ok(Outcome::Done)
            }
            TgwRouteCommand::Disassociate {
                table_id,
                attachment_id,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                if !t.associations.contains(attachment_id) {
                    return Err(Error::new(
                        "InvalidAssociation.NotFound",
                        format!("Transit Gateway Attachment {attachment_id} is not associated with {table_id}."),
                    ));
                }
                self.tgw_route_tables
                    .get_mut(table_id)
                    .expect("seen")
                    .associations
                    .retain(|a| a != attachment_id);
                Ok(Outcome::Done)
            }
            TgwRouteCommand::EnablePropagation {
                table_id,
                attachment_id,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                if self.table_attachment(c, t, attachment_id, at)?.is_peering() {
                    // UNSURE: AWS's wording; peerings carry static routes only.
                    return Err(Error::invalid_value(format!(
                        "Transit Gateway Attachment {attachment_id} is a peering attachment, which cannot propagate routes."
                    )));
                }
                if t.propagations.contains(attachment_id) {
                    return Err(Error::new(
                        "TransitGatewayRouteTablePropagation.Duplicate",
                        format!("Transit Gateway Attachment {attachment_id} already propagates to {table_id}."),
                    ));
                }
                self.tgw_route_tables
                    .get_mut(table_id)
                    .expect("seen")
                    .propagations
                    .push(attachment_id.clone());
                Ok(Outcome::Done)
            }
            TgwRouteCommand::DisablePropagation {
                table_id,
                attachment_id,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                if !t.propagations.contains(attachment_id) {
                    return Err(Error::new(
                        "TransitGatewayRouteTablePropagation.NotFound",
                        format!("Transit Gateway Attachment {attachment_id} does not propagate to {table_id}."),
                    ));
                }
                self.tgw_route_tables
                    .get_mut(table_id)
                    .expect("seen")
                    .propagations
                    .retain(|a| a != attachment_id);
                Ok(Outcome::Done)
            }
            TgwRouteCommand::PutRoute {
                table_id,
                route,
                replace,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                if let Some(id) = &route.attachment_id {
                    let a = self
                        .tgw_attachments
                        .get(id)
                        .filter(|a| self.sees_attachment(c, a) && a.described_at(at))
                        .ok_or_else(|| no_attachment(id))?;
                    if !a.on_gateway(&t.tgw_id) {
                        return Err(Error::invalid_value(format!(
                            "Transit Gateway Attachment {id} does not belong to {}.",
                            t.tgw_id
                        )));
                    }
                }
                let existing = t
                    .routes
                    .iter()
                    .position(|r| r.destination == route.destination);
                match (existing, replace) {
                    (Some(_), false) => {
                        return Err(Error::new(
                            "RouteAlreadyExists",
                            format!(
                            "Route {} already exists in Transit Gateway Route Table {table_id}.",
                            route.destination
                        ),
                        ))
                    }
                    (None, true) => return Err(no_route(table_id, &route.destination)),
                    _ => {}
                }
                let tgw = t.tgw_id.clone();
                let held: usize = self
                    .tgw_route_tables
                    .values()
                    .filter(|x| x.tgw_id == tgw)
                    .map(|x| x.routes.len())
                    .sum();
                if existing.is_none() && held >= STATIC_ROUTES_PER_TRANSIT_GATEWAY {
                    return Err(Error::new(
                        "RouteLimitExceeded",
                        format!(
                            "{tgw} has {STATIC_ROUTES_PER_TRANSIT_GATEWAY} static routes already."
                        ),
                    ));
                }
                let t = self.tgw_route_tables.get_mut(table_id).expect("seen");
                match existing {
                    Some(i) => t.routes[i] = route.clone(),
                    None => t.routes.push(route.clone()),
                }
                Ok(Outcome::Done)
            }
            TgwRouteCommand::DeleteRoute {
                table_id,
                destination,
            } => {
                let t = self.visible_tgw_route_table(c, table_id)?;
                let Some(i) = t.routes.iter().position(|r| r.destination == *destination) else {
                    return Err(no_route(table_id, destination));
                };
                self.tgw_route_tables
                    .get_mut(table_id)
                    .expect("seen")
                    .routes
                    .remove(i);
                Ok(Outcome::Done)
            }
        }
    }

    pub fn describe_tgw_route_tables(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&TgwRouteTable>> {
        filter::validate(filters, ROUTE_TABLE_FILTERS)?;
        for id in ids {
            self.visible_tgw_route_table(c, id)?;
        }
        let mut found: Vec<&TgwRouteTable> = self
            .tgw_route_tables
            .values()
            .filter(|t| self.sees_tgw_route_table(c, t))
            .filter(|t| ids.is_empty() || ids.contains(&t.id))
            .filter(|t| {
                let g = self.transit_gateways.get(&t.tgw_id);
                let default_for = |pick: fn(&crate::transit::TransitGateway) -> &Option<String>| {
                    g.is_some_and(|g| pick(g).as_ref() == Some(&t.id))
                };
                filter::matches_with(&t.tags, filters, |name| {
                    Some(match name {
                        "default-association-route-table" => {
                            vec![default_for(|g| &g.association_default_table).to_string()]
                        }
                        "default-propagation-route-table" => {
                            vec![default_for(|g| &g.propagation_default_table).to_string()]
                        }
                        "state" => vec!["available".into()],
                        "transit-gateway-id" => vec![t.tgw_id.clone()],
                        "transit-gateway-route-table-id" => vec![t.id.clone()],
                        _ => return None,
                    })
                })
            })
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |t| &t.id)
    }

    /// A table's associations (`propagations` false) or propagations, as the Get operations
    /// list them.
    pub fn table_attachments(
        &self,
        c: &Caller,
        table_id: &str,
        propagations: bool,
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&TgwAttachment>> {
        filter::validate(filters, TABLE_ATTACHMENT_FILTERS)?;
        let t = self.visible_tgw_route_table(c, table_id)?;
        let list = if propagations {
            &t.propagations
        } else {
            &t.associations
        };
        let mut found: Vec<&TgwAttachment> = list
            .iter()
            .filter_map(|id| self.tgw_attachments.get(id))
            .filter(|a| {
                filter::matches_with(&[], filters, |name| {
                    let (resource_type, resource_id, _) = a.resource_from(&t.tgw_id);
                    Some(match name {
                        "resource-id" => vec![resource_id.to_string()],
                        "resource-type" => vec![resource_type.into()],
                        "transit-gateway-attachment-id" => vec![a.id.clone()],
                        _ => return None,
                    })
                })
            })
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |a| &a.id)
    }

    /// SearchTransitGatewayRoutes: the table's routes matching every filter (at least one is
    /// required), the first `limit`, and whether more matched.
    pub fn search_tgw_routes(
        &self,
        c: &Caller,
        table_id: &str,
        filters: &[Filter],
        limit: usize,
    ) -> Result<(Vec<TgwRouteView<'_>>, bool)> {
        filter::validate(filters, SEARCH_FILTERS)?;
        if filters.is_empty() {
            return Err(Error::missing("Filters"));
        }
        let t = self.visible_tgw_route_table(c, table_id)?;
        let parse = |v: &str| -> Result<IpNet> {
            v.parse::<IpNet>().map(|n| n.trunc()).map_err(|_| {
                Error::invalid_value(format!("Value ({v}) for parameter Filters is invalid."))
            })
        };
        // The CIDR filters are parsed once, before any route is looked at.
        let mut cidr_filters: Vec<(&str, Vec<IpNet>)> = Vec::new();
        for f in filters
            .iter()
            .filter(|f| f.name.starts_with("route-search."))
        {
            let nets = f
                .values
                .iter()
                .map(|v| parse(v))
                .collect::<Result<Vec<_>>>()?;
            cidr_filters.push((f.name.as_str(), nets));
        }
        let others: Vec<Filter> = filters
            .iter()
            .filter(|f| !f.name.starts_with("route-search."))
            .cloned()
            .collect();
        let routes = self.tgw_routes(t);
        let longest: Vec<(IpNet, IpNet)> = cidr_filters
            .iter()
            .filter(|(name, _)| *name == "route-search.longest-prefix-match")
            .flat_map(|(_, nets)| nets.iter())
            .filter_map(|n| {
                routes
                    .iter()
                    .filter(|r| r.destination.contains(n))
                    .map(|r| r.destination)
                    .max_by_key(|d| d.prefix_len())
                    .map(|d| (*n, d))
            })
            .collect();
        let matched: Vec<TgwRouteView<'_>> = routes
            .into_iter()
            .filter(|r| {
                let cidr_ok = cidr_filters.iter().all(|(name, nets)| {
                    nets.iter().any(|n| match *name {
                        "route-search.exact-match" => r.destination == *n,
                        "route-search.subnet-of-match" => n.contains(&r.destination),
                        "route-search.supernet-of-match" => r.destination.contains(n),
                        _ => longest.iter().any(|(q, d)| q == n && *d == r.destination),
                    })
                });
                cidr_ok
                    && filter::matches_with(&[], &others, |name| {
                        Some(match name {
                            "attachment.transit-gateway-attachment-id" => {
                                r.attachment.map(|a| a.id.clone()).into_iter().collect()
                            }
                            "attachment.resource-id" => r
                                .attachment
                                .map(|a| a.resource_from(&t.tgw_id).1.to_string())
                                .into_iter()
                                .collect(),
                            "attachment.resource-type" => r
                                .attachment
                                .map(|a| a.resource_from(&t.tgw_id).0.to_string())
                                .into_iter()
                                .collect(),
                            "prefix-list-id" => vec![],
                            "state" => vec![r.state.into()],
                            "type" => {
                                vec![if r.propagated { "propagated" } else { "static" }.into()]
                            }
                            _ => return None,
                        })
                    })
            })
            .collect();
        let more = matched.len() > limit;
        Ok((matched.into_iter().take(limit).collect(), more))
    }
}
