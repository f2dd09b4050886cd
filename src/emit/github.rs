//! GitHub Actions: `.github/workflows/<app>.yml`.
//!
//! Takes the IR's pipeline, gives one workflow: drift check, tests with service containers,
//! one image build per service (matrix) pushed to the registry with BuildKit cache and an
//! optional Trivy scan, and a deploy job per environment with its trigger, environment (for
//! protection rules and approvals), concurrency group, rollout wait, smoke test, rollback and
//! Slack notification; optionally (`diff-comment #true`) a job that comments a pull request
//! with the `stowage diff` of its deployed objects. Permissions are least privilege per job; no untrusted event text ever
//! reaches a `run:` script.

use super::{FileSet, header, shell_word, yaml};
use crate::git_ref::RefPattern;
use crate::ir::Ir;
use crate::ir::pipeline::{DeployIr, EnvValue, Language, Method, PipelineIr, Platform, Trigger};
use serde_json::{Map, Value, json};

pub fn path(app: &str) -> String {
    format!(".github/workflows/{app}.yml")
}

fn job_id(env: &str) -> String {
    format!("deploy-{env}")
}

/// The condition under which a trigger fires, when GitHub's expressions can test its pattern
/// exactly (a whole name, or a name's start): `None` for other patterns, which the plan job
/// tests with a regular expression.
fn trigger_condition(t: &Trigger) -> Option<String> {
    let test = |pattern: &RefPattern, refs: &str| {
        if pattern.is_literal() {
            Some(format!("github.ref == '{refs}{pattern}'"))
        } else {
            pattern
                .prefix()
                .map(|p| format!("startsWith(github.ref, '{refs}{p}')"))
        }
    };
    match t {
        Trigger::Branch(b) => {
            test(b, "refs/heads/").map(|c| format!("(github.event_name == 'push' && {c})"))
        }
        Trigger::Tag(p) => {
            test(p, "refs/tags/").map(|c| format!("(github.event_name == 'push' && {c})"))
        }
        Trigger::Manual => Some("github.event_name == 'workflow_dispatch'".to_string()),
    }
}

/// Triggers whose pattern GitHub's expressions cannot test, each with the plan job's output
/// that says whether it matches the pushed ref.
fn planned_triggers(p: &PipelineIr) -> Vec<(&Trigger, String)> {
    let mut out: Vec<(&Trigger, String)> = Vec::new();
    for d in &p.deploys {
        for t in &d.triggers {
            if trigger_condition(t).is_none() && !out.iter().any(|(x, _)| *x == t) {
                let id = format!("match{}", out.len() + 1);
                out.push((t, id));
            }
        }
    }
    out
}

/// The plan job: matches the pushed ref against the patterns expressions cannot test, with
/// the same regular expressions as GitLab's rules. The ref reaches the script through the
/// environment.
fn plan_job(planned: &[(&Trigger, String)]) -> Value {
    let mut script = String::from(
        "matches() { if [[ \"$EVENT\" == push && \"$REF\" =~ $2 ]]; then echo \"$1=true\"; else echo \"$1=false\"; fi >> \"$GITHUB_OUTPUT\"; }\n",
    );
    let mut outputs = Map::new();
    for (t, id) in planned {
        let re = match t {
            Trigger::Branch(b) => b.regex("refs/heads/"),
            Trigger::Tag(p) => p.regex("refs/tags/"),
            Trigger::Manual => continue,
        };
        script.push_str(&format!("matches {id} '{re}'\n"));
        outputs.insert(id.clone(), json!(gh(&format!("steps.match.outputs.{id}"))));
    }
    json!({
        "name": "Plan deploys",
        "runs-on": "ubuntu-latest",
        "permissions": {},
        "outputs": outputs,
        "steps": [{
            "name": "Match the ref",
            "id": "match",
            "env": {"REF": gh("github.ref"), "EVENT": gh("github.event_name")},
            "run": script,
        }],
    })
}

/// Marks the `${{` of stowage's own expressions until [`literal_text`] has made every other
/// `${{` literal: neither spec text (no control characters) nor a path (no NUL) can hold it.
const MARK: &str = "\u{0}{{";

/// A GitHub expression of stowage's own: `${{ BODY }}`.
fn gh(body: &str) -> String {
    format!("{MARK} {body} }}}}")
}

/// Make every `${{` that stowage did not write literal (`${{ '${{' }}`), in keys and values,
/// then unmark stowage's own expressions: text from the spec is never evaluated.
fn literal_text(v: Value) -> Value {
    let fix = |s: &str| s.replace("${{", "${{ '${{' }}").replace(MARK, "${{");
    match v {
        Value::String(s) => Value::String(fix(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(literal_text).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (fix(&k), literal_text(v)))
                .collect(),
        ),
        v => v,
    }
}

fn env_map(vars: &[(String, EnvValue)]) -> Map<String, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                EnvValue::Literal(s) => Value::String(s.clone()),
                EnvValue::Secret(s) => Value::String(gh(&format!("secrets.{s}"))),
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
    if !p.platforms.contains(&Platform::Github) {
        return files;
    }
    let head = header(&ir.spec_file);
    files.insert(
        path(&p.app),
        yaml::documents(&head, &[literal_text(workflow(p))]),
    );
    files
}

