//! The policy's rules, on the objects as they will be deployed: every pod the environment runs
//! (a workload's, a declared Deployment's, a container a patch added) and every Ingress. What a
//! rule finds is said at a JSON pointer of an object; lowering turns it into a diagnostic at
//! the spec value that wrote the field.

mod ceiling;
mod digest;
mod host;
mod labels;
mod registries;

use super::Object;
use crate::policy::{Policy, Rule};
use serde_json::Value;
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap};

/// What a rule finds in one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// The object the rule is about: its waivers and its name count.
    pub owner: usize,
    /// The object the finding is shown at (an autoscaler's minimum is shown at the autoscaler).
    pub object: usize,
    pub pointer: String,
    /// The message after the subject: "runs 1 replica".
    pub says: String,
    pub label: &'static str,
    /// What to write instead, in the spec's words (`native`) or Kubernetes' (`declared`).
    pub fix: Fix,
}

/// The fix of a finding, for a workload of the language or for an object written as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub native: String,
    pub declared: String,
}

impl Finding {
    /// A finding about object `i` itself, shown at `pointer` in it.
    fn at(
        rule: Rule,
        i: usize,
        pointer: String,
        says: String,
        label: &'static str,
        fix: Fix,
    ) -> Self {
        Finding {
            rule,
            owner: i,
            object: i,
            pointer,
            says,
            label,
            fix,
        }
    }
}

fn fix(native: impl Into<String>, declared: impl Into<String>) -> Fix {
    Fix {
        native: native.into(),
        declared: declared.into(),
    }
}

/// Kinds whose pods run until stopped (replicas and probes apply).
const LONG_RUNNING: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Rollout",
];

/// Where an object's pod spec is.
pub fn pod_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "Rollout" => {
            Some("/spec/template/spec")
        }
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        "Pod" => Some("/spec"),
        _ => None,
    }
}

