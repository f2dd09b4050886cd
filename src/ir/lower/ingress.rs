//! An `ingress` becomes an Ingress: one rule per host, a path per route, TLS for every host.

use super::{kv, to_value, waiver_annotations};
use crate::ir::scope::Env;
use crate::syntax::ast::{Ingress, IssuerKind, PathType, Port, PortRef, Route};
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub(super) fn ingress(env: &Env, i: &Ingress) -> Value {
    let mut labels = env.app_labels.clone();
    labels.insert("app.kubernetes.io/name".into(), i.name.v.clone());
    let annotations = annotations(env, i);
    let (rules, hosts) = rules(env, &i.routes);
    let tls = i.tls.as_ref().map(|t| {
        vec![net::IngressTLS {
            hosts: Some(hosts),
            secret_name: Some(
                t.secret
                    .as_ref()
                    .map_or_else(|| format!("{}-tls", i.name.v), |s| s.v.clone()),
            ),
        }]
    });
    to_value(&net::Ingress {
        metadata: ObjectMeta {
            name: Some(i.name.v.clone()),
            namespace: Some(env.namespace.to_string()),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(net::IngressSpec {
            ingress_class_name: i.class.as_ref().map(|c| c.v.clone()),
            rules: Some(rules),
            tls,
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The spec's annotations, cert-manager's issuer, and the waivers.
fn annotations(env: &Env, i: &Ingress) -> BTreeMap<String, String> {
    let mut annotations = kv(&i.annotations);
    if let Some(t) = &i.tls
        && let Some(issuer) = &t.issuer
    {
        let kind = t
            .issuer_kind
            .as_ref()
            .map_or(IssuerKind::ClusterIssuer, |k| k.v);
        let key = match kind {
            IssuerKind::Issuer => "cert-manager.io/issuer",
            IssuerKind::ClusterIssuer => "cert-manager.io/cluster-issuer",
        };
        annotations.insert(key.into(), issuer.v.clone());
    }
    annotations.extend(waiver_annotations(
        i.waivers.iter().chain(env.waivers_for(true)),
    ));
    annotations
}

/// One rule per host, in the order hosts first appear, and the hosts.
fn rules(env: &Env, routes: &[Route]) -> (Vec<net::IngressRule>, Vec<String>) {
    let mut rules: Vec<net::IngressRule> = Vec::new();
    let mut rule_of_host: HashMap<&str, usize> = HashMap::new();
    let mut hosts: Vec<String> = Vec::new();
    for r in routes {
        let path = path(env, r);
        match rule_of_host.get(r.host.v.as_str()) {
            Some(&i) => rules[i]
                .http
                .get_or_insert_with(Default::default)
                .paths
                .push(path),
            None => {
                rule_of_host.insert(r.host.v.as_str(), rules.len());
                hosts.push(r.host.v.clone());
                rules.push(net::IngressRule {
                    host: Some(r.host.v.clone()),
                    http: Some(net::HTTPIngressRuleValue { paths: vec![path] }),
                })
            }
        }
    }
    (rules, hosts)
}

/// A route's path, to its service's port by name.
fn path(env: &Env, r: &Route) -> net::HTTPIngressPath {
    let port_name = env
        .workloads
        .get(r.service.v.as_str())
        .and_then(|w| match &r.port {
            Some(p) => w.ports.iter().find(|x| matches_port(x, &p.v)),
            None => w.ports.first(),
        });
    net::HTTPIngressPath {
        path: Some(r.path.as_ref().map_or_else(|| "/".into(), |p| p.v.clone())),
        path_type: r
            .path_type
            .as_ref()
            .map_or(PathType::Prefix, |p| p.v)
            .to_string(),
        backend: net::IngressBackend {
            service: Some(net::IngressServiceBackend {
                name: r.service.v.clone(),
                port: Some(net::ServiceBackendPort {
                    name: port_name.map(|p| p.name.v.clone()),
                    number: None,
                }),
            }),
            ..Default::default()
        },
    }
}

/// Whether a route's port names this port (by name, container or Service number).
fn matches_port(x: &Port, p: &PortRef) -> bool {
    match p {
        PortRef::Name(n) => &x.name.v == n,
        PortRef::Number(n) => {
            x.number.v == *n || x.service_port.as_ref().is_some_and(|s| s.v == *n)
        }
    }
}
