//! Findings as GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line
//! per finding, which the runner turns into an annotation on the file and line of its primary
//! label (in the job log and on the pull request's diff).
//!
//! Escaping follows GitHub's runner (`ActionCommand`): in the message, `%` → `%25`, `\r` → `%0D`,
//! `\n` → `%0A`; in a property value also `:` → `%3A` and `,` → `%2C`.

use crate::{Diagnostic, Diagnostics, Files, Severity};
use std::fmt::Write as _;

/// One workflow command per finding, each on its own line.
pub fn to_github(diagnostics: &Diagnostics, files: &Files) -> String {
    let mut out = String::new();
    for d in diagnostics {
        command(&mut out, d, files);
    }
    out
}

fn command(out: &mut String, d: &Diagnostic, files: &Files) {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    let primary_index = d.labels.iter().position(|l| l.primary).or((!d.labels.is_empty()).then_some(0));
    let primary = primary_index.map(|i| &d.labels[i]);
    if let Some(label) = primary
        && let Some(file) = files.get(label.span.file)
    {
        let start = file.line_col(label.span.start as usize);
        let end = file.line_col(label.span.end as usize);
        props.push(("file", file.path.replace('\\', "/")));
        props.push(("line", start.line.to_string()));
        props.push(("col", start.column.to_string()));
        props.push(("endLine", end.line.to_string()));
        let end_column = if end.line == start.line { end.column.max(start.column + 1) } else { end.column };
        props.push(("endColumn", end_column.to_string()));
    }
    props.push(("title", d.code.to_string()));
    let mut message = d.message.clone();
    if let Some(label) = primary.filter(|l| !l.message.is_empty()) {
        let _ = write!(message, "\n{}", label.message);
    }
    for (_, l) in d.labels.iter().enumerate().filter(|(i, _)| Some(*i) != primary_index) {
        if let Some((path, lc)) = files.location(l.span) {
            let _ = write!(message, "\nsee {path}:{}:{}: {}", lc.line, lc.column, l.message);
        }
    }
    for n in &d.notes {
        let _ = write!(message, "\nnote: {n}");
    }
    if let Some(h) = &d.help {
        let _ = write!(message, "\nhelp: {h}");
    }
    let props: Vec<String> = props.into_iter().map(|(k, v)| format!("{k}={}", property(&v))).collect();
    if !d.instances.is_empty() {
        // One annotation per cause: the count, not an annotation per instance.
        let _ =
            write!(message, "\nnote: one cause, {} instances (`topoc check --verbose` lists them)", d.instance_count());
    }
    let _ = writeln!(out, "::{kind} {}::{}", props.join(","), data(&message));
}

/// Escape a command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Span};

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("dir,x/a:b 100%\n"), "dir%2Cx/a%3Ab 100%25%0A");
    }

    #[test]
    fn one_command_per_finding_located_at_the_primary_label() {
        let mut files = Files::new();
        let spec = files.add("my,spec:1.yaml", "a: 1\nbb: 22\n");
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::new(Code::UnknownKey, "unknown key `bb`")
                .primary(Span::new(spec, 5, 7), "unknown key")
                .secondary(Span::new(spec, 0, 1), "next to this")
                .help("did you mean `b`?"),
        );
        ds.push(Diagnostic::new(Code::UnusedRule, "100% unused").with_severity(Severity::Warning));
        ds.push(Diagnostic::new(Code::Ineffective, "fyi").with_severity(Severity::Note));
        assert_eq!(
            to_github(&ds, &files),
            "::error file=my%2Cspec%3A1.yaml,line=2,col=1,endLine=2,endColumn=3,title=topoc%3A%3Aunknown-key::unknown key `bb`%0Aunknown key%0Asee my,spec:1.yaml:1:1: next to this%0Ahelp: did you mean `b`?\n\
             ::warning title=topoc%3A%3Aunused-rule::100%25 unused\n\
             ::notice title=topoc%3A%3Aineffective::fyi\n"
        );
    }
}
