//! The app's settings and the environments' own: names, namespaces, versions, prefixes.

use crate::check::report::*;
use crate::check::values::{self};
use crate::check::waivers::{WaiverTarget, owned, waivers_of};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::kubernetes;
use crate::syntax::ast::*;
use std::collections::HashMap;

pub(in crate::check) fn app(spec: &Spec, diags: &mut Diagnostics) {
    let app = &spec.app;
    name(diags, &app.name, "app", values::dns_label);
    if let Some(ns) = &app.namespace {
        name(diags, ns, "namespace", values::dns_label);
    }
    if let Some(k) = &app.kubernetes {
        match kubernetes::minor(&k.v) {
            Some(m) if kubernetes::SUPPORTED.contains(&m) => {}
            Some(_) => diags.push(
                Diagnostic::error(
                    &code::version::UNSUPPORTED,
                    format!("Kubernetes {} is not supported", k.v),
                    k.span,
                    "unsupported version",
                )
                .with_help(format!(
                    "target a version from 1.{} to 1.{}",
                    kubernetes::SUPPORTED.start(),
                    kubernetes::SUPPORTED.end()
                )),
            ),
            None => diags.push(
                Diagnostic::error(
                    &code::version::INVALID,
                    format!("`{}` is not a Kubernetes version", k.v),
                    k.span,
                    "expected MAJOR.MINOR",
                )
                .with_help("write `kubernetes \"1.33\"`"),
            ),
        }
    }
    labels(diags, &app.labels, true);
    labels(diags, &app.annotations, false);
    metadata_annotations(diags, &app.annotations);
    waivers_of(&app.waivers, WaiverTarget::Everywhere, diags);
}

pub(in crate::check) fn environments(spec: &Spec, diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for env in &spec.environments {
        name(diags, &env.name, "environment", values::dns_label);
        if let Some(first) = seen.insert(env.name.as_str(), env.name.span) {
            diags.push(duplicate("environment", &env.name, first));
        }
        waivers_of(&env.waivers, WaiverTarget::Everywhere, diags);
        owned(spec, env, diags);
        if let Some(ns) = &env.namespace {
            name(diags, ns, "namespace", values::dns_label);
        }
        if let Some(p) = &env.prefix {
            let ok = p.v.is_empty()
                || (values::dns_label(p.v.trim_end_matches('-')).is_ok() && !p.v.starts_with('-'));
            if !ok {
                diags.push(
                    Diagnostic::error(
                        &code::name::INVALID,
                        format!("prefix `{}` would make invalid object names", p.v),
                        p.span,
                        "not a valid name prefix",
                    )
                    .with_help("use lower-case letters, digits and '-', like `prefix \"dev-\"`"),
                );
            }
        }
        labels(diags, &env.labels, true);
    }
    if spec.app.namespace.is_none() {
        for env in spec.environments.iter().filter(|e| e.namespace.is_none()) {
            diags.push(
                Diagnostic::error(
                    &code::env::NAMESPACE,
                    format!("environment `{}` has no namespace", env.name.v),
                    env.name.span,
                    "no namespace here or in `app`",
                )
                .with_label(spec.app.name.span, "the app gives none either")
                .with_help("add `namespace \"NAME\"` to the app or to this environment"),
            );
        }
    }
}
