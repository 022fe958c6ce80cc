//! Published ports: which host addresses and ports the topology opens.

use std::collections::BTreeMap;
use std::net::IpAddr;
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{NetworkMode, Protocol, PublishedPort, Service, Topology};

/// Whether the policy lets `external` reach this published port of this service by an explicit
/// allow rule: then it is meant to be public.
pub(crate) type Public<'a> = &'a dyn Fn(&Service, &PublishedPort) -> bool;

pub(super) fn check(
    topo: &Topology,
    engine: &crate::EngineProfile,
    on: &dyn Fn(Code) -> bool,
    public: Public<'_>,
    out: &mut Diagnostics,
) {
    let publishing = || topo.services.iter().filter(|s| !matches!(s.network_mode, NetworkMode::Host));
    let (all_interfaces, privileged) = (on(Code::PortAllInterfaces), on(Code::PrivilegedPort));
    for s in publishing() {
        for p in &s.ports {
            if all_interfaces && !public(s, p) {
                port_all_interfaces(s, p, engine, out);
            }
            if privileged {
                privileged_port(s, p, out);
            }
        }
    }
    if on(Code::DuplicatePublishedPort) {
        // A port Docker does not publish (a service on internal or LAN networks only) takes
        // no host port, so it cannot collide.
        duplicate_published_port(publishing().filter(|s| crate::graph::service_publishes(topo, s, engine)), out);
    }
}

fn wildcard(ip: Option<IpAddr>) -> bool {
    ip.is_none_or(|ip| ip.is_unspecified())
}

/// The rule of [`Code::PortAllInterfaces`], documented at the code.
fn port_all_interfaces(s: &Service, p: &PublishedPort, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    if !engine.honours_host_ip() {
        out.push(
            Diagnostic::new(Code::PortAllInterfaces, format!("`{}` publishes port {} on every address of every node", s.name, p.host_port()))
                .primary(p.span, "Swarm does not apply a host address")
                .note("Docker's own firewall rules open the port before the host's firewall (ufw, firewalld) sees the traffic")
                .help("publish only what must be public; reach internal services through a proxy, or firewall the port in DOCKER-USER"),
        );
    } else if wildcard(p.host_ip) {
        out.push(
            Diagnostic::new(Code::PortAllInterfaces, format!("`{}` publishes port {} on every host interface", s.name, p.host_port()))
                .primary(p.span, if p.host_ip.is_some() { "a wildcard host address" } else { "no host address" })
                .note("Docker's own firewall rules open the port before the host's firewall (ufw, firewalld) sees the traffic")
                .help("bind an address: `127.0.0.1:8080:80`, `host_ip:` in the long form, or `defaults.host_ip` for every port"),
        );
    }
}

/// The rule of [`Code::PrivilegedPort`], documented at the code.
fn privileged_port(s: &Service, p: &PublishedPort, out: &mut Diagnostics) {
    if let Some(published) = p.published.filter(|p| *p < 1024) {
        out.push(
            Diagnostic::new(Code::PrivilegedPort, format!("`{}` publishes privileged port {published}", s.name))
                .primary(p.span, "below 1024")
                .help("publish a port of 1024 or above, or keep it if it is the service's public port and drop NET_BIND_SERVICE in the container"),
        );
    }
}

/// The rule of [`Code::DuplicatePublishedPort`], documented at the code.
fn duplicate_published_port<'t>(services: impl Iterator<Item = &'t Service>, out: &mut Diagnostics) {
    let mut by_port: BTreeMap<(u16, bool), Vec<(&Service, &PublishedPort)>> = BTreeMap::new();
    for s in services {
        for p in &s.ports {
            if let Some(published) = p.published {
                by_port.entry((published, p.protocol == Protocol::Udp)).or_default().push((s, p));
            }
        }
    }
    for ((port, udp), list) in by_port {
        for (i, (s, p)) in list.iter().enumerate() {
            let Some((first, fp)) =
                list[..i].iter().find(|(_, q)| wildcard(p.host_ip) || wildcard(q.host_ip) || p.host_ip == q.host_ip)
            else {
                continue;
            };
            let proto = if udp { "udp" } else { "tcp" };
            out.push(
                Diagnostic::new(
                    Code::DuplicatePublishedPort,
                    format!("host port {port}/{proto} is published by `{}` and by `{}`", first.name, s.name),
                )
                .primary(p.span, "published again here")
                .secondary(fp.span, "first published here")
                .help("publish a different host port, or bind each to a different host address"),
            );
        }
    }
}
