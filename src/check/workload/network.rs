//! Who a workload talks to: `reach`, `egress`, `allow-from`.

use crate::check::Cx;
use crate::check::refs::{port_exists, port_list, port_text};
use crate::check::report::*;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Egress ports, reach targets and their ports, peers.
    pub(in crate::check) fn network(&self, w: &Workload, diags: &mut Diagnostics) {
        for e in &w.egress {
            for p in &e.ports {
                if !(1..=65535).contains(&p.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::PORT,
                            format!("port {} is out of range", p.v),
                            p.span,
                            "not 1-65535",
                        )
                        .with_help("ports are numbers from 1 to 65535"),
                    );
                }
            }
        }
        for r in &w.reach {
            self.reach(w, r, diags);
        }
        peers(w, diags);
        for a in &w.allow_from {
            if let Some(p) = &a.port {
                self.port_ref(&w.ports, p, diags);
            }
        }
    }

    /// A `reach` target: another workload of the app, with the port named.
    fn reach(&self, w: &Workload, r: &S<Reach>, diags: &mut Diagnostics) {
        match self.workloads.get(r.v.target.as_str()) {
            None => diags.push(unknown(
                &code::reference::SERVICE,
                "workload",
                &r.v.target,
                r.span,
                self.workloads.keys().copied(),
            )),
            Some(t) => {
                if t.name.v == w.name.v {
                    diags.push(
                        Diagnostic::error(
                            &code::reference::SERVICE,
                            format!("`{}` reaches itself", w.name.v),
                            r.span,
                            "same workload",
                        )
                        .with_help(
                            "pods of one workload may always talk to each other; remove this",
                        ),
                    );
                }
                if t.ports.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &code::reference::PORT,
                            format!("`{}` has no ports to reach", t.name.v),
                            r.span,
                            "nothing listens there",
                        )
                        .with_label(t.name.span, "declared here without ports")
                        .with_help(format!("add a `port` to `{}`", t.name.v)),
                    );
                } else if let Some(p) = &r.v.port
                    && !port_exists(t, p)
                {
                    diags.push(
                        Diagnostic::error(
                            &code::reference::PORT,
                            format!("`{}` has no port {}", t.name.v, port_text(p)),
                            r.span,
                            "unknown port",
                        )
                        .with_label(t.name.span, "declared here")
                        .with_help(format!("its ports are: {}", port_list(t))),
                    );
                }
            }
        }
    }

    pub(in crate::check) fn port_ref(
        &self,
        ports: &[Port],
        p: &S<PortRef>,
        diags: &mut Diagnostics,
    ) {
        match &p.v {
            PortRef::Name(n) if !ports.iter().any(|x| &x.name.v == n) => {
                diags.push(unknown(
                    &code::reference::PORT,
                    "port",
                    n,
                    p.span,
                    ports.iter().map(|x| x.name.as_str()),
                ));
            }
            PortRef::Number(n) if !(1..=65535).contains(n) => {
                diags.push(
                    Diagnostic::error(
                        &code::value::PORT,
                        format!("port {n} is out of range"),
                        p.span,
                        "not 1-65535",
                    )
                    .with_help("ports are numbers from 1 to 65535"),
                );
            }
            _ => {}
        }
    }
}

/// An address block, or a diagnostic.
pub(in crate::check) fn cidr(c: &S<String>, diags: &mut Diagnostics) {
    if !valid_cidr(&c.v) {
        diags.push(
            Diagnostic::error(
                &code::value::CIDR,
                format!("`{}` is not a CIDR block", c.v),
                c.span,
                "expected ADDRESS/BITS",
            )
            .with_help("write an address block such as \"10.0.0.0/8\" or \"2001:db8::/32\""),
        );
    }
}

fn valid_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// Address blocks and namespaces of `egress` and `allow-from`.
fn peers(w: &Workload, diags: &mut Diagnostics) {
    let peers = w
        .egress
        .iter()
        .map(|e| (&e.peer, "egress"))
        .chain(w.allow_from.iter().map(|a| (&a.peer, "allow-from")));
    for (peer, node) in peers {
        match peer {
            Peer::Cidr(c) if !valid_cidr(&c.v) => diags.push(
                Diagnostic::error(&code::value::CIDR, format!("`{}` is not a CIDR block", c.v), c.span, "expected ADDRESS/BITS")
                    .with_help(format!("write `{node} \"10.0.0.0/8\"`, or `{node} namespace=\"NAME\"` for pods of another namespace")),
            ),
            Peer::Namespace(n) => name(diags, n, "namespace", values::dns_label),
            _ => {}
        }
    }
}
