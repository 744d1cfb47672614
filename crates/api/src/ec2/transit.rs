//! Transit gateways: the gateways, their VPC attachments (and their acceptance), route tables,
//! associations, propagations and routes.

use super::*;
use cloud::transit::{
    enable, AttachmentKind, TgwAttachment, TgwChange, TransitCommand, TransitGateway,
    VpcAttachmentOptionChange,
};
use cloud::transit_routes::{TgwRouteCommand, TgwRouteTable, TgwRouteView, TgwStaticRoute};
use ipnet::IpNet;
use wire::DateTime;

fn command(s: &Services, ctx: &mut Ctx, command: TransitCommand) -> Result<Outcome, ApiError> {
    s.mutate(ctx, Command::Transit(command), |_, o| o.clone())
}

fn routes_command(s: &Services, ctx: &mut Ctx, c: TgwRouteCommand) -> Result<Outcome, ApiError> {
    command(s, ctx, TransitCommand::Routes(c))
}

/// `enable` / `disable`, as the options take them.
fn flag(value: Option<String>, name: &str) -> Result<Option<bool>, ApiError> {
    match value.as_deref() {
        None => Ok(None),
        Some("enable") => Ok(Some(true)),
        Some("disable") => Ok(Some(false)),
        Some(other) => Err(invalid(format!(
            "Value ({other}) for parameter {name} is invalid. Valid values: enable, disable."
        ))),
    }
}

fn tgw_out(who: &Caller, g: &TransitGateway, state: &str) -> w::TransitGateway {
    let o = &g.options;
    w::TransitGateway {
        transit_gateway_id: owned(&g.id),
        transit_gateway_arn: Some(g.arn()),
        state: owned(state),
        owner_id: owned(&g.owner),
        description: owned(&g.description),
        creation_time: Some(DateTime(g.created_at)),
        options: Some(w::TransitGatewayOptions {
            amazon_side_asn: Some(o.amazon_side_asn),
            transit_gateway_cidr_blocks: Some(o.cidr_blocks.clone()),
            auto_accept_shared_attachments: owned(enable(o.auto_accept_shared_attachments)),
            default_route_table_association: owned(enable(o.default_route_table_association)),
            association_default_route_table_id: g.association_default_table.clone(),
            default_route_table_propagation: owned(enable(o.default_route_table_propagation)),
            propagation_default_route_table_id: g.propagation_default_table.clone(),
            vpn_ecmp_support: owned(enable(o.vpn_ecmp_support)),
            dns_support: owned(enable(o.dns_support)),
            security_group_referencing_support: owned(enable(o.security_group_referencing_support)),
            multicast_support: owned(enable(o.multicast_support)),
            encryption_support: None,
        }),
        tags: if who.account == g.owner {
            tags_out(&g.tags)
        } else {
            Some(Vec::new())
        },
    }
}

fn attachment_out(who: &Caller, a: &TgwAttachment, state: &str) -> w::TransitGatewayVpcAttachment {
    let o = &a.options;
    w::TransitGatewayVpcAttachment {
        transit_gateway_attachment_id: owned(&a.id),
        transit_gateway_id: owned(&a.tgw_id),
        vpc_id: owned(&a.vpc_id),
        vpc_owner_id: owned(&a.owner),
        state: owned(state),
        subnet_ids: Some(a.subnets.iter().map(|s| s.subnet_id.clone()).collect()),
        creation_time: Some(DateTime(a.created_at)),
        options: Some(w::TransitGatewayVpcAttachmentOptions {
            dns_support: owned(enable(o.dns_support)),
            security_group_referencing_support: owned(enable(o.security_group_referencing_support)),
            ipv6_support: owned(enable(o.ipv6_support)),
            appliance_mode_support: owned(enable(o.appliance_mode_support)),
        }),
        tags: tags_out(a.tags_of(&who.account)),
    }
}

