//! GitLab CI: `.gitlab-ci.yml`.
//!
//! Takes the IR's pipeline, gives the same pipeline as the GitHub workflow in GitLab's terms:
//! `stages`, `workflow:rules`, a drift job, tests with service containers (reached by alias),
//! a build job per image (`parallel:matrix`) pushing with a registry build cache, an optional
//! Trivy scan, and a deploy job per environment with `rules`, `environment`, `resource_group`,
//! `needs`, `when: manual` for approvals, rollback and Slack notification.

use super::{FileSet, header, shell_word, yaml};
use crate::git_ref::RefPattern;
use crate::ir::Ir;
use crate::ir::pipeline::{
    DeployIr, EnvValue, Language, Method, PipelineIr, Platform, TestIr, Trigger,
};
use serde_json::{Map, Value, json};

pub const PATH: &str = ".gitlab-ci.yml";

fn job_id(env: &str) -> String {
    format!("deploy-{env}")
}

/// A GitLab `rules:if` expression: whether a trigger fires. Patterns become regular
/// expressions built from the parsed pattern.
fn trigger_rule(t: &Trigger, env: &str) -> String {
    let test = |var: &str, p: &RefPattern| {
        if p.is_literal() {
            format!("{var} == \"{p}\"")
        } else {
            format!("{var} =~ /{}/", p.regex(""))
        }
    };
    // Pushes only, as on GitHub: a pipeline run by hand or on a schedule for a branch or tag
    // does not deploy through that branch's or tag's trigger.
    let push = "$CI_PIPELINE_SOURCE == \"push\"";
    match t {
        Trigger::Branch(b) => format!("{push} && {}", test("$CI_COMMIT_BRANCH", b)),
        Trigger::Tag(p) => format!("{push} && {}", test("$CI_COMMIT_TAG", p)),
        Trigger::Manual => {
            format!("$CI_PIPELINE_SOURCE == \"web\" && $DEPLOY_ENVIRONMENT == \"{env}\"")
        }
    }
}

fn image_for(lang: Language, version: &str) -> String {
    match lang {
        Language::Node => format!("node:{version}-bookworm"),
        Language::Python => format!("python:{version}-bookworm"),
        Language::Go => format!("golang:{version}-bookworm"),
        Language::Java => format!("eclipse-temurin:{version}"),
        Language::Rust => format!("rust:{version}-bookworm"),
    }
}

pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    let Some(p) = &ir.pipeline else { return files };
    if !p.platforms.contains(&Platform::Gitlab) {
        return files;
    }
    let head = header(&ir.spec_file);
    files.insert(PATH.to_string(), yaml::documents(&head, &[pipeline(p)]));
    files
}

