//! Declared policies: one of each name, none named as a shipped level, and each rule given the
//! parameters its kind takes ([`crate::policy::Rule::about`]) with values Kubernetes means.

use super::report::{duplicate, quantity};
use super::values::QuantityKind;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::policy::Rule;
use crate::syntax::ast::{DeclaredPolicy, PolicyLevel, RuleUse, S, Spec};
use crate::syntax::keyword::Keyword;

pub(super) fn check(spec: &Spec, diags: &mut Diagnostics) {
    let mut seen: Vec<&S<String>> = Vec::new();
    for p in &spec.policies {
        match seen.iter().find(|s| s.v == p.name.v) {
            Some(first) => diags.push(duplicate("policy", &p.name, first.span)),
            None => seen.push(&p.name),
        }
        level_name(p, diags);
        for r in &p.rules {
            params(r, diags);
        }
    }
}

/// A declared policy cannot take a shipped level's name: `policy "production"` in an
/// environment would mean two things.
fn level_name(p: &DeclaredPolicy, diags: &mut Diagnostics) {
    if PolicyLevel::parse(&p.name.v).is_some() {
        diags.push(
            Diagnostic::error(
                &code::name::DUPLICATE,
                format!("`{}` is a policy level stowage ships", p.name.v),
                p.name.span,
                "a level's name",
            )
            .with_help(format!(
                "name the policy after its owner, like `acme-{}`, and write extends=\"{}\"",
                p.name.v, p.name.v
            )),
        );
    }
}

/// Each parameter given is one the rule takes, and the rule has those it needs.
fn params(r: &RuleUse, diags: &mut Diagnostics) {
    let rule = r.rule.v;
    let takes = |p: &str| rule.about().params.iter().any(|(n, _)| *n == p);
    if let Some(v) = r.values.first().filter(|_| !takes("values")) {
        diags.push(not_taken(
            rule,
            "values",
            v.span,
            &code::syntax::EXTRA_ARGUMENT,
        ));
    }
    for (name, span) in [
        ("min", r.min.as_ref().map(|m| m.span)),
        ("cpu", r.cpu.as_ref().map(|c| c.span)),
        ("memory", r.memory.as_ref().map(|m| m.span)),
    ] {
        if let Some(span) = span.filter(|_| !takes(name)) {
            diags.push(not_taken(rule, name, span, &code::syntax::UNUSED_PROPERTY));
        }
    }
    values(r, diags);
}

fn not_taken(rule: Rule, what: &str, span: Span, code: &'static code::Code) -> Diagnostic {
    let about = rule.about();
    let takes: Vec<&str> = about.params.iter().map(|(n, _)| *n).collect();
    let help = if takes.is_empty() {
        format!("`{}` takes no parameter: {}", rule.name(), about.example)
    } else {
        format!(
            "`{}` takes {}: {}",
            rule.name(),
            takes.join(", "),
            about.example
        )
    };
    let label = if what == "values" {
        "no values here"
    } else {
        "not a parameter of this rule"
    };
    Diagnostic::error(
        code,
        format!("rule `{}` does not take {what}", rule.name()),
        span,
        label,
    )
    .with_help(help)
}

/// The values a rule needs, and what they must be.
fn values(r: &RuleUse, diags: &mut Diagnostics) {
    let rule = r.rule.v;
    let needs_values = matches!(rule, Rule::AllowedRegistries | Rule::RequiredLabels);
    if needs_values && r.values.is_empty() {
        diags.push(
            Diagnostic::error(
                &code::syntax::MISSING_ARGUMENT,
                format!("rule `{}` lists nothing", rule.name()),
                r.rule.span,
                "no values",
            )
            .with_help(format!(
                "list them after the rule's name: {}",
                rule.about().example
            )),
        );
    }
    if rule == Rule::ResourceCeiling && r.cpu.is_none() && r.memory.is_none() {
        diags.push(
            Diagnostic::error(
                &code::syntax::MISSING_PROPERTY,
                "rule `resource-ceiling` sets no ceiling",
                r.rule.span,
                "no cpu= or memory=",
            )
            .with_help(rule.about().example),
        );
    }
    if let Some(m) = r.min.as_ref().filter(|m| m.v < 1) {
        diags.push(
            Diagnostic::error(
                &code::value::RANGE,
                "`min` must be 1 or more",
                m.span,
                "too low",
            )
            .with_help("write min=2 or more: one replica is what the rule is there to prevent"),
        );
    }
    if let Some(c) = &r.cpu {
        quantity(c, QuantityKind::Cpu, diags);
    }
    if let Some(m) = &r.memory {
        quantity(m, QuantityKind::Bytes, diags);
    }
    texts(r, diags);
    if rule == Rule::HostPorts {
        for v in r.values.iter().filter(|v| !is_port(&v.v)) {
            diags.push(
                Diagnostic::error(
                    &code::value::PORT,
                    format!("`{}` is not a port", v.v),
                    v.span,
                    "expected 1 to 65535",
                )
                .with_help("list the host ports allowed, as numbers: rule \"host-ports\" 9100"),
            );
        }
    }
}

/// Values that go into the cluster's CEL and objects as text: label keys Kubernetes takes,
/// registries and paths without spaces or control characters.
fn texts(r: &RuleUse, diags: &mut Diagnostics) {
    let rule = r.rule.v;
    if rule == Rule::RequiredLabels {
        for v in r.values.iter() {
            if let Err(why) = super::values::qualified_name(&v.v) {
                diags.push(
                    Diagnostic::error(
                        &code::name::LABEL,
                        format!("`{}` is not a valid label key", v.v.escape_debug()),
                        v.span,
                        why,
                    )
                    .with_help("keys look like `team` or `example.com/team`"),
                );
            }
        }
    }
    if matches!(rule, Rule::AllowedRegistries | Rule::HostPaths) {
        for v in r
            .values
            .iter()
            .filter(|v| v.v.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            diags.push(
                Diagnostic::error(
                    &code::value::CHARACTER,
                    format!(
                        "`{}` holds a space or a control character",
                        v.v.escape_debug()
                    ),
                    v.span,
                    "no image reference or path has one",
                )
                .with_help(rule.about().example),
            );
        }
    }
}

fn is_port(s: &str) -> bool {
    s.parse::<u16>().is_ok_and(|p| p > 0)
}
