//! Limits on what is parsed at all: size, nesting and characters, checked before any parser
//! runs, and the `kdl` crate run where its recursion cannot overflow the stack.
//!
//! A spec is a few kilobytes nested a few levels deep. The `kdl` crate's parser recurses once
//! per `{`, per nested `/*`, per `*` or `/` inside a block comment, per `/-` following another
//! `/-`, and, after a syntax error at the top level, once per remaining error (a JSON file
//! given as a spec recurses thousands of times). Unchecked, deep or broken input aborts the
//! process with a stack overflow. [`check`] scans the text once (strings, raw strings and
//! comments understood) and refuses, with a diagnostic, what no spec needs: more than
//! [`MAX_SPEC_BYTES`], blocks nested deeper than [`MAX_NESTING`], block comments nested deeper
//! or with more than [`MAX_COMMENT_PARTS`] parts, runs of more than [`MAX_SLASHDASH_RUN`]
//! slashdashes, and the characters KDL forbids (bidirectional overrides, control characters),
//! which could make the spec read differently from what it is. [`Checked::parse_kdl_with`] then
//! parses on a thread whose stack is sized for the worst case of the input it is given, one
//! group of top-level nodes of at most [`CHUNK_BYTES`] at a time (a single top-level node larger
//! than [`MAX_NODE_BYTES`] is refused), so the error recursion stays bounded too.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use kdl::{KdlDocument, KdlError, KdlNode};
use scan::scan;
use std::sync::Arc;

mod scan;

/// The largest spec read (4 MiB: a thousand services take about 2 MB).
pub const MAX_SPEC_BYTES: usize = 4 << 20;
/// How many top-level nodes (workloads, configs, secrets, environments, ...) a spec may have:
/// a thousand services compile in seconds, a hundred thousand would take minutes and gigabytes.
pub const MAX_TOP_LEVEL_NODES: usize = 5000;
/// How deep `{ }` blocks may nest (a spec needs about four levels).
pub const MAX_NESTING: usize = 64;
/// How many `*`, `/` and runs of other text one block comment (nested ones included) may hold.
pub const MAX_COMMENT_PARTS: usize = 2000;
/// How many `/-` may follow each other with nothing but blanks and comments between them.
pub const MAX_SLASHDASH_RUN: usize = 64;
/// Top-level nodes are given to the `kdl` crate in groups of about this size.
pub const CHUNK_BYTES: usize = 64 << 10;
/// The largest single top-level node the `kdl` crate is given.
pub const MAX_NODE_BYTES: usize = 1 << 20;
/// The most stack the parsing threads reserve together.
const STACKS_BYTES: usize = 512 << 20;
/// How many characters KDL forbids are reported (then the scan stops).
const MAX_CHARACTER_REPORTS: usize = 10;

/// A spec that passed [`check`]: where its top-level nodes may be split.
#[derive(Debug)]
pub struct Checked<'a> {
    source: &'a str,
    /// Byte offsets where a top-level node starts (after a newline at depth 0).
    boundaries: Vec<usize>,
}

/// Check the limits; `Err` holds the diagnostics of a spec that must not be parsed.
pub fn check(source: &str) -> Result<Checked<'_>, Diagnostics> {
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
    if !diags.is_empty() {
        return Err(diags);
    }
    let scan = scan(source);
    if !scan.problems.is_empty() {
        diags.extend(scan.problems);
        return Err(diags);
    }
    if let Some(at) = scan.beyond {
        let name_len = source[at..]
            .char_indices()
            .take_while(|&(i, c)| i < 64 && !(c.is_whitespace() || c == '{' || c == ';'))
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        diags.push(
            Diagnostic::error(
                &code::syntax::TOO_LARGE,
                format!(
                    "the spec has {} top-level nodes; stowage compiles at most {MAX_TOP_LEVEL_NODES}",
                    scan.nodes
                ),
                Span::new(at, name_len),
                "the first node beyond the limit",
            )
            .with_help("one spec describes one application: split the system into several specs"),
        );
        return Err(diags);
    }
    let checked = Checked {
        source,
        boundaries: scan.boundaries,
    };
    if let Some((start, end)) = checked
        .chunks()
        .into_iter()
        .find(|(s, e)| e - s > MAX_NODE_BYTES)
    {
        let name_len = source[start..end]
            .find(|c: char| c.is_whitespace() || c == '{')
            .unwrap_or(0)
            .min(64);
        diags.push(
            Diagnostic::error(
                &code::syntax::TOO_LARGE,
                format!(
                    "this top-level node is {} bytes long; stowage reads nodes of at most {} KiB",
                    end - start,
                    MAX_NODE_BYTES >> 10
                ),
                Span::new(start, name_len),
                "this node",
            )
            .with_help("is the file a KDL spec? Each workload is a node of its own, of a few hundred bytes"),
        );
        return Err(diags);
    }
    Ok(checked)
}

