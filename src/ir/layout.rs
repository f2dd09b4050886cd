//! Where outputs go and how they name things: shared by the emitters and the pipeline, which
//! must agree on them.

/// The kustomize tree.
pub const KUSTOMIZE_ROOT: &str = "deploy/kustomize";
/// The folder holding the Helm chart (`deploy/helm/<app>`).
pub const HELM_ROOT: &str = "deploy/helm";

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
