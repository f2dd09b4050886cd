//! Where CI finds the spec and the output: every generated job starts at the repository root,
//! the git work tree that holds the output folder (the output folder itself outside any).

use super::relative_path;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use std::path::{Path, PathBuf};

/// The spec's and the output folder's paths from the repository root, and what to warn about.
pub(super) struct Place {
    pub spec: String,
    pub out: String,
    pub warning: Option<Diagnostic>,
}

/// Place a spec with a pipeline (whose node is at `span`) and its output folder `out`.
pub(super) fn place(spec: &Path, out: &Path, span: Span) -> Result<Place, Diagnostics> {
    let (root, in_repository) = root(out);
    let spec_path = relative_path(&root, spec);
    let outside = spec_path == ".." || spec_path.starts_with("../");
    if outside && in_repository {
        let mut diags = Diagnostics::new();
        diags.push(
            Diagnostic::error(
                &code::pipeline::OUTSIDE,
                "the spec is outside the repository of its output folder: CI cannot read it",
                span,
                "runs from the repository root",
            )
            .with_help("keep stowage.kdl in the repository its output is written to"),
        );
        return Err(diags);
    }
    if outside {
        // A scratch folder: the jobs take it as the repository root, as if it were one.
        let warning = Diagnostic::warning(
            &code::pipeline::ROOT,
            "no git repository holds the output folder: the pipeline takes it as the repository root, and the spec is outside it",
            span,
            "runs from the repository root",
        )
        .with_help("build into the repository that holds stowage.kdl");
        return Ok(Place {
            spec: spec_path,
            out: String::new(),
            warning: Some(warning),
        });
    }
    let out_path = relative_path(&root, out);
    let warning = (!out_path.is_empty()).then(|| {
        Diagnostic::warning(
            &code::pipeline::ROOT,
            format!(
                "the pipeline files are written to {out_path}/, not to the repository root"
            ),
            span,
            "GitHub and GitLab read them at the root",
        )
        .with_help(
            "build with `-o` the repository root, or move .github/workflows and .gitlab-ci.yml there yourself: the jobs already find the spec and the output from the root",
        )
    });
    Ok(Place {
        spec: spec_path,
        out: out_path,
        warning,
    })
}

/// The root of the repository holding the output folder (the git work tree), or the output
/// folder itself outside any; and whether there is a repository.
fn root(out: &Path) -> (PathBuf, bool) {
    let out_abs = super::absolute(out);
    match out_abs.ancestors().find(|d| d.join(".git").exists()) {
        Some(r) => (r.to_path_buf(), true),
        None => (out_abs, false),
    }
}

/// The output folder from the root of the repository holding it (the root itself outside
/// any): empty, or a path ending in `/`.
pub(super) fn out_from_root(out: &Path) -> String {
    match relative_path(&root(out).0, out).as_str() {
        "" | "." => String::new(),
        o => format!("{o}/"),
    }
}
