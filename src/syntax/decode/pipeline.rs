//! Decoding the `pipeline` node: test, build and deploy stages.

use super::{Decoder, Shape};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, suggest};
use crate::git_ref::RefPattern;
use crate::syntax::ast::*;
use crate::syntax::tree::Node;

const PIPELINE_CHILDREN: &[&str] = &[
    "platforms",
    "branches",
    "test",
    "build",
    "scan",
    "deploy",
    "slack",
    "drift",
    "diff-comment",
];

impl Decoder<'_> {
    fn string_list(&mut self, node: &Node) -> Vec<S<String>> {
        node.args
            .iter()
            .filter_map(|a| self.str_value(a, &format!("an argument of `{}`", node.name)))
            .collect()
    }

    /// A branch or tag name or pattern, or a diagnostic at `span`.
    fn ref_pattern(
        &mut self,
        s: &str,
        span: crate::diagnostic::Span,
        what: &str,
    ) -> Option<RefPattern> {
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

    fn bool_arg(&mut self, node: &Node, example: &str) -> Option<S<bool>> {
        let v = self.value_arg(node, example)?;
        self.bool_value(v, &format!("`{}`", node.name))
    }

    pub fn pipeline(&mut self, node: &Node) -> Option<Pipeline> {
        self.shape(
            node,
            &Shape {
                what: "`pipeline`",
                args: 0,
                props: &[],
                children: PIPELINE_CHILDREN,
                free_children: false,
            },
        );
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
            platforms: Vec::new(),
            scan: None,
        };
        for c in &node.children {
            match c.name.as_str() {
                "platforms" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`platforms`",
                            args: usize::MAX,
                            props: &[],
                            children: &[],
                            free_children: false,
                        },
                    );
                    for pl in self.string_list(c) {
                        if pl.v != "github" && pl.v != "gitlab" {
                            let d = Diagnostic::error(
                                &code::syntax::INVALID_VALUE,
                                format!("`{}` is not a CI platform", pl.v),
                                pl.span,
                                "unknown platform",
                            );
                            let d = match suggest(&pl.v, ["github", "gitlab"]) {
                                Some(s) => d.with_help(format!("did you mean `{s}`? (github or gitlab)")),
                                None => d.with_help("stowage emits for `github` (GitHub Actions) and `gitlab` (GitLab CI)"),
                            };
                            self.err(d);
                        } else {
                            p.platforms.push(pl);
                        }
                    }
                }
                "branches" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`branches`",
                            args: usize::MAX,
                            props: &[],
                            children: &[],
                            free_children: false,
                        },
                    );
                    p.branches = self
                        .string_list(c)
                        .into_iter()
                        .filter_map(|b| {
                            self.ref_pattern(&b.v, b.span, "branch")
                                .map(|r| S::new(r, b.span))
                        })
                        .collect();
                }
                "slack" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`slack`",
                            args: 0,
                            props: &["secret"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    p.slack = self.prop_str(c, "secret");
                    if p.slack.is_none() && c.prop("secret").is_none() {
                        self.err(
                            Diagnostic::error(
                                &code::syntax::MISSING_PROPERTY,
                                "`slack` needs the secret holding the webhook URL",
                                c.name_span,
                                "no secret=",
                            )
                            .with_help("write `slack secret=\"SLACK_WEBHOOK_URL\"`"),
                        );
                    }
                }
                "drift" => p.drift = self.bool_arg(c, "drift #true"),
                "diff-comment" => p.diff_comment = self.bool_arg(c, "diff-comment #true"),
                "test" => p.test = self.test_stage(c),
                "build" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`build`",
                            args: 1,
                            props: &["context", "dockerfile", "target"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    if let Some(name) = self.name_arg(c, "a build") {
                        build.images.push(BuildImage {
                            name,
                            context: self.prop_str(c, "context"),
                            dockerfile: self.prop_str(c, "dockerfile"),
                            target: self.prop_str(c, "target"),
                            span: c.name_span,
                        });
                    }
                    build.span = c.name_span;
                }
                "scan" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`scan`",
                            args: 0,
                            props: &["severity", "fail"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    build.scan = Some(Scan {
                        severity: self.prop_str(c, "severity"),
                        fail: self.prop_bool(c, "fail"),
                        span: c.name_span,
                    });
                }
                "deploy" => {
                    if let Some(d) = self.deploy(c) {
                        p.deploys.push(d);
                    }
                }
                _ => {}
            }
        }
        if !build.images.is_empty() || build.scan.is_some() {
            p.build = Some(build);
        }
        Some(p)
    }

    fn test_stage(&mut self, node: &Node) -> Option<TestStage> {
        self.shape(
            node,
            &Shape {
                what: "`test`",
                args: 0,
                props: &[],
                children: &["setup", "env", "service", "run", "report"],
                free_children: false,
            },
        );
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
                "setup" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`setup`",
                            args: 1,
                            props: &["version", "cache"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    let Some(language) = self.name_arg(c, "a setup") else {
                        continue;
                    };
                    let version = match c.prop("version") {
                        Some(_) => self.prop_str(c, "version"),
                        None => {
                            self.err(
                                Diagnostic::error(
                                    &code::syntax::MISSING_PROPERTY,
                                    format!("setup `{}` needs a version", language.v),
                                    c.name_span,
                                    "no version=",
                                )
                                .with_help(format!(
                                    "write `setup \"{}\" version=\"...\"`",
                                    language.v
                                )),
                            );
                            None
                        }
                    };
                    let Some(version) = version else { continue };
                    t.setup.push(Setup {
                        language,
                        version,
                        cache: self.prop_str(c, "cache"),
                        span: c.name_span,
                    });
                }
                "env" => t.env = self.env(c),
                "run" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`run`",
                            args: 2,
                            props: &[],
                            children: &[],
                            free_children: false,
                        },
                    );
                    let Some(name) = self.name_arg(c, "a run step") else {
                        continue;
                    };
                    match c.args.get(1) {
                        Some(v) => {
                            if let Some(command) = self.str_value(v, "the command") {
                                t.runs.push(RunStep {
                                    name,
                                    command,
                                    span: c.name_span,
                                });
                            }
                        }
                        None => self.err(
                            Diagnostic::error(
                                &code::syntax::MISSING_ARGUMENT,
                                format!("run `{}` has no command", name.v),
                                c.name_span,
                                "command missing",
                            )
                            .with_help(format!("write `run \"{}\" \"make test\"`", name.v)),
                        ),
                    }
                }
                "report" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`report`",
                            args: 1,
                            props: &[],
                            children: &[],
                            free_children: false,
                        },
                    );
                    if let Some(r) = self.name_arg(c, "a report") {
                        t.reports.push(r);
                    }
                }
                "service" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "a test service",
                            args: 1,
                            props: &["image", "port", "health"],
                            children: &["env"],
                            free_children: false,
                        },
                    );
                    let Some(name) = self.name_arg(c, "a test service") else {
                        continue;
                    };
                    let Some(image) = self.prop_str(c, "image").or_else(|| {
                        if c.prop("image").is_none() {
                            self.err(
                                Diagnostic::error(
                                    &code::syntax::MISSING_PROPERTY,
                                    format!("test service `{}` has no image", name.v),
                                    c.name_span,
                                    "no image=",
                                )
                                .with_help(format!(
                                    "write `service \"{}\" image=\"{}:latest-version\"`",
                                    name.v, name.v
                                )),
                            );
                        }
                        None
                    }) else {
                        continue;
                    };
                    let env = c
                        .children
                        .iter()
                        .find(|e| e.name == "env")
                        .map(|e| self.env(e))
                        .unwrap_or_default();
                    t.services.push(TestService {
                        name,
                        image,
                        port: self.prop_int(c, "port"),
                        health: self.prop_str(c, "health"),
                        env,
                        span: c.name_span,
                    });
                }
                _ => {}
            }
        }
        Some(t)
    }

    fn deploy(&mut self, c: &Node) -> Option<Deploy> {
        self.shape(
            c,
            &Shape {
                what: "`deploy`",
                args: 1,
                props: &[
                    "on",
                    "after",
                    "approval",
                    "method",
                    "credentials",
                    "timeout",
                    "smoke",
                    "before",
                    "rollback",
                    "url",
                    "release",
                ],
                children: &[],
                free_children: false,
            },
        );
        let env = self.name_arg(c, "a deploy")?;
        let mut on = Vec::new();
        if let Some(o) = self.prop_str(c, "on") {
            let mut offset = 0;
            for part in o.v.split(',') {
                let trimmed = part.trim();
                let span = crate::diagnostic::Span::new(o.span.offset + 1 + offset, part.len());
                offset += part.len() + 1;
                let trigger = match trimmed.split_once(':') {
                    Some(("branch", b)) => match self.ref_pattern(b, span, "branch") {
                        Some(r) => Trigger::Branch(r),
                        None => continue,
                    },
                    Some(("tag", t)) => match self.ref_pattern(t, span, "tag") {
                        Some(r) => Trigger::Tag(r),
                        None => continue,
                    },
                    None if trimmed == "manual" => Trigger::Manual,
                    _ => {
                        self.err(
                            Diagnostic::error(&code::syntax::INVALID_VALUE, format!("`{trimmed}` is not a trigger"), span, "unknown trigger")
                                .with_help("triggers are `branch:NAME`, `tag:PATTERN` and `manual`, separated by commas"),
                        );
                        continue;
                    }
                };
                on.push(S::new(trigger, span));
            }
        }
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
        let credentials = match self.prop_str(c, "credentials") {
            Some(x) => x,
            None => {
                if c.prop("credentials").is_none() {
                    self.err(
                        Diagnostic::error(&code::syntax::MISSING_PROPERTY, format!("deploy `{}` has no cluster credentials", env.v), c.name_span, "no credentials=")
                            .with_help(format!("name the CI secret holding a base64 kubeconfig: credentials=\"{}_KUBECONFIG\"", env.v.to_ascii_uppercase().replace('-', "_"))),
                    );
                }
                return None;
            }
        };
        Some(Deploy {
            env,
            span: c.name_span,
            on,
            after: self.prop_str(c, "after"),
            approval: self.prop_bool(c, "approval"),
            method: self.prop_str(c, "method"),
            credentials,
            timeout: self.prop_str(c, "timeout"),
            smoke: self.prop_str(c, "smoke"),
            before: self.prop_str(c, "before"),
            rollback: self.prop_bool(c, "rollback"),
            url: self.prop_str(c, "url"),
            release: self.prop_bool(c, "release"),
        })
    }
}
