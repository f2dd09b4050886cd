//! The spanned node tree: KDL as parsed, in a form that keeps every span and can be merged.
//!
//! Made by [`super::parse`]. Every argument and property value keeps the
//! span of the value itself (a property's key has its own), and every node the span of its name,
//! so later phases can point at the exact spot. Environment overrides are merged on this tree
//! (see [`merge`]) before it is typed.

use super::vocab::{self, Children, Identity, Kind};
use crate::diagnostic::Span;
use kdl::KdlValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// A KDL value with its span (the value's text, without a property's `key=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub value: KdlValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub name: String,
    /// Span of the node's name: where diagnostics about the node point.
    pub name_span: Span,
    /// Span of the whole node, children included.
    pub span: Span,
    /// A type annotation before the name: `(list)ports`.
    pub ty: Option<String>,
    pub args: Vec<Value>,
    pub props: Vec<Prop>,
    pub children: Vec<Node>,
    /// Whether the node has a children block, even an empty one (`name {}`).
    pub block: bool,
    /// Where an environment override touched this node (the override's name span).
    pub override_span: Option<Span>,
}

impl Node {
    /// Move every span by `by` bytes (a node of an included file; see `syntax::include`).
    pub fn shift(&mut self, by: usize) {
        let move_span = |s: &mut Span| s.offset += by;
        move_span(&mut self.name_span);
        move_span(&mut self.span);
        for a in &mut self.args {
            move_span(&mut a.span);
        }
        for p in &mut self.props {
            move_span(&mut p.key_span);
            move_span(&mut p.value.span);
        }
        if let Some(s) = &mut self.override_span {
            move_span(s);
        }
        for c in &mut self.children {
            c.shift(by);
        }
    }

    /// The first argument when it is a string: the name of a named node (`service "api"`).
    pub fn label(&self) -> Option<&str> {
        self.args.first().and_then(|a| a.value.as_string())
    }

    pub fn prop(&self, key: &str) -> Option<&Prop> {
        self.props.iter().rev().find(|p| p.key == key)
    }

    /// `name #null`: one null argument and nothing else.
    pub fn is_null(&self) -> bool {
        self.props.is_empty()
            && self.children.is_empty()
            && matches!(self.args.as_slice(), [v] if v.value.is_null())
    }

    /// `enabled=#false` switches a node off (typically in one environment).
    pub fn is_disabled(&self) -> bool {
        matches!(
            self.prop("enabled").map(|p| &p.value.value),
            Some(KdlValue::Bool(false))
        )
    }
}

/// How the children of a node are merged: nodes of the language by their identity in their
/// parent's declaration (kind, or kind and name, or a list given whole), or data (an `object`'s
/// body, a patch) by key, with `-` items as one list.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Children of this kind (`None`: the top level).
    Language(Option<&'static Kind>),
    Data,
}

impl Mode {
    /// The declaration of a node of this name here.
    fn kind(self, name: &str) -> Option<&'static Kind> {
        match self {
            Mode::Language(Some(parent)) => parent.child(name),
            Mode::Language(None) => vocab::ROOTS.iter().copied().find(|k| k.name == name),
            Mode::Data => None,
        }
    }

    /// The mode of a node's children.
    fn of_children(self, node: &Node) -> Mode {
        match self.kind(&node.name) {
            _ if matches!(self, Mode::Data) => Mode::Data,
            Some(k) if matches!(k.children, Children::Data) => Mode::Data,
            k => Mode::Language(k),
        }
    }

    fn is_named(self, name: &str) -> bool {
        self.kind(name)
            .is_some_and(|k| matches!(k.identity, Identity::Named | Identity::Layered))
    }

    /// Whether an override of a node of this name is added after it rather than merged in.
    fn is_layered(self, name: &str) -> bool {
        self.kind(name)
            .is_some_and(|k| k.identity == Identity::Layered)
    }

    fn is_list(self, name: &str) -> bool {
        match self {
            Mode::Data => name == "-",
            _ => self
                .kind(name)
                .is_some_and(|k| k.identity == Identity::List),
        }
    }
}

fn key_in(mode: Mode, node: &Node) -> (&str, Option<&str>) {
    if mode.is_named(&node.name) {
        (node.name.as_str(), node.label())
    } else {
        (node.name.as_str(), None)
    }
}

/// Merge `over` (an environment's version of some nodes) onto `base`.
///
/// Nodes are matched by [`key_in`]; a matched node takes the override's arguments when it gives
/// any (beyond the name of a named node), each of its properties, and its children merged the
/// same way. Unmatched override nodes are added.
/// The base's nodes that no override touched are borrowed.
pub fn merge<'a>(base: &'a [Node], over: &[Node]) -> Vec<Cow<'a, Node>> {
    merge_in(Mode::Language(None), base, over)
}

