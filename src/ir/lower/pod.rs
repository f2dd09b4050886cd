//! A workload's pod: its one container (image, command, ports, environment, resources,
//! probes, mounts), security contexts, volumes and placement.

use super::{Cx, DEFAULT_USER, image_ref, kv, q};
use crate::ir::scope::Env;
use crate::policy;
use crate::syntax::ast::{self, *};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// `Some(v)` unless `v` is empty: Kubernetes leaves out empty lists.
fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
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
        let (volumes, mounts) = volumes(w);
        let container = core::Container {
            name: w.name.v.clone(),
            command: w.command.as_ref().map(|c| c.v.clone()),
            args: w.args.as_ref().map(|c| c.v.clone()),
            ports: some(w.ports.iter().map(container_port).collect()),
            env: some(w.env.iter().map(env_var).collect()),
            env_from: some(w.env_from.iter().map(|f| env_from(env, &f.v)).collect()),
            resources: w.resources.as_ref().map(resources),
            liveness_probe: w.liveness.as_ref().map(|p| probe(w, p)),
            readiness_probe: w.readiness.as_ref().map(|p| probe(w, p)),
            startup_probe: w.startup.as_ref().map(|p| probe(w, p)),
            security_context: Some(container_security(sec, non_root)),
            volume_mounts: some(mounts),
            ..self.image(env, w)
        };
        let label_selector = LabelSelector {
            match_labels: Some(sel.clone()),
            ..Default::default()
        };
        let node_selector = kv(&w.node_selector);
        core::PodSpec {
            service_account_name: w.service_account.as_ref().map(|s| s.v.clone()),
            automount_service_account_token: w.service_account.is_none().then_some(false),
            enable_service_links: Some(false),
            termination_grace_period_seconds: w.grace_period.as_ref().map(|g| g.v),
            security_context: Some(pod_security(sec, non_root)),
            containers: vec![container],
            volumes: some(volumes),
            affinity: w
                .anti_affinity
                .as_ref()
                .map(|a| anti_affinity(a.v, &label_selector)),
            topology_spread_constraints: w.spread.as_ref().map(|s| spread(s.v, &label_selector)),
            node_selector: (!node_selector.is_empty()).then_some(node_selector),
            tolerations: some(w.tolerations.iter().map(toleration).collect()),
            ..Default::default()
        }
    }

    /// The container's image and pull policy (the rest of it left to the caller).
    fn image(&self, env: &Env, w: &Workload) -> core::Container {
        let (repo, tag, digest) = w
            .image
            .as_ref()
            .map(|i| image_ref(self.spec, i))
            .unwrap_or_default();
        let image = match (&tag, &digest) {
            (_, Some(d)) => format!("{repo}@{d}"),
            (Some(t), None) => format!("{repo}:{t}"),
            (None, None) => repo.clone(),
        };
        let tagged = tag.as_deref().is_some_and(|t| t != "latest");
        let pull = w.image.as_ref().and_then(|i| i.pull.as_ref()).map_or_else(
            || policy::default_pull(env.level, digest.is_some(), tagged),
            |p| p.v,
        );
        core::Container {
            image: Some(image),
            image_pull_policy: Some(pull.to_string()),
            ..Default::default()
        }
    }
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

/// The container's security context: no privilege escalation, a read-only root, every
/// capability dropped but those the spec adds back.
fn container_security(sec: Option<&Security>, non_root: bool) -> core::SecurityContext {
    let add: Vec<String> = sec
        .map(|s| s.add_capabilities.iter().map(|c| c.v.clone()).collect())
        .unwrap_or_default();
    let flag = |f: Option<&S<bool>>, default: bool| Some(f.map_or(default, |b| b.v));
    core::SecurityContext {
        allow_privilege_escalation: flag(sec.and_then(|s| s.privilege_escalation.as_ref()), false),
        read_only_root_filesystem: flag(sec.and_then(|s| s.read_only_root.as_ref()), true),
        run_as_non_root: Some(non_root),
        capabilities: Some(core::Capabilities {
            drop: Some(vec!["ALL".into()]),
            add: some(add),
        }),
        ..Default::default()
    }
}

