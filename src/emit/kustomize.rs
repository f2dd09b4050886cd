//! The kustomize tree: `deploy/kustomize/base/` and `deploy/kustomize/overlays/<env>/`.
//!
//! The base holds the objects of the spec without overrides, one file per workload. Each
//! overlay says how its environment differs, the way people write overlays: `namespace`,
//! `namePrefix`, `images`, `replicas`, and strategic-merge patches only for what those cannot
//! say. Overlays are computed by comparing the environment's objects with the base's, so an
//! overlay always renders to exactly the environment's objects.

use super::{FileSet, header, yaml};
use crate::ir::naming::Renamer;
use crate::ir::{EnvIr, Ir, Object, kind_rank};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const ROOT: &str = crate::layout::KUSTOMIZE_ROOT;

/// The kustomize tree: the base, its kustomization, and an overlay per environment; for a
/// large app, those of each part (`ir::parts`).
pub fn emit(ir: &Ir) -> FileSet {
    let mut files = FileSet::new();
    let head = header(&ir.spec_file);
    let parts = Part::all(ir);
    for part in &parts {
        base(ir, part, &head, &mut files);
    }
    // Overlays are independent of each other: built in parallel, merged in a fixed order.
    let jobs: Vec<(&EnvIr, &Part)> = ir
        .environments
        .iter()
        .flat_map(|env| parts.iter().map(move |p| (env, p)))
        .collect();
    let overlays: Vec<FileSet> = jobs
        .par_iter()
        .map(|(env, part)| {
            let mut files = FileSet::new();
            overlay(ir, env, part, &head, &mut files);
            files
        })
        .collect();
    for o in overlays {
        files.extend(o);
    }
    files
}

/// One kustomization of each configuration: the whole tree, or one of its parts.
struct Part<'a> {
    /// The part's folder and its index among the parts (None: the tree is written whole).
    name: Option<(usize, &'a str)>,
}

impl<'a> Part<'a> {
    fn all(ir: &'a Ir) -> Vec<Part<'a>> {
        if !ir.parts.is_split() {
            return vec![Part { name: None }];
        }
        (ir.parts.names.iter().map(String::as_str).enumerate())
            .map(|p| Part { name: Some(p) })
            .collect()
    }

    /// Whether an object belongs to this part.
    fn holds(&self, ir: &Ir, o: &Object) -> bool {
        self.name.is_none_or(|(i, _)| ir.parts.of(&o.group) == i)
    }

    /// The folder of this part of a configuration's folder `dir`.
    fn dir(&self, dir: &str) -> String {
        match self.name {
            Some((_, name)) => format!("{dir}/{name}"),
            None => dir.to_string(),
        }
    }

    /// The base folder, from an overlay's.
    fn base_from_overlay(&self) -> String {
        match self.name {
            Some((_, name)) => format!("../../../base/{name}"),
            None => "../../base".to_string(),
        }
    }
}

/// The base's objects of a part, a file per group, and their kustomization.
fn base(ir: &Ir, part: &Part, head: &str, files: &mut FileSet) {
    let objects: Vec<&Object> = ir
        .base
        .objects
        .iter()
        .filter(|o| part.holds(ir, o))
        .collect();
    if objects.is_empty() && part.name.is_some() {
        return;
    }
    let dir = part.dir(&format!("{ROOT}/base"));
    let base_files = group_files(objects);
    for (file, objs) in &base_files {
        files.insert(format!("{dir}/{file}"), yaml::documents(head, objs));
    }
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": base_files.keys().collect::<Vec<_>>(),
    });
    files.insert(
        format!("{dir}/kustomization.yaml"),
        yaml::documents(head, &[kustomization]),
    );
}

/// The file of a group of objects.
fn file_name(group: &str) -> String {
    format!("{group}.yaml")
}

