//! Checks of the delivery pipeline: references to environments, images and other deploys,
//! and the names of CI secrets.

use super::{duplicate, unknown};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::syntax::ast::*;
use std::collections::HashMap;

pub(super) fn secret_name(diags: &mut Diagnostics, s: &S<String>, what: &str) {
    let ok = !s.v.is_empty()
        && s.v
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !s.v.starts_with(|c: char| c.is_ascii_digit())
        && !s.v.starts_with("GITHUB_");
    if !ok {
        diags.push(
            Diagnostic::error(&code::pipeline::SECRET_NAME, format!("`{}` is not a usable CI secret name", s.v), s.span, "invalid secret name")
                .with_help(format!("{what} names a CI secret: upper-case letters, digits and '_', not starting with a digit or GITHUB_")),
        );
    }
}

/// A value CI files take as written, in places where `$`, quotes, spaces or `${{` would mean
/// something (GitLab expands variables in images and paths, GitHub evaluates expressions):
/// versions, cache kinds, images, paths, build targets, URLs.
pub(super) fn plain_value(diags: &mut Diagnostics, v: &S<String>, what: &str, extra: &str) {
    let bad =
        v.v.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-/:@+".contains(*c) || extra.contains(*c)));
    if v.v.is_empty() || bad.is_some() {
        let why = match bad {
            Some(c) => format!("{} cannot be part of it", crate::diagnostic::show_char(c)),
            None => "it is empty".to_string(),
        };
        diags.push(
            Diagnostic::error(
                &code::pipeline::VALUE,
                format!("`{}` is not a usable {what}: {why}", v.v),
                v.span,
                format!("not a {what}"),
            )
            .with_help(format!(
                "a {what} is written into the CI files as it is: letters, digits and `._-/:@+`{}",
                if extra.is_empty() {
                    String::new()
                } else {
                    format!(" and `{extra}`")
                }
            )),
        );
    }
}

pub fn check(spec: &Spec, diags: &mut Diagnostics) {
    let Some(p) = &spec.pipeline else { return };
    let deploys = deploy_names(spec, p, diags);
    for d in &p.deploys {
        deploy(spec, &deploys, d, diags);
    }
    order(p, diags);
    if let Some(s) = &p.slack {
        secret_name(diags, s, "slack secret=");
    }
    if let Some(b) = &p.build {
        build(spec, b, diags);
    }
    super::jobs::check(spec, p, diags);
}

/// Each deploy once, of a declared environment; the deploys by name.
fn deploy_names<'p>(
    spec: &Spec,
    p: &'p Pipeline,
    diags: &mut Diagnostics,
) -> HashMap<&'p str, Span> {
    let envs: Vec<&str> = spec.environments.iter().map(|e| e.name.as_str()).collect();
    let mut deploys: HashMap<&str, Span> = HashMap::new();
    for d in &p.deploys {
        if let Some(first) = deploys.insert(d.env.as_str(), d.env.span) {
            diags.push(duplicate("deploy", &d.env, first));
        }
        if !envs.contains(&d.env.as_str()) {
            diags.push(unknown(
                &code::reference::ENVIRONMENT,
                "environment",
                &d.env.v,
                d.env.span,
                envs.iter().copied(),
            ));
        }
    }
    deploys
}

