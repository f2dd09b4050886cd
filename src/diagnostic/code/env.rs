//! `stowage::env::*`: environments. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Environments",
    intro: "Environment settings.",
    /// Neither the app nor an environment says which namespace to deploy to. Give the app a `namespace`,
    /// or each environment its own.
    ///
    /// ```kdl,fragment
    /// // after `app "shop"`, which has no namespace
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::env::namespace]: environment `staging` has no namespace
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// // after `app "shop"`, which has no namespace
    /// environment "staging" {
    ///     policy "staging"
    ///     namespace "shop-staging"
    /// }
    /// ```
    NAMESPACE = "stowage::env::namespace", Error;
    /// An environment's `gitops` cannot be delivered as written: no `repo=`, or one the tool
    /// cannot clone (not `https://`, `ssh://` or `git@`); a `branch=` that is not one branch
    /// name, or one the tool would not follow because a pipeline deploy publishes the
    /// environment's release branch; a property of the other tool (`interval=` for Argo CD,
    /// `project=` for Flux); a cluster given twice, named so that its objects' names would be
    /// too long, or without the way its tool reaches it (`server=` for Argo CD, `kubeconfig=`
    /// for Flux).
    ///
    /// ```kdl,fragment
    /// environment "production" {
    ///     gitops "argocd" repo="https://github.com/acme/shop.git" {
    ///         cluster "eu-west" kubeconfig="eu-west-kubeconfig"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::env::gitops]: argocd does not reach a cluster this way
    /// ```
    ///
    /// Fix: `cluster "eu-west" server="https://eu-west.k8s.example.com"` (the API server as Argo CD
    /// knows it).
    GITOPS = "stowage::env::gitops", Error;
}
