//! `reach`, `egress`, `allow-from` and `metrics`: who talks to the workload, and whom it
//! talks to.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::{PortRef, S};
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Names, Type, prop};

pub static REACH: Kind = Kind {
    name: "reach",
    what: "`reach`",
    args: Args::Many(Type::String),
    example: "reach \"postgres:5432\"",
    doc: "Workloads of the app this one connects to, with a port or not.",
    reference: "workloads.md#reach",
    names: Names::Of {
        words: &[],
        items: &["service", "worker", "stateful"],
    },
    ..Kind::LEAF
};

pub static EGRESS: Kind = Kind {
    name: "egress",
    what: "`egress`",
    args: Args::One(Type::String),
    props: &[
        prop(
            "namespace",
            Type::String,
            "pods of this namespace, instead of addresses",
        ),
        prop("port", Type::Integer, "the port"),
    ],
    identity: Identity::Named,
    example: "egress \"0.0.0.0/0\" port=443",
    doc: "Connections out to an address block or another namespace.",
    reference: "workloads.md#egress",
    ..Kind::LEAF
};

pub static ALLOW_FROM: Kind = Kind {
    name: "allow-from",
    what: "`allow-from`",
    args: Args::One(Type::String),
    props: &[
        prop(
            "namespace",
            Type::String,
            "pods of this namespace, instead of addresses",
        ),
        prop(
            "port",
            Type::PortRef,
            "the port (default: all of the workload's)",
        ),
    ],
    identity: Identity::Named,
    example: "allow-from \"10.0.0.0/8\" port=\"http\"",
    doc: "Connections in from an address block or another namespace.",
    reference: "network.md#allow-from",
    ..Kind::LEAF
};

pub static METRICS: Kind = Kind {
    name: "metrics",
    what: "`metrics`",
    props: &[
        prop("port", Type::String, "the named port to scrape"),
        prop("path", Type::String, "the path (default /metrics)"),
        prop("interval", Type::String, "how often (default: Prometheus')"),
    ],
    example: "metrics port=\"http\" path=\"/metrics\"",
    doc: "A Prometheus Operator ServiceMonitor.",
    reference: "workloads.md#metrics",
    ..Kind::LEAF
};

/// `reach "postgres:5432"`: this workload may open connections to that one.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub target: String,
    pub port: Option<PortRef>,
}

/// The other end of a connection that is not one of the app's workloads.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// Addresses outside the cluster: `"0.0.0.0/0"`.
    Cidr(S<String>),
    /// Pods of another namespace: `namespace="monitoring"`.
    Namespace(S<String>),
}

/// `egress "0.0.0.0/0" port=443` or `egress namespace="observability" port=4317`:
/// connections this workload may open to something that is not a workload of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Egress {
    pub peer: Peer,
    pub ports: Vec<S<i64>>,
    pub span: Span,
}

/// `allow-from namespace="monitoring" port="metrics"`: connections this workload accepts from
/// something that is not a workload of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowFrom {
    pub peer: Peer,
    pub port: Option<S<PortRef>>,
    pub span: Span,
}

/// `metrics port="http" path="/metrics"`: a Prometheus Operator ServiceMonitor.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub port: S<String>,
    pub path: Option<S<String>>,
    pub interval: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn reach(&mut self, c: &Node) -> Vec<S<Reach>> {
        self.shape(c, &REACH);
        if c.args.is_empty() {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_ARGUMENT,
                    "`reach` needs a target",
                    c.name_span,
                    "no target",
                )
                .with_help("write `reach \"postgres\"` or `reach \"postgres:5432\"`"),
            );
        }
        let mut out = Vec::new();
        for a in &c.args {
            let Some(s) = self.str_value(a, "a `reach` target") else {
                continue;
            };
            let (target, port) = match s.v.split_once(':') {
                Some((t, p)) => (
                    t.to_string(),
                    Some(match p.parse::<i64>() {
                        Ok(n) => PortRef::Number(n),
                        Err(_) => PortRef::Name(p.to_string()),
                    }),
                ),
                None => (s.v.clone(), None),
            };
            out.push(S::new(Reach { target, port }, s.span));
        }
        out
    }

    pub(in crate::syntax) fn egress(&mut self, c: &Node) -> Option<Egress> {
        self.shape(c, &EGRESS);
        let peer = self.peer(c, EGRESS.example)?;
        let ports = self.prop_int(c, "port").into_iter().collect();
        Some(Egress {
            peer,
            ports,
            span: c.name_span,
        })
    }

    pub(in crate::syntax) fn allow_from(&mut self, c: &Node) -> Option<AllowFrom> {
        self.shape(c, &ALLOW_FROM);
        let peer = self.peer(c, ALLOW_FROM.example)?;
        Some(AllowFrom {
            peer,
            port: self.prop_port_ref(c, "port"),
            span: c.name_span,
        })
    }

    /// A CIDR argument or a `namespace=` property, not both.
    fn peer(&mut self, c: &Node, example: &str) -> Option<Peer> {
        let (code, msg, span, label) = match (c.args.first(), c.prop("namespace")) {
            (Some(a), None) => {
                return Some(Peer::Cidr(self.str_value(a, &format!("`{}`", c.name))?));
            }
            (None, Some(_)) => return Some(Peer::Namespace(self.prop_str(c, "namespace")?)),
            (Some(a), Some(_)) => (
                &code::syntax::EXTRA_ARGUMENT,
                format!(
                    "`{}` takes an address block or a namespace, not both",
                    c.name
                ),
                a.span,
                "address block",
            ),
            (None, None) => (
                &code::syntax::MISSING_ARGUMENT,
                format!("`{}` needs an address block or a namespace", c.name),
                c.name_span,
                "no peer",
            ),
        };
        self.err(Diagnostic::error(code, msg, span, label).with_help(format!(
            "write `{example}` or `{} namespace=\"NAME\" port=...`",
            c.name
        )));
        None
    }

    pub(in crate::syntax) fn metrics(&mut self, c: &Node) -> Option<Metrics> {
        self.shape(c, &METRICS);
        let Some(port) = self.prop_str(c, "port") else {
            if c.prop("port").is_none() {
                self.missing_prop(
                    c,
                    "`metrics` needs the port to scrape",
                    "port",
                    METRICS.example,
                );
            }
            return None;
        };
        Some(Metrics {
            port,
            path: self.prop_str(c, "path"),
            interval: self.prop_str(c, "interval"),
            span: c.name_span,
        })
    }
}
