//! EC2 operations: decode has happened, encode will happen; here wire inputs become domain
//! commands and queries, and domain objects become wire outputs. The generated trait hands
//! each operation to its area's file (VPCs, subnets, groups, rules, interfaces, instances,
//! tags, prefix lists, peering, gateways, the account's view of a Region); the helpers they
//! share live here, in `convert` (wire to domain) and in `views` (domain to wire).

mod account;
mod acls;
mod addresses;
mod block_public_access;
mod convert;
mod dhcp;
mod endpoints;
mod flow_logs;
mod gateways;
mod groups;
mod insights;
mod instances;
mod interfaces;
mod nat;
mod peering;
mod prefix_lists;
mod routes;
mod rules;
mod subnets;
mod tagging;
mod transit;
mod transit_peering;
mod views;
mod vpcs;
mod vpn;

use crate::{Ctx, Services};
use cloud::{
    Caller, Cloud, Command, EniChange, GroupRef, LaunchSpec, Outcome, RuleRevoke, SubnetAttribute,
    VpcAttribute,
};
use convert::*;
use views::*;
use wire::ec2 as w;
use wire::ApiError;

pub(crate) const DESCRIBE_BOUNDS: (i32, i32) = (5, 1000);

impl Services {
    /// Run a command in the caller's account and Region, opening the Region first if needed.
    pub(crate) fn mutate<T>(
        &self,
        ctx: &mut Ctx,
        command: Command,
        view: impl FnOnce(&Cloud, &Outcome) -> T,
    ) -> Result<T, ApiError> {
        self.open(ctx);
        let (out, ticket) = self
            .engine
            .write(&ctx.account, &ctx.region, command, view)
            .map_err(err)?;
        ctx.tickets.push(ticket);
        Ok(out)
    }

    pub(crate) fn query<T>(
        &self,
        ctx: &mut Ctx,
        f: impl FnOnce(&Cloud, &Caller) -> Result<T, cloud::Error>,
    ) -> Result<T, ApiError> {
        self.open(ctx);
        let caller = ctx.caller();
        self.engine.read(|c| f(c, &caller)).map_err(err)
    }

    fn open(&self, ctx: &mut Ctx) {
        if let Some(t) = self.engine.open_region(&ctx.account, &ctx.region) {
            ctx.tickets.push(t);
        }
    }
}

pub(crate) fn outcome_id(o: &Outcome) -> &str {
    match o {
        Outcome::Id(id) | Outcome::Reservation(id) => id,
        _ => "",
    }
}

fn bool_attr(v: Option<w::AttributeBooleanValue>) -> Option<bool> {
    v.and_then(|a| a.value)
}

fn ipv6_cidr(text: &str) -> Result<ipnet::Ipv6Net, ApiError> {
    text.parse().map_err(|_| {
        invalid(format!(
            "invalid value for parameter ipv6-cidr-block: {text}"
        ))
    })
}

/// Amazon's IPv6 blocks come from the Region's own border group, the only one here.
fn border_group(ctx: &Ctx, group: Option<&str>) -> Result<(), ApiError> {
    match group {
        Some(g) if g != ctx.region => Err(invalid(format!(
            "The network border group '{g}' is invalid."
        ))),
        _ => Ok(()),
    }
}

fn ipv6_address(text: &str) -> Result<std::net::Ipv6Addr, ApiError> {
    text.parse()
        .map_err(|_| invalid(format!("Invalid IPv6 address: {text}")))
}

/// A how-many parameter: absent, or a count that is not negative.
fn count_param(n: Option<i32>, parameter: &str) -> Result<Option<usize>, ApiError> {
    n.map(|n| {
        usize::try_from(n)
            .map_err(|_| invalid(format!("Value ({n}) for parameter {parameter} is invalid.")))
    })
    .transpose()
}

