//! Flow logs: what an account asks to be recorded about the traffic of its VPCs, subnets,
//! interfaces and transit gateways, and where to. ramparts keeps and checks the configuration;
//! it delivers no records (there is no traffic, and no logs service here). A flow log whose
//! resource is gone is gone with it, as AWS deletes it.

use crate::error::{Error, Result};
use crate::filter::{self, Filter, Filterable};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Region, Tag};
use crate::tags::validate_tags;
use crate::visibility::Caller;
use crate::{Cloud, Outcome, Page, Paged};
use serde::{Deserialize, Serialize};

/// AWS's default record format.
pub const DEFAULT_FORMAT: &str = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";
pub const RESOURCES_PER_REQUEST: usize = 1000;
pub const TRANSIT_RESOURCES_PER_REQUEST: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Options {
    pub file_format: String,
    pub hive_compatible_partitions: bool,
    pub per_hour_partition: bool,
}

/// Where records would go and how, as a request asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLogSpec {
    pub resource_type: String,
    pub traffic_type: Option<String>,
    pub destination_type: String,
    pub destination: Option<String>,
    pub log_group_name: Option<String>,
    pub permission_arn: Option<String>,
    pub cross_account_role: Option<String>,
    pub log_format: Option<String>,
    pub max_aggregation_interval: Option<i32>,
    pub s3_options: Option<S3Options>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    pub owner: AccountId,
    pub region: Region,
    pub resource_id: String,
    pub spec: FlowLogSpec,
    pub created_at: Millis,
    pub tags: Vec<Tag>,
}

impl FlowLog {
    pub fn log_format(&self) -> &str {
        self.spec.log_format.as_deref().unwrap_or(DEFAULT_FORMAT)
    }

    pub fn max_aggregation_interval(&self) -> i32 {
        if self.spec.resource_type.starts_with("TransitGateway") {
            60
        } else {
            self.spec.max_aggregation_interval.unwrap_or(600)
        }
    }

