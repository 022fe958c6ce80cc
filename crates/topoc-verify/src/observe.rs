//! What the engine reports about addresses, compared with the model: the `address` probe (the
//! address a container got on a network is the one the model computed, or lies where the model
//! says dynamic addresses come from) and the `gateway` probe (a network's gateway is the
//! model's, `Network::effective_gateway`). The engine's report is only ever the observed side:
//! no expectation comes from it.

use crate::agent::Destination;
use crate::inspect;
use crate::probe::{Kind, Origin, Probe};
use std::net::{IpAddr, SocketAddr};
use topoc_model::{Attachment, Network, Target, Topology};

fn probe(kind: Kind, from: &str, to: &str, detail: String, model: IpAddr, agrees: bool) -> Probe {
    Probe {
        kind,
        from: from.into(),
        to: to.into(),
        detail,
        origin: Origin::Inspect,
        target: Destination { addr: SocketAddr::new(model, 0), via: None },
        expected: true,
        observed: Some(agrees),
        section: kind.section(),
    }
}

fn shown(a: Option<IpAddr>) -> String {
    a.map_or_else(|| "none".to_owned(), |a| a.to_string())
}

/// The networks whose gateways are compared: those the engine knows, the external ones
/// (verify creates them) and those a service is attached to (Compose and `stack deploy` create
/// no others).
pub(crate) fn compared_networks(t: &Topology) -> impl Iterator<Item = &Network> {
    let used = |n: &Network| t.services.iter().any(|s| s.attachment(n.id).is_some());
    t.networks.iter().filter(move |n| n.external || used(n))
}

/// A `gateway` probe for every subnet of every network of the deployment `t` that the engine
/// knows by `engine_name`: the external ones (verify creates them) and those a service is
/// attached to (Compose and `stack deploy` create no others).
///
/// In a stack, an IPv6 subnet's gateway is not compared (reported as not sent): the stack file
/// carries no gateway and no `enable_ipv6`, and 20.10.24 showed no gateway for such a subnet.
///
/// `inspect` is the engine's report of a network by engine name (`None`: not shown).
pub(crate) fn gateway_probes(
    t: &Topology,
    engine_name: &dyn Fn(&Network) -> String,
    inspect: &dyn Fn(&str) -> Option<inspect::Network>,
    target: Target,
) -> Vec<Probe> {
    let mut out = Vec::new();
    for n in compared_networks(t) {
        let subnets: Vec<(ipnet::IpNet, Option<IpAddr>)> = [
            n.subnet.as_ref().map(|s| (s.net, n.effective_gateway())),
            n.subnet6.as_ref().map(|s| (s.net, n.effective_gateway6())),
        ]
        .into_iter()
        .flatten()
        .collect();
        if subnets.is_empty() {
            continue;
        }
        let name = engine_name(n);
        // A network the engine does not show on this node (a swarm-scoped LAN network that no
        // task here uses yet) cannot be compared: its probes are reported as not sent.
        let inspected = inspect(&name);
        for (subnet, model) in subnets {
            let Some(model) = model else { continue };
            if target == Target::Swarm && subnet.network().is_ipv6() {
                let mut p = probe(
                    Kind::Gateway,
                    &n.name,
                    "gateway",
                    format!("{subnet}: model {model}; an IPv6 subnet of a stack network is not compared"),
                    model,
                    false,
                );
                p.observed = None;
                out.push(p);
                continue;
            }
            let Some(inspected) = &inspected else {
                let mut p = probe(
                    Kind::Gateway,
                    &n.name,
                    "gateway",
                    format!("{subnet}: model {model}, engine does not show network {name}"),
                    model,
                    false,
                );
                p.observed = None;
                out.push(p);
                continue;
            };
            let engine = inspected.gateway_of(subnet);
            out.push(probe(
                Kind::Gateway,
                &n.name,
                "gateway",
                format!("{subnet}: model {model}, engine {}", shown(engine)),
                model,
                engine == Some(model),
            ));
        }
    }
    out
}

/// The `address` probe of a container on network `n`: the static address the model gives this
/// replica (`replica`, 0-based, when the service's replicas are expanded), else "an address of
/// the ip_range, else of the subnet, that is not the gateway".
pub(crate) fn address_probe(
    service: &str,
    n: &Network,
    attachment: Option<&Attachment>,
    replica: usize,
    observed: IpAddr,
) -> Option<Probe> {
    let detail = |claim: String| format!("on `{}`: model {claim}, engine {observed}", n.name);
    if let Some(model) = attachment.and_then(|a| a.addresses.get(replica)) {
        return Some(probe(Kind::Address, service, &n.name, detail(model.to_string()), *model, observed == *model));
    }
    // A network whose only subnets are IPv6 still gets an IPv4 subnet from Docker's default
    // pools (engines before 28.0 cannot leave IPv4 out): the model claims nothing about it.
    let subnet = n.subnet.as_ref()?.net;
    if subnet.network().is_ipv4() != observed.is_ipv4() {
        return None;
    }
    let pool = n.ip_range.unwrap_or(subnet);
    let gateway = n.effective_gateway();
    let inside = pool.contains(&observed) && Some(observed) != gateway;
    Some(probe(
        Kind::Address,
        service,
        &n.name,
        detail(format!("an address of {pool} but the gateway")),
        pool.network(),
        inside,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topology(text: &str) -> Topology {
        let spec = topoc_spec::load(text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("loads");
        let r = topoc_model::resolve(&spec, &topoc_model::Lock::default());
        r.topology.unwrap_or_else(|| panic!("resolves: {:?}", r.diagnostics))
    }

    #[test]
    fn address_probes_compare_the_engine_with_the_model() {
        let t = topology(
            "topology: obs
networks:
  ranged: { subnet: 10.20.0.0/24, ip_range: 10.20.0.128/25 }
  v6only: { subnet: fd00:9::/64 }
services:
  fixed: { image: x, networks: { ranged: { ip: .130 } } }
  free: { image: x, networks: [ranged, v6only] }
",
        );
        let ranged = &t.networks[0];
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let fixed = t.services[0].attachment(ranged.id);
        let verdict = |a: Option<&Attachment>, observed: &str| {
            address_probe("s", ranged, a, 0, ip(observed)).and_then(|p| p.observed)
        };
        // A static address: equal or not.
        assert_eq!(verdict(fixed, "10.20.0.130"), Some(true));
        assert_eq!(verdict(fixed, "10.20.0.131"), Some(false));
        // A dynamic one: inside the ip_range, and not its gateway (the range's first address).
        assert_eq!(verdict(None, "10.20.0.129"), Some(true));
        assert_eq!(verdict(None, "10.20.0.128"), Some(false));
        assert_eq!(verdict(None, "10.20.0.2"), Some(false));
        // An IPv6-only network's IPv4 address comes from Docker's pools: no claim.
        assert!(address_probe("s", &t.networks[1], None, 0, ip("172.18.0.2")).is_none());
    }
}
