//! Where outputs go and how they name things: shared by the emitters and the pipeline, which
//! must agree on them.

/// The kustomize tree.
pub const KUSTOMIZE_ROOT: &str = "deploy/kustomize";
/// The folder holding the Helm chart (`deploy/helm/<app>`).
pub const HELM_ROOT: &str = "deploy/helm";
/// The Argo CD and Flux objects of environments a GitOps tool delivers.
pub const GITOPS_ROOT: &str = "deploy/gitops";

/// Objects are grouped into files (kustomize `GROUP.yaml`, Helm `templates/GROUP.yaml`) and
/// Helm values by the workload they belong to; these groups hold everything else.
pub const NAMESPACE_GROUP: &str = "namespace";
pub const CONFIG_GROUP: &str = "config";
pub const SECRETS_GROUP: &str = "secrets";
pub const NETWORK_GROUP: &str = "network";
/// ServiceAccounts the spec makes, their Roles and RoleBindings.
pub const ACCESS_GROUP: &str = "access";
/// The AnalysisTemplates of `analysis`.
pub const ANALYSIS_GROUP: &str = "analysis";
/// Objects declared with `object` or read from a `manifest`.
pub const OBJECTS_GROUP: &str = "objects";
/// The ValidatingAdmissionPolicies (and bindings) of a policy with `admission=#true`.
pub const ADMISSION_GROUP: &str = "admission";
/// File stems a workload's group may not take: the fixed groups, and the kustomization.
pub const RESERVED_GROUPS: &[&str] = &[
    NAMESPACE_GROUP,
    CONFIG_GROUP,
    SECRETS_GROUP,
    NETWORK_GROUP,
    ACCESS_GROUP,
    ANALYSIS_GROUP,
    OBJECTS_GROUP,
    ADMISSION_GROUP,
    "kustomization",
];

/// The group of an ingress.
pub fn ingress_group(name: &str) -> String {
    format!("ingress-{name}")
}

/// Top-level keys of the Helm values that are not workloads'.
pub const HELM_VALUES_KEYS: &[&str] = &[
    "namePrefix",
    "labels",
    "configMaps",
    "secrets",
    "networkPolicies",
    "ingress",
    "access",
    "analysis",
    "objects",
];

/// The Helm values key of a workload or object name: camelCase (`celery-worker` ->
/// `celeryWorker`).
pub fn values_key(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '-' || c == '.' || c == '_' || c == '/' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}
