//! `replicas`, `autoscale` (with `redis-list`), `vertical-autoscale` and `disruption`: how many
//! pods run.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `vertical-autoscale mode=`: the VerticalPodAutoscaler's update mode.
    pub enum VpaMode("VerticalPodAutoscaler update mode") {
        Off = "Off",
        Initial = "Initial",
        Recreate = "Recreate",
        InPlaceOrRecreate = "InPlaceOrRecreate",
        Auto = "Auto",
    }
}

pub static REPLICAS: Kind = Kind {
    name: "replicas",
    what: "`replicas`",
    args: Args::One(Type::Integer),
    props: &[prop(
        "clustered",
        Type::Bool,
        "a stateful workload's pods replicate its data among themselves",
    )],
    example: "replicas 2",
    doc: "How many pods run (without autoscaling).",
    reference: "workloads.md#replicas",
    ..Kind::LEAF
};

pub static AUTOSCALE: Kind = Kind {
    name: "autoscale",
    what: "`autoscale`",
    props: &[
        prop("min", Type::Integer, "the fewest pods"),
        prop("max", Type::Integer, "the most pods"),
        prop(
            "cpu",
            Type::Integer,
            "target CPU use, percent of the request",
        ),
        prop(
            "memory",
            Type::Integer,
            "target memory use, percent of the request",
        ),
    ],
    children: Children::Kinds(&[&REDIS_LIST]),
    example: "autoscale min=2 max=10 cpu=70",
    doc: "A HorizontalPodAutoscaler (or, with queue triggers, a KEDA ScaledObject).",
    reference: "workloads.md#autoscale",
    ..Kind::LEAF
};

pub static REDIS_LIST: Kind = Kind {
    name: "redis-list",
    what: "`redis-list`",
    args: Args::Name,
    props: &[
        prop("address", Type::String, "the Redis server, host:port"),
        prop("target", Type::Integer, "list length per pod"),
        prop(
            "password-secret",
            Type::String,
            "the secret holding the Redis password",
        ),
        prop(
            "password-key",
            Type::String,
            "the key of the password in that secret",
        ),
    ],
    identity: Identity::Named,
    example: "redis-list \"bull:jobs:wait\" address=\"redis:6379\" target=20",
    doc: "Scale on the length of a Redis list (KEDA).",
    reference: "workloads.md#queue-length-redis-list-keda",
    ..Kind::LEAF
};

pub static VERTICAL_AUTOSCALE: Kind = Kind {
    name: "vertical-autoscale",
    what: "`vertical-autoscale`",
    props: &[prop(
        "mode",
        Type::Keyword(VpaMode::NAMES),
        "the update mode (default Off)",
    )],
    example: "vertical-autoscale mode=\"Off\"",
    doc: "A VerticalPodAutoscaler: recommendations, or resized pods.",
    reference: "workloads.md#vertical-autoscale",
    ..Kind::LEAF
};

pub static DISRUPTION: Kind = Kind {
    name: "disruption",
    what: "`disruption`",
    props: &[
        prop(
            "min-available",
            Type::IntOrPercent,
            "pods that must stay up",
        ),
        prop(
            "max-unavailable",
            Type::IntOrPercent,
            "pods that may be down",
        ),
    ],
    example: "disruption max-unavailable=1",
    doc: "A PodDisruptionBudget.",
    reference: "workloads.md#disruption",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Autoscale {
    pub min: Option<S<i64>>,
    pub max: S<i64>,
    pub cpu: Option<S<i64>>,
    pub memory: Option<S<i64>>,
    /// Queue-length triggers: with any, a KEDA ScaledObject replaces the HPA.
    pub queues: Vec<RedisList>,
    pub span: Span,
}

/// `redis-list "bull:jobs:wait" address="redis:6379" target=20`: scale on a Redis list's
/// length (KEDA).
#[derive(Debug, Clone, PartialEq)]
pub struct RedisList {
    pub list: S<String>,
    pub address: S<String>,
    pub target: S<i64>,
    /// The secret and key holding the Redis password (a KEDA TriggerAuthentication).
    pub password_secret: Option<S<String>>,
    pub password_key: Option<S<String>>,
    pub span: Span,
}

/// `vertical-autoscale mode="Off"`: a VerticalPodAutoscaler.
#[derive(Debug, Clone, PartialEq)]
pub struct VerticalAutoscale {
    pub mode: Option<S<VpaMode>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disruption {
    pub min_available: Option<S<IntOrPercent>>,
    pub max_unavailable: Option<S<IntOrPercent>>,
    pub span: Span,
}

impl Decoder<'_> {
    /// `replicas N clustered=#true`: the count, and whether the pods replicate their data.
    pub(in crate::syntax) fn replicas(&mut self, c: &Node) -> (Option<S<i64>>, Option<S<bool>>) {
        let count = self.int_arg(c, &REPLICAS);
        (count, self.prop_bool(c, "clustered"))
    }

    pub(in crate::syntax) fn autoscale(&mut self, c: &Node) -> Option<Autoscale> {
        self.shape(c, &AUTOSCALE);
        let Some(max) = self.prop_int(c, "max") else {
            if c.prop("max").is_none() {
                self.missing_prop(c, "`autoscale` needs a maximum", "max", AUTOSCALE.example);
            }
            return None;
        };
        Some(Autoscale {
            min: self.prop_int(c, "min"),
            max,
            cpu: self.prop_int(c, "cpu"),
            memory: self.prop_int(c, "memory"),
            queues: c
                .children
                .iter()
                .filter(|q| q.name == "redis-list")
                .filter_map(|q| self.redis_list(q))
                .collect(),
            span: c.name_span,
        })
    }

    fn redis_list(&mut self, c: &Node) -> Option<RedisList> {
        self.shape(c, &REDIS_LIST);
        let list = self.name_arg(c, "a Redis list")?;
        let example = format!("redis-list \"{}\" address=\"redis:6379\" target=20", list.v);
        let address = self.prop_str(c, "address");
        let target = self.prop_int(c, "target");
        for (key, given) in [("address", address.is_some()), ("target", target.is_some())] {
            if !given && c.prop(key).is_none() {
                self.missing_prop(c, &format!("`redis-list` needs {key}="), key, &example);
            }
        }
        Some(RedisList {
            list,
            address: address?,
            target: target?,
            password_secret: self.prop_str(c, "password-secret"),
            password_key: self.prop_str(c, "password-key"),
            span: c.name_span,
        })
    }

    pub(in crate::syntax) fn vertical_autoscale(&mut self, c: &Node) -> VerticalAutoscale {
        self.shape(c, &VERTICAL_AUTOSCALE);
        VerticalAutoscale {
            mode: self.prop_keyword(c, "mode"),
            span: c.name_span,
        }
    }

    pub(in crate::syntax) fn disruption(&mut self, c: &Node) -> Disruption {
        self.shape(c, &DISRUPTION);
        Disruption {
            min_available: self.prop_int_or_percent(c, "min-available"),
            max_unavailable: self.prop_int_or_percent(c, "max-unavailable"),
            span: c.name_span,
        }
    }

    /// Report a required property that is not given.
    pub(in crate::syntax) fn missing_prop(
        &mut self,
        c: &Node,
        msg: &str,
        key: &str,
        example: &str,
    ) {
        self.err(
            Diagnostic::error(
                &code::syntax::MISSING_PROPERTY,
                msg,
                c.name_span,
                format!("no {key}="),
            )
            .with_help(format!("write `{example}`")),
        );
    }
}
