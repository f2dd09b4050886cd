//! Lowering one set of items (the base's or an environment's) to Kubernetes objects: one file
//! per item kind, and per aspect of a workload (its controller, pod, Services, scaling).

mod account;
mod alerts;
mod analysis;
mod config;
mod container;
mod declared;
mod ingress;
mod origins;
mod patches;
mod placement;
mod pod;
mod police;
mod progressive;
mod scaling;
mod service;
mod workload;

use super::scope::Env;
use super::{EnvIr, Ir, Object, network};
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::kubernetes::registry::Registry;
use crate::policy::{self, Rule};
use crate::syntax::ast::*;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use patches::Made;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

/// The user (and group) a non-root pod runs as when the spec names none: above 10000, so it
/// matches no user of the node.
pub const DEFAULT_USER: i64 = 10001;

/// Seconds a finished Job is kept when the spec does not say (`ttlSecondsAfterFinished`).
pub const JOB_TTL: i32 = 86400;

/// Characters a Job's name gains: `-` and the hash of its spec.
pub const JOB_HASH_LEN: usize = 9;

/// The deployed name of a Job: the workload's name and a short hash of the Job's spec, so that
/// a changed job (whose pod template Kubernetes will not update in place) is a new object.
pub fn job_name(workload: &str, spec: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(spec.to_string().as_bytes());
    let hex: String = digest
        .iter()
        .take((JOB_HASH_LEN - 1) / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{workload}-{hex}")
}

/// Lower the base's items (unless `with_base` is false: the base then has no objects) and
/// every environment's.
pub(super) fn lower(
    spec: &Spec,
    spec_file: &str,
    files: &BTreeMap<String, String>,
    with_base: bool,
) -> (Ir, Diagnostics) {
    let app_ns = spec
        .app
        .namespace
        .as_ref()
        .map_or_else(|| spec.app.name.v.clone(), |n| n.v.clone());
    let base_level = spec
        .environments
        .iter()
        .map(|e| e.policy.v)
        .min()
        .unwrap_or(PolicyLevel::Production);
    let (registry, mut diags) = registry(spec, files);
    let cx = Cx {
        spec,
        files,
        minor: crate::kubernetes::target(spec.app.kubernetes.as_ref().map(|k| k.v.as_str())),
        registry,
        report: Mutex::new(Report::default()),
    };
    // The base and every environment are lowered independently, in parallel (the result
    // keeps their order).
    let no_items = Items::default();
    let base_items = if with_base { &spec.items } else { &no_items };
    let base = || cx.env(None, base_level, &app_ns, "", BTreeMap::new(), base_items);
    let environments = || {
        spec.environments
            .par_iter()
            .map(|e| cx.environment(e, &app_ns))
            .collect::<Vec<_>>()
    };
    let (base, environments) = rayon::join(base, environments);
    let found = cx.report.into_inner().unwrap_or_else(|e| e.into_inner());
    diags.extend(policy::merge_environments(found.diagnostics(with_base)));
    let ir = Ir {
        app: spec.app.name.v.clone(),
        spec_file: spec_file.to_string(),
        kubernetes: spec
            .app
            .kubernetes
            .as_ref()
            .map_or_else(|| crate::kubernetes::DEFAULT.to_string(), |k| k.v.clone()),
        description: spec.app.description.as_ref().map(|d| d.v.clone()),
        app_version: spec
            .items
            .workloads
            .iter()
            .find_map(|w| w.image.as_ref()?.tag.as_ref().map(|t| t.v.clone()))
            .unwrap_or_else(|| "0.1.0".to_string()),
        pipeline: None,
        gitops: Vec::new(),
        parts: Default::default(),
        base,
        environments,
    };
    (ir, diags)
}

/// The kinds the spec may use: Kubernetes' at the targeted version, and the CRDs it loads.
fn registry(spec: &Spec, files: &BTreeMap<String, String>) -> (Registry, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut custom = Vec::new();
    for crd in &spec.crds {
        let Some(text) = files.get(&crd.path.v) else {
            continue;
        };
        match crate::kubernetes::crd::parse(text) {
            Ok(kinds) => custom.extend(kinds),
            Err(why) => diags.push(
                Diagnostic::error(
                    &code::object::FILE,
                    format!("`{}` is not a usable CRD file: {why}", crd.path.v),
                    crd.path.span,
                    "this file",
                )
                .with_help("a `crd` file holds CustomResourceDefinitions (apiextensions.k8s.io/v1), as projects publish them"),
            ),
        }
    }
    let minor = crate::kubernetes::target(spec.app.kubernetes.as_ref().map(|k| k.v.as_str()));
    let registry = Registry::new(minor, custom).expect("every supported version has schemas");
    (registry, diags)
}

/// What lowering finds wrong, from every configuration at once.
#[derive(Default)]
struct Report {
    diags: Diagnostics,
    /// The policies' findings: said only when nothing else is wrong.
    findings: Diagnostics,
    /// Patch targets found in some configuration.
    matched: HashSet<Span>,
    /// Patch targets missed somewhere, with what to say if no configuration has them.
    missed: Vec<(Span, Diagnostic)>,
}

impl Report {
    /// What was found; patch targets missed in every configuration only when `all` of them
    /// were lowered (one environment alone cannot tell: the target may be in the base or in
    /// another environment).
    fn diagnostics(self, all: bool) -> Diagnostics {
        let mut diags = self.diags;
        for (span, d) in self.missed.into_iter().filter(|_| all) {
            if !self.matched.contains(&span) {
                diags.push(d);
            }
        }
        if !diags.has_errors() {
            diags.extend(self.findings);
        }
        diags
    }
}

/// Where the spec wrote an object and its fields: a finding about a field points at the KDL
/// value (or patch) that set it, else at the object's node.
#[derive(Debug, Clone, Default)]
pub(super) struct Origin {
    span: Span,
    /// Where fields were written (patches over declarations).
    spans: crate::syntax::data::Spans,
    /// How findings name the object: "`api`" (a workload), "Deployment `x`" (declared).
    subject: String,
    /// Made from a node of the language (its fixes are written in the language).
    native: bool,
    /// Written as data or changed by a patch: held to its schema.
    validate: bool,
    /// The pointers of the containers written in the language (`.../containers/0`).
    containers: Vec<String>,
    /// The workload it belongs to, and the defaults blocks that workload uses.
    workload: Option<(String, Vec<S<String>>)>,
}

impl Origin {
    /// The value at `pointer` (or its nearest ancestor the spec wrote, or the object's node).
    fn value_span(&self, pointer: &str) -> Span {
        self.spans.value(pointer).unwrap_or(self.span)
    }

    /// What the IR keeps: the node and the fields' values.
    fn into_provenance(self) -> crate::ir::Provenance {
        // Where fields are named is for findings only.
        crate::ir::Provenance {
            node: self.span,
            fields: crate::syntax::data::Spans {
                keys: Vec::new(),
                ..self.spans
            },
        }
    }

    /// Where the field at `pointer` is named (or its nearest ancestor, or the object's node).
    fn key_span(&self, pointer: &str) -> Span {
        self.spans.key(pointer).unwrap_or(self.span)
    }
}

struct Cx<'a> {
    spec: &'a Spec,
    files: &'a BTreeMap<String, String>,
    /// The Kubernetes minor version targeted.
    minor: u32,
    registry: Registry,
    report: Mutex<Report>,
}

