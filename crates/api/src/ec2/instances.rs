//! Instances: run, describe, terminate.

use super::*;

pub(super) fn run_instances(
    s: &Services,
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
            associate_public_ip: ni.associate_public_ip_address,
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
    s.mutate(ctx, Command::RunInstances(spec), |c, o| {
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

pub(super) fn describe_instances(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeInstancesRequest,
) -> Result<w::DescribeInstancesResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, DESCRIBE_BOUNDS)?;
    let ids = input.instance_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
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

pub(super) fn terminate_instances(
    s: &Services,
    ctx: &mut Ctx,
    input: w::TerminateInstancesRequest,
) -> Result<w::TerminateInstancesResult, ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::TerminateInstances {
        instance_ids: input.instance_ids,
    };
    s.mutate(ctx, command, |_, o| {
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
