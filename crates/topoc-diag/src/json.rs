//! The JSON rendering of findings: stable field names, spans resolved to line and column, one
//! entry per cause with its further instances listed.

use crate::{Diagnostics, Files};
use serde_json::{Value, json};

/// `{"diagnostics": [...], "summary": {...}}` with each label resolved to file:line:column.
pub fn to_json(diagnostics: &Diagnostics, files: &Files) -> Value {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let labels: Vec<Value> = d
                .labels
                .iter()
                .map(|l| {
                    let (path, lc) = files
                        .location(l.span)
                        .map(|(p, lc)| (Value::from(p), json!({"line": lc.line, "column": lc.column})))
                        .unwrap_or((Value::Null, Value::Null));
                    let end = files.get(l.span.file).map(|f| f.line_col(l.span.end as usize));
                    json!({
                        "file": path,
                        "start": lc,
                        "end": end.map(|e| json!({"line": e.line, "column": e.column})),
                        "byte_range": [l.span.start, l.span.end],
                        "message": l.message,
                        "primary": l.primary,
                    })
                })
                .collect();
            json!({
                "code": format!("topoc::{}", d.code.as_str()),
                "severity": d.severity,
                "message": d.message,
                "labels": labels,
                "notes": d.notes,
                "help": d.help,
                // One finding per cause: how many occurrences it stands for, and every one
                // after the first (shown in full above) with its own message and witness.
                "instance_count": d.instance_count(),
                "instances": d.instances,
            })
        })
        .collect();
    json!({
        "diagnostics": items,
        "summary": {
            "errors": diagnostics.count(crate::Severity::Error),
            "warnings": diagnostics.count(crate::Severity::Warning),
            "notes": diagnostics.count(crate::Severity::Note),
        }
    })
}
