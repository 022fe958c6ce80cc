//! The starting policy of an imported spec: `allow` rules for every path the imported topology
//! has today, so `check` passes on the import and every later change to reachability is a
//! finding. Rules are as coarse as the paths they record: members of a network reaching each
//! other is one `network:N → network:N` rule, not a rule per pair.

use std::collections::BTreeSet;
use topoc_model::Topology;
use topoc_reach::{Analysis, Endpoint, PortSet, Via};
use topoc_spec::Node;

use crate::nodes::{map, scalar, seq, string};
use topoc_diag::Span;

/// One `allow` rule: from, to, destination ports (empty: every port).
type Allow = (String, String, Vec<u16>);

/// The `allow` rules that admit every path of the analysis.
pub fn allows(topo: &Topology, analysis: &Analysis) -> Vec<Allow> {
    let mut rules: BTreeSet<Allow> = BTreeSet::new();
    let net = |id| format!("network:{}", topo.network(id).name);
    for (a, b, hops) in analysis.reach.edges() {
        for hop in hops {
            match hop.via {
                Via::Network(n) => {
                    rules.insert((net(n), net(n), Vec::new()));
                }
                Via::HostRoute(n) => {
                    rules.insert(("host".into(), net(n), Vec::new()));
                }
                // The default never judges containers reaching host services (policy.rs).
                Via::ToHost(_) => {}
                Via::Egress(n) => {
                    rules.insert((net(n), "external".into(), Vec::new()));
                }
                Via::Lan(n) if a == Endpoint::External => {
                    rules.insert(("external".into(), net(n), Vec::new()));
                }
                Via::Lan(n) => {
                    rules.insert((net(n), "external".into(), Vec::new()));
                }
                Via::Published { service, .. } => {
                    // Host-only (loopback) ports are reached from the host alone; others from
                    // the outside world, the host and containers alike.
                    let from = if a == Endpoint::Host { "host" } else { "*" };
                    rules.insert((from.into(), topo.service(service).name.clone(), ports(&hop.ports)));
                }
                _ => {
                    for from in names(topo, analysis, a) {
                        for to in names(topo, analysis, b) {
                            rules.insert((from.clone(), to, ports(&hop.ports)));
                        }
                    }
                }
            }
        }
    }
    // A `*` rule for a port makes the `host` rule for the same port redundant.
    let wide: BTreeSet<(String, Vec<u16>)> =
        rules.iter().filter(|(f, _, _)| f == "*").map(|(_, t, p)| (t.clone(), p.clone())).collect();
    rules.retain(|(f, t, p)| !(f == "host" && wide.contains(&(t.clone(), p.clone()))));
    rules.into_iter().collect()
}

fn ports(set: &PortSet) -> Vec<u16> {
    match set {
        PortSet::Some(p) => p.iter().copied().collect(),
        _ => Vec::new(),
    }
}

/// Selectors for an endpoint: `host`, `external`, or the services of a class.
fn names(topo: &Topology, analysis: &Analysis, e: Endpoint) -> Vec<String> {
    match e {
        Endpoint::Host => vec!["host".into()],
        Endpoint::External => vec!["external".into()],
        Endpoint::Class(c) => {
            analysis.classes.classes[c.index()].members.iter().map(|s| topo.service(*s).name.clone()).collect()
        }
    }
}

/// The `policy` section for these rules: default `deny`, every rule an `allow`.
pub fn section(rules: &[Allow], span: Span) -> Node {
    let items = rules
        .iter()
        .map(|(from, to, ports)| {
            let mut body = vec![(scalar("from", span), string(from, span)), (scalar("to", span), string(to, span))];
            if !ports.is_empty() {
                body.push((
                    scalar("ports", span),
                    seq(ports.iter().map(|p| scalar(p.to_string(), span)).collect(), span),
                ));
            }
            map(vec![(scalar("allow", span), map(body, span))], span)
        })
        .collect();
    map(vec![(scalar("default", span), scalar("deny", span)), (scalar("rules", span), seq(items, span))], span)
}
