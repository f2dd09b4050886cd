//! `stowage::autoscale::*`: autoscalers. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Autoscalers",
    intro: "A workload's `vertical-autoscale` (a VerticalPodAutoscaler), and `autoscale` with queue\ntriggers (a KEDA ScaledObject). See the reference, `spec/workloads.md`, sections `autoscale` and\n`vertical-autoscale`.",
    /// A `vertical-autoscale` whose mode changes the pods' requests (anything but `Off`) on a workload
    /// whose `autoscale` has a `cpu=` or `memory=` target. The HPA measures utilisation as a share of
    /// the requests, which the VerticalPodAutoscaler keeps changing: the two fight, and the replica count
    /// swings. Keep the VPA at `Off` (it still recommends requests), or scale horizontally on something
    /// else (a queue).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.4.2"
    ///     port "http" 8080
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///     }
    ///     autoscale min=2 max=10 cpu=70
    ///     vertical-autoscale mode="Auto"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::autoscale::vertical-conflict]: `web` is scaled on cpu or memory both horizontally and vertically
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.4.2"
    ///     port "http" 8080
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///     }
    ///     autoscale min=2 max=10 cpu=70
    ///     vertical-autoscale mode="Off"
    /// }
    /// ```
    VERTICAL_CONFLICT = "stowage::autoscale::vertical-conflict", Error;
    /// An environment with a name `prefix` has a workload with a VerticalPodAutoscaler or a KEDA
    /// ScaledObject. Both refer to the workload by name, and kustomize does not rename references inside
    /// these custom resources, so they would point at a Deployment that does not exist. Deploy the
    /// environment to a namespace of its own instead of prefixing its names.
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     vertical-autoscale
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    ///     prefix "dev-"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::autoscale::prefix]: a VerticalPodAutoscaler cannot be renamed by the prefix `dev-`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     vertical-autoscale
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    ///     namespace "shop-dev"
    /// }
    /// ```
    PREFIX = "stowage::autoscale::prefix", Error;
}
