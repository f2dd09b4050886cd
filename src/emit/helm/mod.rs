//! The Helm chart: `deploy/helm/<app>/`.
//!
//! Takes the IR, gives Chart.yaml, values.yaml (the base), values-<env>.yaml (each
//! environment's differences only), values.schema.json, templates (one per workload, ingress,
//! config group) with the usual helpers, and NOTES.txt. Rendering the chart with an
//! environment's values file gives that environment's objects: the chart is built from the
//! IR's variants of every object, so the two cannot disagree. Namespaces are not part of the
//! chart: Helm installs into `--namespace` (with `--create-namespace`).
//!
//! By aspect: `templates` (one per group of objects, built by `build` and rendered by
//! `tpl`), `ingress`, `values` (the values files and their schema) and `chart`
//! (Chart.yaml, helpers, NOTES.txt).

mod build;
mod chart;
mod ingress;
mod templates;
mod tpl;
mod values;

use super::{FileSet, header};
use crate::ir::{EnvIr, Ir, Object};
use build::{VPath, Values};
use serde_json::{Map, Value};
use std::borrow::Cow;
use templates::Templates;

pub const ROOT: &str = crate::layout::HELM_ROOT;

pub use super::kustomize::split_image;

/// The base and every environment, with their Jobs made Helm hooks.
///
/// In kustomize a Job is named after a hash of its spec (its pod template cannot be changed in
/// place). In the chart it keeps the workload's name and is a `post-install,post-upgrade` hook
/// that Helm deletes before creating it again, so every install and upgrade runs it once.
fn configs(ir: &Ir) -> Vec<Config<'_>> {
    std::iter::once(&ir.base)
        .chain(ir.environments.iter())
        .map(|env| Config {
            env,
            objects: env
                .objects
                .iter()
                .map(|o| {
                    if o.kind() != "Job" {
                        return Cow::Borrowed(o);
                    }
                    let mut o = o.clone();
                    o.value["metadata"]["name"] = Value::String(o.group.clone());
                    let meta = o.value["metadata"].as_object_mut().expect("metadata");
                    let annotations = meta
                        .entry("annotations")
                        .or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                        .expect("annotations");
                    for (k, v) in HOOK_ANNOTATIONS {
                        annotations.insert(k.to_string(), Value::String(v.to_string()));
                    }
                    Cow::Owned(o)
                })
                .collect(),
        })
        .collect()
}

/// The base or an environment, as the chart sees it: its objects, Jobs made hooks (borrowed
/// from the IR where unchanged).
struct Config<'a> {
    env: &'a EnvIr,
    objects: Vec<Cow<'a, Object>>,
}

/// What makes a Job a Helm hook.
pub const HOOK_ANNOTATIONS: &[(&str, &str)] = &[
    ("helm.sh/hook", "post-install,post-upgrade"),
    ("helm.sh/hook-delete-policy", "before-hook-creation"),
];
/// The chart: templates, values files and schema, Chart.yaml, helpers, NOTES.txt and
/// .helmignore.
pub fn emit(ir: &Ir) -> FileSet {
    let chart = ir.app.as_str();
    let dir = format!("{ROOT}/{chart}");
    let head = header(&ir.spec_file);
    let cfgs = configs(ir);
    let mut values = Values::new(cfgs.len());
    settings(&cfgs, &mut values);
    let common = common_labels(ir);
    let mut files = FileSet::new();
    for (group, text) in Templates::new(chart, &cfgs, &common).render(&head, &mut values) {
        files.insert(format!("{dir}/templates/{group}.yaml"), text);
    }
    values::files(ir, &dir, &head, &mut values, &mut files);
    files.insert(format!("{dir}/Chart.yaml"), chart::chart_yaml(ir, &head));
    files.insert(
        format!("{dir}/templates/_helpers.tpl"),
        chart::helpers(chart, &head, &common),
    );
    files.insert(
        format!("{dir}/templates/NOTES.txt"),
        chart::notes(ir, &head, &values.per[0]),
    );
    files.insert(
        format!("{dir}/.helmignore"),
        format!("{head}\n.DS_Store\n*.swp\n*.bak\n*.tmp\n"),
    );
    files
}

/// Every configuration's settings: its name prefix and labels.
fn settings(cfgs: &[Config], values: &mut Values) {
    for (i, c) in cfgs.iter().enumerate() {
        values.set(
            i,
            &VPath::new(&["namePrefix"]),
            Value::String(c.env.prefix.clone()),
        );
        let labels: Map<String, Value> = c
            .env
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        values.set(i, &VPath::new(&["labels"]), Value::Object(labels));
    }
}

/// The app's common labels but `app.kubernetes.io/managed-by`, which the helpers set from the
/// release.
fn common_labels(ir: &Ir) -> Map<String, Value> {
    let mut common: Map<String, Value> = ir
        .base
        .common_labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    common.remove("app.kubernetes.io/managed-by");
    common
}
