//! Where a workload's pods run: (anti-)affinity to pods and nodes, spread, tolerations.

use crate::ir::scope::{Env, selector_of};
use crate::syntax::ast::*;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// A weight the spec gives, or the strongest.
fn weight(w: Option<&S<i64>>) -> i32 {
    w.map_or(100, |w| w.v as i32)
}

fn topology_key(s: Spread) -> String {
    match s {
        Spread::Zone => "topology.kubernetes.io/zone".into(),
        Spread::Node => "kubernetes.io/hostname".into(),
    }
}

fn pods(sel: &BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(sel.clone()),
        ..Default::default()
    }
}

/// The pod's affinity: `anti-affinity` to its own pods, `near` other workloads' pods,
/// `prefer-node` labels. None when the spec says none of them.
pub(super) fn affinity(
    env: &Env,
    w: &Workload,
    sel: &BTreeMap<String, String>,
) -> Option<core::Affinity> {
    let a = core::Affinity {
        pod_anti_affinity: w.anti_affinity.as_ref().map(|a| anti_affinity(a.v, sel)),
        pod_affinity: near(env, w),
        node_affinity: prefer_nodes(w),
    };
    (a != core::Affinity::default()).then_some(a)
}

/// Two pods of the workload on one node: never, or only when nothing else fits.
fn anti_affinity(a: AntiAffinity, sel: &BTreeMap<String, String>) -> core::PodAntiAffinity {
    let term = core::PodAffinityTerm {
        label_selector: Some(pods(sel)),
        topology_key: topology_key(Spread::Node),
        ..Default::default()
    };
    match a {
        AntiAffinity::Required => core::PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..Default::default()
        },
        AntiAffinity::Preferred => core::PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                core::WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..Default::default()
        },
    }
}

/// `near`: on the node (or in the zone) of another workload's pods.
fn near(env: &Env, w: &Workload) -> Option<core::PodAffinity> {
    let mut required = Vec::new();
    let mut preferred = Vec::new();
    for n in &w.near {
        let Some(t) = env.workloads.get(n.workload.as_str()) else {
            continue;
        };
        let term = core::PodAffinityTerm {
            label_selector: Some(pods(&selector_of(env.app, t))),
            topology_key: topology_key(n.topology.as_ref().map_or(Spread::Node, |t| t.v)),
            ..Default::default()
        };
        if n.required.as_ref().is_some_and(|r| r.v) {
            required.push(term);
        } else {
            preferred.push(core::WeightedPodAffinityTerm {
                weight: weight(n.weight.as_ref()),
                pod_affinity_term: term,
            });
        }
    }
    (!required.is_empty() || !preferred.is_empty()).then(|| core::PodAffinity {
        required_during_scheduling_ignored_during_execution: super::pod::some(required),
        preferred_during_scheduling_ignored_during_execution: super::pod::some(preferred),
    })
}

/// `prefer-node`: nodes with these labels, preferred.
fn prefer_nodes(w: &Workload) -> Option<core::NodeAffinity> {
    let terms: Vec<core::PreferredSchedulingTerm> = w
        .prefer_nodes
        .iter()
        .map(|p| core::PreferredSchedulingTerm {
            weight: weight(p.weight.as_ref()),
            preference: core::NodeSelectorTerm {
                match_expressions: Some(vec![core::NodeSelectorRequirement {
                    key: p.key.v.clone(),
                    operator: "In".into(),
                    values: Some(p.values.iter().map(|v| v.v.clone()).collect()),
                }]),
                ..Default::default()
            },
        })
        .collect();
    (!terms.is_empty()).then(|| core::NodeAffinity {
        preferred_during_scheduling_ignored_during_execution: Some(terms),
        ..Default::default()
    })
}

pub(super) fn spread(
    s: Spread,
    sel: &BTreeMap<String, String>,
) -> Vec<core::TopologySpreadConstraint> {
    vec![core::TopologySpreadConstraint {
        max_skew: 1,
        topology_key: topology_key(s),
        when_unsatisfiable: "ScheduleAnyway".into(),
        label_selector: Some(pods(sel)),
        ..Default::default()
    }]
}

pub(super) fn toleration(t: &Toleration) -> core::Toleration {
    core::Toleration {
        key: Some(t.key.v.clone()),
        operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.into()),
        value: t.value.as_ref().map(|v| v.v.clone()),
        effect: t.effect.as_ref().map(|e| e.v.to_string()),
        ..Default::default()
    }
}
