//! The probes to send, from the model alone: which containers represent which class, what
//! each probe tries, and what the model expects of it (a hop of the right kind in the
//! reachability graph). What the engine reported (the containers' addresses) only says where
//! a probe is sent, and is compared with the model in the `address` probes; it never becomes
//! an expectation. Pure: no engine, no host; unit-tested below.

use crate::agent::Destination;
use crate::deploy::{self, Container, PROBE_PORT};
use crate::host;
use crate::probe::{Kind, Origin, Probe};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use topoc_model::{Driver, NetworkId, NetworkMode, Target, Topology};
use topoc_reach::{Analysis, Endpoint, Via};

/// Template instances probed per template (the deployment has them all).
pub(crate) const SAMPLED_INSTANCES: u32 = 2;

/// What the planner knows: the spec's topology, the deployment made of it, the analysis, and
/// where things are on this run.
pub(crate) struct Input<'a> {
    /// The topology as the spec says (names, classes).
    pub(crate) topo: &'a Topology,
    /// The probe deployment (`deploy::probe_topology` of `topo`): engine names, what was applied.
    pub(crate) deployed: &'a Topology,
    pub(crate) analysis: &'a Analysis,
    pub(crate) project: &'a str,
    /// The running containers and the addresses the engine gave them.
    pub(crate) containers: &'a [Container],
    /// The fake LAN host of each macvlan/ipvlan network: its namespace and address.
    pub(crate) lan_hosts: &'a BTreeMap<NetworkId, (String, IpAddr)>,
    /// The host listener's port.
    pub(crate) host_port: u16,
    /// The host's address on docker_gwbridge (a stack's way to the host), where known.
    pub(crate) gwbridge: Option<IpAddr>,
    /// A host address that is no container's gateway (§2.1), where known.
    pub(crate) host_addr: Option<IpAddr>,
    pub(crate) target: Target,
}

/// A class's representative: the first container of its first service, and its addresses.
struct Rep<'a> {
    endpoint: Endpoint,
    name: String,
    container: &'a Container,
    service: &'a topoc_model::Service,
    addrs: BTreeMap<NetworkId, IpAddr>,
    /// A second container of the class (another member, or another replica), to probe
    /// member to member (§1.1, ICC).
    peer: Option<(String, &'a Container)>,
}

/// Each bridge network's gateway (the host's address on it, where `to-host` and `published`
/// probes go), from the model alone: the `gateway` probes check that the engine agrees.
pub(crate) fn model_gateways(t: &Topology) -> BTreeMap<NetworkId, IpAddr> {
    t.networks
        .iter()
        .filter(|n| n.driver == Driver::Bridge)
        .filter_map(|n| Some((n.id, n.effective_gateway().filter(IpAddr::is_ipv4)?)))
        .collect()
}

/// A host address in a LAN subnet that nothing in the topology uses, for the fake LAN host.
pub(crate) fn free_address(topo: &Topology, network: NetworkId, subnet: ipnet::IpNet) -> Option<IpAddr> {
    let used: BTreeSet<IpAddr> = topo
        .services
        .iter()
        .flat_map(|s| s.attachments.iter().filter(|a| a.network == network).flat_map(|a| a.addresses.clone()))
        .chain(topo.network(network).gateway)
        .collect();
    subnet.hosts().collect::<Vec<_>>().into_iter().rev().take(64).find(|a| !used.contains(a))
}

/// Why some of the spec's services get no probes on this target, and which template instances
/// were not probed.
pub(crate) fn not_probed(topo: &Topology, target: Target) -> Vec<String> {
    let host_mode = |s: &&topoc_model::Service| matches!(s.network_mode, NetworkMode::Host);
    topo.services
        .iter()
        .filter(host_mode)
        .map(|s| format!("{}: network_mode host is not deployed by verify (it would listen on this machine)", s.name))
        .chain(
            topo.services
                .iter()
                .filter(|s| {
                    target == Target::Swarm
                        && (matches!(s.network_mode, NetworkMode::None | NetworkMode::Service(_))
                            || (s.attachments.is_empty() && !host_mode(s)))
                })
                .map(|s| {
                    format!("{}: a stack cannot keep it off every network or in another's namespace; not probed", s.name)
                }),
        )
        .chain(topo.templates.iter().filter(|t| t.instances.len() > SAMPLED_INSTANCES as usize).map(|t| {
            format!(
                "template `{}`: all {} instances deployed, the first {SAMPLED_INSTANCES} probed (instances are stamped alike)",
                t.name,
                t.instances.len()
            )
        }))
        .collect()
}

