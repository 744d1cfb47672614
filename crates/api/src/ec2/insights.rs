//! Reachability Analyzer: network insights paths and their analyses. An analysis runs the
//! `analysis` crate over the state when it starts; its findings are then recorded (so a
//! replayed log answers the same).

use super::*;
use analysis::ports::PortSet;
use analysis::{Protocol, Query};
use cloud::insights::{
    AclRuleHit, Explanation, GroupRuleHit, Header, Hop, InsightsAnalysis, InsightsCommand,
    InsightsPath, PathFilter, PathSpec, Ref, RouteHit, TgwRouteHit,
};
use std::net::Ipv4Addr;
use wire::DateTime;

/// MaxResults bounds of the two describes.
const INSIGHTS_BOUNDS: (i32, i32) = (1, 100);

fn port_range(p: (i32, i32)) -> w::PortRange {
    w::PortRange {
        from: Some(p.0),
        to: Some(p.1),
    }
}

fn filter_out(f: &Option<PathFilter>) -> Option<w::PathFilter> {
    f.as_ref().map(|f| w::PathFilter {
        source_address: f.source_address.clone(),
        source_port_range: f.source_ports.map(|p| w::FilterPortRange {
            from_port: Some(p.0),
            to_port: Some(p.1),
        }),
        destination_address: f.destination_address.clone(),
        destination_port_range: f.destination_ports.map(|p| w::FilterPortRange {
            from_port: Some(p.0),
            to_port: Some(p.1),
        }),
    })
}

fn path_out(p: &InsightsPath) -> w::NetworkInsightsPath {
    w::NetworkInsightsPath {
        network_insights_path_id: owned(&p.id),
        network_insights_path_arn: Some(p.arn()),
        created_date: Some(DateTime(p.created_at)),
        source: owned(&p.source_id),
        destination: p.destination_id.clone(),
        source_arn: owned(&p.source_arn),
        destination_arn: p.destination_arn.clone(),
        source_ip: p.source_ip.clone(),
        destination_ip: p.destination_ip.clone(),
        protocol: owned(&p.protocol),
        destination_port: p.destination_port,
        tags: tags_out(&p.tags),
        filter_at_source: filter_out(&p.filter_at_source),
        filter_at_destination: filter_out(&p.filter_at_destination),
    }
}

fn component(r: &Option<Ref>) -> Option<w::AnalysisComponent> {
    r.as_ref().map(|r| w::AnalysisComponent {
        id: owned(&r.id),
        arn: Some(r.arn.clone()).filter(|a| !a.is_empty()),
        name: None,
    })
}

fn header(h: &Option<Header>) -> Option<w::AnalysisPacketHeader> {
    h.as_ref().map(|h| w::AnalysisPacketHeader {
        destination_addresses: Some(h.destinations.clone()),
        destination_port_ranges: Some(
            h.destination_ports
                .iter()
                .copied()
                .map(port_range)
                .collect(),
        ),
        protocol: owned(&h.protocol),
        source_addresses: Some(h.sources.clone()),
        source_port_ranges: Some(h.source_ports.iter().copied().map(port_range).collect()),
    })
}

fn acl_rule(r: &Option<AclRuleHit>) -> Option<w::AnalysisAclRule> {
    r.as_ref().map(|r| w::AnalysisAclRule {
        cidr: owned(&r.cidr),
        egress: Some(r.egress),
        port_range: r.ports.map(port_range),
        protocol: owned(&r.protocol),
        rule_action: owned(if r.allow { "allow" } else { "deny" }),
        rule_number: Some(r.rule_number),
    })
}

fn group_rule(r: &Option<GroupRuleHit>) -> Option<w::AnalysisSecurityGroupRule> {
    r.as_ref().map(|r| w::AnalysisSecurityGroupRule {
        cidr: r.cidr.clone(),
        direction: owned(&r.direction),
        security_group_id: owned(&r.group_id),
        port_range: r.ports.map(port_range),
        prefix_list_id: r.prefix_list.clone(),
        protocol: owned(&r.protocol),
    })
}

