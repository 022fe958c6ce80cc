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
use topoc_model::{Driver, NetworkId, SelectorTarget, ServiceId, Topology};

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
    /// Where each reason already is on its edge: two classes multi-homed into thousands of
    /// networks share a hop per network, and a scan of the edge's hops per addition is
    /// quadratic. A reason added again with more ports widens its hop.
    seen: HashMap<(EdgeIndex, Via), u32>,
    /// The most edges the model may hold ([`MAX_EDGES`] unless a test lowers it), and twice
    /// as many reasons (hops).
    limit: usize,
    /// The reason whose edge would have passed `limit`: the graph is incomplete.
    overflow: Option<Via>,
}

/// The most class pairs (edges) the reachability model holds, about 200 bytes each with their
/// reasons, of which it holds at most twice as many: the tenants workload at N = 50,000 needs
/// about 1.3 million edges. Past either the analysis is refused with `topoc::resource-limit`
/// rather than taking the machine's memory (docs/benchmarks.md). Every reason is kept, since
/// findings name each thing that grants a pair: `n` services relaying to one glob over a
/// shared network are `n` reasons on each of `n²` edges.
pub const MAX_EDGES: usize = 4_000_000;

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

    /// Add a reason `a` reaches `b`; whether the graph changed.
    fn add(&mut self, a: Endpoint, b: Endpoint, via: Via, ports: PortSet) -> bool {
        if ports.is_empty() || self.overflow.is_some() {
            return false;
        }
        let (na, nb) = (self.node(a), self.node(b));
        let edge = match self.edges.get(&(na, nb)) {
            Some(e) => *e,
            None => {
                if self.graph.edge_count() >= self.limit {
                    self.overflow = Some(via);
                    return false;
                }
                let e = self.graph.add_edge(na, nb, Vec::new());
                self.edges.insert((na, nb), e);
                e
            }
        };
        let hops = &mut self.graph[edge];
        match self.seen.get(&(edge, via)) {
            Some(&i) => {
                let hop = &mut hops[i as usize];
                let wider = hop.ports.union(&ports);
                let changed = wider != hop.ports;
                hop.ports = wider;
                changed
            }
            None => {
                if self.seen.len() >= 2 * self.limit {
                    self.overflow = Some(via);
                    return false;
                }
                self.seen.insert((edge, via), hops.len() as u32);
                hops.push(Hop { via, ports });
                true
            }
        }
    }

    /// The reason whose edge would have passed [`MAX_EDGES`]: the model is incomplete and
    /// the analysis must be refused.
    pub fn overflow(&self) -> Option<Via> {
        self.overflow
    }

    /// Every edge as (source, target, hops), in a stable order: by source, then target (node
    /// order is endpoint order). Gathered per source node, since one sort of every edge was a
    /// tenth of `check` at N = 5,000 (docs/benchmarks.md).
    pub fn edges(&self) -> Vec<(Endpoint, Endpoint, &[Hop])> {
        let mut out = Vec::with_capacity(self.graph.edge_count());
        let mut row: Vec<(NodeIndex, EdgeIndex)> = Vec::new();
        for a in self.graph.node_indices() {
            row.clear();
            row.extend(
                self.graph.edges(a).map(|e| (petgraph::visit::EdgeRef::target(&e), petgraph::visit::EdgeRef::id(&e))),
            );
            row.sort_unstable_by_key(|(b, _)| *b);
            out.extend(row.iter().map(|(b, e)| (self.graph[a], self.graph[*b], self.graph[*e].as_slice())));
        }
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

/// §1.3: the network that gives a service its default route (its gateway endpoint), among its
/// networks that give one (non-internal bridges; macvlan/ipvlan with a gateway, internal ones
/// per `EngineProfile::internal_lan_default_route`): the highest `gw_priority` where the
/// engine applies it (28.0), then the network name. None when it has no such network.
/// Observed by verify's `route` probe (tests/live/gateway-priority.yaml) and its `lan` probe
/// off the LAN's subnet (tests/live/macvlan-lan.yaml).
pub fn gateway_network(
    topo: &Topology,
    service: &topoc_model::Service,
    engine: &EngineProfile,
    engine_name: &dyn Fn(NetworkId) -> String,
) -> Option<NetworkId> {
    let priority = |n: NetworkId| {
        let p = service.attachment(n).and_then(|a| a.gw_priority).unwrap_or(0);
        if engine.gateway_priority() { p } else { 0 }
    };
    crate::classes::effective_networks(topo, service)
        .into_iter()
        .filter(|n| {
            let net = topo.network(*n);
            match engine.effective_driver(net.driver) {
                Driver::Bridge => net.egress,
                Driver::Macvlan | Driver::Ipvlan => {
                    net.effective_gateway().is_some() && (net.egress || engine.internal_lan_default_route())
                }
                Driver::Overlay => false,
            }
        })
        .min_by_key(|n| (std::cmp::Reverse(priority(*n)), engine_name(*n)))
}

/// A host port in words: `8080`, or `an ephemeral port` when the engine picks it.
pub fn host_port_text(port: Option<u16>) -> String {
    port.map_or_else(|| "an ephemeral port".to_owned(), |p| p.to_string())
}

pub fn build(topo: &Topology, classes: &Classes, engine: &EngineProfile) -> Reach {
    build_within(topo, classes, engine, MAX_EDGES)
}

/// [`build`] with another edge budget (tests of the limit).
pub fn build_within(topo: &Topology, classes: &Classes, engine: &EngineProfile, limit: usize) -> Reach {
    let mut graph = DiGraph::with_capacity(classes.classes.len() + 2, classes.classes.len() * 4);
    for c in &classes.classes {
        graph.add_node(Endpoint::Class(c.id));
    }
    let host = graph.add_node(Endpoint::Host);
    let external = graph.add_node(Endpoint::External);
    let mut reach =
        Reach { graph, host, external, edges: HashMap::default(), seen: HashMap::default(), limit, overflow: None };

    // Members of each network, as classes.
    let mut members: Vec<Vec<ClassId>> = vec![Vec::new(); topo.networks.len()];
    for c in &classes.classes {
        for n in &c.networks {
            members[n.index()].push(c.id);
        }
    }
    let open: Vec<bool> =
        topo.networks.iter().map(|n| n.icc || engine.effective_driver(n.driver) != Driver::Bridge).collect();
    if let Some(via) = past_the_limit(topo, classes, &members, &open, limit) {
        reach.overflow = Some(via);
        return reach;
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
                    // Without the userland proxy only a member of one of the publisher's
                    // networks gets through (hairpin NAT on that bridge).
                    let across = engine.published_ports_across_networks()
                        || classes.classes[from.index()].networks.iter().any(|n| c.networks.contains(n));
                    if across && (from != c.id || distinct_services(topo, c) > 1) {
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

    relays(topo, classes, &members, &mut reach);
    reach
}

/// A lower bound of what the model will hold, checked before building it: the pairs of
/// classes on each open network, and for each relay its targets on a network it shares times
/// the members of its largest open network (each reaches it on every port). The cause of the
/// first bound past the limit, if any, so absurd inputs are refused before taking memory.
fn past_the_limit(
    topo: &Topology,
    classes: &Classes,
    members: &[Vec<ClassId>],
    open: &[bool],
    limit: usize,
) -> Option<Via> {
    // A `Network` hop per ordered pair on each open network (two classes on two networks
    // share an edge, so these bound the hops, not the edges).
    let mut hops = 0usize;
    for (index, on) in members.iter().enumerate().filter(|(i, _)| open[*i]) {
        hops = hops.saturating_add(on.len().saturating_mul(on.len().saturating_sub(1)));
        if hops > 2 * limit {
            return Some(Via::Network(topo.networks[index].id));
        }
    }
    for s in &topo.services {
        let own = classes.of_service[s.id.index()];
        let class = &classes.classes[own.index()];
        let sources = class.networks.iter().filter(|n| open[n.index()]).map(|n| members[n.index()].len()).max();
        let Some(sources) = sources.map(|k| k.saturating_sub(1)) else { continue };
        for (index, relay) in s.relays.iter().enumerate() {
            let SelectorTarget::Services(ids) = &relay.to.target else { continue };
            // Distinct target classes other than its own that it reaches on every port.
            let mut targets: Vec<ClassId> = ids
                .iter()
                .map(|t| classes.of_service[t.index()])
                .filter(|t| {
                    *t != own
                        && classes.classes[t.index()]
                            .networks
                            .iter()
                            .any(|n| open[n.index()] && class.networks.binary_search(n).is_ok())
                })
                .collect();
            targets.sort_unstable();
            targets.dedup();
            let targets = targets.len();
            hops = hops.saturating_add(targets.saturating_mul(sources).saturating_sub(targets.min(sources)));
            if hops > 2 * limit {
                return Some(Via::Relay { relay: s.id, index: index as u16 });
            }
        }
    }
    None
}

/// Containers in a class: replicas of one service reach each other like two services do.
fn distinct_services(topo: &Topology, class: &Class) -> usize {
    class.members.iter().map(|s| topo.service(*s).replicas.max(1) as usize).sum()
}

/// One declared relay, with what it needs resolved once.
struct RelayAt {
    via: Via,
    node: NodeIndex,
    ports: PortSet,
    listen: PortSet,
    targets: Vec<Endpoint>,
}

/// Relays make reachability transitive: whoever reaches the relay (on its listen port) reaches
/// the relay's targets on the relay's ports — as far as the relay itself reaches them.
///
/// A least fixed point over a worklist: a relay is looked at again only when an edge into its
/// class (a new source) or out of it (more it reaches) changed, and its sources are its
/// incoming edges. (Rounds over every relay, each scanning every node for sources, made a
/// relay per tenant quadratic: docs/benchmarks.md.)
fn relays(topo: &Topology, classes: &Classes, on_network: &[Vec<ClassId>], reach: &mut Reach) {
    let list: Vec<RelayAt> = topo
        .services
        .iter()
        .flat_map(|s| s.relays.iter().enumerate().map(move |(i, r)| (s, i, r)))
        .map(|(s, index, relay)| {
            let ports = PortSet::from_list(&relay.ports);
            RelayAt {
                via: Via::Relay { relay: s.id, index: index as u16 },
                node: reach.node(Endpoint::Class(classes.of_service[s.id.index()])),
                listen: relay.listen.map(|p| PortSet::of([p])).unwrap_or_else(|| ports.clone()),
                ports,
                targets: match &relay.to.target {
                    // By the network's members: a relay per tenant to its own network would
                    // otherwise scan every class.
                    SelectorTarget::Network(n) => on_network[n.index()].iter().map(|c| Endpoint::Class(*c)).collect(),
                    _ => crate::select::endpoints(topo, classes, &relay.to),
                },
            }
        })
        .collect();
    let mut at_node: HashMap<NodeIndex, Vec<usize>> = HashMap::default();
    for (i, r) in list.iter().enumerate() {
        at_node.entry(r.node).or_default().push(i);
    }
    let mut queue: std::collections::VecDeque<usize> = (0..list.len()).collect();
    let mut queued = vec![true; list.len()];
    let mut touched: HashSet<NodeIndex> = HashSet::default();
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        let relay = &list[i];
        let me = reach.graph[relay.node];
        let mut sources: Vec<NodeIndex> = reach
            .graph
            .edges_directed(relay.node, petgraph::Direction::Incoming)
            .filter(|e| {
                let ports = e.weight().iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
                !ports.intersect(&relay.listen).is_empty()
            })
            .map(|e| petgraph::visit::EdgeRef::source(&e))
            .filter(|s| *s != relay.node)
            .collect();
        // Node order, as the rounds visited them: the order of hops on an edge is stable.
        sources.sort_unstable();
        touched.clear();
        for &t in &relay.targets {
            let through = reach.ports(me, t).intersect(&relay.ports);
            if through.is_empty() {
                continue;
            }
            let tn = reach.node(t);
            for &s in &sources {
                if s != tn && reach.add(reach.graph[s], t, relay.via, through.clone()) {
                    touched.insert(s);
                    touched.insert(tn);
                }
            }
        }
        if reach.overflow.is_some() {
            return;
        }
        let mut woken: Vec<usize> = touched.iter().filter_map(|n| at_node.get(n)).flatten().copied().collect();
        woken.sort_unstable();
        for j in woken {
            if !queued[j] {
                queued[j] = true;
                queue.push_back(j);
            }
        }
    }
}
