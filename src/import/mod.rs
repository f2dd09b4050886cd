//! `stowage import`: Kubernetes objects (a rendered YAML stream, a folder of manifests, a
//! kustomize overlay) to a spec that deploys them.
//!
//! Takes the objects, gives the text of a `stowage.kdl` and a report of every difference
//! between what it deploys and the input: every object becomes a declared `object` (its body
//! written with the data mapping, checked by reading it back), in an app whose namespace is
//! the objects' own; the fields a cluster writes (status, uid, resourceVersion, managedFields,
//! ...) and the app's Namespace, which stowage writes itself, are left out; everything stowage
//! adds (its labels) is listed.

mod compare;
mod controller;
mod environments;
mod native;
mod node;
mod write;

use crate::kubernetes::registry::Registry;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The file beside the spec that holds custom resources, as a `manifest`.
pub const CUSTOM_FILE: &str = "imported-resources.yaml";

/// What an import gives.
#[derive(Debug)]
pub struct Imported {
    pub spec: String,
    /// Custom resources (kinds this Kubernetes does not have): files beside the spec, each read
    /// with a `manifest` ([`CUSTOM_FILE`] for the app's, one per environment for an
    /// environment's own), and their YAML. Their CRDs are not known, so they cannot be
    /// `object`s.
    pub custom: Vec<(String, String)>,
    /// Each difference between the input and what the spec deploys, one line each.
    pub report: Vec<String>,
    /// How many objects the spec declares.
    pub objects: usize,
}

/// Metadata fields a cluster writes: not part of what is deployed.
const CLUSTER_FIELDS: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

pub use environments::Environment;

/// Import several environments' objects as the app `name` (see [`import`]): the objects every
/// environment has are the app's, as the first environment has them; each environment patches
/// them where its own differ and declares the objects only it has.
pub fn import_environments(envs: &[Environment], name: &str, namespace: Option<&str>) -> Imported {
    environments::import(envs, name, namespace)
}

/// Import `objects` as the app `name`, deployed to one environment, `imported`; its namespace
/// is `namespace`, else the one most objects name, else `name`.
pub fn import(objects: &[Value], name: &str, namespace: Option<&str>) -> Imported {
    environments::import(&[("imported".into(), objects.to_vec())], name, namespace)
}

/// An import under way.
struct Build {
    spec: String,
    report: Vec<String>,
    /// Each declared object's body, to read back.
    bodies: Vec<(String, Value)>,
    /// Custom resources, for [`CUSTOM_FILE`].
    custom: Vec<Value>,
    /// Workloads written as nodes, by Deployment id; each leaves when written.
    natives: BTreeMap<String, native::Native>,
    count: usize,
    registry: Option<Registry>,
    namespace: String,
    /// The ids of the objects written as nodes.
    written: BTreeSet<String>,
    /// The file custom resources go to.
    custom_file: String,
    /// Whether objects that are not workloads go to the custom resources' file too (a spec
    /// that declares them all would be larger than stowage reads), and how many did.
    in_yaml: bool,
    in_yaml_count: usize,
}

impl Build {
    /// An import of objects into the namespace `namespace`, with the workloads `natives`
    /// written as nodes.
    fn new(namespace: &str, natives: native::Natives, custom_file: &str) -> Self {
        Build {
            custom_file: custom_file.to_string(),
            in_yaml: false,
            in_yaml_count: 0,
            spec: String::new(),
            report: natives.report,
            natives: natives.written,
            bodies: Vec::new(),
            custom: Vec::new(),
            count: 0,
            registry: Registry::new(crate::kubernetes::target(None), vec![]),
            namespace: namespace.to_string(),
            written: BTreeSet::new(),
        }
    }

