//! Checks across the resolved topology: overlapping subnets, reserved ranges, duplicate
//! addresses and MACs, macvlan networks Docker would refuse, gateway conflicts.

use super::Cx;
use crate::ipam;
use crate::ir::*;
use foldhash::HashMap;
use std::net::IpAddr;
use topoc_diag::{Code, Diagnostic, Span};

pub(crate) fn run(topo: &Topology, cx: &mut Cx) {
    replica_names(topo, cx);
    overlaps(topo, cx);
    reserved(topo, cx);
    addresses(topo, cx);
    macs(topo, cx);
}

/// Every network of a topology coexists on the host or swarm, so any two subnets must be
/// disjoint — Docker refuses the second ("Pool overlaps with other one on this address
/// space", research §6). Two macvlan networks on one parent with one subnet get their own code.
fn overlaps(topo: &Topology, cx: &mut Cx) {
    let mut nets = Vec::new();
    let mut owners: Vec<(NetworkId, Span)> = Vec::new();
    for n in &topo.networks {
        for s in [&n.subnet, &n.subnet6].into_iter().flatten() {
            nets.push(s.net);
            owners.push((n.id, s.span));
        }
    }
    for (i, j) in ipam::overlapping_pairs(&nets) {
        let (a, b) = (topo.network(owners[i].0), topo.network(owners[j].0));
        let (first, second, first_span, second_span, net_a, net_b) = (a, b, owners[i].1, owners[j].1, nets[i], nets[j]);
        if first.is_lan() && second.is_lan() && first.parent == second.parent && net_a == net_b {
            cx.push(
                Diagnostic::new(Code::MacvlanDuplicate, format!("networks `{}` and `{}` are both {} on parent `{}` with subnet {net_a}", first.name, second.name, first.driver, first.parent.as_deref().unwrap_or("(none)")))
                    .primary(second_span, "second network on the same LAN")
                    .secondary(first_span, "first network")
                    .help("Docker refuses the second (`Pool overlaps with other one on this address space`): declare the LAN once and attach every service to it"),
            );
            continue;
        }
        cx.push(
            Diagnostic::new(Code::SubnetOverlap, format!("subnet of network `{}` ({net_b}) overlaps network `{}` ({net_a})", second.name, first.name))
                .primary(second_span, format!("{net_b}"))
                .secondary(first_span, format!("{net_a}, network `{}`", first.name))
                .help("Docker refuses overlapping subnets on one host or swarm; give each network its own range, or draw them from a pool"),
        );
    }
}

/// Replicas with their own static addresses become services `name-1` .. `name-N` in Compose
/// (one service config cannot give each replica an address); those names must be free.
fn replica_names(topo: &Topology, cx: &mut Cx) {
    let names: HashMap<&str, Span> = topo.services.iter().map(|s| (s.name.as_str(), s.span)).collect();
    for s in topo.services.iter().filter(|s| s.attachments.iter().any(|a| a.addresses.len() > 1)) {
        for i in 1..=s.replicas {
            let replica = format!("{}-{i}", s.name);
            if let Some(span) = names.get(replica.as_str()) {
                cx.push(
                    Diagnostic::new(
                        Code::NameCollision,
                        format!("replica {i} of `{}` would be named `{replica}`, which is taken", s.name),
                    )
                    .primary(*span, "this service has the name")
                    .secondary(s.span, format!("`{}` has {} replicas with their own addresses", s.name, s.replicas))
                    .help("rename one of the two services"),
                );
            }
        }
    }
}

fn reserved(topo: &Topology, cx: &mut Cx) {
    for n in &topo.networks {
        for s in [&n.subnet, &n.subnet6].into_iter().flatten() {
            for r in topo.reserved.iter().filter(|r| ipam::overlaps(r.net, s.net)) {
                cx.push(
                    Diagnostic::new(Code::ReservedOverlap, format!("subnet of network `{}` ({}) overlaps reserved range `{}` ({})", n.name, s.net, r.name, r.net))
                        .primary(s.span, "this subnet")
                        .secondary(r.span, "reserved here")
                        .help("move the network out of the reserved range: traffic to those hosts would go to the containers instead"),
                );
            }
        }
    }
}

