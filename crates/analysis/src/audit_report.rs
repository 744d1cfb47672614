//! Audit findings for people (a table), for programs (JSON) and for code-scanning UIs (SARIF
//! 2.1.0: one run, the rule set as the driver's rules, one result per finding located by the
//! resource's ARN).

use crate::audit::{Finding, Severity, CHECKS};
use serde_json::{json, Value};

pub fn table(findings: &[Finding]) -> String {
    let mut out = String::new();
    let width = |f: fn(&Finding) -> usize| findings.iter().map(f).max().unwrap_or(0);
    let (w_rule, w_account) = (
        width(|f| f.check.id.len()).max(4),
        width(|f| f.account.len()).max(7),
    );
    out.push_str(&format!(
        "{:<8} {:<w_rule$} {:<w_account$} {}\n",
        "SEVERITY", "RULE", "ACCOUNT", "FINDING"
    ));
    for f in findings {
        out.push_str(&format!(
            "{:<8} {:<w_rule$} {:<w_account$} {}\n",
            f.check.severity.name(),
            f.check.id,
            f.account,
            f.message
        ));
        out.push_str(&format!(
            "{:<8} {:<w_rule$} {:<w_account$}   {}\n",
            "", "", "", f.resource
        ));
    }
    let count = |s: Severity| findings.iter().filter(|f| f.check.severity == s).count();
    out.push_str(&format!(
        "{} findings: {} critical, {} high, {} medium, {} low, {} info\n",
        findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    ));
    out
}

pub fn json(findings: &[Finding]) -> Value {
    json!({
        "findings": findings.iter().map(|f| json!({
            "rule": f.check.id,
            "title": f.check.title,
            "severity": f.check.severity.name(),
            "account": f.account,
            "region": f.region,
            "resource": f.resource,
            "message": f.message,
            "evidence": f.evidence,
            "remediation": f.check.remediation,
        })).collect::<Vec<_>>(),
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's scale for `security-severity`.
fn score(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub fn sarif(findings: &[Finding], version: &str) -> Value {
    let rules: Vec<Value> = CHECKS
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.title.replace(' ', ""),
                "shortDescription": { "text": c.title },
                "help": { "text": c.remediation },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": { "security-severity": score(c.severity), "tags": ["security"] },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = CHECKS.iter().position(|c| c.id == f.check.id).unwrap_or(0);
            json!({
                "ruleId": f.check.id,
                "ruleIndex": index,
                "level": level(f.check.severity),
                "message": { "text": f.message },
                "locations": [{
                    "logicalLocations": [{ "fullyQualifiedName": f.resource, "kind": "resource" }],
                }],
                "partialFingerprints": { "resource/rule": format!("{}/{}", f.resource, f.check.id) },
                "properties": {
                    "account": f.account,
                    "region": f.region,
                    "severity": f.check.severity.name(),
                    "evidence": f.evidence,
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ramparts",
                "version": version,
                "informationUri": "https://github.com/ramparts/ramparts",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