    /// One object of the input.
    fn add(&mut self, o: &Value) {
        let Some((kind, name, api)) = identity(o) else {
            self.report.push(format!(
                "left out: a document without apiVersion, kind and metadata.name: {}",
                short(o)
            ));
            return;
        };
        let id = format!("{kind}/{name}");
        if kind == "Namespace" && name == self.namespace {
            self.report.push(format!(
                "not deployed: {id}: stowage writes the app's namespace itself, with its own labels"
            ));
            return;
        }
        let cleaned = clean(o, &self.namespace, &id, &mut self.report);
        if let Some(key) = self
            .natives
            .iter()
            .find(|(_, n)| n.ids.contains(&id))
            .map(|(k, _)| k.clone())
        {
            let n = self.natives.remove(&key).unwrap_or_else(|| unreachable!());
            self.count += n.ids.len();
            self.report.extend(n.report);
            self.written.extend(n.ids);
            self.spec.push('\n');
            self.spec.push_str(&n.text);
            return;
        }
        if self.written.contains(&id) {
            return;
        }
        if kind == "Secret" && api == "v1" {
            self.report.push(format!(
                "not deployed: {id}: its values would be plaintext in the spec; it is declared as an existing \
                 Secret (`secret` with its keys): create it in the cluster, or seal it (`source=\"sealed\"`)"
            ));
            self.spec.push('\n');
            self.spec.push_str(&existing_secret(&cleaned, &name));
            return;
        }
        self.count += 1;
        if let Some(secret) = sealed_secret(&cleaned, &name, &self.namespace) {
            self.report.push(format!(
                "written as stowage's own: {id}: `secret source=\"sealed\"` (its ciphertext kept; its labels, and its template's, are stowage's)"
            ));
            self.spec.push('\n');
            self.spec.push_str(&secret);
        } else if self
            .registry
            .as_ref()
            .is_some_and(|r| !r.knows(&api, &kind))
        {
            self.report.push(format!(
                "kept in {} (a `manifest`): {id}: Kubernetes {} has no kind {kind} in {api}; \
                 with its CRD declared (`crd`), it can be an `object`",
                self.custom_file,
                crate::kubernetes::DEFAULT
            ));
            self.custom.push(cleaned);
        } else if self.in_yaml {
            self.in_yaml_count += 1;
            self.custom.push(cleaned);
        } else {
            self.object(id, &api, cleaned);
        }
    }

    /// A declared object.
    fn object(&mut self, id: String, api: &str, cleaned: Value) {
        let body = Value::Object(body(cleaned.clone()));
        let mut text = format!(
            "\nobject {} api-version={} {{\n",
            write::scalar(&Value::String(id.clone())),
            write::scalar(&Value::String(api.into()))
        );
        for (k, v) in body.as_object().into_iter().flatten() {
            write::node(&mut text, 1, k, v);
        }
        text.push_str("}\n");
        // What a spec cannot hold (more than it may be) or the data mapping cannot say (a map
        // key `-`, a list of lists) stays YAML.
        let why = if text.len() > crate::syntax::limits::MAX_SPEC_BYTES {
            Some(format!(
                "as an `object` it is larger than the {} MiB a spec may be",
                crate::syntax::limits::MAX_SPEC_BYTES >> 20
            ))
        } else {
            (!reads_back(&text, &body))
                .then(|| "KDL data cannot say it as it is (a key `-`, a list of lists)".into())
        };
        if let Some(why) = why {
            self.report.push(format!(
                "kept in {} (a `manifest`): {id}: {why}",
                self.custom_file
            ));
            self.custom.push(cleaned);
            return;
        }
        self.spec.push_str(&text);
        self.bodies.push((id, body));
    }

    /// The items, once every object is in; custom resources go to their file, read with a
    /// `manifest`. Declared objects are read back in a spec that opens with `app` (the top
    /// level's).
    fn finish(mut self, app: Option<&str>) -> Built {
        if self.in_yaml_count > 0 {
            self.report.push(format!(
                "kept in {} (a `manifest`): {} object{}: declared as `object`s they would \
                 make the spec larger than the {} MiB stowage reads",
                self.custom_file,
                self.in_yaml_count,
                if self.in_yaml_count == 1 { "" } else { "s" },
                crate::syntax::limits::MAX_SPEC_BYTES >> 20
            ));
        }
        if let Some(app) = app {
            let spec = format!("{app}{}", self.spec);
            self.report.extend(read_back(&spec, &self.bodies));
        }
        let custom = (!self.custom.is_empty()).then(|| {
            self.spec.push_str(&format!(
                "\nmanifest {}\n",
                write::scalar(&Value::String(self.custom_file.clone()))
            ));
            (self.custom_file.clone(), yaml_stream(&self.custom))
        });
        Built {
            text: self.spec,
            custom,
            report: self.report,
            count: self.count,
        }
    }
}

/// The items an import writes for a set of objects.
struct Built {
    text: String,
    custom: Option<(String, String)>,
    report: Vec<String>,
    count: usize,
}

/// Whether the `object` node `text` reads back with the body `body`.
fn reads_back(text: &str, body: &Value) -> bool {
    let (parsed, _) = crate::syntax::parse(&format!("app \"x\" {{\n}}\n{text}"));
    parsed.is_some_and(|p| {
        p.items
            .objects
            .first()
            .is_some_and(|o| o.body.value == *body)
    })
}

