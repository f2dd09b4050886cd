//! What stowage knows of Kubernetes itself: the versions a spec may target, the schemas of
//! their kinds (`schema`), custom resources' schemas from their CRDs (`crd`), which kinds
//! are cluster-scoped (`scope`), how patches merge (`merge`), and how a stream of YAML objects
//! is read (`stream`). [`registry::Registry`]
//! puts them together for one spec.

pub mod crd;
pub mod merge;
pub mod registry;
pub mod resources;
pub mod schema;
pub mod scope;
pub mod stream;

/// Kubernetes minor versions the spec may target.
pub const SUPPORTED: std::ops::RangeInclusive<u32> = 25..=37;

/// The first minor with native sidecars (init containers with `restartPolicy: Always`, on by
/// default). Before it a sidecar is an ordinary container, which a Job waits for.
pub const NATIVE_SIDECARS: u32 = 29;

/// The version targeted when the spec names none.
pub const DEFAULT: &str = "1.33";

/// The minor version a spec targets: the one it names when supported, else the default.
pub fn target(version: Option<&str>) -> u32 {
    version
        .and_then(minor)
        .filter(|m| SUPPORTED.contains(m))
        .or_else(|| minor(DEFAULT))
        .expect("the default version is supported")
}

/// Parse "1.33" (or "v1.33.2") into the minor version.
pub fn minor(v: &str) -> Option<u32> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    let major = parts.next()?.parse::<u32>().ok()?;
    let minor = parts.next()?.parse::<u32>().ok()?;
    if major != 1 {
        return None;
    }
    if let Some(patch) = parts.next() {
        patch.parse::<u32>().ok()?;
    }
    Some(minor)
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_parse_as_the_api_server_prints_them() {
        assert_eq!(super::minor("1.33"), Some(33));
        assert_eq!(super::minor("v1.30.2"), Some(30));
        assert_eq!(super::minor("2.1"), None);
        assert_eq!(super::minor("1.x"), None);
        assert_eq!(super::minor("1.31.x"), None);
        assert_eq!(
            super::minor(super::DEFAULT).map(|m| super::SUPPORTED.contains(&m)),
            Some(true)
        );
    }
}
