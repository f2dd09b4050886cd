//! The same rules at admission: for every rule kind, objects that keep it and objects that
//! break it are judged by stowage's own check (`ir::policy::findings`, a waiver annotation
//! letting the object through as lowering does) and by the CEL of the ValidatingAdmissionPolicy
//! stowage generates, evaluated with a CEL implementation (the `cel` crate) as the API server
//! would: the policy's kinds, then its match conditions, then its validation with the
//! variables in place. Both must agree on every object. Kubernetes' `quantity()` library is
//! not in the crate; the test gives it with the same comparison (amounts in base units).

use cel::extractors::This;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use stowage::diagnostic::Severity;
use stowage::ir::Object;
use stowage::ir::admission::{cel as rules_cel, match_conditions};
use stowage::policy::{Enforced, Params, Policy, Rule};
use stowage::syntax::ast::PolicyLevel;

fn enforced(rule: Rule, params: Params) -> Enforced {
    Enforced {
        rule,
        severity: Severity::Error,
        params,
        span: None,
    }
}

fn values(v: &[&str]) -> Params {
    Params {
        values: v.iter().map(|s| s.to_string()).collect(),
        ..Params::default()
    }
}

/// A Deployment that keeps every rule of production.
fn compliant() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"team": "shop"}},
        "spec": {
            "replicas": 2,
            "template": {"spec": {
                "securityContext": {"runAsNonRoot": true, "runAsUser": 10001},
                "containers": [{
                    "name": "web",
                    "image": "ghcr.io/acme/web@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
                    "ports": [{"containerPort": 8080}],
                    "resources": {
                        "requests": {"cpu": "250m", "memory": "256Mi"},
                        "limits": {"cpu": "500m", "memory": "512Mi"}
                    },
                    "livenessProbe": {"httpGet": {"path": "/health", "port": 8080}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                    "securityContext": {
                        "readOnlyRootFilesystem": true,
                        "allowPrivilegeEscalation": false,
                        "capabilities": {"drop": ["ALL"]}
                    }
                }]
            }}
        }
    })
}

/// The compliant Deployment with `edit` applied.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = compliant();
    edit(&mut v);
    v
}

fn container(v: &mut Value) -> &mut Value {
    &mut v["spec"]["template"]["spec"]["containers"][0]
}

/// (API group, resource) of the kinds the cases use.
fn resource(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "Deployment" => ("apps", "deployments"),
        "StatefulSet" => ("apps", "statefulsets"),
        "DaemonSet" => ("apps", "daemonsets"),
        "Job" => ("batch", "jobs"),
        "CronJob" => ("batch", "cronjobs"),
        "HorizontalPodAutoscaler" => ("autoscaling", "horizontalpodautoscalers"),
        "Ingress" => ("networking.k8s.io", "ingresses"),
        other => panic!("no resource for {other}"),
    }
}

/// Kubernetes' CEL: the standard library with optional values (`a.?b.orValue(c)`).
fn cel_env() -> Arc<cel::Env> {
    static ENV: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| Arc::new(cel::Env::stdlib())).clone()
}

fn cel_context(object: &Value) -> cel::Context<'static, 'static> {
    let mut cx = cel::Context::with_env(cel_env());
    cx.add_variable("object", object.clone()).unwrap();
    cx.add_function("quantity", |s: Arc<String>| {
        stowage::check::values::quantity_value(&s).expect("a quantity")
    })
    .unwrap();
    cx.add_function("compareTo", |This(a): This<f64>, b: f64| -> i64 {
        a.partial_cmp(&b).map_or(0, |o| o as i64)
    })
    .unwrap();
    cx
}

fn eval(expression: &str, object: &Value) -> bool {
    let program = cel_env()
        .compile(expression)
        .unwrap_or_else(|e| panic!("CEL does not compile: {expression}\n{e:?}"));
    match program.execute(&cel_context(object)) {
        Ok(cel::Value::Bool(b)) => b,
        other => panic!("CEL gave {other:?} for {expression} on {object}"),
    }
}

