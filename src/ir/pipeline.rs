//! The delivery pipeline, resolved: what each CI emitter needs, computed once.
//!
//! Takes the spec's `pipeline` and the lowered environments, gives a [`PipelineIr`]: images to
//! build with their full repositories, and per deploy the overlay and chart paths, values file,
//! namespace, the workloads whose rollout to wait for (with their deployed names), the Helm
//! value keys of the built images, and the CI secrets everything needs.

use super::EnvIr;
use crate::syntax::ast::{
    BuildImage, Deploy, EnvSource, RolloutStrategy, S, Spec, Workload, WorkloadKind,
};
/// The vocabulary's own enums, as the emitters see them.
pub use crate::syntax::ast::{
    DeployMethod as Method, Install, JobWhen as When, Language, Platform, Trigger,
};
pub use jobs::{JobIr, Phase};
use std::collections::HashMap;

mod jobs;

#[derive(Debug, Clone)]
pub struct PipelineIr {
    pub app: String,
    pub platforms: Vec<Platform>,
    pub branches: Vec<crate::git_ref::RefPattern>,
    /// The spec, relative to the repository root (where CI runs; see [`PipelineIr::place`]).
    pub spec_file: String,
    /// The output folder from the repository root: empty, or a path ending in `/`.
    pub out: String,
    /// The `pipeline` node, for diagnostics about where it is built.
    pub span: crate::diagnostic::Span,
    pub registry: String,
    /// The tests and the user's jobs, tests first, each in the spec's order.
    pub jobs: Vec<JobIr>,
    pub images: Vec<ImageBuild>,
    pub scan: Option<(String, bool)>,
    pub deploys: Vec<DeployIr>,
    pub slack: Option<String>,
    pub drift: bool,
    /// The drift job checks every app of the repository (`stowage check --all`).
    pub drift_every_app: bool,
    pub diff_comment: bool,
    pub kubernetes: String,
    /// Where the jobs that run stowage get it.
    pub install: Install,
}

#[derive(Debug, Clone)]
pub enum EnvValue {
    Literal(String),
    Secret(String),
}

#[derive(Debug, Clone)]
pub struct ServiceIr {
    pub name: String,
    pub image: String,
    pub port: Option<i64>,
    pub health: Option<String>,
    pub env: Vec<(String, EnvValue)>,
}

#[derive(Debug, Clone)]
pub struct ImageBuild {
    /// The image name as in the spec (`video-ingest-api`): the matrix entry's name.
    pub name: String,
    /// Full repository (`ghcr.io/acme/video-ingest-api`).
    pub repository: String,
    pub context: String,
    pub dockerfile: String,
    pub target: Option<String>,
    /// Helm value keys (`api.image.tag`) of the workloads running this image.
    pub helm_tag_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DeployIr {
    pub env: String,
    /// The app's name (the `app.kubernetes.io/instance` label).
    pub app: String,
    pub triggers: Vec<Trigger>,
    pub after: Option<String>,
    pub approval: bool,
    pub method: Method,
    pub credentials: String,
    pub timeout: String,
    pub smoke: Option<String>,
    pub before: Option<String>,
    pub rollback: bool,
    pub url: Option<String>,
    pub release: bool,
    pub namespace: String,
    pub overlay: String,
    /// The kustomize tree's parts, applied in this order (empty when it is written whole).
    pub parts: Vec<String>,
    pub chart: String,
    pub values_file: String,
    /// What to wait for, promote or roll back after applying.
    pub rollouts: Vec<RolloutTarget>,
    /// Jobs run at each deploy: (workload name, deployed Job name with prefix and hash).
    pub jobs: Vec<(String, String)>,
    /// For an environment Argo CD or Flux deliver: the branch the deploy publishes the
    /// release to (the tool applies it; the job does not touch the cluster).
    pub publish: Option<String>,
}

/// A workload whose rollout the deploy job follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutTarget {
    /// Deployed name (prefix applied).
    pub name: String,
    pub kind: RolloutKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutKind {
    Deployment,
    StatefulSet,
    /// An Argo Rollout with canary steps: the job waits for the steps to finish.
    Canary,
    /// An Argo Rollout with a preview: the job tests the preview and promotes it.
    BlueGreen,
}

impl RolloutTarget {
    /// `deployment/api` as kubectl names it (not for Argo Rollouts).
    pub fn kubectl_ref(&self) -> String {
        match self.kind {
            RolloutKind::StatefulSet => format!("statefulset/{}", self.name),
            _ => format!("deployment/{}", self.name),
        }
    }
    pub fn is_argo(&self) -> bool {
        matches!(self.kind, RolloutKind::Canary | RolloutKind::BlueGreen)
    }
}

/// A secret the pipeline needs, and what for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CiSecret {
    pub name: String,
    pub purpose: String,
}

