//! A `config`: its keys, and the files it reads.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    pub(in crate::check) fn config(&self, c: &Config, diags: &mut Diagnostics) {
        crate::check::report::labels(diags, &c.labels, true);
        crate::check::report::labels(diags, &c.annotations, false);
        let mut keys: HashMap<&str, Span> = HashMap::new();
        for (k, v) in &c.data {
            self.config_key(&mut keys, k, diags);
            if values::looks_secret_name(&k.v) {
                diags.push(
                    Diagnostic::error(
                        &code::secret::PLAINTEXT,
                        format!("config key `{}` looks like a secret", k.v),
                        v.span,
                        "plaintext secret",
                    )
                    .with_help(
                        "config maps are not secret: declare a `secret` and reference it instead",
                    ),
                );
            }
        }
        for f in &c.files {
            self.config_key(&mut keys, &f.key, diags);
        }
    }

    pub(in crate::check) fn config_key<'k>(
        &self,
        keys: &mut HashMap<&'k str, Span>,
        k: &'k S<String>,
        diags: &mut Diagnostics,
    ) {
        if k.v.is_empty()
            || k.v.len() > 253
            || !k
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            diags.push(
                Diagnostic::error(
                    &code::name::KEY,
                    format!("`{}` is not a valid config key", k.v.escape_debug()),
                    k.span,
                    "invalid key",
                )
                .with_help("keys are letters, digits, '-', '_' and '.'"),
            );
        } else if k.v == "." || k.v.starts_with("..") {
            // Kubernetes keeps a ConfigMap's files behind `..data` links in its volumes.
            diags.push(
                Diagnostic::error(
                    &code::name::KEY,
                    format!("`{}` is not a valid config key", k.v),
                    k.span,
                    "reserved key",
                )
                .with_help("a key may not be `.` or start with `..`: Kubernetes uses such names in mounted volumes"),
            );
        }
        if let Some(first) = keys.insert(k.as_str(), k.span) {
            diags.push(duplicate("key", k, first));
        }
    }
}
