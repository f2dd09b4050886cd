//! `ingress`: HTTP routes from hosts and paths to services, with TLS.

use super::meta::{ANNOTATIONS, WAIVE, Waiver};
use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::{PortRef, S};
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `tls issuer-kind=`: the kind of the cert-manager issuer.
    pub enum IssuerKind("issuer kind") {
        ClusterIssuer = "ClusterIssuer",
        Issuer = "Issuer",
    }
}

keyword! {
    /// `route path-type=`: how the path is matched.
    pub enum PathType("path type") {
        Prefix = "Prefix",
        Exact = "Exact",
        ImplementationSpecific = "ImplementationSpecific",
    }
}

pub static INGRESS: Kind = Kind {
    name: "ingress",
    what: "an ingress",
    args: Args::Name,
    children: Children::Kinds(&[&CLASS, &TLS, &ROUTE, &ANNOTATIONS, &WAIVE]),
    identity: Identity::Named,
    example: "ingress \"web\" { route \"web\" host=\"app.example.com\" service=\"web\" }",
    doc: "An Ingress: routes from hosts and paths to services.",
    reference: "ingress.md",
    ..Kind::LEAF
};

pub static CLASS: Kind = Kind {
    name: "class",
    what: "`class`",
    args: Args::One(Type::String),
    example: "class \"nginx\"",
    doc: "The ingress class.",
    reference: "ingress.md#class",
    ..Kind::LEAF
};

pub static TLS: Kind = Kind {
    name: "tls",
    what: "`tls`",
    props: &[
        prop("issuer", Type::String, "the cert-manager issuer"),
        prop(
            "issuer-kind",
            Type::Keyword(IssuerKind::NAMES),
            "the issuer's kind (default ClusterIssuer)",
        ),
        prop("secret", Type::String, "the Secret holding the certificate"),
    ],
    example: "tls issuer=\"letsencrypt-prod\"",
    doc: "HTTPS for every host: a certificate from an issuer, or an existing Secret.",
    reference: "ingress.md#tls",
    ..Kind::LEAF
};

pub static ROUTE: Kind = Kind {
    name: "route",
    what: "a route",
    args: Args::Name,
    props: &[
        prop("host", Type::String, "the host name"),
        prop("path", Type::String, "the path (default /)"),
        prop(
            "path-type",
            Type::Keyword(PathType::NAMES),
            "how the path matches (default Prefix)",
        ),
        prop("service", Type::String, "the service that answers"),
        prop(
            "port",
            Type::PortRef,
            "the service's port (default: its first)",
        ),
    ],
    identity: Identity::Named,
    example: "route \"web\" host=\"app.example.com\" service=\"web\"",
    doc: "Requests for a host (and path) go to a service.",
    reference: "ingress.md#route",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub name: S<String>,
    pub span: Span,
    pub class: Option<S<String>>,
    pub tls: Option<Tls>,
    pub routes: Vec<Route>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tls {
    pub issuer: Option<S<String>>,
    pub issuer_kind: Option<S<IssuerKind>>,
    pub secret: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub name: S<String>,
    pub host: S<String>,
    pub path: Option<S<String>>,
    pub path_type: Option<S<PathType>>,
    pub service: S<String>,
    pub port: Option<S<PortRef>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn ingress(&mut self, node: &Node) -> Option<Ingress> {
        self.shape(node, &INGRESS);
        let name = self.name_arg(node, "an ingress")?;
        // Checked on the nodes, so that a route that fails to decode is not also reported as
        // missing.
        if !node.children.iter().any(|c| c.name == "route") {
            self.err(
                Diagnostic::error(
                    &code::ingress::ROUTES,
                    format!("ingress `{}` has no routes", name.v),
                    name.span,
                    "no `route` here",
                )
                .with_help("add `route \"web\" host=\"app.example.com\" service=\"web\"`"),
            );
        }
        let mut ing = Ingress {
            name,
            span: node.name_span,
            class: None,
            tls: None,
            routes: Vec::new(),
            annotations: Vec::new(),
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "class" => ing.class = self.str_arg(c, &CLASS),
                "annotations" => ing.annotations = self.string_map(c),
                "waive" => ing.waivers.extend(self.waiver(c)),
                "tls" => ing.tls = Some(self.tls(c)),
                "route" => ing.routes.extend(self.route(c)),
                _ => {}
            }
        }
        Some(ing)
    }

    fn tls(&mut self, c: &Node) -> Tls {
        self.shape(c, &TLS);
        Tls {
            issuer: self.prop_str(c, "issuer"),
            issuer_kind: self.prop_keyword(c, "issuer-kind"),
            secret: self.prop_str(c, "secret"),
            span: c.name_span,
        }
    }

    fn route(&mut self, c: &Node) -> Option<Route> {
        self.shape(c, &ROUTE);
        let name = self.name_arg(c, "a route")?;
        let host = self.prop_str(c, "host");
        let service = self.prop_str(c, "service");
        let (Some(host), Some(service)) = (host, service) else {
            // A value of the wrong type is already reported.
            let missing: Vec<&str> = ["host", "service"]
                .into_iter()
                .filter(|k| c.prop(k).is_none())
                .collect();
            if !missing.is_empty() {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_PROPERTY,
                        format!("route `{}` has no {}", name.v, missing.join(" and no ")),
                        c.name_span,
                        format!("no {}=", missing.join("= or ")),
                    )
                    .with_help(format!(
                        "write `route \"{}\" host=\"app.example.com\" service=\"web\"`",
                        name.v
                    )),
                );
            }
            return None;
        };
        Some(Route {
            name,
            host,
            path: self.prop_str(c, "path"),
            path_type: self.prop_keyword(c, "path-type"),
            service,
            port: self.prop_port_ref(c, "port"),
            span: c.name_span,
        })
    }
}
