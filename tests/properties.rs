//! Properties of generated specs (tests/generated: random workloads, environments and
//! overrides, hostile strings).
//!
//! In process, with shrinking (`PROPTEST_CASES` cases, 64 by default): every generated spec
//! compiles without errors; two builds are byte-identical, also with the top-level nodes in
//! another order; every string the spec hands to Kubernetes reaches an object unchanged.
//!
//! Against the real tools, on a fixed-seed batch (`STOWAGE_GENERATED_CASES`, 120 by default):
//! for every environment, `kubectl kustomize` of the overlay equals `stowage render`, `helm
//! template` with the environment's values file equals both, and the objects pass
//! `kubernetes-validate --strict`. A failure prints the spec, which becomes a regression test.

mod common;
mod generated;

use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Write the spec (and the files its configs read) into `dir`; compile it. Panics with the
/// spec's text when it has errors.
fn compile(dir: &Path, text: &str, files: &[(String, String)]) -> stowage::compile::Generated {
    for (path, contents) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    let spec = dir.join("stowage.kdl");
    std::fs::write(&spec, text).unwrap();
    let source = stowage::compile::read_source(&spec).unwrap();
    let checked = stowage::compile::check(&source);
    if checked.diagnostics.has_errors() {
        panic!(
            "{}",
            generated::compile(text, files).err().unwrap_or_default()
        );
    }
    stowage::compile::generate(&source, checked, dir).expect("compiles")
}

/// What `stowage render --env` prints, as data: the spec checked with only `env` lowered.
fn render(dir: &Path, env: &str) -> Vec<Value> {
    let source = stowage::compile::read_source(&dir.join("stowage.kdl")).unwrap();
    let ir = stowage::compile::check_environment(&source, env)
        .ir
        .expect("compiles");
    let e = ir.environments.iter().find(|e| e.name == env).unwrap();
    e.render()
}

proptest! {
    #![proptest_config(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn generated_specs_compile_deterministically_and_keep_every_string(
        spec in generated::spec(),
        seed in any::<u64>(),
    ) {
        if let Err(e) = generated::invariants(&spec, seed) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// The regression specs, in name order.
fn regressions() -> Vec<(String, Vec<(String, String)>)> {
    let dir = root().join("tests/generated/regressions");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 7,
        "regression specs missing in {}",
        dir.display()
    );
    paths
        .into_iter()
        .map(|p| (std::fs::read_to_string(p).unwrap(), Vec::new()))
        .collect()
}

/// One environment of one generated case, rendered three ways.
struct Rendered {
    case: usize,
    env: String,
    namespace: String,
    from_stowage: Vec<Value>,
    from_kustomize: Vec<Value>,
}

