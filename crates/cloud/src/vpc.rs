//! VPCs with what comes with each (default security group, main route table, default network
//! ACL), the lazily created default VPC, and the route-table and ACL reads Terraform makes.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::group::{allow_all, ANY_IPV4, ANY_IPV6};
use crate::ipv6::ipv6_filter_values;
use crate::model::*;
use crate::{regions, Caller, Cloud, Ids, Listed, Outcome, Page, Paged, Scope, VpcAttribute};
use ipnet::Ipv4Net;
use std::collections::{BTreeSet, HashMap};

const DEFAULT_VPC_CIDR: &str = "172.31.0.0/16";

impl Filterable for Vpc {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "vpc-id" => vec![self.id.clone()],
            "cidr" => vec![self.cidr.to_string()],
            "cidr-block-association.cidr-block" => {
                self.ipv4_blocks().map(|b| b.to_string()).collect()
            }
            "cidr-block-association.association-id" => std::iter::once(&self.cidr_association_id)
                .chain(self.secondary_cidrs.iter().map(|b| &b.association_id))
                .cloned()
                .collect(),
            "cidr-block-association.state" => vec!["associated".into()],
            "state" => vec!["available".into()],
            "dhcp-options-id" => vec![self.dhcp_options_id.clone()],
            // EC2 also takes the older camel-case name.
            "is-default" | "isDefault" => vec![self.is_default.to_string()],
            "owner-id" => vec![self.owner.clone()],
            _ => return ipv6_filter_values(&self.ipv6, name),
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

pub const VPC_FILTERS: &[&str] = &[
    "vpc-id",
    "isDefault",
    "cidr",
    "cidr-block-association.cidr-block",
    "cidr-block-association.association-id",
    "cidr-block-association.state",
    "state",
    "dhcp-options-id",
    "is-default",
    "owner-id",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
    "ipv6-cidr-block-association.ipv6-pool",
];

impl Listed for Vpc {
    const ID_FILTER: &'static str = "vpc-id";
    fn id(&self) -> &String {
        &self.id
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
    fn all(cloud: &Cloud) -> &HashMap<String, Self> {
        &cloud.vpcs
    }
    fn owned_by(scope: &Scope) -> &BTreeSet<Id> {
        &scope.vpcs
    }
    fn visible<'a>(cloud: &'a Cloud, c: &Caller, id: &str) -> Result<&'a Self> {
        cloud.visible_vpc(c, id)
    }
    fn seen_by(cloud: &Cloud, c: &Caller, x: &Self) -> bool {
        cloud.sees_vpc(c, x)
    }
    fn values(_: &Cloud, x: &Self, filter: &str) -> Option<Vec<String>> {
        x.filter_values(filter)
    }
}

impl Cloud {
    pub(crate) fn open_region(&mut self, c: &Caller, ids: &mut Ids) -> Result<Outcome> {
        if self.region_opened(&c.account, &c.region) {
            return Ok(Outcome::Done);
        }
        self.scope_mut(&c.account, &c.region).opened = true;
        self.publish_aws_prefix_lists(&c.region);
        let out = self.build_default_vpc(c, ids)?;
        // Drawn after the default VPC's ids, so those stay what they always were.
        let dhcp = self.create_default_dhcp_options(c, ids);
        if let Outcome::Id(vpc) = &out {
            if let Some(v) = self.vpcs.get_mut(vpc) {
                v.dhcp_options_id = dhcp;
            }
        }
        Ok(out)
    }

    pub(crate) fn create_default_vpc(&mut self, c: &Caller, ids: &mut Ids) -> Result<Outcome> {
        if self
            .scope(&c.account, &c.region)
            .is_some_and(|s| s.default_vpc.is_some())
        {
            return Err(Error::new(
                "DefaultVpcAlreadyExists",
                "A Default VPC already exists for this account in this region.",
            ));
        }
        self.check_vpc_quota(c)?;
        self.build_default_vpc(c, ids)
    }