impl DeployIr {
    /// Whether the job needs the Argo Rollouts kubectl plugin.
    pub fn uses_argo(&self) -> bool {
        self.rollouts.iter().any(RolloutTarget::is_argo)
    }

    /// The deploy timeout in seconds (`10m` is 600).
    pub fn timeout_seconds(&self) -> u64 {
        crate::duration::seconds(&self.timeout).unwrap_or(600)
    }

    /// Commands that go back to the previous release: each rollout undone (kustomize), or the
    /// Helm release rolled back.
    pub fn rollback_commands(&self) -> Vec<String> {
        match self.method {
            Method::Kustomize => self.undo_commands(),
            Method::Helm => vec![format!(
                "helm rollback {} --namespace {} --wait",
                self.app, self.namespace
            )],
        }
    }

    /// Commands that wait until the new version runs (blue-green: until its preview is up).
    pub fn wait_commands(&self) -> Vec<String> {
        let ns = &self.namespace;
        self.rollouts
            .iter()
            .map(|r| {
                if r.kind == RolloutKind::BlueGreen {
                    // `status` would wait for `Healthy`, which a preview waiting for promotion
                    // never is: poll until it is paused (or healthy, on a first release).
                    let secs = self.timeout_seconds();
                    format!(
                        "waited=0; until s=$(kubectl argo rollouts status {name} --namespace {ns} --watch=false 2>&1); echo \"$s\"; case \"$s\" in Paused*|Healthy*) true;; Degraded*) exit 1;; *) false;; esac; do waited=$((waited + 5)); if [ \"$waited\" -ge {secs} ]; then echo \"{name}: preview not ready within {t}\"; exit 1; fi; sleep 5; done",
                        name = r.name,
                        t = self.timeout
                    )
                } else if r.is_argo() {
                    format!(
                        "kubectl argo rollouts status {} --namespace {ns} --timeout {}",
                        r.name, self.timeout
                    )
                } else {
                    format!(
                        "kubectl --namespace {ns} rollout status {} --timeout={}",
                        r.kubectl_ref(),
                        self.timeout
                    )
                }
            })
            .collect()
    }

    /// Commands run before a kustomize apply: delete the previous runs of every job, so that
    /// each deploy runs it again, with the images the deploy sets (a Job cannot be changed).
    pub fn job_cleanup_commands(&self) -> Vec<String> {
        let ns = &self.namespace;
        self.jobs
            .iter()
            .map(|(workload, _)| {
                format!(
                    "kubectl --namespace {ns} delete job --selector app.kubernetes.io/instance={app},app.kubernetes.io/name={workload} --ignore-not-found --wait=true",
                    app = self.app
                )
            })
            .collect()
    }

    /// Commands that wait until every job has completed, and fail (with its logs) as soon as
    /// one has failed. Helm deploys need none: the jobs are hooks `helm upgrade` waits for.
    pub fn job_wait_commands(&self) -> Vec<String> {
        if self.method == Method::Helm {
            return Vec::new();
        }
        let ns = &self.namespace;
        let secs = self.timeout_seconds();
        self.jobs
            .iter()
            .map(|(_, job)| {
                format!(
                    "waited=0; until s=$(kubectl --namespace {ns} get job {job} -o jsonpath='{{.status.conditions[?(@.status==\"True\")].type}}'); case \" $s \" in *\" Complete \"*) true;; *\" Failed \"*) kubectl --namespace {ns} logs job/{job} --all-containers --tail=100 || true; echo \"job {job} failed\"; exit 1;; *) false;; esac; do waited=$((waited + 5)); if [ \"$waited\" -ge {secs} ]; then echo \"job {job}: not complete within {t}\"; exit 1; fi; sleep 5; done",
                    t = self.timeout
                )
            })
            .collect()
    }

