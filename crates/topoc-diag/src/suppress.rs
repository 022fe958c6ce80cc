//! What a project decides about findings: per-code severity overrides and suppressions with a
//! reason (from `topoc.toml` or from `# topoc: ignore[CODE] reason: ...` comments in the spec),
//! applied to a run's diagnostics. Reading `topoc.toml` is the CLI's job; this module holds the
//! model, the comment syntax and the matching, and reports problems as diagnostics.

use crate::{Code, Diagnostic, Diagnostics, FileId, Files, Severity, Span, did_you_mean};

/// `[rules] CODE = "error" | "warning" | "note" | "off"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub code: Code,
    /// The new severity; `None` turns the code off.
    pub severity: Option<Severity>,
    /// Where the override is written.
    pub span: Span,
}

/// Which findings a suppression hides, besides their code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Findings with a label (primary or secondary) starting on this 1-based line of this file
    /// (inline comments).
    Line { file: FileId, line: usize },
    /// Findings whose message contains this text, or every finding of the codes (`topoc.toml`).
    Message(Option<String>),
}

/// One suppression: codes, a scope and the reason it is fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub codes: Vec<Code>,
    pub scope: Scope,
    pub reason: String,
    /// Where it is written (the comment, or the `[[suppress]]` table).
    pub span: Span,
}

/// Everything a run was told about its findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub overrides: Vec<Override>,
    pub suppressions: Vec<Suppression>,
}

/// What applying [`Rules`] hid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Findings of codes turned `off`.
    pub disabled: usize,
    /// Findings hidden by a suppression.
    pub suppressed: usize,
    /// Suppressions that hid nothing, but whose findings' stage did not run.
    pub unjudged: usize,
    /// Those findings, each with the suppression that hid it, for formats that show suppressed
    /// results as such (SARIF's `suppressions`).
    pub findings: Vec<SuppressedFinding>,
}

/// A finding a suppression hid, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedFinding {
    pub diagnostic: Diagnostic,
    /// The suppression's reason.
    pub reason: String,
    /// An inline `# topoc: ignore[...]` comment (SARIF `inSource`), else topoc.toml (`external`).
    pub in_source: bool,
}

impl Rules {
    /// Apply overrides, then suppressions. `protected` says why a finding cannot be lowered or
    /// hidden (an error that stops the spec from compiling, say); such a finding is kept as it is,
    /// with a note, and the override or suppression counts as used. A suppression that hides
    /// nothing is reported as a `unused-rule` warning, in the third list returned.
    pub fn apply(
        &self,
        diagnostics: Diagnostics,
        files: &Files,
        protected: impl Fn(&Diagnostic) -> Option<&'static str>,
    ) -> (Diagnostics, Hidden, Diagnostics) {
        self.apply_judging(diagnostics, files, protected, |_| true)
    }

