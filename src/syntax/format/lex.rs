//! The formatter's lexer: KDL 2.0 text to tokens, keeping every comment.
//!
//! Takes the text of a document that the kdl crate has already parsed (so it is valid KDL), gives
//! [`Tok`]s. Spaces are dropped; newlines, comments, line continuations and every value keep
//! their text. Quoted and raw single-line strings also carry their decoded value, so the printer
//! can choose their quoting.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// Any KDL newline.
    Newline,
    /// `// ...`, without the newline, trailing spaces removed.
    LineComment(String),
    /// `/* ... */`, nested comments included, verbatim.
    BlockComment(String),
    /// `\` continuing a node on the next line, with the line comment written after it.
    Escline(Option<String>),
    Semi,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Eq,
    Slashdash,
    /// A bare word: an identifier string or a number.
    Word(String),
    /// A quoted or raw string: its text, and its value when it is a single-line string.
    Str {
        raw: String,
        value: Option<String>,
    },
    /// `#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`.
    Keyword(String),
}

/// Why the text could not be split into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError(pub String);

const SPACES: &[char] = &[
    '\u{0009}', '\u{0020}', '\u{00A0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}',
    '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}', '\u{202F}',
    '\u{205F}', '\u{3000}',
];

pub fn is_space(c: char) -> bool {
    SPACES.contains(&c)
}

pub fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\r' | '\n' | '\u{0085}' | '\u{000B}' | '\u{000C}' | '\u{2028}' | '\u{2029}'
    )
}

/// Code points KDL forbids outside escapes.
pub fn is_disallowed(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}'
        | '\u{000E}'..='\u{001F}'
        | '\u{007F}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
    )
}

/// Whether `c` may appear in a bare identifier.
pub fn is_ident_char(c: char) -> bool {
    !(is_space(c) || is_newline(c) || is_disallowed(c) || "\\/(){};[]\"#=".contains(c))
}

/// Whether a word is a number (as opposed to an identifier string).
pub fn is_number(word: &str) -> bool {
    let rest = word.strip_prefix(['+', '-']).unwrap_or(word);
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `s` can be written as a bare identifier and read back as the same string.
pub fn is_bare_identifier(s: &str) -> bool {
    if s.is_empty() || !s.chars().all(is_ident_char) {
        return false;
    }
    if matches!(s, "true" | "false" | "null" | "inf" | "-inf" | "nan") {
        return false;
    }
    let rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    !rest.starts_with(|c: char| c.is_ascii_digit())
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn newline(&mut self) -> bool {
        self.eat("\r\n") || self.peek().is_some_and(is_newline) && self.bump().is_some()
    }
    fn line_comment(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_newline(c)) {
            self.bump();
        }
        self.text[start..self.pos]
            .trim_end_matches(|c: char| is_space(c))
            .to_string()
    }
    fn block_comment(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1;
        while depth > 0 {
            if self.eat("/*") {
                depth += 1;
            } else if self.eat("*/") {
                depth -= 1;
            } else if self.bump().is_none() {
                return Err(LexError("unclosed comment".into()));
            }
        }
        Ok(self.text[start..self.pos].to_string())
    }
    fn quoted(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let multi = self.rest().starts_with("\"\"\"")
            && self.rest()[3..].starts_with(|c: char| is_newline(c));
        if multi {
            self.pos += 3;
            loop {
                if self.eat("\"\"\"") {
                    break;
                }
                match self.bump() {
                    Some('\\') => {
                        self.bump();
                    }
                    Some(_) => {}
                    None => return Err(LexError("unclosed string".into())),
                }
            }
            return Ok(Tok::Str {
                raw: self.text[start..self.pos].to_string(),
                value: None,
            });
        }
        self.pos += 1;
        loop {
            match self.bump() {
                Some('"') => break,
                Some('\\') => {
                    self.bump();
                }
                Some(_) => {}
                None => return Err(LexError("unclosed string".into())),
            }
        }
        let raw = &self.text[start..self.pos];
        Ok(Tok::Str {
            raw: raw.to_string(),
            value: unescape(&raw[1..raw.len() - 1]),
        })
    }
    fn hashed(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let hashes = self.rest().chars().take_while(|&c| c == '#').count();
        let after = &self.rest()[hashes..];
        if !after.starts_with('"') {
            self.pos += 1;
            while self.peek().is_some_and(is_ident_char) {
                self.bump();
            }
            return Ok(Tok::Keyword(self.text[start..self.pos].to_string()));
        }
        let close: String = std::iter::once('"')
            .chain(std::iter::repeat_n('#', hashes))
            .collect();
        let multi = after.starts_with("\"\"\"") && after[3..].starts_with(|c: char| is_newline(c));
        let open = if multi { 3 } else { 1 };
        self.pos += hashes + open;
        let body_start = self.pos;
        let end = if multi { format!("\"\"{close}") } else { close };
        match self.rest().find(&end) {
            Some(i) => {
                let body = &self.text[body_start..body_start + i];
                self.pos += i + end.len();
                Ok(Tok::Str {
                    raw: self.text[start..self.pos].to_string(),
                    value: (!multi).then(|| body.to_string()),
                })
            }
            None => Err(LexError("unclosed raw string".into())),
        }
    }
}

