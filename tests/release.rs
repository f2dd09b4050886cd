//! stowage's own delivery: the release workflow, the composite action, the image and the
//! pre-commit hooks pass the linters there are here (actionlint, the GitHub schemas through
//! check-jsonschema, trivy's Dockerfile checks), and the commands they run are commands this
//! stowage has.

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

fn lint(tool_name: &str, args: &[&str]) {
    let Some(t) = tool(tool_name) else { return };
    let o = run(Command::new(t).args(args).current_dir(root()));
    assert!(
        o.status.success(),
        "{tool_name} {args:?}:\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn the_release_workflow_passes_actionlint_and_the_schema() {
    lint("actionlint", &[".github/workflows/release.yml"]);
    lint(
        "check-jsonschema",
        &[
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/release.yml",
        ],
    );
    let w = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(w.contains(target), "no build for {target}");
    }
    assert!(
        w.contains("sha256sum -c"),
        "checksums are verified before the release"
    );
}

#[test]
fn the_action_passes_the_schema_and_its_check_runs() {
    lint(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
    );
    let action: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap())
            .unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    // Inputs reach the shell through the environment only.
    for s in steps {
        let script = s["run"].as_str().unwrap_or_default();
        assert!(
            !script.contains("${{"),
            "an input spliced into a script: {script}"
        );
    }
    assert_eq!(
        action["inputs"]["version"]["default"],
        env!("CARGO_PKG_VERSION"),
        "the action installs this version"
    );
    // Its check step, run as the action runs it, passes on an example and its golden output.
    let check = steps
        .iter()
        .find(|s| s["name"] == "stowage check")
        .and_then(|s| s["run"].as_str())
        .unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_stowage"));
    let o = run(Command::new("bash")
        .args(["-eo", "pipefail", "-c", check])
        .current_dir(root())
        .env("SPEC", "examples/tally/stowage.kdl")
        .env("OUT", "golden/tally")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.parent().unwrap().display(),
                std::env::var("PATH").unwrap()
            ),
        ));
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn the_image_passes_trivys_dockerfile_checks() {
    let Some(trivy) = tool("trivy") else { return };
    let o = run(Command::new(trivy)
        .args(["config", "--quiet", "--format", "json", "Dockerfile"])
        .current_dir(root()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let failures: Vec<String> = report["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Misconfigurations"].as_array().into_iter().flatten())
        .filter(|m| m["Status"] == "FAIL")
        .map(|m| format!("{} {}: {}", m["ID"], m["Severity"], m["Title"]))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("--locked") && dockerfile.contains("--bin stowage"));
}

#[test]
fn the_pre_commit_hooks_run_commands_stowage_has() {
    let hooks: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hooks = hooks.as_array().unwrap();
    assert!(!hooks.is_empty());
    let mut ids = std::collections::HashSet::new();
    for h in hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(h[key].is_string(), "a hook without {key}: {h}");
        }
        assert!(
            ids.insert(h["id"].as_str().unwrap()),
            "two hooks {}",
            h["id"]
        );
        let entry: Vec<&str> = h["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "stowage");
        // The hook's command on an example, from its folder, as pre-commit runs it.
        let o = run(stowage()
            .args(&entry[1..])
            .arg("-f")
            .arg(root().join("examples/tally/stowage.kdl"))
            .args(if entry[1] == "check" {
                vec![
                    "-o".to_string(),
                    root().join("golden/tally").display().to_string(),
                ]
            } else {
                vec![]
            }));
        assert!(o.status.success(), "{}: {}", h["id"], text(&o.stderr));
    }
}
