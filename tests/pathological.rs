//! Pathological input: every case ends with a diagnostic, not a crash, a hang or a runaway
//! allocation. The binary runs under an address-space limit (`prlimit`, when installed) and a
//! watchdog that kills it if it does not finish: neither is a timing measurement, only a bound
//! that turns a hang or a memory blow-up into a failure.

mod common;

use common::{root, text};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Address space the binary may use (debug build; the limits apply before parsing).
const MEMORY_LIMIT: u64 = 1 << 30;
/// Far beyond what any case below needs: only a hang reaches it.
const WATCHDOG: Duration = Duration::from_secs(120);

/// `stowage validate -f SPEC` (plus `extra`), bounded in memory and time.
fn validate(spec: &Path, extra: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_stowage");
    let mut cmd = if Path::new("/usr/bin/prlimit").is_file() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg(format!("--as={MEMORY_LIMIT}")).arg("--").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.env("NO_COLOR", "1")
        .args(extra)
        .arg("validate")
        .arg("-f")
        .arg(spec)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("stowage starts");
    let pid = child.id();
    // Read the output on another thread (a full pipe would block the child) and wait for it
    // here, at most WATCHDOG.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().expect("output")));
    match rx.recv_timeout(WATCHDOG) {
        Ok(out) => out,
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("stowage validate -f {} did not finish", spec.display());
        }
    }
}

/// The run failed cleanly (exit 1 or 2, no panic, no signal) and its stderr contains `needle`.
fn refused(out: &Output, needle: &str) -> String {
    let err = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "expected a clean failure, got {:?}; stderr:\n{err}",
        out.status
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in:\n{err}");
    err
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const APP: &str =
    "app \"big\" {\n    namespace \"big\"\n    registry \"registry.example.com\"\n}\n";

#[test]
fn a_50_mb_spec_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("stowage.kdl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(APP.as_bytes()).unwrap();
    let node = "worker \"w\" {\n    image \"a\" tag=\"1\"\n}\n";
    for _ in 0..(50 << 20) / node.len() {
        f.write_all(node.as_bytes()).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    assert!(std::fs::metadata(&p).unwrap().len() >= 50 << 20);
    refused(&validate(&p, &[]), "is larger than 4 MiB");
    // An endless file is read no further than the limit either.
    refused(
        &validate(Path::new("/dev/zero"), &[]),
        "is larger than 4 MiB",
    );
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let blocks = format!("{APP}{}{}", "a {\n".repeat(10_000), "}\n".repeat(10_000));
    let p = write(dir.path(), "blocks.kdl", blocks.as_bytes());
    refused(&validate(&p, &[]), "stowage::syntax::too-deep");
    // Nested block comments are read without recursion: a comment ten thousand levels deep
    // is a comment.
    let comments = format!("{APP}{}{}", "/*".repeat(10_000), "*/".repeat(10_000));
    let p = write(dir.path(), "comments.kdl", comments.as_bytes());
    let out = validate(&p, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Slashdashes in a row: one comments out the next, which has nothing after it.
    let slashdashes = format!("{APP}worker \"w\" {}\"x\"\n", "/- ".repeat(10_000));
    let p = write(dir.path(), "slashdashes.kdl", slashdashes.as_bytes());
    refused(
        &validate(&p, &[]),
        "`/-` with nothing after it to comment out",
    );
    // JSON is not KDL: each unexpected bracket is a KDL error, and none may overflow the stack.
    let json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let p = write(dir.path(), "json.kdl", json.as_bytes());
    refused(&validate(&p, &[]), "error");
}

#[test]
fn a_hundred_thousand_services() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from(APP);
    for i in 0..100_000 {
        // One line each, so that a hundred thousand stay under the size limit.
        spec.push_str(&format!("service s{i} {{image s;port p 80}}\n"));
    }
    assert!(spec.len() < 4 << 20, "the spec must pass the size limit");
    let p = write(dir.path(), "stowage.kdl", spec.as_bytes());
    let err = refused(&validate(&p, &[]), "stowage::syntax::too-large");
    assert!(
        err.contains("at most 5000 top-level nodes; this is node 5001"),
        "{err}"
    );
    // The diagnostic points at the first node beyond the limit: `app` is node 1, so service
    // 4999 (counting from 0), on line 5 + 4999.
    assert!(err.contains("stowage.kdl:5004:1"), "{err}");
}

#[test]
fn many_diagnostics_print_in_linear_time_and_human_output_is_capped() {
    // 4,000 workloads without resources or probes: three production warnings each.
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from(APP);
    for i in 0..4_000 {
        spec.push_str(&format!(
            "worker \"w{i}\" {{\n    image \"w\" tag=\"1\"\n}}\n"
        ));
    }
    let p = write(dir.path(), "stowage.kdl", spec.as_bytes());
    let out = validate(&p, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    // Alike findings are shown once per rule, the first places labelled (messages wrap at 100
    // columns, with a `│` on the next line).
    let words = common::words(&err);
    assert_eq!(
        words
            .matches("(and 3999 more like it; the first 12 are labelled")
            .count(),
        3,
        "{err}"
    );
    assert!(err.ends_with("0 errors, 12000 warnings\n"), "{err}");
    // Findings that are not alike (each points at its own first declaration) are capped.
    let mut dupes = String::from(APP);
    for i in 0..60 {
        let w = format!("worker \"d{i}\" {{\n    image \"w\" tag=\"1\"\n}}\n");
        dupes.push_str(&w);
        dupes.push_str(&w);
    }
    let d = write(dir.path(), "dupes.kdl", dupes.as_bytes());
    let dupes_err = text(&validate(&d, &[]).stderr);
    assert!(
        dupes_err.contains("... and 10 more not shown"),
        "{dupes_err}"
    );
    let out = validate(&p, &["--message-format", "json"]);
    let json = text(&out.stdout);
    assert_eq!(json.lines().count(), 12_000);
    let last: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(last["line"], 5 + 3 * 3_999, "{last}");
}

#[test]
fn invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "stowage.kdl",
        b"app \"a\" {\n    namespace \"n\xff\"\n}\n",
    );
    refused(
        &validate(&p, &[]),
        "is not UTF-8 text (invalid byte at offset 26)",
    );
}

#[test]
fn bidi_and_control_characters_in_names() {
    let dir = tempfile::tempdir().unwrap();
    // Literal characters KDL forbids: refused before parsing, shown replaced in the excerpt.
    for (c, name) in [
        ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
        ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
        ('\u{1b}', "U+001B"),
        ('\u{7f}', "U+007F"),
    ] {
        let spec = format!("{APP}service \"api{c}x\" {{\n    image \"a\" tag=\"1\"\n}}\n");
        let p = write(dir.path(), "stowage.kdl", spec.as_bytes());
        let err = refused(&validate(&p, &[]), "stowage::syntax::forbidden-character");
        assert!(err.contains(name), "{name}: {err}");
        assert!(
            !err.contains(c),
            "the excerpt shows the character itself: {err}"
        );
    }
    // The same characters written as escapes are legal KDL, but no Kubernetes name.
    for escape in ["\\u{202E}", "\\u{1b}", "\\t"] {
        let spec = format!("{APP}service \"api{escape}x\" {{\n    image \"a\" tag=\"1\"\n}}\n");
        let p = write(dir.path(), "stowage.kdl", spec.as_bytes());
        let err = refused(&validate(&p, &[]), "stowage::name::");
        assert!(
            err.contains("not a valid name") || err.contains("name"),
            "{err}"
        );
    }
}
