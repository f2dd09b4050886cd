//! `stowage::policy::*`: policies. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Policies",
    intro: "Rules of the environments' policy levels, and waivers. See [Policies and waivers](policies.md).",
    /// A `service`, `worker` or `stateful` runs fewer than 2 replicas (its `replicas`, or its
    /// `autoscale min`) in an environment whose policy checks the `replicas` rule (production). Raise the
    /// count, or waive the rule with a reason.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    /// }
    ///
    /// environment "production"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::replicas]: `mailer` runs 1 replica
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    ///     replicas 2
    /// }
    ///
    /// environment "production"
    /// ```
    REPLICAS = "stowage::policy::replicas", Error;
    /// A workload lacks a cpu or memory request or limit in an environment whose policy checks the
    /// `resources` rule (production, staging). The message lists the missing values.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::resources]: `mailer` has no limits cpu, limits memory
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    RESOURCES = "stowage::policy::resources", Error;
    /// A `service`, `worker` or `stateful` has no liveness or no readiness probe in an environment whose
    /// policy checks the `probes` rule (production, staging).
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::probes]: `mailer` has no liveness or readiness probe
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    PROBES = "stowage::policy::probes", Error;
    /// A workload weakens the secure defaults (`non-root=#false`, `read-only-root=#false`,
    /// `privilege-escalation=#true`, `user=0`, a capability other than `NET_BIND_SERVICE`). An error in
    /// production and staging, a warning in dev.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     security read-only-root=#false
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// warning[stowage::policy::security]: `mailer` has a writable root filesystem
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "spool" mount="/var/spool/mail" empty-dir=#true
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    /// }
    /// ```
    SECURITY = "stowage::policy::security", Error;
    /// An image without a tag or digest, or tagged `latest`, in an environment whose policy checks the
    /// `image-tag` rule: an error in production, a warning in staging.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="latest"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    ///     replicas 2
    /// }
    ///
    /// environment "production"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::image-tag]: image `mailer` is not pinned to a version
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness "mailer" "--check"
    ///     readiness "mailer" "--check"
    ///     replicas 2
    /// }
    ///
    /// environment "production"
    /// ```
    IMAGE_TAG = "stowage::policy::image-tag", Error;
    /// An ingress with routes has no `tls` in an environment whose policy checks the `tls` rule
    /// (production, staging).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// ingress "web" {
    ///     route "web" host="shop.example.com" service="web"
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::tls]: ingress `web` serves shop.example.com without TLS
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///         limits cpu="250m" memory="256Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// ingress "web" {
    ///     tls issuer="letsencrypt-staging"
    ///     route "web" host="shop.example.com" service="web"
    /// }
    ///
    /// environment "staging" {
    ///     policy "staging"
    /// }
    /// ```
    TLS = "stowage::policy::tls", Error;
    /// An image comes from a registry the environment's policy does not list in its
    /// `allowed-registries` rule. Pull the image from a listed registry (mirror it there), or add
    /// the registry to the policy.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "allowed-registries" "ghcr.io/acme/"
    /// }
    ///
    /// service "web" {
    ///     image "docker.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::allowed-registries]: image `docker.io/acme/web:1.4.2` is not from an allowed registry
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "allowed-registries" "ghcr.io/acme/"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ALLOWED_REGISTRIES = "stowage::policy::allowed-registries", Error;
    /// A workload lacks a label the environment's policy requires (`required-labels`), on itself or
    /// on its pods. Give it in the app's, the environment's or the workload's `labels`.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "required-labels" "team"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::required-labels]: `web` has no label `team`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "required-labels" "team"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    ///     labels team="storefront"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    REQUIRED_LABELS = "stowage::policy::required-labels", Error;
    /// An image is not pinned by digest where the environment's policy requires it (`image-digest`):
    /// a tag can be pushed again, a digest cannot. Give the image's `digest=`.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "image-digest"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::image-digest]: image `ghcr.io/acme/web:1.4.2` is not pinned by digest
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "image-digest"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" digest="sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    IMAGE_DIGEST = "stowage::policy::image-digest", Error;
    /// A container asks for more cpu or memory (a limit or a request) than the environment's policy
    /// allows one container (`resource-ceiling`). Lower it, or split the work.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "resource-ceiling" cpu="1" memory="1Gi"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="2" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::resource-ceiling]: `web` limits cpu `2`, above the ceiling of `1`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "resource-ceiling" cpu="1" memory="1Gi"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    RESOURCE_CEILING = "stowage::policy::resource-ceiling", Error;
    /// A pod mounts a directory of its node (`hostPath`) at or under a path the environment's policy
    /// forbids (`host-paths`; with no path listed, any). Use a volume of the cluster instead.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "host-paths" "/var/run"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// patch "Deployment/web" {
    ///     spec {
    ///         template {
    ///             spec {
    ///                 volumes {
    ///                     - name="docker" {
    ///                         hostPath path="/var/run/docker.sock"
    ///                     }
    ///                 }
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::host-paths]: `web` mounts host path `/var/run/docker.sock`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "host-paths" "/var/run"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    HOST_PATHS = "stowage::policy::host-paths", Error;
    /// A container binds a port of its node (`hostPort`) that the environment's policy does not
    /// allow (`host-ports`). Reach the pod through its Service instead.
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "host-ports"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// patch "Deployment/web" {
    ///     spec {
    ///         template {
    ///             spec {
    ///                 containers {
    ///                     - name="web" {
    ///                         ports {
    ///                             - name="http" containerPort=8080 hostPort=8080
    ///                         }
    ///                     }
    ///                 }
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::host-ports]: `web` binds host port 8080
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme" extends="production" {
    ///     rule "host-ports"
    /// }
    ///
    /// service "web" {
    ///     image "ghcr.io/acme/web" tag="1.4.2"
    ///     port "http" 8080
    ///     replicas 2
    ///     resources {
    ///         requests cpu="250m" memory="256Mi"
    ///         limits cpu="500m" memory="512Mi"
    ///     }
    ///     liveness http="/health" port="http"
    ///     readiness http="/ready" port="http"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme"
    /// }
    /// ```
    HOST_PORTS = "stowage::policy::host-ports", Error;
    /// A `waive` that names no rule (the rules are `replicas`, `resources`, `probes`, `security`,
    /// `image-tag`, `tls`) and no scanner check (see [Security scanners](scanners.md)), or gives no
    /// `reason=`, or an empty one. A waiver without a reason waives nothing. Also: a policy rule waived
    /// in `app` or on a `config` (those waive scanner checks only), and a checkov waiver whose reason
    /// contains `=` (checkov cuts its skip annotation at the first `=`).
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     waive "replica" reason="single primary"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::waiver]: unknown policy rule `replica`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     waive "replicas" reason="single primary"
    /// }
    /// ```
    WAIVER = "stowage::policy::waiver", Error;
    /// A waiver whose `expires=` date has come: from that day on it waives nothing and the spec
    /// does not compile until someone renews it (a later date, with a reason that still holds)
    /// or removes it. `expires=` must be a date written `YYYY-MM-DD` (`stowage::policy::waiver`
    /// otherwise). Today is the UTC date, or `STOWAGE_TODAY`.
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     waive "replicas" reason="single primary" owner="team-data" expires="2026-03-01"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::waiver-expired]: the waiver of `replicas` expired on 2026-03-01
    /// ```
    WAIVER_EXPIRED = "stowage::policy::waiver-expired", Error;
    /// A waiver ends within 14 days: a warning, so that its owner renews or removes it before
    /// the spec stops compiling (`stowage::policy::waiver-expired`).
    ///
    /// ```text
    /// warning[stowage::policy::waiver-expiring]: the waiver of `replicas` expires in 5 days (2027-03-01)
    /// ```
    WAIVER_EXPIRING = "stowage::policy::waiver-expiring", Warning;
    /// An environment whose policy says `owned-waivers=#true` takes only waivers with an `owner=`
    /// and an `expires=` date: those of its own, of the app, and of every item deployed in it.
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     waive "replicas" reason="single primary"
    /// }
    /// environment "production" {
    ///     policy "production" owned-waivers=#true
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::policy::waiver-owner]: the waiver of `replicas` names no owner and no end date, and production takes only owned waivers
    /// ```
    ///
    /// Fix: `waive "replicas" reason="single primary" owner="team-data" expires="2027-03-01"`.
    WAIVER_OWNER = "stowage::policy::waiver-owner", Error;
}