fn table_out(c: &Cloud, t: &TgwRouteTable, state: &str) -> w::TransitGatewayRouteTable {
    let g = c.transit_gateways.get(&t.tgw_id);
    w::TransitGatewayRouteTable {
        transit_gateway_route_table_id: owned(&t.id),
        transit_gateway_id: owned(&t.tgw_id),
        state: owned(state),
        default_association_route_table: Some(
            g.is_some_and(|g| g.association_default_table.as_ref() == Some(&t.id)),
        ),
        default_propagation_route_table: Some(
            g.is_some_and(|g| g.propagation_default_table.as_ref() == Some(&t.id)),
        ),
        creation_time: Some(DateTime(t.created_at)),
        tags: tags_out(&t.tags),
    }
}

fn route_out(r: &TgwRouteView<'_>) -> w::TransitGatewayRoute {
    w::TransitGatewayRoute {
        destination_cidr_block: Some(r.destination.to_string()),
        transit_gateway_attachments: Some(
            r.attachment
                .filter(|_| r.state == "active" || r.propagated)
                .map(|a| {
                    let (resource_type, resource_id, _) = a.resource_from(r.tgw_id);
                    w::TransitGatewayRouteAttachment {
                        resource_id: owned(resource_id),
                        transit_gateway_attachment_id: owned(&a.id),
                        resource_type: owned(resource_type),
                    }
                })
                .into_iter()
                .collect(),
        ),
        r#type: owned(if r.propagated { "propagated" } else { "static" }),
        state: owned(r.state),
        ..Default::default()
    }
}

fn tgw_change(
    description: Option<String>,
    o: Option<w::TransitGatewayRequestOptions>,
) -> Result<TgwChange, ApiError> {
    let o = o.unwrap_or_default();
    Ok(TgwChange {
        description,
        amazon_side_asn: o.amazon_side_asn,
        auto_accept_shared_attachments: flag(
            o.auto_accept_shared_attachments,
            "AutoAcceptSharedAttachments",
        )?,
        default_route_table_association: flag(
            o.default_route_table_association,
            "DefaultRouteTableAssociation",
        )?,
        default_route_table_propagation: flag(
            o.default_route_table_propagation,
            "DefaultRouteTablePropagation",
        )?,
        vpn_ecmp_support: flag(o.vpn_ecmp_support, "VpnEcmpSupport")?,
        dns_support: flag(o.dns_support, "DnsSupport")?,
        security_group_referencing_support: flag(
            o.security_group_referencing_support,
            "SecurityGroupReferencingSupport",
        )?,
        multicast_support: flag(o.multicast_support, "MulticastSupport")?,
        add_cidr_blocks: o.transit_gateway_cidr_blocks.unwrap_or_default(),
        ..Default::default()
    })
}

pub(super) fn create_transit_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTransitGatewayRequest,
) -> Result<w::CreateTransitGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "transit-gateway")?;
    let change = tgw_change(input.description, input.options)?;
    let who = ctx.caller();
    s.mutate(
        ctx,
        Command::Transit(TransitCommand::Create { change, tags }),
        |c, o| w::CreateTransitGatewayResult {
            transit_gateway: Some(tgw_out(&who, &c.transit_gateways[outcome_id(o)], "pending")),
        },
    )
}

pub(super) fn modify_transit_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyTransitGatewayRequest,
) -> Result<w::ModifyTransitGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let o = input.options.unwrap_or_default();
    if o.encryption_support.is_some() {
        return Err(ApiError::not_implemented(
            "ec2",
            "transit gateway encryption support",
        ));
    }
    let change = TgwChange {
        description: input.description,
        amazon_side_asn: o.amazon_side_asn,
        auto_accept_shared_attachments: flag(
            o.auto_accept_shared_attachments,
            "AutoAcceptSharedAttachments",
        )?,
        default_route_table_association: flag(
            o.default_route_table_association,
            "DefaultRouteTableAssociation",
        )?,
        association_default_table: o.association_default_route_table_id,
        default_route_table_propagation: flag(
            o.default_route_table_propagation,
            "DefaultRouteTablePropagation",
        )?,
        propagation_default_table: o.propagation_default_route_table_id,
        vpn_ecmp_support: flag(o.vpn_ecmp_support, "VpnEcmpSupport")?,
        dns_support: flag(o.dns_support, "DnsSupport")?,
        security_group_referencing_support: flag(
            o.security_group_referencing_support,
            "SecurityGroupReferencingSupport",
        )?,
        multicast_support: None,
        add_cidr_blocks: o.add_transit_gateway_cidr_blocks.unwrap_or_default(),
        remove_cidr_blocks: o.remove_transit_gateway_cidr_blocks.unwrap_or_default(),
    };
    let tgw_id = input.transit_gateway_id;
    let who = ctx.caller();
    s.mutate(
        ctx,
        Command::Transit(TransitCommand::Modify { tgw_id, change }),
        |c, o| w::ModifyTransitGatewayResult {
            transit_gateway: Some(tgw_out(
                &who,
                &c.transit_gateways[outcome_id(o)],
                "modifying",
            )),
        },
    )
}

