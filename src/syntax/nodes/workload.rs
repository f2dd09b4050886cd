//! The five workload kinds (`service`, `worker`, `stateful`, `cronjob`, `job`): one table says
//! which children each takes; decoding dispatches each child to its node's decoder.

use super::alert::{ALERT, Alert};
use super::container::{ARGS, COMMAND, CONTAINER_NAME, Container, INIT, SIDECAR};
use super::defaults::USE;
use super::env::{ENV, ENV_FROM, EnvVar};
use super::exposure::{EXPOSE, EXTRA_SERVICE, Exposure};
use super::image::{IMAGE, Image};
use super::lifecycle::{GRACE_PERIOD, PRE_STOP, PreStop};
use super::meta::{ANNOTATIONS, LABELS, SELECTOR, WAIVE, Waiver};
use super::network::{ALLOW_FROM, AllowFrom, EGRESS, Egress, METRICS, Metrics, REACH, Reach};
use super::placement::{
    ANTI_AFFINITY, AntiAffinity, NEAR, NODE_SELECTOR, Near, PREFER_NODE, PRIORITY_CLASS,
    PreferNode, SPREAD, Spread, TOLERATE, Toleration,
};
use super::port::{PORT, Port};
use super::probe::{LIVENESS, Probe, READINESS, STARTUP};
use super::resources::{RESOURCES, Resources};
use super::rollout::{ROLLOUT, Rollout};
use super::run::{
    CONCURRENCY, ConcurrencyPolicy, DEADLINE, HISTORY, History, RESTART, RETRIES, RestartPolicy,
    SCHEDULE, TIMEZONE, TTL,
};
use super::scaling::{
    AUTOSCALE, Autoscale, DISRUPTION, Disruption, REPLICAS, VERTICAL_AUTOSCALE, VerticalAutoscale,
};
use super::security::{SECURITY, SERVICE_ACCOUNT, Security};
use super::volume::{STORAGE, Storage, VOLUME, Volume};
use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind};

keyword! {
    /// What a workload is, by the node that declares it.
    pub enum WorkloadKind("workload kind") {
        /// Deployment + Service.
        Service = "service",
        /// Deployment without a Service.
        Worker = "worker",
        /// StatefulSet + headless Service + volume claim templates.
        Stateful = "stateful",
        /// CronJob.
        CronJob = "cronjob",
        /// Job run once per deploy (a migration, an idempotent initialisation).
        Job = "job",
    }
}

impl WorkloadKind {
    pub fn is_long_running(self) -> bool {
        !matches!(self, WorkloadKind::CronJob | WorkloadKind::Job)
    }

    /// Its bit in [`CHILDREN`].
    const fn bit(self) -> u8 {
        1 << self as u8
    }

    pub fn declaration(self) -> &'static Kind {
        match self {
            WorkloadKind::Service => &SERVICE,
            WorkloadKind::Worker => &WORKER,
            WorkloadKind::Stateful => &STATEFUL,
            WorkloadKind::CronJob => &CRONJOB,
            WorkloadKind::Job => &JOB,
        }
    }
}

const SVC: u8 = WorkloadKind::Service.bit();
const WRK: u8 = WorkloadKind::Worker.bit();
const STS: u8 = WorkloadKind::Stateful.bit();
const CRN: u8 = WorkloadKind::CronJob.bit();
const JOB_: u8 = WorkloadKind::Job.bit();
const LONG: u8 = SVC | WRK | STS;
/// Every workload kind's bit.
pub(super) const ANY: u8 = LONG | CRN | JOB_;

/// Every child a workload may have, and the kinds that take it.
pub static CHILDREN: &[(&Kind, u8)] = &[
    (&USE, ANY),
    (&IMAGE, ANY),
    (&CONTAINER_NAME, ANY),
    (&COMMAND, ANY),
    (&ARGS, ANY),
    (&PORT, LONG),
    (&ENV, ANY),
    (&ENV_FROM, ANY),
    (&RESOURCES, ANY),
    (&LIVENESS, LONG),
    (&READINESS, LONG),
    (&STARTUP, LONG),
    (&PRE_STOP, LONG),
    (&GRACE_PERIOD, ANY),
    (&INIT, ANY),
    (&SIDECAR, ANY),
    (&SECURITY, ANY),
    (&SERVICE_ACCOUNT, ANY),
    (&VOLUME, ANY),
    (&STORAGE, STS),
    (&SPREAD, LONG),
    (&ANTI_AFFINITY, LONG),
    (&NODE_SELECTOR, ANY),
    (&PREFER_NODE, ANY),
    (&NEAR, LONG),
    (&PRIORITY_CLASS, ANY),
    (&TOLERATE, ANY),
    (&REACH, ANY),
    (&EGRESS, ANY),
    (&ALLOW_FROM, ANY),
    (&EXPOSE, LONG),
    (&EXTRA_SERVICE, LONG),
    (&METRICS, LONG),
    (&ALERT, ANY),
    (&LABELS, ANY),
    (&ANNOTATIONS, ANY),
    (&SELECTOR, LONG),
    (&WAIVE, ANY),
    (&REPLICAS, LONG),
    (&AUTOSCALE, SVC | WRK),
    (&VERTICAL_AUTOSCALE, LONG),
    (&DISRUPTION, LONG),
    (&ROLLOUT, SVC | WRK),
    (&SCHEDULE, CRN),
    (&TIMEZONE, CRN),
    (&CONCURRENCY, CRN),
    (&HISTORY, CRN),
    (&DEADLINE, CRN | JOB_),
    (&RETRIES, CRN | JOB_),
    (&RESTART, CRN | JOB_),
    (&TTL, JOB_),
];

