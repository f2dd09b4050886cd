//! `port`: a named container port, and the Service's.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Type, prop};

keyword! {
    /// A port's protocol.
    pub enum Protocol("protocol") {
        Tcp = "TCP",
        Udp = "UDP",
        Sctp = "SCTP",
    }
}

pub static PORT: Kind = Kind {
    name: "port",
    what: "`port`",
    args: Args::NameAnd(Type::Integer),
    props: &[
        prop("protocol", Type::Keyword(Protocol::NAMES), "the protocol"),
        prop(
            "service-port",
            Type::Integer,
            "the Service's port, when it differs",
        ),
    ],
    identity: Identity::Named,
    example: "port \"http\" 8080",
    doc: "A named container port; the Service's port too.",
    reference: "workloads.md#port",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub name: S<String>,
    pub number: S<i64>,
    pub protocol: Option<S<Protocol>>,
    /// Port on the Service when it differs from the container port.
    pub service_port: Option<S<i64>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn port(&mut self, c: &Node) -> Option<Port> {
        self.shape(c, &PORT);
        let name = self.name_arg(c, "a port")?;
        let number = match c.args.get(1) {
            Some(v) => self.int_value(v, "the port number")?,
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("port `{}` needs a number", name.v),
                        c.name_span,
                        "port number missing",
                    )
                    .with_help(format!("write `port \"{}\" 8080`", name.v)),
                );
                return None;
            }
        };
        Some(Port {
            name,
            number,
            protocol: self.prop_keyword(c, "protocol"),
            service_port: self.prop_int(c, "service-port"),
            span: c.name_span,
        })
    }
}
