//! The OpenAPI schemas of Kubernetes' own kinds, one set per targeted version
//! (`schemas/kubernetes/`, vendored by scripts/vendor-schemas.py): which kinds exist in which
//! API groups and versions, what fields each has, and how its lists merge.

use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

/// One version's schemas: JSON Schema (2020-12) definitions, strict (no unknown fields).
/// Each definition is kept as text and read when first asked for: a spec uses a few dozen
/// of the ~700.
pub struct Schemas {
    pub minor: u32,
    defs: HashMap<String, Definition>,
    /// Definition names by (apiVersion, kind).
    by_gvk: HashMap<(String, String), String>,
    /// apiVersions by kind.
    by_kind: HashMap<String, Vec<String>>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// A definition's text and, once read, its value.
struct Definition {
    text: Box<RawValue>,
    value: OnceLock<Value>,
}

impl Definition {
    fn value(&self) -> &Value {
        self.value
            .get_or_init(|| serde_json::from_str(self.text.get()).unwrap_or(Value::Null))
    }
}

/// The root of a vendored file: the definitions, unread.
#[derive(serde::Deserialize)]
struct Root {
    #[serde(rename = "$defs")]
    defs: HashMap<String, Box<RawValue>>,
}

/// What loading needs of each definition: the kinds it defines.
#[derive(serde::Deserialize)]
struct Head {
    #[serde(rename = "x-kubernetes-group-version-kind", default)]
    gvks: Vec<Gvk>,
}

#[derive(serde::Deserialize)]
struct Gvk {
    group: String,
    version: String,
    kind: String,
}

macro_rules! versions {
    ($($minor:literal),*) => {
        /// The gzipped schemas of every supported version.
        fn bytes(minor: u32) -> Option<&'static [u8]> {
            match minor {
                $( $minor => Some(include_bytes!(concat!("../../schemas/kubernetes/v1.", $minor, ".json.gz"))), )*
                _ => None,
            }
        }
    };
}
versions!(25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37);

/// The schemas of Kubernetes 1.`minor` (read once, when first asked for).
pub fn of(minor: u32) -> Option<&'static Schemas> {
    static LOADED: OnceLock<Mutex<HashMap<u32, &'static Schemas>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(Default::default);
    let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = loaded.get(&minor) {
        return Some(s);
    }
    let schemas: &'static Schemas = Box::leak(Box::new(Schemas::load(minor)?));
    loaded.insert(minor, schemas);
    Some(schemas)
}

/// `group/version`, or `version` for the core group.
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// How stable an API version is: GA before beta before alpha, newer before older.
pub fn stability(api_version: &str) -> (u8, u32, u32) {
    let v = api_version.rsplit('/').next().unwrap_or(api_version);
    let v = v.strip_prefix('v').unwrap_or(v);
    let digits = |s: &str| s.parse::<u32>().unwrap_or(0);
    match (v.split_once("beta"), v.split_once("alpha")) {
        (Some((major, n)), _) => (1, digits(major), digits(n)),
        (_, Some((major, n))) => (0, digits(major), digits(n)),
        _ => (2, digits(v), 0),
    }
}

