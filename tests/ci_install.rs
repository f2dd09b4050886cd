//! Generated pipelines install stowage from where the pipeline says, and what they install is
//! this stowage: the install lines of the GitLab drift job and of the GitHub drift job, run
//! under bash against a release archive on a `file://` URL, give a working `stowage`; a wrong
//! checksum installs nothing; by default the pipeline installs this project's own crate at this
//! version, never the unrelated `stowage` crate.

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
"#;

/// Build a spec with this pipeline; give the GitLab and GitHub drift jobs.
fn drift_jobs(dir: &Path, pipeline: &str) -> (Value, Value) {
    let spec = dir.join("stowage.kdl");
    std::fs::write(
        &spec,
        format!("{SPEC}\npipeline {{\n    platforms \"github\" \"gitlab\"\n{pipeline}\n}}\n"),
    )
    .unwrap();
    let o = run(stowage()
        .args(["build", "-f"])
        .arg(&spec)
        .arg("-o")
        .arg(dir));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let gitlab: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(dir.join(".gitlab-ci.yml")).unwrap())
            .unwrap();
    let github: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(dir.join(".github/workflows/shop.yml")).unwrap(),
    )
    .unwrap();
    (gitlab["drift"].clone(), github["jobs"]["drift"].clone())
}

/// The GitLab job's lines before `stowage check`, as one bash script.
fn gitlab_install(job: &Value) -> String {
    let lines: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .take_while(|l| !l.starts_with("stowage "))
        .collect();
    lines.join("\n")
}

