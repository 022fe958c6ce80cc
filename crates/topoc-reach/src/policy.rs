//! The policy held against the reachability graph.
//!
//! Each reachable pair is judged port by port: among the rules that select the pair (and whose
//! port list covers the port), the most specific decides, `deny` winning ties; with no rule the
//! default decides. Denied reach is reported grouped by what grants it (a network, a published
//! port, a relay, egress), each finding with a witness path and labels at the rule and at the
//! spec line that grants the path.

use crate::classes::Classes;
use crate::describe;
use crate::graph::{Endpoint, Hop, Reach, Via};
use crate::listen::Listeners;
use crate::ports::PortSet;
use crate::select;
use std::collections::{BTreeMap, BTreeSet};
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Rule, Scope, ServiceId, Topology, Verdict};

/// Which rule (or the default) decided a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decider {
    Rule(usize),
    Default,
}

/// The verdict on one reachable pair: the ports each decider denied, and the rules satisfied.
#[derive(Debug, Clone)]
pub struct PairVerdict {
    pub denied: Vec<(Decider, PortSet)>,
    pub allowed: PortSet,
}

/// Rule selections precomputed over classes, so judging a pair is a lookup.
pub struct Judge<'a> {
    topo: &'a Topology,
    classes: &'a Classes,
    from: Vec<Vec<bool>>,
    to: Vec<Vec<bool>>,
}

impl<'a> Judge<'a> {
    pub fn new(topo: &'a Topology, classes: &'a Classes) -> Self {
        let sel = |s: &topoc_model::Selector| -> Vec<bool> {
            let mut v = vec![false; classes.classes.len() + 2];
            for c in select::class_set(topo, classes, s) {
                v[c.index()] = true;
            }
            let n = classes.classes.len();
            v[n] = select::matches(classes, s, Endpoint::Host);
            v[n + 1] = select::matches(classes, s, Endpoint::External);
            v
        };
        let from = topo.policy.rules.iter().map(|r| sel(&r.from)).collect();
        let to = topo.policy.rules.iter().map(|r| sel(&r.to)).collect();
        Judge { topo, classes, from, to }
    }

    fn slot(&self, e: Endpoint) -> usize {
        match e {
            Endpoint::Class(c) => c.index(),
            Endpoint::Host => self.classes.classes.len(),
            Endpoint::External => self.classes.classes.len() + 1,
        }
    }

    fn origin(&self, e: Endpoint) -> Option<(topoc_model::TemplateId, u32)> {
        match e {
            Endpoint::Class(c) => self.classes.classes[c.index()].origin,
            _ => None,
        }
    }

    /// Whether rule `i` selects the pair `a → b`, scope included.
    pub fn applies(&self, i: usize, a: Endpoint, b: Endpoint) -> bool {
        if !self.from[i][self.slot(a)] || !self.to[i][self.slot(b)] {
            return false;
        }
        match self.topo.policy.rules[i].scope {
            None => true,
            Some(scope) => match (self.origin(a), self.origin(b)) {
                (Some((ta, ia)), Some((tb, ib))) if ta == tb => match scope {
                    Scope::SameInstance => ia == ib,
                    Scope::AcrossInstances => ia != ib,
                },
                _ => false,
            },
        }
    }

    /// Judge `a → b` reaching on `reach`.
    pub fn judge(&self, a: Endpoint, b: Endpoint, reach: &PortSet) -> PairVerdict {
        let rules = &self.topo.policy.rules;
        let matched: Vec<usize> = (0..rules.len()).filter(|&i| self.applies(i, a, b)).collect();
        let explicit: BTreeSet<u16> = matched.iter().flat_map(|&i| rules[i].ports.iter().copied()).collect();
        let mut verdict = PairVerdict { denied: Vec::new(), allowed: PortSet::none() };
        let mut deny = |d: Decider, ports: PortSet| match verdict.denied.iter_mut().find(|(x, _)| *x == d) {
            Some((_, p)) => *p = p.union(&ports),
            None => verdict.denied.push((d, ports)),
        };
        let mut allowed = PortSet::none();
        for &port in &explicit {
            if !reach.contains(port) {
                continue;
            }
            let covering =
                matched.iter().copied().filter(|&i| rules[i].ports.is_empty() || rules[i].ports.contains(&port));
            match decide(rules, covering, self.topo.policy.default) {
                (Verdict::Allow, _) => allowed = allowed.union(&PortSet::of([port])),
                (Verdict::Deny, d) => deny(d, PortSet::of([port])),
            }
        }
        let rest = reach.minus(&PortSet::Some(explicit.clone()));
        let rest = (!rest.is_empty()).then_some(rest);
        if let Some(rest) = rest {
            let covering = matched.iter().copied().filter(|&i| rules[i].ports.is_empty());
            match decide(rules, covering, self.topo.policy.default) {
                (Verdict::Allow, _) => allowed = allowed.union(&rest),
                (Verdict::Deny, d) => deny(d, rest),
            }
        }
        verdict.allowed = allowed;
        verdict
    }
}

