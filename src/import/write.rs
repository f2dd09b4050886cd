//! JSON values written as KDL data, the mapping `object` bodies are read with
//! (`syntax::data`, spec/objects.md): values, lists (`(list)` for one or none, `-` items for
//! maps), maps as blocks, keys quoted when KDL needs it.

use crate::syntax::lex::{is_bare_identifier, quote};
use serde_json::Value;
use std::fmt::Write;

/// `key` and `value` as one node at `depth` (four spaces a level), with a newline.
pub fn node(out: &mut String, depth: usize, key: &str, value: &Value) {
    headed(out, depth, &name(key), value);
}

/// A node that opens with `head` (its name and arguments, as KDL) and holds `value` after
/// them, at `depth`, with a newline: `add "/spec/x" 1`.
pub fn headed(out: &mut String, depth: usize, head: &str, value: &Value) {
    let pad = "    ".repeat(depth);
    let name = head;
    match value {
        Value::Array(items) if items.iter().all(is_scalar) => {
            let ty = if items.len() == 1 || items.is_empty() {
                "(list)"
            } else {
                ""
            };
            let _ = write!(out, "{pad}{ty}{name}");
            for v in items {
                let _ = write!(out, " {}", scalar(v));
            }
            out.push('\n');
        }
        Value::Array(items) => {
            let _ = writeln!(out, "{pad}{name} {{");
            for v in items {
                node(out, depth + 1, "-", v);
            }
            let _ = writeln!(out, "{pad}}}");
        }
        Value::Object(map) if map.is_empty() => {
            let _ = writeln!(out, "{pad}{name} {{}}");
        }
        Value::Object(map) => {
            let _ = writeln!(out, "{pad}{name} {{");
            for (k, v) in map {
                node(out, depth + 1, k, v);
            }
            let _ = writeln!(out, "{pad}}}");
        }
        v => {
            let _ = writeln!(out, "{pad}{name} {}", scalar(v));
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// A key as a node name: bare when KDL reads it back the same.
pub fn name(key: &str) -> String {
    if key == "-" || is_bare_identifier(key) {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A scalar as a KDL value.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "#null".into(),
        Value::Bool(true) => "#true".into(),
        Value::Bool(false) => "#false".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        _ => unreachable!("only scalars are written as values"),
    }
}
