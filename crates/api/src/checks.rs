//! What each decoded request asks IAM: its action (the operation's name under the service's
//! prefix, as the Service Authorization Reference lists it) and the resources it authorizes,
//! each under its OWNER's ARN, with the resource's condition keys and, for another account's
//! resource, what its owner grants (a RAM share, a role's trust policy).
//!
//! Resources follow AWS's documented authorization: `ModifyNetworkInterfaceAttribute` the
//! interface and every group in the new set; `RunInstances` the instance, interface, subnet and
//! groups; `CreateSecurityGroup` the group and the VPC; rule changes the group; tagging the
//! tagged resource; Describe operations `*`. An operation not listed here is authorized on `*`.

use crate::authorize::{Check, ResourcePolicy};
use crate::Ctx;
use cloud::access::ram_grant;
use cloud::visibility::Caller;
use cloud::Cloud;
use wire::ec2::Call as Ec2;

/// `aws:RequestTag/…` for each tag and `aws:TagKeys` for them all.
fn request_tag_keys<'t>(
    tags: impl Iterator<Item = (&'t str, &'t str)>,
) -> Vec<(String, Vec<String>)> {
    let mut keys = Vec::new();
    let mut names = Vec::new();
    for (key, value) in tags {
        keys.push((format!("aws:RequestTag/{key}"), vec![value.to_string()]));
        names.push(key.to_string());
    }
    if !names.is_empty() {
        keys.push(("aws:TagKeys".into(), names));
    }
    keys
}

fn ec2_tag(t: &wire::ec2::Tag) -> (&str, &str) {
    (
        t.key.as_deref().unwrap_or_default(),
        t.value.as_deref().unwrap_or_default(),
    )
}

/// Builds checks against the state, under the caller's account and Region.
pub(crate) struct Resources<'a> {
    pub cloud: &'a Cloud,
    pub ctx: &'a Ctx,
}

fn kind_of(id: &str) -> Option<&'static str> {
    Some(match id.rsplit_once('-')?.0 {
        "sg" => "security-group",
        "subnet" => "subnet",
        "vpc" => "vpc",
        "eni" => "network-interface",
        "i" => "instance",
        "pl" => "prefix-list",
        "pcx" => "vpc-peering-connection",
        "sgr" => "security-group-rule",
        "rtb" => "route-table",
        "acl" => "network-acl",
        "igw" => "internet-gateway",
        "eigw" => "egress-only-internet-gateway",
        "eipalloc" => "elastic-ip",
        "nat" => "natgateway",
        "dopt" => "dhcp-options",
        "vpce" => "vpc-endpoint",
        "fl" => "vpc-flow-log",
        "vgw" => "vpn-gateway",
        "vpcbpa-exclude" => "vpc-block-public-access-exclusion",
        "cgw" => "customer-gateway",
        "tgw" => "transit-gateway",
        "tgw-attach" => "transit-gateway-attachment",
        "tgw-rtb" => "transit-gateway-route-table",
        "nip" => "network-insights-path",
        "nia" => "network-insights-analysis",
        _ => return None,
    })
}

