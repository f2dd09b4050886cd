//! `stowage diff`: compare the deployed objects of two versions of the spec (files or git
//! revisions), the risky changes first; exit 1 when they differ, or, with a gate, when a risk
//! it names occurs.

use super::stdout_color;
use crate::{Cli, DiffFormat};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::ir::Ir;
use stowage::output::risk::{self, Class, Severity};
use stowage::output::{diff, diff_format};
use stowage::revision::{self, Loaded, SpecRef};

/// `--fail-on` and `--fail-on-severity`: which risks fail the command.
pub struct Gate {
    pub classes: Vec<&'static Class>,
    pub at_least: Option<Severity>,
}

impl Gate {
    pub(super) fn is_set(&self) -> bool {
        !self.classes.is_empty() || self.at_least.is_some()
    }
}

pub fn diff(
    cli: &Cli,
    spec: Option<&Path>,
    env: Option<&str>,
    format: DiffFormat,
    gate: &Gate,
    old: &str,
    new: &str,
) -> Result<ExitCode, String> {
    let refs = [SpecRef::parse(old), SpecRef::parse(new)];
    let default_spec = spec
        .map(Path::to_path_buf)
        .or_else(|| {
            refs.iter().find_map(|r| match r {
                SpecRef::File(p) => Some(p.clone()),
                SpecRef::Git { .. } => None,
            })
        })
        .unwrap_or_else(|| PathBuf::from("stowage.kdl"));
    let mut loaded = refs
        .iter()
        .map(|r| revision::load(r, &default_spec).map_err(|e| e.to_string()))
        .collect::<Result<Vec<Loaded>, String>>()?;
    if loaded.iter().any(|l| l.checked.diagnostics.has_errors()) {
        report_broken(cli, &loaded, format);
        return Ok(ExitCode::from(1));
    }
    let irs: Vec<Ir> = loaded.iter_mut().map(ir).collect::<Result<_, String>>()?;
    if let Some(e) = env {
        known_environment(&irs, e)?;
    }
    let diffs = diff::diff_irs(&irs[0], &irs[1], env);
    let risks = risk::assess(&irs[0], &irs[1], env);
    let (old, new) = (&loaded[0].label, &loaded[1].label);
    print!("{}", text(cli, format, &diffs, &risks, [old, new]));
    let failed = if gate.is_set() {
        risk::selected(&risks, &gate.classes, gate.at_least)
    } else {
        !diffs.iter().all(diff::EnvDiff::is_equal)
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The diagnostics of the versions that do not compile (and, for a pull-request comment,
/// a line saying so).
pub(super) fn report_broken(cli: &Cli, loaded: &[Loaded], format: DiffFormat) {
    let broken: Vec<&Loaded> = loaded
        .iter()
        .filter(|l| l.checked.diagnostics.has_errors())
        .collect();
    for l in &broken {
        super::report::report(cli, &l.source, &l.checked.sources, &l.checked.diagnostics);
    }
    if format != DiffFormat::Markdown {
        return;
    }
    print!("{}", diff_format::MARKDOWN_MARKER);
    println!("\n### stowage diff\n");
    for l in &broken {
        let errors = l.checked.diagnostics.error_count();
        println!(
            "`{}` has {errors} error{}: run `stowage validate` on it.",
            l.label.replace('`', "'"),
            if errors == 1 { "" } else { "s" }
        );
    }
}

/// The comparison of `labels` (old, new) in `format`.
pub(super) fn text(
    cli: &Cli,
    format: DiffFormat,
    diffs: &[diff::EnvDiff],
    risks: &[risk::Finding],
    [old, new]: [&str; 2],
) -> String {
    match format {
        DiffFormat::Human => diff_format::human(diffs, risks, stdout_color(cli)),
        DiffFormat::Markdown => diff_format::markdown(diffs, risks, old, new),
        DiffFormat::Json => {
            serde_json::to_string_pretty(&diff_format::json(diffs, risks, old, new))
                .expect("JSON values serialize")
                + "\n"
        }
    }
}

/// A version's IR, its spec file named by its label.
pub(super) fn ir(l: &mut Loaded) -> Result<Ir, String> {
    let mut ir = l
        .checked
        .ir
        .take()
        .ok_or("the spec could not be compiled")?;
    ir.set_spec_file(&l.label);
    Ok(ir)
}

/// `--env` names an environment of either version.
fn known_environment(irs: &[Ir], e: &str) -> Result<(), String> {
    let mut names: Vec<&str> = irs
        .iter()
        .flat_map(|ir| ir.environments.iter().map(|x| x.name.as_str()))
        .collect();
    if names.contains(&e) {
        return Ok(());
    }
    names.sort();
    names.dedup();
    Err(format!(
        "no environment `{e}` in either version (environments: {})",
        names.join(", ")
    ))
}
