//! The reachability graph: who can open a connection to whom, on which ports, and why.
//!
//! Nodes are classes of services plus the Docker host and the outside world (the internet and
//! the LAN). A directed edge carries every reason ("hop") its source reaches its target. Each
//! rule below cites the section of docs/semantics.md it encodes.

use crate::classes::{Class, ClassId, Classes, ModeKind};
use crate::engine::EngineProfile;
use crate::ports::PortSet;
use foldhash::{HashMap, HashSet};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use topoc_model::{Driver, NetworkId, ServiceId, Topology};

/// A point traffic starts from or arrives at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    Class(ClassId),
    Host,
    External,
}

/// Why a source reaches a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// Both on this network (§1.1: every port, while ICC is on).
    Network(NetworkId),
    /// The host into a bridge network it has an address on (§3.1, §2.2).
    HostRoute(NetworkId),
    /// A container to host services, through its bridge's gateway address (§3.2).
    ToHost(NetworkId),
    /// Out through a non-internal network's NAT (§3.5).
    Egress(NetworkId),
    /// On a macvlan/ipvlan segment: the LAN and the container reach each other directly (§6).
    Lan(NetworkId),
    /// A port published on the host (§3.4), reached through a host address (§1.2).
    /// `port` is the host port; `None` when the engine picks a free one.
    Published { service: ServiceId, port: Option<u16> },
    /// Forwarded by a declared relay (§1.3: a multi-homed container routes nothing by itself,
    /// but an application relay does).
    Relay { relay: ServiceId, index: u16 },
    /// `network_mode: host`: the container is the host's network stack (§10.5).
    HostNamespace(ServiceId),
    /// Swarm's routing mesh: a service with ingress-mode ports is attached to `ingress` and
    /// docker_gwbridge, which gives it egress (§4).
    RoutingMesh(ServiceId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub via: Via,
    pub ports: PortSet,
}

/// The reachability graph of a topology.
#[derive(Debug)]
pub struct Reach {
    pub graph: DiGraph<Endpoint, Vec<Hop>>,
    pub host: NodeIndex,
    pub external: NodeIndex,
    edges: HashMap<(NodeIndex, NodeIndex), EdgeIndex>,
    /// The hops already on each edge: two classes multi-homed into thousands of networks
    /// share a hop per network, and a scan of the edge's hops per addition is quadratic.
    seen: HashSet<(EdgeIndex, Via)>,
}

impl Reach {
    pub fn node(&self, e: Endpoint) -> NodeIndex {
        match e {
            Endpoint::Class(c) => NodeIndex::new(c.index()),
            Endpoint::Host => self.host,
            Endpoint::External => self.external,
        }
    }

    /// The hops from `a` to `b` (empty: unreachable).
    pub fn hops(&self, a: Endpoint, b: Endpoint) -> &[Hop] {
        self.edges.get(&(self.node(a), self.node(b))).map_or(&[], |e| self.graph[*e].as_slice())
    }

    /// Every port `a` reaches `b` on.
    pub fn ports(&self, a: Endpoint, b: Endpoint) -> PortSet {
        self.hops(a, b).iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports))
    }

    fn add(&mut self, a: Endpoint, b: Endpoint, via: Via, ports: PortSet) -> bool {
        if ports.is_empty() {
            return false;
        }
        let (na, nb) = (self.node(a), self.node(b));
        let edge = match self.edges.get(&(na, nb)) {
            Some(e) => *e,
            None => {
                let e = self.graph.add_edge(na, nb, Vec::new());
                self.edges.insert((na, nb), e);
                e
            }
        };
        if !self.seen.insert((edge, via)) {
            return false;
        }
        self.graph[edge].push(Hop { via, ports });
        true
    }

    /// Every edge as (source, target, hops), in a stable order.
    pub fn edges(&self) -> Vec<(Endpoint, Endpoint, &[Hop])> {
        let mut out: Vec<_> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                Some((self.graph[a], self.graph[b], self.graph[e].as_slice()))
            })
            .collect();
        out.sort_by_key(|(a, b, _)| (*a, *b));
        out
    }
}

fn is_loopback(ip: Option<std::net::IpAddr>) -> bool {
    ip.is_some_and(|ip| ip.is_loopback())
}

/// Whether a class is on a non-internal bridge or overlay network (NAT egress, a gateway
/// endpoint that carries port mappings, a route to host addresses).
pub fn has_egress_network(topo: &Topology, class: &Class) -> bool {
    class.networks.iter().any(|n| {
        let net = topo.network(*n);
        net.egress && matches!(net.driver, Driver::Bridge | Driver::Overlay)
    })
}

