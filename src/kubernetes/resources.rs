//! The namespaced resources of Kubernetes a Role names, with their API groups, read from
//! k8s-openapi's types: `deployments` is in `apps`, `pods` in the core group (`""`).

use k8s_openapi::Resource;
use k8s_openapi::api::{
    apps, autoscaling, batch, coordination, core, discovery, networking, policy, rbac,
};

/// A resource's path segment (its plural) and group.
fn of<T: Resource>() -> (&'static str, &'static str) {
    (T::URL_PATH_SEGMENT, T::GROUP)
}

/// The namespaced resources of Kubernetes, by plural (the first of a plural wins: `events`
/// is the core group's).
fn table() -> [(&'static str, &'static str); 27] {
    [
        of::<core::v1::Pod>(),
        of::<core::v1::Service>(),
        of::<core::v1::ConfigMap>(),
        of::<core::v1::Secret>(),
        of::<core::v1::PersistentVolumeClaim>(),
        of::<core::v1::ServiceAccount>(),
        of::<core::v1::Endpoints>(),
        of::<core::v1::Event>(),
        of::<core::v1::LimitRange>(),
        of::<core::v1::ResourceQuota>(),
        of::<core::v1::ReplicationController>(),
        of::<core::v1::PodTemplate>(),
        of::<apps::v1::Deployment>(),
        of::<apps::v1::StatefulSet>(),
        of::<apps::v1::DaemonSet>(),
        of::<apps::v1::ReplicaSet>(),
        of::<apps::v1::ControllerRevision>(),
        of::<batch::v1::Job>(),
        of::<batch::v1::CronJob>(),
        of::<autoscaling::v2::HorizontalPodAutoscaler>(),
        of::<policy::v1::PodDisruptionBudget>(),
        of::<networking::v1::Ingress>(),
        of::<networking::v1::NetworkPolicy>(),
        of::<coordination::v1::Lease>(),
        of::<discovery::v1::EndpointSlice>(),
        of::<rbac::v1::Role>(),
        of::<rbac::v1::RoleBinding>(),
    ]
}

/// The API group of a namespaced resource of Kubernetes (`deployments/scale`: `deployments`'s),
/// or None when Kubernetes has no such resource.
pub fn group_of(resource: &str) -> Option<&'static str> {
    let plural = resource.split('/').next().unwrap_or(resource);
    table()
        .into_iter()
        .find(|(p, _)| *p == plural)
        .map(|(_, g)| g)
}

/// The plurals Kubernetes has, for suggestions.
pub fn plurals() -> Vec<&'static str> {
    table().into_iter().map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_k8s_openapis() {
        assert_eq!(group_of("deployments/scale"), Some("apps"));
        assert_eq!(group_of("pods/log"), Some(""));
        assert_eq!(group_of("events"), Some(""));
        assert_eq!(group_of("leases"), Some("coordination.k8s.io"));
        assert_eq!(group_of("roles"), Some(rbac::v1::Role::GROUP));
        assert_eq!(rbac::v1::RoleBinding::URL_PATH_SEGMENT, "rolebindings");
        assert_eq!(group_of("widgets"), None);
    }
}