/// IPv6 addresses asked for by list or by count (AWS takes one or the other).
fn ipv6_request(
    addresses: Vec<Option<String>>,
    count: Option<i32>,
) -> Result<cloud::Ipv6Request, ApiError> {
    if !addresses.is_empty() && count.is_some() {
        return Err(err(cloud::Error::new(
            "InvalidParameterCombination",
            "Specify either IPv6 addresses or an IPv6 address count, not both.",
        )));
    }
    let count = count_param(count, "ipv6AddressCount")?;
    let addresses = addresses
        .into_iter()
        .map(|a| {
            a.ok_or_else(|| err(cloud::Error::missing("Ipv6Addresses.Ipv6Address")))
                .and_then(|a| ipv6_address(&a))
        })
        .collect::<Result<_, _>>()?;
    Ok(cloud::Ipv6Request { addresses, count })
}

fn private_ips(listed: Option<Vec<String>>) -> Result<Vec<std::net::Ipv4Addr>, ApiError> {
    listed
        .unwrap_or_default()
        .into_iter()
        .map(|ip| ipv4(&ip))
        .collect()
}

fn addresses_of(o: &Outcome) -> Vec<String> {
    match o {
        Outcome::Ipv6Addresses(a) => a.iter().map(ToString::to_string).collect(),
        _ => vec![],
    }
}

fn ipv6_outcome(o: &Outcome) -> Option<(&str, &cloud::Ipv6Block)> {
    match o {
        Outcome::Ipv6 {
            resource_id,
            association,
        } => Some((resource_id, association)),
        _ => None,
    }
}

impl w::Api for Services {
    type Ctx = Ctx;

    fn authorize(&self, ctx: &mut Ctx, call: w::Call<'_>) -> Result<(), ApiError> {
        self.authorize_call(ctx, crate::authorize::Service::Ec2, |r| r.ec2(call))
    }

    // ------------------------------------------------------------------------- VPCs

