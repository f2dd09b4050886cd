//! The command-line contract: commands, exit codes, message formats, drift checking and safe
//! writes.

mod common;

use common::*;
use std::fs;
use std::path::Path;

const GOOD: &str = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
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

fn write_spec(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("stowage.kdl");
    fs::write(&p, text).unwrap();
    p
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".stowage")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_command_has_help() {
    for cmd in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["validate", "--help"],
        vec!["render", "--help"],
        vec!["diff", "--help"],
        vec!["fmt", "--help"],
        vec!["completions", "--help"],
        vec!["man", "--help"],
    ] {
        let o = run(stowage().args(&cmd));
        assert!(o.status.success(), "{cmd:?}");
        assert!(
            text(&o.stdout).contains("Usage"),
            "{cmd:?}: {}",
            text(&o.stdout)
        );
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let o = run(stowage().arg("frobnicate"));
    assert_eq!(o.status.code(), Some(2));
    let o = run(stowage().args(["validate", "-f", "/nonexistent/stowage.kdl"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot read"),
        "{}",
        text(&o.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("stowage.kdl");
    fs::write(&p, b"app \"x\" \xff\xfe").unwrap();
    let o = run(stowage().arg("validate").arg("-f").arg(&p));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not UTF-8"), "{}", text(&o.stderr));
}

#[test]
fn validate_reports_every_error_with_code_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD
        .replace("replicas 2", "replicaz 2")
        .replace("cpu=\"100m\"", "cpu=\"100 m\"");
    let spec = write_spec(dir.path(), &bad);
    let o = run(stowage().arg("validate").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("stowage::syntax::unknown-node"), "{err}");
    assert!(err.contains("did you mean `replicas`?"), "{err}");
    assert!(err.contains("stowage::value::quantity"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "NO_COLOR output has escape codes: {err}"
    );
    // The policy's rules are checked on the objects as deployed, once nothing else is wrong.
    let unpinned = GOOD.replace("tag=\"1.0.1\"", "tag=\"latest\"");
    let spec = write_spec(dir.path(), &unpinned);
    let o = run(stowage().arg("validate").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("stowage::policy::image-tag"), "{err}");
}

#[test]
fn json_diagnostics_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), &GOOD.replace("replicas 2", "replicaz 2"));
    let o = run(stowage()
        .args(["--message-format", "json", "validate", "-f"])
        .arg(&spec));
    assert_eq!(o.status.code(), Some(1));
    // Data goes to standard output.
    assert_eq!(text(&o.stderr), "");
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(!lines.is_empty());
    let d = lines
        .iter()
        .find(|d| d["code"] == "stowage::syntax::unknown-node")
        .expect("unknown-node reported");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 15);
    assert_eq!(d["column"], 5);
    assert!(d["file"].as_str().unwrap().ends_with("stowage.kdl"));
    assert!(d["message"].as_str().unwrap().contains("replicaz"));
}

#[test]
fn github_diagnostics_are_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), &GOOD.replace("replicas 2", "replicaz 2"));
    let o = run(stowage()
        .args(["--message-format", "github", "validate", "-f"])
        .arg(&spec));
    // Workflow commands go to standard output, where GitHub reads them.
    let err = text(&o.stdout);
    assert!(
        err.lines().any(|l| l.starts_with("::error file=")
            && l.contains("line=15,col=5,endLine=15,endColumn=13")),
        "{err}"
    );
}

