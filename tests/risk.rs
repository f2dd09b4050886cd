//! Risk classes in `stowage diff`: every class has a change that produces it and a near miss (a
//! change of the same fields that is not the risk) that must not; `--fail-on` and
//! `--fail-on-severity` gate on them; the three formats put them first.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use stowage::output::risk;

const BASE: &str = r#"app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
secret "db" source="external" store="vault" {
    key "URL" remote="shop/db" property="url"
}
service "api" {
    image "api" tag="1.0.0"
    port "http" 8080
    env-from "db"
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 3
    egress "10.0.0.0/8" port=443
    allow-from "10.0.0.0/8" port="http"
    service-account "api"
    waive "CKV_K8S_35" reason="reads its database address from the environment"
}
service-account "api" {
    can "get" "list" on="configmaps"
}
ingress "web" {
    class "nginx"
    tls issuer="letsencrypt"
    route "api" host="api.shop.example" service="api"
}
environment "dev" {
    policy "dev"
    namespace "shop-dev"
}
environment "production" {
    policy "production"
}
pipeline {
    build "api"
    scan severity="HIGH,CRITICAL" fail=#true
    deploy "production" on="tag:v*" approval=#true credentials="PROD_KUBECONFIG"
}
"#;

/// Each class: edits of [`BASE`] (text replaced) that produce it, and a near miss that must not.
struct Case {
    class: &'static str,
    risky: &'static [(&'static str, &'static str)],
    near_miss: &'static [(&'static str, &'static str)],
    /// Whether the edits change deployed objects (the pipeline's do not).
    objects: bool,
}

