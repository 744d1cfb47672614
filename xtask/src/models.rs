//! Trim botocore's service models to what ramparts needs.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Service name as used in the allow-list → botocore data folder.
pub const SERVICES: &[(&str, &str)] = &[
    ("ec2", "ec2/2016-11-15"),
    ("sts", "sts/2011-06-15"),
    ("iam", "iam/2010-05-08"),
    ("ram", "ram/2018-01-04"),
    ("organizations", "organizations/2016-11-28"),
];

const SHAPE_KEYS: &[&str] = &[
    "type",
    "required",
    "enum",
    "min",
    "max",
    "flattened",
    "exception",
    "fault",
    "error",
];
const MEMBER_KEYS: &[&str] = &[
    "shape",
    "locationName",
    "queryName",
    "location",
    "flattened",
    "idempotencyToken",
    "timestampFormat",
    "jsonvalue",
];

pub fn allowlist(root: &Path) -> Result<BTreeMap<String, Vec<String>>, String> {
    let path = root.join("crates/wire/models/allowlist.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let service = words.next().unwrap_or_default().to_string();
        out.entry(service)
            .or_default()
            .extend(words.map(str::to_string));
    }
    Ok(out)
}

fn default_botocore() -> Result<PathBuf, String> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import botocore, os; print(os.path.dirname(botocore.__file__))",
        ])
        .output()
        .map_err(|e| format!("cannot run python3 to find botocore: {e}"))?;
    if !out.status.success() {
        return Err("botocore is not importable; pass --botocore DIR".into());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("data"))
}

fn read_model(dir: &Path, rel: &str) -> Result<Value, String> {
    let base = dir.join(rel);
    let gz = base.join("service-2.json.gz");
    let text = if gz.exists() {
        let file = std::fs::File::open(&gz).map_err(|e| format!("{}: {e}", gz.display()))?;
        let mut s = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut s)
            .map_err(|e| format!("{}: {e}", gz.display()))?;
        s
    } else {
        let plain = base.join("service-2.json");
        std::fs::read_to_string(&plain).map_err(|e| format!("{}: {e}", plain.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("{rel}: {e}"))
}

fn pick(from: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for k in keys {
        if let Some(v) = from.get(*k) {
            out.insert((*k).to_string(), v.clone());
        }
    }
    out
}

fn reach(shapes: &Map<String, Value>, name: &str, seen: &mut BTreeSet<String>) {
    if !seen.insert(name.to_string()) {
        return;
    }
    let shape = &shapes[name];
    if let Some(members) = shape.get("members").and_then(Value::as_object) {
        for m in members.values() {
            reach(shapes, m["shape"].as_str().unwrap_or_default(), seen);
        }
    }
    for k in ["member", "key", "value"] {
        if let Some(s) = shape
            .get(k)
            .and_then(|m| m.get("shape"))
            .and_then(Value::as_str)
        {
            reach(shapes, s, seen);
        }
    }
}

fn trim(model: &Value, allowed: &[String]) -> Result<Value, String> {
    let ops = model["operations"]
        .as_object()
        .ok_or("model has no operations")?;
    let shapes = model["shapes"].as_object().ok_or("model has no shapes")?;
    let wanted: Vec<&String> = if allowed.iter().any(|a| a == "*") {
        ops.keys().collect()
    } else {
        allowed.iter().collect()
    };
    let mut seen = BTreeSet::new();
    let mut operations = Map::new();
    for name in &wanted {
        let op = ops
            .get(name.as_str())
            .ok_or_else(|| format!("operation {name} is not in the model"))?;
        let mut out = Map::new();
        out.insert("http".into(), op["http"].clone());
        for k in ["input", "output"] {
            if let Some(s) = op
                .get(k)
                .and_then(|v| v.get("shape"))
                .and_then(Value::as_str)
            {
                out.insert(k.into(), json!(s));
                reach(shapes, s, &mut seen);
            }
        }
        if let Some(w) = op.pointer("/output/resultWrapper") {
            out.insert("resultWrapper".into(), w.clone());
        }
        if let Some(errors) = op.get("errors").and_then(Value::as_array) {
            let names: Vec<Value> = errors.iter().map(|e| e["shape"].clone()).collect();
            for e in &names {
                reach(shapes, e.as_str().unwrap_or_default(), &mut seen);
            }
            out.insert("errors".into(), Value::Array(names));
        }
        operations.insert((*name).clone(), Value::Object(out));
    }
    let mut trimmed = Map::new();
    for name in &seen {
        let shape = &shapes[name];
        let mut out = pick(shape, SHAPE_KEYS);
        if let Some(members) = shape.get("members").and_then(Value::as_object) {
            let mut ms = Map::new();
            for (mname, m) in members {
                ms.insert(mname.clone(), Value::Object(pick(m, MEMBER_KEYS)));
            }
            out.insert("members".into(), Value::Object(ms));
        }
        for k in ["member", "key", "value"] {
            if let Some(m) = shape.get(k) {
                out.insert(k.into(), Value::Object(pick(m, MEMBER_KEYS)));
            }
        }
        trimmed.insert(name.clone(), Value::Object(out));
    }
    let others: Vec<&String> = ops
        .keys()
        .filter(|k| !operations.contains_key(*k))
        .collect();
    let meta = pick(
        &model["metadata"],
        &[
            "apiVersion",
            "endpointPrefix",
            "protocol",
            "jsonVersion",
            "targetPrefix",
            "xmlNamespace",
            "signingName",
            "serviceId",
        ],
    );
    Ok(json!({
        "metadata": meta,
        "operations": operations,
        "unimplemented": others,
        "shapes": trimmed,
    }))
}

pub fn run(root: &Path, botocore: Option<PathBuf>) -> Result<(), String> {
    let dir = match botocore {
        Some(d) => d,
        None => default_botocore()?,
    };
    let allow = allowlist(root)?;
    for (service, rel) in SERVICES {
        let model = read_model(&dir, rel)?;
        let ops = allow.get(*service).cloned().unwrap_or_default();
        let trimmed = trim(&model, &ops)?;
        let path = root.join(format!("crates/wire/models/{service}.json"));
        let text = serde_json::to_string_pretty(&trimmed).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!(
            "{service}: {} operations, {} shapes",
            trimmed["operations"].as_object().map_or(0, Map::len),
            trimmed["shapes"].as_object().map_or(0, Map::len)
        );
    }
    Ok(())
}
