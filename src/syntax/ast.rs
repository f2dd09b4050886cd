//! The typed AST: what a spec says, with the span of every value.
//!
//! One [`Spec`] holds the app settings, the base [`Items`] and, for every environment, the
//! items as that environment sees them (base merged with its overrides). Nothing here is
//! resolved or defaulted: that is the IR's job. Each node's type is declared with its node in
//! `syntax/nodes/`; this module gathers them.

use crate::diagnostic::Span;

pub use super::keyword::Keyword;
pub use super::nodes::account::{AccessRule, Account, Verb};
pub use super::nodes::alert::Alert;
pub use super::nodes::analysis::Analysis;
pub use super::nodes::app::{App, IngressController};
pub use super::nodes::config::{Config, ConfigFile};
pub use super::nodes::container::{Container, ContainerRole, Mount};
pub use super::nodes::env::{EnvSource, EnvVar};
pub use super::nodes::environment::{Environment, PolicyLevel};
pub use super::nodes::exposure::{Exposure, ServiceType};
pub use super::nodes::gitops::{Gitops, GitopsCluster, GitopsTool};
pub use super::nodes::image::{Image, PullPolicy};
pub use super::nodes::ingress::{Ingress, IssuerKind, PathType, Route, Tls};
pub use super::nodes::lifecycle::{PreStop, PreStopAction};
pub use super::nodes::meta::Waiver;
pub use super::nodes::network::{AllowFrom, Egress, Metrics, Peer, Reach};
pub use super::nodes::object::{FileRef, Object, Target};
pub use super::nodes::patch::{JsonPatch, Op, Patch, PatchOp};
pub use super::nodes::pipeline::{
    BuildImage, BuildStage, Cache, Deploy, DeployMethod, Install, Job, JobBody, JobStage, JobWhen,
    Language, Pipeline, Platform, RunStep, Scan, Setup, TestService, TestStage, Trigger,
};
pub use super::nodes::placement::{
    AntiAffinity, Near, PreferNode, Spread, TaintEffect, Toleration,
};
pub use super::nodes::policy::{DeclaredPolicy, RuleSeverity, RuleUse};
pub use super::nodes::port::{Port, Protocol};
pub use super::nodes::probe::{Probe, ProbeAction};
pub use super::nodes::resources::{CpuMem, Resources};
pub use super::nodes::rollout::{Rollout, RolloutStrategy, Step};
pub use super::nodes::run::{ConcurrencyPolicy, History, RestartPolicy};
pub use super::nodes::scaling::{
    Autoscale, Disruption, IntOrPercent, RedisList, VerticalAutoscale, VpaMode,
};
pub use super::nodes::secret::{Secret, SecretKey, SecretSource, StoreKind};
pub use super::nodes::security::Security;
pub use super::nodes::volume::{Storage, Volume, VolumeSource};
pub use super::nodes::workload::{Workload, WorkloadKind};

/// A value and the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct S<T> {
    pub v: T,
    pub span: Span,
}

impl<T> S<T> {
    pub fn new(v: T, span: Span) -> Self {
        S { v, span }
    }
}

impl S<String> {
    pub fn as_str(&self) -> &str {
        &self.v
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Name(String),
    Number(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub app: App,
    pub items: Items,
    pub environments: Vec<Environment>,
    pub pipeline: Option<Pipeline>,
    /// Files of CustomResourceDefinitions whose kinds objects may have.
    pub crds: Vec<FileRef>,
    /// The `defaults` blocks workloads use.
    pub defaults: Vec<super::defaults::Block>,
    /// The policies the spec declares (environments name them in `policy`).
    pub policies: Vec<DeclaredPolicy>,
}

impl Spec {
    /// The base's items, then each environment's.
    pub fn all_items(&self) -> impl Iterator<Item = &Items> {
        std::iter::once(&self.items).chain(self.environments.iter().map(|e| &e.items))
    }

    /// Every workload deployed somewhere: the base's, then those only environments enable,
    /// the first of each name.
    pub fn deployed_workloads(&self) -> Vec<&Workload> {
        let mut seen = std::collections::HashSet::new();
        self.all_items()
            .flat_map(|items| &items.workloads)
            .filter(|w| seen.insert(w.name.v.as_str()))
            .collect()
    }
}

/// Everything that becomes Kubernetes objects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Items {
    pub workloads: Vec<Workload>,
    pub configs: Vec<Config>,
    pub secrets: Vec<Secret>,
    pub ingresses: Vec<Ingress>,
    /// ServiceAccounts the spec makes, with their Roles.
    pub accounts: Vec<Account>,
    /// Measurements canary steps run.
    pub analyses: Vec<Analysis>,
    /// Objects declared as data.
    pub objects: Vec<Object>,
    /// YAML files of objects.
    pub manifests: Vec<FileRef>,
    pub patches: Vec<Patch>,
    pub json_patches: Vec<JsonPatch>,
}

impl Items {
    /// The Ingress a canary of workload `name` splits traffic on: the first NGINX ingress
    /// (no class, or a class naming nginx) with a route to it.
    pub fn stable_ingress(&self, name: &str) -> Option<&Ingress> {
        self.ingresses.iter().find(|i| {
            i.routes.iter().any(|r| r.service.v == name)
                && i.class.as_ref().is_none_or(|c| c.v.contains("nginx"))
        })
    }
    /// Each list in name order (stable: same-named items keep their order).
    pub fn sort_by_name(&mut self) {
        self.workloads.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.configs.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.secrets.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.ingresses.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.accounts.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.analyses.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        let by_target = |t: &Target| (t.kind.clone(), t.name.clone());
        self.objects.sort_by_key(|o| by_target(&o.target));
        self.manifests.sort_by(|a, b| a.path.v.cmp(&b.path.v));
        self.patches.sort_by_key(|p| by_target(&p.target));
        self.json_patches.sort_by_key(|p| by_target(&p.target));
    }
}
