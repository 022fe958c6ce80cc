//! Allocation changes: a network's subnet or gateway, a service's address on a network. A pool
//! network whose block moved is a *renumbering*: the lock is there to prevent exactly that, so
//! it is reported as its own kind, apart from a subnet the spec itself changed.

use crate::identity::Identity;
use crate::{Location, Side};
use foldhash::HashMap;
use serde::Serialize;
use topoc_model::{Network, Subnet, SubnetSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AllocationKind {
    /// A pool network got another block: the lock did not keep it.
    Renumbered,
    /// The subnet changed by the spec (written, or moved between a pool and a written one).
    Subnet,
    Gateway,
    /// A service's static or reserved address on the network.
    Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationChange {
    pub kind: AllocationKind,
    pub network: String,
    /// The service, for an address.
    pub service: Option<String>,
    pub old: String,
    pub new: String,
    pub at: Option<Location>,
}

fn subnet_text(s: &Option<Subnet>) -> String {
    s.as_ref().map_or_else(|| "none (Docker picks)".to_owned(), |s| s.net.to_string())
}

fn is_pool(s: &Option<Subnet>) -> bool {
    matches!(s, Some(Subnet { source: SubnetSource::Pool { .. }, .. }))
}

pub(crate) fn compare(old: &Side<'_>, new: &Side<'_>, identity: &Identity) -> Vec<AllocationChange> {
    let old_nets: HashMap<&str, &Network> = old.topology.networks.iter().map(|n| (n.name.as_str(), n)).collect();
    let mut out = Vec::new();
    for n in &new.topology.networks {
        let Some(o) = old_nets.get(n.name.as_str()) else { continue };
        let at = |label: &str| new.locate(n.span).map(|at| Location { at, label: label.to_owned() });
        for (before, after, family) in [(&o.subnet, &n.subnet, ""), (&o.subnet6, &n.subnet6, " (IPv6)")] {
            let (b, a) = (subnet_text(before), subnet_text(after));
            if b != a {
                let kind =
                    if is_pool(before) && is_pool(after) { AllocationKind::Renumbered } else { AllocationKind::Subnet };
                let label = match kind {
                    AllocationKind::Renumbered => {
                        format!("pool network renumbered{family}: no lock entry kept its block")
                    }
                    _ => format!("subnet{family} changed"),
                };
                out.push(AllocationChange {
                    kind,
                    network: n.name.clone(),
                    service: None,
                    old: b,
                    new: a,
                    at: at(&label),
                });
            }
        }
        for (before, after) in [(o.gateway, n.gateway), (o.gateway6, n.gateway6)] {
            if before != after {
                let text = |g: Option<std::net::IpAddr>| g.map_or_else(|| "none".to_owned(), |g| g.to_string());
                out.push(AllocationChange {
                    kind: AllocationKind::Gateway,
                    network: n.name.clone(),
                    service: None,
                    old: text(before),
                    new: text(after),
                    at: at("gateway changed"),
                });
            }
        }
    }
    for s in &new.topology.services {
        let Some(o) = identity.new_to_old[s.id.index()].map(|o| old.topology.service(o)) else { continue };
        for a in &s.attachments {
            let net = new.topology.network(a.network);
            let Some(b) = o.attachments.iter().find(|b| old.topology.network(b.network).name == net.name) else {
                continue;
            };
            let text = |v4: &[std::net::IpAddr], v6: Option<std::net::IpAddr>| {
                let mut parts: Vec<String> = v4.iter().map(|ip| ip.to_string()).collect();
                parts.extend(v6.map(|ip| ip.to_string()));
                if parts.is_empty() { "dynamic".to_owned() } else { parts.join(", ") }
            };
            let (before, after) = (text(&b.addresses, b.ip6), text(&a.addresses, a.ip6));
            if before != after {
                let span = if a.address_span.is_detached() { a.span } else { a.address_span };
                out.push(AllocationChange {
                    kind: AllocationKind::Address,
                    network: net.name.clone(),
                    service: Some(s.name.clone()),
                    old: before,
                    new: after,
                    at: new.locate(span).map(|at| Location { at, label: "address".into() }),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.kind, &a.network, &a.service).cmp(&(b.kind, &b.network, &b.service)));
    out
}
