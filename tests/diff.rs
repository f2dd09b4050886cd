//! `stowage diff`: the semantic per-object diff between two versions of a spec (files or git
//! revisions), its three formats and its exit codes.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = r#"app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    env {
        LOG_LEVEL "info"
        FEATURE_X "on"
    }
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
}
environment "dev" {
    policy "dev"
    service "web" { replicas 1; }
}
environment "production" {
    service "web" { image tag="1.0.1"; }
}
"#;

const API: &str = r#"service "api" {
    image "api" tag="2.0.0"
    port "http" 9000
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
}
"#;

/// Write two versions of a spec in a temporary folder.
fn versions(old: &str, new: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = (dir.path().join("old.kdl"), dir.path().join("new.kdl"));
    fs::write(&o, old).unwrap();
    fs::write(&n, new).unwrap();
    (dir, o, n)
}

/// `stowage diff --format json` of two files: (exit code, document).
fn diff_json(old: &Path, new: &Path, env: Option<&str>) -> (i32, Value) {
    let mut cmd = stowage();
    cmd.args(["diff", "--format", "json"]);
    if let Some(e) = env {
        cmd.args(["--env", e]);
    }
    let o = run(cmd.arg(old).arg(new));
    let code = o.status.code().unwrap();
    assert!(code < 2, "exit {code}: {}", text(&o.stderr));
    (
        code,
        serde_json::from_slice(&o.stdout).expect("JSON output"),
    )
}

fn environment<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {doc:#}"))
}

