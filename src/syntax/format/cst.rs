//! The formatter's concrete syntax tree: nodes, blocks and the comments between them.
//!
//! Takes the lexer's [`Tok`]s, gives a [`Block`] (the document) whose items are nodes, comments
//! on their own lines and blank lines. Values are already in their canonical spelling; every
//! comment is kept, attached where the printer should put it: before a node, after it on its
//! line, after a block's `{`, between a node's entries, or after a line continuation.

use crate::syntax::lex::{Tok, is_bare_identifier, is_number, quote};

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// A comment on the line of the `{`.
    pub open_comment: Option<String>,
    pub items: Vec<Item>,
    /// Written on one line in the source, without comments: the printer may keep it there.
    pub one_line: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One blank line (several collapse into one).
    Blank,
    /// A comment on its own line.
    Comment(String),
    Node(Node),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Commented out with `/-`.
    pub slashdash: bool,
    pub pieces: Vec<Piece>,
    /// A comment after the node on its line.
    pub trailing: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// The name, an argument or a property, spelled canonically.
    Atom(String),
    /// A `/* */` comment between entries.
    Comment(String),
    /// A line continuation (`\`), with its comment.
    Break(Option<String>),
    Children {
        slashdash: bool,
        block: Block,
    },
}

/// Why the tokens could not be read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// Read a whole document.
pub fn parse(tokens: &[Tok]) -> Result<Block, ParseError> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
    };
    let items = p.items(false)?;
    Ok(Block {
        open_comment: items.1,
        items: items.0,
        one_line: false,
    })
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
}

/// How a node ended.
#[derive(PartialEq)]
enum End {
    /// At the end of its line (newline, line comment, end of input).
    Line,
    /// With `;` or before `}`: more may follow on the line.
    Inline,
}

fn err<T>(msg: &str) -> Result<T, ParseError> {
    Err(ParseError(msg.to_string()))
}

/// A string in a name position (node name, property key, type): bare when it can be.
fn name_repr(t: &Tok) -> Option<String> {
    Some(match t {
        Tok::Word(w) => w.clone(),
        Tok::Str {
            value: v,
            multi: false,
            ..
        } if is_bare_identifier(v) => v.clone(),
        Tok::Str {
            raw,
            value: v,
            multi: false,
        } if raw.starts_with('#') && v.contains(['"', '\\']) => raw.clone(),
        Tok::Str {
            value: v,
            multi: false,
            ..
        } => quote(v),
        Tok::Str { raw, .. } => raw.clone(),
        _ => return None,
    })
}

