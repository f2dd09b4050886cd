//! The `kdl` crate as the oracle for stowage's own KDL parser: the same document read by it,
//! as stowage's node tree (spans included, a value's span being its text alone).

use kdl::{KdlDocument, KdlEntry, KdlNode};
use stowage::diagnostic::Span;
use stowage::syntax::tree::{Node, Prop, Value};

/// How stowage's parser and the `kdl` crate disagree on `text`, if they do: one accepts what the
/// other refuses, or they read other nodes, values or spans (the span of a whole node aside:
/// the `kdl` crate's takes the spaces after it). Texts stowage refuses before any KDL rule
/// applies (too large, nested too deep) are not compared.
pub fn disagreement(text: &str) -> Option<String> {
    let ours = stowage::syntax::limits::check(text)
        .map_err(|d| d.iter().next().unwrap().message.clone())
        .and_then(|()| stowage::syntax::parse::document(text).map_err(|d| d.message));
    let limited = stowage::syntax::parse::document(text)
        .is_err_and(|d| d.code != &stowage::diagnostic::code::syntax::KDL);
    if limited {
        return None;
    }
    match (ours, nodes(text)) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (comparable(a), comparable(b));
            (format!("{a:?}") != format!("{b:?}"))
                .then(|| format!("different nodes:\nours: {a:?}\nkdl:  {b:?}"))
        }
        (Err(_), Err(_)) => None,
        (Ok(_), Err(e)) => Some(format!("accepted; the kdl crate refuses: {e:?}")),
        (Err(_), Ok(_)) if kdl_crate_gap(text) => None,
        (Err(e), Ok(_)) => Some(format!("refused ({e}); the kdl crate accepts")),
    }
}

/// What the KDL 2.0 specification (and its test suite) refuses and the `kdl` crate 6.7.1
/// accepts: code points KDL disallows (U+007F in an identifier, U+0000 in a comment: the
/// crate checks them in some places only; a byte order mark may start the text) and the C1
/// controls stowage refuses beyond KDL (terminals act on them), and a
/// single-line raw string whose body starts with `""` (`#"""one line"""#`, which only a
/// multi-line string may start with), and `-inf` without `#` (the suite refuses `inf -inf nan`;
/// the crate refuses `inf` but reads `-inf` as a string), and a slashdashed value or node right
/// after a block on its line (`a { b } /-c`: a node needs a terminator before the next). stowage
/// follows the specification.
pub fn kdl_crate_gap(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.chars().any(stowage::syntax::lex::is_disallowed)
        || stowage::syntax::lex::tokens(text).is_err_and(|e| {
            e.message
                .starts_with("a single-line raw string cannot start with")
                || e.message == "`-inf` is not a value in KDL 2.0"
        })
        || stowage::syntax::parse::document(text).is_err_and(|d| {
            d.message == "values and properties go before the node's block" && text.contains("/-")
        })
        || slashdashed_node_ends_with_semicolon(text)
}

/// A slashdashed node ended by `;` (`/- node;`), which the grammar allows (`node :=
/// base-node node-terminator`, `;` a terminator) and the crate refuses.
fn slashdashed_node_ends_with_semicolon(text: &str) -> bool {
    use stowage::syntax::lex::Tok;
    let Ok(tokens) = stowage::syntax::lex::tokens(text) else {
        return false;
    };
    let mut node_start = true;
    let mut in_slashdashed: Option<usize> = None;
    let mut depth = 0usize;
    for t in &tokens {
        match (&t.tok, in_slashdashed) {
            (Tok::Slashdash, None) if node_start => in_slashdashed = Some(depth),
            (Tok::LBrace, _) => depth += 1,
            (Tok::RBrace, _) => depth = depth.saturating_sub(1),
            (Tok::Semi, Some(d)) if d == depth => return true,
            (Tok::Newline, Some(d)) if d == depth => in_slashdashed = None,
            _ => {}
        }
        node_start = match &t.tok {
            Tok::Newline | Tok::Semi | Tok::LBrace | Tok::RBrace => true,
            Tok::LineComment(_) | Tok::BlockComment(_) => node_start,
            _ => false,
        };
    }
    false
}

fn comparable(mut nodes: Vec<Node>) -> Vec<Node> {
    fn strip(n: &mut Node) {
        n.span = Span::default();
        n.children.iter_mut().for_each(strip);
    }
    nodes.iter_mut().for_each(strip);
    nodes
}

/// The top-level nodes of `text`, as the `kdl` crate reads it (on a thread with a large
/// stack: its parser recurses deeply on broken input).
pub fn nodes(text: &str) -> Result<Vec<Node>, kdl::KdlError> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(s, || {
                let doc: KdlDocument = text.parse()?;
                Ok(doc.nodes().iter().map(node).collect())
            })
            .unwrap()
            .join()
            .unwrap()
    })
}

fn node(node: &KdlNode) -> Node {
    let mut args = Vec::new();
    let mut props = Vec::new();
    for e in node.entries() {
        let value = Value {
            value: e.value().clone(),
            span: value_span(e),
        };
        match e.name() {
            Some(k) => props.push(Prop {
                key: k.value().to_string(),
                key_span: k.span().into(),
                value,
            }),
            None => args.push(value),
        }
    }
    Node {
        name: node.name().value().to_string(),
        name_span: node.name().span().into(),
        span: node.span().into(),
        ty: node.ty().map(|t| t.value().to_string()),
        args,
        props,
        children: node
            .children()
            .map(|d| d.nodes().iter().map(self::node).collect())
            .unwrap_or_default(),
        block: node.children().is_some(),
        override_span: None,
    }
}

/// The span of an entry's value alone: `"500mi"` rather than `memory="500mi"`.
fn value_span(e: &KdlEntry) -> Span {
    let entry: Span = e.span().into();
    match e.format().map(|f| f.value_repr.len()) {
        Some(n) if n > 0 && n <= entry.len => Span::new(entry.offset + entry.len - n, n),
        _ => entry,
    }
}
