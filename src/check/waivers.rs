//! `waive`: each names a rule that applies or a well-formed scanner check, with a reason.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::policy::{self, Rule};
use crate::syntax::ast::*;

/// What a `waive` is a child of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::check) enum WaiverTarget {
    /// The app or an environment: every object it deploys.
    Everywhere,
    Workload,
    Ingress,
    Config,
}

/// Check the waivers of one object (or of the app): each names a policy rule that applies to it
/// or a well-formed scanner check id, and gives a reason the output can carry.
pub(in crate::check) fn waivers_of(
    waivers: &[Waiver],
    target: WaiverTarget,
    diags: &mut Diagnostics,
) {
    for w in waivers {
        let name = w.rule.v.as_str();
        match Rule::from_name(name) {
            Some(rule) => misplaced(w, rule, target, diags),
            None if policy::scanner_check(name).is_some() => {}
            None if policy::looks_like_scanner_check(name) => {
                diags.push(check_id(&w.rule));
            }
            None => diags.push(unknown(
                &code::policy::WAIVER,
                "policy rule",
                name,
                w.rule.span,
                Rule::all().map(Rule::name),
            )),
        }
        reason(w, diags);
        expiry(w, crate::calendar::today(), diags);
    }
}

/// A waiver's end date: a date, not passed, and not near (a warning).
fn expiry(w: &Waiver, today: jiff::civil::Date, diags: &mut Diagnostics) {
    let Some(expires) = &w.expires else { return };
    let name = w.rule.v.as_str();
    let Some(date) = crate::calendar::parse(&expires.v) else {
        diags.push(
            Diagnostic::error(
                &code::policy::WAIVER,
                format!("`{}` is not a date", expires.v),
                expires.span,
                "expected YYYY-MM-DD",
            )
            .with_help("write the day the waiver ends, like `expires=\"2027-03-01\"`"),
        );
        return;
    };
    let days = crate::calendar::days_between(today, date);
    if days <= 0 {
        diags.push(
            Diagnostic::error(
                &code::policy::WAIVER_EXPIRED,
                format!("the waiver of `{name}` expired on {date}"),
                expires.span,
                "expired",
            )
            .with_help(renew_help(w)),
        );
    } else if days <= crate::calendar::WARNING_DAYS {
        let when = if days == 1 {
            "tomorrow".to_string()
        } else {
            format!("in {days} days")
        };
        diags.push(
            Diagnostic::warning(
                &code::policy::WAIVER_EXPIRING,
                format!("the waiver of `{name}` expires {when} ({date})"),
                expires.span,
                "expires soon",
            )
            .with_help(renew_help(w)),
        );
    }
}

fn renew_help(w: &Waiver) -> String {
    let owner = w
        .owner
        .as_ref()
        .map_or(String::new(), |o| format!(" (owner: {})", o.v));
    format!(
        "fix what the rule asks and remove the waiver, or renew it with a later `expires=` if its reason still holds{owner}"
    )
}

/// In an environment whose policy takes only owned waivers: every waiver that applies there
/// names an owner and an end date.
pub(in crate::check) fn owned(spec: &Spec, env: &Environment, diags: &mut Diagnostics) {
    if !env.owned_waivers.as_ref().is_some_and(|o| o.v) {
        return;
    }
    let items = &env.items;
    let all = spec
        .app
        .waivers
        .iter()
        .chain(&env.waivers)
        .chain(items.workloads.iter().flat_map(|w| &w.waivers))
        .chain(items.ingresses.iter().flat_map(|i| &i.waivers))
        .chain(items.configs.iter().flat_map(|c| &c.waivers));
    for w in all {
        let missing = match (&w.owner, &w.expires) {
            (Some(_), Some(_)) => continue,
            (None, None) => "no owner and no end date",
            (None, Some(_)) => "no owner",
            (Some(_), None) => "no end date",
        };
        diags.push(
            Diagnostic::error(
                &code::policy::WAIVER_OWNER,
                format!(
                    "the waiver of `{}` names {missing}, and {} takes only owned waivers",
                    w.rule.v, env.name.v
                ),
                w.span,
                "needs owner= and expires=",
            )
            .with_label(
                env.owned_waivers.as_ref().map_or(env.span, |o| o.span),
                "required here",
            )
            .with_help(
                "add who answers for it and when it ends: `owner=\"team\" expires=\"YYYY-MM-DD\"`",
            ),
        );
    }
}

