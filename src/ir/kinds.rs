//! Every kind of object stowage makes, declared once: its API version, where `kubectl apply`
//! wants it in the order of creation, and whether kustomize knows its schema.
//!
//! The lowering builds objects of these kinds; sorting, kustomize's patches and the diff read
//! the table. A kind not in it (a custom resource) sorts last and has no known schema.

/// Whether kustomize knows a kind's schema (and so merges its lists by key) or treats it as a
/// custom resource (lists are replaced whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Builtin,
    Custom,
}

/// One kind of object.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub kind: &'static str,
    pub api_version: &'static str,
    /// Creation order: lower first.
    pub rank: u8,
    pub schema: Schema,
}

const fn kind(kind: &'static str, api_version: &'static str, rank: u8, schema: Schema) -> Kind {
    Kind {
        kind,
        api_version,
        rank,
        schema,
    }
}

use Schema::{Builtin, Custom};

pub const NAMESPACE: Kind = kind("Namespace", "v1", 0, Builtin);
// Kubernetes' own since 1.30, but not in kustomize v5.5's schema: custom to kustomize.
pub const VALIDATING_ADMISSION_POLICY: Kind = kind(
    "ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/v1",
    0,
    Custom,
);
pub const VALIDATING_ADMISSION_POLICY_BINDING: Kind = kind(
    "ValidatingAdmissionPolicyBinding",
    "admissionregistration.k8s.io/v1",
    0,
    Custom,
);
pub const NETWORK_POLICY: Kind = kind("NetworkPolicy", "networking.k8s.io/v1", 1, Builtin);
pub const SERVICE_ACCOUNT: Kind = kind("ServiceAccount", "v1", 2, Builtin);
pub const ROLE: Kind = kind("Role", "rbac.authorization.k8s.io/v1", 2, Builtin);
pub const ROLE_BINDING: Kind = kind("RoleBinding", "rbac.authorization.k8s.io/v1", 2, Builtin);
pub const SECRET: Kind = kind("Secret", "v1", 3, Builtin);
pub const SEALED_SECRET: Kind = kind("SealedSecret", "bitnami.com/v1alpha1", 3, Custom);
pub const EXTERNAL_SECRET: Kind = kind("ExternalSecret", "external-secrets.io/v1", 3, Custom);
pub const CONFIG_MAP: Kind = kind("ConfigMap", "v1", 4, Builtin);
pub const PERSISTENT_VOLUME_CLAIM: Kind = kind("PersistentVolumeClaim", "v1", 5, Builtin);
pub const SERVICE: Kind = kind("Service", "v1", 6, Builtin);
pub const DEPLOYMENT: Kind = kind("Deployment", "apps/v1", 7, Builtin);
pub const STATEFUL_SET: Kind = kind("StatefulSet", "apps/v1", 7, Builtin);
pub const ROLLOUT: Kind = kind("Rollout", "argoproj.io/v1alpha1", 7, Custom);
pub const CRON_JOB: Kind = kind("CronJob", "batch/v1", 8, Builtin);
pub const JOB: Kind = kind("Job", "batch/v1", 8, Builtin);
pub const HORIZONTAL_POD_AUTOSCALER: Kind =
    kind("HorizontalPodAutoscaler", "autoscaling/v2", 9, Builtin);
pub const POD_DISRUPTION_BUDGET: Kind = kind("PodDisruptionBudget", "policy/v1", 10, Builtin);
pub const INGRESS: Kind = kind("Ingress", "networking.k8s.io/v1", 11, Builtin);
pub const SERVICE_MONITOR: Kind = kind("ServiceMonitor", "monitoring.coreos.com/v1", 12, Custom);
pub const PROMETHEUS_RULE: Kind = kind("PrometheusRule", "monitoring.coreos.com/v1", 12, Custom);
pub const SCALED_OBJECT: Kind = kind("ScaledObject", "keda.sh/v1alpha1", 12, Custom);
pub const TRIGGER_AUTHENTICATION: Kind =
    kind("TriggerAuthentication", "keda.sh/v1alpha1", 12, Custom);
