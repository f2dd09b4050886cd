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
        if report.contains(&format!("left out: {id}: annotations"))
            && let Some(Value::Object(notes)) = meta.get_mut("annotations")
        {
            notes.remove("kubectl.kubernetes.io/last-applied-configuration");
            notes.remove("deployment.kubernetes.io/revision");
            if notes.is_empty() {
                meta.remove("annotations");
            }
        }
        if got["metadata"].get("namespace").is_some() && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), Value::String(namespace.clone()));
        }
        if report.contains(&format!("left out: {id}: status")) {
            want.as_object_mut().unwrap().remove("status");
        }
        if report.contains(&format!("left out: {id}: spec.clusterIP")) {
            let spec = want["spec"].as_object_mut().unwrap();
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
        }
        // `creationTimestamp: null` in a pod template (as kubectl prints it) says nothing.
        for template in [
            "/spec/template/metadata",
            "/spec/jobTemplate/spec/template/metadata",
        ] {
            if let Some(Value::Object(m)) = want.pointer_mut(template)
                && m.get("creationTimestamp").is_some_and(Value::is_null)
            {
                m.remove("creationTimestamp");
            }
        }
        let mut got = (*got).clone();
        // Stowage's labels are on every object it deploys (the input's own where it has them).
        let managed = "/metadata/labels/app.kubernetes.io~1managed-by";
        if want.pointer(managed).is_none() && got.pointer(managed) != Some(&Value::from("stowage"))
        {
            problems.push(format!("{id}: stowage's labels are missing"));
        }
        if report.contains("added: stowage's labels on every object") {
            // Stowage's labels, where the input had none of that name: on the object and, for
            // a workload written as a node, on its pods.
            for meta in ["/metadata", "/spec/template/metadata"] {
                let had = want.pointer(meta).map(|m| m["labels"].clone());
                if let Some(Value::Object(m)) = got.pointer_mut(meta) {
                    let had = had.unwrap_or(Value::Null);
                    if let Some(Value::Object(labels)) = m.get_mut("labels") {
                        labels.retain(|k, _| {
                            had.get(k).is_some() || !k.starts_with("app.kubernetes.io/")
                        });
                        if labels.is_empty() {
                            m.remove("labels");
                        }
                    }
                }
            }
        }
        let mut diffs = Vec::new();
        differences(&want, &got, "", &mut diffs);
        // What the report says a node adds, and the selector it says stowage gives.
        let selector = report.contains(&format!("selector: {id}: "));
        diffs.retain(|d| {
            let path = d.split(": ").next().unwrap_or_default();
            let added =
                d.contains(": (absent) -> ") && report.contains(&format!("added: {id}: {path}: "));
            !(added || selector && path.starts_with("/spec/selector"))
        });
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
    // In any environment.
    std::fs::write(dir.path().join("a.yaml"), yaml).unwrap();
    let o = run(stowage().current_dir(dir.path()).args([
        "import",
        "--force",
        "--env",
        "dev=a.yaml",
        "--env",
        "prod=a.yaml",
    ]));
    let report = text(&o.stderr);
    assert!(o.status.success(), "{report}");
    // The first environment's with the app's items, the others' said of them.
    for line in [
        "\n  left out: a document without apiVersion, kind and metadata.name",
        "\n  in prod: left out: a document without apiVersion, kind and metadata.name",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
}

/// The objects the imported environment of `spec` deploys, built in this process; `files`
/// are the files beside it.
fn render_with(spec: &str, files: &[(String, String)]) -> Vec<Value> {
    let source = stowage::compile::Source {
        path: "stowage.kdl".into(),
        text: spec.to_string(),
    };
    let read = |p: &str| {
        files
            .iter()
            .find(|(f, _)| f == p)
            .map(|(_, t)| t.clone())
            .ok_or(format!("no {p}"))
    };
    let checked = stowage::compile::check_with(&source, &read);
    let errors: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{spec}");
    let ir = checked.ir.expect("the imported spec builds");
    ir.environments[0].render()
}

/// [`render_with`] no file beside the spec.
fn render_in_process(spec: &str) -> Vec<Value> {
    render_with(spec, &[])
}

