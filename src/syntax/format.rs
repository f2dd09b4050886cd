//! `stowage fmt`: the canonical layout of a spec, comments kept.
//!
//! Takes the text of a spec, gives the same document in canonical form (see [`print`] for the
//! layout; names and keys bare when KDL allows it, values quoted, escapes normalised). The
//! result is checked before it is returned: it must parse to the same nodes, entries and type
//! annotations, keep every comment in order, and keep everything commented out with `/-`;
//! otherwise [`format`] refuses with [`FormatError::Unsafe`] rather than change the spec.

mod cst;
mod print;

use super::lex::{self, Tok};
use super::parse;
use super::tree::{Node, Value};
use kdl::KdlValue;

/// Why a spec could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The text is not valid KDL: [`crate::syntax::parse`] says where.
    Syntax,
    /// Formatting would have changed the document (a formatter bug): nothing is written.
    Unsafe(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax => f.write_str("the spec is not valid KDL"),
            FormatError::Unsafe(why) => write!(
                f,
                "cannot format this spec safely ({why}); it was left unchanged"
            ),
        }
    }
}

/// The canonical text of a spec.
pub fn format(text: &str) -> Result<String, FormatError> {
    let before = parse::document(text).map_err(|_| FormatError::Syntax)?;
    let unsafe_ = |why: String| FormatError::Unsafe(why);
    let toks = plain(lex::tokens(text)).ok_or(FormatError::Syntax)?;
    let doc = cst::parse(&toks).map_err(|e| unsafe_(e.0))?;
    let out = print::document(&doc);
    let after = parse::document(&out).map_err(|_| unsafe_("the result is not valid KDL".into()))?;
    if !same_nodes(&before, &after) {
        return Err(unsafe_("the result has other nodes or values".into()));
    }
    let toks_after = plain(lex::tokens(&out)).ok_or(unsafe_("the result does not lex".into()))?;
    if comments(&toks) != comments(&toks_after) {
        return Err(unsafe_("a comment would be lost or changed".into()));
    }
    if significant(&toks) != significant(&toks_after) {
        return Err(unsafe_("commented-out (`/-`) text would change".into()));
    }
    Ok(out)
}

/// Every comment of a document, in order.
pub fn comments(tokens: &[Tok]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::LineComment(c) | Tok::BlockComment(c) | Tok::Escline(Some(c)) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// The comments of a spec's text (empty when it does not lex).
pub fn comments_of(text: &str) -> Vec<String> {
    plain(lex::tokens(text))
        .map(|t| comments(&t))
        .unwrap_or_default()
}

/// The tokens without their spans.
fn plain(tokens: Result<Vec<lex::Token>, lex::LexError>) -> Option<Vec<Tok>> {
    tokens.ok().map(|t| t.into_iter().map(|t| t.tok).collect())
}

/// The tokens that carry meaning (slashdashed ones included), strings by value.
fn significant(tokens: &[Tok]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) if lex::is_number(w) => Some(format!("n:{w}")),
            Tok::Word(w) => Some(format!("s:{w}")),
            Tok::Str {
                value,
                multi: false,
                ..
            } => Some(format!("s:{value}")),
            Tok::Str { raw, .. } => Some(format!("r:{raw}")),
            Tok::Keyword(k) => Some(format!("k:{k}")),
            Tok::LBrace => Some("{".into()),
            Tok::RBrace => Some("}".into()),
            Tok::LParen => Some("(".into()),
            Tok::RParen => Some(")".into()),
            Tok::Eq => Some("=".into()),
            Tok::Slashdash => Some("/-".into()),
            _ => None,
        })
        .collect()
}

fn same_value(a: &KdlValue, b: &KdlValue) -> bool {
    match (a, b) {
        (KdlValue::Float(x), KdlValue::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// Whether two documents have the same nodes, entries, type annotations and blocks.
fn same_nodes(a: &[Node], b: &[Node]) -> bool {
    let same_values = |x: &[Value], y: &[Value]| {
        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(&x.value, &y.value))
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.name == b.name
                && a.ty == b.ty
                && a.block == b.block
                && same_values(&a.args, &b.args)
                && a.props.len() == b.props.len()
                && a.props
                    .iter()
                    .zip(&b.props)
                    .all(|(x, y)| x.key == y.key && same_value(&x.value.value, &y.value.value))
                && same_nodes(&a.children, &b.children)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn layout_is_canonical() {
        let src = "app   \"shop\"{\n  namespace shop ; registry \"ghcr.io/acme\"\n}\n\n\n\nservice \"web\" { \"replicas\" 1; }\n";
        assert_eq!(
            fmt(src),
            "app \"shop\" {\n    namespace \"shop\"\n    registry \"ghcr.io/acme\"\n}\n\nservice \"web\" { replicas 1; }\n"
        );
    }

    #[test]
    fn comments_stay_where_they_are() {
        let src = "// head\n\napp \"x\" { // open\n    // inside\n    namespace \"x\" // trailing\n    /* block */ registry \"r\"\n    labels a=\"1\" /* mid */ b=\"2\" \\ // cont\n        c=\"3\"\n    // last\n} // after\n/-service \"off\" { replicas 1; }\n// end\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "// head\n\napp \"x\" { // open\n    // inside\n    namespace \"x\" // trailing\n    /* block */\n    registry \"r\"\n    labels a=\"1\" /* mid */ b=\"2\" \\ // cont\n        c=\"3\"\n    // last\n} // after\n/-service \"off\" { replicas 1; }\n// end\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn strings_keep_their_values() {
        let src = "n \"a\\u{41}\" #\"raw\\n\"# #\"plain\"# (u8)5 key=bare \"2FA\" \"\"\"\n    multi\n    \"\"\"\n";
        assert_eq!(
            fmt(src),
            "n \"aA\" #\"raw\\n\"# \"plain\" (u8)5 key=\"bare\" \"2FA\" \"\"\"\n    multi\n    \"\"\"\n"
        );
    }

    #[test]
    fn long_one_line_blocks_are_opened() {
        let long = "x".repeat(90);
        let out = fmt(&format!("a {{ b \"{long}\"; }}\n"));
        assert_eq!(out, format!("a {{\n    b \"{long}\"\n}}\n"));
    }

    #[test]
    fn syntax_errors_are_refused() {
        assert_eq!(format("a {"), Err(FormatError::Syntax));
    }
}