pub const ANALYSIS_TEMPLATE: Kind = kind("AnalysisTemplate", "argoproj.io/v1alpha1", 6, Custom);
pub const VERTICAL_POD_AUTOSCALER: Kind =
    kind("VerticalPodAutoscaler", "autoscaling.k8s.io/v1", 12, Custom);

/// Every kind, in creation order.
pub static ALL: &[Kind] = &[
    NAMESPACE,
    VALIDATING_ADMISSION_POLICY,
    VALIDATING_ADMISSION_POLICY_BINDING,
    NETWORK_POLICY,
    SERVICE_ACCOUNT,
    ROLE,
    ROLE_BINDING,
    SECRET,
    SEALED_SECRET,
    EXTERNAL_SECRET,
    CONFIG_MAP,
    PERSISTENT_VOLUME_CLAIM,
    SERVICE,
    ANALYSIS_TEMPLATE,
    DEPLOYMENT,
    STATEFUL_SET,
    ROLLOUT,
    CRON_JOB,
    JOB,
    HORIZONTAL_POD_AUTOSCALER,
    POD_DISRUPTION_BUDGET,
    INGRESS,
    SERVICE_MONITOR,
    PROMETHEUS_RULE,
    SCALED_OBJECT,
    TRIGGER_AUTHENTICATION,
    VERTICAL_POD_AUTOSCALER,
];

/// The declaration of a kind, by its name.
pub fn of(kind: &str) -> Option<&'static Kind> {
    ALL.iter().find(|k| k.kind == kind)
}

/// Creation order of a kind: custom resources last.
pub fn rank(kind: &str) -> u8 {
    of(kind).map_or(12, |k| k.rank)
}

/// Whether kustomize knows the schema of objects of this API version and kind.
pub fn schema(api_version: &str, kind: &str) -> Schema {
    match of(kind) {
        Some(k) if k.api_version == api_version => k.schema,
        _ => Schema::Custom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table agrees with k8s-openapi for every built-in kind it lists.
    #[test]
    fn built_in_kinds_are_k8s_openapis() {
        use k8s_openapi::Resource;
        use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy, rbac};
        let known = [
            (core::v1::Namespace::KIND, core::v1::Namespace::API_VERSION),
            (
                networking::v1::NetworkPolicy::KIND,
                networking::v1::NetworkPolicy::API_VERSION,
            ),
            (
                core::v1::ServiceAccount::KIND,
                core::v1::ServiceAccount::API_VERSION,
            ),
            (rbac::v1::Role::KIND, rbac::v1::Role::API_VERSION),
            (
                rbac::v1::RoleBinding::KIND,
                rbac::v1::RoleBinding::API_VERSION,
            ),
            (core::v1::Secret::KIND, core::v1::Secret::API_VERSION),
            (core::v1::ConfigMap::KIND, core::v1::ConfigMap::API_VERSION),
            (
                core::v1::PersistentVolumeClaim::KIND,
                core::v1::PersistentVolumeClaim::API_VERSION,
            ),
            (core::v1::Service::KIND, core::v1::Service::API_VERSION),
            (
                apps::v1::Deployment::KIND,
                apps::v1::Deployment::API_VERSION,
            ),
            (
                apps::v1::StatefulSet::KIND,
                apps::v1::StatefulSet::API_VERSION,
            ),
            (batch::v1::CronJob::KIND, batch::v1::CronJob::API_VERSION),
            (batch::v1::Job::KIND, batch::v1::Job::API_VERSION),
            (
                autoscaling::v2::HorizontalPodAutoscaler::KIND,
                autoscaling::v2::HorizontalPodAutoscaler::API_VERSION,
            ),
            (
                policy::v1::PodDisruptionBudget::KIND,
                policy::v1::PodDisruptionBudget::API_VERSION,
            ),
            (
                networking::v1::Ingress::KIND,
                networking::v1::Ingress::API_VERSION,
            ),
        ];
        for k in ALL.iter().filter(|k| k.schema == Schema::Builtin) {
            assert!(
                known.contains(&(k.kind, k.api_version)),
                "{} {} is not a built-in kind",
                k.api_version,
                k.kind
            );
        }
        assert_eq!(
            known.len(),
            ALL.iter().filter(|k| k.schema == Schema::Builtin).count()
        );
    }
}
