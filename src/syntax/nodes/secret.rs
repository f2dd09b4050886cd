//! `secret`: a Secret the workloads read, never its values in plain text.

use super::meta::{ANNOTATIONS, LABELS};
use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `secret source=`: where the Secret's values come from.
    pub enum SecretSource("secret source") {
        /// A Secret created outside stowage; only referenced.
        Existing = "existing",
        /// A Bitnami SealedSecret, encrypted values in the spec.
        Sealed = "sealed",
        /// An External Secrets Operator ExternalSecret.
        External = "external",
    }
}

keyword! {
    /// `secret store-kind=`: the kind of the External Secrets store.
    pub enum StoreKind("store kind") {
        SecretStore = "SecretStore",
        ClusterSecretStore = "ClusterSecretStore",
    }
}

pub static SECRET: Kind = Kind {
    name: "secret",
    what: "a secret",
    args: Args::Name,
    props: &[
        prop(
            "source",
            Type::Keyword(SecretSource::NAMES),
            "where the values come from (default existing)",
        ),
        prop(
            "store",
            Type::String,
            "external: the SecretStore to read from",
        ),
        prop(
            "store-kind",
            Type::Keyword(StoreKind::NAMES),
            "external: the store's kind",
        ),
        prop("refresh", Type::String, "external: how often to read again"),
    ],
    children: Children::Kinds(&[&KEY, &LABELS, &ANNOTATIONS]),
    identity: Identity::Named,
    example: "secret \"db\" source=\"external\" store=\"vault\" { key \"password\" remote=\"db/password\" }",
    doc: "A Secret: existing, sealed (SealedSecret) or external (ExternalSecret).",
    reference: "config-and-secrets.md#secret",
    ..Kind::LEAF
};

pub static KEY: Kind = Kind {
    name: "key",
    what: "a secret key",
    args: Args::Name,
    props: &[
        prop("remote", Type::String, "external: the path in the store"),
        prop(
            "property",
            Type::String,
            "external: the property at that path",
        ),
        prop(
            "encrypted",
            Type::String,
            "sealed: the value encrypted by kubeseal",
        ),
        prop(
            "value",
            Type::String,
            "refused: secret values never go in the spec",
        ),
    ],
    identity: Identity::Named,
    example: "key \"password\" remote=\"db/password\"",
    doc: "One key of the secret.",
    reference: "config-and-secrets.md#secret",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub name: S<String>,
    pub span: Span,
    pub source: S<SecretSource>,
    pub store: Option<S<String>>,
    pub store_kind: Option<S<StoreKind>>,
    pub refresh: Option<S<String>>,
    pub keys: Vec<SecretKey>,
    /// Labels and annotations of the Secret stowage has made (sealed or external).
    pub labels: Vec<(S<String>, S<String>)>,
    pub annotations: Vec<(S<String>, S<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretKey {
    pub name: S<String>,
    pub remote: Option<S<String>>,
    pub property: Option<S<String>>,
    pub encrypted: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn secret(&mut self, node: &Node) -> Option<Secret> {
        self.shape(node, &SECRET);
        let name = self.name_arg(node, "a secret")?;
        let source = match node.prop("source") {
            None => S::new(SecretSource::Existing, node.name_span),
            Some(_) => self.prop_keyword(node, "source")?,
        };
        let keys = node
            .children
            .iter()
            .filter(|k| k.name == "key")
            .filter_map(|k| self.secret_key(k))
            .collect();
        let map = |d: &mut Self, name: &str| {
            node.children
                .iter()
                .filter(|c| c.name == name)
                .flat_map(|c| d.string_map(c))
                .collect()
        };
        let labels = map(self, "labels");
        let annotations = map(self, "annotations");
        Some(Secret {
            name,
            span: node.name_span,
            source,
            store: self.prop_str(node, "store"),
            store_kind: self.prop_keyword(node, "store-kind"),
            refresh: self.prop_str(node, "refresh"),
            keys,
            labels,
            annotations,
        })
    }

    fn secret_key(&mut self, k: &Node) -> Option<SecretKey> {
        self.shape(k, &KEY);
        if let Some(p) = k.prop("value") {
            self.err(
                Diagnostic::error(
                    &code::secret::PLAINTEXT,
                    "a secret value is written in the spec",
                    p.value.span,
                    "plaintext secret",
                )
                .with_help("never put secret values in the spec: use source=\"sealed\" with encrypted=\"...\" (from kubeseal), or source=\"external\" with remote=\"...\""),
            );
        }
        let name = self.name_arg(k, "a secret key")?;
        Some(SecretKey {
            name,
            remote: self.prop_str(k, "remote"),
            property: self.prop_str(k, "property"),
            encrypted: self.prop_str(k, "encrypted"),
            span: k.name_span,
        })
    }
}
