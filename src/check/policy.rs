//! The rules of each environment's policy, and their waivers.

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity, Span};
use crate::policy::{self, Rule};
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn level(&self) -> Option<PolicyLevel> {
        self.env.map(|e| e.policy.v)
    }

    /// Report a policy violation unless the object waives the rule.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::check) fn policy(
        &self,
        diags: &mut Diagnostics,
        rule: Rule,
        waivers: &[Waiver],
        span: Span,
        message: String,
        label: &str,
        help: String,
    ) {
        let Some(env) = self.env else { return };
        let Some(severity) = policy::severity(env.policy.v, rule) else {
            return;
        };
        if waivers
            .iter()
            .any(|w| w.rule.v == rule.name() && w.reason.is_some())
        {
            return;
        }
        diags.push(
            Diagnostic::error(rule.code(), message, span, label)
                .with_severity(severity)
                .with_label(
                    env.name.span,
                    format!(
                        "{} by environment `{}` (policy {})",
                        match severity {
                            Severity::Error => "required",
                            Severity::Warning => "warned about",
                        },
                        env.name.v,
                        env.policy.v.name()
                    ),
                )
                .with_help(format!(
                    "{help}, or waive it: `waive \"{}\" reason=\"...\"`",
                    rule.name()
                )),
        );
    }

    /// The policy's rules for a workload (in an environment; the base has no policy).
    pub(in crate::check) fn workload_policy(&self, w: &Workload, diags: &mut Diagnostics) {
        if self.env.is_none() {
            return;
        }
        if w.kind.is_long_running() {
            self.replicas_rule(w, diags);
            self.probes_rule(w, diags);
        }
        self.resources_rule(w, diags);
        if let Some(s) = &w.security {
            self.security_rule(w, s, diags);
        }
    }

    /// `replicas`: at least two pods (the autoscaler's minimum, when it scales).
    fn replicas_rule(&self, w: &Workload, diags: &mut Diagnostics) {
        let replicas = match (&w.autoscale, &w.replicas) {
            (Some(a), _) => a.min.as_ref().map(|m| (m.v, m.span)).unwrap_or((1, a.span)),
            (None, Some(r)) => (r.v, r.span),
            (None, None) => (1, w.name.span),
        };
        if replicas.0 < policy::MIN_REPLICAS {
            self.policy(
                diags,
                Rule::Replicas,
                &w.waivers,
                replicas.1,
                format!(
                    "`{}` runs {} replica{}",
                    w.name.v,
                    replicas.0,
                    if replicas.0 == 1 { "" } else { "s" }
                ),
                "fewer than 2",
                format!(
                    "run at least {} replicas: `replicas {}`",
                    policy::MIN_REPLICAS,
                    policy::MIN_REPLICAS
                ),
            );
        }
    }

    /// `probes`: liveness and readiness.
    fn probes_rule(&self, w: &Workload, diags: &mut Diagnostics) {
        let missing: Vec<&str> = [
            ("liveness", w.liveness.is_some()),
            ("readiness", w.readiness.is_some()),
        ]
        .into_iter()
        .filter(|(_, has)| !has)
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            self.policy(
                diags,
                Rule::Probes,
                &w.waivers,
                w.name.span,
                format!("`{}` has no {} probe", w.name.v, missing.join(" or ")),
                "probes missing",
                format!(
                    "add `{} http=\"/health\" port=\"http\"` (or tcp=, grpc=, a command)",
                    missing[0]
                ),
            );
        }
    }

    /// `resources`: requests and limits of cpu and memory.
    fn resources_rule(&self, w: &Workload, diags: &mut Diagnostics) {
        let r = w.resources.as_ref();
        let mut missing = Vec::new();
        for (set, label) in [
            (r.and_then(|r| r.requests.as_ref()), "requests"),
            (r.and_then(|r| r.limits.as_ref()), "limits"),
        ] {
            if set.and_then(|s| s.cpu.as_ref()).is_none() {
                missing.push(format!("{label} cpu"));
            }
            if set.and_then(|s| s.memory.as_ref()).is_none() {
                missing.push(format!("{label} memory"));
            }
        }
        if !missing.is_empty() {
            self.policy(
                diags,
                Rule::Resources,
                &w.waivers,
                r.map(|r| r.span).unwrap_or(w.name.span),
                format!("`{}` has no {}", w.name.v, missing.join(", ")),
                "resources incomplete",
                "add `resources { requests cpu=\"250m\" memory=\"256Mi\"; limits cpu=\"500m\" memory=\"512Mi\" }`".into(),
            );
        }
    }

    /// `security`: no setting that weakens the secure defaults.
    fn security_rule(&self, w: &Workload, s: &Security, diags: &mut Diagnostics) {
        for (flag, bad, what) in [
            (&s.non_root, false, "runs as root"),
            (&s.read_only_root, false, "has a writable root filesystem"),
            (&s.privilege_escalation, true, "allows privilege escalation"),
        ] {
            if let Some(f) = flag
                && f.v == bad
            {
                self.policy(
                    diags,
                    Rule::Security,
                    &w.waivers,
                    f.span,
                    format!("`{}` {what}", w.name.v),
                    "weakens the default",
                    "remove this setting to keep the secure default".into(),
                );
            }
        }
        if let Some(u) = &s.user
            && u.v == 0
        {
            self.policy(
                diags,
                Rule::Security,
                &w.waivers,
                u.span,
                format!("`{}` runs as user 0 (root)", w.name.v),
                "root",
                "run as a non-zero user id".into(),
            );
        }
        for c in &s.add_capabilities {
            if c.v != "NET_BIND_SERVICE" {
                self.policy(
                    diags,
                    Rule::Security,
                    &w.waivers,
                    c.span,
                    format!("`{}` adds capability {}", w.name.v, c.v),
                    "extra capability",
                    "drop it; only NET_BIND_SERVICE is allowed without a waiver".into(),
                );
            }
        }
    }
}

/// The effective policy severity of a rule for an environment, for the IR's annotations.
pub fn rule_active(level: PolicyLevel, rule: Rule) -> bool {
    policy::severity(level, rule).is_some_and(|s| s == Severity::Error || s == Severity::Warning)
}