    handlers! {
        vpcs::create_vpc(CreateVpcRequest) -> w::CreateVpcResult;
        vpcs::create_default_vpc(CreateDefaultVpcRequest) -> w::CreateDefaultVpcResult;
        vpcs::describe_vpcs(DescribeVpcsRequest) -> w::DescribeVpcsResult;
        vpcs::delete_vpc(DeleteVpcRequest) -> ();
        vpcs::describe_vpc_attribute(DescribeVpcAttributeRequest) -> w::DescribeVpcAttributeResult;
        vpcs::modify_vpc_attribute(ModifyVpcAttributeRequest) -> ();
        vpcs::associate_vpc_cidr_block(AssociateVpcCidrBlockRequest) -> w::AssociateVpcCidrBlockResult;
        vpcs::disassociate_vpc_cidr_block(DisassociateVpcCidrBlockRequest) -> w::DisassociateVpcCidrBlockResult;
        subnets::associate_subnet_cidr_block(AssociateSubnetCidrBlockRequest) -> w::AssociateSubnetCidrBlockResult;
        subnets::disassociate_subnet_cidr_block(DisassociateSubnetCidrBlockRequest) -> w::DisassociateSubnetCidrBlockResult;
        subnets::create_subnet(CreateSubnetRequest) -> w::CreateSubnetResult;
        subnets::describe_subnets(DescribeSubnetsRequest) -> w::DescribeSubnetsResult;
        subnets::delete_subnet(DeleteSubnetRequest) -> ();
        subnets::modify_subnet_attribute(ModifySubnetAttributeRequest) -> ();
        groups::create_security_group(CreateSecurityGroupRequest) -> w::CreateSecurityGroupResult;
        groups::delete_security_group(DeleteSecurityGroupRequest) -> w::DeleteSecurityGroupResult;
        groups::describe_security_groups(DescribeSecurityGroupsRequest) -> w::DescribeSecurityGroupsResult;
        groups::get_security_groups_for_vpc(GetSecurityGroupsForVpcRequest) -> w::GetSecurityGroupsForVpcResult;
        groups::associate_security_group_vpc(AssociateSecurityGroupVpcRequest) -> w::AssociateSecurityGroupVpcResult;
        groups::disassociate_security_group_vpc(DisassociateSecurityGroupVpcRequest) -> w::DisassociateSecurityGroupVpcResult;
        groups::describe_security_group_vpc_associations(DescribeSecurityGroupVpcAssociationsRequest) -> w::DescribeSecurityGroupVpcAssociationsResult;
        rules::authorize_security_group_ingress(AuthorizeSecurityGroupIngressRequest) -> w::AuthorizeSecurityGroupIngressResult;
        rules::authorize_security_group_egress(AuthorizeSecurityGroupEgressRequest) -> w::AuthorizeSecurityGroupEgressResult;
        rules::revoke_security_group_ingress(RevokeSecurityGroupIngressRequest) -> w::RevokeSecurityGroupIngressResult;
        rules::revoke_security_group_egress(RevokeSecurityGroupEgressRequest) -> w::RevokeSecurityGroupEgressResult;
        rules::describe_security_group_rules(DescribeSecurityGroupRulesRequest) -> w::DescribeSecurityGroupRulesResult;
        rules::modify_security_group_rules(ModifySecurityGroupRulesRequest) -> w::ModifySecurityGroupRulesResult;
        rules::update_security_group_rule_descriptions_ingress(UpdateSecurityGroupRuleDescriptionsIngressRequest) -> w::UpdateSecurityGroupRuleDescriptionsIngressResult;
        rules::update_security_group_rule_descriptions_egress(UpdateSecurityGroupRuleDescriptionsEgressRequest) -> w::UpdateSecurityGroupRuleDescriptionsEgressResult;
        tagging::create_tags(CreateTagsRequest) -> ();
        tagging::delete_tags(DeleteTagsRequest) -> ();
        tagging::describe_tags(DescribeTagsRequest) -> w::DescribeTagsResult;
        interfaces::create_network_interface(CreateNetworkInterfaceRequest) -> w::CreateNetworkInterfaceResult;
        interfaces::assign_private_ip_addresses(AssignPrivateIpAddressesRequest) -> w::AssignPrivateIpAddressesResult;
        interfaces::unassign_private_ip_addresses(UnassignPrivateIpAddressesRequest) -> ();
        interfaces::assign_ipv6_addresses(AssignIpv6AddressesRequest) -> w::AssignIpv6AddressesResult;
        interfaces::unassign_ipv6_addresses(UnassignIpv6AddressesRequest) -> w::UnassignIpv6AddressesResult;
        interfaces::describe_network_interfaces(DescribeNetworkInterfacesRequest) -> w::DescribeNetworkInterfacesResult;
        interfaces::describe_network_interface_attribute(DescribeNetworkInterfaceAttributeRequest) -> w::DescribeNetworkInterfaceAttributeResult;
        interfaces::modify_network_interface_attribute(ModifyNetworkInterfaceAttributeRequest) -> ();
        interfaces::delete_network_interface(DeleteNetworkInterfaceRequest) -> ();
        instances::run_instances(RunInstancesRequest) -> w::Reservation;
        instances::describe_instances(DescribeInstancesRequest) -> w::DescribeInstancesResult;
        instances::terminate_instances(TerminateInstancesRequest) -> w::TerminateInstancesResult;
        account::describe_availability_zones(DescribeAvailabilityZonesRequest) -> w::DescribeAvailabilityZonesResult;
        account::describe_regions(DescribeRegionsRequest) -> w::DescribeRegionsResult;
        account::describe_account_attributes(DescribeAccountAttributesRequest) -> w::DescribeAccountAttributesResult;
        prefix_lists::create_managed_prefix_list(CreateManagedPrefixListRequest) -> w::CreateManagedPrefixListResult;
        prefix_lists::describe_managed_prefix_lists(DescribeManagedPrefixListsRequest) -> w::DescribeManagedPrefixListsResult;
        prefix_lists::get_managed_prefix_list_entries(GetManagedPrefixListEntriesRequest) -> w::GetManagedPrefixListEntriesResult;
        prefix_lists::modify_managed_prefix_list(ModifyManagedPrefixListRequest) -> w::ModifyManagedPrefixListResult;
        prefix_lists::delete_managed_prefix_list(DeleteManagedPrefixListRequest) -> w::DeleteManagedPrefixListResult;
        peering::create_vpc_peering_connection(CreateVpcPeeringConnectionRequest) -> w::CreateVpcPeeringConnectionResult;
        peering::accept_vpc_peering_connection(AcceptVpcPeeringConnectionRequest) -> w::AcceptVpcPeeringConnectionResult;
        peering::reject_vpc_peering_connection(RejectVpcPeeringConnectionRequest) -> w::RejectVpcPeeringConnectionResult;
        peering::delete_vpc_peering_connection(DeleteVpcPeeringConnectionRequest) -> w::DeleteVpcPeeringConnectionResult;
        peering::describe_vpc_peering_connections(DescribeVpcPeeringConnectionsRequest) -> w::DescribeVpcPeeringConnectionsResult;
        peering::modify_vpc_peering_connection_options(ModifyVpcPeeringConnectionOptionsRequest) -> w::ModifyVpcPeeringConnectionOptionsResult;
        groups::describe_stale_security_groups(DescribeStaleSecurityGroupsRequest) -> w::DescribeStaleSecurityGroupsResult;
        groups::describe_security_group_references(DescribeSecurityGroupReferencesRequest) -> w::DescribeSecurityGroupReferencesResult;
        vpcs::describe_route_tables(DescribeRouteTablesRequest) -> w::DescribeRouteTablesResult;
        addresses::allocate_address(AllocateAddressRequest) -> w::AllocateAddressResult;
        addresses::associate_address(AssociateAddressRequest) -> w::AssociateAddressResult;
        addresses::disassociate_address(DisassociateAddressRequest) -> ();
        addresses::release_address(ReleaseAddressRequest) -> ();
        addresses::describe_addresses(DescribeAddressesRequest) -> w::DescribeAddressesResult;
        routes::create_route_table(CreateRouteTableRequest) -> w::CreateRouteTableResult;
        routes::delete_route_table(DeleteRouteTableRequest) -> ();
        routes::create_route(CreateRouteRequest) -> w::CreateRouteResult;
        routes::replace_route(ReplaceRouteRequest) -> ();
        routes::delete_route(DeleteRouteRequest) -> ();
        routes::associate_route_table(AssociateRouteTableRequest) -> w::AssociateRouteTableResult;
        routes::disassociate_route_table(DisassociateRouteTableRequest) -> ();
        routes::replace_route_table_association(ReplaceRouteTableAssociationRequest) -> w::ReplaceRouteTableAssociationResult;
        gateways::create_internet_gateway(CreateInternetGatewayRequest) -> w::CreateInternetGatewayResult;
        gateways::attach_internet_gateway(AttachInternetGatewayRequest) -> ();
        gateways::detach_internet_gateway(DetachInternetGatewayRequest) -> ();
        gateways::delete_internet_gateway(DeleteInternetGatewayRequest) -> ();
        gateways::describe_internet_gateways(DescribeInternetGatewaysRequest) -> w::DescribeInternetGatewaysResult;
        gateways::create_egress_only_internet_gateway(CreateEgressOnlyInternetGatewayRequest) -> w::CreateEgressOnlyInternetGatewayResult;
        gateways::delete_egress_only_internet_gateway(DeleteEgressOnlyInternetGatewayRequest) -> w::DeleteEgressOnlyInternetGatewayResult;
        gateways::describe_egress_only_internet_gateways(DescribeEgressOnlyInternetGatewaysRequest) -> w::DescribeEgressOnlyInternetGatewaysResult;
        nat::create_nat_gateway(CreateNatGatewayRequest) -> w::CreateNatGatewayResult;
        nat::delete_nat_gateway(DeleteNatGatewayRequest) -> w::DeleteNatGatewayResult;
        nat::describe_nat_gateways(DescribeNatGatewaysRequest) -> w::DescribeNatGatewaysResult;
        nat::assign_private_nat_gateway_address(AssignPrivateNatGatewayAddressRequest) -> w::AssignPrivateNatGatewayAddressResult;
        nat::unassign_private_nat_gateway_address(UnassignPrivateNatGatewayAddressRequest) -> w::UnassignPrivateNatGatewayAddressResult;
        nat::associate_nat_gateway_address(AssociateNatGatewayAddressRequest) -> w::AssociateNatGatewayAddressResult;
        nat::disassociate_nat_gateway_address(DisassociateNatGatewayAddressRequest) -> w::DisassociateNatGatewayAddressResult;
        acls::create_network_acl(CreateNetworkAclRequest) -> w::CreateNetworkAclResult;
        acls::delete_network_acl(DeleteNetworkAclRequest) -> ();
        acls::create_network_acl_entry(CreateNetworkAclEntryRequest) -> ();
        acls::replace_network_acl_entry(ReplaceNetworkAclEntryRequest) -> ();
        acls::delete_network_acl_entry(DeleteNetworkAclEntryRequest) -> ();
        acls::replace_network_acl_association(ReplaceNetworkAclAssociationRequest) -> w::ReplaceNetworkAclAssociationResult;
        acls::describe_network_acls(DescribeNetworkAclsRequest) -> w::DescribeNetworkAclsResult;
        dhcp::create_dhcp_options(CreateDhcpOptionsRequest) -> w::CreateDhcpOptionsResult;
        dhcp::associate_dhcp_options(AssociateDhcpOptionsRequest) -> ();
        dhcp::delete_dhcp_options(DeleteDhcpOptionsRequest) -> ();
        dhcp::describe_dhcp_options(DescribeDhcpOptionsRequest) -> w::DescribeDhcpOptionsResult;
        endpoints::create_vpc_endpoint(CreateVpcEndpointRequest) -> w::CreateVpcEndpointResult;
        endpoints::modify_vpc_endpoint(ModifyVpcEndpointRequest) -> w::ModifyVpcEndpointResult;
        endpoints::delete_vpc_endpoints(DeleteVpcEndpointsRequest) -> w::DeleteVpcEndpointsResult;
        endpoints::describe_vpc_endpoints(DescribeVpcEndpointsRequest) -> w::DescribeVpcEndpointsResult;
        endpoints::describe_vpc_endpoint_services(DescribeVpcEndpointServicesRequest) -> w::DescribeVpcEndpointServicesResult;
        endpoints::describe_prefix_lists(DescribePrefixListsRequest) -> w::DescribePrefixListsResult;
        addresses::describe_addresses_attribute(DescribeAddressesAttributeRequest) -> w::DescribeAddressesAttributeResult;
        block_public_access::modify_vpc_block_public_access_options(ModifyVpcBlockPublicAccessOptionsRequest) -> w::ModifyVpcBlockPublicAccessOptionsResult;
        block_public_access::describe_vpc_block_public_access_options(DescribeVpcBlockPublicAccessOptionsRequest) -> w::DescribeVpcBlockPublicAccessOptionsResult;
        block_public_access::create_vpc_block_public_access_exclusion(CreateVpcBlockPublicAccessExclusionRequest) -> w::CreateVpcBlockPublicAccessExclusionResult;
        block_public_access::modify_vpc_block_public_access_exclusion(ModifyVpcBlockPublicAccessExclusionRequest) -> w::ModifyVpcBlockPublicAccessExclusionResult;
        block_public_access::delete_vpc_block_public_access_exclusion(DeleteVpcBlockPublicAccessExclusionRequest) -> w::DeleteVpcBlockPublicAccessExclusionResult;
        block_public_access::describe_vpc_block_public_access_exclusions(DescribeVpcBlockPublicAccessExclusionsRequest) -> w::DescribeVpcBlockPublicAccessExclusionsResult;
        vpn::create_vpn_gateway(CreateVpnGatewayRequest) -> w::CreateVpnGatewayResult;
        vpn::attach_vpn_gateway(AttachVpnGatewayRequest) -> w::AttachVpnGatewayResult;
        vpn::detach_vpn_gateway(DetachVpnGatewayRequest) -> ();
        vpn::delete_vpn_gateway(DeleteVpnGatewayRequest) -> ();
        vpn::describe_vpn_gateways(DescribeVpnGatewaysRequest) -> w::DescribeVpnGatewaysResult;
        vpn::enable_vgw_route_propagation(EnableVgwRoutePropagationRequest) -> ();
        vpn::disable_vgw_route_propagation(DisableVgwRoutePropagationRequest) -> ();
        vpn::create_customer_gateway(CreateCustomerGatewayRequest) -> w::CreateCustomerGatewayResult;
        vpn::delete_customer_gateway(DeleteCustomerGatewayRequest) -> ();
        vpn::describe_customer_gateways(DescribeCustomerGatewaysRequest) -> w::DescribeCustomerGatewaysResult;
        vpn::describe_vpn_connections(DescribeVpnConnectionsRequest) -> w::DescribeVpnConnectionsResult;
        vpn::describe_carrier_gateways(DescribeCarrierGatewaysRequest) -> w::DescribeCarrierGatewaysResult;
        insights::create_network_insights_path(CreateNetworkInsightsPathRequest) -> w::CreateNetworkInsightsPathResult;
        insights::delete_network_insights_path(DeleteNetworkInsightsPathRequest) -> w::DeleteNetworkInsightsPathResult;
        insights::describe_network_insights_paths(DescribeNetworkInsightsPathsRequest) -> w::DescribeNetworkInsightsPathsResult;
        insights::start_network_insights_analysis(StartNetworkInsightsAnalysisRequest) -> w::StartNetworkInsightsAnalysisResult;
        insights::describe_network_insights_analyses(DescribeNetworkInsightsAnalysesRequest) -> w::DescribeNetworkInsightsAnalysesResult;
        insights::delete_network_insights_analysis(DeleteNetworkInsightsAnalysisRequest) -> w::DeleteNetworkInsightsAnalysisResult;
        transit_peering::describe_transit_gateway_peering_attachments(DescribeTransitGatewayPeeringAttachmentsRequest) -> w::DescribeTransitGatewayPeeringAttachmentsResult;
        transit_peering::create_transit_gateway_peering_attachment(CreateTransitGatewayPeeringAttachmentRequest) -> w::CreateTransitGatewayPeeringAttachmentResult;
        transit_peering::accept_transit_gateway_peering_attachment(AcceptTransitGatewayPeeringAttachmentRequest) -> w::AcceptTransitGatewayPeeringAttachmentResult;
        transit_peering::reject_transit_gateway_peering_attachment(RejectTransitGatewayPeeringAttachmentRequest) -> w::RejectTransitGatewayPeeringAttachmentResult;
        transit_peering::delete_transit_gateway_peering_attachment(DeleteTransitGatewayPeeringAttachmentRequest) -> w::DeleteTransitGatewayPeeringAttachmentResult;
        vpn::describe_vpc_endpoint_service_configurations(DescribeVpcEndpointServiceConfigurationsRequest) -> w::DescribeVpcEndpointServiceConfigurationsResult;
        vpn::describe_client_vpn_endpoints(DescribeClientVpnEndpointsRequest) -> w::DescribeClientVpnEndpointsResult;
        vpn::describe_local_gateway_route_tables(DescribeLocalGatewayRouteTablesRequest) -> w::DescribeLocalGatewayRouteTablesResult;
        flow_logs::create_flow_logs(CreateFlowLogsRequest) -> w::CreateFlowLogsResult;
        flow_logs::delete_flow_logs(DeleteFlowLogsRequest) -> w::DeleteFlowLogsResult;
        flow_logs::describe_flow_logs(DescribeFlowLogsRequest) -> w::DescribeFlowLogsResult;
        transit::create_transit_gateway(CreateTransitGatewayRequest) -> w::CreateTransitGatewayResult;
        transit::modify_transit_gateway(ModifyTransitGatewayRequest) -> w::ModifyTransitGatewayResult;
        transit::delete_transit_gateway(DeleteTransitGatewayRequest) -> w::DeleteTransitGatewayResult;
        transit::describe_transit_gateways(DescribeTransitGatewaysRequest) -> w::DescribeTransitGatewaysResult;
        transit::create_transit_gateway_vpc_attachment(CreateTransitGatewayVpcAttachmentRequest) -> w::CreateTransitGatewayVpcAttachmentResult;
        transit::modify_transit_gateway_vpc_attachment(ModifyTransitGatewayVpcAttachmentRequest) -> w::ModifyTransitGatewayVpcAttachmentResult;
        transit::accept_transit_gateway_vpc_attachment(AcceptTransitGatewayVpcAttachmentRequest) -> w::AcceptTransitGatewayVpcAttachmentResult;
        transit::reject_transit_gateway_vpc_attachment(RejectTransitGatewayVpcAttachmentRequest) -> w::RejectTransitGatewayVpcAttachmentResult;
        transit::delete_transit_gateway_vpc_attachment(DeleteTransitGatewayVpcAttachmentRequest) -> w::DeleteTransitGatewayVpcAttachmentResult;
        transit::describe_transit_gateway_vpc_attachments(DescribeTransitGatewayVpcAttachmentsRequest) -> w::DescribeTransitGatewayVpcAttachmentsResult;
        transit::describe_transit_gateway_attachments(DescribeTransitGatewayAttachmentsRequest) -> w::DescribeTransitGatewayAttachmentsResult;
        transit::create_transit_gateway_route_table(CreateTransitGatewayRouteTableRequest) -> w::CreateTransitGatewayRouteTableResult;
        transit::delete_transit_gateway_route_table(DeleteTransitGatewayRouteTableRequest) -> w::DeleteTransitGatewayRouteTableResult;
        transit::describe_transit_gateway_route_tables(DescribeTransitGatewayRouteTablesRequest) -> w::DescribeTransitGatewayRouteTablesResult;
        transit::associate_transit_gateway_route_table(AssociateTransitGatewayRouteTableRequest) -> w::AssociateTransitGatewayRouteTableResult;
        transit::disassociate_transit_gateway_route_table(DisassociateTransitGatewayRouteTableRequest) -> w::DisassociateTransitGatewayRouteTableResult;
        transit::enable_transit_gateway_route_table_propagation(EnableTransitGatewayRouteTablePropagationRequest) -> w::EnableTransitGatewayRouteTablePropagationResult;
        transit::disable_transit_gateway_route_table_propagation(DisableTransitGatewayRouteTablePropagationRequest) -> w::DisableTransitGatewayRouteTablePropagationResult;
        transit::get_transit_gateway_route_table_associations(GetTransitGatewayRouteTableAssociationsRequest) -> w::GetTransitGatewayRouteTableAssociationsResult;
        transit::get_transit_gateway_route_table_propagations(GetTransitGatewayRouteTablePropagationsRequest) -> w::GetTransitGatewayRouteTablePropagationsResult;
        transit::create_transit_gateway_route(CreateTransitGatewayRouteRequest) -> w::CreateTransitGatewayRouteResult;
        transit::replace_transit_gateway_route(ReplaceTransitGatewayRouteRequest) -> w::ReplaceTransitGatewayRouteResult;
        transit::delete_transit_gateway_route(DeleteTransitGatewayRouteRequest) -> w::DeleteTransitGatewayRouteResult;
        transit::search_transit_gateway_routes(SearchTransitGatewayRoutesRequest) -> w::SearchTransitGatewayRoutesResult;
    }
}

