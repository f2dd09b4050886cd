//! Deployments (with the Service in front of each), StatefulSets (with their headless Service)
//! and CronJobs as stowage's own `service`, `worker`, `stateful` and `cronjob`, with a `patch`
//! for what the node does not say. A workload is written so only when building the
//! result gives the input back: every field the input has, with its value; what stowage adds
//! is its labels, its selector (said in the report) and the API server's own defaults.

use super::compare::{self, Difference};
use super::controller::Controller;
use super::node;
use crate::compile::{self, Source};
use crate::emit::strategic;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A workload written as a node.
pub(super) struct Native {
    /// The objects it stands for: `KIND/NAME` and, for a `service` or `stateful`,
    /// `Service/NAME`.
    pub ids: Vec<String>,
    /// The node and its patches.
    pub text: String,
    /// What differs from the input.
    pub report: Vec<String>,
}

/// What [`workloads`] finds: the workloads written as nodes (by controller id), and why the
/// others are not.
pub(super) struct Natives {
    pub written: BTreeMap<String, Native>,
    pub report: Vec<String>,
}

impl Natives {
    /// No workload written as a node.
    pub fn none() -> Self {
        Natives {
            written: BTreeMap::new(),
            report: Vec::new(),
        }
    }
}

/// The cleaned objects of an import (`id`, object) that can be written as nodes, in the app
/// that `header` opens and `environment` deploys.
pub(super) fn workloads(
    objects: &[(String, Value)],
    app: &str,
    header: &str,
    environment: &str,
) -> Natives {
    let mut natives = Natives::none();
    for (c, d, s) in candidates(objects) {
        let (id, controller) = &objects[d];
        let service = s.map(|i| &objects[i]);
        if c.needs_service() && service.is_none() {
            natives.report.push(format!(
                "declared as an object: {id}: no Service of its name selects its pods (a \
                 `stateful` makes one)"
            ));
            continue;
        }
        match workload(
            c,
            controller,
            service,
            &Spec {
                app,
                header,
                environment,
            },
        ) {
            Ok(n) => {
                natives.written.insert(id.clone(), n);
            }
            Err(why) => natives
                .report
                .push(format!("declared as an object: {id}: {why}")),
        }
    }
    natives
}

/// Each controller that may be a node, with the Service of its name that selects its pods
/// (for those that select them).
fn candidates(objects: &[(String, Value)]) -> Vec<(Controller, usize, Option<usize>)> {
    let mut out = Vec::new();
    for (i, (_, o)) in objects.iter().enumerate() {
        let kind = o["kind"].as_str().unwrap_or_default();
        let Some(c) = Controller::of(kind, o["apiVersion"].as_str().unwrap_or_default()) else {
            continue;
        };
        if o.pointer("/metadata/ownerReferences").is_some() {
            continue;
        }
        let name = o["metadata"]["name"].as_str().unwrap_or_default();
        let labels = o.pointer(&format!("{}/metadata/labels", c.pod()));
        let service = objects.iter().position(|(sid, s)| {
            c.long_running()
                && sid == &format!("Service/{name}")
                && s["apiVersion"] == "v1"
                && selects(s, labels)
        });
        out.push((c, i, service));
    }
    out
}

/// Whether the Service `s` selects pods with `labels`.
fn selects(s: &Value, labels: Option<&Value>) -> bool {
    let Some(selector) = s.pointer("/spec/selector").and_then(Value::as_object) else {
        return false;
    };
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// The spec a workload is written in: the app's name, the spec's opening (the `app` node) and
/// its environment.
struct Spec<'a> {
    app: &'a str,
    header: &'a str,
    environment: &'a str,
}

/// One workload as a node and its patches, checked by building it.
fn workload(
    c: Controller,
    controller: &Value,
    service: Option<&(String, Value)>,
    spec: &Spec,
) -> Result<Native, String> {
    // What the node says of the container, else the container left to the patch.
    written(c, controller, service, spec, false)
        .or_else(|_| written(c, controller, service, spec, true))
}

