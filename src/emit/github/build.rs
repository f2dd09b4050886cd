//! The build job: one image per matrix entry, built with BuildKit's cache, pushed to the
//! registry (not on pull requests) and optionally scanned.

use super::gh;
use crate::ir::pipeline::PipelineIr;
use serde_json::{Map, Value, json};

/// The build job, after the gate.
pub(super) fn job(p: &PipelineIr, gate: &[String]) -> Value {
    let include: Vec<Value> = p
        .images
        .iter()
        .map(|i| json!({"image": i.name, "repository": i.repository, "context": i.context, "dockerfile": i.dockerfile, "target": i.target.clone().unwrap_or_default()}))
        .collect();
    let mut job = Map::new();
    job.insert(
        "name".into(),
        json!(format!("Build {}", gh("matrix.image"))),
    );
    if !gate.is_empty() {
        job.insert("needs".into(), json!(gate));
    }
    job.insert("runs-on".into(), json!("ubuntu-latest"));
    job.insert(
        "permissions".into(),
        json!({"contents": "read", "packages": "write"}),
    );
    job.insert(
        "strategy".into(),
        json!({"fail-fast": false, "matrix": {"include": include}}),
    );
    job.insert("steps".into(), Value::Array(steps(p)));
    Value::Object(job)
}

/// Checkout, Buildx, registry login, tags, build and push, and the scan.
fn steps(p: &PipelineIr) -> Vec<Value> {
    let mut steps = vec![
        json!({"uses": "actions/checkout@v5"}),
        json!({"name": "Set up Docker Buildx", "uses": "docker/setup-buildx-action@v4"}),
        login_step(p),
        json!({
            "name": "Image tags",
            "id": "meta",
            "uses": "docker/metadata-action@v6",
            "with": {
                "images": gh("matrix.repository"),
                "tags": "type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=sha,format=long,prefix=\n",
            },
        }),
        json!({
            "name": "Build and push",
            "uses": "docker/build-push-action@v7",
            "with": {
                "context": gh("matrix.context"),
                "file": gh("matrix.dockerfile"),
                "target": gh("matrix.target"),
                "push": gh("github.event_name != 'pull_request'"),
                "tags": gh("steps.meta.outputs.tags"),
                "labels": gh("steps.meta.outputs.labels"),
                "cache-from": format!("type=gha,scope={}", gh("matrix.image")),
                "cache-to": format!("type=gha,mode=max,scope={}", gh("matrix.image")),
            },
        }),
    ];
    if let Some((severity, fail)) = &p.scan {
        steps.push(scan_step(severity, *fail));
    }
    steps
}

/// The registry login (not on pull requests): the workflow's token for GitHub's registry,
/// secrets for others.
fn login_step(p: &PipelineIr) -> Value {
    let host = p.registry_host();
    let (user, password) = if host == "ghcr.io" {
        (gh("github.actor"), gh("secrets.GITHUB_TOKEN"))
    } else {
        (
            gh("secrets.REGISTRY_USERNAME"),
            gh("secrets.REGISTRY_PASSWORD"),
        )
    };
    json!({
        "name": format!("Log in to {host}"),
        "if": "github.event_name != 'pull_request'",
        "uses": "docker/login-action@v4",
        "with": {"registry": host, "username": user, "password": password},
    })
}

/// The Trivy scan of the pushed image, failing the job or not.
fn scan_step(severity: &str, fail: bool) -> Value {
    json!({
        "name": "Scan for vulnerabilities",
        "if": "github.event_name != 'pull_request'",
        "uses": "aquasecurity/trivy-action@0.33.1",
        "with": {
            "image-ref": format!("{}:{}", gh("matrix.repository"), gh("github.sha")),
            "severity": severity,
            "exit-code": if fail { "1" } else { "0" },
            "ignore-unfixed": true,
        },
    })
}
