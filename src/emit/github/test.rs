//! The test job: language toolchains, the spec's commands, service containers and reports.

use super::expr::env_map;
use super::step;
use crate::ir::pipeline::{Language, ServiceIr, TestIr};
use serde_json::{Map, Value, json};

/// The test job.
pub(super) fn job(t: &TestIr) -> Value {
    let mut job = Map::new();
    job.insert("name".into(), json!("Test"));
    job.insert("runs-on".into(), json!("ubuntu-latest"));
    job.insert("permissions".into(), json!({"contents": "read"}));
    if !t.env.is_empty() {
        job.insert("env".into(), Value::Object(env_map(&t.env)));
    }
    if !t.services.is_empty() {
        let services: Map<String, Value> = t
            .services
            .iter()
            .map(|s| (s.name.clone(), service(s)))
            .collect();
        job.insert("services".into(), Value::Object(services));
    }
    job.insert("steps".into(), Value::Array(steps(t)));
    Value::Object(job)
}

/// Checkout, a setup step per toolchain, the spec's commands, and the reports' upload.
fn steps(t: &TestIr) -> Vec<Value> {
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    for (lang, version, cache) in &t.setup {
        steps.push(setup_step(*lang, version, cache.as_deref()));
    }
    for (name, cmd) in &t.runs {
        steps.push(step(name, cmd.clone()));
    }
    if !t.reports.is_empty() {
        steps.push(json!({
            "name": "Upload test reports",
            "if": "always()",
            "uses": "actions/upload-artifact@v6",
            "with": {"name": "test-reports", "path": t.reports.join("\n"), "if-no-files-found": "warn"},
        }));
    }
    steps
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
