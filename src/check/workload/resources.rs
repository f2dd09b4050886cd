//! A container's `resources`: quantities, and requests within limits.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self, QuantityKind};
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Quantities of the right kind; no request above its limit.
    pub(in crate::check) fn resources(&self, r: Option<&Resources>, diags: &mut Diagnostics) {
        if let Some(r) = r {
            for cm in r.requests.iter().chain(r.limits.iter()) {
                for (q, kind) in [
                    (&cm.cpu, QuantityKind::Cpu),
                    (&cm.memory, QuantityKind::Bytes),
                    (&cm.ephemeral, QuantityKind::Bytes),
                ] {
                    if let Some(q) = q {
                        quantity(q, kind, diags);
                    }
                }
            }
            if let (Some(req), Some(lim)) = (&r.requests, &r.limits) {
                for (a, b, what, kind) in [
                    (&req.cpu, &lim.cpu, "cpu", QuantityKind::Cpu),
                    (&req.memory, &lim.memory, "memory", QuantityKind::Bytes),
                ] {
                    // Invalid quantities are reported above; comparing them says nothing more.
                    if let (Some(a), Some(b)) = (a, b)
                        && values::quantity(&a.v, kind).is_ok()
                        && values::quantity(&b.v, kind).is_ok()
                        && let (Some(x), Some(y)) =
                            (values::quantity_value(&a.v), values::quantity_value(&b.v))
                        && x > y
                    {
                        diags.push(
                            Diagnostic::error(
                                &code::value::REQUESTS_ABOVE_LIMITS,
                                format!("{what} request {} is above its limit {}", a.v, b.v),
                                a.span,
                                "request",
                            )
                            .with_label(b.span, "limit")
                            .with_help("Kubernetes rejects a request larger than the limit: raise the limit or lower the request"),
                        );
                    }
                }
            }
        }
    }
}
