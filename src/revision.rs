//! A version of a spec for `stowage diff`: a file on disk, or `git:REV[:path]`.
//!
//! Takes an operand as written on the command line, gives the spec's [`Source`] and its
//! [`Checked`] front-end results. A git revision is read with `git cat-file` (the work tree and
//! the index are never touched), and so are the files its configs name, at the same revision.

use crate::compile::{self, Checked, IoFailure, Source};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a version of the spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecRef {
    File(PathBuf),
    /// `git:REV` or `git:REV:path` (the path as git reads it: from the repository's root, or
    /// from the current folder when it starts with `./` or `../`).
    Git {
        rev: String,
        path: Option<String>,
    },
}

impl SpecRef {
    pub fn parse(operand: &str) -> SpecRef {
        match operand.strip_prefix("git:") {
            Some(rest) => match rest.split_once(':') {
                Some((rev, path)) if !path.is_empty() => SpecRef::Git {
                    rev: rev.to_string(),
                    path: Some(path.to_string()),
                },
                _ => SpecRef::Git {
                    rev: rest.trim_end_matches(':').to_string(),
                    path: None,
                },
            },
            None => SpecRef::File(PathBuf::from(operand)),
        }
    }
}

/// A version of the spec, read and checked.
pub struct Loaded {
    /// How it is shown: the file's path, or `git:REV:path`.
    pub label: String,
    pub source: Source,
    pub checked: Checked,
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    String::from_utf8(out.stdout).map_err(|_| "not UTF-8 text".to_string())
}

/// Every `stowage.kdl` at `rev` under the current folder, by its path from the repository's
/// root, in path order.
pub fn specs_at(rev: &str) -> Result<Vec<String>, IoFailure> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(IoFailure(format!("`git:{rev}` does not name a revision")));
    }
    let listing = git(&[
        "ls-tree",
        "-r",
        "--full-name",
        "--name-only",
        rev,
        "--",
        ".",
    ])
    .map_err(|e| IoFailure(format!("cannot list git:{rev}: {e}")))?;
    let mut specs: Vec<String> = listing
        .lines()
        .filter(|p| *p == "stowage.kdl" || p.ends_with("/stowage.kdl"))
        .map(str::to_string)
        .collect();
    specs.sort();
    Ok(specs)
}

/// The path of `spec` from the root of the git repository around the current folder.
fn path_in_repo(spec: &Path) -> Result<String, IoFailure> {
    let root = git(&["rev-parse", "--show-toplevel"])
        .map_err(|e| IoFailure(format!("not in a git repository: {e}")))?;
    let rel = compile::relative_path(Path::new(root.trim_end_matches(['\r', '\n'])), spec);
    if rel.starts_with("..") || rel.is_empty() {
        return Err(IoFailure(format!(
            "{} is outside the git repository",
            spec.display()
        )));
    }
    Ok(rel)
}

/// Read and check one version. `default_spec` is the spec's path on disk, used for a git
/// revision given without a path.
pub fn load(r: &SpecRef, default_spec: &Path) -> Result<Loaded, IoFailure> {
    match r {
        SpecRef::File(path) => {
            let source = compile::read_source(path)?;
            let checked = compile::check(&source);
            Ok(Loaded {
                label: path.display().to_string(),
                source,
                checked,
            })
        }
        SpecRef::Git { rev, path } => {
            if rev.is_empty() || rev.starts_with('-') {
                return Err(IoFailure(format!(
                    "`git:{rev}` does not name a revision (write git:REV or git:REV:PATH)"
                )));
            }
            let path = match path {
                Some(p) => p.clone(),
                None => path_in_repo(default_spec)?,
            };
            let label = format!("git:{rev}:{path}");
            let text = git(&["cat-file", "blob", &format!("{rev}:{path}")])
                .map_err(|e| IoFailure(format!("cannot read {label}: {e}")))?;
            let dir = match path.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/"),
                None => String::new(),
            };
            let source = Source {
                path: PathBuf::from(&label),
                text,
            };
            let checked = compile::check_with(&source, &|file: &str| {
                // Git names files by their path from the repository's root, without `..`.
                let path = crate::syntax::include::normalize(&dir, file);
                if path.starts_with("../") {
                    return Err("it is outside the repository".to_string());
                }
                git(&["cat-file", "blob", &format!("{rev}:{path}")])
            });
            Ok(Loaded {
                label,
                source,
                checked,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands() {
        assert_eq!(
            SpecRef::parse("git:HEAD~1"),
            SpecRef::Git {
                rev: "HEAD~1".into(),
                path: None
            }
        );
        assert_eq!(
            SpecRef::parse("git:main:deploy/stowage.kdl"),
            SpecRef::Git {
                rev: "main".into(),
                path: Some("deploy/stowage.kdl".into())
            }
        );
        assert_eq!(
            SpecRef::parse("stowage.kdl"),
            SpecRef::File("stowage.kdl".into())
        );
    }
}