#[test]
fn generated_specs_render_the_same_in_kustomize_helm_and_stowage() {
    let (Some(kubectl), Some(helm), Some(validate)) =
        (tool("kubectl"), tool("helm"), tool("kubernetes-validate"))
    else {
        return;
    };
    let cases: usize = std::env::var("STOWAGE_GENERATED_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let tmp = tempfile::tempdir().unwrap();
    // STOWAGE_GENERATED_KEEP=DIR keeps every case's folder there, for a closer look.
    let tmp_path = match std::env::var_os("STOWAGE_GENERATED_KEEP") {
        Some(d) => {
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).unwrap();
            PathBuf::from(d)
        }
        None => tmp.path().to_path_buf(),
    };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = generated::spec();
    // Failures the generator found, kept as specs (tests/generated/regressions), then new ones.
    let mut inputs: Vec<(String, Vec<(String, String)>)> = regressions();
    for _ in 0..cases {
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        inputs.push((spec.to_kdl(), spec.files()));
    }
    let cases = inputs.len();
    let mut specs = Vec::new();
    let mut jobs = Vec::new();
    for (case, (text, files)) in inputs.into_iter().enumerate() {
        let dir = tmp_path.join(format!("case-{case}"));
        std::fs::create_dir(&dir).unwrap();
        let g = compile(&dir, &text, &files);
        let files =
            stowage::output::with_manifest(g.files, &stowage::emit::header(&g.ir.spec_file));
        stowage::output::write(&dir, &files, &Default::default()).unwrap();
        let chart = dir.join("deploy/helm").join(&g.ir.app);
        let plain = chart_without_hooks(&chart, &dir.join("hookless"));
        for env in &g.ir.environments {
            let values = chart.join(format!("values-{}.yaml", env.name));
            for c in [&chart, &plain] {
                jobs.push(serde_json::json!({
                    "name": g.ir.app,
                    "chart": c,
                    "values": [values],
                    "namespace": env.namespace,
                    "kube_version": format!("{}.0", g.ir.kubernetes),
                }));
            }
        }
        specs.push((text, g.ir, dir));
    }
    // kustomize: each overlay, on both cores.
    let overlays: Vec<(usize, String, PathBuf, String, Vec<Value>)> = specs
        .iter()
        .enumerate()
        .flat_map(|(case, (_, ir, dir))| {
            ir.environments.iter().map(move |e| {
                (
                    case,
                    e.name.clone(),
                    dir.join("deploy/kustomize/overlays").join(&e.name),
                    e.namespace.clone(),
                    render(dir, &e.name),
                )
            })
        })
        .collect();
    let rendered: Vec<Result<Rendered, String>> = std::thread::scope(|s| {
        let chunks: Vec<_> = overlays
            .chunks(overlays.len().div_ceil(2).max(1))
            .map(|chunk| {
                let kubectl = &kubectl;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(case, env, overlay, namespace, from_stowage)| {
                            let o = run(Command::new(kubectl).arg("kustomize").arg(overlay));
                            if !o.status.success() {
                                return Err(format!(
                                    "case {case}/{env}: kubectl kustomize failed: {}",
                                    text(&o.stderr)
                                ));
                            }
                            let rendered = text(&o.stdout);
                            std::fs::write(overlay.join("rendered.yaml"), &rendered).unwrap();
                            Ok(Rendered {
                                case: *case,
                                env: env.clone(),
                                namespace: namespace.clone(),
                                from_stowage: from_stowage.clone(),
                                from_kustomize: parse_yaml(&rendered),
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let jobs_file = tmp_path.join("helm-jobs.json");
    std::fs::write(&jobs_file, serde_json::to_string(&jobs).unwrap()).unwrap();
    let o = run(Command::new(&helm).arg("template-batch").arg(&jobs_file));
    assert!(
        o.status.success(),
        "helm template-batch: {}",
        text(&o.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(results.len(), jobs.len());

    let mut failures: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut helm_results = results.chunks(2);
    let mut validated = Vec::new();
    for r in rendered {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                let case: usize = e[5..].split('/').next().unwrap().parse().unwrap();
                failures.entry(case).or_default().push(e);
                helm_results.next();
                continue;
            }
        };
        let fail = |failures: &mut BTreeMap<usize, Vec<String>>, m: String| {
            failures
                .entry(r.case)
                .or_default()
                .push(format!("{}: {m}", r.env))
        };
        let report = compare_objects("kustomize", &r.from_kustomize, "stowage", &r.from_stowage);
        if !report.is_empty() {
            fail(
                &mut failures,
                format!("kustomize differs from stowage render:\n{report}"),
            );
        }
        let dangling = dangling_references(&r.from_stowage);
        if !dangling.is_empty() {
            fail(
                &mut failures,
                format!("references name nothing:\n{}", dangling.join("\n")),
            );
        }
        let pair = helm_results.next().unwrap();
        let (original, hookless) = (&pair[0], &pair[1]);
        if let Some(e) = original.get("error") {
            fail(&mut failures, format!("helm template failed: {e}"));
        } else if let Some(e) = hookless.get("error") {
            fail(
                &mut failures,
                format!("helm template (hooks off) failed: {e}"),
            );
        } else {
            let mut from_helm = parse_yaml(hookless["manifest"].as_str().unwrap());
            let mut from_kustomize: Vec<Value> = r
                .from_kustomize
                .iter()
                .filter(|v| v["kind"] != "Namespace")
                .cloned()
                .collect();
            for v in from_kustomize.iter_mut().filter(|v| v["kind"] == "Job") {
                strip_job_hash(v);
            }
            from_helm.iter_mut().for_each(strip_convention_labels);
            from_kustomize.iter_mut().for_each(strip_convention_labels);
            let report = compare_objects("kustomize", &from_kustomize, "helm", &from_helm);
            if !report.is_empty() {
                fail(
                    &mut failures,
                    format!("helm differs from kustomize:\n{report}"),
                );
            }
        }
        let _ = &r.namespace;
        validated.push((
            r.case,
            r.env.clone(),
            specs[r.case]
                .2
                .join("deploy/kustomize/overlays")
                .join(&r.env)
                .join("rendered.yaml"),
        ));
    }
    // kubernetes-validate --strict at the version each spec targets, one process per version.
    let mut versions: Vec<&str> = specs.iter().map(|s| s.1.kubernetes.as_str()).collect();
    versions.sort_unstable();
    versions.dedup();
    for version in versions {
        let of_version: Vec<&(usize, String, PathBuf)> = validated
            .iter()
            .filter(|v| specs[v.0].1.kubernetes == version)
            .collect();
        if of_version.is_empty() {
            continue;
        }
        let o = run(Command::new(&validate)
            .args(["--strict", "--quiet", "-k", version])
            .args(of_version.iter().map(|v| &v.2)));
        if o.status.success() {
            continue;
        }
        let out = text(&o.stdout) + &text(&o.stderr);
        for (case, env, file) in of_version.iter().map(|v| (&v.0, &v.1, &v.2)) {
            let name = file.display().to_string();
            let lines: Vec<&str> = out.lines().filter(|l| l.contains(&name)).collect();
            if !lines.is_empty() {
                failures
                    .entry(*case)
                    .or_default()
                    .push(format!("{env}: kubernetes-validate:\n{}", lines.join("\n")));
            }
        }
        if failures.is_empty() {
            panic!("kubernetes-validate {version} failed:\n{out}");
        }
    }
    if !failures.is_empty() {
        let mut report = format!("{} of {cases} generated specs fail:\n", failures.len());
        for (case, msgs) in failures.iter().take(3) {
            report.push_str(&format!(
                "\n=== case {case}\n{}\n--- spec:\n{}\n",
                msgs.join("\n"),
                specs[*case].0
            ));
        }
        let cases: Vec<String> = failures.keys().map(|c| c.to_string()).collect();
        report.push_str(&format!("\nfailing cases: {}\n", cases.join(", ")));
        panic!("{report}");
    }
}
