//! `stowage check`: regenerate in memory and compare with OUT; exit 1 when they differ.

use super::{display_prefix, generate, out_dir};
use crate::{Cli, MessageFormat};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::diagnostic;
use stowage::output::{self, Drift};

pub fn check(cli: &Cli, spec: &Path, out: &Option<PathBuf>) -> Result<ExitCode, String> {
    let out = out_dir(spec, out);
    let (source, generated) = match generate(cli, spec, &out) {
        Ok(g) => g,
        Err(stop) => return stop,
    };
    let files = output::with_manifest(
        generated.files,
        &stowage::emit::header(&generated.ir.spec_file),
    );
    let label = display_prefix(&out);
    let _lock = output::lock::shared(&out, &|m| eprintln!("{m}"))
        .map_err(|e| format!("cannot lock {}: {e}", out.display()))?;
    let drift = stowage::timings::phase("compare", || output::drift(&out, &files, &label));
    if drift.is_empty() {
        if !cli.quiet {
            eprintln!("{} generated files are up to date", files.len());
        }
        super::leave((files, generated.ir));
        return Ok(ExitCode::SUCCESS);
    }
    let mut stdout = std::io::stdout().lock();
    for d in &drift {
        let shown = format!("{label}{}", d.path());
        let _ = match cli.message_format {
            MessageFormat::Github => writeln!(stdout, "{}", github(d, &shown)),
            MessageFormat::Json => writeln!(
                stdout,
                "{}",
                serde_json::json!({"file": shown, "drift": kind(d)})
            ),
            MessageFormat::Human => write!(stdout, "{}", human(d, &shown)),
            // Standard output holds the report document: the drift goes beside it.
            MessageFormat::Sarif | MessageFormat::Gitlab => {
                write!(std::io::stderr(), "{}", human(d, &shown))
            }
        };
    }
    eprintln!(
        "{} of {} generated files drifted from {}: run `stowage build -f {}`",
        drift.len(),
        files.len(),
        source.path.display(),
        source.path.display()
    );
    Ok(ExitCode::from(1))
}

/// The drift's name in JSON.
fn kind(d: &Drift) -> &'static str {
    match d {
        Drift::Missing(_) => "missing",
        Drift::Changed(..) => "changed",
        Drift::Edited(..) => "edited",
        Drift::Stale(_) => "stale",
        Drift::Unfinished(_) => "unfinished",
    }
}

/// A GitHub annotation on the drifted file, saying what to do.
fn github(d: &Drift, shown: &str) -> String {
    let what = match d {
        Drift::Missing(_) => "is missing: run `stowage build`",
        Drift::Changed(..) => "differs from the spec: run `stowage build`",
        Drift::Edited(..) => {
            "was edited by hand: change stowage.kdl instead, then run `stowage build --force`"
        }
        Drift::Stale(_) => "is no longer generated: run `stowage build` to remove it",
        Drift::Unfinished(_) => {
            "is the journal of a build that was stopped: run `stowage build` to finish it"
        }
    };
    diagnostic::github_annotation(
        "error",
        shown,
        1,
        1,
        "stowage drift",
        &format!("{shown} {what}"),
    )
}

/// The drift for a terminal: the diff of a changed or edited file, a line for the others.
pub(super) fn human(d: &Drift, shown: &str) -> String {
    match d {
        Drift::Changed(_, diff) => diff.to_string(),
        Drift::Edited(_, diff) => format!(
            "edited by hand: {shown} (stowage build will not overwrite it without --force)\n{diff}"
        ),
        Drift::Missing(_) => format!("missing: {shown}\n"),
        Drift::Stale(_) => format!("stale: {shown} (no longer generated)\n"),
        Drift::Unfinished(_) => format!(
            "unfinished: a build was stopped while writing here ({shown}); `stowage build` finishes it\n"
        ),
    }
}
