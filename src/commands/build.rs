//! `stowage build`: generate every output and write it under OUT, all at once or not at all.

use super::out_dir;
use crate::Cli;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile;
use stowage::output;

pub fn build(
    cli: &Cli,
    spec: &Path,
    out: &Option<PathBuf>,
    force: bool,
) -> Result<ExitCode, String> {
    let out = out_dir(spec, out);
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let checked = compile::check(&source);
    if super::report::report(cli, &source, &checked.sources, &checked.diagnostics) {
        return Ok(ExitCode::from(1));
    }
    let protected = compile::inputs(&source, &checked);
    let sources = checked.sources.clone();
    let generated = match compile::generate(&source, checked, &out) {
        Ok(g) => g,
        Err(diags) => {
            super::report::report(cli, &source, &sources, &diags);
            return Ok(ExitCode::from(1));
        }
    };
    super::report::report(cli, &source, &sources, &generated.warnings);
    let files = output::with_manifest(
        generated.files,
        &stowage::emit::header(&generated.ir.spec_file),
    );
    let opts = output::Options {
        force,
        protected,
        on_wait: &|m| eprintln!("{m}"),
    };
    let written = stowage::timings::phase("write", || output::write(&out, &files, &opts))
        .map_err(|e| e.to_string())?;
    print_written(&out, &written, cli.quiet);
    super::leave((files, generated.ir));
    Ok(ExitCode::SUCCESS)
}

/// The summary of a build on standard error.
fn print_written(out: &Path, written: &output::Written, quiet: bool) {
    use stowage::output::journal::Recovery;
    match written.recovered {
        Recovery::Nothing | Recovery::Discarded => {}
        Recovery::RolledForward => eprintln!(
            "finished the build that was stopped while writing to {}",
            out.display()
        ),
        Recovery::RolledBack => eprintln!(
            "undid the build that was stopped while undoing a failure in {}",
            out.display()
        ),
    }
    for (path, why) in &written.kept {
        eprintln!(
            "kept {}: no longer generated, but not removed ({why})",
            out.join(path).display()
        );
    }
    if quiet {
        return;
    }
    eprintln!(
        "wrote {} file{} to {} ({} unchanged, {} removed)",
        written.written.len(),
        if written.written.len() == 1 { "" } else { "s" },
        out.display(),
        written.unchanged.len(),
        written.removed.len()
    );
}
