//! Environment policies: which rules each policy level enforces, and what it generates.
//!
//! Shared by [`crate::check`] (which reports violations) and [`crate::ir`] (which applies the
//! defaults). Emitters never look at policies: by the time they run, every policy decision is
//! already an object in the IR.

use crate::diagnostic::Severity;
use crate::syntax::ast::PolicyLevel;

/// A rule a policy can enforce, and that a spec can waive for one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Replicas,
    Resources,
    Probes,
    Security,
    ImageTag,
    Tls,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::Replicas,
        Rule::Resources,
        Rule::Probes,
        Rule::Security,
        Rule::ImageTag,
        Rule::Tls,
    ];

    /// The name used in `waive "NAME"` and in the diagnostic code `stowage::policy::NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Replicas => "replicas",
            Rule::Resources => "resources",
            Rule::Probes => "probes",
            Rule::Security => "security",
            Rule::ImageTag => "image-tag",
            Rule::Tls => "tls",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Rule::Replicas => "stowage::policy::replicas",
            Rule::Resources => "stowage::policy::resources",
            Rule::Probes => "stowage::policy::probes",
            Rule::Security => "stowage::policy::security",
            Rule::ImageTag => "stowage::policy::image-tag",
            Rule::Tls => "stowage::policy::tls",
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The annotation that records a waiver on the object it applies to.
    pub fn waiver_annotation(self) -> String {
        format!("waivers.stowage.dev/{}", self.name())
    }
}

/// How a policy level treats a rule: `None` when the rule is off.
pub fn severity(level: PolicyLevel, rule: Rule) -> Option<Severity> {
    use PolicyLevel::*;
    use Rule::*;
    match (level, rule) {
        (Production, _) => Some(Severity::Error),
        (Staging, Replicas) => None,
        (Staging, ImageTag) => Some(Severity::Warning),
        (Staging, _) => Some(Severity::Error),
        (Dev, Security) => Some(Severity::Warning),
        (Dev, _) => None,
    }
}

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
pub fn default_pull(level: PolicyLevel, digest: bool, tagged: bool) -> &'static str {
    match (digest, tagged) {
        (true, _) => "IfNotPresent",
        (false, true) if level == PolicyLevel::Dev => "IfNotPresent",
        _ => "Always",
    }
}

/// Minimum replicas the replicas rule asks for.
pub const MIN_REPLICAS: i64 = 2;
