//! Data in KDL: the body of an `object` and of a patch, read as JSON.
//!
//! The mapping (spec/objects.md):
//!
//! - `name value`: the value (a string, a number, `#true`/`#false`, `#null`);
//! - `name v1 v2 ...`: a list of the values; `(list)name v` a list of one, `(list)name` the
//!   empty list;
//! - `name key=value { child ... }`: a map whose keys are the properties and the children;
//!   `name {}` the empty map;
//! - children named `-` are the items of a list: `ports { - name="http" port=80 }`.
//!
//! Every value keeps where it was written ([`Data::spans`], by JSON pointer), so that a schema
//! or policy finding about a field of the output points at the KDL that wrote it.

use super::decode::Decoder;
use super::tree::{Node, Value as KdlValueNode};
use crate::diagnostic::{Diagnostic, Span, code};
use kdl::KdlValue;
use serde_json::{Map, Number, Value};

/// A value written as data, and where each part of it was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Data {
    pub value: Value,
    pub spans: Spans,
}

/// Where the parts of some data were written, by JSON pointer (RFC 6901): the span of each
/// value, and of each key (a node's name, a property's key). Later entries (a patch over a
/// declaration) win.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spans {
    pub values: Vec<(String, Span)>,
    pub keys: Vec<(String, Span)>,
}

impl Spans {
    /// The value at `pointer`, or the nearest ancestor written (its value, else its key).
    pub fn value(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer, &self.values, &self.keys)
    }

    /// The key of `pointer` (where a field is named), or the nearest ancestor written.
    pub fn key(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer, &self.keys, &self.values)
    }

    fn nearest(
        &self,
        pointer: &str,
        first: &[(String, Span)],
        then: &[(String, Span)],
    ) -> Option<Span> {
        let at = |list: &[(String, Span)], p: &str| {
            list.iter().rev().find(|(q, _)| q == p).map(|(_, s)| *s)
        };
        let mut p = pointer;
        loop {
            if let Some(s) = at(first, p).or_else(|| at(then, p)) {
                return Some(s);
            }
            p = &p[..p.rfind('/')?];
        }
    }

    /// Add `other`'s spans, each pointer under `prefix`.
    pub fn extend_at(&mut self, prefix: &str, other: &Spans) {
        let moved = |l: &[(String, Span)]| {
            l.iter()
                .map(|(q, s)| (format!("{prefix}{q}"), *s))
                .collect::<Vec<_>>()
        };
        self.values.extend(moved(&other.values));
        self.keys.extend(moved(&other.keys));
    }
}

