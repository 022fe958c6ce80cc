//! The address plan and the networks: rules only a model of the whole topology can check.

use ipnet::{IpNet, Ipv4Net};
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Driver, SubnetSource, Target, Topology, Verdict};

pub(super) fn check(topo: &Topology, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    static_in_dynamic_range(topo, out);
    subnet_unpinned(topo, out);
    docker_pool_overlap(topo, engine, out);
    unencrypted_overlay(topo, engine, out);
}

/// The rule of [`Code::StaticInDynamicRange`], documented at the code.
fn static_in_dynamic_range(topo: &Topology, out: &mut Diagnostics) {
    for s in &topo.services {
        for a in &s.attachments {
            let n = topo.network(a.network);
            let Some(range) = n.ip_range else { continue };
            let inside: Vec<String> =
                a.addresses.iter().filter(|ip| range.contains(*ip)).map(|ip| ip.to_string()).collect();
            if inside.is_empty() {
                continue;
            }
            let subnet = n.subnet.as_ref().map_or("the subnet".to_owned(), |s| s.net.to_string());
            out.push(
                Diagnostic::new(
                    Code::StaticInDynamicRange,
                    format!(
                        "static address {} of `{}` lies in the dynamic range {range} of `{}`",
                        inside.join(", "),
                        s.name,
                        n.name
                    ),
                )
                .primary(a.address_span, "Docker may hand this address to another container first")
                .secondary(n.span, format!("ip_range {range}"))
                .help(format!("pick an address of {subnet} outside {range}, or shrink `ip_range`")),
            );
        }
    }
}

/// The rule of [`Code::SubnetUnpinned`], documented at the code.
fn subnet_unpinned(topo: &Topology, out: &mut Diagnostics) {
    for n in &topo.networks {
        if n.external || n.subnet.is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(Code::SubnetUnpinned, format!("network `{}` has no subnet", n.name))
                .primary(n.span, "Docker picks one from its default pools at creation")
                .help("give it a `subnet`, or a `pool` to allocate one from (kept stable by the lock file)"),
        );
    }
}

/// Docker's local-scope default address pools (`default-address-pools` when the daemon sets
/// none; moby `ipamutils`): 172.17–172.19 as /16s, 172.20/14, 172.24/14, 172.28/14 (split into
/// /16s), and 192.168.0.0/16 (split into /20s). docker0 takes 172.17.0.0/16.
const LOCAL_POOLS: &[(&str, &str)] = &[
    ("172.17.0.0/16", "docker0's subnet"),
    ("172.18.0.0/16", "Docker's default address pools"),
    ("172.19.0.0/16", "Docker's default address pools"),
    ("172.20.0.0/14", "Docker's default address pools"),
    ("172.24.0.0/14", "Docker's default address pools"),
    ("172.28.0.0/14", "Docker's default address pools"),
    ("192.168.0.0/16", "Docker's default address pools (as /20s)"),
];

/// The Swarm `ingress` network's usual subnet (the first /24 of the global default pool
/// 10.0.0.0/8).
const INGRESS: &str = "10.0.0.0/24";

fn overlaps(a: &IpNet, b: &Ipv4Net) -> bool {
    topoc_model::ipam::overlaps(*a, IpNet::V4(*b))
}

/// What Docker range `net` overlaps, if any, for a network that `allocator`'s IPAM places
/// (Swarm's also holds the ingress network).
fn docker_range(net: &IpNet, allocator: Target) -> Option<(Ipv4Net, &'static str)> {
    let ingress: Ipv4Net = INGRESS.parse().expect("ingress range");
    if allocator == Target::Swarm && overlaps(net, &ingress) {
        return Some((ingress, "the Swarm ingress network"));
    }
    LOCAL_POOLS.iter().map(|(p, what)| (p.parse::<Ipv4Net>().expect("pool"), *what)).find(|(p, _)| overlaps(net, p))
}

/// The rule of [`Code::DockerPoolOverlap`], documented at the code.
fn docker_pool_overlap(topo: &Topology, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    let mut reported_pools = Vec::new();
    for p in &topo.pools {
        if let Some((range, what)) = docker_range(&p.range, engine.target) {
            reported_pools.push(p.id);
            out.push(
                Diagnostic::new(
                    Code::DockerPoolOverlap,
                    format!("pool `{}` ({}) overlaps {what} ({range})", p.name, p.range),
                )
                .primary(p.span, "subnets allocated here can collide with networks Docker creates")
                .help(pool_help()),
            );
        }
    }
    for n in &topo.networks {
        if n.external || n.is_lan() {
            continue;
        }
        // An overlay is placed by Swarm's IPAM whatever the target.
        let allocator = if n.driver == Driver::Overlay { Target::Swarm } else { engine.target };
        let Some(subnet) = &n.subnet else { continue };
        if matches!(subnet.source, SubnetSource::Pool { pool, .. } if reported_pools.contains(&pool)) {
            continue;
        }
        if let Some((range, what)) = docker_range(&subnet.net, allocator) {
            out.push(
                Diagnostic::new(
                    Code::DockerPoolOverlap,
                    format!("subnet {} of network `{}` overlaps {what} ({range})", subnet.net, n.name),
                )
                .primary(subnet.span, "Docker may already use this range")
                .help(pool_help()),
            );
        }
    }
}

fn pool_help() -> &'static str {
    "pick a range Docker does not allocate from, e.g. in 10.0.0.0/8 above 10.0.0.0/24 (or in 100.64.0.0/10), or change the daemon's `default-address-pools` and list the old ones under `reserved`"
}

/// The rule of [`Code::UnencryptedOverlay`], documented at the code.
fn unencrypted_overlay(topo: &Topology, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    let policy = &topo.policy;
    let isolates =
        policy.declared && (policy.default == Verdict::Deny || policy.rules.iter().any(|r| r.verdict == Verdict::Deny));
    if !isolates {
        return;
    }
    for n in &topo.networks {
        if n.external || n.encrypted || engine.effective_driver(n.driver) != Driver::Overlay {
            continue;
        }
        let d = Diagnostic::new(Code::UnencryptedOverlay, format!("overlay network `{}` is not encrypted", n.name))
            .primary(n.span, "VXLAN between nodes in clear text")
            .secondary(policy.default_span, "the policy isolates traffic")
            .note(
                "on one node nothing leaves the host; between nodes anyone on the underlay can read and inject packets",
            )
            .help("set `encrypted: true` (IPsec; allow ESP, IP protocol 50, between the nodes)");
        out.push(d);
    }
}
