//! The formatter's printer: the concrete syntax tree to canonical text.
//!
//! Takes a [`Block`] (the document), gives its text: four spaces per level, one space between
//! entries, `key=value`, a node per line, continuation lines one level deeper than their node,
//! blocks that were on one line kept there while they fit in [`WIDTH`] columns, at most one
//! blank line between items and none at the start or end of a block, no trailing spaces, one
//! newline at the end.

use super::cst::{Block, Item, Node, Piece};

/// Longest line a one-line block may make.
pub const WIDTH: usize = 100;

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

fn column(out: &str) -> usize {
    out.rsplit('\n').next().unwrap_or("").chars().count()
}

pub fn document(doc: &Block) -> String {
    let mut out = String::new();
    if let Some(c) = &doc.open_comment {
        out.push_str(c);
        out.push('\n');
    }
    items(&mut out, &doc.items, 0);
    out
}

fn items(out: &mut String, items: &[Item], depth: usize) {
    for item in items {
        match item {
            Item::Blank => out.push('\n'),
            Item::Comment(c) => {
                indent(out, depth);
                out.push_str(c);
                out.push('\n');
            }
            Item::Node(n) => {
                node(out, n, depth);
                if let Some(t) = &n.trailing {
                    out.push(' ');
                    out.push_str(t);
                }
                out.push('\n');
            }
        }
    }
}

fn node(out: &mut String, n: &Node, depth: usize) {
    indent(out, depth);
    if n.slashdash {
        out.push_str("/-");
    }
    let mut line_start = true;
    for p in &n.pieces {
        if !line_start {
            out.push(' ');
        }
        line_start = false;
        match p {
            Piece::Atom(t) | Piece::Comment(t) => out.push_str(t),
            Piece::Break(c) => {
                out.push('\\');
                if let Some(c) = c {
                    out.push(' ');
                    out.push_str(c);
                }
                out.push('\n');
                indent(out, depth + 1);
                line_start = true;
            }
            Piece::Children { slashdash, block } => {
                if *slashdash {
                    out.push_str("/-");
                }
                out.push('{');
                match inline_block(block) {
                    Some(text) if column(out) + text.chars().count() <= WIDTH => {
                        out.push_str(&text)
                    }
                    _ => {
                        if let Some(c) = &block.open_comment {
                            out.push(' ');
                            out.push_str(c);
                        }
                        out.push('\n');
                        items(out, &block.items, depth + 1);
                        indent(out, depth);
                        out.push('}');
                    }
                }
            }
        }
    }
}

/// A block's text after its `{` when it can stay on one line: ` a 1; b 2; }`.
fn inline_block(block: &Block) -> Option<String> {
    if block.items.is_empty() && block.open_comment.is_none() {
        return Some(" }".into());
    }
    if !block.one_line || block.open_comment.is_some() {
        return None;
    }
    let mut out = String::new();
    for item in &block.items {
        let Item::Node(n) = item else { return None };
        out.push(' ');
        out.push_str(&inline_node(n)?);
        out.push(';');
    }
    out.push_str(" }");
    Some(out)
}

fn inline_node(n: &Node) -> Option<String> {
    if n.trailing.is_some() {
        return None;
    }
    let mut parts = Vec::new();
    for p in &n.pieces {
        parts.push(match p {
            Piece::Atom(t) => t.clone(),
            Piece::Children { slashdash, block } => {
                format!(
                    "{}{{{}",
                    if *slashdash { "/-" } else { "" },
                    inline_block(block)?
                )
            }
            Piece::Comment(_) | Piece::Break(_) => return None,
        });
    }
    Some(format!(
        "{}{}",
        if n.slashdash { "/-" } else { "" },
        parts.join(" ")
    ))
}
