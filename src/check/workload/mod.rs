//! Checks of one workload, one aspect per file; [`Cx::workload`] runs them all.

mod alerts;
mod containers;
mod env;
mod exposure;
mod image;
mod metrics;
mod network;
mod placement;
mod ports;
mod probes;
mod resources;
pub(in crate::check) mod rollout;
mod run;
mod scaling;
mod versions;
mod volumes;

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self};
use crate::check::waivers::WaiverTarget;
use crate::diagnostic::{Diagnostic, Diagnostics, code, suggest};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Everything about one workload: flat dispatch to its aspects, one file each.
    pub(in crate::check) fn workload(&self, w: &Workload, diags: &mut Diagnostics) {
        if self.misspelt_override(w, diags) {
            return;
        }
        self.image_of(w.kind.name(), &w.name, w.image.as_ref(), diags);
        self.ports(w, diags);
        self.env(&w.env, diags);
        self.env_from(&w.env_from, diags);
        self.resources(w.resources.as_ref(), diags);
        let probes = [&w.liveness, &w.readiness, &w.startup];
        self.probes(&w.ports, probes.into_iter().flatten(), diags);
        self.containers(w, diags);
        self.replicas(w, diags);
        self.autoscale(w, diags);
        self.scaling_extras(w, diags);
        self.metrics(w, diags);
        self.alerts(w, diags);
        self.scaling_limits(w, diags);
        if let Some(r) = &w.rollout {
            self.rollout(w, r, diags);
        }
        self.versions(w, diags);
        self.volumes(w, diags);
        self.run_values(w, diags);
        self.schedule(w, diags);
        self.network(w, diags);
        self.exposure(w, diags);
        self.placement(w, diags);
        self.metadata(w, diags);
        self.waivers(&w.waivers, WaiverTarget::Workload, diags);
    }

    /// An environment that names a workload the base does not have adds a new one. Without an
    /// image it cannot be meant as one: it is a misspelt override (`service "wbe"` for `web`) or
    /// one of the wrong kind (`worker "web"` for a service). Say so once, rather than report
    /// everything the new workload lacks. Returns whether it did.
    pub(in crate::check) fn misspelt_override(
        &self,
        w: &Workload,
        diags: &mut Diagnostics,
    ) -> bool {
        let (Some(env), Some(_), None) = (self.env, w.override_span, &w.image) else {
            return false;
        };
        let base = &self.spec.items.workloads;
        if base
            .iter()
            .any(|b| b.kind == w.kind && b.name.v == w.name.v)
        {
            return false;
        }
        let what = w.kind.name();
        let help = if let Some(b) = base.iter().find(|b| b.name.v == w.name.v) {
            let kind = b.kind.name();
            format!(
                "`{}` is a {kind} in the base: override it with `{kind} \"{}\" {{ ... }}`",
                b.name.v, b.name.v
            )
        } else if let Some(s) = suggest(
            &w.name.v,
            base.iter()
                .filter(|b| b.kind == w.kind)
                .map(|b| b.name.as_str()),
        ) {
            format!("did you mean to override `{s}`? Overrides name a {what} of the base")
        } else {
            return false;
        };
        diags.push(
            Diagnostic::error(
                &code::workload::IMAGE,
                format!(
                    "environment `{}` adds a new {what} `{}`, which has no image",
                    env.name.v, w.name.v
                ),
                w.name.span,
                format!("no {what} of this name in the base"),
            )
            .with_help(help),
        );
        true
    }

    /// Service account, priority class, labels, annotations and node selector.
    pub(in crate::check) fn metadata(&self, w: &Workload, diags: &mut Diagnostics) {
        if let Some(sa) = &w.service_account {
            name(diags, sa, "service account", values::dns_subdomain);
        }
        if let Some(pc) = &w.priority_class {
            name(diags, pc, "priority class", values::dns_subdomain);
        }
        labels(diags, &w.labels, true);
        labels(diags, &w.annotations, false);
        labels(diags, &w.selector, true);
        self.selector(w, diags);
        labels(diags, &w.node_selector, true);
    }

    /// The pods keep the labels they are selected by.
    fn selector(&self, w: &Workload, diags: &mut Diagnostics) {
        let standard = [
            ("app.kubernetes.io/name", w.name.as_str()),
            ("app.kubernetes.io/instance", self.spec.app.name.as_str()),
        ];
        let selects = |key: &str| -> Option<String> {
            if w.selector.is_empty() {
                standard
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            } else {
                w.selector
                    .iter()
                    .find(|(k, _)| k.v == key)
                    .map(|(_, v)| v.v.clone())
            }
        };
        for (k, v) in &w.labels {
            match selects(&k.v) {
                Some(s) if s != v.v => diags.push(
                    Diagnostic::error(
                        &code::workload::SELECTOR,
                        format!("label `{}` of `{}` is not the value its pods are selected by", k.v, w.name.v),
                        v.span,
                        format!("the selector has `{s}`"),
                    )
                    .with_help("give the label another key: Kubernetes refuses pods their selector does not match"),
                ),
                _ => {}
            }
        }
    }
}
