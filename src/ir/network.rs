//! Network policies: default deny, DNS, and one policy per workload from `reach`, `egress` and
//! the ingresses that route to it.

use super::scope::{Env, selector_of};
use crate::syntax::ast::{
    Keyword, Peer, PortRef, Protocol, Route, S, Spec, Workload, WorkloadKind,
};
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

fn meta(env: &Env, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(env.namespace.to_string()),
        labels: Some(env.app_labels.clone()),
        ..Default::default()
    }
}

fn value(p: &net::NetworkPolicy) -> Value {
    serde_json::to_value(p).expect("network policies serialize")
}

fn pods(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..Default::default()
    }
}

fn port(number: i64, protocol: &str) -> net::NetworkPolicyPort {
    net::NetworkPolicyPort {
        port: Some(IntOrString::Int(number as i32)),
        protocol: Some(protocol.to_string()),
        ..Default::default()
    }
}

/// The container ports of `target` that `reference` allows (all of them when it names none).
fn target_ports(target: &Workload, reference: Option<&PortRef>) -> Vec<net::NetworkPolicyPort> {
    target
        .ports
        .iter()
        .filter(|p| match reference {
            None => true,
            Some(PortRef::Name(n)) => &p.name.v == n,
            Some(PortRef::Number(n)) => {
                p.number.v == *n || p.service_port.as_ref().is_some_and(|s| s.v == *n)
            }
        })
        .map(|p| {
            port(
                p.number.v,
                p.protocol.as_ref().map_or(Protocol::Tcp, |x| x.v).name(),
            )
        })
        .collect()
}

pub(super) fn policies(env: &Env, spec: &Spec) -> Vec<(String, Value)> {
    let group = || crate::layout::NETWORK_GROUP.to_string();
    let mut out = vec![(group(), default_deny(env)), (group(), allow_dns(env))];
    let traffic = Traffic::of(env);
    // One policy per workload, made in parallel (a large app has thousands), kept in order.
    let made: Vec<Option<(String, Value)>> = env
        .items
        .workloads
        .par_iter()
        .map(|w| workload_entry(env, spec, &traffic, w))
        .collect();
    out.extend(made.into_iter().flatten());
    out
}

/// The policy of one workload: who may reach it and whom it may reach (None: nobody either
/// way, so the default denial holds).
fn workload_entry(
    env: &Env,
    spec: &Spec,
    traffic: &Traffic,
    w: &Workload,
) -> Option<(String, Value)> {
    let mut ingress = traffic.in_from_workloads(env, w);
    ingress.extend(traffic.in_from_ingress_controller(spec, w));
    ingress.extend(from_elsewhere(w));
    let mut egress = Vec::new();
    // Members of a stateful workload (replica sets, clusters) talk to each other.
    if w.kind == WorkloadKind::Stateful && !w.ports.is_empty() {
        let own = || net::NetworkPolicyPeer {
            pod_selector: Some(pods(selector_of(env.app, w))),
            ..Default::default()
        };
        ingress.push(net::NetworkPolicyIngressRule {
            from: Some(vec![own()]),
            ports: Some(dedup(target_ports(w, None))),
        });
        egress.push(net::NetworkPolicyEgressRule {
            to: Some(vec![own()]),
            ports: Some(dedup(target_ports(w, None))),
        });
    }
    egress.extend(to_others(env, w));
    if ingress.is_empty() && egress.is_empty() {
        return None;
    }
    Some((w.name.v.clone(), workload_policy(env, w, ingress, egress)))
}

/// Nothing in or out of the namespace's pods but what a policy allows.
fn default_deny(env: &Env) -> Value {
    value(&net::NetworkPolicy {
        metadata: meta(env, "default-deny"),
        spec: Some(net::NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ..Default::default()
        }),
    })
}

