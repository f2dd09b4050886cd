//! `stowage::ingress::*`: ingresses. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Ingresses",
    intro: "Routes and TLS.",
    /// An `ingress` without any `route`.
    ///
    /// ```kdl,fragment
    /// ingress "web" {
    ///     class "nginx"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ingress::routes]: ingress `web` has no routes
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
    ///     class "nginx"
    ///     route "web" host="shop.example.com" service="web"
    /// }
    /// ```
    ROUTES = "stowage::ingress::routes", Error;
    /// The same host and path routed twice, in one ingress or across the ingresses of an environment.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// service "api" {
    ///     image "api" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// ingress "web" {
    ///     route "web" host="shop.example.com" service="web"
    ///     route "api" host="shop.example.com" service="api"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ingress::duplicate-route]: shop.example.com/ is routed twice
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
    /// service "api" {
    ///     image "api" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// ingress "web" {
    ///     route "web" host="shop.example.com" service="web"
    ///     route "api" host="shop.example.com" path="/api" service="api"
    /// }
    /// ```
    DUPLICATE_ROUTE = "stowage::ingress::duplicate-route", Error;
    /// A `tls` node that says neither where the certificate comes from (`issuer=`, for cert-manager)
    /// nor where it is (`secret=`).
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    ///
    /// ingress "web" {
    ///     tls
    ///     route "web" host="shop.example.com" service="web"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::ingress::tls]: `tls` needs an issuer or a secret
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
    ///     tls issuer="letsencrypt-prod"
    ///     route "web" host="shop.example.com" service="web"
    /// }
    /// ```
    TLS = "stowage::ingress::tls", Error;
    /// An environment's `hosts "DOMAIN" to=...` moves no host: no route host outside the
    /// environment's own overrides is the domain or ends with `.DOMAIN`. A warning.
    ///
    /// ```kdl,fragment
    /// ingress "api" {
    ///     route "api" host="api.example.com" service="api" port="http"
    /// }
    ///
    /// environment "staging" {
    ///     hosts "example.org" to="staging.example.org"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// warning[stowage::ingress::hosts]: no ingress host is in `example.org`
    /// ```
    ///
    /// Fix: `hosts "example.com" to="staging.example.com"`.
    HOSTS = "stowage::ingress::hosts", Warning;
}
