//! What a build does to the disk: all of it or none of it, whenever it is stopped; only files
//! stowage wrote are replaced or removed; one build at a time; any form of `-o`.
//!
//! The old tree and the new tree are built from two versions of a spec that between them
//! change files, add files in new folders and remove a whole environment's overlay.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stowage::emit::FileSet;
use stowage::output::journal::Step;
use stowage::output::{self, Options};

const OLD: &str = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    replicas 2
}
worker "mailer" {
    image "mailer" tag="1.0.0"
}
environment "dev" {
    policy "dev"
    service "web" { replicas 1; }
}
environment "staging" {
    policy "dev"
}
environment "production" {
    policy "dev"
    service "web" { image tag="1.0.1"; }
}
"#;

/// New tags (changed files), a new service and environment (new files and folders), `staging`
/// gone (its overlay removed).
const NEW: &str = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="2.0.0"
    port "http" 8080
    replicas 3
}
worker "mailer" {
    image "mailer" tag="1.0.0"
}
service "api" {
    image "api" tag="1.0.0"
    port "http" 8080
}
environment "dev" {
    policy "dev"
    service "web" { replicas 1; }
}
environment "preview" {
    policy "dev"
}
environment "production" {
    policy "dev"
    service "web" { image tag="2.0.1"; }
}
"#;

/// The files a build of `spec` writes into `dir` (the spec is `dir/stowage.kdl`).
fn files_for(dir: &Path, spec: &str) -> FileSet {
    let source = stowage::compile::Source {
        path: dir.join("stowage.kdl"),
        text: spec.to_string(),
    };
    let checked = stowage::compile::check(&source);
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    let g = stowage::compile::generate(&source, checked, dir).unwrap();
    output::with_manifest(g.files, &stowage::emit::header(&g.ir.spec_file))
}

type Tree = BTreeMap<String, Vec<u8>>;

/// Every file under `dir` but stowage's state folder and the spec.
fn tree(dir: &Path) -> Tree {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".stowage")
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, fs::read(e.path()).unwrap_or_default())
        })
        .filter(|(rel, _)| rel != "stowage.kdl")
        .collect()
}

/// Every folder under `dir` but stowage's state folder.
fn folders(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".stowage")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

fn which(t: &Tree, old: &Tree, new: &Tree) -> &'static str {
    if t == old {
        "old"
    } else if t == new {
        "new"
    } else {
        "mixed"
    }
}

/// What differs between two trees, for failure messages.
fn delta(a: &Tree, b: &Tree) -> String {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("- {k}")),
            Some(w) if w != v => out.push(format!("~ {k}")),
            _ => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        out.push(format!("+ {k}"));
    }
    out.join("\n")
}

struct Fixture {
    _dir: tempfile::TempDir,
    out: PathBuf,
    old: FileSet,
    new: FileSet,
    old_tree: Tree,
    new_tree: Tree,
    old_folders: Vec<String>,
    new_folders: Vec<String>,
}

/// A folder holding the old build, and the expected trees.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    fs::write(out.join("stowage.kdl"), NEW).unwrap();
    fs::write(out.join("README.md"), "mine").unwrap();
    let old = files_for(&out, OLD);
    let new = files_for(&out, NEW);
    // The expected trees, built in scratch folders.
    let scratch = tempfile::tempdir().unwrap();
    let (a, b) = (scratch.path().join("a"), scratch.path().join("b"));
    for d in [&a, &b] {
        fs::create_dir(d).unwrap();
        fs::write(d.join("README.md"), "mine").unwrap();
    }
    output::write(&a, &old, &Options::default()).unwrap();
    output::write(&b, &old, &Options::default()).unwrap();
    output::write(&b, &new, &Options::default()).unwrap();
    let (old_tree, new_tree) = (tree(&a), tree(&b));
    assert!(old_tree.keys().any(|k| k.contains("overlays/staging")));
    assert!(!new_tree.keys().any(|k| k.contains("overlays/staging")));
    assert!(new_tree.keys().any(|k| k.contains("overlays/preview")));
    let (old_folders, new_folders) = (folders(&a), folders(&b));
    output::write(&out, &old, &Options::default()).unwrap();
    assert_eq!(tree(&out), old_tree);
    Fixture {
        _dir: dir,
        out,
        old,
        new,
        old_tree,
        new_tree,
        old_folders,
        new_folders,
    }
}

