//! GitHub Actions: `.github/workflows/<app>.yml`.
//!
//! Takes the IR's pipeline, gives one workflow: drift check, tests with service containers,
//! one image build per service (matrix) pushed to the registry with BuildKit cache and an
//! optional Trivy scan, and a deploy job per environment with its trigger, environment (for
//! protection rules and approvals), concurrency group, rollout wait, smoke test, rollback and
//! Slack notification; optionally (`diff-comment #true`) a job that comments a pull request
//! with the `stowage diff` of its deployed objects. Permissions are least privilege per job; no untrusted event text ever
//! reaches a `run:` script.

use super::{FileSet, header, yaml};
use crate::ir::Ir;
use crate::ir::pipeline::{DeployIr, EnvValue, Method, PipelineIr};
use crate::syntax::ast::Trigger;
use serde_json::{Map, Value, json};

pub fn path(app: &str) -> String {
    format!(".github/workflows/{app}.yml")
}

fn job_id(env: &str) -> String {
    format!("deploy-{env}")
}

fn trigger_condition(t: &Trigger) -> String {
    match t {
        Trigger::Branch(b) => {
            format!("(github.event_name == 'push' && github.ref == 'refs/heads/{b}')")
        }
        Trigger::Tag(p) => match p.strip_suffix('*') {
            Some(prefix) => format!("startsWith(github.ref, 'refs/tags/{prefix}')"),
            None => format!("github.ref == 'refs/tags/{p}'"),
        },
        Trigger::Manual => "github.event_name == 'workflow_dispatch'".to_string(),
    }
}

fn env_map(vars: &[(String, EnvValue)]) -> Map<String, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                EnvValue::Literal(s) => Value::String(s.clone()),
                EnvValue::Secret(s) => Value::String(format!("${{{{ secrets.{s} }}}}")),
            };
            (k.clone(), value)
        })
        .collect()
}

fn step(name: &str, run: impl Into<String>) -> Value {
    json!({"name": name, "run": run.into()})
}

pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    let Some(p) = &ir.pipeline else { return files };
    if !p.platforms.iter().any(|x| x == "github") {
        return files;
    }
    let head = header(&ir.spec_file);
    files.insert(path(&p.app), yaml::documents(&head, &[workflow(p)]));
    files
}

fn workflow(p: &PipelineIr) -> Value {
    let mut push_branches: Vec<String> = p.branches.clone();
    let mut tags: Vec<String> = Vec::new();
    let mut manual: Vec<String> = Vec::new();
    for d in &p.deploys {
        for t in &d.triggers {
            match t {
                Trigger::Branch(b) if !push_branches.contains(b) => push_branches.push(b.clone()),
                Trigger::Tag(t) if !tags.contains(t) => tags.push(t.clone()),
                Trigger::Manual => manual.push(d.env.clone()),
                _ => {}
            }
        }
    }
    let mut on = Map::new();
    let mut push = Map::new();
    push.insert("branches".into(), json!(push_branches));
    if !tags.is_empty() {
        push.insert("tags".into(), json!(tags));
    }
    on.insert("push".into(), Value::Object(push));
    on.insert("pull_request".into(), json!({"branches": p.branches}));
    if !manual.is_empty() {
        on.insert(
            "workflow_dispatch".into(),
            json!({"inputs": {"environment": {"description": "Environment to deploy", "type": "choice", "required": true, "options": manual}}}),
        );
    }
    let mut jobs = Map::new();
    let mut gate: Vec<String> = Vec::new();
    if p.drift {
        jobs.insert("drift".into(), drift_job(p));
        gate.push("drift".into());
    }
    if p.diff_comment {
        jobs.insert("diff".into(), diff_job(p));
    }
    if let Some(t) = &p.test {
        jobs.insert("test".into(), test_job(t));
        gate.push("test".into());
    }
    if !p.images.is_empty() {
        jobs.insert("build".into(), build_job(p, &gate));
    }
    for d in &p.deploys {
        jobs.insert(job_id(&d.env), deploy_job(p, d, &gate));
    }
    json!({
        "name": p.app,
        "on": on,
        "permissions": {"contents": "read"},
        "concurrency": {"group": "${{ github.workflow }}-${{ github.ref }}", "cancel-in-progress": "${{ github.event_name == 'pull_request' }}"},
        "jobs": jobs,
    })
}

