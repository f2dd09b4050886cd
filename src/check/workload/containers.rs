//! A workload's other containers (`init`, `sidecar`), its container's name and the
//! `pre-stop` hooks: names once in the pod, each container checked as the workload's own is,
//! mounts of volumes the workload has.

use crate::check::Cx;
use crate::check::report::*;
use crate::check::values;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::kubernetes::NATIVE_SIDECARS;
use crate::syntax::ast::*;
use std::collections::HashMap;

/// The seconds Kubernetes gives a pod to stop when the spec names none.
const DEFAULT_GRACE: i64 = 30;

impl Cx<'_> {
    pub(in crate::check) fn containers(&self, w: &Workload, diags: &mut Diagnostics) {
        self.container_names(w, diags);
        self.pre_stop(w, &w.ports, w.pre_stop.as_ref(), diags);
        for c in &w.containers {
            let what = c.role.name();
            self.image_of(what, &c.name, c.image.as_ref(), diags);
            self.env(&c.env, diags);
            self.env_from(&c.env_from, diags);
            self.resources(c.resources.as_ref(), diags);
            self.probes(&c.ports, c.probes(), diags);
            self.pre_stop(w, &c.ports, c.pre_stop.as_ref(), diags);
            mounts(w, c, diags);
        }
        self.sidecars_in_jobs(w, diags);
    }

    /// Every container's name valid and once in the pod.
    fn container_names(&self, w: &Workload, diags: &mut Diagnostics) {
        let main = w.container_name.as_ref().unwrap_or(&w.name);
        if let Some(n) = &w.container_name {
            name(diags, n, "container", values::dns_label);
        }
        let mut seen: HashMap<&str, Span> = HashMap::from([(main.as_str(), main.span)]);
        for c in &w.containers {
            name(diags, &c.name, "container", values::dns_label);
            if let Some(first) = seen.insert(c.name.as_str(), c.name.span) {
                diags.push(duplicate("container", &c.name, first));
            }
        }
    }

    /// A hook's path and port; a sleep that ends before the pod is killed.
    fn pre_stop(
        &self,
        w: &Workload,
        ports: &[Port],
        hook: Option<&PreStop>,
        diags: &mut Diagnostics,
    ) {
        let Some(hook) = hook else { return };
        match &hook.action {
            PreStopAction::Http { path, port } => {
                self.port_ref(ports, port, diags);
                absolute(path, "pre-stop path", diags);
            }
            PreStopAction::Sleep(s) => {
                let grace = w.grace_period.as_ref().map_or(DEFAULT_GRACE, |g| g.v);
                if s.v < 0 || s.v >= grace {
                    let mut d = Diagnostic::error(
                        &code::value::RANGE,
                        format!("a pre-stop sleep of {}s does not end before the pod is killed after {grace}s", s.v),
                        s.span,
                        "not between 0 and the grace period",
                    )
                    .with_help("sleep less than `grace-period` (30 seconds unless given), or raise `grace-period`");
                    if let Some(g) = &w.grace_period {
                        d = d.with_label(g.span, "grace period");
                    }
                    diags.push(d);
                }
            }
            PreStopAction::Exec(_) => {}
        }
    }

    /// A Job waits for every regular container: sidecars in one need native sidecars.
    fn sidecars_in_jobs(&self, w: &Workload, diags: &mut Diagnostics) {
        let minor =
            crate::kubernetes::target(self.spec.app.kubernetes.as_ref().map(|k| k.v.as_str()));
        if w.kind.is_long_running() || minor >= NATIVE_SIDECARS {
            return;
        }
        for c in w
            .containers
            .iter()
            .filter(|c| c.role == ContainerRole::Sidecar)
        {
            let mut d = Diagnostic::error(
                &code::version::FIELD,
                format!("a sidecar in a {} needs Kubernetes 1.{NATIVE_SIDECARS}", w.kind.name()),
                c.span,
                "the job would never finish",
            )
            .with_help(format!("before 1.{NATIVE_SIDECARS} a sidecar is an ordinary container, which keeps the Job running: target 1.{NATIVE_SIDECARS} or later, or make it an `init` container"));
            if let Some(k) = &self.spec.app.kubernetes {
                d = d.with_label(k.span, "target version");
            }
            diags.push(d);
        }
    }
}

/// Each mount of a volume the workload has, at an absolute path, once per path.
fn mounts(w: &Workload, c: &Container, diags: &mut Diagnostics) {
    let volumes: Vec<&str> = w
        .volumes
        .iter()
        .map(|v| v.name.as_str())
        .chain(w.storage.iter().map(|s| s.name.as_str()))
        .collect();
    let mut paths: HashMap<&str, Span> = HashMap::new();
    for m in &c.mounts {
        if !volumes.contains(&m.volume.as_str()) {
            diags.push(
                unknown(
                    &code::reference::VOLUME,
                    "volume",
                    &m.volume.v,
                    m.volume.span,
                    volumes.iter().copied(),
                )
                .with_help(format!(
                    "declare it on the workload: `volume \"{}\" mount=\"/path\" empty-dir=#true`",
                    m.volume.v
                )),
            );
        }
        absolute(&m.path, "mount path", diags);
        if let Some(first) = paths.insert(m.path.as_str(), m.path.span) {
            diags.push(
                Diagnostic::error(
                    &code::value::MOUNT,
                    format!("`{}` is mounted twice", m.path.v),
                    m.path.span,
                    "mounted again here",
                )
                .with_label(first, "first mounted here")
                .with_help("give each mount its own path"),
            );
        }
    }
}

fn absolute(path: &S<String>, what: &str, diags: &mut Diagnostics) {
    if !path.v.starts_with('/') {
        diags.push(
            Diagnostic::error(
                &code::value::PATH,
                format!("{what} `{}` must start with '/'", path.v),
                path.span,
                "not an absolute path",
            )
            .with_help(format!("write \"/{}\"", path.v)),
        );
    }
}
