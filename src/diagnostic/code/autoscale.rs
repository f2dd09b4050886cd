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
    /// A workload that autoscales also gives `replicas`: the autoscaler owns the count, so the
    /// output has no `replicas` and the value is not used. A warning.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 3
    ///     autoscale min=2 max=10 cpu=70
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// warning[stowage::autoscale::replicas]: `replicas 3` is not used: `autoscale` sets the count
    /// ```
    ///
    /// Fix: remove `replicas`, and say the floor with `autoscale min=3`.
    REPLICAS = "stowage::autoscale::replicas", Warning;
}
