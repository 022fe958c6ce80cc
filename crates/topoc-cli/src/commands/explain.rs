//! `topoc explain SPEC FROM TO`: every path from one endpoint to another, with the spec lines
//! that grant it and the policy's verdict — or why there is no path.

use crate::args::{ModelTargetArgs, PolicyArgs, SpecArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::fmt::Write as _;
use std::io::Write;
use topoc_diag::Files;
use topoc_model::{NetworkMode, Topology, Verdict};
use topoc_reach::policy::{Decider, Judge};
use topoc_reach::{Analysis, Endpoint, PortSet, describe};

pub(crate) fn exec(
    args: &SpecArgs,
    policy: &PolicyArgs,
    target: &ModelTargetArgs,
    from: &str,
    to: &str,
    reporter: &Reporter,
) -> Exit {
    let modeled = match pipeline::compile_model(args, policy, reporter, target.target) {
        Ok(m) => m,
        Err(exit) => return exit,
    };
    let (topo, analysis) = (&modeled.topology, &modeled.analysis);
    let mut endpoints = Vec::new();
    for name in [from, to] {
        match analysis.endpoint(topo, name) {
            Some(e) => endpoints.push(e),
            None => {
                let known: Vec<&str> =
                    topo.services.iter().map(|s| s.name.as_str()).chain(["host", "external"]).collect();
                let hint = topoc_diag::did_you_mean(name, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                reporter.failure(&format!("`{name}` is not a service, `host` or `external`{hint}"));
                return Exit::Failure;
            }
        }
    }
    let text = explain(topo, analysis, &modeled, from, to, endpoints[0], endpoints[1]);
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::Failure,
    }
}

fn location(files: &Files, span: topoc_diag::Span) -> String {
    files.location(span).map(|(p, lc)| format!("{p}:{}:{}", lc.line, lc.column)).unwrap_or_default()
}

fn explain(
    topo: &Topology,
    a: &Analysis,
    modeled: &pipeline::Modeled,
    from: &str,
    to: &str,
    src: Endpoint,
    dst: Endpoint,
) -> String {
    let files = &modeled.files;
    let mut out = String::new();
    let _ = writeln!(out, "{from} → {to}");
    // A service "reaching itself" is only a pair when it has several replicas.
    let single = from == to && topo.services.iter().find(|s| s.name == from).is_none_or(|s| s.replicas <= 1);
    if single {
        let _ = writeln!(
            out,
            "  the same container: not a pair (give the service replicas to ask about replica to replica)"
        );
        return out;
    }
    let raw = a.reach.hops(src, dst);
    // Judged on what the destination listens on, as check and matrix judge it.
    let hops = a.listeners.hops(dst, raw);
    let on_wire = raw.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
    let ports = hops.iter().fold(PortSet::none(), |acc, h| acc.union(&h.ports));
    let listens = a.listeners.of(dst);
    let declared_by = if a.listeners.is_declared(dst) {
        "declared: expose, published ports, relays"
    } else {
        "`defaults.listen: declared`, and it declares nothing"
    };
    if raw.is_empty() {
        let _ = writeln!(out, "  not reachable");
        for reason in why_not(topo, a, src, dst) {
            let _ = writeln!(out, "  - {reason}");
        }
    } else {
        if hops.is_empty() {
            let _ = writeln!(
                out,
                "  a path exists on {on_wire}, but nothing listens there: {to} listens on {listens} ({declared_by})"
            );
        } else if ports != on_wire {
            let _ = writeln!(out, "  {to} listens on {listens} ({declared_by}); the network carries {on_wire}");
        }
        let shown = if hops.is_empty() { raw } else { &hops[..] };
        let what =
            if hops.is_empty() { "paths without a listener".to_owned() } else { format!("reachable on {ports}") };
        let _ = writeln!(out, "  {what}, by {} path{}:", shown.len(), if shown.len() == 1 { "" } else { "s" });
        for (i, h) in shown.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {}   [{}]",
                i + 1,
                describe::path(topo, &a.classes, &a.reach, src, dst, h.via),
                h.ports
            );
            for (span, label) in describe::grant(topo, &a.classes, src, dst, h.via) {
                let _ = writeln!(out, "       {}: {label}", location(files, span));
            }
        }
    }
    if !topo.policy.declared {
        let _ = writeln!(out, "  policy: none declared");
        return out;
    }
    let judge = Judge::new(topo, &a.classes);
    let verdict = judge.judge(src, dst, &if hops.is_empty() { PortSet::All } else { ports.clone() });
    let causes = topoc_reach::policy::edge_causes(&judge, src, dst, &hops);
    let rule_text = |d: Decider| match d {
        Decider::Rule(i) => {
            let r = &topo.policy.rules[i];
            format!("rule `{} {} → {}` at {}", r.verdict, r.from.text, r.to.text, location(files, r.span))
        }
        Decider::Default => format!("the default ({})", topo.policy.default),
    };
    if !verdict.allowed.is_empty() {
        let _ = writeln!(out, "  policy: allows {}", verdict.allowed);
    }
    for (d, denied) in &verdict.denied {
        let mine: Vec<_> = causes.iter().filter(|(decider, _)| decider == d).collect();
        let accepted = !mine.is_empty() && mine.iter().all(|c| modeled.hidden_causes.contains(c));
        let line = if hops.is_empty() {
            format!("denies (and nothing reaches) on {denied}")
        } else if accepted {
            format!("denies {denied} — reachable, accepted by the project's configuration (suppressed)")
        } else {
            format!("denies — VIOLATION: reachable on {denied}")
        };
        let _ = writeln!(out, "  policy: {} {line}", rule_text(*d));
    }
    let wanted: Vec<String> = topo
        .policy
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| r.verdict == Verdict::Allow && judge.applies(*i, src, dst) && !verdict.allowed.is_empty())
        .map(|(i, _)| rule_text(Decider::Rule(i)))
        .collect();
    if hops.is_empty() && !wanted.is_empty() {
        let missing = if raw.is_empty() { "none exists" } else { "nothing listens on it" };
        let _ = writeln!(out, "  policy: {} asks for this path, but {missing}", wanted.join(", "));
    }
    out
}

