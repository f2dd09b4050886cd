//! An environment's `policy "NAME"` naming a declared `policy`: the environment takes the
//! level that policy extends (its defaults: disruption budgets, default-deny, pull policies);
//! the rules are resolved by [`crate::policy::rules_of`].

use super::ast::{DeclaredPolicy, Environment, PolicyLevel, S};
use crate::diagnostic::{Diagnostic, Diagnostics, code, suggest};
use crate::syntax::keyword::Keyword;

pub(super) fn resolve(
    mut env: Environment,
    policies: &[DeclaredPolicy],
    diags: &mut Diagnostics,
) -> Environment {
    let Some(name) = &env.declared_policy else {
        return env;
    };
    match policies.iter().find(|p| p.name.v == name.v) {
        Some(p) => {
            let level = p.extends.as_ref().map_or(PolicyLevel::Production, |l| l.v);
            env.policy = S::new(level, name.span);
        }
        None => {
            let declared = policies.iter().map(|p| p.name.as_str());
            let known: Vec<&str> = PolicyLevel::NAMES.iter().copied().chain(declared).collect();
            let d = Diagnostic::error(
                &code::reference::POLICY,
                format!("unknown policy `{}`", name.v),
                name.span,
                "no policy of this name",
            )
            .with_label(env.name.span, "in this environment");
            diags.push(match suggest(&name.v, known.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "a level ({}) or a `policy` the spec declares: {}",
                    PolicyLevel::NAMES.join(", "),
                    known[PolicyLevel::NAMES.len()..].join(", ")
                )),
            });
            env.declared_policy = None;
        }
    }
    env
}
