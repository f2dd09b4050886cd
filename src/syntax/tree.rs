//! The spanned node tree: KDL as parsed, in a form that keeps every span and can be merged.
//!
//! Takes a [`kdl::KdlDocument`], gives [`Node`]s. Every argument and property value keeps the
//! span of the value itself (a property's key has its own), and every node the span of its name,
//! so later phases can point at the exact spot. Environment overrides are merged on this tree
//! (see [`merge`]) before it is typed.

use crate::diagnostic::Span;
use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};
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

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    /// Span of the node's name: where diagnostics about the node point.
    pub name_span: Span,
    /// Span of the whole node, children included.
    pub span: Span,
    pub args: Vec<Value>,
    pub props: Vec<Prop>,
    pub children: Vec<Node>,
    /// Where an environment override touched this node (the override's name span).
    pub override_span: Option<Span>,
}

impl Node {
    pub fn from_kdl(node: &KdlNode) -> Node {
        let mut args = Vec::new();
        let mut props = Vec::new();
        for e in node.entries() {
            let value = Value {
                value: e.value().clone(),
                span: value_span(e),
            };
            match e.name() {
                Some(k) => props.push(Prop {
                    key: k.value().to_string(),
                    key_span: k.span().into(),
                    value,
                }),
                None => args.push(value),
            }
        }
        Node {
            name: node.name().value().to_string(),
            name_span: node.name().span().into(),
            span: node.span().into(),
            args,
            props,
            children: node.children().map(from_document).unwrap_or_default(),
            override_span: None,
        }
    }

    /// The first argument when it is a string: the name of a named node (`service "api"`).
    pub fn label(&self) -> Option<&str> {
        self.args.first().and_then(|a| a.value.as_string())
    }

    pub fn prop(&self, key: &str) -> Option<&Prop> {
        self.props.iter().rev().find(|p| p.key == key)
    }

    /// `enabled=#false` switches a node off (typically in one environment).
    pub fn is_disabled(&self) -> bool {
        matches!(
            self.prop("enabled").map(|p| &p.value.value),
            Some(KdlValue::Bool(false))
        )
    }
}

/// The span of an entry's value alone: `"500mi"` rather than `memory="500mi"`.
fn value_span(e: &KdlEntry) -> Span {
    let entry: Span = e.span().into();
    match e.format().map(|f| f.value_repr.len()) {
        Some(n) if n > 0 && n <= entry.len => Span::new(entry.offset + entry.len - n, n),
        _ => entry,
    }
}

pub fn from_document(doc: &KdlDocument) -> Vec<Node> {
    doc.nodes().iter().map(Node::from_kdl).collect()
}

fn key_of(node: &Node) -> (&str, Option<&str>) {
    if super::vocab::is_named(&node.name) {
        (node.name.as_str(), node.label())
    } else {
        (node.name.as_str(), None)
    }
}

/// Merge `over` (an environment's version of some nodes) onto `base`.
///
/// Nodes are matched by [`key_of`]; a matched node takes the override's arguments when it gives
/// any (beyond the name of a named node), each of its properties, and its children merged the
/// same way. Unmatched override nodes are added.
pub fn merge(base: &[Node], over: &[Node]) -> Vec<Node> {
    let mut out: Vec<Node> = base.to_vec();
    // Lists of unnamed nodes (rollout steps) are replaced as a whole.
    for o in over.iter().filter(|o| super::vocab::is_list(&o.name)) {
        out.retain(|b| b.name != o.name);
    }
    let base_len = out.len();
    // Many overrides of many nodes (an environment's items): find the base node by a hash of
    // its key rather than by a scan, so that merging stays linear.
    let mut index = (base_len * over.len() > 64).then(|| KeyIndex::new(&out[..base_len]));
    for o in over {
        let key = key_of(o);
        let list = super::vocab::is_list(&o.name);
        let found = match &index {
            _ if list => None,
            Some(index) => index.last(key),
            None => out[..base_len].iter().rposition(|b| key_of(b) == key),
        };
        match found {
            Some(i) => {
                let merged = merge_node(&out[i], o);
                let same_key = key_of(&merged) == key_of(&out[i]);
                out[i] = merged;
                if !same_key && let Some(index) = &mut index {
                    *index = KeyIndex::new(&out[..base_len]);
                }
            }
            None => {
                let mut added = o.clone();
                added.override_span = Some(o.name_span);
                out.push(added);
            }
        }
    }
    out
}

/// The position of the last node of each [`key_of`] in a list of nodes.
struct KeyIndex(HashMap<(String, Option<String>), usize>);

impl KeyIndex {
    fn new(nodes: &[Node]) -> Self {
        let mut m = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let (name, label) = key_of(n);
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

fn merge_node(base: &Node, over: &Node) -> Node {
    let mut n = base.clone();
    let named = super::vocab::is_named(&base.name);
    let skip = usize::from(named);
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
    n.children = merge(&base.children, &over.children);
    n.override_span = Some(over.name_span);
    n
}

/// Drop nodes switched off with `enabled=#false`, at every depth.
pub fn prune_disabled(nodes: Vec<Node>) -> Vec<Node> {
    nodes
        .into_iter()
        .filter(|n| !n.is_disabled())
        .map(|mut n| {
            n.children = prune_disabled(std::mem::take(&mut n.children));
            n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Node> {
        from_document(&s.parse::<KdlDocument>().unwrap())
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
    fn properties_override_and_disabled_nodes_are_pruned() {
        let base = parse("image \"api\" tag=\"1\" pull=\"Always\"\nworker \"w\" { }");
        let over = parse("image tag=\"2\"\nworker \"w\" enabled=#false");
        let m = prune_disabled(merge(&base, &over));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].label(), Some("api"));
        assert_eq!(m[0].prop("tag").unwrap().value.value.as_string(), Some("2"));
        assert_eq!(
            m[0].prop("pull").unwrap().value.value.as_string(),
            Some("Always")
        );
    }
}
