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
