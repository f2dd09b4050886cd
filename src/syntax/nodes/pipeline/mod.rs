//! `pipeline`: how the app is tested, built and deployed (GitHub Actions, GitLab CI).

use crate::diagnostic::{Diagnostic, Span, code};
use crate::git_ref::RefPattern;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

mod deploy;
mod install;
mod job;
mod test;

pub use deploy::{DEPLOY, Deploy, DeployMethod, Trigger};
pub use install::{Install, STOWAGE};
pub use job::{JOB, Job, JobStage, JobWhen, NEEDS};
pub use test::{
    ARTIFACT, CACHE, Cache, JobBody, Language, REPORT, RUN, RunStep, SETUP, Setup, TEST,
    TEST_SERVICE, TestService, TestStage,
};

keyword! {
    /// `platforms "github"`: the CI systems stowage writes pipelines for.
    pub enum Platform("CI platform") {
        Github = "github",
        Gitlab = "gitlab",
    }
}

pub static PIPELINE: Kind = Kind {
    name: "pipeline",
    what: "`pipeline`",
    children: Children::Kinds(&[
        &PLATFORMS,
        &BRANCHES,
        &TEST,
        &JOB,
        &BUILD,
        &SCAN,
        &DEPLOY,
        &SLACK,
        &DRIFT,
        &DIFF_COMMENT,
        &STOWAGE,
    ]),
    example: "pipeline { deploy \"production\" on=\"branch:main\" credentials=\"KUBECONFIG\" }",
    doc: "The delivery pipeline: test, build and deploy stages.",
    reference: "pipeline.md",
    ..Kind::LEAF
};

