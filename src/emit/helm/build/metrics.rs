//! An autoscaler's metrics: CPU and memory utilisation targets as the usual values
//! (`targetCPUUtilizationPercentage`, `targetMemoryUtilizationPercentage`).

use super::{Obj, VPath, Walker, present};
use crate::emit::helm::tpl::{Field, Guard, Item, Node};
use serde_json::Value;

/// The metrics the values can hold, in the order stowage writes them.
const ORDER: [&str; 2] = ["cpu", "memory"];

impl Walker<'_> {
    /// The metrics as a list of utilisation targets from values, each where its value is
    /// set: None for metrics of other shapes.
    pub(super) fn metrics(&mut self, obj: &Obj, vs: &[Option<&Value>]) -> Option<(Node, Guard)> {
        targets_in_order(vs)?;
        let mut items = Vec::new();
        for name in ORDER {
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
            items.push(utilization_item(name, &path));
        }
        Some((Node::Seq(items), Guard::Always))
    }
}

/// Some(()) when every variant holds only the shapes stowage makes (resource utilisation of
/// cpu and memory), in its order.
fn targets_in_order(vs: &[Option<&Value>]) -> Option<()> {
    for (_, v) in present(vs) {
        let mut names = Vec::new();
        for m in v.as_array()? {
            let name = m.pointer("/resource/name")?.as_str()?.to_string();
            let u = m.pointer("/resource/target/averageUtilization")?.as_i64()?;
            let expected = serde_json::json!({"type": "Resource", "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": u}}});
            if *m != expected {
                return None;
            }
            names.push(name);
        }
        let expected: Vec<&str> = ORDER
            .iter()
            .copied()
            .filter(|o| names.iter().any(|n| n == o))
            .collect();
        if names != expected {
            return None;
        }
    }
    Some(())
}

/// A utilisation target of the resource `name`, present where `path` is set in values.
fn utilization_item(name: &str, path: &VPath) -> Item {
    let lit = |key: &str, v: Value| Field {
        key: key.into(),
        node: Node::Lit(v),
        guard: Guard::Always,
    };
    let map = |key: &str, fields: Vec<Field>| Field {
        key: key.into(),
        node: Node::Map(fields),
        guard: Guard::Always,
    };
    let target = vec![
        lit("type", "Utilization".into()),
        Field {
            key: "averageUtilization".into(),
            node: Node::Expr(format!("{{{{ {} }}}}", path.expr())),
            guard: Guard::Always,
        },
    ];
    let body = vec![
        lit("type", "Resource".into()),
        map(
            "resource",
            vec![
                lit("name", Value::String(name.to_string())),
                map("target", target),
            ],
        ),
    ];
    Item {
        node: Node::Map(body),
        guard: Guard::If(path.has_key()),
    }
}