/// Objects grouped into files, each file's objects in creation order.
fn group_files<'a>(
    objects: impl IntoIterator<Item = &'a Object>,
) -> BTreeMap<String, Vec<&'a Value>> {
    let mut files: BTreeMap<String, Vec<&Object>> = BTreeMap::new();
    for o in objects {
        files.entry(file_name(&o.group)).or_default().push(o);
    }
    files
        .into_iter()
        .map(|(f, mut objs)| {
            objs.sort_by(|a, b| {
                (kind_rank(a.kind()), a.kind(), a.name()).cmp(&(
                    kind_rank(b.kind()),
                    b.kind(),
                    b.name(),
                ))
            });
            (f, objs.into_iter().map(|o| &o.value).collect())
        })
        .collect()
}

/// The images of every container of an object: where each is (its JSON pointer), the
/// container it belongs to (its list and name: the same container in another version of the
/// object, whatever its position), and the image.
fn container_images(v: &Value) -> Vec<ContainerImage> {
    let mut out = Vec::new();
    for (pod, path) in [
        ("/spec/template/spec", &["spec", "template", "spec"][..]),
        (
            "/spec/jobTemplate/spec/template/spec",
            &["spec", "jobTemplate", "spec", "template", "spec"][..],
        ),
    ] {
        // Walked key by key: `Value::pointer` unescapes (allocates) every segment.
        let pod_spec = path.iter().try_fold(v, |v, k| v.get(k));
        // The images transformer rewrites init containers too.
        for list in ["containers", "initContainers"] {
            let Some(cs) = pod_spec.and_then(|p| p.get(list)).and_then(Value::as_array) else {
                continue;
            };
            for (i, c) in cs.iter().enumerate() {
                if let Some(img) = c["image"].as_str() {
                    out.push(ContainerImage {
                        pointer: format!("{pod}/{list}/{i}/image"),
                        container: format!("{pod}/{list}/{}", c["name"].as_str().unwrap_or("")),
                        image: img.to_string(),
                    });
                }
            }
        }
    }
    out
}

/// One container's image in an object.
struct ContainerImage {
    pointer: String,
    container: String,
    image: String,
}

/// Split an image reference into repository and tag/digest.
pub fn split_image(image: &str) -> (String, Option<String>, Option<String>) {
    if let Some((repo, digest)) = image.split_once('@') {
        return (repo.to_string(), None, Some(digest.to_string()));
    }
    let slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
    match image[slash..].rfind(':') {
        Some(i) => (
            image[..slash + i].to_string(),
            Some(image[slash + i + 1..].to_string()),
            None,
        ),
        None => (image.to_string(), None, None),
    }
}

/// An object's identity: kind and name.
type Id<'a> = (&'a str, &'a str);

/// Objects by identity.
type ById<'a> = BTreeMap<Id<'a>, &'a Object>;

/// The files of one environment's overlay (of one part): its kustomization, added resources
/// and patches.
fn overlay(ir: &Ir, env: &EnvIr, part: &Part, head: &str, files: &mut FileSet) {
    let dir = part.dir(&format!("{ROOT}/overlays/{}", env.name));
    let base: ById = (ir.base.objects.iter())
        .filter(|o| part.holds(ir, o))
        .map(|o| ((o.kind(), o.name()), o))
        .collect();
    let renamed = prefixed_across_parts(ir, env, part);
    let target = match &renamed {
        Some(objects) => target_objects(ir, objects),
        None => target_objects(ir, env.objects.iter().filter(|o| part.holds(ir, o))),
    };
    let (images, image_entries) = image_overrides(&base, &target);
    let (replicas, replica_entries) = replica_overrides(&base, &target);
    let (patches, added) = patches(&base, &target, env, &images, &replicas);

    let mut resources = Vec::new();
    if !base.is_empty() || part.name.is_none() {
        resources.push(Value::String(part.base_from_overlay()));
    }
    for (file, objs) in group_files(&added) {
        resources.push(Value::String(format!("resources/{file}")));
        files.insert(
            format!("{dir}/resources/{file}"),
            yaml::documents(head, &objs),
        );
    }
    for (file, p) in &patches {
        files.insert(
            format!("{dir}/patches/{file}"),
            yaml::documents(head, std::slice::from_ref(p)),
        );
    }
    let renames_namespace = env.namespace != ir.base.namespace;
    let mut k = kustomization(
        env,
        renames_namespace,
        resources,
        image_entries,
        replica_entries,
        &patches,
    );
    if let Some(c) = super::references::configuration(env) {
        files.insert(
            format!("{dir}/{}", super::references::FILE),
            yaml::documents(head, &[c]),
        );
        k["configurations"] = json!([super::references::FILE]);
    }
    let unscoped = super::cluster_scoped::transformers(added.iter());
    if renames_namespace && !unscoped.is_empty() {
        files.insert(
            format!("{dir}/{}", super::cluster_scoped::FILE),
            yaml::documents(head, &unscoped),
        );
        k["transformers"] = json!([super::cluster_scoped::FILE]);
    }
    files.insert(
        format!("{dir}/kustomization.yaml"),
        yaml::documents(head, &[k]),
    );
}

