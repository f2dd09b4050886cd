//! The pipeline's `test` stage: toolchains, service containers, commands and reports.

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

impl Decoder<'_> {
    pub(super) fn test_stage(&mut self, node: &Node) -> TestStage {
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
}
