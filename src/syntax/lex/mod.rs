//! KDL 2.0 text to tokens: the one lexer of stowage, read by the parser ([`super::parse`]) and
//! by `fmt`.
//!
//! Takes the text of a document, gives [`Token`]s with their spans, or the first [`LexError`].
//! Nothing is lost but spaces (a token records whether spaces precede it): newlines, comments,
//! line continuations and every value keep their text. Strings carry their decoded value
//! (escapes, multi-line dedent) and words are checked to be numbers or identifier strings, so
//! a document that lexes has only the parser's grammar left to satisfy. The lexer never
//! recurses: nested comments, long strings and deep text cost no stack.

mod strings;
#[cfg(test)]
mod tests;
mod tokens;

use crate::diagnostic::Span;
use kdl::KdlValue;
pub use tokens::tokens;

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
    /// A bare word: an identifier string or a number (checked: see [`word_value`]).
    Word(String),
    /// A quoted or raw string: its text, its value, and whether it is a multi-line string.
    Str {
        raw: String,
        value: String,
        multi: bool,
    },
    /// `#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`.
    Keyword(String),
}

/// A token, where it is, and whether spaces come right before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    pub spaced: bool,
}

/// Why the text is not KDL, in stowage's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: Option<String>,
}

impl LexError {
    pub fn new(message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        LexError {
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

const SPACES: &[char] = &[
    '\u{0009}', '\u{0020}', '\u{00A0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}',
    '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}', '\u{202F}',
    '\u{205F}', '\u{3000}',
];

pub fn is_space(c: char) -> bool {
    // Most of a spec is ASCII: two comparisons instead of a scan of the list.
    if c.is_ascii() {
        return c == ' ' || c == '\t';
    }
    SPACES.contains(&c)
}

pub fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\r' | '\n' | '\u{0085}' | '\u{000B}' | '\u{000C}' | '\u{2028}' | '\u{2029}'
    )
}

/// Code points a document may not hold outside escapes: those KDL forbids, and C1 controls
/// (see [`crate::chars::forbidden_in_kdl`]).
pub fn is_disallowed(c: char) -> bool {
    crate::chars::is_forbidden_in_kdl(c)
}

/// Whether `c` may appear in a bare identifier.
pub fn is_ident_char(c: char) -> bool {
    // ASCII: every control character is a space, a newline or disallowed.
    if c.is_ascii() {
        return c.is_ascii_graphic()
            && !matches!(
                c,
                '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '='
            );
    }
    !(is_space(c) || is_newline(c) || is_disallowed(c))
}

/// Whether a word is a number (as opposed to an identifier string).
pub fn is_number(word: &str) -> bool {
    let rest = word.strip_prefix(['+', '-']).unwrap_or(word);
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `s` can be written as a bare identifier and read back as the same string.
pub fn is_bare_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_ident_char) && identifier_problem(s).is_none()
}

/// Why a word that is not a number is not an identifier string either: what is wrong, and
/// what to write.
fn identifier_problem(s: &str) -> Option<(String, String)> {
    if matches!(s, "true" | "false" | "null" | "inf" | "-inf" | "nan") {
        return Some((
            format!("`{s}` is not a value in KDL 2.0"),
            format!("write `#{s}`, or `\"{s}\"` for the string"),
        ));
    }
    let rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit()).then(|| {
        (
            format!("`{s}` is neither a number nor a name KDL reads without quotes"),
            format!("quote it: `\"{s}\"`"),
        )
    })
}

/// The value of a word: a number, or an identifier string. `Err` says what is wrong, and what
/// to write instead.
pub fn word_value(word: &str) -> Result<KdlValue, (String, String)> {
    if !is_number(word) {
        return match identifier_problem(word) {
            Some(why) => Err(why),
            None => Ok(KdlValue::String(word.to_string())),
        };
    }
    number(word).ok_or_else(|| match word.strip_suffix(',') {
        Some(n) if number(n).is_some() => (
            format!("`{word}`: KDL separates values and properties with spaces, not commas"),
            "remove the comma".to_string(),
        ),
        _ => (
            format!(
                "`{word}` starts like a number, so KDL reads it as one, and it is not a number"
            ),
            format!("quote it: `\"{word}\"`"),
        ),
    })
}

/// A KDL number: decimal integer or float, `0x`, `0o`, `0b`; `_` between digits.
fn number(word: &str) -> Option<KdlValue> {
    let (negative, unsigned) = match word.as_bytes().first()? {
        b'-' => (true, &word[1..]),
        b'+' => (false, &word[1..]),
        _ => (false, word),
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = unsigned.strip_prefix(prefix) {
            return radix_integer(digits, radix, negative).map(KdlValue::Integer);
        }
    }
    decimal(unsigned, negative)
}

fn radix_integer(digits: &str, radix: u32, negative: bool) -> Option<i128> {
    let first = digits.chars().next()?;
    if !first.is_digit(radix) || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let sign = if negative { "-" } else { "" };
    i128::from_str_radix(&format!("{sign}{clean}"), radix).ok()
}

