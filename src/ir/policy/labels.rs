//! `required-labels`: every workload carries the listed labels (its own, or those its
//! environment gives every object).

use super::{Finding, fix};
use crate::ir::Object;
use crate::policy::Rule;
use std::collections::BTreeMap;

pub(super) fn check(
    i: usize,
    o: &Object,
    _pod: &str,
    env_labels: &BTreeMap<String, String>,
    required: &[String],
) -> Vec<Finding> {
    let own = &o.value["metadata"]["labels"];
    required
        .iter()
        .filter(|k| own.get(k.as_str()).is_none() && !env_labels.contains_key(k.as_str()))
        .map(|k| {
            Finding::at(
                Rule::RequiredLabels,
                i,
                "/metadata/labels".to_string(),
                format!("has no label `{k}`"),
                "label missing",
                fix(
                    format!(
                        "add `labels {k}=\"...\"` (to the workload, the environment or the app)"
                    ),
                    format!("give it the label `{k}` in metadata.labels"),
                ),
            )
        })
        .collect()
}
