//! The Helm chart: `deploy/helm/<app>/`.
//!
//! Takes the IR, gives Chart.yaml, values.yaml (the base), values-<env>.yaml (each
//! environment's differences only), values.schema.json, templates (one per workload, ingress,
//! config group) with the usual helpers, and NOTES.txt. Rendering the chart with an
//! environment's values file gives that environment's objects: the chart is built from the
//! IR's variants of every object, so the two cannot disagree. Namespaces are not part of the
//! chart: Helm installs into `--namespace` (with `--create-namespace`).

mod build;
mod tpl;

use super::{FileSet, header, yaml};
use crate::ir::{EnvIr, Ir, Object, kind_rank};
use build::{Obj, VPath, Values, Walker, camel};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tpl::{Field, Guard, Node};

pub const ROOT: &str = crate::ir::layout::HELM_ROOT;

pub use super::kustomize::split_image;

/// Where an object's values live, and the workload it belongs to.
fn roots(o: &Object) -> (VPath, VPath, bool) {
    let kind = o.kind();
    let name = o.name();
    use crate::ir::layout::{CONFIG_GROUP, NETWORK_GROUP, SECRETS_GROUP};
    match o.group.as_str() {
        CONFIG_GROUP => {
            let r = VPath(vec!["configMaps".into(), camel(name)]);
            (r.clone(), r, false)
        }
        SECRETS_GROUP => {
            let r = VPath(vec!["secrets".into(), camel(name)]);
            (r.clone(), r, false)
        }
        NETWORK_GROUP => {
            let r = VPath(vec!["networkPolicies".into(), camel(name)]);
            (r.clone(), r, false)
        }
        g if kind == "Ingress" && g.starts_with("ingress-") => {
            let r = VPath(vec!["ingress".into(), camel(name)]);
            (r.clone(), r, false)
        }
        g => {
            let w = VPath(vec![camel(g)]);
            let r = match kind {
                "Deployment" | "StatefulSet" | "CronJob" | "Job" | "Rollout" => {
                    return (w.clone(), w, false);
                }
                // The canary or preview Service of a progressive rollout.
                "Service" if name != g => w.child(&format!(
                    "{}Service",
                    camel(name.strip_prefix(&format!("{g}-")).unwrap_or(name))
                )),
                "Service" => w.child("service"),
                "HorizontalPodAutoscaler" => w.child("autoscaling"),
                "ScaledObject" => w.child("scaledObject"),
                "TriggerAuthentication" => w.child("triggerAuthentication"),
                "VerticalPodAutoscaler" => w.child("verticalAutoscaling"),
                "ServiceMonitor" => w.child("serviceMonitor"),
                "PodDisruptionBudget" => w.child("podDisruptionBudget"),
                "NetworkPolicy" => w.child("networkPolicy"),
                other => w.child(&camel(&other.to_ascii_lowercase())),
            };
            (r, w, true)
        }
    }
}

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

