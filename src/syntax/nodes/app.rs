//! `app`: the application's name and cluster-wide settings.

use super::meta::{ANNOTATIONS, LABELS, WAIVE, Waiver};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Kind, Type, prop};

pub static APP: Kind = Kind {
    name: "app",
    what: "`app`",
    args: Args::Name,
    children: Children::Kinds(&[
        &NAMESPACE,
        &REGISTRY,
        &KUBERNETES,
        &DESCRIPTION,
        &LABELS,
        &ANNOTATIONS,
        &INGRESS_CONTROLLER,
        &WAIVE,
    ]),
    example: "app \"shop\" { namespace \"shop\" }",
    doc: "The application: its name and cluster-wide settings. Exactly one per spec.",
    reference: "app.md",
    ..Kind::LEAF
};

pub static NAMESPACE: Kind = Kind {
    name: "namespace",
    what: "`namespace`",
    args: Args::One(Type::String),
    example: "namespace \"my-app\"",
    doc: "The namespace every object goes to (default: the app's name).",
    reference: "app.md#namespace",
    ..Kind::LEAF
};

pub static REGISTRY: Kind = Kind {
    name: "registry",
    what: "`registry`",
    args: Args::One(Type::String),
    example: "registry \"ghcr.io/my-org\"",
    doc: "The registry image names are relative to.",
    reference: "app.md#registry",
    ..Kind::LEAF
};

pub static KUBERNETES: Kind = Kind {
    name: "kubernetes",
    what: "`kubernetes`",
    args: Args::One(Type::String),
    example: "kubernetes \"1.33\"",
    doc: "The Kubernetes version the output targets.",
    reference: "app.md#kubernetes",
    ..Kind::LEAF
};

pub static DESCRIPTION: Kind = Kind {
    name: "description",
    what: "`description`",
    args: Args::One(Type::String),
    example: "description \"What the app does\"",
    doc: "One line about the app: the Helm chart's description.",
    reference: "app.md#description",
    ..Kind::LEAF
};

pub static INGRESS_CONTROLLER: Kind = Kind {
    name: "ingress-controller",
    what: "`ingress-controller`",
    props: &[prop(
        "namespace",
        Type::String,
        "the controller's namespace",
    )],
    children: Children::Kinds(&[&LABELS]),
    example: "ingress-controller namespace=\"ingress-nginx\"",
    doc: "Where the ingress controller's pods run, for network policies.",
    reference: "app.md#ingress-controller",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub name: S<String>,
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub registry: Option<S<String>>,
    pub kubernetes: Option<S<String>>,
    /// One line about the app: the Helm chart's description.
    pub description: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub ingress_controller: Option<IngressController>,
    /// Scanner checks waived for every workload of the app.
    pub waivers: Vec<Waiver>,
}

/// Where the ingress controller's pods run, for network policies.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressController {
    pub namespace: S<String>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn app(&mut self, node: &Node) -> Option<App> {
        self.shape(node, &APP);
        let name = self.name_arg(node, "the app")?;
        let mut app = App {
            name,
            span: node.name_span,
            namespace: None,
            registry: None,
            kubernetes: None,
            description: None,
            labels: Vec::new(),
            annotations: Vec::new(),
            ingress_controller: None,
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "namespace" => app.namespace = self.str_arg(c, &NAMESPACE),
                "registry" => app.registry = self.str_arg(c, &REGISTRY),
                "kubernetes" => app.kubernetes = self.str_arg(c, &KUBERNETES),
                "description" => app.description = self.str_arg(c, &DESCRIPTION),
                "labels" => app.labels = self.string_map(c),
                "annotations" => app.annotations = self.string_map(c),
                "waive" => app.waivers.extend(self.waiver(c)),
                "ingress-controller" => app.ingress_controller = Some(self.ingress_controller(c)),
                _ => {}
            }
        }
        Some(app)
    }

    fn ingress_controller(&mut self, c: &Node) -> IngressController {
        self.shape(c, &INGRESS_CONTROLLER);
        let namespace = self
            .prop_str(c, "namespace")
            .unwrap_or_else(|| S::new("ingress-nginx".into(), c.name_span));
        let labels = c
            .children
            .iter()
            .find(|l| l.name == "labels")
            .map(|l| self.string_map(l));
        IngressController {
            namespace,
            labels: labels.unwrap_or_default(),
            span: c.name_span,
        }
    }
}