#[test]
fn a_changed_replica_count_is_exactly_one_changed_field() {
    let new = SPEC.replace(
        "service \"web\" { image tag=\"1.0.1\"; }",
        "service \"web\" { image tag=\"1.0.1\"; replicas 3; }",
    );
    let (_dir, old, new) = versions(SPEC, &new);
    let (code, doc) = diff_json(&old, &new, Some("production"));
    assert_eq!(code, 1);
    let prod = environment(&doc, "production");
    let objects = prod["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 1, "{prod:#}");
    assert_eq!(objects[0]["kind"], "Deployment");
    assert_eq!(objects[0]["name"], "web");
    assert_eq!(objects[0]["change"], "changed");
    let fields = objects[0]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{fields:#?}");
    assert_eq!(fields[0]["path"], "spec.replicas");
    assert_eq!(
        (&fields[0]["old"], &fields[0]["new"]),
        (&2.into(), &3.into())
    );
    // Only production was asked for.
    assert_eq!(doc["environments"].as_array().unwrap().len(), 1);

    // The human format says the same on one line.
    let o = run(stowage()
        .args(["diff", "--env", "production"])
        .arg(&old)
        .arg(&new));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("production: 1 changed, 0 added, 0 removed"),
        "{out}"
    );
    assert!(out.contains("~ spec.replicas: 2 -> 3"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "NO_COLOR output has escapes: {out}"
    );
}

#[test]
fn a_renamed_env_var_is_a_remove_and_an_add_inside_its_container() {
    let new = SPEC.replace("FEATURE_X \"on\"", "FEATURE_Y \"on\"");
    let (_dir, old, new) = versions(SPEC, &new);
    // With the library: every environment, the same two changes.
    let ir = |p: &Path| common::ir(p, p.parent().unwrap());
    let diffs = stowage::output::diff::diff_irs(&ir(&old), &ir(&new), None);
    assert_eq!(diffs.len(), 2);
    for d in &diffs {
        assert_eq!(d.objects.len(), 1, "{}: {:#?}", d.env, d.objects);
        let stowage::output::diff::ObjectChange::Changed(fields) = &d.objects[0].change else {
            panic!("{:?}", d.objects[0]);
        };
        let shown: Vec<String> = fields
            .iter()
            .map(|f| format!("{} {}", f.sign(), f.path))
            .collect();
        assert_eq!(
            shown,
            [
                "- spec.template.spec.containers[web].env[FEATURE_X]",
                "+ spec.template.spec.containers[web].env[FEATURE_Y]",
            ],
            "{}",
            d.env
        );
    }
}

#[test]
fn a_new_service_is_added_objects() {
    let (_dir, old, new) = versions(
        SPEC,
        &SPEC.replace("environment \"dev\"", &format!("{API}environment \"dev\"")),
    );
    let (code, doc) = diff_json(&old, &new, None);
    assert_eq!(code, 1);
    for env in ["dev", "production"] {
        let e = environment(&doc, env);
        let objects = e["objects"].as_array().unwrap();
        assert!(
            objects
                .iter()
                .all(|o| o["change"] == "added" && o["name"] == "api"),
            "{env}: {e:#}"
        );
        let kinds: Vec<&str> = objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"Service") && kinds.contains(&"Deployment"),
            "{kinds:?}"
        );
        let dep = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
        assert_eq!(
            dep["object"]["spec"]["template"]["spec"]["containers"][0]["image"],
            "ghcr.io/acme/api:2.0.0"
        );
    }
    assert!(
        environment(&doc, "production")["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "PodDisruptionBudget")
    );
}

#[test]
fn a_spec_that_only_reorders_nodes_diffs_as_equal() {
    let (_, example) = examples()
        .into_iter()
        .find(|(n, _)| n == "video-ingest")
        .unwrap();
    let original = fs::read_to_string(&example).unwrap();
    let mut s = original.clone();
    // Swap two workloads, and reorder env vars, ports, secret keys and reach targets.
    let api = s.find("service \"api\" {").unwrap();
    let worker = s.find("worker \"worker\" {").unwrap();
    let end = s[worker..].find("\n}\n").unwrap() + worker + 3;
    let (api_text, worker_text) = (s[api..worker].to_string(), s[worker..end].to_string());
    s.replace_range(
        api..end,
        &format!("{}\n{}", worker_text, api_text.trim_end()),
    );
    s.push('\n');
    let swaps = [
        (
            "reach \"postgres\" \"redis\" \"minio:api\" \"clamav\"",
            "reach \"clamav\" \"minio:api\" \"redis\" \"postgres\"",
        ),
        (
            "        NODE_ENV \"production\"\n        ALLOW_ANON \"false\"\n",
            "        ALLOW_ANON \"false\"\n        NODE_ENV \"production\"\n",
        ),
        (
            "    port \"http\" 3000\n    port \"metrics\" 9464\n",
            "    port \"metrics\" 9464\n    port \"http\" 3000\n",
        ),
        (
            "    key \"jwt-secret\"\n    key \"database-password\"\n",
            "    key \"database-password\"\n    key \"jwt-secret\"\n",
        ),
    ];
    for (a, b) in swaps {
        assert!(s.contains(a), "the example no longer has {a:?}");
        s = s.replacen(a, b, 1);
    }
    assert_ne!(s, original);
    // Beside the organisation's policies it includes, as in examples/.
    let dir = tempfile::tempdir().unwrap();
    let platform = root().join("examples/platform/policies.kdl");
    fs::create_dir_all(dir.path().join("platform")).unwrap();
    fs::copy(&platform, dir.path().join("platform/policies.kdl")).unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    let reordered = dir.path().join("app/stowage.kdl");
    fs::write(&reordered, &s).unwrap();
    let o = run(stowage().arg("diff").arg(&example).arg(&reordered));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let out = text(&o.stdout);
    for env in ["development", "staging", "production"] {
        assert!(out.contains(&format!("{env}: no changes")), "{out}");
    }
}

fn git(dir: &Path, args: &[&str]) {
    let o = run(Command::new("git")
        .args([
            "-c",
            "user.name=stowage tests",
            "-c",
            "user.email=tests@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir));
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
}

#[test]
fn diff_between_two_git_revisions_of_an_example() {
    let (_, example) = examples().into_iter().find(|(n, _)| n == "revrx").unwrap();
    let original = fs::read_to_string(&example).unwrap();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    // The spec and the files it reads (its CRDs).
    copy_tree(example.parent().unwrap(), dir, &["golden", "deploy"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "first"]);
    let changed = original.replacen("size=\"100Gi\"", "size=\"200Gi\"", 1);
    assert_ne!(changed, original);
    fs::write(dir.join("stowage.kdl"), &changed).unwrap();
    git(dir, &["commit", "-q", "-a", "-m", "second"]);
    // A work-tree edit that git:HEAD must not see.
    let edited = changed.replace(
        "image \"revrx-frontend\" tag=\"1.0.0\"",
        "image \"revrx-frontend\" tag=\"1.0.9\"",
    );
    assert_ne!(edited, changed);
    fs::write(dir.join("stowage.kdl"), edited).unwrap();

    let o = run(stowage()
        .args(["diff", "git:HEAD~1", "git:HEAD"])
        .current_dir(dir));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("staging: no changes"), "{out}");
    assert!(
        out.contains("production: 1 changed, 0 added, 0 removed"),
        "{out}"
    );
    assert!(
        out.contains(
            "~ spec.volumeClaimTemplates[data].spec.resources.requests.storage: \"100Gi\" -> \"200Gi\""
        ),
        "{out}"
    );
    assert!(!out.contains("1.0.9"), "read the work tree: {out}");

    // Markdown for a pull request: git revision against the file, with an explicit path.
    let o = run(stowage()
        .args([
            "diff",
            "--format",
            "markdown",
            "git:HEAD:stowage.kdl",
            "stowage.kdl",
        ])
        .current_dir(dir));
    assert_eq!(o.status.code(), Some(1));
    let md = text(&o.stdout);
    assert!(md.starts_with("<!-- stowage-diff -->\n"), "{md}");
    assert!(md.contains("`git:HEAD:stowage.kdl`"), "{md}");
    assert!(
        md.contains("<details>") && md.contains("</details>"),
        "{md}"
    );
    assert!(
        md.contains(
            "```diff\n- spec.template.spec.containers[frontend].image: \"ghcr.io/revrx/revrx-frontend:1.0.0\"\n+ spec.template.spec.containers[frontend].image: \"ghcr.io/revrx/revrx-frontend:1.0.9\"\n```"
        ),
        "{md}"
    );

    // The same revision twice is equal; an unknown revision is an I/O error.
    let o = run(stowage()
        .args(["diff", "git:HEAD", "git:HEAD:stowage.kdl"])
        .current_dir(dir));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(stowage()
        .args(["diff", "git:no-such-rev", "git:HEAD"])
        .current_dir(dir));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("git:no-such-rev"),
        "{}",
        text(&o.stderr)
    );
    // Nothing was written to the repository.
    let o = run(Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(dir));
    assert_eq!(text(&o.stdout), " M stowage.kdl\n");
}

#[test]
fn exit_codes_and_errors() {
    let (dir, old, new) = versions(SPEC, &SPEC.replace("replicas 2", "replicaz 2"));
    // A spec with errors: its diagnostics, exit 1.
    let o = run(stowage().arg("diff").arg(&old).arg(&new));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("stowage::syntax::unknown-node"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stdout).is_empty(), "{}", text(&o.stdout));
    // Equal versions exit 0; a missing file or an unknown environment exit 2.
    let o = run(stowage().arg("diff").arg(&old).arg(&old));
    assert_eq!(o.status.code(), Some(0));
    let o = run(stowage()
        .arg("diff")
        .arg(&old)
        .arg(dir.path().join("missing.kdl")));
    assert_eq!(o.status.code(), Some(2));
    let o = run(stowage().args(["diff", "--env", "qa"]).arg(&old).arg(&old));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("environments: dev, production"),
        "{}",
        text(&o.stderr)
    );
    let o = run(stowage().arg("diff").arg(&old));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn environments_in_one_version_only_are_all_added_or_removed() {
    let new = SPEC.replace(
        "environment \"dev\" {",
        "environment \"qa\" { policy \"dev\"; }\nenvironment \"dev\" {",
    );
    let (_dir, old, new) = versions(SPEC, &new);
    let o = run(stowage().arg("diff").arg(&old).arg(&new));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    let summaries: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty() && !l.starts_with("risks:"))
        .collect();
    assert_eq!(summaries.len(), 3, "{out}");
    assert!(
        summaries.iter().any(|l| l.starts_with("qa: 0 changed, ") && l.ends_with("0 removed (new environment)")),
        "{out}"
    );
    assert!(summaries.contains(&"dev: no changes"), "{out}");
    assert!(summaries.contains(&"production: no changes"), "{out}");
}

/// Copy a folder's files into another, but for the top-level folders in `skip`.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    for e in walkdir::WalkDir::new(from).min_depth(1) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        if e.file_type().is_dir() {
            fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}

