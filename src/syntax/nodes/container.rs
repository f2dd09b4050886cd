//! `command` and `args`: what the container runs.

use crate::syntax::vocab::{Args, Kind, Type};

pub static COMMAND: Kind = Kind {
    name: "command",
    what: "`command`",
    args: Args::Many(Type::StringOrInteger),
    example: "command \"node\" \"dist/server.js\"",
    doc: "The container's command, replacing the image's entrypoint.",
    reference: "workloads.md#command-and-args",
    ..Kind::LEAF
};

pub static ARGS: Kind = Kind {
    name: "args",
    what: "`args`",
    args: Args::Many(Type::StringOrInteger),
    example: "args \"--workers\" 4",
    doc: "The container's arguments, replacing the image's default arguments.",
    reference: "workloads.md#command-and-args",
    ..Kind::LEAF
};
