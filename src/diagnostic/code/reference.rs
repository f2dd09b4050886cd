//! `stowage::ref::*`: references. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "References",
    intro: "A name that should refer to something declared in the spec and does not.",
    /// A `secret=` (in `env` or `volume`) names a secret the spec does not declare.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::secret]: unknown secret `smtp`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" {
    ///     key "password"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    SECRET = "stowage::ref::secret", Error;
    /// A `config=` (in `env` or `volume`) names a config the spec does not declare.
    ///
    /// ```kdl,fragment
    /// config "mail-config" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         RELAY config="mail-conf"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::config]: unknown config `mail-conf`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// config "mail-config" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         RELAY config="mail-config"
    ///     }
    /// }
    /// ```
    CONFIG = "stowage::ref::config", Error;
    /// An `env` variable reads a key its config does not have, or a key that is not among the keys its
    /// secret lists. (A secret that lists no keys accepts any key.)
    ///
    /// ```kdl,fragment
    /// secret "smtp" {
    ///     key "username"
    ///     key "password"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="pasword"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::key]: unknown key `pasword`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" {
    ///     key "username"
    ///     key "password"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    KEY = "stowage::ref::key", Error;
    /// A port reference that does not resolve: a probe's port that the workload does not declare, a
    /// `reach "target:port"` or route `port=` that the target does not have, a `reach` to a workload
    /// without ports, or a route to a workload with several ports that does not say which.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness http="/health" port="web"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::port]: unknown port `web`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness http="/health" port="http"
    /// }
    /// ```
    PORT = "stowage::ref::port", Error;
    /// A `reach` target, a `near` target or a route `service=` that is not a workload of the
    /// environment; a workload that reaches itself or is `near` itself; a route to a workload that has no Service (a `worker` without `expose`, a
    /// `cronjob`, a workload without ports).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     reach "postgress"
    /// }
    ///
    /// stateful "postgres" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::service]: unknown workload `postgress`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     reach "postgres"
    /// }
    ///
    /// stateful "postgres" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    /// }
    /// ```
    SERVICE = "stowage::ref::service", Error;
    /// An `env-from` names neither a config nor a secret of the spec.
    ///
    /// ```kdl,fragment
    /// config "mail-config" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env-from "mail-conf"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::source]: unknown config or secret `mail-conf`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// config "mail-config" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env-from "mail-config"
    /// }
    /// ```
    SOURCE = "stowage::ref::source", Error;
    /// An `env-from` names something that is both a config and a secret: stowage cannot tell which is
    /// meant. Rename one of them.
    ///
    /// ```kdl,fragment
    /// config "mail" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// secret "mail" {
    ///     key "SMTP_PASSWORD"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env-from "mail"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::ambiguous]: `mail` is both a config and a secret
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// config "mail" {
    ///     data RELAY="smtp.example.com"
    /// }
    ///
    /// secret "mail-credentials" {
    ///     key "SMTP_PASSWORD"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env-from "mail"
    ///     env-from "mail-credentials"
    /// }
    /// ```
    AMBIGUOUS = "stowage::ref::ambiguous", Error;
    /// A deploy's `after=` names no deploy of the pipeline.
    ///
    /// ```kdl,fragment
    /// environment "staging" {
    ///     policy "staging"
    /// }
    ///
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    ///     deploy "production" on="tag:v*" after="stagin" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::deploy]: unknown deploy `stagin`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "staging" {
    ///     policy "staging"
    /// }
    ///
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    ///     deploy "production" on="tag:v*" after="staging" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    DEPLOY = "stowage::ref::deploy", Error;
    /// A pipeline `deploy` names an environment the spec does not declare.
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "prod" on="tag:v*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::environment]: unknown environment `prod`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ENVIRONMENT = "stowage::ref::environment", Error;
    /// A pipeline `build` names an image that no workload uses. Builds are named after a workload's
    /// `image`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "shop-mailer" tag="2.3.1"
    /// }
    ///
    /// pipeline {
    ///     build "mailer" dockerfile="Dockerfile"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::image]: unknown image `mailer`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "shop-mailer" tag="2.3.1"
    /// }
    ///
    /// pipeline {
    ///     build "shop-mailer" dockerfile="Dockerfile"
    /// }
    /// ```
    IMAGE = "stowage::ref::image", Error;
    /// A `mount` of an `init` container or a `sidecar` names no `volume` or `storage` of its workload.
    /// Extra containers share the workload's volumes: declare the volume on the workload (where it is
    /// also mounted in the workload's own container) and mount it by name.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     volume "shared" mount="/shared" empty-dir=#true
    ///     init "fetch" {
    ///         image "busybox" tag="1.37"
    ///         mount "shard" "/shared"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::volume]: unknown volume `shard`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     volume "shared" mount="/shared" empty-dir=#true
    ///     init "fetch" {
    ///         image "busybox" tag="1.37"
    ///         mount "shared" "/shared"
    ///     }
    /// }
    /// ```
    VOLUME = "stowage::ref::volume", Error;
    /// A `can` rule of a `service-account` names a resource Kubernetes does not have, without
    /// `group=`. Resources are named as in the API, in the plural and lower case (`deployments`,
    /// `deployments/scale`, `pods/log`); the group of Kubernetes' own is known. For a custom
    /// resource, give its group: `can "get" on="rollouts" group="argoproj.io"`.
    ///
    /// ```kdl,fragment
    /// service-account "scaler" {
    ///     can "get" "patch" on="deployment/scale"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::resource]: unknown resource `deployment/scale`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service-account "scaler" {
    ///     can "get" "patch" on="deployments/scale"
    /// }
    /// ```
    RESOURCE = "stowage::ref::resource", Error;
    /// A workload `use`s a `defaults` block the spec does not have, or a `defaults` block uses
    /// another (a block is written in full: `use` is for workloads).
    ///
    /// ```kdl,fragment
    /// defaults "hardened" {
    ///     security read-only-root=#true
    /// }
    ///
    /// service "web" {
    ///     use "hardend"
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::defaults]: unknown defaults `hardend`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// defaults "hardened" {
    ///     security read-only-root=#true
    /// }
    ///
    /// service "web" {
    ///     use "hardened"
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    /// ```
    DEFAULTS = "stowage::ref::defaults", Error;
    /// An environment's `policy` names neither a level stowage ships (dev, staging, production)
    /// nor a `policy` the spec declares (or includes).
    ///
    /// ```kdl,fragment
    /// policy "acme-production" extends="production" {
    ///     rule "image-digest"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme-prod"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ref::policy]: unknown policy `acme-prod`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme-production" extends="production" {
    ///     rule "image-digest"
    /// }
    ///
    /// environment "production" {
    ///     policy "acme-production"
    /// }
    /// ```
    POLICY = "stowage::ref::policy", Error;
}
