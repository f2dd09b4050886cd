//! How a workload's pods stop: `grace-period`.

use crate::syntax::vocab::{Args, Kind, Type};

pub static GRACE_PERIOD: Kind = Kind {
    name: "grace-period",
    what: "`grace-period`",
    args: Args::One(Type::Integer),
    example: "grace-period 60",
    doc: "Seconds a pod has to finish its work after it is asked to stop, before it is killed.",
    reference: "workloads.md#grace-period",
    ..Kind::LEAF
};
