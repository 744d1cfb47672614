//! Reachability for people: one line per question ("can A reach B on tcp/443, and why or why
//! not", the blocking component named).

use crate::ports::PortSet;
use crate::reach::Query;
use cloud::insights::{Explanation, Findings, Ref};

/// The ports of a question as people write them: `443`, `1024-65535`, `all`.
pub fn ports_label(p: &PortSet) -> String {
    match p.ranges() {
        [(0, u16::MAX)] => "all".into(),
        ranges => ranges
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// The component an explanation blames, most specific first.
fn blamed(e: &Explanation) -> Option<&Ref> {
    [
        &e.acl,
        &e.route_table,
        &e.tgw_route_table,
        &e.tgw_attachment,
        &e.peering,
        &e.internet_gateway,
        &e.nat_gateway,
        &e.network_interface,
        &e.component,
        &e.transit_gateway,
        &e.vpc,
    ]
    .into_iter()
    .find_map(|r| r.as_ref())
}

/// `eni-a -> eni-b tcp/443: reachable (sg-…, acl-…, rtb-…, …)` or
/// `…: not reachable: ENI_SG_RULES_MISMATCH at eni-b (ingress)`.
pub fn line(q: &Query, f: &Findings) -> String {
    let to = q
        .destination
        .clone()
        .or(q.destination_ip.map(|a| a.to_string()))
        .unwrap_or_default();
    let head = format!(
        "{} -> {to} {}/{}",
        q.source,
        q.protocol.name(),
        ports_label(&q.destination_ports)
    );
    if f.path_found {
        let via: Vec<&str> = f
            .forward
            .iter()
            .filter_map(|h| h.component.as_ref().map(|c| c.id.as_str()))
            .filter(|id| *id != q.source && Some(*id) != q.destination.as_deref())
            .collect();
        return format!("{head}: reachable via {}", via.join(", "));
    }
    let why: Vec<String> = f
        .explanations
        .iter()
        .map(|e| {
            let mut s = e.code.clone();
            if let Some(r) = blamed(e) {
                s.push_str(&format!(" at {}", r.id));
            }
            if let Some(d) = &e.direction {
                s.push_str(&format!(" ({d})"));
            }
            if let Some(rule) = &e.acl_rule {
                s.push_str(&format!(" rule {}", rule.rule_number));
            }
            s
        })
        .collect();
    format!("{head}: not reachable: {}", why.join("; "))
}