    fn build_default_vpc(&mut self, c: &Caller, ids: &mut Ids) -> Result<Outcome> {
        let cidr: Ipv4Net = DEFAULT_VPC_CIDR.parse().expect("constant CIDR");
        let vpc_id = self.insert_vpc(c, ids, cidr, true, "default".into(), &[], false);
        let subnets = cidr.subnets(20).expect("/16 splits into /20s");
        for ((zone, zone_id), block) in regions::zones(&c.region).into_iter().zip(subnets) {
            let id = ids.id("subnet");
            self.insert_subnet(Subnet {
                id,
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: vpc_id.clone(),
                cidr: Some(block),
                availability_zone: zone,
                availability_zone_id: zone_id,
                default_for_az: true,
                map_public_ip_on_launch: true,
                assign_ipv6_address_on_creation: false,
                enable_dns64: false,
                enable_resource_name_dns_a_record: false,
                hostname_type: "ip-name".into(),
                enable_resource_name_dns_aaaa_record: false,
                used: Default::default(),
                tags: vec![],
                ipv6: None,
            });
        }
        // A default VPC comes with its internet gateway attached, and a route to it.
        let gateway = ids.id("igw");
        let main = self.vpcs[&vpc_id].main_route_table_id.clone();
        if let Some(t) = self.route_tables.get_mut(&main) {
            t.routes.push(crate::routes::Route {
                destination: crate::routes::Destination::Cidr(
                    "0.0.0.0/0".parse().expect("constant CIDR"),
                ),
                target: crate::routes::Target::Gateway(gateway.clone()),
            });
        }
        self.internet_gateways.insert(
            gateway.clone(),
            crate::gateways::InternetGateway {
                id: gateway,
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: Some(vpc_id.clone()),
                tags: Vec::new(),
            },
        );
        self.scope_mut(&c.account, &c.region).default_vpc = Some(vpc_id.clone());
        Ok(Outcome::Id(vpc_id))
    }

    fn check_vpc_quota(&self, c: &Caller) -> Result<()> {
        let count = self
            .scope(&c.account, &c.region)
            .map_or(0, |s| s.vpcs.len());
        if count >= self.limits.vpcs_per_region {
            return Err(Error::new(
                "VpcLimitExceeded",
                "The maximum number of VPCs has been reached.",
            ));
        }
        Ok(())
    }

