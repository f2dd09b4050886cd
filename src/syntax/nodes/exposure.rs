//! `expose` and `extra-service`: the Services in front of a workload's pods, and who outside
//! the cluster may reach them.

use super::meta::{ANNOTATIONS, LABELS};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `expose "LoadBalancer"`: a Service's type.
    pub enum ServiceType("service type") {
        ClusterIp = "ClusterIP",
        LoadBalancer = "LoadBalancer",
        NodePort = "NodePort",
    }
}

impl ServiceType {
    /// Whether traffic from outside the cluster reaches it.
    pub fn is_external(self) -> bool {
        self != ServiceType::ClusterIp
    }
}

pub static SOURCE_RANGES: Kind = Kind {
    name: "source-ranges",
    what: "`source-ranges`",
    args: Args::Many(Type::String),
    example: "source-ranges \"203.0.113.0/24\" \"198.51.100.0/24\"",
    doc: "The address blocks a LoadBalancer accepts clients from (`loadBalancerSourceRanges`).",
    reference: "workloads.md#expose",
    ..Kind::LEAF
};

pub static PORTS: Kind = Kind {
    name: "ports",
    what: "`ports`",
    args: Args::Many(Type::String),
    example: "ports \"grpc\"",
    doc: "The workload's ports this Service has, by name (default: all).",
    reference: "workloads.md#extra-service",
    ..Kind::LEAF
};

pub static EXPOSE: Kind = Kind {
    name: "expose",
    what: "`expose`",
    args: Args::One(Type::Keyword(ServiceType::NAMES)),
    children: Children::Kinds(&[&SOURCE_RANGES, &ANNOTATIONS, &LABELS]),
    example: "expose \"LoadBalancer\"",
    doc: "The type of the workload's Service, when it is not ClusterIP.",
    reference: "workloads.md#expose",
    ..Kind::LEAF
};

pub static EXTRA_SERVICE: Kind = Kind {
    name: "extra-service",
    what: "an extra Service",
    args: Args::Name,
    props: &[
        prop(
            "type",
            Type::Keyword(ServiceType::NAMES),
            "the Service's type (default ClusterIP)",
        ),
        prop(
            "headless",
            Type::Bool,
            "a headless Service: one address per pod, no load balancing",
        ),
    ],
    children: Children::Kinds(&[&PORTS, &SOURCE_RANGES, &ANNOTATIONS, &LABELS]),
    identity: Identity::Named,
    example: "extra-service \"internal\" type=\"LoadBalancer\" { ports \"grpc\" }",
    doc: "Another Service in front of the workload's pods, named WORKLOAD-NAME.",
    reference: "workloads.md#extra-service",
    ..Kind::LEAF
};

/// A Service in front of the pods: the workload's own (`expose`, no name) or an extra one.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    /// The extra Service's name (after the workload's); `None` for `expose`.
    pub name: Option<S<String>>,
    pub kind: Option<S<ServiceType>>,
    pub headless: Option<S<bool>>,
    /// Ports by name; empty: all.
    pub ports: Vec<S<String>>,
    pub source_ranges: Vec<S<String>>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub span: Span,
}

impl Exposure {
    pub fn service_type(&self) -> ServiceType {
        self.kind.as_ref().map_or(ServiceType::ClusterIp, |k| k.v)
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn expose(&mut self, c: &Node) -> Option<Exposure> {
        self.shape(c, &EXPOSE);
        let kind = self.keyword_arg(c, &EXPOSE)?;
        Some(self.exposure(c, None, Some(kind)))
    }

    pub(in crate::syntax) fn extra_service(&mut self, c: &Node) -> Option<Exposure> {
        self.shape(c, &EXTRA_SERVICE);
        let name = self.name_arg(c, EXTRA_SERVICE.what)?;
        let kind = self.prop_keyword(c, "type");
        Some(self.exposure(c, Some(name), kind))
    }

    fn exposure(
        &mut self,
        c: &Node,
        name: Option<S<String>>,
        kind: Option<S<ServiceType>>,
    ) -> Exposure {
        let mut e = Exposure {
            name,
            kind,
            headless: self.prop_bool(c, "headless"),
            ports: Vec::new(),
            source_ranges: Vec::new(),
            annotations: Vec::new(),
            labels: Vec::new(),
            span: c.name_span,
        };
        for ch in &c.children {
            match ch.name.as_str() {
                "ports" => e.ports = self.string_list(ch),
                "source-ranges" => e.source_ranges = self.string_list(ch),
                "annotations" => e.annotations = self.string_map(ch),
                "labels" => e.labels = self.string_map(ch),
                _ => {}
            }
        }
        e
    }
}