pub static SERVICE: Kind = Kind {
    name: "service",
    what: "a service",
    args: Args::Name,
    children: Children::Masked {
        table: CHILDREN,
        bit: SVC,
    },
    identity: Identity::Named,
    example: "service \"api\" { image \"api\" tag=\"1.0.0\" port \"http\" 8080 }",
    doc: "A Deployment and a Service in front of it.",
    reference: "workloads.md",
    ..Kind::LEAF
};

pub static WORKER: Kind = Kind {
    name: "worker",
    what: "a worker",
    children: Children::Masked {
        table: CHILDREN,
        bit: WRK,
    },
    example: "worker \"jobs\" { image \"jobs\" tag=\"1.0.0\" }",
    doc: "A Deployment that nothing connects to.",
    ..SERVICE
};

pub static STATEFUL: Kind = Kind {
    name: "stateful",
    what: "a stateful workload",
    children: Children::Masked {
        table: CHILDREN,
        bit: STS,
    },
    example: "stateful \"db\" { image \"postgres\" tag=\"16\" storage \"data\" mount=\"/data\" size=\"10Gi\" }",
    doc: "A StatefulSet, its headless Service and a volume claim per pod.",
    ..SERVICE
};

pub static CRONJOB: Kind = Kind {
    name: "cronjob",
    what: "a cronjob",
    children: Children::Masked {
        table: CHILDREN,
        bit: CRN,
    },
    example: "cronjob \"report\" { image \"report\" tag=\"1.0.0\" schedule \"0 2 * * *\" }",
    doc: "A CronJob.",
    ..SERVICE
};

pub static JOB: Kind = Kind {
    name: "job",
    what: "a job",
    children: Children::Masked {
        table: CHILDREN,
        bit: JOB_,
    },
    example: "job \"migrate\" { image \"api\" tag=\"1.0.0\" command \"migrate\" }",
    doc: "A Job run once per deploy (a migration, an idempotent initialisation).",
    ..SERVICE
};

