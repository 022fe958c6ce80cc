//! The diff as text: human, Markdown for a pull-request comment, JSON.

mod human;
mod markdown;

pub use human::human;
pub use markdown::markdown;

use crate::Diff;

/// The diff as pretty JSON, with a summary block first.
pub fn json(diff: &Diff) -> String {
    let mut value = serde_json::to_value(diff).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("summary".into(), serde_json::to_value(Summary::of(diff)).unwrap_or_default());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The counts the short summaries are made of.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub pairs_gained: usize,
    pub pairs_lost: usize,
    pub ingress_changes: usize,
    pub egress_changes: usize,
    pub host_changes: usize,
    pub published_added: usize,
    pub published_removed: usize,
    pub published_widened: usize,
    pub published_other: usize,
    pub renumbered: usize,
    pub allocation_changes: usize,
    pub renames: usize,
    pub findings_new: usize,
    pub findings_fixed: usize,
    pub findings_unchanged: usize,
    pub services_added: usize,
    pub services_removed: usize,
    pub services_changed: usize,
    pub networks_added: usize,
    pub networks_removed: usize,
    pub networks_changed: usize,
}

impl Summary {
    pub fn of(d: &Diff) -> Summary {
        use crate::{AllocationKind, Category, PortChangeKind};
        let count = |k: PortChangeKind| d.published.iter().filter(|p| p.kind == k).count();
        let cat = |c: Category| d.reachability.iter().filter(|p| p.category == c).map(|p| p.pairs).sum();
        Summary {
            pairs_gained: d.reachability.iter().filter(|p| !p.gained.is_empty()).map(|p| p.pairs).sum(),
            pairs_lost: d.reachability.iter().filter(|p| !p.lost.is_empty()).map(|p| p.pairs).sum(),
            ingress_changes: cat(Category::Ingress),
            egress_changes: cat(Category::Egress),
            host_changes: cat(Category::FromHost) + cat(Category::ToHost),
            published_added: count(PortChangeKind::Added),
            published_removed: count(PortChangeKind::Removed),
            published_widened: count(PortChangeKind::Widened),
            published_other: count(PortChangeKind::Narrowed) + count(PortChangeKind::Changed),
            renumbered: d.allocations.iter().filter(|a| a.kind == AllocationKind::Renumbered).count(),
            allocation_changes: d.allocations.iter().filter(|a| a.kind != AllocationKind::Renumbered).count(),
            renames: d.renames.len(),
            findings_new: d.findings.new.len(),
            findings_fixed: d.findings.fixed.len(),
            findings_unchanged: d.findings.unchanged,
            services_added: d.artifact.services.added.len(),
            services_removed: d.artifact.services.removed.len(),
            services_changed: d.artifact.services.changed.len(),
            networks_added: d.artifact.networks.added.len(),
            networks_removed: d.artifact.networks.removed.len(),
            networks_changed: d.artifact.networks.changed.len(),
        }
    }

    /// The summary as short lines, only what is not zero: `3 pairs newly reachable`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut put = |n: usize, one: &str, many: &str| {
            if n > 0 {
                out.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        put(self.pairs_gained, "pair reaches more than before", "pairs reach more than before");
        put(self.pairs_lost, "pair reaches less than before", "pairs reach less than before");
        put(self.ingress_changes, "ingress change (from external)", "ingress changes (from external)");
        put(self.egress_changes, "egress change (to external)", "egress changes (to external)");
        put(self.host_changes, "change to or from the host", "changes to or from the host");
        put(self.published_added, "published port added", "published ports added");
        put(
            self.published_widened,
            "published port widened to more interfaces",
            "published ports widened to more interfaces",
        );
        put(self.published_removed, "published port removed", "published ports removed");
        put(self.published_other, "published port otherwise changed", "published ports otherwise changed");
        put(self.renumbered, "pool network RENUMBERED", "pool networks RENUMBERED");
        put(self.allocation_changes, "allocation change", "allocation changes");
        put(self.renames, "service renamed", "services renamed");
        put(self.findings_new, "new finding", "new findings");
        put(self.findings_fixed, "finding fixed", "findings fixed");
        let (sa, sr, sc) = (self.services_added, self.services_removed, self.services_changed);
        if sa + sr + sc > 0 {
            out.push(format!("artifact services: {sa} added, {sr} removed, {sc} changed"));
        }
        let (na, nr, nc) = (self.networks_added, self.networks_removed, self.networks_changed);
        if na + nr + nc > 0 {
            out.push(format!("artifact networks: {na} added, {nr} removed, {nc} changed"));
        }
        out
    }
}
