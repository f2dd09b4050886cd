//! Phase 1, syntax: spec text to the typed AST.
//!
//! Takes the text of `stowage.kdl`, gives a [`ast::Spec`] (base items plus, for every
//! environment, the items merged with that environment's overrides) and the diagnostics of
//! everything that is not of the language's shape. KDL syntax errors come back as diagnostics
//! too, with the file's name.

pub mod ast;
pub mod decode;
pub mod format;
pub mod keyword;
pub mod limits;
pub mod nodes;
pub mod strings;
pub mod tree;
pub mod vocab;

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use ast::Spec;
use decode::Decoder;
use tree::Node;
use vocab::ITEM_KINDS;

/// Parse and decode a spec. Returns `None` when the spec is too broken to go further (a KDL
/// syntax error, no `app`); the diagnostics say why.
pub fn parse(source: &str) -> (Option<Spec>, Diagnostics) {
    // Size, nesting and forbidden characters, before any parser sees the text.
    let limited = match limits::check(source) {
        Ok(l) => l,
        Err(diags) => return (None, diags),
    };
    let mut diags = Diagnostics::new();
    let r = crate::timings::phase("parse (kdl)", || {
        limited.parse_kdl_with(tree::from_document)
    });
    // Each group of top-level nodes becomes stowage's tree as soon as it is parsed.
    let nodes = match r {
        Ok(nodes) => nodes,
        Err(err) => return (None, kdl_errors(source, &err)),
    };
    let spec = crate::timings::phase("decode", || from_nodes(&nodes, &mut diags));
    (spec, diags)
}

/// The KDL parser's errors as diagnostics: an unclosed block once, pointing at both ends; a
/// name that is not a bare identifier with a help to quote it.
fn kdl_errors(source: &str, err: &kdl::KdlError) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut unclosed: Option<Diagnostic> = None;
    for d in &err.diagnostics {
        let span = Span::from(d.span);
        let message = d
            .message
            .clone()
            .unwrap_or_else(|| "invalid KDL".to_string());
        // The KDL parser reports an unclosed block twice: at its `{`, then over the
        // nodes inside it. Show one diagnostic, pointing at both ends.
        if message == "Closing '}' was not found after nodes"
            && let Some(first) = unclosed.take()
        {
            let inside = source
                .get(..span.offset + span.len)
                .unwrap_or("")
                .trim_end();
            let last = inside
                .char_indices()
                .last()
                .map(|(i, c)| Span::new(i, c.len_utf8()))
                .unwrap_or(span);
            diags.push(first.with_label(last, "still open after this"));
            continue;
        }
        if let Some(first) = unclosed.take() {
            diags.push(first);
        }
        if message == "No closing '}' for child block" {
            unclosed = Some(
                Diagnostic::error(
                    &code::syntax::KDL,
                    format!("KDL syntax error: {message}"),
                    span,
                    d.label.clone().unwrap_or_else(|| "here".to_string()),
                )
                .with_help("add the `}` that closes this block"),
            );
            continue;
        }
        let mut diag = Diagnostic::error(
            &code::syntax::KDL,
            format!("KDL syntax error: {message}"),
            span,
            d.label.clone().unwrap_or_else(|| "here".to_string()),
        );
        let text = source
            .get(span.offset..span.offset + span.len)
            .unwrap_or("");
        let quotable = !text.is_empty()
            && !text.contains(|c: char| c.is_whitespace() || "\"{}()[]=;\\/#".contains(c));
        diag = diag.with_help(if message == "Found invalid node name" && quotable {
            // Environment variable names like 2FA_ISSUER are not bare KDL identifiers.
            format!("quote the name: `{:?}`", text)
        } else {
            d.help.clone().unwrap_or_else(|| {
                "stowage.kdl is a KDL 2.0 document: see https://kdl.dev".to_string()
            })
        });
        diags.push(diag);
    }
    if let Some(first) = unclosed {
        diags.push(first);
    }
    if diags.is_empty() {
        diags.push(Diagnostic::error(
            &code::syntax::KDL,
            "KDL syntax error",
            Span::new(0, 0),
            "here",
        ));
    }
    diags
}

fn from_nodes(nodes: &[Node], diags: &mut Diagnostics) -> Option<Spec> {
    decode::check_top_level(nodes, diags);
    strings::check(nodes, diags);
    let apps: Vec<&Node> = nodes.iter().filter(|n| n.name == "app").collect();
    if apps.len() > 1 {
        diags.push(
            Diagnostic::error(
                &code::syntax::DUPLICATE_NODE,
                "`app` is given twice",
                apps[1].name_span,
                "given again here",
            )
            .with_label(apps[0].name_span, "first given here")
            .with_help("a spec describes one app: keep one `app` node"),
        );
    }
    let mut dec = Decoder { diags };
    let app = match apps.first() {
        Some(a) => dec.app(a),
        None => {
            let span = nodes.first().map(|n| n.name_span).unwrap_or_default();
            dec.diags.push(
                Diagnostic::error(
                    &code::syntax::MISSING_APP,
                    "the spec has no `app` node",
                    span,
                    "expected `app` first",
                )
                .with_help("start the spec with `app \"my-app\" { namespace \"my-app\" }`"),
            );
            None
        }
    };
    let base_nodes: Vec<Node> = nodes
        .iter()
        .filter(|n| ITEM_KINDS.contains(&n.name.as_str()))
        .cloned()
        .collect();
    let items = dec.items(&tree::prune_disabled(base_nodes.clone()));
    let mut environments = Vec::new();
    for env_node in nodes
        .iter()
        .filter(|n| n.name == "environment" && !n.is_disabled())
    {
        let Some(settings) = dec.env_settings(env_node) else {
            continue;
        };
        let overrides: Vec<Node> = env_node
            .children
            .iter()
            .filter(|n| ITEM_KINDS.contains(&n.name.as_str()))
            .cloned()
            .collect();
        let merged = tree::prune_disabled(tree::merge(&base_nodes, &overrides));
        let items = dec.items(&merged);
        environments.push(settings.with_items(env_node.name_span, items));
    }
    let pipelines: Vec<&Node> = nodes.iter().filter(|n| n.name == "pipeline").collect();
    if pipelines.len() > 1 {
        dec.diags.push(
            Diagnostic::error(
                &code::syntax::DUPLICATE_NODE,
                "`pipeline` is given twice",
                pipelines[1].name_span,
                "given again here",
            )
            .with_label(pipelines[0].name_span, "first given here")
            .with_help("describe the whole delivery pipeline in one `pipeline` node"),
        );
    }
    let pipeline = pipelines.first().and_then(|p| dec.pipeline(p));
    Some(Spec {
        app: app?,
        items,
        environments,
        pipeline,
    })
}
