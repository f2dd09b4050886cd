//! A container's environment: literal values become values keyed by variable name
//! (`WORKLOAD.env`), references stay in the template (`WORKLOAD.envRefs` where they differ).

use super::{Obj, VPath, Walker, all_equal, present};
use crate::emit::helm::tpl::{Field, Guard, Item, Node};
use serde_json::Value;

impl Walker<'_> {
    /// Container environment: literal values are values keyed by variable name; references
    /// stay in the template. Order follows every environment's order.
    pub(super) fn env(
        &mut self,
        obj: &Obj,
        vs: &[Option<&Value>],
        w: &VPath,
    ) -> Option<(Node, Guard)> {
        if !vs.iter().all(Option::is_some) {
            return None;
        }
        let lists: Vec<Option<&Vec<Value>>> =
            vs.iter().map(|v| v.and_then(Value::as_array)).collect();
        let names = env_names(&lists)?;
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
            let item = if literal {
                self.literal_env(n, &defs, everywhere, &envmap)
            } else if everywhere && all_equal(&defs) {
                shared_env(obj, defs[0]?)?
            } else {
                let (node, guard) = self.value(&defs, w.child("envRefs").child(n));
                Item { node, guard }
            };
            items.push(item);
        }
        Some((Node::Seq(items), Guard::Always))
    }

    /// A variable with a literal value: its value from `envmap.NAME`, guarded where some
    /// configurations do not have it.
    fn literal_env(
        &mut self,
        n: &str,
        defs: &[Option<&Value>],
        everywhere: bool,
        envmap: &VPath,
    ) -> Item {
        let path = envmap.child(n);
        for (i, d) in present(defs) {
            self.values.set(self.configs[i], &path, d["value"].clone());
        }
        let body = vec![
            Field {
                key: "name".into(),
                node: Node::Lit(Value::String(n.to_string())),
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
        Item {
            node: Node::Map(body),
            guard,
        }
    }
}

/// The variables' names in the order of every configuration: None when the configurations
/// order them differently (or a variable has no name).
fn env_names(lists: &[Option<&Vec<Value>>]) -> Option<Vec<String>> {
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
    Some(names)
}

/// A variable defined the same way everywhere, kept in the template; a reference to one of
/// the chart's ConfigMaps gets the environment's name prefix. None when it is not a map.
fn shared_env(obj: &Obj, d: &Value) -> Option<Item> {
    if let Some(x) = d
        .pointer("/valueFrom/configMapKeyRef/name")
        .and_then(Value::as_str)
        && obj
            .names
            .contains(&("ConfigMap".to_string(), x.to_string()))
    {
        return config_map_ref(d, x);
    }
    d.as_object()?;
    Some(Item {
        node: Node::Lit(d.clone()),
        guard: Guard::Always,
    })
}

/// A variable from a key of the chart's ConfigMap `x`: its fields as they are, the
/// ConfigMap's name with the environment's prefix.
fn config_map_ref(d: &Value, x: &str) -> Option<Item> {
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
                node: Node::Lit(d.pointer("/valueFrom/configMapKeyRef/key")?.clone()),
                guard: Guard::Always,
            },
        ]),
        guard: Guard::Always,
    }]);
    Some(Item {
        node: Node::Map(fields),
        guard: Guard::Always,
    })
}
