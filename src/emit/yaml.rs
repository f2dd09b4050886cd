//! YAML output: serde values to YAML text, with the generated-file header.
//!
//! Uses serde-saphyr, which quotes strings that YAML 1.1 readers (Kubernetes among them) would
//! take for booleans or numbers (`yes`, `on`, `no`, `0755`).

use serde::Serialize;

/// One YAML document.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).expect("generated values serialize to YAML")
}

/// A file of one or more documents, starting with `header`.
pub fn documents<T: Serialize>(header: &str, docs: &[T]) -> String {
    let mut out = String::new();
    out.push_str(header);
    out.push('\n');
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(d));
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