    /// Commands that switch traffic to tested blue-green previews.
    pub fn promote_commands(&self) -> Vec<String> {
        let ns = &self.namespace;
        self.rollouts
            .iter()
            .filter(|r| r.kind == RolloutKind::BlueGreen)
            .flat_map(|r| {
                [
                    format!("kubectl argo rollouts promote {} --namespace {ns}", r.name),
                    format!(
                        "kubectl argo rollouts status {} --namespace {ns} --timeout {}",
                        r.name, self.timeout
                    ),
                ]
            })
            .collect()
    }

    /// Commands that go back to the previous version (kustomize deploys; Helm rolls back the
    /// release instead).
    pub fn undo_commands(&self) -> Vec<String> {
        let ns = &self.namespace;
        self.rollouts
            .iter()
            .flat_map(|r| {
                if r.is_argo() {
                    vec![
                        format!("kubectl argo rollouts abort {} --namespace {ns}", r.name),
                        format!("kubectl argo rollouts undo {} --namespace {ns}", r.name),
                    ]
                } else {
                    vec![format!(
                        "kubectl --namespace {ns} rollout undo {}",
                        r.kubectl_ref()
                    )]
                }
            })
            .collect()
    }
}

/// The Argo Rollouts kubectl plugin release the deploy jobs install.
pub const ARGO_ROLLOUTS_VERSION: &str = "v1.8.3";

impl PipelineIr {
    /// The output folder as a path from the repository root (`.` for the root itself).
    pub fn out_dir(&self) -> &str {
        match self.out.trim_end_matches('/') {
            "" => ".",
            o => o,
        }
    }

    /// Every secret or variable the CI systems must have, by platform.
    pub fn secrets(&self, platform: Platform) -> Vec<CiSecret> {
        let mut out: Vec<CiSecret> = Vec::new();
        let mut add = |name: &str, purpose: String| {
            if !out.iter().any(|s| s.name == name) {
                out.push(CiSecret {
                    name: name.to_string(),
                    purpose,
                });
            }
        };
        for d in &self.deploys {
            if d.publish.is_none() {
                add(
                    &d.credentials,
                    format!("base64-encoded kubeconfig of the `{}` cluster", d.env),
                );
            } else if platform == Platform::Gitlab {
                add(
                    "STOWAGE_PUSH_TOKEN",
                    "project access token (developer, write_repository) that publishes releases to the branches Argo CD or Flux follow".into(),
                );
            }
        }
        if !self.images.is_empty() {
            match (platform, self.registry_host()) {
                (Platform::Github, "ghcr.io") => {}
                (Platform::Gitlab, "registry.gitlab.com") => {}
                _ => {
                    add(
                        "REGISTRY_USERNAME",
                        format!("user that pushes images to {}", self.registry_host()),
                    );
                    add(
                        "REGISTRY_PASSWORD",
                        format!(
                            "password or token of REGISTRY_USERNAME on {}",
                            self.registry_host()
                        ),
                    );
                }
            }
        }
        if self.diff_comment && platform == Platform::Gitlab {
            add(
                "STOWAGE_DIFF_TOKEN",
                "project access token (reporter, api scope) that posts the deployment diff on merge requests (optional: unset keeps it in the job's artifacts)".into(),
            );
        }
        if let Some(s) = &self.slack {
            add(
                s,
                "Slack incoming-webhook URL for deploy notifications (optional: unset skips them)"
                    .into(),
            );
        }
        for j in &self.jobs {
            for (_, v) in j
                .env
                .iter()
                .chain(j.services.iter().flat_map(|s| s.env.iter()))
            {
                if let EnvValue::Secret(s) = v {
                    add(s, format!("used by the job `{}`", j.id));
                }
            }
        }
        out
    }

