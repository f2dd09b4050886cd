//! Open job sets: tests per component, jobs beside the tests, after the builds and after a
//! deploy (an end-to-end test gating the next environment, a monitor rolling back), and a job
//! at the end of a failed pipeline, the same on both platforms.
//!
//! The generated GitLab pipeline is run by gitlab-ci-local (shell executor, a `kubectl` that
//! records what it is asked), the GitHub workflow is played job by job with GitHub's
//! expression library deciding each `if:` (a job runs when its needs are done and its `if:`,
//! `success()` by default, holds; status functions from its needs' results). In each scenario
//! one job fails; both platforms must run the same jobs and roll back the same deploys.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Each job's command fails when `$FAIL` names it; the e2e test checks its environment's URL.
const SPEC: &str = r#"
app "shop" { namespace "shop"; }
service "web" {
    image "nginx" tag="1.27.0"
    port "http" 8080
}
environment "staging" { policy "dev"; }
environment "production" { policy "dev"; }
pipeline {
    platforms "github" "gitlab"
    drift #false
    test "unit" { run "unit" "test \"$FAIL\" != test-unit"; }
    job "lint" { run "lint" "test \"$FAIL\" != lint"; }
    job "sbom" stage="build" { run "sbom" "test \"$FAIL\" != sbom"; }
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG" url="https://staging.example.com"
    job "e2e" after="staging" environment="staging" {
        run "e2e" "test \"$FAIL\" != e2e && test \"$DEPLOY_URL\" = https://staging.example.com"
    }
    deploy "production" on="branch:main" after="staging" credentials="PROD_KUBECONFIG"
    job "monitor" after="production" window="2s" every="1s" rollback=#true {
        run "health" "test \"$FAIL\" != monitor"
    }
    job "notify" when="on-failure" { run "notify" "echo notified"; }
}
"#;

/// The job failing in each scenario (`none`: every job succeeds).
const SCENARIOS: &[&str] = &["none", "test-unit", "lint", "sbom", "e2e", "monitor"];

/// What a scenario did: the jobs that ran, and whether a deploy was rolled back.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    ran: BTreeSet<String>,
    rolled_back: bool,
}

fn gitlab(dir: &Path, gcl: &Path, fail: &str) -> Outcome {
    let log = dir.join("kubectl.log");
    std::fs::write(&log, "").unwrap();
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let o = run(Command::new(gcl)
        .current_dir(dir)
        .env("PATH", path)
        .args([
            "--force-shell-executor",
            "--ignore-predefined-vars",
            "CI_PROJECT_DIR",
        ])
        .arg("--variable")
        .arg(format!("FAIL={fail}"))
        .arg("--variable")
        .arg(format!("KUBECTL_LOG={}", log.display()))
        .arg("--variable")
        .arg(format!("CI_PROJECT_DIR={}", dir.display())));
    let out = text(&o.stdout);
    let ran = out
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix("PASS").or_else(|| l.strip_prefix("FAIL"))?;
            Some(rest.trim().to_string())
        })
        .collect();
    let kubectl = std::fs::read_to_string(&log).unwrap();
    Outcome {
        ran,
        rolled_back: kubectl.contains("rollout undo"),
    }
}

/// GitHub's status functions for a job, from the results of what it needs (transitively).
fn status(
    job: &str,
    jobs: &serde_json::Map<String, Value>,
    results: &BTreeMap<String, String>,
) -> Value {
    let mut seen = BTreeSet::new();
    let mut todo = vec![job.to_string()];
    while let Some(j) = todo.pop() {
        for n in jobs[&j]["needs"].as_array().into_iter().flatten() {
            let n = n.as_str().unwrap().to_string();
            if seen.insert(n.clone()) {
                todo.push(n);
            }
        }
    }
    let any = |r: &str| seen.iter().any(|n| results[n] == r);
    json!({"success": !any("failure") && !any("skipped"), "failure": any("failure")})
}

fn github(workflow: &Value, tool: &Path, fail: &str) -> Outcome {
    let jobs = workflow["jobs"].as_object().unwrap();
    let mut results: BTreeMap<String, String> = BTreeMap::new();
    // Jobs come after what they need in the workflow: play them in order.
    for (id, job) in jobs {
        let needs: serde_json::Map<String, Value> = job["needs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| {
                let n = n.as_str().unwrap();
                (n.to_string(), json!({"result": results[n], "outputs": {}}))
            })
            .collect();
        let context = json!({
            "github": {"event_name": "push", "ref": "refs/heads/main", "base_ref": ""},
            "inputs": {},
            "needs": needs,
            "__status": status(id, jobs, &results),
        });
        let cond = job["if"].as_str().unwrap_or("success()");
        let request = json!({"github": [[cond, context]]});
        let answer = ci_conditions(tool, &request)["github"][0].clone();
        let runs = answer
            .as_bool()
            .unwrap_or_else(|| panic!("{id} if: {answer}"));
        let result = match (runs, id == fail) {
            (false, _) => "skipped",
            (true, true) => "failure",
            (true, false) => "success",
        };
        results.insert(id.clone(), result.to_string());
    }
    Outcome {
        ran: results
            .iter()
            .filter(|(_, r)| *r != "skipped")
            .map(|(j, _)| j.clone())
            .collect(),
        rolled_back: results
            .get("monitor-rollback")
            .is_some_and(|r| r == "success"),
    }
}

