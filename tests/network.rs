//! The NetworkPolicies of exposed workloads: a LoadBalancer or NodePort Service lets clients
//! from anywhere in on its ports, and only on them; what `allow-from` says again is not said
//! twice; `source-ranges` is the load balancer's.

mod common;

use serde_json::{Value, json};
use std::path::Path;

/// The rendered objects of the environment `production` of a spec.
fn production(spec: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stowage.kdl");
    std::fs::write(&path, spec).unwrap();
    let ir = common::ir(&path, Path::new("."));
    let env = ir
        .environments
        .iter()
        .find(|e| e.name == "production")
        .unwrap();
    env.render()
}

fn object<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name}"))
}

/// The ingress rules of a workload's policy (none without one: default deny holds).
fn ingress_rules(objects: &[Value], workload: &str) -> Vec<Value> {
    objects
        .iter()
        .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == workload)
        .and_then(|p| p["spec"]["ingress"].as_array().cloned())
        .unwrap_or_default()
}

const HEAD: &str = r#"
app "shop" {
    namespace "shop"
}
environment "production" {
    policy "production"
}
"#;

fn api(body: &str) -> String {
    format!(
        r#"{HEAD}
service "api" {{
    image "api" tag="1.4.2"
    port "http" 8080
    port "grpc" 9090
    resources {{
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }}
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
{body}
}}
"#
    )
}

fn anywhere(cidr: &str, ports: &[i64]) -> Value {
    json!({
        "from": [{"ipBlock": {"cidr": cidr}}],
        "ports": ports.iter().map(|p| json!({"port": p, "protocol": "TCP"})).collect::<Vec<_>>(),
    })
}

#[test]
fn a_load_balancer_lets_clients_in_on_its_ports_once() {
    let objects = production(&api(r#"    expose "LoadBalancer" {
        source-ranges "203.0.113.0/24"
    }
    allow-from "0.0.0.0/0""#));
    let rules = ingress_rules(&objects, "api");
    assert_eq!(
        rules,
        vec![
            anywhere("0.0.0.0/0", &[8080, 9090]),
            anywhere("::/0", &[8080, 9090])
        ],
        "{rules:#?}"
    );
    let svc = object(&objects, "Service", "api");
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    assert_eq!(
        svc["spec"]["loadBalancerSourceRanges"],
        json!(["203.0.113.0/24"])
    );
}

#[test]
fn an_extra_load_balancer_opens_only_its_own_ports() {
    let objects = production(&api(r#"    extra-service "internal" type="LoadBalancer" {
        ports "grpc"
        annotations "service.beta.kubernetes.io/aws-load-balancer-internal"="true"
    }
    extra-service "peers" headless=#true"#));
    let rules = ingress_rules(&objects, "api");
    assert_eq!(
        rules,
        vec![anywhere("0.0.0.0/0", &[9090]), anywhere("::/0", &[9090])],
        "{rules:#?}"
    );
    let main = object(&objects, "Service", "api");
    assert_eq!(main["spec"]["type"], "ClusterIP");
    let internal = object(&objects, "Service", "api-internal");
    assert_eq!(internal["spec"]["type"], "LoadBalancer");
    assert_eq!(internal["spec"]["ports"].as_array().unwrap().len(), 1);
    assert_eq!(internal["spec"]["selector"], main["spec"]["selector"]);
    assert_eq!(
        internal["metadata"]["annotations"]["service.beta.kubernetes.io/aws-load-balancer-internal"],
        "true"
    );
    let peers = object(&objects, "Service", "api-peers");
    assert_eq!(peers["spec"]["clusterIP"], "None");
    assert_eq!(peers["spec"]["ports"].as_array().unwrap().len(), 2);
}

#[test]
fn a_cluster_ip_service_lets_nobody_in_from_outside() {
    let objects = production(&api(
        "    extra-service \"admin\" {\n        ports \"http\"\n    }",
    ));
    assert!(ingress_rules(&objects, "api").is_empty());
}
