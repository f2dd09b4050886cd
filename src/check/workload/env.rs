//! A container's `env` and `env-from`: names, sources, references.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    /// Variable names, each once; plaintext secrets; references and pod fields.
    pub(in crate::check) fn env(&self, vars: &[EnvVar], diags: &mut Diagnostics) {
        let mut env_names: HashMap<&str, Span> = HashMap::new();
        for e in vars {
            if let Err(why) = values::env_name(&e.name.v) {
                diags.push(
                    Diagnostic::error(
                        &code::name::ENV,
                        format!(
                            "`{}` is not a valid environment variable name",
                            e.name.v.escape_debug()
                        ),
                        e.name.span,
                        why,
                    )
                    .with_help("use letters, digits and '_', not starting with a digit"),
                );
            }
            if let Some(first) = env_names.insert(e.name.as_str(), e.name.span) {
                diags.push(duplicate("environment variable", &e.name, first));
            }
            match &e.source {
                EnvSource::Value(v) => {
                    if !v.v.is_empty() && values::looks_secret_name(&e.name.v) {
                        diags.push(
                            Diagnostic::error(
                                &code::secret::PLAINTEXT,
                                format!("`{}` looks like a secret but its value is written in the spec", e.name.v),
                                v.span,
                                "plaintext secret",
                            )
                            .with_help(format!(
                                "reference a secret instead: `{} secret=\"NAME\" key=\"KEY\"` with `secret \"NAME\"` declared",
                                e.name.v
                            )),
                        );
                    }
                }
                EnvSource::Secret { name, key } => self.secret_ref(name, Some(key), diags),
                EnvSource::Config { name, key } => self.config_ref(name, Some(key), diags),
                EnvSource::Field(f) => {
                    const FIELDS: &[&str] = &[
                        "metadata.name",
                        "metadata.namespace",
                        "metadata.uid",
                        "spec.nodeName",
                        "spec.serviceAccountName",
                        "status.hostIP",
                        "status.podIP",
                        "status.podIPs",
                    ];
                    if !FIELDS.contains(&f.v.as_str())
                        && !f.v.starts_with("metadata.labels[")
                        && !f.v.starts_with("metadata.annotations[")
                    {
                        diags.push(one_of(f, "pod field", FIELDS));
                    }
                }
            }
        }
    }

    /// Each config or secret once, and declared as exactly one of them.
    pub(in crate::check) fn env_from(&self, list: &[S<String>], diags: &mut Diagnostics) {
        let mut sources: HashMap<&str, Span> = HashMap::new();
        for ef in list {
            if let Some(first) = sources.insert(ef.as_str(), ef.span) {
                diags.push(duplicate("env-from source", ef, first));
            }
            match (self.configs.get(ef.as_str()), self.secrets.get(ef.as_str())) {
                (Some(c), Some(s)) => diags.push(
                    Diagnostic::error(
                        &code::reference::AMBIGUOUS,
                        format!("`{}` is both a config and a secret", ef.v),
                        ef.span,
                        "which one?",
                    )
                    .with_label(c.name.span, "config declared here")
                    .with_label(s.name.span, "secret declared here")
                    .with_help("rename one of them"),
                ),
                (None, None) => {
                    let candidates = self.configs.keys().chain(self.secrets.keys()).copied();
                    diags.push(unknown(
                        &code::reference::SOURCE,
                        "config or secret",
                        &ef.v,
                        ef.span,
                        candidates,
                    ));
                }
                _ => {}
            }
        }
    }
}
