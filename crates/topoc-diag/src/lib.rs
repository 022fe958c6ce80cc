//! The diagnostic model every topoc stage reports through.
//!
//! Libraries never print: they push [`Diagnostic`]s into a [`Diagnostics`] list, and the CLI
//! renders them (human through miette, JSON, SARIF, JUnit XML, GitHub workflow commands). Spans are byte ranges into a [`SourceFile`]
//! held by [`Files`], so one model renders to every format.

mod baseline;
mod code;
mod files;
mod github;
mod json;
mod junit;
mod sarif;
mod suppress;

pub use baseline::{Baseline, fingerprint, to_baseline};
pub use code::{Code, Severity};
pub use files::{FileId, Files, LineCol, SourceFile, Span};
pub use github::to_github;
pub use json::to_json;
pub use junit::to_junit;
pub use sarif::{to_sarif, to_sarif_with_suppressed};
pub use suppress::{Hidden, Override, Rules, Scope, SuppressedFinding, Suppression, inline_suppressions, unknown_code};

use serde::Serialize;

/// One labelled span: "the overlapping subnet is here".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// A finding about the user's input or deployment: a stable code, a message, labels, help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The other occurrences of this finding's cause (the same code raised at the same spec
    /// lines: the copies one template stamps, the pairs one rule or grant covers), in order.
    /// The diagnostic itself is the first; renderers show it in full and these as a list.
    pub instances: Instances,
}

/// A finding's further instances, boxed: most findings have none, and a `Diagnostic` travels
/// in `Result`s, so it stays small.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[expect(clippy::box_collection, reason = "one pointer in every Diagnostic instead of a Vec's three words")]
pub struct Instances(Option<Box<Vec<Instance>>>);

impl Instances {
    pub fn push(&mut self, instance: Instance) {
        self.0.get_or_insert_with(Box::default).push(instance);
    }

    pub fn extend(&mut self, other: Instances) {
        if let Some(more) = other.0 {
            self.0.get_or_insert_with(Box::default).extend(*more);
        }
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Instance> {
        self.0.as_deref().map_or(&[][..], Vec::as_slice).iter()
    }
}

impl Serialize for Instances {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// One more occurrence of a finding's cause: its own message (naming the instance, the pair)
/// and notes (its witness path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instance {
    pub message: String,
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            instances: Instances::default(),
        }
    }

    /// The primary label: where the problem is. Detached spans are dropped.
    #[must_use]
    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        if !span.is_detached() {
            self.labels.push(Label { span, message: message.into(), primary: true });
        }
        self
    }

    /// A secondary label: the other side of the story (the conflicting definition, the rule).
    #[must_use]
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        if !span.is_detached() {
            self.labels.push(Label { span, message: message.into(), primary: false });
        }
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// How many occurrences of the cause this finding stands for (itself and its instances).
    pub fn instance_count(&self) -> usize {
        1 + self.instances.len()
    }

    /// Every occurrence's message, the finding's own first.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.message.as_str()).chain(self.instances.iter().map(|i| i.message.as_str()))
    }

    /// The primary span, used for sorting and for one-location formats.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| l.span)
    }
}

