//! A workload becomes its controller (Deployment, Rollout, StatefulSet, CronJob or Job), its
//! Services and its scaling objects; this file makes the controller and runs the rest.

use super::progressive::progressive;
use super::{Cx, JOB_TTL, kv, q, to_value, waiver_annotations};
use crate::ir::kinds;
use crate::ir::scope::{Env, selector, selector_of};
use crate::syntax::ast::*;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What the objects of one workload share.
pub(super) struct Parts<'w> {
    pub w: &'w Workload,
    /// The labels that select its pods.
    pub sel: BTreeMap<String, String>,
    /// The selector and the workload's own labels.
    pub labels: BTreeMap<String, String>,
    /// `replicas`, or 1.
    pub replicas: i64,
    /// The Argo Rollouts strategy, when the rollout is progressive.
    pub progressive: Option<Value>,
}

impl Parts<'_> {
    pub fn label_selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(self.sel.clone()),
            ..Default::default()
        }
    }
}

impl Cx<'_> {
    /// Every object of a workload, the controller first.
    pub(super) fn workload(&self, env: &Env, w: &Workload) -> Vec<Value> {
        let sel = selector_of(env.app, w);
        let mut labels = selector(env.app, &w.name.v);
        labels.extend(sel.clone());
        labels.extend(kv(&w.labels));
        let p = Parts {
            w,
            sel,
            labels,
            replicas: w.replicas.as_ref().map_or(1, |r| r.v),
            progressive: progressive(env, w),
        };
        let mut out = vec![self.controller(env, &p)];
        out.extend(self.services(env, &p));
        out.extend(self.autoscalers(env, &p));
        out.extend(self.disruption_budget(env, &p));
        out.extend(self.alert_rules(env, &p));
        out
    }

    /// The object that runs the pods.
    fn controller(&self, env: &Env, p: &Parts) -> Value {
        let w = p.w;
        let mut meta = self.meta(env, &w.name.v, &p.labels);
        // The workload's own waivers, then the environment's and the app's it does not override.
        let waivers = waiver_annotations(w.waivers.iter().chain(env.waivers_for(false)));
        if !waivers.is_empty() {
            meta.annotations = Some(waivers);
        }
        let template = self.template(env, p);
        match w.kind {
            WorkloadKind::Service | WorkloadKind::Worker => deployment(p, meta, template),
            WorkloadKind::Stateful => stateful_set(p, meta, template),
            WorkloadKind::CronJob => cron_job(w, meta, template),
            WorkloadKind::Job => job(w, meta, template),
        }
    }

    /// The pod template: the environment's and the workload's labels, its annotations.
    fn template(&self, env: &Env, p: &Parts) -> core::PodTemplateSpec {
        let mut pod_labels = env.app_labels.clone();
        pod_labels.extend(p.labels.clone());
        let pod_annotations = kv(&p.w.annotations);
        core::PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(pod_labels),
                annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
                ..Default::default()
            }),
            spec: Some(self.pod_spec(env, p.w, &p.sel)),
        }
    }
}

/// A Deployment, or an Argo Rollout (a Deployment with another strategy).
fn deployment(p: &Parts, metadata: ObjectMeta, template: core::PodTemplateSpec) -> Value {
    let w = p.w;
    let pace = |v: Option<&S<IntOrPercent>>, default: IntOrString| {
        Some(v.map_or(default, |v| super::int_or(&v.v)))
    };
    let rollout = w.rollout.as_ref();
    let strategy = apps::DeploymentStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(apps::RollingUpdateDeployment {
            max_surge: pace(
                rollout.and_then(|r| r.max_surge.as_ref()),
                IntOrString::String("25%".into()),
            ),
            max_unavailable: pace(
                rollout.and_then(|r| r.max_unavailable.as_ref()),
                IntOrString::Int(0),
            ),
        }),
    };
    let mut deployment = to_value(&apps::Deployment {
        metadata,
        spec: Some(apps::DeploymentSpec {
            replicas: w.autoscale.is_none().then_some(p.replicas as i32),
            revision_history_limit: Some(10),
            selector: p.label_selector(),
            strategy: Some(strategy),
            template,
            ..Default::default()
        }),
        ..Default::default()
    });
    if let Some(strategy) = &p.progressive {
        deployment["apiVersion"] = json!(kinds::ROLLOUT.api_version);
        deployment["kind"] = json!(kinds::ROLLOUT.kind);
        deployment["spec"]["strategy"] = strategy.clone();
    }
    deployment
}

/// A StatefulSet with a volume claim template per `storage`.
fn stateful_set(p: &Parts, metadata: ObjectMeta, template: core::PodTemplateSpec) -> Value {
    let claims: Vec<core::PersistentVolumeClaim> = p.w.storage.iter().map(claim).collect();
    to_value(&apps::StatefulSet {
        metadata,
        spec: Some(apps::StatefulSetSpec {
            replicas: Some(p.replicas as i32),
            revision_history_limit: Some(10),
            selector: p.label_selector(),
            service_name: Some(p.w.name.v.clone()),
            template,
            volume_claim_templates: (!claims.is_empty()).then_some(claims),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn claim(s: &Storage) -> core::PersistentVolumeClaim {
    core::PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(s.name.v.clone()),
            ..Default::default()
        },
        spec: Some(core::PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            storage_class_name: s.class.as_ref().map(|c| c.v.clone()),
            resources: Some(core::VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_string(), q(&s.size.v))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
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

/// The Job spec of a cronjob's runs or of a job: retries, deadline, pod template.
fn job_spec(w: &Workload, template: core::PodTemplateSpec) -> batch::JobSpec {
    batch::JobSpec {
        backoff_limit: Some(w.retries.as_ref().map_or(2, |r| r.v as i32)),
        active_deadline_seconds: w.deadline.as_ref().map(|d| d.v),
        template,
        ..Default::default()
    }
}

fn cron_job(w: &Workload, metadata: ObjectMeta, template: core::PodTemplateSpec) -> Value {
    let tpl = with_restart(template, w, RestartPolicy::OnFailure);
    let history = w.history.as_ref();
    let concurrency = w
        .concurrency
        .as_ref()
        .map_or(ConcurrencyPolicy::Forbid, |c| c.v);
    to_value(&batch::CronJob {
        metadata,
        spec: Some(batch::CronJobSpec {
            schedule: w.schedule.as_ref().map(|s| s.v.clone()).unwrap_or_default(),
            time_zone: w.timezone.as_ref().map(|t| t.v.clone()),
            concurrency_policy: Some(concurrency.to_string()),
            successful_jobs_history_limit: Some(
                history
                    .and_then(|h| h.success.as_ref())
                    .map_or(3, |s| s.v as i32),
            ),
            failed_jobs_history_limit: Some(
                history
                    .and_then(|h| h.failure.as_ref())
                    .map_or(1, |s| s.v as i32),
            ),
            job_template: batch::JobTemplateSpec {
                metadata: None,
                spec: Some(job_spec(w, tpl)),
            },
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn job(w: &Workload, metadata: ObjectMeta, template: core::PodTemplateSpec) -> Value {
    let tpl = with_restart(template, w, RestartPolicy::Never);
    let job = to_value(&batch::Job {
        metadata,
        spec: Some(batch::JobSpec {
            ttl_seconds_after_finished: Some(w.ttl.as_ref().map_or(JOB_TTL, |t| t.v as i32)),
            ..job_spec(w, tpl)
        }),
        ..Default::default()
    });
    // Named after a hash of its spec once patched (`name_jobs`).
    job
}
