//! How a `patch` merges into an object: a strategic merge for the kinds of Kubernetes, whose
//! schemas say how each list merges (by a key, as a set, or replaced), and a JSON merge (RFC
//! 7386) for custom resources. In both, `null` removes a field.

use super::schema::Schemas;
use serde_json::{Map, Value};

/// Merge `patch` into `target`, a `kind` at `api_version`; the strategic merge when the kind is
/// one of Kubernetes', else a JSON merge.
pub fn apply(schemas: &Schemas, api_version: &str, kind: &str, target: &mut Value, patch: &Value) {
    match schemas.definition(api_version, kind) {
        Some(def) => strategic(schemas, Some(def), target, patch),
        None => json_patch::merge(target, patch),
    }
}

/// A strategic merge of `patch` into `target`, `schema` describing `target` (if known).
fn strategic(schemas: &Schemas, schema: Option<&Value>, target: &mut Value, patch: &Value) {
    let schema = schema.map(|s| schemas.resolve(s));
    let (Value::Object(t), Value::Object(p)) = (&mut *target, patch) else {
        *target = without_directives(patch);
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        *target = without_directives(patch);
        return;
    }
    for (k, pv) in p {
        if k == "$patch" {
            continue;
        }
        if pv.is_null() {
            t.remove(k);
            continue;
        }
        let field = schema.and_then(|s| field_schema(schemas, s, k));
        match t.get_mut(k) {
            Some(tv) if tv.is_array() && pv.is_array() => {
                merge_list(schemas, field, tv, pv);
            }
            Some(tv) if tv.is_object() && pv.is_object() => {
                strategic(schemas, field, tv, pv);
                if strategy(field).contains("retainKeys") {
                    retain_keys(tv, pv);
                }
            }
            // A field the object does not have yet: merged into an empty one, so that the
            // patch's directives (`$patch`, nulls) mean the same.
            _ if pv.is_array() => {
                let mut v = Value::Array(Vec::new());
                merge_list(schemas, field, &mut v, pv);
                t.insert(k.clone(), v);
            }
            _ if pv.is_object() => {
                let mut v = Value::Object(Map::new());
                strategic(schemas, field, &mut v, pv);
                t.insert(k.clone(), v);
            }
            _ => {
                t.insert(k.clone(), pv.clone());
            }
        }
    }
}

/// The schema of a map's field: a listed property, or the schema of any value of a map.
fn field_schema<'s>(schemas: &'s Schemas, s: &'s Value, key: &str) -> Option<&'s Value> {
    let s = schemas.resolve(s);
    s["properties"]
        .get(key)
        .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
}

/// `x-kubernetes-patch-strategy`: `merge`, `retainKeys`, both, or nothing (replace).
fn strategy(schema: Option<&Value>) -> &str {
    schema
        .and_then(|s| s["x-kubernetes-patch-strategy"].as_str())
        .unwrap_or("")
}

fn merge_list(schemas: &Schemas, schema: Option<&Value>, target: &mut Value, patch: &Value) {
    let (Value::Array(t), Value::Array(p)) = (&mut *target, patch) else {
        return;
    };
    let strategy = strategy(schema);
    let replace = p
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"));
    if !strategy.contains("merge") || replace {
        *t = p
            .iter()
            .filter(|i| i.get("$patch").is_none())
            .map(without_directives)
            .collect();
        return;
    }
    let items = schema.and_then(|s| s.get("items"));
    let Some(key) = schema.and_then(|s| s["x-kubernetes-patch-merge-key"].as_str()) else {
        // Scalars (`finalizers`): replaced, as kustomize does.
        *t = p.iter().map(without_directives).collect();
        return;
    };
    // kustomize's order: the patch's items (merged with the object's of the same key), then
    // the object's items the patch does not name.
    let retain = strategy.contains("retainKeys");
    let mut out = Vec::new();
    for item in p {
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        // An item the patch gives twice merges into the first.
        if let Some(i) = out.iter().position(|x: &Value| x[key] == item[key]) {
            if delete {
                out.remove(i);
            } else {
                strategic(schemas, items, &mut out[i], item);
            }
            continue;
        }
        let found = t.iter().position(|x| x[key] == item[key]);
        let mut merged = match found {
            Some(i) => t.remove(i),
            None => Value::Object(Map::new()),
        };
        if delete {
            continue;
        }
        strategic(schemas, items, &mut merged, item);
        if retain && found.is_some() {
            retain_keys(&mut merged, item);
        }
        out.push(merged);
    }
    out.append(t);
    *t = out;
}

/// `retainKeys`: only the fields the patch gives stay (a union type switches branch).
fn retain_keys(target: &mut Value, patch: &Value) {
    if let (Value::Object(t), Value::Object(p)) = (target, patch) {
        t.retain(|k, _| p.contains_key(k));
    }
}

/// A patch value as a plain value: `$patch` directives and nulls removed.
fn without_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, x)| *k != "$patch" && !x.is_null())
                .map(|(k, x)| (k.clone(), without_directives(x)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_directives).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "labels": {"a": "1", "b": "2"}},
            "spec": {"replicas": 2, "template": {"spec": {
                "containers": [{"name": "api", "image": "api:1", "env": [{"name": "A", "value": "1"}]}],
                "volumes": [{"name": "tmp", "emptyDir": {}}],
                "tolerations": [{"key": "x", "operator": "Exists"}]}}}})
    }

    #[test]
    fn lists_merge_as_their_schema_says() {
        let s = super::super::schema::of(33).unwrap();
        let mut d = deployment();
        let patch = json!({"metadata": {"labels": {"b": null, "c": "3"}},
            "spec": {"template": {"spec": {
                "containers": [{"name": "api", "env": [{"name": "B", "value": "2"}]}, {"name": "sidecar", "image": "envoy:1"}],
                "volumes": [{"name": "tmp", "configMap": {"name": "c"}}],
                "tolerations": [{"key": "y", "operator": "Exists"}]}}}});
        apply(s, "apps/v1", "Deployment", &mut d, &patch);
        let spec = &d["spec"]["template"]["spec"];
        assert_eq!(d["metadata"]["labels"], json!({"a": "1", "c": "3"}));
        assert_eq!(spec["containers"][0]["image"], "api:1");
        // The patch's items first, then the object's it does not name (kustomize's order).
        assert_eq!(
            spec["containers"][0]["env"],
            json!([{"name": "B", "value": "2"}, {"name": "A", "value": "1"}])
        );
        assert_eq!(spec["containers"][1]["name"], "sidecar");
        // retainKeys: the volume switches from emptyDir to configMap.
        assert_eq!(
            spec["volumes"],
            json!([{"name": "tmp", "configMap": {"name": "c"}}])
        );
        // Tolerations are atomic: replaced.
        assert_eq!(
            spec["tolerations"],
            json!([{"key": "y", "operator": "Exists"}])
        );
        let del = json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}});
        apply(s, "apps/v1", "Deployment", &mut d, &del);
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn custom_resources_take_a_json_merge() {
        let s = super::super::schema::of(33).unwrap();
        let mut r = json!({"spec": {"list": [1, 2], "keep": 1, "drop": 2}});
        apply(
            s,
            "example.com/v1",
            "Widget",
            &mut r,
            &json!({"spec": {"list": [3], "drop": null}}),
        );
        assert_eq!(r, json!({"spec": {"list": [3], "keep": 1}}));
    }
}
