//! The build journal: a build changes the output folder completely or not at all.
//!
//! A build stages every new file in `OUT/.stowage/txn/new/`, makes them durable, then writes
//! the list of its operations to `txn/plan` (written aside and renamed: the commit point).
//! Only then does it touch the output: each target is moved aside into `txn/old/` and the
//! staged file renamed into its place; files no longer generated are moved aside too; the
//! manifest comes last. When everything is in place, `plan` is deleted (the end of the build)
//! and the journal with the old files after it.
//!
//! Every operation can be told done from not done by looking at the disk, so the journal can
//! be finished from any state: the next build (or [`recover`]) rolls a committed journal
//! forward, and throws away one that was never committed (the output was not touched yet).
//! When an operation fails (a folder in the way, no space, no permission), the build undoes
//! what it did in reverse order, and an `undo` marker makes an interrupted undo resume as an
//! undo.

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The journal's folder inside the state folder.
const TXN: &str = "txn";
const PLAN: &str = "plan";
const UNDO: &str = "undo";

/// One change to the output folder. Paths are relative to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// Create a folder that was missing when the build was planned.
    Mkdir { path: String },
    /// Put staged file `id` at `path`; what was there (whose digest was `replaces`) is kept as
    /// `old/id` until the end.
    Put {
        id: usize,
        path: String,
        replaces: Option<String>,
    },
    /// Move the file at `path` (whose digest was `digest`) aside as `old/id`; it is deleted
    /// with the journal.
    Remove {
        id: usize,
        path: String,
        digest: String,
    },
}

