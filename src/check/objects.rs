//! Declared objects and patches: each object and each patch target once, no credentials in a
//! declared Secret (its `data` is only base64), and no patch of `apiVersion`, `kind` or the
//! name, which identify the object.

use super::report::duplicate;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use crate::syntax::data::Data;
use std::collections::HashMap;

pub(super) fn check(items: &Items, diags: &mut Diagnostics) {
    once(items.objects.iter().map(|o| &o.target), "object", diags);
    // One patch of a target in the app and one in the environment (applied after it).
    for environment in [false, true] {
        let layer = items
            .patches
            .iter()
            .filter(|p| p.environment == environment);
        once(layer.map(|p| &p.target), "patch of", diags);
    }
    once(
        items.json_patches.iter().map(|p| &p.target),
        "JSON patch of",
        diags,
    );
    for o in items.objects.iter().filter(|o| o.target.kind == "Secret") {
        plaintext_secret(&o.body, diags);
    }
    for body in items
        .objects
        .iter()
        .map(|o| &o.body)
        .chain(items.patches.iter().map(|p| &p.body))
    {
        annotations(body, diags);
    }
    for p in &items.patches {
        if p.target.kind == "Secret" {
            plaintext_secret(&p.body, diags);
        }
        identity(&p.body, diags);
    }
}

/// Each target once.
fn once<'a>(targets: impl Iterator<Item = &'a Target>, what: &str, diags: &mut Diagnostics) {
    let mut seen: HashMap<(&str, &str), Span> = HashMap::new();
    for t in targets {
        if let Some(first) = seen.insert((&t.kind, &t.name), t.span) {
            let name = S::new(format!("{}/{}", t.kind, t.name), t.span);
            diags.push(duplicate(what, &name, first));
        }
    }
}

/// A Secret's values in the spec are plaintext, whatever their encoding.
fn plaintext_secret(body: &Data, diags: &mut Diagnostics) {
    for key in ["data", "stringData"] {
        if body.value.get(key).is_some() {
            let span = body.spans.key(&format!("/{key}")).unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    &code::secret::PLAINTEXT,
                    format!("a Secret's `{key}` is written in the spec"),
                    span,
                    "plaintext secret",
                )
                .with_help("declare the secret with `secret` (source=\"sealed\" or \"external\"), or keep it outside the spec; base64 is not encryption"),
            );
        }
    }
}

/// A patch does not change what names its object.
fn identity(body: &Data, diags: &mut Diagnostics) {
    for (pointer, what) in [
        ("/apiVersion", "apiVersion"),
        ("/kind", "kind"),
        ("/metadata/name", "metadata.name"),
    ] {
        if body.value.pointer(pointer).is_some() {
            diags.push(
                Diagnostic::error(
                    &code::object::DATA,
                    format!("a patch cannot change `{what}`"),
                    body.spans.key(pointer).unwrap_or_default(),
                    "identifies the object",
                )
                .with_help("the target names the object; declare another object instead"),
            );
        }
    }
}

/// Annotation values kustomize can carry.
fn annotations(body: &Data, diags: &mut Diagnostics) {
    let values = body
        .value
        .pointer("/metadata/annotations")
        .and_then(|a| a.as_object());
    for (k, v) in values.into_iter().flatten() {
        let Some(text) = v.as_str() else { continue };
        let pointer = format!(
            "/metadata/annotations/{}",
            crate::syntax::data::pointer_segment(k)
        );
        let span = body.spans.value(&pointer).unwrap_or_default();
        if let Some(d) = super::report::annotation_value(&S::new(text.to_string(), span)) {
            diags.push(d);
        }
    }
}
