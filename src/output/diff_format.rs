//! The three printings of a semantic diff: for a terminal, for a pull-request comment, as JSON.
//!
//! Takes [`EnvDiff`]s (from [`super::diff`]), the risky changes among them (from
//! [`super::risk`]) and the labels of the two versions, gives text, the risks first: [`human`]
//! (the risks by class, then one summary line per environment, then `~`/`+`/`-` objects and
//! field paths with `old -> new`, coloured on request), [`markdown`] (a table of risks, then a
//! `<details>` block per object with a `diff` code block, or the YAML of an added or removed
//! object) and [`json`].

use super::diff::{EnvDiff, FieldChange, ObjectChange, ObjectDiff, Presence};
use super::risk::{self, Finding, Severity};
use serde_json::{Value, json};

/// The first line of the Markdown printing: lets a CI job find its earlier comment.
pub const MARKDOWN_MARKER: &str = "<!-- stowage-diff -->";

fn compact(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON values serialize")
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn sign_color(sign: char) -> &'static str {
    match sign {
        '+' => "32",
        '-' => "31",
        _ => "33",
    }
}

fn field_line(c: &FieldChange) -> String {
    match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!("{}: {} -> {}", c.path, compact(o), compact(n)),
        (None, Some(n)) => format!("{}: {}", c.path, compact(n)),
        (Some(o), None) => format!("{}: {}", c.path, compact(o)),
        (None, None) => c.path.to_string(),
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::High => "1;31",
        Severity::Medium => "33",
        Severity::Low => "36",
    }
}

/// Where a finding is: `production Deployment/api spec.replicas`.
fn place(f: &Finding) -> String {
    let env = if f.env.is_empty() { "pipeline" } else { &f.env };
    let path = if f.path.is_empty() {
        String::new()
    } else {
        format!(" {}", f.path)
    };
    format!("{env} {}{path}", f.object)
}

/// The risks, by class (most severe first), each class with its explanation.
fn human_risks(risks: &[Finding], color: bool) -> String {
    if risks.is_empty() {
        return "risks: none found\n\n".into();
    }
    let mut out = paint(color, "1", &format!("risks: {}", risk::counts(risks)));
    out.push('\n');
    let mut shown: Vec<&str> = Vec::new();
    for f in risks {
        if shown.contains(&f.class.id) {
            continue;
        }
        shown.push(f.class.id);
        let head = format!("  {:<6} {}", f.class.severity.name(), f.class.id);
        out.push_str(&paint(color, severity_color(f.class.severity), &head));
        out.push_str(&format!(": {}\n", f.class.summary()));
        for g in risks.iter().filter(|g| g.class.id == f.class.id) {
            out.push_str(&format!("         {}: {}\n", place(g), g.detail));
        }
    }
    out.push('\n');
    out
}

