//! What the fuzz targets run: the whole of stowage on one spec text, in memory.
//!
//! [`pipeline`] does what `stowage build` does without touching the disk: parse, check, render
//! every diagnostic (human, JSON, GitHub), and, when there is no error, lower to the IR, render
//! every environment and run every emitter. Any panic, overflow or hang in there is a bug.

use std::collections::BTreeMap;
use std::path::{Component, Path};
use stowage::diagnostic::{Style, render_github, render_human, render_json};

/// Run the whole compiler on `text`.
pub fn pipeline(text: &str) {
    let (spec, mut diags) = stowage::syntax::parse(text);
    let mut files = BTreeMap::new();
    if let Some(spec) = &spec {
        diags.extend(stowage::check::check(spec));
        // Config files: stowage reads them relative to the spec (compile::check); here every
        // file that stowage would accept reads as a small fixed text, and any other is an error.
        let configs = spec
            .items
            .configs
            .iter()
            .chain(spec.environments.iter().flat_map(|e| e.items.configs.iter()));
        for f in configs.flat_map(|c| c.files.iter()) {
            let p = Path::new(&f.path.v);
            if p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
                diags.push(stowage::diagnostic::Diagnostic::error(
                    "stowage::config::file",
                    "outside",
                    f.path.span,
                    "here",
                ));
                continue;
            }
            files.insert(f.path.v.clone(), format!("contents of {}\n", f.path.v));
        }
    }
    for d in diags.sorted() {
        let _ = render_human(d, "stowage.kdl", text, Style::Plain, 100);
        let _ = render_json(d, "stowage.kdl", text);
        let _ = render_github(d, "stowage.kdl", text);
    }
    if diags.has_errors() {
        return;
    }
    let Some(spec) = spec else {
        panic!("no spec and no error diagnostic");
    };
    let ir = stowage::ir::lower(spec, "stowage.kdl", &files);
    for env in &ir.environments {
        let mut objects = env.render();
        stowage::ir::sort_objects(&mut objects);
        let _ = stowage::emit::yaml::documents(&stowage::emit::header(&ir.spec_file), &objects);
    }
    let out = stowage::emit::all(&ir);
    // Every generated path must stay inside the output folder (output::write refuses others).
    for path in out.keys() {
        let p = Path::new(path);
        assert!(
            !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_))),
            "generated path leaves the output folder: {path:?}"
        );
    }
}

pub mod mutate;