#[test]
fn build_then_check_then_drift() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let overlay = dir
        .path()
        .join("deploy/kustomize/overlays/production/kustomization.yaml");
    let content = fs::read_to_string(&overlay).unwrap();
    assert!(
        content.starts_with("# generated by stowage from stowage.kdl; do not edit\n"),
        "{content}"
    );
    assert!(content.contains("newTag: \"1.0.1\""), "{content}");

    let o = run(stowage().arg("check").arg("-f").arg(&spec));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );

    // A hand edit is drift, shown as a unified diff with a repository-relative path.
    fs::write(&overlay, content.replace("1.0.1", "9.9.9")).unwrap();
    let base_file = dir.path().join("deploy/kustomize/base/web.yaml");
    fs::remove_file(&base_file).unwrap();
    let o = run(stowage()
        .arg("check")
        .arg("-f")
        .arg(&spec)
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("--- a/deploy/kustomize/overlays/production/kustomization.yaml"),
        "{out}"
    );
    assert!(
        out.contains("-  newTag: \"9.9.9\"") && out.contains("+  newTag: \"1.0.1\""),
        "{out}"
    );
    assert!(
        out.contains("missing: deploy/kustomize/base/web.yaml"),
        "{out}"
    );

    let o = run(stowage()
        .args(["--message-format", "github", "check", "-f"])
        .arg(&spec)
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("::error file=deploy/kustomize/base/web.yaml"),
        "{}",
        text(&o.stdout)
    );

    // The hand edit is reported as such, and a build refuses to overwrite it...
    assert!(
        out.contains("edited by hand: deploy/kustomize/overlays/production/kustomization.yaml"),
        "{out}"
    );
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("refusing to overwrite 1 file"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stderr).contains("deploy/kustomize/overlays/production/kustomization.yaml"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        fs::read_to_string(&overlay).unwrap().contains("9.9.9"),
        "the refused build changed the file"
    );
    assert!(!base_file.exists(), "the refused build wrote files");
    // ...until told to: building with --force repairs both.
    assert!(
        run(stowage().arg("build").arg("--force").arg("-f").arg(&spec))
            .status
            .success()
    );
    assert_eq!(
        run(stowage().arg("check").arg("-f").arg(&spec))
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn removed_outputs_are_deleted_but_other_files_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    assert!(
        run(stowage().arg("build").arg("-f").arg(&spec))
            .status
            .success()
    );
    let mine = dir.path().join("deploy/kustomize/overlays/dev/NOTES.md");
    fs::write(&mine, "my notes").unwrap();
    // Drop the dev environment: its overlay is stale.
    let without_dev = GOOD.replace(
        "environment \"dev\" {\n    policy \"dev\"\n    service \"web\" { replicas 1; }\n}\n",
        "",
    );
    assert_ne!(without_dev, GOOD);
    write_spec(dir.path(), &without_dev);
    let o = run(stowage()
        .arg("check")
        .arg("-f")
        .arg(&spec)
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("stale: deploy/kustomize/overlays/dev/kustomization.yaml"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        run(stowage().arg("build").arg("-f").arg(&spec))
            .status
            .success()
    );
    assert!(
        !dir.path()
            .join("deploy/kustomize/overlays/dev/kustomization.yaml")
            .exists()
    );
    assert_eq!(fs::read_to_string(&mine).unwrap(), "my notes");
}

#[test]
fn a_failing_build_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    assert!(
        run(stowage().arg("build").arg("-f").arg(&spec))
            .status
            .success()
    );
    let before = snapshot(dir.path());
    write_spec(dir.path(), &GOOD.replace("replicas 2", "replicas \"two\""));
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(1));
    let mut after = snapshot(dir.path());
    after.retain(|(p, _)| p != "stowage.kdl");
    let mut expected = before;
    expected.retain(|(p, _)| p != "stowage.kdl");
    assert_eq!(after, expected);
}

#[test]
fn an_interrupted_write_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    assert!(
        run(stowage().arg("build").arg("-f").arg(&spec))
            .status
            .success()
    );
    let before = snapshot(dir.path());
    // New output for a changed spec, with a failure injected while staging the third file.
    write_spec(
        dir.path(),
        &GOOD
            .replace("1.0.1", "2.0.0")
            .replace("replicas 2", "replicas 3"),
    );
    let source = stowage::compile::read_source(&spec).unwrap();
    let checked = stowage::compile::check(&source);
    let generated = stowage::compile::generate(&source, checked, dir.path()).unwrap();
    let mut n = 0;
    let result = stowage::output::write_with(
        dir.path(),
        &generated.files,
        &Default::default(),
        &mut |_| {
            n += 1;
            if n == 2 {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        },
    );
    assert!(result.is_err());
    let mut after = snapshot(dir.path());
    after.retain(|(p, _)| p != "stowage.kdl");
    let mut expected = before;
    expected.retain(|(p, _)| p != "stowage.kdl");
    assert_eq!(after, expected, "the failed write changed files");
}

