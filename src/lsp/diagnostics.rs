//! A document's diagnostics as LSP diagnostics, published as the document changes.

use super::position::range;
use crate::compile::{self, Source};
use crate::diagnostic::{Diagnostic, Severity, Span};
use lsp_server::Notification;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use std::path::PathBuf;

/// Check the document as `stowage validate` would (files it reads come from its folder) and
/// say what was found where it is: in the document, and in each file it includes (published
/// first, under that file's URI, so that a mistake in a shared file shows where it is written).
pub fn publish(uri: &Uri, text: &str) -> Vec<Notification> {
    let path = file_path(uri);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let source = Source {
        path,
        text: text.to_string(),
    };
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let checked = compile::check_with(&source, &read);
    // The files, the document first: its own text, and the URI each is published under.
    let mut files: Vec<File> = vec![File {
        uri: uri.clone(),
        text,
        base: 0,
    }];
    for f in checked.sources.iter().skip(1) {
        if let Some(uri) = file_uri(&dir.join(&f.name)) {
            files.push(File {
                uri,
                text: &f.text,
                base: f.base,
            });
        }
    }
    // A file not named stowage.kdl that has no `app` is one a spec includes (an organisation's
    // policies, shared defaults): checked for what it says, not for the `app` it leaves out.
    let included = source.path.file_name().is_some_and(|n| n != "stowage.kdl");
    let mut found: Vec<Vec<lsp_types::Diagnostic>> = vec![Vec::new(); files.len()];
    for d in checked.diagnostics.sorted() {
        if included && d.code.id == crate::diagnostic::code::syntax::MISSING_APP.id {
            continue;
        }
        if let Some(i) = files.iter().position(|f| f.holds(d.primary.span)) {
            found[i].push(lsp(&files, i, d));
        }
    }
    let mut order: Vec<usize> = (1..files.len()).collect();
    order.push(0);
    order
        .into_iter()
        .map(|i| {
            let diagnostics = std::mem::take(&mut found[i]);
            let params = PublishDiagnosticsParams::new(files[i].uri.clone(), diagnostics, None);
            Notification::new(PublishDiagnostics::METHOD.to_string(), params)
        })
        .collect()
}

/// A file the document's diagnostics point into: where its text starts among the spans.
struct File<'t> {
    uri: Uri,
    text: &'t str,
    base: usize,
}

impl File<'_> {
    fn holds(&self, span: Span) -> bool {
        span.offset >= self.base && span.offset + span.len <= self.base + self.text.len()
    }
    fn range(&self, span: Span) -> lsp_types::Range {
        let local = Span {
            offset: span.offset - self.base,
            ..span
        };
        range(self.text, local)
    }
}

fn lsp(files: &[File], at: usize, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related = d
        .secondary
        .iter()
        .filter_map(|l| {
            let f = files.iter().find(|f| f.holds(l.span))?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(f.uri.clone(), f.range(l.span)),
                message: l.text.clone(),
            })
        })
        .collect::<Vec<_>>();
    lsp_types::Diagnostic {
        range: files[at].range(d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.id.to_string())),
        source: Some("stowage".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The `file:` URI of a path (percent-encoded).
pub(super) fn file_uri(path: &std::path::Path) -> Option<Uri> {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let normal = normalize(path);
    let text = normal.to_str()?;
    format!("file://{}", utf8_percent_encode(text, PATH))
        .parse()
        .ok()
}

/// `a/b/../c` as `a/c` (the file need not exist).
fn normalize(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The file a `file:` URI names (percent-decoded); another URI names `stowage.kdl` in the
/// current folder.
pub(super) fn file_path(uri: &Uri) -> PathBuf {
    let s = uri.as_str();
    let Some(path) = s.strip_prefix("file://") else {
        return PathBuf::from("stowage.kdl");
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    PathBuf::from(
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
    )
}