fn workflow(p: &PipelineIr) -> Value {
    let mut push_branches: Vec<String> = p.branches.iter().map(RefPattern::github_filter).collect();
    let mut tags: Vec<String> = Vec::new();
    let mut manual: Vec<String> = Vec::new();
    for d in &p.deploys {
        for t in &d.triggers {
            match t {
                Trigger::Branch(b) => {
                    let f = b.github_filter();
                    if !push_branches.contains(&f) {
                        push_branches.push(f);
                    }
                }
                Trigger::Tag(t) => {
                    let f = t.github_filter();
                    if !tags.contains(&f) {
                        tags.push(f);
                    }
                }
                Trigger::Manual => manual.push(d.env.clone()),
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
    let pr_branches: Vec<String> = p.branches.iter().map(RefPattern::github_filter).collect();
    on.insert("pull_request".into(), json!({"branches": pr_branches}));
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
    let planned = planned_triggers(p);
    if !planned.is_empty() {
        jobs.insert("plan".into(), plan_job(&planned));
    }
    for d in &p.deploys {
        jobs.insert(job_id(&d.env), deploy_job(p, d, &gate, &planned));
    }
    json!({
        "name": p.app,
        "on": on,
        "permissions": {"contents": "read"},
        "concurrency": {"group": format!("{}-{}", gh("github.workflow"), gh("github.ref")), "cancel-in-progress": gh("github.event_name == 'pull_request'")},
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
            step("stowage check", format!("stowage --message-format github check -f {} -o .", shell_word(&p.spec_file))),
        ],
    })
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
                    "BASE_SHA": gh("github.event.pull_request.base.sha"),
                    "PR_NUMBER": gh("github.event.pull_request.number"),
                    "GH_TOKEN": gh("github.token"),
                    "GH_REPO": gh("github.repository"),
                },
                "run": script,
            },
        ],
    })
}

fn test_job(t: &crate::ir::pipeline::TestIr) -> Value {
    let mut steps = vec![json!({"uses": "actions/checkout@v5"})];
    for (lang, version, cache) in &t.setup {
        let (action, key) = match lang {
            Language::Node => ("actions/setup-node@v5", "node-version"),
            Language::Python => ("actions/setup-python@v6", "python-version"),
            Language::Go => ("actions/setup-go@v6", "go-version"),
            Language::Java => ("actions/setup-java@v5", "java-version"),
            Language::Rust => ("dtolnay/rust-toolchain@master", "toolchain"),
        };
        let mut with = Map::new();
        with.insert(key.into(), json!(version));
        if *lang == Language::Java {
            with.insert("distribution".into(), json!("temurin"));
        }
        if let Some(c) = cache
            && *lang != Language::Rust
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
        (gh("github.actor"), gh("secrets.GITHUB_TOKEN"))
    } else {
        (
            gh("secrets.REGISTRY_USERNAME"),
            gh("secrets.REGISTRY_PASSWORD"),
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
                "images": gh("matrix.repository"),
                "tags": "type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=sha,format=long,prefix=\n",
            },
        }),
        json!({
            "name": "Build and push",
            "uses": "docker/build-push-action@v7",
            "with": {
                "context": gh("matrix.context"),
                "file": gh("matrix.dockerfile"),
                "target": gh("matrix.target"),
                "push": gh("github.event_name != 'pull_request'"),
                "tags": gh("steps.meta.outputs.tags"),
                "labels": gh("steps.meta.outputs.labels"),
                "cache-from": format!("type=gha,scope={}", gh("matrix.image")),
                "cache-to": format!("type=gha,mode=max,scope={}", gh("matrix.image")),
            },
        }),
    ];
    if let Some((severity, fail)) = &p.scan {
        steps.push(json!({
            "name": "Scan for vulnerabilities",
            "if": "github.event_name != 'pull_request'",
            "uses": "aquasecurity/trivy-action@0.33.1",
            "with": {
                "image-ref": format!("{}:{}", gh("matrix.repository"), gh("github.sha")),
                "severity": severity,
                "exit-code": if *fail { "1" } else { "0" },
                "ignore-unfixed": true,
            },
        }));
    }
    let mut job = Map::new();
    job.insert(
        "name".into(),
        json!(format!("Build {}", gh("matrix.image"))),
    );
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

fn deploy_job(
    p: &PipelineIr,
    d: &DeployIr,
    gate: &[String],
    planned: &[(&Trigger, String)],
) -> Value {
    let mut needs: Vec<String> = if p.images.is_empty() {
        gate.to_vec()
    } else {
        vec!["build".into()]
    };
    let plans: Vec<&String> = planned
        .iter()
        .filter(|(t, _)| d.triggers.contains(t))
        .map(|(_, id)| id)
        .collect();
    if !plans.is_empty() {
        needs.push("plan".into());
    }
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
        .map(|t| match (t, trigger_condition(t)) {
            (Trigger::Manual, Some(c)) => format!("({c} && inputs.environment == '{}')", d.env),
            (_, Some(c)) => c,
            (t, None) => {
                let id = &planned.iter().find(|(x, _)| *x == t).expect("planned").1;
                format!("needs.plan.outputs.{id} == 'true'")
            }
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
        "env": {"KUBECONFIG_DATA": gh(&format!("secrets.{}", d.credentials))},
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
            "env": {"GH_TOKEN": gh("github.token")},
            "run": "gh release create \"$GITHUB_REF_NAME\" --generate-notes --verify-tag\n",
        }));
    }
    if let Some(slack) = &p.slack {
        steps.push(json!({
            "name": "Notify Slack",
            "if": "always()",
            "env": {"SLACK_WEBHOOK_URL": gh(&format!("secrets.{slack}")), "STATUS": gh("job.status")},
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
