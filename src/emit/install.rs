//! How a CI job gets stowage: the shell lines both platforms run, from the pipeline's
//! `stowage` (a crate version, a git commit, a checksummed binary) or nothing for an image.

use super::shell_word;
use crate::ir::pipeline::Install;

/// The crates.io package of this project (its binary is `stowage`).
pub const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// Where a downloaded binary is put (put it on PATH after these lines).
pub const BIN_DIR: &str = "$HOME/.local/bin";

/// The shell lines installing stowage; empty when the job runs in an image that has it.
pub fn script(install: &Install) -> Vec<String> {
    match install {
        Install::Crate { version } => vec![format!(
            "cargo install {PACKAGE} --locked --version {}",
            shell_word(version)
        )],
        Install::Git { url, rev } => vec![format!(
            "cargo install --locked --git {} --rev {rev} {PACKAGE}",
            shell_word(url)
        )],
        Install::Binary { url, sha256 } => {
            let download = "\"${TMPDIR:-/tmp}/stowage.download\"";
            let mut lines = vec![
                format!("mkdir -p \"{BIN_DIR}\""),
                format!(
                    "curl -fsSL --proto '=https,file' -o {download} {}",
                    shell_word(url)
                ),
                format!("echo \"{sha256}  {download}\" | sha256sum -c -"),
            ];
            lines.push(if url.ends_with(".tar.gz") || url.ends_with(".tgz") {
                format!("tar -xzf {download} -C \"{BIN_DIR}\" stowage")
            } else {
                format!("install -m 0755 {download} \"{BIN_DIR}/stowage\"")
            });
            lines
        }
        Install::Image { .. } => Vec::new(),
    }
}

/// The image a GitLab job that runs stowage uses.
pub fn gitlab_image(install: &Install) -> &str {
    match install {
        Install::Image { image } => image,
        Install::Binary { .. } => "buildpack-deps:bookworm-curl",
        Install::Crate { .. } | Install::Git { .. } => "rust:1-bookworm",
    }
}

/// The container a GitHub job that runs stowage runs in, if any.
pub fn github_container(install: &Install) -> Option<&str> {
    match install {
        Install::Image { image } => Some(image),
        _ => None,
    }
}

/// Whether the lines put stowage in [`BIN_DIR`] (which the job must add to PATH).
pub fn uses_bin_dir(install: &Install) -> bool {
    matches!(install, Install::Binary { .. })
}
