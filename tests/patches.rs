//! Patches merge as Kubernetes merges them: stowage's strategic merge and JSON patch, applied in
//! the IR, give the same object as kustomize (`kubectl kustomize`, whose patches are the
//! reference implementation of `kubectl patch`) for generated patches on a Deployment, and fail
//! where kustomize fails. Cases: `STOWAGE_PATCH_CASES` (60 by default), fixed seed.

mod common;

use common::{run, text, tool};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use stowage::kubernetes::registry::Registry;

fn base() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "app", "image": "web:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                         "ports": [{"containerPort": 8080, "name": "http"}],
                         "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]},
                        {"name": "side", "image": "side:1", "args": ["--a", "--b"]}
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "conf", "configMap": {"name": "c"}}],
                    "tolerations": [{"key": "x", "operator": "Exists"}],
                    "securityContext": {"runAsNonRoot": true, "runAsUser": 1000}
                }
            }
        }
    })
}

fn name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["app", "side", "extra"][..])
}

/// A container patch: an existing or a new name, some of its fields, or its deletion.
fn container() -> impl Strategy<Value = Value> {
    (
        name(),
        prop::option::of(prop::sample::select(&["web:2", "side:2", "x:1"][..])),
        prop::collection::vec((prop::sample::select(&["A", "B", "C"][..]), prop::option::of("[a-z]{1,3}")), 0..3),
        prop::option::of(prop::collection::vec(prop::sample::select(&["--a", "--c"][..]), 0..2)),
        prop::option::of(prop::sample::select(&[8080u16, 9090][..])),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(name, image, env, args, port, delete)| {
            let mut c = json!({"name": name});
            if delete {
                c["$patch"] = json!("delete");
                return c;
            }
            if let Some(i) = image {
                c["image"] = json!(i);
            }
            // One item per name (a patch that gives an item twice contradicts itself).
            let mut seen = std::collections::HashSet::new();
            let env: Vec<_> = env.into_iter().filter(|(n, _)| seen.insert(*n)).collect();
            if !env.is_empty() {
                let items: Vec<Value> = env
                    .into_iter()
                    .map(|(n, v)| match v {
                        Some(v) => json!({"name": n, "value": v}),
                        None => json!({"name": n, "$patch": "delete"}),
                    })
                    .collect();
                c["env"] = Value::Array(items);
            }
            if let Some(a) = args {
                c["args"] = json!(a);
            }
            if let Some(p) = port {
                c["ports"] = json!([{"containerPort": p, "name": if p == 8080 { "http" } else { "metrics" }}]);
            }
            c
        })
}

/// A strategic merge patch of the Deployment.
fn strategic() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(container(), 0..3),
        prop::option::of(prop::sample::select(&["tmp", "conf", "data"][..])),
        prop::bool::ANY,
        prop::option::of(0u8..5),
        prop::option::of(prop::sample::select(&["tier", "team"][..])),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(containers, volume, config_volume, replicas, label, tolerate, null_sc)| {
            let mut pod = serde_json::Map::new();
            let mut names = std::collections::HashSet::new();
            let containers: Vec<Value> =
                containers.into_iter().filter(|c| names.insert(c["name"].clone())).collect();
            if !containers.is_empty() {
                pod.insert("containers".into(), Value::Array(containers));
            }
            // A volume keeps its kind of source: kustomize ignores `retainKeys` (a volume switching
            // from emptyDir to configMap keeps both there, which Kubernetes refuses); stowage
            // switches it as the API server does (`kubernetes::merge`'s own tests).
            if let Some(v) = volume {
                let source = match (v, config_volume) {
                    ("conf", _) | ("data", true) => json!({"name": v, "configMap": {"name": "other"}}),
                    _ => json!({"name": v, "emptyDir": {"medium": "Memory"}}),
                };
                pod.insert("volumes".into(), json!([source]));
            }
            if tolerate {
                pod.insert("tolerations".into(), json!([{"key": "y", "operator": "Exists"}]));
            }
            if null_sc {
                pod.insert("securityContext".into(), json!({"runAsUser": null}));
            }
            let mut p = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                "spec": {"template": {"spec": Value::Object(pod)}}});
            if let Some(r) = replicas {
                p["spec"]["replicas"] = json!(r);
            }
            match label {
                Some("tier") => p["metadata"]["labels"] = json!({"tier": null}),
                Some(l) => p["metadata"]["labels"] = json!({l: "x"}),
                None => {}
            }
            p
        })
}

