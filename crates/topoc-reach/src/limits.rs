//! The reachability model's resource limit: a topology whose class pairs pass
//! [`crate::graph::MAX_EDGES`] (or whose reasons pass twice that) is refused, at the
//! declaration that would have passed it.
//!
//! The model holds one edge per pair of classes that reach each other, so its size is the
//! number of such pairs, not the size of the spec: thousands of template instances on one
//! shared network (split apart by scoped rules), or a relay to every instance from every
//! instance, make that quadratic in the spec. Linear work cannot help when the answer itself
//! is that large; a clear refusal is better than taking the machine's memory.

use crate::graph::Via;
use topoc_diag::{Code, Diagnostic};
use topoc_model::Topology;

/// The `topoc::resource-limit` finding for a model that would have passed `limit` edges,
/// where `via` is the reason whose edge was one too many.
pub(crate) fn refused(topo: &Topology, via: Via, limit: usize) -> Diagnostic {
    let (span, what, help) = match via {
        Via::Network(n) | Via::HostRoute(n) | Via::ToHost(n) | Via::Egress(n) | Via::Lan(n) => {
            let net = topo.network(n);
            (
                net.span,
                format!("network `{}`", net.name),
                "split the network, or drop scoped rules that tell its template instances apart",
            )
        }
        Via::Published { service, port } => {
            let s = topo.service(service);
            (
                s.span,
                format!("port {} published by `{}`", crate::graph::host_port_text(port), s.name),
                "publish fewer ports, or bind them to 127.0.0.1",
            )
        }
        Via::Relay { relay, index } => {
            let s = topo.service(relay);
            let r = &s.relays[index as usize];
            (
                r.span,
                format!("the relay of `{}` to `{}`", s.name, r.to.text),
                "relay to fewer targets, or from fewer sources",
            )
        }
        Via::HostNamespace(s) | Via::RoutingMesh(s) => {
            let s = topo.service(s);
            (s.span, format!("service `{}`", s.name), "give fewer services the host's network")
        }
    };
    Diagnostic::new(
        Code::ResourceLimit,
        format!(
            "the reachability model needs more than {limit} reachable class pairs or {} reasons; {what} passed the limit",
            2 * limit
        ),
    )
    .primary(span, "reach from here passed the limit")
    .help(help)
    .note(format!(
        "topoc models every pair of service classes that reach each other, with each reason; {limit} pairs take about {} MB",
        limit / 5_000
    ))
}
