//! A generator of random valid specs, for property-based tests.
//!
//! A generated spec has workloads of every kind, configs, secrets, ingresses and one to three
//! environments that override, disable and add items. Names are drawn from a pool that holds
//! near-collisions (`a-b`, `a--b`, `a.b`); the strings a spec passes through to Kubernetes
//! (command, args, env values, annotations, config data, descriptions) are drawn from a hostile
//! alphabet: YAML specials, Go template and GitHub expression syntax, quotes, backslashes,
//! unicode, line breaks, long lines. Every generated spec is valid: a diagnostic on one is a
//! failure (of the generator or of the compiler).
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::select;

/// Pieces hostile strings are made of.
pub const HOSTILE: &[&str] = &[
    "{{ .Release.Name }}",
    "{{- fail \"x\" -}}",
    "{{ lookup \"v1\" \"Secret\" \"\" \"\" }}",
    "{{",
    "}}",
    "{{/* c */}}",
    "${{ secrets.PROD_KUBECONFIG }}",
    "${{ github.event.pull_request.title }}",
    "$(id)",
    "`id`",
    "$HOME",
    "%{x}",
    "<%= x %>",
    "'",
    "\"",
    "\\",
    "\\n",
    ": ",
    " #",
    "# ",
    "- ",
    "? ",
    "&a",
    "*a",
    "!tag",
    "!!str",
    "|",
    ">",
    "%",
    "@",
    "---",
    "...",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "~",
    "null",
    "true",
    "0755",
    "1e3",
    "0x1F",
    ".inf",
    "-.5",
    "é",
    "中文",
    "🚀",
    "\u{200b}",
    "\u{a0}",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "  ",
    " ",
    "a",
    "word",
    "{",
    "}",
    "[",
    "]",
    ",",
    "=",
    ";",
    "/",
    "//",
];

/// A hostile string: up to 6 pieces, sometimes a 200-character line, sometimes with leading or
/// trailing blanks.
pub fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(select(HOSTILE), 0..6).prop_map(|v| v.concat()),
        1 => (select(HOSTILE), 0usize..3).prop_map(|(p, n)| {
            let line = "lorem ipsum dolor sit amet ".repeat(8);
            format!("{}{}{}", " ".repeat(n), &line[..200], p)
        }),
        1 => prop::collection::vec(select(HOSTILE), 1..4)
            .prop_map(|v| format!("line one\n  indented {}\n\nlast\n\n", v.concat())),
    ]
    .prop_filter("a float too large for YAML 1.2 readers", |s| !huge_float(s))
}

/// A number YAML 1.2 reads as an infinite float (`1e30755`). Go's YAML 1.1 readers (kustomize,
/// Helm, the API server) read it as the string it is; the tests' reader, YAML 1.2, cannot.
fn huge_float(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = body.split_once(['e', 'E']).unwrap_or((body, "0"));
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = mantissa.split_once('.').map_or(digits(mantissa), |(a, b)| {
        (digits(a) || a.is_empty())
            && (digits(b) || b.is_empty())
            && !(a.is_empty() && b.is_empty())
    });
    mantissa_ok && digits(exponent) && s.parse::<f64>().is_ok_and(|f| !f.is_finite())
}

/// Kubernetes label values that YAML would read as something else, and ordinary ones.
pub const LABEL_VALUES: &[&str] = &[
    "", "yes", "no", "on", "off", "true", "null", "0755", "1e3", "1.0", "0x1F", "a-b_c.d", "v1",
    "tier",
];

pub const LABEL_KEYS: &[&str] = &[
    "team",
    "tier",
    "yes",
    "on",
    "example.com/owner",
    "a.b-c/x_y.z",
    "1-2",
    "0.1.2",
];

pub const ANNOTATION_KEYS: &[&str] = &[
    "note",
    "example.com/text",
    "yes",
    "on",
    "a.b/c",
    "config.example.io/json",
    "v12",
];

pub const CONFIG_KEYS: &[&str] = &[
    "LOG_LEVEL",
    "yes",
    "on",
    "1e3",
    "0755",
    ".env",
    "a..b",
    "9000",
    "app.properties",
    "-x",
    "_y",
    "null",
];

/// Names that come close to each other and to stowage's own file and values names without
/// colliding (`a-b` and `ab`; `network-x`, `ingress-public-x`, `config-maps-x`); colliding
/// names are diagnostics (tests/bad).
pub const NAMES: &[&str] = &[
    "api",
    "web",
    "a-b",
    "ab",
    "db",
    "job-1",
    "x",
    "worker",
    "network-x",
    "ingress-public-x",
    "config-maps-x",
    "name-prefix1",
];

/// Config names may hold dots.
pub const CONFIG_NAMES: &[&str] = &["settings", "a.b", "app.config", "flags", "c"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Service,
    Worker,
    Stateful,
    Cronjob,
    Job,
}

impl Kind {
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Worker => "worker",
            Kind::Stateful => "stateful",
            Kind::Cronjob => "cronjob",
            Kind::Job => "job",
        }
    }
    fn long_running(self) -> bool {
        matches!(self, Kind::Service | Kind::Worker | Kind::Stateful)
    }
}

