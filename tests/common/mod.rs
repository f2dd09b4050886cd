//! Helpers shared by the integration tests: the stowage binary, external tools, YAML.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod kdl_oracle;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The stowage binary built for this test run.
pub fn stowage() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stowage"));
    c.env("NO_COLOR", "1");
    c
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An external tool, looked up on PATH and in the project's `.tools/bin`. Missing tools fail
/// the test under CI (CI=true) and skip it elsewhere, saying how to install them.
pub fn tool(name: &str) -> Option<PathBuf> {
    let local = root().join(".tools/bin").join(name);
    if local.is_file() {
        return Some(local);
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("`{name}` is required under CI: run `bash scripts/setup-tools.sh`");
    }
    eprintln!("skipping: `{name}` is not installed (run `bash scripts/setup-tools.sh`)");
    None
}

/// Every example: (name, spec path).
pub fn examples() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("stowage.kdl").is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().join("stowage.kdl"),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no examples found");
    out
}

/// Compile a spec with the library: its IR.
pub fn ir(spec: &Path, out: &Path) -> stowage::ir::Ir {
    let source = stowage::compile::read_source(spec).expect("spec readable");
    let checked = stowage::compile::check(&source);
    assert!(
        !checked.diagnostics.has_errors(),
        "{} has errors: {:?}",
        spec.display(),
        checked.diagnostics
    );
    stowage::compile::generate(&source, checked, out)
        .expect("spec compiles")
        .ir
}

/// Parse a multi-document YAML stream into JSON values (empty documents dropped).
pub fn parse_yaml(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text)
        .unwrap_or_else(|e| panic!("invalid YAML: {e}\n{text}"))
        .into_iter()
        .filter(|v| !v.is_null())
        .collect()
}

