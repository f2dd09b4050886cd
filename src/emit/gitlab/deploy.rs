//! A deploy job per environment: what it waits for, its rules, and its script (credentials,
//! the deploy itself, rollout wait, smoke test and promotion under a rollback, release), with
//! Slack told after.

use super::job_id;
use crate::git_ref::RefPattern;
use crate::ir::pipeline::{ARGO_ROLLOUTS_VERSION, DeployIr, Method, Phase, PipelineIr, Trigger};
use serde_json::{Map, Value, json};

/// The deploy job of `d`.
pub(super) fn job(p: &PipelineIr, d: &DeployIr, gate: &[String]) -> Value {
    let mut job = Map::new();
    job.insert("stage".into(), json!("deploy"));
    match &d.publish {
        // git and curl, to publish the release for the GitOps tool.
        Some(_) => job.insert("image".into(), json!(PUBLISH_IMAGE)),
        None => job.insert("image".into(), image(p)),
    };
    job.insert("needs".into(), Value::Array(needs(p, d, gate)));
    job.insert("environment".into(), environment(d));
    job.insert("resource_group".into(), json!(format!("deploy-{}", d.env)));
    if d.publish.is_none() {
        job.insert(
            "variables".into(),
            json!({"KUBECONFIG": "$CI_PROJECT_DIR/.kubeconfig"}),
        );
    }
    job.insert("rules".into(), Value::Array(rules(d)));
    job.insert("script".into(), Value::Array(script(p, d)));
    if let Some(slack) = &p.slack {
        job.insert("after_script".into(), json!([slack_command(p, d, slack)]));
    }
    Value::Object(job)
}

/// The image publishing a release for a GitOps tool.
const PUBLISH_IMAGE: &str = "buildpack-deps:bookworm-scm";

/// Where a release is published: the project, with a token that may push (the job's own may
/// not), and `ci.skip` so the push starts no pipeline.
const PUSH_REMOTE: &str = "-o ci.skip \"${CI_SERVER_PROTOCOL}://stowage:${STOWAGE_PUSH_TOKEN}@${CI_SERVER_HOST}:${CI_SERVER_PORT}/${CI_PROJECT_PATH}.git\"";

/// A GitLab release of the tag being deployed.
const RELEASE: &str = "if [ -n \"${CI_COMMIT_TAG:-}\" ]; then release-cli create --tag-name \"$CI_COMMIT_TAG\" --description \"Release $CI_COMMIT_TAG\" || echo \"release-cli not available: skipping the release\"; fi";

/// The image deploys and rollbacks run in: kubectl, Helm and curl at the cluster's version.
pub(super) fn image(p: &PipelineIr) -> Value {
    json!({"name": format!("alpine/k8s:{}.0", p.kubernetes), "entrypoint": [""]})
}

/// The jobs a deploy waits for: the build and the scan (or the gate when nothing is built) and
/// the jobs after the builds that gate, and the deploy it comes after with the jobs after that
/// deploy that gate (optional, as that deploy: they are in the pipelines it is in).
fn needs(p: &PipelineIr, d: &DeployIr, gate: &[String]) -> Vec<Value> {
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
    needs.extend(p.gates(&Phase::Build).into_iter().map(|g| json!(g)));
    if let Some(a) = &d.after {
        needs.push(json!({"job": job_id(a), "optional": true}));
        let after = Phase::After(a.clone());
        needs.extend(
            p.gates(&after)
                .into_iter()
                .map(|g| json!({"job": g, "optional": true})),
        );
    }
    needs
}

/// A rule per trigger, waiting for someone to start the job when the deploy needs approval.
fn rules(d: &DeployIr) -> Vec<Value> {
    trigger_rules(d)
        .into_iter()
        .map(|r| {
            let mut r = json!({"if": r});
            if d.approval {
                r["when"] = json!("manual");
            }
            r
        })
        .collect()
}

