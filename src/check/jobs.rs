//! Checks of the pipeline's jobs: ids that the platforms take and no other job has, what each
//! waits for (known, earlier, no loop), what each follows, monitors and rollbacks, and what a
//! job holds (values CI takes as written, variables, one image on GitLab).

use super::pipeline::{plain_value, secret_name};
use super::{duplicate, unknown};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::syntax::ast::*;
use std::collections::HashMap;

/// Where a job runs, in order: a job waits only for jobs of its rank or an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank<'a> {
    Test,
    Build,
    After(&'a str),
    End,
}

fn rank(j: &Job) -> Rank<'_> {
    match (&j.when, &j.after, &j.stage) {
        (Some(w), _, _) if matches!(w.v, JobWhen::OnFailure | JobWhen::Always) => Rank::End,
        (_, Some(a), _) => Rank::After(a.as_str()),
        (_, None, Some(s)) if s.v == JobStage::Build => Rank::Build,
        _ => Rank::Test,
    }
}

pub fn check(spec: &Spec, p: &Pipeline, diags: &mut Diagnostics) {
    let gitlab = p.platforms.iter().any(|x| x.v == Platform::Gitlab);
    for t in &p.tests {
        body(&t.body, t.span, gitlab, diags);
    }
    for j in &p.jobs {
        body(&j.body, j.span, gitlab, diags);
        placement(p, j, diags);
        environment(spec, j, diags);
        monitor(j, diags);
    }
    let ranks = ids(p, diags);
    for j in &p.jobs {
        needs(j, &ranks, diags);
    }
    loops(p, diags);
}

/// The ids stowage gives its own jobs: no job of the user's may take one.
fn generated(p: &Pipeline) -> Vec<String> {
    let mut ids: Vec<String> = ["drift", "diff", "plan", "build", "scan"]
        .map(String::from)
        .into();
    ids.extend(p.deploys.iter().map(|d| format!("deploy-{}", d.env.v)));
    ids.extend(
        p.jobs
            .iter()
            .filter(|j| j.rollback.as_ref().is_some_and(|r| r.v))
            .map(|j| format!("{}-rollback", j.name.v)),
    );
    ids
}

/// Every test's and job's id, each once and a name both platforms take; their ranks by id.
fn ids<'p>(p: &'p Pipeline, diags: &mut Diagnostics) -> HashMap<String, (Rank<'p>, Span)> {
    let mut ranks: HashMap<String, (Rank, Span)> = HashMap::new();
    for t in &p.tests {
        let id = t
            .name
            .as_ref()
            .map_or_else(|| "test".into(), |n| format!("test-{}", n.v));
        let span = t.name.as_ref().map_or(t.span, |n| n.span);
        if let Some((_, first)) = ranks.insert(id.clone(), (Rank::Test, span)) {
            diags.push(duplicate("test", &S::new(id, span), first));
        }
        if let Some(n) = &t.name {
            job_name(n, diags);
        }
    }
    let generated = generated(p);
    for j in &p.jobs {
        job_name(&j.name, diags);
        if generated.contains(&j.name.v) {
            diags.push(
                Diagnostic::error(
                    &code::pipeline::JOB,
                    format!("`{}` is the id of a job stowage makes", j.name.v),
                    j.name.span,
                    "taken",
                )
                .with_help("name the job otherwise: drift, diff, plan, build, scan, deploy-ENV and NAME-rollback are stowage's"),
            );
        } else if let Some((_, first)) = ranks.insert(j.name.v.clone(), (rank(j), j.name.span)) {
            diags.push(duplicate("job", &j.name, first));
        }
    }
    ranks
}

/// A job id both platforms take: a letter or `_`, then letters, digits, `-` and `_`.
fn job_name(n: &S<String>, diags: &mut Diagnostics) {
    let ok =
        n.v.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.v.len() <= 64
            && n.v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        diags.push(
            Diagnostic::error(
                &code::pipeline::JOB,
                format!("`{}` cannot name a CI job", n.v),
                n.span,
                "not a job id",
            )
            .with_help("a letter or `_`, then letters, digits, `-` and `_`, at most 64 characters"),
        );
    }
}

