//! `environment`: where the app is deployed, the policy it is held to, and its overrides.

use super::account::ACCOUNT;
use super::analysis::ANALYSIS;
use super::config::CONFIG;
use super::ingress::INGRESS;
use super::meta::LABELS;
use super::object::{MANIFEST, OBJECT};
use super::patch::{JSON_PATCH, PATCH};
use super::secret::SECRET;
use super::workload::{CRONJOB, JOB, SERVICE, STATEFUL, WORKER};
use crate::diagnostic::Span;
use crate::syntax::ast::{Items, S};
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type};

keyword! {
    /// `policy "staging"`: how strict the rules are (ordered: dev < staging < production).
    pub enum PolicyLevel("policy level") {
        Dev = "dev",
        Staging = "staging",
        Production = "production",
    }
}

pub static ENVIRONMENT: Kind = Kind {
    name: "environment",
    what: "an environment",
    args: Args::Name,
    children: Children::Kinds(&[
        &POLICY,
        &ENV_NAMESPACE,
        &PREFIX,
        &LABELS,
        &SERVICE,
        &WORKER,
        &STATEFUL,
        &CRONJOB,
        &JOB,
        &CONFIG,
        &SECRET,
        &INGRESS,
        &ACCOUNT,
        &ANALYSIS,
        &OBJECT,
        &MANIFEST,
        &PATCH,
        &JSON_PATCH,
    ]),
    identity: Identity::Named,
    example: "environment \"staging\" { policy \"staging\" }",
    doc: "An environment: a kustomize overlay and a Helm values file, its items overridden with the same syntax.",
    reference: "environments.md",
    ..Kind::LEAF
};

pub static POLICY: Kind = Kind {
    name: "policy",
    what: "`policy`",
    args: Args::One(Type::Keyword(PolicyLevel::NAMES)),
    example: "policy \"production\"",
    doc: "The rules the environment is held to (default production).",
    reference: "environments.md#policy",
    ..Kind::LEAF
};

pub static ENV_NAMESPACE: Kind = Kind {
    name: "namespace",
    what: "`namespace`",
    args: Args::One(Type::String),
    example: "namespace \"my-app-staging\"",
    doc: "The environment's namespace (default: the app's).",
    reference: "environments.md#namespace",
    ..Kind::LEAF
};

pub static PREFIX: Kind = Kind {
    name: "prefix",
    what: "`prefix`",
    args: Args::One(Type::String),
    example: "prefix \"dev-\"",
    doc: "A prefix for the name of every object of the environment.",
    reference: "environments.md#prefix",
    ..Kind::LEAF
};

/// An environment's own settings.
pub(crate) struct EnvSettings {
    pub name: S<String>,
    pub policy: S<PolicyLevel>,
    pub namespace: Option<S<String>>,
    pub prefix: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub name: S<String>,
    pub span: Span,
    pub policy: S<PolicyLevel>,
    pub namespace: Option<S<String>>,
    pub prefix: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    /// The items as deployed in this environment: base merged with the overrides.
    pub items: Items,
}

impl EnvSettings {
    pub fn with_items(self, span: Span, items: Items) -> Environment {
        Environment {
            name: self.name,
            span,
            policy: self.policy,
            namespace: self.namespace,
            prefix: self.prefix,
            labels: self.labels,
            items,
        }
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn env_settings(&mut self, node: &Node) -> Option<EnvSettings> {
        self.shape(node, &ENVIRONMENT);
        let name = self.name_arg(node, "an environment")?;
        let mut policy = None;
        let mut namespace = None;
        let mut prefix = None;
        let mut labels = Vec::new();
        for c in &node.children {
            match c.name.as_str() {
                "policy" => policy = self.keyword_arg(c, &POLICY).or(policy),
                "namespace" => namespace = self.str_arg(c, &ENV_NAMESPACE),
                "prefix" => prefix = self.str_arg(c, &PREFIX),
                "labels" => labels = self.string_map(c),
                _ => {}
            }
        }
        Some(EnvSettings {
            name,
            // Production rules are the default: an environment is relaxed only when it says so.
            policy: policy.unwrap_or(S::new(PolicyLevel::Production, node.name_span)),
            namespace,
            prefix,
            labels,
        })
    }
}
