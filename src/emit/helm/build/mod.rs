//! Building templates and values from the IR's variants of each object.
//!
//! An object of the chart exists in some of the IR's configurations (the base and each
//! environment). Its template is built by walking all variants at once: what a user tunes per
//! install (image, replicas, resources, probes, autoscaling, env values, hosts...) always becomes
//! a value; what is the same everywhere is fixed in the template; anything else that differs
//! between environments becomes a value too. Each configuration's values are recorded, so
//! `values.yaml` (the base) and `values-<env>.yaml` (the difference) render exactly that
//! configuration's objects.

mod designated;
mod env;
mod labels;
mod metrics;

use super::tpl::{Field, Guard, Item, Node, go_string};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub use crate::layout::values_key as camel;

/// Where values live: a dotted path under `.Values`.
#[derive(Debug, Clone)]
pub struct VPath(pub Vec<String>);

impl VPath {
    pub fn new(parts: &[&str]) -> Self {
        VPath(parts.iter().map(|s| s.to_string()).collect())
    }
    pub fn child(&self, k: &str) -> VPath {
        let mut v = self.0.clone();
        v.push(k.to_string());
        VPath(v)
    }
    /// `$.Values.a.b` (with `index` for keys that are not identifiers).
    pub fn expr(&self) -> String {
        let mut out = "$.Values".to_string();
        let mut plain = true;
        for p in &self.0 {
            if plain
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !p.starts_with(|c: char| c.is_ascii_digit())
            {
                out.push('.');
                out.push_str(p);
            } else {
                out = format!("(index {out} {})", go_string(p));
                plain = false;
            }
        }
        out
    }
    /// `hasKey PARENT "last"`.
    pub fn has_key(&self) -> String {
        let (last, parent) = self.0.split_last().expect("non-empty value path");
        format!(
            "hasKey {} {}",
            VPath(parent.to_vec()).expr(),
            go_string(last)
        )
    }
}

/// The values of every configuration (index 0: the base).
pub struct Values {
    pub per: Vec<Map<String, Value>>,
}

impl Values {
    pub fn new(n: usize) -> Self {
        Values {
            per: vec![Map::new(); n],
        }
    }
    pub fn set(&mut self, config: usize, path: &VPath, v: Value) {
        let mut cur = &mut self.per[config];
        let (last, parents) = path.0.split_last().expect("non-empty value path");
        for p in parents {
            let e = cur
                .entry(p.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !e.is_object() {
                *e = Value::Object(Map::new());
            }
            cur = e.as_object_mut().expect("just made an object");
        }
        cur.insert(last.clone(), v);
    }
    /// Make `path` a map in `config` unless it is one already, so that `hasKey` on it works
    /// in every configuration (an absent map is nil, and `hasKey nil` fails).
    pub fn ensure_map(&mut self, config: usize, path: &VPath) {
        let mut cur = &self.per[config];
        for p in &path.0 {
            match cur.get(p) {
                Some(Value::Object(m)) => cur = m,
                _ => return self.set(config, path, Value::Object(Map::new())),
            }
        }
    }
}

/// What the walker knows about the object it walks.
pub struct Obj<'a> {
    pub kind: &'a str,
    /// The values of this object: `api`, `api.autoscaling`, `ingress.web`...
    pub root: VPath,
    /// The values of the workload the object belongs to (for image, env, ...).
    pub workload: VPath,
    pub app: &'a str,
    pub chart: &'a str,
    /// Names of the chart's objects by kind, which the name prefix applies to.
    pub names: &'a BTreeSet<(String, String)>,
    pub common_labels: &'a Map<String, Value>,
}

pub struct Walker<'a> {
    pub values: &'a mut Values,
    /// The configuration (index into `values`) of each variant being walked.
    pub configs: Vec<usize>,
}

/// Whether every variant is the same (absent ones included).
fn all_equal(vs: &[Option<&Value>]) -> bool {
    vs.windows(2).all(|w| w[0] == w[1])
}

/// The variants present, with their index.
fn present<'a, 'v>(vs: &'a [Option<&'v Value>]) -> impl Iterator<Item = (usize, &'v Value)> + 'a {
    vs.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v)))
}

