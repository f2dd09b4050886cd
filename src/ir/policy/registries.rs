//! `allowed-registries`: every image comes from a listed registry (its reference starts with
//! one of the rule's values).

use super::{Finding, containers, fix};
use crate::ir::Object;
use crate::policy::Rule;

pub(super) fn check(i: usize, o: &Object, pod: &str, allowed: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (at, c) in containers(&o.value, pod) {
        let Some(image) = c["image"].as_str() else {
            continue;
        };
        if allowed.iter().any(|r| image.starts_with(r.as_str())) {
            continue;
        }
        out.push(Finding::at(
            Rule::AllowedRegistries,
            i,
            format!("{at}/image"),
            format!("image `{image}` is not from an allowed registry"),
            "registry not allowed",
            fix(
                format!("pull it from {}", allowed.join(", ")),
                format!("pull it from {}", allowed.join(", ")),
            ),
        ));
    }
    out
}
