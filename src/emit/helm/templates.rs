//! The templates: one file per group of objects, each object under the condition that
//! switches it on, its body walked across the configurations that have it.

use super::Config;
use super::build::{Obj, VPath, Values, Walker, camel};
use super::ingress;
use super::tpl::{self, Field};
use crate::ir::{Object, kind_rank};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An object's identity: kind and name.
type Id = (String, String);

/// The kinds that are a workload's main object.
const MAIN: &[&str] = &["Deployment", "StatefulSet", "CronJob", "Job", "Rollout"];

/// Every object of the chart, with its variant in each configuration, and what the
/// templates share.
pub(super) struct Templates<'c> {
    /// The app's name, which is the chart's.
    app: &'c str,
    /// The common labels but `app.kubernetes.io/managed-by` (the helpers set it).
    common_labels: &'c Map<String, Value>,
    /// Each object's group and identity, in the order first seen.
    ids: Vec<(String, Id)>,
    /// Each configuration's objects by identity.
    by_config: Vec<BTreeMap<Id, &'c Object>>,
    /// Every object's identity.
    names: BTreeSet<Id>,
    /// Per configuration and group: whether it has a main object, and whether that is a
    /// Rollout.
    group_flags: Vec<HashMap<&'c str, (bool, bool)>>,
}

/// Where an object's values live, and the workload it belongs to.
struct Place {
    /// The object's values: `api`, `api.autoscaling`, `ingress.web`...
    root: VPath,
    /// The values of its workload (the object's own for a workload's main object).
    workload: VPath,
    /// Whether it belongs to a workload without being its main object.
    in_workload: bool,
}

impl Place {
    /// The value choosing a progressive rollout over a Deployment.
    fn rollout_flag(&self) -> VPath {
        self.workload.child("rollout").child("enabled")
    }
}

impl<'c> Templates<'c> {
    /// The chart's objects in every configuration (Namespaces left out).
    pub(super) fn new(
        app: &'c str,
        cfgs: &'c [Config<'_>],
        common_labels: &'c Map<String, Value>,
    ) -> Self {
        let mut ids: Vec<(String, Id)> = Vec::new();
        let mut by_config: Vec<BTreeMap<Id, &Object>> = Vec::new();
        let mut names: BTreeSet<Id> = BTreeSet::new();
        for c in cfgs {
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
        let group_flags = by_config.iter().map(group_flags).collect();
        Templates {
            app,
            common_labels,
            ids,
            by_config,
            names,
            group_flags,
        }
    }

    /// Whether configuration `i` has a main object in `group`, and whether that is a Rollout.
    fn flag(&self, i: usize, group: &str) -> (bool, bool) {
        self.group_flags[i].get(group).copied().unwrap_or_default()
    }

    /// Each group's template text, by group; the values of every configuration recorded.
    pub(super) fn render(&self, head: &str, values: &mut Values) -> Vec<(String, String)> {
        let mut groups: BTreeMap<String, Vec<Id>> = BTreeMap::new();
        for (g, id) in &self.ids {
            groups.entry(g.clone()).or_default().push(id.clone());
        }
        let mut out = Vec::new();
        for (group, mut members) in groups {
            members
                .sort_by(|a, b| (kind_rank(&a.0), &a.0, &a.1).cmp(&(kind_rank(&b.0), &b.0, &b.1)));
            let mut text = format!("{}\n", tpl::comment(head));
            for id in members {
                text.push_str(&self.object(&group, &id, values));
            }
            out.push((group, text));
        }
        out
    }

    /// One object's document in its group's template, under the condition that switches it
    /// on.
    fn object(&self, group: &str, id: &Id, values: &mut Values) -> String {
        let variants: Vec<Option<&Value>> = self
            .by_config
            .iter()
            .map(|m| m.get(id).map(|o| &o.value))
            .collect();
        let sample = self
            .by_config
            .iter()
            .find_map(|m| m.get(id))
            .expect("object exists somewhere");
        let place = place_of(sample);
        let is_main = MAIN.contains(&id.0.as_str());
        let has_rollout = (0..self.by_config.len()).any(|i| self.flag(i, group).1);
        self.switches(group, &variants, &place, is_main, has_rollout, values);
        let cond = condition(&id.0, &place, is_main, has_rollout);
        let obj = Obj {
            kind: &id.0,
            root: place.root.clone(),
            workload: place.workload.clone(),
            app: self.app,
            chart: self.app,
            names: &self.names,
            common_labels: self.common_labels,
        };
        // Inside the object, only the configurations that have it.
        let configs: Vec<usize> = (0..variants.len())
            .filter(|i| variants[*i].is_some())
            .collect();
        let present: Vec<Option<&Value>> = configs.iter().map(|i| variants[*i]).collect();
        let body = if id.0 == "Ingress" {
            ingress::template(&obj, &present, &configs, values)
        } else {
            body(&obj, &present, configs, values)
        };
        format!(
            "{{{{- if {cond} }}}}\n---\n{body}{}{{{{- end }}}}\n",
            end_marker(&body, id)
        )
    }

    /// The values switching an object on in each configuration: its workload's `enabled` (and
    /// `rollout.enabled` for a workload with a progressive rollout somewhere), or its own.
    fn switches(
        &self,
        group: &str,
        variants: &[Option<&Value>],
        place: &Place,
        is_main: bool,
        has_rollout: bool,
        values: &mut Values,
    ) {
        let rollout_flag = place.rollout_flag();
        for (i, v) in variants.iter().enumerate() {
            if place.in_workload || is_main {
                let main = self.flag(i, group).0;
                values.set(i, &place.workload.child("enabled"), Value::Bool(main));
            }
            if is_main && has_rollout {
                let rollout = self.flag(i, group).1;
                values.set(i, &rollout_flag, Value::Bool(rollout));
            } else if !is_main {
                values.set(i, &place.root.child("enabled"), Value::Bool(v.is_some()));
            }
        }
    }
}

