//! The files a document includes, read from its folder: their items are named by the
//! document (policies an organisation shares, defaults), so completion offers them and go to
//! definition reaches them.

use super::diagnostics::{file_path, file_uri};
use super::position;
use crate::diagnostic::Span;
use crate::syntax::include::{self, SourceFile};
use crate::syntax::tree::Node;
use lsp_types::{Location, Uri};

/// The document's top-level nodes with each `include` replaced by the included file's, and
/// the files read (the document first); the document's own nodes where an included file cannot
/// be read.
pub fn expand(text: &str, uri: &Uri) -> (Vec<Node>, Vec<SourceFile>) {
    let path = file_path(uri);
    let dir = path
        .parent()
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let name = path
        .file_name()
        .map_or("stowage.kdl".into(), |n| n.to_string_lossy().into_owned());
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let (nodes, files, _) = include::expand(&name, text, &read);
    (nodes.unwrap_or_default(), files)
}

/// Where `span` (among the spans [`expand`] gives) is: the file that holds it, as an LSP
/// location.
pub fn location(files: &[SourceFile], uri: &Uri, span: Span) -> Option<Location> {
    let i = files
        .iter()
        .rposition(|f| span.offset >= f.base && span.offset + span.len <= f.base + f.text.len())?;
    let f = &files[i];
    let local = Span {
        offset: span.offset - f.base,
        ..span
    };
    let target = if i == 0 {
        uri.clone()
    } else {
        let dir = file_path(uri).parent().map(std::path::PathBuf::from)?;
        file_uri(&dir.join(&f.name))?
    };
    Some(Location::new(target, position::range(&f.text, local)))
}
