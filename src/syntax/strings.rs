//! Checks of every string of a spec, wherever it is: credentials (the patterns of
//! [`crate::secrets`]), and characters no string may hold.
//!
//! Characters no string of a spec may hold, even escaped: the YAML tools every output goes
//! through (kubectl, kustomize, Helm: YAML 1.1 readers and writers) turn them into line breaks
//! or spaces, or refuse them ("control characters are not allowed"), so the deployed text
//! would not be the text of the spec, or would not deploy at all. Tabs and line breaks are
//! fine.

use super::tree::Node;
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use kdl::KdlValue;

/// The diagnostic for `text` (found at `span`), when it holds an unsupported character.
pub fn check_text(text: &str, span: Span, what: &str) -> Option<Diagnostic> {
    let name = text.chars().find_map(crate::chars::unsupported_in_yaml)?;
    Some(
        Diagnostic::error(
            &code::value::CHARACTER,
            format!("{what} holds {name}"),
            span,
            "this string",
        )
        .with_help(
            "kubectl, kustomize and Helm turn it into a line break or a space, or refuse it: write \\n for a line break, or remove it",
        ),
    )
}

/// The diagnostic for a string of the spec (found at `span`) that looks like a credential.
pub fn check_secret(text: &str, span: Span, what: &str) -> Option<Diagnostic> {
    // The message does not quote the text: diagnostics end up in CI logs.
    let (kind, _) = crate::secrets::find(text)?;
    Some(
        Diagnostic::error(
            &code::secret::PLAINTEXT,
            format!("{what} holds what looks like {kind}"),
            span,
            "plaintext secret",
        )
        .with_help(
            "a spec is committed and stowage writes its text into generated files: keep credentials in a `secret` (or a CI secret) and reference it",
        ),
    )
}

/// Check every name, key and string value of the tree.
pub fn check(nodes: &[Node], diags: &mut Diagnostics) {
    for n in nodes {
        if let Some(d) = check_text(&n.name, n.name_span, "this name") {
            diags.push(d);
        }
        for v in n.args.iter().chain(n.props.iter().map(|p| &p.value)) {
            if let KdlValue::String(s) = &v.value {
                if let Some(d) = check_text(s, v.span, "this string") {
                    diags.push(d);
                }
                if let Some(d) = check_secret(s, v.span, "this string") {
                    diags.push(d);
                }
            }
        }
        for p in &n.props {
            if let Some(d) = check_text(&p.key, p.key_span, "this key") {
                diags.push(d);
            }
        }
        check(&n.children, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_separators_are_refused_wherever_they_are() {
        let nodes = crate::syntax::parse::document(
            "a \"x\\u{85}\" k=\"\\u{2028}\" {\n \"b\\u{2029}\" 1\n}\nc \"ok é 中\"\n",
        )
        .unwrap();
        let mut diags = Diagnostics::new();
        check(&nodes, &mut diags);
        let codes: Vec<&code::Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [&code::value::CHARACTER; 3]);
    }
}
