//! `stowage init`: a commented starter spec in the current folder.

use crate::Cli;
use std::path::Path;
use std::process::ExitCode;

/// The starter spec; `NAME` is the application's name.
const TEMPLATE: &str = include_str!("init.kdl");

pub fn init(cli: &Cli, name: Option<&str>, force: bool) -> Result<ExitCode, String> {
    let path = Path::new("stowage.kdl");
    if path.exists() && !force {
        return Err("stowage.kdl already exists here: `stowage init --force` replaces it".into());
    }
    let name = match name {
        Some(n) => n.to_string(),
        None => folder_name()?,
    };
    if !is_dns_label(&name) {
        return Err(format!(
            "`{name}` cannot name an application: use lower-case letters, digits and `-` \
             (at most 40 characters, starting with a letter), e.g. `stowage init --name shop`"
        ));
    }
    let text = TEMPLATE.replace("NAME", &name);
    stowage::output::replace::replace(path, text.as_bytes())
        .map_err(|e| format!("cannot write stowage.kdl: {e}"))?;
    if !cli.quiet {
        eprintln!("wrote stowage.kdl for `{name}`: `stowage build` generates its outputs");
    }
    Ok(ExitCode::SUCCESS)
}

/// The current folder's name, made a DNS label (lower case, `-` for anything else).
pub(super) fn folder_name() -> Result<String, String> {
    let dir =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let raw = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').chars().take(40).collect();
    let name = name.trim_end_matches('-').to_string();
    Ok(if is_dns_label(&name) {
        name
    } else {
        "app".to_string()
    })
}

/// Whether the name can name an app (and, with `-dev` or `-production` after it, a namespace).
fn is_dns_label(name: &str) -> bool {
    name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