pub static PLATFORMS: Kind = Kind {
    name: "platforms",
    what: "`platforms`",
    args: Args::Many(Type::Keyword(Platform::NAMES)),
    example: "platforms \"github\" \"gitlab\"",
    doc: "The CI systems to write pipelines for (default github).",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static BRANCHES: Kind = Kind {
    name: "branches",
    what: "`branches`",
    args: Args::Many(Type::String),
    example: "branches \"main\" \"release/*\"",
    doc: "Branches whose pushes run the pipeline (default main).",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static BUILD: Kind = Kind {
    name: "build",
    what: "`build`",
    args: Args::Name,
    props: &[
        prop("context", Type::String, "the build context (default .)"),
        prop("dockerfile", Type::String, "the Dockerfile"),
        prop("target", Type::String, "the build stage"),
    ],
    identity: Identity::Named,
    example: "build \"api\" dockerfile=\"api/Dockerfile\"",
    doc: "How one of the workloads' images is built.",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static SCAN: Kind = Kind {
    name: "scan",
    what: "`scan`",
    props: &[
        prop(
            "severity",
            Type::String,
            "the severities reported (default HIGH,CRITICAL)",
        ),
        prop(
            "fail",
            Type::Bool,
            "fail the build on a finding (default #true)",
        ),
    ],
    example: "scan severity=\"HIGH,CRITICAL\"",
    doc: "A vulnerability scan of the built images.",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static SLACK: Kind = Kind {
    name: "slack",
    what: "`slack`",
    props: &[prop(
        "secret",
        Type::String,
        "the CI secret holding the webhook URL",
    )],
    example: "slack secret=\"SLACK_WEBHOOK_URL\"",
    doc: "Deploy notifications to a Slack incoming webhook.",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static DRIFT: Kind = Kind {
    name: "drift",
    what: "`drift`",
    args: Args::One(Type::Bool),
    props: &[prop(
        "every-app",
        Type::Bool,
        "check every app of the repository (`stowage check --all` from its root), not only this one",
    )],
    example: "drift #true every-app=#true",
    doc: "Run `stowage check` in CI (default on).",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

pub static DIFF_COMMENT: Kind = Kind {
    name: "diff-comment",
    what: "`diff-comment`",
    args: Args::One(Type::Bool),
    example: "diff-comment #true",
    doc: "Comment `stowage diff` of a spec change on its pull request.",
    reference: "pipeline.md#children",
    ..Kind::LEAF
};

/// The delivery pipeline: how the app is tested, built and deployed.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub span: Span,
    /// CI systems to emit for.
    pub platforms: Vec<S<Platform>>,
    /// Branches whose pushes and pull requests run the pipeline.
    pub branches: Vec<S<RefPattern>>,
    /// The test jobs, in the spec's order.
    pub tests: Vec<TestStage>,
    /// The user's own jobs, in the spec's order.
    pub jobs: Vec<Job>,
    pub build: Option<BuildStage>,
    pub deploys: Vec<Deploy>,
    /// Secret holding a Slack incoming-webhook URL for deploy notifications.
    pub slack: Option<S<String>>,
    /// Run `stowage check` in CI (default on).
    pub drift: Option<S<bool>>,
    /// `drift ... every-app=#true`: the job checks every app of the repository.
    pub drift_every_app: Option<S<bool>>,
    /// Post `stowage diff` of a pull request's spec change as a comment.
    pub diff_comment: Option<S<bool>>,
    /// Where CI gets stowage (default: this version of the `stowage-cli` crate).
    pub install: Option<S<Install>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildStage {
    pub span: Span,
    pub images: Vec<BuildImage>,
    pub scan: Option<Scan>,
}

/// How one of the workloads' images is built: `build "video-ingest-api" dockerfile="api/Dockerfile"`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildImage {
    pub name: S<String>,
    pub context: Option<S<String>>,
    pub dockerfile: Option<S<String>>,
    pub target: Option<S<String>>,
    pub span: Span,
}

/// A vulnerability scan of the built images.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub severity: Option<S<String>>,
    pub fail: Option<S<bool>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn pipeline(&mut self, node: &Node) -> Option<Pipeline> {
        self.shape(node, &PIPELINE);
        let mut p = Pipeline {
            span: node.name_span,
            platforms: Vec::new(),
            branches: Vec::new(),
            tests: Vec::new(),
            jobs: Vec::new(),
            build: None,
            deploys: Vec::new(),
            slack: None,
            drift: None,
            drift_every_app: None,
            diff_comment: None,
            install: None,
        };
        let mut build = BuildStage {
            span: node.name_span,
            images: Vec::new(),
            scan: None,
        };
        for c in &node.children {
            match c.name.as_str() {
                "platforms" => p.platforms = self.keyword_list(c, &PLATFORMS),
                "branches" => p.branches = self.branches(c),
                "slack" => p.slack = self.slack(c),
                "drift" => {
                    p.drift = self.bool_arg(c, &DRIFT);
                    p.drift_every_app = self.prop_bool(c, "every-app");
                }
                "diff-comment" => p.diff_comment = self.bool_arg(c, &DIFF_COMMENT),
                "stowage" => p.install = self.install(c),
                "test" => p.tests.push(self.test_stage(c)),
                "job" => p.jobs.extend(self.job(c)),
                "build" => {
                    build.images.extend(self.build_image(c));
                    build.span = c.name_span;
                }
                "scan" => build.scan = Some(self.scan(c)),
                "deploy" => p.deploys.extend(self.deploy(c)),
                _ => {}
            }
        }
        if !build.images.is_empty() || build.scan.is_some() {
            p.build = Some(build);
        }
        Some(p)
    }

    fn keyword_list<K: Keyword>(&mut self, c: &Node, kind: &Kind) -> Vec<S<K>> {
        self.shape(c, kind);
        let what = format!("an argument of `{}`", c.name);
        let words: Vec<S<String>> = c
            .args
            .iter()
            .filter_map(|a| self.str_value(a, &what))
            .collect();
        words.iter().filter_map(|w| self.keyword(w)).collect()
    }

    fn branches(&mut self, c: &Node) -> Vec<S<RefPattern>> {
        self.shape(c, &BRANCHES);
        let what = format!("an argument of `{}`", c.name);
        let names: Vec<S<String>> = c
            .args
            .iter()
            .filter_map(|a| self.str_value(a, &what))
            .collect();
        names
            .into_iter()
            .filter_map(|b| {
                self.ref_pattern(&b.v, b.span, "branch")
                    .map(|r| S::new(r, b.span))
            })
            .collect()
    }

    /// A branch or tag name or pattern, or a diagnostic at `span`.
    pub(super) fn ref_pattern(&mut self, s: &str, span: Span, what: &str) -> Option<RefPattern> {
        match RefPattern::parse(s) {
            Ok(r) => Some(r),
            Err(why) => {
                self.err(
                    Diagnostic::error(
                        &code::pipeline::REF,
                        format!("`{s}` is not a {what} name: {why}"),
                        span,
                        format!("not a {what} name"),
                    )
                    .with_help(format!(
                        "{what} names follow git's rules; `*` matches any characters: `main`, `release/*`, `v*.*.*`"
                    )),
                );
                None
            }
        }
    }

    fn slack(&mut self, c: &Node) -> Option<S<String>> {
        self.shape(c, &SLACK);
        let secret = self.prop_str(c, "secret");
        if secret.is_none() && c.prop("secret").is_none() {
            self.missing_prop(
                c,
                "`slack` needs the secret holding the webhook URL",
                "secret",
                SLACK.example,
            );
        }
        secret
    }

    fn build_image(&mut self, c: &Node) -> Option<BuildImage> {
        self.shape(c, &BUILD);
        let name = self.name_arg(c, "a build")?;
        Some(BuildImage {
            name,
            context: self.prop_str(c, "context"),
            dockerfile: self.prop_str(c, "dockerfile"),
            target: self.prop_str(c, "target"),
            span: c.name_span,
        })
    }

    fn scan(&mut self, c: &Node) -> Scan {
        self.shape(c, &SCAN);
        Scan {
            severity: self.prop_str(c, "severity"),
            fail: self.prop_bool(c, "fail"),
            span: c.name_span,
        }
    }
}