/// RFC 6902 operations, some of them on paths that do not exist.
fn json_ops() -> impl Strategy<Value = Value> {
    let op = prop_oneof![
        Just(
            json!({"op": "add", "path": "/spec/template/spec/containers/0/args", "value": ["--x"]})
        ),
        Just(
            json!({"op": "add", "path": "/spec/template/spec/containers/1/args/-", "value": "--z"})
        ),
        Just(json!({"op": "replace", "path": "/spec/replicas", "value": 5})),
        Just(json!({"op": "remove", "path": "/spec/template/spec/tolerations"})),
        Just(json!({"op": "remove", "path": "/spec/template/spec/hostNetwork"})),
        Just(json!({"op": "test", "path": "/spec/replicas", "value": 2})),
        Just(
            json!({"op": "move", "from": "/metadata/labels/tier", "path": "/metadata/labels/layer"})
        ),
        Just(
            json!({"op": "copy", "from": "/metadata/labels/app", "path": "/metadata/labels/copy"})
        ),
        Just(json!({"op": "add", "path": "/metadata/annotations", "value": {"a": "1"}})),
    ];
    prop::collection::vec(op, 1..4).prop_map(Value::Array)
}

/// The Deployment as kustomize patches it, or None when kustomize refuses the patch.
fn kustomize(kubectl: &Path, patch: &Value, json_patch: bool) -> Option<Value> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.yaml"),
        serde_json::to_string(&base()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("patch.yaml"),
        serde_json::to_string(patch).unwrap(),
    )
    .unwrap();
    let kustomization = if json_patch {
        "resources: [base.yaml]\npatches:\n- path: patch.yaml\n  target: {kind: Deployment, name: web}\n"
    } else {
        "resources: [base.yaml]\npatches:\n- path: patch.yaml\n"
    };
    std::fs::write(dir.path().join("kustomization.yaml"), kustomization).unwrap();
    let o = run(Command::new(kubectl).arg("kustomize").arg(dir.path()));
    if !o.status.success() {
        return None;
    }
    Some(serde_saphyr::from_str(&text(&o.stdout)).unwrap())
}

fn cases() -> u32 {
    std::env::var("STOWAGE_PATCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    )
}

#[test]
fn strategic_merges_agree_with_kustomize() {
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let registry = Registry::new(33, Vec::new()).unwrap();
    let mut runner = runner();
    for _ in 0..cases() {
        let patch = strategic().new_tree(&mut runner).unwrap().current();
        let mut ours = base();
        registry.merge(&mut ours, &patch);
        let theirs = kustomize(&kubectl, &patch, false).expect("kustomize applies the patch");
        assert_eq!(ours, theirs, "patch: {patch:#}");
    }
}

#[test]
fn json_patches_agree_with_kustomize() {
    let Some(kubectl) = tool("kubectl") else {
        return;
    };
    let mut runner = runner();
    for _ in 0..cases() {
        let ops = json_ops().new_tree(&mut runner).unwrap().current();
        let patch: json_patch::Patch = serde_json::from_value(ops.clone()).unwrap();
        let mut ours = base();
        let applied = json_patch::patch(&mut ours, &patch).is_ok();
        let theirs = kustomize(&kubectl, &ops, true);
        match (applied, theirs) {
            (true, Some(t)) => assert_eq!(ours, t, "ops: {ops:#}"),
            (false, None) => {}
            (a, t) => panic!(
                "ops: {ops:#}: stowage applied: {a}, kustomize applied: {}",
                t.is_some()
            ),
        }
    }
}

/// The objects `stowage render --env ENV` gives for `spec`.
fn rendered(spec: &str, env: &str) -> (bool, Vec<Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stowage.kdl"), spec).unwrap();
    let o = run(common::stowage()
        .current_dir(dir.path())
        .args(["render", "--env", env]));
    let objects = if o.status.success() {
        common::parse_yaml(&text(&o.stdout))
    } else {
        Vec::new()
    };
    (o.status.success(), objects, text(&o.stderr))
}

const LAYERED: &str = r#"app "shop" {
    namespace "shop"
}