fn pipeline(p: &PipelineIr) -> Value {
    let mut root = Map::new();
    let mut stages = vec!["check", "test", "build"];
    if p.scan.is_some() && !p.images.is_empty() {
        stages.push("scan");
    }
    stages.push("deploy");
    root.insert("stages".into(), json!(stages));
    let mut branches: Vec<RefPattern> = p.branches.clone();
    let mut deploy_branches: Vec<RefPattern> = Vec::new();
    let mut rules = vec![json!({"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""})];
    let mut has_tags = false;
    let mut manual = false;
    for d in &p.deploys {
        for t in &d.triggers {
            match t {
                Trigger::Branch(b) => {
                    if !branches.contains(b) {
                        branches.push(b.clone());
                    }
                    deploy_branches.push(b.clone());
                }
                Trigger::Tag(_) => has_tags = true,
                Trigger::Manual => manual = true,
            }
        }
    }
    // A push to a branch with an open merge request runs as the merge request's pipeline
    // only, unless a deploy is triggered by that branch: GitHub deploys on every push too.
    let mut open_mr = "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS".to_string();
    if !deploy_branches.is_empty() {
        open_mr.push_str(&format!(
            " && $CI_COMMIT_BRANCH !~ {}",
            alternation(&deploy_branches)
        ));
    }
    rules.push(json!({"if": open_mr, "when": "never"}));
    rules.push(json!({"if": format!("$CI_COMMIT_BRANCH =~ {}", alternation(&branches))}));
    if has_tags {
        rules.push(json!({"if": "$CI_COMMIT_TAG"}));
    }
    if manual {
        rules.push(json!({"if": "$CI_PIPELINE_SOURCE == \"web\""}));
    }
    root.insert("workflow".into(), json!({"rules": rules}));
    let mut vars = Map::new();
    if manual {
        let envs: Vec<&str> = p
            .deploys
            .iter()
            .filter(|d| d.triggers.contains(&Trigger::Manual))
            .map(|d| d.env.as_str())
            .collect();
        vars.insert(
            "DEPLOY_ENVIRONMENT".into(),
            json!({"value": "", "description": format!("Environment to deploy by hand: {}", envs.join(", "))}),
        );
    }
    if !vars.is_empty() {
        root.insert("variables".into(), Value::Object(vars));
    }
    let mut gate = Vec::new();
    if p.drift {
        root.insert(
            "drift".into(),
            json!({
                "stage": "check",
                "image": "rust:1-bookworm",
                "script": [
                    format!("cargo install stowage --locked --version {}", env!("CARGO_PKG_VERSION")),
                    format!("stowage check -f {} -o .", shell_word(&p.spec_file)),
                ],
            }),
        );
        gate.push("drift".to_string());
    }
    if let Some(t) = &p.test {
        root.insert("test".into(), test_job(t));
        gate.push("test".to_string());
    }
    if !p.images.is_empty() {
        root.insert("build".into(), build_job(p, &gate));
        if let Some((severity, fail)) = &p.scan {
            root.insert(
                "scan".into(),
                json!({
                    "stage": "scan",
                    "image": {"name": "aquasec/trivy:0.66.0", "entrypoint": [""]},
                    "needs": ["build"],
                    "parallel": {"matrix": matrix(p)},
                    "variables": {"TRIVY_USERNAME": registry_user(p), "TRIVY_PASSWORD": registry_password(p)},
                    "rules": [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\"", "when": "never"}, {"when": "on_success"}],
                    "allow_failure": !fail,
                    "script": [format!("trivy image --exit-code 1 --severity {severity} --ignore-unfixed \"$REPOSITORY:$CI_COMMIT_SHA\"")],
                }),
            );
        }
    }
    for d in &p.deploys {
        root.insert(job_id(&d.env), deploy_job(p, d, &gate));
    }
    Value::Object(root)
}

/// One regular expression for several patterns: `/^(main|release\/.*)$/`.
fn alternation(patterns: &[RefPattern]) -> String {
    let bodies: Vec<String> = patterns
        .iter()
        .map(|p| {
            let r = p.regex("");
            r[1..r.len() - 1].to_string()
        })
        .collect();
    format!("/^({})$/", bodies.join("|"))
}

fn registry_user(p: &PipelineIr) -> &'static str {
    if p.registry_host() == "registry.gitlab.com" {
        "$CI_REGISTRY_USER"
    } else {
        "$REGISTRY_USERNAME"
    }
}

fn registry_password(p: &PipelineIr) -> &'static str {
    if p.registry_host() == "registry.gitlab.com" {
        "$CI_REGISTRY_PASSWORD"
    } else {
        "$REGISTRY_PASSWORD"
    }
}

fn matrix(p: &PipelineIr) -> Vec<Value> {
    p.images
        .iter()
        .map(|i| {
            json!({
                "IMAGE": i.name,
                "REPOSITORY": i.repository,
                "CONTEXT": i.context,
                "DOCKERFILE": i.dockerfile,
                "TARGET": i.target.clone().unwrap_or_default(),
            })
        })
        .collect()
}

