//! The origin of one field: the span of the value that set it, placed in the node that holds
//! it; else what set it without a value in the spec (a waiver's annotation, a secure default, a
//! policy's default), else the node stowage derived it from.

use crate::diagnostic::Span;
use crate::ir::{EnvIr, Provenance};
use crate::policy::WAIVER_ANNOTATION_PREFIX;
use crate::syntax::ast::PolicyLevel;
use crate::syntax::tree::Node;
use serde_json::Value;

/// Where a field comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A value the spec wrote in an item (a workload, config, ingress, account, ...).
    Spec { span: Span },
    /// An environment's version of the item replaced the base's value.
    Override { env: String, span: Span },
    /// A `defaults` block the workload uses.
    Defaults { block: String, span: Span },
    /// A `patch` or `json-patch`.
    Patch { span: Span },
    /// An object declared as data (`object`) or read from a `manifest` file.
    Declared { span: Span },
    /// The annotation that records a waiver.
    Waiver { rule: String, span: Option<Span> },
    /// A secure default stowage writes unless the spec says otherwise.
    SecureDefault { field: &'static str },
    /// The environment's policy level set it.
    Policy {
        level: PolicyLevel,
        why: &'static str,
    },
    /// Made by stowage from a node: names, labels, selectors, references.
    Derived { span: Option<Span> },
}

impl Origin {
    /// `spec`, `override`, `defaults`, `patch`, `declared`, `waiver`, `secure-default`,
    /// `policy`, `derived`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Spec { .. } => "spec",
            Origin::Override { .. } => "override",
            Origin::Defaults { .. } => "defaults",
            Origin::Patch { .. } => "patch",
            Origin::Declared { .. } => "declared",
            Origin::Waiver { .. } => "waiver",
            Origin::SecureDefault { .. } => "secure-default",
            Origin::Policy { .. } => "policy",
            Origin::Derived { .. } => "derived",
        }
    }

    /// The spec's span that says it, if one does.
    pub fn span(&self) -> Option<Span> {
        match self {
            Origin::Spec { span }
            | Origin::Override { span, .. }
            | Origin::Defaults { span, .. }
            | Origin::Patch { span }
            | Origin::Declared { span } => Some(*span),
            Origin::Waiver { span, .. } | Origin::Derived { span } => *span,
            Origin::SecureDefault { .. } | Origin::Policy { .. } => None,
        }
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            Origin::Spec { .. } => "written in the spec".into(),
            Origin::Override { env, .. } => format!("environment `{env}` overrides it"),
            Origin::Defaults { block, .. } => format!("from the defaults block `{block}`"),
            Origin::Patch { .. } => "set by a patch".into(),
            Origin::Declared { .. } => "declared as data".into(),
            Origin::Waiver { rule, .. } => format!("records the waiver of `{rule}`"),
            Origin::SecureDefault { field } => format!(
                "secure default ({field}), written unless the spec's `security` says otherwise"
            ),
            Origin::Policy { level, why } => format!("the `{}` policy: {why}", policy_name(*level)),
            Origin::Derived { .. } => "derived by stowage from the node".into(),
        }
    }
}

fn policy_name(level: PolicyLevel) -> &'static str {
    use crate::syntax::keyword::Keyword;
    level.name()
}

/// Fields stowage sets to protect every pod unless told otherwise (spec/workloads.md).
const SECURE_DEFAULTS: &[(&str, &str)] = &[
    ("/securityContext/runAsNonRoot", "runAsNonRoot: true"),
    ("/securityContext/runAsUser", "a non-root user"),
    ("/securityContext/runAsGroup", "a non-root group"),
    (
        "/securityContext/seccompProfile/type",
        "seccomp RuntimeDefault",
    ),
    (
        "/securityContext/allowPrivilegeEscalation",
        "no privilege escalation",
    ),
    (
        "/securityContext/readOnlyRootFilesystem",
        "read-only root filesystem",
    ),
    (
        "/securityContext/capabilities/drop/0",
        "every capability dropped",
    ),
    ("/automountServiceAccountToken", "no API token in the pod"),
    ("/enableServiceLinks", "no service links"),
];

/// What one object's fields are explained with.
pub(super) struct Cx<'a> {
    pub env: &'a EnvIr,
    pub object: &'a Value,
    pub provenance: Option<&'a Provenance>,
    pub nodes: &'a [Node],
}