/// Every probe of the run, in a fixed order.
pub(crate) fn plan(input: &Input<'_>) -> Vec<Probe> {
    let planner = Planner {
        input,
        gateways: match input.target {
            Target::Swarm => BTreeMap::new(),
            Target::Compose => model_gateways(input.deployed),
        },
        reps: representatives(input),
    };
    planner.probes()
}

/// The container of a class member `s` and its address on network `n`, by the network's engine
/// name (or, for an external network, the name it has on the engine).
fn address_on(input: &Input<'_>, c: &Container, n: NetworkId) -> Option<IpAddr> {
    let network = input.deployed.network(n);
    let engine = deploy::engine_network_name(input.project, network);
    let external = network.engine_name.clone().unwrap_or_else(|| network.name.clone());
    c.networks.get(&engine).or_else(|| c.networks.get(&external)).copied()
}

fn representatives<'a>(input: &Input<'a>) -> Vec<Rep<'a>> {
    let topo = input.topo;
    let mut reps = Vec::new();
    for class in &input.analysis.classes.classes {
        let service = topo.service(class.members[0]);
        if matches!(service.network_mode, NetworkMode::Host) {
            continue;
        }
        // A stack cannot keep a service off every network or in another's namespace (the
        // target refuses it): what gets deployed is not what the spec says, so not probed.
        if input.target == Target::Swarm
            && (matches!(service.network_mode, NetworkMode::None | NetworkMode::Service(_))
                || service.attachments.is_empty())
        {
            continue;
        }
        // Instances of a template are stamped alike: two of them test both same-instance and
        // across-instance paths; the rest would only repeat those probes.
        if class.origin.is_some_and(|(_, instance)| instance >= SAMPLED_INSTANCES) {
            continue;
        }
        let compose_name = deploy::compose_names(service)[0].clone();
        let Some(container) = input.containers.iter().find(|c| c.service == compose_name) else { continue };
        let addrs = topoc_reach::classes::effective_networks(topo, service)
            .iter()
            .filter_map(|n| Some((*n, address_on(input, container, *n)?)))
            .collect();
        let peer = class
            .members
            .get(1)
            .and_then(|m| {
                let s = topo.service(*m);
                let name = deploy::compose_names(s)[0].clone();
                input.containers.iter().find(|c| c.service == name).map(|c| (s.name.clone(), c))
            })
            .or_else(|| {
                let names = deploy::compose_names(service);
                input
                    .containers
                    .iter()
                    .filter(|c| names.contains(&c.service))
                    .find(|c| c.id != container.id)
                    .map(|c| (format!("{} (another replica)", service.name), c))
            });
        reps.push(Rep {
            endpoint: Endpoint::Class(class.id),
            name: service.name.clone(),
            container,
            service,
            addrs,
            peer,
        });
    }
    reps
}

struct Planner<'a> {
    input: &'a Input<'a>,
    /// The model's gateway of each bridge network (none in a stack: every network is an
    /// overlay there, and the host is reached through docker_gwbridge, §4).
    gateways: BTreeMap<NetworkId, IpAddr>,
    reps: Vec<Rep<'a>>,
}

fn sock(ip: IpAddr, port: u16) -> SocketAddr {
    SocketAddr::new(ip, port)
}

fn direct(addr: SocketAddr) -> Destination {
    Destination { addr, via: None }
}

/// One probe, not yet sent.
fn probe(
    kind: Kind,
    from: &str,
    to: &str,
    detail: String,
    origin: Origin,
    target: Destination,
    expected: bool,
) -> Probe {
    Probe {
        kind,
        from: from.into(),
        to: to.into(),
        detail,
        origin,
        target,
        expected,
        observed: None,
        section: kind.section(),
    }
}

