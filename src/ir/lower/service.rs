//! A workload's Services: the one in front of its pods (headless for a stateful workload), the
//! Prometheus Operator's ServiceMonitor, and a progressive rollout's second Service.

use super::progressive::second_service;
use super::workload::Parts;
use super::{Cx, kv, to_value, with_meta};
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
        for e in &w.extra_services {
            out.push(to_value(&self.extra_service(env, p, e)));
        }
        if let Some(m) = &w.metrics {
            out.push(self.service_monitor(env, p, m));
        }
        // The canary or preview Service Argo Rollouts points at the new version.
        if let Some(suffix) = second_service(w) {
            let mut extra = service;
            extra.metadata.name = Some(format!("{}-{suffix}", w.name.v));
            extra.metadata.annotations = None;
            if let Some(spec) = extra.spec.as_mut() {
                spec.type_ = Some(ServiceType::ClusterIp.to_string());
                spec.load_balancer_source_ranges = None;
            }
            out.push(to_value(&extra));
        }
        out
    }

    /// The workload's own Service: headless for a stateful workload, else of `expose`'s type.
    fn service(&self, env: &Env, p: &Parts) -> core::Service {
        let w = p.w;
        let headless = w.kind == WorkloadKind::Stateful;
        let mut svc = self.service_of(env, p, &w.name.v, w.expose.as_ref(), &w.ports);
        if let Some(spec) = svc.spec.as_mut()
            && headless
        {
            spec.type_ = Some(ServiceType::ClusterIp.to_string());
            spec.cluster_ip = Some("None".into());
        }
        svc
    }

    /// An `extra-service`: WORKLOAD-NAME, with the ports it names.
    fn extra_service(&self, env: &Env, p: &Parts, e: &Exposure) -> core::Service {
        let w = p.w;
        let name = e.name.as_ref().map_or("", |n| n.as_str());
        let ports: Vec<Port> = w
            .ports
            .iter()
            .filter(|x| e.ports.is_empty() || e.ports.iter().any(|n| n.v == x.name.v))
            .cloned()
            .collect();
        let mut svc = self.service_of(env, p, &format!("{}-{name}", w.name.v), Some(e), &ports);
        if let Some(spec) = svc.spec.as_mut()
            && e.headless.as_ref().is_some_and(|h| h.v)
        {
            spec.cluster_ip = Some("None".into());
        }
        svc
    }

    /// A Service selecting the workload's pods.
    fn service_of(
        &self,
        env: &Env,
        p: &Parts,
        name: &str,
        e: Option<&Exposure>,
        ports: &[Port],
    ) -> core::Service {
        let mut labels = p.labels.clone();
        labels.extend(e.map(|e| kv(&e.labels)).unwrap_or_default());
        let mut metadata = self.meta(env, name, &labels);
        let annotations = e.map(|e| kv(&e.annotations)).unwrap_or_default();
        metadata.annotations = (!annotations.is_empty()).then_some(annotations);
        let ranges: Vec<String> = e
            .map(|e| e.source_ranges.iter().map(|r| r.v.clone()).collect())
            .unwrap_or_default();
        core::Service {
            metadata,
            spec: Some(core::ServiceSpec {
                type_: Some(
                    e.map_or(ServiceType::ClusterIp, Exposure::service_type)
                        .to_string(),
                ),
                selector: Some(p.sel.clone()),
                ports: Some(ports.iter().map(service_port).collect()),
                load_balancer_source_ranges: (!ranges.is_empty()).then_some(ranges),
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
