//! Tags on any EC2 resource, found by the id's prefix.

use crate::error::{Error, Result};
use crate::filter::{self, Filter};
use crate::model::*;
use crate::{Caller, Cloud, Outcome, Page, Paged};

pub const TAG_FILTERS: &[&str] = &["key", "resource-id", "resource-type", "value"];
const MAX_TAGS: usize = 50;

/// EC2's resource type name for an id, from its prefix.
pub fn resource_type(id: &str) -> Option<&'static str> {
    let prefix = id.rsplit_once('-').map(|(p, _)| p)?;
    Some(match prefix {
        "vpc" => "vpc",
        "subnet" => "subnet",
        "sg" => "security-group",
        "sgr" => "security-group-rule",
        "eni" => "network-interface",
        "i" => "instance",
        "rtb" => "route-table",
        "acl" => "network-acl",
        "pl" => "prefix-list",
        "pcx" => "vpc-peering-connection",
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

/// One tag of one resource, as DescribeTags lists it.
pub struct TagEntry<'a> {
    pub resource_id: &'a str,
    pub resource_type: &'static str,
    pub tag: &'a Tag,
}

/// Set each tag on the list: a key already there takes the new value in place.
pub(crate) fn merge_tags(list: &mut Vec<Tag>, tags: &[Tag]) {
    for t in tags {
        match list.iter_mut().find(|x| x.key == t.key) {
            Some(x) => x.value = t.value.clone(),
            None => list.push(t.clone()),
        }
    }
}

/// IAM's tagging: `list` with `tags` merged in, refused beyond IAM's 50 tags per entity before
/// anything changes.
pub(crate) fn merge_iam_tags(list: &mut Vec<Tag>, tags: &[Tag]) -> Result<()> {
    validate_tags(tags)?;
    let mut merged = list.clone();
    merge_tags(&mut merged, tags);
    if merged.len() > 50 {
        return Err(crate::error::Error::new(
            "LimitExceeded",
            "The number of tags has reached the maximum limit.",
        ));
    }
    *list = merged;
    Ok(())
}

pub fn validate_tags(tags: &[Tag]) -> Result<()> {
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 {
            return Err(Error::invalid_value(format!(
                "Tag key '{}' must be between 1 and 128 characters.",
                t.key
            )));
        }
        if t.value.chars().count() > 256 {
            return Err(Error::invalid_value(format!(
                "Tag value for key '{}' exceeds 256 characters.",
                t.key
            )));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(Error::invalid_value(
                "Tag keys starting with 'aws:' are reserved for internal use",
            ));
        }
    }
    Ok(())
}