fn drift_job(p: &PipelineIr) -> Value {
    json!({
        "name": "Generated files are up to date",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read"},
        "steps": [
            {"uses": "actions/checkout@v5"},
            step("Install stowage", format!("cargo install stowage --locked --version {}", env!("CARGO_PKG_VERSION"))),
            step("stowage check", format!("stowage --message-format github check -f {} -o .", p.spec_file)),
        ],
    })
}

/// `s` as one shell word.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+:@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// On pull requests from the repository itself: the semantic diff of the deployed objects
/// between the base and the head, posted (or updated) as a comment. The base SHA reaches the
/// script through the environment.
fn diff_job(p: &PipelineIr) -> Value {
    let file = "\"$RUNNER_TEMP/stowage-diff.md\"";
    let script = [
        "set +e".to_string(),
        format!(
            "stowage diff --format markdown \"git:$BASE_SHA\" {} > {file}",
            shell_word(&p.spec_file)
        ),
        "status=$?".into(),
        "set -e".into(),
        "if [ \"$status\" -gt 1 ]; then exit \"$status\"; fi".into(),
        "if [ \"$status\" -eq 0 ]; then".into(),
        "  # No changes: update an earlier comment if there is one, post none otherwise.".into(),
        format!("  gh pr comment \"$PR_NUMBER\" --edit-last --body-file {file} || true"),
        "else".into(),
        format!("  gh pr comment \"$PR_NUMBER\" --edit-last --create-if-none --body-file {file}"),
        "fi\n".into(),
    ]
    .join("\n");
    json!({
        "name": "Deployment diff",
        "if": "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read", "pull-requests": "write"},
        "steps": [
            {"uses": "actions/checkout@v5", "with": {"fetch-depth": 0, "persist-credentials": false}},
            step("Install stowage", format!("cargo install stowage --locked --version {}", env!("CARGO_PKG_VERSION"))),
            {
                "name": "Comment the deployment diff",
                "env": {
                    "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
                    "PR_NUMBER": "${{ github.event.pull_request.number }}",
                    "GH_TOKEN": "${{ github.token }}",
                    "GH_REPO": "${{ github.repository }}",
                },
                "run": script,
            },
        ],
    })
}

fn test_job(t: &crate::ir::pipeline::TestIr) -> Value {
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    for (lang, version, cache) in &t.setup {
        let (action, key) = match lang.as_str() {
            "node" => ("actions/setup-node@v5", "node-version"),
            "python" => ("actions/setup-python@v6", "python-version"),
            "go" => ("actions/setup-go@v6", "go-version"),
            "java" => ("actions/setup-java@v5", "java-version"),
            _ => ("dtolnay/rust-toolchain@master", "toolchain"),
        };
        let mut with = Map::new();
        with.insert(key.into(), json!(version));
        if lang == "java" {
            with.insert("distribution".into(), json!("temurin"));
        }
        if let Some(c) = cache
            && lang != "rust"
        {
            with.insert("cache".into(), json!(c));
        }
        steps.push(
            json!({"name": format!("Set up {lang} {version}"), "uses": action, "with": with}),
        );
    }
    for (name, cmd) in &t.runs {
        steps.push(step(name, cmd.clone()));
    }
    if !t.reports.is_empty() {
        steps.push(json!({
            "name": "Upload test reports",
            "if": "always()",
            "uses": "actions/upload-artifact@v6",
            "with": {"name": "test-reports", "path": t.reports.join("\n"), "if-no-files-found": "warn"},
        }));
    }
    let mut job = Map::new();
    job.insert("name".into(), json!("Test"));
    job.insert("runs-on".into(), json!("ubuntu-latest"));
    job.insert("permissions".into(), json!({"contents": "read"}));
    if !t.env.is_empty() {
        job.insert("env".into(), Value::Object(env_map(&t.env)));
    }
    if !t.services.is_empty() {
        let mut services = Map::new();
        for s in &t.services {
            let mut svc = Map::new();
            svc.insert("image".into(), json!(s.image));
            if !s.env.is_empty() {
                svc.insert("env".into(), Value::Object(env_map(&s.env)));
            }
            if let Some(port) = s.port {
                svc.insert("ports".into(), json!([format!("{port}:{port}")]));
            }
            if let Some(h) = &s.health {
                svc.insert(
                    "options".into(),
                    json!(format!("--health-cmd \"{}\" --health-interval 10s --health-timeout 5s --health-retries 5", h.replace('"', "\\\""))),
                );
            }
            services.insert(s.name.clone(), Value::Object(svc));
        }
        job.insert("services".into(), Value::Object(services));
    }
    job.insert("steps".into(), Value::Array(steps));
    Value::Object(job)
}

