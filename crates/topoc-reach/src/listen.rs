//! What each endpoint listens on. The graph says where a connection can go (every port, on a
//! shared network); whether it reaches anything depends on a listener. A service's declared
//! listeners are its `expose` entries, its published ports' targets and its relays' `listen`
//! ports; a service that declares none listens on every port (`defaults.listen: all`, the
//! default) or on none (`declared`). The host and the outside world listen on anything:
//! what runs there is outside the spec. Trade-off (docs/semantics.md): a listener the spec does
//! not declare is invisible to the judgement.

use crate::classes::Classes;
use crate::graph::{Endpoint, Hop};
use crate::ports::PortSet;
use topoc_model::{Listen, Service, Topology};

/// The listening ports of every class, computed once.
#[derive(Debug, Clone)]
pub struct Listeners {
    by_class: Vec<PortSet>,
    /// Per class: whether the ports were declared (or assumed from the default).
    declared: Vec<bool>,
}

/// What one service declares it listens on, if it declares anything.
pub fn declared(s: &Service) -> Option<PortSet> {
    let mut ports = std::collections::BTreeSet::new();
    for e in &s.expose {
        ports.extend(e.first..=e.last);
    }
    ports.extend(s.ports.iter().map(|p| p.target));
    for r in &s.relays {
        match r.listen {
            Some(p) => {
                ports.insert(p);
            }
            None => ports.extend(r.ports.iter().copied()),
        }
    }
    (!ports.is_empty()).then_some(PortSet::Some(ports))
}

impl Listeners {
    /// Classes share expose, published ports and relays (relay holders are classes of their
    /// own), so the first member speaks for its class.
    pub fn new(topo: &Topology, classes: &Classes) -> Self {
        let undeclared = match topo.defaults.listen {
            Some(Listen::Declared) => PortSet::none(),
            Some(Listen::All) | None => PortSet::All,
        };
        let (by_class, declared) = classes
            .classes
            .iter()
            .map(|c| {
                // A service sharing another's stack (`network_mode: service:`) listens on its own
                // ports there too; the class already merges what the model can tell apart.
                let found = c.members.iter().find_map(|s| declared(topo.service(*s)));
                match found {
                    Some(p) => (p, true),
                    None => (undeclared.clone(), false),
                }
            })
            .unzip();
        Listeners { by_class, declared }
    }

    /// The ports `e` listens on.
    pub fn of(&self, e: Endpoint) -> &PortSet {
        static ALL: PortSet = PortSet::All;
        match e {
            Endpoint::Class(c) => &self.by_class[c.index()],
            Endpoint::Host | Endpoint::External => &ALL,
        }
    }

    /// Whether `e`'s listening ports come from the spec (rather than the default).
    pub fn is_declared(&self, e: Endpoint) -> bool {
        match e {
            Endpoint::Class(c) => self.declared[c.index()],
            _ => false,
        }
    }

    /// The hops to `to` narrowed to what it listens on; hops that reach no listener are gone.
    pub fn hops(&self, to: Endpoint, hops: &[Hop]) -> Vec<Hop> {
        let listens = self.of(to);
        hops.iter()
            .filter_map(|h| {
                let ports = h.ports.intersect(listens);
                (!ports.is_empty()).then_some(Hop { via: h.via, ports })
            })
            .collect()
    }
}
