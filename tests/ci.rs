//! The generated CI files of every example pass the platforms' own checkers, and pipeline
//! mistakes are diagnosed at the reference.

mod common;

use common::*;
use std::process::Command;

#[test]
fn github_workflows_pass_actionlint() {
    let Some(actionlint) = tool("actionlint") else {
        return;
    };
    let mut checked = 0;
    for (name, _) in examples() {
        let dir = root().join("golden").join(&name).join(".github/workflows");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        let o = run(Command::new(&actionlint).arg("-oneline").args(&files));
        assert!(
            o.status.success(),
            "{name}: actionlint findings:\n{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        checked += files.len();
    }
    assert!(checked > 0, "no example has a GitHub workflow");
}

#[test]
fn gitlab_pipelines_pass_gitlab_ci_local_and_the_schema() {
    let Some(gcl) = tool("gitlab-ci-local") else {
        return;
    };
    let Some(schema) = tool("check-jsonschema") else {
        return;
    };
    let mut checked = 0;
    for (name, _) in examples() {
        let file = root().join("golden").join(&name).join(".gitlab-ci.yml");
        if !file.is_file() {
            continue;
        }
        // gitlab-ci-local writes state next to the file: run it on a copy.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(&file, tmp.path().join(".gitlab-ci.yml")).unwrap();
        let o = run(Command::new(&gcl).arg("--preview").current_dir(tmp.path()));
        assert!(
            o.status.success(),
            "{name}: gitlab-ci-local --preview failed:\n{}",
            text(&o.stderr)
        );
        let o = run(Command::new(&schema)
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .arg(&file));
        assert!(
            o.status.success(),
            "{name}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        checked += 1;
    }
    assert!(checked > 0, "no example has a GitLab pipeline");
}

fn diagnostics(spec: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("stowage.kdl");
    std::fs::write(&p, spec).unwrap();
    let source = stowage::compile::read_source(&p).unwrap();
    let checked = stowage::compile::check(&source);
    checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                spec[d.primary.span.offset..d.primary.span.offset + d.primary.span.len].to_string(),
            )
        })
        .collect()
}

const SPEC: &str = r#"app "shop" { namespace "shop"; registry "ghcr.io/acme"; }
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
}
environment "staging" { policy "staging"; }
environment "production"
"#;

#[test]
fn unknown_environment_and_image_are_diagnosed_at_the_reference() {
    let spec = format!(
        "{SPEC}pipeline {{\n    build \"wbe\"\n    deploy \"stagign\" on=\"branch:main\" credentials=\"STAGING_KUBECONFIG\"\n    deploy \"production\" on=\"tag:v*\" after=\"qa\" credentials=\"PROD_KUBECONFIG\"\n}}\n"
    );
    let d = diagnostics(&spec);
    assert!(
        d.contains(&("stowage::ref::environment".into(), "\"stagign\"".into())),
        "{d:?}"
    );
    assert!(
        d.contains(&("stowage::ref::image".into(), "\"wbe\"".into())),
        "{d:?}"
    );
    assert!(
        d.contains(&("stowage::ref::deploy".into(), "\"qa\"".into())),
        "{d:?}"
    );
}

#[test]
fn production_must_be_gated_and_test_secrets_are_not_plaintext() {
    let spec = format!(
        "{SPEC}pipeline {{\n    test {{\n        service \"db\" image=\"postgres:16\" {{ env {{ POSTGRES_PASSWORD \"hunter2\"; }} }}\n        run \"t\" \"make test\"\n    }}\n    deploy \"production\" on=\"branch:main\" credentials=\"PROD_KUBECONFIG\"\n}}\n"
    );
    let d = diagnostics(&spec);
    assert!(
        d.iter()
            .any(|(c, _)| c == "stowage::pipeline::production-gate"),
        "{d:?}"
    );
    assert!(
        d.contains(&("stowage::secret::plaintext".into(), "\"hunter2\"".into())),
        "{d:?}"
    );
}