/// [`workload`], the node `plain` or not.
fn written(
    c: Controller,
    controller: &Value,
    service: Option<&(String, Value)>,
    spec: &Spec,
    plain: bool,
) -> Result<Native, String> {
    let name = controller["metadata"]["name"].as_str().unwrap_or_default();
    let Spec {
        app,
        header,
        environment,
    } = *spec;
    let node = node::text(c, app, controller, service.map(|(_, s)| s), plain)?;
    let mut inputs = vec![(format!("{}/{name}", c.kind()), controller)];
    if let Some((id, s)) = service {
        inputs.push((id.clone(), s));
    }
    let rendered = render(
        &format!("{header}\n{node}{environment}"),
        "",
        &BTreeMap::new(),
    )?;
    let mut text = node;
    for (id, input) in &inputs {
        let made = find(&rendered, id)?;
        if let Some(p) = strategic::patch(made, input, true) {
            let p = keep_stowage_own(p, made, input, c.pod());
            text.push_str(&super::patch_text(id, &p));
        }
    }
    let built = render(
        &format!("{header}\n{text}{environment}"),
        "",
        &BTreeMap::new(),
    )?;
    made_alone(c, &built, &inputs)?;
    let mut report = vec![format!(
        "native: {}: written as `{} {}`{}",
        inputs
            .iter()
            .map(|(i, _)| i.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        c.node(service.is_some()),
        super::write::scalar(&Value::String(name.into())),
        if text.contains("\npatch ") {
            ", with a `patch` for what the node does not say"
        } else {
            ""
        }
    )];
    for (id, input) in &inputs {
        report.extend(explain(id, input, find(&built, id)?)?);
    }
    Ok(Native {
        ids: inputs.into_iter().map(|(i, _)| i).collect(),
        text,
        report,
    })
}

/// That the node and its patches make the objects `inputs` and no other, and that the
/// selectors they are given select the pods.
fn made_alone(c: Controller, built: &[Value], inputs: &[(String, &Value)]) -> Result<(), String> {
    let extra = built
        .iter()
        .map(super::id_of)
        .find(|id| !id.starts_with("Namespace/") && !inputs.iter().any(|(i, _)| i == id));
    if let Some(extra) = extra {
        return Err(format!("the node would also make {extra}"));
    }
    let pods = find(built, &inputs[0].0)?.pointer(&format!("{}/metadata/labels", c.pod()));
    for (id, _) in inputs.iter().filter(|_| c.long_running()) {
        let o = find(built, id)?;
        let selector = o
            .pointer("/spec/selector/matchLabels")
            .or_else(|| o.pointer("/spec/selector"));
        if let Some(s) = selector.filter(|s| !selects(&json!({"spec": {"selector": s}}), pods)) {
            return Err(format!(
                "its pods' labels would not match the selector stowage gives {id} ({s}): import \
                 with `--name` the app its `app.kubernetes.io/instance` label names"
            ));
        }
    }
    Ok(())
}

/// The differences between an input object and what the spec builds, as report lines; an
/// error for any but the allowed ones.
pub(super) fn explain(id: &str, input: &Value, built: &Value) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    let mut selector = false;
    for d in compare::differences(input, built) {
        match d {
            Difference::Added { path, value }
                if compare::stowage_label(&path, &value) || path == "/metadata/namespace" => {}
            Difference::Added { path, value } if compare::api_default(&path, &value, built) => {
                lines.push(format!(
                    "added: {id}: {path}: {value} (the API server's default)"
                ));
            }
            d if d.path().starts_with("/spec/selector") && id.starts_with("Service/") => {
                selector = true
            }
            d => return Err(format!("{d}")),
        }
    }
    if selector {
        lines.push(selector_line(id, input, built));
    }
    Ok(lines)
}

/// The report line for a selector stowage changes.
fn selector_line(id: &str, input: &Value, built: &Value) -> String {
    let shown = |v: &Value| {
        let m = v
            .pointer("/spec/selector/matchLabels")
            .or_else(|| v.pointer("/spec/selector"))
            .and_then(Value::as_object);
        m.map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
    };
    format!(
        "selector: {id}: selects its pods by {}, its workload's selector, instead of {}",
        shown(built),
        shown(input)
    )
}

/// A patch of `made` towards `input` without what would take away stowage's own: its labels,
/// the selector built on them, the namespace, and fields it writes as the API server would
/// default them; giving whole what merges with `retainKeys`.
pub(super) fn keep_stowage_own(mut p: Value, made: &Value, input: &Value, pod: &str) -> Value {
    if let Some(m) = p.as_object_mut() {
        if let Some(Value::Object(spec)) = m.get_mut("spec") {
            spec.remove("selector");
        }
        if let Some(Value::Object(meta)) = m.get_mut("metadata") {
            meta.remove("namespace");
        }
    }
    prune(&mut p, made, &mut Vec::new());
    retain_whole(&mut p, input, made, pod);
    p
}

