//! References from one item to another: secrets, configs, ports.

use crate::check::Cx;
use crate::check::report::*;
use crate::diagnostic::{Diagnostics, code, suggest};
use crate::syntax::ast::*;

impl Cx<'_> {
    pub(in crate::check) fn secret_ref(
        &self,
        name: &S<String>,
        key: Option<&S<String>>,
        diags: &mut Diagnostics,
    ) {
        match self.secrets.get(name.as_str()) {
            None => {
                let d = unknown(
                    &code::reference::SECRET,
                    "secret",
                    &name.v,
                    name.span,
                    self.secrets.keys().copied(),
                );
                // Keep a "did you mean"; otherwise say how to declare it.
                diags.push(if suggest(&name.v, self.secrets.keys().copied()).is_some() {
                    d
                } else {
                    d.with_help(format!(
                        "declare it: `secret \"{}\"` (an existing Secret), or with source=\"sealed\" or source=\"external\"",
                        name.v
                    ))
                });
            }
            Some(s) => {
                if let Some(k) = key
                    && !s.keys.is_empty()
                    && !s.keys.iter().any(|x| x.name.v == k.v)
                {
                    diags.push(
                        unknown(
                            &code::reference::KEY,
                            "key",
                            &k.v,
                            k.span,
                            s.keys.iter().map(|x| x.name.as_str()),
                        )
                        .with_label(s.name.span, format!("secret `{}` declared here", s.name.v)),
                    );
                }
            }
        }
    }

    pub(in crate::check) fn config_ref(
        &self,
        name: &S<String>,
        key: Option<&S<String>>,
        diags: &mut Diagnostics,
    ) {
        match self.configs.get(name.as_str()) {
            None => diags.push(unknown(
                &code::reference::CONFIG,
                "config",
                &name.v,
                name.span,
                self.configs.keys().copied(),
            )),
            Some(c) => {
                if let Some(k) = key
                    && !c.data.iter().any(|(x, _)| x.v == k.v)
                    && !c.files.iter().any(|f| f.key.v == k.v)
                {
                    let keys = c
                        .data
                        .iter()
                        .map(|(x, _)| x.as_str())
                        .chain(c.files.iter().map(|f| f.key.as_str()));
                    diags.push(
                        unknown(&code::reference::KEY, "key", &k.v, k.span, keys).with_label(
                            c.name.span,
                            format!("config `{}` declared here", c.name.v),
                        ),
                    );
                }
            }
        }
    }
}

pub(in crate::check) fn port_exists(w: &Workload, p: &PortRef) -> bool {
    match p {
        PortRef::Name(n) => w.ports.iter().any(|x| &x.name.v == n),
        PortRef::Number(n) => w
            .ports
            .iter()
            .any(|x| x.number.v == *n || x.service_port.as_ref().is_some_and(|s| s.v == *n)),
    }
}

pub(in crate::check) fn port_text(p: &PortRef) -> String {
    match p {
        PortRef::Name(n) => format!("`{n}`"),
        PortRef::Number(n) => n.to_string(),
    }
}

pub(in crate::check) fn port_list(w: &Workload) -> String {
    w.ports
        .iter()
        .map(|p| format!("{} ({})", p.name.v, p.number.v))
        .collect::<Vec<_>>()
        .join(", ")
}
