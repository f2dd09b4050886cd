//! The Ingress template: hosts and paths come from values, as in charts written by hand.

use super::build::{Obj, VPath, Values, Walker};
use super::tpl::{self, Field, Guard, Node};
use serde_json::{Map, Value, json};

/// The Ingress template; its values (hosts, class, annotations, TLS) recorded for every
/// configuration that has it.
pub(super) fn template(
    obj: &Obj,
    variants: &[Option<&Value>],
    configs: &[usize],
    values: &mut Values,
) -> String {
    for (j, v) in variants.iter().enumerate() {
        if let Some(v) = v {
            set_values(&obj.root, configs[j], v, values);
        }
    }
    let name = variants
        .iter()
        .flatten()
        .next()
        .and_then(|v| v.pointer("/metadata/name"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let labels = labels(obj, variants, configs, values);
    text(name, &labels, &obj.root.expr())
}

/// One configuration's Ingress values: hosts with their paths, class, annotations and TLS.
fn set_values(root: &VPath, i: usize, v: &Value, values: &mut Values) {
    let hosts: Vec<Value> = v
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .map(|r| json!({"host": r["host"], "paths": paths(r)}))
                .collect()
        })
        .unwrap_or_default();
    values.set(i, &root.child("hosts"), Value::Array(hosts));
    if let Some(c) = v.pointer("/spec/ingressClassName") {
        values.set(i, &root.child("className"), c.clone());
    }
    if let Some(a) = v.pointer("/metadata/annotations") {
        values.set(i, &root.child("annotations"), a.clone());
    }
    let tls = v.pointer("/spec/tls/0");
    let mut t = Map::new();
    t.insert("enabled".into(), Value::Bool(tls.is_some()));
    if let Some(s) = tls.and_then(|t| t.get("secretName")) {
        t.insert("secretName".into(), s.clone());
    }
    values.set(i, &root.child("tls"), Value::Object(t));
}

/// The paths of a rule as values: path, type, and the Service and port they lead to.
fn paths(rule: &Value) -> Vec<Value> {
    rule.pointer("/http/paths")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    json!({
                        "path": p["path"],
                        "pathType": p["pathType"],
                        "service": p.pointer("/backend/service/name").cloned().unwrap_or_default(),
                        "port": p.pointer("/backend/service/port/name").cloned().unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `labels:` field of the metadata, walked like any object's.
fn labels(
    obj: &Obj,
    variants: &[Option<&Value>],
    configs: &[usize],
    values: &mut Values,
) -> String {
    let labels = variants
        .iter()
        .flatten()
        .next()
        .and_then(|v| v.pointer("/metadata/labels"))
        .cloned()
        .unwrap_or_default();
    let mut walker = Walker {
        values,
        configs: configs.to_vec(),
    };
    let label_vs: Vec<Option<&Value>> = variants
        .iter()
        .map(|v| v.and_then(|v| v.pointer("/metadata/labels")))
        .collect();
    let label_node = walker
        .walk(
            obj,
            &mut vec!["metadata".into(), "labels".into()],
            &label_vs,
        )
        .map(|(n, _)| n)
        .unwrap_or(Node::Lit(labels));
    let mut labels_text = String::new();
    tpl::render_map(
        &mut labels_text,
        &[Field {
            key: "labels".into(),
            node: label_node,
            guard: Guard::Always,
        }],
        2,
    );
    labels_text
}

/// The template's text around its name, labels and values (`e`: the values' expression).
fn text(name: &str, labels_text: &str, e: &str) -> String {
    format!(
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{{{ $.Values.namePrefix }}}}{name}
  namespace: {{{{ $.Release.Namespace }}}}
{labels_text}  {{{{- with {e}.annotations }}}}
  annotations:
    {{{{- toYaml . | nindent 4 }}}}
  {{{{- end }}}}
spec:
  {{{{- with {e}.className }}}}
  ingressClassName: {{{{ . | quote }}}}
  {{{{- end }}}}
  rules:
    {{{{- range {e}.hosts }}}}
    - host: {{{{ .host | quote }}}}
      http:
        paths:
          {{{{- range .paths }}}}
          - path: {{{{ .path | quote }}}}
            pathType: {{{{ .pathType | quote }}}}
            backend:
              service:
                name: {{{{ $.Values.namePrefix }}}}{{{{ .service }}}}
                port:
                  name: {{{{ .port | quote }}}}
          {{{{- end }}}}
    {{{{- end }}}}
  {{{{- if {e}.tls.enabled }}}}
  tls:
    - hosts:
        {{{{- range {e}.hosts }}}}
        - {{{{ .host | quote }}}}
        {{{{- end }}}}
      secretName: {{{{ {e}.tls.secretName | quote }}}}
  {{{{- end }}}}
"#
    )
}
