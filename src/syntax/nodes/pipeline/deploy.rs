//! `deploy`: one environment's deploy, and when it runs.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::git_ref::RefPattern;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Type, prop};

keyword! {
    /// `deploy method=`: how a deploy applies the output.
    pub enum DeployMethod("deploy method") {
        /// `kubectl apply -k` of the overlay.
        Kustomize = "kustomize",
        /// `helm upgrade --install` with the environment's values.
        Helm = "helm",
    }
}

pub static DEPLOY: Kind = Kind {
    name: "deploy",
    what: "`deploy`",
    args: Args::Name,
    props: &[
        prop(
            "on",
            Type::String,
            "triggers: branch:NAME, tag:PATTERN, manual",
        ),
        prop("after", Type::String, "the deploy that must succeed first"),
        prop("approval", Type::Bool, "wait for a person's approval"),
        prop(
            "method",
            Type::Keyword(DeployMethod::NAMES),
            "kustomize (default) or helm",
        ),
        prop(
            "credentials",
            Type::String,
            "the CI secret holding a base64 kubeconfig",
        ),
        prop(
            "timeout",
            Type::String,
            "how long to wait for the rollout (default 10m)",
        ),
        prop("smoke", Type::String, "a command run after the rollout"),
        prop("before", Type::String, "a command run before the deploy"),
        prop(
            "rollback",
            Type::Bool,
            "undo a failed deploy (default #true)",
        ),
        prop("url", Type::String, "the environment's URL"),
        prop("release", Type::Bool, "a release for each tag deployed"),
    ],
    identity: Identity::Named,
    example: "deploy \"production\" on=\"branch:main\" credentials=\"PRODUCTION_KUBECONFIG\"",
    doc: "A deploy of one environment, and when it runs.",
    reference: "pipeline.md#deploy",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    Branch(RefPattern),
    Tag(RefPattern),
    Manual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub env: S<String>,
    pub span: Span,
    pub on: Vec<S<Trigger>>,
    pub after: Option<S<String>>,
    pub approval: Option<S<bool>>,
    pub method: Option<S<DeployMethod>>,
    /// Required unless a GitOps tool delivers the environment (checked with the environment).
    pub credentials: Option<S<String>>,
    pub timeout: Option<S<String>>,
    pub smoke: Option<S<String>>,
    pub before: Option<S<String>>,
    pub rollback: Option<S<bool>>,
    pub url: Option<S<String>>,
    pub release: Option<S<bool>>,
}

impl Decoder<'_> {
    pub(super) fn deploy(&mut self, c: &Node) -> Option<Deploy> {
        self.shape(c, &DEPLOY);
        let env = self.name_arg(c, "a deploy")?;
        let on = self.triggers(c, &env);
        Some(Deploy {
            env,
            span: c.name_span,
            on,
            after: self.prop_str(c, "after"),
            approval: self.prop_bool(c, "approval"),
            method: self.prop_keyword(c, "method"),
            credentials: self.prop_str(c, "credentials"),
            timeout: self.prop_str(c, "timeout"),
            smoke: self.prop_str(c, "smoke"),
            before: self.prop_str(c, "before"),
            rollback: self.prop_bool(c, "rollback"),
            url: self.prop_str(c, "url"),
            release: self.prop_bool(c, "release"),
        })
    }

    /// `on="branch:main,tag:v*,manual"`: each trigger with its own span.
    fn triggers(&mut self, c: &Node, env: &S<String>) -> Vec<S<Trigger>> {
        let mut on = Vec::new();
        let Some(o) = self.prop_str(c, "on") else {
            if c.prop("on").is_none() {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_PROPERTY,
                        format!("deploy `{}` has no trigger", env.v),
                        c.name_span,
                        "no on=",
                    )
                    .with_help("write on=\"branch:main\", on=\"tag:v*\" or on=\"manual\""),
                );
            }
            return on;
        };
        let mut offset = 0;
        for part in o.v.split(',') {
            let trimmed = part.trim();
            let span = Span::new(o.span.offset + 1 + offset, part.len());
            offset += part.len() + 1;
            let trigger = match trimmed.split_once(':') {
                Some(("branch", b)) => self.ref_pattern(b, span, "branch").map(Trigger::Branch),
                Some(("tag", t)) => self.ref_pattern(t, span, "tag").map(Trigger::Tag),
                None if trimmed == "manual" => Some(Trigger::Manual),
                _ => {
                    self.err(
                        Diagnostic::error(&code::syntax::INVALID_VALUE, format!("`{trimmed}` is not a trigger"), span, "unknown trigger")
                            .with_help("triggers are `branch:NAME`, `tag:PATTERN` and `manual`, separated by commas"),
                    );
                    None
                }
            };
            on.extend(trigger.map(|t| S::new(t, span)));
        }
        on
    }
}
