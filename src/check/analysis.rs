//! An `analysis`: a Prometheus server, a query and a success condition; timings that Argo
//! Rollouts takes.

use crate::check::Cx;
use crate::check::values;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn analysis(&self, a: &Analysis, diags: &mut Diagnostics) {
        let required = [
            (
                "prometheus",
                a.prometheus.is_some(),
                "prometheus \"http://prometheus.monitoring:9090\"",
            ),
            (
                "query",
                a.query.is_some(),
                "query \"sum(rate(http_requests_total{code=~'5..'}[2m]))\"",
            ),
            (
                "success",
                a.success.is_some(),
                "success \"result[0] < 0.01\"",
            ),
        ];
        for (child, given, example) in required {
            if !given {
                diags.push(
                    Diagnostic::error(
                        &code::rollout::ANALYSIS,
                        format!("analysis `{}` has no `{child}`", a.name.v),
                        a.name.span,
                        format!("no `{child}` here"),
                    )
                    .with_help(format!("add `{example}`")),
                );
            }
        }
        if let Some(p) = &a.prometheus
            && !(p.v.starts_with("http://") || p.v.starts_with("https://"))
        {
            diags.push(
                Diagnostic::error(
                    &code::value::PATH,
                    format!("`{}` is not an HTTP address", p.v),
                    p.span,
                    "not http:// or https://",
                )
                .with_help("write the server's address: `prometheus \"http://prometheus.monitoring:9090\"`"),
            );
        }
        if let Some(i) = &a.interval
            && !values::duration(&i.v)
        {
            diags.push(
                Diagnostic::error(
                    &code::value::DURATION,
                    format!("`{}` is not a duration", i.v),
                    i.span,
                    "expected a number and s, m or h",
                )
                .with_help("write `interval \"1m\"`"),
            );
        }
        for (v, min) in [(&a.count, 1), (&a.failure_limit, 0)] {
            if let Some(v) = v
                && (v.v < min || v.v > i64::from(i32::MAX))
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::RANGE,
                        format!("{} is out of range", v.v),
                        v.span,
                        format!("at least {min}"),
                    )
                    .with_help("count is at least 1; failure-limit at least 0"),
                );
            }
        }
    }
}