pub fn emit(ir: &Ir) -> FileSet {
    let chart = ir.app.as_str();
    let dir = format!("{ROOT}/{chart}");
    let head = header(&ir.spec_file);
    let cfgs = configs(ir);
    let mut values = Values::new(cfgs.len());
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
    // Every object of the chart, with its variant in each configuration.
    let mut ids: Vec<(String, (String, String))> = Vec::new();
    let mut by_config: Vec<BTreeMap<(String, String), &Object>> = Vec::new();
    let mut names: BTreeSet<(String, String)> = BTreeSet::new();
    for c in &cfgs {
        let mut m = BTreeMap::new();
        for o in c
            .objects
            .iter()
            .map(|o| o.as_ref())
            .filter(|o| o.kind() != "Namespace")
        {
            let id = o.id();
            if names.insert(id.clone()) {
                ids.push((o.group.clone(), id.clone()));
            }
            m.insert(id, o);
        }
        by_config.push(m);
    }
    const MAIN: &[&str] = &["Deployment", "StatefulSet", "CronJob", "Job", "Rollout"];
    // Per configuration and group: whether it has a main object, and whether that is a Rollout.
    let group_flags: Vec<HashMap<&str, (bool, bool)>> = by_config
        .iter()
        .map(|m| {
            let mut flags: HashMap<&str, (bool, bool)> = HashMap::new();
            for o in m.values() {
                let f = flags.entry(o.group.as_str()).or_default();
                f.0 |= MAIN.contains(&o.kind());
                f.1 |= o.kind() == "Rollout";
            }
            flags
        })
        .collect();
    let flag = |i: usize, group: &str| group_flags[i].get(group).copied().unwrap_or_default();
    let common: Map<String, Value> = ir
        .base
        .common_labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut common_no_managed = common.clone();
    common_no_managed.remove("app.kubernetes.io/managed-by");

    let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (g, id) in &ids {
        groups.entry(g.clone()).or_default().push(id.clone());
    }
    let mut files = FileSet::new();
    for (group, mut members) in groups {
        members.sort_by(|a, b| (kind_rank(&a.0), &a.0, &a.1).cmp(&(kind_rank(&b.0), &b.0, &b.1)));
        let mut text = format!("{}\n", tpl::comment(&head));
        for id in members {
            let variants: Vec<Option<&Value>> = by_config
                .iter()
                .map(|m| m.get(&id).map(|o| &o.value))
                .collect();
            let sample = by_config
                .iter()
                .find_map(|m| m.get(&id))
                .expect("object exists somewhere");
            let (root, workload, in_workload) = roots(sample);
            let is_main = MAIN.contains(&id.0.as_str());
            let has_rollout = (0..by_config.len()).any(|i| flag(i, &group).1);
            let rollout_flag = workload.child("rollout").child("enabled");
            for (i, v) in variants.iter().enumerate() {
                if in_workload || is_main {
                    let main = flag(i, &group).0;
                    values.set(i, &workload.child("enabled"), Value::Bool(main));
                }
                if is_main && has_rollout {
                    let rollout = flag(i, &group).1;
                    values.set(i, &rollout_flag, Value::Bool(rollout));
                } else if !is_main {
                    values.set(i, &root.child("enabled"), Value::Bool(v.is_some()));
                }
            }
            let cond = if is_main && has_rollout {
                // A progressive rollout replaces the Deployment where it is used.
                if id.0 == "Rollout" {
                    format!("and {}.enabled {}", workload.expr(), rollout_flag.expr())
                } else {
                    format!(
                        "and {}.enabled (not {})",
                        workload.expr(),
                        rollout_flag.expr()
                    )
                }
            } else if is_main {
                format!("{}.enabled", workload.expr())
            } else if in_workload {
                format!("and {}.enabled {}.enabled", workload.expr(), root.expr())
            } else {
                format!("{}.enabled", root.expr())
            };
            let obj = Obj {
                kind: &id.0,
                root: root.clone(),
                workload: workload.clone(),
                app: &ir.app,
                chart,
                names: &names,
                common_labels: &common_no_managed,
            };
            // Inside the object, only the configurations that have it.
            let configs: Vec<usize> = (0..variants.len())
                .filter(|i| variants[*i].is_some())
                .collect();
            let present: Vec<Option<&Value>> = configs.iter().map(|i| variants[*i]).collect();
            let body = if id.0 == "Ingress" {
                ingress(&obj, &present, &configs, &mut values)
            } else {
                let mut walker = Walker {
                    values: &mut values,
                    configs: configs.clone(),
                };
                let mut fields = Vec::new();
                for key in ["apiVersion", "kind", "metadata", "spec", "data"] {
                    let vs: Vec<Option<&Value>> =
                        present.iter().map(|v| v.and_then(|v| v.get(key))).collect();
                    if let Some((node, guard)) = walker.walk(&obj, &mut vec![key.to_string()], &vs)
                    {
                        fields.push(Field {
                            key: key.to_string(),
                            node,
                            guard,
                        });
                    }
                }
                let mut out = String::new();
                tpl::render_map(&mut out, &fields, 0);
                out
            };
            text.push_str(&format!(
                "{{{{- if {cond} }}}}\n---\n{body}{}{{{{- end }}}}\n",
                end_marker(&body, &id)
            ));
        }
        files.insert(format!("{dir}/templates/{group}.yaml"), text);
    }

    // Values files: the base, then each environment's differences.
    for per in values.per.iter_mut() {
        order_values(per, 0);
    }
    files.insert(
        format!("{dir}/values.yaml"),
        yaml::documents(&head, &[&values.per[0]]),
    );
    for (i, env) in ir.environments.iter().enumerate() {
        let d = diff_values(&values.per[0], &values.per[i + 1]);
        let text = if d.is_empty() {
            format!("{head}\n# {} uses the chart's defaults.\n{{}}\n", env.name)
        } else {
            yaml::documents(&head, &[Value::Object(d)])
        };
        files.insert(format!("{dir}/values-{}.yaml", env.name), text);
    }
    let schema = schema(values.per.iter().collect());
    files.insert(
        format!("{dir}/values.schema.json"),
        serde_json::to_string_pretty(&schema).expect("schema serializes") + "\n",
    );
    files.insert(format!("{dir}/Chart.yaml"), chart_yaml(ir, &head));
    files.insert(
        format!("{dir}/templates/_helpers.tpl"),
        helpers(chart, &head, &common_no_managed),
    );
    files.insert(
        format!("{dir}/templates/NOTES.txt"),
        notes(ir, &head, &values.per[0]),
    );
    files.insert(
        format!("{dir}/.helmignore"),
        format!("{head}\n.DS_Store\n*.swp\n*.bak\n*.tmp\n"),
    );
    files
}

