//! One pass over the text before any parser sees it: block depth, comments, slashdash runs,
//! and where top-level nodes start (so that the parse can be split between threads).

use super::{MAX_COMMENT_PARTS, MAX_NESTING, MAX_SLASHDASH_RUN, MAX_TOP_LEVEL_NODES};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Span};
use std::ops::ControlFlow;

pub(super) struct Scan {
    pub boundaries: Vec<usize>,
    pub problems: Vec<Diagnostic>,
    /// Top-level nodes seen (slashdashed ones included).
    pub nodes: usize,
    /// Where the first top-level node beyond [`MAX_TOP_LEVEL_NODES`] starts.
    pub beyond: Option<usize>,
}

/// One pass over the text: block depth, comments, slashdash runs, top-level node boundaries.
pub(super) fn scan(source: &str) -> Scan {
    let mut sc = Scanner {
        s: source.as_bytes(),
        i: 0,
        depth: 0,
        expecting: true,
        slashdashes: 0,
        continued: false,
        out: Scan {
            boundaries: Vec::new(),
            problems: Vec::new(),
            nodes: 0,
            beyond: None,
        },
    };
    while sc.i < sc.s.len() {
        if sc.step().is_break() {
            break;
        }
    }
    sc.out
}

/// The state of [`scan`] between two steps.
struct Scanner<'s> {
    s: &'s [u8],
    i: usize,
    depth: usize,
    /// A top-level node may start here.
    expecting: bool,
    /// `/-` in a row.
    slashdashes: usize,
    /// A `\` line continuation is open.
    continued: bool,
    out: Scan,
}

impl Scanner<'_> {
    /// A problem ends the scan.
    fn stop(&mut self, problem: Diagnostic) -> ControlFlow<()> {
        self.out.problems.push(problem);
        ControlFlow::Break(())
    }

    /// Length of a KDL newline at i (0 if none).
    fn newline(&self, i: usize) -> usize {
        let s = self.s;
        match s[i] {
            b'\r' if s.get(i + 1) == Some(&b'\n') => 2,
            b'\n' | b'\r' | 0x0b | 0x0c => 1,
            0xc2 if s.get(i + 1) == Some(&0x85) => 2,
            0xe2 if s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xa8 | 0xa9)) => 3,
            _ => 0,
        }
    }

    /// Other text ends a slashdash run and a line continuation.
    fn text(&mut self) {
        self.slashdashes = 0;
        self.continued = false;
    }

    /// One token (or a newline, or a whole comment or string); a problem ends the scan.
    fn step(&mut self) -> ControlFlow<()> {
        let (s, i) = (self.s, self.i);
        let b = s[i];
        let nl = self.newline(i);
        if nl > 0 {
            self.end_line(nl);
            return ControlFlow::Continue(());
        }
        if self.depth == 0 {
            self.top_level(b);
        }
        match b {
            b' ' | b'\t' => self.i += 1,
            b'"' => {
                self.text();
                self.i = skip_string(s, i, 0);
            }
            b'#' => {
                self.text();
                let hashes = s[i..].iter().take_while(|&&c| c == b'#').count();
                self.i = if s.get(i + hashes) == Some(&b'"') {
                    skip_string(s, i + hashes, hashes)
                } else {
                    i + hashes
                };
            }
            b'/' if s.get(i + 1) == Some(&b'/') => {
                // To the end of the line (the newline itself is the next step).
                self.i += 2;
                while self.i < s.len() && self.newline(self.i) == 0 {
                    self.i += 1;
                }
            }
            b'/' if s.get(i + 1) == Some(&b'*') => self.block_comment()?,
            b'/' if s.get(i + 1) == Some(&b'-') => self.slashdash()?,
            b'{' => self.open_block()?,
            b'}' => {
                self.text();
                self.depth = self.depth.saturating_sub(1);
                self.i += 1;
            }
            b'\\' => {
                self.continued = true;
                self.i += 1;
            }
            _ => {
                // Other text: identifiers, numbers, `=`, `;`, `(type)`, other Unicode.
                self.text();
                self.i += 1;
            }
        }
        ControlFlow::Continue(())
    }

    /// A newline of `len` bytes: at the top level, a node may start after it.
    fn end_line(&mut self, len: usize) {
        self.i += len;
        let top = self.depth == 0 && !self.continued;
        if top && self.slashdashes == 0 && self.i < self.s.len() {
            self.out.boundaries.push(self.i);
        }
        if top {
            self.expecting = true;
        }
        self.continued = false;
    }

    /// Count top-level nodes as they start.
    fn top_level(&mut self, b: u8) {
        if b == b';' {
            self.expecting = true;
        } else if self.expecting && !matches!(b, b' ' | b'\t' | b'/' | b'{' | b'}' | b'\\') {
            self.expecting = false;
            self.out.nodes += 1;
            if self.out.nodes == MAX_TOP_LEVEL_NODES + 1 {
                self.out.beyond = Some(self.i);
            }
        }
    }

    fn block_comment(&mut self) -> ControlFlow<()> {
        let start = self.i;
        let (end, deepest, parts) = skip_block_comment(self.s, start);
        if deepest > MAX_NESTING || parts > MAX_COMMENT_PARTS {
            let message = if deepest > MAX_NESTING {
                format!(
                    "block comments are nested {deepest} levels deep here; stowage reads at most {MAX_NESTING}"
                )
            } else {
                format!(
                    "this block comment has {parts} parts (each `*` and `/` is one); stowage reads at most {MAX_COMMENT_PARTS}"
                )
            };
            return self.stop(
                Diagnostic::error(
                    &code::syntax::TOO_DEEP,
                    message,
                    Span::new(start, 2),
                    "this comment",
                )
                .with_help("comment lines out with `//`, or nodes with `/-`"),
            );
        }
        self.i = end;
        ControlFlow::Continue(())
    }

    fn slashdash(&mut self) -> ControlFlow<()> {
        self.slashdashes += 1;
        self.continued = false;
        if self.slashdashes > MAX_SLASHDASH_RUN {
            return self.stop(
                Diagnostic::error(
                    &code::syntax::TOO_DEEP,
                    format!("more than {MAX_SLASHDASH_RUN} `/-` follow each other here"),
                    Span::new(self.i, 2),
                    "one too many",
                )
                .with_help("one `/-` comments out the node, value or block after it"),
            );
        }
        self.i += 2;
        ControlFlow::Continue(())
    }

    fn open_block(&mut self) -> ControlFlow<()> {
        self.text();
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.stop(Diagnostic::error(
                &code::syntax::TOO_DEEP,
                format!("blocks are nested more than {MAX_NESTING} levels deep"),
                Span::new(self.i, 1),
                format!("level {}", self.depth),
            )
            .with_help(
                "a spec nests a few levels (environment, service, env): close the blocks left open",
            ));
        }
        self.i += 1;
        ControlFlow::Continue(())
    }
}

