//! A document's diagnostics as LSP diagnostics, published as the document changes.

use super::position::range;
use crate::compile::{self, Source};
use crate::diagnostic::{Diagnostic, Severity};
use lsp_server::Notification;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use std::path::PathBuf;

/// Check the document as `stowage validate` would (files it reads come from its folder) and
/// say what was found, in the document itself (findings in included files are left to them).
pub fn publish(uri: &Uri, text: &str) -> Notification {
    let path = file_path(uri);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let source = Source {
        path,
        text: text.to_string(),
    };
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let checked = compile::check_with(&source, &read);
    let in_text = |d: &&Diagnostic| d.primary.span.offset + d.primary.span.len <= text.len();
    let diagnostics = checked
        .diagnostics
        .sorted()
        .into_iter()
        .filter(in_text)
        .map(|d| lsp(uri, text, d))
        .collect();
    let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics, None);
    Notification::new(PublishDiagnostics::METHOD.to_string(), params)
}

fn lsp(uri: &Uri, text: &str, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related = d
        .secondary
        .iter()
        .filter(|l| l.span.offset + l.span.len <= text.len())
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(text, l.span)),
            message: l.text.clone(),
        })
        .collect::<Vec<_>>();
    lsp_types::Diagnostic {
        range: range(text, d.primary.span),
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

/// The file a `file:` URI names (percent-decoded); another URI names `stowage.kdl` in the
/// current folder.
fn file_path(uri: &Uri) -> PathBuf {
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