    /// [`Rules::apply`], where a suppression that hides nothing is reported only when `judged`
    /// says the stage that would produce its findings ran: after a syntax error or a spec that
    /// does not resolve, a suppression of a later stage's finding hides nothing because nothing
    /// was checked, not because the finding is gone. Those are counted in `Hidden::unjudged`.
    pub fn apply_judging(
        &self,
        diagnostics: Diagnostics,
        files: &Files,
        protected: impl Fn(&Diagnostic) -> Option<&'static str>,
        judged: impl Fn(&Suppression) -> bool,
    ) -> (Diagnostics, Hidden, Diagnostics) {
        let mut used = vec![false; self.suppressions.len()];
        let mut hidden = Hidden::default();
        let mut kept = Diagnostics::new();
        for mut d in diagnostics {
            let why_kept = protected(&d);
            if let Some(o) = self.overrides.iter().rev().find(|o| o.code == d.code) {
                match (why_kept, o.severity) {
                    (Some(why), s) if s.is_none_or(|s| s < d.severity) => {
                        d.notes.push(format!(
                            "{} cannot lower this finding: {why}",
                            place(files, o.span, "[rules] entry")
                        ));
                    }
                    (_, None) => {
                        hidden.disabled += 1;
                        continue;
                    }
                    (_, Some(s)) => d.severity = s,
                }
            }
            let matching: Vec<usize> =
                (0..self.suppressions.len()).filter(|&i| self.suppressions[i].matches(&d, files)).collect();
            if let Some(&first) = matching.first() {
                matching.iter().for_each(|&i| used[i] = true);
                if let Some(why) = why_kept {
                    d.notes.push(format!(
                        "{} cannot hide this finding: {why}",
                        place(files, self.suppressions[first].span, "suppression")
                    ));
                } else {
                    hidden.suppressed += 1;
                    let by = &self.suppressions[first];
                    hidden.findings.push(SuppressedFinding {
                        diagnostic: d,
                        reason: by.reason.clone(),
                        in_source: matches!(by.scope, Scope::Line { .. }),
                    });
                    continue;
                }
            }
            kept.push(d);
        }
        let mut unused = Diagnostics::new();
        for (s, used) in self.suppressions.iter().zip(used) {
            if !used && !judged(s) {
                hidden.unjudged += 1;
            } else if !used {
                let codes: Vec<String> = s.codes.iter().map(|c| format!("`{}`", c.as_str())).collect();
                unused.push(
                    Diagnostic::new(Code::UnusedRule, format!("this suppression of {} hides no finding", codes.join(", ")))
                        .with_severity(Severity::Warning)
                        .primary(s.span, "suppresses nothing")
                        .help("remove it: the finding it was written for is gone (or moved: an inline suppression covers the findings that mark its own line, or the next line when it stands alone)"),
                );
            }
        }
        (kept, hidden, unused)
    }
}

fn place(files: &Files, span: Span, what: &str) -> String {
    match files.location(span) {
        Some((path, lc)) => format!("the {what} at {path}:{}:{}", lc.line, lc.column),
        None => format!("the {what}"),
    }
}

impl Suppression {
    fn matches(&self, d: &Diagnostic, files: &Files) -> bool {
        if !self.codes.contains(&d.code) {
            return false;
        }
        match &self.scope {
            // Any line the finding marks: where the problem is, or the other side of it (the
            // rule a path breaks), so the comment can sit beside the line the user chose.
            Scope::Line { file, line } => d.labels.iter().any(|l| {
                l.span.file == *file
                    && files.get(l.span.file).is_some_and(|f| f.line_col(l.span.start as usize).line == *line)
            }),
            Scope::Message(None) => true,
            Scope::Message(Some(text)) => d.messages().any(|m| m.contains(text.as_str())),
        }
    }
}

/// The comment prefix of inline directives.
const DIRECTIVE: &str = "topoc:";