impl Cx<'_> {
    fn lock(&self) -> MutexGuard<'_, Report> {
        self.report.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn report(&self, d: Diagnostic) {
        self.lock().diags.push(d);
    }

    /// One environment's objects, in its namespace, with its prefix and labels.
    fn environment(&self, e: &Environment, app_ns: &str) -> EnvIr {
        let ns = e.namespace.as_ref().map_or(app_ns, |n| n.v.as_str());
        let prefix = e.prefix.as_ref().map(|p| p.v.as_str()).unwrap_or_default();
        let labels = kv(&e.labels);
        self.env(Some(&e.name.v), e.policy.v, ns, prefix, labels, &e.items)
    }

    /// One configuration: an environment, or (`name` None) the base.
    fn env(
        &self,
        name: Option<&str>,
        level: PolicyLevel,
        namespace: &str,
        prefix: &str,
        labels: BTreeMap<String, String>,
        items: &Items,
    ) -> EnvIr {
        let app = self.spec.app.name.v.as_str();
        let mut app_labels = kv(&self.spec.app.labels);
        app_labels.insert("app.kubernetes.io/part-of".into(), app.to_string());
        app_labels.insert("app.kubernetes.io/managed-by".into(), "stowage".into());
        let mut workloads = HashMap::new();
        for w in &items.workloads {
            workloads.entry(w.name.v.as_str()).or_insert(w);
        }
        let spec_env = self
            .spec
            .environments
            .iter()
            .find(|e| Some(e.name.v.as_str()) == name);
        let waivers = spec_env
            .into_iter()
            .flat_map(|e| &e.waivers)
            .chain(&self.spec.app.waivers)
            .collect();
        let rules = spec_env.map_or_else(
            || crate::policy::level(level).clone(),
            |e| crate::policy::of(&self.spec.policies, e),
        );
        let env = Env {
            waivers,
            level,
            rules,
            namespace,
            app,
            app_labels: &app_labels,
            items,
            workloads,
            configs: items.configs.iter().map(|c| c.name.v.as_str()).collect(),
        };
        let mut made = self.objects(&env);
        self.patch(&env, &mut made);
        self.analysis_refs(&env, &made);
        self.validate(&made);
        self.police(&env, name, &labels, &made);
        self.admission(&env, spec_env, prefix, &mut made);
        let name = name.unwrap_or("base");
        let mut origins = made.origins;
        let provenance = (0..made.objects.len())
            .map(|i| origins.remove(&i).map(Origin::into_provenance))
            .collect();
        let mut objects = made.objects;
        name_jobs(&env, &mut objects);
        self.app_annotations(&mut objects);
        EnvIr {
            name: name.to_string(),
            policy: level,
            rules: env.rules,
            namespace: namespace.to_string(),
            prefix: prefix.to_string(),
            labels,
            common_labels: app_labels.clone(),
            objects,
            provenance,
        }
    }

    /// The environment's policy at admission, when it asks for it.
    fn admission(&self, env: &Env, e: Option<&Environment>, prefix: &str, made: &mut Made) {
        let Some(e) = e else {
            return;
        };
        let scope = crate::ir::admission::Scope {
            app: env.app,
            env: &e.name.v,
            namespace: env.namespace,
            prefix,
            labels: env.app_labels,
            waived: env
                .waivers
                .iter()
                .filter_map(|w| crate::policy::Rule::from_name(&w.rule.v))
                .collect(),
            objects: &made.objects,
        };
        let group = crate::layout::ADMISSION_GROUP.to_string();
        let made_here = crate::ir::admission::objects(&scope, &env.rules);
        made.objects
            .extend(made_here.into_iter().map(|value| Object {
                group: group.clone(),
                value,
            }));
    }

    /// The objects of each workload of the environment, in the spec's order, and where the
    /// spec wrote them. Workloads are most of an app's objects: they are made in parallel.
    fn workloads(&self, env: &Env) -> Vec<Vec<(Value, Origin)>> {
        let made = |w: &Workload| {
            let values = self.workload(env, w);
            values
                .into_iter()
                .map(|v| {
                    let origin = Origin::workload(w, &v, self.minor);
                    (v, origin)
                })
                .collect()
        };
        env.items.workloads.par_iter().map(made).collect()
    }

    /// Every object of one environment, each in its group (its folder in the output), and
    /// where the spec declared objects.
    fn objects(&self, env: &Env) -> Made {
        let object = |group: String, value: Value| Object { group, value };
        let items = env.items;
        let mut objects = vec![object(
            crate::layout::NAMESPACE_GROUP.into(),
            self.namespace(env),
        )];
        for c in &items.configs {
            objects.push(object(
                crate::layout::CONFIG_GROUP.into(),
                self.config(env, c),
            ));
        }
        for s in &items.secrets {
            objects.extend(
                config::secret(env, s).map(|v| object(crate::layout::SECRETS_GROUP.into(), v)),
            );
        }
        let mut origins = HashMap::new();
        let mut ids: HashMap<(String, String), usize> = HashMap::new();
        let mut add = |o: Object, origin: Origin, objects: &mut Vec<Object>| {
            let i = objects.len();
            if let Some(first) = ids.insert(o.id(), i) {
                let first_span = origins.get(&first).map(|f: &Origin| f.span);
                self.report(made_twice(&o, &objects[first], origin.span, first_span));
                return;
            }
            origins.insert(i, origin);
            objects.push(o);
        };
        for (w, values) in items.workloads.iter().zip(self.workloads(env)) {
            for (v, origin) in values {
                add(object(w.name.v.clone(), v), origin, &mut objects);
            }
        }
        for a in &items.accounts {
            for v in self.account(env, a) {
                let origin = Origin::account(a);
                add(
                    object(crate::layout::ACCESS_GROUP.into(), v),
                    origin,
                    &mut objects,
                );
            }
        }
        for a in &items.analyses {
            let o = object(crate::layout::ANALYSIS_GROUP.into(), self.analysis(env, a));
            add(o, Origin::analysis(a), &mut objects);
        }
        for i in &items.ingresses {
            let o = object(
                crate::layout::ingress_group(&i.name.v),
                ingress::ingress(env, i),
            );
            add(o, Origin::ingress(i), &mut objects);
        }
        if policy::default_deny(env.level) {
            objects.extend(
                network::policies(env, self.spec)
                    .into_iter()
                    .map(|(g, v)| object(g, v)),
            );
        }
        let declared = items.objects.iter().filter_map(|o| self.declared(env, o));
        let files = items.manifests.iter().flat_map(|m| self.manifest(env, m));
        for (o, origin) in declared.chain(files).collect::<Vec<_>>() {
            add(o, origin, &mut objects);
        }
        Made { objects, origins }
    }

    /// The app's annotations go on every object (an object's own win).
    fn app_annotations(&self, objects: &mut [Object]) {
        for (k, v) in &self.spec.app.annotations {
            for o in objects.iter_mut() {
                let meta = o.value["metadata"]
                    .as_object_mut()
                    .expect("objects have metadata");
                let ann = meta
                    .entry("annotations")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(m) = ann.as_object_mut() {
                    m.entry(k.v.clone())
                        .or_insert_with(|| Value::String(v.v.clone()));
                }
            }
        }
    }

    fn meta(&self, env: &Env, name: &str, extra: &BTreeMap<String, String>) -> ObjectMeta {
        let mut labels = env.app_labels.clone();
        labels.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(env.namespace.to_string()),
            labels: Some(labels),
            ..Default::default()
        }
    }

    fn namespace(&self, env: &Env) -> Value {
        let mut labels = env.app_labels.clone();
        let (enforce, warn) = match env.level {
            PolicyLevel::Dev => ("baseline", "restricted"),
            _ => ("restricted", "restricted"),
        };
        labels.insert("pod-security.kubernetes.io/enforce".into(), enforce.into());
        labels.insert("pod-security.kubernetes.io/warn".into(), warn.into());
        to_value(&core::Namespace {
            metadata: ObjectMeta {
                name: Some(env.namespace.to_string()),
                labels: Some(labels),
                ..Default::default()
            },
            ..Default::default()
        })
    }
}

