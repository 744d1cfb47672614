//! Network interfaces and (minimal) instances: an instance is its primary interface plus a
//! lifecycle state.

use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::model::*;
use crate::{regions, Caller, Cloud, GroupRef, Ids, Listed, Outcome, Page, Paged, Scope};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};

/// One change made by ModifyNetworkInterfaceAttribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EniChange {
    Groups(Vec<String>),
    Description(String),
    SourceDestCheck(bool),
    DeleteOnTermination { attachment_id: String, value: bool },
}

/// An interface requested in RunInstances' `NetworkInterface.N`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LaunchInterface {
    pub device_index: i32,
    pub subnet_id: Option<String>,
    pub groups: Vec<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub description: Option<String>,
    /// `AssociatePublicIpAddress`: overrides the subnet's own choice for this interface.
    #[serde(default)]
    pub associate_public_ip: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LaunchSpec {
    pub image_id: String,
    pub instance_type: String,
    pub min_count: i32,
    pub max_count: i32,
    pub subnet_id: Option<String>,
    pub group_ids: Vec<String>,
    pub group_names: Vec<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub interfaces: Vec<LaunchInterface>,
    pub instance_tags: Vec<Tag>,
    pub interface_tags: Vec<Tag>,
    pub client_token: Option<String>,
}

/// What CreateNetworkInterface asks for.
pub(crate) struct NewInterface<'a> {
    pub subnet_id: &'a str,
    pub groups: &'a [String],
    pub description: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub secondary_ips: &'a [Ipv4Addr],
    pub secondary_count: usize,
    pub interface_type: Option<String>,
    pub tags: &'a [Tag],
    pub ipv6: &'a Ipv6Request,
}

/// The IPv6 addresses asked for: these exact ones, then `count` more drawn from the subnet's
/// block. Without a count the subnet decides (one if it assigns IPv6 on creation, else none).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ipv6Request {
    pub addresses: Vec<Ipv6Addr>,
    pub count: Option<usize>,
}

/// Most private addresses one interface may have (the smallest instance types allow fewer).
const MAX_ADDRESSES: usize = 50;

/// Most instances one RunInstances call may start here.
const MAX_LAUNCH: i32 = 50;

pub const INTERFACE_FILTERS: &[&str] = &[
    "network-interface-id",
    "subnet-id",
    "vpc-id",
    "owner-id",
    "status",
    "group-id",
    "group-name",
    "description",
    "availability-zone",
    "private-ip-address",
    "addresses.private-ip-address",
    "addresses.primary",
    "ipv6-addresses.ipv6-address",
    "private-dns-name",
    "mac-address",
    "interface-type",
    "requester-managed",
    "source-dest-check",
    "attachment.instance-id",
    "attachment.attachment-id",
    "attachment.status",
    "attachment.device-index",
    "attachment.instance-owner-id",
    "attachment.delete-on-termination",
];

pub const INSTANCE_FILTERS: &[&str] = &[
    "instance-id",
    "instance-state-name",
    "instance-state-code",
    "subnet-id",
    "vpc-id",
    "instance.group-id",
    "instance.group-name",
    "network-interface.group-id",
    "network-interface.group-name",
    "network-interface.network-interface-id",
    "network-interface.subnet-id",
    "network-interface.vpc-id",
    "private-ip-address",
    "availability-zone",
    "instance-type",
    "image-id",
    "owner-id",
    "reservation-id",
    "client-token",
];

impl Listed for NetworkInterface {
    const ID_FILTER: &'static str = "network-interface-id";
    fn id(&self) -> &String {
        &self.id
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
    fn all(cloud: &Cloud) -> &HashMap<String, Self> {
        &cloud.interfaces
    }
    fn owned_by(scope: &Scope) -> &BTreeSet<Id> {
        &scope.interfaces
    }
    fn visible<'a>(cloud: &'a Cloud, c: &Caller, id: &str) -> Result<&'a Self> {
        cloud.visible_interface(c, id)
    }
    fn seen_by(cloud: &Cloud, c: &Caller, x: &Self) -> bool {
        cloud.sees_interface(c, x)
    }
    fn values(cloud: &Cloud, x: &Self, filter: &str) -> Option<Vec<String>> {
        cloud.interface_values(x, filter)
    }
}

