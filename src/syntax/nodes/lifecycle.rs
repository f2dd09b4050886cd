//! How a workload's pods stop: `grace-period`, and a container's `pre-stop` hook.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::{PortRef, S};
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Kind, Type, prop};

pub static GRACE_PERIOD: Kind = Kind {
    name: "grace-period",
    what: "`grace-period`",
    args: Args::One(Type::Integer),
    example: "grace-period 60",
    doc: "Seconds a pod has to finish its work after it is asked to stop, before it is killed.",
    reference: "workloads.md#grace-period",
    ..Kind::LEAF
};

pub static PRE_STOP: Kind = Kind {
    name: "pre-stop",
    what: "`pre-stop`",
    args: Args::Many(Type::StringOrInteger),
    props: &[
        prop("sleep", Type::Integer, "seconds to wait"),
        prop("http", Type::String, "an HTTP GET of this path"),
        prop("port", Type::PortRef, "the port of the HTTP GET"),
    ],
    example: "pre-stop sleep=5",
    doc: "What runs in the container before it is stopped: a command, a sleep, or an HTTP GET.",
    reference: "workloads.md#pre-stop",
    ..Kind::LEAF
};

/// `pre-stop`: the container's preStop hook.
#[derive(Debug, Clone, PartialEq)]
pub enum PreStopAction {
    Exec(S<Vec<String>>),
    Sleep(S<i64>),
    Http { path: S<String>, port: S<PortRef> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreStop {
    pub action: PreStopAction,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn pre_stop(&mut self, c: &Node) -> Option<PreStop> {
        self.shape(c, &PRE_STOP);
        let given = usize::from(!c.args.is_empty())
            + usize::from(c.prop("sleep").is_some())
            + usize::from(c.prop("http").is_some());
        if given != 1 {
            let msg = if given == 0 {
                "`pre-stop` says nothing to do"
            } else {
                "`pre-stop` does more than one thing"
            };
            self.err(
                Diagnostic::error(&code::syntax::HOOK, msg, c.name_span, "one of a command, sleep= or http=")
                    .with_help("write one of `pre-stop \"cmd\" \"arg\"`, `pre-stop sleep=5` or `pre-stop http=\"/drain\" port=\"http\"`"),
            );
            return None;
        }
        let action = if !c.args.is_empty() {
            PreStopAction::Exec(self.string_args(c)?)
        } else if c.prop("sleep").is_some() {
            PreStopAction::Sleep(self.prop_int(c, "sleep")?)
        } else {
            let path = self.prop_str(c, "http")?;
            let Some(port) = self.prop_port_ref(c, "port") else {
                self.missing_prop(
                    c,
                    "an http pre-stop hook needs a port",
                    "port",
                    "pre-stop http=\"/drain\" port=\"http\"",
                );
                return None;
            };
            PreStopAction::Http { path, port }
        };
        Some(PreStop {
            action,
            span: c.name_span,
        })
    }
}