fn group_ref(id: Option<String>, name: Option<String>) -> Result<GroupRef, ApiError> {
    match (id, name) {
        (Some(id), _) => Ok(GroupRef::Id(id)),
        (None, Some(name)) => Ok(GroupRef::Name(name)),
        (None, None) => Err(err(cloud::Error::missing("GroupId"))),
    }
}

fn no_legacy_egress(
    protocol: &Option<String>,
    cidr: &Option<String>,
    source: &Option<String>,
) -> Result<(), ApiError> {
    if protocol.is_some() || cidr.is_some() || source.is_some() {
        return Err(err(cloud::Error::new(
            "InvalidParameterCombination",
            "The parameter 'ipProtocol', 'cidrIp' or 'sourceSecurityGroupName' is not supported for egress rules; use IpPermissions.",
        )));
    }
    Ok(())
}

fn ipv4(s: &str) -> Result<std::net::Ipv4Addr, ApiError> {
    s.parse()
        .map_err(|_| invalid(format!("Invalid value '{s}' for private IP address.")))
}

fn parse_ip(raw: Option<String>) -> Result<Option<std::net::Ipv4Addr>, ApiError> {
    raw.as_deref().map(ipv4).transpose()
}

fn new_rules_out(c: &Cloud, o: &Outcome) -> Vec<w::SecurityGroupRule> {
    match o {
        Outcome::Rules(rules) => rules
            .iter()
            .filter_map(|r| {
                let g = c.groups.get(c.rule_index.get(&r.id)?)?;
                Some(rule_out(g, r))
            })
            .collect(),
        _ => vec![],
    }
}

