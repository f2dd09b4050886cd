//! The tests and the user's jobs: what each waits for and when it runs, language toolchains or
//! an image, service containers, caches, the spec's commands, reports and artifacts; and the
//! job rolling a deploy back when a job after it fails.

use super::expr::env_map;
use super::{deploy, job_id, step};
use crate::ir::pipeline::{JobIr, Language, Phase, PipelineIr, ServiceIr, When};
use serde_json::{Map, Value, json};

/// A test or a user's job.
pub(super) fn job(p: &PipelineIr, j: &JobIr, gate: &[String]) -> Value {
    let mut job = Map::new();
    job.insert("name".into(), json!(j.title));
    let needs = needs(p, j, gate);
    if !needs.is_empty() {
        job.insert("needs".into(), json!(needs));
    }
    if let Some(cond) = condition(j) {
        job.insert("if".into(), json!(cond));
    }
    job.insert("runs-on".into(), json!("ubuntu-latest"));
    if let Some(image) = &j.image {
        job.insert("container".into(), json!({"image": image}));
    }
    match (&j.environment, j.when) {
        (Some(env), _) => {
            job.insert("environment".into(), json!({"name": env}));
        }
        // GitHub has no manual jobs: the job waits on an environment of its own, whose
        // required reviewers start it.
        (None, When::Manual) => {
            job.insert("environment".into(), json!(j.id));
        }
        (None, _) => {}
    }
    job.insert("permissions".into(), json!({"contents": "read"}));
    let env = env(j);
    if !env.is_empty() {
        job.insert("env".into(), Value::Object(env));
    }
    if !j.services.is_empty() {
        let services: Map<String, Value> = j
            .services
            .iter()
            .map(|s| (s.name.clone(), service(s)))
            .collect();
        job.insert("services".into(), Value::Object(services));
    }
    job.insert("steps".into(), Value::Array(steps(j)));
    Value::Object(job)
}

/// The jobs it waits for: its phase's start (the builds, the deploy it follows; every other
/// job at the end) and its own `needs`.
fn needs(p: &PipelineIr, j: &JobIr, gate: &[String]) -> Vec<String> {
    let mut needs: Vec<String> = match &j.phase {
        Phase::Test => Vec::new(),
        Phase::Build if p.images.is_empty() => gate.to_vec(),
        Phase::Build => vec!["build".into()],
        Phase::After(env) => vec![job_id(env)],
        Phase::End => super::ids(p)
            .into_iter()
            .filter(|id| p.job(id).is_none_or(|o| o.phase != Phase::End))
            .collect(),
    };
    needs.extend(j.needs.iter().cloned());
    needs
}

/// The job's `if:` when it runs on another condition than its needs' success.
fn condition(j: &JobIr) -> Option<&'static str> {
    match j.when {
        When::OnFailure => Some("failure()"),
        When::Always => Some("always()"),
        When::OnSuccess | When::Manual => None,
    }
}

/// Its variables, and after a deploy the environment's name and URL.
fn env(j: &JobIr) -> Map<String, Value> {
    let mut env = env_map(&j.env);
    for (k, v) in j.deploy_variables() {
        env.insert(k.into(), json!(v));
    }
    env
}

/// Checkout, a setup step per toolchain, the caches, the spec's commands, and the uploads.
fn steps(j: &JobIr) -> Vec<Value> {
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    for (lang, version, cache) in &j.setup {
        steps.push(setup_step(*lang, version, cache.as_deref()));
    }
    for (path, key) in &j.caches {
        steps.push(json!({
            "name": format!("Cache {path}"),
            "uses": "actions/cache@v5",
            "with": {"path": path, "key": format!("{}-{}-{}", j.id, super::gh("runner.os"), super::gh(&format!("hashFiles('{key}')")))},
        }));
    }
    for (name, cmd) in j.commands() {
        steps.push(step(&name, cmd));
    }
    let uploads = [
        ("Upload test reports", "reports", &j.reports),
        ("Upload artifacts", "artifacts", &j.artifacts),
    ];
    for (title, what, paths) in uploads {
        if !paths.is_empty() {
            steps.push(json!({
                "name": title,
                "if": "always()",
                "uses": "actions/upload-artifact@v6",
                "with": {"name": format!("{}-{what}", j.id), "path": paths.join("\n"), "if-no-files-found": "warn"},
            }));
        }
    }
    steps
}

/// The job rolling back the deploy `j` follows when `j` fails.
pub(super) fn rollback_job(p: &PipelineIr, j: &JobIr) -> Option<Value> {
    let d = p
        .deploys
        .iter()
        .find(|d| Some(d.env.as_str()) == j.after())?;
    let mut steps = deploy::tool_steps(p, d);
    steps.push(step(
        "Roll back",
        d.rollback_commands()
            .into_iter()
            .map(|c| c + "\n")
            .collect::<String>(),
    ));
    Some(json!({
        "name": format!("Roll back {} ({} failed)", d.env, j.id),
        "needs": [j.id],
        "if": format!("always() && needs.{}.result == 'failure'", j.id),
        "runs-on": "ubuntu-latest",
        "environment": {"name": d.env},
        "concurrency": {"group": format!("deploy-{}", d.env), "cancel-in-progress": false},
        "permissions": {"contents": "read"},
        "steps": steps,
    }))
}

/// The step setting up a language's toolchain, with its package cache.
fn setup_step(lang: Language, version: &str, cache: Option<&str>) -> Value {
    let (action, key) = match lang {
        Language::Node => ("actions/setup-node@v5", "node-version"),
        Language::Python => ("actions/setup-python@v6", "python-version"),
        Language::Go => ("actions/setup-go@v6", "go-version"),
        Language::Java => ("actions/setup-java@v5", "java-version"),
        Language::Rust => ("dtolnay/rust-toolchain@master", "toolchain"),
    };
    let mut with = Map::new();
    with.insert(key.into(), json!(version));
    if lang == Language::Java {
        with.insert("distribution".into(), json!("temurin"));
    }
    if let Some(c) = cache
        && lang != Language::Rust
    {
        with.insert("cache".into(), json!(c));
    }
    json!({"name": format!("Set up {lang} {version}"), "uses": action, "with": with})
}

/// A service container: image, environment, port and health check.
fn service(s: &ServiceIr) -> Value {
    let mut svc = Map::new();
    svc.insert("image".into(), json!(s.image));
    if !s.env.is_empty() {
        svc.insert("env".into(), Value::Object(env_map(&s.env)));
    }
    if let Some(port) = s.port {
        svc.insert("ports".into(), json!([format!("{port}:{port}")]));
    }
    if let Some(h) = &s.health {
        svc.insert(
            "options".into(),
            json!(format!(
                "--health-cmd \"{}\" --health-interval 10s --health-timeout 5s --health-retries 5",
                h.replace('"', "\\\"")
            )),
        );
    }
    Value::Object(svc)
}