/// Every container of a pod (its init containers after the others), with its pointer.
pub fn containers<'v>(object: &'v Value, pod: &str) -> Vec<(String, &'v Value)> {
    let mut out = Vec::new();
    for list in ["containers", "initContainers"] {
        let Some(cs) = object
            .pointer(&format!("{pod}/{list}"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        for (c, container) in cs.iter().enumerate() {
            out.push((format!("{pod}/{list}/{c}"), container));
        }
    }
    out
}

/// What the rules look at: a configuration's objects, and the labels its environment gives
/// every object as it is deployed.
pub struct Scope<'a> {
    pub objects: &'a [Object],
    pub labels: &'a BTreeMap<String, String>,
}

/// Every finding of the rules `policy` holds in the objects of one configuration.
pub fn findings(scope: &Scope, policy: &Policy) -> Vec<Finding> {
    let scalers = scalers(scope.objects);
    let mut out = Vec::new();
    let holds = |r: Rule| policy.get(r);
    for (i, o) in scope.objects.iter().enumerate() {
        if o.kind() == "Ingress" && holds(Rule::Tls).is_some() {
            out.extend(tls(i, o));
        }
        let Some(pod) = pod_pointer(o.kind()) else {
            continue;
        };
        if let Some(r) = holds(Rule::Replicas).filter(|_| LONG_RUNNING.contains(&o.kind())) {
            let min = r.params.min.unwrap_or(crate::policy::MIN_REPLICAS);
            out.extend(replicas(scope.objects, i, &scalers, min));
        }
        for (at, container) in containers(&o.value, pod) {
            // Init containers cannot have probes; sidecars (`restartPolicy: Always`) can.
            let runs = !at.contains("/initContainers/") || container["restartPolicy"] == "Always";
            if LONG_RUNNING.contains(&o.kind()) && runs && holds(Rule::Probes).is_some() {
                out.extend(probes(i, &at, container));
            }
            if holds(Rule::Resources).is_some() {
                out.extend(resources(i, &at, container));
            }
            if holds(Rule::ImageTag).is_some() {
                out.extend(image(i, &at, container));
            }
        }
        if holds(Rule::Security).is_some() {
            out.extend(security(i, o, pod));
        }
        out.extend(organisation(scope, policy, i, pod));
    }
    out
}

/// The rules an organisation adds to a level: each in its own file.
fn organisation(scope: &Scope, policy: &Policy, i: usize, pod: &str) -> Vec<Finding> {
    let o = &scope.objects[i];
    let mut out = Vec::new();
    for r in &policy.rules {
        let p = &r.params;
        match r.rule {
            Rule::AllowedRegistries => out.extend(registries::check(i, o, pod, &p.values)),
            Rule::RequiredLabels => out.extend(labels::check(i, o, pod, scope.labels, &p.values)),
            Rule::ImageDigest => out.extend(digest::check(i, o, pod)),
            Rule::ResourceCeiling => out.extend(ceiling::check(i, o, pod, p)),
            Rule::HostPaths => out.extend(host::paths(i, o, pod, &p.values)),
            Rule::HostPorts => out.extend(host::ports(i, o, pod, &p.values)),
            Rule::Replicas
            | Rule::Resources
            | Rule::Probes
            | Rule::Security
            | Rule::ImageTag
            | Rule::Tls => {}
        }
    }
    out
}

/// The first autoscaler (HorizontalPodAutoscaler or ScaledObject) of each (kind, name) it
/// scales, by index: found once, not per workload.
fn scalers(objects: &[Object]) -> HashMap<(&str, &str), usize> {
    let mut scalers = HashMap::new();
    for (i, s) in objects.iter().enumerate() {
        if !matches!(s.kind(), "HorizontalPodAutoscaler" | "ScaledObject") {
            continue;
        }
        let target = &s.value["spec"]["scaleTargetRef"];
        if let (Some(kind), Some(name)) = (target["kind"].as_str(), target["name"].as_str()) {
            scalers.entry((kind, name)).or_insert(i);
        }
    }
    scalers
}

/// `replicas`: two pods at least, or an autoscaler's minimum of two.
fn replicas(
    objects: &[Object],
    i: usize,
    scalers: &HashMap<(&str, &str), usize>,
    min: i64,
) -> Option<Finding> {
    let o = &objects[i];
    if o.kind() == "DaemonSet" {
        return None;
    }
    let scaler = scalers.get(&(o.kind(), o.name())).copied();
    let (object, pointer, n) = match scaler {
        Some(s) => {
            let field = if objects[s].kind() == "ScaledObject" {
                "minReplicaCount"
            } else {
                "minReplicas"
            };
            let n = objects[s].value["spec"][field].as_i64().unwrap_or(1);
            (s, format!("/spec/{field}"), n)
        }
        None => (
            i,
            "/spec/replicas".to_string(),
            o.value["spec"]["replicas"].as_i64().unwrap_or(1),
        ),
    };
    (n < min).then(|| Finding {
        rule: Rule::Replicas,
        owner: i,
        object,
        pointer,
        says: format!("runs {n} replica{}", if n == 1 { "" } else { "s" }),
        label: if min == 2 { "fewer than 2" } else { "too few" },
        fix: fix(
            format!("run at least {min} replicas: `replicas {min}`"),
            format!("run at least {min} replicas: `spec {{ replicas {min} }}`"),
        ),
    })
}

/// `probes`: liveness and readiness.
fn probes(i: usize, at: &str, c: &Value) -> Option<Finding> {
    let missing: Vec<&str> = [
        ("liveness", "livenessProbe"),
        ("readiness", "readinessProbe"),
    ]
    .into_iter()
    .filter(|(_, field)| c.get(*field).is_none())
    .map(|(n, _)| n)
    .collect();
    let first = *missing.first()?;
    Some(Finding {
        rule: Rule::Probes,
        owner: i,
        object: i,
        pointer: at.to_string(),
        says: format!("has no {} probe", missing.join(" or ")),
        label: "probes missing",
        fix: fix(
            format!("add `{first} http=\"/health\" port=\"http\"` (or tcp=, grpc=, a command)"),
            format!("give the container a {first}Probe"),
        ),
    })
}

/// `resources`: requests and limits of cpu and memory.
fn resources(i: usize, at: &str, c: &Value) -> Option<Finding> {
    let mut missing = Vec::new();
    for set in ["requests", "limits"] {
        for what in ["cpu", "memory"] {
            if c["resources"][set].get(what).is_none() {
                missing.push(format!("{set} {what}"));
            }
        }
    }
    (!missing.is_empty()).then(|| Finding {
        rule: Rule::Resources,
        owner: i,
        object: i,
        pointer: format!("{at}/resources"),
        says: format!("has no {}", missing.join(", ")),
        label: "resources incomplete",
        fix: fix(
            "add `resources { requests cpu=\"250m\" memory=\"256Mi\"; limits cpu=\"500m\" memory=\"512Mi\" }`",
            "give the container resources { requests cpu=... memory=...; limits cpu=... memory=... }",
        ),
    })
}

/// `image-tag`: a version or a digest, not `latest` or nothing.
fn image(i: usize, at: &str, c: &Value) -> Option<Finding> {
    let image = c["image"].as_str()?;
    let last = image.rsplit('/').next().unwrap_or(image);
    let pinned = image.contains('@') || last.split_once(':').is_some_and(|(_, t)| t != "latest");
    if pinned {
        return None;
    }
    let label = if last.contains(':') {
        "`latest` moves"
    } else {
        "no tag"
    };
    Some(Finding {
        rule: Rule::ImageTag,
        owner: i,
        object: i,
        pointer: format!("{at}/image"),
        says: format!("image `{image}` is not pinned to a version"),
        label,
        fix: fix(
            "pin it: `tag=\"1.2.3\"` or `digest=\"sha256:...\"`",
            "pin it: `image \"NAME:1.2.3\"` or `image \"NAME@sha256:...\"`",
        ),
    })
}

/// `security`: nothing that weakens the secure defaults: non-root, a read-only root file
/// system, no privilege escalation, no capability but NET_BIND_SERVICE.
fn security(i: usize, o: &Object, pod: &str) -> Vec<Finding> {
    let spec = o.value.pointer(pod).unwrap_or(&Value::Null);
    let mut out = Vec::new();
    let mut find = |pointer: String, says: String, label: &'static str, fix: Fix| {
        out.push(Finding::at(Rule::Security, i, pointer, says, label, fix))
    };
    if spec["securityContext"]["runAsUser"] == 0 {
        let f = fix("run as a non-zero user id", "run as a non-zero user id");
        find(
            format!("{pod}/securityContext/runAsUser"),
            "runs as user 0 (root)".into(),
            "root",
            f,
        );
    }
    for (at, container) in containers(&o.value, pod) {
        let at = format!("{at}/securityContext");
        for (pointer, says, label, fix) in container_security(spec, pod, &at, container) {
            find(pointer, says, label, fix);
        }
    }
    out
}

