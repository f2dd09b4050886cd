//! Limits on what is parsed at all: size and characters, checked before the parser runs; the
//! parser ([`super::parse`]) holds blocks to [`MAX_NESTING`] levels and files to
//! [`MAX_TOP_LEVEL_NODES`] top-level nodes.
//!
//! A spec is a few kilobytes nested a few levels deep. [`check`] refuses, with a diagnostic,
//! what no spec needs: more than [`MAX_SPEC_BYTES`], and the characters KDL forbids
//! (bidirectional overrides, control characters), which could make the spec read differently
//! from what it is.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};

/// The largest spec read (4 MiB: a thousand services take about 2 MB).
pub const MAX_SPEC_BYTES: usize = 4 << 20;
/// How many top-level nodes (workloads, configs, secrets, environments, ...) a spec may have:
/// a thousand services compile in seconds, a hundred thousand would take minutes and gigabytes.
pub const MAX_TOP_LEVEL_NODES: usize = 5000;
/// How deep `{ }` blocks may nest (a spec needs about four levels).
pub const MAX_NESTING: usize = 64;
/// How many characters KDL forbids are reported (then the scan stops).
const MAX_CHARACTER_REPORTS: usize = 10;

/// Check the size and the characters; `Err` holds the diagnostics of a spec that must not be
/// parsed.
pub fn check(source: &str) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    if source.len() > MAX_SPEC_BYTES {
        diags.push(
            Diagnostic::error(
                &code::syntax::TOO_LARGE,
                format!(
                    "the spec is {} bytes long; stowage reads specs of at most {} MiB",
                    source.len(),
                    MAX_SPEC_BYTES >> 20
                ),
                Span::new(0, 0),
                "this file",
            )
            .with_help(
                "a spec describes one application in a few kilobytes: is this the right file?",
            ),
        );
        return Err(diags);
    }
    forbidden_characters(source, &mut diags);
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// Characters KDL forbids anywhere in a document, with what they are.
fn forbidden_characters(source: &str, diags: &mut Diagnostics) {
    let plain = source
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
    if plain {
        return;
    }
    let mut found = 0;
    for (i, c) in source.char_indices() {
        if c == '\u{FEFF}' && i == 0 {
            continue;
        }
        let Some(what) = crate::chars::forbidden_in_kdl(c) else {
            continue;
        };
        found += 1;
        if found > MAX_CHARACTER_REPORTS {
            break;
        }
        diags.push(
            Diagnostic::error(
                &code::syntax::FORBIDDEN_CHARACTER,
                format!(
                    "the spec contains U+{:04X} {what}: `{}`",
                    c as u32,
                    c.escape_unicode()
                ),
                Span::new(i, c.len_utf8()),
                format!("`{}` here", c.escape_unicode()),
            )
            .with_help(
                "KDL forbids bidirectional and control characters anywhere in a document, comments \
                 included: they can make the text display differently from what it is. Delete it; \
                 inside a string, an escape such as `\\u{202E}` is allowed",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(source: &str) -> Vec<&'static code::Code> {
        let checked = check(source).and_then(|()| {
            crate::syntax::parse::document(source).map_err(|d| {
                let mut diags = Diagnostics::new();
                diags.push(*d);
                diags
            })
        });
        match checked {
            Ok(_) => Vec::new(),
            Err(d) => d.iter().map(|d| d.code).collect(),
        }
    }

    #[test]
    fn top_level_nodes() {
        let nodes = |n: usize| "w { image a }\n// comment\n\nx 1; y 2\n".repeat(n);
        // Three nodes per repetition.
        assert!(codes(&nodes(MAX_TOP_LEVEL_NODES / 3)).is_empty());
        let text = nodes(MAX_TOP_LEVEL_NODES / 3 + 1);
        let d = crate::syntax::parse::document(&text).unwrap_err();
        assert_eq!(d.code, &code::syntax::TOO_LARGE);
        // Node 5001 is the `y` of repetition 1667 (0-based 1666, nodes 4999..5001).
        let at = d.primary.span.offset;
        assert_eq!(&text[at..at + d.primary.span.len], "y");
        // Nodes in blocks, strings and comments do not count.
        let inside = format!(
            "a {{\n{}}}\n/* {} */ \"{}\"",
            "b\n".repeat(10000),
            "c\n".repeat(10000),
            "d\\n".repeat(10000)
        );
        assert!(codes(&inside).is_empty());
    }

    #[test]
    fn nesting() {
        let ok = format!(
            "a {}{}",
            "{ b ".repeat(MAX_NESTING - 1),
            "}".repeat(MAX_NESTING - 1)
        );
        assert!(codes(&ok).is_empty());
        let deep = format!(
            "a {}{}",
            "{ b ".repeat(MAX_NESTING + 1),
            "}".repeat(MAX_NESTING + 1)
        );
        let d = crate::syntax::parse::document(&deep).unwrap_err();
        assert_eq!(d.code, &code::syntax::TOO_DEEP);
        // The first brace beyond the limit: `a ` then 64 times `{ b `.
        assert_eq!(d.primary.span, Span::new(2 + 4 * MAX_NESTING, 1));
        // Braces in strings, raw strings and comments do not count.
        let quoted = format!(
            "a \"{0}\" #\"{0}\"# \"\"\"\n{0}\n\"\"\" // {0}\n/* {0} */ x",
            "{".repeat(100)
        );
        assert!(codes(&quoted).is_empty());
    }

    #[test]
    fn comments_and_slashdashes_cost_no_stack() {
        // Deep comment nesting and long slashdash runs are read without recursion.
        let nested = format!("{}{} a", "/*".repeat(100_000), "*/".repeat(100_000));
        assert!(codes(&nested).is_empty());
        assert!(codes(&format!("/*{}*/", "* ".repeat(100_000))).is_empty());
        assert!(codes("/* a/b*c /* d */ */ x").is_empty());
        assert!(codes(&format!("a {}1", "/- 1 ".repeat(100_000))).is_empty());
    }

    #[test]
    fn characters() {
        assert!(codes("\u{FEFF}a 1").is_empty());
        assert_eq!(
            codes("a \"x\u{202E}\""),
            [&code::syntax::FORBIDDEN_CHARACTER]
        );
        assert_eq!(
            codes("// \u{2066}\na 1"),
            [&code::syntax::FORBIDDEN_CHARACTER]
        );
        assert_eq!(codes("a 1\u{1b}"), [&code::syntax::FORBIDDEN_CHARACTER]);
        assert_eq!(codes(&"\u{202E}".repeat(100)).len(), MAX_CHARACTER_REPORTS);
    }
}
