//! How many pods run: the HorizontalPodAutoscaler (or, on queue length, KEDA's ScaledObject),
//! the VerticalPodAutoscaler, and the PodDisruptionBudget.

use super::workload::Parts;
use super::{Cx, int_or, to_value, with_meta};
use crate::ir::kinds;
use crate::ir::scope::Env;
use crate::policy;
use crate::syntax::ast::*;
use k8s_openapi::api::autoscaling::v2 as hpa;
use k8s_openapi::api::policy::v1 as pol;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};

/// The object the autoscalers scale: (apiVersion, kind).
fn scale_target(p: &Parts) -> (&'static str, &'static str) {
    let k = match p.w.kind {
        WorkloadKind::Stateful => kinds::STATEFUL_SET,
        _ if p.progressive.is_some() => kinds::ROLLOUT,
        _ => kinds::DEPLOYMENT,
    };
    (k.api_version, k.kind)
}

impl Cx<'_> {
    /// KEDA's objects, the VerticalPodAutoscaler and the HorizontalPodAutoscaler, as the spec
    /// asks for them.
    pub(super) fn autoscalers(&self, env: &Env, p: &Parts) -> Vec<Value> {
        let w = p.w;
        if w.kind == WorkloadKind::CronJob {
            return Vec::new();
        }
        let meta = || self.meta(env, &w.name.v, &p.labels);
        let mut out = Vec::new();
        if let Some(a) = w.autoscale.as_ref().filter(|a| !a.queues.is_empty()) {
            out.extend(trigger_authentication(a).map(|o| with_meta(o, &meta())));
            out.push(with_meta(scaled_object(p, a), &meta()));
        }
        if let Some(v) = &w.vertical_autoscale {
            out.push(with_meta(vertical(p, v), &meta()));
        }
        if let Some(a) = w.autoscale.as_ref().filter(|a| a.queues.is_empty()) {
            let mut o = horizontal(p, a);
            o.metadata = meta();
            out.push(to_value(&o));
        }
        out
    }

    /// A budget as the spec gives it, or, where the policy asks for one and several pods run,
    /// one pod down at a time.
    pub(super) fn disruption_budget(&self, env: &Env, p: &Parts) -> Option<Value> {
        let w = p.w;
        if !w.kind.is_long_running() {
            return None;
        }
        let min_replicas = match &w.autoscale {
            Some(a) => a.min.as_ref().map_or(1, |m| m.v),
            None => p.replicas,
        };
        let (min_available, max_unavailable) = match &w.disruption {
            Some(d) => (
                d.min_available.as_ref().map(|v| int_or(&v.v)),
                d.max_unavailable.as_ref().map(|v| int_or(&v.v)),
            ),
            None if policy::generates_pdb(env.level) && min_replicas >= policy::MIN_REPLICAS => {
                (None, Some(IntOrString::Int(1)))
            }
            None => return None,
        };
        Some(to_value(&pol::PodDisruptionBudget {
            metadata: self.meta(env, &w.name.v, &p.labels),
            spec: Some(pol::PodDisruptionBudgetSpec {
                selector: Some(p.label_selector()),
                min_available,
                max_unavailable,
                ..Default::default()
            }),
            ..Default::default()
        }))
    }
}

/// KEDA's access to a password-protected Redis, when a queue names the secret.
fn trigger_authentication(a: &Autoscale) -> Option<Value> {
    let (secret, key) = a
        .queues
        .iter()
        .find_map(|q| Some((q.password_secret.as_ref()?, q.password_key.as_ref()?)))?;
    Some(json!({
        "apiVersion": kinds::TRIGGER_AUTHENTICATION.api_version,
        "kind": kinds::TRIGGER_AUTHENTICATION.kind,
        "spec": {"secretTargetRef": [
            {"parameter": "password", "name": secret.v, "key": key.v}
        ]},
    }))
}

/// Queue-length autoscaling: a KEDA ScaledObject, which makes its own HPA.
fn scaled_object(p: &Parts, a: &Autoscale) -> Value {
    let w = p.w;
    let mut triggers: Vec<Value> = a
        .queues
        .iter()
        .map(|q| {
            let mut t = json!({
                "type": "redis",
                "metadata": {
                    "address": q.address.v,
                    "listName": q.list.v,
                    "listLength": q.target.v.to_string(),
                },
            });
            if q.password_secret.is_some() {
                t["authenticationRef"] = json!({"name": w.name.v});
            }
            t
        })
        .collect();
    for (name, target) in [("cpu", &a.cpu), ("memory", &a.memory)] {
        if let Some(t) = target {
            triggers.push(json!({
                "type": name,
                "metricType": "Utilization",
                "metadata": {"value": t.v.to_string()},
            }));
        }
    }
    let (api_version, kind) = scale_target(p);
    json!({
        "apiVersion": kinds::SCALED_OBJECT.api_version,
        "kind": kinds::SCALED_OBJECT.kind,
        "spec": {
            "scaleTargetRef": {"apiVersion": api_version, "kind": kind, "name": w.name.v},
            "minReplicaCount": a.min.as_ref().map_or(1, |m| m.v),
            "maxReplicaCount": a.max.v,
            "triggers": triggers,
        },
    })
}

/// Vertical autoscaling (recommendations unless a mode says otherwise).
fn vertical(p: &Parts, v: &VerticalAutoscale) -> Value {
    let (api_version, kind) = scale_target(p);
    json!({
        "apiVersion": kinds::VERTICAL_POD_AUTOSCALER.api_version,
        "kind": kinds::VERTICAL_POD_AUTOSCALER.kind,
        "spec": {
            "targetRef": {"apiVersion": api_version, "kind": kind, "name": p.w.name.v},
            "updatePolicy": {
                "updateMode": v.mode.as_ref().map_or(VpaMode::Off, |m| m.v).name(),
            },
        },
    })
}

/// Autoscaling on CPU and memory utilisation (metadata filled in by the caller).
fn horizontal(p: &Parts, a: &Autoscale) -> hpa::HorizontalPodAutoscaler {
    let metrics = [("cpu", &a.cpu), ("memory", &a.memory)]
        .into_iter()
        .filter_map(|(name, t)| Some(resource_metric(name, t.as_ref()?.v)))
        .collect();
    let (api_version, kind) = scale_target(p);
    hpa::HorizontalPodAutoscaler {
        spec: Some(hpa::HorizontalPodAutoscalerSpec {
            scale_target_ref: hpa::CrossVersionObjectReference {
                api_version: Some(api_version.into()),
                kind: kind.into(),
                name: p.w.name.v.clone(),
            },
            min_replicas: Some(a.min.as_ref().map_or(1, |m| m.v) as i32),
            max_replicas: a.max.v as i32,
            metrics: Some(metrics),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn resource_metric(name: &str, utilisation: i64) -> hpa::MetricSpec {
    hpa::MetricSpec {
        type_: "Resource".into(),
        resource: Some(hpa::ResourceMetricSource {
            name: name.into(),
            target: hpa::MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(utilisation as i32),
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}
