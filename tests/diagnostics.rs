//! Diagnostic snapshots: every spec in `tests/bad/` is checked, and every diagnostic it gets is
//! rendered for humans (miette, no colours) and as JSON. Each snapshot was reviewed: the span
//! underlines the right token, the message says what is wrong and the help says what to write.
//!
//! A fixture is named after the code it shows (`ref-secret.kdl`, `ref-secret-in-a-volume.kdl`)
//! and says which codes it expects on a line `// expect: CODE, CODE` (`// expect: no error` for
//! a spec that must be accepted); it must get exactly those. Every code of the registry
//! (`src/diagnostic/code/`) has at least one fixture. A line `// fill-to-bytes: N` makes the test
//! pad the spec with comment lines to N bytes (for the size limit).

use std::collections::{BTreeSet, HashSet};
use stowage::diagnostic::{Renderer, Style, code};

/// The codes a fixture says it expects (empty: no error expected).
fn expected(text: &str) -> Option<BTreeSet<String>> {
    let line = text.lines().find_map(|l| l.strip_prefix("// expect:"))?;
    let line = line.trim();
    if line == "no error" {
        return Some(BTreeSet::new());
    }
    Some(line.split(',').map(|c| c.trim().to_string()).collect())
}

/// The rest of the fixture's line that starts with `prefix`, trimmed.
fn text_line(text: &str, prefix: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|l| l.trim().to_string())
}

/// The spec's text, padded when it asks to be.
fn text_of(raw: String) -> String {
    let fill = raw
        .lines()
        .find_map(|l| l.strip_prefix("// fill-to-bytes:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    match fill {
        Some(n) => {
            let mut t = raw;
            while t.len() < n {
                t.push_str(
                    "// padding to reach the size limit .......................................\n",
                );
            }
            t
        }
        None => raw,
    }
}

#[test]
fn bad_specs() {
    // Waivers' end dates are compared with this day.
    stowage::calendar::fix_today(jiff::civil::date(2027, 2, 20));
    let mut problems = Vec::new();
    let mut names = Vec::new();
    insta::glob!("bad/*.kdl", |path| {
        let file = path.file_name().unwrap().to_str().unwrap();
        names.push(file.trim_end_matches(".kdl").to_string());
        let source = stowage::compile::Source {
            path: path.to_path_buf(),
            text: text_of(std::fs::read_to_string(path).unwrap()),
        };
        let mut checked = stowage::compile::check(&source);
        // `// out: DIR` builds into DIR beside the fixture (`outside`: a repository elsewhere),
        // for what depends on where the output goes.
        if let Some(out) = text_line(&source.text, "// out:") {
            let scratch = tempfile::tempdir().unwrap();
            let out = match out.as_str() {
                "outside" => {
                    std::process::Command::new("git")
                        .args(["init", "-q"])
                        .arg(scratch.path())
                        .status()
                        .unwrap();
                    scratch.path().to_path_buf()
                }
                dir => path.parent().unwrap().join(dir),
            };
            let ch = std::mem::replace(&mut checked, stowage::compile::check(&source));
            match stowage::compile::generate(&source, ch, &out) {
                Ok(g) => checked.diagnostics.extend(g.warnings),
                Err(d) => checked.diagnostics = d,
            }
        }
        let diagnostics = checked.diagnostics.sorted();
        let got: BTreeSet<String> = diagnostics.iter().map(|d| d.code.id.to_string()).collect();
        match expected(&source.text) {
            None => problems.push(format!("{file} has no `// expect:` line")),
            Some(want) if want.is_empty() => {
                if checked.diagnostics.has_errors() {
                    problems.push(format!(
                        "{file} is meant to be accepted but has errors: {got:?}"
                    ));
                }
            }
            Some(want) => {
                if want != got {
                    problems.push(format!("{file} expects {want:?} and gets {got:?}"));
                }
            }
        }
        // The fixture and the files it includes (tests/bad/include/), by their paths from it.
        let renderer = Renderer::with_files(
            checked
                .sources
                .iter()
                .map(|f| (f.name.clone(), f.text.as_str(), f.base)),
        );
        let mut seen = HashSet::new();
        let mut out = String::new();
        for d in &diagnostics {
            if !seen.insert((d.code, d.primary.span, &d.message)) {
                problems.push(format!("{file}: reported twice: {} {}", d.code, d.message));
            }
            out.push_str(&renderer.human(d, Style::Plain, 100));
            out.push_str(&renderer.json(d));
            out.push_str("\n\n");
        }
        if diagnostics.is_empty() {
            out.push_str("(no diagnostics)\n");
        }
        insta::assert_snapshot!(out);
    });
    // Every code has a fixture named after it, which shows it.
    for c in code::all() {
        let slug = c.slug();
        let named = names
            .iter()
            .any(|n| *n == slug || n.starts_with(&format!("{slug}-")));
        if !named {
            problems.push(format!("no fixture tests/bad/{slug}.kdl for {}", c.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