/// Find every `# topoc: ignore[CODE, ...] reason: TEXT` comment in a spec (YAML and TOML both
/// comment with `#`). A comment after other text on a line covers findings on that line; a
/// comment alone on its line covers the next line that is neither blank nor only a comment.
/// Malformed directives, unknown codes and missing reasons are error diagnostics.
pub fn inline_suppressions(file: FileId, text: &str) -> (Vec<Suppression>, Diagnostics) {
    let mut found = Vec::new();
    let mut diags = Diagnostics::new();
    let lines: Vec<(usize, &str)> = line_starts(text);
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = directive_start(line) else { continue };
        let comment = line[hash..].trim_end();
        let span = Span::new(file, start + hash, start + hash + comment.len());
        let body = comment[1..].trim_start();
        let body_offset = start + hash + (comment.len() - body.len());
        let rest = body[DIRECTIVE.len()..].trim_start();
        let rest_offset = body_offset + (body.len() - rest.len());
        let syntax_help = "write `# topoc: ignore[CODE] reason: why it is fine` (several codes: `ignore[a, b]`)";
        let Some(inner) = rest.strip_prefix("ignore[") else {
            diags.push(
                Diagnostic::new(Code::InvalidValue, "malformed topoc directive: expected `ignore[CODE]`")
                    .primary(span, "not a topoc directive")
                    .help(syntax_help),
            );
            continue;
        };
        let Some(close) = inner.find(']') else {
            diags.push(
                Diagnostic::new(Code::InvalidValue, "malformed topoc directive: `ignore[` is not closed")
                    .primary(span, "missing `]`")
                    .help(syntax_help),
            );
            continue;
        };
        let list_offset = rest_offset + "ignore[".len();
        let mut codes = Vec::new();
        let mut ok = true;
        let mut at = 0;
        for part in inner[..close].split(',') {
            let name = part.trim();
            let name_start = list_offset + at + (part.len() - part.trim_start().len());
            at += part.len() + 1;
            let name_span = Span::new(file, name_start, name_start + name.len().max(1));
            match Code::from_name(name) {
                Some(code) => codes.push(code),
                None => {
                    ok = false;
                    diags.push(unknown_code(name, name_span));
                }
            }
        }
        if ok && codes.is_empty() {
            ok = false;
            diags.push(
                Diagnostic::new(Code::InvalidValue, "a topoc suppression names no code")
                    .primary(span, "empty `ignore[]`")
                    .help(syntax_help),
            );
        }
        let after = inner[close + 1..].trim();
        let reason = after.strip_prefix("reason:").map(str::trim).unwrap_or_default();
        if after.strip_prefix("reason:").is_none() && !after.is_empty() {
            ok = false;
            diags.push(
                Diagnostic::new(Code::InvalidValue, "malformed topoc directive: expected `reason:` after `]`")
                    .primary(span, "here")
                    .help(syntax_help),
            );
        } else if reason.is_empty() {
            ok = false;
            diags.push(
                Diagnostic::new(Code::MissingKey, "this suppression gives no reason")
                    .primary(span, "no `reason:`")
                    .help("say why the finding is acceptable: `# topoc: ignore[CODE] reason: ...`"),
            );
        }
        if !ok {
            continue;
        }
        let alone = line[..hash].trim().is_empty();
        let target = if alone {
            lines[index + 1..]
                .iter()
                .position(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#')
                })
                .map(|p| index + 1 + p + 1)
        } else {
            Some(index + 1)
        };
        // A standalone comment with nothing after it covers no line: it can only be unused.
        let line_no = target.unwrap_or(lines.len() + 1);
        found.push(Suppression { codes, scope: Scope::Line { file, line: line_no }, reason: reason.to_owned(), span });
    }
    (found, diags)
}

/// An unknown code name, with the closest known one.
pub fn unknown_code(name: &str, span: Span) -> Diagnostic {
    let bare = name.strip_prefix("topoc::").unwrap_or(name);
    let mut d = Diagnostic::new(Code::UnknownReference, format!("unknown diagnostic code `{bare}`"))
        .primary(span, "no such code");
    d = match did_you_mean(bare, Code::ALL.iter().map(|c| c.as_str())) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help("the codes are listed in docs/rules/ (and in `--format sarif` output)"),
    };
    d
}

/// Each line with its byte offset; line breaks are `\n` (a `\r` before it stays in the line
/// and is trimmed by the callers).
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        out.push((start, line));
        start += line.len() + 1;
    }
    out
}

