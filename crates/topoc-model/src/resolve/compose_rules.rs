//! What Compose 2.40.3 rejects that the spec's types alone would let through, checked here so
//! that `topoc build` never exits 0 with a file Compose then refuses:
//! - `extra_hosts` keys that are not host names (`--add-host=evil`, `a b`);
//! - durations (`healthcheck` `interval`, `timeout`, `start_period`; `deploy.update_delay`)
//!   that are not Go durations (Compose also takes `d` and `w`), sizes (`memory`) that are not
//!   byte sizes, CPU counts (`cpus`) that are not numbers;
//! - `depends_on` and `network_mode: service:` cycles, a service naming itself included.

use super::Cx;
use super::templates::Expanded;
use crate::ir::{NetworkMode, ServiceId, Topology};
use topoc_diag::{Code, Diagnostic, Span};
use topoc_spec::ServiceSpec;

/// A host name as `extra_hosts` keys take it: labels of letters, digits, `-` and `_` joined by
/// dots, starting and ending with a letter or digit, at most 253 characters.
fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
        })
}

/// A byte size as Compose reads `memory`: digits, an optional fraction, an optional space, an
/// optional unit (`k`, `m`, `g`, `t`, `p`, any case), an optional `b` or `ib`.
pub(crate) fn is_size(text: &str) -> bool {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    if digits == 0 {
        return false;
    }
    let mut s = &text[digits..];
    if let Some(fraction) = s.strip_prefix('.') {
        let n = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
        if n == 0 {
            return false;
        }
        s = &fraction[n..];
    }
    let s = s.strip_prefix(' ').unwrap_or(s).to_ascii_lowercase();
    let s = s.strip_prefix(['k', 'm', 'g', 't', 'p']).unwrap_or(&s);
    matches!(s, "" | "b" | "ib")
}

/// A CPU count: a decimal number.
fn is_cpus(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((whole, fraction)) => (whole.is_empty() || digits(whole)) && digits(fraction),
        None => digits(text),
    }
}

fn refuse(cx: &mut Cx, span: Span, what: String, label: &str, help: &str) {
    cx.push(Diagnostic::new(Code::InvalidValue, what).primary(span, label).help(help.to_owned()));
}

/// The per-service checks.
pub(crate) fn check_service(s: &ServiceSpec, cx: &mut Cx) {
    for (host, _) in s.extra_hosts.iter().filter(|(k, _)| !k.value.starts_with("x-") && !k.value.is_empty()) {
        if !is_host_name(&host.value) {
            refuse(
                cx,
                host.span,
                format!("`{}` in `extra_hosts` is not a host name", host.value),
                "Compose rejects it",
                "a host name is letters, digits, `-` and `_`, in dot-separated labels",
            );
        }
    }
    // Durations (healthcheck, deploy) are typed in the spec language: the decoder refuses what
    // Compose would not read as a duration.
    let resources = s.deploy.as_ref().map(|d| {
        [("limits", super::services::deploy_limits(d)), ("reservations", super::services::deploy_reservations(d))]
    });
    for (group, r) in resources.into_iter().flatten() {
        let Some(r) = r else { continue };
        if let Some(m) = r.memory.as_ref().filter(|m| !is_size(&m.value)) {
            refuse(
                cx,
                m.span,
                format!("`deploy.{group}.memory` is `{}`, not a size", m.value),
                "Compose rejects it",
                "write bytes with an optional unit: `512m`, `1g`, `1.5gb`",
            );
        }
        if let Some(c) = r.cpus.as_ref().filter(|c| !is_cpus(&c.value.0)) {
            refuse(
                cx,
                c.span,
                format!("`deploy.{group}.cpus` is `{}`, not a number", c.value.0),
                "Compose rejects it",
                "write a number of CPUs: `0.5`, `2`",
            );
        }
    }
}

/// `deploy.resources` beside the flat `limits`/`reservations` (one of the two forms), and the
/// resource keys Compose reads only in one group: `pids` in `limits`, `devices` and
/// `generic_resources` in `reservations`.
pub(crate) fn check_resources_forms(d: &topoc_spec::DeploySpec, cx: &mut Cx) {
    if let Some(nested) = &d.resources
        && (d.limits.is_some() || d.reservations.is_some())
    {
        cx.push(
            Diagnostic::new(
                Code::ConflictingKeys,
                "`deploy` sets both `resources` and the flat `limits`/`reservations`",
            )
            .primary(nested.span, "`resources` here")
            .help("they are one setting in two forms: keep `resources: { limits, reservations }` or the flat keys"),
        );
    }
    let nested = d.resources.as_ref().map(|r| &r.value);
    let groups = [
        ("limits", d.limits.as_ref()),
        ("reservations", d.reservations.as_ref()),
        ("resources.limits", nested.and_then(|r| r.limits.as_ref())),
        ("resources.reservations", nested.and_then(|r| r.reservations.as_ref())),
    ];
    for (group, r) in groups {
        let Some(r) = r else { continue };
        let limits = group.ends_with("limits");
        let misplaced = match limits {
            true => [
                ("devices", r.devices.as_ref().map(|c| c.span)),
                ("generic_resources", r.generic_resources.as_ref().map(|c| c.span)),
            ],
            false => [("pids", r.pids.as_ref().map(|c| c.span)), ("", None)],
        };
        for (key, span) in misplaced {
            let Some(span) = span else { continue };
            let other = if limits { "reservations" } else { "limits" };
            refuse(
                cx,
                span,
                format!("`{key}` in `deploy.{group}`: Compose reads it only in `{other}`"),
                "Compose rejects it here",
                &format!("move `{key}` to `{other}`"),
            );
        }
    }
}

