//! The effective reachability matrix at a chosen level, with each cell compared to the policy.

use crate::classes::ClassId;
use crate::graph::{Endpoint, Via};
use crate::policy::{Cause, Judge, edge_causes};
use crate::ports::PortSet;
use crate::{Analysis, describe};
use serde::Serialize;
use std::collections::BTreeMap;
use topoc_model::{Origin, Topology, Verdict};

/// Rows and columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Every service (computed by class).
    Services,
    /// Every class of services with identical reachability.
    Classes,
    /// Every network: a cell says whether members of one reach members of the other.
    Networks,
    /// Declared services one by one, and each template's instances merged into one row.
    Templates,
}

/// How a cell compares with the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Reachable, and the policy allows it (or there is no policy).
    Allowed,
    /// Reachable on ports the policy denies: differs from the policy.
    Violation,
    /// Not reachable, and nothing allows it.
    Unreachable,
    /// Not reachable, though an allow rule asks for it: differs from the policy.
    Unsatisfied,
    /// Reachable on ports the policy denies, and the project's configuration (topoc.toml,
    /// inline suppressions, a baseline) hides every finding behind it: accepted, not failing.
    Suppressed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub from: usize,
    pub to: usize,
    pub ports: String,
    pub status: Status,
    /// For template rows reaching themselves: whether it is within one instance or across.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    /// At the network level: the pair exists only because a service sits on both networks
    /// (it reaches, or is reached, on a network it shares with the other side), not because
    /// members of one network reach members of the other.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multi_homed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub level: &'static str,
    pub labels: Vec<String>,
    /// What each row listens on, where the spec declares it (`expose`, published ports,
    /// relays); `None`: every port (nothing declared), or a row that is not one service.
    pub listens: Vec<Option<String>>,
    /// Only cells that are reachable or differ from the policy; all others are unreachable.
    pub cells: Vec<Cell>,
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Services => "services",
        Level::Classes => "classes",
        Level::Networks => "networks",
        Level::Templates => "templates",
    }
}

/// Group keys: which rows an endpoint belongs to at a level (a class may map to several rows
/// at the network level, and to one row per member at the service level).
fn rows_of(
    topo: &Topology,
    analysis: &Analysis,
    level: Level,
    e: Endpoint,
    index: &BTreeMap<String, usize>,
) -> Vec<usize> {
    let key = |k: String| index.get(&k).copied();
    match e {
        Endpoint::Host => key("host".into()).into_iter().collect(),
        Endpoint::External => key("external".into()).into_iter().collect(),
        Endpoint::Class(c) => {
            let class = &analysis.classes.classes[c.index()];
            match level {
                Level::Services => {
                    class.members.iter().filter_map(|s| key(format!("s:{}", topo.service(*s).name))).collect()
                }
                Level::Classes => key(format!("c:{}", c.0)).into_iter().collect(),
                Level::Networks => {
                    class.networks.iter().filter_map(|n| key(format!("n:{}", topo.network(*n).name))).collect()
                }
                Level::Templates => class
                    .members
                    .iter()
                    .filter_map(|s| {
                        let s = topo.service(*s);
                        match s.origin {
                            Origin::Template { template, .. } => key(format!("t:{}", topo.template(template).name)),
                            Origin::Declared => key(format!("s:{}", s.name)),
                        }
                    })
                    .collect(),
            }
        }
    }
}

fn labels(topo: &Topology, analysis: &Analysis, level: Level) -> (Vec<String>, BTreeMap<String, usize>) {
    let mut keys: Vec<(String, String)> = Vec::new();
    match level {
        Level::Services => keys.extend(topo.services.iter().map(|s| (format!("s:{}", s.name), s.name.clone()))),
        Level::Classes => {
            keys.extend(
                analysis.classes.classes.iter().map(|c| {
                    (format!("c:{}", c.id.0), describe::endpoint(topo, &analysis.classes, Endpoint::Class(c.id)))
                }),
            )
        }
        Level::Networks => {
            keys.extend(topo.networks.iter().map(|n| (format!("n:{}", n.name), format!("network:{}", n.name))))
        }
        Level::Templates => {
            keys.extend(
                topo.services
                    .iter()
                    .filter(|s| s.origin == Origin::Declared)
                    .map(|s| (format!("s:{}", s.name), s.name.clone())),
            );
            keys.extend(topo.templates.iter().map(|t| (format!("t:{}", t.name), format!("template:{}", t.name))));
        }
    }
    keys.push(("host".into(), "host".into()));
    keys.push(("external".into(), "external".into()));
    let index = keys.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
    (keys.into_iter().map(|(_, l)| l).collect(), index)
}