#[derive(Debug, Clone)]
pub enum EnvVar {
    Literal(String, String),
    Secret(String, usize),
    Config(String, usize),
    Field(String, &'static str),
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub kind: Kind,
    pub name: String,
    pub image: String,
    pub tag: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<EnvVar>,
    pub port: Option<u16>,
    pub replicas: u8,
    /// `grace-period`, seconds.
    pub grace_period: Option<u16>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub enabled: bool,
    pub env_from_config: bool,
    /// Appended to the liveness probe's HTTP path.
    pub probe_path: String,
    /// The rest of the pod: other containers, hooks, placement.
    pub pod: Pod,
}

/// The parts of a pod beyond its one container.
#[derive(Debug, Clone, Default)]
pub struct Pod {
    /// Init containers (`false`) and sidecars (`true`): (sidecar, image, tag, args).
    pub extras: Vec<(bool, String, String, Vec<String>)>,
    /// A pre-stop sleep, seconds.
    pub pre_stop: Option<u8>,
    /// A node preference's weight.
    pub prefer_node: Option<u8>,
    pub priority_class: bool,
    /// Keeps the selector `app=NAME` (long-running workloads).
    pub selector: bool,
    /// A header of the readiness probe (services).
    pub header: Option<String>,
    /// The Service's type (services): LoadBalancer with source ranges (0) or NodePort (1).
    pub expose: Option<u8>,
    /// An extra Service: ClusterIP (0), LoadBalancer (1), headless (2).
    pub extra_service: Option<u8>,
    /// Runs as the spec's service account `runner`.
    pub account: bool,
    /// The extra containers read the first config (a variable and every key).
    pub extras_read_config: bool,
    /// Services: a canary rollout with an analysis step (0), a blue-green one (1).
    pub rollout: Option<u8>,
    /// Services and workers: an autoscaler's maximum.
    pub autoscale: Option<u8>,
    /// An alert, its summary.
    pub alert: Option<String>,
    /// Uses the spec's `defaults "base"`.
    pub defaults: bool,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub name: String,
    pub data: Vec<(String, String)>,
    /// A key read from a file beside the spec, and the file's contents.
    pub file: Option<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Override {
    pub workload: usize,
    pub replicas: Option<u8>,
    pub tag: Option<String>,
    pub args: Option<Vec<String>>,
    pub env: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub enabled: Option<bool>,
    /// A new tag for the first extra container.
    pub extra_tag: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Env {
    pub name: String,
    pub policy: &'static str,
    pub namespace: Option<String>,
    pub prefix: Option<String>,
    pub labels: Vec<(String, String)>,
    pub overrides: Vec<Override>,
    pub config_data: Vec<(usize, String, String)>,
    /// Annotations of declared ServiceAccounts set again here: (account, key, value).
    pub account_annotations: Vec<(usize, String, String)>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub app: String,
    /// The analysis's query (hostile text), and the defaults block's annotation.
    pub query: String,
    /// The Kubernetes version targeted (`None`: the default).
    pub kubernetes: Option<&'static str>,
    pub labels: Vec<(String, String)>,
    pub description: Option<String>,
    pub configs: Vec<Config>,
    pub secrets: Vec<(String, Vec<String>)>,
    pub workloads: Vec<Workload>,
    /// Routes: (host, path, workload index).
    pub ingress: Vec<(String, String, usize)>,
    pub ingress_annotations: Vec<(String, String)>,
    pub envs: Vec<Env>,
    /// Objects declared as data, and patches.
    pub declared: Declared,
}

/// What a spec declares as data: ServiceAccounts with annotations, a ConfigMap, a custom
/// resource, and patches of workloads (pod annotations merged, an RFC 6902 `add`).
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub accounts: Vec<(String, Vec<(String, String)>)>,
    pub config: Option<Vec<(String, String)>>,
    pub rule: Option<String>,
    pub patches: Vec<PatchOf>,
}

/// A patch of a workload: (workload, pod annotations to merge, an RFC 6902 `add` too).
pub type PatchOf = (usize, Vec<(String, String)>, bool);

fn declared(workloads: usize) -> impl Strategy<Value = Declared> {
    (
        prop::collection::btree_map(
            select(&["robot", "api-sa", "a.b"][..]),
            annotation_pairs(),
            0..3,
        ),
        prop::option::weighted(
            0.3,
            prop::collection::btree_map(select(CONFIG_KEYS), hostile(), 1..3),
        ),
        prop::option::weighted(0.3, hostile()),
        prop::collection::vec((0..workloads, annotation_pairs(), any::<bool>()), 0..3),
    )
        .prop_map(|(accounts, config, rule, patches)| Declared {
            accounts: accounts
                .into_iter()
                .map(|(n, a)| (n.to_string(), a))
                .collect(),
            config: config.map(|c| c.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
            rule,
            patches,
        })
}

/// A KDL 2 quoted string holding exactly `s`.
pub fn kdl(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn props(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!(" {}={}", kdl(k), kdl(v)))
        .collect()
}

fn args(v: &[String]) -> String {
    v.iter().map(|a| format!(" {}", kdl(a))).collect()
}

fn label_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(select(LABEL_KEYS), select(LABEL_VALUES), 0..3).prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    })
}

fn annotation_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(select(ANNOTATION_KEYS), annotation_value(), 0..3)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A hostile annotation value kustomize can carry (not a tab first on several lines:
/// `stowage::value::character`).
fn annotation_value() -> impl Strategy<Value = String> {
    hostile().prop_map(|v| {
        if v.starts_with('\t') && v.contains(['\n', '\r']) {
            format!("x{v}")
        } else {
            v
        }
    })
}

fn tag() -> impl Strategy<Value = String> {
    select(
        &[
            "1.0.0",
            "2",
            "v1.2.3-rc.1",
            "0755",
            "1e3",
            "yes",
            "sha-abc_1",
        ][..],
    )
    .prop_map(String::from)
}

fn pod() -> impl Strategy<Value = Pod> {
    (
        prop::collection::vec(
            (
                any::<bool>(),
                select(&["api", "ghcr.io/acme/proxy", "library/busybox"][..]),
                tag(),
                prop::collection::vec(hostile(), 0..3),
            ),
            0..3,
        ),
        prop::option::weighted(0.3, 0u8..20),
        prop::option::weighted(0.3, 1u8..=100),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.3, hostile()),
        (
            prop::option::weighted(0.2, 0u8..2),
            prop::option::weighted(0.2, 0u8..3),
            prop::bool::weighted(0.3),
            any::<bool>(),
        ),
        (
            prop::option::weighted(0.3, 0u8..2),
            prop::option::weighted(0.3, 3u8..8),
            prop::option::weighted(0.2, hostile()),
            prop::bool::weighted(0.4),
        ),
    )
        .prop_map(
            |(
                extras,
                pre_stop,
                prefer_node,
                priority_class,
                selector,
                header,
                (expose, extra_service, account, extras_read_config),
                (rollout, autoscale, alert, defaults),
            )| Pod {
                extras: extras
                    .into_iter()
                    .map(|(sidecar, image, tag, args)| (sidecar, image.to_string(), tag, args))
                    .collect(),
                pre_stop,
                prefer_node,
                priority_class,
                selector,
                header,
                expose,
                extra_service,
                account,
                extras_read_config,
                rollout,
                autoscale,
                alert,
                defaults,
            },
        )
}

