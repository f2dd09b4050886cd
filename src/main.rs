//! The `stowage` command line.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stowage::compile::{self, Source};
use stowage::diagnostic::{self, Style};
use stowage::output::{self, Drift};

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

/// Print diagnostics; returns whether there were errors.
fn report(cli: &Cli, source: &Source, diags: &diagnostic::Diagnostics) -> bool {
    let file = source.path.display().to_string();
    let stderr = std::io::stderr();
    // GitHub reads workflow commands from standard output.
    let mut err: Box<dyn Write> = if cli.message_format == MessageFormat::Github {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(stderr.lock())
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stderr.is_terminal();
    for d in diags.sorted() {
        let text = match cli.message_format {
            MessageFormat::Human => diagnostic::render_human(
                d,
                &file,
                &source.text,
                if color { Style::Color } else { Style::Plain },
                100,
            ),
            MessageFormat::Json => diagnostic::render_json(d, &file, &source.text) + "\n",
            MessageFormat::Github => diagnostic::render_github(d, &file, &source.text) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
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
        Command::Build { spec, out } => {
            let out = out_dir(spec, out);
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let generated = compile::generate(&source, &checked, &out)
                .ok_or("the spec could not be compiled")?;
            let files = output::with_manifest(
                generated.files,
                &stowage::emit::header(&generated.ir.spec_file),
            );
            let written = output::write(&out, &files).map_err(|e| e.to_string())?;
            eprintln!(
                "wrote {} file{} to {} ({} unchanged, {} removed)",
                written.written.len(),
                if written.written.len() == 1 { "" } else { "s" },
                out.display(),
                written.unchanged.len(),
                written.removed.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { spec, out } => {
            let out = out_dir(spec, out);
            let source = compile::read_source(spec).map_err(|e| e.to_string())?;
            let checked = compile::check(&source);
            if report(cli, &source, &checked.diagnostics) {
                return Ok(ExitCode::from(1));
            }
            let generated = compile::generate(&source, &checked, &out)
                .ok_or("the spec could not be compiled")?;
            let files = output::with_manifest(
                generated.files,
                &stowage::emit::header(&generated.ir.spec_file),
            );
            let label = display_prefix(&out);
            let drift = output::drift(&out, &files, &label);
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
                            Drift::Stale(_) => {
                                "is no longer generated: run `stowage build` to remove it"
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
                            Drift::Stale(_) => "stale",
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
                    (MessageFormat::Human, Drift::Missing(_)) => {
                        let _ = writeln!(stdout, "missing: {shown}");
                    }
                    (MessageFormat::Human, Drift::Stale(_)) => {
                        let _ = writeln!(stdout, "stale: {shown} (no longer generated)");
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
            let generated = compile::generate(&source, &checked, &out)
                .ok_or("the spec could not be compiled")?;
            let Some(p) = &generated.ir.pipeline else {
                println!(
                    "{} has no pipeline: no CI secrets are needed.",
                    source.path.display()
                );
                return Ok(ExitCode::SUCCESS);
            };
            for platform in &p.platforms {
                let (title, kind) = match platform.as_str() {
                    "github" => ("GitHub Actions", "repository or environment secrets"),
                    _ => ("GitLab CI", "CI/CD variables (protected, masked)"),
                };
                println!("{title}: {kind}");
                for s in p.secrets(platform) {
                    println!("  {:<24} {}", s.name, s.purpose);
                }
                let gated: Vec<&str> = p
                    .deploys
                    .iter()
                    .filter(|d| d.approval)
                    .map(|d| d.env.as_str())
                    .collect();
                if !gated.is_empty() && platform == "github" {
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
            let generated = compile::generate(&source, &checked, &out)
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

/// How the output folder is shown before generated paths: relative to the current folder.
fn display_prefix(out: &Path) -> String {
    let rel = compile::relative_path(Path::new("."), out);
    if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    }
}
