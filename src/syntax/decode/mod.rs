//! Decoding: the spanned node tree to the typed AST.
//!
//! Takes [`Node`]s (already merged for an environment), gives [`ast`] values and diagnostics for
//! everything that is not of the language's shape: unknown nodes and properties (with "did you
//! mean"), missing or surplus arguments, values of the wrong type, nodes given twice. The shape
//! of every node comes from its declaration ([`vocab`]); the decoding of each node kind lives
//! with its declaration in `syntax/nodes/`; here are the helpers they share.

use super::ast::{IntOrPercent, Items, PortRef, S};
use super::keyword::Keyword;
use super::nodes::object::MANIFEST;
use super::tree::{Node, Prop, Value};
use super::vocab::{self, Children, Kind};
use crate::diagnostic::{Diagnostic, Diagnostics, code, suggest};
use kdl::KdlValue;
use std::fmt::Display;

/// Where a field the language has no word for goes.
const PATCH_HINT: &str = "a field the language has no word for is set with `patch \"Kind/name\" { ... }` on the object (the book: \"When the language has no word for it\")";

pub(crate) struct Decoder<'d> {
    pub diags: &'d mut Diagnostics,
}

/// "a pull policy", "an issuer kind".
fn article(what: &str) -> String {
    let vowel = what.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
    format!("{} {what}", if vowel { "an" } else { "a" })
}

fn kind_of(v: &KdlValue) -> &'static str {
    match v {
        KdlValue::String(_) => "a string",
        KdlValue::Integer(_) => "an integer",
        KdlValue::Float(_) => "a number",
        KdlValue::Bool(_) => "a boolean",
        KdlValue::Null => "#null",
    }
}