fn workload(name: String) -> impl Strategy<Value = Workload> {
    (
        select(
            &[
                Kind::Service,
                Kind::Service,
                Kind::Worker,
                Kind::Stateful,
                Kind::Cronjob,
                Kind::Job,
            ][..],
        ),
        select(&["api", "ghcr.io/acme/api", "library/nginx", "a.b/c-d"][..]),
        tag(),
        prop::collection::vec(hostile(), 0..3),
        prop::collection::vec(hostile(), 0..4),
        prop::collection::vec((0u8..4, hostile(), 0usize..4), 0..4),
        (1u8..4, prop::option::weighted(0.4, 0u16..600)),
        label_pairs(),
        annotation_pairs(),
        prop::bool::weighted(0.85),
        any::<bool>(),
        (hostile(), pod()),
    )
        .prop_map(
            move |(
                kind,
                image,
                tag,
                command,
                args,
                env,
                (replicas, grace_period),
                labels,
                annotations,
                enabled,
                env_from_config,
                (probe_path, pod),
            )| {
                let env = env
                    .into_iter()
                    .enumerate()
                    .map(|(i, (form, value, n))| {
                        let var = format!("VAR_{i}");
                        match form {
                            0 | 1 => EnvVar::Literal(var, value),
                            2 => EnvVar::Config(var, n),
                            _ => EnvVar::Field(var, ["metadata.name", "status.podIP"][n % 2]),
                        }
                    })
                    .collect();
                Workload {
                    kind,
                    name: name.clone(),
                    image: image.to_string(),
                    tag,
                    command,
                    args,
                    env,
                    port: kind.long_running().then_some(8080),
                    replicas,
                    grace_period,
                    labels,
                    annotations,
                    enabled,
                    env_from_config,
                    probe_path: format!("/healthz{probe_path}"),
                    pod,
                }
            },
        )
}

fn config(name: &'static str) -> impl Strategy<Value = Config> {
    (
        prop::collection::btree_map(select(CONFIG_KEYS), hostile(), 0..4),
        prop::option::weighted(0.3, hostile()),
        label_pairs(),
        annotation_pairs(),
    )
        .prop_map(move |(data, file, labels, annotations)| Config {
            name: name.to_string(),
            data: data.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            file: file.map(|f| ("file.txt".to_string(), f)),
            labels,
            annotations,
        })
}

fn env_override(workloads: usize) -> impl Strategy<Value = Override> {
    (
        0..workloads,
        prop::option::of(1u8..5),
        prop::option::of(tag()),
        prop::option::weighted(0.3, prop::collection::vec(hostile(), 0..3)),
        prop::collection::vec((0usize..3, hostile()), 0..2),
        annotation_pairs(),
        prop::option::weighted(0.3, any::<bool>()),
        prop::option::weighted(0.3, tag()),
    )
        .prop_map(
            |(workload, replicas, tag, args, env, annotations, enabled, extra_tag)| Override {
                workload,
                replicas,
                tag,
                args,
                env: env
                    .into_iter()
                    .map(|(i, v)| (format!("VAR_{i}"), v))
                    .collect(),
                annotations,
                enabled,
                extra_tag,
            },
        )
}

fn environment(name: &'static str, workloads: usize, configs: usize) -> impl Strategy<Value = Env> {
    (
        select(&["dev", "staging", "production"][..]),
        prop::option::of(select(&["ns-a", "other", "x1"][..])),
        prop::option::of(select(&["", "p-", "dev-", "a1-"][..])),
        label_pairs(),
        prop::collection::vec(env_override(workloads), 0..4),
        prop::collection::vec((0..configs.max(1), select(CONFIG_KEYS), hostile()), 0..3),
        prop::collection::vec(
            (0usize..3, select(ANNOTATION_KEYS), annotation_value()),
            0..2,
        ),
    )
        .prop_map(
            move |(policy, namespace, prefix, labels, overrides, config_data, accounts)| Env {
                account_annotations: accounts
                    .into_iter()
                    .map(|(a, k, v)| (a, k.to_string(), v))
                    .collect(),
                name: name.to_string(),
                policy,
                namespace: namespace.map(|n| format!("{n}-{name}")),
                prefix: prefix.map(String::from),
                labels,
                overrides,
                config_data: if configs == 0 {
                    Vec::new()
                } else {
                    config_data
                        .into_iter()
                        .map(|(c, k, v)| (c, k.to_string(), v))
                        .collect()
                },
            },
        )
}

