//! Lowering one set of items (the base's or an environment's) to Kubernetes objects.

use super::{EnvIr, Ir, Object, network};
use crate::policy::{self, Rule};
use crate::syntax::ast::{self, *};
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::v2 as hpa;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::policy::v1 as pol;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const DEFAULT_KUBERNETES: &str = "1.33";
/// The user (and group) a non-root pod runs as when the spec names none: above 10000, so it
/// matches no user of the node.
pub const DEFAULT_USER: i64 = 10001;

/// Seconds a finished Job is kept when the spec does not say (`ttlSecondsAfterFinished`).
pub const JOB_TTL: i32 = 86400;

/// Characters a Job's name gains: `-` and the hash of its spec.
pub const JOB_HASH_LEN: usize = 9;

/// The deployed name of a Job: the workload's name and a short hash of the Job's spec, so that
/// a changed job (whose pod template Kubernetes will not update in place) is a new object.
pub fn job_name(workload: &str, spec: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(spec.to_string().as_bytes());
    let hex: String = digest
        .iter()
        .take((JOB_HASH_LEN - 1) / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{workload}-{hex}")
}

pub(super) fn lower(spec: &Spec, spec_file: &str, files: &BTreeMap<String, String>) -> Ir {
    let app_ns = spec
        .app
        .namespace
        .as_ref()
        .map(|n| n.v.clone())
        .unwrap_or_else(|| spec.app.name.v.clone());
    let base_level = spec
        .environments
        .iter()
        .map(|e| e.policy.v)
        .min()
        .unwrap_or(PolicyLevel::Production);
    let cx = Cx { spec, files };
    // The base and every environment are lowered independently, in parallel (the result
    // keeps their order).
    let (base, environments) = rayon::join(
        || {
            cx.env(
                "base",
                base_level,
                &app_ns,
                "",
                BTreeMap::new(),
                &spec.items,
            )
        },
        || {
            spec.environments
                .par_iter()
                .map(|e| {
                    let ns = e
                        .namespace
                        .as_ref()
                        .map(|n| n.v.clone())
                        .unwrap_or_else(|| app_ns.clone());
                    let prefix = e.prefix.as_ref().map(|p| p.v.clone()).unwrap_or_default();
                    let labels = e
                        .labels
                        .iter()
                        .map(|(k, v)| (k.v.clone(), v.v.clone()))
                        .collect();
                    cx.env(&e.name.v, e.policy.v, &ns, &prefix, labels, &e.items)
                })
                .collect::<Vec<_>>()
        },
    );
    Ir {
        app: spec.app.name.v.clone(),
        spec_file: spec_file.to_string(),
        kubernetes: spec
            .app
            .kubernetes
            .as_ref()
            .map(|k| k.v.clone())
            .unwrap_or_else(|| DEFAULT_KUBERNETES.to_string()),
        description: spec.app.description.as_ref().map(|d| d.v.clone()),
        app_version: spec
            .items
            .workloads
            .iter()
            .find_map(|w| w.image.as_ref()?.tag.as_ref().map(|t| t.v.clone()))
            .unwrap_or_else(|| "0.1.0".to_string()),
        pipeline: None,
        base,
        environments,
    }
}

struct Cx<'a> {
    spec: &'a Spec,
    files: &'a BTreeMap<String, String>,
}

/// Everything lowering one workload needs to know about its surroundings.
pub(super) struct Env<'a> {
    pub level: PolicyLevel,
    pub namespace: &'a str,
    pub app: &'a str,
    pub app_labels: &'a BTreeMap<String, String>,
    pub items: &'a Items,
    /// The environment's workloads by name (the first of a name), for reference lookups.
    pub workloads: HashMap<&'a str, &'a Workload>,
    /// Names of the environment's configs.
    pub configs: HashSet<&'a str>,
}

/// A run-to-completion pod template with the workload's `restart` policy, or `default`.
fn with_restart(
    mut tpl: core::PodTemplateSpec,
    w: &Workload,
    default: RestartPolicy,
) -> core::PodTemplateSpec {
    if let Some(spec) = tpl.spec.as_mut() {
        spec.restart_policy = Some(w.restart.as_ref().map_or(default, |r| r.v).to_string());
    }
    tpl
}

fn to_value<T: serde::Serialize>(t: &T) -> Value {
    let mut v = serde_json::to_value(t).expect("Kubernetes objects serialize");
    strip_empty(&mut v);
    v
}

/// Drop `null`s, which k8s-openapi never emits but merged values might.
fn strip_empty(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for x in m.values_mut() {
                strip_empty(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_empty),
        _ => {}
    }
}

pub(super) fn selector(app: &str, workload: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.to_string()),
        ("app.kubernetes.io/instance".to_string(), app.to_string()),
    ])
}

fn kv(pairs: &[(S<String>, S<String>)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.v.clone(), v.v.clone()))
        .collect()
}

fn q(s: &str) -> Quantity {
    Quantity(s.to_string())
}

fn int_or(v: &IntOrPercent) -> IntOrString {
    match v {
        IntOrPercent::Int(i) => IntOrString::Int(*i as i32),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    }
}

fn port_ref(w: &Workload, p: &PortRef) -> IntOrString {
    match p {
        PortRef::Name(n) => IntOrString::String(n.clone()),
        PortRef::Number(n) => match w.ports.iter().find(|x| x.number.v == *n) {
            Some(x) => IntOrString::String(x.name.v.clone()),
            None => IntOrString::Int(*n as i32),
        },
    }
}

