//! Custom resources are validated by their CRDs, as projects publish them (vendored in
//! `schemas/crds/`: Argo Rollouts, cert-manager, Prometheus Operator, KEDA): a spec that loads
//! them with `crd` has its objects of those kinds checked field by field, and what stowage itself
//! generates of those kinds (Rollouts, ServiceMonitors, ScaledObjects...) passes them.

mod common;

use common::root;
use std::path::{Path, PathBuf};
use stowage::kubernetes::crd;
use stowage::kubernetes::registry::Registry;

/// Every vendored CRD file.
fn crd_files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root().join("schemas/crds"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    out.sort();
    out
}

fn registry() -> Registry {
    let custom = crd_files()
        .iter()
        .flat_map(|f| crd::parse(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    Registry::new(33, custom).unwrap()
}

/// A spec in a fresh folder with every vendored CRD beside it, loaded with `crd`.
fn compile(body: &str) -> (tempfile::TempDir, stowage::compile::Checked) {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from("app \"shop\" {\n    namespace \"shop\"\n}\n");
    for f in crd_files() {
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        std::fs::copy(&f, dir.path().join(&name)).unwrap();
        spec.push_str(&format!("crd \"{name}\"\n"));
    }
    spec.push_str(body);
    let path = dir.path().join("stowage.kdl");
    std::fs::write(&path, &spec).unwrap();
    let source = stowage::compile::read_source(&path).unwrap();
    let checked = stowage::compile::check(&source);
    (dir, checked)
}

fn codes(checked: &stowage::compile::Checked) -> Vec<String> {
    checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect()
}

#[test]
fn the_vendored_crds_give_the_kinds_of_the_four_projects() {
    let r = registry();
    for (api_version, kind) in [
        ("argoproj.io/v1alpha1", "Rollout"),
        ("argoproj.io/v1alpha1", "AnalysisTemplate"),
        ("cert-manager.io/v1", "Certificate"),
        ("cert-manager.io/v1", "ClusterIssuer"),
        ("monitoring.coreos.com/v1", "PrometheusRule"),
        ("monitoring.coreos.com/v1", "ServiceMonitor"),
        ("keda.sh/v1alpha1", "ScaledObject"),
        ("keda.sh/v1alpha1", "TriggerAuthentication"),
    ] {
        assert!(r.knows(api_version, kind), "{api_version} {kind}");
        assert_eq!(r.api_version_of(kind).as_deref(), Ok(api_version), "{kind}");
    }
    assert!(!r.namespaced("cert-manager.io/v1", "ClusterIssuer"));
    assert!(r.namespaced("cert-manager.io/v1", "Certificate"));
}

const VALID: &str = r#"
object "PrometheusRule/api" {
    spec {
        groups {
            - name="api" {
                rules {
                    - alert="ApiDown" expr="up{job=\"api\"} == 0" for="5m" {
                        labels severity="page"
                    }
                }
            }
        }
    }
}
object "Certificate/api" {
    spec {
        secretName "api-tls"
        (list)dnsNames "api.example.com"
        issuerRef name="letsencrypt" kind="ClusterIssuer"
    }
}
object "ClusterIssuer/letsencrypt" {
    spec {
        acme {
            server "https://acme-v02.api.letsencrypt.org/directory"
            privateKeySecretRef name="letsencrypt-account"
            solvers { - { http01 { ingress { ingressClassName "nginx" } } } }
        }
    }
}
object "AnalysisTemplate/error-rate" {
    spec {
        metrics {
            - name="error-rate" successCondition="result[0] < 0.05" {
                provider { prometheus address="http://prometheus:9090" query="sum(rate(errors[5m]))" }
            }
        }
    }
}
"#;

#[test]
fn objects_of_custom_kinds_pass_their_crds() {
    let (_dir, checked) = compile(VALID);
    assert!(!checked.diagnostics.has_errors(), "{:#?}", codes(&checked));
    let ir = checked.ir.unwrap();
    let objects = &ir.base.objects;
    let issuer = objects
        .iter()
        .find(|o| o.kind() == "ClusterIssuer")
        .unwrap();
    assert!(
        issuer.value["metadata"].get("namespace").is_none(),
        "cluster-scoped"
    );
    let rule = objects
        .iter()
        .find(|o| o.kind() == "PrometheusRule")
        .unwrap();
    assert_eq!(rule.value["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(rule.value["metadata"]["namespace"], "shop");
}

#[test]
fn custom_resources_their_crds_refuse_are_diagnostics_at_the_field() {
    // (the mistake, what the diagnostic underlines)
    for (bad, shown) in [
        (
            VALID.replace("secretName \"api-tls\"", "secretNam \"api-tls\""),
            "secretNam",
        ),
        (VALID.replace("for=\"5m\"", "for=5"), "5"),
        (
            VALID.replace(
                "issuerRef name=\"letsencrypt\" kind=\"ClusterIssuer\"",
                "issuerRef kind=\"ClusterIssuer\"",
            ),
            "issuerRef",
        ),
    ] {
        let (dir, checked) = compile(&bad);
        let schema: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code.id == "stowage::object::schema")
            .collect();
        assert_eq!(schema.len(), 1, "{shown}: {:#?}", codes(&checked));
        assert_eq!(
            schema.len(),
            checked.diagnostics.len(),
            "{:#?}",
            codes(&checked)
        );
        let text = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
        let span = schema[0].primary.span;
        assert_eq!(&text[span.offset..span.offset + span.len], shown);
    }
}

/// What stowage generates of the projects' kinds passes the projects' own schemas.
#[test]
fn generated_custom_resources_pass_the_projects_crds() {
    let r = registry();
    let mut checked_kinds = std::collections::BTreeSet::new();
    for example in ["isa-user", "revrx", "tally", "vibeyard", "video-ingest"] {
        let path = root().join("examples").join(example).join("stowage.kdl");
        let source = stowage::compile::read_source(Path::new(&path)).unwrap();
        let ir = stowage::compile::check(&source)
            .ir
            .expect("the example compiles");
        for env in std::iter::once(&ir.base).chain(ir.environments.iter()) {
            for o in env.render() {
                let (api_version, kind) = (
                    o["apiVersion"].as_str().unwrap(),
                    o["kind"].as_str().unwrap(),
                );
                if r.custom
                    .iter()
                    .any(|c| c.api_version == api_version && c.kind == kind)
                {
                    let refusals = r.refusals(&o);
                    assert!(
                        refusals.is_empty(),
                        "{example} {}: {kind} {}: {refusals:#?}",
                        env.name,
                        o["metadata"]["name"]
                    );
                    checked_kinds.insert(kind.to_string());
                }
            }
        }
    }
    for kind in ["Rollout", "ScaledObject", "PrometheusRule"] {
        assert!(
            checked_kinds.contains(kind),
            "no example generates a {kind}: {checked_kinds:?}"
        );
    }
}
