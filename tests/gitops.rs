//! Environments delivered by Argo CD or Flux: the generated objects pass the projects' own
//! CRDs (vendored in schemas/crds/), and what a pipeline deploy publishes is what the tool
//! applies: the branch and folder the objects name render the environment's overlay with the
//! commit's images, for the scripts of both platforms.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = r#"
app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}
environment "staging" {
    policy "dev"
    gitops "flux" repo="https://github.com/acme/shop.git" interval="2m"
}
environment "production" {
    policy "dev"
    namespace "shop-production"
    gitops "argocd" repo="https://github.com/acme/shop.git" project="shop" {
        cluster "eu-west" server="https://eu-west.k8s.example.com"
        cluster "us-east" server="https://us-east.k8s.example.com"
    }
}
environment "preview" {
    policy "dev"
    gitops "argocd" repo="git@github.com:acme/shop.git" branch="develop"
}
environment "edge" {
    policy "dev"
    gitops "flux" repo="ssh://git@github.com/acme/shop.git" prune=#false {
        cluster "paris" kubeconfig="paris-kubeconfig"
        cluster "tokyo" kubeconfig="tokyo-kubeconfig"
    }
}
pipeline {
    platforms "github" "gitlab"
    build "web"
    deploy "staging" on="branch:main"
    deploy "production" on="tag:v*" after="staging"
}
"#;

