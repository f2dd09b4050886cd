//! A controller (and its Service) as the text of a `service`, `worker`, `stateful` or
//! `cronjob` node: its image, its container's name, selector, ports, replicas, schedule,
//! command, args, plain environment variables and resources. What the node does not say is the
//! patch's (`native`).

use super::controller::Controller;
use super::write::scalar;
use crate::emit::kustomize::split_image;
use serde_json::Value;
use std::fmt::Write;

/// The node for the controller `d` (a `c`) of the app `app`, with the Service `s` in front of
/// it; `plain` leaves the container's command, args, environment and resources to the patch.
pub(super) fn text(
    c: Controller,
    app: &str,
    d: &Value,
    s: Option<&Value>,
    plain: bool,
) -> Result<String, String> {
    let name = d["metadata"]["name"].as_str().unwrap_or_default();
    let containers = d
        .pointer(&format!("{}/spec/containers", c.pod()))
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or("it has no containers")?;
    let main = containers
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or(&containers[0]);
    let mut out = format!("{} {} {{\n", c.node(s.is_some()), quoted(name));
    let own = main["name"].as_str().ok_or("its container has no name")?;
    if own != name {
        let _ = writeln!(out, "    container-name {}", quoted(own));
    }
    image(&mut out, main)?;
    if c.long_running() {
        selector(&mut out, name, app, d)?;
        let ports = match s {
            Some(s) => service_ports(main, s)?,
            None => container_ports(main),
        };
        for p in ports {
            out.push_str(&p);
        }
        if let Some(r) = d.pointer("/spec/replicas").and_then(Value::as_i64) {
            let _ = writeln!(out, "    replicas {r}");
        }
    } else {
        schedule(&mut out, d)?;
    }
    let c = main;
    if !plain {
        for field in ["command", "args"] {
            if let Some(words) = strings(&c[field]) {
                let _ = writeln!(out, "    {field} {}", words.join(" "));
            }
        }
        env(&mut out, &c["env"]);
        resources(&mut out, &c["resources"]);
    }
    out.push_str("}\n");
    Ok(out)
}

fn quoted(s: &str) -> String {
    scalar(&Value::String(s.into()))
}

/// `selector LABEL=VALUE...` when the Deployment selects its pods otherwise than stowage would:
/// a Deployment's selector cannot change.
fn selector(out: &mut String, name: &str, app: &str, d: &Value) -> Result<(), String> {
    let s = d.pointer("/spec/selector").ok_or("it has no selector")?;
    let labels = s
        .get("matchLabels")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty() && s.as_object().is_some_and(|s| s.len() == 1))
        .ok_or("its selector is not labels alone")?;
    let ours = labels.len() == 2
        && labels.get("app.kubernetes.io/name").and_then(Value::as_str) == Some(name)
        && labels
            .get("app.kubernetes.io/instance")
            .and_then(Value::as_str)
            == Some(app);
    if !ours {
        out.push_str("    selector");
        for (k, v) in labels {
            let v = v
                .as_str()
                .ok_or("its selector has a label that is not a string")?;
            let _ = write!(out, " {}={}", super::write::name(k), quoted(v));
        }
        out.push('\n');
    }
    Ok(())
}

/// A CronJob's `schedule`, `timezone` and `concurrency`.
fn schedule(out: &mut String, d: &Value) -> Result<(), String> {
    let schedule = d
        .pointer("/spec/schedule")
        .and_then(Value::as_str)
        .ok_or("it has no schedule")?;
    let _ = writeln!(out, "    schedule {}", quoted(schedule));
    if let Some(tz) = d.pointer("/spec/timeZone").and_then(Value::as_str) {
        let _ = writeln!(out, "    timezone {}", quoted(tz));
    }
    if let Some(c) = d.pointer("/spec/concurrencyPolicy").and_then(Value::as_str) {
        let _ = writeln!(out, "    concurrency {}", quoted(c));
    }
    Ok(())
}

/// `image "REPO" tag= digest= pull=`.
fn image(out: &mut String, c: &Value) -> Result<(), String> {
    let image = c["image"].as_str().ok_or("its container has no image")?;
    let (repo, tag, digest) = split_image(image);
    let _ = write!(out, "    image {}", quoted(&repo));
    match (digest, tag) {
        (Some(d), _) => {
            let _ = write!(out, " digest={}", quoted(&d));
        }
        (None, Some(t)) => {
            let _ = write!(out, " tag={}", quoted(&t));
        }
        (None, None) => {}
    }
    if let Some(pull) = c["imagePullPolicy"].as_str() {
        let _ = write!(out, " pull={}", quoted(pull));
    }
    out.push('\n');
    Ok(())
}

