//! One meaning on both platforms: each `run` of the test job starts at the repository root in a
//! fresh shell, with errexit and pipefail, on GitLab as on GitHub. The generated GitLab script
//! is run as GitLab runs it (every line in one bash) and the GitHub steps as GitHub runs them
//! (each step its own `bash -eo pipefail`), and what they leave behind is compared.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Each run leaves a trace of the shell it ran in; the last ones would pass only in a shell
/// that kept what the earlier ones changed.
const RUNS: &[(&str, &str)] = &[
    (
        "Move",
        "mkdir -p sub && cd sub && export LEAKED=yes && echo moved > moved.txt",
    ),
    ("Where", "pwd > where.txt"),
    ("Variables", "echo \"${LEAKED:-clean}\" > leaked.txt"),
    ("Functions", "helper() { :; }; echo defined > functions.txt"),
    (
        "Function gone",
        "if type helper >/dev/null 2>&1; then echo kept; else echo gone; fi > helper.txt",
    ),
    (
        "Comment",
        "echo commented > comment.txt # a comment at the end",
    ),
    (
        "Pipe",
        "if false | true; then echo no-pipefail; else echo pipefail; fi > pipe.txt",
    ),
    ("Lines", "echo one > lines.txt\necho two >> lines.txt"),
];

fn spec(runs: &[(&str, &str)]) -> String {
    let runs: String = runs
        .iter()
        .map(|(n, c)| format!("        run {:?} {:?}\n", n, c))
        .collect();
    format!(
        r#"app "shop" {{
    namespace "shop"
}}

worker "mailer" {{
    image "mailer" tag="2.0.1"
}}

environment "dev" {{
    policy "dev"
}}

pipeline {{
    platforms "github" "gitlab"
    test {{
        setup "node" version="20"
{runs}    }}
}}
"#
    )
}

/// Every file under `dir` and its contents (paths from `dir`, the repository's own files left
/// out).
fn traces(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let text = std::fs::read_to_string(e.path()).unwrap();
            // Where a run was, from the root: the same on both.
            let text = text.replace(&dir.display().to_string(), "ROOT");
            (rel, text)
        })
        .collect()
}

fn bash(script: &str, dir: &Path, shared: bool) -> bool {
    let mut cmd = Command::new("bash");
    if shared {
        // GitLab's runner: one shell for the job's lines, errexit and pipefail set.
        cmd.args(["-eo", "pipefail", "-c", script]);
    } else {
        // GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}.
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script]);
    }
    cmd.current_dir(dir)
        .env("CI_PROJECT_DIR", dir)
        .env_remove("LEAKED")
        .status()
        .unwrap()
        .success()
}

#[test]
fn each_run_starts_at_the_root_in_a_fresh_shell_on_both_platforms() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stowage.kdl"), spec(RUNS)).unwrap();
    let o = run(stowage().args(["build", "-f"]).arg(out.join("stowage.kdl")));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let gitlab: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap())
            .unwrap();
    let github: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(out.join(".github/workflows/shop.yml")).unwrap(),
    )
    .unwrap();
    assert_eq!(github["defaults"]["run"]["shell"], "bash");
    // GitLab: the job's script, all lines in one shell.
    let gl_dir = work.path().join("gitlab");
    std::fs::create_dir_all(&gl_dir).unwrap();
    let lines: Vec<&str> = gitlab["test"]["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        bash(&lines.join("\n"), &gl_dir, true),
        "GitLab's script failed:\n{}",
        lines.join("\n")
    );
    // GitHub: each step in its own shell, from the workspace root.
    let gh_dir = work.path().join("github");
    std::fs::create_dir_all(&gh_dir).unwrap();
    let steps = github["jobs"]["test"]["steps"].as_array().unwrap();
    for (name, _) in RUNS {
        let step = steps
            .iter()
            .find(|s| s["name"] == *name)
            .unwrap_or_else(|| panic!("no step {name}"));
        assert!(
            bash(step["run"].as_str().unwrap(), &gh_dir, false),
            "GitHub step {name} failed"
        );
    }
    let (gl, gh) = (traces(&gl_dir), traces(&gh_dir));
    assert_eq!(gl, gh, "the platforms left different traces");
    // And the traces say what the rule says.
    assert_eq!(gh["where.txt"], "ROOT\n");
    assert_eq!(gh["leaked.txt"], "clean\n");
    assert_eq!(gh["helper.txt"], "gone\n");
    assert_eq!(gh["pipe.txt"], "pipefail\n");
    assert_eq!(gh["sub/moved.txt"], "moved\n");
    assert_eq!(gh["lines.txt"], "one\ntwo\n");
    assert_eq!(gh["comment.txt"], "commented\n");
}
