//! The scaling and scheduling additions lowered end to end: a KEDA ScaledObject with a
//! TriggerAuthentication replaces the HPA, a VerticalPodAutoscaler, tolerations and a
//! ServiceMonitor.

use serde_json::{Value, json};
use std::path::PathBuf;
use stowage::compile::{Source, check, generate};

const SPEC: &str = r#"
app "shop" {
    namespace "shop"
    description "A shop"
}
secret "redis-auth" {
    key "password"
}
service "api" {
    image "api" tag="1.0.0"
    port "http" 8080
    resources {
        requests cpu="100m" memory="128Mi"
    }
    autoscale min=2 max=6 cpu=80 {
        redis-list "jobs" address="redis.shop.svc:6379" target=5 password-secret="redis-auth" password-key="password"
    }
    vertical-autoscale mode="Off"
    tolerate "dedicated" effect="NoExecute"
    metrics port="http" path="/metrics" interval="15s"
}
environment "dev" {
    policy "dev"
}
"#;

fn objects() -> Vec<Value> {
    let source = Source {
        path: PathBuf::from("stowage.kdl"),
        text: SPEC.to_string(),
    };
    let checked = check(&source);
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    let generated = generate(&source, checked, std::path::Path::new(".")).unwrap();
    assert!(
        generated.files.iter().any(
            |(path, text)| path.ends_with("Chart.yaml") && text.contains("description: A shop")
        ),
        "Chart.yaml has the description"
    );
    generated.ir.environments[0].render()
}

fn find<'a>(objects: &'a [Value], kind: &str) -> Option<&'a Value> {
    objects.iter().find(|o| o["kind"] == kind)
}

#[test]
fn queue_autoscaling_replaces_the_hpa() {
    let objects = objects();
    assert!(find(&objects, "HorizontalPodAutoscaler").is_none());
    let so = find(&objects, "ScaledObject").expect("a ScaledObject");
    assert_eq!(so["apiVersion"], "keda.sh/v1alpha1");
    assert_eq!(
        so["spec"]["scaleTargetRef"],
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"})
    );
    assert_eq!(so["spec"]["minReplicaCount"], 2);
    assert_eq!(so["spec"]["maxReplicaCount"], 6);
    assert_eq!(
        so["spec"]["triggers"],
        json!([
            {"type": "redis", "metadata": {"address": "redis.shop.svc:6379", "listName": "jobs", "listLength": "5"},
             "authenticationRef": {"name": "api"}},
            {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "80"}},
        ])
    );
    let auth = find(&objects, "TriggerAuthentication").expect("a TriggerAuthentication");
    assert_eq!(auth["metadata"]["name"], "api");
    assert_eq!(
        auth["spec"]["secretTargetRef"],
        json!([{"parameter": "password", "name": "redis-auth", "key": "password"}])
    );
    let deployment = find(&objects, "Deployment").unwrap();
    assert!(deployment["spec"].get("replicas").is_none());
}

#[test]
fn vpa_tolerations_and_service_monitor() {
    let objects = objects();
    let vpa = find(&objects, "VerticalPodAutoscaler").expect("a VPA");
    assert_eq!(vpa["spec"]["updatePolicy"]["updateMode"], "Off");
    assert_eq!(vpa["spec"]["targetRef"]["name"], "api");
    let deployment = find(&objects, "Deployment").unwrap();
    assert_eq!(
        deployment["spec"]["template"]["spec"]["tolerations"],
        json!([{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}])
    );
    let sm = find(&objects, "ServiceMonitor").expect("a ServiceMonitor");
    assert_eq!(sm["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(
        sm["spec"]["endpoints"],
        json!([{"port": "http", "path": "/metrics", "interval": "15s"}])
    );
    let service = find(&objects, "Service").unwrap();
    assert_eq!(
        sm["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"]
    );
}
