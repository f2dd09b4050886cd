//! A `config` becomes a ConfigMap; a `secret` a SealedSecret, an ExternalSecret, or nothing
//! (an existing Secret is only referred to).

use super::{Cx, kv, to_value, waiver_annotations};
use crate::ir::kinds;
use crate::ir::scope::Env;
use crate::syntax::ast::{Config, Secret, SecretKey, SecretSource, StoreKind};
use k8s_openapi::api::core::v1 as core;
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl Cx<'_> {
    /// The ConfigMap: the spec's values and the files' contents.
    pub(super) fn config(&self, env: &Env, c: &Config) -> Value {
        let mut data: BTreeMap<String, String> = kv(&c.data);
        for f in &c.files {
            data.insert(
                f.key.v.clone(),
                self.files.get(&f.path.v).cloned().unwrap_or_default(),
            );
        }
        let mut metadata = self.meta(env, &c.name.v, &kv(&c.labels));
        let mut annotations = kv(&c.annotations);
        annotations.extend(waiver_annotations(&c.waivers));
        metadata.annotations = (!annotations.is_empty()).then_some(annotations);
        to_value(&core::ConfigMap {
            metadata,
            data: Some(data),
            ..Default::default()
        })
    }
}

/// The object that makes the Secret, if stowage makes it.
pub(super) fn secret(env: &Env, s: &Secret) -> Option<Value> {
    use super::kv;
    let mut labels = env.app_labels.clone();
    labels.insert("app.kubernetes.io/name".into(), s.name.v.clone());
    labels.extend(kv(&s.labels));
    let mut metadata = json!({"name": s.name.v, "namespace": env.namespace, "labels": labels});
    if !s.annotations.is_empty() {
        metadata["annotations"] = json!(kv(&s.annotations));
    }
    // The Secret an ExternalSecret makes carries the spec's labels and annotations.
    let target = match (s.labels.is_empty(), s.annotations.is_empty()) {
        (true, true) => json!({"name": s.name.v, "creationPolicy": "Owner"}),
        _ => json!({
            "name": s.name.v,
            "creationPolicy": "Owner",
            "template": {"metadata": {"labels": labels, "annotations": kv(&s.annotations)}},
        }),
    };
    match s.source.v {
        SecretSource::Existing => None,
        SecretSource::Sealed => Some(json!({
            "apiVersion": kinds::SEALED_SECRET.api_version,
            "kind": kinds::SEALED_SECRET.kind,
            "metadata": metadata,
            "spec": {
                "encryptedData": sealed_data(&s.keys),
                "template": {"metadata": metadata},
            },
        })),
        SecretSource::External => Some(json!({
            "apiVersion": kinds::EXTERNAL_SECRET.api_version,
            "kind": kinds::EXTERNAL_SECRET.kind,
            "metadata": metadata,
            "spec": {
                "refreshInterval": s.refresh.as_ref().map_or("1h", |r| r.v.as_str()),
                "secretStoreRef": {
                    "name": s.store.as_ref().map(|r| r.v.clone()).unwrap_or_default(),
                    "kind": s.store_kind.as_ref().map_or(StoreKind::ClusterSecretStore, |r| r.v).to_string(),
                },
                "target": target,
                "data": external_data(&s.keys),
            },
        })),
    }
}

/// A SealedSecret's encrypted values, by key.
fn sealed_data(keys: &[SecretKey]) -> serde_json::Map<String, Value> {
    keys.iter()
        .map(|k| {
            let value = k
                .encrypted
                .as_ref()
                .map(|e| e.v.clone())
                .unwrap_or_default();
            (k.name.v.clone(), Value::String(value))
        })
        .collect()
}

/// An ExternalSecret's keys and where each is read from.
fn external_data(keys: &[SecretKey]) -> Vec<Value> {
    keys.iter()
        .map(|k| {
            let mut remote = serde_json::Map::new();
            remote.insert(
                "key".into(),
                Value::String(k.remote.as_ref().map(|r| r.v.clone()).unwrap_or_default()),
            );
            if let Some(p) = &k.property {
                remote.insert("property".into(), Value::String(p.v.clone()));
            }
            json!({"secretKey": k.name.v, "remoteRef": remote})
        })
        .collect()
}