/// An ordered collection of diagnostics: checks push and keep going.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Sort by (file, offset, code, message) and drop exact duplicates, so output is stable
    /// whatever order the checks ran in.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.primary_span().map(|s| (s.file, s.start, s.end));
            key(a)
                .cmp(&key(b))
                .then_with(|| a.code.as_str().cmp(b.code.as_str()))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
    }

    /// One finding per cause: diagnostics of one code and severity whose labels mark the same
    /// spans (the template line every instance was stamped from, the rule and the grant every
    /// pair breaks through) and whose messages differ only in instance names and numbers
    /// become one, the first carrying the rest as [`Instance`]s, in the order they come
    /// (declaration order, when called before [`Diagnostics::sort`]). `instance_ids` are the
    /// template instance ids, which (like numbers) name an instance rather than a cause: two
    /// findings at one place saying different things (`placement` and `endpoint_mode` ignored on
    /// one service) stay two. An instance identical to one already kept is dropped, as `sort`
    /// drops exact duplicates.
    pub fn group_causes_of(&mut self, instance_ids: &std::collections::HashSet<String>) {
        type Key = (Code, Severity, Vec<(Span, bool)>, String);
        let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
        let mut seen: std::collections::HashSet<(usize, String, Vec<String>)> = std::collections::HashSet::new();
        let mut grouped: Vec<Diagnostic> = Vec::with_capacity(self.items.len());
        for d in std::mem::take(&mut self.items) {
            // A finding with no label has no place in the spec to be a cause at: kept alone.
            if d.labels.is_empty() {
                grouped.push(d);
                continue;
            }
            let key = (
                d.code,
                d.severity,
                d.labels.iter().map(|l| (l.span, l.primary)).collect(),
                cause_text(&d.message, instance_ids),
            );
            match index.get(&key) {
                Some(&i) => {
                    let first = &mut grouped[i];
                    if seen.insert((i, d.message.clone(), d.notes.clone())) {
                        first.instances.push(Instance { message: d.message, notes: d.notes });
                    }
                    first.instances.extend(d.instances);
                }
                None => {
                    seen.insert((grouped.len(), d.message.clone(), d.notes.clone()));
                    index.insert(key, grouped.len());
                    grouped.push(d);
                }
            }
        }
        self.items = grouped;
    }

    /// [`Diagnostics::group_causes_of`] for findings of specs without templates (numbers still
    /// name instances: addresses, counts).
    pub fn group_causes(&mut self) {
        self.group_causes_of(&std::collections::HashSet::new());
    }

    /// Occurrences of every cause, instances included.
    pub fn instance_total(&self) -> usize {
        self.items.iter().map(Diagnostic::instance_count).sum()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// A message with what names an instance taken out: every run of digits becomes `#`, every
/// word that is a template instance id becomes `{}` (`project-12-network` → `project-#-network`,
/// `sandbox-acme` → `sandbox-{}`).
fn cause_text(message: &str, instance_ids: &std::collections::HashSet<String>) -> String {
    let mut out = String::with_capacity(message.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            out.push('#');
        } else if instance_ids.contains(word.as_str()) {
            out.push_str("{}");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in message.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The closest candidate to `input` by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .map(|c| (edit_distance(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("subnett", ["subnet", "gateway"]), Some("subnet"));
        assert_eq!(did_you_mean("xyz", ["subnet", "gateway"]), None);
        assert_eq!(did_you_mean("egres", ["egress", "external"]), Some("egress"));
    }

    #[test]
    fn one_finding_per_cause() {
        let file = FileId(0);
        let at = |a: usize, b: usize| Span::new(file, a, b);
        let stamped = |n: u32| {
            Diagnostic::new(Code::OverBroad, format!("network `t-{n}` lets a reach b"))
                .primary(at(10, 20), format!("t-{n} here"))
                .secondary(at(30, 40), "rule")
                .note(format!("path: a → t-{n} → b"))
        };
        let mut list: Diagnostics = (1..=200).map(stamped).collect();
        // The same code at another place is another cause; so is another code at the same place.
        list.push(Diagnostic::new(Code::OverBroad, "elsewhere").primary(at(50, 60), "here"));
        list.push(Diagnostic::new(Code::PolicyViolation, "same place, other rule").primary(at(10, 20), "here"));
        // Grouped before sorting: the first instance is the first declared.
        list.group_causes();
        list.sort();
        assert_eq!(list.len(), 3);
        assert_eq!(list.instance_total(), 202);
        let first = list.iter().find(|d| d.instance_count() > 1).expect("the grouped cause");
        assert_eq!(first.instance_count(), 200);
        assert_eq!(first.message, "network `t-1` lets a reach b", "the first instance is shown in full");
        assert!(first.instances.iter().any(|i| i.notes == ["path: a → t-200 → b"]), "every witness is kept");
    }

    #[test]
    fn different_things_at_one_place_are_different_causes() {
        let at = Span::new(FileId(0), 10, 20);
        let mut list: Diagnostics = ["it ignores `placement`", "it ignores `endpoint_mode`"]
            .into_iter()
            .chain(["overlay `tenant-acme` is clear", "overlay `tenant-globex` is clear"])
            .map(|m| Diagnostic::new(Code::TargetIgnored, m).primary(at, "here"))
            .collect();
        let ids: std::collections::HashSet<String> = ["acme".to_owned(), "globex".to_owned()].into();
        list.group_causes_of(&ids);
        let counts: Vec<usize> = list.iter().map(Diagnostic::instance_count).collect();
        assert_eq!(counts, [1, 1, 2]);
        assert_eq!(cause_text("10.250.0.16/28 for project-12", &ids), "#.#.#.#/# for project-#");
    }
}
