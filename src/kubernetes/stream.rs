//! A stream of YAML documents holding Kubernetes objects (a manifest, a rendered chart, CRDs),
//! read with limits that grow with the text: the reader's defaults (1,024 documents, 250,000
//! nodes, 1,000,000 events) refuse a rendered app of a few thousand objects. What guards against
//! hostile YAML stays: aliases are still bounded by the reader's ratio of aliases to anchors.

use serde_json::Value;

/// The documents of `text`, each as a JSON value (an empty document is `null`).
pub fn documents(text: &str) -> Result<Vec<Value>, serde_saphyr::Error> {
    // A document takes at least `---` and a newline, a node at least one byte, an event at
    // most one per byte (each node opens and closes); the defaults for small texts.
    let len = text.len();
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: (len / 4).max(1_024),
            max_nodes: len.max(250_000),
            max_events: (2 * len).max(1_000_000),
        },
    };
    serde_saphyr::from_multiple_with_options(text, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_thousands_of_objects_is_read() {
        let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";
        let text = vec![one; 5_000].join("---\n");
        assert_eq!(documents(&text).unwrap().len(), 5_000);
        assert!(serde_saphyr::from_multiple::<Value>(&text).is_err());
    }

    #[test]
    fn an_alias_bomb_is_still_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(documents(&text).is_err());
    }
}