impl Fixture {
    /// Assert the folder is exactly the old or the new tree; returns which.
    fn old_or_new(&self, context: &str) -> &'static str {
        let t = tree(&self.out);
        let w = which(&t, &self.old_tree, &self.new_tree);
        assert_ne!(
            w,
            "mixed",
            "{context}: neither the old nor the new tree:\nagainst old:\n{}\nagainst new:\n{}",
            delta(&self.old_tree, &t),
            delta(&self.new_tree, &t)
        );
        let f = folders(&self.out);
        let expected = if w == "old" {
            &self.old_folders
        } else {
            &self.new_folders
        };
        assert_eq!(&f, expected, "{context}: folders of the {w} tree");
        w
    }

    /// After any interruption: the next plain build of either version succeeds without
    /// `--force` and gives exactly that version's tree.
    fn next_builds_recover(&self, context: &str) {
        output::write(&self.out, &self.new, &Options::default())
            .unwrap_or_else(|e| panic!("{context}: the next build failed: {e}"));
        assert_eq!(tree(&self.out), self.new_tree, "{context}");
        output::write(&self.out, &self.old, &Options::default())
            .unwrap_or_else(|e| panic!("{context}: building the old spec failed: {e}"));
        assert_eq!(tree(&self.out), self.old_tree, "{context}");
        let journal = self.out.join(".stowage/txn");
        assert!(!journal.exists(), "{context}: journal left behind");
    }
}

/// How many hook calls writing the new tree over the old one makes.
fn step_count() -> usize {
    let f = fixture();
    let mut steps = Vec::new();
    output::write_with(&f.out, &f.new, &Options::default(), &mut |s| {
        steps.push(format!("{s:?}"));
        Ok(())
    })
    .unwrap();
    for kind in ["Stage", "Commit", "Mkdir", "Displace", "Place", "Finish"] {
        assert!(
            steps.iter().any(|s| s.starts_with(kind)),
            "no {kind} step in {steps:?}"
        );
    }
    steps.len()
}

#[test]
fn a_build_killed_at_any_step_leaves_the_old_or_the_new_tree() {
    let total = step_count();
    let mut seen = BTreeMap::new();
    for k in 0..total {
        let f = fixture();
        let mut n = 0;
        let killed = catch_unwind(AssertUnwindSafe(|| {
            output::write_with(&f.out, &f.new, &Options::default(), &mut |_| {
                n += 1;
                if n > k {
                    panic!("killed");
                }
                Ok(())
            })
        }));
        assert!(killed.is_err(), "step {k} of {total}: not killed");
        // Whatever the killed build left, nothing outside stowage's folder is temporary.
        for path in tree(&f.out).keys() {
            assert!(
                f.old_tree.contains_key(path) || f.new_tree.contains_key(path),
                "step {k}: stray file {path}"
            );
        }
        output::recover(&f.out).unwrap();
        let w = f.old_or_new(&format!("killed at step {k} of {total}"));
        *seen.entry(w).or_insert(0) += 1;
        f.next_builds_recover(&format!("killed at step {k}"));
    }
    // Kills before the commit point leave the old tree, kills after it the new one.
    assert!(seen.get("old").is_some_and(|n| *n > 0), "{seen:?}");
    assert!(seen.get("new").is_some_and(|n| *n > 0), "{seen:?}");
}