impl Cloud {
    /// The tags of a resource the caller sees, with whether the caller may change them.
    fn visible_tags(&self, c: &Caller, id: &str) -> Result<(&Vec<Tag>, bool)> {
        let kind = resource_type(id)
            .ok_or_else(|| Error::new("InvalidID", format!("The ID '{id}' is not valid")))?;
        let (tags, owner, region): (&Vec<Tag>, &str, &str) = match kind {
            "vpc" => {
                let v = self.visible_vpc(c, id)?;
                (&v.tags, &v.owner, &v.region)
            }
            "subnet" => {
                let s = self.visible_subnet(c, id)?;
                (&s.tags, &s.owner, &s.region)
            }
            "security-group" => {
                let g = self.visible_group(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "security-group-rule" => {
                let g = self
                    .rule_index
                    .get(id)
                    .and_then(|gid| self.groups.get(gid))
                    .filter(|g| self.sees_group(c, g))
                    .ok_or_else(|| Error::rule_not_found(id))?;
                let r = g.rules().find(|r| r.id == id).expect("indexed rule");
                (&r.tags, &g.owner, &g.region)
            }
            "network-interface" => {
                let e = self.visible_interface(c, id)?;
                (&e.tags, &e.owner, &e.region)
            }
            "instance" => {
                let i = self.visible_instance(c, id)?;
                (&i.tags, &i.owner, &i.region)
            }
            "prefix-list" => {
                let p = self.visible_prefix_list(c, id)?;
                (&p.tags, &p.owner, &p.region)
            }
            "vpc-peering-connection" => {
                // Each side tags the connection for itself.
                let p = self.visible_peering(c, id)?;
                static NONE: Vec<Tag> = Vec::new();
                let tags = p.tags.get(&c.account).unwrap_or(&NONE);
                return Ok((tags, true));
            }
            "internet-gateway" => {
                let g = self.visible_internet_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "egress-only-internet-gateway" => {
                let g = self.visible_egress_only_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "elastic-ip" => {
                let a = self
                    .addresses
                    .get(id)
                    .filter(|a| a.owner == c.account && a.region == c.region)
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidAllocationID.NotFound",
                            format!("The allocation ID '{id}' does not exist"),
                        )
                    })?;
                (&a.tags, &a.owner, &a.region)
            }
            "route-table" => {
                let r = self
                    .route_tables
                    .get(id)
                    .filter(|r| self.sees_route_table(c, r))
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidRouteTableID.NotFound",
                            format!("The routeTable ID '{id}' does not exist"),
                        )
                    })?;
                (&r.tags, &r.owner, &r.region)
            }
            "natgateway" => {
                let g = self.visible_nat_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "dhcp-options" => {
                let d = self.visible_dhcp_options(c, id)?;
                (&d.tags, &d.owner, &d.region)
            }
            "vpc-endpoint" => {
                let e = self.visible_endpoint(c, id)?;
                (&e.tags, &e.owner, &e.region)
            }
            "vpc-flow-log" => {
                let f = self.visible_flow_log(c, id)?;
                (&f.tags, &f.owner, &f.region)
            }
            "vpn-gateway" => {
                let g = self.visible_vpn_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "vpc-block-public-access-exclusion" => {
                let e = self
                    .bpa_exclusions
                    .get(id)
                    .filter(|e| {
                        e.owner == c.account && e.region == c.region && e.deleted_at.is_none()
                    })
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidVpcBlockPublicAccessExclusionId.NotFound",
                            format!("The exclusion ID '{id}' does not exist"),
                        )
                    })?;
                (&e.tags, &e.owner, &e.region)
            }
            "customer-gateway" => {
                let g = self.visible_customer_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "transit-gateway" => {
                let g = self.visible_transit_gateway(c, id)?;
                (&g.tags, &g.owner, &g.region)
            }
            "transit-gateway-attachment" => {
                let a = self
                    .tgw_attachments
                    .get(id)
                    .filter(|a| self.sees_attachment(c, a))
                    .ok_or_else(|| crate::transit::no_attachment(id))?;
                // Each side of a cross-account attachment tags it for itself.
                let tags = if c.account == a.owner {
                    &a.tags
                } else {
                    &a.accepter_tags
                };
                return Ok((tags, true));
            }
            "transit-gateway-route-table" => {
                let t = self.visible_tgw_route_table(c, id)?;
                (&t.tags, &t.owner, &t.region)
            }
            "network-insights-path" => {
                let p = self.insights_path(c, id)?;
                (&p.tags, &p.owner, &p.region)
            }
            "network-insights-analysis" => {
                let a = self.insights_analysis(c, id)?;
                (&a.tags, &a.owner, &a.region)
            }
            _ => {
                let a = self
                    .network_acls
                    .get(id)
                    .filter(|a| self.sees_network_acl(c, a))
                    .ok_or_else(|| {
                        Error::new(
                            "InvalidNetworkAclID.NotFound",
                            format!("The networkAcl ID '{id}' does not exist"),
                        )
                    })?;
                (&a.tags, &a.owner, &a.region)
            }
        };
        Ok((tags, self.may_modify(c, owner, region)))
    }

    fn tags_mut(&mut self, account: &str, id: &str) -> Option<&mut Vec<Tag>> {
        match resource_type(id)? {
            "vpc-peering-connection" => self
                .peerings
                .get_mut(id)
                .map(|p| p.tags.entry(account.to_string()).or_default()),
            "vpc" => self.vpcs.get_mut(id).map(|x| &mut x.tags),
            "subnet" => self.subnets.get_mut(id).map(|x| &mut x.tags),
            "security-group" => self.groups.get_mut(id).map(|x| &mut x.tags),
            "security-group-rule" => {
                let gid = self.rule_index.get(id)?.clone();
                let g = self.groups.get_mut(&gid)?;
                g.ingress
                    .iter_mut()
                    .chain(g.egress.iter_mut())
                    .find(|r| r.id == id)
                    .map(|r| &mut r.tags)
            }
            "network-interface" => self.interfaces.get_mut(id).map(|x| &mut x.tags),
            "instance" => self.instances.get_mut(id).map(|x| &mut x.tags),
            "route-table" => self.route_tables.get_mut(id).map(|x| &mut x.tags),
            "network-acl" => self.network_acls.get_mut(id).map(|x| &mut x.tags),
            "prefix-list" => self.prefix_lists.get_mut(id).map(|x| &mut x.tags),
            "internet-gateway" => self.internet_gateways.get_mut(id).map(|x| &mut x.tags),
            "egress-only-internet-gateway" => {
                self.egress_only_gateways.get_mut(id).map(|x| &mut x.tags)
            }
            "elastic-ip" => self.addresses.get_mut(id).map(|x| &mut x.tags),
            "natgateway" => self.nat_gateways.get_mut(id).map(|x| &mut x.tags),
            "dhcp-options" => self.dhcp_options.get_mut(id).map(|x| &mut x.tags),
            "vpc-endpoint" => self.endpoints.get_mut(id).map(|x| &mut x.tags),
            "vpc-flow-log" => self.flow_logs.get_mut(id).map(|x| &mut x.tags),
            "vpn-gateway" => self.vpn_gateways.get_mut(id).map(|x| &mut x.tags),
            "vpc-block-public-access-exclusion" => {
                self.bpa_exclusions.get_mut(id).map(|x| &mut x.tags)
            }
            "customer-gateway" => self.customer_gateways.get_mut(id).map(|x| &mut x.tags),
            "transit-gateway" => self.transit_gateways.get_mut(id).map(|x| &mut x.tags),
            "transit-gateway-attachment" => self.tgw_attachments.get_mut(id).map(|x| {
                if x.owner == account {
                    &mut x.tags
                } else {
                    &mut x.accepter_tags
                }
            }),
            "transit-gateway-route-table" => self.tgw_route_tables.get_mut(id).map(|x| &mut x.tags),
            "network-insights-path" => self.insights_paths.get_mut(id).map(|x| &mut x.tags),
            "network-insights-analysis" => self.insights_analyses.get_mut(id).map(|x| &mut x.tags),
            _ => None,
        }
    }

    pub(crate) fn create_tags(
        &mut self,
        c: &Caller,
        resources: &[String],
        tags: &[Tag],
    ) -> Result<Outcome> {
        validate_tags(tags)?;
        for id in resources {
            let (existing, may) = self.visible_tags(c, id)?;
            if !may {
                return Err(Error::unauthorized());
            }
            let mut keys: Vec<&str> = existing.iter().map(|t| t.key.as_str()).collect();
            for t in tags {
                if !keys.contains(&t.key.as_str()) {
                    keys.push(&t.key);
                }
            }
            if keys.len() > MAX_TAGS {
                return Err(Error::new(
                    "TagLimitExceeded",
                    format!("Tag limit exceeded for resource {id}"),
                ));
            }
        }
        for id in resources {
            merge_tags(self.tags_mut(&c.account, id).expect("checked above"), tags);
        }
        Ok(Outcome::Done)
    }

    pub(crate) fn delete_tags(
        &mut self,
        c: &Caller,
        resources: &[String],
        tags: &[(String, Option<String>)],
    ) -> Result<Outcome> {
        for id in resources {
            let (_, may) = self.visible_tags(c, id)?;
            if !may {
                return Err(Error::unauthorized());
            }
        }
        for id in resources {
            let list = self.tags_mut(&c.account, id).expect("checked above");
            if tags.is_empty() {
                list.clear();
            } else {
                list.retain(|t| {
                    !tags
                        .iter()
                        .any(|(k, v)| *k == t.key && v.as_ref().is_none_or(|v| *v == t.value))
                });
            }
        }
        Ok(Outcome::Done)
    }

    pub fn describe_tags(
        &self,
        c: &Caller,
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<TagEntry<'_>>> {
        filter::validate(filters, TAG_FILTERS)?;
        fn add<'a>(
            entries: &mut Vec<(String, TagEntry<'a>)>,
            id: &'a str,
            resource_type: &'static str,
            tags: &'a [Tag],
        ) {
            for tag in tags {
                let key = format!("{id}\u{0}{}", tag.key);
                entries.push((
                    key,
                    TagEntry {
                        resource_id: id,
                        resource_type,
                        tag,
                    },
                ));
            }
        }
        let mut entries: Vec<(String, TagEntry)> = Vec::new();
        let mut push = |id, kind, tags| add(&mut entries, id, kind, tags);
        for v in self.vpcs.values().filter(|v| self.sees_vpc(c, v)) {
            push(&v.id, "vpc", &v.tags);
        }
        for s in self.subnets.values().filter(|s| self.sees_subnet(c, s)) {
            push(&s.id, "subnet", &s.tags);
        }
        for g in self.groups.values().filter(|g| self.sees_group(c, g)) {
            push(&g.id, "security-group", &g.tags);
            for r in g.rules() {
                push(&r.id, "security-group-rule", &r.tags);
            }
        }
        for e in self
            .interfaces
            .values()
            .filter(|e| self.sees_interface(c, e))
        {
            push(&e.id, "network-interface", &e.tags);
        }
        for i in self.instances.values().filter(|i| self.sees_instance(c, i)) {
            push(&i.id, "instance", &i.tags);
        }
        for r in self
            .route_tables
            .values()
            .filter(|r| self.sees_route_table(c, r))
        {
            push(&r.id, "route-table", &r.tags);
        }
        // A gateway's tags are its owner's alone, even where a participant sees the gateway.
        for g in self
            .internet_gateways
            .values()
            .filter(|g| g.owner == c.account && g.region == c.region)
        {
            push(&g.id, "internet-gateway", &g.tags);
        }
        for g in self
            .egress_only_gateways
            .values()
            .filter(|g| self.sees_egress_only_gateway(c, g))
        {
            push(&g.id, "egress-only-internet-gateway", &g.tags);
        }
        for a in self
            .addresses
            .values()
            .filter(|a| a.owner == c.account && a.region == c.region)
        {
            push(&a.allocation_id, "elastic-ip", &a.tags);
        }
        for a in self
            .network_acls
            .values()
            .filter(|a| self.sees_network_acl(c, a))
        {
            push(&a.id, "network-acl", &a.tags);
        }
        for g in self
            .nat_gateways
            .values()
            .filter(|g| self.sees_nat_gateway(c, g) && g.is_available())
        {
            push(&g.id, "natgateway", &g.tags);
        }
        for d in self
            .dhcp_options
            .values()
            .filter(|d| self.sees_dhcp_options(c, d))
        {
            push(&d.id, "dhcp-options", &d.tags);
        }
        for e in self.endpoints.values().filter(|e| self.sees_endpoint(c, e)) {
            push(&e.id, "vpc-endpoint", &e.tags);
        }
        for f in self.flow_logs.values().filter(|f| self.sees_flow_log(c, f)) {
            push(&f.id, "vpc-flow-log", &f.tags);
        }
        let mine = |owner: &str, region: &str| owner == c.account && region == c.region;
        for g in self
            .vpn_gateways
            .values()
            .filter(|g| mine(&g.owner, &g.region))
        {
            push(&g.id, "vpn-gateway", &g.tags);
        }
        for g in self
            .customer_gateways
            .values()
            .filter(|g| mine(&g.owner, &g.region))
        {
            push(&g.id, "customer-gateway", &g.tags);
        }
        for g in self
            .transit_gateways
            .values()
            .filter(|g| g.owner == c.account && g.region == c.region)
        {
            push(&g.id, "transit-gateway", &g.tags);
        }
        for a in self
            .tgw_attachments
            .values()
            .filter(|a| self.sees_attachment(c, a) && a.is_available())
        {
            push(&a.id, "transit-gateway-attachment", a.tags_of(&c.account));
        }
        for t in self
            .tgw_route_tables
            .values()
            .filter(|t| self.sees_tgw_route_table(c, t))
        {
            push(&t.id, "transit-gateway-route-table", &t.tags);
        }
        for p in self
            .insights_paths
            .values()
            .filter(|p| p.owner == c.account && p.region == c.region)
        {
            push(&p.id, "network-insights-path", &p.tags);
        }
        for a in self
            .insights_analyses
            .values()
            .filter(|a| a.owner == c.account && a.region == c.region)
        {
            push(&a.id, "network-insights-analysis", &a.tags);
        }
        for p in self
            .prefix_lists
            .values()
            .filter(|p| self.sees_prefix_list(c, p))
        {
            push(&p.id, "prefix-list", &p.tags);
        }
        for p in self.peerings.values().filter(|p| self.sees_peering(c, p)) {
            push(&p.id, "vpc-peering-connection", p.tags_of(&c.account));
        }
        entries.retain(|(_, e)| {
            filters.iter().all(|f| {
                let value = match f.name.as_str() {
                    "key" => e.tag.key.as_str(),
                    "value" => e.tag.value.as_str(),
                    "resource-id" => e.resource_id,
                    "resource-type" => e.resource_type,
                    name => match name.strip_prefix("tag:") {
                        Some(k) if k == e.tag.key => e.tag.value.as_str(),
                        Some(_) => return false,
                        None if name == "tag-key" => e.tag.key.as_str(),
                        None => e.tag.value.as_str(),
                    },
                };
                f.values.iter().any(|p| filter::wildcard(p, value))
            })
        });
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let (out, next) = page.apply_owned(entries, |(k, _)| k)?;
        Ok((out.into_iter().map(|(_, e)| e).collect(), next))
    }
}