/// Random valid specs.
pub fn spec() -> impl Strategy<Value = Spec> {
    (
        select(&["shop", "a-b", "app1"][..]),
        label_pairs(),
        prop::option::weighted(0.5, hostile()),
        prop::sample::subsequence(NAMES, 1..5),
        prop::sample::subsequence(CONFIG_NAMES, 0..3),
        prop::sample::subsequence(&["dev", "staging", "production", "qa"][..], 1..4),
        (
            annotation_pairs(),
            select(&[None, Some("1.28"), Some("1.31")][..]),
            hostile(),
        ),
    )
        .prop_flat_map(
            |(
                app,
                labels,
                description,
                names,
                config_names,
                env_names,
                (ingress_annotations, kubernetes, query),
            )| {
                let n = names.len();
                let c = config_names.len();
                let workloads: Vec<_> = names.iter().map(|w| workload(w.to_string())).collect();
                let configs: Vec<_> = config_names.iter().map(|c| config(c)).collect();
                let envs: Vec<_> = env_names.iter().map(|e| environment(e, n, c)).collect();
                let declared = declared(n);
                let routes = prop::collection::vec(
                    (
                        select(&["shop.example.com", "a.example.org", "x.y"][..]),
                        select(&["/", "/api", "/a/b", "/x-y_z.1", "/~u"][..]),
                        0..n,
                    ),
                    0..3,
                );
                (
                    Just(app.to_string()),
                    Just(labels),
                    Just(description),
                    configs,
                    workloads,
                    routes,
                    envs,
                    Just((ingress_annotations, kubernetes, query)),
                    declared,
                )
            },
        )
        .prop_map(
            |(
                app,
                labels,
                description,
                configs,
                workloads,
                routes,
                envs,
                (ingress_annotations, kubernetes, query),
                declared,
            )| {
                let mut s = Spec {
                    query,
                    kubernetes,
                    app,
                    labels,
                    description,
                    configs,
                    secrets: vec![("creds".into(), vec!["password".into(), "token".into()])],
                    workloads,
                    ingress: routes
                        .into_iter()
                        .map(|(h, p, w)| (h.to_string(), p.to_string(), w))
                        .collect(),
                    ingress_annotations,
                    envs,
                    declared,
                };
                s.normalise();
                s
            },
        )
}

