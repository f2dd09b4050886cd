//! The kinds one spec may use: Kubernetes' own at the targeted version, and the custom
//! resources of the CRDs the spec loads. Says which apiVersion a kind has, whether it is
//! namespaced, what its schema refuses, and how a patch merges into it.

use super::crd::CustomKind;
use super::schema::{self, Schemas};
use serde_json::Value;

pub struct Registry {
    pub schemas: &'static Schemas,
    pub custom: Vec<CustomKind>,
}

/// Why a kind's apiVersion cannot be inferred.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiVersion {
    /// No kind of Kubernetes or of a loaded CRD has this name.
    Unknown,
    /// Several API groups have a kind of this name.
    Ambiguous(Vec<String>),
}

/// A value a schema refuses: where (a JSON pointer into the object) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub pointer: String,
    pub message: String,
    /// A field the schema does not have (at `pointer`), for "did you mean".
    pub unknown: Option<String>,
    /// A required field that is missing (at `pointer`).
    pub missing: Option<String>,
}

impl Registry {
    /// The registry of Kubernetes 1.`minor` and these custom kinds.
    pub fn new(minor: u32, custom: Vec<CustomKind>) -> Option<Registry> {
        Some(Registry {
            schemas: schema::of(minor)?,
            custom,
        })
    }

    fn custom(&self, api_version: &str, kind: &str) -> Option<&CustomKind> {
        self.custom
            .iter()
            .find(|c| c.api_version == api_version && c.kind == kind)
    }

    /// The apiVersion of a kind written without one: its only API group's most stable version.
    pub fn api_version_of(&self, kind: &str) -> Result<String, ApiVersion> {
        let mut versions: Vec<String> = self.schemas.api_versions(kind).to_vec();
        versions.extend(
            self.custom
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.api_version.clone()),
        );
        let group = |v: &str| v.rsplit_once('/').map_or("", |(g, _)| g).to_string();
        let mut groups: Vec<String> = versions.iter().map(|v| group(v)).collect();
        groups.sort();
        groups.dedup();
        match groups.len() {
            0 => Err(ApiVersion::Unknown),
            1 => Ok(versions
                .into_iter()
                .max_by_key(|v| schema::stability(v))
                .expect("a version")),
            _ => Err(ApiVersion::Ambiguous(versions)),
        }
    }

    /// Every kind's name (for "did you mean").
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.schemas
            .kind_names()
            .chain(self.custom.iter().map(|c| c.kind.as_str()))
    }

    /// Whether the kind exists at this apiVersion.
    pub fn knows(&self, api_version: &str, kind: &str) -> bool {
        self.schemas.definition(api_version, kind).is_some()
            || self.custom(api_version, kind).is_some()
    }

    /// Whether objects of the kind live in a namespace.
    pub fn namespaced(&self, api_version: &str, kind: &str) -> bool {
        match self.custom(api_version, kind) {
            Some(c) => c.namespaced,
            None => !super::scope::is_cluster_scoped(kind),
        }
    }

    /// What the kind's schema refuses in `object` (nothing for a kind without a schema).
    pub fn refusals(&self, object: &Value) -> Vec<Refusal> {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind = object["kind"].as_str().unwrap_or_default();
        let validator = match self.custom(api_version, kind) {
            Some(c) => c.validator(),
            None => self.schemas.validator(api_version, kind),
        };
        let Some(v) = validator else {
            return Vec::new();
        };
        let mut out: Vec<Refusal> = v
            .iter_errors(object)
            .map(|e| Refusal {
                pointer: e.instance_path().to_string(),
                message: message(&e),
                unknown: match e.kind() {
                    jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                        unexpected.first().cloned()
                    }
                    _ => None,
                },
                missing: match e.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        property.as_str().map(str::to_string)
                    }
                    _ => None,
                },
            })
            .collect();
        out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        out.dedup();
        out
    }

    /// The fields the schema lists at `pointer` of an object of the kind (for "did you mean").
    pub fn fields_at(&self, api_version: &str, kind: &str, pointer: &str) -> Vec<String> {
        let root = match self.custom(api_version, kind) {
            Some(c) => c.schema.as_ref(),
            None => self.schemas.definition(api_version, kind),
        };
        let mut s = root;
        for seg in pointer.split('/').skip(1) {
            let Some(cur) = s.map(|x| self.schemas.resolve(x)) else {
                break;
            };
            s = if seg.parse::<usize>().is_ok() && cur.get("items").is_some() {
                cur.get("items")
            } else {
                cur["properties"].get(seg.replace("~1", "/").replace("~0", "~"))
            };
        }
        let props = s
            .map(|x| self.schemas.resolve(x))
            .and_then(|x| x["properties"].as_object());
        props
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Merge a patch into an object of the kind (strategic for Kubernetes' kinds).
    pub fn merge(&self, target: &mut Value, patch: &Value) {
        let api_version = target["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let kind = target["kind"].as_str().unwrap_or_default().to_string();
        super::merge::apply(self.schemas, &api_version, &kind, target, patch);
    }
}

/// What a schema error says, in the compiler's words.
fn message(e: &jsonschema::ValidationError) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    match e.kind() {
        K::AdditionalProperties { unexpected } => match unexpected.as_slice() {
            [one] => format!("`{one}` is not a field here"),
            many => format!(
                "{} are not fields here",
                many.iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        K::Required { property } => format!("{property} is required here"),
        K::Type { kind } => {
            let expected: Vec<&str> = match kind {
                jsonschema::error::TypeKind::Single(t) => vec![t.as_str()],
                jsonschema::error::TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.as_str())
                    .filter(|t| *t != "null")
                    .collect(),
            };
            let found = match e.instance().as_ref() {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "a list",
                Value::Object(_) => "a map",
            };
            let expected: Vec<&str> = expected.into_iter().map(type_name).collect();
            format!("expected {}, found {found}", expected.join(" or "))
        }
        _ => e.to_string(),
    }
}

/// A JSON Schema type as the reference names it.
fn type_name(t: &str) -> &str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (#true or #false)",
        "array" => "a list",
        "object" => "a map",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_versions_are_inferred_when_one_group_has_the_kind() {
        let r = Registry::new(33, Vec::new()).unwrap();
        assert_eq!(r.api_version_of("ServiceAccount"), Ok("v1".to_string()));
        assert_eq!(
            r.api_version_of("HorizontalPodAutoscaler"),
            Ok("autoscaling/v2".to_string())
        );
        assert_eq!(r.api_version_of("PrometheusRule"), Err(ApiVersion::Unknown));
        assert!(matches!(
            r.api_version_of("Event"),
            Err(ApiVersion::Ambiguous(_))
        ));
        assert!(!r.namespaced("rbac.authorization.k8s.io/v1", "ClusterRole"));
        assert!(r.namespaced("v1", "ServiceAccount"));
    }

    #[test]
    fn refusals_point_at_the_value_and_fields_are_listed_for_suggestions() {
        let r = Registry::new(33, Vec::new()).unwrap();
        let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}, "automountServiceAccountToken": "no", "secrest": []});
        let refusals = r.refusals(&sa);
        let pointers: Vec<&str> = refusals.iter().map(|x| x.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["", "/automountServiceAccountToken"],
            "{refusals:?}"
        );
        assert_eq!(refusals[0].message, "`secrest` is not a field here");
        assert!(
            r.fields_at("v1", "ServiceAccount", "")
                .contains(&"secrets".to_string())
        );
        assert!(
            r.fields_at("apps/v1", "Deployment", "/spec/template/spec/containers/0")
                .contains(&"image".to_string())
        );
    }
}
