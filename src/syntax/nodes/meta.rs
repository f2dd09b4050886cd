//! `labels`, `annotations` and `waive`: what any object or workload may carry.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Type, prop};

pub static LABELS: Kind = Kind {
    name: "labels",
    what: "`labels`",
    free_props: true,
    example: "labels team=\"web\"",
    doc: "Labels: properties, each a label (keys and values as Kubernetes allows).",
    reference: "workloads.md#labels",
    ..Kind::LEAF
};

pub static ANNOTATIONS: Kind = Kind {
    name: "annotations",
    what: "`annotations`",
    free_props: true,
    example: "annotations \"example.com/note\"=\"text\"",
    doc: "Annotations: properties, each an annotation (any text as the value).",
    reference: "workloads.md#annotations",
    ..Kind::LEAF
};

pub static SELECTOR: Kind = Kind {
    name: "selector",
    what: "`selector`",
    free_props: true,
    example: "selector app=\"api\"",
    doc: "The labels that select the pods, kept from an existing Deployment or StatefulSet so stowage can take it over without recreating it (selectors cannot change).",
    reference: "workloads.md#selector",
    ..Kind::LEAF
};

pub static WAIVE: Kind = Kind {
    name: "waive",
    what: "`waive`",
    args: Args::Name,
    props: &[
        prop(
            "reason",
            Type::String,
            "why the rule or check does not apply",
        ),
        prop(
            "owner",
            Type::String,
            "who answers for the waiver (a team or a person)",
        ),
        prop(
            "expires",
            Type::String,
            "the date it ends, `YYYY-MM-DD`: a warning 14 days before, an error from that day",
        ),
    ],
    identity: Identity::Named,
    example: "waive \"replicas\" reason=\"...\" owner=\"team-data\" expires=\"2027-03-01\"",
    doc: "Switches a policy rule or a scanner check off for this object, with a reason.",
    reference: "workloads.md#waive",
    ..Kind::LEAF
};

/// `waive "RULE" reason="..." owner="..." expires="..."`: a policy rule or scanner check
/// switched off, why, who answers for it and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: S<String>,
    pub reason: Option<S<String>>,
    pub owner: Option<S<String>>,
    pub expires: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn waiver(&mut self, c: &Node) -> Option<Waiver> {
        self.shape(c, &WAIVE);
        let rule = self.name_arg(c, "a waiver")?;
        Some(Waiver {
            rule,
            reason: self.prop_str(c, "reason"),
            owner: self.prop_str(c, "owner"),
            expires: self.prop_str(c, "expires"),
            span: c.name_span,
        })
    }
}