impl Spec {
    /// Make the random parts fit together: references resolve, routes lead to services, every
    /// environment's policy can be met.
    fn normalise(&mut self) {
        let configs = self.configs.len();
        let old = self.kubernetes == Some("1.28");
        for w in &mut self.workloads {
            // Before 1.29 a Job never finishes with a sidecar; before 1.30 no pre-stop sleep.
            if old {
                w.pod.pre_stop = None;
                if !w.kind.long_running() {
                    for e in &mut w.pod.extras {
                        e.0 = false;
                    }
                }
            }
            w.env
                .retain(|e| !matches!(e, EnvVar::Config(..)) || configs > 0);
            for e in &mut w.env {
                if let EnvVar::Config(_, c) = e {
                    *c %= configs;
                }
            }
            if configs == 0 {
                w.env_from_config = false;
            }
            if w.kind == Kind::Stateful {
                w.env.push(EnvVar::Secret("DB_PASSWORD".into(), 0));
            }
        }
        // Routes go to enabled services only; one route per host and path.
        let services: Vec<usize> = (0..self.workloads.len())
            .filter(|i| self.workloads[*i].kind == Kind::Service && self.workloads[*i].enabled)
            .collect();
        if services.is_empty() {
            self.ingress.clear();
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut routes = Vec::new();
        for (h, p, w) in std::mem::take(&mut self.ingress) {
            if seen.insert((h.clone(), p.clone())) {
                routes.push((h, p, services[w % services.len().max(1)]));
            }
        }
        self.ingress = routes;
        // Overrides of workloads that are disabled in the base do not enable them where routes
        // point (ingress targets must exist everywhere).
        for e in &mut self.envs {
            e.config_data.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            e.config_data.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            let mut seen = std::collections::BTreeSet::new();
            e.overrides.retain(|o| seen.insert(o.workload));
            for o in &mut e.overrides {
                // Only literals: a variable reading a config or secret keeps reading it.
                let base = &self.workloads[o.workload].env;
                o.env.retain(|(n, _)| {
                    base.iter().all(|x| match x {
                        EnvVar::Literal(..) => true,
                        EnvVar::Secret(m, _) | EnvVar::Config(m, _) | EnvVar::Field(m, _) => m != n,
                    })
                });
                o.env.sort();
                o.env.dedup_by(|a, b| a.0 == b.0);
                if self.ingress.iter().any(|r| r.2 == o.workload) {
                    o.enabled = None;
                }
            }
        }
    }

    /// Whether workload `i` runs in environment `e` (or the base, for `None`).
    pub fn enabled(&self, i: usize, e: Option<&Env>) -> bool {
        e.and_then(|e| e.overrides.iter().find(|o| o.workload == i))
            .and_then(|o| o.enabled)
            .unwrap_or(self.workloads[i].enabled)
    }

    fn has_production(&self) -> bool {
        self.envs.iter().any(|e| e.policy != "dev")
    }

    /// The spec's text, top-level nodes in the given order (a permutation of `0..n`).
    pub fn to_kdl_ordered(&self, order: Option<&[usize]>) -> String {
        let mut nodes = Vec::new();
        let mut app = format!(
            "app {} {{\n    namespace {}\n",
            kdl(&self.app),
            kdl(&format!("{}-ns", self.app))
        );
        app.push_str("    registry \"registry.example.com/team\"\n");
        if let Some(k) = self.kubernetes {
            app.push_str(&format!("    kubernetes {}\n", kdl(k)));
        }
        if !self.labels.is_empty() {
            app.push_str(&format!("    labels{}\n", props(&self.labels)));
        }
        if let Some(d) = &self.description {
            app.push_str(&format!("    description {}\n", kdl(d)));
        }
        app.push_str("}\n");
        nodes.push(app);
        for (name, keys) in &self.secrets {
            let mut s = format!("secret {} {{\n", kdl(name));
            for k in keys {
                s.push_str(&format!("    key {}\n", kdl(k)));
            }
            s.push_str("}\n");
            nodes.push(s);
        }
        for c in &self.configs {
            let mut s = format!("config {} {{\n", kdl(&c.name));
            if !c.data.is_empty() {
                s.push_str(&format!("    data{}\n", props(&c.data)));
            }
            if let Some((key, _)) = &c.file {
                s.push_str(&format!(
                    "    file {} path={}\n",
                    kdl(key),
                    kdl(&format!("files/{}.txt", c.name))
                ));
            }
            if c.data.is_empty() && c.file.is_none() {
                s.push_str("    data EMPTY=\"\"\n");
            }
            if !c.labels.is_empty() {
                s.push_str(&format!("    labels{}\n", props(&c.labels)));
            }
            if !c.annotations.is_empty() {
                s.push_str(&format!("    annotations{}\n", props(&c.annotations)));
            }
            s.push_str("}\n");
            nodes.push(s);
        }
        let production = self.has_production();
        for w in &self.workloads {
            nodes.push(self.workload_kdl(w, production));
        }
        if self
            .workloads
            .iter()
            .any(|w| w.kind == Kind::Service && w.pod.rollout == Some(0))
        {
            nodes.push(format!(
                "analysis \"error-rate\" {{\n    prometheus \"http://prometheus.monitoring:9090\"\n    query {}\n    success \"result[0] < 0.01\"\n    interval \"1m\"\n    count 3\n}}\n",
                kdl(&self.query)
            ));
        }
        if self.workloads.iter().any(|w| w.pod.defaults) {
            nodes.push(format!(
                "defaults \"base\" {{\n    annotations \"example.com/from\"={}\n    prefer-node \"kubernetes.io/arch\" \"amd64\" weight=10\n}}\n",
                kdl(&self.query)
            ));
        }
        if self.workloads.iter().any(|w| w.pod.account) {
            nodes.push(
                "service-account \"runner\" {\n    annotations \"eks.amazonaws.com/role-arn\"=\"arn:aws:iam::111122223333:role/runner\"\n    can \"get\" \"list\" \"watch\" on=\"configmaps\"\n    can \"get\" \"patch\" on=\"deployments/scale\"\n}\n".to_string(),
            );
        }
        if !self.ingress.is_empty() {
            let mut s = "ingress \"public\" {\n".to_string();
            if production {
                s.push_str("    tls issuer=\"letsencrypt\"\n");
            }
            if !self.ingress_annotations.is_empty() {
                s.push_str(&format!(
                    "    annotations{}\n",
                    props(&self.ingress_annotations)
                ));
            }
            for (i, (host, path, w)) in self.ingress.iter().enumerate() {
                s.push_str(&format!(
                    "    route \"r{i}\" host={} path={} service={} port=\"http\"\n",
                    kdl(host),
                    kdl(path),
                    kdl(&self.workloads[*w].name)
                ));
            }
            s.push_str("}\n");
            nodes.push(s);
        }
        nodes.extend(self.declared_kdl());
        for e in &self.envs {
            nodes.push(self.env_kdl(e));
        }
        match order {
            Some(o) => o
                .iter()
                .map(|i| nodes[*i].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            None => nodes.join("\n"),
        }
    }

    pub fn to_kdl(&self) -> String {
        self.to_kdl_ordered(None)
    }

    /// How many top-level nodes [`Spec::to_kdl`] writes.
    pub fn node_count(&self) -> usize {
        1 + self.secrets.len()
            + self.configs.len()
            + self.workloads.len()
            + usize::from(!self.ingress.is_empty())
            + self.envs.len()
            + self.declared_kdl().len()
            + usize::from(self.workloads.iter().any(|w| w.pod.account))
            + usize::from(
                self.workloads
                    .iter()
                    .any(|w| w.kind == Kind::Service && w.pod.rollout == Some(0)),
            )
            + usize::from(self.workloads.iter().any(|w| w.pod.defaults))
    }

    /// The declared objects and the patches, one top-level node each.
    fn declared_kdl(&self) -> Vec<String> {
        let d = &self.declared;
        let mut out = Vec::new();
        for (name, annotations) in &d.accounts {
            let mut s = format!("object {} {{\n", kdl(&format!("ServiceAccount/{name}")));
            if !annotations.is_empty() {
                s.push_str(&format!(
                    "    metadata {{\n        annotations{}\n    }}\n",
                    props(annotations)
                ));
            }
            s.push_str("    automountServiceAccountToken #false\n}\n");
            out.push(s);
        }
        if let Some(data) = &d.config {
            out.push(format!(
                "object \"ConfigMap/declared\" {{\n    data{}\n}}\n",
                props(data)
            ));
        }
        if let Some(expr) = &d.rule {
            out.push(format!(
                "object \"PrometheusRule/alerts\" api-version=\"monitoring.coreos.com/v1\" {{\n    spec {{\n        groups {{\n            - name=\"a\" {{\n                rules {{\n                    - alert=\"A\" expr={}\n                }}\n            }}\n        }}\n    }}\n}}\n",
                kdl(expr)
            ));
        }
        let mut patched = std::collections::BTreeSet::new();
        for (i, annotations, json) in &d.patches {
            let w = &self.workloads[*i];
            // A patch of an object no configuration has is an error: patch what runs somewhere.
            let runs =
                self.enabled(*i, None) || self.envs.iter().any(|e| self.enabled(*i, Some(e)));
            if !runs || !patched.insert(&w.name) {
                continue;
            }
            let progressive = w.kind == Kind::Service && w.pod.rollout.is_some();
            let (kind, template, add) = match w.kind {
                Kind::Service | Kind::Worker => (
                    if progressive { "Rollout" } else { "Deployment" },
                    "spec { template { metadata { annotations%s } } }",
                    "add \"/spec/minReadySeconds\" 5",
                ),
                Kind::Stateful => (
                    "StatefulSet",
                    "spec { template { metadata { annotations%s } } }",
                    "add \"/spec/minReadySeconds\" 5",
                ),
                Kind::Cronjob => (
                    "CronJob",
                    "spec { jobTemplate { spec { template { metadata { annotations%s } } } } }",
                    "add \"/spec/startingDeadlineSeconds\" 60",
                ),
                Kind::Job => (
                    "Job",
                    "spec { template { metadata { annotations%s } } }",
                    "add \"/spec/completions\" 1",
                ),
            };
            let target = kdl(&format!("{kind}/{}", w.name));
            if !annotations.is_empty() {
                out.push(format!(
                    "patch {target} {{\n    {}\n}}\n",
                    template.replace("%s", &props(annotations))
                ));
            }
            if *json {
                out.push(format!("json-patch {target} {{\n    {add}\n}}\n"));
            }
        }
        out
    }

    fn workload_kdl(&self, w: &Workload, production: bool) -> String {
        let mut s = format!(
            "{} {}{} {{\n",
            w.kind.keyword(),
            kdl(&w.name),
            if w.enabled { "" } else { " enabled=#false" }
        );
        s.push_str(&format!(
            "    image {} tag={}\n",
            kdl(&w.image),
            kdl(&w.tag)
        ));
        if !w.command.is_empty() {
            s.push_str(&format!("    command{}\n", args(&w.command)));
        }
        if !w.args.is_empty() {
            s.push_str(&format!("    args{}\n", args(&w.args)));
        }
        if let Some(p) = w.port {
            s.push_str(&format!("    port \"http\" {p}\n"));
        }
        if !w.env.is_empty() {
            s.push_str("    env {\n");
            for e in &w.env {
                match e {
                    EnvVar::Literal(n, v) => {
                        s.push_str(&format!("        {} {}\n", kdl(n), kdl(v)))
                    }
                    EnvVar::Secret(n, _) => s.push_str(&format!(
                        "        {} secret=\"creds\" key=\"password\"\n",
                        kdl(n)
                    )),
                    EnvVar::Config(n, c) => {
                        let c = &self.configs[*c];
                        let key = c
                            .data
                            .first()
                            .map(|d| d.0.clone())
                            .or_else(|| c.file.as_ref().map(|f| f.0.clone()))
                            .unwrap_or_else(|| "EMPTY".into());
                        s.push_str(&format!(
                            "        {} config={} key={}\n",
                            kdl(n),
                            kdl(&c.name),
                            kdl(&key)
                        ))
                    }
                    EnvVar::Field(n, f) => {
                        s.push_str(&format!("        {} field={}\n", kdl(n), kdl(f)))
                    }
                }
            }
            s.push_str("    }\n");
        }
        if w.env_from_config {
            s.push_str(&format!("    env-from {}\n", kdl(&self.configs[0].name)));
        }
        s.push_str("    resources {\n        requests cpu=\"100m\" memory=\"64Mi\"\n        limits cpu=\"200m\" memory=\"128Mi\"\n    }\n");
        match w.kind {
            Kind::Service => {
                s.push_str(&format!(
                    "    liveness http={} port=\"http\"\n    readiness http=\"/ready\" port=\"http\"",
                    kdl(&w.probe_path)
                ));
                match &w.pod.header {
                    // HTTP header values hold no line breaks (refused by stowage).
                    Some(h) => s.push_str(&format!(
                        " {{\n        header \"X-Probe\" {}\n    }}\n",
                        kdl(&h.replace(['\r', '\n'], " "))
                    )),
                    None => s.push('\n'),
                }
            }
            Kind::Worker | Kind::Stateful => s.push_str(
                "    liveness \"cat\" \"/tmp/healthy\"\n    readiness \"cat\" \"/tmp/ready\"\n",
            ),
            Kind::Cronjob => s.push_str("    schedule \"*/15 * * * *\"\n"),
            Kind::Job => {}
        }
        if w.kind.long_running() {
            let replicas = if production {
                w.replicas.max(2)
            } else {
                w.replicas
            };
            s.push_str(&format!("    replicas {replicas}\n"));
        }
        if let Some(g) = w.grace_period {
            s.push_str(&format!("    grace-period {g}\n"));
        }
        let config = self.configs.first().map(|c| {
            let key = c
                .data
                .first()
                .map(|d| d.0.as_str())
                .or_else(|| c.file.as_ref().map(|f| f.0.as_str()))
                .unwrap_or("EMPTY");
            (c.name.as_str(), key)
        });
        s.push_str(&pod_kdl(w, config));
        if w.kind == Kind::Stateful && production {
            s.push_str("    waive \"replicas\" reason=\"a generated test database\"\n");
        }
        if !w.labels.is_empty() {
            s.push_str(&format!("    labels{}\n", props(&w.labels)));
        }
        if !w.annotations.is_empty() {
            s.push_str(&format!("    annotations{}\n", props(&w.annotations)));
        }
        s.push_str("}\n");
        s
    }

    fn env_kdl(&self, e: &Env) -> String {
        let mut s = format!(
            "environment {} {{\n    policy {}\n",
            kdl(&e.name),
            kdl(e.policy)
        );
        if let Some(n) = &e.namespace {
            s.push_str(&format!("    namespace {}\n", kdl(n)));
        }
        if let Some(p) = &e.prefix {
            s.push_str(&format!("    prefix {}\n", kdl(p)));
        }
        if !e.labels.is_empty() {
            s.push_str(&format!("    labels{}\n", props(&e.labels)));
        }
        if self.workloads.iter().any(|w| w.pod.account) && e.policy != "dev" {
            s.push_str(&format!(
                "    service-account \"runner\" {{\n        annotations \"eks.amazonaws.com/role-arn\"={}\n    }}\n",
                kdl(&format!("arn:aws:iam::111122223333:role/runner-{}", e.name))
            ));
        }
        for (a, k, v) in &e.account_annotations {
            if let Some((name, _)) = self.declared.accounts.get(*a) {
                s.push_str(&format!(
                    "    object {} {{\n        metadata {{\n            annotations {}={}\n        }}\n    }}\n",
                    kdl(&format!("ServiceAccount/{name}")),
                    kdl(k),
                    kdl(v)
                ));
            }
        }
        for o in &e.overrides {
            let w = &self.workloads[o.workload];
            let mut body = String::new();
            if let Some(r) = o.replicas.filter(|_| w.kind.long_running()) {
                let r = if e.policy == "production" {
                    r.max(2)
                } else {
                    r
                };
                body.push_str(&format!("        replicas {r}\n"));
            }
            if let Some(t) = &o.tag {
                body.push_str(&format!("        image tag={}\n", kdl(t)));
            }
            if let Some(a) = o.args.as_ref().filter(|a| !a.is_empty()) {
                body.push_str(&format!("        args{}\n", args(a)));
            }
            if !o.env.is_empty() {
                body.push_str("        env {\n");
                for (n, v) in &o.env {
                    body.push_str(&format!("            {} {}\n", kdl(n), kdl(v)));
                }
                body.push_str("        }\n");
            }
            if !o.annotations.is_empty() {
                body.push_str(&format!("        annotations{}\n", props(&o.annotations)));
            }
            if let (Some(t), Some((sidecar, ..))) = (&o.extra_tag, w.pod.extras.first()) {
                let role = if *sidecar { "sidecar" } else { "init" };
                body.push_str(&format!(
                    "        {role} \"extra-0\" {{\n            image tag={}\n        }}\n",
                    kdl(t)
                ));
            }
            let enabled = match o.enabled {
                Some(true) => " enabled=#true",
                Some(false) => " enabled=#false",
                None => "",
            };
            s.push_str(&format!(
                "    {} {}{} {{\n{body}    }}\n",
                w.kind.keyword(),
                kdl(&w.name),
                enabled
            ));
        }
        for (c, k, v) in &e.config_data {
            s.push_str(&format!(
                "    config {} {{\n        data {}={}\n    }}\n",
                kdl(&self.configs[*c].name),
                kdl(k),
                kdl(v)
            ));
        }
        s.push_str("}\n");
        s
    }

    /// The files the spec's configs read, relative to the spec's folder.
    pub fn files(&self) -> Vec<(String, String)> {
        self.configs
            .iter()
            .filter_map(|c| {
                c.file
                    .as_ref()
                    .map(|(_, text)| (format!("files/{}.txt", c.name), text.clone()))
            })
            .collect()
    }

    /// Every string the spec hands to Kubernetes unchanged, with where it must appear.
    pub fn literals(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, w) in self.workloads.iter().enumerate() {
            // In the base's objects (a workload enabled only in some environment may have
            // these strings overridden there).
            if !self.enabled(i, None) {
                continue;
            }
            out.extend(w.command.iter().cloned());
            out.extend(w.args.iter().cloned());
            for e in &w.env {
                if let EnvVar::Literal(_, v) = e {
                    out.push(v.clone());
                }
            }
            // A patch's pod annotation of the same key replaces the workload's.
            let patched = self.patched_annotations(i);
            let kept = |a: &&(String, String)| !patched.iter().any(|(k, _)| *k == a.0);
            out.extend(w.annotations.iter().filter(kept).map(|a| a.1.clone()));
            out.extend(patched.iter().map(|a| a.1.clone()));
            if w.kind == Kind::Service {
                out.push(w.probe_path.clone());
            }
        }
        if !self.ingress.is_empty() {
            out.extend(self.ingress_annotations.iter().map(|a| a.1.clone()));
        }
        for c in &self.configs {
            out.extend(c.data.iter().map(|d| d.1.clone()));
            out.extend(c.file.iter().map(|f| f.1.clone()));
            out.extend(c.annotations.iter().map(|a| a.1.clone()));
        }
        for e in &self.envs {
            for o in e
                .overrides
                .iter()
                .filter(|o| self.enabled(o.workload, Some(e)))
            {
                out.extend(o.env.iter().map(|x| x.1.clone()));
                let patched = self.patched_annotations(o.workload);
                let kept = |a: &&(String, String)| !patched.iter().any(|(k, _)| *k == a.0);
                out.extend(o.annotations.iter().filter(kept).map(|a| a.1.clone()));
                out.extend(o.args.iter().flatten().cloned());
            }
            out.extend(e.config_data.iter().map(|d| d.2.clone()));
            out.extend(
                e.account_annotations
                    .iter()
                    .filter(|a| a.0 < self.declared.accounts.len())
                    .map(|a| a.2.clone()),
            );
        }
        // Declared objects are in the base as written.
        let d = &self.declared;
        out.extend(
            d.accounts
                .iter()
                .flat_map(|(_, a)| a.iter().map(|x| x.1.clone())),
        );
        out.extend(d.config.iter().flatten().map(|x| x.1.clone()));
        out.extend(d.rule.iter().cloned());
        out
    }

    /// The pod annotations a patch merges into workload `i` (the first patch of it counts).
    fn patched_annotations(&self, i: usize) -> Vec<(String, String)> {
        let name = &self.workloads[i].name;
        self.declared
            .patches
            .iter()
            .find(|(w, _, _)| &self.workloads[*w].name == name)
            .map(|(_, a, _)| a.clone())
            .unwrap_or_default()
    }
}

/// Compile a spec held in memory (its config files given by path): the IR and the files, or
/// the rendered diagnostics when it has errors.
pub fn compile(
    text: &str,
    files: &[(String, String)],
) -> Result<stowage::compile::Generated, String> {
    let source = stowage::compile::Source {
        path: std::path::PathBuf::from("stowage.kdl"),
        text: text.to_string(),
    };
    let read = |p: &str| {
        files
            .iter()
            .find(|f| f.0 == p)
            .map(|f| f.1.clone())
            .ok_or_else(|| "no such file".to_string())
    };
    let checked = stowage::compile::check_with(&source, &read);
    if checked.diagnostics.has_errors() {
        let r = stowage::diagnostic::Renderer::new("stowage.kdl", text);
        let shown: String = checked
            .diagnostics
            .sorted()
            .iter()
            .map(|d| r.human(d, stowage::diagnostic::Style::Plain, 100))
            .collect();
        return Err(format!(
            "a generated spec has errors:\n{shown}\n--- spec:\n{text}"
        ));
    }
    Ok(stowage::compile::generate(&source, checked, std::path::Path::new(".")).expect("compiles"))
}

fn all_strings(v: &serde_json::Value, out: &mut std::collections::HashSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| all_strings(x, out)),
        _ => {}
    }
}

