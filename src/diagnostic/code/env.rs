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
}
