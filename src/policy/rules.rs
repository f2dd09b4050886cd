//! The rules an environment is held to, resolved: the level's (declared in `levels.kdl`), or
//! a declared policy's — its level's rules with its own added, changed (`rule` of the same
//! kind) or switched off (`severity="off"`).

use super::Rule;
use crate::diagnostic::Severity;
use crate::syntax::ast::{DeclaredPolicy, Environment, PolicyLevel, RuleSeverity, RuleUse};
use crate::syntax::keyword::Keyword;
use std::sync::OnceLock;

/// A rule as a policy holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Enforced {
    pub rule: Rule,
    pub severity: Severity,
    pub params: Params,
    /// Where a declared policy states the rule (`None`: the level's, as stowage ships it).
    pub span: Option<crate::diagnostic::Span>,
}

/// A rule's parameters (see [`Rule::about`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    pub values: Vec<String>,
    pub min: Option<i64>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
}

/// A policy, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The level's name, or the declared policy's.
    pub name: String,
    pub level: PolicyLevel,
    /// Enforced at admission too (ValidatingAdmissionPolicies).
    pub admission: bool,
    pub rules: Vec<Enforced>,
}

impl Policy {
    /// How the policy holds `rule`, if it does.
    pub fn get(&self, rule: Rule) -> Option<&Enforced> {
        self.rules.iter().find(|r| r.rule == rule)
    }
}

/// The shipped levels, read once from `levels.kdl`.
pub fn level(level: PolicyLevel) -> &'static Policy {
    static LEVELS: OnceLock<Vec<Policy>> = OnceLock::new();
    let levels = LEVELS.get_or_init(|| {
        let declared = crate::syntax::declared_policies(include_str!("levels.kdl"))
            .expect("levels.kdl is a valid list of policies");
        PolicyLevel::NAMES
            .iter()
            .map(|name| {
                let d = declared.iter().find(|d| d.name.v == *name);
                let d = d.expect("levels.kdl declares every level");
                let level = PolicyLevel::parse(name).expect("a level's name");
                let mut p = Policy {
                    name: name.to_string(),
                    level,
                    admission: false,
                    rules: Vec::new(),
                };
                apply(&mut p, &d.rules);
                // The levels' rules are stowage's, not written in the spec.
                p.rules.iter_mut().for_each(|r| r.span = None);
                p
            })
            .collect()
    });
    &levels[PolicyLevel::NAMES
        .iter()
        .position(|n| *n == level.name())
        .expect("a level")]
}

/// The policy an environment is held to.
pub fn of(policies: &[DeclaredPolicy], env: &Environment) -> Policy {
    let declared = env
        .declared_policy
        .as_ref()
        .and_then(|n| policies.iter().find(|p| p.name.v == n.v));
    let Some(d) = declared else {
        return level(env.policy.v).clone();
    };
    let mut p = level(env.policy.v).clone();
    p.name = d.name.v.clone();
    p.admission = d.admission.as_ref().is_some_and(|a| a.v);
    apply(&mut p, &d.rules);
    p
}

/// Add, replace or switch off each rule `uses` names.
fn apply(p: &mut Policy, uses: &[RuleUse]) {
    for u in uses {
        p.rules.retain(|r| r.rule != u.rule.v);
        let severity = match u.severity.as_ref().map(|s| s.v) {
            Some(RuleSeverity::Off) => continue,
            Some(RuleSeverity::Warning) => Severity::Warning,
            Some(RuleSeverity::Error) | None => Severity::Error,
        };
        p.rules.push(Enforced {
            rule: u.rule.v,
            severity,
            params: Params {
                values: u.values.iter().map(|v| v.v.clone()).collect(),
                min: u.min.as_ref().map(|m| m.v),
                cpu: u.cpu.as_ref().map(|c| c.v.clone()),
                memory: u.memory.as_ref().map(|m| m.v.clone()),
            },
            span: Some(u.rule.span),
        });
    }
}
