//! Transit gateways and their VPC attachments: a Regional hub that VPCs attach to through an
//! interface in one subnet per zone. The owner shares a gateway through RAM
//! (`ec2:TransitGateway`); participants then attach their own VPCs, which the owner accepts
//! unless the gateway accepts shared attachments automatically. Route tables, associations,
//! propagations and routes are in `transit_routes`.
//!
//! UNSURE: a gateway is `pending` in the create response and `available` from the next read on;
//! a deleted gateway is gone at once. Deleted and rejected attachments stay described for two
//! hours (AWS documents that, and Terraform waits for `deleted`).

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Attachment, Millis, NetworkInterface, Region, Tag};
use crate::tags::validate_tags;
use crate::transit_routes::TgwRouteTable;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

pub use crate::transit_attachments::*;

/// AWS's default quotas.
pub const TRANSIT_GATEWAYS_PER_REGION: usize = 5;
pub const TRANSIT_GATEWAYS_PER_VPC: usize = 5;
pub const TRANSIT_GATEWAY_CIDR_BLOCKS: usize = 5;
/// How long deleted and rejected attachments stay described.
pub const ATTACHMENT_LINGER_MS: Millis = 2 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwOptions {
    pub amazon_side_asn: i64,
    pub auto_accept_shared_attachments: bool,
    pub default_route_table_association: bool,
    pub default_route_table_propagation: bool,
    pub vpn_ecmp_support: bool,
    pub dns_support: bool,
    pub security_group_referencing_support: bool,
    pub multicast_support: bool,
    pub cidr_blocks: Vec<String>,
}

impl Default for TgwOptions {
    fn default() -> Self {
        TgwOptions {
            amazon_side_asn: 64512,
            auto_accept_shared_attachments: false,
            default_route_table_association: true,
            default_route_table_propagation: true,
            vpn_ecmp_support: true,
            dns_support: true,
            security_group_referencing_support: false,
            multicast_support: false,
            cidr_blocks: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub description: String,
    pub options: TgwOptions,
    /// The tables attachments are associated with and propagate to by default.
    pub association_default_table: Option<String>,
    pub propagation_default_table: Option<String>,
    pub created_at: Millis,
    pub tags: Vec<Tag>,
}

impl TransitGateway {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:transit-gateway/{}",
            self.region, self.owner, self.id
        )
    }
}

/// Options a CreateTransitGateway or ModifyTransitGateway request sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwChange {
    pub description: Option<String>,
    pub amazon_side_asn: Option<i64>,
    pub auto_accept_shared_attachments: Option<bool>,
    pub default_route_table_association: Option<bool>,
    pub association_default_table: Option<String>,
    pub default_route_table_propagation: Option<bool>,
    pub propagation_default_table: Option<String>,
    pub vpn_ecmp_support: Option<bool>,
    pub dns_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub multicast_support: Option<bool>,
    pub add_cidr_blocks: Vec<String>,
    pub remove_cidr_blocks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransitCommand {
    Create {
        change: TgwChange,
        tags: Vec<Tag>,
    },
    Modify {
        tgw_id: String,
        change: TgwChange,
    },
    Delete {
        tgw_id: String,
    },
    Attach {
        tgw_id: String,
        vpc_id: String,
        subnet_ids: Vec<String>,
        options: VpcAttachmentOptionChange,
        tags: Vec<Tag>,
    },
    ModifyAttachment {
        attachment_id: String,
        add_subnet_ids: Vec<String>,
        remove_subnet_ids: Vec<String>,
        options: VpcAttachmentOptionChange,
    },
    /// The gateway owner's answer to a pending attachment (the accepter's, for a peering).
    Answer {
        attachment_id: String,
        accept: bool,
        #[serde(default)]
        peering: bool,
    },
    /// Request a peering between one of the caller's gateways and another, in any Region.
    Peer {
        tgw_id: String,
        peer_tgw_id: String,
        peer_account: AccountId,
        peer_region: Region,
        #[serde(default)]
        dynamic_routing: Option<bool>,
        tags: Vec<Tag>,
    },
    DeleteAttachment {
        attachment_id: String,
        #[serde(default)]
        peering: bool,
    },
    Routes(crate::transit_routes::TgwRouteCommand),
}

