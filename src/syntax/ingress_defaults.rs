//! An environment's ingress defaults (`hosts`, `tls-issuer`), applied to its merged items: a
//! host or an issuer the environment does not write itself moves with them.

use super::nodes::environment::{EnvSettings, HostMove};
use super::tree::{Node, Value};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use kdl::KdlValue;
use std::borrow::Cow;

/// Rewrite the merged `ingress` nodes of an environment (`env` is the environment node's span:
/// values written inside it are the environment's own and stay as they are).
pub(crate) fn apply(
    settings: &EnvSettings,
    env: Span,
    merged: &mut [Cow<Node>],
    diags: &mut Diagnostics,
) {
    let mut used = vec![false; settings.hosts.len()];
    let moves = !settings.hosts.is_empty() || settings.tls_issuer.is_some();
    for ingress in merged.iter_mut().filter(|n| moves && n.name == "ingress") {
        for child in &mut ingress.to_mut().children {
            match child.name.as_str() {
                "route" => move_host(&settings.hosts, &mut used, env, child),
                "tls" => {
                    if let Some(issuer) = &settings.tls_issuer {
                        set_issuer(issuer.v.as_str(), issuer.span, env, child);
                    }
                }
                _ => {}
            }
        }
    }
    for (m, used) in settings.hosts.iter().zip(used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    &code::ingress::HOSTS,
                    format!("no ingress host is in `{}`", m.from.v),
                    m.from.span,
                    "moves nothing",
                )
                .with_help("name the domain the base's route hosts end with"),
            );
        }
    }
}

/// A route's `host=` from outside the environment, in a domain that moves.
fn move_host(moves: &[HostMove], used: &mut [bool], env: Span, route: &mut Node) {
    let Some(p) = route.props.iter_mut().find(|p| p.key == "host") else {
        return;
    };
    if env.contains(p.value.span) {
        return;
    }
    let Some(host) = p.value.value.as_string().map(str::to_string) else {
        return;
    };
    for (i, m) in moves.iter().enumerate() {
        let from = m.from.v.trim_start_matches('.');
        let head = if host == from {
            Some("")
        } else {
            host.strip_suffix(from).filter(|h| h.ends_with('.'))
        };
        if let Some(head) = head {
            used[i] = true;
            p.value = Value {
                value: KdlValue::String(format!("{head}{}", m.to.v.trim_start_matches('.'))),
                span: m.to.span,
            };
            return;
        }
    }
}

/// A `tls` child's `issuer=` from outside the environment (a `tls secret=` keeps its secret).
fn set_issuer(issuer: &str, span: Span, env: Span, tls: &mut Node) {
    if let Some(p) = tls.props.iter_mut().find(|p| p.key == "issuer")
        && !env.contains(p.value.span)
    {
        p.value = Value {
            value: KdlValue::String(issuer.to_string()),
            span,
        };
    }
}