impl Decoder<'_> {
    pub(super) fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Check a node against its kind's declaration: surplus arguments, unknown or repeated
    /// properties, unknown children and children given twice.
    pub(super) fn shape(&mut self, node: &Node, kind: &Kind) {
        self.extra_args(node, kind);
        if !kind.free_props {
            self.props_of(node, kind);
        }
        match kind.children {
            // Free children are checked by their own kind; a workload reports children that
            // belong to other workload kinds first, then checks the rest (`nodes/workload.rs`).
            Children::Free { .. } | Children::Masked { .. } | Children::Data => {}
            Children::None | Children::Kinds(_) => self.children_of(kind, &node.children),
        }
    }

    fn extra_args(&mut self, node: &Node, kind: &Kind) {
        let max = kind.args.max();
        let Some(extra) = node.args.get(max) else {
            return;
        };
        let expected = match max {
            0 => "no arguments".to_string(),
            1 => "one argument".to_string(),
            n => format!("at most {n} arguments"),
        };
        self.err(
            Diagnostic::error(
                &code::syntax::EXTRA_ARGUMENT,
                format!("`{}` takes {expected}", node.name),
                extra.span,
                "unexpected argument",
            )
            .with_help(if kind.props.is_empty() {
                "remove it".to_string()
            } else {
                format!("remove it, or write it as a property of {}", kind.what)
            }),
        );
    }

    fn props_of(&mut self, node: &Node, kind: &Kind) {
        let names = kind.prop_names();
        let mut seen: Vec<&Prop> = Vec::new();
        for p in &node.props {
            if p.key == "enabled" {
                if !matches!(p.value.value, KdlValue::Bool(_)) {
                    self.type_error(&p.value, "`enabled`", "a boolean (#true or #false)");
                }
                continue;
            }
            if !names.contains(&p.key.as_str()) {
                let d = Diagnostic::error(
                    &code::syntax::UNKNOWN_PROPERTY,
                    format!("unknown property `{}` on {}", p.key, kind.what),
                    p.key_span,
                    "not a property of this node",
                );
                self.err(match suggest(&p.key, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if names.is_empty() => {
                        d.with_help(format!("{} takes no properties", kind.what))
                    }
                    None => d.with_help(format!(
                        "the properties of {} are: {}; {PATCH_HINT}",
                        kind.what,
                        names.join(", ")
                    )),
                });
            } else if let Some(first) = seen.iter().find(|q| q.key == p.key) {
                self.err(
                    Diagnostic::error(
                        &code::syntax::DUPLICATE_PROPERTY,
                        format!("property `{}` is given twice", p.key),
                        p.key_span,
                        "given again here",
                    )
                    .with_label(first.key_span, "first given here")
                    .with_help("keep one of them"),
                );
            }
            seen.push(p);
        }
    }

    /// Check `children` (a node's, or those left after misplaced ones were reported).
    pub(super) fn children_of(&mut self, kind: &Kind, children: &[Node]) {
        let names = kind.child_names();
        let mut seen: Vec<&Node> = Vec::new();
        for c in children {
            if !names.contains(&c.name.as_str()) {
                let d = Diagnostic::error(
                    &code::syntax::UNKNOWN_NODE,
                    format!("unknown node `{}` in {}", c.name, kind.what),
                    c.name_span,
                    "not expected here",
                );
                self.err(match suggest(&c.name, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if names.is_empty() => {
                        d.with_help(format!("{} has no children", kind.what))
                    }
                    None => d.with_help(format!(
                        "{} may contain: {}; {PATCH_HINT}",
                        kind.what,
                        names.join(", ")
                    )),
                });
                continue;
            }
            let single = kind
                .child(&c.name)
                .is_some_and(|k| k.identity == vocab::Identity::Single);
            if single && let Some(first) = seen.iter().find(|f| f.name == c.name) {
                self.err(
                    Diagnostic::error(
                        &code::syntax::DUPLICATE_NODE,
                        format!("`{}` is given twice in {}", c.name, kind.what),
                        c.name_span,
                        "given again here",
                    )
                    .with_label(first.name_span, "first given here")
                    .with_help(format!("merge the two `{}` nodes into one", c.name)),
                );
            }
            seen.push(c);
        }
    }

    pub(super) fn type_error(&mut self, v: &Value, what: impl Display, expected: &str) {
        self.err(
            Diagnostic::error(
                &code::syntax::TYPE,
                format!("{what} must be {expected}, found {}", kind_of(&v.value)),
                v.span,
                format!("expected {expected}"),
            )
            .with_help(match expected {
                e if e.starts_with("a string") => "quote the value: \"...\"".to_string(),
                e if e.starts_with("an integer") => {
                    "write a whole number without quotes".to_string()
                }
                e if e.starts_with("a boolean") => "write #true or #false".to_string(),
                _ => format!("write {expected}"),
            }),
        );
    }

    /// Name argument of a named node (`service "api"`).
    pub(super) fn name_arg(&mut self, node: &Node, what: &str) -> Option<S<String>> {
        match node.args.first() {
            Some(Value {
                value: KdlValue::String(s),
                span,
            }) => Some(S::new(s.clone(), *span)),
            Some(v) => {
                self.type_error(v, format!("the name of {what}"), "a string");
                None
            }
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("{what} needs a name"),
                        node.name_span,
                        "name missing",
                    )
                    .with_help(format!("write `{} \"NAME\"`", node.name)),
                );
                None
            }
        }
    }

    /// Report a second argument that is missing (`port "http"` without its number).
    pub(super) fn missing_arg(&mut self, node: &Node, msg: &str, example: &str) {
        self.err(
            Diagnostic::error(
                &code::syntax::MISSING_ARGUMENT,
                msg.to_string(),
                node.name_span,
                "argument missing",
            )
            .with_help(format!("write `{example}`")),
        );
    }

    /// The single value argument of a value node (`replicas 3`), which takes nothing else.
    fn value_arg<'n>(&mut self, node: &'n Node, kind: &Kind) -> Option<&'n Value> {
        self.shape(node, kind);
        self.first_arg(node, kind.example)
    }

    /// The first argument of a node whose shape is checked elsewhere (`image "api" tag="1"`).
    pub(super) fn first_arg<'n>(&mut self, node: &'n Node, example: &str) -> Option<&'n Value> {
        match node.args.first() {
            Some(v) => Some(v),
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("`{}` needs a value", node.name),
                        node.name_span,
                        "value missing",
                    )
                    .with_help(format!("write `{example}`")),
                );
                None
            }
        }
    }

    pub(super) fn str_value(&mut self, v: &Value, what: impl Display + Copy) -> Option<S<String>> {
        match &v.value {
            KdlValue::String(s) => Some(S::new(s.clone(), v.span)),
            _ => {
                self.type_error(v, what, "a string");
                None
            }
        }
    }

    pub(super) fn int_value(&mut self, v: &Value, what: impl Display + Copy) -> Option<S<i64>> {
        match &v.value {
            KdlValue::Integer(i) => match i64::try_from(*i) {
                Ok(i) => Some(S::new(i, v.span)),
                Err(_) => {
                    self.err(Diagnostic::error(
                        &code::value::RANGE,
                        format!("{what} is out of range"),
                        v.span,
                        "too large",
                    ));
                    None
                }
            },
            // A quoted number: report it, and go on with the number so that later checks do
            // not report a missing value as well.
            KdlValue::String(s) if s.trim().parse::<i64>().is_ok() => {
                let n = s.trim().parse::<i64>().unwrap_or_default();
                self.err(
                    Diagnostic::error(
                        &code::syntax::TYPE,
                        format!("{what} must be an integer, found a string"),
                        v.span,
                        "expected an integer",
                    )
                    .with_help(format!("remove the quotes: `{n}`")),
                );
                Some(S::new(n, v.span))
            }
            _ => {
                self.type_error(v, what, "an integer");
                None
            }
        }
    }

    pub(super) fn bool_value(&mut self, v: &Value, what: impl Display + Copy) -> Option<S<bool>> {
        match &v.value {
            KdlValue::Bool(b) => Some(S::new(*b, v.span)),
            _ => {
                self.type_error(v, what, "a boolean (#true or #false)");
                None
            }
        }
    }

    /// The string value of a value node of `kind`.
    pub(super) fn str_arg(&mut self, node: &Node, kind: &Kind) -> Option<S<String>> {
        let v = self.value_arg(node, kind)?;
        self.str_value(v, Ticked(&node.name))
    }

    /// The integer value of a value node of `kind`.
    pub(super) fn int_arg(&mut self, node: &Node, kind: &Kind) -> Option<S<i64>> {
        let v = self.value_arg(node, kind)?;
        self.int_value(v, Ticked(&node.name))
    }

    /// The boolean value of a value node of `kind` (`drift #true`).
    pub(super) fn bool_arg(&mut self, node: &Node, kind: &Kind) -> Option<S<bool>> {
        let v = self.value_arg(node, kind)?;
        self.bool_value(v, Ticked(&node.name))
    }

    /// The arguments of a list node of `kind` (`command "node" "server.js"`), as strings.
    pub(super) fn many_args(&mut self, node: &Node, kind: &Kind) -> Option<S<Vec<String>>> {
        self.shape(node, kind);
        self.string_args(node)
    }

    /// The keyword value of a value node of `kind` (`concurrency "Forbid"`).
    pub(super) fn keyword_arg<K: Keyword>(&mut self, node: &Node, kind: &Kind) -> Option<S<K>> {
        let s = self.str_arg(node, kind)?;
        self.keyword(&s)
    }

    /// A keyword property (`pull="Always"`).
    pub(super) fn prop_keyword<K: Keyword>(&mut self, node: &Node, key: &str) -> Option<S<K>> {
        let s = self.prop_str(node, key)?;
        self.keyword(&s)
    }

    /// A string as a keyword, or a diagnostic with the words it may be.
    pub(super) fn keyword<K: Keyword>(&mut self, s: &S<String>) -> Option<S<K>> {
        if let Some(k) = K::parse(&s.v) {
            return Some(S::new(k, s.span));
        }
        let d = Diagnostic::error(
            &code::syntax::INVALID_VALUE,
            format!("`{}` is not {}", s.v, article(K::WHAT)),
            s.span,
            format!("unknown {}", K::WHAT),
        );
        let near = suggest(&s.v, K::NAMES.iter().copied()).or_else(|| {
            K::NAMES
                .iter()
                .copied()
                .find(|a| a.eq_ignore_ascii_case(&s.v))
        });
        self.err(match near {
            Some(n) => d.with_help(format!("did you mean `{n}`? ({})", K::NAMES.join(", "))),
            None => d.with_help(format!("write one of: {}", K::NAMES.join(", "))),
        });
        None
    }

    pub(super) fn prop_str(&mut self, node: &Node, key: &str) -> Option<S<String>> {
        let p = node.prop(key)?;
        self.str_value(&p.value, Ticked(key))
    }

    pub(super) fn prop_int(&mut self, node: &Node, key: &str) -> Option<S<i64>> {
        let p = node.prop(key)?;
        self.int_value(&p.value, Ticked(key))
    }

    pub(super) fn prop_bool(&mut self, node: &Node, key: &str) -> Option<S<bool>> {
        let p = node.prop(key)?;
        self.bool_value(&p.value, Ticked(key))
    }

    pub(super) fn prop_port_ref(&mut self, node: &Node, key: &str) -> Option<S<PortRef>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::String(s) => Some(S::new(PortRef::Name(s.clone()), p.value.span)),
            KdlValue::Integer(i) => Some(S::new(PortRef::Number(*i as i64), p.value.span)),
            _ => {
                self.type_error(&p.value, format!("`{key}`"), "a port name or number");
                None
            }
        }
    }

    pub(super) fn prop_int_or_percent(
        &mut self,
        node: &Node,
        key: &str,
    ) -> Option<S<IntOrPercent>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::Integer(i) => Some(S::new(IntOrPercent::Int(*i as i64), p.value.span)),
            KdlValue::String(s) => Some(S::new(IntOrPercent::Percent(s.clone()), p.value.span)),
            _ => {
                self.type_error(
                    &p.value,
                    format!("`{key}`"),
                    "an integer or a percentage like \"25%\"",
                );
                None
            }
        }
    }

    /// A quantity: a string ("500m") or a number (2 CPUs).
    pub(super) fn quantity_prop(&mut self, node: &Node, key: &str) -> Option<S<String>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::String(s) => Some(S::new(s.clone(), p.value.span)),
            KdlValue::Integer(i) => Some(S::new(i.to_string(), p.value.span)),
            KdlValue::Float(f) => Some(S::new(f.to_string(), p.value.span)),
            _ => {
                self.type_error(
                    &p.value,
                    format!("`{key}`"),
                    "a quantity such as \"500m\" or \"512Mi\"",
                );
                None
            }
        }
    }

    /// All properties of a node as string pairs (`labels team="media"`).
    pub(super) fn string_map(&mut self, node: &Node) -> Vec<(S<String>, S<String>)> {
        if let Some(c) = node.children.first() {
            self.err(
                Diagnostic::error(
                    &code::syntax::UNEXPECTED_CHILDREN,
                    format!("`{}` takes properties, not child nodes", node.name),
                    c.name_span,
                    "child node here",
                )
                .with_help(format!(
                    "write `{} key=\"value\"` (quote keys with '/' or ':': `\"example.com/key\"=\"value\"`)",
                    node.name
                )),
            );
        }
        let mut out = Vec::new();
        for p in &node.props {
            let value = match &p.value.value {
                KdlValue::String(s) => s.clone(),
                KdlValue::Integer(i) => i.to_string(),
                KdlValue::Bool(b) => b.to_string(),
                _ => {
                    self.type_error(&p.value, format!("`{}`", p.key), "a string");
                    continue;
                }
            };
            out.push((
                S::new(p.key.clone(), p.key_span),
                S::new(value, p.value.span),
            ));
        }
        if let Some(a) = node.args.first() {
            self.err(
                Diagnostic::error(
                    &code::syntax::EXTRA_ARGUMENT,
                    format!("`{}` takes only properties", node.name),
                    a.span,
                    "unexpected argument",
                )
                .with_help(format!("write `{} key=\"value\"`", node.name)),
            );
        }
        out
    }

    pub(super) fn string_args(&mut self, node: &Node) -> Option<S<Vec<String>>> {
        let mut out = Vec::new();
        for a in &node.args {
            match &a.value {
                KdlValue::String(s) => out.push(s.clone()),
                KdlValue::Integer(i) => out.push(i.to_string()),
                _ => {
                    self.type_error(a, format!("an argument of `{}`", node.name), "a string");
                    return None;
                }
            }
        }
        Some(S::new(out, node.name_span))
    }

    /// String arguments, each with its span (`source-ranges "a" "b"`).
    pub(super) fn string_list(&mut self, node: &Node) -> Vec<S<String>> {
        node.args
            .iter()
            .filter_map(|a| self.str_value(a, &format!("an argument of `{}`", node.name)))
            .collect()
    }

    /// The top-level items (or an environment's, merged): flat dispatch by kind.
    pub(crate) fn items<'n>(&mut self, nodes: impl IntoIterator<Item = &'n Node>) -> Items {
        let mut items = Items::default();
        for n in nodes {
            match n.name.as_str() {
                "service" | "worker" | "stateful" | "cronjob" | "job" => {
                    items.workloads.extend(self.workload(n))
                }
                "config" => items.configs.extend(self.config(n)),
                "secret" => items.secrets.extend(self.secret(n)),
                "ingress" => items.ingresses.extend(self.ingress(n)),
                "service-account" => items.accounts.extend(self.account(n)),
                "analysis" => items.analyses.extend(self.analysis(n)),
                "object" => items.objects.extend(self.object(n)),
                "manifest" => items.manifests.extend(self.file_ref(n, &MANIFEST)),
                "patch" => items.patches.extend(self.patch(n)),
                "json-patch" => items.json_patches.extend(self.json_patch(n)),
                _ => {}
            }
        }
        items
    }
}

