//! Diagnostics as the user asked for them: annotated excerpts, JSON lines or GitHub
//! annotations.

use crate::{Cli, MessageFormat};
use std::io::{IsTerminal, Write};
use std::path::Path;
use stowage::compile::{self, Source};
use stowage::diagnostic::{self, Style};
use stowage::syntax::include::SourceFile;

/// How many diagnostics the human format prints in full.
const MAX_HUMAN_DIAGNOSTICS: usize = 50;

/// Print diagnostics of a spec and the files it includes (`sources`, the spec first; none
/// when only the spec was read); returns whether there were errors.
pub fn report(
    cli: &Cli,
    source: &Source,
    sources: &[SourceFile],
    diags: &diagnostic::Diagnostics,
) -> bool {
    let color = cli.color(std::io::stderr().is_terminal());
    write_report(cli, source, sources, diags, &mut stream(cli), color)
}

/// Where diagnostics go: GitHub reads workflow commands from standard output, and JSON is data,
/// for standard output too; a person reads them on standard error.
pub fn stream(cli: &Cli) -> Box<dyn Write> {
    if cli.message_format != MessageFormat::Human {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::io::stderr().lock())
    }
}

/// [`report`] into `err`, coloured or not.
pub fn write_report(
    cli: &Cli,
    source: &Source,
    sources: &[SourceFile],
    diags: &diagnostic::Diagnostics,
    err: &mut dyn Write,
    color: bool,
) -> bool {
    let file = shown_path(cli, &source.path);
    let renderer = renderer(cli, source, sources);
    let sorted = diags.sorted();
    match cli.message_format {
        // Whole documents: every diagnostic at once.
        MessageFormat::Sarif | MessageFormat::Gitlab => {
            let doc = match cli.message_format {
                MessageFormat::Sarif => renderer.sarif(&sorted),
                _ => renderer.gitlab(&sorted),
            };
            let _ = err.write_all(doc.as_bytes());
        }
        // Lines: every diagnostic, one per line.
        MessageFormat::Json | MessageFormat::Github => {
            for d in &sorted {
                let line = match cli.message_format {
                    MessageFormat::Json => renderer.json(d),
                    _ => renderer.github(d),
                };
                let _ = writeln!(err, "{line}");
            }
        }
        MessageFormat::Human => {
            let style = if color { Style::Color } else { Style::Plain };
            human(err, &renderer, &sorted, style);
            if !diags.is_empty() && !cli.quiet {
                let _ = writeln!(err, "{file}: {}", counts(diags));
            }
        }
    }
    diags.has_errors()
}

/// What places spans in the spec and the files it includes (`sources`, the spec first; none
/// when only the spec was read), each file named by its path as this run shows paths.
pub fn renderer<'a>(
    cli: &Cli,
    source: &'a Source,
    sources: &'a [SourceFile],
) -> diagnostic::Renderer<'a> {
    let dir = source.path.parent().unwrap_or(Path::new(""));
    let included = sources
        .iter()
        .skip(1)
        .map(|f| (shown_path(cli, &dir.join(&f.name)), f.text.as_str(), f.base));
    diagnostic::Renderer::with_files(
        std::iter::once((shown_path(cli, &source.path), source.text.as_str(), 0)).chain(included),
    )
}

/// For a person: alike findings as one, and the first screenfuls.
fn human(
    err: &mut dyn Write,
    renderer: &diagnostic::Renderer,
    sorted: &[&diagnostic::Diagnostic],
    style: Style,
) {
    let grouped = diagnostic::group::grouped(sorted);
    let mut shown: Vec<&diagnostic::Diagnostic> = grouped.iter().collect();
    if shown.len() > MAX_HUMAN_DIAGNOSTICS {
        // Errors before warnings, so that the ones shown include every error they can.
        shown.sort_by_key(|d| d.severity != diagnostic::Severity::Error);
    }
    for d in shown.iter().take(MAX_HUMAN_DIAGNOSTICS) {
        let _ = err.write_all(renderer.human(d, style, 100).as_bytes());
    }
    if shown.len() > MAX_HUMAN_DIAGNOSTICS {
        let _ = writeln!(
            err,
            "... and {} more not shown (`--message-format json` lists every diagnostic)",
            shown.len() - MAX_HUMAN_DIAGNOSTICS
        );
    }
}

/// `1 error, 2 warnings`.
fn counts(diags: &diagnostic::Diagnostics) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (e, w) = (diags.error_count(), diags.warning_count());
    format!("{e} error{}, {w} warning{}", plural(e), plural(w))
}

/// A path as diagnostics show it. GitHub matches annotations to files by their path from the
/// repository's root (the current folder in CI).
fn shown_path(cli: &Cli, path: &Path) -> String {
    if cli.message_format == MessageFormat::Github && path.is_absolute() {
        let rel = compile::relative_path(Path::new("."), path);
        if !rel.starts_with("..") {
            return rel;
        }
    }
    path.display().to_string()
}
