//! Diagnostics: what every phase reports when the spec is wrong.
//!
//! A [`Diagnostic`] has a stable code (`stowage::policy::replicas`), a severity, a message, a
//! primary span in the spec, optional secondary labels and a help line. Rendering is either
//! human (miette's graphical report) or machine readable JSON, one object per line.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;

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
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
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
        code: &'static str,
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

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics collected by a phase, kept in source order and free of duplicates.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        if !self.items.contains(&d) {
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
            (a.primary.span.offset, a.code, &a.message).cmp(&(
                b.primary.span.offset,
                b.code,
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

/// A diagnostic bound to its source, so miette can draw it.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        None
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.diag.primary.text.clone()).filter(|t| !t.is_empty()),
            SourceSpan::from(self.diag.primary.span),
        );
        let rest = self.diag.secondary.iter().map(|l| {
            LabeledSpan::new_with_span(
                Some(l.text.clone()).filter(|t| !t.is_empty()),
                SourceSpan::from(l.span),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// miette's graphical report with colours.
    Color,
    /// miette's graphical report without colours (NO_COLOR, pipes, snapshots).
    Plain,
}

/// Render one diagnostic for humans.
pub fn render_human(
    diag: &Diagnostic,
    file: &str,
    source: &str,
    style: Style,
    width: usize,
) -> String {
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let report = Report {
        diag,
        source: NamedSource::new(file, source.to_string()),
    };
    let mut out = String::new();
    handler
        .render_report(&mut out, &report)
        .expect("rendering to a String cannot fail");
    out
}

/// Line and column (both 1-based, column in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let mut boundary = offset;
    while !source.is_char_boundary(boundary) {
        boundary -= 1;
    }
    let before = &source[..boundary];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// Render one diagnostic as a single-line JSON object.
pub fn render_json(diag: &Diagnostic, file: &str, source: &str) -> String {
    let (line, column) = line_col(source, diag.primary.span.offset);
    let (end_line, end_column) = line_col(source, diag.primary.span.offset + diag.primary.span.len);
    serde_json::to_string(&JsonDiagnostic {
        file,
        line,
        column,
        end_line,
        end_column,
        code: diag.code,
        severity: diag.severity,
        message: &diag.message,
        label: &diag.primary.text,
        help: diag.help.as_deref(),
    })
    .expect("diagnostics serialize")
}

/// Render one diagnostic as a GitHub Actions workflow command annotation.
pub fn render_github(diag: &Diagnostic, file: &str, source: &str) -> String {
    let (line, col) = line_col(source, diag.primary.span.offset);
    let level = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut msg = diag.message.clone();
    if let Some(h) = &diag.help {
        msg.push_str(" (help: ");
        msg.push_str(h);
        msg.push(')');
    }
    format!(
        "::{level} file={},line={line},col={col},title={}::{}",
        escape_property(file),
        escape_property(diag.code),
        escape_data(&msg)
    )
}

/// A GitHub Actions workflow command (`::error file=...,line=...::message`), escaped.
pub fn github_annotation(
    level: &str,
    file: &str,
    line: usize,
    col: usize,
    title: &str,
    message: &str,
) -> String {
    format!(
        "::{level} file={},line={line},col={col},title={}::{}",
        escape_property(file),
        escape_property(title),
        escape_data(message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
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