/// Whether an explicit `allow` rule lets `external` reach this published port of `s` and the
/// policy's verdict on the port is allow: the port is meant to be public.
pub fn explicitly_public(judge: &Judge<'_>, s: &topoc_model::Service, p: &topoc_model::PublishedPort) -> bool {
    let (topo, classes) = (judge.topo, judge.classes);
    if !topo.policy.declared {
        return false;
    }
    let target = Endpoint::Class(classes.of_service[s.id.index()]);
    let rules = &topo.policy.rules;
    let asked = (0..rules.len()).any(|i| {
        rules[i].verdict == Verdict::Allow
            && judge.applies(i, Endpoint::External, target)
            && (rules[i].ports.is_empty() || rules[i].ports.contains(&p.target))
    });
    asked && judge.judge(Endpoint::External, target, &PortSet::of([p.target])).allowed.contains(p.target)
}

/// The most specific rule wins; `deny` wins ties; no rule: the default.
fn decide(rules: &[Rule], covering: impl Iterator<Item = usize>, default: Verdict) -> (Verdict, Decider) {
    let mut best: Option<(u8, Verdict, usize)> = None;
    for i in covering {
        let r = &rules[i];
        let spec = select::specificity(&r.from) + select::specificity(&r.to);
        let better = match best {
            None => true,
            Some((s, v, _)) => spec > s || (spec == s && v == Verdict::Allow && r.verdict == Verdict::Deny),
        };
        if better {
            best = Some((spec, r.verdict, i));
        }
    }
    match best {
        Some((_, v, i)) => (v, Decider::Rule(i)),
        None => (default, Decider::Default),
    }
}

type Group = Vec<(Endpoint, Endpoint, PortSet)>;

/// A policy finding's cause before template grouping: what decided (a rule, the default) and
/// what grants the path. The matrix marks a cell suppressed when every cause behind it is one
/// whose finding the project's configuration hides.
pub type Cause = (Decider, Via);

/// What judging every edge found: the denied pairs by cause, the allow rules some listened
/// path satisfies, and the allow rules whose path reaches no listener (`(from, to)` of one).
struct Judged {
    groups: BTreeMap<Cause, Group>,
    satisfied: Vec<bool>,
    unheard: Vec<Option<(Endpoint, Endpoint)>>,
}

fn judge_edges(topo: &Topology, judge: &Judge<'_>, reach: &Reach, listeners: &Listeners) -> Judged {
    let rules = &topo.policy.rules;
    let mut satisfied = vec![false; rules.len()];
    // Allow rules a path satisfies on the network but no listener does: `a` reaches `b`'s
    // container on the rule's ports, and `b` declares it listens elsewhere.
    let mut unheard = vec![None; rules.len()];
    let mut groups: BTreeMap<(Decider, Via), Group> = BTreeMap::new();
    for (a, b, raw) in reach.edges() {
        // Judged on what the target listens on: reach to a port nobody listens on is no reach.
        let hops = &listeners.hops(b, raw)[..];
        // Only when the listeners took something away can an allow rule be "unheard".
        if hops.len() < raw.len() || hops.iter().zip(raw).any(|(h, r)| h.ports != r.ports) {
            let on_wire = raw.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
            for (i, r) in rules.iter().enumerate() {
                if r.verdict == Verdict::Allow && unheard[i].is_none() && judge.applies(i, a, b) {
                    let wanted = on_wire.intersect(&PortSet::from_list(&r.ports));
                    if !wanted.is_empty() && wanted.intersect(listeners.of(b)).is_empty() {
                        unheard[i] = Some((a, b));
                    }
                }
            }
        }
        if hops.is_empty() {
            continue;
        }
        let ports = hops.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
        for (i, r) in rules.iter().enumerate() {
            if r.verdict == Verdict::Allow
                && !satisfied[i]
                && judge.applies(i, a, b)
                && !ports.intersect(&PortSet::from_list(&r.ports)).is_empty()
            {
                satisfied[i] = true;
            }
        }
        let verdict = judge.judge(a, b, &ports);
        for (decider, denied) in verdict.denied {
            for hop in hops {
                if skip_under_default(decider, hop) {
                    continue;
                }
                let through = hop.ports.intersect(&denied);
                if !through.is_empty() {
                    groups.entry((decider, hop.via)).or_default().push((a, b, through));
                }
            }
        }
    }
    Judged { groups, satisfied, unheard }
}

