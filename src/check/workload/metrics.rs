//! A workload's `metrics`: a Service to scrape, a port it has, an absolute path.

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn metrics(&self, w: &Workload, diags: &mut Diagnostics) {
        if let Some(m) = &w.metrics {
            let has_service = match w.kind {
                WorkloadKind::Service | WorkloadKind::Stateful => true,
                WorkloadKind::Worker => w.expose.is_some(),
                WorkloadKind::CronJob | WorkloadKind::Job => false,
            };
            if !has_service {
                diags.push(
                    Diagnostic::error(
                        &code::workload::METRICS,
                        format!("{} `{}` has no Service to scrape", w.kind.name(), w.name.v),
                        m.span,
                        "a ServiceMonitor selects a Service",
                    )
                    .with_label(w.span, format!("a {} has no Service", w.kind.name()))
                    .with_help("declare it as a `service` with a named port, or remove `metrics`"),
                );
            } else {
                self.port_ref(
                    &w.ports,
                    &S::new(PortRef::Name(m.port.v.clone()), m.port.span),
                    diags,
                );
            }
            if let Some(p) = &m.path
                && !p.v.starts_with('/')
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("metrics path `{}` must start with '/'", p.v),
                        p.span,
                        "not an absolute path",
                    )
                    .with_help(format!("write \"/{}\"", p.v)),
                );
            }
        }
    }
}