impl Cx<'_> {
    pub(super) fn origin(&self, pointer: &str, value: &Value) -> Origin {
        if let Some(o) = self.waiver(pointer, value) {
            return o;
        }
        let exact = self.provenance.and_then(|p| {
            p.fields
                .values
                .iter()
                .rev()
                .find(|(q, _)| q == pointer)
                .map(|(_, s)| *s)
        });
        if let Some(span) = exact {
            return self.placed(span);
        }
        if let Some(o) = self.by_stowage(pointer) {
            return o;
        }
        match self.provenance.and_then(|p| written_above(p, pointer)) {
            Some(span) => self.placed(span),
            None => Origin::Derived {
                span: self.provenance.map(|p| p.node).or_else(|| self.item_node()),
            },
        }
    }

    /// A waiver's annotation, and the `waive` that says it.
    fn waiver(&self, pointer: &str, value: &Value) -> Option<Origin> {
        let key = pointer
            .strip_prefix("/metadata/annotations/")?
            .replace("~1", "/")
            .replace("~0", "~");
        let rule = match key.strip_prefix(WAIVER_ANNOTATION_PREFIX) {
            Some(rule) => rule.to_string(),
            None if key.starts_with("checkov.io/skip") => {
                value.as_str()?.split('=').next()?.to_string()
            }
            None => return None,
        };
        let span = self.waive_node(&rule);
        Some(Origin::Waiver { rule, span })
    }

    /// The `waive "RULE"` nearest the object: in its own node, else its environment's, else
    /// the app's.
    fn waive_node(&self, rule: &str) -> Option<Span> {
        let is_waive = |n: &&Node| n.name == "waive" && n.label() == Some(rule);
        let own = self
            .provenance
            .and_then(|p| self.top_node(p.node))
            .into_iter();
        let env = self
            .nodes
            .iter()
            .filter(|n| n.name == "environment" && n.label() == Some(&self.env.name));
        let app = self.nodes.iter().filter(|n| n.name == "app");
        own.chain(env)
            .chain(app)
            .flat_map(|n| descendants(n))
            .find(|n| is_waive(n))
            .map(|n| n.name_span)
    }

    /// Fields no spec value set: secure defaults and the policy's.
    fn by_stowage(&self, pointer: &str) -> Option<Origin> {
        let level = self.env.policy;
        if let Some((_, field)) = SECURE_DEFAULTS
            .iter()
            .find(|(suffix, _)| pointer.ends_with(suffix))
        {
            return Some(Origin::SecureDefault { field });
        }
        let why = match self.object["kind"].as_str()? {
            "NetworkPolicy" if self.provenance.is_none() => {
                "staging and production isolate the app: default deny, DNS, and a policy per workload"
            }
            "PodDisruptionBudget" if pointer.starts_with("/spec/m") => {
                "staging and production give a workload of 2 or more replicas a PodDisruptionBudget with maxUnavailable: 1"
            }
            _ if pointer.ends_with("/imagePullPolicy") => {
                "tagged images are pulled Always in staging and production, IfNotPresent in dev and for digests"
            }
            _ => return None,
        };
        Some(Origin::Policy { level, why })
    }

    /// The origin of a value written at `span`, by the top-level node that holds it.
    fn placed(&self, span: Span) -> Origin {
        let Some(top) = self.top_node(span) else {
            return Origin::Spec { span };
        };
        match top.name.as_str() {
            "environment" => Origin::Override {
                env: top.label().unwrap_or_default().to_string(),
                span,
            },
            "defaults" => Origin::Defaults {
                block: top.label().unwrap_or_default().to_string(),
                span,
            },
            "patch" | "json-patch" => Origin::Patch { span },
            "object" | "manifest" => Origin::Declared { span },
            _ => Origin::Spec { span },
        }
    }

    /// The top-level node whose text holds `span`.
    fn top_node(&self, span: Span) -> Option<&Node> {
        self.nodes
            .iter()
            .find(|n| n.span.offset <= span.offset && span.offset < n.span.offset + n.span.len)
    }

    /// The node an object without provenance comes from: the item of its name, else the app.
    fn item_node(&self) -> Option<Span> {
        let name = self.object["metadata"]["name"].as_str().unwrap_or_default();
        let logical = name.strip_prefix(self.env.prefix.as_str()).unwrap_or(name);
        self.nodes
            .iter()
            .find(|n| n.name != "environment" && n.label() == Some(logical))
            .or_else(|| self.nodes.iter().find(|n| n.name == "app"))
            .map(|n| n.name_span)
    }
}

/// The value the spec wrote at the nearest ancestor of `pointer` (a block: `resources`, a
/// patch's map); names of fields alone do not count.
fn written_above(p: &Provenance, pointer: &str) -> Option<Span> {
    let mut at = pointer;
    while let Some(i) = at.rfind('/') {
        at = &at[..i];
        if let Some((_, s)) = p.fields.values.iter().rev().find(|(q, _)| q == at) {
            return Some(*s);
        }
    }
    None
}

/// A node and every node under it.
fn descendants(n: &Node) -> Vec<&Node> {
    let mut out = vec![n];
    for c in &n.children {
        out.extend(descendants(c));
    }
    out
}
