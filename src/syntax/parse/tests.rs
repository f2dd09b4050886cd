use super::document;
use crate::diagnostic::Span;

/// The error's message, and the text its primary label points at.
fn error(text: &str) -> (String, String) {
    let d = document(text).unwrap_err();
    let s = d.primary.span;
    (d.message, text[s.offset..s.offset + s.len].to_string())
}

#[test]
fn nodes_values_and_spans() {
    let nodes = document("(t)svc \"web\" 1 k=#true /-x {\n  a; b\n} // end\nc").unwrap();
    assert_eq!(nodes.len(), 2);
    let n = &nodes[0];
    assert_eq!((n.name.as_str(), n.ty.as_deref()), ("svc", Some("t")));
    assert_eq!((n.args.len(), n.props.len(), n.children.len()), (2, 1, 2));
    assert_eq!(n.name_span, Span::new(3, 3));
    assert_eq!(n.props[0].value.span, Span::new(17, 5));
    assert_eq!(n.span, Span::new(0, 37));
    assert!(n.block && !nodes[1].block);
}

#[test]
fn errors_point_at_the_cause() {
    let cases = [
        (
            "a \"x\", b=1",
            "KDL separates values and properties with spaces, not commas",
            ",",
        ),
        ("a \"x\"\"y\"", "a space is missing before this", "\""),
        ("a {\n  b 1\n", "this block is never closed", "{"),
        ("a 1\n}\n", "this `}` closes no block", "}"),
        (
            "a {} 1",
            "values and properties go before the node's block",
            "1",
        ),
        ("a {} {}", "a node has at most one block", "{"),
        (
            "a { b } /-c",
            "values and properties go before the node's block",
            "c",
        ),
        ("a /-", "`/-` with nothing after it to comment out", "/-"),
        ("{ a }", "a block with no node before it", "{"),
        ("a (t 1", "this type annotation is not closed", "("),
        ("1 2", "a node name cannot be a number", "1"),
        ("a =1", "unexpected `=` in a node", "="),
        (";", "this `;` ends no node", ";"),
    ];
    for (text, message, at) in cases {
        assert_eq!(
            error(text),
            (message.to_string(), at.to_string()),
            "{text:?}"
        );
    }
}

#[test]
fn deep_blocks_are_refused_at_the_limit() {
    let deep = format!("a {}", "{ b ".repeat(100));
    let d = document(&deep).unwrap_err();
    assert_eq!(d.code, &crate::diagnostic::code::syntax::TOO_DEEP);
}
