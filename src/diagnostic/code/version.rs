//! `stowage::version::*`: kubernetes version. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Kubernetes version",
    intro: "The app's `kubernetes` version.",
    /// `kubernetes` names a version stowage does not support (it supports 1.25 to 1.37).
    ///
    /// ```kdl,fragment
    /// // inside `app "shop" { ... }`
    ///     kubernetes "1.21"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::version::unsupported]: Kubernetes 1.21 is not supported
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// // inside `app "shop" { ... }`
    ///     kubernetes "1.33"
    /// ```
    UNSUPPORTED = "stowage::version::unsupported", Error;
    /// `kubernetes` is not a Kubernetes version: write `MAJOR.MINOR`, such as `"1.33"`.
    ///
    /// ```kdl,fragment
    /// // inside `app "shop" { ... }`
    ///     kubernetes "latest"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::version::invalid]: `latest` is not a Kubernetes version
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// // inside `app "shop" { ... }`
    ///     kubernetes "1.33"
    /// ```
    INVALID = "stowage::version::invalid", Error;
    /// A workload uses a field that is not stable in the app's target `kubernetes` version: a
    /// cronjob's `timezone` or a `grpc=` probe, both stable from Kubernetes 1.27. In 1.25 and 1.26 they
    /// are beta and on by default, so this is a warning, which does not stop the build; for an older
    /// version, where the field does not exist, it is an error (next to
    /// `stowage::version::unsupported`).
    ///
    /// ```kdl,fragment
    /// app "shop" {
    ///     namespace "shop"
    ///     kubernetes "1.26"
    /// }
    ///
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    ///     timezone "Europe/Berlin"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// warning[stowage::version::field]: CronJob timeZone is beta in Kubernetes 1.26
    /// ```
    ///
    /// Fix: target a version where the field is stable (or remove the field):
    ///
    /// ```kdl
    /// app "shop" {
    ///     namespace "shop"
    ///     kubernetes "1.27"
    /// }
    ///
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    ///     timezone "Europe/Berlin"
    /// }
    /// ```
    FIELD = "stowage::version::field", Warning;
}