/// A patch that gives every field of the input's strategy and of each volume it changes:
/// their fields merge with `retainKeys` (a field the patch does not give goes).
fn retain_whole(p: &mut Value, input: &Value, made: &Value, pod: &str) {
    let at = |v: &Value, path: &str| v.pointer(path).cloned().unwrap_or(Value::Null);
    if let Some(s) = p.pointer_mut("/spec/strategy").filter(|s| s.is_object()) {
        *s = whole(&at(made, "/spec/strategy"), &at(input, "/spec/strategy"));
    }
    let volumes = &format!("{pod}/spec/volumes");
    let (want, had) = (at(input, volumes), at(made, volumes));
    if let Some(Value::Array(items)) = p.pointer_mut(volumes) {
        for item in items.iter_mut().filter(|i| i.get("$patch").is_none()) {
            let named = |v: &Value| {
                v.as_array()
                    .and_then(|xs| xs.iter().find(|x| x["name"] == item["name"]))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            let (w, h) = (named(&want), named(&had));
            if !w.is_null() {
                *item = whole(&h, &w);
            }
        }
    }
}

/// `target` as a patch of `base` that names every field: `base`'s other fields as `null`.
fn whole(base: &Value, target: &Value) -> Value {
    match (base, target) {
        (Value::Object(b), Value::Object(t)) => {
            let mut out = serde_json::Map::new();
            for (k, v) in t {
                out.insert(k.clone(), whole(b.get(k).unwrap_or(&Value::Null), v));
            }
            for k in b.keys().filter(|k| !t.contains_key(*k)) {
                out.insert(k.clone(), Value::Null);
            }
            Value::Object(out)
        }
        _ => target.clone(),
    }
}

/// Drop the `null`s that would remove a stowage label or an API default `made` holds.
fn prune(p: &mut Value, made: &Value, path: &mut Vec<String>) {
    match p {
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                path.push(k.clone());
                let at = format!("/{}", path.join("/"));
                let here = made.get(&k).unwrap_or(&Value::Null);
                // A labels map the input does not have: remove the labels that are not
                // stowage's, one by one, rather than the map.
                if m[&k].is_null() && compare::is_labels(&at) && here.is_object() {
                    let others = here
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(l, _)| {
                            !compare::stowage_label(&format!("{at}/{l}"), &Value::Null)
                        })
                        .map(|(l, _)| (l.clone(), Value::Null));
                    m.insert(k.clone(), Value::Object(others.collect()));
                }
                let remove = m[&k].is_null()
                    && (compare::stowage_label(&at, here) || compare::default_in(&at, here, made));
                if remove {
                    m.remove(&k);
                } else if let Some(v) = m.get_mut(&k) {
                    prune(v, here, path);
                    if v.as_object().is_some_and(|o| o.is_empty()) && !here.is_null() {
                        m.remove(&k);
                    }
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                let key = ["name", "containerPort", "port", "mountPath"]
                    .into_iter()
                    .find(|k| item.get(*k).is_some_and(|v| !v.is_null()));
                let twin = key.and_then(|k| {
                    made.as_array()
                        .and_then(|xs| xs.iter().find(|x| x.get(k) == item.get(k)))
                });
                path.push("*".into());
                prune(item, twin.unwrap_or(&Value::Null), path);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The objects the environment `env` of a spec deploys (the first, for `""`), the files it
/// reads given by `files`; or the spec's first error.
pub(super) fn render(
    text: &str,
    env: &str,
    files: &BTreeMap<String, String>,
) -> Result<Vec<Value>, String> {
    let source = Source {
        path: PathBuf::from("stowage.kdl"),
        text: text.to_string(),
    };
    let read = |p: &str| files.get(p).cloned().ok_or(format!("{p} is not read"));
    let checked = compile::check_with(&source, &read);
    if let Some(e) = checked.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!("the spec is not valid: {}", e.message));
    }
    let ir = checked.ir.ok_or("the spec does not build")?;
    let env = ir
        .environments
        .into_iter()
        .find(|e| env.is_empty() || e.name == env)
        .ok_or("the spec does not deploy the environment")?;
    Ok(env.into_rendered())
}

fn find<'a>(objects: &'a [Value], id: &str) -> Result<&'a Value, String> {
    objects
        .iter()
        .find(|o| super::id_of(o) == id)
        .ok_or_else(|| format!("as a node it does not make {id}"))
}
