//! VPC endpoints and the endpoint services of a Region; the prefix lists of AWS services.

use super::*;
use cloud::endpoints::{
    EndpointChange, EndpointCommand, EndpointKind, EndpointService, NewEndpoint, VpcEndpoint,
    DEFAULT_POLICY,
};
use wire::DateTime;

/// UNSURE: the hosted zone AWS names for endpoint DNS names differs per Region; one fixed id.
const HOSTED_ZONE: &str = "Z7HUB22UULQXV";

fn endpoint_out(c: &Cloud, e: &VpcEndpoint, state: &str) -> w::VpcEndpoint {
    let interface = e.kind == EndpointKind::Interface;
    let dns_entries = if interface {
        let short = e
            .service_name
            .strip_prefix(&format!("com.amazonaws.{}.", e.region))
            .unwrap_or(&e.service_name);
        let base = format!(
            "{}-{}.{short}.{}.vpce.amazonaws.com",
            e.id, e.dns_tag, e.region
        );
        let mut names = vec![base.clone()];
        for s in &e.subnets {
            if let Some(subnet) = c.subnets.get(&s.subnet_id) {
                names.push(format!(
                    "{}-{}-{}.{short}.{}.vpce.amazonaws.com",
                    e.id, e.dns_tag, subnet.availability_zone, e.region
                ));
            }
        }
        if e.private_dns {
            names.push(format!("{short}.{}.amazonaws.com", e.region));
        }
        names
            .into_iter()
            .map(|n| w::DnsEntry {
                dns_name: Some(n),
                hosted_zone_id: owned(HOSTED_ZONE),
            })
            .collect()
    } else {
        Vec::new()
    };
    w::VpcEndpoint {
        vpc_endpoint_id: owned(&e.id),
        vpc_endpoint_type: owned(e.kind.as_str()),
        vpc_id: owned(&e.vpc_id),
        service_name: owned(&e.service_name),
        state: owned(state),
        policy_document: Some(e.policy.clone().unwrap_or_else(|| DEFAULT_POLICY.into())),
        route_table_ids: Some(e.route_table_ids.clone()),
        subnet_ids: Some(e.subnets.iter().map(|s| s.subnet_id.clone()).collect()),
        groups: Some(
            e.group_ids
                .iter()
                .map(|id| w::SecurityGroupIdentifier {
                    group_id: Some(id.clone()),
                    group_name: c.groups.get(id.as_str()).map(|g| g.name.to_string()),
                })
                .collect(),
        ),
        ip_address_type: owned("ipv4"),
        dns_options: interface.then(|| w::DnsOptions {
            dns_record_ip_type: owned("ipv4"),
            private_dns_only_for_inbound_resolver_endpoint: Some(false),
            ..Default::default()
        }),
        private_dns_enabled: Some(e.private_dns),
        requester_managed: Some(false),
        network_interface_ids: Some(e.subnets.iter().map(|s| s.interface_id.clone()).collect()),
        dns_entries: Some(dns_entries),
        creation_timestamp: Some(DateTime(e.created_at)),
        tags: tags_out(&e.tags),
        owner_id: owned(&e.owner),
        service_region: owned(&e.region),
        ..Default::default()
    }
}

fn list(v: Option<Vec<String>>) -> Vec<String> {
    v.unwrap_or_default()
}

pub(super) fn create_vpc_endpoint(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateVpcEndpointRequest,
) -> Result<w::CreateVpcEndpointResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "vpc-endpoint")?;
    let kind = match input.vpc_endpoint_type.as_deref() {
        None | Some("Gateway") => EndpointKind::Gateway,
        Some("Interface") => EndpointKind::Interface,
        Some("GatewayLoadBalancer" | "Resource" | "ServiceNetwork") => {
            return Err(ApiError::not_implemented(
                "ec2",
                "Gateway Load Balancer, resource and service-network endpoints",
            ))
        }
        Some(other) => {
            return Err(invalid(format!(
                "Value ({other}) for parameter vpcEndpointType is invalid."
            )))
        }
    };
    if input.service_network_arn.is_some()
        || input.resource_configuration_arn.is_some()
        || input.subnet_configurations.is_some()
    {
        return Err(ApiError::not_implemented(
            "ec2",
            "service networks, resource configurations and subnet configurations",
        ));
    }
    if let Some(region) = input.service_region.as_deref().filter(|r| *r != ctx.region) {
        return Err(err(cloud::Error::new(
            "InvalidParameter",
            format!("The service region {region} is not supported for this service."),
        )));
    }
    let service_name = input
        .service_name
        .ok_or_else(|| err(cloud::Error::missing("ServiceName")))?;
    let new = NewEndpoint {
        vpc_id: input.vpc_id,
        service_name,
        kind,
        policy: input.policy_document,
        route_table_ids: list(input.route_table_ids),
        subnet_ids: list(input.subnet_ids),
        group_ids: list(input.security_group_ids),
        private_dns: input.private_dns_enabled,
        client_token: input.client_token.clone(),
        tags,
    };
    let client_token = input.client_token;
    s.mutate(
        ctx,
        Command::Endpoint(EndpointCommand::Create(new)),
        |c, o| {
            let e = &c.endpoints[outcome_id(o)];
            let state = match e.kind {
                EndpointKind::Gateway => "available",
                EndpointKind::Interface => "pending",
            };
            w::CreateVpcEndpointResult {
                vpc_endpoint: Some(endpoint_out(c, e, state)),
                client_token,
            }
        },
    )
}

