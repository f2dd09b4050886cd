//! `config`: a ConfigMap, from values in the spec and files beside it.

use super::meta::{ANNOTATIONS, LABELS, WAIVE, Waiver};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

pub static CONFIG: Kind = Kind {
    name: "config",
    what: "a config",
    args: Args::Name,
    children: Children::Kinds(&[&DATA, &FILE, &LABELS, &ANNOTATIONS, &WAIVE]),
    identity: Identity::Named,
    example: "config \"app-config\" { data LOG_LEVEL=\"info\" }",
    doc: "A ConfigMap, named by content hash so that pods restart when it changes.",
    reference: "config-and-secrets.md#config",
    ..Kind::LEAF
};

pub static DATA: Kind = Kind {
    name: "data",
    what: "`data`",
    free_props: true,
    example: "data LOG_LEVEL=\"info\"",
    doc: "Keys and values: properties, each a key.",
    reference: "config-and-secrets.md#data",
    ..Kind::LEAF
};

pub static FILE: Kind = Kind {
    name: "file",
    what: "`file`",
    args: Args::Name,
    props: &[prop(
        "path",
        Type::String,
        "the file, relative to the spec (default: the key)",
    )],
    identity: Identity::Named,
    example: "file \"nginx.conf\" path=\"config/nginx.conf\"",
    doc: "A key whose value is a file's content.",
    reference: "config-and-secrets.md#file",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: S<String>,
    pub span: Span,
    pub data: Vec<(S<String>, S<String>)>,
    pub files: Vec<ConfigFile>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    pub key: S<String>,
    pub path: S<String>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn config(&mut self, node: &Node) -> Option<Config> {
        self.shape(node, &CONFIG);
        let name = self.name_arg(node, "a config")?;
        let mut cfg = Config {
            name,
            span: node.name_span,
            data: Vec::new(),
            files: Vec::new(),
            labels: Vec::new(),
            annotations: Vec::new(),
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "data" => cfg.data = self.string_map(c),
                "labels" => cfg.labels = self.string_map(c),
                "annotations" => cfg.annotations = self.string_map(c),
                "waive" => cfg.waivers.extend(self.waiver(c)),
                "file" => cfg.files.extend(self.config_file(c)),
                _ => {}
            }
        }
        Some(cfg)
    }

    fn config_file(&mut self, c: &Node) -> Option<ConfigFile> {
        self.shape(c, &FILE);
        let key = self.name_arg(c, "a config file")?;
        let path = self.prop_str(c, "path").unwrap_or_else(|| key.clone());
        Some(ConfigFile {
            key,
            path,
            span: c.name_span,
        })
    }
}
