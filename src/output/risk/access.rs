//! Rules on what accounts may do: Roles, ClusterRoles and their bindings.

use super::classes::RBAC_WIDENED;
use super::{Env, Finding};
use serde_json::Value;

fn strings<'v>(v: &'v Value, field: &str) -> Vec<&'v str> {
    v[field]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Every (API group, resource, verb) a rule grants, `*` kept as written.
fn grants(role: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for rule in role["rules"].as_array().into_iter().flatten() {
        let groups = strings(rule, "apiGroups");
        let resources = strings(rule, "resources");
        let urls = strings(rule, "nonResourceURLs");
        for verb in strings(rule, "verbs") {
            for g in &groups {
                for r in &resources {
                    out.push((g.to_string(), r.to_string(), verb.to_string()));
                }
            }
            for u in &urls {
                out.push((String::new(), u.to_string(), verb.to_string()));
            }
        }
    }
    out
}

/// Whether `held` already covers `wanted` (`*` covers anything).
fn covers(held: &(String, String, String), wanted: &(String, String, String)) -> bool {
    let part = |h: &str, w: &str| h == "*" || h == w;
    part(&held.0, &wanted.0) && part(&held.1, &wanted.1) && part(&held.2, &wanted.2)
}

fn grant_text((group, resource, verb): &(String, String, String)) -> String {
    match group.as_str() {
        "" => format!("{verb} {resource}"),
        g => format!("{verb} {resource}.{g}"),
    }
}

fn subjects(binding: &Value) -> Vec<String> {
    binding["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let ns = s["namespace"]
                .as_str()
                .map(|n| format!("{n}/"))
                .unwrap_or_default();
            format!(
                "{}/{ns}{}",
                s["kind"].as_str().unwrap_or_default(),
                s["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

pub(super) fn rbac(env: &Env, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Finding>) {
    let Some(new) = new else { return };
    let mut push =
        |path: &str, detail: String| out.push(env.finding(&RBAC_WIDENED, new, path, detail));
    match new["kind"].as_str() {
        Some("Role" | "ClusterRole") => {
            let before = old.map(grants).unwrap_or_default();
            let gained: Vec<String> = grants(new)
                .iter()
                .filter(|g| !before.iter().any(|h| covers(h, g)))
                .map(grant_text)
                .collect();
            if !gained.is_empty() {
                let what = if old.is_some() {
                    "grants"
                } else {
                    "added, grants"
                };
                push("rules", format!("{what} {}", gained.join(", ")));
            }
        }
        Some("RoleBinding" | "ClusterRoleBinding") => {
            let role = |v: &Value| {
                format!(
                    "{}/{}",
                    v["roleRef"]["kind"].as_str().unwrap_or_default(),
                    v["roleRef"]["name"].as_str().unwrap_or_default()
                )
            };
            let Some(old) = old else {
                push(
                    "",
                    format!("added: binds {} to {}", role(new), subjects(new).join(", ")),
                );
                return;
            };
            if role(old) != role(new) {
                push("roleRef", format!("{} -> {}", role(old), role(new)));
            }
            let before = subjects(old);
            let gained: Vec<String> = subjects(new)
                .into_iter()
                .filter(|s| !before.contains(s))
                .collect();
            if !gained.is_empty() {
                push("subjects", format!("binds {}", gained.join(", ")));
            }
        }
        _ => {}
    }
}
