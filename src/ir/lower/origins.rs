//! Where the spec wrote the objects of its workloads and ingresses: a policy finding about a
//! field of a Deployment points at the `replicas`, `resources` or `security` value that set it,
//! else at the workload's name.

use super::Origin;
use crate::diagnostic::Span;
use crate::ir::policy::pod_pointer;
use crate::syntax::ast::{
    Account, Analysis, ContainerRole, EnvSource, Image, Ingress, Resources, Security, Workload,
};
use crate::syntax::data::Spans;
use serde_json::Value;

impl Origin {
    /// An object of a workload (its pod as Kubernetes `minor` has it).
    pub(super) fn workload(w: &Workload, o: &Value, minor: u32) -> Origin {
        let kind = o["kind"].as_str().unwrap_or_default();
        let mut spans = Spans::default();
        let mut containers = Vec::new();
        let mut span = w.name.span;
        let mut at = |pointer: String, s: Option<Span>| {
            if let Some(s) = s {
                spans.values.push((pointer, s));
            }
        };
        match kind {
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let a = w.autoscale.as_ref();
                span = a.map_or(span, |a| a.span);
                let field = if kind == "ScaledObject" {
                    "minReplicaCount"
                } else {
                    "minReplicas"
                };
                at(
                    format!("/spec/{field}"),
                    a.and_then(|a| a.min.as_ref()).map(|m| m.span),
                );
            }
            _ => {
                at("/spec/replicas".into(), w.replicas.as_ref().map(|r| r.span));
                at("/spec/strategy".into(), w.rollout.as_ref().map(|r| r.span));
                if let Some(pod) = pod_pointer(kind) {
                    containers = pod_spans(w, pod, minor, &mut at);
                }
            }
        }
        Origin {
            span,
            spans,
            subject: format!("`{}`", w.name.v),
            native: true,
            validate: false,
            containers,
            workload: Some((w.name.v.clone(), w.uses.clone())),
        }
    }

    /// An object of a service account.
    pub(super) fn account(a: &Account) -> Origin {
        Origin {
            span: a.name.span,
            spans: Spans::default(),
            subject: format!("service account `{}`", a.name.v),
            native: true,
            validate: false,
            containers: Vec::new(),
            workload: None,
        }
    }

    /// An analysis's AnalysisTemplate.
    pub(super) fn analysis(a: &Analysis) -> Origin {
        Origin {
            span: a.name.span,
            spans: Spans::default(),
            subject: format!("analysis `{}`", a.name.v),
            native: true,
            validate: false,
            containers: Vec::new(),
            workload: None,
        }
    }

    /// An ingress's object.
    pub(super) fn ingress(i: &Ingress) -> Origin {
        Origin {
            span: i.name.span,
            spans: Spans::default(),
            subject: format!("ingress `{}`", i.name.v),
            native: true,
            validate: false,
            containers: Vec::new(),
            workload: None,
        }
    }
}

/// The values of the pod's containers the policy looks at; gives back the containers'
/// pointers.
fn pod_spans(
    w: &Workload,
    pod: &str,
    minor: u32,
    at: &mut impl FnMut(String, Option<Span>),
) -> Vec<String> {
    let main = format!("{pod}/containers/0");
    container_spans(
        &main,
        w.image.as_ref(),
        w.resources.as_ref(),
        w.security.as_ref(),
        at,
    );
    let probes = [
        ("livenessProbe", &w.liveness),
        ("readinessProbe", &w.readiness),
        ("startupProbe", &w.startup),
    ];
    for (field, probe) in probes {
        at(format!("{main}/{field}"), probe.as_ref().map(|p| p.span));
    }
    at(
        format!("{main}/command"),
        w.command.as_ref().map(|c| c.span),
    );
    at(format!("{main}/args"), w.args.as_ref().map(|c| c.span));
    // Ports, variables and their sources are written in the spec's order.
    let lists = [
        ("ports", w.ports.iter().map(|p| p.span).collect::<Vec<_>>()),
        ("envFrom", w.env_from.iter().map(|e| e.span).collect()),
    ];
    for (field, spans) in lists {
        for (i, span) in spans.into_iter().enumerate() {
            at(format!("{main}/{field}/{i}"), Some(span));
        }
    }
    for (i, e) in w.env.iter().enumerate() {
        at(format!("{main}/env/{i}"), Some(e.span));
        // The value (an environment's override keeps the name and replaces it).
        let (field, value) = match &e.source {
            EnvSource::Value(v) => ("value", v.span),
            EnvSource::Secret { name, .. } | EnvSource::Config { name, .. } => {
                ("valueFrom", name.span)
            }
            EnvSource::Field(f) => ("valueFrom", f.span),
        };
        at(format!("{main}/env/{i}/{field}"), Some(value));
    }
    if let Some(s) = &w.security {
        let ids = [
            ("runAsUser", &s.user),
            ("runAsGroup", &s.group),
            ("fsGroup", &s.fs_group),
        ];
        for (field, id) in ids {
            at(
                format!("{pod}/securityContext/{field}"),
                id.as_ref().map(|u| u.span),
            );
        }
    }
    let mut pointers = vec![main];
    let (mut init, mut regular) = (0, 1);
    for c in &w.containers {
        let native = minor >= crate::kubernetes::NATIVE_SIDECARS;
        let p = if c.role == ContainerRole::Init || native {
            init += 1;
            format!("{pod}/initContainers/{}", init - 1)
        } else {
            regular += 1;
            format!("{pod}/containers/{}", regular - 1)
        };
        at(p.clone(), Some(c.span));
        let security = c.security.as_ref().or(w.security.as_ref());
        container_spans(&p, c.image.as_ref(), c.resources.as_ref(), security, at);
        pointers.push(p);
    }
    pointers
}

/// One container's image, resources and security values.
fn container_spans(
    c: &str,
    image: Option<&Image>,
    resources: Option<&Resources>,
    security: Option<&Security>,
    at: &mut impl FnMut(String, Option<Span>),
) {
    at(format!("{c}/resources"), resources.map(|r| r.span));
    // Each quantity (an environment's override may replace one and keep the others).
    let sets = resources
        .into_iter()
        .flat_map(|r| [("requests", &r.requests), ("limits", &r.limits)]);
    for (set, values) in sets {
        let Some(v) = values else { continue };
        let quantities = [
            ("cpu", &v.cpu),
            ("memory", &v.memory),
            ("ephemeral-storage", &v.ephemeral),
        ];
        for (name, q) in quantities {
            at(
                format!("{c}/resources/{set}/{name}"),
                q.as_ref().map(|q| q.span),
            );
        }
    }
    let tag = image.and_then(|i| i.tag.as_ref().map(|t| t.span));
    at(format!("{c}/image"), tag.or(image.map(|i| i.name.span)));
    let Some(s) = security else {
        return;
    };
    let flag = |f: &Option<crate::syntax::ast::S<bool>>| f.as_ref().map(|f| f.span);
    at(
        format!("{c}/securityContext/runAsNonRoot"),
        flag(&s.non_root),
    );
    at(
        format!("{c}/securityContext/readOnlyRootFilesystem"),
        flag(&s.read_only_root),
    );
    at(
        format!("{c}/securityContext/allowPrivilegeEscalation"),
        flag(&s.privilege_escalation),
    );
    for (k, cap) in s.add_capabilities.iter().enumerate() {
        at(
            format!("{c}/securityContext/capabilities/add/{k}"),
            Some(cap.span),
        );
    }
}
