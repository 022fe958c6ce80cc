//! Reachability pairs gained and lost.
//!
//! The two sides have their own classes. A *group* is the set of services that share a class on
//! both sides (matched by name or rename), so every old and every new class is a union of
//! groups, and the ports one group reaches another on are its classes' ports on each side. Only
//! pairs with an edge on some side are looked at: the cost follows the graphs' edges, never the
//! square of the services.

use crate::identity::Identity;
use crate::{Location, Side};
use foldhash::HashMap;
use serde::Serialize;
use topoc_model::{Origin, ServiceId, Topology};
use topoc_reach::{ClassId, Endpoint, PortSet, describe};

/// How pairs are named and grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// One row per pair of services.
    Services,
    /// One row per pair of groups of services the model cannot tell apart.
    Classes,
    /// Like classes, with the instances of a template that changed alike in one row.
    Templates,
}

/// Where a pair sits: between services, or across the edge of the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// From the outside world (the internet, the LAN) into services.
    Ingress,
    /// From services out to the outside world.
    Egress,
    /// From the Docker host into services.
    FromHost,
    /// From services to the Docker host's own services.
    ToHost,
    /// Between services.
    Internal,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Ingress => "ingress (from external)",
            Category::Egress => "egress (to external)",
            Category::FromHost => "from the host",
            Category::ToHost => "to the host",
            Category::Internal => "between services",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairKind {
    /// Unreachable before, reachable now.
    New,
    /// Reachable before, unreachable now.
    Removed,
    /// Reachable on more ports.
    Widened,
    /// Reachable on fewer ports.
    Narrowed,
    /// Some ports gained, others lost.
    Changed,
}

impl PairKind {
    pub fn word(self) -> &'static str {
        match self {
            PairKind::New => "new",
            PairKind::Removed => "removed",
            PairKind::Widened => "widened",
            PairKind::Narrowed => "narrowed",
            PairKind::Changed => "changed",
        }
    }
}

/// One end of a pair: `host`, `external`, or services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// `host`, `external`, a service, `first (+N like it)`, or a template's name pattern
    /// (`web-{id}`).
    pub label: String,
    /// The services (new names; old names for services that are gone). Empty for host/external.
    pub services: Vec<String>,
}

/// A path that grants (gained ports, on the new side) or granted (lost ports, on the old side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// `old` or `new`.
    pub side: &'static str,
    pub path: String,
    pub ports: String,
    /// The spec lines that make the path.
    pub because: Vec<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairChange {
    pub category: Category,
    pub kind: PairKind,
    pub from: Party,
    pub to: Party,
    /// What the pair reached before and reaches now (`none` for unreachable).
    pub old_ports: String,
    pub new_ports: String,
    /// Ports reachable now and not before (empty: none).
    pub gained: String,
    /// Ports reachable before and not now (empty: none).
    pub lost: String,
    /// How many pairs this row stands for (template instances, or groups of services).
    pub pairs: usize,
    pub witnesses: Vec<Witness>,
}

/// The most witness paths shown per pair: one proves the pair, a few show the alternatives.
const MAX_WITNESSES: usize = 3;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum End {
    Group(u32),
    Host,
    External,
}

/// A service known on one or both sides.
#[derive(Clone, Copy)]
struct Member {
    old: Option<ServiceId>,
    new: Option<ServiceId>,
}

struct Groups {
    key: Vec<(Option<ClassId>, Option<ClassId>)>,
    members: Vec<Vec<Member>>,
    by_old_class: Vec<Vec<u32>>,
    by_new_class: Vec<Vec<u32>>,
}

