//! The `stowage` command line: its declaration (clap) and a dispatch to `commands/`, one file
//! per command.

// jemalloc: the pipeline builds and frees millions of small JSON values; glibc's allocator
// spends about a third of the run on them (bench/NOTES.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts: one arena. jemalloc makes four per core by default;
/// on the few cores stowage runs on, each thread's values then sit in arenas of their own and
/// the peak resident set of a large app grows by a sixth with no gain in time (bench/NOTES.md).
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &[u8; 10] = b"narenas:1\0";

mod commands;

use clap::{Args, Parser, Subcommand, ValueEnum};
use commands::{
    all, build, check, diff, docs, explain, fmt, import, init, render, secrets, waivers,
};
use std::path::PathBuf;
use std::process::ExitCode;
use stowage::output::risk;

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
    /// When to colour: `auto` colours a terminal unless NO_COLOR is set (FORCE_COLOR colours
    /// pipes too).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print diagnostics and errors only: no summaries.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print each phase's time and peak memory to standard error.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

/// Where the spec is: `-f FILE`, `-f -` (standard input), or found.
#[derive(Args, Clone)]
struct SpecFile {
    /// The spec, or `-` for standard input (default: stowage.kdl in the current folder or the
    /// nearest folder above it that has one).
    #[arg(short = 'f', long = "file", value_name = "SPEC")]
    file: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum MessageFormat {
    /// Annotated source excerpts, coloured as `--color` says.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
    /// GitHub Actions annotations (`::error file=...`).
    Github,
    /// One SARIF 2.1.0 log, for code scanning.
    Sarif,
    /// A GitLab code quality report (a JSON array).
    Gitlab,
}

#[derive(Subcommand)]
enum Command {
    /// Generate every output and write it under OUT.
    Build {
        #[command(flatten)]
        spec: SpecFile,
        /// The output folder (default: the spec's folder).
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Overwrite files that were edited by hand or not written by stowage.
        #[arg(long)]
        force: bool,
        /// Every stowage.kdl under DIR (default: the current folder; .gitignore honoured),
        /// compiled in parallel: one report per spec, a summary, the worst exit code.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = ".", conflicts_with_all = ["file", "out"])]
        all: Option<PathBuf>,
    },
    /// Regenerate in memory and compare with OUT; exit 1 when they differ.
    Check {
        #[command(flatten)]
        spec: SpecFile,
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Every stowage.kdl under DIR (default: the current folder; .gitignore honoured),
        /// compiled in parallel: one report per spec, a summary, the worst exit code.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = ".", conflicts_with_all = ["file", "out"])]
        all: Option<PathBuf>,
    },
    /// Report diagnostics only.
    Validate {
        #[command(flatten)]
        spec: SpecFile,
        /// Every stowage.kdl under DIR (default: the current folder; .gitignore honoured),
        /// compiled in parallel: one report per spec, a summary, the worst exit code.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = ".", conflicts_with = "file")]
        all: Option<PathBuf>,
    },
    /// List the secrets and variables the generated CI pipelines need.
    Secrets {
        #[command(flatten)]
        spec: SpecFile,
    },
    /// List every waiver: what it waives, where, who owns it and when it ends.
    Waivers {
        #[command(flatten)]
        spec: SpecFile,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print the fully resolved objects of one environment.
    Render {
        #[command(flatten)]
        spec: SpecFile,
        /// The environment to render.
        #[arg(long)]
        env: String,
        #[arg(long, value_enum, default_value_t = RenderFormat::Yaml)]
        format: RenderFormat,
    },
    /// Say where each field of one rendered object comes from: the spec's value, an
    /// environment's override, a defaults block, a patch, a waiver, a secure default or a
    /// policy.
    Explain {
        #[command(flatten)]
        spec: SpecFile,
        /// The environment the object is rendered in.
        #[arg(long)]
        env: String,
        /// `human` quotes the spec's line; `json` gives spans.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
        format: ExplainFormat,
        /// KIND/NAME, the name as deployed or as the spec writes it: `Deployment/api`.
        object: String,
        /// One field, and everything under it, as `stowage diff` names fields:
        /// `spec.template.spec.containers[api].resources` (default: every field).
        field: Option<String>,
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
        /// Compare every app: each stowage.kdl under the current folder at either revision
        /// (OLD and NEW are then git:REV); exit 1 when one changed, was added or removed.
        #[arg(long)]
        all: bool,
        /// Exit 1 when a change of one of these risk classes occurs (ids, comma-separated:
        /// `security-weakened,rbac-widened`), else 0, whether or not the versions differ.
        #[arg(long, value_delimiter = ',', value_parser = risk_class, value_name = "CLASS")]
        fail_on: Vec<&'static risk::Class>,
        /// Exit 1 when a change of a risk class of this severity or above occurs (`low`,
        /// `medium`, `high`), else 0.
        #[arg(long, value_parser = risk_severity, value_name = "SEVERITY")]
        fail_on_severity: Option<risk::Severity>,
        /// The old version: a spec file, git:REV or git:REV:PATH.
        old: String,
        /// The new version: a spec file, git:REV or git:REV:PATH.
        new: String,
    },
    /// Rewrite the spec (or FILES) in canonical layout, keeping every comment.
    Fmt {
        #[command(flatten)]
        spec: SpecFile,
        /// KDL files to format instead of the spec (`-`: standard input to standard output).
        files: Vec<PathBuf>,
        /// Change nothing: print the changes formatting would make, exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Write a commented starter spec, stowage.kdl, in the current folder.
    Init {
        /// The application's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
        /// Replace an existing stowage.kdl.
        #[arg(long)]
        force: bool,
    },
    /// Write a spec that deploys existing Kubernetes objects, and say what differs.
    Import {
        /// YAML files, folders of them, kustomize folders (rendered with `kubectl
        /// kustomize`), Helm charts or a values file beside one (rendered with `helm
        /// template`), or `-` for standard input.
        #[arg(required_unless_present = "environments")]
        sources: Vec<PathBuf>,
        /// One environment and its source, `NAME=SOURCE`; repeated, one spec for them all: the
        /// objects every environment has are the app's, each environment patches them where
        /// its own differ.
        #[arg(long = "env", value_name = "NAME=SOURCE")]
        environments: Vec<String>,
        /// The application's name (default: the `app.kubernetes.io/instance` label the objects
        /// agree on, else the current folder's name).
        #[arg(long)]
        name: Option<String>,
        /// The app's namespace (default: the one most objects name).
        #[arg(long)]
        namespace: Option<String>,
        /// Where to write the spec (`-`: standard output).
        #[arg(short = 'o', long = "out", default_value = "stowage.kdl")]
        out: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp,
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
enum ExplainFormat {
    /// Each field, its origin and the spec's line.
    Human,
    /// One JSON document, spans included.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListFormat {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON array.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    /// Summary and field paths for a terminal, coloured as `--color` says.
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

/// A risk class by its id, with the nearest id suggested.
fn risk_class(id: &str) -> Result<&'static risk::Class, String> {
    risk::Class::from_id(id).ok_or_else(|| {
        let ids = risk::ALL.iter().map(|c| c.id);
        match stowage::diagnostic::suggest(id, ids.clone()) {
            Some(s) => format!("no risk class `{id}`: did you mean `{s}`?"),
            None => format!(
                "no risk class `{id}` (classes: {})",
                ids.collect::<Vec<_>>().join(", ")
            ),
        }
    })
}

fn risk_severity(name: &str) -> Result<risk::Severity, String> {
    risk::Severity::from_name(name)
        .ok_or_else(|| format!("no severity `{name}` (severities: low, medium, high)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        stowage::timings::enable();
    }
    if let Ok(today) = std::env::var("STOWAGE_TODAY")
        && stowage::calendar::parse(&today).is_none()
    {
        eprintln!("error: STOWAGE_TODAY=`{today}` is not a date: write YYYY-MM-DD");
        return ExitCode::from(2);
    }
    let person = cli.message_format == MessageFormat::Human;
    if person && !cli.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        stowage::progress::enable();
    }
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
        Command::Build {
            all: Some(dir),
            force,
            ..
        } => all::all(cli, dir, all::Task::Build { force: *force }),
        Command::Build {
            spec, out, force, ..
        } => build::build(cli, &spec.on_disk("build")?, out, *force),
        Command::Check { all: Some(dir), .. } => all::all(cli, dir, all::Task::Check),
        Command::Check { spec, out, .. } => check::check(cli, &spec.on_disk("check")?, out),
        Command::Validate { all: Some(dir), .. } => all::all(cli, dir, all::Task::Validate),
        Command::Validate { spec, .. } => commands::validate(cli, &spec.path()?),
        Command::Secrets { spec } => secrets::secrets(cli, &spec.path()?),
        Command::Waivers { spec, format } => waivers::waivers(cli, &spec.path()?, *format),
        Command::Render { spec, env, format } => render::render(cli, &spec.path()?, env, *format),
        Command::Explain {
            spec,
            env,
            format,
            object,
            field,
        } => explain::explain(cli, &spec.path()?, env, object, field.as_deref(), *format),
        Command::Diff {
            spec,
            env,
            format,
            all,
            fail_on,
            fail_on_severity,
            old,
            new,
        } => {
            let gate = diff::Gate {
                classes: fail_on.clone(),
                at_least: *fail_on_severity,
            };
            if *all {
                return commands::diff_all::diff_all(cli, env.as_deref(), *format, &gate, old, new);
            }
            diff::diff(
                cli,
                spec.as_deref(),
                env.as_deref(),
                *format,
                &gate,
                old,
                new,
            )
        }
        Command::Fmt { spec, files, check } => fmt::fmt(cli, spec, files, *check),
        Command::Init { name, force } => init::init(cli, name.as_deref(), *force),
        Command::Lsp => stowage::lsp::run().map(|()| ExitCode::SUCCESS),
        Command::Import {
            sources,
            environments,
            name,
            namespace,
            out,
            force,
        } => import::import(
            cli,
            &import::Options {
                sources,
                environments,
                name: name.as_deref(),
                namespace: namespace.as_deref(),
                out,
                force: *force,
            },
        ),
        Command::Completions { shell } => docs::completions(*shell),
        Command::Man { command } => docs::man(command.as_deref()),
    }
}