/// The value of a single-line quoted string's body; `None` for an escape KDL does not know.
pub fn unescape(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            's' => out.push(' '),
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        h if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
                        _ => return None,
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            w if is_space(w) || is_newline(w) => {
                while chars.peek().is_some_and(|&c| is_space(c) || is_newline(c)) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// `s` as a single-line quoted string.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if is_newline(c) || is_disallowed(c) || c.is_control() => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Split a document into tokens.
pub fn tokens(text: &str) -> Result<Vec<Tok>, LexError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lx = Lexer { text, pos: 0 };
    let mut out = Vec::new();
    while let Some(c) = lx.peek() {
        if is_space(c) {
            lx.bump();
        } else if lx.newline() {
            out.push(Tok::Newline);
        } else if lx.rest().starts_with("//") {
            out.push(Tok::LineComment(lx.line_comment()));
        } else if lx.rest().starts_with("/*") {
            out.push(Tok::BlockComment(lx.block_comment()?));
        } else if lx.eat("/-") {
            out.push(Tok::Slashdash);
        } else if c == '\\' {
            lx.bump();
            while lx.peek().is_some_and(is_space) {
                lx.bump();
            }
            // Block comments may sit between `\` and the end of the line.
            let mut comment = None;
            while lx.rest().starts_with("/*") {
                let b = lx.block_comment()?;
                out.push(Tok::BlockComment(b));
                while lx.peek().is_some_and(is_space) {
                    lx.bump();
                }
            }
            if lx.rest().starts_with("//") {
                comment = Some(lx.line_comment());
            }
            if !lx.newline() && lx.peek().is_some() {
                return Err(LexError("`\\` must end its line".into()));
            }
            out.push(Tok::Escline(comment));
        } else if c == '"' {
            out.push(lx.quoted()?);
        } else if c == '#' {
            out.push(lx.hashed()?);
        } else if let Some(t) = match c {
            ';' => Some(Tok::Semi),
            '{' => Some(Tok::LBrace),
            '}' => Some(Tok::RBrace),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '=' => Some(Tok::Eq),
            _ => None,
        } {
            lx.bump();
            out.push(t);
        } else if is_ident_char(c) {
            let start = lx.pos;
            while lx.peek().is_some_and(is_ident_char) {
                lx.bump();
            }
            out.push(Tok::Word(lx.text[start..lx.pos].to_string()));
        } else {
            return Err(LexError(format!("unexpected character {c:?}")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_comments_and_continuations() {
        let t =
            tokens("a \"x\\ty\" #\"r\\\"# // c \nb /* x /* y */ */ \\ // more\n  c=#true").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Word("a".into()),
                Tok::Str {
                    raw: "\"x\\ty\"".into(),
                    value: Some("x\ty".into())
                },
                Tok::Str {
                    raw: "#\"r\\\"#".into(),
                    value: Some("r\\".into())
                },
                Tok::LineComment("// c".into()),
                Tok::Newline,
                Tok::Word("b".into()),
                Tok::BlockComment("/* x /* y */ */".into()),
                Tok::Escline(Some("// more".into())),
                Tok::Word("c".into()),
                Tok::Eq,
                Tok::Keyword("#true".into()),
            ]
        );
    }

    #[test]
    fn quoting_round_trips() {
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "tab\tnew\nline",
            "\u{7f}",
        ] {
            let q = quote(s);
            assert_eq!(unescape(&q[1..q.len() - 1]).as_deref(), Some(s));
        }
        assert!(is_bare_identifier("NODE_ENV"));
        assert!(is_bare_identifier("prometheus.io"));
        assert!(!is_bare_identifier("prometheus.io/scrape"));
        assert!(!is_bare_identifier("2FA"));
        assert!(!is_bare_identifier("-1x"));
        assert!(!is_bare_identifier(".5"));
        assert!(!is_bare_identifier("true"));
        assert!(!is_bare_identifier(""));
    }
}