/// Every pod may ask the cluster's DNS.
fn allow_dns(env: &Env) -> Value {
    let one = |k: &str, v: &str| pods(BTreeMap::from([(k.to_string(), v.to_string())]));
    value(&net::NetworkPolicy {
        metadata: meta(env, "allow-dns"),
        spec: Some(net::NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Egress".into()]),
            egress: Some(vec![net::NetworkPolicyEgressRule {
                to: Some(vec![net::NetworkPolicyPeer {
                    namespace_selector: Some(one("kubernetes.io/metadata.name", "kube-system")),
                    pod_selector: Some(one("k8s-app", "kube-dns")),
                    ..Default::default()
                }]),
                ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
            }]),
            ..Default::default()
        }),
    })
}

/// A workload's policy: the traffic it lets in and out.
fn workload_policy(
    env: &Env,
    w: &Workload,
    ingress: Vec<net::NetworkPolicyIngressRule>,
    egress: Vec<net::NetworkPolicyEgressRule>,
) -> Value {
    let mut types = Vec::new();
    if !ingress.is_empty() {
        types.push("Ingress".to_string());
    }
    if !egress.is_empty() {
        types.push("Egress".to_string());
    }
    value(&net::NetworkPolicy {
        metadata: meta(env, &w.name.v),
        spec: Some(net::NetworkPolicySpec {
            pod_selector: Some(pods(selector_of(env.app, w))),
            policy_types: Some(types),
            ingress: (!ingress.is_empty()).then_some(ingress),
            egress: (!egress.is_empty()).then_some(egress),
        }),
    })
}

/// Who reaches each workload (each source once, in the order of the workloads), and the
/// routes to each workload (in the order of the ingresses): hash lookups, not a scan of every
/// workload for every workload.
struct Traffic<'a> {
    reached_by: HashMap<&'a str, Vec<&'a Workload>>,
    routes_to: HashMap<&'a str, Vec<&'a Route>>,
}

impl<'a> Traffic<'a> {
    fn of(env: &Env<'a>) -> Self {
        let mut reached_by: HashMap<&str, Vec<&Workload>> = HashMap::new();
        for source in &env.items.workloads {
            for r in &source.reach {
                let sources = reached_by.entry(r.v.target.as_str()).or_default();
                if !sources.last().is_some_and(|s| std::ptr::eq(*s, source)) {
                    sources.push(source);
                }
            }
        }
        let mut routes_to: HashMap<&str, Vec<&Route>> = HashMap::new();
        for r in env.items.ingresses.iter().flat_map(|i| i.routes.iter()) {
            routes_to.entry(r.service.v.as_str()).or_default().push(r);
        }
        Traffic {
            reached_by,
            routes_to,
        }
    }