/// Skip a quoted string starting at the `"` at i (raw when `hashes` > 0); returns the index after
/// it, or the end of the text when it is not closed.
fn skip_string(s: &[u8], i: usize, hashes: usize) -> usize {
    let n = s.len();
    let multi = s[i..].starts_with(b"\"\"\"");
    let mut j = i + if multi { 3 } else { 1 };
    let quotes = if multi { 3 } else { 1 };
    while j < n {
        match s[j] {
            b'\\' if hashes == 0 => j += 2,
            b'"' if s[j..].len() >= quotes + hashes
                && s[j..j + quotes].iter().all(|&c| c == b'"')
                && s[j + quotes..j + quotes + hashes]
                    .iter()
                    .all(|&c| c == b'#') =>
            {
                return j + quotes + hashes;
            }
            _ => j += 1,
        }
    }
    n
}

/// Skip a block comment starting at the `/*` at i: (index after it, deepest nesting, parts).
fn skip_block_comment(s: &[u8], i: usize) -> (usize, usize, usize) {
    let n = s.len();
    let mut depth = 1;
    let mut deepest = 1;
    let mut parts = 0;
    let mut in_text = false;
    let mut j = i + 2;
    while j < n {
        if s[j] == b'/' && s.get(j + 1) == Some(&b'*') {
            depth += 1;
            deepest = deepest.max(depth);
            parts += 1;
            in_text = false;
            j += 2;
        } else if s[j] == b'*' && s.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            in_text = false;
            if depth == 0 {
                return (j, deepest, parts);
            }
        } else if s[j] == b'*' || s[j] == b'/' {
            parts += 1;
            in_text = false;
            j += 1;
        } else {
            if !in_text {
                parts += 1;
                in_text = true;
            }
            j += 1;
        }
    }
    (n, deepest, parts)
}
