//! Names that would collide in what stowage generates: two items whose files, Helm values or
//! objects would land in the same place, and names stowage keeps for itself.
//!
//! Objects are written to a file per group (kustomize `GROUP.yaml`, Helm `templates/GROUP.yaml`:
//! a workload's name, or one of the fixed groups) and tuned in Helm values under a camelCase key
//! (`celery-worker` -> `celeryWorker`). Names that meet there would overwrite each other's
//! files or values; `stowage::name::collision` says so at the spec.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::layout::{HELM_VALUES_KEYS, RESERVED_GROUPS, ingress_group, values_key};
use crate::syntax::ast::{Items, S};
use std::collections::HashMap;

pub fn check(items: &Items, diags: &mut Diagnostics) {
    // Each ingress's group (the first ingress of a group is the one named).
    let mut groups: HashMap<String, &S<String>> = HashMap::new();
    for i in &items.ingresses {
        groups.entry(ingress_group(&i.name.v)).or_insert(&i.name);
    }
    for w in &items.workloads {
        let name = w.name.as_str();
        if RESERVED_GROUPS.contains(&name) {
            diags.push(reserved(
                &w.name,
                &format!("stowage writes its own `{name}.yaml` files"),
            ));
        }
        if let Some(i) = groups.get(name) {
            diags.push(
                collision(
                    &w.name,
                    i.span,
                    &format!("the files of ingress `{}` are `{name}.yaml`", i.v),
                )
                .with_help("rename the workload or the ingress"),
            );
        }
        let key = values_key(name);
        if HELM_VALUES_KEYS.contains(&key.as_str()) {
            diags.push(reserved(
                &w.name,
                &format!("the Helm chart's values use `{key}` for their own settings"),
            ));
        }
    }
    same_key(
        items.workloads.iter().map(|w| &w.name),
        "workloads",
        "",
        diags,
    );
    same_key(
        items.configs.iter().map(|c| &c.name),
        "configs",
        "configMaps.",
        diags,
    );
    same_key(
        items.secrets.iter().map(|s| &s.name),
        "secrets",
        "secrets.",
        diags,
    );
    same_key(
        items.ingresses.iter().map(|i| &i.name),
        "ingresses",
        "ingress.",
        diags,
    );
}

/// Distinct names with the same Helm values key.
fn same_key<'a>(
    names: impl Iterator<Item = &'a S<String>>,
    what: &str,
    prefix: &str,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<String, &S<String>> = HashMap::new();
    for n in names {
        let key = values_key(&n.v);
        match seen.get(&key) {
            Some(first) if first.v != n.v => diags.push(
                collision(
                    n,
                    first.span,
                    &format!(
                        "`{}` and `{}` both become the Helm values key `{prefix}{key}`",
                        first.v, n.v
                    ),
                )
                .with_help(format!(
                    "give one of the {what} a name that differs in more than `-` and `.`"
                )),
            ),
            Some(_) => {}
            None => {
                seen.insert(key, n);
            }
        }
    }
}

fn reserved(n: &S<String>, why: &str) -> Diagnostic {
    Diagnostic::error(
        &code::name::COLLISION,
        format!("the name `{}` is reserved: {why}", n.v),
        n.span,
        "reserved name",
    )
    .with_help("choose another name")
}

fn collision(n: &S<String>, other: Span, why: &str) -> Diagnostic {
    Diagnostic::error(
        &code::name::COLLISION,
        format!(
            "`{}` collides with another name in the generated files: {why}",
            n.v
        ),
        n.span,
        "this name",
    )
    .with_label(other, "the other name")
}
