//! Which service on the old side is which on the new: the same name, or a rename. A service
//! that disappears while exactly one with the same attachments appears was renamed (when
//! several share those attachments, the image decides; when that is still ambiguous, nothing is
//! guessed and they are a removal and an addition).

use foldhash::HashMap;
use serde::Serialize;
use topoc_model::{NetworkMode, Service, ServiceId, Topology};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rename {
    pub old: String,
    pub new: String,
}

pub(crate) struct Identity {
    pub(crate) renames: Vec<Rename>,
    /// For each old service, its counterpart on the new side.
    pub(crate) old_to_new: Vec<Option<ServiceId>>,
    /// For each new service, its counterpart on the old side.
    pub(crate) new_to_old: Vec<Option<ServiceId>>,
}

/// What a rename must keep: the networks it is attached to (by name) and its network mode.
fn attachments(topo: &Topology, s: &Service) -> (Vec<String>, String) {
    let mut nets: Vec<String> = s.attachments.iter().map(|a| topo.network(a.network).name.clone()).collect();
    nets.sort();
    let mode = match s.network_mode {
        NetworkMode::Networks => String::new(),
        NetworkMode::Host => "host".into(),
        NetworkMode::None => "none".into(),
        NetworkMode::DefaultBridge => "bridge".into(),
        NetworkMode::Service(id) => format!("service:{}", topo.service(id).name),
    };
    (nets, mode)
}

pub(crate) fn match_services(old: &Topology, new: &Topology) -> Identity {
    let new_by_name: HashMap<&str, ServiceId> = new.services.iter().map(|s| (s.name.as_str(), s.id)).collect();
    let mut old_to_new: Vec<Option<ServiceId>> = vec![None; old.services.len()];
    let mut new_to_old: Vec<Option<ServiceId>> = vec![None; new.services.len()];
    for s in &old.services {
        if let Some(&n) = new_by_name.get(s.name.as_str()) {
            old_to_new[s.id.index()] = Some(n);
            new_to_old[n.index()] = Some(s.id);
        }
    }
    let removed: Vec<&Service> = old.services.iter().filter(|s| old_to_new[s.id.index()].is_none()).collect();
    let added: Vec<&Service> = new.services.iter().filter(|s| new_to_old[s.id.index()].is_none()).collect();
    let mut renames = Vec::new();
    if !removed.is_empty() && !added.is_empty() {
        // Pair by attachments, then by attachments and image, only where the match is unique.
        for with_image in [false, true] {
            let key = |topo: &Topology, s: &Service| {
                let (nets, mode) = attachments(topo, s);
                (nets, mode, if with_image { s.image.clone() } else { String::new() })
            };
            let mut buckets: HashMap<_, (Vec<ServiceId>, Vec<ServiceId>)> = HashMap::default();
            for s in removed.iter().filter(|s| old_to_new[s.id.index()].is_none()) {
                buckets.entry(key(old, s)).or_default().0.push(s.id);
            }
            for s in added.iter().filter(|s| new_to_old[s.id.index()].is_none()) {
                buckets.entry(key(new, s)).or_default().1.push(s.id);
            }
            for (gone, came) in buckets.values() {
                if let ([o], [n]) = (gone.as_slice(), came.as_slice()) {
                    old_to_new[o.index()] = Some(*n);
                    new_to_old[n.index()] = Some(*o);
                }
            }
        }
        for s in &old.services {
            if let Some(n) = old_to_new[s.id.index()]
                && new.service(n).name != s.name
            {
                renames.push(Rename { old: s.name.clone(), new: new.service(n).name.clone() });
            }
        }
    }
    Identity { renames, old_to_new, new_to_old }
}
