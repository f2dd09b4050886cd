//! The environment's policy on its objects as deployed: each finding of `ir::policy` becomes a
//! diagnostic at the spec value that wrote the field, with the severity the level gives the
//! rule, unless the object waives it (`waivers.stowage.dev/RULE`, from `waive` or written on a
//! declared object).

use super::Cx;
use super::patches::Made;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::ir::policy::{self, Finding, Scope};
use crate::ir::scope::Env;
use crate::policy::{self as rules, Rule};
use crate::syntax::ast::PolicyLevel;
use std::collections::BTreeMap;

/// The policy a configuration is held to, and how findings name it.
struct Held<'a> {
    policy: &'a rules::Policy,
    name: &'a str,
    span: Span,
    /// A spec without environments is a sketch: production's rules are advice.
    advice: bool,
}

impl Cx<'_> {
    /// The policy's rules on one configuration's objects.
    pub(super) fn police(
        &self,
        env: &Env,
        name: Option<&str>,
        labels: &BTreeMap<String, String>,
        made: &Made,
    ) {
        let Some(held) = self.held(name, &env.rules) else {
            return;
        };
        let scope = Scope {
            objects: &made.objects,
            labels,
        };
        for f in policy::findings(&scope, held.policy) {
            // Waived by the environment or the app for every object.
            if env.waivers.iter().any(|w| w.rule.v == f.rule.name()) {
                continue;
            }
            if let Some(d) = self.finding(&held, made, &f) {
                self.lock().findings.push(d);
            }
        }
    }

    /// The base is held to production's rules (as advice) only when there is no environment.
    fn held<'s>(&'s self, name: Option<&'s str>, rules: &'s rules::Policy) -> Option<Held<'s>> {
        let Some(name) = name else {
            if !self.spec.environments.is_empty() {
                return None;
            }
            return Some(Held {
                policy: rules::level(PolicyLevel::Production),
                name: &self.spec.app.name.v,
                span: self.spec.app.span,
                advice: true,
            });
        };
        let e = self.spec.environments.iter().find(|e| e.name.v == name)?;
        Some(Held {
            policy: rules,
            name: &e.name.v,
            span: e.name.span,
            advice: false,
        })
    }

    fn finding(&self, held: &Held, made: &Made, f: &Finding) -> Option<Diagnostic> {
        let enforced = held.policy.get(f.rule)?;
        let mut severity = enforced.severity;
        if held.advice {
            severity = Severity::Warning;
        }
        let owner = &made.objects[f.owner];
        let waiver = f.rule.waiver_annotation();
        if owner.value["metadata"]["annotations"]
            .get(&waiver)
            .is_some()
        {
            return None;
        }
        let origin = made.origins.get(&f.owner)?;
        let shown = made.origins.get(&f.object).unwrap_or(origin);
        let span = shown.value_span(&f.pointer);
        let message = match f.rule {
            Rule::ImageTag | Rule::ImageDigest | Rule::AllowedRegistries => f.says.clone(),
            _ => format!("{} {}", subject(owner, &origin.subject, &f.pointer), f.says),
        };
        // A workload's containers are written in the language; one a patch adds is not.
        let own = container_of(&f.pointer).is_none_or(|c| origin.containers.iter().any(|o| o == c));
        let fix = if origin.native && own {
            &f.fix.native
        } else {
            &f.fix.declared
        };
        let waive = if origin.native {
            format!(
                "`waive \"{}\" reason=\"...\"` (in the environment or the app: for all \
                 their objects)",
                f.rule.name()
            )
        } else {
            format!("annotate the object `{waiver}: REASON`")
        };
        let required = match severity {
            Severity::Error => "required",
            Severity::Warning => "warned about",
        };
        let d = Diagnostic::error(f.rule.code(), message, span, f.label);
        let d = match &origin.workload {
            Some((name, uses)) => {
                crate::syntax::defaults::with_provenance(&self.spec.defaults, uses, name, d)
            }
            None => d,
        };
        let label = if held.advice {
            "advice: production's rules (the spec has no environment)".to_string()
        } else {
            format!(
                "{required} by environment `{}` (policy {})",
                held.name, held.policy.name
            )
        };
        let d = match enforced.span {
            Some(at) => d.with_label(at, format!("rule of policy `{}`", held.policy.name)),
            None => d,
        };
        Some(
            d.with_severity(severity)
                .with_label(held.span, label)
                .with_help(format!("{fix}, or waive it: {waive}")),
        )
    }
}

/// The pointer of the container a field is in (`.../containers/1`), if it is in one.
fn container_of(pointer: &str) -> Option<&str> {
    ["/containers/", "/initContainers/"]
        .iter()
        .find_map(|list| {
            let start = pointer.find(list)? + list.len();
            let end = pointer[start..]
                .find('/')
                .map_or(pointer.len(), |e| start + e);
            Some(&pointer[..end])
        })
}

/// How a finding names its object: the object, or one of its containers when it has several.
fn subject(o: &crate::ir::Object, subject: &str, pointer: &str) -> String {
    let Some(pod) = policy::pod_pointer(o.kind()) else {
        return subject.to_string();
    };
    let containers = policy::containers(&o.value, pod);
    let at = container_of(pointer);
    match containers.iter().find(|(p, _)| Some(p.as_str()) == at) {
        Some((_, c)) if containers.len() > 1 => {
            let name = c["name"].as_str().unwrap_or_default();
            format!("container `{name}` of {subject}")
        }
        _ => subject.to_string(),
    }
}
