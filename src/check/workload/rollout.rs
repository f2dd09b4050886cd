//! A workload's `rollout`: strategy, steps, and what a progressive rollout needs.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn rollout(&self, w: &Workload, r: &Rollout, diags: &mut Diagnostics) {
        let strategy = r.strategy.as_ref().map(|s| s.v);
        steps(w, r, strategy, diags);
        blue_green_fields(r, strategy, diags);
        if let Some(strategy) = strategy {
            self.progressive(w, r, strategy, diags);
        }
    }

    /// A progressive rollout switches traffic between Services it names: the workload has
    /// ports.
    fn progressive(
        &self,
        w: &Workload,
        r: &Rollout,
        strategy: RolloutStrategy,
        diags: &mut Diagnostics,
    ) {
        let strategy = Some(strategy);
        if w.ports.is_empty() {
            diags.push(
                Diagnostic::error(&code::rollout::SERVICE, format!("`{}` has no ports for a {} rollout", w.name.v, strategy.map_or("", |s| s.name())), r.span, "needs a Service")
                    .with_help("progressive rollouts switch traffic between Services: give the workload a `port`"),
            );
        }
    }
}

/// Steps belong to a canary, which has some; weights are percentages that only grow; pauses
/// are durations.
fn steps(w: &Workload, r: &Rollout, strategy: Option<RolloutStrategy>, diags: &mut Diagnostics) {
    if strategy != Some(RolloutStrategy::Canary) {
        if let Some(s) = r.steps.first() {
            diags.push(
                Diagnostic::error(
                    &code::rollout::STEPS,
                    "steps belong to a canary rollout",
                    s.span,
                    "not a canary",
                )
                .with_help("write `rollout \"canary\" { step weight=20 pause=\"5m\" ... }`"),
            );
        }
    } else if r.steps.is_empty() {
        diags.push(
            Diagnostic::error(
                &code::rollout::STEPS,
                format!("canary rollout of `{}` has no steps", w.name.v),
                r.span,
                "no `step` here",
            )
            .with_help("add steps: `step weight=10 pause=\"5m\"`, `step weight=50 pause=\"10m\"`"),
        );
    }
    let mut last = 0;
    for s in &r.steps {
        if let Some(wt) = &s.weight {
            if !(0..=100).contains(&wt.v) {
                diags.push(
                    Diagnostic::error(
                        &code::rollout::WEIGHT,
                        format!("weight {} is not a percentage", wt.v),
                        wt.span,
                        "not 0-100",
                    )
                    .with_help("weights are percentages of traffic from 0 to 100"),
                );
            } else if wt.v < last {
                diags.push(
                    Diagnostic::error(
                        &code::rollout::WEIGHT,
                        format!("weight {} is lower than the step before ({last})", wt.v),
                        wt.span,
                        "goes down",
                    )
                    .with_help(
                        "canary weights only grow; abort a rollout instead of lowering its weight",
                    ),
                );
            }
            last = wt.v;
        }
        if let Some(p) = &s.pause
            && p.v != "manual"
            && !values::duration(&p.v)
        {
            diags.push(Diagnostic::error(&code::value::DURATION, format!("`{}` is not a pause", p.v), p.span, "expected a duration or \"manual\"").with_help("write pause=\"5m\", or pause=\"manual\" to wait for `kubectl argo rollouts promote`"));
        }
        if let Some(a) = &s.analysis {
            name(diags, a, "analysis template", values::dns_subdomain);
        }
    }
}

/// auto-promote= and scale-down-delay= belong to a blue-green rollout, max-surge= does not.
fn blue_green_fields(r: &Rollout, strategy: Option<RolloutStrategy>, diags: &mut Diagnostics) {
    if strategy != Some(RolloutStrategy::BlueGreen)
        && let Some(x) = r
            .auto_promote
            .as_ref()
            .map(|a| a.span)
            .or(r.scale_down_delay.as_ref().map(|d| d.span))
    {
        diags.push(
            Diagnostic::error(
                &code::rollout::BLUE_GREEN,
                "auto-promote= and scale-down-delay= belong to a blue-green rollout",
                x,
                "not blue-green",
            )
            .with_help("write `rollout \"blue-green\" auto-promote=#false`"),
        );
    }
    if strategy == Some(RolloutStrategy::BlueGreen)
        && let Some(surge) = &r.max_surge
    {
        let s = surge.span;
        diags.push(
            Diagnostic::error(
                &code::rollout::BLUE_GREEN,
                "a blue-green rollout starts a full preview; max-surge does not apply",
                s,
                "not applicable",
            )
            .with_help("remove max-surge"),
        );
    }
}

/// Canaries that split traffic on one Ingress: Argo copies it for each, and ingress-nginx
/// takes one canary per host and path.
pub(in crate::check) fn shared_ingresses(items: &Items, diags: &mut Diagnostics) {
    let mut by_ingress: std::collections::BTreeMap<&str, Vec<&Workload>> = Default::default();
    for w in &items.workloads {
        let canary = w.rollout.as_ref().and_then(|r| r.strategy.as_ref());
        if canary.is_some_and(|s| s.v == RolloutStrategy::Canary)
            && let Some(i) = items.stable_ingress(&w.name.v)
        {
            by_ingress.entry(i.name.v.as_str()).or_default().push(w);
        }
    }
    for (name, canaries) in by_ingress {
        let [first, rest @ ..] = canaries.as_slice() else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let names: Vec<String> = canaries.iter().map(|w| format!("`{}`", w.name.v)).collect();
        let ingress = items.stable_ingress(&first.name.v).expect("grouped by it");
        let mut d = Diagnostic::warning(
            &code::rollout::SHARED_INGRESS,
            format!(
                "canaries {} share the ingress `{name}`",
                names.join(" and ")
            ),
            ingress.name.span,
            "one canary copy of it per workload",
        );
        for w in &canaries {
            d = d.with_label(w.name.span, format!("`{}` is a canary behind it", w.name.v));
        }
        diags.push(d.with_help(
            "ingress-nginx takes one canary per host and path: give each canary workload an \
             ingress of its own",
        ));
    }
}
