//! The parser's errors: what is wrong, where, and what to write instead.

use super::{Parser, syntax};
use crate::diagnostic::{Diagnostic, Span};
use crate::syntax::lex::Tok;

impl Parser<'_> {
    /// A block still open at the end of the text: at its `{`, and after the last token.
    pub(super) fn unclosed(&self, open: Span) -> Box<Diagnostic> {
        let last = self
            .toks
            .iter()
            .rev()
            .find(|t| !matches!(t.tok, Tok::Newline))
            .map_or(open, |t| {
                Span::new(
                    t.span.offset + t.span.len.saturating_sub(1),
                    1.min(t.span.len),
                )
            });
        let d = syntax(
            "this block is never closed",
            open,
            "not closed",
            "add the `}` that closes this block",
        );
        Box::new(d.with_label(last, "still open after this"))
    }

    pub(super) fn stray_brace(&self) -> Box<Diagnostic> {
        syntax(
            "this `}` closes no block",
            self.span(),
            "nothing to close",
            "remove it, or look above for the node whose `{` is missing",
        )
    }

    pub(super) fn stray_semicolon(&self) -> Box<Diagnostic> {
        syntax(
            "this `;` ends no node",
            self.span(),
            "here",
            "`;` ends a node, like the end of a line; remove this one",
        )
    }

    pub(super) fn second_block(&self) -> Box<Diagnostic> {
        syntax(
            "a node has at most one block",
            self.span(),
            "a second block",
            "put everything in the first block, or end the node (a new line or `;`) before this one",
        )
    }

    pub(super) fn entry_after_block(&self) -> Box<Diagnostic> {
        syntax(
            "values and properties go before the node's block",
            self.span(),
            "after the block",
            "move it before the `{`, or start a new node on a new line",
        )
    }

    /// Entries are separated from what comes before them by a space.
    pub(super) fn need_space(&self, separated: bool) -> Result<(), Box<Diagnostic>> {
        if separated {
            return Ok(());
        }
        let span = self.span();
        if matches!(self.peek(), Some(Tok::Word(w)) if w.starts_with(',')) {
            return Err(syntax(
                "KDL separates values and properties with spaces, not commas",
                Span::new(span.offset, 1),
                "this comma",
                "remove the comma",
            ));
        }
        Err(syntax(
            "a space is missing before this",
            Span::new(span.offset, span.len.min(1)),
            "no space before it",
            "values and properties are separated by spaces: `port \"http\" 8080`; \
             a string that runs on is written whole in quotes",
        ))
    }

    /// A token that has no place here.
    pub(super) fn unexpected(&self, place: &str) -> Box<Diagnostic> {
        let span = self.span();
        let (what, help) = match self.peek() {
            None => (
                "the end of the file".to_string(),
                "the last node is not finished",
            ),
            Some(Tok::Eq) => (
                "`=`".to_string(),
                "a property is a name, `=` and a value with no spaces needed: `port=8080`; \
                 the name comes right before the `=`",
            ),
            Some(Tok::RParen) => (
                "`)`".to_string(),
                "parentheses hold a type annotation right before a node or value: `(list)ports`",
            ),
            Some(Tok::LParen) => (
                "`(`".to_string(),
                "a type annotation comes once, right before a node or a value",
            ),
            Some(Tok::LBrace) => ("`{`".to_string(), "a block belongs right after a node"),
            Some(Tok::Slashdash) => (
                "`/-`".to_string(),
                "`/-` comments out a whole node, value, property or block, not part of one",
            ),
            Some(Tok::Newline | Tok::Semi | Tok::RBrace | Tok::LineComment(_)) => (
                "the end of the node".to_string(),
                "the node ends before it is complete: finish it on this line, or continue the \
                 line with `\\`",
            ),
            Some(_) => (
                "this".to_string(),
                "stowage.kdl is a KDL 2.0 document: see https://kdl.dev",
            ),
        };
        syntax(format!("unexpected {what} {place}"), span, "here", help)
    }
}