pub(super) fn modify_vpc_endpoint(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyVpcEndpointRequest,
) -> Result<w::ModifyVpcEndpointResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.subnet_configurations.is_some() || input.dns_options.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "endpoint subnet configurations and DNS options",
        ));
    }
    if input
        .ip_address_type
        .as_deref()
        .is_some_and(|t| t != "ipv4")
    {
        return Err(ApiError::not_implemented("ec2", "IPv6 endpoints"));
    }
    let change = EndpointChange {
        add_route_tables: list(input.add_route_table_ids),
        remove_route_tables: list(input.remove_route_table_ids),
        add_subnets: list(input.add_subnet_ids),
        remove_subnets: list(input.remove_subnet_ids),
        add_groups: list(input.add_security_group_ids),
        remove_groups: list(input.remove_security_group_ids),
        policy: input.policy_document,
        reset_policy: input.reset_policy.unwrap_or(false),
        private_dns: input.private_dns_enabled,
    };
    let endpoint_id = input.vpc_endpoint_id;
    s.mutate(
        ctx,
        Command::Endpoint(EndpointCommand::Modify {
            endpoint_id,
            change,
        }),
        |_, _| w::ModifyVpcEndpointResult {
            r#return: Some(true),
        },
    )
}

pub(super) fn delete_vpc_endpoints(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteVpcEndpointsRequest,
) -> Result<w::DeleteVpcEndpointsResult, ApiError> {
    dry_run(input.dry_run)?;
    let endpoint_ids = input.vpc_endpoint_ids;
    if endpoint_ids.is_empty() {
        return Err(err(cloud::Error::missing("VpcEndpointId")));
    }
    s.mutate(
        ctx,
        Command::Endpoint(EndpointCommand::Delete { endpoint_ids }),
        |_, o| w::DeleteVpcEndpointsResult {
            unsuccessful: Some(match o {
                Outcome::Unsuccessful(items) => items
                    .iter()
                    .map(|(id, code, message)| w::UnsuccessfulItem {
                        error: Some(w::UnsuccessfulItemError {
                            code: Some(code.clone()),
                            message: Some(message.clone()),
                        }),
                        resource_id: Some(id.clone()),
                    })
                    .collect(),
                _ => Vec::new(),
            }),
        },
    )
}

pub(super) fn describe_vpc_endpoints(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcEndpointsRequest,
) -> Result<w::DescribeVpcEndpointsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (1, 1000))?;
    let ids = input.vpc_endpoint_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_endpoints(who, &ids, &filters, &page)?;
        Ok(w::DescribeVpcEndpointsResult {
            vpc_endpoints: Some(
                found
                    .into_iter()
                    .map(|e| endpoint_out(c, e, "available"))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

fn service_out(region: &str, zones: &[String], svc: &EndpointService) -> w::ServiceDetail {
    let interface = svc.types.contains(&"Interface");
    w::ServiceDetail {
        service_name: Some(svc.name.clone()),
        service_id: Some(svc.id.clone()),
        service_type: Some(
            svc.types
                .iter()
                .map(|t| w::ServiceTypeDetail {
                    service_type: Some(t.to_string()),
                })
                .collect(),
        ),
        service_region: owned(region),
        availability_zones: Some(zones.to_vec()),
        owner: owned("amazon"),
        base_endpoint_dns_names: Some(vec![svc.dns_name(region)]),
        private_dns_name: interface.then(|| svc.dns_name(region)),
        vpc_endpoint_policy_supported: Some(true),
        acceptance_required: Some(false),
        manages_vpc_endpoints: Some(false),
        supported_ip_address_types: Some(vec!["ipv4".into()]),
        tags: Some(Vec::new()),
        private_dns_name_verification_state: interface.then(|| "verified".to_string()),
        ..Default::default()
    }
}

pub(super) fn describe_vpc_endpoint_services(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeVpcEndpointServicesRequest,
) -> Result<w::DescribeVpcEndpointServicesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (1, 1000))?;
    let names = input.service_names.unwrap_or_default();
    if input
        .service_regions
        .iter()
        .flatten()
        .any(|r| *r != ctx.region)
    {
        return Err(ApiError::not_implemented(
            "ec2",
            "cross-Region endpoint services",
        ));
    }
    let zones: Vec<String> = cloud::regions::zones(&ctx.region)
        .into_iter()
        .map(|(zone, _)| zone)
        .collect();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_endpoint_services(who, &names, &filters, &page)?;
        let mut service_names: Vec<String> = found.iter().map(|s| s.name.clone()).collect();
        service_names.dedup();
        Ok(w::DescribeVpcEndpointServicesResult {
            service_names: Some(service_names),
            service_details: Some(
                found
                    .iter()
                    .map(|svc| service_out(&who.region, &zones, svc))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

/// The prefix lists of AWS services (the ones gateway endpoints route to).
pub(super) fn describe_prefix_lists(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribePrefixListsRequest,
) -> Result<w::DescribePrefixListsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (5, 1000))?;
    let ids = input.prefix_list_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_service_prefix_lists(who, &ids, &filters, &page)?;
        Ok(w::DescribePrefixListsResult {
            prefix_lists: Some(
                found
                    .into_iter()
                    .map(|p| w::PrefixList {
                        cidrs: Some(p.entries().iter().map(|e| e.cidr.to_string()).collect()),
                        prefix_list_id: owned(&p.id),
                        prefix_list_name: owned(&p.name),
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}