/// Read the spec back and say where an object's body is not what was written: the data
/// mapping cannot say everything JSON can (a map key `-`, lists of lists).
fn read_back(spec: &str, bodies: &[(String, Value)]) -> Vec<String> {
    let (parsed, diags) = crate::syntax::parse(spec);
    let Some(parsed) = parsed else {
        let first = diags
            .iter()
            .next()
            .map_or(String::new(), |d| d.message.clone());
        return vec![format!("the written spec does not read back: {first}")];
    };
    bodies
        .iter()
        .zip(&parsed.items.objects)
        .filter(|((_, want), got)| got.body.value != *want)
        .map(|((id, _), _)| {
            format!("differs: {id}: its body reads back otherwise; check it by hand")
        })
        .collect()
}

/// `Kind/name` of an object.
fn id_of(o: &Value) -> String {
    format!(
        "{}/{}",
        o["kind"].as_str().unwrap_or_default(),
        o["metadata"]["name"].as_str().unwrap_or_default()
    )
}

/// `patch "ID" { ... }` with the fields of `p`.
fn patch_text(id: &str, p: &Value) -> String {
    let mut out = format!("patch {} {{\n", write::scalar(&Value::String(id.into())));
    if let Some(m) = p.as_object() {
        for (k, v) in m {
            write::node(&mut out, 1, k, v);
        }
    }
    out.push_str("}\n");
    out
}

/// `Kind`, `name` and `apiVersion` of an object.
fn identity(o: &Value) -> Option<(String, String, String)> {
    let kind = o.get("kind")?.as_str()?.to_string();
    let api = o.get("apiVersion")?.as_str()?.to_string();
    let name = o.get("metadata")?.get("name")?.as_str()?.to_string();
    Some((kind, name, api))
}

/// An object as it is deployed: without status, the fields a cluster writes, and its
/// namespace when it is the app's.
fn clean(o: &Value, namespace: &str, id: &str, report: &mut Vec<String>) -> Value {
    let mut o = o.clone();
    let Some(obj) = o.as_object_mut() else {
        return o;
    };
    if obj.remove("status").is_some() {
        report.push(format!("left out: {id}: status (written by the cluster)"));
    }
    if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
        if meta.get("namespace").and_then(Value::as_str) == Some(namespace) {
            meta.remove("namespace");
        }
        let dropped = remove_keys(meta, CLUSTER_FIELDS);
        if !dropped.is_empty() {
            report.push(format!(
                "left out: {id}: metadata {} (written by the cluster)",
                dropped.join(", ")
            ));
        }
        if let Some(Value::Object(notes)) = meta.get_mut("annotations") {
            let dropped = remove_keys(notes, CLUSTER_ANNOTATIONS);
            if notes.is_empty() {
                meta.remove("annotations");
            }
            if !dropped.is_empty() {
                report.push(format!(
                    "left out: {id}: annotations {} (written by kubectl and the cluster)",
                    dropped.join(", ")
                ));
            }
        }
    }
    cluster_assigned(&mut o, id, report);
    o
}

/// Remove `keys` from `map`; the ones it had.
fn remove_keys<'k>(map: &mut Map<String, Value>, keys: &[&'k str]) -> Vec<&'k str> {
    keys.iter()
        .copied()
        .filter(|k| map.remove(*k).is_some())
        .collect()
}

/// Annotations kubectl and the controllers write on the objects they handle.
const CLUSTER_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// What the cluster fills in of an object it read back (`kubectl get -o yaml`): a Service's
/// allocated cluster IPs, the `creationTimestamp: null` kubectl prints in pod templates.
fn cluster_assigned(o: &mut Value, id: &str, report: &mut Vec<String>) {
    if let Some(Value::Object(spec)) = o.get_mut("spec")
        && id.starts_with("Service/")
        && spec.get("clusterIP").and_then(Value::as_str) != Some("None")
    {
        let dropped = remove_keys(spec, &["clusterIP", "clusterIPs"]);
        if !dropped.is_empty() {
            report.push(format!(
                "left out: {id}: spec.{} (allocated by the cluster)",
                dropped.join(", spec.")
            ));
        }
    }
    for template in [
        "/spec/template/metadata",
        "/spec/jobTemplate/spec/template/metadata",
    ] {
        if let Some(Value::Object(m)) = o.pointer_mut(template)
            && m.get("creationTimestamp").is_some_and(Value::is_null)
        {
            m.remove("creationTimestamp");
        }
    }
}

