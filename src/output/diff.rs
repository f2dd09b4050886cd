//! Semantic diff of deployed objects: what `stowage diff` reports.
//!
//! Takes the rendered objects of environments (`EnvIr::render()`, two versions), gives
//! [`EnvDiff`]s: objects added, removed and changed (identified by kind and name), and for a
//! changed object the [`FieldChange`]s at their [`FieldPath`]s. Lists of named things
//! (containers, ports, env, volumes, volumeMounts, ...) are matched by their identifying field
//! (`name`, else `mountPath`, `containerPort`, ...), not by position, and other lists of objects
//! are compared as sets: reordering the spec's nodes changes nothing. Lists of plain values are
//! ordered (`command`, `args`) unless they are sets in Kubernetes ([`UNORDERED`]).
//! [`super::diff_format`] prints the result.

use crate::ir::{Ir, kind_rank};
use serde_json::Value;
use std::fmt;

/// Fields that identify an element of a list of objects, tried in this order: the first one
/// every element has, with values unique on each side, is used.
pub const IDENTITY_FIELDS: &[&str] = &[
    "name",
    "metadata.name",
    "mountPath",
    "containerPort",
    "devicePath",
    "host",
    "path",
    "secretKey",
    "key",
    "ip",
    "port",
];

/// Lists of plain values whose order Kubernetes ignores.
pub const UNORDERED: &[&str] = &[
    "hosts",
    "policyTypes",
    "accessModes",
    "add",
    "drop",
    "values",
    "except",
    "finalizers",
];

/// One step of a path into an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A field of a map.
    Key(String),
    /// An element of a list without identity, by its position (in the new list when it is in
    /// both, else in the list it is in).
    Index(usize),
    /// An element of a list of named things: `containers[api]`, `volumeMounts[mountPath=/tmp]`
    /// (the field is `name` or `metadata.name` when not shown).
    Named { field: String, value: String },
}

/// Where a field is in an object: `spec.template.spec.containers[api].env[LOG_LEVEL].value`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    pub(crate) fn with(&self, s: Segment) -> FieldPath {
        let mut v = self.0.clone();
        v.push(s);
        FieldPath(v)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k)
                    if !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
                {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => write!(f, "[{}]", Value::String(k.clone()))?,
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Named { field, value } if field == "name" || field == "metadata.name" => {
                    write!(f, "[{value}]")?
                }
                Segment::Named { field, value } => write!(f, "[{field}={value}]")?,
            }
        }
        Ok(())
    }
}

/// One difference inside an object. `old` is `None` for an added field, `new` for a removed one.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub path: FieldPath,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

impl FieldChange {
    /// `+`, `-` or `~`.
    pub fn sign(&self) -> char {
        match (&self.old, &self.new) {
            (None, _) => '+',
            (_, None) => '-',
            _ => '~',
        }
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectChange {
    Added(Value),
    Removed(Value),
    Changed(Vec<FieldChange>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDiff {
    pub kind: String,
    pub name: String,
    pub change: ObjectChange,
}

impl ObjectDiff {
    /// `+`, `-` or `~`.
    pub fn sign(&self) -> char {
        match self.change {
            ObjectChange::Added(_) => '+',
            ObjectChange::Removed(_) => '-',
            ObjectChange::Changed(_) => '~',
        }
    }
}

/// Whether an environment is in both versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Both,
    OnlyOld,
    OnlyNew,
}

/// The differences of one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvDiff {
    pub env: String,
    pub presence: Presence,
    pub objects: Vec<ObjectDiff>,
}

/// Counts of objects added, removed and changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl EnvDiff {
    pub fn is_equal(&self) -> bool {
        self.presence == Presence::Both && self.objects.is_empty()
    }
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for o in &self.objects {
            match o.change {
                ObjectChange::Added(_) => s.added += 1,
                ObjectChange::Removed(_) => s.removed += 1,
                ObjectChange::Changed(_) => s.changed += 1,
            }
        }
        s
    }
    /// One line: `production: 1 changed, 2 added, 0 removed` or `production: no changes`.
    pub fn summary_line(&self) -> String {
        let s = self.summary();
        let what = match self.presence {
            Presence::OnlyNew => " (new environment)",
            Presence::OnlyOld => " (environment removed)",
            Presence::Both => "",
        };
        if self.objects.is_empty() {
            format!("{}: no changes{what}", self.env)
        } else {
            format!(
                "{}: {} changed, {} added, {} removed{what}",
                self.env, s.changed, s.added, s.removed
            )
        }
    }
}