const CASES: &[Case] = &[
    Case {
        class: "replicas-lowered",
        risky: &[("replicas 3", "replicas 2")],
        near_miss: &[(
            "namespace \"shop-dev\"",
            "namespace \"shop-dev\"\n    service \"api\" { replicas 1; }",
        )],
        objects: true,
    },
    Case {
        class: "disruption-loosened",
        risky: &[("replicas 3", "replicas 3\n    disruption max-unavailable=2")],
        near_miss: &[("replicas 3", "replicas 3\n    disruption min-available=2")],
        objects: true,
    },
    Case {
        class: "limits-lowered",
        risky: &[("limits cpu=\"500m\"", "limits cpu=\"250m\"")],
        near_miss: &[("limits cpu=\"500m\"", "limits cpu=\"1\"")],
        objects: true,
    },
    Case {
        class: "probe-removed",
        risky: &[(
            "    readiness http=\"/ready\" port=\"http\"\n",
            "    waive \"probes\" reason=\"the port answers when ready\"\n",
        )],
        near_miss: &[("readiness http=\"/ready\"", "readiness http=\"/readyz\"")],
        objects: true,
    },
    Case {
        class: "exposure-added",
        risky: &[(
            "port \"http\" 8080\n",
            "port \"http\" 8080\n    expose \"LoadBalancer\"\n",
        )],
        near_miss: &[(
            "route \"api\" host=\"api.shop.example\" service=\"api\"",
            "route \"api\" host=\"api.shop.example\" service=\"api\"\n    route \"v2\" host=\"api.shop.example\" path=\"/v2\" service=\"api\"",
        )],
        objects: true,
    },
    Case {
        class: "egress-widened",
        risky: &[("egress \"10.0.0.0/8\"", "egress \"0.0.0.0/0\"")],
        near_miss: &[("egress \"10.0.0.0/8\"", "egress \"10.1.0.0/16\"")],
        objects: true,
    },
    Case {
        class: "network-policy-loosened",
        risky: &[(
            "allow-from \"10.0.0.0/8\"",
            "allow-from namespace=\"monitoring\"",
        )],
        near_miss: &[("allow-from \"10.0.0.0/8\"", "allow-from \"10.2.0.0/16\"")],
        objects: true,
    },
    Case {
        class: "rbac-widened",
        risky: &[("can \"get\" \"list\"", "can \"get\" \"list\" \"watch\"")],
        near_miss: &[("can \"get\" \"list\"", "can \"get\"")],
        objects: true,
    },
    Case {
        class: "security-weakened",
        risky: &[(
            "replicas 3",
            "replicas 3\n    security privilege-escalation=#true\n    waive \"security\" reason=\"the debugger attaches\"",
        )],
        near_miss: &[("replicas 3", "replicas 3\n    security user=10002")],
        objects: true,
    },
    Case {
        class: "image-mutable",
        risky: &[(
            "image \"api\" tag=\"1.0.0\"",
            "image \"api\" tag=\"latest\"\n    waive \"image-tag\" reason=\"the nightly build\"",
        )],
        near_miss: &[("image \"api\" tag=\"1.0.0\"", "image \"api\" tag=\"1.0.1\"")],
        objects: true,
    },
    Case {
        class: "image-registry-changed",
        risky: &[(
            "image \"api\" tag=",
            "image \"api\" registry=\"docker.io/acme\" tag=",
        )],
        near_miss: &[
            ("image \"api\" tag=", "image \"api-server\" tag="),
            ("build \"api\"", "build \"api-server\""),
        ],
        objects: true,
    },
    Case {
        class: "secret-source-changed",
        risky: &[("store=\"vault\"", "store=\"aws-secrets-manager\"")],
        near_miss: &[("key \"URL\" remote", "key \"DATABASE_URL\" remote")],
        objects: true,
    },
    Case {
        class: "policy-lowered",
        risky: &[("policy \"production\"", "policy \"staging\"")],
        near_miss: &[("policy \"dev\"", "policy \"staging\"")],
        objects: true,
    },
    Case {
        class: "waiver-added",
        risky: &[(
            "    service-account \"api\"\n",
            "    service-account \"api\"\n    waive \"CKV_K8S_43\" reason=\"CI deploys the digest it built\"\n",
        )],
        near_miss: &[(
            "reason=\"reads its database address from the environment\"",
            "reason=\"reads its database URL from the environment\"",
        )],
        objects: true,
    },
    Case {
        class: "approval-removed",
        risky: &[(" approval=#true", "")],
        near_miss: &[(
            "credentials=\"PROD_KUBECONFIG\"",
            "credentials=\"PROD_KUBECONFIG\" timeout=\"15m\"",
        )],
        objects: false,
    },
    Case {
        class: "scan-gate-removed",
        risky: &[(
            "scan severity=\"HIGH,CRITICAL\"",
            "scan severity=\"CRITICAL\"",
        )],
        near_miss: &[(
            "scan severity=\"HIGH,CRITICAL\"",
            "scan severity=\"MEDIUM,HIGH,CRITICAL\"",
        )],
        objects: false,
    },
    Case {
        class: "trigger-widened",
        risky: &[("on=\"tag:v*\"", "on=\"tag:v*,branch:main\"")],
        near_miss: &[("on=\"tag:v*\"", "on=\"tag:v*,manual\"")],
        objects: false,
    },
];

fn edit(edits: &[(&str, &str)]) -> String {
    let mut s = BASE.to_string();
    for (from, to) in edits {
        assert!(s.contains(from), "`{from}` is not in the spec");
        s = s.replacen(from, to, 1);
    }
    s
}

/// `stowage diff --format json BASE new` in `dir`, with extra arguments: (exit code, output).
fn diff(dir: &Path, new: &str, extra: &[&str]) -> (i32, Value) {
    fs::write(dir.join("old.kdl"), BASE).unwrap();
    fs::write(dir.join("new.kdl"), new).unwrap();
    let o = run(stowage()
        .current_dir(dir)
        .args(["diff", "--format", "json"])
        .args(extra)
        .args(["old.kdl", "new.kdl"]));
    let code = o.status.code().unwrap();
    assert!(
        code < 2,
        "exit {code}: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let doc = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: no JSON for\n{new}\n{}", text(&o.stderr)));
    (code, doc)
}