/// One deploy: what it waits for, its timeout, its secrets, and a gate before production.
fn deploy(spec: &Spec, deploys: &HashMap<&str, Span>, d: &Deploy, diags: &mut Diagnostics) {
    if let Some(a) = &d.after {
        if !deploys.contains_key(a.as_str()) {
            diags.push(unknown(
                &code::reference::DEPLOY,
                "deploy",
                &a.v,
                a.span,
                deploys.keys().copied(),
            ));
        } else if a.v == d.env.v {
            diags.push(
                Diagnostic::error(
                    &code::pipeline::ORDER,
                    format!("deploy `{}` waits for itself", d.env.v),
                    a.span,
                    "same deploy",
                )
                .with_help("name the deploy that must succeed first"),
            );
        }
    }
    if let Some(t) = &d.timeout
        && !super::values::duration(&t.v)
    {
        diags.push(
            Diagnostic::error(
                &code::value::DURATION,
                format!("`{}` is not a duration", t.v),
                t.span,
                "expected a number and s, m or h",
            )
            .with_help("write timeout=\"10m\""),
        );
    }
    if let Some(u) = &d.url {
        plain_value(diags, u, "URL", "?&=%#~");
    }
    let is_production = spec
        .environments
        .iter()
        .any(|e| e.name.v == d.env.v && e.policy.v == PolicyLevel::Production);
    let gated = d.approval.as_ref().is_some_and(|a| a.v)
        || d.on
            .iter()
            .all(|t| matches!(t.v, Trigger::Tag(_) | Trigger::Manual));
    if is_production && !gated {
        diags.push(
            Diagnostic::error(&code::pipeline::PRODUCTION_GATE, format!("production deploy `{}` runs on every push", d.env.v), d.span, "no tag, manual trigger or approval")
                .with_help("deploy production only from tags (on=\"tag:v*\"), by hand (on=\"manual\"), or with approval=#true"),
        );
    }
}

/// Deploy order must not loop (a deploy that waits for itself is reported by [`deploy`]).
fn order(p: &Pipeline, diags: &mut Diagnostics) {
    for d in p
        .deploys
        .iter()
        .filter(|d| d.after.as_ref().is_none_or(|a| a.v != d.env.v))
    {
        let mut seen = vec![d.env.as_str()];
        let mut cur = d.after.as_ref().map(|a| a.as_str());
        while let Some(c) = cur {
            if seen.contains(&c) {
                diags.push(
                    Diagnostic::error(
                        &code::pipeline::ORDER,
                        format!(
                            "deploys wait for each other in a loop: {} -> {c}",
                            seen.join(" -> ")
                        ),
                        d.span,
                        "loop",
                    )
                    .with_help("remove one of the `after=`"),
                );
                break;
            }
            seen.push(c);
            cur = p
                .deploys
                .iter()
                .find(|x| x.env.v == c)
                .and_then(|x| x.after.as_ref())
                .map(|a| a.as_str());
        }
    }
}

/// Each image built once, named after a workload's image, with values CI takes as written.
fn build(spec: &Spec, b: &BuildStage, diags: &mut Diagnostics) {
    let mut images: Vec<&str> = spec
        .deployed_workloads()
        .into_iter()
        .filter_map(|w| w.image.as_ref())
        .map(|i| i.name.as_str())
        .collect();
    images.dedup();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for i in &b.images {
        if let Some(first) = seen.insert(i.name.as_str(), i.name.span) {
            diags.push(duplicate("build", &i.name, first));
        }
        for (v, what) in [
            (&i.context, "build context"),
            (&i.dockerfile, "Dockerfile path"),
            (&i.target, "build target"),
        ] {
            if let Some(v) = v {
                plain_value(diags, v, what, "");
            }
        }
        if !images.contains(&i.name.as_str()) {
            diags.push(
                unknown(
                    &code::reference::IMAGE,
                    "image",
                    &i.name.v,
                    i.name.span,
                    images.iter().copied(),
                )
                .with_help(format!(
                    "builds are named after a workload's image, e.g. `build \"{}\"`",
                    images.first().copied().unwrap_or("my-app")
                )),
            );
        }
    }
    if let Some(s) = &b.scan
        && let Some(sev) = &s.severity
    {
        for part in sev.v.split(',') {
            if !["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&part.trim()) {
                diags.push(
                    Diagnostic::error(
                        &code::syntax::INVALID_VALUE,
                        format!("`{part}` is not a severity"),
                        sev.span,
                        "unknown severity",
                    )
                    .with_help("use UNKNOWN, LOW, MEDIUM, HIGH and CRITICAL, separated by commas"),
                );
            }
        }
    }
}
