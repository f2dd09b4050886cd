//! KDL 2.0 tokens to stowage's node tree: the grammar of nodes, entries and blocks.
//!
//! Takes the text of one file, gives its top-level [`Node`]s, or the first syntax error as a
//! diagnostic in stowage's words (what is wrong, where, what to write instead). Blocks may nest
//! [`MAX_NESTING`] deep and a file may hold [`MAX_TOP_LEVEL_NODES`] top-level nodes; recursion
//! is bounded by the first, so no input can overflow the stack. The `kdl` crate is the
//! conformance oracle: `tests/kdl_conformance.rs` checks that both read the KDL test suite and
//! generated documents alike.

mod errors;
#[cfg(test)]
mod tests;

use super::lex::{self, Tok, Token};
use super::limits::{MAX_NESTING, MAX_TOP_LEVEL_NODES};
use super::tree::{Node, Prop, Value};
use crate::diagnostic::{Diagnostic, Span, code};
use kdl::KdlValue;

/// The top-level nodes of a document.
pub fn document(source: &str) -> Result<Vec<Node>, Box<Diagnostic>> {
    let toks = lex::tokens(source).map_err(|e| {
        let d = Diagnostic::error(&code::syntax::KDL, e.message, e.span, e.label);
        Box::new(match e.help {
            Some(h) => d.with_help(h),
            None => d,
        })
    })?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        top_level: 0,
        end: source.len(),
    };
    p.nodes(None)
}

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    depth: usize,
    top_level: usize,
    end: usize,
}