fn route(r: &Option<RouteHit>) -> Option<w::AnalysisRouteTableRoute> {
    r.as_ref().map(|r| {
        let mut out = w::AnalysisRouteTableRoute {
            destination_cidr: r.destination_cidr.clone(),
            destination_prefix_list_id: r.destination_prefix_list.clone(),
            origin: owned(&r.origin),
            state: owned(&r.state),
            ..Default::default()
        };
        let target = Some(r.target.clone());
        match r.target_member.as_str() {
            "egressOnlyInternetGatewayId" => out.egress_only_internet_gateway_id = target,
            "networkInterfaceId" => out.network_interface_id = target,
            "vpcPeeringConnectionId" => out.vpc_peering_connection_id = target,
            "instanceId" => out.instance_id = target,
            "natGatewayId" => out.nat_gateway_id = target,
            "transitGatewayId" => out.transit_gateway_id = target,
            _ => out.gateway_id = target,
        }
        out
    })
}

fn tgw_route(r: &Option<TgwRouteHit>) -> Option<w::TransitGatewayRouteTableRoute> {
    r.as_ref().map(|r| w::TransitGatewayRouteTableRoute {
        destination_cidr: owned(&r.destination_cidr),
        state: owned(&r.state),
        route_origin: owned(&r.origin),
        prefix_list_id: None,
        attachment_id: r.attachment_id.clone(),
        resource_id: r.resource_id.clone(),
        resource_type: r.resource_type.clone(),
    })
}

fn hops_out(hops: &[Hop]) -> Vec<w::PathComponent> {
    hops.iter()
        .enumerate()
        .map(|(i, h)| w::PathComponent {
            sequence_number: Some(i as i32 + 1),
            acl_rule: acl_rule(&h.acl_rule),
            component: component(&h.component),
            destination_vpc: component(&h.destination_vpc),
            outbound_header: header(&h.outbound),
            inbound_header: header(&h.inbound),
            route_table_route: route(&h.route),
            security_group_rule: group_rule(&h.group_rule),
            source_vpc: component(&h.source_vpc),
            subnet: component(&h.subnet),
            vpc: component(&h.vpc),
            transit_gateway: component(&h.transit_gateway),
            transit_gateway_route_table_route: tgw_route(&h.tgw_route),
            ..Default::default()
        })
        .collect()
}

fn explanation_out(e: &Explanation) -> w::Explanation {
    let some_vec = |v: Vec<String>| Some(v).filter(|v| !v.is_empty());
    w::Explanation {
        explanation_code: owned(&e.code),
        direction: e.direction.clone(),
        component: component(&e.component),
        network_interface: component(&e.network_interface),
        security_groups: Some(
            e.security_groups
                .iter()
                .filter_map(|g| component(&Some(g.clone())))
                .collect::<Vec<_>>(),
        )
        .filter(|v| !v.is_empty()),
        acl: component(&e.acl),
        acl_rule: acl_rule(&e.acl_rule),
        route_table: component(&e.route_table),
        route_table_route: route(&e.route),
        vpc: component(&e.vpc),
        subnet: component(&e.subnet),
        source_vpc: component(&e.source_vpc),
        destination_vpc: component(&e.destination_vpc),
        vpc_peering_connection: component(&e.peering),
        transit_gateway: component(&e.transit_gateway),
        transit_gateway_route_table: component(&e.tgw_route_table),
        transit_gateway_route_table_route: tgw_route(&e.tgw_route),
        transit_gateway_attachment: component(&e.tgw_attachment),
        internet_gateway: component(&e.internet_gateway),
        nat_gateway: component(&e.nat_gateway),
        address: e.address.clone(),
        availability_zones: some_vec(e.availability_zones.clone()),
        packet_field: e.packet_field.clone(),
        port_ranges: Some(
            e.port_ranges
                .iter()
                .copied()
                .map(port_range)
                .collect::<Vec<_>>(),
        )
        .filter(|v| !v.is_empty()),
        ..Default::default()
    }
}

fn analysis_out(a: &InsightsAnalysis, running: bool) -> w::NetworkInsightsAnalysis {
    let f = &a.findings;
    let mut out = w::NetworkInsightsAnalysis {
        network_insights_analysis_id: owned(&a.id),
        network_insights_analysis_arn: Some(a.arn()),
        network_insights_path_id: owned(&a.path_id),
        additional_accounts: Some(a.additional_accounts.clone()).filter(|v| !v.is_empty()),
        filter_in_arns: Some(a.filter_in.clone()).filter(|v| !v.is_empty()),
        filter_out_arns: Some(a.filter_out.clone()).filter(|v| !v.is_empty()),
        start_date: Some(DateTime(a.started_at)),
        status: owned(if running { "running" } else { "succeeded" }),
        tags: tags_out(&a.tags),
        ..Default::default()
    };
    if !running {
        out.network_path_found = Some(f.path_found);
        out.forward_path_components = Some(hops_out(&f.forward));
        out.return_path_components = Some(hops_out(&f.back));
        out.explanations = Some(f.explanations.iter().map(explanation_out).collect());
        out.alternate_path_hints = Some(Vec::new());
    }
    out
}

