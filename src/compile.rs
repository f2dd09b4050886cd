//! The driver: reads a spec, runs the phases in order, and returns their results.
//!
//! Takes a spec path and an output folder, gives the diagnostics and (when there are no
//! errors) the IR and the generated files. This is the only place besides [`crate::output`]
//! that touches the disk: it reads the spec and the files its configs name.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::{self, FileSet};
use crate::ir::{self, Ir};
use crate::syntax::{
    self,
    ast::{S, Spec},
};

mod deployed;
mod repository;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// A spec as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (shown in diagnostics).
    pub path: PathBuf,
    pub text: String,
}

/// What went wrong before any diagnostic could be made.
#[derive(Debug)]
pub struct IoFailure(pub String);

impl std::fmt::Display for IoFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a spec read from standard input (`-f -`) is named in messages; included files are
/// found from the current folder.
pub const STDIN: &str = "<stdin>";

/// Read a spec: a file, or standard input for `-`.
pub fn read_source(path: &Path) -> Result<Source, IoFailure> {
    // Read at most one byte more than a spec may have: a huge file (or /dev/zero) is refused
    // without being read into memory.
    let limit = crate::syntax::limits::MAX_SPEC_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let stdin = path == Path::new("-");
    let read = if stdin {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin(), limit),
            &mut bytes,
        )
    } else {
        std::fs::File::open(path).and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
        })
    };
    let path = if stdin { Path::new(STDIN) } else { path };
    read.map_err(|e| IoFailure(format!("cannot read {}: {e}", path.display())))?;
    let limit = crate::syntax::limits::MAX_SPEC_BYTES;
    if bytes.len() > limit {
        return Err(IoFailure(format!(
            "{} is larger than {} MiB: stowage reads specs of at most {} bytes",
            path.display(),
            limit >> 20,
            limit
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        IoFailure(format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Source {
        path: path.to_path_buf(),
        text,
    })
}

/// Results of the front end: every diagnostic, and the lowered spec when it has no errors (the
/// spec itself when it could be decoded but not lowered).
pub struct Checked {
    pub spec: Option<Spec>,
    pub diagnostics: Diagnostics,
    pub files: BTreeMap<String, String>,
    /// The IR, when the spec has no errors; its spec file is set by [`generate`].
    pub ir: Option<Ir>,
    /// The spec's files: the spec, then the files it includes (their paths from its folder).
    pub sources: Vec<syntax::include::SourceFile>,
}

/// Parse and check a spec; read the files its configs name from the spec's folder.
pub fn check(source: &Source) -> Checked {
    check_with(source, &|p: &str| read_beside(source, p))
}

/// A file the spec names, read from the spec's folder.
fn read_beside(source: &Source, path: &str) -> Result<String, String> {
    let dir = source.path.parent().unwrap_or(Path::new("."));
    std::fs::read_to_string(dir.join(path)).map_err(|e| e.to_string())
}

/// The spec's name as its diagnostics give it: its file name.
fn spec_name(source: &Source) -> String {
    source.path.file_name().map_or_else(
        || "stowage.kdl".into(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Parse and decode a spec, without checking it: its AST (for what lists or reads it as
/// written: `stowage waivers`), the problems, and the files read (the spec first).
pub fn parse(source: &Source) -> (Option<Spec>, Diagnostics, Vec<syntax::include::SourceFile>) {
    syntax::parse_files(&spec_name(source), &source.text, &|p: &str| {
        read_beside(source, p)
    })
}

/// The spec's top-level nodes, each `include` replaced by the included file's (spans into the
/// spec and the files after it, as [`Checked::sources`] has them).
pub fn nodes(source: &Source) -> Vec<syntax::tree::Node> {
    let read = |p: &str| read_beside(source, p);
    syntax::include::expand(&spec_name(source), &source.text, &read)
        .0
        .unwrap_or_default()
}

/// [`check`], with the files its configs name read by `read` (given the path as written in the
/// spec, relative to the spec's folder): `stowage diff` reads them from git.
pub fn check_with(source: &Source, read: &dyn Fn(&str) -> Result<String, String>) -> Checked {
    check_lowering(source, read, None)
}

/// [`check`], decoding the items of the environment `only` and of no other, and lowering that
/// environment alone (when the spec has it): what `stowage render --env` needs. What is wrong
/// in the base's items alone or in other environments' items is not looked for.
pub fn check_environment(source: &Source, only: &str) -> Checked {
    check_lowering(source, &|p: &str| read_beside(source, p), Some(only))
}

fn check_lowering(
    source: &Source,
    read: &dyn Fn(&str) -> Result<String, String>,
    only: Option<&str>,
) -> Checked {
    let (spec, mut diagnostics, sources) =
        syntax::parse_files_for(&spec_name(source), &source.text, read, only);
    let mut files = BTreeMap::new();
    if let Some(spec) = &spec {
        ir::warm(spec);
        diagnostics.extend(crate::timings::phase("check", || crate::check::check(spec)));
        for (path, code, deployed) in read_files(spec) {
            if let Some(text) = read_file(path, code, deployed, read, &mut diagnostics) {
                files.insert(path.v.clone(), text);
            }
        }
    }
    let mut diagnostics = one_secret_finding_per_value(diagnostics);
    // A spec without errors is lowered here, so that the names of the objects as deployed
    // (prefixes, hashes) are checked too.
    let mut ir = None;
    let mut spec = spec;
    if !diagnostics.has_errors()
        && let Some(mut s) = spec.take()
    {
        let alone = only.filter(|env| s.environments.iter().any(|e| e.name.v == *env));
        if let Some(env) = alone {
            s.environments.retain(|e| e.name.v == env);
        }
        let places = deployed::Places::of(&s);
        let (lowered, found) = crate::timings::phase("lower", || match alone {
            Some(_) => ir::lower_environments(s, &files),
            None => ir::lower(s, "", &files),
        });
        diagnostics.extend(found);
        diagnostics.extend(places.diagnostics(&ir::verify::names(&lowered)));
        ir = Some(lowered);
    }
    Checked {
        spec,
        diagnostics,
        files,
        ir,
        sources,
    }
}

/// A file the spec reads, the code a problem reading it is reported as, and whether its
/// contents are deployed (and so scanned for credentials).
type FileUse<'s> = (&'s S<String>, &'static code::Code, bool);

/// Every file a spec reads, once each: configs' files and manifests (deployed), CRDs (schemas
/// only).
fn read_files(spec: &Spec) -> Vec<FileUse<'_>> {
    let all_items = spec.all_items();
    let mut out: Vec<FileUse> = Vec::new();
    for items in all_items {
        let configs = items
            .configs
            .iter()
            .flat_map(|c| c.files.iter().map(|f| &f.path));
        out.extend(configs.map(|p| (p, &code::config::FILE, true)));
        out.extend(
            items
                .manifests
                .iter()
                .map(|m| (&m.path, &code::object::FILE, true)),
        );
    }
    out.extend(
        spec.crds
            .iter()
            .map(|c| (&c.path, &code::object::FILE, false)),
    );
    let mut seen = std::collections::HashSet::new();
    out.retain(|(p, _, _)| seen.insert(p.v.clone()));
    out
}

/// A file the spec names, relative to its folder: refused outside it, scanned for forbidden
/// characters, and for credentials when it is deployed.
fn read_file(
    path: &S<String>,
    code: &'static code::Code,
    deployed: bool,
    read: &dyn Fn(&str) -> Result<String, String>,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let p = Path::new(&path.v);
    if p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
        diagnostics.push(
            Diagnostic::error(
                code,
                format!("`{}` is outside the spec's folder", path.v),
                path.span,
                "not under the spec's folder",
            )
            .with_help("files are read relative to stowage.kdl and must stay inside its folder"),
        );
        return None;
    }
    match read(&path.v) {
        Ok(text) => {
            let what = format!("`{}`", path.v);
            diagnostics.extend(crate::syntax::strings::check_text(&text, path.span, &what));
            if deployed {
                diagnostics.extend(crate::syntax::strings::check_secret(
                    &text, path.span, &what,
                ));
            }
            Some(text)
        }
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    code,
                    format!("cannot read `{}`: {e}", path.v),
                    path.span,
                    "file not readable",
                )
                .with_help("the path is relative to the folder of stowage.kdl"),
            );
            None
        }
    }
}

/// A value can look like a credential both by its text and by its variable's name: say it once.
fn one_secret_finding_per_value(diagnostics: Diagnostics) -> Diagnostics {
    let mut seen = std::collections::HashSet::new();
    let mut out = Diagnostics::new();
    out.extend(
        diagnostics
            .into_iter()
            .filter(|d| d.code != &code::secret::PLAINTEXT || seen.insert(d.primary.span)),
    );
    out
}

/// The files a build reads, which it must never overwrite or remove: the spec, the files it
/// includes and the files its configs name (absolute, symbolic links resolved; those that do
/// not exist are left out).
pub fn inputs(source: &Source, checked: &Checked) -> Vec<PathBuf> {
    let dir = source.path.parent().unwrap_or(Path::new("."));
    std::iter::once(source.path.clone())
        .chain(checked.sources.iter().skip(1).map(|f| dir.join(&f.name)))
        .chain(checked.files.keys().map(|f| dir.join(f)))
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect()
}

/// Everything generated from a spec.
pub struct Generated {
    pub ir: Ir,
    pub files: FileSet,
    /// Warnings about where the output goes (the diagnostics of the spec are the check's).
    pub warnings: Diagnostics,
}

/// Lower and emit a checked spec for the output folder `out`. `Err` holds what stops it: the
/// check's errors, or a pipeline that CI could not run from where the spec and `out` are.
pub fn generate(source: &Source, checked: Checked, out: &Path) -> Result<Generated, Diagnostics> {
    if checked.diagnostics.has_errors() {
        return Err(checked.diagnostics);
    }
    let Some(mut ir) = checked.ir else {
        return Err(checked.diagnostics);
    };
    ir.set_spec_file(&relative_path(out, &source.path));
    let mut warnings = Diagnostics::new();
    if let Some(p) = &mut ir.pipeline {
        let place = repository::place(&source.path, out, p.span)?;
        warnings.extend(place.warning);
        p.place(&place.spec, &place.out);
    }
    if !ir.gitops.is_empty() {
        let out = repository::out_from_root(out);
        for g in &mut ir.gitops {
            g.place(&out);
        }
    }
    let files = crate::timings::phase("emit", || emit::all(&ir));
    Ok(Generated {
        ir,
        files,
        warnings,
    })
}

/// `p` from the filesystem root, `.` and `..` resolved by name.
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// `to` relative to the folder `from`, with '/' separators (both made absolute first).
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (from, to) = (absolute(from), absolute(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = from
        .components()
        .skip(common)
        .map(|_| "..".to_string())
        .collect();
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
