//! One file per command; `main.rs` declares the command line and dispatches to them. Shared
//! here: reading, checking and generating a spec, and where things are shown.

pub mod build;
pub mod check;
pub mod diff;
pub mod docs;
pub mod fmt;
pub mod render;
pub mod report;
pub mod secrets;

use crate::Cli;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile::{self, Generated, Source};

/// The output folder: as given, or the spec's folder.
pub fn out_dir(spec: &Path, out: &Option<PathBuf>) -> PathBuf {
    match out {
        Some(o) => o.clone(),
        None => match spec.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    }
}

/// Read, check and generate a spec for `out`. `Err(Ok(code))` when its diagnostics stop it
/// (they are reported), `Err(Err(message))` when it cannot be read.
pub fn generate(
    cli: &Cli,
    spec: &Path,
    out: &Path,
) -> Result<(Source, Generated), Result<ExitCode, String>> {
    let source = compile::read_source(spec).map_err(|e| Err(e.to_string()))?;
    let checked = compile::check(&source);
    if report::report(cli, &source, &checked.sources, &checked.diagnostics) {
        return Err(Ok(ExitCode::from(1)));
    }
    let sources = checked.sources.clone();
    match compile::generate(&source, checked, out) {
        Ok(generated) => Ok((source, generated)),
        Err(diags) => {
            report::report(cli, &source, &sources, &diags);
            Err(Ok(ExitCode::from(1)))
        }
    }
}

/// Report only: exit 1 when the spec has errors.
pub fn validate(cli: &Cli, spec: &Path) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let checked = compile::check(&source);
    let failed = report::report(cli, &source, &checked.sources, &checked.diagnostics);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How the output folder is shown before generated paths: relative to the current folder.
pub fn display_prefix(out: &Path) -> String {
    let rel = compile::relative_path(Path::new("."), out);
    if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    }
}

/// Whether to colour standard output.
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}
