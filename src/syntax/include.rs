//! `include`: the top-level nodes of other files, put where they are included.
//!
//! Every file read has a range of offsets of its own (see [`SourceFile`]): the spec's from 0, each
//! included file's after the one read before it. Spans stay plain offsets, and the renderer finds
//! the file a span is in. Paths are relative to the including file; what is read is bounded (the
//! files of one spec together at most [`MAX_SPEC_BYTES`]), and every file is read once: a file
//! including itself, directly or not, or included twice, is a diagnostic.

use super::decode::Decoder;
use super::limits::MAX_SPEC_BYTES;
use super::nodes::include::INCLUDE;
use super::tree::Node;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::S;
use std::collections::HashMap;

/// How deep includes may nest (a folder linked to itself would otherwise nest without end).
pub const MAX_DEPTH: usize = 16;

/// One file of a spec: its path relative to the spec's folder, its text, and the offset its
/// spans start at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub base: usize,
}

/// Reads a file given its path relative to the spec's folder.
pub type Reader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// The spec's top-level nodes with every `include` replaced by the included file's nodes, the
/// files read (the spec first), and the problems. `None` when the spec itself does not parse.
pub fn expand(
    name: &str,
    text: &str,
    read: Reader,
) -> (Option<Vec<Node>>, Vec<SourceFile>, Diagnostics) {
    let mut x = Expander {
        read,
        files: vec![SourceFile {
            name: name.to_string(),
            text: text.to_string(),
            base: 0,
        }],
        diags: Diagnostics::new(),
        stack: vec![name.to_string()],
        seen: HashMap::from([(name.to_string(), None)]),
        broken: false,
    };
    let nodes = match super::parse_nodes(text) {
        Ok(nodes) => nodes,
        Err(diags) => return (None, x.files, diags),
    };
    let nodes = x.nodes_of(nodes, parent(name));
    // A file that does not parse leaves the spec incomplete: nothing more is checked.
    let nodes = (!x.broken).then_some(nodes);
    (nodes, x.files, x.diags)
}

struct Expander<'a> {
    read: Reader<'a>,
    files: Vec<SourceFile>,
    diags: Diagnostics,
    /// The files being expanded, the spec first.
    stack: Vec<String>,
    /// Every file read, and the `include` that read it (none for the spec).
    seen: HashMap<String, Option<Span>>,
    /// Whether an included file did not parse.
    broken: bool,
}

