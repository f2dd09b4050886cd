//! Phase 1, syntax: spec text to the typed AST.
//!
//! Takes the text of `stowage.kdl`, gives a [`ast::Spec`] (base items plus, for every
//! environment, the items merged with that environment's overrides) and the diagnostics of
//! everything that is not of the language's shape. KDL syntax errors come back as diagnostics
//! too, with the file's name.

pub mod ast;
pub mod data;
pub mod decode;
pub mod defaults;
pub mod format;
pub mod include;
mod ingress_defaults;
pub mod keyword;
pub mod lex;
pub mod limits;
pub mod nodes;
pub mod parse;
mod policies;
pub mod strings;
pub mod tree;
pub mod vocab;

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use ast::Spec;
use decode::Decoder;
use tree::Node;
use vocab::is_item;

/// Parse and decode a spec read alone: an `include` in it cannot be read. Returns `None` when
/// the spec is too broken to go further (a KDL syntax error, no `app`); the diagnostics say why.
pub fn parse(source: &str) -> (Option<Spec>, Diagnostics) {
    let (spec, diags, _) = parse_files("stowage.kdl", source, &|_| {
        Err("included files are read only for a spec on disk".to_string())
    });
    (spec, diags)
}

/// Parse and decode a spec named `name` (its path from its folder), reading the files it
/// includes with `read`. Also gives the files read, the spec first.
pub fn parse_files(
    name: &str,
    source: &str,
    read: include::Reader,
) -> (Option<Spec>, Diagnostics, Vec<include::SourceFile>) {
    parse_files_for(name, source, read, None)
}

/// [`parse_files`], decoding the items of the environment `only` and of no other (the others
/// keep their settings, with no items): what `stowage render --env` reads.
pub fn parse_files_for(
    name: &str,
    source: &str,
    read: include::Reader,
    only: Option<&str>,
) -> (Option<Spec>, Diagnostics, Vec<include::SourceFile>) {
    let (nodes, files, mut diags) = include::expand(name, source, read);
    let Some(nodes) = nodes else {
        return (None, diags, files);
    };
    let spec = crate::timings::phase("decode", || from_nodes(nodes, only, &mut diags));
    (spec, diags, files)
}

/// The `policy` nodes of a file of policies alone (stowage's shipped levels).
pub fn declared_policies(source: &str) -> Result<Vec<ast::DeclaredPolicy>, Diagnostics> {
    // Not a phase of its own: it is read in the middle of lowering.
    let nodes = parse::document(source).map_err(|d| {
        let mut diags = Diagnostics::new();
        diags.push(*d);
        diags
    })?;
    let mut diags = Diagnostics::new();
    let mut dec = Decoder { diags: &mut diags };
    let policies = nodes
        .iter()
        .filter_map(|n| dec.declared_policy(n))
        .collect();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(policies)
}

/// One file's top-level nodes, its spans from 0.
fn parse_nodes(source: &str) -> Result<Vec<Node>, Diagnostics> {
    // Size and forbidden characters, before the parser sees the text.
    limits::check(source)?;
    crate::timings::phase("parse", || parse::document(source)).map_err(|d| {
        let mut diags = Diagnostics::new();
        diags.push(*d);
        diags
    })
}

