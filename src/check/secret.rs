//! A `secret`: its source, store and keys.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    pub(in crate::check) fn secret(&self, s: &Secret, diags: &mut Diagnostics) {
        labels(diags, &s.labels, true);
        labels(diags, &s.annotations, false);
        let mut keys: HashMap<&str, Span> = HashMap::new();
        for k in &s.keys {
            if let Some(first) = keys.insert(k.name.as_str(), k.name.span) {
                diags.push(duplicate("key", &k.name, first));
            }
        }
        match s.source.v {
            SecretSource::Existing | SecretSource::Sealed
                if s.store.is_some() || s.refresh.is_some() =>
            {
                store_outside_external(s, diags)
            }
            SecretSource::Existing => existing(s, diags),
            SecretSource::Sealed => self.sealed(s, diags),
            SecretSource::External => external(s, diags),
        }
    }

    /// A sealed secret has encrypted values for its keys, and keeps its name.
    fn sealed(&self, s: &Secret, diags: &mut Diagnostics) {
        if s.keys.is_empty() {
            diags.push(
                Diagnostic::error(
                    &code::secret::SOURCE,
                    format!("sealed secret `{}` has no keys", s.name.v),
                    s.name.span,
                    "no `key` here",
                )
                .with_help("add `key \"NAME\" encrypted=\"AgB...\"` with the output of kubeseal"),
            );
        }
        for k in s.keys.iter().filter(|k| k.encrypted.is_none()) {
            diags.push(
                Diagnostic::error(
                    &code::secret::SOURCE,
                    format!(
                        "key `{}` of a sealed secret has no encrypted value",
                        k.name.v
                    ),
                    k.name.span,
                    "no encrypted=",
                )
                .with_help("run `kubeseal --raw` and paste its output: `encrypted=\"AgB...\"`"),
            );
        }
        if let Some(p) = self
            .env
            .and_then(|e| e.prefix.as_ref())
            .filter(|p| !p.v.is_empty())
        {
            diags.push(Diagnostic::error(&code::secret::PREFIX, format!("sealed secret `{}` cannot be renamed by the prefix `{}`", s.name.v, p.v), p.span, "prefix").with_label(s.name.span, "sealed secret").with_help("a SealedSecret is encrypted for its name and namespace; use a namespace per environment instead of a prefix"));
        }
    }
}

/// store= and refresh= only apply to external secrets.
fn store_outside_external(s: &Secret, diags: &mut Diagnostics) {
    let span = s
        .store
        .as_ref()
        .or(s.refresh.as_ref())
        .map(|x| x.span)
        .unwrap_or(s.name.span);
    diags.push(
        Diagnostic::error(
            &code::secret::SOURCE,
            "store= and refresh= only apply to external secrets",
            span,
            "not an external secret",
        )
        .with_label(s.source.span, "the source")
        .with_help("set source=\"external\", or remove store= and refresh="),
    );
}

/// An existing secret takes only key names.
fn existing(s: &Secret, diags: &mut Diagnostics) {
    if let Some((k, _)) = s.labels.first().or(s.annotations.first()) {
        diags.push(
            Diagnostic::error(
                &code::secret::SOURCE,
                "an existing secret's labels and annotations are its owner's",
                k.span,
                "stowage does not make this Secret",
            )
            .with_label(s.name.span, "an existing secret")
            .with_help("label it where it is made, or set source=\"sealed\" or source=\"external\" to have stowage make it"),
        );
    }
    for k in &s.keys {
        if let Some(e) = k.encrypted.as_ref().or(k.remote.as_ref()) {
            diags.push(
                Diagnostic::error(
                    &code::secret::SOURCE,
                    "an existing secret takes only key names",
                    e.span,
                    "not used by an existing secret",
                )
                .with_label(s.source.span, "source is existing")
                .with_help(
                    "set source=\"sealed\" or source=\"external\" to have stowage create it",
                ),
            );
        }
    }
}

/// An external secret has a store, and keys with remote references.
fn external(s: &Secret, diags: &mut Diagnostics) {
    if s.store.is_none() {
        diags.push(
            Diagnostic::error(
                &code::secret::SOURCE,
                format!("external secret `{}` has no store", s.name.v),
                s.name.span,
                "no store=",
            )
            .with_help("name the SecretStore: `store=\"aws-secrets-manager\"`"),
        );
    }
    if s.keys.is_empty() {
        diags.push(
            Diagnostic::error(
                &code::secret::SOURCE,
                format!("external secret `{}` has no keys", s.name.v),
                s.name.span,
                "no `key` here",
            )
            .with_help("add `key \"NAME\" remote=\"path/in/store\"`"),
        );
    }
    for k in s.keys.iter().filter(|k| k.remote.is_none()) {
        diags.push(
            Diagnostic::error(
                &code::secret::SOURCE,
                format!("key `{}` has no remote reference", k.name.v),
                k.name.span,
                "no remote=",
            )
            .with_help("write `remote=\"path/in/store\"`"),
        );
    }
}
