//! The values files: `values.yaml` (the base), `values-<env>.yaml` (each environment's
//! differences only) and `values.schema.json`.

use super::build::Values;
use crate::emit::{FileSet, yaml};
use crate::ir::Ir;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The values files of the chart in `dir`, from every configuration's values (put in the
/// order readers expect).
pub(super) fn files(ir: &Ir, dir: &str, head: &str, values: &mut Values, files: &mut FileSet) {
    for per in values.per.iter_mut() {
        order_values(per, 0);
    }
    files.insert(
        format!("{dir}/values.yaml"),
        yaml::documents(head, &[&values.per[0]]),
    );
    for (i, env) in ir.environments.iter().enumerate() {
        let d = diff_values(&values.per[0], &values.per[i + 1]);
        let text = if d.is_empty() {
            format!("{head}\n# {} uses the chart's defaults.\n{{}}\n", env.name)
        } else {
            yaml::documents(head, &[Value::Object(d)])
        };
        files.insert(format!("{dir}/values-{}.yaml", env.name), text);
    }
    let schema = schema(values.per.iter().collect());
    files.insert(
        format!("{dir}/values.schema.json"),
        serde_json::to_string_pretty(&schema).expect("schema serializes") + "\n",
    );
}

/// The order keys are shown in values files: settings first, then each workload's values in
/// the order a reader looks for them.
const KEY_ORDER: &[&str] = &[
    "namePrefix",
    "labels",
    "enabled",
    "image",
    "replicas",
    "env",
    "envRefs",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "podAnnotations",
    "podSecurityContext",
    "securityContext",
    "affinity",
    "nodeSelector",
    "tolerations",
    "topologySpreadConstraints",
    "repository",
    "tag",
    "digest",
    "pullPolicy",
    "minReplicas",
    "maxReplicas",
    "targetCPUUtilizationPercentage",
    "targetMemoryUtilizationPercentage",
    "className",
    "hosts",
    "tls",
    "annotations",
    "service",
    "autoscaling",
    "podDisruptionBudget",
    "networkPolicy",
];

/// Keys in the order of [`KEY_ORDER`], at every depth but in free-form maps.
fn order_values(m: &mut Map<String, Value>, depth: usize) {
    let rank = |k: &str| {
        KEY_ORDER
            .iter()
            .position(|x| *x == k)
            .unwrap_or(KEY_ORDER.len())
    };
    // Free-form maps (env values, data, Kubernetes fields) keep their own order.
    let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
    entries.sort_by(|(a, _), (b, _)| {
        if depth == 0 {
            (rank(a), a).cmp(&(rank(b), b))
        } else {
            rank(a).cmp(&rank(b))
        }
    });
    m.extend(entries);
    for (k, v) in m.iter_mut() {
        if let Value::Object(inner) = v
            && !FREE_FORM.contains(&k.as_str())
        {
            order_values(inner, depth + 1);
        }
    }
}

/// What Helm must merge over `base` to get `target`: changed keys, and `null` for removed ones.
fn diff_values(base: &Map<String, Value>, target: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, t) in target {
        match (base.get(k), t) {
            (Some(Value::Object(b)), Value::Object(tm)) => {
                let d = diff_values(b, tm);
                if !d.is_empty() {
                    out.insert(k.clone(), Value::Object(d));
                }
            }
            (Some(b), t) if b == t => {}
            _ => {
                out.insert(k.clone(), t.clone());
            }
        }
    }
    // Something switched off keeps its values: nothing renders them.
    if target.get("enabled") == Some(&Value::Bool(false)) {
        return out;
    }
    for k in base.keys() {
        if !target.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    out
}

/// Free-form values (whole Kubernetes fields handed to `toYaml`), by key.
const FREE_FORM: &[&str] = &[
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "securityContext",
    "podSecurityContext",
    "affinity",
    "nodeSelector",
    "topologySpreadConstraints",
    "tolerations",
    "podAnnotations",
    "annotations",
    "data",
    "labels",
    "podLabels",
    "env",
    "envRefs",
];

/// The JSON schema type of a value.
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON schema of the values: known keys only (a misspelt key is an error), each with the
/// types it takes in any environment.
fn schema(per: Vec<&Map<String, Value>>) -> Value {
    let mut s = object_schema(&per);
    if let Value::Object(m) = &mut s {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft-07/schema#"),
        );
        m.insert("title".into(), json!("values"));
        m.shift_insert(
            0,
            "$comment".into(),
            json!("generated by stowage; do not edit"),
        );
    }
    s
}

/// Schema of the values at `key`: the types of its samples, or an object's keys.
fn schema_of(samples: &[&Value], key: &str) -> Value {
    let types: BTreeSet<&str> = samples.iter().map(|v| type_of(v)).collect();
    if FREE_FORM.contains(&key) {
        let ty: Vec<&str> = types.iter().copied().collect();
        return if key == "env" || key == "labels" {
            json!({"type": "object", "additionalProperties": {"type": ["string"]}})
        } else if ty.len() == 1 {
            json!({"type": ty[0]})
        } else {
            json!({"type": ty})
        };
    }
    if types.len() == 1 && types.contains("object") {
        let maps: Vec<&Map<String, Value>> = samples.iter().filter_map(|s| s.as_object()).collect();
        return object_schema(&maps);
    }
    let ty: Vec<&str> = types.iter().copied().collect();
    if ty.len() == 1 {
        json!({"type": ty[0]})
    } else {
        json!({"type": ty})
    }
}

/// Schema of a map that is an object in every sample: its keys, each with its own schema.
fn object_schema(samples: &[&Map<String, Value>]) -> Value {
    let mut props = Map::new();
    let mut keys: indexmap::IndexSet<&String> = indexmap::IndexSet::new();
    for s in samples {
        keys.extend(s.keys());
    }
    for k in keys {
        let sub: Vec<&Value> = samples.iter().filter_map(|s| s.get(k.as_str())).collect();
        props.insert(k.clone(), schema_of(&sub, k));
    }
    json!({"type": "object", "additionalProperties": false, "properties": props})
}
