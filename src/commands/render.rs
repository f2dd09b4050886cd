//! `stowage render`: the fully resolved objects of one environment.

use super::{generate, out_dir};
use crate::{Cli, RenderFormat};
use std::path::Path;
use std::process::ExitCode;

pub fn render(cli: &Cli, spec: &Path, env: &str, format: RenderFormat) -> Result<ExitCode, String> {
    let (_, generated) = match generate(cli, spec, &out_dir(spec, &None)) {
        Ok(g) => g,
        Err(stop) => return stop,
    };
    let environments = &generated.ir.environments;
    let Some(e) = environments.iter().find(|e| e.name == env) else {
        let names: Vec<&str> = environments.iter().map(|e| e.name.as_str()).collect();
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
