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
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use topoc_model::{Driver, NetworkId, NetworkMode, Target, Topology};
use topoc_reach::{Analysis, Endpoint, Via};

/// Template instances probed per template, the first ones in declaration order (the
/// deployment has them all, and every container's addresses are compared whatever the bound).
pub(crate) const INSTANCE_BOUND: u32 = 8;

/// An address off every LAN subnet, held by the fake LAN hosts (their LAN's router) and
/// blackholed on the host: a member reaches it only through its LAN's default route (§6).
pub(crate) const BEYOND_LAN: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

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
    /// Whether the host's FORWARD policy is DROP (direct routing to unpublished ports before
    /// 28.0 follows it, §3.4); None when it could not be read (those probes are not planned).
    pub(crate) forward_drop: Option<bool>,
    pub(crate) target: Target,
    /// Template instances probed per template: `INSTANCE_BOUND`, or every one
    /// (`Options::all_instances`, for an instance added at run time).
    pub(crate) instance_bound: u32,
}

/// A class's representative: the first container of its first service, and its addresses.
struct Rep<'a> {
    endpoint: Endpoint,
    name: String,
    container: &'a Container,
    service: &'a topoc_model::Service,
    addrs: BTreeMap<NetworkId, IpAddr>,
    /// Other containers of the class (the next member, and another replica of this
    /// service), to probe member to member (§1.1, ICC).
    peers: Vec<(String, &'a Container)>,
}

/// Every probe of a run, and which template instances were probed.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) probes: Vec<Probe>,
    /// One line per template: the instances probed, and those deployed but not probed.
    pub(crate) sampling: Vec<String>,
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

/// Why some of the spec's services get no probes on this target.
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
                    format!(
                        "{}: a stack cannot keep it off every network or in another's namespace; not probed",
                        s.name
                    )
                }),
        )
        .collect()
}

/// Every probe of the run, in a fixed order.
pub(crate) fn plan(input: &Input<'_>) -> Plan {
    let planner = Planner {
        input,
        gateways: match input.target {
            Target::Swarm => BTreeMap::new(),
            Target::Compose => model_gateways(input.deployed),
        },
        reps: representatives(input),
    };
    let mut probes = planner.probes();
    probes.extend(address_probes(input));
    Plan { probes, sampling: sampling(input, &planner.reps) }
}

/// For each template, which instances have a probed class and which do not.
fn sampling(input: &Input<'_>, reps: &[Rep<'_>]) -> Vec<String> {
    let classes = &input.analysis.classes;
    let probed: BTreeSet<(topoc_model::TemplateId, u32)> = reps
        .iter()
        .filter_map(|r| classes.classes.iter().find(|c| Endpoint::Class(c.id) == r.endpoint)?.origin)
        .collect();
    input
        .topo
        .templates
        .iter()
        .map(|t| {
            let mut sampled = Vec::new();
            let mut not = Vec::new();
            for (i, name) in t.instances.iter().enumerate() {
                let list = if probed.contains(&(t.id, i as u32)) { &mut sampled } else { &mut not };
                list.push(name.as_str());
            }
            let names = |v: &[&str]| v.join(", ");
            let mut line = format!(
                "template `{}`: instances probed: {}",
                t.name,
                if sampled.is_empty() { "none".into() } else { names(&sampled) }
            );
            if !not.is_empty() {
                line.push_str(&format!(
                    "; deployed, not probed (at most {} per template, or no deployable class): {}",
                    input.instance_bound,
                    names(&not)
                ));
            }
            line
        })
        .collect()
}

