//! The user guide and the language reference cannot go stale: the book builds, and every KDL
//! block in them that is a whole spec (` ```kdl `, not ` ```kdl,fragment `) compiles without
//! errors, and every diagnostic code the compiler emits has its `### stowage::...` section.

mod common;

use common::*;
use std::path::PathBuf;

/// Markdown files of the book and the reference.
fn pages() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["book/src", "spec"]
        .iter()
        .flat_map(|d| {
            walkdir::WalkDir::new(root().join(d))
                .into_iter()
                .filter_map(|e| e.ok())
        })
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    out.sort();
    out
}

/// (line, text) of every ```kdl block.
fn kdl_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.trim_end() == "```kdl" => current = Some((i + 1, String::new())),
            Some(_) if trimmed.starts_with("```") => out.push(current.take().expect("open block")),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_spec_in_the_docs_compiles() {
    let tmp = tempfile::tempdir().unwrap();
    let mut count = 0;
    let mut failures = String::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (line, block) in kdl_blocks(&text) {
            let spec = tmp.path().join("stowage.kdl");
            std::fs::write(&spec, &block).unwrap();
            let source = stowage::compile::read_source(&spec).unwrap();
            let checked = stowage::compile::check(&source);
            if checked.diagnostics.has_errors() {
                let msgs: Vec<String> = checked
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect();
                failures.push_str(&format!(
                    "{}:{line}: {}\n",
                    page.strip_prefix(root()).unwrap().display(),
                    msgs.join("; ")
                ));
            }
            count += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "specs in the docs do not compile:\n{failures}"
    );
    assert!(count >= 10, "only {count} spec blocks found");
}

#[test]
fn the_book_builds() {
    let Some(mdbook) = tool("mdbook") else { return };
    let out = tempfile::tempdir().unwrap();
    let o = run(std::process::Command::new(mdbook)
        .arg("build")
        .arg(root().join("book"))
        .arg("--dest-dir")
        .arg(out.path()));
    assert!(
        o.status.success(),
        "mdbook build failed:\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(out.path().join("index.html").is_file());
}

/// The diagnostic code in `text` at `at`, which is just past `stowage::`: `GROUP::NAME`, both
/// non-empty runs of lower-case letters, digits and `-`. `None` for anything else (a prefix
/// such as `stowage::policy::`, a placeholder such as `stowage::policy::NAME`).
fn code_at(text: &str, at: usize) -> Option<(String, usize)> {
    let word = |s: &str| {
        s.bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            .count()
    };
    let rest = &text[at..];
    let group = word(rest);
    let after_group = rest[group..].strip_prefix("::")?;
    let name = word(after_group);
    if group == 0 || name == 0 {
        return None;
    }
    let code = format!("stowage::{}::{}", &rest[..group], &after_group[..name]);
    Some((code, at + group + 2 + name))
}

/// Every diagnostic code the compiler can emit, with the first place (`src/...:line`) it
/// appears: each string literal `"stowage::GROUP::NAME"` in `src/`, and the policy rules' codes
/// (`stowage::policy::RULE`, one per rule a `waive` can name).
fn source_codes() -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let src = root().join("src");
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let file = entry
            .path()
            .strip_prefix(root())
            .unwrap()
            .display()
            .to_string();
        for (start, _) in text.match_indices("\"stowage::") {
            let Some((code, end)) = code_at(&text, start + "\"stowage::".len()) else {
                continue;
            };
            if text[end..].starts_with('"') {
                let line = text[..start].matches('\n').count() + 1;
                out.entry(code).or_insert_with(|| format!("{file}:{line}"));
            }
        }
    }
    for rule in stowage::policy::Rule::ALL {
        out.entry(rule.code().to_string())
            .or_insert_with(|| format!("src/policy.rs (rule `{}`)", rule.name()));
    }
    out
}

/// Every heading of the book that names a diagnostic code (`### stowage::GROUP::NAME`), with
/// where it is (`book/src/PAGE.md:line`). Code blocks are skipped.
fn book_code_headings() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let book = root().join("book/src");
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(&book)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    pages.sort();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let file = page.strip_prefix(root()).unwrap().display().to_string();
        let mut fenced = false;
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if fenced || !trimmed.starts_with('#') {
                continue;
            }
            let title = trimmed.trim_start_matches('#').trim().trim_matches('`');
            if let Some(rest) = title.strip_prefix("stowage::") {
                out.push((format!("stowage::{rest}"), format!("{file}:{}", i + 1)));
            }
        }
    }
    out
}

#[test]
fn every_diagnostic_code_has_a_section_in_the_book() {
    let codes = source_codes();
    assert!(
        codes.len() >= 50 && codes.contains_key("stowage::syntax::kdl"),
        "only {} diagnostic codes found in src/",
        codes.len()
    );
    let headings = book_code_headings();
    let mut problems = String::new();
    let mut documented: std::collections::BTreeMap<&str, &str> = Default::default();
    for (code, at) in &headings {
        if let Some(first) = documented.insert(code, at) {
            problems.push_str(&format!(
                "{at}: `{code}` has a second section (the first is at {first})\n"
            ));
        }
        if !codes.contains_key(code) {
            problems.push_str(&format!(
                "{at}: `{code}` is not a code stowage emits (no \"{code}\" in src/)\n"
            ));
        }
    }
    for (code, at) in &codes {
        if !documented.contains_key(code.as_str()) {
            problems.push_str(&format!(
                "{at}: `{code}` has no `### {code}` section in book/src/ (diagnostics.md)\n"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the diagnostic codes and the book's sections on them differ:\n{problems}"
    );
}