/// One edge of the start-order graph: `from` waits for `to`, because of the text at `span`.
struct Edge {
    to: ServiceId,
    span: Span,
}

/// `depends_on` and `network_mode: service:` cycles: Compose cannot order them and rejects the
/// file. Each cycle is reported once, at the edge that leaves its first service.
pub(crate) fn check_cycles(topo: &Topology, expanded: &Expanded, cx: &mut Cx) {
    let n = topo.services.len();
    let mut edges: Vec<Vec<Edge>> = (0..n).map(|_| Vec::new()).collect();
    for decl in &expanded.services {
        let Some(&id) = cx.service_ids.get(&decl.name.value) else { continue };
        let Some(service) = topo.services.get(id.index()).filter(|s| s.span == decl.name.span) else { continue };
        for (dep, _) in &decl.spec.depends_on.0 {
            if let Some(&to) = cx.service_ids.get(&dep.value) {
                edges[id.index()].push(Edge { to, span: dep.span });
            }
        }
        if let NetworkMode::Service(to) = service.network_mode {
            edges[id.index()].push(Edge { to, span: service.network_mode_span });
        }
    }
    // Peel off every service that waits for nothing left: what remains waits in a circle, or
    // for one.
    let mut waits: Vec<usize> = edges.iter().map(Vec::len).collect();
    let mut waited_by: Vec<Vec<usize>> = (0..n).map(|_| Vec::new()).collect();
    for (from, out) in edges.iter().enumerate() {
        for e in out {
            waited_by[e.to.index()].push(from);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| waits[i] == 0).collect();
    let mut done = vec![false; n];
    while let Some(i) = ready.pop() {
        done[i] = true;
        for &from in &waited_by[i] {
            waits[from] -= 1;
            if waits[from] == 0 {
                ready.push(from);
            }
        }
    }
    let mut reported = vec![false; n];
    // Position on the current walk, reset after each walk (so the whole search is linear).
    let mut on_path = vec![usize::MAX; n];
    for start in 0..n {
        if done[start] || reported[start] {
            continue;
        }
        // Walk edges inside the remainder until a service repeats: that is a cycle.
        let mut path: Vec<usize> = vec![start];
        on_path[start] = 0;
        let cycle = loop {
            let at = *path.last().unwrap_or(&start);
            let Some(next) = edges[at].iter().map(|e| e.to.index()).find(|&t| !done[t]) else { break None };
            if reported[next] {
                break None;
            }
            if on_path[next] != usize::MAX {
                break Some(path[on_path[next]..].to_vec());
            }
            on_path[next] = path.len();
            path.push(next);
        };
        for &i in &path {
            reported[i] = true;
            on_path[i] = usize::MAX;
        }
        let Some(cycle) = cycle else { continue };
        let first = cycle[0];
        let next = cycle.get(1).copied().unwrap_or(first);
        let span = edges[first].iter().find(|e| e.to.index() == next).map_or(topo.services[first].span, |e| e.span);
        let mut names: Vec<&str> = cycle.iter().map(|&i| topo.services[i].name.as_str()).collect();
        names.push(&topo.services[first].name);
        let what = if cycle.len() == 1 {
            format!("service `{}` waits for itself", names[0])
        } else {
            format!("services wait for each other in a circle: {}", names.join(" → "))
        };
        cx.push(
            Diagnostic::new(Code::InvalidValue, what)
                .primary(span, "Compose cannot order the services and rejects the file")
                .help("remove one of the `depends_on` (or `network_mode: service:`) entries in the circle"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_compose_reads_them() {
        for ok in ["512m", "1g", "1G", "1gb", "1.5g", "100", "1k", "1KiB", "1 g", "1t", "1p", "1b"] {
            assert!(is_size(ok), "{ok}");
        }
        for bad in ["lots", "-1", "", "g", "1.g", "1x", "1gg", "1  g"] {
            assert!(!is_size(bad), "{bad}");
        }
    }

    #[test]
    fn cpus_and_host_names() {
        for ok in ["0.5", "2", ".5", "1.25"] {
            assert!(is_cpus(ok), "{ok}");
        }
        for bad in ["lots", "", ".", "1e3", "-1", "1,5"] {
            assert!(!is_cpus(bad), "{bad}");
        }
        for ok in ["db", "db.local", "my_host", "a-b.c1"] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in ["--add-host=evil", "a b", "", "-a", "a.", ".a", "a..b", "host:1"] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }
}
