//! A large app's kustomize tree is written in parts (`ir::parts`): each part's kustomization
//! renders, with `kubectl kustomize`, to that part of the environment, and together the parts
//! are exactly `stowage render` of the environment, in an environment with a name prefix
//! too (references from one part to another's objects follow the prefix). The deploy applies
//! every part, the Namespace's first, with the commit's images.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use stowage::ir::parts::PART_OBJECTS;

/// bench/gen.py's spec of `services` services: (folder, spec).
fn spec_of(services: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let o = run(Command::new("python3")
        .arg(root().join("bench/gen.py"))
        .arg(services.to_string())
        .arg(dir.path()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let spec = dir.path().join("stowage.kdl");
    (dir, spec)
}

/// `stowage build` of a spec into `out` beside it: the output folder.
fn build(spec: &Path) -> PathBuf {
    let out = spec.with_file_name("out");
    let o = run(stowage()
        .args(["build", "-f"])
        .arg(spec)
        .arg("-o")
        .arg(&out));
    assert!(o.status.success(), "{}", text(&o.stderr));
    out
}

/// bench/gen.py's spec of `services` services, built: (folder, spec, output).
fn generated(services: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, spec) = spec_of(services);
    let out = build(&spec);
    (dir, spec, out)
}

fn kustomize(kubectl: &Path, folder: &Path) -> Vec<Value> {
    let o = run(Command::new(kubectl).arg("kustomize").arg(folder));
    assert!(
        o.status.success(),
        "kubectl kustomize {}: {}",
        folder.display(),
        text(&o.stderr)
    );
    parse_yaml(&text(&o.stdout))
}

fn render(spec: &Path, env: &str) -> Vec<Value> {
    let o = run(stowage()
        .args(["render", "-f"])
        .arg(spec)
        .args(["--env", env]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    parse_yaml(&text(&o.stdout))
}

#[test]
fn each_part_renders_and_together_they_are_the_environment() {
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let (_dir, spec, out) = generated(100);
    let ir = ir(&spec, &out);
    assert!(
        ir.parts.names.len() > 1,
        "the spec is large enough to be split"
    );
    let prefixed = ir.environments.iter().filter(|e| !e.prefix.is_empty());
    assert!(prefixed.count() > 0, "an environment has a name prefix");
    let kust = out.join("deploy/kustomize");
    for env in &ir.environments {
        let folder = kust.join("overlays").join(&env.name);
        assert!(
            !folder.join("kustomization.yaml").exists(),
            "{}: a kustomization over every part would be as slow as one part holding all",
            env.name
        );
        let mut all = Vec::new();
        for (i, part) in ir.parts.names.iter().enumerate() {
            let objects = kustomize(&kubectl, &folder.join(part));
            assert!(
                objects.len() <= PART_OBJECTS,
                "{}/{part}: {} objects",
                env.name,
                objects.len()
            );
            if i == 0 {
                assert!(
                    objects.iter().any(|o| o["kind"] == "Namespace"),
                    "{}: the first part holds the Namespace",
                    env.name
                );
            }
            all.extend(objects);
        }
        let report = compare_objects("kustomize", &all, "stowage", &render(&spec, &env.name));
        assert!(report.is_empty(), "{}:\n{report}", env.name);
    }
    // The base is in the same parts.
    for part in &ir.parts.names {
        assert!(
            kust.join("base")
                .join(part)
                .join("kustomization.yaml")
                .is_file()
        );
    }
}

/// A `kubectl` that, for `apply -k FOLDER`, writes what the real one would apply (and
/// ignores everything else).
fn fake_kubectl(bin: &Path, real: &Path, log: &Path) {
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = apply ] && [ \"$2\" = -k ]; then\n  echo '---' >> '{log}'\n  exec '{real}' kustomize \"$3\" >> '{log}'\nfi\nexit 0\n",
        log = log.display(),
        real = real.display()
    );
    let path = bin.join("kubectl");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn the_deploy_applies_every_part_with_the_commits_images() {
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let (dir, spec, out) = generated(100);
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let gitlab =
        parse_yaml(&std::fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap()).remove(0);
    let github =
        parse_yaml(&std::fs::read_to_string(out.join(".github/workflows/bench.yml")).unwrap())
            .remove(0);
    let release_step = |steps: &Value| -> String {
        let scripts: Vec<String> = steps
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s.as_str().or_else(|| s["run"].as_str()).map(str::to_string))
            .filter(|s| s.contains("kubectl apply -k"))
            .collect();
        assert_eq!(scripts.len(), 1, "one step applies the release");
        scripts[0].clone()
    };
    let scripts = [
        (
            "gitlab",
            release_step(&gitlab["deploy-production"]["script"]),
        ),
        (
            "github",
            release_step(&github["jobs"]["deploy-production"]["steps"]),
        ),
    ];
    // What the release should be: the environment, built images tagged by the commit.
    let built: Vec<String> = scripts[0]
        .1
        .lines()
        .filter_map(|l| l.split("{name: ").nth(1))
        .filter_map(|l| l.split(',').next())
        .map(str::to_string)
        .collect();
    assert!(!built.is_empty(), "the pipeline builds images");
    let mut want = render(&spec, "production");
    for o in &mut want {
        for list in [
            "/spec/template/spec/containers",
            "/spec/jobTemplate/spec/template/spec/containers",
        ] {
            for c in o
                .pointer_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let image = c["image"].as_str().unwrap().to_string();
                let repo = image.rsplit_once(':').map_or(image.as_str(), |(r, _)| r);
                if built.iter().any(|b| b == repo) {
                    c["image"] = Value::String(format!("{repo}:{sha}"));
                }
            }
        }
    }
    for (platform, script) in scripts {
        let bin = tempfile::tempdir().unwrap();
        let log = dir.path().join(format!("applied-{platform}.yaml"));
        fake_kubectl(bin.path(), &kubectl, &log);
        let path = format!(
            "{}:{}",
            bin.path().display(),
            std::env::var("PATH").unwrap()
        );
        let o = run(Command::new("bash")
            .args(["-eo", "pipefail", "-c", &script])
            .current_dir(&out)
            .env("PATH", path)
            .env("CI_COMMIT_SHA", sha)
            .env("GITHUB_SHA", sha));
        assert!(
            o.status.success(),
            "{platform}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        let applied_text = std::fs::read_to_string(&log).unwrap();
        let applied = parse_yaml(&applied_text);
        let first = applied_text
            .split("\n---\n")
            .find(|d| d.contains("kind:"))
            .unwrap_or("");
        assert!(
            first.contains("kind: Namespace"),
            "{platform}: the first part applied holds the Namespace"
        );
        let report = compare_objects("applied", &applied, "stowage", &want);
        assert!(report.is_empty(), "{platform}:\n{report}");
    }
}

#[test]
fn a_gitops_tool_gets_every_part_in_order() {
    let (_dir, spec) = spec_of(100);
    let source = std::fs::read_to_string(&spec).unwrap();
    let source = source
        .replacen(
            "environment \"staging\" {",
            "environment \"staging\" {\n    gitops \"flux\" repo=\"https://example.com/bench.git\"",
            1,
        )
        .replacen(
            "environment \"production\" {",
            "environment \"production\" {\n    gitops \"argocd\" repo=\"https://example.com/bench.git\"",
            1,
        )
        // The deploys publish the releases the tools apply: no cluster credentials.
        .replace(" credentials=\"STAGING_KUBECONFIG\"", "")
        .replace(" credentials=\"PROD_KUBECONFIG\"", "");
    std::fs::write(&spec, source).unwrap();
    let out = build(&spec);
    let parts = ir(&spec, &out).parts.names;
    assert!(parts.len() > 1);
    let registry = gitops_registry();
    let read = |env: &str| {
        parse_yaml(&std::fs::read_to_string(out.join(format!("deploy/gitops/{env}.yaml"))).unwrap())
    };
    for o in read("staging").iter().chain(&read("production")) {
        let refusals = registry.refusals(o);
        assert!(refusals.is_empty(), "{}: {refusals:#?}", key(o));
    }
    // Argo CD: one source per part, each a folder of its own.
    let app = &read("production")[0];
    let paths: Vec<&str> = app["spec"]["sources"]
        .as_array()
        .expect("an Application with sources")
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    let want: Vec<String> = parts
        .iter()
        .map(|p| format!("deploy/kustomize/.release-production/{p}"))
        .collect();
    assert!(
        paths
            .iter()
            .zip(&want)
            .all(|(p, w)| p.ends_with(w.as_str()))
            && paths.len() == want.len(),
        "{paths:?}"
    );
    // Flux: a Kustomization per part, each after the one before.
    let flux = read("staging");
    let ks: Vec<&Value> = flux
        .iter()
        .filter(|o| o["kind"] == "Kustomization")
        .collect();
    assert_eq!(ks.len(), parts.len());
    for (i, k) in ks.iter().enumerate() {
        assert!(
            k["spec"]["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!(".release-staging/{}", parts[i]))
        );
        let after = k["spec"]["dependsOn"][0]["name"].as_str();
        assert_eq!(
            after,
            (i > 0).then(|| ks[i - 1]["metadata"]["name"].as_str().unwrap())
        );
    }
}
