//! stowage's KDL parser against the `kdl` crate, the reference: the KDL 2.0 test suite and
//! generated documents must be accepted or refused alike, and read as the same nodes, values and
//! spans.

mod common;

use common::*;
use proptest::prelude::*;

/// Whether stowage's parser refuses `text`.
fn refused(text: &str) -> bool {
    stowage::syntax::limits::check(text).is_err() || stowage::syntax::parse::document(text).is_err()
}

#[test]
fn the_kdl_test_suite_is_read_as_the_kdl_crate_reads_it() {
    let dir = root().join("tests/kdl-suite/input");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 300, "{} files", files.len());
    let mut problems = Vec::new();
    let mut failing = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let should_fail = name.ends_with("_fail.kdl");
        if refused(&text) != should_fail {
            problems.push(format!(
                "{name}: expected {}",
                if should_fail { "an error" } else { "no error" }
            ));
        }
        failing += usize::from(should_fail);
        if let Some(d) = kdl_oracle::disagreement(&text) {
            problems.push(format!("{name}: {d}"));
        }
    }
    assert!(failing > 80, "{failing} failing cases");
    // What the kdl crate is excused for is invalid KDL by the suite's own account.
    for p in &files {
        if kdl_oracle::kdl_crate_gap(&std::fs::read_to_string(p).unwrap()) {
            let name = p.file_name().unwrap().to_string_lossy();
            assert!(name.ends_with("_fail.kdl"), "{name} excused but valid");
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Pieces of KDL, valid and not, that generated documents are made of.
const PIECES: &[&str] = &[
    "node",
    "n2",
    "-",
    "+x",
    ".x",
    "a.b",
    "é",
    "1",
    "-2",
    "+3",
    "1.5",
    "1e3",
    "1.5E-2",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1.",
    ".5",
    "1x",
    "0x",
    "1,",
    "#true",
    "#false",
    "#null",
    "#inf",
    "#-inf",
    "#nan",
    "#yes",
    "true",
    "null",
    "\"s\"",
    "\"a b\"",
    "\"\\n\\t\\\"\\\\\"",
    "\"\\u{1F600}\"",
    "\"\\u{}\"",
    "\"\\q\"",
    "\"\\   x\"",
    "\"\"",
    "#\"r\\n\"#",
    "##\"a\"#b\"##",
    "#\"\"\"#",
    "\"\"\"\n  m\n  \"\"\"",
    "\"\"\"\n  a\n b\n  \"\"\"",
    "#\"\"\"\nraw\n\"\"\"#",
    "\"\"\"x\"\"\"",
    "(t)",
    "(\"t\")",
    "( t )",
    "(1)",
    "()",
    "=",
    " = ",
    "{",
    "}",
    "{ }",
    ";",
    "/-",
    "/- ",
    "//c\n",
    "/* c */",
    "/* /* n */ */",
    "/*",
    "\\\n",
    "\\ // c\n",
    "\\",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\u{a0}",
    "\u{2028}",
    "[",
    "/",
    "\"open",
    "#",
    "##",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            // A well-formed node now and then, so that documents get past their first line.
            1 => (0..3usize, 0..3usize).prop_map(|(a, p)| {
                let args = " \"v\" 1".repeat(a);
                let props = " k=\"v\"".repeat(p);
                format!("n{args}{props}\n")
            }),
        ],
        0..24,
    )
    .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4000,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5d0c),
        ..ProptestConfig::default()
    })]

    /// Random sequences of KDL pieces: accepted or refused alike, read alike.
    #[test]
    fn generated_documents_are_read_as_the_kdl_crate_reads_them(text in document()) {
        if let Some(d) = kdl_oracle::disagreement(&text) {
            prop_assert!(false, "{text:?}: {d}");
        }
    }
}

#[test]
fn every_example_and_bad_spec_is_read_as_the_kdl_crate_reads_it() {
    let mut paths: Vec<_> = examples().into_iter().map(|(_, p)| p).collect();
    for dir in ["tests/bad", "tests/bad/include"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|e| e == "kdl") {
                paths.push(p);
            }
        }
    }
    assert!(paths.len() > 100);
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        if text.len() > 1 << 20 {
            continue;
        }
        if let Some(d) = kdl_oracle::disagreement(&text) {
            panic!("{}: {d}", p.display());
        }
    }
}
