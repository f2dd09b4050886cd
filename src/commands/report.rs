//! Diagnostics as the user asked for them: annotated excerpts, JSON lines or GitHub
//! annotations.

use crate::{Cli, MessageFormat};
use std::io::{IsTerminal, Write};
use std::path::Path;
use stowage::compile::{self, Source};
use stowage::diagnostic::{self, Style};

/// How many diagnostics the human format prints in full.
const MAX_HUMAN_DIAGNOSTICS: usize = 50;

/// Print diagnostics; returns whether there were errors.
pub fn report(cli: &Cli, source: &Source, diags: &diagnostic::Diagnostics) -> bool {
    let mut file = source.path.display().to_string();
    // GitHub matches annotations to files by their path from the repository's root (the
    // current folder in CI).
    if cli.message_format == MessageFormat::Github && source.path.is_absolute() {
        let rel = compile::relative_path(Path::new("."), &source.path);
        if !rel.starts_with("..") {
            file = rel;
        }
    }
    let stderr = std::io::stderr();
    // GitHub reads workflow commands from standard output.
    let mut err: Box<dyn Write> = if cli.message_format == MessageFormat::Github {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(stderr.lock())
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stderr.is_terminal();
    let renderer = diagnostic::Renderer::new(&file, &source.text);
    let mut sorted = diags.sorted();
    if cli.message_format == MessageFormat::Human && sorted.len() > MAX_HUMAN_DIAGNOSTICS {
        // Errors before warnings, so that the ones shown include every error they can.
        sorted.sort_by_key(|d| d.severity != diagnostic::Severity::Error);
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
            MessageFormat::Github => renderer.github(d) + "\n",
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
    if cli.message_format == MessageFormat::Human && !diags.is_empty() {
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
