//! A workload's pod: its containers (`container.rs`), security context, volumes and placement
//! (`placement.rs`).

use super::{Cx, DEFAULT_USER, q};
use crate::ir::scope::Env;
use crate::syntax::ast::*;
use k8s_openapi::api::core::v1 as core;
use std::collections::BTreeMap;

/// `Some(v)` unless `v` is empty: Kubernetes leaves out empty lists.
pub(super) fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

impl Cx<'_> {
    pub(super) fn pod_spec(
        &self,
        env: &Env,
        w: &Workload,
        sel: &BTreeMap<String, String>,
    ) -> core::PodSpec {
        let sec = w.security.as_ref();
        let non_root = sec.and_then(|s| s.non_root.as_ref()).is_none_or(|b| b.v);
        let mut containers = vec![self.main_container(env, w, non_root)];
        let mut init_containers = Vec::new();
        let native = self.minor >= crate::kubernetes::NATIVE_SIDECARS;
        for c in &w.containers {
            let out = self.extra_container(env, w, c, non_root);
            match c.role {
                ContainerRole::Sidecar if !native => containers.push(out),
                ContainerRole::Sidecar => init_containers.push(core::Container {
                    restart_policy: Some("Always".into()),
                    ..out
                }),
                ContainerRole::Init => init_containers.push(out),
            }
        }
        let node_selector = super::kv(&w.node_selector);
        core::PodSpec {
            service_account_name: w.service_account.as_ref().map(|s| s.v.clone()),
            automount_service_account_token: automount(env, w),
            enable_service_links: Some(false),
            priority_class_name: w.priority_class.as_ref().map(|p| p.v.clone()),
            termination_grace_period_seconds: w.grace_period.as_ref().map(|g| g.v),
            security_context: Some(pod_security(sec, non_root)),
            init_containers: some(init_containers),
            containers,
            volumes: some(w.volumes.iter().map(volume).collect()),
            affinity: super::placement::affinity(env, w, sel),
            topology_spread_constraints: w
                .spread
                .as_ref()
                .map(|s| super::placement::spread(s.v, sel)),
            node_selector: (!node_selector.is_empty()).then_some(node_selector),
            tolerations: some(
                w.tolerations
                    .iter()
                    .map(super::placement::toleration)
                    .collect(),
            ),
            ..Default::default()
        }
    }
}

/// Whether the pod gets an API token: not without an account; as a declared account says;
/// as Kubernetes decides for an account made elsewhere.
fn automount(env: &Env, w: &Workload) -> Option<bool> {
    let Some(name) = &w.service_account else {
        return Some(false);
    };
    let declared = env.items.accounts.iter().find(|a| a.name.v == name.v);
    declared.map(Account::automount)
}

/// The pod's security context: non-root as a high UID unless the spec names one, in the
/// primary group of the same number unless it names one (never the image's user, nor group 0),
/// the runtime's default seccomp profile.
fn pod_security(sec: Option<&Security>, non_root: bool) -> core::PodSecurityContext {
    let user = sec
        .and_then(|s| s.user.as_ref())
        .map(|u| u.v)
        .or(non_root.then_some(DEFAULT_USER));
    let group = sec.and_then(|s| s.group.as_ref()).map(|u| u.v).or(user);
    core::PodSecurityContext {
        run_as_non_root: non_root.then_some(true),
        run_as_user: user,
        run_as_group: group,
        fs_group: sec.and_then(|s| s.fs_group.as_ref()).map(|u| u.v),
        seccomp_profile: Some(core::SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The mounts of the workload's own container: its volumes and its stateful storage.
pub(super) fn main_mounts(w: &Workload) -> Vec<core::VolumeMount> {
    let mut mounts: Vec<core::VolumeMount> = w
        .volumes
        .iter()
        .map(|v| core::VolumeMount {
            name: v.name.v.clone(),
            mount_path: v.mount.v.clone(),
            read_only: v.read_only.as_ref().map(|b| b.v),
            sub_path: v.sub_path.as_ref().map(|s| s.v.clone()),
            ..Default::default()
        })
        .collect();
    mounts.extend(w.storage.iter().map(|s| core::VolumeMount {
        name: s.name.v.clone(),
        mount_path: s.mount.v.clone(),
        ..Default::default()
    }));
    mounts
}

fn volume(v: &Volume) -> core::Volume {
    let mut vol = core::Volume {
        name: v.name.v.clone(),
        ..Default::default()
    };
    match &v.source {
        VolumeSource::EmptyDir { size, memory } => {
            vol.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: memory.then(|| "Memory".to_string()),
                size_limit: size.as_ref().map(|s| q(&s.v)),
            })
        }
        VolumeSource::Config(c) => {
            vol.config_map = Some(core::ConfigMapVolumeSource {
                name: c.v.clone(),
                ..Default::default()
            })
        }
        VolumeSource::Secret(s) => {
            vol.secret = Some(core::SecretVolumeSource {
                secret_name: Some(s.v.clone()),
                ..Default::default()
            })
        }
        VolumeSource::Claim(c) => {
            vol.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: c.v.clone(),
                read_only: None,
            })
        }
    }
    vol
}
