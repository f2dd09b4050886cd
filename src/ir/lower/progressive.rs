//! Canary and blue-green rollouts: the Argo Rollouts strategy, and the second Service it
//! points at the new version.

use super::int_or;
use crate::ir::scope::Env;
use crate::syntax::ast::{Rollout, RolloutStrategy, Step, Workload};
use serde_json::{Value, json};

/// The second Service of a progressive rollout: `canary` or `preview`.
pub(super) fn second_service(w: &Workload) -> Option<&'static str> {
    Some(match w.rollout.as_ref()?.strategy.as_ref()?.v {
        RolloutStrategy::Canary => "canary",
        RolloutStrategy::BlueGreen => "preview",
    })
}

/// The Argo Rollouts strategy of a workload with a canary or blue-green rollout.
pub(super) fn progressive(env: &Env, w: &Workload) -> Option<Value> {
    let r = w.rollout.as_ref()?;
    Some(match r.strategy.as_ref()?.v {
        RolloutStrategy::Canary => json!({"canary": canary(env, &w.name.v, r)}),
        RolloutStrategy::BlueGreen => json!({"blueGreen": blue_green(&w.name.v, r)}),
    })
}

fn canary(env: &Env, name: &str, r: &Rollout) -> serde_json::Map<String, Value> {
    let mut canary = serde_json::Map::new();
    canary.insert("canaryService".into(), json!(format!("{name}-canary")));
    canary.insert("stableService".into(), json!(name));
    let pace = [
        ("maxSurge", &r.max_surge),
        ("maxUnavailable", &r.max_unavailable),
    ];
    for (key, v) in pace {
        if let Some(v) = v {
            let v = serde_json::to_value(int_or(&v.v)).expect("serializes");
            canary.insert(key.into(), v);
        }
    }
    canary.insert("steps".into(), Value::Array(steps(&r.steps)));
    // With an NGINX ingress in front, weights are exact traffic percentages.
    if let Some(i) = env.items.stable_ingress(name) {
        canary.insert(
            "trafficRouting".into(),
            json!({"nginx": {"stableIngress": i.name.v}}),
        );
    }
    canary
}

/// Each canary step as Argo's steps: weight, analysis, pause.
fn steps(steps: &[Step]) -> Vec<Value> {
    let mut out = Vec::new();
    for s in steps {
        if let Some(weight) = &s.weight {
            out.push(json!({"setWeight": weight.v}));
        }
        if let Some(a) = &s.analysis {
            out.push(json!({"analysis": {"templates": [{"templateName": a.v}]}}));
        }
        match s.pause.as_ref().map(|p| p.v.as_str()) {
            Some("manual") => out.push(json!({"pause": {}})),
            Some(d) => out.push(json!({"pause": {"duration": d}})),
            None => {}
        }
    }
    out
}

fn blue_green(name: &str, r: &Rollout) -> serde_json::Map<String, Value> {
    let mut bg = serde_json::Map::new();
    bg.insert("activeService".into(), json!(name));
    bg.insert("previewService".into(), json!(format!("{name}-preview")));
    bg.insert(
        "autoPromotionEnabled".into(),
        json!(r.auto_promote.as_ref().is_some_and(|a| a.v)),
    );
    bg.insert(
        "scaleDownDelaySeconds".into(),
        json!(r.scale_down_delay.as_ref().map_or(30, |d| d.v)),
    );
    bg
}
