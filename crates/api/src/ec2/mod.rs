//! EC2 operations: decode has happened, encode will happen; here wire inputs become domain
//! commands and queries, and domain objects become wire outputs.

mod convert;
mod gateways;
mod views;

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

    fn create_vpc(
        &self,
        ctx: &mut Ctx,
        input: w::CreateVpcRequest,
    ) -> Result<w::CreateVpcResult, ApiError> {
        dry_run(input.dry_run)?;
        if input.ipv6_cidr_block.is_some()
            || input.ipv6_pool.is_some()
            || input.ipv6_ipam_pool_id.is_some()
        {
            return Err(ApiError::not_implemented(
                "ec2",
                "CreateVpc with an IPv6 block of your own or from IPAM",
            ));
        }
        let amazon_ipv6 = input.amazon_provided_ipv6_cidr_block == Some(true);
        if amazon_ipv6 {
            border_group(ctx, input.ipv6_cidr_block_network_border_group.as_deref())?;
        }
        let cidr = input
            .cidr_block
            .ok_or_else(|| err(cloud::Error::missing("CidrBlock")))?;
        let cidr = cloud::rules::cidr4(&cidr).map_err(err)?;
        let tags = tag_specs(input.tag_specifications, "vpc")?;
        let command = Command::CreateVpc {
            cidr,
            instance_tenancy: input.instance_tenancy,
            tags,
            amazon_ipv6,
        };
        self.mutate(ctx, command, |c, o| {
            let v = &c.vpcs[outcome_id(o)];
            let mut out = vpc_out(v);
            // As AWS answers it: the block is still being associated.
            out.ipv6_cidr_block_association_set = v
                .ipv6
                .as_ref()
                .map(|b| vec![vpc_ipv6_out(v, b, "associating")]);
            w::CreateVpcResult { vpc: Some(out) }
        })
    }

    fn create_default_vpc(
        &self,
        ctx: &mut Ctx,
        input: w::CreateDefaultVpcRequest,
    ) -> Result<w::CreateDefaultVpcResult, ApiError> {
        dry_run(input.dry_run)?;
        self.mutate(ctx, Command::CreateDefaultVpc, |c, o| {
            w::CreateDefaultVpcResult {
                vpc: Some(vpc_out(&c.vpcs[outcome_id(o)])),
            }
        })
    }

    fn describe_vpcs(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeVpcsRequest,
    ) -> Result<w::DescribeVpcsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.vpc_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (vpcs, next) = c.describe_vpcs(who, &ids, &filters, &page)?;
            Ok(w::DescribeVpcsResult {
                vpcs: Some(vpcs.into_iter().map(|v| vpc_for(who, v)).collect()),
                next_token: next,
            })
        })
    }

    fn delete_vpc(&self, ctx: &mut Ctx, input: w::DeleteVpcRequest) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        self.mutate(
            ctx,
            Command::DeleteVpc {
                vpc_id: input.vpc_id,
            },
            |_, _| (),
        )
    }

    fn describe_vpc_attribute(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeVpcAttributeRequest,
    ) -> Result<w::DescribeVpcAttributeResult, ApiError> {
        dry_run(input.dry_run)?;
        self.query(ctx, |c, who| {
            let v = c.visible_vpc(who, &input.vpc_id)?;
            let value = |b: bool| Some(w::AttributeBooleanValue { value: Some(b) });
            let mut out = w::DescribeVpcAttributeResult {
                vpc_id: Some(v.id.clone()),
                ..Default::default()
            };
            match input.attribute.as_str() {
                "enableDnsSupport" => out.enable_dns_support = value(v.enable_dns_support),
                "enableDnsHostnames" => out.enable_dns_hostnames = value(v.enable_dns_hostnames),
                "enableNetworkAddressUsageMetrics" => {
                    out.enable_network_address_usage_metrics =
                        value(v.enable_network_address_usage_metrics)
                }
                other => {
                    return Err(cloud::Error::invalid_value(format!(
                        "Value ({other}) for parameter attribute is invalid. Unknown attribute."
                    )))
                }
            }
            Ok(out)
        })
    }

    fn modify_vpc_attribute(
        &self,
        ctx: &mut Ctx,
        input: w::ModifyVpcAttributeRequest,
    ) -> Result<(), ApiError> {
        let changes = [
            (
                VpcAttribute::EnableDnsSupport,
                bool_attr(input.enable_dns_support),
            ),
            (
                VpcAttribute::EnableDnsHostnames,
                bool_attr(input.enable_dns_hostnames),
            ),
            (
                VpcAttribute::EnableNetworkAddressUsageMetrics,
                bool_attr(input.enable_network_address_usage_metrics),
            ),
        ];
        let set: Vec<(VpcAttribute, bool)> = changes
            .into_iter()
            .filter_map(|(a, v)| v.map(|v| (a, v)))
            .collect();
        let [(attribute, value)] = set[..] else {
            return Err(invalid(
                "Exactly one attribute must be specified: enableDnsSupport, enableDnsHostnames or enableNetworkAddressUsageMetrics.",
            ));
        };
        let command = Command::ModifyVpcAttribute {
            vpc_id: input.vpc_id,
            attribute,
            value,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    // ------------------------------------------------------------------------- CIDR blocks

    fn associate_vpc_cidr_block(
        &self,
        ctx: &mut Ctx,
        input: w::AssociateVpcCidrBlockRequest,
    ) -> Result<w::AssociateVpcCidrBlockResult, ApiError> {
        if input.amazon_provided_ipv6_cidr_block != Some(true) {
            return Err(ApiError::not_implemented(
                "ec2",
                "AssociateVpcCidrBlock for secondary IPv4 blocks or IPv6 blocks not provided by Amazon",
            ));
        }
        border_group(ctx, input.ipv6_cidr_block_network_border_group.as_deref())?;
        let command = Command::AssociateVpcIpv6 {
            vpc_id: input.vpc_id,
        };
        self.mutate(ctx, command, |c, o| {
            let made = ipv6_outcome(o);
            w::AssociateVpcCidrBlockResult {
                vpc_id: made.map(|(vpc, _)| vpc.to_string()),
                ipv6_cidr_block_association: made
                    .map(|(vpc, b)| vpc_ipv6_out(&c.vpcs[vpc], b, "associating")),
                cidr_block_association: None,
            }
        })
    }

    fn disassociate_vpc_cidr_block(
        &self,
        ctx: &mut Ctx,
        input: w::DisassociateVpcCidrBlockRequest,
    ) -> Result<w::DisassociateVpcCidrBlockResult, ApiError> {
        let command = Command::DisassociateVpcIpv6 {
            association_id: input.association_id,
        };
        self.mutate(ctx, command, |c, o| {
            let ended = ipv6_outcome(o);
            w::DisassociateVpcCidrBlockResult {
                vpc_id: ended.map(|(vpc, _)| vpc.to_string()),
                ipv6_cidr_block_association: ended
                    .map(|(vpc, b)| vpc_ipv6_out(&c.vpcs[vpc], b, "disassociating")),
                cidr_block_association: None,
            }
        })
    }

    fn associate_subnet_cidr_block(
        &self,
        ctx: &mut Ctx,
        input: w::AssociateSubnetCidrBlockRequest,
    ) -> Result<w::AssociateSubnetCidrBlockResult, ApiError> {
        if input.ipv6_ipam_pool_id.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "AssociateSubnetCidrBlock from IPAM",
            ));
        }
        let cidr = input
            .ipv6_cidr_block
            .as_deref()
            .ok_or_else(|| err(cloud::Error::missing("Ipv6CidrBlock")))
            .and_then(ipv6_cidr)?;
        let command = Command::AssociateSubnetIpv6 {
            subnet_id: input.subnet_id,
            cidr,
        };
        self.mutate(ctx, command, |_, o| {
            let made = ipv6_outcome(o);
            w::AssociateSubnetCidrBlockResult {
                subnet_id: made.map(|(subnet, _)| subnet.to_string()),
                ipv6_cidr_block_association: made.map(|(_, b)| subnet_ipv6_out(b, "associating")),
            }
        })
    }

    fn disassociate_subnet_cidr_block(
        &self,
        ctx: &mut Ctx,
        input: w::DisassociateSubnetCidrBlockRequest,
    ) -> Result<w::DisassociateSubnetCidrBlockResult, ApiError> {
        let command = Command::DisassociateSubnetIpv6 {
            association_id: input.association_id,
        };
        self.mutate(ctx, command, |_, o| {
            let ended = ipv6_outcome(o);
            w::DisassociateSubnetCidrBlockResult {
                subnet_id: ended.map(|(subnet, _)| subnet.to_string()),
                ipv6_cidr_block_association: ended
                    .map(|(_, b)| subnet_ipv6_out(b, "disassociating")),
            }
        })
    }

    // ------------------------------------------------------------------------- subnets

    fn create_subnet(
        &self,
        ctx: &mut Ctx,
        input: w::CreateSubnetRequest,
    ) -> Result<w::CreateSubnetResult, ApiError> {
        dry_run(input.dry_run)?;
        if input.ipv6_native == Some(true) || input.ipv6_ipam_pool_id.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "CreateSubnet for IPv6 only or from IPAM",
            ));
        }
        let ipv6_cidr = input
            .ipv6_cidr_block
            .as_deref()
            .map(ipv6_cidr)
            .transpose()?;
        let cidr = input
            .cidr_block
            .ok_or_else(|| err(cloud::Error::missing("CidrBlock")))?;
        let cidr = cidr
            .parse::<ipnet::Ipv4Net>()
            .map_err(|_| invalid(format!("Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.")))?;
        if cidr.trunc() != cidr {
            return Err(err(cloud::Error::new(
                "InvalidSubnet.Range",
                format!("The CIDR '{cidr}' is invalid."),
            )));
        }
        let command = Command::CreateSubnet(cloud::NewSubnet {
            vpc_id: input.vpc_id,
            cidr,
            availability_zone: input.availability_zone,
            availability_zone_id: input.availability_zone_id,
            tags: tag_specs(input.tag_specifications, "subnet")?,
            ipv6_cidr,
        });
        self.mutate(ctx, command, |c, o| w::CreateSubnetResult {
            subnet: Some(subnet_out(&c.subnets[outcome_id(o)])),
        })
    }

    fn describe_subnets(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeSubnetsRequest,
    ) -> Result<w::DescribeSubnetsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.subnet_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (subnets, next) = c.describe_subnets(who, &ids, &filters, &page)?;
            Ok(w::DescribeSubnetsResult {
                subnets: Some(subnets.into_iter().map(|s| subnet_for(who, s)).collect()),
                next_token: next,
            })
        })
    }

    fn delete_subnet(&self, ctx: &mut Ctx, input: w::DeleteSubnetRequest) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        self.mutate(
            ctx,
            Command::DeleteSubnet {
                subnet_id: input.subnet_id,
            },
            |_, _| (),
        )
    }

    fn modify_subnet_attribute(
        &self,
        ctx: &mut Ctx,
        input: w::ModifySubnetAttributeRequest,
    ) -> Result<(), ApiError> {
        let changes = [
            (
                SubnetAttribute::MapPublicIpOnLaunch,
                bool_attr(input.map_public_ip_on_launch),
            ),
            (
                SubnetAttribute::AssignIpv6AddressOnCreation,
                bool_attr(input.assign_ipv6_address_on_creation),
            ),
            (SubnetAttribute::EnableDns64, bool_attr(input.enable_dns64)),
            (
                SubnetAttribute::EnableResourceNameDnsARecordOnLaunch,
                bool_attr(input.enable_resource_name_dns_a_record_on_launch),
            ),
        ];
        let set: Vec<(SubnetAttribute, bool)> = changes
            .into_iter()
            .filter_map(|(a, v)| v.map(|v| (a, v)))
            .collect();
        if set.is_empty() {
            if input.private_dns_hostname_type_on_launch.is_some()
                || input
                    .enable_resource_name_dns_aaaa_record_on_launch
                    .is_some()
                || input.map_customer_owned_ip_on_launch.is_some()
            {
                return Err(ApiError::not_implemented(
                    "ec2",
                    "ModifySubnetAttribute for this attribute",
                ));
            }
            return Err(err(cloud::Error::missing("MapPublicIpOnLaunch")));
        }
        for (attribute, value) in set {
            let command = Command::ModifySubnetAttribute {
                subnet_id: input.subnet_id.clone(),
                attribute,
                value,
            };
            self.mutate(ctx, command, |_, _| ())?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------------- groups

    fn create_security_group(
        &self,
        ctx: &mut Ctx,
        input: w::CreateSecurityGroupRequest,
    ) -> Result<w::CreateSecurityGroupResult, ApiError> {
        dry_run(input.dry_run)?;
        let tags = tag_specs(input.tag_specifications, "security-group")?;
        let command = Command::CreateSecurityGroup {
            name: input.group_name,
            description: input.description,
            vpc_id: input.vpc_id,
            tags,
        };
        self.mutate(ctx, command, |c, o| {
            let g = &c.groups[outcome_id(o)];
            w::CreateSecurityGroupResult {
                group_id: Some(g.id.to_string()),
                tags: tags_out_if_any(&g.tags),
                security_group_arn: Some(g.arn()),
            }
        })
    }

    fn delete_security_group(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteSecurityGroupRequest,
    ) -> Result<w::DeleteSecurityGroupResult, ApiError> {
        dry_run(input.dry_run)?;
        let group = group_ref(input.group_id, input.group_name)?;
        self.mutate(ctx, Command::DeleteSecurityGroup { group }, |_, o| {
            w::DeleteSecurityGroupResult {
                r#return: Some(true),
                group_id: Some(outcome_id(o).to_string()),
            }
        })
    }

    fn describe_security_groups(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeSecurityGroupsRequest,
    ) -> Result<w::DescribeSecurityGroupsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.group_ids.unwrap_or_default();
        let names = input.group_names.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (groups, next) = c.describe_groups(who, &ids, &names, &filters, &page)?;
            Ok(w::DescribeSecurityGroupsResult {
                security_groups: Some(groups.into_iter().map(group_out).collect()),
                next_token: next,
            })
        })
    }

    fn get_security_groups_for_vpc(
        &self,
        ctx: &mut Ctx,
        input: w::GetSecurityGroupsForVpcRequest,
    ) -> Result<w::GetSecurityGroupsForVpcResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        self.query(ctx, |c, who| {
            let (groups, next) = c.groups_for_vpc(who, &input.vpc_id, &filters, &page)?;
            Ok(w::GetSecurityGroupsForVpcResult {
                security_group_for_vpcs: Some(groups.into_iter().map(group_for_vpc_out).collect()),
                next_token: next,
            })
        })
    }

    fn associate_security_group_vpc(
        &self,
        ctx: &mut Ctx,
        input: w::AssociateSecurityGroupVpcRequest,
    ) -> Result<w::AssociateSecurityGroupVpcResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::AssociateSecurityGroupVpc {
            group_id: input.group_id,
            vpc_id: input.vpc_id,
        };
        self.mutate(ctx, command, |_, _| w::AssociateSecurityGroupVpcResult {
            state: owned("associating"),
        })
    }

    fn disassociate_security_group_vpc(
        &self,
        ctx: &mut Ctx,
        input: w::DisassociateSecurityGroupVpcRequest,
    ) -> Result<w::DisassociateSecurityGroupVpcResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::DisassociateSecurityGroupVpc {
            group_id: input.group_id,
            vpc_id: input.vpc_id,
        };
        self.mutate(ctx, command, |_, _| w::DisassociateSecurityGroupVpcResult {
            state: owned("disassociating"),
        })
    }

    fn describe_security_group_vpc_associations(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeSecurityGroupVpcAssociationsRequest,
    ) -> Result<w::DescribeSecurityGroupVpcAssociationsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        self.query(ctx, |c, who| {
            let (items, next) = c.describe_group_vpc_associations(who, &filters, &page)?;
            Ok(w::DescribeSecurityGroupVpcAssociationsResult {
                security_group_vpc_associations: Some(
                    items.iter().map(group_vpc_association_out).collect(),
                ),
                next_token: next,
            })
        })
    }

    fn authorize_security_group_ingress(
        &self,
        ctx: &mut Ctx,
        input: w::AuthorizeSecurityGroupIngressRequest,
    ) -> Result<w::AuthorizeSecurityGroupIngressResult, ApiError> {
        dry_run(input.dry_run)?;
        let group = group_ref(input.group_id, input.group_name)?;
        let mut perms = input.ip_permissions.unwrap_or_default();
        perms.extend(legacy_permission(
            input.ip_protocol,
            input.from_port,
            input.to_port,
            input.cidr_ip,
            input.source_security_group_name,
            input.source_security_group_owner_id,
        ));
        let rules = self.rule_specs(ctx, perms)?;
        let tags = tag_specs(input.tag_specifications, "security-group-rule")?;
        let command = Command::AuthorizeRules {
            group,
            egress: false,
            rules,
            tags,
        };
        self.mutate(ctx, command, |c, o| {
            w::AuthorizeSecurityGroupIngressResult {
                r#return: Some(true),
                security_group_rules: Some(new_rules_out(c, o)),
            }
        })
    }

    fn authorize_security_group_egress(
        &self,
        ctx: &mut Ctx,
        input: w::AuthorizeSecurityGroupEgressRequest,
    ) -> Result<w::AuthorizeSecurityGroupEgressResult, ApiError> {
        dry_run(input.dry_run)?;
        no_legacy_egress(
            &input.ip_protocol,
            &input.cidr_ip,
            &input.source_security_group_name,
        )?;
        let rules = self.rule_specs(ctx, input.ip_permissions.unwrap_or_default())?;
        let tags = tag_specs(input.tag_specifications, "security-group-rule")?;
        let command = Command::AuthorizeRules {
            group: GroupRef::Id(input.group_id),
            egress: true,
            rules,
            tags,
        };
        self.mutate(ctx, command, |c, o| w::AuthorizeSecurityGroupEgressResult {
            r#return: Some(true),
            security_group_rules: Some(new_rules_out(c, o)),
        })
    }

    fn revoke_security_group_ingress(
        &self,
        ctx: &mut Ctx,
        input: w::RevokeSecurityGroupIngressRequest,
    ) -> Result<w::RevokeSecurityGroupIngressResult, ApiError> {
        dry_run(input.dry_run)?;
        let group = group_ref(input.group_id, input.group_name)?;
        let mut perms = input.ip_permissions.unwrap_or_default();
        perms.extend(legacy_permission(
            input.ip_protocol,
            input.from_port,
            input.to_port,
            input.cidr_ip,
            input.source_security_group_name,
            input.source_security_group_owner_id,
        ));
        let revoke = self.revoke_spec(ctx, input.security_group_rule_ids, perms)?;
        let command = Command::RevokeRules {
            group,
            egress: false,
            revoke,
        };
        self.mutate(ctx, command, |c, o| {
            let (revoked, unknown) = revoked_rules_out(c, o);
            w::RevokeSecurityGroupIngressResult {
                r#return: Some(true),
                unknown_ip_permissions: unknown,
                revoked_security_group_rules: Some(revoked),
            }
        })
    }

    fn revoke_security_group_egress(
        &self,
        ctx: &mut Ctx,
        input: w::RevokeSecurityGroupEgressRequest,
    ) -> Result<w::RevokeSecurityGroupEgressResult, ApiError> {
        dry_run(input.dry_run)?;
        no_legacy_egress(
            &input.ip_protocol,
            &input.cidr_ip,
            &input.source_security_group_name,
        )?;
        let revoke = self.revoke_spec(
            ctx,
            input.security_group_rule_ids,
            input.ip_permissions.unwrap_or_default(),
        )?;
        let command = Command::RevokeRules {
            group: GroupRef::Id(input.group_id),
            egress: true,
            revoke,
        };
        self.mutate(ctx, command, |c, o| {
            let (revoked, unknown) = revoked_rules_out(c, o);
            w::RevokeSecurityGroupEgressResult {
                r#return: Some(true),
                unknown_ip_permissions: unknown,
                revoked_security_group_rules: Some(revoked),
            }
        })
    }

    fn describe_security_group_rules(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeSecurityGroupRulesRequest,
    ) -> Result<w::DescribeSecurityGroupRulesResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.security_group_rule_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (rules, next) = c.describe_rules(who, &ids, &filters, &page)?;
            Ok(w::DescribeSecurityGroupRulesResult {
                security_group_rules: Some(
                    rules.into_iter().map(|(g, r)| rule_out(g, r)).collect(),
                ),
                next_token: next,
            })
        })
    }

    fn modify_security_group_rules(
        &self,
        ctx: &mut Ctx,
        input: w::ModifySecurityGroupRulesRequest,
    ) -> Result<w::ModifySecurityGroupRulesResult, ApiError> {
        dry_run(input.dry_run)?;
        let mut changes = Vec::new();
        for u in input.security_group_rules {
            let r = u
                .security_group_rule
                .ok_or_else(|| err(cloud::Error::missing("SecurityGroupRule")))?;
            let perm = w::IpPermission {
                ip_protocol: r.ip_protocol,
                from_port: r.from_port,
                to_port: r.to_port,
                ip_ranges: r.cidr_ipv4.map(|c| {
                    vec![w::IpRange {
                        cidr_ip: Some(c),
                        description: r.description.clone(),
                    }]
                }),
                ipv6_ranges: r.cidr_ipv6.map(|c| {
                    vec![w::Ipv6Range {
                        cidr_ipv6: Some(c),
                        description: r.description.clone(),
                    }]
                }),
                prefix_list_ids: r.prefix_list_id.map(|p| {
                    vec![w::PrefixListId {
                        prefix_list_id: Some(p),
                        description: r.description.clone(),
                    }]
                }),
                user_id_group_pairs: r.referenced_group_id.map(|g| {
                    vec![w::UserIdGroupPair {
                        group_id: Some(g),
                        description: r.description.clone(),
                        ..Default::default()
                    }]
                }),
            };
            let mut specs = self.rule_specs(ctx, vec![perm])?;
            if specs.len() != 1 {
                return Err(invalid(
                    "Each security group rule must have exactly one source or destination.",
                ));
            }
            changes.push((u.security_group_rule_id, specs.remove(0)));
        }
        let command = Command::ModifyRules {
            group_id: input.group_id,
            changes,
        };
        self.mutate(ctx, command, |_, _| w::ModifySecurityGroupRulesResult {
            r#return: Some(true),
        })
    }

    fn update_security_group_rule_descriptions_ingress(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateSecurityGroupRuleDescriptionsIngressRequest,
    ) -> Result<w::UpdateSecurityGroupRuleDescriptionsIngressResult, ApiError> {
        dry_run(input.dry_run)?;
        let group = group_ref(input.group_id, input.group_name)?;
        let command = self.description_update(
            ctx,
            group,
            false,
            input.security_group_rule_descriptions,
            input.ip_permissions,
        )?;
        self.mutate(ctx, command, |_, _| {
            w::UpdateSecurityGroupRuleDescriptionsIngressResult {
                r#return: Some(true),
            }
        })
    }

    fn update_security_group_rule_descriptions_egress(
        &self,
        ctx: &mut Ctx,
        input: w::UpdateSecurityGroupRuleDescriptionsEgressRequest,
    ) -> Result<w::UpdateSecurityGroupRuleDescriptionsEgressResult, ApiError> {
        dry_run(input.dry_run)?;
        let group = group_ref(input.group_id, input.group_name)?;
        let command = self.description_update(
            ctx,
            group,
            true,
            input.security_group_rule_descriptions,
            input.ip_permissions,
        )?;
        self.mutate(ctx, command, |_, _| {
            w::UpdateSecurityGroupRuleDescriptionsEgressResult {
                r#return: Some(true),
            }
        })
    }

    // ------------------------------------------------------------------------- tags

    fn create_tags(&self, ctx: &mut Ctx, input: w::CreateTagsRequest) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::CreateTags {
            resources: input.resources,
            tags: tags_in(input.tags)?,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    fn delete_tags(&self, ctx: &mut Ctx, input: w::DeleteTagsRequest) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        let tags = input
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                Ok((
                    t.key.ok_or_else(|| err(cloud::Error::missing("Tag.Key")))?,
                    t.value,
                ))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let command = Command::DeleteTags {
            resources: input.resources,
            tags,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    fn describe_tags(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeTagsRequest,
    ) -> Result<w::DescribeTagsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, (5, 1000))?;
        self.query(ctx, |c, who| {
            let (tags, next) = c.describe_tags(who, &filters, &page)?;
            Ok(w::DescribeTagsResult {
                tags: Some(
                    tags.into_iter()
                        .map(|t| w::TagDescription {
                            key: Some(t.tag.key.clone()),
                            value: Some(t.tag.value.clone()),
                            resource_id: Some(t.resource_id.to_string()),
                            resource_type: Some(t.resource_type.to_string()),
                        })
                        .collect(),
                ),
                next_token: next,
            })
        })
    }

    // ------------------------------------------------------------------------- interfaces

    fn create_network_interface(
        &self,
        ctx: &mut Ctx,
        input: w::CreateNetworkInterfaceRequest,
    ) -> Result<w::CreateNetworkInterfaceResult, ApiError> {
        dry_run(input.dry_run)?;
        if input.ipv4_prefixes.is_some()
            || input.ipv4_prefix_count.is_some()
            || input.ipv6_prefixes.is_some()
            || input.ipv6_prefix_count.is_some()
            || input.enable_primary_ipv6 == Some(true)
        {
            return Err(ApiError::not_implemented(
                "ec2",
                "CreateNetworkInterface with prefixes or a primary IPv6 address",
            ));
        }
        let ipv6 = ipv6_request(
            input
                .ipv6_addresses
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.ipv6_address)
                .collect(),
            input.ipv6_address_count,
        )?;
        let mut private_ip = parse_ip(input.private_ip_address)?;
        let mut secondary_ips = Vec::new();
        for spec in input.private_ip_addresses.unwrap_or_default() {
            let ip = parse_ip(spec.private_ip_address)?
                .ok_or_else(|| err(cloud::Error::missing("PrivateIpAddresses.PrivateIpAddress")))?;
            if spec.primary == Some(true) {
                if private_ip.is_some_and(|p| p != ip) {
                    return Err(err(cloud::Error::new(
                        "InvalidParameterCombination",
                        "The primary private IP address is specified twice with different values.",
                    )));
                }
                private_ip = Some(ip);
            } else if private_ip != Some(ip) {
                secondary_ips.push(ip);
            }
        }
        let secondary_count = count_param(
            input.secondary_private_ip_address_count,
            "secondaryPrivateIpAddressCount",
        )?
        .unwrap_or(0);
        let command = Command::CreateNetworkInterface {
            subnet_id: input.subnet_id,
            groups: input.groups.unwrap_or_default(),
            description: input.description,
            private_ip,
            secondary_ips,
            secondary_count,
            interface_type: input.interface_type,
            tags: tag_specs(input.tag_specifications, "network-interface")?,
            ipv6,
        };
        let client_token = input.client_token;
        self.mutate(ctx, command, |c, o| w::CreateNetworkInterfaceResult {
            network_interface: Some(interface_out(c, &c.interfaces[outcome_id(o)])),
            client_token,
        })
    }

    fn assign_private_ip_addresses(
        &self,
        ctx: &mut Ctx,
        input: w::AssignPrivateIpAddressesRequest,
    ) -> Result<w::AssignPrivateIpAddressesResult, ApiError> {
        if input.ipv4_prefixes.is_some() || input.ipv4_prefix_count.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "AssignPrivateIpAddresses with prefixes",
            ));
        }
        if input.allow_reassignment == Some(true) {
            return Err(ApiError::not_implemented(
                "ec2",
                "AssignPrivateIpAddresses moving addresses from other interfaces",
            ));
        }
        let addresses = private_ips(input.private_ip_addresses)?;
        let count = count_param(
            input.secondary_private_ip_address_count,
            "secondaryPrivateIpAddressCount",
        )?
        .unwrap_or(0);
        let interface_id = input.network_interface_id;
        let command = Command::AssignPrivateIps {
            interface_id: interface_id.clone(),
            addresses,
            count,
        };
        self.mutate(ctx, command, |_, o| w::AssignPrivateIpAddressesResult {
            network_interface_id: Some(interface_id),
            assigned_private_ip_addresses: Some(match o {
                Outcome::PrivateIps(ips) => ips
                    .iter()
                    .map(|ip| w::AssignedPrivateIpAddress {
                        private_ip_address: Some(ip.to_string()),
                    })
                    .collect(),
                _ => vec![],
            }),
            assigned_ipv4_prefixes: None,
        })
    }

    fn unassign_private_ip_addresses(
        &self,
        ctx: &mut Ctx,
        input: w::UnassignPrivateIpAddressesRequest,
    ) -> Result<(), ApiError> {
        if input.ipv4_prefixes.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "UnassignPrivateIpAddresses with prefixes",
            ));
        }
        let command = Command::UnassignPrivateIps {
            interface_id: input.network_interface_id,
            addresses: private_ips(input.private_ip_addresses)?,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    fn assign_ipv6_addresses(
        &self,
        ctx: &mut Ctx,
        input: w::AssignIpv6AddressesRequest,
    ) -> Result<w::AssignIpv6AddressesResult, ApiError> {
        if input.ipv6_prefixes.is_some() || input.ipv6_prefix_count.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "AssignIpv6Addresses with prefixes",
            ));
        }
        let request = ipv6_request(
            input
                .ipv6_addresses
                .unwrap_or_default()
                .into_iter()
                .map(Some)
                .collect(),
            input.ipv6_address_count,
        )?;
        let interface_id = input.network_interface_id;
        let command = Command::AssignIpv6Addresses {
            interface_id: interface_id.clone(),
            request,
        };
        self.mutate(ctx, command, |_, o| w::AssignIpv6AddressesResult {
            assigned_ipv6_addresses: Some(addresses_of(o)),
            assigned_ipv6_prefixes: None,
            network_interface_id: Some(interface_id),
        })
    }

    fn unassign_ipv6_addresses(
        &self,
        ctx: &mut Ctx,
        input: w::UnassignIpv6AddressesRequest,
    ) -> Result<w::UnassignIpv6AddressesResult, ApiError> {
        if input.ipv6_prefixes.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "UnassignIpv6Addresses with prefixes",
            ));
        }
        let addresses = input
            .ipv6_addresses
            .unwrap_or_default()
            .iter()
            .map(|a| ipv6_address(a))
            .collect::<Result<Vec<_>, _>>()?;
        if addresses.is_empty() {
            return Err(err(cloud::Error::missing("Ipv6Addresses")));
        }
        let interface_id = input.network_interface_id;
        let command = Command::UnassignIpv6Addresses {
            interface_id: interface_id.clone(),
            addresses,
        };
        self.mutate(ctx, command, |_, o| w::UnassignIpv6AddressesResult {
            network_interface_id: Some(interface_id),
            unassigned_ipv6_addresses: Some(addresses_of(o)),
            unassigned_ipv6_prefixes: None,
        })
    }

    fn describe_network_interfaces(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeNetworkInterfacesRequest,
    ) -> Result<w::DescribeNetworkInterfacesResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.network_interface_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (enis, next) = c.describe_interfaces(who, &ids, &filters, &page)?;
            Ok(w::DescribeNetworkInterfacesResult {
                network_interfaces: Some(enis.into_iter().map(|e| interface_out(c, e)).collect()),
                next_token: next,
            })
        })
    }

    fn describe_network_interface_attribute(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeNetworkInterfaceAttributeRequest,
    ) -> Result<w::DescribeNetworkInterfaceAttributeResult, ApiError> {
        dry_run(input.dry_run)?;
        self.query(ctx, |c, who| {
            let e = c.visible_interface(who, &input.network_interface_id)?;
            let full = interface_out(c, e);
            let mut out = w::DescribeNetworkInterfaceAttributeResult {
                network_interface_id: Some(e.id.clone()),
                ..Default::default()
            };
            match input.attribute.as_deref() {
                Some("description") => {
                    out.description = Some(w::AttributeValue {
                        value: Some(e.description.clone()),
                    })
                }
                Some("groupSet") => out.groups = full.groups,
                Some("sourceDestCheck") => {
                    out.source_dest_check = Some(w::AttributeBooleanValue {
                        value: Some(e.source_dest_check),
                    })
                }
                Some("attachment") => out.attachment = full.attachment,
                other => {
                    return Err(cloud::Error::invalid_value(format!(
                        "Value ({}) for parameter attribute is invalid.",
                        other.unwrap_or_default()
                    )))
                }
            }
            Ok(out)
        })
    }

    fn modify_network_interface_attribute(
        &self,
        ctx: &mut Ctx,
        input: w::ModifyNetworkInterfaceAttributeRequest,
    ) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        let mut changes = Vec::new();
        if let Some(groups) = input.groups {
            changes.push(EniChange::Groups(groups));
        }
        if let Some(d) = input.description {
            changes.push(EniChange::Description(d.value.unwrap_or_default()));
        }
        if let Some(v) = bool_attr(input.source_dest_check) {
            changes.push(EniChange::SourceDestCheck(v));
        }
        if let Some(a) = input.attachment {
            changes.push(EniChange::DeleteOnTermination {
                attachment_id: a
                    .attachment_id
                    .ok_or_else(|| err(cloud::Error::missing("Attachment.AttachmentId")))?,
                value: a.delete_on_termination.unwrap_or(false),
            });
        }
        let change = match changes.len() {
            1 => changes.remove(0),
            0 => return Err(err(cloud::Error::missing("SecurityGroupId"))),
            _ => {
                return Err(err(cloud::Error::new(
                    "InvalidParameterCombination",
                    "Only one attribute can be modified at a time.",
                )))
            }
        };
        let command = Command::ModifyNetworkInterface {
            interface_id: input.network_interface_id,
            change,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    fn delete_network_interface(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteNetworkInterfaceRequest,
    ) -> Result<(), ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::DeleteNetworkInterface {
            interface_id: input.network_interface_id,
        };
        self.mutate(ctx, command, |_, _| ())
    }

    // ------------------------------------------------------------------------- instances

    fn run_instances(
        &self,
        ctx: &mut Ctx,
        input: w::RunInstancesRequest,
    ) -> Result<w::Reservation, ApiError> {
        dry_run(input.dry_run)?;
        if input.launch_template.is_some() {
            return Err(ApiError::not_implemented(
                "ec2",
                "RunInstances with a launch template",
            ));
        }
        let image_id = input
            .image_id
            .ok_or_else(|| err(cloud::Error::missing("ImageId")))?;
        let asks_ipv6 = |count: Option<i32>, listed: bool| count.unwrap_or(0) > 0 || listed;
        let listed =
            |a: &Option<Vec<w::InstanceIpv6Address>>| a.as_ref().is_some_and(|a| !a.is_empty());
        if asks_ipv6(input.ipv6_address_count, listed(&input.ipv6_addresses)) {
            return Err(ApiError::not_implemented(
                "ec2",
                "RunInstances with IPv6 addresses (a subnet that assigns IPv6 on creation still gives one)",
            ));
        }
        let mut interfaces = Vec::new();
        for ni in input.network_interfaces.unwrap_or_default() {
            if asks_ipv6(ni.ipv6_address_count, listed(&ni.ipv6_addresses)) {
                return Err(ApiError::not_implemented(
                    "ec2",
                    "RunInstances with IPv6 addresses (a subnet that assigns IPv6 on creation still gives one)",
                ));
            }
            if ni.network_interface_id.is_some() {
                return Err(ApiError::not_implemented(
                    "ec2",
                    "RunInstances with an existing network interface",
                ));
            }
            interfaces.push(cloud::LaunchInterface {
                device_index: ni.device_index.unwrap_or(0),
                subnet_id: ni.subnet_id,
                groups: ni.groups.unwrap_or_default(),
                private_ip: parse_ip(ni.private_ip_address)?,
                description: ni.description,
            });
        }
        let specs = input.tag_specifications.unwrap_or_default();
        let (instance_specs, interface_specs): (Vec<_>, Vec<_>) = specs
            .into_iter()
            .partition(|s| s.resource_type.as_deref() == Some("instance"));
        let interface_specs: Vec<_> = interface_specs
            .into_iter()
            .filter(|s| s.resource_type.as_deref() != Some("volume"))
            .collect();
        let spec = LaunchSpec {
            image_id,
            instance_type: input.instance_type.unwrap_or_else(|| "m1.small".into()),
            min_count: input.min_count,
            max_count: input.max_count,
            subnet_id: input.subnet_id,
            group_ids: input.security_group_ids.unwrap_or_default(),
            group_names: input.security_groups.unwrap_or_default(),
            private_ip: parse_ip(input.private_ip_address)?,
            interfaces,
            instance_tags: tag_specs(Some(instance_specs), "instance")?,
            interface_tags: tag_specs(Some(interface_specs), "network-interface")?,
            client_token: input.client_token,
        };
        self.mutate(ctx, Command::RunInstances(spec), |c, o| {
            let id = outcome_id(o);
            let mut instances: Vec<&cloud::Instance> = c
                .instances
                .values()
                .filter(|i| i.reservation_id == id)
                .collect();
            instances.sort_by_key(|i| i.ami_launch_index);
            let mut r = reservation_out(c, &instances);
            // A fresh launch reports the state it starts in.
            for i in r.instances.iter_mut().flatten() {
                i.state = Some(w::InstanceState {
                    code: Some(0),
                    name: Some("pending".into()),
                });
            }
            r
        })
    }

    fn describe_instances(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeInstancesRequest,
    ) -> Result<w::DescribeInstancesResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.instance_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (instances, next) = c.describe_instances(who, &ids, &filters, &page)?;
            let mut by_reservation: Vec<Vec<&cloud::Instance>> = Vec::new();
            for i in instances {
                match by_reservation
                    .iter_mut()
                    .find(|r| r[0].reservation_id == i.reservation_id)
                {
                    Some(r) => r.push(i),
                    None => by_reservation.push(vec![i]),
                }
            }
            Ok(w::DescribeInstancesResult {
                reservations: Some(
                    by_reservation
                        .iter()
                        .map(|r| reservation_out(c, r))
                        .collect(),
                ),
                next_token: next,
            })
        })
    }

    fn terminate_instances(
        &self,
        ctx: &mut Ctx,
        input: w::TerminateInstancesRequest,
    ) -> Result<w::TerminateInstancesResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::TerminateInstances {
            instance_ids: input.instance_ids,
        };
        self.mutate(ctx, command, |_, o| {
            let state = |s: cloud::InstanceState| {
                Some(w::InstanceState {
                    code: Some(s.code()),
                    name: Some(s.name().into()),
                })
            };
            let changes = match o {
                Outcome::Terminated(list) => list
                    .iter()
                    .map(|(id, prev, cur)| w::InstanceStateChange {
                        instance_id: Some(id.clone()),
                        previous_state: state(*prev),
                        current_state: state(*cur),
                    })
                    .collect(),
                _ => vec![],
            };
            w::TerminateInstancesResult {
                terminating_instances: Some(changes),
            }
        })
    }

    // ------------------------------------------------------------------------- account, zones, regions

    fn describe_availability_zones(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeAvailabilityZonesRequest,
    ) -> Result<w::DescribeAvailabilityZonesResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        cloud::filter::validate(
            &filters,
            &[
                "zone-name",
                "zone-id",
                "region-name",
                "state",
                "zone-type",
                "group-name",
                "opt-in-status",
            ],
        )
        .map_err(err)?;
        let names = input.zone_names.unwrap_or_default();
        let ids = input.zone_ids.unwrap_or_default();
        let region = ctx.region.clone();
        let zones = cloud::regions::zones(&region);
        for n in &names {
            if !zones.iter().any(|(z, _)| z == n) {
                return Err(invalid(format!("The zone '{n}' does not exist.")));
            }
        }
        let out = zones
            .into_iter()
            .filter(|(n, i)| {
                (names.is_empty() && ids.is_empty()) || names.contains(n) || ids.contains(i)
            })
            .filter(|(n, i)| {
                cloud::filter::matches_with(&[], &filters, |f| {
                    Some(vec![match f {
                        "zone-name" => n.clone(),
                        "zone-id" => i.clone(),
                        "region-name" => region.clone(),
                        "state" => "available".into(),
                        "zone-type" => "availability-zone".into(),
                        "group-name" => region.clone(),
                        _ => "opt-in-not-required".into(),
                    }])
                })
            })
            .map(|(n, i)| w::AvailabilityZone {
                opt_in_status: Some("opt-in-not-required".into()),
                messages: Some(vec![]),
                region_name: Some(region.clone()),
                zone_name: Some(n),
                zone_id: Some(i),
                group_name: Some(region.clone()),
                network_border_group: Some(region.clone()),
                zone_type: Some("availability-zone".into()),
                state: Some("available".into()),
                ..Default::default()
            })
            .collect();
        Ok(w::DescribeAvailabilityZonesResult {
            availability_zones: Some(out),
        })
    }

    fn describe_regions(
        &self,
        _ctx: &mut Ctx,
        input: w::DescribeRegionsRequest,
    ) -> Result<w::DescribeRegionsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        cloud::filter::validate(&filters, &["region-name", "endpoint", "opt-in-status"])
            .map_err(err)?;
        let names = input.region_names.unwrap_or_default();
        for n in &names {
            if !cloud::regions::is_known(n) {
                return Err(err(cloud::Error::new(
                    "InvalidRegion",
                    format!("Invalid region: {n}"),
                )));
            }
        }
        let out = cloud::regions::REGIONS
            .iter()
            .map(|(r, _)| *r)
            .filter(|r| names.is_empty() || names.iter().any(|n| n == r))
            .filter(|r| {
                cloud::filter::matches_with(&[], &filters, |f| {
                    Some(vec![match f {
                        "region-name" => r.to_string(),
                        "endpoint" => format!("ec2.{r}.amazonaws.com"),
                        _ => "opt-in-not-required".into(),
                    }])
                })
            })
            .map(|r| w::Region {
                region_name: Some(r.to_string()),
                endpoint: Some(format!("ec2.{r}.amazonaws.com")),
                opt_in_status: Some("opt-in-not-required".into()),
                geography: None,
            })
            .collect();
        Ok(w::DescribeRegionsResult { regions: Some(out) })
    }

    fn describe_account_attributes(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeAccountAttributesRequest,
    ) -> Result<w::DescribeAccountAttributesResult, ApiError> {
        dry_run(input.dry_run)?;
        let default_vpc = self.query(ctx, |c, who| Ok(c.default_vpc(who).map(|v| v.id.clone())))?;
        let limits = self.engine.read(|c| c.limits.clone());
        let attrs: Vec<(&str, String)> = vec![
            ("supported-platforms", "VPC".into()),
            ("default-vpc", default_vpc.unwrap_or_else(|| "none".into())),
            ("max-instances", "20".into()),
            (
                "vpc-max-security-groups-per-interface",
                limits.groups_per_interface.to_string(),
            ),
            ("max-elastic-ips", "5".into()),
            ("vpc-max-elastic-ips", "5".into()),
        ];
        let wanted = input.attribute_names.unwrap_or_default();
        Ok(w::DescribeAccountAttributesResult {
            account_attributes: Some(
                attrs
                    .into_iter()
                    .filter(|(n, _)| wanted.is_empty() || wanted.iter().any(|x| x == n))
                    .map(|(n, v)| w::AccountAttribute {
                        attribute_name: Some(n.into()),
                        attribute_values: Some(vec![w::AccountAttributeValue {
                            attribute_value: Some(v),
                        }]),
                    })
                    .collect(),
            ),
        })
    }

    fn create_managed_prefix_list(
        &self,
        ctx: &mut Ctx,
        input: w::CreateManagedPrefixListRequest,
    ) -> Result<w::CreateManagedPrefixListResult, ApiError> {
        dry_run(input.dry_run)?;
        let ipv6 = match input.address_family.as_str() {
            "IPv4" => false,
            "IPv6" => true,
            other => {
                return Err(invalid(format!(
                    "The address family '{other}' is invalid. Valid values are IPv4 and IPv6."
                )))
            }
        };
        let command = Command::CreateManagedPrefixList(cloud::NewPrefixList {
            name: input.prefix_list_name,
            ipv6,
            max_entries: input.max_entries,
            entries: prefix_entries_in(input.entries)?,
            tags: tag_specs(input.tag_specifications, "prefix-list")?,
            client_token: input.client_token.filter(|t| !t.is_empty()),
        });
        self.mutate(ctx, command, |c, o| w::CreateManagedPrefixListResult {
            prefix_list: Some(prefix_list_out(&c.prefix_lists[outcome_id(o)])),
        })
    }

    fn describe_managed_prefix_lists(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeManagedPrefixListsRequest,
    ) -> Result<w::DescribeManagedPrefixListsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, (1, 100))?;
        let ids = input.prefix_list_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (lists, next) = c.describe_prefix_lists(who, &ids, &filters, &page)?;
            Ok(w::DescribeManagedPrefixListsResult {
                prefix_lists: Some(lists.into_iter().map(prefix_list_out).collect()),
                next_token: next,
            })
        })
    }

    fn get_managed_prefix_list_entries(
        &self,
        ctx: &mut Ctx,
        input: w::GetManagedPrefixListEntriesRequest,
    ) -> Result<w::GetManagedPrefixListEntriesResult, ApiError> {
        dry_run(input.dry_run)?;
        let page = page(input.max_results, input.next_token, (1, 100))?;
        self.query(ctx, |c, who| {
            let (entries, next) =
                c.prefix_list_entries(who, &input.prefix_list_id, input.target_version, &page)?;
            Ok(w::GetManagedPrefixListEntriesResult {
                entries: Some(
                    entries
                        .into_iter()
                        .map(|e| w::PrefixListEntry {
                            cidr: Some(e.cidr.to_string()),
                            description: e.description.clone(),
                        })
                        .collect(),
                ),
                next_token: next,
            })
        })
    }

    fn modify_managed_prefix_list(
        &self,
        ctx: &mut Ctx,
        input: w::ModifyManagedPrefixListRequest,
    ) -> Result<w::ModifyManagedPrefixListResult, ApiError> {
        dry_run(input.dry_run)?;
        let remove = input
            .remove_entries
            .unwrap_or_default()
            .into_iter()
            .map(|r| cloud::prefix_entry_cidr(&r.cidr).map_err(err))
            .collect::<Result<_, _>>()?;
        let change = cloud::PrefixListChange {
            current_version: input.current_version,
            name: input.prefix_list_name,
            add: prefix_entries_in(input.add_entries)?,
            remove,
            max_entries: input.max_entries,
        };
        let command = Command::ModifyManagedPrefixList {
            prefix_list_id: input.prefix_list_id,
            change,
        };
        self.mutate(ctx, command, |c, o| w::ModifyManagedPrefixListResult {
            prefix_list: Some(prefix_list_out(&c.prefix_lists[outcome_id(o)])),
        })
    }

    fn delete_managed_prefix_list(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteManagedPrefixListRequest,
    ) -> Result<w::DeleteManagedPrefixListResult, ApiError> {
        dry_run(input.dry_run)?;
        // The answer shows the list as it was; after the command it is gone.
        let mut before = self.query(ctx, |c, who| {
            Ok(prefix_list_out(
                c.visible_prefix_list(who, &input.prefix_list_id)?,
            ))
        })?;
        let command = Command::DeleteManagedPrefixList {
            prefix_list_id: input.prefix_list_id,
        };
        self.mutate(ctx, command, |_, _| ())?;
        before.state = owned("delete-in-progress");
        Ok(w::DeleteManagedPrefixListResult {
            prefix_list: Some(before),
        })
    }

    fn create_vpc_peering_connection(
        &self,
        ctx: &mut Ctx,
        input: w::CreateVpcPeeringConnectionRequest,
    ) -> Result<w::CreateVpcPeeringConnectionResult, ApiError> {
        dry_run(input.dry_run)?;
        let peer_vpc_id = input
            .peer_vpc_id
            .ok_or_else(|| err(cloud::Error::missing("PeerVpcId")))?;
        let command = Command::CreateVpcPeeringConnection(cloud::PeeringRequest {
            vpc_id: input.vpc_id,
            peer_vpc_id,
            peer_owner: input.peer_owner_id,
            peer_region: input.peer_region,
            tags: tag_specs(input.tag_specifications, "vpc-peering-connection")?,
        });
        let who = ctx.caller();
        let now = self.engine.time();
        self.mutate(ctx, command, |c, o| w::CreateVpcPeeringConnectionResult {
            vpc_peering_connection: Some(peering_out(&who, &c.peerings[outcome_id(o)], now)),
        })
    }

    fn accept_vpc_peering_connection(
        &self,
        ctx: &mut Ctx,
        input: w::AcceptVpcPeeringConnectionRequest,
    ) -> Result<w::AcceptVpcPeeringConnectionResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::AnswerVpcPeeringConnection {
            peering_id: input.vpc_peering_connection_id,
            accept: true,
        };
        let who = ctx.caller();
        let now = self.engine.time();
        self.mutate(ctx, command, |c, o| w::AcceptVpcPeeringConnectionResult {
            vpc_peering_connection: Some(peering_out(&who, &c.peerings[outcome_id(o)], now)),
        })
    }

    fn reject_vpc_peering_connection(
        &self,
        ctx: &mut Ctx,
        input: w::RejectVpcPeeringConnectionRequest,
    ) -> Result<w::RejectVpcPeeringConnectionResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::AnswerVpcPeeringConnection {
            peering_id: input.vpc_peering_connection_id,
            accept: false,
        };
        self.mutate(ctx, command, |_, _| w::RejectVpcPeeringConnectionResult {
            r#return: Some(true),
        })
    }

    fn delete_vpc_peering_connection(
        &self,
        ctx: &mut Ctx,
        input: w::DeleteVpcPeeringConnectionRequest,
    ) -> Result<w::DeleteVpcPeeringConnectionResult, ApiError> {
        dry_run(input.dry_run)?;
        let command = Command::DeleteVpcPeeringConnection {
            peering_id: input.vpc_peering_connection_id,
        };
        self.mutate(ctx, command, |_, _| w::DeleteVpcPeeringConnectionResult {
            r#return: Some(true),
        })
    }

    fn describe_vpc_peering_connections(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeVpcPeeringConnectionsRequest,
    ) -> Result<w::DescribeVpcPeeringConnectionsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
        let ids = input.vpc_peering_connection_ids.unwrap_or_default();
        let now = self.engine.time();
        self.query(ctx, |c, who| {
            let (found, next) = c.describe_peerings(who, now, &ids, &filters, &page)?;
            Ok(w::DescribeVpcPeeringConnectionsResult {
                vpc_peering_connections: Some(
                    found
                        .into_iter()
                        .map(|p| peering_out(who, p, now))
                        .collect(),
                ),
                next_token: next,
            })
        })
    }

    fn describe_stale_security_groups(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeStaleSecurityGroupsRequest,
    ) -> Result<w::DescribeStaleSecurityGroupsResult, ApiError> {
        dry_run(input.dry_run)?;
        let page = page(input.max_results, input.next_token, (5, 255))?;
        let now = self.engine.time();
        self.query(ctx, |c, who| {
            let (groups, next) = c.stale_groups(who, &input.vpc_id, now, &page)?;
            Ok(w::DescribeStaleSecurityGroupsResult {
                stale_security_group_set: Some(
                    groups
                        .into_iter()
                        .map(|(g, stale)| {
                            let side = |egress: bool| {
                                stale
                                    .iter()
                                    .filter(|s| s.rule.egress == egress)
                                    .map(stale_permission_out)
                                    .collect()
                            };
                            w::StaleSecurityGroup {
                                description: owned(&g.description),
                                group_id: owned(&g.id),
                                group_name: owned(&g.name),
                                stale_ip_permissions: Some(side(false)),
                                stale_ip_permissions_egress: Some(side(true)),
                                vpc_id: owned(&g.vpc_id),
                            }
                        })
                        .collect(),
                ),
                next_token: next,
            })
        })
    }

    fn describe_security_group_references(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeSecurityGroupReferencesRequest,
    ) -> Result<w::DescribeSecurityGroupReferencesResult, ApiError> {
        dry_run(input.dry_run)?;
        self.query(ctx, |c, who| {
            let refs = c.group_references(who, &input.group_id)?;
            Ok(w::DescribeSecurityGroupReferencesResult {
                security_group_reference_set: Some(
                    refs.into_iter()
                        .map(|r| w::SecurityGroupReference {
                            group_id: Some(r.group_id),
                            referencing_vpc_id: Some(r.referencing_vpc_id),
                            vpc_peering_connection_id: Some(r.vpc_peering_connection_id),
                            transit_gateway_id: None,
                        })
                        .collect(),
                ),
            })
        })
    }

    fn describe_route_tables(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeRouteTablesRequest,
    ) -> Result<w::DescribeRouteTablesResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, (5, 100))?;
        let ids = input.route_table_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (tables, next) = c.describe_route_tables(who, &ids, &filters, &page)?;
            Ok(w::DescribeRouteTablesResult {
                route_tables: Some(tables.into_iter().map(|r| route_table_out(c, r)).collect()),
                next_token: next,
            })
        })
    }

    fn describe_network_acls(
        &self,
        ctx: &mut Ctx,
        input: w::DescribeNetworkAclsRequest,
    ) -> Result<w::DescribeNetworkAclsResult, ApiError> {
        dry_run(input.dry_run)?;
        let filters = filters(input.filters)?;
        let page = page(input.max_results, input.next_token, (5, 100))?;
        let ids = input.network_acl_ids.unwrap_or_default();
        self.query(ctx, |c, who| {
            let (acls, next) = c.describe_network_acls(who, &ids, &filters, &page)?;
            Ok(w::DescribeNetworkAclsResult {
                network_acls: Some(acls.into_iter().map(network_acl_out).collect()),
                next_token: next,
            })
        })
    }

    handlers! {
        gateways::create_internet_gateway(CreateInternetGatewayRequest) -> w::CreateInternetGatewayResult;
        gateways::attach_internet_gateway(AttachInternetGatewayRequest) -> ();
        gateways::detach_internet_gateway(DetachInternetGatewayRequest) -> ();
        gateways::delete_internet_gateway(DeleteInternetGatewayRequest) -> ();
        gateways::describe_internet_gateways(DescribeInternetGatewaysRequest) -> w::DescribeInternetGatewaysResult;
        gateways::create_egress_only_internet_gateway(CreateEgressOnlyInternetGatewayRequest) -> w::CreateEgressOnlyInternetGatewayResult;
        gateways::delete_egress_only_internet_gateway(DeleteEgressOnlyInternetGatewayRequest) -> w::DeleteEgressOnlyInternetGatewayResult;
        gateways::describe_egress_only_internet_gateways(DescribeEgressOnlyInternetGatewaysRequest) -> w::DescribeEgressOnlyInternetGatewaysResult;
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
