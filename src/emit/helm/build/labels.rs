//! Labels and selectors: the app's standard labels come from the chart's helpers, the rest
//! from the template or values.

use super::{Obj, Walker, all_equal, present};
use crate::emit::helm::tpl::{Node, go_string};
use serde_json::{Map, Value};

impl Walker<'_> {
    /// The labels helper for a label map that holds the app's labels (the object's own labels
    /// may override their values): the extras are a literal dict when every configuration has
    /// the same, else values (`ROOT.labels` or `ROOT.podLabels`, after the helper).
    pub(super) fn labels(
        &mut self,
        obj: &Obj,
        vs: &[Option<&Value>],
        helper: &str,
    ) -> Option<Node> {
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
        self.labels_include(obj, helper, name.as_deref(), extras)
    }

    /// The include of the labels helper: the workload's name when the labels name one, and
    /// the extra labels (a literal dict, or values where configurations differ).
    fn labels_include(
        &mut self,
        obj: &Obj,
        helper: &str,
        name: Option<&str>,
        extras: Vec<(usize, Map<String, Value>)>,
    ) -> Option<Node> {
        let mut args = String::from("(dict");
        if let Some(n) = name {
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
    pub(super) fn selector(&self, obj: &Obj, vs: &[Option<&Value>]) -> Option<Node> {
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
}
