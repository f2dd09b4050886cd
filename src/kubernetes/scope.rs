//! Which kinds of Kubernetes are cluster-scoped (no namespace): everything else a spec
//! declares goes to its environment's namespace. Custom resources say it in their CRD.

/// The cluster-scoped kinds of Kubernetes (every version stowage targets).
pub const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CustomResourceDefinition",
    "DeviceClass",
    "DeviceTaintRule",
    "FlowSchema",
    "IPAddress",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersion",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// Whether objects of a kind of Kubernetes are cluster-scoped.
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::is_cluster_scoped;
    use k8s_openapi::api::{apps, core, networking, rbac, scheduling, storage};
    use k8s_openapi::{ClusterResourceScope, Resource};
    use std::any::TypeId;

    fn agrees<T: Resource>() -> bool
    where
        T::Scope: 'static,
    {
        let cluster = TypeId::of::<T::Scope>() == TypeId::of::<ClusterResourceScope>();
        cluster == is_cluster_scoped(T::KIND)
    }

    /// The table agrees with k8s-openapi's scopes.
    #[test]
    fn scopes_are_k8s_openapis() {
        assert!(agrees::<core::v1::Namespace>());
        assert!(agrees::<core::v1::PersistentVolume>());
        assert!(agrees::<core::v1::PersistentVolumeClaim>());
        assert!(agrees::<core::v1::ServiceAccount>());
        assert!(agrees::<apps::v1::Deployment>());
        assert!(agrees::<rbac::v1::ClusterRole>());
        assert!(agrees::<rbac::v1::Role>());
        assert!(agrees::<rbac::v1::ClusterRoleBinding>());
        assert!(agrees::<scheduling::v1::PriorityClass>());
        assert!(agrees::<storage::v1::StorageClass>());
        assert!(agrees::<networking::v1::IngressClass>());
        assert!(agrees::<networking::v1::NetworkPolicy>());
    }
}
