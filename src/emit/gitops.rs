//! Argo CD and Flux: `deploy/gitops/<env>.yaml` for each environment a GitOps tool delivers.
//!
//! Argo CD gets an Application (an ApplicationSet with a list generator over several clusters),
//! Flux a GitRepository and a Kustomization per cluster (a remote cluster through its
//! kubeconfig Secret). They follow the release branch a pipeline deploy publishes, or the
//! spec's branch, and apply the release kustomization or the overlay. Applied once to the
//! cluster running the tool; from then on it deploys by itself.

use super::{FileSet, header, yaml};
use crate::ir::Ir;
use crate::ir::gitops::{GitopsIr, GitopsTool};
use serde_json::{Value, json};

/// The folder of the GitOps tools' objects.
pub const ROOT: &str = crate::layout::GITOPS_ROOT;

/// A file per environment a GitOps tool delivers.
pub fn emit(ir: &Ir) -> FileSet {
    let head = header(&ir.spec_file);
    ir.gitops
        .iter()
        .map(|g| {
            let docs = match g.tool {
                GitopsTool::Argocd => vec![argocd(g)],
                GitopsTool::Flux => flux(g),
            };
            (
                format!("{ROOT}/{}.yaml", g.env),
                yaml::documents(&head, &docs),
            )
        })
        .collect()
}

/// The tool's objects' metadata: named after the app and the environment, in the tool's
/// namespace.
fn metadata(g: &GitopsIr, name: &str) -> Value {
    json!({
        "name": name,
        "namespace": g.namespace,
        "labels": {
            "app.kubernetes.io/part-of": g.app,
            "app.kubernetes.io/managed-by": "stowage",
        },
    })
}

/// An Application, or an ApplicationSet over the clusters.
fn argocd(g: &GitopsIr) -> Value {
    let spec = |server: &str| {
        let mut sync = json!({"automated": {"prune": g.prune, "selfHeal": true}});
        sync["syncOptions"] = json!(["ApplyOutOfSyncOnly=true"]);
        json!({
            "project": g.project,
            "source": {"repoURL": g.repo, "targetRevision": g.revision, "path": g.path},
            "destination": {"server": server, "namespace": g.target_namespace},
            "syncPolicy": sync,
        })
    };
    if g.clusters.is_empty() {
        return json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": metadata(g, &g.name()),
            "spec": spec("https://kubernetes.default.svc"),
        });
    }
    let elements: Vec<Value> = g
        .clusters
        .iter()
        .map(|(name, server)| json!({"cluster": name, "server": server}))
        .collect();
    let name = format!("{}-{{{{.cluster}}}}", g.name());
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": metadata(g, &g.name()),
        "spec": {
            "goTemplate": true,
            "goTemplateOptions": ["missingkey=error"],
            "generators": [{"list": {"elements": elements}}],
            "template": {
                "metadata": {"name": name, "labels": metadata(g, "")["labels"]},
                "spec": spec("{{.server}}"),
            },
        },
    })
}

/// A GitRepository, and a Kustomization per cluster (one for the tool's own cluster).
fn flux(g: &GitopsIr) -> Vec<Value> {
    let source = json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": metadata(g, &g.name()),
        "spec": {"interval": g.interval, "url": g.repo, "ref": {"branch": g.revision}},
    });
    let kustomization = |name: String, kubeconfig: Option<&str>| {
        let mut spec = json!({
            "interval": g.interval,
            "sourceRef": {"kind": "GitRepository", "name": g.name()},
            "path": format!("./{}", g.path),
            "prune": g.prune,
            "wait": true,
        });
        if let Some(secret) = kubeconfig {
            spec["kubeConfig"] = json!({"secretRef": {"name": secret}});
        }
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": metadata(g, &name),
            "spec": spec,
        })
    };
    let mut docs = vec![source];
    if g.clusters.is_empty() {
        docs.push(kustomization(g.name(), None));
    }
    for (cluster, secret) in &g.clusters {
        docs.push(kustomization(
            format!("{}-{cluster}", g.name()),
            Some(secret),
        ));
    }
    docs
}
