//! Words for endpoints and hops, for findings, `explain` and the matrix.

use crate::classes::Classes;
use crate::graph::{Endpoint, Reach, Via};
use topoc_diag::Span;
use topoc_model::{Driver, Topology};

/// An endpoint's name: `host`, `external`, or the class's first service (`+N` more).
pub fn endpoint(topo: &Topology, classes: &Classes, e: Endpoint) -> String {
    match e {
        Endpoint::Host => "host".into(),
        Endpoint::External => "external".into(),
        Endpoint::Class(c) => {
            let class = &classes.classes[c.index()];
            let first = &topo.service(class.members[0]).name;
            match class.members.len() {
                1 => first.clone(),
                2 | 3 => class.members.iter().map(|s| topo.service(*s).name.as_str()).collect::<Vec<_>>().join("/"),
                n => format!("{first} (+{} like it)", n - 1),
            }
        }
    }
}

/// One hop as a path: `a → network main → b`.
pub fn path(topo: &Topology, classes: &Classes, reach: &Reach, from: Endpoint, to: Endpoint, via: Via) -> String {
    let a = endpoint(topo, classes, from);
    let b = endpoint(topo, classes, to);
    match via {
        Via::Network(n) => format!("{a} → network `{}` → {b}", topo.network(n).name),
        Via::HostRoute(n) => format!("host → bridge of network `{}` → {b}", topo.network(n).name),
        Via::ToHost(n) => format!("{a} → gateway of network `{}` → host", topo.network(n).name),
        Via::Egress(n) => {
            format!("{a} → network `{}` (not internal: NAT to the outside) → external", topo.network(n).name)
        }
        Via::Lan(n) => {
            let net = topo.network(n);
            let kind = if net.driver == Driver::Ipvlan { "ipvlan" } else { "macvlan" };
            let parent = net.parent.as_deref().unwrap_or("?");
            if from == Endpoint::External {
                format!("LAN → {kind} network `{}` on {parent} → {b}", net.name)
            } else {
                format!("{a} → {kind} network `{}` on {parent} → LAN", net.name)
            }
        }
        Via::Published { service, port } => {
            format!(
                "{a} → host:{} (published by `{}`) → {b}",
                crate::graph::host_port_text(port),
                topo.service(service).name
            )
        }
        Via::Relay { relay, .. } => {
            let relay_class = Endpoint::Class(classes.of_service[relay.index()]);
            let first_leg = reach
                .hops(from, relay_class)
                .first()
                .map(|h| path(topo, classes, reach, from, relay_class, h.via))
                .unwrap_or_else(|| format!("{a} → {}", topo.service(relay).name));
            format!("{first_leg} ⇒ relays to {b}")
        }
        Via::HostNamespace(s) => {
            format!("{a} ⇄ {b} through the host network stack of `{}` (network_mode: host)", topo.service(s).name)
        }
        Via::RoutingMesh(s) => format!(
            "{a} → ingress network and docker_gwbridge (the routing mesh, for `{}`'s published ports) → external",
            topo.service(s).name
        ),
    }
}

/// The spec span that grants a hop, with a label: the attachment, the port, the relay.
pub fn grant(topo: &Topology, classes: &Classes, from: Endpoint, to: Endpoint, via: Via) -> Vec<(Span, String)> {
    let attachment = |e: Endpoint, n| -> Option<(Span, String)> {
        let Endpoint::Class(c) = e else { return None };
        let s = topo.service(classes.classes[c.index()].members[0]);
        s.attachment(n).map(|a| (a.span, format!("`{}` attached to `{}` here", s.name, topo.network(n).name)))
    };
    match via {
        Via::Network(n) => [attachment(from, n), attachment(to, n)].into_iter().flatten().collect(),
        Via::HostRoute(n) => {
            let net = topo.network(n);
            let mut v = vec![(net.span, format!("the host has an address on bridge network `{}`", net.name))];
            v.extend(attachment(to, n));
            v
        }
        Via::ToHost(n) => attachment(from, n).into_iter().collect(),
        Via::Egress(n) => {
            let net = topo.network(n);
            let mut v = vec![(net.egress_span, format!("`{}` has egress", net.name))];
            v.extend(attachment(from, n));
            v
        }
        Via::Lan(n) => {
            let net = topo.network(n);
            let mut v = vec![(net.span, format!("`{}` puts its members on the LAN", net.name))];
            v.extend(attachment(if from == Endpoint::External { to } else { from }, n));
            v
        }
        Via::Published { service, port } => {
            let s = topo.service(service);
            s.ports
                .iter()
                .filter(|p| p.published == port)
                .map(|p| (p.span, format!("published on host port {}", crate::graph::host_port_text(port))))
                .collect()
        }
        Via::Relay { relay, index } => {
            let s = topo.service(relay);
            s.relays.get(index as usize).map(|r| (r.span, format!("`{}` relays here", s.name))).into_iter().collect()
        }
        Via::HostNamespace(s) => {
            let s = topo.service(s);
            vec![(s.network_mode_span, format!("`{}` uses the host's network stack", s.name))]
        }
        Via::RoutingMesh(s) => {
            let s = topo.service(s);
            s.ports.iter().map(|p| (p.span, "published through the routing mesh".to_owned())).collect()
        }
    }
}
