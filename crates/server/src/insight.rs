//! `GET /_ramparts/reach`: reachability over the whole state, for `ramparts reach` and CI
//! scripts. It sees every account (it is the local operator's view, like `/_ramparts/reset`);
//! the AWS API's NetworkInsights operations answer within one account's rights.
//!
//! `?source=eni-…&destination=eni-…|igw-…&protocol=tcp&port=443` asks one question
//! (`destination_ip`, `source_ip` and a `port` range `a-b` may be given); `?all=vpc-…` or
//! `?all=<account>` asks it of every pair of interfaces there, listing the pairs found.

use analysis::ports::PortSet;
use analysis::report;
use analysis::{Protocol, Query};
use axum::http::StatusCode;
use std::collections::HashMap;
use std::net::Ipv4Addr;

fn ports(text: Option<&String>) -> Result<PortSet, String> {
    let Some(text) = text.filter(|t| !t.is_empty() && *t != "all") else {
        return Ok(PortSet::all());
    };
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
        (Ok(a), Ok(b)) if a <= b => Ok(PortSet::range(a, b)),
        _ => Err(format!(
            "port must be a number, a range a-b or `all`, not {text:?}"
        )),
    }
}

fn address(params: &HashMap<String, String>, key: &str) -> Result<Option<Ipv4Addr>, String> {
    params
        .get(key)
        .map(|t| {
            t.parse::<Ipv4Addr>()
                .map_err(|_| format!("{key} must be an IPv4 address"))
        })
        .transpose()
}

/// The answer (status and JSON body) to one request's query string.
pub fn reach(cloud: &cloud::Cloud, raw_query: &str) -> (StatusCode, serde_json::Value) {
    let params: HashMap<String, String> = form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let bad = |m: String| (StatusCode::BAD_REQUEST, serde_json::json!({ "error": m }));
    let protocol = match Protocol::parse(params.get("protocol").map_or("tcp", String::as_str)) {
        Some(p) => p,
        None => return bad("protocol must be tcp or udp".into()),
    };
    let destination_ports = match ports(params.get("port")) {
        Ok(p) => p,
        Err(m) => return bad(m),
    };
    let (pairs, answers) = if let Some(scope) = params.get("all") {
        let m = analysis::matrix::matrix(cloud, scope, protocol, &destination_ports);
        (m.pairs, m.found)
    } else {
        let Some(source) = params.get("source") else {
            return bad("give source (and destination or destination_ip), or all".into());
        };
        let (source_ip, destination_ip) = match (
            address(&params, "source_ip"),
            address(&params, "destination_ip"),
        ) {
            (Ok(s), Ok(d)) => (s, d),
            (Err(m), _) | (_, Err(m)) => return bad(m),
        };
        let q = Query {
            source: source.clone(),
            destination: params.get("destination").cloned(),
            source_ip,
            destination_ip,
            protocol,
            source_ports: PortSet::all(),
            destination_ports,
        };
        let f = analysis::analyze(cloud, &q);
        (1, vec![(q, f)])
    };
    // A matrix lists the pairs found (all of them would be most of a million lines).
    let results: Vec<serde_json::Value> = answers
        .iter()
        .map(|(q, f)| {
            serde_json::json!({
                "source": q.source,
                "destination": q.destination.clone().or(q.destination_ip.map(|a| a.to_string())),
                "protocol": q.protocol.name(),
                "ports": report::ports_label(&q.destination_ports),
                "reachable": f.path_found,
                "path": f.forward.iter().filter_map(|h| h.component.as_ref().map(|c| c.id.clone())).collect::<Vec<_>>(),
                "explanations": f.explanations.iter().map(|e| e.code.clone()).collect::<Vec<_>>(),
                "line": report::line(q, f),
            })
        })
        .collect();
    (
        StatusCode::OK,
        serde_json::json!({ "pairs": pairs, "reachable": answers.iter().filter(|(_, f)| f.path_found).count(), "results": results }),
    )
}

/// `/_ramparts/audit?format=table|json|sarif`: every check over every account. A POST body
/// holds the settings as TOML (trusted accounts, how long an invitation may wait,
/// conventions). The worst severity found is in `x-ramparts-worst-severity`, for gates.
pub fn audit(
    cloud: &cloud::Cloud,
    raw_query: &str,
    settings_toml: &str,
    now: cloud::Millis,
) -> (StatusCode, &'static str, String, Option<&'static str>) {
    use analysis::{audit, audit_report};
    let params: HashMap<String, String> = form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let bad = |m: String| {
        (
            StatusCode::BAD_REQUEST,
            "application/json",
            serde_json::json!({ "error": m }).to_string(),
            None,
        )
    };
    let mut settings = if settings_toml.trim().is_empty() {
        audit::Settings::default()
    } else {
        match audit::Settings::from_toml(settings_toml) {
            Ok(s) => s,
            Err(e) => return bad(format!("audit settings: {e}")),
        }
    };
    settings.now = now;
    let findings = audit::audit(cloud, &settings);
    let worst = findings
        .iter()
        .map(|f| f.check.severity)
        .max()
        .map(|s| s.name());
    match params.get("format").map_or("json", String::as_str) {
        "table" => (
            StatusCode::OK,
            "text/plain; charset=utf-8",
            audit_report::table(&findings),
            worst,
        ),
        "json" => (
            StatusCode::OK,
            "application/json",
            audit_report::json(&findings).to_string(),
            worst,
        ),
        "sarif" => (
            StatusCode::OK,
            "application/sarif+json",
            audit_report::sarif(&findings, env!("CARGO_PKG_VERSION")).to_string(),
            worst,
        ),
        other => bad(format!(
            "format must be table, json or sarif, not {other:?}"
        )),
    }
}
