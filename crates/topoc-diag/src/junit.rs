//! Findings as a JUnit XML report (the Ant/Jenkins format GitLab, Jenkins, Azure DevOps and
//! most CI test-report viewers read): one `<testsuite>` per source file, one `<testcase>` per
//! finding (a `<failure>` for errors and warnings, passing with its text in `<system-out>` for
//! notes), and a passing testcase for a file without findings, so a clean run is reported as
//! passed, not as empty. No timestamps, host names or durations: the same findings give the same
//! bytes.

use crate::{Diagnostic, Diagnostics, Files, Severity};
use std::fmt::Write as _;

/// The JUnit XML report of a run (`tests/schemas/junit.xsd` describes what it writes).
pub fn to_junit(diagnostics: &Diagnostics, files: &Files) -> String {
    // Suites in file order; findings without a location go to the first file's suite.
    let mut suites: Vec<(String, Vec<&Diagnostic>)> = files.iter().map(|(_, f)| (f.path.clone(), Vec::new())).collect();
    if suites.is_empty() {
        suites.push(("topoc".to_owned(), Vec::new()));
    }
    for d in diagnostics {
        let index = d.primary_span().map_or(0, |s| s.file.0 as usize).min(suites.len() - 1);
        suites[index].1.push(d);
    }
    let tests: usize = suites.iter().map(|(_, ds)| ds.len().max(1)).sum();
    let failures = diagnostics.iter().filter(|d| d.severity >= Severity::Warning).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"topoc\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">");
    for (path, ds) in &suites {
        let suite_failures = ds.iter().filter(|d| d.severity >= Severity::Warning).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\">",
            attr(path),
            ds.len().max(1),
        );
        if ds.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"topoc\" file=\"{}\"/>",
                attr(&format!("{path}: no findings")),
                attr(path)
            );
        }
        for d in ds {
            testcase(&mut out, d, files, path);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, d: &Diagnostic, files: &Files, suite_path: &str) {
    let located = d.primary_span().and_then(|s| files.location(s));
    let (path, line, column) = match &located {
        Some((p, lc)) => (p.to_string(), Some(lc.line), lc.column),
        None => (suite_path.to_owned(), None, 0),
    };
    let first_line = d.message.lines().next().unwrap_or_default();
    let name = match line {
        Some(line) => format!("{path}:{line}:{column}: {first_line}"),
        None => format!("{path}: {first_line}"),
    };
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
        attr(&name),
        attr(&format!("topoc.{}", d.code.as_str())),
        attr(&path)
    );
    if let Some(line) = line {
        let _ = write!(out, " line=\"{line}\"");
    }
    out.push_str(">\n");
    let body = text(&details(d, files));
    if d.severity >= Severity::Warning {
        let _ = writeln!(
            out,
            "      <failure type=\"{}\" message=\"{}\">{body}</failure>",
            d.severity.as_str(),
            attr(&format!("{}: {}", d.code, d.message)),
        );
    } else {
        let _ = writeln!(out, "      <system-out>{body}</system-out>");
    }
    out.push_str("    </testcase>\n");
}

/// The finding as plain text: what a human report says, without the source snippet.
fn details(d: &Diagnostic, files: &Files) -> String {
    let mut s = format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message);
    for l in &d.labels {
        let at = files.location(l.span).map(|(p, lc)| format!("{p}:{}:{}", lc.line, lc.column));
        let _ = writeln!(
            s,
            "  {} {}: {}",
            if l.primary { "at" } else { "see" },
            at.unwrap_or_else(|| "?".into()),
            l.message
        );
    }
    for n in &d.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(s, "  help: {h}");
    }
    // One testcase per cause; its other instances are listed in the failure's text.
    for (i, instance) in d.instances.iter().enumerate() {
        let _ = writeln!(s, "  instance {} of {}: {}", i + 2, d.instance_count(), instance.message);
    }
    s
}

/// A character XML 1.0 allows in a document (`Char` in the XML 1.0 spec, section 2.2).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escape for element content. Characters XML 1.0 cannot carry at all (most C0 controls,
/// U+FFFE, U+FFFF) are written as visible `\u{..}` text; `\r` as a character reference, so
/// parsers do not fold it into a line break.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escape for an attribute value: also quotes, and `\n`, `\r`, `\t` as character references,
/// which attribute-value normalisation would otherwise turn into spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Span};

    #[test]
    fn escapes_markup_quotes_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\"'"), "a&lt;b&gt;&amp;c\"'");
        assert_eq!(attr("a\"b'c\nd\te\rf"), "a&quot;b&apos;c&#10;d&#9;e&#13;f");
        assert_eq!(text("bell\u{7} esc\u{1b} nul\u{0} \u{FFFE}"), "bell\\u{7} esc\\u{1b} nul\\u{0} \\u{fffe}");
        assert_eq!(text("line\nnext\ttab é 🦀"), "line\nnext\ttab é 🦀");
    }

    #[test]
    fn one_suite_per_file_a_failure_per_error_or_warning_and_a_pass_when_clean() {
        let mut files = Files::new();
        let spec = files.add("spec.yaml", "a: 1\nb: 2\n");
        files.add("topoc.toml", "[rules]\n");
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::new(Code::UnknownKey, "unknown key `b`").primary(Span::new(spec, 5, 6), "here"));
        ds.push(Diagnostic::new(Code::UnusedRule, "rule selects nothing").primary(Span::new(spec, 0, 1), "this"));
        ds.push(Diagnostic::new(Code::Ineffective, "just a note").with_severity(Severity::Note));
        let xml = to_junit(&ds, &files);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"topoc\" tests=\"4\" failures=\"2\" errors=\"0\">"), "{xml}");
        assert!(xml.contains("<testsuite name=\"spec.yaml\" tests=\"3\" failures=\"2\""), "{xml}");
        assert!(xml.contains("<testcase name=\"spec.yaml:2:1: unknown key `b`\" classname=\"topoc.unknown-key\" file=\"spec.yaml\" line=\"2\">"), "{xml}");
        assert!(
            xml.contains("<failure type=\"warning\" message=\"topoc::unused-rule: rule selects nothing\">"),
            "{xml}"
        );
        assert!(xml.contains("<system-out>note[topoc::ineffective]: just a note\n</system-out>"), "{xml}");
        assert!(xml.contains("<testsuite name=\"topoc.toml\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"topoc.toml: no findings\" classname=\"topoc\" file=\"topoc.toml\"/>"), "{xml}");
        assert_eq!(xml, to_junit(&ds, &files), "deterministic");
    }
}
