//! `stowage explain`: where each field of a rendered object comes from.
//!
//! Takes one environment's IR (its objects and their [`Provenance`]) and the spec's top-level
//! nodes, gives every leaf field of an object (or those under one path) with its [`Origin`]: a
//! value the spec wrote, an environment's override, a `defaults` block, a patch, a declared
//! object, a waiver, a secure default, a policy's default, or what stowage derived from a node.
//! The origin comes from the span of the value that set the field, placed in the node that
//! holds it ([`origin`]).

mod origin;

pub use origin::Origin;

use super::diff::{FieldPath, Segment, id_of, id_text, identity};
use crate::ir::{EnvIr, Provenance};
use crate::syntax::data::pointer_segment;
use crate::syntax::tree::Node;
use serde_json::Value;

/// One leaf field of a rendered object and where it comes from.
#[derive(Debug, Clone)]
pub struct Field {
    /// As `stowage diff` names it: `spec.template.spec.containers[api].image`.
    pub path: String,
    /// JSON pointer into the object: `/spec/template/spec/containers/0/image`.
    pub pointer: String,
    pub value: Value,
    pub origin: Origin,
}

/// An object of an environment: its rendered value and where the spec wrote it.
pub struct Found<'a> {
    pub value: Value,
    pub provenance: Option<&'a Provenance>,
}

/// The object `KIND/NAME` of `env`, by its deployed name (prefix included) or its name in the
/// spec. Err: the objects of that kind, or of every kind, to choose from.
pub fn find<'a>(env: &'a EnvIr, id: &str) -> Result<Found<'a>, Vec<String>> {
    let rendered = env.render();
    let (kind, name) = id.split_once('/').unwrap_or(("", id));
    let matches = |i: usize, v: &Value| {
        v["kind"].as_str() == Some(kind)
            && (v["metadata"]["name"].as_str() == Some(name) || env.objects[i].name() == name)
    };
    match rendered.iter().enumerate().position(|(i, v)| matches(i, v)) {
        Some(i) => Ok(Found {
            value: rendered[i].clone(),
            provenance: env.provenance.get(i).and_then(Option::as_ref),
        }),
        None => {
            let same_kind: Vec<String> = rendered
                .iter()
                .filter(|v| v["kind"].as_str() == Some(kind))
                .map(super::risk::object_id)
                .collect();
            Err(if same_kind.is_empty() {
                rendered.iter().map(super::risk::object_id).collect()
            } else {
                same_kind
            })
        }
    }
}

/// Every leaf of the object (an empty list or map is a leaf), under `only` when given (a path
/// as [`Field::path`] writes it: the field itself and everything below it).
pub fn explain(env: &EnvIr, found: &Found, nodes: &[Node], only: Option<&str>) -> Vec<Field> {
    let mut leaves = Vec::new();
    walk(&found.value, &FieldPath::default(), "", &mut leaves);
    let under = |p: &str| {
        only.is_none_or(|o| p == o || p.strip_prefix(o).is_some_and(|r| r.starts_with(['.', '['])))
    };
    let cx = origin::Cx {
        env,
        object: &found.value,
        provenance: found.provenance,
        nodes,
    };
    leaves
        .into_iter()
        .filter(|(path, _, _)| under(path))
        .map(|(path, pointer, value)| Field {
            origin: cx.origin(&pointer, &value),
            path,
            pointer,
            value,
        })
        .collect()
}

/// Collect (path, pointer, value) of every leaf under `v`.
fn walk(v: &Value, path: &FieldPath, pointer: &str, out: &mut Vec<(String, String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let p = format!("{pointer}/{}", pointer_segment(k));
                walk(x, &path.with(Segment::Key(k.clone())), &p, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let named = items
                .iter()
                .all(Value::is_object)
                .then(|| identity(items, items))
                .flatten();
            for (i, x) in items.iter().enumerate() {
                let seg = match named {
                    Some(field) => Segment::Named {
                        field: field.to_string(),
                        value: id_of(x, field).map(id_text).unwrap_or_default(),
                    },
                    None => Segment::Index(i),
                };
                walk(x, &path.with(seg), &format!("{pointer}/{i}"), out);
            }
        }
        leaf => out.push((path.to_string(), pointer.to_string(), leaf.clone())),
    }
}
