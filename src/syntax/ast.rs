//! The typed AST: what a spec says, with the span of every value.
//!
//! One [`Spec`] holds the app settings, the base [`Items`] and, for every environment, the
//! items as that environment sees them (base merged with its overrides). Nothing here is
//! resolved or defaulted: that is the IR's job.

use crate::diagnostic::Span;

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
pub struct Spec {
    pub app: App,
    pub items: Items,
    pub environments: Vec<Environment>,
    pub pipeline: Option<Pipeline>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub name: S<String>,
    pub span: Span,
    pub namespace: Option<S<String>>,
    pub registry: Option<S<String>>,
    pub kubernetes: Option<S<String>>,
    /// One line about the app: the Helm chart's description.
    pub description: Option<S<String>>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub ingress_controller: Option<IngressController>,
    /// Scanner checks waived for every workload of the app.
    pub waivers: Vec<Waiver>,
}

/// Where the ingress controller's pods run, for network policies.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressController {
    pub namespace: S<String>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub span: Span,
}

/// Everything that becomes Kubernetes objects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Items {
    pub workloads: Vec<Workload>,
    pub configs: Vec<Config>,
    pub secrets: Vec<Secret>,
    pub ingresses: Vec<Ingress>,
}

impl Items {
    /// Each list in name order (stable: same-named items keep their order).
    pub fn sort_by_name(&mut self) {
        self.workloads.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.configs.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.secrets.sort_by(|a, b| a.name.v.cmp(&b.name.v));
        self.ingresses.sort_by(|a, b| a.name.v.cmp(&b.name.v));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkloadKind {
    /// Deployment + Service.
    Service,
    /// Deployment without a Service.
    Worker,
    /// StatefulSet + headless Service + volume claim templates.
    Stateful,
    /// CronJob.
    CronJob,
    /// Job run once per deploy (a migration, an idempotent initialisation).
    Job,
}

impl WorkloadKind {
    pub fn keyword(self) -> &'static str {
        match self {
            WorkloadKind::Service => "service",
            WorkloadKind::Worker => "worker",
            WorkloadKind::Stateful => "stateful",
            WorkloadKind::CronJob => "cronjob",
            WorkloadKind::Job => "job",
        }
    }
    pub fn is_long_running(self) -> bool {
        !matches!(self, WorkloadKind::CronJob | WorkloadKind::Job)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: S<String>,
    /// Span of the node's keyword (`service`): where "missing X" diagnostics point.
    pub span: Span,
    /// Span of the environment override that touched or added this workload, if any.
    pub override_span: Option<Span>,
    pub image: Option<Image>,
    pub command: Option<S<Vec<String>>>,
    pub args: Option<S<Vec<String>>>,
    pub ports: Vec<Port>,
    pub env: Vec<EnvVar>,
    /// Configs and secrets whose every key becomes an environment variable, by name.
    pub env_from: Vec<S<String>>,
    pub resources: Option<Resources>,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub security: Option<Security>,
    pub service_account: Option<S<String>>,
    pub replicas: Option<S<i64>>,
    pub autoscale: Option<Autoscale>,
    pub vertical_autoscale: Option<VerticalAutoscale>,
    pub disruption: Option<Disruption>,
    pub rollout: Option<Rollout>,
    pub volumes: Vec<Volume>,
    pub storage: Vec<Storage>,
    pub spread: Option<S<String>>,
    pub anti_affinity: Option<S<String>>,
    pub node_selector: Vec<(S<String>, S<String>)>,
    pub tolerations: Vec<Toleration>,
    pub reach: Vec<S<Reach>>,
    pub egress: Vec<Egress>,
    pub allow_from: Vec<AllowFrom>,
    pub expose: Option<S<String>>,
    pub metrics: Option<Metrics>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
    pub schedule: Option<S<String>>,
    pub timezone: Option<S<String>>,
    pub concurrency: Option<S<String>>,
    pub history: Option<History>,
    pub deadline: Option<S<i64>>,
    pub retries: Option<S<i64>>,
    pub restart: Option<S<String>>,
    /// Jobs: seconds a finished Job is kept (`ttlSecondsAfterFinished`).
    pub ttl: Option<S<i64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub name: S<String>,
    pub tag: Option<S<String>>,
    pub digest: Option<S<String>>,
    pub registry: Option<S<String>>,
    pub pull: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub name: S<String>,
    pub number: S<i64>,
    pub protocol: Option<S<String>>,
    /// Port on the Service when it differs from the container port.
    pub service_port: Option<S<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EnvSource {
    Value(S<String>),
    Secret { name: S<String>, key: S<String> },
    Config { name: S<String>, key: S<String> },
    Field(S<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: S<String>,
    pub source: EnvSource,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    pub span: Span,
    pub requests: Option<CpuMem>,
    pub limits: Option<CpuMem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CpuMem {
    pub cpu: Option<S<String>>,
    pub memory: Option<S<String>>,
    pub ephemeral: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProbeAction {
    Http { path: S<String>, port: S<PortRef> },
    Tcp(S<PortRef>),
    Grpc(S<PortRef>),
    Exec(S<Vec<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Name(String),
    Number(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub action: ProbeAction,
    pub delay: Option<S<i64>>,
    pub period: Option<S<i64>>,
    pub timeout: Option<S<i64>>,
    pub failures: Option<S<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    pub user: Option<S<i64>>,
    pub group: Option<S<i64>>,
    pub fs_group: Option<S<i64>>,
    pub non_root: Option<S<bool>>,
    pub read_only_root: Option<S<bool>>,
    pub privilege_escalation: Option<S<bool>>,
    pub add_capabilities: Vec<S<String>>,
    pub span: Span,
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
    pub mode: Option<S<String>>,
    pub span: Span,
}

/// `tolerate "cloud.google.com/gke-spot" value="true" effect="NoSchedule"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    pub key: S<String>,
    /// Without a value, the toleration matches any value (operator Exists).
    pub value: Option<S<String>>,
    pub effect: Option<S<String>>,
    pub span: Span,
}

/// `metrics port="http" path="/metrics"`: a Prometheus Operator ServiceMonitor.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub port: S<String>,
    pub path: Option<S<String>>,
    pub interval: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disruption {
    pub min_available: Option<S<IntOrPercent>>,
    pub max_unavailable: Option<S<IntOrPercent>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// `canary` or `blue-green` (Argo Rollouts); none for a rolling update.
    pub strategy: Option<S<String>>,
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

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeSource {
    EmptyDir {
        size: Option<S<String>>,
        memory: bool,
    },
    Config(S<String>),
    Secret(S<String>),
    Claim(S<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub name: S<String>,
    pub mount: S<String>,
    pub source: VolumeSource,
    pub read_only: Option<S<bool>>,
    pub sub_path: Option<S<String>>,
    pub span: Span,
}

/// A volume claim template of a stateful workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    pub name: S<String>,
    pub mount: S<String>,
    pub size: S<String>,
    pub class: Option<S<String>>,
    pub span: Span,
}

/// `reach "postgres:5432"`: this workload may open connections to that one.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub target: String,
    pub port: Option<PortRef>,
}

/// The other end of a connection that is not one of the app's workloads.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// Addresses outside the cluster: `"0.0.0.0/0"`.
    Cidr(S<String>),
    /// Pods of another namespace: `namespace="monitoring"`.
    Namespace(S<String>),
}

/// `egress "0.0.0.0/0" port=443` or `egress namespace="observability" port=4317`:
/// connections this workload may open to something that is not a workload of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Egress {
    pub peer: Peer,
    pub ports: Vec<S<i64>>,
    pub span: Span,
}

/// `allow-from namespace="monitoring" port="metrics"`: connections this workload accepts from
/// something that is not a workload of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowFrom {
    pub peer: Peer,
    pub port: Option<S<PortRef>>,
    pub span: Span,
}

/// `waive "NAME" reason="..."`: a policy rule (`replicas`) or a scanner check (`CKV_K8S_43`,
/// `KSV-0125`) that does not apply to the object, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: S<String>,
    pub reason: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub success: Option<S<i64>>,
    pub failure: Option<S<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: S<String>,
    pub span: Span,
    pub data: Vec<(S<String>, S<String>)>,
    pub files: Vec<ConfigFile>,
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    pub key: S<String>,
    pub path: S<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// A Secret created outside stowage; only referenced.
    Existing,
    /// A Bitnami SealedSecret, encrypted values in the spec.
    Sealed,
    /// An External Secrets Operator ExternalSecret.
    External,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub name: S<String>,
    pub span: Span,
    pub source: S<SecretSource>,
    pub store: Option<S<String>>,
    pub store_kind: Option<S<String>>,
    pub refresh: Option<S<String>>,
    pub keys: Vec<SecretKey>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretKey {
    pub name: S<String>,
    pub remote: Option<S<String>>,
    pub property: Option<S<String>>,
    pub encrypted: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub name: S<String>,
    pub span: Span,
    pub class: Option<S<String>>,
    pub tls: Option<Tls>,
    pub routes: Vec<Route>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tls {
    pub issuer: Option<S<String>>,
    pub issuer_kind: Option<S<String>>,
    pub secret: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub name: S<String>,
    pub host: S<String>,
    pub path: Option<S<String>>,
    pub path_type: Option<S<String>>,
    pub service: S<String>,
    pub port: Option<S<PortRef>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyLevel {
    Dev,
    Staging,
    Production,
}

impl PolicyLevel {
    pub fn keyword(self) -> &'static str {
        match self {
            PolicyLevel::Dev => "dev",
            PolicyLevel::Staging => "staging",
            PolicyLevel::Production => "production",
        }
    }
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

/// The delivery pipeline: how the app is tested, built and deployed.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub span: Span,
    /// CI systems to emit for: `github`, `gitlab`.
    pub platforms: Vec<S<String>>,
    /// Branches whose pushes and pull requests run the pipeline.
    pub branches: Vec<S<crate::git_ref::RefPattern>>,
    pub test: Option<TestStage>,
    pub build: Option<BuildStage>,
    pub deploys: Vec<Deploy>,
    /// Secret holding a Slack incoming-webhook URL for deploy notifications.
    pub slack: Option<S<String>>,
    /// Run `stowage check` in CI (default on).
    pub drift: Option<S<bool>>,
    /// Post `stowage diff` of a pull request's spec change as a comment.
    pub diff_comment: Option<S<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestStage {
    pub span: Span,
    pub setup: Vec<Setup>,
    pub runs: Vec<RunStep>,
    pub services: Vec<TestService>,
    pub reports: Vec<S<String>>,
    pub env: Vec<EnvVar>,
}

/// A language toolchain: `setup "node" version="20" cache="npm"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub language: S<String>,
    pub version: S<String>,
    pub cache: Option<S<String>>,
    pub span: Span,
}

/// A named command: `run "lint" "npm run lint"`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStep {
    pub name: S<String>,
    pub command: S<String>,
    pub span: Span,
}

/// A service container for tests: `service "postgres" image="postgres:16" port=5432`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestService {
    pub name: S<String>,
    pub image: S<String>,
    pub port: Option<S<i64>>,
    pub health: Option<S<String>>,
    pub env: Vec<EnvVar>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildStage {
    pub span: Span,
    pub images: Vec<BuildImage>,
    pub platforms: Vec<S<String>>,
    pub scan: Option<Scan>,
}

/// How one of the workloads' images is built: `image "video-ingest-api" dockerfile="api/Dockerfile"`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildImage {
    pub name: S<String>,
    pub context: Option<S<String>>,
    pub dockerfile: Option<S<String>>,
    pub target: Option<S<String>>,
    pub span: Span,
}

/// A vulnerability scan of the built images.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub severity: Option<S<String>>,
    pub fail: Option<S<bool>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    Branch(crate::git_ref::RefPattern),
    Tag(crate::git_ref::RefPattern),
    Manual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub env: S<String>,
    pub span: Span,
    pub on: Vec<S<Trigger>>,
    pub after: Option<S<String>>,
    pub approval: Option<S<bool>>,
    pub method: Option<S<String>>,
    pub credentials: S<String>,
    pub timeout: Option<S<String>>,
    pub smoke: Option<S<String>>,
    pub before: Option<S<String>>,
    pub rollback: Option<S<bool>>,
    pub url: Option<S<String>>,
    pub release: Option<S<bool>>,
}