#[test]
fn a_failure_at_any_step_changes_nothing() {
    let total = step_count();
    for k in 0..total {
        let f = fixture();
        let mut n = 0;
        let mut failed_at = None;
        let result = output::write_with(&f.out, &f.new, &Options::default(), &mut |s| {
            n += 1;
            if n == k + 1 {
                failed_at = Some(format!("{s:?}"));
                let kind = [
                    std::io::ErrorKind::StorageFull,
                    std::io::ErrorKind::PermissionDenied,
                    std::io::ErrorKind::Other,
                ][k % 3];
                return Err(std::io::Error::new(kind, "injected"));
            }
            Ok(())
        });
        let failed_at = failed_at.unwrap();
        let context = format!("failure at step {k} ({failed_at})");
        if failed_at.starts_with("Rmdir") {
            // Removing a folder a removed file left empty is best effort: the folder stays.
            result.unwrap_or_else(|e| panic!("{context}: {e}"));
            assert_eq!(tree(&f.out), f.new_tree, "{context}");
            f.next_builds_recover(&context);
            continue;
        }
        let err = result
            .expect_err("the injected failure is reported")
            .to_string();
        assert!(err.contains("injected"), "{err}");
        if failed_at == "Finish" {
            // Everything was in place already.
            assert_eq!(f.old_or_new(&context), "new", "{err}");
        } else {
            assert_eq!(f.old_or_new(&context), "old", "{err}");
            assert!(err.contains("nothing was changed"), "{context}: {err}");
        }
        f.next_builds_recover(&context);
    }
}

#[test]
fn a_failure_while_undoing_a_failure_is_finished_by_the_next_build() {
    let f0 = fixture();
    let mut steps = Vec::new();
    output::write_with(&f0.out, &f0.new, &Options::default(), &mut |s| {
        steps.push(format!("{s:?}"));
        Ok(())
    })
    .unwrap();
    let last_place = steps.iter().rposition(|s| s.starts_with("Place")).unwrap();
    for undo_failure in 0..4 {
        let f = fixture();
        let (mut n, mut undos) = (0, 0);
        let result = output::write_with(&f.out, &f.new, &Options::default(), &mut |s| {
            n += 1;
            if n == last_place + 1 {
                return Err(std::io::Error::other("injected"));
            }
            if matches!(s, Step::Undo(_)) {
                undos += 1;
                if undos == undo_failure + 1 {
                    return Err(std::io::Error::other("undo injected"));
                }
            }
            Ok(())
        });
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("the next build will finish undoing it"),
            "{err}"
        );
        assert!(stowage::output::journal::unfinished(&f.out));
        // `check` says so.
        let o = run(stowage()
            .args(["check", "-o"])
            .arg(&f.out)
            .arg("-f")
            .arg(f.out.join("stowage.kdl")));
        assert_eq!(o.status.code(), Some(1));
        assert!(
            text(&o.stdout).contains("unfinished"),
            "{}",
            text(&o.stdout)
        );
        assert_eq!(
            output::recover(&f.out).unwrap(),
            output::journal::Recovery::RolledBack
        );
        assert_eq!(f.old_or_new("after an interrupted undo"), "old");
        f.next_builds_recover("after an interrupted undo");
    }
}

#[test]
fn a_folder_in_the_way_changes_nothing() {
    let f = fixture();
    // A folder where the new build writes a file that the old one did not have.
    let blocker = f.out.join("deploy/kustomize/base/api.yaml");
    assert!(f.new.contains_key("deploy/kustomize/base/api.yaml"));
    fs::create_dir_all(blocker.join("inside")).unwrap();
    fs::write(blocker.join("inside/keep.txt"), "keep").unwrap();
    let spec = f.out.join("stowage.kdl");
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("is a folder where stowage writes a file"),
        "{}",
        text(&o.stderr)
    );
    let mut t = tree(&f.out);
    assert_eq!(
        t.remove("deploy/kustomize/base/api.yaml/inside/keep.txt"),
        Some(b"keep".to_vec())
    );
    assert_eq!(t, f.old_tree);
    fs::remove_dir_all(&blocker).unwrap();
    // A file where a folder is needed.
    let preview = f.out.join("deploy/kustomize/overlays/preview");
    fs::write(&preview, "mine").unwrap();
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("is a file where stowage needs a folder"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(fs::read_to_string(&preview).unwrap(), "mine");
    fs::remove_file(&preview).unwrap();
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(tree(&f.out), f.new_tree);
}

