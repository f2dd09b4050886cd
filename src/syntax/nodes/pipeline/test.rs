//! The pipeline's `test` jobs and what every job holds: toolchains or an image, service
//! containers, variables, commands, reports, artifacts and caches.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::nodes::env::{ENV, EnvVar};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

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

pub static TEST: Kind = Kind {
    name: "test",
    what: "`test`",
    args: Args::Name,
    props: &[prop(
        "image",
        Type::String,
        "the container image the job runs in, instead of a setup",
    )],
    children: Children::Kinds(&[
        &SETUP,
        &ENV,
        &TEST_SERVICE,
        &RUN,
        &REPORT,
        &ARTIFACT,
        &CACHE,
    ]),
    identity: Identity::Named,
    example: "test \"frontend\" { setup \"node\" version=\"22\"; run \"test\" \"npm test\"; }",
    doc: "A test job (its name optional): toolchains, service containers, commands and reports; the builds wait for every test.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static ARTIFACT: Kind = Kind {
    name: "artifact",
    what: "`artifact`",
    args: Args::Name,
    identity: Identity::Named,
    example: "artifact \"playwright-report/\"",
    doc: "A file or folder kept after the job, whatever its outcome.",
    reference: "pipeline.md#test",
    ..Kind::LEAF
};

pub static CACHE: Kind = Kind {
    name: "cache",
    what: "`cache`",
    args: Args::Name,
    props: &[prop(
        "key",
        Type::String,
        "the file whose content keys the cache (a lock file)",
    )],
    identity: Identity::Named,
    example: "cache \"frontend/node_modules/\" key=\"frontend/package-lock.json\"",
    doc: "A folder kept between runs while the key file is unchanged.",
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

/// A test job: `test "frontend" { ... }` (`test { ... }` when there is one).
#[derive(Debug, Clone, PartialEq)]
pub struct TestStage {
    pub span: Span,
    pub name: Option<S<String>>,
    pub body: JobBody,
}

/// What a job runs and keeps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobBody {
    pub setup: Vec<Setup>,
    /// The container image the job runs in (instead of a setup).
    pub image: Option<S<String>>,
    pub runs: Vec<RunStep>,
    pub services: Vec<TestService>,
    pub reports: Vec<S<String>>,
    pub artifacts: Vec<S<String>>,
    pub caches: Vec<Cache>,
    pub env: Vec<EnvVar>,
}

/// A folder kept between runs: `cache "node_modules/" key="package-lock.json"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cache {
    pub path: S<String>,
    pub key: S<String>,
    pub span: Span,
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

impl Decoder<'_> {
    pub(super) fn test_stage(&mut self, node: &Node) -> TestStage {
        self.shape(node, &TEST);
        let name = match node.args.first() {
            Some(_) => self.name_arg(node, "a test"),
            None => None,
        };
        TestStage {
            span: node.name_span,
            name,
            body: self.job_body(node),
        }
    }

    /// The children every job takes (its own are read by its kind), and `image=`.
    pub(super) fn job_body(&mut self, node: &Node) -> JobBody {
        let mut t = JobBody {
            image: self.prop_str(node, "image"),
            ..JobBody::default()
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
                "artifact" => {
                    self.shape(c, &ARTIFACT);
                    t.artifacts.extend(self.name_arg(c, "an artifact"));
                }
                "cache" => t.caches.extend(self.cache(c)),
                "service" => t.services.extend(self.test_service(c)),
                _ => {}
            }
        }
        t
    }

    fn cache(&mut self, c: &Node) -> Option<Cache> {
        self.shape(c, &CACHE);
        let path = self.name_arg(c, "a cache")?;
        let key = self.prop_str(c, "key");
        if key.is_none() && c.prop("key").is_none() {
            let msg = format!("cache `{}` needs the file that keys it", path.v);
            self.missing_prop(c, &msg, "key", CACHE.example);
        }
        Some(Cache {
            path,
            key: key?,
            span: c.name_span,
        })
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
}
