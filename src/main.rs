//! The `stowage` command line.

// jemalloc: the pipeline builds and frees millions of small JSON values; glibc's allocator
// spends about a third of the run on them (bench/NOTES.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile::{self, Source};
use stowage::diagnostic::{self, Style};
use stowage::ir::pipeline::Platform;
use stowage::output::{self, Drift, diff, diff_format};
use stowage::revision::{self, SpecRef};
use stowage::syntax::format::{self, FormatError};

#[derive(Parser)]
#[command(
    name = "stowage",
    version,
    about = "Compile one KDL spec into kustomize, Helm and CI configuration"
)]
struct Cli {
    /// How to print diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum MessageFormat {
    /// Annotated source excerpts (colour unless NO_COLOR is set or output is not a terminal).
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
    /// GitHub Actions annotations (`::error file=...`).
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Generate every output and write it under OUT.
    Build {
        /// The spec.
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
        /// The output folder (default: the spec's folder).
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Overwrite files that were edited by hand or not written by stowage.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate in memory and compare with OUT; exit 1 when they differ.
    Check {
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
    },
    /// Report diagnostics only.
    Validate {
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
    },
    /// List the secrets and variables the generated CI pipelines need.
    Secrets {
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
    },
    /// Print the fully resolved objects of one environment.
    Render {
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
        /// The environment to render.
        #[arg(long)]
        env: String,
        #[arg(long, value_enum, default_value_t = RenderFormat::Yaml)]
        format: RenderFormat,
    },
    /// Compare the deployed objects of two versions of the spec; exit 1 when they differ.
    ///
    /// OLD and NEW are spec files or git revisions: `git:REV` (the spec at REV) or
    /// `git:REV:PATH` (PATH from the repository's root). The work tree is never touched.
    Diff {
        /// The spec a `git:REV` operand without a path reads (default: the file operand, if
        /// there is one, else stowage.kdl).
        #[arg(short = 'f', long = "file")]
        spec: Option<PathBuf>,
        /// Compare this environment only (default: every environment of either version).
        #[arg(long)]
        env: Option<String>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// The old version: a spec file, git:REV or git:REV:PATH.
        old: String,
        /// The new version: a spec file, git:REV or git:REV:PATH.
        new: String,
    },
    /// Rewrite the spec in canonical layout, keeping every comment.
    Fmt {
        #[arg(short = 'f', long = "file", default_value = "stowage.kdl")]
        spec: PathBuf,
        /// Change nothing: print the changes formatting would make, exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): stowage(1), or stowage-COMMAND(1) for one command.
    Man {
        /// The command whose page to print (default: the page of stowage itself).
        command: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    /// Summary and field paths for a terminal (colour unless NO_COLOR is set).
    Human,
    /// Collapsible blocks per object, for a pull-request comment.
    Markdown,
    /// One JSON document.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum RenderFormat {
    Yaml,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn out_dir(spec: &Path, out: &Option<PathBuf>) -> PathBuf {
    match out {
        Some(o) => o.clone(),
        None => match spec.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    }
}

/// How many diagnostics the human format prints in full.
const MAX_HUMAN_DIAGNOSTICS: usize = 50;

/// Print diagnostics; returns whether there were errors.
fn report(cli: &Cli, source: &Source, diags: &diagnostic::Diagnostics) -> bool {
    let mut file = source.path.display().to_string();
    // GitHub matches annotations to files by their path from the repository's root (the
    // current folder in CI).
    if cli.message_format == MessageFormat::Github && source.path.is_absolute() {
        let rel = compile::relative_path(Path::new("."), &source.path);
        if !rel.starts_with("..") {
            file = rel;
        }
    }
    let stderr = std::io::stderr();
    // GitHub reads workflow commands from standard output.
    let mut err: Box<dyn Write> = if cli.message_format == MessageFormat::Github {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(stderr.lock())
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stderr.is_terminal();
    let renderer = diagnostic::Renderer::new(&file, &source.text);
    let mut sorted = diags.sorted();
    if cli.message_format == MessageFormat::Human && sorted.len() > MAX_HUMAN_DIAGNOSTICS {
        // Errors before warnings, so that the ones shown include every error they can.
        sorted.sort_by_key(|d| d.severity != diagnostic::Severity::Error);
    }
    // A terminal gets the first screenfuls; the machine formats get every diagnostic.
    let shown = match cli.message_format {
        MessageFormat::Human => sorted.len().min(MAX_HUMAN_DIAGNOSTICS),
        _ => sorted.len(),
    };
    for d in &sorted[..shown] {
        let text = match cli.message_format {
            MessageFormat::Human => {
                renderer.human(d, if color { Style::Color } else { Style::Plain }, 100)
            }
            MessageFormat::Json => renderer.json(d) + "\n",
            MessageFormat::Github => renderer.github(d) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
    }
    if shown < sorted.len() {
        let _ = writeln!(
            err,
            "... and {} more not shown (`--message-format json` lists every diagnostic)",
            sorted.len() - shown
        );
    }
    if cli.message_format == MessageFormat::Human && !diags.is_empty() {
        let _ = writeln!(
            err,
            "{}: {} error{}, {} warning{}",
            file,
            diags.error_count(),
            if diags.error_count() == 1 { "" } else { "s" },
            diags.warning_count(),
            if diags.warning_count() == 1 { "" } else { "s" }
        );
    }
    diags.has_errors()
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Diff {
            spec,
            env,
            format,
            old,
            new,
        } => run_diff(cli, spec.as_deref(), env.as_deref(), *format, old, new),
        Command::Fmt { spec, check } => run_fmt(cli, spec, *check),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "stowage",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => {
            let mut cmd = Cli::command();
            cmd.build();
            let page = match command {
                None => cmd,
                Some(name) => cmd
                    .find_subcommand(name)
                    .cloned()
                    .ok_or_else(|| format!("no command `{name}`"))?
                    .version(env!("CARGO_PKG_VERSION")),
            };
            match clap_mangen::Man::new(page).render(&mut std::io::stdout()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        Command::Validate { spec } => {
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            let failed = report(cli, &source, &checked.diagnostics);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Build { spec, out, force } => {
            let out = out_dir(spec, out);
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let protected = compile::inputs(&source, &checked);
            let generated = compile::generate(&source, checked, &out)
                .ok_or("the spec could not be compiled")?;
            let files = output::with_manifest(
                generated.files,
                &stowage::emit::header(&generated.ir.spec_file),
            );
            let opts = output::Options {
                force: *force,
                protected,
                on_wait: &|m| eprintln!("{m}"),
            };
            let written = stowage::timings::phase("write", || output::write(&out, &files, &opts))
                .map_err(|e| e.to_string())?;
            print_written(&out, &written);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { spec, out } => {
            let out = out_dir(spec, out);
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let generated = compile::generate(&source, checked, &out)
                .ok_or("the spec could not be compiled")?;
            let files = output::with_manifest(
                generated.files,
                &stowage::emit::header(&generated.ir.spec_file),
            );
            let label = display_prefix(&out);
            let _lock = output::lock::shared(&out, &|m| eprintln!("{m}"))
                .map_err(|e| format!("cannot lock {}: {e}", out.display()))?;
            let drift = stowage::timings::phase("compare", || output::drift(&out, &files, &label));
            if drift.is_empty() {
                eprintln!("{} generated files are up to date", files.len());
                return Ok(ExitCode::SUCCESS);
            }
            let mut stdout = std::io::stdout().lock();
            for d in &drift {
                let shown = format!("{label}{}", d.path());
                match (cli.message_format, d) {
                    (MessageFormat::Github, d) => {
                        let what = match d {
                            Drift::Missing(_) => "is missing: run `stowage build`",
                            Drift::Changed(..) => "differs from the spec: run `stowage build`",
                            Drift::Edited(..) => {
                                "was edited by hand: change stowage.kdl instead, then run `stowage build --force`"
                            }
                            Drift::Stale(_) => {
                                "is no longer generated: run `stowage build` to remove it"
                            }
                            Drift::Unfinished(_) => {
                                "is the journal of a build that was stopped: run `stowage build` to finish it"
                            }
                        };
                        let _ = writeln!(
                            stdout,
                            "{}",
                            diagnostic::github_annotation(
                                "error",
                                &shown,
                                1,
                                1,
                                "stowage drift",
                                &format!("{shown} {what}")
                            )
                        );
                    }
                    (MessageFormat::Json, d) => {
                        let kind = match d {
                            Drift::Missing(_) => "missing",
                            Drift::Changed(..) => "changed",
                            Drift::Edited(..) => "edited",
                            Drift::Stale(_) => "stale",
                            Drift::Unfinished(_) => "unfinished",
                        };
                        let _ = writeln!(
                            stdout,
                            "{}",
                            serde_json::json!({"file": shown, "drift": kind})
                        );
                    }
                    (MessageFormat::Human, Drift::Changed(_, diff)) => {
                        let _ = write!(stdout, "{diff}");
                    }
                    (MessageFormat::Human, Drift::Edited(_, diff)) => {
                        let _ = writeln!(
                            stdout,
                            "edited by hand: {shown} (stowage build will not overwrite it without --force)"
                        );
                        let _ = write!(stdout, "{diff}");
                    }
                    (MessageFormat::Human, Drift::Missing(_)) => {
                        let _ = writeln!(stdout, "missing: {shown}");
                    }
                    (MessageFormat::Human, Drift::Stale(_)) => {
                        let _ = writeln!(stdout, "stale: {shown} (no longer generated)");
                    }
                    (MessageFormat::Human, Drift::Unfinished(_)) => {
                        let _ = writeln!(
                            stdout,
                            "unfinished: a build was stopped while writing here ({shown}); `stowage build` finishes it"
                        );
                    }
                }
            }
            eprintln!(
                "{} of {} generated files drifted from {}: run `stowage build -f {}`",
                drift.len(),
                files.len(),
                source.path.display(),
                source.path.display()
            );
            Ok(ExitCode::from(1))
        }
        Command::Secrets { spec } => {
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let out = out_dir(spec, &None);
            let generated = compile::generate(&source, checked, &out)
                .ok_or("the spec could not be compiled")?;
            let Some(p) = &generated.ir.pipeline else {
                println!(
                    "{} has no pipeline: no CI secrets are needed.",
                    source.path.display()
                );
                return Ok(ExitCode::SUCCESS);
            };
            for platform in &p.platforms {
                let (title, kind) = match platform {
                    Platform::Github => ("GitHub Actions", "repository or environment secrets"),
                    Platform::Gitlab => ("GitLab CI", "CI/CD variables (masked)"),
                };
                println!("{title}: {kind}");
                for s in p.secrets(*platform) {
                    println!("  {:<24} {}", s.name, s.purpose);
                }
                let gated: Vec<&str> = p
                    .deploys
                    .iter()
                    .filter(|d| d.approval)
                    .map(|d| d.env.as_str())
                    .collect();
                if *platform == Platform::Gitlab {
                    println!(
                        "  (mark a variable protected only if every deploy that uses it runs from a protected\n   branch or tag: elsewhere a protected variable is empty)"
                    );
                }
                if !gated.is_empty() && *platform == Platform::Github {
                    println!(
                        "  (add required reviewers to the environment{} {} for approvals)",
                        if gated.len() == 1 { "" } else { "s" },
                        gated.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Render { spec, env, format } => {
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let out = out_dir(spec, &None);
            let generated = compile::generate(&source, checked, &out)
                .ok_or("the spec could not be compiled")?;
            let Some(e) = generated.ir.environments.iter().find(|e| &e.name == env) else {
                let names: Vec<&str> = generated
                    .ir
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                return Err(format!(
                    "no environment `{env}` (environments: {})",
                    names.join(", ")
                ));
            };
            let mut objects = e.render();
            stowage::ir::sort_objects(&mut objects);
            let text = match format {
                RenderFormat::Json => {
                    serde_json::to_string_pretty(&objects).expect("objects serialize") + "\n"
                }
                RenderFormat::Yaml => stowage::emit::yaml::documents(
                    &stowage::emit::header(&generated.ir.spec_file),
                    &objects,
                ),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The summary of a build on standard error.
fn print_written(out: &Path, written: &output::Written) {
    use stowage::output::journal::Recovery;
    match written.recovered {
        Recovery::Nothing | Recovery::Discarded => {}
        Recovery::RolledForward => eprintln!(
            "finished the build that was stopped while writing to {}",
            out.display()
        ),
        Recovery::RolledBack => eprintln!(
            "undid the build that was stopped while undoing a failure in {}",
            out.display()
        ),
    }
    for (path, why) in &written.kept {
        eprintln!(
            "kept {}: no longer generated, but not removed ({why})",
            out.join(path).display()
        );
    }
    eprintln!(
        "wrote {} file{} to {} ({} unchanged, {} removed)",
        written.written.len(),
        if written.written.len() == 1 { "" } else { "s" },
        out.display(),
        written.unchanged.len(),
        written.removed.len()
    );
}

/// How the output folder is shown before generated paths: relative to the current folder.
fn display_prefix(out: &Path) -> String {
    let rel = compile::relative_path(Path::new("."), out);
    if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    }
}

/// Whether to colour standard output.
fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn run_diff(
    cli: &Cli,
    spec: Option<&Path>,
    env: Option<&str>,
    format: DiffFormat,
    old: &str,
    new: &str,
) -> Result<ExitCode, String> {
    let refs = [SpecRef::parse(old), SpecRef::parse(new)];
    let default_spec = spec
        .map(Path::to_path_buf)
        .or_else(|| {
            refs.iter().find_map(|r| match r {
                SpecRef::File(p) => Some(p.clone()),
                SpecRef::Git { .. } => None,
            })
        })
        .unwrap_or_else(|| PathBuf::from("stowage.kdl"));
    let mut loaded = Vec::new();
    for r in &refs {
        loaded.push(revision::load(r, &default_spec).map_err(|e| e.to_string())?);
    }
    let broken: Vec<&revision::Loaded> = loaded
        .iter()
        .filter(|l| l.checked.diagnostics.has_errors())
        .collect();
    if !broken.is_empty() {
        for l in &broken {
            report(cli, &l.source, &l.checked.diagnostics);
        }
        if format == DiffFormat::Markdown {
            print!("{}", diff_format::MARKDOWN_MARKER);
            println!("\n### stowage diff\n");
            for l in &broken {
                println!(
                    "`{}` has {} error{}: run `stowage validate` on it.",
                    l.label.replace('`', "'"),
                    l.checked.diagnostics.error_count(),
                    if l.checked.diagnostics.error_count() == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
            }
        }
        return Ok(ExitCode::from(1));
    }
    let irs: Vec<stowage::ir::Ir> = loaded
        .iter_mut()
        .map(|l| {
            let mut ir = l
                .checked
                .ir
                .take()
                .ok_or("the spec could not be compiled")?;
            ir.set_spec_file(&l.label);
            Ok(ir)
        })
        .collect::<Result<_, String>>()?;
    if let Some(e) = env
        && !irs
            .iter()
            .any(|ir| ir.environments.iter().any(|x| x.name == e))
    {
        let mut names: Vec<&str> = irs
            .iter()
            .flat_map(|ir| ir.environments.iter().map(|x| x.name.as_str()))
            .collect();
        names.sort();
        names.dedup();
        return Err(format!(
            "no environment `{e}` in either version (environments: {})",
            names.join(", ")
        ));
    }
    let diffs = diff::diff_irs(&irs[0], &irs[1], env);
    let text = match format {
        DiffFormat::Human => diff_format::human(&diffs, stdout_color()),
        DiffFormat::Markdown => diff_format::markdown(&diffs, &loaded[0].label, &loaded[1].label),
        DiffFormat::Json => {
            serde_json::to_string_pretty(&diff_format::json(
                &diffs,
                &loaded[0].label,
                &loaded[1].label,
            ))
            .expect("JSON values serialize")
                + "\n"
        }
    };
    print!("{text}");
    Ok(if diffs.iter().all(diff::EnvDiff::is_equal) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_fmt(cli: &Cli, spec: &Path, check: bool) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let formatted = match format::format(&source.text) {
        Ok(f) => f,
        Err(FormatError::Syntax) => {
            let (_, diags) = stowage::syntax::parse(&source.text);
            report(cli, &source, &diags);
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(format!("{}: {e}", spec.display())),
    };
    let shown = spec.display().to_string();
    if formatted == source.text {
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let text_diff = similar::TextDiff::from_lines(source.text.as_str(), formatted.as_str());
        let mut stdout = std::io::stdout().lock();
        if cli.message_format == MessageFormat::Github {
            let line = text_diff
                .ops()
                .iter()
                .find(|op| !matches!(op, similar::DiffOp::Equal { .. }))
                .map_or(1, |op| op.old_range().start + 1);
            let _ = writeln!(
                stdout,
                "{}",
                diagnostic::github_annotation(
                    "error",
                    &shown,
                    line,
                    1,
                    "stowage fmt",
                    &format!("{shown} is not formatted: run `stowage fmt -f {shown}`"),
                )
            );
        }
        let _ = write!(
            stdout,
            "{}",
            text_diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
        );
        eprintln!("{shown} is not formatted: run `stowage fmt -f {shown}`");
        return Ok(ExitCode::from(1));
    }
    write_in_place(spec, &formatted).map_err(|e| format!("cannot write {shown}: {e}"))?;
    eprintln!("formatted {shown}");
    Ok(ExitCode::SUCCESS)
}

/// Replace a file's contents atomically, keeping its permissions (and writing through a
/// symbolic link to its target).
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.stowage-tmp"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, std::fs::metadata(&target)?.permissions())?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