/// Merge `over` onto `base`, both children of a node of `kind`.
pub fn merge_children(kind: &'static Kind, base: &[Node], over: &[Node]) -> Vec<Node> {
    owned(merge_in(Mode::Language(Some(kind)), base, over))
}

fn owned(nodes: Vec<Cow<Node>>) -> Vec<Node> {
    nodes.into_iter().map(Cow::into_owned).collect()
}

fn merge_in<'a>(mode: Mode, base: &'a [Node], over: &[Node]) -> Vec<Cow<'a, Node>> {
    // The base's nodes are borrowed: one an override replaces is not copied.
    let mut out: Vec<Cow<Node>> = base.iter().map(Cow::Borrowed).collect();
    // Lists of unnamed nodes (rollout steps, data items) are replaced as a whole.
    for o in over.iter().filter(|o| mode.is_list(&o.name)) {
        out.retain(|b| b.name != o.name);
    }
    let base_len = out.len();
    // Many overrides of many nodes (an environment's items): find the base node by a hash of
    // its key rather than by a scan, so that merging stays linear.
    let mut index = (base_len * over.len() > 64).then(|| KeyIndex::new(mode, &out[..base_len]));
    let mut removed = Vec::new();
    for o in over {
        let key = key_in(mode, o);
        // A layered node (a patch) is added after the base's, unless it switches it off.
        let layered = mode.is_layered(&o.name) && !o.is_disabled();
        let list = mode.is_list(&o.name) || layered;
        let found = match &index {
            _ if list => None,
            Some(index) => index.last(key),
            None => out[..base_len].iter().rposition(|b| key_in(mode, b) == key),
        };
        match found {
            // `field #null` in an environment removes a field of data.
            Some(i) if matches!(mode, Mode::Data) && o.is_null() => removed.push(i),
            Some(i) => {
                let merged = merge_node(mode, &out[i], o);
                let same_key = key_in(mode, &merged) == key_in(mode, &out[i]);
                out[i] = Cow::Owned(merged);
                if !same_key && let Some(index) = &mut index {
                    *index = KeyIndex::new(mode, &out[..base_len]);
                }
            }
            None => {
                let mut added = o.clone();
                added.override_span = Some(o.name_span);
                out.push(Cow::Owned(added));
            }
        }
    }
    removed.sort_unstable();
    for i in removed.into_iter().rev() {
        out.remove(i);
    }
    out
}

/// The position of the last node of each [`key_in`] in a list of nodes.
struct KeyIndex(HashMap<(String, Option<String>), usize>);

impl KeyIndex {
    fn new(mode: Mode, nodes: &[Cow<Node>]) -> Self {
        let mut m = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let (name, label) = key_in(mode, n);
            m.insert((name.to_string(), label.map(str::to_string)), i);
        }
        KeyIndex(m)
    }

    fn last(&self, (name, label): (&str, Option<&str>)) -> Option<usize> {
        self.0
            .get(&(name.to_string(), label.map(str::to_string)))
            .copied()
    }
}

fn merge_node(mode: Mode, base: &Node, over: &Node) -> Node {
    // Everything but the children, which are merged below.
    let mut n = Node {
        name: base.name.clone(),
        name_span: base.name_span,
        span: base.span,
        ty: base.ty.clone(),
        args: base.args.clone(),
        props: base.props.clone(),
        children: Vec::new(),
        block: base.block,
        override_span: base.override_span,
    };
    let named = mode.is_named(&base.name);
    let skip = usize::from(named);
    if over.ty.is_some() {
        n.ty.clone_from(&over.ty);
    }
    if over.args.len() > skip {
        n.args.truncate(skip);
        n.args.extend(over.args.iter().skip(skip).cloned());
    }
    for p in &over.props {
        n.props.retain(|q| q.key != p.key);
        // `key=#null` in an override removes the property.
        if !p.value.value.is_null() {
            n.props.push(p.clone());
        }
    }
    n.children = owned(merge_in(
        mode.of_children(base),
        &base.children,
        &over.children,
    ));
    n.block |= over.block;
    n.override_span = Some(over.name_span);
    n
}

/// Drop nodes switched off with `enabled=#false`, at every depth of the language (data is
/// kept as written: an `enabled` field of an object is the object's).
pub fn prune_disabled(nodes: Vec<Node>) -> Vec<Node> {
    prune_in(Mode::Language(None), nodes)
}

/// [`prune_disabled`] of a borrowed list: the list itself when nothing in it is switched off
/// (most specs), else a pruned copy.
pub fn pruned(nodes: &[Node]) -> std::borrow::Cow<'_, [Node]> {
    if any_disabled(Mode::Language(None), nodes) {
        std::borrow::Cow::Owned(prune_disabled(nodes.to_vec()))
    } else {
        std::borrow::Cow::Borrowed(nodes)
    }
}

