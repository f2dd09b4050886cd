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
        let mut at = At(&mut spans);
        match kind {
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let a = w.autoscale.as_ref();
                span = a.map_or(span, |a| a.span);
                let field = if kind == "ScaledObject" {
                    "minReplicaCount"
                } else {
                    "minReplicas"
                };
                at.put(a.and_then(|a| a.min.as_ref()).map(|m| m.span), || {
                    format!("/spec/{field}")
                });
            }
            _ => {
                at.put(w.replicas.as_ref().map(|r| r.span), || {
                    "/spec/replicas".to_string()
                });
                at.put(w.rollout.as_ref().map(|r| r.span), || {
                    "/spec/strategy".to_string()
                });
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

/// Where values were written: a pointer is made only for a value the spec wrote.
struct At<'s>(&'s mut Spans);

impl At<'_> {
    fn put(&mut self, span: Option<Span>, pointer: impl FnOnce() -> String) {
        if let Some(s) = span {
            self.0.values.push((pointer(), s));
        }
    }
}

/// The pointer `base` followed by `rest`, in one allocation (pointers are made by the
/// hundred thousand in a large app).
fn under(base: &str, rest: std::fmt::Arguments) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(base.len() + 48);
    s.push_str(base);
    let _ = s.write_fmt(rest);
    s
}

/// The values of the pod's containers the policy looks at; gives back the containers'
/// pointers.
fn pod_spans(w: &Workload, pod: &str, minor: u32, at: &mut At) -> Vec<String> {
    let main = under(pod, format_args!("/containers/0"));
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
        at.put(probe.as_ref().map(|p| p.span), || {
            under(&main, format_args!("/{field}"))
        });
    }
    at.put(w.command.as_ref().map(|c| c.span), || {
        under(&main, format_args!("/command"))
    });
    at.put(w.args.as_ref().map(|c| c.span), || {
        under(&main, format_args!("/args"))
    });
    // Ports, variables and their sources are written in the spec's order.
    let lists = [
        ("ports", w.ports.iter().map(|p| p.span).collect::<Vec<_>>()),
        ("envFrom", w.env_from.iter().map(|e| e.span).collect()),
    ];
    for (field, spans) in lists {
        for (i, span) in spans.into_iter().enumerate() {
            at.put(Some(span), || under(&main, format_args!("/{field}/{i}")));
        }
    }
    for (i, e) in w.env.iter().enumerate() {
        at.put(Some(e.span), || under(&main, format_args!("/env/{i}")));
        // The value (an environment's override keeps the name and replaces it).
        let (field, value) = match &e.source {
            EnvSource::Value(v) => ("value", v.span),
            EnvSource::Secret { name, .. } | EnvSource::Config { name, .. } => {
                ("valueFrom", name.span)
            }
            EnvSource::Field(f) => ("valueFrom", f.span),
        };
        at.put(Some(value), || {
            under(&main, format_args!("/env/{i}/{field}"))
        });
    }
    if let Some(s) = &w.security {
        let ids = [
            ("runAsUser", &s.user),
            ("runAsGroup", &s.group),
            ("fsGroup", &s.fs_group),
        ];
        for (field, id) in ids {
            at.put(id.as_ref().map(|u| u.span), || {
                under(pod, format_args!("/securityContext/{field}"))
            });
        }
    }
    let mut pointers = vec![main];
    let (mut init, mut regular) = (0, 1);
    for c in &w.containers {
        let native = minor >= crate::kubernetes::NATIVE_SIDECARS;
        let p = if c.role == ContainerRole::Init || native {
            init += 1;
            under(pod, format_args!("/initContainers/{}", init - 1))
        } else {
            regular += 1;
            under(pod, format_args!("/containers/{}", regular - 1))
        };
        at.put(Some(c.span), || p.clone());
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
    at: &mut At,
) {
    at.put(resources.map(|r| r.span), || {
        under(c, format_args!("/resources"))
    });
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
            at.put(q.as_ref().map(|q| q.span), || {
                under(c, format_args!("/resources/{set}/{name}"))
            });
        }
    }
    let tag = image.and_then(|i| i.tag.as_ref().map(|t| t.span));
    at.put(tag.or(image.map(|i| i.name.span)), || {
        under(c, format_args!("/image"))
    });
    let Some(s) = security else {
        return;
    };
    let flag = |f: &Option<crate::syntax::ast::S<bool>>| f.as_ref().map(|f| f.span);
    at.put(flag(&s.non_root), || {
        under(c, format_args!("/securityContext/runAsNonRoot"))
    });
    at.put(flag(&s.read_only_root), || {
        under(c, format_args!("/securityContext/readOnlyRootFilesystem"))
    });
    at.put(flag(&s.privilege_escalation), || {
        under(c, format_args!("/securityContext/allowPrivilegeEscalation"))
    });
    for (k, cap) in s.add_capabilities.iter().enumerate() {
        at.put(Some(cap.span), || {
            under(c, format_args!("/securityContext/capabilities/add/{k}"))
        });
    }
}
