//! GitHub Actions: `.github/workflows/<app>.yml`.
//!
//! Takes the IR's pipeline, gives one workflow: drift check, tests with service containers,
//! one image build per service (matrix) pushed to the registry with BuildKit cache and an
//! optional Trivy scan, and a deploy job per environment with its trigger, environment (for
//! protection rules and approvals), concurrency group, rollout wait, smoke test, rollback and
//! Slack notification; optionally (`diff-comment #true`) a job that comments a pull request
//! with the `stowage diff` of its deployed objects. Permissions are least privilege per job; no untrusted event text ever
//! reaches a `run:` script.
//!
//! By aspect: `expr` (stowage's own expressions and literal spec text), `triggers` (the
//! workflow's events and the plan job), `test`, `build` and `deploy` (their jobs).

mod build;
mod deploy;
mod expr;
mod test;
mod triggers;

use super::{FileSet, header, install, shell_word, yaml};
use crate::ir::Ir;
use crate::ir::pipeline::{Phase, PipelineIr, Platform};
use expr::{gh, literal_text};
use serde_json::{Map, Value, json};

/// The workflow's path.
pub fn path(app: &str) -> String {
    format!(".github/workflows/{app}.yml")
}

/// The id of an environment's deploy job.
fn job_id(env: &str) -> String {
    format!("deploy-{env}")
}

/// A step that runs a script.
fn step(name: &str, run: impl Into<String>) -> Value {
    json!({"name": name, "run": run.into()})
}

/// The steps installing stowage where the pipeline says (none in a stowage image).
fn install_stowage(p: &PipelineIr) -> Vec<Value> {
    let mut lines = install::script(&p.install);
    if lines.is_empty() {
        return Vec::new();
    }
    if install::uses_bin_dir(&p.install) {
        lines.push(format!("echo \"{}\" >> \"$GITHUB_PATH\"", install::BIN_DIR));
    }
    vec![step("Install stowage", lines.join("\n") + "\n")]
}

/// A job that runs stowage: in the pipeline's stowage image, or with stowage installed first.
fn stowage_job(p: &PipelineIr, mut job: Value, checkout: Value, run: Value) -> Value {
    let mut steps = vec![checkout];
    steps.extend(install_stowage(p));
    steps.push(run);
    job["steps"] = Value::Array(steps);
    if let Some(image) = install::github_container(&p.install) {
        job["container"] = json!({"image": image});
    }
    job
}

/// The workflow, when the pipeline targets GitHub.
pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    let Some(p) = &ir.pipeline else { return files };
    if !p.platforms.contains(&Platform::Github) {
        return files;
    }
    let head = header(&ir.spec_file);
    files.insert(
        path(&p.app),
        yaml::documents(&head, &[literal_text(workflow(p))]),
    );
    files
}

/// The workflow: its events, permissions, concurrency and jobs.
fn workflow(p: &PipelineIr) -> Value {
    json!({
        "name": p.app,
        "on": triggers::on(p),
        "permissions": {"contents": "read"},
        "concurrency": {"group": format!("{}-{}", gh("github.workflow"), gh("github.ref")), "cancel-in-progress": gh("github.event_name == 'pull_request'")},
        // bash -eo pipefail, as GitLab runs scripts: a failing command in a pipe fails the step.
        "defaults": {"run": {"shell": "bash"}},
        "jobs": jobs(p),
    })
}

/// The ids of every job stowage makes of the pipeline, in order.
fn ids(p: &PipelineIr) -> Vec<String> {
    let mut ids = Vec::new();
    if p.drift {
        ids.push("drift".to_string());
    }
    if p.diff_comment {
        ids.push("diff".into());
    }
    let phase = |ph: Phase| p.jobs.iter().filter(move |j| j.phase == ph);
    ids.extend(phase(Phase::Test).map(|j| j.id.clone()));
    if !p.images.is_empty() {
        ids.push("build".into());
    }
    ids.extend(phase(Phase::Build).map(|j| j.id.clone()));
    if !triggers::planned(p).is_empty() {
        ids.push("plan".into());
    }
    for d in &p.deploys {
        ids.push(job_id(&d.env));
        for j in p.jobs.iter().filter(|j| j.after() == Some(&d.env)) {
            ids.push(j.id.clone());
            if j.rollback {
                ids.push(j.rollback_id());
            }
        }
    }
    ids.extend(phase(Phase::End).map(|j| j.id.clone()));
    ids
}

