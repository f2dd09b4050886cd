//! `defaults` and `use`: workload children written once and applied to the workloads that
//! `use` them. Expanded on the node tree before decoding (`syntax/defaults.rs`).

use super::workload::{ANY, CHILDREN};
use crate::syntax::vocab::{Args, Children, Identity, Kind, Names, Type};

pub static DEFAULTS: Kind = Kind {
    name: "defaults",
    what: "a defaults block",
    args: Args::Name,
    children: Children::Masked {
        table: CHILDREN,
        bit: ANY,
    },
    identity: Identity::Named,
    example: "defaults \"hardened\" { security read-only-root=#true service-account \"app\" }",
    doc: "Workload children written once; workloads that `use` it get them.",
    reference: "workloads.md#defaults-and-use",
    names: Names::Of {
        words: &[],
        items: &["defaults"],
    },
    ..Kind::LEAF
};

pub static USE: Kind = Kind {
    name: "use",
    what: "`use`",
    args: Args::Many(Type::String),
    identity: Identity::Named,
    example: "use \"hardened\" \"canary\"",
    doc: "The defaults blocks this workload takes, in order (later ones win; its own values win over all).",
    reference: "workloads.md#defaults-and-use",
    ..Kind::LEAF
};