/// A comment closing a document whose last field comes from `toYaml`. Helm puts a line break
/// after every document, and a block scalar that keeps its trailing line breaks (`|+`, a value
/// ending in blank lines) at the end of a document would take it in; the comment ends the
/// scalar first.
fn end_marker(body: &str, id: &(String, String)) -> String {
    let last = body
        .lines()
        .rev()
        .find(|l| !l.trim_start().starts_with("{{- end"));
    if last.is_some_and(|l| l.contains("toYaml")) {
        format!("# end of {} {}\n", id.0, id.1)
    } else {
        String::new()
    }
}

/// The order keys are shown in values files: settings first, then each workload's values in
/// the order a reader looks for them.
const KEY_ORDER: &[&str] = &[
    "namePrefix",
    "labels",
    "enabled",
    "image",
    "replicas",
    "env",
    "envRefs",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "podAnnotations",
    "podSecurityContext",
    "securityContext",
    "affinity",
    "nodeSelector",
    "tolerations",
    "topologySpreadConstraints",
    "repository",
    "tag",
    "digest",
    "pullPolicy",
    "minReplicas",
    "maxReplicas",
    "targetCPUUtilizationPercentage",
    "targetMemoryUtilizationPercentage",
    "className",
    "hosts",
    "tls",
    "annotations",
    "service",
    "autoscaling",
    "podDisruptionBudget",
    "networkPolicy",
];

fn order_values(m: &mut Map<String, Value>, depth: usize) {
    let rank = |k: &str| {
        KEY_ORDER
            .iter()
            .position(|x| *x == k)
            .unwrap_or(KEY_ORDER.len())
    };
    // Free-form maps (env values, data, Kubernetes fields) keep their own order.
    let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
    entries.sort_by(|(a, _), (b, _)| {
        if depth == 0 {
            (rank(a), a).cmp(&(rank(b), b))
        } else {
            rank(a).cmp(&rank(b))
        }
    });
    m.extend(entries);
    for (k, v) in m.iter_mut() {
        if let Value::Object(inner) = v
            && !FREE_FORM.contains(&k.as_str())
        {
            order_values(inner, depth + 1);
        }
    }
}

