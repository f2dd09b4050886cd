//! Environment name prefixes: renaming objects and the references between them.
//!
//! Mirrors what `kustomize`'s `namePrefix` does, so that a rendered environment and its
//! kustomize overlay agree: every object is renamed except the Namespace, and references to
//! objects of the same environment (ConfigMaps and ServiceAccounts in pods, Services in
//! ingresses and stateful sets, scale targets, Roles and ServiceAccounts in RoleBindings)
//! follow. References to objects stowage does not create (existing
//! Secrets, secrets made by operators) keep their names.

use super::Object;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// A reference kustomize does not know of itself (it is in a custom resource, or to one):
/// the referring kind, the field's path (lists walked through), and the kind (and API group)
/// of the object it names. The kustomize overlays teach these to kustomize
/// (`configurations`), environment prefixes rename them here, and the Helm chart prefixes them.
pub struct Reference {
    pub from: &'static str,
    pub path: &'static str,
    pub to: &'static str,
    pub group: &'static str,
}

const fn reference(
    from: &'static str,
    path: &'static str,
    to: &'static str,
    group: &'static str,
) -> Reference {
    Reference {
        from,
        path,
        to,
        group,
    }
}

/// Every reference stowage's objects make that kustomize does not know of.
pub const REFERENCES: &[Reference] = &[
    reference(
        "Rollout",
        "spec/template/spec/volumes/configMap/name",
        "ConfigMap",
        "",
    ),
    reference(
        "Rollout",
        "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
        "ConfigMap",
        "",
    ),
    reference(
        "Rollout",
        "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
        "ConfigMap",
        "",
    ),
    reference(
        "Rollout",
        "spec/template/spec/containers/envFrom/configMapRef/name",
        "ConfigMap",
        "",
    ),
    reference(
        "Rollout",
        "spec/template/spec/initContainers/envFrom/configMapRef/name",
        "ConfigMap",
        "",
    ),
    reference(
        "Rollout",
        "spec/template/spec/serviceAccountName",
        "ServiceAccount",
        "",
    ),
    reference(
        "Rollout",
        "spec/strategy/canary/canaryService",
        "Service",
        "",
    ),
    reference(
        "Rollout",
        "spec/strategy/canary/stableService",
        "Service",
        "",
    ),
    reference(
        "Rollout",
        "spec/strategy/blueGreen/activeService",
        "Service",
        "",
    ),
    reference(
        "Rollout",
        "spec/strategy/blueGreen/previewService",
        "Service",
        "",
    ),
    reference(
        "Rollout",
        "spec/strategy/canary/trafficRouting/nginx/stableIngress",
        "Ingress",
        "networking.k8s.io",
    ),
    reference(
        "Rollout",
        "spec/strategy/canary/steps/analysis/templates/templateName",
        "AnalysisTemplate",
        "argoproj.io",
    ),
    reference(
        "HorizontalPodAutoscaler",
        "spec/scaleTargetRef/name",
        "Rollout",
        "argoproj.io",
    ),
    reference(
        "ScaledObject",
        "spec/scaleTargetRef/name",
        "Deployment",
        "apps",
    ),
    reference(
        "ScaledObject",
        "spec/scaleTargetRef/name",
        "StatefulSet",
        "apps",
    ),
    reference(
        "ScaledObject",
        "spec/scaleTargetRef/name",
        "Rollout",
        "argoproj.io",
    ),
    reference(
        "VerticalPodAutoscaler",
        "spec/targetRef/name",
        "Deployment",
        "apps",
    ),
    reference(
        "ValidatingAdmissionPolicyBinding",
        "spec/policyName",
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
    ),
    reference(
        "VerticalPodAutoscaler",
        "spec/targetRef/name",
        "StatefulSet",
        "apps",
    ),
    reference(
        "VerticalPodAutoscaler",
        "spec/targetRef/name",
        "Rollout",
        "argoproj.io",
    ),
];

/// Apply `f` to every value at a reference's path (lists walked through).
pub fn each_at(v: &mut Value, path: &[&str], f: &mut impl FnMut(&mut Value)) {
    match (v, path.split_first()) {
        (Value::Array(items), _) => items.iter_mut().for_each(|i| each_at(i, path, f)),
        (v, None) => f(v),
        (Value::Object(m), Some((first, rest))) => {
            if let Some(x) = m.get_mut(*first) {
                each_at(x, rest, f);
            }
        }
        _ => {}
    }
}

/// The name an object is deployed under: the prefix added, except to the Namespace.
pub(super) fn deployed_name(o: &Object, prefix: &str) -> String {
    if o.kind() == "Namespace" {
        o.name().to_string()
    } else {
        format!("{prefix}{}", o.name())
    }
}

