//! The tests and the user's jobs: the stage, needs and rules each runs by, an image (the
//! spec's, or the first toolchain's), service containers reached by alias, caches, the spec's
//! commands, JUnit reports and artifacts; and the job rolling a deploy back when a job after it
//! fails.

use super::{deploy, job_id, shell_word};
use crate::ir::pipeline::{EnvValue, JobIr, Language, Phase, PipelineIr, When};
use serde_json::{Map, Value, json};

/// A test or a user's job.
pub(super) fn job(p: &PipelineIr, j: &JobIr) -> Value {
    let mut job = Map::new();
    job.insert("stage".into(), json!(stage(j)));
    let lang = j.setup.first().map(|(l, _, _)| *l);
    job.insert("image".into(), json!(image(j)));
    let needs = needs(p, j);
    if !needs.is_empty() {
        job.insert("needs".into(), Value::Array(needs));
    }
    if let Some(rules) = rules(p, j) {
        job.insert("rules".into(), rules);
    }
    if let Some(when) = when(j)
        && j.after().is_none()
    {
        job.insert("when".into(), json!(when));
    }
    if j.when == When::Manual {
        // A manual job that gates blocks what comes next until someone runs it (GitLab lets a
        // job-level manual job fail, and what needs it go on, unless told otherwise).
        job.insert("allow_failure".into(), json!(!j.gate));
    }
    if let Some(env) = &j.environment {
        // Its variables and protection, without counting as a deployment.
        job.insert(
            "environment".into(),
            json!({"name": env, "action": "verify"}),
        );
    }
    if !j.services.is_empty() {
        job.insert("services".into(), Value::Array(services(j)));
    }
    let mut vars = variables(&j.env, j);
    for (k, v) in j.deploy_variables() {
        // GitLab expands `$` in variables: `$$` is a literal one.
        vars.insert(k.into(), json!(v.replace('$', "$$")));
    }
    let caches = caches(j, lang, &mut vars);
    match caches.len() {
        0 => {}
        1 => {
            job.insert("cache".into(), caches[0].clone());
        }
        _ => {
            job.insert("cache".into(), Value::Array(caches));
        }
    }
    if !vars.is_empty() {
        job.insert("variables".into(), Value::Object(vars));
    }
    job.insert("script".into(), Value::Array(script(j)));
    if !j.reports.is_empty() || !j.artifacts.is_empty() {
        job.insert("artifacts".into(), artifacts(j));
    }
    Value::Object(job)
}

/// The job's stage: beside the tests, after the builds (`verify`), with the deploys, or at
/// the end (`.post`).
fn stage(j: &JobIr) -> &'static str {
    match j.phase {
        Phase::Test => "test",
        Phase::Build => "verify",
        Phase::After(_) => "deploy",
        Phase::End => ".post",
    }
}

/// The image: the spec's, the first toolchain's official image at its version, or a Debian
/// with the usual build tools.
fn image(j: &JobIr) -> String {
    if let Some(i) = &j.image {
        return i.clone();
    }
    match j.setup.first() {
        Some((lang, version, _)) => image_for(*lang, version),
        None => "buildpack-deps:bookworm".into(),
    }
}

/// The image of a language's toolchain.
fn image_for(lang: Language, version: &str) -> String {
    match lang {
        Language::Node => format!("node:{version}-bookworm"),
        Language::Python => format!("python:{version}-bookworm"),
        Language::Go => format!("golang:{version}-bookworm"),
        Language::Java => format!("eclipse-temurin:{version}"),
        Language::Rust => format!("rust:{version}-bookworm"),
    }
}

/// What the job waits for: the builds and the scan, or the deploy it follows; and its own
/// `needs`. Jobs at the end wait for their stage: every other job.
fn needs(p: &PipelineIr, j: &JobIr) -> Vec<Value> {
    let mut needs: Vec<Value> = match &j.phase {
        Phase::Build if !p.images.is_empty() => {
            let mut n = vec![json!({"job": "build", "artifacts": false})];
            if p.scan.is_some() {
                n.push(json!({"job": "scan", "artifacts": false, "optional": true}));
            }
            n
        }
        Phase::After(env) => vec![json!({"job": job_id(env), "artifacts": false})],
        _ => Vec::new(),
    };
    needs.extend(j.needs.iter().map(|n| json!(n)));
    needs
}

/// After a deploy, the deploy's rules (the job is in the pipelines the deploy is in).
fn rules(p: &PipelineIr, j: &JobIr) -> Option<Value> {
    let d = p
        .deploys
        .iter()
        .find(|d| Some(d.env.as_str()) == j.after())?;
    let rules: Vec<Value> = deploy::trigger_rules(d)
        .into_iter()
        .map(|r| {
            let mut rule = json!({"if": r});
            if let Some(w) = when(j) {
                rule["when"] = json!(w);
            }
            rule
        })
        .collect();
    Some(Value::Array(rules))
}

