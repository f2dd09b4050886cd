//! `defaults` blocks applied to the workloads that `use` them, on the node tree before it is
//! decoded: a workload's children are its defaults' (in the order it names them, later ones
//! winning) with its own merged over them. An environment's `use` applies on top of the base
//! workload, under the environment's own values: base defaults < base workload < environment
//! defaults < environment values.

use super::ast::{Keyword, S};
use super::nodes::defaults::DEFAULTS;
use super::nodes::workload::WorkloadKind;
use super::tree::{self, Node};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code, suggest};
use std::collections::BTreeMap;

/// A `defaults` block: its name and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: S<String>,
    /// The whole block: a diagnostic inside it is about a value it gives.
    pub span: Span,
}

/// The spec's defaults blocks, by name.
pub struct Blocks<'n>(BTreeMap<String, &'n Node>);

impl<'n> Blocks<'n> {
    /// The top-level `defaults` nodes; a name given twice, or a block that uses another, is
    /// reported.
    pub fn new(nodes: &'n [Node], diags: &mut Diagnostics) -> Self {
        let mut map: BTreeMap<String, &Node> = BTreeMap::new();
        for n in nodes.iter().filter(|n| n.name == DEFAULTS.name) {
            let Some(name) = n.label() else { continue };
            if let Some(first) = map.insert(name.to_string(), n) {
                diags.push(
                    Diagnostic::error(
                        &code::name::DUPLICATE,
                        format!("defaults `{name}` is declared twice"),
                        n.name_span,
                        "declared again here",
                    )
                    .with_label(first.name_span, "first declared here")
                    .with_help("give each defaults block its own name, or merge them"),
                );
            }
            for u in n.children.iter().filter(|c| c.name == "use") {
                diags.push(
                    Diagnostic::error(
                        &code::reference::DEFAULTS,
                        "a defaults block cannot use another",
                        u.name_span,
                        "`use` is for workloads",
                    )
                    .with_help("write what it needs in the block, or have the workloads use both blocks: `use \"a\" \"b\"`"),
                );
            }
        }
        Blocks(map)
    }

    /// The blocks as the AST keeps them.
    pub fn list(&self) -> Vec<Block> {
        self.0
            .values()
            .filter_map(|n| {
                Some(Block {
                    name: S::new(n.label()?.to_string(), n.args.first()?.span),
                    span: n.span,
                })
            })
            .collect()
    }

    /// Items with their workloads' defaults applied (other items as they are).
    pub fn apply(&self, items: Vec<Node>, diags: &mut Diagnostics) -> Vec<Node> {
        items
            .into_iter()
            .map(|n| self.apply_one(n, diags))
            .collect()
    }

    fn apply_one(&self, mut n: Node, diags: &mut Diagnostics) -> Node {
        let Some(kind) = WorkloadKind::parse(&n.name) else {
            return n;
        };
        let decl = kind.declaration();
        let mut given: Vec<Node> = Vec::new();
        for u in n.children.iter().filter(|c| c.name == "use") {
            for arg in &u.args {
                let Some(name) = arg.value.as_string() else {
                    continue;
                };
                match self.0.get(name) {
                    Some(block) => {
                        // Children no workload takes are reported once, at the block.
                        let known: Vec<Node> = block
                            .children
                            .iter()
                            .filter(|c| c.name != "use" && DEFAULTS.child(&c.name).is_some())
                            .cloned()
                            .collect();
                        given = tree::merge_children(decl, &given, &known);
                    }
                    None => diags.push(unknown(name, arg.span, self.0.keys())),
                }
            }
        }
        if !given.is_empty() {
            n.children = tree::merge_children(decl, &given, &n.children);
        }
        n
    }
}

fn unknown<'a>(name: &str, span: Span, known: impl Iterator<Item = &'a String>) -> Diagnostic {
    let known: Vec<&str> = known.map(String::as_str).collect();
    let d = Diagnostic::error(
        &code::reference::DEFAULTS,
        format!("unknown defaults `{name}`"),
        span,
        "no defaults block of this name",
    );
    match suggest(name, known.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None if known.is_empty() => d.with_help(format!(
            "declare it at the top level: `defaults \"{name}\" {{ ... }}`"
        )),
        None => d.with_help(format!("declared: {}", known.join(", "))),
    }
}

/// A diagnostic about a value a defaults block gives a workload, with a label where the
/// workload uses the block: which workload got the value, and from where.
pub fn with_provenance(
    blocks: &[Block],
    uses: &[S<String>],
    workload: &str,
    d: Diagnostic,
) -> Diagnostic {
    let Some(b) = blocks.iter().find(|b| b.span.contains(d.primary.span)) else {
        return d;
    };
    match uses.iter().find(|u| u.v == b.name.v) {
        Some(u) => d.with_label(
            u.span,
            format!("defaults `{}` applied to `{workload}` here", b.name.v),
        ),
        None => d,
    }
}
