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
    let file = shown_path(cli, &source.path);
    let dir = source.path.parent().unwrap_or(Path::new(""));
    let included = sources
        .iter()
        .skip(1)
        .map(|f| (shown_path(cli, &dir.join(&f.name)), f.text.as_str(), f.base));
    let stderr = std::io::stderr();
    // GitHub reads workflow commands from standard output; JSON is data, for standard output too.
    let mut err: Box<dyn Write> = if cli.message_format != MessageFormat::Human {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(stderr.lock())
    };
    let color = cli.color(stderr.is_terminal());
    let renderer = diagnostic::Renderer::with_files(
        std::iter::once((file.clone(), source.text.as_str(), 0)).chain(included),
    );
    let sorted = diags.sorted();
    // A person reads alike findings as one; machines get each.
    let grouped;
    let mut sorted: Vec<&diagnostic::Diagnostic> = if cli.message_format == MessageFormat::Human {
        grouped = diagnostic::group::grouped(&sorted);
        grouped.iter().collect()
    } else {
        sorted
    };
    if cli.message_format == MessageFormat::Human && sorted.len() > MAX_HUMAN_DIAGNOSTICS {
        // Errors before warnings, so that the ones shown include every error they can.
        sorted.sort_by_key(|d| d.severity != diagnostic::Severity::Error);
    }
    // Whole documents: every diagnostic at once.
    if matches!(
        cli.message_format,
        MessageFormat::Sarif | MessageFormat::Gitlab
    ) {
        let doc = match cli.message_format {
            MessageFormat::Sarif => renderer.sarif(&sorted),
            _ => renderer.gitlab(&sorted),
        };
        let _ = err.write_all(doc.as_bytes());
        return diags.has_errors();
    }
    // A terminal gets the first screenfuls; the machine formats get every diagnostic.
    let shown = match cli.message_format {
        MessageFormat::Human => sorted.len().min(MAX_HUMAN_DIAGNOSTICS),
        _ => sorted.len(),
    };
    for d in &sorted[..shown] {
        let text = match cli.message_format {
            MessageFormat::Human => {
                renderer.human(d, if color { Style::Color } else { Style::Plain }, 100)
            }
            MessageFormat::Json => renderer.json(d) + "\n",
            _ => renderer.github(d) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
    }
    if shown < sorted.len() {
        let _ = writeln!(
            err,
            "... and {} more not shown (`--message-format json` lists every diagnostic)",
            sorted.len() - shown
        );
    }
    if cli.message_format == MessageFormat::Human && !diags.is_empty() && !cli.quiet {
        let _ = writeln!(
            err,
            "{}: {} error{}, {} warning{}",
            file,
            diags.error_count(),
            if diags.error_count() == 1 { "" } else { "s" },
            diags.warning_count(),
            if diags.warning_count() == 1 { "" } else { "s" }
        );
    }
    diags.has_errors()
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
