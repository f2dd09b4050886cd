//! The OpenAPI schemas of Kubernetes' own kinds, one set per targeted version
//! (`schemas/kubernetes/`, vendored by scripts/vendor-schemas.py): which kinds exist in which
//! API groups and versions, what fields each has, and how its lists merge.

use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

/// The dialect of the vendored definitions.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// Where a validator's definitions live in its registry.
const BASE: &str = "urn:stowage:kubernetes";

/// One version's schemas: JSON Schema (2020-12) definitions, strict (no unknown fields).
/// Each definition is kept as text and read when first asked for: a spec uses a few dozen
/// of the ~700.
pub struct Schemas {
    pub minor: u32,
    defs: HashMap<&'static str, Definition>,
    /// Definition names by (apiVersion, kind).
    by_gvk: HashMap<(String, String), String>,
    /// apiVersions by kind.
    by_kind: HashMap<String, Vec<String>>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// A definition's text and, once read, its value.
struct Definition {
    text: &'static str,
    value: OnceLock<Value>,
}

impl Definition {
    fn value(&self) -> &Value {
        self.value
            .get_or_init(|| serde_json::from_str(self.text).unwrap_or(Value::Null))
    }
}

macro_rules! versions {
    ($($minor:literal),*) => {
        /// The gzipped schemas of every supported version.
        fn bytes(minor: u32) -> Option<&'static [u8]> {
            match minor {
                $( $minor => Some(include_bytes!(concat!("../../schemas/kubernetes/v1.", $minor, ".defs.gz"))), )*
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

/// Load version `minor`'s schemas and compile the validators of `kinds` (each at its
/// apiVersion, or at its most stable one), for lowering to find them ready.
pub fn warm(minor: u32, kinds: &[(Option<String>, String)]) {
    let Some(schemas) = of(minor) else { return };
    for (api_version, kind) in kinds {
        let stable = || schemas.api_versions(kind).first();
        if let Some(av) = api_version.as_ref().or_else(stable) {
            schemas.validator(av, kind);
        }
    }
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
    /// Read a vendored file (its format: scripts/vendor-schemas.py). The text lives as long as
    /// the process, as the loaded schemas do.
    fn load(minor: u32) -> Option<Schemas> {
        let gz = bytes(minor)?;
        let size = gz.len().checked_sub(4).map_or(0, |at| {
            u32::from_le_bytes(gz[at..].try_into().unwrap_or_default()) as usize
        });
        let mut text = String::with_capacity(size);
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .ok()?;
        let text: &'static str = text.leak();
        let (kinds, defs) = text.split_once("\n\n")?;
        let mut by_gvk = HashMap::new();
        let mut by_kind: HashMap<String, Vec<String>> = HashMap::new();
        for line in kinds.lines() {
            let mut words = line.split(' ');
            let (av, kind, name) = (words.next()?, words.next()?, words.next()?);
            by_kind.entry(kind.into()).or_default().push(av.into());
            by_gvk.insert((av.into(), kind.into()), name.into());
        }
        for versions in by_kind.values_mut() {
            versions.sort_by_cached_key(|v| std::cmp::Reverse(stability(v)));
            versions.dedup();
        }
        let defs = defs
            .lines()
            .map(|line| {
                let (name, text) = line.split_once(' ')?;
                let value = OnceLock::new();
                Some((name, Definition { text, value }))
            })
            .collect::<Option<_>>()?;
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
        let v = Arc::new(self.compile(name)?);
        cache.insert(name.clone(), v.clone());
        Some(v)
    }

    /// The definitions `name` needs, as one JSON Schema 2020-12 document.
    fn document(&self, name: &str) -> Value {
        let mut doc = serde_json::Map::new();
        doc.insert("$schema".into(), DIALECT.into());
        doc.insert("$defs".into(), Value::Object(self.closure(name)));
        Value::Object(doc)
    }

    /// Compile the validator of definition `name`. Its definitions are a resource of a registry
    /// and the root only refers to them, so compiling checks the one-line root against its
    /// meta-schema (draft 4's, the smallest to build) rather than the vendored definitions,
    /// which `vendored_definitions_are_valid_json_schema` holds to the 2020-12 meta-schema.
    fn compile(&self, name: &str) -> Option<jsonschema::Validator> {
        let registry = jsonschema::Registry::new()
            .add(BASE, self.document(name))
            .ok()?
            .prepare()
            .ok()?;
        let root = serde_json::json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "$ref": format!("{BASE}#/$defs/{name}"),
        });
        jsonschema::options()
            .with_registry(&registry)
            .build(&root)
            .ok()
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
    use serde_json::json;

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

    /// Compiling a validator does not check the vendored definitions against the JSON Schema
    /// meta-schema (its root only refers to them): this does, for every version.
    #[test]
    fn vendored_definitions_are_valid_json_schema() {
        for minor in crate::kubernetes::SUPPORTED {
            let s = of(minor).unwrap();
            let mut defs = serde_json::Map::new();
            for (name, def) in &s.defs {
                defs.insert(name.to_string(), def.value().clone());
            }
            assert!(defs.values().all(|d| d.is_object()), "1.{minor}");
            let doc = serde_json::json!({"$schema": DIALECT, "$defs": defs});
            if let Err(e) = jsonschema::meta::validate(&doc) {
                panic!("1.{minor}: {e}");
            }
        }
    }

    /// Every kind of the default version compiles (a validator that does not compile would
    /// let every object of its kind through).
    #[test]
    fn every_kind_has_a_validator() {
        let minor = crate::kubernetes::minor(crate::kubernetes::DEFAULT).unwrap();
        let s = of(minor).unwrap();
        assert!(s.by_gvk.len() > 250, "{}", s.by_gvk.len());
        for (av, kind) in s.by_gvk.keys() {
            assert!(s.validator(av, kind).is_some(), "{av} {kind}");
        }
    }

    /// Every way to spoil one field of `object`: each value replaced by a value of every JSON
    /// type, and an unknown field added to each object in it.
    fn spoilt(object: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        let mut pointers = Vec::new();
        fn walk(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m
                    .iter()
                    .for_each(|(k, v)| walk(v, format!("{at}/{k}"), out)),
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| walk(v, format!("{at}/{i}"), out)),
                _ => {}
            }
            out.push(at);
        }
        walk(object, String::new(), &mut pointers);
        let kinds = [
            json!(null),
            json!(true),
            json!(-1),
            json!(1.5),
            json!("x"),
            json!([]),
            json!({}),
        ];
        for p in pointers {
            for k in &kinds {
                let mut o = object.clone();
                if let Some(slot) = o.pointer_mut(&p) {
                    if let Some(m) = slot.as_object_mut() {
                        m.insert("sepc".into(), k.clone());
                        out.push(o.clone());
                        let mut o = object.clone();
                        *o.pointer_mut(&p).unwrap() = k.clone();
                        out.push(o);
                    } else {
                        *slot = k.clone();
                        out.push(o);
                    }
                }
            }
        }
        out
    }

    /// The validator refuses what a validator compiled from the whole 2020-12 document (the
    /// definitions with the kind's as its root, checked against the meta-schema) refuses, at
    /// the same places, for every one-field spoiling of the examples' base objects.
    #[test]
    fn validators_agree_with_the_whole_document_compiled() {
        let s = of(crate::kubernetes::minor(crate::kubernetes::DEFAULT).unwrap()).unwrap();
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/golden/revrx/deploy/kustomize/base"
        );
        let mut compared = 0;
        for file in [
            "backend.yaml",
            "postgres.yaml",
            "network.yaml",
            "postgres-backup.yaml",
        ] {
            let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
            for object in crate::kubernetes::stream::documents(&text).unwrap() {
                let (av, kind) = (
                    object["apiVersion"].as_str().unwrap(),
                    object["kind"].as_str().unwrap(),
                );
                let Some(name) = s.by_gvk.get(&(av.to_string(), kind.to_string())) else {
                    continue; // a custom resource
                };
                let mut whole = s.document(name);
                whole["$ref"] = format!("#/$defs/{name}").into();
                let reference = jsonschema::validator_for(&whole).unwrap();
                let ours = s.validator(av, kind).unwrap();
                for o in std::iter::once(object.clone()).chain(spoilt(&object)) {
                    let errors = |v: &jsonschema::Validator| {
                        let mut e: Vec<String> = v
                            .iter_errors(&o)
                            .map(|e| format!("{} {e}", e.instance_path()))
                            .collect();
                        e.sort();
                        e
                    };
                    assert_eq!(errors(&ours), errors(&reference), "{o}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 2_000, "{compared}");
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
