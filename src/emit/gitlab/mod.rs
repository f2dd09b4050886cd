//! GitLab CI: `.gitlab-ci.yml`.
//!
//! Takes the IR's pipeline, gives the same pipeline as the GitHub workflow in GitLab's terms:
//! `stages`, `workflow:rules`, a drift job, tests with service containers (reached by alias),
//! a build job per image (`parallel:matrix`) pushing with a registry build cache, an optional
//! Trivy scan, and a deploy job per environment with `rules`, `environment`, `resource_group`,
//! `needs`, `when: manual` for approvals, rollback and Slack notification.
//!
//! By aspect: this module (the pipeline, its rules, build and scan), `test` and `deploy`
//! (their jobs).

mod deploy;
mod test;

use super::{FileSet, header, install, shell_word, yaml};
use crate::git_ref::RefPattern;
use crate::ir::Ir;
use crate::ir::pipeline::{Phase, PipelineIr, Platform, Trigger};
use serde_json::{Map, Value, json};

pub const PATH: &str = ".gitlab-ci.yml";

/// The id of an environment's deploy job.
fn job_id(env: &str) -> String {
    format!("deploy-{env}")
}

/// `.gitlab-ci.yml`, when the pipeline targets GitLab.
pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    let Some(p) = &ir.pipeline else { return files };
    if !p.platforms.contains(&Platform::Gitlab) {
        return files;
    }
    let head = header(&ir.spec_file);
    files.insert(PATH.to_string(), yaml::documents(&head, &[pipeline(p)]));
    files
}

/// The whole `.gitlab-ci.yml`: stages, workflow rules, variables and every job. Builds and
/// deploys wait for the gate (drift and test).
fn pipeline(p: &PipelineIr) -> Value {
    let mut root = Map::new();
    root.insert("stages".into(), json!(stages(p)));
    root.insert("workflow".into(), json!({"rules": workflow_rules(p)}));
    if let Some(vars) = variables(p) {
        root.insert("variables".into(), Value::Object(vars));
    }
    let mut gate = Vec::new();
    if p.drift {
        root.insert("drift".into(), drift_job(p));
        gate.push("drift".to_string());
    }
    if p.diff_comment {
        root.insert("diff".into(), diff_job(p));
    }
    gate.extend(p.gates(&Phase::Test).into_iter().map(String::from));
    let phase = |ph: Phase| p.jobs.iter().filter(move |j| j.phase == ph);
    for j in phase(Phase::Test) {
        root.insert(j.id.clone(), test::job(p, j));
    }
    if !p.images.is_empty() {
        root.insert("build".into(), build_job(p, &gate));
        if let Some((severity, fail)) = &p.scan {
            root.insert("scan".into(), scan_job(p, severity, *fail));
        }
    }
    for j in phase(Phase::Build) {
        root.insert(j.id.clone(), test::job(p, j));
    }
    for d in &p.deploys {
        root.insert(job_id(&d.env), deploy::job(p, d, &gate));
        for j in p.jobs.iter().filter(|j| j.after() == Some(&d.env)) {
            root.insert(j.id.clone(), test::job(p, j));
            if j.rollback
                && let Some(r) = test::rollback_job(p, j)
            {
                root.insert(j.rollback_id(), r);
            }
        }
    }
    for j in phase(Phase::End) {
        root.insert(j.id.clone(), test::job(p, j));
    }
    Value::Object(root)
}

/// The pipeline's stages: a scan stage only when images are built and scanned.
fn stages(p: &PipelineIr) -> Vec<&'static str> {
    let mut stages = vec!["check", "test", "build"];
    if p.scan.is_some() && !p.images.is_empty() {
        stages.push("scan");
    }
    if p.jobs.iter().any(|j| j.phase == Phase::Build) {
        stages.push("verify");
    }
    stages.push("deploy");
    stages
}