fn test_job(t: &TestIr) -> Value {
    let mut job = Map::new();
    job.insert("stage".into(), json!("test"));
    let (lang, version) = t
        .setup
        .first()
        .map(|(l, v, _)| (*l, v.as_str()))
        .unwrap_or((Language::Node, "20"));
    job.insert("image".into(), json!(image_for(lang, version)));
    if !t.services.is_empty() {
        let services: Vec<Value> = t
            .services
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
            .collect();
        job.insert("services".into(), Value::Array(services));
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
    let script: Vec<Value> = t
        .runs
        .iter()
        .map(|(name, cmd)| {
            json!(format!(
                "echo {} && {cmd}",
                shell_word(&format!("== {name}"))
            ))
        })
        .collect();
    job.insert("script".into(), Value::Array(script));
    if !t.reports.is_empty() {
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
        job.insert("artifacts".into(), json!({"when": "always", "paths": t.reports, "reports": {"junit": junit}, "expire_in": "30 days"}));
    }
    Value::Object(job)
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

fn build_job(p: &PipelineIr, gate: &[String]) -> Value {
    let host = p.registry_host();
    json!({
        "stage": "build",
        "image": "docker:27",
        "services": ["docker:27-dind"],
        "needs": gate,
        "variables": {"DOCKER_TLS_CERTDIR": "/certs"},
        "parallel": {"matrix": matrix(p)},
        "before_script": [format!("echo \"{}\" | docker login --username \"{}\" --password-stdin {host}", registry_password(p), registry_user(p))],
        "script": [
            "docker buildx create --use",
            concat!(
                "docker buildx build --file \"$DOCKERFILE\" ${TARGET:+--target \"$TARGET\"}",
                " --cache-from \"type=registry,ref=$REPOSITORY:buildcache\"",
                " --cache-to \"type=registry,ref=$REPOSITORY:buildcache,mode=max\"",
                " --tag \"$REPOSITORY:$CI_COMMIT_SHA\" --tag \"$REPOSITORY:${CI_COMMIT_TAG:-$CI_COMMIT_REF_SLUG}\"",
                " $([ \"$CI_PIPELINE_SOURCE\" = \"merge_request_event\" ] || echo --push) \"$CONTEXT\""
            ),
        ],
    })
}

fn deploy_job(p: &PipelineIr, d: &DeployIr, gate: &[String]) -> Value {
    let ns = &d.namespace;
    let mut needs: Vec<Value> = if p.images.is_empty() {
        gate.iter().map(|g| json!(g)).collect()
    } else {
        let mut n = vec![json!({"job": "build", "artifacts": false})];
        // With `needs`, GitLab starts a job as soon as what it needs is done: without the scan
        // here, a deploy would not wait for (or be stopped by) the image scan. Optional: merge
        // request pipelines have no scan job.
        if p.scan.is_some() {
            n.push(json!({"job": "scan", "artifacts": false, "optional": true}));
        }
        n
    };
    if let Some(a) = &d.after {
        needs.push(json!({"job": job_id(a), "optional": true}));
    }
    let rules: Vec<Value> = d
        .triggers
        .iter()
        .map(|t| {
            let mut r = Map::new();
            r.insert("if".into(), json!(trigger_rule(t, &d.env)));
            if d.approval {
                r.insert("when".into(), json!("manual"));
            }
            Value::Object(r)
        })
        .collect();
    let mut script = vec![json!(format!(
        "echo \"${}\" | base64 -d > \"$KUBECONFIG\"",
        d.credentials
    ))];
    if d.uses_argo() {
        script.push(json!(format!(
            "curl -fsSLo /usr/local/bin/kubectl-argo-rollouts https://github.com/argoproj/argo-rollouts/releases/download/{}/kubectl-argo-rollouts-linux-amd64 && chmod +x /usr/local/bin/kubectl-argo-rollouts",
            crate::ir::pipeline::ARGO_ROLLOUTS_VERSION
        )));
    }
    if let Some(b) = &d.before {
        script.push(json!(b));
    }
    match d.method {
        Method::Kustomize => {
            let mut s = format!(
                "dir=\"deploy/kustomize/.release-{env}\"\nmkdir -p \"$dir\"\n{{\n  echo \"resources: [../overlays/{env}]\"\n",
                env = d.env
            );
            if !p.images.is_empty() {
                s.push_str("  echo \"images:\"\n");
                for i in &p.images {
                    s.push_str(&format!(
                        "  echo \"  - {{name: {}, newTag: $CI_COMMIT_SHA}}\"\n",
                        i.repository
                    ));
                }
            }
            s.push_str("} > \"$dir/kustomization.yaml\"\n");
            for c in d.job_cleanup_commands() {
                s.push_str(&c);
                s.push('\n');
            }
            s.push_str("kubectl apply -k \"$dir\"\n");
            script.push(json!(s));
        }
        Method::Helm => {
            let mut s = format!(
                "helm upgrade --install {app} {chart} --namespace {ns} --create-namespace --values {values}",
                app = p.app,
                chart = d.chart,
                values = d.values_file
            );
            for i in &p.images {
                for k in &i.helm_tag_keys {
                    s.push_str(&format!(" --set {k}=\"$CI_COMMIT_SHA\""));
                }
            }
            s.push_str(&format!(" --wait --timeout {}", d.timeout));
            script.push(json!(s));
        }
    }
    let mut verify: Vec<String> = d.wait_commands();
    verify.extend(d.job_wait_commands());
    if let Some(s) = &d.smoke {
        verify.push(s.clone());
    }
    verify.extend(d.promote_commands());
    if !verify.is_empty() {
        let undo: Vec<String> = match d.method {
            Method::Kustomize => d
                .undo_commands()
                .into_iter()
                .map(|c| format!("  {c}"))
                .collect(),
            Method::Helm => vec![format!("  helm rollback {} --namespace {ns} --wait", p.app)],
        };
        if d.rollback && !undo.is_empty() {
            script.push(json!(format!(
                "# Any failing step rolls back (errexit must stay on inside the subshell, so its\n# status is taken outside any condition).\nset +e\n(\n  set -e\n{}\n)\nstatus=$?\nset -e\nif [ \"$status\" -ne 0 ]; then\n  echo \"Rollout failed: rolling back\"\n{}\n  exit 1\nfi\n",
                verify.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n"),
                undo.join("\n")
            )));
        } else {
            script.extend(verify.into_iter().map(Value::String));
        }
    }
    if d.release {
        script.push(json!(
            "if [ -n \"${CI_COMMIT_TAG:-}\" ]; then release-cli create --tag-name \"$CI_COMMIT_TAG\" --description \"Release $CI_COMMIT_TAG\" || echo \"release-cli not available: skipping the release\"; fi"
        ));
    }
    let mut job = Map::new();
    job.insert("stage".into(), json!("deploy"));
    job.insert(
        "image".into(),
        json!({"name": format!("alpine/k8s:{}.0", p.kubernetes), "entrypoint": [""]}),
    );
    job.insert("needs".into(), Value::Array(needs));
    let mut environment = Map::new();
    environment.insert("name".into(), json!(d.env));
    if let Some(u) = &d.url {
        environment.insert("url".into(), json!(u));
    }
    environment.insert("deployment_tier".into(), json!(tier(&d.env)));
    job.insert("environment".into(), Value::Object(environment));
    job.insert("resource_group".into(), json!(format!("deploy-{}", d.env)));
    job.insert(
        "variables".into(),
        json!({"KUBECONFIG": "$CI_PROJECT_DIR/.kubeconfig"}),
    );
    job.insert("rules".into(), Value::Array(rules));
    job.insert("script".into(), Value::Array(script));
    if let Some(slack) = &p.slack {
        job.insert(
            "after_script".into(),
            json!([format!(
                "[ -n \"${slack}\" ] || exit 0; curl -fsS -X POST -H 'Content-Type: application/json' --data \"{{\\\"text\\\": \\\"{app}: deploy to {env} $CI_JOB_STATUS ($CI_COMMIT_SHORT_SHA)\\\"}}\" \"${slack}\"",
                app = p.app,
                env = d.env
            )]),
        );
    }
    Value::Object(job)
}

/// GitLab's deployment tier from an environment's name.
fn tier(env: &str) -> &'static str {
    let e = env.to_ascii_lowercase();
    if e.starts_with("prod") {
        "production"
    } else if e.starts_with("stag") || e.starts_with("pre") {
        "staging"
    } else if e.starts_with("test") || e.starts_with("qa") {
        "testing"
    } else if e.starts_with("dev") || e.starts_with("local") {
        "development"
    } else {
        "other"
    }
}
