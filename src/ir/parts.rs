//! Parts of a large kustomize tree.
//!
//! `kubectl kustomize` checks each object it loads against every object loaded before it, so
//! its time grows with the square of the objects in one kustomization: 6,000 objects take
//! minutes, 500 about a second. An app whose base or any environment holds more than
//! [`PART_OBJECTS`] objects is therefore written as parts: the groups of objects (a workload's
//! objects, the config, the network policies) are packed, in the order `kubectl apply` wants
//! them created, into parts of at most that many objects (a larger group is a part alone).
//! Every configuration uses the same parts, so an overlay's part builds on the base's part of
//! the same name. The kustomize emitter writes one kustomization per part, the deploy applies
//! them in order, and a GitOps tool gets one source per part.

use super::{EnvIr, kind_rank};
use std::collections::{BTreeMap, HashMap};

/// The most objects a part holds (unless one group alone holds more).
pub const PART_OBJECTS: usize = 200;

/// The parts of the kustomize tree: none when it is written whole.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// The parts' folder names, in the order they are applied.
    pub names: Vec<String>,
    by_group: HashMap<String, usize>,
}

impl Parts {
    /// Whether the tree is written as parts.
    pub fn is_split(&self) -> bool {
        !self.names.is_empty()
    }

    /// The index of the part holding a group's objects.
    pub fn of(&self, group: &str) -> usize {
        self.by_group.get(group).copied().unwrap_or(0)
    }
}

/// The parts for the base and the environments: none when each holds at most
/// [`PART_OBJECTS`] objects.
pub fn split(base: &EnvIr, environments: &[EnvIr]) -> Parts {
    let configs = || std::iter::once(base).chain(environments);
    if configs().all(|c| c.objects.len() <= PART_OBJECTS) {
        return Parts::default();
    }
    // Each group's size (its largest in any configuration) and the earliest kind it holds.
    let mut groups: BTreeMap<&str, (u8, usize)> = BTreeMap::new();
    for c in configs() {
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for o in &c.objects {
            *sizes.entry(&o.group).or_default() += 1;
            let g = groups.entry(&o.group).or_insert((u8::MAX, 0));
            g.0 = g.0.min(kind_rank(o.kind()));
        }
        for (group, n) in sizes {
            let g = groups.get_mut(group).expect("counted above");
            g.1 = g.1.max(n);
        }
    }
    let mut order: Vec<(&str, u8, usize)> =
        groups.into_iter().map(|(g, (r, n))| (g, r, n)).collect();
    order.sort_by_key(|&(g, rank, _)| (rank, g));
    let mut by_group = HashMap::new();
    let (mut part, mut filled) = (0, 0);
    for (group, _, n) in order {
        if filled > 0 && filled + n > PART_OBJECTS {
            part += 1;
            filled = 0;
        }
        filled += n;
        by_group.insert(group.to_string(), part);
    }
    let width = (part + 1).to_string().len().max(2);
    let names = (1..=part + 1)
        .map(|i| format!("part-{i:0width$}"))
        .collect();
    Parts { names, by_group }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Object;
    use serde_json::json;

    fn env(objects: &[(&str, &str, &str)]) -> EnvIr {
        EnvIr {
            name: "e".into(),
            policy: crate::syntax::ast::PolicyLevel::Dev,
            rules: crate::policy::level(crate::syntax::ast::PolicyLevel::Dev).clone(),
            namespace: "n".into(),
            prefix: String::new(),
            labels: Default::default(),
            common_labels: Default::default(),
            provenance: vec![None; objects.len()],
            objects: objects
                .iter()
                .map(|(group, kind, name)| Object {
                    group: group.to_string(),
                    value: json!({"kind": kind, "metadata": {"name": name}}),
                })
                .collect(),
        }
    }

    #[test]
    fn small_apps_are_one_kustomization() {
        let base = env(&[("namespace", "Namespace", "n"), ("a", "Deployment", "a")]);
        assert!(!split(&base, &[]).is_split());
    }

    #[test]
    fn parts_hold_at_most_the_limit_and_the_namespace_comes_first() {
        let names: Vec<String> = (0..400).map(|i| format!("w{i:04}")).collect();
        let mut objects: Vec<(&str, &str, &str)> = names
            .iter()
            .flat_map(|n| {
                [
                    (n.as_str(), "Deployment", n.as_str()),
                    (n.as_str(), "Service", n.as_str()),
                ]
            })
            .collect();
        objects.push(("namespace", "Namespace", "n"));
        let parts = split(&env(&objects), &[]);
        // The Namespace and 99 workloads; 100 workloads (200 objects) three times; the last.
        assert_eq!(parts.names.len(), 5, "{:?}", parts.names);
        assert_eq!(parts.names[0], "part-01");
        assert_eq!(parts.of("namespace"), 0);
        let mut sizes = vec![0; parts.names.len()];
        for (g, _, _) in &objects {
            sizes[parts.of(g)] += 1;
        }
        assert!(sizes.iter().all(|&s| s <= PART_OBJECTS), "{sizes:?}");
    }
}
