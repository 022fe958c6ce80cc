//! Findings new, fixed and unchanged, identified the way baselines identify them (code and a
//! line-independent fingerprint), so a finding that only moved is unchanged.

use crate::Side;
use foldhash::HashMap;
use serde::Serialize;
use topoc_diag::{Diagnostic, fingerprint};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub fingerprint: String,
    /// `file:line:col` on its side.
    pub at: Option<String>,
    /// Index into that side's findings (for rendering it in full, e.g. as SARIF).
    #[serde(skip)]
    pub index: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct FindingChanges {
    /// On the new side only.
    pub new: Vec<FindingRef>,
    /// On the old side only.
    pub fixed: Vec<FindingRef>,
    /// On both sides.
    pub unchanged: usize,
}

fn finding(side: &Side<'_>, index: usize, d: &Diagnostic, fp: String) -> FindingRef {
    FindingRef {
        code: d.code.to_string(),
        severity: d.severity.as_str().to_owned(),
        message: d.message.clone(),
        fingerprint: fp,
        at: d.primary_span().and_then(|s| side.locate(s)),
        index,
    }
}

pub(crate) fn compare(old: &Side<'_>, new: &Side<'_>) -> FindingChanges {
    let olds: Vec<String> = old.findings.iter().map(|d| fingerprint(d, old.files)).collect();
    let news: Vec<String> = new.findings.iter().map(|d| fingerprint(d, new.files)).collect();
    // Each recorded copy matches one finding, as in a baseline.
    let mut left: HashMap<&str, usize> = HashMap::default();
    for fp in &olds {
        *left.entry(fp.as_str()).or_default() += 1;
    }
    let mut out = FindingChanges::default();
    for (i, (d, fp)) in new.findings.iter().zip(&news).enumerate() {
        match left.get_mut(fp.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                out.unchanged += 1;
            }
            _ => out.new.push(finding(new, i, d, fp.clone())),
        }
    }
    let mut matched: HashMap<&str, usize> = HashMap::default();
    for fp in &news {
        *matched.entry(fp.as_str()).or_default() += 1;
    }
    for (i, (d, fp)) in old.findings.iter().zip(&olds).enumerate() {
        match matched.get_mut(fp.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.fixed.push(finding(old, i, d, fp.clone())),
        }
    }
    out
}
