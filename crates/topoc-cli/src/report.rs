//! Rendering findings: human (miette's graphical report), or JSON. The only module that knows
//! miette.

use crate::args::{ColorChoice, FindingsFormat};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use topoc_diag::{Diagnostic, Diagnostics, Files, Severity};

pub(crate) struct Reporter {
    color: bool,
}

impl Reporter {
    pub(crate) fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        };
        Self { color }
    }

    /// Print findings: human to stderr, JSON to stdout (or stderr when stdout carries an artifact).
    pub(crate) fn findings(&self, diagnostics: &Diagnostics, files: &Files, format: FindingsFormat, stdout_free: bool) {
        match format {
            FindingsFormat::Json | FindingsFormat::Sarif => {
                let value = match format {
                    FindingsFormat::Sarif => topoc_diag::to_sarif(diagnostics, files, env!("CARGO_PKG_VERSION")),
                    _ => topoc_diag::to_json(diagnostics, files),
                };
                let text = serde_json::to_string_pretty(&value).unwrap_or_default();
                if stdout_free {
                    let _ = writeln!(std::io::stdout(), "{text}");
                } else {
                    let _ = writeln!(std::io::stderr(), "{text}");
                }
            }
            FindingsFormat::Human => {
                let mut out = String::new();
                for d in diagnostics {
                    out.push_str(&self.render(d, files));
                }
                let (e, w) = (diagnostics.count(Severity::Error), diagnostics.count(Severity::Warning));
                if e + w > 0 {
                    out.push_str(&format!(
                        "{}: {} error{}, {} warning{}\n",
                        if e > 0 { "failed" } else { "passed" },
                        e,
                        plural(e),
                        w,
                        plural(w)
                    ));
                }
                let _ = std::io::stderr().write_all(out.as_bytes());
            }
        }
    }

    pub(crate) fn failure(&self, message: &str) {
        let _ = writeln!(std::io::stderr(), "error: {message}");
    }

    pub(crate) fn note(&self, message: &str) {
        let _ = writeln!(std::io::stderr(), "note: {message}");
    }

    /// One diagnostic as miette draws it, with the source snippet and labels.
    pub(crate) fn render(&self, d: &Diagnostic, files: &Files) -> String {
        let theme = if self.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1).with_width(100);
        let adapter = Adapter::new(d, files);
        let mut out = String::new();
        if handler.render_report(&mut out, &adapter).is_err() {
            out = format!("{}: {}\n", d.severity.as_str(), d.message);
        }
        // miette has no notes; print them under the report, as rustc does.
        for note in &d.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out.push('\n');
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Source text shared between diagnostics without copying it.
#[derive(Debug)]
struct Source {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Our diagnostic seen through miette's trait. Labels in the primary label's file are drawn;
/// miette draws one file per report.
#[derive(Debug)]
struct Adapter<'a> {
    d: &'a Diagnostic,
    source: Option<Source>,
    help: Option<String>,
}

impl<'a> Adapter<'a> {
    fn new(d: &'a Diagnostic, files: &Files) -> Self {
        let source = d
            .primary_span()
            .and_then(|s| files.get(s.file))
            .map(|f| Source { name: f.path.clone(), text: f.text.clone() });
        Self { d, source, help: d.help.clone() }
    }
}

impl std::fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl miette::Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.d.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let file = self.d.primary_span()?.file;
        let len = self.source.as_ref().map_or(0, |s| s.text.len());
        Some(Box::new(self.d.labels.iter().filter(move |l| l.span.file == file).map(move |l| {
            let start = (l.span.start as usize).min(len);
            let end = (l.span.end as usize).min(len).max(start);
            let span = SourceSpan::new(start.into(), end - start);
            if l.primary {
                LabeledSpan::new_primary_with_span(Some(l.message.clone()), span)
            } else {
                LabeledSpan::new_with_span(Some(l.message.clone()), span)
            }
        })))
    }
}
