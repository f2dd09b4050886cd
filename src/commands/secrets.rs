//! `stowage secrets`: the secrets and variables the generated CI pipelines need.

use super::{generate, out_dir};
use crate::Cli;
use std::path::Path;
use std::process::ExitCode;
use stowage::ir::pipeline::{PipelineIr, Platform};

pub fn secrets(cli: &Cli, spec: &Path) -> Result<ExitCode, String> {
    let (source, generated) = match generate(cli, spec, &out_dir(spec, &None)) {
        Ok(g) => g,
        Err(stop) => return stop,
    };
    let Some(p) = &generated.ir.pipeline else {
        println!(
            "{} has no pipeline: no CI secrets are needed.",
            source.path.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    for platform in &p.platforms {
        print_platform(p, *platform);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_platform(p: &PipelineIr, platform: Platform) {
    let (title, kind) = match platform {
        Platform::Github => ("GitHub Actions", "repository or environment secrets"),
        Platform::Gitlab => ("GitLab CI", "CI/CD variables (masked)"),
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
    match platform {
        Platform::Gitlab => println!(
            "  (mark a variable protected only if every deploy that uses it runs from a protected\n   branch or tag: elsewhere a protected variable is empty)"
        ),
        Platform::Github if !gated.is_empty() => println!(
            "  (add required reviewers to the environment{} {} for approvals)",
            if gated.len() == 1 { "" } else { "s" },
            gated.join(", ")
        ),
        Platform::Github => {}
    }
}
