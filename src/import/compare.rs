//! How an object the import writes builds, against the input: field by field.

use serde_json::Value;
use std::fmt;

/// One field where what is built is not the input.
#[derive(Debug)]
pub(super) enum Difference {
    /// Built, not in the input.
    Added { path: String, value: Value },
    /// In the input, not built.
    Removed { path: String, value: Value },
    /// Both, with other values.
    Changed {
        path: String,
        from: Value,
        to: Value,
    },
}

impl Difference {
    pub fn path(&self) -> &str {
        match self {
            Difference::Added { path, .. }
            | Difference::Removed { path, .. }
            | Difference::Changed { path, .. } => path,
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Difference::Added { path, value } => write!(f, "{path} would be added: {value}"),
            Difference::Removed { path, value } => write!(f, "{path} would be lost: {value}"),
            Difference::Changed { path, from, to } => {
                write!(f, "{path} would change from {from} to {to}")
            }
        }
    }
}

/// Every difference between `input` and `built`: maps key by key, lists of one length item by
/// item, anything else as a whole. Paths are JSON pointers (`~` and `/` in keys escaped).
pub(super) fn differences(input: &Value, built: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(input, built, String::new(), &mut out);
    out
}

fn walk(a: &Value, b: &Value, path: String, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let at = format!("{path}/{}", escape(k));
                match y.get(k) {
                    Some(w) => walk(v, w, at, out),
                    None => out.push(Difference::Removed {
                        path: at,
                        value: v.clone(),
                    }),
                }
            }
            for (k, w) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                out.push(Difference::Added {
                    path: format!("{path}/{}", escape(k)),
                    value: w.clone(),
                });
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                walk(v, w, format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(Difference::Changed {
            path,
            from: a.clone(),
            to: b.clone(),
        }),
        _ => {}
    }
}

/// A map key as a JSON pointer's segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether `value` at `path` is one of stowage's labels on an object or its pods, or a map of
/// only those.
pub(super) fn stowage_label(path: &str, value: &Value) -> bool {
    let ours =
        |k: &str| k.starts_with("app.kubernetes.io/") || k.starts_with("app.kubernetes.io~1");
    ["/metadata/labels", "/spec/template/metadata/labels"]
        .iter()
        .any(|p| match path.strip_prefix(p) {
            Some("") => value.as_object().is_some_and(|m| m.keys().all(|k| ours(k))),
            Some(k) => k.strip_prefix('/').is_some_and(ours),
            None => false,
        })
}

/// Whether `path` is the labels of an object or of its pods.
pub(super) fn is_labels(path: &str) -> bool {
    let path = pods_at_one_place(path);
    path == "/metadata/labels" || path == "/spec/template/metadata/labels"
}

/// `path` with a CronJob's pod template (`/spec/jobTemplate/spec/template`) where the other
/// controllers have theirs (`/spec/template`).
fn pods_at_one_place(path: &str) -> String {
    match path.strip_prefix("/spec/jobTemplate/spec/template") {
        Some(rest) => format!("/spec/template{rest}"),
        None => path.to_string(),
    }
}

/// Fields the API server sets when they are not given, and the value it sets (list items as
/// `*`); `imagePullPolicy` is [`pull_default`].
const DEFAULTS: &[(&str, &str)] = &[
    ("/spec/revisionHistoryLimit", "10"),
    ("/spec/progressDeadlineSeconds", "600"),
    ("/spec/type", "\"ClusterIP\""),
    ("/spec/sessionAffinity", "\"None\""),
    ("/spec/ports/*/protocol", "\"TCP\""),
    (
        "/spec/template/spec/containers/*/ports/*/protocol",
        "\"TCP\"",
    ),
    (
        "/spec/template/spec/initContainers/*/ports/*/protocol",
        "\"TCP\"",
    ),
    ("/spec/template/spec/restartPolicy", "\"Always\""),
    ("/spec/template/spec/dnsPolicy", "\"ClusterFirst\""),
    ("/spec/template/spec/schedulerName", "\"default-scheduler\""),
    ("/spec/template/spec/terminationGracePeriodSeconds", "30"),
    ("/spec/podManagementPolicy", "\"OrderedReady\""),
    ("/spec/concurrencyPolicy", "\"Allow\""),
    ("/spec/suspend", "false"),
    ("/spec/successfulJobsHistoryLimit", "3"),
    ("/spec/failedJobsHistoryLimit", "1"),
];

/// Whether `value` at `path` (list items as `*`) in the map `parent` is what the API server
/// would set if it were not given.
pub(super) fn default_in(path: &str, value: &Value, parent: &Value) -> bool {
    if path.ends_with("/imagePullPolicy") {
        return parent["image"]
            .as_str()
            .is_some_and(|image| *value == pull_default(image));
    }
    let path = pods_at_one_place(path);
    DEFAULTS
        .iter()
        .any(|(p, v)| *p == path && serde_json::from_str::<Value>(v).ok().as_ref() == Some(value))
}

/// [`default_in`] for a path with list indices, in the object `built`.
pub(super) fn api_default(path: &str, value: &Value, built: &Value) -> bool {
    let (parent_path, _) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = built.pointer(parent_path).unwrap_or(&Value::Null);
    let starred: Vec<&str> = path
        .split('/')
        .map(|s| if s.parse::<usize>().is_ok() { "*" } else { s })
        .collect();
    default_in(&starred.join("/"), value, parent)
}

/// The pull policy the API server gives an image: `Always` for `latest` or no tag, else
/// `IfNotPresent`.
fn pull_default(image: &str) -> Value {
    let (_, tag, digest) = crate::emit::kustomize::split_image(image);
    let always = digest.is_none() && tag.as_deref().is_none_or(|t| t == "latest");
    Value::String(if always { "Always" } else { "IfNotPresent" }.into())
}
