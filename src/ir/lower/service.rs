//! A workload's Services: the one in front of its pods (headless for a stateful workload), the
//! Prometheus Operator's ServiceMonitor, and a progressive rollout's second Service.

use super::progressive::second_service;
use super::workload::Parts;
use super::{Cx, to_value, with_meta};
use crate::ir::kinds;
use crate::ir::scope::Env;
use crate::syntax::ast::*;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};

/// Whether the workload has a Service: it has ports, and is a service, a stateful workload or
/// an exposed worker.
fn wants_service(w: &Workload) -> bool {
    !w.ports.is_empty()
        && match w.kind {
            WorkloadKind::Service | WorkloadKind::Stateful => true,
            WorkloadKind::Worker => w.expose.is_some(),
            WorkloadKind::CronJob | WorkloadKind::Job => false,
        }
}

impl Cx<'_> {
    pub(super) fn services(&self, env: &Env, p: &Parts) -> Vec<Value> {
        let w = p.w;
        if !wants_service(w) {
            return Vec::new();
        }
        let service = self.service(env, p);
        let mut out = vec![to_value(&service)];
        if let Some(m) = &w.metrics {
            out.push(self.service_monitor(env, p, m));
        }
        // The canary or preview Service Argo Rollouts points at the new version.
        if let Some(suffix) = second_service(w) {
            let mut extra = service;
            extra.metadata.name = Some(format!("{}-{suffix}", w.name.v));
            if let Some(spec) = extra.spec.as_mut() {
                spec.type_ = Some("ClusterIP".into());
            }
            out.push(to_value(&extra));
        }
        out
    }

    fn service(&self, env: &Env, p: &Parts) -> core::Service {
        let w = p.w;
        let ports = w.ports.iter().map(service_port).collect();
        let headless = w.kind == WorkloadKind::Stateful;
        let type_ = if headless {
            ServiceType::ClusterIp
        } else {
            w.expose.as_ref().map_or(ServiceType::ClusterIp, |e| e.v)
        };
        core::Service {
            metadata: self.meta(env, &w.name.v, &p.labels),
            spec: Some(core::ServiceSpec {
                type_: Some(type_.to_string()),
                cluster_ip: headless.then(|| "None".to_string()),
                selector: Some(p.sel.clone()),
                ports: Some(ports),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Prometheus Operator: scrape the Service's named port.
    fn service_monitor(&self, env: &Env, p: &Parts, m: &Metrics) -> Value {
        let mut endpoint = json!({"port": m.port.v});
        if let Some(path) = &m.path {
            endpoint["path"] = json!(path.v);
        }
        if let Some(i) = &m.interval {
            endpoint["interval"] = json!(i.v);
        }
        let o = json!({
            "apiVersion": kinds::SERVICE_MONITOR.api_version,
            "kind": kinds::SERVICE_MONITOR.kind,
            "spec": {
                "selector": {"matchLabels": p.sel},
                "endpoints": [endpoint],
            },
        });
        with_meta(o, &self.meta(env, &p.w.name.v, &p.labels))
    }
}

/// A container port as the Service's: its number there, and the container's port by name.
fn service_port(p: &Port) -> core::ServicePort {
    core::ServicePort {
        name: Some(p.name.v.clone()),
        port: p.service_port.as_ref().map_or(p.number.v, |s| s.v) as i32,
        target_port: Some(IntOrString::String(p.name.v.clone())),
        protocol: Some(
            p.protocol
                .as_ref()
                .map_or(Protocol::Tcp, |x| x.v)
                .to_string(),
        ),
        ..Default::default()
    }
}