/// Every job by id: drift, diff, the tests and the jobs beside them, build, the jobs after the
/// builds, plan, one deploy per environment with the jobs after it, and the jobs at the end.
/// Builds and deploys wait for the gate (drift, the tests and the jobs beside them that gate).
fn jobs(p: &PipelineIr) -> Map<String, Value> {
    let mut gate: Vec<String> = Vec::new();
    if p.drift {
        gate.push("drift".into());
    }
    gate.extend(p.gates(&Phase::Test).into_iter().map(String::from));
    let planned = triggers::planned(p);
    let mut jobs = Map::new();
    for id in ids(p) {
        let job = match id.as_str() {
            "drift" => drift_job(p),
            "diff" => diff_job(p),
            "build" => build::job(p, &gate),
            "plan" => triggers::plan_job(&planned),
            _ => match (p.job(&id), p.deploys.iter().find(|d| job_id(&d.env) == id)) {
                (Some(j), _) => test::job(p, j, &gate),
                (None, Some(d)) => deploy::job(p, d, &gate, &planned),
                (None, None) => {
                    let Some(j) = p.jobs.iter().find(|j| j.rollback_id() == id) else {
                        continue;
                    };
                    let Some(job) = test::rollback_job(p, j) else {
                        continue;
                    };
                    job
                }
            },
        };
        jobs.insert(id, job);
    }
    jobs
}

/// The job failing when the generated files are not what the spec gives.
fn drift_job(p: &PipelineIr) -> Value {
    let job = json!({
        "name": "Generated files are up to date",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read"},
    });
    let check = step(
        "stowage check",
        if p.drift_every_app {
            "stowage --message-format github check --all".to_string()
        } else {
            format!(
                "stowage --message-format github check -f {} -o {}",
                shell_word(&p.spec_file),
                shell_word(p.out_dir())
            )
        },
    );
    stowage_job(p, job, json!({"uses": "actions/checkout@v5"}), check)
}

/// On pull requests from the repository itself: the semantic diff of the deployed objects
/// between the base and the head, posted (or updated) as a comment. The base SHA reaches the
/// script through the environment.
fn diff_job(p: &PipelineIr) -> Value {
    let job = json!({
        "name": "Deployment diff",
        "if": "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read", "pull-requests": "write"},
    });
    let checkout = json!({"uses": "actions/checkout@v5", "with": {"fetch-depth": 0, "persist-credentials": false}});
    let comment = json!({
        "name": "Comment the deployment diff",
        "env": {
            "BASE_SHA": gh("github.event.pull_request.base.sha"),
            "PR_NUMBER": gh("github.event.pull_request.number"),
            "GH_TOKEN": gh("github.token"),
            "GH_REPO": gh("github.repository"),
        },
        "run": diff_script(p),
    });
    stowage_job(p, job, checkout, comment)
}

/// The diff job's script: `stowage diff` against the base, then the comment (an earlier one
/// updated when there are no changes).
fn diff_script(p: &PipelineIr) -> String {
    let file = "\"$RUNNER_TEMP/stowage-diff.md\"";
    [
        "set +e".to_string(),
        format!(
            "stowage diff --format markdown \"git:$BASE_SHA\" {} > {file}",
            shell_word(&p.spec_file)
        ),
        "status=$?".into(),
        "set -e".into(),
        "if [ \"$status\" -gt 1 ]; then exit \"$status\"; fi".into(),
        "if [ \"$status\" -eq 0 ]; then".into(),
        "  # No changes: update an earlier comment if there is one, post none otherwise.".into(),
        format!("  gh pr comment \"$PR_NUMBER\" --edit-last --body-file {file} || true"),
        "else".into(),
        format!("  gh pr comment \"$PR_NUMBER\" --edit-last --create-if-none --body-file {file}"),
        "fi\n".into(),
    ]
    .join("\n")
}