pub const TRANSIT_GATEWAY_FILTERS: &[&str] = &[
    "options.propagation-default-route-table-id",
    "options.amazon-side-asn",
    "options.association-default-route-table-id",
    "options.auto-accept-shared-attachments",
    "options.default-route-table-association",
    "options.default-route-table-propagation",
    "options.dns-support",
    "options.vpn-ecmp-support",
    "owner-id",
    "state",
    "transit-gateway-id",
];

pub const VPC_ATTACHMENT_FILTERS: &[&str] = &[
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
    "vpc-id",
];

pub const PEERING_ATTACHMENT_FILTERS: &[&str] = &[
    "local-owner-id",
    "remote-owner-id",
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
];

pub const ATTACHMENT_FILTERS: &[&str] = &[
    "association.state",
    "association.transit-gateway-route-table-id",
    "resource-id",
    "resource-owner-id",
    "resource-type",
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
    "transit-gateway-owner-id",
];

pub fn enable(v: bool) -> &'static str {
    if v {
        "enable"
    } else {
        "disable"
    }
}

impl Filterable for TransitGateway {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        let o = &self.options;
        Some(match name {
            "options.propagation-default-route-table-id" => {
                self.propagation_default_table.iter().cloned().collect()
            }
            "options.association-default-route-table-id" => {
                self.association_default_table.iter().cloned().collect()
            }
            "options.amazon-side-asn" => vec![o.amazon_side_asn.to_string()],
            "options.auto-accept-shared-attachments" => {
                vec![enable(o.auto_accept_shared_attachments).into()]
            }
            "options.default-route-table-association" => {
                vec![enable(o.default_route_table_association).into()]
            }
            "options.default-route-table-propagation" => {
                vec![enable(o.default_route_table_propagation).into()]
            }
            "options.dns-support" => vec![enable(o.dns_support).into()],
            "options.vpn-ecmp-support" => vec![enable(o.vpn_ecmp_support).into()],
            "owner-id" => vec![self.owner.clone()],
            "state" => vec!["available".into()],
            "transit-gateway-id" => vec![self.id.clone()],
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

fn no_tgw(id: &str) -> Error {
    Error::new(
        "InvalidTransitGatewayID.NotFound",
        format!("Transit Gateway {id} was deleted or does not exist."),
    )
}

pub(crate) fn no_attachment(id: &str) -> Error {
    Error::new(
        "InvalidTransitGatewayAttachmentID.NotFound",
        format!("Transit Gateway Attachment {id} was deleted or does not exist."),
    )
}

pub(crate) fn incorrect_state(message: impl Into<String>) -> Error {
    Error::new("IncorrectState", message)
}

fn check_asn(asn: i64) -> Result<()> {
    if (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn) {
        Ok(())
    } else {
        Err(Error::invalid_value(format!(
            "Amazon side ASN {asn} is invalid: use 64512-65534 or 4200000000-4294967294."
        )))
    }
}

impl Cloud {
    /// The owner, and the accounts a RAM share of it reaches, see a gateway.
    pub fn sees_transit_gateway(&self, c: &Caller, g: &TransitGateway) -> bool {
        c.region == g.region
            && (c.account == g.owner
                || self
                    .granted(c)
                    .is_some_and(|s| s.transit_gateways.contains(g.id.as_str())))
    }

    pub fn visible_transit_gateway(&self, c: &Caller, id: &str) -> Result<&TransitGateway> {
        self.transit_gateways
            .get(id)
            .filter(|g| self.sees_transit_gateway(c, g))
            .ok_or_else(|| no_tgw(id))
    }

    pub(crate) fn owned_transit_gateway(&self, c: &Caller, id: &str) -> Result<&TransitGateway> {
        let g = self.visible_transit_gateway(c, id)?;
        if g.owner != c.account {
            return Err(Error::unauthorized());
        }
        Ok(g)
    }

    /// The gateway's owner and the attachment's owner see an attachment; both ends see a
    /// peering.
    pub fn sees_attachment(&self, c: &Caller, a: &TgwAttachment) -> bool {
        (c.region == a.region && (c.account == a.owner || c.account == a.tgw_owner))
            || a.peer
                .as_ref()
                .is_some_and(|p| c.region == p.region && c.account == p.owner)
    }

    pub fn visible_attachment(&self, c: &Caller, id: &str, now: Millis) -> Result<&TgwAttachment> {
        self.tgw_attachments
            .get(id)
            .filter(|a| self.sees_attachment(c, a) && a.described_at(now))
            .ok_or_else(|| no_attachment(id))
    }

    /// The table of this gateway an attachment is associated with, if any (a peering has one
    /// on each end).
    pub fn association_of(&self, tgw_id: &str, attachment_id: &str) -> Option<&TgwRouteTable> {
        self.tgw_route_tables
            .values()
            .find(|t| t.tgw_id == tgw_id && t.associations.iter().any(|a| a == attachment_id))
    }

    /// Whether a VPC has a working attachment to this gateway (routes to it then carry traffic).
    pub fn vpc_attached_to(&self, tgw_id: &str, vpc_id: &str) -> bool {
        self.tgw_attachments
            .values()
            .any(|a| a.tgw_id == tgw_id && a.vpc_id == vpc_id && a.is_available())
    }

    /// Whether a VPC has attachments not yet deleted (it then cannot be deleted).
    pub(crate) fn vpc_has_attachments(&self, vpc_id: &str) -> bool {
        self.tgw_attachments
            .values()
            .any(|a| a.vpc_id == vpc_id && !a.state.is_final())
    }

    fn apply_tgw_change(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        tgw_id: &str,
        change: &TgwChange,
    ) -> Result<()> {
        let g = &self.transit_gateways[tgw_id];
        let mut options = g.options.clone();
        if let Some(asn) = change.amazon_side_asn {
            check_asn(asn)?;
            options.amazon_side_asn = asn;
        }
        let set = |v: &mut bool, x: Option<bool>| {
            if let Some(x) = x {
                *v = x;
            }
        };
        set(
            &mut options.auto_accept_shared_attachments,
            change.auto_accept_shared_attachments,
        );
        set(
            &mut options.default_route_table_association,
            change.default_route_table_association,
        );
        set(
            &mut options.default_route_table_propagation,
            change.default_route_table_propagation,
        );
        set(&mut options.vpn_ecmp_support, change.vpn_ecmp_support);
        set(&mut options.dns_support, change.dns_support);
        set(
            &mut options.security_group_referencing_support,
            change.security_group_referencing_support,
        );
        set(&mut options.multicast_support, change.multicast_support);
        for cidr in &change.remove_cidr_blocks {
            if !options.cidr_blocks.contains(cidr) {
                return Err(Error::invalid_value(format!(
                    "The CIDR block {cidr} is not associated with {tgw_id}."
                )));
            }
            options.cidr_blocks.retain(|b| b != cidr);
        }
        for cidr in &change.add_cidr_blocks {
            let net: ipnet::IpNet = cidr.parse().map_err(|_| {
                Error::invalid_value(format!("The CIDR block {cidr} is not valid."))
            })?;
            let canonical = net.trunc().to_string();
            if !options.cidr_blocks.contains(&canonical) {
                options.cidr_blocks.push(canonical);
            }
        }
        if options.cidr_blocks.len() > TRANSIT_GATEWAY_CIDR_BLOCKS {
            return Err(Error::new(
                "TransitGatewayCidrBlockLimitExceeded",
                format!(
                    "A transit gateway can have at most {TRANSIT_GATEWAY_CIDR_BLOCKS} CIDR blocks."
                ),
            ));
        }
        let own_table = |id: &Option<String>| -> Result<()> {
            match id {
                Some(t)
                    if self
                        .tgw_route_tables
                        .get(t)
                        .is_none_or(|x| x.tgw_id != tgw_id) =>
                {
                    Err(crate::transit_routes::no_route_table(t))
                }
                _ => Ok(()),
            }
        };
        own_table(&change.association_default_table)?;
        own_table(&change.propagation_default_table)?;
        // Checked; now change. A default table is made when a default is first enabled.
        let mut association = g.association_default_table.clone();
        let mut propagation = g.propagation_default_table.clone();
        if let Some(t) = &change.association_default_table {
            association = Some(t.clone());
        }
        if let Some(t) = &change.propagation_default_table {
            propagation = Some(t.clone());
        }
        let wants_table = (options.default_route_table_association && association.is_none())
            || (options.default_route_table_propagation && propagation.is_none());
        if wants_table {
            let existing = association.clone().or(propagation.clone());
            let table = match existing {
                Some(t) => t,
                None => self.insert_tgw_route_table(c, ids, at, tgw_id, Vec::new()),
            };
            if options.default_route_table_association && association.is_none() {
                association = Some(table.clone());
            }
            if options.default_route_table_propagation && propagation.is_none() {
                propagation = Some(table);
            }
        }
        if !options.default_route_table_association {
            association = None;
        }
        if !options.default_route_table_propagation {
            propagation = None;
        }
        let g = self.transit_gateways.get_mut(tgw_id).expect("seen");
        g.options = options;
        g.association_default_table = association;
        g.propagation_default_table = propagation;
        if let Some(d) = &change.description {
            g.description = d.clone();
        }
        Ok(())
    }

    pub(crate) fn transit_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &TransitCommand,
    ) -> Result<Outcome> {
        match command {
            TransitCommand::Create { change, tags } => {
                validate_tags(tags)?;
                let held = self
                    .transit_gateways
                    .values()
                    .filter(|g| g.owner == c.account && g.region == c.region)
                    .count();
                if held >= TRANSIT_GATEWAYS_PER_REGION {
                    return Err(Error::new(
                        "TransitGatewayLimitExceeded",
                        format!("You have reached the limit of {TRANSIT_GATEWAYS_PER_REGION} transit gateways in this Region."),
                    ));
                }
                if let Some(asn) = change.amazon_side_asn {
                    check_asn(asn)?;
                }
                if change.association_default_table.is_some()
                    || change.propagation_default_table.is_some()
                {
                    return Err(Error::invalid_value(
                        "Default route tables are chosen with ModifyTransitGateway.",
                    ));
                }
                let id = ids.id("tgw");
                self.transit_gateways.insert(
                    id.clone(),
                    TransitGateway {
                        id: id.clone(),
                        owner: c.account.clone(),
                        region: c.region.clone(),
                        description: String::new(),
                        options: TgwOptions::default(),
                        association_default_table: None,
                        propagation_default_table: None,
                        created_at: at,
                        tags: tags.clone(),
                    },
                );
                if let Err(e) = self.apply_tgw_change(c, ids, at, &id, change) {
                    // Nothing else was changed: the checks above and in the change come first.
                    self.transit_gateways.remove(&id);
                    return Err(e);
                }
                self.scope_mut(&c.account, &c.region)
                    .transit_gateways
                    .insert(id.as_str().into());
                Ok(Outcome::Id(id))
            }
            TransitCommand::Modify { tgw_id, change } => {
                self.owned_transit_gateway(c, tgw_id)?;
                self.apply_tgw_change(c, ids, at, tgw_id, change)?;
                Ok(Outcome::Id(tgw_id.clone()))
            }
            TransitCommand::Delete { tgw_id } => {
                self.owned_transit_gateway(c, tgw_id)?;
                let live: Vec<&str> = self
                    .tgw_attachments
                    .values()
                    .filter(|a| a.on_gateway(tgw_id) && !a.state.is_final())
                    .map(|a| a.id.as_str())
                    .collect();
                if !live.is_empty() {
                    return Err(incorrect_state(format!(
                        "{tgw_id} has non-deleted Transit Gateway Attachments: {}.",
                        live.join(", ")
                    )));
                }
                self.transit_gateways.remove(tgw_id);
                self.tgw_route_tables.retain(|_, t| t.tgw_id != *tgw_id);
                self.scope_mut(&c.account, &c.region)
                    .transit_gateways
                    .remove(tgw_id.as_str());
                self.sharing_changed();
                Ok(Outcome::Id(tgw_id.clone()))
            }
            TransitCommand::Attach {
                tgw_id,
                vpc_id,
                subnet_ids,
                options,
                tags,
            } => self.attach_vpc(c, ids, at, tgw_id, vpc_id, subnet_ids, options, tags),
            TransitCommand::ModifyAttachment {
                attachment_id,
                add_subnet_ids,
                remove_subnet_ids,
                options,
            } => {
                let a = self.visible_attachment(c, attachment_id, at)?.clone();
                if a.owner != c.account {
                    return Err(Error::unauthorized());
                }
                if a.state.is_final() {
                    return Err(incorrect_state(format!(
                        "Transit Gateway Attachment {attachment_id} is in an invalid state: {}.",
                        a.state.as_str()
                    )));
                }
                for s in remove_subnet_ids {
                    if !a.subnets.iter().any(|x| x.subnet_id == *s) {
                        return Err(Error::invalid_value(format!(
                            "Subnet {s} is not part of {attachment_id}."
                        )));
                    }
                }
                let kept: Vec<String> = a
                    .subnets
                    .iter()
                    .filter(|x| !remove_subnet_ids.contains(&x.subnet_id))
                    .map(|x| x.subnet_id.clone())
                    .collect();
                let mut all = kept.clone();
                all.extend(add_subnet_ids.iter().cloned());
                self.check_attachment_subnets(c, &a.vpc_id, &all)?;
                let mut subnets = a.subnets.clone();
                for gone in subnets
                    .iter()
                    .filter(|x| remove_subnet_ids.contains(&x.subnet_id))
                {
                    self.remove_interface(&gone.interface_id);
                }
                subnets.retain(|x| !remove_subnet_ids.contains(&x.subnet_id));
                for s in add_subnet_ids {
                    let eni = self.attachment_interface(c, ids, at, attachment_id, s)?;
                    subnets.push(AttachmentSubnet {
                        subnet_id: s.clone(),
                        interface_id: eni,
                    });
                }
                let a = self.tgw_attachments.get_mut(attachment_id).expect("seen");
                a.subnets = subnets;
                a.options.apply(options);
                Ok(Outcome::Id(attachment_id.clone()))
            }
            TransitCommand::Answer {
                attachment_id,
                accept,
                peering,
            } => {
                let a = self.visible_attachment(c, attachment_id, at)?;
                if a.is_peering() != *peering {
                    return Err(no_attachment(attachment_id));
                }
                if !a.answered_by(c) {
                    return Err(Error::unauthorized());
                }
                if a.state != AttachmentState::PendingAcceptance {
                    return Err(incorrect_state(format!(
                        "Transit Gateway Attachment {attachment_id} is in an invalid state: {}.",
                        a.state.as_str()
                    )));
                }
                if *accept {
                    self.make_available(attachment_id, at);
                } else {
                    self.end_attachment(attachment_id, AttachmentState::Rejected, at);
                }
                Ok(Outcome::Id(attachment_id.clone()))
            }
            TransitCommand::DeleteAttachment {
                attachment_id,
                peering,
            } => {
                let a = self.visible_attachment(c, attachment_id, at)?;
                if a.is_peering() != *peering {
                    return Err(no_attachment(attachment_id));
                }
                // Both sides may delete it (Terraform's attachment and accepter both do).
                if a.state == AttachmentState::Deleted {
                    return Ok(Outcome::Id(attachment_id.clone()));
                }
                if a.state.is_final() {
                    return Err(incorrect_state(format!(
                        "Transit Gateway Attachment {attachment_id} is in an invalid state: {}.",
                        a.state.as_str()
                    )));
                }
                self.end_attachment(attachment_id, AttachmentState::Deleted, at);
                Ok(Outcome::Id(attachment_id.clone()))
            }
            TransitCommand::Peer {
                tgw_id,
                peer_tgw_id,
                peer_account,
                peer_region,
                dynamic_routing,
                tags,
            } => self.peer_transit_gateways(
                c,
                ids,
                at,
                tgw_id,
                PeerGateway {
                    tgw_id: peer_tgw_id.clone(),
                    owner: peer_account.clone(),
                    region: peer_region.clone(),
                    dynamic_routing: *dynamic_routing,
                },
                tags,
            ),
            TransitCommand::Routes(command) => self.tgw_route_execute(c, ids, at, command),
        }
    }

    /// One subnet per zone, at least one, all in the VPC and seen by the caller.
    fn check_attachment_subnets(
        &self,
        c: &Caller,
        vpc_id: &str,
        subnet_ids: &[String],
    ) -> Result<()> {
        if subnet_ids.is_empty() {
            return Err(Error::missing("SubnetIds"));
        }
        let mut zones: Vec<&str> = Vec::new();
        for id in subnet_ids {
            let s = self.visible_subnet(c, id)?;
            if s.vpc_id != vpc_id {
                return Err(Error::invalid_value(format!(
                    "Subnet {id} does not belong to {vpc_id}."
                )));
            }
            if zones.contains(&s.availability_zone.as_str()) {
                return Err(Error::new(
                    "DuplicateSubnetsInSameZone",
                    format!("Duplicate Subnets for same AZ: {id} is in {}, where another subnet is given.", s.availability_zone),
                ));
            }
            zones.push(&s.availability_zone);
            self.pick_address(s, None)?;
        }
        Ok(())
    }

    /// The requester-managed interface of an attachment in one subnet.
    fn attachment_interface(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        attachment_id: &str,
        subnet_id: &str,
    ) -> Result<String> {
        let subnet = self.subnets[subnet_id].clone();
        let ip = self.pick_address(&subnet, None)?;
        let id = ids.id("eni");
        self.insert_interface(NetworkInterface {
            id: id.clone(),
            owner: c.account.clone(),
            region: c.region.clone(),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            availability_zone: subnet.availability_zone.clone(),
            availability_zone_id: subnet.availability_zone_id.clone(),
            description: format!(
                "Network Interface for Transit Gateway Attachment {attachment_id}"
            ),
            private_ip: ip,
            secondary_ips: Vec::new(),
            mac: ids.mac(),
            groups: Vec::new(),
            source_dest_check: false,
            interface_type: "transit_gateway".into(),
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
        });
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn attach_vpc(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        tgw_id: &str,
        vpc_id: &str,
        subnet_ids: &[String],
        options: &VpcAttachmentOptionChange,
        tags: &[Tag],
    ) -> Result<Outcome> {
        validate_tags(tags)?;
        let g = self.visible_transit_gateway(c, tgw_id)?;
        let (tgw_owner, auto_accept) = (g.owner.clone(), g.options.auto_accept_shared_attachments);
        self.owned_vpc(c, vpc_id)?;
        let live = |a: &&TgwAttachment| !a.state.is_final() && a.vpc_id == vpc_id;
        if self
            .tgw_attachments
            .values()
            .filter(live)
            .any(|a| a.tgw_id == tgw_id)
        {
            return Err(Error::new(
                "DuplicateTransitGatewayAttachment",
                format!("{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID."),
            ));
        }
        if self.tgw_attachments.values().filter(live).count() >= TRANSIT_GATEWAYS_PER_VPC {
            return Err(Error::new(
                "TransitGatewayAttachmentLimitExceeded",
                format!(
                    "{vpc_id} is attached to {TRANSIT_GATEWAYS_PER_VPC} transit gateways already."
                ),
            ));
        }
        self.check_attachment_subnets(c, vpc_id, subnet_ids)?;
        let id = ids.id("tgw-attach");
        let mut subnets = Vec::new();
        for s in subnet_ids {
            let eni = self.attachment_interface(c, ids, at, &id, s)?;
            subnets.push(AttachmentSubnet {
                subnet_id: s.clone(),
                interface_id: eni,
            });
        }
        let mut attachment_options = VpcAttachmentOptions::default();
        attachment_options.apply(options);
        let accepted = tgw_owner == c.account || auto_accept;
        self.tgw_attachments.insert(
            id.clone(),
            TgwAttachment {
                id: id.clone(),
                tgw_id: tgw_id.to_string(),
                tgw_owner,
                owner: c.account.clone(),
                region: c.region.clone(),
                vpc_id: vpc_id.to_string(),
                subnets,
                options: attachment_options,
                state: AttachmentState::PendingAcceptance,
                state_since: at,
                created_at: at,
                tags: tags.to_vec(),
                accepter_tags: Vec::new(),
                peer: None,
            },
        );
        if accepted {
            self.make_available(&id, at);
        }
        Ok(Outcome::Id(id))
    }

    /// An attachment goes live: associated with and propagating to the gateway's default
    /// tables, where it has them.
    fn make_available(&mut self, attachment_id: &str, at: Millis) {
        let a = self.tgw_attachments.get_mut(attachment_id).expect("seen");
        a.state = AttachmentState::Available;
        a.state_since = at;
        // Peerings carry static routes only and are associated by hand.
        if a.is_peering() {
            return;
        }
        let Some(g) = self.transit_gateways.get(&a.tgw_id) else {
            return;
        };
        let (association, propagation) = (
            g.association_default_table.clone(),
            g.propagation_default_table.clone(),
        );
        if let Some(t) = association.and_then(|t| self.tgw_route_tables.get_mut(&t)) {
            t.associations.push(attachment_id.to_string());
        }
        if let Some(t) = propagation.and_then(|t| self.tgw_route_tables.get_mut(&t)) {
            t.propagations.push(attachment_id.to_string());
        }
    }

    /// An attachment ends (deleted or rejected): its interfaces go, and it leaves every table.
    fn end_attachment(&mut self, attachment_id: &str, state: AttachmentState, at: Millis) {
        let a = self.tgw_attachments.get_mut(attachment_id).expect("seen");
        a.state = state;
        a.state_since = at;
        let interfaces: Vec<String> = a.subnets.iter().map(|s| s.interface_id.clone()).collect();
        for eni in interfaces {
            self.remove_interface(&eni);
        }
        for t in self.tgw_route_tables.values_mut() {
            t.associations.retain(|x| x != attachment_id);
            t.propagations.retain(|x| x != attachment_id);
        }
    }

    pub fn describe_transit_gateways(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&TransitGateway>> {
        filter::validate(filters, TRANSIT_GATEWAY_FILTERS)?;
        for id in ids {
            self.visible_transit_gateway(c, id)?;
        }
        let mut found: Vec<&TransitGateway> = self
            .transit_gateways
            .values()
            .filter(|g| self.sees_transit_gateway(c, g))
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .filter(|g| filter::matches(*g, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |g| &g.id)
    }

    /// Attachments as DescribeTransitGatewayVpcAttachments, ...PeeringAttachments or
    /// ...Attachments (every kind) list them, each seen from the caller's side.
    pub fn describe_attachments(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
        now: Millis,
        kind: AttachmentKind,
    ) -> Result<Paged<&TgwAttachment>> {
        let known = match kind {
            AttachmentKind::Vpc => VPC_ATTACHMENT_FILTERS,
            AttachmentKind::Peering => PEERING_ATTACHMENT_FILTERS,
            AttachmentKind::Any => ATTACHMENT_FILTERS,
        };
        filter::validate(filters, known)?;
        let of_kind = |a: &TgwAttachment| match kind {
            AttachmentKind::Vpc => !a.is_peering(),
            AttachmentKind::Peering => a.is_peering(),
            AttachmentKind::Any => true,
        };
        for id in ids {
            if !of_kind(self.visible_attachment(c, id, now)?) {
                return Err(no_attachment(id));
            }
        }
        let mut found: Vec<&TgwAttachment> = self
            .tgw_attachments
            .values()
            .filter(|a| self.sees_attachment(c, a) && a.described_at(now) && of_kind(a))
            .filter(|a| ids.is_empty() || ids.contains(&a.id))
            .filter(|a| {
                filter::matches_with(a.tags_of(&c.account), filters, |name| {
                    let (tgw_id, tgw_owner) = a.local_gateway(c);
                    let (resource_type, resource_id, resource_owner) = a.resource(c);
                    let table = self.association_of(tgw_id, &a.id);
                    Some(match name {
                        "state" => vec![a.state.as_str().into()],
                        "transit-gateway-attachment-id" => vec![a.id.clone()],
                        "transit-gateway-id" => vec![tgw_id.to_string()],
                        "vpc-id" | "resource-id" => vec![resource_id.to_string()],
                        "resource-owner-id" | "remote-owner-id" => {
                            vec![resource_owner.to_string()]
                        }
                        "local-owner-id" => vec![tgw_owner.to_string()],
                        "resource-type" => vec![resource_type.into()],
                        "transit-gateway-owner-id" => vec![tgw_owner.to_string()],
                        "association.state" => table
                            .map(|_| "associated".to_string())
                            .into_iter()
                            .collect(),
                        "association.transit-gateway-route-table-id" => {
                            table.map(|t| t.id.clone()).into_iter().collect()
                        }
                        _ => return None,
                    })
                })
            })
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |a| &a.id)
    }
}
