//! A workload's Services as `expose` and `extra-service` shape them: names, ports, types.

use super::network::cidr;
use crate::check::Cx;
use crate::check::report::*;
use crate::check::values;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    pub(in crate::check) fn exposure(&self, w: &Workload, diags: &mut Diagnostics) {
        let mut names: HashMap<&str, Span> = HashMap::new();
        for e in w.expose.iter().chain(&w.extra_services) {
            if let Some(n) = &e.name {
                name(diags, n, "extra Service", values::dns_label);
                if let Some(first) = names.insert(n.as_str(), n.span) {
                    diags.push(duplicate("extra Service", n, first));
                }
            }
            for p in &e.ports {
                self.port_ref(&w.ports, &S::new(PortRef::Name(p.v.clone()), p.span), diags);
            }
            source_ranges(e, diags);
            if let Some(h) = e.headless.as_ref().filter(|h| h.v)
                && e.service_type() != ServiceType::ClusterIp
            {
                diags.push(
                    Diagnostic::error(
                        &code::workload::EXPOSE,
                        format!("a headless Service cannot be of type {}", e.service_type()),
                        h.span,
                        "headless",
                    )
                    .with_help(
                        "a headless Service has no address of its own: remove type= or headless=",
                    ),
                );
            }
            labels(diags, &e.annotations, false);
            labels(diags, &e.labels, true);
        }
    }
}

/// Source ranges: address blocks, on a LoadBalancer only.
fn source_ranges(e: &Exposure, diags: &mut Diagnostics) {
    let Some(first) = e.source_ranges.first() else {
        return;
    };
    if e.service_type() != ServiceType::LoadBalancer {
        diags.push(
            Diagnostic::error(
                &code::workload::EXPOSE,
                "source ranges are a load balancer's",
                first.span,
                format!("this Service is of type {}", e.service_type()),
            )
            .with_help("give the Service type=\"LoadBalancer\", or remove `source-ranges`"),
        );
    }
    for r in &e.source_ranges {
        cidr(r, diags);
    }
}
