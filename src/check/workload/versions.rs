//! Fields that need a newer Kubernetes than the app targets.

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Fields whose availability depends on the target Kubernetes version.
    pub(in crate::check) fn versions(&self, w: &Workload, diags: &mut Diagnostics) {
        let Some(k) = &self.spec.app.kubernetes else {
            return;
        };
        let Some(minor) = crate::kubernetes::minor(&k.v) else {
            return;
        };
        for (feature, span, since) in version_features(w) {
            let (ga, beta) = since;
            if minor < beta {
                diags.push(
                    Diagnostic::error(
                        &code::version::FIELD,
                        format!("{feature} is not available in Kubernetes {}", k.v),
                        span,
                        format!("needs 1.{beta}"),
                    )
                    .with_label(k.span, "target version")
                    .with_help(format!("target Kubernetes 1.{ga} or later, or remove it")),
                );
            } else if minor < ga {
                diags.push(
                    Diagnostic::warning(&code::version::FIELD, format!("{feature} is beta in Kubernetes {}", k.v), span, format!("GA in 1.{ga}"))
                        .with_label(k.span, "target version")
                        .with_help(format!("it works where the feature gate is on (the default); it is stable from Kubernetes 1.{ga}")),
                );
            }
        }
    }
}

/// Fields a workload uses that arrived after Kubernetes 1.25: (what, where, (GA minor, beta
/// minor)). stowage's objects otherwise use APIs stable across every supported version
/// (apps/v1, batch/v1, autoscaling/v2, policy/v1, networking.k8s.io/v1).
fn version_features(w: &Workload) -> Vec<(&'static str, Span, (u32, u32))> {
    let mut out = Vec::new();
    if let Some(tz) = &w.timezone {
        out.push(("CronJob timeZone", tz.span, (27, 25)));
    }
    let probes = [&w.liveness, &w.readiness, &w.startup]
        .into_iter()
        .flatten();
    for p in probes.chain(w.containers.iter().flat_map(Container::probes)) {
        if let ProbeAction::Grpc { port, .. } = &p.action {
            out.push(("the gRPC probe", port.span, (27, 24)));
        }
    }
    let hooks = std::iter::once(&w.pre_stop).chain(w.containers.iter().map(|c| &c.pre_stop));
    for h in hooks.flatten() {
        if let PreStopAction::Sleep(s) = &h.action {
            out.push(("the pre-stop sleep action", s.span, (34, 30)));
        }
    }
    out
}
