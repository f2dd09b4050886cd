//! A pod's containers: the workload's own, its init containers and sidecars, with their
//! images, environment, resources, probes, hooks, mounts and security contexts.

use super::pod::{main_mounts, some};
use super::{Cx, image_ref, q};
use crate::ir::scope::Env;
use crate::policy;
use crate::syntax::ast::{self, *};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// What the workload's own container and an extra one are both made of.
struct Parts<'a> {
    name: &'a str,
    image: Option<&'a Image>,
    command: &'a Option<S<Vec<String>>>,
    args: &'a Option<S<Vec<String>>>,
    ports: &'a [Port],
    env: &'a [EnvVar],
    env_from: &'a [S<String>],
    resources: Option<&'a Resources>,
    probes: [&'a Option<ast::Probe>; 3],
    pre_stop: Option<&'a PreStop>,
}

impl Cx<'_> {
    /// The workload's own container.
    pub(super) fn main_container(
        &self,
        env: &Env,
        w: &Workload,
        non_root: bool,
    ) -> core::Container {
        let name = w.container_name.as_ref().unwrap_or(&w.name);
        let parts = Parts {
            name: &name.v,
            image: w.image.as_ref(),
            command: &w.command,
            args: &w.args,
            ports: &w.ports,
            env: &w.env,
            env_from: &w.env_from,
            resources: w.resources.as_ref(),
            probes: [&w.liveness, &w.readiness, &w.startup],
            pre_stop: w.pre_stop.as_ref(),
        };
        core::Container {
            security_context: Some(container_security(w.security.as_ref(), non_root, false)),
            volume_mounts: some(main_mounts(w)),
            ..self.container(env, &parts)
        }
    }

    /// An init container or a sidecar (where it goes in the pod is the pod's business).
    pub(super) fn extra_container(
        &self,
        env: &Env,
        w: &Workload,
        c: &Container,
        pod_non_root: bool,
    ) -> core::Container {
        let parts = Parts {
            name: &c.name.v,
            image: c.image.as_ref(),
            command: &c.command,
            args: &c.args,
            ports: &c.ports,
            env: &c.env,
            env_from: &c.env_from,
            resources: c.resources.as_ref(),
            probes: [&c.liveness, &c.readiness, &c.startup],
            pre_stop: c.pre_stop.as_ref(),
        };
        let (sec, own) = match &c.security {
            Some(s) => (Some(s), true),
            None => (w.security.as_ref(), false),
        };
        let non_root = sec
            .and_then(|s| s.non_root.as_ref())
            .map_or(pod_non_root, |b| b.v);
        core::Container {
            security_context: Some(container_security(sec, non_root, own)),
            volume_mounts: some(c.mounts.iter().map(mount).collect()),
            ..self.container(env, &parts)
        }
    }

    /// What every container has: image, command, ports, environment, resources, probes, hook.
    fn container(&self, env: &Env, p: &Parts) -> core::Container {
        let probe = |i: usize| p.probes[i].as_ref().map(|x| probe(p.ports, x));
        core::Container {
            name: p.name.to_string(),
            command: p.command.as_ref().map(|c| c.v.clone()),
            args: p.args.as_ref().map(|c| c.v.clone()),
            ports: some(p.ports.iter().map(container_port).collect()),
            env: some(p.env.iter().map(env_var).collect()),
            env_from: some(p.env_from.iter().map(|f| env_from(env, &f.v)).collect()),
            resources: p.resources.map(resources),
            liveness_probe: probe(0),
            readiness_probe: probe(1),
            startup_probe: probe(2),
            lifecycle: p.pre_stop.map(|h| core::Lifecycle {
                pre_stop: Some(hook(p.ports, h)),
                ..Default::default()
            }),
            ..self.image(env, p.image)
        }
    }

    /// The container's image and pull policy (the rest of it left to the caller).
    fn image(&self, env: &Env, image: Option<&Image>) -> core::Container {
        let (repo, tag, digest) = image.map(|i| image_ref(self.spec, i)).unwrap_or_default();
        let reference = match (&tag, &digest) {
            (_, Some(d)) => format!("{repo}@{d}"),
            (Some(t), None) => format!("{repo}:{t}"),
            (None, None) => repo.clone(),
        };
        let tagged = tag.as_deref().is_some_and(|t| t != "latest");
        let pull = image.and_then(|i| i.pull.as_ref()).map_or_else(
            || policy::default_pull(env.level, digest.is_some(), tagged),
            |p| p.v,
        );
        core::Container {
            image: Some(reference),
            image_pull_policy: Some(pull.to_string()),
            ..Default::default()
        }
    }
}

