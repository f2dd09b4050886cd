//! Cluster-scoped kinds kustomize (v5.5) does not know: its namespace transformer gives their
//! objects a namespace, which the API server refuses. An overlay that sets a namespace and
//! holds such objects runs a transformer after it that takes the namespace away again.

use crate::ir::Object;
use serde_json::{Value, json};

/// The overlay's file of that transformer.
pub const FILE: &str = "cluster-scoped.yaml";

/// The kinds stowage makes that kustomize takes for namespaced.
const UNKNOWN_TO_KUSTOMIZE: &[&str] = &[
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
];

/// One PatchTransformer per such kind among `objects`, when there is any.
pub fn transformers<'a>(objects: impl IntoIterator<Item = &'a Object>) -> Vec<Value> {
    let mut kinds: Vec<&str> = objects
        .into_iter()
        .map(Object::kind)
        .filter(|k| UNKNOWN_TO_KUSTOMIZE.contains(k))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            json!({
                "apiVersion": "builtin",
                "kind": "PatchTransformer",
                "metadata": {"name": format!("{}-cluster-scoped", kind.to_ascii_lowercase())},
                "target": {"kind": kind},
                "patch": "- op: remove\n  path: /metadata/namespace\n",
            })
        })
        .collect()
}
