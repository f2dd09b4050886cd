//! Environment name prefixes: renaming objects and the references between them.
//!
//! Mirrors what `kustomize`'s `namePrefix` does, so that a rendered environment and its
//! kustomize overlay agree: every object is renamed except the Namespace, and references to
//! objects of the same environment (ConfigMaps in pods, Services in ingresses and stateful
//! sets, scale targets) follow. References to objects stowage does not create (existing
//! Secrets, secrets made by operators) keep their names.

use super::Object;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The name an object is deployed under: the prefix added, except to the Namespace.
pub(super) fn deployed_name(o: &Object, prefix: &str) -> String {
    if o.kind() == "Namespace" {
        o.name().to_string()
    } else {
        format!("{prefix}{}", o.name())
    }
}

pub(super) fn apply_prefix(
    objects: &[Object],
    prefix: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<Value> {
    let names: HashSet<(String, String)> = objects.iter().map(Object::id).collect();
    let has = |kind: &str, name: &str| names.contains(&(kind.to_string(), name.to_string()));
    let rename = |v: &mut Value, kind: &str| {
        if let Some(s) = v.as_str()
            && !prefix.is_empty()
            && has(kind, s)
        {
            *v = Value::String(format!("{prefix}{s}"));
        }
    };
    objects
        .iter()
        .map(|o| {
            let mut v = o.value.clone();
            if !labels.is_empty() {
                let meta = &mut v["metadata"];
                if meta.get("labels").is_none() {
                    meta["labels"] = Value::Object(Default::default());
                }
                for (k, val) in labels {
                    meta["labels"][k] = Value::String(val.clone());
                }
            }
            if prefix.is_empty() {
                return v;
            }
            v["metadata"]["name"] = Value::String(deployed_name(o, prefix));
            let pod_path = match o.kind() {
                "Deployment" | "StatefulSet" | "Job" => Some("/spec/template/spec"),
                "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
                _ => None,
            };
            if let Some(pod) = pod_path.and_then(|p| v.pointer_mut(p)) {
                if let Some(vols) = pod.get_mut("volumes").and_then(Value::as_array_mut) {
                    for vol in vols {
                        at(vol, "/configMap/name", |x| rename(x, "ConfigMap"));
                    }
                }
                if let Some(cs) = pod.get_mut("containers").and_then(Value::as_array_mut) {
                    for c in cs {
                        if let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) {
                            for e in env {
                                at(e, "/valueFrom/configMapKeyRef/name", |x| {
                                    rename(x, "ConfigMap")
                                });
                            }
                        }
                        if let Some(env) = c.get_mut("envFrom").and_then(Value::as_array_mut) {
                            for e in env {
                                at(e, "/configMapRef/name", |x| rename(x, "ConfigMap"));
                            }
                        }
                    }
                }
            }
            match o.kind() {
                "StatefulSet" => at(&mut v, "/spec/serviceName", |x| rename(x, "Service")),
                "HorizontalPodAutoscaler" => {
                    let kind = v
                        .pointer("/spec/scaleTargetRef/kind")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    at(&mut v, "/spec/scaleTargetRef/name", |x| rename(x, &kind));
                }
                "Ingress" => {
                    if let Some(rules) = v.pointer_mut("/spec/rules").and_then(Value::as_array_mut)
                    {
                        for r in rules {
                            if let Some(paths) =
                                r.pointer_mut("/http/paths").and_then(Value::as_array_mut)
                            {
                                for p in paths {
                                    at(p, "/backend/service/name", |x| rename(x, "Service"));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            v
        })
        .collect()
}

/// Apply `f` to the value at `pointer`, if there is one.
fn at(v: &mut Value, pointer: &str, f: impl FnOnce(&mut Value)) {
    if let Some(x) = v.pointer_mut(pointer) {
        f(x);
    }
}
