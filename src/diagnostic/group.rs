//! Findings that differ only in where they point, shown as one.
//!
//! A policy that asks every workload for probes finds the same thing in each: the same code,
//! help and secondary label (the environment whose policy asks). A person reads them better
//! as one diagnostic with every place labelled than as the same block repeated; machine
//! formats (JSON, GitHub annotations) keep them apart, one per place.

use super::{Diagnostic, Label};

/// The fewest alike findings shown as one.
pub const GROUP_FROM: usize = 3;
/// The most places one diagnostic labels (the rest are counted in its message).
pub const MAX_PLACES: usize = 12;

/// `diags` (in the order they are shown) with each set of at least [`GROUP_FROM`] alike
/// findings made one, at the place of the first: its message says how many more there are,
/// and each place is labelled with its own message.
pub fn grouped(diags: &[&Diagnostic]) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.code.id, d.severity, d.help.clone(), d.secondary.clone());
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut index: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for d in diags {
        match index.get(&key(d)) {
            Some(&i) => groups[i].push(*d),
            None => {
                index.insert(key(d), groups.len());
                groups.push(vec![*d]);
            }
        }
    }
    let mut out = Vec::new();
    for g in groups {
        if g.len() < GROUP_FROM {
            out.extend(g.into_iter().cloned());
            continue;
        }
        out.push(one(&g));
    }
    out.sort_by_key(|d| d.primary.span.offset);
    out
}

/// One diagnostic for alike findings.
fn one(alike: &[&Diagnostic]) -> Diagnostic {
    let first = alike[0];
    let mut d = first.clone();
    let more = alike.len() - 1;
    d.message = if alike.len() <= MAX_PLACES {
        format!("{} (and {more} more like it, each labelled)", first.message)
    } else {
        format!(
            "{} (and {more} more like it; the first {MAX_PLACES} are labelled, \
             `--message-format json` lists every one)",
            first.message
        )
    };
    d.primary.text = first.message.clone();
    let places = alike[1..alike.len().min(MAX_PLACES)].iter().map(|o| Label {
        span: o.primary.span,
        text: o.message.clone(),
    });
    d.secondary = places.chain(first.secondary.iter().cloned()).collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Span, code};

    fn finding(at: usize, name: &str) -> Diagnostic {
        Diagnostic::error(
            &code::policy::REPLICAS,
            format!("`{name}` runs 1 replica"),
            Span::new(at, 2),
            "fewer than 2",
        )
        .with_label(Span::new(100, 10), "required by environment `production`")
        .with_help("set replicas")
    }

    #[test]
    fn alike_findings_become_one_with_every_place() {
        let d: Vec<Diagnostic> = (0..4).map(|i| finding(i * 10, &format!("s{i}"))).collect();
        let other = finding(5, "x").with_help("another help");
        let mut all: Vec<&Diagnostic> = d.iter().collect();
        all.insert(1, &other);
        let g = grouped(&all);
        assert_eq!(g.len(), 2);
        assert_eq!(
            g[0].message,
            "`s0` runs 1 replica (and 3 more like it, each labelled)"
        );
        let spans: Vec<usize> = g[0].secondary.iter().map(|l| l.span.offset).collect();
        assert_eq!(spans, [10, 20, 30, 100]);
        assert_eq!(g[0].secondary[2].text, "`s3` runs 1 replica");
        assert_eq!(g[1], other);
        // Two alike findings stay apart.
        assert_eq!(grouped(&all[..3]).len(), 3);
        // Many: the first MAX_PLACES are labelled.
        let many: Vec<Diagnostic> = (0..100)
            .map(|i| finding(i * 10, &format!("m{i}")))
            .collect();
        let g = grouped(&many.iter().collect::<Vec<_>>());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].secondary.len(), MAX_PLACES);
        assert!(
            g[0].message
                .contains("and 99 more like it; the first 12 are labelled")
        );
    }
}