#[test]
fn hand_written_deployments_become_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/import/guestbook");
    let (report, _) = round_trip(dir.path(), &[src.to_str().unwrap()], "");
    for line in [
        "native: Deployment/frontend and Service/frontend: written as `service \"frontend\"`",
        "native: Deployment/redis-leader and Service/redis-leader: written as `service \"redis-leader\"`",
        "native: Deployment/redis-follower: written as `worker \"redis-follower\"`",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    // The live selector is kept (it cannot change); the pods' labels follow from it.
    assert!(
        spec.contains("    selector app=\"guestbook\" tier=\"frontend\"\n"),
        "{spec}"
    );
    assert!(
        spec.contains("    image \"docker.io/redis\" tag=\"6.0.5\"\n"),
        "{spec}"
    );
}

/// A Deployment and, maybe, a Service of its name in front of it, drawn from the shapes
/// manifests take: named and unnamed ports, a Service port other than the container's,
/// selectors of their own, plain and referenced environment variables, resources, a sidecar,
/// volumes, a strategy, a security context, annotations.
fn workload_objects() -> impl proptest::strategy::Strategy<Value = Vec<Value>> {
    use proptest::prelude::*;
    let name = prop::sample::select(vec!["web", "api", "queue-worker", "a"]);
    let port = prop::sample::select(vec![80i64, 8080, 9000]);
    (
        name,
        port,
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (0..4i64, any::<bool>(), any::<bool>(), any::<bool>()),
        (0..4usize, 0..3usize, any::<bool>(), any::<bool>()),
        0..3usize,
    )
        .prop_map(
            |(name, port, (named, service, own_selector, other_number), (env, secret_env, resources, sidecar), (replicas, volume, strategy, hardened), (image, service_type, odd_env, second_port), kind)| {
                let labels = if own_selector {
                    serde_json::json!({"app": name})
                } else {
                    serde_json::json!({"app.kubernetes.io/name": name, "app.kubernetes.io/instance": "shop"})
                };
                let image = match image {
                    0 => format!("ghcr.io/acme/{name}:1.{replicas}"),
                    1 => name.to_string(),
                    2 => format!("registry.local:5000/{name}@sha256:{}", "a".repeat(64)),
                    _ => format!("docker.io/library/{name}:latest"),
                };
                let mut c = serde_json::json!({"name": name, "image": image});
                if replicas == 2 {
                    c["imagePullPolicy"] = "IfNotPresent".into();
                }
                let mut p = serde_json::json!({"containerPort": port});
                if named {
                    p["name"] = "http".into();
                }
                c["ports"] = serde_json::json!([p]);
                if second_port {
                    c["ports"].as_array_mut().unwrap().push(serde_json::json!({"containerPort": 9090, "name": "metrics"}));
                }
                if env {
                    c["env"] = serde_json::json!([{"name": "MODE", "value": "fast"}]);
                }
                if odd_env {
                    let mut vars = c["env"].as_array().cloned().unwrap_or_default();
                    vars.push(serde_json::json!({"name": "2FA.issuer", "value": "yes"}));
                    c["env"] = Value::Array(vars);
                }
                if secret_env {
                    let mut vars = c["env"].as_array().cloned().unwrap_or_default();
                    vars.push(serde_json::json!({"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}}));
                    c["env"] = Value::Array(vars);
                }
                if resources {
                    c["resources"] = serde_json::json!({"requests": {"cpu": "100m", "memory": "64Mi"}});
                }
                if hardened {
                    c["securityContext"] = serde_json::json!({"runAsNonRoot": true, "runAsUser": 1000});
                }
                let mut containers = vec![c];
                if sidecar {
                    containers.push(serde_json::json!({"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "args": ["--log-level", "info"]}));
                }
                let mut pod = serde_json::json!({"containers": containers});
                if volume {
                    pod["volumes"] = serde_json::json!([{"name": "cache", "emptyDir": {}}]);
                    pod["containers"][0]["volumeMounts"] = serde_json::json!([{"name": "cache", "mountPath": "/cache"}]);
                }
                let mut d = serde_json::json!({
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": name, "annotations": {"owner": "team-a"}},
                    "spec": {
                        "selector": {"matchLabels": labels},
                        "template": {"metadata": {"labels": labels}, "spec": pod}
                    }
                });
                if replicas > 0 {
                    d["spec"]["replicas"] = replicas.into();
                }
                if strategy {
                    d["spec"]["strategy"] = serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}});
                }
                let service = match kind {
                    // A StatefulSet and its headless Service.
                    1 => {
                        let spec = d["spec"].as_object_mut().unwrap();
                        spec.remove("strategy");
                        spec.insert("serviceName".into(), name.into());
                        d["kind"] = "StatefulSet".into();
                        true
                    }
                    // A CronJob: its pods in a job template, no selector, no Service.
                    2 => {
                        let mut pod = d["spec"]["template"].take();
                        pod["spec"]["restartPolicy"] = "OnFailure".into();
                        d["apiVersion"] = "batch/v1".into();
                        d["kind"] = "CronJob".into();
                        d["spec"] = serde_json::json!({
                            "schedule": if strategy { "*/5 * * * *" } else { "@daily" },
                            "jobTemplate": {"spec": {"template": pod}}
                        });
                        if replicas == 3 {
                            d["spec"]["concurrencyPolicy"] = "Replace".into();
                        }
                        false
                    }
                    _ => service,
                };
                let mut out = vec![d];
                if service {
                    let target = if named { Value::from("http") } else { Value::from(port) };
                    let number = if other_number { 443 } else { port };
                    let mut ports = vec![serde_json::json!({"port": number, "targetPort": target})];
                    if second_port {
                        ports[0]["name"] = "web".into();
                        ports.push(serde_json::json!({"name": "metrics", "port": 9090, "targetPort": "metrics"}));
                    }
                    let mut s = serde_json::json!({
                        "apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                        "spec": {"selector": labels, "ports": ports}
                    });
                    match (kind, service_type) {
                        (1, _) => s["spec"]["clusterIP"] = "None".into(),
                        (_, 1) => s["spec"]["type"] = "NodePort".into(),
                        (_, 2) => s["spec"]["type"] = "LoadBalancer".into(),
                        _ => {}
                    }
                    out.push(s);
                }
                out
            },
        )
}

/// Generated cases: `STOWAGE_IMPORT_CASES` of them, else 48.
fn cases() -> u32 {
    std::env::var("STOWAGE_IMPORT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(cases()))]

    /// Whatever shape a workload's manifests take, the import writes it as stowage's own node,
    /// and the spec deploys the input but for what the report lists.
    #[test]
    fn generated_workloads_round_trip_as_nodes(objects in workload_objects()) {
        let imported = stowage::import::import(&objects, "shop", Some("shop"));
        let report = imported.report.join("\n");
        let output = render_with(&imported.spec, &imported.custom);
        let problems = unexplained(&objects, &output, &report);
        proptest::prop_assert!(problems.is_empty(), "{}\nreport:\n{report}\nspec:\n{}", problems.join("\n"), imported.spec);
        let first = id(&objects[0]);
        proptest::prop_assert!(
            report.contains(&format!("native: {first}")),
            "{first} is not a node:\n{report}\n{}", imported.spec
        );
    }
}

#[test]
fn what_a_node_cannot_say_stays_an_object_and_says_why() {
    let yaml = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: picky}
spec:
  selector:
    matchExpressions: [{key: app, operator: In, values: [picky]}]
  template:
    metadata: {labels: {app: picky}}
    spec:
      containers: [{name: picky, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: empty}
spec:
  selector: {matchLabels: {app: empty}}
  template:
    metadata: {labels: {app: empty}}
    spec: {containers: []}
"#;
    let dir = tempfile::tempdir().unwrap();
    let input = parse_yaml(yaml);
    let o = with_stdin(
        stowage()
            .current_dir(dir.path())
            .args(["import", "-", "--name", "shop"]),
        yaml,
    );
    let report = text(&o.stderr);
    assert!(o.status.success(), "{report}");
    assert!(
        report
            .contains("declared as an object: Deployment/picky: its selector is not labels alone"),
        "{report}"
    );
    assert!(
        report.contains("declared as an object: Deployment/empty: it has no containers"),
        "{report}"
    );
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    let output = render_in_process(&spec);
    let problems = unexplained(&input, &output, &report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What the report says of environment `env`: its own lines (`in ENV: ...`, without the
/// prefix) and the app's (the lines of no environment).
fn report_of(report: &str, env: &str, all: &[&str]) -> String {
    report
        .lines()
        .map(str::trim_start)
        .filter_map(|l| {
            let of = all
                .iter()
                .find_map(|e| l.strip_prefix(&format!("in {e}: ")).map(|rest| (*e, rest)));
            match of {
                Some((e, rest)) => (e == env).then(|| rest.to_string()),
                None => Some(l.to_string()),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each environment of the spec imported in `dir` (`what`, for messages) deploys its input,
/// but for what the report says of it.
fn environments_deploy_their_inputs<E: AsRef<str>>(
    dir: &Path,
    report: &str,
    inputs: &[(E, Vec<Value>)],
    what: &str,
) {
    let all: Vec<&str> = inputs.iter().map(|(e, _)| e.as_ref()).collect();
    for (env, input) in inputs {
        let env = env.as_ref();
        let r = run(stowage().current_dir(dir).args(["render", "--env", env]));
        assert!(r.status.success(), "{what} {env}: {}", text(&r.stderr));
        let said = report_of(report, env, &all);
        let problems = unexplained(input, &parse_yaml(&text(&r.stdout)), &said);
        assert!(
            problems.is_empty(),
            "{what} {env}:\n{}\nreport:\n{said}",
            problems.join("\n")
        );
    }
}

#[test]
fn every_example_imports_as_one_spec_of_all_its_environments() {
    for (name, spec) in examples() {
        let out = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = Vec::new();
        let mut args = vec!["import".to_string(), "--name".into(), "imported-app".into()];
        for env in ir(&spec, out.path()).environments {
            let rendered = run(stowage()
                .args(["render", "--env", &env.name, "-f"])
                .arg(&spec));
            assert!(rendered.status.success(), "{name} {}", env.name);
            let file = dir.path().join(format!("{}.yaml", env.name));
            std::fs::write(&file, &rendered.stdout).unwrap();
            inputs.push((env.name.clone(), parse_yaml(&text(&rendered.stdout))));
            args.push("--env".into());
            args.push(format!("{}={}", env.name, file.display()));
        }
        let o = run(stowage().current_dir(dir.path()).args(&args));
        let report = text(&o.stderr);
        assert!(o.status.success(), "{name}: {report}");
        assert!(!report.contains("differs:"), "{name}: {report}");
        let v = run(stowage().current_dir(dir.path()).arg("validate"));
        assert!(v.status.success(), "{name}: {}", text(&v.stderr));
        environments_deploy_their_inputs(dir.path(), &report, &inputs, &name);
    }
}

#[test]
fn environments_are_named_once_each_with_a_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    for (args, says) in [
        (vec!["--env", "dev"], "write `--env NAME=SOURCE`"),
        (
            vec!["--env", "Dev=a.yaml"],
            "an environment's name is lower-case",
        ),
        (
            vec!["--env", "dev=a.yaml", "--env", "dev=a.yaml"],
            "is given twice",
        ),
        (vec!["--env", "dev=a.yaml", "a.yaml"], "not both"),
        (
            vec!["--env", "dev=missing.yaml"],
            "cannot read missing.yaml",
        ),
    ] {
        let o = run(stowage().current_dir(dir.path()).arg("import").args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o.stderr).contains(says),
            "{args:?}: {}",
            text(&o.stderr)
        );
        assert!(!dir.path().join("stowage.kdl").exists(), "{args:?}");
    }
}

#[test]
fn a_helm_chart_with_a_values_file_per_environment_round_trips() {
    let Some(helm) = tool("helm") else {
        return;
    };
    let path = format!(
        "{}:{}",
        helm.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (name, spec) in examples() {
        let chart = root().join(format!("golden/{name}/deploy/helm/{name}"));
        let out = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["import".to_string(), "--namespace".into(), "shop".into()];
        let mut inputs = Vec::new();
        for env in ir(&spec, out.path()).environments {
            let values = chart.join(format!("values-{}.yaml", env.name));
            let rendered = run(std::process::Command::new(&helm)
                .args(["template", &name])
                .arg(&chart)
                .arg("-f")
                .arg(&values)
                .args(["--namespace", "shop"]));
            assert!(rendered.status.success(), "{}", text(&rendered.stderr));
            inputs.push((env.name.clone(), parse_yaml(&text(&rendered.stdout))));
            args.push("--env".into());
            args.push(format!("{}={}", env.name, values.display()));
        }
        let o = run(stowage()
            .current_dir(dir.path())
            .env("PATH", &path)
            .args(&args));
        let report = text(&o.stderr);
        assert!(o.status.success(), "{name}: {report}");
        assert!(!report.contains("differs:"), "{name}: {report}");
        assert!(report.contains("native: Deployment/"), "{name}: {report}");
        environments_deploy_their_inputs(dir.path(), &report, &inputs, &name);
    }
}

/// The objects of a folder of YAML files (`List`s opened).
fn folder_objects(dir: &Path) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        for d in parse_yaml(&std::fs::read_to_string(f).unwrap()) {
            match d["kind"].as_str() {
                Some("List") => out.extend(d["items"].as_array().unwrap().iter().cloned()),
                _ => out.push(d),
            }
        }
    }
    out
}

#[test]
fn a_wordpress_of_every_workload_kind_round_trips_as_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/import/wordpress");
    let input = folder_objects(&src);
    let (report, output) = round_trip(dir.path(), &[src.to_str().unwrap()], "");
    for line in [
        "native: StatefulSet/wordpress-mysql and Service/wordpress-mysql: written as `stateful \"wordpress-mysql\"`",
        "native: Deployment/wordpress and Service/wordpress: written as `service \"wordpress\"`",
        "native: CronJob/wordpress-backup: written as `cronjob \"wordpress-backup\"`",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    let problems = unexplained(&input, &output, &report);
    assert!(
        problems.is_empty(),
        "{}\nreport:\n{report}",
        problems.join("\n")
    );
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    for line in [
        "    schedule \"30 2 * * *\"\n    timezone \"Europe/Berlin\"\n    concurrency \"Forbid\"\n",
        "    selector app=\"wordpress\" tier=\"mysql\"\n",
    ] {
        assert!(spec.contains(line), "{line}\n{spec}");
    }
}

#[test]
fn kustomize_overlays_of_a_hand_written_app_import_as_environments() {
    if tool("kubectl").is_none() {
        return;
    }
    let overlays = root().join("tests/import/podinfo/overlays");
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["import".to_string()];
    let mut inputs = Vec::new();
    for env in ["staging", "production"] {
        let rendered = run(std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(overlays.join(env)));
        assert!(rendered.status.success(), "{}", text(&rendered.stderr));
        inputs.push((env, parse_yaml(&text(&rendered.stdout))));
        args.push("--env".into());
        args.push(format!("{env}={}", overlays.join(env).display()));
    }
    let o = run(stowage().current_dir(dir.path()).args(&args));
    let report = text(&o.stderr);
    assert!(o.status.success(), "{report}");
    assert!(!report.contains("differs:"), "{report}");
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    // Production's differences, said as operations of its own.
    for line in [
        "    namespace \"podinfo\"\n",
        "        replace \"/spec/maxReplicas\" 10\n",
        "        replace \"/spec/template/spec/containers/0/resources/limits/memory\" \"1Gi\"\n",
        "    object \"PodDisruptionBudget/podinfo\"",
    ] {
        assert!(spec.contains(line), "{line}\n{spec}");
    }
    environments_deploy_their_inputs(dir.path(), &report, &inputs, "podinfo");
}

#[test]
fn an_import_too_large_for_a_spec_keeps_its_objects_in_yaml() {
    let big = "x".repeat(4_500_000);
    let yaml = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: blob}}\ndata:\n  blob: {big}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  selector:\n    \
         matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    \
         spec:\n      containers: [{{name: web, image: \"nginx:1.27\"}}]\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let input = parse_yaml(&yaml);
    let (report, output) = round_trip(dir.path(), &["-"], &yaml);
    assert!(
        report.contains("kept in imported-resources.yaml (a `manifest`): ConfigMap/blob: as an `object` it is larger than the 4 MiB a spec may be"),
        "{report}"
    );
    assert!(
        report.contains("native: Deployment/web: written as `worker \"web\"`"),
        "{report}"
    );
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    assert!(spec.len() < 10_000, "{} bytes", spec.len());
    let problems = unexplained(&input, &output, &report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn objects_of_one_name_in_several_namespaces_are_imported_once_and_said() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {k: v}\n---\n\
                apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: b}\ndata: {k: w}\n---\n\
                apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: b}\ndata: {k: x}\n";
    for (namespace, kept, left) in [("a", "a", "b"), ("b", "b", "a")] {
        let dir = tempfile::tempdir().unwrap();
        let o = with_stdin(
            stowage().current_dir(dir.path()).args([
                "import",
                "-",
                "--name",
                "shop",
                "--namespace",
                namespace,
            ]),
            yaml,
        );
        let report = text(&o.stderr);
        assert!(o.status.success(), "{report}");
        let line = format!(
            "left out: ConfigMap/c in namespace {left}: another ConfigMap of that name is imported (namespace {kept})"
        );
        assert!(report.contains(&line), "{line}\n{report}");
        let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
        let output = render_in_process(&spec);
        let input: Vec<Value> = parse_yaml(yaml)
            .into_iter()
            .filter(|v| !(v["metadata"]["name"] == "c" && v["metadata"]["namespace"] == left))
            .collect();
        let problems = unexplained(&input, &output, &report);
        assert!(problems.is_empty(), "{}\n{report}", problems.join("\n"));
    }
}

#[test]
fn rbac_names_that_are_not_dns_names_round_trip() {
    let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: \"system:aggregate-to-view-widgets\"\n  labels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}\nrules:\n- apiGroups: [acme.io]\n  resources: [widgets]\n  verbs: [get, list]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: \"team:viewers\", namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: Group, name: \"acme:viewers\", apiGroup: rbac.authorization.k8s.io}\n";
    let dir = tempfile::tempdir().unwrap();
    let input = parse_yaml(yaml);
    let (report, output) = round_trip(dir.path(), &["-"], yaml);
    let problems = unexplained(&input, &output, &report);
    assert!(problems.is_empty(), "{}\n{report}", problems.join("\n"));
    // A name Kubernetes refuses for them still is refused.
    let bad = yaml.replace("team:viewers", "team/viewers");
    let dir = tempfile::tempdir().unwrap();
    let o = with_stdin(
        stowage()
            .current_dir(dir.path())
            .args(["import", "-", "--name", "shop"]),
        &bad,
    );
    assert!(o.status.success());
    let v = run(stowage().current_dir(dir.path()).arg("validate"));
    assert!(
        text(&v.stderr).contains("a name may not contain `/` or `%`"),
        "{}",
        text(&v.stderr)
    );
}

/// What `kubectl get -o yaml` prints of live objects: what the cluster and kubectl wrote
/// (status, managed fields, the last applied configuration, the revision, allocated cluster
/// IPs, `creationTimestamp: null` in the template) is left out and said; the rest round trips.
#[test]
fn objects_read_back_from_a_cluster_leave_out_what_it_wrote() {
    let yaml = r#"apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "7"
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api"}}
    creationTimestamp: "2026-11-30T10:00:00Z"
    generation: 7
    name: api
    namespace: shop
    resourceVersion: "123456"
    uid: 0b4c6e3e-8a5c-4b7e-9d53-3f1f0e4f9a11
  spec:
    progressDeadlineSeconds: 600
    replicas: 2
    revisionHistoryLimit: 10
    selector:
      matchLabels: {app: api}
    strategy:
      rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
      type: RollingUpdate
    template:
      metadata:
        creationTimestamp: null
        labels: {app: api}
      spec:
        containers:
        - image: ghcr.io/acme/api:2.8.1
          imagePullPolicy: IfNotPresent
          name: api
          ports:
          - {containerPort: 8080, name: http, protocol: TCP}
          resources: {}
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
        dnsPolicy: ClusterFirst
        restartPolicy: Always
        schedulerName: default-scheduler
        securityContext: {}
        terminationGracePeriodSeconds: 30
  status:
    availableReplicas: 2
- apiVersion: v1
  kind: Service
  metadata:
    name: api
    namespace: shop
    uid: 5e0c0a52-2d0d-4f0e-8f0e-1a1a1a1a1a1a
  spec:
    clusterIP: 10.96.14.7
    clusterIPs: [10.96.14.7]
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {name: http, port: 80, protocol: TCP, targetPort: http}
    selector: {app: api}
    sessionAffinity: None
    type: ClusterIP
"#;
    let dir = tempfile::tempdir().unwrap();
    let mut input = parse_yaml(yaml);
    let input = input[0]["items"].as_array_mut().unwrap().clone();
    let (report, output) = round_trip(dir.path(), &["-"], yaml);
    for line in [
        "left out: Deployment/api: annotations kubectl.kubernetes.io/last-applied-configuration, deployment.kubernetes.io/revision (written by kubectl and the cluster)",
        "left out: Service/api: spec.clusterIP, spec.clusterIPs (allocated by the cluster)",
        "native: Deployment/api and Service/api: written as `service \"api\"`",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    let spec = std::fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    for gone in [
        "last-applied",
        "10.96.14.7",
        "creationTimestamp",
        "resourceVersion",
    ] {
        assert!(!spec.contains(gone), "{gone} in\n{spec}");
    }
    let problems = unexplained(&input, &output, &report);
    assert!(problems.is_empty(), "{}\n{report}", problems.join("\n"));
}

/// Strings a YAML file may hold that KDL must quote, escape or keep apart.
fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        prop::sample::select(vec![
            "-",
            "a b",
            "ü",
            "#",
            "\"",
            "\\",
            "/",
            "{",
            "}",
            "=",
            ";",
            "#true",
            "true",
            "null",
            "1",
            "0x1F",
            "1e3",
            "yes",
            "",
            " ",
            "\n",
            "a\nb",
            "tab\there",
            "r#\"x\"#",
            "//",
            "/*",
            "*/",
            "/-",
            "🙂",
            "\u{200B}",
            "key=value",
            "(list)",
        ])
        .prop_map(str::to_string),
        "[a-z0-9./_-]{1,12}",
        "\\PC{0,8}",
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(cases()))]

    /// Whatever strings the data holds, the imported spec reads back and deploys it unchanged
    /// (keys and values of a ConfigMap, annotations, a Deployment's variables).
    #[test]
    fn hostile_strings_round_trip(
        data in proptest::collection::btree_map(hostile(), hostile(), 0..6),
        notes in proptest::collection::btree_map("[a-z]{1,6}(/[a-z~.-]{1,8})?", hostile(), 0..4),
        vars in proptest::collection::btree_map("[A-Z_][A-Z0-9_]{0,6}", hostile(), 0..4),
    ) {
        let data: serde_json::Map<String, Value> = data
            .into_iter()
            .filter(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)))
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let env: Vec<Value> = vars
            .into_iter()
            .map(|(k, v)| serde_json::json!({"name": k, "value": v}))
            .collect();
        let mut config = serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "data"}, "data": data
        });
        if !notes.is_empty() {
            config["metadata"]["annotations"] = serde_json::json!(notes);
        }
        let objects = vec![
            config,
            serde_json::json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "env": env}]}
                    }
                }
            }),
        ];
        let imported = stowage::import::import(&objects, "shop", Some("shop"));
        let report = imported.report.join("\n");
        proptest::prop_assert!(!report.contains("differs:"), "{report}\n{}", imported.spec);
        let output = render_with(&imported.spec, &imported.custom);
        let problems = unexplained(&objects, &output, &report);
        proptest::prop_assert!(problems.is_empty(), "{}\n{report}\n{}", problems.join("\n"), imported.spec);
    }
}

#[test]
fn many_objects_too_large_for_a_spec_are_kept_in_yaml() {
    let value = "y".repeat(15_000);
    let yaml: Vec<String> = (0..300)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata:\n  v: {value}\n"
            )
        })
        .collect();
    let yaml = yaml.join("---\n");
    let dir = tempfile::tempdir().unwrap();
    let input = parse_yaml(&yaml);
    let (report, output) = round_trip(dir.path(), &["-"], &yaml);
    assert!(
        report.contains("kept in imported-resources.yaml (a `manifest`): 300 objects: declared as `object`s they would make the spec larger than the 4 MiB stowage reads"),
        "{report}"
    );
    let problems = unexplained(&input, &output, &report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
