//! The name references kustomize does not know of (`ir::naming::REFERENCES`), as a kustomize
//! transformer configuration: with it, an overlay's `namePrefix` renames what a Rollout, a
//! ScaledObject or an autoscaler names, as it renames what a Deployment names.

use crate::ir::EnvIr;
use crate::ir::naming::REFERENCES;
use serde_json::{Value, json};

/// The overlay's file of name references.
pub const FILE: &str = "name-references.yaml";

/// The configuration an overlay needs: when it renames objects and holds objects that refer
/// to others in ways kustomize does not know.
pub fn configuration(env: &EnvIr) -> Option<Value> {
    if env.prefix.is_empty() {
        return None;
    }
    let referrers = env.objects.iter().any(|o| {
        let kind = o.kind();
        REFERENCES.iter().any(|r| r.from == kind)
    });
    if !referrers {
        return None;
    }
    let mut targets: Vec<(&str, &str)> = REFERENCES.iter().map(|r| (r.to, r.group)).collect();
    targets.sort_unstable();
    targets.dedup();
    let entries: Vec<Value> = targets
        .into_iter()
        .map(|(kind, group)| {
            let specs: Vec<Value> = REFERENCES
                .iter()
                .filter(|r| r.to == kind && r.group == group)
                .map(|r| json!({"path": r.path, "kind": r.from}))
                .collect();
            let mut e = json!({"kind": kind, "fieldSpecs": specs});
            if group.is_empty() {
                e["version"] = json!("v1");
            } else {
                e["group"] = json!(group);
            }
            e
        })
        .collect();
    Some(json!({ "nameReference": entries }))
}
