//! YAML output: serde values to YAML text, with the generated-file header.
//!
//! Uses serde-saphyr, which quotes strings that YAML 1.1 readers (Kubernetes among them) would
//! take for booleans or numbers (`yes`, `on`, `no`, `0755`).

use serde::Serialize;

/// One YAML document. Multi-line strings are literal block scalars (`|`), unless one would
/// start with a tab: Go's YAML reader (kubectl, kustomize, Helm) takes that tab for indentation
/// and refuses the file, so such a document is written with quoted strings instead. Long lines
/// are never folded (`>`).
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    // Long lines stay whole: kustomize writes a value a patch puts in place of a folded
    // scalar (`>`) folded too, and folds lines indented more than the first wrongly.
    let opts = serde_saphyr::ser_options! { folded_wrap_chars: usize::MAX };
    let text = serde_saphyr::to_string_with_options(value, opts)
        .expect("generated values serialize to YAML");
    if go_readable(&text) {
        text
    } else {
        to_yaml_inline(value)
    }
}

/// Whether no block scalar of `text` starts (after its indentation) with a tab.
fn go_readable(text: &str) -> bool {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let core = line
            .trim_end()
            .trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
        let header = (core.ends_with(" |") || core.ends_with(" >")) || core == "|" || core == ">";
        if !header {
            continue;
        }
        let first = lines
            .clone()
            .find(|l| !l.trim_start_matches(' ').is_empty());
        if first.is_some_and(|l| l.trim_start_matches(' ').starts_with('\t')) {
            return false;
        }
    }
    true
}

/// One YAML document without block scalars (`|`, `>`): strings with line breaks are written
/// double-quoted on one line. Chart templates use it for the text they hold literally, which
/// is indented and guarded by template actions that trim whitespace: a block scalar's lines
/// (and trailing empty lines) would not survive that.
pub fn to_yaml_inline<T: Serialize>(value: &T) -> String {
    let opts = serde_saphyr::ser_options! { prefer_block_scalars: false };
    serde_saphyr::to_string_with_options(value, opts).expect("generated values serialize to YAML")
}

/// A file of one or more documents, starting with `header`.
pub fn documents<T: Serialize + Sync>(header: &str, docs: &[T]) -> String {
    use rayon::prelude::*;
    // Each document on its own (in parallel: a large environment has thousands).
    let texts: Vec<String> = docs.par_iter().map(|d| to_yaml(d)).collect();
    let mut out =
        String::with_capacity(header.len() + texts.iter().map(|t| t.len() + 5).sum::<usize>());
    out.push_str(header);
    out.push('\n');
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_scalar_never_starts_with_a_tab() {
        for s in ["\tfoo\nbar", "\n\n\tfoo\nbar", "a\n\t\nb"] {
            let v = serde_json::json!({"data": {"k": s}, "list": [s]});
            let out = to_yaml(&v);
            assert!(go_readable(&out), "{out}");
            let back: serde_json::Value = serde_saphyr::from_str(&out).unwrap();
            assert_eq!(back, v);
        }
        // Long lines are not folded.
        let long = "word ".repeat(40);
        let out = to_yaml(&serde_json::json!({"k": long}));
        assert!(!out.contains('>') && out.lines().count() == 1, "{out}");
        // Tabs further down keep the block style.
        let out = to_yaml(&serde_json::json!({"k": "foo\n\tbar"}));
        assert!(out.contains("k: |-"), "{out}");
    }

    #[test]
    fn yaml_1_1_booleans_and_octals_are_quoted() {
        let v = serde_json::json!({"a": "yes", "b": "on", "c": "no", "d": "off", "e": "y", "f": "true", "g": "0755", "h": "1.0", "i": "~", "j": "null", "k": "Yes"});
        let out = to_yaml(&v);
        for key in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"] {
            let line = out
                .lines()
                .find(|l| l.starts_with(&format!("{key}:")))
                .unwrap();
            let value = line.split_once(": ").unwrap().1;
            assert!(
                value.starts_with('"') || value.starts_with('\''),
                "{key} is not quoted: {line}"
            );
        }
    }
}
