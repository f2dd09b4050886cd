//! The lexer's main loop: which token starts at each character.

use super::{LexError, Lexer, Tok, Token, is_ident_char, is_newline, is_space, word_value};
use crate::diagnostic::Span;

/// Split a document into tokens; the first error ends it.
pub fn tokens(text: &str) -> Result<Vec<Token>, LexError> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lx = Lexer { text, pos: start };
    let mut out = Vec::with_capacity(text.len() / 4);
    loop {
        let spaced = lx.spaces();
        let start = lx.pos;
        let Some(tok) = lx.token(&mut out)? else {
            break;
        };
        out.push(Token {
            tok,
            span: lx.from(start),
            spaced,
        });
    }
    Ok(out)
}

impl Lexer<'_> {
    /// The token at the current position (`None` at the end). A line continuation pushes the
    /// block comments before its end of line itself.
    fn token(&mut self, out: &mut Vec<Token>) -> Result<Option<Tok>, LexError> {
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let start = self.pos;
        let tok = match c {
            _ if self.newline() => Tok::Newline,
            '/' if self.rest().starts_with("//") => Tok::LineComment(self.line_comment()),
            '/' if self.rest().starts_with("/*") => Tok::BlockComment(self.block_comment()?),
            '/' if self.eat("/-") => Tok::Slashdash,
            '\\' => self.escline(out)?,
            '"' => self.quoted()?,
            '#' => self.hashed()?,
            ';' | '{' | '}' | '(' | ')' | '=' => {
                self.bump();
                match c {
                    ';' => Tok::Semi,
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    _ => Tok::Eq,
                }
            }
            c if is_ident_char(c) => self.word()?,
            '\u{FEFF}' => {
                return Err(LexError::new(
                    "a byte order mark can only start the file",
                    Span::new(start, 3),
                    "U+FEFF here",
                )
                .help("delete it"));
            }
            _ => return Err(self.unexpected(start, c)),
        };
        Ok(Some(tok))
    }

    /// A bare word, checked to be a number or an identifier string.
    fn word(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        self.skip_while(is_ident_char);
        let word = &self.text[start..self.pos];
        if let Err((why, help)) = word_value(word) {
            return Err(LexError::new(why, self.from(start), "here").help(help));
        }
        Ok(Tok::Word(word.to_string()))
    }

    /// `\` continuing a node on the next line: blanks and block comments, then a line comment,
    /// a newline or the end of the text.
    fn escline(&mut self, out: &mut Vec<Token>) -> Result<Tok, LexError> {
        let start = self.pos;
        self.bump();
        loop {
            let spaced = self.spaces();
            if !self.rest().starts_with("/*") {
                break;
            }
            let at = self.pos;
            let b = self.block_comment()?;
            out.push(Token {
                tok: Tok::BlockComment(b),
                span: self.from(at),
                spaced,
            });
        }
        let comment = self.rest().starts_with("//").then(|| self.line_comment());
        if !self.newline() && self.peek().is_some() {
            return Err(LexError::new(
                "`\\` continues a node on the next line, so it must end its line",
                Span::new(start, 1),
                "this `\\`",
            )
            .help(
                "only spaces and comments may follow it; in a value, a backslash goes inside \
                 quotes (`\"a\\\\b\"`) or a raw string (`#\"a\\b\"#`)",
            ));
        }
        Ok(Tok::Escline(comment))
    }

    /// A character that starts no token: the text around it most likely wanted quotes.
    fn unexpected(&self, start: usize, c: char) -> LexError {
        let run_start = self.text[..start]
            .rfind(|c: char| is_space(c) || is_newline(c) || c == '=')
            .map_or(0, |i| {
                i + self.text[i..].chars().next().map_or(1, char::len_utf8)
            });
        let run_end = self.text[start..]
            .find(|c: char| is_space(c) || is_newline(c) || c == ';')
            .map_or(self.text.len(), |i| start + i);
        let run = &self.text[run_start..run_end];
        if c == '[' || c == ']' {
            return LexError::new("KDL has no `[ ]` lists", Span::new(start, 1), "here").help(
                "give the values as arguments separated by spaces (`ports 80 443`), or as child \
                 nodes; for the text itself, quote it",
            );
        }
        let shown = if c.is_control() {
            format!("U+{:04X}", c as u32)
        } else {
            format!("`{c}`")
        };
        let err = LexError::new(
            format!("{shown} cannot appear in KDL outside quotes"),
            Span::new(start, c.len_utf8()),
            "here",
        );
        if run.len() > 1 && run.len() <= 200 && !run.contains('"') {
            err.help(format!(
                "a value with {shown} in it is a string in quotes: `{}`",
                super::quote(run)
            ))
        } else {
            err.help("values with characters such as / [ ] are written in quotes: \"...\"")
        }
    }
}