/// A part's objects of an environment with a name prefix, their references to the other
/// parts' objects prefixed: `namePrefix` renames references only to objects of the same
/// kustomization, so the overlay patches in the others' deployed names. None when the tree
/// is whole or the environment has no prefix.
fn prefixed_across_parts(ir: &Ir, env: &EnvIr, part: &Part) -> Option<Vec<Object>> {
    if part.name.is_none() || env.prefix.is_empty() {
        return None;
    }
    let (here, elsewhere): (Vec<&Object>, Vec<&Object>) =
        env.objects.iter().partition(|o| part.holds(ir, o));
    let renamer = Renamer::new(elsewhere.iter().map(|o| o.id()).collect(), &env.prefix);
    let renamed = here
        .into_iter()
        .map(|o| {
            let mut value = o.value.clone();
            renamer.references(o.kind(), &mut value);
            Object {
                group: o.group.clone(),
                value,
            }
        })
        .collect();
    Some(renamed)
}

/// The environment's objects by identity, its Namespace under the base's name (the overlay's
/// `namespace` renames it).
fn target_objects<'a>(ir: &'a Ir, objects: impl IntoIterator<Item = &'a Object>) -> ById<'a> {
    objects
        .into_iter()
        .map(|o| {
            let id = if o.kind() == "Namespace" {
                ("Namespace", ir.base.namespace.as_str())
            } else {
                (o.kind(), o.name())
            };
            (id, o)
        })
        .collect()
}

/// The overlay's `images`: one entry per base repository whose every use moves to the same
/// new reference, with the new reference by repository.
fn image_overrides(base: &ById, target: &ById) -> (BTreeMap<String, String>, Vec<Value>) {
    let base_images = base_images(base);
    let mut images: BTreeMap<String, String> = BTreeMap::new();
    let mut entries = Vec::new();
    for (repo, targets) in &image_uses(base, target) {
        if targets.len() != 1 {
            continue;
        }
        let new = targets.iter().next().expect("one target");
        let base_image_same = base_images
            .get(repo)
            .is_none_or(|imgs| imgs.iter().all(|img| img == new));
        if base_image_same {
            continue;
        }
        images.insert(repo.clone(), new.clone());
        entries.push(image_entry(repo, new));
    }
    (images, entries)
}

/// The references each base repository is used with in the environment. The images
/// transformer also rewrites the overlay's own resources, so their images count as uses.
fn image_uses(base: &ById, target: &ById) -> BTreeMap<String, BTreeSet<String>> {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, t) in target {
        let Some(b) = base.get(id) else {
            for c in container_images(&t.value) {
                uses.entry(split_image(&c.image).0)
                    .or_default()
                    .insert(c.image);
            }
            continue;
        };
        // The same container in both, by its name (an environment may reorder them).
        let bi: HashMap<String, String> = container_images(&b.value)
            .into_iter()
            .map(|c| (c.container, c.image))
            .collect();
        for c in container_images(&t.value) {
            if let Some(bimg) = bi.get(&c.container) {
                uses.entry(split_image(bimg).0).or_default().insert(c.image);
            }
        }
    }
    uses
}

/// Every image the base uses, by repository (computed once: one lookup per repository).
fn base_images(base: &ById) -> HashMap<String, BTreeSet<String>> {
    let mut by_repo: HashMap<String, BTreeSet<String>> = HashMap::new();
    for b in base.values() {
        for c in container_images(&b.value) {
            by_repo
                .entry(split_image(&c.image).0)
                .or_default()
                .insert(c.image);
        }
    }
    by_repo
}

