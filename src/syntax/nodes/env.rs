//! `env` (one child per variable) and `env-from`.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};
use kdl::KdlValue;

pub static ENV: Kind = Kind {
    name: "env",
    what: "`env`",
    children: Children::Free { item: &VARIABLE },
    example: "env { LOG_LEVEL \"info\" }",
    doc: "Environment variables, one child per variable, named by the variable.",
    reference: "workloads.md#env",
    ..Kind::LEAF
};

pub static VARIABLE: Kind = Kind {
    name: "VARIABLE",
    what: "an environment variable",
    args: Args::One(Type::Scalar),
    props: &[
        prop("secret", Type::String, "the secret to read the value from"),
        prop("config", Type::String, "the config to read the value from"),
        prop(
            "key",
            Type::String,
            "the key in the secret or config (default: the variable's name)",
        ),
        prop(
            "field",
            Type::String,
            "a pod field (`metadata.name`, `status.podIP`, ...)",
        ),
    ],
    example: "LOG_LEVEL \"info\"",
    doc: "One variable: a literal value, or secret=, config= or field=.",
    reference: "workloads.md#env",
    ..Kind::LEAF
};

pub static ENV_FROM: Kind = Kind {
    name: "env-from",
    what: "`env-from`",
    args: Args::Name,
    identity: Identity::Named,
    example: "env-from \"app-config\"",
    doc: "Every key of a config or secret as an environment variable.",
    reference: "workloads.md#env-from",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub enum EnvSource {
    Value(S<String>),
    Secret { name: S<String>, key: S<String> },
    Config { name: S<String>, key: S<String> },
    Field(S<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: S<String>,
    pub source: EnvSource,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn env(&mut self, c: &Node) -> Vec<EnvVar> {
        self.shape(c, &ENV);
        c.children.iter().filter_map(|v| self.variable(v)).collect()
    }

    pub(in crate::syntax) fn env_from(&mut self, c: &Node) -> Option<S<String>> {
        self.shape(c, &ENV_FROM);
        self.name_arg(c, "`env-from`")
    }

    fn variable(&mut self, v: &Node) -> Option<EnvVar> {
        let name = S::new(v.name.clone(), v.name_span);
        let has_secret = v.prop("secret").is_some();
        let has_config = v.prop("config").is_some();
        let has_field = v.prop("field").is_some();
        self.shape(v, &VARIABLE);
        let sources = usize::from(has_secret)
            + usize::from(has_config)
            + usize::from(has_field)
            + usize::from(!v.args.is_empty());
        if sources > 1 {
            self.err(
                Diagnostic::error(
                    &code::syntax::ENV_SOURCE,
                    format!("variable `{}` has more than one source", v.name),
                    v.name_span,
                    "value, secret=, config= or field=: pick one",
                )
                .with_help(format!(
                    "write `{0} \"value\"`, `{0} secret=\"NAME\"`, `{0} config=\"NAME\"` or `{0} field=\"metadata.name\"`",
                    v.name
                )),
            );
            return None;
        }
        if let Some(k) = v.prop("key")
            && !has_secret
            && !has_config
        {
            self.err(
                Diagnostic::error(
                    &code::syntax::UNUSED_PROPERTY,
                    "`key=` only applies to secret= and config= sources",
                    k.key_span,
                    "nothing to look the key up in",
                )
                .with_help("remove key=, or add secret=\"NAME\" or config=\"NAME\""),
            );
        }
        let source = if has_secret || has_config {
            let from = self.prop_str(v, if has_secret { "secret" } else { "config" })?;
            // The key defaults to the variable's name.
            let key = self
                .prop_str(v, "key")
                .unwrap_or_else(|| S::new(v.name.clone(), v.name_span));
            if has_secret {
                EnvSource::Secret { name: from, key }
            } else {
                EnvSource::Config { name: from, key }
            }
        } else if has_field {
            EnvSource::Field(self.prop_str(v, "field")?)
        } else {
            EnvSource::Value(self.literal(v)?)
        };
        Some(EnvVar {
            name,
            source,
            span: v.name_span,
        })
    }

    /// A variable's literal value, written as a string.
    fn literal(&mut self, v: &Node) -> Option<S<String>> {
        let Some(a) = v.args.first() else {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_ARGUMENT,
                    format!("variable `{}` has no value", v.name),
                    v.name_span,
                    "value missing",
                )
                .with_help(format!(
                    "write `{0} \"value\"`, or `{0} secret=\"SECRET\" key=\"KEY\"`",
                    v.name
                )),
            );
            return None;
        };
        let text = match &a.value {
            KdlValue::String(s) => s.clone(),
            KdlValue::Integer(i) => i.to_string(),
            KdlValue::Float(f) => format!("{f:?}"),
            KdlValue::Bool(b) => b.to_string(),
            KdlValue::Null => {
                self.type_error(a, format!("variable `{}`", v.name), "a string");
                return None;
            }
        };
        Some(S::new(text, a.span))
    }
}