/// A real write failure midway: the file size limit (`ulimit -f`) makes writing a staged file
/// fail, as a full disk would.
#[test]
fn a_write_that_fails_for_lack_of_space_changes_nothing() {
    let f = fixture();
    let spec = f.out.join("stowage.kdl");
    let biggest = f.new.values().map(String::len).max().unwrap();
    // KiB: smaller than the biggest file, larger than most.
    let limit = (biggest / 1024).max(1);
    let o = run(std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {limit}; exec \"$0\" build -f \"$1\""
        ))
        .arg(env!("CARGO_BIN_EXE_stowage"))
        .arg(&spec)
        .env("NO_COLOR", "1"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("nothing was changed"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(tree(&f.out), f.old_tree);
    assert!(!f.out.join(".stowage/txn").exists());
    f.next_builds_recover("after a failed write");
}

/// Lines a bad merge or a hostile pull request could add to the manifest: none of the files
/// they name is removed, whatever digest they give.
#[test]
fn a_hostile_manifest_never_removes_what_stowage_did_not_write() {
    let f = fixture();
    let root = f.out.parent().unwrap();
    let outside = root.join(format!(
        "outside-{}",
        f.out.file_name().unwrap().to_string_lossy()
    ));
    fs::write(&outside, "outside").unwrap();
    fs::create_dir_all(f.out.join(".git")).unwrap();
    fs::write(f.out.join(".git/config"), "[core]").unwrap();
    fs::create_dir_all(f.out.join("deploy/kustomize/base/.git")).unwrap();
    fs::write(f.out.join("deploy/kustomize/base/.git/HEAD"), "ref").unwrap();
    fs::write(f.out.join("deploy/kustomize/mine.yaml"), "mine").unwrap();
    fs::write(f.out.join("deploy/kustomize/edited.yaml"), "edited").unwrap();
    std::os::unix::fs::symlink(&outside, f.out.join("deploy/kustomize/link.yaml")).unwrap();
    fs::create_dir_all(f.out.join("deploy/trivy/folder.rego")).unwrap();
    let spec_text = fs::read(f.out.join("stowage.kdl")).unwrap();
    let d = |b: &[u8]| stowage::output::digest(b);
    let mut manifest = fs::read_to_string(f.out.join(".stowage-manifest")).unwrap();
    for line in [
        "README.md".to_string(),
        "stowage.kdl".to_string(),
        ".git/config".to_string(),
        format!("{}  README.md", d(b"mine")),
        format!("{}  stowage.kdl", d(&spec_text)),
        format!("{}  .git/config", d(b"[core]")),
        format!("{}  deploy/kustomize/base/.git/HEAD", d(b"ref")),
        format!("{}  deploy/kustomize/../../stowage.kdl", d(&spec_text)),
        format!("{}  ./README.md", d(b"mine")),
        format!("{}  {}", d(b"outside"), outside.display()),
        format!(
            "{}  ../{}",
            d(b"outside"),
            outside.file_name().unwrap().to_string_lossy()
        ),
        "deploy/kustomize/mine.yaml".to_string(),
        format!("{}  deploy/kustomize/edited.yaml", d(b"not what is there")),
        format!("{}  deploy/kustomize/link.yaml", d(b"outside")),
        format!("{}  deploy/trivy/folder.rego", d(b"")),
        format!("{}  .stowage/lock", d(b"")),
    ] {
        manifest.push_str(&line);
        manifest.push('\n');
    }
    fs::write(f.out.join(".stowage-manifest"), manifest).unwrap();
    let before = tree(&f.out);
    let o = run(stowage()
        .arg("build")
        .arg("-f")
        .arg(f.out.join("stowage.kdl")));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("kept "), "{}", text(&o.stderr));
    let after = tree(&f.out);
    for (path, contents) in &before {
        if f.old_tree.contains_key(path) {
            continue;
        }
        assert_eq!(after.get(path), Some(contents), "{path} was touched");
    }
    assert_eq!(fs::read(f.out.join("stowage.kdl")).unwrap(), spec_text);
    assert_eq!(fs::read_to_string(&outside).unwrap(), "outside");
    assert!(f.out.join("deploy/trivy/folder.rego").is_dir());
    assert!(f.out.join(".stowage/lock").exists());
    // The next manifest lists only what this build wrote.
    let manifest = fs::read_to_string(f.out.join(".stowage-manifest")).unwrap();
    assert!(
        !manifest.contains("README.md") && !manifest.contains(".git"),
        "{manifest}"
    );
}

