//! Risk classes of a change: what `stowage diff` puts first for a reviewer.
//!
//! Takes two versions of the IR, gives [`Finding`]s: each a change of one of the classes in
//! [`classes`] (declared once, with a stable id, a severity and the documentation the book's
//! table is made from), in one environment, at one object and field. Object rules compare
//! each object's two rendered versions ([`workload`], [`network`], [`access`]); delivery rules
//! compare the environments' policies and the pipelines ([`delivery`]).

mod access;
pub mod classes;
mod delivery;
mod network;
mod workload;

pub use classes::{ALL, Class, Severity};

use crate::ir::{EnvIr, Ir};
use crate::syntax::ast::PolicyLevel;
use serde_json::Value;
use std::collections::BTreeMap;

/// One risky change.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub class: &'static Class,
    pub env: String,
    /// `Kind/name` of the deployed object, or what of the pipeline changed (`deploy production`).
    pub object: String,
    /// The field, as `stowage diff` names it (empty for a whole object).
    pub path: String,
    /// What changed: `3 -> 1`, `removed`, `LoadBalancer`.
    pub detail: String,
}

/// What object rules know of the environment they look at.
pub(crate) struct Env<'a> {
    pub name: &'a str,
    /// The new version's policy (the old one's when the environment is removed).
    pub policy: PolicyLevel,
}

impl Env<'_> {
    fn finding(
        &self,
        class: &'static Class,
        object: &Value,
        path: &str,
        detail: String,
    ) -> Finding {
        finding(class, self.name, object_id(object), path, detail)
    }
}

/// A finding in environment `env` (empty: the pipeline's, for every environment).
fn finding(
    class: &'static Class,
    env: &str,
    object: String,
    path: &str,
    detail: String,
) -> Finding {
    Finding {
        class,
        env: env.to_string(),
        object,
        path: path.to_string(),
        detail,
    }
}

/// A rule on the objects of one kind and name in the two versions.
enum Rule {
    /// On an object in both versions.
    Change(fn(&Env, &Value, &Value, &mut Vec<Finding>)),
    /// Also on an object added or removed (`None`: absent in that version).
    Object(fn(&Env, Option<&Value>, Option<&Value>, &mut Vec<Finding>)),
}

/// Every rule on objects, in the order their findings are listed within an object.
const RULES: &[Rule] = &[
    Rule::Change(workload::replicas),
    Rule::Object(workload::disruption),
    Rule::Change(workload::limits),
    Rule::Change(workload::probes),
    Rule::Change(workload::security),
    Rule::Change(workload::images),
    Rule::Object(network::exposure),
    Rule::Change(network::egress),
    Rule::Object(network::policies),
    Rule::Object(access::rbac),
    Rule::Object(delivery::waivers),
];

/// The risky changes from `old` to `new`, environment by environment (every environment of
/// either version, or `only` that one): most severe first, then in the diff's order.
pub fn assess(old: &Ir, new: &Ir, only: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    for name in super::diff::env_names(old, new, only) {
        let o = old.environments.iter().find(|e| e.name == name);
        let n = new.environments.iter().find(|e| e.name == name);
        let Some(policy) = n.or(o).map(|e| e.policy) else {
            continue;
        };
        let env = Env { name, policy };
        objects(&env, o, n, &mut out);
        delivery::policy(&env, o, n, &mut out);
    }
    delivery::pipeline(old, new, only, &mut out);
    out.sort_by_key(|f| std::cmp::Reverse(f.class.severity));
    out
}

/// Every object rule on every object of either version. Objects are paired by their names in
/// the spec, and the rules compare them as the spec names them (a new prefix renames every
/// object of an environment and every reference between them, and loosens nothing); findings
/// name them as deployed.
fn objects(env: &Env, old: Option<&EnvIr>, new: Option<&EnvIr>, out: &mut Vec<Finding>) {
    type ById = BTreeMap<(String, String), (Value, String)>;
    let by_id = |e: Option<&EnvIr>| -> ById {
        let Some(e) = e else { return BTreeMap::new() };
        let deployed = e.render().iter().map(object_id).collect::<Vec<_>>();
        e.objects
            .iter()
            .zip(deployed)
            .map(|(o, shown)| (o.id(), (o.value.clone(), shown)))
            .collect()
    };
    let (old, new) = (by_id(old), by_id(new));
    let values = |m: &ById| m.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
    delivery::secret_sources(env, &values(&old), &values(&new), out);
    let mut ids: Vec<&(String, String)> = old.keys().chain(new.keys()).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let (o, n) = (old.get(id), new.get(id));
        if o.map(|x| &x.0) == n.map(|x| &x.0) {
            continue;
        }
        let from = out.len();
        let (ov, nv) = (o.map(|x| &x.0), n.map(|x| &x.0));
        for rule in RULES {
            match (rule, ov, nv) {
                (Rule::Change(rule), Some(ov), Some(nv)) => rule(env, ov, nv, out),
                (Rule::Object(rule), ..) => rule(env, ov, nv, out),
                (Rule::Change(_), ..) => {}
            }
        }
        let shown = n.or(o).map(|x| x.1.clone()).unwrap_or_default();
        out[from..]
            .iter_mut()
            .for_each(|f| f.object = shown.clone());
    }
}

/// `Kind/name`.
pub fn object_id(v: &Value) -> String {
    format!(
        "{}/{}",
        v["kind"].as_str().unwrap_or_default(),
        v["metadata"]["name"].as_str().unwrap_or_default()
    )
}

/// The class, or every class of a severity (`high`: high only; `medium`: medium and high).
pub fn selected(findings: &[Finding], classes: &[&Class], at_least: Option<Severity>) -> bool {
    findings.iter().any(|f| {
        classes.iter().any(|c| c.id == f.class.id)
            || at_least.is_some_and(|s| f.class.severity >= s)
    })
}

/// `2 high, 1 medium` (severities with findings, most severe first).
pub fn counts(findings: &[Finding]) -> String {
    let mut parts = Vec::new();
    for s in [Severity::High, Severity::Medium, Severity::Low] {
        let n = findings.iter().filter(|f| f.class.severity == s).count();
        if n > 0 {
            parts.push(format!("{n} {}", s.name()));
        }
    }
    parts.join(", ")
}
