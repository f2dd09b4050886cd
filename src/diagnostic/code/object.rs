//! `stowage::object::*`: declared objects, manifests, patches and their schemas. Each code's doc
//! comment is its section of the book's diagnostics page (book/src/diagnostics.md, generated
//! from these files).

super::codes! {
    title: "Objects and patches",
    intro: "Objects the language has no word for, declared as data (`object`, `manifest`), patches on any object (`patch`, `json-patch`), and the schemas they are held to.",
    /// A node of an object's body (or of a patch) that is not a value, a list or a map: a node
    /// with no value, with both a value and fields, with list items (`-`) and fields, or a key
    /// given twice. See the mapping in the reference (spec/objects.md).
    ///
    /// ```kdl,fragment
    /// object "ServiceAccount/api" {
    ///     automountServiceAccountToken
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::object::data]: `automountServiceAccountToken` has no value
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// object "ServiceAccount/api" {
    ///     automountServiceAccountToken #false
    /// }
    /// ```
    DATA = "stowage::object::data", Error;
    /// An object or patch target that is not `Kind/name`, or a patch whose target is no object of
    /// the environment.
    ///
    /// ```kdl,fragment
    /// patch "Deployment/wbe" {
    ///     spec { minReadySeconds 10 }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::object::target]: no Deployment `wbe` to patch
    /// ```
    ///
    /// Fix: name an object the spec makes (`Deployment/web` for `service "web"`); `stowage
    /// render --env NAME` lists them.
    TARGET = "stowage::object::target", Error;
    /// A declared object of a kind Kubernetes does not have (at the targeted version) and no
    /// loaded CRD defines, or of a kind that several API groups define, without `api-version=`.
    ///
    /// ```kdl,fragment
    /// object "PrometheusRule/api" {
    ///     spec { groups { - name="api" { rules { - alert="Down" expr="up == 0" } } } }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::object::api-version]: `PrometheusRule` is not a kind of Kubernetes 1.33: give its api-version=
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// object "PrometheusRule/api" api-version="monitoring.coreos.com/v1" {
    ///     spec { groups { - name="api" { rules { - alert="Down" expr="up == 0" } } } }
    /// }
    /// ```
    API_VERSION = "stowage::object::api-version", Error;
    /// A declared or patched object that its schema refuses: the OpenAPI schema of the targeted
    /// Kubernetes version for built-in kinds, the `openAPIV3Schema` of a loaded CRD for custom
    /// resources. The diagnostic points at the value that is wrong (a field the kind does not
    /// have, a value of the wrong type, a missing required field).
    ///
    /// ```kdl,fragment
    /// object "Service/api-public" {
    ///     spec {
    ///         type "LoadBalancer"
    ///         ports { - port="80" }
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::object::schema]: `/spec/ports/0/port` of Service `api-public`: "80" is not of type "integer"
    /// ```
    ///
    /// Fix: `ports { - port=80 }`.
    SCHEMA = "stowage::object::schema", Error;
    /// A JSON patch operation that cannot be applied: its path does not exist, `test` finds
    /// another value, or `move`/`copy` has no `from=`.
    ///
    /// ```kdl,fragment
    /// json-patch "Deployment/web" {
    ///     remove "/spec/template/spec/hostNetwork"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::object::patch]: cannot remove /spec/template/spec/hostNetwork from Deployment `web`: there is nothing there
    /// ```
    ///
    /// Fix: patch a path the object has (`stowage render --env NAME` shows it).
    PATCH = "stowage::object::patch", Error;
    /// A `manifest` or `crd` file that cannot be used: it is not YAML, a document is not a
    /// Kubernetes object (no `apiVersion`, `kind` or `metadata.name`), or a CRD has no schema.
    ///
    /// ```kdl,fragment
    /// manifest "k8s/extra.yaml"
    /// ```
    ///
    /// gives, for a document without a name,
    ///
    /// ```text
    /// error[stowage::object::file]: document 2 of k8s/extra.yaml has no metadata.name
    /// ```
    ///
    /// Fix: give every document `apiVersion`, `kind` and `metadata.name`.
    FILE = "stowage::object::file", Error;
}
