//! How many pods run: `replicas`, `autoscale`, `vertical-autoscale`, `disruption`, and the
//! rolling update's pace.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// A replica count Kubernetes takes.
    pub(in crate::check) fn replicas(&self, w: &Workload, diags: &mut Diagnostics) {
        if let Some(r) = &w.replicas
            && (r.v < 0 || r.v > 10_000)
        {
            diags.push(
                Diagnostic::error(
                    &code::value::RANGE,
                    format!("{} replicas is out of range", r.v),
                    r.span,
                    "not 0-10000",
                )
                .with_help("write a number of replicas from 0 to 10000"),
            );
        }
        unused_replicas(w, diags);
        unclustered(w, diags);
    }

    /// Bounds, targets, and the requests utilisation is measured against.
    pub(in crate::check) fn autoscale(&self, w: &Workload, diags: &mut Diagnostics) {
        if let Some(a) = &w.autoscale {
            let min = a.min.as_ref().map(|m| m.v).unwrap_or(1);
            if min < 1 {
                diags.push(
                    Diagnostic::error(
                        &code::value::AUTOSCALE,
                        "autoscale min must be at least 1",
                        a.min.as_ref().map(|m| m.span).unwrap_or(a.span),
                        "below 1",
                    )
                    .with_help("write min=1 or more"),
                );
            }
            if a.max.v < min {
                let mut d = Diagnostic::error(
                    &code::value::AUTOSCALE,
                    format!("autoscale max {} is below min {min}", a.max.v),
                    a.max.span,
                    "max",
                );
                if let Some(m) = &a.min {
                    d = d.with_label(m.span, "min");
                }
                diags.push(d.with_help("max must be at least min"));
            }
            for t in [&a.cpu, &a.memory].into_iter().flatten() {
                if !(1..=100).contains(&t.v) {
                    diags.push(
                        Diagnostic::error(
                            &code::value::AUTOSCALE,
                            format!("target {}% is not a utilisation", t.v),
                            t.span,
                            "not 1-100",
                        )
                        .with_help("targets are percentages from 1 to 100"),
                    );
                }
            }
            if a.cpu.is_none() && a.memory.is_none() && a.queues.is_empty() {
                diags.push(
                    Diagnostic::error(
                        &code::value::AUTOSCALE,
                        "autoscale has no target",
                        a.span,
                        "no cpu= or memory=",
                    )
                    .with_help("write `autoscale min=2 max=10 cpu=70`"),
                );
            }
            requests_for_targets(w, a, diags);
        }
    }

    /// Counts and percentages of disruption budgets and rolling updates.
    pub(in crate::check) fn scaling_limits(&self, w: &Workload, diags: &mut Diagnostics) {
        for d in [
            &w.disruption.as_ref().and_then(|d| d.min_available.clone()),
            &w.disruption
                .as_ref()
                .and_then(|d| d.max_unavailable.clone()),
            &w.rollout.as_ref().and_then(|r| r.max_surge.clone()),
            &w.rollout.as_ref().and_then(|r| r.max_unavailable.clone()),
        ]
        .into_iter()
        .flatten()
        {
            int_or_percent(d, diags);
        }
        if let Some(d) = &w.disruption
            && d.min_available.is_some() == d.max_unavailable.is_some()
        {
            diags.push(
                Diagnostic::error(
                    &code::value::DISRUPTION,
                    "`disruption` takes one of min-available and max-unavailable",
                    d.span,
                    "give exactly one",
                )
                .with_help(
                    "write `disruption max-unavailable=1` or `disruption min-available=\"50%\"`",
                ),
            );
        }
    }

    /// Queue triggers (KEDA), scalers a prefix cannot rename, and a VerticalPodAutoscaler that
    /// fights the HorizontalPodAutoscaler.
    pub(in crate::check) fn scaling_extras(&self, w: &Workload, diags: &mut Diagnostics) {
        for q in w.autoscale.iter().flat_map(|a| &a.queues) {
            self.queue(w, q, diags);
        }
        vertical_conflict(w, diags);
    }

    /// A `redis-list`: a length to aim for, an address, one password for all lists.
    fn queue(&self, w: &Workload, q: &RedisList, diags: &mut Diagnostics) {
        if q.target.v < 1 {
            diags.push(
                Diagnostic::error(
                    &code::value::REDIS_LIST,
                    format!("list length target {} is below 1", q.target.v),
                    q.target.span,
                    "not a length to aim for",
                )
                .with_help("write the number of waiting jobs per replica, e.g. target=20"),
            );
        }
        let port_ok = q
            .address
            .v
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|n| n > 0));
        if !port_ok {
            diags.push(
                Diagnostic::error(
                    &code::value::REDIS_LIST,
                    format!("`{}` is not a Redis address", q.address.v),
                    q.address.span,
                    "expected HOST:PORT",
                )
                .with_help("write `address=\"redis.my-namespace.svc:6379\"`"),
            );
        }
        match (&q.password_secret, &q.password_key) {
            (Some(s), k) => {
                self.secret_ref(s, k.as_ref(), diags);
                if k.is_none() {
                    diags.push(
                        Diagnostic::error(
                            &code::value::REDIS_LIST,
                            "password-secret= without password-key=",
                            s.span,
                            "which key of the secret?",
                        )
                        .with_help("add `password-key=\"KEY\"`, the key holding the password"),
                    );
                }
                let first = w
                    .autoscale
                    .iter()
                    .flat_map(|a| &a.queues)
                    .find_map(|x| x.password_secret.as_ref());
                if let Some(f) = first
                    && f.v != s.v
                {
                    diags.push(
                        Diagnostic::error(
                            &code::value::REDIS_LIST,
                            "the lists of one workload share one password",
                            s.span,
                            "another secret",
                        )
                        .with_label(f.span, "the first list's")
                        .with_help(
                            "give every `redis-list` the same password-secret= and password-key=",
                        ),
                    );
                }
            }
            (None, Some(k)) => diags.push(
                Diagnostic::error(
                    &code::value::REDIS_LIST,
                    "password-key= without password-secret=",
                    k.span,
                    "a key of which secret?",
                )
                .with_help("add `password-secret=\"NAME\"`, the secret holding the password"),
            ),
            (None, None) => {}
        }
    }
}