pub(super) fn delete_transit_gateway(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteTransitGatewayRequest,
) -> Result<w::DeleteTransitGatewayResult, ApiError> {
    dry_run(input.dry_run)?;
    let tgw_id = input.transit_gateway_id;
    let who = ctx.caller();
    let before = s.query(ctx, |c, who| {
        Ok(c.visible_transit_gateway(who, &tgw_id)?.clone())
    })?;
    command(s, ctx, TransitCommand::Delete { tgw_id })?;
    Ok(w::DeleteTransitGatewayResult {
        transit_gateway: Some(tgw_out(&who, &before, "deleting")),
    })
}

pub(super) fn describe_transit_gateways(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTransitGatewaysRequest,
) -> Result<w::DescribeTransitGatewaysResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.transit_gateway_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_transit_gateways(who, &ids, &filters, &page)?;
        Ok(w::DescribeTransitGatewaysResult {
            transit_gateways: Some(
                found
                    .into_iter()
                    .map(|g| tgw_out(who, g, "available"))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

fn attachment_options(
    dns: Option<String>,
    sg: Option<String>,
    ipv6: Option<String>,
    appliance: Option<String>,
) -> Result<VpcAttachmentOptionChange, ApiError> {
    Ok(VpcAttachmentOptionChange {
        dns_support: flag(dns, "DnsSupport")?,
        security_group_referencing_support: flag(sg, "SecurityGroupReferencingSupport")?,
        ipv6_support: flag(ipv6, "Ipv6Support")?,
        appliance_mode_support: flag(appliance, "ApplianceModeSupport")?,
    })
}

/// The state an attachment shows right after a change: AWS's transitional one.
fn settling(a: &TgwAttachment, transitional: &'static str) -> &'static str {
    if a.is_available() {
        transitional
    } else {
        a.state.as_str()
    }
}

pub(super) fn create_transit_gateway_vpc_attachment(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTransitGatewayVpcAttachmentRequest,
) -> Result<w::CreateTransitGatewayVpcAttachmentResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "transit-gateway-attachment")?;
    let o = input.options.unwrap_or_default();
    let options = attachment_options(
        o.dns_support,
        o.security_group_referencing_support,
        o.ipv6_support,
        o.appliance_mode_support,
    )?;
    let who = ctx.caller();
    let command = TransitCommand::Attach {
        tgw_id: input.transit_gateway_id,
        vpc_id: input.vpc_id,
        subnet_ids: input.subnet_ids,
        options,
        tags,
    };
    s.mutate(ctx, Command::Transit(command), |c, o| {
        let a = &c.tgw_attachments[outcome_id(o)];
        w::CreateTransitGatewayVpcAttachmentResult {
            transit_gateway_vpc_attachment: Some(attachment_out(&who, a, settling(a, "pending"))),
        }
    })
}

pub(super) fn modify_transit_gateway_vpc_attachment(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyTransitGatewayVpcAttachmentRequest,
) -> Result<w::ModifyTransitGatewayVpcAttachmentResult, ApiError> {
    dry_run(input.dry_run)?;
    let o = input.options.unwrap_or_default();
    let options = attachment_options(
        o.dns_support,
        o.security_group_referencing_support,
        o.ipv6_support,
        o.appliance_mode_support,
    )?;
    let who = ctx.caller();
    let command = TransitCommand::ModifyAttachment {
        attachment_id: input.transit_gateway_attachment_id,
        add_subnet_ids: input.add_subnet_ids.unwrap_or_default(),
        remove_subnet_ids: input.remove_subnet_ids.unwrap_or_default(),
        options,
    };
    s.mutate(ctx, Command::Transit(command), |c, o| {
        let a = &c.tgw_attachments[outcome_id(o)];
        w::ModifyTransitGatewayVpcAttachmentResult {
            transit_gateway_vpc_attachment: Some(attachment_out(&who, a, settling(a, "modifying"))),
        }
    })
}

macro_rules! attachment_change {
    ($name:ident, $request:ident, $result:ident, $make:expr, $state:expr) => {
        pub(super) fn $name(
            s: &Services,
            ctx: &mut Ctx,
            input: w::$request,
        ) -> Result<w::$result, ApiError> {
            dry_run(input.dry_run)?;
            let who = ctx.caller();
            let attachment_id = input.transit_gateway_attachment_id;
            s.mutate(ctx, Command::Transit($make(attachment_id)), |c, o| {
                let a = &c.tgw_attachments[outcome_id(o)];
                w::$result {
                    transit_gateway_vpc_attachment: Some(attachment_out(&who, a, $state(a))),
                }
            })
        }
    };
}

attachment_change!(
    accept_transit_gateway_vpc_attachment,
    AcceptTransitGatewayVpcAttachmentRequest,
    AcceptTransitGatewayVpcAttachmentResult,
    |attachment_id| TransitCommand::Answer {
        attachment_id,
        accept: true,
        peering: false,
    },
    |a: &TgwAttachment| settling(a, "pending")
);
attachment_change!(
    reject_transit_gateway_vpc_attachment,
    RejectTransitGatewayVpcAttachmentRequest,
    RejectTransitGatewayVpcAttachmentResult,
    |attachment_id| TransitCommand::Answer {
        attachment_id,
        accept: false,
        peering: false,
    },
    |_: &TgwAttachment| "rejecting"
);
attachment_change!(
    delete_transit_gateway_vpc_attachment,
    DeleteTransitGatewayVpcAttachmentRequest,
    DeleteTransitGatewayVpcAttachmentResult,
    |attachment_id| TransitCommand::DeleteAttachment {
        attachment_id,
        peering: false,
    },
    |_: &TgwAttachment| "deleting"
);

pub(super) fn describe_transit_gateway_vpc_attachments(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTransitGatewayVpcAttachmentsRequest,
) -> Result<w::DescribeTransitGatewayVpcAttachmentsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.transit_gateway_attachment_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (found, next) =
            c.describe_attachments(who, &ids, &filters, &page, now, AttachmentKind::Vpc)?;
        Ok(w::DescribeTransitGatewayVpcAttachmentsResult {
            transit_gateway_vpc_attachments: Some(
                found
                    .into_iter()
                    .map(|a| attachment_out(who, a, a.state.as_str()))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn describe_transit_gateway_attachments(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTransitGatewayAttachmentsRequest,
) -> Result<w::DescribeTransitGatewayAttachmentsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.transit_gateway_attachment_ids.unwrap_or_default();
    let now = s.engine.time();
    s.query(ctx, |c, who| {
        let (found, next) =
            c.describe_attachments(who, &ids, &filters, &page, now, AttachmentKind::Any)?;
        Ok(w::DescribeTransitGatewayAttachmentsResult {
            transit_gateway_attachments: Some(
                found
                    .into_iter()
                    .map(|a| {
                        let (tgw_id, tgw_owner) = a.local_gateway(who);
                        let (resource_type, resource_id, resource_owner) = a.resource(who);
                        w::TransitGatewayAttachment {
                            transit_gateway_attachment_id: owned(&a.id),
                            transit_gateway_id: owned(tgw_id),
                            transit_gateway_owner_id: owned(tgw_owner),
                            resource_owner_id: owned(resource_owner),
                            resource_type: owned(resource_type),
                            resource_id: owned(resource_id),
                            state: owned(a.state.as_str()),
                            association: c.association_of(tgw_id, &a.id).map(|t| {
                                w::TransitGatewayAttachmentAssociation {
                                    transit_gateway_route_table_id: owned(&t.id),
                                    state: owned("associated"),
                                }
                            }),
                            creation_time: Some(DateTime(a.created_at)),
                            tags: tags_out(a.tags_of(&who.account)),
                        }
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn create_transit_gateway_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTransitGatewayRouteTableRequest,
) -> Result<w::CreateTransitGatewayRouteTableResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "transit-gateway-route-table")?;
    let tgw_id = input.transit_gateway_id;
    s.mutate(
        ctx,
        Command::Transit(TransitCommand::Routes(TgwRouteCommand::CreateTable {
            tgw_id,
            tags,
        })),
        |c, o| w::CreateTransitGatewayRouteTableResult {
            transit_gateway_route_table: Some(table_out(
                c,
                &c.tgw_route_tables[outcome_id(o)],
                "pending",
            )),
        },
    )
}

pub(super) fn delete_transit_gateway_route_table(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteTransitGatewayRouteTableRequest,
) -> Result<w::DeleteTransitGatewayRouteTableResult, ApiError> {
    dry_run(input.dry_run)?;
    let table_id = input.transit_gateway_route_table_id;
    let before = s.query(ctx, |c, who| {
        let t = c.visible_tgw_route_table(who, &table_id)?;
        Ok(table_out(c, t, "deleting"))
    })?;
    routes_command(s, ctx, TgwRouteCommand::DeleteTable { table_id })?;
    Ok(w::DeleteTransitGatewayRouteTableResult {
        transit_gateway_route_table: Some(before),
    })
}

pub(super) fn describe_transit_gateway_route_tables(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTransitGatewayRouteTablesRequest,
) -> Result<w::DescribeTransitGatewayRouteTablesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.transit_gateway_route_table_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_tgw_route_tables(who, &ids, &filters, &page)?;
        Ok(w::DescribeTransitGatewayRouteTablesResult {
            transit_gateway_route_tables: Some(
                found
                    .into_iter()
                    .map(|t| table_out(c, t, "available"))
                    .collect(),
            ),
            next_token: next,
        })
    })
}

/// What an association or propagation names, seen from its table's gateway: the
/// attachment's resource id and type.
fn link(c: &Cloud, table_id: &str, attachment_id: &str) -> (Option<String>, Option<String>) {
    let tgw = c.tgw_route_tables.get(table_id).map(|t| t.tgw_id.as_str());
    c.tgw_attachments
        .get(attachment_id)
        .map(|a| {
            let (kind, id, _) = a.resource_from(tgw.unwrap_or_default());
            (Some(id.to_string()), Some(kind.to_string()))
        })
        .unwrap_or((None, None))
}

macro_rules! link_change {
    ($name:ident, $request:ident, $result:ident, $field:ident, $shape:ident, $variant:ident, $state:literal $(, $extra:ident)*) => {
        pub(super) fn $name(
            s: &Services,
            ctx: &mut Ctx,
            input: w::$request,
        ) -> Result<w::$result, ApiError> {
            dry_run(input.dry_run)?;
            let table_id = input.transit_gateway_route_table_id;
            let attachment_id = link_attachment(input.transit_gateway_attachment_id)?;
            let command = TgwRouteCommand::$variant {
                table_id: table_id.clone(),
                attachment_id: attachment_id.clone(),
            };
            s.mutate(
                ctx,
                Command::Transit(TransitCommand::Routes(command)),
                |c, _| {
                    let (resource_id, resource_type) = link(c, &table_id, &attachment_id);
                    w::$result {
                        $field: Some(w::$shape {
                            transit_gateway_route_table_id: Some(table_id.clone()),
                            transit_gateway_attachment_id: Some(attachment_id.clone()),
                            resource_id,
                            resource_type,
                            state: owned($state),
                            $($extra: None,)*
                        }),
                    }
                },
            )
        }
    };
}

fn link_attachment(id: impl Into<Option<String>>) -> Result<String, ApiError> {
    id.into()
        .ok_or_else(|| err(cloud::Error::missing("TransitGatewayAttachmentId")))
}

link_change!(
    associate_transit_gateway_route_table,
    AssociateTransitGatewayRouteTableRequest,
    AssociateTransitGatewayRouteTableResult,
    association,
    TransitGatewayAssociation,
    Associate,
    "associating"
);
link_change!(
    disassociate_transit_gateway_route_table,
    DisassociateTransitGatewayRouteTableRequest,
    DisassociateTransitGatewayRouteTableResult,
    association,
    TransitGatewayAssociation,
    Disassociate,
    "disassociating"
);
link_change!(
    enable_transit_gateway_route_table_propagation,
    EnableTransitGatewayRouteTablePropagationRequest,
    EnableTransitGatewayRouteTablePropagationResult,
    propagation,
    TransitGatewayPropagation,
    EnablePropagation,
    "enabling",
    transit_gateway_route_table_announcement_id
);
link_change!(
    disable_transit_gateway_route_table_propagation,
    DisableTransitGatewayRouteTablePropagationRequest,
    DisableTransitGatewayRouteTablePropagationResult,
    propagation,
    TransitGatewayPropagation,
    DisablePropagation,
    "disabling",
    transit_gateway_route_table_announcement_id
);

/// GetTransitGatewayRouteTableAssociations and …Propagations (their members are the same):
/// the table's linked attachments, each made into the answer's item by `item`.
macro_rules! table_links {
    ($name:ident, $request:ident, $result:ident, $list:ident, $propagations:literal, $item:expr) => {
        pub(super) fn $name(
            s: &Services,
            ctx: &mut Ctx,
            input: w::$request,
        ) -> Result<w::$result, ApiError> {
            dry_run(input.dry_run)?;
            let filters = filters(input.filters)?;
            let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
            let table_id = input.transit_gateway_route_table_id;
            s.query(ctx, |c, who| {
                let (found, next) =
                    c.table_attachments(who, &table_id, $propagations, &filters, &page)?;
                let tgw = c
                    .tgw_route_tables
                    .get(&table_id)
                    .map_or("", |t| t.tgw_id.as_str());
                Ok(w::$result {
                    $list: Some(
                        found
                            .into_iter()
                            .map(|a| $item(a.resource_from(tgw), a))
                            .collect(),
                    ),
                    next_token: next,
                })
            })
        }
    };
}

table_links!(
    get_transit_gateway_route_table_associations,
    GetTransitGatewayRouteTableAssociationsRequest,
    GetTransitGatewayRouteTableAssociationsResult,
    associations,
    false,
    |(kind, id, _): (&str, &str, &str), a: &TgwAttachment| w::TransitGatewayRouteTableAssociation {
        transit_gateway_attachment_id: owned(&a.id),
        resource_id: owned(id),
        resource_type: owned(kind),
        state: owned("associated"),
    }
);
table_links!(
    get_transit_gateway_route_table_propagations,
    GetTransitGatewayRouteTablePropagationsRequest,
    GetTransitGatewayRouteTablePropagationsResult,
    transit_gateway_route_table_propagations,
    true,
    |(kind, id, _): (&str, &str, &str), a: &TgwAttachment| w::TransitGatewayRouteTablePropagation {
        transit_gateway_attachment_id: owned(&a.id),
        resource_id: owned(id),
        resource_type: owned(kind),
        state: owned("enabled"),
        transit_gateway_route_table_announcement_id: None,
    }
);

fn tgw_destination(text: &str) -> Result<IpNet, ApiError> {
    text.parse::<IpNet>().map(|n| n.trunc()).map_err(|_| {
        invalid(format!(
            "Value ({text}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
        ))
    })
}

fn static_route(
    destination: &str,
    attachment: Option<String>,
    blackhole: Option<bool>,
) -> Result<TgwStaticRoute, ApiError> {
    // Terraform sends an empty attachment id beside Blackhole=true.
    let attachment = attachment.filter(|a| !a.is_empty());
    let attachment_id = match (attachment, blackhole.unwrap_or(false)) {
        (Some(_), true) => {
            return Err(err(cloud::Error::new(
                "InvalidParameterCombination",
                "A blackhole route does not take a transit gateway attachment.",
            )))
        }
        (None, false) => return Err(err(cloud::Error::missing("TransitGatewayAttachmentId"))),
        (a, _) => a,
    };
    Ok(TgwStaticRoute {
        destination: tgw_destination(destination)?,
        attachment_id,
    })
}

/// The route just written, as the table now shows it.
fn route_now(c: &Cloud, table_id: &str, destination: IpNet) -> Option<w::TransitGatewayRoute> {
    let t = c.tgw_route_tables.get(table_id)?;
    c.tgw_routes(t)
        .iter()
        .find(|r| r.destination == destination && !r.propagated)
        .map(route_out)
}

/// CreateTransitGatewayRoute and ReplaceTransitGatewayRoute (their members are the same): the
/// route as the table then shows it.
fn put_route(
    s: &Services,
    ctx: &mut Ctx,
    table_id: String,
    destination: &str,
    attachment: Option<String>,
    blackhole: Option<bool>,
    replace: bool,
) -> Result<Option<w::TransitGatewayRoute>, ApiError> {
    let route = static_route(destination, attachment, blackhole)?;
    let destination = route.destination;
    let command = TgwRouteCommand::PutRoute {
        table_id: table_id.clone(),
        route,
        replace,
    };
    s.mutate(
        ctx,
        Command::Transit(TransitCommand::Routes(command)),
        |c, _| route_now(c, &table_id, destination),
    )
}

pub(super) fn create_transit_gateway_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTransitGatewayRouteRequest,
) -> Result<w::CreateTransitGatewayRouteResult, ApiError> {
    dry_run(input.dry_run)?;
    let route = put_route(
        s,
        ctx,
        input.transit_gateway_route_table_id,
        &input.destination_cidr_block,
        input.transit_gateway_attachment_id,
        input.blackhole,
        false,
    )?;
    Ok(w::CreateTransitGatewayRouteResult { route })
}

pub(super) fn replace_transit_gateway_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ReplaceTransitGatewayRouteRequest,
) -> Result<w::ReplaceTransitGatewayRouteResult, ApiError> {
    dry_run(input.dry_run)?;
    let route = put_route(
        s,
        ctx,
        input.transit_gateway_route_table_id,
        &input.destination_cidr_block,
        input.transit_gateway_attachment_id,
        input.blackhole,
        true,
    )?;
    Ok(w::ReplaceTransitGatewayRouteResult { route })
}

pub(super) fn delete_transit_gateway_route(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteTransitGatewayRouteRequest,
) -> Result<w::DeleteTransitGatewayRouteResult, ApiError> {
    dry_run(input.dry_run)?;
    let destination = tgw_destination(&input.destination_cidr_block)?;
    let table_id = input.transit_gateway_route_table_id;
    let before = s.query(ctx, |c, who| {
        let t = c.visible_tgw_route_table(who, &table_id)?;
        Ok(c.tgw_routes(t)
            .iter()
            .find(|r| r.destination == destination && !r.propagated)
            .map(route_out))
    })?;
    routes_command(
        s,
        ctx,
        TgwRouteCommand::DeleteRoute {
            table_id,
            destination,
        },
    )?;
    Ok(w::DeleteTransitGatewayRouteResult {
        route: before.map(|mut r| {
            r.state = owned("deleting");
            r
        }),
    })
}

pub(super) fn search_transit_gateway_routes(
    s: &Services,
    ctx: &mut Ctx,
    input: w::SearchTransitGatewayRoutesRequest,
) -> Result<w::SearchTransitGatewayRoutesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(Some(input.filters))?;
    let limit = match input.max_results {
        None => 1000,
        Some(n) if (5..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(invalid(format!(
                "Value ({n}) for parameter maxResults is invalid. Expecting a value between 5 and 1000."
            )))
        }
    };
    let table_id = input.transit_gateway_route_table_id;
    s.query(ctx, |c, who| {
        let (routes, more) = c.search_tgw_routes(who, &table_id, &filters, limit)?;
        Ok(w::SearchTransitGatewayRoutesResult {
            routes: Some(routes.iter().map(route_out).collect()),
            additional_routes_available: Some(more),
            next_token: None,
        })
    })
}
