//! Building templates and values from the IR's variants of each object.
//!
//! An object of the chart exists in some of the IR's configurations (the base and each
//! environment). Its template is built by walking all variants at once: what a user tunes per
//! install (image, replicas, resources, probes, autoscaling, env values, hosts...) always becomes
//! a value; what is the same everywhere is fixed in the template; anything else that differs
//! between environments becomes a value too. Each configuration's values are recorded, so
//! `values.yaml` (the base) and `values-<env>.yaml` (the difference) render exactly that
//! configuration's objects.

use super::tpl::{Field, Guard, Item, Node, go_string};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub use crate::ir::layout::values_key as camel;

/// Where values live: a dotted path under `.Values`.
#[derive(Debug, Clone)]
pub struct VPath(pub Vec<String>);

impl VPath {
    pub fn new(parts: &[&str]) -> Self {
        VPath(parts.iter().map(|s| s.to_string()).collect())
    }
    pub fn child(&self, k: &str) -> VPath {
        let mut v = self.0.clone();
        v.push(k.to_string());
        VPath(v)
    }
    /// `$.Values.a.b` (with `index` for keys that are not identifiers).
    pub fn expr(&self) -> String {
        let mut out = "$.Values".to_string();
        let mut plain = true;
        for p in &self.0 {
            if plain
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !p.starts_with(|c: char| c.is_ascii_digit())
            {
                out.push('.');
                out.push_str(p);
            } else {
                out = format!("(index {out} {})", go_string(p));
                plain = false;
            }
        }
        out
    }
    /// `hasKey PARENT "last"`.
    pub fn has_key(&self) -> String {
        let (last, parent) = self.0.split_last().expect("non-empty value path");
        format!(
            "hasKey {} {}",
            VPath(parent.to_vec()).expr(),
            go_string(last)
        )
    }
}

/// The values of every configuration (index 0: the base).
pub struct Values {
    pub per: Vec<Map<String, Value>>,
}

impl Values {
    pub fn new(n: usize) -> Self {
        Values {
            per: vec![Map::new(); n],
        }
    }
    pub fn set(&mut self, config: usize, path: &VPath, v: Value) {
        let mut cur = &mut self.per[config];
        let (last, parents) = path.0.split_last().expect("non-empty value path");
        for p in parents {
            let e = cur
                .entry(p.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !e.is_object() {
                *e = Value::Object(Map::new());
            }
            cur = e.as_object_mut().expect("just made an object");
        }
        cur.insert(last.clone(), v);
    }
    /// Make `path` a map in `config` unless it is one already, so that `hasKey` on it works
    /// in every configuration (an absent map is nil, and `hasKey nil` fails).
    pub fn ensure_map(&mut self, config: usize, path: &VPath) {
        let mut cur = &self.per[config];
        for p in &path.0 {
            match cur.get(p) {
                Some(Value::Object(m)) => cur = m,
                _ => return self.set(config, path, Value::Object(Map::new())),
            }
        }
    }
}

/// What the walker knows about the object it walks.
pub struct Obj<'a> {
    pub kind: &'a str,
    /// The values of this object: `api`, `api.autoscaling`, `ingress.web`...
    pub root: VPath,
    /// The values of the workload the object belongs to (for image, env, ...).
    pub workload: VPath,
    pub app: &'a str,
    pub chart: &'a str,
    /// Names of the chart's objects by kind, which the name prefix applies to.
    pub names: &'a BTreeSet<(String, String)>,
    pub common_labels: &'a Map<String, Value>,
}

pub struct Walker<'a> {
    pub values: &'a mut Values,
    /// The configuration (index into `values`) of each variant being walked.
    pub configs: Vec<usize>,
}

fn all_equal(vs: &[Option<&Value>]) -> bool {
    vs.windows(2).all(|w| w[0] == w[1])
}

fn present<'a, 'v>(vs: &'a [Option<&'v Value>]) -> impl Iterator<Item = (usize, &'v Value)> + 'a {
    vs.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v)))
}

fn child<'v>(vs: &[Option<&'v Value>], key: &str) -> Vec<Option<&'v Value>> {
    vs.iter().map(|v| v.and_then(|v| v.get(key))).collect()
}

