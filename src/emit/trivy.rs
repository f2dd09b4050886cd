//! Trivy's waivers: `deploy/trivy/<env>.rego`, one Rego ignore policy per environment that
//! waives trivy checks, for `trivy config --ignore-policy`.
//!
//! Trivy reads no annotation and, for Kubernetes YAML, no inline comment; its `.trivyignore`
//! files waive a check for a whole file. Its ignore policy sees each finding (check id and
//! message), and the message names the object (`Container 'api' of Deployment 'api' ...`,
//! `ConfigMap 'platform' in ...`), so a waiver can be kept to its object. The policy is derived
//! from the rendered objects' `waivers.stowage.dev/KSV-...` annotations, so it names the objects
//! as deployed (with the environment's prefix), whichever renderer (kustomize, Helm) made them.

use super::{FileSet, header};
use crate::ir::{EnvIr, Ir};
use crate::policy::{self, Scanner};
use serde_json::{Value, json};

pub const ROOT: &str = "deploy/trivy";

pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    for env in &ir.environments {
        let waivers = waivers(env);
        if !waivers.is_empty() {
            files.insert(
                format!("{ROOT}/{}.rego", env.name),
                policy_file(&header(&ir.spec_file), env, &waivers),
            );
        }
    }
    files
}

/// Every trivy waiver of an environment: check, kind and name of the object, reason, and the
/// pattern that finds the object in a finding's message.
fn waivers(env: &EnvIr) -> Vec<Value> {
    let mut out = Vec::new();
    for o in &env.objects {
        let kind = o.kind();
        let Some(annotations) = o.value["metadata"]["annotations"].as_object() else {
            continue;
        };
        let name = &env.deployed_name(o);
        for (key, reason) in annotations {
            let Some(check) = key.strip_prefix(policy::WAIVER_ANNOTATION_PREFIX) else {
                continue;
            };
            if policy::scanner_check(check) != Some(Scanner::Trivy) {
                continue;
            }
            out.push(json!({
                "check": policy::trivy_id(check),
                "kind": kind,
                "name": name,
                "reason": reason,
                "message": message_pattern(kind, name),
            }));
        }
    }
    out
}

/// A regular expression (RE2, as Rego's `regex.match`) that matches a trivy message naming the
/// object: `Deployment 'api'` or `deployment api (` in any case, not `deployment api-v2`. Trivy
/// does not check Argo `Rollout`s; a Rollout is a Deployment with another strategy, and its
/// waivers also match findings about its pod template checked as a Deployment's (workload names
/// are unique, so no other object has its name).
fn message_pattern(kind: &str, name: &str) -> String {
    let escape = |s: &str| {
        s.chars()
            .flat_map(|c| {
                let special = !c.is_ascii_alphanumeric() && c != '-' && c != '_';
                special
                    .then_some('\\')
                    .into_iter()
                    .chain(std::iter::once(c))
            })
            .collect::<String>()
    };
    let kind = match kind {
        "Rollout" => "(Rollout|Deployment)".to_string(),
        k => escape(k),
    };
    format!("(?i)(^|[^a-z0-9.-]){kind} '?{}('|\\s|$)", escape(name))
}

fn policy_file(head: &str, env: &EnvIr, waivers: &[Value]) -> String {
    let list = serde_json::to_string_pretty(waivers).expect("JSON values serialize");
    format!(
        "{head}
#
# The trivy checks waived in environment `{env}`, as an ignore policy:
#
#   stowage render --env {env} > {env}.yaml
#   trivy config --ignore-policy deploy/trivy/{env}.rego {env}.yaml
#
# A finding is ignored when its check is waived on the object its message names. Each waiver
# is a `waive \"KSV-...\" reason=\"...\"` in the spec, also written on its object as the annotation
# `waivers.stowage.dev/KSV-...`.
package trivy

import rego.v1

waivers := {list}

default ignore := false

ignore if {{
\tsome w in waivers
\tw.check in {{input.ID, trim_prefix(object.get(input, \"AVDID\", \"\"), \"AVD-\")}}
\tregex.match(w.message, input.Message)
}}
",
        env = env.name
    )
}
