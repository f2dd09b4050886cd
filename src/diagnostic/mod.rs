//! Diagnostics: what every phase reports when the spec is wrong.
//!
//! A [`Diagnostic`] has a stable code (`stowage::policy::replicas`), a severity, a message, a
//! primary span in the spec, optional secondary labels and a help line. Rendering is either
//! human (miette's graphical report) or machine readable JSON, one object per line.

pub mod code;
pub mod group;
mod render;

pub use code::Code;
use miette::SourceSpan;
pub use render::{Renderer, Style, github_annotation, render_github, render_human, render_json};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A byte range in the spec source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }

    /// Whether `other` lies within this span.
    pub fn contains(&self, other: Span) -> bool {
        other.offset >= self.offset && other.offset + other.len <= self.offset + self.len
    }
}

impl From<SourceSpan> for Span {
    fn from(s: SourceSpan) -> Self {
        Span::new(s.offset(), s.len())
    }
}

impl From<Span> for SourceSpan {
    fn from(s: Span) -> Self {
        SourceSpan::new(s.offset.into(), s.len)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One finding about the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(
        code: &'static Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                span,
                text: label.into(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn warning(
        code: &'static Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span, label)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same diagnostic with every span moved by `by` bytes (found in an included file).
    pub fn shifted(mut self, by: usize) -> Self {
        for l in std::iter::once(&mut self.primary).chain(&mut self.secondary) {
            l.span.offset += by;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

pub use crate::chars::show as show_char;

/// Diagnostics collected by a phase, kept in source order and free of duplicates.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Positions in `items` by hash of the diagnostic: duplicates are found without a scan.
    by_hash: HashMap<u64, Vec<usize>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        let mut h = std::hash::DefaultHasher::new();
        d.hash(&mut h);
        let same = self.by_hash.entry(h.finish()).or_default();
        if !same.iter().any(|&i| self.items[i] == d) {
            same.push(self.items.len());
            self.items.push(d);
        }
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        for d in other {
            self.push(d);
        }
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Diagnostics sorted by position, then code: the order they are shown in.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (a.primary.span.offset, a.code.id, &a.message).cmp(&(
                b.primary.span.offset,
                b.code.id,
                &b.message,
            ))
        });
        v
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// "Did you mean" suggestion among `candidates` for a misspelt `name`.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            let mut score = strsim::jaro_winkler(name, c);
            // Jaro-Winkler scores one typo in a short name low (`wbe` for `web`).
            if c.chars().count() >= 3 && strsim::osa_distance(name, c) == 1 {
                score = score.max(0.85);
            }
            (score, c)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
