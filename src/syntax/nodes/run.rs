//! How cronjobs and jobs run: `schedule`, `timezone`, `concurrency`, `history`, `deadline`,
//! `retries`, `restart`, `ttl`.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Kind, Type, prop};

keyword! {
    /// `concurrency "Forbid"`: what a cronjob does when the previous run is still going.
    pub enum ConcurrencyPolicy("concurrency policy") {
        Allow = "Allow",
        Forbid = "Forbid",
        Replace = "Replace",
    }
}

keyword! {
    /// `restart "Never"`: the pods' restart policy.
    pub enum RestartPolicy("restart policy") {
        OnFailure = "OnFailure",
        Never = "Never",
    }
}

pub static SCHEDULE: Kind = Kind {
    name: "schedule",
    what: "`schedule`",
    args: Args::One(Type::String),
    example: "schedule \"0 2 * * *\"",
    doc: "When the cronjob runs: five cron fields, or a macro like @daily.",
    reference: "workloads.md#schedule",
    ..Kind::LEAF
};

pub static TIMEZONE: Kind = Kind {
    name: "timezone",
    what: "`timezone`",
    args: Args::One(Type::String),
    example: "timezone \"Etc/UTC\"",
    doc: "The IANA time zone the schedule is read in.",
    reference: "workloads.md#timezone",
    ..Kind::LEAF
};

pub static CONCURRENCY: Kind = Kind {
    name: "concurrency",
    what: "`concurrency`",
    args: Args::One(Type::Keyword(ConcurrencyPolicy::NAMES)),
    example: "concurrency \"Forbid\"",
    doc: "What happens when a run is due while the last one still runs.",
    reference: "workloads.md#concurrency",
    ..Kind::LEAF
};

pub static HISTORY: Kind = Kind {
    name: "history",
    what: "`history`",
    props: &[
        prop("success", Type::Integer, "finished runs kept"),
        prop("failure", Type::Integer, "failed runs kept"),
    ],
    example: "history success=3 failure=1",
    doc: "How many finished runs are kept.",
    reference: "workloads.md#history",
    ..Kind::LEAF
};

pub static DEADLINE: Kind = Kind {
    name: "deadline",
    what: "`deadline`",
    args: Args::One(Type::Integer),
    example: "deadline 3600",
    doc: "Seconds a run may take before it is stopped.",
    reference: "workloads.md#deadline",
    ..Kind::LEAF
};

pub static RETRIES: Kind = Kind {
    name: "retries",
    what: "`retries`",
    args: Args::One(Type::Integer),
    example: "retries 2",
    doc: "How many times a failed run is retried.",
    reference: "workloads.md#retries",
    ..Kind::LEAF
};

pub static RESTART: Kind = Kind {
    name: "restart",
    what: "`restart`",
    args: Args::One(Type::Keyword(RestartPolicy::NAMES)),
    example: "restart \"OnFailure\"",
    doc: "Whether a failed container restarts in its pod.",
    reference: "workloads.md#restart",
    ..Kind::LEAF
};

pub static TTL: Kind = Kind {
    name: "ttl",
    what: "`ttl`",
    args: Args::One(Type::Integer),
    example: "ttl 86400",
    doc: "Seconds a finished Job is kept.",
    reference: "workloads.md#ttl",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub success: Option<S<i64>>,
    pub failure: Option<S<i64>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn history(&mut self, c: &Node) -> History {
        self.shape(c, &HISTORY);
        History {
            success: self.prop_int(c, "success"),
            failure: self.prop_int(c, "failure"),
            span: c.name_span,
        }
    }
}
