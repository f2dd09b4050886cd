//! Which paths a build may touch, and what is on disk at each.
//!
//! Generated files live only under the output roots below. A path from the manifest (which
//! anyone can edit) is acted on only when it is a plain relative path under one of them,
//! outside `.git/` and stowage's own state folder, and reached without following a symbolic
//! link.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Folders holding generated files, and generated files at the top of the output folder.
pub const OUTPUT_ROOTS: &[&str] = &[
    "deploy/kustomize/",
    "deploy/helm/",
    "deploy/trivy/",
    "deploy/gitops/",
    ".github/workflows/",
];
pub const OUTPUT_FILES: &[&str] = &[".gitlab-ci.yml", super::MANIFEST];

/// Whether `rel` is a relative path of plain components (no `..`, `.`, root or prefix, no
/// empty or control characters), outside `.git` and stowage's state folder.
pub fn is_plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(|c: char| c.is_control() || c == '\\')
        && !Path::new(rel).is_absolute()
        && rel.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && !part.eq_ignore_ascii_case(".git")
                && part != super::lock::STATE_DIR
        })
}

/// Whether stowage can generate a file at `rel` (so it may also remove one there).
pub fn is_generated_path(rel: &str) -> bool {
    is_plain(rel)
        && (OUTPUT_FILES.contains(&rel)
            || OUTPUT_ROOTS
                .iter()
                .any(|r| rel.strip_prefix(r).is_some_and(|rest| !rest.is_empty())))
}

/// What is at a path: nothing (with the folders to create for it, top-down), or a file.
#[derive(Debug)]
pub enum Found {
    Missing { dirs: Vec<String> },
    File(Vec<u8>),
}

/// Why a path cannot be written.
#[derive(Debug)]
pub enum Blocked {
    Symlink(String),
    FileInTheWay(String),
    FolderInTheWay(String),
    Io(String, io::Error),
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocked::Symlink(p) => write!(
                f,
                "{p} is a symbolic link: stowage never writes through one"
            ),
            Blocked::FileInTheWay(p) => {
                write!(
                    f,
                    "{p} is a file where stowage needs a folder: move it away"
                )
            }
            Blocked::FolderInTheWay(p) => {
                write!(
                    f,
                    "{p} is a folder where stowage writes a file: move it away"
                )
            }
            Blocked::Io(p, e) => write!(f, "cannot read {p}: {e}"),
        }
    }
}

/// Looks at paths under one output folder, each folder once.
pub struct Prober<'a> {
    out: &'a Path,
    /// Folder (relative) to whether it exists; checked to be a real folder when it does.
    dirs: HashMap<String, bool>,
}

impl<'a> Prober<'a> {
    pub fn new(out: &'a Path) -> Self {
        Prober {
            out,
            dirs: HashMap::new(),
        }
    }

    /// What is at the plain path `rel`, refusing symbolic links anywhere on the way.
    pub fn probe(&mut self, rel: &str) -> Result<Found, Blocked> {
        let parts: Vec<&str> = rel.split('/').collect();
        let mut missing = Vec::new();
        for i in 1..parts.len() {
            let dir = parts[..i].join("/");
            let present = match self.dirs.get(&dir) {
                Some(p) => *p,
                None => {
                    let present = match fs::symlink_metadata(self.out.join(&dir)) {
                        Ok(m) if m.file_type().is_symlink() => return Err(Blocked::Symlink(dir)),
                        Ok(m) if !m.is_dir() => return Err(Blocked::FileInTheWay(dir)),
                        Ok(_) => true,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                        Err(e) => return Err(Blocked::Io(dir, e)),
                    };
                    self.dirs.insert(dir.clone(), present);
                    present
                }
            };
            if !present {
                missing.push(dir);
            }
        }
        if !missing.is_empty() {
            return Ok(Found::Missing { dirs: missing });
        }
        let path = self.out.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => Err(Blocked::Symlink(rel.to_string())),
            Ok(m) if m.is_dir() => Err(Blocked::FolderInTheWay(rel.to_string())),
            Ok(_) => fs::read(&path)
                .map(Found::File)
                .map_err(|e| Blocked::Io(rel.to_string(), e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Found::Missing { dirs: vec![] }),
            Err(e) => Err(Blocked::Io(rel.to_string(), e)),
        }
    }

    /// The absolute path of `rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_under_the_output_roots_are_generated_paths() {
        for ok in [
            "deploy/kustomize/base/web.yaml",
            "deploy/helm/shop/Chart.yaml",
            ".github/workflows/shop.yml",
            ".gitlab-ci.yml",
            ".stowage-manifest",
        ] {
            assert!(is_generated_path(ok), "{ok}");
        }
        for bad in [
            "",
            "README.md",
            "stowage.kdl",
            ".git/config",
            "deploy/kustomize/../../stowage.kdl",
            "deploy/kustomize/./x",
            "/etc/passwd",
            "deploy/kustomize/",
            "deploy/kustomize",
            "deploy/kustomize//x",
            "deploy/helm/.git/config",
            "deploy/helm/.GIT/config",
            ".stowage/lock",
            "deploy/trivy/a\nb",
            "deploy/trivy/a\\..\\..\\x",
            ".github/workflows",
            "deploy/other/x.yaml",
        ] {
            assert!(!is_generated_path(bad), "{bad:?}");
        }
    }
}
