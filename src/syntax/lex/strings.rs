//! Quoted and raw strings, single-line and multi-line.

use super::{
    BAD_ESCAPE, LexError, Lexer, Tok, dedent, is_newline, is_space, newline_len, unescape,
    unicode_escape,
};
use crate::diagnostic::Span;

impl Lexer<'_> {
    /// A string in quotes, at its first `"`.
    pub(super) fn quoted(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        if self.rest().starts_with("\"\"\"") {
            return self.multi_quoted(start);
        }
        self.pos += 1;
        loop {
            self.skip_while(|c| !matches!(c, '"' | '\\') && !is_newline(c));
            match self.peek() {
                Some('"') => break,
                Some('\\') => {
                    self.bump();
                    self.escape_tail();
                }
                Some(c) if is_newline(c) => {
                    return Err(LexError::new(
                        "this string is not closed on its line",
                        Span::new(start, 1),
                        "opened here",
                    )
                    .help(
                        "close it with `\"` before the end of the line; for text over several \
                         lines, use a multi-line string: `\"\"\"`, a newline, the lines, and \
                         `\"\"\"` on a line of its own",
                    ));
                }
                Some(_) => {
                    self.bump();
                }
                None => return Err(unclosed(start)),
            }
        }
        self.pos += 1;
        let raw = &self.text[start..self.pos];
        let value = unescape(&raw[1..raw.len() - 1]).ok_or_else(|| bad_escape(raw, start))?;
        Ok(Tok::Str {
            raw: raw.to_string(),
            value,
            multi: false,
        })
    }

    /// After a `\`: the rest of the escape, so that an escaped quote or newline is passed over.
    fn escape_tail(&mut self) {
        match self.peek() {
            Some(c) if is_space(c) || is_newline(c) => {
                while self.peek().is_some_and(|c| is_space(c) || is_newline(c)) {
                    self.bump();
                }
            }
            Some(_) => {
                self.bump();
            }
            None => {}
        }
    }

    /// `"""`, a newline, lines, and `"""` on a line of its own.
    fn multi_quoted(&mut self, start: usize) -> Result<Tok, LexError> {
        self.pos += 3;
        if !self.newline() {
            return Err(opening_newline(start));
        }
        let body_start = self.pos;
        let mut breaks = Vec::new();
        loop {
            if self.rest().starts_with("\"\"\"") {
                break;
            }
            match self.peek() {
                Some('\\') => {
                    self.bump();
                    self.escape_tail();
                }
                Some(c) if is_newline(c) => {
                    breaks.push(self.pos - body_start);
                    self.newline();
                }
                Some(_) => {
                    self.bump();
                }
                None => return Err(unclosed(start)),
            }
        }
        let body = &self.text[body_start..self.pos];
        self.pos += 3;
        let raw = &self.text[start..self.pos];
        let value = dedent(body, &breaks, true).map_err(|why| multi_line_error(why, raw, start))?;
        Ok(Tok::Str {
            raw: raw.to_string(),
            value,
            multi: true,
        })
    }

    /// At `#`: a raw string (`#"..."#`, `##"..."##`, multi-line ones) or a keyword.
    pub(super) fn hashed(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let hashes = self.rest().bytes().take_while(|&b| b == b'#').count();
        let after = &self.rest()[hashes..];
        if !after.starts_with('"') {
            return self.keyword(start, hashes);
        }
        let close: String = std::iter::once('"')
            .chain(std::iter::repeat_n('#', hashes))
            .collect();
        let multi = after.starts_with("\"\"\"") && after[3..].starts_with(is_newline);
        self.pos += hashes + if multi { 3 } else { 1 };
        if multi {
            self.newline();
        }
        let body_start = self.pos;
        let end = if multi { format!("\"\"{close}") } else { close };
        let Some(i) = self.rest().find(&end) else {
            return Err(LexError::new(
                "this raw string is never closed",
                Span::new(start, hashes + 1),
                "opened here",
            )
            .help(format!(
                "close it with `{end}`: a raw string ends with the quotes and as many `#` as it opens with"
            )));
        };
        let body = &self.text[body_start..body_start + i];
        self.pos += i + end.len();
        let raw = &self.text[start..self.pos];
        let value = if multi {
            let breaks: Vec<usize> = body
                .char_indices()
                .filter(|&(j, c)| is_newline(c) && !(c == '\n' && body[..j].ends_with('\r')))
                .map(|(j, _)| j)
                .collect();
            dedent(body, &breaks, false).map_err(|why| multi_line_error(why, raw, start))?
        } else {
            single_raw(body, raw, start)?
        };
        Ok(Tok::Str {
            raw: raw.to_string(),
            value,
            multi,
        })
    }

    /// `#true` and the other keywords, at the first `#`.
    fn keyword(&mut self, start: usize, hashes: usize) -> Result<Tok, LexError> {
        self.pos += hashes;
        self.skip_while(super::is_ident_char);
        let word = &self.text[start..self.pos];
        if hashes == 1 && super::keyword_value(word).is_some() {
            return Ok(Tok::Keyword(word.to_string()));
        }
        if word == "#" {
            return Err(LexError::new(
                "`#` does not start a comment in KDL",
                self.from(start),
                "here",
            )
            .help(
                "comments start with `//`, or `/*` and end with `*/`; `/-` comments out a node",
            ));
        }
        Err(LexError::new(
            format!("`{word}` is not a KDL keyword"),
            self.from(start),
            "here",
        )
        .help(
            "the keywords are #true, #false, #null, #inf, #-inf and #nan; a string that starts \
             with `#` is written in quotes: \"#...\"",
        ))
    }
}