fn from_nodes(mut nodes: Vec<Node>, only: Option<&str>, diags: &mut Diagnostics) -> Option<Spec> {
    decode::check_top_level(&mut nodes, diags);
    strings::check(&nodes, diags);
    let app = app(&mut Decoder { diags }, &nodes);
    // The items are moved out of the top-level nodes (the rest are read below).
    let (base_nodes, nodes): (Vec<Node>, Vec<Node>) =
        nodes.into_iter().partition(|n| is_item(&n.name));
    let blocks = defaults::Blocks::new(&nodes, diags);
    for d in nodes
        .iter()
        .filter(|n| n.name == nodes::defaults::DEFAULTS.name)
    {
        let mut dec = Decoder { diags };
        dec.shape(d, &nodes::defaults::DEFAULTS);
        dec.children_of(&nodes::defaults::DEFAULTS, &d.children);
        if d.label().is_none() {
            dec.name_arg(d, nodes::defaults::DEFAULTS.what);
        }
    }
    let mut dec = Decoder { diags };
    let base_nodes = blocks.apply(base_nodes, dec.diags);
    let env_nodes: Vec<&Node> = nodes
        .iter()
        .filter(|n| n.name == "environment" && !n.is_disabled())
        .collect();
    // The base and every environment are decoded on their own, in parallel; what each finds
    // is said in the spec's order (base, policies, environments).
    let ((items, base_diags), decoded) = rayon::join(
        || decoded(|dec| dec.items(tree::pruned(&base_nodes).iter())),
        || {
            use rayon::prelude::*;
            env_nodes
                .par_iter()
                .map(|e| {
                    let wanted = only.is_none_or(|o| e.label() == Some(o));
                    let base = wanted.then_some(&base_nodes[..]);
                    decoded(|dec| environment(dec, &blocks, base, e))
                })
                .collect::<Vec<_>>()
        },
    );
    dec.diags.extend(base_diags);
    let policies: Vec<ast::DeclaredPolicy> = nodes
        .iter()
        .filter(|n| n.name == nodes::policy::DECLARED_POLICY.name && !n.is_disabled())
        .filter_map(|n| dec.declared_policy(n))
        .collect();
    let mut environments = Vec::new();
    for (e, found) in decoded {
        dec.diags.extend(found);
        environments.extend(e);
    }
    let environments = environments
        .into_iter()
        .map(|e| policies::resolve(e, &policies, dec.diags))
        .collect();
    let pipelines: Vec<&Node> = nodes.iter().filter(|n| n.name == "pipeline").collect();
    once(
        &mut dec,
        &pipelines,
        "describe the whole delivery pipeline in one `pipeline` node",
    );
    let pipeline = pipelines.first().and_then(|p| dec.pipeline(p));
    let crds = nodes
        .iter()
        .filter(|n| n.name == "crd" && !n.is_disabled())
        .filter_map(|n| dec.file_ref(n, &nodes::object::CRD))
        .collect();
    Some(Spec {
        app: app?,
        items,
        environments,
        pipeline,
        crds,
        defaults: blocks.list(),
        policies,
    })
}

/// The one `app` node.
fn app(dec: &mut Decoder, nodes: &[Node]) -> Option<ast::App> {
    let apps: Vec<&Node> = nodes.iter().filter(|n| n.name == "app").collect();
    once(dec, &apps, "a spec describes one app: keep one `app` node");
    if let Some(a) = apps.first() {
        return dec.app(a);
    }
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

/// A top-level node that may be given once.
fn once(dec: &mut Decoder, given: &[&Node], help: &str) {
    if let [first, second, ..] = given {
        dec.diags.push(
            Diagnostic::error(
                &code::syntax::DUPLICATE_NODE,
                format!("`{}` is given twice", first.name),
                second.name_span,
                "given again here",
            )
            .with_label(first.name_span, "first given here")
            .with_help(help),
        );
    }
}

/// What `f` decodes with a decoder of its own, and what it found wrong.
fn decoded<T>(f: impl FnOnce(&mut Decoder) -> T) -> (T, Diagnostics) {
    let mut diags = Diagnostics::new();
    let out = f(&mut Decoder { diags: &mut diags });
    (out, diags)
}

/// An environment: its settings, and the items of `base` merged with its overrides (none
/// without `base`).
fn environment(
    dec: &mut Decoder,
    blocks: &defaults::Blocks,
    base: Option<&[Node]>,
    env: &Node,
) -> Option<ast::Environment> {
    let settings = dec.env_settings(env)?;
    let Some(base) = base else {
        return Some(settings.with_items(env.name_span, ast::Items::default()));
    };
    let overrides: Vec<Node> = env
        .children
        .iter()
        .filter(|n| is_item(&n.name))
        .cloned()
        .collect();
    let overrides = blocks.apply(overrides, dec.diags);
    let mut merged = tree::prune_merged(tree::merge(base, &overrides));
    ingress_defaults::apply(&settings, env.span, &mut merged, dec.diags);
    let items = dec.items(merged.iter().map(|n| &**n));
    Some(settings.with_items(env.name_span, items))
}
