//! `include`: a spec split into several files is the same spec.
//!
//! Differential, against the same spec in one file: generated specs whose top-level nodes are
//! spread over nested included files (paths going down and back up) build to the same bytes;
//! every fixture of `tests/bad/` split the same way gets the same diagnostics, each pointing at
//! the same text, now in the file that holds it.

mod common;
mod generated;

use common::root;
use proptest::prelude::*;
use stowage::compile::{Checked, Source, check_with};
use stowage::syntax::include::normalize;

/// The files a split spec is spread over, each including the next: the spec, then a file down
/// one folder, one down two, and one back at the top.
const PARTS: [&str; 4] = ["stowage.kdl", "parts/a.kdl", "parts/b/b.kdl", "c.kdl"];

/// The spec's top-level nodes, each with the text before it (comments, blank lines).
fn top_level(text: &str) -> Option<Vec<String>> {
    let nodes = stowage::syntax::parse::document(text).ok()?;
    let mut out = Vec::new();
    let mut start = 0;
    for n in &nodes {
        let end = n.span.offset + n.span.len;
        out.push(text[start..end].to_string());
        start = end;
    }
    if let Some(last) = out.last_mut() {
        last.push_str(&text[start..]);
    }
    Some(out)
}

/// The spec split over [`PARTS`]: node `i` goes to the file `pick(i)` says; `app` stays in the
/// spec. Gives each file's path and text.
fn split(text: &str, pick: impl Fn(usize) -> usize) -> Option<Vec<(String, String)>> {
    let nodes = top_level(text)?;
    let mut files: Vec<String> = vec![String::new(); PARTS.len()];
    for (i, n) in nodes.iter().enumerate() {
        let to = if n.trim_start().starts_with("app") || n.contains("\napp ") {
            0
        } else {
            pick(i) % PARTS.len()
        };
        files[to].push_str(n);
        files[to].push('\n');
    }
    for i in 0..PARTS.len() - 1 {
        let here = PARTS[i].rsplit_once('/').map_or("", |(d, _)| d);
        let next = relative(here, PARTS[i + 1]);
        files[i].push_str(&format!("\ninclude \"{next}\"\n"));
    }
    Some(PARTS.iter().map(|p| p.to_string()).zip(files).collect())
}

/// The path of `to` (from the spec's folder) as written in a file in the folder `from`.
fn relative(from: &str, to: &str) -> String {
    let ups = from.split('/').filter(|p| !p.is_empty()).count();
    let path = format!("{}{to}", "../".repeat(ups));
    assert_eq!(normalize(from, &path), to);
    path
}

fn check(text: &str, files: &[(String, String)]) -> Checked {
    let source = Source {
        path: "stowage.kdl".into(),
        text: text.to_string(),
    };
    check_with(&source, &|p: &str| {
        files
            .iter()
            .find(|f| f.0 == p)
            .map(|f| f.1.clone())
            .ok_or_else(|| format!("no file {p}"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_spec_split_into_included_files_builds_the_same_bytes(
        spec in generated::spec(),
        picks in proptest::collection::vec(0usize..PARTS.len(), 64),
    ) {
        let text = spec.to_kdl();
        let files = spec.files();
        let whole = generated::compile(&text, &files).map_err(TestCaseError::fail)?;
        let parts = split(&text, |i| picks[i % picks.len()]).expect("generated specs parse");
        let mut all = files.clone();
        all.extend(parts.iter().skip(1).cloned());
        let checked = check(&parts[0].1, &all);
        prop_assert!(!checked.diagnostics.has_errors(), "split spec has errors:\n{parts:#?}");
        prop_assert_eq!(checked.sources.len(), PARTS.len());
        let source = Source { path: "stowage.kdl".into(), text: parts[0].1.clone() };
        let split = stowage::compile::generate(&source, checked, std::path::Path::new("."))
            .expect("compiles");
        prop_assert!(whole.files == split.files, "the split spec builds other bytes");
    }
}

/// The text a diagnostic's primary span covers, in the file that holds it.
fn pointed(checked: &Checked, d: &stowage::diagnostic::Diagnostic) -> (String, String) {
    let at = d.primary.span;
    let f = checked
        .sources
        .iter()
        .rev()
        .find(|f| f.base <= at.offset)
        .expect("a file holds every span");
    let start = at.offset - f.base;
    let text = f.text.get(start..start + at.len).unwrap_or("?").to_string();
    (f.name.clone(), text)
}

#[test]
fn diagnostics_point_into_the_file_that_holds_the_text() {
    let dir = root().join("tests/bad");
    let mut compared = 0;
    let mut moved = 0;
    let mut problems = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        // Specs refused before parsing, and those that include, stay whole.
        let limited = stowage::syntax::limits::check(&text).is_ok();
        if !limited || text.contains("include \"") || text.contains("// fill-to-bytes:") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Spread the nodes over the files in turn.
        let Some(parts) = split(&text, |i| i) else {
            continue;
        };
        let whole = check(&text, &[]);
        let split = check(&parts[0].1, &parts[1..]);
        let key = |c: &Checked| {
            let mut v: Vec<_> = c
                .diagnostics
                .iter()
                .map(|d| (d.code.id, d.message.clone(), pointed(c, d).1))
                .collect();
            v.sort();
            v
        };
        if key(&whole) != key(&split) {
            problems.push(format!(
                "{name}: {:#?}\n!=\n{:#?}",
                key(&whole),
                key(&split)
            ));
        }
        compared += 1;
        moved += split
            .diagnostics
            .iter()
            .filter(|d| pointed(&split, d).0 != "stowage.kdl")
            .count();
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(compared > 100, "only {compared} fixtures compared");
    assert!(moved > 100, "only {moved} diagnostics in included files");
}
