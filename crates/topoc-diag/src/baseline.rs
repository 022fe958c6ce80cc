//! Baselines: the findings a project has accepted for now, recorded so that only new ones
//! are reported. A finding is identified by its code and a fingerprint of what it is about (its
//! message, with positions taken out, and the source text under its primary label), not by its
//! line, so it stays recognised when lines are added or removed above it. The same fingerprint
//! can be recorded several times: each recorded copy hides one finding.

use crate::{Diagnostic, Diagnostics, Files};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Version of the baseline file format.
const VERSION: u64 = 1;

/// The stable identity of a finding: 16 hex digits (64-bit FNV-1a) of its code, its message with
/// every number after a `:` replaced (so `file:12:5` positions do not count), and the source
/// text under its primary label with whitespace collapsed.
pub fn fingerprint(d: &Diagnostic, files: &Files) -> String {
    let mut message = String::with_capacity(d.message.len());
    let mut after_colon = false;
    for c in d.message.chars() {
        if after_colon && c.is_ascii_digit() {
            continue;
        }
        after_colon = c == ':';
        message.push(c);
    }
    let subject: String = d
        .primary_span()
        .and_then(|s| files.get(s.file).and_then(|f| f.text.get(s.start as usize..s.end as usize)))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.code.as_str(), &message, &subject] {
        for b in part.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The baseline file of a run's findings (JSON, sorted, one entry per finding).
pub fn to_baseline(diagnostics: &Diagnostics, files: &Files) -> String {
    let mut entries: Vec<(String, String, String)> =
        diagnostics.iter().map(|d| (d.code.to_string(), fingerprint(d, files), d.message.clone())).collect();
    entries.sort();
    let findings: Vec<Value> = entries
        .into_iter()
        .map(|(code, fp, message)| json!({"code": code, "fingerprint": fp, "message": message}))
        .collect();
    let doc = json!({
        "comment": "topoc baseline: findings accepted for now, hidden by `topoc check --baseline`. Regenerate with --write-baseline.",
        "version": VERSION,
        "findings": findings,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A parsed baseline: how many findings of each (code, fingerprint) it accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    counts: BTreeMap<(String, String), usize>,
}

impl Baseline {
    /// Read a baseline file written by [`to_baseline`].
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match doc.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            Some(v) => return Err(format!("version {v} is not supported (this topoc reads version {VERSION})")),
            None => return Err("no `version`: not a topoc baseline".into()),
        }
        let findings = doc.get("findings").and_then(Value::as_array).ok_or("no `findings` list")?;
        let mut counts = BTreeMap::new();
        for (i, f) in findings.iter().enumerate() {
            let field = |k: &str| {
                f.get(k).and_then(Value::as_str).map(str::to_owned).ok_or(format!("finding {i} has no `{k}`"))
            };
            let code = field("code")?;
            let code = if code.starts_with("topoc::") { code } else { format!("topoc::{code}") };
            *counts.entry((code, field("fingerprint")?)).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Number of findings the baseline accepts.
    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hide the findings the baseline accepts, except those `keep` says must stay. Returns what
    /// is left, how many were hidden, and how many baseline entries matched nothing (fixed
    /// findings: rewrite the baseline to drop them).
    pub fn filter(
        &self,
        diagnostics: Diagnostics,
        files: &Files,
        keep: impl Fn(&Diagnostic) -> bool,
    ) -> (Diagnostics, usize, usize) {
        let mut left = self.counts.clone();
        let mut shown = Diagnostics::new();
        let mut hidden = 0;
        for d in diagnostics {
            if !keep(&d)
                && let Some(n) = left.get_mut(&(d.code.to_string(), fingerprint(&d, files)))
                && *n > 0
            {
                *n -= 1;
                hidden += 1;
                continue;
            }
            shown.push(d);
        }
        (shown, hidden, left.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Span};

    fn findings(text: &str) -> (Files, Diagnostics) {
        let mut files = Files::new();
        let id = files.add("s.yaml", text);
        let mut ds = Diagnostics::new();
        for (i, _) in text.match_indices("70000") {
            ds.push(
                Diagnostic::new(Code::InvalidValue, "`70000` is not a port mapping")
                    .primary(Span::new(id, i, i + 5), "x"),
            );
        }
        if let Some(i) = text.find("db") {
            ds.push(
                Diagnostic::new(Code::UnusedRule, format!("rule at s.yaml:{i}:3 selects nothing"))
                    .primary(Span::new(id, i, i + 2), "x"),
            );
        }
        (files, ds)
    }

    #[test]
    fn fingerprints_survive_line_shifts_and_count_duplicates() {
        let (files, ds) = findings("ports: [70000, 70000]\nrule: db\n");
        let baseline = Baseline::parse(&to_baseline(&ds, &files)).expect("parses");
        assert_eq!(baseline.len(), 3);
        // Lines added above: same findings, other positions (also inside the message).
        let (files2, ds2) = findings("# new\n\nports: [70000, 70000, 70000]\nrule: db\n");
        let (shown, hidden, stale) = baseline.filter(ds2, &files2, |_| false);
        assert_eq!((shown.len(), hidden, stale), (1, 3, 0), "the third 70000 is new");
        // Fixed findings leave stale entries.
        let (files3, ds3) = findings("ports: []\n");
        let (shown, hidden, stale) = baseline.filter(ds3, &files3, |_| false);
        assert_eq!((shown.len(), hidden, stale), (0, 0, 3));
        // What must stay, stays.
        let (files4, ds4) = findings("ports: [70000]\n");
        assert_eq!(baseline.filter(ds4, &files4, |_| true).1, 0);
    }

    #[test]
    fn rejects_what_is_not_a_baseline() {
        assert!(Baseline::parse("{").is_err());
        assert!(Baseline::parse("{\"findings\": []}").expect_err("no version").contains("version"));
        assert!(Baseline::parse("{\"version\": 2, \"findings\": []}").is_err());
        assert!(Baseline::parse("{\"version\": 1, \"findings\": [{\"code\": \"x\"}]}").is_err());
        assert_eq!(Baseline::parse("{\"version\": 1, \"findings\": []}").expect("empty").len(), 0);
    }
}