impl Resources<'_> {
    fn arn(&self, kind: &str, account: &str, id: &str) -> String {
        match policy::catalog::resource_type("ec2", kind) {
            Some(t) => t.arn_of(&self.ctx.region, account, id),
            None => format!("arn:aws:ec2:{}:{account}:{kind}/{id}", self.ctx.region),
        }
    }

    /// A resource the request creates: `…:kind/*` in the caller's account.
    fn created(&self, action: &str, kind: &str) -> Check {
        Check {
            resource: self.arn(kind, &self.ctx.account, "*"),
            ..Check::on_any(action)
        }
    }

    /// An existing resource by id, under its owner's ARN.
    fn existing(&self, action: &str, id: &str) -> Check {
        let Some(kind) = kind_of(id) else {
            return Check::on_any(action);
        };
        let caller = Caller::new(&self.ctx.account, &self.ctx.region);
        let facts = self.cloud.resource_facts(&caller, id);
        let owner = facts
            .as_ref()
            .map_or(self.ctx.account.as_str(), |f| f.owner);
        let mut keys: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(f) = &facts {
            for tag in f.tags {
                for prefix in ["aws", "ec2"] {
                    keys.push((
                        format!("{prefix}:ResourceTag/{}", tag.key),
                        vec![tag.value.clone()],
                    ));
                }
            }
            if let Some(vpc) = f.vpc_id {
                let vpc_owner = self.cloud.vpcs.get(vpc).map_or(owner, |v| v.owner.as_str());
                keys.push(("ec2:Vpc".into(), vec![self.arn("vpc", vpc_owner, vpc)]));
            }
        }
        let id_key = match kind {
            "security-group" => Some("ec2:SecurityGroupID"),
            "network-interface" => Some("ec2:NetworkInterfaceID"),
            "subnet" => Some("ec2:SubnetID"),
            "vpc" => Some("ec2:VpcID"),
            "instance" => Some("ec2:InstanceID"),
            _ => None,
        };
        if let Some(key) = id_key {
            keys.push((key.into(), vec![id.to_string()]));
        }
        let foreign = owner != self.ctx.account;
        let resource_policy = foreign
            .then(|| ram_grant(self.cloud, &caller, kind, id))
            .flatten()
            .map(ResourcePolicy::Grant);
        Check {
            action: action.to_string(),
            resource: self.arn(kind, owner, id),
            owner: foreign.then(|| owner.to_string()),
            resource_policy,
            keys,
        }
    }

    fn group_ref(&self, action: &str, id: Option<&str>, name: Option<&str>) -> Check {
        match (id, name) {
            (Some(id), _) => self.existing(action, id),
            (None, Some(name)) => {
                let found = self
                    .cloud
                    .groups
                    .values()
                    .find(|g| {
                        g.owner == self.ctx.account
                            && g.region == self.ctx.region
                            && g.name == name
                            && self
                                .cloud
                                .scope(&self.ctx.account, &self.ctx.region)
                                .and_then(|s| s.default_vpc.as_deref())
                                == Some(&*g.vpc_id)
                    })
                    .map(|g| g.id.to_string());
                match found {
                    Some(id) => self.existing(action, &id),
                    None => self.created(action, "security-group"),
                }
            }
            (None, None) => Check::on_any(action),
        }
    }

    pub fn ec2(&self, call: Ec2<'_>) -> Vec<Check> {
        let mut checks = self.ec2_resources(call);
        self.tag_on_create(call, &mut checks);
        checks
    }

    /// Tagging existing resources: each resource, with the tags as request tags.
    fn tagging<'t>(
        &self,
        action: &str,
        resources: &[String],
        tags: impl Iterator<Item = &'t wire::ec2::Tag>,
    ) -> Vec<Check> {
        let keys = request_tag_keys(tags.map(ec2_tag));
        resources
            .iter()
            .map(|id| {
                let mut check = self.existing(action, id);
                check.keys.extend(keys.iter().cloned());
                check
            })
            .collect()
    }

    /// Tags given at creation (`TagSpecifications`): the created resource's check carries
    /// them as `aws:RequestTag/…` and `aws:TagKeys`, and tagging it is `ec2:CreateTags` on it
    /// with `ec2:CreateAction` naming the creating operation, as AWS authorizes it.
    fn tag_on_create(&self, call: Ec2<'_>, checks: &mut Vec<Check>) {
        let specs = match call {
            Ec2::CreateVpc(i) => &i.tag_specifications,
            Ec2::CreateSubnet(i) => &i.tag_specifications,
            Ec2::CreateSecurityGroup(i) => &i.tag_specifications,
            Ec2::CreateNetworkInterface(i) => &i.tag_specifications,
            Ec2::RunInstances(i) => &i.tag_specifications,
            Ec2::CreateManagedPrefixList(i) => &i.tag_specifications,
            Ec2::CreateVpcPeeringConnection(i) => &i.tag_specifications,
            Ec2::CreateInternetGateway(i) => &i.tag_specifications,
            Ec2::CreateRouteTable(i) => &i.tag_specifications,
            Ec2::AllocateAddress(i) => &i.tag_specifications,
            Ec2::CreateEgressOnlyInternetGateway(i) => &i.tag_specifications,
            Ec2::CreateNatGateway(i) => &i.tag_specifications,
            Ec2::CreateNetworkAcl(i) => &i.tag_specifications,
            Ec2::CreateDhcpOptions(i) => &i.tag_specifications,
            Ec2::CreateVpcEndpoint(i) => &i.tag_specifications,
            Ec2::CreateTransitGateway(i) => &i.tag_specifications,
            Ec2::CreateFlowLogs(i) => &i.tag_specifications,
            Ec2::CreateVpnGateway(i) => &i.tag_specifications,
            Ec2::CreateVpcBlockPublicAccessExclusion(i) => &i.tag_specifications,
            Ec2::CreateCustomerGateway(i) => &i.tag_specifications,
            Ec2::CreateTransitGatewayVpcAttachment(i) => &i.tag_specifications,
            Ec2::CreateTransitGatewayPeeringAttachment(i) => &i.tag_specifications,
            Ec2::CreateNetworkInsightsPath(i) => &i.tag_specifications,
            Ec2::StartNetworkInsightsAnalysis(i) => &i.tag_specifications,
            Ec2::CreateTransitGatewayRouteTable(i) => &i.tag_specifications,
            Ec2::AuthorizeSecurityGroupIngress(i) => &i.tag_specifications,
            Ec2::AuthorizeSecurityGroupEgress(i) => &i.tag_specifications,
            _ => return,
        };
        let operation = call.operation();
        let action = format!("ec2:{operation}");
        for spec in specs.iter().flatten() {
            let (Some(kind), Some(tags)) = (&spec.resource_type, &spec.tags) else {
                continue;
            };
            if tags.is_empty() {
                continue;
            }
            let keys = request_tag_keys(tags.iter().map(ec2_tag));
            let resource = self.arn(kind, &self.ctx.account, "*");
            match checks.iter_mut().find(|c| c.resource == resource) {
                Some(created) => created.keys.extend(keys.iter().cloned()),
                None => checks.push(Check {
                    resource: resource.clone(),
                    keys: keys.clone(),
                    ..Check::on_any(action.as_str())
                }),
            }
            let mut tag_keys = keys;
            tag_keys.push(("ec2:CreateAction".into(), vec![operation.to_string()]));
            checks.push(Check {
                resource,
                keys: tag_keys,
                ..Check::on_any("ec2:CreateTags")
            });
        }
    }

    fn ec2_resources(&self, call: Ec2<'_>) -> Vec<Check> {
        let action = format!("ec2:{}", call.operation());
        let a = action.as_str();
        let ids = |list: &Option<Vec<String>>| {
            list.iter()
                .flatten()
                .map(|id| self.existing(a, id))
                .collect::<Vec<_>>()
        };
        match call {
            Ec2::CreateVpc(_) => vec![self.created(a, "vpc")],
            Ec2::DeleteVpc(i) => vec![self.existing(a, &i.vpc_id)],
            Ec2::ModifyVpcAttribute(i) => vec![self.existing(a, &i.vpc_id)],
            Ec2::AssociateVpcCidrBlock(i) => vec![self.existing(a, &i.vpc_id)],
            Ec2::CreateSubnet(i) => vec![self.created(a, "subnet"), self.existing(a, &i.vpc_id)],
            Ec2::DeleteSubnet(i) => vec![self.existing(a, &i.subnet_id)],
            Ec2::ModifySubnetAttribute(i) => vec![self.existing(a, &i.subnet_id)],
            Ec2::AssociateSubnetCidrBlock(i) => vec![self.existing(a, &i.subnet_id)],
            Ec2::CreateSecurityGroup(i) => {
                let mut out = vec![self.created(a, "security-group")];
                if let Some(vpc) = &i.vpc_id {
                    out.push(self.existing(a, vpc));
                }
                out
            }
            Ec2::DeleteSecurityGroup(i) => {
                vec![self.group_ref(a, i.group_id.as_deref(), i.group_name.as_deref())]
            }
            Ec2::AuthorizeSecurityGroupIngress(i) => {
                vec![self.group_ref(a, i.group_id.as_deref(), i.group_name.as_deref())]
            }
            Ec2::AuthorizeSecurityGroupEgress(i) => vec![self.existing(a, &i.group_id)],
            Ec2::RevokeSecurityGroupIngress(i) => {
                vec![self.group_ref(a, i.group_id.as_deref(), i.group_name.as_deref())]
            }
            Ec2::RevokeSecurityGroupEgress(i) => vec![self.existing(a, &i.group_id)],
            Ec2::ModifySecurityGroupRules(i) => vec![self.existing(a, &i.group_id)],
            Ec2::UpdateSecurityGroupRuleDescriptionsIngress(i) => {
                vec![self.group_ref(a, i.group_id.as_deref(), i.group_name.as_deref())]
            }
            Ec2::UpdateSecurityGroupRuleDescriptionsEgress(i) => {
                vec![self.group_ref(a, i.group_id.as_deref(), i.group_name.as_deref())]
            }
            Ec2::AssociateSecurityGroupVpc(i) => {
                vec![self.existing(a, &i.group_id), self.existing(a, &i.vpc_id)]
            }
            Ec2::DisassociateSecurityGroupVpc(i) => {
                vec![self.existing(a, &i.group_id), self.existing(a, &i.vpc_id)]
            }
            Ec2::CreateNetworkInterface(i) => {
                let mut out = vec![
                    self.created(a, "network-interface"),
                    self.existing(a, &i.subnet_id),
                ];
                out.extend(ids(&i.groups));
                out
            }
            Ec2::ModifyNetworkInterfaceAttribute(i) => {
                let mut out = vec![self.existing(a, &i.network_interface_id)];
                out.extend(ids(&i.groups));
                out
            }
            Ec2::DeleteNetworkInterface(i) => vec![self.existing(a, &i.network_interface_id)],
            Ec2::AssignPrivateIpAddresses(i) => vec![self.existing(a, &i.network_interface_id)],
            Ec2::UnassignPrivateIpAddresses(i) => vec![self.existing(a, &i.network_interface_id)],
            Ec2::AssignIpv6Addresses(i) => vec![self.existing(a, &i.network_interface_id)],
            Ec2::UnassignIpv6Addresses(i) => vec![self.existing(a, &i.network_interface_id)],
            Ec2::RunInstances(i) => {
                let mut out = vec![
                    self.created(a, "instance"),
                    self.created(a, "network-interface"),
                ];
                if let Some(subnet) = &i.subnet_id {
                    out.push(self.existing(a, subnet));
                }
                out.extend(ids(&i.security_group_ids));
                for spec in i.network_interfaces.iter().flatten() {
                    if let Some(subnet) = &spec.subnet_id {
                        out.push(self.existing(a, subnet));
                    }
                    if let Some(eni) = &spec.network_interface_id {
                        out.push(self.existing(a, eni));
                    }
                    out.extend(ids(&spec.groups));
                }
                out
            }
            Ec2::TerminateInstances(i) => i
                .instance_ids
                .iter()
                .map(|id| self.existing(a, id))
                .collect(),
            Ec2::CreateTags(i) => self.tagging(a, &i.resources, i.tags.iter()),
            Ec2::DeleteTags(i) => self.tagging(a, &i.resources, i.tags.iter().flatten()),
            Ec2::AllocateAddress(_) => vec![self.created(a, "elastic-ip")],
            Ec2::AssociateAddress(i) => {
                let mut out = ids(&i.allocation_id.clone().map(|id| vec![id]));
                if let Some(eni) = &i.network_interface_id {
                    out.push(self.existing(a, eni));
                } else if let Some(instance) = &i.instance_id {
                    out.push(self.existing(a, instance));
                }
                out
            }
            Ec2::ReleaseAddress(i) => ids(&i.allocation_id.clone().map(|id| vec![id])),
            Ec2::CreateRouteTable(i) => {
                vec![self.created(a, "route-table"), self.existing(a, &i.vpc_id)]
            }
            Ec2::DeleteRouteTable(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::CreateRoute(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::ReplaceRoute(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::DeleteRoute(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::AssociateRouteTable(i) => {
                let mut out = vec![self.existing(a, &i.route_table_id)];
                if let Some(subnet) = &i.subnet_id {
                    out.push(self.existing(a, subnet));
                }
                out
            }
            Ec2::ReplaceRouteTableAssociation(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::CreateInternetGateway(_) => vec![self.created(a, "internet-gateway")],
            Ec2::AttachInternetGateway(i) => vec![
                self.existing(a, &i.internet_gateway_id),
                self.existing(a, &i.vpc_id),
            ],
            Ec2::DetachInternetGateway(i) => vec![
                self.existing(a, &i.internet_gateway_id),
                self.existing(a, &i.vpc_id),
            ],
            Ec2::DeleteInternetGateway(i) => vec![self.existing(a, &i.internet_gateway_id)],
            Ec2::CreateEgressOnlyInternetGateway(i) => vec![
                self.created(a, "egress-only-internet-gateway"),
                self.existing(a, &i.vpc_id),
            ],
            Ec2::DeleteEgressOnlyInternetGateway(i) => {
                vec![self.existing(a, &i.egress_only_internet_gateway_id)]
            }
            Ec2::CreateNatGateway(i) => {
                let mut out = vec![self.created(a, "natgateway")];
                out.extend(i.subnet_id.iter().map(|s| self.existing(a, s)));
                out.extend(
                    i.allocation_id
                        .iter()
                        .chain(i.secondary_allocation_ids.iter().flatten())
                        .map(|id| self.existing(a, id)),
                );
                out
            }
            Ec2::DeleteNatGateway(i) => vec![self.existing(a, &i.nat_gateway_id)],
            Ec2::AssignPrivateNatGatewayAddress(i) => vec![self.existing(a, &i.nat_gateway_id)],
            Ec2::UnassignPrivateNatGatewayAddress(i) => vec![self.existing(a, &i.nat_gateway_id)],
            Ec2::AssociateNatGatewayAddress(i) => {
                let mut out = vec![self.existing(a, &i.nat_gateway_id)];
                out.extend(i.allocation_ids.iter().map(|id| self.existing(a, id)));
                out
            }
            Ec2::DisassociateNatGatewayAddress(i) => vec![self.existing(a, &i.nat_gateway_id)],
            Ec2::CreateNetworkAcl(i) => {
                vec![self.created(a, "network-acl"), self.existing(a, &i.vpc_id)]
            }
            Ec2::DeleteNetworkAcl(i) => vec![self.existing(a, &i.network_acl_id)],
            Ec2::CreateNetworkAclEntry(i) => vec![self.existing(a, &i.network_acl_id)],
            Ec2::ReplaceNetworkAclEntry(i) => vec![self.existing(a, &i.network_acl_id)],
            Ec2::DeleteNetworkAclEntry(i) => vec![self.existing(a, &i.network_acl_id)],
            Ec2::ReplaceNetworkAclAssociation(i) => vec![self.existing(a, &i.network_acl_id)],
            Ec2::CreateDhcpOptions(_) => vec![self.created(a, "dhcp-options")],
            Ec2::AssociateDhcpOptions(i) => {
                let mut out = vec![self.existing(a, &i.vpc_id)];
                if i.dhcp_options_id != "default" {
                    out.push(self.existing(a, &i.dhcp_options_id));
                }
                out
            }
            Ec2::DeleteDhcpOptions(i) => vec![self.existing(a, &i.dhcp_options_id)],
            Ec2::CreateVpcEndpoint(i) => {
                let mut out = vec![self.created(a, "vpc-endpoint"), self.existing(a, &i.vpc_id)];
                for id in i
                    .route_table_ids
                    .iter()
                    .flatten()
                    .chain(i.subnet_ids.iter().flatten())
                    .chain(i.security_group_ids.iter().flatten())
                {
                    out.push(self.existing(a, id));
                }
                out
            }
            Ec2::ModifyVpcEndpoint(i) => vec![self.existing(a, &i.vpc_endpoint_id)],
            Ec2::DeleteVpcEndpoints(i) => i
                .vpc_endpoint_ids
                .iter()
                .map(|id| self.existing(a, id))
                .collect(),
            Ec2::CreateFlowLogs(i) => {
                let mut out = vec![self.created(a, "vpc-flow-log")];
                out.extend(i.resource_ids.iter().map(|id| self.existing(a, id)));
                out
            }
            Ec2::CreateVpnGateway(_) => vec![self.created(a, "vpn-gateway")],
            Ec2::CreateVpcBlockPublicAccessExclusion(i) => {
                let mut out = vec![self.created(a, "vpc-block-public-access-exclusion")];
                out.extend(
                    i.subnet_id
                        .iter()
                        .chain(i.vpc_id.iter())
                        .map(|id| self.existing(a, id)),
                );
                out
            }
            Ec2::ModifyVpcBlockPublicAccessExclusion(i) => vec![self.existing(a, &i.exclusion_id)],
            Ec2::DeleteVpcBlockPublicAccessExclusion(i) => vec![self.existing(a, &i.exclusion_id)],
            Ec2::AttachVpnGateway(i) => {
                vec![
                    self.existing(a, &i.vpn_gateway_id),
                    self.existing(a, &i.vpc_id),
                ]
            }
            Ec2::DetachVpnGateway(i) => {
                vec![
                    self.existing(a, &i.vpn_gateway_id),
                    self.existing(a, &i.vpc_id),
                ]
            }
            Ec2::DeleteVpnGateway(i) => vec![self.existing(a, &i.vpn_gateway_id)],
            Ec2::EnableVgwRoutePropagation(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::DisableVgwRoutePropagation(i) => vec![self.existing(a, &i.route_table_id)],
            Ec2::CreateCustomerGateway(_) => vec![self.created(a, "customer-gateway")],
            Ec2::DeleteCustomerGateway(i) => vec![self.existing(a, &i.customer_gateway_id)],
            Ec2::DeleteFlowLogs(i) => i
                .flow_log_ids
                .iter()
                .map(|id| self.existing(a, id))
                .collect(),
            Ec2::CreateTransitGateway(_) => vec![self.created(a, "transit-gateway")],
            Ec2::ModifyTransitGateway(i) => vec![self.existing(a, &i.transit_gateway_id)],
            Ec2::DeleteTransitGateway(i) => vec![self.existing(a, &i.transit_gateway_id)],
            Ec2::CreateTransitGatewayVpcAttachment(i) => {
                let mut out = vec![
                    self.created(a, "transit-gateway-attachment"),
                    self.existing(a, &i.transit_gateway_id),
                    self.existing(a, &i.vpc_id),
                ];
                out.extend(i.subnet_ids.iter().map(|s| self.existing(a, s)));
                out
            }
            Ec2::ModifyTransitGatewayVpcAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::DeleteTransitGatewayVpcAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::AcceptTransitGatewayVpcAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::RejectTransitGatewayVpcAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            // The peer gateway is another account's (maybe another Region's): only the
            // caller's own gateway is authorized here.
            Ec2::CreateTransitGatewayPeeringAttachment(i) => vec![
                self.created(a, "transit-gateway-attachment"),
                self.existing(a, &i.transit_gateway_id),
            ],
            Ec2::AcceptTransitGatewayPeeringAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::RejectTransitGatewayPeeringAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::DeleteTransitGatewayPeeringAttachment(i) => {
                vec![self.existing(a, &i.transit_gateway_attachment_id)]
            }
            Ec2::CreateNetworkInsightsPath(_) => {
                vec![self.created(a, "network-insights-path")]
            }
            Ec2::DeleteNetworkInsightsPath(i) => {
                vec![self.existing(a, &i.network_insights_path_id)]
            }
            Ec2::StartNetworkInsightsAnalysis(i) => vec![
                self.created(a, "network-insights-analysis"),
                self.existing(a, &i.network_insights_path_id),
            ],
            Ec2::DeleteNetworkInsightsAnalysis(i) => {
                vec![self.existing(a, &i.network_insights_analysis_id)]
            }
            Ec2::CreateTransitGatewayRouteTable(i) => vec![
                self.created(a, "transit-gateway-route-table"),
                self.existing(a, &i.transit_gateway_id),
            ],
            Ec2::DeleteTransitGatewayRouteTable(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::AssociateTransitGatewayRouteTable(i) => vec![
                self.existing(a, &i.transit_gateway_route_table_id),
                self.existing(a, &i.transit_gateway_attachment_id),
            ],
            Ec2::DisassociateTransitGatewayRouteTable(i) => vec![
                self.existing(a, &i.transit_gateway_route_table_id),
                self.existing(a, &i.transit_gateway_attachment_id),
            ],
            Ec2::EnableTransitGatewayRouteTablePropagation(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::DisableTransitGatewayRouteTablePropagation(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::CreateTransitGatewayRoute(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::ReplaceTransitGatewayRoute(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::DeleteTransitGatewayRoute(i) => {
                vec![self.existing(a, &i.transit_gateway_route_table_id)]
            }
            Ec2::DeleteManagedPrefixList(i) => vec![self.existing(a, &i.prefix_list_id)],
            Ec2::ModifyManagedPrefixList(i) => vec![self.existing(a, &i.prefix_list_id)],
            _ => vec![Check::on_any(a)],
        }
    }

    /// RAM: the share under its ARN, and the EC2 side of sharing a security group, which is
    /// its owner putting (`ec2:PutResourcePolicy`) or removing (`ec2:DeleteResourcePolicy`) a
    /// resource policy on the group.
    pub fn ram(&self, call: wire::ram::Call<'_>) -> Vec<Check> {
        fn arns(list: &Option<Vec<String>>) -> Vec<&str> {
            list.iter().flatten().map(String::as_str).collect()
        }
        use wire::ram::Call as Ram;
        let action = format!("ram:{}", call.operation());
        let new_share = format!(
            "arn:aws:ram:{}:{}:resource-share/*",
            self.ctx.region, self.ctx.account
        );
        // The share, the EC2 action that sharing or unsharing its groups is, and those groups.
        let (share, group_action, resources): (&str, &str, Vec<&str>) = match call {
            Ram::CreateResourceShare(i) => {
                (&new_share, "ec2:PutResourcePolicy", arns(&i.resource_arns))
            }
            Ram::AssociateResourceShare(i) => (
                &i.resource_share_arn,
                "ec2:PutResourcePolicy",
                arns(&i.resource_arns),
            ),
            Ram::DisassociateResourceShare(i) => (
                &i.resource_share_arn,
                "ec2:DeleteResourcePolicy",
                arns(&i.resource_arns),
            ),
            Ram::DeleteResourceShare(i) => (
                &i.resource_share_arn,
                "ec2:DeleteResourcePolicy",
                self.cloud
                    .ram
                    .shares
                    .get(&i.resource_share_arn)
                    .map(|s| s.resources.keys().map(String::as_str).collect())
                    .unwrap_or_default(),
            ),
            Ram::UpdateResourceShare(i) => (&i.resource_share_arn, "", Vec::new()),
            _ => return vec![Check::on_any(action)],
        };
        let mut out = vec![Check {
            resource: share.to_string(),
            ..Check::on_any(action.as_str())
        }];
        // Only the caller's own groups: RAM refuses another account's resource itself
        // (UnknownResourceException) before any resource policy would be put on it.
        out.extend(resources.into_iter().filter_map(|arn| {
            let id = arn.rsplit_once(":security-group/")?.1;
            let check = self.existing(group_action, id);
            check.owner.is_none().then_some(check)
        }));
        out
    }

    /// STS: the action on `*`, except a role's trust policy, which is the resource side of
    /// `sts:AssumeRole`.
    pub fn sts(&self, call: wire::sts::Call<'_>) -> Vec<Check> {
        let action = format!("sts:{}", call.operation());
        match call {
            // Never refused: it tells a caller who it is.
            wire::sts::Call::GetCallerIdentity(_) => Vec::new(),
            wire::sts::Call::AssumeRole(i) => {
                let role = cloud::sts::parse_role_arn(&i.role_arn)
                    .and_then(|(account, name)| self.cloud.role(&account, &name).ok());
                let Some(role) = role else {
                    return vec![Check {
                        resource: i.role_arn.clone(),
                        ..Check::on_any(action)
                    }];
                };
                let mut keys = vec![(
                    "sts:RoleSessionName".to_string(),
                    vec![i.role_session_name.clone()],
                )];
                if let Some(external) = &i.external_id {
                    keys.push(("sts:ExternalId".into(), vec![external.clone()]));
                }
                for tag in &role.tags {
                    keys.push((
                        format!("aws:ResourceTag/{}", tag.key),
                        vec![tag.value.clone()],
                    ));
                }
                for tag in i.tags.iter().flatten() {
                    keys.push((
                        format!("aws:RequestTag/{}", tag.key),
                        vec![tag.value.clone()],
                    ));
                }
                if let Some(tags) = i.tags.as_ref().filter(|t| !t.is_empty()) {
                    keys.push((
                        "aws:TagKeys".into(),
                        tags.iter().map(|t| t.key.clone()).collect(),
                    ));
                }
                if let Some(id) = &i.source_identity {
                    keys.push(("sts:SourceIdentity".into(), vec![id.clone()]));
                }
                let on_role = |action: String| Check {
                    action,
                    resource: role.arn(),
                    owner: Some(role.account.clone()),
                    resource_policy: Some(ResourcePolicy::Text(role.trust_policy.clone())),
                    keys: keys.clone(),
                };
                // Session tags and a source identity are permissions of their own, on both
                // the caller's side and the role's trust policy.
                let mut checks = vec![on_role(action)];
                if i.tags.as_ref().is_some_and(|t| !t.is_empty()) {
                    checks.push(on_role("sts:TagSession".into()));
                }
                if i.source_identity.is_some() {
                    checks.push(on_role("sts:SetSourceIdentity".into()));
                }
                checks
            }
            _ => vec![Check::on_any(action)],
        }
    }
}