/// The field `key` of every variant.
fn child<'v>(vs: &[Option<&'v Value>], key: &str) -> Vec<Option<&'v Value>> {
    vs.iter().map(|v| v.and_then(|v| v.get(key))).collect()
}

/// Each key of the variants' maps, in the order first seen, with its value in every variant.
/// Variants usually share their keys in one order: then they are read side by side, without
/// a lookup per key and variant.
fn fields_of<'v>(vs: &[Option<&'v Value>]) -> Vec<(String, Vec<Option<&'v Value>>)> {
    let maps: Vec<&serde_json::Map<String, Value>> = vs
        .iter()
        .filter_map(|v| v.and_then(Value::as_object))
        .collect();
    let aligned = maps.len() == vs.len()
        && maps
            .windows(2)
            .all(|w| w[0].len() == w[1].len() && w[0].keys().zip(w[1].keys()).all(|(a, b)| a == b));
    if !aligned {
        return (union_keys(vs).into_iter())
            .map(|k| {
                let c = child(vs, &k);
                (k, c)
            })
            .collect();
    }
    let Some((first, rest)) = maps.split_first() else {
        return Vec::new();
    };
    let mut iters: Vec<_> = rest.iter().map(|m| m.values()).collect();
    (first.iter())
        .map(|(k, v)| {
            let mut c = Vec::with_capacity(vs.len());
            c.push(Some(v));
            c.extend(iters.iter_mut().map(Iterator::next));
            (k.clone(), c)
        })
        .collect()
}

