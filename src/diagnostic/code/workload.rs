//! `stowage::workload::*`: workloads. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Workloads",
    intro: "Something every workload of a kind needs.",
    /// A workload has no `image`. When an environment adds a workload without an image whose name is
    /// close to a base workload's (or equal to one of another kind), the message says that the
    /// environment adds a new workload and asks whether an override was meant.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     command "mailer" "--serve"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::image]: worker `mailer` has no image
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     command "mailer" "--serve"
    /// }
    /// ```
    IMAGE = "stowage::workload::image", Error;
    /// A `service` has no ports (a service is something others connect to), or `expose` is given to a
    /// workload without ports.
    ///
    /// ```kdl,fragment
    /// service "mailer" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::ports]: service `mailer` has no ports
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    PORTS = "stowage::workload::ports", Error;
    /// A `cronjob` has no `schedule`.
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::schedule]: cronjob `backup` has no schedule
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    /// }
    /// ```
    SCHEDULE = "stowage::workload::schedule", Error;
    /// A Service that cannot be as written: `expose` on a `stateful` (its Service is always headless,
    /// giving each pod a stable DNS name, so it cannot be a `LoadBalancer` or `NodePort`: give it an
    /// `extra-service` instead); `source-ranges` on a Service that is not a `LoadBalancer` (only a
    /// load balancer enforces them); an `extra-service` that is both `headless=#true` and of a type
    /// other than `ClusterIP`.
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     storage "data" mount="/var/lib/postgresql/data" size="10Gi"
    ///     expose "LoadBalancer"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::expose]: a stateful workload's Service is always headless
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     storage "data" mount="/var/lib/postgresql/data" size="10Gi"
    /// }
    /// ```
    EXPOSE = "stowage::workload::expose", Error;
    /// `metrics` on a workload without a Service: a worker (without `expose`). A ServiceMonitor selects
    /// a Service and scrapes one of its named ports, so there is nothing for it to select. Declare the
    /// workload as a `service`, or give the worker `expose "ClusterIP"`.
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     port "metrics" 9090
    ///     metrics port="metrics" path="/metrics"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::metrics]: worker `jobs` has no Service to scrape
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     port "metrics" 9090
    ///     expose "ClusterIP"
    ///     metrics port="metrics" path="/metrics"
    /// }
    /// ```
    METRICS = "stowage::workload::metrics", Error;
    /// A workload's `labels` give a label that selects its pods another value, or its `selector` is
    /// empty. The pods must carry the labels their Deployment or StatefulSet selects them by
    /// (`app.kubernetes.io/name` and `app.kubernetes.io/instance`, or those of `selector`):
    /// Kubernetes refuses a controller whose pods its selector would not match.
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     selector app="jobs"
    ///     labels app="queue"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::workload::selector]: label `app` of `jobs` is not the value its pods are selected by
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     selector app="jobs"
    ///     labels component="queue"
    /// }
    /// ```
    SELECTOR = "stowage::workload::selector", Error;
    /// A `stateful` runs more than one replica without saying that its pods replicate their data.
    /// Each replica gets a volume of its own: a database that is not clustered then runs as
    /// several independent primaries, each with part of the writes. A warning.
    ///
    /// ```kdl,fragment
    /// stateful "postgres" {
    ///     image "docker.io/library/postgres" tag="16.4"
    ///     port "postgres" 5432
    ///     storage "data" mount="/var/lib/postgresql/data" size="10Gi"
    ///     replicas 2
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// warning[stowage::workload::replicas]: `postgres` runs 2 replicas, each with its own volume
    /// ```
    ///
    /// Fix: `replicas 1` with `waive "replicas" reason="..."` for a single primary, or
    /// `replicas 3 clustered=#true` when the software replicates (etcd, a Galera or Patroni
    /// cluster).
    REPLICAS = "stowage::workload::replicas", Warning;
}
