//! Checks of GitOps delivery: the environment's `gitops` (a repository the tool can read, the
//! properties of its tool, clusters it can reach), and the deploys of such environments,
//! which publish a release and leave the cluster to the tool.

use super::pipeline::{plain_value, secret_name};
use super::values::{dns_label, dns_subdomain};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::syntax::ast::*;

pub fn check(spec: &Spec, diags: &mut Diagnostics) {
    for e in &spec.environments {
        if let Some(g) = &e.gitops {
            environment(spec, e, g, diags);
        }
    }
    let Some(p) = &spec.pipeline else { return };
    for d in &p.deploys {
        let gitops = spec
            .environments
            .iter()
            .find(|e| e.name.v == d.env.v)
            .and_then(|e| e.gitops.as_ref());
        match (gitops, &d.credentials) {
            (Some(g), _) => published(p, d, g, diags),
            (None, Some(c)) => secret_name(diags, c, "credentials"),
            (None, None) => diags.push(
                Diagnostic::error(
                    &code::syntax::MISSING_PROPERTY,
                    format!("deploy `{}` has no cluster credentials", d.env.v),
                    d.span,
                    "no credentials=",
                )
                .with_help(format!(
                    "name the CI secret holding a base64 kubeconfig: credentials=\"{}_KUBECONFIG\", or let Argo CD or Flux deliver the environment (`gitops`)",
                    d.env.v.to_ascii_uppercase().replace('-', "_")
                )),
            ),
        }
    }
}

fn env_error(span: Span, msg: impl Into<String>, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(&code::env::GITOPS, msg.into(), span, label).with_help(help)
}

/// The repository, the tool's properties and its clusters.
fn environment(spec: &Spec, e: &Environment, g: &Gitops, diags: &mut Diagnostics) {
    match &g.repo {
        None => diags.push(env_error(
            g.span,
            format!(
                "environment `{}` is delivered by {} from no repository",
                e.name.v,
                g.tool.v.name()
            ),
            "no repo=",
            "add repo=\"https://github.com/acme/shop.git\": the repository holding the output",
        )),
        Some(r) => {
            let scheme = ["https://", "ssh://", "git@"]
                .iter()
                .any(|s| r.v.starts_with(s));
            plain_value(diags, r, "repository URL", "~");
            if !scheme {
                diags.push(env_error(
                    r.span,
                    format!("`{}` is not a repository the tool can clone", r.v),
                    "not https://, ssh:// or git@",
                    "write the repository's https:// or ssh:// URL",
                ));
            }
        }
    }
    if let Some(b) = &g.branch {
        let literal = crate::git_ref::RefPattern::parse(&b.v).is_ok_and(|r| r.is_literal());
        if !literal {
            diags.push(env_error(
                b.span,
                format!("`{}` is not a branch name", b.v),
                "not a branch",
                "name one branch: branch=\"main\"",
            ));
        }
    }
    if let Some(n) = &g.namespace
        && let Err(why) = dns_label(&n.v)
    {
        diags.push(env_error(
            n.span,
            format!("`{}` is not a namespace: {why}", n.v),
            "not a namespace",
            "the namespace the tool runs in: argocd, flux-system",
        ));
    }
    tool_properties(g, diags);
    if let Some(p) = &g.project {
        plain_value(diags, p, "Argo CD project", "");
    }
    // Argo CD marks what it applies with the Application's name as a label value.
    let name = format!("{}-{}", spec.app.name.v, e.name.v);
    if g.clusters.is_empty()
        && let Err(why) = dns_label(&name)
    {
        diags.push(env_error(
            g.span,
            format!("the tool's objects would be named `{name}`: {why}"),
            "not a name",
            "shorten the app's or the environment's name",
        ));
    }
    let published = spec
        .pipeline
        .iter()
        .flat_map(|p| p.deploys.iter())
        .any(|d| d.env.v == e.name.v);
    if let (Some(b), true) = (&g.branch, published) {
        diags.push(env_error(
            b.span,
            format!("the pipeline deploys `{}`: the tool follows the release branch it publishes, not `{}`", e.name.v, b.v),
            "not followed",
            "remove branch=, or the pipeline's deploy of the environment",
        ));
    }
    clusters(spec, e, g, diags);
}

