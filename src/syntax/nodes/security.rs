//! `security` and `service-account`: what the container may do, and as whom.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Kind, Names, Type, prop};

pub static SECURITY: Kind = Kind {
    name: "security",
    what: "`security`",
    props: &[
        prop("user", Type::Integer, "the user id the container runs as"),
        prop("group", Type::Integer, "the group id the container runs as"),
        prop(
            "fs-group",
            Type::Integer,
            "the group that owns mounted volumes",
        ),
        prop("non-root", Type::Bool, "refuse to start as root"),
        prop("read-only-root", Type::Bool, "a read-only root file system"),
        prop(
            "privilege-escalation",
            Type::Bool,
            "allow setuid binaries to gain privileges",
        ),
    ],
    children: Children::Kinds(&[&CAPABILITIES]),
    example: "security user=1000 read-only-root=#true",
    doc: "The container's security context; the policy's defaults fill what is not given.",
    reference: "workloads.md#security",
    ..Kind::LEAF
};

pub static CAPABILITIES: Kind = Kind {
    name: "capabilities",
    what: "`capabilities`",
    args: Args::Many(Type::String),
    example: "capabilities \"NET_BIND_SERVICE\"",
    doc: "Linux capabilities added back after all are dropped.",
    reference: "workloads.md#security",
    ..Kind::LEAF
};

pub static SERVICE_ACCOUNT: Kind = Kind {
    name: "service-account",
    what: "`service-account`",
    args: Args::One(Type::String),
    example: "service-account \"NAME\"",
    doc: "The service account the pods run as (created elsewhere).",
    reference: "workloads.md#service-account",
    names: Names::Of {
        words: &[],
        items: &["service-account"],
    },
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    pub user: Option<S<i64>>,
    pub group: Option<S<i64>>,
    pub fs_group: Option<S<i64>>,
    pub non_root: Option<S<bool>>,
    pub read_only_root: Option<S<bool>>,
    pub privilege_escalation: Option<S<bool>>,
    pub add_capabilities: Vec<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn security(&mut self, c: &Node) -> Option<Security> {
        self.shape(c, &SECURITY);
        let mut caps = Vec::new();
        for k in c.children.iter().filter(|k| k.name == "capabilities") {
            self.shape(k, &CAPABILITIES);
            for a in &k.args {
                caps.extend(self.str_value(a, "a capability"));
            }
        }
        Some(Security {
            user: self.prop_int(c, "user"),
            group: self.prop_int(c, "group"),
            fs_group: self.prop_int(c, "fs-group"),
            non_root: self.prop_bool(c, "non-root"),
            read_only_root: self.prop_bool(c, "read-only-root"),
            privilege_escalation: self.prop_bool(c, "privilege-escalation"),
            add_capabilities: caps,
            span: c.name_span,
        })
    }
}
