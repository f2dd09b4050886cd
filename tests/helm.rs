//! The Helm chart of every example: it lints, and for every environment `helm template` with
//! that environment's values file gives the same objects as the kustomize overlay, as judged by
//! the real Helm library and real kustomize.
//!
//! Compared as parsed YAML after removing, from both sides, only what Helm adds by convention:
//! the labels `helm.sh/chart` and `app.kubernetes.io/managed-by` (Helm sets it to `Helm`,
//! kustomize output says `stowage`). Namespace objects are not part of the chart (Helm installs
//! into `--namespace`), so the overlay's Namespace is left out.
//!
//! Jobs differ on purpose: in kustomize a Job is named `NAME-HASH` (a hash of its spec, since a
//! Job cannot be changed in place), in the chart it is `NAME` and a Helm hook, which `helm
//! template` does not print. So the chart's other objects are compared with the overlay's
//! objects without its Jobs, and the Jobs separately: the chart's Job templates must carry the
//! hook annotations, and rendered from a copy of the chart without them (so they are printed)
//! they must equal the overlay's Jobs up to the hash in the name.

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

/// `helm template APP CHART -f VALUES --namespace NS --kube-version` of the spec's version.
fn template(
    helm: &std::path::Path,
    ir: &stowage::ir::Ir,
    chart: &std::path::Path,
    values: &std::path::Path,
    namespace: &str,
) -> std::process::Output {
    run(Command::new(helm)
        .args(["template", &ir.app])
        .arg(chart)
        .arg("-f")
        .arg(values)
        .args([
            "--namespace",
            namespace,
            "--kube-version",
            &format!("{}.0", ir.kubernetes),
        ]))
}

#[test]
fn helm_template_equals_kustomize_for_every_environment() {
    let Some(helm) = tool("helm") else { return };
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let Some(validate) = tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, spec) in examples() {
        let golden = root().join("golden").join(&name);
        let ir = ir(&spec, &golden);
        let chart = golden.join("deploy/helm").join(&ir.app);
        for env in &ir.environments {
            let values = chart.join(format!("values-{}.yaml", env.name));
            let o = template(&helm, &ir, &chart, &values, &env.namespace);
            assert!(
                o.status.success(),
                "{name}/{}: helm template failed:\n{}",
                env.name,
                text(&o.stderr)
            );
            let rendered = text(&o.stdout);
            let mut from_helm = parse_yaml(&rendered);
            let overlay = golden.join("deploy/kustomize/overlays").join(&env.name);
            let k = run(Command::new(&kubectl).arg("kustomize").arg(&overlay));
            assert!(k.status.success(), "{}", text(&k.stderr));
            let (mut jobs_kustomize, mut from_kustomize): (Vec<Value>, Vec<Value>) =
                parse_yaml(&text(&k.stdout))
                    .into_iter()
                    .filter(|v| v["kind"] != "Namespace")
                    .partition(|v| v["kind"] == "Job");
            from_helm.iter_mut().for_each(strip_convention_labels);
            from_kustomize.iter_mut().for_each(strip_convention_labels);
            let report = compare_objects("kustomize", &from_kustomize, "helm", &from_helm);
            assert!(
                report.is_empty(),
                "{name}/{}: helm and kustomize disagree:\n{report}",
                env.name
            );

            // The Jobs: hooks in the chart, rendered from a copy without the hook annotations.
            if !jobs_kustomize.is_empty() {
                let templates = std::fs::read_dir(chart.join("templates"))
                    .unwrap()
                    .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect::<Vec<_>>()
                    .join("\n");
                for (k, v) in stowage::emit::helm::HOOK_ANNOTATIONS {
                    assert_eq!(
                        templates.matches(&format!("{k}: {v}\n")).count(),
                        templates.matches("\nkind: Job\n").count(),
                        "{name}: every Job template is a hook ({k}: {v})"
                    );
                }
                let dir = tmp.path().join(format!("hookless-{name}-{}", env.name));
                let plain = chart_without_hooks(&chart, &dir);
                let o = template(&helm, &ir, &plain, &values, &env.namespace);
                assert!(o.status.success(), "{}", text(&o.stderr));
                let mut jobs_helm: Vec<Value> = parse_yaml(&text(&o.stdout))
                    .into_iter()
                    .filter(|v| v["kind"] == "Job")
                    .collect();
                jobs_helm.iter_mut().for_each(strip_convention_labels);
                jobs_kustomize.iter_mut().for_each(strip_convention_labels);
                jobs_kustomize.iter_mut().for_each(strip_job_hash);
                let report = compare_objects("kustomize", &jobs_kustomize, "helm", &jobs_helm);
                assert!(
                    report.is_empty(),
                    "{name}/{}: helm and kustomize Jobs disagree:\n{report}",
                    env.name
                );
            }

            let file = tmp.path().join(format!("{name}-{}.yaml", env.name));
            std::fs::write(&file, &rendered).unwrap();
            let o = run(Command::new(&validate)
                .args(["--strict", "--quiet", "-k", &ir.kubernetes])
                .arg(&file));
            assert!(
                o.status.success(),
                "{name}/{}: {}{}",
                env.name,
                text(&o.stdout),
                text(&o.stderr)
            );
        }
    }
}

#[test]
fn charts_pass_helm_lint_strict_with_every_values_file() {
    let Some(helm) = tool("helm") else { return };
    for (name, spec) in examples() {
        let golden = root().join("golden").join(&name);
        let ir = ir(&spec, &golden);
        let chart = golden.join("deploy/helm").join(&ir.app);
        let mut runs = vec![None];
        runs.extend(
            ir.environments
                .iter()
                .map(|e| Some(chart.join(format!("values-{}.yaml", e.name)))),
        );
        for values in runs {
            let mut cmd = Command::new(&helm);
            cmd.arg("lint")
                .arg(&chart)
                .arg("--strict")
                .args(["--kube-version", &format!("{}.0", ir.kubernetes)]);
            if let Some(v) = &values {
                cmd.arg("-f").arg(v);
            }
            let o = run(&mut cmd);
            assert!(
                o.status.success(),
                "{name} {values:?}: helm lint --strict failed:\n{}{}",
                text(&o.stdout),
                text(&o.stderr)
            );
        }
    }
}

#[test]
fn values_schema_rejects_a_misspelt_key_and_a_wrong_type() {
    let Some(helm) = tool("helm") else { return };
    let (name, spec) = examples()
        .into_iter()
        .find(|(n, _)| n == "video-ingest")
        .expect("video-ingest example");
    let golden = root().join("golden").join(&name);
    let ir = ir(&spec, &golden);
    let chart = golden.join("deploy/helm").join(&ir.app);
    let tmp = tempfile::tempdir().unwrap();
    for (file, values, expected) in [
        ("typo.yaml", "apii:\n  replicas: 2\n", "apii"),
        ("type.yaml", "api:\n  replicas: \"three\"\n", "replicas"),
    ] {
        let p = tmp.path().join(file);
        std::fs::write(&p, values).unwrap();
        let o = run(Command::new(&helm)
            .args(["template", &ir.app])
            .arg(&chart)
            .arg("-f")
            .arg(&p));
        assert!(!o.status.success(), "{file}: helm accepted bad values");
        let err = text(&o.stderr);
        assert!(
            err.contains(expected) && err.contains("schema"),
            "{file}: unclear error:\n{err}"
        );
    }
}