/// Whether Docker really publishes a service's ports. Compose: only through a non-internal
/// network, which is what the gateway endpoint is whenever the service has one (§1.3, §2.3;
/// observed on 20.10.24: an internal-only service publishes nothing). Swarm: the routing mesh
/// publishes ingress-mode ports regardless (§4).
pub fn publishes(topo: &Topology, class: &Class, engine: &EngineProfile) -> bool {
    has_egress_network(topo, class)
        || (engine.routing_mesh()
            && class
                .members
                .first()
                .is_some_and(|s| topo.service(*s).ports.iter().any(|p| p.mode == topoc_model::PortMode::Ingress)))
}

/// `publishes` for one service: the same rule, over the networks it is effectively on.
pub fn service_publishes(topo: &Topology, service: &topoc_model::Service, engine: &EngineProfile) -> bool {
    let egress = crate::classes::effective_networks(topo, service).iter().any(|n| {
        let net = topo.network(*n);
        net.egress && matches!(net.driver, Driver::Bridge | Driver::Overlay)
    });
    egress || (engine.routing_mesh() && service.ports.iter().any(|p| p.mode == topoc_model::PortMode::Ingress))
}

/// A host port in words: `8080`, or `an ephemeral port` when the engine picks it.
pub fn host_port_text(port: Option<u16>) -> String {
    port.map_or_else(|| "an ephemeral port".to_owned(), |p| p.to_string())
}

pub fn build(topo: &Topology, classes: &Classes, engine: &EngineProfile) -> Reach {
    let mut graph = DiGraph::with_capacity(classes.classes.len() + 2, classes.classes.len() * 4);
    for c in &classes.classes {
        graph.add_node(Endpoint::Class(c.id));
    }
    let host = graph.add_node(Endpoint::Host);
    let external = graph.add_node(Endpoint::External);
    let mut reach = Reach { graph, host, external, edges: HashMap::default(), seen: HashSet::default() };

    // Members of each network, as classes.
    let mut members: Vec<Vec<ClassId>> = vec![Vec::new(); topo.networks.len()];
    for c in &classes.classes {
        for n in &c.networks {
            members[n.index()].push(c.id);
        }
    }
    for (index, classes_on) in members.iter().enumerate() {
        let network = &topo.networks[index];
        let id = network.id;
        let driver = engine.effective_driver(network.driver);
        // §1.1: same network, every port; `enable_icc=false` (bridge) drops member-to-member.
        if network.icc || driver != Driver::Bridge {
            for &a in classes_on {
                for &b in classes_on {
                    if a != b || distinct_services(topo, &classes.classes[a.index()]) > 1 {
                        reach.add(Endpoint::Class(a), Endpoint::Class(b), Via::Network(id), PortSet::All);
                    }
                }
            }
        }
        for &c in classes_on {
            let cls = Endpoint::Class(c);
            match driver {
                Driver::Bridge => {
                    // §3.1/§2.2: the host reaches bridge members, internal ones too (engine-dependent).
                    if network.egress || engine.host_reaches_internal_bridges() {
                        reach.add(Endpoint::Host, cls, Via::HostRoute(id), PortSet::All);
                    }
                    // §3.2: members reach host services on their gateway address — which an
                    // internal bridge lacks on the engines where the host cannot reach it (§2.2).
                    if network.egress || engine.host_reaches_internal_bridges() {
                        reach.add(cls, Endpoint::Host, Via::ToHost(id), PortSet::All);
                    }
                    if network.egress {
                        reach.add(cls, Endpoint::External, Via::Egress(id), PortSet::All);
                    }
                }
                Driver::Overlay => {
                    // §4: a non-internal overlay gives egress through docker_gwbridge.
                    if network.egress {
                        reach.add(cls, Endpoint::External, Via::Egress(id), PortSet::All);
                        reach.add(cls, Endpoint::Host, Via::ToHost(id), PortSet::All);
                    }
                }
                Driver::Macvlan | Driver::Ipvlan => {
                    // §6: on the LAN segment both ways on every port, `internal` or not (it only
                    // drops the default route); the host cannot reach its own macvlan children.
                    reach.add(cls, Endpoint::External, Via::Lan(id), PortSet::All);
                    reach.add(Endpoint::External, cls, Via::Lan(id), PortSet::All);
                }
            }
        }
    }

    // Published ports (§3.4, §1.2).
    let egress_classes: Vec<ClassId> = classes
        .classes
        .iter()
        .filter(|c| {
            c.mode != ModeKind::Host && (has_egress_network(topo, c) || engine.internal_only_reaches_published_ports())
        })
        .filter(|c| !c.networks.is_empty())
        .map(|c| c.id)
        .collect();
    for c in &classes.classes {
        if !publishes(topo, c, engine) || c.mode == ModeKind::Host {
            continue;
        }
        let service = topo.service(c.members[0]);
        if engine.routing_mesh()
            && !has_egress_network(topo, c)
            && service.ports.iter().any(|p| p.mode == topoc_model::PortMode::Ingress)
        {
            reach.add(Endpoint::Class(c.id), Endpoint::External, Via::RoutingMesh(service.id), PortSet::All);
            // docker_gwbridge is a bridge with a host address: the task reaches the host too.
            reach.add(Endpoint::Class(c.id), Endpoint::Host, Via::RoutingMesh(service.id), PortSet::All);
        }
        for p in &service.ports {
            let via = Via::Published { service: service.id, port: p.published };
            let ports = PortSet::of([p.target]);
            let target = Endpoint::Class(c.id);
            reach.add(Endpoint::Host, target, via, ports.clone());
            let loopback = engine.honours_host_ip() && is_loopback(p.host_ip);
            if !loopback || engine.loopback_ports_reachable_from_lan() {
                reach.add(Endpoint::External, target, via, ports.clone());
            }
            if !loopback {
                for &from in &egress_classes {
                    if from != c.id || distinct_services(topo, c) > 1 {
                        reach.add(Endpoint::Class(from), target, via, ports.clone());
                    }
                }
            }
        }
    }

    // network_mode: host — the host's stack: everything the host reaches, the outside world
    // both ways, and every port from containers through host addresses (§10.5).
    let host_view: Vec<(Endpoint, Vec<Hop>)> = reach
        .graph
        .edges(reach.host)
        .map(|e| (reach.graph[petgraph::visit::EdgeRef::target(&e)], e.weight().clone()))
        .collect();
    for c in classes.classes.iter().filter(|c| c.mode == ModeKind::Host) {
        let me = Endpoint::Class(c.id);
        let via = Via::HostNamespace(c.members[0]);
        for (target, hops) in &host_view {
            for h in hops {
                reach.add(me, *target, h.via, h.ports.clone());
            }
        }
        reach.add(me, Endpoint::External, via, PortSet::All);
        reach.add(Endpoint::External, me, via, PortSet::All);
        reach.add(Endpoint::Host, me, via, PortSet::All);
        reach.add(me, Endpoint::Host, via, PortSet::All);
        // Whoever reaches host services (§3.2) reaches what this service listens on.
        let to_host: Vec<(Endpoint, Vec<Hop>)> = reach
            .graph
            .edges_directed(reach.host, petgraph::Direction::Incoming)
            .map(|e| (reach.graph[petgraph::visit::EdgeRef::source(&e)], e.weight().clone()))
            .collect();
        for (from, hops) in to_host {
            if from != me && from != Endpoint::External {
                for h in hops {
                    reach.add(from, me, h.via, h.ports);
                }
            }
        }
    }

    relays(topo, classes, &mut reach);
    reach
}