/// Whether the API server admits `object` under the policy stowage generates for `rule`.
fn admitted(rule: &Enforced, cx: &rules_cel::Context, object: &Value) -> bool {
    let check = rules_cel::check(rule, cx);
    let (group, plural) = resource(object["kind"].as_str().unwrap());
    let matched = check
        .resources
        .iter()
        .any(|(g, rs)| *g == group && rs.contains(&plural));
    if !matched {
        return true;
    }
    if !match_conditions(rule.rule)
        .iter()
        .all(|(_, c)| eval(c, object))
    {
        return true;
    }
    // The variables, inlined in the order they are declared.
    let mut expression = check.expression.clone();
    for (name, value) in rules_cel::VARIABLES.iter().rev() {
        let mut value = value.to_string();
        for (earlier, v) in rules_cel::VARIABLES {
            value = value.replace(&format!("variables.{earlier}"), &format!("({v})"));
        }
        expression = expression.replace(&format!("variables.{name}"), &format!("({value})"));
    }
    eval(&expression, object)
}

/// Whether stowage's check lets `objects[0]` through (a finding owned by it, not waived).
fn kept(rule: &Enforced, objects: &[Value], env_labels: &BTreeMap<String, String>) -> bool {
    let objects: Vec<Object> = objects
        .iter()
        .map(|v| Object {
            group: "web".into(),
            value: v.clone(),
        })
        .collect();
    let policy = Policy {
        name: "test".into(),
        level: PolicyLevel::Production,
        admission: true,
        rules: vec![rule.clone()],
    };
    let scope = stowage::ir::policy::Scope {
        objects: &objects,
        labels: env_labels,
    };
    let waiver = rule.rule.waiver_annotation();
    !stowage::ir::policy::findings(&scope, &policy)
        .iter()
        .any(|f| {
            f.object == 0
                && objects[f.owner].value["metadata"]["annotations"]
                    .get(&waiver)
                    .is_none()
        })
}

struct Case {
    what: &'static str,
    rule: Enforced,
    /// The object judged first; the others are its environment (an autoscaler).
    objects: Vec<Value>,
    keeps: bool,
}

fn case(what: &'static str, rule: Enforced, object: Value, keeps: bool) -> Case {
    Case {
        what,
        rule,
        objects: vec![object],
        keeps,
    }
}

/// Every case of one rule kind, at least one object that keeps it and one that does not.
fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    out.extend(replicas());
    out.extend(pod_rules());
    out.extend(organisation());
    out.extend(ingress());
    out
}

fn replicas() -> Vec<Case> {
    let r = || {
        enforced(
            Rule::Replicas,
            Params {
                min: Some(2),
                ..Params::default()
            },
        )
    };
    let r3 = enforced(
        Rule::Replicas,
        Params {
            min: Some(3),
            ..Params::default()
        },
    );
    let hpa = |min: i64| {
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "web"},
               "spec": {"minReplicas": min, "maxReplicas": 5,
                        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}})
    };
    let unscaled = edited(|v| {
        v["spec"].as_object_mut().unwrap().remove("replicas");
    });
    vec![
        case("two replicas", r(), compliant(), true),
        case(
            "one replica",
            r(),
            edited(|v| v["spec"]["replicas"] = json!(1)),
            false,
        ),
        case("two of three", r3, compliant(), false),
        case("no count, no autoscaler", r(), unscaled.clone(), false),
        Case {
            what: "autoscaled, no count",
            rule: r(),
            objects: vec![unscaled, hpa(2)],
            keeps: true,
        },
        Case {
            what: "an autoscaler of minimum 1",
            rule: r(),
            objects: vec![hpa(1), compliant()],
            keeps: false,
        },
        case(
            "one replica, waived",
            r(),
            edited(|v| {
                v["spec"]["replicas"] = json!(1);
                v["metadata"]["annotations"] =
                    json!({"waivers.stowage.dev/replicas": "single writer"});
            }),
            true,
        ),
    ]
}