/// An `address` probe for every running container of the deployment on each of its
/// networks: every replica, member and template instance, sampled or not. The model's address
/// is the expectation, the engine's the observation.
fn address_probes(input: &Input<'_>) -> Vec<Probe> {
    let mut out = Vec::new();
    for s in &input.topo.services {
        let names = deploy::compose_names(s);
        let expanded = names.len() > 1;
        let deployed = input.deployed.service(s.id);
        let networks = topoc_reach::classes::effective_networks(input.topo, s);
        for (k, name) in names.iter().enumerate() {
            let containers: Vec<&Container> = input.containers.iter().filter(|c| c.service == *name).collect();
            let several = containers.len() > 1;
            for (j, c) in containers.into_iter().enumerate() {
                // The replica whose static address applies: the one a per-replica service is.
                let replica = if expanded { k } else { 0 };
                let who = match (expanded, several) {
                    (true, _) => format!("{} (replica {})", s.name, k + 1),
                    (false, true) => format!("{} (container {})", s.name, j + 1),
                    (false, false) => s.name.clone(),
                };
                for n in &networks {
                    let Some(ip) = address_on(input, c, *n) else { continue };
                    let network = input.deployed.network(*n);
                    out.extend(crate::observe::address_probe(&who, network, deployed.attachment(*n), replica, ip));
                }
            }
        }
    }
    out
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
        // Instances of a template are stamped alike: past the bound, more would only repeat
        // the same-instance and across-instance probes (their addresses are still compared).
        if class.origin.is_some_and(|(_, instance)| instance >= input.instance_bound) {
            continue;
        }
        let compose_name = deploy::compose_names(service)[0].clone();
        let Some(container) = input.containers.iter().find(|c| c.service == compose_name) else { continue };
        let addrs = topoc_reach::classes::effective_networks(topo, service)
            .iter()
            .filter_map(|n| Some((*n, address_on(input, container, *n)?)))
            .collect();
        // Two members of one class must behave alike towards each other: the next member, and
        // another replica of this one, when there are.
        let member = class.members.get(1).and_then(|m| {
            let s = topo.service(*m);
            let name = deploy::compose_names(s)[0].clone();
            input.containers.iter().find(|c| c.service == name).map(|c| (s.name.clone(), c))
        });
        let replica = {
            let names = deploy::compose_names(service);
            input
                .containers
                .iter()
                .filter(|c| names.contains(&c.service))
                .find(|c| c.id != container.id)
                .map(|c| (format!("{} (another replica)", service.name), c))
        };
        let peers = member.into_iter().chain(replica).collect();
        reps.push(Rep {
            endpoint: Endpoint::Class(class.id),
            name: service.name.clone(),
            container,
            service,
            addrs,
            peers,
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
        for a in &self.reps {
            for b in self.reps.iter().filter(|b| b.endpoint != a.endpoint) {
                self.between(a, b, &mut probes);
            }
            self.outbound(a, &mut probes);
        }
        for b in &self.reps {
            self.inbound(b, &mut probes);
        }
        for b in &self.reps {
            self.unpublished_direct_routing(b, &mut probes);
        }
        probes
    }

    /// The network the model says `service`'s default route goes through (§1.3).
    fn gateway_network(&self, service: &topoc_model::Service) -> Option<NetworkId> {
        let input = self.input;
        let engine_name = |n: NetworkId| deploy::engine_network_name(input.project, input.deployed.network(n));
        topoc_reach::graph::gateway_network(input.topo, service, &input.analysis.engine, &engine_name)
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
        for (peer_name, peer) in &a.peers {
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
        // §1.3: which network a container on several networks with egress routes out through
        // (its gateway endpoint). Compared, not connected: the agent reports the address its
        // kernel sends from toward the stand-in internet (`route` probes, sent apart).
        if input.target == Target::Compose {
            let open = a
                .addrs
                .keys()
                .filter(|n| input.deployed.network(**n).egress && input.deployed.network(**n).driver == Driver::Bridge)
                .count();
            if let (true, Some(n)) = (open > 1, self.gateway_network(a.service)) {
                out.push(probe(
                    Kind::Route,
                    &a.name,
                    "external",
                    format!("default route through `{}`", self.network_name(n)),
                    origin.clone(),
                    direct(sock(a.addrs[&n], 0)),
                    true,
                ));
            }
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
        let mut beyond_probed = false;
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
                // §6: off every LAN's subnet, through the member's default route: reached where
                // that route is a LAN network. Every LAN router holds BEYOND_LAN, so a member on
                // two LANs reaches it through either: one probe per member, which names the
                // network the model routes through (the `route` probe compares bridges).
                if !beyond_probed {
                    beyond_probed = true;
                    let gateway = self.gateway_network(a.service);
                    let through_lan = gateway.is_some_and(|g| input.lan_hosts.contains_key(&g));
                    out.push(probe(
                        Kind::Lan,
                        &a.name,
                        "LAN host",
                        format!(
                            "{BEYOND_LAN}, off every LAN's subnet (default route: {})",
                            gateway.map_or_else(|| "none".to_owned(), |g| format!("`{}`", self.network_name(g)))
                        ),
                        origin.clone(),
                        direct(sock(BEYOND_LAN.into(), PROBE_PORT)),
                        through_lan && input.target == Target::Compose,
                    ));
                }
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
            // §3.4: a port bound to 127.0.0.1, from an L2 neighbour sending to 127.0.0.1
            // through the host (the stand-in is one, `host::loopback_through_host`).
            if p.host_ip.is_some_and(|ip| ip.is_loopback()) && input.target == Target::Compose {
                out.push(probe(
                    Kind::Ingress,
                    "external",
                    &b.name,
                    format!("127.0.0.1:{published} from an L2 neighbour"),
                    Origin::Internet,
                    direct(sock(Ipv4Addr::LOCALHOST.into(), published)),
                    reaches_published,
                ));
            }
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

    /// §3.4 direct routing to a port nothing publishes (the agent's own): the stand-in, routing
    /// through the host, to the address of a container with one network that has egress.
    fn unpublished_direct_routing(&self, b: &Rep<'_>, out: &mut Vec<Probe>) {
        let input = self.input;
        let Some(forward_drop) = input.forward_drop.filter(|_| input.target == Target::Compose) else { return };
        let open: Vec<(&NetworkId, &IpAddr)> =
            b.addrs.iter().filter(|(n, _)| input.deployed.network(**n).egress).collect();
        let published_target = b.service.ports.iter().any(|p| p.target == PROBE_PORT);
        if let ([(n, ip)], false) = (open.as_slice(), published_target)
            && input.deployed.network(**n).driver == Driver::Bridge
        {
            let forward = if forward_drop { "DROP" } else { "ACCEPT" };
            out.push(probe(
                Kind::Ingress,
                "external",
                &b.name,
                format!("container address, unpublished port {PROBE_PORT} (direct routing, FORWARD {forward})"),
                Origin::Internet,
                direct(sock(**ip, PROBE_PORT)),
                input.analysis.engine.direct_routing_to_unpublished_ports(forward_drop),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{PROJECT, analysis, container, deployed, topology};

    fn containers(list: &[crate::inspect::Container]) -> Vec<Container> {
        list.iter().map(|c| Container::from_inspect(c, PROJECT).expect("labelled")).collect()
    }

    fn planned(topo: &Topology, running: &[Container]) -> Plan {
        planned_on(topo, running, &analysis(topo, Target::Compose), None)
    }

    /// The plan of a compose run on engine profile `engine`, with the host's FORWARD policy.
    fn planned_for(topo: &Topology, running: &[Container], engine: &str, forward_drop: Option<bool>) -> Plan {
        let profile = topoc_reach::EngineProfile::parse(engine).expect("an engine profile");
        planned_on(topo, running, &topoc_reach::analyze(topo, profile), forward_drop)
    }

    fn planned_on(topo: &Topology, running: &[Container], a: &Analysis, forward_drop: Option<bool>) -> Plan {
        let t = deployed(topo);
        let lan = BTreeMap::new();
        plan(&Input {
            topo,
            deployed: &t,
            analysis: a,
            project: PROJECT,
            containers: running,
            lan_hosts: &lan,
            host_port: 47_001,
            gwbridge: None,
            host_addr: None,
            forward_drop,
            target: Target::Compose,
            instance_bound: INSTANCE_BOUND,
        })
    }

    fn of_kind<'a>(p: &'a Plan, kind: Kind, detail: &str) -> Vec<&'a Probe> {
        p.probes.iter().filter(|x| x.kind == kind && x.detail.contains(detail)).collect()
    }

    fn direct_between<'a>(p: &'a Plan, from: &str, to: &str) -> Vec<&'a Probe> {
        p.probes.iter().filter(|x| x.kind == Kind::Direct && x.from == from && x.to == to).collect()
    }

    #[test]
    fn two_members_of_a_class_and_two_replicas_probe_each_other() {
        // a and b are one class (same networks); a also has a second replica. On `quiet`
        // (icc off) the model expects them blocked, on `open` reachable.
        let topo = topology(
            "topology: t
networks:
  quiet: { subnet: 10.63.0.0/24, icc: false }
  open: { subnet: 10.64.0.0/24 }
services:
  a: { image: x, replicas: 2, networks: [quiet, open] }
  b: { image: x, networks: [quiet, open] }
",
        );
        let running = containers(&[
            container("a1", "a", &[("quiet", "10.63.0.2"), ("open", "10.64.0.2")]),
            container("a2", "a", &[("quiet", "10.63.0.3"), ("open", "10.64.0.3")]),
            container("b1", "b", &[("quiet", "10.63.0.4"), ("open", "10.64.0.4")]),
        ]);
        let p = planned(&topo, &running);
        for peer in ["b", "a (another replica)"] {
            let probes = direct_between(&p, "a", peer);
            let on = |n: &str| probes.iter().find(|x| x.detail.contains(n)).map(|x| x.expected);
            assert_eq!((on("`quiet`"), on("`open`")), (Some(false), Some(true)), "{peer}: {probes:#?}");
        }
        // Every container's addresses are compared, each replica's too.
        let compared: BTreeSet<&str> =
            p.probes.iter().filter(|x| x.kind == Kind::Address).map(|x| x.from.as_str()).collect();
        assert_eq!(compared, ["a (container 1)", "a (container 2)", "b"].into_iter().collect());
    }

    #[test]
    fn template_instances_are_probed_up_to_the_bound_and_the_rest_named() {
        let ids: Vec<String> = (0..INSTANCE_BOUND + 2).map(|i| format!("i{i}")).collect();
        let topo = topology(&format!(
            "topology: t
pools:
  p: {{ range: 10.70.0.0/16, prefix: 24 }}
templates:
  tenant:
    instances: [{}]
    networks: {{ \"net-{{id}}\": {{ pool: p }} }}
    services: {{ \"app-{{id}}\": {{ image: x, networks: {{ \"net-{{id}}\": {{ ip: .5 }} }} }} }}
",
            ids.join(", ")
        ));
        let list: Vec<crate::inspect::Container> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                container(&format!("c{k}"), &format!("app-{id}"), &[(&format!("net-{id}"), &format!("10.70.{k}.5"))])
            })
            .collect();
        let p = planned(&topo, &containers(&list));
        let egress: BTreeSet<&str> =
            p.probes.iter().filter(|x| x.kind == Kind::Egress).map(|x| x.from.as_str()).collect();
        let bound = INSTANCE_BOUND as usize;
        assert_eq!(
            egress,
            ids[..bound]
                .iter()
                .map(|i| format!("app-{i}"))
                .collect::<BTreeSet<_>>()
                .iter()
                .map(String::as_str)
                .collect()
        );
        assert_eq!(p.sampling.len(), 1);
        let line = &p.sampling[0];
        assert!(line.contains(&format!("instances probed: {}", ids[..bound].join(", "))), "{line}");
        assert!(line.ends_with(&ids[bound..].join(", ")), "{line}");
        // The instances past the bound still have their addresses compared.
        let compared = p.probes.iter().filter(|x| x.kind == Kind::Address && x.observed == Some(true)).count();
        assert_eq!(compared, ids.len());
    }

    #[test]
    fn each_replica_is_compared_with_its_own_static_address() {
        let topo = topology(
            "topology: t
networks:
  m: { subnet: 10.65.0.0/24 }
services:
  pool: { image: x, replicas: 2, networks: { m: { range: .10-.11 } } }
",
        );
        // The engine swapped the two replicas' addresses.
        let running = containers(&[
            container("p1", "pool-1", &[("m", "10.65.0.11")]),
            container("p2", "pool-2", &[("m", "10.65.0.10")]),
        ]);
        let p = planned(&topo, &running);
        let verdicts: Vec<(&str, Option<bool>)> =
            p.probes.iter().filter(|x| x.kind == Kind::Address).map(|x| (x.from.as_str(), x.observed)).collect();
        assert_eq!(verdicts, [("pool (replica 1)", Some(false)), ("pool (replica 2)", Some(false))]);
        assert!(p.probes.iter().filter(|x| x.kind == Kind::Address).all(|x| x.expected));
    }

    #[test]
    fn a_template_with_all_instances_probed_says_so() {
        let topo = topology(
            "topology: t
pools:
  p: { range: 10.71.0.0/16, prefix: 24 }
templates:
  tenant:
    instances: [alpha, beta]
    networks: { \"net-{id}\": { pool: p } }
    services: { \"app-{id}\": { image: x, networks: [\"net-{id}\"] } }
",
        );
        let running = containers(&[
            container("a", "app-alpha", &[("net-alpha", "10.71.0.2")]),
            container("b", "app-beta", &[("net-beta", "10.71.1.2")]),
        ]);
        assert_eq!(planned(&topo, &running).sampling, ["template `tenant`: instances probed: alpha, beta"]);
    }

    const GATEWAY_PRIORITY: &str = "topology: t
networks:
  a-first: { subnet: 10.72.1.0/24, egress: true }
  z-last: { subnet: 10.72.2.0/24, egress: true }
  quiet: { subnet: 10.72.3.0/24 }
services:
  prio: { image: x, networks: { a-first: {}, z-last: { gw_priority: 10 } }, ports: [\"18075:75\"] }
  single: { image: x, networks: [a-first, quiet] }
";

    fn gateway_priority_containers() -> Vec<Container> {
        containers(&[
            container("c-prio", "prio", &[("a-first", "10.72.1.2"), ("z-last", "10.72.2.2")]),
            container("c-single", "single", &[("a-first", "10.72.1.3"), ("quiet", "10.72.3.3")]),
        ])
    }

    #[test]
    fn a_route_probe_only_for_several_egress_bridges_pointing_at_the_models_gateway_network() {
        let topo = topology(GATEWAY_PRIORITY);
        let running = gateway_priority_containers();
        // 28.5 applies gw_priority: `z-last`, and the probe's target is prio's address there.
        let p = planned_for(&topo, &running, "28.5", None);
        let routes = of_kind(&p, Kind::Route, "");
        assert_eq!(routes.len(), 1, "only `prio` has two networks with egress: {routes:#?}");
        let route = routes[0];
        assert_eq!((route.from.as_str(), route.origin.clone()), ("prio", Origin::Container("c-prio".into())));
        assert_eq!(route.detail, "default route through `z-last`");
        assert_eq!(route.target.addr.ip(), "10.72.2.2".parse::<IpAddr>().expect("ip"));
        assert!(route.expected);
        // Before 28.0 the priority is not applied: the network name decides.
        let p = planned_for(&topo, &running, "26.1", None);
        let routes = of_kind(&p, Kind::Route, "");
        assert_eq!(routes.len(), 1, "{routes:#?}");
        assert_eq!(routes[0].detail, "default route through `a-first`");
        assert_eq!(routes[0].target.addr.ip(), "10.72.1.2".parse::<IpAddr>().expect("ip"));
    }

    #[test]
    fn a_stack_gets_no_route_probe() {
        let topo = topology(GATEWAY_PRIORITY);
        let running = gateway_priority_containers();
        let t = deployed(&topo);
        let a = analysis(&topo, Target::Swarm);
        let lan = BTreeMap::new();
        let p = plan(&Input {
            topo: &topo,
            deployed: &t,
            analysis: &a,
            project: PROJECT,
            containers: &running,
            lan_hosts: &lan,
            host_port: 47_001,
            gwbridge: None,
            host_addr: None,
            forward_drop: Some(false),
            target: Target::Swarm,
            instance_bound: INSTANCE_BOUND,
        });
        assert!(of_kind(&p, Kind::Route, "").is_empty());
        assert!(of_kind(&p, Kind::Ingress, "unpublished").is_empty());
    }

    const LOOPBACK: &str = "topology: t
networks:
  edge: { subnet: 10.73.1.0/24, egress: true }
services:
  local: { image: x, networks: [edge], ports: [\"127.0.0.1:18095:95\"] }
  open: { image: x, networks: [edge], ports: [\"18096:96\"] }
";

    #[test]
    fn a_loopback_bound_port_from_an_l2_neighbour_is_reached_before_28_only() {
        let topo = topology(LOOPBACK);
        let running = containers(&[
            container("c-local", "local", &[("edge", "10.73.1.2")]),
            container("c-open", "open", &[("edge", "10.73.1.3")]),
        ]);
        for (engine, reached) in [("26.1", true), ("20.10", true), ("28.5", false)] {
            let p = planned_for(&topo, &running, engine, None);
            let probes = of_kind(&p, Kind::Ingress, "from an L2 neighbour");
            assert_eq!(probes.len(), 1, "{engine}: only the 127.0.0.1-bound port: {probes:#?}");
            let probe = probes[0];
            assert_eq!((probe.to.as_str(), probe.origin.clone()), ("local", Origin::Internet));
            assert_eq!(probe.target.to_string(), "127.0.0.1:18095");
            assert_eq!(probe.expected, reached, "{engine}");
            // The same port through a host address is blocked on every engine.
            let through_host = of_kind(&p, Kind::Ingress, "host port 18095");
            assert_eq!(through_host.iter().map(|x| x.expected).collect::<Vec<_>>(), [false], "{engine}");
        }
    }

    #[test]
    fn direct_routing_to_an_unpublished_port_follows_the_forward_policy_before_28() {
        let topo = topology(LOOPBACK);
        let running = containers(&[
            container("c-local", "local", &[("edge", "10.73.1.2")]),
            container("c-open", "open", &[("edge", "10.73.1.3")]),
        ]);
        let cases = [
            ("26.1", Some(false), Some(true)),
            ("26.1", Some(true), Some(false)),
            ("20.10", Some(false), Some(true)),
            ("28.5", Some(false), Some(false)),
            ("28.5", Some(true), Some(false)),
            // An unread policy: not probed.
            ("26.1", None, None),
        ];
        for (engine, forward_drop, expected) in cases {
            let p = planned_for(&topo, &running, engine, forward_drop);
            let probes = of_kind(&p, Kind::Ingress, "unpublished port");
            let verdicts: BTreeSet<Option<bool>> = probes.iter().map(|x| Some(x.expected)).collect();
            let want: BTreeSet<Option<bool>> = expected.into_iter().map(Some).collect();
            assert_eq!(verdicts, want, "{engine} {forward_drop:?}: {probes:#?}");
            if let Some(drop) = forward_drop {
                assert_eq!(probes.len(), 2, "one per container with one egress bridge");
                let policy = if drop { "FORWARD DROP" } else { "FORWARD ACCEPT" };
                assert!(probes.iter().all(|x| x.detail.contains(policy)), "{probes:#?}");
                assert!(probes.iter().all(|x| x.target.addr.port() == PROBE_PORT));
            }
        }
    }
}
