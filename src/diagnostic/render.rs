//! Diagnostics printed: miette's annotated excerpts, JSON lines, GitHub annotations. A spec may
//! be several files (`include`): each has its own range of offsets, and a diagnostic is shown in
//! the file of its primary span, with labels in other files as related excerpts.

use super::{Diagnostic, Label, Severity, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// miette's graphical report with colours.
    Color,
    /// miette's graphical report without colours (NO_COLOR, pipes, snapshots).
    Plain,
}

/// A spec's files prepared for printing many diagnostics: each file's excerpt text is made once
/// (when a diagnostic first needs it) and lines are found by binary search, so printing stays
/// linear in the number of diagnostics.
pub struct Renderer<'a> {
    files: Vec<File<'a>>,
}

/// One file of the spec, its spans from `base`.
struct File<'a> {
    name: String,
    source: &'a str,
    base: usize,
    /// The text miette draws excerpts from (see [`displayable`]).
    shown: OnceLock<Arc<str>>,
    /// Byte offset of the start of each line.
    line_starts: OnceLock<Vec<usize>>,
}

impl<'a> File<'a> {
    fn new(name: String, source: &'a str, base: usize) -> Self {
        File {
            name,
            source,
            base,
            shown: OnceLock::new(),
            line_starts: OnceLock::new(),
        }
    }

    fn shown(&self) -> Arc<str> {
        self.shown
            .get_or_init(|| displayable(self.source).into())
            .clone()
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// Line and column (both 1-based, column in characters) of an offset in this file.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.saturating_sub(self.base).min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts().partition_point(|&s| s <= offset);
        let start = self.line_starts()[line - 1];
        (line, self.source[start..offset].chars().count() + 1)
    }

    /// The text of line `line` (1-based), without its line break.
    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts()[line - 1];
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.source.len(), |e| e - 1);
        self.source[start..end].trim_end_matches('\r')
    }

    fn holds(&self, offset: usize) -> bool {
        offset >= self.base && offset <= self.base + self.source.len()
    }

    /// A label with its span made relative to this file.
    fn local(&self, l: &Label) -> Label {
        let mut l = l.clone();
        l.span.offset -= self.base;
        l
    }
}

impl<'a> Renderer<'a> {
    /// One file.
    pub fn new(file: &str, source: &'a str) -> Self {
        Renderer::with_files([(file.to_string(), source, 0)])
    }

    /// Several files: (name shown, text, offset its spans start at), the spec first.
    pub fn with_files(files: impl IntoIterator<Item = (String, &'a str, usize)>) -> Self {
        Renderer {
            files: files
                .into_iter()
                .map(|(name, source, base)| File::new(name, source, base))
                .collect(),
        }
    }

    /// The file an offset is in (the spec for an offset in none).
    fn file(&self, offset: usize) -> &File<'a> {
        self.files
            .iter()
            .rev()
            .find(|f| f.holds(offset))
            .unwrap_or(&self.files[0])
    }