impl Expander<'_> {
    fn nodes_of(&mut self, nodes: Vec<Node>, dir: &str) -> Vec<Node> {
        let mut out = Vec::with_capacity(nodes.len());
        for n in nodes {
            if n.name != INCLUDE.name {
                out.push(n);
                continue;
            }
            let path = Decoder {
                diags: &mut self.diags,
            }
            .str_arg(&n, &INCLUDE);
            if let Some(path) = path {
                out.extend(self.file(&path, dir).unwrap_or_default());
            }
        }
        out
    }

    /// The nodes of one included file, its own includes expanded.
    fn file(&mut self, path: &S<String>, dir: &str) -> Option<Vec<Node>> {
        let key = self.key(path, dir)?;
        if let Some(at) = self.stack.iter().position(|k| *k == key) {
            let circle = self.stack[at..].join(" → ");
            self.diags.push(
                Diagnostic::error(
                    &code::include::CYCLE,
                    format!("`{key}` includes itself"),
                    path.span,
                    "closes the circle",
                )
                .with_help(format!("{circle} → {key}: remove one of these includes")),
            );
            return None;
        }
        if let Some(first) = self.seen.get(&key) {
            let mut d = Diagnostic::error(
                &code::include::DUPLICATE,
                format!("`{key}` is included twice"),
                path.span,
                "included again here",
            )
            .with_help("include each file once: its nodes would be defined twice");
            if let Some(first) = first {
                d = d.with_label(*first, "first included here");
            }
            self.diags.push(d);
            return None;
        }
        if self.stack.len() > MAX_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    &code::include::FILE,
                    format!("`{key}` is included {MAX_DEPTH} files deep"),
                    path.span,
                    "too deep",
                )
                .with_help(format!(
                    "includes nest at most {MAX_DEPTH} deep: {} ...",
                    self.stack[..3].join(" → ")
                )),
            );
            return None;
        }
        self.seen.insert(key.clone(), Some(path.span));
        let text = self.read(path, &key)?;
        let last = self.files.last().expect("the spec is first");
        let base = last.base + last.text.len() + 1;
        self.files.push(SourceFile {
            name: key.clone(),
            text,
            base,
        });
        let text = &self.files.last().expect("just pushed").text;
        let mut nodes = match super::parse_nodes(text) {
            Ok(nodes) => nodes,
            Err(diags) => {
                self.broken = true;
                self.diags
                    .extend(diags.into_iter().map(|d| d.shifted(base)));
                return None;
            }
        };
        nodes.iter_mut().for_each(|n| n.shift(base));
        self.stack.push(key.clone());
        let out = self.nodes_of(nodes, parent(&key));
        self.stack.pop();
        Some(out)
    }

    /// The file's text, within what a spec may read in all.
    fn read(&mut self, path: &S<String>, key: &str) -> Option<String> {
        let problem = match (self.read)(key) {
            Ok(text) => {
                let total: usize = self.files.iter().map(|f| f.text.len()).sum();
                if total + text.len() <= MAX_SPEC_BYTES {
                    return Some(text);
                }
                format!(
                    "with `{key}` the spec's files are larger than {} MiB",
                    MAX_SPEC_BYTES >> 20
                )
            }
            Err(e) => format!("cannot read `{key}`: {e}"),
        };
        self.diags.push(
            Diagnostic::error(&code::include::FILE, problem, path.span, "not read")
                .with_help("the path is relative to the file that includes it"),
        );
        None
    }

    /// The path relative to the spec's folder (`..` may leave it), or a diagnostic.
    fn key(&mut self, path: &S<String>, dir: &str) -> Option<String> {
        let p = path.v.as_str();
        let refused = if p.starts_with('/') || p.starts_with('\\') || p.get(1..2) == Some(":") {
            Some("is not a relative path")
        } else if p.contains("://") {
            Some("is not a relative path (nothing is fetched from the network)")
        } else if !p.ends_with(".kdl") {
            Some("is not a `.kdl` file")
        } else {
            None
        };
        if let Some(why) = refused {
            self.diags.push(
                Diagnostic::error(
                    &code::include::FILE,
                    format!("`{p}` {why}"),
                    path.span,
                    "not included",
                )
                .with_help("include a KDL file by its path from the including file, e.g. `include \"shared/base.kdl\"`"),
            );
            return None;
        }
        Some(normalize(dir, p))
    }
}

/// The folder of a path relative to the spec's folder (`""` for the spec's own).
fn parent(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `dir/path` without `.` and with each `..` taking away a folder where it can.
pub fn normalize(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, expand, normalize};
    use crate::diagnostic::code;

    /// A folder linked to itself gives a new path at every level: the depth bounds it.
    #[test]
    fn includes_that_never_end_stop_at_the_depth_limit() {
        let read = |_: &str| Ok("include \"d/p.kdl\"\n".to_string());
        let (nodes, files, diags) = expand("stowage.kdl", "include \"d/p.kdl\"\n", &read);
        assert_eq!(nodes.map(|n| n.len()), Some(0));
        assert_eq!(files.len(), MAX_DEPTH + 1);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [&code::include::FILE]);
    }

    #[test]
    fn paths_are_relative_to_the_including_file() {
        assert_eq!(normalize("", "a.kdl"), "a.kdl");
        assert_eq!(normalize("", "./a.kdl"), "a.kdl");
        assert_eq!(normalize("shared", "../a.kdl"), "a.kdl");
        assert_eq!(normalize("shared", "x/../b.kdl"), "shared/b.kdl");
        assert_eq!(normalize("", "../../shared/c.kdl"), "../../shared/c.kdl");
        assert_eq!(normalize("../x", "../y.kdl"), "../y.kdl");
    }
}
