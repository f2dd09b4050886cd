//! `patch` and `json-patch`: changes to any object the spec makes or declares, app-wide or in
//! one environment. A `patch` is merged into the object (a strategic merge for the kinds of
//! Kubernetes, a JSON merge for custom resources); a `json-patch` is a list of RFC 6902
//! operations.

use super::object::Target;
use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::data::Data;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// A JSON patch operation (RFC 6902).
    pub enum Op("JSON patch operation") {
        Add = "add",
        Remove = "remove",
        Replace = "replace",
        Move = "move",
        Copy = "copy",
        Test = "test",
    }
}

pub static PATCH: Kind = Kind {
    name: "patch",
    what: "a patch",
    args: Args::Name,
    children: Children::Data,
    identity: Identity::Layered,
    example: "patch \"Deployment/api\" { spec { minReadySeconds 10 } }",
    doc: "Fields merged into an object (`Kind/name`): strategic merge for kinds of Kubernetes, JSON merge for custom resources.",
    reference: "objects.md#patch",
    ..Kind::LEAF
};

pub static JSON_PATCH: Kind = Kind {
    name: "json-patch",
    what: "a JSON patch",
    args: Args::Name,
    children: Children::Kinds(&[&ADD, &REMOVE, &REPLACE, &MOVE, &COPY, &TEST]),
    identity: Identity::Named,
    example: "json-patch \"Deployment/api\" { remove \"/spec/template/spec/hostNetwork\" }",
    doc: "RFC 6902 operations on an object (`Kind/name`), in order.",
    reference: "objects.md#json-patch",
    ..Kind::LEAF
};

/// An operation that takes a value: its path, then the value as data.
const VALUE_OP: Kind = Kind {
    name: "add",
    what: "a JSON patch operation",
    args: Args::Many(Type::Scalar),
    free_props: true,
    children: Children::Data,
    identity: Identity::List,
    example: "add \"/spec/template/spec/priorityClassName\" \"high\"",
    doc: "Add a value at the path (`-` at the end of a list appends).",
    reference: "objects.md#json-patch",
    ..Kind::LEAF
};

pub static ADD: Kind = VALUE_OP;

pub static REPLACE: Kind = Kind {
    name: "replace",
    example: "replace \"/spec/replicas\" 3",
    doc: "Replace the value at the path, which must exist.",
    ..VALUE_OP
};

pub static TEST: Kind = Kind {
    name: "test",
    example: "test \"/spec/replicas\" 2",
    doc: "Stop with an error unless the value at the path is this one.",
    ..VALUE_OP
};

pub static REMOVE: Kind = Kind {
    name: "remove",
    what: "a JSON patch operation",
    args: Args::One(Type::String),
    identity: Identity::List,
    example: "remove \"/spec/template/spec/hostNetwork\"",
    doc: "Remove the value at the path, which must exist.",
    reference: "objects.md#json-patch",
    ..Kind::LEAF
};

pub static MOVE: Kind = Kind {
    name: "move",
    what: "a JSON patch operation",
    args: Args::One(Type::String),
    props: &[prop(
        "from",
        Type::String,
        "the path the value is taken from",
    )],
    identity: Identity::List,
    example: "move \"/metadata/annotations/new\" from=\"/metadata/annotations/old\"",
    doc: "Move the value at `from=` to the path.",
    reference: "objects.md#json-patch",
    ..Kind::LEAF
};

pub static COPY: Kind = Kind {
    name: "copy",
    example: "copy \"/metadata/labels/team\" from=\"/metadata/labels/owner\"",
    doc: "Copy the value at `from=` to the path.",
    ..MOVE
};

/// A strategic (or JSON) merge patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub target: Target,
    pub body: Data,
    pub span: Span,
    /// Given by an environment: applied after the app's patch of the same target.
    pub environment: bool,
}

/// RFC 6902 operations, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPatch {
    pub target: Target,
    pub ops: Vec<PatchOp>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatchOp {
    pub op: Op,
    pub path: S<String>,
    pub from: Option<S<String>>,
    pub value: Option<Data>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn patch(&mut self, node: &Node) -> Option<Patch> {
        self.shape(node, &PATCH);
        let target = self.target(node, "a patch")?;
        let body = self.data_body(node)?;
        Some(Patch {
            target,
            body,
            span: node.name_span,
            environment: node.override_span.is_some(),
        })
    }

    pub(in crate::syntax) fn json_patch(&mut self, node: &Node) -> Option<JsonPatch> {
        self.shape(node, &JSON_PATCH);
        let target = self.target(node, "a JSON patch")?;
        let ops = node
            .children
            .iter()
            .filter_map(|c| self.patch_op(c))
            .collect::<Vec<_>>();
        if node.children.is_empty() {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_ARGUMENT,
                    "a JSON patch without operations",
                    node.name_span,
                    "nothing to do",
                )
                .with_help("add operations: `remove \"/spec/x\"`, `add \"/spec/y\" 1`, ..."),
            );
        }
        Some(JsonPatch {
            target,
            ops,
            span: node.name_span,
        })
    }

    fn patch_op(&mut self, c: &Node) -> Option<PatchOp> {
        let op = Op::parse(&c.name)?;
        let kind = match op {
            Op::Add => &ADD,
            Op::Replace => &REPLACE,
            Op::Test => &TEST,
            Op::Remove => &REMOVE,
            Op::Move => &MOVE,
            Op::Copy => &COPY,
        };
        self.shape(c, kind);
        let path = self.name_arg(c, "an operation")?;
        let mut out = PatchOp {
            op,
            path,
            from: None,
            value: None,
            span: c.name_span,
        };
        match op {
            Op::Add | Op::Replace | Op::Test => {
                let mut value = c.clone();
                value.args.remove(0);
                out.value = Some(self.data_value(&value, "")?);
            }
            Op::Move | Op::Copy => {
                out.from = self.prop_str(c, "from");
                if out.from.is_none() && c.prop("from").is_none() {
                    let example = kind.example;
                    self.missing_prop(c, &format!("`{}` needs from=", c.name), "from", example);
                    return None;
                }
            }
            Op::Remove => {}
        }
        Some(out)
    }
}
