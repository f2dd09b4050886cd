//! A `service-account` the spec makes: its metadata and the rules of its Role.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, code, suggest};
use crate::kubernetes::resources;
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn account(&self, a: &Account, diags: &mut Diagnostics) {
        labels(diags, &a.labels, true);
        labels(diags, &a.annotations, false);
        for r in &a.rules {
            rule(r, diags);
        }
    }
}

/// A rule names a resource Kubernetes has, or says its group.
fn rule(r: &AccessRule, diags: &mut Diagnostics) {
    let valid = |s: &str| {
        !s.is_empty()
            && s.split('/').count() <= 2
            && s.split('/').all(|p| {
                !p.is_empty()
                    && p.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                    })
            })
    };
    if !valid(&r.resource.v) || (r.group.is_none() && resources::group_of(&r.resource.v).is_none())
    {
        let known = resources::plurals();
        let (plural, sub) = match r.resource.v.split_once('/') {
            Some((p, s)) => (p, format!("/{s}")),
            None => (r.resource.as_str(), String::new()),
        };
        let help = match suggest(plural, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}{sub}`? Resources are plural and lower case, as in the API"),
            None => "name the resource as the API does (plural, lower case: `deployments`, `pods/log`); for a custom resource give its `group=`".to_string(),
        };
        diags.push(
            Diagnostic::error(
                &code::reference::RESOURCE,
                format!("unknown resource `{}`", r.resource.v),
                r.resource.span,
                "not a resource of Kubernetes",
            )
            .with_help(help),
        );
    }
}
