//! Every risk class, declared once: its stable id (what `--fail-on` takes and JSON gives), its
//! severity, and its doc comment, the explanation output and the book show (the first sentence
//! is the one-line explanation; the book's table, `book/src/risk-classes.md`, is generated).

/// How much a class of change matters to a reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Low, Severity::Medium, Severity::High];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A class of risky change.
#[derive(Debug)]
pub struct Class {
    /// Stable, kebab-case.
    pub id: &'static str,
    pub severity: Severity,
    /// Markdown: the first sentence explains the class in one line; the rest says what is
    /// flagged and what is not.
    pub doc: &'static str,
}

impl Class {
    /// The first sentence of the documentation.
    pub fn summary(&self) -> &'static str {
        crate::diagnostic::code::first_sentence(self.doc)
    }

    pub fn from_id(id: &str) -> Option<&'static Class> {
        ALL.iter().copied().find(|c| c.id == id)
    }
}

impl PartialEq for Class {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

macro_rules! classes {
    ($( $(#[doc = $doc:literal])+ $name:ident = $id:literal, $severity:ident; )+) => {
        $(
            $(#[doc = $doc])+
            pub static $name: Class = Class {
                id: $id,
                severity: Severity::$severity,
                doc: concat!($($doc, "\n"),+),
            };
        )+
        /// Every class, in the order the book lists them.
        pub static ALL: &[&Class] = &[$(&$name),+];
    };
}

classes! {
    /// A production workload runs fewer replicas. Flagged in environments whose policy is
    /// `production`: a Deployment's or StatefulSet's `replicas`, or a HorizontalPodAutoscaler's
    /// `minReplicas`, lowered. Not flagged in other environments, nor when `replicas` gives way
    /// to an autoscaler.
    REPLICAS_LOWERED = "replicas-lowered", Medium;
    /// A production workload may lose more pods at once during node maintenance. Flagged in
    /// environments whose policy is `production`: a PodDisruptionBudget removed, its
    /// `minAvailable` lowered or its `maxUnavailable` raised.
    DISRUPTION_LOOSENED = "disruption-loosened", Medium;
    /// A container's CPU or memory limit is lowered or removed. A lowered limit can throttle or
    /// kill the container; without one it may starve its neighbours. Flagged for `limits.cpu`
    /// and `limits.memory` of every container that stays; raised limits are not flagged.
    LIMITS_LOWERED = "limits-lowered", Medium;
    /// A container loses a health check. Flagged when a container that stays loses its
    /// `livenessProbe`, `readinessProbe` or `startupProbe`.
    PROBE_REMOVED = "probe-removed", Medium;
    /// Something new is reachable from outside the cluster. Flagged when a Service becomes (or
    /// is added as) `LoadBalancer` or `NodePort`, a load balancer's `loadBalancerSourceRanges`
    /// are removed, or an Ingress serves a host it did not.
    EXPOSURE_ADDED = "exposure-added", High;
    /// Pods may send traffic somewhere new. Flagged when a NetworkPolicy's egress admits every
    /// address (`0.0.0.0/0`, `::/0`, or a rule with no `to`) or a namespace it did not admit.
    EGRESS_WIDENED = "egress-widened", High;
    /// Pods accept traffic they refused. Flagged when a NetworkPolicy is removed, drops a policy
    /// type, or an ingress rule admits every source (no `from`) or sources it did not admit.
    NETWORK_POLICY_LOOSENED = "network-policy-loosened", High;
    /// An account may do more in the cluster. Flagged when a Role or ClusterRole is added or
    /// grants verbs, resources or API groups it did not (`*` included), and when a RoleBinding
    /// or ClusterRoleBinding is added, binds another role or gains subjects.
    RBAC_WIDENED = "rbac-widened", High;
    /// A pod or container runs with fewer protections. Flagged when `runAsNonRoot` is turned off
    /// or removed, `runAsUser` becomes 0, `privileged` or `allowPrivilegeEscalation` is turned
    /// on, capabilities are added or no longer dropped, `readOnlyRootFilesystem` is turned off,
    /// a host namespace (`hostNetwork`, `hostPID`, `hostIPC`) is shared, or the seccomp profile
    /// is removed or `Unconfined`.
    SECURITY_WEAKENED = "security-weakened", High;
    /// An image reference can now change under the same name. Flagged when an image pinned by
    /// digest becomes a tag, or an image moves to `latest` or to no tag at all.
    IMAGE_MUTABLE = "image-mutable", Medium;
    /// An image is pulled from another registry. Flagged when the registry host of a
    /// container's image changes (`ghcr.io/acme/api` to `docker.io/acme/api`).
    IMAGE_REGISTRY_CHANGED = "image-registry-changed", Medium;
    /// A secret's values come from somewhere else. Flagged when a secret changes how it is
    /// delivered (a SealedSecret becomes an ExternalSecret, or the other way), or an
    /// ExternalSecret reads another store or other remote keys.
    SECRET_SOURCE_CHANGED = "secret-source-changed", Medium;
    /// An environment is held to a laxer policy. Flagged when an environment's `policy` goes
    /// from `production` to `staging` or `dev`, or from `staging` to `dev`; when a rule it held
    /// is no longer held or turns from an error into a warning; and when its policy is no longer
    /// enforced at admission.
    POLICY_LOWERED = "policy-lowered", High;
    /// A policy rule or scanner check is switched off for an object. Flagged when an object
    /// gains a `waivers.stowage.dev/...` annotation (a `waive` on it, its environment or the
    /// app), including an added object that carries one.
    WAIVER_ADDED = "waiver-added", Low;
    /// A deploy no longer waits for a person. Flagged when a deploy loses `approval=#true`, or a
    /// deploy with approval is removed while its environment stays deployed.
    APPROVAL_REMOVED = "approval-removed", High;
    /// Images may be deployed without passing the vulnerability scan. Flagged when the
    /// pipeline's `scan` is removed, stops failing the pipeline (`fail=#false`), or fails it
    /// for fewer severities.
    SCAN_GATE_REMOVED = "scan-gate-removed", High;
    /// A deploy runs on more events than before. Flagged when a deploy gains a trigger (a
    /// branch or tag pattern it did not have), or a manual deploy becomes automatic.
    TRIGGER_WIDENED = "trigger-widened", Medium;
}

/// The book's table of classes (`book/src/risk-classes.md`).
pub fn book_page() -> String {
    let mut out = String::from(
        "# Risk classes\n\n<!-- generated by stowage from src/output/risk/classes.rs; do not edit -->\n\n\
         `stowage diff` lists the changes of these classes first. Each has a stable id (what \
         `--fail-on` takes and the JSON output gives) and a severity (what `--fail-on-severity` \
         compares with). See [Reviewing a change](reviewing.md).\n\n\
         | id | severity | what is flagged |\n| --- | --- | --- |\n",
    );
    for c in ALL {
        let doc = c.doc.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!("| `{}` | {} | {doc} |\n", c.id, c.severity.name()));
    }
    out
}
