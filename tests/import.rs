//! `stowage import` round trips: objects in, a spec out, the spec's environment rendered, and
//! the objects compared with the input. The only differences allowed are those the import's
//! report lists (what a cluster writes, the Namespace stowage writes itself, stowage's labels).

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Import `args` (sources) in `dir` with `stdin`, then render the imported environment.
/// Gives the report (stderr) and the rendered objects.
fn round_trip(dir: &Path, args: &[&str], stdin: &str) -> (String, Vec<Value>) {
    let o = with_stdin(
        stowage()
            .current_dir(dir)
            .arg("import")
            .args(args)
            .args(["--name", "imported-app"]),
        stdin,
    );
    let report = text(&o.stderr);
    assert!(o.status.success(), "{report}");
    let v = run(stowage().current_dir(dir).arg("validate"));
    assert!(
        v.status.success(),
        "the imported spec has errors:\n{}",
        text(&v.stderr)
    );
    let r = run(stowage()
        .current_dir(dir)
        .args(["render", "--env", "imported"]));
    assert!(r.status.success(), "{}", text(&r.stderr));
    (report, parse_yaml(&text(&r.stdout)))
}

/// `input` as the import says it deploys it, then compared with `output`: the differences
/// that remain (none, when the import keeps its word).
fn unexplained(input: &[Value], output: &[Value], report: &str) -> Vec<String> {
    let out: BTreeMap<String, &Value> = output.iter().map(|v| (id(v), v)).collect();
    let namespace = output
        .iter()
        .find(|v| v["kind"] == "Namespace")
        .and_then(|v| v["metadata"]["name"].as_str())
        .unwrap_or_default()
        .to_string();
    let mut problems = Vec::new();
    for want in input {
        let id = id(want);
        if report.contains(&format!("not deployed: {id}:")) {
            continue;
        }
        let Some(got) = out.get(&id) else {
            problems.push(format!("{id} is not deployed"));
            continue;
        };
        // Written as stowage's own node: what it carries is the data.
        if report.contains(&format!("written as stowage's own: {id}:")) {
            let data = |v: &Value| v.pointer("/spec/encryptedData").cloned();
            if data(want) != data(got) || data(want).is_none() {
                problems.push(format!("{id}: its encrypted data differs"));
            }
            continue;
        }
        let mut want = want.clone();
        let meta = want["metadata"].as_object_mut().unwrap();
        if report.contains(&format!("left out: {id}: metadata")) {
            for f in [
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "managedFields",
            ] {
                meta.remove(f);
            }
        }
        if got["metadata"].get("namespace").is_some() && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), Value::String(namespace.clone()));
        }
        if report.contains(&format!("left out: {id}: status")) {
            want.as_object_mut().unwrap().remove("status");
        }
        let mut got = (*got).clone();
        if report.contains("added: stowage's labels on every object") {
            // Stowage's labels, where the input had none of that name.
            let had = want["metadata"]["labels"].clone();
            if let Some(labels) = got["metadata"]["labels"].as_object_mut() {
                labels.retain(|k, _| had.get(k).is_some());
                if labels.is_empty() {
                    got["metadata"].as_object_mut().unwrap().remove("labels");
                }
            }
        }
        let mut diffs = Vec::new();
        differences(&want, &got, "", &mut diffs);
        problems.extend(diffs.into_iter().map(|d| format!("{id}: {d}")));
    }
    problems
}

fn id(v: &Value) -> String {
    format!(
        "{}/{}",
        v["kind"].as_str().unwrap_or(""),
        v["metadata"]["name"].as_str().unwrap_or("")
    )
}

#[test]
fn every_example_round_trips_through_import() {
    let mut count = 0;
    for (name, spec) in examples() {
        let out = tempfile::tempdir().unwrap();
        for env in ir(&spec, out.path()).environments {
            let rendered = run(stowage()
                .args(["render", "--env", &env.name, "-f"])
                .arg(&spec));
            assert!(rendered.status.success(), "{name} {}", env.name);
            let yaml = text(&rendered.stdout);
            let input = parse_yaml(&yaml);
            let dir = tempfile::tempdir().unwrap();
            let (report, output) = round_trip(dir.path(), &["-"], &yaml);
            let problems = unexplained(&input, &output, &report);
            let at = format!("{name} {}", env.name);
            assert!(
                problems.is_empty(),
                "{at}:\n{}\nreport:\n{report}",
                problems.join("\n")
            );
            let objects = format!("imported {} objects", input.len() - 1);
            assert!(report.contains(&objects), "{at}: {report}");
            count += 1;
        }
    }
    assert!(count >= 14, "{count} environments");
}

#[test]
fn a_folder_of_manifests_as_a_cluster_returns_them() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/import/guestbook");
    let mut input = Vec::new();
    for f in ["frontend.yaml", "redis.yaml"] {
        for d in parse_yaml(&std::fs::read_to_string(src.join(f)).unwrap()) {
            match d["kind"].as_str() {
                Some("List") => input.extend(d["items"].as_array().unwrap().iter().cloned()),
                _ => input.push(d),
            }
        }
    }
    assert_eq!(input.len(), 10);
    let (report, output) = round_trip(dir.path(), &[src.to_str().unwrap()], "");
    assert!(
        report.contains("left out: Deployment/redis-leader: status"),
        "{report}"
    );
    assert!(
        report.contains("not deployed: Namespace/guestbook: stowage writes"),
        "{report}"
    );
    assert!(
        report.contains("not deployed: Secret/redis-auth: its values would be plaintext"),
        "{report}"
    );
    let problems = unexplained(&input, &output, &report);
    assert!(
        problems.is_empty(),
        "{}\nreport:\n{report}",
        problems.join("\n")
    );
    // The strings YAML reads as strings stay strings.
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    assert!(
        spec.contains("value \"0.5\"") && spec.contains("value \"yes\""),
        "{spec}"
    );
    // The Secret's keys, never its values.
    assert!(
        spec.contains("secret \"redis-auth\" {\n    key \"password\"\n}"),
        "{spec}"
    );
    assert!(!spec.contains("c3VwZXJzZWNyZXQ="), "{spec}");
    // An existing spec is kept unless asked.
    let again = run(stowage()
        .current_dir(dir.path())
        .args(["import", src.to_str().unwrap()]));
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap(),
        spec
    );
}

#[test]
fn a_kustomize_overlay_round_trips() {
    if tool("kubectl").is_none() {
        return;
    }
    let overlay = root().join("golden/tally/deploy/kustomize/overlays/staging");
    let rendered = run(std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&overlay));
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let input = parse_yaml(&text(&rendered.stdout));
    let dir = tempfile::tempdir().unwrap();
    let (report, output) = round_trip(dir.path(), &[overlay.to_str().unwrap()], "");
    let problems = unexplained(&input, &output, &report);
    assert!(
        problems.is_empty(),
        "{}\nreport:\n{report}",
        problems.join("\n")
    );
}

#[test]
fn what_is_not_an_object_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n\n---\njust: data\n";
    let (report, output) = round_trip(dir.path(), &["-"], yaml);
    assert!(
        report.contains("left out: a document without apiVersion, kind and metadata.name"),
        "{report}"
    );
    assert!(output.iter().any(|o| id(o) == "ConfigMap/a"));
    let bad = run(stowage()
        .current_dir(dir.path())
        .args(["import", "--force", "missing.yaml"]));
    assert_eq!(bad.status.code(), Some(2));
}
