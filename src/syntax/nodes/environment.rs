//! `environment`: where the app is deployed, the policy it is held to, and its overrides.

use super::account::ACCOUNT;
use super::analysis::ANALYSIS;
use super::config::CONFIG;
use super::gitops::{GITOPS, Gitops};
use super::ingress::INGRESS;
use super::meta::{LABELS, WAIVE, Waiver};
use super::object::{MANIFEST, OBJECT};
use super::patch::{JSON_PATCH, PATCH};
use super::secret::SECRET;
use super::workload::{CRONJOB, JOB, SERVICE, STATEFUL, WORKER};
use crate::diagnostic::Span;
use crate::syntax::ast::{Items, S};
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Names, Type, prop};

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
        &WAIVE,
        &HOSTS,
        &TLS_ISSUER,
        &GITOPS,
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
    args: Args::One(Type::String),
    props: &[prop(
        "owned-waivers",
        Type::Bool,
        "every waiver that applies here names an `owner=` and an `expires=` date",
    )],
    example: "policy \"production\" owned-waivers=#true",
    doc: "The rules the environment is held to: a level stowage ships (dev, staging, production: the default) or a `policy` the spec declares.",
    reference: "environments.md#policy",
    names: Names::Of {
        words: PolicyLevel::NAMES,
        items: &["policy"],
    },
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

pub static HOSTS: Kind = Kind {
    name: "hosts",
    what: "`hosts`",
    args: Args::Name,
    props: &[prop(
        "to",
        Type::String,
        "the domain that replaces it in this environment",
    )],
    identity: Identity::Named,
    example: "hosts \"example.com\" to=\"staging.example.com\"",
    doc: "Every ingress host in a domain moved to another domain in this environment.",
    reference: "environments.md#hosts",
    ..Kind::LEAF
};

pub static TLS_ISSUER: Kind = Kind {
    name: "tls-issuer",
    what: "`tls-issuer`",
    args: Args::One(Type::String),
    example: "tls-issuer \"letsencrypt-staging\"",
    doc: "The cert-manager issuer of every ingress that has one, in this environment.",
    reference: "environments.md#tls-issuer",
    ..Kind::LEAF
};

/// `hosts "FROM" to="TO"`: a domain the environment's ingress hosts move from, and to.
#[derive(Debug, Clone, PartialEq)]
pub struct HostMove {
    pub from: S<String>,
    pub to: S<String>,
}

/// An environment's own settings.
pub(crate) struct EnvSettings {
    pub name: S<String>,
    pub policy: S<PolicyLevel>,
    pub declared_policy: Option<S<String>>,
    pub owned_waivers: Option<S<bool>>,
    pub namespace: Option<S<String>>,
    pub prefix: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
    pub hosts: Vec<HostMove>,
    pub tls_issuer: Option<S<String>>,
    pub gitops: Option<Gitops>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub name: S<String>,
    pub span: Span,
    /// The level the environment's policy is, or extends.
    pub policy: S<PolicyLevel>,
    /// `policy "NAME"` naming a `policy` the spec declares (its rules replace the level's).
    pub declared_policy: Option<S<String>>,
    /// `policy ... owned-waivers=#true`: waivers that apply here need an owner and an end date.
    pub owned_waivers: Option<S<bool>>,
    pub namespace: Option<S<String>>,
    pub prefix: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    /// Policy rules and scanner checks waived for every object of the environment.
    pub waivers: Vec<Waiver>,
    /// Delivered by Argo CD or Flux instead of applied from CI.
    pub gitops: Option<Gitops>,
    /// The items as deployed in this environment: base merged with the overrides.
    pub items: Items,
}

impl EnvSettings {
    pub fn with_items(self, span: Span, items: Items) -> Environment {
        Environment {
            name: self.name,
            span,
            policy: self.policy,
            declared_policy: self.declared_policy,
            owned_waivers: self.owned_waivers,
            namespace: self.namespace,
            prefix: self.prefix,
            labels: self.labels,
            waivers: self.waivers,
            gitops: self.gitops,
            items,
        }
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn env_settings(&mut self, node: &Node) -> Option<EnvSettings> {
        self.shape(node, &ENVIRONMENT);
        let name = self.name_arg(node, "an environment")?;
        let mut policy = None;
        let mut declared_policy = None;
        let mut owned_waivers = None;
        let mut namespace = None;
        let mut prefix = None;
        let mut labels = Vec::new();
        let mut waivers = Vec::new();
        let mut hosts = Vec::new();
        let mut tls_issuer = None;
        let mut gitops = None;
        for c in &node.children {
            match c.name.as_str() {
                "policy" => {
                    // A level's name, or a declared policy's (resolved with the spec's policies).
                    if let Some(word) = self.str_arg(c, &POLICY) {
                        match PolicyLevel::parse(&word.v) {
                            Some(level) => policy = Some(S::new(level, word.span)),
                            None => declared_policy = Some(word),
                        }
                    }
                    owned_waivers = self.prop_bool(c, "owned-waivers").or(owned_waivers);
                }
                "namespace" => namespace = self.str_arg(c, &ENV_NAMESPACE),
                "prefix" => prefix = self.str_arg(c, &PREFIX),
                "labels" => labels = self.string_map(c),
                "waive" => waivers.extend(self.waiver(c)),
                "hosts" => hosts.extend(self.host_move(c)),
                "tls-issuer" => tls_issuer = self.str_arg(c, &TLS_ISSUER),
                "gitops" => gitops = self.gitops(c),
                _ => {}
            }
        }
        Some(EnvSettings {
            name,
            // Production rules are the default: an environment is relaxed only when it says so.
            policy: policy.unwrap_or(S::new(PolicyLevel::Production, node.name_span)),
            declared_policy,
            owned_waivers,
            namespace,
            prefix,
            labels,
            waivers,
            hosts,
            tls_issuer,
            gitops,
        })
    }

    fn host_move(&mut self, c: &Node) -> Option<HostMove> {
        self.shape(c, &HOSTS);
        let from = self.name_arg(c, "a domain")?;
        let Some(to) = self.prop_str(c, "to") else {
            let example = format!("hosts \"{}\" to=\"staging.{}\"", from.v, from.v);
            self.missing_prop(c, "`hosts` says where the domain moves", "to", &example);
            return None;
        };
        Some(HostMove { from, to })
    }
}