/// Report unknown top-level nodes. A misspelt one near a known kind (`servise "web"`) is read
/// as that kind from here on, so that the misspelling is the one error it causes: references to
/// it, and environment overrides of it, then find it.
pub(crate) fn check_top_level(nodes: &mut [Node], diags: &mut Diagnostics) {
    let top: Vec<&str> = vocab::ROOTS.iter().map(|k| k.name).collect();
    let mut read_as = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if top.contains(&n.name.as_str()) {
            continue;
        }
        let mut d = Diagnostic::error(
            &code::syntax::UNKNOWN_NODE,
            format!("unknown top-level node `{}`", n.name),
            n.name_span,
            "not expected here",
        );
        d = match suggest(&n.name, top.iter().copied()) {
            Some(s) => {
                read_as.push((i, s));
                d.with_help(format!("did you mean `{s}`?"))
            }
            None => d.with_help(format!(
                "a spec contains: {}; any other Kubernetes object is declared with `object \"Kind/name\" {{ ... }}` (the book: \"When the language has no word for it\")",
                top.join(", ")
            )),
        };
        diags.push(d);
    }
    for (i, kind) in read_as {
        nodes[i].name = kind.to_string();
    }
}

/// A name in backticks, as messages quote it; written only when a message is made.
#[derive(Clone, Copy)]
pub(super) struct Ticked<'a>(pub &'a str);

impl Display for Ticked<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`", self.0)
    }
}