#[test]
fn the_spec_and_the_files_it_reads_are_never_overwritten_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    // A config file read from where the build writes a generated file.
    let spec = format!(
        "{OLD}\nconfig \"values\" {{\n    file \"web.yaml\" path=\"deploy/kustomize/base/web.yaml\"\n}}\n"
    );
    fs::create_dir_all(out.join("deploy/kustomize/base")).unwrap();
    fs::write(
        out.join("deploy/kustomize/base/web.yaml"),
        "precious: true\n",
    )
    .unwrap();
    fs::write(out.join("stowage.kdl"), &spec).unwrap();
    let o = run(stowage()
        .args(["build", "--force", "-f"])
        .arg(out.join("stowage.kdl")));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("it is the spec or a file the spec reads"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(out.join("deploy/kustomize/base/web.yaml")).unwrap(),
        "precious: true\n"
    );
    // A spec that is itself a generated path.
    fs::remove_dir_all(out.join("deploy")).unwrap();
    fs::write(out.join(".gitlab-ci.yml"), OLD).unwrap();
    let with_pipeline = format!("{OLD}\npipeline {{\n    platforms \"gitlab\"\n}}\n");
    fs::write(out.join(".gitlab-ci.yml"), &with_pipeline).unwrap();
    let o = run(stowage()
        .args(["build", "--force", "-f"])
        .arg(out.join(".gitlab-ci.yml")));
    let stderr = text(&o.stderr);
    if o.status.code() == Some(1) {
        panic!("the spec did not compile: {stderr}");
    }
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(
        fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap(),
        with_pipeline
    );
}

