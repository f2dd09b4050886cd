//! The `stowage` command line: its declaration (clap) and a dispatch to `commands/`, one file
//! per command.

// jemalloc: the pipeline builds and frees millions of small JSON values; glibc's allocator
// spends about a third of the run on them (bench/NOTES.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod commands;

use clap::{Parser, Subcommand, ValueEnum};
use commands::{build, check, diff, docs, fmt, render, secrets};
use std::path::PathBuf;
use std::process::ExitCode;

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

fn run(cli: &Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Build { spec, out, force } => build::build(cli, spec, out, *force),
        Command::Check { spec, out } => check::check(cli, spec, out),
        Command::Validate { spec } => commands::validate(cli, spec),
        Command::Secrets { spec } => secrets::secrets(cli, spec),
        Command::Render { spec, env, format } => render::render(cli, spec, env, *format),
        Command::Diff {
            spec,
            env,
            format,
            old,
            new,
        } => diff::diff(cli, spec.as_deref(), env.as_deref(), *format, old, new),
        Command::Fmt { spec, check } => fmt::fmt(cli, spec, *check),
        Command::Completions { shell } => docs::completions(*shell),
        Command::Man { command } => docs::man(command.as_deref()),
    }
}