/// The denied-reach findings, each with its cause (the same findings `check` reports).
pub fn denied_causes(
    topo: &Topology,
    classes: &Classes,
    reach: &Reach,
    listeners: &Listeners,
) -> Vec<(Cause, Diagnostic)> {
    if !topo.policy.declared {
        return Vec::new();
    }
    let judge = Judge::new(topo, classes);
    let judged = judge_edges(topo, &judge, reach, listeners);
    judged
        .groups
        .into_iter()
        .map(|((d, via), pairs)| ((d, via), finding(topo, classes, reach, d, via, &pairs)))
        .collect()
}

/// The causes of denied reach on one edge (`hops` already narrowed to what `b` listens on).
pub fn edge_causes(judge: &Judge<'_>, a: Endpoint, b: Endpoint, hops: &[Hop]) -> Vec<Cause> {
    let ports = hops.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
    let mut out = Vec::new();
    for (decider, denied) in judge.judge(a, b, &ports).denied {
        for hop in hops {
            if !skip_under_default(decider, hop) && !hop.ports.intersect(&denied).is_empty() {
                out.push((decider, hop.via));
            }
        }
    }
    out
}

/// Judge every reachable pair and report what the policy forbids, rules that select nothing,
/// and allow rules no path satisfies.
pub fn check(topo: &Topology, classes: &Classes, reach: &Reach, listeners: &Listeners, out: &mut Diagnostics) {
    if !topo.policy.declared {
        return;
    }
    let judge = Judge::new(topo, classes);
    let rules = &topo.policy.rules;
    let Judged { groups, satisfied, unheard } = judge_edges(topo, &judge, reach, listeners);
    for ((decider, via), pairs) in groups {
        out.push(finding(topo, classes, reach, decider, via, &pairs));
    }
    for (i, r) in rules.iter().enumerate() {
        let from = select::endpoints(topo, classes, &r.from);
        let to = select::endpoints(topo, classes, &r.to);
        let empty_side = if from.is_empty() {
            Some(&r.from)
        } else if to.is_empty() {
            Some(&r.to)
        } else {
            None
        };
        if let Some(side) = empty_side {
            out.push(
                Diagnostic::new(Code::UnusedRule, format!("rule selector `{}` selects nothing", side.text))
                    .primary(side.span, "matches no service")
                    .secondary(r.span, "in this rule")
                    .help("fix the name or glob, or remove the rule"),
            );
        } else if r.scope.is_some() && !scope_possible(&judge, &from, &to, i) {
            out.push(
                Diagnostic::new(Code::UnusedRule, "the rule's scope leaves no pair to judge")
                    .primary(r.span, "no selected pair is in the scope")
                    .help("`scope` applies to pairs of services stamped by one template; check both selectors pick template members"),
            );
        } else if r.verdict == Verdict::Allow && !satisfied[i] {
            let ports = PortSet::from_list(&r.ports);
            let d = match unheard[i] {
                Some((a, b)) => Diagnostic::new(
                    Code::UnsatisfiedAllow,
                    format!(
                        "`{}` reaches `{}` on {ports}, but nothing listens there: {} listens on {}",
                        r.from.text,
                        r.to.text,
                        describe::endpoint(topo, classes, b),
                        listeners.of(b)
                    ),
                )
                .primary(r.span, "allowed here, but no listener")
                .note(format!(
                    "path without a listener: {} → {}",
                    describe::endpoint(topo, classes, a),
                    describe::endpoint(topo, classes, b)
                ))
                .help("declare the port the service listens on (`expose`), or fix the rule's `ports`"),
                None => Diagnostic::new(
                    Code::UnsatisfiedAllow,
                    format!("nothing in the topology lets `{}` reach `{}` on {ports}", r.from.text, r.to.text),
                )
                .primary(r.span, "allowed here, but no path exists")
                .help(
                    "share a network, publish a port, or declare a relay — or drop the rule if the path is not wanted",
                ),
            };
            out.push(d);
        }
    }
}