/// Properties of one tool are not given to the other.
fn tool_properties(g: &Gitops, diags: &mut Diagnostics) {
    let (other, given) = match g.tool.v {
        GitopsTool::Argocd => ("Flux", [(&g.interval, "interval=")]),
        GitopsTool::Flux => ("Argo CD", [(&g.project, "project=")]),
    };
    for (v, what) in given {
        if let Some(v) = v {
            diags.push(env_error(
                v.span,
                format!(
                    "`{what}` is for {other}, and {} delivers this environment",
                    g.tool.v.name()
                ),
                "another tool's",
                "remove it",
            ));
        }
    }
    if let Some(i) = &g.interval
        && crate::duration::seconds(&i.v).is_none_or(|s| s == 0)
    {
        diags.push(
            Diagnostic::error(
                &code::value::DURATION,
                format!("`{}` is not a duration", i.v),
                i.span,
                "expected a number and s, m or h",
            )
            .with_help("write interval=\"5m\""),
        );
    }
}

/// Each cluster once, named for the objects' names, reached as its tool reaches clusters.
fn clusters(spec: &Spec, e: &Environment, g: &Gitops, diags: &mut Diagnostics) {
    let mut seen: Vec<&S<String>> = Vec::new();
    for c in &g.clusters {
        if let Some(first) = seen.iter().find(|s| s.v == c.name.v) {
            diags.push(super::duplicate("cluster", &c.name, first.span));
        }
        seen.push(&c.name);
        let full = format!("{}-{}-{}", spec.app.name.v, e.name.v, c.name.v);
        if let Err(why) = dns_label(&full) {
            diags.push(env_error(
                c.name.span,
                format!(
                    "the objects of cluster `{}` would be named `{full}`: {why}",
                    c.name.v
                ),
                "not a name",
                "a short lower-case name: eu-west",
            ));
        }
        let (needed, wrong, what) = match g.tool.v {
            GitopsTool::Argocd => (
                &c.server,
                &c.kubeconfig,
                "server=\"https://...\": its API server",
            ),
            GitopsTool::Flux => (
                &c.kubeconfig,
                &c.server,
                "kubeconfig=\"SECRET\": the Secret holding its kubeconfig",
            ),
        };
        if let Some(w) = wrong {
            diags.push(env_error(
                w.span,
                format!("{} does not reach a cluster this way", g.tool.v.name()),
                "another tool's",
                &format!("give {what}"),
            ));
        }
        match needed {
            None if wrong.is_some() => {}
            None => diags.push(env_error(
                c.span,
                format!("cluster `{}` cannot be reached", c.name.v),
                "nothing to reach it by",
                &format!("give {what}"),
            )),
            Some(v) if g.tool.v == GitopsTool::Argocd => {
                plain_value(diags, v, "server URL", "");
                if !v.v.starts_with("https://") {
                    diags.push(env_error(
                        v.span,
                        format!("`{}` is not an API server URL", v.v),
                        "not https://",
                        "write the cluster's https:// API server URL, as Argo CD knows it",
                    ));
                }
            }
            Some(v) => {
                if let Err(why) = dns_subdomain(&v.v) {
                    diags.push(env_error(
                        v.span,
                        format!("`{}` is not a Secret name: {why}", v.v),
                        "not a Secret",
                        "the Secret in Flux's namespace holding the cluster's kubeconfig",
                    ));
                }
            }
        }
    }
}

/// The deploy of an environment a tool delivers publishes a release: what would act on the
/// cluster from the job cannot.
fn published(p: &Pipeline, d: &Deploy, g: &Gitops, diags: &mut Diagnostics) {
    let tool = g.tool.v.name();
    let cluster_only = [
        (d.credentials.as_ref().map(|c| c.span), "credentials="),
        (d.method.as_ref().map(|m| m.span), "method="),
        (d.smoke.as_ref().map(|m| m.span), "smoke="),
        (d.before.as_ref().map(|m| m.span), "before="),
        (d.timeout.as_ref().map(|m| m.span), "timeout="),
        (d.rollback.as_ref().map(|m| m.span), "rollback="),
    ];
    for (span, what) in cluster_only {
        if let Some(span) = span {
            diags.push(
                Diagnostic::error(&code::pipeline::GITOPS, format!("{tool} delivers `{}`: the deploy only publishes its release, and `{what}` acts on the cluster", d.env.v), span, "not done by the job")
                    .with_label(g.span, "delivered here")
                    .with_help(format!("remove it: {tool} applies, waits for and heals the release; test it with a `job` after the deploy")),
            );
        }
    }
    for j in p
        .jobs
        .iter()
        .filter(|j| j.after.as_ref().is_some_and(|a| a.v == d.env.v))
    {
        if let Some(r) = j.rollback.as_ref().filter(|r| r.v) {
            diags.push(
                Diagnostic::error(
                    &code::pipeline::GITOPS,
                    format!(
                        "{tool} delivers `{}`: job `{}` cannot roll it back from CI",
                        d.env.v, j.name.v
                    ),
                    r.span,
                    "no cluster access",
                )
                .with_help(format!(
                    "remove rollback=#true: revert the change, and {tool} follows"
                )),
            );
        }
    }
}