    /// Line and column (both 1-based, column in characters) of an offset, in its file.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.file(offset).line_col(offset)
    }

    /// The line a span starts on, as the file has it (without its line break).
    pub fn line_text(&self, span: Span) -> &str {
        let file = self.file(span.offset);
        file.line_text(file.line_col(span.offset).0)
    }

    /// `FILE:LINE:COLUMN` of a span's start.
    pub fn location(&self, span: Span) -> String {
        let p = self.place(span);
        format!("{}:{}:{}", p.file, p.line, p.column)
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
        let mut out = String::new();
        handler
            .render_report(&mut out, &self.report(diag))
            .expect("rendering to a String cannot fail");
        out
    }

    /// The diagnostic in the file of its primary span; labels elsewhere as related reports.
    fn report(&self, diag: &Diagnostic) -> Report {
        let file = self.file(diag.primary.span.offset);
        let mut shown = diag.clone();
        shown.primary = file.local(&diag.primary);
        let (here, elsewhere): (Vec<&Label>, Vec<&Label>) = diag
            .secondary
            .iter()
            .partition(|l| std::ptr::eq(self.file(l.span.offset), file));
        shown.secondary = here.into_iter().map(|l| file.local(l)).collect();
        let related = elsewhere
            .into_iter()
            .map(|l| {
                let other = self.file(l.span.offset);
                let mut note = diag.clone();
                note.message = l.text.clone();
                note.primary = other.local(l);
                note.primary.text.clear();
                note.secondary.clear();
                note.help = None;
                Report {
                    diag: note,
                    source: NamedSource::new(&other.name, other.shown()),
                    related: Vec::new(),
                }
            })
            .collect();
        Report {
            diag: shown,
            source: NamedSource::new(&file.name, file.shown()),
            related,
        }
    }

    /// Where a span is: its file, and its start and end (exclusive) as 1-based lines and
    /// columns.
    fn place(&self, span: Span) -> Place<'_> {
        let file = self.file(span.offset);
        let (line, column) = file.line_col(span.offset);
        let (end_line, end_column) = file.line_col(span.offset + span.len);
        Place {
            file: &file.name,
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// One diagnostic as a single-line JSON object, every label included.
    pub fn json(&self, diag: &Diagnostic) -> String {
        let labels = secondary(diag)
            .into_iter()
            .map(|l| JsonLabel {
                place: self.place(l.span),
                text: &l.text,
            })
            .collect();
        serde_json::to_string(&JsonDiagnostic {
            place: self.place(diag.primary.span),
            code: diag.code.id,
            severity: diag.severity,
            message: &diag.message,
            label: &diag.primary.text,
            help: diag.help.as_deref(),
            labels,
        })
        .expect("diagnostics serialize")
    }

    /// Every diagnostic as one SARIF 2.1.0 log, for code scanning (GitHub uploads it with
    /// `github/codeql-action/upload-sarif`).
    pub fn sarif(&self, diags: &[&Diagnostic]) -> String {
        let mut codes: Vec<&super::code::Code> = diags.iter().map(|d| d.code).collect();
        codes.sort_by_key(|c| c.id);
        codes.dedup_by_key(|c| c.id);
        let rules: Vec<serde_json::Value> = codes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "shortDescription": { "text": c.summary() },
                    "fullDescription": { "text": c.doc },
                })
            })
            .collect();
        let location = |span: Span, text: Option<&str>| {
            let at = self.place(span);
            let mut l = serde_json::json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": at.file },
                    "region": {
                        "startLine": at.line, "startColumn": at.column,
                        "endLine": at.end_line, "endColumn": at.end_column,
                    },
                },
            });
            if let Some(t) = text.filter(|t| !t.is_empty()) {
                l["message"] = serde_json::json!({ "text": t });
            }
            l
        };
        let results: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                let mut text = d.message.clone();
                if let Some(h) = &d.help {
                    text.push_str(&format!(" (help: {h})"));
                }
                serde_json::json!({
                    "ruleId": d.code.id,
                    "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "message": { "text": text },
                    "locations": [location(d.primary.span, None)],
                    "relatedLocations": secondary(d).into_iter().enumerate().map(|(i, l)| {
                        let mut r = location(l.span, Some(&l.text));
                        r["id"] = serde_json::json!(i + 1);
                        r
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let log = serde_json::json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "stowage",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": results,
            }],
        });
        serde_json::to_string_pretty(&log).expect("SARIF serializes") + "\n"
    }

    /// Every diagnostic as a GitLab code quality report (the `codequality` artifact a merge
    /// request shows). Each finding's fingerprint is a digest of its file, code and message,
    /// and of how many alike findings come before it.
    pub fn gitlab(&self, diags: &[&Diagnostic]) -> String {
        use sha2::{Digest, Sha256};
        let mut seen = std::collections::HashMap::new();
        let issues: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                let at = self.place(d.primary.span);
                let key = format!("{}\0{}\0{}", at.file, d.code.id, d.message);
                let n = seen.entry(key.clone()).or_insert(0usize);
                *n += 1;
                let digest = Sha256::digest(format!("{key}\0{n}").as_bytes());
                let fingerprint: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
                let mut description = d.message.clone();
                if let Some(h) = &d.help {
                    description.push_str(&format!(" (help: {h})"));
                }
                serde_json::json!({
                    "description": description,
                    "check_name": d.code.id,
                    "fingerprint": fingerprint,
                    "severity": match d.severity { Severity::Error => "major", Severity::Warning => "minor" },
                    "location": {
                        "path": at.file,
                        "positions": {
                            "begin": { "line": at.line, "column": at.column },
                            "end": { "line": at.end_line, "column": at.end_column },
                        },
                    },
                })
            })
            .collect();
        serde_json::to_string_pretty(&issues).expect("the report serializes") + "\n"
    }

    /// One diagnostic as a GitHub Actions workflow command annotation, with where its span
    /// ends.
    pub fn github(&self, diag: &Diagnostic) -> String {
        let at = self.place(diag.primary.span);
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
        let position = format!(
            "line={},col={},endLine={},endColumn={}",
            at.line, at.column, at.end_line, at.end_column
        );
        github_command(level, at.file, &position, diag.code.id, &msg)
    }
}

/// A diagnostic's other labels in the order of the text (they may have been gathered in any
/// order, as from environments checked in parallel).
fn secondary(d: &Diagnostic) -> Vec<&Label> {
    let mut labels: Vec<&Label> = d.secondary.iter().collect();
    labels.sort_by(|a, b| (a.span.offset, &a.text).cmp(&(b.span.offset, &b.text)));
    labels
}

/// A diagnostic bound to its source, so miette can draw it.
struct Report {
    diag: Diagnostic,
    source: NamedSource<Arc<str>>,
    /// Its labels in other files.
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
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
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
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

/// Render one diagnostic as a single-line JSON object (see [`Renderer`] for many).
pub fn render_json(diag: &Diagnostic, file: &str, source: &str) -> String {
    Renderer::new(file, source).json(diag)
}

/// Render one diagnostic as a GitHub Actions annotation (see [`Renderer`] for many).
pub fn render_github(diag: &Diagnostic, file: &str, source: &str) -> String {
    Renderer::new(file, source).github(diag)
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
    #[serde(flatten)]
    place: Place<'a>,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// The secondary labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
}

/// A span's file, start and end (exclusive), 1-based.
#[derive(Serialize)]
struct Place<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    place: Place<'a>,
    text: &'a str,
}

/// A GitHub Actions workflow command (`::error file=...,line=...::message`) at a line and
/// column, escaped.
pub fn github_annotation(
    level: &str,
    file: &str,
    line: usize,
    col: usize,
    title: &str,
    message: &str,
) -> String {
    github_command(
        level,
        file,
        &format!("line={line},col={col}"),
        title,
        message,
    )
}

/// A workflow command at `position` (`line=...,col=...` and maybe where it ends).
fn github_command(level: &str, file: &str, position: &str, title: &str, message: &str) -> String {
    format!(
        "::{level} file={},{position},title={}::{}",
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
