//! `command` and `args`: what a container runs; `container-name`; and the pod's other
//! containers, `init` and `sidecar`, with the volumes they `mount`.

use super::env::{ENV, ENV_FROM, EnvVar};
use super::image::{IMAGE, Image};
use super::lifecycle::{PRE_STOP, PreStop};
use super::port::{PORT, Port};
use super::probe::{LIVENESS, Probe, READINESS, STARTUP};
use super::resources::{RESOURCES, Resources};
use super::security::{SECURITY, Security};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

pub static COMMAND: Kind = Kind {
    name: "command",
    what: "`command`",
    args: Args::Many(Type::StringOrInteger),
    example: "command \"node\" \"dist/server.js\"",
    doc: "The container's command, replacing the image's entrypoint.",
    reference: "workloads.md#command-and-args",
    ..Kind::LEAF
};

pub static ARGS: Kind = Kind {
    name: "args",
    what: "`args`",
    args: Args::Many(Type::StringOrInteger),
    example: "args \"--workers\" 4",
    doc: "The container's arguments, replacing the image's default arguments.",
    reference: "workloads.md#command-and-args",
    ..Kind::LEAF
};

keyword! {
    /// What an extra container of a pod is, by the node that declares it.
    pub enum ContainerRole("container role") {
        /// Runs to completion before the workload's container starts.
        Init = "init",
        /// Runs beside the workload's container for the pod's whole life.
        Sidecar = "sidecar",
    }
}

pub static CONTAINER_NAME: Kind = Kind {
    name: "container-name",
    what: "`container-name`",
    args: Args::One(Type::String),
    example: "container-name \"app\"",
    doc: "The name of the workload's own container (default: the workload's name).",
    reference: "workloads.md#container-name",
    ..Kind::LEAF
};

pub static MOUNT: Kind = Kind {
    name: "mount",
    what: "`mount`",
    args: Args::NameAnd(Type::String),
    props: &[
        prop("read-only", Type::Bool, "mounted read-only"),
        prop(
            "sub-path",
            Type::String,
            "mount one file or folder of the volume",
        ),
    ],
    identity: Identity::Named,
    example: "mount \"shared\" \"/var/run/shared\"",
    doc: "A volume of the workload (a `volume` or `storage`, by name) mounted at a path.",
    reference: "workloads.md#init-and-sidecar",
    ..Kind::LEAF
};

pub static INIT: Kind = Kind {
    name: "init",
    what: "an init container",
    args: Args::Name,
    children: Children::Kinds(&[
        &IMAGE, &COMMAND, &ARGS, &ENV, &ENV_FROM, &RESOURCES, &SECURITY, &MOUNT,
    ]),
    identity: Identity::Named,
    example: "init \"wait-for-db\" { image \"busybox\" tag=\"1.37\" command \"sh\" \"-c\" \"until nc -z db 5432; do sleep 1; done\" }",
    doc: "A container that runs to completion, in order, before the workload's container starts.",
    reference: "workloads.md#init-and-sidecar",
    ..Kind::LEAF
};

pub static SIDECAR: Kind = Kind {
    name: "sidecar",
    what: "a sidecar",
    children: Children::Kinds(&[
        &IMAGE, &COMMAND, &ARGS, &PORT, &ENV, &ENV_FROM, &RESOURCES, &LIVENESS, &READINESS,
        &STARTUP, &PRE_STOP, &SECURITY, &MOUNT,
    ]),
    example: "sidecar \"proxy\" { image \"cloud-sql-proxy\" tag=\"2.14.0\" args \"--port=5432\" \"db\" }",
    doc: "A container that runs beside the workload's for the pod's whole life (a native sidecar where Kubernetes has them).",
    ..INIT
};

/// `mount "shared" "/var/run/shared"`: a volume of the workload in an extra container.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub volume: S<String>,
    pub path: S<String>,
    pub read_only: Option<S<bool>>,
    pub sub_path: Option<S<String>>,
    pub span: Span,
}

/// An init container or a sidecar.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub role: ContainerRole,
    pub name: S<String>,
    pub image: Option<Image>,
    pub command: Option<S<Vec<String>>>,
    pub args: Option<S<Vec<String>>>,
    pub ports: Vec<Port>,
    pub env: Vec<EnvVar>,
    pub env_from: Vec<S<String>>,
    pub resources: Option<Resources>,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub pre_stop: Option<PreStop>,
    /// Its own security context; the workload's when it has none.
    pub security: Option<Security>,
    pub mounts: Vec<Mount>,
    pub span: Span,
}

impl Container {
    /// The probes it has.
    pub fn probes(&self) -> impl Iterator<Item = &Probe> {
        [&self.liveness, &self.readiness, &self.startup]
            .into_iter()
            .flatten()
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn container(&mut self, node: &Node) -> Option<Container> {
        let role = ContainerRole::parse(&node.name)?;
        let decl = match role {
            ContainerRole::Init => &INIT,
            ContainerRole::Sidecar => &SIDECAR,
        };
        self.shape(node, decl);
        let name = self.name_arg(node, decl.what)?;
        let mut c = Container {
            role,
            name,
            image: None,
            command: None,
            args: None,
            ports: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            resources: None,
            liveness: None,
            readiness: None,
            startup: None,
            pre_stop: None,
            security: None,
            mounts: Vec::new(),
            span: node.name_span,
        };
        for ch in &node.children {
            self.container_child(&mut c, ch);
        }
        Some(c)
    }

    /// One child of an extra container (flat dispatch, as for a workload).
    fn container_child(&mut self, c: &mut Container, ch: &Node) {
        match ch.name.as_str() {
            "image" => c.image = self.image(ch),
            "command" => c.command = self.many_args(ch, &COMMAND),
            "args" => c.args = self.many_args(ch, &ARGS),
            "port" => c.ports.extend(self.port(ch)),
            "env" => c.env.extend(self.env(ch)),
            "env-from" => c.env_from.extend(self.env_from(ch)),
            "resources" => c.resources = self.resources(ch),
            "liveness" => c.liveness = self.probe(ch),
            "readiness" => c.readiness = self.probe(ch),
            "startup" => c.startup = self.probe(ch),
            "pre-stop" => c.pre_stop = self.pre_stop(ch),
            "security" => c.security = self.security(ch),
            "mount" => c.mounts.extend(self.mount(ch)),
            _ => {}
        }
    }

    fn mount(&mut self, ch: &Node) -> Option<Mount> {
        self.shape(ch, &MOUNT);
        let volume = self.name_arg(ch, "a mount")?;
        let Some(v) = ch.args.get(1) else {
            self.missing_arg(
                ch,
                &format!("mount `{}` needs a path", volume.v),
                MOUNT.example,
            );
            return None;
        };
        Some(Mount {
            path: self.str_value(v, "the mount path")?,
            volume,
            read_only: self.prop_bool(ch, "read-only"),
            sub_path: self.prop_str(ch, "sub-path"),
            span: ch.name_span,
        })
    }
}
