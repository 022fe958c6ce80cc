//! Published ports added, removed, widened (from `127.0.0.1` to every interface) or otherwise
//! changed, per service (matched by name or rename) and host port.

use crate::identity::Identity;
use crate::{Location, Side};
use serde::Serialize;
use std::net::IpAddr;
use topoc_model::PublishedPort;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortChangeKind {
    Added,
    Removed,
    /// Bound to more interfaces than before (a loopback address, or one address, to all).
    Widened,
    /// Bound to fewer interfaces than before.
    Narrowed,
    /// Same host port, another container port or mode.
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortChange {
    pub kind: PortChangeKind,
    pub service: String,
    /// `HOST_IP:PUBLISHED->TARGET/PROTOCOL` as before and as now.
    pub old: Option<String>,
    pub new: Option<String>,
    /// The spec line of the port on the side where it exists (the new one when both).
    pub at: Option<Location>,
}

/// The address a port is really bound to: a Swarm stack ignores `host_ip` and binds every
/// address (§3.4), so there `127.0.0.1:8080:80` already was every interface.
fn bound(side: &Side<'_>, p: &PublishedPort) -> Option<IpAddr> {
    if side.analysis.engine.honours_host_ip() { p.host_ip } else { None }
}

fn show(side: &Side<'_>, p: &PublishedPort) -> String {
    let ip = bound(side, p).map_or_else(|| "0.0.0.0".to_owned(), |ip| ip.to_string());
    let mode = if p.mode == topoc_model::PortMode::Host { " (mode: host)" } else { "" };
    // No host port: the engine picks one when the container starts.
    let published = p.published.map_or_else(String::new, |port| port.to_string());
    format!("{ip}:{published}->{}/{}{mode}", p.target, p.protocol.as_str())
}

/// How many interfaces an address binds: loopback 0, one address 1, all 2.
fn breadth(ip: Option<IpAddr>) -> u8 {
    match ip {
        None => 2,
        Some(ip) if ip.is_unspecified() => 2,
        Some(ip) if ip.is_loopback() => 0,
        Some(_) => 1,
    }
}

pub(crate) fn compare(old: &Side<'_>, new: &Side<'_>, identity: &Identity) -> Vec<PortChange> {
    let mut out = Vec::new();
    let locate = |side: &Side<'_>, p: &PublishedPort| {
        side.locate(p.span)
            .map(|at| Location { at, label: format!("port {}", topoc_reach::graph::host_port_text(p.published)) })
    };
    for n in &new.topology.services {
        let before: &[PublishedPort] =
            identity.new_to_old[n.id.index()].map_or(&[], |o| old.topology.service(o).ports.as_slice());
        let key = |p: &PublishedPort| (p.published, p.protocol.as_str());
        for p in &n.ports {
            // The same host port and protocol; several bindings of one port pair by address.
            let same: Vec<&PublishedPort> = before.iter().filter(|q| key(q) == key(p)).collect();
            let matched = same.iter().find(|q| bound(old, q) == bound(new, p)).or_else(|| same.first()).copied();
            let kind = match matched {
                None => Some(PortChangeKind::Added),
                Some(q) if breadth(bound(new, p)) > breadth(bound(old, q)) => Some(PortChangeKind::Widened),
                Some(q) if breadth(bound(new, p)) < breadth(bound(old, q)) => Some(PortChangeKind::Narrowed),
                Some(q) if show(old, q) != show(new, p) => Some(PortChangeKind::Changed),
                Some(_) => None,
            };
            if let Some(kind) = kind {
                out.push(PortChange {
                    kind,
                    service: n.name.clone(),
                    old: matched.map(|q| show(old, q)),
                    new: Some(show(new, p)),
                    at: locate(new, p),
                });
            }
        }
        for q in before {
            if !n.ports.iter().any(|p| key(p) == key(q)) {
                out.push(PortChange {
                    kind: PortChangeKind::Removed,
                    service: n.name.clone(),
                    old: Some(show(old, q)),
                    new: None,
                    at: locate(old, q),
                });
            }
        }
    }
    for o in &old.topology.services {
        if identity.old_to_new[o.id.index()].is_none() {
            for q in &o.ports {
                out.push(PortChange {
                    kind: PortChangeKind::Removed,
                    service: o.name.clone(),
                    old: Some(show(old, q)),
                    new: None,
                    at: locate(old, q),
                });
            }
        }
    }
    out
}