/// [`prune_disabled`] of merged nodes: a node is copied only when something in it is
/// switched off.
pub fn prune_merged(nodes: Vec<Cow<'_, Node>>) -> Vec<Cow<'_, Node>> {
    let mode = Mode::Language(None);
    (nodes.into_iter())
        .filter(|n| !n.is_disabled())
        .map(|n| {
            if any_disabled(mode.of_children(&n), &n.children) {
                Cow::Owned(prune_children(mode, n.into_owned()))
            } else {
                n
            }
        })
        .collect()
}

/// Whether [`prune_in`] would remove anything.
fn any_disabled(mode: Mode, nodes: &[Node]) -> bool {
    !matches!(mode, Mode::Data)
        && nodes
            .iter()
            .any(|n| n.is_disabled() || any_disabled(mode.of_children(n), &n.children))
}

fn prune_in(mode: Mode, nodes: Vec<Node>) -> Vec<Node> {
    if matches!(mode, Mode::Data) {
        return nodes;
    }
    nodes
        .into_iter()
        .filter(|n| !n.is_disabled())
        .map(|n| prune_children(mode, n))
        .collect()
}

/// `n` (a node in `mode`) with what is switched off among its children dropped.
fn prune_children(mode: Mode, mut n: Node) -> Node {
    let children = std::mem::take(&mut n.children);
    n.children = prune_in(mode.of_children(&n), children);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Node> {
        crate::syntax::parse::document(s).unwrap()
    }

    #[test]
    fn override_merges_by_kind_and_name() {
        let base = parse(
            "service \"api\" { replicas 2\n port \"http\" 80\n env { A \"1\"\n B \"2\" } }\nservice \"web\" { replicas 1 }",
        );
        let over = parse("service \"api\" { replicas 3\n env { B \"3\"\n C \"4\" } }");
        let m = merge(&base, &over);
        assert_eq!(m.len(), 2);
        let api = &m[0];
        let replicas = api.children.iter().find(|c| c.name == "replicas").unwrap();
        assert_eq!(replicas.args[0].value.as_integer(), Some(3));
        let env = api.children.iter().find(|c| c.name == "env").unwrap();
        let names: Vec<_> = env.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(env.children[1].args[0].value.as_string(), Some("3"));
        assert!(api.children.iter().any(|c| c.name == "port"));
        assert_eq!(m[1].children[0].args[0].value.as_integer(), Some(1));
    }

    #[test]
    fn pruned_is_prune_disabled_and_copies_only_when_something_is_switched_off() {
        use std::borrow::Cow;
        let cases = [
            ("service \"api\" { replicas 2 }", false),
            ("service \"api\" enabled=#false { replicas 2 }", true),
            (
                "service \"api\" { sidecar \"s\" enabled=#false { image \"x\" } }",
                true,
            ),
            // Data is not pruned: `enabled` in an object's body is one of its fields.
            (
                "object \"v1/ConfigMap/c\" { data { a enabled=#false } }",
                false,
            ),
            (
                "config \"c\" { data { a \"1\" } }\nsecret \"s\" enabled=#false",
                true,
            ),
        ];
        for (text, copies) in cases {
            let nodes = parse(text);
            let got = pruned(&nodes);
            assert_eq!(matches!(got, Cow::Owned(_)), copies, "{text}");
            assert_eq!(&got[..], &prune_disabled(nodes.clone())[..], "{text}");
        }
    }

    #[test]
    fn merged_nodes_are_copied_only_where_an_override_or_a_switch_touches_them() {
        let base = parse(
            "service \"a\" { image \"a\" }\nservice \"b\" { image \"b\" }\n\
             service \"c\" { image \"c\"; worker-pool enabled=#false }\nconfig \"d\"",
        );
        let over = parse("service \"b\" { image \"b2\" }\nconfig \"d\" enabled=#false");
        let m = prune_merged(merge(&base, &over));
        let copied: Vec<(Option<&str>, bool)> = (m.iter())
            .map(|n| (n.label(), matches!(n, Cow::Owned(_))))
            .collect();
        assert_eq!(
            copied,
            [(Some("a"), false), (Some("b"), true), (Some("c"), true)]
        );
        let all_owned = prune_disabled(owned(merge(&base, &over)));
        assert_eq!(
            m.iter().map(|n| &**n).collect::<Vec<_>>(),
            all_owned.iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn properties_override_and_disabled_nodes_are_pruned() {
        let base = parse("image \"api\" tag=\"1\" pull=\"Always\"\nworker \"w\" { }");
        let over = parse("image tag=\"2\"\nworker \"w\" enabled=#false");
        let m = prune_merged(merge(&base, &over));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].label(), Some("api"));
        assert_eq!(m[0].prop("tag").unwrap().value.value.as_string(), Some("2"));
        assert_eq!(
            m[0].prop("pull").unwrap().value.value.as_string(),
            Some("Always")
        );
    }
}