/// What Helm must merge over `base` to get `target`: changed keys, and `null` for removed ones.
fn diff_values(base: &Map<String, Value>, target: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, t) in target {
        match (base.get(k), t) {
            (Some(Value::Object(b)), Value::Object(tm)) => {
                let d = diff_values(b, tm);
                if !d.is_empty() {
                    out.insert(k.clone(), Value::Object(d));
                }
            }
            (Some(b), t) if b == t => {}
            _ => {
                out.insert(k.clone(), t.clone());
            }
        }
    }
    // Something switched off keeps its values: nothing renders them.
    if target.get("enabled") == Some(&Value::Bool(false)) {
        return out;
    }
    for k in base.keys() {
        if !target.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    out
}

/// Free-form values (whole Kubernetes fields handed to `toYaml`), by key.
const FREE_FORM: &[&str] = &[
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "securityContext",
    "podSecurityContext",
    "affinity",
    "nodeSelector",
    "topologySpreadConstraints",
    "tolerations",
    "podAnnotations",
    "annotations",
    "data",
    "labels",
    "podLabels",
    "env",
    "envRefs",
];

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON schema of the values: known keys only (a misspelt key is an error), each with the
/// types it takes in any environment.
fn schema(per: Vec<&Map<String, Value>>) -> Value {
    let mut s = object_schema(&per);
    if let Value::Object(m) = &mut s {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft-07/schema#"),
        );
        m.insert("title".into(), json!("values"));
        m.shift_insert(
            0,
            "$comment".into(),
            json!("generated by stowage; do not edit"),
        );
    }
    s
}

fn schema_of(samples: &[&Value], key: &str) -> Value {
    let types: BTreeSet<&str> = samples.iter().map(|v| type_of(v)).collect();
    if FREE_FORM.contains(&key) {
        let ty: Vec<&str> = types.iter().copied().collect();
        return if key == "env" || key == "labels" {
            json!({"type": "object", "additionalProperties": {"type": ["string"]}})
        } else if ty.len() == 1 {
            json!({"type": ty[0]})
        } else {
            json!({"type": ty})
        };
    }
    if types.len() == 1 && types.contains("object") {
        let maps: Vec<&Map<String, Value>> = samples.iter().filter_map(|s| s.as_object()).collect();
        return object_schema(&maps);
    }
    let ty: Vec<&str> = types.iter().copied().collect();
    if ty.len() == 1 {
        json!({"type": ty[0]})
    } else {
        json!({"type": ty})
    }
}