/// What holds for every generated spec, in process: it compiles without errors; two builds
/// give the same bytes, also with the top-level nodes in another order (a permutation drawn
/// from `seed`); every string it hands to Kubernetes is in an object, exactly; every generated
/// YAML file (templates aside) reads back.
pub fn invariants(spec: &Spec, seed: u64) -> Result<(), String> {
    let text = spec.to_kdl();
    let files = spec.files();
    let a = compile(&text, &files)?;
    let b = compile(&text, &files)?;
    if a.files != b.files {
        return Err(format!("two builds differ\n--- spec:\n{text}"));
    }
    let mut order: Vec<usize> = (0..spec.node_count()).collect();
    let mut s = seed;
    for i in (1..order.len()).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (s >> 33) as usize % (i + 1));
    }
    let shuffled = compile(&spec.to_kdl_ordered(Some(&order)), &files)?;
    if shuffled.files != a.files {
        let differing: Vec<&String> = a
            .files
            .keys()
            .filter(|p| shuffled.files.get(*p) != a.files.get(*p))
            .collect();
        return Err(format!(
            "reordering the top-level nodes changes {differing:?}\n--- spec:\n{text}"
        ));
    }
    let mut strings = std::collections::HashSet::new();
    for env in std::iter::once(&a.ir.base).chain(a.ir.environments.iter()) {
        for o in &env.objects {
            all_strings(&o.value, &mut strings);
        }
    }
    for s in spec.literals() {
        if !strings.contains(&s) {
            return Err(format!("{s:?} is in no object\n--- spec:\n{text}"));
        }
    }
    for (path, contents) in &a.files {
        let template = path.contains("/templates/");
        if (path.ends_with(".yaml") || path.ends_with(".yml"))
            && !template
            && let Err(e) = serde_saphyr::from_multiple::<serde_json::Value>(contents)
        {
            return Err(format!("{path} does not read back: {e}\n--- spec:\n{text}"));
        }
    }
    Ok(())
}