/// The GitHub job's "Install stowage" step.
fn github_install(job: &Value) -> String {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Install stowage")
        .and_then(|s| s["run"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Run an install script under bash with a fresh home; give its status and the home.
fn install(script: &str, home: &Path) -> bool {
    let github_path = home.join("github-path");
    let o = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .env("HOME", home)
        .env("TMPDIR", home)
        .env("GITHUB_PATH", &github_path)
        .output()
        .unwrap();
    o.status.success()
}

fn version_of(binary: &Path) -> String {
    let o = run(Command::new(binary).arg("--version"));
    assert!(o.status.success());
    text(&o.stdout)
}

/// This stowage as a release archive in `dir`; its `file://` URL and SHA-256.
fn release(dir: &Path) -> (String, String) {
    let stage = dir.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_stowage"), stage.join("stowage")).unwrap();
    let archive = dir.join("stowage-x86_64-unknown-linux-gnu.tar.gz");
    let o = run(Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg("stowage"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let sha = stowage::output::digest(&std::fs::read(&archive).unwrap());
    (format!("file://{}", archive.display()), sha)
}

#[test]
fn the_install_lines_of_both_platforms_give_this_stowage() {
    let dir = tempfile::tempdir().unwrap();
    let (url, sha) = release(dir.path());
    let out = dir.path().join("repo");
    std::fs::create_dir_all(&out).unwrap();
    let (gitlab, github) = drift_jobs(
        &out,
        &format!("    stowage binary=\"{url}\" sha256=\"{sha}\""),
    );
    let ours = version_of(Path::new(env!("CARGO_BIN_EXE_stowage")));
    for (platform, script) in [
        ("gitlab", gitlab_install(&gitlab)),
        ("github", github_install(&github)),
    ] {
        assert!(script.contains("sha256sum -c"), "{platform}: {script}");
        let home = dir.path().join(platform);
        std::fs::create_dir_all(&home).unwrap();
        assert!(
            install(&script, &home),
            "{platform}'s install failed:\n{script}"
        );
        let installed = home.join(".local/bin/stowage");
        assert_eq!(version_of(&installed), ours, "{platform}");
        if platform == "github" {
            let path = std::fs::read_to_string(home.join("github-path")).unwrap();
            assert_eq!(path.trim(), home.join(".local/bin").display().to_string());
        }
    }
    assert!(
        gitlab["script"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("export PATH=")),
        "the GitLab job puts the binary on PATH: {gitlab:#}"
    );
}

#[test]
fn a_binary_with_another_checksum_is_not_installed() {
    let dir = tempfile::tempdir().unwrap();
    let (url, sha) = release(dir.path());
    let wrong: String = sha.chars().rev().collect();
    let out = dir.path().join("repo");
    std::fs::create_dir_all(&out).unwrap();
    let (gitlab, github) = drift_jobs(
        &out,
        &format!("    stowage binary=\"{url}\" sha256=\"{wrong}\""),
    );
    for (platform, script) in [
        ("gitlab", gitlab_install(&gitlab)),
        ("github", github_install(&github)),
    ] {
        let home = dir.path().join(platform);
        std::fs::create_dir_all(&home).unwrap();
        assert!(
            !install(&script, &home),
            "{platform} installed a binary that does not match"
        );
        assert!(!home.join(".local/bin/stowage").exists(), "{platform}");
    }
}

#[test]
fn by_default_pipelines_install_this_projects_crate_at_this_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let package = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    assert_ne!(
        package, "stowage",
        "`stowage` on crates.io is another project"
    );
    let dir = tempfile::tempdir().unwrap();
    let (gitlab, github) = drift_jobs(dir.path(), "");
    let want = format!(
        "cargo install {package} --locked --version {}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(gitlab_install(&gitlab), want);
    assert_eq!(github_install(&github).trim(), want);
    // Every example's pipelines install the same way.
    for (name, spec) in examples() {
        let golden = root().join("golden").join(&name);
        for file in [
            ".gitlab-ci.yml".to_string(),
            format!(".github/workflows/{name}.yml"),
        ] {
            let Ok(text) = std::fs::read_to_string(golden.join(&file)) else {
                continue;
            };
            assert!(!text.contains("cargo install stowage "), "{name} {file}");
            assert!(
                text.contains(&want),
                "{name} {file} does not install {package}"
            );
        }
        let _ = spec;
    }
}

#[test]
fn an_image_pinned_by_digest_runs_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let image = format!("ghcr.io/acme/stowage@sha256:{}", "ab".repeat(32));
    let (gitlab, github) = drift_jobs(dir.path(), &format!("    stowage image=\"{image}\""));
    assert_eq!(gitlab["image"], image.as_str());
    assert_eq!(gitlab_install(&gitlab), "");
    assert_eq!(github["container"]["image"], image.as_str());
    assert_eq!(github_install(&github), "");
}

#[test]
fn sources_that_cannot_be_verified_are_refused() {
    let sources = [
        r#"stowage git="https://github.com/acme/stowage" rev="main""#,
        r#"stowage git="https://github.com/acme/stowage""#,
        r#"stowage binary="https://example.com/stowage.tar.gz""#,
        r#"stowage binary="http://example.com/stowage" sha256="00""#,
        r#"stowage binary="https://example.com/stowage" sha256="not-a-checksum""#,
        r#"stowage image="ghcr.io/acme/stowage:0.1.0""#,
        r#"stowage crate="0.1""#,
        r#"stowage crate="^0.1.0""#,
        r#"stowage crate="0.1.0" image="x@sha256:00""#,
        "stowage",
    ];
    for s in sources {
        let spec = format!("{SPEC}\npipeline {{\n    {s}\n}}\n");
        let (_, diags) = stowage::syntax::parse(&spec);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, ["stowage::pipeline::install"], "{s}");
    }
    let fine = format!(
        r#"stowage git="https://github.com/acme/stowage" rev="{}""#,
        "0123456789abcdef0123456789abcdef01234567"
    );
    let spec = format!("{SPEC}\npipeline {{\n    {fine}\n}}\n");
    let (spec, diags) = stowage::syntax::parse(&spec);
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert!(spec.unwrap().pipeline.unwrap().install.is_some());
}