fn env_var(e: &EnvVar) -> core::EnvVar {
    let from = |source: core::EnvVarSource| (None, Some(source));
    let (value, value_from) = match &e.source {
        EnvSource::Value(v) => (Some(v.v.clone()), None),
        EnvSource::Secret { name, key } => from(core::EnvVarSource {
            secret_key_ref: Some(core::SecretKeySelector {
                name: name.v.clone(),
                key: key.v.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        EnvSource::Config { name, key } => from(core::EnvVarSource {
            config_map_key_ref: Some(core::ConfigMapKeySelector {
                name: name.v.clone(),
                key: key.v.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        EnvSource::Field(f) => from(core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector {
                field_path: f.v.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }),
    };
    core::EnvVar {
        name: e.name.v.clone(),
        value,
        value_from,
    }
}

/// Every key of a config (or, if it is not one, a secret) as a variable.
fn env_from(env: &Env, name: &str) -> core::EnvFromSource {
    if env.configs.contains(name) {
        core::EnvFromSource {
            config_map_ref: Some(core::ConfigMapEnvSource {
                name: name.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }
    } else {
        core::EnvFromSource {
            secret_ref: Some(core::SecretEnvSource {
                name: name.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

fn resources(r: &Resources) -> core::ResourceRequirements {
    let amounts = |cm: &CpuMem| {
        [
            ("cpu", &cm.cpu),
            ("memory", &cm.memory),
            ("ephemeral-storage", &cm.ephemeral),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), q(&v.as_ref()?.v))))
        .collect()
    };
    core::ResourceRequirements {
        requests: r.requests.as_ref().map(amounts),
        limits: r.limits.as_ref().map(amounts),
        ..Default::default()
    }
}

/// A port as a probe names it: by name, or by number when no port has that number.
fn port_ref(w: &Workload, p: &PortRef) -> IntOrString {
    match p {
        PortRef::Name(n) => IntOrString::String(n.clone()),
        PortRef::Number(n) => match w.ports.iter().find(|x| x.number.v == *n) {
            Some(x) => IntOrString::String(x.name.v.clone()),
            None => IntOrString::Int(*n as i32),
        },
    }
}

fn probe(w: &Workload, p: &ast::Probe) -> core::Probe {
    let seconds = |v: &Option<S<i64>>| v.as_ref().map(|v| v.v as i32);
    let mut out = core::Probe {
        initial_delay_seconds: seconds(&p.delay),
        period_seconds: seconds(&p.period),
        timeout_seconds: seconds(&p.timeout),
        failure_threshold: seconds(&p.failures),
        ..Default::default()
    };
    match &p.action {
        ProbeAction::Http { path, port } => {
            out.http_get = Some(core::HTTPGetAction {
                path: Some(path.v.clone()),
                port: port_ref(w, &port.v),
                ..Default::default()
            })
        }
        ProbeAction::Tcp(port) => {
            out.tcp_socket = Some(core::TCPSocketAction {
                port: port_ref(w, &port.v),
                ..Default::default()
            })
        }
        ProbeAction::Grpc(port) => {
            // gRPC probes take a number only.
            let number = match &port.v {
                PortRef::Number(n) => *n as i32,
                PortRef::Name(n) => w
                    .ports
                    .iter()
                    .find(|x| &x.name.v == n)
                    .map_or(0, |x| x.number.v as i32),
            };
            out.grpc = Some(core::GRPCAction {
                port: number,
                service: None,
            })
        }
        ProbeAction::Exec(cmd) => {
            out.exec = Some(core::ExecAction {
                command: Some(cmd.v.clone()),
            })
        }
    }
    out
}

/// The pod's volumes and the container's mounts (of those and of the stateful storage).
fn volumes(w: &Workload) -> (Vec<core::Volume>, Vec<core::VolumeMount>) {
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
    (w.volumes.iter().map(volume).collect(), mounts)
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

fn container_port(p: &Port) -> core::ContainerPort {
    core::ContainerPort {
        name: Some(p.name.v.clone()),
        container_port: p.number.v as i32,
        protocol: Some(
            p.protocol
                .as_ref()
                .map_or(Protocol::Tcp, |x| x.v)
                .to_string(),
        ),
        ..Default::default()
    }
}

/// Two pods of the workload on one node: never, or only when nothing else fits.
fn anti_affinity(a: AntiAffinity, label_selector: &LabelSelector) -> core::Affinity {
    let term = core::PodAffinityTerm {
        label_selector: Some(label_selector.clone()),
        topology_key: "kubernetes.io/hostname".into(),
        ..Default::default()
    };
    let anti = match a {
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
    };
    core::Affinity {
        pod_anti_affinity: Some(anti),
        ..Default::default()
    }
}

fn spread(s: Spread, label_selector: &LabelSelector) -> Vec<core::TopologySpreadConstraint> {
    vec![core::TopologySpreadConstraint {
        max_skew: 1,
        topology_key: match s {
            Spread::Zone => "topology.kubernetes.io/zone".into(),
            Spread::Node => "kubernetes.io/hostname".into(),
        },
        when_unsatisfiable: "ScheduleAnyway".into(),
        label_selector: Some(label_selector.clone()),
        ..Default::default()
    }]
}

fn toleration(t: &Toleration) -> core::Toleration {
    core::Toleration {
        key: Some(t.key.v.clone()),
        operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.into()),
        value: t.value.as_ref().map(|v| v.v.clone()),
        effect: t.effect.as_ref().map(|e| e.v.to_string()),
        ..Default::default()
    }
}