/// When a pipeline runs: merge requests, pushes to the pipeline's and the deploys' branches
/// (not twice for a branch with an open merge request), tags and runs by hand when deploys
/// use them.
fn workflow_rules(p: &PipelineIr) -> Vec<Value> {
    let mut branches: Vec<RefPattern> = p.branches.clone();
    let mut deploy_branches: Vec<RefPattern> = Vec::new();
    let mut has_tags = false;
    let mut manual = false;
    for d in &p.deploys {
        for t in &d.triggers {
            match t {
                Trigger::Branch(b) => {
                    if !branches.contains(b) {
                        branches.push(b.clone());
                    }
                    deploy_branches.push(b.clone());
                }
                Trigger::Tag(_) => has_tags = true,
                Trigger::Manual => manual = true,
            }
        }
    }
    let mut rules = vec![json!({"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""})];
    // A push to a branch with an open merge request runs as the merge request's pipeline
    // only, unless a deploy is triggered by that branch: GitHub deploys on every push too.
    let mut open_mr = "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS".to_string();
    if !deploy_branches.is_empty() {
        open_mr.push_str(&format!(
            " && $CI_COMMIT_BRANCH !~ {}",
            alternation(&deploy_branches)
        ));
    }
    rules.push(json!({"if": open_mr, "when": "never"}));
    rules.push(json!({"if": format!("$CI_COMMIT_BRANCH =~ {}", alternation(&branches))}));
    if has_tags {
        rules.push(json!({"if": "$CI_COMMIT_TAG"}));
    }
    if manual {
        rules.push(json!({"if": "$CI_PIPELINE_SOURCE == \"web\""}));
    }
    rules
}

/// The pipeline's variables: the environment to deploy by hand, when some deploy is manual.
fn variables(p: &PipelineIr) -> Option<Map<String, Value>> {
    let envs: Vec<&str> = p
        .deploys
        .iter()
        .filter(|d| d.triggers.contains(&Trigger::Manual))
        .map(|d| d.env.as_str())
        .collect();
    if envs.is_empty() {
        return None;
    }
    let mut vars = Map::new();
    vars.insert(
        "DEPLOY_ENVIRONMENT".into(),
        json!({"value": "", "description": format!("Environment to deploy by hand: {}", envs.join(", "))}),
    );
    Some(vars)
}

/// One regular expression for several patterns: `/^(main|release\/.*)$/`.
fn alternation(patterns: &[RefPattern]) -> String {
    let bodies: Vec<String> = patterns
        .iter()
        .map(|p| {
            let r = p.regex("");
            r[1..r.len() - 1].to_string()
        })
        .collect();
    format!("/^({})$/", bodies.join("|"))
}

/// The lines installing stowage where the pipeline says, on PATH (none in a stowage image).
fn install_lines(p: &PipelineIr) -> Vec<String> {
    let mut script = install::script(&p.install);
    if install::uses_bin_dir(&p.install) {
        script.push(format!("export PATH=\"{}:$PATH\"", install::BIN_DIR));
    }
    script
}

/// On merge requests: the semantic diff of the deployed objects between the merge base and
/// the head, kept as an artifact and posted as a note with the project access token
/// `STOWAGE_DIFF_TOKEN` (none in merge requests from forks, which see no such variables).
fn diff_job(p: &PipelineIr) -> Value {
    let mut script = install_lines(p);
    script.push(
        [
            "set +e".to_string(),
            format!(
                "stowage diff --format markdown \"git:$CI_MERGE_REQUEST_DIFF_BASE_SHA\" {} > stowage-diff.md",
                shell_word(&p.spec_file)
            ),
            "status=$?".into(),
            "set -e".into(),
            "if [ \"$status\" -gt 1 ]; then exit \"$status\"; fi".into(),
            "if [ \"$status\" -eq 0 ]; then echo \"No deployed object changes.\"; exit 0; fi".into(),
            "if [ -z \"${STOWAGE_DIFF_TOKEN:-}\" ]; then echo \"STOWAGE_DIFF_TOKEN is not set: the diff is in the job's artifacts\"; exit 0; fi".into(),
            "curl -fsS --request POST --header \"PRIVATE-TOKEN: $STOWAGE_DIFF_TOKEN\" --data-urlencode \"body@stowage-diff.md\" \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes\" > /dev/null\n".into(),
        ]
        .join("\n"),
    );
    json!({
        "stage": "check",
        "image": install::gitlab_image(&p.install),
        "variables": {"GIT_DEPTH": "0"},
        "rules": [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}],
        "script": script,
        "artifacts": {"when": "always", "paths": ["stowage-diff.md"], "expire_in": "30 days"},
    })
}

/// The job failing when the generated files are not what the spec gives.
fn drift_job(p: &PipelineIr) -> Value {
    let mut script = install_lines(p);
    script.push(if p.drift_every_app {
        "stowage check --all".to_string()
    } else {
        format!(
            "stowage check -f {} -o {}",
            shell_word(&p.spec_file),
            shell_word(p.out_dir())
        )
    });
    json!({
        "stage": "check",
        "image": install::gitlab_image(&p.install),
        "script": script,
    })
}

/// The registry user: GitLab's own for its registry, a variable for others.
fn registry_user(p: &PipelineIr) -> &'static str {
    if p.registry_host() == "registry.gitlab.com" {
        "$CI_REGISTRY_USER"
    } else {
        "$REGISTRY_USERNAME"
    }
}

/// The registry password: GitLab's own for its registry, a variable for others.
fn registry_password(p: &PipelineIr) -> &'static str {
    if p.registry_host() == "registry.gitlab.com" {
        "$CI_REGISTRY_PASSWORD"
    } else {
        "$REGISTRY_PASSWORD"
    }
}