/// What one cell accumulates from the edges behind it.
#[derive(Default)]
struct Acc {
    ports: Option<PortSet>,
    /// Denied reach whose finding the configuration does not hide.
    violation: bool,
    /// Denied reach whose finding it hides.
    suppressed: bool,
    /// Some edge behind the cell is more than a shared network of a multi-homed member.
    between_networks: bool,
}

/// Compute the matrix. Cells are accumulated from the graph's edges, so the cost follows the
/// number of reachable class pairs, not the square of the number of rows.
pub fn compute(topo: &Topology, analysis: &Analysis, level: Level) -> Matrix {
    compute_configured(topo, analysis, level, &|_| false)
}

/// The matrix, with denied reach whose findings the project hides (`hidden` of a cause) shown
/// as [`Status::Suppressed`]. Reach is to what the target listens on ([`crate::Listeners`]).
pub fn compute_configured(
    topo: &Topology,
    analysis: &Analysis,
    level: Level,
    hidden: &dyn Fn(&Cause) -> bool,
) -> Matrix {
    let (labels, index) = labels(topo, analysis, level);
    let judge = Judge::new(topo, &analysis.classes);
    let mut acc: BTreeMap<(usize, usize, Option<&'static str>), Acc> = BTreeMap::new();
    for (a, b, raw) in analysis.reach.edges() {
        let hops = analysis.listeners.hops(b, raw);
        if hops.is_empty() {
            continue;
        }
        let ports = hops.iter().fold(PortSet::none(), |x, h| x.union(&h.ports));
        let causes = if topo.policy.declared { edge_causes(&judge, a, b, &hops) } else { Vec::new() };
        let violation = causes.iter().any(|c| !hidden(c));
        let suppressed = !causes.is_empty() && !violation;
        let scope = template_scope(analysis, level, a, b);
        for r in rows_of(topo, analysis, level, a, &index) {
            for c in rows_of(topo, analysis, level, b, &index) {
                let entry = acc.entry((r, c, scope)).or_default();
                entry.ports = Some(entry.ports.take().unwrap_or_else(PortSet::none).union(&ports));
                entry.violation |= violation;
                entry.suppressed |= suppressed;
                // A network hop joins members of one network: between two different network
                // rows it is there only because a member sits on both.
                entry.between_networks |=
                    level != Level::Networks || r == c || hops.iter().any(|h| !matches!(h.via, Via::Network(_)));
            }
        }
    }
    let mut cells: Vec<Cell> = acc
        .into_iter()
        // A service reaching itself is not a pair (two members of one class are two rows).
        .filter(|((r, c, scope), _)| !(r == c && level == Level::Services && scope.is_none()))
        .map(|((from, to, scope), acc)| Cell {
            from,
            to,
            ports: acc.ports.unwrap_or_else(PortSet::none).to_string(),
            status: if acc.violation {
                Status::Violation
            } else if acc.suppressed {
                Status::Suppressed
            } else {
                Status::Allowed
            },
            scope,
            multi_homed: !acc.between_networks,
        })
        .collect();
    if topo.policy.declared && labels.len() <= 200 {
        unsatisfied(topo, analysis, level, &index, &mut cells);
    }
    cells.sort_by_key(|c| (c.from, c.to, c.scope));
    let listens = listens(topo, analysis, level, labels.len());
    Matrix { level: level_name(level), labels, listens, cells }
}

/// What each row listens on, for rows that are one service or one class with declared ports.
fn listens(topo: &Topology, analysis: &Analysis, level: Level, rows: usize) -> Vec<Option<String>> {
    let mut out = vec![None; rows];
    let declared = |e: Endpoint| analysis.listeners.is_declared(e).then(|| analysis.listeners.of(e).to_string());
    match level {
        Level::Services | Level::Templates => {
            let mut row = 0;
            for s in &topo.services {
                if level == Level::Templates && s.origin != Origin::Declared {
                    continue;
                }
                out[row] = declared(Endpoint::Class(analysis.classes.of_service[s.id.index()]));
                row += 1;
            }
        }
        Level::Classes => {
            for c in &analysis.classes.classes {
                out[c.id.index()] = declared(Endpoint::Class(c.id));
            }
        }
        Level::Networks => {}
    }
    out
}

fn template_scope(analysis: &Analysis, level: Level, a: Endpoint, b: Endpoint) -> Option<&'static str> {
    if level != Level::Templates {
        return None;
    }
    let origin = |e: Endpoint| match e {
        Endpoint::Class(c) => analysis.classes.classes[c.index()].origin,
        _ => None,
    };
    match (origin(a), origin(b)) {
        (Some((ta, ia)), Some((tb, ib))) if ta == tb => {
            Some(if ia == ib { "same-instance" } else { "across-instances" })
        }
        _ => None,
    }
}