/// A VerticalPodAutoscaler that changes requests the HorizontalPodAutoscaler's targets are a
/// share of.
fn vertical_conflict(w: &Workload, diags: &mut Diagnostics) {
    if let Some(v) = &w.vertical_autoscale {
        let mode = v.mode.as_ref().map_or(VpaMode::Off, |m| m.v);
        if mode != VpaMode::Off
            && let Some(a) = &w.autoscale
            && let Some(t) = a.cpu.as_ref().or(a.memory.as_ref())
        {
            diags.push(
                Diagnostic::error(
                    &code::autoscale::VERTICAL_CONFLICT,
                    format!(
                        "`{}` is scaled on cpu or memory both horizontally and vertically",
                        w.name.v
                    ),
                    v.mode.as_ref().map(|m| m.span).unwrap_or(v.span),
                    format!("mode {mode} changes the requests"),
                )
                .with_label(t.span, "the HPA's target is a share of those requests")
                .with_help(
                    "keep `vertical-autoscale mode=\"Off\"` (recommendations only), or scale horizontally on a queue instead of cpu/memory",
                ),
            );
        }
    }
}

/// Utilisation is measured against the request: a target needs one.
fn requests_for_targets(w: &Workload, a: &Autoscale, diags: &mut Diagnostics) {
    let has_requests = w.resources.as_ref().and_then(|r| r.requests.as_ref());
    let needs = [
        (
            &a.cpu,
            has_requests.and_then(|r| r.cpu.as_ref()).is_some(),
            "cpu",
        ),
        (
            &a.memory,
            has_requests.and_then(|r| r.memory.as_ref()).is_some(),
            "memory",
        ),
    ];
    for (target, request, what) in needs {
        if let Some(t) = target
            && !request
        {
            let mut d = Diagnostic::error(
                &code::value::AUTOSCALE,
                format!("autoscaling on {what} needs a {what} request"),
                t.span,
                format!("scales on {what}"),
            );
            if let Some(span) = has_requests
                .map(|r| r.span)
                .or(w.resources.as_ref().map(|r| r.span))
            {
                d = d.with_label(span, format!("no {what} request here"));
            }
            diags.push(
                d
                .with_help(format!("utilisation is measured against the request: add `resources {{ requests {what}=... }}`")),
            );
        }
    }
}

/// `replicas` beside `autoscale`: the autoscaler owns the count.
fn unused_replicas(w: &Workload, diags: &mut Diagnostics) {
    let (Some(r), Some(a)) = (&w.replicas, &w.autoscale) else {
        return;
    };
    let min = a.min.as_ref().map_or(1, |m| m.v);
    diags.push(
        Diagnostic::warning(
            &code::autoscale::REPLICAS,
            format!("`replicas {}` is not used: `autoscale` sets the count", r.v),
            r.span,
            "not used",
        )
        .with_label(a.span, format!("runs {min} to {} replicas", a.max.v))
        .with_help(format!(
            "remove `replicas`; the floor is `autoscale min=` (now {min})"
        )),
    );
}

/// A stateful workload with several replicas whose software does not replicate: each pod has
/// a volume of its own.
fn unclustered(w: &Workload, diags: &mut Diagnostics) {
    if let Some(c) = &w.clustered
        && w.kind != WorkloadKind::Stateful
    {
        diags.push(
            Diagnostic::warning(
                &code::workload::REPLICAS,
                "`clustered=` is for stateful workloads",
                c.span,
                "not used here",
            )
            .with_help("remove `clustered=`: only a `stateful` keeps a volume per replica"),
        );
    }
    let Some(r) = w.replicas.as_ref().filter(|r| r.v > 1) else {
        return;
    };
    if w.kind != WorkloadKind::Stateful || w.clustered.as_ref().is_some_and(|c| c.v) {
        return;
    }
    diags.push(
        Diagnostic::warning(
            &code::workload::REPLICAS,
            format!(
                "`{}` runs {} replicas, each with its own volume",
                w.name.v, r.v
            ),
            r.span,
            "independent copies unless the software replicates",
        )
        .with_help(
            "when the pods replicate their data among themselves, say so: \
             `replicas N clustered=#true`; for a single primary, `replicas 1` with \
             `waive \"replicas\" reason=\"...\"`",
        ),
    );
}