impl Checked<'_> {
    /// Groups of whole top-level nodes: (start, end) byte ranges covering the source.
    fn chunks(&self) -> Vec<(usize, usize)> {
        let len = self.source.len();
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0; // index into boundaries
        while start < len {
            // The last boundary within CHUNK_BYTES of start; else the first after it.
            let mut end = None;
            while i < self.boundaries.len() && self.boundaries[i] <= start {
                i += 1;
            }
            while i < self.boundaries.len() && self.boundaries[i] - start <= CHUNK_BYTES {
                end = Some(self.boundaries[i]);
                i += 1;
            }
            let end = match end {
                Some(e) => e,
                None if len - start <= CHUNK_BYTES => len,
                None => self.boundaries.get(i).copied().unwrap_or(len),
            };
            out.push((start, end));
            start = end;
        }
        out
    }

    /// Parse with the `kdl` crate, as `source.parse::<KdlDocument>()` would, without
    /// overflowing the stack (spans and errors are those of the whole text), converting each
    /// group of top-level nodes with `convert` as soon as it is parsed (the `kdl` crate's
    /// documents, which keep every token's formatting, take about sixty times the size of the
    /// text). Groups are parsed on up to four threads (no
    /// more than [`available_parallelism`](std::thread::available_parallelism), and no more
    /// stack than `STACKS_BYTES` in all); the results are in source order, and so are the
    /// errors.
    pub fn parse_kdl_with<T: Send>(
        &self,
        convert: impl Fn(&KdlDocument) -> Vec<T> + Sync,
    ) -> Result<Vec<T>, KdlError> {
        let chunks = self.chunks();
        let largest = chunks.iter().map(|(s, e)| e - s).max().unwrap_or(0);
        // Measured worst cases per level: debug builds about 3.3 KiB per top-level error and
        // 35 KiB per block level, release builds about a sixth of that.
        let per_byte = if cfg!(debug_assertions) {
            4 << 10
        } else {
            1 << 10
        };
        let stack = (64 << 20) + per_byte * largest;
        // At most STACKS_BYTES of stacks reserved in all (address-space limits), so debug
        // builds, whose stacks are larger, parse on one thread.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4)
            .min((STACKS_BYTES / stack).max(1));
        self.parse_on(&chunks, threads, stack, convert)
    }

    /// Parse `chunks` on up to `threads` threads of `stack` bytes each.
    fn parse_on<T: Send>(
        &self,
        chunks: &[(usize, usize)],
        threads: usize,
        stack: usize,
        convert: impl Fn(&KdlDocument) -> Vec<T> + Sync,
    ) -> Result<Vec<T>, KdlError> {
        let threads = threads.clamp(1, chunks.len().max(1));
        // Contiguous groups of chunks of about equal size, one per thread.
        let share = self.source.len().div_ceil(threads).max(1);
        let mut groups: Vec<&[(usize, usize)]> = Vec::new();
        let mut first = 0;
        for (i, &(_, end)) in chunks.iter().enumerate() {
            if end >= share * (groups.len() + 1) || i + 1 == chunks.len() {
                groups.push(&chunks[first..=i]);
                first = i + 1;
            }
        }
        let convert = &convert;
        let results: Vec<Result<Vec<T>, Vec<kdl::KdlDiagnostic>>> = std::thread::scope(|s| {
            let handles: Vec<_> = groups
                .iter()
                .map(|group| {
                    let handle = std::thread::Builder::new()
                        .name("stowage-kdl".into())
                        .stack_size(stack)
                        .spawn_scoped(s, move || self.parse_chunks(group, convert));
                    (group, handle.ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|(group, handle)| match handle {
                    Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                    // No thread (resource limits): parse here.
                    None => self.parse_chunks(group, convert),
                })
                .collect()
        });
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(mut nodes) => out.append(&mut nodes),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            return Ok(out);
        }
        let input = Arc::new(self.source.to_string());
        for d in &mut errors {
            d.input = input.clone();
        }
        Err(KdlError {
            input,
            diagnostics: errors,
        })
    }

    /// Parse consecutive chunks and convert them; the errors with spans of the whole text.
    fn parse_chunks<T>(
        &self,
        chunks: &[(usize, usize)],
        convert: &impl Fn(&KdlDocument) -> Vec<T>,
    ) -> Result<Vec<T>, Vec<kdl::KdlDiagnostic>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for &(start, end) in chunks {
            match self.source[start..end].parse::<KdlDocument>() {
                Ok(mut part) => {
                    if errors.is_empty() {
                        for n in part.nodes_mut().iter_mut() {
                            shift_node(n, start);
                        }
                        out.append(&mut convert(&part));
                    }
                }
                Err(e) => errors.extend(e.diagnostics.into_iter().map(|mut d| {
                    d.span = (d.span.offset() + start, d.span.len()).into();
                    d
                })),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

fn shift_node(n: &mut KdlNode, by: usize) {
    let shift = |s: miette::SourceSpan| -> miette::SourceSpan { (s.offset() + by, s.len()).into() };
    n.set_span(shift(n.span()));
    let name = n.name_mut();
    name.set_span(shift(name.span()));
    if let Some(ty) = n.ty_mut() {
        ty.set_span(shift(ty.span()));
    }
    for e in n.entries_mut() {
        e.set_span(shift(e.span()));
        if let Some(k) = e.name_mut() {
            k.set_span(shift(k.span()));
        }
        if let Some(t) = e.ty_mut() {
            t.set_span(shift(t.span()));
        }
    }
    if let Some(children) = n.children_mut() {
        children.set_span(shift(children.span()));
        for c in children.nodes_mut() {
            shift_node(c, by);
        }
    }
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
        match check(source) {
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
        let Err(d) = check(&text) else { panic!() };
        let d = d.iter().next().unwrap();
        assert_eq!(d.code, &code::syntax::TOO_LARGE);
        // Node 5001 is the `y` of repetition 1667 (0-based 1666, nodes 4999..5001).
        let at = d.primary.span.offset;
        assert_eq!(&text[at..at + d.primary.span.len], "y");
        // Nodes in blocks, strings and comments do not count.
        let inside = format!(
            "a {{\n{}}}\n/* {} */ \"{}\"",
            "b\n".repeat(10000),
            "c\n".repeat(10000),
            "d\n".repeat(10000)
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
        let Err(d) = check(&deep) else { panic!() };
        let d = d.iter().next().unwrap();
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
    fn comments_and_slashdashes() {
        assert!(
            codes(&format!("/*{}*/", "* ".repeat(MAX_COMMENT_PARTS))) == [&code::syntax::TOO_DEEP]
        );
        assert!(
            codes(&format!("{}{}", "/*".repeat(100), "*/".repeat(100)))
                == [&code::syntax::TOO_DEEP]
        );
        assert!(codes("/* a/b*c /* d */ */ x").is_empty());
        assert!(codes(&format!("a {}1", "/- ".repeat(100))) == [&code::syntax::TOO_DEEP]);
        assert!(codes(&format!("a {}1", "/- 1 ".repeat(100))).is_empty());
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

    #[test]
    fn chunks_split_at_top_level_newlines() {
        let node = format!("n \"{}\" {{\n  x 1\n}}\n", "v".repeat(1000));
        let text = node.repeat(200);
        let c = check(&text).unwrap();
        let chunks = c.chunks();
        assert!(chunks.len() > 1);
        assert_eq!(chunks.first().unwrap().0, 0);
        assert_eq!(chunks.last().unwrap().1, text.len());
        assert!(chunks.windows(2).all(|w| w[0].1 == w[1].0));
        assert!(
            chunks
                .iter()
                .all(|(s, e)| e - s <= CHUNK_BYTES && text[*s..].starts_with('n'))
        );
        let whole = text.parse::<KdlDocument>().unwrap();
        let mut parts = KdlDocument::new();
        *parts.nodes_mut() = c.parse_kdl_with(|d| d.nodes().to_vec()).unwrap();
        let spans = |d: &KdlDocument| -> Vec<_> {
            d.nodes()
                .iter()
                .flat_map(|n| {
                    std::iter::once(n.span())
                        .chain(n.entries().iter().map(|e| e.span()))
                        .chain(
                            n.children()
                                .into_iter()
                                .flat_map(|c| c.nodes().iter().map(|n| n.span())),
                        )
                })
                .collect()
        };
        assert_eq!(spans(&whole), spans(&parts));
    }

    #[test]
    fn parsing_on_several_threads_keeps_nodes_and_errors_in_order() {
        // Many small groups, with syntax errors in the first and the last.
        let mut text = String::from("2broken x\n");
        for i in 0..3000 {
            text.push_str(&format!(
                "node{i} \"a value long enough to fill the chunks\" k=#true\n"
            ));
        }
        text.push_str("9last y\n");
        let c = check(&text).unwrap();
        let chunks = c.chunks();
        assert!(chunks.len() >= 3, "{} chunks", chunks.len());
        let names = |d: &KdlDocument| -> Vec<String> {
            d.nodes()
                .iter()
                .map(|n| n.name().value().to_string())
                .collect()
        };
        let errors = |threads| {
            c.parse_on(&chunks, threads, 64 << 20, names)
                .unwrap_err()
                .diagnostics
                .iter()
                .map(|d| d.span.offset())
                .collect::<Vec<_>>()
        };
        let one = errors(1);
        assert!(
            one.len() >= 2 && one.windows(2).all(|w| w[0] <= w[1]),
            "{one:?}"
        );
        assert!(
            *one.first().unwrap() < 20 && *one.last().unwrap() > text.len() - 20,
            "{one:?}"
        );
        for threads in [2, 3, 4] {
            assert_eq!(errors(threads), one, "{threads} threads");
        }
        // Without the errors: the same nodes, in order, however many threads.
        let good = text.replacen("2broken x\n", "", 1).replace("9last y\n", "");
        let c = check(&good).unwrap();
        let chunks = c.chunks();
        let nodes = |threads| c.parse_on(&chunks, threads, 64 << 20, names).unwrap();
        let one = nodes(1);
        assert_eq!(one.len(), 3000);
        assert_eq!(one[2999], "node2999");
        for threads in [2, 3, 4] {
            assert_eq!(nodes(threads), one, "{threads} threads");
        }
    }
}