/// The fields an `object` body holds: all but apiVersion, kind and metadata.name.
fn body(o: Value) -> Map<String, Value> {
    let mut body = match o {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    body.remove("apiVersion");
    body.remove("kind");
    if let Some(Value::Object(meta)) = body.get_mut("metadata") {
        meta.remove("name");
        if meta.is_empty() {
            body.remove("metadata");
        }
    }
    body
}

/// A Secret as an existing one: its keys, not its values.
fn existing_secret(o: &Value, name: &str) -> String {
    let mut keys: Vec<&String> = ["data", "stringData"]
        .iter()
        .filter_map(|f| o.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = format!("secret {} {{\n", write::scalar(&Value::String(name.into())));
    for k in keys {
        out.push_str(&format!(
            "    key {}\n",
            write::scalar(&Value::String(k.clone()))
        ));
    }
    out.push_str("}\n");
    out
}

/// A Sealed Secret that says nothing stowage's `secret source="sealed"` does not (metadata
/// name, namespace and labels; `encryptedData`; a template of the same metadata) as that node.
fn sealed_secret(o: &Value, name: &str, namespace: &str) -> Option<String> {
    if o.get("apiVersion")?.as_str()? != "bitnami.com/v1alpha1" || o.get("kind")? != "SealedSecret"
    {
        return None;
    }
    let only = |v: &Value, keys: &[&str]| {
        v.as_object()
            .is_some_and(|m| m.keys().all(|k| keys.contains(&k.as_str())))
    };
    let meta = o.get("metadata")?;
    let spec = o.get("spec")?;
    let template = spec
        .pointer("/template/metadata")
        .cloned()
        .unwrap_or(Value::Null);
    let plain_meta = |m: &Value| {
        only(m, &["name", "namespace", "labels"])
            && m.get("name").is_none_or(|n| n == name)
            && m.get("namespace").is_none_or(|n| n == namespace)
    };
    let fits = only(o, &["apiVersion", "kind", "metadata", "spec"])
        && plain_meta(meta)
        && only(spec, &["encryptedData", "template"])
        && spec.get("template").is_none_or(|t| only(t, &["metadata"]))
        && (template.is_null() || plain_meta(&template));
    if !fits {
        return None;
    }
    let data = spec.get("encryptedData")?.as_object()?;
    let mut out = format!(
        "secret {} source=\"sealed\" {{\n",
        write::scalar(&Value::String(name.into()))
    );
    for (k, v) in data {
        out.push_str(&format!(
            "    key {} encrypted={}\n",
            write::scalar(&Value::String(k.clone())),
            write::scalar(&Value::String(v.as_str()?.to_string()))
        ));
    }
    out.push_str("}\n");
    Some(out)
}

/// Objects as one YAML stream.
fn yaml_stream(objects: &[Value]) -> String {
    let docs: Vec<String> = objects
        .iter()
        .map(|o| serde_saphyr::to_string(o).unwrap_or_default())
        .collect();
    docs.join("---\n")
}

/// The app the objects say they are: the `app.kubernetes.io/instance` label every object that
/// has one gives (stowage's, Helm's and most charts' convention).
pub fn app_name(objects: &[Value]) -> Option<String> {
    let mut names = objects.iter().filter_map(|o| {
        o.pointer("/metadata/labels/app.kubernetes.io~1instance")?
            .as_str()
    });
    let first = names.next()?;
    names.all(|n| n == first).then(|| first.to_string())
}

/// The objects, one of each kind and name: of several, the one in `namespace` (else in the
/// namespace most objects name, else the first); a report line for each other.
fn distinct(objects: &[Value], namespace: Option<&str>) -> (Vec<Value>, Vec<String>) {
    let ns = namespace
        .map(str::to_string)
        .or_else(|| most_common_namespace(objects));
    let namespace_of = |o: &Value| {
        o.pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        if identity(o).is_none() {
            continue;
        }
        let id = id_of(o);
        let better = |j: usize| namespace_of(o) == ns && namespace_of(&objects[j]) != ns;
        match chosen.get(&id) {
            Some(&j) if !better(j) => {}
            _ => {
                chosen.insert(id, i);
            }
        }
    }
    let mut kept = Vec::new();
    let mut report = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        if identity(o).is_none() || chosen.get(&id_of(o)) == Some(&i) {
            kept.push(o.clone());
            continue;
        }
        report.push(format!(
            "left out: {} in namespace {ns}: another {} of that name is imported (namespace {}); \
             an app names each object once by kind and name: import that namespace as an app \
             of its own (`--namespace {ns}`)",
            id_of(o),
            o["kind"].as_str().unwrap_or_default(),
            namespace_of(&objects[chosen[&id_of(o)]]).unwrap_or_default(),
            ns = namespace_of(o).unwrap_or_default(),
        ));
    }
    (kept, report)
}

fn most_common_namespace(objects: &[Value]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in objects {
        if let Some(ns) = o.pointer("/metadata/namespace").and_then(Value::as_str) {
            *counts.entry(ns).or_default() += 1;
        }
    }
    let best = counts
        .iter()
        .max_by_key(|(ns, n)| (**n, std::cmp::Reverse(**ns)))?;
    Some(best.0.to_string())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}