fn build_job(p: &PipelineIr, gate: &[String]) -> Value {
    let include: Vec<Value> = p
        .images
        .iter()
        .map(|i| json!({"image": i.name, "repository": i.repository, "context": i.context, "dockerfile": i.dockerfile, "target": i.target.clone().unwrap_or_default()}))
        .collect();
    let host = p.registry_host();
    let (user, password) = if host == "ghcr.io" {
        (
            "${{ github.actor }}".to_string(),
            "${{ secrets.GITHUB_TOKEN }}".to_string(),
        )
    } else {
        (
            "${{ secrets.REGISTRY_USERNAME }}".to_string(),
            "${{ secrets.REGISTRY_PASSWORD }}".to_string(),
        )
    };
    let mut steps = vec![
        json!({"uses": "actions/checkout@v5"}),
        json!({"name": "Set up Docker Buildx", "uses": "docker/setup-buildx-action@v4"}),
        json!({
            "name": format!("Log in to {host}"),
            "if": "github.event_name != 'pull_request'",
            "uses": "docker/login-action@v4",
            "with": {"registry": host, "username": user, "password": password},
        }),
        json!({
            "name": "Image tags",
            "id": "meta",
            "uses": "docker/metadata-action@v6",
            "with": {
                "images": "${{ matrix.repository }}",
                "tags": "type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=sha,format=long,prefix=\n",
            },
        }),
        json!({
            "name": "Build and push",
            "uses": "docker/build-push-action@v7",
            "with": {
                "context": "${{ matrix.context }}",
                "file": "${{ matrix.dockerfile }}",
                "target": "${{ matrix.target }}",
                "push": "${{ github.event_name != 'pull_request' }}",
                "tags": "${{ steps.meta.outputs.tags }}",
                "labels": "${{ steps.meta.outputs.labels }}",
                "cache-from": "type=gha,scope=${{ matrix.image }}",
                "cache-to": "type=gha,mode=max,scope=${{ matrix.image }}",
            },
        }),
    ];
    if let Some((severity, fail)) = &p.scan {
        steps.push(json!({
            "name": "Scan for vulnerabilities",
            "if": "github.event_name != 'pull_request'",
            "uses": "aquasecurity/trivy-action@0.33.1",
            "with": {
                "image-ref": "${{ matrix.repository }}:${{ github.sha }}",
                "severity": severity,
                "exit-code": if *fail { "1" } else { "0" },
                "ignore-unfixed": true,
            },
        }));
    }
    let mut job = Map::new();
    job.insert("name".into(), json!("Build ${{ matrix.image }}"));
    if !gate.is_empty() {
        job.insert("needs".into(), json!(gate));
    }
    job.insert("runs-on".into(), json!("ubuntu-latest"));
    job.insert(
        "permissions".into(),
        json!({"contents": "read", "packages": "write"}),
    );
    job.insert(
        "strategy".into(),
        json!({"fail-fast": false, "matrix": {"include": include}}),
    );
    job.insert("steps".into(), Value::Array(steps));
    Value::Object(job)
}

