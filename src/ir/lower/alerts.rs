//! A workload's `alert`s become its PrometheusRule (Prometheus Operator): one rule group
//! named after the workload.

use super::workload::Parts;
use super::{Cx, with_meta};
use crate::ir::kinds;
use crate::ir::scope::Env;
use crate::syntax::ast::Alert;
use serde_json::{Map, Value, json};

impl Cx<'_> {
    pub(super) fn alert_rules(&self, env: &Env, p: &Parts) -> Option<Value> {
        let w = p.w;
        if w.alerts.is_empty() {
            return None;
        }
        let rules: Vec<Value> = w.alerts.iter().map(rule).collect();
        let o = json!({
            "apiVersion": kinds::PROMETHEUS_RULE.api_version,
            "kind": kinds::PROMETHEUS_RULE.kind,
            "spec": {"groups": [{"name": w.name.v, "rules": rules}]},
        });
        Some(with_meta(o, &self.meta(env, &w.name.v, &p.labels)))
    }
}

fn rule(a: &Alert) -> Value {
    let mut r = Map::new();
    r.insert("alert".into(), json!(a.name.v));
    r.insert(
        "expr".into(),
        json!(a.expr.as_ref().map_or("", |e| e.v.as_str())),
    );
    if let Some(f) = &a.for_ {
        r.insert("for".into(), json!(f.v));
    }
    let mut labels: Map<String, Value> = a
        .labels
        .iter()
        .map(|(k, v)| (k.v.clone(), json!(v.v)))
        .collect();
    if let Some(s) = &a.severity {
        labels.insert("severity".into(), json!(s.v));
    }
    if !labels.is_empty() {
        r.insert("labels".into(), Value::Object(labels));
    }
    let annotations: Map<String, Value> = [
        ("summary", &a.summary),
        ("description", &a.description),
        ("runbook_url", &a.runbook),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), json!(v.as_ref()?.v))))
    .collect();
    if !annotations.is_empty() {
        r.insert("annotations".into(), Value::Object(annotations));
    }
    Value::Object(r)
}
