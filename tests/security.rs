//! What the generated output must never do: carry a secret, give a workflow more rights than it
//! needs, or let pull-request text into a shell script; and it must not depend on chance.

mod common;

use common::{examples, root};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;

fn golden_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root().join("golden"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry
            .path()
            .strip_prefix(root())
            .unwrap()
            .display()
            .to_string();
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        out.push((rel, text));
    }
    assert!(out.len() > 100, "golden/ has only {} files", out.len());
    out
}

#[test]
fn no_secret_looking_string_in_any_golden_file() {
    // The patterns the checker refuses in specs (src/secrets.rs), as secret scanners know them.
    let patterns: Vec<(&str, Regex)> = stowage::secrets::PATTERNS
        .iter()
        .map(|(n, p)| (*n, Regex::new(p).unwrap()))
        .collect();
    // Sealed-secret ciphertext is meant to be committed: only the controller can decrypt it.
    let sealed = Regex::new(r"^\s*[A-Za-z0-9_.-]+: Ag[A-Za-z0-9+/=]{20,}\s*$").unwrap();
    let mut found = Vec::new();
    let files = golden_files();
    for (path, text) in &files {
        for (i, line) in text.lines().enumerate() {
            if sealed.is_match(line) {
                continue;
            }
            for (name, re) in &patterns {
                if let Some(m) = re.find(line) {
                    found.push(format!("{path}:{}: {name}: {}", i + 1, m.as_str()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "secret-looking strings in generated files:\n{}",
        found.join("\n")
    );
    // The patterns find what they are for (the check cannot pass by matching nothing).
    let planted = [
        "key: AKIAIOSFODNN7EXAMPLE",
        "-----BEGIN RSA PRIVATE KEY-----",
        "token: ghp_0123456789abcdefghijABCDEFGHIJ012345",
        "url: postgres://app:hunter22@db:5432/app",
        "DB_PASSWORD: s3cr3tpassw0rd",
        "hook: https://hooks.slack.com/services/T000/B000/XXXX",
    ];
    for p in planted {
        assert!(
            patterns.iter().any(|(_, re)| re.is_match(p)),
            "no pattern finds {p}"
        );
    }
}

/// Credentials anywhere in a spec, or in a file it reads, are refused at the spec: they would
/// reach the generated files.
#[test]
fn credentials_anywhere_in_a_spec_are_refused() {
    let base = r#"
app "shop" {
    namespace "shop"
}
config "files" {
    file "key.pem"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    PLACE
}
environment "dev" {
    policy "dev"
}
pipeline {
    deploy "dev" on="branch:main" credentials="DEV_KUBECONFIG" SMOKE
}
"#;
    let cases = [
        (
            "a GitHub token in args",
            "args \"--auth\" \"ghp_0123456789abcdefghijABCDEFGHIJ012345\"",
            "",
        ),
        (
            "an AWS key in an annotation",
            "annotations \"example.com/aws\"=\"AKIAIOSFODNN7EXAMPLE\"",
            "",
        ),
        (
            "a token in a neutral env var",
            "env {\n        API_URL \"xoxb-0123456789-abcdef\"\n    }",
            "",
        ),
        (
            "a JWT in a command",
            "command \"curl\" \"-H\" \"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x\"",
            "",
        ),
        (
            "a password URL in smoke=",
            "",
            "smoke=\"curl https://admin:hunter2@example.com/health\"",
        ),
        (
            "a literal password in a label-free annotation",
            "annotations note=\"password=correcthorsebattery\"",
            "",
        ),
    ];
    for (what, place, smoke) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("key.pem"), "not a key\n").unwrap();
        let spec = base.replace("PLACE", place).replace("SMOKE", smoke);
        std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
        let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
        let codes: Vec<&str> = stowage::compile::check(&source)
            .diagnostics
            .iter()
            .map(|d| d.code.id)
            .collect();
        assert!(
            codes.contains(&"stowage::secret::plaintext"),
            "{what}: {codes:?}"
        );
    }
    // A private key in a file a config reads.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("key.pem"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    let spec = base.replace("PLACE", "").replace("SMOKE", "");
    std::fs::write(dir.path().join("stowage.kdl"), &spec).unwrap();
    let source = stowage::compile::read_source(&dir.path().join("stowage.kdl")).unwrap();
    let diags = stowage::compile::check(&source).diagnostics;
    assert!(
        diags
            .iter()
            .any(|d| d.code.id == "stowage::secret::plaintext" && d.message.contains("private key")),
        "{diags:?}"
    );
}

#[test]
fn workflows_have_least_privilege_and_no_event_text_in_scripts() {
    let mut workflows = 0;
    for (path, text) in golden_files() {
        if !path.contains("/.github/workflows/") {
            continue;
        }
        workflows += 1;
        assert!(!text.contains("pull_request_target"), "{path}");
        let w: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        // The workflow's default token can read the repository and nothing else.
        assert_eq!(
            w["permissions"],
            serde_json::json!({"contents": "read"}),
            "{path}: top-level permissions"
        );
        for (id, job) in w["jobs"].as_object().unwrap() {
            // Write access only where the job needs it: pushing images (packages), commenting
            // on a pull request, creating a release (contents).
            let releases = job["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["name"] == "Create release");
            if let Some(p) = job.get("permissions") {
                let p = p.as_object().unwrap_or_else(|| panic!("{path} {id}: {p}"));
                for (scope, level) in p {
                    assert!(
                        level == "read"
                            || level == "none"
                            || matches!(scope.as_str(), "packages" | "pull-requests")
                            || (scope == "contents" && releases),
                        "{path}: job {id} gets {scope}: {level}"
                    );
                }
            }
            for step in job["steps"].as_array().into_iter().flatten() {
                if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
                    // Event text (titles, branch names, comments) reaches scripts only through
                    // `env:`, never by `${{ }}` interpolation into the script's source.
                    assert!(
                        !run.contains("github.event") && !run.contains("github.head_ref"),
                        "{path}: job {id} interpolates event text into a script:\n{run}"
                    );
                }
            }
        }
    }
    assert!(workflows >= 4, "only {workflows} workflows checked");
}

/// Every generated file of `spec`, in memory.
fn generate(spec: &Path, text: &str) -> BTreeMap<String, String> {
    let source = stowage::compile::Source {
        path: spec.to_path_buf(),
        text: text.to_string(),
    };
    let checked = stowage::compile::check(&source);
    assert!(!checked.diagnostics.has_errors(), "{}", spec.display());
    let out = spec.parent().unwrap().join("out");
    stowage::compile::generate(&source, checked, &out)
        .expect("compiles")
        .files
        .into_iter()
        .collect()
}

#[test]
fn output_is_identical_across_100_runs() {
    for (name, spec) in examples() {
        let text = std::fs::read_to_string(&spec).unwrap();
        let first = generate(&spec, &text);
        for run in 1..100 {
            assert!(
                generate(&spec, &text) == first,
                "{name}: run {run} differs from the first"
            );
        }
    }
}

#[test]
fn output_does_not_depend_on_the_order_of_top_level_nodes() {
    for (name, spec) in examples() {
        let text = std::fs::read_to_string(&spec).unwrap();
        let mut doc: kdl::KdlDocument = text.parse().unwrap();
        doc.nodes_mut().reverse();
        let reversed = doc.to_string();
        assert_ne!(reversed, text);
        let a = generate(&spec, &text);
        let b = generate(&spec, &reversed);
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: other files"
        );
        let differing: Vec<&String> = a.keys().filter(|p| a[*p] != b[*p]).collect();
        assert!(
            differing.is_empty(),
            "{name}: these files depend on the order of the spec's nodes: {differing:?}"
        );
    }
}
