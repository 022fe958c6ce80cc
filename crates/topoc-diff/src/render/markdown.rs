//! The diff as a pull-request comment: a headline and the summary in the open, every section in
//! a collapsible `<details>`, reachability grouped by category and capped per category, so a
//! change of a thousand pairs stays a comment of a few screens (and under GitHub's 65,536
//! characters).

use super::Summary;
use crate::{Category, Diff, PairChange, PortChangeKind};
use std::fmt::Write;

/// Rows shown per reachability category; the rest are counted.
const ROWS_PER_CATEGORY: usize = 30;
/// Rows shown in each other table.
const ROWS_PER_TABLE: usize = 50;

/// Text safe in a table cell: no pipe, no line break, no HTML.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', " ")
}

/// A name in code style inside a cell (backticks in names cannot occur: names are restricted).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|").replace('`', "'"))
}

/// The change in words, gains in bold (plain text: no emoji font is needed to read it).
fn mark(p: &PairChange) -> String {
    if p.gained.is_empty() { p.kind.word().to_owned() } else { format!("**{}**", p.kind.word()) }
}

fn more(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = writeln!(out, "\n*… and {} more: `topoc diff --format json` lists them all.*", total - shown);
    }
}

pub fn markdown(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = String::new();
    let exposure = diff.has_new_exposure();
    let headline = if diff.is_empty() {
        "no change"
    } else if exposure {
        "⚠️ new reachability or exposure"
    } else if diff.has_reachability_change() {
        "reachability reduced"
    } else {
        "no change in reachability"
    };
    let _ = writeln!(out, "### topoc diff: {headline}\n");
    let _ = writeln!(out, "`{}` → `{}`\n", cell(old), cell(new));
    for line in Summary::of(diff).lines() {
        let _ = writeln!(out, "- {}", cell(&line));
    }
    if !diff.renames.is_empty() {
        section_open(&mut out, &format!("Renamed services ({})", diff.renames.len()));
        out.push_str("| old | new |\n|---|---|\n");
        for r in diff.renames.iter().take(ROWS_PER_TABLE) {
            let _ = writeln!(out, "| {} | {} |", code(&r.old), code(&r.new));
        }
        more(&mut out, ROWS_PER_TABLE.min(diff.renames.len()), diff.renames.len());
        section_close(&mut out);
    }
    for category in [Category::Ingress, Category::Egress, Category::FromHost, Category::ToHost, Category::Internal] {
        let rows: Vec<&PairChange> = diff.reachability.iter().filter(|p| p.category == category).collect();
        if rows.is_empty() {
            continue;
        }
        let pairs: usize = rows.iter().map(|p| p.pairs).sum();
        let gained = rows.iter().filter(|p| !p.gained.is_empty()).count();
        let title = format!(
            "Reachability {}: {} row{} ({} pair{}, {} with new ports)",
            category.title(),
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            pairs,
            if pairs == 1 { "" } else { "s" },
            gained
        );
        section_open(&mut out, &title);
        out.push_str("| change | from | to | before | after | witness |\n|---|---|---|---|---|---|\n");
        // Gains first: they are what a reviewer must look at.
        let mut ordered = rows.clone();
        ordered.sort_by_key(|p| p.gained.is_empty());
        for p in ordered.iter().take(ROWS_PER_CATEGORY) {
            let witness = p
                .witnesses
                .first()
                .map(|w| {
                    let at = w
                        .because
                        .first()
                        .map(|l| format!("<br>{}", cell(&format!("{} ({})", l.at, l.label))))
                        .unwrap_or_default();
                    format!("{}: {}{at}", w.side, cell(&w.path))
                })
                .unwrap_or_default();
            let many = if p.pairs > 1 { format!(" ×{}", p.pairs) } else { String::new() };
            let _ = writeln!(
                out,
                "| {} | {}{many} | {} | {} | {} | {} |",
                mark(p),
                code(&p.from.label),
                code(&p.to.label),
                cell(&p.old_ports),
                cell(&p.new_ports),
                witness
            );
        }
        more(&mut out, ROWS_PER_CATEGORY.min(rows.len()), rows.len());
        section_close(&mut out);
    }
    if !diff.published.is_empty() {
        section_open(&mut out, &format!("Published ports ({})", diff.published.len()));
        out.push_str("| change | service | before | after | spec |\n|---|---|---|---|---|\n");
        let mut ordered: Vec<_> = diff.published.iter().collect();
        ordered.sort_by_key(|p| !matches!(p.kind, PortChangeKind::Added | PortChangeKind::Widened));
        for p in ordered.iter().take(ROWS_PER_TABLE) {
            let _ = writeln!(
                out,
                "| {:?} | {} | {} | {} | {} |",
                p.kind,
                code(&p.service),
                p.old.as_deref().map(code).unwrap_or_default(),
                p.new.as_deref().map(code).unwrap_or_default(),
                p.at.as_ref().map(|l| cell(&l.at)).unwrap_or_default()
            );
        }
        more(&mut out, ROWS_PER_TABLE.min(ordered.len()), ordered.len());
        section_close(&mut out);
    }
    if !diff.allocations.is_empty() {
        section_open(&mut out, &format!("Allocations ({})", diff.allocations.len()));
        out.push_str("| change | network | service | before | after |\n|---|---|---|---|---|\n");
        for a in diff.allocations.iter().take(ROWS_PER_TABLE) {
            let kind = if a.kind == crate::AllocationKind::Renumbered {
                "**Renumbered**".to_owned()
            } else {
                format!("{:?}", a.kind)
            };
            let _ = writeln!(
                out,
                "| {kind} | {} | {} | {} | {} |",
                code(&a.network),
                a.service.as_deref().map(code).unwrap_or_default(),
                cell(&a.old),
                cell(&a.new)
            );
        }
        more(&mut out, ROWS_PER_TABLE.min(diff.allocations.len()), diff.allocations.len());
        section_close(&mut out);
    }
    let f = &diff.findings;
    if !f.new.is_empty() || !f.fixed.is_empty() {
        section_open(
            &mut out,
            &format!("Findings: {} new, {} fixed, {} unchanged", f.new.len(), f.fixed.len(), f.unchanged),
        );
        out.push_str("| finding | severity | code | message | at |\n|---|---|---|---|---|\n");
        let all: Vec<(&str, &crate::FindingRef)> =
            f.new.iter().map(|x| ("new", x)).chain(f.fixed.iter().map(|x| ("fixed", x))).collect();
        for (m, x) in all.iter().take(ROWS_PER_TABLE) {
            let _ = writeln!(
                out,
                "| {m} | {} | {} | {} | {} |",
                x.severity,
                code(&x.code),
                cell(&x.message),
                x.at.as_deref().map(cell).unwrap_or_default()
            );
        }
        more(&mut out, ROWS_PER_TABLE.min(all.len()), all.len());
        section_close(&mut out);
    }
    let a = &diff.artifact;
    if let Some(why) = &a.unavailable {
        let _ = writeln!(out, "\nArtifact not compared: {}", cell(why));
    } else if !a.is_empty() {
        section_open(&mut out, "Artifact (emitted file)");
        out.push_str("| change | kind | name | changed keys |\n|---|---|---|---|\n");
        let mut rows: Vec<String> = Vec::new();
        for (what, s) in [("service", &a.services), ("network", &a.networks)] {
            rows.extend(s.added.iter().map(|n| format!("| added | {what} | {} | |", code(n))));
            rows.extend(s.removed.iter().map(|n| format!("| removed | {what} | {} | |", code(n))));
            rows.extend(s.changed.iter().map(|c| {
                let name = match &c.renamed_from {
                    Some(o) => format!("{} (was {})", code(&c.name), code(o)),
                    None => code(&c.name),
                };
                format!("| changed | {what} | {name} | {} |", cell(&c.keys.join(", ")))
            }));
        }
        for r in rows.iter().take(ROWS_PER_TABLE) {
            out.push_str(r);
            out.push('\n');
        }
        more(&mut out, ROWS_PER_TABLE.min(rows.len()), rows.len());
        section_close(&mut out);
    }
    out
}

fn section_open(out: &mut String, title: &str) {
    // The blank lines around the table are what makes GitHub render Markdown inside HTML.
    let _ = write!(out, "\n<details><summary>{}</summary>\n\n", cell(title));
}

fn section_close(out: &mut String) {
    out.push_str("\n</details>\n");
}
