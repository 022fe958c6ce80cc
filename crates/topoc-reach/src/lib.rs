//! The reachability model: Docker's networking semantics as a graph over classes of services,
//! the host and the outside world, and the policy checked against it.
//!
//! `analyze` builds the classes and the graph for an engine profile and returns every finding:
//! policy violations with witness paths, over-broad grants, unused and unsatisfied rules,
//! volume access, escape hatches, ineffective publications and broken relays, and the
//! security and hygiene lints (`lints`), filtered and graded by the spec's `lints` section.

pub mod classes;
pub mod describe;
pub mod engine;
pub mod graph;
mod hygiene;
mod limits;
pub mod lints;
pub mod listen;
pub mod matrix;
pub mod policy;
pub mod ports;
pub mod select;

pub use classes::{ClassId, Classes};
pub use engine::{EngineProfile, EngineVersion, NO_USERLAND_PROXY};
pub use graph::{Endpoint, Hop, Reach, Via};
pub use listen::Listeners;
pub use ports::PortSet;

use topoc_diag::Diagnostics;
use topoc_model::Topology;

/// The model of one topology on one engine.
#[derive(Debug)]
pub struct Analysis {
    pub engine: EngineProfile,
    pub classes: Classes,
    pub reach: Reach,
    /// What each endpoint listens on: the policy judges reach to a listener.
    pub listeners: Listeners,
    pub findings: Diagnostics,
}

pub fn analyze(topo: &Topology, engine: EngineProfile) -> Analysis {
    analyze_within(topo, engine, graph::MAX_EDGES)
}

/// [`analyze`] with another budget of class pairs; past it the only finding is
/// `topoc::resource-limit`, since judging an incomplete model would be wrong.
pub fn analyze_within(topo: &Topology, engine: EngineProfile, max_edges: usize) -> Analysis {
    let classes = classes::build(topo);
    let reach = graph::build_within(topo, &classes, &engine, max_edges);
    let listeners = Listeners::new(topo, &classes);
    let mut findings = Diagnostics::new();
    if let Some(via) = reach.overflow() {
        findings.push(limits::refused(topo, via, max_edges));
        return Analysis { engine, classes, reach, listeners, findings };
    }
    policy::check(topo, &classes, &reach, &listeners, &mut findings);
    hygiene::check(topo, &classes, &reach, &engine, &mut findings);
    let judge = policy::Judge::new(topo, &classes);
    let public = |s: &topoc_model::Service, p: &topoc_model::PublishedPort| policy::explicitly_public(&judge, s, p);
    lints::check(topo, &engine, &public, &mut findings);
    let mut findings = lints::configure(topo, findings);
    // Grouped in the order the checks found them (declaration order), so each cause shows
    // its first instance in full; then sorted.
    let ids = topo.templates.iter().flat_map(|t| t.instances.iter().cloned()).collect();
    findings.group_causes_of(&ids);
    findings.sort();
    Analysis { engine, classes, reach, listeners, findings }
}

impl Analysis {
    /// Whether the model was too large to build ([`analyze_within`]): nothing about its
    /// reachability may be reported.
    pub fn refused(&self) -> bool {
        self.reach.overflow().is_some()
    }

    /// The endpoint a name denotes: `host`, `external`, or a service's class.
    pub fn endpoint(&self, topo: &Topology, name: &str) -> Option<Endpoint> {
        match name {
            "host" => Some(Endpoint::Host),
            "external" => Some(Endpoint::External),
            _ => topo
                .services
                .iter()
                .find(|s| s.name == name)
                .map(|s| Endpoint::Class(self.classes.of_service[s.id.index()])),
        }
    }
}