/// Schema of a map that is an object in every sample: its keys, each with its own schema.
fn object_schema(samples: &[&Map<String, Value>]) -> Value {
    let mut props = Map::new();
    let mut keys: indexmap::IndexSet<&String> = indexmap::IndexSet::new();
    for s in samples {
        keys.extend(s.keys());
    }
    for k in keys {
        let sub: Vec<&Value> = samples.iter().filter_map(|s| s.get(k.as_str())).collect();
        props.insert(k.clone(), schema_of(&sub, k));
    }
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

fn chart_yaml(ir: &Ir, head: &str) -> String {
    let minor = crate::check::kubernetes_minor(&ir.kubernetes).unwrap_or(33);
    let chart = json!({
        "apiVersion": "v2",
        "name": ir.app,
        "description": ir
            .description
            .clone()
            .unwrap_or_else(|| format!("{}: generated by stowage", ir.app)),
        "type": "application",
        "version": "0.1.0",
        "appVersion": ir.app_version,
        "kubeVersion": format!(">=1.{minor}.0-0"),
    });
    yaml::documents(head, &[chart])
}

fn helpers(chart: &str, head: &str, common: &Map<String, Value>) -> String {
    let mut fixed = String::new();
    for (k, v) in common {
        fixed.push_str(&format!(
            " {} {}",
            tpl::go_string(k),
            tpl::go_string(v.as_str().unwrap_or_default())
        ));
    }
    format!(
        r#"{comment}

{{{{/* Chart name and version, as in the helm.sh/chart label. */}}}}
{{{{- define "{chart}.chart" -}}}}
{{{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}}}
{{{{- end }}}}

{{{{/* Selector labels of a workload: (dict "name" NAME "root" $). */}}}}
{{{{- define "{chart}.selectorLabels" -}}}}
app.kubernetes.io/name: {{{{ .name }}}}
app.kubernetes.io/instance: {app}
{{{{- end }}}}

{{{{/* Labels of pods: (dict "name" NAME "root" $ "extra" (dict KEY VALUE ...)), name and extra
optional. */}}}}
{{{{- define "{chart}.podLabels" -}}}}
{{{{- $labels := dict "helm.sh/chart" (include "{chart}.chart" .root) "app.kubernetes.io/managed-by" .root.Release.Service{fixed} }}}}
{{{{- if .name }}}}
{{{{- $_ := set $labels "app.kubernetes.io/name" .name }}}}
{{{{- $_ := set $labels "app.kubernetes.io/instance" {app_go} }}}}
{{{{- end }}}}
{{{{- range $k, $v := .extra }}}}
{{{{- $_ := set $labels $k $v }}}}
{{{{- end }}}}
{{{{- toYaml $labels }}}}
{{{{- end }}}}

{{{{/* Labels of an object's metadata: its pod labels, the environment's labels over them. */}}}}
{{{{- define "{chart}.labels" -}}}}
{{{{- $labels := include "{chart}.podLabels" . | fromYaml }}}}
{{{{- range $k, $v := .root.Values.labels }}}}
{{{{- $_ := set $labels $k $v }}}}
{{{{- end }}}}
{{{{- toYaml $labels }}}}
{{{{- end }}}}
"#,
        comment = tpl::comment(head),
        app = chart,
        app_go = tpl::go_string(chart),
    )
}

fn notes(ir: &Ir, head: &str, base: &Map<String, Value>) -> String {
    let mut out = format!("{}\n", tpl::comment(head));
    out.push_str(&format!(
        "{} is installed in namespace {{{{ .Release.Namespace }}}}.\n",
        ir.app
    ));
    if let Some(Value::Object(ing)) = base.get("ingress") {
        out.push_str("\nReach it at:\n");
        for k in ing.keys() {
            let p = VPath(vec!["ingress".into(), k.clone()]);
            out.push_str(&format!(
                "{{{{- if {e}.enabled }}}}\n{{{{- range {e}.hosts }}}}\n  {{{{ if $.Values.ingress.{k}.tls.enabled }}}}https{{{{ else }}}}http{{{{ end }}}}://{{{{ .host }}}}\n{{{{- end }}}}\n{{{{- end }}}}\n",
                e = p.expr()
            ));
        }
    }
    let services: Vec<&Object> = ir
        .base
        .objects
        .iter()
        .filter(|o| o.kind() == "Service")
        .collect();
    if !services.is_empty() {
        out.push_str("\nFrom your machine:\n");
        for s in services {
            if let Some(p) = s.value.pointer("/spec/ports/0/port") {
                out.push_str(&format!(
                    "  kubectl --namespace {{{{ .Release.Namespace }}}} port-forward svc/{{{{ .Values.namePrefix }}}}{n} {p}:{p}\n",
                    n = s.name()
                ));
            }
        }
    }
    out.push_str(
        "\nWatch the rollout:\n  kubectl --namespace {{ .Release.Namespace }} get pods --watch\n",
    );
    out
}

/// The Ingress template: hosts and paths come from values, as in charts written by hand.
fn ingress(
    obj: &Obj,
    variants: &[Option<&Value>],
    configs: &[usize],
    values: &mut Values,
) -> String {
    let root = &obj.root;
    let e = root.expr();
    for (j, v) in variants.iter().enumerate() {
        let Some(v) = v else { continue };
        let i = configs[j];
        let hosts: Vec<Value> = v
            .pointer("/spec/rules")
            .and_then(Value::as_array)
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| {
                        let paths: Vec<Value> = r
                            .pointer("/http/paths")
                            .and_then(Value::as_array)
                            .map(|ps| {
                                ps.iter()
                                    .map(|p| {
                                        json!({
                                            "path": p["path"],
                                            "pathType": p["pathType"],
                                            "service": p.pointer("/backend/service/name").cloned().unwrap_or_default(),
                                            "port": p.pointer("/backend/service/port/name").cloned().unwrap_or_default(),
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        json!({"host": r["host"], "paths": paths})
                    })
                    .collect()
            })
            .unwrap_or_default();
        values.set(i, &root.child("hosts"), Value::Array(hosts));
        if let Some(c) = v.pointer("/spec/ingressClassName") {
            values.set(i, &root.child("className"), c.clone());
        }
        if let Some(a) = v.pointer("/metadata/annotations") {
            values.set(i, &root.child("annotations"), a.clone());
        }
        let tls = v.pointer("/spec/tls/0");
        let mut t = Map::new();
        t.insert("enabled".into(), Value::Bool(tls.is_some()));
        if let Some(s) = tls.and_then(|t| t.get("secretName")) {
            t.insert("secretName".into(), s.clone());
        }
        values.set(i, &root.child("tls"), Value::Object(t));
    }
    let name = variants
        .iter()
        .flatten()
        .next()
        .and_then(|v| v.pointer("/metadata/name"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let labels = variants
        .iter()
        .flatten()
        .next()
        .and_then(|v| v.pointer("/metadata/labels"))
        .cloned()
        .unwrap_or_default();
    let mut walker = Walker {
        values,
        configs: configs.to_vec(),
    };
    let label_vs: Vec<Option<&Value>> = variants
        .iter()
        .map(|v| v.and_then(|v| v.pointer("/metadata/labels")))
        .collect();
    let label_node = walker
        .walk(
            obj,
            &mut vec!["metadata".into(), "labels".into()],
            &label_vs,
        )
        .map(|(n, _)| n)
        .unwrap_or(Node::Lit(labels));
    let mut labels_text = String::new();
    tpl::render_map(
        &mut labels_text,
        &[Field {
            key: "labels".into(),
            node: label_node,
            guard: Guard::Always,
        }],
        2,
    );
    format!(
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{{{ $.Values.namePrefix }}}}{name}
  namespace: {{{{ $.Release.Namespace }}}}
{labels_text}  {{{{- with {e}.annotations }}}}
  annotations:
    {{{{- toYaml . | nindent 4 }}}}
  {{{{- end }}}}
spec:
  {{{{- with {e}.className }}}}
  ingressClassName: {{{{ . | quote }}}}
  {{{{- end }}}}
  rules:
    {{{{- range {e}.hosts }}}}
    - host: {{{{ .host | quote }}}}
      http:
        paths:
          {{{{- range .paths }}}}
          - path: {{{{ .path | quote }}}}
            pathType: {{{{ .pathType | quote }}}}
            backend:
              service:
                name: {{{{ $.Values.namePrefix }}}}{{{{ .service }}}}
                port:
                  name: {{{{ .port | quote }}}}
          {{{{- end }}}}
    {{{{- end }}}}
  {{{{- if {e}.tls.enabled }}}}
  tls:
    - hosts:
        {{{{- range {e}.hosts }}}}
        - {{{{ .host | quote }}}}
        {{{{- end }}}}
      secretName: {{{{ {e}.tls.secretName | quote }}}}
  {{{{- end }}}}
"#
    )
}
