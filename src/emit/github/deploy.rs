//! A deploy job per environment: what it waits for, when it runs, and its steps (credentials,
//! the deploy itself, rollout wait, smoke test, promotion, rollback, release and Slack).

use super::{gh, job_id, step, triggers};
use crate::ir::pipeline::{ARGO_ROLLOUTS_VERSION, DeployIr, Method, Phase, PipelineIr, Trigger};
use serde_json::{Map, Value, json};

/// The deploy job of `d`.
pub(super) fn job(
    p: &PipelineIr,
    d: &DeployIr,
    gate: &[String],
    planned: &[(&Trigger, String)],
) -> Value {
    let needs = needs(p, d, gate, planned);
    let cond = condition(p, d, &needs, planned);
    let mut environment = Map::new();
    environment.insert("name".into(), json!(d.env));
    if let Some(u) = &d.url {
        environment.insert("url".into(), json!(u));
    }
    let mut permissions = Map::new();
    permissions.insert(
        "contents".into(),
        json!(if d.release || d.publish.is_some() {
            "write"
        } else {
            "read"
        }),
    );
    json!({
        "name": format!("Deploy to {}", d.env),
        "needs": needs,
        "if": cond,
        "runs-on": "ubuntu-latest",
        "environment": environment,
        "concurrency": {"group": format!("deploy-{}", d.env), "cancel-in-progress": false},
        "permissions": permissions,
        "steps": steps(p, d),
    })
}

/// The jobs a deploy waits for: the build (or the gate when nothing is built) and the jobs
/// after the builds that gate, the plan when it tests one of the deploy's triggers, and the
/// deploy it comes after with the jobs after that deploy that gate.
fn needs(
    p: &PipelineIr,
    d: &DeployIr,
    gate: &[String],
    planned: &[(&Trigger, String)],
) -> Vec<String> {
    let mut needs: Vec<String> = if p.images.is_empty() {
        gate.to_vec()
    } else {
        vec!["build".into()]
    };
    needs.extend(p.gates(&Phase::Build).into_iter().map(String::from));
    if planned.iter().any(|(t, _)| d.triggers.contains(t)) {
        needs.push("plan".into());
    }
    if let Some(a) = &d.after {
        needs.push(job_id(a));
        let after = Phase::After(a.clone());
        needs.extend(p.gates(&after).into_iter().map(String::from));
    }
    needs
}

/// The job's `if`: what it needs succeeded (an earlier deploy, and the jobs after it, may also
/// have been skipped), and one of its triggers fired.
fn condition(
    p: &PipelineIr,
    d: &DeployIr,
    needs: &[String],
    planned: &[(&Trigger, String)],
) -> String {
    let mut cond = vec!["always()".to_string(), "!cancelled()".to_string()];
    for n in needs {
        let after_deploy = p.job(n).is_some_and(|j| j.after().is_some());
        if d.after.as_ref().is_some_and(|a| *n == job_id(a)) || after_deploy {
            cond.push(format!(
                "contains(fromJSON('[\"success\", \"skipped\"]'), needs.{n}.result)"
            ));
        } else {
            cond.push(format!("needs.{n}.result == 'success'"));
        }
    }
    let triggers: Vec<String> = d
        .triggers
        .iter()
        .map(|t| match (t, triggers::condition(t)) {
            (Trigger::Manual, Some(c)) => format!("({c} && inputs.environment == '{}')", d.env),
            (_, Some(c)) => c,
            (t, None) => {
                let id = &planned.iter().find(|(x, _)| *x == t).expect("planned").1;
                format!("needs.plan.outputs.{id} == 'true'")
            }
        })
        .collect();
    cond.push(format!("({})", triggers.join(" || ")));
    cond.join(" && ")
}

/// Every step of the deploy job, in order.
fn steps(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut steps = match &d.publish {
        Some(branch) => publish_steps(p, d, branch),
        None => apply_steps(p, d),
    };
    if d.release {
        steps.push(json!({
            "name": "Create release",
            "if": "startsWith(github.ref, 'refs/tags/')",
            "env": {"GH_TOKEN": gh("github.token")},
            "run": "gh release create \"$GITHUB_REF_NAME\" --generate-notes --verify-tag\n",
        }));
    }
    if let Some(slack) = &p.slack {
        steps.push(slack_step(p, d, slack));
    }
    steps
}

/// The deploy of an environment a GitOps tool delivers: its release published to the branch
/// the tool follows, with the job's token (`contents: write`); the tool applies it.
fn publish_steps(p: &PipelineIr, d: &DeployIr, branch: &str) -> Vec<Value> {
    vec![
        json!({"uses": "actions/checkout@v5"}),
        step(
            "Publish the release",
            super::super::gitops_publish(p, d, branch, "$GITHUB_SHA", "origin"),
        ),
    ]
}

