//! Findings as SARIF 2.1.0, the format code-scanning UIs read: one run, one rule per code, one
//! result per finding (per cause) located at its primary label, secondary labels and the
//! cause's further instances as related locations.

use crate::{Code, Diagnostics, Files, Severity, Span, SuppressedFinding};
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(files: &Files, span: Span, message: Option<&str>) -> Option<Value> {
    let file = files.get(span.file)?;
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&file.path) },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column.max(if end.line == start.line { start.column + 1 } else { 1 }),
                "charOffset": span.start,
                "charLength": span.len(),
            }
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({ "text": m });
    }
    Some(loc)
}

/// A relative path as a URI reference: forward slashes, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/").replace('%', "%25").replace(' ', "%20")
}

/// The SARIF log of a run.
pub fn to_sarif(diagnostics: &Diagnostics, files: &Files, tool_version: &str) -> Value {
    to_sarif_with_suppressed(diagnostics, &[], files, tool_version)
}

/// The SARIF log of a run, with the findings the project's suppressions hid as results that
/// carry `suppressions` (so code-scanning UIs show them as accepted, not as open or gone).
pub fn to_sarif_with_suppressed(
    diagnostics: &Diagnostics,
    suppressed: &[SuppressedFinding],
    files: &Files,
    tool_version: &str,
) -> Value {
    let mut codes: Vec<Code> =
        diagnostics.iter().map(|d| d.code).chain(suppressed.iter().map(|s| s.diagnostic.code)).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": format!("topoc::{}", c.as_str()),
                "name": c.as_str(),
                "shortDescription": { "text": c.description() },
                "defaultConfiguration": { "level": level(c.default_severity()) },
                "helpUri": c.help_uri(),
            })
        })
        .collect();
    let shown = diagnostics.iter().map(|d| (d, None));
    let hidden = suppressed.iter().map(|s| (&s.diagnostic, Some(s)));
    let results: Vec<Value> = shown
        .chain(hidden)
        .map(|(d, suppression)| {
            let mut text = d.message.clone();
            for note in &d.notes {
                text.push_str(&format!("\nnote: {note}"));
            }
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let primary = d.labels.iter().find(|l| l.primary);
            let locations: Vec<Value> =
                primary.and_then(|l| location(files, l.span, Some(&l.message))).into_iter().collect();
            let mut related: Vec<Value> = d
                .labels
                .iter()
                .filter(|l| !l.primary)
                .filter_map(|l| location(files, l.span, Some(&l.message)))
                .collect();
            // The cause's other instances sit at the same place (the stamped template line);
            // each is a related location with its own message, not a result of its own.
            if let Some(at) = d.primary_span() {
                related.extend(d.instances.iter().filter_map(|i| {
                    let mut text = i.message.clone();
                    for note in &i.notes {
                        text.push_str(&format!("\nnote: {note}"));
                    }
                    location(files, at, Some(&text))
                }));
            }
            for (i, loc) in related.iter_mut().enumerate() {
                loc["id"] = json!(i + 1);
            }
            let mut r = json!({
                "ruleId": format!("topoc::{}", d.code.as_str()),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": locations,
            });
            if !related.is_empty() {
                r["relatedLocations"] = Value::Array(related);
            }
            if !d.instances.is_empty() {
                r["properties"] = json!({ "instanceCount": d.instance_count() });
            }
            if let Some(s) = suppression {
                r["suppressions"] = json!([{
                    "kind": if s.in_source { "inSource" } else { "external" },
                    "status": "accepted",
                    "justification": s.reason,
                }]);
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "topoc",
                "version": tool_version,
                "informationUri": "https://topoc.dev",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