pub(super) fn apply_prefix(
    objects: Vec<Object>,
    prefix: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<Value> {
    use rayon::prelude::*;
    let renamer = Renamer {
        names: objects.iter().map(Object::id).collect(),
        prefix,
    };
    objects
        .into_par_iter()
        .map(|o| {
            let name = (!prefix.is_empty()).then(|| deployed_name(&o, prefix));
            let kind = o.kind().to_string();
            let mut v = o.value;
            add_labels(&mut v, labels);
            if let Some(name) = name {
                v["metadata"]["name"] = Value::String(name);
                renamer.references(&kind, &mut v);
            }
            v
        })
        .collect()
}

/// The environment's labels on an object.
fn add_labels(v: &mut Value, labels: &BTreeMap<String, String>) {
    if labels.is_empty() {
        return;
    }
    let meta = &mut v["metadata"];
    if meta.get("labels").is_none() {
        meta["labels"] = Value::Object(Default::default());
    }
    for (k, val) in labels {
        meta["labels"][k] = Value::String(val.clone());
    }
}

/// Renames references to the environment's own objects (or, for a kustomization holding
/// part of them, to the objects of the other parts).
pub struct Renamer<'a> {
    names: HashSet<(String, String)>,
    prefix: &'a str,
}

impl<'a> Renamer<'a> {
    /// Prefixes references to the objects `names` (kind, name).
    pub fn new(names: HashSet<(String, String)>, prefix: &'a str) -> Self {
        Renamer { names, prefix }
    }

    /// Prefix the name in `v` if it names an object of `kind` of the environment.
    fn rename(&self, v: &mut Value, kind: &str) {
        if let Some(s) = v.as_str()
            && self.names.contains(&(kind.to_string(), s.to_string()))
        {
            *v = Value::String(format!("{}{s}", self.prefix));
        }
    }

    /// The references an object of `kind` holds.
    pub fn references(&self, kind: &str, v: &mut Value) {
        let mut done: Vec<&str> = Vec::new();
        for r in REFERENCES.iter().filter(|r| r.from == kind) {
            if done.contains(&r.path) {
                continue;
            }
            done.push(r.path);
            // The kinds this field may name; a `kind` beside it says which one it does.
            let targets: Vec<&str> = REFERENCES
                .iter()
                .filter(|o| o.from == kind && o.path == r.path)
                .map(|o| o.to)
                .collect();
            let (parent, field) = r.path.rsplit_once('/').unwrap_or(("", r.path));
            let parent: Vec<&str> = parent.split('/').filter(|p| !p.is_empty()).collect();
            each_at(v, &parent, &mut |m| {
                let said = m.get("kind").and_then(Value::as_str).map(str::to_string);
                let Some(x) = m.get_mut(field) else { return };
                let Some(name) = x.as_str().map(str::to_string) else {
                    return;
                };
                let to = targets.iter().find(|t| {
                    said.as_deref().is_none_or(|k| k == **t)
                        && self.names.contains(&(t.to_string(), name.clone()))
                });
                if let Some(t) = to {
                    self.rename(x, t);
                }
            });
        }
        let pod_path = match kind {
            "Deployment" | "StatefulSet" | "Job" => Some("/spec/template/spec"),
            "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
            _ => None,
        };
        if let Some(pod) = pod_path.and_then(|p| v.pointer_mut(p)) {
            self.pod(pod);
        }
        match kind {
            "StatefulSet" => at(v, "/spec/serviceName", |x| self.rename(x, "Service")),
            "RoleBinding" => {
                let role = v
                    .pointer("/roleRef/kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                at(v, "/roleRef/name", |x| self.rename(x, &role));
                each(v, "/subjects", |s| {
                    if s["kind"] == "ServiceAccount" {
                        at(s, "/name", |x| self.rename(x, "ServiceAccount"));
                    }
                });
            }
            "HorizontalPodAutoscaler" => {
                let target = v
                    .pointer("/spec/scaleTargetRef/kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                at(v, "/spec/scaleTargetRef/name", |x| self.rename(x, &target));
            }
            "Ingress" => each(v, "/spec/rules", |r| {
                each(r, "/http/paths", |p| {
                    at(p, "/backend/service/name", |x| self.rename(x, "Service"))
                })
            }),
            _ => {}
        }
    }

    /// ConfigMaps a pod mounts or its containers read variables from; its ServiceAccount.
    fn pod(&self, pod: &mut Value) {
        let config = |x: &mut Value| self.rename(x, "ConfigMap");
        each(pod, "/volumes", |vol| at(vol, "/configMap/name", config));
        for list in ["/containers", "/initContainers"] {
            each(pod, list, |c| {
                each(c, "/env", |e| {
                    at(e, "/valueFrom/configMapKeyRef/name", config)
                });
                each(c, "/envFrom", |e| at(e, "/configMapRef/name", config));
            });
        }
        at(pod, "/serviceAccountName", |x| {
            self.rename(x, "ServiceAccount")
        });
    }
}

/// Apply `f` to the value at `pointer`, if there is one.
fn at(v: &mut Value, pointer: &str, f: impl FnOnce(&mut Value)) {
    if let Some(x) = v.pointer_mut(pointer) {
        f(x);
    }
}

/// Apply `f` to each element of the array at `pointer`, if there is one.
fn each(v: &mut Value, pointer: &str, mut f: impl FnMut(&mut Value)) {
    if let Some(items) = v.pointer_mut(pointer).and_then(Value::as_array_mut) {
        items.iter_mut().for_each(&mut f);
    }
}