    /// The log group, named or taken from a CloudWatch Logs destination ARN.
    pub fn log_group(&self) -> Option<String> {
        if self.spec.destination_type != "cloud-watch-logs" {
            return None;
        }
        self.spec.log_group_name.clone().or_else(|| {
            let arn = self.spec.destination.as_deref()?;
            let name = arn.split_once(":log-group:")?.1;
            Some(name.trim_end_matches(":*").to_string())
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlowLogCommand {
    Create {
        resource_ids: Vec<String>,
        spec: Box<FlowLogSpec>,
        tags: Vec<Tag>,
    },
    Delete {
        flow_log_ids: Vec<String>,
    },
}

pub const FLOW_LOG_FILTERS: &[&str] = &[
    "deliver-log-status",
    "log-destination-type",
    "flow-log-id",
    "log-group-name",
    "resource-id",
    "traffic-type",
];

impl Filterable for FlowLog {
    fn filter_values(&self, name: &str) -> Option<Vec<String>> {
        Some(match name {
            "deliver-log-status" => vec!["SUCCESS".into()],
            "log-destination-type" => vec![self.spec.destination_type.clone()],
            "flow-log-id" => vec![self.id.clone()],
            "log-group-name" => self.log_group().into_iter().collect(),
            "resource-id" => vec![self.resource_id.clone()],
            "traffic-type" => self.spec.traffic_type.iter().cloned().collect(),
            _ => return None,
        })
    }
    fn tags(&self) -> &[Tag] {
        &self.tags
    }
}

/// Check a request's settings (not its resources) as AWS does.
fn check_spec(region: &str, spec: &FlowLogSpec) -> Result<()> {
    let transit = spec.resource_type.starts_with("TransitGateway");
    if !matches!(
        spec.resource_type.as_str(),
        "VPC" | "Subnet" | "NetworkInterface" | "TransitGateway" | "TransitGatewayAttachment"
    ) {
        return Err(Error::invalid_value(format!(
            "Value ({}) for parameter resourceType is invalid.",
            spec.resource_type
        )));
    }
    match spec.traffic_type.as_deref() {
        Some("ACCEPT" | "REJECT" | "ALL") => {}
        None if transit => {}
        None => return Err(Error::missing("TrafficType")),
        Some(other) => {
            return Err(Error::invalid_value(format!(
                "Value ({other}) for parameter trafficType is invalid."
            )))
        }
    }
    if let Some(i) = spec.max_aggregation_interval {
        if !matches!(i, 60 | 600) {
            return Err(Error::invalid_value(format!(
                "Value ({i}) for parameter maxAggregationInterval is invalid. Valid values are 60 and 600."
            )));
        }
    }
    if let Some(f) = &spec.log_format {
        if !f.contains("${") {
            return Err(Error::invalid_value(format!(
                "Value ({f}) for parameter logFormat is invalid: fields are given as ${{field}}."
            )));
        }
    }
    let arn_of = |service: &str| {
        spec.destination
            .as_deref()
            .is_some_and(|d| d.starts_with(&format!("arn:aws:{service}:")))
    };
    match spec.destination_type.as_str() {
        "cloud-watch-logs" => {
            if spec.permission_arn.is_none() {
                return Err(Error::missing("DeliverLogsPermissionArn"));
            }
            match (&spec.log_group_name, &spec.destination) {
                (Some(_), None) => {}
                (None, Some(_)) if arn_of("logs") => {}
                (None, Some(d)) => {
                    return Err(Error::invalid_value(format!(
                        "LogDestination {d} is not a CloudWatch Logs log group ARN."
                    )))
                }
                (Some(_), Some(_)) => {
                    return Err(Error::new(
                        "InvalidParameterCombination",
                        "Specify either LogGroupName or LogDestination, not both.",
                    ))
                }
                (None, None) => return Err(Error::missing("LogGroupName or LogDestination")),
            }
        }
        "s3" | "kinesis-data-firehose" => {
            let (service, what) = if spec.destination_type == "s3" {
                ("s3", "an S3 bucket ARN")
            } else {
                ("firehose", "a Kinesis Data Firehose delivery stream ARN")
            };
            if !arn_of(service) {
                return Err(Error::invalid_value(format!(
                    "LogDestination must be {what} for log destination type {}.",
                    spec.destination_type
                )));
            }
            if spec.log_group_name.is_some() {
                return Err(Error::new(
                    "InvalidParameterCombination",
                    "LogGroupName applies only to CloudWatch Logs destinations.",
                ));
            }
            if service == "firehose"
                && !spec
                    .destination
                    .as_deref()
                    .is_some_and(|d| d.contains(&format!(":{region}:")))
            {
                return Err(Error::invalid_value(
                    "The delivery stream must be in the flow log's Region.",
                ));
            }
        }
        other => {
            return Err(Error::invalid_value(format!(
                "Value ({other}) for parameter logDestinationType is invalid."
            )))
        }
    }
    if let Some(o) = &spec.s3_options {
        if spec.destination_type != "s3" {
            return Err(Error::new(
                "InvalidParameterCombination",
                "DestinationOptions apply only to S3 destinations.",
            ));
        }
        if !matches!(o.file_format.as_str(), "plain-text" | "parquet") {
            return Err(Error::invalid_value(format!(
                "Value ({}) for parameter fileFormat is invalid.",
                o.file_format
            )));
        }
    }
    Ok(())
}

impl Cloud {
    pub fn sees_flow_log(&self, c: &Caller, f: &FlowLog) -> bool {
        c.region == f.region && c.account == f.owner && self.flow_log_resource_exists(f)
    }

    fn flow_log_resource_exists(&self, f: &FlowLog) -> bool {
        let id = f.resource_id.as_str();
        match f.spec.resource_type.as_str() {
            "VPC" => self.vpcs.contains_key(id),
            "Subnet" => self.subnets.contains_key(id),
            "NetworkInterface" => self.interfaces.contains_key(id),
            "TransitGateway" => self.transit_gateways.contains_key(id),
            _ => self
                .tgw_attachments
                .get(id)
                .is_some_and(|a| a.is_available()),
        }
    }

    /// Why the caller may not log this resource, if it may not: it must be the caller's own
    /// (a participant logs its own interfaces in a shared subnet, not the owner's VPC).
    fn flow_log_refusal(&self, c: &Caller, kind: &str, id: &str) -> Option<(String, String)> {
        let found = match kind {
            "VPC" => self.visible_vpc(c, id).map(|v| v.owner == c.account),
            "Subnet" => self.visible_subnet(c, id).map(|s| s.owner == c.account),
            "NetworkInterface" => self.visible_interface(c, id).map(|e| e.owner == c.account),
            "TransitGateway" => self
                .visible_transit_gateway(c, id)
                .map(|g| g.owner == c.account),
            _ => self
                .tgw_attachments
                .get(id)
                .filter(|a| self.sees_attachment(c, a) && a.is_available())
                .map(|a| a.owner == c.account || a.tgw_owner == c.account)
                .ok_or_else(|| crate::transit::no_attachment(id)),
        };
        match found {
            Ok(true) => None,
            Ok(false) => {
                let e = Error::unauthorized();
                Some((e.code.to_string(), e.message))
            }
            Err(e) => Some((e.code.to_string(), e.message)),
        }
    }

    pub(crate) fn flow_log_execute(
        &mut self,
        c: &Caller,
        ids: &mut Ids,
        at: Millis,
        command: &FlowLogCommand,
    ) -> Result<Outcome> {
        match command {
            FlowLogCommand::Create {
                resource_ids,
                spec,
                tags,
            } => {
                validate_tags(tags)?;
                check_spec(&c.region, spec)?;
                let most = if spec.resource_type.starts_with("TransitGateway") {
                    TRANSIT_RESOURCES_PER_REQUEST
                } else {
                    RESOURCES_PER_REQUEST
                };
                if resource_ids.is_empty() || resource_ids.len() > most {
                    return Err(Error::invalid_value(format!(
                        "Between 1 and {most} resource ids may be given for {}.",
                        spec.resource_type
                    )));
                }
                let mut made = Vec::new();
                let mut failed = Vec::new();
                for id in resource_ids {
                    if let Some((code, message)) = self.flow_log_refusal(c, &spec.resource_type, id)
                    {
                        failed.push((id.clone(), code, message));
                        continue;
                    }
                    let duplicate = self.flow_logs.values().any(|f| {
                        f.owner == c.account
                            && f.resource_id == *id
                            && f.spec.traffic_type == spec.traffic_type
                            && f.spec.destination_type == spec.destination_type
                            && f.spec.destination == spec.destination
                            && f.spec.log_group_name == spec.log_group_name
                    });
                    if duplicate {
                        failed.push((
                            id.clone(),
                            "FlowLogAlreadyExists".into(),
                            "Error. There is an existing Flow Log with the same configuration and log destination.".into(),
                        ));
                        continue;
                    }
                    let fl = ids.id("fl");
                    self.flow_logs.insert(
                        fl.clone(),
                        FlowLog {
                            id: fl.clone(),
                            owner: c.account.clone(),
                            region: c.region.clone(),
                            resource_id: id.clone(),
                            spec: (**spec).clone(),
                            created_at: at,
                            tags: tags.clone(),
                        },
                    );
                    made.push(fl);
                }
                Ok(Outcome::Batch { made, failed })
            }
            FlowLogCommand::Delete { flow_log_ids } => {
                let mut failed = Vec::new();
                for id in flow_log_ids {
                    let mine = self
                        .flow_logs
                        .get(id)
                        .is_some_and(|f| self.sees_flow_log(c, f));
                    if mine {
                        self.flow_logs.remove(id);
                    } else {
                        failed.push((
                            id.clone(),
                            "InvalidFlowLogId.NotFound".into(),
                            format!("Flow log {id} does not exist"),
                        ));
                    }
                }
                Ok(Outcome::Batch {
                    made: Vec::new(),
                    failed,
                })
            }
        }
    }

    pub fn visible_flow_log(&self, c: &Caller, id: &str) -> Result<&FlowLog> {
        self.flow_logs
            .get(id)
            .filter(|f| self.sees_flow_log(c, f))
            .ok_or_else(|| {
                Error::new(
                    "InvalidFlowLogId.NotFound",
                    format!("Flow log {id} does not exist"),
                )
            })
    }

    pub fn describe_flow_logs(
        &self,
        c: &Caller,
        ids: &[String],
        filters: &[Filter],
        page: &Page,
    ) -> Result<Paged<&FlowLog>> {
        filter::validate(filters, FLOW_LOG_FILTERS)?;
        let mut found: Vec<&FlowLog> = self
            .flow_logs
            .values()
            .filter(|f| self.sees_flow_log(c, f))
            .filter(|f| ids.is_empty() || ids.contains(&f.id))
            .filter(|f| filter::matches(*f, filters))
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        page.apply(found.into_iter(), |f| &f.id)
    }
}
