//! Rules on workloads: replicas, disruption budgets, limits, probes, security, images.

use super::classes::*;
use super::{Env, Finding};
use crate::check::values::quantity_value;
use crate::syntax::ast::PolicyLevel;
use serde_json::Value;

/// The pod spec of a workload object, and the field path to it.
fn pod_spec(v: &Value) -> Option<(&Value, &'static str)> {
    let (spec, path) = match v["kind"].as_str()? {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "Rollout" => {
            (&v["spec"]["template"]["spec"], "spec.template.spec")
        }
        "CronJob" => (
            &v["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            "spec.jobTemplate.spec.template.spec",
        ),
        "Pod" => (&v["spec"], "spec"),
        _ => return None,
    };
    spec.is_object().then_some((spec, path))
}

/// A container of either list (`containers`, `initContainers`) with its path.
struct Container<'v> {
    path: String,
    value: &'v Value,
}

fn containers(v: &Value) -> Vec<Container<'_>> {
    let Some((spec, at)) = pod_spec(v) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for list in ["initContainers", "containers"] {
        for c in spec[list].as_array().into_iter().flatten() {
            let name = c["name"].as_str().unwrap_or_default();
            out.push(Container {
                path: format!("{at}.{list}[{name}]"),
                value: c,
            });
        }
    }
    out
}

/// Containers in both versions, paired by path.
fn both<'v>(old: &'v Value, new: &'v Value) -> Vec<(Container<'v>, Container<'v>)> {
    let olds = containers(old);
    containers(new)
        .into_iter()
        .filter_map(|n| {
            let o = olds.iter().find(|o| o.path == n.path)?;
            Some((
                Container {
                    path: o.path.clone(),
                    value: o.value,
                },
                n,
            ))
        })
        .collect()
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        v => v.to_string(),
    }
}

pub(super) fn replicas(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    if env.policy != PolicyLevel::Production {
        return;
    }
    let field = match new["kind"].as_str() {
        Some("Deployment" | "StatefulSet" | "Rollout") => "replicas",
        Some("HorizontalPodAutoscaler") => "minReplicas",
        Some("ScaledObject") => "minReplicaCount",
        _ => return,
    };
    let count = |v: &Value| v["spec"][field].as_i64();
    if let (Some(o), Some(n)) = (count(old), count(new))
        && n < o
    {
        let path = format!("spec.{field}");
        out.push(env.finding(&REPLICAS_LOWERED, new, &path, format!("{o} -> {n}")));
    }
}

/// An `intOrString` budget as a comparable number: a count, or a percentage.
fn budget(v: &Value) -> Option<(bool, f64)> {
    match v {
        Value::Number(n) => Some((false, n.as_f64()?)),
        Value::String(s) => Some((true, s.strip_suffix('%')?.parse().ok()?)),
        _ => None,
    }
}

pub(super) fn disruption(
    env: &Env,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<Finding>,
) {
    let Some(old) = old.filter(|o| o["kind"] == "PodDisruptionBudget") else {
        return;
    };
    if env.policy != PolicyLevel::Production {
        return;
    }
    let Some(new) = new else {
        out.push(env.finding(&DISRUPTION_LOOSENED, old, "", "removed".into()));
        return;
    };
    for (field, looser) in [("minAvailable", -1.0), ("maxUnavailable", 1.0)] {
        let (o, n) = (&old["spec"][field], &new["spec"][field]);
        if let (Some((op, ov)), Some((np, nv))) = (budget(o), budget(n))
            && op == np
            && (nv - ov) * looser > 0.0
        {
            let detail = format!("{} -> {}", shown(o), shown(n));
            out.push(env.finding(&DISRUPTION_LOOSENED, new, &format!("spec.{field}"), detail));
        }
    }
}

pub(super) fn limits(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for (o, n) in both(old, new) {
        for resource in ["cpu", "memory"] {
            let get = |c: &Container| c.value["resources"]["limits"][resource].clone();
            let (ov, nv) = (get(&o), get(&n));
            let value = |v: &Value| v.as_str().and_then(quantity_value).or(v.as_f64());
            let lowered = match (value(&ov), value(&nv)) {
                (Some(_), None) => nv.is_null(),
                (Some(a), Some(b)) => b < a,
                _ => false,
            };
            if lowered {
                let path = format!("{}.resources.limits.{resource}", n.path);
                let detail = format!("{} -> {}", shown(&ov), shown(&nv));
                out.push(env.finding(&LIMITS_LOWERED, new, &path, detail));
            }
        }
    }
}

