//! What an account sees of a Region: its zones, the Regions, its attributes.

use super::*;

pub(super) fn describe_availability_zones(
    _: &Services,
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

pub(super) fn describe_regions(
    _: &Services,
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

pub(super) fn describe_account_attributes(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeAccountAttributesRequest,
) -> Result<w::DescribeAccountAttributesResult, ApiError> {
    dry_run(input.dry_run)?;
    let default_vpc = s.query(ctx, |c, who| Ok(c.default_vpc(who).map(|v| v.id.clone())))?;
    let limits = s.engine.read(|c| c.limits.clone());
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
