//! Generated jobs start at the repository root and find the spec and the output from there:
//! the drift job's own command, run from the root, finds no drift wherever the spec and the
//! output sit in the repository; a spec outside the repository is refused.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SPEC: &str = r#"
app "shop" {
    namespace "shop"
}

worker "mailer" {
    image "mailer" tag="2.0.1"
}

environment "dev" {
    policy "dev"
}

pipeline {
    platforms "github" "gitlab"
    deploy "dev" on="branch:main" credentials="DEV_KUBECONFIG"
}
"#;

fn git_repo(dir: &Path) {
    let o = run(Command::new("git").arg("init").arg("-q").arg(dir));
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// Build `spec` into `out`; the status and standard error.
fn build(spec: &Path, out: &Path) -> (bool, String) {
    let o = run(stowage().args(["build", "-f"]).arg(spec).arg("-o").arg(out));
    (o.status.success(), text(&o.stderr))
}

/// The drift job's `stowage check` line, on each platform.
fn drift_commands(out: &Path) -> Vec<String> {
    let gitlab: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap())
            .unwrap();
    let github: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(out.join(".github/workflows/shop.yml")).unwrap(),
    )
    .unwrap();
    let gl = gitlab["drift"]["script"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|l| l.starts_with("stowage check"))
        .unwrap()
        .to_string();
    let gh = github["jobs"]["drift"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "stowage check")
        .and_then(|s| s["run"].as_str())
        .unwrap()
        .replace("stowage --message-format github check", "stowage check");
    vec![gl, gh]
}

/// Run a generated `stowage ...` line from the repository root with this stowage.
fn run_from_root(root: &Path, line: &str) -> (bool, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_stowage"));
    let o = Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(root)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.parent().unwrap().display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .output()
        .unwrap();
    (o.status.success(), text(&o.stderr))
}

#[test]
fn the_drift_job_finds_the_spec_and_the_output_from_the_root() {
    // (where the spec is, where the output goes), both from the repository root.
    let layouts = [
        ("stowage.kdl", "."),
        ("apps/shop/stowage.kdl", "."),
        ("apps/shop/stowage.kdl", "apps/shop"),
        ("apps/shop/stowage.kdl", "generated/shop"),
        ("stowage.kdl", "deploy-config"),
    ];
    for (spec_at, out_at) in layouts {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git_repo(root);
        let spec = root.join(spec_at);
        std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
        std::fs::write(&spec, SPEC).unwrap();
        let out = root.join(out_at);
        let (ok, stderr) = build(&spec, &out);
        assert!(ok, "{spec_at} -> {out_at}: {stderr}");
        assert_eq!(
            stderr.contains("stowage::pipeline::root"),
            out_at != ".",
            "{spec_at} -> {out_at}: {stderr}"
        );
        for line in drift_commands(&out) {
            assert!(!line.contains(".."), "{spec_at} -> {out_at}: {line}");
            let (ok, stderr) = run_from_root(root, &line);
            assert!(ok, "{spec_at} -> {out_at}: `{line}` failed: {stderr}");
        }
        // The deploy's kustomization names an overlay that is there, from the root.
        let gitlab = std::fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap();
        let dir_line = gitlab
            .lines()
            .find_map(|l| l.trim().strip_prefix("dir="))
            .expect("a release folder");
        let release = dir_line.trim_matches(|c| c == '"' || c == '\'');
        // `resources: [../overlays/dev]`, from the release folder the job makes.
        let overlay = root
            .join(release)
            .parent()
            .unwrap()
            .join("overlays/dev/kustomization.yaml");
        assert!(
            overlay.exists(),
            "{spec_at} -> {out_at}: {}",
            overlay.display()
        );
    }
}

#[test]
fn a_spec_outside_the_repository_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(&repo).unwrap();
    git_repo(&repo);
    let spec = elsewhere.join("stowage.kdl");
    std::fs::write(&spec, SPEC).unwrap();
    let (ok, stderr) = build(&spec, &repo);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("stowage::pipeline::outside"), "{stderr}");
    assert!(!repo.join(".gitlab-ci.yml").exists());
}

/// `drift #true every-app=#true`: the one drift job checks every app of the repository from
/// the root, and fails when any of them is stale.
#[test]
fn a_drift_job_for_every_app_checks_them_all_from_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git_repo(root);
    let with_every_app = SPEC.replace(
        "    platforms \"github\" \"gitlab\"\n",
        "    platforms \"github\" \"gitlab\"\n    drift #true every-app=#true\n",
    );
    assert_ne!(with_every_app, SPEC);
    let blog = SPEC
        .replace("\"shop\"", "\"blog\"")
        .replace("pipeline {", "/-pipeline {");
    for (at, spec) in [
        ("apps/shop", with_every_app.as_str()),
        ("apps/blog", blog.as_str()),
    ] {
        let folder = root.join(at);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("stowage.kdl"), spec).unwrap();
        let o = run(stowage().current_dir(&folder).arg("build"));
        assert!(o.status.success(), "{at}: {}", text(&o.stderr));
    }
    let lines = drift_commands(&root.join("apps/shop"));
    for line in &lines {
        assert!(line.ends_with("check --all"), "{line}");
        let (ok, stderr) = run_from_root(root, line);
        assert!(ok, "`{line}` failed: {stderr}");
        assert!(stderr.contains("2 specs: 2 ok"), "{stderr}");
    }
    // The other app's spec changes and its output is not rebuilt: the job fails on it.
    let blog_spec = root.join("apps/blog/stowage.kdl");
    let changed = std::fs::read_to_string(&blog_spec)
        .unwrap()
        .replace("tag=\"2.0.1\"", "tag=\"2.0.2\"");
    std::fs::write(&blog_spec, changed).unwrap();
    for line in &lines {
        let (ok, stderr) = run_from_root(root, line);
        assert!(!ok, "`{line}` passed on a stale app: {stderr}");
        assert!(stderr.contains("apps/blog/stowage.kdl"), "{stderr}");
    }
}