/// An `images` entry moving `repo` to the reference `new`.
fn image_entry(repo: &str, new: &str) -> Value {
    let (nrepo, ntag, ndigest) = split_image(new);
    let mut e = Map::new();
    e.insert("name".into(), Value::String(repo.to_string()));
    if nrepo != repo {
        e.insert("newName".into(), Value::String(nrepo));
    }
    match (ntag, ndigest) {
        (_, Some(d)) => {
            e.insert("digest".into(), Value::String(d));
        }
        (Some(t), None) => {
            e.insert("newTag".into(), Value::String(t));
        }
        (None, None) => {}
    }
    Value::Object(e)
}

/// The overlay's `replicas`: counts that differ on objects that have a count in both, with
/// the new count by identity.
fn replica_overrides<'a>(base: &ById, target: &ById<'a>) -> (BTreeMap<Id<'a>, i64>, Vec<Value>) {
    let mut replicas: BTreeMap<Id, i64> = BTreeMap::new();
    let mut entries = Vec::new();
    for (id, t) in target {
        let Some(b) = base.get(id) else { continue };
        if !matches!(id.0, "Deployment" | "StatefulSet") {
            continue;
        }
        if let (Some(bn), Some(tn)) = (
            b.value.pointer("/spec/replicas").and_then(Value::as_i64),
            t.value.pointer("/spec/replicas").and_then(Value::as_i64),
        ) && bn != tn
        {
            replicas.insert(*id, tn);
            entries.push(json!({"name": id.1, "count": tn}));
        }
    }
    (replicas, entries)
}

/// The overlay's patches by file name, and the objects the base does not have.
fn patches(
    base: &ById,
    target: &ById,
    env: &EnvIr,
    images: &BTreeMap<String, String>,
    replicas: &BTreeMap<Id, i64>,
) -> (BTreeMap<String, Value>, Vec<Object>) {
    let mut patches: BTreeMap<String, Value> = BTreeMap::new();
    let mut added: Vec<Object> = Vec::new();
    for (id, t) in target {
        match base.get(id) {
            None => added.push((*t).clone()),
            Some(b) => {
                let mut expected = b.value.clone();
                transform(&mut expected, env, images, replicas.get(id).copied());
                follow_accounts(&mut expected, base, env);
                if let Some(patch) = change_patch(b, t, &expected) {
                    patches.insert(patch_file(id.0, id.1), patch);
                }
            }
        }
    }
    for (id, b) in base {
        if !target.contains_key(id) && b.kind() != "Namespace" {
            patches.insert(patch_file(id.0, id.1), delete_patch(b));
        }
    }
    (patches, added)
}

/// A strategic merge patch turning `expected` (the base object after the overlay's
/// transformers) into the target object: None when they are equal.
fn change_patch(b: &Object, t: &Object, expected: &Value) -> Option<Value> {
    let mut d = super::strategic::patch(expected, &t.value, t.is_builtin())?;
    if let Some(m) = d.as_object_mut() {
        m.shift_remove("apiVersion");
        m.shift_remove("kind");
    }
    let mut patch = Map::new();
    patch.insert("apiVersion".into(), t.value["apiVersion"].clone());
    patch.insert("kind".into(), t.value["kind"].clone());
    let mut meta = Map::new();
    meta.insert("name".into(), Value::String(b.name().to_string()));
    if let Some(ns) = b.value.pointer("/metadata/namespace") {
        meta.insert("namespace".into(), ns.clone());
    }
    if let Some(Value::Object(dm)) = d.as_object_mut().and_then(|m| m.shift_remove("metadata")) {
        for (k, v) in dm {
            if k != "name" {
                meta.insert(k, v);
            }
        }
    }
    patch.insert("metadata".into(), Value::Object(meta));
    if let Some(m) = d.as_object() {
        for (k, v) in m {
            patch.insert(k.clone(), v.clone());
        }
    }
    Some(Value::Object(patch))
}