/// Where a `# topoc:` comment starts on a line: a `#` at the start or after whitespace,
/// followed (after optional spaces) by `topoc:`.
fn directive_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(p) = line[from..].find('#') {
        let hash = from + p;
        let after = line[hash + 1..].trim_start();
        if (hash == 0 || bytes[hash - 1].is_ascii_whitespace()) && after.starts_with(DIRECTIVE) {
            return Some(hash);
        }
        from = hash + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> (Files, FileId, &'static str) {
        let text = "a: 1 # topoc: ignore[unknown-key] reason: legacy key\n\
                    # topoc: ignore[unused-rule, ineffective] reason: kept for the migration\n\
                    \n\
                    # an ordinary comment\n\
                    b: 2\n\
                    c: 3 # topoc: ignore[unknwn-key] reason: typo\n\
                    d: 4 # topoc: ignore[unknown-key]\n\
                    e: 5 # topoc: ignroe[x]\n\
                    f: \"#topoc\" # not a directive: topoc: ignore[x]\n";
        let mut files = Files::new();
        let id = files.add("s.yaml", text);
        (files, id, text)
    }

    #[test]
    fn parses_directives_on_their_line_and_above_the_next_line() {
        let (files, id, text) = spec();
        let (found, diags) = inline_suppressions(id, text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].codes, vec![Code::UnknownKey]);
        assert_eq!(found[0].scope, Scope::Line { file: id, line: 1 });
        assert_eq!(found[0].reason, "legacy key");
        assert_eq!(found[1].codes, vec![Code::UnusedRule, Code::Ineffective]);
        assert_eq!(found[1].scope, Scope::Line { file: id, line: 5 }, "skips blank and comment lines");
        let got: Vec<(Code, usize, String)> = diags
            .iter()
            .map(|d| {
                let (_, lc) = files.location(d.primary_span().expect("located")).expect("location");
                (d.code, lc.line, d.help.clone().unwrap_or_default())
            })
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (Code::UnknownReference, 6));
        assert_eq!(got[0].2, "did you mean `unknown-key`?");
        assert_eq!((got[1].0, got[1].1), (Code::MissingKey, 7));
        assert_eq!((got[2].0, got[2].1), (Code::InvalidValue, 8));
        // The unknown code's span is the name itself.
        let span = diags.iter().next().and_then(Diagnostic::primary_span).expect("span");
        assert_eq!(&text[span.start as usize..span.end as usize], "unknwn-key");
    }

    #[test]
    fn applies_overrides_and_suppressions_and_reports_unused_ones() {
        let (files, id, text) = spec();
        let (suppressions, _) = inline_suppressions(id, text);
        let rules = Rules {
            overrides: vec![
                Override { code: Code::Ineffective, severity: Some(Severity::Error), span: Span::DETACHED },
                Override { code: Code::DockerSocket, severity: None, span: Span::DETACHED },
            ],
            suppressions,
        };
        let at = |line_start: usize| Span::new(id, line_start, line_start + 1);
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::new(Code::UnknownKey, "unknown key `a`").primary(at(0), "here"));
        ds.push(
            Diagnostic::new(Code::UnknownKey, "unknown key `c`").primary(at(text.find("c: 3").expect("c")), "here"),
        );
        ds.push(Diagnostic::new(Code::DockerSocket, "socket").primary(at(0), "here"));
        ds.push(Diagnostic::new(Code::Ineffective, "does nothing").primary(at(text.find("e: 5").expect("e")), "x"));
        let (kept, hidden, unused) = rules.apply(ds, &files, |_| None);
        assert_eq!((hidden.disabled, hidden.suppressed, hidden.findings.len()), (1, 1, 1));
        let kept: Vec<(Code, Severity)> = kept.iter().chain(&unused).map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            kept,
            vec![
                (Code::UnknownKey, Severity::Error),
                (Code::Ineffective, Severity::Error),
                (Code::UnusedRule, Severity::Warning),
            ],
            "line 2's suppression (for line 5) is unused"
        );
    }

    #[test]
    fn protected_findings_stay_with_a_note() {
        let (files, id, text) = spec();
        let (suppressions, _) = inline_suppressions(id, text);
        let rules = Rules {
            overrides: vec![Override { code: Code::UnknownKey, severity: Some(Severity::Note), span: Span::DETACHED }],
            suppressions,
        };
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::new(Code::UnknownKey, "unknown key `a`").primary(Span::new(id, 0, 1), "here"));
        let (kept, hidden, unused) = rules.apply(ds, &files, |_| Some("the spec does not compile"));
        assert_eq!(hidden, Hidden::default());
        let d = kept.iter().next().expect("kept");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(
            d.notes,
            vec![
                "the [rules] entry cannot lower this finding: the spec does not compile".to_owned(),
                "the suppression at s.yaml:1:6 cannot hide this finding: the spec does not compile".to_owned()
            ]
        );
        assert_eq!((kept.len(), unused.len()), (1, 1), "the other suppression is still unused");
    }
}