fn to_value<T: serde::Serialize>(t: &T) -> Value {
    let mut v = serde_json::to_value(t).expect("Kubernetes objects serialize");
    strip_empty(&mut v);
    v
}

/// Drop `null`s, which k8s-openapi never emits but merged values might.
fn strip_empty(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for x in m.values_mut() {
                strip_empty(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_empty),
        _ => {}
    }
}

/// A custom resource (written with `json!`) with its metadata after apiVersion and kind.
fn with_meta(o: Value, meta: &ObjectMeta) -> Value {
    let Value::Object(fields) = o else { return o };
    let mut out = serde_json::Map::new();
    for k in ["apiVersion", "kind"] {
        if let Some(v) = fields.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    out.insert("metadata".into(), to_value(meta));
    for (k, v) in fields {
        if k != "apiVersion" && k != "kind" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

fn kv(pairs: &[(S<String>, S<String>)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.v.clone(), v.v.clone()))
        .collect()
}

fn q(s: &str) -> Quantity {
    Quantity(s.to_string())
}

fn int_or(v: &IntOrPercent) -> IntOrString {
    match v {
        IntOrPercent::Int(i) => IntOrString::Int(*i as i32),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    }
}

/// The annotations that record an object's waivers, the first waiver of each name winning:
/// `waivers.stowage.dev/NAME: REASON` for every policy rule and scanner check, and
/// `checkov.io/skipN: CHECK=REASON` (numbered from 1 in order of check id) for checkov's checks.
/// Waivers without a reason or of unknown names are left out (the checker reports them).
fn waiver_annotations<'a>(
    waivers: impl IntoIterator<Item = &'a Waiver>,
) -> BTreeMap<String, String> {
    let mut by_name: BTreeMap<&str, &str> = BTreeMap::new();
    for w in waivers {
        let name = w.rule.v.as_str();
        let Some(reason) = w.reason.as_ref().filter(|r| !r.v.trim().is_empty()) else {
            continue;
        };
        if Rule::from_name(name).is_some() || policy::scanner_check(name).is_some() {
            by_name.entry(name).or_insert(reason.v.as_str());
        }
    }
    let mut out = BTreeMap::new();
    let mut skips = 0;
    for (name, reason) in by_name {
        out.insert(policy::waiver_annotation(name), reason.to_string());
        if policy::scanner_check(name) == Some(policy::Scanner::Checkov) {
            skips += 1;
            out.insert(
                policy::checkov_skip_annotation(skips),
                format!("{name}={reason}"),
            );
        }
    }
    out
}

/// The full image reference of a workload.
pub(super) fn image_ref(spec: &Spec, img: &Image) -> (String, Option<String>, Option<String>) {
    let first = img.name.v.split('/').next().unwrap_or("");
    let has_host = img.name.v.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost");
    let repo = match (&img.registry, &spec.app.registry) {
        _ if has_host => img.name.v.clone(),
        (Some(r), _) | (None, Some(r)) => format!("{}/{}", r.v.trim_end_matches('/'), img.name.v),
        (None, None) => img.name.v.clone(),
    };
    (
        repo,
        img.tag.as_ref().map(|t| t.v.clone()),
        img.digest.as_ref().map(|d| d.v.clone()),
    )
}

/// An object with the kind and name of another.
fn made_twice(o: &Object, other: &Object, span: Span, first: Option<Span>) -> Diagnostic {
    let id = format!("{}/{}", o.kind(), o.name());
    let mut d = Diagnostic::error(
        &code::name::DUPLICATE,
        format!("{} `{}` is made twice", o.kind(), o.name()),
        span,
        "made again here",
    );
    if let Some(first) = first.filter(|f| *f != span) {
        d = d.with_label(first, "first made here");
    }
    if o.group != crate::layout::OBJECTS_GROUP {
        d.with_help("rename one of them: each object of a kind needs its own name")
    } else if other.group == crate::layout::OBJECTS_GROUP {
        d.with_help("declare each object once (in an `object` or a `manifest`)")
    } else {
        d.with_help(format!(
            "the spec makes it already (for `{}`): change it with `patch \"{id}\" {{ ... }}` instead",
            other.group
        ))
    }
}

/// A job's pod template cannot change: a changed job is a new Job, named after a hash of its
/// spec (patches included; the old one goes when its TTL runs out).
fn name_jobs(env: &Env, objects: &mut [Object]) {
    for o in objects.iter_mut().filter(|o| o.kind() == "Job") {
        if env
            .workloads
            .get(o.group.as_str())
            .is_some_and(|w| w.kind == WorkloadKind::Job && w.name.v == o.name())
        {
            let name = job_name(&o.group, &o.value["spec"]);
            o.value["metadata"]["name"] = Value::String(name);
        }
    }
}
