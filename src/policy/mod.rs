//! Environment policies: which rules each policy level enforces, and what it generates.
//!
//! Shared by [`crate::check`] (which reports violations) and [`crate::ir`] (which applies the
//! defaults). Emitters never look at policies: by the time they run, every policy decision is
//! already an object in the IR.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Label};
use crate::syntax::ast::{PolicyLevel, PullPolicy};
use std::collections::HashMap;

mod rules;
pub use crate::syntax::nodes::rule::{About, Rule, WAIVER_ANNOTATION_PREFIX, waiver_annotation};
pub use rules::{Enforced, Params, Policy, level, of};

/// Whether a level generates a PodDisruptionBudget for workloads running two or more replicas.
pub fn generates_pdb(level: PolicyLevel) -> bool {
    level >= PolicyLevel::Staging
}

/// Whether a level denies all traffic by default and allows only what the spec declares.
pub fn default_deny(level: PolicyLevel) -> bool {
    level >= PolicyLevel::Staging
}

/// The `imagePullPolicy` of an image whose `pull=` is not given. An image pinned by digest is
/// immutable: `IfNotPresent`. A tag can be pushed again, so in staging and production the kubelet
/// resolves it at every pod start (`Always`: every replica runs what the tag names now, and the
/// pull credentials are checked); dev keeps images already on the node (`IfNotPresent`: images
/// loaded into a local cluster). `latest` or no tag: `Always`.
pub fn default_pull(level: PolicyLevel, digest: bool, tagged: bool) -> PullPolicy {
    match (digest, tagged) {
        (true, _) => PullPolicy::IfNotPresent,
        (false, true) if level == PolicyLevel::Dev => PullPolicy::IfNotPresent,
        _ => PullPolicy::Always,
    }
}

/// Minimum replicas the replicas rule asks for when its policy gives no `min`.
pub const MIN_REPLICAS: i64 = 2;

/// A security scanner whose checks a spec can waive, by the scanner's own check id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scanner {
    /// checkov's Kubernetes framework: `CKV_K8S_43`, `CKV2_K8S_6`.
    Checkov,
    /// `trivy config`: `KSV-0125`, also written `AVD-KSV-0125`.
    Trivy,
}

impl Scanner {
    pub fn name(self) -> &'static str {
        match self {
            Scanner::Checkov => "checkov",
            Scanner::Trivy => "trivy",
        }
    }
}

/// The scanner a check id belongs to, when the id is well formed: `CKV_K8S_N` or `CKV2_K8S_N`
/// (checkov), `KSV-NNNN` or `AVD-KSV-NNNN` with 4 or 5 digits (trivy).
pub fn scanner_check(id: &str) -> Option<Scanner> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = id
        .strip_prefix("CKV_K8S_")
        .or_else(|| id.strip_prefix("CKV2_K8S_"))
    {
        return (digits(n) && !n.starts_with('0')).then_some(Scanner::Checkov);
    }
    let n = id.strip_prefix("AVD-").unwrap_or(id).strip_prefix("KSV-")?;
    (digits(n) && (4..=5).contains(&n.len())).then_some(Scanner::Trivy)
}

/// Whether a waived name is meant as a scanner's check id (well formed or not): it starts with
/// `CKV`, `KSV` or `AVD`, in any case.
pub fn looks_like_scanner_check(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    ["CKV", "KSV", "AVD"].iter().any(|p| upper.starts_with(p))
}

/// The id trivy 0.76 reports a check under: `AVD-KSV-0125` is `KSV-0125`.
pub fn trivy_id(id: &str) -> &str {
    id.strip_prefix("AVD-").unwrap_or(id)
}

/// The annotation keys checkov reads its skips from: `checkov.io/skip1`, `checkov.io/skip2`...
pub fn checkov_skip_annotation(n: usize) -> String {
    format!("checkov.io/skip{n}")
}

/// A policy finding about a base object is the same finding in every environment that enforces
/// the rule: report it once, as its most severe form, with a label for each environment.
pub fn merge_environments(diags: Diagnostics) -> Diagnostics {
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

/// The book's reference of rule kinds (`book/src/policy-rules.md`), from [`Rule::about`] and
/// the shipped levels.
pub fn book_page() -> String {
    use crate::syntax::ast::PolicyLevel;
    let mut out = String::from(
        "# Policy rules\n\n<!-- generated by stowage from src/policy/ (the rules' declaration and \
         levels.kdl); do not edit -->\n\nEvery rule a policy can hold an environment to. The \
         levels stowage ships hold the first six; a [declared policy](reference/policies.md#declared-policies) \
         adds, changes or switches off any of them. A finding is the diagnostic \
         `stowage::policy::RULE`; `waive \"RULE\" reason=\"...\"` lets an object through, in the \
         compiler and, for a policy with `admission=#true`, in the cluster.\n\n\
         | rule | asks | parameters | dev | staging | production |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for rule in Rule::all() {
        let about = rule.about();
        let params: Vec<String> = about
            .params
            .iter()
            .map(|(p, doc)| format!("`{p}`: {doc}"))
            .collect();
        let held = |level: PolicyLevel| {
            rules::level(level)
                .get(rule)
                .map_or("—".to_string(), |r| match r.severity {
                    crate::diagnostic::Severity::Error => "error".to_string(),
                    crate::diagnostic::Severity::Warning => "warning".to_string(),
                })
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            rule.name(),
            about.asks,
            if params.is_empty() {
                "—".to_string()
            } else {
                params.join("; ")
            },
            held(PolicyLevel::Dev),
            held(PolicyLevel::Staging),
            held(PolicyLevel::Production),
        ));
    }
    out.push_str(
        "\nExamples:\n\n```kdl,fragment\npolicy \"acme-production\" extends=\"production\" {\n",
    );
    for rule in Rule::all() {
        out.push_str(&format!("    {}\n", rule.about().example));
    }
    out.push_str("}\n```\n");
    out
}
