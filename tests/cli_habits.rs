//! The command line's habits, as cargo, ruff and kubectl have taught them: the spec found
//! upwards, `-f -`, `--color` with NO_COLOR and FORCE_COLOR, `-q` and `-v`, a line on success,
//! `fmt FILES`, `init`, and documentation that lists every flag.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// A spec with one warning-free service, written by `stowage init`.
fn init(dir: &Path, args: &[&str]) -> Output {
    run(stowage().current_dir(dir).arg("init").args(args))
}

#[test]
fn init_writes_a_spec_that_builds_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("My Shop_2");
    fs::create_dir(&app).unwrap();
    let out = init(&app, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let spec = fs::read_to_string(app.join("stowage.kdl")).unwrap();
    assert!(spec.contains("app \"my-shop-2\""), "{spec}");
    // No diagnostic at all, and a build.
    let v = run(stowage().current_dir(&app).arg("validate"));
    assert_eq!(text(&v.stderr), "stowage.kdl: no errors or warnings\n");
    let b = run(stowage().current_dir(&app).args(["build", "-o", "out"]));
    assert!(b.status.success(), "{}", text(&b.stderr));
    // Never over an existing spec, unless asked.
    let again = init(&app, &["--name", "other"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--force"));
    assert_eq!(fs::read_to_string(app.join("stowage.kdl")).unwrap(), spec);
    assert!(init(&app, &["--name", "other", "--force"]).status.success());
    assert!(
        fs::read_to_string(app.join("stowage.kdl"))
            .unwrap()
            .contains("app \"other\"")
    );
    // A name that cannot name an app is refused.
    let bad = init(&app, &["--name", "Bad_Name", "--force"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_spec_is_found_in_the_nearest_folder_above() {
    let dir = tempfile::tempdir().unwrap();
    assert!(init(dir.path(), &[]).status.success());
    let deep = dir.path().join("a/b");
    fs::create_dir_all(&deep).unwrap();
    let v = run(stowage().current_dir(&deep).arg("validate"));
    assert_eq!(
        text(&v.stderr),
        "../../stowage.kdl: no errors or warnings\n"
    );
    // Outputs go next to the spec found, not into the current folder.
    let b = run(stowage().current_dir(&deep).arg("build"));
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert!(dir.path().join("deploy").is_dir());
    assert!(fs::read_dir(&deep).unwrap().next().is_none());
    // Nowhere: exit 2, saying what to do.
    let empty = tempfile::tempdir().unwrap();
    let none = run(stowage().current_dir(empty.path()).arg("validate"));
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("stowage init"));
}

#[test]
fn a_spec_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    assert!(init(dir.path(), &[]).status.success());
    let spec = fs::read_to_string(dir.path().join("stowage.kdl")).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let cwd = empty.path();
    let v = with_stdin(
        stowage().current_dir(cwd).args(["validate", "-f", "-"]),
        &spec,
    );
    assert_eq!(text(&v.stderr), "<stdin>: no errors or warnings\n");
    let r = with_stdin(
        stowage()
            .current_dir(cwd)
            .args(["render", "--env", "dev", "-f", "-"]),
        &spec,
    );
    assert!(r.status.success());
    assert!(text(&r.stdout).contains("kind: Deployment"));
    // Diagnostics name standard input.
    let bad = with_stdin(
        stowage().current_dir(cwd).args(["validate", "-f", "-"]),
        "app \"x\" {\n  namespace /x\n}\n",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("[<stdin>:2:13]"),
        "{}",
        text(&bad.stderr)
    );
    // Commands that write next to the spec need a file.
    for cmd in ["build", "check"] {
        let o = with_stdin(stowage().current_dir(cwd).args([cmd, "-f", "-"]), &spec);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(text(&o.stderr).contains("not from standard input"));
    }
    assert!(fs::read_dir(cwd).unwrap().next().is_none());
}

#[test]
fn color_follows_the_flag_then_no_color_then_force_color() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.kdl");
    fs::write(&spec, "app \"x\" {\n  namespace true\n}\n").unwrap();
    let colored = |flag: Option<&str>, env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_stowage"));
        c.env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        if let Some(f) = flag {
            c.args(["--color", f]);
        }
        let o = run(c.arg("validate").arg("-f").arg(&spec));
        assert_eq!(o.status.code(), Some(1));
        text(&o.stderr).contains("\u{1b}[")
    };
    // Standard error is a pipe here: no colour unless asked.
    assert!(!colored(None, &[]));
    assert!(colored(Some("always"), &[]));
    assert!(colored(Some("always"), &[("NO_COLOR", "1")]));
    assert!(!colored(Some("never"), &[("FORCE_COLOR", "1")]));
    assert!(colored(None, &[("FORCE_COLOR", "1")]));
    assert!(!colored(None, &[("FORCE_COLOR", "0")]));
    assert!(!colored(None, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}

#[test]
fn quiet_and_verbose() {
    let dir = tempfile::tempdir().unwrap();
    assert!(init(dir.path(), &[]).status.success());
    let d = dir.path();
    for args in [
        &["-q", "validate"][..],
        &["-q", "build"],
        &["check", "-q"],
        &["-q", "fmt"],
    ] {
        let o = run(stowage().current_dir(d).args(args));
        assert!(o.status.success(), "{args:?}");
        assert_eq!(text(&o.stderr), "", "{args:?}");
    }
    // Errors are still reported, without the summary line.
    fs::write(d.join("stowage.kdl"), "app \"x\" {\n  namespace true\n}\n").unwrap();
    let o = run(stowage().current_dir(d).args(["-q", "validate"]));
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("`true` is not a value") && !err.contains("1 error"),
        "{err}"
    );
    let v = run(stowage().current_dir(d).args(["validate", "-v"]));
    assert!(text(&v.stderr).contains("stowage: parse "));
    assert!(
        !run(stowage().current_dir(d).args(["-q", "-v", "validate"]))
            .status
            .success()
    );
}

#[test]
fn fmt_formats_the_files_given_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a.kdl"), "a   1\n").unwrap();
    fs::write(d.join("b.kdl"), "b \"x\"\n").unwrap();
    fs::write(d.join("c.kdl"), "c {\n").unwrap();
    let check = run(stowage()
        .current_dir(d)
        .args(["fmt", "--check", "a.kdl", "b.kdl"]));
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("+a 1"));
    let o = run(stowage().current_dir(d).args(["fmt", "a.kdl", "b.kdl"]));
    assert!(o.status.success());
    assert_eq!(text(&o.stderr), "formatted a.kdl\n");
    assert_eq!(fs::read_to_string(d.join("a.kdl")).unwrap(), "a 1\n");
    // One broken file: the others are still formatted, and the exit code says so.
    fs::write(d.join("a.kdl"), "a   2\n").unwrap();
    let o = run(stowage().current_dir(d).args(["fmt", "c.kdl", "a.kdl"]));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(fs::read_to_string(d.join("a.kdl")).unwrap(), "a 2\n");
    assert_eq!(fs::read_to_string(d.join("c.kdl")).unwrap(), "c {\n");
    let s = with_stdin(
        stowage().current_dir(d).args(["fmt", "-"]),
        "x   \"y\"  k=1\n",
    );
    assert!(s.status.success());
    assert_eq!(text(&s.stdout), "x \"y\" k=1\n");
}

