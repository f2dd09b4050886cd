//! Network policies: default deny, DNS, and one policy per workload from `reach`, `egress` and
//! the ingresses that route to it.

use super::scope::{Env, selector};
use crate::syntax::ast::{
    Keyword, Peer, PortRef, Protocol, Route, S, ServiceType, Spec, Workload, WorkloadKind,
};
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
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
    let mut out = Vec::new();
    out.push((
        super::layout::NETWORK_GROUP.to_string(),
        value(&net::NetworkPolicy {
            metadata: meta(env, "default-deny"),
            spec: Some(net::NetworkPolicySpec {
                pod_selector: Some(LabelSelector::default()),
                policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                ..Default::default()
            }),
        }),
    ));
    out.push((
        super::layout::NETWORK_GROUP.to_string(),
        value(&net::NetworkPolicy {
            metadata: meta(env, "allow-dns"),
            spec: Some(net::NetworkPolicySpec {
                pod_selector: Some(LabelSelector::default()),
                policy_types: Some(vec!["Egress".into()]),
                egress: Some(vec![net::NetworkPolicyEgressRule {
                    to: Some(vec![net::NetworkPolicyPeer {
                        namespace_selector: Some(pods(BTreeMap::from([(
                            "kubernetes.io/metadata.name".to_string(),
                            "kube-system".to_string(),
                        )]))),
                        pod_selector: Some(pods(BTreeMap::from([(
                            "k8s-app".to_string(),
                            "kube-dns".to_string(),
                        )]))),
                        ..Default::default()
                    }]),
                    ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
                }]),
                ..Default::default()
            }),
        }),
    ));
    let workloads = &env.items.workloads;
    // Who reaches each workload (each source once, in the order of the workloads), and the
    // routes to each workload (in the order of the ingresses): hash lookups, not a scan of
    // every workload for every workload.
    let mut reached_by: HashMap<&str, Vec<&Workload>> = HashMap::new();
    for source in workloads {
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
    for w in workloads {
        let mut ingress = Vec::new();
        let sources = reached_by.get(w.name.v.as_str()).map(Vec::as_slice);
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
                        pod_selector: Some(pods(selector(env.app, &source.name.v))),
                        ..Default::default()
                    }]),
                    ports: Some(dedup(allowed)),
                });
            }
        }
        let routed: Vec<net::NetworkPolicyPort> = routes_to
            .get(w.name.v.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .flat_map(|r| match &r.port {
                Some(p) => target_ports(w, Some(&p.v)),
                None => target_ports(w, None).into_iter().take(1).collect(),
            })
            .collect();
        if !routed.is_empty() {
            let controller = spec.app.ingress_controller.as_ref();
            let ns = controller
                .map(|c| c.namespace.v.clone())
                .unwrap_or_else(|| "ingress-nginx".into());
            let labels: BTreeMap<String, String> = controller
                .map(|c| {
                    c.labels
                        .iter()
                        .map(|(k, v)| (k.v.clone(), v.v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            ingress.push(net::NetworkPolicyIngressRule {
                from: Some(vec![net::NetworkPolicyPeer {
                    namespace_selector: Some(pods(BTreeMap::from([(
                        "kubernetes.io/metadata.name".to_string(),
                        ns,
                    )]))),
                    pod_selector: (!labels.is_empty()).then(|| pods(labels)),
                    ..Default::default()
                }]),
                ports: Some(dedup(routed)),
            });
        }
        // Other namespaces and address blocks the spec lets in.
        for a in &w.allow_from {
            let ports = target_ports(w, a.port.as_ref().map(|p| &p.v));
            ingress.push(net::NetworkPolicyIngressRule {
                from: Some(vec![peer(&a.peer)]),
                ports: Some(dedup(ports)),
            });
        }
        // A LoadBalancer or NodePort Service is reached from outside the cluster.
        if w.expose
            .as_ref()
            .is_some_and(|e| e.v != ServiceType::ClusterIp)
            && !w.ports.is_empty()
        {
            ingress.push(net::NetworkPolicyIngressRule {
                from: Some(vec![peer(&Peer::Cidr(S::new(
                    "0.0.0.0/0".into(),
                    Default::default(),
                )))]),
                ports: Some(dedup(target_ports(w, None))),
            });
        }
        let mut egress = Vec::new();
        // Members of a stateful workload (replica sets, clusters) talk to each other.
        if w.kind == WorkloadKind::Stateful && !w.ports.is_empty() {
            let own = || net::NetworkPolicyPeer {
                pod_selector: Some(pods(selector(env.app, &w.name.v))),
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
        for r in &w.reach {
            if let Some(t) = env.workloads.get(r.v.target.as_str()) {
                let ports = target_ports(t, r.v.port.as_ref());
                if ports.is_empty() {
                    continue;
                }
                egress.push(net::NetworkPolicyEgressRule {
                    to: Some(vec![net::NetworkPolicyPeer {
                        pod_selector: Some(pods(selector(env.app, &t.name.v))),
                        ..Default::default()
                    }]),
                    ports: Some(dedup(ports)),
                });
            }
        }
        for e in &w.egress {
            egress.push(net::NetworkPolicyEgressRule {
                to: Some(vec![peer(&e.peer)]),
                ports: (!e.ports.is_empty())
                    .then(|| e.ports.iter().map(|p| port(p.v, "TCP")).collect()),
            });
        }
        if ingress.is_empty() && egress.is_empty() {
            continue;
        }
        let mut types = Vec::new();
        if !ingress.is_empty() {
            types.push("Ingress".to_string());
        }
        if !egress.is_empty() {
            types.push("Egress".to_string());
        }
        out.push((
            w.name.v.clone(),
            value(&net::NetworkPolicy {
                metadata: meta(env, &w.name.v),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(pods(selector(env.app, &w.name.v))),
                    policy_types: Some(types),
                    ingress: (!ingress.is_empty()).then_some(ingress),
                    egress: (!egress.is_empty()).then_some(egress),
                }),
            }),
        ));
    }
    out
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