/// The container's security context: no privilege escalation, a read-only root, every
/// capability dropped but those the spec adds back. A container with a `security` of its own
/// (`own`) runs as its user and group, rather than the pod's.
fn container_security(sec: Option<&Security>, non_root: bool, own: bool) -> core::SecurityContext {
    let add: Vec<String> = sec
        .map(|s| s.add_capabilities.iter().map(|c| c.v.clone()).collect())
        .unwrap_or_default();
    let flag = |f: Option<&S<bool>>, default: bool| Some(f.map_or(default, |b| b.v));
    core::SecurityContext {
        allow_privilege_escalation: flag(sec.and_then(|s| s.privilege_escalation.as_ref()), false),
        read_only_root_filesystem: flag(sec.and_then(|s| s.read_only_root.as_ref()), true),
        run_as_non_root: Some(non_root),
        run_as_user: sec
            .filter(|_| own)
            .and_then(|s| s.user.as_ref())
            .map(|u| u.v),
        run_as_group: sec
            .filter(|_| own)
            .and_then(|s| s.group.as_ref())
            .map(|u| u.v),
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
fn port_ref(ports: &[Port], p: &PortRef) -> IntOrString {
    match p {
        PortRef::Name(n) => IntOrString::String(n.clone()),
        PortRef::Number(n) => match ports.iter().find(|x| x.number.v == *n) {
            Some(x) => IntOrString::String(x.name.v.clone()),
            None => IntOrString::Int(*n as i32),
        },
    }
}

fn probe(ports: &[Port], p: &ast::Probe) -> core::Probe {
    let seconds = |v: &Option<S<i64>>| v.as_ref().map(|v| v.v as i32);
    let mut out = core::Probe {
        initial_delay_seconds: seconds(&p.delay),
        period_seconds: seconds(&p.period),
        timeout_seconds: seconds(&p.timeout),
        failure_threshold: seconds(&p.failures),
        ..Default::default()
    };
    match &p.action {
        ProbeAction::Http {
            path,
            port,
            headers,
        } => {
            let headers = headers
                .iter()
                .map(|(name, value)| core::HTTPHeader {
                    name: name.v.clone(),
                    value: value.v.clone(),
                })
                .collect();
            out.http_get = Some(core::HTTPGetAction {
                path: Some(path.v.clone()),
                port: port_ref(ports, &port.v),
                http_headers: some(headers),
                ..Default::default()
            })
        }
        ProbeAction::Tcp(port) => {
            out.tcp_socket = Some(core::TCPSocketAction {
                port: port_ref(ports, &port.v),
                ..Default::default()
            })
        }
        ProbeAction::Grpc { port, service } => {
            // gRPC probes take a number only.
            let number = match &port.v {
                PortRef::Number(n) => *n as i32,
                PortRef::Name(n) => ports
                    .iter()
                    .find(|x| &x.name.v == n)
                    .map_or(0, |x| x.number.v as i32),
            };
            out.grpc = Some(core::GRPCAction {
                port: number,
                service: service.as_ref().map(|s| s.v.clone()),
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

fn mount(m: &Mount) -> core::VolumeMount {
    core::VolumeMount {
        name: m.volume.v.clone(),
        mount_path: m.path.v.clone(),
        read_only: m.read_only.as_ref().map(|b| b.v),
        sub_path: m.sub_path.as_ref().map(|s| s.v.clone()),
        ..Default::default()
    }
}

/// A `pre-stop` hook.
fn hook(ports: &[Port], h: &PreStop) -> core::LifecycleHandler {
    match &h.action {
        PreStopAction::Exec(cmd) => core::LifecycleHandler {
            exec: Some(core::ExecAction {
                command: Some(cmd.v.clone()),
            }),
            ..Default::default()
        },
        PreStopAction::Sleep(s) => core::LifecycleHandler {
            sleep: Some(core::SleepAction { seconds: s.v }),
            ..Default::default()
        },
        PreStopAction::Http { path, port } => core::LifecycleHandler {
            http_get: Some(core::HTTPGetAction {
                path: Some(path.v.clone()),
                port: port_ref(ports, &port.v),
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}
