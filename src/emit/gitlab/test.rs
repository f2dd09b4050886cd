//! The test job: an image for the first toolchain, service containers reached by alias, the
//! spec's commands, a package cache and JUnit reports.

use super::shell_word;
use crate::ir::pipeline::{EnvValue, Language, TestIr};
use serde_json::{Map, Value, json};

/// The test job.
pub(super) fn job(t: &TestIr) -> Value {
    let mut job = Map::new();
    job.insert("stage".into(), json!("test"));
    let (lang, version) = t
        .setup
        .first()
        .map(|(l, v, _)| (*l, v.as_str()))
        .unwrap_or((Language::Node, "20"));
    job.insert("image".into(), json!(image_for(lang, version)));
    if !t.services.is_empty() {
        job.insert("services".into(), Value::Array(services(t)));
    }
    let mut vars = variables(&t.env, t);
    if lang == Language::Node {
        vars.insert("npm_config_cache".into(), json!("$CI_PROJECT_DIR/.npm"));
        job.insert(
            "cache".into(),
            json!({"key": {"files": ["package-lock.json"]}, "paths": [".npm/"]}),
        );
    } else if lang == Language::Python {
        vars.insert("PIP_CACHE_DIR".into(), json!("$CI_PROJECT_DIR/.cache/pip"));
        job.insert(
            "cache".into(),
            json!({"key": "pip", "paths": [".cache/pip/"]}),
        );
    }
    if !vars.is_empty() {
        job.insert("variables".into(), Value::Object(vars));
    }
    job.insert("script".into(), Value::Array(script(t)));
    if !t.reports.is_empty() {
        job.insert("artifacts".into(), artifacts(t));
    }
    Value::Object(job)
}

/// The job's image: the language's official image at the version.
fn image_for(lang: Language, version: &str) -> String {
    match lang {
        Language::Node => format!("node:{version}-bookworm"),
        Language::Python => format!("python:{version}-bookworm"),
        Language::Go => format!("golang:{version}-bookworm"),
        Language::Java => format!("eclipse-temurin:{version}"),
        Language::Rust => format!("rust:{version}-bookworm"),
    }
}

/// The service containers, each reached by its name as alias.
fn services(t: &TestIr) -> Vec<Value> {
    t.services
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("name".into(), json!(s.image));
            m.insert("alias".into(), json!(s.name));
            if !s.env.is_empty() {
                m.insert("variables".into(), Value::Object(variables(&s.env, t)));
            }
            Value::Object(m)
        })
        .collect()
}

/// The spec's commands, each announced by its name. GitLab runs a job's lines in one shell; each
/// command runs in a subshell of its own at the repository root, as a GitHub step does, so a
/// `cd` or a variable set by one does not reach the next.
fn script(t: &TestIr) -> Vec<Value> {
    t.runs
        .iter()
        .map(|(name, cmd)| {
            json!(format!(
                "echo {} && (\ncd \"$CI_PROJECT_DIR\"\n{cmd}\n)",
                shell_word(&format!("== {name}"))
            ))
        })
        .collect()
}

/// The reports, kept and read as JUnit (a folder's XML files).
fn artifacts(t: &TestIr) -> Value {
    let junit: Vec<String> = t
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
    json!({"when": "always", "paths": t.reports, "reports": {"junit": junit}, "expire_in": "30 days"})
}

/// Test variables; `localhost:PORT` of a service becomes its alias, which is how GitLab
/// jobs reach service containers.
fn variables(vars: &[(String, EnvValue)], t: &TestIr) -> Map<String, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                EnvValue::Literal(s) => {
                    let mut s = s.clone();
                    for svc in &t.services {
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
                EnvValue::Secret(s) => format!("${s}"),
            };
            (k.clone(), Value::String(value))
        })
        .collect()
}