/// A place where a build can fail or be killed: the hook of [`crate::output::write_with`] is
/// called before each change to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// Writing a staged file.
    Stage(&'a str),
    /// Making the staged files durable and writing the plan.
    Commit,
    Mkdir(&'a str),
    /// Moving the current file at a path aside.
    Displace(&'a str),
    /// Renaming a staged file into place.
    Place(&'a str),
    /// Removing a folder a removed file left empty.
    Rmdir(&'a str),
    /// Undoing one operation.
    Undo(&'a str),
    /// Deleting the journal once everything is in place.
    Finish,
}

/// The hook called before each step; an error makes the step fail.
pub type Hook<'a> = dyn FnMut(Step<'_>) -> io::Result<()> + 'a;

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recovery {
    /// No unfinished build.
    #[default]
    Nothing,
    /// A build was stopped before it changed anything: its staged files were thrown away.
    Discarded,
    /// A build was stopped while moving its files into place: it was finished.
    RolledForward,
    /// A build was stopped while undoing a failure: the undo was finished.
    RolledBack,
}

/// The journal of the output folder `out` (its state folder exists).
pub struct Journal {
    out: PathBuf,
    dir: PathBuf,
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

impl Journal {
    fn at(out: &Path) -> Journal {
        Journal {
            out: out.to_path_buf(),
            dir: super::lock::state_dir(out).join(TXN),
        }
    }

    /// Start a journal (there must be none: [`recover`] first).
    pub fn begin(out: &Path) -> io::Result<Journal> {
        let j = Journal::at(out);
        fs::create_dir(&j.dir)?;
        fs::create_dir(j.dir.join("new"))?;
        fs::create_dir(j.dir.join("old"))?;
        Ok(j)
    }

    fn new_file(&self, id: usize) -> PathBuf {
        self.dir.join("new").join(id.to_string())
    }

    fn old_file(&self, id: usize) -> PathBuf {
        self.dir.join("old").join(id.to_string())
    }

    /// Stage the contents of file `id`.
    pub fn stage(&self, id: usize, contents: &[u8]) -> io::Result<()> {
        let mut f = fs::File::create_new(self.new_file(id))?;
        f.write_all(contents)
    }

    /// The commit point: staged files durable, then the plan written aside, made durable and
    /// renamed into place.
    pub fn commit(&self, ops: &[Op]) -> io::Result<()> {
        sync(&self.dir)?;
        let mut text = String::new();
        for op in ops {
            text.push_str(&serde_json::to_string(op).expect("operations serialize"));
            text.push('\n');
        }
        super::replace::replace(&self.dir.join(PLAN), text.as_bytes())
    }

    /// Apply every operation in order. Each is skipped when it is already done, so a journal
    /// can be applied again after an interruption.
    pub fn apply(&self, ops: &[Op], hook: &mut Hook) -> io::Result<()> {
        self.apply_checked(ops, hook, false)
    }

    /// [`Journal::apply`]; with `verify`, a file is moved aside only when its contents are
    /// still those the plan recorded (a journal found on disk is not trusted).
    fn apply_checked(&self, ops: &[Op], hook: &mut Hook, verify: bool) -> io::Result<()> {
        for op in ops {
            self.apply_one(op, hook, verify)
                .map_err(|e| with_path(e, op_path(op)))?;
        }
        // Folders that removed files leave empty go too, up to the output folder. Nothing can
        // fail here, so an undo never has to bring them back.
        for op in ops {
            if let Op::Remove { path, .. } = op {
                let mut dir = Path::new(path).parent();
                while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                    let d_str = d.to_string_lossy();
                    if hook(Step::Rmdir(&d_str)).is_err()
                        || fs::remove_dir(self.out.join(d)).is_err()
                    {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
        Ok(())
    }

    fn apply_one(&self, op: &Op, hook: &mut Hook, verify: bool) -> io::Result<()> {
        match op {
            Op::Mkdir { path } => {
                let d = self.out.join(path);
                if fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir()) {
                    return Ok(());
                }
                hook(Step::Mkdir(path))?;
                fs::create_dir(&d)
            }
            Op::Put { id, path, replaces } => {
                let (new, old, target) =
                    (self.new_file(*id), self.old_file(*id), self.out.join(path));
                if !exists(&new) {
                    return Ok(());
                }
                let expected = verify.then_some(replaces.as_deref());
                if self.displace(&target, &old, path, expected, hook)? {
                    hook(Step::Place(path))?;
                    fs::rename(&new, &target)?;
                }
                Ok(())
            }
            Op::Remove { id, path, digest } => {
                let (old, target) = (self.old_file(*id), self.out.join(path));
                let expected = verify.then_some(Some(digest.as_str()));
                self.displace(&target, &old, path, expected, hook)
                    .map(|_| ())
            }
        }
    }

    /// Move the regular file `target` to `old` unless that is done. Returns whether `target`
    /// is now free. Anything but a regular file is left alone and is an error, and so is a
    /// file whose digest is not `expected` when that is given (`Some(None)`: no file expected).
    fn displace(
        &self,
        target: &Path,
        old: &Path,
        path: &str,
        expected: Option<Option<&str>>,
        hook: &mut Hook,
    ) -> io::Result<bool> {
        if let Some(expected) = expected
            && !exists(old)
        {
            let found = fs::read(target).ok().map(|b| super::digest(&b));
            if found.as_deref() != expected {
                return Err(io::Error::other(
                    "it is not the file the stopped build planned to replace",
                ));
            }
        }
        match fs::symlink_metadata(target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(e),
            Ok(m) if !m.is_file() => Err(io::Error::other(
                "it is a folder or a symbolic link, not a file stowage wrote",
            )),
            Ok(_) if exists(old) => Err(io::Error::other(
                "it was created by another program while stowage was writing",
            )),
            Ok(_) => {
                hook(Step::Displace(path))?;
                fs::rename(target, old)?;
                Ok(true)
            }
        }
    }

    /// Undo every operation, last first, after a failure. Marked first, so that an interrupted
    /// undo is resumed as one. Every operation is tried; the first error is returned.
    pub fn undo(&self, ops: &[Op], hook: &mut Hook) -> io::Result<()> {
        fs::File::create(self.dir.join(UNDO))?.sync_all()?;
        let mut first = Ok(());
        for op in ops.iter().rev() {
            if let Err(e) = self.undo_one(op, hook)
                && first.is_ok()
            {
                first = Err(with_path(e, op_path(op)));
            }
        }
        first
    }

    fn undo_one(&self, op: &Op, hook: &mut Hook) -> io::Result<()> {
        hook(Step::Undo(op_path(op)))?;
        match op {
            Op::Mkdir { path } => {
                // Only when empty: a folder someone else filled meanwhile stays.
                let _ = fs::remove_dir(self.out.join(path));
                Ok(())
            }
            Op::Put { id, path, .. } => {
                let (new, old, target) =
                    (self.new_file(*id), self.old_file(*id), self.out.join(path));
                if !exists(&new) && fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
                    fs::rename(&target, &new)?;
                }
                if exists(&old) && !exists(&target) {
                    fs::rename(&old, &target)?;
                }
                Ok(())
            }
            Op::Remove { id, path, .. } => {
                let (old, target) = (self.old_file(*id), self.out.join(path));
                if exists(&old) && !exists(&target) {
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    fs::rename(&old, &target)?;
                }
                Ok(())
            }
        }
    }

    /// The end of a build: the changes made durable, the plan deleted (from here on the
    /// journal is garbage), then the journal with the displaced files.
    pub fn finish(self, hook: &mut Hook) -> io::Result<()> {
        hook(Step::Finish)?;
        sync_output(&self.out)?;
        match fs::remove_file(self.dir.join(PLAN)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        fs::remove_dir_all(&self.dir)
    }

    /// Throw away a journal that was never committed.
    pub fn discard(self) -> io::Result<()> {
        fs::remove_dir_all(&self.dir)
    }
}

fn op_path(op: &Op) -> &str {
    match op {
        Op::Mkdir { path } | Op::Put { path, .. } | Op::Remove { path, .. } => path,
    }
}

fn with_path(e: io::Error, path: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{path}: {e}"))
}

/// Whether `out` holds the journal of a build that was stopped after it started changing the
/// output (`stowage check` reports it; the next build finishes it).
pub fn unfinished(out: &Path) -> bool {
    Journal::at(out).dir.join(PLAN).exists()
}

/// Finish or throw away the journal a stopped build left in `out` (whose lock is held).
pub fn recover(out: &Path, hook: &mut Hook) -> io::Result<Recovery> {
    let j = Journal::at(out);
    if !exists(&j.dir) {
        return Ok(Recovery::Nothing);
    }
    let plan = match fs::read_to_string(j.dir.join(PLAN)) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            j.discard()?;
            return Ok(Recovery::Discarded);
        }
        Err(e) => return Err(e),
    };
    // The journal is on disk, where anyone could have written it: its paths must be ones a
    // build writes, and files are replaced only when they are what it recorded.
    let damaged = |why: String| {
        io::Error::other(format!(
            "{} is damaged ({why}); move it away to continue",
            j.dir.display()
        ))
    };
    let ops: Vec<Op> = plan
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| damaged(e.to_string()))?;
    for op in &ops {
        let ok = match op {
            Op::Mkdir { path } => super::paths::is_plain(path),
            Op::Put { path, .. } | Op::Remove { path, .. } => super::paths::is_generated_path(path),
        };
        if !ok {
            return Err(damaged(format!(
                "`{}` is not a path stowage writes",
                op_path(op)
            )));
        }
    }
    let rolled = if exists(&j.dir.join(UNDO)) {
        j.undo(&ops, hook)?;
        Recovery::RolledBack
    } else if let Err(e) = j.apply_checked(&ops, hook, true) {
        j.undo(&ops, hook).map_err(|u| {
            io::Error::other(format!(
                "cannot finish the stopped build ({e}) nor undo it ({u})"
            ))
        })?;
        Recovery::RolledBack
    } else {
        Recovery::RolledForward
    };
    j.finish(hook)?;
    Ok(rolled)
}

/// Make what was written under `dir` durable: on Linux one `syncfs` of its file system
/// (thousands of files cost one call), elsewhere every file under it.
#[cfg(target_os = "linux")]
fn sync(dir: &Path) -> io::Result<()> {
    let f = fs::File::open(dir)?;
    rustix::fs::syncfs(&f).map_err(io::Error::from)
}

/// Make the renames in the output durable before the plan goes.
#[cfg(target_os = "linux")]
fn sync_output(out: &Path) -> io::Result<()> {
    sync(out)
}

/// Elsewhere the output folder itself is synced (renames into it are ordered after the commit).
#[cfg(not(target_os = "linux"))]
fn sync_output(out: &Path) -> io::Result<()> {
    fs::File::open(out).and_then(|f| f.sync_all()).or(Ok(()))
}

#[cfg(not(target_os = "linux"))]
fn sync(dir: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() {
            fs::File::open(entry.path())?.sync_all()?;
        }
    }
    Ok(())
}
