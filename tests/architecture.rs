//! The shape of the code, as ARCHITECTURE.md states it: phases that depend only on earlier
//! ones (syntax -> check -> ir -> emit -> output), emitters that read the IR and never the AST,
//! and functions that fit on a screen.

mod common;

use common::root;
use std::path::{Path, PathBuf};

/// The library's modules, each after those it may use. A module may use its own layer and
/// every earlier one.
const LAYERS: &[&[&str]] = &[
    &[
        "calendar",
        "chars",
        "diagnostic",
        "duration",
        "git_ref",
        "timings",
        "progress",
        "secrets",
        "kubernetes",
        "layout",
    ],
    &["syntax"],
    &["policy"],
    &["check"],
    &["ir"],
    &["emit"],
    &["output"],
    &["compile"],
    &["revision"],
    &["import", "lsp"],
];

/// The longest a function may be, in lines, signature to closing brace.
const MAX_FUNCTION_LINES: usize = 80;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.path().to_path_buf())
        .collect();
    out.sort();
    out
}

/// The top-level module a file of `src/` belongs to (`src/check/mod.rs` -> `check`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(root().join("src")).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Code without comments, string and character literals (so that `crate::x` in a doc comment
/// or a message is not a use of `x`, and a `'{'` is not a brace); newlines are kept, so line
/// numbers stay.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(i + k).copied().unwrap_or(' ');
        // Line comments (doc comments too), to the end of the line.
        if c[i] == '/' && at(1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        // Raw strings: r"...", r#"..."#, br#"..."#.
        let raw = if c[i] == 'r' && (at(1) == '"' || at(1) == '#') {
            Some(1)
        } else if c[i] == 'b' && at(1) == 'r' && (at(2) == '"' || at(2) == '#') {
            Some(2)
        } else {
            None
        };
        if let Some(skip) = raw
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            let hashes = c[i + skip..].iter().take_while(|&&x| x == '#').count();
            if c.get(i + skip + hashes) == Some(&'"') {
                i += skip + hashes + 1;
                while i < c.len()
                    && !(c[i] == '"'
                        && c[i + 1..].iter().take(hashes).all(|&x| x == '#')
                        && c.len() >= i + 1 + hashes)
                {
                    if c[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 1 + hashes;
                continue;
            }
        }
        match c[i] {
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        i += 1;
                    }
                    if c.get(i) == Some(&'\n') {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 1;
            }
            // Character literals ('{', '\'', '\u{7f}'); a lifetime has no closing quote.
            '\'' if at(1) == '\\' => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if at(2) == '\'' => i += 3,
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// The top-level modules a file names as `crate::NAME`.
fn uses(text: &str) -> Vec<String> {
    let code = code_only(text);
    let mut out: Vec<String> = code
        .match_indices("crate::")
        .map(|(i, _)| {
            code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every phase uses only itself and earlier phases: the data flows one way, and no two
/// modules depend on each other.
#[test]
fn phases_depend_only_on_earlier_phases() {
    let mut problems = Vec::new();
    let lib = ["lib", "main", "commands"];
    for file in rust_files(&root().join("src")) {
        let module = module_of(&file);
        if lib.contains(&module.as_str()) {
            continue;
        }
        let Some(own) = layer(&module) else {
            problems.push(format!("src/{module} is in no layer of this test"));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in uses(&text) {
            match layer(&used) {
                Some(l) if l > own => problems.push(format!(
                    "{} uses crate::{used}, a later phase",
                    file.strip_prefix(root()).unwrap().display()
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Emitters read the IR: anything two emitters need is computed once there, and the AST can
/// change without touching them.
#[test]
fn emitters_never_read_the_ast_or_the_checker() {
    let mut problems = Vec::new();
    for file in rust_files(&root().join("src/emit")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for used in uses(&text) {
            if used == "syntax" || used == "check" {
                problems.push(format!(
                    "{} uses crate::{used}",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (name, first line, lines) of every function of a file, by its braces.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<String> = code_only(text).lines().map(str::to_string).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        let l = l
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("const ");
        let l = match l.strip_prefix("pub(in ") {
            Some(rest) => rest.split_once(") ").map_or(rest, |(_, r)| r),
            None => l,
        };
        let Some(rest) = l.strip_prefix("fn ") else {
            i += 1;
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut started, mut j) = (0i64, false, i);
        while j < lines.len() {
            for c in lines[j].chars() {
                match c {
                    '{' => {
                        depth += 1;
                        started = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (started && depth <= 0) || (!started && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if started {
            out.push((name, i + 1, j - i + 1));
        }
        i = if started { j + 1 } else { i + 1 };
    }
    out
}

/// Functions fit on a screen. The exceptions are flat dispatch (one arm per kind, each a call)
/// and tables, named here with the reason.
#[test]
fn functions_fit_on_a_screen() {
    let allowed: &[(&str, &str)] = &[];
    let mut problems = Vec::new();
    let mut count = 0;
    for file in rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        for (name, line, len) in functions(&text) {
            count += 1;
            if len > MAX_FUNCTION_LINES && !allowed.contains(&(rel.as_str(), name.as_str())) {
                problems.push(format!("{rel}:{line} fn {name} is {len} lines"));
            }
        }
    }
    assert!(
        count > 500,
        "only {count} functions found: the scan is broken"
    );
    assert!(
        problems.is_empty(),
        "functions longer than {MAX_FUNCTION_LINES} lines:\n{}",
        problems.join("\n")
    );
}

/// The scan this file relies on finds functions and their lengths.
#[test]
fn the_function_scan_measures_what_it_should() {
    let text =
        "fn a() {\n    let s = \"}\";\n}\n\npub(in crate::x) fn b(x: u8)\n    -> u8\n{\n    x\n}\n";
    assert_eq!(
        functions(text),
        vec![("a".to_string(), 1, 3), ("b".to_string(), 5, 5)]
    );
    assert_eq!(
        uses("use crate::ir::Ir; // crate::syntax\nlet m = \"crate::check\";"),
        ["ir"]
    );
}