/// Per group of a configuration's objects: whether it has a main object, and whether that is
/// a Rollout.
fn group_flags<'c>(objects: &BTreeMap<Id, &'c Object>) -> HashMap<&'c str, (bool, bool)> {
    let mut flags: HashMap<&str, (bool, bool)> = HashMap::new();
    for o in objects.values() {
        let f = flags.entry(o.group.as_str()).or_default();
        f.0 |= MAIN.contains(&o.kind());
        f.1 |= o.kind() == "Rollout";
    }
    flags
}

/// The condition of an object's document: its workload, or itself, is enabled. A progressive
/// rollout replaces the Deployment where it is used.
fn condition(kind: &str, place: &Place, is_main: bool, has_rollout: bool) -> String {
    let (root, workload) = (&place.root, &place.workload);
    if is_main && has_rollout {
        let rollout_flag = place.rollout_flag();
        if kind == "Rollout" {
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
    } else if place.in_workload {
        format!("and {}.enabled {}.enabled", workload.expr(), root.expr())
    } else {
        format!("{}.enabled", root.expr())
    }
}

/// The body of an object's document: its top-level fields walked across the variants.
fn body(obj: &Obj, present: &[Option<&Value>], configs: Vec<usize>, values: &mut Values) -> String {
    let mut walker = Walker { values, configs };
    let mut fields = Vec::new();
    // apiVersion, kind and metadata first, then every other field of any variant (`spec`,
    // `data`, a declared object's `rules` or `automountServiceAccountToken`) as first seen.
    let mut keys: Vec<&str> = vec!["apiVersion", "kind", "metadata"];
    for v in present.iter().flatten() {
        for k in v.as_object().into_iter().flat_map(|m| m.keys()) {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    for key in keys {
        let vs: Vec<Option<&Value>> = present.iter().map(|v| v.and_then(|v| v.get(key))).collect();
        if let Some((node, guard)) = walker.walk(obj, &mut vec![key.to_string()], &vs) {
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

/// Where an object's values live, and the workload it belongs to.
fn place_of(o: &Object) -> Place {
    use crate::layout::{
        ACCESS_GROUP, ADMISSION_GROUP, ANALYSIS_GROUP, CONFIG_GROUP, NETWORK_GROUP, OBJECTS_GROUP,
        SECRETS_GROUP,
    };
    let kind = o.kind();
    let name = o.name();
    let own = |parent: &str| {
        let r = VPath(vec![parent.into(), camel(name)]);
        Place {
            root: r.clone(),
            workload: r,
            in_workload: false,
        }
    };
    match o.group.as_str() {
        CONFIG_GROUP => own("configMaps"),
        SECRETS_GROUP => own("secrets"),
        NETWORK_GROUP => own("networkPolicies"),
        // Declared objects, service accounts and admission policies: by kind, then name
        // (`objects.serviceAccount.api`, `access.role.scaler`).
        group @ (OBJECTS_GROUP | ACCESS_GROUP | ANALYSIS_GROUP | ADMISSION_GROUP) => {
            let mut kind_key = camel(kind);
            if let Some(first) = kind_key.get(..1) {
                kind_key = first.to_ascii_lowercase() + &kind_key[1..];
            }
            let r = VPath(vec![group.into(), kind_key, camel(name)]);
            Place {
                root: r.clone(),
                workload: r,
                in_workload: false,
            }
        }
        g if kind == "Ingress" && g.starts_with("ingress-") => own("ingress"),
        g => {
            let w = VPath(vec![camel(g)]);
            let r = match kind {
                "Deployment" | "StatefulSet" | "CronJob" | "Job" | "Rollout" => {
                    return Place {
                        root: w.clone(),
                        workload: w,
                        in_workload: false,
                    };
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
            Place {
                root: r,
                workload: w,
                in_workload: true,
            }
        }
    }
}