/// One segment of a JSON pointer, escaped (`~` as `~0`, `/` as `~1`).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Decoder<'_> {
    /// The children of `node` as a map (an object's body: the node's own properties, like
    /// `api-version=`, are the language's).
    pub(super) fn data_body(&mut self, node: &Node) -> Option<Data> {
        let mut spans = Spans::default();
        spans.keys.push((String::new(), node.name_span));
        let body = Node {
            props: Vec::new(),
            ..node.clone()
        };
        let value = self.map_of(&body, "", &mut spans)?;
        Some(Data { value, spans })
    }

    /// The value of one data node, by the mapping above.
    pub(super) fn data_value(&mut self, node: &Node, pointer: &str) -> Option<Data> {
        let mut spans = Spans::default();
        let value = self.node_value(node, pointer, &mut spans)?;
        Some(Data { value, spans })
    }

    fn node_value(&mut self, n: &Node, at: &str, spans: &mut Spans) -> Option<Value> {
        spans.keys.push((at.to_string(), n.name_span));
        let list = n.ty.as_deref() == Some("list");
        if n.children.iter().any(|c| c.name == "-") {
            return self.list_items(n, at, spans);
        }
        if !n.props.is_empty() || !n.children.is_empty() || (n.block && n.args.is_empty()) {
            if let Some(a) = n.args.first() {
                self.err(shape(
                    a.span,
                    format!("`{}` has both a value and fields", n.name),
                    "a value here",
                    "a node is a value (`name 5`), a list (`name 1 2`) or a map (`name key=1 { ... }`), not several: move the value into the map, or the fields out",
                ));
                return None;
            }
            return self.map_of(n, at, spans);
        }
        match (n.args.as_slice(), list) {
            ([], true) => Some(Value::Array(Vec::new())),
            ([], false) => {
                self.err(shape(
                    n.name_span,
                    format!("`{}` has no value", n.name),
                    "no value",
                    "write `name value`, `name #null`, `(list)name` for an empty list or `name {}` for an empty map",
                ));
                None
            }
            ([v], false) => self.scalar(v, at, spans),
            (vs, _) => {
                let items = vs.iter().enumerate().map(|(i, v)| {
                    let p = format!("{at}/{i}");
                    self.scalar(v, &p, spans)
                });
                Some(Value::Array(items.collect::<Option<Vec<_>>>()?))
            }
        }
    }

    /// A list written as `-` children.
    fn list_items(&mut self, n: &Node, at: &str, spans: &mut Spans) -> Option<Value> {
        if let Some(other) = n.children.iter().find(|c| c.name != "-") {
            self.err(shape(
                other.name_span,
                format!("`{}` mixes list items (`-`) and fields", n.name),
                "not a list item",
                "a list's children are all `-`: write `- ...` here, or move the field out of the list",
            ));
            return None;
        }
        if let Some(extra) = n
            .args
            .first()
            .map(|a| a.span)
            .or(n.props.first().map(|p| p.key_span))
        {
            self.err(shape(
                extra,
                format!("`{}` is a list: its items are its `-` children", n.name),
                "not an item",
                "write every item as a `-` child",
            ));
            return None;
        }
        let mut out = Vec::new();
        for (i, item) in n.children.iter().enumerate() {
            out.push(self.node_value(item, &format!("{at}/{i}"), spans)?);
        }
        Some(Value::Array(out))
    }

    /// A map: the properties, then the children, each key once.
    fn map_of(&mut self, n: &Node, at: &str, spans: &mut Spans) -> Option<Value> {
        let mut map = Map::new();
        let mut first: Vec<(&str, Span)> = Vec::new();
        let mut ok = true;
        let keys = n
            .props
            .iter()
            .map(|p| (p.key.as_str(), p.key_span, Some(&p.value), None));
        let children = n
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.name_span, None, Some(c)));
        for (key, key_span, value, child) in keys.chain(children) {
            if let Some((_, prev)) = first.iter().find(|(k, _)| *k == key) {
                self.err(
                    shape(
                        key_span,
                        format!("key `{key}` is given twice"),
                        "given again here",
                        "give each key once",
                    )
                    .with_label(*prev, "first given here"),
                );
                ok = false;
                continue;
            }
            first.push((key, key_span));
            let p = format!("{at}/{}", pointer_segment(key));
            let v = match (value, child) {
                (Some(v), _) => {
                    spans.keys.push((p.clone(), key_span));
                    self.scalar(v, &p, spans)
                }
                (None, Some(c)) => self.node_value(c, &p, spans),
                (None, None) => None,
            };
            match v {
                Some(v) => {
                    map.insert(key.to_string(), v);
                }
                None => ok = false,
            }
        }
        ok.then_some(Value::Object(map))
    }

    fn scalar(&mut self, v: &KdlValueNode, at: &str, spans: &mut Spans) -> Option<Value> {
        spans.values.push((at.to_string(), v.span));
        match &v.value {
            KdlValue::String(s) => Some(Value::String(s.clone())),
            KdlValue::Bool(b) => Some(Value::Bool(*b)),
            KdlValue::Null => Some(Value::Null),
            KdlValue::Integer(i) => match i64::try_from(*i) {
                Ok(i) => Some(Value::Number(i.into())),
                Err(_) => {
                    self.err(Diagnostic::error(
                        &code::value::RANGE,
                        "this number is out of range",
                        v.span,
                        "beyond 64 bits",
                    ));
                    None
                }
            },
            KdlValue::Float(f) => match Number::from_f64(*f) {
                Some(n) => Some(Value::Number(n)),
                None => {
                    self.err(
                        Diagnostic::error(
                            &code::value::RANGE,
                            "JSON has no infinite or not-a-number values",
                            v.span,
                            "not a finite number",
                        )
                        .with_help("write a finite number, or the value as a string"),
                    );
                    None
                }
            },
        }
    }
}

fn shape(span: Span, message: String, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(&code::object::DATA, message, span, label).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostics;

    fn body(text: &str) -> (Option<Data>, Vec<String>) {
        let nodes = crate::syntax::parse::document(text).unwrap();
        let mut diags = Diagnostics::new();
        let mut dec = Decoder { diags: &mut diags };
        let d = dec.data_body(&nodes[0]);
        (d, diags.iter().map(|d| d.message.clone()).collect())
    }

    #[test]
    fn values_lists_and_maps() {
        let (d, errs) = body(
            r#"x {
                replicas 3
                name "api"
                ratio 0.5
                on #true
                none #null
                args "a" "b"
                (list)one "x"
                (list)empty
                map {}
                labels app="api" "a.b/c"="d"
                ports { - name="http" port=80; - 443 }
                nested { deeper { deepest 1 } }
            }"#,
        );
        assert!(errs.is_empty(), "{errs:?}");
        let d = d.unwrap();
        assert_eq!(
            d.value,
            serde_json::json!({
                "replicas": 3, "name": "api", "ratio": 0.5, "on": true, "none": null,
                "args": ["a", "b"], "one": ["x"], "empty": [], "map": {},
                "labels": {"app": "api", "a.b/c": "d"},
                "ports": [{"name": "http", "port": 80}, 443],
                "nested": {"deeper": {"deepest": 1}},
            })
        );
        assert!(d.spans.value("/ports/0/port").is_some());
        assert_ne!(d.spans.value("/replicas"), d.spans.key("/replicas"));
        assert_eq!(
            d.spans.value("/nested/deeper/nope"),
            d.spans.key("/nested/deeper")
        );
        assert!(d.spans.key("/labels/a.b~1c").is_some());
    }

    #[test]
    fn shapes_that_are_not_data_are_refused() {
        for (text, what) in [
            ("x { a }", "has no value"),
            ("x { a 1 { b 2 } }", "has both a value and fields"),
            ("x { a { - 1; b 2 } }", "mixes list items"),
            ("x { a 1 { - 1 } }", "is a list"),
            ("x { a 1; a 2 }", "given twice"),
            ("x { big 99999999999999999999 }", "out of range"),
        ] {
            let (d, errs) = body(text);
            assert!(d.is_none(), "{text}");
            assert!(errs.iter().any(|e| e.contains(what)), "{text}: {errs:?}");
        }
    }
}
