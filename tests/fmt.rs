//! `stowage fmt`: canonical layout that never loses a comment and never changes meaning.

mod common;

use common::*;
use std::fs;
use stowage::diagnostic::Span;
use stowage::syntax::format::{comments_of, format};
use stowage::syntax::tree::Node;

/// The spanned tree of a document with every span zeroed: what the spec means.
fn meaning(text: &str) -> Vec<Node> {
    fn strip(n: &mut Node) {
        n.name_span = Span::default();
        n.span = Span::default();
        n.override_span = None;
        for a in &mut n.args {
            a.span = Span::default();
        }
        for p in &mut n.props {
            p.key_span = Span::default();
            p.value.span = Span::default();
        }
        n.children.iter_mut().for_each(strip);
    }
    let mut nodes = kdl_oracle::nodes(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    nodes.iter_mut().for_each(strip);
    nodes
}

/// Format and check the three promises: same meaning, same comments, idempotent.
fn check(name: &str, text: &str) -> String {
    let out = format(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        meaning(&out),
        meaning(text),
        "{name}: meaning changed:\n{out}"
    );
    assert_eq!(
        comments_of(&out),
        comments_of(text),
        "{name}: comments changed:\n{out}"
    );
    assert_eq!(
        format(&out).unwrap(),
        out,
        "{name}: formatting is not idempotent"
    );
    out
}

#[test]
fn fmt_is_idempotent_and_keeps_every_comment_of_every_example() {
    for (name, spec) in examples() {
        let text = fs::read_to_string(&spec).unwrap();
        let comments = comments_of(&text);
        assert!(!comments.is_empty(), "{name} has no comments to keep");
        let out = check(&name, &text);
        for c in &comments {
            assert!(out.contains(c.as_str()), "{name}: lost {c:?}");
        }
    }
}

#[test]
fn the_examples_are_formatted() {
    for (name, spec) in examples() {
        let o = run(stowage().args(["fmt", "--check", "-f"]).arg(&spec));
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name} is not formatted (run `cargo run -- fmt -f {}`):\n{}{}",
            spec.display(),
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}

const MESSY: &str = "// The shop.\n\n\n\napp   \"shop\"{ // the app\n  namespace shop ; registry \"ghcr.io/acme\" /* where images live */\n}\nservice \"web\" {\n\timage web tag=\"1.0.0\"\n\tport \"http\" 8080   // the only port\n\n\n\tenv {\n      \"LOG_LEVEL\" #\"info\"#\n      // feature flags\n      FEATURE_X on\n\t}\n  resources {\n    requests cpu=\"100m\" memory=\"128Mi\"\n    limits cpu=\"500m\" \\\n         memory=\"256Mi\"   // hard limit\n  }\n  liveness http=\"/health\" port=http ; readiness http=\"/ready\" port=\"http\"\n  replicas 2\n  /-replicas 5\n}\n\n\nenvironment \"dev\" { policy dev; service \"web\" { replicas 1; }; }\n// end of spec   \n";

const TIDY: &str = "// The shop.\n\napp \"shop\" { // the app\n    namespace \"shop\"\n    registry \"ghcr.io/acme\" /* where images live */\n}\nservice \"web\" {\n    image \"web\" tag=\"1.0.0\"\n    port \"http\" 8080 // the only port\n\n    env {\n        LOG_LEVEL \"info\"\n        // feature flags\n        FEATURE_X \"on\"\n    }\n    resources {\n        requests cpu=\"100m\" memory=\"128Mi\"\n        limits cpu=\"500m\" \\\n            memory=\"256Mi\" // hard limit\n    }\n    liveness http=\"/health\" port=\"http\"\n    readiness http=\"/ready\" port=\"http\"\n    replicas 2\n    /-replicas 5\n}\n\nenvironment \"dev\" { policy \"dev\"; service \"web\" { replicas 1; }; }\n// end of spec\n";

#[test]
fn a_messy_spec_gets_the_canonical_layout() {
    assert_eq!(check("messy", MESSY), TIDY);
    // The spec still compiles to the same thing.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.kdl"), dir.path().join("b.kdl"));
    fs::write(&a, MESSY).unwrap();
    fs::write(&b, TIDY).unwrap();
    let o = run(stowage().arg("diff").arg(&a).arg(&b));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn unusual_layouts_keep_meaning_and_comments() {
    for (i, src) in [
        "a 1;b 2;c 3",
        "a \\ // why\n  1 \\\n  2\n",
        "/-\n// between\nnode 1\n",
        "a /-1 2 /-k=v /-{ x; } {\n b\n}\n",
        "a { } \n b {\n}\n c {\n // only\n}\n",
        "(ty)node (u8)1 k=(t)\"x\"",
        "a #\"x\"# ##\"y\"#\"## \"\\\"\" \"tab\\there\" \"ws\\   \n   escape\"",
        "node k /* c */ = /* d */ v",
        "a 0x1F 1_000 1.5e3 #nan #-inf #null #true",
        "\"quoted name\" \"true\" k=\"#x\" \"2FA\"=1",
        "a \"\"\"\n  line1\n    line2\n  \"\"\"\n",
        "/* multi\n   line */ node\n",
        "a\r\nb\r\n",
        "x { a 1 \\\n  2; }",
        "node { // c\n}",
    ]
    .iter()
    .enumerate()
    {
        check(&format!("case {i}"), src);
    }
}

#[test]
fn fmt_check_prints_a_diff_and_fmt_rewrites_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("stowage.kdl");
    fs::write(&spec, MESSY).unwrap();
    let o = run(stowage()
        .args(["fmt", "--check", "-f", "stowage.kdl"])
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("--- a/stowage.kdl\n+++ b/stowage.kdl\n"),
        "{out}"
    );
    assert!(out.contains("-  namespace shop ; registry"), "{out}");
    assert!(out.contains("+    namespace \"shop\""), "{out}");
    assert_eq!(fs::read_to_string(&spec).unwrap(), MESSY, "--check wrote");

    let o = run(stowage()
        .args([
            "--message-format",
            "github",
            "fmt",
            "--check",
            "-f",
            "stowage.kdl",
        ])
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).starts_with("::error file=stowage.kdl,line=3,col=1,title=stowage fmt::"),
        "{}",
        text(&o.stdout)
    );

    let o = run(stowage().arg("fmt").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(fs::read_to_string(&spec).unwrap(), TIDY);
    let o = run(stowage().args(["fmt", "--check", "-f"]).arg(&spec));
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).is_empty());
}

#[test]
fn fmt_refuses_invalid_kdl() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("stowage.kdl");
    fs::write(&spec, "app \"x\" {\n    namespace \"x\"\n").unwrap();
    let o = run(stowage().arg("fmt").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("stowage::syntax::kdl"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(&spec).unwrap(),
        "app \"x\" {\n    namespace \"x\"\n"
    );
    let o = run(stowage().args(["fmt", "-f", "/nonexistent/stowage.kdl"]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_disordered_layout_of_each_example_formats_back_to_the_example() {
    for (name, spec) in examples() {
        let text = fs::read_to_string(&spec).unwrap();
        // No indentation, tabs and trailing spaces, blank lines doubled.
        let messy: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let l = l.trim_start();
                match (l.is_empty(), i % 3) {
                    (true, _) => "\n\n".to_string(),
                    (false, 0) => format!("\t{l}  \n"),
                    (false, _) => format!("{l}\t\n"),
                }
            })
            .collect();
        assert_ne!(messy, text);
        assert_eq!(check(&name, &messy), text, "{name}");
    }
}