#[test]
fn a_failed_first_build_leaves_no_folders_behind() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    let out = dir.path().join("out");
    let source = stowage::compile::read_source(&spec).unwrap();
    let checked = stowage::compile::check(&source);
    let generated = stowage::compile::generate(&source, checked, &out).unwrap();
    let total = generated.files.len();
    assert!(total > 10, "{total} files");
    // Fail late, after files in several folders were staged.
    let mut n = 0;
    let result =
        stowage::output::write_with(&out, &generated.files, &Default::default(), &mut |_| {
            n += 1;
            if n == total - 1 {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        });
    assert!(result.is_err());
    let left: Vec<_> = walkdir::WalkDir::new(&out)
        .min_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(!out.exists(), "the output folder it created is left behind");
}

#[test]
fn render_prints_one_environment_sorted_by_kind_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    let o = run(stowage()
        .args(["render", "--env", "production", "--format", "json", "-f"])
        .arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let objs: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<String> = objs.iter().map(key).collect();
    assert_eq!(keys[0], "Namespace/shop");
    assert!(
        keys.contains(&"PodDisruptionBudget/web".to_string()),
        "{keys:?}"
    );
    let dep = objs.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(
        dep["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/acme/web:1.0.1"
    );
    let o = run(stowage().args(["render", "--env", "nope", "-f"]).arg(&spec));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("environments: dev, production"),
        "{}",
        text(&o.stderr)
    );
}

/// `render --env` lowers only its environment: every example's every environment renders the
/// objects the whole spec's lowering gives it.
#[test]
fn render_gives_what_the_whole_spec_gives_its_environment() {
    for (name, spec) in examples() {
        let source = stowage::compile::read_source(&spec).unwrap();
        let ir = stowage::compile::check(&source)
            .ir
            .expect("the example compiles");
        for env in &ir.environments {
            let mut want = env.render();
            stowage::ir::sort_objects(&mut want);
            let o = run(stowage()
                .args(["render", "--format", "json", "--env", &env.name, "-f"])
                .arg(&spec));
            assert!(
                o.status.success(),
                "{name} {}: {}",
                env.name,
                text(&o.stderr)
            );
            let got: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
            assert!(
                got == want,
                "{name} {}: render differs from the whole spec's lowering",
                env.name
            );
        }
    }
}

