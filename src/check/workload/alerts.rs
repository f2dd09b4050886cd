//! A workload's `alert`s: names once, Prometheus durations and label names.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    pub(in crate::check) fn alerts(&self, w: &Workload, diags: &mut Diagnostics) {
        let mut names: HashMap<&str, Span> = HashMap::new();
        for a in &w.alerts {
            if let Some(first) = names.insert(a.name.as_str(), a.name.span) {
                diags.push(duplicate("alert", &a.name, first));
            }
            if let Some(f) = a.for_.as_ref().filter(|f| !prometheus_duration(&f.v)) {
                diags.push(
                    Diagnostic::error(
                        &code::value::DURATION,
                        format!("`{}` is not a Prometheus duration", f.v),
                        f.span,
                        "expected numbers with ms, s, m, h, d, w or y",
                    )
                    .with_help("write `for=\"5m\"` or `for=\"1h30m\"`"),
                );
            }
            for (k, _) in &a.labels {
                if !label_name(&k.v) {
                    diags.push(
                        Diagnostic::error(&code::name::LABEL, format!("`{}` is not a Prometheus label name", k.v), k.span, "letters, digits and `_`, not starting with a digit")
                            .with_help("Prometheus label names match [a-zA-Z_][a-zA-Z0-9_]*: write `team` or `team_name`"),
                    );
                }
            }
        }
    }
}

/// `5m`, `1h30m`, `90s`: numbers each followed by a unit, largest first.
fn prometheus_duration(s: &str) -> bool {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = s;
    let mut last = None;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let Some(u) = UNITS
            .iter()
            .rposition(|u| rest.starts_with(u) && !(*u == "m" && rest.starts_with("ms")))
        else {
            return false;
        };
        if last.is_some_and(|l| u <= l) {
            return false;
        }
        last = Some(u);
        rest = &rest[UNITS[u].len()..];
    }
    last.is_some()
}

fn label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_are_prometheus() {
        for ok in ["5m", "1h30m", "90s", "100ms", "1w", "2d12h"] {
            assert!(super::prometheus_duration(ok), "{ok}");
        }
        for bad in ["", "5", "m", "30m1h", "5 m", "1.5h", "5mm"] {
            assert!(!super::prometheus_duration(bad), "{bad}");
        }
    }
}