/// For a terminal: the risks, then a summary line per environment, then its objects and
/// changed fields.
pub fn human(diffs: &[EnvDiff], risks: &[Finding], color: bool) -> String {
    if diffs.is_empty() {
        return "no environments to compare\n".into();
    }
    let mut out = human_risks(risks, color);
    for d in diffs {
        out.push_str(&paint(color, "1", &d.summary_line()));
        out.push('\n');
        for o in &d.objects {
            let sign = o.sign();
            out.push_str(&paint(
                color,
                sign_color(sign),
                &format!("  {sign} {} {}", o.kind, o.name),
            ));
            out.push('\n');
            if let ObjectChange::Changed(fields) = &o.change {
                for f in fields {
                    out.push_str(&paint(
                        color,
                        sign_color(f.sign()),
                        &format!("      {} {}", f.sign(), field_line(f)),
                    ));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Longest Markdown printing: GitHub refuses comments over 65,536 characters.
pub const MARKDOWN_LIMIT: usize = 60_000;

/// One object's block. `brief` leaves out the YAML of added and removed objects.
fn markdown_object(out: &mut String, o: &ObjectDiff, brief: bool) {
    let yaml = |v: &Value| {
        if brief {
            "# left out to keep the comment short: see `stowage render`\n".to_string()
        } else {
            crate::emit::yaml::to_yaml(v)
        }
    };
    let (what, lang, body) = match &o.change {
        ObjectChange::Changed(fields) => {
            let mut body = String::new();
            for f in fields {
                let path = &f.path;
                if let Some(old) = &f.old {
                    body.push_str(&format!("- {path}: {}\n", compact(old)));
                }
                if let Some(new) = &f.new {
                    body.push_str(&format!("+ {path}: {}\n", compact(new)));
                }
            }
            let n = fields.len();
            (
                format!("{n} field{}", if n == 1 { "" } else { "s" }),
                "diff",
                body,
            )
        }
        ObjectChange::Added(v) => ("added".into(), "yaml", yaml(v)),
        ObjectChange::Removed(v) => ("removed".into(), "yaml", yaml(v)),
    };
    let f = fence(&body);
    out.push_str(&format!(
        "<details>\n<summary><code>{} {}/{}</code> ({})</summary>\n\n{f}{lang}\n{body}",
        o.sign(),
        html(&o.kind),
        html(&o.name),
        what
    ));
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("{f}\n\n</details>\n\n"));
}

/// For a pull-request comment: the summary, then a collapsible block per object. Kept under
/// [`MARKDOWN_LIMIT`]: without the YAML of added and removed objects if need be, then cut after
/// the last object that fits.
pub fn markdown(diffs: &[EnvDiff], risks: &[Finding], old: &str, new: &str) -> String {
    let full = markdown_with(diffs, risks, old, new, false);
    if full.len() <= MARKDOWN_LIMIT {
        return full;
    }
    let brief = markdown_with(diffs, risks, old, new, true);
    if brief.len() <= MARKDOWN_LIMIT {
        return brief;
    }
    let note = "\n**The diff is too long for a comment**: run `stowage diff` to see all of it.\n";
    let mut end = MARKDOWN_LIMIT - note.len();
    while !brief.is_char_boundary(end) {
        end -= 1;
    }
    let head = &brief[..end];
    let cut = match head.rfind("</details>\n") {
        Some(i) => i + "</details>\n".len(),
        None => head.rfind("\n\n").unwrap_or(0),
    };
    format!("{}{note}", &brief[..cut])
}

/// A table cell's text.
fn cell(s: &str) -> String {
    html(s).replace('|', "\\|").replace('\n', " ")
}

/// The risks as a table (at most [`MARKDOWN_RISK_ROWS`] rows).
fn markdown_risks(out: &mut String, risks: &[Finding]) {
    if risks.is_empty() {
        out.push_str("**Risks**: none found.\n\n");
        return;
    }
    out.push_str(&format!("**Risks**: {}.\n\n", risk::counts(risks)));
    out.push_str("| severity | class | where | change |\n| --- | --- | --- | --- |\n");
    for f in risks.iter().take(MARKDOWN_RISK_ROWS) {
        out.push_str(&format!(
            "| {} | `{}`: {} | {} | {} |\n",
            f.class.severity.name(),
            f.class.id,
            cell(f.class.summary()),
            cell(&place(f)),
            cell(&f.detail)
        ));
    }
    if risks.len() > MARKDOWN_RISK_ROWS {
        let more = risks.len() - MARKDOWN_RISK_ROWS;
        out.push_str(&format!(
            "\n{more} more: run `stowage diff` to see them all.\n"
        ));
    }
    out.push('\n');
}

/// Most rows of the risk table in a comment.
pub const MARKDOWN_RISK_ROWS: usize = 50;

fn markdown_with(
    diffs: &[EnvDiff],
    risks: &[Finding],
    old: &str,
    new: &str,
    brief: bool,
) -> String {
    let mut out = format!(
        "{MARKDOWN_MARKER}\n### stowage diff\n\nDeployed objects of `{}` compared with `{}`.\n\n",
        old.replace('`', "'"),
        new.replace('`', "'")
    );
    markdown_risks(&mut out, risks);
    if diffs.iter().all(EnvDiff::is_equal) {
        out.push_str(if diffs.is_empty() {
            "No environments.\n"
        } else {
            "No changes to the deployed objects.\n"
        });
        for d in diffs {
            out.push_str(&format!("- {}\n", html(&d.summary_line())));
        }
        return out;
    }
    for d in diffs {
        out.push_str(&format!("- {}\n", html(&d.summary_line())));
    }
    out.push('\n');
    for d in diffs.iter().filter(|d| !d.objects.is_empty()) {
        out.push_str(&format!("#### {}\n\n", html(&d.summary_line())));
        for o in &d.objects {
            markdown_object(&mut out, o, brief);
        }
    }
    out
}

fn field_json(c: &FieldChange) -> Value {
    let mut v = json!({
        "path": c.path.to_string(),
        "change": match c.sign() { '+' => "added", '-' => "removed", _ => "changed" },
    });
    if let Some(o) = &c.old {
        v["old"] = o.clone();
    }
    if let Some(n) = &c.new {
        v["new"] = n.clone();
    }
    v
}

fn risk_json(f: &Finding) -> Value {
    json!({
        "class": f.class.id,
        "severity": f.class.severity.name(),
        "summary": f.class.summary(),
        "environment": f.env,
        "object": f.object,
        "path": f.path,
        "detail": f.detail,
    })
}

/// Everything, as one JSON value.
pub fn json(diffs: &[EnvDiff], risks: &[Finding], old: &str, new: &str) -> Value {
    let envs: Vec<Value> = diffs
        .iter()
        .map(|d| {
            let s = d.summary();
            let objects: Vec<Value> = d
                .objects
                .iter()
                .map(|o| {
                    let mut v = json!({"kind": o.kind, "name": o.name});
                    match &o.change {
                        ObjectChange::Added(obj) => {
                            v["change"] = json!("added");
                            v["object"] = obj.clone();
                        }
                        ObjectChange::Removed(obj) => {
                            v["change"] = json!("removed");
                            v["object"] = obj.clone();
                        }
                        ObjectChange::Changed(fields) => {
                            v["change"] = json!("changed");
                            v["fields"] = fields.iter().map(field_json).collect();
                        }
                    }
                    v
                })
                .collect();
            json!({
                "name": d.env,
                "presence": match d.presence {
                    Presence::Both => "both",
                    Presence::OnlyOld => "old",
                    Presence::OnlyNew => "new",
                },
                "equal": d.is_equal(),
                "summary": {"changed": s.changed, "added": s.added, "removed": s.removed},
                "objects": objects,
            })
        })
        .collect();
    json!({
        "old": old,
        "new": new,
        "equal": diffs.iter().all(EnvDiff::is_equal),
        "risks": risks.iter().map(risk_json).collect::<Vec<_>>(),
        "environments": envs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::diff::{EnvDiff, ObjectChange, ObjectDiff, Presence};

    fn big_env(n: usize) -> EnvDiff {
        let objects = (0..n)
            .map(|i| ObjectDiff {
                kind: "ConfigMap".into(),
                name: format!("c{i}"),
                change: ObjectChange::Added(json!({"data": {"k": "v".repeat(2000)}})),
            })
            .collect();
        EnvDiff {
            env: "production".into(),
            presence: Presence::Both,
            objects,
        }
    }

    #[test]
    fn markdown_stays_under_the_comment_limit() {
        let small = markdown(&[big_env(3)], &[], "a", "b");
        assert!(small.contains("vvvv"), "{small}");
        let brief = markdown(&[big_env(100)], &[], "a", "b");
        assert!(brief.len() <= MARKDOWN_LIMIT);
        assert!(brief.contains("left out to keep the comment short") && !brief.contains("vvvv"));
        let cut = markdown(&[big_env(1000)], &[], "a", "b");
        assert!(cut.len() <= MARKDOWN_LIMIT, "{}", cut.len());
        assert!(cut.ends_with("run `stowage diff` to see all of it.\n"));
        assert_eq!(
            cut.matches("<details>").count(),
            cut.matches("</details>").count()
        );
    }
}
