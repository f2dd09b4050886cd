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
        let mut spec = json!({
            "project": g.project,
            "destination": {"server": server, "namespace": g.target_namespace},
            "syncPolicy": sync,
        });
        let source =
            |path: String| json!({"repoURL": g.repo, "targetRevision": g.revision, "path": path});
        // A tree in parts: a source per part, each built by itself.
        if g.parts.is_empty() {
            spec["source"] = source(g.path.clone());
        } else {
            spec["sources"] = g
                .parts
                .iter()
                .map(|p| source(format!("{}/{p}", g.path)))
                .collect();
        }
        spec
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
    let kustomization = |name: &str, path: &str, after: Option<&str>, kubeconfig: Option<&str>| {
        let mut spec = json!({
            "interval": g.interval,
            "sourceRef": {"kind": "GitRepository", "name": g.name()},
            "path": format!("./{path}"),
            "prune": g.prune,
            "wait": true,
        });
        if let Some(after) = after {
            spec["dependsOn"] = json!([{"name": after}]);
        }
        if let Some(secret) = kubeconfig {
            spec["kubeConfig"] = json!({"secretRef": {"name": secret}});
        }
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": metadata(g, name),
            "spec": spec,
        })
    };
    let mut targets: Vec<(String, Option<&str>)> = g
        .clusters
        .iter()
        .map(|(cluster, secret)| (format!("{}-{cluster}", g.name()), Some(secret.as_str())))
        .collect();
    if targets.is_empty() {
        targets.push((g.name(), None));
    }
    let mut docs = vec![source];
    for (name, kubeconfig) in &targets {
        if g.parts.is_empty() {
            docs.push(kustomization(name, &g.path, None, *kubeconfig));
            continue;
        }
        // A tree in parts: a Kustomization per part, each applied after the one before.
        let mut after: Option<String> = None;
        for part in &g.parts {
            let part_name = format!("{name}-{part}");
            let path = format!("{}/{part}", g.path);
            docs.push(kustomization(
                &part_name,
                &path,
                after.as_deref(),
                *kubeconfig,
            ));
            after = Some(part_name);
        }
    }
    docs
}