/// A template instance, or none for declared services.
type Instance = Option<(topoc_model::TemplateId, u32)>;
/// One representative endpoint per (row, instance).
type Representatives = BTreeMap<(usize, Instance), Endpoint>;

/// Mark grid cells that an explicit allow rule asks for but no path provides. Endpoints are
/// reduced to one representative per (row, template instance), which is all a rule's scope
/// can tell apart, so this stays linear in the number of classes.
fn unsatisfied(
    topo: &Topology,
    analysis: &Analysis,
    level: Level,
    index: &BTreeMap<String, usize>,
    cells: &mut Vec<Cell>,
) {
    let judge = Judge::new(topo, &analysis.classes);
    let endpoints: Vec<Endpoint> = analysis
        .classes
        .classes
        .iter()
        .map(|c| Endpoint::Class(c.id))
        .chain([Endpoint::Host, Endpoint::External])
        .collect();
    let origin = |e: Endpoint| match e {
        Endpoint::Class(c) => analysis.classes.classes[c.index()].origin,
        _ => None,
    };
    let reachable: foldhash::HashSet<(usize, usize)> = cells.iter().map(|c| (c.from, c.to)).collect();
    let mut wanted: std::collections::BTreeSet<(usize, usize)> = Default::default();
    for (i, rule) in topo.policy.rules.iter().enumerate() {
        if rule.verdict != Verdict::Allow {
            continue;
        }
        let reps =
            |sel: &topoc_model::Selector| -> BTreeMap<(usize, Option<(topoc_model::TemplateId, u32)>), Endpoint> {
                let mut out = BTreeMap::new();
                for e in endpoints.iter().copied().filter(|e| crate::select::matches(&analysis.classes, sel, *e)) {
                    for r in rows_of(topo, analysis, level, e, index) {
                        out.entry((r, origin(e))).or_insert(e);
                    }
                }
                out
            };
        let (from, to) = (reps(&rule.from), reps(&rule.to));
        let by_row = |m: &Representatives| {
            let mut rows: BTreeMap<usize, Vec<Endpoint>> = BTreeMap::new();
            for ((r, _), e) in m {
                rows.entry(*r).or_default().push(*e);
            }
            rows
        };
        let (from_rows, to_rows) = (by_row(&from), by_row(&to));
        for (r, fs) in &from_rows {
            for (c, ts) in &to_rows {
                if (r == c && level == Level::Services) || reachable.contains(&(*r, *c)) {
                    continue;
                }
                let any = match rule.scope {
                    // Without a scope every selected pair applies; test one.
                    None => judge.applies(i, fs[0], ts[0]) && !(fs[0] == ts[0] && singleton(analysis, fs[0])),
                    Some(_) => {
                        let ok = |a: &Endpoint, b: &Endpoint| {
                            judge.applies(i, *a, *b) && !(a == b && singleton(analysis, *a))
                        };
                        let origins_t: BTreeMap<_, _> = ts.iter().map(|e| (origin(*e), *e)).collect();
                        fs.iter().any(|a| origins_t.get(&origin(*a)).is_some_and(|b| ok(a, b)))
                            || fs.iter().take(2).any(|a| ts.iter().take(2).any(|b| ok(a, b)))
                    }
                };
                if any {
                    wanted.insert((*r, *c));
                }
            }
        }
    }
    cells.extend(wanted.into_iter().map(|(from, to)| Cell {
        from,
        to,
        ports: "no port".into(),
        status: Status::Unsatisfied,
        scope: None,
        multi_homed: false,
    }));
}

fn singleton(analysis: &Analysis, e: Endpoint) -> bool {
    match e {
        Endpoint::Class(ClassId(c)) => analysis.classes.classes[c as usize].members.len() == 1,
        _ => true,
    }
}
