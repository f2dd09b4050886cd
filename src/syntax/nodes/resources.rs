//! `resources`: requests and limits.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Children, Kind, Prop, Type, prop};

pub static RESOURCES: Kind = Kind {
    name: "resources",
    what: "`resources`",
    children: Children::Kinds(&[&REQUESTS, &LIMITS]),
    example: "resources { requests cpu=\"100m\" memory=\"128Mi\" }",
    doc: "The container's resource requests and limits.",
    reference: "workloads.md#resources",
    ..Kind::LEAF
};

const AMOUNTS: &[Prop] = &[
    prop("cpu", Type::Quantity, "CPU: cores or millicores"),
    prop("memory", Type::Quantity, "memory: a byte size"),
    prop(
        "ephemeral-storage",
        Type::Quantity,
        "local disk: a byte size",
    ),
];

pub static REQUESTS: Kind = Kind {
    name: "requests",
    what: "`requests`",
    props: AMOUNTS,
    example: "requests cpu=\"100m\" memory=\"128Mi\"",
    doc: "What the container is guaranteed.",
    reference: "workloads.md#resources",
    ..Kind::LEAF
};

pub static LIMITS: Kind = Kind {
    name: "limits",
    what: "`limits`",
    props: AMOUNTS,
    example: "limits cpu=\"500m\" memory=\"256Mi\"",
    doc: "The most the container may use.",
    reference: "workloads.md#resources",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    pub span: Span,
    pub requests: Option<CpuMem>,
    pub limits: Option<CpuMem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CpuMem {
    pub cpu: Option<S<String>>,
    pub memory: Option<S<String>>,
    pub ephemeral: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn resources(&mut self, c: &Node) -> Option<Resources> {
        self.shape(c, &RESOURCES);
        let mut r = Resources {
            span: c.name_span,
            requests: None,
            limits: None,
        };
        for k in &c.children {
            let kind = match k.name.as_str() {
                "requests" => &REQUESTS,
                "limits" => &LIMITS,
                // Reported by `shape`.
                _ => continue,
            };
            self.shape(k, kind);
            let cm = CpuMem {
                cpu: self.quantity_prop(k, "cpu"),
                memory: self.quantity_prop(k, "memory"),
                ephemeral: self.quantity_prop(k, "ephemeral-storage"),
                span: k.name_span,
            };
            match k.name.as_str() {
                "requests" => r.requests = Some(cm),
                "limits" => r.limits = Some(cm),
                _ => {}
            }
        }
        Some(r)
    }
}
