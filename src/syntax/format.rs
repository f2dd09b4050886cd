//! `stowage fmt`: the canonical layout of a spec, comments kept.
//!
//! Takes the text of a spec, gives the same document in canonical form (see [`print`] for the
//! layout; names and keys bare when KDL allows it, values quoted, escapes normalised). The
//! result is checked before it is returned: it must parse to the same nodes, entries and type
//! annotations, keep every comment in order, and keep everything commented out with `/-`;
//! otherwise [`format`] refuses with [`FormatError::Unsafe`] rather than change the spec.

mod cst;
mod lex;
mod print;

use kdl::{KdlDocument, KdlNode, KdlValue};
pub use lex::Tok;

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
    let before: KdlDocument = text.parse().map_err(|_| FormatError::Syntax)?;
    let unsafe_ = |why: String| FormatError::Unsafe(why);
    let toks = lex::tokens(text).map_err(|e| unsafe_(e.0))?;
    let doc = cst::parse(&toks).map_err(|e| unsafe_(e.0))?;
    let out = print::document(&doc);
    let after: KdlDocument = out
        .parse()
        .map_err(|_| unsafe_("the result is not valid KDL".into()))?;
    if !same_nodes(before.nodes(), after.nodes()) {
        return Err(unsafe_("the result has other nodes or values".into()));
    }
    let toks_after = lex::tokens(&out).map_err(|e| unsafe_(e.0))?;
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
    lex::tokens(text).map(|t| comments(&t)).unwrap_or_default()
}

/// The tokens that carry meaning (slashdashed ones included), strings by value.
fn significant(tokens: &[Tok]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) if lex::is_number(w) => Some(format!("n:{w}")),
            Tok::Word(w) => Some(format!("s:{w}")),
            Tok::Str { value: Some(v), .. } => Some(format!("s:{v}")),
            Tok::Str { raw, value: None } => Some(format!("r:{raw}")),
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

fn same_nodes(a: &[KdlNode], b: &[KdlNode]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.name().value() == b.name().value()
                && a.ty().map(|t| t.value()) == b.ty().map(|t| t.value())
                && a.entries().len() == b.entries().len()
                && a.entries().iter().zip(b.entries()).all(|(x, y)| {
                    x.name().map(|n| n.value()) == y.name().map(|n| n.value())
                        && x.ty().map(|t| t.value()) == y.ty().map(|t| t.value())
                        && same_value(x.value(), y.value())
                })
                && match (a.children(), b.children()) {
                    (None, None) => true,
                    (Some(x), Some(y)) => same_nodes(x.nodes(), y.nodes()),
                    _ => false,
                }
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