fn pod_rules() -> Vec<Case> {
    let r = |rule| enforced(rule, Params::default());
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                     "spec": {"template": {"spec": compliant()["spec"]["template"]["spec"].clone()}}});
    let mut probeless_job = job.clone();
    probeless_job["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("livenessProbe");
    vec![
        case("requests and limits", r(Rule::Resources), compliant(), true),
        case(
            "no memory limit",
            r(Rule::Resources),
            edited(|v| {
                container(v)["resources"]["limits"]
                    .as_object_mut()
                    .unwrap()
                    .remove("memory");
            }),
            false,
        ),
        case(
            "no resources",
            r(Rule::Resources),
            edited(|v| {
                container(v).as_object_mut().unwrap().remove("resources");
            }),
            false,
        ),
        case(
            "init container without resources",
            r(Rule::Resources),
            edited(|v| {
                v["spec"]["template"]["spec"]["initContainers"] =
                    json!([{"name": "init", "image": "busybox:1.36"}]);
            }),
            false,
        ),
        case("probes", r(Rule::Probes), compliant(), true),
        case(
            "no readiness probe",
            r(Rule::Probes),
            edited(|v| {
                container(v)
                    .as_object_mut()
                    .unwrap()
                    .remove("readinessProbe");
            }),
            false,
        ),
        case("a job needs no probe", r(Rule::Probes), probeless_job, true),
        case(
            "a sidecar without probes",
            r(Rule::Probes),
            edited(|v| {
                v["spec"]["template"]["spec"]["initContainers"] =
                    json!([{"name": "proxy", "image": "envoy:1", "restartPolicy": "Always"}]);
            }),
            false,
        ),
        case(
            "an init container without probes",
            r(Rule::Probes),
            edited(|v| {
                v["spec"]["template"]["spec"]["initContainers"] =
                    json!([{"name": "init", "image": "busybox:1.36"}]);
            }),
            true,
        ),
        case("secure", r(Rule::Security), compliant(), true),
        case(
            "escalation",
            r(Rule::Security),
            edited(|v| {
                container(v)["securityContext"]["allowPrivilegeEscalation"] = json!(true);
            }),
            false,
        ),
        case(
            "user 0",
            r(Rule::Security),
            edited(|v| {
                v["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = json!(0);
            }),
            false,
        ),
        case(
            "SYS_ADMIN",
            r(Rule::Security),
            edited(|v| {
                container(v)["securityContext"]["capabilities"]["add"] = json!(["SYS_ADMIN"]);
            }),
            false,
        ),
        case(
            "NET_BIND_SERVICE",
            r(Rule::Security),
            edited(|v| {
                container(v)["securityContext"]["capabilities"]["add"] =
                    json!(["NET_BIND_SERVICE"]);
            }),
            true,
        ),
        case(
            "root by the container",
            r(Rule::Security),
            edited(|v| {
                container(v)["securityContext"]["runAsNonRoot"] = json!(false);
            }),
            false,
        ),
        case(
            "no security context",
            r(Rule::Security),
            edited(|v| {
                container(v)
                    .as_object_mut()
                    .unwrap()
                    .remove("securityContext");
            }),
            false,
        ),
        case("a digest", r(Rule::ImageTag), compliant(), true),
        case(
            "a tag",
            r(Rule::ImageTag),
            edited(|v| container(v)["image"] = json!("ghcr.io/acme/web:1.4.2")),
            true,
        ),
        case(
            "latest",
            r(Rule::ImageTag),
            edited(|v| container(v)["image"] = json!("ghcr.io/acme/web:latest")),
            false,
        ),
        case(
            "no tag",
            r(Rule::ImageTag),
            edited(|v| container(v)["image"] = json!("ghcr.io/acme/web")),
            false,
        ),
        case(
            "a registry port, no tag",
            r(Rule::ImageTag),
            edited(|v| container(v)["image"] = json!("registry:5000/web")),
            false,
        ),
        case(
            "a registry port and a tag",
            r(Rule::ImageTag),
            edited(|v| container(v)["image"] = json!("registry:5000/web:2")),
            true,
        ),
    ]
}

fn organisation() -> Vec<Case> {
    let registries = || {
        enforced(
            Rule::AllowedRegistries,
            values(&["ghcr.io/acme/", "registry.acme.io/"]),
        )
    };
    let labels = || enforced(Rule::RequiredLabels, values(&["team", "cost-centre"]));
    let ceiling = || {
        enforced(
            Rule::ResourceCeiling,
            Params {
                cpu: Some("1".into()),
                memory: Some("1Gi".into()),
                ..Params::default()
            },
        )
    };
    let host_path = |path: &str| {
        edited(|v| {
            v["spec"]["template"]["spec"]["volumes"] =
                json!([{"name": "h", "hostPath": {"path": path}}]);
        })
    };
    let host_port = |port: i64| edited(|v| container(v)["ports"][0]["hostPort"] = json!(port));
    vec![
        case("an allowed registry", registries(), compliant(), true),
        case(
            "another registry",
            registries(),
            edited(|v| container(v)["image"] = json!("docker.io/library/nginx:1.27")),
            false,
        ),
        case(
            "a prefix, not a registry",
            registries(),
            edited(|v| container(v)["image"] = json!("ghcr.io/acmecorp/web:1")),
            false,
        ),
        case(
            "both labels",
            labels(),
            edited(|v| v["metadata"]["labels"]["cost-centre"] = json!("42")),
            true,
        ),
        case("one label", labels(), compliant(), false),
        case(
            "a digest",
            enforced(Rule::ImageDigest, Params::default()),
            compliant(),
            true,
        ),
        case(
            "a tag",
            enforced(Rule::ImageDigest, Params::default()),
            edited(|v| container(v)["image"] = json!("ghcr.io/acme/web:1")),
            false,
        ),
        case("below the ceiling", ceiling(), compliant(), true),
        case(
            "at the ceiling",
            ceiling(),
            edited(|v| container(v)["resources"]["limits"]["cpu"] = json!("1000m")),
            true,
        ),
        case(
            "cpu above",
            ceiling(),
            edited(|v| container(v)["resources"]["limits"]["cpu"] = json!("2")),
            false,
        ),
        case(
            "memory above",
            ceiling(),
            edited(|v| container(v)["resources"]["limits"]["memory"] = json!("1025Mi")),
            false,
        ),
        case(
            "a request above",
            ceiling(),
            edited(|v| container(v)["resources"]["requests"]["memory"] = json!("2G")),
            false,
        ),
        case(
            "no host path",
            enforced(Rule::HostPaths, values(&["/var/run"])),
            compliant(),
            true,
        ),
        case(
            "under a forbidden path",
            enforced(Rule::HostPaths, values(&["/var/run"])),
            host_path("/var/run/docker.sock"),
            false,
        ),
        case(
            "the forbidden path",
            enforced(Rule::HostPaths, values(&["/var/run/"])),
            host_path("/var/run"),
            false,
        ),
        case(
            "beside a forbidden path",
            enforced(Rule::HostPaths, values(&["/var/run"])),
            host_path("/var/running"),
            true,
        ),
        case(
            "any host path",
            enforced(Rule::HostPaths, Params::default()),
            host_path("/tmp"),
            false,
        ),
        case(
            "no host port",
            enforced(Rule::HostPorts, Params::default()),
            compliant(),
            true,
        ),
        case(
            "a host port",
            enforced(Rule::HostPorts, Params::default()),
            host_port(8080),
            false,
        ),
        case(
            "an allowed host port",
            enforced(Rule::HostPorts, values(&["9100"])),
            host_port(9100),
            true,
        ),
        case(
            "another host port",
            enforced(Rule::HostPorts, values(&["9100"])),
            host_port(9101),
            false,
        ),
        case(
            "host port 0 is none",
            enforced(Rule::HostPorts, Params::default()),
            host_port(0),
            true,
        ),
    ]
}

fn ingress() -> Vec<Case> {
    let tls = || enforced(Rule::Tls, Params::default());
    let ingress = |tls: Value| {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "public"},
               "spec": {"rules": [{"host": "shop.example.com"}], "tls": tls}})
    };
    vec![
        case(
            "tls",
            tls(),
            ingress(json!([{"hosts": ["shop.example.com"], "secretName": "t"}])),
            true,
        ),
        case("no tls", tls(), ingress(json!([])), false),
        case(
            "no host",
            tls(),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": {"name": "internal"}, "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}),
            true,
        ),
    ]
}