    pub(crate) fn create_vpc(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        cidr: Ipv4Net,
        tenancy: Option<String>,
        tags: &[Tag],
        amazon_ipv6: bool,
    ) -> Result<Outcome> {
        if !(16..=28).contains(&cidr.prefix_len()) {
            return Err(Error::new(
                "InvalidVpc.Range",
                format!("The CIDR '{cidr}' is invalid."),
            ));
        }
        let tenancy = tenancy.unwrap_or_else(|| "default".into());
        if !matches!(tenancy.as_str(), "default" | "dedicated") {
            return Err(Error::invalid_value(format!(
                "Value ({tenancy}) for parameter instanceTenancy is invalid."
            )));
        }
        self.check_vpc_quota(c)?;
        let id = self.insert_vpc(c, ids, cidr, false, tenancy, tags, amazon_ipv6);
        Ok(Outcome::Id(id))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_vpc(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        cidr: Ipv4Net,
        is_default: bool,
        tenancy: String,
        tags: &[Tag],
        amazon_ipv6: bool,
    ) -> String {
        let vpc_id = ids.id("vpc");
        let group_id = ids.id("sg");
        let rt_id = ids.id("rtb");
        let acl_id = ids.id("acl");
        let vpc = Vpc {
            id: vpc_id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            cidr,
            cidr_association_id: ids.id("vpc-cidr-assoc"),
            is_default,
            instance_tenancy: tenancy,
            // The draw is kept so that the ids after it stay what they always were.
            dhcp_options_id: {
                let _ = ids.hex(17);
                self.dhcp_options_for_new_vpc(c)
            },
            enable_dns_support: true,
            enable_dns_hostnames: is_default,
            enable_network_address_usage_metrics: false,
            default_group_id: group_id.clone(),
            main_route_table_id: rt_id.clone(),
            default_acl_id: acl_id.clone(),
            tags: tags.to_vec(),
            ipv6: None,
            secondary_cidrs: Vec::new(),
        };
        self.vpcs.insert(vpc_id.clone(), vpc);
        self.scope_mut(&c.account, &c.region)
            .vpcs
            .insert(vpc_id.as_str().into());
        self.route_tables.insert(
            rt_id.clone(),
            RouteTable {
                id: rt_id,
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: vpc_id.clone(),
                main_association_id: ids.id("rtbassoc"),
                tags: vec![],
                routes: Vec::new(),
                associations: Vec::new(),
                gateway_associations: Vec::new(),
                propagating_vgws: Vec::new(),
            },
        );
        self.network_acls.insert(
            acl_id.clone(),
            NetworkAcl {
                id: acl_id,
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: vpc_id.clone(),
                tags: vec![],
                entries: None,
                associations: Vec::new(),
            },
        );
        // The default group lets members talk to each other and anything out.
        let self_peer = Peer::group(group_id.as_str().into(), c.account.as_str().into(), None);
        let ingress = vec![allow_all(self_peer, false, ids.id("sgr"))];
        let mut egress = vec![allow_all(Peer::Cidr4(ANY_IPV4), true, ids.id("sgr"))];
        // Drawn last, so the ids of VPCs without IPv6 stay what they always were.
        if amazon_ipv6 {
            let block = self.new_vpc_ipv6_block(ids);
            egress.push(allow_all(Peer::Cidr6(ANY_IPV6), true, ids.id("sgr")));
            self.vpcs.get_mut(&vpc_id).expect("just inserted").ipv6 = Some(block);
        }
        self.insert_group(SecurityGroup {
            id: group_id.into(),
            owner: c.account.as_str().into(),
            region: c.region.as_str().into(),
            vpc_id: vpc_id.as_str().into(),
            name: "default".into(),
            description: "default VPC security group".into(),
            ingress,
            egress,
            tags: vec![],
        });
        vpc_id
    }

    pub(crate) fn delete_vpc(&mut self, c: &Caller, id: &str) -> Result<Outcome> {
        let vpc = self.owned_vpc(c, id)?.clone();
        let has_subnets = self.subnets.values().any(|s| s.vpc_id == vpc.id);
        let has_groups = self
            .groups
            .values()
            .any(|g| g.vpc_id == vpc.id && g.id != vpc.default_group_id);
        let has_interfaces = self.interfaces.values().any(|e| e.vpc_id == vpc.id);
        let has_associations = self.group_vpcs.iter().any(|(_, v)| *v == vpc.id);
        let has_gateways = self.vpc_has_gateways(&vpc.id);
        let has_tables = self
            .route_tables
            .values()
            .any(|t| t.vpc_id == vpc.id && t.id != vpc.main_route_table_id);
        let has_acls = self.vpc_has_custom_acls(&vpc.id, &vpc.default_acl_id)
            || self.vpc_has_endpoints(&vpc.id)
            || self.vpc_has_attachments(&vpc.id);
        if has_subnets
            || has_acls
            || has_groups
            || has_interfaces
            || has_associations
            || has_gateways
            || has_tables
        {
            return Err(Error::dependency(format!(
                "The vpc '{id}' has dependencies and cannot be deleted."
            )));
        }
        self.remove_group(&vpc.default_group_id);
        self.end_peerings_of(id, &c.account);
        self.route_tables.remove(&vpc.main_route_table_id);
        self.network_acls.remove(&vpc.default_acl_id);
        self.vpcs.remove(id);
        let scope = self.scope_mut(&vpc.owner, &vpc.region);
        scope.vpcs.remove(id);
        if scope.default_vpc.as_deref() == Some(id) {
            scope.default_vpc = None;
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn modify_vpc_attribute(
        &mut self,
        c: &Caller,
        id: &str,
        attribute: VpcAttribute,
        value: bool,
    ) -> Result<Outcome> {
        let vpc = self.owned_vpc(c, id)?;
        if attribute == VpcAttribute::EnableDnsHostnames && value && !vpc.enable_dns_support {
            return Err(Error::invalid_value(
                "Cannot enable DNS hostnames without DNS support.",
            ));
        }
        if attribute == VpcAttribute::EnableDnsSupport && !value && vpc.enable_dns_hostnames {
            return Err(Error::invalid_value(
                "Cannot disable DNS support while DNS hostnames are enabled.",
            ));
        }
        let vpc = self.vpcs.get_mut(id).expect("checked above");
        match attribute {
            VpcAttribute::EnableDnsSupport => vpc.enable_dns_support = value,
            VpcAttribute::EnableDnsHostnames => vpc.enable_dns_hostnames = value,
            VpcAttribute::EnableNetworkAddressUsageMetrics => {
                vpc.enable_network_address_usage_metrics = value
            }
        }
        Ok(Outcome::Done)
    }

    /// The default VPC of the caller's Region, if it has one.
    pub fn default_vpc(&self, c: &Caller) -> Option<&Vpc> {
        self.scope(&c.account, &c.region)
            .and_then(|s| s.default_vpc.as_ref())
            .and_then(|id| self.vpcs.get(id))
    }

    pub fn describe_vpcs(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&Vpc>> {
        self.describe(c, ids, filters, VPC_FILTERS, page)
    }

    pub fn describe_route_tables(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&RouteTable>> {
        filter::validate(filters, crate::routes::ROUTE_TABLE_FILTERS)?;
        for id in ids {
            if !self
                .route_tables
                .get(id)
                .is_some_and(|r| self.sees_route_table(c, r))
            {
                return Err(Error::new(
                    "InvalidRouteTableID.NotFound",
                    format!("The routeTable ID '{id}' does not exist"),
                ));
            }
        }
        let mut found: Vec<&RouteTable> = self
            .route_tables
            .values()
            .filter(|r| self.sees_route_table(c, r))
            .filter(|r| ids.is_empty() || ids.contains(&r.id))
            .filter(|r| {
                filter::matches_with(&r.tags, filters, |name| self.route_table_values(r, name))
            })
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |r| &r.id)
    }
}
