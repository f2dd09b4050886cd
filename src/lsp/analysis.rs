//! What is at a place in a spec: the node kinds around it, the word under it, what may be
//! written there. Read from the vocabulary's declaration (`syntax::vocab`), so hover text and
//! completions are the reference's own.

use crate::diagnostic::Span;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{self, Identity, Kind, Type};
use kdl::KdlValue;

/// The nodes from the top level down to the innermost one whose text holds `offset`, each
/// with its declaration when the language has one there.
pub fn path_at(nodes: &[Node], offset: usize) -> Vec<(&Node, Option<&'static Kind>)> {
    let mut out = Vec::new();
    let mut level = nodes;
    let mut parent: Option<&'static Kind> = None;
    let mut top = true;
    while let Some(n) = level.iter().find(|n| contains(n.span, offset)) {
        let kind = if top {
            vocab::ROOTS.iter().copied().find(|k| k.name == n.name)
        } else {
            parent.and_then(|p| p.child(&n.name))
        };
        out.push((n, kind));
        level = &n.children;
        parent = kind;
        top = false;
    }
    out
}

fn contains(span: Span, offset: usize) -> bool {
    span.offset <= offset && offset <= span.offset + span.len
}

/// Hover text (Markdown) for the node name or property key at `offset`.
pub fn hover(nodes: &[Node], offset: usize) -> Option<String> {
    let path = path_at(nodes, offset);
    let &(node, kind) = path.last()?;
    let kind = kind?;
    if contains(node.name_span, offset) {
        return Some(kind_doc(kind));
    }
    let p = node.props.iter().find(|p| contains(p.key_span, offset))?;
    let prop = kind.prop(&p.key)?;
    Some(format!(
        "**`{}=`** ({}) of `{}`\n\n{}",
        prop.name,
        type_name(prop.ty),
        kind.name,
        prop.doc
    ))
}

/// A kind's documentation: its line, what to write, its properties and children.
pub fn kind_doc(kind: &Kind) -> String {
    let mut out = format!("**`{}`**: {}", kind.name, kind.doc);
    if !kind.example.is_empty() {
        out.push_str(&format!("\n\n```kdl\n{}\n```", kind.example));
    }
    if !kind.props.is_empty() {
        out.push_str("\n\nProperties:");
        for p in kind.props {
            out.push_str(&format!(
                "\n- `{}=` ({}): {}",
                p.name,
                type_name(p.ty),
                p.doc
            ));
        }
    }
    let children = kind.child_names();
    if !children.is_empty() {
        out.push_str(&format!("\n\nChildren: {}", children.join(", ")));
    }
    if !kind.reference.is_empty() {
        out.push_str(&format!("\n\nReference: `spec/{}`", kind.reference));
    }
    out
}

fn type_name(t: Type) -> String {
    match t {
        Type::String => "string".into(),
        Type::Integer => "integer".into(),
        Type::Bool => "#true or #false".into(),
        Type::StringOrInteger => "string or integer".into(),
        Type::Quantity => "quantity".into(),
        Type::PortRef => "port name or number".into(),
        Type::IntOrPercent => "integer or percentage".into(),
        Type::Scalar => "string, number or boolean".into(),
        Type::Keyword(words) => words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// What may be written at a place.
#[derive(Debug)]
pub enum Slot {
    /// A node, as a child of this kind (`None`: the top level).
    Node(Option<&'static Kind>),
    /// A property or argument of a node of this kind.
    Entry(&'static Kind),
    /// An argument of a node of this kind, its string begun (`policy "pro`).
    Argument(&'static Kind),
    /// The value of this property.
    Value(&'static vocab::Prop),
}

/// What may be written at `offset`, from the text of its line before it and the nodes around
/// it (`nodes` read with that line left out, so that a line being typed does not stop it).
pub fn slot(nodes: &[Node], line_before: &str, offset: usize) -> Option<Slot> {
    let path = path_at(nodes, offset);
    let enclosing = path.last().and_then(|(_, k)| *k);
    let words: Vec<&str> = line_before.split_whitespace().collect();
    let typing = !line_before.ends_with(char::is_whitespace);
    // At the start of a line (or typing its first word): a node.
    if words.is_empty() || (words.len() == 1 && typing && !words[0].contains(['=', '"'])) {
        return match (path.is_empty(), enclosing) {
            (true, _) => Some(Slot::Node(None)),
            (false, Some(k)) => Some(Slot::Node(Some(k))),
            (false, None) => None,
        };
    }
    let kind = match path.is_empty() {
        true => vocab::ROOTS.iter().copied().find(|k| k.name == words[0]),
        false => enclosing.and_then(|k| k.child(words[0])),
    }?;
    // `key="par` or `key=`: the value of that property.
    if let Some(last) = words.last().filter(|_| typing && words.len() > 1) {
        if let Some((key, _)) = last.split_once('=') {
            return kind.prop(key).map(Slot::Value);
        }
        if last.starts_with('"') {
            return Some(Slot::Argument(kind));
        }
    }
    Some(Slot::Entry(kind))
}

/// The names of the spec's named top-level items (`service "web"`), with their kind and where
/// the name is: what references name.
pub fn named_items(nodes: &[Node]) -> Vec<(&'static str, &str, Span)> {
    nodes
        .iter()
        .filter_map(|n| {
            let kind = vocab::ROOTS.iter().copied().find(|k| k.name == n.name)?;
            if kind.identity != Identity::Named {
                return None;
            }
            let name = n.args.first()?;
            match &name.value {
                KdlValue::String(s) => Some((kind.name, s.as_str(), name.span)),
                _ => None,
            }
        })
        .collect()
}

/// The name the string value at `offset` gives, and where that value is.
pub fn name_at(nodes: &[Node], offset: usize) -> Option<(String, Span)> {
    let path = path_at(nodes, offset);
    let &(node, _) = path.last()?;
    let values = node.args.iter().chain(node.props.iter().map(|p| &p.value));
    let value = values.into_iter().find(|v| contains(v.span, offset))?;
    let KdlValue::String(name) = &value.value else {
        return None;
    };
    // `reach "db:5432"` names `db`.
    let name = name.split(':').next().unwrap_or(name);
    Some((name.to_string(), value.span))
}

/// Where the item `name` is declared among `nodes`, other than at `except`.
pub fn declared(nodes: &[Node], name: &str, except: Span) -> Option<Span> {
    named_items(nodes)
        .into_iter()
        .find(|(_, n, span)| *n == name && *span != except)
        .map(|(_, _, span)| span)
}
