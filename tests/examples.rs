//! Every example: its committed output is up to date, every kustomize overlay renders with
//! real kustomize to exactly the objects stowage says the environment has, and every rendered
//! object passes strict Kubernetes schema validation for the spec's Kubernetes version.

mod common;

use common::*;

#[test]
fn golden_output_is_up_to_date() {
    for (name, spec) in examples() {
        let out = root().join("golden").join(&name);
        let o = run(stowage()
            .arg("check")
            .arg("-f")
            .arg(&spec)
            .arg("-o")
            .arg(&out));
        assert!(
            o.status.success(),
            "golden/{name} drifted from examples/{name}/stowage.kdl (run `cargo run -- build -f {} -o {}`):\n{}{}",
            spec.display(),
            out.display(),
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}

#[test]
fn overlays_render_to_the_environments_objects_and_validate() {
    let Some(validate) = tool("kubernetes-validate") else {
        return;
    };
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, spec) in examples() {
        let golden = root().join("golden").join(&name);
        let ir = ir(&spec, &golden);
        assert!(!ir.environments.is_empty(), "{name} has no environments");
        for env in &ir.environments {
            let overlay = golden.join("deploy/kustomize/overlays").join(&env.name);
            let o = run(std::process::Command::new(&kubectl)
                .arg("kustomize")
                .arg(&overlay));
            assert!(
                o.status.success(),
                "kubectl kustomize {} failed:\n{}",
                overlay.display(),
                text(&o.stderr)
            );
            let rendered = text(&o.stdout);
            let from_kustomize = parse_yaml(&rendered);
            let expected = env.render();
            let report = compare_objects("kustomize", &from_kustomize, "stowage", &expected);
            assert!(
                report.is_empty(),
                "{name}/{}: kustomize output differs from the IR:\n{report}",
                env.name
            );

            let file = tmp.path().join(format!("{name}-{}.yaml", env.name));
            std::fs::write(&file, &rendered).unwrap();
            // The spec's version, and an older one the output must also work on.
            for version in [ir.kubernetes.as_str(), "1.29"] {
                let o = run(std::process::Command::new(&validate)
                    .args(["--strict", "--quiet", "-k", version])
                    .arg(&file));
                assert!(
                    o.status.success(),
                    "{name}/{}: kubernetes-validate --strict -k {version} failed:\n{}{}",
                    env.name,
                    text(&o.stdout),
                    text(&o.stderr)
                );
            }
        }
    }
}

#[test]
fn output_is_deterministic() {
    for (name, spec) in examples() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for dir in [&a, &b] {
            let o = run(stowage()
                .arg("build")
                .arg("-f")
                .arg(&spec)
                .arg("-o")
                .arg(dir.path()));
            assert!(o.status.success(), "{name}: {}", text(&o.stderr));
        }
        for entry in walkdir::WalkDir::new(a.path())
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
        {
            let rel = entry.path().strip_prefix(a.path()).unwrap();
            let x = std::fs::read(entry.path()).unwrap();
            let y = std::fs::read(b.path().join(rel)).unwrap_or_default();
            assert_eq!(x, y, "{name}: {} differs between two builds", rel.display());
        }
    }
}
