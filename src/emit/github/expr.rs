//! GitHub expressions: stowage's own (`${{ ... }}`), and spec text kept from ever being one.

use crate::ir::pipeline::EnvValue;
use serde_json::{Map, Value};

/// Marks the `${{` of stowage's own expressions until [`literal_text`] has made every other
/// `${{` literal: neither spec text (no control characters) nor a path (no NUL) can hold it.
const MARK: &str = "\u{0}{{";

/// A GitHub expression of stowage's own: `${{ BODY }}`.
pub(super) fn gh(body: &str) -> String {
    format!("{MARK} {body} }}}}")
}

/// Make every `${{` that stowage did not write literal (`${{ '${{' }}`), in keys and values,
/// then unmark stowage's own expressions: text from the spec is never evaluated.
pub(super) fn literal_text(v: Value) -> Value {
    let fix = |s: &str| s.replace("${{", "${{ '${{' }}").replace(MARK, "${{");
    match v {
        Value::String(s) => Value::String(fix(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(literal_text).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (fix(&k), literal_text(v)))
                .collect(),
        ),
        v => v,
    }
}

/// An `env:` map: literal values as they are, secrets as expressions reading them.
pub(super) fn env_map(vars: &[(String, EnvValue)]) -> Map<String, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                EnvValue::Literal(s) => Value::String(s.clone()),
                EnvValue::Secret(s) => Value::String(gh(&format!("secrets.{s}"))),
            };
            (k.clone(), value)
        })
        .collect()
}