/// Key of an object: kind/name.
pub fn key(v: &Value) -> String {
    format!(
        "{}/{}",
        v["kind"].as_str().unwrap_or("?"),
        v["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// Field paths where two values differ (`/spec/replicas: 2 -> 3`).
pub fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => differences(v, w, &format!("{path}/{k}"), out),
                    None => out.push(format!("{path}/{k}: {v} -> (absent)")),
                }
            }
            for (k, w) in y {
                if !x.contains_key(k) {
                    out.push(format!("{path}/{k}: (absent) -> {w}"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differences(v, w, &format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} -> {b}")),
        _ => {}
    }
}

/// Compare two object sets; returns a readable report of every difference (empty when equal).
pub fn compare_objects(
    left_name: &str,
    left: &[Value],
    right_name: &str,
    right: &[Value],
) -> String {
    use std::collections::BTreeMap;
    let l: BTreeMap<String, &Value> = left.iter().map(|v| (key(v), v)).collect();
    let r: BTreeMap<String, &Value> = right.iter().map(|v| (key(v), v)).collect();
    let mut report = String::new();
    for k in l.keys().filter(|k| !r.contains_key(*k)) {
        report.push_str(&format!("only in {left_name}: {k}\n"));
    }
    for k in r.keys().filter(|k| !l.contains_key(*k)) {
        report.push_str(&format!("only in {right_name}: {k}\n"));
    }
    for (k, a) in &l {
        if let Some(b) = r.get(k) {
            let mut diffs = Vec::new();
            differences(a, b, "", &mut diffs);
            if !diffs.is_empty() {
                report.push_str(&format!("{k} differs ({left_name} -> {right_name}):\n"));
                for d in diffs {
                    report.push_str(&format!("  {d}\n"));
                }
            }
        }
    }
    report
}

pub const CONVENTION_LABELS: &[&str] = &["helm.sh/chart", "app.kubernetes.io/managed-by"];

/// A copy of the chart whose Job templates are plain resources (no hook annotations).
pub fn chart_without_hooks(chart: &std::path::Path, into: &std::path::Path) -> std::path::PathBuf {
    let copy = into.join(chart.file_name().unwrap());
    for entry in walkdir::WalkDir::new(chart) {
        let entry = entry.unwrap();
        let to = copy.join(entry.path().strip_prefix(chart).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if entry.path().parent().unwrap().ends_with("templates") {
            for (k, v) in stowage::emit::helm::HOOK_ANNOTATIONS {
                let line = format!("    {k}: {v}\n");
                text = text.replace(&line, "");
            }
            text = text.replace("  annotations:\nspec:", "spec:");
        }
        std::fs::write(&to, text).unwrap();
    }
    copy
}

/// `NAME-HASH` without `-HASH` (eight hex digits), checking that the hash is there.
pub fn strip_job_hash(job: &mut Value) {
    let name = job["metadata"]["name"].as_str().unwrap().to_string();
    let (base, hash) = name.rsplit_once('-').expect("a Job named NAME-HASH");
    assert!(
        hash.len() == stowage::ir::JOB_HASH_LEN - 1 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "Job `{name}` does not end in its spec hash"
    );
    job["metadata"]["name"] = Value::String(base.to_string());
}

/// Remove the labels Helm adds by convention (`helm.sh/chart`, `app.kubernetes.io/managed-by`).
pub fn strip_convention_labels(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "labels"
                    && let Value::Object(labels) = x
                {
                    for l in CONVENTION_LABELS {
                        labels.remove(*l);
                    }
                }
                strip_convention_labels(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_convention_labels),
        _ => {}
    }
}

/// The references between objects of one environment that name no object of it: what a
/// Rollout, an autoscaler, a binding, an ingress or a pod names. Every reference a generated
/// spec makes is to an object of its own.
pub fn dangling_references(objects: &[Value]) -> Vec<String> {
    let exists = |kind: &str, name: &Value| {
        objects
            .iter()
            .any(|o| o["kind"] == kind && o["metadata"]["name"] == *name)
    };
    let mut out = Vec::new();
    let mut want = |o: &Value, what: &str, kind: &str, name: &Value| {
        if name.is_string() && !exists(kind, name) {
            out.push(format!(
                "{}: {what} names {kind} {name}, which it does not have",
                key(o)
            ));
        }
    };
    for o in objects {
        let spec = &o["spec"];
        match o["kind"].as_str().unwrap_or_default() {
            "Rollout" => {
                let s = &spec["strategy"];
                for f in ["canaryService", "stableService"] {
                    want(o, f, "Service", &s["canary"][f]);
                }
                for f in ["activeService", "previewService"] {
                    want(o, f, "Service", &s["blueGreen"][f]);
                }
                want(
                    o,
                    "stableIngress",
                    "Ingress",
                    &s["canary"]["trafficRouting"]["nginx"]["stableIngress"],
                );
                for step in s["canary"]["steps"].as_array().into_iter().flatten() {
                    for t in step["analysis"]["templates"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        want(o, "analysis", "AnalysisTemplate", &t["templateName"]);
                    }
                }
            }
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let t = &spec["scaleTargetRef"];
                let kind = t["kind"].as_str().unwrap_or("Deployment");
                want(o, "scaleTargetRef", kind, &t["name"]);
            }
            "RoleBinding" => {
                want(
                    o,
                    "roleRef",
                    spec_or(&o["roleRef"]["kind"]),
                    &o["roleRef"]["name"],
                );
                for s in o["subjects"].as_array().into_iter().flatten() {
                    want(o, "subject", "ServiceAccount", &s["name"]);
                }
            }
            "Ingress" => {
                for r in spec["rules"].as_array().into_iter().flatten() {
                    for p in r["http"]["paths"].as_array().into_iter().flatten() {
                        want(o, "backend", "Service", &p["backend"]["service"]["name"]);
                    }
                }
            }
            _ => {}
        }
        let pod = if o["kind"] == "CronJob" {
            &spec["jobTemplate"]["spec"]["template"]["spec"]
        } else {
            &spec["template"]["spec"]
        };
        want(
            o,
            "serviceAccountName",
            "ServiceAccount",
            &pod["serviceAccountName"],
        );
        for v in pod["volumes"].as_array().into_iter().flatten() {
            want(o, "volume", "ConfigMap", &v["configMap"]["name"]);
        }
        for list in ["containers", "initContainers"] {
            for c in pod[list].as_array().into_iter().flatten() {
                for e in c["env"].as_array().into_iter().flatten() {
                    want(
                        o,
                        "env",
                        "ConfigMap",
                        &e["valueFrom"]["configMapKeyRef"]["name"],
                    );
                }
                for e in c["envFrom"].as_array().into_iter().flatten() {
                    want(o, "envFrom", "ConfigMap", &e["configMapRef"]["name"]);
                }
            }
        }
    }
    out
}

fn spec_or(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The CI files in `dir` pass the platforms' own checkers: actionlint for the GitHub
/// workflows, `gitlab-ci-local --preview` and GitLab's JSON schema for `.gitlab-ci.yml`.
/// Returns how many files were checked (none without the tools, outside CI).
pub fn lint_pipelines(dir: &Path) -> usize {
    let (Some(actionlint), Some(gcl), Some(schema)) = (
        tool("actionlint"),
        tool("gitlab-ci-local"),
        tool("check-jsonschema"),
    ) else {
        return 0;
    };
    let mut checked = 0;
    let workflows = dir.join(".github/workflows");
    for e in std::fs::read_dir(&workflows).into_iter().flatten() {
        let path = e.unwrap().path();
        let o = run(Command::new(&actionlint).arg(&path));
        assert!(
            o.status.success(),
            "actionlint {}:\n{}",
            path.display(),
            text(&o.stdout)
        );
        checked += 1;
    }
    let gitlab = dir.join(".gitlab-ci.yml");
    if gitlab.is_file() {
        // gitlab-ci-local writes state next to the file: run it on a copy.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(&gitlab, tmp.path().join(".gitlab-ci.yml")).unwrap();
        let o = run(Command::new(&gcl).arg("--preview").current_dir(tmp.path()));
        assert!(
            o.status.success(),
            "gitlab-ci-local --preview:\n{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        let o = run(Command::new(&schema)
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .arg(&gitlab));
        assert!(
            o.status.success(),
            "GitLab schema:\n{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        checked += 1;
    }
    checked
}

/// Run `cmd` with `input` on its standard input.
pub fn with_stdin(cmd: &mut Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Human diagnostics as one line of words: messages wrap at 100 columns, with a `│` on the
/// next line.
pub fn words(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Evaluate CI conditions with the platforms' own implementations
/// (`scripts/tools/ci-conditions.mjs`: the request and answer shapes are described there).
pub fn ci_conditions(tool: &Path, request: &Value) -> Value {
    let o = with_stdin(&mut Command::new(tool), &request.to_string());
    assert!(o.status.success(), "ci-conditions: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The Kubernetes schemas with Argo CD's and Flux's CRDs (vendored in schemas/crds/).
pub fn gitops_registry() -> stowage::kubernetes::registry::Registry {
    let custom = ["argo-cd", "flux"]
        .iter()
        .flat_map(|p| std::fs::read_dir(root().join("schemas/crds").join(p)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .flat_map(|f| {
            stowage::kubernetes::crd::parse(&std::fs::read_to_string(f).unwrap()).unwrap()
        })
        .collect();
    stowage::kubernetes::registry::Registry::new(33, custom).unwrap()
}
