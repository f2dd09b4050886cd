//! An import of one environment's objects or of several: the objects every environment has
//! are the app's items (as the first environment has them), each environment says how its
//! own differ with `patch`es, and declares the objects only it has. The whole spec is built
//! for every environment and compared with that environment's input; what differs is said.

use super::compare::{self, Difference};
use super::native::{self, render};
use super::{Build, Built, CUSTOM_FILE, Imported, clean, id_of, identity, write};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One environment: its name and its objects.
pub type Environment = (String, Vec<Value>);

/// Import `envs` (at least one) as the app `name`; its namespace is `namespace`, else the
/// one most of the first environment's objects name, else `name`.
pub(super) fn import(envs: &[Environment], name: &str, namespace: Option<&str>) -> Imported {
    // One object per kind and name: others of the same (in other namespaces) are left out.
    let mut left_out = Vec::new();
    let envs: Vec<Environment> = envs
        .iter()
        .map(|(env, objects)| {
            let (kept, lines) = super::distinct(objects, namespace);
            let scoped = lines.into_iter().map(|l| match envs.len() {
                1 => l,
                _ => format!("in {env}: {l}"),
            });
            left_out.extend(scoped);
            (env.clone(), kept)
        })
        .collect();
    let mut imported = import_distinct(&envs, name, namespace);
    imported.report.splice(0..0, left_out);
    imported
}

/// [`import`] of environments whose objects are each the only one of their kind and name.
fn import_distinct(envs: &[Environment], name: &str, namespace: Option<&str>) -> Imported {
    let Some((first_env, first)) = envs.first() else {
        return Imported {
            spec: String::new(),
            custom: Vec::new(),
            report: vec!["no environment to import".into()],
            objects: 0,
        };
    };
    let ns = namespace
        .map(str::to_string)
        .or_else(|| super::most_common_namespace(first))
        .unwrap_or_else(|| name.to_string());
    let namespaces: Vec<String> = envs
        .iter()
        .map(|(_, o)| {
            namespace
                .map(str::to_string)
                .or_else(|| super::most_common_namespace(o))
                .unwrap_or_else(|| ns.clone())
        })
        .collect();
    let common = common_ids(envs, &namespaces);
    let app = format!(
        "app {} {{\n    namespace {}\n}}\n",
        write::scalar(&Value::String(name.into())),
        write::scalar(&Value::String(ns.clone()))
    );
    let base_objects: Vec<Value> = first
        .iter()
        .filter(|o| identity(o).is_none() || is_namespace(o, &ns) || common.contains(&id_of(o)))
        .cloned()
        .collect();
    let mut cx = Cx {
        envs,
        name,
        app: &app,
        namespaces: &namespaces,
        common: &common,
        many: envs.len() > 1,
        in_yaml: false,
        nodes: true,
    };
    let environment = block(first_env, None, "");
    let imported = cx.import(&base_objects, &environment);
    if imported.spec.len() <= crate::syntax::limits::MAX_SPEC_BYTES {
        return imported;
    }
    // Too large to read as a spec: the objects that are not workloads go to YAML files, and if
    // that is not enough, the workloads too.
    cx.in_yaml = true;
    let imported = cx.import(&base_objects, &environment);
    if imported.spec.len() <= crate::syntax::limits::MAX_SPEC_BYTES {
        return imported;
    }
    cx.nodes = false;
    let mut imported = cx.import(&base_objects, &environment);
    imported.report.insert(
        0,
        format!(
            "declared as objects: every workload: as nodes and patches they would make the spec \
             larger than the {} MiB stowage reads",
            crate::syntax::limits::MAX_SPEC_BYTES >> 20
        ),
    );
    imported
}

/// An environment's block as the import writes it.
struct Block {
    /// `environment "NAME" {`, its policy and namespace.
    head: String,
    /// Its own objects.
    own: Option<Built>,
    /// Its patches of the app's objects.
    patches: String,
}

/// What every step of an import reads.
struct Cx<'a> {
    envs: &'a [Environment],
    name: &'a str,
    app: &'a str,
    namespaces: &'a [String],
    common: &'a BTreeSet<String>,
    many: bool,
    /// Whether objects that are not workloads go to YAML files rather than the spec.
    in_yaml: bool,
    /// Whether workloads are written as nodes.
    nodes: bool,
}

