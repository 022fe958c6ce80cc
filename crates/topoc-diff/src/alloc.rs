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

/// Whether a pool network's block moved though the lock could have kept it: the same pool (by
/// name) on both sides, and the old block still a block of that pool (inside its range, at its
/// prefix). A move the spec forced (another pool, a range that no longer holds the block, a new
/// prefix) is a subnet change, not a renumbering.
fn renumbered(old: &Side<'_>, before: &Option<Subnet>, new: &Side<'_>, after: &Option<Subnet>) -> bool {
    let (
        Some(Subnet { net: was, source: SubnetSource::Pool { pool: p, .. }, .. }),
        Some(Subnet { source: SubnetSource::Pool { pool: q, .. }, .. }),
    ) = (before, after)
    else {
        return false;
    };
    let (Some(p), Some(q)) = (old.topology.pools.get(p.index()), new.topology.pools.get(q.index())) else {
        return false;
    };
    p.name == q.name && q.range.contains(was) && was.prefix_len() == q.prefix
}

/// Whether `after` sits in `now` at the offset `before` had in `was`.
fn follows(
    before: Option<std::net::IpAddr>,
    was: &Option<Subnet>,
    after: Option<std::net::IpAddr>,
    now: &Option<Subnet>,
) -> bool {
    let offset = |ip: Option<std::net::IpAddr>, s: &Option<Subnet>| -> Option<u128> {
        let (ip, s) = (ip?, s.as_ref()?);
        let base = match s.net.network() {
            std::net::IpAddr::V4(n) => u128::from(u32::from(n)),
            std::net::IpAddr::V6(n) => u128::from(n),
        };
        let at = match ip {
            std::net::IpAddr::V4(a) => u128::from(u32::from(a)),
            std::net::IpAddr::V6(a) => u128::from(a),
        };
        at.checked_sub(base)
    };
    let moved = was.as_ref().map(|s| s.net) != now.as_ref().map(|s| s.net);
    moved && offset(before, was).is_some() && offset(before, was) == offset(after, now)
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
                let kind = if renumbered(old, before, new, after) {
                    AllocationKind::Renumbered
                } else {
                    AllocationKind::Subnet
                };
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
        for (before, after, was, now) in
            [(o.gateway, n.gateway, &o.subnet, &n.subnet), (o.gateway6, n.gateway6, &o.subnet6, &n.subnet6)]
        {
            // A gateway at the same offset of a moved subnet moved with it: the subnet row says it.
            if before != after && !follows(before, was, after, now) {
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
        // By network name: a service multi-homed into thousands of networks is looked up once each.
        let many = o.attachments.len() > 8;
        let before: HashMap<&str, &topoc_model::Attachment> = if many {
            o.attachments.iter().map(|b| (old.topology.network(b.network).name.as_str(), b)).collect()
        } else {
            HashMap::default()
        };
        for a in &s.attachments {
            let net = new.topology.network(a.network);
            let found = if many {
                before.get(net.name.as_str()).copied()
            } else {
                o.attachments.iter().find(|b| old.topology.network(b.network).name == net.name)
            };
            let Some(b) = found else {
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
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| crate::natural_cmp(&a.network, &b.network))
            .then_with(|| a.service.cmp(&b.service))
    });
    out
}
