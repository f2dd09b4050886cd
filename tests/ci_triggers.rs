//! Both platforms deploy in exactly the cases the spec's triggers say.
//!
//! For pipelines with literal, prefix and inner-`*` patterns on branches and tags and manual
//! triggers, every sample event (pushes to branches and tags, a merge request, a push to a
//! branch with an open merge request, manual runs) is played on both generated pipelines: on
//! GitHub, the workflow's event filters, the plan job's script (run with bash) and each deploy
//! job's `if:` evaluated by GitHub's expression library; on GitLab, `workflow:rules` and each
//! deploy job's `rules` evaluated by gitlab-ci-local. The deploys that run must be those whose
//! trigger matches, on both.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::Command;
use stowage::syntax::ast::Trigger;

const BASE: &str = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}
environment "dev" { policy "dev"; }
environment "staging" { policy "dev"; }
environment "production" { policy "dev"; }
environment "qa" { policy "dev"; }
"#;

const PIPELINES: &[&str] = &[
    r#"pipeline {
    platforms "github" "gitlab"
    branches "main" "develop"
    deploy "dev" on="branch:develop" credentials="DEV_KUBECONFIG"
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    deploy "production" on="tag:v*.*.*" after="staging" credentials="PROD_KUBECONFIG"
}"#,
    r#"pipeline {
    platforms "github" "gitlab"
    branches "main" "release/*"
    deploy "qa" on="branch:release/*,manual" credentials="QA_KUBECONFIG"
    deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
    deploy "dev" on="manual" credentials="DEV_KUBECONFIG"
}"#,
    r#"pipeline {
    platforms "github" "gitlab"
    deploy "staging" on="branch:main,branch:feature/*-ci" credentials="STAGING_KUBECONFIG"
    deploy "production" on="tag:v1.0.0,tag:release-*" approval=#true credentials="PROD_KUBECONFIG"
}"#,
];

