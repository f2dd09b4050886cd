//! The objects as deployed, held to the rules Kubernetes applies to their names.
//!
//! A name can be valid in the spec and invalid once deployed: an environment's prefix makes it
//! longer, a Job gets its spec hash, a StatefulSet's and a CronJob's names go into longer names
//! of the objects their controllers create. Checking the lowered objects, with their names as
//! [`EnvIr::render`] gives them, covers every object stowage writes, whatever produced it.

use super::{EnvIr, Ir, Object};

/// A name Kubernetes would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProblem {
    /// The environment (`None`: the base).
    pub env: Option<String>,
    pub kind: String,
    /// The object's group (workload or item) and its name before the prefix.
    pub group: String,
    pub logical: String,
    /// The name the spec gave: the workload's for its objects, else the object's own.
    pub spec_name: String,
    pub deployed: String,
    pub why: String,
    /// The longest the logical name could be, when the deployed name is too long.
    pub room: Option<usize>,
}

/// The longest name a kind may have, and whether it must be a DNS-1035 label (a Service) or
/// may be a DNS-1123 subdomain.
fn rule(kind: &str) -> (usize, bool, &'static str) {
    match kind {
        "Service" => (63, true, "a Service's name is a DNS label"),
        // The controller names each revision NAME-HASH (10 characters) in a label of the pods.
        "StatefulSet" => (
            52,
            false,
            "a StatefulSet's pods carry a label NAME-HASH of at most 63 characters",
        ),
        // Its Jobs are NAME-TIME (11 characters more), and a Job's name is a label of its pods.
        "CronJob" => (
            52,
            false,
            "a CronJob's Jobs are named NAME-TIME, which must fit a label of 63 characters",
        ),
        "Job" => (63, false, "a Job's name is a label of its pods"),
        "Namespace" => (63, true, "a namespace's name is a DNS label"),
        _ => (253, false, "names are DNS subdomains"),
    }
}

fn dns_problem(name: &str, label: bool) -> Option<&'static str> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !p.starts_with('-')
            && !p.ends_with('-')
    };
    if label {
        if !part_ok(name) || name.contains('.') {
            return Some(
                "only lower-case letters, digits and `-`, starting and ending with a letter or digit",
            );
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            return Some("it must start with a letter");
        }
    } else if !name.split('.').all(part_ok) {
        return Some("only lower-case letters, digits, `-` and `.`");
    }
    None
}

/// The kinds whose names are path segments rather than DNS names (RBAC's: `system:viewer`).
const PATH_SEGMENT_NAMES: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// What Kubernetes refuses in a path-segment name: `.`, `..`, and `/` or `%` in it.
fn path_segment_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." {
        return Some("a name may not be empty, `.` or `..`");
    }
    name.contains(['/', '%'])
        .then_some("a name may not contain `/` or `%`")
}

fn check(env: &EnvIr, env_name: Option<&str>, o: &Object, out: &mut Vec<NameProblem>) {
    let kind = o.kind();
    let deployed = env.deployed_name(o);
    let (max, label, why) = rule(kind);
    let path_segment = PATH_SEGMENT_NAMES.contains(&kind)
        && o.api_version().starts_with("rbac.authorization.k8s.io/");
    let fixed = crate::layout::RESERVED_GROUPS.contains(&o.group.as_str());
    let spec_name = if fixed || kind == "Ingress" {
        o.name()
    } else {
        o.group.as_str()
    };
    let added = deployed.len().saturating_sub(spec_name.len());
    let problem = |why: String, room: Option<usize>| NameProblem {
        env: env_name.map(str::to_string),
        kind: kind.to_string(),
        group: o.group.clone(),
        logical: o.name().to_string(),
        spec_name: spec_name.to_string(),
        deployed: deployed.clone(),
        why,
        room,
    };
    if path_segment {
        if let Some(w) = path_segment_problem(&deployed) {
            out.push(problem(w.to_string(), None));
        }
    } else if deployed.len() > max {
        out.push(problem(
            format!("{} characters, at most {max}: {why}", deployed.len()),
            Some(max.saturating_sub(added)),
        ));
    } else if let Some(w) = dns_problem(&deployed, label) {
        out.push(problem(w.to_string(), None));
    }
    // A StatefulSet's claims: CLAIM-NAME-ORDINAL.
    if kind == "StatefulSet"
        && let Some(claims) = o
            .value
            .pointer("/spec/volumeClaimTemplates")
            .and_then(|v| v.as_array())
    {
        for c in claims {
            let claim = c["metadata"]["name"].as_str().unwrap_or_default();
            let pvc = format!("{claim}-{deployed}-999");
            if pvc.len() > 253 {
                out.push(problem(
                    format!(
                        "its claim `{claim}` makes volume claims named `{claim}-{deployed}-N`, longer than 253 characters"
                    ),
                    None,
                ));
            }
        }
    }
}

/// Every object name Kubernetes would refuse, in each environment (in the base when there are
/// none: it is what gets deployed then).
pub fn names(ir: &Ir) -> Vec<NameProblem> {
    let mut out = Vec::new();
    if ir.environments.is_empty() {
        for o in &ir.base.objects {
            check(&ir.base, None, o, &mut out);
        }
    }
    for env in &ir.environments {
        for o in &env.objects {
            check(env, Some(&env.name), o, &mut out);
        }
    }
    out
}