fn union_keys(vs: &[Option<&Value>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (_, v) in present(vs) {
        if let Some(m) = v.as_object() {
            for k in m.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

impl Walker<'_> {
    /// A scalar or block taken from values at `path`, recorded for every configuration.
    fn value(&mut self, vs: &[Option<&Value>], path: VPath) -> (Node, Guard) {
        for (i, v) in present(vs) {
            self.values.set(self.configs[i], &path, v.clone());
        }
        let always = vs.iter().all(Option::is_some);
        let sample: Vec<&Value> = present(vs).map(|(_, v)| v).collect();
        let scalars = sample.iter().all(|v| !v.is_object() && !v.is_array());
        if scalars {
            let strings = sample.iter().all(|v| v.is_string());
            let others = sample.iter().all(|v| !v.is_string());
            let filter = if strings {
                " | quote"
            } else if others {
                ""
            } else {
                " | toJson"
            };
            let node = Node::Expr(format!("{{{{ {}{filter} }}}}", path.expr()));
            let guard = if always {
                Guard::Always
            } else {
                self.ensure_parent(&path);
                Guard::If(path.has_key())
            };
            (node, guard)
        } else {
            (Node::ToYaml, Guard::With(path.expr()))
        }
    }

    /// The map holding `path` exists wherever the object does (a `hasKey` guard reads it).
    fn ensure_parent(&mut self, path: &VPath) {
        let parent = VPath(path.0[..path.0.len() - 1].to_vec());
        for c in self.configs.clone() {
            self.values.ensure_map(c, &parent);
        }
    }

    /// A name, with the environment's prefix when it names one of the chart's objects.
    fn name_ref(&self, obj: &Obj, vs: &[Option<&Value>], kind: &str) -> Option<Node> {
        let first = present(vs).next()?.1.as_str()?;
        if !all_equal(
            &vs.iter()
                .filter(|v| v.is_some())
                .copied()
                .collect::<Vec<_>>(),
        ) {
            return None;
        }
        if obj.names.contains(&(kind.to_string(), first.to_string())) {
            Some(Node::Expr(format!("{{{{ $.Values.namePrefix }}}}{first}")))
        } else {
            None
        }
    }

    /// The labels helper for a label map that holds the app's labels (the object's own labels
    /// may override their values): the extras are a literal dict when every configuration has
    /// the same, else values (`ROOT.labels` or `ROOT.podLabels`, after the helper).
    fn labels(&mut self, obj: &Obj, vs: &[Option<&Value>], helper: &str) -> Option<Node> {
        let maps: Vec<(usize, &Map<String, Value>)> = present(vs)
            .map(|(i, v)| v.as_object().map(|m| (i, m)))
            .collect::<Option<_>>()?;
        if maps
            .iter()
            .any(|(_, m)| !obj.common_labels.keys().all(|k| m.contains_key(k)))
        {
            return None;
        }
        let (name_key, instance_key) = ("app.kubernetes.io/name", "app.kubernetes.io/instance");
        let name_of = |m: &Map<String, Value>| match (m.get(name_key), m.get(instance_key)) {
            (Some(Value::String(n)), Some(Value::String(i))) if i == obj.app => Some(n.clone()),
            _ => None,
        };
        let name = name_of(maps[0].1);
        if maps.iter().any(|(_, m)| name_of(m) != name) {
            return None;
        }
        let standard = |k: &String, v: &Value| {
            obj.common_labels.get(k) == Some(v)
                || k == "app.kubernetes.io/managed-by"
                || (name.is_some() && (k == name_key || k == instance_key))
        };
        let extras: Vec<(usize, Map<String, Value>)> = maps
            .iter()
            .map(|(i, m)| {
                let extra = m
                    .iter()
                    .filter(|(k, v)| !standard(k, v))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                (*i, extra)
            })
            .collect();
        let mut args = String::from("(dict");
        if let Some(n) = &name {
            args.push_str(&format!(" \"name\" {}", go_string(n)));
        }
        args.push_str(" \"root\" $");
        if extras.windows(2).all(|w| w[0].1 == w[1].1) {
            let literal: Vec<String> = extras[0]
                .1
                .iter()
                .map(|(k, v)| Some(format!("{} {}", go_string(k), go_string(v.as_str()?))))
                .collect::<Option<_>>()?;
            if !literal.is_empty() {
                args.push_str(&format!(" \"extra\" (dict {})", literal.join(" ")));
            }
        } else {
            let path = obj.root.child(helper);
            for (i, extra) in extras {
                self.values
                    .set(self.configs[i], &path, Value::Object(extra));
            }
            args.push_str(&format!(" \"extra\" {}", path.expr()));
        }
        args.push(')');
        Some(Node::Include(
            format!("\"{}.{helper}\" {args}", obj.chart),
            Vec::new(),
        ))
    }

    /// A selector map `{name, instance}` becomes the selector labels helper.
    fn selector(&self, obj: &Obj, vs: &[Option<&Value>]) -> Option<Node> {
        if !all_equal(
            &vs.iter()
                .filter(|v| v.is_some())
                .copied()
                .collect::<Vec<_>>(),
        ) {
            return None;
        }
        let m = present(vs).next()?.1.as_object()?;
        if m.len() != 2
            || m.get("app.kubernetes.io/instance").and_then(Value::as_str) != Some(obj.app)
        {
            return None;
        }
        let name = m.get("app.kubernetes.io/name")?.as_str()?;
        Some(Node::Include(
            format!(
                "\"{}.selectorLabels\" (dict \"name\" {} \"root\" $)",
                obj.chart,
                go_string(name)
            ),
            Vec::new(),
        ))
    }

    /// Walk a field at `path` across the variants `vs`: None when absent everywhere.
    pub fn walk(
        &mut self,
        obj: &Obj,
        path: &mut Vec<String>,
        vs: &[Option<&Value>],
    ) -> Option<(Node, Guard)> {
        if vs.iter().all(Option::is_none) {
            return None;
        }
        if let Some(d) = self.designated(obj, path, vs) {
            return Some(d);
        }
        let always = vs.iter().all(Option::is_some);
        let containers = vs
            .iter()
            .all(|v| v.is_some_and(|v| v.is_object() || v.is_array()));
        if always && !containers && all_equal(vs) {
            return Some((Node::Lit(vs[0].expect("present").clone()), Guard::Always));
        }
        if always && vs.iter().all(|v| v.is_some_and(Value::is_object)) {
            let mut fields = Vec::new();
            for k in union_keys(vs) {
                path.push(k.clone());
                if let Some((node, guard)) = self.walk(obj, path, &child(vs, &k)) {
                    fields.push(Field {
                        key: k,
                        node,
                        guard,
                    });
                }
                path.pop();
            }
            return Some((Node::Map(fields), Guard::Always));
        }
        if always {
            let lens: Vec<usize> = vs
                .iter()
                .map(|v| {
                    v.and_then(Value::as_array)
                        .map(Vec::len)
                        .unwrap_or(usize::MAX)
                })
                .collect();
            if lens[0] != usize::MAX && lens.windows(2).all(|w| w[0] == w[1]) {
                let mut items = Vec::new();
                for i in 0..lens[0] {
                    let el: Vec<Option<&Value>> =
                        vs.iter().map(|v| v.and_then(|v| v.get(i))).collect();
                    path.push(i.to_string());
                    if let Some((node, guard)) = self.walk(obj, path, &el) {
                        items.push(Item { node, guard });
                    }
                    path.pop();
                }
                return Some((Node::Seq(items), Guard::Always));
            }
        }
        Some(self.generic(obj, path, vs))
    }

    /// A value named after its path, for differences nothing else names.
    fn generic(&mut self, obj: &Obj, path: &[String], vs: &[Option<&Value>]) -> (Node, Guard) {
        let mut name = camel(&obj.kind.to_ascii_lowercase());
        for p in path
            .iter()
            .filter(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            if matches!(
                p.as_str(),
                "spec" | "template" | "jobTemplate" | "containers"
            ) {
                continue;
            }
            let mut c = camel(p);
            if let Some(f) = c.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            name.push_str(&c);
        }
        for p in path
            .iter()
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()))
        {
            if p != "0" {
                name.push_str(p);
            }
        }
        self.value(vs, obj.root.child(&name))
    }

    fn designated(
        &mut self,
        obj: &Obj,
        path: &[String],
        vs: &[Option<&Value>],
    ) -> Option<(Node, Guard)> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let w = &obj.workload;
        let pod_prefix: &[&str] = match obj.kind {
            "CronJob" => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        };
        let is_workload = matches!(
            obj.kind,
            "Deployment" | "StatefulSet" | "CronJob" | "Job" | "Rollout"
        );
        match p.as_slice() {
            ["metadata", "name"] => {
                return self.name_ref(obj, vs, obj.kind).map(|n| (n, Guard::Always));
            }
            ["metadata", "namespace"] | [.., "template", "metadata", "namespace"] => {
                return Some((
                    Node::Expr("{{ $.Release.Namespace }}".into()),
                    Guard::Always,
                ));
            }
            ["metadata", "labels"] => {
                return self.labels(obj, vs, "labels").map(|n| (n, Guard::Always));
            }
            [.., "matchLabels"] | ["spec", "selector"] => {
                return self.selector(obj, vs).map(|n| (n, Guard::Always));
            }
            ["spec", "replicas"] if is_workload => {
                return Some(self.value(vs, w.child("replicas")));
            }
            ["spec", "serviceName"] => {
                return self
                    .name_ref(obj, vs, "Service")
                    .map(|n| (n, Guard::Always));
            }
            ["spec", "scaleTargetRef", "name"] if obj.kind == "HorizontalPodAutoscaler" => {
                return self
                    .name_ref(obj, vs, "Deployment")
                    .or_else(|| self.name_ref(obj, vs, "StatefulSet"))
                    .or_else(|| self.name_ref(obj, vs, "Rollout"))
                    .map(|n| (n, Guard::Always));
            }
            ["spec", "minReplicas"] if obj.kind == "HorizontalPodAutoscaler" => {
                return Some(self.value(vs, obj.root.child("minReplicas")));
            }
            ["spec", "maxReplicas"] if obj.kind == "HorizontalPodAutoscaler" => {
                return Some(self.value(vs, obj.root.child("maxReplicas")));
            }
            ["spec", field @ ("minReplicaCount" | "maxReplicaCount")]
                if obj.kind == "ScaledObject" =>
            {
                return Some(self.value(vs, obj.root.child(field)));
            }
            ["spec", "updatePolicy", "updateMode"] if obj.kind == "VerticalPodAutoscaler" => {
                return Some(self.value(vs, obj.root.child("updateMode")));
            }
            ["spec", "metrics"] if obj.kind == "HorizontalPodAutoscaler" => {
                return self.metrics(obj, vs);
            }
            ["spec", field @ ("maxUnavailable" | "minAvailable")]
                if obj.kind == "PodDisruptionBudget" =>
            {
                return Some(self.value(vs, obj.root.child(field)));
            }
            ["data"] if obj.kind == "ConfigMap" => {
                return Some(self.value(vs, obj.root.child("data")));
            }
            _ => {}
        }
        if !is_workload || p.len() < pod_prefix.len() || p[..pod_prefix.len()] != *pod_prefix {
            return None;
        }
        let rest = &p[pod_prefix.len()..];
        match rest {
            ["metadata", "labels"] => self
                .labels(obj, vs, "podLabels")
                .map(|n| (n, Guard::Always)),
            ["metadata", "annotations"] => Some(self.value(vs, w.child("podAnnotations"))),
            ["spec", "securityContext"] => Some(self.value(vs, w.child("podSecurityContext"))),
            [
                "spec",
                f @ ("affinity" | "nodeSelector" | "topologySpreadConstraints" | "tolerations"),
            ] => Some(self.value(vs, w.child(f))),
            ["spec", "volumes", _, "configMap", "name"] => self
                .name_ref(obj, vs, "ConfigMap")
                .map(|n| (n, Guard::Always)),
            ["spec", "containers", "0", "image"] => Some(self.image(vs, w)),
            ["spec", "containers", "0", "imagePullPolicy"] => {
                Some(self.value(vs, w.child("image").child("pullPolicy")))
            }
            [
                "spec",
                "containers",
                "0",
                f @ ("resources" | "livenessProbe" | "readinessProbe" | "startupProbe"
                | "securityContext"),
            ] => Some(self.value(vs, w.child(f))),
            ["spec", "containers", "0", "env"] => self.env(obj, vs, w),
            [
                "spec",
                "containers",
                "0",
                "envFrom",
                _,
                "configMapRef",
                "name",
            ] => self
                .name_ref(obj, vs, "ConfigMap")
                .map(|n| (n, Guard::Always)),
            _ => None,
        }
    }

    fn image(&mut self, vs: &[Option<&Value>], w: &VPath) -> (Node, Guard) {
        let img = w.child("image");
        for (i, v) in present(vs) {
            let s = v.as_str().unwrap_or_default();
            let (repo, tag, digest) = super::split_image(s);
            self.values.set(
                self.configs[i],
                &img.child("repository"),
                Value::String(repo),
            );
            if let Some(t) = tag {
                self.values
                    .set(self.configs[i], &img.child("tag"), Value::String(t));
            }
            if let Some(d) = digest {
                self.values
                    .set(self.configs[i], &img.child("digest"), Value::String(d));
            }
        }
        let e = img.expr();
        let expr = format!(
            "\"{{{{ {e}.repository }}}}{{{{ with {e}.digest }}}}@{{{{ . }}}}{{{{ else }}}}{{{{ with {e}.tag }}}}:{{{{ . }}}}{{{{ end }}}}{{{{ end }}}}\""
        );
        (Node::Expr(expr), Guard::Always)
    }

    fn metrics(&mut self, obj: &Obj, vs: &[Option<&Value>]) -> Option<(Node, Guard)> {
        // Only the shapes stowage makes: resource utilisation of cpu and memory.
        let mut targets: Vec<Vec<(String, i64)>> = Vec::new();
        for (_, v) in present(vs) {
            let mut t = Vec::new();
            for m in v.as_array()? {
                let name = m.pointer("/resource/name")?.as_str()?.to_string();
                let u = m.pointer("/resource/target/averageUtilization")?.as_i64()?;
                let expected = serde_json::json!({"type": "Resource", "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": u}}});
                if *m != expected {
                    return None;
                }
                t.push((name, u));
            }
            targets.push(t);
        }
        let order: Vec<String> = ["cpu", "memory"].iter().map(|s| s.to_string()).collect();
        for t in &targets {
            let names: Vec<&String> = t.iter().map(|(n, _)| n).collect();
            let expected: Vec<&String> = order.iter().filter(|o| names.contains(o)).collect();
            if names != expected {
                return None;
            }
        }
        let mut items = Vec::new();
        for name in &order {
            let key = if name == "cpu" {
                "targetCPUUtilizationPercentage"
            } else {
                "targetMemoryUtilizationPercentage"
            };
            let path = obj.root.child(key);
            for (i, v) in present(vs) {
                if let Some(u) = v
                    .as_array()?
                    .iter()
                    .find(|m| m.pointer("/resource/name").and_then(Value::as_str) == Some(name))
                {
                    self.values.set(
                        self.configs[i],
                        &path,
                        u.pointer("/resource/target/averageUtilization")?.clone(),
                    );
                }
            }
            let body = vec![
                Field {
                    key: "type".into(),
                    node: Node::Lit("Resource".into()),
                    guard: Guard::Always,
                },
                Field {
                    key: "resource".into(),
                    node: Node::Map(vec![
                        Field {
                            key: "name".into(),
                            node: Node::Lit(Value::String(name.clone())),
                            guard: Guard::Always,
                        },
                        Field {
                            key: "target".into(),
                            node: Node::Map(vec![
                                Field {
                                    key: "type".into(),
                                    node: Node::Lit("Utilization".into()),
                                    guard: Guard::Always,
                                },
                                Field {
                                    key: "averageUtilization".into(),
                                    node: Node::Expr(format!("{{{{ {} }}}}", path.expr())),
                                    guard: Guard::Always,
                                },
                            ]),
                            guard: Guard::Always,
                        },
                    ]),
                    guard: Guard::Always,
                },
            ];
            items.push(Item {
                node: Node::Map(body),
                guard: Guard::If(path.has_key()),
            });
        }
        Some((Node::Seq(items), Guard::Always))
    }

    /// Container environment: literal values are values keyed by variable name; references
    /// stay in the template. Order follows every environment's order.
    fn env(&mut self, obj: &Obj, vs: &[Option<&Value>], w: &VPath) -> Option<(Node, Guard)> {
        if !vs.iter().all(Option::is_some) {
            return None;
        }
        let lists: Vec<Option<&Vec<Value>>> =
            vs.iter().map(|v| v.and_then(Value::as_array)).collect();
        let mut names: Vec<String> = Vec::new();
        for l in lists.iter().flatten() {
            for e in l.iter() {
                let n = e.get("name")?.as_str()?.to_string();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        // Every configuration's order must be the union's order.
        for l in lists.iter().flatten() {
            let pos: Vec<usize> = l
                .iter()
                .filter_map(|e| {
                    names
                        .iter()
                        .position(|n| Some(n.as_str()) == e["name"].as_str())
                })
                .collect();
            if !pos.windows(2).all(|p| p[0] < p[1]) {
                return None;
            }
        }
        let envmap = w.child("env");
        let mut items = Vec::new();
        for n in &names {
            let defs: Vec<Option<&Value>> = lists
                .iter()
                .map(|l| l.and_then(|l| l.iter().find(|e| e["name"].as_str() == Some(n))))
                .collect();
            let everywhere = defs.iter().zip(vs).all(|(d, v)| d.is_some() == v.is_some());
            let literal = present(&defs).all(|(_, d)| {
                d.get("value").is_some() && d.as_object().is_some_and(|m| m.len() == 2)
            });
            if literal {
                let path = envmap.child(n);
                for (i, d) in present(&defs) {
                    self.values.set(self.configs[i], &path, d["value"].clone());
                }
                let body = vec![
                    Field {
                        key: "name".into(),
                        node: Node::Lit(Value::String(n.clone())),
                        guard: Guard::Always,
                    },
                    Field {
                        key: "value".into(),
                        node: Node::Expr(format!("{{{{ {} | quote }}}}", path.expr())),
                        guard: Guard::Always,
                    },
                ];
                let guard = if everywhere {
                    Guard::Always
                } else {
                    self.ensure_parent(&path);
                    Guard::If(path.has_key())
                };
                items.push(Item {
                    node: Node::Map(body),
                    guard,
                });
            } else if everywhere && all_equal(&defs) {
                let mut d = defs[0]?.clone();
                if let Some(x) = d
                    .pointer("/valueFrom/configMapKeyRef/name")
                    .and_then(Value::as_str)
                    && obj
                        .names
                        .contains(&("ConfigMap".to_string(), x.to_string()))
                {
                    let mut fields = Vec::new();
                    for (k, v) in d.as_object()? {
                        fields.push(Field {
                            key: k.clone(),
                            node: Node::Lit(v.clone()),
                            guard: Guard::Always,
                        });
                    }
                    let prefixed = Node::Expr(format!("{{{{ $.Values.namePrefix }}}}{x}"));
                    let vf = fields.iter_mut().find(|f| f.key == "valueFrom")?;
                    vf.node = Node::Map(vec![Field {
                        key: "configMapKeyRef".into(),
                        node: Node::Map(vec![
                            Field {
                                key: "name".into(),
                                node: prefixed,
                                guard: Guard::Always,
                            },
                            Field {
                                key: "key".into(),
                                node: Node::Lit(
                                    d.pointer("/valueFrom/configMapKeyRef/key")?.clone(),
                                ),
                                guard: Guard::Always,
                            },
                        ]),
                        guard: Guard::Always,
                    }]);
                    items.push(Item {
                        node: Node::Map(fields),
                        guard: Guard::Always,
                    });
                    continue;
                }
                d.as_object_mut()?;
                items.push(Item {
                    node: Node::Lit(d),
                    guard: Guard::Always,
                });
            } else {
                let path = w.child("envRefs").child(n);
                let (node, guard) = self.value(&defs, path);
                items.push(Item { node, guard });
            }
        }
        Some((Node::Seq(items), Guard::Always))
    }
}