/// The `parallel:matrix` of the images: one entry per image.
fn matrix(p: &PipelineIr) -> Vec<Value> {
    p.images
        .iter()
        .map(|i| {
            json!({
                "IMAGE": i.name,
                "REPOSITORY": i.repository,
                "CONTEXT": i.context,
                "DOCKERFILE": i.dockerfile,
                "TARGET": i.target.clone().unwrap_or_default(),
            })
        })
        .collect()
}

/// The build job: every image built with a registry cache, pushed except in merge requests.
fn build_job(p: &PipelineIr, gate: &[String]) -> Value {
    let host = p.registry_host();
    json!({
        "stage": "build",
        "image": "docker:27",
        "services": ["docker:27-dind"],
        "needs": gate,
        "variables": {"DOCKER_TLS_CERTDIR": "/certs"},
        "parallel": {"matrix": matrix(p)},
        "before_script": [format!("echo \"{}\" | docker login --username \"{}\" --password-stdin {host}", registry_password(p), registry_user(p))],
        "script": [
            "docker buildx create --use",
            concat!(
                "docker buildx build --file \"$DOCKERFILE\" ${TARGET:+--target \"$TARGET\"}",
                " --cache-from \"type=registry,ref=$REPOSITORY:buildcache\"",
                " --cache-to \"type=registry,ref=$REPOSITORY:buildcache,mode=max\"",
                " --tag \"$REPOSITORY:$CI_COMMIT_SHA\" --tag \"$REPOSITORY:${CI_COMMIT_TAG:-$CI_COMMIT_REF_SLUG}\"",
                " $([ \"$CI_PIPELINE_SOURCE\" = \"merge_request_event\" ] || echo --push) \"$CONTEXT\""
            ),
        ],
    })
}

/// The Trivy scan of every pushed image (not in merge requests), failing the pipeline or not.
fn scan_job(p: &PipelineIr, severity: &str, fail: bool) -> Value {
    json!({
        "stage": "scan",
        "image": {"name": "aquasec/trivy:0.66.0", "entrypoint": [""]},
        "needs": ["build"],
        "parallel": {"matrix": matrix(p)},
        "variables": {"TRIVY_USERNAME": registry_user(p), "TRIVY_PASSWORD": registry_password(p)},
        "rules": [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\"", "when": "never"}, {"when": "on_success"}],
        "allow_failure": !fail,
        "script": [format!("trivy image --exit-code 1 --severity {severity} --ignore-unfixed \"$REPOSITORY:$CI_COMMIT_SHA\"")],
    })
}