/// `render --env` reads only its environment's items: a mistake in another environment's
/// overrides stops `validate` and that environment's render, not this one's.
#[test]
fn render_reads_only_its_environments_items() {
    let dir = tempfile::tempdir().unwrap();
    let broken = GOOD.replace(
        "service \"web\" { replicas 1; }",
        "service \"web\" { replicas \"many\"; }",
    );
    assert_ne!(broken, GOOD);
    let spec = write_spec(dir.path(), &broken);
    let o = run(stowage()
        .args(["render", "--env", "production", "-f"])
        .arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ghcr.io/acme/web:1.0.1"));
    for args in [&["render", "--env", "dev"][..], &["validate"][..]] {
        let o = run(stowage().args(args).arg("-f").arg(&spec));
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("many"),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}

/// `render --env` lowers its environment alone, so it cannot tell a patch whose target is
/// elsewhere (the base, another environment) from one whose target is nowhere: it leaves that
/// to `validate`. An app's patch of a workload one environment switches off renders there.
#[test]
fn render_leaves_patch_targets_elsewhere_to_validate() {
    let dir = tempfile::tempdir().unwrap();
    let spec_text = r#"app "shop" { namespace "shop" }
service "api" {
  image "ghcr.io/acme/api" tag="1.0.0"
  port "http" 8080
}
service "web" {
  image "ghcr.io/acme/web" tag="1.0.0"
  port "http" 8080
}
patch "Deployment/api" {
  spec { minReadySeconds 5 }
}
environment "production" {
  policy "dev"
  service "api" enabled=#false
}
"#;
    let spec = write_spec(dir.path(), spec_text);
    let validate = run(stowage().arg("validate").arg("-f").arg(&spec));
    assert!(validate.status.success(), "{}", text(&validate.stderr));
    let o = run(stowage()
        .args(["render", "--env", "production", "-f"])
        .arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !text(&o.stdout).contains("name: api"),
        "{}",
        text(&o.stdout)
    );
    // A target that is nowhere is still an error.
    let nowhere = write_spec(
        dir.path(),
        &spec_text.replace("Deployment/api", "Deployment/apx"),
    );
    let o = run(stowage().arg("validate").arg("-f").arg(&nowhere));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no Deployment `apx`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn symlinks_out_of_the_output_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("deploy")).unwrap();
    let o = run(stowage().arg("build").arg("-f").arg(&spec));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("symbolic link"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn shell_completions_and_the_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(stowage().args(["completions", shell]));
        assert!(o.status.success(), "{shell}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        for word in ["stowage", "diff", "fmt", "render", "message-format"] {
            assert!(out.contains(word), "{shell} completions lack {word}");
        }
    }
    let o = run(stowage().args(["completions", "tcsh"]));
    assert_eq!(o.status.code(), Some(2));

    let o = run(stowage().arg("man"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = text(&o.stdout);
    assert!(page.contains(".TH stowage 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}:\n{page}");
    }
    assert!(page.contains("stowage\\-diff(1)"), "{page}");
    // The pages it refers to.
    let o = run(stowage().args(["man", "diff"]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = text(&o.stdout);
    assert!(page.contains(".TH stowage-diff 1"), "{page}");
    assert!(page.contains("git:REV"), "{page}");
    let o = run(stowage().args(["man", "nope"]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_annotates_drift_and_diagnostics_relative_to_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let spec = write_spec(&dir.path().join("sub"), GOOD);
    assert!(
        run(stowage().arg("build").arg("-f").arg(&spec))
            .status
            .success()
    );
    let web = dir.path().join("sub/deploy/kustomize/base/web.yaml");
    fs::write(&web, fs::read_to_string(&web).unwrap() + "# edited\n").unwrap();

    let o = run(stowage()
        .args(["check", "-f", "sub/stowage.kdl"])
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains(
            "--- a/sub/deploy/kustomize/base/web.yaml\n+++ b/sub/deploy/kustomize/base/web.yaml"
        ),
        "{out}"
    );
    assert!(out.contains("-# edited"), "{out}");

    // Given an absolute path, annotations still name files from the current folder.
    let o = run(stowage()
        .args(["--message-format", "github", "check", "-f"])
        .arg(&spec)
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout),
        "::error file=sub/deploy/kustomize/base/web.yaml,line=1,col=1,title=stowage drift::sub/deploy/kustomize/base/web.yaml was edited by hand: change stowage.kdl instead, then run `stowage build --force`\n"
    );

    write_spec(
        &dir.path().join("sub"),
        &GOOD.replace("replicas 2", "replicaz 2"),
    );
    let o = run(stowage()
        .args(["--message-format", "github", "check", "-f"])
        .arg(&spec)
        .current_dir(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.lines().any(|l| l.starts_with(
            "::error file=sub/stowage.kdl,line=15,col=5,endLine=15,endColumn=13,title=stowage%3A%3Asyntax%3A%3Aunknown-node::"
        )),
        "{out}"
    );
}

#[test]
fn stowage_timings_prints_every_phase_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), GOOD);
    let o = run(stowage()
        .env("STOWAGE_TIMINGS", "1")
        .arg("build")
        .arg("-f")
        .arg(&spec));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for phase in [
        "parse",
        "decode",
        "check",
        "lower",
        "emit helm",
        "emit kustomize",
        "emit github",
        "emit gitlab",
        "emit trivy",
        "emit",
        "write",
    ] {
        // `stowage: PHASE N ms, peak M MiB`
        let timing = |l: &str| -> Option<(u64, u64)> {
            let rest = l.strip_prefix("stowage: ")?.strip_prefix(phase)?;
            let (ms, peak) = rest.strip_prefix(' ')?.split_once(" ms, peak ")?;
            Some((ms.parse().ok()?, peak.strip_suffix(" MiB")?.parse().ok()?))
        };
        let (_, peak) = err
            .lines()
            .find_map(timing)
            .unwrap_or_else(|| panic!("no timing for `{phase}` in:\n{err}"));
        assert!(peak > 0, "{phase}: peak memory 0 MiB");
    }
    for value in ["", "0"] {
        let o = run(stowage()
            .env("STOWAGE_TIMINGS", value)
            .arg("check")
            .arg("-f")
            .arg(&spec));
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(
            !text(&o.stderr).contains(" ms, peak "),
            "timings printed with STOWAGE_TIMINGS={value:?}"
        );
    }
}
