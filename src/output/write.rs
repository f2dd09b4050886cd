//! `stowage build`'s write: plan, then change the output through the journal.
//!
//! The plan decides, before anything is touched, what each generated path needs (nothing, a
//! new file, a replaced file) and which files of the last build to remove, under the rules in
//! [`super::paths`] and these:
//!
//! - a file is replaced or removed only when its contents are exactly what the manifest says
//!   stowage wrote (or, for a replacement, with `--force`);
//! - the spec and the files it reads are never replaced or removed, even with `--force`;
//! - a path the manifest lists without a digest, or outside the output roots, is never removed.

use super::journal::{self, Hook, Journal, Op, Recovery, Step};
use super::paths::{Found, Prober, is_generated_path};
use super::{MANIFEST, digest, lock, read_manifest};
use crate::emit::FileSet;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// How to write.
pub struct Options<'a> {
    /// Replace generated files that were edited by hand or not written by stowage.
    pub force: bool,
    /// Files never replaced or removed: the spec and the files it reads.
    pub protected: Vec<PathBuf>,
    /// Told, once, when another build holds the output folder (this one then waits).
    pub on_wait: &'a dyn Fn(&str),
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            force: false,
            protected: Vec::new(),
            on_wait: &|_| {},
        }
    }
}

/// Outcome of a write.
#[derive(Debug, Default)]
pub struct Written {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
    /// Files of an earlier build that are no longer generated but were left in place, and why.
    pub kept: Vec<(String, &'static str)>,
    /// What became of a build that was stopped before this one.
    pub recovered: Recovery,
}

#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Write `files` under `out`: afterwards the folder holds either its previous contents or all
/// of the new ones, also when the process is killed at any moment (the next build finishes
/// the job).
pub fn write(out: &Path, files: &FileSet, opts: &Options) -> Result<Written, WriteError> {
    write_with(out, files, opts, &mut |_| Ok(()))
}

/// [`write`], with `hook` called before every change to the disk (tests inject failures and
/// interruptions there).
pub fn write_with(
    out: &Path,
    files: &FileSet,
    opts: &Options,
    hook: &mut Hook,
) -> Result<Written, WriteError> {
    let created = create_folder(out)?;
    let result = locked(out, files, opts, hook);
    if result.is_err() && !created.is_empty() {
        // A first build that failed leaves nothing behind, not even the folders it made.
        let _ = fs::remove_dir_all(lock::state_dir(out));
        for d in created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    result
}

/// Create `out` and its missing parents; returns those it created, top-down.
fn create_folder(out: &Path) -> Result<Vec<PathBuf>, WriteError> {
    match (fs::symlink_metadata(out), fs::metadata(out)) {
        (Ok(_), Ok(m)) if !m.is_dir() => {
            return Err(WriteError(format!("{} is not a folder", out.display())));
        }
        (Ok(l), Err(_)) if l.file_type().is_symlink() => {
            return Err(WriteError(format!(
                "{} is a symbolic link to a folder that does not exist",
                out.display()
            )));
        }
        _ => {}
    }
    let mut missing = Vec::new();
    let mut d = Some(out);
    while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        missing.push(p.to_path_buf());
        d = p.parent();
    }
    missing.reverse();
    for m in &missing {
        if let Err(e) = fs::create_dir(m)
            && !m.is_dir()
        {
            return Err(WriteError(format!("cannot create {}: {e}", m.display())));
        }
    }
    Ok(missing)
}

fn locked(
    out: &Path,
    files: &FileSet,
    opts: &Options,
    hook: &mut Hook,
) -> Result<Written, WriteError> {
    let io = |what: &str, e: std::io::Error| WriteError(format!("{what} {}: {e}", out.display()));
    let out = &fs::canonicalize(out).map_err(|e| io("cannot open", e))?;
    lock::ensure_state_dir(out).map_err(|e| io("cannot prepare", e))?;
    let _lock = lock::exclusive(out, opts.on_wait).map_err(|e| io("cannot lock", e))?;
    let recovered = journal::recover(out, hook)
        .map_err(|e| io("cannot finish the build that was stopped in", e))?;
    let plan = plan(out, files, opts)?;
    let mut written = Written {
        recovered,
        ..plan.outcome
    };
    if plan.ops.is_empty() {
        return Ok(written);
    }
    let j = Journal::begin(out).map_err(|e| io("cannot start writing to", e))?;
    if let Err(e) = stage(&j, &plan.ops, files, hook) {
        let _ = j.discard();
        return Err(WriteError(format!(
            "cannot write the new files under {}: {e} (nothing was changed)",
            out.display()
        )));
    }
    if let Err(e) = j.apply(&plan.ops, hook) {
        let undone = j.undo(&plan.ops, hook);
        let finished = undone.as_ref().ok().map(|_| j.finish(hook));
        return Err(WriteError(match (undone, finished) {
            (Ok(()), Some(Ok(()))) => format!("cannot write {e} (nothing was changed)"),
            (Err(u), _) | (_, Some(Err(u))) => format!(
                "cannot write {e}; undoing the build also failed ({u}): the next build will finish undoing it"
            ),
            (Ok(()), None) => unreachable!("finish runs after a successful undo"),
        }));
    }
    j.finish(hook).map_err(|e| {
        WriteError(format!(
            "the new files are in place in {}, but its journal could not be deleted: {e}",
            out.display()
        ))
    })?;
    written.written.sort();
    Ok(written)
}

fn stage(j: &Journal, ops: &[Op], files: &FileSet, hook: &mut Hook) -> std::io::Result<()> {
    for op in ops {
        if let Op::Put { id, path, .. } = op {
            hook(Step::Stage(path))?;
            j.stage(*id, files[path].as_bytes())?;
        }
    }
    hook(Step::Commit)?;
    j.commit(ops)
}

struct Plan {
    ops: Vec<Op>,
    outcome: Written,
}

/// Decide every change before making any.
fn plan(out: &Path, files: &FileSet, opts: &Options) -> Result<Plan, WriteError> {
    let manifest = read_manifest(out);
    let protected: HashSet<&Path> = opts.protected.iter().map(PathBuf::as_path).collect();
    let mut prober = Prober::new(out);
    let mut outcome = Written::default();
    // Paths to write, with the digest of the file each replaces.
    let (mut mkdirs, mut puts, mut theirs): (Vec<String>, Vec<(String, Option<String>)>, _) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut seen_dirs = HashSet::new();
    for (rel, contents) in files {
        if !is_generated_path(rel) {
            return Err(WriteError(format!(
                "refusing to write `{rel}`: not a path under stowage's output folders"
            )));
        }
        if protected.contains(prober.path(rel).as_path()) {
            return Err(WriteError(format!(
                "refusing to write {rel}: it is the spec or a file the spec reads"
            )));
        }
        match prober
            .probe(rel)
            .map_err(|b| WriteError(format!("cannot write: {b}")))?
        {
            Found::File(old) if old == contents.as_bytes() => outcome.unchanged.push(rel.clone()),
            Found::File(old) => {
                if opts.force || ours(rel, &old, &manifest) {
                    puts.push((rel.clone(), Some(digest(&old))));
                } else {
                    theirs.push(rel.clone());
                }
            }
            Found::Missing { dirs } => {
                for d in dirs {
                    if seen_dirs.insert(d.clone()) {
                        mkdirs.push(d);
                    }
                }
                puts.push((rel.clone(), None));
            }
        }
    }
    if !theirs.is_empty() {
        return Err(WriteError(format!(
            "refusing to overwrite {} file{} not written by stowage or edited since it was (use --force to overwrite):\n  {}",
            theirs.len(),
            if theirs.len() == 1 { "" } else { "s" },
            theirs.join("\n  ")
        )));
    }
    let removes = stale(&manifest, files, &protected, &mut prober, &mut outcome);
    // Folders first, the manifest last: it describes the finished build.
    let mut ops: Vec<Op> = mkdirs.into_iter().map(|path| Op::Mkdir { path }).collect();
    let manifest_put = puts
        .iter()
        .position(|p| p.0 == MANIFEST)
        .map(|i| puts.remove(i));
    let mut id = 0;
    for (path, replaces) in puts {
        outcome.written.push(path.clone());
        ops.push(Op::Put { id, path, replaces });
        id += 1;
    }
    for (path, digest) in removes {
        outcome.removed.push(path.clone());
        ops.push(Op::Remove { id, path, digest });
        id += 1;
    }
    if let Some((path, replaces)) = manifest_put {
        outcome.written.push(path.clone());
        ops.push(Op::Put { id, path, replaces });
    }
    Ok(Plan { ops, outcome })
}

/// Whether the file at `rel`, whose contents are `old`, is one stowage wrote and nobody edited.
fn ours(rel: &str, old: &[u8], manifest: &BTreeMap<String, Option<String>>) -> bool {
    if rel == MANIFEST {
        return old.starts_with(b"# generated by stowage");
    }
    matches!(manifest.get(rel), Some(Some(d)) if *d == digest(old))
}

/// Files of the last build that this one no longer generates, and may remove (with their
/// digests).
fn stale(
    manifest: &BTreeMap<String, Option<String>>,
    files: &FileSet,
    protected: &HashSet<&Path>,
    prober: &mut Prober,
    outcome: &mut Written,
) -> Vec<(String, String)> {
    let mut removes = Vec::new();
    for (rel, recorded) in manifest {
        if files.contains_key(rel) {
            continue;
        }
        let why = if !is_generated_path(rel) {
            Some("not a path stowage writes")
        } else if protected.contains(prober.path(rel).as_path()) {
            Some("the spec reads it")
        } else {
            match (prober.probe(rel), recorded) {
                (Ok(Found::Missing { .. }), _) => continue,
                (Err(_), _) => Some("not a plain file"),
                (Ok(Found::File(_)), None) => Some("the manifest records no digest for it"),
                (Ok(Found::File(b)), Some(d)) if digest(&b) != *d => {
                    Some("edited since stowage wrote it")
                }
                (Ok(Found::File(_)), Some(_)) => None,
            }
        };
        match (why, recorded) {
            (Some(why), _) => outcome.kept.push((rel.clone(), why)),
            (None, Some(d)) => removes.push((rel.clone(), d.clone())),
            (None, None) => unreachable!("a file without a digest is kept"),
        }
    }
    removes
}

/// Finish or undo whatever a stopped build left in `out` (the next build does this first).
pub fn recover(out: &Path) -> Result<Recovery, WriteError> {
    let io = |what: &str, e: std::io::Error| WriteError(format!("{what} {}: {e}", out.display()));
    if !lock::state_dir(out).is_dir() {
        return Ok(Recovery::Nothing);
    }
    let _lock = lock::exclusive(out, &|_| {}).map_err(|e| io("cannot lock", e))?;
    journal::recover(out, &mut |_| Ok(()))
        .map_err(|e| io("cannot finish the build that was stopped in", e))
}
