//! `include "PATH.kdl"`: top-level nodes kept in another file.

use crate::syntax::vocab::{Args, Kind, Type};

pub static INCLUDE: Kind = Kind {
    name: "include",
    what: "`include`",
    args: Args::One(Type::String),
    example: "include \"services.kdl\"",
    doc: "Top-level nodes read from another KDL file, relative to the file that includes it.",
    reference: "README.md#include",
    ..Kind::LEAF
};