impl Schemas {
    fn load(minor: u32) -> Option<Schemas> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes(minor)?)
            .read_to_string(&mut text)
            .ok()?;
        let root: Root = serde_json::from_str(&text).ok()?;
        let mut by_gvk = HashMap::new();
        let mut by_kind: HashMap<String, Vec<String>> = HashMap::new();
        for (name, def) in &root.defs {
            let head: Head = serde_json::from_str(def.get()).ok()?;
            for Gvk {
                group,
                version,
                kind,
            } in head.gvks
            {
                let av = api_version(&group, &version);
                by_kind.entry(kind.clone()).or_default().push(av.clone());
                by_gvk.insert((av, kind), name.clone());
            }
        }
        for versions in by_kind.values_mut() {
            versions.sort_by_key(|v| std::cmp::Reverse(stability(v)));
            versions.dedup();
        }
        let defs = root
            .defs
            .into_iter()
            .map(|(name, text)| {
                let value = OnceLock::new();
                (name, Definition { text, value })
            })
            .collect();
        Some(Schemas {
            minor,
            defs,
            by_gvk,
            by_kind,
            validators: Mutex::new(HashMap::new()),
        })
    }

    /// A definition by its name.
    fn def(&self, name: &str) -> Option<&Value> {
        self.defs.get(name).map(Definition::value)
    }

    /// The definitions `name` needs: itself and every one it refers to, at any depth.
    fn closure(&self, name: &str) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        let mut todo = vec![name.to_string()];
        while let Some(name) = todo.pop() {
            if out.contains_key(&name) {
                continue;
            }
            let Some(def) = self.def(&name) else { continue };
            refs(def, &mut todo);
            out.insert(name, def.clone());
        }
        out
    }

    /// Every kind's name.
    pub fn kind_names(&self) -> impl Iterator<Item = &str> {
        self.by_kind.keys().map(String::as_str)
    }

    /// The apiVersions that have this kind, most stable first.
    pub fn api_versions(&self, kind: &str) -> &[String] {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The definition of a kind at an apiVersion.
    pub fn definition(&self, api_version: &str, kind: &str) -> Option<&Value> {
        let name = self
            .by_gvk
            .get(&(api_version.to_string(), kind.to_string()))?;
        self.def(name)
    }

    /// The schema `schema` stands for, its `$ref` followed.
    pub fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut s = schema;
        for _ in 0..8 {
            match s["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                Some(name) => match self.def(name) {
                    Some(d) => s = d,
                    None => break,
                },
                None => break,
            }
        }
        s
    }

    /// The validator of a kind (compiled once).
    pub fn validator(&self, api_version: &str, kind: &str) -> Option<Arc<jsonschema::Validator>> {
        let name = self
            .by_gvk
            .get(&(api_version.to_string(), kind.to_string()))?;
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(name) {
            return Some(v.clone());
        }
        let schema = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/$defs/{name}"),
            "$defs": self.closure(name),
        });
        let v = Arc::new(jsonschema::validator_for(&schema).ok()?);
        cache.insert(name.clone(), v.clone());
        Some(v)
    }
}

/// The definitions `schema` refers to (`#/$defs/NAME`), pushed onto `out`.
fn refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            out.push(name.to_string());
                        }
                    }
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_version_has_its_schemas() {
        for minor in crate::kubernetes::SUPPORTED {
            let s = of(minor).unwrap_or_else(|| panic!("no schemas for 1.{minor}"));
            assert_eq!(s.api_versions("Deployment"), ["apps/v1"]);
            assert!(s.definition("v1", "ConfigMap").is_some());
        }
        assert!(of(24).is_none());
    }

    #[test]
    fn kinds_in_several_versions_prefer_the_stable_one() {
        let s = of(33).unwrap();
        assert_eq!(
            s.api_versions("HorizontalPodAutoscaler")[0],
            "autoscaling/v2"
        );
        assert!(s.api_versions("Event").len() >= 2);
        assert!(stability("v1") > stability("v2beta2"));
        assert!(stability("v1beta2") > stability("v1beta1"));
        assert!(stability("v1beta1") > stability("v1alpha3"));
    }

    #[test]
    fn validation_finds_unknown_fields_and_wrong_types() {
        let s = of(33).unwrap();
        let v = s.validator("v1", "Service").unwrap();
        let good = serde_json::json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}});
        assert!(v.is_valid(&good));
        let bad = serde_json::json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": "80"}], "sepc": 1}});
        let paths: Vec<String> = v
            .iter_errors(&bad)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            paths.contains(&"/spec/ports/0/port".to_string()),
            "{paths:?}"
        );
        assert!(paths.contains(&"/spec".to_string()), "{paths:?}");
    }
}