fn object_key(v: &Value) -> (u8, String, String) {
    let kind = v["kind"].as_str().unwrap_or_default().to_string();
    (
        kind_rank(&kind),
        kind,
        v["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// Compare two versions of one environment's objects. Objects are identified by kind and name;
/// the result is sorted like `stowage render` (kind, then name).
pub fn diff_objects(old: &[Value], new: &[Value]) -> Vec<ObjectDiff> {
    let mut keys: Vec<(u8, String, String)> = old.iter().chain(new).map(object_key).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let find = |list: &[Value]| list.iter().find(|v| object_key(v) == key).cloned();
        let change = match (find(old), find(new)) {
            (Some(o), Some(n)) => {
                let fields = diff_values(&o, &n);
                if fields.is_empty() {
                    continue;
                }
                ObjectChange::Changed(fields)
            }
            (Some(o), None) => ObjectChange::Removed(o),
            (None, Some(n)) => ObjectChange::Added(n),
            (None, None) => continue,
        };
        out.push(ObjectDiff {
            kind: key.1,
            name: key.2,
            change,
        });
    }
    out
}

/// Compare two values of one object: every difference, by field path.
pub fn diff_values(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff_at(&FieldPath::default(), None, old, new, &mut out);
    out
}

fn diff_at(
    path: &FieldPath,
    field: Option<&str>,
    old: &Value,
    new: &Value,
    out: &mut Vec<FieldChange>,
) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = path.with(Segment::Key(k.clone()));
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff_at(&p, Some(k), x, y, out),
                    (x, y) => out.push(FieldChange {
                        path: p,
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => diff_list(path, field, a, b, out),
        _ => out.push(FieldChange {
            path: path.clone(),
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

/// The value of an identity field (`metadata.name` is a path) when it is a string or number.
pub(crate) fn id_of<'v>(v: &'v Value, field: &str) -> Option<&'v Value> {
    let found = field.split('.').try_fold(v, |v, k| v.get(k))?;
    (found.is_string() || found.is_number()).then_some(found)
}

/// The field that identifies the elements of both lists, if there is one.
pub(crate) fn identity(a: &[Value], b: &[Value]) -> Option<&'static str> {
    IDENTITY_FIELDS.iter().copied().find(|f| {
        [a, b].iter().all(|list| {
            let ids: Option<Vec<String>> = list.iter().map(|v| id_of(v, f).map(id_text)).collect();
            ids.is_some_and(|mut ids| {
                let n = ids.len();
                ids.sort();
                ids.dedup();
                ids.len() == n
            })
        })
    })
}

pub(crate) fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

fn diff_list(
    path: &FieldPath,
    field: Option<&str>,
    a: &[Value],
    b: &[Value],
    out: &mut Vec<FieldChange>,
) {
    let objects = a.iter().chain(b).all(Value::is_object);
    if objects && let Some(id) = identity(a, b) {
        let key = |v: &Value| id_of(v, id).map(id_text).unwrap_or_default();
        let seg = |v: &Value| Segment::Named {
            field: id.to_string(),
            value: key(v),
        };
        for x in a {
            match b.iter().find(|y| key(y) == key(x)) {
                Some(y) => diff_at(&path.with(seg(x)), None, x, y, out),
                None => out.push(FieldChange {
                    path: path.with(seg(x)),
                    old: Some(x.clone()),
                    new: None,
                }),
            }
        }
        for y in b.iter().filter(|y| !a.iter().any(|x| key(x) == key(y))) {
            out.push(FieldChange {
                path: path.with(seg(y)),
                old: None,
                new: Some(y.clone()),
            });
        }
        return;
    }
    let unordered = objects || field.is_some_and(|f| UNORDERED.contains(&f));
    if !unordered {
        out.push(FieldChange {
            path: path.clone(),
            old: Some(Value::Array(a.to_vec())),
            new: Some(Value::Array(b.to_vec())),
        });
        return;
    }
    // As multisets: equal elements pair up wherever they are.
    let mut used = vec![false; b.len()];
    let mut gone = Vec::new();
    for (i, x) in a.iter().enumerate() {
        match (0..b.len()).find(|&j| !used[j] && &b[j] == x) {
            Some(j) => used[j] = true,
            None => gone.push(i),
        }
    }
    let came: Vec<usize> = (0..b.len()).filter(|&j| !used[j]).collect();
    if gone.len() == came.len() {
        for (&i, &j) in gone.iter().zip(&came) {
            diff_at(&path.with(Segment::Index(j)), None, &a[i], &b[j], out);
        }
        return;
    }
    for i in gone {
        out.push(FieldChange {
            path: path.with(Segment::Index(i)),
            old: Some(a[i].clone()),
            new: None,
        });
    }
    for j in came {
        out.push(FieldChange {
            path: path.with(Segment::Index(j)),
            old: None,
            new: Some(b[j].clone()),
        });
    }
}

/// The environments of `new` in its order, then those only `old` has; with `only`, just that
/// one.
pub fn env_names<'a>(old: &'a Ir, new: &'a Ir, only: Option<&str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = new.environments.iter().map(|e| e.name.as_str()).collect();
    for e in &old.environments {
        if !names.contains(&e.name.as_str()) {
            names.push(&e.name);
        }
    }
    names.retain(|n| only.is_none_or(|o| o == *n));
    names
}

/// Compare every environment of two versions of a spec: those of `new` in its order, then
/// those only `old` has. With `only`, just that environment.
pub fn diff_irs(old: &Ir, new: &Ir, only: Option<&str>) -> Vec<EnvDiff> {
    env_names(old, new, only)
        .into_iter()
        .map(|name| {
            let render = |ir: &Ir| {
                ir.environments
                    .iter()
                    .find(|e| e.name == name)
                    .map(|e| e.render())
            };
            let (o, n) = (render(old), render(new));
            let presence = match (&o, &n) {
                (Some(_), None) => Presence::OnlyOld,
                (None, Some(_)) => Presence::OnlyNew,
                _ => Presence::Both,
            };
            EnvDiff {
                env: name.to_string(),
                presence,
                objects: diff_objects(&o.unwrap_or_default(), &n.unwrap_or_default()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn named_lists_match_by_name_and_sets_ignore_order() {
        let old = json!({"spec": {"containers": [
            {"name": "a", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}], "args": ["p", "q"]},
            {"name": "b", "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}]}
        ], "rules": [{"port": 1}, {"port": 2}], "policyTypes": ["Ingress", "Egress"]}});
        let new = json!({"spec": {"containers": [
            {"name": "b", "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}]},
            {"name": "a", "env": [{"name": "Y", "value": "2"}, {"name": "Z", "value": "1"}], "args": ["q", "p"]}
        ], "rules": [{"port": 2}, {"port": 1}], "policyTypes": ["Egress", "Ingress"]}});
        let d = diff_values(&old, &new);
        let shown: Vec<String> = d
            .iter()
            .map(|c| format!("{} {}", c.sign(), c.path))
            .collect();
        assert_eq!(
            shown,
            [
                "~ spec.containers[a].args",
                "- spec.containers[a].env[X]",
                "+ spec.containers[a].env[Z]",
            ]
        );
    }

    #[test]
    fn paths_quote_keys_with_dots() {
        let d = diff_values(
            &json!({"metadata": {"labels": {"app.kubernetes.io/name": "a"}}}),
            &json!({"metadata": {"labels": {"app.kubernetes.io/name": "b"}}}),
        );
        assert_eq!(
            d[0].path.to_string(),
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
    }
}
