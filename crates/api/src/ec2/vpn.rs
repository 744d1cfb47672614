//! Virtual private gateways and customer gateways, route propagation, and the describes of what
//! cannot exist here (VPN connections, carrier and local gateways, client VPN endpoints,
//! endpoint services of one's own, transit-gateway peering): AWS's empty answers, so that tools
//! which list everything keep working; creating any of those answers NotImplemented.

use super::*;
use cloud::vpn::{CustomerGateway, NewCustomerGateway, VpnCommand, VpnGateway};

fn command(s: &Services, ctx: &mut Ctx, command: VpnCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Vpn(command), |_, o| o.clone())
}

fn vpn_gateway_out(g: &VpnGateway) -> w::VpnGateway {
    w::VpnGateway {
        amazon_side_asn: Some(g.amazon_side_asn),
        tags: tags_out(&g.tags),
        vpn_gateway_id: owned(&g.id),
        state: owned("available"),
        r#type: owned("ipsec.1"),
        availability_zone: g.availability_zone.clone(),
        vpc_attachments: Some(
            g.attachment
                .iter()
                .map(|a| w::VpcAttachment {
                    vpc_id: owned(&a.vpc_id),
                    state: owned(if a.attached { "attached" } else { "detached" }),
                })
                .collect(),
        ),
    }
}

fn customer_gateway_out(g: &CustomerGateway) -> w::CustomerGateway {
    let small = i32::try_from(g.bgp_asn).is_ok();
    w::CustomerGateway {
        certificate_arn: g.certificate_arn.clone(),
        device_name: g.device_name.clone(),
        tags: tags_out(&g.tags),
        bgp_asn_extended: (!small).then(|| g.bgp_asn.to_string()),
        customer_gateway_id: owned(&g.id),
        state: owned("available"),
        r#type: owned("ipsec.1"),
        ip_address: g.ip_address.clone(),
        bgp_asn: small.then(|| g.bgp_asn.to_string()),
    }
}

fn ipsec(kind: &str) -> Result<(), ApiError> {
    if kind == "ipsec.1" {
        Ok(())
    } else {
        Err(invalid(format!(
            "Value ({kind}) for parameter type is invalid. Valid values: ipsec.1"
        )))
    }
}

pub(super) fn create_vpn_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateVpnGatewayRequest,
) -> Result<w::CreateVpnGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    ipsec(&input.r#type)?;
    let tags = tag_specs(input.tag_specifications, "vpn-gateway")?;
    let command = VpnCommand::CreateVpnGateway {
        amazon_side_asn: input.amazon_side_asn,
        availability_zone: input.availability_zone,
        tags,
    };
    s.mutate(ctx, Command::Vpn(command), |c, o| {
        w::CreateVpnGatewayResult {
            vpn_gateway: Some(vpn_gateway_out(&c.vpn_gateways[outcome_id(o)])),
        }
    })
}

pub(super) fn attach_vpn_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::AttachVpnGatewayRequest,
) -> Result<w::AttachVpnGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let (gateway_id, vpc_id) = (input.vpn_gateway_id, input.vpc_id);
    command(
        s,
        ctx,
        VpnCommand::Attach {
            gateway_id,
            vpc_id: vpc_id.clone(),
        },
    )?;
    Ok(w::AttachVpnGatewayResult {
        vpc_attachment: Some(w::VpcAttachment {
            vpc_id: Some(vpc_id),
            state: owned("attaching"),
        }),
    })
}

pub(super) fn detach_vpn_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DetachVpnGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let (gateway_id, vpc_id) = (input.vpn_gateway_id, input.vpc_id);
    command(s, ctx, VpnCommand::Detach { gateway_id, vpc_id })?;
    Ok(())
}

pub(super) fn delete_vpn_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteVpnGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let gateway_id = input.vpn_gateway_id;
    command(s, ctx, VpnCommand::DeleteVpnGateway { gateway_id })?;
    Ok(())
}

pub(super) fn describe_vpn_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpnGatewaysRequest,
) -> Result<w::DescribeVpnGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let ids = input.vpn_gateway_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let found = c.describe_vpn_gateways(who, &ids, &filters)?;
        Ok(w::DescribeVpnGatewaysResult {
            vpn_gateways: Some(found.into_iter().map(vpn_gateway_out).collect()),
        })
    })
}

macro_rules! propagation {
    ($name:ident, $request:ident, $enable:literal) => {
        pub(super) fn $name(
            s: &Services,
            ctx: &mut Ctx,
            input: w::$request,
        ) -> Result<(), ApiError> {
            dry_run(input.dry_run)?;
            let (gateway_id, table_id) = (input.gateway_id, input.route_table_id);
            command(
                s,
                ctx,
                VpnCommand::Propagation {
                    gateway_id,
                    table_id,
                    enable: $enable,
                },
            )?;
            Ok(())
        }
    };
}

