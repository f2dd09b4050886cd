//! `stowage::name::*`: names. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Names",
    intro: "A name Kubernetes would reject, or one used twice.",
    /// A name that Kubernetes would reject: the app, a workload, config, secret, ingress, environment,
    /// namespace, volume, storage, claim, service account, container or ingress class name, an HTTP
    /// header name of a probe, or an environment `prefix`. Names are lower-case letters, digits and `-`; workload names start with a letter; most
    /// are at most 63 characters. When lower-casing and replacing `_` by `-` gives a valid name, the help
    /// proposes it.
    ///
    /// ```kdl,fragment
    /// worker "Mail_Sender" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::invalid]: worker name `Mail_Sender` is not valid in Kubernetes
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mail-sender" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    INVALID = "stowage::name::invalid", Error;
    /// Two things of one kind share a name where names must be unique: two workloads (of any kinds), two
    /// configs, secrets, ingresses or environments, two ports, volumes (including `storage`),
    /// environment variables or `env-from` sources of one workload, two routes of an ingress, two keys of
    /// a config or secret.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     port "http" 8081
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::duplicate]: port `http` is declared twice
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     port "admin" 8081
    /// }
    /// ```
    DUPLICATE = "stowage::name::duplicate", Error;
    /// An invalid label or annotation key (`[prefix/]name`, the name at most 63 letters, digits, `-`,
    /// `_`, `.`), or an invalid label value (at most 63 of those characters, starting and ending with a
    /// letter or digit). Applies to `labels`, `annotations` and `node-selector` everywhere. A key whose
    /// name YAML reads as a number, a boolean or null (`12`, `1e3`, `0x1F`, `true`, `null`, a date) is
    /// refused too: Kubernetes takes it, but kustomize writes it without quotes and then fails on it
    /// (kustomize issues 3446 and 4928). Annotation values may be any text. The `labels` of an
    /// `alert` are Prometheus labels, whose names are letters, digits and `_`, not starting with a
    /// digit.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     labels team="mail team"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::label]: `mail team` is not a valid label value
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     labels team="mail-team"
    /// }
    /// ```
    LABEL = "stowage::name::label", Error;
    /// A port name Kubernetes would reject: at most 15 lower-case letters, digits and `-`, with at least
    /// one letter, no `-` at either end and no `--`.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "prometheus-metrics" 9464
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::port]: port name `prometheus-metrics` is not valid
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "metrics" 9464
    /// }
    /// ```
    PORT = "stowage::name::port", Error;
    /// An environment variable name Kubernetes would reject: letters, digits, `_`, `.` and `-`, not
    /// starting with a digit.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         "2FA_ISSUER" "acme"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::env]: `2FA_ISSUER` is not a valid environment variable name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         TWO_FA_ISSUER "acme"
    ///     }
    /// }
    /// ```
    ENV = "stowage::name::env", Error;
    /// A config key (of `data` or `file`) Kubernetes would reject: letters, digits, `-`, `_` and `.`, at
    /// most 253 characters.
    ///
    /// ```kdl,fragment
    /// config "app-config" {
    ///     data "log level"="info"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::key]: `log level` is not a valid config key
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// config "app-config" {
    ///     data LOG_LEVEL="info"
    /// }
    /// ```
    KEY = "stowage::name::key", Error;
    /// A name that is valid in the spec but that Kubernetes would refuse once deployed. stowage checks
    /// every object as it is deployed: with the environment's `prefix`, with a Job's spec hash
    /// (`NAME-HASH`, 9 characters), with the suffixes of the Services a progressive rollout adds
    /// (`NAME-canary`, `NAME-preview`). A Service's name is a DNS label of at most 63 characters; a
    /// StatefulSet's and a CronJob's at most 52 (their controllers put longer names derived from them in
    /// labels of at most 63); a Job's at most 63 (it is a label of its pods); RBAC's roles and
    /// bindings are path segments (`system:viewer` is one: anything but `.`, `..`, `/` and `%`);
    /// other names are DNS subdomains of at most 253. The help says how long the name may be; the
    /// environment's prefix is pointed at when it has one.
    ///
    /// ```kdl,fragment
    /// job "initialise-the-product-catalogue-search-indexes" {
    ///     image "catalogue" tag="1.4.2"
    ///     command "catalogue" "reindex"
    /// }
    /// environment "staging" {
    ///     policy "staging"
    ///     prefix "staging-"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::deployed]: `initialise-the-product-catalogue-search-indexes` is deployed in `staging` as the Job `staging-initialise-the-product-catalogue-search-indexes-…`, which Kubernetes refuses: 64 characters, at most 63: a Job's name is a label of its pods
    /// ```
    ///
    /// Fix: a shorter name (here at most 46 characters).
    ///
    /// ```kdl,fragment
    /// job "catalogue-reindex" {
    ///     image "catalogue" tag="1.4.2"
    ///     command "catalogue" "reindex"
    /// }
    /// ```
    DEPLOYED = "stowage::name::deployed", Error;
    /// Two names that would land in the same generated file or Helm value, or a name stowage keeps for
    /// itself. Every workload's objects go to `WORKLOAD.yaml` (kustomize) and `templates/WORKLOAD.yaml`
    /// (Helm), and its Helm values to a camelCase key (`celery-worker` becomes `celeryWorker`); configs,
    /// secrets and ingresses have keys of their own under `configMaps`, `secrets` and `ingress`. So a
    /// workload may not be called `config`, `secrets`, `network`, `namespace` or `kustomization`, nor
    /// `ingress-NAME` when an ingress `NAME` exists, nor a name whose key is one of the chart's own
    /// (`labels`, `ingress`, `name-prefix`...); and two workloads (or two configs, secrets, ingresses)
    /// may not differ only in `-` and `.` (`a-b` and `a--b`, `job-1` and `job1`, `app.config` and
    /// `app-config`).
    ///
    /// ```kdl,fragment
    /// service "config" {
    ///     image "config-server" tag="2.1.0"
    ///     port "http" 8888
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::collision]: the name `config` is reserved: stowage writes its own `config.yaml` files
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "config-server" {
    ///     image "config-server" tag="2.1.0"
    ///     port "http" 8888
    /// }
    /// ```
    COLLISION = "stowage::name::collision", Error;
    /// A route `host=` that is not a lower-case DNS name (a leading `*.` wildcard is allowed).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// ingress "web" {
    ///     route "web" host="Shop.Example.com" service="web"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::name::host]: `Shop.Example.com` is not a valid host name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// ingress "web" {
    ///     route "web" host="shop.example.com" service="web"
    /// }
    /// ```
    HOST = "stowage::name::host", Error;
}
