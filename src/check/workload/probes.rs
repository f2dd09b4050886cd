//! A container's probes: ports that exist, absolute paths, positive timings.

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Each probe's check and timings; the ports they name are the container's.
    pub(in crate::check) fn probes<'p>(
        &self,
        ports: &[Port],
        probes: impl Iterator<Item = &'p Probe>,
        diags: &mut Diagnostics,
    ) {
        for p in probes {
            match &p.action {
                ProbeAction::Http {
                    port,
                    path,
                    headers,
                } => {
                    self.port_ref(ports, port, diags);
                    http_headers(headers, diags);
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
                ProbeAction::Tcp(port) | ProbeAction::Grpc { port, .. } => {
                    self.port_ref(ports, port, diags)
                }
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

/// Header names as HTTP has them, each once.
fn http_headers(headers: &[(S<String>, S<String>)], diags: &mut Diagnostics) {
    let mut seen: Vec<&S<String>> = Vec::new();
    for (name, value) in headers {
        if let Some(c) = value.v.chars().find(|c| c.is_control() && *c != '\t') {
            diags.push(
                Diagnostic::error(
                    &code::value::CHARACTER,
                    format!("header `{}` holds the control character {:?}", name.v, c),
                    value.span,
                    "not allowed in an HTTP header",
                )
                .with_help("HTTP header values are one line of text"),
            );
        }
        let token = !name.v.is_empty()
            && name
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            diags.push(
                Diagnostic::error(
                    &code::name::INVALID,
                    format!("`{}` is not an HTTP header name", name.v.escape_debug()),
                    name.span,
                    "not a header name",
                )
                .with_help("header names are letters, digits and `-`, like `X-Probe`"),
            );
        }
        if let Some(first) = seen.iter().find(|f| f.v.eq_ignore_ascii_case(&name.v)) {
            diags.push(crate::check::report::duplicate("header", name, first.span));
        }
        seen.push(name);
    }
}