    pub fn registry_host(&self) -> &str {
        self.registry.split('/').next().unwrap_or_default()
    }
}

pub(super) fn env_values(env: &[crate::syntax::ast::EnvVar]) -> Vec<(String, EnvValue)> {
    env.iter()
        .filter_map(|e| match &e.source {
            EnvSource::Value(v) => Some((e.name.v.clone(), EnvValue::Literal(v.v.clone()))),
            EnvSource::Secret { name, .. } => {
                Some((e.name.v.clone(), EnvValue::Secret(name.v.clone())))
            }
            _ => None,
        })
        .collect()
}

pub(super) fn lower(
    spec: &Spec,
    spec_file: &str,
    kubernetes: &str,
    environments: &[EnvIr],
    parts: &super::parts::Parts,
) -> Option<PipelineIr> {
    let p = spec.pipeline.as_ref()?;
    let app = spec.app.name.v.clone();
    let registry = spec
        .app
        .registry
        .as_ref()
        .map_or_else(|| format!("ghcr.io/{app}"), |r| r.v.clone());
    // Deployed workloads by the image they run.
    let mut by_image: HashMap<&str, Vec<&Workload>> = HashMap::new();
    for w in spec.deployed_workloads() {
        if let Some(i) = &w.image {
            by_image.entry(i.name.as_str()).or_default().push(w);
        }
    }
    let images: Vec<ImageBuild> = p
        .build
        .iter()
        .flat_map(|b| b.images.iter())
        .map(|b| {
            let workloads = by_image.get(b.name.as_str()).map_or(&[][..], Vec::as_slice);
            image_build(spec, workloads, &registry, b)
        })
        .collect();
    let built: Vec<&str> = images.iter().map(|i| i.name.as_str()).collect();
    let deploys: Vec<DeployIr> = p
        .deploys
        .iter()
        .filter_map(|d| deploy(spec, environments, &built, d, parts))
        .collect();
    let jobs = jobs::lower(p, &deploys);
    let mut platforms: Vec<Platform> = p.platforms.iter().map(|s| s.v).collect();
    if platforms.is_empty() {
        platforms.push(Platform::Github);
    }
    Some(PipelineIr {
        app,
        platforms,
        branches: if p.branches.is_empty() {
            vec![crate::git_ref::RefPattern::parse("main").expect("a valid name")]
        } else {
            p.branches.iter().map(|b| b.v.clone()).collect()
        },
        spec_file: spec_file.to_string(),
        out: String::new(),
        span: p.span,
        registry,
        jobs,
        images,
        scan: p.build.as_ref().and_then(|b| b.scan.as_ref()).map(|s| {
            (
                s.severity
                    .as_ref()
                    .map_or_else(|| "HIGH,CRITICAL".into(), |x| x.v.clone()),
                s.fail.as_ref().is_none_or(|f| f.v),
            )
        }),
        deploys,
        slack: p.slack.as_ref().map(|s| s.v.clone()),
        drift: p.drift.as_ref().is_none_or(|d| d.v),
        drift_every_app: p.drift_every_app.as_ref().is_some_and(|d| d.v),
        diff_comment: p.diff_comment.as_ref().is_some_and(|d| d.v),
        kubernetes: kubernetes.to_string(),
        install: p.install.as_ref().map_or_else(
            || Install::Crate {
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            |i| i.v.clone(),
        ),
    })
}

impl PipelineIr {
    /// Place the pipeline in its repository: the spec's path and the output folder's, both from
    /// the repository root, where every CI job starts.
    pub fn place(&mut self, spec_file: &str, out: &str) {
        self.spec_file = spec_file.to_string();
        self.out = match out.trim_end_matches('/') {
            "" | "." => String::new(),
            o => format!("{o}/"),
        };
        for d in &mut self.deploys {
            d.overlay = format!("{}{}", self.out, d.overlay);
            d.chart = format!("{}{}", self.out, d.chart);
            d.values_file = format!("{}{}", self.out, d.values_file);
        }
    }
}

/// How one image is built, where it is pushed, and the Helm values that take its tag.
/// `workloads`: those deployed with the image, in the spec's order.
fn image_build(spec: &Spec, workloads: &[&Workload], registry: &str, b: &BuildImage) -> ImageBuild {
    let repository = workloads
        .first()
        .and_then(|w| w.image.as_ref())
        .map_or_else(
            || format!("{registry}/{}", b.name.v),
            |i| super::lower::image_ref(spec, i).0,
        );
    let or = |v: &Option<S<String>>, default: &str| {
        v.as_ref()
            .map_or_else(|| default.to_string(), |c| c.v.clone())
    };
    ImageBuild {
        name: b.name.v.clone(),
        repository,
        context: or(&b.context, "."),
        dockerfile: or(&b.dockerfile, "Dockerfile"),
        target: b.target.as_ref().map(|c| c.v.clone()),
        helm_tag_keys: workloads
            .iter()
            .map(|w| format!("{}.image.tag", crate::layout::values_key(&w.name.v)))
            .collect(),
    }
}

/// A deploy of one environment: what it applies, and the rollouts and jobs it waits for.
fn deploy(
    spec: &Spec,
    environments: &[EnvIr],
    built: &[&str],
    d: &Deploy,
    parts: &super::parts::Parts,
) -> Option<DeployIr> {
    let env = environments.iter().find(|e| e.name == d.env.v)?;
    let environment = spec.environments.iter().find(|e| e.name.v == d.env.v)?;
    let items = &environment.items;
    let rollouts = items
        .workloads
        .iter()
        .filter(|w| w.kind.is_long_running())
        .filter(|w| {
            built.is_empty()
                || w.image
                    .as_ref()
                    .is_some_and(|i| built.contains(&i.name.as_str()))
        })
        .map(|w| RolloutTarget {
            name: format!("{}{}", env.prefix, w.name.v),
            kind: rollout_kind(w),
        })
        .collect();
    let jobs = env
        .objects
        .iter()
        .filter(|o| o.kind() == "Job")
        .map(|o| (o.group.clone(), format!("{}{}", env.prefix, o.name())))
        .collect();
    let app = &spec.app.name.v;
    let layout = crate::layout::HELM_ROOT;
    Some(DeployIr {
        env: d.env.v.clone(),
        app: app.clone(),
        triggers: d.on.iter().map(|t| t.v.clone()).collect(),
        after: d.after.as_ref().map(|a| a.v.clone()),
        approval: d.approval.as_ref().is_some_and(|a| a.v),
        method: d.method.as_ref().map_or(Method::Kustomize, |m| m.v),
        credentials: d
            .credentials
            .as_ref()
            .map(|c| c.v.clone())
            .unwrap_or_default(),
        timeout: d
            .timeout
            .as_ref()
            .map_or_else(|| "10m".into(), |t| t.v.clone()),
        smoke: d.smoke.as_ref().map(|s| s.v.clone()),
        before: d.before.as_ref().map(|s| s.v.clone()),
        rollback: d.rollback.as_ref().is_none_or(|r| r.v),
        url: d.url.as_ref().map(|u| u.v.clone()),
        release: d.release.as_ref().is_some_and(|r| r.v),
        namespace: env.namespace.clone(),
        overlay: format!("{}/overlays/{}", crate::layout::KUSTOMIZE_ROOT, env.name),
        parts: parts.names.clone(),
        chart: format!("{layout}/{app}"),
        values_file: format!("{layout}/{app}/values-{}.yaml", env.name),
        rollouts,
        jobs,
        publish: environment
            .gitops
            .as_ref()
            .map(|_| super::gitops::release_branch(&env.name)),
    })
}

/// What a deploy waits for to see a workload rolled out.
fn rollout_kind(w: &Workload) -> RolloutKind {
    let strategy = w
        .rollout
        .as_ref()
        .and_then(|r| r.strategy.as_ref())
        .map(|s| s.v);
    match (w.kind, strategy) {
        (WorkloadKind::Stateful, _) => RolloutKind::StatefulSet,
        (_, Some(RolloutStrategy::Canary)) => RolloutKind::Canary,
        (_, Some(RolloutStrategy::BlueGreen)) => RolloutKind::BlueGreen,
        _ => RolloutKind::Deployment,
    }
}
