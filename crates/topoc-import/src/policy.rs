//! The starting policy of an imported spec: `allow` rules for every path the imported topology
//! has today, so `check` passes on the import and every later change to reachability is a
//! finding. Rules are as coarse as the paths they record: members of a network reaching each
//! other is one `network:N → network:N` rule, not a rule per pair.

use std::collections::BTreeSet;
use topoc_model::Topology;
use topoc_reach::{Analysis, Endpoint, PortSet, Via};
use topoc_spec::Node;

use crate::nodes::{map, scalar, seq};
use topoc_diag::Span;

/// One `allow` rule: from, to, destination ports (empty: every port).
type Allow = (String, String, Vec<u16>);

/// The `allow` rules that admit every path of the analysis.
pub fn allows(topo: &Topology, analysis: &Analysis) -> Vec<Allow> {
    let mut rules: BTreeSet<Allow> = BTreeSet::new();
    let net = |id| format!("network:{}", topo.network(id).name);
    for (a, b, hops) in analysis.reach.edges() {
        for hop in hops {
            let all = ports(&hop.ports);
            // The selectors that name this kind of path; where the endpoint is another (a
            // `network_mode: host` service walks the host's paths), its own services instead.
            let (from, to, ports) = match hop.via {
                Via::Network(n) => (net(n), net(n), Vec::new()),
                Via::HostRoute(n) => ("host".into(), net(n), Vec::new()),
                // The default never judges containers reaching host services (policy.rs).
                Via::ToHost(_) => continue,
                Via::Egress(n) => (net(n), "external".into(), Vec::new()),
                Via::Lan(n) if a == Endpoint::External => ("external".into(), net(n), Vec::new()),
                Via::Lan(n) => (net(n), "external".into(), Vec::new()),
                // Containers reach a published port through the host's addresses: one rule for
                // all of them (`*` selects every service), as for the host and the LAN.
                Via::Published { service, .. } => {
                    let from = match a {
                        Endpoint::Host => "host",
                        Endpoint::External => "external",
                        Endpoint::Class(_) => "*",
                    };
                    (from.into(), topo.service(service).name.clone(), all.clone())
                }
                _ => (String::new(), String::new(), all.clone()),
            };
            let froms = if selects(topo, analysis, &from, a) { vec![from] } else { names(topo, analysis, a) };
            let tos = if selects(topo, analysis, &to, b) { vec![to] } else { names(topo, analysis, b) };
            for f in &froms {
                for t in &tos {
                    rules.insert((f.clone(), t.clone(), ports.clone()));
                }
            }
        }
    }
    // When the host reaches every service on every port (bridge networks route the host in),
    // one `host → *` rule says it, instead of one per network and published port.
    let everywhere = !analysis.classes.classes.is_empty()
        && analysis
            .classes
            .classes
            .iter()
            .all(|c| analysis.reach.ports(Endpoint::Host, Endpoint::Class(c.id)) == PortSet::All);
    if everywhere {
        rules.retain(|(f, _, _)| f != "host");
        rules.insert(("host".into(), "*".into(), Vec::new()));
    }
    merged(rules)
}

/// One rule per pair of selectors: their ports together (a range of published ports is one
/// rule, not one per port), or every port when one of them allows every port.
fn merged(rules: BTreeSet<Allow>) -> Vec<Allow> {
    let mut by_pair: std::collections::BTreeMap<(String, String), Option<BTreeSet<u16>>> = Default::default();
    for (from, to, ports) in rules {
        let entry = by_pair.entry((from, to)).or_insert_with(|| Some(BTreeSet::new()));
        match entry {
            Some(set) if !ports.is_empty() => set.extend(ports),
            _ => *entry = None,
        }
    }
    by_pair
        .into_iter()
        .map(|((from, to), ports)| (from, to, ports.map_or_else(Vec::new, |p| p.into_iter().collect())))
        .collect()
}

fn ports(set: &PortSet) -> Vec<u16> {
    match set {
        PortSet::Some(p) => p.iter().copied().collect(),
        _ => Vec::new(),
    }
}

/// Whether a selector this module writes picks the endpoint.
fn selects(topo: &Topology, analysis: &Analysis, selector: &str, e: Endpoint) -> bool {
    match (selector, e) {
        ("host", Endpoint::Host) | ("external", Endpoint::External) | ("*", Endpoint::Class(_)) => true,
        (s, Endpoint::Class(c)) => match s.strip_prefix("network:") {
            Some(n) => analysis.classes.classes[c.index()].networks.iter().any(|id| topo.network(*id).name == n),
            None => analysis.classes.classes[c.index()].members.iter().all(|m| topo.service(*m).name == s),
        },
        _ => false,
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
            let mut body = vec![(scalar("from", span), scalar(from, span)), (scalar("to", span), scalar(to, span))];
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
