//! Diagnostics: what every phase reports when the spec is wrong.
//!
//! A [`Diagnostic`] has a stable code (`stowage::policy::replicas`), a severity, a message, a
//! primary span in the spec, optional secondary labels and a help line. Rendering is either
//! human (miette's graphical report) or machine readable JSON, one object per line.

pub mod code;

pub use code::Code;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

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

/// A diagnostic bound to its source, so miette can draw it.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
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
        Some(Box::new(self.diag.code.id))
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

/// A spec's text prepared for printing many diagnostics: the excerpt text is made once and
/// lines are found by binary search, so printing stays linear in the number of diagnostics.
pub struct Renderer<'a> {
    file: &'a str,
    source: &'a str,
    /// The text miette draws excerpts from (see [`displayable`]).
    shown: Arc<str>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl<'a> Renderer<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Renderer {
            file,
            source,
            shown: displayable(source).into(),
            line_starts,
        }
    }

    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        (line, self.source[start..offset].chars().count() + 1)
    }

    /// One diagnostic for humans: miette's report, `width` columns wide.
    pub fn human(&self, diag: &Diagnostic, style: Style, width: usize) -> String {
        let theme = match style {
            Style::Color => GraphicalTheme::unicode(),
            Style::Plain => GraphicalTheme::unicode_nocolor(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false);
        let report = Report {
            diag,
            source: NamedSource::new(self.file, self.shown.clone()),
        };
        let mut out = String::new();
        handler
            .render_report(&mut out, &report)
            .expect("rendering to a String cannot fail");
        out
    }

    /// One diagnostic as a single-line JSON object.
    pub fn json(&self, diag: &Diagnostic) -> String {
        let (line, column) = self.line_col(diag.primary.span.offset);
        let (end_line, end_column) =
            self.line_col(diag.primary.span.offset + diag.primary.span.len);
        serde_json::to_string(&JsonDiagnostic {
            file: self.file,
            line,
            column,
            end_line,
            end_column,
            code: diag.code.id,
            severity: diag.severity,
            message: &diag.message,
            label: &diag.primary.text,
            help: diag.help.as_deref(),
        })
        .expect("diagnostics serialize")
    }

    /// One diagnostic as a GitHub Actions workflow command annotation.
    pub fn github(&self, diag: &Diagnostic) -> String {
        let (line, col) = self.line_col(diag.primary.span.offset);
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
            escape_property(self.file),
            escape_property(diag.code.id),
            escape_data(&msg)
        )
    }
}

/// Render one diagnostic for humans (see [`Renderer`] for many).
pub fn render_human(
    diag: &Diagnostic,
    file: &str,
    source: &str,
    style: Style,
    width: usize,
) -> String {
    Renderer::new(file, source).human(diag, style, width)
}

/// The source as shown in excerpts: characters KDL forbids (bidirectional overrides, control
/// characters) replaced by as many bytes of U+FFFD or `?`, so that spans stay valid and the
/// excerpt cannot display differently from what it is.
fn displayable(source: &str) -> String {
    use crate::chars::is_forbidden_in_kdl as is_forbidden;
    if !source.chars().any(is_forbidden) {
        return source.to_string();
    }
    source
        .char_indices()
        .map(|(i, c)| match c {
            '\u{FEFF}' if i == 0 => c.to_string(),
            c if !is_forbidden(c) => c.to_string(),
            c if c.len_utf8() == 3 => '\u{FFFD}'.to_string(),
            c => "?".repeat(c.len_utf8()),
        })
        .collect()
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

/// Render one diagnostic as a single-line JSON object (see [`Renderer`] for many).
pub fn render_json(diag: &Diagnostic, file: &str, source: &str) -> String {
    Renderer::new(file, source).json(diag)
}

/// Render one diagnostic as a GitHub Actions annotation (see [`Renderer`] for many).
pub fn render_github(diag: &Diagnostic, file: &str, source: &str) -> String {
    Renderer::new(file, source).github(diag)
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