/// When the job starts, if not when what it follows has succeeded.
fn when(j: &JobIr) -> Option<&'static str> {
    match j.when {
        When::OnSuccess => None,
        When::Manual => Some("manual"),
        When::OnFailure => Some("on_failure"),
        When::Always => Some("always"),
    }
}

/// The job rolling back the deploy `j` follows when `j` fails.
pub(super) fn rollback_job(p: &PipelineIr, j: &JobIr) -> Option<Value> {
    let d = p
        .deploys
        .iter()
        .find(|d| Some(d.env.as_str()) == j.after())?;
    let mut script = deploy::tool_commands(d);
    script.extend(d.rollback_commands().into_iter().map(Value::String));
    let rules: Vec<Value> = deploy::trigger_rules(d)
        .into_iter()
        .map(|r| json!({"if": r, "when": "on_failure"}))
        .collect();
    Some(json!({
        "stage": "deploy",
        "image": deploy::image(p),
        "needs": [{"job": j.id, "artifacts": false}],
        "rules": rules,
        "environment": {"name": d.env, "action": "access"},
        "resource_group": format!("deploy-{}", d.env),
        "variables": {"KUBECONFIG": "$CI_PROJECT_DIR/.kubeconfig"},
        "script": script,
    }))
}

/// The service containers, each reached by its name as alias.
fn services(j: &JobIr) -> Vec<Value> {
    j.services
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("name".into(), json!(s.image));
            m.insert("alias".into(), json!(s.name));
            if !s.env.is_empty() {
                m.insert("variables".into(), Value::Object(variables(&s.env, j)));
            }
            Value::Object(m)
        })
        .collect()
}

/// The caches: the first toolchain's package cache, then the spec's folders, each keyed by
/// its file.
fn caches(j: &JobIr, lang: Option<Language>, vars: &mut Map<String, Value>) -> Vec<Value> {
    let mut caches = Vec::new();
    match lang {
        Some(Language::Node) => {
            vars.insert("npm_config_cache".into(), json!("$CI_PROJECT_DIR/.npm"));
            caches.push(json!({"key": {"files": ["package-lock.json"]}, "paths": [".npm/"]}));
        }
        Some(Language::Python) => {
            vars.insert("PIP_CACHE_DIR".into(), json!("$CI_PROJECT_DIR/.cache/pip"));
            caches.push(json!({"key": "pip", "paths": [".cache/pip/"]}));
        }
        _ => {}
    }
    for (path, key) in &j.caches {
        caches.push(json!({"key": {"prefix": j.id, "files": [key]}, "paths": [path]}));
    }
    caches
}

/// The spec's commands, each announced by its name. GitLab runs a job's lines in one shell; each
/// command runs in a subshell of its own at the repository root, as a GitHub step does, so a
/// `cd` or a variable set by one does not reach the next.
fn script(j: &JobIr) -> Vec<Value> {
    j.commands()
        .iter()
        .map(|(name, cmd)| {
            json!(format!(
                "echo {} && (\ncd \"$CI_PROJECT_DIR\"\n{cmd}\n)",
                shell_word(&format!("== {name}"))
            ))
        })
        .collect()
}

/// The reports, kept and read as JUnit (a folder's XML files), and the artifacts.
fn artifacts(j: &JobIr) -> Value {
    let junit: Vec<String> = j
        .reports
        .iter()
        .map(|r| {
            if r.ends_with('/') {
                format!("{r}*.xml")
            } else {
                r.clone()
            }
        })
        .collect();
    let paths: Vec<&String> = j.reports.iter().chain(&j.artifacts).collect();
    let mut a = Map::new();
    a.insert("when".into(), json!("always"));
    a.insert("paths".into(), json!(paths));
    if !junit.is_empty() {
        a.insert("reports".into(), json!({"junit": junit}));
    }
    a.insert("expire_in".into(), json!("30 days"));
    Value::Object(a)
}

/// Variables; `localhost:PORT` of a service becomes its alias, which is how GitLab jobs reach
/// service containers.
fn variables(vars: &[(String, EnvValue)], j: &JobIr) -> Map<String, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                EnvValue::Literal(s) => literal(s, j),
                EnvValue::Secret(s) => format!("${s}"),
            };
            (k.clone(), Value::String(value))
        })
        .collect()
}

/// A literal value, with services reached by alias and no variable expanded.
fn literal(s: &str, j: &JobIr) -> String {
    let mut s = s.to_string();
    for svc in &j.services {
        if let Some(port) = svc.port {
            s = s.replace(
                &format!("localhost:{port}"),
                &format!("{}:{port}", svc.name),
            );
        }
    }
    // GitLab expands `$` in variables: `$$` is a literal one.
    s.replace('$', "$$")
}
