//! `stowage diff --all git:OLD git:NEW`: every app of the repository (each stowage.kdl under
//! the current folder at either revision) compared between two revisions, in path order: each
//! app's diff under its path, then one line per app and a summary. Exit 1 when an app changed
//! (or, with a gate, when a risk it names occurs in any app), was added or removed, or does not
//! compile.

use super::diff::{Gate, report_broken};
use crate::{Cli, DiffFormat};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::process::ExitCode;
use stowage::output::risk;
use stowage::output::{diff, diff_format};
use stowage::revision::{self, Loaded, SpecRef};

/// How one app compares.
enum Status {
    Equal,
    Changed,
    Added,
    Removed,
    Broken,
}

impl Status {
    fn word(&self) -> &'static str {
        match self {
            Status::Equal => "equal",
            Status::Changed => "changed",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Broken => "does not compile",
        }
    }
}

/// One app's comparison: its status, whether the gate fails on it, and its report.
struct App {
    spec: String,
    status: Status,
    gated: bool,
    text: String,
    json: Value,
}

impl App {
    /// An app that was not compared (added, removed, or broken): its status alone.
    fn alone(spec: &str, status: Status) -> App {
        App {
            spec: spec.to_string(),
            json: json!({"spec": spec, "status": status.word()}),
            status,
            gated: false,
            text: String::new(),
        }
    }
}

pub fn diff_all(
    cli: &Cli,
    env: Option<&str>,
    format: DiffFormat,
    gate: &Gate,
    old: &str,
    new: &str,
) -> Result<ExitCode, String> {
    let revs = [old, new].map(|o| match SpecRef::parse(o) {
        SpecRef::Git { rev, path: None } => Ok(rev),
        _ => Err(format!(
            "--all compares two git revisions: write git:REV, not `{o}`"
        )),
    });
    let [old_rev, new_rev] = revs;
    let (old_rev, new_rev) = (old_rev?, new_rev?);
    let mut specs = revision::specs_at(&old_rev).map_err(|e| e.to_string())?;
    specs.extend(revision::specs_at(&new_rev).map_err(|e| e.to_string())?);
    specs.sort();
    specs.dedup();
    if specs.is_empty() {
        return Err("no stowage.kdl under this folder at either revision".into());
    }
    let apps: Vec<App> = specs
        .par_iter()
        .map(|s| app(cli, env, format, gate, [&old_rev, &new_rev], s))
        .collect();
    print_apps(format, &apps, old, new);
    for a in &apps {
        eprintln!("{}: {}", a.spec, a.status.word());
    }
    let count = |f: fn(&Status) -> bool| apps.iter().filter(|a| f(&a.status)).count();
    eprintln!(
        "{} apps: {} changed, {} equal, {} added, {} removed, {} do not compile",
        apps.len(),
        count(|s| matches!(s, Status::Changed)),
        count(|s| matches!(s, Status::Equal)),
        count(|s| matches!(s, Status::Added)),
        count(|s| matches!(s, Status::Removed)),
        count(|s| matches!(s, Status::Broken)),
    );
    let failed = apps.iter().any(|a| match a.status {
        Status::Broken | Status::Added | Status::Removed => true,
        Status::Changed if gate.is_set() => a.gated,
        Status::Changed => true,
        Status::Equal => false,
    });
    Ok(ExitCode::from(u8::from(failed)))
}

/// The app at `spec` in both revisions.
fn app(
    cli: &Cli,
    env: Option<&str>,
    format: DiffFormat,
    gate: &Gate,
    revs: [&str; 2],
    spec: &str,
) -> App {
    let load = |rev: &str| {
        let r = SpecRef::Git {
            rev: rev.to_string(),
            path: Some(spec.to_string()),
        };
        revision::load(&r, std::path::Path::new(spec)).ok()
    };
    let (old, new) = rayon::join(|| load(revs[0]), || load(revs[1]));
    match (old, new) {
        (None, None) => App::alone(spec, Status::Broken),
        (None, Some(_)) => App::alone(spec, Status::Added),
        (Some(_), None) => App::alone(spec, Status::Removed),
        (Some(o), Some(n)) => compared(cli, env, format, gate, spec, [o, n]),
    }
}

fn compared(
    cli: &Cli,
    env: Option<&str>,
    format: DiffFormat,
    gate: &Gate,
    spec: &str,
    mut loaded: [Loaded; 2],
) -> App {
    if loaded.iter().any(|l| l.checked.diagnostics.has_errors()) {
        report_broken(cli, &loaded, DiffFormat::Human);
        return App::alone(spec, Status::Broken);
    }
    let [Ok(old_ir), Ok(new_ir)] = loaded.each_mut().map(super::diff::ir) else {
        return App::alone(spec, Status::Broken);
    };
    let irs = [old_ir, new_ir];
    let diffs = diff::diff_irs(&irs[0], &irs[1], env);
    let risks = risk::assess(&irs[0], &irs[1], env);
    let (old, new) = (&loaded[0].label, &loaded[1].label);
    let equal = diffs.iter().all(diff::EnvDiff::is_equal);
    // JSON gives every app in one document (`print_apps`).
    let text = match format {
        DiffFormat::Json => String::new(),
        _ => super::diff::text(cli, format, &diffs, &risks, [old, new]),
    };
    let status = if equal {
        Status::Equal
    } else {
        Status::Changed
    };
    let mut doc = diff_format::json(&diffs, &risks, old, new);
    doc["spec"] = json!(spec);
    doc["status"] = json!(status.word());
    App {
        spec: spec.to_string(),
        gated: risk::selected(&risks, &gate.classes, gate.at_least),
        status,
        text,
        json: doc,
    }
}

fn print_apps(format: DiffFormat, apps: &[App], old: &str, new: &str) {
    match format {
        DiffFormat::Json => {
            let doc = json!({"old": old, "new": new, "apps": apps.iter().map(|a| &a.json).collect::<Vec<_>>()});
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("JSON values serialize")
            );
        }
        DiffFormat::Human | DiffFormat::Markdown => {
            let heading = if format == DiffFormat::Human {
                "=="
            } else {
                "##"
            };
            for a in apps {
                println!("{heading} {} ({})\n", a.spec, a.status.word());
                if matches!(a.status, Status::Changed) {
                    println!("{}", a.text.trim_end());
                    println!();
                }
            }
        }
    }
}