impl Cx<'_> {
    /// The import of the app's objects `base` (its workloads checked in `environment`) and of
    /// every environment's own.
    fn import(&self, base: &[Value], environment: &str) -> Imported {
        let base = self.base(base, environment);
        let mut blocks: Vec<Block> = (0..self.envs.len()).map(|k| self.own(k)).collect();
        self.compose(base, &mut blocks)
    }

    /// The app's items: the objects every environment has, as the first has them.
    fn base(&self, objects: &[Value], environment: &str) -> Built {
        let ns = &self.namespaces[0];
        let cleaned: Vec<(String, Value)> = objects
            .iter()
            .filter_map(|o| {
                identity(o)?;
                let id = id_of(o);
                Some((id.clone(), clean(o, ns, &id, &mut Vec::new())))
            })
            .collect();
        let natives = match self.nodes {
            true => native::workloads(&cleaned, self.name, self.app, environment),
            false => native::Natives::none(),
        };
        let mut b = Build::new(ns, natives, CUSTOM_FILE);
        b.in_yaml = self.in_yaml;
        for o in objects {
            b.add(o);
        }
        b.finish(Some(self.app))
    }

    /// Environment `k`'s block with the objects only it has.
    fn own(&self, k: usize) -> Block {
        let (env, objects) = &self.envs[k];
        let ns = &self.namespaces[k];
        // The first environment's documents that are no objects, and its Namespace, go with
        // the app's items (which say what becomes of them).
        let own: Vec<Value> = objects
            .iter()
            .filter(|o| match identity(o) {
                None => k > 0,
                Some(_) => !self.common.contains(&id_of(o)) && (k > 0 || !is_namespace(o, ns)),
            })
            .cloned()
            .collect();
        let built = (!own.is_empty()).then(|| {
            let file = format!("imported-resources-{env}.yaml");
            let mut b = Build::new(ns, native::Natives::none(), &file);
            b.in_yaml = self.in_yaml;
            for o in &own {
                b.add(o);
            }
            b.finish(None)
        });
        let namespace = (*ns != self.namespaces[0]).then_some(ns.as_str());
        Block {
            head: block_head(env, namespace),
            own: built,
            patches: String::new(),
        }
    }

    /// The spec: the app's items, then every environment's block with the patches that make
    /// its objects of the app's; each environment built and compared with its input.
    fn compose(&self, base: Built, blocks: &mut [Block]) -> Imported {
        let mut report = base.report.clone();
        let mut count = base.count;
        let mut custom: Vec<(String, String)> = base.custom.iter().cloned().collect();
        for (k, b) in blocks.iter().enumerate() {
            if let Some(own) = &b.own {
                count += own.count;
                custom.extend(own.custom.iter().cloned());
                report.extend(own.report.iter().map(|l| self.scoped(k, l)));
            }
        }
        let files: BTreeMap<String, String> = custom.iter().cloned().collect();
        if self.many {
            let spec = self.text(&base, blocks);
            for (k, b) in blocks.iter_mut().enumerate().skip(1) {
                b.patches = self.patches(k, &spec, &files, &mut report);
            }
        }
        let spec = self.text(&base, blocks);
        for (k, b) in blocks.iter().enumerate() {
            let mut said = base.report.clone();
            said.extend(b.own.iter().flat_map(|o| o.report.iter().cloned()));
            report.extend(self.verify(k, &spec, &files, &said));
        }
        if count > 0 {
            report.push(
                "added: stowage's labels on every object (app.kubernetes.io/name, part-of, \
                 managed-by and the environment's)"
                    .into(),
            );
        }
        Imported {
            spec,
            custom,
            report,
            objects: count,
        }
    }

    /// The text of the spec.
    fn text(&self, base: &Built, blocks: &[Block]) -> String {
        let mut spec = format!(
            "// generated by stowage import: workloads as stowage's own nodes where they build \
             back\n// to what was given, every other object declared as it was given; see the \
             report for\n// what differs. Delete a patch's lines to take stowage's defaults and \
             policies.\n\n{}{}",
            self.app, base.text
        );
        for b in blocks {
            let own = b.own.as_ref().map_or("", |o| o.text.as_str());
            spec.push('\n');
            spec.push_str(&block_text(&b.head, own, &b.patches));
        }
        spec
    }

    /// Environment `k`'s changes to the app's objects: for each that its input has otherwise,
    /// a `json-patch` of the operations that make it so: operations at exact paths, computed
    /// against what the app's items make there, say the difference whatever the lists hold.
    fn patches(
        &self,
        k: usize,
        spec: &str,
        files: &BTreeMap<String, String>,
        report: &mut Vec<String>,
    ) -> String {
        let (env, objects) = &self.envs[k];
        let built = match render(spec, env, files) {
            Ok(b) => by_id(b),
            Err(e) => {
                report.push(self.scoped(k, &format!("differs: every object: {e}")));
                return String::new();
            }
        };
        let mut out = String::new();
        for o in objects.iter().filter(|o| self.patched(o)) {
            let id = id_of(o);
            let input = clean(o, &self.namespaces[k], &id, &mut Vec::new());
            if let Some(made) = built.get(&id) {
                let p = json_patch(&id, made, &input);
                if !p.is_empty() {
                    out.push('\n');
                    out.push_str(&p);
                }
            }
        }
        out
    }

    /// Whether `o` is one of the app's objects an environment's patch may change: not a
    /// Secret (its values are not imported) nor a Namespace.
    fn patched(&self, o: &Value) -> bool {
        let id = id_of(o);
        let secret = id.starts_with("Secret/") && o["apiVersion"] == "v1";
        let unpatched = secret || id.starts_with("Namespace/") || id.starts_with("SealedSecret/");
        self.common.contains(&id) && !unpatched
    }

    /// What environment `k` deploys, against its input: a line for each object that differs
    /// otherwise than `said` (the app's report) allows.
    fn verify(
        &self,
        k: usize,
        spec: &str,
        files: &BTreeMap<String, String>,
        said: &[String],
    ) -> Vec<String> {
        let (env, objects) = &self.envs[k];
        let built = match render(spec, env, files) {
            Ok(b) => by_id(b),
            Err(e) => return vec![self.scoped(k, &format!("differs: every object: {e}"))],
        };
        let mut out = Vec::new();
        for o in objects.iter().filter(|o| identity(o).is_some()) {
            let id = id_of(o);
            let skip = ["not deployed: ", "written as stowage's own: "]
                .iter()
                .any(|p| said.iter().any(|l| l.starts_with(&format!("{p}{id}:"))));
            if skip
                || is_namespace(o, &self.namespaces[k])
                || o["apiVersion"] == "v1" && id.starts_with("Secret/")
            {
                continue;
            }
            let input = clean(o, &self.namespaces[k], &id, &mut Vec::new());
            let line = match built.get(&id) {
                None => format!("differs: {id}: it is not deployed"),
                Some(b) => match native::explain(&id, &input, b) {
                    Ok(lines) if k == 0 => {
                        out.extend(lines.into_iter().filter(|l| !said.contains(l)));
                        continue;
                    }
                    Ok(_) => continue,
                    Err(e) => format!("differs: {id}: {e}"),
                },
            };
            out.push(self.scoped(k, &line));
        }
        out
    }

    /// A report line of environment `k`: said of it by name when there are several.
    fn scoped(&self, k: usize, line: &str) -> String {
        if self.many {
            format!("in {}: {line}", self.envs[k].0)
        } else {
            line.to_string()
        }
    }
}

