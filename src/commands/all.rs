//! `--all [DIR]`: `validate`, `check` or `build` every spec under DIR (files named
//! stowage.kdl; .gitignore, .ignore and hidden folders honoured), compiled in parallel. Each
//! spec's report is printed in path order, then one line per spec and a summary; the exit code
//! is the worst of them.

use super::report::{stream, write_report};
use super::{display_prefix, out_dir};
use crate::{Cli, MessageFormat};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile::{self, Source};
use stowage::output;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Validate,
    Check,
    Build { force: bool },
}

/// What one spec gave: its exit code, its report, and its line in the summary.
struct Outcome {
    code: u8,
    report: Vec<u8>,
    status: String,
}

pub fn all(cli: &Cli, dir: &Path, task: Task) -> Result<ExitCode, String> {
    if matches!(
        cli.message_format,
        MessageFormat::Sarif | MessageFormat::Gitlab
    ) {
        return Err(
            "--all gives a report per spec: use --message-format human, json or github".into(),
        );
    }
    let specs = find(dir)?;
    if specs.is_empty() {
        return Err(format!("no stowage.kdl under {}", dir.display()));
    }
    let color = cli.color(std::io::stderr().is_terminal());
    let outcomes: Vec<Outcome> = specs.par_iter().map(|s| one(cli, s, task, color)).collect();
    let mut reports = stream(cli);
    for o in &outcomes {
        let _ = reports.write_all(&o.report);
    }
    drop(reports);
    let worst = outcomes.iter().map(|o| o.code).max().unwrap_or(0);
    if !cli.quiet || worst != 0 {
        for (spec, o) in specs.iter().zip(&outcomes) {
            eprintln!("{}: {}", spec.display(), o.status);
        }
    }
    let failed = outcomes.iter().filter(|o| o.code != 0).count();
    eprintln!(
        "{} spec{}: {} ok, {failed} failed",
        specs.len(),
        if specs.len() == 1 { "" } else { "s" },
        specs.len() - failed
    );
    Ok(ExitCode::from(worst))
}

/// Every stowage.kdl under `dir`, in path order.
fn find(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let mut specs = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).build() {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_some_and(|t| t.is_file()) && entry.file_name() == "stowage.kdl" {
            let path = entry.into_path();
            specs.push(
                path.strip_prefix("./")
                    .map(Path::to_path_buf)
                    .unwrap_or(path),
            );
        }
    }
    specs.sort();
    Ok(specs)
}

fn one(cli: &Cli, spec: &Path, task: Task, color: bool) -> Outcome {
    let mut report = Vec::new();
    let source = match compile::read_source(spec) {
        Ok(s) => s,
        Err(e) => {
            return Outcome {
                code: 2,
                report,
                status: format!("cannot be read: {e}"),
            };
        }
    };
    let checked = compile::check(&source);
    let errors = write_report(
        cli,
        &source,
        &checked.sources,
        &checked.diagnostics,
        &mut report,
        color,
    );
    let counted = counts(&checked.diagnostics);
    if errors || task == Task::Validate {
        let code = u8::from(errors);
        return Outcome {
            code,
            report,
            status: counted,
        };
    }
    let out = out_dir(spec, &None);
    let protected = compile::inputs(&source, &checked);
    let sources = checked.sources.clone();
    let generated = match compile::generate(&source, checked, &out) {
        Ok(g) => g,
        Err(diags) => {
            write_report(cli, &source, &sources, &diags, &mut report, color);
            return Outcome {
                code: 1,
                report,
                status: counts(&diags),
            };
        }
    };
    write_report(
        cli,
        &source,
        &sources,
        &generated.warnings,
        &mut report,
        color,
    );
    let header = stowage::emit::header(&generated.ir.spec_file);
    let files = output::with_manifest(generated.files, &header);
    let (code, status) = match task {
        Task::Build { force } => write(&source, &out, &files, protected, force),
        _ => drift(&out, &files, &mut report),
    };
    Outcome {
        code,
        report,
        status: format!("{counted}; {status}"),
    }
}

/// `ok`, or `1 error, 2 warnings`.
fn counts(diags: &stowage::diagnostic::Diagnostics) -> String {
    let (e, w) = (diags.error_count(), diags.warning_count());
    if e + w == 0 {
        return "ok".into();
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    format!("{e} error{}, {w} warning{}", plural(e), plural(w))
}

fn drift(out: &Path, files: &stowage::emit::FileSet, report: &mut Vec<u8>) -> (u8, String) {
    let label = display_prefix(out);
    let _lock = match output::lock::shared(out, &|_| {}) {
        Ok(l) => l,
        Err(e) => return (2, format!("cannot lock {}: {e}", out.display())),
    };
    let drift = output::drift(out, files, &label);
    for d in &drift {
        let _ =
            report.write_all(super::check::human(d, &format!("{label}{}", d.path())).as_bytes());
    }
    match drift.len() {
        0 => (0, format!("{} generated files up to date", files.len())),
        n => (1, format!("{n} of {} generated files drifted", files.len())),
    }
}

fn write(
    source: &Source,
    out: &Path,
    files: &stowage::emit::FileSet,
    protected: Vec<PathBuf>,
    force: bool,
) -> (u8, String) {
    let opts = output::Options {
        force,
        protected,
        on_wait: &|_| {},
    };
    match output::write(out, files, &opts) {
        Ok(w) => (
            0,
            format!(
                "wrote {} files ({} unchanged, {} removed)",
                w.written.len(),
                w.unchanged.len(),
                w.removed.len()
            ),
        ),
        Err(e) => (2, format!("{}: {e}", source.path.display())),
    }
}