impl Planner<'_> {
    /// Whether the model has a hop from `a` to `b` whose way satisfies `f`.
    fn has(&self, a: Endpoint, b: Endpoint, f: &dyn Fn(&Via) -> bool) -> bool {
        self.input.analysis.reach.hops(a, b).iter().any(|h| f(&h.via))
    }

    fn network_name(&self, n: NetworkId) -> &str {
        &self.input.topo.network(n).name
    }

    fn probes(&self) -> Vec<Probe> {
        let mut probes = Vec::new();
        let mut observed_addresses = Vec::new();
        for a in &self.reps {
            for b in self.reps.iter().filter(|b| b.endpoint != a.endpoint) {
                self.between(a, b, &mut probes);
            }
            self.outbound(a, &mut probes);
            // The address the engine gave the representative (its first replica) on each network.
            for (n, ip) in &a.addrs {
                let deployed = self.input.deployed.service(a.service.id).attachment(*n);
                observed_addresses.extend(crate::observe::address_probe(
                    &a.name,
                    self.input.deployed.network(*n),
                    deployed,
                    0,
                    *ip,
                ));
            }
        }
        for b in &self.reps {
            self.inbound(b, &mut probes);
        }
        probes.extend(observed_addresses);
        probes
    }

    /// From representative `a` to representative `b`: each of b's addresses, b's published
    /// ports through a's first gateway, and b's relays.
    fn between(&self, a: &Rep<'_>, b: &Rep<'_>, out: &mut Vec<Probe>) {
        let origin = Origin::Container(a.container.id.clone());
        for (n, ip) in &b.addrs {
            let expected = self.has(a.endpoint, b.endpoint, &|v| *v == Via::Network(*n));
            let detail = format!("address on network `{}`", self.network_name(*n));
            out.push(probe(
                Kind::Direct,
                &a.name,
                &b.name,
                detail,
                origin.clone(),
                direct(sock(*ip, PROBE_PORT)),
                expected,
            ));
        }
        if let Some(gw) = a.addrs.keys().find_map(|n| self.gateways.get(n)).copied() {
            // A port whose host port the engine picks is not probed: the model knows no port
            // number to try.
            for (p, published) in b.service.ports.iter().filter_map(|p| Some((p, p.published?))) {
                let expected = self.has(
                    a.endpoint,
                    b.endpoint,
                    &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
                );
                out.push(probe(
                    Kind::Published,
                    &a.name,
                    &b.name,
                    format!("host port {published} (via {gw})"),
                    origin.clone(),
                    direct(sock(gw, published)),
                    expected,
                ));
            }
        }
        // Relays of b, tried from a through an address a shares with b.
        for r in &b.service.relays {
            let Some(relay_ip) = a.addrs.keys().find_map(|n| b.addrs.get(n).copied()) else { continue };
            let ports = if r.ports.is_empty() { vec![PROBE_PORT] } else { r.ports.clone() };
            let listen = r.listen.unwrap_or(ports[0]);
            for target in topoc_reach::select::endpoints(self.input.topo, &self.input.analysis.classes, &r.to) {
                if target == a.endpoint {
                    continue;
                }
                let Some(tr) = self.reps.iter().find(|x| x.endpoint == target) else { continue };
                let Some(tip) = b.addrs.keys().find_map(|n| tr.addrs.get(n)) else { continue };
                let expected =
                    self.has(a.endpoint, target, &|v| matches!(v, Via::Relay { relay, .. } if *relay == b.service.id));
                out.push(probe(
                    Kind::Relay,
                    &a.name,
                    &tr.name,
                    format!("through relay `{}` port {listen}", b.name),
                    origin.clone(),
                    Destination { addr: sock(*tip, ports[0]), via: Some(sock(relay_ip, listen)) },
                    expected,
                ));
            }
        }
    }

    /// From representative `a` to its peer, the host, the stand-in internet and LAN hosts; and
    /// from LAN hosts to `a`.
    fn outbound(&self, a: &Rep<'_>, out: &mut Vec<Probe>) {
        let input = self.input;
        let engine = &input.analysis.engine;
        let origin = Origin::Container(a.container.id.clone());
        if let Some(gw) = input.gwbridge {
            let expected = self.has(a.endpoint, Endpoint::Host, &|v| matches!(v, Via::ToHost(_) | Via::RoutingMesh(_)));
            out.push(probe(
                Kind::ToHost,
                &a.name,
                "host",
                "docker_gwbridge gateway".into(),
                origin.clone(),
                direct(sock(gw, input.host_port)),
                expected,
            ));
        }
        if let Some((peer_name, peer)) = &a.peer {
            for n in a.addrs.keys() {
                let Some(ip) = address_on(input, peer, *n) else { continue };
                let expected = self.has(a.endpoint, a.endpoint, &|v| *v == Via::Network(*n));
                let detail = format!("same class, on network `{}`", self.network_name(*n));
                out.push(probe(
                    Kind::Direct,
                    &a.name,
                    peer_name,
                    detail,
                    origin.clone(),
                    direct(sock(ip, PROBE_PORT)),
                    expected,
                ));
            }
        }
        // §2.1: a host address that is no gateway, reached by the default route only. Probed
        // for containers on bridges alone (a LAN network's default route leads to the LAN).
        let bridges_only = !a.addrs.is_empty()
            && a.addrs.keys().all(|n| engine.effective_driver(input.deployed.network(*n).driver) == Driver::Bridge);
        if let Some(addr) = input.host_addr.filter(|_| bridges_only) {
            let egress_network = a.addrs.keys().any(|n| input.deployed.network(*n).egress);
            let expected = self.has(a.endpoint, Endpoint::Host, &|v| matches!(v, Via::ToHost(_)))
                && engine.reaches_other_host_addresses(egress_network);
            out.push(probe(
                Kind::ToHost,
                &a.name,
                "host",
                format!("host address {addr} (no gateway)"),
                origin.clone(),
                direct(sock(addr, input.host_port)),
                expected,
            ));
        }
        let egress = self.has(a.endpoint, Endpoint::External, &|v| matches!(v, Via::Egress(_) | Via::RoutingMesh(_)));
        out.push(probe(
            Kind::Egress,
            &a.name,
            "external",
            "stand-in internet".into(),
            origin.clone(),
            direct(sock(host::INET_NS.into(), PROBE_PORT)),
            egress,
        ));
        for (n, ip) in &a.addrs {
            if let Some(gw) = self.gateways.get(n) {
                let expected = self.has(a.endpoint, Endpoint::Host, &|v| *v == Via::ToHost(*n));
                out.push(probe(
                    Kind::ToHost,
                    &a.name,
                    "host",
                    format!("gateway of `{}`", self.network_name(*n)),
                    origin.clone(),
                    direct(sock(*gw, input.host_port)),
                    expected,
                ));
            }
            if let Some((ns, lan_ip)) = input.lan_hosts.get(n) {
                let on = format!("on `{}`", self.network_name(*n));
                let out_expected = self.has(a.endpoint, Endpoint::External, &|v| *v == Via::Lan(*n));
                out.push(probe(
                    Kind::Lan,
                    &a.name,
                    "LAN host",
                    on.clone(),
                    origin.clone(),
                    direct(sock(*lan_ip, PROBE_PORT)),
                    out_expected,
                ));
                let in_expected = self.has(Endpoint::External, a.endpoint, &|v| *v == Via::Lan(*n));
                out.push(probe(
                    Kind::Lan,
                    "LAN host",
                    &a.name,
                    on,
                    Origin::Lan(ns.clone()),
                    direct(sock(*ip, PROBE_PORT)),
                    in_expected,
                ));
            }
        }
    }

    /// From the host and the stand-in internet to representative `b`.
    fn inbound(&self, b: &Rep<'_>, out: &mut Vec<Probe>) {
        let input = self.input;
        for (n, ip) in &b.addrs {
            let expected = self.has(Endpoint::Host, b.endpoint, &|v| *v == Via::HostRoute(*n));
            out.push(probe(
                Kind::HostTo,
                "host",
                &b.name,
                format!("address on network `{}`", self.network_name(*n)),
                Origin::Host,
                direct(sock(*ip, PROBE_PORT)),
                expected,
            ));
        }
        for (p, published) in b.service.ports.iter().filter_map(|p| Some((p, p.published?))) {
            let reaches_published = self.has(
                Endpoint::External,
                b.endpoint,
                &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
            );
            // The stand-in reaches the host through a host address; the pre-28 leak of
            // 127.0.0.1-bound ports to L2 neighbours forging that destination is not probed.
            let normal = !p.host_ip.is_some_and(|ip| ip.is_loopback());
            out.push(probe(
                Kind::Ingress,
                "external",
                &b.name,
                format!("host port {published}"),
                Origin::Internet,
                direct(sock(host::INET_HOST.into(), published)),
                normal && reaches_published,
            ));
            // §3.4 direct routing: the stand-in, routing through the host, to the container's
            // own address at the target port. Only for a container with one network that has
            // egress (its mapping's address; with several the engine's choice is not modelled)
            // and a port published on every host address.
            let open: Vec<(&NetworkId, &IpAddr)> =
                b.addrs.iter().filter(|(n, _)| input.deployed.network(**n).egress).collect();
            if let ([(n, ip)], Target::Compose, None) = (open.as_slice(), input.target, p.host_ip)
                && input.deployed.network(**n).driver == Driver::Bridge
            {
                out.push(probe(
                    Kind::Ingress,
                    "external",
                    &b.name,
                    format!("container address, port {} (direct routing)", p.target),
                    Origin::Internet,
                    direct(sock(**ip, p.target)),
                    reaches_published && input.analysis.engine.direct_routing_to_published_ports(),
                ));
            }
        }
    }
}
