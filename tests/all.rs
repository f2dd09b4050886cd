//! `--all [DIR]`: every spec of a repository built, checked or validated in one run, with a
//! report per spec, a summary, and the worst exit code; .gitignore honoured.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn app(name: &str) -> String {
    format!(
        r#"app "{name}" {{
    namespace "{name}"
}}
service "web" {{
    image "web" tag="1.0.0"
    port "http" 8080
    resources {{
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }}
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    replicas 2
}}
"#
    )
}

/// A repository of apps: `shop` and `blog`, and `old` that .gitignore leaves out.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["shop", "blog", "old"] {
        fs::create_dir_all(dir.path().join("apps").join(name)).unwrap();
        fs::write(
            dir.path().join("apps").join(name).join("stowage.kdl"),
            app(name),
        )
        .unwrap();
    }
    fs::write(
        dir.path().join("apps/old/stowage.kdl"),
        "this is not a spec",
    )
    .unwrap();
    fs::write(dir.path().join(".gitignore"), "apps/old/\n").unwrap();
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    dir
}

fn all(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = run(stowage().current_dir(dir).args(args));
    (o.status.code().unwrap(), text(&o.stderr))
}

#[test]
fn build_then_check_every_app_and_find_the_one_that_drifted() {
    let repo = repository();
    let dir = repo.path();
    let (code, err) = all(dir, &["build", "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("apps/blog/stowage.kdl: ok; wrote"), "{err}");
    assert!(
        err.contains("2 specs: 2 ok, 0 failed"),
        "the ignored app is left out: {err}"
    );
    assert!(dir.join("apps/shop/deploy").is_dir());
    let (code, err) = all(dir, &["check", "--all"]);
    assert_eq!(code, 0, "{err}");
    let spec = dir.join("apps/shop/stowage.kdl");
    fs::write(&spec, app("shop").replace("replicas 2", "replicas 3")).unwrap();
    let (code, err) = all(dir, &["check", "--all", "apps"]);
    assert_eq!(code, 1, "{err}");
    let shop = err
        .lines()
        .find(|l| l.starts_with("apps/shop/stowage.kdl: "))
        .unwrap();
    assert!(
        shop.starts_with("apps/shop/stowage.kdl: ok; ")
            && shop.ends_with("generated files drifted"),
        "{err}"
    );
    assert!(
        err.contains("apps/blog/stowage.kdl: ok;") && err.contains("up to date"),
        "{err}"
    );
    assert!(err.contains("2 specs: 1 ok, 1 failed"), "{err}");
}

#[test]
fn validate_reports_each_broken_spec_and_exits_with_the_worst_code() {
    let repo = repository();
    let dir = repo.path();
    fs::write(
        dir.join("apps/blog/stowage.kdl"),
        app("blog").replace("replicas 2", "replicas \"two\""),
    )
    .unwrap();
    let (code, err) = all(dir, &["validate", "--all"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`replicas` must be an integer"), "{err}");
    assert!(
        err.contains("apps/blog/stowage.kdl: 1 error, 0 warnings"),
        "{err}"
    );
    assert!(err.contains("apps/shop/stowage.kdl: ok"), "{err}");
    // Machine formats: one line per diagnostic on standard output.
    let o = run(stowage()
        .current_dir(dir)
        .args(["--message-format", "json", "validate", "--all"]));
    let lines: Vec<String> = text(&o.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("\"code\":\"stowage::syntax::type\""),
        "{lines:?}"
    );
}

#[test]
fn all_refuses_what_it_cannot_do() {
    let repo = repository();
    let dir = repo.path();
    let (code, err) = all(dir, &["validate", "--all", "-f", "apps/shop/stowage.kdl"]);
    assert_eq!(code, 2, "{err}");
    let (code, err) = all(dir, &["--message-format", "sarif", "validate", "--all"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("use --message-format human, json or github"),
        "{err}"
    );
    let (code, err) = all(dir, &["validate", "--all", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere is not a folder"), "{err}");
    fs::create_dir(dir.join("empty")).unwrap();
    let (code, err) = all(dir, &["validate", "--all", "empty"]);
    assert_eq!(code, 2);
    assert!(err.contains("no stowage.kdl under empty"), "{err}");
}