    /// From the workloads that `reach` this one, to the ports they name.
    fn in_from_workloads(&self, env: &Env, w: &Workload) -> Vec<net::NetworkPolicyIngressRule> {
        let mut ingress = Vec::new();
        let sources = self.reached_by.get(w.name.v.as_str()).map(Vec::as_slice);
        for source in sources.unwrap_or_default() {
            let allowed: Vec<net::NetworkPolicyPort> = source
                .reach
                .iter()
                .filter(|r| r.v.target == w.name.v)
                .flat_map(|r| target_ports(w, r.v.port.as_ref()))
                .collect();
            if !allowed.is_empty() {
                ingress.push(net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        pod_selector: Some(pods(selector_of(env.app, source))),
                        ..Default::default()
                    }]),
                    ports: Some(dedup(allowed)),
                });
            }
        }
        ingress
    }

    /// From the ingress controller, to the ports routes name.
    fn in_from_ingress_controller(
        &self,
        spec: &Spec,
        w: &Workload,
    ) -> Option<net::NetworkPolicyIngressRule> {
        let routed: Vec<net::NetworkPolicyPort> = self
            .routes_to
            .get(w.name.v.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .flat_map(|r| match &r.port {
                Some(p) => target_ports(w, Some(&p.v)),
                None => target_ports(w, None).into_iter().take(1).collect(),
            })
            .collect();
        if routed.is_empty() {
            return None;
        }
        let controller = spec.app.ingress_controller.as_ref();
        let ns = controller.map_or_else(|| "ingress-nginx".into(), |c| c.namespace.v.clone());
        let labels: BTreeMap<String, String> = controller
            .map(|c| {
                c.labels
                    .iter()
                    .map(|(k, v)| (k.v.clone(), v.v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Some(net::NetworkPolicyIngressRule {
            from: Some(vec![net::NetworkPolicyPeer {
                namespace_selector: Some(pods(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_string(),
                    ns,
                )]))),
                pod_selector: (!labels.is_empty()).then(|| pods(labels)),
                ..Default::default()
            }]),
            ports: Some(dedup(routed)),
        })
    }
}

/// From other namespaces and address blocks the spec lets in, and, on the ports of a
/// LoadBalancer or NodePort Service, from anywhere: the load balancer (or the node) forwards
/// clients from addresses the policy cannot know (with `externalTrafficPolicy: Cluster` the
/// source is a node's); `source-ranges` are enforced by the load balancer. Rules are given once.
fn from_elsewhere(w: &Workload) -> Vec<net::NetworkPolicyIngressRule> {
    let mut ingress: Vec<net::NetworkPolicyIngressRule> = Vec::new();
    let mut add = |rule: net::NetworkPolicyIngressRule| {
        if !ingress.contains(&rule) {
            ingress.push(rule);
        }
    };
    for a in &w.allow_from {
        add(net::NetworkPolicyIngressRule {
            from: Some(vec![peer(&a.peer)]),
            ports: Some(dedup(target_ports(w, a.port.as_ref().map(|p| &p.v)))),
        });
    }
    let exposures = w.expose.iter().chain(&w.extra_services);
    for e in exposures.filter(|e| e.service_type().is_external()) {
        let ports: Vec<net::NetworkPolicyPort> = w
            .ports
            .iter()
            .filter(|p| e.ports.is_empty() || e.ports.iter().any(|n| n.v == p.name.v))
            .flat_map(|p| target_ports(w, Some(&PortRef::Name(p.name.v.clone()))))
            .collect();
        if ports.is_empty() {
            continue;
        }
        for cidr in ["0.0.0.0/0", "::/0"] {
            let anywhere = Peer::Cidr(S::new(cidr.into(), Default::default()));
            add(net::NetworkPolicyIngressRule {
                from: Some(vec![peer(&anywhere)]),
                ports: Some(dedup(ports.clone())),
            });
        }
    }
    ingress
}

/// To the workloads it `reach`es and the peers of its `egress`.
fn to_others(env: &Env, w: &Workload) -> Vec<net::NetworkPolicyEgressRule> {
    let mut egress = Vec::new();
    for r in &w.reach {
        let Some(t) = env.workloads.get(r.v.target.as_str()) else {
            continue;
        };
        let ports = target_ports(t, r.v.port.as_ref());
        if ports.is_empty() {
            continue;
        }
        egress.push(net::NetworkPolicyEgressRule {
            to: Some(vec![net::NetworkPolicyPeer {
                pod_selector: Some(pods(selector_of(env.app, t))),
                ..Default::default()
            }]),
            ports: Some(dedup(ports)),
        });
    }
    for e in &w.egress {
        egress.push(net::NetworkPolicyEgressRule {
            to: Some(vec![peer(&e.peer)]),
            ports: (!e.ports.is_empty())
                .then(|| e.ports.iter().map(|p| port(p.v, "TCP")).collect()),
        });
    }
    egress
}

fn peer(p: &Peer) -> net::NetworkPolicyPeer {
    match p {
        Peer::Cidr(c) => net::NetworkPolicyPeer {
            ip_block: Some(net::IPBlock {
                cidr: c.v.clone(),
                except: None,
            }),
            ..Default::default()
        },
        Peer::Namespace(n) => net::NetworkPolicyPeer {
            namespace_selector: Some(pods(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                n.v.clone(),
            )]))),
            ..Default::default()
        },
    }
}

fn dedup(mut ports: Vec<net::NetworkPolicyPort>) -> Vec<net::NetworkPolicyPort> {
    let mut seen = Vec::new();
    ports.retain(|p| {
        let key = (format!("{:?}", p.port), p.protocol.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    ports
}