/// Containers reaching host services are judged only against explicit rules: which host
/// services listen is outside the spec, so the default cannot know whether a path matters.
fn skip_under_default(decider: Decider, hop: &Hop) -> bool {
    decider == Decider::Default && matches!(hop.via, Via::ToHost(_))
}

fn scope_possible(judge: &Judge<'_>, from: &[Endpoint], to: &[Endpoint], rule: usize) -> bool {
    // Scope depends only on the instances; one representative per instance is enough.
    let origins = |v: &[Endpoint]| -> BTreeMap<Option<(topoc_model::TemplateId, u32)>, Endpoint> {
        v.iter().map(|e| (judge.origin(*e), *e)).collect()
    };
    let (fo, to_) = (origins(from), origins(to));
    fo.values().any(|a| to_.values().any(|b| judge.applies(rule, *a, *b)))
}

fn pair_list(topo: &Topology, classes: &Classes, pairs: &Group) -> Vec<String> {
    pairs
        .iter()
        .map(|(a, b, ports)| {
            format!("{} → {} ({ports})", describe::endpoint(topo, classes, *a), describe::endpoint(topo, classes, *b))
        })
        .collect()
}

fn finding(topo: &Topology, classes: &Classes, reach: &Reach, decider: Decider, via: Via, pairs: &Group) -> Diagnostic {
    let (a, b, ports) = &pairs[0];
    let witness = describe::path(topo, classes, reach, *a, *b, via);
    let grants = describe::grant(topo, classes, *a, *b, via);
    let list = pair_list(topo, classes, pairs);
    let count = pairs.len();
    let many = if count == 1 {
        String::new()
    } else {
        format!(" and {} more pair{}", count - 1, if count == 2 { "" } else { "s" })
    };
    let mut d = match decider {
        Decider::Rule(i) => {
            let r = &topo.policy.rules[i];
            let why = r.reason.as_deref().map(|x| format!(" ({x})")).unwrap_or_default();
            let what = match via {
                Via::Published { service, port } => published_reach(topo, classes, service, port, pairs),
                _ => format!(
                    "{} reaches {} on {ports}{many}",
                    describe::endpoint(topo, classes, *a),
                    describe::endpoint(topo, classes, *b)
                ),
            };
            let mut d = Diagnostic::new(
                Code::PolicyViolation,
                format!("deny rule `{}` → `{}`{why} is broken: {what}", r.from.text, r.to.text),
            );
            d = d.secondary(r.span, "denied here");
            d
        }
        Decider::Default => Diagnostic::new(Code::OverBroad, default_message(topo, classes, via, pairs, &many)),
    };
    let mut first = true;
    for (span, label) in grants {
        d = if first { d.primary(span, label) } else { d.secondary(span, label) };
        first = false;
    }
    d = d.note(format!("path: {witness}"));
    if count > 1 {
        let shown: Vec<String> = list.iter().take(8).cloned().collect();
        let more = if count > 8 { format!(", and {} more", count - 8) } else { String::new() };
        d = d.note(format!("pairs: {}{more}", shown.join("; ")));
    }
    d.help(help(topo, decider, via))
}

