//! Phase 2, check: every diagnostic about a well-formed spec.
//!
//! Takes a [`Spec`], gives [`Diagnostics`]: duplicate and invalid names, references to things
//! that do not exist, values Kubernetes would reject, plaintext secrets, and the rules of each
//! environment's policy (with waivers). The base items and every environment's merged items are
//! checked; a finding shared by several environments is reported once.

mod collisions;
pub mod pipeline;
pub mod values;

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Label, Severity, Span, suggest};
use crate::policy::{self, Rule};
use crate::syntax::ast::*;
use std::collections::{HashMap, HashSet};
use values::QuantityKind;

/// Kubernetes minor versions the spec may target.
pub const SUPPORTED_KUBERNETES: std::ops::RangeInclusive<u32> = 25..=37;

pub fn check(spec: &Spec) -> Diagnostics {
    let mut diags = Diagnostics::new();
    app(spec, &mut diags);
    environments(spec, &mut diags);
    items(spec, &spec.items, None, &mut diags);
    for env in &spec.environments {
        items(spec, &env.items, Some(env), &mut diags);
    }
    if spec.environments.is_empty() {
        // Without environments the base is what gets deployed, under production rules.
        let env = Environment {
            name: spec.app.name.clone(),
            span: spec.app.span,
            policy: S::new(PolicyLevel::Production, spec.app.span),
            namespace: None,
            prefix: None,
            labels: Vec::new(),
            items: spec.items.clone(),
        };
        // A spec without environments is a sketch: production's rules are advice, not errors.
        let mut found = Diagnostics::new();
        items(spec, &env.items, Some(&env), &mut found);
        for d in found {
            if is_policy_rule(d.code) {
                diags.push(d.with_severity(Severity::Warning));
            } else {
                diags.push(d);
            }
        }
    }
    pipeline::check(spec, &mut diags);
    merge_environments(diags)
}

/// Whether a code is one of the policy rules' (not the waiver check).
fn is_policy_rule(c: &code::Code) -> bool {
    Rule::ALL.iter().any(|r| r.code() == c)
}

/// A policy finding about a base object is the same finding in every environment that enforces
/// the rule: report it once, as its most severe form, with a label for each environment.
fn merge_environments(diags: Diagnostics) -> Diagnostics {
    let mut out: Vec<Diagnostic> = Vec::new();
    // The first policy finding of each (code, primary label, message), by position in `out`.
    let mut first_of: HashMap<(&'static code::Code, Label, String), usize> = HashMap::new();
    for d in diags {
        let same = if code::policy::GROUP.codes.contains(&d.code) {
            let key = (d.code, d.primary.clone(), d.message.clone());
            match first_of.get(&key) {
                Some(&i) => Some(&mut out[i]),
                None => {
                    first_of.insert(key, out.len());
                    None
                }
            }
        } else {
            None
        };
        match same {
            Some(first) => {
                first.severity = first.severity.min(d.severity);
                for l in d.secondary {
                    if !first.secondary.contains(&l) {
                        first.secondary.push(l);
                    }
                }
            }
            None => out.push(d),
        }
    }
    let mut merged = Diagnostics::new();
    merged.extend(out);
    merged
}

/// Parse "1.33" (or "v1.33.2") into the minor version.
pub fn kubernetes_minor(v: &str) -> Option<u32> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    let major = parts.next()?.parse::<u32>().ok()?;
    let minor = parts.next()?.parse::<u32>().ok()?;
    if major != 1 {
        return None;
    }
    if let Some(patch) = parts.next() {
        patch.parse::<u32>().ok()?;
    }
    Some(minor)
}

fn app(spec: &Spec, diags: &mut Diagnostics) {
    let app = &spec.app;
    name(diags, &app.name, "app", values::dns_label);
    if let Some(ns) = &app.namespace {
        name(diags, ns, "namespace", values::dns_label);
    }
    if let Some(k) = &app.kubernetes {
        match kubernetes_minor(&k.v) {
            Some(m) if SUPPORTED_KUBERNETES.contains(&m) => {}
            Some(_) => diags.push(
                Diagnostic::error(
                    &code::version::UNSUPPORTED,
                    format!("Kubernetes {} is not supported", k.v),
                    k.span,
                    "unsupported version",
                )
                .with_help(format!(
                    "target a version from 1.{} to 1.{}",
                    SUPPORTED_KUBERNETES.start(),
                    SUPPORTED_KUBERNETES.end()
                )),
            ),
            None => diags.push(
                Diagnostic::error(
                    &code::version::INVALID,
                    format!("`{}` is not a Kubernetes version", k.v),
                    k.span,
                    "expected MAJOR.MINOR",
                )
                .with_help("write `kubernetes \"1.33\"`"),
            ),
        }
    }
    labels(diags, &app.labels, true);
    labels(diags, &app.annotations, false);
    waivers_of(&app.waivers, WaiverTarget::App, diags);
}

/// What a `waive` is a child of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WaiverTarget {
    App,
    Workload,
    Ingress,
    Config,
}