/// `SPEC` built in a fresh git repository (under `sub/` when given), which is returned.
fn build(sub: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let out = dir.path().join(sub);
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stowage.kdl"), SPEC).unwrap();
    let o = run(stowage()
        .current_dir(&out)
        .args(["build", "-f", "stowage.kdl", "-o", "."]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = run(Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args(args));
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    text(&o.stdout).trim().to_string()
}

fn objects(dir: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir.join("deploy/gitops")).unwrap() {
        let path = e.unwrap().path();
        let env = path.file_stem().unwrap().to_string_lossy().into_owned();
        for doc in parse_yaml(&std::fs::read_to_string(&path).unwrap()) {
            out.push((env.clone(), doc));
        }
    }
    out.sort_by(|a, b| (&a.0, key(&a.1)).cmp(&(&b.0, key(&b.1))));
    out
}

#[test]
fn the_argo_cd_and_flux_objects_pass_the_projects_crds() {
    let dir = build("");
    let r = gitops_registry();
    let objects = objects(dir.path());
    let kinds: Vec<String> = objects
        .iter()
        .map(|(env, o)| format!("{env} {}", o["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            "edge GitRepository",
            "edge Kustomization",
            "edge Kustomization",
            "preview Application",
            "production ApplicationSet",
            "staging GitRepository",
            "staging Kustomization",
        ]
    );
    for (env, o) in &objects {
        let refusals = r.refusals(o);
        assert!(refusals.is_empty(), "{env} {}: {refusals:#?}", key(o));
    }
    // The schemas are read: a misspelt field of each kind is refused.
    for (_, o) in &objects {
        let mut bad = o.clone();
        bad["spec"]["sourceRefs"] = Value::Bool(true);
        bad["spec"]["generatorz"] = Value::Bool(true);
        bad["spec"]["sources"] = Value::Bool(true);
        assert!(!r.refusals(&bad).is_empty(), "{} accepts anything", key(o));
    }
}

/// Run a deploy's publish script as its platform would, from a clone of `origin`.
fn publish(script: &str, work: &Path, origin: &Path, sha: &str, gitlab: bool) {
    let mut cmd = Command::new("bash");
    cmd.current_dir(work)
        .args(["-eo", "pipefail", "-c", script])
        .env("GITHUB_SHA", sha)
        .env("CI_COMMIT_SHA", sha);
    if gitlab {
        // The project's URL with the push token, as GitLab gives it, leads to `origin`.
        let url = "https://stowage:push-token@gitlab.example.com:443/acme/shop.git";
        cmd.env("CI_SERVER_PROTOCOL", "https")
            .env("STOWAGE_PUSH_TOKEN", "push-token")
            .env("CI_SERVER_HOST", "gitlab.example.com")
            .env("CI_SERVER_PORT", "443")
            .env("CI_PROJECT_PATH", "acme/shop")
            .env("GIT_CONFIG_COUNT", "1")
            .env(
                "GIT_CONFIG_KEY_0",
                format!("url.{}.insteadOf", origin.display()),
            )
            .env("GIT_CONFIG_VALUE_0", url);
    }
    let o = run(&mut cmd);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
}

/// What `kubectl kustomize` makes of `folder`.
fn kustomize(folder: &Path) -> Vec<Value> {
    let o = run(Command::new("kubectl").arg("kustomize").arg(folder));
    assert!(
        o.status.success(),
        "{}: {}",
        folder.display(),
        text(&o.stderr)
    );
    let mut docs = parse_yaml(&text(&o.stdout));
    docs.sort_by_key(key);
    docs
}

#[test]
fn a_published_release_is_the_overlay_with_the_commits_images_where_the_tool_looks() {
    for (platform, gitlab) in [("github", false), ("gitlab", true)] {
        // The output in a folder of the repository: the paths the tools read start there.
        let dir = build("apps/shop");
        let repo = dir.path();
        git(repo, &["add", "-A"]);
        git(repo, &["commit", "-qm", "spec"]);
        let sha = git(repo, &["rev-parse", "HEAD"]);
        let origin = tempfile::tempdir().unwrap();
        git(origin.path(), &["init", "-q", "--bare"]);
        // GitLab takes push options (`-o ci.skip`).
        git(
            origin.path(),
            &["config", "receive.advertisePushOptions", "true"],
        );
        git(
            repo,
            &["remote", "add", "origin", origin.path().to_str().unwrap()],
        );
        git(repo, &["push", "-q", "origin", "main"]);
        let out = repo.join("apps/shop");
        let script = if gitlab {
            let p =
                parse_yaml(&std::fs::read_to_string(out.join(".gitlab-ci.yml")).unwrap()).remove(0);
            p["deploy-staging"]["script"][0]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            let w = parse_yaml(
                &std::fs::read_to_string(out.join(".github/workflows/shop.yml")).unwrap(),
            )
            .remove(0);
            w["jobs"]["deploy-staging"]["steps"][1]["run"]
                .as_str()
                .unwrap()
                .to_string()
        };
        publish(&script, repo, origin.path(), &sha, gitlab);
        // Where the Flux objects of staging look: the branch and the folder.
        let docs =
            parse_yaml(&std::fs::read_to_string(out.join("deploy/gitops/staging.yaml")).unwrap());
        let branch = docs[0]["spec"]["ref"]["branch"].as_str().unwrap();
        let path = docs[1]["spec"]["path"].as_str().unwrap();
        assert_eq!(
            path, "./apps/shop/deploy/kustomize/.release-staging",
            "{platform}"
        );
        let clone = tempfile::tempdir().unwrap();
        let o = run(Command::new("git")
            .args(["clone", "-q", "--branch", branch])
            .arg(origin.path())
            .arg(clone.path()));
        assert!(
            o.status.success(),
            "{platform}: {} was not published: {}",
            branch,
            text(&o.stderr)
        );
        let released = kustomize(&clone.path().join(path));
        // The environment's overlay, with the commit's image.
        let overlay = kustomize(&out.join("deploy/kustomize/overlays/staging"));
        let mut want: Vec<Value> = overlay.clone();
        for o in &mut want {
            if let Some(containers) = o.pointer_mut("/spec/template/spec/containers") {
                for c in containers.as_array_mut().unwrap() {
                    c["image"] = Value::String(format!("ghcr.io/acme/web:{sha}"));
                }
            }
        }
        assert_eq!(
            released, want,
            "{platform}: the release is not the overlay with the commit's image"
        );
        assert_ne!(
            released, overlay,
            "{platform}: the release changed no image"
        );
    }
}

/// The objects name the folders the build wrote, from the root of the repository.
#[test]
fn the_tools_look_where_the_overlays_are() {
    let dir = build("apps/shop");
    let out: PathBuf = dir.path().join("apps/shop");
    let docs =
        parse_yaml(&std::fs::read_to_string(out.join("deploy/gitops/preview.yaml")).unwrap());
    let source = &docs[0]["spec"]["source"];
    assert_eq!(source["targetRevision"], "develop");
    let path = source["path"].as_str().unwrap();
    assert_eq!(path, "apps/shop/deploy/kustomize/overlays/preview");
    assert!(dir.path().join(path).join("kustomization.yaml").is_file());
}

/// The pipelines publishing releases pass the platforms' checkers.
#[test]
fn pipelines_that_publish_releases_pass_the_platforms_linters() {
    let dir = build("");
    let checked = lint_pipelines(dir.path());
    assert!(
        checked == 2 || tool("actionlint").is_none(),
        "{checked} files checked"
    );
}
