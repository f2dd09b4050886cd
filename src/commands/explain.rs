//! `stowage explain`: where each field of one rendered object comes from, quoting the spec.

use super::report;
use crate::{Cli, ExplainFormat};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use stowage::compile;
use stowage::diagnostic::{Renderer, suggest};
use stowage::output::explain::{self, Field};

pub fn explain(
    cli: &Cli,
    spec: &Path,
    env: &str,
    object: &str,
    field: Option<&str>,
    format: ExplainFormat,
) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let checked = compile::check_environment(&source, env);
    if report::report(cli, &source, &checked.sources, &checked.diagnostics) {
        return Ok(ExitCode::from(1));
    }
    let ir = checked.ir.ok_or("the spec could not be compiled")?;
    let Some(e) = ir.environments.iter().find(|e| e.name == env) else {
        let names: Vec<&str> = ir.environments.iter().map(|e| e.name.as_str()).collect();
        return Err(format!(
            "no environment `{env}` (environments: {})",
            names.join(", ")
        ));
    };
    let found = explain::find(e, object).map_err(|ids| not_found("object", object, &ids))?;
    let fields = explain::explain(e, &found, &compile::nodes(&source), field);
    if let (Some(f), true) = (field, fields.is_empty()) {
        let all = explain::explain(e, &found, &[], None);
        let paths: Vec<String> = all.into_iter().map(|f| f.path).collect();
        return Err(not_found("field", f, &paths));
    }
    let renderer = report::renderer(cli, &source, &checked.sources);
    match format {
        ExplainFormat::Json => {
            let doc = json!({
                "environment": env,
                "object": object,
                "fields": fields.iter().map(|f| field_json(f, &renderer)).collect::<Vec<_>>(),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("JSON values serialize")
            );
        }
        ExplainFormat::Human => print!("{}", human(env, object, &fields, &renderer)),
    }
    Ok(ExitCode::SUCCESS)
}

/// "no field `x`: did you mean `y`?" (or the first few there are).
fn not_found(what: &str, given: &str, there: &[String]) -> String {
    match suggest(given, there.iter().map(String::as_str)) {
        Some(s) => format!("no {what} `{given}`: did you mean `{s}`?"),
        None => {
            let shown: Vec<&str> = there.iter().take(12).map(String::as_str).collect();
            let more = if there.len() > shown.len() {
                ", ..."
            } else {
                ""
            };
            format!(
                "no {what} `{given}` (there are: {}{more})",
                shown.join(", ")
            )
        }
    }
}

fn human(env: &str, object: &str, fields: &[Field], renderer: &Renderer) -> String {
    let mut out = format!("{object} in {env}\n");
    for f in fields {
        out.push_str(&format!("  {}: {}\n", f.path, compact(&f.value)));
        let mut line = format!("    {}", f.origin.describe());
        if let Some(span) = f.origin.span() {
            line.push_str(&format!(", {}", renderer.location(span)));
            out.push_str(&line);
            out.push('\n');
            out.push_str(&format!("      | {}\n", renderer.line_text(span).trim()));
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).expect("JSON values serialize")
}

fn field_json(f: &Field, renderer: &Renderer) -> serde_json::Value {
    let mut origin = json!({"kind": f.origin.kind(), "description": f.origin.describe()});
    if let Some(span) = f.origin.span() {
        origin["at"] = json!(renderer.location(span));
        origin["offset"] = json!(span.offset);
        origin["length"] = json!(span.len);
        origin["line"] = json!(renderer.line_text(span));
    }
    json!({"path": f.path, "pointer": f.pointer, "value": f.value, "origin": origin})
}
