//! One build at a time per output folder.
//!
//! A build holds an exclusive advisory lock on `OUT/.stowage/lock` from before it reads the
//! manifest until its last file is in place; `stowage check` holds a shared one while it reads.
//! The lock belongs to the open file, so the operating system releases it when the process
//! ends, however it ends: a killed build never leaves a stale lock behind.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// stowage's own folder inside the output folder: the lock and the journal of an unfinished
/// build. It ignores itself in git (its `.gitignore` says `*`); kustomize and Helm never look
/// at it.
pub const STATE_DIR: &str = ".stowage";

const LOCK: &str = "lock";
const GITIGNORE: &str = "# stowage's lock and build journal; never committed\n*\n";

/// The state folder of `out`.
pub fn state_dir(out: &Path) -> PathBuf {
    out.join(STATE_DIR)
}

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct OutLock {
    _file: File,
}

/// Create the state folder (and its `.gitignore`) if it is missing.
pub fn ensure_state_dir(out: &Path) -> io::Result<PathBuf> {
    let dir = state_dir(out);
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::other(format!(
                "{} is not a folder (stowage keeps its lock and journal there)",
                dir.display()
            )));
        }
        Err(_) => fs::create_dir(&dir)?,
    }
    // Written aside and renamed, so that an interrupted build never leaves a half-written
    // `.gitignore` that would let git see the journal.
    let ignore = dir.join(".gitignore");
    if fs::read(&ignore).ok().as_deref() != Some(GITIGNORE.as_bytes()) {
        super::replace::replace(&ignore, GITIGNORE.as_bytes())?;
    }
    Ok(dir)
}

/// Take the exclusive lock of `out` (whose state folder exists). When another process holds
/// it, `on_wait` is told, once, and this waits until it is released.
pub fn exclusive(out: &Path, on_wait: &dyn Fn(&str)) -> io::Result<OutLock> {
    let path = state_dir(out).join(LOCK);
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(io::Error::other(format!(
            "{} is not a plain file (stowage locks it)",
            path.display()
        )));
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            on_wait(&waiting(out));
            file.lock()?;
        }
        Err(TryLockError::Error(e)) => return Err(e),
    }
    Ok(OutLock { _file: file })
}

/// Take a shared lock for reading `out`: waits while a build writes there. `None` when no build
/// ever wrote there (there is nothing to wait for, and reading must not create files).
pub fn shared(out: &Path, on_wait: &dyn Fn(&str)) -> io::Result<Option<OutLock>> {
    let path = state_dir(out).join(LOCK);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            on_wait(&waiting(out));
            file.lock_shared()?;
        }
        Err(TryLockError::Error(e)) => return Err(e),
    }
    Ok(Some(OutLock { _file: file }))
}

/// What a build that has to wait is told. (The lock file stays empty: two builds leave the
/// same bytes behind.)
fn waiting(out: &Path) -> String {
    format!(
        "another stowage build is writing to {}: waiting for it to finish",
        out.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_second_lock_waits_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        ensure_state_dir(dir.path()).unwrap();
        let first = exclusive(dir.path(), &|_| panic!("nothing to wait for")).unwrap();
        let (tx, rx) = mpsc::channel();
        let out = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let told = std::sync::Mutex::new(String::new());
            let lock = exclusive(&out, &|m| *told.lock().unwrap() = m.to_string()).unwrap();
            tx.send(told.into_inner().unwrap()).unwrap();
            drop(lock);
        });
        // The second holder is still waiting.
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
        drop(first);
        let told = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        waiter.join().unwrap();
        assert!(told.contains("waiting for it to finish"), "{told}");
    }

    #[test]
    fn a_reader_without_a_state_folder_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(shared(dir.path(), &|_| {}).unwrap().is_none());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
