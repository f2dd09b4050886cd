//! Phase 5, output: generated files on disk.
//!
//! Takes a [`FileSet`] and an output folder. [`write`] replaces the generated files atomically:
//! everything is staged first, and only when every file is staged are they moved into place;
//! files stowage generated before and no longer does are removed (it knows them from its
//! manifest, and never removes anything else). [`drift`] compares a file set with the disk.
//! [`diff`] compares two versions of the deployed objects (`stowage diff`), and [`diff_format`]
//! prints that comparison.

pub mod diff;
pub mod diff_format;

use crate::emit::FileSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The list of generated files, kept in the output folder.
pub const MANIFEST: &str = ".stowage-manifest";

/// Add the manifest to a file set: the list of every file it generates.
pub fn with_manifest(mut files: FileSet, header: &str) -> FileSet {
    let mut m = String::new();
    m.push_str(header);
    m.push('\n');
    for path in files.keys() {
        m.push_str(path);
        m.push('\n');
    }
    files.insert(MANIFEST.to_string(), m);
    files
}

/// Paths listed in the manifest on disk.
pub fn read_manifest(out: &Path) -> Vec<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path inside the output folder, refusing anything that could leave it.
fn inside(out: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.is_absolute()
        || p.components().any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(WriteError(format!(
            "refusing to write `{rel}`: not a plain path inside the output folder"
        )));
    }
    let mut cur = out.to_path_buf();
    for c in p.components() {
        cur.push(c);
        if let Ok(meta) = fs::symlink_metadata(&cur)
            && meta.file_type().is_symlink()
        {
            return Err(WriteError(format!(
                "refusing to write through the symbolic link {}",
                cur.display()
            )));
        }
    }
    Ok(out.join(p))
}

/// Outcome of a write.
#[derive(Debug, Default)]
pub struct Written {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

/// Write `files` under `out`, atomically as a whole: on any error before the final moves, the
/// folder is left as it was.
pub fn write(out: &Path, files: &FileSet) -> Result<Written, WriteError> {
    write_with(out, files, |_| Ok(()))
}

/// [`write`] with a hook called before each file is staged (tests use it to inject failures).
pub fn write_with(
    out: &Path,
    files: &FileSet,
    mut before_stage: impl FnMut(&str) -> std::io::Result<()>,
) -> Result<Written, WriteError> {
    let mut result = Written::default();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (rel, contents) in files {
        let target = match inside(out, rel) {
            Ok(t) => t,
            Err(e) => {
                cleanup(&staged);
                return Err(e);
            }
        };
        if fs::read(&target).is_ok_and(|old| old == contents.as_bytes()) {
            result.unchanged.push(rel.clone());
            continue;
        }
        let mut stage = || -> std::io::Result<PathBuf> {
            before_stage(rel)?;
            let dir = target.parent().expect("files are inside the output folder");
            fs::create_dir_all(dir)?;
            let name = target
                .file_name()
                .expect("files have names")
                .to_string_lossy();
            let tmp = dir.join(format!(".{name}.stowage-tmp"));
            let mut f = fs::File::create(&tmp)?;
            f.write_all(contents.as_bytes())?;
            f.sync_all()?;
            Ok(tmp)
        };
        match stage() {
            Ok(tmp) => staged.push((tmp, target)),
            Err(e) => {
                cleanup(&staged);
                return Err(WriteError(format!(
                    "cannot write {}: {e}",
                    target.display()
                )));
            }
        }
        result.written.push(rel.clone());
    }
    let stale: Vec<String> = read_manifest(out)
        .into_iter()
        .filter(|p| !files.contains_key(p))
        .collect();
    for (tmp, target) in &staged {
        if let Err(e) = fs::rename(tmp, target) {
            cleanup(&staged);
            return Err(WriteError(format!(
                "cannot move {} into place: {e}",
                target.display()
            )));
        }
    }
    for rel in stale {
        if let Ok(p) = inside(out, &rel)
            && p.is_file()
            && fs::remove_file(&p).is_ok()
        {
            result.removed.push(rel);
            let mut dir = p.parent();
            while let Some(d) = dir {
                if d == out || fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
    Ok(result)
}

/// One difference between generated files and the disk.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    /// Generated but not on disk.
    Missing(String),
    /// On disk with other contents: the unified diff (disk -> generated).
    Changed(String, String),
    /// Generated before (listed in the manifest), no longer generated, still on disk.
    Stale(String),
}

impl Drift {
    pub fn path(&self) -> &str {
        match self {
            Drift::Missing(p) | Drift::Changed(p, _) | Drift::Stale(p) => p,
        }
    }
}

/// Compare generated files with the disk. `label` prefixes paths in the diffs.
pub fn drift(out: &Path, files: &FileSet, label: &str) -> Vec<Drift> {
    let mut found = Vec::new();
    for (rel, contents) in files {
        match fs::read(out.join(rel)) {
            Err(_) => found.push(Drift::Missing(rel.clone())),
            Ok(bytes) => {
                let old = String::from_utf8_lossy(&bytes);
                if old != contents.as_str() {
                    let shown = format!("{label}{rel}");
                    let diff = similar::TextDiff::from_lines(old.as_ref(), contents.as_str())
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("a/{shown}"), &format!("b/{shown}"))
                        .to_string();
                    found.push(Drift::Changed(rel.clone(), diff));
                }
            }
        }
    }
    for rel in read_manifest(out) {
        if !files.contains_key(&rel) && out.join(&rel).is_file() {
            found.push(Drift::Stale(rel));
        }
    }
    found
}