/// A workload's other containers, hook and placement, as KDL lines; `config` is the first
/// config and a key of it, when the spec has one.
fn pod_kdl(w: &Workload, config: Option<(&str, &str)>) -> String {
    let mut s = String::new();
    for (i, (sidecar, image, tag, a)) in w.pod.extras.iter().enumerate() {
        let role = if *sidecar { "sidecar" } else { "init" };
        s.push_str(&format!(
            "    {role} \"extra-{i}\" {{\n        image {} tag={}\n",
            kdl(image),
            kdl(tag)
        ));
        if !a.is_empty() {
            s.push_str(&format!("        args{}\n", args(a)));
        }
        s.push_str("        resources {\n            requests cpu=\"10m\" memory=\"16Mi\"\n            limits cpu=\"50m\" memory=\"32Mi\"\n        }\n");
        if let Some((name, key)) = config.filter(|_| w.pod.extras_read_config) {
            s.push_str(&format!(
                "        env {{\n            FROM_CONFIG config={} key={}\n        }}\n        env-from {}\n",
                kdl(name),
                kdl(key),
                kdl(name)
            ));
        }
        if *sidecar {
            s.push_str("        liveness \"true\"\n        readiness \"true\"\n");
        }
        s.push_str("    }\n");
    }
    let grace = w.grace_period.map_or(30, i64::from);
    if let Some(p) = w
        .pod
        .pre_stop
        .filter(|p| w.kind.long_running() && i64::from(*p) < grace)
    {
        s.push_str(&format!("    pre-stop sleep={p}\n"));
    }
    if let Some(weight) = w.pod.prefer_node {
        s.push_str(&format!(
            "    prefer-node \"karpenter.sh/capacity-type\" \"spot\" weight={weight}\n"
        ));
    }
    if w.pod.account {
        s.push_str("    service-account \"runner\"\n");
    }
    if w.pod.defaults {
        s.push_str("    use \"base\"\n");
    }
    match w.pod.rollout.filter(|_| w.kind == Kind::Service) {
        Some(0) => s.push_str(
            "    rollout \"canary\" {\n        step weight=20 pause=\"1m\"\n        step analysis=\"error-rate\"\n        step weight=100\n    }\n",
        ),
        Some(_) => s.push_str("    rollout \"blue-green\" auto-promote=#true\n"),
        None => {}
    }
    if let Some(max) = w
        .pod
        .autoscale
        .filter(|_| matches!(w.kind, Kind::Service | Kind::Worker))
    {
        s.push_str(&format!("    autoscale min=2 max={max} cpu=70\n"));
    }
    if let Some(summary) = &w.pod.alert {
        s.push_str(&format!(
            "    alert \"Down\" expr={} for=\"5m\" severity=\"critical\" {{\n        summary {}\n    }}\n",
            kdl(&format!("up{{job={:?}}} == 0", w.name)),
            kdl(summary)
        ));
    }
    if w.pod.priority_class {
        s.push_str("    priority-class \"high\"\n");
    }
    match w.pod.expose.filter(|_| w.kind == Kind::Service) {
        Some(0) => s.push_str(
            "    expose \"LoadBalancer\" {\n        source-ranges \"203.0.113.0/24\" \"2001:db8::/32\"\n    }\n",
        ),
        Some(_) => s.push_str("    expose \"NodePort\"\n"),
        None => {}
    }
    if w.port.is_some() {
        match w.pod.extra_service {
            Some(0) => s.push_str("    extra-service \"internal\"\n"),
            Some(1) => s.push_str(
                "    extra-service \"internal\" type=\"LoadBalancer\" {\n        ports \"http\"\n        annotations \"example.com/lb\"=\"internal\"\n    }\n",
            ),
            Some(_) => s.push_str("    extra-service \"internal\" headless=#true\n"),
            None => {}
        }
    }
    if w.pod.selector && w.kind.long_running() {
        s.push_str(&format!("    selector app={}\n", kdl(&w.name)));
    }
    s
}