fn default_message(topo: &Topology, classes: &Classes, via: Via, pairs: &Group, many: &str) -> String {
    let (a, b, ports) = &pairs[0];
    let (a, b) = (describe::endpoint(topo, classes, *a), describe::endpoint(topo, classes, *b));
    match via {
        Via::Network(n) => {
            format!("network `{}` lets {a} reach {b} on {ports}{many}, and no rule allows it", topo.network(n).name)
        }
        Via::HostRoute(n) => format!(
            "the host reaches {b} on {ports} through network `{}`{many}, and no rule allows it",
            topo.network(n).name
        ),
        Via::ToHost(n) => format!("{a} reaches the host through network `{}`{many}", topo.network(n).name),
        Via::Egress(n) => format!(
            "{a} reaches the outside world through network `{}`{many}, and no rule allows it",
            topo.network(n).name
        ),
        Via::Lan(n) if pairs[0].0 == Endpoint::External => {
            format!(
                "the LAN reaches {b} on {ports} through network `{}`{many}, and no rule allows it",
                topo.network(n).name
            )
        }
        Via::Lan(n) => {
            format!("{a} reaches the LAN through network `{}`{many}, and no rule allows it", topo.network(n).name)
        }
        Via::Published { service, port } => {
            format!("{}, and no rule allows it", published_reach(topo, classes, service, port, pairs))
        }
        Via::Relay { relay, .. } => {
            format!("relay `{}` lets {a} reach {b} on {ports}{many}, and no rule allows it", topo.service(relay).name)
        }
        Via::HostNamespace(s) => {
            format!("`{}` shares the host's network stack: {a} reaches {b}{many}", topo.service(s).name)
        }
        Via::RoutingMesh(s) => format!(
            "{a} reaches the outside world through the routing mesh{many} (its published ports put `{}` on `ingress` and docker_gwbridge), and no rule allows it",
            topo.service(s).name
        ),
    }
}

/// One published port and everyone it lets in: "port 8080 of `api`, published on every host
/// address, is reachable by 3 containers through a host address (a, b, c)". One finding per published
/// port, whatever the number of sources.
fn published_reach(topo: &Topology, classes: &Classes, service: ServiceId, port: Option<u16>, pairs: &Group) -> String {
    let s = topo.service(service);
    let bound = s
        .ports
        .iter()
        .find(|p| p.published == port)
        .and_then(|p| p.host_ip)
        .map(|ip| format!("published on {ip}"))
        .unwrap_or_else(|| "published on every host address".into());
    let mut containers: Vec<String> = Vec::new();
    let mut others: Vec<&str> = Vec::new();
    for (a, _, _) in pairs {
        match a {
            Endpoint::Class(c) => {
                containers.extend(classes.classes[c.index()].members.iter().map(|m| topo.service(*m).name.clone()))
            }
            Endpoint::Host => others.push("the host"),
            Endpoint::External => others.push("the outside world"),
        }
    }
    let n = containers.len();
    let mut who: Vec<String> = others.iter().map(|o| (*o).to_owned()).collect();
    if n > 0 {
        let shown: Vec<&str> = containers.iter().take(5).map(String::as_str).collect();
        let more = if n > 5 { format!(", and {} more", n - 5) } else { String::new() };
        who.push(format!(
            "{n} container{} through a host address ({}{more})",
            if n == 1 { "" } else { "s" },
            shown.join(", ")
        ));
    }
    format!(
        "port {} of `{}`, {bound}, is reachable by {}",
        crate::graph::host_port_text(port),
        s.name,
        who.join(" and ")
    )
}

fn help(topo: &Topology, decider: Decider, via: Via) -> String {
    match (decider, via) {
        (Decider::Rule(_), _) => "remove what grants the path (shown above), or change the rule if the path is intended".into(),
        (_, Via::Network(n)) => format!("allow the pairs that should connect, or split `{}` so only they share it", topo.network(n).name),
        (_, Via::HostRoute(_)) => "Docker always routes the host into its bridge networks, internal ones too: allow it (`from: host`), or accept that `internal` does not isolate from the host".into(),
        (_, Via::Egress(n)) => format!("allow it (`to: external`), or make `{}` internal (drop `egress: true`)", topo.network(n).name),
        (_, Via::Lan(_)) => "macvlan/ipvlan members are LAN hosts on every port, `internal` or not: allow it or move the service off the LAN".into(),
        (_, Via::Published { .. }) => "allow it, bind the port to 127.0.0.1 (`host_ip`), or stop publishing it".into(),
        (_, Via::Relay { .. }) => "allow the relayed pairs, or narrow the relay's `to` and `ports`".into(),
        (_, _) => "allow it, or remove `network_mode: host`".into(),
    }
}