propagation!(
    enable_vgw_route_propagation,
    EnableVgwRoutePropagationRequest,
    true
);
propagation!(
    disable_vgw_route_propagation,
    DisableVgwRoutePropagationRequest,
    false
);

pub(super) fn create_customer_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateCustomerGatewayRequest,
) -> Result<w::CreateCustomerGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    ipsec(&input.r#type)?;
    let tags = tag_specs(input.tag_specifications, "customer-gateway")?;
    let bgp_asn = match (input.bgp_asn, input.bgp_asn_extended) {
        (Some(_), Some(_)) => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "Specify either BgpAsn or BgpAsnExtended, not both.",
            )))
        }
        (Some(a), None) => i64::from(a),
        (None, Some(a)) => a,
        (None, None) => 65000,
    };
    let new = NewCustomerGateway {
        bgp_asn,
        ip_address: input.ip_address.or(input.public_ip),
        certificate_arn: input.certificate_arn,
        device_name: input.device_name,
        tags,
    };
    s.mutate(
        ctx,
        Command::Vpn(VpnCommand::CreateCustomerGateway(new)),
        |c, o| w::CreateCustomerGatewayResult {
            customer_gateway: Some(customer_gateway_out(&c.customer_gateways[outcome_id(o)])),
        },
    )
}

pub(super) fn delete_customer_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteCustomerGatewayRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let gateway_id = input.customer_gateway_id;
    command(s, ctx, VpnCommand::DeleteCustomerGateway { gateway_id })?;
    Ok(())
}

pub(super) fn describe_customer_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeCustomerGatewaysRequest,
) -> Result<w::DescribeCustomerGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let ids = input.customer_gateway_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let found = c.describe_customer_gateways(who, &ids, &filters)?;
        Ok(w::DescribeCustomerGatewaysResult {
            customer_gateways: Some(found.into_iter().map(customer_gateway_out).collect()),
        })
    })
}

/// Nothing of this kind exists: named ids are not found, otherwise the list is empty.
fn none_exist(ids: Option<Vec<String>>, code: &'static str, what: &str) -> Result<(), ApiError> {
    match ids.unwrap_or_default().first() {
        Some(id) => Err(err(cloud::Error::new(
            code,
            format!("The {what} ID '{id}' does not exist"),
        ))),
        None => Ok(()),
    }
}

pub(super) fn describe_vpn_connections(
    _: &Services,
    _: &mut Ctx,
    input: w::DescribeVpnConnectionsRequest,
) -> Result<w::DescribeVpnConnectionsResult, ApiError> {
    dry_run(input.dry_run)?;
    filters(input.filters)?;
    none_exist(
        input.vpn_connection_ids,
        "InvalidVpnConnectionID.NotFound",
        "vpnConnection",
    )?;
    Ok(w::DescribeVpnConnectionsResult {
        vpn_connections: Some(Vec::new()),
    })
}

/// The paged describes of what cannot exist here: the ids, then an empty page.
macro_rules! empty_describe {
    ($name:ident, $request:ident, $result:ident, $ids:ident, $list:ident, $code:literal, $what:literal) => {
        pub(super) fn $name(
            _: &Services,
            _: &mut Ctx,
            input: w::$request,
        ) -> Result<w::$result, ApiError> {
            dry_run(input.dry_run)?;
            filters(input.filters)?;
            page(input.max_results, input.next_token, (5, 1000))?;
            none_exist(input.$ids, $code, $what)?;
            Ok(w::$result {
                $list: Some(Vec::new()),
                next_token: None,
            })
        }
    };
}

empty_describe!(
    describe_carrier_gateways,
    DescribeCarrierGatewaysRequest,
    DescribeCarrierGatewaysResult,
    carrier_gateway_ids,
    carrier_gateways,
    "InvalidCarrierGatewayID.NotFound",
    "carrierGateway"
);
empty_describe!(
    describe_vpc_endpoint_service_configurations,
    DescribeVpcEndpointServiceConfigurationsRequest,
    DescribeVpcEndpointServiceConfigurationsResult,
    service_ids,
    service_configurations,
    "InvalidVpcEndpointServiceId.NotFound",
    "vpcEndpointService"
);
empty_describe!(
    describe_client_vpn_endpoints,
    DescribeClientVpnEndpointsRequest,
    DescribeClientVpnEndpointsResult,
    client_vpn_endpoint_ids,
    client_vpn_endpoints,
    "InvalidClientVpnEndpointId.NotFound",
    "clientVpnEndpoint"
);
empty_describe!(
    describe_local_gateway_route_tables,
    DescribeLocalGatewayRouteTablesRequest,
    DescribeLocalGatewayRouteTablesResult,
    local_gateway_route_table_ids,
    local_gateway_route_tables,
    "InvalidLocalGatewayRouteTableID.NotFound",
    "localGatewayRouteTable"
);
