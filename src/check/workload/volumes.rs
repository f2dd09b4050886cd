//! A workload's `volume`s and `storage`: names, mount paths, sources.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self, QuantityKind};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    /// Volume and claim names and mount paths, each once; their sources.
    pub(in crate::check) fn volumes(&self, w: &Workload, diags: &mut Diagnostics) {
        let mut vol_names: HashMap<&str, Span> = HashMap::new();
        let mut mounts: HashMap<&str, Span> = HashMap::new();
        for v in &w.volumes {
            name(diags, &v.name, "volume", values::dns_label);
            if let Some(first) = vol_names.insert(v.name.as_str(), v.name.span) {
                diags.push(duplicate("volume", &v.name, first));
            }
            if !v.mount.v.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("mount path `{}` must be absolute", v.mount.v),
                        v.mount.span,
                        "not absolute",
                    )
                    .with_help(format!("write \"/{}\"", v.mount.v)),
                );
            }
            if let Some(first) = mounts.insert(v.mount.as_str(), v.mount.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::MOUNT,
                        format!("two volumes are mounted at `{}`", v.mount.v),
                        v.mount.span,
                        "mounted again here",
                    )
                    .with_label(first, "first mounted here")
                    .with_help("give each volume its own mount path"),
                );
            }
            match &v.source {
                VolumeSource::Config(c) => self.config_ref(c, None, diags),
                VolumeSource::Secret(s) => self.secret_ref(s, None, diags),
                VolumeSource::Claim(c) => name(diags, c, "claim", values::dns_subdomain),
                VolumeSource::EmptyDir { size: Some(s), .. } => {
                    quantity(s, QuantityKind::Bytes, diags)
                }
                VolumeSource::EmptyDir { .. } => {}
            }
        }
        for s in &w.storage {
            name(diags, &s.name, "storage", values::dns_label);
            if !s.mount.v.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("mount path `{}` must be absolute", s.mount.v),
                        s.mount.span,
                        "not absolute",
                    )
                    .with_help(format!("write \"/{}\"", s.mount.v)),
                );
            }
            if let Some(first) = vol_names.insert(s.name.as_str(), s.name.span) {
                diags.push(duplicate("volume", &s.name, first));
            }
            quantity(&s.size, QuantityKind::Bytes, diags);
            if let Some(first) = mounts.insert(s.mount.as_str(), s.mount.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::MOUNT,
                        format!("two volumes are mounted at `{}`", s.mount.v),
                        s.mount.span,
                        "mounted again here",
                    )
                    .with_label(first, "first mounted here")
                    .with_help("give each volume its own mount path"),
                );
            }
        }
        if w.kind == WorkloadKind::Stateful {
            stateful(w, diags);
        }
    }
}

/// A stateful workload's headless Service: it needs a port, and cannot be exposed.
fn stateful(w: &Workload, diags: &mut Diagnostics) {
    if w.ports.is_empty() {
        diags.push(
            Diagnostic::error(&code::workload::PORTS, format!("stateful `{}` has no ports", w.name.v), w.name.span, "its headless Service needs a port")
                .with_help("add `port \"NAME\" NUMBER`: a stateful workload is reached through its headless Service"),
        );
    }
    if let Some(e) = &w.expose {
        diags.push(
            Diagnostic::error(&code::workload::EXPOSE, "a stateful workload's Service is always headless", e.kind.as_ref().map_or(e.span, |k| k.span), "not applicable")
                .with_help("remove `expose`; give it an `extra-service \"NAME\" type=\"LoadBalancer\"` if it must be reachable through another Service"),
        );
    }
}
