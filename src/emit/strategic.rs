//! Strategic merge patches computed from two versions of an object: what a kustomize overlay
//! says of its environment, and what `stowage import` says a node does not.

use serde_json::{Map, Value, json};

/// A strategic merge patch that turns `base` into `target` (None when they are equal): changed
/// and added keys, `null` for removed ones, keyed lists merged by their merge key (items
/// removed as `"$patch": "delete"`) where `builtin` (a kind of Kubernetes) says the schema
/// has one, other lists replaced whole.
pub fn patch(base: &Value, target: &Value, builtin: bool) -> Option<Value> {
    diff(base, target, &mut Vec::new(), builtin)
}

/// Merge key of a list at `path` in a built-in kind, as strategic merge patch knows it.
fn merge_key(path: &[String]) -> Option<&'static str> {
    let last = path.last()?.as_str();
    let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
    match last {
        "containers" | "initContainers" | "volumes" | "imagePullSecrets" => Some("name"),
        "env" if parent == Some("containers") || parent == Some("initContainers") => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" if parent == Some("containers") || parent == Some("initContainers") => {
            Some("containerPort")
        }
        "ports" if path.len() == 2 && path[0] == "spec" => Some("port"),
        "topologySpreadConstraints" => Some("topologyKey"),
        _ => None,
    }
}

/// A strategic merge patch that turns `base` into `target` (None when they are equal).
fn diff(base: &Value, target: &Value, path: &mut Vec<String>, builtin: bool) -> Option<Value> {
    match (base, target) {
        (Value::Object(b), Value::Object(t)) => diff_map(b, t, path, builtin),
        (Value::Array(b), Value::Array(t)) if b != t => diff_list(b, t, path, builtin),
        _ => (base != target).then(|| target.clone()),
    }
}

/// A strategic merge patch that turns the map `b` into `t`: changed and added keys, and `null`
/// for removed ones (None when they are equal).
fn diff_map(
    b: &Map<String, Value>,
    t: &Map<String, Value>,
    path: &mut Vec<String>,
    builtin: bool,
) -> Option<Value> {
    let mut out = Map::new();
    for (k, tv) in t {
        match b.get(k) {
            None => {
                out.insert(k.clone(), tv.clone());
            }
            Some(bv) => {
                path.push(k.clone());
                if let Some(d) = diff(bv, tv, path, builtin) {
                    out.insert(k.clone(), d);
                }
                path.pop();
            }
        }
    }
    for k in b.keys() {
        if !t.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// A strategic merge patch that turns the list `b` into the different list `t`: by merge key
/// in built-in kinds, else the whole target list.
fn diff_list(b: &[Value], t: &[Value], path: &mut Vec<String>, builtin: bool) -> Option<Value> {
    let key = if builtin { merge_key(path) } else { None };
    let keyed = |xs: &[Value], k: &str| xs.iter().all(|x| x.get(k).is_some());
    let Some(key) = key.filter(|k| keyed(b, k) && keyed(t, k)) else {
        return Some(Value::Array(t.to_vec()));
    };
    let mut items = Vec::new();
    for te in &t[..listed_items(b, t, key)] {
        match b.iter().find(|be| be[key] == te[key]) {
            Some(be) => {
                let mut m = Map::new();
                m.insert(key.to_string(), te[key].clone());
                if let Some(Value::Object(d)) = diff(be, te, path, builtin) {
                    m.extend(d);
                }
                items.push(Value::Object(m));
            }
            None => items.push(te.clone()),
        }
    }
    for be in b {
        if !t.iter().any(|te| te[key] == be[key]) {
            items.push(json!({key: be[key].clone(), "$patch": "delete"}));
        }
    }
    (!items.is_empty()).then_some(Value::Array(items))
}

/// How many of the target's items a keyed list patch lists. Strategic merge puts the patch's
/// items first, in the patch's order, and then the base's other items in their order. The
/// patch therefore lists the target's items up to its last changed one (unchanged ones by key
/// only), and further while the rest would not come out in the target's order.
fn listed_items(b: &[Value], t: &[Value], key: &str) -> usize {
    let changed = |te: &Value| match b.iter().find(|be| be[key] == te[key]) {
        None => true,
        Some(be) => be != te,
    };
    let mut k = t.iter().rposition(changed).map(|i| i + 1).unwrap_or(0);
    let in_base_order = |rest: &[Value]| {
        let positions: Vec<usize> = rest
            .iter()
            .filter_map(|x| b.iter().position(|y| y[key] == x[key]))
            .collect();
        positions.windows(2).all(|w| w[0] < w[1])
    };
    while k < t.len() && !in_base_order(&t[k..]) {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_lists_merge_by_name() {
        let base = json!({"spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}});
        let target = json!({"spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}, {"name": "C", "value": "4"}]}]}});
        let d = patch(&base, &target, true).unwrap();
        assert_eq!(
            d,
            json!({"spec": {"containers": [{"name": "a", "env": [{"name": "A"}, {"name": "B", "value": "3"}, {"name": "C", "value": "4"}]}]}})
        );
    }

    #[test]
    fn lists_without_merge_key_are_replaced_and_removed_keys_are_null() {
        let base = json!({"spec": {"args": ["a", "b"], "x": 1}});
        let target = json!({"spec": {"args": ["a"]}});
        let d = patch(&base, &target, true).unwrap();
        assert_eq!(d, json!({"spec": {"args": ["a"], "x": null}}));
    }
}
