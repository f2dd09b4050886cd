//! Diagnostics at the spec for names Kubernetes would refuse once deployed
//! ([`crate::ir::verify`]): each problem is shown at the item it comes from, with the
//! environment's prefix when that made the name too long.

use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::ir::verify::NameProblem;
use crate::layout::ingress_group;
use crate::syntax::ast::{Items, Spec};
use std::collections::HashMap;

/// Where the spec names each item and environment.
pub struct Places {
    /// (group or kind, name) -> span: workloads by name, configs, secrets, ingresses.
    items: HashMap<(String, String), Span>,
    /// Environment -> (its span, its prefix's span if it has a prefix).
    envs: HashMap<String, (Span, Option<Span>)>,
    app: Span,
}

impl Places {
    pub fn of(spec: &Spec) -> Places {
        let mut items = HashMap::new();
        let mut add = |its: &Items| {
            for w in &its.workloads {
                items
                    .entry(("workload".into(), w.name.v.clone()))
                    .or_insert(w.name.span);
            }
            for c in &its.configs {
                items
                    .entry(("config".into(), c.name.v.clone()))
                    .or_insert(c.name.span);
            }
            for s in &its.secrets {
                items
                    .entry(("secret".into(), s.name.v.clone()))
                    .or_insert(s.name.span);
            }
            for o in &its.objects {
                let id = format!("{}/{}", o.target.kind, o.target.name);
                items.entry(("object".into(), id)).or_insert(o.target.span);
            }
            for i in &its.ingresses {
                items
                    .entry(("ingress".into(), ingress_group(&i.name.v)))
                    .or_insert(i.name.span);
            }
        };
        add(&spec.items);
        for e in &spec.environments {
            add(&e.items);
        }
        let envs = spec
            .environments
            .iter()
            .map(|e| {
                let prefix = e
                    .prefix
                    .as_ref()
                    .filter(|p| !p.v.is_empty())
                    .map(|p| p.span);
                (e.name.v.clone(), (e.span, prefix))
            })
            .collect();
        Places {
            items,
            envs,
            app: spec.app.name.span,
        }
    }

    /// The span of the item an object comes from.
    fn item(&self, p: &NameProblem) -> Option<Span> {
        let by = |what: &str, name: &str| {
            self.items
                .get(&(what.to_string(), name.to_string()))
                .copied()
        };
        if p.group == crate::layout::OBJECTS_GROUP {
            return by("object", &format!("{}/{}", p.kind, p.logical));
        }
        match p.kind.as_str() {
            "ConfigMap" => by("config", &p.logical),
            "Secret" | "SealedSecret" | "ExternalSecret" => by("secret", &p.logical),
            "Ingress" => by("ingress", &p.group),
            _ => by("workload", &p.group).or_else(|| by("workload", &p.logical)),
        }
    }

    pub fn diagnostics(&self, problems: &[NameProblem]) -> Diagnostics {
        let mut out = Diagnostics::new();
        for p in problems {
            let env = p.env.as_deref().and_then(|e| self.envs.get(e));
            let span = self.item(p).or(env.map(|e| e.0)).unwrap_or(self.app);
            let place = match &p.env {
                Some(e) => format!("in `{e}`"),
                None => "in the base".to_string(),
            };
            let mut d = Diagnostic::error(
                &code::name::DEPLOYED,
                format!(
                    "`{}` is deployed {place} as the {} `{}`, which Kubernetes refuses: {}",
                    p.spec_name, p.kind, p.deployed, p.why
                ),
                span,
                "this name",
            );
            if let Some((_, Some(prefix))) = env {
                d = d.with_label(*prefix, "the environment's prefix counts too");
            }
            out.push(d.with_help(match p.room {
                Some(room) if room > 0 => format!(
                    "shorten it to at most {room} characters (or shorten the environment's prefix): the {} is named `{}`",
                    p.kind, p.deployed
                ),
                _ => "shorten the name or the environment's prefix".to_string(),
            }));
        }
        out
    }
}