fn ipv4(text: &str, name: &str) -> Result<Ipv4Addr, ApiError> {
    text.parse::<Ipv4Addr>().map_err(|_| {
        invalid(format!(
            "The {name} '{text}' is not a valid IPv4 address (Reachability Analyzer analyses IPv4 only)."
        ))
    })
}

fn request_filter(f: Option<w::PathRequestFilter>) -> Result<Option<PathFilter>, ApiError> {
    let Some(f) = f else { return Ok(None) };
    let range = |r: Option<w::RequestFilterPortRange>| -> Result<Option<(i32, i32)>, ApiError> {
        let Some(r) = r else { return Ok(None) };
        let (from, to) = (r.from_port.unwrap_or(0), r.to_port.unwrap_or(65535));
        if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
            return Err(invalid(format!("The port range {from}-{to} is invalid.")));
        }
        Ok(Some((from, to)))
    };
    for a in [&f.source_address, &f.destination_address]
        .into_iter()
        .flatten()
    {
        let host = a.split('/').next().unwrap_or_default();
        ipv4(host, "address")?;
    }
    Ok(Some(PathFilter {
        source_address: f.source_address,
        source_ports: range(f.source_port_range)?,
        destination_address: f.destination_address,
        destination_ports: range(f.destination_port_range)?,
    }))
}

pub(super) fn create_network_insights_path(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateNetworkInsightsPathRequest,
) -> Result<w::CreateNetworkInsightsPathResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "network-insights-path")?;
    let protocol = Protocol::parse(&input.protocol)
        .filter(|_| !input.protocol.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            invalid(format!(
                "Value ({}) for parameter protocol is invalid. Valid values: tcp, udp.",
                input.protocol
            ))
        })?;
    if let Some(p) = input.destination_port {
        if !(0..=65535).contains(&p) {
            return Err(invalid(format!(
                "Value ({p}) for parameter destinationPort is invalid."
            )));
        }
    }
    for (ip, name) in [
        (&input.source_ip, "source IP"),
        (&input.destination_ip, "destination IP"),
    ] {
        if let Some(ip) = ip {
            ipv4(ip, name)?;
        }
    }
    if input.filter_at_source.is_some()
        && (input.source_ip.is_some() || input.destination_port.is_some())
    {
        return Err(invalid(
            "FilterAtSource cannot be specified together with SourceIp or DestinationPort.",
        ));
    }
    if input.filter_at_destination.is_some() && input.destination_ip.is_some() {
        return Err(invalid(
            "FilterAtDestination cannot be specified together with DestinationIp.",
        ));
    }
    let filter_at_source = request_filter(input.filter_at_source)?;
    let filter_at_destination = request_filter(input.filter_at_destination)?;
    let has_destination = input.destination.is_some()
        || input.destination_ip.is_some()
        || filter_at_source
            .as_ref()
            .is_some_and(|f| f.destination_address.is_some());
    if !has_destination {
        return Err(err(cloud::Error::missing("Destination")));
    }
    let spec = PathSpec {
        source: input.source,
        destination: input.destination,
        source_ip: input.source_ip,
        destination_ip: input.destination_ip,
        protocol: protocol.name().to_string(),
        destination_port: input.destination_port,
        filter_at_source,
        filter_at_destination,
    };
    let command = InsightsCommand::CreatePath {
        spec,
        client_token: Some(input.client_token).filter(|t| !t.is_empty()),
        tags,
    };
    s.mutate(ctx, Command::Insights(command), |c, o| {
        w::CreateNetworkInsightsPathResult {
            network_insights_path: Some(path_out(&c.insights_paths[outcome_id(o)])),
        }
    })
}

pub(super) fn delete_network_insights_path(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNetworkInsightsPathRequest,
) -> Result<w::DeleteNetworkInsightsPathResult, ApiError> {
    dry_run(input.dry_run)?;
    let path_id = input.network_insights_path_id;
    s.mutate(
        ctx,
        Command::Insights(InsightsCommand::DeletePath { path_id }),
        |_, o| w::DeleteNetworkInsightsPathResult {
            network_insights_path_id: Some(outcome_id(o).to_string()),
        },
    )
}