/// What a job follows: a deploy of the pipeline, a stage, or every job at the end.
fn placement(p: &Pipeline, j: &Job, diags: &mut Diagnostics) {
    if let Some(a) = &j.after
        && !p.deploys.iter().any(|d| d.env.v == a.v)
    {
        let deploys = p.deploys.iter().map(|d| d.env.as_str());
        diags.push(unknown(
            &code::reference::DEPLOY,
            "deploy",
            &a.v,
            a.span,
            deploys,
        ));
    }
    if let (Some(a), Some(s)) = (&j.after, &j.stage) {
        diags.push(job_error(
            s.span,
            format!(
                "job `{}` follows the deploy of `{}`: it has no stage",
                j.name.v, a.v
            ),
            "no stage after a deploy",
            "remove `stage=` or `after=`",
        ));
    }
    if rank(j) == Rank::End {
        let w = j.when.as_ref().map_or("", |w| w.v.name());
        for (given, what) in [
            (j.after.as_ref().map(|a| a.span), "after="),
            (j.stage.as_ref().map(|s| s.span), "stage="),
            (j.gate.as_ref().map(|g| g.span), "gate="),
            (j.needs.first().map(|n| n.span), "needs"),
        ] {
            if let Some(span) = given {
                diags.push(job_error(
                    span,
                    format!(
                        "job `{}` runs {w} at the end, after every job: `{what}` cannot place it",
                        j.name.v
                    ),
                    "no place at the end",
                    "remove it; a job at the end follows every other job",
                ));
            }
        }
    }
}

/// A job's CI environment is one of the spec's.
fn environment(spec: &Spec, j: &Job, diags: &mut Diagnostics) {
    let Some(e) = &j.environment else { return };
    let envs = spec.environments.iter().map(|x| x.name.as_str());
    if !spec.environments.iter().any(|x| x.name.v == e.v) {
        diags.push(unknown(
            &code::reference::ENVIRONMENT,
            "environment",
            &e.v,
            e.span,
            envs,
        ));
    }
}

/// Monitors and rollbacks follow a deploy; their durations are durations.
fn monitor(j: &Job, diags: &mut Diagnostics) {
    for (given, what) in [
        (j.window.as_ref().map(|w| w.span), "window="),
        (
            j.rollback.as_ref().filter(|r| r.v).map(|r| r.span),
            "rollback=#true",
        ),
    ] {
        if let (Some(span), None) = (given, &j.after) {
            diags.push(job_error(
                span,
                format!(
                    "`{what}` watches a deploy, and job `{}` follows none",
                    j.name.v
                ),
                "follows no deploy",
                "add after=\"ENVIRONMENT\": the deploy it watches",
            ));
        }
    }
    if let (Some(e), None) = (&j.every, &j.window) {
        diags.push(job_error(
            e.span,
            "`every=` is the pause between the rounds of a `window=`",
            "no window",
            "add window=\"15m\", or remove every=",
        ));
    }
    for d in [&j.window, &j.every].into_iter().flatten() {
        let (msg, label) = match crate::duration::seconds(&d.v) {
            Some(0) => (format!("`{}` lasts no time", d.v), "at least 1s"),
            None => (
                format!("`{}` is not a duration", d.v),
                "expected a number and s, m or h",
            ),
            Some(_) => continue,
        };
        {
            diags.push(
                Diagnostic::error(&code::value::DURATION, msg, d.span, label)
                    .with_help("write window=\"15m\" every=\"1m\""),
            );
        }
    }
}

/// Each need a test or job of this rank or an earlier one (after the same deploy), not itself.
fn needs(j: &Job, ranks: &HashMap<String, (Rank, Span)>, diags: &mut Diagnostics) {
    let mine = rank(j);
    for n in &j.needs {
        let Some((theirs, _)) = ranks.get(&n.v) else {
            let known = ranks.keys().map(String::as_str);
            diags.push(unknown(&code::pipeline::JOB, "job", &n.v, n.span, known));
            continue;
        };
        let later = match (mine, *theirs) {
            (Rank::After(a), Rank::After(b)) => a != b,
            (m, t) => t > m,
        };
        if n.v == j.name.v {
            diags.push(job_error(
                n.span,
                format!("job `{}` waits for itself", n.v),
                "itself",
                "remove it",
            ));
        } else if later {
            diags.push(job_error(
                n.span,
                format!("job `{}` runs before `{}` could: it cannot wait for it", j.name.v, n.v),
                "runs later",
                "a job waits for tests, jobs beside the tests, jobs after the builds and jobs after its own deploy, in that order",
            ));
        }
    }
}

/// Jobs may not wait for each other in a loop.
fn loops(p: &Pipeline, diags: &mut Diagnostics) {
    let needs_of = |id: &str| -> Vec<&str> {
        p.jobs
            .iter()
            .find(|j| j.name.v == id)
            .map(|j| j.needs.iter().map(|n| n.as_str()).collect())
            .unwrap_or_default()
    };
    for j in &p.jobs {
        let mut path = vec![j.name.as_str()];
        let cycle = walk(&needs_of, &mut path, j.name.as_str());
        // Once per loop: from its first job by name.
        if let Some(cycle) = cycle.filter(|c| c.split(" -> ").min() == Some(j.name.as_str())) {
            diags.push(job_error(
                j.name.span,
                format!("jobs wait for each other in a loop: {cycle}"),
                "in a loop",
                "remove one of the `needs`",
            ));
        }
    }
}

