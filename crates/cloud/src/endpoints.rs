//! VPC endpoints to AWS services. A gateway endpoint (S3, DynamoDB) adds a route to the
//! service's prefix list in each chosen route table; those routes are computed from the
//! endpoint, never stored, like the local ones. An interface endpoint puts a requester-managed
//! interface with the chosen security groups in each chosen subnet (one per zone).
//!
//! UNSURE: an interface endpoint is `pending` in the create response and `available` from the
//! next read on; a deleted endpoint is gone at once.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Attachment, Millis, NetworkInterface, Region, Subnet, Tag};
use crate::prefix_list::AWS_OWNER;
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

/// AWS's default quotas: gateway endpoints per Region, interface endpoints per VPC.
pub const GATEWAY_ENDPOINTS_PER_REGION: usize = 20;
pub const INTERFACE_ENDPOINTS_PER_VPC: usize = 50;
pub const POLICY_CHARACTERS: usize = 20_480;

/// The full-access policy an endpoint has until given another.
pub const DEFAULT_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// AWS services offered through endpoints in every Region: short name, gateway, interface.
const SERVICES: &[(&str, bool, bool)] = &[
    ("autoscaling", false, true),
    ("cloudformation", false, true),
    ("dynamodb", true, true),
    ("ec2", false, true),
    ("ec2messages", false, true),
    ("ecr.api", false, true),
    ("ecr.dkr", false, true),
    ("ecs", false, true),
    ("elasticfilesystem", false, true),
    ("elasticloadbalancing", false, true),
    ("events", false, true),
    ("execute-api", false, true),
    ("kinesis-streams", false, true),
    ("kms", false, true),
    ("lambda", false, true),
    ("logs", false, true),
    ("monitoring", false, true),
    ("rds", false, true),
    ("s3", true, true),
    ("secretsmanager", false, true),
    ("sns", false, true),
    ("sqs", false, true),
    ("ssm", false, true),
    ("ssmmessages", false, true),
    ("sts", false, true),
];

/// One endpoint service of a Region, as DescribeVpcEndpointServices lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointService {
    pub name: String,
    pub short_name: &'static str,
    pub id: String,
    /// `Gateway` and/or `Interface`.
    pub types: Vec<&'static str>,
}

impl EndpointService {
    pub fn dns_name(&self, region: &str) -> String {
        format!("{}.{region}.amazonaws.com", self.short_name)
    }
}

