//! Replacing one file's contents all at once: the new contents are written beside it, made
//! durable and renamed over it, so that a reader (or a crash) sees the old file or the new one,
//! never a part of either. The spec (`stowage fmt`), the journal's plan and the state folder's
//! `.gitignore` are written this way.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Replace (or create) `path` with `bytes`. An existing file keeps its permissions; a symbolic
/// link is written through, to its target.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = match fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(e),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.stowage-tmp"));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(m) = fs::metadata(&target) {
            fs::set_permissions(&tmp, m.permissions())?;
        }
        fs::rename(&tmp, &target)?;
        fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::replace;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn replaces_through_links_keeping_permissions_and_leaves_nothing_beside() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("spec.kdl");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = tmp.path().join("link.kdl");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        replace(&link, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        replace(&tmp.path().join("fresh"), b"x").unwrap();
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["fresh", "link.kdl", "spec.kdl"]);
    }
}