pub(super) fn describe_network_insights_paths(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNetworkInsightsPathsRequest,
) -> Result<w::DescribeNetworkInsightsPathsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, INSIGHTS_BOUNDS)?;
    let ids = input.network_insights_path_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_insights_paths(who, &ids, &filters, &page)?;
        Ok(w::DescribeNetworkInsightsPathsResult {
            network_insights_paths: Some(found.into_iter().map(path_out).collect()),
            next_token: next,
        })
    })
}

/// The analyzer's question for a path: its addresses and ports, narrowed by its filters.
fn query_of(p: &InsightsPath) -> Query {
    let address = |text: Option<&String>| {
        text.and_then(|t| t.split('/').next().and_then(|h| h.parse::<Ipv4Addr>().ok()))
    };
    let at_source = p.filter_at_source.clone().unwrap_or_default();
    let ports = |r: Option<(i32, i32)>| match r {
        Some((a, b)) => PortSet::range(a as u16, b as u16),
        None => PortSet::all(),
    };
    let destination_ports = match p.destination_port {
        Some(port) => PortSet::range(port as u16, port as u16),
        None => ports(at_source.destination_ports),
    };
    Query {
        source: p.source_id.clone(),
        destination: p.destination_id.clone(),
        source_ip: address(p.source_ip.as_ref()).or(address(at_source.source_address.as_ref())),
        destination_ip: address(p.destination_ip.as_ref())
            .or(address(at_source.destination_address.as_ref())),
        protocol: Protocol::parse(&p.protocol).unwrap_or(Protocol::Tcp),
        source_ports: ports(at_source.source_ports),
        destination_ports,
    }
}

pub(super) fn start_network_insights_analysis(
    s: &Services,
    ctx: &mut Ctx,
    input: w::StartNetworkInsightsAnalysisRequest,
) -> Result<w::StartNetworkInsightsAnalysisResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "network-insights-analysis")?;
    let path_id = input.network_insights_path_id;
    let filter_in = input.filter_in_arns.unwrap_or_default();
    let filter_out = input.filter_out_arns.unwrap_or_default();
    if let Some(bad) = filter_in
        .iter()
        .chain(&filter_out)
        .find(|a| !a.starts_with("arn:"))
    {
        return Err(invalid(format!(
            "The value '{bad}' for FilterInArns or FilterOutArns is not a valid ARN."
        )));
    }
    let findings = s.query(ctx, |c, who| {
        let path = c.insights_path(who, &path_id)?;
        let found = analysis::analyze(c, &query_of(path));
        Ok(analysis::reach::through_components(
            found,
            &filter_in,
            &filter_out,
        ))
    })?;
    let command = InsightsCommand::RecordAnalysis {
        path_id,
        additional_accounts: input.additional_accounts.unwrap_or_default(),
        filter_in,
        filter_out,
        findings,
        tags,
    };
    s.mutate(ctx, Command::Insights(command), |c, o| {
        w::StartNetworkInsightsAnalysisResult {
            network_insights_analysis: Some(analysis_out(
                &c.insights_analyses[outcome_id(o)],
                true,
            )),
        }
    })
}

pub(super) fn describe_network_insights_analyses(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeNetworkInsightsAnalysesRequest,
) -> Result<w::DescribeNetworkInsightsAnalysesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, INSIGHTS_BOUNDS)?;
    let ids = input.network_insights_analysis_ids.unwrap_or_default();
    let path_id = input.network_insights_path_id;
    let window = (
        input.analysis_start_time.map(|t| t.0),
        input.analysis_end_time.map(|t| t.0),
    );
    s.query(ctx, |c, who| {
        if let Some(p) = &path_id {
            c.insights_path(who, p)?;
        }
        let (found, next) =
            c.describe_insights_analyses(who, &ids, path_id.as_deref(), window, &filters, &page)?;
        Ok(w::DescribeNetworkInsightsAnalysesResult {
            network_insights_analyses: Some(
                found.into_iter().map(|a| analysis_out(a, false)).collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn delete_network_insights_analysis(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteNetworkInsightsAnalysisRequest,
) -> Result<w::DeleteNetworkInsightsAnalysisResult, ApiError> {
    dry_run(input.dry_run)?;
    let analysis_id = input.network_insights_analysis_id;
    s.mutate(
        ctx,
        Command::Insights(InsightsCommand::DeleteAnalysis { analysis_id }),
        |_, o| w::DeleteNetworkInsightsAnalysisResult {
            network_insights_analysis_id: Some(outcome_id(o).to_string()),
        },
    )
}