/// Why `src` does not reach `dst`: what each side is attached to, what is published.
fn why_not(topo: &Topology, a: &Analysis, src: Endpoint, dst: Endpoint) -> Vec<String> {
    let nets = |e: Endpoint| -> String {
        match e {
            Endpoint::Class(c) => {
                let class = &a.classes.classes[c.index()];
                if class.networks.is_empty() {
                    return "no network".into();
                }
                class.networks.iter().map(|n| format!("`{}`", topo.network(*n).name)).collect::<Vec<_>>().join(", ")
            }
            Endpoint::Host => "the host".into(),
            Endpoint::External => "outside".into(),
        }
    };
    let mut reasons = Vec::new();
    if let (Endpoint::Class(_), Endpoint::Class(_)) = (src, dst) {
        reasons.push(format!("no shared network: the source is on {}, the destination on {}", nets(src), nets(dst)));
    }
    if let Endpoint::Class(c) = dst {
        let s = topo.service(a.classes.classes[c.index()].members[0]);
        if s.ports.is_empty() {
            reasons.push("the destination publishes no port".into());
        } else if !topoc_reach::graph::publishes(topo, &a.classes.classes[c.index()], &a.engine) {
            reasons.push("the destination's ports are not published: it is only on internal networks".into());
        } else {
            // Say which of the two reasons holds (both may).
            let loopback = s.ports.iter().all(|p| p.host_ip.is_some_and(|ip| ip.is_loopback()));
            let internal_only = match src {
                Endpoint::Class(c) => {
                    let class = &a.classes.classes[c.index()];
                    !class.networks.is_empty() && class.networks.iter().all(|n| !topo.network(*n).egress)
                }
                _ => false,
            };
            if loopback {
                reasons.push(format!(
                    "every published port of `{}` is bound to a loopback address, which only the host itself reaches",
                    s.name
                ));
            }
            if internal_only {
                reasons.push(format!(
                    "the source is only on internal networks ({}), which have no route to the host's addresses",
                    nets(src)
                ));
            }
            if !loopback && !internal_only {
                reasons.push("the destination's published ports are not reachable from the source".into());
            }
        }
        if matches!(s.network_mode, NetworkMode::None) && s.attachments.is_empty() {
            reasons.push("the destination has no network at all".into());
        }
    }
    if dst == Endpoint::External {
        reasons.push(format!(
            "no egress: the source is on {} and none of them is a non-internal network or a LAN (macvlan/ipvlan)",
            nets(src)
        ));
    }
    if src == Endpoint::Host {
        reasons
            .push("the host routes only into bridge networks (not overlay or its own macvlan/ipvlan children)".into());
    }
    reasons.push("no declared relay forwards from the source to the destination".into());
    reasons
}