/// A single-line raw string's value.
fn single_raw(body: &str, raw: &str, start: usize) -> Result<String, LexError> {
    if body.contains(is_newline) {
        return Err(LexError::new(
            "this raw string is not closed on its line",
            Span::new(start, raw.find('"').map_or(1, |q| q + 1)),
            "opened here",
        )
        .help("a raw string over several lines opens with `#\"\"\"` and a newline"));
    }
    if body == "\"" || body.starts_with("\"\"") {
        return Err(LexError::new(
            "a single-line raw string cannot start with `\"\"` or hold just `\"`",
            Span::new(start, raw.len()),
            "this string",
        )
        .help(
            "a raw string with `\"\"\"` and a newline after its `#` is a multi-line one; \
             otherwise write the text in quotes with escapes: \"\\\"\\\"...\"",
        ));
    }
    Ok(body.to_string())
}

fn unclosed(start: usize) -> LexError {
    LexError::new(
        "this string is never closed",
        Span::new(start, 1),
        "opened here",
    )
    .help("close it with `\"`; a `\"` inside a string is written `\\\"`")
}

fn opening_newline(start: usize) -> LexError {
    LexError::new(
        "`\"\"\"` opens a multi-line string, which starts on the next line",
        Span::new(start, 3),
        "here",
    )
    .help("start the text on the next line, or write an empty string as \"\"")
}

fn bad_escape(raw: &str, start: usize) -> LexError {
    let at = first_bad_escape(raw).unwrap_or(0);
    let len = raw[at..].chars().take(2).map(char::len_utf8).sum();
    LexError::new(
        "this string has an escape KDL does not know",
        Span::new(start + at, len),
        "this escape",
    )
    .help(BAD_ESCAPE)
}

/// Where the first unknown escape of a quoted string is.
fn first_bad_escape(raw: &str) -> Option<usize> {
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let (_, e) = chars.next()?;
        let ok = match e {
            '\\' | '"' | 'b' | 'f' | 'n' | 'r' | 't' | 's' => true,
            'u' => unicode_escape(&mut chars.clone().map(|(_, c)| c)).is_some(),
            w => is_space(w) || is_newline(w),
        };
        if !ok {
            return Some(i);
        }
    }
    None
}

fn multi_line_error(why: String, raw: &str, start: usize) -> LexError {
    LexError::new(
        "this multi-line string is not laid out as KDL requires",
        Span::new(
            start,
            raw.len().min(3 + newline_len(&raw[3.min(raw.len())..])),
        ),
        "this string",
    )
    .help(why)
}
