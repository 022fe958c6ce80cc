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
        duplicate_published_port(publishing(), out);
    }
}

fn wildcard(ip: Option<IpAddr>) -> bool {
    ip.is_none_or(|ip| ip.is_unspecified())
}

/// ## port-all-interfaces
/// A published port without a host address (or with `0.0.0.0` / `::`): Docker binds it on
/// every interface of the host, public ones included, and its iptables rules bypass a host
/// firewall such as ufw. Set `host_ip` on the port, or `defaults.host_ip` for all.
/// On Swarm every published port is bound on every address of every node (`host_ip` is not
/// applied), so every published port is reported there. A port the policy explicitly lets
/// `external` reach (an `allow` rule from `external` to the service covering the port) is meant
/// to be public and is not reported: every interface is the intent.
/// KICS *Container Traffic Not Bound To Host Interface* (451d79dc), dclint
/// `no-unbound-port-interfaces`, compose-lint CL-0005.
fn port_all_interfaces(s: &Service, p: &PublishedPort, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    if !engine.honours_host_ip() {
        out.push(
            Diagnostic::new(Code::PortAllInterfaces, format!("`{}` publishes port {} on every address of every node", s.name, p.published))
                .primary(p.span, "Swarm does not apply a host address")
                .note("Docker's own firewall rules open the port before the host's firewall (ufw, firewalld) sees the traffic")
                .help("publish only what must be public; reach internal services through a proxy, or firewall the port in DOCKER-USER"),
        );
    } else if wildcard(p.host_ip) {
        out.push(
            Diagnostic::new(Code::PortAllInterfaces, format!("`{}` publishes port {} on every host interface", s.name, p.published))
                .primary(p.span, "no host address")
                .note("Docker's own firewall rules open the port before the host's firewall (ufw, firewalld) sees the traffic")
                .help("bind an address: `127.0.0.1:8080:80`, `host_ip:` in the long form, or `defaults.host_ip` for every port"),
        );
    }
}

/// ## privileged-port (hardening)
/// A host port below 1024. Publishing one needs no privilege in the container (Docker binds
/// it), but it usually means the container also listens on a privileged port, which keeps
/// `NET_BIND_SERVICE` in its capabilities.
/// KICS *Privileged Ports Mapped In Container* (bc2908f3).
fn privileged_port(s: &Service, p: &PublishedPort, out: &mut Diagnostics) {
    if p.published < 1024 {
        out.push(
            Diagnostic::new(Code::PrivilegedPort, format!("`{}` publishes privileged port {}", s.name, p.published))
                .primary(p.span, "below 1024")
                .help("publish a port of 1024 or above, or keep it if it is the service's public port and drop NET_BIND_SERVICE in the container"),
        );
    }
}

/// ## duplicate-published-port
/// Two publications of the same host port and protocol whose host addresses collide (equal,
/// or either is every interface): Docker cannot bind the second, and that container does not
/// start. On Swarm, a published port belongs to one service in the whole swarm.
/// dclint `no-duplicate-exported-ports`.
fn duplicate_published_port<'t>(services: impl Iterator<Item = &'t Service>, out: &mut Diagnostics) {
    let mut by_port: BTreeMap<(u16, bool), Vec<(&Service, &PublishedPort)>> = BTreeMap::new();
    for s in services {
        for p in &s.ports {
            by_port.entry((p.published, p.protocol == Protocol::Udp)).or_default().push((s, p));
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