#[test]
fn a_second_build_waits_for_the_first() {
    let f = fixture();
    let lock = {
        stowage::output::lock::ensure_state_dir(&f.out).unwrap();
        stowage::output::lock::exclusive(&f.out, &|_| {}).unwrap()
    };
    let mut child = stowage()
        .arg("build")
        .arg("-f")
        .arg(f.out.join("stowage.kdl"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the second build did not wait"
    );
    assert_eq!(tree(&f.out), f.old_tree, "the waiting build wrote");
    drop(lock);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("is writing to")
            && text(&o.stderr).contains("waiting for it to finish"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(tree(&f.out), f.new_tree);
}

#[test]
fn every_form_of_the_output_folder_works() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    fs::write(cwd.join("stowage.kdl"), OLD).unwrap();
    fs::create_dir(cwd.join("real")).unwrap();
    std::os::unix::fs::symlink(cwd.join("real"), cwd.join("link")).unwrap();
    let absolute = cwd.join("abs/out").display().to_string();
    for out in [
        "gen",
        "a/b/c",
        "./dot",
        ".",
        absolute.as_str(),
        "link",
        "link/deeper",
    ] {
        let o = run(stowage()
            .args(["build", "-f", "stowage.kdl", "-o", out])
            .current_dir(cwd));
        assert!(o.status.success(), "-o {out}: {}", text(&o.stderr));
        let o = run(stowage()
            .args(["check", "-f", "stowage.kdl", "-o", out])
            .current_dir(cwd));
        assert!(
            o.status.success(),
            "-o {out}: check: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        let target = if Path::new(out).is_absolute() {
            PathBuf::from(out)
        } else {
            cwd.join(out)
        };
        assert!(
            target
                .join("deploy/kustomize/base/kustomization.yaml")
                .is_file(),
            "-o {out}"
        );
    }
    assert!(
        cwd.join("real/deploy/kustomize/base/kustomization.yaml")
            .is_file()
    );
    assert!(cwd.join("real/deeper/.stowage-manifest").is_file());
}

/// Real processes killed with SIGKILL at random instants while writing a few hundred
/// services' output. `STOWAGE_KILLS` sets how many (default 10) and `STOWAGE_KILL_SERVICES`
/// the spec's size (default 100); `scripts/kill-loop.sh` runs a longer loop on a release build.
/// A kill between the commit point and the end leaves a mixed tree and the journal: the next
/// build (here [`output::recover`]) finishes it.
#[test]
fn killing_a_build_at_random_instants_leaves_the_old_or_the_new_tree() {
    let kills: usize = std::env::var("STOWAGE_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let services: usize = std::env::var("STOWAGE_KILL_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let generated = run(std::process::Command::new("python3")
        .arg(root().join("bench/gen.py"))
        .arg(services.to_string())
        .arg(dir.path()));
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let old_spec = fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    // The new version: other tags everywhere, the staging environment gone, a new one.
    let new_spec = old_spec
        .replace("environment \"staging\"", "environment \"preview\"")
        .replace("deploy \"staging\"", "deploy \"preview\"")
        .replace("after=\"staging\"", "after=\"preview\"")
        .replace("tag=\"1.", "tag=\"9.");
    assert_ne!(new_spec, old_spec);
    let out = dir.path().join("out");
    let build = |spec: &str| {
        fs::write(dir.path().join("stowage.kdl"), spec).unwrap();
        let o = run(stowage()
            .args(["build", "-f"])
            .arg(dir.path().join("stowage.kdl"))
            .arg("-o")
            .arg(&out));
        assert!(o.status.success(), "{}", text(&o.stderr));
    };
    build(&new_spec);
    let new_tree = tree(&out);
    build(&old_spec);
    let old_tree = tree(&out);
    // What share of a build is writing, from the phase timings.
    fs::write(dir.path().join("stowage.kdl"), &new_spec).unwrap();
    let start = Instant::now();
    let o = run(stowage()
        .env("STOWAGE_TIMINGS", "1")
        .args(["build", "-f"])
        .arg(dir.path().join("stowage.kdl"))
        .arg("-o")
        .arg(&out));
    let total = start.elapsed();
    assert!(o.status.success());
    let write_ms: u64 = text(&o.stderr)
        .lines()
        .find_map(|l| {
            l.strip_prefix("stowage: write ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .expect("a write timing");
    let share = (write_ms as f64 / total.as_millis().max(1) as f64).clamp(0.05, 1.0);
    // How long a whole build takes in each direction, updated by every build that is not
    // killed (the machine's speed changes as files pile up).
    let mut full = [total, total];
    let start = Instant::now();
    build(&old_spec);
    full[1] = start.elapsed();
    let mut seed: u64 = std::env::var("STOWAGE_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    eprintln!(
        "seed {seed}: a build takes {total:?}, {:.0}% of it writing",
        share * 100.0
    );
    let mut seen = BTreeMap::new();
    for i in 0..kills {
        // Alternate the direction: old -> new, then new -> old.
        let (from, to, to_spec) = if i % 2 == 0 {
            (&old_tree, &new_tree, &new_spec)
        } else {
            (&new_tree, &old_tree, &old_spec)
        };
        assert_eq!(
            &tree(&out),
            from,
            "kill {i}: not starting from the expected tree"
        );
        fs::write(dir.path().join("stowage.kdl"), to_spec).unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // An instant in the last 1.5 writes of the build, or up to half a write after it.
        let d = i % 2;
        let write = full[d].mul_f64(share);
        let at = full[d].saturating_sub(write.mul_f64(1.5))
            + write.mul_f64(2.0 * (seed >> 11) as f64 / (1u64 << 53) as f64);
        let mut child = stowage()
            .args(["build", "-f"])
            .arg(dir.path().join("stowage.kdl"))
            .arg("-o")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let t = tree(&out);
        let state = if t == *from {
            "before"
        } else if t == *to {
            "after"
        } else {
            // Stopped while moving files into place: the journal finishes the build.
            assert!(
                stowage::output::journal::unfinished(&out),
                "kill {i} at {at:?}: a mixed tree without a journal"
            );
            output::recover(&out).unwrap();
            assert_eq!(
                &tree(&out),
                to,
                "kill {i} at {at:?}: recovery did not finish the build"
            );
            "finished by recovery"
        };
        *seen.entry(state).or_insert(0) += 1;
        // Whatever happened, the next plain build succeeds without --force.
        let start = Instant::now();
        let o = run(stowage()
            .args(["build", "-f"])
            .arg(dir.path().join("stowage.kdl"))
            .arg("-o")
            .arg(&out));
        if state == "before" {
            full[d] = start.elapsed();
        }
        assert!(
            o.status.success(),
            "kill {i} at {at:?} ({status}): the next build failed: {}",
            text(&o.stderr)
        );
        assert_eq!(&tree(&out), to, "kill {i}: the next build");
    }
    eprintln!("{kills} kills: {seen:?}");
}

/// A journal nobody can vouch for (committed by a hostile pull request, left by another tool):
/// the next build neither follows paths outside the generated folders nor replaces a file that
/// is not what the journal recorded.
#[test]
fn a_planted_journal_touches_nothing_it_did_not_record() {
    let f = fixture();
    let txn = f.out.join(".stowage/txn");
    let plant = |plan: &str| {
        let _ = fs::remove_dir_all(&txn);
        fs::create_dir_all(txn.join("new")).unwrap();
        fs::create_dir_all(txn.join("old")).unwrap();
        fs::write(txn.join("new/0"), "planted").unwrap();
        fs::write(txn.join("plan"), plan).unwrap();
    };
    // A path outside the output folders: refused as a whole.
    plant(&format!(
        "{}\n",
        serde_json::json!({"op": "remove", "id": 1, "path": "README.md", "digest": stowage::output::digest(b"mine")})
    ));
    let err = output::write(&f.out, &f.new, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(fs::read_to_string(f.out.join("README.md")).unwrap(), "mine");
    assert_eq!(tree(&f.out), f.old_tree);
    // A generated path whose file is not the one recorded: undone, nothing replaced.
    let web = "deploy/kustomize/base/web.yaml";
    plant(&format!(
        "{}\n{}\n",
        serde_json::json!({"op": "put", "id": 0, "path": web, "replaces": stowage::output::digest(b"something else")}),
        serde_json::json!({"op": "remove", "id": 1, "path": "deploy/kustomize/base/mailer.yaml", "digest": stowage::output::digest(b"nor this")}),
    ));
    assert_eq!(
        output::recover(&f.out).unwrap(),
        output::journal::Recovery::RolledBack
    );
    assert_eq!(tree(&f.out), f.old_tree, "a planted journal changed files");
    f.next_builds_recover("after a planted journal");
}

/// A file the spec includes is read like the spec: a manifest that lists it among the generated
/// files (with its digest, as if stowage had written it) does not make a build remove it.
#[test]
fn an_included_file_is_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let part = "worker \"mailer\" {\n    image \"mailer\" tag=\"2.0.1\"\n}\n";
    fs::create_dir_all(out.join("deploy")).unwrap();
    fs::write(out.join("deploy/parts.kdl"), part).unwrap();
    fs::write(
        out.join("stowage.kdl"),
        "app \"shop\" {\n    namespace \"shop\"\n}\n\ninclude \"deploy/parts.kdl\"\n\nenvironment \"dev\" {\n    policy \"dev\"\n}\n",
    )
    .unwrap();
    let build = || {
        let o = run(stowage().args(["build", "-f"]).arg(out.join("stowage.kdl")));
        assert!(o.status.success(), "{}", text(&o.stderr));
    };
    build();
    assert!(out.join("deploy/kustomize/base/mailer.yaml").exists());
    let mut manifest = fs::read_to_string(out.join(".stowage-manifest")).unwrap();
    manifest.push_str(&format!(
        "{}  deploy/parts.kdl\n",
        stowage::output::digest(part.as_bytes())
    ));
    fs::write(out.join(".stowage-manifest"), manifest).unwrap();
    build();
    assert_eq!(
        fs::read_to_string(out.join("deploy/parts.kdl")).unwrap(),
        part
    );
}