/// The deploy applied from the job: credentials, the deploy, its verification and rollback.
fn apply_steps(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut steps = setup_steps(p, d);
    let deploy = match d.method {
        Method::Kustomize => super::super::kustomize_release(p, d, "$GITHUB_SHA"),
        Method::Helm => helm_script(p, d),
    };
    steps.push(step("Deploy", deploy));
    steps.extend(verify_steps(d));
    if d.rollback
        && let Some(s) = rollback_step(d)
    {
        steps.push(s);
    }
    steps
}

/// Checkout, the tools the deploy uses, the cluster's credentials, and the spec's `before`.
fn setup_steps(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    steps.extend(tool_steps(p, d));
    if let Some(b) = &d.before {
        steps.push(step("Before deploying", b.clone()));
    }
    steps
}

/// The tools a deploy (or its rollback) uses, and the cluster's credentials.
pub(super) fn tool_steps(p: &PipelineIr, d: &DeployIr) -> Vec<Value> {
    let mut steps = Vec::new();
    steps.push(json!({"name": "Set up kubectl", "uses": "azure/setup-kubectl@v4", "with": {"version": format!("v{}.0", p.kubernetes)}}));
    if d.uses_argo() {
        steps.push(step(
            "Set up the Argo Rollouts plugin",
            format!(
                "curl -fsSLo kubectl-argo-rollouts https://github.com/argoproj/argo-rollouts/releases/download/{ARGO_ROLLOUTS_VERSION}/kubectl-argo-rollouts-linux-amd64\nchmod +x kubectl-argo-rollouts\nsudo mv kubectl-argo-rollouts /usr/local/bin/\n",
            ),
        ));
    }
    if d.method == Method::Helm {
        steps.push(json!({"name": "Set up Helm", "uses": "azure/setup-helm@v4", "with": {"version": "v3.19.0"}}));
    }
    steps.push(json!({
        "name": "Cluster credentials",
        "env": {"KUBECONFIG_DATA": gh(&format!("secrets.{}", d.credentials))},
        "run": "umask 077\necho \"$KUBECONFIG_DATA\" | base64 -d > \"$RUNNER_TEMP/kubeconfig\"\necho \"KUBECONFIG=$RUNNER_TEMP/kubeconfig\" >> \"$GITHUB_ENV\"\n",
    }));
    steps
}

/// `helm upgrade --install` of the chart with the environment's values and the built images
/// tagged by the commit, waiting for the release.
fn helm_script(p: &PipelineIr, d: &DeployIr) -> String {
    let mut s = format!(
        "helm upgrade --install {app} {chart} \\\n  --namespace {ns} --create-namespace \\\n  --values {values} \\\n",
        app = p.app,
        chart = d.chart,
        ns = d.namespace,
        values = d.values_file
    );
    for i in &p.images {
        for k in &i.helm_tag_keys {
            s.push_str(&format!("  --set {k}=\"$GITHUB_SHA\" \\\n"));
        }
    }
    s.push_str(&format!("  --wait --timeout {}\n", d.timeout));
    s
}

/// Commands as a script, one a line.
fn lines(cmds: Vec<String>) -> String {
    cmds.into_iter().map(|c| c + "\n").collect()
}

/// The steps after the deploy: rollout wait, Jobs wait, smoke test and promotion.
fn verify_steps(d: &DeployIr) -> Vec<Value> {
    let mut steps = Vec::new();
    if !d.rollouts.is_empty() {
        steps.push(step("Wait for the rollout", lines(d.wait_commands())));
    }
    let jobs = d.job_wait_commands();
    if !jobs.is_empty() {
        steps.push(step("Wait for the jobs", lines(jobs)));
    }
    if let Some(smoke) = &d.smoke {
        steps.push(step("Smoke test", smoke.clone()));
    }
    let promote = d.promote_commands();
    if !promote.is_empty() {
        steps.push(step("Promote the preview", lines(promote)));
    }
    steps
}

/// The step rolling back when an earlier one failed: None when there is nothing to undo.
fn rollback_step(d: &DeployIr) -> Option<Value> {
    let s = lines(d.rollback_commands());
    (!s.is_empty()).then(|| json!({"name": "Roll back", "if": "failure()", "run": s}))
}

/// The step telling Slack how the deploy went, whatever happened.
fn slack_step(p: &PipelineIr, d: &DeployIr, slack: &str) -> Value {
    json!({
        "name": "Notify Slack",
        "if": "always()",
        "env": {"SLACK_WEBHOOK_URL": gh(&format!("secrets.{slack}")), "STATUS": gh("job.status")},
        "run": format!(
            "[ -n \"$SLACK_WEBHOOK_URL\" ] || exit 0\ncurl -fsS -X POST -H 'Content-Type: application/json' \\\n  --data \"{{\\\"text\\\": \\\"{app}: deploy to {env} $STATUS ($GITHUB_SHA)\\\"}}\" \"$SLACK_WEBHOOK_URL\"\n",
            app = p.app,
            env = d.env
        ),
    })
}
