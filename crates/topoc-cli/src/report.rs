//! Rendering findings: human (miette's graphical report), JSON, SARIF, JUnit XML or GitHub
//! workflow commands. The only module that knows miette.

use crate::args::{ColorChoice, FindingsFormat};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use topoc_diag::{Diagnostic, Diagnostics, FileId, Files, Severity};

pub(crate) struct Reporter {
    color: bool,
    /// Every instance of a grouped finding, not only the first and a count.
    verbose: bool,
}

impl Reporter {
    pub(crate) fn new(choice: ColorChoice, verbose: bool) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        };
        Self { color, verbose }
    }

    /// Print findings: human to stderr, JSON to stdout (or stderr when stdout carries an artifact).
    pub(crate) fn findings(&self, diagnostics: &Diagnostics, files: &Files, format: FindingsFormat, stdout_free: bool) {
        self.configured_findings(diagnostics, &[], files, format, stdout_free);
    }

    /// Print findings after the project's configuration; SARIF also carries the suppressed
    /// ones, marked with their suppression.
    pub(crate) fn configured_findings(
        &self,
        diagnostics: &Diagnostics,
        suppressed: &[topoc_diag::SuppressedFinding],
        files: &Files,
        format: FindingsFormat,
        stdout_free: bool,
    ) {
        match format {
            FindingsFormat::Json | FindingsFormat::Sarif | FindingsFormat::Junit | FindingsFormat::Github => {
                let text = match format {
                    FindingsFormat::Sarif => pretty(&topoc_diag::to_sarif_with_suppressed(
                        diagnostics,
                        suppressed,
                        files,
                        env!("CARGO_PKG_VERSION"),
                    )),
                    FindingsFormat::Junit => topoc_diag::to_junit(diagnostics, files),
                    FindingsFormat::Github => topoc_diag::to_github(diagnostics, files),
                    _ => pretty(&topoc_diag::to_json(diagnostics, files)),
                };
                if stdout_free {
                    let _ = std::io::stdout().write_all(text.as_bytes());
                } else {
                    let _ = std::io::stderr().write_all(text.as_bytes());
                }
            }
            FindingsFormat::Human => {
                let mut out = String::new();
                let mut sources = Sources::default();
                for d in diagnostics {
                    out.push_str(&self.render(d, files, &mut sources));
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
    fn render(&self, d: &Diagnostic, files: &Files, sources: &mut Sources) -> String {
        let theme = if self.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(CONTEXT_LINES).with_width(100);
        let adapter = Adapter::new(d, files, sources);
        let mut out = String::new();
        if handler.render_report(&mut out, &adapter).is_err() {
            out = format!("{}: {}\n", d.severity.as_str(), d.message);
        }
        // miette has no notes; print them under the report, as rustc does.
        for note in &d.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        self.render_instances(d, &mut out);
        out.push('\n');
        out
    }
}

impl Reporter {
    /// A grouped finding's other instances: a count (and where to see them), or with
    /// `--verbose` each one's message and notes.
    fn render_instances(&self, d: &Diagnostic, out: &mut String) {
        let n = d.instance_count();
        if n == 1 {
            return;
        }
        if !self.verbose {
            out.push_str(&format!(
                "  = note: one cause, {n} instances (the first is shown); --verbose or --format json lists them all\n"
            ));
            return;
        }
        out.push_str(&format!("  = note: one cause, {n} instances; the others:\n"));
        for (i, instance) in d.instances.iter().enumerate() {
            out.push_str(&format!("    {}. {}\n", i + 2, instance.message));
            for note in &instance.notes {
                out.push_str(&format!("       {note}\n"));
            }
        }
    }
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Source text shared between diagnostics without copying it, with a line index built once per
/// file, so reading a snippet costs the snippet, not the text before it (miette's own
/// `SourceCode for str` scans from the start of the file on every read, which made a report of
/// N findings quadratic).
#[derive(Debug)]
struct Source {
    name: String,
    text: Arc<str>,
    /// Byte offset of the start of every line, with miette's line breaks (`\n`, `\r\n` and a
    /// lone `\r`), so line numbers agree with what miette would compute.
    line_starts: Arc<[usize]>,
}

/// Longest snippet drawn for one label: beyond this (a line of thousands of characters, a label
/// over a huge mapping), the snippet is clipped around the label.
const SNIPPET_LIMIT: usize = 2048;
/// Characters of a clipped long line kept on each side of the label.
const CLIP_MARGIN: usize = 120;
/// Lines of context miette draws around each label.
const CONTEXT_LINES: usize = 1;

impl Source {
    fn new(name: String, text: Arc<str>) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { name, text, line_starts: starts.into() }
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// End of line `line` (before its line break), or of the text.
    fn line_end(&self, line: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = self.line_starts.get(line + 1).copied().unwrap_or(bytes.len());
        while end > self.line_starts[line] && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        end
    }

    /// The label's first line, the first line of its snippet, and the snippet's length in bytes.
    fn window(&self, start: usize, end: usize, before: usize, after: usize) -> (usize, usize, usize) {
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        let from_line = first.saturating_sub(before);
        let to_line = (last + after).min(self.line_starts.len() - 1);
        (first, from_line, self.line_end(to_line).max(self.line_starts[from_line]) - self.line_starts[from_line])
    }

    /// The end of a label as drawn: unchanged, or, when its snippet is clipped, within the
    /// clipped part of its first line.
    fn clip_label(&self, start: usize, end: usize) -> usize {
        let (first, _, window) = self.window(start, end, CONTEXT_LINES, CONTEXT_LINES);
        if window <= SNIPPET_LIMIT {
            return end;
        }
        self.floor_char(end.min(self.line_end(first).max(start)).min(start + SNIPPET_LIMIT)).max(start)
    }

    fn floor_char(&self, mut at: usize) -> usize {
        at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn ceil_char(&self, mut at: usize) -> usize {
        at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at += 1;
        }
        at
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (first, from_line, window) = self.window(start, end, before, after);
        if window <= SNIPPET_LIMIT {
            // miette's own reading, on the text from the line before the first context line
            // on (miette looks one byte behind an empty span): the same result as on the whole
            // text, with lines and offsets shifted back.
            let from_line = from_line.saturating_sub(1);
            let base = self.line_starts[from_line];
            let local = SourceSpan::new((start - base).into(), span.len());
            let inner = self.text.as_bytes()[base..].read_span(&local, before, after)?;
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
                inner.line() + from_line,
                inner.column(),
                inner.line_count() + from_line,
            )));
        }
        // Too long to draw whole: the label's first line only, clipped around the label.
        let line_start = self.line_starts[first];
        let line_end = self.line_end(first).max(start);
        let data_start =
            if before == 0 { start } else { self.floor_char(start.saturating_sub(CLIP_MARGIN).max(line_start)) };
        let data_end =
            self.ceil_char(end.min(start + SNIPPET_LIMIT).max(start).saturating_add(CLIP_MARGIN).min(line_end));
        let data = &self.text.as_bytes()[data_start..data_end.max(data_start)];
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(data_start.into(), data.len()),
            first,
            data_start - line_start,
            first,
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
    fn new(d: &'a Diagnostic, files: &Files, sources: &mut Sources) -> Self {
        let source = d.primary_span().and_then(|s| sources.get(files, s.file));
        Self { d, source, help: d.help.clone() }
    }
}

/// Each file's [`Source`], its line index built on first use and shared by every diagnostic.
#[derive(Default)]
struct Sources {
    by_file: std::collections::HashMap<FileId, Source>,
}

impl Sources {
    fn get(&mut self, files: &Files, id: FileId) -> Option<Source> {
        if let Some(s) = self.by_file.get(&id) {
            return Some(Source { name: s.name.clone(), text: s.text.clone(), line_starts: s.line_starts.clone() });
        }
        let f = files.get(id)?;
        let source = Source::new(f.path.clone(), f.text.clone());
        let copy =
            Source { name: source.name.clone(), text: source.text.clone(), line_starts: source.line_starts.clone() };
        self.by_file.insert(id, source);
        Some(copy)
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
        let source = self.source.as_ref();
        let len = source.map_or(0, |s| s.text.len());
        Some(Box::new(self.d.labels.iter().filter(move |l| l.span.file == file).map(move |l| {
            let start = (l.span.start as usize).min(len);
            let end = (l.span.end as usize).min(len).max(start);
            // A label whose snippet would be clipped is cut to what the clipped snippet shows.
            let end = source.map_or(end, |s| s.clip_label(start, end));
            let span = SourceSpan::new(start.into(), end - start);
            if l.primary {
                LabeledSpan::new_primary_with_span(Some(l.message.clone()), span)
            } else {
                LabeledSpan::new_with_span(Some(l.message.clone()), span)
            }
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Short snippets read through the line index are exactly what miette reads on the whole
    /// text, whatever the line breaks.
    #[test]
    fn indexed_source_reads_what_miette_reads() {
        let texts = ["a: 1\nbb: 22\r\nccc: 3\rdd: é4\n\nlast", "x", "\n\n", "one line, no break", "ab\r\n\r\ncd\n"];
        for text in texts {
            let source = Source::new("f".into(), text.into());
            for start in 0..=text.len() {
                for len in 0..=(text.len() - start) {
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 2)] {
                        let span = SourceSpan::new(start.into(), len);
                        let want = text.as_bytes().read_span(&span, before, after);
                        let got = source.read_span(&span, before, after);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                let what = format!("{text:?} {start}+{len} ({before}, {after})");
                                assert_eq!(w.data(), g.data(), "{what}");
                                assert_eq!(w.span(), g.span(), "{what}");
                                assert_eq!((w.line(), w.column()), (g.line(), g.column()), "{what}");
                                assert_eq!(w.line_count(), g.line_count(), "{what}");
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{text:?} {start}+{len}: miette {:?}, indexed {:?}", w.is_ok(), g.is_ok()),
                        }
                    }
                }
            }
        }
    }

    /// A snippet on a very long line is clipped around its label, so drawing N findings on it
    /// costs N snippets, not N lines.
    #[test]
    fn long_lines_are_clipped_around_the_label() {
        let text = format!("k: [{}]\n", vec!["70000"; 5000].join(", "));
        let source = Source::new("f".into(), text.as_str().into());
        let at = text.len() / 2;
        let at = at - (at - 4) % 7; // the start of a `70000`
        let span = SourceSpan::new(at.into(), 5);
        let got = source.read_span(&span, 1, 1).expect("read");
        assert!(got.data().len() <= 2 * CLIP_MARGIN + 5, "{}", got.data().len());
        assert_eq!(got.line(), 0);
        assert_eq!(got.column(), got.span().offset());
        let head = source.read_span(&span, 0, 0).expect("read");
        assert_eq!((head.line(), head.column()), (0, at));
        assert_eq!(source.clip_label(at, at + 5), at + 5);
        assert_eq!(source.clip_label(0, text.len()), SNIPPET_LIMIT, "clipped");
        let short = "a: 1\nb: [1, 2]\n";
        assert_eq!(Source::new("f".into(), short.into()).clip_label(0, short.len()), short.len(), "not clipped");
    }
}
