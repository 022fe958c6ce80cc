//! Services with identical reachability are grouped into classes, and the model is computed
//! over classes. A topology of 20,000 services stamped from templates has a few thousand
//! classes, and reachable class pairs are found per network, never by trying all pairs.
//!
//! Two services share a class when nothing the model or the policy looks at tells them apart:
//! the networks they are on (their effective networks, for `network_mode: service:`), their
//! network mode, their published ports and `expose`, the template instance they belong to, and which named
//! selectors (`api`, `agent-*`) pick them. Relays and socket mounts get a class of their own.

use foldhash::HashMap;
use topoc_model::{
    MountSource, NetworkId, NetworkMode, PortMode, Selector, SelectorTarget, Service, ServiceId, TemplateId, Topology,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u32);

impl ClassId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a class's members connect to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModeKind {
    Networks,
    Host,
    None,
    /// `network_mode: service:X`: X's namespace, hence X's networks.
    Shared,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub id: ClassId,
    /// Members in service order; the first names the class.
    pub members: Vec<ServiceId>,
    pub networks: Vec<NetworkId>,
    pub mode: ModeKind,
    pub origin: Option<(TemplateId, u32)>,
    pub socket: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Signature {
    networks: Vec<NetworkId>,
    mode: ModeKind,
    published: Vec<(u16, Option<u16>, Option<std::net::IpAddr>, bool)>,
    /// `expose` ranges: what a service listens on decides what reaching it means.
    exposed: Vec<(u16, u16)>,
    origin: Option<(TemplateId, u32)>,
    /// The named selectors that pick the service (indices into [`named_selectors`]).
    named: Vec<u32>,
    singleton: Option<ServiceId>,
}

/// Every class, and each service's class.
#[derive(Debug, Clone)]
pub struct Classes {
    pub classes: Vec<Class>,
    pub of_service: Vec<ClassId>,
}

/// The networks a service's traffic uses: its own, or those of the service whose namespace it
/// shares (followed through chains; a cycle yields none).
pub fn effective_networks(topo: &Topology, service: &Service) -> Vec<NetworkId> {
    let mut current = service;
    for _ in 0..=topo.services.len() {
        match current.network_mode {
            NetworkMode::Service(id) => current = topo.service(id),
            // The default bridge is the one attachment of a bridge-mode service.
            NetworkMode::Networks | NetworkMode::DefaultBridge => {
                let mut nets: Vec<NetworkId> = current.attachments.iter().map(|a| a.network).collect();
                nets.sort_unstable();
                return nets;
            }
            NetworkMode::Host | NetworkMode::None => return Vec::new(),
        }
    }
    Vec::new()
}

/// Whether the Docker socket is bind-mounted (research §10.10: even read-only it is control).
pub fn mounts_docker_socket(service: &Service) -> bool {
    service.mounts.iter().any(|m| match &m.source {
        MountSource::Bind(path) => is_docker_socket(path),
        _ => false,
    })
}

/// Whether a bind source names the Docker socket, as Docker cleans the path: a trailing `/`,
/// repeated `/` and `.` parts do not hide it (`/var/run/docker.sock/`, `/var/run//docker.sock/.`).
pub fn is_docker_socket(path: &str) -> bool {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.last().is_some_and(|last| last.ends_with("docker.sock"))
}

/// The selectors that pick services by name or glob; their membership splits classes.
pub fn named_selectors(topo: &Topology) -> Vec<&Selector> {
    let mut out: Vec<&Selector> = Vec::new();
    for rule in &topo.policy.rules {
        out.push(&rule.from);
        out.push(&rule.to);
    }
    for vp in &topo.policy.volumes {
        out.extend(vp.writers.iter());
        out.extend(vp.readers.iter());
    }
    for s in &topo.services {
        out.extend(s.relays.iter().map(|r| &r.to));
    }
    out.retain(|s| matches!(s.target, SelectorTarget::Services(_)));
    out
}

pub fn build(topo: &Topology) -> Classes {
    // Which named selectors pick each service, as the selectors' indices in order. Inverted
    // from the selectors' picks: a flag per selector per service was quadratic once every
    // tenant's relay (a selector each) was named (docs/benchmarks.md).
    let mut picked_by: Vec<Vec<u32>> = vec![Vec::new(); topo.services.len()];
    for (i, selector) in named_selectors(topo).iter().enumerate() {
        if let SelectorTarget::Services(ids) = &selector.target {
            for id in ids {
                let by = &mut picked_by[id.index()];
                if by.last() != Some(&(i as u32)) {
                    by.push(i as u32);
                }
            }
        }
    }
    let mut by_signature: HashMap<Signature, ClassId> = HashMap::default();
    let mut classes: Vec<Class> = Vec::new();
    let mut of_service = Vec::with_capacity(topo.services.len());
    for s in &topo.services {
        let mode = match s.network_mode {
            NetworkMode::Networks | NetworkMode::DefaultBridge => ModeKind::Networks,
            NetworkMode::Host => ModeKind::Host,
            NetworkMode::None => ModeKind::None,
            NetworkMode::Service(_) => ModeKind::Shared,
        };
        let origin = match s.origin {
            topoc_model::Origin::Template { template, instance } => Some((template, instance)),
            topoc_model::Origin::Declared => None,
        };
        let socket = mounts_docker_socket(s);
        let signature = Signature {
            networks: effective_networks(topo, s),
            mode,
            published: s.ports.iter().map(|p| (p.target, p.published, p.host_ip, p.mode == PortMode::Host)).collect(),
            exposed: s.expose.iter().map(|e| (e.first, e.last)).collect(),
            origin,
            named: std::mem::take(&mut picked_by[s.id.index()]),
            singleton: (!s.relays.is_empty() || socket || mode == ModeKind::Host).then_some(s.id),
        };
        let next = ClassId(classes.len() as u32);
        let id = *by_signature.entry(signature.clone()).or_insert(next);
        if id == next {
            classes.push(Class { id, members: Vec::new(), networks: signature.networks, mode, origin, socket });
        }
        classes[id.index()].members.push(s.id);
        of_service.push(id);
    }
    Classes { classes, of_service }
}