/// Every long flag of every command, as `--help` lists it, is in the book's command-line page.
#[test]
fn every_flag_in_help_is_in_the_book() {
    let page = fs::read_to_string(root().join("book/src/cli.md")).unwrap();
    let top = text(&run(stowage().arg("--help")).stdout);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let mut missing = Vec::new();
    for cmd in std::iter::once(None).chain(commands.iter().map(Some)) {
        if let Some(c) = cmd
            && !page
                .lines()
                .any(|l| l.starts_with("## ") && l.contains(&format!("`stowage {c}`")))
        {
            missing.push(format!("a section for `stowage {c}`"));
        }
        let help = text(&run(stowage().args(cmd).arg("--help")).stdout);
        for flag in help.split_whitespace().filter(|w| w.starts_with("--")) {
            let flag = flag.trim_end_matches([',', '.', ')', '`']);
            if flag.len() > 2 && !["--help", "--version"].contains(&flag) && !page.contains(flag) {
                missing.push(format!(
                    "{flag} ({})",
                    cmd.map_or("stowage", |c| c.as_str())
                ));
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "book/src/cli.md lacks: {missing:?}");
}

/// Manual pages say how stowage exits and what it reads from the environment, as the book does.
#[test]
fn man_pages_have_exit_status_and_environment() {
    let page = fs::read_to_string(root().join("book/src/cli.md")).unwrap();
    for cmd in [None, Some("build"), Some("fmt")] {
        let man = text(&run(stowage().arg("man").args(cmd)).stdout);
        let exit = man.find(".SH \"EXIT STATUS\"").expect("EXIT STATUS");
        let env = man.find(".SH \"ENVIRONMENT\"").expect("ENVIRONMENT");
        assert!(exit < env, "{cmd:?}");
        for var in ["NO_COLOR", "FORCE_COLOR", "STOWAGE_TIMINGS"] {
            assert!(man[env..].contains(var), "{cmd:?} {var}");
            assert!(page.contains(&format!("| `{var}` |")), "{var} in cli.md");
        }
    }
}

/// JSON diagnostics carry every label, each with its own place; GitHub annotations say where
/// the span ends.
#[test]
fn machine_formats_carry_every_label_and_the_end() {
    let spec = root().join("tests/bad/name-duplicate.kdl");
    let o = run(stowage()
        .args(["--message-format", "json", "validate", "-f"])
        .arg(&spec));
    let d: serde_json::Value =
        serde_json::from_str(text(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(d["code"], "stowage::name::duplicate");
    let labels = d["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 1);
    assert_eq!(labels[0]["text"], "first declared here");
    assert!(labels[0]["line"].as_u64().unwrap() < d["line"].as_u64().unwrap());
    assert!(labels[0]["end_column"].as_u64() > labels[0]["column"].as_u64());
    let g = run(stowage()
        .args(["--message-format", "github", "validate", "-f"])
        .arg(&spec));
    let first = text(&g.stdout).lines().next().unwrap().to_string();
    let (line, col) = (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
    let (end_line, end_col) = (
        d["end_line"].as_u64().unwrap(),
        d["end_column"].as_u64().unwrap(),
    );
    assert!(
        first.contains(&format!(
            ",line={line},col={col},endLine={end_line},endColumn={end_col},"
        )),
        "{first}"
    );
}

/// A spec whose `n` services each miss the same three rules of the production policy.
fn alike_findings(n: usize) -> String {
    let mut spec = String::from("app \"shop\" {\n    namespace \"shop\"\n}\n");
    for i in 0..n {
        spec.push_str(&format!(
            "service \"s{i}\" {{\n    image \"s{i}\" tag=\"1.0.0\"\n    port \"http\" 8080\n}}\n"
        ));
    }
    spec.push_str("environment \"production\" {\n    policy \"production\"\n}\n");
    spec
}

/// Three or more alike findings read as one for a person, each place labelled; machine formats
/// keep one per finding.
#[test]
fn alike_findings_are_shown_once_with_every_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stowage.kdl");
    fs::write(&path, alike_findings(6)).unwrap();
    let o = run(stowage().arg("validate").arg("-f").arg(&path));
    let err = text(&o.stderr);
    // Three rules, each missed by six services: three diagnostics, 18 findings.
    // (Messages wrap at 100 columns, with a `│` on the next line.)
    let words = words(&err);
    assert_eq!(
        words.matches("(and 5 more like it, each labelled)").count(),
        3,
        "{err}"
    );
    for i in 0..6 {
        assert!(err.contains(&format!("`s{i}` runs 1 replica")), "{err}");
    }
    assert!(err.ends_with("18 errors, 0 warnings\n"), "{err}");
    let json = run(stowage()
        .args(["--message-format", "json", "validate", "-f"])
        .arg(&path));
    assert_eq!(text(&json.stdout).lines().count(), 18);
}

/// `--message-format sarif` is a SARIF 2.1.0 log (checked against the OASIS schema) and
/// `gitlab` a code quality report: every finding, each with its place and a distinct
/// fingerprint.
#[test]
fn sarif_and_gitlab_code_quality_reports() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("stowage.kdl");
    fs::write(&spec, alike_findings(4)).unwrap();
    let json = run(stowage()
        .args(["--message-format", "json", "validate", "-f"])
        .arg(&spec));
    let findings: Vec<serde_json::Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!findings.is_empty());
    let sarif = run(stowage()
        .args(["--message-format", "sarif", "validate", "-f"])
        .arg(&spec));
    assert_eq!(sarif.status.code(), json.status.code());
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root().join("schemas/sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(&findings) {
        assert_eq!(r["ruleId"], f["code"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["endColumn"], f["end_column"]);
    }
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().all(|r| {
        r["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    }));
    let gitlab = run(stowage()
        .args(["--message-format", "gitlab", "validate", "-f"])
        .arg(&spec));
    let issues: Vec<serde_json::Value> = serde_json::from_slice(&gitlab.stdout).unwrap();
    assert_eq!(issues.len(), findings.len());
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len());
    for (i, f) in issues.iter().zip(&findings) {
        assert_eq!(i["check_name"], f["code"]);
        assert_eq!(i["location"]["positions"]["begin"]["line"], f["line"]);
        assert!(["major", "minor"].contains(&i["severity"].as_str().unwrap()));
    }
}

/// `stowage ARGS` in `dir` with a terminal (util-linux `script`): what the terminal showed.
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_stowage");
    let o = run(Command::new("script")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["-qec", &format!("{bin} {args}"), "/dev/null"]));
    text(&o.stdout)
}

#[test]
fn a_long_run_shows_its_phase_on_a_terminal_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    // Big enough to take well over the 300 ms before progress shows (a debug build).
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen.py");
    let ok = Command::new("python3")
        .arg(generator)
        .args(["300"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(ok.success());
    let shown = on_a_terminal(dir.path(), "validate");
    assert!(shown.contains("stowage: lower ("), "{shown}");
    assert!(
        shown.contains("\u{1b}[2K"),
        "the spinner is cleared: {shown}"
    );
    assert!(
        shown
            .trim_end()
            .ends_with("stowage.kdl: no errors or warnings"),
        "{shown}"
    );
    let quiet = on_a_terminal(dir.path(), "-q validate");
    assert!(!quiet.contains("stowage: "), "{quiet}");
    let piped = run(stowage().current_dir(dir.path()).arg("validate"));
    assert!(
        !text(&piped.stderr).contains("stowage: "),
        "{}",
        text(&piped.stderr)
    );
}
