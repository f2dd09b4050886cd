//! Fields with a designated place: names with the environment's prefix, the release's
//! namespace, labels and selectors from the helpers, and what a user tunes per install
//! (replicas, image, resources, probes, scheduling, autoscaling...) as well-known values.

use super::{Obj, VPath, Walker, present};
use crate::emit::helm::tpl::{Guard, Node};
use serde_json::Value;

/// Whether a kind is a workload (it has a pod template).
fn is_workload(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "CronJob" | "Job" | "Rollout"
    )
}

impl Walker<'_> {
    /// The node of a field that has a designated place: None for other fields.
    pub(super) fn designated(
        &mut self,
        obj: &Obj,
        path: &[String],
        vs: &[Option<&Value>],
    ) -> Option<(Node, Guard)> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let always = |n: Node| (n, Guard::Always);
        if let Some(n) = self.custom_reference(obj, &p, vs) {
            return Some(always(n));
        }
        let root = &obj.root;
        match p.as_slice() {
            ["metadata", "name"] => self.name_ref(obj, vs, obj.kind).map(always),
            ["metadata", "namespace"] | [.., "template", "metadata", "namespace"] => Some((
                Node::Expr("{{ $.Release.Namespace }}".into()),
                Guard::Always,
            )),
            ["metadata", "labels"] => self.labels(obj, vs, "labels").map(always),
            [.., "matchLabels"] | ["spec", "selector"] => self.selector(obj, vs).map(always),
            ["spec", "replicas"] if is_workload(obj.kind) => {
                Some(self.value(vs, obj.workload.child("replicas")))
            }
            ["spec", "serviceName"] => self.name_ref(obj, vs, "Service").map(always),
            ["spec", "scaleTargetRef", "name"] if obj.kind == "HorizontalPodAutoscaler" => self
                .name_ref(obj, vs, "Deployment")
                .or_else(|| self.name_ref(obj, vs, "StatefulSet"))
                .or_else(|| self.name_ref(obj, vs, "Rollout"))
                .map(always),
            ["spec", field @ ("minReplicas" | "maxReplicas")]
                if obj.kind == "HorizontalPodAutoscaler" =>
            {
                Some(self.value(vs, root.child(field)))
            }
            ["spec", field @ ("minReplicaCount" | "maxReplicaCount")]
                if obj.kind == "ScaledObject" =>
            {
                Some(self.value(vs, root.child(field)))
            }
            ["spec", "updatePolicy", "updateMode"] if obj.kind == "VerticalPodAutoscaler" => {
                Some(self.value(vs, root.child("updateMode")))
            }
            ["spec", "metrics"] if obj.kind == "HorizontalPodAutoscaler" => self.metrics(obj, vs),
            ["spec", field @ ("maxUnavailable" | "minAvailable")]
                if obj.kind == "PodDisruptionBudget" =>
            {
                Some(self.value(vs, root.child(field)))
            }
            ["data"] if obj.kind == "ConfigMap" => Some(self.value(vs, root.child("data"))),
            ["roleRef", "name"] if obj.kind == "RoleBinding" => {
                self.name_ref(obj, vs, "Role").map(always)
            }
            ["subjects", _, "name"] if obj.kind == "RoleBinding" => {
                self.name_ref(obj, vs, "ServiceAccount").map(always)
            }
            _ => self.pod_field(obj, &p, vs),
        }
    }

    /// A reference kustomize is taught (`ir::naming::REFERENCES`): the prefixed name, when it
    /// names one of the chart's objects.
    fn custom_reference(&self, obj: &Obj, p: &[&str], vs: &[Option<&Value>]) -> Option<Node> {
        let fields: Vec<&str> = p
            .iter()
            .copied()
            .filter(|s| s.parse::<usize>().is_err())
            .collect();
        let path = fields.join("/");
        crate::ir::naming::REFERENCES
            .iter()
            .filter(|r| r.from == obj.kind && r.path == path)
            .find_map(|r| self.name_ref(obj, vs, r.to))
    }

    /// A field of a workload's pod template that has a designated place: None for others.
    fn pod_field(&mut self, obj: &Obj, p: &[&str], vs: &[Option<&Value>]) -> Option<(Node, Guard)> {
        let pod_prefix: &[&str] = match obj.kind {
            "CronJob" => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        };
        if !is_workload(obj.kind)
            || p.len() < pod_prefix.len()
            || p[..pod_prefix.len()] != *pod_prefix
        {
            return None;
        }
        let w = &obj.workload;
        let always = |n: Node| (n, Guard::Always);
        match &p[pod_prefix.len()..] {
            ["metadata", "labels"] => self.labels(obj, vs, "podLabels").map(always),
            ["metadata", "annotations"] => Some(self.value(vs, w.child("podAnnotations"))),
            ["spec", "securityContext"] => Some(self.value(vs, w.child("podSecurityContext"))),
            [
                "spec",
                f @ ("affinity" | "nodeSelector" | "topologySpreadConstraints" | "tolerations"),
            ] => Some(self.value(vs, w.child(f))),
            ["spec", "volumes", _, "configMap", "name"]
            | [
                "spec",
                _,
                _,
                "env",
                _,
                "valueFrom",
                "configMapKeyRef",
                "name",
            ]
            | ["spec", _, _, "envFrom", _, "configMapRef", "name"] => {
                self.name_ref(obj, vs, "ConfigMap").map(always)
            }
            ["spec", "serviceAccountName"] => self.name_ref(obj, vs, "ServiceAccount").map(always),
            ["spec", "containers", "0", "image"] => Some(self.image(vs, w)),
            ["spec", "containers", "0", "imagePullPolicy"] => {
                Some(self.value(vs, w.child("image").child("pullPolicy")))
            }
            [
                "spec",
                "containers",
                "0",
                f @ ("resources" | "livenessProbe" | "readinessProbe" | "startupProbe"
                | "securityContext"),
            ] => Some(self.value(vs, w.child(f))),
            ["spec", "containers", "0", "env"] => self.env(obj, vs, w),
            _ => None,
        }
    }

    /// The first container's image: repository, tag and digest as values.
    fn image(&mut self, vs: &[Option<&Value>], w: &VPath) -> (Node, Guard) {
        let img = w.child("image");
        for (i, v) in present(vs) {
            let s = v.as_str().unwrap_or_default();
            let (repo, tag, digest) = crate::emit::helm::split_image(s);
            self.values.set(
                self.configs[i],
                &img.child("repository"),
                Value::String(repo),
            );
            if let Some(t) = tag {
                self.values
                    .set(self.configs[i], &img.child("tag"), Value::String(t));
            }
            if let Some(d) = digest {
                self.values
                    .set(self.configs[i], &img.child("digest"), Value::String(d));
            }
        }
        let e = img.expr();
        let expr = format!(
            "\"{{{{ {e}.repository }}}}{{{{ with {e}.digest }}}}@{{{{ . }}}}{{{{ else }}}}{{{{ with {e}.tag }}}}:{{{{ . }}}}{{{{ end }}}}{{{{ end }}}}\""
        );
        (Node::Expr(expr), Guard::Always)
    }
}