/// A policy rule waived where it does not apply.
fn misplaced(w: &Waiver, rule: Rule, target: WaiverTarget, diags: &mut Diagnostics) {
    let name = w.rule.v.as_str();
    let misplaced = match target {
        WaiverTarget::Workload => (rule == Rule::Tls).then_some((
            "a workload",
            "`tls` is waived on the ingress that serves the host",
        )),
        WaiverTarget::Ingress => {
            (rule != Rule::Tls).then_some(("an ingress", "an ingress can only waive `tls`"))
        }
        WaiverTarget::Config => Some((
            "a config",
            "a config can only waive scanner checks (`KSV-01010`, `CKV_K8S_...`)",
        )),
        WaiverTarget::Everywhere => None,
    };
    if let Some((what, help)) = misplaced {
        diags.push(
            Diagnostic::error(
                &code::policy::WAIVER,
                format!("`{name}` does not apply to {what}"),
                w.rule.span,
                "nothing to waive here",
            )
            .with_help(help),
        );
    }
}

/// A reason the output can carry (checkov's annotations cannot hold `=`).
fn reason(w: &Waiver, diags: &mut Diagnostics) {
    let name = w.rule.v.as_str();
    let scanner = policy::scanner_check(name);
    match &w.reason {
        None => diags.push(
            Diagnostic::error(
                &code::policy::WAIVER,
                format!("waiver of `{name}` gives no reason"),
                w.span,
                "no reason=",
            )
            .with_help(format!(
                "say why: `waive \"{name}\" reason=\"...\"`; the reason is kept in the output"
            )),
        ),
        Some(r) if r.v.trim().is_empty() => diags.push(
            Diagnostic::error(
                &code::policy::WAIVER,
                "the waiver's reason is empty",
                r.span,
                "empty reason",
            )
            .with_help("say why the rule does not apply to this object"),
        ),
        Some(r) if scanner == Some(policy::Scanner::Checkov) && r.v.contains('=') => diags.push(
            Diagnostic::error(
                &code::policy::WAIVER,
                "checkov cannot read a reason that contains `=`",
                r.span,
                "contains `=`",
            )
            .with_help(
                "checkov splits `checkov.io/skipN: CHECK=REASON` at every `=` and \
                     stops with an error on a second one: reword the reason without `=`",
            ),
        ),
        Some(_) => {}
    }
}

/// A waived name that is meant as a scanner check id but is not one.
pub(in crate::check) fn check_id(id: &S<String>) -> Diagnostic {
    let v = id.v.as_str();
    let how = "check ids are written as the scanner prints them: checkov `CKV_K8S_N` or \
               `CKV2_K8S_N`, trivy `KSV-NNNN` (or `AVD-KSV-NNNN`)";
    let help = match fix_check_id(v) {
        Some(f) if f != v && policy::scanner_check(&f).is_some() => {
            format!("did you mean `{f}`? {how}")
        }
        _ => how.to_string(),
    };
    Diagnostic::error(
        &code::scanner::CHECK_ID,
        format!("`{v}` is not a checkov or trivy check id"),
        id.span,
        "malformed check id",
    )
    .with_help(help)
}

/// The check id a malformed one most likely means: case, separators and zero padding fixed
/// (`ckv-k8s-043` is `CKV_K8S_43`, `KSV125` is `KSV-0125`).
pub(in crate::check) fn fix_check_id(v: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let u = v.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    for prefix in ["CKV2_K8S", "CKV_K8S"] {
        if let Some(rest) = u.strip_prefix(prefix) {
            let n = rest.trim_start_matches('_');
            return digits(n).then(|| format!("{prefix}_{}", n.trim_start_matches('0')));
        }
    }
    let (avd, rest) = match u.strip_prefix("AVD_") {
        Some(r) => ("AVD-", r),
        None => ("", u.as_str()),
    };
    let n = rest.strip_prefix("KSV")?.trim_start_matches('_');
    (digits(n) && n.len() <= 5).then(|| format!("{avd}KSV-{n:0>4}"))
}

impl Cx<'_> {
    pub(in crate::check) fn waivers(
        &self,
        waivers: &[Waiver],
        target: WaiverTarget,
        diags: &mut Diagnostics,
    ) {
        waivers_of(waivers, target, diags);
    }
}
