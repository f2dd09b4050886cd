//! Where a workload's pods run: node preferences (`prefer-node`) and pod affinity (`near`).

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Label keys and values the API server takes, weights it takes, workloads that exist.
    pub(in crate::check) fn placement(&self, w: &Workload, diags: &mut Diagnostics) {
        for p in &w.prefer_nodes {
            let pairs: Vec<(S<String>, S<String>)> = p
                .values
                .iter()
                .map(|v| (p.key.clone(), v.clone()))
                .collect();
            labels(diags, &pairs, true);
            weight(p.weight.as_ref(), diags);
        }
        for n in &w.near {
            weight(n.weight.as_ref(), diags);
            if let (Some(wt), Some(r)) = (&n.weight, &n.required)
                && r.v
            {
                diags.push(
                    Diagnostic::error(
                        &code::syntax::UNUSED_PROPERTY,
                        "a required `near` has no weight",
                        wt.span,
                        "only preferences are weighed",
                    )
                    .with_help("remove weight=, or required=#true"),
                );
            }
            if n.workload.v == w.name.v {
                diags.push(
                    Diagnostic::error(
                        &code::reference::SERVICE,
                        format!("`{}` is near itself", w.name.v),
                        n.workload.span,
                        "same workload",
                    )
                    .with_help("to keep a workload's pods apart or together, use `anti-affinity` or `spread`"),
                );
            } else if !self.workloads.contains_key(n.workload.as_str()) {
                diags.push(unknown(
                    &code::reference::SERVICE,
                    "workload",
                    &n.workload.v,
                    n.workload.span,
                    self.workloads.keys().copied(),
                ));
            }
        }
    }
}

/// A scheduling weight: 1 to 100.
fn weight(w: Option<&S<i64>>, diags: &mut Diagnostics) {
    if let Some(w) = w
        && !(1..=100).contains(&w.v)
    {
        diags.push(
            Diagnostic::error(
                &code::value::RANGE,
                format!("weight {} is out of range", w.v),
                w.span,
                "not 1-100",
            )
            .with_help("scheduling weights are 1 to 100"),
        );
    }
}