/// Depth-first along needs from the last of `path`: the loop back to `start`, if any.
fn walk<'a>(
    needs_of: &dyn Fn(&str) -> Vec<&'a str>,
    path: &mut Vec<&'a str>,
    start: &str,
) -> Option<String> {
    let last = *path.last()?;
    for n in needs_of(last) {
        // A job waiting for itself is reported by `needs`.
        if n == start && path.len() > 1 {
            return Some(format!("{} -> {n}", path.join(" -> ")));
        }
        if !path.contains(&n) {
            path.push(n);
            if let Some(c) = walk(needs_of, path, start) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

fn job_error(span: Span, msg: impl Into<String>, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(&code::pipeline::JOB, msg.into(), span, label).with_help(help)
}

/// What a job holds: values CI takes as written, variables that are values or CI secrets, an
/// image or toolchains, and one image on GitLab.
fn body(b: &JobBody, span: Span, gitlab: bool, diags: &mut Diagnostics) {
    if b.runs.is_empty() {
        diags.push(job_error(
            span,
            "the job runs nothing",
            "no `run`",
            "add `run \"NAME\" \"COMMAND\"`: GitLab refuses a job without a script",
        ));
    }
    for s in &b.setup {
        plain_value(diags, &s.version, "version", "");
        if let Some(c) = &s.cache {
            plain_value(diags, c, "cache", "");
        }
    }
    for s in &b.services {
        plain_value(diags, &s.image, "service image", "");
    }
    for r in &b.reports {
        plain_value(diags, r, "report path", "*");
    }
    for a in &b.artifacts {
        plain_value(diags, a, "artifact path", "*");
    }
    for c in &b.caches {
        plain_value(diags, &c.path, "cache path", "");
        plain_value(diags, &c.key, "cache key file", "");
    }
    if let Some(i) = &b.image {
        plain_value(diags, i, "image", "");
        if let Some(s) = b.setup.first() {
            diags.push(
                job_error(
                    s.span,
                    "a job runs in its `image=` or sets up toolchains, not both",
                    "a toolchain beside the image",
                    "install the toolchain in the image, or remove `image=`",
                )
                .with_label(i.span, "the job's image"),
            );
        }
    }
    if gitlab {
        one_image_on_gitlab(b, diags);
    }
    variables(b, diags);
}

/// GitLab runs a job in one image, the first toolchain's: a second `setup` cannot be honoured
/// there (GitHub sets up each).
fn one_image_on_gitlab(b: &JobBody, diags: &mut Diagnostics) {
    let Some(first) = b.setup.first() else { return };
    for s in &b.setup[1..] {
        diags.push(
            Diagnostic::error(
                &code::pipeline::PLATFORM,
                format!(
                    "GitLab runs the job in one image, `{}`'s: `{}` cannot be set up beside it",
                    first.language.v.name(),
                    s.language.v.name()
                ),
                s.span,
                "not possible on GitLab",
            )
            .with_label(first.span, "the job's image")
            .with_help("keep one `setup` when the pipeline targets GitLab, and install the other toolchain in a `run`"),
        );
    }
}

/// Variables are values or CI secrets, and a value is no secret.
fn variables(b: &JobBody, diags: &mut Diagnostics) {
    for e in b
        .env
        .iter()
        .chain(b.services.iter().flat_map(|s| s.env.iter()))
    {
        match &e.source {
            EnvSource::Value(v) if !v.v.is_empty() && super::values::looks_secret_name(&e.name.v) => diags.push(
                Diagnostic::error(&code::secret::PLAINTEXT, format!("`{}` looks like a secret but its value is written in the spec", e.name.v), v.span, "plaintext secret")
                    .with_help(format!("use a CI secret: `{} secret=\"CI_SECRET_NAME\"`; test databases can use trust authentication instead", e.name.v)),
            ),
            EnvSource::Secret { name, .. } => secret_name(diags, name, "a job's secret"),
            EnvSource::Config { name, .. } | EnvSource::Field(name) => diags.push(
                Diagnostic::error(&code::pipeline::ENV, "job environment variables take a value or a CI secret", name.span, "not available in CI")
                    .with_help("write `NAME \"value\"` or `NAME secret=\"CI_SECRET\"`"),
            ),
            _ => {}
        }
    }
}
