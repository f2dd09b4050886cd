//! An `ingress`: hosts, paths, services, TLS.

use crate::check::Cx;
use crate::check::refs::{port_exists, port_list, port_text};
use crate::check::report::*;
use crate::check::values::{self};
use crate::check::waivers::WaiverTarget;
use crate::diagnostic::{Diagnostic, Diagnostics, Span, code};
use crate::syntax::ast::*;
use std::collections::HashMap;

impl Cx<'_> {
    pub(in crate::check) fn ingress(
        &self,
        i: &Ingress,
        hosts: &mut HashMap<(String, String), Span>,
        diags: &mut Diagnostics,
    ) {
        // An ingress without routes is reported by the decoder.
        let mut names: HashMap<&str, Span> = HashMap::new();
        for r in &i.routes {
            if let Some(first) = names.insert(r.name.as_str(), r.name.span) {
                diags.push(duplicate("route", &r.name, first));
            }
            host(r, diags);
            let path = path(r, diags);
            if let Some(first) = hosts.insert((r.host.v.clone(), path.clone()), r.host.span) {
                diags.push(
                    Diagnostic::error(
                        &code::ingress::DUPLICATE_ROUTE,
                        format!("{}{path} is routed twice", r.host.v),
                        r.host.span,
                        "routed again here",
                    )
                    .with_label(first, "first routed here")
                    .with_help("one host and path may go to one service"),
                );
            }
            self.route_service(r, diags);
        }
        if let Some(c) = &i.class {
            name(diags, c, "ingress class", values::dns_subdomain);
        }
        labels(diags, &i.annotations, false);
        metadata_annotations(diags, &i.annotations);
        self.waivers(&i.waivers, WaiverTarget::Ingress, diags);
        self.tls(i, diags);
    }

    /// The route goes to a workload with a Service, and to a port it has.
    fn route_service(&self, r: &Route, diags: &mut Diagnostics) {
        match self.workloads.get(r.service.as_str()) {
            None => diags.push(unknown(
                &code::reference::SERVICE,
                "service",
                &r.service.v,
                r.service.span,
                self.workloads
                    .iter()
                    .filter(|(_, w)| !w.ports.is_empty())
                    .map(|(n, _)| *n),
            )),
            Some(w)
                if w.ports.is_empty()
                    || (w.kind == WorkloadKind::Worker && w.expose.is_none())
                    || w.kind == WorkloadKind::CronJob =>
            {
                diags.push(Diagnostic::error(&code::reference::SERVICE, format!("`{}` has no Service to route to", w.name.v), r.service.span, "not exposed").with_label(w.name.span, format!("{} declared here", w.kind.name())).with_help("route to a `service` with ports, or give this workload `expose \"ClusterIP\"`"));
            }
            Some(w) => {
                if let Some(p) = &r.port {
                    if !port_exists(w, &p.v) {
                        diags.push(
                            Diagnostic::error(
                                &code::reference::PORT,
                                format!("`{}` has no port {}", w.name.v, port_text(&p.v)),
                                p.span,
                                "unknown port",
                            )
                            .with_label(w.name.span, "declared here")
                            .with_help(format!("its ports are: {}", port_list(w))),
                        );
                    }
                } else if w.ports.len() > 1 {
                    diags.push(
                        Diagnostic::error(
                            &code::reference::PORT,
                            format!("`{}` has several ports; the route must say which", w.name.v),
                            r.service.span,
                            "which port?",
                        )
                        .with_help(format!(
                            "add port=\"{}\" (ports: {})",
                            w.ports[0].name.v,
                            port_list(w)
                        )),
                    );
                }
            }
        }
    }

    /// A certificate from an issuer or a secret (whether TLS is required is the policy's).
    fn tls(&self, i: &Ingress, diags: &mut Diagnostics) {
        if let Some(t) = &i.tls
            && t.issuer.is_none()
            && t.secret.is_none()
        {
            diags.push(Diagnostic::error(&code::ingress::TLS, "`tls` needs an issuer or a secret", t.span, "where does the certificate come from?").with_help("write `tls issuer=\"letsencrypt-prod\"` (cert-manager) or `tls secret=\"my-cert\"`"));
        }
    }
}

/// A host name, not an IP address.
fn host(r: &Route, diags: &mut Diagnostics) {
    if r.host.v.parse::<std::net::IpAddr>().is_ok() {
        diags.push(
            Diagnostic::error(
                &code::name::HOST,
                format!("`{}` is an IP address, not a host name", r.host.v),
                r.host.span,
                "IP address",
            )
            .with_help("an Ingress routes by host name (Kubernetes refuses IP addresses): use a DNS name, or leave the route to every host by removing host="),
        );
    } else if let Err(why) = values::dns_subdomain(r.host.v.strip_prefix("*.").unwrap_or(&r.host.v))
    {
        diags.push(
            Diagnostic::error(
                &code::name::HOST,
                format!("`{}` is not a valid host name", r.host.v),
                r.host.span,
                why,
            )
            .with_help("hosts are lower-case DNS names like app.example.com"),
        );
    }
}

/// The route's path (default `/`), reported when Kubernetes would refuse it.
fn path(r: &Route, diags: &mut Diagnostics) -> String {
    let path = r
        .path
        .as_ref()
        .map(|p| p.v.clone())
        .unwrap_or_else(|| "/".into());
    if !path.starts_with('/') {
        diags.push(
            Diagnostic::error(
                &code::value::PATH,
                format!("route path `{path}` must start with '/'"),
                r.path.as_ref().map(|p| p.span).unwrap_or(r.span),
                "not absolute",
            )
            .with_help(format!("write path=\"/{path}\"")),
        );
    } else if r
        .path_type
        .as_ref()
        .is_none_or(|t| t.v != PathType::ImplementationSpecific)
        && let Some(bad) = ingress_path_problem(&path)
    {
        diags.push(
            Diagnostic::error(
                &code::value::PATH,
                format!("route path `{path}` {bad}"),
                r.path.as_ref().map(|p| p.span).unwrap_or(r.span),
                "Kubernetes refuses this path",
            )
            .with_help("Prefix and Exact paths may not hold `//`, `/./`, `/../` or an encoded `/` (`%2F`), nor end in `/.` or `/..`"),
        );
    }
    path
}

/// What Kubernetes finds wrong with an Ingress path of type Prefix or Exact.
pub(in crate::check) fn ingress_path_problem(path: &str) -> Option<String> {
    for seq in ["//", "/./", "/../", "%2f", "%2F"] {
        if path.contains(seq) {
            return Some(format!("holds `{seq}`"));
        }
    }
    for end in ["/..", "/."] {
        if path.ends_with(end) {
            return Some(format!("ends with `{end}`"));
        }
    }
    None
}