/// A value: strings quoted (raw strings kept when they save escapes), numbers and keywords as
/// written.
fn value_repr(t: &Tok) -> Option<String> {
    Some(match t {
        Tok::Word(w) if is_number(w) => w.clone(),
        Tok::Word(w) => quote(w),
        Tok::Str {
            raw,
            value: v,
            multi: false,
        } if raw.starts_with('#') && v.contains(['"', '\\']) => raw.clone(),
        Tok::Str {
            value: v,
            multi: false,
            ..
        } => quote(v),
        Tok::Str { raw, .. } => raw.clone(),
        Tok::Keyword(k) => k.clone(),
        _ => return None,
    })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Items up to the end of input, or up to and including the `}` of a block.
    fn items(&mut self, in_block: bool) -> Result<(Vec<Item>, Option<String>), ParseError> {
        let mut items: Vec<Item> = Vec::new();
        let mut open_comment = None;
        // Something precedes on the current line (in a block, the `{`).
        let mut line_has_content = in_block;
        // The last item is a node that ended on the current line.
        let mut node_on_line = false;
        loop {
            match self.peek() {
                None if in_block => return err("unclosed block"),
                None => break,
                Some(Tok::RBrace) if in_block => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::RBrace) => return err("unexpected `}`"),
                Some(Tok::Newline) => {
                    self.pos += 1;
                    if !line_has_content && !items.is_empty() && items.last() != Some(&Item::Blank)
                    {
                        items.push(Item::Blank);
                    }
                    line_has_content = false;
                    node_on_line = false;
                }
                Some(Tok::Semi) => self.pos += 1,
                Some(Tok::LineComment(c)) | Some(Tok::BlockComment(c)) => {
                    let c = c.clone();
                    let is_line = matches!(self.peek(), Some(Tok::LineComment(_)));
                    self.pos += 1;
                    let ends_line = is_line
                        || matches!(self.peek(), None | Some(Tok::Newline) | Some(Tok::RBrace));
                    match items.last_mut() {
                        Some(Item::Node(n))
                            if node_on_line && ends_line && n.trailing.is_none() =>
                        {
                            n.trailing = Some(c)
                        }
                        None if in_block
                            && line_has_content
                            && ends_line
                            && open_comment.is_none() =>
                        {
                            open_comment = Some(c)
                        }
                        _ => items.push(Item::Comment(c)),
                    }
                    line_has_content = true;
                    node_on_line = false;
                }
                Some(Tok::Escline(c)) => {
                    if let Some(c) = c.clone() {
                        items.push(Item::Comment(c));
                    }
                    self.pos += 1;
                    line_has_content = false;
                    node_on_line = false;
                }
                Some(_) => {
                    let (before, node, end, after) = self.node()?;
                    items.extend(before.into_iter().map(Item::Comment));
                    items.push(Item::Node(node));
                    items.extend(after.into_iter().map(Item::Comment));
                    line_has_content = end == End::Inline;
                    node_on_line = line_has_content;
                }
            }
        }
        if items.last() == Some(&Item::Blank) {
            items.pop();
        }
        Ok((items, open_comment))
    }

    /// One node. Gives the comments to put before it, the node, how it ended, and comments to
    /// put after it.
    fn node(&mut self) -> Result<(Vec<String>, Node, End, Vec<String>), ParseError> {
        let mut node = Node {
            slashdash: false,
            pieces: Vec::new(),
            trailing: None,
        };
        let before = self.slashdash_prefix(&mut node);
        let mut pending = Pending::default();
        let end = loop {
            match self.peek() {
                None => break End::Line,
                Some(Tok::Newline) => {
                    self.pos += 1;
                    break End::Line;
                }
                Some(Tok::Semi) => {
                    self.pos += 1;
                    break End::Inline;
                }
                Some(Tok::RBrace) => break End::Inline,
                Some(Tok::LineComment(c)) => {
                    node.trailing = Some(c.clone());
                    self.pos += 1;
                    if self.peek() == Some(&Tok::Newline) {
                        self.pos += 1;
                    }
                    break End::Line;
                }
                Some(Tok::BlockComment(c)) => {
                    node.pieces.push(Piece::Comment(c.clone()));
                    self.pos += 1;
                }
                Some(Tok::Escline(c)) => {
                    node.pieces.push(Piece::Break(c.clone()));
                    self.pos += 1;
                }
                Some(Tok::Slashdash) => {
                    self.pos += 1;
                    pending.slashdash = true;
                }
                Some(Tok::LParen) => pending.ty = Some(self.type_annotation()?),
                Some(Tok::LBrace) => {
                    let slashdash = std::mem::take(&mut pending.slashdash);
                    node.pieces.push(self.children(slashdash)?);
                }
                Some(t) => {
                    let t = t.clone();
                    self.pos += 1;
                    let atom = self.atom(&t, &mut pending)?;
                    node.pieces.push(Piece::Atom(atom));
                }
            }
        };
        if !pending.named {
            return err("a node without a name");
        }
        let after = tidy(&mut node);
        Ok((before, node, end, after))
    }

    /// A `/-` before a node comments it out; comments between it and the node go before it.
    fn slashdash_prefix(&mut self, node: &mut Node) -> Vec<String> {
        let mut before = Vec::new();
        if self.peek() != Some(&Tok::Slashdash) {
            return before;
        }
        self.pos += 1;
        node.slashdash = true;
        loop {
            match self.peek() {
                Some(Tok::Newline) | Some(Tok::Escline(None)) => self.pos += 1,
                Some(Tok::LineComment(c))
                | Some(Tok::BlockComment(c))
                | Some(Tok::Escline(Some(c))) => {
                    before.push(c.clone());
                    self.pos += 1;
                }
                _ => return before,
            }
        }
    }

    /// A children block, at its `{`: on one line when nothing in it needs a line of its own.
    fn children(&mut self, slashdash: bool) -> Result<Piece, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let (items, open_comment) = self.items(true)?;
        let one_line = !self.toks[start..self.pos].iter().any(|t| {
            matches!(
                t,
                Tok::Newline | Tok::Escline(_) | Tok::LineComment(_) | Tok::BlockComment(_)
            )
        });
        Ok(Piece::Children {
            slashdash,
            block: Block {
                open_comment,
                items,
                one_line,
            },
        })
    }

    /// The node's name, a property or an argument, with what is pending before it.
    fn atom(&mut self, t: &Tok, pending: &mut Pending) -> Result<String, ParseError> {
        let ty = pending.ty.take().unwrap_or_default();
        let sd = if std::mem::take(&mut pending.slashdash) {
            "/-"
        } else {
            ""
        };
        if !pending.named {
            let name = name_repr(t).ok_or(ParseError("expected a node name".into()))?;
            pending.named = true;
            Ok(format!("{ty}{name}"))
        } else if self.prop_follows() {
            let prop = self.prop(t)?;
            Ok(format!("{sd}{ty}{prop}"))
        } else {
            let v = value_repr(t).ok_or(ParseError("expected a value".into()))?;
            Ok(format!("{sd}{ty}{v}"))
        }
    }

    /// Whether the token just read is a property key (`=` follows, maybe after comments).
    fn prop_follows(&self) -> bool {
        let mut i = 0;
        while let Some(Tok::BlockComment(_)) = self.peek_at(i) {
            i += 1;
        }
        self.peek_at(i) == Some(&Tok::Eq)
    }

    /// The rest of a property whose key is `key`: `key=value`.
    fn prop(&mut self, key: &Tok) -> Result<String, ParseError> {
        let mut parts = vec![name_repr(key).ok_or(ParseError("expected a key".into()))?];
        let mut spaced = false;
        loop {
            match self.next() {
                Some(Tok::BlockComment(c)) => {
                    parts.push(c);
                    spaced = true;
                }
                Some(Tok::Eq) => break,
                _ => return err("expected `=`"),
            }
        }
        parts.push("=".into());
        let mut ty = String::new();
        loop {
            match self.peek() {
                Some(Tok::BlockComment(c)) => {
                    parts.push(c.clone());
                    spaced = true;
                    self.pos += 1;
                }
                Some(Tok::LParen) => ty = self.type_annotation()?,
                Some(t) => {
                    let v = value_repr(t).ok_or(ParseError("expected a value".into()))?;
                    self.pos += 1;
                    parts.push(format!("{ty}{v}"));
                    break;
                }
                None => return err("expected a value"),
            }
        }
        Ok(parts.join(if spaced { " " } else { "" }))
    }

    /// `(type)`, the `(` not yet read.
    fn type_annotation(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut parts = Vec::new();
        loop {
            match self.next() {
                Some(Tok::RParen) => break,
                Some(Tok::BlockComment(c)) => parts.push(c),
                Some(t) => parts.push(name_repr(&t).ok_or(ParseError("bad type".into()))?),
                None => return err("unclosed type annotation"),
            }
        }
        Ok(format!("({})", parts.join(" ")))
    }
}

/// What the next atom of a node is preceded by.
#[derive(Default)]
struct Pending {
    /// A `/-` comments it out.
    slashdash: bool,
    /// A type annotation, `(u8)`.
    ty: Option<String>,
    /// The node's name has been read.
    named: bool,
}

/// Continuations with nothing after them, and bare ones before `{`, carry no layout: drop
/// them, keeping their comments (returned, to go after the node).
fn tidy(node: &mut Node) -> Vec<String> {
    let mut after = Vec::new();
    while let Some(Piece::Break(c)) = node.pieces.last() {
        after.extend(c.clone());
        node.pieces.pop();
    }
    after.reverse();
    after.extend(node.trailing.take());
    if !after.is_empty() {
        node.trailing = Some(after.remove(0));
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for p in std::mem::take(&mut node.pieces) {
        if let (Piece::Break(None), Some(Piece::Break(_))) = (&p, pieces.last()) {
            continue;
        }
        if matches!(p, Piece::Children { .. }) && pieces.last() == Some(&Piece::Break(None)) {
            pieces.pop();
        }
        pieces.push(p);
    }
    node.pieces = pieces;
    after
}