/// Check the waivers of one object (or of the app): each names a policy rule that applies to it
/// or a well-formed scanner check id, and gives a reason the output can carry.
fn waivers_of(waivers: &[Waiver], target: WaiverTarget, diags: &mut Diagnostics) {
    for w in waivers {
        let name = w.rule.v.as_str();
        let scanner = policy::scanner_check(name);
        match Rule::from_name(name) {
            Some(rule) => {
                let misplaced = match target {
                    WaiverTarget::Workload => (rule == Rule::Tls).then_some((
                        "a workload",
                        "`tls` is waived on the ingress that serves the host",
                    )),
                    WaiverTarget::Ingress => (rule != Rule::Tls)
                        .then_some(("an ingress", "an ingress can only waive `tls`")),
                    WaiverTarget::Config => Some((
                        "a config",
                        "a config can only waive scanner checks (`KSV-01010`, `CKV_K8S_...`)",
                    )),
                    WaiverTarget::App => Some((
                        "the app as a whole",
                        "waive a policy rule on the workload or ingress it does not fit; the app \
                         waives scanner checks only",
                    )),
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
            None if scanner.is_some() => {}
            None if policy::looks_like_scanner_check(name) => {
                diags.push(check_id(&w.rule));
            }
            None => diags.push(unknown(
                &code::policy::WAIVER,
                "policy rule",
                name,
                w.rule.span,
                Rule::ALL.iter().map(|r| r.name()),
            )),
        }
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
            Some(r) if scanner == Some(policy::Scanner::Checkov) && r.v.contains('=') => diags
                .push(
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
}

/// A waived name that is meant as a scanner check id but is not one.
fn check_id(id: &S<String>) -> Diagnostic {
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
fn fix_check_id(v: &str) -> Option<String> {
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

fn environments(spec: &Spec, diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for env in &spec.environments {
        name(diags, &env.name, "environment", values::dns_label);
        if let Some(first) = seen.insert(env.name.as_str(), env.name.span) {
            diags.push(duplicate("environment", &env.name, first));
        }
        if let Some(ns) = &env.namespace {
            name(diags, ns, "namespace", values::dns_label);
        }
        if let Some(p) = &env.prefix {
            let ok = p.v.is_empty()
                || (values::dns_label(p.v.trim_end_matches('-')).is_ok() && !p.v.starts_with('-'));
            if !ok {
                diags.push(
                    Diagnostic::error(
                        &code::name::INVALID,
                        format!("prefix `{}` would make invalid object names", p.v),
                        p.span,
                        "not a valid name prefix",
                    )
                    .with_help("use lower-case letters, digits and '-', like `prefix \"dev-\"`"),
                );
            }
        }
        labels(diags, &env.labels, true);
    }
    if spec.app.namespace.is_none() {
        for env in spec.environments.iter().filter(|e| e.namespace.is_none()) {
            diags.push(
                Diagnostic::error(
                    &code::env::NAMESPACE,
                    format!("environment `{}` has no namespace", env.name.v),
                    env.name.span,
                    "no namespace here or in `app`",
                )
                .with_label(spec.app.name.span, "the app gives none either")
                .with_help("add `namespace \"NAME\"` to the app or to this environment"),
            );
        }
    }
}

fn name(diags: &mut Diagnostics, n: &S<String>, what: &str, rule: fn(&str) -> Result<(), String>) {
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

fn labels(diags: &mut Diagnostics, pairs: &[(S<String>, S<String>)], is_label: bool) {
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

/// Context for checking one set of items (the base, or one environment's).
struct Cx<'a> {
    spec: &'a Spec,
    items: &'a Items,
    env: Option<&'a Environment>,
    workloads: HashMap<&'a str, &'a Workload>,
    configs: HashMap<&'a str, &'a Config>,
    secrets: HashMap<&'a str, &'a Secret>,
}

fn items(spec: &Spec, items: &Items, env: Option<&Environment>, diags: &mut Diagnostics) {
    let mut cx = Cx {
        spec,
        items,
        env,
        workloads: HashMap::new(),
        configs: HashMap::new(),
        secrets: HashMap::new(),
    };
    for w in &items.workloads {
        name(diags, &w.name, w.kind.name(), values::dns1035_label);
        if let Some(first) = cx.workloads.insert(w.name.as_str(), w) {
            diags.push(duplicate("workload", &w.name, first.name.span));
        }
    }
    for c in &items.configs {
        name(diags, &c.name, "config", values::dns_subdomain);
        if let Some(first) = cx.configs.insert(c.name.as_str(), c) {
            diags.push(duplicate("config", &c.name, first.name.span));
        }
    }
    for s in &items.secrets {
        name(diags, &s.name, "secret", values::dns_subdomain);
        if let Some(first) = cx.secrets.insert(s.name.as_str(), s) {
            diags.push(duplicate("secret", &s.name, first.name.span));
        }
    }
    let mut ingress_names: HashMap<&str, Span> = HashMap::new();
    for i in &items.ingresses {
        name(diags, &i.name, "ingress", values::dns_subdomain);
        if let Some(first) = ingress_names.insert(i.name.as_str(), i.name.span) {
            diags.push(duplicate("ingress", &i.name, first));
        }
    }
    collisions::check(items, diags);
    for w in &items.workloads {
        cx.workload(w, diags);
    }
    for c in &items.configs {
        cx.config(c, diags);
        cx.waivers(&c.waivers, WaiverTarget::Config, diags);
    }
    for s in &items.secrets {
        cx.secret(s, diags);
    }
    let mut hosts: HashMap<(String, String), Span> = HashMap::new();
    for i in &items.ingresses {
        cx.ingress(i, &mut hosts, diags);
    }
    let _ = cx.items;
}

impl Cx<'_> {
    fn level(&self) -> Option<PolicyLevel> {
        self.env.map(|e| e.policy.v)
    }

    /// Report a policy violation unless the object waives the rule.
    #[allow(clippy::too_many_arguments)]
    fn policy(
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

    /// An environment that names a workload the base does not have adds a new one. Without an
    /// image it cannot be meant as one: it is a misspelt override (`service "wbe"` for `web`) or
    /// one of the wrong kind (`worker "web"` for a service). Say so once, rather than report
    /// everything the new workload lacks. Returns whether it did.
    fn misspelt_override(&self, w: &Workload, diags: &mut Diagnostics) -> bool {
        let (Some(env), Some(_), None) = (self.env, w.override_span, &w.image) else {
            return false;
        };
        let base = &self.spec.items.workloads;
        if base
            .iter()
            .any(|b| b.kind == w.kind && b.name.v == w.name.v)
        {
            return false;
        }
        let what = w.kind.name();
        let help = if let Some(b) = base.iter().find(|b| b.name.v == w.name.v) {
            let kind = b.kind.name();
            format!(
                "`{}` is a {kind} in the base: override it with `{kind} \"{}\" {{ ... }}`",
                b.name.v, b.name.v
            )
        } else if let Some(s) = suggest(
            &w.name.v,
            base.iter()
                .filter(|b| b.kind == w.kind)
                .map(|b| b.name.as_str()),
        ) {
            format!("did you mean to override `{s}`? Overrides name a {what} of the base")
        } else {
            return false;
        };
        diags.push(
            Diagnostic::error(
                &code::workload::IMAGE,
                format!(
                    "environment `{}` adds a new {what} `{}`, which has no image",
                    env.name.v, w.name.v
                ),
                w.name.span,
                format!("no {what} of this name in the base"),
            )
            .with_help(help),
        );
        true
    }

    fn workload(&self, w: &Workload, diags: &mut Diagnostics) {
        let what = w.kind.name();
        if self.misspelt_override(w, diags) {
            return;
        }
        // Image.
        match &w.image {
            None => diags.push(
                Diagnostic::error(
                    &code::workload::IMAGE,
                    format!("{what} `{}` has no image", w.name.v),
                    w.name.span,
                    "no `image` here",
                )
                .with_help("add `image \"NAME\" tag=\"1.0.0\"`"),
            ),
            Some(img) => self.image(w, img, diags),
        }
        // Ports.
        let mut ports: HashMap<&str, Span> = HashMap::new();
        let mut numbers: HashMap<(i64, Protocol), Span> = HashMap::new();
        for p in &w.ports {
            if let Err(why) = values::port_name(&p.name.v) {
                diags.push(
                    Diagnostic::error(
                        &code::name::PORT,
                        format!("port name `{}` is not valid", p.name.v.escape_debug()),
                        p.name.span,
                        why,
                    )
                    .with_help("port names are at most 15 lower-case letters, digits and '-', like `http` or `metrics`"),
                );
            }
            if let Some(first) = ports.insert(p.name.as_str(), p.name.span) {
                diags.push(duplicate("port", &p.name, first));
            }
            for n in std::iter::once(&p.number).chain(p.service_port.as_ref()) {
                if !(1..=65535).contains(&n.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::PORT,
                            format!("port {} is out of range", n.v),
                            n.span,
                            "not 1-65535",
                        )
                        .with_help("ports are numbers from 1 to 65535"),
                    );
                }
            }
            let proto = p.protocol.as_ref().map_or(Protocol::Tcp, |x| x.v);
            if let Some(first) = numbers.insert((p.number.v, proto), p.number.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::DUPLICATE_PORT,
                        format!("port number {} is used twice", p.number.v),
                        p.number.span,
                        "used again here",
                    )
                    .with_label(first, "first used here")
                    .with_help("each container port number may appear once"),
                );
            }
        }
        if w.kind == WorkloadKind::Service && w.ports.is_empty() && w.expose.is_none() {
            diags.push(
                Diagnostic::error(
                    &code::workload::PORTS,
                    format!("service `{}` has no ports", w.name.v),
                    w.name.span,
                    "a service needs a port",
                )
                .with_help("add `port \"http\" 8080`, or declare it as a `worker` if nothing connects to it"),
            );
        }
        if let Some(e) = &w.expose
            && w.ports.is_empty()
        {
            diags.push(
                Diagnostic::error(
                    &code::workload::PORTS,
                    "nothing to expose: no ports",
                    e.span,
                    "no ports",
                )
                .with_help("add `port \"http\" 8080`"),
            );
        }
        // Environment variables.
        let mut env_names: HashMap<&str, Span> = HashMap::new();
        for e in &w.env {
            if let Err(why) = values::env_name(&e.name.v) {
                diags.push(
                    Diagnostic::error(
                        &code::name::ENV,
                        format!(
                            "`{}` is not a valid environment variable name",
                            e.name.v.escape_debug()
                        ),
                        e.name.span,
                        why,
                    )
                    .with_help("use letters, digits and '_', not starting with a digit"),
                );
            }
            if let Some(first) = env_names.insert(e.name.as_str(), e.name.span) {
                diags.push(duplicate("environment variable", &e.name, first));
            }
            match &e.source {
                EnvSource::Value(v) => {
                    if !v.v.is_empty() && values::looks_secret_name(&e.name.v) {
                        diags.push(
                            Diagnostic::error(
                                &code::secret::PLAINTEXT,
                                format!("`{}` looks like a secret but its value is written in the spec", e.name.v),
                                v.span,
                                "plaintext secret",
                            )
                            .with_help(format!(
                                "reference a secret instead: `{} secret=\"NAME\" key=\"KEY\"` with `secret \"NAME\"` declared",
                                e.name.v
                            )),
                        );
                    }
                }
                EnvSource::Secret { name, key } => self.secret_ref(name, Some(key), diags),
                EnvSource::Config { name, key } => self.config_ref(name, Some(key), diags),
                EnvSource::Field(f) => {
                    const FIELDS: &[&str] = &[
                        "metadata.name",
                        "metadata.namespace",
                        "metadata.uid",
                        "spec.nodeName",
                        "spec.serviceAccountName",
                        "status.hostIP",
                        "status.podIP",
                        "status.podIPs",
                    ];
                    if !FIELDS.contains(&f.v.as_str())
                        && !f.v.starts_with("metadata.labels[")
                        && !f.v.starts_with("metadata.annotations[")
                    {
                        diags.push(one_of(f, "pod field", FIELDS));
                    }
                }
            }
        }
        let mut sources: HashMap<&str, Span> = HashMap::new();
        for ef in &w.env_from {
            if let Some(first) = sources.insert(ef.as_str(), ef.span) {
                diags.push(duplicate("env-from source", ef, first));
            }
            match (self.configs.get(ef.as_str()), self.secrets.get(ef.as_str())) {
                (Some(c), Some(s)) => diags.push(
                    Diagnostic::error(
                        &code::reference::AMBIGUOUS,
                        format!("`{}` is both a config and a secret", ef.v),
                        ef.span,
                        "which one?",
                    )
                    .with_label(c.name.span, "config declared here")
                    .with_label(s.name.span, "secret declared here")
                    .with_help("rename one of them"),
                ),
                (None, None) => {
                    let candidates = self.configs.keys().chain(self.secrets.keys()).copied();
                    diags.push(unknown(
                        &code::reference::SOURCE,
                        "config or secret",
                        &ef.v,
                        ef.span,
                        candidates,
                    ));
                }
                _ => {}
            }
        }
        // Resources.
        if let Some(r) = &w.resources {
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
        // Probes.
        for p in [&w.liveness, &w.readiness, &w.startup]
            .into_iter()
            .flatten()
        {
            match &p.action {
                ProbeAction::Http { port, path } => {
                    self.port_ref(w, port, diags);
                    if !path.v.starts_with('/') {
                        diags.push(
                            Diagnostic::error(
                                &code::value::PATH,
                                format!("probe path `{}` must start with '/'", path.v),
                                path.span,
                                "not an absolute path",
                            )
                            .with_help(format!("write \"/{}\"", path.v)),
                        );
                    }
                }
                ProbeAction::Tcp(port) | ProbeAction::Grpc(port) => self.port_ref(w, port, diags),
                ProbeAction::Exec(_) => {}
            }
            let timings = [
                (&p.delay, 0),
                (&p.period, 1),
                (&p.timeout, 1),
                (&p.failures, 1),
            ];
            for (v, min) in timings
                .into_iter()
                .filter_map(|(v, m)| v.as_ref().map(|v| (v, m)))
            {
                if v.v < min || v.v > i64::from(i32::MAX) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::RANGE,
                            "probe timings must be positive",
                            v.span,
                            "not positive",
                        )
                        .with_help("use seconds greater than 0 (delay may be 0)"),
                    );
                }
            }
        }
        // Replicas and autoscaling.
        if let Some(r) = &w.replicas
            && (r.v < 0 || r.v > 10_000)
        {
            diags.push(
                Diagnostic::error(
                    &code::value::RANGE,
                    format!("{} replicas is out of range", r.v),
                    r.span,
                    "not 0-10000",
                )
                .with_help("write a number of replicas from 0 to 10000"),
            );
        }
        if let Some(a) = &w.autoscale {
            let min = a.min.as_ref().map(|m| m.v).unwrap_or(1);
            if min < 1 {
                diags.push(
                    Diagnostic::error(
                        &code::value::AUTOSCALE,
                        "autoscale min must be at least 1",
                        a.min.as_ref().map(|m| m.span).unwrap_or(a.span),
                        "below 1",
                    )
                    .with_help("write min=1 or more"),
                );
            }
            if a.max.v < min {
                let mut d = Diagnostic::error(
                    &code::value::AUTOSCALE,
                    format!("autoscale max {} is below min {min}", a.max.v),
                    a.max.span,
                    "max",
                );
                if let Some(m) = &a.min {
                    d = d.with_label(m.span, "min");
                }
                diags.push(d.with_help("max must be at least min"));
            }
            for t in [&a.cpu, &a.memory].into_iter().flatten() {
                if !(1..=100).contains(&t.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::AUTOSCALE,
                            format!("target {}% is not a utilisation", t.v),
                            t.span,
                            "not 1-100",
                        )
                        .with_help("targets are percentages from 1 to 100"),
                    );
                }
            }
            if a.cpu.is_none() && a.memory.is_none() && a.queues.is_empty() {
                diags.push(
                    Diagnostic::error(
                        &code::value::AUTOSCALE,
                        "autoscale has no target",
                        a.span,
                        "no cpu= or memory=",
                    )
                    .with_help("write `autoscale min=2 max=10 cpu=70`"),
                );
            }
            let has_requests = w.resources.as_ref().and_then(|r| r.requests.as_ref());
            let needs = [
                (
                    &a.cpu,
                    has_requests.and_then(|r| r.cpu.as_ref()).is_some(),
                    "cpu",
                ),
                (
                    &a.memory,
                    has_requests.and_then(|r| r.memory.as_ref()).is_some(),
                    "memory",
                ),
            ];
            for (target, request, what) in needs {
                if let Some(t) = target
                    && !request
                {
                    let mut d = Diagnostic::error(
                        &code::value::AUTOSCALE,
                        format!("autoscaling on {what} needs a {what} request"),
                        t.span,
                        format!("scales on {what}"),
                    );
                    if let Some(span) = has_requests
                        .map(|r| r.span)
                        .or(w.resources.as_ref().map(|r| r.span))
                    {
                        d = d.with_label(span, format!("no {what} request here"));
                    }
                    diags.push(
                        d
                        .with_help(format!("utilisation is measured against the request: add `resources {{ requests {what}=... }}`")),
                    );
                }
            }
        }
        self.scaling_extras(w, diags);
        for d in [
            &w.disruption.as_ref().and_then(|d| d.min_available.clone()),
            &w.disruption
                .as_ref()
                .and_then(|d| d.max_unavailable.clone()),
            &w.rollout.as_ref().and_then(|r| r.max_surge.clone()),
            &w.rollout.as_ref().and_then(|r| r.max_unavailable.clone()),
        ]
        .into_iter()
        .flatten()
        {
            int_or_percent(d, diags);
        }
        if let Some(d) = &w.disruption
            && d.min_available.is_some() == d.max_unavailable.is_some()
        {
            diags.push(
                Diagnostic::error(
                    &code::value::DISRUPTION,
                    "`disruption` takes one of min-available and max-unavailable",
                    d.span,
                    "give exactly one",
                )
                .with_help(
                    "write `disruption max-unavailable=1` or `disruption min-available=\"50%\"`",
                ),
            );
        }
        if let Some(r) = &w.rollout {
            self.rollout(w, r, diags);
        }
        self.versions(w, diags);
        // Volumes.
        let mut vol_names: HashMap<&str, Span> = HashMap::new();
        let mut mounts: HashMap<&str, Span> = HashMap::new();
        for v in &w.volumes {
            name(diags, &v.name, "volume", values::dns_label);
            if let Some(first) = vol_names.insert(v.name.as_str(), v.name.span) {
                diags.push(duplicate("volume", &v.name, first));
            }
            if !v.mount.v.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("mount path `{}` must be absolute", v.mount.v),
                        v.mount.span,
                        "not absolute",
                    )
                    .with_help(format!("write \"/{}\"", v.mount.v)),
                );
            }
            if let Some(first) = mounts.insert(v.mount.as_str(), v.mount.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::MOUNT,
                        format!("two volumes are mounted at `{}`", v.mount.v),
                        v.mount.span,
                        "mounted again here",
                    )
                    .with_label(first, "first mounted here")
                    .with_help("give each volume its own mount path"),
                );
            }
            match &v.source {
                VolumeSource::Config(c) => self.config_ref(c, None, diags),
                VolumeSource::Secret(s) => self.secret_ref(s, None, diags),
                VolumeSource::Claim(c) => name(diags, c, "claim", values::dns_subdomain),
                VolumeSource::EmptyDir { size: Some(s), .. } => {
                    quantity(s, QuantityKind::Bytes, diags)
                }
                VolumeSource::EmptyDir { .. } => {}
            }
        }
        for s in &w.storage {
            name(diags, &s.name, "storage", values::dns_label);
            if !s.mount.v.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("mount path `{}` must be absolute", s.mount.v),
                        s.mount.span,
                        "not absolute",
                    )
                    .with_help(format!("write \"/{}\"", s.mount.v)),
                );
            }
            if let Some(first) = vol_names.insert(s.name.as_str(), s.name.span) {
                diags.push(duplicate("volume", &s.name, first));
            }
            quantity(&s.size, QuantityKind::Bytes, diags);
            if let Some(first) = mounts.insert(s.mount.as_str(), s.mount.span) {
                diags.push(
                    Diagnostic::error(
                        &code::value::MOUNT,
                        format!("two volumes are mounted at `{}`", s.mount.v),
                        s.mount.span,
                        "mounted again here",
                    )
                    .with_label(first, "first mounted here")
                    .with_help("give each volume its own mount path"),
                );
            }
        }
        if w.kind == WorkloadKind::Stateful {
            if w.ports.is_empty() {
                diags.push(
                    Diagnostic::error(&code::workload::PORTS, format!("stateful `{}` has no ports", w.name.v), w.name.span, "its headless Service needs a port")
                        .with_help("add `port \"NAME\" NUMBER`: a stateful workload is reached through its headless Service"),
                );
            }
            if let Some(e) = &w.expose {
                diags.push(
                    Diagnostic::error(&code::workload::EXPOSE, "a stateful workload's Service is always headless", e.span, "not applicable")
                        .with_help("remove `expose`; put a `service` in front of it if it must be reachable from outside"),
                );
            }
        }
        for (v, what, max) in [
            (&w.deadline, "deadline", i64::from(i32::MAX)),
            (&w.retries, "retries", 100),
        ]
        .into_iter()
        .chain(
            w.history
                .iter()
                .flat_map(|h| [(&h.success, "history", 100), (&h.failure, "history", 100)]),
        ) {
            if let Some(v) = v
                && (v.v < 0 || v.v > max)
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::RANGE,
                        format!("{what} {} is out of range", v.v),
                        v.span,
                        format!("not 0-{max}"),
                    )
                    .with_help(format!("write a number from 0 to {max}")),
                );
            }
        }
        if let Some(tz) = &w.timezone
            && !valid_timezone(&tz.v)
        {
            diags.push(
                Diagnostic::error(
                    &code::value::TIMEZONE,
                    format!("`{}` is not a time zone name", tz.v),
                    tz.span,
                    "not in the time zone database",
                )
                .with_help("use a name of the IANA time zone database, as written there: \"Etc/UTC\", \"Europe/Berlin\", \"America/New_York\""),
            );
        }
        for e in &w.egress {
            for p in &e.ports {
                if !(1..=65535).contains(&p.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::PORT,
                            format!("port {} is out of range", p.v),
                            p.span,
                            "not 1-65535",
                        )
                        .with_help("ports are numbers from 1 to 65535"),
                    );
                }
            }
        }
        if let Some(sa) = &w.service_account {
            name(diags, sa, "service account", values::dns_subdomain);
        }
        labels(diags, &w.labels, true);
        labels(diags, &w.annotations, false);
        labels(diags, &w.node_selector, true);
        // Network reach.
        for r in &w.reach {
            match self.workloads.get(r.v.target.as_str()) {
                None => diags.push(unknown(
                    &code::reference::SERVICE,
                    "workload",
                    &r.v.target,
                    r.span,
                    self.workloads.keys().copied(),
                )),
                Some(t) => {
                    if t.name.v == w.name.v {
                        diags.push(
                            Diagnostic::error(
                                &code::reference::SERVICE,
                                format!("`{}` reaches itself", w.name.v),
                                r.span,
                                "same workload",
                            )
                            .with_help(
                                "pods of one workload may always talk to each other; remove this",
                            ),
                        );
                    }
                    if t.ports.is_empty() {
                        diags.push(
                            Diagnostic::error(
                                &code::reference::PORT,
                                format!("`{}` has no ports to reach", t.name.v),
                                r.span,
                                "nothing listens there",
                            )
                            .with_label(t.name.span, "declared here without ports")
                            .with_help(format!("add a `port` to `{}`", t.name.v)),
                        );
                    } else if let Some(p) = &r.v.port
                        && !port_exists(t, p)
                    {
                        diags.push(
                            Diagnostic::error(
                                &code::reference::PORT,
                                format!("`{}` has no port {}", t.name.v, port_text(p)),
                                r.span,
                                "unknown port",
                            )
                            .with_label(t.name.span, "declared here")
                            .with_help(format!("its ports are: {}", port_list(t))),
                        );
                    }
                }
            }
        }
        let peers = w
            .egress
            .iter()
            .map(|e| (&e.peer, "egress"))
            .chain(w.allow_from.iter().map(|a| (&a.peer, "allow-from")));
        for (peer, node) in peers {
            match peer {
                Peer::Cidr(c) if !valid_cidr(&c.v) => diags.push(
                    Diagnostic::error(&code::value::CIDR, format!("`{}` is not a CIDR block", c.v), c.span, "expected ADDRESS/BITS")
                        .with_help(format!("write `{node} \"10.0.0.0/8\"`, or `{node} namespace=\"NAME\"` for pods of another namespace")),
                ),
                Peer::Namespace(n) => name(diags, n, "namespace", values::dns_label),
                _ => {}
            }
        }
        for a in &w.allow_from {
            if let Some(p) = &a.port {
                self.port_ref(w, p, diags);
            }
        }
        // CronJob fields.
        if w.kind == WorkloadKind::CronJob {
            match &w.schedule {
                None => diags.push(
                    Diagnostic::error(
                        &code::workload::SCHEDULE,
                        format!("cronjob `{}` has no schedule", w.name.v),
                        w.name.span,
                        "no `schedule` here",
                    )
                    .with_help("add `schedule \"0 2 * * *\"` (minute hour day month weekday)"),
                ),
                Some(s) => {
                    if let Err(why) = values::cron(&s.v) {
                        diags.push(Diagnostic::error(&code::value::CRON, format!("`{}` is not a cron schedule", s.v), s.span, why).with_help("write five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\""));
                    }
                }
            }
        }
        self.waivers(&w.waivers, WaiverTarget::Workload, diags);
        self.workload_policy(w, diags);
    }

    /// Fields whose availability depends on the target Kubernetes version.
    fn versions(&self, w: &Workload, diags: &mut Diagnostics) {
        let Some(k) = &self.spec.app.kubernetes else {
            return;
        };
        let Some(minor) = kubernetes_minor(&k.v) else {
            return;
        };
        for (feature, span, since) in version_features(w) {
            let (ga, beta) = since;
            if minor < beta {
                diags.push(
                    Diagnostic::error(
                        &code::version::FIELD,
                        format!("{feature} is not available in Kubernetes {}", k.v),
                        span,
                        format!("needs 1.{beta}"),
                    )
                    .with_label(k.span, "target version")
                    .with_help(format!("target Kubernetes 1.{ga} or later, or remove it")),
                );
            } else if minor < ga {
                diags.push(
                    Diagnostic::warning(&code::version::FIELD, format!("{feature} is beta in Kubernetes {}", k.v), span, format!("GA in 1.{ga}"))
                        .with_label(k.span, "target version")
                        .with_help(format!("it works where the feature gate is on (the default); it is stable from Kubernetes 1.{ga}")),
                );
            }
        }
    }

    fn rollout(&self, w: &Workload, r: &Rollout, diags: &mut Diagnostics) {
        let strategy = r.strategy.as_ref().map(|s| s.v);
        let duration = |s: &str| {
            let digits = s.trim_end_matches(['s', 'm', 'h']);
            !digits.is_empty()
                && digits.len() + 1 == s.len()
                && digits.chars().all(|c| c.is_ascii_digit())
        };
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
                .with_help(
                    "add steps: `step weight=10 pause=\"5m\"`, `step weight=50 pause=\"10m\"`",
                ),
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
                    diags.push(Diagnostic::error(&code::rollout::WEIGHT, format!("weight {} is lower than the step before ({last})", wt.v), wt.span, "goes down").with_help("canary weights only grow; abort a rollout instead of lowering its weight"));
                }
                last = wt.v;
            }
            if let Some(p) = &s.pause
                && p.v != "manual"
                && !duration(&p.v)
            {
                diags.push(Diagnostic::error(&code::value::DURATION, format!("`{}` is not a pause", p.v), p.span, "expected a duration or \"manual\"").with_help("write pause=\"5m\", or pause=\"manual\" to wait for `kubectl argo rollouts promote`"));
            }
            if let Some(a) = &s.analysis {
                name(diags, a, "analysis template", values::dns_subdomain);
            }
        }
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
        if strategy.is_some() {
            if w.ports.is_empty() {
                diags.push(
                    Diagnostic::error(&code::rollout::SERVICE, format!("`{}` has no ports for a {} rollout", w.name.v, strategy.map_or("", |s| s.name())), r.span, "needs a Service")
                        .with_help("progressive rollouts switch traffic between Services: give the workload a `port`"),
                );
            }
            if let Some(p) = self
                .env
                .and_then(|e| e.prefix.as_ref())
                .filter(|p| !p.v.is_empty())
            {
                diags.push(
                    Diagnostic::error(&code::rollout::PREFIX, format!("a {} rollout cannot be renamed by the prefix `{}`", strategy.map_or("", |s| s.name()), p.v), p.span, "prefix")
                        .with_label(r.span, "progressive rollout")
                        .with_help("Argo Rollouts refer to their Services by name: use a namespace per environment instead of a prefix"),
                );
            }
        }
    }

    fn image(&self, w: &Workload, img: &Image, diags: &mut Diagnostics) {
        let last = img.name.v.rsplit('/').next().unwrap_or("");
        if last.contains(':') || img.name.v.contains('@') {
            diags.push(
                Diagnostic::error(
                    &code::image::TAG_IN_NAME,
                    format!("image `{}` has its tag in the name", img.name.v),
                    img.name.span,
                    "tag inside the name",
                )
                .with_help(match last.split_once(':') {
                    Some((n, t)) => format!(
                        "write `image \"{}\" tag=\"{t}\"` so environments can override the tag",
                        img.name.v.trim_end_matches(&format!("{n}:{t}")).to_string() + n
                    ),
                    None => "write the digest as `digest=\"sha256:...\"`".to_string(),
                }),
            );
        }
        if img.name.v.is_empty()
            || img
                .name
                .v
                .chars()
                .any(|c| c.is_ascii_uppercase() || c.is_whitespace())
        {
            diags.push(
                Diagnostic::error(
                    &code::image::NAME,
                    format!("`{}` is not a valid image name", img.name.v),
                    img.name.span,
                    "lower-case, no spaces",
                )
                .with_help("image names are lower-case paths like `my-org/api`"),
            );
        }
        if let Some(d) = &img.digest
            && !(d.v.starts_with("sha256:")
                && d.v.len() == 71
                && d.v[7..].chars().all(|c| c.is_ascii_hexdigit()))
        {
            diags.push(
                Diagnostic::error(
                    &code::image::DIGEST,
                    format!("`{}` is not an image digest", d.v),
                    d.span,
                    "expected sha256:<64 hex digits>",
                )
                .with_help("copy the digest from your registry: `digest=\"sha256:...\"`"),
            );
        }
        if let Some(t) = &img.tag
            && (t.v.is_empty()
                || t.v.len() > 128
                || t.v.starts_with(['.', '-'])
                || !t
                    .v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            diags.push(
                Diagnostic::error(
                    &code::image::TAG,
                    format!("`{}` is not a valid image tag", t.v),
                    t.span,
                    "invalid tag",
                )
                .with_help("tags are up to 128 letters, digits, '_', '.' and '-'"),
            );
        }
        // A version inside the name is reported above (tag-in-name); it still pins the image.
        let pinned_in_name =
            img.name.v.contains('@') || last.split_once(':').is_some_and(|(_, t)| t != "latest");
        let pinned = img.digest.is_some()
            || img.tag.as_ref().is_some_and(|t| t.v != "latest")
            || (img.tag.is_none() && pinned_in_name);
        if !pinned {
            let (span, label) = match &img.tag {
                Some(t) => (t.span, "`latest` moves"),
                None => (img.name.span, "no tag"),
            };
            self.policy(
                diags,
                Rule::ImageTag,
                &w.waivers,
                span,
                format!("image `{}` is not pinned to a version", img.name.v),
                label,
                "pin it: `tag=\"1.2.3\"` or `digest=\"sha256:...\"`".into(),
            );
        }
    }

    fn workload_policy(&self, w: &Workload, diags: &mut Diagnostics) {
        if self.env.is_none() {
            return;
        }
        if w.kind.is_long_running() {
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
        if let Some(s) = &w.security {
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

    fn waivers(&self, waivers: &[Waiver], target: WaiverTarget, diags: &mut Diagnostics) {
        waivers_of(waivers, target, diags);
        let _ = self.level();
    }

    /// Queue triggers (KEDA), the VerticalPodAutoscaler, tolerations and the ServiceMonitor.
    fn scaling_extras(&self, w: &Workload, diags: &mut Diagnostics) {
        for q in w.autoscale.iter().flat_map(|a| &a.queues) {
            if q.target.v < 1 {
                diags.push(
                    Diagnostic::error(
                        &code::value::REDIS_LIST,
                        format!("list length target {} is below 1", q.target.v),
                        q.target.span,
                        "not a length to aim for",
                    )
                    .with_help("write the number of waiting jobs per replica, e.g. target=20"),
                );
            }
            let port_ok = q
                .address
                .v
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|n| n > 0));
            if !port_ok {
                diags.push(
                    Diagnostic::error(
                        &code::value::REDIS_LIST,
                        format!("`{}` is not a Redis address", q.address.v),
                        q.address.span,
                        "expected HOST:PORT",
                    )
                    .with_help("write `address=\"redis.my-namespace.svc:6379\"`"),
                );
            }
            match (&q.password_secret, &q.password_key) {
                (Some(s), k) => {
                    self.secret_ref(s, k.as_ref(), diags);
                    if k.is_none() {
                        diags.push(
                            Diagnostic::error(
                                &code::value::REDIS_LIST,
                                "password-secret= without password-key=",
                                s.span,
                                "which key of the secret?",
                            )
                            .with_help("add `password-key=\"KEY\"`, the key holding the password"),
                        );
                    }
                    let first = w
                        .autoscale
                        .iter()
                        .flat_map(|a| &a.queues)
                        .find_map(|x| x.password_secret.as_ref());
                    if let Some(f) = first
                        && f.v != s.v
                    {
                        diags.push(
                            Diagnostic::error(
                                &code::value::REDIS_LIST,
                                "the lists of one workload share one password",
                                s.span,
                                "another secret",
                            )
                            .with_label(f.span, "the first list's")
                            .with_help("give every `redis-list` the same password-secret= and password-key="),
                        );
                    }
                }
                (None, Some(k)) => diags.push(
                    Diagnostic::error(
                        &code::value::REDIS_LIST,
                        "password-key= without password-secret=",
                        k.span,
                        "a key of which secret?",
                    )
                    .with_help("add `password-secret=\"NAME\"`, the secret holding the password"),
                ),
                (None, None) => {}
            }
        }
        let keda = w.autoscale.as_ref().is_some_and(|a| !a.queues.is_empty());
        if let Some(p) = self
            .env
            .and_then(|e| e.prefix.as_ref())
            .filter(|p| !p.v.is_empty())
            && let Some((what, span)) = w
                .autoscale
                .as_ref()
                .filter(|_| keda)
                .map(|a| ("a KEDA ScaledObject", a.span))
                .or(w
                    .vertical_autoscale
                    .as_ref()
                    .map(|v| ("a VerticalPodAutoscaler", v.span)))
        {
            diags.push(
                Diagnostic::error(
                    &code::autoscale::PREFIX,
                    format!("{what} cannot be renamed by the prefix `{}`", p.v),
                    p.span,
                    "prefix",
                )
                .with_label(span, format!("`{}` gets {what} here", w.name.v))
                .with_help(
                    "its reference to the workload keeps the unprefixed name: deploy the environment to a namespace of its own instead of prefixing its names",
                ),
            );
        }
        if let Some(v) = &w.vertical_autoscale {
            let mode = v.mode.as_ref().map_or(VpaMode::Off, |m| m.v);
            if mode != VpaMode::Off
                && let Some(a) = &w.autoscale
                && let Some(t) = a.cpu.as_ref().or(a.memory.as_ref())
            {
                diags.push(
                    Diagnostic::error(
                        &code::autoscale::VERTICAL_CONFLICT,
                        format!(
                            "`{}` is scaled on cpu or memory both horizontally and vertically",
                            w.name.v
                        ),
                        v.mode.as_ref().map(|m| m.span).unwrap_or(v.span),
                        format!("mode {mode} changes the requests"),
                    )
                    .with_label(t.span, "the HPA's target is a share of those requests")
                    .with_help(
                        "keep `vertical-autoscale mode=\"Off\"` (recommendations only), or scale horizontally on a queue instead of cpu/memory",
                    ),
                );
            }
        }
        if let Some(m) = &w.metrics {
            let has_service = match w.kind {
                WorkloadKind::Service | WorkloadKind::Stateful => true,
                WorkloadKind::Worker => w.expose.is_some(),
                WorkloadKind::CronJob | WorkloadKind::Job => false,
            };
            if !has_service {
                diags.push(
                    Diagnostic::error(
                        &code::workload::METRICS,
                        format!("{} `{}` has no Service to scrape", w.kind.name(), w.name.v),
                        m.span,
                        "a ServiceMonitor selects a Service",
                    )
                    .with_label(w.span, format!("a {} has no Service", w.kind.name()))
                    .with_help("declare it as a `service` with a named port, or remove `metrics`"),
                );
            } else {
                self.port_ref(
                    w,
                    &S::new(PortRef::Name(m.port.v.clone()), m.port.span),
                    diags,
                );
            }
            if let Some(p) = &m.path
                && !p.v.starts_with('/')
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("metrics path `{}` must start with '/'", p.v),
                        p.span,
                        "not an absolute path",
                    )
                    .with_help(format!("write \"/{}\"", p.v)),
                );
            }
        }
    }

    fn port_ref(&self, w: &Workload, p: &S<PortRef>, diags: &mut Diagnostics) {
        match &p.v {
            PortRef::Name(n) if !w.ports.iter().any(|x| &x.name.v == n) => {
                diags.push(unknown(
                    &code::reference::PORT,
                    "port",
                    n,
                    p.span,
                    w.ports.iter().map(|x| x.name.as_str()),
                ));
            }
            PortRef::Number(n) if !(1..=65535).contains(n) => {
                diags.push(
                    Diagnostic::error(
                        &code::value::PORT,
                        format!("port {n} is out of range"),
                        p.span,
                        "not 1-65535",
                    )
                    .with_help("ports are numbers from 1 to 65535"),
                );
            }
            _ => {}
        }
    }

    fn secret_ref(&self, name: &S<String>, key: Option<&S<String>>, diags: &mut Diagnostics) {
        match self.secrets.get(name.as_str()) {
            None => {
                let d = unknown(
                    &code::reference::SECRET,
                    "secret",
                    &name.v,
                    name.span,
                    self.secrets.keys().copied(),
                );
                // Keep a "did you mean"; otherwise say how to declare it.
                diags.push(if suggest(&name.v, self.secrets.keys().copied()).is_some() {
                    d
                } else {
                    d.with_help(format!(
                        "declare it: `secret \"{}\"` (an existing Secret), or with source=\"sealed\" or source=\"external\"",
                        name.v
                    ))
                });
            }
            Some(s) => {
                if let Some(k) = key
                    && !s.keys.is_empty()
                    && !s.keys.iter().any(|x| x.name.v == k.v)
                {
                    diags.push(
                        unknown(
                            &code::reference::KEY,
                            "key",
                            &k.v,
                            k.span,
                            s.keys.iter().map(|x| x.name.as_str()),
                        )
                        .with_label(s.name.span, format!("secret `{}` declared here", s.name.v)),
                    );
                }
            }
        }
    }

    fn config_ref(&self, name: &S<String>, key: Option<&S<String>>, diags: &mut Diagnostics) {
        match self.configs.get(name.as_str()) {
            None => diags.push(unknown(
                &code::reference::CONFIG,
                "config",
                &name.v,
                name.span,
                self.configs.keys().copied(),
            )),
            Some(c) => {
                if let Some(k) = key
                    && !c.data.iter().any(|(x, _)| x.v == k.v)
                    && !c.files.iter().any(|f| f.key.v == k.v)
                {
                    let keys = c
                        .data
                        .iter()
                        .map(|(x, _)| x.as_str())
                        .chain(c.files.iter().map(|f| f.key.as_str()));
                    diags.push(
                        unknown(&code::reference::KEY, "key", &k.v, k.span, keys).with_label(
                            c.name.span,
                            format!("config `{}` declared here", c.name.v),
                        ),
                    );
                }
            }
        }
    }

    fn config(&self, c: &Config, diags: &mut Diagnostics) {
        let mut keys: HashMap<&str, Span> = HashMap::new();
        for (k, v) in &c.data {
            self.config_key(&mut keys, k, diags);
            if values::looks_secret_name(&k.v) {
                diags.push(
                    Diagnostic::error(
                        &code::secret::PLAINTEXT,
                        format!("config key `{}` looks like a secret", k.v),
                        v.span,
                        "plaintext secret",
                    )
                    .with_help(
                        "config maps are not secret: declare a `secret` and reference it instead",
                    ),
                );
            }
        }
        for f in &c.files {
            self.config_key(&mut keys, &f.key, diags);
        }
    }

    fn config_key<'k>(
        &self,
        keys: &mut HashMap<&'k str, Span>,
        k: &'k S<String>,
        diags: &mut Diagnostics,
    ) {
        if k.v.is_empty()
            || k.v.len() > 253
            || !k
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            diags.push(
                Diagnostic::error(
                    &code::name::KEY,
                    format!("`{}` is not a valid config key", k.v.escape_debug()),
                    k.span,
                    "invalid key",
                )
                .with_help("keys are letters, digits, '-', '_' and '.'"),
            );
        } else if k.v == "." || k.v.starts_with("..") {
            // Kubernetes keeps a ConfigMap's files behind `..data` links in its volumes.
            diags.push(
                Diagnostic::error(
                    &code::name::KEY,
                    format!("`{}` is not a valid config key", k.v),
                    k.span,
                    "reserved key",
                )
                .with_help("a key may not be `.` or start with `..`: Kubernetes uses such names in mounted volumes"),
            );
        }
        if let Some(first) = keys.insert(k.as_str(), k.span) {
            diags.push(duplicate("key", k, first));
        }
    }

    fn secret(&self, s: &Secret, diags: &mut Diagnostics) {
        let mut keys: HashMap<&str, Span> = HashMap::new();
        for k in &s.keys {
            if let Some(first) = keys.insert(k.name.as_str(), k.name.span) {
                diags.push(duplicate("key", &k.name, first));
            }
        }
        match s.source.v {
            SecretSource::Existing | SecretSource::Sealed
                if s.store.is_some() || s.refresh.is_some() =>
            {
                let span = s
                    .store
                    .as_ref()
                    .or(s.refresh.as_ref())
                    .map(|x| x.span)
                    .unwrap_or(s.name.span);
                diags.push(
                    Diagnostic::error(
                        &code::secret::SOURCE,
                        "store= and refresh= only apply to external secrets",
                        span,
                        "not an external secret",
                    )
                    .with_label(s.source.span, "the source")
                    .with_help("set source=\"external\", or remove store= and refresh="),
                );
            }
            SecretSource::Existing => {
                for k in &s.keys {
                    if let Some(e) = k.encrypted.as_ref().or(k.remote.as_ref()) {
                        diags.push(Diagnostic::error(&code::secret::SOURCE, "an existing secret takes only key names", e.span, "not used by an existing secret").with_label(s.source.span, "source is existing").with_help("set source=\"sealed\" or source=\"external\" to have stowage create it"));
                    }
                }
            }
            SecretSource::Sealed => {
                if s.keys.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &code::secret::SOURCE,
                            format!("sealed secret `{}` has no keys", s.name.v),
                            s.name.span,
                            "no `key` here",
                        )
                        .with_help(
                            "add `key \"NAME\" encrypted=\"AgB...\"` with the output of kubeseal",
                        ),
                    );
                }
                for k in s.keys.iter().filter(|k| k.encrypted.is_none()) {
                    diags.push(
                        Diagnostic::error(
                            &code::secret::SOURCE,
                            format!(
                                "key `{}` of a sealed secret has no encrypted value",
                                k.name.v
                            ),
                            k.name.span,
                            "no encrypted=",
                        )
                        .with_help(
                            "run `kubeseal --raw` and paste its output: `encrypted=\"AgB...\"`",
                        ),
                    );
                }
                if let Some(p) = self
                    .env
                    .and_then(|e| e.prefix.as_ref())
                    .filter(|p| !p.v.is_empty())
                {
                    diags.push(Diagnostic::error(&code::secret::PREFIX, format!("sealed secret `{}` cannot be renamed by the prefix `{}`", s.name.v, p.v), p.span, "prefix").with_label(s.name.span, "sealed secret").with_help("a SealedSecret is encrypted for its name and namespace; use a namespace per environment instead of a prefix"));
                }
            }
            SecretSource::External => {
                if s.store.is_none() {
                    diags.push(
                        Diagnostic::error(
                            &code::secret::SOURCE,
                            format!("external secret `{}` has no store", s.name.v),
                            s.name.span,
                            "no store=",
                        )
                        .with_help("name the SecretStore: `store=\"aws-secrets-manager\"`"),
                    );
                }
                if s.keys.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &code::secret::SOURCE,
                            format!("external secret `{}` has no keys", s.name.v),
                            s.name.span,
                            "no `key` here",
                        )
                        .with_help("add `key \"NAME\" remote=\"path/in/store\"`"),
                    );
                }
                for k in s.keys.iter().filter(|k| k.remote.is_none()) {
                    diags.push(
                        Diagnostic::error(
                            &code::secret::SOURCE,
                            format!("key `{}` has no remote reference", k.name.v),
                            k.name.span,
                            "no remote=",
                        )
                        .with_help("write `remote=\"path/in/store\"`"),
                    );
                }
            }
        }
    }

    fn ingress(
        &self,
        i: &Ingress,
        hosts: &mut HashMap<(String, String), Span>,
        diags: &mut Diagnostics,
    ) {
        // An ingress without routes is reported by the decoder.
        let mut names: HashMap<&str, Span> = HashMap::new();
        for r in &i.routes {
            if let Some(first) = names.insert(r.name.as_str(), r.name.span) {
                diags.push(duplicate("route", &r.name, first));
            }
            if r.host.v.parse::<std::net::IpAddr>().is_ok() {
                diags.push(
                    Diagnostic::error(
                        &code::name::HOST,
                        format!("`{}` is an IP address, not a host name", r.host.v),
                        r.host.span,
                        "IP address",
                    )
                    .with_help("an Ingress routes by host name (Kubernetes refuses IP addresses): use a DNS name, or leave the route to every host by removing host="),
                );
            } else if let Err(why) =
                values::dns_subdomain(r.host.v.strip_prefix("*.").unwrap_or(&r.host.v))
            {
                diags.push(
                    Diagnostic::error(
                        &code::name::HOST,
                        format!("`{}` is not a valid host name", r.host.v),
                        r.host.span,
                        why,
                    )
                    .with_help("hosts are lower-case DNS names like app.example.com"),
                );
            }
            let path = r
                .path
                .as_ref()
                .map(|p| p.v.clone())
                .unwrap_or_else(|| "/".into());
            if !path.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("route path `{path}` must start with '/'"),
                        r.path.as_ref().map(|p| p.span).unwrap_or(r.span),
                        "not absolute",
                    )
                    .with_help(format!("write path=\"/{path}\"")),
                );
            } else if r
                .path_type
                .as_ref()
                .is_none_or(|t| t.v != PathType::ImplementationSpecific)
                && let Some(bad) = ingress_path_problem(&path)
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::PATH,
                        format!("route path `{path}` {bad}"),
                        r.path.as_ref().map(|p| p.span).unwrap_or(r.span),
                        "Kubernetes refuses this path",
                    )
                    .with_help("Prefix and Exact paths may not hold `//`, `/./`, `/../` or an encoded `/` (`%2F`), nor end in `/.` or `/..`"),
                );
            }
            if let Some(first) = hosts.insert((r.host.v.clone(), path.clone()), r.host.span) {
                diags.push(
                    Diagnostic::error(
                        &code::ingress::DUPLICATE_ROUTE,
                        format!("{}{path} is routed twice", r.host.v),
                        r.host.span,
                        "routed again here",
                    )
                    .with_label(first, "first routed here")
                    .with_help("one host and path may go to one service"),
                );
            }
            match self.workloads.get(r.service.as_str()) {
                None => diags.push(unknown(
                    &code::reference::SERVICE,
                    "service",
                    &r.service.v,
                    r.service.span,
                    self.workloads
                        .iter()
                        .filter(|(_, w)| !w.ports.is_empty())
                        .map(|(n, _)| *n),
                )),
                Some(w)
                    if w.ports.is_empty()
                        || (w.kind == WorkloadKind::Worker && w.expose.is_none())
                        || w.kind == WorkloadKind::CronJob =>
                {
                    diags.push(Diagnostic::error(&code::reference::SERVICE, format!("`{}` has no Service to route to", w.name.v), r.service.span, "not exposed").with_label(w.name.span, format!("{} declared here", w.kind.name())).with_help("route to a `service` with ports, or give this workload `expose \"ClusterIP\"`"));
                }
                Some(w) => {
                    if let Some(p) = &r.port {
                        if !port_exists(w, &p.v) {
                            diags.push(
                                Diagnostic::error(
                                    &code::reference::PORT,
                                    format!("`{}` has no port {}", w.name.v, port_text(&p.v)),
                                    p.span,
                                    "unknown port",
                                )
                                .with_label(w.name.span, "declared here")
                                .with_help(format!("its ports are: {}", port_list(w))),
                            );
                        }
                    } else if w.ports.len() > 1 {
                        diags.push(
                            Diagnostic::error(
                                &code::reference::PORT,
                                format!(
                                    "`{}` has several ports; the route must say which",
                                    w.name.v
                                ),
                                r.service.span,
                                "which port?",
                            )
                            .with_help(format!(
                                "add port=\"{}\" (ports: {})",
                                w.ports[0].name.v,
                                port_list(w)
                            )),
                        );
                    }
                }
            }
        }
        if let Some(c) = &i.class {
            name(diags, c, "ingress class", values::dns_subdomain);
        }
        labels(diags, &i.annotations, false);
        self.waivers(&i.waivers, WaiverTarget::Ingress, diags);
        if i.tls.is_none() && !i.routes.is_empty() {
            self.policy(
                diags,
                Rule::Tls,
                &i.waivers,
                i.name.span,
                format!(
                    "ingress `{}` serves {} without TLS",
                    i.name.v,
                    i.routes
                        .iter()
                        .map(|r| r.host.v.as_str())
                        .collect::<HashSet<_>>()
                        .into_iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "no `tls` here",
                "add `tls issuer=\"letsencrypt-prod\"` (cert-manager) or `tls secret=\"NAME\"`"
                    .into(),
            );
        }
        if let Some(t) = &i.tls
            && t.issuer.is_none()
            && t.secret.is_none()
        {
            diags.push(Diagnostic::error(&code::ingress::TLS, "`tls` needs an issuer or a secret", t.span, "where does the certificate come from?").with_help("write `tls issuer=\"letsencrypt-prod\"` (cert-manager) or `tls secret=\"my-cert\"`"));
        }
    }
}