impl Listed for Instance {
    const ID_FILTER: &'static str = "instance-id";
    fn id(&self) -> &String {
        &self.id
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
    fn all(cloud: &Cloud) -> &HashMap<String, Self> {
        &cloud.instances
    }
    fn owned_by(scope: &Scope) -> &BTreeSet<Id> {
        &scope.instances
    }
    fn visible<'a>(cloud: &'a Cloud, c: &Caller, id: &str) -> Result<&'a Self> {
        cloud.visible_instance(c, id)
    }
    fn seen_by(cloud: &Cloud, c: &Caller, x: &Self) -> bool {
        cloud.sees_instance(c, x)
    }
    fn values(cloud: &Cloud, x: &Self, filter: &str) -> Option<Vec<String>> {
        cloud.instance_values(x, filter)
    }
}

/// Private DNS name of an address, in AWS's per-Region form.
pub fn private_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let host = format!("ip-{}", ip.to_string().replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{region}.compute.internal")
    }
}

impl Cloud {
    /// Check a set of groups for an interface of the caller's in `subnet`; returns them
    /// de-duplicated in request order. Groups in `kept` are already on the interface: they
    /// may stay even if their share has ended since.
    fn check_interface_groups(
        &self,
        c: &Caller,
        subnet: &Subnet,
        groups: &[String],
        kept: &[String],
        limit_code: &'static str,
    ) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for id in groups {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        if out.len() > self.limits.groups_per_interface {
            return Err(Error::new(
                limit_code,
                "You have exceeded the maximum number of security groups allowed per network interface.",
            ));
        }
        for id in out.iter().filter(|id| !kept.contains(id)) {
            let g = self.visible_group(c, id)?;
            if !self.group_usable_in(g, &subnet.vpc_id) {
                return Err(Error::new(
                    "InvalidParameter",
                    format!(
                        "Security group {id} and subnet {} belong to different networks.",
                        subnet.id
                    ),
                ));
            }
            if !self.may_attach_group(c, g) {
                return Err(Error::group_not_found(id));
            }
        }
        Ok(out)
    }

    /// The VPC's default group, for an interface created without groups.
    fn default_groups_for(&self, c: &Caller, subnet: &Subnet) -> Result<Vec<String>> {
        let vpc = &self.vpcs[&subnet.vpc_id];
        let g = &self.groups[vpc.default_group_id.as_str()];
        if !self.may_attach_group(c, g) {
            return Err(Error::invalid_value(format!(
                "You must specify a security group for a network interface in VPC {} that you do not own.",
                vpc.id
            )));
        }
        Ok(vec![g.id.to_string()])
    }

    fn launchable_subnet(&self, c: &Caller, id: &str) -> Result<&Subnet> {
        let s = self.visible_subnet(c, id)?;
        if !self.may_launch_into(c, s) {
            return Err(Error::subnet_not_found(id));
        }
        Ok(s)
    }

