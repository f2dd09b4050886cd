//! The user guide and the language reference cannot go stale: the book builds, and every KDL
//! block in them that is a whole spec (` ```kdl `, not ` ```kdl,fragment `) compiles without
//! errors, and the diagnostics page is the one the code registry gives.

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
    // An example's spec shown whole compiles beside the files it reads (tests/examples.rs).
    let examples: Vec<String> = examples()
        .into_iter()
        .map(|(_, p)| std::fs::read_to_string(p).unwrap().trim_end().to_string())
        .collect();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (line, block) in kdl_blocks(&text) {
            if examples.iter().any(|e| e == block.trim_end()) {
                count += 1;
                continue;
            }
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
    // KDL blocks are highlighted by the book's own grammar, loaded after mdBook's highlighter.
    let page = std::fs::read_to_string(out.path().join("getting-started.html")).unwrap();
    let (book_js, kdl_js) = (
        page.find("src=\"book-"),
        page.find("src=\"theme/kdl-highlight"),
    );
    assert!(
        matches!((book_js, kdl_js), (Some(b), Some(k)) if b < k),
        "theme/kdl-highlight.js must load after book.js"
    );
    assert!(page.contains("class=\"language-kdl\""));
    // (mdBook names the file with its digest.)
    let js = std::fs::read_dir(out.path().join("theme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("kdl-highlight")
        })
        .expect("theme/kdl-highlight-*.js");
    assert!(
        std::fs::read_to_string(js)
            .unwrap()
            .contains("registerLanguage('kdl'")
    );
}

/// The diagnostic code in `text` at `at`, which is just past `stowage::`: `GROUP::NAME`, both
/// non-empty runs of lower-case letters, digits and `-`. `None` for anything else (a prefix
/// such as `stowage::policy::`, a placeholder such as `stowage::policy::NAME`).
/// The diagnostics page is generated from the code registry (`src/diagnostic/code/`): every
/// code has its section, with the documentation declared beside it. `STOWAGE_BLESS=1`
/// rewrites the page.
#[test]
fn the_diagnostics_page_is_generated_from_the_code_registry() {
    let page = root().join("book/src/diagnostics.md");
    let generated = stowage::diagnostic::code::book_page();
    if std::env::var_os("STOWAGE_BLESS").is_some() {
        std::fs::write(&page, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&page).unwrap();
    assert!(
        on_disk == generated,
        "book/src/diagnostics.md is not what src/diagnostic/code/ gives: run `STOWAGE_BLESS=1 cargo test --test book`"
    );
    // No other page documents a code as its own section.
    for p in pages() {
        if p == page {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("### stowage::")),
            "{}: diagnostic codes are documented in src/diagnostic/code/ only",
            p.display()
        );
    }
}

/// An example's page that shows "The complete spec" shows the example's spec as it is.
#[test]
fn the_complete_specs_in_the_book_are_the_examples() {
    let mut stale = Vec::new();
    for (name, spec) in examples() {
        let page = root().join(format!("book/src/examples/{name}.md"));
        let Ok(text) = std::fs::read_to_string(&page) else {
            continue;
        };
        let Some(at) = text.find("## The complete spec") else {
            continue;
        };
        let shown = kdl_blocks(&text[at..]).into_iter().next().map(|(_, b)| b);
        let spec = std::fs::read_to_string(&spec).unwrap();
        if shown.as_deref().map(str::trim_end) != Some(spec.trim_end()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "book/src/examples/ shows an old spec of: {stale:?}"
    );
}

/// The reference of policy rules is generated from their declaration: every rule kind has its
/// row. `STOWAGE_BLESS=1` rewrites the page.
#[test]
fn the_policy_rules_page_is_generated_from_the_rules() {
    let page = root().join("book/src/policy-rules.md");
    let generated = stowage::policy::book_page();
    if std::env::var_os("STOWAGE_BLESS").is_some() {
        std::fs::write(&page, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&page).unwrap();
    assert!(
        on_disk == generated,
        "book/src/policy-rules.md is not what src/policy/ gives: run `STOWAGE_BLESS=1 cargo test --test book`"
    );
    for rule in stowage::policy::Rule::all() {
        assert!(
            on_disk.contains(&format!("| `{}` |", rule.name())),
            "{}",
            rule.name()
        );
    }
}
