//! `liveness`, `readiness`, `startup`: the container's probes.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::{PortRef, S};
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Prop, Type, prop};

const PROBE_PROPS: &[Prop] = &[
    prop("http", Type::String, "an HTTP GET of this path"),
    prop("tcp", Type::PortRef, "a TCP connection to this port"),
    prop("grpc", Type::PortRef, "a gRPC health check on this port"),
    prop("port", Type::PortRef, "the port of an HTTP check"),
    prop("delay", Type::Integer, "seconds before the first check"),
    prop("period", Type::Integer, "seconds between checks"),
    prop("timeout", Type::Integer, "seconds a check may take"),
    prop("failures", Type::Integer, "failures in a row that count"),
    prop(
        "service",
        Type::String,
        "the service a gRPC check asks about",
    ),
];

pub static HEADER: Kind = Kind {
    name: "header",
    what: "`header`",
    args: Args::NameAnd(Type::String),
    identity: Identity::Named,
    example: "header \"Host\" \"api.example.com\"",
    doc: "A header an HTTP check sends.",
    reference: "workloads.md#probes-liveness-readiness-startup",
    ..Kind::LEAF
};

pub static LIVENESS: Kind = Kind {
    name: "liveness",
    what: "a probe",
    args: Args::Many(Type::StringOrInteger),
    props: PROBE_PROPS,
    children: Children::Kinds(&[&HEADER]),
    example: "liveness http=\"/health\" port=\"http\"",
    doc: "When it fails, the container is restarted.",
    reference: "workloads.md#probes-liveness-readiness-startup",
    ..Kind::LEAF
};

pub static READINESS: Kind = Kind {
    name: "readiness",
    doc: "While it fails, the pod gets no traffic.",
    example: "readiness http=\"/ready\" port=\"http\"",
    ..LIVENESS
};

pub static STARTUP: Kind = Kind {
    name: "startup",
    doc: "Until it succeeds, the other probes wait.",
    example: "startup http=\"/health\" port=\"http\" failures=30",
    ..LIVENESS
};

#[derive(Debug, Clone, PartialEq)]
pub enum ProbeAction {
    Http {
        path: S<String>,
        port: S<PortRef>,
        /// Headers sent with the GET, in order.
        headers: Vec<(S<String>, S<String>)>,
    },
    Tcp(S<PortRef>),
    Grpc {
        port: S<PortRef>,
        /// The service named in the health check request.
        service: Option<S<String>>,
    },
    Exec(S<Vec<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub action: ProbeAction,
    pub delay: Option<S<i64>>,
    pub period: Option<S<i64>>,
    pub timeout: Option<S<i64>>,
    pub failures: Option<S<i64>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn probe(&mut self, c: &Node) -> Option<Probe> {
        self.shape(c, &LIVENESS);
        let action = self.probe_action(c)?;
        Some(Probe {
            action,
            delay: self.prop_int(c, "delay"),
            period: self.prop_int(c, "period"),
            timeout: self.prop_int(c, "timeout"),
            failures: self.prop_int(c, "failures"),
            span: c.name_span,
        })
    }

    /// The one check of a probe.
    fn probe_action(&mut self, c: &Node) -> Option<ProbeAction> {
        let kinds: Vec<&str> = ["http", "tcp", "grpc"]
            .into_iter()
            .filter(|k| c.prop(k).is_some())
            .collect();
        let exec = !c.args.is_empty();
        let count = kinds.len() + usize::from(exec);
        if count != 1 {
            let msg = if count == 0 {
                format!("probe `{}` says nothing to check", c.name)
            } else {
                format!("probe `{}` has more than one check", c.name)
            };
            self.err(
                Diagnostic::error(&code::syntax::PROBE, msg, c.name_span, "one of http=, tcp=, grpc= or a command")
                    .with_help(format!(
                        "write one of `{0} http=\"/health\" port=\"http\"`, `{0} tcp=\"http\"`, `{0} grpc=\"grpc\"` or `{0} \"cmd\" \"arg\"`",
                        c.name
                    )),
            );
            // With several checks, go on with the first so that the probe is not also
            // reported missing.
            if count == 0 {
                return None;
            }
        }
        let kind = if exec { "exec" } else { kinds[0] };
        self.misplaced_probe_parts(c, kind);
        if exec {
            return Some(ProbeAction::Exec(self.string_args(c)?));
        }
        match kind {
            "http" => self.http_probe(c),
            kind @ ("tcp" | "grpc") if c.prop("port").is_some() => {
                let p = c.prop("port").expect("checked");
                self.err(
                    Diagnostic::error(
                        &code::syntax::UNUSED_PROPERTY,
                        format!("a {kind} probe names its port in {kind}="),
                        p.key_span,
                        "port= is for http probes",
                    )
                    .with_help(format!(
                        "write `{} {kind}=\"PORT\"` and remove port=",
                        c.name
                    )),
                );
                None
            }
            "tcp" => Some(ProbeAction::Tcp(self.prop_port_ref(c, "tcp")?)),
            _ => Some(ProbeAction::Grpc {
                port: self.prop_port_ref(c, "grpc")?,
                service: self.prop_str(c, "service"),
            }),
        }
    }

    fn http_probe(&mut self, c: &Node) -> Option<ProbeAction> {
        let path = self.prop_str(c, "http")?;
        let Some(port) = self.prop_port_ref(c, "port") else {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_PROPERTY,
                    "an http probe needs a port",
                    c.name_span,
                    "no port=",
                )
                .with_help(format!(
                    "write `{} http=\"{}\" port=\"http\"`",
                    c.name, path.v
                )),
            );
            return None;
        };
        let mut headers = Vec::new();
        for h in &c.children {
            self.shape(h, &HEADER);
            let Some(name) = self.name_arg(h, "a header") else {
                continue;
            };
            match h.args.get(1) {
                Some(v) => headers.extend(self.str_value(v, "a header's value").map(|v| (name, v))),
                None => self.missing_arg(
                    h,
                    &format!("header `{}` needs a value", name.v),
                    HEADER.example,
                ),
            }
        }
        Some(ProbeAction::Http {
            path,
            port,
            headers,
        })
    }

    /// Properties and children that only one kind of check takes, on another.
    fn misplaced_probe_parts(&mut self, c: &Node, kind: &str) {
        let stray = match kind {
            "grpc" => None,
            _ => c.prop("service").map(|p| (p.key_span, "service=")),
        }
        .or(match kind {
            "http" => None,
            _ => c.children.first().map(|h| (h.name_span, "header")),
        });
        if let Some((span, what)) = stray {
            self.err(
                Diagnostic::error(
                    &code::syntax::UNUSED_PROPERTY,
                    format!("`{what}` does not apply to a {kind} probe"),
                    span,
                    "not used",
                )
                .with_help("`header` is for http probes, `service=` for grpc probes"),
            );
        }
    }
}
