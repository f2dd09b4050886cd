//! Phase 2, check: every diagnostic about a well-formed spec.
//!
//! Takes a [`Spec`], gives [`Diagnostics`]: duplicate and invalid names, references to things
//! that do not exist, values Kubernetes would reject, plaintext secrets, and the rules of each
//! environment's policy (with waivers). The base items and every environment's merged items are
//! checked; a finding shared by several environments is reported once.

mod account;
mod analysis;
mod app;
mod collisions;
mod config;
mod gitops;
mod ingress;
mod jobs;
mod objects;
pub mod pipeline;
mod policies;
mod refs;
mod report;
mod secret;
pub mod values;
mod waivers;
mod workload;

pub(crate) use report::{duplicate, unknown};

use crate::diagnostic::{Diagnostics, Span};
use crate::syntax::ast::*;
use report::name;
use std::collections::HashMap;
use waivers::WaiverTarget;

pub fn check(spec: &Spec) -> Diagnostics {
    let mut diags = Diagnostics::new();
    app::app(spec, &mut diags);
    app::environments(spec, &mut diags);
    items(spec, &spec.items, None, &mut diags);
    for env in &spec.environments {
        items(spec, &env.items, Some(env), &mut diags);
    }
    pipeline::check(spec, &mut diags);
    gitops::check(spec, &mut diags);
    policies::check(spec, &mut diags);
    crate::policy::merge_environments(diags)
}

/// Context for checking one set of items (the base, or one environment's).
struct Cx<'a> {
    spec: &'a Spec,
    env: Option<&'a Environment>,
    workloads: HashMap<&'a str, &'a Workload>,
    configs: HashMap<&'a str, &'a Config>,
    secrets: HashMap<&'a str, &'a Secret>,
}

fn items(spec: &Spec, items: &Items, env: Option<&Environment>, diags: &mut Diagnostics) {
    let mut cx = Cx {
        spec,
        env,
        workloads: HashMap::new(),
        configs: HashMap::new(),
        secrets: HashMap::new(),
    };
    for w in &items.workloads {
        name(diags, &w.name, w.kind.name(), values::dns1035_label);
        if let Some(first) = cx.workloads.insert(w.name.as_str(), w) {
            diags.push(duplicate("workload", &w.name, first.name.span));
        }
    }
    for c in &items.configs {
        name(diags, &c.name, "config", values::dns_subdomain);
        if let Some(first) = cx.configs.insert(c.name.as_str(), c) {
            diags.push(duplicate("config", &c.name, first.name.span));
        }
    }
    for s in &items.secrets {
        name(diags, &s.name, "secret", values::dns_subdomain);
        if let Some(first) = cx.secrets.insert(s.name.as_str(), s) {
            diags.push(duplicate("secret", &s.name, first.name.span));
        }
    }
    let mut account_names: HashMap<&str, Span> = HashMap::new();
    for a in &items.accounts {
        name(diags, &a.name, "service account", values::dns_subdomain);
        if let Some(first) = account_names.insert(a.name.as_str(), a.name.span) {
            diags.push(duplicate("service account", &a.name, first));
        }
        cx.account(a, diags);
    }
    let mut analysis_names: HashMap<&str, Span> = HashMap::new();
    for a in &items.analyses {
        name(diags, &a.name, "analysis", values::dns_subdomain);
        if let Some(first) = analysis_names.insert(a.name.as_str(), a.name.span) {
            diags.push(duplicate("analysis", &a.name, first));
        }
        cx.analysis(a, diags);
    }
    let mut ingress_names: HashMap<&str, Span> = HashMap::new();
    for i in &items.ingresses {
        name(diags, &i.name, "ingress", values::dns_subdomain);
        if let Some(first) = ingress_names.insert(i.name.as_str(), i.name.span) {
            diags.push(duplicate("ingress", &i.name, first));
        }
    }
    collisions::check(items, diags);
    objects::check(items, diags);
    for w in &items.workloads {
        let mut own = Diagnostics::new();
        cx.workload(w, &mut own);
        let blocks = &spec.defaults;
        diags.extend(
            own.into_iter()
                .map(|d| crate::syntax::defaults::with_provenance(blocks, &w.uses, &w.name.v, d)),
        );
    }
    for c in &items.configs {
        cx.config(c, diags);
        cx.waivers(&c.waivers, WaiverTarget::Config, diags);
    }
    for s in &items.secrets {
        cx.secret(s, diags);
    }
    let mut hosts: HashMap<(String, String), Span> = HashMap::new();
    for i in &items.ingresses {
        cx.ingress(i, &mut hosts, diags);
    }
    workload::rollout::shared_ingresses(items, diags);
}
