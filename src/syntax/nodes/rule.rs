//! The kinds of policy rule, declared once: each rule's name (what `rule`, `waive` and the
//! diagnostic code `stowage::policy::NAME` say), what it asks, and its parameters. The checks
//! are in `ir::policy` (one file per rule an organisation adds), the CEL that enforces them at
//! admission in `ir::admission::cel`, the shipped levels in `policy/levels.kdl`.

use crate::diagnostic::code;
use crate::syntax::keyword::keyword;

keyword! {
    /// A rule a policy can enforce, and that a spec can waive for one object. Each is checked
    /// by the compiler (`ir::policy`) and, for a policy with `admission=#true`, by the cluster
    /// (`ir::admission`); [`Rule::about`] documents it.
    pub enum Rule("policy rule") {
        Replicas = "replicas",
        Resources = "resources",
        Probes = "probes",
        Security = "security",
        ImageTag = "image-tag",
        Tls = "tls",
        AllowedRegistries = "allowed-registries",
        RequiredLabels = "required-labels",
        ImageDigest = "image-digest",
        ResourceCeiling = "resource-ceiling",
        HostPaths = "host-paths",
        HostPorts = "host-ports",
    }
}

/// What a rule asks, and the parameters it takes: the book's rule reference and the help of
/// `rule` are made from it.
pub struct About {
    pub asks: &'static str,
    /// `(parameter, meaning)`; "values" are the `rule` node's arguments after the rule's name.
    pub params: &'static [(&'static str, &'static str)],
    pub example: &'static str,
}

impl Rule {
    /// Every rule, in the order they are declared.
    pub fn all() -> impl Iterator<Item = Rule> {
        use crate::syntax::keyword::Keyword;
        Rule::NAMES.iter().filter_map(|n| Rule::parse(n))
    }

    /// The name used in `rule "NAME"`, `waive "NAME"` and the code `stowage::policy::NAME`.
    pub fn name(self) -> &'static str {
        crate::syntax::keyword::Keyword::name(self)
    }

    pub fn about(self) -> About {
        let (asks, params, example): (_, &'static [_], _) = match self {
            Rule::Replicas => (
                "services, workers and stateful workloads run at least `min` replicas (or an autoscaler's minimum of that many)",
                &[("min", "the fewest replicas (default 2)")],
                "rule \"replicas\" min=3",
            ),
            Rule::Resources => (
                "every container sets cpu and memory requests and limits",
                &[],
                "rule \"resources\"",
            ),
            Rule::Probes => (
                "every container of a long-running workload has liveness and readiness probes",
                &[],
                "rule \"probes\"",
            ),
            Rule::Security => (
                "nothing weakens the secure defaults: root, user 0, a writable root filesystem, privilege escalation, capabilities other than `NET_BIND_SERVICE`",
                &[],
                "rule \"security\"",
            ),
            Rule::ImageTag => (
                "images are pinned to a tag other than `latest`, or to a digest",
                &[],
                "rule \"image-tag\"",
            ),
            Rule::Tls => ("ingresses serve their hosts over TLS", &[], "rule \"tls\""),
            Rule::AllowedRegistries => (
                "every image comes from one of the listed registries (an image reference starting with one of the values)",
                &[("values", "registry prefixes, as `ghcr.io/acme/`")],
                "rule \"allowed-registries\" \"ghcr.io/acme/\" \"registry.acme.io/\"",
            ),
            Rule::RequiredLabels => (
                "every workload carries the listed labels (its own, its environment's or its app's)",
                &[("values", "label keys")],
                "rule \"required-labels\" \"team\" \"cost-centre\"",
            ),
            Rule::ImageDigest => (
                "every image is pinned by digest (`@sha256:...`)",
                &[],
                "rule \"image-digest\"",
            ),
            Rule::ResourceCeiling => (
                "no container's cpu or memory limit (nor request) exceeds the ceiling",
                &[
                    ("cpu", "the most cpu a container may ask for, as `\"2\"`"),
                    ("memory", "the most memory, as `\"4Gi\"`"),
                ],
                "rule \"resource-ceiling\" cpu=\"2\" memory=\"4Gi\"",
            ),
            Rule::HostPaths => (
                "no pod mounts a `hostPath` volume at or under a listed path (any `hostPath` when none is listed)",
                &[("values", "forbidden host paths, as `/var/run/docker.sock`")],
                "rule \"host-paths\" \"/var/run\" \"/etc\"",
            ),
            Rule::HostPorts => (
                "no container binds a host port (except those listed)",
                &[("values", "host ports allowed")],
                "rule \"host-ports\"",
            ),
        };
        About {
            asks,
            params,
            example,
        }
    }

    pub fn code(self) -> &'static crate::diagnostic::Code {
        match self {
            Rule::Replicas => &code::policy::REPLICAS,
            Rule::Resources => &code::policy::RESOURCES,
            Rule::Probes => &code::policy::PROBES,
            Rule::Security => &code::policy::SECURITY,
            Rule::ImageTag => &code::policy::IMAGE_TAG,
            Rule::Tls => &code::policy::TLS,
            Rule::AllowedRegistries => &code::policy::ALLOWED_REGISTRIES,
            Rule::RequiredLabels => &code::policy::REQUIRED_LABELS,
            Rule::ImageDigest => &code::policy::IMAGE_DIGEST,
            Rule::ResourceCeiling => &code::policy::RESOURCE_CEILING,
            Rule::HostPaths => &code::policy::HOST_PATHS,
            Rule::HostPorts => &code::policy::HOST_PORTS,
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        <Rule as crate::syntax::keyword::Keyword>::parse(name)
    }

    /// The annotation that records a waiver on the object it applies to.
    pub fn waiver_annotation(self) -> String {
        waiver_annotation(self.name())
    }
}

/// The annotation that records a waiver (of a policy rule or a scanner check) on the object it
/// applies to: `waivers.stowage.dev/NAME`.
pub fn waiver_annotation(name: &str) -> String {
    format!("{WAIVER_ANNOTATION_PREFIX}{name}")
}

pub const WAIVER_ANNOTATION_PREFIX: &str = "waivers.stowage.dev/";
