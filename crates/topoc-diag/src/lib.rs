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
pub use sarif::to_sarif;
pub use suppress::{Hidden, Override, Rules, Scope, Suppression, inline_suppressions, unknown_code};

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
}