/// What the policy's CEL knows of the environment, from its objects.
fn context_of(objects: &[Value]) -> rules_cel::Context {
    let mut cx = rules_cel::Context::default();
    for o in objects {
        if o["kind"] == "HorizontalPodAutoscaler" {
            cx.autoscaled
                .push(o["spec"]["scaleTargetRef"]["name"].as_str().unwrap().into());
        }
    }
    cx
}

#[test]
fn stowage_and_the_generated_cel_agree_on_every_rule_kind() {
    let no_labels = BTreeMap::new();
    let mut disagree = Vec::new();
    for c in cases() {
        let stowage = kept(&c.rule, &c.objects, &no_labels);
        let cluster = admitted(&c.rule, &context_of(&c.objects), &c.objects[0]);
        if stowage != c.keeps || cluster != c.keeps {
            disagree.push(format!(
                "{} `{}`: expected {}, stowage {}, CEL {}",
                c.rule.rule.name(),
                c.what,
                c.keeps,
                stowage,
                cluster
            ));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

/// Each rule kind has a case that keeps it and one that breaks it.
#[test]
fn every_rule_kind_has_a_compliant_and_a_violating_case() {
    let all = cases();
    for rule in Rule::all() {
        for keeps in [true, false] {
            assert!(
                all.iter().any(|c| c.rule.rule == rule && c.keeps == keeps),
                "no case where `{}` is {}",
                rule.name(),
                if keeps { "kept" } else { "broken" }
            );
        }
    }
}

/// An environment's labels are on its objects as deployed: the compiler counts them, and the
/// cluster sees them on the object.
#[test]
fn labels_the_environment_gives_count() {
    let rule = enforced(Rule::RequiredLabels, values(&["team", "cost-centre"]));
    let env = BTreeMap::from([("cost-centre".to_string(), "42".to_string())]);
    assert!(kept(&rule, &[compliant()], &env));
    let deployed = edited(|v| v["metadata"]["labels"]["cost-centre"] = json!("42"));
    assert!(admitted(&rule, &rules_cel::Context::default(), &deployed));
}

/// Objects a controller made (a Deployment's ReplicaSets) are let through: their owner was
/// checked.
#[test]
fn objects_a_controller_made_are_let_through() {
    let rule = enforced(Rule::Replicas, Params::default());
    let owned = edited(|v| {
        v["spec"]["replicas"] = json!(1);
        v["metadata"]["ownerReferences"] = json!([{"kind": "Rollout", "name": "x"}]);
    });
    assert!(admitted(&rule, &rules_cel::Context::default(), &owned));
}

proptest::proptest! {
    /// Any text a rule's values hold is a CEL string literal that says exactly it: the
    /// expression compiles, an image that starts with the value is admitted and one that
    /// differs in its first character is not — as the compiler judges.
    #[test]
    fn any_value_is_quoted_exactly(prefix in "\\PC{0,12}|[\\x00-\\x7f]{0,12}") {
        let rule = enforced(Rule::AllowedRegistries, values(&[prefix.as_str()]));
        let cx = rules_cel::Context::default();
        let image = format!("{prefix}web:1");
        let mine = edited(|v| container(v)["image"] = json!(image));
        proptest::prop_assert!(admitted(&rule, &cx, &mine));
        proptest::prop_assert!(kept(&rule, &[mine], &BTreeMap::new()));
        let other = format!("~{image}");
        if !other.starts_with(prefix.as_str()) {
            let theirs = edited(|v| container(v)["image"] = json!(other));
            proptest::prop_assert!(!admitted(&rule, &cx, &theirs));
            proptest::prop_assert!(!kept(&rule, &[theirs], &BTreeMap::new()));
        }
    }
}

/// What an environment deploys at admission, end to end: a policy per rule with its binding
/// (renamed with the environment's prefix, bound to its namespace, `Deny` or `Warn` and `Audit`
/// as the rule's severity says), and none for a rule the environment waives for every object.
#[test]
fn an_environment_gets_a_policy_and_a_binding_per_rule_it_holds() {
    let spec = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
    labels team="storefront"
}
policy "acme" extends="dev" admission=#true {
    rule "required-labels" "team"
    rule "image-digest" severity="warning"
    rule "host-paths"
}
service "web" {
    image "web" tag="1.4.2"
    port "http" 8080
}
environment "preview" {
    policy "acme"
    prefix "pr-"
    namespace "shop-preview"
    waive "host-paths" reason="the preview mounts its node's cache"
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stowage.kdl");
    std::fs::write(&path, spec).unwrap();
    let source = stowage::compile::read_source(&path).unwrap();
    let checked = stowage::compile::check(&source);
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    let ir = checked.ir.unwrap();
    let objects = ir.environments[0].render();
    let of_kind = |k: &str| -> Vec<&Value> { objects.iter().filter(|o| o["kind"] == k).collect() };
    let mut policies: Vec<&str> = of_kind("ValidatingAdmissionPolicy")
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    policies.sort_unstable();
    // The level's security rule, and the policy's own but the waived one.
    assert_eq!(
        policies,
        [
            "pr-shop-preview-image-digest",
            "pr-shop-preview-required-labels",
            "pr-shop-preview-security"
        ]
    );
    for b in of_kind("ValidatingAdmissionPolicyBinding") {
        let name = b["metadata"]["name"].as_str().unwrap();
        assert_eq!(b["spec"]["policyName"], name);
        assert_eq!(
            b["spec"]["matchResources"]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            "shop-preview"
        );
        let actions = &b["spec"]["validationActions"];
        if name.ends_with("image-digest") || name.ends_with("security") {
            assert_eq!(actions, &json!(["Warn", "Audit"]), "{name}");
        } else {
            assert_eq!(actions, &json!(["Deny"]), "{name}");
        }
        assert!(
            b["metadata"].get("namespace").is_none(),
            "{name}: cluster-scoped"
        );
    }
}