/// Static addresses: unique per network, and not the gateway (explicit, or the one Docker's IPAM
/// takes when none is given on bridge and overlay networks: `Network::effective_gateway`).
fn addresses(topo: &Topology, cx: &mut Cx) {
    let mut seen: HashMap<(NetworkId, IpAddr), (ServiceId, Span)> = HashMap::default();
    for s in &topo.services {
        for a in &s.attachments {
            let network = topo.network(a.network);
            let (gateway, gateway6) = match network.driver {
                Driver::Bridge | Driver::Overlay => (network.effective_gateway(), network.effective_gateway6()),
                Driver::Macvlan | Driver::Ipvlan => (network.gateway, network.gateway6),
            };
            for (replica, addr) in a.addresses.iter().chain(a.ip6.iter()).enumerate() {
                if Some(*addr) == gateway || Some(*addr) == gateway6 {
                    let how = if network.gateway.is_some() || network.gateway6.is_some() {
                        "the network's gateway"
                    } else if network.ip_range.is_some() {
                        "the gateway Docker assigns when none is set (the first usable address of the ip_range)"
                    } else {
                        "the gateway Docker assigns when none is set (the first host)"
                    };
                    cx.push(
                        Diagnostic::new(
                            Code::AddressReserved,
                            format!("{addr} of service `{}` is {how} on network `{}`", s.name, network.name),
                        )
                        .primary(a.address_span, "conflicts with the gateway")
                        .secondary(network.span, "network declared here")
                        .help(if network.gateway.is_some() {
                            "pick another address for the service; the gateway keeps this one"
                        } else {
                            "pick another address, or give the network an explicit `gateway` elsewhere (e.g. `.254`)"
                        }),
                    );
                }
                if let Some(aux) = network.aux_address(*addr) {
                    cx.push(
                        Diagnostic::new(
                            Code::AddressReserved,
                            format!(
                                "{addr} of service `{}` is the reserved address `{}` of network `{}`",
                                s.name, aux.name, network.name
                            ),
                        )
                        .primary(a.address_span, "a reserved address")
                        .secondary(aux.span, "reserved here by `aux_addresses`")
                        .help("pick another address: the engine's IPAM does not hand out reserved addresses"),
                    );
                }
                if let Some((other, span)) = seen.insert((a.network, *addr), (s.id, a.address_span)) {
                    let other = topo.service(other);
                    let who = if other.id == s.id {
                        format!("replica {} of `{}` again", replica + 1, s.name)
                    } else {
                        format!("`{}` and `{}`", other.name, s.name)
                    };
                    cx.push(
                        Diagnostic::new(
                            Code::DuplicateAddress,
                            format!("{addr} is claimed twice on network `{}`: {who}", network.name),
                        )
                        .primary(a.address_span, "claimed here")
                        .secondary(span, "and here")
                        .help("each container needs its own address on a network"),
                    );
                }
            }
        }
    }
}

fn macs(topo: &Topology, cx: &mut Cx) {
    let mut seen: HashMap<&str, (&str, Span)> = HashMap::default();
    for s in &topo.services {
        for a in &s.attachments {
            let Some(mac) = a.mac.as_deref() else {
                continue;
            };
            if s.replicas > 1 {
                cx.push(
                    Diagnostic::new(
                        Code::DuplicateMac,
                        format!("service `{}` has {} replicas sharing MAC {mac}", s.name, s.replicas),
                    )
                    .primary(a.span, "every replica gets this MAC")
                    .help("a fixed MAC fits a single container; drop `mac` or `replicas`"),
                );
            }
            if let Some((other, span)) = seen.insert(mac, (&s.name, a.mac_span)) {
                cx.push(
                    Diagnostic::new(Code::DuplicateMac, format!("MAC {mac} is used by `{other}` and `{}`", s.name))
                        .primary(a.mac_span, "again here")
                        .secondary(span, "first here")
                        .help("two interfaces with one MAC confuse every switch on the segment"),
                );
            }
        }
    }
}