fn groups(old: &Side<'_>, new: &Side<'_>, identity: &Identity) -> Groups {
    let oc = &old.analysis.classes;
    let nc = &new.analysis.classes;
    let mut index: HashMap<(Option<ClassId>, Option<ClassId>), u32> = HashMap::default();
    let mut g = Groups {
        key: Vec::new(),
        members: Vec::new(),
        by_old_class: vec![Vec::new(); oc.classes.len()],
        by_new_class: vec![Vec::new(); nc.classes.len()],
    };
    let mut put = |key: (Option<ClassId>, Option<ClassId>), m: Member, g: &mut Groups| {
        let id = *index.entry(key).or_insert_with(|| {
            let id = g.key.len() as u32;
            g.key.push(key);
            g.members.push(Vec::new());
            if let Some(c) = key.0 {
                g.by_old_class[c.index()].push(id);
            }
            if let Some(c) = key.1 {
                g.by_new_class[c.index()].push(id);
            }
            id
        });
        g.members[id as usize].push(m);
    };
    // New-side order first, so rows read in the order of the spec under review.
    for s in &new.topology.services {
        let o = identity.new_to_old[s.id.index()];
        let key = (o.map(|o| oc.of_service[o.index()]), Some(nc.of_service[s.id.index()]));
        put(key, Member { old: o, new: Some(s.id) }, &mut g);
    }
    for s in &old.topology.services {
        if identity.old_to_new[s.id.index()].is_none() {
            put((Some(oc.of_service[s.id.index()]), None), Member { old: Some(s.id), new: None }, &mut g);
        }
    }
    g
}

impl Groups {
    fn ends(&self, e: Endpoint, old_side: bool) -> Vec<End> {
        match e {
            Endpoint::Host => vec![End::Host],
            Endpoint::External => vec![End::External],
            Endpoint::Class(c) => {
                let table = if old_side { &self.by_old_class } else { &self.by_new_class };
                table[c.index()].iter().map(|g| End::Group(*g)).collect()
            }
        }
    }

    /// Whether a group reaches itself: only when it holds more than one container on that side.
    fn self_pair(&self, g: u32, side: &Side<'_>, old_side: bool) -> bool {
        let containers: u32 = self.members[g as usize]
            .iter()
            .filter_map(|m| if old_side { m.old } else { m.new })
            .map(|s| side.topology.service(s).replicas.max(1))
            .sum();
        containers > 1
    }
}

#[derive(Default)]
struct Entry {
    old: Option<(Endpoint, Endpoint, PortSet)>,
    new: Option<(Endpoint, Endpoint, PortSet)>,
}