/// The annotations that record an object's waivers, the first waiver of each name winning:
/// `waivers.stowage.dev/NAME: REASON` for every policy rule and scanner check, and
/// `checkov.io/skipN: CHECK=REASON` (numbered from 1 in order of check id) for checkov's checks.
/// Waivers without a reason or of unknown names are left out (the checker reports them).
fn waiver_annotations<'a>(
    waivers: impl IntoIterator<Item = &'a Waiver>,
) -> BTreeMap<String, String> {
    let mut by_name: BTreeMap<&str, &str> = BTreeMap::new();
    for w in waivers {
        let name = w.rule.v.as_str();
        let Some(reason) = w.reason.as_ref().filter(|r| !r.v.trim().is_empty()) else {
            continue;
        };
        if Rule::from_name(name).is_some() || policy::scanner_check(name).is_some() {
            by_name.entry(name).or_insert(reason.v.as_str());
        }
    }
    let mut out = BTreeMap::new();
    let mut skips = 0;
    for (name, reason) in by_name {
        out.insert(policy::waiver_annotation(name), reason.to_string());
        if policy::scanner_check(name) == Some(policy::Scanner::Checkov) {
            skips += 1;
            out.insert(
                policy::checkov_skip_annotation(skips),
                format!("{name}={reason}"),
            );
        }
    }
    out
}

/// The full image reference of a workload.
pub(super) fn image_ref(spec: &Spec, img: &Image) -> (String, Option<String>, Option<String>) {
    let first = img.name.v.split('/').next().unwrap_or("");
    let has_host = img.name.v.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost");
    let repo = match (&img.registry, &spec.app.registry) {
        _ if has_host => img.name.v.clone(),
        (Some(r), _) | (None, Some(r)) => format!("{}/{}", r.v.trim_end_matches('/'), img.name.v),
        (None, None) => img.name.v.clone(),
    };
    (
        repo,
        img.tag.as_ref().map(|t| t.v.clone()),
        img.digest.as_ref().map(|d| d.v.clone()),
    )
}

