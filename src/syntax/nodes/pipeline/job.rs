//! `job`: a job of the user's own, before the builds, after them, after a deploy, or at the
//! end of every pipeline.

use super::test::{ARTIFACT, CACHE, JobBody, REPORT, RUN, SETUP, TEST_SERVICE};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::nodes::env::ENV;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `job stage=`: where a job runs when it follows no deploy.
    pub enum JobStage("job stage") {
        /// Beside the tests: the builds wait for it.
        Test = "test",
        /// After the images are built (and scanned): the deploys wait for it.
        Build = "build",
    }
}

keyword! {
    /// `job when=`: what starts a job.
    pub enum JobWhen("job condition") {
        /// When every job it follows has succeeded (the default).
        OnSuccess = "on-success",
        /// By hand, once what it follows has succeeded.
        Manual = "manual",
        /// At the end of a pipeline in which a job failed.
        OnFailure = "on-failure",
        /// At the end of every pipeline.
        Always = "always",
    }
}

pub static JOB: Kind = Kind {
    name: "job",
    what: "a job",
    args: Args::Name,
    props: &[
        prop(
            "stage",
            Type::Keyword(JobStage::NAMES),
            "test (default: the builds wait for it) or build (after the builds: the deploys wait for it)",
        ),
        prop(
            "after",
            Type::String,
            "the environment whose deploy it follows (its URL in $DEPLOY_URL)",
        ),
        prop(
            "when",
            Type::Keyword(JobWhen::NAMES),
            "on-success (default), manual, on-failure or always",
        ),
        prop(
            "environment",
            Type::String,
            "the CI environment whose secrets and protection rules the job takes",
        ),
        prop(
            "gate",
            Type::Bool,
            "whether what comes next waits for it (default #true)",
        ),
        prop(
            "image",
            Type::String,
            "the container image the job runs in, instead of a setup",
        ),
        prop(
            "window",
            Type::String,
            "run the commands again and again for this long (a monitor)",
        ),
        prop(
            "every",
            Type::String,
            "the pause between two rounds of a window (default 1m)",
        ),
        prop(
            "rollback",
            Type::Bool,
            "roll the deploy it follows back when it fails",
        ),
    ],
    children: Children::Kinds(&[
        &NEEDS,
        &SETUP,
        &ENV,
        &TEST_SERVICE,
        &RUN,
        &REPORT,
        &ARTIFACT,
        &CACHE,
    ]),
    identity: Identity::Named,
    example: "job \"e2e\" after=\"staging\" { run \"e2e\" \"npx playwright test\"; }",
    doc: "A job of your own: its commands, toolchain or image, what it follows and what waits for it.",
    reference: "pipeline.md#job",
    ..Kind::LEAF
};

pub static NEEDS: Kind = Kind {
    name: "needs",
    what: "`needs`",
    args: Args::Many(Type::String),
    example: "needs \"lint\" \"test-frontend\"",
    doc: "Other jobs this one waits for, by id (`test`, `test-NAME`, a job's name).",
    reference: "pipeline.md#job",
    ..Kind::LEAF
};

/// A job of the user's: `job "e2e" after="staging" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: S<String>,
    pub span: Span,
    pub stage: Option<S<JobStage>>,
    pub after: Option<S<String>>,
    pub when: Option<S<JobWhen>>,
    pub gate: Option<S<bool>>,
    /// The CI environment (GitHub environment, GitLab environment) the job runs in.
    pub environment: Option<S<String>>,
    pub window: Option<S<String>>,
    pub every: Option<S<String>>,
    pub rollback: Option<S<bool>>,
    pub needs: Vec<S<String>>,
    pub body: JobBody,
}

impl Decoder<'_> {
    pub(super) fn job(&mut self, node: &Node) -> Option<Job> {
        self.shape(node, &JOB);
        let name = self.name_arg(node, "a job")?;
        let mut needs = Vec::new();
        for c in node.children.iter().filter(|c| c.name == "needs") {
            self.shape(c, &NEEDS);
            let what = "a job `needs`";
            needs.extend(c.args.iter().filter_map(|a| self.str_value(a, what)));
        }
        Some(Job {
            name,
            span: node.name_span,
            stage: self.prop_keyword(node, "stage"),
            after: self.prop_str(node, "after"),
            when: self.prop_keyword(node, "when"),
            gate: self.prop_bool(node, "gate"),
            environment: self.prop_str(node, "environment"),
            window: self.prop_str(node, "window"),
            every: self.prop_str(node, "every"),
            rollback: self.prop_bool(node, "rollback"),
            needs,
            body: self.job_body(node),
        })
    }
}
