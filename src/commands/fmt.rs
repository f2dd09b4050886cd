//! `stowage fmt`: rewrite the spec, or the KDL files given, in canonical layout, keeping every
//! comment. `-` formats standard input to standard output.

use crate::{Cli, MessageFormat, SpecFile};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile;
use stowage::diagnostic;
use stowage::syntax::format::{self, FormatError};

/// Format `files`, or the spec when there are none; exit 1 when one has a syntax error or,
/// with `check`, is not formatted.
pub fn fmt(cli: &Cli, spec: &SpecFile, files: &[PathBuf], check: bool) -> Result<ExitCode, String> {
    let files = if files.is_empty() {
        vec![spec.path()?]
    } else {
        files.to_vec()
    };
    let mut failed = false;
    for f in &files {
        failed |= one(cli, f, check)? != ExitCode::SUCCESS;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Format one file.
fn one(cli: &Cli, spec: &Path, check: bool) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let formatted = match format::format(&source.text) {
        Ok(f) => f,
        Err(FormatError::Syntax) => {
            let (_, diags) = stowage::syntax::parse(&source.text);
            super::report::report(cli, &source, &[], &diags);
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(format!("{}: {e}", spec.display())),
    };
    let shown = source.path.display().to_string();
    let stdin = spec == Path::new("-");
    if stdin && !check {
        print!("{formatted}");
        return Ok(ExitCode::SUCCESS);
    }
    if formatted == source.text {
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let text_diff = similar::TextDiff::from_lines(source.text.as_str(), formatted.as_str());
        let mut stdout = std::io::stdout().lock();
        if cli.message_format == MessageFormat::Github {
            let line = text_diff
                .ops()
                .iter()
                .find(|op| !matches!(op, similar::DiffOp::Equal { .. }))
                .map_or(1, |op| op.old_range().start + 1);
            let _ = writeln!(
                stdout,
                "{}",
                diagnostic::github_annotation(
                    "error",
                    &shown,
                    line,
                    1,
                    "stowage fmt",
                    &format!("{shown} is not formatted: run `stowage fmt -f {shown}`"),
                )
            );
        }
        let _ = write!(
            stdout,
            "{}",
            text_diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
        );
        eprintln!("{shown} is not formatted: run `stowage fmt -f {shown}`");
        return Ok(ExitCode::from(1));
    }
    stowage::output::replace::replace(spec, formatted.as_bytes())
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
    if !cli.quiet {
        eprintln!("formatted {shown}");
    }
    Ok(ExitCode::SUCCESS)
}
