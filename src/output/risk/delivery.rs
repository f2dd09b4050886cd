//! Rules on how the app is delivered: secrets' sources, waivers, policy levels, and the
//! pipeline's gates and triggers.

use super::classes::*;
use super::{Env, Finding, finding};
use crate::ir::pipeline::{DeployIr, PipelineIr, Trigger};
use crate::ir::{EnvIr, Ir};
use crate::policy::WAIVER_ANNOTATION_PREFIX;
use crate::syntax::keyword::Keyword;
use serde_json::Value;
use std::collections::BTreeMap;

/// Kinds that deliver a Secret's values.
const SECRET_KINDS: &[&str] = &["Secret", "SealedSecret", "ExternalSecret"];

/// Where an ExternalSecret reads from: its store and its remote references.
fn external_source(v: &Value) -> Value {
    let spec = &v["spec"];
    let remote: Vec<&Value> = spec["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| &d["remoteRef"])
        .collect();
    serde_json::json!([spec["secretStoreRef"], remote, spec["dataFrom"]])
}

/// Secrets delivered another way, or read from another store; objects by `Kind/name`.
pub(super) fn secret_sources(
    env: &Env,
    old: &BTreeMap<(String, String), Value>,
    new: &BTreeMap<(String, String), Value>,
    out: &mut Vec<Finding>,
) {
    let secrets = |m: &'_ BTreeMap<(String, String), Value>| -> BTreeMap<String, Value> {
        m.values()
            .filter(|v| SECRET_KINDS.contains(&v["kind"].as_str().unwrap_or_default()))
            .map(|v| {
                (
                    v["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    v.clone(),
                )
            })
            .collect()
    };
    let (old, new) = (secrets(old), secrets(new));
    for (name, n) in &new {
        let Some(o) = old.get(name) else { continue };
        let (ok, nk) = (o["kind"].as_str(), n["kind"].as_str());
        if ok != nk {
            let detail = format!("{} -> {}", ok.unwrap_or_default(), nk.unwrap_or_default());
            out.push(env.finding(&SECRET_SOURCE_CHANGED, n, "kind", detail));
        } else if nk == Some("ExternalSecret") && external_source(o) != external_source(n) {
            let store = |v: &Value| {
                v["spec"]["secretStoreRef"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            let detail = format!("store {} -> {}, or its remote keys", store(o), store(n));
            out.push(env.finding(&SECRET_SOURCE_CHANGED, n, "spec", detail));
        }
    }
}

fn waiver_annotations(v: &Value) -> Vec<(&str, &str)> {
    v["metadata"]["annotations"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with(WAIVER_ANNOTATION_PREFIX))
        .map(|(k, r)| (k.as_str(), r.as_str().unwrap_or_default()))
        .collect()
}

pub(super) fn waivers(env: &Env, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Finding>) {
    let Some(new) = new else { return };
    let before = old.map(waiver_annotations).unwrap_or_default();
    for (key, reason) in waiver_annotations(new) {
        if before.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let rule = key.trim_start_matches(WAIVER_ANNOTATION_PREFIX);
        let path = format!("metadata.annotations[\"{key}\"]");
        out.push(env.finding(
            &WAIVER_ADDED,
            new,
            &path,
            format!("`{rule}` waived: {reason}"),
        ));
    }
}

pub(super) fn policy(env: &Env, old: Option<&EnvIr>, new: Option<&EnvIr>, out: &mut Vec<Finding>) {
    let (Some(o), Some(n)) = (old, new) else {
        return;
    };
    let what = || format!("environment {}", env.name);
    if n.policy < o.policy {
        let detail = format!("{} -> {}", o.policy.name(), n.policy.name());
        out.push(finding(&POLICY_LOWERED, env.name, what(), "policy", detail));
        return;
    }
    for r in &o.rules.rules {
        let detail = match n.rules.get(r.rule) {
            None => format!("rule {} no longer held", r.rule.name()),
            Some(m) if m.severity > r.severity => format!("rule {} now a warning", r.rule.name()),
            _ => continue,
        };
        out.push(finding(&POLICY_LOWERED, env.name, what(), "policy", detail));
    }
    if o.rules.admission && !n.rules.admission {
        let detail = "no longer enforced at admission".to_string();
        out.push(finding(&POLICY_LOWERED, env.name, what(), "policy", detail));
    }
}

/// The pipeline's gates and triggers: the scan for every environment, each deploy for its own.
pub(super) fn pipeline(old: &Ir, new: &Ir, only: Option<&str>, out: &mut Vec<Finding>) {
    let Some(op) = &old.pipeline else { return };
    scan(op, new.pipeline.as_ref(), out);
    let deploys: &[DeployIr] = new.pipeline.as_ref().map_or(&[], |p| &p.deploys);
    for od in op
        .deploys
        .iter()
        .filter(|d| only.is_none_or(|o| o == d.env))
    {
        let still_deployed = new.environments.iter().any(|e| e.name == od.env);
        match deploys.iter().find(|d| d.env == od.env) {
            Some(nd) => deploy(od, nd, out),
            None if od.approval && still_deployed => out.push(finding(
                &APPROVAL_REMOVED,
                &od.env,
                format!("deploy {}", od.env),
                "approval",
                "the deploy is removed".into(),
            )),
            None => {}
        }
    }
}

fn scan(old: &PipelineIr, new: Option<&PipelineIr>, out: &mut Vec<Finding>) {
    let Some((severities, true)) = &old.scan else {
        return;
    };
    let detail = match new.and_then(|n| n.scan.as_ref()) {
        None => "the scan is removed".to_string(),
        Some((_, false)) => "the scan no longer fails the pipeline (fail=#false)".to_string(),
        Some((now, true)) => {
            let kept: Vec<&str> = now.split(',').map(str::trim).collect();
            let dropped: Vec<&str> = severities
                .split(',')
                .map(str::trim)
                .filter(|s| !kept.contains(s))
                .collect();
            if dropped.is_empty() {
                return;
            }
            format!("no longer fails on {}", dropped.join(", "))
        }
    };
    out.push(finding(
        &SCAN_GATE_REMOVED,
        "",
        "build scan".into(),
        "scan",
        detail,
    ));
}

fn trigger_text(t: &Trigger) -> String {
    match t {
        Trigger::Branch(p) => format!("branch:{p}"),
        Trigger::Tag(p) => format!("tag:{p}"),
        Trigger::Manual => "manual".into(),
    }
}

fn deploy(old: &DeployIr, new: &DeployIr, out: &mut Vec<Finding>) {
    let what = format!("deploy {}", old.env);
    if old.approval && !new.approval {
        let detail = "approval=#true -> none".to_string();
        out.push(finding(
            &APPROVAL_REMOVED,
            &old.env,
            what.clone(),
            "approval",
            detail,
        ));
    }
    let gained: Vec<String> = new
        .triggers
        .iter()
        .filter(|t| **t != Trigger::Manual && !old.triggers.contains(t))
        .map(trigger_text)
        .collect();
    if !gained.is_empty() {
        let before: Vec<String> = old.triggers.iter().map(trigger_text).collect();
        let detail = format!("{} -> also {}", before.join(" "), gained.join(" "));
        out.push(finding(&TRIGGER_WIDENED, &old.env, what, "on", detail));
    }
}