/// One container's weakened defaults: (pointer, what it does, label, fix).
fn container_security(
    spec: &Value,
    pod: &str,
    at: &str,
    container: &Value,
) -> Vec<(String, String, &'static str, Fix)> {
    let weakened = "remove this setting to keep the secure default";
    let label = |v: &Value| {
        if v.is_boolean() {
            "weakens the default"
        } else {
            "not set"
        }
    };
    let sc = &container["securityContext"];
    let pod_root = &spec["securityContext"]["runAsNonRoot"];
    let mut out = Vec::new();
    let non_root = if sc["runAsNonRoot"].is_boolean() {
        &sc["runAsNonRoot"]
    } else {
        pod_root
    };
    if non_root != &Value::Bool(true) {
        let pointer = match (sc["runAsNonRoot"].is_boolean(), pod_root.is_boolean()) {
            (true, _) => format!("{at}/runAsNonRoot"),
            (false, true) => format!("{pod}/securityContext/runAsNonRoot"),
            _ => at.to_string(),
        };
        let f = fix(weakened, "set securityContext { runAsNonRoot #true }");
        out.push((pointer, "runs as root".to_string(), label(non_root), f));
    }
    let v = &sc["readOnlyRootFilesystem"];
    if v != &Value::Bool(true) {
        let f = fix(
            weakened,
            "set securityContext { readOnlyRootFilesystem #true }",
        );
        let says = "has a writable root filesystem".to_string();
        out.push((format!("{at}/readOnlyRootFilesystem"), says, label(v), f));
    }
    let v = &sc["allowPrivilegeEscalation"];
    if v != &Value::Bool(false) {
        let f = fix(
            weakened,
            "set securityContext { allowPrivilegeEscalation #false }",
        );
        let says = "allows privilege escalation".to_string();
        out.push((format!("{at}/allowPrivilegeEscalation"), says, label(v), f));
    }
    for (k, cap) in sc["capabilities"]["add"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if cap != "NET_BIND_SERVICE" {
            let only = "drop it; only NET_BIND_SERVICE is allowed without a waiver";
            let says = format!("adds capability {}", cap.as_str().unwrap_or_default());
            out.push((
                format!("{at}/capabilities/add/{k}"),
                says,
                "extra capability",
                fix(only, only),
            ));
        }
    }
    out
}

/// `tls`: every host served over HTTPS.
fn tls(i: usize, o: &Object) -> Option<Finding> {
    let spec = &o.value["spec"];
    if spec["tls"].as_array().is_some_and(|t| !t.is_empty()) {
        return None;
    }
    let hosts: BTreeSet<&str> = spec["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["host"].as_str())
        .collect();
    (!hosts.is_empty()).then(|| Finding {
        rule: Rule::Tls,
        owner: i,
        object: i,
        pointer: String::new(),
        says: format!(
            "serves {} without TLS",
            hosts.into_iter().collect::<Vec<_>>().join(", ")
        ),
        label: "no `tls` here",
        fix: fix(
            "add `tls issuer=\"letsencrypt-prod\"` (cert-manager) or `tls secret=\"NAME\"`",
            "give the Ingress spec { tls { - hosts=... secretName=... } }",
        ),
    })
}
