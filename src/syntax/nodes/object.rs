//! `object`, `manifest` and `crd`: Kubernetes objects the language has no word for, declared as
//! data or read from YAML beside the spec, and the CustomResourceDefinitions their kinds come
//! from.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::data::Data;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

pub static OBJECT: Kind = Kind {
    name: "object",
    what: "an object",
    args: Args::Name,
    props: &[prop(
        "api-version",
        Type::String,
        "the object's apiVersion (default: the kind's, for kinds of Kubernetes)",
    )],
    children: Children::Data,
    identity: Identity::Named,
    example: "object \"ServiceAccount/api\" { metadata { annotations { \"iam.gke.io/gcp-service-account\" \"api@proj.iam.gserviceaccount.com\" } } }",
    doc: "Any Kubernetes object, named `Kind/name`, its fields written as data.",
    reference: "objects.md#object",
    ..Kind::LEAF
};

pub static MANIFEST: Kind = Kind {
    name: "manifest",
    what: "a manifest",
    args: Args::Name,
    identity: Identity::Named,
    example: "manifest \"k8s/extra.yaml\"",
    doc: "Kubernetes objects read from a YAML file beside the spec (one per document).",
    reference: "objects.md#manifest",
    ..Kind::LEAF
};

pub static CRD: Kind = Kind {
    name: "crd",
    what: "a crd",
    args: Args::Name,
    identity: Identity::Named,
    example: "crd \"crds/prometheusrules.yaml\"",
    doc: "CustomResourceDefinitions (a YAML file beside the spec): their kinds may be declared, and are validated by their schemas.",
    reference: "objects.md#crd",
    ..Kind::LEAF
};

/// `Kind/name`: the object an `object` declares or a patch changes (by its logical name, the
/// one the spec gives: no environment prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: String,
    pub name: String,
    pub span: Span,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)
    }
}

/// A declared object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub target: Target,
    pub api_version: Option<S<String>>,
    /// Everything but `apiVersion`, `kind` and `metadata.name`: a map.
    pub body: Data,
    pub span: Span,
}

/// A YAML file of objects, or of CustomResourceDefinitions.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRef {
    pub path: S<String>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn object(&mut self, node: &Node) -> Option<Object> {
        self.shape(node, &OBJECT);
        let target = self.target(node, "an object")?;
        let body = self.data_body(node)?;
        for (key, fix) in [
            ("apiVersion", "give it as api-version= on the `object` node"),
            (
                "kind",
                "the kind is the first part of the object's `Kind/name`",
            ),
        ] {
            if body.value.get(key).is_some() {
                self.reserved_field(&body, &format!("/{key}"), key, fix);
            }
        }
        if body.value.pointer("/metadata/name").is_some() {
            let fix = "the name is the second part of the object's `Kind/name`";
            self.reserved_field(&body, "/metadata/name", "metadata.name", fix);
        }
        Some(Object {
            target,
            api_version: self.prop_str(node, "api-version"),
            body,
            span: node.name_span,
        })
    }

    fn reserved_field(&mut self, body: &Data, pointer: &str, key: &str, fix: &str) {
        let span = body.spans.key(pointer).unwrap_or_default();
        self.err(
            Diagnostic::error(
                &code::object::DATA,
                format!("`{key}` is not written in the body"),
                span,
                "given by the node",
            )
            .with_help(fix),
        );
    }

    /// A `manifest` or `crd`: the path of its file.
    pub(in crate::syntax) fn file_ref(&mut self, node: &Node, kind: &Kind) -> Option<FileRef> {
        self.shape(node, kind);
        let path = self.name_arg(node, kind.what)?;
        Some(FileRef {
            path,
            span: node.name_span,
        })
    }

    /// The `Kind/name` argument of an object or a patch.
    pub(in crate::syntax) fn target(&mut self, node: &Node, what: &str) -> Option<Target> {
        let arg = self.name_arg(node, what)?;
        let parsed = arg.v.split_once('/').filter(|(kind, name)| {
            !name.is_empty()
                && kind.starts_with(|c: char| c.is_ascii_uppercase())
                && kind.chars().all(|c| c.is_ascii_alphanumeric())
        });
        let Some((kind, name)) = parsed else {
            self.err(
                Diagnostic::error(
                    &code::object::TARGET,
                    format!("`{}` is not `Kind/name`", arg.v),
                    arg.span,
                    "expected Kind/name",
                )
                .with_help(format!(
                    "name {what} by its kind and name, as kubectl does: `{} \"ServiceAccount/api\"`",
                    node.name
                )),
            );
            return None;
        };
        Some(Target {
            kind: kind.to_string(),
            name: name.to_string(),
            span: arg.span,
        })
    }
}
