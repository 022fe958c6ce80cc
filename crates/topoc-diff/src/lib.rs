//! The comparison of two compiled topologies, for code review: what a change does to who
//! reaches whom, not to the text.
//!
//! [`diff`] takes two [`Side`]s (each a resolved topology, its analysis, its findings and its
//! emitted artifact) and returns a [`Diff`]: reachability pairs gained and lost (with witness
//! paths and the spec lines that grant them), published ports added, removed or widened,
//! allocation changes (a pool network the lock renumbered is its own kind), findings new, fixed
//! and unchanged by baseline fingerprint, and the artifact's services and networks added,
//! removed or changed. Services are matched by name, and a service that disappears while one
//! with the same attachments appears is a rename, not a removal and an addition.
//!
//! Rendering lives in [`render`]: human text, Markdown for a pull-request comment, JSON.

mod alloc;
mod artifact;
mod exposure;
mod findings;
mod identity;
mod pairs;
pub mod render;

pub use alloc::{AllocationChange, AllocationKind};
pub use artifact::{Artifact, ArtifactDiff, EntryChange, Section};
pub use exposure::{PortChange, PortChangeKind};
pub use findings::{FindingChanges, FindingRef};
pub use identity::Rename;
pub use pairs::{Category, Level, PairChange, PairKind, Party, Witness};

use serde::Serialize;
use topoc_diag::{Diagnostics, Files, Span};
use topoc_model::Topology;
use topoc_reach::Analysis;

/// One side of the comparison.
pub struct Side<'a> {
    pub topology: &'a Topology,
    pub analysis: &'a Analysis,
    /// The findings a `check` of this side reports (after the project's configuration).
    pub findings: &'a Diagnostics,
    pub files: &'a Files,
    /// The compose or stack file this side compiles to, as data.
    pub artifact: Option<&'a Artifact>,
}

impl Side<'_> {
    /// `file:line:col` of a span, or nothing for a span that came from no file.
    pub(crate) fn locate(&self, span: Span) -> Option<String> {
        if span.is_detached() {
            return None;
        }
        self.files.location(span).map(|(file, at)| format!("{file}:{}:{}", at.line, at.column))
    }
}

/// Names compared with their numbers as numbers (`project-2` before `project-10`), so long
/// lists of stamped objects read in order.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty)).then_with(|| x.len().cmp(&y.len()))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    pa.len().cmp(&pb.len())
}

/// A spec line and what it does there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub at: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How reachability pairs are named and grouped.
    pub level: Level,
}

/// Everything that differs between two sides.
#[derive(Debug, Serialize)]
pub struct Diff {
    pub level: Level,
    pub renames: Vec<Rename>,
    pub reachability: Vec<PairChange>,
    pub published: Vec<PortChange>,
    pub allocations: Vec<AllocationChange>,
    pub findings: FindingChanges,
    pub artifact: ArtifactDiff,
}

impl Diff {
    /// Whether the change adds reachability (a pair gains ports, including from or to the
    /// outside world and the host) or exposure (a port published anew or on more interfaces).
    pub fn has_new_exposure(&self) -> bool {
        self.reachability.iter().any(|p| !p.gained.is_empty())
            || self.published.iter().any(|p| matches!(p.kind, PortChangeKind::Added | PortChangeKind::Widened))
    }

    /// Whether reachability changed at all (gained or lost).
    pub fn has_reachability_change(&self) -> bool {
        !self.reachability.is_empty()
    }

    /// Whether anything at all differs.
    pub fn is_empty(&self) -> bool {
        self.renames.is_empty()
            && self.reachability.is_empty()
            && self.published.is_empty()
            && self.allocations.is_empty()
            && self.findings.new.is_empty()
            && self.findings.fixed.is_empty()
            && self.artifact.is_empty()
    }
}

/// Compare two compiled topologies.
pub fn diff(old: &Side<'_>, new: &Side<'_>, options: &Options) -> Diff {
    let identity = identity::match_services(old.topology, new.topology);
    Diff {
        level: options.level,
        reachability: pairs::compare(old, new, &identity, options.level),
        published: exposure::compare(old, new, &identity),
        allocations: alloc::compare(old, new, &identity),
        findings: findings::compare(old, new),
        artifact: artifact::compare(old.artifact, new.artifact, &identity),
        renames: identity.renames.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn numbers_in_names_sort_as_numbers() {
        let mut names =
            vec!["project-10-network", "project-2-network", "project-1-network", "api", "project-02-network"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec!["api", "project-1-network", "project-2-network", "project-02-network", "project-10-network"]
        );
    }
}
