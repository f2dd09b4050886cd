//! One file per command; `main.rs` declares the command line and dispatches to them. Shared
//! here: reading, checking and generating a spec, and where things are shown.

pub mod all;
pub mod build;
pub mod check;
pub mod diff;
pub mod diff_all;
pub mod docs;
pub mod explain;
pub mod fmt;
pub mod import;
pub mod init;
pub mod render;
pub mod report;
pub mod secrets;
pub mod waivers;

use crate::{Cli, ColorChoice, MessageFormat, SpecFile};
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

/// Report only: exit 1 when the spec has errors; a line saying so when it has none.
pub fn validate(cli: &Cli, spec: &Path) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let checked = compile::check(&source);
    let failed = report::report(cli, &source, &checked.sources, &checked.diagnostics);
    if failed {
        return Ok(ExitCode::from(1));
    }
    if checked.diagnostics.is_empty() && !cli.quiet && cli.message_format == MessageFormat::Human {
        eprintln!("{}: no errors or warnings", source.path.display());
    }
    leave(checked);
    Ok(ExitCode::SUCCESS)
}

/// What a command made, left to the system to free when the process ends right after it:
/// freeing the IR of a large app value by value takes a tenth of a second (6,000 objects per
/// environment). Only for commands that end the process; `--all` frees each app's.
pub fn leave<T>(made: T) {
    std::mem::forget(made);
}

/// The name of the spec stowage looks for.
const SPEC_NAME: &str = "stowage.kdl";

impl SpecFile {
    /// The spec: as given (`-`: standard input), else stowage.kdl in the current folder or the
    /// nearest folder above it that has one (as a relative path, `../stowage.kdl`).
    pub fn path(&self) -> Result<PathBuf, String> {
        if let Some(f) = &self.file {
            return Ok(f.clone());
        }
        let here =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        let mut relative = PathBuf::new();
        for dir in here.ancestors() {
            if dir.join(SPEC_NAME).is_file() {
                return Ok(relative.join(SPEC_NAME));
            }
            relative.push("..");
        }
        Err(format!(
            "no {SPEC_NAME} in this folder or any folder above it: give the spec with `-f FILE`, \
             or start one with `stowage init`"
        ))
    }

    /// The spec, which must be a file: `command` writes next to it and reads what it includes
    /// from its folder.
    pub fn on_disk(&self, command: &str) -> Result<PathBuf, String> {
        let path = self.path()?;
        if path == Path::new("-") {
            return Err(format!(
                "`stowage {command}` reads the spec from a file (outputs and included files are \
                 found from its folder), not from standard input"
            ));
        }
        Ok(path)
    }
}

impl Cli {
    /// Whether to colour a stream that is (or is not) a terminal: `--color`, then NO_COLOR,
    /// then FORCE_COLOR.
    pub fn color(&self, terminal: bool) -> bool {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
                false
            }
            ColorChoice::Auto => set("FORCE_COLOR") || terminal,
        }
    }
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
pub fn stdout_color(cli: &Cli) -> bool {
    cli.color(std::io::stdout().is_terminal())
}
