//! Declared objects (`object`) and manifests (`manifest`): as written, with the apiVersion of
//! their kind when the spec leaves it out, the environment's namespace unless the kind is
//! cluster-scoped or the object names one, and the app's labels.

use super::{Cx, Origin};
use crate::diagnostic::{Diagnostic, Span, code, suggest};
use crate::ir::Object;
use crate::ir::scope::Env;
use crate::kubernetes::registry::ApiVersion;
use crate::syntax::ast::{FileRef, Object as Declared};
use crate::syntax::data::{Data, Spans};
use serde_json::{Map, Value, json};

impl Cx<'_> {
    /// The object an `object` node declares.
    pub(super) fn declared(&self, env: &Env, o: &Declared) -> Option<(Object, Origin)> {
        let kind = &o.target.kind;
        let api_version = match &o.api_version {
            Some(v) => self.known_api_version(&v.v, kind, v.span)?,
            None => self.inferred_api_version(kind, o.target.span)?,
        };
        let mut value = json!({"apiVersion": api_version, "kind": kind});
        let Value::Object(body) = &o.body.value else {
            return None;
        };
        for (k, v) in body {
            value[k] = v.clone();
        }
        value["metadata"]["name"] = json!(o.target.name);
        self.place(env, &mut value);
        let origin = Origin::declared(o.span, &o.body, format!("{} `{}`", kind, o.target.name));
        Some((object(value), origin))
    }

    /// The objects of a `manifest` file, each document one.
    pub(super) fn manifest(&self, env: &Env, m: &FileRef) -> Vec<(Object, Origin)> {
        let Some(text) = self.files.get(&m.path.v) else {
            return Vec::new();
        };
        let docs: Vec<Value> = match crate::kubernetes::stream::documents(text) {
            Ok(d) => d,
            Err(e) => {
                self.report(file_error(m, format!("`{}` is not YAML: {e}", m.path.v)));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, mut doc) in docs.into_iter().enumerate() {
            let missing = ["apiVersion", "kind"]
                .into_iter()
                .find(|k| !doc[*k].is_string())
                .or((!doc["metadata"]["name"].is_string()).then_some("metadata.name"));
            if let Some(field) = missing {
                let msg = format!("document {} of {} has no {field}", i + 1, m.path.v);
                self.report(file_error(m, msg));
                continue;
            }
            self.place(env, &mut doc);
            let subject = format!(
                "{} `{}`",
                doc["kind"].as_str().unwrap_or_default(),
                doc["metadata"]["name"].as_str().unwrap_or_default()
            );
            out.push((object(doc), Origin::whole(m.span, subject)));
        }
        out
    }

    /// The environment's namespace (unless the kind is cluster-scoped or the object names its
    /// own) and the app's labels (the object's own win).
    fn place(&self, env: &Env, value: &mut Value) {
        let api_version = value["apiVersion"].as_str().unwrap_or_default().to_string();
        let kind = value["kind"].as_str().unwrap_or_default().to_string();
        let meta = value["metadata"]
            .as_object_mut()
            .expect("objects have metadata");
        if self.registry.namespaced(&api_version, &kind) && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), json!(env.namespace));
        }
        let labels = meta
            .entry("labels")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(labels) = labels {
            for (k, v) in env.app_labels {
                labels.entry(k.clone()).or_insert_with(|| json!(v));
            }
        }
        *value = canonical_order(std::mem::take(value));
    }

    /// A given apiVersion: a kind of Kubernetes must exist there; other groups are custom
    /// resources (validated when their CRD is loaded).
    fn known_api_version(&self, api_version: &str, kind: &str, span: Span) -> Option<String> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let builtin = group.is_empty() || !group.contains('.') || group.ends_with(".k8s.io");
        if !builtin || self.registry.knows(api_version, kind) {
            return Some(api_version.to_string());
        }
        let versions = self.registry.schemas.api_versions(kind);
        let help = match versions.first() {
            Some(v) => format!("{kind} is in {v}: write api-version=\"{v}\", or leave it out"),
            None => format!(
                "{api_version} has no kind {kind}; the kinds of Kubernetes are named as kubectl shows them (`kubectl api-resources`)"
            ),
        };
        self.report(
            Diagnostic::error(
                &code::object::API_VERSION,
                format!(
                    "{api_version} has no kind `{kind}` in Kubernetes 1.{}",
                    self.registry.schemas.minor
                ),
                span,
                "no such kind here",
            )
            .with_help(help),
        );
        None
    }

    /// The apiVersion of a kind written without one.
    fn inferred_api_version(&self, kind: &str, span: Span) -> Option<String> {
        let minor = self.registry.schemas.minor;
        let (message, help) = match self.registry.api_version_of(kind) {
            Ok(v) => return Some(v),
            Err(ApiVersion::Ambiguous(versions)) => (
                format!("several API groups have a kind `{kind}`"),
                format!("say which: api-version=\"{}\"", versions.join("\", or \"")),
            ),
            Err(ApiVersion::Unknown) => {
                let near = suggest(kind, self.registry.kinds());
                (
                    format!("`{kind}` is not a kind of Kubernetes 1.{minor}: give its api-version="),
                    match near {
                        Some(n) => format!("did you mean `{n}`? A custom resource needs api-version=\"GROUP/VERSION\" (and its CRD loaded with `crd` to be validated)"),
                        None => "a custom resource needs api-version=\"GROUP/VERSION\" (and its CRD loaded with `crd` to be validated)".to_string(),
                    },
                )
            }
        };
        self.report(
            Diagnostic::error(
                &code::object::API_VERSION,
                message,
                span,
                "which apiVersion?",
            )
            .with_help(help),
        );
        None
    }
}

/// apiVersion, kind and metadata first (metadata's fields in order, as for every object stowage
/// makes), then the other fields as written.
fn canonical_order(value: Value) -> Value {
    let Value::Object(mut m) = value else {
        return value;
    };
    let mut out = Map::new();
    for k in ["apiVersion", "kind", "metadata"] {
        if let Some(v) = m.remove(k) {
            out.insert(k.to_string(), v);
        }
    }
    if let Some(Value::Object(meta)) = out.get_mut("metadata") {
        meta.sort_keys();
    }
    out.extend(m);
    Value::Object(out)
}

fn object(value: Value) -> Object {
    Object {
        group: crate::layout::OBJECTS_GROUP.to_string(),
        value,
    }
}

fn file_error(m: &FileRef, message: String) -> Diagnostic {
    Diagnostic::error(&code::object::FILE, message, m.path.span, "this file")
        .with_help("every document of a manifest is one Kubernetes object: apiVersion, kind, metadata.name and its fields")
}

impl Origin {
    /// An object written as data: each field's own span.
    pub(super) fn declared(span: Span, body: &Data, subject: String) -> Origin {
        Origin {
            span,
            spans: body.spans.clone(),
            subject,
            native: false,
            validate: true,
            containers: Vec::new(),
            workload: None,
        }
    }

    /// An object from elsewhere (a file): every finding at one span.
    pub(super) fn whole(span: Span, subject: String) -> Origin {
        Origin {
            span,
            spans: Spans::default(),
            subject,
            native: false,
            validate: true,
            containers: Vec::new(),
            workload: None,
        }
    }
}
