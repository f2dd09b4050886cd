//! `alert`: a Prometheus alerting rule about a workload (the Prometheus Operator's
//! PrometheusRule).

use super::meta::LABELS;
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

pub static SUMMARY: Kind = Kind {
    name: "summary",
    what: "`summary`",
    args: Args::One(Type::String),
    example: "summary \"api answers with errors\"",
    doc: "One line that says what is wrong (the `summary` annotation).",
    reference: "workloads.md#alert",
    ..Kind::LEAF
};

pub static DESCRIPTION: Kind = Kind {
    name: "description",
    what: "`description`",
    args: Args::One(Type::String),
    example: "description \"More than 5% of requests fail.\"",
    doc: "What it means and what to look at (the `description` annotation).",
    reference: "workloads.md#alert",
    ..Kind::LEAF
};

pub static RUNBOOK: Kind = Kind {
    name: "runbook",
    what: "`runbook`",
    args: Args::One(Type::String),
    example: "runbook \"https://runbooks.example.com/api-errors\"",
    doc: "Where the on-call finds what to do (the `runbook_url` annotation).",
    reference: "workloads.md#alert",
    ..Kind::LEAF
};

pub static ALERT: Kind = Kind {
    name: "alert",
    what: "an alert",
    args: Args::Name,
    props: &[
        prop("expr", Type::String, "the PromQL expression that fires it"),
        prop(
            "for",
            Type::String,
            "how long it must hold before it fires (`5m`)",
        ),
        prop(
            "severity",
            Type::String,
            "the `severity` label (`critical`, `warning`)",
        ),
    ],
    children: Children::Kinds(&[&SUMMARY, &DESCRIPTION, &RUNBOOK, &LABELS]),
    identity: Identity::Named,
    example: "alert \"ApiErrors\" expr=\"sum(rate(http_requests_total{code=~'5..'}[5m])) > 1\" for=\"5m\" severity=\"critical\"",
    doc: "A Prometheus alerting rule, in the workload's PrometheusRule.",
    reference: "workloads.md#alert",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub name: S<String>,
    pub expr: Option<S<String>>,
    pub for_: Option<S<String>>,
    pub severity: Option<S<String>>,
    pub summary: Option<S<String>>,
    pub description: Option<S<String>>,
    pub runbook: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn alert(&mut self, node: &Node) -> Option<Alert> {
        self.shape(node, &ALERT);
        let name = self.name_arg(node, ALERT.what)?;
        let expr = self.prop_str(node, "expr");
        if node.prop("expr").is_none() {
            self.missing_prop(
                node,
                &format!("alert `{}` has no expression", name.v),
                "expr",
                ALERT.example,
            );
        }
        let mut a = Alert {
            name,
            expr,
            for_: self.prop_str(node, "for"),
            severity: self.prop_str(node, "severity"),
            summary: None,
            description: None,
            runbook: None,
            labels: Vec::new(),
            span: node.name_span,
        };
        for c in &node.children {
            match c.name.as_str() {
                "summary" => a.summary = self.str_arg(c, &SUMMARY),
                "description" => a.description = self.str_arg(c, &DESCRIPTION),
                "runbook" => a.runbook = self.str_arg(c, &RUNBOOK),
                "labels" => a.labels = self.string_map(c),
                _ => {}
            }
        }
        Some(a)
    }
}