pub(super) fn probes(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for (o, n) in both(old, new) {
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if o.value.get(probe).is_some() && n.value.get(probe).is_none() {
                let path = format!("{}.{probe}", n.path);
                out.push(env.finding(&PROBE_REMOVED, new, &path, "removed".into()));
            }
        }
    }
}

/// The image's registry host (`docker.io` when the reference names none).
fn registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

/// Whether a reference can point at other contents later: no digest, and `latest` or no tag.
fn mutable(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

pub(super) fn images(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for (o, n) in both(old, new) {
        let (Some(oi), Some(ni)) = (o.value["image"].as_str(), n.value["image"].as_str()) else {
            continue;
        };
        if oi == ni {
            continue;
        }
        let path = format!("{}.image", n.path);
        let detail = format!("{oi} -> {ni}");
        let pinned_before = oi.contains('@') && !ni.contains('@');
        if pinned_before || (!mutable(oi) && mutable(ni)) {
            out.push(env.finding(&IMAGE_MUTABLE, new, &path, detail.clone()));
        }
        if registry(oi) != registry(ni) {
            out.push(env.finding(&IMAGE_REGISTRY_CHANGED, new, &path, detail));
        }
    }
}

/// A weakened setting: (field under the security context, whether the new value is weaker).
type Weaker = fn(&Value, &Value) -> bool;

fn turned_on(o: &Value, n: &Value) -> bool {
    o.as_bool() != Some(true) && n.as_bool() == Some(true)
}

fn no_longer_true(o: &Value, n: &Value) -> bool {
    o.as_bool() == Some(true) && n.as_bool() != Some(true)
}

fn no_longer_false(o: &Value, n: &Value) -> bool {
    o.as_bool() == Some(false) && n.as_bool() != Some(false)
}

fn became_root(o: &Value, n: &Value) -> bool {
    o.as_i64() != Some(0) && n.as_i64() == Some(0)
}

fn seccomp_weaker(o: &Value, n: &Value) -> bool {
    let t = |v: &Value| v["type"].as_str().map(str::to_string);
    let (ot, nt) = (t(o), t(n));
    ot.is_some_and(|t| t != "Unconfined") && nt.is_none_or(|t| t == "Unconfined")
}

fn caps_added(o: &Value, n: &Value) -> bool {
    let set = |v: &Value, k: &str| -> Vec<String> {
        v[k].as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect()
    };
    let gained = set(n, "add").iter().any(|c| !set(o, "add").contains(c));
    let undropped = set(o, "drop").iter().any(|c| !set(n, "drop").contains(c));
    gained || undropped
}

/// The settings of a container's security context that protect it.
const CONTAINER_SECURITY: &[(&str, Weaker)] = &[
    ("runAsNonRoot", no_longer_true),
    ("runAsUser", became_root),
    ("privileged", turned_on),
    ("allowPrivilegeEscalation", no_longer_false),
    ("readOnlyRootFilesystem", no_longer_true),
    ("capabilities", caps_added),
    ("seccompProfile", seccomp_weaker),
];

/// The pod's: its security context's, then the pod spec's own.
const POD_SECURITY: &[(&str, Weaker)] = &[
    ("securityContext.runAsNonRoot", no_longer_true),
    ("securityContext.runAsUser", became_root),
    ("securityContext.seccompProfile", seccomp_weaker),
    ("hostNetwork", turned_on),
    ("hostPID", turned_on),
    ("hostIPC", turned_on),
];

fn at<'v>(v: &'v Value, dotted: &str) -> &'v Value {
    dotted.split('.').fold(v, |v, k| &v[k])
}

pub(super) fn security(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    if let (Some((op, _)), Some((np, path))) = (pod_spec(old), pod_spec(new)) {
        for (field, weaker) in POD_SECURITY {
            let (o, n) = (at(op, field), at(np, field));
            if weaker(o, n) {
                let detail = format!("{} -> {}", shown(o), shown(n));
                out.push(env.finding(&SECURITY_WEAKENED, new, &format!("{path}.{field}"), detail));
            }
        }
    }
    for (o, n) in both(old, new) {
        for (field, weaker) in CONTAINER_SECURITY {
            let (ov, nv) = (
                &o.value["securityContext"][field],
                &n.value["securityContext"][field],
            );
            if weaker(ov, nv) {
                let path = format!("{}.securityContext.{field}", n.path);
                let detail = format!("{} -> {}", shown(ov), shown(nv));
                out.push(env.finding(&SECURITY_WEAKENED, new, &path, detail));
            }
        }
    }
}