/// A git repository holding the spec and its output, with a `kubectl` that records its calls.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("stowage.kdl"), SPEC).unwrap();
    let o = run(stowage()
        .current_dir(d)
        .args(["build", "-f", "stowage.kdl", "-o", "."]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::create_dir(d.join("bin")).unwrap();
    let kubectl = d.join("bin/kubectl");
    std::fs::write(
        &kubectl,
        "#!/bin/sh\necho \"kubectl $*\" >> \"$KUBECTL_LOG\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &[
            "-c",
            "user.email=ci@example.com",
            "-c",
            "user.name=ci",
            "add",
            "-A",
        ],
        &[
            "-c",
            "user.email=ci@example.com",
            "-c",
            "user.name=ci",
            "commit",
            "-qm",
            "spec",
        ],
    ] {
        assert!(
            run(Command::new("git").current_dir(d).args(args))
                .status
                .success()
        );
    }
    dir
}

#[test]
fn both_platforms_run_the_same_jobs_when_any_one_fails() {
    let (Some(gcl), Some(tool)) = (tool("gitlab-ci-local"), tool("ci-conditions")) else {
        return;
    };
    let dir = repository();
    let workflow = parse_yaml(
        &std::fs::read_to_string(dir.path().join(".github/workflows/shop.yml")).unwrap(),
    )
    .remove(0);
    let mut report = String::new();
    for fail in SCENARIOS {
        let gh = github(&workflow, &tool, fail);
        let mut gl = gitlab(dir.path(), &gcl, fail);
        // gitlab-ci-local starts a job without `needs` only once every job of the stages before
        // it has finished, and never finishes a job whose needs failed (GitLab skips it): after
        // a failure upstream of a skipped job it does not reach `.post`. GitLab runs `notify`
        // there; the emulator cannot show it, so it is compared where the emulator can.
        let emulated_end = !matches!(*fail, "test-unit" | "lint" | "sbom" | "e2e");
        if !emulated_end {
            assert!(gh.ran.contains("notify"), "{fail}: GitHub does not notify");
            gl.ran.insert("notify".into());
        }
        if gh != gl {
            report.push_str(&format!(
                "FAIL={fail}: GitHub {gh:?}\n           GitLab {gl:?}\n"
            ));
        }
        let failed = *fail != "none";
        if gh.ran.contains("notify") != failed {
            report.push_str(&format!(
                "FAIL={fail}: notify ran: {}\n",
                gh.ran.contains("notify")
            ));
        }
        if gh.rolled_back != (*fail == "monitor") {
            report.push_str(&format!("FAIL={fail}: rolled back: {}\n", gh.rolled_back));
        }
        let production = gh.ran.contains("deploy-production");
        if production != matches!(*fail, "none" | "monitor") {
            report.push_str(&format!("FAIL={fail}: production deployed: {production}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn generated_job_sets_pass_the_platforms_linters() {
    let dir = repository();
    let checked = lint_pipelines(dir.path());
    assert!(
        checked == 2 || tool("actionlint").is_none(),
        "{checked} files checked"
    );
}

#[test]
fn a_monitor_runs_its_commands_until_the_window_ends_and_fails_at_the_first_failure() {
    let dir = repository();
    let workflow = parse_yaml(
        &std::fs::read_to_string(dir.path().join(".github/workflows/shop.yml")).unwrap(),
    )
    .remove(0);
    let script = workflow
        .pointer("/jobs/monitor/steps/1/run")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let rounds = dir.path().join("rounds");
    let counted = script.replace(
        "test \"$FAIL\" != monitor",
        "echo round >> \"$ROUNDS\"; test \"$(wc -l < \"$ROUNDS\")\" -lt \"$UNTIL\"",
    );
    let play = |until: &str| {
        std::fs::write(&rounds, "").unwrap();
        let o = run(Command::new("bash")
            .args(["-eo", "pipefail", "-c", &counted])
            .env("ROUNDS", &rounds)
            .env("UNTIL", until));
        let n = std::fs::read_to_string(&rounds).unwrap().lines().count();
        (o.status.success(), n)
    };
    // Within a 2 s window, one round a second: two or three rounds, all passing.
    let (ok, n) = play("100");
    assert!(
        ok && (2..=4).contains(&n),
        "passing monitor: ok={ok}, rounds={n}"
    );
    // The second round fails: the monitor stops there and fails.
    let (ok, n) = play("2");
    assert!(!ok && n == 2, "failing monitor: ok={ok}, rounds={n}");
}