fn classes(doc: &Value) -> Vec<String> {
    doc["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["class"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_base_spec_has_no_risk_against_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (code, doc) = diff(dir.path(), BASE, &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["equal"], true);
    assert!(classes(&doc).is_empty(), "{doc:#}");
}

#[test]
fn every_class_has_a_change_that_produces_it_and_a_near_miss_that_does_not() {
    let ids: Vec<&str> = CASES.iter().map(|c| c.class).collect();
    let declared: Vec<&str> = risk::ALL.iter().map(|c| c.id).collect();
    assert_eq!(ids, declared, "one case per declared class, in order");
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let (_, risky) = diff(dir.path(), &edit(case.risky), &[]);
        assert!(
            classes(&risky).iter().any(|c| c == case.class),
            "{}: not found in {:#}",
            case.class,
            risky["risks"]
        );
        let (_, near) = diff(dir.path(), &edit(case.near_miss), &[]);
        if case.objects {
            assert_eq!(
                near["equal"], false,
                "{}: the near miss changes nothing",
                case.class
            );
        }
        assert!(
            !classes(&near).iter().any(|c| c == case.class),
            "{}: found in the near miss: {:#}",
            case.class,
            near["risks"]
        );
    }
}

#[test]
fn a_new_prefix_renames_objects_and_removes_none() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = edit(&[(
        "policy \"production\"",
        "policy \"production\"\n    prefix \"prod-\"",
    )]);
    let (_, doc) = diff(dir.path(), &renamed, &[]);
    assert_eq!(doc["equal"], false);
    assert!(classes(&doc).is_empty(), "{:#}", doc["risks"]);
}

#[test]
fn findings_name_the_environment_object_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_, doc) = diff(
        dir.path(),
        &edit(&[("limits cpu=\"500m\"", "limits cpu=\"250m\"")]),
        &[],
    );
    let found: Vec<&Value> = doc["risks"].as_array().unwrap().iter().collect();
    let prod = found
        .iter()
        .find(|r| r["environment"] == "production")
        .expect("a finding in production");
    assert_eq!(prod["object"], "Deployment/api");
    assert_eq!(
        prod["path"],
        "spec.template.spec.containers[api].resources.limits.cpu"
    );
    assert_eq!(prod["detail"], "500m -> 250m");
    assert_eq!(prod["severity"], "medium");
    assert!(prod["summary"].as_str().unwrap().ends_with('.'));
}

#[test]
fn fail_on_gates_on_the_classes_named_and_on_severity() {
    let dir = tempfile::tempdir().unwrap();
    let weaker = edit(&[(
        "replicas 3",
        "replicas 3\n    security privilege-escalation=#true\n    waive \"security\" reason=\"the debugger attaches\"",
    )]);
    let limits = edit(&[("limits cpu=\"500m\"", "limits cpu=\"250m\"")]);
    let gate = |new: &str, args: &[&str]| diff(dir.path(), new, args).0;
    assert_eq!(
        gate(&weaker, &["--fail-on", "security-weakened,rbac-widened"]),
        1
    );
    assert_eq!(
        gate(&limits, &["--fail-on", "security-weakened,rbac-widened"]),
        0,
        "differs, but no risk named"
    );
    assert_eq!(gate(&weaker, &["--fail-on-severity", "high"]), 1);
    assert_eq!(gate(&limits, &["--fail-on-severity", "high"]), 0);
    assert_eq!(gate(&limits, &["--fail-on-severity", "medium"]), 1);
    assert_eq!(gate(BASE, &["--fail-on-severity", "low"]), 0);
    // Without a gate the exit status says whether the versions differ.
    assert_eq!(gate(&limits, &[]), 1);
}