fn port_exists(w: &Workload, p: &PortRef) -> bool {
    match p {
        PortRef::Name(n) => w.ports.iter().any(|x| &x.name.v == n),
        PortRef::Number(n) => w
            .ports
            .iter()
            .any(|x| x.number.v == *n || x.service_port.as_ref().is_some_and(|s| s.v == *n)),
    }
}

fn port_text(p: &PortRef) -> String {
    match p {
        PortRef::Name(n) => format!("`{n}`"),
        PortRef::Number(n) => n.to_string(),
    }
}

fn port_list(w: &Workload) -> String {
    w.ports
        .iter()
        .map(|p| format!("{} ({})", p.name.v, p.number.v))
        .collect::<Vec<_>>()
        .join(", ")
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

fn one_of(v: &S<String>, what: &str, allowed: &[&str]) -> Diagnostic {
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

fn quantity(q: &S<String>, kind: QuantityKind, diags: &mut Diagnostics) {
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

fn int_or_percent(v: &S<IntOrPercent>, diags: &mut Diagnostics) {
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

/// Fields a workload uses that arrived after Kubernetes 1.25: (what, where, (GA minor, beta
/// minor)). stowage's objects otherwise use APIs stable across every supported version
/// (apps/v1, batch/v1, autoscaling/v2, policy/v1, networking.k8s.io/v1).
fn version_features(w: &Workload) -> Vec<(&'static str, Span, (u32, u32))> {
    let mut out = Vec::new();
    if let Some(tz) = &w.timezone {
        out.push(("CronJob timeZone", tz.span, (27, 25)));
    }
    for p in [&w.liveness, &w.readiness, &w.startup]
        .into_iter()
        .flatten()
    {
        if let ProbeAction::Grpc(port) = &p.action {
            out.push(("the gRPC probe", port.span, (27, 24)));
        }
    }
    out
}

/// IANA time zone names as CronJobs take them: `UTC`, `Etc/UTC`, `America/New_York`.
/// Whether `s` names a time zone of the IANA database (the copy built into stowage: the
/// result does not depend on the machine), as the API server's `time.LoadLocation` would find
/// it. `Local` means the controller's own zone and is refused by Kubernetes.
fn valid_timezone(s: &str) -> bool {
    !s.eq_ignore_ascii_case("local")
        && !s.contains(' ')
        && jiff::tz::TimeZoneDatabase::bundled()
            .get(s)
            .is_ok_and(|tz| tz.iana_name() == Some(s))
}

/// What Kubernetes finds wrong with an Ingress path of type Prefix or Exact.
fn ingress_path_problem(path: &str) -> Option<String> {
    for seq in ["//", "/./", "/../", "%2f", "%2F"] {
        if path.contains(seq) {
            return Some(format!("holds `{seq}`"));
        }
    }
    for end in ["/..", "/."] {
        if path.ends_with(end) {
            return Some(format!("ends with `{end}`"));
        }
    }
    None
}

fn valid_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// The effective policy severity of a rule for an environment, for the IR's annotations.
pub fn rule_active(level: PolicyLevel, rule: Rule) -> bool {
    policy::severity(level, rule).is_some_and(|s| s == Severity::Error || s == Severity::Warning)
}
