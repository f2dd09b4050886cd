//! What the fuzz targets run: the whole of stowage on one spec text, in memory.
//!
//! [`pipeline`] does what `stowage build` does without touching the disk: parse, check, render
//! every diagnostic (human, JSON, GitHub), and, when there is no error, lower to the IR, render
//! every environment and run every emitter. Any panic, overflow or hang in there is a bug.

use std::path::{Component, Path, PathBuf};
use stowage::diagnostic::{Style, render_github, render_human, render_json};

/// Run the whole compiler on `text`, as `stowage build` does (config files read as a small
/// fixed text each).
pub fn pipeline(text: &str) {
    let source = stowage::compile::Source {
        path: PathBuf::from("stowage.kdl"),
        text: text.to_string(),
    };
    let checked =
        stowage::compile::check_with(&source, &|p: &str| Ok(format!("contents of {p}\n")));
    for d in checked.diagnostics.sorted() {
        let _ = render_human(d, "stowage.kdl", text, Style::Plain, 100);
        let _ = render_json(d, "stowage.kdl", text);
        let _ = render_github(d, "stowage.kdl", text);
    }
    if checked.diagnostics.has_errors() {
        return;
    }
    let generated = match stowage::compile::generate(&source, checked, Path::new(".")) {
        Ok(g) => g,
        // Where the output goes can stop a build (a spec outside its repository): with an error.
        Err(d) => {
            assert!(d.has_errors(), "no output and no error diagnostic");
            return;
        }
    };
    let ir = &generated.ir;
    for env in &ir.environments {
        let mut objects = env.render();
        stowage::ir::sort_objects(&mut objects);
        let _ = stowage::emit::yaml::documents(&stowage::emit::header(&ir.spec_file), &objects);
    }
    let out = generated.files;
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

#[path = "../../tests/common/kdl_oracle.rs"]
mod kdl_oracle;

/// stowage's parser and the `kdl` crate, the reference, read `text` alike (see
/// `tests/common/kdl_oracle.rs`).
pub fn same_as_the_kdl_crate(text: &str) {
    if let Some(d) = kdl_oracle::disagreement(text) {
        panic!("{text:?}: {d}");
    }
}
