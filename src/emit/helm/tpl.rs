//! A small tree of YAML with Go-template holes, and its rendering to chart template text.

use crate::emit::yaml;
use serde_json::Value;
use std::collections::HashMap;

/// When a field or list item is emitted.
#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    Always,
    /// `{{- if COND }}` ... `{{- end }}`
    If(String),
    /// `{{- with EXPR }}` ... `{{- end }}`: the node renders `.` (a `ToYaml`).
    With(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A literal YAML value.
    Lit(Value),
    /// An inline template expression for a scalar: `{{ $.Values.api.replicas }}`.
    Expr(String),
    Map(Vec<Field>),
    Seq(Vec<Item>),
    /// `toYaml .` inside a `With` guard.
    ToYaml,
    /// A mapping produced by an `include`, followed by literal extra fields.
    Include(String, Vec<Field>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub node: Node,
    pub guard: Guard,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub node: Node,
    pub guard: Guard,
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// Text from the spec, made literal for Go templates: every `{{` becomes an action that prints
/// `{{`, so Helm renders exactly the text (kustomize's rendering of the same value).
pub fn literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// The generated-file header as a template comment (which ends at the first `*/`).
pub fn comment(head: &str) -> String {
    format!(
        "{{{{/* {} */}}}}",
        head.trim_start_matches("# ").replace("*/", "* /")
    )
}

/// A Go string literal (for template actions): quotes, backslashes and anything not printable
/// escaped.
pub fn go_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\U{:08x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_text(k: &str) -> String {
    // Keys are rendered by the YAML serializer so that odd ones are quoted. A chart repeats
    // a few keys hundreds of thousands of times: each is serialized once per thread.
    thread_local! {
        static KEYS: std::cell::RefCell<HashMap<String, String>> = Default::default();
    }
    KEYS.with_borrow_mut(|keys| {
        if let Some(text) = keys.get(k) {
            return text.clone();
        }
        let v = yaml::to_yaml_inline(&Value::String(k.to_string()));
        let text = literal(v.trim_end());
        if keys.len() >= KEYS_KEPT {
            keys.clear();
        }
        keys.insert(k.to_string(), text.clone());
        text
    })
}

/// The most keys [`key_text`] keeps per thread (a long-running language server renders many
/// charts).
const KEYS_KEPT: usize = 4096;

/// A scalar on one line, literal for templates.
pub fn scalar_text(v: &Value) -> String {
    literal(yaml::to_yaml_inline(v).trim_end_matches('\n'))
}

fn open(out: &mut String, guard: &Guard, ind: usize) {
    match guard {
        Guard::Always => {}
        Guard::If(c) => out.push_str(&format!("{}{{{{- if {c} }}}}\n", pad(ind))),
        Guard::With(e) => out.push_str(&format!("{}{{{{- with {e} }}}}\n", pad(ind))),
    }
}

fn close(out: &mut String, guard: &Guard, ind: usize) {
    if *guard != Guard::Always {
        out.push_str(&format!("{}{{{{- end }}}}\n", pad(ind)));
    }
}

/// A literal value as lines indented by `ind`.
fn lit_lines(v: &Value, ind: usize) -> String {
    let text = literal(&yaml::to_yaml_inline(v));
    let mut out = String::new();
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad(ind));
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

/// Render a mapping's fields at indentation `ind`.
pub fn render_map(out: &mut String, fields: &[Field], ind: usize) {
    for f in fields {
        open(out, &f.guard, ind);
        let key = key_text(&f.key);
        match &f.node {
            Node::Lit(v) if is_scalar(v) => {
                out.push_str(&format!("{}{key}: {}\n", pad(ind), scalar_text(v)));
            }
            Node::Lit(Value::Object(m)) if m.is_empty() => {
                out.push_str(&format!("{}{key}: {{}}\n", pad(ind)))
            }
            Node::Lit(Value::Array(a)) if a.is_empty() => {
                out.push_str(&format!("{}{key}: []\n", pad(ind)))
            }
            Node::Lit(v) => {
                out.push_str(&format!("{}{key}:\n", pad(ind)));
                out.push_str(&lit_lines(v, ind + 2));
            }
            Node::Expr(e) => out.push_str(&format!("{}{key}: {e}\n", pad(ind))),
            Node::Map(fs) if fs.is_empty() => out.push_str(&format!("{}{key}: {{}}\n", pad(ind))),
            Node::Seq(items) if items.is_empty() => {
                out.push_str(&format!("{}{key}: []\n", pad(ind)))
            }
            Node::Map(fs) => {
                out.push_str(&format!("{}{key}:\n", pad(ind)));
                render_map(out, fs, ind + 2);
            }
            Node::Seq(items) => {
                out.push_str(&format!("{}{key}:\n", pad(ind)));
                render_seq(out, items, ind + 2);
            }
            Node::ToYaml => {
                out.push_str(&format!("{}{key}:\n", pad(ind)));
                out.push_str(&format!(
                    "{}{{{{- toYaml . | nindent {} }}}}\n",
                    pad(ind + 2),
                    ind + 2
                ));
            }
            Node::Include(expr, extra) => {
                out.push_str(&format!("{}{key}:\n", pad(ind)));
                out.push_str(&format!(
                    "{}{{{{- include {expr} | nindent {} }}}}\n",
                    pad(ind + 2),
                    ind + 2
                ));
                render_map(out, extra, ind + 2);
            }
        }
        close(out, &f.guard, ind);
    }
}

/// Render sequence items at indentation `ind` (the dash's column).
pub fn render_seq(out: &mut String, items: &[Item], ind: usize) {
    for it in items {
        open(out, &it.guard, ind);
        match &it.node {
            Node::Lit(v) if is_scalar(v) => {
                out.push_str(&format!("{}- {}\n", pad(ind), scalar_text(v)))
            }
            Node::Lit(v) => {
                let body = lit_lines(v, ind + 2);
                out.push_str(&dash_first(&body, ind));
            }
            Node::Expr(e) => out.push_str(&format!("{}- {e}\n", pad(ind))),
            Node::Map(fs) => {
                let mut body = String::new();
                render_map(&mut body, fs, ind + 2);
                out.push_str(&dash_first(&body, ind));
            }
            Node::Seq(inner) => {
                out.push_str(&format!("{}-\n", pad(ind)));
                render_seq(out, inner, ind + 2);
            }
            Node::ToYaml => out.push_str(&format!(
                "{}- {{{{- toYaml . | nindent {} }}}}\n",
                pad(ind),
                ind + 2
            )),
            Node::Include(expr, extra) => {
                out.push_str(&format!("{}-\n", pad(ind)));
                out.push_str(&format!(
                    "{}{{{{- include {expr} | nindent {} }}}}\n",
                    pad(ind + 2),
                    ind + 2
                ));
                render_map(out, extra, ind + 2);
            }
        }
        close(out, &it.guard, ind);
    }
}

/// Put the item's dash on its first line when that line is a plain field, else on its own.
fn dash_first(body: &str, ind: usize) -> String {
    let prefix = pad(ind + 2);
    match body.strip_prefix(&prefix) {
        Some(rest) if !rest.starts_with("{{") && !rest.starts_with(' ') => {
            format!("{}- {rest}", pad(ind))
        }
        _ => format!("{}-\n{body}", pad(ind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        /// A key's text is the serializer's, whether it was kept or not, and whatever other
        /// keys came before it (more than are kept: the cache is cleared between).
        #[test]
        fn kept_key_text_is_the_serializers(keys in proptest::collection::vec(".{0,12}", 1..40)) {
            let fresh = |k: &str| literal(yaml::to_yaml_inline(&json!(k)).trim_end());
            for k in &keys {
                proptest::prop_assert_eq!(key_text(k), fresh(k));
            }
            for i in 0..KEYS_KEPT + 1 {
                key_text(&format!("k{i}"));
            }
            for k in &keys {
                proptest::prop_assert_eq!(key_text(k), fresh(k));
            }
        }
    }

    #[test]
    fn renders_guards_lists_and_blocks() {
        let fields = vec![
            Field {
                key: "replicas".into(),
                node: Node::Expr("{{ $.Values.a.replicas }}".into()),
                guard: Guard::If("hasKey $.Values.a \"replicas\"".into()),
            },
            Field {
                key: "resources".into(),
                node: Node::ToYaml,
                guard: Guard::With("$.Values.a.resources".into()),
            },
            Field {
                key: "ports".into(),
                node: Node::Seq(vec![Item {
                    node: Node::Lit(json!({"name": "http", "port": 80})),
                    guard: Guard::Always,
                }]),
                guard: Guard::Always,
            },
            Field {
                key: "on".into(),
                node: Node::Lit(json!("yes")),
                guard: Guard::Always,
            },
        ];
        let mut out = String::new();
        render_map(&mut out, &fields, 2);
        assert_eq!(
            out,
            "  {{- if hasKey $.Values.a \"replicas\" }}\n  replicas: {{ $.Values.a.replicas }}\n  {{- end }}\n  {{- with $.Values.a.resources }}\n  resources:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n  ports:\n    - name: http\n      port: 80\n  \"on\": \"yes\"\n"
        );
    }
}
