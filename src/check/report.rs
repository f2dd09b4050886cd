//! Diagnostics every check builds: invalid and duplicate names, unknown references, values
//! out of a set, quantities.

use crate::check::values::{self, QuantityKind};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code, suggest};
use crate::syntax::ast::*;

pub(crate) fn name(
    diags: &mut Diagnostics,
    n: &S<String>,
    what: &str,
    rule: fn(&str) -> Result<(), String>,
) {
    if let Err(why) = rule(&n.v) {
        const RULE: &str = "names are lower-case letters, digits and '-', start with a letter and are at most 63 characters";
        let fixed = n.v.to_ascii_lowercase().replace('_', "-");
        diags.push(
            Diagnostic::error(
                &code::name::INVALID,
                format!(
                    "{what} name `{}` is not valid in Kubernetes",
                    n.v.escape_debug()
                ),
                n.span,
                why,
            )
            .with_help(if rule(&fixed).is_ok() {
                format!("write `{fixed}`: {RULE}")
            } else {
                RULE.to_string()
            }),
        );
    }
}

pub(crate) fn duplicate(what: &str, n: &S<String>, first: Span) -> Diagnostic {
    Diagnostic::error(
        &code::name::DUPLICATE,
        format!("{what} `{}` is declared twice", n.v),
        n.span,
        "declared again here",
    )
    .with_label(first, "first declared here")
    .with_help(format!("rename one of them, or merge them into one {what}"))
}

pub(crate) fn unknown<'a>(
    code: &'static code::Code,
    what: &str,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let d = Diagnostic::error(
        code,
        format!("unknown {what} `{name}`"),
        span,
        format!("no {what} of this name"),
    );
    match suggest(name, candidates.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None if candidates.is_empty() => d.with_help(format!("no {what} is declared")),
        None => {
            let mut c = candidates;
            c.sort_unstable();
            d.with_help(format!("declared: {}", c.join(", ")))
        }
    }
}

pub(crate) fn labels(diags: &mut Diagnostics, pairs: &[(S<String>, S<String>)], is_label: bool) {
    for (k, v) in pairs {
        if let Err(why) = values::qualified_name(&k.v) {
            diags.push(
                Diagnostic::error(
                    &code::name::LABEL,
                    format!(
                        "`{}` is not a valid {} key",
                        k.v.escape_debug(),
                        if is_label { "label" } else { "annotation" }
                    ),
                    k.span,
                    why,
                )
                .with_help("keys look like `team` or `example.com/team`"),
            );
        } else if values::yaml_reads_as_non_string(k.v.rsplit('/').next().unwrap_or(&k.v)) {
            diags.push(
                Diagnostic::error(
                    &code::name::LABEL,
                    format!(
                        "{} key `{}` reads as a number, boolean or null in YAML",
                        if is_label { "label" } else { "annotation" },
                        k.v
                    ),
                    k.span,
                    "kustomize cannot carry this key",
                )
                .with_help("kustomize writes such a key without quotes and then fails on it (kustomize issues 3446, 4928): give the key a letter, as in `v12` or `x-true`"),
            );
        }
        if is_label && let Err(why) = values::label_value(&v.v) {
            diags.push(
                Diagnostic::error(
                    &code::name::LABEL,
                    format!("`{}` is not a valid label value", v.v.escape_debug()),
                    v.span,
                    why,
                )
                .with_help("label values are at most 63 letters, digits, '-', '_' or '.'"),
            );
        }
    }
}

pub(crate) fn one_of(v: &S<String>, what: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(
        &code::syntax::INVALID_VALUE,
        format!("`{}` is not a {what}", v.v),
        v.span,
        format!("unknown {what}"),
    );
    match suggest(&v.v, allowed.iter().copied()).or_else(|| {
        allowed
            .iter()
            .copied()
            .find(|a| a.eq_ignore_ascii_case(&v.v))
    }) {
        Some(s) => d.with_help(format!("did you mean `{s}`? ({})", allowed.join(", "))),
        None => d.with_help(format!("write one of: {}", allowed.join(", "))),
    }
}

pub(crate) fn quantity(q: &S<String>, kind: QuantityKind, diags: &mut Diagnostics) {
    if let Err((why, fix)) = values::quantity(&q.v, kind) {
        let mut d = Diagnostic::error(&code::value::QUANTITY, why, q.span, "invalid quantity");
        d = match fix {
            Some(f) => d.with_help(format!("did you mean \"{f}\"?")),
            None => d.with_help(match kind {
                QuantityKind::Cpu => "CPU is cores or millicores: \"2\", \"500m\"",
                QuantityKind::Bytes => "sizes use binary suffixes: \"512Mi\", \"10Gi\"",
            }),
        };
        diags.push(d);
    }
}

pub(crate) fn int_or_percent(v: &S<IntOrPercent>, diags: &mut Diagnostics) {
    match &v.v {
        IntOrPercent::Int(i) if *i < 0 => diags.push(
            Diagnostic::error(
                &code::value::RANGE,
                "the value cannot be negative",
                v.span,
                "negative",
            )
            .with_help("write 0 or more, or a percentage like \"25%\""),
        ),
        IntOrPercent::Percent(p) => {
            let ok = p
                .strip_suffix('%')
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n <= 100);
            if !ok {
                diags.push(
                    Diagnostic::error(
                        &code::value::PERCENTAGE,
                        format!("`{p}` is not a percentage"),
                        v.span,
                        "expected N%",
                    )
                    .with_help("write a number or a percentage like \"25%\""),
                );
            }
        }
        _ => {}
    }
}

/// The values of annotations on an object's own metadata (not a pod template's), each one
/// kustomize can carry.
pub(crate) fn metadata_annotations(diags: &mut Diagnostics, pairs: &[(S<String>, S<String>)]) {
    diags.extend(pairs.iter().filter_map(|(_, v)| annotation_value(v)));
}

/// An annotation value kustomize cannot carry on an object's metadata: one that starts with a
/// tab and spans lines (kustomize writes it as a YAML block that starts with a tab, and fails
/// to read it back).
pub(crate) fn annotation_value(v: &S<String>) -> Option<Diagnostic> {
    let lines = v.v.contains(['\n', '\r']);
    (v.v.starts_with('\t') && lines).then(|| {
        Diagnostic::error(
            &code::value::CHARACTER,
            "an annotation value that starts with a tab and spans lines",
            v.span,
            "kustomize cannot carry this value",
        )
        .with_help("kustomize writes it as a YAML block starting with a tab and fails to read it back: start the value with another character, or keep it on one line")
    })
}
