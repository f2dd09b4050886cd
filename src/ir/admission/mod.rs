//! The same rules at admission: for an environment whose policy says `admission=#true`, one
//! ValidatingAdmissionPolicy per rule (its CEL from [`cel`]) and a binding that holds the
//! environment's namespace to it: `Deny` for an error, `Warn` and `Audit` for a warning.
//! Objects that waive the rule (`waivers.stowage.dev/RULE`) and objects a controller made
//! (an owner reference: a Deployment's ReplicaSets, a CronJob's Jobs, whose owner was
//! checked) are let through; a rule the environment or the app waives for every object has
//! no policy.

pub mod cel;

use super::Object;
use crate::policy::{Enforced, Policy, Rule};
use k8s_openapi::api::admissionregistration::v1 as adm;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the policies of one environment are made from.
pub struct Scope<'a> {
    pub app: &'a str,
    pub env: &'a str,
    pub namespace: &'a str,
    pub prefix: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    /// Rules waived for every object of the environment.
    pub waived: Vec<Rule>,
    pub objects: &'a [Object],
}

/// The policies and bindings of the environment, when its policy is enforced at admission.
pub fn objects(scope: &Scope, policy: &Policy) -> Vec<Value> {
    if !policy.admission {
        return Vec::new();
    }
    let cx = context(scope);
    let mut out = Vec::new();
    for r in policy
        .rules
        .iter()
        .filter(|r| !scope.waived.contains(&r.rule))
    {
        let name = format!("{}-{}-{}", scope.app, scope.env, r.rule.name());
        out.push(validating_policy(scope, policy, r, &cx, &name));
        out.push(binding(scope, r, &name));
    }
    out
}

/// The condition under which an object is checked: it does not waive the rule, and no
/// controller made it.
pub fn match_conditions(rule: Rule) -> Vec<(String, String)> {
    vec![
        (
            "not-waived".to_string(),
            format!(
                "!({} in object.metadata.?annotations.orValue({{}}))",
                cel::string(&rule.waiver_annotation())
            ),
        ),
        (
            "not-owned".to_string(),
            "!has(object.metadata.ownerReferences)".to_string(),
        ),
    ]
}

/// What `replicas` needs beyond the object: the workloads autoscalers size, and those that
/// waive the rule, by the names they are deployed under.
fn context(scope: &Scope) -> cel::Context {
    let deployed = |n: &str| format!("{}{n}", scope.prefix);
    let waiver = Rule::Replicas.waiver_annotation();
    let mut cx = cel::Context::default();
    for o in scope.objects {
        if matches!(o.kind(), "HorizontalPodAutoscaler" | "ScaledObject") {
            let target = o.value["spec"]["scaleTargetRef"]["name"].as_str();
            cx.autoscaled.extend(target.map(deployed));
        }
        if o.value["metadata"]["annotations"].get(&waiver).is_some() {
            cx.waived.push(deployed(o.name()));
        }
    }
    cx.autoscaled.sort();
    cx.autoscaled.dedup();
    cx
}

fn meta(scope: &Scope, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        labels: Some(scope.labels.clone()),
        ..Default::default()
    }
}

fn validating_policy(
    scope: &Scope,
    policy: &Policy,
    r: &Enforced,
    cx: &cel::Context,
    name: &str,
) -> Value {
    let check = cel::check(r, cx);
    let rules = check
        .resources
        .iter()
        .map(|(group, resources)| adm::NamedRuleWithOperations {
            api_groups: Some(vec![group.to_string()]),
            api_versions: Some(vec!["*".into()]),
            operations: Some(vec!["CREATE".into(), "UPDATE".into()]),
            resources: Some(resources.iter().map(|r| r.to_string()).collect()),
            ..Default::default()
        })
        .collect();
    let variables = check.pods.then(|| {
        cel::VARIABLES
            .iter()
            .map(|(name, expression)| adm::Variable {
                name: name.to_string(),
                expression: expression.to_string(),
            })
            .collect()
    });
    let conditions = match_conditions(r.rule)
        .into_iter()
        .map(|(name, expression)| adm::MatchCondition { name, expression })
        .collect();
    let message = format!(
        "policy {} of environment {} (rule {}): {}; waive it in the spec with waive \"{}\" reason=\"...\"",
        policy.name,
        scope.env,
        r.rule.name(),
        r.rule.about().asks.replace('`', ""),
        r.rule.name()
    );
    let vap = adm::ValidatingAdmissionPolicy {
        metadata: meta(scope, name),
        spec: Some(adm::ValidatingAdmissionPolicySpec {
            failure_policy: Some("Fail".into()),
            match_constraints: Some(adm::MatchResources {
                resource_rules: Some(rules),
                ..Default::default()
            }),
            match_conditions: Some(conditions),
            variables,
            validations: Some(vec![adm::Validation {
                expression: check.expression,
                message: Some(message),
                reason: Some("Forbidden".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    serde_json::to_value(&vap).expect("a policy serializes")
}

fn binding(scope: &Scope, r: &Enforced, name: &str) -> Value {
    let actions = match r.severity {
        crate::diagnostic::Severity::Error => vec!["Deny".to_string()],
        crate::diagnostic::Severity::Warning => vec!["Warn".to_string(), "Audit".to_string()],
    };
    let namespace = BTreeMap::from([(
        "kubernetes.io/metadata.name".to_string(),
        scope.namespace.to_string(),
    )]);
    let b = adm::ValidatingAdmissionPolicyBinding {
        metadata: meta(scope, name),
        spec: Some(adm::ValidatingAdmissionPolicyBindingSpec {
            policy_name: Some(name.to_string()),
            validation_actions: Some(actions),
            match_resources: Some(adm::MatchResources {
                namespace_selector: Some(LabelSelector {
                    match_labels: Some(namespace),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
    };
    serde_json::to_value(&b).expect("a binding serializes")
}