/// The keys of every variant that is a map, in the order first seen.
fn union_keys(vs: &[Option<&Value>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (_, v) in present(vs) {
        if let Some(m) = v.as_object() {
            for k in m.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

impl Walker<'_> {
    /// A scalar or block taken from values at `path`, recorded for every configuration.
    fn value(&mut self, vs: &[Option<&Value>], path: VPath) -> (Node, Guard) {
        for (i, v) in present(vs) {
            self.values.set(self.configs[i], &path, v.clone());
        }
        let always = vs.iter().all(Option::is_some);
        let sample: Vec<&Value> = present(vs).map(|(_, v)| v).collect();
        let scalars = sample.iter().all(|v| !v.is_object() && !v.is_array());
        if scalars {
            let strings = sample.iter().all(|v| v.is_string());
            let others = sample.iter().all(|v| !v.is_string());
            let filter = if strings {
                " | quote"
            } else if others {
                ""
            } else {
                " | toJson"
            };
            let node = Node::Expr(format!("{{{{ {}{filter} }}}}", path.expr()));
            let guard = if always {
                Guard::Always
            } else {
                self.ensure_parent(&path);
                Guard::If(path.has_key())
            };
            (node, guard)
        } else {
            (Node::ToYaml, Guard::With(path.expr()))
        }
    }

    /// The map holding `path` exists wherever the object does (a `hasKey` guard reads it).
    fn ensure_parent(&mut self, path: &VPath) {
        let parent = VPath(path.0[..path.0.len() - 1].to_vec());
        for c in self.configs.clone() {
            self.values.ensure_map(c, &parent);
        }
    }

    /// A name, with the environment's prefix when it names one of the chart's objects.
    fn name_ref(&self, obj: &Obj, vs: &[Option<&Value>], kind: &str) -> Option<Node> {
        let first = present(vs).next()?.1.as_str()?;
        if !all_equal(
            &vs.iter()
                .filter(|v| v.is_some())
                .copied()
                .collect::<Vec<_>>(),
        ) {
            return None;
        }
        if obj.names.contains(&(kind.to_string(), first.to_string())) {
            Some(Node::Expr(format!("{{{{ $.Values.namePrefix }}}}{first}")))
        } else {
            None
        }
    }

    /// Walk a field at `path` across the variants `vs`: None when absent everywhere.
    pub fn walk(
        &mut self,
        obj: &Obj,
        path: &mut Vec<String>,
        vs: &[Option<&Value>],
    ) -> Option<(Node, Guard)> {
        if vs.iter().all(Option::is_none) {
            return None;
        }
        if let Some(d) = self.designated(obj, path, vs) {
            return Some(d);
        }
        let always = vs.iter().all(Option::is_some);
        let containers = vs
            .iter()
            .all(|v| v.is_some_and(|v| v.is_object() || v.is_array()));
        if always && !containers && all_equal(vs) {
            return Some((Node::Lit(vs[0].expect("present").clone()), Guard::Always));
        }
        if always && vs.iter().all(|v| v.is_some_and(Value::is_object)) {
            return Some(self.walk_map(obj, path, vs));
        }
        if always && let Some(len) = same_len(vs) {
            return Some(self.walk_seq(obj, path, vs, len));
        }
        Some(self.generic(obj, path, vs))
    }

    /// A map present everywhere: each key of any variant walked.
    fn walk_map(
        &mut self,
        obj: &Obj,
        path: &mut Vec<String>,
        vs: &[Option<&Value>],
    ) -> (Node, Guard) {
        let mut fields = Vec::new();
        for (k, children) in fields_of(vs) {
            path.push(k.clone());
            if let Some((node, guard)) = self.walk(obj, path, &children) {
                fields.push(Field {
                    key: k,
                    node,
                    guard,
                });
            }
            path.pop();
        }
        (Node::Map(fields), Guard::Always)
    }

    /// A list of the same length `len` everywhere: each position walked.
    fn walk_seq(
        &mut self,
        obj: &Obj,
        path: &mut Vec<String>,
        vs: &[Option<&Value>],
        len: usize,
    ) -> (Node, Guard) {
        let mut items = Vec::new();
        for i in 0..len {
            let el: Vec<Option<&Value>> = vs.iter().map(|v| v.and_then(|v| v.get(i))).collect();
            path.push(i.to_string());
            if let Some((node, guard)) = self.walk(obj, path, &el) {
                items.push(Item { node, guard });
            }
            path.pop();
        }
        (Node::Seq(items), Guard::Always)
    }

    /// A value named after its path, for differences nothing else names.
    fn generic(&mut self, obj: &Obj, path: &[String], vs: &[Option<&Value>]) -> (Node, Guard) {
        // A declared object's values are its own (`objects.serviceAccount.api`): no kind first.
        let declared = obj.root.0.first().is_some_and(|r| r == "objects");
        let mut name = if declared {
            String::new()
        } else {
            camel(&obj.kind.to_ascii_lowercase())
        };
        for p in path
            .iter()
            .filter(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            if matches!(
                p.as_str(),
                "spec" | "template" | "jobTemplate" | "containers"
            ) {
                continue;
            }
            let mut c = camel(p);
            if !name.is_empty()
                && let Some(f) = c.get_mut(0..1)
            {
                f.make_ascii_uppercase();
            }
            name.push_str(&c);
        }
        for p in path
            .iter()
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()))
        {
            if p != "0" {
                name.push_str(p);
            }
        }
        if name.is_empty() {
            name.push_str("value");
        }
        self.value(vs, obj.root.child(&name))
    }
}

/// The length of the variants when every one is a list of that length.
fn same_len(vs: &[Option<&Value>]) -> Option<usize> {
    let lens: Vec<usize> = vs
        .iter()
        .map(|v| {
            v.and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(usize::MAX)
        })
        .collect();
    (lens[0] != usize::MAX && lens.windows(2).all(|w| w[0] == w[1])).then_some(lens[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A map of a few keys drawn from a small set (so variants share keys, in orders that
    /// agree or not), or now and then not a map.
    fn variant() -> impl Strategy<Value = Option<Value>> {
        let map = proptest::collection::vec(("[abc]", 0..3i64), 0..4)
            .prop_map(|kvs| Value::Object(kvs.into_iter().map(|(k, v)| (k, v.into())).collect()));
        prop_oneof![8 => map.prop_map(Some), 1 => Just(Some(Value::Null)), 1 => Just(None)]
    }

    proptest! {
        /// Reading the variants side by side gives what a lookup per key and variant gives.
        #[test]
        fn fields_side_by_side_are_the_looked_up_ones(
            vs in proptest::collection::vec(variant(), 1..4)
        ) {
            let vs: Vec<Option<&Value>> = vs.iter().map(Option::as_ref).collect();
            let looked_up: Vec<(String, Vec<Option<&Value>>)> = (union_keys(&vs).into_iter())
                .map(|k| {
                    let c = child(&vs, &k);
                    (k, c)
                })
                .collect();
            prop_assert_eq!(fields_of(&vs), looked_up);
        }
    }
}
