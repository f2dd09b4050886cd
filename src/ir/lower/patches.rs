//! Patches, applied once here so that `render`, kustomize and Helm agree: each `patch` merges
//! into its target (strategic for the kinds of Kubernetes), then each `json-patch` runs its
//! operations in order. Then every object the spec declared or patched is held to its schema.

use super::{Cx, Origin};
use crate::diagnostic::{Diagnostic, code, suggest};
use crate::ir::Object;
use crate::ir::scope::Env;
use crate::syntax::ast::{JsonPatch, Op, Patch, PatchOp, Target};
use serde_json::Value;
use std::collections::HashMap;

/// The objects of one environment and where the spec wrote what (for declared or patched
/// objects, by index).
pub(super) struct Made {
    pub objects: Vec<Object>,
    pub origins: HashMap<usize, Origin>,
}

impl Cx<'_> {
    /// Apply the environment's patches to its objects.
    pub(super) fn patch(&self, env: &Env, made: &mut Made) {
        for p in &env.items.patches {
            if let Some(i) = self.find(made, &p.target) {
                self.merge_patch(made, i, p);
            }
        }
        for p in &env.items.json_patches {
            if let Some(i) = self.find(made, &p.target) {
                self.json_patch(made, i, p);
            }
        }
    }

    /// The object a patch targets, by kind and logical name; a miss is reported when no
    /// configuration has the object (an object may exist in some environments only).
    fn find(&self, made: &Made, target: &Target) -> Option<usize> {
        let found = made
            .objects
            .iter()
            .position(|o| o.kind() == target.kind && o.name() == target.name);
        let mut report = self.lock();
        match found {
            Some(i) => {
                report.matched.insert(target.span);
                Some(i)
            }
            None => {
                let names = made
                    .objects
                    .iter()
                    .filter(|o| o.kind() == target.kind)
                    .map(|o| o.name());
                let d = Diagnostic::error(
                    &code::object::TARGET,
                    format!("no {target} to patch"),
                    target.span,
                    "no such object",
                );
                let d = match suggest(&target.name, names) {
                    Some(n) => d.with_help(format!("did you mean `{}/{n}`?", target.kind)),
                    None => d.with_help(
                        "patches name objects by kind and logical name, as `stowage render --env NAME` lists them (before prefixes)",
                    ),
                };
                report.missed.push((target.span, d));
                None
            }
        }
    }

    fn merge_patch(&self, made: &mut Made, i: usize, p: &Patch) {
        self.registry
            .merge(&mut made.objects[i].value, &p.body.value);
        let origin = origin_of(made, i, p.span);
        origin.spans.extend_at("", &p.body.spans);
    }

    fn json_patch(&self, made: &mut Made, i: usize, p: &JsonPatch) {
        for op in &p.ops {
            let value = &mut made.objects[i].value;
            if let Err(why) = apply_op(value, op) {
                let o = &made.objects[i];
                self.report(
                    Diagnostic::error(
                        &code::object::PATCH,
                        format!(
                            "cannot {} `{}` in {} `{}`: {why}",
                            op.op,
                            op.path.v,
                            o.kind(),
                            o.name()
                        ),
                        op.span,
                        "this operation",
                    )
                    .with_help("patch a path the object has: `stowage render --env NAME` shows it"),
                );
                return;
            }
            let origin = origin_of(made, i, p.span);
            origin.spans.keys.push((op.path.v.clone(), op.span));
            if let Some(v) = &op.value {
                origin
                    .spans
                    .extend_at(op.path.v.trim_end_matches("/-"), &v.spans);
            }
        }
    }

    /// Hold every declared or patched object to its schema.
    pub(super) fn validate(&self, made: &Made) {
        let mut indices: Vec<&usize> = made
            .origins
            .iter()
            .filter(|(_, o)| o.validate)
            .map(|(i, _)| i)
            .collect();
        indices.sort();
        for &i in indices {
            let o = &made.objects[i];
            let origin = &made.origins[&i];
            let refusals = self.registry.refusals(&o.value);
            // A misspelt required field is one finding: the misspelling (with its suggestion).
            let suggested: Vec<(String, String)> = refusals
                .iter()
                .filter_map(|r| {
                    let fields = self
                        .registry
                        .fields_at(o.api_version(), o.kind(), &r.pointer);
                    let n = suggest(r.unknown.as_deref()?, fields.iter().map(String::as_str))?;
                    Some((r.pointer.clone(), n.to_string()))
                })
                .collect();
            for r in refusals {
                if let Some(m) = &r.missing
                    && suggested.contains(&(r.pointer.clone(), m.clone()))
                {
                    continue;
                }
                let at = if r.pointer.is_empty() {
                    "/"
                } else {
                    &r.pointer
                };
                let mut message = format!("`{at}` of {} `{}`: {}", o.kind(), o.name(), r.message);
                let mut span = origin.value_span(&r.pointer);
                if let Some(field) = &r.unknown {
                    let key = crate::syntax::data::pointer_segment(field);
                    let path = format!("{}/{key}", r.pointer);
                    span = origin.key_span(&path);
                    message = format!("{} `{}` has no field `{path}`", o.kind(), o.name());
                    let fields = self
                        .registry
                        .fields_at(o.api_version(), o.kind(), &r.pointer);
                    if let Some(n) = suggest(field, fields.iter().map(String::as_str)) {
                        message.push_str(&format!(" (did you mean `{n}`?)"));
                    }
                }
                self.report(
                    Diagnostic::error(
                        &code::object::SCHEMA,
                        message,
                        span,
                        "refused by the schema",
                    )
                    .with_help(format!(
                        "{} {} is checked against the schema of Kubernetes 1.{} (or its CRD)",
                        o.api_version(),
                        o.kind(),
                        self.registry.schemas.minor
                    )),
                );
            }
        }
    }
}

/// The origin of a patched object, now held to its schema.
fn origin_of(made: &mut Made, i: usize, patch: crate::diagnostic::Span) -> &mut Origin {
    let o = &made.objects[i];
    let subject = format!("{} `{}`", o.kind(), o.name());
    let origin = made
        .origins
        .entry(i)
        .or_insert_with(|| Origin::whole(patch, subject));
    origin.validate = true;
    origin
}

/// One RFC 6902 operation.
fn apply_op(value: &mut Value, op: &PatchOp) -> Result<(), String> {
    let path = op.path.v.as_str();
    let from = op.from.as_ref().map(|f| f.v.as_str()).unwrap_or_default();
    let v = || {
        op.value
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or(Value::Null)
    };
    let json = match op.op {
        Op::Add => serde_json::json!({"op": "add", "path": path, "value": v()}),
        Op::Replace => serde_json::json!({"op": "replace", "path": path, "value": v()}),
        Op::Test => serde_json::json!({"op": "test", "path": path, "value": v()}),
        Op::Remove => serde_json::json!({"op": "remove", "path": path}),
        Op::Move => serde_json::json!({"op": "move", "path": path, "from": from}),
        Op::Copy => serde_json::json!({"op": "copy", "path": path, "from": from}),
    };
    let patch: json_patch::Patch =
        serde_json::from_value(serde_json::Value::Array(vec![json])).map_err(|e| e.to_string())?;
    json_patch::patch(value, &patch).map_err(|e| match e.kind {
        json_patch::PatchErrorKind::TestFailed => "the value there is another".to_string(),
        json_patch::PatchErrorKind::InvalidPointer => "there is nothing there".to_string(),
        other => other.to_string(),
    })
}
