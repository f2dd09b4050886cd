//! `volume` and `storage`: what is mounted in the container.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Identity, Kind, Type, prop};

pub static VOLUME: Kind = Kind {
    name: "volume",
    what: "`volume`",
    args: Args::Name,
    props: &[
        prop("mount", Type::String, "where it is mounted"),
        prop(
            "empty-dir",
            Type::Bool,
            "a scratch directory that lives as long as the pod",
        ),
        prop("size", Type::Quantity, "empty-dir: the most it may hold"),
        prop("memory", Type::Bool, "empty-dir: kept in memory (tmpfs)"),
        prop("config", Type::String, "a config's keys as files"),
        prop("secret", Type::String, "a secret's keys as files"),
        prop("claim", Type::String, "an existing PersistentVolumeClaim"),
        prop("read-only", Type::Bool, "mounted read-only"),
        prop(
            "sub-path",
            Type::String,
            "mount one file or folder of the volume",
        ),
    ],
    identity: Identity::Named,
    example: "volume \"tmp\" mount=\"/tmp\" empty-dir=#true",
    doc: "A volume mounted in the container: one of empty-dir=, config=, secret=, claim=.",
    reference: "workloads.md#volume",
    ..Kind::LEAF
};

pub static STORAGE: Kind = Kind {
    name: "storage",
    what: "`storage`",
    args: Args::Name,
    props: &[
        prop("mount", Type::String, "where it is mounted"),
        prop("size", Type::Quantity, "the size of each pod's claim"),
        prop("class", Type::String, "the storage class"),
    ],
    identity: Identity::Named,
    example: "storage \"data\" mount=\"/data\" size=\"10Gi\"",
    doc: "A volume claim template: each pod of a stateful workload gets its own.",
    reference: "workloads.md#storage",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeSource {
    EmptyDir {
        size: Option<S<String>>,
        memory: bool,
    },
    Config(S<String>),
    Secret(S<String>),
    Claim(S<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub name: S<String>,
    pub mount: S<String>,
    pub source: VolumeSource,
    pub read_only: Option<S<bool>>,
    pub sub_path: Option<S<String>>,
    pub span: Span,
}

/// A volume claim template of a stateful workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    pub name: S<String>,
    pub mount: S<String>,
    pub size: S<String>,
    pub class: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn volume(&mut self, c: &Node) -> Option<Volume> {
        self.shape(c, &VOLUME);
        let name = self.name_arg(c, "a volume")?;
        let Some(mount) = self.prop_str(c, "mount") else {
            if c.prop("mount").is_none() {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_PROPERTY,
                        format!("volume `{}` has no mount path", name.v),
                        c.name_span,
                        "no mount=",
                    )
                    .with_help(format!("write `volume \"{}\" mount=\"/path\" ...`", name.v)),
                );
            }
            return None;
        };
        let source = self.volume_source(c, &name)?;
        Some(Volume {
            name,
            mount,
            source,
            read_only: self.prop_bool(c, "read-only"),
            sub_path: self.prop_str(c, "sub-path"),
            span: c.name_span,
        })
    }

    fn volume_source(&mut self, c: &Node, name: &S<String>) -> Option<VolumeSource> {
        let sources: Vec<&str> = ["empty-dir", "config", "secret", "claim"]
            .into_iter()
            .filter(|k| c.prop(k).is_some())
            .collect();
        if sources.len() != 1 {
            self.err(
                Diagnostic::error(
                    &code::syntax::VOLUME_SOURCE,
                    if sources.is_empty() {
                        format!("volume `{}` has no source", name.v)
                    } else {
                        format!("volume `{}` has more than one source", name.v)
                    },
                    c.name_span,
                    "one of empty-dir=, config=, secret=, claim=",
                )
                .with_help("give exactly one of empty-dir=#true, config=\"NAME\", secret=\"NAME\" or claim=\"NAME\""),
            );
            return None;
        }
        Some(match sources[0] {
            "empty-dir" => self.empty_dir(c, name),
            _ if c.prop("size").is_some() || c.prop("memory").is_some() => {
                let p = c.prop("size").or(c.prop("memory")).expect("checked");
                self.err(
                    Diagnostic::error(
                        &code::syntax::UNUSED_PROPERTY,
                        format!("`{}=` only applies to empty-dir volumes", p.key),
                        p.key_span,
                        "not an empty-dir volume",
                    )
                    .with_help("remove it; the size of a claim is set where the claim is made"),
                );
                return None;
            }
            "config" => VolumeSource::Config(self.prop_str(c, "config")?),
            "secret" => VolumeSource::Secret(self.prop_str(c, "secret")?),
            _ => VolumeSource::Claim(self.prop_str(c, "claim")?),
        })
    }

    fn empty_dir(&mut self, c: &Node, name: &S<String>) -> VolumeSource {
        if let Some(b) = self.prop_bool(c, "empty-dir")
            && !b.v
        {
            self.err(
                Diagnostic::error(
                    &code::syntax::VOLUME_SOURCE,
                    format!("volume `{}` has empty-dir=#false", name.v),
                    b.span,
                    "no source",
                )
                .with_help("write empty-dir=#true, or give config=, secret= or claim="),
            );
        }
        VolumeSource::EmptyDir {
            size: self.quantity_prop(c, "size"),
            memory: self.prop_bool(c, "memory").map(|b| b.v).unwrap_or(false),
        }
    }

    pub(in crate::syntax) fn storage(&mut self, c: &Node) -> Option<Storage> {
        self.shape(c, &STORAGE);
        let name = self.name_arg(c, "a storage claim")?;
        let mount = self.prop_str(c, "mount");
        let size = self.quantity_prop(c, "size");
        let (Some(mount), Some(size)) = (mount, size) else {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_PROPERTY,
                    format!("storage `{}` needs a mount path and a size", name.v),
                    c.name_span,
                    "mount= or size= missing",
                )
                .with_help(format!(
                    "write `storage \"{}\" mount=\"/data\" size=\"10Gi\"`",
                    name.v
                )),
            );
            return None;
        };
        Some(Storage {
            name,
            mount,
            size,
            class: self.prop_str(c, "class"),
            span: c.name_span,
        })
    }
}
