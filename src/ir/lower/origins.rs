//! Where the spec wrote the objects of its workloads and ingresses: a policy finding about a
//! field of a Deployment points at the `replicas`, `resources` or `security` value that set it,
//! else at the workload's name.

use super::Origin;
use crate::diagnostic::Span;
use crate::ir::policy::pod_pointer;
use crate::syntax::ast::{Ingress, Workload};
use crate::syntax::data::Spans;
use serde_json::Value;

impl Origin {
    /// An object of a workload.
    pub(super) fn workload(w: &Workload, o: &Value) -> Origin {
        let kind = o["kind"].as_str().unwrap_or_default();
        let mut spans = Spans::default();
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
                if let Some(pod) = pod_pointer(kind) {
                    pod_spans(w, pod, &mut at);
                }
            }
        }
        Origin {
            span,
            spans,
            subject: format!("`{}`", w.name.v),
            native: true,
            validate: false,
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
        }
    }
}

/// The container's values the policy looks at.
fn pod_spans(w: &Workload, pod: &str, at: &mut impl FnMut(String, Option<Span>)) {
    let c = format!("{pod}/containers/0");
    at(
        format!("{c}/resources"),
        w.resources.as_ref().map(|r| r.span),
    );
    let image = w.image.as_ref();
    let tag = image.and_then(|i| i.tag.as_ref().map(|t| t.span));
    at(format!("{c}/image"), tag.or(image.map(|i| i.name.span)));
    let Some(s) = &w.security else {
        return;
    };
    let flag = |f: &Option<crate::syntax::ast::S<bool>>| f.as_ref().map(|f| f.span);
    at(
        format!("{pod}/securityContext/runAsUser"),
        s.user.as_ref().map(|u| u.span),
    );
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
