//! Decoding: the spanned node tree to the typed AST.
//!
//! Takes [`Node`]s (already merged for an environment), gives [`ast`] values and diagnostics for
//! everything that is not of the language's shape: unknown nodes and properties (with "did you
//! mean"), missing or surplus arguments, values of the wrong type, nodes given twice.

use super::ast::*;
use super::tree::{LIST_KINDS, NAMED_KINDS, Node, Prop, Value};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, suggest};
use kdl::KdlValue;

mod pipeline;

/// An environment's own settings: name, policy, namespace, prefix, labels.
pub(crate) type EnvSettings = (
    S<String>,
    S<PolicyLevel>,
    Option<S<String>>,
    Option<S<String>>,
    Vec<(S<String>, S<String>)>,
);

pub(crate) struct Decoder<'d> {
    pub diags: &'d mut Diagnostics,
}

/// What a node may contain.
struct Shape<'a> {
    what: &'a str,
    args: usize,
    props: &'static [&'static str],
    children: &'static [&'static str],
    /// Children with free names (env vars): no check of child names.
    free_children: bool,
}

const SERVICE_CHILDREN: &[&str] = &[
    "image",
    "command",
    "args",
    "port",
    "env",
    "env-from",
    "resources",
    "liveness",
    "readiness",
    "startup",
    "security",
    "service-account",
    "volume",
    "spread",
    "anti-affinity",
    "node-selector",
    "reach",
    "egress",
    "allow-from",
    "labels",
    "annotations",
    "waive",
    "replicas",
    "autoscale",
    "vertical-autoscale",
    "disruption",
    "rollout",
    "expose",
    "tolerate",
    "metrics",
];
const STATEFUL_CHILDREN: &[&str] = &[
    "image",
    "command",
    "args",
    "port",
    "env",
    "env-from",
    "resources",
    "liveness",
    "readiness",
    "startup",
    "security",
    "service-account",
    "volume",
    "spread",
    "anti-affinity",
    "node-selector",
    "reach",
    "egress",
    "allow-from",
    "labels",
    "annotations",
    "waive",
    "replicas",
    "vertical-autoscale",
    "disruption",
    "storage",
    "expose",
    "tolerate",
    "metrics",
];
const CRONJOB_CHILDREN: &[&str] = &[
    "image",
    "command",
    "args",
    "env",
    "env-from",
    "resources",
    "security",
    "service-account",
    "volume",
    "node-selector",
    "tolerate",
    "reach",
    "egress",
    "allow-from",
    "labels",
    "annotations",
    "waive",
    "schedule",
    "timezone",
    "concurrency",
    "history",
    "deadline",
    "retries",
    "restart",
];
const JOB_CHILDREN: &[&str] = &[
    "image",
    "command",
    "args",
    "env",
    "env-from",
    "resources",
    "security",
    "service-account",
    "volume",
    "node-selector",
    "tolerate",
    "reach",
    "egress",
    "allow-from",
    "labels",
    "annotations",
    "waive",
    "deadline",
    "retries",
    "restart",
    "ttl",
];
pub const TOP_LEVEL: &[&str] = &[
    "app",
    "service",
    "worker",
    "stateful",
    "cronjob",
    "job",
    "config",
    "secret",
    "ingress",
    "environment",
    "pipeline",
];
pub const ITEM_KINDS: &[&str] = &[
    "service", "worker", "stateful", "cronjob", "job", "config", "secret", "ingress",
];
const ENV_CHILDREN: &[&str] = &[
    "policy",
    "namespace",
    "prefix",
    "labels",
    "service",
    "worker",
    "stateful",
    "cronjob",
    "job",
    "config",
    "secret",
    "ingress",
];

fn kind_of(v: &KdlValue) -> &'static str {
    match v {
        KdlValue::String(_) => "a string",
        KdlValue::Integer(_) => "an integer",
        KdlValue::Float(_) => "a number",
        KdlValue::Bool(_) => "a boolean",
        KdlValue::Null => "#null",
    }
}

