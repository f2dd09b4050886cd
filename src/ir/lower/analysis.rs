//! An `analysis` becomes an Argo Rollouts AnalysisTemplate; a canary step that names an
//! analysis the environment does not have is reported.

use super::Cx;
use super::patches::Made;
use crate::diagnostic::{Diagnostic, code};
use crate::ir::kinds;
use crate::ir::scope::Env;
use crate::syntax::ast::Analysis;
use serde_json::{Map, Value, json};

impl Cx<'_> {
    /// The AnalysisTemplate: one metric, named after the analysis.
    pub(super) fn analysis(&self, env: &Env, a: &Analysis) -> Value {
        let mut metric = Map::new();
        metric.insert("name".into(), json!(a.name.v));
        if let Some(i) = &a.interval {
            metric.insert("interval".into(), json!(i.v));
        }
        if let Some(c) = &a.count {
            metric.insert("count".into(), json!(c.v));
        }
        if let Some(f) = &a.failure_limit {
            metric.insert("failureLimit".into(), json!(f.v));
        }
        let text = |v: &Option<crate::syntax::ast::S<String>>| {
            v.as_ref().map(|s| s.v.clone()).unwrap_or_default()
        };
        metric.insert("successCondition".into(), json!(text(&a.success)));
        metric.insert(
            "provider".into(),
            json!({"prometheus": {"address": text(&a.prometheus), "query": text(&a.query)}}),
        );
        let meta = self.meta(env, &a.name.v, &Default::default());
        let o = json!({
            "apiVersion": kinds::ANALYSIS_TEMPLATE.api_version,
            "kind": kinds::ANALYSIS_TEMPLATE.kind,
            "spec": {"metrics": [metric]},
        });
        super::with_meta(o, &meta)
    }

    /// Every canary step's analysis is an AnalysisTemplate of the environment.
    pub(super) fn analysis_refs(&self, env: &Env, made: &Made) {
        for w in &env.items.workloads {
            let steps = w.rollout.iter().flat_map(|r| &r.steps);
            for a in steps.filter_map(|s| s.analysis.as_ref()) {
                let found = made
                    .objects
                    .iter()
                    .any(|o| o.kind() == kinds::ANALYSIS_TEMPLATE.kind && o.name() == a.v);
                if found {
                    continue;
                }
                let declared: Vec<&str> =
                    env.items.analyses.iter().map(|x| x.name.as_str()).collect();
                let help = match crate::diagnostic::suggest(&a.v, declared.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "declare it: `analysis \"{}\" {{ prometheus \"...\" query \"...\" success \"result[0] < 1\" }}`",
                        a.v
                    ),
                };
                self.report(
                    Diagnostic::error(
                        &code::rollout::ANALYSIS,
                        format!("no analysis `{}` for this step", a.v),
                        a.span,
                        "no AnalysisTemplate of this name",
                    )
                    .with_help(help),
                );
            }
        }
    }
}