/// Containers in a class: replicas of one service reach each other like two services do.
fn distinct_services(topo: &Topology, class: &Class) -> usize {
    class.members.iter().map(|s| topo.service(*s).replicas.max(1) as usize).sum()
}

/// Relays make reachability transitive: whoever reaches the relay (on its listen port) reaches
/// the relay's targets on the relay's ports — as far as the relay itself reaches them.
fn relays(topo: &Topology, classes: &Classes, reach: &mut Reach) {
    let relay_list: Vec<(ServiceId, usize)> =
        topo.services.iter().flat_map(|s| (0..s.relays.len()).map(move |i| (s.id, i))).collect();
    // Chains of relays converge within one round per relay.
    for _ in 0..=relay_list.len() {
        let mut changed = false;
        for &(sid, index) in &relay_list {
            let relay = &topo.service(sid).relays[index];
            let me = Endpoint::Class(classes.of_service[sid.index()]);
            let relay_ports = PortSet::from_list(&relay.ports);
            let listen = relay.listen.map(|p| PortSet::of([p])).unwrap_or_else(|| relay_ports.clone());
            let targets = crate::select::endpoints(topo, classes, &relay.to);
            let sources: Vec<Endpoint> = reach
                .graph
                .node_indices()
                .map(|n| reach.graph[n])
                .filter(|s| *s != me && !reach.ports(*s, me).intersect(&listen).is_empty())
                .collect();
            for t in targets {
                let through = reach.ports(me, t).intersect(&relay_ports);
                if through.is_empty() {
                    continue;
                }
                let via = Via::Relay { relay: sid, index: index as u16 };
                for &s in &sources {
                    if s != t {
                        changed |= reach.add(s, t, via, through.clone());
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}
