//! `stowage waivers`: every waiver of the spec, with what it waives, where it is written, its
//! owner and its end date; as a table or JSON. The spec is only read, not checked: a spec with
//! errors (an expired waiver is one) is listed too.

use crate::{Cli, ListFormat};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use stowage::calendar;
use stowage::compile;
use stowage::diagnostic::Renderer;
use stowage::syntax::ast::{Items, Spec, Waiver};
use stowage::syntax::keyword::Keyword;

/// One waiver and what it is on.
struct Listed<'s> {
    on: String,
    waiver: &'s Waiver,
}

pub fn waivers(cli: &Cli, spec: &Path, format: ListFormat) -> Result<ExitCode, String> {
    let source = compile::read_source(spec).map_err(|e| e.to_string())?;
    let (ast, diags, sources) = compile::parse(&source);
    let Some(ast) = &ast else {
        super::report::report(cli, &source, &sources, &diags);
        return Ok(ExitCode::from(1));
    };
    let renderer = super::report::renderer(cli, &source, &sources);
    let listed = every(ast);
    let today = calendar::today();
    let rows: Vec<serde_json::Value> = listed.iter().map(|l| row(l, &renderer, today)).collect();
    match format {
        ListFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("JSON values serialize")
        ),
        ListFormat::Table => print!("{}", table(&rows)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Every waiver once, in the spec's order: the app's, then each item's, then the environments'
/// own and those only an environment's items have.
fn every(spec: &Spec) -> Vec<Listed<'_>> {
    let mut out = Vec::new();
    add(&mut out, "app".into(), &spec.app.waivers);
    items(&mut out, &spec.items, None);
    for env in &spec.environments {
        add(
            &mut out,
            format!("environment {}", env.name.v),
            &env.waivers,
        );
        items(&mut out, &env.items, Some(env.name.v.as_str()));
    }
    out
}

/// Waivers not listed yet (an item's are in the base and in every environment's items).
fn add<'s>(out: &mut Vec<Listed<'s>>, on: String, waivers: &'s [Waiver]) {
    for w in waivers {
        if !out.iter().any(|l| l.waiver.span == w.span) {
            out.push(Listed {
                on: on.clone(),
                waiver: w,
            });
        }
    }
}

fn items<'s>(out: &mut Vec<Listed<'s>>, items: &'s Items, env: Option<&str>) {
    let within = |what: String| match env {
        Some(e) => format!("{what} in {e}"),
        None => what,
    };
    for w in &items.workloads {
        add(
            out,
            within(format!("{} {}", w.kind.name(), w.name.v)),
            &w.waivers,
        );
    }
    for i in &items.ingresses {
        add(out, within(format!("ingress {}", i.name.v)), &i.waivers);
    }
    for c in &items.configs {
        add(out, within(format!("config {}", c.name.v)), &c.waivers);
    }
}

/// Where a waiver stands today: `ok`, `expires in N days`, `expired`, `no end date`.
fn status(w: &Waiver, today: jiff::civil::Date) -> (String, Option<i32>) {
    let Some(expires) = &w.expires else {
        return ("no end date".into(), None);
    };
    let Some(date) = calendar::parse(&expires.v) else {
        return ("not a date".into(), None);
    };
    let days = calendar::days_between(today, date);
    let text = match days {
        d if d <= 0 => "expired".to_string(),
        1 => "expires tomorrow".to_string(),
        d if d <= calendar::WARNING_DAYS => format!("expires in {d} days"),
        _ => "ok".to_string(),
    };
    (text, Some(days))
}

fn row(l: &Listed, renderer: &Renderer, today: jiff::civil::Date) -> serde_json::Value {
    let w = l.waiver;
    let text = |v: &Option<stowage::syntax::ast::S<String>>| v.as_ref().map(|s| s.v.clone());
    let (status, days_left) = status(w, today);
    json!({
        "rule": w.rule.v,
        "on": l.on,
        "owner": text(&w.owner),
        "expires": text(&w.expires),
        "status": status,
        "days_left": days_left,
        "at": renderer.location(w.span),
        "reason": text(&w.reason),
    })
}

/// Aligned columns; the reason last, whole.
fn table(rows: &[serde_json::Value]) -> String {
    if rows.is_empty() {
        return "no waivers\n".into();
    }
    let columns = ["rule", "on", "owner", "expires", "status", "at", "reason"];
    let cell = |r: &serde_json::Value, c: &str| r[c].as_str().unwrap_or("-").to_string();
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            rows.iter()
                .map(|r| cell(r, c).chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(c);
            } else {
                out.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(columns.iter().map(|c| c.to_uppercase()).collect());
    for r in rows {
        out.push_str(&line(columns.iter().map(|c| cell(r, c)).collect()));
    }
    out
}
