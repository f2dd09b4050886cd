//! Phase 3, IR: every object as it will be deployed, per environment.
//!
//! Takes a checked [`Spec`] (and the contents of the files its configs name), gives an [`Ir`]:
//! the base objects and, for every environment, its objects with the environment's policy
//! applied (secure defaults, PodDisruptionBudgets, default-deny network policies, waiver
//! annotations). Objects are Kubernetes JSON values built with k8s-openapi types. Names are
//! logical (no environment prefix); [`EnvIr::render`] gives the final objects.

pub mod admission;
pub mod gitops;
pub mod kinds;
mod lower;
pub mod naming;
mod network;
pub mod parts;
pub mod pipeline;
pub mod policy;
mod scope;
pub mod verify;

pub use lower::{JOB_HASH_LEN, JOB_TTL, job_name};

use crate::diagnostic::Diagnostics;
use crate::syntax::ast::{PolicyLevel, Spec};
use serde_json::Value;
use std::collections::BTreeMap;

/// One Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The workload or item this object belongs to: emitters group objects into files by it.
    pub group: String,
    pub value: Value,
}

impl Object {
    pub fn kind(&self) -> &str {
        self.value["kind"].as_str().unwrap_or_default()
    }
    pub fn name(&self) -> &str {
        self.value["metadata"]["name"].as_str().unwrap_or_default()
    }
    pub fn api_version(&self) -> &str {
        self.value["apiVersion"].as_str().unwrap_or_default()
    }
    /// Identity of the object within one environment.
    pub fn id(&self) -> (String, String) {
        (self.kind().to_string(), self.name().to_string())
    }
    /// Whether kustomize knows this kind's schema (core kinds) or treats it as a custom resource.
    pub fn is_builtin(&self) -> bool {
        kinds::schema(self.api_version(), self.kind()) == kinds::Schema::Builtin
    }
}

/// The app as a whole.
#[derive(Debug, Clone)]
pub struct Ir {
    pub app: String,
    /// Path of the spec, relative to the output folder, as it appears in headers.
    pub spec_file: String,
    pub kubernetes: String,
    /// The version of what is deployed: the image tag of the first workload.
    pub app_version: String,
    /// The app's `description`: the Helm chart's.
    pub description: Option<String>,
    pub base: EnvIr,
    pub environments: Vec<EnvIr>,
    pub pipeline: Option<pipeline::PipelineIr>,
    /// Environments Argo CD or Flux deliver.
    pub gitops: Vec<gitops::GitopsIr>,
    /// The parts the kustomize tree is written in (none for most apps).
    pub parts: parts::Parts,
}

impl Ir {
    /// Name the spec, relative to the output folder, in headers and CI files.
    pub fn set_spec_file(&mut self, spec_file: &str) {
        self.spec_file = spec_file.to_string();
        if let Some(p) = &mut self.pipeline {
            p.spec_file = spec_file.to_string();
        }
    }
}

/// One environment's objects (or the base's).
#[derive(Debug, Clone)]
pub struct EnvIr {
    pub name: String,
    pub policy: PolicyLevel,
    /// The rules the environment is held to (its level's, or its declared policy's).
    pub rules: crate::policy::Policy,
    pub namespace: String,
    pub prefix: String,
    pub labels: BTreeMap<String, String>,
    /// Labels every object carries (the app's labels, part-of, managed-by).
    pub common_labels: BTreeMap<String, String>,
    /// Objects with logical names, in a stable order.
    pub objects: Vec<Object>,
    /// Where the spec wrote each object and its fields (`None`: made by stowage alone, as a
    /// namespace or a policy's NetworkPolicies are); one per object, in the same order.
    pub provenance: Vec<Option<Provenance>>,
}

/// Where the spec wrote an object: the node it comes from, and the values that set its fields
/// (JSON pointers into the object; a patch's over the node's).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    pub node: crate::diagnostic::Span,
    pub fields: crate::syntax::data::Spans,
}

