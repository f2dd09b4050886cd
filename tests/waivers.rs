//! Waivers with an owner and an end date: `validate` warns 14 days before the end and fails
//! from it (today fixed with STOWAGE_TODAY), a policy can require both, and `stowage waivers`
//! lists every waiver once.

mod common;

use common::*;
use serde_json::Value;
use std::fs;

const SPEC: &str = r#"app "shop" {
    namespace "shop"
    waive "CKV_K8S_43" reason="CI deploys the digest it built" owner="team-platform" expires="2027-06-30"
}
service "db-proxy" {
    image "db-proxy" tag="1.4.2"
    port "sql" 5432
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness tcp="sql"
    readiness tcp="sql"
    replicas 1
    waive "replicas" reason="single primary" owner="team-data" expires="2027-03-01"
}
environment "staging" {
    policy "staging"
    waive "KSV-0125" reason="staging pulls from the mirror"
}
environment "production" {
    policy "production"
}
"#;

/// `stowage validate` of `spec` on `today`: (exit code, standard error).
fn validate_on(spec: &str, today: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), spec).unwrap();
    let o = run(stowage()
        .current_dir(dir.path())
        .env("STOWAGE_TODAY", today)
        .arg("validate"));
    (o.status.code().unwrap(), text(&o.stderr))
}

#[test]
fn a_waiver_warns_before_its_end_and_fails_from_it() {
    let (code, err) = validate_on(SPEC, "2027-02-14");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("waiver-expir"), "15 days before: {err}");
    let (code, err) = validate_on(SPEC, "2027-02-15");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stowage::policy::waiver-expiring"), "{err}");
    assert!(err.contains("expires in 14 days (2027-03-01)"), "{err}");
    assert!(err.contains("owner: team-data"), "{err}");
    let (code, err) = validate_on(SPEC, "2027-02-28");
    assert_eq!(code, 0);
    assert!(err.contains("expires tomorrow"), "{err}");
    let (code, err) = validate_on(SPEC, "2027-03-01");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("stowage::policy::waiver-expired"), "{err}");
    assert!(err.contains("expired on 2027-03-01"), "{err}");
    // Reported once, though the workload is in the base and in both environments.
    assert_eq!(err.matches("expired on 2027-03-01").count(), 1, "{err}");
}

#[test]
fn a_today_that_is_not_a_date_is_refused() {
    let (code, err) = validate_on(SPEC, "2027-02-31");
    assert_eq!(code, 2);
    assert!(
        err.contains("STOWAGE_TODAY=`2027-02-31` is not a date"),
        "{err}"
    );
}

#[test]
fn an_end_date_that_is_not_a_date_is_refused() {
    for bad in [
        "2027-02-30",
        "next year",
        "2027-3-1",
        "2027-03-01T00:00:00Z",
    ] {
        let spec = SPEC.replace("expires=\"2027-03-01\"", &format!("expires=\"{bad}\""));
        let (code, err) = validate_on(&spec, "2027-01-01");
        assert_eq!(code, 1, "{bad}: {err}");
        assert!(err.contains("is not a date"), "{bad}: {err}");
    }
}

#[test]
fn owned_waivers_need_an_owner_and_an_end_date() {
    let spec = SPEC.replace(
        "policy \"staging\"",
        "policy \"staging\" owned-waivers=#true",
    );
    let (code, err) = validate_on(&spec, "2027-01-01");
    assert_eq!(code, 1);
    assert!(err.contains("stowage::policy::waiver-owner"), "{err}");
    assert!(
        err.contains("the waiver of `KSV-0125` names no owner and no end date"),
        "{err}"
    );
    assert_eq!(
        err.matches("waiver-owner").count(),
        1,
        "only staging's own: {err}"
    );
    // Production does not ask, so its waivers may go without.
    let (code, err) = validate_on(SPEC, "2027-01-01");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn stowage_waivers_lists_each_waiver_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stowage.kdl"), SPEC).unwrap();
    let o = run(stowage()
        .current_dir(dir.path())
        .env("STOWAGE_TODAY", "2027-02-20")
        .args(["waivers", "--format", "json"]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let summary: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
            (s("rule"), s("on"), s("status"))
        })
        .collect();
    let want = [
        ("CKV_K8S_43", "app", "ok"),
        ("replicas", "service db-proxy", "expires in 9 days"),
        ("KSV-0125", "environment staging", "no end date"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(summary, want);
    assert_eq!(rows[1]["owner"], "team-data");
    assert_eq!(rows[1]["days_left"], 9);
    assert_eq!(rows[1]["at"], "stowage.kdl:15:5");
    // The table, and a spec whose waiver has expired is still listed.
    let o = run(stowage()
        .current_dir(dir.path())
        .env("STOWAGE_TODAY", "2027-04-01")
        .arg("waivers"));
    let table = text(&o.stdout);
    assert!(table.starts_with("RULE"), "{table}");
    assert!(table.contains("expired"), "{table}");
    assert_eq!(table.lines().count(), 4, "{table}");
}