fn revoked_rules_out(
    c: &Cloud,
    o: &Outcome,
) -> (
    Vec<w::RevokedSecurityGroupRule>,
    Option<Vec<w::IpPermission>>,
) {
    match o {
        Outcome::Revoked {
            group_id,
            rules,
            unknown,
        } => {
            let g = &c.groups[group_id.as_str()];
            let revoked = rules.iter().map(|r| revoked_out(g, r)).collect();
            let unknown = (!unknown.is_empty()).then(|| unknown.iter().map(spec_out).collect());
            (revoked, unknown)
        }
        _ => (vec![], None),
    }
}

impl Services {
    fn rule_specs(
        &self,
        ctx: &Ctx,
        perms: Vec<w::IpPermission>,
    ) -> Result<Vec<cloud::RuleSpec>, ApiError> {
        self.engine.read(|c| rule_specs(c, ctx, perms))
    }

    fn revoke_spec(
        &self,
        ctx: &Ctx,
        ids: Option<Vec<String>>,
        perms: Vec<w::IpPermission>,
    ) -> Result<RuleRevoke, ApiError> {
        match ids {
            Some(ids) if !ids.is_empty() => {
                if !perms.is_empty() {
                    return Err(err(cloud::Error::new(
                        "InvalidParameterCombination",
                        "You may specify either security group rule IDs or IP permissions, not both.",
                    )));
                }
                Ok(RuleRevoke::Ids(ids))
            }
            _ => {
                if perms.is_empty() {
                    return Err(err(cloud::Error::missing("IpPermissions")));
                }
                Ok(RuleRevoke::Matching(self.rule_specs(ctx, perms)?))
            }
        }
    }

    fn description_update(
        &self,
        ctx: &Ctx,
        group: GroupRef,
        egress: bool,
        by_id: Option<Vec<w::SecurityGroupRuleDescription>>,
        perms: Option<Vec<w::IpPermission>>,
    ) -> Result<Command, ApiError> {
        let by_id = by_id
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                Ok((
                    d.security_group_rule_id
                        .ok_or_else(|| err(cloud::Error::missing("SecurityGroupRuleId")))?,
                    d.description,
                ))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let by_rule = self.rule_specs(ctx, perms.unwrap_or_default())?;
        if by_id.is_empty() && by_rule.is_empty() {
            return Err(err(cloud::Error::missing("IpPermissions")));
        }
        Ok(Command::UpdateRuleDescriptions {
            group,
            egress,
            by_id,
            by_rule,
        })
    }
}
