//! When the workflow runs and which deploys fire: its events, the condition of each trigger,
//! and the plan job for the patterns GitHub's expressions cannot test.

use super::gh;
use crate::git_ref::RefPattern;
use crate::ir::pipeline::{PipelineIr, Trigger};
use serde_json::{Map, Value, json};

/// The workflow's `on:`: pushes to its branches and the deploys' branches and tags, pull
/// requests to its branches, and a dispatch choosing among the manual deploys.
pub(super) fn on(p: &PipelineIr) -> Map<String, Value> {
    let mut push_branches: Vec<String> = p.branches.iter().map(RefPattern::github_filter).collect();
    let mut tags: Vec<String> = Vec::new();
    let mut manual: Vec<String> = Vec::new();
    for d in &p.deploys {
        for t in &d.triggers {
            match t {
                Trigger::Branch(b) => push_new(&mut push_branches, b.github_filter()),
                Trigger::Tag(t) => push_new(&mut tags, t.github_filter()),
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
    on
}

/// Add `filter` to `filters` unless it is there already.
fn push_new(filters: &mut Vec<String>, filter: String) {
    if !filters.contains(&filter) {
        filters.push(filter);
    }
}

/// The condition under which a trigger fires, when GitHub's expressions can test its pattern
/// exactly (a whole name, or a name's start): `None` for other patterns, which the plan job
/// tests with a regular expression.
pub(super) fn condition(t: &Trigger) -> Option<String> {
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
pub(super) fn planned(p: &PipelineIr) -> Vec<(&Trigger, String)> {
    let mut out: Vec<(&Trigger, String)> = Vec::new();
    for d in &p.deploys {
        for t in &d.triggers {
            if condition(t).is_none() && !out.iter().any(|(x, _)| *x == t) {
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
pub(super) fn plan_job(planned: &[(&Trigger, String)]) -> Value {
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
