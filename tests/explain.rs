//! `stowage explain`: each kind of origin a rendered field can have, found for a field that
//! has it, with the spec's line quoted (human) or its span (JSON).

mod common;

use common::*;
use serde_json::Value;
use std::fs;

const SPEC: &str = r#"app "shop" {
    namespace "shop"
    waive "CKV_K8S_43" reason="CI deploys the digest it built"
}
defaults "web" {
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
}
service "api" {
    use "web"
    image "api" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
}
object "ConfigMap/extra" {
    data { greeting "hello" }
}
patch "Deployment/api" {
    spec {
        template {
            spec {
                dnsConfig {
                    options { - name="ndots" value="2"; }
                }
            }
        }
    }
}
environment "production" {
    service "api" { replicas 3; }
}
"#;

/// `stowage explain --format json` in a folder holding SPEC: the fields.
fn explain(args: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), SPEC).unwrap();
    let o = run(stowage()
        .current_dir(dir.path())
        .args(["explain", "--env", "production", "--format", "json"])
        .args(args));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["fields"].as_array().unwrap().clone()
}

/// The origin of one field: (kind, the quoted line).
fn origin_of(object: &str, path: &str) -> (String, String) {
    let fields = explain(&[object, path]);
    let f = fields
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no {path} in {fields:#?}"));
    let o = &f["origin"];
    (
        o["kind"].as_str().unwrap().to_string(),
        o["line"].as_str().unwrap_or_default().trim().to_string(),
    )
}

#[test]
fn each_kind_of_origin_is_found() {
    let c = "spec.template.spec.containers[api]";
    let cases = [
        (
            "Deployment/api",
            format!("{c}.image"),
            "spec",
            "image \"api\" tag=\"1.0.0\"",
        ),
        (
            "Deployment/api",
            "spec.replicas".into(),
            "override",
            "service \"api\" { replicas 3; }",
        ),
        (
            "Deployment/api",
            format!("{c}.resources.limits.cpu"),
            "defaults",
            "limits cpu=\"500m\" memory=\"256Mi\"",
        ),
        (
            "Deployment/api",
            "spec.template.spec.dnsConfig.options[ndots].value".into(),
            "patch",
            "options { - name=\"ndots\" value=\"2\"; }",
        ),
        (
            "ConfigMap/extra",
            "data.greeting".into(),
            "declared",
            "data { greeting \"hello\" }",
        ),
        (
            "Deployment/api",
            "metadata.annotations[\"waivers.stowage.dev/CKV_K8S_43\"]".into(),
            "waiver",
            "waive \"CKV_K8S_43\" reason=\"CI deploys the digest it built\"",
        ),
        (
            "Deployment/api",
            format!("{c}.securityContext.runAsNonRoot"),
            "secure-default",
            "",
        ),
        (
            "PodDisruptionBudget/api",
            "spec.maxUnavailable".into(),
            "policy",
            "",
        ),
        (
            "Deployment/api",
            format!("{c}.imagePullPolicy"),
            "policy",
            "",
        ),
        (
            "Deployment/api",
            "metadata.name".into(),
            "derived",
            "service \"api\" {",
        ),
    ];
    for (object, path, kind, line) in cases {
        assert_eq!(
            origin_of(object, &path),
            (kind.to_string(), line.to_string()),
            "{object} {path}"
        );
    }
}

#[test]
fn an_environment_that_replaces_one_value_is_named_for_it_alone() {
    let spec = SPEC.replace(
        "service \"api\" { replicas 3; }",
        "service \"api\" {\n        replicas 3\n        resources { limits cpu=\"1\"; }\n    }",
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), spec).unwrap();
    let o = run(stowage().current_dir(dir.path()).args([
        "explain",
        "--env",
        "production",
        "--format",
        "json",
        "Deployment/api",
        "spec.template.spec.containers[api].resources.limits",
    ]));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let kinds: Vec<(&str, &str)> = doc["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["origin"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    let c = "spec.template.spec.containers[api].resources.limits";
    assert_eq!(
        kinds,
        [
            (&*format!("{c}.cpu"), "override"),
            (&*format!("{c}.memory"), "defaults")
        ]
    );
}

#[test]
fn without_a_field_every_field_is_explained_and_a_path_takes_its_subtree() {
    let all = explain(&["Deployment/api"]);
    assert!(all.len() > 30, "{}", all.len());
    assert!(all.iter().all(|f| f["origin"]["kind"].is_string()));
    let resources = explain(&[
        "Deployment/api",
        "spec.template.spec.containers[api].resources",
    ]);
    let paths: Vec<&str> = resources
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert!(paths.iter().all(|p| p.contains(".resources.")));
}

#[test]
fn human_output_quotes_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), SPEC).unwrap();
    let o = run(stowage().current_dir(dir.path()).args([
        "explain",
        "--env",
        "production",
        "Deployment/api",
        "spec.replicas",
    ]));
    let out = text(&o.stdout);
    assert!(out.starts_with("Deployment/api in production\n"), "{out}");
    assert!(out.contains("spec.replicas: 3"), "{out}");
    assert!(
        out.contains("environment `production` overrides it, stowage.kdl:34:30"),
        "{out}"
    );
    assert!(out.contains("| service \"api\" { replicas 3; }"), "{out}");
}

#[test]
fn unknown_objects_fields_and_environments_are_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), SPEC).unwrap();
    let err = |args: &[&str]| {
        let o = run(stowage().current_dir(dir.path()).arg("explain").args(args));
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
        text(&o.stderr)
    };
    let e = err(&["--env", "production", "Deployment/apu"]);
    assert!(e.contains("did you mean `Deployment/api`?"), "{e}");
    let e = err(&["--env", "production", "Deployment/api", "spec.replica"]);
    assert!(e.contains("did you mean `spec.replicas`?"), "{e}");
    let e = err(&["--env", "prod", "Deployment/api"]);
    assert!(e.contains("no environment `prod`"), "{e}");
}
