//! `stowage render`: the fully resolved objects of one environment.

use super::{out_dir, report};
use crate::{Cli, RenderFormat};
use std::path::Path;
use std::process::ExitCode;
use stowage::compile;

/// The checked spec's objects of one environment: only it is lowered, and no output is
/// generated.
pub fn render(cli: &Cli, spec: &Path, env: &str, format: RenderFormat) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let checked = compile::check_environment(&source, env);
    if report::report(cli, &source, &checked.sources, &checked.diagnostics) {
        return Ok(ExitCode::from(1));
    }
    let Some(mut ir) = checked.ir else {
        return Ok(ExitCode::from(1));
    };
    ir.set_spec_file(&compile::relative_path(&out_dir(spec, &None), &source.path));
    let environments = std::mem::take(&mut ir.environments);
    let names: Vec<String> = environments.iter().map(|e| e.name.clone()).collect();
    let Some(e) = environments.into_iter().find(|e| e.name == env) else {
        return Err(format!(
            "no environment `{env}` (environments: {})",
            names.join(", ")
        ));
    };
    let mut objects = stowage::timings::phase("render", || e.into_rendered());
    stowage::ir::sort_objects(&mut objects);
    let text = stowage::timings::phase("serialize", || match format {
        RenderFormat::Json => {
            serde_json::to_string_pretty(&objects).expect("objects serialize") + "\n"
        }
        RenderFormat::Yaml => {
            stowage::emit::yaml::documents(&stowage::emit::header(&ir.spec_file), &objects)
        }
    });
    stowage::timings::phase("print", || print!("{text}"));
    super::leave((ir, objects, text));
    Ok(ExitCode::SUCCESS)
}