fn syntax(message: impl Into<String>, span: Span, label: &str, help: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(&code::syntax::KDL, message, span, label).with_help(help))
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    /// The current token's span (an empty one at the end of the text).
    fn span(&self) -> Span {
        self.toks
            .get(self.pos)
            .map_or(Span::new(self.end, 0), |t| t.span)
    }

    /// Where the last token read ends.
    fn last_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .map_or(0, |i| self.toks[i].span.offset + self.toks[i].span.len)
    }

    /// Whether spaces or comments separate the current token from the one before.
    fn separated(&self) -> bool {
        self.toks.get(self.pos).is_some_and(|t| t.spaced)
            || self.pos > 0
                && matches!(
                    self.toks[self.pos - 1].tok,
                    Tok::BlockComment(_) | Tok::Escline(_)
                )
    }

    /// Skip `/* */` comments and line continuations.
    fn node_space(&mut self) {
        while matches!(self.peek(), Some(Tok::BlockComment(_) | Tok::Escline(_))) {
            self.pos += 1;
        }
    }

    /// Skip node space, newlines and line comments.
    fn line_space(&mut self) {
        while matches!(
            self.peek(),
            Some(Tok::BlockComment(_) | Tok::Escline(_) | Tok::Newline | Tok::LineComment(_))
        ) {
            self.pos += 1;
        }
    }

    /// Nodes up to the end of the text, or up to and including the `}` of the block opened at
    /// `open`.
    fn nodes(&mut self, open: Option<Span>) -> Result<Vec<Node>, Box<Diagnostic>> {
        let mut out = Vec::new();
        loop {
            self.line_space();
            match self.peek() {
                None => return open.map_or(Ok(out), |o| Err(self.unclosed(o))),
                Some(Tok::RBrace) if open.is_some() => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(Tok::RBrace) => return Err(self.stray_brace()),
                Some(Tok::Semi) => return Err(self.stray_semicolon()),
                Some(Tok::Slashdash) => {
                    let at = self.span();
                    self.pos += 1;
                    self.line_space();
                    if matches!(self.peek(), None | Some(Tok::RBrace | Tok::Semi)) {
                        return Err(nothing_to_comment_out(at));
                    }
                    self.count(open)?;
                    self.node()?;
                }
                Some(_) => {
                    self.count(open)?;
                    out.push(self.node()?);
                }
            }
            if matches!(self.peek(), Some(Tok::Semi | Tok::Newline)) {
                self.pos += 1;
            }
        }
    }

    /// Count a top-level node against [`MAX_TOP_LEVEL_NODES`].
    fn count(&mut self, open: Option<Span>) -> Result<(), Box<Diagnostic>> {
        if open.is_some() {
            return Ok(());
        }
        self.top_level += 1;
        if self.top_level <= MAX_TOP_LEVEL_NODES {
            return Ok(());
        }
        Err(Box::new(
            Diagnostic::error(
                &code::syntax::TOO_LARGE,
                format!(
                    "a spec has at most {MAX_TOP_LEVEL_NODES} top-level nodes; this is node {}",
                    self.top_level
                ),
                self.span(),
                "the first node beyond the limit",
            )
            .with_help("one spec describes one application: split the system into several specs"),
        ))
    }

    /// One node, up to (not including) what ends it.
    fn node(&mut self) -> Result<Node, Box<Diagnostic>> {
        let start = self.span().offset;
        let ty = match self.peek() {
            Some(Tok::LParen) => Some(self.type_annotation()?),
            _ => None,
        };
        self.node_space();
        let (name, name_span) = self.name()?;
        let mut node = Node {
            name,
            name_span,
            span: name_span,
            ty,
            args: Vec::new(),
            props: Vec::new(),
            children: Vec::new(),
            block: false,
            override_span: None,
        };
        self.node_body(&mut node)?;
        node.span = Span::new(start, self.last_end() - start);
        Ok(node)
    }

    /// A node's entries and children blocks, up to what ends the node.
    fn node_body(&mut self, node: &mut Node) -> Result<(), Box<Diagnostic>> {
        let mut blocks = false;
        loop {
            let separated = self.separated();
            match self.peek() {
                None | Some(Tok::Newline | Tok::Semi | Tok::LineComment(_) | Tok::RBrace) => {
                    return Ok(());
                }
                Some(Tok::BlockComment(_) | Tok::Escline(_)) => self.pos += 1,
                Some(Tok::LBrace) if node.block => return Err(self.second_block()),
                Some(Tok::LBrace) => {
                    node.children = self.children()?;
                    node.block = true;
                    blocks = true;
                }
                Some(Tok::Slashdash) => {
                    self.need_space(separated)?;
                    let at = self.span();
                    self.pos += 1;
                    self.line_space();
                    match self.peek() {
                        Some(Tok::LBrace) => {
                            self.children()?;
                            blocks = true;
                        }
                        Some(Tok::Word(_) | Tok::Str { .. } | Tok::Keyword(_) | Tok::LParen)
                            if blocks =>
                        {
                            return Err(self.entry_after_block());
                        }
                        Some(Tok::Word(_) | Tok::Str { .. } | Tok::Keyword(_) | Tok::LParen) => {
                            self.entry(&mut Node::default())?
                        }
                        _ => return Err(nothing_to_comment_out(at)),
                    }
                }
                Some(Tok::Word(_) | Tok::Str { .. } | Tok::Keyword(_) | Tok::LParen) => {
                    if blocks {
                        return Err(self.entry_after_block());
                    }
                    self.need_space(separated)?;
                    self.entry(node)?;
                }
                Some(_) => return Err(self.unexpected("in a node")),
            }
        }
    }

    /// A `{ ... }` block, at its `{`.
    fn children(&mut self) -> Result<Vec<Node>, Box<Diagnostic>> {
        let open = self.span();
        if self.depth >= MAX_NESTING {
            return Err(Box::new(Diagnostic::error(
                &code::syntax::TOO_DEEP,
                format!("blocks are nested more than {MAX_NESTING} levels deep"),
                open,
                format!("level {}", self.depth + 1),
            )
            .with_help(
                "a spec nests a few levels (environment, service, env): close the blocks left open",
            )));
        }
        self.pos += 1;
        self.depth += 1;
        let nodes = self.nodes(Some(open))?;
        self.depth -= 1;
        Ok(nodes)
    }

    /// An argument or a property, at its first token; added to `node`.
    fn entry(&mut self, node: &mut Node) -> Result<(), Box<Diagnostic>> {
        if matches!(self.peek(), Some(Tok::LParen)) {
            self.type_annotation()?;
            self.node_space();
            let value = self.value()?;
            node.args.push(value);
            return Ok(());
        }
        if !self.eq_follows() {
            let value = self.value()?;
            node.args.push(value);
            return Ok(());
        }
        let (key, key_span) = self.string("a property name")?;
        self.node_space();
        self.pos += 1; // `=`
        self.node_space();
        if matches!(self.peek(), Some(Tok::LParen)) {
            self.type_annotation()?;
            self.node_space();
        }
        let value = self.value()?;
        node.props.push(Prop {
            key,
            key_span,
            value,
        });
        Ok(())
    }

    /// Whether `=` follows the current token (comments and continuations between).
    fn eq_follows(&self) -> bool {
        self.toks[self.pos + 1..]
            .iter()
            .find(|t| !matches!(t.tok, Tok::BlockComment(_) | Tok::Escline(_)))
            .is_some_and(|t| t.tok == Tok::Eq)
    }

    /// A value: a number, a string or a keyword.
    fn value(&mut self) -> Result<Value, Box<Diagnostic>> {
        let span = self.span();
        let value = match self.peek() {
            Some(Tok::Word(w)) => lex::word_value(w).unwrap_or(KdlValue::Null),
            Some(Tok::Str { value, .. }) => KdlValue::String(value.clone()),
            Some(Tok::Keyword(k)) => lex::keyword_value(k).unwrap_or(KdlValue::Null),
            _ => return Err(self.unexpected("where a value belongs")),
        };
        self.pos += 1;
        Ok(Value { value, span })
    }

    /// A string in a name position (node name, property name, type), and its span.
    fn string(&mut self, what: &str) -> Result<(String, Span), Box<Diagnostic>> {
        let span = self.span();
        let s = match self.peek() {
            Some(Tok::Word(w)) if !lex::is_number(w) => w.clone(),
            Some(Tok::Str { value, .. }) => value.clone(),
            Some(Tok::Word(w)) => {
                return Err(syntax(
                    format!("{what} cannot be a number"),
                    span,
                    "a number",
                    &format!("quote it: `\"{w}\"`"),
                ));
            }
            _ => return Err(self.unexpected(&format!("where {what} belongs"))),
        };
        self.pos += 1;
        Ok((s, span))
    }

    /// A node's name.
    fn name(&mut self) -> Result<(String, Span), Box<Diagnostic>> {
        if matches!(self.peek(), Some(Tok::LBrace)) {
            return Err(syntax(
                "a block with no node before it",
                self.span(),
                "this block",
                "a block belongs to a node on the same line (`service \"web\" {`); was the line \
                 before ended too early?",
            ));
        }
        self.string("a node name")
    }

    /// `(name)`, at its `(`; gives the name.
    fn type_annotation(&mut self) -> Result<String, Box<Diagnostic>> {
        let open = self.span();
        self.pos += 1;
        self.node_space();
        let (name, _) = self.string("a type name")?;
        self.node_space();
        if self.peek() != Some(&Tok::RParen) {
            return Err(syntax(
                "this type annotation is not closed",
                open,
                "opened here",
                "a type annotation is one name in parentheses, right before a node or value: `(list)ports`",
            ));
        }
        self.pos += 1;
        Ok(name)
    }
}

fn nothing_to_comment_out(at: Span) -> Box<Diagnostic> {
    syntax(
        "`/-` with nothing after it to comment out",
        at,
        "this `/-`",
        "`/-` comments out the node, value, property or block right after it; remove it",
    )
}
