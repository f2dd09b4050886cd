//! `pipeline`: how the app is tested, built and deployed (GitHub Actions, GitLab CI).

use super::env::{ENV, EnvVar};
use crate::diagnostic::{Diagnostic, Span, code};
use crate::git_ref::RefPattern;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `platforms "github"`: the CI systems stowage writes pipelines for.
    pub enum Platform("CI platform") {
        Github = "github",
        Gitlab = "gitlab",
    }
}

keyword! {
    /// `deploy method=`: how a deploy applies the output.
    pub enum DeployMethod("deploy method") {
        /// `kubectl apply -k` of the overlay.
        Kustomize = "kustomize",
        /// `helm upgrade --install` with the environment's values.
        Helm = "helm",
    }
}

keyword! {
    /// `setup "node"`: the toolchains the test stage sets up.
    pub enum Language("language") {
        Node = "node",
        Python = "python",
        Go = "go",
        Java = "java",
        Rust = "rust",
    }
}

pub static PIPELINE: Kind = Kind {
    name: "pipeline",
    what: "`pipeline`",
    children: Children::Kinds(&[
        &PLATFORMS,
        &BRANCHES,
        &TEST,
        &BUILD,
        &SCAN,
        &DEPLOY,
        &SLACK,
        &DRIFT,
        &DIFF_COMMENT,
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

pub static TEST: Kind = Kind {
    name: "test",
    what: "`test`",
    children: Children::Kinds(&[&SETUP, &ENV, &TEST_SERVICE, &RUN, &REPORT]),
    example: "test { setup \"node\" version=\"22\" run \"test\" \"npm test\" }",
    doc: "The test stage: toolchains, service containers, commands and reports.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static SETUP: Kind = Kind {
    name: "setup",
    what: "`setup`",
    args: Args::One(Type::Keyword(Language::NAMES)),
    props: &[
        prop("version", Type::String, "the toolchain's version"),
        prop(
            "cache",
            Type::String,
            "the package cache to keep (npm, pip, ...)",
        ),
    ],
    identity: Identity::Named,
    example: "setup \"node\" version=\"22\" cache=\"npm\"",
    doc: "A language toolchain.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static TEST_SERVICE: Kind = Kind {
    name: "service",
    what: "a test service",
    args: Args::Name,
    props: &[
        prop("image", Type::String, "the container image"),
        prop("port", Type::Integer, "the port the tests connect to"),
        prop(
            "health",
            Type::String,
            "a command that succeeds once it is ready",
        ),
    ],
    children: Children::Kinds(&[&ENV]),
    identity: Identity::Named,
    example: "service \"postgres\" image=\"postgres:16\" port=5432",
    doc: "A service container the tests use.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static RUN: Kind = Kind {
    name: "run",
    what: "`run`",
    args: Args::NameAnd(Type::String),
    identity: Identity::Named,
    example: "run \"lint\" \"npm run lint\"",
    doc: "A named command.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static REPORT: Kind = Kind {
    name: "report",
    what: "`report`",
    args: Args::Name,
    identity: Identity::Named,
    example: "report \"junit.xml\"",
    doc: "A JUnit report the tests write.",
    reference: "pipeline.md#test",
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

pub static DEPLOY: Kind = Kind {
    name: "deploy",
    what: "`deploy`",
    args: Args::Name,
    props: &[
        prop(
            "on",
            Type::String,
            "triggers: branch:NAME, tag:PATTERN, manual",
        ),
        prop("after", Type::String, "the deploy that must succeed first"),
        prop("approval", Type::Bool, "wait for a person's approval"),
        prop(
            "method",
            Type::Keyword(DeployMethod::NAMES),
            "kustomize (default) or helm",
        ),
        prop(
            "credentials",
            Type::String,
            "the CI secret holding a base64 kubeconfig",
        ),
        prop(
            "timeout",
            Type::String,
            "how long to wait for the rollout (default 10m)",
        ),
        prop("smoke", Type::String, "a command run after the rollout"),
        prop("before", Type::String, "a command run before the deploy"),
        prop(
            "rollback",
            Type::Bool,
            "undo a failed deploy (default #true)",
        ),
        prop("url", Type::String, "the environment's URL"),
        prop("release", Type::Bool, "a release for each tag deployed"),
    ],
    identity: Identity::Named,
    example: "deploy \"production\" on=\"branch:main\" credentials=\"PRODUCTION_KUBECONFIG\"",
    doc: "A deploy of one environment, and when it runs.",
    reference: "pipeline.md#deploy",
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
    example: "drift #true",
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
    pub test: Option<TestStage>,
    pub build: Option<BuildStage>,
    pub deploys: Vec<Deploy>,
    /// Secret holding a Slack incoming-webhook URL for deploy notifications.
    pub slack: Option<S<String>>,
    /// Run `stowage check` in CI (default on).
    pub drift: Option<S<bool>>,
    /// Post `stowage diff` of a pull request's spec change as a comment.
    pub diff_comment: Option<S<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestStage {
    pub span: Span,
    pub setup: Vec<Setup>,
    pub runs: Vec<RunStep>,
    pub services: Vec<TestService>,
    pub reports: Vec<S<String>>,
    pub env: Vec<EnvVar>,
}

/// A language toolchain: `setup "node" version="20" cache="npm"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub language: S<Language>,
    pub version: S<String>,
    pub cache: Option<S<String>>,
    pub span: Span,
}

/// A named command: `run "lint" "npm run lint"`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStep {
    pub name: S<String>,
    pub command: S<String>,
    pub span: Span,
}

/// A service container for tests: `service "postgres" image="postgres:16" port=5432`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestService {
    pub name: S<String>,
    pub image: S<String>,
    pub port: Option<S<i64>>,
    pub health: Option<S<String>>,
    pub env: Vec<EnvVar>,
    pub span: Span,
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

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    Branch(RefPattern),
    Tag(RefPattern),
    Manual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub env: S<String>,
    pub span: Span,
    pub on: Vec<S<Trigger>>,
    pub after: Option<S<String>>,
    pub approval: Option<S<bool>>,
    pub method: Option<S<DeployMethod>>,
    pub credentials: S<String>,
    pub timeout: Option<S<String>>,
    pub smoke: Option<S<String>>,
    pub before: Option<S<String>>,
    pub rollback: Option<S<bool>>,
    pub url: Option<S<String>>,
    pub release: Option<S<bool>>,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn pipeline(&mut self, node: &Node) -> Option<Pipeline> {
        self.shape(node, &PIPELINE);
        let mut p = Pipeline {
            span: node.name_span,
            platforms: Vec::new(),
            branches: Vec::new(),
            test: None,
            build: None,
            deploys: Vec::new(),
            slack: None,
            drift: None,
            diff_comment: None,
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
                "drift" => p.drift = self.bool_arg(c, &DRIFT),
                "diff-comment" => p.diff_comment = self.bool_arg(c, &DIFF_COMMENT),
                "test" => p.test = Some(self.test_stage(c)),
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
    fn ref_pattern(&mut self, s: &str, span: Span, what: &str) -> Option<RefPattern> {
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

    fn test_stage(&mut self, node: &Node) -> TestStage {
        self.shape(node, &TEST);
        let mut t = TestStage {
            span: node.name_span,
            setup: Vec::new(),
            runs: Vec::new(),
            services: Vec::new(),
            reports: Vec::new(),
            env: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "setup" => t.setup.extend(self.setup(c)),
                "env" => t.env = self.env(c),
                "run" => t.runs.extend(self.run_step(c)),
                "report" => {
                    self.shape(c, &REPORT);
                    t.reports.extend(self.name_arg(c, "a report"));
                }
                "service" => t.services.extend(self.test_service(c)),
                _ => {}
            }
        }
        t
    }

    fn setup(&mut self, c: &Node) -> Option<Setup> {
        self.shape(c, &SETUP);
        let name = self.name_arg(c, "a setup")?;
        let language = self.keyword(&name);
        let version = match c.prop("version") {
            Some(_) => self.prop_str(c, "version"),
            None => {
                let example = format!("setup \"{}\" version=\"...\"", name.v);
                let msg = format!("setup `{}` needs a version", name.v);
                self.missing_prop(c, &msg, "version", &example);
                None
            }
        };
        Some(Setup {
            language: language?,
            version: version?,
            cache: self.prop_str(c, "cache"),
            span: c.name_span,
        })
    }

    fn run_step(&mut self, c: &Node) -> Option<RunStep> {
        self.shape(c, &RUN);
        let name = self.name_arg(c, "a run step")?;
        let Some(v) = c.args.get(1) else {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_ARGUMENT,
                    format!("run `{}` has no command", name.v),
                    c.name_span,
                    "command missing",
                )
                .with_help(format!("write `run \"{}\" \"make test\"`", name.v)),
            );
            return None;
        };
        let command = self.str_value(v, "the command")?;
        Some(RunStep {
            name,
            command,
            span: c.name_span,
        })
    }

    fn test_service(&mut self, c: &Node) -> Option<TestService> {
        self.shape(c, &TEST_SERVICE);
        let name = self.name_arg(c, "a test service")?;
        let image = self.prop_str(c, "image");
        if image.is_none() && c.prop("image").is_none() {
            let example = format!("service \"{}\" image=\"{}:latest-version\"", name.v, name.v);
            let msg = format!("test service `{}` has no image", name.v);
            self.missing_prop(c, &msg, "image", &example);
        }
        let env = c
            .children
            .iter()
            .find(|e| e.name == "env")
            .map(|e| self.env(e))
            .unwrap_or_default();
        Some(TestService {
            name,
            image: image?,
            port: self.prop_int(c, "port"),
            health: self.prop_str(c, "health"),
            env,
            span: c.name_span,
        })
    }

    fn deploy(&mut self, c: &Node) -> Option<Deploy> {
        self.shape(c, &DEPLOY);
        let env = self.name_arg(c, "a deploy")?;
        let on = self.triggers(c, &env);
        let Some(credentials) = self.prop_str(c, "credentials") else {
            if c.prop("credentials").is_none() {
                self.err(
                    Diagnostic::error(&code::syntax::MISSING_PROPERTY, format!("deploy `{}` has no cluster credentials", env.v), c.name_span, "no credentials=")
                        .with_help(format!("name the CI secret holding a base64 kubeconfig: credentials=\"{}_KUBECONFIG\"", env.v.to_ascii_uppercase().replace('-', "_"))),
                );
            }
            return None;
        };
        Some(Deploy {
            env,
            span: c.name_span,
            on,
            after: self.prop_str(c, "after"),
            approval: self.prop_bool(c, "approval"),
            method: self.prop_keyword(c, "method"),
            credentials,
            timeout: self.prop_str(c, "timeout"),
            smoke: self.prop_str(c, "smoke"),
            before: self.prop_str(c, "before"),
            rollback: self.prop_bool(c, "rollback"),
            url: self.prop_str(c, "url"),
            release: self.prop_bool(c, "release"),
        })
    }

    /// `on="branch:main,tag:v*,manual"`: each trigger with its own span.
    fn triggers(&mut self, c: &Node, env: &S<String>) -> Vec<S<Trigger>> {
        let mut on = Vec::new();
        let Some(o) = self.prop_str(c, "on") else {
            if c.prop("on").is_none() {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_PROPERTY,
                        format!("deploy `{}` has no trigger", env.v),
                        c.name_span,
                        "no on=",
                    )
                    .with_help("write on=\"branch:main\", on=\"tag:v*\" or on=\"manual\""),
                );
            }
            return on;
        };
        let mut offset = 0;
        for part in o.v.split(',') {
            let trimmed = part.trim();
            let span = Span::new(o.span.offset + 1 + offset, part.len());
            offset += part.len() + 1;
            let trigger = match trimmed.split_once(':') {
                Some(("branch", b)) => self.ref_pattern(b, span, "branch").map(Trigger::Branch),
                Some(("tag", t)) => self.ref_pattern(t, span, "tag").map(Trigger::Tag),
                None if trimmed == "manual" => Some(Trigger::Manual),
                _ => {
                    self.err(
                        Diagnostic::error(&code::syntax::INVALID_VALUE, format!("`{trimmed}` is not a trigger"), span, "unknown trigger")
                            .with_help("triggers are `branch:NAME`, `tag:PATTERN` and `manual`, separated by commas"),
                    );
                    None
                }
            };
            on.extend(trigger.map(|t| S::new(t, span)));
        }
        on
    }
}
