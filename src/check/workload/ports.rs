//! A workload's `port`s: names, numbers, and a Service that has something to expose.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    /// Port names and numbers, each once in the pod (its sidecars' too).
    pub(in crate::check) fn ports(&self, w: &Workload, diags: &mut Diagnostics) {
        let mut ports: HashMap<&str, Span> = HashMap::new();
        let mut numbers: HashMap<(i64, Protocol), Span> = HashMap::new();
        let sidecars = w.containers.iter().flat_map(|c| &c.ports);
        for p in w.ports.iter().chain(sidecars) {
            if let Err(why) = values::port_name(&p.name.v) {
                diags.push(
                    Diagnostic::error(
                        &code::name::PORT,
                        format!("port name `{}` is not valid", p.name.v.escape_debug()),
                        p.name.span,
                        why,
                    )
                    .with_help("port names are at most 15 lower-case letters, digits and '-', like `http` or `metrics`"),
                );
            }
            if let Some(first) = ports.insert(p.name.as_str(), p.name.span) {
                diags.push(duplicate("port", &p.name, first));
            }
            for n in std::iter::once(&p.number).chain(p.service_port.as_ref()) {
                if !(1..=65535).contains(&n.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::PORT,
                            format!("port {} is out of range", n.v),
                            n.span,
                            "not 1-65535",
                        )
                        .with_help("ports are numbers from 1 to 65535"),
                    );
                }
            }
            let proto = p.protocol.as_ref().map_or(Protocol::Tcp, |x| x.v);
            if let Some(first) = numbers.insert((p.number.v, proto), p.number.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::DUPLICATE_PORT,
                        format!("port number {} is used twice", p.number.v),
                        p.number.span,
                        "used again here",
                    )
                    .with_label(first, "first used here")
                    .with_help("each container port number may appear once"),
                );
            }
        }
        if w.kind == WorkloadKind::Service && w.ports.is_empty() && w.expose.is_none() {
            diags.push(
                Diagnostic::error(
                    &code::workload::PORTS,
                    format!("service `{}` has no ports", w.name.v),
                    w.name.span,
                    "a service needs a port",
                )
                .with_help("add `port \"http\" 8080`, or declare it as a `worker` if nothing connects to it"),
            );
        }
        if let Some(e) = w.expose.iter().chain(&w.extra_services).next()
            && w.ports.is_empty()
        {
            diags.push(
                Diagnostic::error(
                    &code::workload::PORTS,
                    "nothing to expose: no ports",
                    e.span,
                    "no ports",
                )
                .with_help("add `port \"http\" 8080`"),
            );
        }
    }
}