impl Cx<'_> {
    fn env(
        &self,
        name: &str,
        level: PolicyLevel,
        namespace: &str,
        prefix: &str,
        labels: BTreeMap<String, String>,
        items: &Items,
    ) -> EnvIr {
        let app = self.spec.app.name.v.as_str();
        let mut app_labels = kv(&self.spec.app.labels);
        app_labels.insert("app.kubernetes.io/part-of".into(), app.to_string());
        app_labels.insert("app.kubernetes.io/managed-by".into(), "stowage".into());
        let mut workloads = HashMap::new();
        for w in &items.workloads {
            workloads.entry(w.name.v.as_str()).or_insert(w);
        }
        let env = Env {
            level,
            namespace,
            app,
            app_labels: &app_labels,
            items,
            workloads,
            configs: items.configs.iter().map(|c| c.name.v.as_str()).collect(),
        };
        let mut objects = Vec::new();
        objects.push(Object {
            group: super::layout::NAMESPACE_GROUP.into(),
            value: self.namespace(&env),
        });
        for c in &items.configs {
            objects.push(Object {
                group: super::layout::CONFIG_GROUP.into(),
                value: self.config(&env, c),
            });
        }
        for s in &items.secrets {
            if let Some(v) = secret(&env, s) {
                objects.push(Object {
                    group: super::layout::SECRETS_GROUP.into(),
                    value: v,
                });
            }
        }
        for w in &items.workloads {
            for v in self.workload(&env, w) {
                objects.push(Object {
                    group: w.name.v.clone(),
                    value: v,
                });
            }
        }
        for i in &items.ingresses {
            objects.push(Object {
                group: super::layout::ingress_group(&i.name.v),
                value: ingress(&env, i),
            });
        }
        if policy::default_deny(level) {
            for (group, v) in network::policies(&env, self.spec) {
                objects.push(Object { group, value: v });
            }
        }
        // The app's annotations go on every object.
        for (k, v) in &self.spec.app.annotations {
            for o in &mut objects {
                let meta = o.value["metadata"]
                    .as_object_mut()
                    .expect("objects have metadata");
                let ann = meta
                    .entry("annotations")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(m) = ann.as_object_mut() {
                    m.entry(k.v.clone())
                        .or_insert_with(|| Value::String(v.v.clone()));
                }
            }
        }
        EnvIr {
            name: name.to_string(),
            policy: level,
            namespace: namespace.to_string(),
            prefix: prefix.to_string(),
            labels,
            common_labels: app_labels.clone(),
            objects,
        }
    }

    fn meta(&self, env: &Env, name: &str, extra: &BTreeMap<String, String>) -> ObjectMeta {
        let mut labels = env.app_labels.clone();
        labels.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(env.namespace.to_string()),
            labels: Some(labels),
            ..Default::default()
        }
    }

    fn namespace(&self, env: &Env) -> Value {
        let mut labels = env.app_labels.clone();
        let (enforce, warn) = match env.level {
            PolicyLevel::Dev => ("baseline", "restricted"),
            _ => ("restricted", "restricted"),
        };
        labels.insert("pod-security.kubernetes.io/enforce".into(), enforce.into());
        labels.insert("pod-security.kubernetes.io/warn".into(), warn.into());
        to_value(&core::Namespace {
            metadata: ObjectMeta {
                name: Some(env.namespace.to_string()),
                labels: Some(labels),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    fn config(&self, env: &Env, c: &ast::Config) -> Value {
        let mut data: BTreeMap<String, String> = kv(&c.data);
        for f in &c.files {
            data.insert(
                f.key.v.clone(),
                self.files.get(&f.path.v).cloned().unwrap_or_default(),
            );
        }
        let mut metadata = self.meta(env, &c.name.v, &BTreeMap::new());
        let waivers = waiver_annotations(&c.waivers);
        metadata.annotations = (!waivers.is_empty()).then_some(waivers);
        to_value(&core::ConfigMap {
            metadata,
            data: Some(data),
            ..Default::default()
        })
    }

    fn workload(&self, env: &Env, w: &Workload) -> Vec<Value> {
        let sel = selector(env.app, &w.name.v);
        let mut labels = sel.clone();
        labels.extend(kv(&w.labels));
        let mut meta = self.meta(env, &w.name.v, &labels);
        // The workload's own waivers, and the app's scanner waivers it does not override.
        let waivers = waiver_annotations(w.waivers.iter().chain(&self.spec.app.waivers));
        if !waivers.is_empty() {
            meta.annotations = Some(waivers);
        }
        let mut pod_labels = env.app_labels.clone();
        pod_labels.extend(labels.clone());
        let pod_annotations = kv(&w.annotations);
        let template = core::PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(pod_labels),
                annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
                ..Default::default()
            }),
            spec: Some(self.pod_spec(env, w, &sel)),
        };
        let label_selector = LabelSelector {
            match_labels: Some(sel.clone()),
            ..Default::default()
        };
        let mut out = Vec::new();
        let replicas = w.replicas.as_ref().map(|r| r.v).unwrap_or(1);
        match w.kind {
            WorkloadKind::Service | WorkloadKind::Worker => {
                let strategy = apps::DeploymentStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(apps::RollingUpdateDeployment {
                        max_surge: Some(
                            w.rollout
                                .as_ref()
                                .and_then(|r| r.max_surge.as_ref())
                                .map(|v| int_or(&v.v))
                                .unwrap_or(IntOrString::String("25%".into())),
                        ),
                        max_unavailable: Some(
                            w.rollout
                                .as_ref()
                                .and_then(|r| r.max_unavailable.as_ref())
                                .map(|v| int_or(&v.v))
                                .unwrap_or(IntOrString::Int(0)),
                        ),
                    }),
                };
                let mut deployment = to_value(&apps::Deployment {
                    metadata: meta.clone(),
                    spec: Some(apps::DeploymentSpec {
                        replicas: if w.autoscale.is_some() {
                            None
                        } else {
                            Some(replicas as i32)
                        },
                        revision_history_limit: Some(10),
                        selector: label_selector.clone(),
                        strategy: Some(strategy),
                        template,
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                if let Some(strategy) = progressive(env, w) {
                    // An Argo Rollout is a Deployment with another strategy.
                    deployment["apiVersion"] = json!("argoproj.io/v1alpha1");
                    deployment["kind"] = json!("Rollout");
                    deployment["spec"]["strategy"] = strategy;
                }
                out.push(deployment);
            }
            WorkloadKind::Stateful => {
                let claims: Vec<core::PersistentVolumeClaim> = w
                    .storage
                    .iter()
                    .map(|s| core::PersistentVolumeClaim {
                        metadata: ObjectMeta {
                            name: Some(s.name.v.clone()),
                            ..Default::default()
                        },
                        spec: Some(core::PersistentVolumeClaimSpec {
                            access_modes: Some(vec!["ReadWriteOnce".into()]),
                            storage_class_name: s.class.as_ref().map(|c| c.v.clone()),
                            resources: Some(core::VolumeResourceRequirements {
                                requests: Some(BTreeMap::from([(
                                    "storage".to_string(),
                                    q(&s.size.v),
                                )])),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .collect();
                out.push(to_value(&apps::StatefulSet {
                    metadata: meta.clone(),
                    spec: Some(apps::StatefulSetSpec {
                        replicas: Some(replicas as i32),
                        revision_history_limit: Some(10),
                        selector: label_selector.clone(),
                        service_name: Some(w.name.v.clone()),
                        template,
                        volume_claim_templates: (!claims.is_empty()).then_some(claims),
                        ..Default::default()
                    }),
                    ..Default::default()
                }));
            }
            WorkloadKind::CronJob => {
                let tpl = with_restart(template, w, RestartPolicy::OnFailure);
                out.push(to_value(&batch::CronJob {
                    metadata: meta.clone(),
                    spec: Some(batch::CronJobSpec {
                        schedule: w.schedule.as_ref().map(|s| s.v.clone()).unwrap_or_default(),
                        time_zone: w.timezone.as_ref().map(|t| t.v.clone()),
                        concurrency_policy: Some(
                            w.concurrency
                                .as_ref()
                                .map_or(ConcurrencyPolicy::Forbid, |c| c.v)
                                .to_string(),
                        ),
                        successful_jobs_history_limit: Some(
                            w.history
                                .as_ref()
                                .and_then(|h| h.success.as_ref())
                                .map(|s| s.v as i32)
                                .unwrap_or(3),
                        ),
                        failed_jobs_history_limit: Some(
                            w.history
                                .as_ref()
                                .and_then(|h| h.failure.as_ref())
                                .map(|s| s.v as i32)
                                .unwrap_or(1),
                        ),
                        job_template: batch::JobTemplateSpec {
                            metadata: None,
                            spec: Some(batch::JobSpec {
                                backoff_limit: Some(
                                    w.retries.as_ref().map(|r| r.v as i32).unwrap_or(2),
                                ),
                                active_deadline_seconds: w.deadline.as_ref().map(|d| d.v),
                                template: tpl,
                                ..Default::default()
                            }),
                        },
                        ..Default::default()
                    }),
                    ..Default::default()
                }));
            }
            WorkloadKind::Job => {
                let tpl = with_restart(template, w, RestartPolicy::Never);
                let mut job = to_value(&batch::Job {
                    metadata: meta.clone(),
                    spec: Some(batch::JobSpec {
                        backoff_limit: Some(w.retries.as_ref().map(|r| r.v as i32).unwrap_or(2)),
                        active_deadline_seconds: w.deadline.as_ref().map(|d| d.v),
                        ttl_seconds_after_finished: Some(
                            w.ttl.as_ref().map(|t| t.v as i32).unwrap_or(JOB_TTL),
                        ),
                        template: tpl,
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                // A Job's pod template cannot be changed: a changed job is a new Job, named
                // after a hash of its spec (the old one goes when its TTL runs out).
                job["metadata"]["name"] = json!(job_name(&w.name.v, &job["spec"]));
                out.push(job);
            }
        }
        // Service.
        let wants_service = !w.ports.is_empty()
            && match w.kind {
                WorkloadKind::Service | WorkloadKind::Stateful => true,
                WorkloadKind::Worker => w.expose.is_some(),
                WorkloadKind::CronJob | WorkloadKind::Job => false,
            };
        if wants_service {
            let ports = w
                .ports
                .iter()
                .map(|p| core::ServicePort {
                    name: Some(p.name.v.clone()),
                    port: p.service_port.as_ref().map(|s| s.v).unwrap_or(p.number.v) as i32,
                    target_port: Some(IntOrString::String(p.name.v.clone())),
                    protocol: Some(
                        p.protocol
                            .as_ref()
                            .map_or(Protocol::Tcp, |x| x.v)
                            .to_string(),
                    ),
                    ..Default::default()
                })
                .collect();
            let headless = w.kind == WorkloadKind::Stateful;
            let service = core::Service {
                metadata: self.meta(env, &w.name.v, &labels),
                spec: Some(core::ServiceSpec {
                    type_: Some(if headless {
                        "ClusterIP".into()
                    } else {
                        w.expose
                            .as_ref()
                            .map_or(ServiceType::ClusterIp, |e| e.v)
                            .to_string()
                    }),
                    cluster_ip: headless.then(|| "None".to_string()),
                    selector: Some(sel.clone()),
                    ports: Some(ports),
                    ..Default::default()
                }),
                ..Default::default()
            };
            out.push(to_value(&service));
            // Prometheus Operator: scrape the Service's named port.
            if let Some(m) = &w.metrics {
                let mut endpoint = json!({"port": m.port.v});
                if let Some(p) = &m.path {
                    endpoint["path"] = json!(p.v);
                }
                if let Some(i) = &m.interval {
                    endpoint["interval"] = json!(i.v);
                }
                let o = json!({
                    "apiVersion": "monitoring.coreos.com/v1",
                    "kind": "ServiceMonitor",
                    "spec": {
                        "selector": {"matchLabels": sel},
                        "endpoints": [endpoint],
                    },
                });
                out.push(with_meta(o, &self.meta(env, &w.name.v, &labels)));
            }
            // The canary or preview Service Argo Rollouts points at the new version.
            if let Some(suffix) = second_service(w) {
                let mut extra = service.clone();
                extra.metadata.name = Some(format!("{}-{suffix}", w.name.v));
                if let Some(spec) = extra.spec.as_mut() {
                    spec.type_ = Some("ClusterIP".into());
                }
                out.push(to_value(&extra));
            }
        }
        // Scale target of the autoscalers: the Deployment, StatefulSet or Rollout.
        let target = json!({
            "apiVersion": if progressive(env, w).is_some() { "argoproj.io/v1alpha1" } else { "apps/v1" },
            "kind": match w.kind {
                WorkloadKind::Stateful => "StatefulSet",
                _ if progressive(env, w).is_some() => "Rollout",
                _ => "Deployment",
            },
            "name": w.name.v,
        });
        // Queue-length autoscaling: a KEDA ScaledObject, which makes its own HPA.
        if let Some(a) = &w.autoscale
            && !a.queues.is_empty()
            && w.kind != WorkloadKind::CronJob
        {
            let auth = a
                .queues
                .iter()
                .find_map(|q| Some((q.password_secret.as_ref()?, q.password_key.as_ref()?)));
            if let Some((secret, key)) = auth {
                let o = json!({
                    "apiVersion": "keda.sh/v1alpha1",
                    "kind": "TriggerAuthentication",
                    "spec": {"secretTargetRef": [
                        {"parameter": "password", "name": secret.v, "key": key.v}
                    ]},
                });
                out.push(with_meta(o, &self.meta(env, &w.name.v, &labels)));
            }
            let mut triggers: Vec<Value> = a
                .queues
                .iter()
                .map(|q| {
                    let mut t = json!({
                        "type": "redis",
                        "metadata": {
                            "address": q.address.v,
                            "listName": q.list.v,
                            "listLength": q.target.v.to_string(),
                        },
                    });
                    if q.password_secret.is_some() {
                        t["authenticationRef"] = json!({"name": w.name.v});
                    }
                    t
                })
                .collect();
            for (name, target) in [("cpu", &a.cpu), ("memory", &a.memory)] {
                if let Some(t) = target {
                    triggers.push(json!({
                        "type": name,
                        "metricType": "Utilization",
                        "metadata": {"value": t.v.to_string()},
                    }));
                }
            }
            let o = json!({
                "apiVersion": "keda.sh/v1alpha1",
                "kind": "ScaledObject",
                "spec": {
                    "scaleTargetRef": target.clone(),
                    "minReplicaCount": a.min.as_ref().map(|m| m.v).unwrap_or(1),
                    "maxReplicaCount": a.max.v,
                    "triggers": triggers,
                },
            });
            out.push(with_meta(o, &self.meta(env, &w.name.v, &labels)));
        }
        // Vertical autoscaling (recommendations unless a mode says otherwise).
        if let Some(v) = &w.vertical_autoscale
            && w.kind != WorkloadKind::CronJob
        {
            let o = json!({
                "apiVersion": "autoscaling.k8s.io/v1",
                "kind": "VerticalPodAutoscaler",
                "spec": {
                    "targetRef": target.clone(),
                    "updatePolicy": {
                        "updateMode": v.mode.as_ref().map_or(VpaMode::Off, |m| m.v).name(),
                    },
                },
            });
            out.push(with_meta(o, &self.meta(env, &w.name.v, &labels)));
        }
        // Autoscaling.
        if let Some(a) = &w.autoscale
            && a.queues.is_empty()
            && w.kind != WorkloadKind::CronJob
        {
            let mut metrics = Vec::new();
            for (name, target) in [("cpu", &a.cpu), ("memory", &a.memory)] {
                if let Some(t) = target {
                    metrics.push(hpa::MetricSpec {
                        type_: "Resource".into(),
                        resource: Some(hpa::ResourceMetricSource {
                            name: name.into(),
                            target: hpa::MetricTarget {
                                type_: "Utilization".into(),
                                average_utilization: Some(t.v as i32),
                                ..Default::default()
                            },
                        }),
                        ..Default::default()
                    });
                }
            }
            out.push(to_value(&hpa::HorizontalPodAutoscaler {
                metadata: self.meta(env, &w.name.v, &labels),
                spec: Some(hpa::HorizontalPodAutoscalerSpec {
                    scale_target_ref: hpa::CrossVersionObjectReference {
                        api_version: Some(
                            if progressive(env, w).is_some() {
                                "argoproj.io/v1alpha1"
                            } else {
                                "apps/v1"
                            }
                            .into(),
                        ),
                        kind: if w.kind == WorkloadKind::Stateful {
                            "StatefulSet".into()
                        } else if progressive(env, w).is_some() {
                            "Rollout".into()
                        } else {
                            "Deployment".into()
                        },
                        name: w.name.v.clone(),
                    },
                    min_replicas: Some(a.min.as_ref().map(|m| m.v).unwrap_or(1) as i32),
                    max_replicas: a.max.v as i32,
                    metrics: Some(metrics),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        // Disruption budget.
        let min_replicas = match &w.autoscale {
            Some(a) => a.min.as_ref().map(|m| m.v).unwrap_or(1),
            None => replicas,
        };
        let pdb = match &w.disruption {
            Some(d) => Some((
                d.min_available.as_ref().map(|v| int_or(&v.v)),
                d.max_unavailable.as_ref().map(|v| int_or(&v.v)),
            )),
            None if w.kind.is_long_running()
                && policy::generates_pdb(env.level)
                && min_replicas >= policy::MIN_REPLICAS =>
            {
                Some((None, Some(IntOrString::Int(1))))
            }
            None => None,
        };
        if let Some((min_available, max_unavailable)) = pdb
            && w.kind.is_long_running()
        {
            out.push(to_value(&pol::PodDisruptionBudget {
                metadata: self.meta(env, &w.name.v, &labels),
                spec: Some(pol::PodDisruptionBudgetSpec {
                    selector: Some(label_selector),
                    min_available,
                    max_unavailable,
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        out
    }

    fn pod_spec(&self, env: &Env, w: &Workload, sel: &BTreeMap<String, String>) -> core::PodSpec {
        let sec = w.security.as_ref();
        let non_root = sec
            .and_then(|s| s.non_root.as_ref())
            .map(|b| b.v)
            .unwrap_or(true);
        // A non-root pod runs as a high UID unless the spec names one, and in the primary group
        // of the same number unless it names one: never the image's user, nor group 0.
        let user = sec
            .and_then(|s| s.user.as_ref())
            .map(|u| u.v)
            .or(non_root.then_some(DEFAULT_USER));
        let group = sec.and_then(|s| s.group.as_ref()).map(|u| u.v).or(user);
        let pod_security = core::PodSecurityContext {
            run_as_non_root: non_root.then_some(true),
            run_as_user: user,
            run_as_group: group,
            fs_group: sec.and_then(|s| s.fs_group.as_ref()).map(|u| u.v),
            seccomp_profile: Some(core::SeccompProfile {
                type_: "RuntimeDefault".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let add: Vec<String> = sec
            .map(|s| s.add_capabilities.iter().map(|c| c.v.clone()).collect())
            .unwrap_or_default();
        let container_security = core::SecurityContext {
            allow_privilege_escalation: Some(
                sec.and_then(|s| s.privilege_escalation.as_ref())
                    .map(|b| b.v)
                    .unwrap_or(false),
            ),
            read_only_root_filesystem: Some(
                sec.and_then(|s| s.read_only_root.as_ref())
                    .map(|b| b.v)
                    .unwrap_or(true),
            ),
            run_as_non_root: Some(non_root),
            capabilities: Some(core::Capabilities {
                drop: Some(vec!["ALL".into()]),
                add: (!add.is_empty()).then_some(add),
            }),
            ..Default::default()
        };
        let (repo, tag, digest) = w
            .image
            .as_ref()
            .map(|i| image_ref(self.spec, i))
            .unwrap_or_default();
        let image = match (&tag, &digest) {
            (_, Some(d)) => format!("{repo}@{d}"),
            (Some(t), None) => format!("{repo}:{t}"),
            (None, None) => repo.clone(),
        };
        let tagged = tag.as_deref().is_some_and(|t| t != "latest");
        let pull = w.image.as_ref().and_then(|i| i.pull.as_ref()).map_or_else(
            || policy::default_pull(env.level, digest.is_some(), tagged),
            |p| p.v,
        );
        let mut env_vars = Vec::new();
        for e in &w.env {
            let (value, value_from) = match &e.source {
                EnvSource::Value(v) => (Some(v.v.clone()), None),
                EnvSource::Secret { name, key } => (
                    None,
                    Some(core::EnvVarSource {
                        secret_key_ref: Some(core::SecretKeySelector {
                            name: name.v.clone(),
                            key: key.v.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                ),
                EnvSource::Config { name, key } => (
                    None,
                    Some(core::EnvVarSource {
                        config_map_key_ref: Some(core::ConfigMapKeySelector {
                            name: name.v.clone(),
                            key: key.v.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                ),
                EnvSource::Field(f) => (
                    None,
                    Some(core::EnvVarSource {
                        field_ref: Some(core::ObjectFieldSelector {
                            field_path: f.v.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                ),
            };
            env_vars.push(core::EnvVar {
                name: e.name.v.clone(),
                value,
                value_from,
            });
        }
        let env_from: Vec<core::EnvFromSource> = w
            .env_from
            .iter()
            .map(|f| {
                if env.configs.contains(f.v.as_str()) {
                    core::EnvFromSource {
                        config_map_ref: Some(core::ConfigMapEnvSource {
                            name: f.v.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }
                } else {
                    core::EnvFromSource {
                        secret_ref: Some(core::SecretEnvSource {
                            name: f.v.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }
                }
            })
            .collect();
        let resources = w.resources.as_ref().map(|r| {
            let set = |cm: &Option<CpuMem>| {
                cm.as_ref().map(|cm| {
                    let mut m = BTreeMap::new();
                    if let Some(c) = &cm.cpu {
                        m.insert("cpu".to_string(), q(&c.v));
                    }
                    if let Some(c) = &cm.memory {
                        m.insert("memory".to_string(), q(&c.v));
                    }
                    if let Some(c) = &cm.ephemeral {
                        m.insert("ephemeral-storage".to_string(), q(&c.v));
                    }
                    m
                })
            };
            core::ResourceRequirements {
                requests: set(&r.requests),
                limits: set(&r.limits),
                ..Default::default()
            }
        });
        let probe = |p: &Option<ast::Probe>| {
            p.as_ref().map(|p| {
                let mut out = core::Probe {
                    initial_delay_seconds: p.delay.as_ref().map(|v| v.v as i32),
                    period_seconds: p.period.as_ref().map(|v| v.v as i32),
                    timeout_seconds: p.timeout.as_ref().map(|v| v.v as i32),
                    failure_threshold: p.failures.as_ref().map(|v| v.v as i32),
                    ..Default::default()
                };
                match &p.action {
                    ProbeAction::Http { path, port } => {
                        out.http_get = Some(core::HTTPGetAction {
                            path: Some(path.v.clone()),
                            port: port_ref(w, &port.v),
                            ..Default::default()
                        })
                    }
                    ProbeAction::Tcp(port) => {
                        out.tcp_socket = Some(core::TCPSocketAction {
                            port: port_ref(w, &port.v),
                            ..Default::default()
                        })
                    }
                    ProbeAction::Grpc(port) => {
                        let number = match &port.v {
                            PortRef::Number(n) => *n as i32,
                            PortRef::Name(n) => w
                                .ports
                                .iter()
                                .find(|x| &x.name.v == n)
                                .map(|x| x.number.v as i32)
                                .unwrap_or_default(),
                        };
                        out.grpc = Some(core::GRPCAction {
                            port: number,
                            service: None,
                        })
                    }
                    ProbeAction::Exec(cmd) => {
                        out.exec = Some(core::ExecAction {
                            command: Some(cmd.v.clone()),
                        })
                    }
                }
                out
            })
        };
        let mut volumes = Vec::new();
        let mut mounts = Vec::new();
        for v in &w.volumes {
            let mut vol = core::Volume {
                name: v.name.v.clone(),
                ..Default::default()
            };
            match &v.source {
                VolumeSource::EmptyDir { size, memory } => {
                    vol.empty_dir = Some(core::EmptyDirVolumeSource {
                        medium: memory.then(|| "Memory".to_string()),
                        size_limit: size.as_ref().map(|s| q(&s.v)),
                    })
                }
                VolumeSource::Config(c) => {
                    vol.config_map = Some(core::ConfigMapVolumeSource {
                        name: c.v.clone(),
                        ..Default::default()
                    })
                }
                VolumeSource::Secret(s) => {
                    vol.secret = Some(core::SecretVolumeSource {
                        secret_name: Some(s.v.clone()),
                        ..Default::default()
                    })
                }
                VolumeSource::Claim(c) => {
                    vol.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                        claim_name: c.v.clone(),
                        read_only: None,
                    })
                }
            }
            volumes.push(vol);
            mounts.push(core::VolumeMount {
                name: v.name.v.clone(),
                mount_path: v.mount.v.clone(),
                read_only: v.read_only.as_ref().map(|b| b.v),
                sub_path: v.sub_path.as_ref().map(|s| s.v.clone()),
                ..Default::default()
            });
        }
        for s in &w.storage {
            mounts.push(core::VolumeMount {
                name: s.name.v.clone(),
                mount_path: s.mount.v.clone(),
                ..Default::default()
            });
        }
        let ports: Vec<core::ContainerPort> = w
            .ports
            .iter()
            .map(|p| core::ContainerPort {
                name: Some(p.name.v.clone()),
                container_port: p.number.v as i32,
                protocol: Some(
                    p.protocol
                        .as_ref()
                        .map_or(Protocol::Tcp, |x| x.v)
                        .to_string(),
                ),
                ..Default::default()
            })
            .collect();
        let container = core::Container {
            name: w.name.v.clone(),
            image: Some(image),
            image_pull_policy: Some(pull.to_string()),
            command: w.command.as_ref().map(|c| c.v.clone()),
            args: w.args.as_ref().map(|c| c.v.clone()),
            ports: (!ports.is_empty()).then_some(ports),
            env: (!env_vars.is_empty()).then_some(env_vars),
            env_from: (!env_from.is_empty()).then_some(env_from),
            resources,
            liveness_probe: probe(&w.liveness),
            readiness_probe: probe(&w.readiness),
            startup_probe: probe(&w.startup),
            security_context: Some(container_security),
            volume_mounts: (!mounts.is_empty()).then_some(mounts),
            ..Default::default()
        };
        let label_selector = LabelSelector {
            match_labels: Some(sel.clone()),
            ..Default::default()
        };
        let affinity = w.anti_affinity.as_ref().map(|a| {
            let term = core::PodAffinityTerm {
                label_selector: Some(label_selector.clone()),
                topology_key: "kubernetes.io/hostname".into(),
                ..Default::default()
            };
            let anti = if a.v == AntiAffinity::Required {
                core::PodAntiAffinity {
                    required_during_scheduling_ignored_during_execution: Some(vec![term]),
                    ..Default::default()
                }
            } else {
                core::PodAntiAffinity {
                    preferred_during_scheduling_ignored_during_execution: Some(vec![
                        core::WeightedPodAffinityTerm {
                            weight: 100,
                            pod_affinity_term: term,
                        },
                    ]),
                    ..Default::default()
                }
            };
            core::Affinity {
                pod_anti_affinity: Some(anti),
                ..Default::default()
            }
        });
        let spread = w.spread.as_ref().map(|s| {
            vec![core::TopologySpreadConstraint {
                max_skew: 1,
                topology_key: if s.v == Spread::Zone {
                    "topology.kubernetes.io/zone".into()
                } else {
                    "kubernetes.io/hostname".into()
                },
                when_unsatisfiable: "ScheduleAnyway".into(),
                label_selector: Some(label_selector.clone()),
                ..Default::default()
            }]
        });
        let node_selector = kv(&w.node_selector);
        let tolerations: Vec<core::Toleration> = w
            .tolerations
            .iter()
            .map(|t| core::Toleration {
                key: Some(t.key.v.clone()),
                operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.into()),
                value: t.value.as_ref().map(|v| v.v.clone()),
                effect: t.effect.as_ref().map(|e| e.v.to_string()),
                ..Default::default()
            })
            .collect();
        let _ = env;
        core::PodSpec {
            service_account_name: w.service_account.as_ref().map(|s| s.v.clone()),
            automount_service_account_token: w.service_account.is_none().then_some(false),
            enable_service_links: Some(false),
            security_context: Some(pod_security),
            containers: vec![container],
            volumes: (!volumes.is_empty()).then_some(volumes),
            affinity,
            topology_spread_constraints: spread,
            node_selector: (!node_selector.is_empty()).then_some(node_selector),
            tolerations: (!tolerations.is_empty()).then_some(tolerations),
            ..Default::default()
        }
    }
}

/// A custom resource (written with `json!`) with its metadata after apiVersion and kind.
fn with_meta(o: Value, meta: &ObjectMeta) -> Value {
    let Value::Object(fields) = o else { return o };
    let mut out = serde_json::Map::new();
    for k in ["apiVersion", "kind"] {
        if let Some(v) = fields.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    out.insert("metadata".into(), to_value(meta));
    for (k, v) in fields {
        if k != "apiVersion" && k != "kind" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// The second Service of a progressive rollout: `canary` or `preview`.
fn second_service(w: &Workload) -> Option<&'static str> {
    Some(match w.rollout.as_ref()?.strategy.as_ref()?.v {
        RolloutStrategy::Canary => "canary",
        RolloutStrategy::BlueGreen => "preview",
    })
}

/// The Argo Rollouts strategy of a workload with a canary or blue-green rollout.
fn progressive(env: &Env, w: &Workload) -> Option<Value> {
    let r = w.rollout.as_ref()?;
    let name = &w.name.v;
    match r.strategy.as_ref()?.v {
        RolloutStrategy::Canary => {
            let mut steps = Vec::new();
            for s in &r.steps {
                if let Some(weight) = &s.weight {
                    steps.push(json!({"setWeight": weight.v}));
                }
                if let Some(a) = &s.analysis {
                    steps.push(json!({"analysis": {"templates": [{"templateName": a.v}]}}));
                }
                match s.pause.as_ref().map(|p| p.v.as_str()) {
                    Some("manual") => steps.push(json!({"pause": {}})),
                    Some(d) => steps.push(json!({"pause": {"duration": d}})),
                    None => {}
                }
            }
            let mut canary = serde_json::Map::new();
            canary.insert("canaryService".into(), json!(format!("{name}-canary")));
            canary.insert("stableService".into(), json!(name));
            if let Some(v) = r.max_surge.as_ref() {
                canary.insert(
                    "maxSurge".into(),
                    serde_json::to_value(int_or(&v.v)).expect("serializes"),
                );
            }
            if let Some(v) = r.max_unavailable.as_ref() {
                canary.insert(
                    "maxUnavailable".into(),
                    serde_json::to_value(int_or(&v.v)).expect("serializes"),
                );
            }
            canary.insert("steps".into(), Value::Array(steps));
            // With an NGINX ingress in front, weights are exact traffic percentages.
            let nginx = env.items.ingresses.iter().find(|i| {
                i.routes.iter().any(|r| &r.service.v == name)
                    && i.class.as_ref().is_none_or(|c| c.v.contains("nginx"))
            });
            if let Some(i) = nginx {
                canary.insert(
                    "trafficRouting".into(),
                    json!({"nginx": {"stableIngress": i.name.v}}),
                );
            }
            Some(json!({"canary": canary}))
        }
        RolloutStrategy::BlueGreen => {
            let mut bg = serde_json::Map::new();
            bg.insert("activeService".into(), json!(name));
            bg.insert("previewService".into(), json!(format!("{name}-preview")));
            bg.insert(
                "autoPromotionEnabled".into(),
                json!(r.auto_promote.as_ref().is_some_and(|a| a.v)),
            );
            bg.insert(
                "scaleDownDelaySeconds".into(),
                json!(r.scale_down_delay.as_ref().map(|d| d.v).unwrap_or(30)),
            );
            Some(json!({"blueGreen": bg}))
        }
    }
}

fn secret(env: &Env, s: &ast::Secret) -> Option<Value> {
    let mut labels = env.app_labels.clone();
    labels.insert("app.kubernetes.io/name".into(), s.name.v.clone());
    match s.source.v {
        SecretSource::Existing => None,
        SecretSource::Sealed => {
            let data: serde_json::Map<String, Value> = s
                .keys
                .iter()
                .map(|k| {
                    (
                        k.name.v.clone(),
                        Value::String(
                            k.encrypted
                                .as_ref()
                                .map(|e| e.v.clone())
                                .unwrap_or_default(),
                        ),
                    )
                })
                .collect();
            Some(json!({
                "apiVersion": "bitnami.com/v1alpha1",
                "kind": "SealedSecret",
                "metadata": {"name": s.name.v, "namespace": env.namespace, "labels": labels},
                "spec": {
                    "encryptedData": data,
                    "template": {"metadata": {"name": s.name.v, "namespace": env.namespace, "labels": labels}},
                },
            }))
        }
        SecretSource::External => {
            let data: Vec<Value> = s
                .keys
                .iter()
                .map(|k| {
                    let mut remote = serde_json::Map::new();
                    remote.insert(
                        "key".into(),
                        Value::String(k.remote.as_ref().map(|r| r.v.clone()).unwrap_or_default()),
                    );
                    if let Some(p) = &k.property {
                        remote.insert("property".into(), Value::String(p.v.clone()));
                    }
                    json!({"secretKey": k.name.v, "remoteRef": remote})
                })
                .collect();
            Some(json!({
                "apiVersion": "external-secrets.io/v1",
                "kind": "ExternalSecret",
                "metadata": {"name": s.name.v, "namespace": env.namespace, "labels": labels},
                "spec": {
                    "refreshInterval": s.refresh.as_ref().map(|r| r.v.clone()).unwrap_or_else(|| "1h".into()),
                    "secretStoreRef": {
                        "name": s.store.as_ref().map(|r| r.v.clone()).unwrap_or_default(),
                        "kind": s.store_kind.as_ref().map_or(StoreKind::ClusterSecretStore, |r| r.v).to_string(),
                    },
                    "target": {"name": s.name.v, "creationPolicy": "Owner"},
                    "data": data,
                },
            }))
        }
    }
}

fn ingress(env: &Env, i: &ast::Ingress) -> Value {
    let mut labels = env.app_labels.clone();
    labels.insert("app.kubernetes.io/name".into(), i.name.v.clone());
    let mut annotations = kv(&i.annotations);
    if let Some(t) = &i.tls
        && let Some(issuer) = &t.issuer
    {
        let key = match t
            .issuer_kind
            .as_ref()
            .map_or(IssuerKind::ClusterIssuer, |k| k.v)
        {
            IssuerKind::Issuer => "cert-manager.io/issuer",
            IssuerKind::ClusterIssuer => "cert-manager.io/cluster-issuer",
        };
        annotations.insert(key.into(), issuer.v.clone());
    }
    annotations.extend(waiver_annotations(&i.waivers));
    let mut rules: Vec<net::IngressRule> = Vec::new();
    let mut rule_of_host: HashMap<&str, usize> = HashMap::new();
    let mut hosts: Vec<String> = Vec::new();
    for r in &i.routes {
        let port_name = env
            .workloads
            .get(r.service.v.as_str())
            .and_then(|w| match &r.port {
                Some(p) => w.ports.iter().find(|x| match &p.v {
                    PortRef::Name(n) => &x.name.v == n,
                    PortRef::Number(n) => {
                        x.number.v == *n || x.service_port.as_ref().is_some_and(|s| s.v == *n)
                    }
                }),
                None => w.ports.first(),
            });
        let path = net::HTTPIngressPath {
            path: Some(
                r.path
                    .as_ref()
                    .map(|p| p.v.clone())
                    .unwrap_or_else(|| "/".into()),
            ),
            path_type: r
                .path_type
                .as_ref()
                .map_or(PathType::Prefix, |p| p.v)
                .to_string(),
            backend: net::IngressBackend {
                service: Some(net::IngressServiceBackend {
                    name: r.service.v.clone(),
                    port: Some(net::ServiceBackendPort {
                        name: port_name.map(|p| p.name.v.clone()),
                        number: None,
                    }),
                }),
                ..Default::default()
            },
        };
        match rule_of_host.get(r.host.v.as_str()) {
            Some(&i) => rules[i]
                .http
                .get_or_insert_with(Default::default)
                .paths
                .push(path),
            None => {
                rule_of_host.insert(r.host.v.as_str(), rules.len());
                hosts.push(r.host.v.clone());
                rules.push(net::IngressRule {
                    host: Some(r.host.v.clone()),
                    http: Some(net::HTTPIngressRuleValue { paths: vec![path] }),
                })
            }
        }
    }
    let tls = i.tls.as_ref().map(|t| {
        vec![net::IngressTLS {
            hosts: Some(hosts.clone()),
            secret_name: Some(
                t.secret
                    .as_ref()
                    .map(|s| s.v.clone())
                    .unwrap_or_else(|| format!("{}-tls", i.name.v)),
            ),
        }]
    });
    to_value(&net::Ingress {
        metadata: ObjectMeta {
            name: Some(i.name.v.clone()),
            namespace: Some(env.namespace.to_string()),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(net::IngressSpec {
            ingress_class_name: i.class.as_ref().map(|c| c.v.clone()),
            rules: Some(rules),
            tls,
            ..Default::default()
        }),
        ..Default::default()
    })
}
