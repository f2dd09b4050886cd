//! `resource-ceiling`: no container asks for more cpu or memory (limit or request) than the
//! ceiling.

use super::{Finding, containers, fix};
use crate::check::values::quantity_value;
use crate::ir::Object;
use crate::policy::{Params, Rule};
use serde_json::Value;

pub(super) fn check(i: usize, o: &Object, pod: &str, p: &Params) -> Vec<Finding> {
    let mut out = Vec::new();
    for (at, c) in containers(&o.value, pod) {
        for set in ["limits", "requests"] {
            for (what, max) in [("cpu", &p.cpu), ("memory", &p.memory)] {
                let Some(max) = max else { continue };
                let v = &c["resources"][set][what];
                if above(v, max) {
                    out.push(finding(i, &at, set, what, v, max));
                }
            }
        }
    }
    out
}

/// Whether the quantity `v` exceeds `max` (a value that is no quantity is the schema's to
/// refuse).
fn above(v: &Value, max: &str) -> bool {
    let v = match v {
        Value::String(s) => quantity_value(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    matches!((v, quantity_value(max)), (Some(v), Some(m)) if v > m)
}

fn finding(i: usize, at: &str, set: &str, what: &str, v: &Value, max: &str) -> Finding {
    let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    Finding::at(
        Rule::ResourceCeiling,
        i,
        format!("{at}/resources/{set}/{what}"),
        format!("{set} {what} `{shown}`, above the ceiling of `{max}`"),
        "above the ceiling",
        fix(
            format!("ask for at most {what}=\"{max}\""),
            format!("ask for at most {max} of {what}"),
        ),
    )
}