/// Who takes a child, in "only ... take `x`".
fn owners(mask: u8) -> String {
    match mask {
        m if m == SVC | WRK => "services and workers".into(),
        STS => "stateful workloads".into(),
        LONG => "long-running workloads".into(),
        m if m == CRN | JOB_ => "cronjobs and jobs".into(),
        JOB_ => "jobs".into(),
        CRN => "cronjobs".into(),
        m => [
            SERVICE.name,
            WORKER.name,
            STATEFUL.name,
            CRONJOB.name,
            JOB.name,
        ]
        .iter()
        .enumerate()
        .filter(|(i, _)| m & (1 << i) != 0)
        .map(|(_, n)| format!("{n}s"))
        .collect::<Vec<_>>()
        .join(", "),
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
    /// The name of its own container (default: the workload's name).
    pub container_name: Option<S<String>>,
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
    pub pre_stop: Option<PreStop>,
    /// Seconds between the stop signal and the kill (`terminationGracePeriodSeconds`).
    pub grace_period: Option<S<i64>>,
    /// Init containers and sidecars, in the order written.
    pub containers: Vec<Container>,
    pub security: Option<Security>,
    pub service_account: Option<S<String>>,
    pub replicas: Option<S<i64>>,
    /// `replicas clustered=#true`: a stateful's pods replicate their data among themselves.
    pub clustered: Option<S<bool>>,
    pub autoscale: Option<Autoscale>,
    pub vertical_autoscale: Option<VerticalAutoscale>,
    pub disruption: Option<Disruption>,
    pub rollout: Option<Rollout>,
    pub volumes: Vec<Volume>,
    pub storage: Vec<Storage>,
    pub spread: Option<S<Spread>>,
    pub anti_affinity: Option<S<AntiAffinity>>,
    pub node_selector: Vec<(S<String>, S<String>)>,
    pub prefer_nodes: Vec<PreferNode>,
    pub near: Vec<Near>,
    pub priority_class: Option<S<String>>,
    pub tolerations: Vec<Toleration>,
    pub reach: Vec<S<Reach>>,
    pub egress: Vec<Egress>,
    pub allow_from: Vec<AllowFrom>,
    /// The type of its Service and who outside the cluster may reach it.
    pub expose: Option<Exposure>,
    /// Services besides its own.
    pub extra_services: Vec<Exposure>,
    pub metrics: Option<Metrics>,
    /// Prometheus alerting rules about it.
    pub alerts: Vec<Alert>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
    /// The defaults blocks it uses (in the base and in its environment), by name.
    pub uses: Vec<S<String>>,
    /// Labels that select the pods, kept from before stowage (empty: stowage's).
    pub selector: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
    pub schedule: Option<S<String>>,
    pub timezone: Option<S<String>>,
    pub concurrency: Option<S<ConcurrencyPolicy>>,
    pub history: Option<History>,
    pub deadline: Option<S<i64>>,
    pub retries: Option<S<i64>>,
    pub restart: Option<S<RestartPolicy>>,
    /// Jobs: seconds a finished Job is kept (`ttlSecondsAfterFinished`).
    pub ttl: Option<S<i64>>,
}

impl Workload {
    fn new(kind: WorkloadKind, name: S<String>, node: &Node) -> Workload {
        Workload {
            kind,
            name,
            span: node.name_span,
            override_span: node.override_span,
            image: None,
            container_name: None,
            command: None,
            args: None,
            ports: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            resources: None,
            liveness: None,
            readiness: None,
            startup: None,
            pre_stop: None,
            grace_period: None,
            containers: Vec::new(),
            security: None,
            service_account: None,
            replicas: None,
            clustered: None,
            autoscale: None,
            vertical_autoscale: None,
            disruption: None,
            rollout: None,
            volumes: Vec::new(),
            storage: Vec::new(),
            spread: None,
            anti_affinity: None,
            node_selector: Vec::new(),
            prefer_nodes: Vec::new(),
            near: Vec::new(),
            priority_class: None,
            tolerations: Vec::new(),
            reach: Vec::new(),
            egress: Vec::new(),
            allow_from: Vec::new(),
            expose: None,
            extra_services: Vec::new(),
            metrics: None,
            alerts: Vec::new(),
            labels: Vec::new(),
            annotations: Vec::new(),
            uses: Vec::new(),
            selector: Vec::new(),
            waivers: Vec::new(),
            schedule: None,
            timezone: None,
            concurrency: None,
            history: None,
            deadline: None,
            retries: None,
            restart: None,
            ttl: None,
        }
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn workload(&mut self, node: &Node) -> Option<Workload> {
        let kind = WorkloadKind::parse(&node.name)?;
        let decl = kind.declaration();
        let own = self.misplaced_children(node, decl, kind);
        self.shape(node, decl);
        self.children_of(decl, &own);
        let name = self.name_arg(node, decl.what)?;
        let mut w = Workload::new(kind, name, node);
        for c in &own {
            self.workload_child(&mut w, c);
        }
        Some(w)
    }

    /// Report children that other workload kinds take; give back the rest.
    fn misplaced_children(&mut self, node: &Node, decl: &Kind, kind: WorkloadKind) -> Vec<Node> {
        let mut own = Vec::new();
        for c in &node.children {
            let mask = CHILDREN
                .iter()
                .find(|(k, _)| k.name == c.name)
                .map(|(_, m)| *m);
            match mask {
                Some(m) if m & kind.bit() == 0 => self.err(
                    Diagnostic::error(
                        &code::syntax::MISPLACED_NODE,
                        format!("`{}` is not allowed in {}", c.name, decl.what),
                        c.name_span,
                        format!("only {} take `{}`", owners(m), c.name),
                    )
                    .with_label(node.name_span, format!("this is {}", decl.what))
                    .with_help(format!(
                        "remove `{}`, or declare the workload with the kind that supports it",
                        c.name
                    )),
                ),
                _ => own.push(c.clone()),
            }
        }
        own
    }

    /// One child of a workload (flat dispatch: each arm hands the node to its decoder).
    fn workload_child(&mut self, w: &mut Workload, c: &Node) {
        match c.name.as_str() {
            "use" => w.uses.extend(self.string_list(c)),
            "image" => w.image = self.image(c),
            "container-name" => w.container_name = self.str_arg(c, &CONTAINER_NAME),
            "init" | "sidecar" => w.containers.extend(self.container(c)),
            "pre-stop" => w.pre_stop = self.pre_stop(c),
            "prefer-node" => w.prefer_nodes.extend(self.prefer_node(c)),
            "near" => w.near.extend(self.near(c)),
            "priority-class" => w.priority_class = self.str_arg(c, &PRIORITY_CLASS),
            "command" => w.command = self.many_args(c, &COMMAND),
            "args" => w.args = self.many_args(c, &ARGS),
            "port" => w.ports.extend(self.port(c)),
            "env" => w.env.extend(self.env(c)),
            "env-from" => w.env_from.extend(self.env_from(c)),
            "resources" => w.resources = self.resources(c),
            "liveness" => w.liveness = self.probe(c),
            "readiness" => w.readiness = self.probe(c),
            "startup" => w.startup = self.probe(c),
            "grace-period" => w.grace_period = self.int_arg(c, &GRACE_PERIOD),
            "security" => w.security = self.security(c),
            "service-account" => w.service_account = self.str_arg(c, &SERVICE_ACCOUNT),
            "replicas" => (w.replicas, w.clustered) = self.replicas(c),
            "autoscale" => w.autoscale = self.autoscale(c),
            "vertical-autoscale" => w.vertical_autoscale = Some(self.vertical_autoscale(c)),
            "disruption" => w.disruption = Some(self.disruption(c)),
            "rollout" => w.rollout = self.rollout(c),
            "volume" => w.volumes.extend(self.volume(c)),
            "storage" => w.storage.extend(self.storage(c)),
            "spread" => w.spread = self.keyword_arg(c, &SPREAD),
            "anti-affinity" => w.anti_affinity = self.keyword_arg(c, &ANTI_AFFINITY),
            "node-selector" => w.node_selector = self.string_map(c),
            "tolerate" => w.tolerations.extend(self.toleration(c)),
            "reach" => w.reach.extend(self.reach(c)),
            "egress" => w.egress.extend(self.egress(c)),
            "allow-from" => w.allow_from.extend(self.allow_from(c)),
            "expose" => w.expose = self.expose(c),
            "extra-service" => w.extra_services.extend(self.extra_service(c)),
            "metrics" => w.metrics = self.metrics(c),
            "alert" => w.alerts.extend(self.alert(c)),
            "labels" => w.labels = self.string_map(c),
            "annotations" => w.annotations = self.string_map(c),
            "selector" => w.selector = self.selector(c),
            "waive" => w.waivers.extend(self.waiver(c)),
            "schedule" => w.schedule = self.str_arg(c, &SCHEDULE),
            "timezone" => w.timezone = self.str_arg(c, &TIMEZONE),
            "concurrency" => w.concurrency = self.keyword_arg(c, &CONCURRENCY),
            "history" => w.history = Some(self.history(c)),
            "deadline" => w.deadline = self.int_arg(c, &DEADLINE),
            "retries" => w.retries = self.int_arg(c, &RETRIES),
            "restart" => w.restart = self.keyword_arg(c, &RESTART),
            "ttl" => w.ttl = self.int_arg(c, &TTL),
            _ => {}
        }
    }
}

impl Decoder<'_> {
    /// `selector`: at least one label.
    fn selector(&mut self, c: &Node) -> Vec<(S<String>, S<String>)> {
        let labels = self.string_map(c);
        if labels.is_empty() && c.props.is_empty() {
            self.err(
                Diagnostic::error(
                    &code::workload::SELECTOR,
                    "`selector` selects nothing",
                    c.name_span,
                    "no labels",
                )
                .with_help("write the labels the existing Deployment selects its pods by: `selector app=\"api\"`, or remove it"),
            );
        }
        labels
    }
}

/// The reference's table of which children each workload kind takes (`spec/workloads.md`,
/// between its `children-table` markers; `tests/vocab.rs` keeps it in step).
pub fn children_table() -> String {
    let kinds = [&SERVICE, &WORKER, &STATEFUL, &CRONJOB, &JOB];
    let mut out = String::from("| child |");
    for k in kinds {
        out.push_str(&format!(" {} |", k.name));
    }
    out.push_str("\n| --- |");
    out.push_str(&" :-: |".repeat(kinds.len()));
    out.push('\n');
    for (child, mask) in CHILDREN {
        let link = match child.reference.strip_prefix("workloads.md") {
            Some(anchor) => anchor.to_string(),
            None => child.reference.to_string(),
        };
        out.push_str(&format!("| [`{}`]({link}) |", child.name));
        for k in kinds {
            let takes = matches!(k.children, Children::Masked { bit, .. } if mask & bit != 0);
            out.push_str(if takes { " ✓ |" } else { " |" });
        }
        out.push('\n');
    }
    let named: Vec<String> = CHILDREN
        .iter()
        .filter(|(k, _)| k.identity == Identity::Named)
        .map(|(k, _)| format!("`{}`", k.name))
        .collect();
    out.push_str(&format!(
        "\n{} are named and may be repeated, one per name; every other child appears at most once\n(`stowage::syntax::duplicate-node`).\n",
        named.join(", ")
    ));
    out
}
