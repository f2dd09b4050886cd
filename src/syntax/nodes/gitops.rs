//! `gitops`: an environment delivered by Argo CD or Flux from its generated overlay, on one
//! cluster or several.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `gitops "argocd"`: the tool that applies the environment's overlay.
    pub enum GitopsTool("GitOps tool") {
        /// An Argo CD Application (an ApplicationSet over several clusters).
        Argocd = "argocd",
        /// A Flux GitRepository and a Kustomization per cluster.
        Flux = "flux",
    }
}

pub static GITOPS: Kind = Kind {
    name: "gitops",
    what: "`gitops`",
    args: Args::One(Type::Keyword(GitopsTool::NAMES)),
    props: &[
        prop(
            "repo",
            Type::String,
            "the git repository the tool reads (https:// or ssh://)",
        ),
        prop(
            "branch",
            Type::String,
            "the branch it follows when no pipeline deploys the environment (default main)",
        ),
        prop(
            "namespace",
            Type::String,
            "where the tool's objects live (default argocd, or flux-system)",
        ),
        prop(
            "project",
            Type::String,
            "the Argo CD project (default default)",
        ),
        prop(
            "interval",
            Type::String,
            "how often Flux looks for changes (default 5m)",
        ),
        prop(
            "prune",
            Type::Bool,
            "delete what the overlay no longer has (default #true)",
        ),
    ],
    children: Children::Kinds(&[&CLUSTER]),
    example: "gitops \"argocd\" repo=\"https://github.com/acme/shop.git\"",
    doc: "The environment delivered by Argo CD or Flux from its generated overlay.",
    reference: "environments.md#gitops",
    ..Kind::LEAF
};

pub static CLUSTER: Kind = Kind {
    name: "cluster",
    what: "a cluster",
    args: Args::Name,
    props: &[
        prop(
            "server",
            Type::String,
            "Argo CD: the cluster's API server URL",
        ),
        prop(
            "kubeconfig",
            Type::String,
            "Flux: the Secret holding the cluster's kubeconfig",
        ),
    ],
    identity: Identity::Named,
    example: "cluster \"eu-west\" server=\"https://eu-west.k8s.example.com\"",
    doc: "A cluster the environment is delivered to (a region); without any, the tool's own.",
    reference: "environments.md#gitops",
    ..Kind::LEAF
};

/// `gitops "argocd" repo="..." { cluster ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Gitops {
    pub tool: S<GitopsTool>,
    pub span: Span,
    pub repo: Option<S<String>>,
    pub branch: Option<S<String>>,
    pub namespace: Option<S<String>>,
    pub project: Option<S<String>>,
    pub interval: Option<S<String>>,
    pub prune: Option<S<bool>>,
    pub clusters: Vec<GitopsCluster>,
}

/// `cluster "eu-west" server="https://..."` (Argo CD) or `kubeconfig="eu-west-kubeconfig"` (Flux).
#[derive(Debug, Clone, PartialEq)]
pub struct GitopsCluster {
    pub name: S<String>,
    pub server: Option<S<String>>,
    pub kubeconfig: Option<S<String>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn gitops(&mut self, node: &Node) -> Option<Gitops> {
        self.shape(node, &GITOPS);
        let tool = self.keyword_arg(node, &GITOPS)?;
        let clusters = node
            .children
            .iter()
            .filter(|c| c.name == "cluster")
            .filter_map(|c| {
                self.shape(c, &CLUSTER);
                Some(GitopsCluster {
                    name: self.name_arg(c, "a cluster")?,
                    server: self.prop_str(c, "server"),
                    kubeconfig: self.prop_str(c, "kubeconfig"),
                    span: c.name_span,
                })
            })
            .collect();
        Some(Gitops {
            tool,
            span: node.name_span,
            repo: self.prop_str(node, "repo"),
            branch: self.prop_str(node, "branch"),
            namespace: self.prop_str(node, "namespace"),
            project: self.prop_str(node, "project"),
            interval: self.prop_str(node, "interval"),
            prune: self.prop_bool(node, "prune"),
            clusters,
        })
    }
}
