//! Which endpoints a selector picks.

use crate::classes::{ClassId, Classes};
use crate::graph::Endpoint;
use std::collections::BTreeSet;
use topoc_model::{Selector, SelectorTarget, Topology};

/// The classes (and host/external) a selector picks, in order.
pub fn endpoints(topo: &Topology, classes: &Classes, selector: &Selector) -> Vec<Endpoint> {
    match &selector.target {
        SelectorTarget::Host => vec![Endpoint::Host],
        SelectorTarget::External => vec![Endpoint::External],
        _ => class_set(topo, classes, selector).into_iter().map(Endpoint::Class).collect(),
    }
}

/// The classes a selector picks; empty for `host` and `external`.
pub fn class_set(_topo: &Topology, classes: &Classes, selector: &Selector) -> BTreeSet<ClassId> {
    match &selector.target {
        SelectorTarget::Services(ids) => ids.iter().map(|id| classes.of_service[id.index()]).collect(),
        SelectorTarget::Network(n) => classes.classes.iter().filter(|c| c.networks.contains(n)).map(|c| c.id).collect(),
        SelectorTarget::Template(t) => {
            classes.classes.iter().filter(|c| c.origin.is_some_and(|(tt, _)| tt == *t)).map(|c| c.id).collect()
        }
        SelectorTarget::All => classes.classes.iter().map(|c| c.id).collect(),
        SelectorTarget::Host | SelectorTarget::External => BTreeSet::new(),
    }
}

/// Whether a selector picks an endpoint.
pub fn matches(classes: &Classes, selector: &Selector, endpoint: Endpoint) -> bool {
    match (endpoint, &selector.target) {
        (Endpoint::Host, SelectorTarget::Host) | (Endpoint::External, SelectorTarget::External) => true,
        (Endpoint::Class(c), SelectorTarget::Services(ids)) => ids.iter().any(|id| classes.of_service[id.index()] == c),
        (Endpoint::Class(c), SelectorTarget::Network(n)) => classes.classes[c.index()].networks.contains(n),
        (Endpoint::Class(c), SelectorTarget::Template(t)) => {
            classes.classes[c.index()].origin.is_some_and(|(tt, _)| tt == *t)
        }
        (Endpoint::Class(_), SelectorTarget::All) => true,
        _ => false,
    }
}

/// How specific a selector is: the most specific matching rule decides a pair.
pub fn specificity(selector: &Selector) -> u8 {
    match &selector.target {
        SelectorTarget::Services(_) if !selector.text.contains(['*', '?']) => 4,
        SelectorTarget::Host | SelectorTarget::External => 4,
        SelectorTarget::Services(_) => 3,
        SelectorTarget::Network(_) | SelectorTarget::Template(_) => 2,
        SelectorTarget::All => 1,
    }
}