pub(crate) fn compare(old: &Side<'_>, new: &Side<'_>, identity: &Identity, level: Level) -> Vec<PairChange> {
    let g = groups(old, new, identity);
    let mut entries: HashMap<(End, End), Entry> = HashMap::default();
    for (side, old_side) in [(old, true), (new, false)] {
        // Every edge once; the order does not matter (a group pair has one edge per side, and the
        // changed pairs are sorted below).
        let graph = &side.analysis.reach.graph;
        for edge in graph.edge_indices() {
            let Some((na, nb)) = graph.edge_endpoints(edge) else { continue };
            let (a, b, hops) = (graph[na], graph[nb], &graph[edge]);
            let ports = hops.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
            if ports.is_empty() {
                continue;
            }
            let (from, to) = (g.ends(a, old_side), g.ends(b, old_side));
            for &x in &from {
                for &y in &to {
                    if let (End::Group(gx), End::Group(gy)) = (x, y)
                        && gx == gy
                        && !g.self_pair(gx, side, old_side)
                    {
                        continue;
                    }
                    let entry = entries.entry((x, y)).or_default();
                    let slot = if old_side { &mut entry.old } else { &mut entry.new };
                    *slot = Some((a, b, ports.clone()));
                }
            }
        }
    }
    let mut changed: Vec<((End, End), Entry)> = entries
        .into_iter()
        .filter(|(_, e)| {
            let o = e.old.as_ref().map(|x| &x.2);
            let n = e.new.as_ref().map(|x| &x.2);
            o != n
        })
        .collect();
    changed.sort_by_key(|x| x.0);

    let mut rows: Vec<PairChange> = Vec::new();
    for ((x, y), entry) in changed {
        let none = PortSet::none();
        let before = entry.old.as_ref().map_or(&none, |e| &e.2);
        let after = entry.new.as_ref().map_or(&none, |e| &e.2);
        let gained = after.minus(before);
        let lost = before.minus(after);
        let kind = match (before.is_empty(), after.is_empty(), gained.is_empty(), lost.is_empty()) {
            (true, _, _, _) => PairKind::New,
            (_, true, _, _) => PairKind::Removed,
            (_, _, false, true) => PairKind::Widened,
            (_, _, true, false) => PairKind::Narrowed,
            _ => PairKind::Changed,
        };
        let category = match (x, y) {
            (End::External, _) => Category::Ingress,
            (_, End::External) => Category::Egress,
            (End::Host, _) => Category::FromHost,
            (_, End::Host) => Category::ToHost,
            _ => Category::Internal,
        };
        let mut witnesses = Vec::new();
        if let Some((a, b, _)) = entry.new {
            witnesses.extend(witness(new, "new", a, b, &gained));
        }
        if let Some((a, b, _)) = entry.old {
            witnesses.extend(witness(old, "old", a, b, &lost));
        }
        witnesses.truncate(MAX_WITNESSES);
        let show = |p: &PortSet| if p.is_empty() { "none".to_owned() } else { p.to_string() };
        let row = PairChange {
            category,
            kind,
            from: party(&g, old, new, x, level),
            to: party(&g, old, new, y, level),
            old_ports: show(before),
            new_ports: show(after),
            gained: if gained.is_empty() { String::new() } else { gained.to_string() },
            lost: if lost.is_empty() { String::new() } else { lost.to_string() },
            pairs: service_pairs(&g, x, y),
            witnesses,
        };
        match level {
            Level::Services => rows.extend(per_service(row)),
            Level::Classes | Level::Templates => rows.push(row),
        }
    }
    if level == Level::Templates {
        rows = merge_alike(rows);
    }
    rows.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| crate::natural_cmp(&a.from.label, &b.from.label))
            .then_with(|| crate::natural_cmp(&a.to.label, &b.to.label))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    rows
}

/// How many pairs of services (or of a service and `host` or `external`) a group pair is.
fn service_pairs(g: &Groups, x: End, y: End) -> usize {
    let size = |e: End| match e {
        End::Group(id) => g.members[id as usize].len(),
        End::Host | End::External => 1,
    };
    match (x, y) {
        // Within a group: every ordered pair of distinct members (a replicated service alone: one).
        (End::Group(a), End::Group(b)) if a == b => (size(x) * (size(x) - 1)).max(1),
        _ => size(x) * size(y),
    }
}

/// The hops of one side whose ports meet `ports`, as witness paths.
fn witness(side: &Side<'_>, name: &'static str, a: Endpoint, b: Endpoint, ports: &PortSet) -> Vec<Witness> {
    if ports.is_empty() {
        return Vec::new();
    }
    let (topo, classes, reach) = (side.topology, &side.analysis.classes, &side.analysis.reach);
    reach
        .hops(a, b)
        .iter()
        .filter(|h| !h.ports.intersect(ports).is_empty())
        .take(MAX_WITNESSES)
        .map(|h| Witness {
            side: name,
            path: describe::path(topo, classes, reach, a, b, h.via),
            ports: h.ports.intersect(ports).to_string(),
            because: describe::grant(topo, classes, a, b, h.via)
                .into_iter()
                .filter_map(|(span, label)| side.locate(span).map(|at| Location { at, label }))
                .collect(),
        })
        .collect()
}

fn member_name(old: &Side<'_>, new: &Side<'_>, m: Member) -> String {
    match (m.new, m.old) {
        (Some(n), _) => new.topology.service(n).name.clone(),
        (None, Some(o)) => old.topology.service(o).name.clone(),
        (None, None) => String::new(),
    }
}

