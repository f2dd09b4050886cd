//! A `service-account` becomes a ServiceAccount and, when it `can` do something, a Role with
//! those rules and a RoleBinding giving it to the account.

use super::{Cx, kv, to_value};
use crate::ir::scope::Env;
use crate::kubernetes::resources;
use crate::syntax::ast::{Account, Keyword};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use serde_json::Value;

impl Cx<'_> {
    /// The account's objects: the ServiceAccount, then its Role and RoleBinding.
    pub(super) fn account(&self, env: &Env, a: &Account) -> Vec<Value> {
        let mut meta = self.meta(env, &a.name.v, &kv(&a.labels));
        let annotations = kv(&a.annotations);
        meta.annotations = (!annotations.is_empty()).then_some(annotations);
        let mut out = vec![to_value(&core::ServiceAccount {
            metadata: meta,
            automount_service_account_token: Some(a.automount()),
            ..Default::default()
        })];
        if a.rules.is_empty() {
            return out;
        }
        let meta = self.meta(env, &a.name.v, &kv(&a.labels));
        let rules = a.rules.iter().map(|r| rbac::PolicyRule {
            api_groups: Some(vec![r.group.as_ref().map_or_else(
                || {
                    resources::group_of(&r.resource.v)
                        .unwrap_or_default()
                        .to_string()
                },
                |g| g.v.clone(),
            )]),
            resources: Some(vec![r.resource.v.clone()]),
            resource_names: r.name.as_ref().map(|n| vec![n.v.clone()]),
            verbs: r.verbs.iter().map(|v| v.v.name().to_string()).collect(),
            ..Default::default()
        });
        out.push(to_value(&rbac::Role {
            metadata: meta.clone(),
            rules: Some(rules.collect()),
        }));
        out.push(to_value(&rbac::RoleBinding {
            metadata: meta,
            role_ref: rbac::RoleRef {
                api_group: "rbac.authorization.k8s.io".into(),
                kind: "Role".into(),
                name: a.name.v.clone(),
            },
            subjects: Some(vec![rbac::Subject {
                kind: "ServiceAccount".into(),
                name: a.name.v.clone(),
                namespace: Some(env.namespace.to_string()),
                ..Default::default()
            }]),
        }));
        out
    }
}
