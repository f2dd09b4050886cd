//! `analysis`: a measurement a canary rollout takes before it goes on, as an Argo Rollouts
//! AnalysisTemplate with a Prometheus query.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type};

pub static PROMETHEUS: Kind = Kind {
    name: "prometheus",
    what: "`prometheus`",
    args: Args::One(Type::String),
    example: "prometheus \"http://prometheus.monitoring:9090\"",
    doc: "The Prometheus server that answers the query.",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static QUERY: Kind = Kind {
    name: "query",
    what: "`query`",
    args: Args::One(Type::String),
    example: "query \"sum(rate(http_requests_total{code=~'5..'}[2m])) / sum(rate(http_requests_total[2m]))\"",
    doc: "The PromQL query; its result is `result` in the conditions.",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static SUCCESS: Kind = Kind {
    name: "success",
    what: "`success`",
    args: Args::One(Type::String),
    example: "success \"result[0] < 0.01\"",
    doc: "When a measurement succeeds (an expression on `result`).",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static INTERVAL: Kind = Kind {
    name: "interval",
    what: "`interval`",
    args: Args::One(Type::String),
    example: "interval \"1m\"",
    doc: "Time between measurements (default: one measurement).",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static COUNT: Kind = Kind {
    name: "count",
    what: "`count`",
    args: Args::One(Type::Integer),
    example: "count 5",
    doc: "How many measurements are taken.",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static FAILURE_LIMIT: Kind = Kind {
    name: "failure-limit",
    what: "`failure-limit`",
    args: Args::One(Type::Integer),
    example: "failure-limit 1",
    doc: "How many failed measurements abort the rollout (more than this many).",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

pub static ANALYSIS: Kind = Kind {
    name: "analysis",
    what: "an analysis",
    args: Args::Name,
    children: Children::Kinds(&[
        &PROMETHEUS,
        &QUERY,
        &SUCCESS,
        &INTERVAL,
        &COUNT,
        &FAILURE_LIMIT,
    ]),
    identity: Identity::Named,
    example: "analysis \"error-rate\" { prometheus \"http://prometheus.monitoring:9090\" query \"sum(rate(errors[2m]))\" success \"result[0] < 1\" }",
    doc: "A Prometheus measurement canary steps run (an Argo Rollouts AnalysisTemplate).",
    reference: "workloads.md#analysis",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub name: S<String>,
    pub prometheus: Option<S<String>>,
    pub query: Option<S<String>>,
    pub success: Option<S<String>>,
    pub interval: Option<S<String>>,
    pub count: Option<S<i64>>,
    pub failure_limit: Option<S<i64>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn analysis(&mut self, node: &Node) -> Option<Analysis> {
        self.shape(node, &ANALYSIS);
        let mut a = Analysis {
            name: self.name_arg(node, ANALYSIS.what)?,
            prometheus: None,
            query: None,
            success: None,
            interval: None,
            count: None,
            failure_limit: None,
            span: node.name_span,
        };
        for c in &node.children {
            match c.name.as_str() {
                "prometheus" => a.prometheus = self.str_arg(c, &PROMETHEUS),
                "query" => a.query = self.str_arg(c, &QUERY),
                "success" => a.success = self.str_arg(c, &SUCCESS),
                "interval" => a.interval = self.str_arg(c, &INTERVAL),
                "count" => a.count = self.int_arg(c, &COUNT),
                "failure-limit" => a.failure_limit = self.int_arg(c, &FAILURE_LIMIT),
                _ => {}
            }
        }
        Some(a)
    }
}
