//! Custom resources: the kinds a CustomResourceDefinition adds, their scope, and their
//! `openAPIV3Schema` as a strict JSON Schema (unknown fields refused, as the API server's strict
//! field validation does, except where the schema keeps unknown fields).

use serde_json::{Map, Value, json};
use std::sync::{Arc, OnceLock};

/// One version of a custom resource's kind.
#[derive(Debug)]
pub struct CustomKind {
    pub api_version: String,
    pub kind: String,
    pub namespaced: bool,
    /// The JSON Schema of the version, when the CRD gives one.
    pub schema: Option<Value>,
    validator: OnceLock<Option<Arc<jsonschema::Validator>>>,
}

impl CustomKind {
    /// The validator of this kind's schema (compiled once).
    pub fn validator(&self) -> Option<Arc<jsonschema::Validator>> {
        self.validator
            .get_or_init(|| {
                let schema = self.schema.as_ref()?;
                jsonschema::validator_for(schema).ok().map(Arc::new)
            })
            .clone()
    }
}

/// The kinds of the CRDs in a YAML text (other documents are ignored); an error says why the
/// text is not usable.
pub fn parse(text: &str) -> Result<Vec<CustomKind>, String> {
    let docs: Vec<Value> = super::stream::documents(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if doc["kind"] != "CustomResourceDefinition" {
            continue;
        }
        let spec = &doc["spec"];
        let (Some(group), Some(kind)) = (spec["group"].as_str(), spec["names"]["kind"].as_str())
        else {
            return Err(format!(
                "document {} has no spec.group or spec.names.kind",
                i + 1
            ));
        };
        let namespaced = spec["scope"].as_str() != Some("Cluster");
        for v in spec["versions"].as_array().into_iter().flatten() {
            let Some(version) = v["name"].as_str() else {
                continue;
            };
            let schema = v["schema"]["openAPIV3Schema"].as_object().map(|s| {
                let mut root = strict(&Value::Object(s.clone()));
                root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                // Every object has these, whether the schema lists them or not.
                if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
                    for (k, t) in [
                        ("apiVersion", "string"),
                        ("kind", "string"),
                        ("metadata", "object"),
                    ] {
                        props.entry(k).or_insert(json!({"type": t}));
                    }
                }
                root
            });
            out.push(CustomKind {
                api_version: format!("{group}/{version}"),
                kind: kind.to_string(),
                namespaced,
                schema,
                validator: OnceLock::new(),
            });
        }
    }
    if out.is_empty() {
        return Err("it holds no CustomResourceDefinition".to_string());
    }
    Ok(out)
}

/// An OpenAPI v3 schema (a CRD's) as a JSON Schema: `nullable`, int-or-string and
/// preserve-unknown-fields understood, and no unknown fields where the schema lists its fields.
fn strict(schema: &Value) -> Value {
    let Value::Object(s) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in s {
        match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                let props = v.as_object().map(|m| {
                    m.iter()
                        .map(|(name, p)| (name.clone(), strict(p)))
                        .collect::<Map<_, _>>()
                });
                out.insert(k.clone(), props.map(Value::Object).unwrap_or(v.clone()));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(k.clone(), strict(v));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let all = v
                    .as_array()
                    .map(|a| a.iter().map(strict).collect::<Vec<_>>());
                out.insert(k.clone(), all.map(Value::Array).unwrap_or(v.clone()));
            }
            // Annotations that JSON Schema does not know are dropped; `format` is kept as an
            // annotation only.
            "nullable"
            | "x-kubernetes-int-or-string"
            | "x-kubernetes-preserve-unknown-fields"
            | "x-kubernetes-embedded-resource" => {}
            k if k.starts_with("x-kubernetes-") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if s.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        out.remove("type");
        out.insert(
            "anyOf".into(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if s.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
        }
        if let Some(Value::Array(e)) = out.get_mut("enum") {
            e.push(Value::Null);
        }
    }
    let keeps_unknown = s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
        || s.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true));
    if s.contains_key("properties") && !s.contains_key("additionalProperties") && !keeps_unknown {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {x-kubernetes-int-or-string: true}
              color: {type: string, nullable: true, enum: [red, blue]}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#;

    #[test]
    fn crd_schemas_are_strict_and_understand_kubernetes_extensions() {
        let kinds = parse(CRD).unwrap();
        assert_eq!(kinds.len(), 1);
        let k = &kinds[0];
        assert_eq!(
            (k.api_version.as_str(), k.kind.as_str(), k.namespaced),
            ("example.com/v1", "Widget", true)
        );
        let v = k.validator().unwrap();
        let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": "10%", "color": null, "extra": {"anything": 1}}});
        assert!(v.is_valid(&ok));
        for bad in [
            json!({"spec": {"size": 1, "colour": "red"}}),
            json!({"spec": {"size": true}}),
            json!({"spec": {"color": "red"}}),
            json!({"spec": {"size": 1, "color": "green"}}),
        ] {
            assert!(!v.is_valid(&bad), "{bad}");
        }
        assert!(parse("a: 1").is_err());
        assert!(parse(": [").is_err());
    }
}