/// `digits ('.' digits)? (('e'|'E') sign? digits)?`, where digits start with a digit.
fn decimal(unsigned: &str, negative: bool) -> Option<KdlValue> {
    let digits = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c == '_' || c.is_ascii_digit())
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !digits(int) || !frac.is_none_or(digits) || !exponent_ok {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    let clean: String = unsigned.chars().filter(|&c| c != '_').collect();
    if frac.is_none() && exponent.is_none() {
        return format!("{sign}{clean}").parse().ok().map(KdlValue::Integer);
    }
    format!("{sign}{clean}").parse().ok().map(KdlValue::Float)
}

/// The value of a keyword: `#true` and the like.
pub fn keyword_value(keyword: &str) -> Option<KdlValue> {
    Some(match keyword {
        "#true" => KdlValue::Bool(true),
        "#false" => KdlValue::Bool(false),
        "#null" => KdlValue::Null,
        "#inf" => KdlValue::Float(f64::INFINITY),
        "#-inf" => KdlValue::Float(f64::NEG_INFINITY),
        "#nan" => KdlValue::Float(f64::NAN),
        _ => return None,
    })
}

/// The value of a single-line quoted string's body; `None` for an escape KDL does not know.
pub fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
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
            'u' => out.push(unicode_escape(&mut chars)?),
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

/// `{1F600}` after `\u`.
fn unicode_escape(chars: &mut impl Iterator<Item = char>) -> Option<char> {
    if chars.next()? != '{' {
        return None;
    }
    let mut hex = String::new();
    loop {
        match chars.next()? {
            '}' if !hex.is_empty() => break,
            h if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
            _ => return None,
        }
    }
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
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

/// The value of a multi-line string's body (between the newline after the opening quotes and
/// the closing quotes): lines dedented by the spaces of the last line, then unescaped when
/// `escapes` (a quoted string; raw strings are taken as they are). Lines break at the
/// offsets `breaks` (the newlines no escape joins).
fn dedent(body: &str, breaks: &[usize], escapes: bool) -> Result<String, String> {
    let mut lines = Vec::with_capacity(breaks.len() + 1);
    let mut start = 0;
    for &b in breaks {
        lines.push(&body[start..b]);
        start = b + newline_len(&body[b..]);
    }
    let Some(prefix) = spaces_only(&body[start..], escapes) else {
        return Err("the closing quotes of a multi-line string go on a line of their own".into());
    };
    let mut out = String::with_capacity(body.len());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if spaces_only(l, escapes).is_some() {
            continue;
        }
        let Some(rest) = l.strip_prefix(prefix.as_str()) else {
            return Err(
                "every line of a multi-line string starts with the spaces that come \
                 before its closing quotes"
                    .into(),
            );
        };
        if !escapes {
            out.push_str(rest);
            continue;
        }
        match unescape(rest) {
            Some(v) => out.push_str(&v),
            None => return Err(BAD_ESCAPE.into()),
        }
    }
    Ok(out)
}

/// When a line holds only spaces (and, with `escapes`, escaped line breaks), the spaces that
/// are not part of an escape.
fn spaces_only(line: &str, escapes: bool) -> Option<String> {
    let mut kept = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if is_space(c) {
            kept.push(c);
        } else if escapes
            && c == '\\'
            && chars.peek().is_some_and(|&n| is_space(n) || is_newline(n))
        {
            while chars.peek().is_some_and(|&n| is_space(n) || is_newline(n)) {
                chars.next();
            }
        } else {
            return None;
        }
    }
    Some(kept)
}

/// What the help of a string with an unknown escape says.
pub(crate) const BAD_ESCAPE: &str = "KDL knows the escapes \\n \\r \\t \\\\ \\\" \\b \\f \\s and \\u{hex}; \
     write a backslash as \\\\, or use a raw string (#\"...\"#) where backslashes are plain";

fn newline_len(s: &str) -> usize {
    if s.starts_with("\r\n") {
        2
    } else {
        s.chars().next().map_or(0, char::len_utf8)
    }
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
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
    /// Move past the characters `keep` accepts.
    fn skip_while(&mut self, keep: impl Fn(char) -> bool) {
        let rest = self.rest();
        self.pos += rest.find(|c| !keep(c)).unwrap_or(rest.len());
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
    fn spaces(&mut self) -> bool {
        let start = self.pos;
        self.skip_while(is_space);
        self.pos > start
    }
    fn from(&self, start: usize) -> Span {
        Span::new(start, self.pos - start)
    }
    fn line_comment(&mut self) -> String {
        let start = self.pos;
        self.skip_while(|c| !is_newline(c));
        self.text[start..self.pos]
            .trim_end_matches(is_space)
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
                return Err(LexError::new(
                    "this comment is never closed",
                    Span::new(start, 2),
                    "opened here",
                )
                .help("close it with `*/` (comments nest: every `/*` inside needs its own `*/`)"));
            }
        }
        Ok(self.text[start..self.pos].to_string())
    }
}