/// A template-stamped service's name with its instance written `{id}`.
fn pattern(old: &Side<'_>, new: &Side<'_>, m: Member) -> Option<String> {
    let (topo, id): (&Topology, ServiceId) = match (m.new, m.old) {
        (Some(n), _) => (new.topology, n),
        (None, Some(o)) => (old.topology, o),
        (None, None) => return None,
    };
    let s = topo.service(id);
    let Origin::Template { template, instance } = s.origin else { return None };
    let t = topo.templates.get(template.index())?;
    let inst = t.instances.get(instance as usize)?;
    (!inst.is_empty() && s.name.contains(inst.as_str())).then(|| s.name.replace(inst.as_str(), "{id}"))
}

fn party(g: &Groups, old: &Side<'_>, new: &Side<'_>, e: End, level: Level) -> Party {
    match e {
        End::Host => Party { label: "host".into(), services: Vec::new() },
        End::External => Party { label: "external".into(), services: Vec::new() },
        End::Group(id) => {
            let members = &g.members[id as usize];
            let services: Vec<String> = members.iter().map(|m| member_name(old, new, *m)).collect();
            // A group of template-stamped services is named by its patterns, the same for every
            // instance, so instances that changed alike merge into one row.
            let template = match level {
                Level::Templates => {
                    let patterns: Option<Vec<String>> = members.iter().map(|m| pattern(old, new, *m)).collect();
                    patterns.and_then(|mut p| {
                        p.dedup();
                        match p.len() {
                            0 => None,
                            1 => Some(p.swap_remove(0)),
                            n => Some(format!("{} (+{} like it)", p[0], n - 1)),
                        }
                    })
                }
                Level::Classes | Level::Services => None,
            };
            let label = template.unwrap_or_else(|| match services.len() {
                1 => services[0].clone(),
                2 | 3 => services.join("/"),
                n => format!("{} (+{} like it)", services[0], n - 1),
            });
            Party { label, services }
        }
    }
}

/// A group pair as one row per pair of its services.
fn per_service(row: PairChange) -> Vec<PairChange> {
    let one = |name: &str| Party { label: name.to_owned(), services: vec![name.to_owned()] };
    let froms: Vec<Party> = if row.from.services.is_empty() {
        vec![row.from.clone()]
    } else {
        row.from.services.iter().map(|s| one(s)).collect()
    };
    let tos: Vec<Party> = if row.to.services.is_empty() {
        vec![row.to.clone()]
    } else {
        row.to.services.iter().map(|s| one(s)).collect()
    };
    let mut out = Vec::with_capacity(froms.len() * tos.len());
    for f in &froms {
        for t in &tos {
            if f.label == t.label && !f.services.is_empty() && froms.len() > 1 {
                // A group reaching itself: its members reach each other, not themselves.
                continue;
            }
            out.push(PairChange { from: f.clone(), to: t.clone(), pairs: 1, ..row.clone() });
        }
    }
    out
}

/// Rows that say the same thing about the same template patterns become one, counting pairs.
fn merge_alike(rows: Vec<PairChange>) -> Vec<PairChange> {
    let mut index: HashMap<(Category, PairKind, String, String, String, String), usize> = HashMap::default();
    let mut out: Vec<PairChange> = Vec::new();
    for row in rows {
        let key = (
            row.category,
            row.kind,
            row.from.label.clone(),
            row.to.label.clone(),
            row.old_ports.clone(),
            row.new_ports.clone(),
        );
        match index.get(&key) {
            Some(&i) => {
                let kept = &mut out[i];
                kept.pairs += row.pairs;
                kept.from.services.extend(row.from.services);
                kept.to.services.extend(row.to.services);
            }
            None => {
                index.insert(key, out.len());
                out.push(row);
            }
        }
    }
    for row in &mut out {
        dedup_in_order(&mut row.from.services);
        dedup_in_order(&mut row.to.services);
    }
    out
}

fn dedup_in_order(names: &mut Vec<String>) {
    let mut seen = foldhash::HashSet::default();
    names.retain(|n| seen.insert(n.clone()));
}