    pub(crate) fn create_interface(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        req: NewInterface<'_>,
    ) -> Result<Outcome> {
        let subnet = self.launchable_subnet(c, req.subnet_id)?;
        let groups = if req.groups.is_empty() {
            self.default_groups_for(c, subnet)?
        } else {
            self.check_interface_groups(
                c,
                subnet,
                req.groups,
                &[],
                "SecurityGroupsPerInterfaceLimitExceeded",
            )?
        };
        let interface_type = req.interface_type.unwrap_or_else(|| "interface".into());
        if !matches!(
            interface_type.as_str(),
            "interface" | "efa" | "efa-only" | "trunk" | "branch"
        ) {
            return Err(Error::invalid_value(format!(
                "Value ({interface_type}) for parameter interfaceType is invalid."
            )));
        }
        if 1 + req.secondary_ips.len() + req.secondary_count > MAX_ADDRESSES {
            return Err(Error::new(
                "PrivateIpAddressLimitExceeded",
                format!("Number of private addresses exceeds the limit of {MAX_ADDRESSES}."),
            ));
        }
        // Every address is checked against a scratch copy before anything changes.
        let mut probe = subnet.clone();
        let ip = self.pick_address(&probe, req.private_ip)?;
        probe.used.insert(ip);
        let secondary_ips =
            self.pick_addresses(&mut probe, req.secondary_ips, req.secondary_count)?;
        let id = ids.id("eni");
        let mac = ids.mac();
        // Drawn after the interface's other ids, so interfaces without IPv6 keep theirs.
        let ipv6_addresses = self.pick_ipv6(ids, subnet, req.ipv6, &[])?;
        let eni = NetworkInterface {
            id: id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            availability_zone: subnet.availability_zone.clone(),
            availability_zone_id: subnet.availability_zone_id.clone(),
            description: req.description.unwrap_or_default(),
            private_ip: ip,
            secondary_ips,
            mac,
            groups,
            source_dest_check: true,
            interface_type,
            requester_managed: false,
            attachment: None,
            tags: req.tags.to_vec(),
            ipv6_addresses,
            public_ip: None,
        };
        self.insert_interface(eni);
        Ok(Outcome::Id(id))
    }

    pub(crate) fn insert_interface(&mut self, eni: NetworkInterface) {
        if let Some(s) = self.subnets.get_mut(&eni.subnet_id) {
            s.used.insert(eni.private_ip);
            s.used.extend(eni.secondary_ips.iter().copied());
        }
        self.scope_mut(&eni.owner, &eni.region)
            .interfaces
            .insert(eni.id.as_str().into());
        self.note_guest(
            &eni.owner,
            &eni.vpc_id,
            &eni.id,
            |s| &mut s.interfaces,
            true,
        );
        self.interfaces.insert(eni.id.clone(), eni);
    }

    pub(crate) fn remove_interface(&mut self, id: &str) {
        if let Some(eni) = self.interfaces.remove(id) {
            if let Some(s) = self.subnets.get_mut(&eni.subnet_id) {
                s.used.remove(&eni.private_ip);
                for ip in &eni.secondary_ips {
                    s.used.remove(ip);
                }
            }
            self.scope_mut(&eni.owner, &eni.region)
                .interfaces
                .remove(id);
            self.note_guest(&eni.owner, &eni.vpc_id, id, |s| &mut s.interfaces, false);
        }
    }

    pub(crate) fn assign_private_ips(
        &mut self,
        c: &Caller,
        interface_id: &str,
        wanted: &[Ipv4Addr],
        count: usize,
    ) -> Result<Outcome> {
        let eni = self.owned_interface(c, interface_id)?;
        if wanted.is_empty() && count == 0 {
            return Err(Error::missing(
                "PrivateIpAddresses or SecondaryPrivateIpAddressCount",
            ));
        }
        if 1 + eni.secondary_ips.len() + wanted.len() + count > MAX_ADDRESSES {
            return Err(Error::new(
                "PrivateIpAddressLimitExceeded",
                format!("Number of private addresses exceeds the limit of {MAX_ADDRESSES}."),
            ));
        }
        let mut probe = self.subnets[&eni.subnet_id].clone();
        let added = self.pick_addresses(&mut probe, wanted, count)?;
        let subnet_id = eni.subnet_id.clone();
        if let Some(s) = self.subnets.get_mut(&subnet_id) {
            s.used.extend(added.iter().copied());
        }
        self.interfaces
            .get_mut(interface_id)
            .expect("checked above")
            .secondary_ips
            .extend(added.iter().copied());
        Ok(Outcome::PrivateIps(added))
    }

