//! Rules on what reaches the app and what it reaches: Services, Ingresses, NetworkPolicies.

use super::classes::*;
use super::{Env, Finding};
use serde_json::Value;

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn exposed(service: &Value) -> Option<&str> {
    service["spec"]["type"]
        .as_str()
        .filter(|t| matches!(*t, "LoadBalancer" | "NodePort"))
}

fn hosts(ingress: &Value) -> Vec<&str> {
    list(&ingress["spec"]["rules"])
        .iter()
        .map(|r| r["host"].as_str().unwrap_or("*"))
        .collect()
}

pub(super) fn exposure(
    env: &Env,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<Finding>,
) {
    let Some(new) = new else { return };
    match new["kind"].as_str() {
        Some("Service") => {
            let before = old.and_then(exposed);
            if let Some(t) = exposed(new)
                && before.is_none()
            {
                let from = old.map_or("added", |o| {
                    o["spec"]["type"].as_str().unwrap_or("ClusterIP")
                });
                out.push(env.finding(&EXPOSURE_ADDED, new, "spec.type", format!("{from} -> {t}")));
            }
            let ranges = |v: &Value| !list(&v["spec"]["loadBalancerSourceRanges"]).is_empty();
            if let Some(old) = old
                && before == Some("LoadBalancer")
                && ranges(old)
                && !ranges(new)
            {
                let path = "spec.loadBalancerSourceRanges";
                out.push(env.finding(&EXPOSURE_ADDED, new, path, "removed".into()));
            }
        }
        Some("Ingress") => {
            let before = old.map(hosts).unwrap_or_default();
            for h in hosts(new).into_iter().filter(|h| !before.contains(h)) {
                let path = format!("spec.rules[host={h}]");
                out.push(env.finding(&EXPOSURE_ADDED, new, &path, format!("serves {h}")));
            }
        }
        _ => {}
    }
}

/// The peers of each rule of a direction (`egress`/`to`, `ingress`/`from`); `None` for a rule
/// without peers (it admits everything).
fn peers<'v>(policy: &'v Value, direction: &str, side: &str) -> Vec<Option<&'v [Value]>> {
    list(&policy["spec"][direction])
        .iter()
        .map(|r| r.get(side).map(list).filter(|p| !p.is_empty()))
        .collect()
}

/// Every peer any rule of the policy admits (`None`: a rule admits everything).
fn admitted<'v>(policy: &'v Value, direction: &str, side: &str) -> Option<Vec<&'v Value>> {
    let mut all = Vec::new();
    for p in peers(policy, direction, side) {
        all.extend(p?);
    }
    Some(all)
}

/// A CIDR block as (IPv6?, address bits from the top of a u128, prefix length).
fn cidr(text: &str) -> Option<(bool, u128, u32)> {
    let (addr, len) = text.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => {
            (len <= 32).then(|| (false, u128::from(u32::from(a)) << 96, len))
        }
        std::net::IpAddr::V6(a) => (len <= 128).then(|| (true, u128::from(a), len)),
    }
}

/// Whether block `outer` holds every address of block `inner`.
fn contains(outer: &str, inner: &str) -> bool {
    let (Some((f1, a1, l1)), Some((f2, a2, l2))) = (cidr(outer), cidr(inner)) else {
        return false;
    };
    let mask = if l1 == 0 { 0 } else { u128::MAX << (128 - l1) };
    f1 == f2 && l1 <= l2 && a1 & mask == a2 & mask
}

/// Whether `before` already admitted `peer`: the same peer, or an address block holding it.
fn covered(peer: &Value, before: &[&Value]) -> bool {
    let block = |p: &Value| p["ipBlock"]["cidr"].as_str().map(str::to_string);
    before.iter().any(|b| {
        *b == peer
            || match (block(b), block(peer)) {
                (Some(outer), Some(inner)) => {
                    b["ipBlock"].get("except").is_none() && contains(&outer, &inner)
                }
                _ => false,
            }
    })
}

/// Peers of `new` that `old` did not admit, or a rule admitting everything that was not there.
fn widened(old: &Value, new: &Value, direction: &str, side: &str) -> Vec<String> {
    let Some(before) = admitted(old, direction, side) else {
        return Vec::new();
    };
    match admitted(new, direction, side) {
        None => vec![format!("a rule without `{side}`: every peer")],
        Some(now) => now
            .into_iter()
            .filter(|p| !covered(p, &before))
            .map(|p| serde_json::to_string(p).expect("JSON values serialize"))
            .collect(),
    }
}

pub(super) fn egress(env: &Env, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    if new["kind"] != "NetworkPolicy" {
        return;
    }
    for peer in widened(old, new, "egress", "to") {
        let interesting = peer.contains("0.0.0.0/0")
            || peer.contains("::/0")
            || peer.contains("namespaceSelector")
            || peer.starts_with("a rule");
        if interesting {
            out.push(env.finding(&EGRESS_WIDENED, new, "spec.egress", peer));
        }
    }
}

fn types(policy: &Value) -> Vec<&str> {
    list(&policy["spec"]["policyTypes"])
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

pub(super) fn policies(
    env: &Env,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<Finding>,
) {
    let Some(old) = old.filter(|o| o["kind"] == "NetworkPolicy") else {
        return;
    };
    let Some(new) = new else {
        out.push(env.finding(&NETWORK_POLICY_LOOSENED, old, "", "removed".into()));
        return;
    };
    let now = types(new);
    for t in types(old).into_iter().filter(|t| !now.contains(t)) {
        let detail = format!("{t} no longer restricted");
        out.push(env.finding(&NETWORK_POLICY_LOOSENED, new, "spec.policyTypes", detail));
    }
    for peer in widened(old, new, "ingress", "from") {
        out.push(env.finding(&NETWORK_POLICY_LOOSENED, new, "spec.ingress", peer));
    }
}
