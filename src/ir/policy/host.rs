//! `host-paths` and `host-ports`: what a pod takes from its node.

use super::{Finding, containers, fix};
use crate::ir::Object;
use crate::policy::Rule;
use serde_json::Value;

/// `host-paths`: no `hostPath` volume at or under a listed path (any, with none listed).
pub(super) fn paths(i: usize, o: &Object, pod: &str, forbidden: &[String]) -> Vec<Finding> {
    let volumes = o.value.pointer(&format!("{pod}/volumes"));
    let mut out = Vec::new();
    for (k, v) in volumes
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(path) = v["hostPath"]["path"].as_str() else {
            continue;
        };
        if !forbidden.is_empty() && !forbidden.iter().any(|f| under(path, f)) {
            continue;
        }
        out.push(Finding::at(
            Rule::HostPaths,
            i,
            format!("{pod}/volumes/{k}/hostPath/path"),
            format!("mounts host path `{path}`"),
            "host path",
            fix(
                "use a volume of the cluster (`empty-dir`, a claim, a config)",
                "use a volume of the cluster instead of hostPath",
            ),
        ));
    }
    out
}

/// Whether `path` is `dir` or under it (`/var/run` holds `/var/run/docker.sock`, not
/// `/var/running`).
pub fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || dir.is_empty() || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// `host-ports`: no container binds a host port but those listed.
pub(super) fn ports(i: usize, o: &Object, pod: &str, allowed: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (at, c) in containers(&o.value, pod) {
        for (k, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
            // 0 is Kubernetes' "no host port".
            let Some(port) = p["hostPort"].as_i64().filter(|p| *p != 0) else {
                continue;
            };
            if allowed.iter().any(|a| a == &port.to_string()) {
                continue;
            }
            out.push(Finding::at(
                Rule::HostPorts,
                i,
                format!("{at}/ports/{k}/hostPort"),
                format!("binds host port {port}"),
                "host port",
                fix(
                    "reach the pod through its Service instead",
                    "remove hostPort: reach the pod through a Service",
                ),
            ));
        }
    }
    out
}