/// A CI event, as each platform sees it.
#[derive(Debug, Clone)]
enum Event {
    PushBranch(&'static str),
    PushBranchWithOpenMergeRequest(&'static str),
    PushTag(&'static str),
    /// A pull or merge request from the first branch into the second.
    Request(&'static str, &'static str),
    Manual(&'static str),
}

const EVENTS: &[Event] = &[
    Event::PushBranch("main"),
    Event::PushBranch("develop"),
    Event::PushBranch("feature/x"),
    Event::PushBranch("feature/x-ci"),
    Event::PushBranch("release/1.2"),
    Event::PushBranch("release"),
    Event::PushBranchWithOpenMergeRequest("develop"),
    Event::PushBranchWithOpenMergeRequest("feature/x"),
    Event::PushTag("v1.2.3"),
    Event::PushTag("v1.2"),
    Event::PushTag("v1"),
    Event::PushTag("vfoo"),
    Event::PushTag("v1.2.3/x"),
    Event::PushTag("v1.0.0"),
    Event::PushTag("release-7"),
    Event::Request("feature/x", "main"),
    Event::Request("develop", "main"),
    Event::Manual("dev"),
    Event::Manual("qa"),
    Event::Manual("production"),
];

/// The deploys the spec's triggers select for an event.
fn expected(ir: &stowage::ir::pipeline::PipelineIr, e: &Event) -> BTreeSet<String> {
    ir.deploys
        .iter()
        .filter(|d| {
            d.triggers.iter().any(|t| match (t, e) {
                (
                    Trigger::Branch(p),
                    Event::PushBranch(b) | Event::PushBranchWithOpenMergeRequest(b),
                ) => p.matches(b),
                (Trigger::Tag(p), Event::PushTag(t)) => p.matches(t),
                (Trigger::Manual, Event::Manual(env)) => d.env == *env,
                _ => false,
            })
        })
        .map(|d| d.env.clone())
        .collect()
}

/// GitHub's branch and tag filters: stowage writes only literal characters and `**`.
fn github_filter_matches(filters: &Value, name: &str) -> bool {
    filters.as_array().into_iter().flatten().any(|f| {
        let f = f.as_str().unwrap();
        assert!(
            !f.replace("**", "").contains(['*', '?', '+', '[', '!']),
            "unexpected filter syntax in `{f}`"
        );
        let p = stowage::git_ref::RefPattern::parse(&f.replace("**", "*")).unwrap();
        p.matches(name)
    })
}

/// `(event_name, ref, base branch, manual input)` on GitHub.
fn github_event(e: &Event) -> (&'static str, String, Option<&'static str>, &'static str) {
    match e {
        Event::PushBranch(b) | Event::PushBranchWithOpenMergeRequest(b) => {
            ("push", format!("refs/heads/{b}"), None, "")
        }
        Event::PushTag(t) => ("push", format!("refs/tags/{t}"), None, ""),
        Event::Request(_, base) => ("pull_request", "refs/pull/1/merge".into(), Some(base), ""),
        Event::Manual(env) => ("workflow_dispatch", "refs/heads/main".into(), None, env),
    }
}

fn gitlab_variables(e: &Event) -> Value {
    match e {
        Event::PushBranch(b) => {
            json!({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": b, "CI_COMMIT_REF_NAME": b})
        }
        Event::PushBranchWithOpenMergeRequest(b) => json!({
            "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": b, "CI_COMMIT_REF_NAME": b,
            "CI_OPEN_MERGE_REQUESTS": "acme/shop!1",
        }),
        Event::PushTag(t) => {
            json!({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": t, "CI_COMMIT_REF_NAME": t})
        }
        Event::Request(source, target) => json!({
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": source,
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": target,
            "CI_COMMIT_REF_NAME": source,
        }),
        Event::Manual(env) => json!({
            "CI_PIPELINE_SOURCE": "web", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_REF_NAME": "main",
            "DEPLOY_ENVIRONMENT": env,
        }),
    }
}

/// Evaluate conditions with the platforms' implementations (scripts/tools/ci-conditions.mjs).
fn evaluate(
    tool: &std::path::Path,
    github: &[(String, Value)],
    gitlab: &[(String, Value)],
) -> (Vec<Value>, Vec<Value>) {
    let request = json!({
        "github": github.iter().map(|(e, c)| json!([e, c])).collect::<Vec<_>>(),
        "gitlab": gitlab.iter().map(|(r, v)| json!([r, v])).collect::<Vec<_>>(),
    });
    let out = ci_conditions(tool, &request);
    let take = |k: &str| out[k].as_array().unwrap().clone();
    (take("github"), take("gitlab"))
}

fn truth(v: &Value, what: &str) -> bool {
    v.as_bool()
        .unwrap_or_else(|| panic!("{what} could not be evaluated: {v}"))
}

/// The plan job's outputs for an event: its script run with bash.
fn plan_outputs(workflow: &Value, event: &str, git_ref: &str) -> Value {
    let Some(step) = workflow.pointer("/jobs/plan/steps/0") else {
        return json!({});
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    std::fs::write(&out, "").unwrap();
    let o = run(Command::new("bash")
        .args(["-euo", "pipefail", "-c", step["run"].as_str().unwrap()])
        .env("REF", git_ref)
        .env("EVENT", event)
        .env("GITHUB_OUTPUT", &out));
    assert!(
        o.status.success(),
        "the plan job failed: {}",
        text(&o.stderr)
    );
    let mut outputs = serde_json::Map::new();
    for line in std::fs::read_to_string(&out).unwrap().lines() {
        let (k, v) = line.split_once('=').unwrap();
        outputs.insert(k.to_string(), json!(v));
    }
    Value::Object(outputs)
}

#[test]
fn both_platforms_deploy_exactly_when_the_triggers_match() {
    let Some(tool) = tool("ci-conditions") else {
        return;
    };
    for pipeline in PIPELINES {
        let dir = tempfile::tempdir().unwrap();
        let spec = format!("{BASE}\n{pipeline}\n");
        std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
        let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
        let checked = stowage::compile::check(&source);
        assert!(
            !checked.diagnostics.has_errors(),
            "{pipeline}: {:?}",
            checked.diagnostics
        );
        let g = stowage::compile::generate(&source, checked, dir.path()).unwrap();
        let p = g.ir.pipeline.clone().unwrap();
        let workflow = parse_yaml(&g.files[".github/workflows/shop.yml"]).remove(0);
        let gitlab = parse_yaml(&g.files[".gitlab-ci.yml"]).remove(0);
        let deploy_jobs: Vec<&String> = p.deploys.iter().map(|d| &d.env).collect();

        // Every condition to evaluate, with where its answer goes.
        let mut gh_conditions = Vec::new();
        let mut gl_conditions = Vec::new();
        for e in EVENTS {
            let (event, git_ref, base, input) = github_event(e);
            let outputs = plan_outputs(&workflow, event, &git_ref);
            for env in &deploy_jobs {
                let job = &workflow["jobs"][format!("deploy-{env}")];
                let needs: serde_json::Map<String, Value> = job["needs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| {
                        let n = n.as_str().unwrap().to_string();
                        let o = if n == "plan" {
                            outputs.clone()
                        } else {
                            json!({})
                        };
                        (n, json!({"result": "success", "outputs": o}))
                    })
                    .collect();
                let context = json!({
                    "github": {"event_name": event, "ref": git_ref, "base_ref": base.unwrap_or("")},
                    "inputs": {"environment": input},
                    "needs": needs,
                });
                gh_conditions.push((job["if"].as_str().unwrap().to_string(), context));
            }
            let vars = gitlab_variables(e);
            for rule in gitlab["workflow"]["rules"].as_array().unwrap() {
                if let Some(r) = rule["if"].as_str() {
                    gl_conditions.push((r.to_string(), vars.clone()));
                }
            }
            for env in &deploy_jobs {
                for rule in gitlab[format!("deploy-{env}")]["rules"].as_array().unwrap() {
                    gl_conditions.push((rule["if"].as_str().unwrap().to_string(), vars.clone()));
                }
            }
        }
        let (gh, gl) = evaluate(&tool, &gh_conditions, &gl_conditions);
        let (mut gh, mut gl) = (gh.into_iter(), gl.into_iter());
        let mut report = String::new();
        for e in EVENTS {
            let want = expected(&p, e);
            // GitHub: the workflow runs for the event, then each deploy job's `if:`.
            let (event, _, base, _) = github_event(e);
            let on = &workflow["on"];
            let runs = match e {
                Event::PushBranch(b) | Event::PushBranchWithOpenMergeRequest(b) => {
                    github_filter_matches(&on["push"]["branches"], b)
                }
                Event::PushTag(t) => github_filter_matches(&on["push"]["tags"], t),
                Event::Request(..) => {
                    github_filter_matches(&on["pull_request"]["branches"], base.unwrap())
                }
                Event::Manual(_) => on.get("workflow_dispatch").is_some(),
            };
            let mut github = BTreeSet::new();
            for env in &deploy_jobs {
                let yes = truth(
                    &gh.next().unwrap(),
                    &format!("GitHub deploy-{env} if: ({event})"),
                );
                if runs && yes {
                    github.insert(env.to_string());
                }
            }
            // GitLab: the first matching workflow rule decides whether there is a pipeline,
            // the first matching job rule whether the deploy job is in it.
            let mut pipeline_runs = None;
            for rule in gitlab["workflow"]["rules"].as_array().unwrap() {
                let yes = match rule.get("if") {
                    Some(_) => truth(&gl.next().unwrap(), "GitLab workflow rule"),
                    None => true,
                };
                if yes && pipeline_runs.is_none() {
                    pipeline_runs = Some(rule["when"] != "never");
                }
            }
            let mut gitlab_deploys = BTreeSet::new();
            for env in &deploy_jobs {
                let mut job_runs = None;
                for rule in gitlab[format!("deploy-{env}")]["rules"].as_array().unwrap() {
                    let yes = truth(&gl.next().unwrap(), "GitLab job rule");
                    if yes && job_runs.is_none() {
                        job_runs = Some(rule["when"] != "never");
                    }
                }
                if pipeline_runs == Some(true) && job_runs == Some(true) {
                    gitlab_deploys.insert(env.to_string());
                }
            }
            if github != want || gitlab_deploys != want {
                report.push_str(&format!(
                    "{e:?}: the triggers select {want:?}, GitHub deploys {github:?}, GitLab {gitlab_deploys:?}\n"
                ));
            }
        }
        assert!(report.is_empty(), "{pipeline}\n{report}");
    }
}

#[test]
fn triggers_that_are_not_branch_or_tag_names_are_diagnostics() {
    for (on, expected) in [
        ("tag:v')||(github.event_name!='x", "stowage::pipeline::ref"),
        ("branch:main\" || true || \"", "stowage::pipeline::ref"),
        ("branch:${{ github.head_ref }}", "stowage::pipeline::ref"),
        ("branch:a..b", "stowage::pipeline::ref"),
        ("branch:", "stowage::pipeline::ref"),
        ("tag:v**", "stowage::pipeline::ref"),
        ("tags:v*", "stowage::syntax::invalid-value"),
    ] {
        let spec = format!(
            "{BASE}\npipeline {{\n    deploy \"dev\" on={} credentials=\"DEV_KUBECONFIG\"\n}}\n",
            serde_json::to_string(on).unwrap()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
        let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
        let checked = stowage::compile::check(&source);
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.id).collect();
        assert!(codes.contains(&expected), "on={on:?}: {codes:?}");
    }
    let spec = format!("{BASE}\npipeline {{\n    branches \"main\" \"feat ure\"\n}}\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
    let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
    let codes: Vec<&str> = stowage::compile::check(&source)
        .diagnostics
        .iter()
        .map(|d| d.code.id)
        .collect();
    assert!(codes.contains(&"stowage::pipeline::ref"), "{codes:?}");
}

/// Text from the spec reaches the pipelines as text: GitHub evaluates none of it, GitLab expands
/// no variable in it; both files still pass their linters.
#[test]
fn spec_text_in_pipelines_is_never_evaluated() {
    let hostile = "a ${{ secrets.PROD_KUBECONFIG }} $CI_JOB_TOKEN ${HOME} 'q' \"d\"";
    let k = |s: &str| serde_json::to_string(s).unwrap();
    let spec = format!(
        r#"{BASE}
pipeline {{
    platforms "github" "gitlab"
    test {{
        setup "node" version="20"
        env {{
            GREETING {h}
        }}
        service "db" image="postgres:16" port=5432 health={h} {{
            env {{
                POSTGRES_DB {h}
            }}
        }}
        run {h} {h}
    }}
    deploy "dev" on="branch:main" credentials="DEV_KUBECONFIG" smoke={h} before={h}
}}
"#,
        h = k(hostile)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
    let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
    let checked = stowage::compile::check(&source);
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    let g = stowage::compile::generate(&source, checked, dir.path()).unwrap();
    let workflow_text = &g.files[".github/workflows/shop.yml"];
    let workflow = parse_yaml(workflow_text).remove(0);

    // Every expression GitHub would evaluate is one stowage wrote, or the escape `${{ '${{' }}`.
    let generated = regex::Regex::new(
        r"^(secrets\.[A-Z0-9_]+|github\.[a-z_.]+( [!=]= '[a-z_]+')?|matrix\.[a-z]+|steps\.[a-z]+\.outputs\.[a-z0-9]+|job\.status|'\$\{\{')$",
    )
    .unwrap();
    let mut strings = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                out.push(k.clone());
                walk(x, out)
            }),
            _ => {}
        }
    }
    walk(&workflow, &mut strings);
    let mut seen_hostile = 0;
    for s in &strings {
        let mut rest = s.as_str();
        while let Some(i) = rest.find("${{") {
            let body_end = rest[i..].find("}}").expect("closed expression") + i;
            let body = rest[i + 3..body_end].trim();
            assert!(
                generated.is_match(body),
                "GitHub would evaluate `{body}` in {s:?}"
            );
            rest = &rest[body_end + 2..];
        }
        // What GitHub makes of the string: the escape gives back `${{`.
        let evaluated = s.replace("${{ '${{' }}", "${{");
        if evaluated.contains(hostile) {
            seen_hostile += 1;
        }
    }
    assert!(
        seen_hostile >= 4,
        "the spec's text is missing from the workflow:\n{workflow_text}"
    );

    // GitLab: variables keep `$` as `$$`.
    let gitlab = parse_yaml(&g.files[".gitlab-ci.yml"]).remove(0);
    let vars = &gitlab["test"]["variables"];
    assert_eq!(
        vars["GREETING"].as_str().unwrap().replace("$$", "$"),
        hostile
    );
    assert!(
        !vars["GREETING"]
            .as_str()
            .unwrap()
            .replace("$$", "")
            .contains('$')
    );
    let svc = &gitlab["test"]["services"][0]["variables"]["POSTGRES_DB"];
    assert_eq!(svc.as_str().unwrap().replace("$$", "$"), hostile);

    // Both files pass their platforms' checkers.
    if let Some(actionlint) = tool("actionlint") {
        let f = dir.path().join("w.yml");
        std::fs::write(&f, workflow_text).unwrap();
        let o = run(Command::new(actionlint)
            .args(["-oneline", "-shellcheck=", "-pyflakes="])
            .arg(&f));
        assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    }
    if let Some(schema) = tool("check-jsonschema") {
        let f = dir.path().join(".gitlab-ci.yml");
        std::fs::write(&f, &g.files[".gitlab-ci.yml"]).unwrap();
        let o = run(Command::new(schema)
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .arg(&f));
        assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    }
}

#[test]
fn pipeline_values_written_as_they_are_must_be_plain() {
    for (field, value) in [
        ("setup \"node\" version=", "20 $(id)"),
        ("setup \"node\" version=\"20\" cache=", "${{ x }}"),
        ("report ", "out/$CI_JOB_TOKEN"),
        (
            "service \"db\" port=5432 image=",
            "postgres:16 --privileged",
        ),
    ] {
        let spec = format!(
            "{BASE}\npipeline {{\n    test {{\n        {field}{}\n    }}\n}}\n",
            serde_json::to_string(value).unwrap()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
        let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
        let codes: Vec<&str> = stowage::compile::check(&source)
            .diagnostics
            .iter()
            .map(|d| d.code.id)
            .collect();
        assert!(
            codes.contains(&"stowage::pipeline::value"),
            "{field}{value}: {codes:?}"
        );
    }
}