/// The `rules:if` of each of the deploy's triggers.
pub(super) fn trigger_rules(d: &DeployIr) -> Vec<String> {
    d.triggers.iter().map(|t| trigger_rule(t, &d.env)).collect()
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

/// The deployment's environment: name, URL and tier.
fn environment(d: &DeployIr) -> Value {
    let mut environment = Map::new();
    environment.insert("name".into(), json!(d.env));
    if let Some(u) = &d.url {
        environment.insert("url".into(), json!(u));
    }
    environment.insert("deployment_tier".into(), json!(tier(&d.env)));
    Value::Object(environment)
}

/// The job's script: the deploy applied (or its release published for a GitOps tool), and the
/// release.
fn script(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut script = match &d.publish {
        Some(branch) => vec![json!(super::super::gitops_publish(
            p,
            d,
            branch,
            "$CI_COMMIT_SHA",
            PUSH_REMOTE
        ))],
        None => apply_script(p, d),
    };
    if d.release {
        script.push(json!(RELEASE));
    }
    script
}

/// The script of a deploy applied from the job: credentials, tools, the spec's `before`, the
/// deploy and its verification.
fn apply_script(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut script = tool_commands(d);
    if let Some(b) = &d.before {
        script.push(json!(b));
    }
    let deploy = match d.method {
        Method::Kustomize => super::super::kustomize_release(p, d, "$CI_COMMIT_SHA"),
        Method::Helm => helm_command(p, d),
    };
    script.push(json!(deploy));
    script.extend(verify(d));
    script
}

/// The cluster's credentials and the tools a deploy (or its rollback) needs.
pub(super) fn tool_commands(d: &DeployIr) -> Vec<Value> {
    let mut script = vec![json!(format!(
        "echo \"${}\" | base64 -d > \"$KUBECONFIG\"",
        d.credentials
    ))];
    if d.uses_argo() {
        script.push(json!(format!(
            "curl -fsSLo /usr/local/bin/kubectl-argo-rollouts https://github.com/argoproj/argo-rollouts/releases/download/{ARGO_ROLLOUTS_VERSION}/kubectl-argo-rollouts-linux-amd64 && chmod +x /usr/local/bin/kubectl-argo-rollouts",
        )));
    }
    script
}

/// `helm upgrade --install` of the chart with the environment's values and the built images
/// tagged by the commit, waiting for the release.
fn helm_command(p: &PipelineIr, d: &DeployIr) -> String {
    let mut s = format!(
        "helm upgrade --install {app} {chart} --namespace {ns} --create-namespace --values {values}",
        app = p.app,
        chart = d.chart,
        ns = d.namespace,
        values = d.values_file
    );
    for i in &p.images {
        for k in &i.helm_tag_keys {
            s.push_str(&format!(" --set {k}=\"$CI_COMMIT_SHA\""));
        }
    }
    s.push_str(&format!(" --wait --timeout {}", d.timeout));
    s
}

/// The commands after the deploy (rollout wait, Jobs wait, smoke test, promotion): one
/// script rolling back when any fails if the deploy rolls back, else as they are.
fn verify(d: &DeployIr) -> Vec<Value> {
    let mut verify: Vec<String> = d.wait_commands();
    verify.extend(d.job_wait_commands());
    if let Some(s) = &d.smoke {
        verify.push(s.clone());
    }
    verify.extend(d.promote_commands());
    if verify.is_empty() {
        return Vec::new();
    }
    let undo: Vec<String> = d
        .rollback_commands()
        .into_iter()
        .map(|c| format!("  {c}"))
        .collect();
    if d.rollback && !undo.is_empty() {
        vec![json!(rolling_back(&verify, &undo))]
    } else {
        verify.into_iter().map(Value::String).collect()
    }
}

/// A script running `verify` and, when any of it fails, the (indented) `undo` commands.
fn rolling_back(verify: &[String], undo: &[String]) -> String {
    format!(
        "# Any failing step rolls back (errexit must stay on inside the subshell, so its\n# status is taken outside any condition).\nset +e\n(\n  set -e\n{}\n)\nstatus=$?\nset -e\nif [ \"$status\" -ne 0 ]; then\n  echo \"Rollout failed: rolling back\"\n{}\n  exit 1\nfi\n",
        verify
            .iter()
            .map(|v| format!("  {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        undo.join("\n")
    )
}

/// The command telling Slack how the deploy went.
fn slack_command(p: &PipelineIr, d: &DeployIr, slack: &str) -> String {
    format!(
        "[ -n \"${slack}\" ] || exit 0; curl -fsS -X POST -H 'Content-Type: application/json' --data \"{{\\\"text\\\": \\\"{app}: deploy to {env} $CI_JOB_STATUS ($CI_COMMIT_SHORT_SHA)\\\"}}\" \"${slack}\"",
        app = p.app,
        env = d.env
    )
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
