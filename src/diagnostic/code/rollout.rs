//! `stowage::rollout::*`: rollouts. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Rollouts",
    intro: "A workload's `rollout`: canary and blue-green releases with Argo Rollouts. See\n[Progressive delivery](progressive-delivery.md).",
    /// A `step` in a rollout that is not a canary (a blue-green rollout, or a rolling update), or a
    /// canary rollout without steps. Steps say how a canary moves traffic to the new version; a
    /// blue-green rollout switches all of it at once, when it is promoted. (A step's `pause=` that is
    /// neither a duration nor `"manual"` is `stowage::value::duration`.)
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::rollout::steps]: canary rollout of `web` has no steps
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" {
    ///         step weight=20 pause="5m"
    ///         step weight=100
    ///     }
    /// }
    /// ```
    STEPS = "stowage::rollout::steps", Error;
    /// A canary step's `weight=` is not a percentage (0 to 100), or is lower than the weight of a step
    /// before it. A weight is the share of traffic the new version gets, and it only grows: to go back,
    /// abort the rollout.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" {
    ///         step weight=50 pause="10m"
    ///         step weight=20 pause="10m"
    ///         step weight=100
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::rollout::weight]: weight 20 is lower than the step before (50)
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" {
    ///         step weight=20 pause="10m"
    ///         step weight=50 pause="10m"
    ///         step weight=100
    ///     }
    /// }
    /// ```
    WEIGHT = "stowage::rollout::weight", Error;
    /// An option that only one strategy has: `auto-promote=` or `scale-down-delay=` on a rollout that
    /// is not blue-green, or `max-surge=` on a blue-green rollout (which starts a full preview, however
    /// many replicas).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" auto-promote=#false {
    ///         step weight=100
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::rollout::blue-green]: auto-promote= and scale-down-delay= belong to a blue-green rollout
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "blue-green" auto-promote=#false
    /// }
    /// ```
    BLUE_GREEN = "stowage::rollout::blue-green", Error;
    /// A canary or blue-green rollout of a workload without ports. Argo Rollouts moves traffic between
    /// Services (the workload's, and `NAME-canary` or `NAME-preview`), and a workload without ports has
    /// none: typically a `worker`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     rollout "blue-green"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::rollout::service]: `mailer` has no ports for a blue-green rollout
    /// ```
    ///
    /// Fix: if nothing connects to the workload, remove the `rollout` (it gets a rolling update);
    /// otherwise give it its port:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     port "http" 8080
    ///     rollout "blue-green"
    /// }
    /// ```
    SERVICE = "stowage::rollout::service", Error;
    /// A canary `step analysis="NAME"` names no AnalysisTemplate the environment has (an `analysis`,
    /// or an `object "AnalysisTemplate/NAME"` or manifest), or an `analysis` lacks its `prometheus`,
    /// `query` or `success`. Argo Rollouts would stop the rollout at that step for want of the
    /// template.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" {
    ///         step weight=20 analysis="error-rate"
    ///         step weight=100
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::rollout::analysis]: no analysis `error-rate` for this step
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout "canary" {
    ///         step weight=20 analysis="error-rate"
    ///         step weight=100
    ///     }
    /// }
    ///
    /// analysis "error-rate" {
    ///     prometheus "http://prometheus.monitoring:9090"
    ///     query "sum(rate(http_requests_total{service='web-canary',code=~'5..'}[2m]))"
    ///     success "result[0] < 1"
    /// }
    /// ```
    ANALYSIS = "stowage::rollout::analysis", Error;
    /// Several canaries use one Ingress as their stable ingress. Argo Rollouts makes a canary
    /// copy of the whole Ingress for each of them, and ingress-nginx takes one canary per host and
    /// path: the canaries' traffic goes to one of them, or none. A warning.
    ///
    /// ```kdl,fragment
    /// ingress "public" {
    ///     route "web" host="shop.example.com" service="web" port="http"
    ///     route "api" host="shop.example.com" path="/api" service="api" port="http"
    /// }
    /// ```
    ///
    /// with `rollout "canary"` on both `web` and `api`, gives
    ///
    /// ```text
    /// warning[stowage::rollout::shared-ingress]: canaries `api` and `web` share the ingress `public`
    /// ```
    ///
    /// Fix: one ingress per canary workload (`ingress "web" { ... }`, `ingress "api" { ... }`).
    SHARED_INGRESS = "stowage::rollout::shared-ingress", Warning;
}
