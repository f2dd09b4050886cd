//! Environments delivered by Argo CD or Flux: what their objects say, computed once. The
//! gitops emitter writes the objects; the pipeline's deploy of such an environment publishes
//! the branch they follow.

/// The vocabulary's enum, as the emitters see it.
pub use crate::syntax::ast::GitopsTool;
use crate::syntax::ast::Spec;

/// The branch a pipeline's deploy publishes an environment to, for its GitOps tool to follow.
pub fn release_branch(env: &str) -> String {
    format!("stowage/{env}")
}

#[derive(Debug, Clone)]
pub struct GitopsIr {
    pub app: String,
    pub env: String,
    pub tool: GitopsTool,
    /// The git repository the tool reads.
    pub repo: String,
    /// The branch it follows: the release branch when a deploy publishes it, else `branch=`.
    pub revision: String,
    /// Whether a pipeline deploy publishes the release branch (with the built images' tags).
    pub published: bool,
    /// The folder the tool applies, from the repository root (set by [`GitopsIr::place`]).
    pub path: String,
    /// Where the tool's own objects live.
    pub namespace: String,
    /// The environment's namespace.
    pub target_namespace: String,
    pub project: String,
    pub interval: String,
    pub prune: bool,
    /// (name, API server URL for Argo CD or kubeconfig Secret for Flux).
    pub clusters: Vec<(String, String)>,
    /// The kustomize tree's parts, under `path`, in the order they are applied (empty when
    /// it is written whole).
    pub parts: Vec<String>,
}

impl GitopsIr {
    /// The name of the tool's objects: `APP-ENV`.
    pub fn name(&self) -> String {
        format!("{}-{}", self.app, self.env)
    }

    /// Place the applied folder under the output folder `out` (from the repository root: empty
    /// or ending in `/`): the release kustomization a deploy publishes, or the overlay.
    pub fn place(&mut self, out: &str) {
        let folder = if self.published {
            format!(".release-{}", self.env)
        } else {
            format!("overlays/{}", self.env)
        };
        self.path = format!("{out}{}/{folder}", crate::layout::KUSTOMIZE_ROOT);
    }
}

/// The GitOps delivery of every environment that has one.
pub(super) fn lower(
    spec: &Spec,
    namespaces: &[(String, String)],
    parts: &super::parts::Parts,
) -> Vec<GitopsIr> {
    let deployed: Vec<&str> = spec
        .pipeline
        .iter()
        .flat_map(|p| p.deploys.iter())
        .map(|d| d.env.as_str())
        .collect();
    spec.environments
        .iter()
        .filter_map(|e| {
            let g = e.gitops.as_ref()?;
            let published = deployed.contains(&e.name.as_str());
            let or = |v: &Option<crate::syntax::ast::S<String>>, d: &str| {
                v.as_ref().map_or_else(|| d.to_string(), |x| x.v.clone())
            };
            let mut ir = GitopsIr {
                app: spec.app.name.v.clone(),
                env: e.name.v.clone(),
                tool: g.tool.v,
                repo: or(&g.repo, ""),
                revision: if published {
                    release_branch(&e.name.v)
                } else {
                    or(&g.branch, "main")
                },
                published,
                path: String::new(),
                namespace: or(
                    &g.namespace,
                    match g.tool.v {
                        GitopsTool::Argocd => "argocd",
                        GitopsTool::Flux => "flux-system",
                    },
                ),
                target_namespace: namespaces
                    .iter()
                    .find(|(env, _)| *env == e.name.v)
                    .map(|(_, ns)| ns.clone())
                    .unwrap_or_default(),
                project: or(&g.project, "default"),
                interval: or(&g.interval, "5m"),
                prune: g.prune.as_ref().is_none_or(|p| p.v),
                clusters: g
                    .clusters
                    .iter()
                    .map(|c| {
                        let to = c.server.as_ref().or(c.kubeconfig.as_ref());
                        (
                            c.name.v.clone(),
                            to.map(|t| t.v.clone()).unwrap_or_default(),
                        )
                    })
                    .collect(),
                parts: parts.names.clone(),
            };
            ir.place("");
            Some(ir)
        })
        .collect()
}
