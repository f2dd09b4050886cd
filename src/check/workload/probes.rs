//! A workload's probes: ports that exist, absolute paths, positive timings.

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Each probe's check and timings.
    pub(in crate::check) fn probes(&self, w: &Workload, diags: &mut Diagnostics) {
        for p in [&w.liveness, &w.readiness, &w.startup]
            .into_iter()
            .flatten()
        {
            match &p.action {
                ProbeAction::Http { port, path } => {
                    self.port_ref(w, port, diags);
                    if !path.v.starts_with('/') {
                        diags.push(
                            Diagnostic::error(
                                &code::value::PATH,
                                format!("probe path `{}` must start with '/'", path.v),
                                path.span,
                                "not an absolute path",
                            )
                            .with_help(format!("write \"/{}\"", path.v)),
                        );
                    }
                }
                ProbeAction::Tcp(port) | ProbeAction::Grpc(port) => self.port_ref(w, port, diags),
                ProbeAction::Exec(_) => {}
            }
            let timings = [
                (&p.delay, 0),
                (&p.period, 1),
                (&p.timeout, 1),
                (&p.failures, 1),
            ];
            for (v, min) in timings
                .into_iter()
                .filter_map(|(v, m)| v.as_ref().map(|v| (v, m)))
            {
                if v.v < min || v.v > i64::from(i32::MAX) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::RANGE,
                            "probe timings must be positive",
                            v.span,
                            "not positive",
                        )
                        .with_help("use seconds greater than 0 (delay may be 0)"),
                    );
                }
            }
        }
    }
}
