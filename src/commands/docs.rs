//! `stowage completions` and `stowage man`: shell completion scripts and manual pages, from
//! the command line's declaration.

use crate::Cli;
use clap::CommandFactory;
use std::process::ExitCode;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, String> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "stowage",
        &mut std::io::stdout(),
    );
    Ok(ExitCode::SUCCESS)
}

/// stowage(1), or stowage-COMMAND(1) for one command.
pub fn man(command: Option<&str>) -> Result<ExitCode, String> {
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
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| e.to_string())?;
    let roff = String::from_utf8_lossy(&roff);
    // EXIT STATUS and ENVIRONMENT go before VERSION, as man-pages(7) orders sections.
    let at = roff.find("\n.SH VERSION").map_or(roff.len(), |i| i + 1);
    let page = format!("{}{}{}", &roff[..at], sections(), &roff[at..]);
    match std::io::Write::write_all(&mut std::io::stdout(), page.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Exit codes, as the book's command-line page gives them.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success; the spec may have warnings"),
    (
        "1",
        "the spec has at least one error (every command), check found drift, diff found \
         differences, or fmt --check found an unformatted spec",
    ),
    (
        "2",
        "stowage could not do its job: invalid command-line arguments, a spec that cannot be \
         read or is not UTF-8, an output that cannot be written, an unknown --env",
    ),
];

/// Environment variables stowage reads.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "when set to a non-empty value, nothing is coloured (unless --color always)",
    ),
    (
        "FORCE_COLOR",
        "when set (and not 0), diagnostics and diff are coloured even in a pipe (unless NO_COLOR \
         is set or --color never is given)",
    ),
    (
        "STOWAGE_TODAY",
        "a date, YYYY-MM-DD: the day waivers' expires= dates are compared with (default: \
         today's UTC date)",
    ),
    (
        "STOWAGE_TIMINGS",
        "when set (and not 0), each phase prints its wall time and peak memory to standard \
         error, as -v does",
    ),
];

/// The EXIT STATUS and ENVIRONMENT sections, in roff.
fn sections() -> String {
    let mut out = String::new();
    for (title, rows) in [("EXIT STATUS", EXIT_STATUS), ("ENVIRONMENT", ENVIRONMENT)] {
        out.push_str(&format!(".SH \"{title}\"\n"));
        for (term, text) in rows {
            out.push_str(&format!(
                ".TP\n\\fB{term}\\fR\n{}\n",
                text.replace('-', "\\-")
            ));
        }
    }
    out
}
