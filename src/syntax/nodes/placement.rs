//! `spread`, `anti-affinity`, `node-selector` and `tolerate`: where the pods run.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Type, prop};

keyword! {
    /// `spread "zone"`: the topology the pods are spread over.
    pub enum Spread("spread") {
        Zone = "zone",
        Node = "node",
    }
}

keyword! {
    /// `anti-affinity "required"`: whether two pods may share a node.
    pub enum AntiAffinity("anti-affinity") {
        Required = "required",
        Preferred = "preferred",
    }
}

keyword! {
    /// `tolerate ... effect=`: the taint effect tolerated.
    pub enum TaintEffect("taint effect") {
        NoSchedule = "NoSchedule",
        PreferNoSchedule = "PreferNoSchedule",
        NoExecute = "NoExecute",
    }
}

pub static SPREAD: Kind = Kind {
    name: "spread",
    what: "`spread`",
    args: Args::One(Type::Keyword(Spread::NAMES)),
    example: "spread \"zone\"",
    doc: "Spread the pods evenly over zones or nodes.",
    reference: "workloads.md#spread",
    ..Kind::LEAF
};

pub static ANTI_AFFINITY: Kind = Kind {
    name: "anti-affinity",
    what: "`anti-affinity`",
    args: Args::One(Type::Keyword(AntiAffinity::NAMES)),
    example: "anti-affinity \"required\"",
    doc: "Keep two pods of the workload off one node.",
    reference: "workloads.md#anti-affinity",
    ..Kind::LEAF
};

pub static NODE_SELECTOR: Kind = Kind {
    name: "node-selector",
    what: "`node-selector`",
    free_props: true,
    example: "node-selector \"kubernetes.io/arch\"=\"arm64\"",
    doc: "Node labels the pods' nodes must have: properties, each a label.",
    reference: "workloads.md#node-selector",
    ..Kind::LEAF
};

pub static TOLERATE: Kind = Kind {
    name: "tolerate",
    what: "`tolerate`",
    args: Args::Name,
    props: &[
        prop("value", Type::String, "the taint's value (default: any)"),
        prop(
            "effect",
            Type::Keyword(TaintEffect::NAMES),
            "the taint's effect (default: any)",
        ),
    ],
    identity: Identity::Named,
    example: "tolerate \"cloud.google.com/gke-spot\" value=\"true\" effect=\"NoSchedule\"",
    doc: "A node taint the pods tolerate, by key.",
    reference: "workloads.md#tolerate",
    ..Kind::LEAF
};

/// `tolerate "cloud.google.com/gke-spot" value="true" effect="NoSchedule"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    pub key: S<String>,
    /// Without a value, the toleration matches any value (operator Exists).
    pub value: Option<S<String>>,
    pub effect: Option<S<TaintEffect>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn toleration(&mut self, c: &Node) -> Option<Toleration> {
        self.shape(c, &TOLERATE);
        let key = self.name_arg(c, "a toleration")?;
        Some(Toleration {
            key,
            value: self.prop_str(c, "value"),
            effect: self.prop_keyword(c, "effect"),
            span: c.name_span,
        })
    }
}

pub static PREFER_NODE: Kind = Kind {
    name: "prefer-node",
    what: "`prefer-node`",
    args: Args::Many(Type::String),
    props: &[prop(
        "weight",
        Type::Integer,
        "how much the preference counts, 1-100 (default 100)",
    )],
    identity: Identity::Named,
    example: "prefer-node \"karpenter.sh/capacity-type\" \"spot\" weight=80",
    doc: "A node label the scheduler prefers, by key and the values it may have (soft node affinity).",
    reference: "workloads.md#prefer-node",
    ..Kind::LEAF
};

pub static NEAR: Kind = Kind {
    name: "near",
    what: "`near`",
    args: Args::Name,
    props: &[
        prop(
            "topology",
            Type::Keyword(Spread::NAMES),
            "on the same node or in the same zone (default: node)",
        ),
        prop(
            "required",
            Type::Bool,
            "refuse to schedule anywhere else (default: preferred)",
        ),
        prop(
            "weight",
            Type::Integer,
            "how much a preference counts, 1-100 (default 100)",
        ),
    ],
    identity: Identity::Named,
    example: "near \"cache\" topology=\"zone\"",
    doc: "Schedule the pods near another workload's pods (pod affinity).",
    reference: "workloads.md#near",
    ..Kind::LEAF
};

pub static PRIORITY_CLASS: Kind = Kind {
    name: "priority-class",
    what: "`priority-class`",
    args: Args::One(Type::String),
    example: "priority-class \"business-critical\"",
    doc: "The pods' PriorityClass (created by the cluster's administrators).",
    reference: "workloads.md#priority-class",
    ..Kind::LEAF
};

/// `prefer-node "KEY" "VALUE"... weight=N`.
#[derive(Debug, Clone, PartialEq)]
pub struct PreferNode {
    pub key: S<String>,
    pub values: Vec<S<String>>,
    pub weight: Option<S<i64>>,
    pub span: Span,
}

/// `near "WORKLOAD" topology= required= weight=`.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    pub workload: S<String>,
    pub topology: Option<S<Spread>>,
    pub required: Option<S<bool>>,
    pub weight: Option<S<i64>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn prefer_node(&mut self, c: &Node) -> Option<PreferNode> {
        self.shape(c, &PREFER_NODE);
        let key = self.name_arg(c, "a node preference")?;
        let values: Vec<S<String>> = c.args[1..]
            .iter()
            .filter_map(|v| self.str_value(v, "a label value"))
            .collect();
        if c.args.len() < 2 {
            self.missing_arg(
                c,
                &format!("`prefer-node \"{}\"` needs the values it prefers", key.v),
                PREFER_NODE.example,
            );
            return None;
        }
        Some(PreferNode {
            key,
            values,
            weight: self.prop_int(c, "weight"),
            span: c.name_span,
        })
    }

    pub(in crate::syntax) fn near(&mut self, c: &Node) -> Option<Near> {
        self.shape(c, &NEAR);
        Some(Near {
            workload: self.name_arg(c, "`near`")?,
            topology: self.prop_keyword(c, "topology"),
            required: self.prop_bool(c, "required"),
            weight: self.prop_int(c, "weight"),
            span: c.name_span,
        })
    }
}
