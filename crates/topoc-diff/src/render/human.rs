//! The diff for a terminal: a short summary first, then every change with its witness.

use super::Summary;
use crate::{Category, Diff, PairChange};
use std::fmt::Write;

fn sign(p: &PairChange) -> char {
    match (p.gained.is_empty(), p.lost.is_empty()) {
        (false, true) => '+',
        (true, false) => '-',
        _ => '~',
    }
}

/// `old` and `new` name the two sides in the header (`a.yaml`, `HEAD:topology.yaml`).
pub fn human(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "topoc diff {old} → {new}");
    let lines = Summary::of(diff).lines();
    if lines.is_empty() {
        out.push_str("no change: same reachability, exposure, allocations, findings and artifact\n");
        return out;
    }
    for line in &lines {
        let _ = writeln!(out, "  {line}");
    }
    if !diff.renames.is_empty() {
        out.push_str("\nrenamed services (same attachments):\n");
        for r in &diff.renames {
            let _ = writeln!(out, "  {} → {}", r.old, r.new);
        }
    }
    for category in [Category::Ingress, Category::Egress, Category::FromHost, Category::ToHost, Category::Internal] {
        let rows: Vec<&PairChange> = diff.reachability.iter().filter(|p| p.category == category).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nreachability, {}:", category.title());
        for p in rows {
            let many = if p.pairs > 1 { format!(" ({} pairs)", p.pairs) } else { String::new() };
            let _ = writeln!(
                out,
                "  {} {} → {}: {} → {} [{}]{many}",
                sign(p),
                p.from.label,
                p.to.label,
                p.old_ports,
                p.new_ports,
                p.kind.word()
            );
            for w in &p.witnesses {
                let _ = writeln!(
                    out,
                    "      {} ({}): {} [{}]",
                    if w.side == "new" { "now" } else { "was" },
                    w.side,
                    w.path,
                    w.ports
                );
                for l in &w.because {
                    let _ = writeln!(out, "        {}: {}", l.at, l.label);
                }
            }
        }
    }
    if !diff.published.is_empty() {
        out.push_str("\npublished ports:\n");
        for p in &diff.published {
            let what = match (&p.old, &p.new) {
                (Some(o), Some(n)) => format!("{o} → {n}"),
                (None, Some(n)) => n.clone(),
                (Some(o), None) => o.clone(),
                (None, None) => String::new(),
            };
            let at = p.at.as_ref().map(|l| format!("   ({})", l.at)).unwrap_or_default();
            let _ = writeln!(out, "  {:?} {}: {what}{at}", p.kind, p.service);
        }
    }
    if !diff.allocations.is_empty() {
        out.push_str("\nallocations:\n");
        for a in &diff.allocations {
            let subject = match &a.service {
                Some(s) => format!("`{s}` on `{}`", a.network),
                None => format!("`{}`", a.network),
            };
            let at = a.at.as_ref().map(|l| format!("   ({}: {})", l.at, l.label)).unwrap_or_default();
            let _ = writeln!(out, "  {:?} {subject}: {} → {}{at}", a.kind, a.old, a.new);
        }
    }
    let f = &diff.findings;
    if !f.new.is_empty() || !f.fixed.is_empty() {
        let _ = writeln!(out, "\nfindings ({} unchanged):", f.unchanged);
        for (mark, list) in [("new", &f.new), ("fixed", &f.fixed)] {
            for x in list {
                let at = x.at.as_deref().map(|a| format!("{a}: ")).unwrap_or_default();
                let _ = writeln!(out, "  {mark} {} {}: {at}{}", x.severity, x.code, x.message);
            }
        }
    }
    let a = &diff.artifact;
    if let Some(why) = &a.unavailable {
        let _ = writeln!(out, "\nartifact: not compared: {why}");
    } else if !a.is_empty() {
        out.push_str("\nartifact:\n");
        for (what, s) in [("service", &a.services), ("network", &a.networks)] {
            for n in &s.added {
                let _ = writeln!(out, "  + {what} {n}");
            }
            for n in &s.removed {
                let _ = writeln!(out, "  - {what} {n}");
            }
            for c in &s.changed {
                let from = c.renamed_from.as_ref().map(|o| format!(" (was {o})")).unwrap_or_default();
                let keys = if c.keys.is_empty() { "no other change".to_owned() } else { c.keys.join(", ") };
                let _ = writeln!(out, "  ~ {what} {}{from}: {keys}", c.name);
            }
        }
    }
    out
}