    pub(crate) fn unassign_private_ips(
        &mut self,
        c: &Caller,
        interface_id: &str,
        addresses: &[Ipv4Addr],
    ) -> Result<Outcome> {
        let eni = self.owned_interface(c, interface_id)?;
        if addresses.is_empty() {
            return Err(Error::missing("PrivateIpAddress"));
        }
        if addresses.iter().any(|a| !eni.secondary_ips.contains(a)) {
            return Err(Error::invalid_value(format!(
                "Some of the specified addresses are not assigned to interface {interface_id}"
            )));
        }
        let subnet_id = eni.subnet_id.clone();
        if let Some(s) = self.subnets.get_mut(&subnet_id) {
            for a in addresses {
                s.used.remove(a);
            }
        }
        self.interfaces
            .get_mut(interface_id)
            .expect("checked above")
            .secondary_ips
            .retain(|a| !addresses.contains(a));
        Ok(Outcome::Done)
    }

    pub(crate) fn modify_interface(
        &mut self,
        c: &Caller,
        id: &str,
        change: &EniChange,
    ) -> Result<Outcome> {
        let eni = self.owned_interface(c, id)?;
        let change = match change {
            EniChange::Groups(groups) => {
                if groups.is_empty() {
                    return Err(Error::missing("SecurityGroupId"));
                }
                let subnet = &self.subnets[&eni.subnet_id];
                EniChange::Groups(self.check_interface_groups(
                    c,
                    subnet,
                    groups,
                    &eni.groups,
                    "SecurityGroupsPerInterfaceLimitExceeded",
                )?)
            }
            EniChange::DeleteOnTermination {
                attachment_id,
                value,
            } => {
                if eni.attachment.as_ref().map(|a| &a.id) != Some(attachment_id) {
                    return Err(Error::new(
                        "InvalidAttachmentID.NotFound",
                        format!("The attachment ID '{attachment_id}' does not exist"),
                    ));
                }
                EniChange::DeleteOnTermination {
                    attachment_id: attachment_id.clone(),
                    value: *value,
                }
            }
            other => other.clone(),
        };
        let eni = self.interfaces.get_mut(id).expect("checked above");
        match change {
            EniChange::Groups(g) => eni.groups = g,
            EniChange::Description(d) => eni.description = d,
            EniChange::SourceDestCheck(v) => eni.source_dest_check = v,
            EniChange::DeleteOnTermination { value, .. } => {
                if let Some(a) = eni.attachment.as_mut() {
                    a.delete_on_termination = value;
                }
            }
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn delete_interface(&mut self, c: &Caller, id: &str) -> Result<Outcome> {
        let eni = self.owned_interface(c, id)?;
        if eni.attachment.is_some() {
            return Err(Error::invalid_value(format!(
                "Network interface '{id}' is currently in use."
            )));
        }
        self.remove_interface(id);
        Ok(Outcome::Done)
    }

    pub(crate) fn run_instances(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        spec: &LaunchSpec,
    ) -> Result<Outcome> {
        if spec.min_count < 1 || spec.max_count < spec.min_count {
            return Err(Error::invalid_value(format!(
                "Value ({}) for parameter minCount is invalid. Expected a value between 1 and maxCount ({}).",
                spec.min_count, spec.max_count
            )));
        }
        if spec.max_count > MAX_LAUNCH {
            return Err(Error::new(
                "InstanceLimitExceeded",
                format!("You have requested more instances ({}) than your current instance limit of {MAX_LAUNCH} allows for the specified instance type.", spec.max_count),
            ));
        }
        if !spec.image_id.starts_with("ami-") {
            return Err(Error::new(
                "InvalidAMIID.Malformed",
                format!("Invalid id: \"{}\" (expecting \"ami-...\")", spec.image_id),
            ));
        }
        if !spec.interfaces.is_empty() && spec.subnet_id.is_some() {
            return Err(Error::new(
                "InvalidParameterCombination",
                "Network interfaces and an instance-level subnet ID may not be specified on the same request",
            ));
        }
        if !spec.interfaces.is_empty()
            && (!spec.group_ids.is_empty() || !spec.group_names.is_empty())
        {
            return Err(Error::new(
                "InvalidParameterCombination",
                "Network interfaces and an instance-level security groups may not be specified on the same request",
            ));
        }
        if !spec.group_names.is_empty() && spec.subnet_id.is_some() {
            return Err(Error::new(
                "InvalidParameterCombination",
                "The parameter groupName cannot be used with the parameter subnet",
            ));
        }
        let primary = spec.interfaces.iter().find(|i| i.device_index == 0);
        let subnet_id = match (&spec.subnet_id, primary.and_then(|p| p.subnet_id.clone())) {
            (Some(s), _) => s.clone(),
            (None, Some(s)) => s,
            (None, None) => {
                let vpc = self.default_vpc(c).ok_or_else(|| {
                    Error::new("VPCIdNotSpecified", "No default VPC for this user")
                })?;
                let mut defaults: Vec<&Subnet> = self
                    .subnets
                    .values()
                    .filter(|s| s.vpc_id == vpc.id && s.default_for_az)
                    .collect();
                defaults.sort_by(|a, b| a.availability_zone.cmp(&b.availability_zone));
                defaults.first().map(|s| s.id.clone()).ok_or_else(|| {
                    Error::new("MissingInput", "No subnets found for the default VPC")
                })?
            }
        };
        let subnet = self.launchable_subnet(c, &subnet_id)?;
        let mut requested: Vec<String> = match primary {
            Some(p) => p.groups.clone(),
            None => spec.group_ids.clone(),
        };
        for name in &spec.group_names {
            requested.push(
                self.resolve_group(c, &GroupRef::Name(name.clone()))?
                    .id
                    .to_string(),
            );
        }
        let groups = if requested.is_empty() {
            self.default_groups_for(c, subnet)?
        } else {
            self.check_interface_groups(
                c,
                subnet,
                &requested,
                &[],
                "SecurityGroupsPerInstanceLimitExceeded",
            )?
        };
        let private_ip = spec.private_ip.or(primary.and_then(|p| p.private_ip));
        if private_ip.is_some() && spec.max_count > 1 {
            return Err(Error::new(
                "InvalidParameterCombination",
                "Cannot specify a private IP address when launching more than one instance",
            ));
        }
        // Check every address before creating anything, so a launch is all or nothing.
        let mut planned: Vec<Ipv4Addr> = Vec::new();
        let mut probe = subnet.clone();
        for _ in 0..spec.max_count {
            match self.pick_address(&probe, private_ip) {
                Ok(ip) => {
                    probe.used.insert(ip);
                    planned.push(ip);
                }
                Err(e) if planned.len() < spec.min_count as usize => return Err(e),
                Err(_) => break,
            }
        }
        let subnet = subnet.clone();
        // A public address on the primary interface: as asked, else as the subnet maps them.
        let wants_public_ip = primary
            .and_then(|p| p.associate_public_ip)
            .unwrap_or(subnet.map_public_ip_on_launch);
        let reservation = ids.id("r");
        let description = primary
            .and_then(|p| p.description.clone())
            .unwrap_or_default();
        for (index, ip) in planned.into_iter().enumerate() {
            let instance_id = ids.id("i");
            let eni_id = ids.id("eni");
            let attachment = Attachment {
                id: ids.id("eni-attach"),
                instance_id: instance_id.clone(),
                instance_owner: c.account.clone(),
                device_index: 0,
                attached_at: at,
                delete_on_termination: true,
                status: "attached".into(),
            };
            let mac = ids.mac();
            // Only a subnet that assigns IPv6 on creation gives one here; such a subnet always
            // has a block with room, so this cannot fail half-way through a launch.
            let ipv6_addresses = self
                .pick_ipv6(ids, &subnet, &Ipv6Request::default(), &[])
                .unwrap_or_default();
            self.insert_interface(NetworkInterface {
                id: eni_id.clone(),
                owner: c.account.clone(),
                region: c.region.clone(),
                subnet_id: subnet.id.clone(),
                vpc_id: subnet.vpc_id.clone(),
                availability_zone: subnet.availability_zone.clone(),
                availability_zone_id: subnet.availability_zone_id.clone(),
                description: description.clone(),
                private_ip: ip,
                secondary_ips: vec![],
                mac,
                groups: groups.clone(),
                source_dest_check: true,
                interface_type: "interface".into(),
                requester_managed: false,
                attachment: Some(attachment),
                tags: spec.interface_tags.clone(),
                ipv6_addresses,
                public_ip: None,
            });
            if wants_public_ip {
                let hint = u32::from_str_radix(&eni_id[4..12], 16).unwrap_or(0);
                let public = self.free_public_ip(hint);
                if let Some(e) = self.interfaces.get_mut(&eni_id) {
                    e.public_ip = public;
                }
            }
            self.scope_mut(&c.account, &c.region)
                .instances
                .insert(instance_id.as_str().into());
            self.note_guest(
                &c.account,
                &subnet.vpc_id,
                &instance_id,
                |s| &mut s.instances,
                true,
            );
            self.instances.insert(
                instance_id.clone(),
                Instance {
                    id: instance_id,
                    owner: c.account.clone(),
                    region: c.region.clone(),
                    reservation_id: reservation.clone(),
                    image_id: spec.image_id.clone(),
                    instance_type: spec.instance_type.clone(),
                    subnet_id: subnet.id.clone(),
                    vpc_id: subnet.vpc_id.clone(),
                    availability_zone: subnet.availability_zone.clone(),
                    private_ip: ip,
                    network_interface_ids: vec![eni_id],
                    state: InstanceState::Running,
                    launched_at: at,
                    ami_launch_index: index as i32,
                    client_token: spec.client_token.clone(),
                    tags: spec.instance_tags.clone(),
                },
            );
        }
        Ok(Outcome::Reservation(reservation))
    }

    pub(crate) fn terminate_instances(&mut self, c: &Caller, ids: &[String]) -> Result<Outcome> {
        for id in ids {
            let i = self.visible_instance(c, id)?;
            if !self.may_modify(c, &i.owner, &i.region) {
                return Err(Error::unauthorized());
            }
        }
        let mut changes = Vec::new();
        for id in ids {
            let i = self.instances.get_mut(id).expect("checked above");
            let previous = i.state;
            i.state = InstanceState::Terminated;
            let enis = std::mem::take(&mut i.network_interface_ids);
            changes.push((id.clone(), previous, InstanceState::Terminated));
            for eni_id in enis {
                let delete = self
                    .interfaces
                    .get(&eni_id)
                    .and_then(|e| e.attachment.as_ref())
                    .is_some_and(|a| a.delete_on_termination);
                if delete {
                    self.remove_interface(&eni_id);
                } else if let Some(e) = self.interfaces.get_mut(&eni_id) {
                    e.attachment = None;
                }
            }
        }
        Ok(Outcome::Terminated(changes))
    }

    fn interface_values(&self, e: &NetworkInterface, name: &str) -> Option<Vec<String>> {
        let a = e.attachment.as_ref();
        Some(match name {
            "network-interface-id" => vec![e.id.clone()],
            "subnet-id" => vec![e.subnet_id.clone()],
            "vpc-id" => vec![e.vpc_id.clone()],
            "owner-id" => vec![e.owner.clone()],
            "status" => vec![e.status().into()],
            "group-id" => e.groups.clone(),
            "group-name" => e
                .groups
                .iter()
                .filter_map(|g| self.groups.get(g.as_str()))
                .map(|g| g.name.to_string())
                .collect(),
            "description" => vec![e.description.clone()],
            "availability-zone" => vec![e.availability_zone.clone()],
            "private-ip-address" => vec![e.private_ip.to_string()],
            "ipv6-addresses.ipv6-address" => {
                e.ipv6_addresses.iter().map(ToString::to_string).collect()
            }
            "addresses.private-ip-address" => std::iter::once(&e.private_ip)
                .chain(&e.secondary_ips)
                .map(|ip| ip.to_string())
                .collect(),
            "addresses.primary" => std::iter::once("true")
                .chain(e.secondary_ips.iter().map(|_| "false"))
                .map(str::to_string)
                .collect(),
            "private-dns-name" => vec![private_dns_name(&e.region, e.private_ip)],
            "mac-address" => vec![e.mac.clone()],
            "interface-type" => vec![e.interface_type.clone()],
            "requester-managed" => vec![e.requester_managed.to_string()],
            "source-dest-check" => vec![e.source_dest_check.to_string()],
            "attachment.instance-id" => a.map(|a| a.instance_id.clone()).into_iter().collect(),
            "attachment.attachment-id" => a.map(|a| a.id.clone()).into_iter().collect(),
            "attachment.status" => a.map(|a| a.status.clone()).into_iter().collect(),
            "attachment.device-index" => {
                a.map(|a| a.device_index.to_string()).into_iter().collect()
            }
            "attachment.instance-owner-id" => {
                a.map(|a| a.instance_owner.clone()).into_iter().collect()
            }
            "attachment.delete-on-termination" => a
                .map(|a| a.delete_on_termination.to_string())
                .into_iter()
                .collect(),
            _ => return None,
        })
    }

    pub fn describe_interfaces(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&NetworkInterface>> {
        self.describe(c, ids, filters, INTERFACE_FILTERS, page)
    }

    /// The groups an instance carries: those of its primary interface.
    pub fn instance_groups(&self, i: &Instance) -> Vec<&SecurityGroup> {
        i.network_interface_ids
            .first()
            .and_then(|id| self.interfaces.get(id))
            .map(|e| {
                e.groups
                    .iter()
                    .filter_map(|g| self.groups.get(g.as_str()).map(Box::as_ref))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn instance_values(&self, i: &Instance, name: &str) -> Option<Vec<String>> {
        let enis: Vec<&NetworkInterface> = i
            .network_interface_ids
            .iter()
            .filter_map(|id| self.interfaces.get(id))
            .collect();
        let groups = self.instance_groups(i);
        Some(match name {
            "instance-id" => vec![i.id.clone()],
            "instance-state-name" => vec![i.state.name().into()],
            "instance-state-code" => vec![i.state.code().to_string()],
            "subnet-id" | "network-interface.subnet-id" => vec![i.subnet_id.clone()],
            "vpc-id" | "network-interface.vpc-id" => vec![i.vpc_id.clone()],
            "instance.group-id" | "network-interface.group-id" => {
                groups.iter().map(|g| g.id.to_string()).collect()
            }
            "instance.group-name" | "network-interface.group-name" => {
                groups.iter().map(|g| g.name.to_string()).collect()
            }
            "network-interface.network-interface-id" => enis.iter().map(|e| e.id.clone()).collect(),
            "private-ip-address" => vec![i.private_ip.to_string()],
            "availability-zone" => vec![i.availability_zone.clone()],
            "instance-type" => vec![i.instance_type.clone()],
            "image-id" => vec![i.image_id.clone()],
            "owner-id" => vec![i.owner.clone()],
            "reservation-id" => vec![i.reservation_id.clone()],
            "client-token" => i.client_token.clone().into_iter().collect(),
            _ => return None,
        })
    }

    pub fn describe_instances(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&Instance>> {
        self.describe(c, ids, filters, INSTANCE_FILTERS, page)
    }

    /// Zones of the caller's Region (every account sees the same names and ids).
    pub fn zones(&self, c: &Caller) -> Vec<(String, String)> {
        regions::zones(&c.region)
    }
}
