//! Route tables: custom tables, routes, and subnet and main associations.

use super::*;
use cloud::routes::{Destination, Route, RouteCommand, Target};
use ipnet::IpNet;

fn command(s: &Services, ctx: &mut Ctx, command: RouteCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Route(command), |_, o| o.clone())
}

fn associated() -> Option<w::RouteTableAssociationState> {
    Some(w::RouteTableAssociationState {
        state: Some("associated".into()),
        status_message: None,
    })
}

/// The one destination a route request names.
fn destination(
    v4: Option<String>,
    v6: Option<String>,
    list: Option<String>,
) -> Result<Destination, ApiError> {
    match (v4, v6, list) {
        (Some(c), None, None) => Ok(Destination::Cidr(IpNet::V4(
            cloud::rules::cidr4(&c).map_err(err)?,
        ))),
        (None, Some(c), None) => Ok(Destination::Cidr(IpNet::V6(ipv6_cidr(&c)?))),
        (None, None, Some(id)) => Ok(Destination::PrefixList(id)),
        _ => Err(err(cloud::Error::new(
            "InvalidParameterCombination",
            "Exactly one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId must be specified.",
        ))),
    }
}

/// The one target a route request names.
#[allow(clippy::too_many_arguments)]
fn target(
    gateway: Option<String>,
    egress_only: Option<String>,
    interface: Option<String>,
    peering: Option<String>,
    instance: Option<String>,
    nat: Option<String>,
    transit: Option<String>,
    endpoint: Option<String>,
) -> Result<Target, ApiError> {
    let named: Vec<Target> = [
        gateway.map(Target::Gateway),
        egress_only.map(Target::EgressOnly),
        interface.map(Target::Interface),
        peering.map(Target::Peering),
        instance.map(Target::Instance),
        nat.map(Target::Nat),
        endpoint.map(Target::Endpoint),
        transit.map(Target::TransitGateway),
    ]
    .into_iter()
    .flatten()
    .collect();
    match <[Target; 1]>::try_from(named) {
        Ok([t]) => {
            if let Target::Gateway(id) = &t {
                if !(id.starts_with("igw-") || id.starts_with("vgw-")) {
                    return Err(ApiError::not_implemented(
                        "ec2",
                        "routes to gateways other than internet and virtual private gateways",
                    ));
                }
            }
            Ok(t)
        }
        Err(_) => Err(err(cloud::Error::new(
            "InvalidParameterCombination",
            "Exactly one route target must be specified.",
        ))),
    }
}

/// The route a CreateRoute or ReplaceRoute request describes (their members are the same).
macro_rules! route_of {
    ($input:ident) => {
        Route {
            destination: destination(
                $input.destination_cidr_block,
                $input.destination_ipv6_cidr_block,
                $input.destination_prefix_list_id,
            )?,
            target: target(
                $input.gateway_id,
                $input.egress_only_internet_gateway_id,
                $input.network_interface_id,
                $input.vpc_peering_connection_id,
                $input.instance_id,
                $input.nat_gateway_id,
                $input.transit_gateway_id,
                $input.vpc_endpoint_id,
            )?,
        }
    };
}

pub(super) fn create_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateRouteTableRequest,
) -> Result<w::CreateRouteTableResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "route-table")?;
    let client_token = input.client_token;
    let vpc_id = input.vpc_id;
    s.mutate(
        ctx,
        Command::Route(RouteCommand::CreateTable { vpc_id, tags }),
        |c, o| w::CreateRouteTableResult {
            route_table: Some(route_table_out(c, &c.route_tables[outcome_id(o)])),
            client_token,
        },
    )
}

pub(super) fn delete_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteRouteTableRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let table_id = input.route_table_id;
    command(s, ctx, RouteCommand::DeleteTable { table_id }).map(|_| ())
}

pub(super) fn create_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateRouteRequest,
) -> Result<w::CreateRouteResult, ApiError> {
    dry_run(input.dry_run)?;
    let route = route_of!(input);
    let table_id = input.route_table_id;
    let put = RouteCommand::PutRoute {
        table_id,
        route,
        replace: false,
    };
    command(s, ctx, put)?;
    Ok(w::CreateRouteResult {
        r#return: Some(true),
    })
}

pub(super) fn replace_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReplaceRouteRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    if input.local_target == Some(true) {
        let destination = destination(
            input.destination_cidr_block,
            input.destination_ipv6_cidr_block,
            input.destination_prefix_list_id,
        )?;
        let table_id = input.route_table_id;
        let restore = RouteCommand::RestoreLocal {
            table_id,
            destination,
        };
        return command(s, ctx, restore).map(|_| ());
    }
    let route = route_of!(input);
    let table_id = input.route_table_id;
    let put = RouteCommand::PutRoute {
        table_id,
        route,
        replace: true,
    };
    command(s, ctx, put).map(|_| ())
}

pub(super) fn delete_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteRouteRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let destination = destination(
        input.destination_cidr_block,
        input.destination_ipv6_cidr_block,
        input.destination_prefix_list_id,
    )?;
    let table_id = input.route_table_id;
    command(
        s,
        ctx,
        RouteCommand::DeleteRoute {
            table_id,
            destination,
        },
    )
    .map(|_| ())
}

pub(super) fn associate_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AssociateRouteTableRequest,
) -> Result<w::AssociateRouteTableResult, ApiError> {
    dry_run(input.dry_run)?;
    let table_id = input.route_table_id;
    let associate = match (input.subnet_id, input.gateway_id) {
        (Some(subnet_id), None) => RouteCommand::Associate {
            table_id,
            subnet_id,
        },
        (None, Some(gateway_id)) => RouteCommand::AssociateGateway {
            table_id,
            gateway_id,
        },
        (None, None) => return Err(err(cloud::Error::missing("SubnetId"))),
        (Some(_), Some(_)) => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "Specify either a subnet or a gateway, not both.",
            )))
        }
    };
    let outcome = command(s, ctx, associate)?;
    Ok(w::AssociateRouteTableResult {
        association_id: Some(outcome_id(&outcome).to_string()),
        association_state: associated(),
    })
}

pub(super) fn disassociate_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DisassociateRouteTableRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let association_id = input.association_id;
    command(s, ctx, RouteCommand::Disassociate { association_id }).map(|_| ())
}

pub(super) fn replace_route_table_association(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReplaceRouteTableAssociationRequest,
) -> Result<w::ReplaceRouteTableAssociationResult, ApiError> {
    dry_run(input.dry_run)?;
    let (association_id, table_id) = (input.association_id, input.route_table_id);
    let outcome = command(
        s,
        ctx,
        RouteCommand::ReplaceAssociation {
            association_id,
            table_id,
        },
    )?;
    Ok(w::ReplaceRouteTableAssociationResult {
        new_association_id: Some(outcome_id(&outcome).to_string()),
        association_state: associated(),
    })
}