/// A `port` for each of the Service's ports, naming the container's port it reaches.
fn service_ports(c: &Value, s: &Value) -> Result<Vec<String>, String> {
    let ports = s
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .filter(|p| !p.is_empty())
        .ok_or("its Service has no ports")?;
    let declared = c["ports"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for sp in ports {
        let number = sp["port"].as_i64().ok_or("a Service port has no number")?;
        let target = sp.get("targetPort").unwrap_or(&sp["port"]);
        let cp = declared.iter().find(|cp| match target {
            Value::String(t) => cp["name"] == *t,
            t => cp["containerPort"] == *t,
        });
        let container = match (cp, target) {
            (Some(cp), _) => cp["containerPort"].as_i64(),
            (None, t) => t.as_i64(),
        }
        .ok_or("a Service port reaches a port its container does not declare")?;
        let name = cp
            .and_then(|cp| cp["name"].as_str())
            .or(sp["name"].as_str())
            .map_or_else(|| format!("port-{container}"), str::to_string);
        let mut line = format!("    port {} {container}", quoted(&name));
        protocol(&mut line, sp);
        if number != container {
            let _ = write!(line, " service-port={number}");
        }
        line.push('\n');
        out.push(line);
    }
    Ok(out)
}

/// A `port` for each port the container declares.
fn container_ports(c: &Value) -> Vec<String> {
    let ports = c["ports"].as_array().cloned().unwrap_or_default();
    ports
        .iter()
        .filter_map(|cp| {
            let n = cp["containerPort"].as_i64()?;
            let name = cp["name"]
                .as_str()
                .map_or_else(|| format!("port-{n}"), str::to_string);
            let mut line = format!("    port {} {n}", quoted(&name));
            protocol(&mut line, cp);
            line.push('\n');
            Some(line)
        })
        .collect()
}

fn protocol(line: &mut String, p: &Value) {
    if let Some(proto) = p["protocol"].as_str().filter(|p| *p != "TCP") {
        let _ = write!(line, " protocol={}", quoted(proto));
    }
}

/// `resources { requests cpu= memory=; limits ... }` when they say only what the node can.
fn resources(out: &mut String, r: &Value) {
    let Some(r) = r.as_object().filter(|r| !r.is_empty()) else {
        return;
    };
    let mut lines = Vec::new();
    for (part, amounts) in r {
        let Some(amounts) = amounts.as_object().filter(|a| !a.is_empty()) else {
            return;
        };
        let mut line = format!("        {part}");
        for (k, v) in amounts {
            let known = matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage");
            match (
                known && matches!(part.as_str(), "requests" | "limits"),
                v.as_str(),
            ) {
                (true, Some(v)) => {
                    let _ = write!(line, " {k}={}", quoted(v));
                }
                _ => return,
            }
        }
        lines.push(line);
    }
    out.push_str("    resources {\n");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    out.push_str("    }\n");
}

/// A list of strings as KDL arguments.
fn strings(v: &Value) -> Option<Vec<String>> {
    let items = v.as_array().filter(|i| !i.is_empty())?;
    items.iter().map(|i| i.as_str().map(quoted)).collect()
}

/// `env { NAME "value" }` when every variable is a plain value or a field of the pod.
fn env(out: &mut String, env: &Value) {
    let Some(vars) = env.as_array().filter(|v| !v.is_empty()) else {
        return;
    };
    let lines: Option<Vec<String>> = vars.iter().map(variable).collect();
    if let Some(lines) = lines {
        out.push_str("    env {\n");
        for l in lines {
            let _ = writeln!(out, "        {l}");
        }
        out.push_str("    }\n");
    }
}

fn variable(v: &Value) -> Option<String> {
    let name = super::write::name(v["name"].as_str()?);
    let field = v
        .pointer("/valueFrom/fieldRef/fieldPath")
        .and_then(Value::as_str);
    match (v.get("value").and_then(Value::as_str), field) {
        (Some(value), None) => Some(format!("{name} {}", quoted(value))),
        (None, Some(f)) if v["valueFrom"].as_object()?.len() == 1 => {
            Some(format!("{name} field={}", quoted(f)))
        }
        _ => None,
    }
}
