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
    match clap_mangen::Man::new(page).render(&mut std::io::stdout()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