/// A patch deleting a base object the environment does not have.
fn delete_patch(b: &Object) -> Value {
    json!({"$patch": "delete", "apiVersion": b.api_version(), "kind": b.kind(), "metadata": {"name": b.name(), "namespace": b.value.pointer("/metadata/namespace")}})
}

/// The overlay's kustomization: namespace, name prefix, labels, resources, images, replicas
/// and patches.
fn kustomization(
    env: &EnvIr,
    renames_namespace: bool,
    resources: Vec<Value>,
    images: Vec<Value>,
    replicas: Vec<Value>,
    patches: &BTreeMap<String, Value>,
) -> Value {
    let mut k = Map::new();
    k.insert(
        "apiVersion".into(),
        json!("kustomize.config.k8s.io/v1beta1"),
    );
    k.insert("kind".into(), json!("Kustomization"));
    // The base's objects already carry its namespace: no transformer to say it again.
    if renames_namespace {
        k.insert("namespace".into(), json!(env.namespace));
    }
    if !env.prefix.is_empty() {
        k.insert("namePrefix".into(), json!(env.prefix));
    }
    if !env.labels.is_empty() {
        k.insert("labels".into(), json!([{"pairs": env.labels}]));
    }
    k.insert("resources".into(), Value::Array(resources));
    if !images.is_empty() {
        k.insert("images".into(), Value::Array(images));
    }
    if !replicas.is_empty() {
        k.insert("replicas".into(), Value::Array(replicas));
    }
    if !patches.is_empty() {
        k.insert(
            "patches".into(),
            Value::Array(
                patches
                    .keys()
                    .map(|f| json!({"path": format!("patches/{f}")}))
                    .collect(),
            ),
        );
    }
    Value::Object(k)
}

/// The file of the patch of an object.
fn patch_file(kind: &str, name: &str) -> String {
    format!("{}-{name}.yaml", kind.to_ascii_lowercase())
}

/// What kustomize's namespace, images and replicas transformers do to a base object.
fn transform(v: &mut Value, env: &EnvIr, images: &BTreeMap<String, String>, replicas: Option<i64>) {
    if v["kind"] == "Namespace" {
        v["metadata"]["name"] = json!(env.namespace);
    } else {
        v["metadata"]["namespace"] = json!(env.namespace);
    }
    for c in container_images(v) {
        if let Some(new) = images.get(&split_image(&c.image).0)
            && let Some(x) = v.pointer_mut(&c.pointer)
        {
            *x = json!(new);
        }
    }
    if let Some(n) = replicas
        && let Some(x) = v.pointer_mut("/spec/replicas")
    {
        *x = json!(n);
    }
}

/// What kustomize's name references do to a binding's subjects: one that names a
/// ServiceAccount of the base moves with it to the environment's namespace.
fn follow_accounts(v: &mut Value, base: &ById, env: &EnvIr) {
    if !matches!(
        v["kind"].as_str(),
        Some("RoleBinding" | "ClusterRoleBinding")
    ) {
        return;
    }
    let Some(subjects) = v.get_mut("subjects").and_then(Value::as_array_mut) else {
        return;
    };
    for s in subjects {
        let Some(name) = s["name"].as_str() else {
            continue;
        };
        let ours = s["kind"] == "ServiceAccount"
            && base
                .get(&("ServiceAccount", name))
                .is_some_and(|a| a.value.pointer("/metadata/namespace") == s.get("namespace"));
        if ours {
            s["namespace"] = json!(env.namespace);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_into_repository_and_reference() {
        assert_eq!(
            split_image("ghcr.io/a/api:1.2"),
            ("ghcr.io/a/api".into(), Some("1.2".into()), None)
        );
        assert_eq!(
            split_image("localhost:5000/api"),
            ("localhost:5000/api".into(), None, None)
        );
        assert_eq!(
            split_image("localhost:5000/api:dev"),
            ("localhost:5000/api".into(), Some("dev".into()), None)
        );
        assert_eq!(
            split_image("r/api@sha256:ab"),
            ("r/api".into(), None, Some("sha256:ab".into()))
        );
    }
}