impl EnvIr {
    /// The objects as they are deployed: prefix applied to names and to references.
    pub fn render(&self) -> Vec<Value> {
        naming::apply_prefix(self.objects.clone(), &self.prefix, &self.labels)
    }
    /// [`EnvIr::render`], taking the objects rather than copying them.
    pub fn into_rendered(self) -> Vec<Value> {
        naming::apply_prefix(self.objects, &self.prefix, &self.labels)
    }
    /// The name `o` (one of this environment's objects) is deployed under.
    pub fn deployed_name(&self, o: &Object) -> String {
        naming::deployed_name(o, &self.prefix)
    }
}

/// Lower a checked spec. `files` holds the contents of every file the spec reads (configs,
/// manifests, CRDs), by the path written in the spec. Gives the IR and what lowering finds
/// wrong: patches that miss, objects their schemas refuse.
pub fn lower(
    mut spec: Spec,
    spec_file: &str,
    files: &BTreeMap<String, String>,
) -> (Ir, Diagnostics) {
    sort(&mut spec);
    let spec = &spec;
    let (mut ir, diags) = lower::lower(spec, spec_file, files, true);
    ir.parts = parts::split(&ir.base, &ir.environments);
    ir.pipeline = pipeline::lower(spec, spec_file, &ir.kubernetes, &ir.environments, &ir.parts);
    let namespaces: Vec<(String, String)> = ir
        .environments
        .iter()
        .map(|e| (e.name.clone(), e.namespace.clone()))
        .collect();
    ir.gitops = gitops::lower(spec, &namespaces, &ir.parts);
    (ir, diags)
}

/// Start, on another thread, what lowering `spec` waits for first: its Kubernetes version's
/// schemas and the validators of the kinds its objects and patches name. Lowering takes them
/// from the same caches, so this only moves the work to where a core is idle (while the spec
/// is checked and its files read).
pub fn warm(spec: &Spec) {
    let minor = crate::kubernetes::target(spec.app.kubernetes.as_ref().map(|k| k.v.as_str()));
    let mut kinds: Vec<(Option<String>, String)> = Vec::new();
    for items in spec.all_items() {
        let declared = items
            .objects
            .iter()
            .map(|o| (o.api_version.as_ref().map(|a| a.v.clone()), &o.target));
        let patched = items.patches.iter().map(|p| (None, &p.target));
        let json_patched = items.json_patches.iter().map(|p| (None, &p.target));
        let all = declared.chain(patched).chain(json_patched);
        kinds.extend(all.map(|(av, target)| (av, target.kind.clone())));
    }
    kinds.sort();
    kinds.dedup();
    rayon::spawn(move || crate::kubernetes::schema::warm(minor, &kinds));
}

/// [`lower`] for the environments alone (`stowage render --env`, given a spec of one
/// environment): the base's objects, the kustomize parts, the pipeline and gitops are not made,
/// and what is wrong in the base's items alone is not looked for.
pub fn lower_environments(mut spec: Spec, files: &BTreeMap<String, String>) -> (Ir, Diagnostics) {
    sort(&mut spec);
    lower::lower(&spec, "", files, false)
}

/// The order of workloads, configs, secrets, ingresses and environments in the spec means
/// nothing: the output is the same for any order.
fn sort(spec: &mut Spec) {
    spec.items.sort_by_name();
    spec.environments.sort_by(|a, b| a.name.v.cmp(&b.name.v));
    for e in &mut spec.environments {
        e.items.sort_by_name();
    }
}

/// Kind order used when sorting objects: the order `kubectl apply` wants them created in.
pub fn kind_rank(kind: &str) -> u8 {
    kinds::rank(kind)
}

/// Sort objects by kind (creation order) and name.
pub fn sort_objects(objects: &mut [Value]) {
    // The key is read once per object: each read is two map lookups.
    objects.sort_by_cached_key(|o| {
        let kind = o["kind"].as_str().unwrap_or_default();
        let name = o["metadata"]["name"].as_str().unwrap_or_default();
        (kind_rank(kind), kind.to_string(), name.to_string())
    });
}
