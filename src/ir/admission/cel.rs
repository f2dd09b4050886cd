//! Each rule of `ir::policy` as a CEL expression Kubernetes evaluates at admission (a
//! ValidatingAdmissionPolicy's validation): true when the object keeps the rule. The
//! expressions read `variables.pod` (the pod template) and `variables.containers` (its
//! containers and init containers) for the kinds that have pods. Tests evaluate them against
//! the compiler's own findings (tests/admission.rs).

use crate::policy::{Enforced, Rule};

/// The kinds a rule's policy matches: (API group, resources).
pub type Resources = &'static [(&'static str, &'static [&'static str])];

/// Kinds with a pod template that stowage deploys and the policy rules look at.
pub const PODS: Resources = &[
    (
        "apps",
        &["deployments", "statefulsets", "daemonsets", "replicasets"],
    ),
    ("batch", &["jobs", "cronjobs"]),
    ("argoproj.io", &["rollouts"]),
];
/// Kinds whose pods run until stopped (probes apply).
const LONG_RUNNING: Resources = &[
    (
        "apps",
        &["deployments", "statefulsets", "daemonsets", "replicasets"],
    ),
    ("argoproj.io", &["rollouts"]),
];
/// Kinds with a replica count, and the autoscaler.
const SCALED: Resources = &[
    ("apps", &["deployments", "statefulsets"]),
    ("argoproj.io", &["rollouts"]),
    ("autoscaling", &["horizontalpodautoscalers"]),
];
const INGRESSES: Resources = &[("networking.k8s.io", &["ingresses"])];

/// The variables the pod rules read.
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "pod",
        "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec",
    ),
    (
        "containers",
        "variables.pod.containers + variables.pod.?initContainers.orValue([])",
    ),
];

/// What the environment knows that the object alone does not say: for `replicas`, the
/// workloads an autoscaler sizes, and those whose `replicas` rule is waived (their
/// autoscalers are let through).
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub autoscaled: Vec<String>,
    pub waived: Vec<String>,
}

/// A rule at admission: the kinds it matches, whether it reads the pod variables, and the
/// expression that must hold.
pub struct Check {
    pub resources: Resources,
    pub pods: bool,
    pub expression: String,
}

pub fn check(r: &Enforced, cx: &Context) -> Check {
    let p = &r.params;
    let pods = |expression: String| Check {
        resources: PODS,
        pods: true,
        expression,
    };
    match r.rule {
        Rule::Replicas => replicas(p.min.unwrap_or(crate::policy::MIN_REPLICAS), cx),
        Rule::Resources => pods(resources()),
        Rule::Probes => Check {
            resources: LONG_RUNNING,
            pods: true,
            expression: probes(),
        },
        Rule::Security => pods(security()),
        Rule::ImageTag => pods(all_containers(
            "c.image.contains('@') || (c.image.matches(':[^/]+$') && !c.image.endsWith(':latest'))",
        )),
        Rule::Tls => Check {
            resources: INGRESSES,
            pods: false,
            expression: "!object.spec.?rules.orValue([]).exists(r, has(r.host)) || \
                         object.spec.?tls.orValue([]).size() > 0"
                .to_string(),
        },
        Rule::AllowedRegistries => pods(all_containers(&format!(
            "{}.exists(r, c.image.startsWith(r))",
            list(&p.values)
        ))),
        Rule::RequiredLabels => pods(format!(
            "{}.all(k, k in object.metadata.?labels.orValue({{}}))",
            list(&p.values)
        )),
        Rule::ImageDigest => pods(all_containers("c.image.contains('@sha256:')")),
        Rule::ResourceCeiling => pods(ceiling(p.cpu.as_deref(), p.memory.as_deref())),
        Rule::HostPaths => pods(host_paths(&p.values)),
        Rule::HostPorts => pods(all_containers(&format!(
            "c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0 || p.hostPort in [{}])",
            p.values.join(", ")
        ))),
    }
}

/// A CEL string literal of any text: quotes, backslashes and control characters escaped.
pub fn string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A CEL list of strings.
fn list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| string(v)).collect();
    format!("[{}]", items.join(", "))
}

fn all_containers(condition: &str) -> String {
    format!("variables.containers.all(c, {condition})")
}

fn replicas(min: i64, cx: &Context) -> Check {
    let expression = format!(
        "object.kind == 'HorizontalPodAutoscaler' \
         ? (object.spec.scaleTargetRef.name in {waived} || object.spec.?minReplicas.orValue(1) >= {min}) \
         : (object.metadata.name in {autoscaled} || object.spec.?replicas.orValue(1) >= {min})",
        waived = list(&cx.waived),
        autoscaled = list(&cx.autoscaled),
    );
    Check {
        resources: SCALED,
        pods: false,
        expression,
    }
}

fn resources() -> String {
    let mut each = Vec::new();
    for set in ["requests", "limits"] {
        for what in ["cpu", "memory"] {
            each.push(format!("'{what}' in c.resources.{set}"));
        }
    }
    all_containers(&format!(
        "has(c.resources) && has(c.resources.requests) && has(c.resources.limits) && {}",
        each.join(" && ")
    ))
}

fn probes() -> String {
    "variables.pod.containers.all(c, has(c.livenessProbe) && has(c.readinessProbe)) && \
     variables.pod.?initContainers.orValue([]).all(c, c.?restartPolicy.orValue('') != 'Always' \
     || (has(c.livenessProbe) && has(c.readinessProbe)))"
        .to_string()
}

fn security() -> String {
    let pod = "variables.pod.?securityContext.?runAsUser.orValue(-1) != 0";
    let containers = all_containers(
        "c.?securityContext.?runAsNonRoot.orValue(variables.pod.?securityContext.?runAsNonRoot.orValue(false)) == true \
         && c.?securityContext.?readOnlyRootFilesystem.orValue(false) == true \
         && c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false \
         && c.?securityContext.?capabilities.?add.orValue([]).all(x, x == 'NET_BIND_SERVICE')",
    );
    format!("{pod} && {containers}")
}

/// Kubernetes' quantity library compares amounts (`quantity('500m')`).
fn ceiling(cpu: Option<&str>, memory: Option<&str>) -> String {
    let mut parts = Vec::new();
    for (what, max) in [("cpu", cpu), ("memory", memory)] {
        let Some(max) = max else { continue };
        for set in ["limits", "requests"] {
            parts.push(format!(
                "!(has(c.resources) && has(c.resources.{set}) && '{what}' in c.resources.{set}) || \
                 quantity(string(c.resources.{set}['{what}'])).compareTo(quantity({m})) <= 0",
                m = string(max)
            ));
        }
    }
    let parts: Vec<String> = parts.into_iter().map(|p| format!("({p})")).collect();
    all_containers(&parts.join(" && "))
}

fn host_paths(forbidden: &[String]) -> String {
    let condition = if forbidden.is_empty() {
        "!has(v.hostPath)".to_string()
    } else {
        let dirs: Vec<String> = forbidden
            .iter()
            .map(|f| f.trim_end_matches('/').to_string())
            .collect();
        format!(
            "!has(v.hostPath) || !{}.exists(d, v.hostPath.path == d || v.hostPath.path.startsWith(d + '/'))",
            list(&dirs)
        )
    };
    format!("variables.pod.?volumes.orValue([]).all(v, {condition})")
}