/// `diff --all`: every app of the repository between two revisions, each with its status; exit
/// 1 when any changed, was added or removed; a gate on risk classes looks at every app.
#[test]
fn every_app_of_a_repository_is_compared_between_two_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let o = run(Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args));
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    };
    let app = |name: &str, replicas: u32| {
        let spec = format!(
            "app \"{name}\" {{\n    namespace \"{name}\"\n}}\nservice \"web\" {{\n    image \"ghcr.io/acme/web\" tag=\"1.0.0\"\n    port \"http\" 8080\n    resources {{\n        requests cpu=\"100m\" memory=\"128Mi\"\n        limits cpu=\"500m\" memory=\"256Mi\"\n    }}\n    liveness http=\"/health\" port=\"http\"\n    readiness http=\"/ready\" port=\"http\"\n    replicas {replicas}\n}}\nenvironment \"production\"\n"
        );
        let folder = dir.path().join("apps").join(name);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("stowage.kdl"), spec).unwrap();
    };
    git(&["init", "-q"]);
    app("blog", 2);
    app("shop", 3);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "one"]);
    app("shop", 2);
    app("wiki", 2);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "two"]);
    let diff_all = |extra: &[&str]| {
        run(stowage()
            .current_dir(dir.path())
            .args(["diff", "--all", "--format", "json"])
            .args(extra)
            .args(["git:HEAD~1", "git:HEAD"]))
    };
    let o = diff_all(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<(String, String)> = doc["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["spec"].as_str().unwrap().into(),
                a["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("apps/blog/stowage.kdl", "equal"),
        ("apps/shop/stowage.kdl", "changed"),
        ("apps/wiki/stowage.kdl", "added"),
    ];
    assert_eq!(
        statuses,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
    assert!(
        text(&o.stderr).contains("3 apps: 1 changed, 1 equal, 1 added, 0 removed"),
        "{}",
        text(&o.stderr)
    );
    // shop went from 3 replicas to 2 in production: a risk the gate names.
    let shop = &doc["apps"][1]["risks"];
    assert!(shop.to_string().contains("replicas-lowered"), "{shop}");
    // Only the folder the command runs in is searched.
    let o = run(stowage().current_dir(dir.path().join("apps/blog")).args([
        "diff",
        "--all",
        "git:HEAD~1",
        "git:HEAD",
    ]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Files are not revisions.
    let o = run(stowage()
        .current_dir(dir.path())
        .args(["diff", "--all", "a.kdl", "git:HEAD"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("git:REV"), "{}", text(&o.stderr));
}