impl Decoder<'_> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn shape(&mut self, node: &Node, shape: &Shape<'_>) {
        if node.args.len() > shape.args {
            let extra = &node.args[shape.args];
            let expected = match shape.args {
                0 => "no arguments".to_string(),
                1 => "one argument".to_string(),
                n => format!("at most {n} arguments"),
            };
            self.err(
                Diagnostic::error(
                    &code::syntax::EXTRA_ARGUMENT,
                    format!("`{}` takes {expected}", node.name),
                    extra.span,
                    "unexpected argument",
                )
                .with_help(if shape.props.is_empty() {
                    "remove it".to_string()
                } else {
                    format!("remove it, or write it as a property of {}", shape.what)
                }),
            );
        }
        let mut seen: Vec<&Prop> = Vec::new();
        for p in &node.props {
            if p.key == "enabled" {
                if !matches!(p.value.value, KdlValue::Bool(_)) {
                    self.type_error(&p.value, "`enabled`", "a boolean (#true or #false)");
                }
                continue;
            }
            if !shape.props.contains(&p.key.as_str()) {
                let mut d = Diagnostic::error(
                    &code::syntax::UNKNOWN_PROPERTY,
                    format!("unknown property `{}` on {}", p.key, shape.what),
                    p.key_span,
                    "not a property of this node",
                );
                d = match suggest(&p.key, shape.props.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if shape.props.is_empty() => {
                        d.with_help(format!("{} takes no properties", shape.what))
                    }
                    None => d.with_help(format!(
                        "the properties of {} are: {}",
                        shape.what,
                        shape.props.join(", ")
                    )),
                };
                self.err(d);
            } else if let Some(first) = seen.iter().find(|q| q.key == p.key) {
                self.err(
                    Diagnostic::error(
                        &code::syntax::DUPLICATE_PROPERTY,
                        format!("property `{}` is given twice", p.key),
                        p.key_span,
                        "given again here",
                    )
                    .with_label(first.key_span, "first given here")
                    .with_help("keep one of them"),
                );
            }
            seen.push(p);
        }
        if shape.free_children {
            return;
        }
        let mut seen_children: Vec<&Node> = Vec::new();
        for c in &node.children {
            if !shape.children.contains(&c.name.as_str()) {
                let mut d = Diagnostic::error(
                    &code::syntax::UNKNOWN_NODE,
                    format!("unknown node `{}` in {}", c.name, shape.what),
                    c.name_span,
                    "not expected here",
                );
                d = match suggest(&c.name, shape.children.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if shape.children.is_empty() => {
                        d.with_help(format!("{} has no children", shape.what))
                    }
                    None => d.with_help(format!(
                        "{} may contain: {}",
                        shape.what,
                        shape.children.join(", ")
                    )),
                };
                self.err(d);
                continue;
            }
            if !NAMED_KINDS.contains(&c.name.as_str())
                && !LIST_KINDS.contains(&c.name.as_str())
                && let Some(first) = seen_children.iter().find(|f| f.name == c.name)
            {
                self.err(
                    Diagnostic::error(
                        &code::syntax::DUPLICATE_NODE,
                        format!("`{}` is given twice in {}", c.name, shape.what),
                        c.name_span,
                        "given again here",
                    )
                    .with_label(first.name_span, "first given here")
                    .with_help(format!("merge the two `{}` nodes into one", c.name)),
                );
            }
            seen_children.push(c);
        }
    }

    fn type_error(&mut self, v: &Value, what: &str, expected: &str) {
        self.err(
            Diagnostic::error(
                &code::syntax::TYPE,
                format!("{what} must be {expected}, found {}", kind_of(&v.value)),
                v.span,
                format!("expected {expected}"),
            )
            .with_help(match expected {
                e if e.starts_with("a string") => "quote the value: \"...\"".to_string(),
                e if e.starts_with("an integer") => {
                    "write a whole number without quotes".to_string()
                }
                e if e.starts_with("a boolean") => "write #true or #false".to_string(),
                _ => format!("write {expected}"),
            }),
        );
    }

    /// Name argument of a named node (`service "api"`).
    fn name_arg(&mut self, node: &Node, what: &str) -> Option<S<String>> {
        match node.args.first() {
            Some(Value {
                value: KdlValue::String(s),
                span,
            }) => Some(S::new(s.clone(), *span)),
            Some(v) => {
                self.type_error(v, &format!("the name of {what}"), "a string");
                None
            }
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("{what} needs a name"),
                        node.name_span,
                        "name missing",
                    )
                    .with_help(format!("write `{} \"NAME\"`", node.name)),
                );
                None
            }
        }
    }

    /// The single value argument of a value node (`replicas 3`), which takes nothing else.
    fn value_arg<'n>(&mut self, node: &'n Node, example: &str) -> Option<&'n Value> {
        self.shape(
            node,
            &Shape {
                what: &format!("`{}`", node.name),
                args: 1,
                props: &[],
                children: &[],
                free_children: false,
            },
        );
        self.first_arg(node, example)
    }

    /// The first argument of a node whose shape is checked elsewhere (`image "api" tag="1"`).
    fn first_arg<'n>(&mut self, node: &'n Node, example: &str) -> Option<&'n Value> {
        match node.args.first() {
            Some(v) => Some(v),
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("`{}` needs a value", node.name),
                        node.name_span,
                        "value missing",
                    )
                    .with_help(format!("write `{example}`")),
                );
                None
            }
        }
    }

    fn str_value(&mut self, v: &Value, what: &str) -> Option<S<String>> {
        match &v.value {
            KdlValue::String(s) => Some(S::new(s.clone(), v.span)),
            _ => {
                self.type_error(v, what, "a string");
                None
            }
        }
    }

    fn int_value(&mut self, v: &Value, what: &str) -> Option<S<i64>> {
        match &v.value {
            KdlValue::Integer(i) => match i64::try_from(*i) {
                Ok(i) => Some(S::new(i, v.span)),
                Err(_) => {
                    self.err(Diagnostic::error(
                        &code::value::RANGE,
                        format!("{what} is out of range"),
                        v.span,
                        "too large",
                    ));
                    None
                }
            },
            // A quoted number: report it, and go on with the number so that later checks do
            // not report a missing value as well.
            KdlValue::String(s) if s.trim().parse::<i64>().is_ok() => {
                let n = s.trim().parse::<i64>().unwrap_or_default();
                self.err(
                    Diagnostic::error(
                        &code::syntax::TYPE,
                        format!("{what} must be an integer, found a string"),
                        v.span,
                        "expected an integer",
                    )
                    .with_help(format!("remove the quotes: `{n}`")),
                );
                Some(S::new(n, v.span))
            }
            _ => {
                self.type_error(v, what, "an integer");
                None
            }
        }
    }

    fn bool_value(&mut self, v: &Value, what: &str) -> Option<S<bool>> {
        match &v.value {
            KdlValue::Bool(b) => Some(S::new(*b, v.span)),
            _ => {
                self.type_error(v, what, "a boolean (#true or #false)");
                None
            }
        }
    }

    fn str_arg(&mut self, node: &Node, example: &str) -> Option<S<String>> {
        let v = self.value_arg(node, example)?;
        self.str_value(v, &format!("`{}`", node.name))
    }

    fn int_arg(&mut self, node: &Node, example: &str) -> Option<S<i64>> {
        let v = self.value_arg(node, example)?;
        self.int_value(v, &format!("`{}`", node.name))
    }

    fn prop_str(&mut self, node: &Node, key: &str) -> Option<S<String>> {
        let p = node.prop(key)?;
        self.str_value(&p.value, &format!("`{key}`"))
    }

    fn prop_int(&mut self, node: &Node, key: &str) -> Option<S<i64>> {
        let p = node.prop(key)?;
        self.int_value(&p.value, &format!("`{key}`"))
    }

    fn prop_bool(&mut self, node: &Node, key: &str) -> Option<S<bool>> {
        let p = node.prop(key)?;
        self.bool_value(&p.value, &format!("`{key}`"))
    }

    fn prop_port_ref(&mut self, node: &Node, key: &str) -> Option<S<PortRef>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::String(s) => Some(S::new(PortRef::Name(s.clone()), p.value.span)),
            KdlValue::Integer(i) => Some(S::new(PortRef::Number(*i as i64), p.value.span)),
            _ => {
                self.type_error(&p.value, &format!("`{key}`"), "a port name or number");
                None
            }
        }
    }

    fn prop_int_or_percent(&mut self, node: &Node, key: &str) -> Option<S<IntOrPercent>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::Integer(i) => Some(S::new(IntOrPercent::Int(*i as i64), p.value.span)),
            KdlValue::String(s) => Some(S::new(IntOrPercent::Percent(s.clone()), p.value.span)),
            _ => {
                self.type_error(
                    &p.value,
                    &format!("`{key}`"),
                    "an integer or a percentage like \"25%\"",
                );
                None
            }
        }
    }

    /// All properties of a node as string pairs (`labels team="media"`).
    fn string_map(&mut self, node: &Node) -> Vec<(S<String>, S<String>)> {
        if let Some(c) = node.children.first() {
            self.err(
                Diagnostic::error(
                    &code::syntax::UNEXPECTED_CHILDREN,
                    format!("`{}` takes properties, not child nodes", node.name),
                    c.name_span,
                    "child node here",
                )
                .with_help(format!(
                    "write `{} key=\"value\"` (quote keys with '/' or ':': `\"example.com/key\"=\"value\"`)",
                    node.name
                )),
            );
        }
        let mut out = Vec::new();
        for p in &node.props {
            let value = match &p.value.value {
                KdlValue::String(s) => s.clone(),
                KdlValue::Integer(i) => i.to_string(),
                KdlValue::Bool(b) => b.to_string(),
                _ => {
                    self.type_error(&p.value, &format!("`{}`", p.key), "a string");
                    continue;
                }
            };
            out.push((
                S::new(p.key.clone(), p.key_span),
                S::new(value, p.value.span),
            ));
        }
        if let Some(a) = node.args.first() {
            self.err(
                Diagnostic::error(
                    &code::syntax::EXTRA_ARGUMENT,
                    format!("`{}` takes only properties", node.name),
                    a.span,
                    "unexpected argument",
                )
                .with_help(format!("write `{} key=\"value\"`", node.name)),
            );
        }
        out
    }

    fn string_args(&mut self, node: &Node) -> Option<S<Vec<String>>> {
        let mut out = Vec::new();
        for a in &node.args {
            match &a.value {
                KdlValue::String(s) => out.push(s.clone()),
                KdlValue::Integer(i) => out.push(i.to_string()),
                _ => {
                    self.type_error(a, &format!("an argument of `{}`", node.name), "a string");
                    return None;
                }
            }
        }
        Some(S::new(out, node.name_span))
    }

    // ----------------------------------------------------------------------------------------

    pub fn app(&mut self, node: &Node) -> Option<App> {
        self.shape(
            node,
            &Shape {
                what: "`app`",
                args: 1,
                props: &[],
                children: &[
                    "namespace",
                    "registry",
                    "kubernetes",
                    "description",
                    "labels",
                    "annotations",
                    "ingress-controller",
                    "waive",
                ],
                free_children: false,
            },
        );
        let name = self.name_arg(node, "the app")?;
        let mut app = App {
            name,
            span: node.name_span,
            namespace: None,
            registry: None,
            kubernetes: None,
            description: None,
            labels: Vec::new(),
            annotations: Vec::new(),
            ingress_controller: None,
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "namespace" => app.namespace = self.str_arg(c, "namespace \"my-app\""),
                "registry" => app.registry = self.str_arg(c, "registry \"ghcr.io/my-org\""),
                "kubernetes" => app.kubernetes = self.str_arg(c, "kubernetes \"1.33\""),
                "description" => {
                    app.description = self.str_arg(c, "description \"What the app does\"")
                }
                "labels" => app.labels = self.string_map(c),
                "annotations" => app.annotations = self.string_map(c),
                "waive" => {
                    if let Some(w) = self.waiver(c) {
                        app.waivers.push(w);
                    }
                }
                "ingress-controller" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`ingress-controller`",
                            args: 0,
                            props: &["namespace"],
                            children: &["labels"],
                            free_children: false,
                        },
                    );
                    let namespace = self
                        .prop_str(c, "namespace")
                        .unwrap_or_else(|| S::new("ingress-nginx".into(), c.name_span));
                    let labels = c
                        .children
                        .iter()
                        .find(|l| l.name == "labels")
                        .map(|l| self.string_map(l));
                    app.ingress_controller = Some(IngressController {
                        namespace,
                        labels: labels.unwrap_or_default(),
                        span: c.name_span,
                    });
                }
                _ => {}
            }
        }
        Some(app)
    }

    pub fn items(&mut self, nodes: &[Node]) -> Items {
        let mut items = Items::default();
        for n in nodes {
            match n.name.as_str() {
                "service" | "worker" | "stateful" | "cronjob" | "job" => {
                    if let Some(w) = self.workload(n) {
                        items.workloads.push(w);
                    }
                }
                "config" => {
                    if let Some(c) = self.config(n) {
                        items.configs.push(c);
                    }
                }
                "secret" => {
                    if let Some(s) = self.secret(n) {
                        items.secrets.push(s);
                    }
                }
                "ingress" => {
                    if let Some(i) = self.ingress(n) {
                        items.ingresses.push(i);
                    }
                }
                _ => {}
            }
        }
        items
    }

    fn workload(&mut self, node: &Node) -> Option<Workload> {
        let kind = match node.name.as_str() {
            "service" => WorkloadKind::Service,
            "worker" => WorkloadKind::Worker,
            "stateful" => WorkloadKind::Stateful,
            "job" => WorkloadKind::Job,
            _ => WorkloadKind::CronJob,
        };
        let (what, children) = match kind {
            WorkloadKind::Service => ("a service", SERVICE_CHILDREN),
            WorkloadKind::Worker => ("a worker", SERVICE_CHILDREN),
            WorkloadKind::Stateful => ("a stateful workload", STATEFUL_CHILDREN),
            WorkloadKind::CronJob => ("a cronjob", CRONJOB_CHILDREN),
            WorkloadKind::Job => ("a job", JOB_CHILDREN),
        };
        let known = |name: &str| {
            SERVICE_CHILDREN.contains(&name)
                || STATEFUL_CHILDREN.contains(&name)
                || CRONJOB_CHILDREN.contains(&name)
                || JOB_CHILDREN.contains(&name)
        };
        // Nodes that are valid in some workload but not this one get a specific message.
        for c in &node.children {
            let name = c.name.as_str();
            if !children.contains(&name) && known(name) {
                let in_cron = CRONJOB_CHILDREN.contains(&name);
                let in_job = JOB_CHILDREN.contains(&name);
                let owner = if SERVICE_CHILDREN.contains(&name) || STATEFUL_CHILDREN.contains(&name)
                {
                    if name == "storage" {
                        "stateful workloads"
                    } else if name == "autoscale" || name == "rollout" {
                        "services and workers"
                    } else {
                        "long-running workloads"
                    }
                } else if in_cron && in_job {
                    "cronjobs and jobs"
                } else if in_job {
                    "jobs"
                } else {
                    "cronjobs"
                };
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISPLACED_NODE,
                        format!("`{name}` is not allowed in {what}"),
                        c.name_span,
                        format!("only {owner} take `{name}`"),
                    )
                    .with_label(node.name_span, format!("this is {what}"))
                    .with_help(format!(
                        "remove `{name}`, or declare the workload with the kind that supports it"
                    )),
                );
            }
        }
        let filtered: Vec<&str> = children.to_vec();
        let shape_children: &'static [&'static str] = children;
        let _ = filtered;
        let mut unknown_filtered = node.clone();
        unknown_filtered
            .children
            .retain(|c| shape_children.contains(&c.name.as_str()) || !known(c.name.as_str()));
        self.shape(
            &unknown_filtered,
            &Shape {
                what,
                args: 1,
                props: &[],
                children: shape_children,
                free_children: false,
            },
        );
        let name = self.name_arg(node, what)?;
        let mut w = Workload {
            kind,
            name,
            span: node.name_span,
            override_span: node.override_span,
            image: None,
            command: None,
            args: None,
            ports: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            resources: None,
            liveness: None,
            readiness: None,
            startup: None,
            security: None,
            service_account: None,
            replicas: None,
            autoscale: None,
            vertical_autoscale: None,
            disruption: None,
            rollout: None,
            volumes: Vec::new(),
            storage: Vec::new(),
            spread: None,
            anti_affinity: None,
            node_selector: Vec::new(),
            tolerations: Vec::new(),
            reach: Vec::new(),
            egress: Vec::new(),
            allow_from: Vec::new(),
            expose: None,
            metrics: None,
            labels: Vec::new(),
            annotations: Vec::new(),
            waivers: Vec::new(),
            schedule: None,
            timezone: None,
            concurrency: None,
            history: None,
            deadline: None,
            retries: None,
            restart: None,
            ttl: None,
        };
        for c in &node.children {
            if !children.contains(&c.name.as_str()) {
                continue;
            }
            match c.name.as_str() {
                "image" => w.image = self.image(c),
                "command" => w.command = self.string_args(c),
                "args" => w.args = self.string_args(c),
                "port" => {
                    if let Some(p) = self.port(c) {
                        w.ports.push(p);
                    }
                }
                "env" => w.env.extend(self.env(c)),
                "env-from" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`env-from`",
                            args: 1,
                            props: &[],
                            children: &[],
                            free_children: false,
                        },
                    );
                    if let Some(name) = self.name_arg(c, "`env-from`") {
                        w.env_from.push(name);
                    }
                }
                "resources" => w.resources = self.resources(c),
                "liveness" => w.liveness = self.probe(c),
                "readiness" => w.readiness = self.probe(c),
                "startup" => w.startup = self.probe(c),
                "security" => w.security = self.security(c),
                "service-account" => {
                    w.service_account = self.str_arg(c, "service-account \"NAME\"")
                }
                "replicas" => w.replicas = self.int_arg(c, "replicas 2"),
                "autoscale" => w.autoscale = self.autoscale(c),
                "vertical-autoscale" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`vertical-autoscale`",
                            args: 0,
                            props: &["mode"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    w.vertical_autoscale = Some(VerticalAutoscale {
                        mode: self.prop_str(c, "mode"),
                        span: c.name_span,
                    });
                }
                "tolerate" => {
                    if let Some(t) = self.toleration(c) {
                        w.tolerations.push(t);
                    }
                }
                "metrics" => w.metrics = self.metrics(c),
                "disruption" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`disruption`",
                            args: 0,
                            props: &["min-available", "max-unavailable"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    w.disruption = Some(Disruption {
                        min_available: self.prop_int_or_percent(c, "min-available"),
                        max_unavailable: self.prop_int_or_percent(c, "max-unavailable"),
                        span: c.name_span,
                    });
                }
                "rollout" => w.rollout = self.rollout(c),
                "volume" => {
                    if let Some(v) = self.volume(c) {
                        w.volumes.push(v);
                    }
                }
                "storage" => {
                    if let Some(s) = self.storage(c) {
                        w.storage.push(s);
                    }
                }
                "spread" => w.spread = self.str_arg(c, "spread \"zone\""),
                "anti-affinity" => w.anti_affinity = self.str_arg(c, "anti-affinity \"required\""),
                "node-selector" => w.node_selector = self.string_map(c),
                "reach" => w.reach.extend(self.reach(c)),
                "egress" => {
                    if let Some(e) = self.egress(c) {
                        w.egress.push(e);
                    }
                }
                "allow-from" => {
                    if let Some(a) = self.allow_from(c) {
                        w.allow_from.push(a);
                    }
                }
                "expose" => w.expose = self.str_arg(c, "expose \"LoadBalancer\""),
                "labels" => w.labels = self.string_map(c),
                "annotations" => w.annotations = self.string_map(c),
                "waive" => {
                    if let Some(x) = self.waiver(c) {
                        w.waivers.push(x);
                    }
                }
                "schedule" => w.schedule = self.str_arg(c, "schedule \"0 2 * * *\""),
                "timezone" => w.timezone = self.str_arg(c, "timezone \"Etc/UTC\""),
                "concurrency" => w.concurrency = self.str_arg(c, "concurrency \"Forbid\""),
                "history" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`history`",
                            args: 0,
                            props: &["success", "failure"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    w.history = Some(History {
                        success: self.prop_int(c, "success"),
                        failure: self.prop_int(c, "failure"),
                        span: c.name_span,
                    });
                }
                "deadline" => w.deadline = self.int_arg(c, "deadline 3600"),
                "retries" => w.retries = self.int_arg(c, "retries 2"),
                "restart" => w.restart = self.str_arg(c, "restart \"OnFailure\""),
                "ttl" => w.ttl = self.int_arg(c, "ttl 86400"),
                _ => {}
            }
        }
        Some(w)
    }

    fn image(&mut self, c: &Node) -> Option<Image> {
        self.shape(
            c,
            &Shape {
                what: "`image`",
                args: 1,
                props: &["tag", "digest", "registry", "pull"],
                children: &[],
                free_children: false,
            },
        );
        let v = self.first_arg(c, "image \"my-app\" tag=\"1.0.0\"")?;
        let name = self.str_value(v, "`image`")?;
        Some(Image {
            name,
            tag: self.prop_str(c, "tag"),
            digest: self.prop_str(c, "digest"),
            registry: self.prop_str(c, "registry"),
            pull: self.prop_str(c, "pull"),
            span: c.name_span,
        })
    }

    fn port(&mut self, c: &Node) -> Option<Port> {
        self.shape(
            c,
            &Shape {
                what: "`port`",
                args: 2,
                props: &["protocol", "service-port"],
                children: &[],
                free_children: false,
            },
        );
        let name = self.name_arg(c, "a port")?;
        let number = match c.args.get(1) {
            Some(v) => self.int_value(v, "the port number")?,
            None => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("port `{}` needs a number", name.v),
                        c.name_span,
                        "port number missing",
                    )
                    .with_help(format!("write `port \"{}\" 8080`", name.v)),
                );
                return None;
            }
        };
        Some(Port {
            name,
            number,
            protocol: self.prop_str(c, "protocol"),
            service_port: self.prop_int(c, "service-port"),
            span: c.name_span,
        })
    }

    fn env(&mut self, c: &Node) -> Vec<EnvVar> {
        self.shape(
            c,
            &Shape {
                what: "`env`",
                args: 0,
                props: &[],
                children: &[],
                free_children: true,
            },
        );
        let mut out = Vec::new();
        for v in &c.children {
            let name = S::new(v.name.clone(), v.name_span);
            let has_secret = v.prop("secret").is_some();
            let has_config = v.prop("config").is_some();
            let has_field = v.prop("field").is_some();
            self.shape(
                v,
                &Shape {
                    what: "an environment variable",
                    args: 1,
                    props: &["secret", "config", "key", "field"],
                    children: &[],
                    free_children: false,
                },
            );
            let sources = usize::from(has_secret)
                + usize::from(has_config)
                + usize::from(has_field)
                + usize::from(!v.args.is_empty());
            if sources > 1 {
                self.err(
                    Diagnostic::error(
                        &code::syntax::ENV_SOURCE,
                        format!("variable `{}` has more than one source", v.name),
                        v.name_span,
                        "value, secret=, config= or field=: pick one",
                    )
                    .with_help(format!(
                        "write `{0} \"value\"`, `{0} secret=\"NAME\"`, `{0} config=\"NAME\"` or `{0} field=\"metadata.name\"`",
                        v.name
                    )),
                );
                continue;
            }
            if let Some(k) = v.prop("key")
                && !has_secret
                && !has_config
            {
                self.err(
                    Diagnostic::error(
                        &code::syntax::UNUSED_PROPERTY,
                        "`key=` only applies to secret= and config= sources",
                        k.key_span,
                        "nothing to look the key up in",
                    )
                    .with_help("remove key=, or add secret=\"NAME\" or config=\"NAME\""),
                );
            }
            let source = if has_secret || has_config {
                let from = if has_secret {
                    self.prop_str(v, "secret")
                } else {
                    self.prop_str(v, "config")
                };
                let Some(from) = from else { continue };
                let key = match self.prop_str(v, "key") {
                    Some(k) => k,
                    None => {
                        // The key defaults to the variable's name.
                        S::new(v.name.clone(), v.name_span)
                    }
                };
                if has_secret {
                    EnvSource::Secret { name: from, key }
                } else {
                    EnvSource::Config { name: from, key }
                }
            } else if has_field {
                match self.prop_str(v, "field") {
                    Some(f) => EnvSource::Field(f),
                    None => continue,
                }
            } else {
                match v.args.first() {
                    Some(a) => match &a.value {
                        KdlValue::String(s) => EnvSource::Value(S::new(s.clone(), a.span)),
                        KdlValue::Integer(i) => EnvSource::Value(S::new(i.to_string(), a.span)),
                        KdlValue::Float(f) => EnvSource::Value(S::new(format!("{f:?}"), a.span)),
                        KdlValue::Bool(b) => EnvSource::Value(S::new(b.to_string(), a.span)),
                        KdlValue::Null => {
                            self.type_error(a, &format!("variable `{}`", v.name), "a string");
                            continue;
                        }
                    },
                    None => {
                        self.err(
                            Diagnostic::error(
                                &code::syntax::MISSING_ARGUMENT,
                                format!("variable `{}` has no value", v.name),
                                v.name_span,
                                "value missing",
                            )
                            .with_help(format!(
                                "write `{0} \"value\"`, or `{0} secret=\"SECRET\" key=\"KEY\"`",
                                v.name
                            )),
                        );
                        continue;
                    }
                }
            };
            out.push(EnvVar {
                name,
                source,
                span: v.name_span,
            });
        }
        out
    }

    fn resources(&mut self, c: &Node) -> Option<Resources> {
        self.shape(
            c,
            &Shape {
                what: "`resources`",
                args: 0,
                props: &[],
                children: &["requests", "limits"],
                free_children: false,
            },
        );
        let mut r = Resources {
            span: c.name_span,
            requests: None,
            limits: None,
        };
        for k in &c.children {
            self.shape(
                k,
                &Shape {
                    what: if k.name == "requests" {
                        "`requests`"
                    } else {
                        "`limits`"
                    },
                    args: 0,
                    props: &["cpu", "memory", "ephemeral-storage"],
                    children: &[],
                    free_children: false,
                },
            );
            let cm = CpuMem {
                cpu: self.quantity_prop(k, "cpu"),
                memory: self.quantity_prop(k, "memory"),
                ephemeral: self.quantity_prop(k, "ephemeral-storage"),
                span: k.name_span,
            };
            match k.name.as_str() {
                "requests" => r.requests = Some(cm),
                "limits" => r.limits = Some(cm),
                _ => {}
            }
        }
        Some(r)
    }

    /// Quantities may be written as strings ("500m") or whole numbers (2 CPUs).
    fn quantity_prop(&mut self, node: &Node, key: &str) -> Option<S<String>> {
        let p = node.prop(key)?;
        match &p.value.value {
            KdlValue::String(s) => Some(S::new(s.clone(), p.value.span)),
            KdlValue::Integer(i) => Some(S::new(i.to_string(), p.value.span)),
            KdlValue::Float(f) => Some(S::new(f.to_string(), p.value.span)),
            _ => {
                self.type_error(
                    &p.value,
                    &format!("`{key}`"),
                    "a quantity such as \"500m\" or \"512Mi\"",
                );
                None
            }
        }
    }

    fn probe(&mut self, c: &Node) -> Option<Probe> {
        self.shape(
            c,
            &Shape {
                what: "a probe",
                args: usize::MAX,
                props: &[
                    "http", "tcp", "grpc", "port", "delay", "period", "timeout", "failures",
                ],
                children: &[],
                free_children: false,
            },
        );
        let kinds: Vec<&str> = ["http", "tcp", "grpc"]
            .into_iter()
            .filter(|k| c.prop(k).is_some())
            .collect();
        let exec = !c.args.is_empty();
        let count = kinds.len() + usize::from(exec);
        if count != 1 {
            let msg = if count == 0 {
                format!("probe `{}` says nothing to check", c.name)
            } else {
                format!("probe `{}` has more than one check", c.name)
            };
            self.err(
                Diagnostic::error(&code::syntax::PROBE, msg, c.name_span, "one of http=, tcp=, grpc= or a command")
                    .with_help(format!(
                        "write one of `{0} http=\"/health\" port=\"http\"`, `{0} tcp=\"http\"`, `{0} grpc=\"grpc\"` or `{0} \"cmd\" \"arg\"`",
                        c.name
                    )),
            );
            // With several checks, go on with the first so that the probe is not also
            // reported missing.
            if count == 0 {
                return None;
            }
        }
        let action = if exec {
            ProbeAction::Exec(self.string_args(c)?)
        } else {
            match kinds[0] {
                "http" => {
                    let path = self.prop_str(c, "http")?;
                    let port = match self.prop_port_ref(c, "port") {
                        Some(p) => p,
                        None => {
                            self.err(
                                Diagnostic::error(
                                    &code::syntax::MISSING_PROPERTY,
                                    "an http probe needs a port",
                                    c.name_span,
                                    "no port=",
                                )
                                .with_help(format!(
                                    "write `{} http=\"{}\" port=\"http\"`",
                                    c.name, path.v
                                )),
                            );
                            return None;
                        }
                    };
                    ProbeAction::Http { path, port }
                }
                kind @ ("tcp" | "grpc") if c.prop("port").is_some() => {
                    let p = c.prop("port").expect("checked");
                    self.err(
                        Diagnostic::error(
                            &code::syntax::UNUSED_PROPERTY,
                            format!("a {kind} probe names its port in {kind}="),
                            p.key_span,
                            "port= is for http probes",
                        )
                        .with_help(format!(
                            "write `{} {kind}=\"PORT\"` and remove port=",
                            c.name
                        )),
                    );
                    return None;
                }
                "tcp" => ProbeAction::Tcp(self.prop_port_ref(c, "tcp")?),
                _ => ProbeAction::Grpc(self.prop_port_ref(c, "grpc")?),
            }
        };
        Some(Probe {
            action,
            delay: self.prop_int(c, "delay"),
            period: self.prop_int(c, "period"),
            timeout: self.prop_int(c, "timeout"),
            failures: self.prop_int(c, "failures"),
            span: c.name_span,
        })
    }

    fn security(&mut self, c: &Node) -> Option<Security> {
        self.shape(
            c,
            &Shape {
                what: "`security`",
                args: 0,
                props: &[
                    "user",
                    "group",
                    "fs-group",
                    "non-root",
                    "read-only-root",
                    "privilege-escalation",
                ],
                children: &["capabilities"],
                free_children: false,
            },
        );
        let mut caps = Vec::new();
        for k in c.children.iter().filter(|k| k.name == "capabilities") {
            for a in &k.args {
                if let Some(s) = self.str_value(a, "a capability") {
                    caps.push(s);
                }
            }
        }
        Some(Security {
            user: self.prop_int(c, "user"),
            group: self.prop_int(c, "group"),
            fs_group: self.prop_int(c, "fs-group"),
            non_root: self.prop_bool(c, "non-root"),
            read_only_root: self.prop_bool(c, "read-only-root"),
            privilege_escalation: self.prop_bool(c, "privilege-escalation"),
            add_capabilities: caps,
            span: c.name_span,
        })
    }

    fn autoscale(&mut self, c: &Node) -> Option<Autoscale> {
        self.shape(
            c,
            &Shape {
                what: "`autoscale`",
                args: 0,
                props: &["min", "max", "cpu", "memory"],
                children: &["redis-list"],
                free_children: false,
            },
        );
        let max = match self.prop_int(c, "max") {
            Some(m) => m,
            None => {
                if c.prop("max").is_none() {
                    self.err(
                        Diagnostic::error(
                            &code::syntax::MISSING_PROPERTY,
                            "`autoscale` needs a maximum",
                            c.name_span,
                            "no max=",
                        )
                        .with_help("write `autoscale min=2 max=10 cpu=70`"),
                    );
                }
                return None;
            }
        };
        Some(Autoscale {
            min: self.prop_int(c, "min"),
            max,
            cpu: self.prop_int(c, "cpu"),
            memory: self.prop_int(c, "memory"),
            queues: c
                .children
                .iter()
                .filter(|q| q.name == "redis-list")
                .filter_map(|q| self.redis_list(q))
                .collect(),
            span: c.name_span,
        })
    }

    fn redis_list(&mut self, c: &Node) -> Option<RedisList> {
        self.shape(
            c,
            &Shape {
                what: "`redis-list`",
                args: 1,
                props: &["address", "target", "password-secret", "password-key"],
                children: &[],
                free_children: false,
            },
        );
        let list = self.name_arg(c, "a Redis list")?;
        let example = format!(
            "write `redis-list \"{}\" address=\"redis:6379\" target=20`",
            list.v
        );
        let missing = |d: &mut Self, key: &str| {
            if c.prop(key).is_none() {
                d.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_PROPERTY,
                        format!("`redis-list` needs {key}="),
                        c.name_span,
                        format!("no {key}="),
                    )
                    .with_help(example.clone()),
                );
            }
        };
        let address = self.prop_str(c, "address");
        if address.is_none() {
            missing(self, "address");
        }
        let target = self.prop_int(c, "target");
        if target.is_none() {
            missing(self, "target");
        }
        Some(RedisList {
            list,
            address: address?,
            target: target?,
            password_secret: self.prop_str(c, "password-secret"),
            password_key: self.prop_str(c, "password-key"),
            span: c.name_span,
        })
    }

    fn toleration(&mut self, c: &Node) -> Option<Toleration> {
        self.shape(
            c,
            &Shape {
                what: "`tolerate`",
                args: 1,
                props: &["value", "effect"],
                children: &[],
                free_children: false,
            },
        );
        let key = self.name_arg(c, "a toleration")?;
        Some(Toleration {
            key,
            value: self.prop_str(c, "value"),
            effect: self.prop_str(c, "effect"),
            span: c.name_span,
        })
    }

    fn metrics(&mut self, c: &Node) -> Option<Metrics> {
        self.shape(
            c,
            &Shape {
                what: "`metrics`",
                args: 0,
                props: &["port", "path", "interval"],
                children: &[],
                free_children: false,
            },
        );
        let port = match self.prop_str(c, "port") {
            Some(p) => p,
            None => {
                if c.prop("port").is_none() {
                    self.err(
                        Diagnostic::error(
                            &code::syntax::MISSING_PROPERTY,
                            "`metrics` needs the port to scrape",
                            c.name_span,
                            "no port=",
                        )
                        .with_help("write `metrics port=\"http\" path=\"/metrics\"`"),
                    );
                }
                return None;
            }
        };
        Some(Metrics {
            port,
            path: self.prop_str(c, "path"),
            interval: self.prop_str(c, "interval"),
            span: c.name_span,
        })
    }

    fn volume(&mut self, c: &Node) -> Option<Volume> {
        self.shape(
            c,
            &Shape {
                what: "`volume`",
                args: 1,
                props: &[
                    "mount",
                    "empty-dir",
                    "size",
                    "memory",
                    "config",
                    "secret",
                    "claim",
                    "read-only",
                    "sub-path",
                ],
                children: &[],
                free_children: false,
            },
        );
        let name = self.name_arg(c, "a volume")?;
        let mount = match self.prop_str(c, "mount") {
            Some(m) => m,
            None => {
                if c.prop("mount").is_none() {
                    self.err(
                        Diagnostic::error(
                            &code::syntax::MISSING_PROPERTY,
                            format!("volume `{}` has no mount path", name.v),
                            c.name_span,
                            "no mount=",
                        )
                        .with_help(format!("write `volume \"{}\" mount=\"/path\" ...`", name.v)),
                    );
                }
                return None;
            }
        };
        let sources: Vec<&str> = ["empty-dir", "config", "secret", "claim"]
            .into_iter()
            .filter(|k| c.prop(k).is_some())
            .collect();
        if sources.len() != 1 {
            self.err(
                Diagnostic::error(
                    &code::syntax::VOLUME_SOURCE,
                    if sources.is_empty() {
                        format!("volume `{}` has no source", name.v)
                    } else {
                        format!("volume `{}` has more than one source", name.v)
                    },
                    c.name_span,
                    "one of empty-dir=, config=, secret=, claim=",
                )
                .with_help("give exactly one of empty-dir=#true, config=\"NAME\", secret=\"NAME\" or claim=\"NAME\""),
            );
            return None;
        }
        let source = match sources[0] {
            "empty-dir" => {
                if let Some(b) = self.prop_bool(c, "empty-dir")
                    && !b.v
                {
                    self.err(
                        Diagnostic::error(
                            &code::syntax::VOLUME_SOURCE,
                            format!("volume `{}` has empty-dir=#false", name.v),
                            b.span,
                            "no source",
                        )
                        .with_help("write empty-dir=#true, or give config=, secret= or claim="),
                    );
                }
                VolumeSource::EmptyDir {
                    size: self.quantity_prop(c, "size"),
                    memory: self.prop_bool(c, "memory").map(|b| b.v).unwrap_or(false),
                }
            }
            _ if c.prop("size").is_some() || c.prop("memory").is_some() => {
                let p = c.prop("size").or(c.prop("memory")).expect("checked");
                self.err(
                    Diagnostic::error(
                        &code::syntax::UNUSED_PROPERTY,
                        format!("`{}=` only applies to empty-dir volumes", p.key),
                        p.key_span,
                        "not an empty-dir volume",
                    )
                    .with_help("remove it; the size of a claim is set where the claim is made"),
                );
                return None;
            }
            "config" => VolumeSource::Config(self.prop_str(c, "config")?),
            "secret" => VolumeSource::Secret(self.prop_str(c, "secret")?),
            _ => VolumeSource::Claim(self.prop_str(c, "claim")?),
        };
        Some(Volume {
            name,
            mount,
            source,
            read_only: self.prop_bool(c, "read-only"),
            sub_path: self.prop_str(c, "sub-path"),
            span: c.name_span,
        })
    }

    fn storage(&mut self, c: &Node) -> Option<Storage> {
        self.shape(
            c,
            &Shape {
                what: "`storage`",
                args: 1,
                props: &["mount", "size", "class"],
                children: &[],
                free_children: false,
            },
        );
        let name = self.name_arg(c, "a storage claim")?;
        let mount = self.prop_str(c, "mount");
        let size = self.quantity_prop(c, "size");
        let (Some(mount), Some(size)) = (mount, size) else {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_PROPERTY,
                    format!("storage `{}` needs a mount path and a size", name.v),
                    c.name_span,
                    "mount= or size= missing",
                )
                .with_help(format!(
                    "write `storage \"{}\" mount=\"/data\" size=\"10Gi\"`",
                    name.v
                )),
            );
            return None;
        };
        Some(Storage {
            name,
            mount,
            size,
            class: self.prop_str(c, "class"),
            span: c.name_span,
        })
    }

    fn reach(&mut self, c: &Node) -> Vec<S<Reach>> {
        self.shape(
            c,
            &Shape {
                what: "`reach`",
                args: usize::MAX,
                props: &[],
                children: &[],
                free_children: false,
            },
        );
        if c.args.is_empty() {
            self.err(
                Diagnostic::error(
                    &code::syntax::MISSING_ARGUMENT,
                    "`reach` needs a target",
                    c.name_span,
                    "no target",
                )
                .with_help("write `reach \"postgres\"` or `reach \"postgres:5432\"`"),
            );
        }
        let mut out = Vec::new();
        for a in &c.args {
            let Some(s) = self.str_value(a, "a `reach` target") else {
                continue;
            };
            let (target, port) = match s.v.split_once(':') {
                Some((t, p)) => (
                    t.to_string(),
                    Some(match p.parse::<i64>() {
                        Ok(n) => PortRef::Number(n),
                        Err(_) => PortRef::Name(p.to_string()),
                    }),
                ),
                None => (s.v.clone(), None),
            };
            out.push(S::new(Reach { target, port }, s.span));
        }
        out
    }

    fn rollout(&mut self, c: &Node) -> Option<Rollout> {
        self.shape(
            c,
            &Shape {
                what: "`rollout`",
                args: 1,
                props: &[
                    "max-surge",
                    "max-unavailable",
                    "auto-promote",
                    "scale-down-delay",
                ],
                children: &["step"],
                free_children: false,
            },
        );
        let strategy = match c.args.first() {
            Some(a) => {
                let s = self.str_value(a, "the rollout strategy")?;
                if s.v != "canary" && s.v != "blue-green" {
                    let d = Diagnostic::error(
                        &code::syntax::INVALID_VALUE,
                        format!("`{}` is not a rollout strategy", s.v),
                        s.span,
                        "unknown strategy",
                    );
                    self.err(match suggest(&s.v, ["canary", "blue-green"]) {
                        Some(x) => d.with_help(format!("did you mean `{x}`? Without a strategy, `rollout` configures the rolling update")),
                        None => d.with_help("write `rollout \"canary\" { step ... }`, `rollout \"blue-green\"`, or `rollout max-surge=1` for a rolling update"),
                    });
                    return None;
                }
                Some(s)
            }
            None => None,
        };
        let mut steps = Vec::new();
        for s in c.children.iter().filter(|s| s.name == "step") {
            self.shape(
                s,
                &Shape {
                    what: "a canary step",
                    args: 0,
                    props: &["weight", "pause", "analysis"],
                    children: &[],
                    free_children: false,
                },
            );
            if s.props.is_empty() {
                self.err(
                    Diagnostic::error(&code::syntax::MISSING_PROPERTY, "an empty canary step", s.name_span, "nothing to do")
                        .with_help("write `step weight=10 pause=\"5m\"`, `step pause=\"manual\"` or `step analysis=\"TEMPLATE\"`"),
                );
                continue;
            }
            steps.push(Step {
                weight: self.prop_int(s, "weight"),
                pause: self.prop_str(s, "pause"),
                analysis: self.prop_str(s, "analysis"),
                span: s.name_span,
            });
        }
        Some(Rollout {
            strategy,
            max_surge: self.prop_int_or_percent(c, "max-surge"),
            max_unavailable: self.prop_int_or_percent(c, "max-unavailable"),
            steps,
            auto_promote: self.prop_bool(c, "auto-promote"),
            scale_down_delay: self.prop_int(c, "scale-down-delay"),
            span: c.name_span,
        })
    }

    fn egress(&mut self, c: &Node) -> Option<Egress> {
        self.shape(
            c,
            &Shape {
                what: "`egress`",
                args: 1,
                props: &["namespace", "port"],
                children: &[],
                free_children: false,
            },
        );
        let peer = self.peer(c, "egress \"0.0.0.0/0\" port=443")?;
        let ports = self.prop_int(c, "port").into_iter().collect();
        Some(Egress {
            peer,
            ports,
            span: c.name_span,
        })
    }

    /// A CIDR argument or a `namespace=` property, not both.
    fn peer(&mut self, c: &Node, example: &str) -> Option<Peer> {
        match (c.args.first(), c.prop("namespace")) {
            (Some(a), None) => Some(Peer::Cidr(self.str_value(a, &format!("`{}`", c.name))?)),
            (None, Some(_)) => Some(Peer::Namespace(self.prop_str(c, "namespace")?)),
            (Some(a), Some(_)) => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::EXTRA_ARGUMENT,
                        format!(
                            "`{}` takes an address block or a namespace, not both",
                            c.name
                        ),
                        a.span,
                        "address block",
                    )
                    .with_help(format!(
                        "write `{example}` or `{} namespace=\"NAME\" port=...`",
                        c.name
                    )),
                );
                None
            }
            (None, None) => {
                self.err(
                    Diagnostic::error(
                        &code::syntax::MISSING_ARGUMENT,
                        format!("`{}` needs an address block or a namespace", c.name),
                        c.name_span,
                        "no peer",
                    )
                    .with_help(format!(
                        "write `{example}` or `{} namespace=\"NAME\" port=...`",
                        c.name
                    )),
                );
                None
            }
        }
    }

    fn allow_from(&mut self, c: &Node) -> Option<AllowFrom> {
        self.shape(
            c,
            &Shape {
                what: "`allow-from`",
                args: 1,
                props: &["namespace", "port"],
                children: &[],
                free_children: false,
            },
        );
        let peer = self.peer(c, "allow-from \"10.0.0.0/8\" port=\"http\"")?;
        Some(AllowFrom {
            peer,
            port: self.prop_port_ref(c, "port"),
            span: c.name_span,
        })
    }

    fn waiver(&mut self, c: &Node) -> Option<Waiver> {
        self.shape(
            c,
            &Shape {
                what: "`waive`",
                args: 1,
                props: &["reason"],
                children: &[],
                free_children: false,
            },
        );
        let rule = self.name_arg(c, "a waiver")?;
        Some(Waiver {
            rule,
            reason: self.prop_str(c, "reason"),
            span: c.name_span,
        })
    }

    fn config(&mut self, node: &Node) -> Option<Config> {
        self.shape(
            node,
            &Shape {
                what: "a config",
                args: 1,
                props: &[],
                children: &["data", "file", "waive"],
                free_children: false,
            },
        );
        let name = self.name_arg(node, "a config")?;
        let mut cfg = Config {
            name,
            span: node.name_span,
            data: Vec::new(),
            files: Vec::new(),
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "data" => cfg.data = self.string_map(c),
                "waive" => {
                    if let Some(w) = self.waiver(c) {
                        cfg.waivers.push(w);
                    }
                }
                "file" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`file`",
                            args: 1,
                            props: &["path"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    let Some(key) = self.name_arg(c, "a config file") else {
                        continue;
                    };
                    let path = self.prop_str(c, "path").unwrap_or_else(|| key.clone());
                    cfg.files.push(ConfigFile {
                        key,
                        path,
                        span: c.name_span,
                    });
                }
                _ => {}
            }
        }
        Some(cfg)
    }

    fn secret(&mut self, node: &Node) -> Option<Secret> {
        self.shape(
            node,
            &Shape {
                what: "a secret",
                args: 1,
                props: &["source", "store", "store-kind", "refresh"],
                children: &["key"],
                free_children: false,
            },
        );
        let name = self.name_arg(node, "a secret")?;
        let source = match node.prop("source") {
            None => S::new(SecretSource::Existing, node.name_span),
            Some(p) => {
                let s = self.str_value(&p.value, "`source`")?;
                let v = match s.v.as_str() {
                    "existing" => SecretSource::Existing,
                    "sealed" => SecretSource::Sealed,
                    "external" => SecretSource::External,
                    other => {
                        let mut d = Diagnostic::error(
                            &code::syntax::INVALID_VALUE,
                            format!("unknown secret source `{other}`"),
                            s.span,
                            "not a secret source",
                        );
                        d = match suggest(other, ["existing", "sealed", "external"]) {
                            Some(x) => d.with_help(format!(
                                "did you mean `{x}`? (existing, sealed or external)"
                            )),
                            None => d.with_help("the sources are existing, sealed and external"),
                        };
                        self.err(d);
                        return None;
                    }
                };
                S::new(v, s.span)
            }
        };
        let mut keys = Vec::new();
        for k in node.children.iter().filter(|k| k.name == "key") {
            self.shape(
                k,
                &Shape {
                    what: "a secret key",
                    args: 1,
                    props: &["remote", "property", "encrypted", "value"],
                    children: &[],
                    free_children: false,
                },
            );
            if let Some(p) = k.prop("value") {
                self.err(
                    Diagnostic::error(
                        &code::secret::PLAINTEXT,
                        "a secret value is written in the spec",
                        p.value.span,
                        "plaintext secret",
                    )
                    .with_help("never put secret values in the spec: use source=\"sealed\" with encrypted=\"...\" (from kubeseal), or source=\"external\" with remote=\"...\""),
                );
            }
            let Some(name) = self.name_arg(k, "a secret key") else {
                continue;
            };
            keys.push(SecretKey {
                name,
                remote: self.prop_str(k, "remote"),
                property: self.prop_str(k, "property"),
                encrypted: self.prop_str(k, "encrypted"),
                span: k.name_span,
            });
        }
        Some(Secret {
            name,
            span: node.name_span,
            source,
            store: self.prop_str(node, "store"),
            store_kind: self.prop_str(node, "store-kind"),
            refresh: self.prop_str(node, "refresh"),
            keys,
        })
    }

    fn ingress(&mut self, node: &Node) -> Option<Ingress> {
        self.shape(
            node,
            &Shape {
                what: "an ingress",
                args: 1,
                props: &[],
                children: &["class", "tls", "route", "annotations", "waive"],
                free_children: false,
            },
        );
        let name = self.name_arg(node, "an ingress")?;
        // Checked on the nodes, so that a route that fails to decode is not also reported as
        // missing.
        if !node.children.iter().any(|c| c.name == "route") {
            self.err(
                Diagnostic::error(
                    &code::ingress::ROUTES,
                    format!("ingress `{}` has no routes", name.v),
                    name.span,
                    "no `route` here",
                )
                .with_help("add `route \"web\" host=\"app.example.com\" service=\"web\"`"),
            );
        }
        let mut ing = Ingress {
            name,
            span: node.name_span,
            class: None,
            tls: None,
            routes: Vec::new(),
            annotations: Vec::new(),
            waivers: Vec::new(),
        };
        for c in &node.children {
            match c.name.as_str() {
                "class" => ing.class = self.str_arg(c, "class \"nginx\""),
                "annotations" => ing.annotations = self.string_map(c),
                "waive" => {
                    if let Some(w) = self.waiver(c) {
                        ing.waivers.push(w);
                    }
                }
                "tls" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "`tls`",
                            args: 0,
                            props: &["issuer", "issuer-kind", "secret"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    ing.tls = Some(Tls {
                        issuer: self.prop_str(c, "issuer"),
                        issuer_kind: self.prop_str(c, "issuer-kind"),
                        secret: self.prop_str(c, "secret"),
                        span: c.name_span,
                    });
                }
                "route" => {
                    self.shape(
                        c,
                        &Shape {
                            what: "a route",
                            args: 1,
                            props: &["host", "path", "path-type", "service", "port"],
                            children: &[],
                            free_children: false,
                        },
                    );
                    let Some(rname) = self.name_arg(c, "a route") else {
                        continue;
                    };
                    let host = self.prop_str(c, "host");
                    let service = self.prop_str(c, "service");
                    let (Some(host), Some(service)) = (host, service) else {
                        // A value of the wrong type is already reported.
                        let missing: Vec<&str> = ["host", "service"]
                            .into_iter()
                            .filter(|k| c.prop(k).is_none())
                            .collect();
                        if !missing.is_empty() {
                            self.err(
                                Diagnostic::error(
                                    &code::syntax::MISSING_PROPERTY,
                                    format!(
                                        "route `{}` has no {}",
                                        rname.v,
                                        missing.join(" and no ")
                                    ),
                                    c.name_span,
                                    format!("no {}=", missing.join("= or ")),
                                )
                                .with_help(format!(
                                    "write `route \"{}\" host=\"app.example.com\" service=\"web\"`",
                                    rname.v
                                )),
                            );
                        }
                        continue;
                    };
                    ing.routes.push(Route {
                        name: rname,
                        host,
                        path: self.prop_str(c, "path"),
                        path_type: self.prop_str(c, "path-type"),
                        service,
                        port: self.prop_port_ref(c, "port"),
                        span: c.name_span,
                    });
                }
                _ => {}
            }
        }
        Some(ing)
    }

    pub fn env_settings(&mut self, node: &Node) -> Option<EnvSettings> {
        self.shape(
            node,
            &Shape {
                what: "an environment",
                args: 1,
                props: &[],
                children: ENV_CHILDREN,
                free_children: false,
            },
        );
        let name = self.name_arg(node, "an environment")?;
        let mut policy = None;
        let mut namespace = None;
        let mut prefix = None;
        let mut labels = Vec::new();
        for c in &node.children {
            match c.name.as_str() {
                "policy" => {
                    let Some(p) = self.str_arg(c, "policy \"production\"") else {
                        continue;
                    };
                    let level = match p.v.as_str() {
                        "production" => PolicyLevel::Production,
                        "staging" => PolicyLevel::Staging,
                        "dev" => PolicyLevel::Dev,
                        other => {
                            let mut d = Diagnostic::error(
                                &code::syntax::INVALID_VALUE,
                                format!("unknown policy `{other}`"),
                                p.span,
                                "not a policy level",
                            );
                            d = match suggest(other, ["production", "staging", "dev"]) {
                                Some(x) => d.with_help(format!(
                                    "did you mean `{x}`? (production, staging or dev)"
                                )),
                                None => {
                                    d.with_help("the policy levels are production, staging and dev")
                                }
                            };
                            self.err(d);
                            continue;
                        }
                    };
                    policy = Some(S::new(level, p.span));
                }
                "namespace" => namespace = self.str_arg(c, "namespace \"my-app-staging\""),
                "prefix" => prefix = self.str_arg(c, "prefix \"dev-\""),
                "labels" => labels = self.string_map(c),
                _ => {}
            }
        }
        // Production rules are the default: an environment is relaxed only when it says so.
        let policy = policy.unwrap_or(S::new(PolicyLevel::Production, node.name_span));
        Some((name, policy, namespace, prefix, labels))
    }
}

/// Report top-level nodes that are not part of the language.
pub(crate) fn check_top_level(nodes: &[Node], diags: &mut Diagnostics) {
    for n in nodes {
        if !TOP_LEVEL.contains(&n.name.as_str()) {
            let mut d = Diagnostic::error(
                &code::syntax::UNKNOWN_NODE,
                format!("unknown top-level node `{}`", n.name),
                n.name_span,
                "not expected here",
            );
            d = match suggest(&n.name, TOP_LEVEL.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("a spec contains: {}", TOP_LEVEL.join(", "))),
            };
            diags.push(d);
        }
    }
}

/// The span a missing thing is reported at, and the override span as a secondary label.
pub fn owner_span(span: Span) -> Span {
    span
}
