//! Flow logs: created per resource (with per-resource failures), described, deleted.

use super::*;
use cloud::flow_logs::{FlowLog, FlowLogCommand, FlowLogSpec, S3Options};
use wire::DateTime;

fn unsuccessful(failed: &[(String, String, String)]) -> Vec<w::UnsuccessfulItem> {
    failed
        .iter()
        .map(|(id, code, message)| w::UnsuccessfulItem {
            error: Some(w::UnsuccessfulItemError {
                code: Some(code.clone()),
                message: Some(message.clone()),
            }),
            resource_id: Some(id.clone()),
        })
        .collect()
}

fn flow_log_out(f: &FlowLog) -> w::FlowLog {
    let s = &f.spec;
    w::FlowLog {
        creation_time: Some(DateTime(f.created_at)),
        deliver_logs_permission_arn: s.permission_arn.clone(),
        deliver_cross_account_role: s.cross_account_role.clone(),
        deliver_logs_status: owned("SUCCESS"),
        flow_log_id: owned(&f.id),
        flow_log_status: owned("ACTIVE"),
        log_group_name: f.log_group(),
        resource_id: owned(&f.resource_id),
        traffic_type: s.traffic_type.clone(),
        log_destination_type: owned(&s.destination_type),
        log_destination: s.destination.clone(),
        log_format: owned(f.log_format()),
        tags: tags_out(&f.tags),
        max_aggregation_interval: Some(f.max_aggregation_interval()),
        destination_options: s
            .s3_options
            .as_ref()
            .map(|o| w::DestinationOptionsResponse {
                file_format: owned(&o.file_format),
                hive_compatible_partitions: Some(o.hive_compatible_partitions),
                per_hour_partition: Some(o.per_hour_partition),
            }),
        deliver_logs_error_message: None,
    }
}

pub(super) fn create_flow_logs(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateFlowLogsRequest,
) -> Result<w::CreateFlowLogsResult, ApiError> {
    dry_run(input.dry_run)?;
    let tags = tag_specs(input.tag_specifications, "vpc-flow-log")?;
    if input.resource_type == "RegionalNatGateway" {
        return Err(ApiError::not_implemented(
            "ec2",
            "flow logs of regional NAT gateways",
        ));
    }
    let spec = FlowLogSpec {
        resource_type: input.resource_type,
        traffic_type: input.traffic_type,
        destination_type: input
            .log_destination_type
            .unwrap_or_else(|| "cloud-watch-logs".into()),
        destination: input.log_destination,
        log_group_name: input.log_group_name,
        permission_arn: input.deliver_logs_permission_arn,
        cross_account_role: input.deliver_cross_account_role,
        log_format: input.log_format,
        max_aggregation_interval: input.max_aggregation_interval,
        s3_options: input.destination_options.map(|o| S3Options {
            file_format: o.file_format.unwrap_or_else(|| "plain-text".into()),
            hive_compatible_partitions: o.hive_compatible_partitions.unwrap_or(false),
            per_hour_partition: o.per_hour_partition.unwrap_or(false),
        }),
    };
    let command = FlowLogCommand::Create {
        resource_ids: input.resource_ids,
        spec: Box::new(spec),
        tags,
    };
    let client_token = input.client_token;
    let o = s.mutate(ctx, Command::FlowLog(command), |_, o| o.clone())?;
    let Outcome::Batch { made, failed } = o else {
        return Err(err(cloud::Error::new(
            "InternalError",
            "unexpected outcome",
        )));
    };
    Ok(w::CreateFlowLogsResult {
        client_token,
        flow_log_ids: Some(made),
        unsuccessful: Some(unsuccessful(&failed)),
    })
}

pub(super) fn delete_flow_logs(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteFlowLogsRequest,
) -> Result<w::DeleteFlowLogsResult, ApiError> {
    dry_run(input.dry_run)?;
    if input.flow_log_ids.is_empty() {
        return Err(err(cloud::Error::missing("FlowLogId")));
    }
    let command = FlowLogCommand::Delete {
        flow_log_ids: input.flow_log_ids,
    };
    let o = s.mutate(ctx, Command::FlowLog(command), |_, o| o.clone())?;
    let failed = match &o {
        Outcome::Batch { failed, .. } => failed.as_slice(),
        _ => &[],
    };
    Ok(w::DeleteFlowLogsResult {
        unsuccessful: Some(unsuccessful(failed)),
    })
}

pub(super) fn describe_flow_logs(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeFlowLogsRequest,
) -> Result<w::DescribeFlowLogsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filter)?;
    let page = page(input.max_results, input.next_token, (1, 1000))?;
    let ids = input.flow_log_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (found, next) = c.describe_flow_logs(who, &ids, &filters, &page)?;
        Ok(w::DescribeFlowLogsResult {
            flow_logs: Some(found.into_iter().map(flow_log_out).collect()),
            next_token: next,
        })
    })
}