/// The endpoint services of a Region, by name.
pub fn endpoint_services(region: &str) -> Vec<EndpointService> {
    use sha2::{Digest, Sha256};
    SERVICES
        .iter()
        .flat_map(|&(short, gateway, interface)| {
            let name = format!("com.amazonaws.{region}.{short}");
            // S3 and DynamoDB are listed once per type, as AWS does.
            let types: Vec<Vec<&'static str>> = match (gateway, interface) {
                (true, true) => vec![vec!["Gateway"], vec!["Interface"]],
                (true, false) => vec![vec!["Gateway"]],
                _ => vec![vec!["Interface"]],
            };
            types.into_iter().map(move |types| {
                let digest = Sha256::digest(format!("{name}/{}", types[0]));
                EndpointService {
                    id: format!("vpce-svc-{}", &hex::encode(digest)[..17]),
                    name: name.clone(),
                    short_name: short,
                    types,
                }
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointKind {
    Gateway,
    Interface,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Gateway => "Gateway",
            EndpointKind::Interface => "Interface",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSubnet {
    pub subnet_id: String,
    pub interface_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub vpc_id: String,
    pub service_name: String,
    pub kind: EndpointKind,
    /// `None` while it has the default full-access policy.
    pub policy: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnets: Vec<EndpointSubnet>,
    pub group_ids: Vec<String>,
    pub private_dns: bool,
    /// Random part of its DNS names.
    pub dns_tag: String,
    pub created_at: Millis,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEndpoint {
    pub vpc_id: String,
    pub service_name: String,
    pub kind: EndpointKind,
    pub policy: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub private_dns: Option<bool>,
    pub client_token: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointChange {
    pub add_route_tables: Vec<String>,
    pub remove_route_tables: Vec<String>,
    pub add_subnets: Vec<String>,
    pub remove_subnets: Vec<String>,
    pub add_groups: Vec<String>,
    pub remove_groups: Vec<String>,
    pub policy: Option<String>,
    pub reset_policy: bool,
    pub private_dns: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointCommand {
    Create(NewEndpoint),
    Modify {
        endpoint_id: String,
        change: EndpointChange,
    },
    /// Each endpoint that can go goes; the others are reported.
    Delete {
        endpoint_ids: Vec<String>,
    },
}

pub const ENDPOINT_FILTERS: &[&str] = &[
    "ip-address-type",
    "service-name",
    "service-region",
    "vpc-id",
    "vpc-endpoint-id",
    "vpc-endpoint-state",
    "vpc-endpoint-type",
];

pub const ENDPOINT_SERVICE_FILTERS: &[&str] = &[
    "owner",
    "service-name",
    "service-region",
    "service-type",
    "supported-ip-address-types",
];

impl Filterable for VpcEndpoint {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "ip-address-type" => vec!["ipv4".into()],
            "service-name" => vec![self.service_name.clone()],
            "service-region" => vec![self.region.clone()],
            "vpc-id" => vec![self.vpc_id.clone()],
            "vpc-endpoint-id" => vec![self.id.clone()],
            "vpc-endpoint-state" => vec!["available".into()],
            "vpc-endpoint-type" => vec![self.kind.as_str().into()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn no_endpoint(id: &str) -> Error {
    Error::new(
        "InvalidVpcEndpointId.NotFound",
        format!("The VpcEndpoint Id '{id}' does not exist"),
    )
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new("InvalidParameter", message)
}

fn check_policy(text: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::new(
            "InvalidPolicyDocument",
            format!("The Policy Document is not valid. {why}"),
        )
    };
    if text.chars().count() > POLICY_CHARACTERS {
        return Err(bad(&format!(
            "It is longer than {POLICY_CHARACTERS} characters."
        )));
    }
    policy::Document::parse_as(text, policy::Kind::Resource)
        .map(|_| ())
        .map_err(|e| bad(&e))
}

impl Cloud {
    /// Only the VPC owner sees its endpoints (participants use them without seeing them).
    pub fn sees_endpoint(&self, c: &Caller, e: &VpcEndpoint) -> bool {
        c.region == e.region && c.account == e.owner
    }

    pub fn visible_endpoint(&self, c: &Caller, id: &str) -> Result<&VpcEndpoint> {
        self.endpoints
            .get(id)
            .filter(|e| self.sees_endpoint(c, e))
            .ok_or_else(|| no_endpoint(id))
    }

    /// The gateway endpoints routing through a table: (endpoint, its service's prefix list).
    pub fn endpoint_routes(&self, table_id: &str) -> Vec<(&VpcEndpoint, String)> {
        let mut out: Vec<(&VpcEndpoint, String)> = self
            .endpoints
            .values()
            .filter(|e| {
                e.kind == EndpointKind::Gateway && e.route_table_ids.iter().any(|t| t == table_id)
            })
            .filter_map(|e| Some((e, self.service_prefix_list(&e.region, &e.service_name)?)))
            .collect();
        out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        out
    }

    /// The AWS-managed prefix list of a gateway service in a Region.
    pub fn service_prefix_list(&self, region: &str, service_name: &str) -> Option<String> {
        self.scope(AWS_OWNER, region)?
            .prefix_lists
            .iter()
            .filter_map(|id| self.prefix_lists.get(id.as_str()))
            .find(|p| p.name == service_name)
            .map(|p| p.id.clone())
    }

    /// Whether a VPC has endpoints (it then cannot be deleted).
    pub(crate) fn vpc_has_endpoints(&self, vpc_id: &str) -> bool {
        self.endpoints.values().any(|e| e.vpc_id == vpc_id)
    }

    /// Gateway endpoints stop routing through a table that is deleted.
    pub(crate) fn forget_route_table_endpoints(&mut self, table_id: &str) {
        for e in self.endpoints.values_mut() {
            e.route_table_ids.retain(|t| t != table_id);
        }
    }

    fn check_endpoint_tables(
        &self,
        c: &Caller,
        endpoint: Option<&str>,
        vpc_id: &str,
        service_name: &str,
        tables: &[String],
    ) -> Result<()> {
        let prefix_list = self
            .service_prefix_list(&c.region, service_name)
            .unwrap_or_default();
        for t in tables {
            let table = self
                .route_tables
                .get(t)
                .filter(|x| self.sees_route_table(c, x))
                .ok_or_else(|| {
                    Error::new(
                        "InvalidRouteTableId.NotFound",
                        format!("The routeTable ID '{t}' does not exist"),
                    )
                })?;
            if table.owner != c.account {
                return Err(Error::unauthorized());
            }
            if table.vpc_id != vpc_id {
                return Err(invalid(format!(
                    "Route table {t} does not belong to vpc {vpc_id}"
                )));
            }
            let taken = self.endpoints.values().any(|e| {
                Some(e.id.as_str()) != endpoint
                    && e.kind == EndpointKind::Gateway
                    && e.service_name == service_name
                    && e.route_table_ids.contains(t)
            });
            if taken {
                return Err(Error::new(
                    "RouteAlreadyExists",
                    format!(
                        "route table {t} already has a route with destination-prefix-list-id {prefix_list}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The subnets of an interface endpoint: in its VPC, one per zone.
    fn check_endpoint_subnets(
        &self,
        c: &Caller,
        vpc_id: &str,
        kept: &[&Subnet],
        added: &[String],
    ) -> Result<Vec<Subnet>> {
        let mut zones: Vec<&str> = kept.iter().map(|s| s.availability_zone.as_str()).collect();
        let mut out = Vec::new();
        for id in added {
            let s = self.visible_subnet(c, id)?;
            if s.vpc_id != vpc_id {
                return Err(invalid(format!(
                    "The subnet {id} does not belong to vpc {vpc_id}"
                )));
            }
            if zones.contains(&s.availability_zone.as_str()) {
                return Err(invalid(format!(
                    "Found another VPC endpoint subnet in the availability zone of {id}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service."
                )));
            }
            zones.push(&s.availability_zone);
            out.push(s.clone());
        }
        Ok(out)
    }

    fn check_endpoint_groups(&self, c: &Caller, vpc_id: &str, groups: &[String]) -> Result<()> {
        for id in groups {
            let g = self.visible_group(c, id)?;
            if g.vpc_id != vpc_id {
                return Err(invalid(format!(
                    "The security group {id} does not belong to vpc {vpc_id}"
                )));
            }
        }
        Ok(())
    }

    /// The requester-managed interface of an interface endpoint in one subnet.
    fn endpoint_interface(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        endpoint_id: &str,
        subnet: &Subnet,
        groups: &[String],
    ) -> Result<String> {
        let ip = self.pick_address(subnet, None)?;
        let id = ids.id("eni");
        let eni = NetworkInterface {
            id: id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            availability_zone: subnet.availability_zone.clone(),
            availability_zone_id: subnet.availability_zone_id.clone(),
            description: format!("VPC Endpoint Interface {endpoint_id}"),
            private_ip: ip,
            secondary_ips: Vec::new(),
            mac: ids.mac(),
            groups: groups.to_vec(),
            source_dest_check: true,
            interface_type: "vpc_endpoint".into(),
            requester_managed: true,
            attachment: Some(Attachment {
                id: ids.id("ela-attach"),
                instance_id: String::new(),
                instance_owner: crate::nat::NAT_REQUESTER.into(),
                device_index: 1,
                attached_at: at,
                delete_on_termination: false,
                status: "attached".into(),
            }),
            tags: Vec::new(),
            ipv6_addresses: Vec::new(),
            public_ip: None,
        };
        self.insert_interface(eni);
        Ok(id)
    }

    pub(crate) fn endpoint_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &EndpointCommand,
    ) -> Result<Outcome> {
        match command {
            EndpointCommand::Create(new) => self.create_endpoint(c, ids, at, new),
            EndpointCommand::Modify {
                endpoint_id,
                change,
            } => self.modify_endpoint(c, ids, at, endpoint_id, change),
            EndpointCommand::Delete { endpoint_ids } => {
                let mut failed = Vec::new();
                for id in endpoint_ids {
                    let Some(e) = self.endpoints.get(id).filter(|e| self.sees_endpoint(c, e))
                    else {
                        let err = no_endpoint(id);
                        failed.push((id.clone(), err.code.to_string(), err.message));
                        continue;
                    };
                    let interfaces: Vec<String> =
                        e.subnets.iter().map(|s| s.interface_id.clone()).collect();
                    for eni in interfaces {
                        self.remove_interface(&eni);
                    }
                    self.endpoints.remove(id);
                }
                Ok(Outcome::Unsuccessful(failed))
            }
        }
    }

    fn create_endpoint(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        new: &NewEndpoint,
    ) -> Result<Outcome> {
        validate_tags(&new.tags)?;
        if let Some(token) = &new.client_token {
            let earlier = self.endpoints.values().find(|e| {
                e.owner == c.account
                    && e.region == c.region
                    && e.client_token.as_ref() == Some(token)
            });
            if let Some(e) = earlier {
                return Ok(Outcome::Id(e.id.clone()));
            }
        }
        let vpc = self.owned_vpc(c, &new.vpc_id)?.clone();
        let kind = new.kind.as_str();
        let service = endpoint_services(&c.region)
            .into_iter()
            .filter(|s| s.name == new.service_name)
            .reduce(|mut a, b| {
                a.types.extend(b.types);
                a
            })
            .ok_or_else(|| {
                Error::new(
                    "InvalidServiceName",
                    format!(
                        "The Vpc Endpoint Service '{}' does not exist",
                        new.service_name
                    ),
                )
            })?;
        if !service.types.contains(&kind) {
            return Err(invalid(format!(
                "Endpoint type ({kind}) does not match available service types ({:?}).",
                service.types
            )));
        }
        if let Some(p) = &new.policy {
            check_policy(p)?;
        }
        let mut groups = new.group_ids.clone();
        groups.dedup();
        let id;
        let mut endpoint;
        match new.kind {
            EndpointKind::Gateway => {
                if !new.subnet_ids.is_empty() {
                    return Err(invalid(
                        "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
                    ));
                }
                if !groups.is_empty() {
                    return Err(invalid(
                        "Security group IDs are only supported for Interface type VPC Endpoints.",
                    ));
                }
                if new.private_dns == Some(true) {
                    return Err(invalid(
                        "Private DNS can only be enabled for Interface type VPC Endpoints.",
                    ));
                }
                self.check_endpoint_tables(c, None, &vpc.id, &service.name, &new.route_table_ids)?;
                let held = self
                    .endpoints
                    .values()
                    .filter(|e| {
                        e.owner == c.account
                            && e.region == c.region
                            && e.kind == EndpointKind::Gateway
                    })
                    .count();
                if held >= GATEWAY_ENDPOINTS_PER_REGION {
                    return Err(Error::new(
                        "VpcEndpointLimitExceeded",
                        "The maximum number of gateway VPC endpoints has been reached.",
                    ));
                }
                id = ids.id("vpce");
                endpoint = self.new_endpoint(c, &id, new, &service.name, false, at, ids);
                endpoint.route_table_ids = new.route_table_ids.clone();
                endpoint.route_table_ids.dedup();
            }
            EndpointKind::Interface => {
                if !new.route_table_ids.is_empty() {
                    return Err(invalid(
                        "Route table IDs are only supported for Gateway type VPC Endpoints.",
                    ));
                }
                let private_dns = new.private_dns.unwrap_or(true);
                if private_dns && !(vpc.enable_dns_support && vpc.enable_dns_hostnames) {
                    return Err(invalid(format!(
                        "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
                        vpc.id
                    )));
                }
                let held = self
                    .endpoints
                    .values()
                    .filter(|e| e.vpc_id == vpc.id && e.kind == EndpointKind::Interface)
                    .count();
                if held >= INTERFACE_ENDPOINTS_PER_VPC {
                    return Err(Error::new(
                        "VpcEndpointLimitExceeded",
                        format!(
                            "The maximum number of interface VPC endpoints in {} has been reached.",
                            vpc.id
                        ),
                    ));
                }
                if groups.is_empty() {
                    groups.push(vpc.default_group_id.clone());
                }
                self.check_endpoint_groups(c, &vpc.id, &groups)?;
                let subnets = self.check_endpoint_subnets(c, &vpc.id, &[], &new.subnet_ids)?;
                for s in &subnets {
                    self.pick_address(s, None)?;
                }
                id = ids.id("vpce");
                endpoint = self.new_endpoint(c, &id, new, &service.name, private_dns, at, ids);
                endpoint.group_ids = groups.clone();
                for s in &subnets {
                    let eni = self.endpoint_interface(c, ids, at, &id, s, &groups)?;
                    endpoint.subnets.push(EndpointSubnet {
                        subnet_id: s.id.clone(),
                        interface_id: eni,
                    });
                }
            }
        }
        self.endpoints.insert(id.clone(), endpoint);
        Ok(Outcome::Id(id))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_endpoint(
        &self,
        c: &Caller,
        id: &str,
        new: &NewEndpoint,
        service_name: &str,
        private_dns: bool,
        at: Millis,
        ids: &mut Ids,
    ) -> VpcEndpoint {
        VpcEndpoint {
            id: id.to_string(),
            owner: c.account.clone(),
            region: c.region.clone(),
            vpc_id: new.vpc_id.clone(),
            service_name: service_name.to_string(),
            kind: new.kind,
            policy: new.policy.clone(),
            route_table_ids: Vec::new(),
            subnets: Vec::new(),
            group_ids: Vec::new(),
            private_dns,
            dns_tag: ids.hex(8),
            created_at: at,
            client_token: new.client_token.clone(),
            tags: new.tags.clone(),
        }
    }

    fn modify_endpoint(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        endpoint_id: &str,
        change: &EndpointChange,
    ) -> Result<Outcome> {
        let e = self.visible_endpoint(c, endpoint_id)?.clone();
        if let Some(p) = &change.policy {
            check_policy(p)?;
        }
        let gateway = e.kind == EndpointKind::Gateway;
        let has_subnet_change = !change.add_subnets.is_empty() || !change.remove_subnets.is_empty();
        let has_group_change = !change.add_groups.is_empty() || !change.remove_groups.is_empty();
        let has_table_change =
            !change.add_route_tables.is_empty() || !change.remove_route_tables.is_empty();
        if gateway && (has_subnet_change || has_group_change || change.private_dns == Some(true)) {
            return Err(invalid(
                "Subnets, security groups and private DNS are only supported for Interface type VPC Endpoints.",
            ));
        }
        if !gateway && has_table_change {
            return Err(invalid(
                "Route table IDs are only supported for Gateway type VPC Endpoints.",
            ));
        }
        for t in &change.remove_route_tables {
            if !e.route_table_ids.contains(t) {
                return Err(invalid(format!(
                    "Route table {t} is not associated with {endpoint_id}"
                )));
            }
        }
        self.check_endpoint_tables(
            c,
            Some(endpoint_id),
            &e.vpc_id,
            &e.service_name,
            &change.add_route_tables,
        )?;
        for s in &change.remove_subnets {
            if !e.subnets.iter().any(|x| x.subnet_id == *s) {
                return Err(invalid(format!(
                    "Subnet {s} is not associated with {endpoint_id}"
                )));
            }
        }
        let kept: Vec<&Subnet> = e
            .subnets
            .iter()
            .filter(|s| !change.remove_subnets.contains(&s.subnet_id))
            .filter_map(|s| self.subnets.get(&s.subnet_id))
            .collect();
        let added = self.check_endpoint_subnets(c, &e.vpc_id, &kept, &change.add_subnets)?;
        for s in &added {
            self.pick_address(s, None)?;
        }
        let mut groups = e.group_ids.clone();
        groups.retain(|g| !change.remove_groups.contains(g));
        for g in &change.add_groups {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
        self.check_endpoint_groups(c, &e.vpc_id, &change.add_groups)?;
        if !gateway && groups.is_empty() {
            return Err(invalid(
                "An interface VPC endpoint must have at least one security group.",
            ));
        }
        if let Some(true) = change.private_dns {
            let vpc = &self.vpcs[&e.vpc_id];
            if !(vpc.enable_dns_support && vpc.enable_dns_hostnames) {
                return Err(invalid(format!(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
                    vpc.id
                )));
            }
        }
        // Checked; now change.
        let mut subnets = e.subnets.clone();
        for gone in subnets
            .iter()
            .filter(|s| change.remove_subnets.contains(&s.subnet_id))
        {
            self.remove_interface(&gone.interface_id);
        }
        subnets.retain(|s| !change.remove_subnets.contains(&s.subnet_id));
        for s in &added {
            let eni = self.endpoint_interface(c, ids, at, endpoint_id, s, &groups)?;
            subnets.push(EndpointSubnet {
                subnet_id: s.id.clone(),
                interface_id: eni,
            });
        }
        if has_group_change {
            for s in &subnets {
                if let Some(eni) = self.interfaces.get_mut(&s.interface_id) {
                    eni.groups = groups.clone();
                }
            }
        }
        let e = self.endpoints.get_mut(endpoint_id).expect("seen");
        e.subnets = subnets;
        e.group_ids = groups;
        e.route_table_ids
            .retain(|t| !change.remove_route_tables.contains(t));
        for t in &change.add_route_tables {
            if !e.route_table_ids.contains(t) {
                e.route_table_ids.push(t.clone());
            }
        }
        if change.reset_policy {
            e.policy = None;
        } else if let Some(p) = &change.policy {
            e.policy = Some(p.clone());
        }
        if let Some(v) = change.private_dns {
            e.private_dns = v;
        }
        Ok(Outcome::Done)
    }

    pub fn describe_endpoints(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&VpcEndpoint>> {
        filter::validate(filters, ENDPOINT_FILTERS)?;
        for id in ids {
            self.visible_endpoint(c, id)?;
        }
        let mut found: Vec<&VpcEndpoint> = self
            .endpoints
            .values()
            .filter(|e| self.sees_endpoint(c, e))
            .filter(|e| ids.is_empty() || ids.contains(&e.id))
            .filter(|e| filter::matches(*e, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |e| &e.id)
    }

    /// The prefix lists of AWS services in the caller's Region (DescribePrefixLists).
    pub fn describe_service_prefix_lists(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&crate::prefix_list::PrefixList>> {
        filter::validate(filters, &["prefix-list-id", "prefix-list-name"])?;
        let lists: Vec<&crate::prefix_list::PrefixList> = self
            .scope(AWS_OWNER, &c.region)
            .map(|s| &s.prefix_lists)
            .into_iter()
            .flatten()
            .filter_map(|id| self.prefix_lists.get(id.as_str()))
            .collect();
        for id in ids {
            if !lists.iter().any(|p| p.id == *id) {
                return Err(Error::new(
                    "InvalidPrefixListID.NotFound",
                    format!("The prefix list ID '{id}' does not exist"),
                ));
            }
        }
        let found = lists
            .into_iter()
            .filter(|p| ids.is_empty() || ids.contains(&p.id))
            .filter(|p| {
                filter::matches_with(&[], filters, |name| {
                    Some(match name {
                        "prefix-list-id" => vec![p.id.clone()],
                        "prefix-list-name" => vec![p.name.clone()],
                        _ => return None,
                    })
                })
            });
        page.apply(found, |p| &p.id)
    }

    /// The Region's endpoint services, named ones only when names are given.
    pub fn describe_endpoint_services(
        &self,
        c: &Caller,
        names: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<EndpointService>> {
        filter::validate(filters, ENDPOINT_SERVICE_FILTERS)?;
        let all = endpoint_services(&c.region);
        for n in names {
            if !all.iter().any(|s| s.name == *n) {
                return Err(Error::new(
                    "InvalidServiceName",
                    format!("The Vpc Endpoint Service '{n}' does not exist"),
                ));
            }
        }
        let found: Vec<EndpointService> = all
            .into_iter()
            .filter(|s| names.is_empty() || names.contains(&s.name))
            .filter(|s| {
                filter::matches_with(&[], filters, |name| {
                    Some(match name {
                        "owner" => vec!["amazon".into()],
                        "service-name" => vec![s.name.clone()],
                        "service-region" => vec![c.region.clone()],
                        "service-type" => s.types.iter().map(|t| t.to_string()).collect(),
                        "supported-ip-address-types" => vec!["ipv4".into()],
                        _ => return None,
                    })
                })
            })
            .collect();
        // Paged by service id (names repeat for S3 and DynamoDB), in name order.
        let mut found = found;
        found.sort_by(|a, b| (a.name.as_str(), a.types[0]).cmp(&(b.name.as_str(), b.types[0])));
        let keyed: Vec<(String, EndpointService)> = found
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("{i:04}"), s))
            .collect();
        let (page, next) = page.apply_owned(keyed, |(k, _)| k)?;
        Ok((page.into_iter().map(|(_, s)| s).collect(), next))
    }
}