fn deploy_job(p: &PipelineIr, d: &DeployIr, gate: &[String]) -> Value {
    let mut needs: Vec<String> = if p.images.is_empty() {
        gate.to_vec()
    } else {
        vec!["build".into()]
    };
    if let Some(a) = &d.after {
        needs.push(job_id(a));
    }
    let mut cond = vec!["always()".to_string(), "!cancelled()".to_string()];
    for n in &needs {
        if n.starts_with("deploy-") {
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
        .map(|t| match t {
            Trigger::Manual => format!(
                "({} && inputs.environment == '{}')",
                trigger_condition(t),
                d.env
            ),
            t => trigger_condition(t),
        })
        .collect();
    cond.push(format!("({})", triggers.join(" || ")));
    let ns = &d.namespace;
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    steps.push(json!({"name": "Set up kubectl", "uses": "azure/setup-kubectl@v4", "with": {"version": format!("v{}.0", p.kubernetes)}}));
    if d.uses_argo() {
        steps.push(step(
            "Set up the Argo Rollouts plugin",
            format!(
                "curl -fsSLo kubectl-argo-rollouts https://github.com/argoproj/argo-rollouts/releases/download/{}/kubectl-argo-rollouts-linux-amd64\nchmod +x kubectl-argo-rollouts\nsudo mv kubectl-argo-rollouts /usr/local/bin/\n",
                crate::ir::pipeline::ARGO_ROLLOUTS_VERSION
            ),
        ));
    }
    if d.method == Method::Helm {
        steps.push(json!({"name": "Set up Helm", "uses": "azure/setup-helm@v4", "with": {"version": "v3.19.0"}}));
    }
    steps.push(json!({
        "name": "Cluster credentials",
        "env": {"KUBECONFIG_DATA": format!("${{{{ secrets.{} }}}}", d.credentials)},
        "run": "umask 077\necho \"$KUBECONFIG_DATA\" | base64 -d > \"$RUNNER_TEMP/kubeconfig\"\necho \"KUBECONFIG=$RUNNER_TEMP/kubeconfig\" >> \"$GITHUB_ENV\"\n",
    }));
    if let Some(b) = &d.before {
        steps.push(step("Before deploying", b.clone()));
    }
    let deploy = match d.method {
        Method::Kustomize => {
            let mut s = format!(
                "dir=\"deploy/kustomize/.release-{env}\"\nmkdir -p \"$dir\"\n{{\n  echo \"resources: [../overlays/{env}]\"\n",
                env = d.env
            );
            if !p.images.is_empty() {
                s.push_str("  echo \"images:\"\n");
                for i in &p.images {
                    s.push_str(&format!(
                        "  echo \"  - {{name: {}, newTag: $GITHUB_SHA}}\"\n",
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
            s
        }
        Method::Helm => {
            let mut s = format!(
                "helm upgrade --install {app} {chart} \\\n  --namespace {ns} --create-namespace \\\n  --values {values} \\\n",
                app = p.app,
                chart = d.chart,
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
    };
    steps.push(step("Deploy", deploy));
    let lines = |cmds: Vec<String>| cmds.into_iter().map(|c| c + "\n").collect::<String>();
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
    if d.rollback {
        let s = match d.method {
            Method::Kustomize => lines(d.undo_commands()),
            Method::Helm => format!("helm rollback {} --namespace {ns} --wait\n", p.app),
        };
        if !s.is_empty() {
            steps.push(json!({"name": "Roll back", "if": "failure()", "run": s}));
        }
    }
    if d.release {
        steps.push(json!({
            "name": "Create release",
            "if": "startsWith(github.ref, 'refs/tags/')",
            "env": {"GH_TOKEN": "${{ github.token }}"},
            "run": "gh release create \"$GITHUB_REF_NAME\" --generate-notes --verify-tag\n",
        }));
    }
    if let Some(slack) = &p.slack {
        steps.push(json!({
            "name": "Notify Slack",
            "if": "always()",
            "env": {"SLACK_WEBHOOK_URL": format!("${{{{ secrets.{slack} }}}}"), "STATUS": "${{ job.status }}"},
            "run": format!(
                "[ -n \"$SLACK_WEBHOOK_URL\" ] || exit 0\ncurl -fsS -X POST -H 'Content-Type: application/json' \\\n  --data \"{{\\\"text\\\": \\\"{app}: deploy to {env} $STATUS ($GITHUB_SHA)\\\"}}\" \"$SLACK_WEBHOOK_URL\"\n",
                app = p.app,
                env = d.env
            ),
        }));
    }
    let mut environment = Map::new();
    environment.insert("name".into(), json!(d.env));
    if let Some(u) = &d.url {
        environment.insert("url".into(), json!(u));
    }
    let mut permissions = Map::new();
    permissions.insert(
        "contents".into(),
        json!(if d.release { "write" } else { "read" }),
    );
    json!({
        "name": format!("Deploy to {}", d.env),
        "needs": needs,
        "if": cond.join(" && "),
        "runs-on": "ubuntu-latest",
        "environment": environment,
        "concurrency": {"group": format!("deploy-{}", d.env), "cancel-in-progress": false},
        "permissions": permissions,
        "steps": steps,
    })
}