/// `json-patch "ID" { ... }` that turns `made` into `input` but for what stowage keeps of its
/// own (its labels, the namespace, the Service's selector, fields it writes as the API server
/// would default them); nothing when they are the same.
fn json_patch(id: &str, made: &Value, input: &Value) -> String {
    let mut ops = String::new();
    for d in compare::differences(input, made) {
        match d {
            Difference::Added { path, value } => {
                let ours = compare::stowage_label(&path, &value)
                    || path == "/metadata/namespace"
                    || compare::api_default(&path, &value, made)
                    || path.starts_with("/spec/selector") && id.starts_with("Service/");
                if !ours {
                    ops.push_str(&format!("    remove {}\n", quoted(&path)));
                }
            }
            Difference::Removed { path, value } => {
                write::headed(&mut ops, 1, &format!("add {}", quoted(&path)), &value);
            }
            Difference::Changed { path, from, .. } => {
                write::headed(&mut ops, 1, &format!("replace {}", quoted(&path)), &from);
            }
        }
    }
    if ops.is_empty() {
        return String::new();
    }
    format!("json-patch {} {{\n{ops}}}\n", quoted(id))
}

fn quoted(s: &str) -> String {
    write::scalar(&Value::String(s.into()))
}

/// The ids every environment has (but its Namespace), and of the secrets among them (whose
/// data no patch changes) those every environment has alike.
fn common_ids(envs: &[Environment], namespaces: &[String]) -> BTreeSet<String> {
    let by_id: Vec<BTreeMap<String, Value>> = envs
        .iter()
        .zip(namespaces)
        .map(|((_, objects), ns)| {
            objects
                .iter()
                .filter(|o| identity(o).is_some() && !is_namespace(o, ns))
                .map(|o| {
                    let id = id_of(o);
                    let cleaned = clean(o, ns, &id, &mut Vec::new());
                    (id, cleaned)
                })
                .collect()
        })
        .collect();
    let Some((first, rest)) = by_id.split_first() else {
        return BTreeSet::new();
    };
    first
        .iter()
        .filter(|(id, v)| {
            let secret = id.starts_with("Secret/") || id.starts_with("SealedSecret/");
            rest.iter()
                .all(|r| r.get(*id).is_some_and(|w| !secret || w == *v))
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// Objects by `Kind/name`.
fn by_id(objects: Vec<Value>) -> BTreeMap<String, Value> {
    objects.into_iter().map(|o| (id_of(&o), o)).collect()
}

fn is_namespace(o: &Value, ns: &str) -> bool {
    o["kind"] == "Namespace" && o["metadata"]["name"] == ns
}

/// `environment "NAME" {`, its policy and namespace.
fn block_head(env: &str, namespace: Option<&str>) -> String {
    let mut out = format!(
        "environment {} {{\n    policy \"dev\"\n",
        write::scalar(&Value::String(env.into()))
    );
    if let Some(ns) = namespace {
        out.push_str(&format!(
            "    namespace {}\n",
            write::scalar(&Value::String(ns.into()))
        ));
    }
    out
}

/// An environment's block: its head, then its items indented.
fn block_text(head: &str, own: &str, patches: &str) -> String {
    let mut out = head.to_string();
    for line in own.lines().chain(patches.lines()) {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("}\n");
    out
}

/// An environment with nothing of its own: what a workload is built in to check it.
fn block(env: &str, namespace: Option<&str>, items: &str) -> String {
    block_text(&block_head(env, namespace), items, "")
}
