//! Diagnostic snapshots: every spec in `tests/bad/` is checked, and every diagnostic it gets is
//! rendered for humans (miette, no colours) and as JSON. Each snapshot was reviewed: the span
//! underlines the right token, the message says what is wrong and the help says what to write.
//!
//! Every bad spec must produce at least one diagnostic, and no diagnostic twice. A spec named
//! `*-ok-*.kdl` shows that something is accepted (a waiver that silences a rule): it must
//! produce no error.

use std::collections::HashSet;
use stowage::diagnostic::{Style, render_human, render_json};

#[test]
fn bad_specs() {
    let mut problems = Vec::new();
    insta::glob!("bad/*.kdl", |path| {
        let file = path.file_name().unwrap().to_str().unwrap();
        let source = stowage::compile::read_source(path).unwrap();
        let checked = stowage::compile::check(&source);
        let diagnostics = checked.diagnostics.sorted();
        if file.contains("-ok-") {
            if checked.diagnostics.has_errors() {
                problems.push(format!("{file} is meant to be accepted but has errors"));
            }
        } else if diagnostics.is_empty() {
            problems.push(format!("{file} produced no diagnostic"));
        }
        let mut seen = HashSet::new();
        let mut out = String::new();
        for d in &diagnostics {
            if !seen.insert((d.code, d.primary.span, &d.message)) {
                problems.push(format!("{file}: reported twice: {} {}", d.code, d.message));
            }
            out.push_str(&render_human(d, file, &source.text, Style::Plain, 100));
            out.push_str(&render_json(d, file, &source.text));
            out.push_str("\n\n");
        }
        if diagnostics.is_empty() {
            out.push_str("(no diagnostics)\n");
        }
        insta::assert_snapshot!(out);
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