#[test]
fn secrets_command_lists_what_the_pipeline_needs() {
    let (_, spec) = examples()
        .into_iter()
        .find(|(n, _)| n == "video-ingest")
        .unwrap();
    let o = run(stowage().args(["secrets", "-f"]).arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for s in [
        "DEV_KUBECONFIG",
        "STAGING_KUBECONFIG",
        "PROD_KUBECONFIG",
        "SLACK_WEBHOOK_URL",
    ] {
        assert!(out.contains(s), "{s} missing:\n{out}");
    }
    assert!(
        out.contains("GitHub Actions") && out.contains("GitLab CI"),
        "{out}"
    );
}

#[test]
fn the_diff_comment_job_runs_on_pull_requests_only_with_least_privilege() {
    let workflow = |name: &str| {
        let dir = root().join("golden").join(name).join(".github/workflows");
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("pull_request_target"), "{name}");
        parse_yaml(&text).remove(0)
    };
    // video-ingest asks for it (`diff-comment #true`), revrx does not.
    assert!(workflow("revrx")["jobs"].get("diff").is_none());
    let w = workflow("video-ingest");
    let job = &w["jobs"]["diff"];
    assert!(
        job["if"]
            .as_str()
            .unwrap()
            .starts_with("github.event_name == 'pull_request'"),
        "{job:#}"
    );
    assert_eq!(
        job["permissions"],
        serde_json::json!({"contents": "read", "pull-requests": "write"})
    );
    let steps = job["steps"].as_array().unwrap();
    assert_eq!(steps[0]["with"]["fetch-depth"], 0);
    let post = steps.last().unwrap();
    let script = post["run"].as_str().unwrap();
    assert!(!script.contains("${{"), "event text interpolated: {script}");
    assert!(
        script.contains("stowage diff --format markdown \"git:$BASE_SHA\" "),
        "{script}"
    );
    assert!(script.contains("gh pr comment \"$PR_NUMBER\""), "{script}");
    assert_eq!(
        post["env"]["BASE_SHA"],
        "${{ github.event.pull_request.base.sha }}"
    );
    assert_eq!(post["env"]["GH_TOKEN"], "${{ github.token }}");
}

/// GitLab's diff job, run as GitLab runs its script in a merge request pipeline: it posts the
/// semantic diff as a merge request note when objects change and a token is set, and keeps
/// quiet otherwise.
#[test]
fn the_gitlab_diff_job_posts_the_deployment_diff_on_merge_requests() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = |replicas: u32| {
        format!(
            "app \"shop\" {{ namespace \"shop\"; }}\nservice \"web\" {{\n    image \"nginx\" tag=\"1.27.0\"\n    port \"http\" 8080\n    replicas {replicas}\n}}\nenvironment \"staging\" {{ policy \"dev\"; }}\npipeline {{\n    platforms \"gitlab\"\n    diff-comment #true\n}}\n"
        )
    };
    let git = |args: &[&str]| {
        let o = run(Command::new("git")
            .current_dir(d)
            .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
            .args(args));
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
        text(&o.stdout).trim().to_string()
    };
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(d.join("stowage.kdl"), spec(2)).unwrap();
    let o = run(stowage()
        .current_dir(d)
        .args(["build", "-f", "stowage.kdl", "-o", "."]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    let base = git(&["rev-parse", "HEAD"]);
    let pipeline =
        parse_yaml(&std::fs::read_to_string(d.join(".gitlab-ci.yml")).unwrap()).remove(0);
    let job = &pipeline["diff"];
    assert_eq!(
        job["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    // The last line is the diff and the note; the ones before install stowage.
    let script = job["script"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    // A `curl` that keeps what it was asked and the body it was given.
    let bin = d.join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("curl"),
        "#!/bin/sh\necho \"$*\" > \"$CURL_LOG\"\nfor a in \"$@\"; do case \"$a\" in body@*) cp \"${a#body@}\" \"$CURL_LOG.body\";; esac; done\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("curl"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stowage_bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_stowage"));
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        stowage_bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let log = d.join("curl.log");
    let play = |token: &str| {
        let _ = std::fs::remove_file(&log);
        let o = run(Command::new("bash")
            .current_dir(d)
            .args(["-eo", "pipefail", "-c", &script])
            .env("PATH", &path)
            .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)
            .env("STOWAGE_DIFF_TOKEN", token)
            .env("CI_API_V4_URL", "https://gitlab.example.com/api/v4")
            .env("CI_PROJECT_ID", "7")
            .env("CI_MERGE_REQUEST_IID", "42")
            .env("CURL_LOG", &log));
        assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
        std::fs::read_to_string(&log).ok()
    };
    // No change to any deployed object: no note.
    assert_eq!(play("token"), None);
    std::fs::write(d.join("stowage.kdl"), spec(3)).unwrap();
    git(&["commit", "-qam", "three replicas"]);
    let call = play("token").expect("a note is posted");
    assert!(
        call.contains("PRIVATE-TOKEN: token")
            && call
                .contains("https://gitlab.example.com/api/v4/projects/7/merge_requests/42/notes"),
        "{call}"
    );
    let body = std::fs::read_to_string(d.join("curl.log.body")).unwrap();
    assert!(
        body.contains("Deployment/web") || body.contains("web"),
        "{body}"
    );
    assert!(
        body.contains('3'),
        "the note shows the new replicas: {body}"
    );
    // No token (a merge request from a fork): the diff stays in the artifacts.
    assert_eq!(play(""), None);
    assert!(d.join("stowage-diff.md").is_file());
}
