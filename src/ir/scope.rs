//! What lowering one workload needs to know about its surroundings: the environment's level,
//! namespace and items, and the labels that select a workload's pods.

use crate::policy::Rule;
use crate::syntax::ast::{Items, PolicyLevel, Waiver, Workload};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One environment (or the base) being lowered.
pub(super) struct Env<'a> {
    pub level: PolicyLevel,
    /// The rules the configuration is held to (its level's, or its declared policy's).
    pub rules: crate::policy::Policy,
    pub namespace: &'a str,
    pub app: &'a str,
    pub app_labels: &'a BTreeMap<String, String>,
    pub items: &'a Items,
    /// The environment's workloads by name (the first of a name), for reference lookups.
    pub workloads: HashMap<&'a str, &'a Workload>,
    /// Names of the environment's configs.
    pub configs: HashSet<&'a str>,
    /// What the environment waives for all its objects, then what the app waives.
    pub waivers: Vec<&'a Waiver>,
}

impl<'a> Env<'a> {
    /// The environment's and the app's waivers that fit an object: `tls` fits ingresses only,
    /// the other rules fit anything else, scanner checks fit workloads.
    pub fn waivers_for(&self, ingress: bool) -> impl Iterator<Item = &'a Waiver> + '_ {
        self.waivers
            .iter()
            .copied()
            .filter(move |w| match Rule::from_name(&w.rule.v) {
                Some(rule) => (rule == Rule::Tls) == ingress,
                None => !ingress,
            })
    }
}

/// The labels that select a workload's pods: those it keeps from before stowage
/// (`selector`), or stowage's.
pub(super) fn selector_of(app: &str, w: &Workload) -> BTreeMap<String, String> {
    if w.selector.is_empty() {
        return selector(app, &w.name.v);
    }
    w.selector
        .iter()
        .map(|(k, v)| (k.v.clone(), v.v.clone()))
        .collect()
}

/// stowage's labels that select a workload's pods.
pub(super) fn selector(app: &str, workload: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), workload.to_string()),
        ("app.kubernetes.io/instance".to_string(), app.to_string()),
    ])
}