object "Deployment/web" api-version="apps/v1" {
    spec {
        replicas 2
        selector { matchLabels { app "web"; }; }
        template {
            metadata { labels { app "web"; }; }
            spec {
                containers {
                    - name="app" image="web:1"
                }
            }
        }
    }
}

patch "Deployment/web" {
    spec {
        template {
            spec {
                containers {
                    - name="proxy" image="envoyproxy/envoy:v1.31.0"
                }
            }
        }
    }
}

environment "dev" {
    policy "dev"
}

environment "production" {
    policy "dev"
    patch "Deployment/web" {
        spec {
            replicas #null
            template {
                spec {
                    containers {
                        - name="app" image="web:2"
                    }
                }
            }
        }
    }
}

environment "bare" {
    policy "dev"
    patch "Deployment/web" enabled=#false
}
"#;

/// The containers of the Deployment `web`, as `name=image`.
fn containers(objects: &[Value]) -> Vec<String> {
    let d = objects
        .iter()
        .find(|o| o["kind"] == "Deployment")
        .expect("a Deployment");
    d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["name"].as_str().unwrap(),
                c["image"].as_str().unwrap()
            )
        })
        .collect()
}

/// An environment's patch of a target the app patches applies after the app's: a list it gives
/// merges into what the app's patch made (the app's sidecar stays), its `#null` removes a field
/// of the object; `enabled=#false` drops the app's patch there. One patch per target in the app
/// and one in each environment.
#[test]
fn an_environments_patch_applies_after_the_apps() {
    let (ok, dev, err) = rendered(LAYERED, "dev");
    assert!(ok, "{err}");
    assert_eq!(
        containers(&dev),
        ["proxy=envoyproxy/envoy:v1.31.0", "app=web:1"]
    );
    let (ok, prod, err) = rendered(LAYERED, "production");
    assert!(ok, "{err}");
    assert_eq!(
        containers(&prod),
        ["app=web:2", "proxy=envoyproxy/envoy:v1.31.0"]
    );
    let d = prod.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert!(d["spec"].get("replicas").is_none(), "{d:#}");
    let (ok, bare, err) = rendered(LAYERED, "bare");
    assert!(ok, "{err}");
    assert_eq!(containers(&bare), ["app=web:1"]);
    // Kustomize applies the two patches in the same order and gives the same object.
    if let Some(kubectl) = tool("kubectl") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("stowage.kdl"), LAYERED).unwrap();
        let b = run(common::stowage()
            .current_dir(dir.path())
            .args(["build", "-q"]));
        assert!(b.status.success(), "{}", text(&b.stderr));
        let overlay = dir.path().join("deploy/kustomize/overlays/production");
        let k = run(Command::new(kubectl).arg("kustomize").arg(overlay));
        assert!(k.status.success(), "{}", text(&k.stderr));
        let theirs = common::parse_yaml(&text(&k.stdout));
        assert_eq!(containers(&theirs), containers(&prod));
        // And so does the Helm chart, with the environment's values.
        if let Some(helm) = tool("helm") {
            let chart = dir.path().join("deploy/helm/shop");
            let h = run(Command::new(helm)
                .args(["template", "shop"])
                .arg(&chart)
                .arg("-f")
                .arg(chart.join("values-production.yaml")));
            assert!(h.status.success(), "{}", text(&h.stderr));
            let theirs = common::parse_yaml(&text(&h.stdout));
            assert_eq!(containers(&theirs), containers(&prod));
        }
    }
    // Two patches of one target in one environment are one too many.
    let twice = LAYERED.replace(
        "    patch \"Deployment/web\" enabled=#false\n",
        "    patch \"Deployment/web\" { metadata { labels { a \"1\"; }; }; }\n    patch \"Deployment/web\" { metadata { labels { b \"1\"; }; }; }\n",
    );
    let (ok, _, err) = rendered(&twice, "bare");
    assert!(!ok && err.contains("stowage::name::duplicate"), "{err}");
}