#[test]
fn an_unknown_class_or_severity_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.kdl"), BASE).unwrap();
    let o = run(stowage().current_dir(dir.path()).args([
        "diff",
        "--fail-on",
        "security-weakend",
        "a.kdl",
        "a.kdl",
    ]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("did you mean `security-weakened`?"),
        "{}",
        text(&o.stderr)
    );
    let o = run(stowage().current_dir(dir.path()).args([
        "diff",
        "--fail-on-severity",
        "critical",
        "a.kdl",
        "a.kdl",
    ]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("low, medium, high"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn human_and_markdown_put_the_risks_first() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.kdl"), BASE).unwrap();
    let new = edit(&[(
        "replicas 3",
        "replicas 3\n    security privilege-escalation=#true\n    waive \"security\" reason=\"the debugger attaches\"",
    )]);
    fs::write(dir.path().join("new.kdl"), new).unwrap();
    let human = text(
        &run(stowage()
            .current_dir(dir.path())
            .args(["diff", "old.kdl", "new.kdl"]))
        .stdout,
    );
    assert!(human.starts_with("risks: "), "{human}");
    let risks_at = human.find("security-weakened").unwrap();
    assert!(risks_at < human.find("production:").unwrap(), "{human}");
    let md = text(
        &run(stowage()
            .current_dir(dir.path())
            .args(["diff", "--format", "markdown", "old.kdl", "new.kdl"]))
        .stdout,
    );
    let table = md
        .find("| severity | class | where | change |")
        .expect("a risk table");
    assert!(table < md.find("<details>").unwrap(), "{md}");
    assert!(md.contains("| high | `security-weakened`:"), "{md}");
}

#[test]
fn the_book_lists_every_class() {
    let page = risk::classes::book_page();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/risk-classes.md");
    if std::env::var_os("STOWAGE_BLESS").is_some() {
        fs::write(&path, &page).unwrap();
    }
    let on_disk = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == page,
        "book/src/risk-classes.md is stale: run STOWAGE_BLESS=1 cargo test --test risk"
    );
    for c in risk::ALL {
        assert!(page.contains(&format!("| `{}` |", c.id)));
    }
}

/// A declared policy is lowered when a rule it held is switched off, turns into a warning, or
/// is no longer enforced at admission; adding a rule is not a risk.
#[test]
fn a_declared_policy_that_holds_less_is_policy_lowered() {
    let declared = |rules: &str, admission: bool| {
        BASE.replacen(
            "environment \"production\" {\n    policy \"production\"",
            &format!(
                "policy \"acme\" admission=#{admission} {{\n{rules}}}\nenvironment \"production\" {{\n    policy \"acme\""
            ),
            1,
        )
    };
    let old = declared(
        "    rule \"required-labels\" \"app.kubernetes.io/part-of\"\n",
        true,
    );
    let dir = tempfile::tempdir().unwrap();
    let run_diff = |new: &str| {
        fs::write(dir.path().join("old.kdl"), &old).unwrap();
        fs::write(dir.path().join("new.kdl"), new).unwrap();
        let o = run(stowage()
            .current_dir(dir.path())
            .args(["diff", "--format", "json", "old.kdl", "new.kdl"]));
        assert!(o.status.code().unwrap() < 2, "{}", text(&o.stderr));
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        classes(&doc)
    };
    for lowered in [
        declared("", true),
        declared(
            "    rule \"required-labels\" \"app.kubernetes.io/part-of\" severity=\"warning\"\n",
            true,
        ),
        declared(
            "    rule \"required-labels\" \"app.kubernetes.io/part-of\"\n    rule \"probes\" severity=\"off\"\n",
            true,
        ),
        declared(
            "    rule \"required-labels\" \"app.kubernetes.io/part-of\"\n",
            false,
        ),
    ] {
        assert!(
            run_diff(&lowered).iter().any(|c| c == "policy-lowered"),
            "{lowered}"
        );
    }
    let stricter = declared(
        "    rule \"required-labels\" \"app.kubernetes.io/part-of\"\n    rule \"image-digest\" severity=\"warning\"\n",
        true,
    );
    assert!(!run_diff(&stricter).iter().any(|c| c == "policy-lowered"));
}
