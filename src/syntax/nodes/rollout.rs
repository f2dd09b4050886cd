//! `rollout` and its canary `step`s: how a new version replaces the old.

use super::scaling::IntOrPercent;
use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `rollout "canary"`: a progressive strategy (Argo Rollouts). Without one, `rollout`
    /// configures the Deployment's rolling update.
    pub enum RolloutStrategy("rollout strategy") {
        Canary = "canary",
        BlueGreen = "blue-green",
    }
}

pub static ROLLOUT: Kind = Kind {
    name: "rollout",
    what: "`rollout`",
    args: Args::One(Type::Keyword(RolloutStrategy::NAMES)),
    props: &[
        prop(
            "max-surge",
            Type::IntOrPercent,
            "rolling update: pods above the count",
        ),
        prop(
            "max-unavailable",
            Type::IntOrPercent,
            "rolling update: pods below the count",
        ),
        prop(
            "auto-promote",
            Type::Bool,
            "blue-green: promote without waiting",
        ),
        prop(
            "scale-down-delay",
            Type::Integer,
            "blue-green: seconds the old version stays",
        ),
    ],
    children: Children::Kinds(&[&STEP]),
    example: "rollout \"canary\" { step weight=10 pause=\"5m\" }",
    doc: "A rolling update's pace, or a canary or blue-green rollout (Argo Rollouts).",
    reference: "workloads.md#rollout",
    ..Kind::LEAF
};

pub static STEP: Kind = Kind {
    name: "step",
    what: "a canary step",
    props: &[
        prop(
            "weight",
            Type::Integer,
            "percent of traffic to the new version",
        ),
        prop("pause", Type::String, "a duration, or \"manual\""),
        prop("analysis", Type::String, "an AnalysisTemplate to run"),
    ],
    identity: Identity::List,
    example: "step weight=10 pause=\"5m\"",
    doc: "One canary step, in order; an environment that gives steps gives them all.",
    reference: "workloads.md#rollout",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// `canary` or `blue-green` (Argo Rollouts); none for a rolling update.
    pub strategy: Option<S<RolloutStrategy>>,
    pub max_surge: Option<S<IntOrPercent>>,
    pub max_unavailable: Option<S<IntOrPercent>>,
    /// Canary steps, in order.
    pub steps: Vec<Step>,
    /// Blue-green: promote the preview without waiting for the pipeline.
    pub auto_promote: Option<S<bool>>,
    /// Blue-green: seconds the old version keeps running after promotion.
    pub scale_down_delay: Option<S<i64>>,
    pub span: Span,
}

/// One canary step: `step weight=10 pause="5m"`, `step pause="manual"`,
/// `step analysis="success-rate"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub weight: Option<S<i64>>,
    pub pause: Option<S<String>>,
    pub analysis: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn rollout(&mut self, c: &Node) -> Option<Rollout> {
        self.shape(c, &ROLLOUT);
        let strategy = match c.args.first() {
            Some(a) => {
                let s = self.str_value(a, "the rollout strategy")?;
                Some(self.keyword(&s)?)
            }
            None => None,
        };
        let steps = c
            .children
            .iter()
            .filter(|s| s.name == "step")
            .filter_map(|s| self.step(s))
            .collect();
        Some(Rollout {
            strategy,
            max_surge: self.prop_int_or_percent(c, "max-surge"),
            max_unavailable: self.prop_int_or_percent(c, "max-unavailable"),
            steps,
            auto_promote: self.prop_bool(c, "auto-promote"),
            scale_down_delay: self.prop_int(c, "scale-down-delay"),
            span: c.name_span,
        })
    }

    fn step(&mut self, s: &Node) -> Option<Step> {
        self.shape(s, &STEP);
        if s.props.is_empty() {
            self.err(
                Diagnostic::error(&code::syntax::MISSING_PROPERTY, "an empty canary step", s.name_span, "nothing to do")
                    .with_help("write `step weight=10 pause=\"5m\"`, `step pause=\"manual\"` or `step analysis=\"TEMPLATE\"`"),
            );
            return None;
        }
        Some(Step {
            weight: self.prop_int(s, "weight"),
            pause: self.prop_str(s, "pause"),
            analysis: self.prop_str(s, "analysis"),
            span: s.name_span,
        })
    }
}
